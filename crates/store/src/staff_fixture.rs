//! Bulk loading of generated staff and duty rosters for benchmarks and measurements:
//! straight into the read tables (COPY on PostgreSQL), bypassing use cases and the
//! journal. Callers load only into a database without staff, with ids of their own.

use crate::conn::Conn;
use crate::db::Store;
use crate::error::StoreError;

/// A table the staff fixture fills, with the columns each row gives in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffFixtureTable {
    /// `id, service_number, given_names, surnames, kind, rank, home_facility,
    /// emergency_contact, active, username, sort_key, search_key, created_at, updated_at`.
    Staff,
    /// `id, facility, starts_at, ends_at, recorded_at, recorded_by`.
    Shifts,
    /// `shift_id, staff_id, post, facility, starts_at, ends_at` (the shift's facility and
    /// times; no shift longer than 24 hours).
    Duties,
}

impl StaffFixtureTable {
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            StaffFixtureTable::Staff => (
                "INSERT INTO staff (id, service_number, given_names, surnames, kind, rank, \
                 home_facility, emergency_contact, active, username, sort_key, search_key, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                "COPY staff (id, service_number, given_names, surnames, kind, rank, \
                 home_facility, emergency_contact, active, username, sort_key, search_key, \
                 created_at, updated_at) FROM STDIN",
            ),
            StaffFixtureTable::Shifts => (
                "INSERT INTO shifts (id, facility, starts_at, ends_at, recorded_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                "COPY shifts (id, facility, starts_at, ends_at, recorded_at, recorded_by) \
                 FROM STDIN",
            ),
            StaffFixtureTable::Duties => (
                "INSERT INTO duties (shift_id, staff_id, post, facility, starts_at, ends_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                "COPY duties (shift_id, staff_id, post, facility, starts_at, ends_at) FROM STDIN",
            ),
        }
    }
}

impl Store {
    /// Loads rows into one staff table in one transaction.
    pub async fn load_staff_fixture(
        &self,
        table: StaffFixtureTable,
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
    pub async fn finish_staff_fixture(&self) -> Result<(), StoreError> {
        self.write("bench", async move |tx| {
            if let Conn::Postgres(_) = tx.conn() {
                for sql in [
                    "SELECT setval(pg_get_serial_sequence('staff', 'id'), (SELECT max(id) FROM staff))",
                    "SELECT setval(pg_get_serial_sequence('shifts', 'id'), (SELECT max(id) FROM shifts))",
                ] {
                    tx.conn().fetch(sql, &[], |r| r.opt_int(0)).await?;
                }
            }
            tx.conn().execute("ANALYZE", &[]).await?;
            Ok::<_, StoreError>(())
        })
        .await
    }
}
