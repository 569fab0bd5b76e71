//! Mandatory notifications: created by the system when a death, disappearance, serious
//! injury, transfer or hostage-taking is recorded (never only by hand), listed with what
//! is overdue, and marked done with how and to whom.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::{Action, FacilityFilter};
use custodia_domain::events::NewEvent;
use custodia_domain::notification::{CHANNELS, NotificationReason, NotificationStatus, required};
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::validation::Collector;
use custodia_store::notifications::{NotificationFilter, NotificationRow};
use custodia_store::{Store, WriteTx};

use super::{NOTIFICATION_CREATED, NOTIFICATION_DONE, new_event, past};
use crate::error::AppError;
use crate::principal::Principal;

/// What a notification is about, for [`notify`].
#[derive(Debug, Clone, Default)]
pub(crate) struct About {
    /// The facility responsible (none: national).
    pub facility: Option<String>,
    /// The person concerned.
    pub person_id: Option<i64>,
    /// The incident concerned.
    pub incident_id: Option<i64>,
    /// The transfer concerned.
    pub transfer_id: Option<i64>,
    /// What to tell.
    pub summary: String,
}

/// The notification tasks the law requires for a fact that happened at `fact_at`, each
/// due from then (not yet stored).
pub(crate) fn required_for(
    reason: NotificationReason,
    pretrial: bool,
    about: &About,
    fact_at: Timestamp,
    now: Timestamp,
) -> Vec<NotificationRow> {
    required(reason, pretrial)
        .into_iter()
        .map(|(recipient, within)| NotificationRow {
            reason: reason.as_str().to_owned(),
            recipient: recipient.as_str().to_owned(),
            facility: about.facility.clone(),
            person_id: about.person_id,
            incident_id: about.incident_id,
            transfer_id: about.transfer_id,
            summary: about.summary.clone(),
            due_at: canonical(fact_at + within),
            created_at: canonical(now),
            status: NotificationStatus::Pending.as_str().to_owned(),
            ..NotificationRow::default()
        })
        .collect()
}

/// The journal entry of a notification task stored with id `id`.
pub(crate) fn created_event(n: &NotificationRow, id: i64, now: Timestamp) -> NewEvent {
    new_event(
        NOTIFICATION_CREATED,
        now,
        n.facility.as_deref(),
        format!("notification:{id}"),
        &serde_json::json!({
            "notification_id": id, "reason": n.reason, "recipient": n.recipient,
            "facility": n.facility, "person_id": n.person_id, "incident_id": n.incident_id,
            "transfer_id": n.transfer_id, "summary": n.summary, "due_at": n.due_at,
        }),
    )
}

/// Creates the notifications the law requires for a fact that happened at `fact_at`
/// (due from then), with their journal entries; returns their ids.
pub(crate) async fn notify(
    tx: &mut WriteTx,
    reason: NotificationReason,
    pretrial: bool,
    about: &About,
    fact_at: Timestamp,
    now: Timestamp,
) -> Result<Vec<i64>, AppError> {
    let rows = required_for(reason, pretrial, about, fact_at, now);
    let ids = tx.insert_notifications(&rows).await?;
    let events: Vec<NewEvent> = rows
        .iter()
        .zip(&ids)
        .map(|(n, id)| created_event(n, *id, now))
        .collect();
    tx.append_all(&events).await?;
    Ok(ids)
}

/// A notification as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    /// Id.
    pub id: i64,
    /// Why: `death`, `disappearance`, `serious_injury`, `transfer`, `hostage_taking`.
    pub reason: String,
    /// To whom: `judicial_authority`, `next_of_kin`, `family_contact`, `judge`,
    /// `national_operations`.
    pub recipient: String,
    /// The facility responsible (null: national).
    pub facility: Option<String>,
    /// The person concerned.
    pub person_id: Option<i64>,
    /// The incident concerned.
    pub incident_id: Option<i64>,
    /// The transfer concerned.
    pub transfer_id: Option<i64>,
    /// What to tell.
    pub summary: String,
    /// Due by.
    pub due_at: String,
    /// Whether it is past due and not done.
    pub overdue: bool,
    /// `pending` or `done`.
    pub status: String,
    /// When created.
    pub created_at: String,
    /// When done.
    pub done_at: Option<String>,
    /// By whom.
    pub done_by: Option<String>,
    /// How.
    pub channel: Option<String>,
    /// To whom, by name and office.
    pub notified: Option<String>,
    /// A note.
    pub note: Option<String>,
}

pub(crate) fn view(n: NotificationRow, now: &str) -> NotificationView {
    NotificationView {
        overdue: n.status == NotificationStatus::Pending.as_str() && n.due_at.as_str() < now,
        id: n.id,
        reason: n.reason,
        recipient: n.recipient,
        facility: n.facility,
        person_id: n.person_id,
        incident_id: n.incident_id,
        transfer_id: n.transfer_id,
        summary: n.summary,
        due_at: n.due_at,
        status: n.status,
        created_at: n.created_at,
        done_at: n.done_at,
        done_by: n.done_by,
        channel: n.channel,
        notified: n.notified,
        note: n.note,
    }
}

/// Which notifications to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// `pending` or `done`.
    pub status: Option<NotificationStatus>,
    /// Due before this instant (RFC 3339): `now` lists the overdue ones.
    pub due_before: Option<String>,
    /// Only this facility's.
    pub facility: Option<String>,
    /// At most this many (default 200, at most 1,000).
    pub limit: Option<i64>,
}

/// Whether the principal may see a notification for `facility` (none: national).
pub(crate) fn sees(who: &Principal, action: Action, facility: Option<&str>) -> bool {
    who.allows(action, facility)
}

/// Notifications in reach, soonest due first.
pub async fn notifications(
    store: &Store,
    who: &Principal,
    q: NotificationQuery,
) -> Result<Vec<NotificationView>, AppError> {
    let visible = who.require_some(Action::NotificationRead)?;
    let now = Timestamp::now();
    let due_before = match q.due_before.as_deref() {
        None => None,
        Some("now") => Some(canonical(now)),
        Some(t) => Some(canonical(custodia_domain::time::parse(t).map_err(|e| {
            crate::persons::invalid_field("due_before", "invalid_instant", e.to_string())
        })?)),
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    if let Some(f) = &q.facility {
        who.require(Action::NotificationRead, Some(f))?;
    }
    let facilities: Vec<Option<String>> = match (&q.facility, &visible) {
        (Some(f), _) => vec![Some(f.clone())],
        (None, FacilityFilter::All) => vec![None],
        (None, FacilityFilter::Only(codes)) => codes.iter().cloned().map(Some).collect(),
    };
    let stamp = canonical(now);
    let mut out = Vec::new();
    for facility in facilities {
        let rows = store
            .notifications(&NotificationFilter {
                facility,
                status: q.status.map(|s| s.as_str().to_owned()),
                due_before: due_before.clone(),
                limit,
            })
            .await?;
        out.extend(
            rows.into_iter()
                .filter(|n| sees(who, Action::NotificationRead, n.facility.as_deref()))
                .map(|n| view(n, &stamp)),
        );
    }
    out.sort_by(|a, b| (&a.due_at, a.id).cmp(&(&b.due_at, b.id)));
    out.truncate(limit as usize);
    Ok(out)
}

/// How and to whom a notification was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationDone {
    /// How: `phone`, `in_person`, `email`, `letter`, `official_letter`, `radio`, `other`.
    pub channel: String,
    /// To whom, by name and office (e.g. `Juez de Garantías Penales, Unidad Judicial de Cuenca`).
    pub notified: String,
    /// When (RFC 3339); now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// A note (at most 2,000 characters).
    pub note: Option<String>,
}

/// Records a notification as made.
pub async fn complete(
    store: &Store,
    who: &Principal,
    id: i64,
    r: NotificationDone,
) -> Result<NotificationView, AppError> {
    let mut c = Collector::default();
    c.check(
        !CHANNELS.contains(&r.channel.as_str()),
        "channel",
        "unknown_value",
        format!("channel is one of: {}", CHANNELS.join(", ")),
    );
    text::required(&mut c, "notified", &r.notified, 300);
    if let Some(n) = &r.note {
        text::optional(&mut c, "note", n, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    let at = past("at", r.at.unwrap_or(now), now)?;
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let mut n = tx
                .notification(id)
                .await?
                .filter(|n| sees(&who, Action::NotificationRead, n.facility.as_deref()))
                .ok_or_else(|| AppError::not_found("notification", id))?;
            if !who.allows(Action::NotificationComplete, n.facility.as_deref()) {
                return Err(AppError::Forbidden {
                    action: Action::NotificationComplete,
                });
            }
            if n.status == NotificationStatus::Done.as_str() {
                return Err(AppError::Conflict {
                    code: "already_done",
                    message: format!("notification {id} was already made"),
                });
            }
            n.status = NotificationStatus::Done.as_str().to_owned();
            n.done_at = Some(canonical(at));
            n.done_by = Some(who.actor.clone());
            n.channel = Some(r.channel.clone());
            n.notified = Some(r.notified.clone());
            n.note = r.note.clone();
            tx.complete_notification(&n).await?;
            tx.append(new_event(
                NOTIFICATION_DONE,
                at,
                n.facility.as_deref(),
                format!("notification:{id}"),
                &serde_json::json!({
                    "notification_id": id, "done_at": n.done_at, "channel": n.channel,
                    "notified": n.notified, "note": n.note,
                }),
            ))
            .await?;
            Ok(view(n, &canonical(now)))
        })
        .await
}
