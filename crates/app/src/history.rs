//! Use cases for reading the history of a facility or a location from the journal.

use custodia_domain::access::Action;
use custodia_domain::events::{facility_subject, location_subject};
use custodia_domain::journal::Entry;
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// The most entries one page returns.
pub const MAX_PAGE: i64 = 1000;

/// A page of entries about one subject, oldest first, after sequence `after`.
async fn page(
    store: &Store,
    subject: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    Ok(store
        .journal_for_subject(subject, after.max(0), limit.clamp(1, MAX_PAGE))
        .await?)
}

/// The journal entries about a facility.
pub async fn of_facility(
    store: &Store,
    who: &Principal,
    code: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    who.require(Action::HistoryRead, Some(code))?;
    if store.facility(code).await?.is_none() {
        return Err(AppError::not_found("facility", code));
    }
    page(store, &facility_subject(code), after, limit).await
}

/// The journal entries about a location.
pub async fn of_location(
    store: &Store,
    who: &Principal,
    id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    let location = store
        .location(id)
        .await?
        .ok_or_else(|| AppError::not_found("location", id))?;
    who.require_in(Action::HistoryRead, &location.facility, "location", id)?;
    page(store, &location_subject(id), after, limit).await
}
