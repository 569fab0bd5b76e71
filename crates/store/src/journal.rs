//! The journal table: appending chained entries and reading them back in order.

use custodia_domain::journal::{Entry, EntryRef, GENESIS_HASH};

use crate::conn::{Cells, Conn, Val};
use crate::db::Store;
use crate::error::StoreError;

/// Every column, in the order the hash covers them.
macro_rules! columns {
    () => {
        "seq, id, event_type, schema_version, occurred_at, recorded_at, actor, facility, subject, payload, prev_hash, hash"
    };
}

const INSERT_ONE: &str = concat!(
    "INSERT INTO journal (",
    columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
);

/// PostgreSQL appends a batch as one COPY stream in text format.
const COPY_IN: &str = concat!("COPY journal (", columns!(), ") FROM STDIN");

/// Writes one entry as a line of COPY text format (tab-separated, `\N` for null).
fn copy_row(buf: &mut Vec<u8>, e: &EntryRef<'_>) {
    use crate::copy::{opt_text, text};
    buf.extend_from_slice(e.seq.to_string().as_bytes());
    for value in [e.id, e.event_type] {
        buf.push(b'\t');
        text(buf, value);
    }
    buf.push(b'\t');
    buf.extend_from_slice(e.schema_version.to_string().as_bytes());
    for value in [e.occurred_at, e.recorded_at, e.actor] {
        buf.push(b'\t');
        text(buf, value);
    }
    buf.push(b'\t');
    opt_text(buf, e.facility);
    for value in [e.subject, e.payload, e.prev_hash, e.hash] {
        buf.push(b'\t');
        text(buf, value);
    }
    buf.push(b'\n');
}

fn params<'a>(e: &EntryRef<'a>) -> [Val<'a>; 12] {
    [
        e.seq.into(),
        e.id.into(),
        e.event_type.into(),
        e.schema_version.into(),
        e.occurred_at.into(),
        e.recorded_at.into(),
        e.actor.into(),
        e.facility.into(),
        e.subject.into(),
        e.payload.into(),
        e.prev_hash.into(),
        e.hash.into(),
    ]
}

/// Inserts already chained entries.
pub(crate) async fn insert<'e>(
    conn: &mut Conn<'_>,
    entries: &[EntryRef<'e>],
) -> Result<(), StoreError> {
    match conn {
        // In-process SQLite: a cached single-row statement per entry is the fastest way.
        Conn::Sqlite(c) => crate::sqlite::execute_many(c, INSERT_ONE, entries.iter().map(params))?,
        Conn::Postgres(c) if entries.len() > 1 => {
            // One stream of rows, no statement per row.
            crate::copy::copy_in(c, COPY_IN, entries, |buf, e| copy_row(buf, e)).await?;
        }
        Conn::Postgres(_) => {
            for e in entries {
                conn.execute(INSERT_ONE, &params(e)).await?;
            }
        }
    }
    Ok(())
}

/// The last (sequence, hash) of the journal, or (0, genesis) when it is empty.
pub(crate) async fn head(conn: &mut Conn<'_>) -> Result<(i64, String), StoreError> {
    let head = conn
        .fetch_optional(
            "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
            &[],
            |c| Ok((c.int(0)?, c.text(1)?)),
        )
        .await?;
    Ok(head.unwrap_or_else(|| (0, GENESIS_HASH.to_owned())))
}

pub(crate) fn entry(r: &dyn Cells) -> Result<Entry, StoreError> {
    Ok(Entry {
        seq: r.int(0)?,
        id: r.text(1)?,
        event_type: r.text(2)?,
        schema_version: r.int(3)?,
        occurred_at: r.text(4)?,
        recorded_at: r.text(5)?,
        actor: r.text(6)?,
        facility: r.opt_text(7)?,
        subject: r.text(8)?,
        payload: r.text(9)?,
        prev_hash: r.text(10)?,
        hash: r.text(11)?,
    })
}

/// The select list and table, for readers of the journal.
pub(crate) const SELECT: &str = concat!("SELECT ", columns!(), " FROM journal");

impl Store {
    /// The journal's last (sequence, hash).
    pub async fn journal_head(&self) -> Result<(i64, String), StoreError> {
        let mut r = self.reader().await?;
        head(&mut r.conn()?).await
    }

    /// Up to `limit` entries with a sequence above `after`, in sequence order.
    pub async fn journal_page(&self, after: i64, limit: i64) -> Result<Vec<Entry>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2"
                ),
                &[after.into(), limit.into()],
                entry,
            )
            .await
    }

    /// Up to `limit` entries about one subject (e.g. `location:42`) with a sequence above
    /// `after`, oldest first.
    pub async fn journal_for_subject(
        &self,
        subject: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM journal WHERE subject = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                ),
                &[subject.into(), after.into(), limit.into()],
                entry,
            )
            .await
    }

    /// Up to `limit` entries about one subject of the given types, after `after`, oldest first.
    pub async fn journal_for_subject_of_types(
        &self,
        subject: &str,
        types: [&str; 2],
        after: i64,
        limit: i64,
    ) -> Result<Vec<Entry>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM journal WHERE subject = $1 AND event_type IN ($2, $3) AND seq > $4 ORDER BY seq LIMIT $5"
                ),
                &[subject.into(), types[0].into(), types[1].into(), after.into(), limit.into()],
                entry,
            )
            .await
    }

    /// How many entries the journal holds.
    pub async fn journal_len(&self) -> Result<i64, StoreError> {
        let mut r = self.reader().await?;
        let n = r
            .conn()?
            .fetch("SELECT COUNT(*) FROM journal", &[], |c| c.int(0))
            .await?;
        Ok(n.first().copied().unwrap_or(0))
    }
}
