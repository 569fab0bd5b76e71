//! Use cases for persons deprived of liberty: admission, court documents and release,
//! identity corrections, the file, search and legal deadlines.

mod admit;
mod correct;
mod deadlines;
mod file;
mod legal;
mod precheck;
mod search;

pub(crate) use admit::invalid as invalid_field;
pub use admit::{Candidate, admit};
pub use correct::{Correction, correct};
pub use deadlines::{DeadlineItem, Deadlines, deadlines};
pub use file::{CorrectionView, DocumentView, EpisodeView, PersonFile, file};
pub use legal::{Release, ReleaseReason, record_document, release};
pub use precheck::{Findings, Precheck, Suggestion, WrongAge, precheck};
pub use search::{Found, SearchPage, search};

use jiff::Timestamp;
use serde::de::DeserializeOwned;

use custodia_domain::events::NewEvent;
use custodia_domain::person::{Identity, registry_number};
use custodia_store::persons::PersonKeys;
use custodia_store::{StoreError, WriteTx};

use crate::access_audit::person_subject;
use crate::error::AppError;

pub use custodia_domain::events::{
    LEGAL_DOCUMENT_RECORDED, PERSON_ADMITTED, PERSON_CORRECTED, PERSON_RELEASED,
};

/// Parses JSON the store kept; a failure means the database holds something this version
/// did not write.
pub(crate) fn parse<T: DeserializeOwned>(what: &str, json: &str) -> Result<T, AppError> {
    serde_json::from_str(json)
        .map_err(|e| AppError::Store(StoreError::Corrupt(format!("{what}: {e}"))))
}

/// Serializes a value the store keeps as JSON.
pub(crate) fn json(v: &impl serde::Serialize) -> String {
    custodia_domain::events::payload(v)
}

/// The event for a change to a person's file.
pub(crate) fn event(
    event_type: &'static str,
    occurred_at: Timestamp,
    facility: &str,
    person_id: i64,
    payload: &impl serde::Serialize,
) -> NewEvent {
    NewEvent {
        event_type,
        schema_version: 1,
        occurred_at,
        facility: Some(facility.to_owned()),
        subject: person_subject(&person_id.to_string()),
        payload: json(payload),
    }
}

/// Stores an identity and makes the person findable under it.
pub(crate) async fn store_identity(
    tx: &mut WriteTx,
    person_id: Option<i64>,
    identity: &Identity,
    facility: &str,
    now: &str,
) -> Result<(i64, String), AppError> {
    let text = json(identity);
    let (name_key, full_name, sort_key) = (
        identity.name_key(),
        identity.full_name(),
        identity.sort_key(),
    );
    let dob = identity.date_of_birth.to_string();
    let document_key = identity.document_key();
    let keys = PersonKeys {
        identity: &text,
        name_key: &name_key,
        full_name: &full_name,
        sort_key: &sort_key,
        date_of_birth: &dob,
        document_key: document_key.as_deref(),
    };
    let (id, registry) = match person_id {
        None => {
            tx.insert_person(&keys, facility, registry_number, now)
                .await?
        }
        Some(id) => {
            tx.update_identity(id, &keys, now).await?;
            let row = tx
                .person(id)
                .await?
                .ok_or_else(|| AppError::not_found("person", id))?;
            (id, row.registry_number)
        }
    };
    tx.index_person(id, &identity.search_words(&registry), &sort_key, facility)
        .await?;
    Ok((id, registry))
}
