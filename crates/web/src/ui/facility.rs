//! The facilities in reach, and one facility's page: its roll, its units with
//! occupancy (cells open on demand), who is not in a cell, open alerts, today's
//! movements, the staff on duty, and a form to record a count.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use custodia_app::AppError;
use custodia_app::population::{CountRequest, FacilityRoll, LocationRoll};
use custodia_domain::access::Action;

use super::format;
use super::forms::FormErrors;
use super::i18n::{Lang, Tr};
use super::page::{Chrome, app_error, csrf_refused, not_found, render, render_with};
use super::session::Viewer;
use crate::AppState;

/// Lists on the facility page show this many lines (the latest first for movements),
/// then how many more there are: a page must stay light on an old PC.
const LIST_LIMIT: usize = 100;

/// A facility in the list.
struct FacilityLine {
    code: String,
    name: String,
    province: String,
    on_roll: String,
    rate: String,
}

#[derive(Template)]
#[template(path = "facilities.html")]
struct FacilitiesPage {
    c: Chrome,
    facilities: Vec<FacilityLine>,
}

/// `GET /facilities`: the facilities the viewer may see.
pub async fn list(State(s): State<AppState>, v: Viewer) -> Response {
    let lang = v.lang;
    match custodia_app::population::national_roll(&s.store, &v.live.principal).await {
        Ok(roll) => render(&FacilitiesPage {
            c: Chrome::viewer(&v, "/facilities", v.t().s("facilities-title")),
            facilities: roll
                .facilities
                .into_iter()
                .map(|f| FacilityLine {
                    on_roll: format::number(lang, f.totals.total_on_roll),
                    rate: f
                        .totals
                        .occupancy
                        .occupancy_rate
                        .map(|r| format::percent(lang, r))
                        .unwrap_or_default(),
                    code: f.code,
                    name: f.name,
                    province: f.province,
                })
                .collect(),
        }),
        Err(e) => app_error(&v, e),
    }
}

/// A figure of the roll.
struct Figure {
    id: &'static str,
    label: String,
    value: String,
    alert: bool,
}

/// A location with its figures, as listed.
struct PlaceLine {
    id: i64,
    code: String,
    name: String,
    depth: usize,
    is_cell: bool,
    in_service: bool,
    occupied: String,
    capacity: String,
    free: String,
    rate: String,
    over: bool,
}

/// A person on a list (not in a cell, a movement, an override).
struct PersonLine {
    person_id: i64,
    label: String,
    detail: String,
    when: String,
}

/// A line of a list with no person.
struct Line {
    label: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "facility.html")]
struct FacilityPage {
    c: Chrome,
    code: String,
    name: String,
    at: String,
    figures: Vec<Figure>,
    units: Vec<PlaceLine>,
    not_in_a_cell: Vec<PersonLine>,
    not_in_a_cell_more: usize,
    overrides: Vec<PersonLine>,
    overrides_more: usize,
    alerts: Vec<Line>,
    movements: Option<Vec<PersonLine>>,
    movements_more: usize,
    on_duty: Option<Vec<Line>>,
    /// Places a count may be recorded for (when the viewer may record one).
    count_places: Option<Vec<(i64, String)>>,
    count_errors: FormErrors,
    count_recorded: Option<String>,
}

fn place_line(lang: Lang, l: &LocationRoll, depth: usize) -> PlaceLine {
    let o = &l.occupancy;
    PlaceLine {
        id: l.location_id,
        code: l.code.clone(),
        name: l.name.clone(),
        depth,
        is_cell: l.is_cell,
        in_service: l.in_service,
        occupied: format::number(lang, o.occupied),
        capacity: format::number(lang, o.operational_capacity),
        free: format::number(lang, o.free),
        rate: o
            .occupancy_rate
            .map(|r| format::percent(lang, r))
            .unwrap_or_default(),
        over: o.over_capacity > 0,
    }
}

fn figures(t: Tr, lang: Lang, roll: &FacilityRoll) -> Vec<Figure> {
    let r = &roll.totals;
    let n = |v: i64| format::number(lang, v);
    vec![
        Figure {
            id: "total",
            label: t.s("roll-total"),
            value: n(r.total_on_roll),
            alert: false,
        },
        Figure {
            id: "in-place",
            label: t.s("roll-in-place"),
            value: n(r.in_place),
            alert: false,
        },
        Figure {
            id: "unallocated",
            label: t.s("roll-unallocated"),
            value: n(r.unallocated),
            alert: r.unallocated > 0,
        },
        Figure {
            id: "out",
            label: t.s("roll-out"),
            value: n(r.out),
            alert: false,
        },
        Figure {
            id: "overdue-back",
            label: t.s("roll-overdue-back"),
            value: n(r.overdue_back),
            alert: r.overdue_back > 0,
        },
        Figure {
            id: "transit-in",
            label: t.s("roll-transit-in"),
            value: n(r.in_transit_in),
            alert: false,
        },
        Figure {
            id: "transit-out",
            label: t.s("roll-transit-out"),
            value: n(r.in_transit_out),
            alert: false,
        },
        Figure {
            id: "escaped",
            label: t.s("roll-escaped"),
            value: n(r.escaped),
            alert: r.escaped > 0,
        },
        Figure {
            id: "capacity",
            label: t.s("roll-capacity"),
            value: n(r.occupancy.operational_capacity),
            alert: false,
        },
        Figure {
            id: "free",
            label: t.s("roll-free"),
            value: n(r.occupancy.free),
            alert: false,
        },
        Figure {
            id: "rate",
            label: t.s("roll-rate"),
            value: r
                .occupancy
                .occupancy_rate
                .map(|x| format::percent(lang, x))
                .unwrap_or_default(),
            alert: r.occupancy.occupancy_rate.is_some_and(|x| x > 1.0),
        },
        Figure {
            id: "overrides",
            label: t.s("roll-overrides"),
            value: n(r.overrides),
            alert: r.overrides > 0,
        },
    ]
}

/// The start of today in the facility's time zone.
fn start_of_today(zone: &str) -> jiff::Timestamp {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now()
        .to_zoned(tz)
        .start_of_day()
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| jiff::Timestamp::now())
}

async fn page(s: &AppState, v: &Viewer, code: &str) -> Result<FacilityPage, AppError> {
    let (who, lang, t) = (&v.live.principal, v.lang, v.t());
    let facility = custodia_app::facilities::basic(&s.store, who, code).await?;
    let zone = facility.timezone.clone();
    let roll = custodia_app::population::roll(&s.store, who, code).await?;
    let units = roll
        .locations
        .iter()
        .filter(|l| l.parent_id.is_none())
        .map(|l| place_line(lang, l, 0))
        .collect();
    let person = |p: &custodia_app::population::RollPerson| PersonLine {
        person_id: p.person_id,
        label: t.e("presence", &p.presence),
        detail: p.override_reason.clone().unwrap_or_default(),
        when: format::instant_text(lang, &p.since, &zone),
    };
    let not_in_a_cell_more = roll.not_in_a_cell.len().saturating_sub(LIST_LIMIT);
    let not_in_a_cell = roll
        .not_in_a_cell
        .iter()
        .take(LIST_LIMIT)
        .map(person)
        .collect();
    let overrides_more = roll.overrides.len().saturating_sub(LIST_LIMIT);
    let overrides = roll.overrides.iter().take(LIST_LIMIT).map(person).collect();
    let mut alerts: Vec<Line> = Vec::new();
    for count in custodia_app::population::counts(&s.store, who, code, true).await? {
        alerts.push(Line {
            label: t.s("facility-alert-count"),
            detail: t.with(
                "facility-alert-count-detail",
                &[
                    ("place", place_name(&roll, count.location_id).into()),
                    ("counted", count.counted.into()),
                    ("expected", count.expected.into()),
                    ("at", format::instant_text(lang, &count.at, &zone).into()),
                ],
            ),
        });
    }
    if who.allows(Action::PersonRead, Some(code)) {
        for a in custodia_app::population::absences(&s.store, who, Some(code), true).await? {
            alerts.push(Line {
                label: t.s("facility-alert-overdue-back"),
                detail: t.with(
                    "facility-alert-overdue-back-detail",
                    &[
                        ("person", a.person_id.into()),
                        ("kind", t.e("absence", &a.kind).into()),
                        (
                            "due",
                            format::instant_text(lang, &a.expected_back_at, &zone).into(),
                        ),
                    ],
                ),
            });
        }
    }
    let mut movements_more = 0;
    let movements = if who.allows(Action::PersonRead, Some(code)) {
        let found = custodia_app::population::facility_movements(
            &s.store,
            who,
            code,
            start_of_today(&zone),
        )
        .await?;
        movements_more = found.len().saturating_sub(LIST_LIMIT);
        Some(
            found
                .into_iter()
                .rev()
                .take(LIST_LIMIT)
                .map(|m| PersonLine {
                    person_id: m.movement.person_id,
                    label: format!("{} ({})", m.full_name, m.registry_number),
                    detail: format!(
                        "{}{}",
                        t.e("movement", &m.movement.kind),
                        m.movement
                            .location_id
                            .map(|id| format!(" → {}", place_name(&roll, id)))
                            .unwrap_or_default()
                    ),
                    when: format::instant_text(lang, &m.movement.occurred_at, &zone),
                })
                .collect(),
        )
    } else {
        None
    };
    let on_duty = if who.allows(Action::StaffRead, Some(code)) {
        let duty = custodia_app::staff::on_duty(&s.store, who, code, None).await?;
        Some(
            duty.staff
                .into_iter()
                .map(|m| Line {
                    label: format!("{} {}", m.given_names, m.surnames),
                    detail: format!(
                        "{} · {}{}",
                        m.service_number,
                        t.e("staff-kind", m.kind.as_str()),
                        m.post.map(|p| format!(" · {p}")).unwrap_or_default()
                    ),
                })
                .collect(),
        )
    } else {
        None
    };
    let count_places = who.allows(Action::CountWrite, Some(code)).then(|| {
        roll.locations
            .iter()
            .map(|l| (l.location_id, format!("{} · {}", l.code, l.name)))
            .collect()
    });
    Ok(FacilityPage {
        c: Chrome::viewer(v, "/facilities", facility.name.clone()),
        code: facility.code.clone(),
        name: facility.name.clone(),
        at: format::instant_text(lang, &roll.at, &zone),
        figures: figures(t, lang, &roll),
        units,
        not_in_a_cell,
        not_in_a_cell_more,
        overrides,
        overrides_more,
        alerts,
        movements,
        movements_more,
        on_duty,
        count_places,
        count_errors: FormErrors::none(),
        count_recorded: None,
    })
}

fn place_name(roll: &FacilityRoll, id: i64) -> String {
    roll.locations
        .iter()
        .find(|l| l.location_id == id)
        .map(|l| l.code.clone())
        .unwrap_or_else(|| id.to_string())
}

/// `?counted=` after a count.
#[derive(Deserialize)]
pub struct FacilityQuery {
    counted: Option<String>,
}

/// `GET /facilities/{code}`.
pub async fn show(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<FacilityQuery>,
) -> Response {
    match page(&s, &v, &code).await {
        Ok(mut p) => {
            p.count_recorded = count_message(v.t(), q.counted.as_deref());
            render(&p)
        }
        Err(e) => app_error(&v, e),
    }
}

#[derive(Template)]
#[template(path = "partials/unit_cells.html")]
struct UnitCells {
    c: Chrome,
    /// The unit: the swapped body keeps its id, which the unit's button controls.
    unit: i64,
    cells: Vec<PlaceLine>,
}

/// `GET /facilities/{code}/units/{id}`: the places under a unit (opened on demand).
pub async fn unit(
    State(s): State<AppState>,
    v: Viewer,
    Path((code, id)): Path<(String, i64)>,
) -> Response {
    let roll = match custodia_app::population::roll(&s.store, &v.live.principal, &code).await {
        Ok(r) => r,
        Err(e) => return app_error(&v, e),
    };
    if !roll.locations.iter().any(|l| l.location_id == id) {
        return not_found(Chrome::viewer(&v, "/facilities", String::new()));
    }
    let cells = roll
        .locations
        .iter()
        .filter(|l| l.location_id != id)
        .filter_map(|l| depth_below(&roll.locations, l, id).map(|d| place_line(v.lang, l, d)))
        .collect();
    render(&UnitCells {
        c: Chrome::viewer(&v, "/facilities", String::new()),
        unit: id,
        cells,
    })
}

/// How far below the unit `unit` a location is (`None` when it is not under it): the
/// tree of one facility is small, so walking up the parents is cheap.
fn depth_below(all: &[LocationRoll], place: &LocationRoll, unit: i64) -> Option<usize> {
    let mut depth = 0;
    let mut at = place;
    while at.location_id != unit {
        let parent = at.parent_id?;
        at = all.iter().find(|p| p.location_id == parent)?;
        depth += 1;
    }
    Some(depth)
}

/// The count form's fields.
#[derive(Deserialize)]
pub struct CountForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    location_id: String,
    counted: String,
}

/// `POST /facilities/{code}/counts`: records a physical count through the same use case
/// as the API.
pub async fn record_count(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Form(form): Form<CountForm>,
) -> Response {
    if !v.csrf_ok(&form.csrf) {
        return csrf_refused(&v);
    }
    let t = v.t();
    let parsed = (
        form.location_id.trim().parse::<i64>(),
        form.counted.trim().parse::<i64>(),
    );
    let outcome = match parsed {
        (Ok(location_id), Ok(counted)) => {
            let request = CountRequest {
                location_id,
                counted,
                at: None,
            };
            custodia_app::population::record_count(&s.store, &v.live.principal, request)
                .await
                .map(Some)
        }
        (l, n) => {
            let mut problems = Vec::new();
            if l.is_err() {
                problems.push(custodia_domain::FieldError::new(
                    "location_id",
                    "required",
                    "choose the place counted",
                ));
            }
            if n.is_err() {
                problems.push(custodia_domain::FieldError::new(
                    "counted",
                    "not_a_number",
                    "the count must be a whole number",
                ));
            }
            Err(AppError::Invalid(custodia_domain::Invalid(problems)))
        }
    };
    match outcome {
        Ok(Some(count)) if count.discrepancy == 0 => {
            Redirect::to(&format!("/facilities/{code}?counted=ok")).into_response()
        }
        Ok(_) => Redirect::to(&format!("/facilities/{code}?counted=discrepancy")).into_response(),
        Err(e) => {
            let Some(errors) = FormErrors::from_app(t, &e) else {
                return app_error(&v, e);
            };
            match page(&s, &v, &code).await {
                Ok(mut p) => {
                    p.count_errors = errors;
                    render_with(StatusCode::UNPROCESSABLE_ENTITY, &p)
                }
                Err(e) => app_error(&v, e),
            }
        }
    }
}

/// `?counted=` after a count: the message to show.
fn count_message(t: Tr, counted: Option<&str>) -> Option<String> {
    match counted {
        Some("ok") => Some(t.s("facility-count-ok")),
        Some("discrepancy") => Some(t.s("facility-count-discrepancy")),
        _ => None,
    }
}
