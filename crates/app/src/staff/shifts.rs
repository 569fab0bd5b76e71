//! Duty rosters: the shifts of a facility, and who was on duty there at any instant.
//!
//! A shift ends after it starts and lasts at most 24 hours; its staff must be in service,
//! belong to the facility (police officers attached to it may come from elsewhere) and
//! not be on another shift at the same time anywhere.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::events::{NewEvent, SHIFT_RECORDED};
use custodia_domain::staff::{NewShift, StaffKind, may_serve_at};
use custodia_domain::time::{canonical, plausible, to_micros};
use custodia_domain::validation::Collector;
use custodia_domain::{FieldError, Invalid};
use custodia_store::Store;
use custodia_store::staff::{OnDuty, ShiftRow};

use super::{kind_of, sees};
use crate::error::AppError;
use crate::persons::json;
use crate::principal::Principal;

/// The longest span of shifts listed at once.
const MAX_SPAN_DAYS: i64 = 31;

/// A post on a shift and who holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PostView {
    /// The post.
    pub post: String,
    /// Staff at it, by id.
    pub staff_ids: Vec<i64>,
}

/// A shift as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ShiftView {
    /// Id.
    pub id: i64,
    /// The facility.
    pub facility: String,
    /// When it starts.
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
    /// Everyone on it, by id.
    pub staff_ids: Vec<i64>,
    /// Named posts (by name) and who holds each; staff without a post are only in
    /// `staff_ids`.
    pub posts: Vec<PostView>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

impl From<ShiftRow> for ShiftView {
    fn from(s: ShiftRow) -> Self {
        let mut staff_ids: Vec<i64> = s.duties.iter().map(|(id, _)| *id).collect();
        staff_ids.sort_unstable();
        let mut posts: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (id, post) in s.duties {
            if let Some(post) = post {
                posts.entry(post).or_default().push(id);
            }
        }
        ShiftView {
            id: s.id,
            facility: s.facility,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            staff_ids,
            posts: posts
                .into_iter()
                .map(|(post, mut staff_ids)| {
                    staff_ids.sort_unstable();
                    PostView { post, staff_ids }
                })
                .collect(),
            recorded_at: s.recorded_at,
            recorded_by: s.recorded_by,
        }
    }
}

/// Which shifts to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShiftsQuery {
    /// Shifts under way at or after this instant (RFC 3339); 24 hours ago when absent.
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<Timestamp>,
    /// … and starting before this one; 48 hours after `from` when absent (at most 31
    /// days after it).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<Timestamp>,
}

/// Someone on duty at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OnDutyMember {
    /// The staff member.
    pub staff_id: i64,
    /// Service number.
    pub service_number: String,
    /// Given names.
    pub given_names: String,
    /// Surnames.
    pub surnames: String,
    /// What they do.
    pub kind: StaffKind,
    /// Rank.
    pub rank: Option<String>,
    /// Their home facility (a police officer may serve away from it).
    pub home_facility: String,
    /// The shift they are on.
    pub shift_id: i64,
    /// Their post, if named.
    pub post: Option<String>,
    /// When the shift starts.
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
}

/// Who was on duty at a facility at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OnDutyView {
    /// The facility.
    pub facility: String,
    /// The instant.
    pub at: String,
    /// How many were on duty.
    pub total: usize,
    /// Each of them, by name.
    pub staff: Vec<OnDutyMember>,
}

impl TryFrom<OnDuty> for OnDutyMember {
    type Error = AppError;

    fn try_from(d: OnDuty) -> Result<Self, AppError> {
        Ok(OnDutyMember {
            kind: kind_of(&d.kind)?,
            staff_id: d.staff_id,
            service_number: d.service_number,
            given_names: d.given_names,
            surnames: d.surnames,
            rank: d.rank,
            home_facility: d.home_facility,
            shift_id: d.shift_id,
            post: d.post,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
        })
    }
}

/// Refuses unless the facility exists and the principal may take `action` there.
async fn facility_for(
    store: &Store,
    who: &Principal,
    action: Action,
    code: &str,
) -> Result<(), AppError> {
    who.require(action, Some(code))?;
    if store.facility(code).await?.is_none() {
        return Err(AppError::not_found("facility", code));
    }
    Ok(())
}

/// Records a shift on a facility's duty roster (`shift.recorded`).
pub async fn record_shift(
    store: &Store,
    who: &Principal,
    facility: &str,
    shift: NewShift,
) -> Result<ShiftView, AppError> {
    who.require(Action::StaffWrite, Some(facility))?;
    let assignments = shift.validate()?;
    let (starts_at, ends_at) = (
        canonical(to_micros(shift.starts_at)),
        canonical(to_micros(shift.ends_at)),
    );
    let now = Timestamp::now();
    let who = who.clone();
    let facility = facility.to_owned();
    store
        .write(&who.actor.clone(), async move |tx| {
            if tx.facility(&facility).await?.is_none() {
                return Err(AppError::not_found("facility", &facility));
            }
            // Every staff member named must be one the principal may see (or a police
            // officer, whom any facility may have attached) and may serve here.
            let mut c = Collector::default();
            let mut staff = Vec::with_capacity(assignments.len());
            for a in &assignments {
                let found = tx.staff_member(a.staff_id).await?;
                let Some(s) = found.filter(|s| sees(&who, s) || s.kind == "police") else {
                    c.push(
                        &a.field,
                        "unknown_staff",
                        format!("there is no staff member {}", a.staff_id),
                    );
                    continue;
                };
                if !may_serve_at(kind_of(&s.kind)?, &s.home_facility, &facility) {
                    c.push(
                        &a.field,
                        "not_home_facility",
                        format!(
                            "staff member {} ({}) belongs to {}: only police officers serve away from their home facility",
                            s.id, s.service_number, s.home_facility
                        ),
                    );
                }
                staff.push(s);
            }
            c.finish()?;
            for s in &staff {
                if !s.active {
                    return Err(AppError::Conflict {
                        code: "staff_inactive",
                        message: format!(
                            "staff member {} ({} {}, {}) is not in service",
                            s.id, s.given_names, s.surnames, s.service_number
                        ),
                    });
                }
                if let Some(d) = tx.duty_overlapping(s.id, &starts_at, &ends_at).await? {
                    return Err(AppError::Conflict {
                        code: "shift_overlap",
                        message: format!(
                            "staff member {} ({} {}, {}) is already on shift {} at {} from {} to {}",
                            s.id,
                            s.given_names,
                            s.surnames,
                            s.service_number,
                            d.shift_id,
                            d.facility,
                            d.starts_at,
                            d.ends_at
                        ),
                    });
                }
            }
            let mut row = ShiftRow {
                id: 0,
                facility: facility.clone(),
                starts_at: starts_at.clone(),
                ends_at: ends_at.clone(),
                duties: assignments
                    .iter()
                    .map(|a| (a.staff_id, a.post.clone()))
                    .collect(),
                recorded_at: canonical(now),
                recorded_by: who.actor.clone(),
            };
            row.id = tx.insert_shift(&row).await?;
            let duties: Vec<serde_json::Value> = row
                .duties
                .iter()
                .map(|(id, post)| serde_json::json!({"staff_id": id, "post": post}))
                .collect();
            let view = ShiftView::from(row);
            tx.append(NewEvent {
                event_type: SHIFT_RECORDED,
                schema_version: 1,
                occurred_at: now,
                facility: Some(facility.clone()),
                subject: format!("shift:{}", view.id),
                payload: json(&serde_json::json!({
                    "shift_id": view.id,
                    "facility": view.facility,
                    "starts_at": view.starts_at,
                    "ends_at": view.ends_at,
                    "duties": duties,
                })),
            })
            .await?;
            Ok(view)
        })
        .await
}

/// A facility's shifts under way between two instants, by start.
pub async fn shifts(
    store: &Store,
    who: &Principal,
    facility: &str,
    q: ShiftsQuery,
) -> Result<Vec<ShiftView>, AppError> {
    facility_for(store, who, Action::StaffRead, facility).await?;
    let from = q
        .from
        .unwrap_or_else(|| Timestamp::now() - SignedDuration::from_hours(24));
    let to = q.to.unwrap_or(from + SignedDuration::from_hours(48));
    let mut c = Collector::default();
    c.check(
        !plausible(from),
        "from",
        "implausible_date",
        "from is not a plausible date",
    );
    c.check(
        !plausible(to),
        "to",
        "implausible_date",
        "to is not a plausible date",
    );
    if to <= from {
        c.push("to", "not_after_from", "to must come after from");
    } else if to.duration_since(from) > SignedDuration::from_hours(24 * MAX_SPAN_DAYS) {
        c.push(
            "to",
            "span_too_long",
            format!("at most {MAX_SPAN_DAYS} days of shifts are listed at once"),
        );
    }
    c.finish()?;
    Ok(store
        .shifts(facility, &canonical(from), &canonical(to))
        .await?
        .into_iter()
        .map(ShiftView::from)
        .collect())
}

/// Who was on duty at a facility at an instant (now when absent): each staff member with
/// their kind, rank, shift and post.
pub async fn on_duty(
    store: &Store,
    who: &Principal,
    facility: &str,
    at: Option<Timestamp>,
) -> Result<OnDutyView, AppError> {
    facility_for(store, who, Action::StaffRead, facility).await?;
    let at = at.map_or_else(Timestamp::now, to_micros);
    if !plausible(at) {
        return Err(AppError::Invalid(Invalid(vec![FieldError::new(
            "at",
            "implausible_date",
            "at is not a plausible date",
        )])));
    }
    let stamp = canonical(at);
    let staff = store
        .on_duty(facility, &stamp)
        .await?
        .into_iter()
        .map(OnDutyMember::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(OnDutyView {
        facility: facility.to_owned(),
        at: stamp,
        total: staff.len(),
        staff,
    })
}
