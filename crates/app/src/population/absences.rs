//! Temporary absences (court, hospital…): the person is out until they return; one not
//! back by the time expected is overdue, on the roll and in the list of absences.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::placement::Move;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::transfer::AbsenceKind;
use custodia_domain::validation::Collector;
use custodia_store::Store;
use custodia_store::transfers::AbsenceRow;

use super::{NewMovement, open_episode_or_refuse, record_latest};
use crate::error::AppError;
use crate::persons::event;
use crate::principal::Principal;

/// A person leaving for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceRequest {
    /// Who.
    pub person_id: i64,
    /// Court appearance, hospital or other.
    pub kind: AbsenceKind,
    /// When they are due back (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub expected_back_at: Timestamp,
    /// When they left; now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub left_at: Option<Timestamp>,
    /// Free text (escort, court, hospital).
    pub note: Option<String>,
}

/// A person coming back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    /// When they came back; now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub returned_at: Option<Timestamp>,
    /// Into which cell; else the cell they left if the rules still allow it, else
    /// unallocated.
    pub location_id: Option<i64>,
}

/// An absence as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AbsenceView {
    /// Id.
    pub id: i64,
    /// Who.
    pub person_id: i64,
    /// The facility they left.
    pub facility: String,
    /// Why.
    pub kind: String,
    /// Free text.
    pub note: Option<String>,
    /// When they left.
    pub left_at: String,
    /// When due back.
    pub expected_back_at: String,
    /// When back, if back.
    pub returned_at: Option<String>,
    /// Not back by the time expected.
    pub overdue: bool,
}

fn view(a: AbsenceRow, now: &str) -> AbsenceView {
    AbsenceView {
        overdue: a.returned_at.is_none() && a.expected_back_at.as_str() < now,
        id: a.id,
        person_id: a.person_id,
        facility: a.facility,
        kind: a.kind,
        note: a.note,
        left_at: a.left_at,
        expected_back_at: a.expected_back_at,
        returned_at: a.returned_at,
    }
}

use crate::persons::invalid_field as invalid;

/// A person left the facility for a while (`person.absence_started`).
pub async fn leave(
    store: &Store,
    who: &Principal,
    r: AbsenceRequest,
) -> Result<AbsenceView, AppError> {
    let now = Timestamp::now();
    let left = r.left_at.map_or(now, custodia_domain::time::to_micros);
    let mut c = Collector::default();
    if let Some(note) = &r.note {
        text::optional(&mut c, "note", note, 2000);
    }
    c.check(
        left > now,
        "left_at",
        "in_the_future",
        "left_at is in the future",
    );
    c.check(
        r.expected_back_at <= left,
        "expected_back_at",
        "not_after_leaving",
        "expected_back_at must be after the person leaves",
    );
    c.finish()?;
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let e = open_episode_or_refuse(tx, &who, r.person_id).await?;
            who.require_in(Action::PlacementWrite, &e.facility, "person", r.person_id)?;
            if !matches!(e.presence.as_str(), "placed" | "unallocated") {
                return Err(AppError::Conflict {
                    code: "not_present",
                    message: format!("person {} is {}: not at the facility to leave it", r.person_id, e.presence),
                });
            }
            let m = NewMovement::away(&e, "absence_started", &e.facility, "out", Some(r.kind.as_str()), left);
            record_latest(tx, &who.actor, m, "left_at", now).await?;
            let mut row = AbsenceRow {
                id: 0,
                person_id: r.person_id,
                episode_id: e.episode_id,
                facility: e.facility.clone(),
                kind: r.kind.as_str().to_owned(),
                note: r.note.clone(),
                from_location_id: e.location_id,
                left_at: canonical(left),
                expected_back_at: canonical(r.expected_back_at),
                returned_at: None,
                recorded_by: who.actor.clone(),
            };
            row.id = tx.insert_absence(&row).await?;
            tx.append(event(
                PERSON_ABSENCE_STARTED,
                left,
                &e.facility,
                r.person_id,
                &serde_json::json!({
                    "absence_id": row.id, "person_id": r.person_id, "episode_id": e.episode_id,
                    "kind": r.kind, "left_at": row.left_at, "expected_back_at": row.expected_back_at,
                    "note": r.note, "from_location_id": e.location_id,
                }),
            ))
            .await?;
            Ok(view(row, &canonical(now)))
        })
        .await
}

/// A person left for a temporary absence.
pub const PERSON_ABSENCE_STARTED: &str = "person.absence_started";
/// A person came back from a temporary absence.
pub const PERSON_ABSENCE_ENDED: &str = "person.absence_ended";

/// A person came back (`person.absence_ended`): into the cell named, else the cell they
/// left if the rules still allow it, else unallocated.
pub async fn come_back(
    store: &Store,
    who: &Principal,
    id: i64,
    r: ReturnRequest,
) -> Result<AbsenceView, AppError> {
    let now = Timestamp::now();
    let back = r.returned_at.map_or(now, custodia_domain::time::to_micros);
    if back > now {
        return Err(invalid(
            "returned_at",
            "in_the_future",
            "returned_at is in the future",
        ));
    }
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let a = tx
                .absence(id)
                .await?
                .filter(|a| who.allows(Action::PersonRead, Some(&a.facility)))
                .ok_or_else(|| AppError::not_found("absence", id))?;
            who.require_in(Action::PlacementWrite, &a.facility, "absence", id)?;
            if a.returned_at.is_some() {
                return Err(AppError::Conflict {
                    code: "already_returned",
                    message: format!("absence {id} already ended"),
                });
            }
            let e = open_episode_or_refuse(tx, &who, a.person_id).await?;
            if e.presence != "out" || e.episode_id != a.episode_id {
                return Err(AppError::Conflict {
                    code: "not_out",
                    message: format!(
                        "person {} is {}, not out on this absence",
                        a.person_id, e.presence
                    ),
                });
            }
            let target = r.location_id.or(a.from_location_id);
            let mut location = None;
            let mut unit = None;
            if let Some(cell) = target {
                let m = Move {
                    person_id: a.person_id,
                    facility: a.facility.clone(),
                    location_id: Some(cell),
                };
                let s = super::snapshot(tx, std::slice::from_ref(&m), now).await?;
                let refusals = s.check(&m, false);
                if refusals.is_empty() {
                    location = Some(cell);
                    unit = s.places.get(&cell).map(|p| p.unit_id);
                } else if r.location_id.is_some() {
                    return Err(super::refused(
                        &refusals,
                        super::sees_intelligence(&who, &a.facility),
                    ));
                }
            }
            record_latest(
                tx,
                &who.actor,
                NewMovement {
                    episode: &e,
                    kind: "absence_ended",
                    facility: &a.facility,
                    location_id: location,
                    unit_id: unit,
                    presence: if location.is_some() {
                        "placed"
                    } else {
                        "unallocated"
                    },
                    reason: None,
                    override_reason: None,
                    at: back,
                },
                "returned_at",
                now,
            )
            .await?;
            let at = canonical(back);
            tx.return_absence(id, &at).await?;
            tx.append(event(
                PERSON_ABSENCE_ENDED,
                back,
                &a.facility,
                a.person_id,
                &serde_json::json!({
                    "absence_id": id, "person_id": a.person_id, "episode_id": a.episode_id,
                    "returned_at": at, "location_id": location,
                }),
            ))
            .await?;
            Ok(view(
                AbsenceRow {
                    returned_at: Some(at),
                    ..a
                },
                &canonical(now),
            ))
        })
        .await
}

/// Absences not yet returned from, in a facility or every facility in reach; only the
/// overdue ones with `overdue_only`.
pub async fn absences(
    store: &Store,
    who: &Principal,
    facility: Option<&str>,
    overdue_only: bool,
) -> Result<Vec<AbsenceView>, AppError> {
    match facility {
        Some(code) => who.require(Action::PersonRead, Some(code))?,
        None => {
            who.require_some(Action::PersonRead)?;
        }
    }
    let now = canonical(Timestamp::now());
    Ok(store
        .open_absences(facility)
        .await?
        .into_iter()
        .filter(|a| who.allows(Action::PersonRead, Some(&a.facility)))
        .map(|a| view(a, &now))
        .filter(|a| !overdue_only || a.overdue)
        .collect())
}
