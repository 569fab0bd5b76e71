//! Physical counts (recuentos) and the discrepancies they open until reconciled.

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::write::WriteTx;

/// A physical count as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The facility.
    pub facility: String,
    /// The location counted (with everything below it).
    pub location_id: i64,
    /// How many persons were counted.
    pub counted: i64,
    /// How many the records say were there at that instant.
    pub expected: i64,
    /// When counted.
    pub at: String,
    /// Whether a discrepancy is still unexplained.
    pub open: bool,
    /// The explanation given when reconciled.
    pub explanation: Option<String>,
    /// When reconciled.
    pub reconciled_at: Option<String>,
    /// By whom.
    pub reconciled_by: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

macro_rules! count_columns {
    () => {
        "id, facility, location_id, counted, expected, at, open, explanation, reconciled_at, \
         reconciled_by, recorded_at, recorded_by"
    };
}

fn count(r: &dyn Cells) -> Result<CountRow, StoreError> {
    Ok(CountRow {
        id: r.int(0)?,
        facility: r.text(1)?,
        location_id: r.int(2)?,
        counted: r.int(3)?,
        expected: r.int(4)?,
        at: r.text(5)?,
        open: r.int(6)? != 0,
        explanation: r.opt_text(7)?,
        reconciled_at: r.opt_text(8)?,
        reconciled_by: r.opt_text(9)?,
        recorded_at: r.text(10)?,
        recorded_by: r.text(11)?,
    })
}

async fn by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<CountRow>, StoreError> {
    conn.fetch_optional(
        concat!("SELECT ", count_columns!(), " FROM counts WHERE id = $1"),
        &[id.into()],
        count,
    )
    .await
}

impl Store {
    /// A facility's counts, newest first (only those still open with `open_only`).
    pub async fn counts(
        &self,
        facility: &str,
        open_only: bool,
        limit: i64,
    ) -> Result<Vec<CountRow>, StoreError> {
        let mut r = self.reader().await?;
        let mut conn = r.conn()?;
        if open_only {
            conn.fetch(
                concat!(
                    "SELECT ",
                    count_columns!(),
                    " FROM counts WHERE facility = $1 AND open = 1 ORDER BY at DESC, id DESC LIMIT $2"
                ),
                &[facility.into(), limit.into()],
                count,
            )
            .await
        } else {
            conn.fetch(
                concat!(
                    "SELECT ",
                    count_columns!(),
                    " FROM counts WHERE facility = $1 ORDER BY at DESC, id DESC LIMIT $2"
                ),
                &[facility.into(), limit.into()],
                count,
            )
            .await
        }
    }

    /// One count.
    pub async fn count(&self, id: i64) -> Result<Option<CountRow>, StoreError> {
        let mut r = self.reader().await?;
        by_id(&mut r.conn()?, id).await
    }
}

impl WriteTx {
    /// One count, as this transaction sees it.
    pub async fn count(&mut self, id: i64) -> Result<Option<CountRow>, StoreError> {
        by_id(&mut self.conn(), id).await
    }

    /// Records a count; returns its id.
    pub async fn insert_count(&mut self, c: &CountRow) -> Result<i64, StoreError> {
        crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO counts (facility, location_id, counted, expected, at, open, \
                 recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        (&c.facility).into(),
                        c.location_id.into(),
                        c.counted.into(),
                        c.expected.into(),
                        (&c.at).into(),
                        i64::from(c.open).into(),
                        (&c.recorded_at).into(),
                        (&c.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Closes a count's discrepancy with its explanation.
    pub async fn reconcile_count(
        &mut self,
        id: i64,
        explanation: &str,
        at: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE counts SET open = 0, explanation = $2, reconciled_at = $3, \
                 reconciled_by = $4 WHERE id = $1",
                &[id.into(), explanation.into(), at.into(), by.into()],
            )
            .await?;
        Ok(())
    }

    /// Stays of placed persons in a unit covering the instant `at`.
    pub async fn placed_in_unit_at(
        &mut self,
        unit_id: i64,
        at: &str,
    ) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        self.conn()
            .fetch(
                "SELECT person_id, location_id FROM movements WHERE unit_id = $1 \
                 AND occurred_at <= $2 AND (until_at IS NULL OR until_at > $2) \
                 AND presence = 'placed'",
                &[unit_id.into(), at.into()],
                |r| Ok((r.int(0)?, r.opt_int(1)?)),
            )
            .await
    }
}
