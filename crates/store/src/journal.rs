//! The journal table: appending chained entries and reading them back in order.

use std::sync::OnceLock;

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row, SqlSafeStr};

use custodia_domain::journal::{Entry, GENESIS_HASH};

use crate::db::Store;
use crate::error::StoreError;

/// Rows per multi-row INSERT: 12 parameters each stays far below both engines' limits.
pub const ROWS_PER_INSERT: usize = 400;

const COLUMNS: &str = "seq, id, event_type, schema_version, occurred_at, recorded_at, actor, facility, subject, payload, prev_hash, hash";

/// The multi-row INSERT text for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO journal ({COLUMNS}) VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ",(" });
        for c in 0..12 {
            if c > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("${}", r * 12 + c + 1));
        }
        sql.push(')');
    }
    sql
}

/// The single-row INSERT, the one ordinary requests use, built once.
fn insert_one_sql() -> &'static str {
    static ONE: OnceLock<String> = OnceLock::new();
    ONE.get_or_init(|| insert_sql(1))
}

/// Inserts already chained entries (at most [`ROWS_PER_INSERT`]).
pub(crate) async fn insert<'c>(
    x: impl Executor<'c, Database = Any>,
    entries: &[Entry],
) -> Result<(), StoreError> {
    let sql = match entries.len() {
        1 => insert_one_sql().into_sql_str(),
        n => sqlx::AssertSqlSafe(insert_sql(n)).into_sql_str(),
    };
    let mut q = sqlx::query(sql);
    for e in entries {
        q = q
            .bind(e.seq)
            .bind(e.id.as_str())
            .bind(e.event_type.as_str())
            .bind(e.schema_version)
            .bind(e.occurred_at.as_str())
            .bind(e.recorded_at.as_str())
            .bind(e.actor.as_str())
            .bind(e.facility.as_deref())
            .bind(e.subject.as_str())
            .bind(e.payload.as_str())
            .bind(e.prev_hash.as_str())
            .bind(e.hash.as_str());
    }
    q.execute(x).await?;
    Ok(())
}

/// The last (sequence, hash) of the journal, or (0, genesis) when it is empty.
pub(crate) async fn head<'c>(
    x: impl Executor<'c, Database = Any>,
) -> Result<(i64, String), StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")
        .fetch_optional(x)
        .await?;
    Ok(match row {
        Some(r) => (r.try_get(0)?, r.try_get(1)?),
        None => (0, GENESIS_HASH.to_owned()),
    })
}

fn entry(r: &AnyRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
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

impl Store {
    /// The journal's last (sequence, hash).
    pub async fn journal_head(&self) -> Result<(i64, String), StoreError> {
        head(&self.pool).await
    }

    /// Up to `limit` entries with a sequence above `after`, in sequence order.
    pub async fn journal_page(&self, after: i64, limit: i64) -> Result<Vec<Entry>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2"
        )))
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
    }

    /// The entries about one subject (e.g. `location:42`), oldest first.
    pub async fn journal_for_subject(
        &self,
        subject: &str,
        limit: i64,
    ) -> Result<Vec<Entry>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM journal WHERE subject = $1 ORDER BY seq LIMIT $2"
        )))
        .bind(subject)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
    }

    /// How many entries the journal holds.
    pub async fn journal_len(&self) -> Result<i64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM journal")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
