//! Write transactions: read-table changes and their journal entries commit together.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use jiff::Timestamp;
use sqlx::{Any, AnyConnection, Transaction};

use custodia_domain::events::NewEvent;
use custodia_domain::journal::{Entry, entry_hash};

use crate::db::{Backend, Store};
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

/// One open write transaction, with the journal's head as this transaction sees it.
pub struct WriteTx {
    pub(crate) tx: Transaction<'static, Any>,
    backend: Backend,
    actor: String,
    head: Option<(i64, String)>,
}

impl Store {
    /// Runs `work` in one write transaction as `actor`, committing if it returns `Ok`.
    /// Conflicts with concurrent writers (PostgreSQL serialization failures, deadlocks,
    /// two appends racing for the same journal sequence) re-run `work` from the start,
    /// at most a bounded number of times.
    pub async fn write<T, E, F>(&self, actor: &str, mut work: F) -> Result<T, E>
    where
        F: for<'t> FnMut(&'t mut WriteTx) -> TxFuture<'t, T, E>,
        E: From<StoreError> + Retryable,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = async {
                let tx = self
                    .pool
                    .begin_with(self.backend().begin_write())
                    .await
                    .map_err(StoreError::from)?;
                let mut w = WriteTx {
                    tx,
                    backend: self.backend(),
                    actor: actor.to_owned(),
                    head: None,
                };
                let value = work(&mut w).await?;
                w.tx.commit().await.map_err(StoreError::from)?;
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
}

impl WriteTx {
    /// The connection inside the transaction, for the store's own queries.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// The backend this transaction runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The actor the entries of this transaction are attributed to.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    async fn head(&mut self) -> Result<(i64, String), StoreError> {
        if let Some(head) = &self.head {
            return Ok(head.clone());
        }
        let head = journal::head(&mut *self.tx).await?;
        self.head = Some(head.clone());
        Ok(head)
    }

    fn chain(&mut self, head: &mut (i64, String), event: NewEvent) -> Entry {
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
        let mut head = self.head().await?;
        let entry = self.chain(&mut head, event);
        journal::insert(&mut *self.tx, std::slice::from_ref(&entry)).await?;
        self.head = Some(head);
        Ok(entry.seq)
    }

    /// Appends many events at once (imports, bulk operations): multi-row inserts.
    pub async fn append_all(&mut self, events: Vec<NewEvent>) -> Result<(), StoreError> {
        let mut head = self.head().await?;
        let entries: Vec<Entry> = events
            .into_iter()
            .map(|ev| self.chain(&mut head, ev))
            .collect();
        for chunk in entries.chunks(journal::ROWS_PER_INSERT) {
            journal::insert(&mut *self.tx, chunk).await?;
        }
        self.head = Some(head);
        Ok(())
    }
}
