//! Placing a person in a cell of their facility, or moving them to another one.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::events::{PERSON_MOVED, PERSON_PLACED};
use custodia_domain::placement::{Move, check_time};
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::validation::Collector;
use custodia_domain::{FieldError, Invalid};
use custodia_store::Store;

use super::{NewMovement, open_episode_or_refuse, record_movement, refused, sees_intelligence};
use crate::error::AppError;
use crate::persons::event;
use crate::principal::Principal;

/// A director's override of capacity (or of a place out of service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Why the person must go there despite it (journaled, listed on the roll).
    pub reason: String,
}

/// A placement in a cell, or a move to another cell of the same facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementRequest {
    /// Who.
    pub person_id: i64,
    /// Into which cell (a location without sub-locations) of the person's facility.
    pub location_id: i64,
    /// When it happened (RFC 3339); now when absent. A move recorded late lands at its
    /// real time in the movements history.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Timestamp>,
    /// Why (free text, at most 500 characters).
    pub reason: Option<String>,
    /// A director's override of capacity, with the written reason.
    #[serde(rename = "override")]
    pub override_: Option<Override>,
}

/// A recorded placement or move.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlacementView {
    /// The movement's id in the history.
    pub movement_id: i64,
    /// `placed` (first cell since arriving) or `moved`.
    pub kind: String,
    /// Who.
    pub person_id: i64,
    /// Their custody episode.
    pub episode_id: i64,
    /// The facility.
    pub facility: String,
    /// The cell they were in before, if any.
    pub from_location_id: Option<i64>,
    /// The cell.
    pub location_id: i64,
    /// Its unit.
    pub unit_id: i64,
    /// When it happened.
    pub occurred_at: String,
    /// Why.
    pub reason: Option<String>,
    /// The override's reason, when capacity was overridden.
    pub override_reason: Option<String>,
    /// Whether this is where the person is now (false for a late record of a move that
    /// a later one superseded).
    pub current: bool,
}

#[derive(Serialize)]
struct Placed<'a> {
    person_id: i64,
    episode_id: i64,
    facility: &'a str,
    from_location_id: Option<i64>,
    location_id: i64,
    unit_id: i64,
    occurred_at: &'a str,
    reason: Option<&'a str>,
    override_reason: Option<&'a str>,
    current: bool,
}

impl PlacementRequest {
    fn validate(&self, now: Timestamp) -> Result<(), Invalid> {
        let mut c = Collector::default();
        if let Some(reason) = &self.reason {
            text::optional(&mut c, "reason", reason, 500);
        }
        if let Some(o) = &self.override_ {
            text::required(&mut c, "override.reason", &o.reason, 2000);
        }
        if let Some(at) = self.occurred_at {
            c.check(
                at > now,
                "occurred_at",
                "in_the_future",
                "occurred_at is in the future",
            );
        }
        c.finish()
    }
}

/// Places a person in a cell of the facility holding them, or moves them to another:
/// the placement rules are checked (fit, capacity, keep-apart) and the movement is
/// journaled (`person.placed` or `person.moved`) and kept in the history at its real time.
pub async fn place(
    store: &Store,
    who: &Principal,
    request: PlacementRequest,
) -> Result<PlacementView, AppError> {
    let now = Timestamp::now();
    request.validate(now)?;
    let at = request
        .occurred_at
        .map_or(now, custodia_domain::time::to_micros);
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let episode = open_episode_or_refuse(tx, &who, request.person_id).await?;
            who.require_in(
                Action::PlacementWrite,
                &episode.facility,
                "person",
                request.person_id,
            )?;
            if request.override_.is_some() {
                who.require(Action::CapacityOverride, Some(&episode.facility))?;
            }
            match episode.presence.as_str() {
                "placed" | "unallocated" => {}
                other => {
                    return Err(AppError::Conflict {
                        code: "not_present",
                        message: format!(
                            "person {} is {other}: only persons present at their facility are placed",
                            request.person_id
                        ),
                    });
                }
            }
            let admitted = custodia_domain::time::parse(&episode.admitted_at)
                .map_err(|e| super::corrupt("custody_episodes.admitted_at", e))?;
            check_time(at, admitted, now).map_err(|r| {
                AppError::Invalid(Invalid(vec![FieldError::new(r.field, r.code, r.message)]))
            })?;
            let (slot, history) = super::slot_in(tx, &episode, at).await?;
            // Where the person was at that instant: the stay the movement cuts short.
            let from_location_id = history
                .iter()
                .find(|m| m.id == slot.cuts)
                .and_then(|m| m.location_id);
            let m = Move {
                person_id: request.person_id,
                facility: episode.facility.clone(),
                location_id: Some(request.location_id),
            };
            let snapshot = super::snapshot(tx, std::slice::from_ref(&m), now).await?;
            let may_see = sees_intelligence(&who, &episode.facility);
            let mut refusals = snapshot.check(&m, false);
            if !refusals.is_empty() && refusals.iter().all(|r| r.code == "unknown_location") {
                return Err(AppError::Invalid(Invalid(vec![FieldError::new(
                    "location_id",
                    "unknown_location",
                    format!(
                        "location {} is not a location of {}: moves between facilities are transfers",
                        request.location_id, episode.facility
                    ),
                )])));
            }
            // A move recorded into the past (a later one is already recorded) changes
            // nobody's place now: only whether the place fits the person applies.
            if !slot.is_current() {
                refusals.retain(|r| !r.is_conflict());
            }
            let overridden = refusals.iter().any(|r| r.overridable) && request.override_.is_some();
            if overridden {
                refusals.retain(|r| !r.overridable);
                if refusals.is_empty() {
                    refusals = snapshot.check(&m, true);
                }
            }
            if !refusals.is_empty() {
                return Err(refused(&refusals, may_see));
            }
            let place = &snapshot.places[&request.location_id];
            let override_reason = request
                .override_
                .as_ref()
                .filter(|_| overridden)
                .map(|o| o.reason.as_str());
            let kind = if from_location_id.is_none() {
                "placed"
            } else {
                "moved"
            };
            let row = record_movement(
                tx,
                &who.actor,
                NewMovement {
                    episode: &episode,
                    kind,
                    facility: &episode.facility,
                    location_id: Some(place.id),
                    unit_id: Some(place.unit_id),
                    presence: "placed",
                    reason: request.reason.as_deref(),
                    override_reason,
                    at,
                },
                slot,
                now,
            )
            .await?;
            let occurred_at = canonical(at);
            tx.append(event(
                if kind == "placed" { PERSON_PLACED } else { PERSON_MOVED },
                at,
                &episode.facility,
                request.person_id,
                &Placed {
                    person_id: request.person_id,
                    episode_id: episode.episode_id,
                    facility: &episode.facility,
                    from_location_id,
                    location_id: place.id,
                    unit_id: place.unit_id,
                    occurred_at: &occurred_at,
                    reason: request.reason.as_deref(),
                    override_reason,
                    current: slot.is_current(),
                },
            ))
            .await?;
            Ok(PlacementView {
                movement_id: row.id,
                kind: kind.to_owned(),
                person_id: request.person_id,
                episode_id: episode.episode_id,
                facility: episode.facility.clone(),
                from_location_id,
                location_id: place.id,
                unit_id: place.unit_id,
                occurred_at,
                reason: request.reason.clone(),
                override_reason: override_reason.map(str::to_owned),
                current: slot.is_current(),
            })
        })
        .await
}
