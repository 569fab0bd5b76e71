//! The placement check: would these moves be allowed now, and if not why — changing
//! nothing. The web interface and the planner ask it before they propose a move.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::placement::{Move, Refusal};
use custodia_store::Store;

use super::{redact, sees_intelligence};
use crate::error::AppError;
use crate::principal::Principal;

/// At most this many moves are checked in one request.
pub const MAX_MOVES: usize = 5_000;

/// A move to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveToCheck {
    /// Who.
    pub person_id: i64,
    /// Into which cell (of any facility: a cell of another facility is checked as a
    /// transfer there).
    pub location_id: i64,
}

/// Why a move would be refused, as the caller may read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReasonView {
    /// Stable code (`over_capacity`, `wrong_sex`, `placement_restricted`…).
    pub code: String,
    /// The request field it concerns.
    pub field: String,
    /// Explanation; keep-apart details only for intelligence staff.
    pub message: String,
    /// The keep-apart rule, for intelligence staff.
    pub rule_id: Option<i64>,
    /// Whether a director's override may allow it.
    pub overridable: bool,
}

/// The answer for one move.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckedMove {
    /// Who.
    pub person_id: i64,
    /// Where to.
    pub location_id: i64,
    /// Whether it would be allowed.
    pub allowed: bool,
    /// Why not.
    pub reasons: Vec<ReasonView>,
}

/// Checks moves in order, as one operation would make them (each allowed move counts
/// for the ones after it), and changes nothing.
pub async fn check(
    store: &Store,
    who: &Principal,
    moves: Vec<MoveToCheck>,
) -> Result<Vec<CheckedMove>, AppError> {
    if moves.is_empty() || moves.len() > MAX_MOVES {
        return Err(AppError::Invalid(custodia_domain::Invalid(vec![
            custodia_domain::FieldError::new(
                "moves",
                "count",
                format!("between 1 and {MAX_MOVES} moves"),
            ),
        ])));
    }
    who.require_some(Action::PersonRead)?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            // Persons and locations out of the caller's sight are checked as if they did
            // not exist; a cell of another facility is checked as a transfer there.
            let mut resolved = Vec::with_capacity(moves.len());
            for m in &moves {
                let person = tx
                    .open_episode(m.person_id)
                    .await?
                    .filter(|e| who.allows(Action::PersonRead, Some(&e.facility)));
                let location = tx
                    .location(m.location_id)
                    .await?
                    .filter(|l| who.allows(Action::FacilityRead, Some(&l.facility)));
                let facility = match (&location, &person) {
                    (Some(l), _) => l.facility.clone(),
                    (None, Some(e)) => e.facility.clone(),
                    (None, None) => String::new(),
                };
                resolved.push((
                    person.is_some().then_some(Move {
                        person_id: m.person_id,
                        facility,
                        location_id: Some(m.location_id),
                    }),
                    m,
                ));
            }
            let known: Vec<Move> = resolved.iter().filter_map(|(m, _)| m.clone()).collect();
            let mut snapshot = super::snapshot(tx, &known, now).await?;
            let mut results = snapshot.check_all(&known, false).into_iter();
            Ok(resolved
                .iter()
                .map(|(m, asked)| {
                    let (refusals, may_see) = match m {
                        Some(m) => (
                            results.next().unwrap_or_default(),
                            sees_intelligence(&who, &m.facility),
                        ),
                        None => (
                            vec![Refusal {
                                code: "unknown_person",
                                field: "person_id",
                                message: format!("person {} is not in custody", asked.person_id),
                                rule_id: None,
                                overridable: false,
                            }],
                            false,
                        ),
                    };
                    CheckedMove {
                        person_id: asked.person_id,
                        location_id: asked.location_id,
                        allowed: refusals.is_empty(),
                        reasons: refusals
                            .iter()
                            .map(|r| {
                                let (message, rule_id) = redact(r, may_see);
                                ReasonView {
                                    code: r.code.to_owned(),
                                    field: r.field.to_owned(),
                                    message,
                                    rule_id,
                                    overridable: r.overridable,
                                }
                            })
                            .collect(),
                    }
                })
                .collect())
        })
        .await
}
