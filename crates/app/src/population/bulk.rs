//! Bulk transfer operations: many persons from one or several facilities to others,
//! validated together before anything changes (one bad move refuses the whole request
//! and lists every bad move), then approved, dispatched and received as a whole or
//! person by person, and tracked person by person.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::events::NewEvent;
use custodia_domain::placement::Move;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::transfer::{TransferReason, TransferStatus, TransferStep};
use custodia_domain::validation::Collector;
use custodia_domain::{FieldError, Invalid};
use custodia_store::Store;
use custodia_store::population::OpenEpisode;
use custodia_store::transfers::TransferRow;

use super::transfers::{
    StepRequest, TRANSFER_REQUESTED, TransferView, authorise_step, may_leave, new_transfer,
    take_steps, transfer_event, visible,
};
use super::{redact, sees_intelligence};
use crate::error::AppError;
use crate::persons::json;
use crate::principal::Principal;

/// At most this many moves in one operation.
pub const MAX_OPERATION_MOVES: usize = 5_000;

/// One person's move in an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationMove {
    /// Who.
    pub person_id: i64,
    /// To which facility.
    pub to_facility: String,
    /// Into which cell there, if decided.
    pub to_location_id: Option<i64>,
}

/// A bulk operation to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationRequest {
    /// Its name, e.g. `Litoral: descongestión, agosto 2023`.
    pub name: String,
    /// Why.
    pub reason: TransferReason,
    /// Free text.
    pub note: Option<String>,
    /// The moves (1 to 5,000), each person once.
    pub moves: Vec<OperationMove>,
}

/// How many of an operation's transfers are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OperationCounts {
    /// Requested, not yet approved.
    pub requested: i64,
    /// Approved, not yet dispatched.
    pub approved: i64,
    /// In transit.
    pub dispatched: i64,
    /// Arrived.
    pub received: i64,
    /// Called off.
    pub cancelled: i64,
}

/// A bulk operation and where each of its transfers stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperationView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Free text.
    pub note: Option<String>,
    /// When created.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
    /// How many transfers are in each status.
    pub counts: OperationCounts,
    /// Each person's transfer.
    pub transfers: Vec<TransferView>,
}

fn bad(field: String, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        code: code.to_owned(),
        message: message.into(),
    }
}

/// Creates an operation of requested transfers, all or nothing.
pub async fn create_operation(
    store: &Store,
    who: &Principal,
    r: OperationRequest,
) -> Result<OperationView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "name", &r.name, 200);
    if let Some(note) = &r.note {
        text::optional(&mut c, "note", note, 2000);
    }
    c.check(
        r.moves.is_empty() || r.moves.len() > MAX_OPERATION_MOVES,
        "moves",
        "count",
        format!("between 1 and {MAX_OPERATION_MOVES} moves"),
    );
    let mut seen = HashSet::new();
    for (i, m) in r.moves.iter().enumerate() {
        c.check(
            !seen.insert(m.person_id),
            &format!("moves[{i}].person_id"),
            "duplicate_person",
            format!("person {} is moved twice in this operation", m.person_id),
        );
    }
    c.finish()?;
    who.require_some(Action::TransferRequest)?;
    let now = Timestamp::now();
    let principal = who.clone();
    let id = store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            let mut errors = Vec::new();
            let mut episodes = Vec::with_capacity(r.moves.len());
            // Every person's episode and open transfer, read at once.
            let persons: Vec<i64> = r.moves.iter().map(|m| m.person_id).collect();
            let mut open: HashMap<i64, OpenEpisode> = tx
                .open_episodes(&persons)
                .await?
                .into_iter()
                .map(|e| (e.person_id, e))
                .collect();
            let under_way: HashMap<i64, TransferRow> = tx
                .open_transfers_of_all(&persons)
                .await?
                .into_iter()
                .map(|t| (t.person_id, t))
                .collect();
            let mut registered: HashMap<String, bool> = HashMap::new();
            for (i, m) in r.moves.iter().enumerate() {
                let field = |f: &str| format!("moves[{i}].{f}");
                let episode = open
                    .remove(&m.person_id)
                    .filter(|e| who.allows(Action::PersonRead, Some(&e.facility)));
                let Some(e) = episode else {
                    errors.push(bad(
                        field("person_id"),
                        "unknown_person",
                        format!(
                            "person {} is not in custody in a facility in reach",
                            m.person_id
                        ),
                    ));
                    continue;
                };
                if !who.allows(Action::TransferRequest, Some(&e.facility)) {
                    errors.push(bad(
                        field("person_id"),
                        "forbidden",
                        format!("transfers from {} are not yours to request", e.facility),
                    ));
                }
                if e.facility == m.to_facility {
                    errors.push(bad(
                        field("to_facility"),
                        "same_facility",
                        "a move within the facility is a placement",
                    ));
                }
                let known = match registered.get(&m.to_facility) {
                    Some(known) => *known,
                    None => {
                        let known = tx.facility(&m.to_facility).await?.is_some();
                        registered.insert(m.to_facility.clone(), known);
                        known
                    }
                };
                if !known {
                    errors.push(bad(
                        field("to_facility"),
                        "unknown_facility",
                        format!("facility {} is not registered", m.to_facility),
                    ));
                }
                if let Err(AppError::Conflict { code, message }) =
                    may_leave(&e, under_way.get(&e.person_id))
                {
                    errors.push(bad(field("person_id"), code, message));
                }
                episodes.push((i, e));
            }
            let moves: Vec<Move> = episodes
                .iter()
                .map(|(i, _)| {
                    let m = &r.moves[*i];
                    Move {
                        person_id: m.person_id,
                        facility: m.to_facility.clone(),
                        location_id: m.to_location_id,
                    }
                })
                .collect();
            let mut snapshot = super::snapshot(tx, &moves, now).await?;
            super::hide_unseen_places(&mut snapshot, who);
            for ((i, _), refusals) in episodes.iter().zip(snapshot.check_all(&moves, false)) {
                let may_see = sees_intelligence(who, &r.moves[*i].to_facility);
                // An unknown destination is already listed once.
                for refusal in refusals
                    .into_iter()
                    .filter(|x| x.code != "unknown_facility")
                {
                    let field = match refusal.field {
                        "facility" => "to_facility",
                        "location_id" if r.moves[*i].to_location_id.is_none() => "to_facility",
                        "location_id" => "to_location_id",
                        other => other,
                    };
                    errors.push(bad(
                        format!("moves[{i}].{field}"),
                        refusal.code,
                        redact(&refusal, may_see).0,
                    ));
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Invalid(Invalid(errors)));
            }
            let stamp = canonical(now);
            let op = tx
                .insert_operation(
                    &r.name,
                    r.reason.as_str(),
                    r.note.as_deref(),
                    &stamp,
                    &who.actor,
                )
                .await?;
            let mut events = Vec::with_capacity(episodes.len() + 1);
            events.push(NewEvent {
                event_type: TRANSFER_OPERATION_CREATED,
                schema_version: 1,
                occurred_at: now,
                facility: None,
                subject: format!("transfer_operation:{op}"),
                payload: json(&serde_json::json!({
                    "operation_id": op, "name": r.name, "reason": r.reason, "note": r.note,
                    "moves": r.moves,
                })),
            });
            let mut transfers: Vec<TransferRow> = episodes
                .iter()
                .map(|(i, e)| {
                    let m = &r.moves[*i];
                    new_transfer(
                        e,
                        &m.to_facility,
                        m.to_location_id,
                        r.reason,
                        r.note.as_deref(),
                        Some(op),
                        &stamp,
                        &who.actor,
                    )
                })
                .collect();
            let ids = tx.insert_transfers(&transfers).await?;
            for (t, id) in transfers.iter_mut().zip(ids) {
                t.id = id;
                events.push(transfer_event(TRANSFER_REQUESTED, t, now));
            }
            tx.append_all(&events).await?;
            Ok(op)
        })
        .await?;
    operation(store, who, id).await
}

/// A bulk operation was created with its requested transfers.
pub const TRANSFER_OPERATION_CREATED: &str = "transfer_operation.created";

/// Takes a step for every transfer of the operation that can take it now (those already
/// past it, or cancelled, are left as they are); refused when none can.
pub async fn operation_step(
    store: &Store,
    who: &Principal,
    id: i64,
    step: TransferStep,
    body: StepRequest,
) -> Result<OperationView, AppError> {
    let now = Timestamp::now();
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            tx.operation(id)
                .await?
                .ok_or_else(|| AppError::not_found("transfer operation", id))?;
            let all = tx.transfers_of_operation(id).await?;
            if !all.iter().any(|t| visible(who, t)) {
                return Err(AppError::not_found("transfer operation", id));
            }
            // Who may not take this step on any of its transfers is refused before being
            // told where they stand.
            if let Some(t) = all.iter().find(|t| visible(who, t))
                && !all.iter().any(|t| authorise_step(who, t, step).is_ok())
            {
                authorise_step(who, t, step)?;
            }
            if take_steps(tx, who, all, step, &body, now).await? == 0 {
                return Err(AppError::Conflict {
                    code: "nothing_to_do",
                    message: format!(
                        "no transfer of operation {id} can take the step `{step}` now"
                    ),
                });
            }
            Ok(())
        })
        .await?;
    operation(store, who, id).await
}

/// A bulk operation with each person's transfer.
pub async fn operation(store: &Store, who: &Principal, id: i64) -> Result<OperationView, AppError> {
    let op = store
        .operation(id)
        .await?
        .ok_or_else(|| AppError::not_found("transfer operation", id))?;
    let transfers: Vec<TransferView> = store
        .transfers_of_operation(id)
        .await?
        .into_iter()
        .filter(|t| visible(who, t))
        .map(TransferView::from)
        .collect();
    if transfers.is_empty() {
        return Err(AppError::not_found("transfer operation", id));
    }
    let mut counts = OperationCounts::default();
    for t in &transfers {
        match TransferStatus::parse(&t.status) {
            Ok(TransferStatus::Requested) => counts.requested += 1,
            Ok(TransferStatus::Approved) => counts.approved += 1,
            Ok(TransferStatus::Dispatched) => counts.dispatched += 1,
            Ok(TransferStatus::Received) => counts.received += 1,
            Ok(TransferStatus::Cancelled) => counts.cancelled += 1,
            Err(e) => return Err(super::corrupt("transfers.status", e)),
        }
    }
    Ok(OperationView {
        id: op.id,
        name: op.name,
        reason: op.reason,
        note: op.note,
        created_at: op.created_at,
        created_by: op.created_by,
        counts,
        transfers,
    })
}
