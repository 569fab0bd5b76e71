//! Storage errors, with the few database conditions the layers above act on.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names no supported database.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    /// The database to open does not exist (and was not to be created).
    #[error("no Custodia database at {0}")]
    Missing(String),
    /// SQLite said no.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL said no.
    #[error("postgres: {0}")]
    Postgres(#[from] sqlx::Error),
    /// A migration failed or the applied migrations differ from this build's.
    #[error("migration error: {0}")]
    Migrate(String),
    /// A stored value could not be read back into the domain.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// Could not prepare the database's folder.
    #[error("cannot prepare database folder: {0}")]
    Io(#[from] std::io::Error),
    /// A stored SQLite value had another type than expected.
    #[error("sqlite value: {0}")]
    SqliteValue(#[from] rusqlite::types::FromSqlError),
    /// A blocking task failed.
    #[error("background task failed: {0}")]
    Task(String),
}

/// PostgreSQL SQLSTATE codes the store reacts to.
const SERIALIZATION_FAILURE: &str = "40001";
const DEADLOCK_DETECTED: &str = "40P01";
const UNIQUE_VIOLATION: &str = "23505";

impl StoreError {
    fn pg_code(&self) -> Option<String> {
        match self {
            StoreError::Postgres(sqlx::Error::Database(e)) => e.code().map(|c| c.into_owned()),
            _ => None,
        }
    }

    fn sqlite_code(&self) -> Option<(rusqlite::ErrorCode, i32)> {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                Some((e.code, e.extended_code))
            }
            _ => None,
        }
    }

    /// A conflict with a concurrent transaction: running the transaction again may succeed.
    pub fn is_retryable(&self) -> bool {
        if matches!(
            self.pg_code().as_deref(),
            Some(SERIALIZATION_FAILURE | DEADLOCK_DETECTED)
        ) {
            return true;
        }
        if matches!(
            self.sqlite_code(),
            Some((
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked,
                _
            ))
        ) {
            return true;
        }
        self.is_journal_seq_conflict()
    }

    /// The database could not be reached or gave no connection in time.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Postgres(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
            )
        )
    }

    /// A unique constraint refused a row.
    pub fn is_unique_violation(&self) -> bool {
        self.pg_code().as_deref() == Some(UNIQUE_VIOLATION)
            || matches!(
                self.sqlite_code(),
                Some((
                    _,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                ))
            )
    }

    /// Two writers tried to append the same journal sequence number.
    fn is_journal_seq_conflict(&self) -> bool {
        match self {
            StoreError::Postgres(sqlx::Error::Database(e)) => {
                e.constraint() == Some("journal_pkey")
            }
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, Some(message))) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    && message.contains("journal.seq")
            }
            _ => false,
        }
    }
}
