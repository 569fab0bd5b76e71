//! Crises: incidents at several sites grouped under one command, with their own
//! timeline, and the staff accountability board ("how many officers are held right now,
//! where, since when"), at any instant.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::crisis::{
    BoardCounts, CrisisStatus, DutyStaff, StaffStatus, StatusChange, board,
};
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::validation::Collector;
use custodia_store::crises::CrisisRow;
use custodia_store::incidents::IncidentRow;
use custodia_store::{Store, WriteTx};

use super::report::{IncidentSummary, TimelineRequest, TimelineView, append_entry, sees, summary};
use super::{CRISIS_CLOSED, CRISIS_INCIDENT_ADDED, CRISIS_OPENED, new_event, past, stored};
use crate::error::AppError;
use crate::persons::invalid_field;
use crate::principal::Principal;

/// A crisis to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrisisRequest {
    /// Its name, e.g. `Agosto 2023 — tomas de rehenes simultáneas en seis cárceles`.
    pub name: String,
    /// When it began (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    /// What it is about (at most 2,000 characters).
    pub summary: Option<String>,
    /// The incidents it groups (more can be added).
    #[serde(default)]
    pub incident_ids: Vec<i64>,
}

/// An incident to add to a crisis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddIncident {
    /// The incident.
    pub incident_id: i64,
}

/// Closing a crisis.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrisisClose {
    /// When it ended (RFC 3339); now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// How it ended (at most 2,000 characters).
    pub note: Option<String>,
}

/// A crisis.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CrisisView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// When it began.
    pub started_at: String,
    /// `active` or `closed`.
    pub status: String,
    /// What it is about.
    pub summary: Option<String>,
    /// When it ended.
    pub closed_at: Option<String>,
    /// The incidents it groups (those in the caller's reach).
    pub incident_ids: Vec<i64>,
    /// Those incidents.
    pub incidents: Vec<IncidentSummary>,
    /// Its own timeline.
    pub timeline: Vec<TimelineView>,
    /// When opened in Custodia.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
}

/// The crisis, if the principal may see it: national readers see every crisis; others
/// those with an incident in their reach.
async fn visible_crisis(
    store: &Store,
    who: &Principal,
    id: i64,
) -> Result<(CrisisRow, Vec<IncidentRow>), AppError> {
    let c = store
        .crisis(id)
        .await?
        .ok_or_else(|| AppError::not_found("crisis", id))?;
    let incidents: Vec<IncidentRow> = store
        .incidents_of_crisis(id)
        .await?
        .into_iter()
        .filter(|i| sees(who, i))
        .collect();
    if !who.allows(Action::IncidentRead, None) && incidents.is_empty() {
        return Err(AppError::not_found("crisis", id));
    }
    Ok((c, incidents))
}

/// A crisis that is under way, for commands; national command only.
pub(crate) async fn active_crisis(
    tx: &mut WriteTx,
    who: &Principal,
    id: i64,
) -> Result<CrisisRow, AppError> {
    let c = tx
        .crisis(id)
        .await?
        .ok_or_else(|| AppError::not_found("crisis", id))?;
    if !who.allows(Action::CrisisCommand, None) {
        let seen = who.allows(Action::IncidentRead, None)
            || tx
                .incidents_of_crisis(id)
                .await?
                .iter()
                .any(|i| sees(who, i));
        return Err(if seen {
            AppError::Forbidden {
                action: Action::CrisisCommand,
            }
        } else {
            AppError::not_found("crisis", id)
        });
    }
    if c.status != CrisisStatus::Active.as_str() {
        return Err(AppError::Conflict {
            code: "crisis_closed",
            message: format!("crisis {id} is closed"),
        });
    }
    Ok(c)
}

async fn link(
    tx: &mut WriteTx,
    who: &Principal,
    crisis_id: i64,
    incident_id: i64,
    field: &str,
    now: Timestamp,
) -> Result<(), AppError> {
    let mut i = tx
        .incident(incident_id)
        .await?
        .filter(|i| sees(who, i))
        .ok_or_else(|| {
            invalid_field(
                field,
                "unknown_incident",
                format!("incident {incident_id} not found"),
            )
        })?;
    match i.crisis_id {
        Some(c) if c == crisis_id => return Ok(()),
        Some(c) => {
            return Err(invalid_field(
                field,
                "in_another_crisis",
                format!("incident {incident_id} belongs to crisis {c}"),
            ));
        }
        None => {}
    }
    i.crisis_id = Some(crisis_id);
    i.updated_at = canonical(now);
    tx.update_incident(&i).await?;
    tx.append(new_event(
        CRISIS_INCIDENT_ADDED,
        now,
        i.facility.as_deref(),
        format!("crisis:{crisis_id}"),
        &serde_json::json!({"crisis_id": crisis_id, "incident_id": incident_id}),
    ))
    .await?;
    Ok(())
}

/// Opens a crisis grouping incidents (national operations).
pub async fn open_crisis(
    store: &Store,
    who: &Principal,
    r: CrisisRequest,
) -> Result<CrisisView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "name", &r.name, 300);
    if let Some(s) = &r.summary {
        text::optional(&mut c, "summary", s, 2000);
    }
    c.check(
        r.incident_ids.len() > 200,
        "incident_ids",
        "too_many",
        "at most 200 incidents at once",
    );
    c.finish()?;
    who.require(Action::CrisisCommand, None)?;
    let now = Timestamp::now();
    let started = past("started_at", r.started_at, now)?;
    let principal = who.clone();
    let id = store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            let mut row = CrisisRow {
                id: 0,
                name: r.name.clone(),
                started_at: canonical(started),
                status: CrisisStatus::Active.as_str().to_owned(),
                summary: r.summary.clone(),
                closed_at: None,
                created_at: canonical(now),
                created_by: who.actor.clone(),
            };
            row.id = tx.insert_crisis(&row).await?;
            tx.append(new_event(
                CRISIS_OPENED,
                started,
                None,
                format!("crisis:{}", row.id),
                &serde_json::json!({
                    "crisis_id": row.id, "name": row.name, "started_at": row.started_at,
                    "summary": row.summary,
                }),
            ))
            .await?;
            for (n, incident) in r.incident_ids.iter().enumerate() {
                link(
                    tx,
                    who,
                    row.id,
                    *incident,
                    &format!("incident_ids[{n}]"),
                    now,
                )
                .await?;
            }
            Ok::<_, AppError>(row.id)
        })
        .await?;
    crisis(store, who, id).await
}

/// Adds an incident to a crisis.
pub async fn add_incident(
    store: &Store,
    who: &Principal,
    id: i64,
    r: AddIncident,
) -> Result<CrisisView, AppError> {
    let now = Timestamp::now();
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            active_crisis(tx, &principal, id).await?;
            link(tx, &principal, id, r.incident_id, "incident_id", now).await
        })
        .await?;
    crisis(store, who, id).await
}

/// Adds an entry to a crisis's own timeline.
pub async fn crisis_timeline_entry(
    store: &Store,
    who: &Principal,
    id: i64,
    r: TimelineRequest,
) -> Result<TimelineView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "entry", &r.entry, 4000);
    c.finish()?;
    let now = Timestamp::now();
    let at = past("occurred_at", r.occurred_at.unwrap_or(now), now)?;
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            active_crisis(tx, &principal, id).await?;
            Ok(append_entry(
                tx,
                &principal.actor,
                None,
                Some(id),
                "note",
                &r.entry,
                at,
                now,
            )
            .await?
            .into())
        })
        .await
}

/// Closes a crisis; refused while anyone is held or missing.
pub async fn close_crisis(
    store: &Store,
    who: &Principal,
    id: i64,
    r: CrisisClose,
) -> Result<CrisisView, AppError> {
    let mut c = Collector::default();
    if let Some(n) = &r.note {
        text::optional(&mut c, "note", n, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    let at = past("at", r.at.unwrap_or(now), now)?;
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let crisis = active_crisis(tx, &principal, id).await?;
            let blocking = tx.staff_blocking(id, None).await?;
            if !blocking.is_empty() {
                let held = blocking
                    .iter()
                    .filter(|(_, s)| s == StaffStatus::Held.as_str())
                    .count();
                return Err(AppError::Conflict {
                    code: "staff_held",
                    message: format!(
                        "crisis {id} cannot be closed: {held} staff member(s) held and {} missing",
                        blocking.len() - held
                    ),
                });
            }
            if at < stored("crises.started_at", &crisis.started_at)? {
                return Err(invalid_field(
                    "at",
                    "before_start",
                    "the crisis ends after it began",
                ));
            }
            tx.close_crisis(id, &canonical(at)).await?;
            let entry = r.note.clone().unwrap_or_else(|| "crisis cerrada".into());
            append_entry(
                tx,
                &principal.actor,
                None,
                Some(id),
                "closed",
                &entry,
                at,
                now,
            )
            .await?;
            tx.append(new_event(
                CRISIS_CLOSED,
                at,
                None,
                format!("crisis:{id}"),
                &serde_json::json!({"crisis_id": id, "closed_at": canonical(at), "note": r.note}),
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    crisis(store, who, id).await
}

/// One crisis with its incidents in reach and its timeline.
pub async fn crisis(store: &Store, who: &Principal, id: i64) -> Result<CrisisView, AppError> {
    let (c, incidents) = visible_crisis(store, who, id).await?;
    let timeline = store
        .crisis_timeline(id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(view(c, incidents, timeline))
}

fn view(c: CrisisRow, incidents: Vec<IncidentRow>, timeline: Vec<TimelineView>) -> CrisisView {
    CrisisView {
        id: c.id,
        name: c.name,
        started_at: c.started_at,
        status: c.status,
        summary: c.summary,
        closed_at: c.closed_at,
        incident_ids: incidents.iter().map(|i| i.id).collect(),
        incidents: incidents.into_iter().map(summary).collect(),
        timeline,
        created_at: c.created_at,
        created_by: c.created_by,
    }
}

/// Crises in reach, latest first (only active ones with `active_only`).
pub async fn crises(
    store: &Store,
    who: &Principal,
    active_only: bool,
) -> Result<Vec<CrisisView>, AppError> {
    who.require_some(Action::IncidentRead)?;
    let mut out = Vec::new();
    for c in store.crises(active_only, 200).await? {
        let incidents: Vec<IncidentRow> = store
            .incidents_of_crisis(c.id)
            .await?
            .into_iter()
            .filter(|i| sees(who, i))
            .collect();
        if who.allows(Action::IncidentRead, None) || !incidents.is_empty() {
            out.push(view(c, incidents, Vec::new()));
        }
    }
    Ok(out)
}

/// One facility's line of the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardFacility {
    /// The facility.
    pub code: String,
    /// On duty at the site.
    pub on_duty: i64,
    /// Safe.
    pub accounted_for: i64,
    /// Held now.
    pub held: i64,
    /// Released.
    pub released: i64,
    /// Injured.
    pub injured: i64,
    /// Missing.
    pub missing: i64,
    /// Dead.
    pub deceased: i64,
    /// The held ones by staff kind.
    pub held_by_kind: custodia_domain::crisis::HeldByKind,
}

/// One staff member on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardStaff {
    /// Who.
    pub staff_id: i64,
    /// Service number.
    pub service_number: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Where.
    pub facility: String,
    /// Their kind.
    pub kind: String,
    /// `accounted_for`, `held`, `released`, `injured`, `missing` or `deceased`.
    pub status: String,
    /// Since when (null: accounted for since the start).
    pub since: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
}

/// The staff accountability board of a crisis at an instant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardView {
    /// The crisis.
    pub crisis_id: i64,
    /// The instant.
    pub at: String,
    /// Over every site in reach.
    pub totals: BoardCounts,
    /// Per facility.
    pub facilities: Vec<BoardFacility>,
    /// Every staff member.
    pub staff: Vec<BoardStaff>,
}

/// The board at `at` (now when absent): every staff member on duty at the crisis's
/// sites when its incident began or at that instant, and anyone whose status was
/// recorded, with their status then.
pub async fn accountability(
    store: &Store,
    who: &Principal,
    id: i64,
    at: Option<Timestamp>,
) -> Result<BoardView, AppError> {
    let (_, incidents) = visible_crisis(store, who, id).await?;
    let at = at.unwrap_or_else(Timestamp::now);
    let instant = canonical(at);
    let mut on_duty = Vec::new();
    let mut names: HashMap<i64, (String, String)> = HashMap::new();
    let mut asked: Vec<(String, String)> = Vec::new();
    for i in incidents.iter().filter(|i| i.occurred_at <= instant) {
        let Some(facility) = &i.facility else {
            continue;
        };
        for when in [i.occurred_at.clone(), instant.clone()] {
            if asked.contains(&(facility.clone(), when.clone())) {
                continue;
            }
            for d in store.on_duty(facility, &when).await? {
                names.insert(
                    d.staff_id,
                    (
                        d.service_number,
                        format!("{} {}", d.given_names, d.surnames),
                    ),
                );
                on_duty.push(DutyStaff {
                    staff_id: d.staff_id,
                    facility: facility.clone(),
                    kind: d.kind,
                });
            }
            asked.push((facility.clone(), when));
        }
    }
    let mut changes = Vec::new();
    for c in store.staff_changes(id).await? {
        if !who.allows(Action::IncidentRead, Some(&c.facility)) {
            continue;
        }
        changes.push(StatusChange {
            staff_id: c.staff_id,
            facility: c.facility,
            kind: c.staff_kind,
            status: StaffStatus::parse(&c.status)
                .map_err(|e| super::corrupt("staff_status_changes.status", e))?,
            at: stored("staff_status_changes.at", &c.at)?,
            recorded_by: c.recorded_by,
        });
    }
    let b = board(&on_duty, &changes, at);
    let facilities = b
        .facilities
        .into_iter()
        .map(|(code, c)| BoardFacility {
            code,
            on_duty: c.on_duty,
            accounted_for: c.accounted_for,
            held: c.held,
            released: c.released,
            injured: c.injured,
            missing: c.missing,
            deceased: c.deceased,
            held_by_kind: c.held_by_kind,
        })
        .collect();
    let staff = b
        .staff
        .into_iter()
        .map(|l| {
            let (service_number, name) = names
                .get(&l.staff_id)
                .cloned()
                .map_or((None, None), |(s, n)| (Some(s), Some(n)));
            BoardStaff {
                staff_id: l.staff_id,
                service_number,
                name,
                facility: l.facility,
                kind: l.kind,
                status: l.status.as_str().to_owned(),
                since: l.since.map(canonical),
                recorded_by: l.recorded_by,
            }
        })
        .collect();
    Ok(BoardView {
        crisis_id: id,
        at: instant,
        totals: b.totals,
        facilities,
        staff,
    })
}
