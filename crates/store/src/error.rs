//! Storage errors, with the few database conditions the layers above act on.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names no supported database.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    /// The database said no.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed or the applied migrations differ from this build's.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value could not be read back into the domain.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// Could not prepare the database's folder.
    #[error("cannot prepare database folder: {0}")]
    Io(#[from] std::io::Error),
}

/// PostgreSQL SQLSTATE codes the store reacts to.
const SERIALIZATION_FAILURE: &str = "40001";
const DEADLOCK_DETECTED: &str = "40P01";
const UNIQUE_VIOLATION_PG: &str = "23505";
/// SQLite extended result codes for unique/primary-key violations, and busy.
const UNIQUE_VIOLATION_SQLITE: [&str; 2] = ["2067", "1555"];
const SQLITE_BUSY: [&str; 2] = ["5", "517"];

impl StoreError {
    fn db_code(&self) -> Option<String> {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.code().map(|c| c.into_owned()),
            _ => None,
        }
    }

    /// A conflict with a concurrent transaction: running the transaction again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.db_code().as_deref(),
            Some(SERIALIZATION_FAILURE | DEADLOCK_DETECTED)
        ) || self
            .db_code()
            .is_some_and(|c| SQLITE_BUSY.contains(&c.as_str()))
            || self.is_journal_seq_conflict()
    }

    /// A unique constraint refused a row.
    pub fn is_unique_violation(&self) -> bool {
        self.db_code().is_some_and(|c| {
            c == UNIQUE_VIOLATION_PG || UNIQUE_VIOLATION_SQLITE.contains(&c.as_str())
        })
    }

    /// Two writers tried to append the same journal sequence number.
    fn is_journal_seq_conflict(&self) -> bool {
        self.is_unique_violation()
            && match self {
                StoreError::Database(sqlx::Error::Database(e)) => {
                    let m = e.message();
                    m.contains("journal_pkey") || m.contains("journal.seq")
                }
                _ => false,
            }
    }
}
