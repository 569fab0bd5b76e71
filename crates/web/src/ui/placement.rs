//! Placing a person in a cell (or moving them within their facility) and requesting
//! their transfer to another facility. The chosen cell is run through the placement
//! check as soon as it is picked, so the officer sees why a move would be refused —
//! as their role may see it — before submitting; the submission goes through the same
//! use cases as the API.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use custodia_app::AppError;
use custodia_app::population::{
    CheckedMove, MoveToCheck, Override, PlacementRequest, TransferRequest,
};
use custodia_domain::access::Action;
use custodia_domain::transfer::TransferReason;

use super::format;
use super::forms::{Fields, FormErrors, Posted, Reading};
use super::i18n::Tr;
use super::page::{Chrome, app_error, render, render_with};
use super::persons::{reason_cookie, reason_page};
use super::session::Viewer;
use crate::AppState;

/// A cell offered, with its free places.
pub struct CellChoice {
    id: i64,
    label: String,
    full: bool,
}

/// Cells of one unit (*pabellón*).
pub struct UnitGroup {
    label: String,
    cells: Vec<CellChoice>,
}

/// The placement check's answer for the chosen cell.
#[derive(Template)]
#[template(path = "partials/placement_check.html")]
pub struct CheckResult {
    t: Tr,
    allowed: bool,
    reasons: Vec<String>,
    overridable: bool,
}

#[derive(Template)]
#[template(path = "placement.html")]
struct PlacementPage {
    c: Chrome,
    id: i64,
    name: String,
    registry: String,
    facility: String,
    place: Option<String>,
    admitted: bool,
    f: Fields,
    errors: FormErrors,
    transfer_errors: FormErrors,
    units: Vec<UnitGroup>,
    may_place: bool,
    may_override: bool,
    may_transfer: bool,
    destinations: Vec<(String, String)>,
    transfer_reasons: Vec<(&'static str, String)>,
}

/// `?admitted=1` after the admission wizard.
#[derive(Deserialize)]
pub struct Shown {
    admitted: Option<String>,
}

async fn page(
    s: &AppState,
    v: &Viewer,
    id: i64,
    reason: &str,
    f: Fields,
) -> Result<PlacementPage, AppError> {
    let who = &v.live.principal;
    let t = v.t();
    let file = custodia_app::persons::file(&s.store, who, id, Some(reason)).await?;
    let roll = custodia_app::population::roll(&s.store, who, &file.facility).await?;
    let (units, place) = cells(t, &roll.locations, file.current_location_id);
    let may_transfer = who.allows(Action::TransferRequest, Some(&file.facility));
    let destinations = if may_transfer {
        custodia_app::facilities::directory(&s.store, who)
            .await?
            .into_iter()
            .filter(|fc| fc.code != file.facility)
            .map(|fc| (fc.code, fc.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(PlacementPage {
        c: Chrome::viewer(v, "/persons", t.x("placement-title", &file.full_name)),
        id,
        name: file.full_name.clone(),
        registry: file.registry_number.clone(),
        may_place: file.in_custody && who.allows(Action::PlacementWrite, Some(&file.facility)),
        may_override: who.allows(Action::CapacityOverride, Some(&file.facility)),
        may_transfer: file.in_custody && may_transfer,
        facility: file.facility,
        place,
        admitted: false,
        f,
        errors: FormErrors::none(),
        transfer_errors: FormErrors::none(),
        units,
        destinations,
        transfer_reasons: TransferReason::ALL
            .iter()
            .map(|r| (r.as_str(), t.e("transfer-reason", r.as_str())))
            .collect(),
    })
}

/// The facility's cells in service, by unit, and the label of the person's cell.
fn cells(
    t: Tr,
    locations: &[custodia_app::population::LocationRoll],
    current: Option<i64>,
) -> (Vec<UnitGroup>, Option<String>) {
    let by_id: HashMap<i64, &custodia_app::population::LocationRoll> =
        locations.iter().map(|l| (l.location_id, l)).collect();
    let unit_of = |start: &custodia_app::population::LocationRoll| {
        let mut id = start.location_id;
        let mut parent = start.parent_id;
        // A tree is never deeper than 64 levels (the store's own bound).
        for _ in 0..64 {
            match parent.and_then(|p| by_id.get(&p)) {
                Some(up) => {
                    id = up.location_id;
                    parent = up.parent_id;
                }
                None => break,
            }
        }
        id
    };
    let mut units: Vec<UnitGroup> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    for l in locations.iter().filter(|l| l.is_cell && l.in_service) {
        let unit = unit_of(l);
        let slot = *index.entry(unit).or_insert_with(|| {
            let u = by_id[&unit];
            units.push(UnitGroup {
                label: format!("{} · {}", u.code, u.name),
                cells: Vec::new(),
            });
            units.len() - 1
        });
        let o = &l.occupancy;
        units[slot].cells.push(CellChoice {
            id: l.location_id,
            label: t.with(
                "placement-cell",
                &[
                    ("cell", format!("{} · {}", l.code, l.name).into()),
                    ("free", o.free.into()),
                    ("capacity", o.operational_capacity.into()),
                ],
            ),
            full: o.free <= 0,
        });
    }
    let place = match current {
        Some(loc) => by_id.get(&loc).map(|l| format!("{} · {}", l.code, l.name)),
        None => None,
    };
    (units, place)
}

/// `GET /persons/{id}/placement`.
pub async fn show(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<Shown>,
    headers: HeaderMap,
) -> Response {
    let Some(reason) = reason_cookie(&headers) else {
        return reason_page(&v, id, None);
    };
    match page(&s, &v, id, &reason, Fields::default()).await {
        Ok(mut p) => {
            p.admitted = q.admitted.is_some();
            render(&p)
        }
        Err(e) => app_error(&v, e),
    }
}

fn check_result(t: Tr, checked: CheckedMove) -> CheckResult {
    CheckResult {
        t,
        allowed: checked.allowed,
        overridable: !checked.reasons.is_empty() && checked.reasons.iter().all(|r| r.overridable),
        reasons: checked
            .reasons
            .into_iter()
            .map(|r| match r.rule_id {
                // Intelligence staff see which rule, in the use case's own words.
                Some(rule) => format!("{} ({})", r.message, t.n("placement-rule", rule)),
                None => t.error(&r.code, &r.message),
            })
            .collect(),
    }
}

/// `POST /persons/{id}/placement/check`: the placement check for the chosen cell (htmx).
pub async fn check(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { v, f }: Posted,
) -> Response {
    let Ok(location_id) = f.v("location_id").parse::<i64>() else {
        return render(&CheckResult {
            t: v.t(),
            allowed: false,
            reasons: Vec::new(),
            overridable: false,
        });
    };
    let moves = vec![MoveToCheck {
        person_id: id,
        location_id,
    }];
    match custodia_app::population::check(&s.store, &v.live.principal, moves).await {
        Ok(mut answers) if !answers.is_empty() => render(&check_result(v.t(), answers.remove(0))),
        Ok(_) => app_error(&v, AppError::not_found("person", id)),
        Err(e) => app_error(&v, e),
    }
}

/// `POST /persons/{id}/placement`.
pub async fn place(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Posted { v, f }: Posted,
) -> Response {
    let t = v.t();
    let reason = reason_cookie(&headers).unwrap_or_else(|| t.s("placement-read-reason"));
    let mut r = Reading::default();
    let location_id = match f.v("location_id").parse::<i64>() {
        Ok(l) => Some(l),
        Err(_) => {
            r.problem("location_id", "required", "required");
            None
        }
    };
    let zone = zone(&s, &v, f.v("facility")).await;
    let occurred_at = r.opt_instant(&f, "occurred_at", &zone);
    let outcome = match (r.finish(), location_id) {
        (Ok(()), Some(location_id)) => custodia_app::population::place(
            &s.store,
            &v.live.principal,
            PlacementRequest {
                person_id: id,
                location_id,
                occurred_at,
                reason: f.opt("reason").map(str::to_owned),
                override_: f.opt("override_reason").map(|r| Override {
                    reason: r.to_owned(),
                }),
            },
        )
        .await
        .map(|_| ()),
        (Err(e), _) => Err(e),
        (Ok(()), None) => Err(AppError::not_found("location", "")),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/persons/{id}?placed=1")).into_response(),
        Err(e) => refused(&s, &v, id, &reason, f, e, false).await,
    }
}

/// Shows the page again with what went wrong, next to the form that went wrong.
async fn refused(
    s: &AppState,
    v: &Viewer,
    id: i64,
    reason: &str,
    f: Fields,
    e: AppError,
    transfer: bool,
) -> Response {
    let Some(errors) = FormErrors::from_app(v.t(), &e) else {
        return app_error(v, e);
    };
    match page(s, v, id, reason, f).await {
        Ok(mut p) => {
            if transfer {
                p.transfer_errors = errors;
            } else {
                p.errors = errors;
            }
            render_with(StatusCode::CONFLICT, &p)
        }
        Err(e) => app_error(v, e),
    }
}

/// The time zone of the facility the form names (for a late-recorded move's time).
async fn zone(s: &AppState, v: &Viewer, facility: &str) -> String {
    match custodia_app::facilities::basic(&s.store, &v.live.principal, facility).await {
        Ok(f) => f.timezone,
        Err(_) => format::DEFAULT_ZONE.to_owned(),
    }
}

/// `POST /persons/{id}/transfer`: a director's request to move the person elsewhere.
pub async fn request_transfer(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Posted { v, f }: Posted,
) -> Response {
    let t = v.t();
    let reason = reason_cookie(&headers).unwrap_or_else(|| t.s("placement-read-reason"));
    let outcome = match TransferReason::parse(f.v("transfer_reason")) {
        Ok(why) => custodia_app::population::request_transfer(
            &s.store,
            &v.live.principal,
            TransferRequest {
                person_id: id,
                to_facility: f.v("to_facility").to_owned(),
                to_location_id: None,
                reason: why,
                note: f.opt("note").map(str::to_owned),
            },
        )
        .await
        .map(|t| t.id),
        Err(_) => {
            let mut r = Reading::default();
            r.problem("transfer_reason", "required", "required");
            r.finish().map(|_| 0)
        }
    };
    match outcome {
        Ok(_) => Redirect::to("/transfers").into_response(),
        Err(e) => refused(&s, &v, id, &reason, f, e, true).await,
    }
}
