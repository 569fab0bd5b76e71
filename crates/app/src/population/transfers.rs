//! Transfers between facilities: requested by the origin, approved nationally,
//! dispatched (the person is in transit, counted by both facilities), received at the
//! destination (placed there, every rule checked again) or cancelled before receipt.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::custody::LegalStatus;
use custodia_domain::events::NewEvent;
use custodia_domain::notification::NotificationReason;
use custodia_domain::placement::Move;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::transfer::{TransferReason, TransferStatus, TransferStep};
use custodia_domain::validation::Collector;
use custodia_store::notifications::NotificationRow;
use custodia_store::population::{MovementRow, OpenEpisode};
use custodia_store::transfers::TransferRow;
use custodia_store::{Store, WriteTx};

use super::{
    Movements, NewMovement, corrupt, latest_slot, open_episode_or_refuse, record_latest, refused,
    sees_intelligence,
};
use crate::error::AppError;
use crate::persons::json;
use crate::principal::Principal;

/// A transfer to request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Who.
    pub person_id: i64,
    /// To which facility.
    pub to_facility: String,
    /// Into which cell there, if already decided.
    pub to_location_id: Option<i64>,
    /// Why.
    pub reason: TransferReason,
    /// Free text (at most 2,000 characters).
    pub note: Option<String>,
}

/// A step taken on a transfer: when, and where the person goes on receipt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// When it happened (RFC 3339); now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// On receipt: the cell at the destination (else the one requested, else unallocated).
    pub location_id: Option<i64>,
    /// On cancellation: why.
    pub reason: Option<String>,
}

/// A transfer as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TransferView {
    /// Id.
    pub id: i64,
    /// Who.
    pub person_id: i64,
    /// Their custody episode.
    pub episode_id: i64,
    /// The bulk operation it belongs to.
    pub operation_id: Option<i64>,
    /// From.
    pub from_facility: String,
    /// To.
    pub to_facility: String,
    /// Cell at the destination, if decided.
    pub to_location_id: Option<i64>,
    /// Why.
    pub reason: String,
    /// Free text.
    pub note: Option<String>,
    /// `requested`, `approved`, `dispatched`, `received` or `cancelled`.
    pub status: String,
    /// The judge must be told (pretrial detainee); the notification becomes a tracked task.
    pub notify_judge: bool,
    /// The family contact must be told (Mandela Rule 68).
    pub notify_family: bool,
    /// When requested.
    pub requested_at: String,
    /// By whom.
    pub requested_by: String,
    /// When approved.
    pub approved_at: Option<String>,
    /// By whom.
    pub approved_by: Option<String>,
    /// When the person left.
    pub dispatched_at: Option<String>,
    /// By whom.
    pub dispatched_by: Option<String>,
    /// When the person arrived.
    pub received_at: Option<String>,
    /// By whom.
    pub received_by: Option<String>,
    /// When cancelled.
    pub cancelled_at: Option<String>,
    /// By whom.
    pub cancelled_by: Option<String>,
    /// Why cancelled.
    pub cancel_reason: Option<String>,
}

impl From<TransferRow> for TransferView {
    fn from(t: TransferRow) -> Self {
        TransferView {
            id: t.id,
            person_id: t.person_id,
            episode_id: t.episode_id,
            operation_id: t.operation_id,
            from_facility: t.from_facility,
            to_facility: t.to_facility,
            to_location_id: t.to_location_id,
            reason: t.reason,
            note: t.note,
            status: t.status,
            notify_judge: t.notify_judge,
            notify_family: t.notify_family,
            requested_at: t.requested_at,
            requested_by: t.requested_by,
            approved_at: t.approved_at,
            approved_by: t.approved_by,
            dispatched_at: t.dispatched_at,
            dispatched_by: t.dispatched_by,
            received_at: t.received_at,
            received_by: t.received_by,
            cancelled_at: t.cancelled_at,
            cancelled_by: t.cancelled_by,
            cancel_reason: t.cancel_reason,
        }
    }
}

use crate::persons::invalid_field as invalid;

/// Whether a person may be sent somewhere now: present at their facility, no transfer
/// already under way.
pub(crate) async fn ready_to_leave(
    tx: &mut WriteTx,
    episode: &OpenEpisode,
) -> Result<(), AppError> {
    let open = if is_present(episode) {
        tx.open_transfer_of(episode.person_id).await?
    } else {
        None
    };
    may_leave(episode, open.as_ref())
}

fn is_present(episode: &OpenEpisode) -> bool {
    matches!(episode.presence.as_str(), "placed" | "unallocated")
}

/// [`ready_to_leave`] with the person's open transfer, if any, already read.
pub(crate) fn may_leave(episode: &OpenEpisode, open: Option<&TransferRow>) -> Result<(), AppError> {
    if !is_present(episode) {
        return Err(AppError::Conflict {
            code: "not_present",
            message: format!(
                "person {} is {}: only persons present at their facility are transferred",
                episode.person_id, episode.presence
            ),
        });
    }
    if let Some(t) = open {
        return Err(AppError::Conflict {
            code: "transfer_open",
            message: format!(
                "person {} already has transfer {} to {} ({})",
                episode.person_id, t.id, t.to_facility, t.status
            ),
        });
    }
    Ok(())
}

/// The row of a new requested transfer.
#[allow(clippy::too_many_arguments)]
pub(crate) fn new_transfer(
    episode: &OpenEpisode,
    to_facility: &str,
    to_location_id: Option<i64>,
    reason: TransferReason,
    note: Option<&str>,
    operation_id: Option<i64>,
    now: &str,
    actor: &str,
) -> TransferRow {
    TransferRow {
        person_id: episode.person_id,
        episode_id: episode.episode_id,
        operation_id,
        from_facility: episode.facility.clone(),
        to_facility: to_facility.to_owned(),
        to_location_id,
        reason: reason.as_str().to_owned(),
        note: note.map(str::to_owned),
        status: TransferStatus::Requested.as_str().to_owned(),
        notify_judge: episode.legal_status == LegalStatus::Pretrial.as_str(),
        notify_family: true,
        requested_at: now.to_owned(),
        requested_by: actor.to_owned(),
        ..TransferRow::default()
    }
}

/// The journal entry of a transfer's step, with the whole transfer as it now stands.
pub(crate) fn transfer_event(kind: &'static str, t: &TransferRow, at: Timestamp) -> NewEvent {
    NewEvent {
        event_type: kind,
        schema_version: 1,
        occurred_at: at,
        facility: Some(if kind == TRANSFER_RECEIVED {
            t.to_facility.clone()
        } else {
            t.from_facility.clone()
        }),
        subject: format!("transfer:{}", t.id),
        payload: json(&serde_json::json!({
            "transfer_id": t.id,
            "person_id": t.person_id,
            "episode_id": t.episode_id,
            "operation_id": t.operation_id,
            "from_facility": t.from_facility,
            "to_facility": t.to_facility,
            "location_id": t.to_location_id,
            "reason": t.reason,
            "note": t.note,
            "status": t.status,
            "notify_judge": t.notify_judge,
            "notify_family": t.notify_family,
            "occurred_at": canonical(at),
            "cancel_reason": t.cancel_reason,
        })),
    }
}

/// A transfer was requested.
pub const TRANSFER_REQUESTED: &str = "transfer.requested";
/// A transfer was approved.
pub const TRANSFER_APPROVED: &str = "transfer.approved";
/// The person left the origin.
pub const TRANSFER_DISPATCHED: &str = "transfer.dispatched";
/// The person was received at the destination.
pub const TRANSFER_RECEIVED: &str = "transfer.received";
/// The transfer was called off (a dispatched person returned to the origin).
pub const TRANSFER_CANCELLED: &str = "transfer.cancelled";

/// Requests a transfer (`transfer.requested`). The destination must be able to hold
/// the person (sex, age group, classification, the cell if named, keep-apart rules).
pub async fn request(
    store: &Store,
    who: &Principal,
    r: TransferRequest,
) -> Result<TransferView, AppError> {
    let mut c = Collector::default();
    if let Some(note) = &r.note {
        text::optional(&mut c, "note", note, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let episode = open_episode_or_refuse(tx, &who, r.person_id).await?;
            who.require_in(
                Action::TransferRequest,
                &episode.facility,
                "person",
                r.person_id,
            )?;
            if r.to_facility == episode.facility {
                return Err(invalid(
                    "to_facility",
                    "same_facility",
                    "a move within the facility is a placement, not a transfer",
                ));
            }
            if tx.facility(&r.to_facility).await?.is_none() {
                return Err(invalid(
                    "to_facility",
                    "unknown_facility",
                    format!("facility {} is not registered", r.to_facility),
                ));
            }
            ready_to_leave(tx, &episode).await?;
            let m = Move {
                person_id: r.person_id,
                facility: r.to_facility.clone(),
                location_id: r.to_location_id,
            };
            let mut snapshot = super::snapshot(tx, std::slice::from_ref(&m), now).await?;
            super::hide_unseen_places(&mut snapshot, &who);
            let refusals = snapshot.check(&m, false);
            if !refusals.is_empty() {
                let named: Vec<_> = refusals
                    .into_iter()
                    .map(|mut x| {
                        x.field = match x.field {
                            "location_id" if r.to_location_id.is_some() => "to_location_id",
                            "location_id" | "facility" => "to_facility",
                            other => other,
                        };
                        x
                    })
                    .collect();
                return Err(refused(&named, sees_intelligence(&who, &r.to_facility)));
            }
            let mut t = new_transfer(
                &episode,
                &r.to_facility,
                r.to_location_id,
                r.reason,
                r.note.as_deref(),
                None,
                &canonical(now),
                &who.actor,
            );
            t.id = tx.insert_transfer(&t).await?;
            tx.append(transfer_event(TRANSFER_REQUESTED, &t, now))
                .await?;
            Ok(TransferView::from(t))
        })
        .await
}

/// A transfer is visible to whoever may read persons at its origin or its destination.
pub(crate) fn visible(who: &Principal, t: &TransferRow) -> bool {
    who.allows(Action::PersonRead, Some(&t.from_facility))
        || who.allows(Action::PersonRead, Some(&t.to_facility))
}

/// Who may take each step: approval is national; the origin dispatches and cancels, the
/// destination receives.
pub(crate) fn authorise_step(
    who: &Principal,
    t: &TransferRow,
    step: TransferStep,
) -> Result<(), AppError> {
    if may_take(who, &t.from_facility, &t.to_facility, step) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            action: match step {
                TransferStep::Approve => Action::TransferApprove,
                TransferStep::Dispatch | TransferStep::Receive => Action::PlacementWrite,
                TransferStep::Cancel => Action::TransferRequest,
            },
        })
    }
}

fn may_take(who: &Principal, from: &str, to: &str, step: TransferStep) -> bool {
    match step {
        TransferStep::Approve => who.allows(Action::TransferApprove, None),
        TransferStep::Dispatch => who.allows(Action::PlacementWrite, Some(from)),
        TransferStep::Receive => who.allows(Action::PlacementWrite, Some(to)),
        TransferStep::Cancel => {
            who.allows(Action::TransferRequest, Some(from))
                || who.allows(Action::TransferApprove, None)
        }
    }
}

/// The steps `who` may take on a transfer now: those its status allows next and their
/// role allows them (the interface shows one button each).
pub fn next_steps(who: &Principal, t: &TransferView) -> Vec<TransferStep> {
    let Ok(status) = TransferStatus::parse(&t.status) else {
        return Vec::new();
    };
    TransferStep::ALL
        .iter()
        .copied()
        .filter(|step| status.after(*step).is_ok())
        .filter(|step| may_take(who, &t.from_facility, &t.to_facility, *step))
        .collect()
}

/// When a step happened: `at` if given (not in the future), else now.
fn step_instant(body: &StepRequest, now: Timestamp) -> Result<Timestamp, AppError> {
    let at = body.at.map_or(now, custodia_domain::time::to_micros);
    if at > now {
        return Err(invalid("at", "in_the_future", "at is in the future"));
    }
    Ok(at)
}

/// A person leaves on dispatch only from their facility.
fn at_origin(t: &TransferRow, e: &OpenEpisode) -> Result<(), AppError> {
    if !is_present(e) {
        return Err(AppError::Conflict {
            code: "not_present",
            message: format!(
                "person {} is {}: not at the origin to leave",
                t.person_id, e.presence
            ),
        });
    }
    Ok(())
}

/// Whether the step takes the person out of their cell (leaving the origin on dispatch)
/// or back to the origin (a dispatched transfer cancelled), and so needs their episode.
fn moves_away(status: TransferStatus, step: TransferStep) -> bool {
    match step {
        TransferStep::Dispatch => true,
        TransferStep::Cancel => status == TransferStatus::Dispatched,
        TransferStep::Approve | TransferStep::Receive => false,
    }
}

/// The movement of a step that [`moves_away`]: in transit on dispatch (only from the
/// origin), else back at the origin, unallocated.
fn away_movement<'a>(
    t: &'a TransferRow,
    step: TransferStep,
    e: &'a OpenEpisode,
    at: Timestamp,
) -> Result<NewMovement<'a>, AppError> {
    if step != TransferStep::Dispatch {
        return Ok(NewMovement::away(
            e,
            "transfer_cancelled",
            &t.from_facility,
            "unallocated",
            None,
            at,
        ));
    }
    at_origin(t, e)?;
    Ok(NewMovement::away(
        e,
        "transfer_dispatched",
        &t.from_facility,
        "in_transit",
        None,
        at,
    ))
}

/// Writes a step into the transfer (when, by whom, its new status); returns the type of
/// its journal entry. A receipt's cell is the caller's to set.
fn mark(
    t: &mut TransferRow,
    step: TransferStep,
    next: TransferStatus,
    at: Timestamp,
    who: &Principal,
    body: &StepRequest,
) -> &'static str {
    let stamp = Some(canonical(at));
    let actor = Some(who.actor.clone());
    let kind = match step {
        TransferStep::Approve => {
            t.approved_at = stamp;
            t.approved_by = actor;
            TRANSFER_APPROVED
        }
        TransferStep::Dispatch => {
            t.dispatched_at = stamp;
            t.dispatched_by = actor;
            TRANSFER_DISPATCHED
        }
        TransferStep::Receive => {
            t.received_at = stamp;
            t.received_by = actor;
            TRANSFER_RECEIVED
        }
        TransferStep::Cancel => {
            t.cancelled_at = stamp;
            t.cancelled_by = actor;
            t.cancel_reason = body.reason.clone();
            TRANSFER_CANCELLED
        }
    };
    t.status = next.as_str().to_owned();
    kind
}

/// The notifications a dispatched transfer requires (Mandela Rule 68): the family
/// contact, and for a pretrial detainee the judge; the origin makes them.
fn dispatch_notices(t: &TransferRow, at: Timestamp, now: Timestamp) -> Vec<NotificationRow> {
    let about = crate::incidents::About {
        facility: Some(t.from_facility.clone()),
        person_id: Some(t.person_id),
        transfer_id: Some(t.id),
        summary: format!(
            "Traslado {} de {} a {}",
            t.id, t.from_facility, t.to_facility
        ),
        ..crate::incidents::About::default()
    };
    crate::incidents::required_for(
        NotificationReason::Transfer,
        t.notify_judge,
        &about,
        at,
        now,
    )
}

/// Stores notification tasks and their journal entries with `events`.
async fn store_notices(
    tx: &mut WriteTx,
    notices: &[NotificationRow],
    events: &mut Vec<custodia_domain::events::NewEvent>,
    now: Timestamp,
) -> Result<(), AppError> {
    let ids = tx.insert_notifications(notices).await?;
    events.extend(
        notices
            .iter()
            .zip(&ids)
            .map(|(n, id)| crate::incidents::created_event(n, *id, now)),
    );
    Ok(())
}

/// Takes one step of one transfer inside a transaction: the state machine, the
/// person's movement, the journal entry. Returns the transfer as it now stands.
pub(crate) async fn take_step(
    tx: &mut WriteTx,
    who: &Principal,
    mut t: TransferRow,
    step: TransferStep,
    body: &StepRequest,
    now: Timestamp,
) -> Result<TransferRow, AppError> {
    let status = TransferStatus::parse(&t.status).map_err(|e| corrupt("transfers.status", e))?;
    let next = status.after(step)?;
    let at = step_instant(body, now)?;
    if step == TransferStep::Receive {
        return receive_all(tx, who, vec![t], body, now)
            .await?
            .pop()
            .ok_or_else(|| corrupt("transfers", "a receipt received no transfer"));
    }
    if moves_away(status, step) {
        let e = in_custody(tx, t.person_id).await?;
        let m = away_movement(&t, step, &e, at)?;
        record_latest(tx, &who.actor, m, "at", now).await?;
    }
    let kind = mark(&mut t, step, next, at, who, body);
    tx.update_transfer(&t).await?;
    let mut events = vec![transfer_event(kind, &t, at)];
    if step == TransferStep::Dispatch {
        store_notices(tx, &dispatch_notices(&t, at, now), &mut events, now).await?;
    }
    tx.append_all(&events).await?;
    Ok(t)
}

/// Receives transfers, each dispatched and its receipt authorised, together: every
/// person arrives at their destination, into the cell the step names, else the one the
/// transfer named, else unallocated. The placement rules judge the arrivals as a whole,
/// in order, each against the cells and units the ones before it filled (capacity and
/// keep-apart at the destination), as receiving them one after another would; the first
/// refusal refuses them all. Then one read and one write per table for all: the
/// persons' episodes and histories, their movements, the persons, the transfers and the
/// journal. Returns the transfers as they now stand.
async fn receive_all(
    tx: &mut WriteTx,
    who: &Principal,
    mut ts: Vec<TransferRow>,
    body: &StepRequest,
    now: Timestamp,
) -> Result<Vec<TransferRow>, AppError> {
    let at = step_instant(body, now)?;
    let persons: Vec<i64> = ts.iter().map(|t| t.person_id).collect();
    let episodes: HashMap<i64, OpenEpisode> = tx
        .open_episodes(&persons)
        .await?
        .into_iter()
        .map(|e| (e.person_id, e))
        .collect();
    if let Some(t) = ts.iter().find(|t| !episodes.contains_key(&t.person_id)) {
        return Err(not_in_custody(t.person_id));
    }
    let moves: Vec<Move> = ts
        .iter()
        .map(|t| Move {
            person_id: t.person_id,
            facility: t.to_facility.clone(),
            location_id: body.location_id.or(t.to_location_id),
        })
        .collect();
    let mut snapshot = super::snapshot(tx, &moves, now).await?;
    for (m, refusals) in moves.iter().zip(snapshot.check_all(&moves, false)) {
        if !refusals.is_empty() {
            return Err(refused(&refusals, sees_intelligence(who, &m.facility)));
        }
    }
    let mut histories: HashMap<i64, Vec<MovementRow>> = HashMap::new();
    for m in tx.movements_of_all(&persons).await? {
        histories.entry(m.episode_id).or_default().push(m);
    }
    let mut movements = Movements::default();
    let mut arrived = Vec::with_capacity(ts.len());
    let mut events = Vec::with_capacity(ts.len());
    for (t, m) in ts.iter_mut().zip(&moves) {
        let e = episodes
            .get(&t.person_id)
            .ok_or_else(|| not_in_custody(t.person_id))?;
        let history = histories.get(&e.episode_id).map_or(&[][..], Vec::as_slice);
        let slot = latest_slot(history, at, "at")?;
        let arrival = NewMovement {
            episode: e,
            kind: "transfer_received",
            facility: &t.to_facility,
            location_id: m.location_id,
            unit_id: m
                .location_id
                .and_then(|id| snapshot.places.get(&id))
                .map(|p| p.unit_id),
            presence: if m.location_id.is_some() {
                "placed"
            } else {
                "unallocated"
            },
            reason: Some(&t.reason),
            override_reason: None,
            at,
        };
        movements.push(&who.actor, &arrival, slot, now);
        arrived.push((t.person_id, t.to_facility.clone()));
        let status =
            TransferStatus::parse(&t.status).map_err(|e| corrupt("transfers.status", e))?;
        let next = status.after(TransferStep::Receive)?;
        t.to_location_id = m.location_id;
        let kind = mark(t, TransferStep::Receive, next, at, who, body);
        events.push(transfer_event(kind, t, at));
    }
    movements.record(tx).await?;
    tx.set_custody_of(&arrived, true, &canonical(now)).await?;
    tx.update_transfers(&ts).await?;
    tx.append_all(&events).await?;
    Ok(ts)
}

/// Takes a step for every transfer of `all` that can take it now (the others are left
/// as they are), judging each as [`take_step`] does, in order: the first refusal refuses
/// them all. Returns how many took it.
///
/// The steps are taken together, with one read and one write per table for all: they
/// apply to open transfers, so each is a different person's (one open transfer per
/// person). No dispatch, approval or cancellation changes what another's is judged on;
/// receipts are judged as a whole, each against the cells the ones before it fill
/// ([`receive_all`]).
pub(crate) async fn take_steps(
    tx: &mut WriteTx,
    who: &Principal,
    all: Vec<TransferRow>,
    step: TransferStep,
    body: &StepRequest,
    now: Timestamp,
) -> Result<usize, AppError> {
    // What the movements out of a cell or back are judged on, read for all at once.
    let moving: Vec<i64> = all
        .iter()
        .filter(|t| {
            TransferStatus::parse(&t.status)
                .is_ok_and(|s| s.after(step).is_ok() && moves_away(s, step))
        })
        .map(|t| t.person_id)
        .collect();
    let episodes: HashMap<i64, OpenEpisode> = tx
        .open_episodes(&moving)
        .await?
        .into_iter()
        .map(|e| (e.person_id, e))
        .collect();
    let mut histories: HashMap<i64, Vec<MovementRow>> = HashMap::new();
    for m in tx.movements_of_all(&moving).await? {
        histories.entry(m.episode_id).or_default().push(m);
    }
    let mut arriving = Vec::new();
    let mut movements = Movements::default();
    let mut taken = Vec::new();
    let mut events = Vec::new();
    let mut notices = Vec::new();
    for mut t in all {
        let status =
            TransferStatus::parse(&t.status).map_err(|e| corrupt("transfers.status", e))?;
        if status.after(step).is_err() {
            continue;
        }
        authorise_step(who, &t, step)?;
        if step == TransferStep::Receive {
            arriving.push(t);
            continue;
        }
        let next = status.after(step)?;
        let at = step_instant(body, now)?;
        if moves_away(status, step) {
            let e = episodes
                .get(&t.person_id)
                .ok_or_else(|| not_in_custody(t.person_id))?;
            let m = away_movement(&t, step, e, at)?;
            let history = histories.get(&e.episode_id).map_or(&[][..], Vec::as_slice);
            let slot = latest_slot(history, at, "at")?;
            movements.push(&who.actor, &m, slot, now);
        }
        let kind = mark(&mut t, step, next, at, who, body);
        events.push(transfer_event(kind, &t, at));
        if step == TransferStep::Dispatch {
            notices.extend(dispatch_notices(&t, at, now));
        }
        taken.push(t);
    }
    if !taken.is_empty() {
        movements.record(tx).await?;
        tx.update_transfers(&taken).await?;
        store_notices(tx, &notices, &mut events, now).await?;
        tx.append_all(&events).await?;
    }
    let received = if arriving.is_empty() {
        0
    } else {
        receive_all(tx, who, arriving, body, now).await?.len()
    };
    Ok(received + taken.len())
}

fn not_in_custody(person_id: i64) -> AppError {
    AppError::Conflict {
        code: "not_in_custody",
        message: format!("person {person_id} is no longer in custody"),
    }
}

/// The open episode of a transfer's person; the transfer's own visibility and step
/// rights are what allow acting on them (the destination does not see the origin).
async fn in_custody(tx: &mut WriteTx, person_id: i64) -> Result<OpenEpisode, AppError> {
    tx.open_episode(person_id)
        .await?
        .ok_or_else(|| not_in_custody(person_id))
}

/// Approves, dispatches, receives or cancels one transfer.
pub async fn step(
    store: &Store,
    who: &Principal,
    id: i64,
    step: TransferStep,
    body: StepRequest,
) -> Result<TransferView, AppError> {
    if let Some(reason) = &body.reason {
        let mut c = Collector::default();
        text::optional(&mut c, "reason", reason, 2000);
        c.finish()?;
    }
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let t = tx
                .transfer(id)
                .await?
                .filter(|t| visible(&who, t))
                .ok_or_else(|| AppError::not_found("transfer", id))?;
            authorise_step(&who, &t, step)?;
            Ok(TransferView::from(
                take_step(tx, &who, t, step, &body, now).await?,
            ))
        })
        .await
}

/// One transfer, if the caller sees its origin or destination.
pub async fn transfer(store: &Store, who: &Principal, id: i64) -> Result<TransferView, AppError> {
    store
        .transfer(id)
        .await?
        .filter(|t| visible(who, t))
        .map(TransferView::from)
        .ok_or_else(|| AppError::not_found("transfer", id))
}

/// Transfers from or to a facility (or every facility in reach), optionally of one status.
pub async fn transfers(
    store: &Store,
    who: &Principal,
    facility: Option<&str>,
    status: Option<TransferStatus>,
) -> Result<Vec<TransferView>, AppError> {
    if let Some(code) = facility {
        who.require(Action::PersonRead, Some(code))?;
    } else {
        who.require_some(Action::PersonRead)?;
    }
    Ok(store
        .transfers(facility, status.map(TransferStatus::as_str), 1000)
        .await?
        .into_iter()
        .filter(|t| visible(who, t))
        .map(TransferView::from)
        .collect())
}
