//! Walking the whole journal to check its hash chain (`custodia audit verify`).
//!
//! The journal is cut into consecutive sequence ranges checked in parallel, one per core;
//! each range is checked from its first entry's `prev_hash`, and then every join is
//! checked: a range's first `prev_hash` must be the hash that ends the range before it.

use std::time::{Duration, Instant};

use sqlx::Row;
use sqlx::postgres::PgRow;

use custodia_domain::journal::{
    Anchor, BrokenAt, ChainBreak, ChainVerifier, EntryRef, check_anchor,
};

use crate::db::{Engine, Store};
use crate::error::StoreError;
use crate::journal::SELECT;

/// Entries fetched per page from PostgreSQL (about 5 MB).
const PG_PAGE: i64 = 10_000;
/// The most ranges one verification is cut into.
const MAX_PARTS: usize = 64;
/// Below this many entries one range is checked (splitting costs more than it saves).
const PARALLEL_FROM: i64 = 100_000;

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

/// A sequence range to check: `[from, to]`; the first range also takes anything below 1.
#[derive(Debug, Clone, Copy)]
struct Range {
    from: i64,
    to: i64,
    first: bool,
}

/// What checking one range found.
#[derive(Debug, Default)]
struct Piece {
    /// The `prev_hash` of the range's first entry (unchecked: the join checks it).
    opening_prev: Option<String>,
    /// The sequence of its first entry.
    opening_seq: Option<i64>,
    verified: u64,
    head: Option<Anchor>,
    hash_at_anchor: Option<String>,
    broken: Option<BrokenAt>,
}

/// Checks the entries of one range as they stream by.
struct Walk<'a> {
    range: Range,
    anchor: Option<&'a Anchor>,
    verifier: Option<ChainVerifier>,
    piece: Piece,
}

impl<'a> Walk<'a> {
    fn new(range: Range, anchor: Option<&'a Anchor>) -> Self {
        Self {
            range,
            anchor,
            verifier: range.first.then(ChainVerifier::default),
            piece: Piece::default(),
        }
    }

    /// Takes the next entry; false once the range is broken (the rest need not be read).
    fn push(&mut self, e: &EntryRef<'_>) -> bool {
        if self.piece.opening_seq.is_none() {
            self.piece.opening_seq = Some(e.seq);
            self.piece.opening_prev = Some(e.prev_hash.to_owned());
        }
        let verifier = self.verifier.get_or_insert_with(|| {
            // A first prev_hash that is no hash cannot join anything: the join check fails.
            ChainVerifier::resume(self.range.from, e.prev_hash).unwrap_or_default()
        });
        if let Err(b) = verifier.push(e) {
            self.piece.broken = Some(b);
            return false;
        }
        if self.anchor.is_some_and(|a| a.seq == e.seq) {
            self.piece.hash_at_anchor = Some(e.hash.to_owned());
        }
        true
    }

    fn finish(mut self) -> Piece {
        if let Some(v) = &self.verifier {
            self.piece.verified = v.verified();
            self.piece.head = v.head();
        }
        self.piece
    }
}

/// Puts the pieces together in order: the first break, a bad join, or the whole report.
fn join(
    pieces: Vec<Piece>,
    ranges: &[Range],
    anchor: Option<&Anchor>,
    started: Instant,
) -> Result<VerifyReport, VerifyError> {
    let mut verified = 0;
    let mut head: Option<Anchor> = None;
    let mut hash_at_anchor = None;
    for (piece, range) in pieces.into_iter().zip(ranges) {
        // A range with no entries joins nothing: the next one must continue the chain.
        let Some(opening) = piece.opening_seq else {
            continue;
        };
        if !range.first {
            let last = head.as_ref().map_or(0, |h| h.seq);
            if opening != last + 1 {
                return Err(BrokenAt {
                    seq: opening.min(last + 1),
                    reason: ChainBreak::SequenceGap {
                        expected: last + 1,
                        found: opening,
                    },
                }
                .into());
            }
            if piece.opening_prev.as_deref() != head.as_ref().map(|h| h.hash.as_str()) {
                return Err(BrokenAt {
                    seq: opening,
                    reason: ChainBreak::BrokenLink,
                }
                .into());
            }
        }
        if let Some(b) = piece.broken {
            return Err(b.into());
        }
        verified += piece.verified;
        if piece.head.is_some() {
            head = piece.head;
        }
        hash_at_anchor = hash_at_anchor.or(piece.hash_at_anchor);
    }
    if let Some(anchor) = anchor {
        check_anchor(
            head.as_ref().map_or(0, |h| h.seq),
            anchor,
            hash_at_anchor.as_deref(),
        )?;
    }
    Ok(VerifyReport {
        verified,
        head,
        elapsed: started.elapsed(),
    })
}

/// Splits `[1, last]` into `parts` consecutive ranges (one when `last` is implausibly
/// large, as only tampering makes it: the single walk then reports the gap).
fn ranges(last: i64, parts: usize) -> Vec<Range> {
    let parts = if last > i64::MAX / 4 {
        1
    } else {
        parts.clamp(1, MAX_PARTS) as i64
    };
    let parts = parts.min(last.max(1));
    let size = (last.max(1) - 1) / parts + 1;
    (0..parts)
        .map(|i| Range {
            from: if i == 0 { i64::MIN } else { 1 + i * size },
            to: if i == parts - 1 {
                last
            } else {
                ((i + 1) * size).min(last)
            },
            first: i == 0,
        })
        .collect()
}

impl Store {
    /// Checks every journal entry up to the current head, in parallel ranges, reading
    /// rows in place (nothing is allocated per entry). With an `anchor` (a head recorded
    /// earlier, outside the database) it also detects entries deleted from the end.
    pub async fn verify_journal(
        &self,
        anchor: Option<&Anchor>,
    ) -> Result<VerifyReport, VerifyError> {
        self.verify_journal_in_parts(anchor, None).await
    }

    /// As [`Store::verify_journal`], cut into `parts` ranges (default: one per core for a
    /// long journal, one for a short one).
    pub async fn verify_journal_in_parts(
        &self,
        anchor: Option<&Anchor>,
        parts: Option<usize>,
    ) -> Result<VerifyReport, VerifyError> {
        let started = Instant::now();
        let mut r = self.reader().await?;
        let last = r
            .conn()?
            .fetch("SELECT MAX(seq) FROM journal", &[], |c| c.opt_int(0))
            .await?
            .first()
            .copied()
            .flatten()
            .unwrap_or(0);
        drop(r);
        let cores = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        let parts = parts.unwrap_or(if last >= PARALLEL_FROM { cores } else { 1 });
        let ranges = ranges(last, parts);
        let pieces = match &*self.engine {
            Engine::Sqlite(db) => {
                let path = db.path.clone();
                let anchor = anchor.cloned();
                let todo = ranges.clone();
                tokio::task::spawn_blocking(move || {
                    std::thread::scope(|s| {
                        let handles: Vec<_> = todo
                            .iter()
                            .map(|range| {
                                let (path, anchor) = (&path, anchor.as_ref());
                                s.spawn(move || sqlite_piece(path, *range, anchor))
                            })
                            .collect();
                        handles
                            .into_iter()
                            .map(|h| {
                                h.join().map_err(|_| {
                                    StoreError::Task("a verifier thread panicked".into())
                                })?
                            })
                            .collect::<Result<Vec<Piece>, StoreError>>()
                    })
                })
                .await
                .map_err(|e| StoreError::Task(e.to_string()))??
            }
            Engine::Postgres(pool) => {
                let tasks: Vec<_> = ranges
                    .iter()
                    .map(|range| {
                        let (pool, range, anchor) = (pool.clone(), *range, anchor.cloned());
                        tokio::spawn(
                            async move { postgres_piece(&pool, range, anchor.as_ref()).await },
                        )
                    })
                    .collect();
                let mut pieces = Vec::with_capacity(tasks.len());
                for t in tasks {
                    pieces.push(t.await.map_err(|e| StoreError::Task(e.to_string()))??);
                }
                pieces
            }
        };
        join(pieces, &ranges, anchor, started)
    }
}

fn sqlite_piece(
    path: &std::path::Path,
    range: Range,
    anchor: Option<&Anchor>,
) -> Result<Piece, StoreError> {
    let conn = crate::sqlite::open_connection(path, false)?;
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq"
    ))?;
    let mut rows = stmt.query([range.from, range.to])?;
    let mut walk = Walk::new(range, anchor);
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let text = |i: usize| -> Result<&str, StoreError> { Ok(r.get_ref(i)?.as_str()?) };
        let read = || -> Result<EntryRef<'_>, StoreError> {
            Ok(EntryRef {
                seq: r.get(0)?,
                id: text(1)?,
                event_type: text(2)?,
                schema_version: r.get(3)?,
                occurred_at: text(4)?,
                recorded_at: text(5)?,
                actor: text(6)?,
                facility: r.get_ref(7)?.as_str_or_null()?,
                subject: text(8)?,
                payload: text(9)?,
                prev_hash: text(10)?,
                hash: text(11)?,
            })
        };
        match read() {
            Ok(e) => {
                if !walk.push(&e) {
                    break;
                }
            }
            // A column whose type was changed is content that was altered.
            Err(
                StoreError::SqliteValue(_)
                | StoreError::Sqlite(rusqlite::Error::InvalidColumnType(..)),
            ) => {
                walk.piece.broken = Some(BrokenAt {
                    seq,
                    reason: ChainBreak::ContentAltered,
                });
                break;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(walk.finish())
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

async fn postgres_piece(
    pool: &sqlx::PgPool,
    range: Range,
    anchor: Option<&Anchor>,
) -> Result<Piece, StoreError> {
    let mut walk = Walk::new(range, anchor);
    // The next sequence to read from; the first page includes `range.from` itself.
    let mut from = range.from;
    // Only a lower bound: with `ORDER BY seq LIMIT` the planner walks the primary key in
    // order whatever its statistics say (an upper bound invites a sort of the whole range).
    loop {
        let want = PG_PAGE
            .min(range.to.saturating_sub(from).saturating_add(1))
            .max(1);
        let page = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE seq >= $1 ORDER BY seq LIMIT $2"
        )))
        .bind(from)
        .bind(want)
        .fetch_all(pool)
        .await?;
        for row in &page {
            let e = pg_entry(row)?;
            if e.seq > range.to {
                return Ok(walk.finish());
            }
            if !walk.push(&e) {
                return Ok(walk.finish());
            }
            match e.seq.checked_add(1) {
                Some(next) => from = next,
                None => return Ok(walk.finish()),
            }
        }
        if (page.len() as i64) < want || from > range.to {
            return Ok(walk.finish());
        }
    }
}
