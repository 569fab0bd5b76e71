//! Write transactions: read-table changes and their journal entries commit together.

use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::OwnedMutexGuard;

use custodia_domain::events::NewEvent;
use custodia_domain::journal::{EntryRef, hash_bytes, hex64, to_hex, unhex64};

use crate::conn::Conn;
use crate::db::{Engine, Store};
use crate::error::StoreError;
use crate::journal;
use crate::sqlite::{CachedHead, Writer};

/// How many times a write transaction runs before a conflict is reported.
const MAX_ATTEMPTS: u32 = 8;

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
    writer: OwnedMutexGuard<Writer>,
    /// `PRAGMA data_version` when the transaction began.
    data_version: i64,
    open: bool,
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open {
            // What this transaction believed about the journal no longer holds.
            self.writer.head = None;
            let _ = self.writer.conn.execute_batch("ROLLBACK");
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
    /// a busy database) re-run `work` from the start, a bounded number of times. `work`
    /// must use only the `WriteTx` it is given: a nested `Store::write` would wait for
    /// the lock this transaction holds.
    ///
    /// `work` is an async closure, called once per attempt: it must not move what it
    /// captures out (borrow it, or clone what must be handed over). For the caller's
    /// future to stay `Send` (as web handlers need), write it `async move |tx| { … }`
    /// capturing only owned values (clone borrowed inputs into locals before it) or
    /// `'static` references: a captured non-`'static` borrow makes the future not `Send`.
    pub async fn write<T, E, F>(&self, actor: &str, mut work: F) -> Result<T, E>
    where
        F: AsyncFnMut(&mut WriteTx) -> Result<T, E>,
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
                let mut writer = db.writer.clone().lock_owned().await;
                if !writer.conn.is_autocommit() {
                    // A rollback that failed earlier left a transaction open: end it.
                    writer.head = None;
                    writer.conn.execute_batch("ROLLBACK")?;
                }
                writer.begin_immediate()?;
                let mut tx = SqliteTx {
                    writer,
                    data_version: 0,
                    open: true,
                };
                tx.data_version = tx.writer.data_version()?;
                Ok(Tx::Sqlite(tx))
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
            Tx::Sqlite(t) => Conn::Sqlite(&mut t.writer.conn),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            Tx::Sqlite(mut t) => {
                // On failure `t` drops still open: the head is forgotten and rolled back.
                crate::sqlite::run_cached(&t.writer.conn, "COMMIT")?;
                t.open = false;
                if let Some((seq, hash)) = self.head {
                    t.writer.head = Some(CachedHead {
                        data_version: t.data_version,
                        seq,
                        hash,
                    });
                }
            }
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    async fn head(&mut self) -> Result<(i64, String), StoreError> {
        if let Some(head) = &self.head {
            return Ok(head.clone());
        }
        // SQLite: this process wrote the last entry unless another connection committed since.
        if let Tx::Sqlite(t) = &self.tx
            && let Some(cached) = &t.writer.head
            && cached.data_version == t.data_version
        {
            let head = (cached.seq, cached.hash.clone());
            self.head = Some(head.clone());
            return Ok(head);
        }
        let head = journal::head(&mut self.conn()).await?;
        self.head = Some(head.clone());
        Ok(head)
    }

    /// Appends one event to the journal; returns its sequence number.
    pub async fn append(&mut self, event: NewEvent) -> Result<i64, StoreError> {
        self.append_all(std::slice::from_ref(&event)).await?;
        Ok(self.head.as_ref().map_or(0, |h| h.0))
    }

    /// Appends many events at once (imports, bulk operations). Each entry is chained to
    /// the one before; all of one call share the transaction's recorded_at.
    pub async fn append_all(&mut self, events: &[NewEvent]) -> Result<(), StoreError> {
        let (head_seq, head_hash) = self.head().await?;
        let recorded_at = custodia_domain::time::canonical(Timestamp::now());
        let mut prev = unhex64(&head_hash).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "the journal's last entry ({head_seq}) has a hash that is not one: run `custodia audit verify`"
            ))
        })?;
        head_seq.checked_add(events.len() as i64).ok_or_else(|| {
            StoreError::Corrupt(format!("journal sequence {head_seq} cannot grow further"))
        })?;
        let mut last_occurred: Option<(Timestamp, String)> = None;
        let mut rows = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            // Events of one change usually share when they happened: format that once.
            let occurred_at = match &last_occurred {
                Some((ts, text)) if *ts == event.occurred_at => text.clone(),
                _ => custodia_domain::time::canonical(event.occurred_at),
            };
            last_occurred = Some((event.occurred_at, occurred_at.clone()));
            let mut id = [0u8; 36];
            uuid::Uuid::now_v7().hyphenated().encode_lower(&mut id);
            let mut row = Chained {
                seq: head_seq + 1 + i as i64,
                id,
                occurred_at,
                prev_hex: hex64(&prev),
                hash_hex: [0; 64],
            };
            prev = hash_bytes(&prev, &row.entry(event, &recorded_at, &self.actor));
            row.hash_hex = hex64(&prev);
            rows.push(row);
        }
        let entries: Vec<EntryRef<'_>> = rows
            .iter()
            .zip(events)
            .map(|(row, event)| row.entry(event, &recorded_at, &self.actor))
            .collect();
        let mut conn = match &mut self.tx {
            Tx::Sqlite(t) => Conn::Sqlite(&mut t.writer.conn),
            Tx::Postgres(t) => Conn::Postgres(t),
        };
        journal::insert(&mut conn, &entries).await?;
        if let Some(last) = rows.last() {
            self.head = Some((last.seq, to_hex(&prev)));
        }
        Ok(())
    }
}

/// The parts of an entry that chaining adds to an event.
struct Chained {
    seq: i64,
    id: [u8; 36],
    occurred_at: String,
    prev_hex: [u8; 64],
    hash_hex: [u8; 64],
}

impl Chained {
    /// The whole entry, borrowing everything.
    fn entry<'a>(
        &'a self,
        event: &'a NewEvent,
        recorded_at: &'a str,
        actor: &'a str,
    ) -> EntryRef<'a> {
        EntryRef {
            seq: self.seq,
            // A hyphenated UUID is ASCII, so this never fails.
            id: std::str::from_utf8(&self.id).unwrap_or_default(),
            event_type: event.event_type,
            schema_version: event.schema_version,
            occurred_at: &self.occurred_at,
            recorded_at,
            actor,
            facility: event.facility.as_deref(),
            subject: &event.subject,
            payload: &event.payload,
            // Hex digits are ASCII, so these never fail.
            prev_hash: std::str::from_utf8(&self.prev_hex).unwrap_or_default(),
            hash: std::str::from_utf8(&self.hash_hex).unwrap_or_default(),
        }
    }
}
