//! Who is, or was at an instant, placed in a location or anywhere below it — with their
//! registry numbers and names, in one query.

use crate::conn::Cells;
use crate::db::{Backend, Store};
use crate::error::StoreError;

/// A person placed in a location's subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedOccupant {
    /// Who.
    pub person_id: i64,
    /// Registry number.
    pub registry_number: String,
    /// Full name.
    pub full_name: String,
    /// Their cell.
    pub location_id: Option<i64>,
    /// Since when they were there (canonical instant).
    pub since: String,
}

fn named(r: &dyn Cells) -> Result<NamedOccupant, StoreError> {
    Ok(NamedOccupant {
        person_id: r.int(0)?,
        registry_number: r.text(1)?,
        full_name: r.text(2)?,
        location_id: r.opt_int(3)?,
        since: r.text(4)?,
    })
}

/// The location and everything below it.
macro_rules! inside {
    () => {
        "WITH RECURSIVE inside (id, depth) AS ( \
           SELECT CAST($1 AS BIGINT), 0 \
           UNION ALL SELECT l.id, inside.depth + 1 FROM locations l \
           JOIN inside ON l.parent_id = inside.id WHERE inside.depth < 64), \
         up (id, parent_id, depth) AS ( \
           SELECT id, parent_id, 0 FROM locations WHERE id = $1 \
           UNION ALL SELECT l.id, l.parent_id, up.depth + 1 FROM locations l \
           JOIN up ON l.id = up.parent_id WHERE up.depth < 64) "
    };
}

/// Stays in the location's unit (the top of its tree: movements record it) that cover
/// the instant `$2`, in the location's subtree.
macro_rules! stays_at {
    ($covers:literal) => {
        concat!(
            inside!(),
            "SELECT m.person_id, p.registry_number, p.full_name, m.location_id, m.occurred_at \
             FROM movements m JOIN persons p ON p.id = m.person_id \
             WHERE m.unit_id = (SELECT id FROM up WHERE parent_id IS NULL) \
             AND m.presence = 'placed' AND ",
            $covers,
            " AND m.location_id IN (SELECT id FROM inside) ORDER BY m.person_id"
        )
    };
}

/// Stays in a unit (a top-level location: every stay in it counts) covering `$2`. A stay
/// records its cell's unit, kept in step with the tree when a location is moved under
/// another unit (`WriteTx::set_unit_of`), so this equals walking the unit's subtree.
macro_rules! unit_stays_at {
    ($covers:literal) => {
        concat!(
            "SELECT m.person_id, p.registry_number, p.full_name, m.location_id, m.occurred_at \
             FROM movements m JOIN persons p ON p.id = m.person_id \
             WHERE m.unit_id = $1 AND m.presence = 'placed' AND ",
            $covers,
            " ORDER BY m.person_id"
        )
    };
}

/// PostgreSQL finds the covering stays through the GiST index `movements_stays`
/// (migration 0008, covering since 0013: a unit's stays are answered from the index
/// alone), whose expression this must repeat exactly.
const STAYS_AT_POSTGRES: &str =
    stays_at!("custodia_stay(m.occurred_at, m.until_at) @> CAST($2 AS TIMESTAMPTZ)");
const STAYS_AT_SQLITE: &str =
    stays_at!("m.occurred_at <= $2 AND (m.until_at IS NULL OR m.until_at > $2)");
const UNIT_STAYS_AT_POSTGRES: &str =
    unit_stays_at!("custodia_stay(m.occurred_at, m.until_at) @> CAST($2 AS TIMESTAMPTZ)");
const UNIT_STAYS_AT_SQLITE: &str =
    unit_stays_at!("m.occurred_at <= $2 AND (m.until_at IS NULL OR m.until_at > $2)");

impl Store {
    /// Persons placed now in a location or below it, by person id.
    pub async fn occupants_now(&self, location_id: i64) -> Result<Vec<NamedOccupant>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    inside!(),
                    "SELECT e.person_id, p.registry_number, p.full_name, e.location_id, e.since \
                     FROM custody_episodes e JOIN persons p ON p.id = e.person_id \
                     WHERE e.location_id IN (SELECT id FROM inside) AND e.presence = 'placed' \
                     AND e.released_at IS NULL ORDER BY e.person_id"
                ),
                &[location_id.into()],
                named,
            )
            .await
    }

    /// Persons placed in a location or below it at the instant `at` (canonical text),
    /// from the movements history, by person id. For a unit (`is_unit`: a location with
    /// no parent) every stay recorded in it counts, so its subtree need not be walked.
    pub async fn occupants_at(
        &self,
        location_id: i64,
        is_unit: bool,
        at: &str,
    ) -> Result<Vec<NamedOccupant>, StoreError> {
        let sql = match (self.backend(), is_unit) {
            (Backend::Postgres, false) => STAYS_AT_POSTGRES,
            (Backend::Sqlite, false) => STAYS_AT_SQLITE,
            (Backend::Postgres, true) => UNIT_STAYS_AT_POSTGRES,
            (Backend::Sqlite, true) => UNIT_STAYS_AT_SQLITE,
        };
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(sql, &[location_id.into(), at.into()], named)
            .await
    }
}
