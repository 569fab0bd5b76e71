//! Reads of a person's file and exports are journaled as access events, so that
//! inspectors can answer "who looked at this file, when, and why".

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::events::NewEvent;
use custodia_domain::journal::Entry;
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// Someone read a person's file.
pub const ACCESS_READ: &str = "access.read";
/// Someone exported records.
pub const ACCESS_EXPORT: &str = "access.export";

/// The subject name of a person's file.
pub fn person_subject(person: &str) -> String {
    format!("person:{person}")
}

#[derive(Serialize)]
struct Access<'a> {
    what: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// Journals that `who` read or exported `what` about a subject, with the reason given.
pub async fn record(
    store: &Store,
    who: &Principal,
    event_type: &'static str,
    subject: &str,
    facility: Option<&str>,
    what: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let event = NewEvent {
        event_type,
        schema_version: 1,
        occurred_at: Timestamp::now(),
        facility: facility.map(str::to_owned),
        subject: subject.to_owned(),
        payload: custodia_domain::events::payload(&Access { what, reason }),
    };
    store
        .write(&who.actor, async move |tx| {
            Ok::<_, AppError>(tx.append(event.clone()).await.map(|_| ())?)
        })
        .await
}

/// The access events about a person's file, oldest first (inspectors and administrators).
pub async fn of_person(
    store: &Store,
    who: &Principal,
    person: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<Entry>, AppError> {
    who.require(Action::AccessAuditRead, None)?;
    Ok(store
        .journal_for_subject_of_types(
            &person_subject(person),
            [ACCESS_READ, ACCESS_EXPORT],
            after.max(0),
            limit.clamp(1, crate::history::MAX_PAGE),
        )
        .await?)
}
