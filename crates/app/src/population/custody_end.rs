//! Presence ending other than by release: an escape (the person is still in custody in
//! law, and may be returned), and a death in custody, which ends the episode for good.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::custody::{Release, ReleaseReason};
use custodia_domain::incident::{CasualtyOutcome, IncidentStatus, IncidentType, Severity, Site};
use custodia_domain::notification::NotificationReason;
use custodia_domain::placement::Move;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::transfer::{DeathCause, TransferStatus};
use custodia_domain::validation::Collector;
use custodia_store::incidents::IncidentRow;
use custodia_store::{Store, WriteTx};

use super::{NewMovement, depart, open_episode_or_refuse, record_latest};
use crate::error::AppError;
use crate::incidents;
use crate::persons::{event, json};
use crate::principal::Principal;

/// An escape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscapeRequest {
    /// When it was found out, or happened (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// How (at most 2,000 characters).
    pub circumstances: String,
}

/// A recapture returning the person to their facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecaptureRequest {
    /// When they were back in custody (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// Into which cell; unallocated when absent.
    pub location_id: Option<i64>,
    /// How (at most 2,000 characters).
    pub note: Option<String>,
}

/// A death in custody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeathRequest {
    /// When (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub died_at: Timestamp,
    /// Where (cell, hospital, yard…).
    pub place: String,
    /// The category of the cause.
    pub cause: DeathCause,
    /// What is known (at most 4,000 characters).
    pub circumstances: Option<String>,
}

/// What was recorded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PresenceView {
    /// Who.
    pub person_id: i64,
    /// Their custody episode.
    pub episode_id: i64,
    /// The facility.
    pub facility: String,
    /// `escaped`, `placed`, `unallocated` or `ended` (dead).
    pub presence: String,
    /// When.
    pub at: String,
    /// For a death: its death-in-custody incident.
    pub incident_id: Option<i64>,
}

/// A person escaped.
pub const PERSON_ESCAPED: &str = "person.escaped";
/// An escaped person was returned to custody.
pub const PERSON_RECAPTURED: &str = "person.recaptured";
/// A person died in custody.
pub const PERSON_DIED: &str = "person.died";

use crate::persons::invalid_field as invalid;

fn not_in_the_future(field: &str, at: Timestamp, now: Timestamp) -> Result<(), AppError> {
    if at > now {
        return Err(invalid(
            field,
            "in_the_future",
            format!("{field} is in the future"),
        ));
    }
    Ok(())
}

/// Records an escape (`person.escaped`): the person is no longer present anywhere; no
/// move is possible until they are returned.
pub async fn escape(
    store: &Store,
    who: &Principal,
    person_id: i64,
    r: EscapeRequest,
) -> Result<PresenceView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "circumstances", &r.circumstances, 2000);
    c.finish()?;
    let now = Timestamp::now();
    not_in_the_future("at", r.at, now)?;
    let at = custodia_domain::time::to_micros(r.at);
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let e = open_episode_or_refuse(tx, &who, person_id).await?;
            who.require_in(Action::PlacementWrite, &e.facility, "person", person_id)?;
            if e.presence == "escaped" {
                return Err(AppError::Conflict {
                    code: "already_escaped",
                    message: format!("person {person_id} is already recorded as escaped"),
                });
            }
            let m = NewMovement::away(&e, "escaped", &e.facility, "escaped", Some(&r.circumstances), at);
            record_latest(tx, &who.actor, m, "at", now).await?;
            tx.append(event(
                PERSON_ESCAPED,
                at,
                &e.facility,
                person_id,
                &serde_json::json!({
                    "person_id": person_id, "episode_id": e.episode_id, "from_location_id": e.location_id,
                    "presence_before": e.presence, "circumstances": r.circumstances,
                }),
            ))
            .await?;
            // A disappearance from custody: its incident, and the authority and the
            // family to be told.
            let incident = incidents::open_incident(
                tx,
                &who.actor,
                incidents::NewIncident {
                    incident_type: IncidentType::Escape,
                    site: Site {
                        facility: Some(e.facility.clone()),
                        location_id: e.location_id,
                        ..Site::default()
                    },
                    occurred_at: at,
                    severity: Severity::Critical,
                    status: IncidentStatus::Active,
                    summary: format!("Fuga: {}", r.circumstances),
                },
                now,
            )
            .await?;
            let about = incidents::About {
                facility: Some(e.facility.clone()),
                person_id: Some(person_id),
                incident_id: Some(incident.id),
                summary: format!("Fuga ({})", incident.reference),
                ..incidents::About::default()
            };
            incidents::notify(tx, NotificationReason::Disappearance, false, &about, at, now)
                .await?;
            Ok(PresenceView {
                person_id,
                episode_id: e.episode_id,
                facility: e.facility.clone(),
                presence: "escaped".into(),
                at: canonical(at),
                incident_id: Some(incident.id),
            })
        })
        .await
}

/// Returns an escaped person to custody at their facility (`person.recaptured`).
pub async fn recapture(
    store: &Store,
    who: &Principal,
    person_id: i64,
    r: RecaptureRequest,
) -> Result<PresenceView, AppError> {
    let mut c = Collector::default();
    if let Some(note) = &r.note {
        text::optional(&mut c, "note", note, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    not_in_the_future("at", r.at, now)?;
    let at = custodia_domain::time::to_micros(r.at);
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let e = open_episode_or_refuse(tx, &who, person_id).await?;
            who.require_in(Action::PlacementWrite, &e.facility, "person", person_id)?;
            if e.presence != "escaped" {
                return Err(AppError::Conflict {
                    code: "not_escaped",
                    message: format!("person {person_id} is {}, not escaped", e.presence),
                });
            }
            let m = Move {
                person_id,
                facility: e.facility.clone(),
                location_id: r.location_id,
            };
            let s = super::allowed(tx, &who, &m, now).await?;
            let unit = r
                .location_id
                .and_then(|id| s.places.get(&id))
                .map(|p| p.unit_id);
            let presence = if r.location_id.is_some() {
                "placed"
            } else {
                "unallocated"
            };
            record_latest(
                tx,
                &who.actor,
                NewMovement {
                    episode: &e,
                    kind: "recaptured",
                    facility: &e.facility,
                    location_id: r.location_id,
                    unit_id: unit,
                    presence,
                    reason: r.note.as_deref(),
                    override_reason: None,
                    at,
                },
                "at",
                now,
            )
            .await?;
            tx.append(event(
                PERSON_RECAPTURED,
                at,
                &e.facility,
                person_id,
                &serde_json::json!({
                    "person_id": person_id, "episode_id": e.episode_id,
                    "location_id": r.location_id, "note": r.note,
                }),
            ))
            .await?;
            Ok(PresenceView {
                person_id,
                episode_id: e.episode_id,
                facility: e.facility.clone(),
                presence: presence.into(),
                at: canonical(at),
                incident_id: None,
            })
        })
        .await
}

/// Records a death in custody (`person.died`): the episode ends, any transfer under way
/// is cancelled and any absence closed; the person can never be moved or admitted again.
/// Its death-in-custody incident opens with it, and the judicial authority and the next
/// of kin are to be notified.
pub async fn death(
    store: &Store,
    who: &Principal,
    person_id: i64,
    r: DeathRequest,
) -> Result<PresenceView, AppError> {
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            record_death(tx, &who, person_id, &r, None, now).await
        })
        .await
}

/// The death itself, inside a write: recorded from population (`incident` is `None`: a
/// death-in-custody incident is opened) or from an incident's casualties (linked to it).
pub(crate) async fn record_death(
    tx: &mut WriteTx,
    who: &Principal,
    person_id: i64,
    r: &DeathRequest,
    incident: Option<IncidentRow>,
    now: Timestamp,
) -> Result<PresenceView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "place", &r.place, 500);
    if let Some(s) = &r.circumstances {
        text::optional(&mut c, "circumstances", s, 4000);
    }
    c.finish()?;
    not_in_the_future("died_at", r.died_at, now)?;
    let at = custodia_domain::time::to_micros(r.died_at);
    let e = open_episode_or_refuse(tx, who, person_id).await?;
    who.require_in(Action::DeathRecord, &e.facility, "person", person_id)?;
    let admitted = custodia_domain::time::parse(&e.admitted_at)
        .map_err(|x| super::corrupt("custody_episodes.admitted_at", x))?;
    if at < admitted {
        return Err(invalid(
            "died_at",
            "before_admission",
            "died_at is before the admission",
        ));
    }
    depart(tx, who, &e, "died", at, "died_at", now).await?;
    let stamp = canonical(now);
    let died = canonical(at);
    if let Some(mut t) = tx.open_transfer_of(person_id).await? {
        t.status = TransferStatus::Cancelled.as_str().to_owned();
        t.cancelled_at = Some(died.clone());
        t.cancelled_by = Some(who.actor.clone());
        t.cancel_reason = Some("death in custody".into());
        tx.update_transfer(&t).await?;
    }
    let release = Release {
        released_at: at,
        reason: ReleaseReason::Death,
        authorized_by: format!("death recorded by {}", who.actor),
        note: r.circumstances.clone(),
    };
    tx.close_episode(e.episode_id, &died, &json(&release))
        .await?;
    tx.set_custody(person_id, &e.facility, false, &stamp)
        .await?;
    tx.insert_death(
        person_id,
        e.episode_id,
        &e.facility,
        &died,
        &r.place,
        r.cause.as_str(),
        r.circumstances.as_deref(),
        &stamp,
        &who.actor,
    )
    .await?;
    tx.append(event(
        PERSON_DIED,
        at,
        &e.facility,
        person_id,
        &serde_json::json!({
            "person_id": person_id, "episode_id": e.episode_id, "died_at": died,
            "place": r.place, "cause": r.cause, "circumstances": r.circumstances,
            "location_id": e.location_id, "presence_before": e.presence,
        }),
    ))
    .await?;
    let incident = match incident {
        Some(i) => i,
        None => {
            let i = incidents::open_incident(
                tx,
                &who.actor,
                incidents::NewIncident {
                    incident_type: IncidentType::DeathInCustody,
                    site: Site {
                        facility: Some(e.facility.clone()),
                        location_id: e.location_id,
                        ..Site::default()
                    },
                    occurred_at: at,
                    severity: Severity::Critical,
                    status: IncidentStatus::Active,
                    summary: format!("Fallecimiento bajo custodia: {} ({})", r.place, r.cause),
                },
                now,
            )
            .await?;
            let casualty = incidents::CasualtyRequest {
                person_id: Some(person_id),
                staff_id: None,
                outcome: CasualtyOutcome::Deceased,
                at: Some(at),
                cause: Some(r.cause),
                place: Some(r.place.clone()),
                description: r.circumstances.clone(),
            };
            incidents::casualty(tx, &who.actor, &i, &casualty, at, now).await?;
            i
        }
    };
    incidents::involve_deceased(tx, &who.actor, &incident, person_id, now).await?;
    tx.link_death(person_id, incident.id).await?;
    let about = incidents::About {
        facility: Some(e.facility.clone()),
        person_id: Some(person_id),
        incident_id: Some(incident.id),
        summary: format!("Fallecimiento bajo custodia ({})", incident.reference),
        ..incidents::About::default()
    };
    incidents::notify(tx, NotificationReason::Death, false, &about, at, now).await?;
    Ok(PresenceView {
        person_id,
        episode_id: e.episode_id,
        facility: e.facility.clone(),
        presence: "ended".into(),
        at: died,
        incident_id: Some(incident.id),
    })
}
