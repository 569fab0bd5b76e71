//! The dashboard: persons held past a legal limit first, in red; then every facility in
//! reach with its population against capacity, persons in transit, crises and incidents
//! under way, staff held, facilities not under normal control and overdue notifications.
//! Its body refreshes itself every 30 seconds (htmx), without reloading the page.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use custodia_app::{AppError, Principal};
use custodia_domain::access::Action;

use super::format::{self, DEFAULT_ZONE};
use super::i18n::{Lang, Tr};
use super::page::{Chrome, app_error, render};
use super::session::Viewer;
use crate::AppState;

/// A person held past a legal limit.
pub struct OverdueRow {
    pub(super) person_id: i64,
    pub(super) name: String,
    pub(super) registry: String,
    pub(super) facility: String,
    pub(super) kind: String,
    /// When it fell due, and how many days ago.
    pub(super) since: String,
}

/// A facility's line: population against capacity.
pub struct FacilityRow {
    code: String,
    name: String,
    on_roll: String,
    capacity: String,
    rate: String,
    /// Bar width over a 0–200 % scale, in a 200-unit-wide SVG.
    bar: i64,
    /// `ok`, `high`, `over` or `critical`.
    level: &'static str,
    in_transit: String,
    unallocated: String,
}

/// A line of the situation (crisis, incident, staff held, control, notification).
pub struct SituationRow {
    href: Option<String>,
    label: String,
    detail: String,
}

/// What the dashboard shows.
#[derive(Default)]
pub struct DashboardData {
    at: String,
    overdue: Vec<OverdueRow>,
    /// How many are overdue in all (the dashboard lists the most overdue first).
    overdue_total: usize,
    legal_unavailable: bool,
    facilities: Vec<FacilityRow>,
    national: Option<FacilityRow>,
    situation: bool,
    crises: Vec<SituationRow>,
    incidents: Vec<SituationRow>,
    staff_held: Vec<SituationRow>,
    staff_held_total: i64,
    not_normal: Vec<SituationRow>,
    notifications: Vec<SituationRow>,
    in_transit: i64,
}

/// The colour class of an occupancy rate: overcrowding is the reason this page exists.
fn level(rate: Option<f64>) -> &'static str {
    match rate.unwrap_or(0.0) {
        r if r > 1.5 => "critical",
        r if r > 1.0 => "over",
        r if r >= 0.9 => "high",
        _ => "ok",
    }
}

fn facility_row(
    lang: Lang,
    code: &str,
    name: &str,
    t: &custodia_app::population::RollTotals,
) -> FacilityRow {
    let rate = t.occupancy.occupancy_rate;
    FacilityRow {
        code: code.to_owned(),
        name: name.to_owned(),
        on_roll: format::number(lang, t.total_on_roll),
        capacity: format::number(lang, t.occupancy.design_capacity),
        rate: rate.map(|r| format::percent(lang, r)).unwrap_or_default(),
        bar: rate
            .map(|r| (r * 100.0).round().clamp(0.0, 200.0) as i64)
            .unwrap_or(0),
        level: level(rate),
        in_transit: format::number(lang, t.in_transit_in + t.in_transit_out),
        unallocated: format::number(lang, t.unallocated),
    }
}

/// The dashboard lists this many overdue deadlines, the most overdue first; the
/// deadlines page lists them all.
pub const OVERDUE_SHOWN: usize = 50;

/// Overdue legal deadlines as lines of the dashboard (and of the deadlines page).
pub fn overdue_rows(
    lang: Lang,
    items: Vec<custodia_app::persons::DeadlineItem>,
) -> Vec<OverdueRow> {
    let t = Tr::new(lang);
    let mut items: Vec<_> = items.into_iter().filter(|i| i.overdue).collect();
    items.sort_by_key(|i| (i.due, i.person_id));
    items
        .into_iter()
        .map(|i| OverdueRow {
            person_id: i.person_id,
            name: i.full_name,
            registry: i.registry_number,
            facility: i.facility,
            kind: t.e("deadline", i.kind.as_str()),
            since: t.with(
                "dashboard-overdue-since",
                &[
                    ("due", format::date(lang, i.due).into()),
                    ("days", (-i.days_left).into()),
                ],
            ),
        })
        .collect()
}

async fn overdue(s: &AppState, who: &Principal, lang: Lang, d: &mut DashboardData) {
    match custodia_app::persons::deadlines(&s.store, who, None, 0).await {
        Ok(found) => {
            let mut rows = overdue_rows(lang, found.items);
            d.overdue_total = rows.len();
            rows.truncate(OVERDUE_SHOWN);
            d.overdue = rows;
        }
        Err(AppError::Forbidden { .. }) => {}
        // Never let a failure read as "nobody is held past a limit".
        Err(e) => {
            tracing::error!(error = %e, "legal deadlines unavailable for the dashboard");
            d.legal_unavailable = true;
        }
    }
}

/// Gathers what the viewer may see.
pub async fn gather(s: &AppState, v: &Viewer) -> Result<DashboardData, AppError> {
    let (who, lang, t) = (&v.live.principal, v.lang, v.t());
    let mut d = DashboardData {
        at: format::instant(lang, jiff::Timestamp::now(), DEFAULT_ZONE),
        ..DashboardData::default()
    };
    overdue(s, who, lang, &mut d).await;
    if who.require_some(Action::FacilityRead).is_ok() {
        let roll = custodia_app::population::national_roll(&s.store, who).await?;
        d.facilities = roll
            .facilities
            .iter()
            .map(|f| facility_row(lang, &f.code, &f.name, &f.totals))
            .collect();
        d.national = Some(facility_row(
            lang,
            "",
            &t.s("dashboard-total"),
            &roll.totals,
        ));
        d.in_transit = roll.totals.in_transit_out;
    }
    if who.require_some(Action::IncidentRead).is_ok() {
        let now = custodia_app::incidents::situation(&s.store, who).await?;
        d.situation = true;
        d.in_transit = now.persons_in_transit;
        d.crises = now
            .active_crises
            .iter()
            .map(|c| SituationRow {
                href: None,
                label: c.name.clone(),
                detail: t.x(
                    "dashboard-since",
                    &format::instant_text(lang, &c.started_at, DEFAULT_ZONE),
                ),
            })
            .collect();
        d.incidents = now
            .active_incidents
            .iter()
            .map(|i| SituationRow {
                href: None,
                label: format!(
                    "{} · {}",
                    i.reference,
                    t.e("incident-type", &i.incident_type)
                ),
                detail: format!(
                    "{} · {}",
                    t.e("severity", &i.severity),
                    i.site.facility.clone().unwrap_or_else(|| i
                        .site
                        .province
                        .clone()
                        .unwrap_or_default())
                ),
            })
            .collect();
        d.staff_held_total = now.staff_held_total;
        d.staff_held = now
            .staff_held
            .iter()
            .map(|h| SituationRow {
                href: Some(format!("/facilities/{}", h.facility)),
                label: h.facility.clone(),
                detail: t.with(
                    "dashboard-held-detail",
                    &[("held", h.held.into()), ("missing", h.missing.into())],
                ),
            })
            .collect();
        d.not_normal = now
            .facilities_not_normal
            .iter()
            .map(|c| SituationRow {
                href: Some(format!("/facilities/{}", c.facility)),
                label: c.facility.clone(),
                detail: format!("{} · {}", t.e("control-status", &c.status), c.reason),
            })
            .collect();
        d.notifications = now
            .overdue_notifications
            .iter()
            .map(|n| SituationRow {
                href: None,
                label: n.recipient.clone(),
                detail: format!(
                    "{} · {}",
                    n.summary,
                    t.x(
                        "dashboard-due",
                        &format::instant_text(lang, &n.due_at, DEFAULT_ZONE)
                    )
                ),
            })
            .collect();
    }
    Ok(d)
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    d: DashboardData,
}

#[derive(Template)]
#[template(path = "partials/dashboard_body.html")]
struct DashboardBody {
    c: Chrome,
    d: DashboardData,
}

/// `GET /`: the dashboard.
pub async fn show(State(s): State<AppState>, v: Viewer) -> Response {
    match gather(&s, &v).await {
        Ok(d) => render(&DashboardPage {
            c: Chrome::viewer(&v, "/", v.t().s("dashboard-title")),
            d,
        }),
        Err(e) => app_error(&v, e),
    }
}

/// `GET /dashboard/live`: the dashboard's body alone, for its own refresh.
pub async fn live(State(s): State<AppState>, v: Viewer) -> Response {
    match gather(&s, &v).await {
        Ok(d) => render(&DashboardBody {
            c: Chrome::viewer(&v, "/", v.t().s("dashboard-title")),
            d,
        }),
        Err(e) => app_error(&v, e),
    }
}
