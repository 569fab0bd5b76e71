//! Walking the whole journal to check its hash chain (`custodia audit verify`).

use std::time::{Duration, Instant};

use sqlx::Row;
use sqlx::postgres::PgRow;

use custodia_domain::journal::{Anchor, BrokenAt, ChainVerifier, EntryRef, check_anchor};

use crate::db::{Engine, Store};
use crate::error::StoreError;
use crate::journal::SELECT;

/// Entries fetched per page from PostgreSQL.
const PG_PAGE: i64 = 50_000;

/// What a successful verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries checked.
    pub verified: u64,
    /// The last entry's (sequence, hash), to record outside the database as an anchor.
    pub head: Option<Anchor>,
    /// How long it took.
    pub elapsed: Duration,
}

/// Why verification did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain is broken: names the first bad sequence number.
    #[error(transparent)]
    Broken(#[from] BrokenAt),
    /// The database could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The verifier plus what the anchor check needs.
#[derive(Default)]
struct Walk {
    verifier: ChainVerifier,
    hash_at_anchor: Option<String>,
}

impl Walk {
    fn push(&mut self, e: &EntryRef<'_>, anchor: Option<&Anchor>) -> Result<(), BrokenAt> {
        self.verifier.push(e)?;
        if anchor.is_some_and(|a| a.seq == e.seq) {
            self.hash_at_anchor = Some(e.hash.to_owned());
        }
        Ok(())
    }

    fn finish(
        self,
        anchor: Option<&Anchor>,
        started: Instant,
    ) -> Result<VerifyReport, VerifyError> {
        let head = self.verifier.head();
        if let Some(anchor) = anchor {
            let last = head.as_ref().map_or(0, |h| h.seq);
            check_anchor(last, anchor, self.hash_at_anchor.as_deref())?;
        }
        Ok(VerifyReport {
            verified: self.verifier.verified(),
            head,
            elapsed: started.elapsed(),
        })
    }
}

impl Store {
    /// Checks every journal entry in sequence order, reading rows in place (nothing is
    /// allocated per entry). With an `anchor` (a head recorded earlier, outside the
    /// database) it also detects entries deleted from the end.
    pub async fn verify_journal(
        &self,
        anchor: Option<&Anchor>,
    ) -> Result<VerifyReport, VerifyError> {
        let started = Instant::now();
        match &*self.engine {
            Engine::Sqlite(db) => {
                let path = db.path.clone();
                let anchor = anchor.cloned();
                tokio::task::spawn_blocking(move || verify_sqlite(&path, anchor.as_ref(), started))
                    .await
                    .map_err(|e| StoreError::Task(e.to_string()))?
            }
            Engine::Postgres(pool) => verify_postgres(pool, anchor, started).await,
        }
    }
}

fn verify_sqlite(
    path: &std::path::Path,
    anchor: Option<&Anchor>,
    started: Instant,
) -> Result<VerifyReport, VerifyError> {
    let conn = crate::sqlite::open_connection(path, false)?;
    let mut stmt = conn
        .prepare(&format!("{SELECT} ORDER BY seq"))
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([]).map_err(StoreError::from)?;
    let mut walk = Walk::default();
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let text = |i: usize| -> Result<&str, StoreError> { Ok(r.get_ref(i)?.as_str()?) };
        let e = EntryRef {
            seq: r.get(0).map_err(StoreError::from)?,
            id: text(1)?,
            event_type: text(2)?,
            schema_version: r.get(3).map_err(StoreError::from)?,
            occurred_at: text(4)?,
            recorded_at: text(5)?,
            actor: text(6)?,
            facility: r
                .get_ref(7)
                .map_err(StoreError::from)?
                .as_str_or_null()
                .map_err(StoreError::from)?,
            subject: text(8)?,
            payload: text(9)?,
            prev_hash: text(10)?,
            hash: text(11)?,
        };
        walk.push(&e, anchor)?;
    }
    walk.finish(anchor, started)
}

fn pg_entry(r: &PgRow) -> Result<EntryRef<'_>, sqlx::Error> {
    Ok(EntryRef {
        seq: r.try_get(0)?,
        id: r.try_get(1)?,
        event_type: r.try_get(2)?,
        schema_version: r.try_get(3)?,
        occurred_at: r.try_get(4)?,
        recorded_at: r.try_get(5)?,
        actor: r.try_get(6)?,
        facility: r.try_get(7)?,
        subject: r.try_get(8)?,
        payload: r.try_get(9)?,
        prev_hash: r.try_get(10)?,
        hash: r.try_get(11)?,
    })
}

/// Pages are fetched by one task while this one hashes the previous page.
async fn verify_postgres(
    pool: &sqlx::PgPool,
    anchor: Option<&Anchor>,
    started: Instant,
) -> Result<VerifyReport, VerifyError> {
    let (pages, mut incoming) = tokio::sync::mpsc::channel::<Result<Vec<PgRow>, sqlx::Error>>(2);
    let reader = pool.clone();
    let fetcher = tokio::spawn(async move {
        let mut after = 0i64;
        loop {
            let page = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2"
            )))
            .bind(after)
            .bind(PG_PAGE)
            .fetch_all(&reader)
            .await;
            let done = match &page {
                Ok(rows) => {
                    if let Some(last) = rows.last() {
                        after = last.try_get(0).unwrap_or(i64::MAX);
                    }
                    (rows.len() as i64) < PG_PAGE
                }
                Err(_) => true,
            };
            if pages.send(page).await.is_err() || done {
                return;
            }
        }
    });
    let mut walk = Walk::default();
    while let Some(page) = incoming.recv().await {
        for row in page.map_err(StoreError::from)? {
            walk.push(&pg_entry(&row).map_err(StoreError::from)?, anchor)?;
        }
    }
    let _ = fetcher.await;
    walk.finish(anchor, started)
}
