//! Write transactions: read-table changes and their journal entries commit together.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::OwnedMutexGuard;

use custodia_domain::events::NewEvent;
use custodia_domain::journal::{Entry, entry_hash};

use crate::conn::Conn;
use crate::db::{Backend, Engine, Store};
use crate::error::StoreError;
use crate::journal;

/// How many times a write transaction runs before a conflict is reported.
const MAX_ATTEMPTS: u32 = 8;

/// The future a unit of work returns: boxed, so handlers stay `Send` whatever the work borrows.
pub type TxFuture<'t, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 't>>;

/// An error that may say "a concurrent transaction conflicted: try again".
pub trait Retryable {
    /// Whether running the whole transaction again may succeed.
    fn is_retryable(&self) -> bool;
}

impl Retryable for StoreError {
    fn is_retryable(&self) -> bool {
        StoreError::is_retryable(self)
    }
}

/// The open transaction itself, per backend.
enum Tx {
    /// The process's one SQLite writer connection, inside `BEGIN IMMEDIATE`.
    Sqlite(SqliteTx),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Rolls back on drop unless committed, so an error or a panic leaves nothing behind.
struct SqliteTx {
    conn: OwnedMutexGuard<rusqlite::Connection>,
    open: bool,
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// One open write transaction, with the journal's head as this transaction sees it.
pub struct WriteTx {
    tx: Tx,
    actor: String,
    head: Option<(i64, String)>,
}

impl Store {
    /// Runs `work` in one write transaction as `actor`, committing if it returns `Ok`.
    ///
    /// Writers are serialized (the journal is one chain): SQLite takes its write lock at
    /// once (`BEGIN IMMEDIATE`, waiting out other processes with a busy timeout);
    /// PostgreSQL runs `SERIALIZABLE` and locks the journal against other appenders before
    /// reading anything. Conflicts that still happen (serialization failures, deadlocks,
    /// a busy database) re-run `work` from the start, a bounded number of times.
    pub async fn write<T, E, F>(&self, actor: &str, mut work: F) -> Result<T, E>
    where
        F: for<'t> FnMut(&'t mut WriteTx) -> TxFuture<'t, T, E>,
        E: From<StoreError> + Retryable,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = async {
                let mut w = WriteTx {
                    tx: self.begin().await?,
                    actor: actor.to_owned(),
                    head: None,
                };
                let value = work(&mut w).await?;
                w.commit().await?;
                Ok::<T, E>(value)
            }
            .await;
            match outcome {
                Err(e) if e.is_retryable() && attempt < MAX_ATTEMPTS => {
                    tracing::debug!(attempt, "write transaction conflicted; retrying");
                    // Spread retries so that racing writers do not collide again in step.
                    let jitter = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| u64::from(d.subsec_nanos() % 7));
                    tokio::time::sleep(Duration::from_millis(2u64.pow(attempt.min(6)) + jitter))
                        .await;
                }
                other => return other,
            }
        }
    }

    async fn begin(&self) -> Result<Tx, StoreError> {
        match &*self.engine {
            Engine::Sqlite(db) => {
                let conn = db.writer.clone().lock_owned().await;
                conn.execute_batch("BEGIN IMMEDIATE")?;
                Ok(Tx::Sqlite(SqliteTx { conn, open: true }))
            }
            Engine::Postgres(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    .await?;
                // Before any read, so the snapshot is taken after the lock: appenders queue
                // instead of failing each other's serialization.
                sqlx::query("LOCK TABLE journal IN SHARE ROW EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
                Ok(Tx::Postgres(tx))
            }
        }
    }
}

impl WriteTx {
    /// The connection inside the transaction, for the store's own queries.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match &mut self.tx {
            Tx::Sqlite(t) => Conn::Sqlite(&mut t.conn),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            Tx::Sqlite(mut t) => {
                t.conn.execute_batch("COMMIT")?;
                t.open = false;
            }
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// The backend this transaction runs on.
    pub fn backend(&self) -> Backend {
        match self.tx {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// The actor the entries of this transaction are attributed to.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    async fn head(&mut self) -> Result<(i64, String), StoreError> {
        if let Some(head) = &self.head {
            return Ok(head.clone());
        }
        let head = journal::head(&mut self.conn()).await?;
        self.head = Some(head.clone());
        Ok(head)
    }

    fn chain(&self, head: &mut (i64, String), event: NewEvent) -> Entry {
        let mut e = Entry {
            seq: head.0 + 1,
            id: uuid::Uuid::now_v7().to_string(),
            event_type: event.event_type.to_owned(),
            schema_version: event.schema_version,
            occurred_at: custodia_domain::time::canonical(event.occurred_at),
            recorded_at: custodia_domain::time::canonical(Timestamp::now()),
            actor: self.actor.clone(),
            facility: event.facility,
            subject: event.subject,
            // serde_json's map keeps keys sorted, so this text is canonical.
            payload: event.payload.to_string(),
            prev_hash: head.1.clone(),
            hash: String::new(),
        };
        e.hash = entry_hash(&e.prev_hash, &e);
        *head = (e.seq, e.hash.clone());
        e
    }

    /// Appends one event to the journal; returns its sequence number.
    pub async fn append(&mut self, event: NewEvent) -> Result<i64, StoreError> {
        self.append_all(vec![event]).await?;
        Ok(self.head.as_ref().map_or(0, |h| h.0))
    }

    /// Appends many events at once (imports, bulk operations).
    pub async fn append_all(&mut self, events: Vec<NewEvent>) -> Result<(), StoreError> {
        let mut head = self.head().await?;
        let entries: Vec<Entry> = events
            .into_iter()
            .map(|ev| self.chain(&mut head, ev))
            .collect();
        journal::insert(&mut self.conn(), &entries).await?;
        self.head = Some(head);
        Ok(())
    }
}
