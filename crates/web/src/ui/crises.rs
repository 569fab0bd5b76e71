//! Crises and their staff accountability board: who was on duty at each site, who is
//! held, released, injured, missing or dead — live, refreshing itself every 30 s — and
//! the forms to open a crisis and to mark officers held or released at a site.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use custodia_app::AppError;
use custodia_app::incidents::{BoardView, CrisisRequest, HostageRelease, HostageRequest, StaffIds};
use custodia_domain::access::Action;

use super::format;
use super::forms::{Fields, FormErrors, Posted, Reading, local_input};
use super::i18n::Tr;
use super::page::{Chrome, app_error, redisplay, render};
use super::session::Viewer;
use crate::AppState;

/// A crisis, as listed.
struct CrisisLine {
    id: i64,
    name: String,
    started: String,
    status: String,
    sites: usize,
}

/// An open incident that a new crisis may group.
struct IncidentChoice {
    id: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "crises.html")]
struct CrisesPage {
    c: Chrome,
    crises: Vec<CrisisLine>,
    may_open: bool,
    incidents: Vec<IncidentChoice>,
    f: Fields,
    errors: FormErrors,
}

/// A staff member on the board.
pub struct StaffLine {
    id: i64,
    label: String,
    kind: String,
    status: String,
    status_code: String,
    since: String,
}

/// One site (incident) of the crisis with its figures and its staff.
pub struct SiteBlock {
    incident_id: i64,
    facility: String,
    figures: Vec<(&'static str, String, i64)>,
    staff: Vec<StaffLine>,
}

/// The live part of the board.
#[derive(Template)]
#[template(path = "partials/board.html")]
pub struct Board {
    t: Tr,
    id: i64,
    at: String,
    totals: Vec<(&'static str, String, i64)>,
    sites: Vec<SiteBlock>,
    may_act: bool,
    csrf: String,
}

#[derive(Template)]
#[template(path = "crisis.html")]
struct CrisisPage {
    c: Chrome,
    name: String,
    started: String,
    status: String,
    summary: Option<String>,
    board: Board,
    errors: FormErrors,
}

/// `GET /crises`.
pub async fn list(State(s): State<AppState>, v: Viewer) -> Response {
    match list_page(&s, &v, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

async fn list_page(
    s: &AppState,
    v: &Viewer,
    mut f: Fields,
    errors: FormErrors,
) -> Result<CrisesPage, AppError> {
    let (who, t, lang) = (&v.live.principal, v.t(), v.lang);
    let crises = custodia_app::incidents::crises(&s.store, who, false)
        .await?
        .into_iter()
        .map(|c| CrisisLine {
            id: c.id,
            started: format::instant_text(lang, &c.started_at, format::DEFAULT_ZONE),
            status: t.e("crisis-status", &c.status),
            sites: c.incidents.len(),
            name: c.name,
        })
        .collect();
    let may_open = who.allows(Action::CrisisCommand, None);
    let incidents = if may_open {
        let q = custodia_app::incidents::IncidentQuery {
            facility: None,
            incident_type: None,
            status: None,
            from: None,
            to: None,
            limit: Some(200),
        };
        custodia_app::incidents::incidents(&s.store, who, q)
            .await?
            .into_iter()
            .filter(|i| i.crisis_id.is_none() && i.status != "closed")
            .map(|i| IncidentChoice {
                id: i.id,
                label: format!(
                    "{} · {} · {}",
                    i.reference,
                    t.e("incident-type", &i.incident_type),
                    i.site.facility.clone().unwrap_or_default()
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    if f.opt("started_at").is_none() {
        f.set(
            "started_at",
            local_input(jiff::Timestamp::now(), format::DEFAULT_ZONE),
        );
    }
    Ok(CrisesPage {
        c: Chrome::viewer(v, "/crises", t.s("crises-title")),
        crises,
        may_open,
        incidents,
        f,
        errors,
    })
}

/// `POST /crises`: opens a crisis grouping the chosen incidents.
pub async fn open(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let mut r = Reading::default();
    let started_at = r.instant(&f, "started_at", format::DEFAULT_ZONE);
    let incident_ids: Vec<i64> =
        f.0.iter()
            .filter(|(n, _)| n == "incident_ids")
            .filter_map(|(_, v)| v.parse().ok())
            .collect();
    let outcome = match (r.finish(), started_at) {
        (Ok(()), Some(started_at)) => {
            custodia_app::incidents::open_crisis(
                &s.store,
                &v.live.principal,
                CrisisRequest {
                    name: f.v("name").to_owned(),
                    started_at,
                    summary: f.opt("summary").map(str::to_owned),
                    incident_ids,
                },
            )
            .await
        }
        (Err(e), _) => Err(e),
        (Ok(()), None) => Err(AppError::not_found("started_at", "")),
    };
    match outcome {
        Ok(c) => Redirect::to(&format!("/crises/{}", c.id)).into_response(),
        Err(e) => redisplay(&v, e, |errors| list_page(&s, &v, f, errors)).await,
    }
}

const FIGURES: [&str; 7] = [
    "on-duty",
    "accounted-for",
    "held",
    "released",
    "injured",
    "missing",
    "deceased",
];

fn figures(t: Tr, values: [i64; 7]) -> Vec<(&'static str, String, i64)> {
    FIGURES
        .iter()
        .zip(values)
        .map(|(id, n)| (*id, t.e("board", id), n))
        .collect()
}

async fn board(
    s: &AppState,
    v: &Viewer,
    id: i64,
) -> Result<(Board, custodia_app::incidents::CrisisView), AppError> {
    let (who, t, lang) = (&v.live.principal, v.t(), v.lang);
    let crisis = custodia_app::incidents::crisis(&s.store, who, id).await?;
    let b: BoardView = custodia_app::incidents::accountability(&s.store, who, id, None).await?;
    let k = &b.totals;
    let totals = figures(
        t,
        [
            k.on_duty,
            k.accounted_for,
            k.held,
            k.released,
            k.injured,
            k.missing,
            k.deceased,
        ],
    );
    let sites = crisis
        .incidents
        .iter()
        .filter_map(|i| i.site.facility.clone().map(|f| (i.id, f)))
        .map(|(incident_id, code)| {
            let line = b.facilities.iter().find(|l| l.code == code);
            let values = line.map_or([0; 7], |l| {
                [
                    l.on_duty,
                    l.accounted_for,
                    l.held,
                    l.released,
                    l.injured,
                    l.missing,
                    l.deceased,
                ]
            });
            SiteBlock {
                incident_id,
                figures: figures(t, values),
                staff: b
                    .staff
                    .iter()
                    .filter(|st| st.facility == code)
                    .map(|st| StaffLine {
                        id: st.staff_id,
                        label: format!(
                            "{} {}",
                            st.service_number.clone().unwrap_or_default(),
                            st.name.clone().unwrap_or_default()
                        )
                        .trim()
                        .to_owned(),
                        kind: t.e("staff-kind", &st.kind),
                        status: t.e("staff-status", &st.status),
                        status_code: st.status.clone(),
                        since: st
                            .since
                            .as_deref()
                            .map(|x| format::instant_text(lang, x, format::DEFAULT_ZONE))
                            .unwrap_or_default(),
                    })
                    .collect(),
                facility: code,
            }
        })
        .collect();
    Ok((
        Board {
            t,
            id,
            at: format::instant_text(lang, &b.at, format::DEFAULT_ZONE),
            totals,
            sites,
            may_act: crisis.status == "active" && who.allows(Action::CrisisCommand, None),
            csrf: v.live.csrf_token.clone(),
        },
        crisis,
    ))
}

async fn crisis_page(
    s: &AppState,
    v: &Viewer,
    id: i64,
    errors: FormErrors,
) -> Result<CrisisPage, AppError> {
    let (board, crisis) = board(s, v, id).await?;
    let t = v.t();
    Ok(CrisisPage {
        c: Chrome::viewer(v, "/crises", crisis.name.clone()),
        started: format::instant_text(v.lang, &crisis.started_at, format::DEFAULT_ZONE),
        status: t.e("crisis-status", &crisis.status),
        summary: crisis.summary,
        name: crisis.name,
        board,
        errors,
    })
}

/// `GET /crises/{id}`: the accountability board.
pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match crisis_page(&s, &v, id, FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// `GET /crises/{id}/board`: the board's live part (htmx, every 30 s).
pub async fn live(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match board(&s, &v, id).await {
        Ok((b, _)) => render(&b),
        Err(e) => app_error(&v, e),
    }
}

/// The staff ids ticked on a site's form.
fn ticked(f: &Fields) -> Vec<i64> {
    f.0.iter()
        .filter(|(n, _)| n == "staff_ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect()
}

/// `POST /crises/{id}/hostages`: marks the ticked officers held (`action=take`) or
/// released (`action=release`; `all` releases everyone still held at the site).
pub async fn hostages(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { v, f }: Posted,
) -> Response {
    let who = &v.live.principal;
    let mut r = Reading::default();
    let incident_id = r.opt_int(&f, "incident_id").unwrap_or(0);
    let at = r
        .opt_instant(&f, "at", format::DEFAULT_ZONE)
        .unwrap_or_else(jiff::Timestamp::now);
    let outcome = match r.finish() {
        Err(e) => Err(e),
        Ok(()) if f.is("action", "release") => {
            let staff_ids = if f.checked("all") {
                StaffIds::All("all".into())
            } else {
                StaffIds::Some(ticked(&f))
            };
            custodia_app::incidents::release_hostages(
                &s.store,
                who,
                id,
                HostageRelease {
                    incident_id,
                    staff_ids,
                    at,
                    circumstances: f.v("circumstances").to_owned(),
                },
            )
            .await
        }
        Ok(()) => {
            custodia_app::incidents::take_hostages(
                &s.store,
                who,
                id,
                HostageRequest {
                    incident_id,
                    staff_ids: ticked(&f),
                    at,
                    circumstances: f.opt("circumstances").map(str::to_owned),
                },
            )
            .await
        }
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("/crises/{id}")).into_response(),
        Err(e) => redisplay(&v, e, |errors| crisis_page(&s, &v, id, errors)).await,
    }
}
