//! Statistics: persons held nationally at the end of each month against capacity, the
//! occupancy and the pretrial share of each facility today, deaths in custody by cause
//! and seizures by category — each chart drawn as SVG on the server, each with its data
//! as CSV.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use custodia_app::AppError;
use custodia_app::seizures::StatsQuery;
use custodia_app::statistics::Statistics;
use custodia_domain::access::Action;

use super::charts::{self, Chart, Row};
use super::format;
use super::i18n::Tr;
use super::page::{Chrome, app_error, not_found, render};
use super::session::Viewer;
use crate::AppState;

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    c: Chrome,
    months: u32,
    charts: Vec<Chart>,
}

/// `?months=` (12 by default).
#[derive(Deserialize)]
pub struct Window {
    months: Option<u32>,
}

/// One chart's data: a header and rows of cells.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// What the page shows: the statistics, and seizures by category when the viewer may
/// read searches.
struct Data {
    stats: Statistics,
    seizures: Option<Vec<(String, i64)>>,
}

async fn data(s: &AppState, v: &Viewer, months: u32) -> Result<Data, AppError> {
    let who = &v.live.principal;
    let stats = custodia_app::statistics::statistics(&s.store, who, months).await?;
    let seizures = if who.require_some(Action::SearchRead).is_ok() {
        let q = StatsQuery {
            facility: None,
            from: Some(stats.from.clone()),
            to: None,
        };
        let found = custodia_app::seizures::stats(&s.store, who, q).await?;
        Some(
            found
                .by_category
                .into_iter()
                .map(|c| (c.category.as_str().to_owned(), c.items))
                .collect(),
        )
    } else {
        None
    };
    Ok(Data { stats, seizures })
}

/// The tables behind the charts, by chart id.
fn tables(t: Tr, d: &Data) -> Vec<(&'static str, Table)> {
    let st = &d.stats;
    let mut header = vec![t.s("stats-facility")];
    header.extend(st.months.iter().cloned());
    header.push(t.s("stats-capacity"));
    let mut population = Table {
        header,
        rows: Vec::new(),
    };
    for f in &st.facilities {
        let mut row = vec![f.code.clone()];
        row.extend(f.held.iter().map(i64::to_string));
        row.push(f.capacity.to_string());
        population.rows.push(row);
    }
    let mut national = vec![t.s("stats-national")];
    national.extend((0..st.months.len()).map(|i| {
        st.facilities
            .iter()
            .map(|f| f.held[i])
            .sum::<i64>()
            .to_string()
    }));
    national.push(
        st.facilities
            .iter()
            .map(|f| f.capacity)
            .sum::<i64>()
            .to_string(),
    );
    population.rows.push(national);
    let occupancy = Table {
        header: vec![
            t.s("stats-facility"),
            t.s("stats-held"),
            t.s("stats-capacity"),
            t.s("stats-rate"),
        ],
        rows: st
            .facilities
            .iter()
            .map(|f| {
                let held = f.held.last().copied().unwrap_or(0);
                vec![
                    f.code.clone(),
                    held.to_string(),
                    f.capacity.to_string(),
                    if f.capacity > 0 {
                        format!("{:.3}", held as f64 / f.capacity as f64)
                    } else {
                        String::new()
                    },
                ]
            })
            .collect(),
    };
    let pretrial = Table {
        header: vec![
            t.s("stats-facility"),
            t.e("legal-status", "pretrial"),
            t.e("legal-status", "sentenced"),
            t.e("legal-status", "other"),
        ],
        rows: st
            .facilities
            .iter()
            .map(|f| {
                vec![
                    f.code.clone(),
                    f.pretrial.to_string(),
                    f.sentenced.to_string(),
                    f.other.to_string(),
                ]
            })
            .collect(),
    };
    let deaths = Table {
        header: vec![t.s("stats-cause"), t.s("stats-count")],
        rows: st
            .deaths
            .iter()
            .map(|x| vec![x.cause.clone(), x.count.to_string()])
            .collect(),
    };
    let mut out = vec![
        ("population", population),
        ("occupancy", occupancy),
        ("pretrial", pretrial),
        ("deaths", deaths),
    ];
    if let Some(seized) = &d.seizures {
        out.push((
            "seizures",
            Table {
                header: vec![t.s("stats-category"), t.s("stats-count")],
                rows: seized
                    .iter()
                    .map(|(c, n)| vec![c.clone(), n.to_string()])
                    .collect(),
            },
        ));
    }
    out
}

fn draw(t: Tr, d: &Data) -> Vec<Chart> {
    let (st, lang) = (&d.stats, t.lang);
    let n = |v: i64| format::number(lang, v);
    let national: Vec<(String, i64)> = st
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| (m.clone(), st.facilities.iter().map(|f| f.held[i]).sum()))
        .collect();
    let capacity: i64 = st.facilities.iter().map(|f| f.capacity).sum();
    let mut charts = vec![charts::columns(
        "population",
        t.s("stats-population"),
        t.s("stats-population-summary"),
        &national,
        Some((capacity, t.s("stats-capacity"))),
        n,
    )];
    let rows: Vec<Row> = st
        .facilities
        .iter()
        .map(|f| Row {
            label: f.code.clone(),
            values: vec![f.held.last().copied().unwrap_or(0)],
            mark: Some(f.capacity),
        })
        .collect();
    charts.push(charts::rows(
        "occupancy",
        t.s("stats-occupancy"),
        t.s("stats-occupancy-summary"),
        &rows,
        vec![("series-0", t.s("stats-held"))],
        n,
    ));
    let rows: Vec<Row> = st
        .facilities
        .iter()
        .map(|f| Row {
            label: f.code.clone(),
            values: vec![f.pretrial, f.sentenced, f.other],
            mark: None,
        })
        .collect();
    let total: i64 = st
        .facilities
        .iter()
        .map(|f| f.pretrial + f.sentenced + f.other)
        .sum();
    let pretrial: i64 = st.facilities.iter().map(|f| f.pretrial).sum();
    let share = if total > 0 {
        pretrial as f64 / total as f64
    } else {
        0.0
    };
    charts.push(charts::rows(
        "pretrial",
        t.x("stats-pretrial", &format::percent(lang, share)),
        t.s("stats-pretrial-summary"),
        &rows,
        vec![
            ("series-1", t.e("legal-status", "pretrial")),
            ("series-0", t.e("legal-status", "sentenced")),
            ("series-2", t.e("legal-status", "other")),
        ],
        n,
    ));
    let rows: Vec<Row> = st
        .deaths
        .iter()
        .map(|x| Row {
            label: t.e("death-cause", &x.cause),
            values: vec![x.count],
            mark: None,
        })
        .collect();
    charts.push(charts::rows(
        "deaths",
        t.s("stats-deaths"),
        t.s("stats-deaths-summary"),
        &rows,
        vec![("alert", t.s("stats-count"))],
        n,
    ));
    if let Some(seized) = &d.seizures {
        let rows: Vec<Row> = seized
            .iter()
            .map(|(c, count)| Row {
                label: t.e("item-category", c),
                values: vec![*count],
                mark: None,
            })
            .collect();
        charts.push(charts::rows(
            "seizures",
            t.s("stats-seizures"),
            t.s("stats-seizures-summary"),
            &rows,
            vec![("series-0", t.s("stats-count"))],
            n,
        ));
    }
    charts
}

fn months(w: &Window) -> u32 {
    w.months.unwrap_or(12)
}

/// `GET /statistics`.
pub async fn show(State(s): State<AppState>, v: Viewer, Query(w): Query<Window>) -> Response {
    let months = months(&w);
    match data(&s, &v, months).await {
        Ok(d) => render(&StatisticsPage {
            c: Chrome::viewer(&v, "/statistics", v.t().s("stats-title")),
            months,
            charts: draw(v.t(), &d),
        }),
        Err(e) => app_error(&v, e),
    }
}

/// `GET /statistics/{chart}.csv`: one chart's data.
pub async fn csv(
    State(s): State<AppState>,
    v: Viewer,
    Path(file): Path<String>,
    Query(w): Query<Window>,
) -> Response {
    let Some(id) = file.strip_suffix(".csv") else {
        return not_found(Chrome::viewer(&v, "", String::new()));
    };
    let d = match data(&s, &v, months(&w)).await {
        Ok(d) => d,
        Err(e) => return app_error(&v, e),
    };
    let Some((name, table)) = tables(v.t(), &d).into_iter().find(|(name, _)| *name == id) else {
        return not_found(Chrome::viewer(&v, "", String::new()));
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let written = std::iter::once(&table.header)
        .chain(table.rows.iter())
        .try_for_each(|row| out.write_record(row));
    let body = match (written, out.into_inner()) {
        (Ok(()), Ok(body)) => body,
        _ => return app_error(&v, AppError::BadFile("csv".into())),
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"custodia-{name}.csv\""))
    {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
