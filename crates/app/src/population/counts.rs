//! Physical counts (recuentos): staff count a location; Custodia compares with who the
//! records say was there at that instant, and a discrepancy stays an open alert until
//! someone explains it.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::events::{COUNT_RECONCILED, COUNT_RECORDED, NewEvent};
use custodia_domain::location::descendants_and_self;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::validation::Collector;
use custodia_store::Store;
use custodia_store::counts::CountRow;

use crate::error::AppError;
use crate::persons::json;
use crate::principal::Principal;

/// A count made by staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountRequest {
    /// The location counted, with everything below it.
    pub location_id: i64,
    /// How many persons were counted there.
    pub counted: i64,
    /// When (RFC 3339); now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
}

/// The explanation of a discrepancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reconciliation {
    /// What happened (at most 2,000 characters).
    pub explanation: String,
}

/// A count as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CountView {
    /// Id.
    pub id: i64,
    /// The facility.
    pub facility: String,
    /// The location counted.
    pub location_id: i64,
    /// Counted.
    pub counted: i64,
    /// Expected from the records at that instant.
    pub expected: i64,
    /// counted − expected.
    pub discrepancy: i64,
    /// When counted.
    pub at: String,
    /// Whether the discrepancy is still unexplained.
    pub open: bool,
    /// The explanation, once reconciled.
    pub explanation: Option<String>,
    /// When reconciled.
    pub reconciled_at: Option<String>,
    /// By whom.
    pub reconciled_by: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

impl From<CountRow> for CountView {
    fn from(c: CountRow) -> Self {
        CountView {
            discrepancy: c.counted - c.expected,
            id: c.id,
            facility: c.facility,
            location_id: c.location_id,
            counted: c.counted,
            expected: c.expected,
            at: c.at,
            open: c.open,
            explanation: c.explanation,
            reconciled_at: c.reconciled_at,
            reconciled_by: c.reconciled_by,
            recorded_at: c.recorded_at,
            recorded_by: c.recorded_by,
        }
    }
}

/// Records a count (`count.recorded`), opening an alert when it differs from the records.
pub async fn record(
    store: &Store,
    who: &Principal,
    r: CountRequest,
) -> Result<CountView, AppError> {
    let now = Timestamp::now();
    let at = r.at.map_or(now, custodia_domain::time::to_micros);
    let mut c = Collector::default();
    c.check(
        r.counted < 0,
        "counted",
        "negative",
        "counted must not be negative",
    );
    c.check(
        r.counted > 100_000,
        "counted",
        "too_large",
        "counted is at most 100000",
    );
    c.check(at > now, "at", "in_the_future", "at is in the future");
    c.finish()?;
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let location = tx
                .location(r.location_id)
                .await?
                .ok_or_else(|| AppError::not_found("location", r.location_id))?;
            who.require_in(
                Action::CountWrite,
                &location.facility,
                "location",
                r.location_id,
            )?;
            let tree = tx.locations_of(&location.facility).await?;
            let by_id: HashMap<i64, i64> = tree
                .iter()
                .filter_map(|l| l.parent_id.map(|p| (l.id, p)))
                .collect();
            let mut unit = r.location_id;
            while let Some(parent) = by_id.get(&unit) {
                unit = *parent;
            }
            let inside = descendants_and_self(&tree, r.location_id);
            let stamp = canonical(at);
            let expected = tx
                .placed_in_unit_at(unit, &stamp)
                .await?
                .into_iter()
                .filter(|(_, l)| l.is_some_and(|l| inside.contains(&l)))
                .count() as i64;
            let mut row = CountRow {
                id: 0,
                facility: location.facility.clone(),
                location_id: r.location_id,
                counted: r.counted,
                expected,
                at: stamp,
                open: r.counted != expected,
                explanation: None,
                reconciled_at: None,
                reconciled_by: None,
                recorded_at: canonical(now),
                recorded_by: who.actor.clone(),
            };
            row.id = tx.insert_count(&row).await?;
            tx.append(NewEvent {
                event_type: COUNT_RECORDED,
                schema_version: 1,
                occurred_at: at,
                facility: Some(location.facility.clone()),
                subject: format!("location:{}", r.location_id),
                payload: json(&serde_json::json!({
                    "count_id": row.id, "location_id": r.location_id, "counted": r.counted,
                    "expected": expected, "at": row.at, "open": row.open,
                })),
            })
            .await?;
            Ok(CountView::from(row))
        })
        .await
}

/// Explains a discrepancy and closes its alert (`count.reconciled`).
pub async fn reconcile(
    store: &Store,
    who: &Principal,
    id: i64,
    r: Reconciliation,
) -> Result<CountView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "explanation", &r.explanation, 2000);
    c.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let count = tx
                .count(id)
                .await?
                .filter(|c| who.allows(Action::FacilityRead, Some(&c.facility)))
                .ok_or_else(|| AppError::not_found("count", id))?;
            who.require_in(Action::CountWrite, &count.facility, "count", id)?;
            if !count.open {
                return Err(AppError::Conflict {
                    code: "not_open",
                    message: format!("count {id} has no open discrepancy"),
                });
            }
            let stamp = canonical(now);
            tx.reconcile_count(id, &r.explanation, &stamp, &who.actor)
                .await?;
            tx.append(NewEvent {
                event_type: COUNT_RECONCILED,
                schema_version: 1,
                occurred_at: now,
                facility: Some(count.facility.clone()),
                subject: format!("location:{}", count.location_id),
                payload: json(&serde_json::json!({"count_id": id, "explanation": r.explanation})),
            })
            .await?;
            Ok(CountView::from(CountRow {
                open: false,
                explanation: Some(r.explanation.clone()),
                reconciled_at: Some(stamp),
                reconciled_by: Some(who.actor.clone()),
                ..count
            }))
        })
        .await
}

/// A facility's counts, newest first; only open discrepancies with `open_only`.
pub async fn counts(
    store: &Store,
    who: &Principal,
    facility: &str,
    open_only: bool,
) -> Result<Vec<CountView>, AppError> {
    who.require(Action::FacilityRead, Some(facility))?;
    Ok(store
        .counts(facility, open_only, 1000)
        .await?
        .into_iter()
        .map(CountView::from)
        .collect())
}
