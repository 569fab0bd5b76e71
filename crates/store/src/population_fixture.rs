//! Bulk loading of a generated population for `custodia bench population`: locations,
//! persons, open episodes with their cells, movements histories and keep-apart rules,
//! straight into the read tables (COPY on PostgreSQL), bypassing use cases and the
//! journal. Callers load only into a database without persons.

use crate::conn::Conn;
use crate::db::{Backend, Store};
use crate::error::StoreError;

/// A read table the population fixture fills, with the columns each row gives in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixtureTable {
    /// `id, facility, code, name, parent_id, security_level, holds_sex, design_capacity,
    /// operational_capacity, updated_at, holds_legal_status`.
    Locations,
    /// `id, registry_number, identity, name_key, full_name, sort_key, date_of_birth,
    /// document_key, facility, in_custody, created_at, updated_at`.
    Persons,
    /// `id, person_id, facility, location_id, admitted_at, age_group, sex, legal_status,
    /// record, presence, unit_id, since`.
    Episodes,
    /// `person_id, episode_id, kind, facility, location_id, unit_id, presence,
    /// occurred_at, until_at, recorded_at, recorded_by`.
    Movements,
    /// `kind, a, b, reason, scope, from_on, authorized_by, recorded_at, recorded_by`.
    KeepApart,
}

impl FixtureTable {
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            FixtureTable::Locations => (
                "INSERT INTO locations (id, facility, code, name, parent_id, security_level, \
                 holds_sex, design_capacity, operational_capacity, updated_at, holds_legal_status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                "COPY locations (id, facility, code, name, parent_id, security_level, holds_sex, \
                 design_capacity, operational_capacity, updated_at, holds_legal_status) FROM STDIN",
            ),
            FixtureTable::Persons => (
                "INSERT INTO persons (id, registry_number, identity, name_key, full_name, \
                 sort_key, date_of_birth, document_key, facility, in_custody, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                "COPY persons (id, registry_number, identity, name_key, full_name, sort_key, \
                 date_of_birth, document_key, facility, in_custody, created_at, updated_at) \
                 FROM STDIN",
            ),
            FixtureTable::Episodes => (
                "INSERT INTO custody_episodes (id, person_id, facility, location_id, admitted_at, \
                 age_group, sex, legal_status, record, presence, unit_id, since) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                "COPY custody_episodes (id, person_id, facility, location_id, admitted_at, \
                 age_group, sex, legal_status, record, presence, unit_id, since) FROM STDIN",
            ),
            FixtureTable::Movements => (
                "INSERT INTO movements (person_id, episode_id, kind, facility, location_id, \
                 unit_id, presence, occurred_at, until_at, recorded_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                "COPY movements (person_id, episode_id, kind, facility, location_id, unit_id, \
                 presence, occurred_at, until_at, recorded_at, recorded_by) FROM STDIN",
            ),
            FixtureTable::KeepApart => (
                "INSERT INTO keep_apart (kind, a, b, reason, scope, from_on, authorized_by, \
                 recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                "COPY keep_apart (kind, a, b, reason, scope, from_on, authorized_by, \
                 recorded_at, recorded_by) FROM STDIN",
            ),
        }
    }
}

impl Store {
    /// Loads rows into one read table in one transaction.
    pub async fn load_fixture_rows(
        &self,
        table: FixtureTable,
        rows: Vec<Vec<Option<String>>>,
    ) -> Result<(), StoreError> {
        let (insert, copy) = table.sql();
        self.write("bench", async move |tx| {
            match tx.conn() {
                Conn::Sqlite(c) => crate::sqlite::execute_rows(c, insert, &rows)?,
                Conn::Postgres(c) => {
                    crate::copy::copy_in(c, copy, &rows, |buf, row| {
                        for (i, v) in row.iter().enumerate() {
                            if i > 0 {
                                buf.push(b'\t');
                            }
                            crate::copy::opt_text(buf, v.as_deref());
                        }
                        buf.push(b'\n');
                    })
                    .await?
                }
            }
            Ok::<_, StoreError>(())
        })
        .await
    }

    /// After loading: PostgreSQL's id sequences continue after the loaded ids, and the
    /// planner's statistics are refreshed.
    pub async fn finish_population_fixture(&self) -> Result<(), StoreError> {
        self.write("bench", async move |tx| {
            if let Conn::Postgres(_) = tx.conn() {
                for sql in [
                    "SELECT setval(pg_get_serial_sequence('locations', 'id'), (SELECT max(id) FROM locations))",
                    "SELECT setval(pg_get_serial_sequence('persons', 'id'), (SELECT max(id) FROM persons))",
                    "SELECT setval(pg_get_serial_sequence('custody_episodes', 'id'), (SELECT max(id) FROM custody_episodes))",
                ] {
                    tx.conn().fetch(sql, &[], |r| r.opt_int(0)).await?;
                }
            }
            tx.conn().execute("ANALYZE", &[]).await?;
            Ok::<_, StoreError>(())
        })
        .await?;
        // What autovacuum would have done to tables loaded over years: the visibility
        // map set, so that index-only scans read no table page (outside a transaction).
        if let Backend::Postgres = self.backend() {
            let mut r = self.reader().await?;
            r.conn()?
                .execute("VACUUM (ANALYZE) movements, persons", &[])
                .await?;
        }
        Ok(())
    }
}
