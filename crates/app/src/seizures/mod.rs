//! Searches (requisas) and seizures: a search of cells, an area or a person at one
//! facility (a person with the Mandela Rules 50–52 safeguards), the items it seized, each
//! item's append-only chain of custody until it is disposed of, and statistics by
//! category, facility and month.

mod items;
mod searches;
mod stats;
mod views;

pub use items::{HandoverRequest, ItemRequest, hand_over, item, seize};
pub use searches::{SearchQuery, SearchRequest, record_search, search, searches};
pub use stats::{
    CashRow, CashTotal, CategoryRow, CategoryTotal, DrugRow, DrugTotal, SeizureStats, StatsQuery,
    stats,
};
pub use views::{HandoverView, ItemView, SearchSummary, SearchView};

use jiff::Timestamp;

use custodia_domain::access::Action;
use custodia_domain::events::NewEvent;
use custodia_domain::validation::Collector;
use custodia_store::WriteTx;

use crate::error::AppError;
use crate::principal::Principal;

/// A search was recorded (with its locations, team and, for a person, the safeguards).
pub const SEARCH_RECORDED: &str = "search.recorded";
/// An item was seized in a search (with its first holder).
pub const ITEM_SEIZED: &str = "item.seized";
/// An item was handed over along its chain of custody.
pub const ITEM_HANDED_OVER: &str = "item.handed_over";
/// An item was handed over for good: destroyed, to the prosecutor, or returned. The
/// payload is a handover's, with its disposal.
pub const ITEM_DISPOSED: &str = "item.disposed";

fn event(
    event_type: &'static str,
    occurred_at: Timestamp,
    facility: &str,
    subject: String,
    payload: &impl serde::Serialize,
) -> NewEvent {
    NewEvent {
        event_type,
        schema_version: 1,
        occurred_at,
        facility: Some(facility.to_owned()),
        subject,
        payload: crate::persons::json(payload),
    }
}

/// Whether the principal may see a facility's searches and seizures.
fn sees(who: &Principal, facility: &str) -> bool {
    who.allows(Action::SearchRead, Some(facility))
}

/// Checks an instant given for a record: not in the future, in a plausible year.
fn check_instant(c: &mut Collector, field: &str, at: Timestamp, now: Timestamp) {
    c.check(
        at > now,
        field,
        "in_the_future",
        format!("{field} is in the future"),
    );
    c.check(
        !custodia_domain::time::plausible(at),
        field,
        "implausible_year",
        format!("{field} is not in a plausible year"),
    );
}

/// Parses an instant read back from the database.
fn stored(column: &str, text: &str) -> Result<Timestamp, AppError> {
    custodia_domain::time::parse(text).map_err(|e| corrupt(column, e))
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Store(custodia_store::StoreError::Corrupt(format!("{what}: {e}")))
}

/// Whether a person is in custody at a facility now (an open episode there).
async fn in_custody_at(tx: &mut WriteTx, person_id: i64, facility: &str) -> Result<bool, AppError> {
    Ok(tx
        .open_episode(person_id)
        .await?
        .is_some_and(|e| e.facility == facility))
}
