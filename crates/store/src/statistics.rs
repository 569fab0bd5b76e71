//! Counts for the statistics pages: persons held per facility at past instants (from the
//! movements history), open custody episodes by legal status, and deaths by cause.

use crate::conn::{Cells, Val};
use crate::db::Store;
use crate::error::StoreError;

/// A count for a facility and a key (an instant, a legal status, a cause).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityCount {
    /// The facility.
    pub facility: String,
    /// What was counted.
    pub key: String,
    /// How many.
    pub count: i64,
}

fn count(r: &dyn Cells) -> Result<FacilityCount, StoreError> {
    Ok(FacilityCount {
        facility: r.text(0)?,
        key: r.text(1)?,
        count: r.int(2)?,
    })
}

/// At most this many instants are counted at once (three years of month ends).
pub const MAX_INSTANTS: usize = 36;

/// `SELECT facility, SUM(stay covers $1), …, SUM(stay covers $n) … GROUP BY facility`,
/// one statement for each number of instants `n` (index `n - 1`). Stays that ended
/// before the first instant or began after the last are not looked at.
static HELD_AT_EACH: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    (1..=MAX_INSTANTS)
        .map(|n| {
            let sums: Vec<String> = (1..=n)
                .map(|i| {
                    format!(
                        "SUM(CASE WHEN occurred_at <= ${i} AND (until_at IS NULL OR until_at > ${i}) \
                         THEN 1 ELSE 0 END)"
                    )
                })
                .collect();
            let sql = format!(
                "SELECT facility, {} FROM movements \
                 WHERE presence IN ('placed', 'unallocated', 'out') \
                 AND occurred_at <= ${n} AND (until_at IS NULL OR until_at > $1) \
                 GROUP BY facility ORDER BY facility",
                sums.join(", ")
            );
            // Built once per process; statements are `'static` so that drivers may cache
            // them.
            &*Box::leak(sql.into_boxed_str())
        })
        .collect()
});

impl Store {
    /// Persons in the custody of each facility at each of `instants` (canonical text, at
    /// most [`MAX_INSTANTS`]): in a cell, unallocated or out on an absence; not in
    /// transit, escaped or released. One pass over the movements: a person's stays at a
    /// facility never overlap, so the stays covering an instant are its persons.
    pub async fn held_at_each(
        &self,
        instants: &[String],
    ) -> Result<Vec<(String, Vec<i64>)>, StoreError> {
        let n = instants.len().min(MAX_INSTANTS);
        if n == 0 {
            return Ok(Vec::new());
        }
        let params: Vec<Val<'_>> = instants[..n].iter().map(|i| i.as_str().into()).collect();
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(HELD_AT_EACH[n - 1], &params, |row| {
                let counts = (1..=n).map(|i| row.int(i)).collect::<Result<Vec<_>, _>>()?;
                Ok((row.text(0)?, counts))
            })
            .await
    }

    /// Open custody episodes by facility and legal status.
    pub async fn held_by_legal_status(&self) -> Result<Vec<FacilityCount>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, legal_status, COUNT(*) FROM custody_episodes \
                 WHERE released_at IS NULL GROUP BY facility, legal_status \
                 ORDER BY facility, legal_status",
                &[],
                count,
            )
            .await
    }

    /// Deaths in custody by facility and cause, since `from` (canonical text).
    pub async fn deaths_by_cause(&self, from: &str) -> Result<Vec<FacilityCount>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, cause, COUNT(*) FROM deaths WHERE died_at >= $1 \
                 GROUP BY facility, cause ORDER BY facility, cause",
                &[from.into()],
                count,
            )
            .await
    }
}
