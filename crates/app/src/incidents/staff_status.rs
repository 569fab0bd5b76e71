//! What becomes of staff during a crisis: taken hostage and released (one action each,
//! for one, several or all at a site), injured, missing, dead or accounted for. Each
//! change is checked against the staff member's latest status and kept with its time.

use std::collections::HashSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::crisis::StaffStatus;
use custodia_domain::incident::IncidentType;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::validation::Collector;
use custodia_store::crises::StaffChangeRow;
use custodia_store::incidents::IncidentRow;
use custodia_store::{Store, WriteTx};

use super::crises::{BoardView, accountability, active_crisis};
use super::report::{append_entry, load};
use super::{HOSTAGES_RELEASED, HOSTAGES_TAKEN, STAFF_STATUS_CHANGED, new_event, past, stored};
use crate::error::AppError;
use crate::persons::invalid_field;
use crate::principal::Principal;

/// Staff taken hostage at one incident of the crisis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostageRequest {
    /// The incident (site) where they were taken.
    pub incident_id: i64,
    /// Who (1 to 500 staff ids, each on duty at that site).
    pub staff_ids: Vec<i64>,
    /// When (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// How (at most 2,000 characters).
    pub circumstances: Option<String>,
}

/// Staff ids, or every one still held at the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum StaffIds {
    /// These staff members.
    Some(Vec<i64>),
    /// `"all"`: everyone still held at that site.
    All(String),
}

/// Hostages released at one incident of the crisis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostageRelease {
    /// The incident (site).
    pub incident_id: i64,
    /// Who: a list of staff ids, or `"all"` remaining at that site.
    pub staff_ids: StaffIds,
    /// When (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// How they were released (at most 2,000 characters).
    pub circumstances: String,
}

/// Another change of staff status (injured, missing, deceased, accounted for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffStatusRequest {
    /// The incident (site).
    pub incident_id: i64,
    /// Who.
    pub staff_ids: Vec<i64>,
    /// `accounted_for`, `injured`, `missing` or `deceased` (hostages are taken and
    /// released through their own routes).
    pub status: StaffStatus,
    /// When (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// What is known (at most 2,000 characters).
    pub circumstances: Option<String>,
}

/// Records one staff member's change of status at an incident of a crisis, checked
/// against their latest status (and not dated before it).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn change(
    tx: &mut WriteTx,
    actor: &str,
    crisis_id: i64,
    incident: &IncidentRow,
    staff_id: i64,
    status: StaffStatus,
    at: Timestamp,
    circumstances: Option<&str>,
    now: Timestamp,
) -> Result<(), AppError> {
    let field = "staff_ids";
    let staff = tx.staff_member(staff_id).await?.ok_or_else(|| {
        invalid_field(
            field,
            "unknown_staff",
            format!("staff member {staff_id} is not registered"),
        )
    })?;
    let current = tx.staff_now(crisis_id, staff_id).await?;
    let from = match &current {
        Some(c) => StaffStatus::parse(&c.status)
            .map_err(|e| super::corrupt("staff_status_now.status", e))?,
        None => StaffStatus::AccountedFor,
    };
    from.to(status).map_err(|r| AppError::Conflict {
        code: r.code,
        message: format!("staff member {staff_id}: {}", r.message),
    })?;
    if let Some(c) = &current
        && at < stored("staff_status_now.since", &c.since)?
    {
        return Err(invalid_field(
            "at",
            "before_latest_status",
            format!(
                "staff member {staff_id} is recorded as {from} since {}",
                c.since
            ),
        ));
    }
    let facility = incident.facility.clone().unwrap_or_default();
    tx.record_staff_change(&StaffChangeRow {
        id: 0,
        crisis_id,
        incident_id: incident.id,
        staff_id,
        facility,
        staff_kind: staff.kind,
        status: status.as_str().to_owned(),
        at: canonical(at),
        circumstances: circumstances.map(str::to_owned),
        recorded_at: canonical(now),
        recorded_by: actor.to_owned(),
    })
    .await?;
    Ok(())
}

/// The incident of the crisis at which staff are recorded: it must belong to the crisis
/// and be at a facility.
async fn site(
    tx: &mut WriteTx,
    who: &Principal,
    crisis_id: i64,
    incident_id: i64,
) -> Result<IncidentRow, AppError> {
    let i = load(tx, who, incident_id).await.map_err(|_| {
        invalid_field(
            "incident_id",
            "unknown_incident",
            format!("incident {incident_id} not found"),
        )
    })?;
    if i.crisis_id != Some(crisis_id) || i.facility.is_none() {
        return Err(invalid_field(
            "incident_id",
            "not_in_crisis",
            format!("incident {incident_id} is not a facility incident of crisis {crisis_id}"),
        ));
    }
    Ok(i)
}

fn check_ids(c: &mut Collector, ids: &[i64]) {
    c.check(
        ids.is_empty() || ids.len() > 500,
        "staff_ids",
        "count",
        "between 1 and 500 staff ids",
    );
    let mut seen = HashSet::new();
    c.check(
        !ids.iter().all(|id| seen.insert(*id)),
        "staff_ids",
        "duplicate_staff",
        "a staff member is listed twice",
    );
}

/// Records staff taken hostage at one site of a crisis: each must be on duty there at
/// that instant and not already held.
pub async fn take_hostages(
    store: &Store,
    who: &Principal,
    crisis_id: i64,
    r: HostageRequest,
) -> Result<BoardView, AppError> {
    let mut c = Collector::default();
    check_ids(&mut c, &r.staff_ids);
    if let Some(s) = &r.circumstances {
        text::optional(&mut c, "circumstances", s, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    let at = past("at", r.at, now)?;
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            active_crisis(tx, who, crisis_id).await?;
            let i = site(tx, who, crisis_id, r.incident_id).await?;
            let facility = i.facility.clone().unwrap_or_default();
            let on_duty: HashSet<i64> = tx
                .on_duty(&facility, &canonical(at))
                .await?
                .into_iter()
                .map(|d| d.staff_id)
                .collect();
            for id in &r.staff_ids {
                if !on_duty.contains(id) {
                    return Err(invalid_field(
                        "staff_ids",
                        "not_on_duty",
                        format!("staff member {id} was not on duty at {facility} at that time"),
                    ));
                }
            }
            for id in &r.staff_ids {
                change(
                    tx,
                    &who.actor,
                    crisis_id,
                    &i,
                    *id,
                    StaffStatus::Held,
                    at,
                    r.circumstances.as_deref(),
                    now,
                )
                .await?;
                tx.insert_involved(&custodia_store::incidents::InvolvedRow {
                    id: 0,
                    incident_id: i.id,
                    person_id: None,
                    staff_id: Some(*id),
                    role: "hostage".into(),
                    note: None,
                    recorded_at: canonical(now),
                    recorded_by: who.actor.clone(),
                })
                .await?;
            }
            let entry = format!("{} servidor(es) tomados como rehenes", r.staff_ids.len());
            append_entry(
                tx,
                &who.actor,
                Some(&i),
                Some(crisis_id),
                "hostages_taken",
                &entry,
                at,
                now,
            )
            .await?;
            if i.incident_type != IncidentType::HostageTaking.as_str() {
                // The national operations centre is told of every hostage-taking.
                let about = super::notify::About {
                    facility: None,
                    incident_id: Some(i.id),
                    summary: format!("Toma de rehenes en {}", i.reference),
                    ..super::notify::About::default()
                };
                if !tx
                    .has_notification(i.id, "hostage_taking", "national_operations")
                    .await?
                {
                    super::notify(
                        tx,
                        custodia_domain::notification::NotificationReason::HostageTaking,
                        false,
                        &about,
                        at,
                        now,
                    )
                    .await?;
                }
            }
            tx.append(new_event(
                HOSTAGES_TAKEN,
                at,
                Some(&facility),
                format!("crisis:{crisis_id}"),
                &serde_json::json!({
                    "crisis_id": crisis_id, "incident_id": i.id, "staff_ids": r.staff_ids,
                    "at": canonical(at), "circumstances": r.circumstances,
                }),
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    accountability(store, who, crisis_id, None).await
}

/// Records hostages released at one site: the ones listed (each must be held there), or
/// every one still held there.
pub async fn release_hostages(
    store: &Store,
    who: &Principal,
    crisis_id: i64,
    r: HostageRelease,
) -> Result<BoardView, AppError> {
    let mut c = Collector::default();
    match &r.staff_ids {
        StaffIds::Some(ids) => check_ids(&mut c, ids),
        StaffIds::All(word) => c.check(
            word != "all",
            "staff_ids",
            "unknown_value",
            "staff_ids is a list of ids or \"all\"",
        ),
    }
    text::required(&mut c, "circumstances", &r.circumstances, 2000);
    c.finish()?;
    let now = Timestamp::now();
    let at = past("at", r.at, now)?;
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            active_crisis(tx, who, crisis_id).await?;
            let i = site(tx, who, crisis_id, r.incident_id).await?;
            let held_here: Vec<i64> = tx
                .staff_blocking(crisis_id, Some(i.id))
                .await?
                .into_iter()
                .filter(|(_, s)| s == StaffStatus::Held.as_str())
                .map(|(id, _)| id)
                .collect();
            let ids = match &r.staff_ids {
                StaffIds::Some(ids) => ids.clone(),
                StaffIds::All(_) => held_here.clone(),
            };
            if ids.is_empty() {
                return Err(AppError::Conflict {
                    code: "not_held",
                    message: format!("nobody is held at incident {}", i.id),
                });
            }
            for id in &ids {
                if !held_here.contains(id) {
                    return Err(AppError::Conflict {
                        code: "not_held",
                        message: format!("staff member {id} is not held at incident {}", i.id),
                    });
                }
                change(
                    tx,
                    &who.actor,
                    crisis_id,
                    &i,
                    *id,
                    StaffStatus::Released,
                    at,
                    Some(&r.circumstances),
                    now,
                )
                .await?;
            }
            let entry = format!("{} rehén(es) liberados: {}", ids.len(), r.circumstances);
            append_entry(
                tx,
                &who.actor,
                Some(&i),
                Some(crisis_id),
                "hostages_released",
                &entry,
                at,
                now,
            )
            .await?;
            tx.append(new_event(
                HOSTAGES_RELEASED,
                at,
                i.facility.as_deref(),
                format!("crisis:{crisis_id}"),
                &serde_json::json!({
                    "crisis_id": crisis_id, "incident_id": i.id, "staff_ids": ids,
                    "at": canonical(at), "circumstances": r.circumstances,
                }),
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    accountability(store, who, crisis_id, None).await
}

/// Records staff injured, missing, dead or accounted for at one site of a crisis.
pub async fn set_staff_status(
    store: &Store,
    who: &Principal,
    crisis_id: i64,
    r: StaffStatusRequest,
) -> Result<BoardView, AppError> {
    let mut c = Collector::default();
    check_ids(&mut c, &r.staff_ids);
    c.check(
        matches!(r.status, StaffStatus::Held | StaffStatus::Released),
        "status",
        "use_hostage_routes",
        "hostages are taken and released through …/hostages and …/hostages/release",
    );
    if let Some(s) = &r.circumstances {
        text::optional(&mut c, "circumstances", s, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    let at = past("at", r.at, now)?;
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            active_crisis(tx, who, crisis_id).await?;
            let i = site(tx, who, crisis_id, r.incident_id).await?;
            for id in &r.staff_ids {
                change(
                    tx,
                    &who.actor,
                    crisis_id,
                    &i,
                    *id,
                    r.status,
                    at,
                    r.circumstances.as_deref(),
                    now,
                )
                .await?;
            }
            let entry = format!("{} servidor(es): {}", r.staff_ids.len(), r.status);
            append_entry(
                tx,
                &who.actor,
                Some(&i),
                Some(crisis_id),
                "staff_status",
                &entry,
                at,
                now,
            )
            .await?;
            tx.append(new_event(
                STAFF_STATUS_CHANGED,
                at,
                i.facility.as_deref(),
                format!("crisis:{crisis_id}"),
                &serde_json::json!({
                    "crisis_id": crisis_id, "incident_id": i.id, "staff_ids": r.staff_ids,
                    "status": r.status, "at": canonical(at), "circumstances": r.circumstances,
                }),
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    accountability(store, who, crisis_id, None).await
}
