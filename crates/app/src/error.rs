//! What a use case can answer instead of doing what was asked.

use custodia_domain::Invalid;
use custodia_domain::import::RowError;
use custodia_store::{Retryable, StoreError};

/// Why a use case did not do what was asked. Nothing was changed in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input broke one or more rules.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The thing asked about does not exist (or the principal may not know it does).
    #[error("{what} {key} not found")]
    NotFound {
        /// What kind of thing, e.g. `facility`.
        what: &'static str,
        /// The key asked for.
        key: String,
    },
    /// The principal may see the thing but not do this to it.
    #[error("not allowed: {action}")]
    Forbidden {
        /// What was refused.
        action: custodia_domain::access::Action,
    },
    /// No valid credentials (the message never says which part was wrong).
    #[error("authentication required or credentials not valid")]
    Unauthenticated,
    /// Too many failed sign-ins from this client or for this account: wait.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    Throttled {
        /// Seconds to wait.
        retry_after_secs: u64,
    },
    /// The change collides with something that exists (e.g. a duplicate code).
    #[error("{message}")]
    Conflict {
        /// A stable machine-readable code, e.g. `duplicate_code`.
        code: &'static str,
        /// A human explanation.
        message: String,
    },
    /// The person being admitted may already be registered: link to one of these
    /// (`person_id`) or confirm a new person (`confirm_new_person`).
    #[error("possible duplicate: {} registered person(s) match", .0.len())]
    PossibleDuplicates(Vec<crate::persons::Candidate>),
    /// An import file had bad rows; it imported nothing.
    #[error("import rejected: {} bad row(s)", .0.len())]
    ImportRejected(Vec<RowError>),
    /// An import file could not be read at all.
    #[error("{0}")]
    BadFile(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<custodia_domain::Refused> for AppError {
    fn from(r: custodia_domain::Refused) -> Self {
        AppError::Conflict {
            code: r.code,
            message: r.message,
        }
    }
}

impl Retryable for AppError {
    fn is_retryable(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_retryable())
    }
}

impl AppError {
    /// A not-found error.
    pub fn not_found(what: &'static str, key: impl ToString) -> Self {
        AppError::NotFound {
            what,
            key: key.to_string(),
        }
    }
}
