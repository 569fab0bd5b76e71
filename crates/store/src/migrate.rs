//! Schema migrations: one folder per backend with the same version numbers, embedded in
//! the binary so a deployed `custodia` needs no files beside it.

use sha2::{Digest, Sha256};

use crate::db::{Backend, Engine, Store};
use crate::error::StoreError;

/// (version, description, SQL) of each SQLite migration.
pub const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "journal",
        include_str!("../migrations/sqlite/0001_journal.sql"),
    ),
    (
        2,
        "facilities",
        include_str!("../migrations/sqlite/0002_facilities.sql"),
    ),
    (
        3,
        "journal_writer",
        include_str!("../migrations/sqlite/0003_journal_writer.sql"),
    ),
    (
        4,
        "users",
        include_str!("../migrations/sqlite/0004_users.sql"),
    ),
    (
        5,
        "sessions",
        include_str!("../migrations/sqlite/0005_sessions.sql"),
    ),
    (
        6,
        "persons",
        include_str!("../migrations/sqlite/0006_persons.sql"),
    ),
    (
        7,
        "population",
        include_str!("../migrations/sqlite/0007_population.sql"),
    ),
    (
        8,
        "roll_counters",
        include_str!("../migrations/sqlite/0008_roll_counters.sql"),
    ),
    (
        9,
        "staff",
        include_str!("../migrations/sqlite/0009_staff.sql"),
    ),
    (
        10,
        "incidents",
        include_str!("../migrations/sqlite/0010_incidents.sql"),
    ),
    (
        11,
        "seizures",
        include_str!("../migrations/sqlite/0011_seizures.sql"),
    ),
    (
        12,
        "user_preferences",
        include_str!("../migrations/sqlite/0012_user_preferences.sql"),
    ),
    (
        13,
        "occupants_index_only",
        include_str!("../migrations/sqlite/0013_occupants_index_only.sql"),
    ),
    (
        14,
        "statistics_indexes",
        include_str!("../migrations/sqlite/0014_statistics_indexes.sql"),
    ),
];

/// (version, description, SQL) of each PostgreSQL migration.
pub const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "journal",
        include_str!("../migrations/postgres/0001_journal.sql"),
    ),
    (
        2,
        "facilities",
        include_str!("../migrations/postgres/0002_facilities.sql"),
    ),
    (
        3,
        "journal_writer",
        include_str!("../migrations/postgres/0003_journal_writer.sql"),
    ),
    (
        4,
        "users",
        include_str!("../migrations/postgres/0004_users.sql"),
    ),
    (
        5,
        "sessions",
        include_str!("../migrations/postgres/0005_sessions.sql"),
    ),
    (
        6,
        "persons",
        include_str!("../migrations/postgres/0006_persons.sql"),
    ),
    (
        7,
        "population",
        include_str!("../migrations/postgres/0007_population.sql"),
    ),
    (
        8,
        "roll_counters",
        include_str!("../migrations/postgres/0008_roll_counters.sql"),
    ),
    (
        9,
        "staff",
        include_str!("../migrations/postgres/0009_staff.sql"),
    ),
    (
        10,
        "incidents",
        include_str!("../migrations/postgres/0010_incidents.sql"),
    ),
    (
        11,
        "seizures",
        include_str!("../migrations/postgres/0011_seizures.sql"),
    ),
    (
        12,
        "user_preferences",
        include_str!("../migrations/postgres/0012_user_preferences.sql"),
    ),
    (
        13,
        "occupants_index_only",
        include_str!("../migrations/postgres/0013_occupants_index_only.sql"),
    ),
    (
        14,
        "statistics_indexes",
        include_str!("../migrations/postgres/0014_statistics_indexes.sql"),
    ),
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
    version BIGINT PRIMARY KEY, description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";

/// A lock key that keeps two processes from migrating one PostgreSQL database at once.
const PG_MIGRATION_LOCK: i64 = 0x4355_5354_4f44_4941;

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

fn list(backend: Backend) -> &'static [(i64, &'static str, &'static str)] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

/// Checks applied migrations against this build's: a changed one is an error.
fn check(applied: &[(i64, String)], backend: Backend) -> Result<Vec<usize>, StoreError> {
    let wanted = list(backend);
    let mut pending = Vec::new();
    for (i, (version, description, sql)) in wanted.iter().enumerate() {
        match applied.iter().find(|(v, _)| v == version) {
            Some((_, sum)) if *sum != checksum(sql) => {
                return Err(StoreError::Migrate(format!(
                    "migration {version} ({description}) was changed after it was applied"
                )));
            }
            Some(_) => {}
            None => pending.push(i),
        }
    }
    if let Some((v, _)) = applied
        .iter()
        .find(|(v, _)| !wanted.iter().any(|(w, _, _)| w == v))
    {
        return Err(StoreError::Migrate(format!(
            "the database has migration {v}, which this build does not know: it is newer than this program"
        )));
    }
    Ok(pending)
}

impl Store {
    /// Applies every migration not yet applied, all in one transaction (all or none);
    /// refuses if an applied one was changed.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let now = custodia_domain::time::canonical(jiff::Timestamp::now());
        match &*self.engine {
            Engine::Sqlite(db) => {
                let mut w = db.writer.lock().await;
                w.head = None;
                w.conn.execute_batch(CREATE_TABLE)?;
                let tx = w
                    .conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let applied = sqlite_applied(&tx)?;
                for i in check(&applied, Backend::Sqlite)? {
                    let (version, description, sql) = SQLITE[i];
                    tx.execute_batch(sql).map_err(|e| {
                        StoreError::Migrate(format!("migration {version} ({description}): {e}"))
                    })?;
                    tx.execute(
                        "INSERT INTO schema_migrations (version, description, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
                        rusqlite::params![version, description, checksum(sql), now],
                    )?;
                }
                tx.commit()?;
            }
            Engine::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_MIGRATION_LOCK)
                    .execute(&mut *tx)
                    .await?;
                sqlx::raw_sql(CREATE_TABLE).execute(&mut *tx).await?;
                let applied: Vec<(i64, String)> =
                    sqlx::query_as("SELECT version, checksum FROM schema_migrations")
                        .fetch_all(&mut *tx)
                        .await?;
                for i in check(&applied, Backend::Postgres)? {
                    let (version, description, sql) = POSTGRES[i];
                    sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(|e| {
                        StoreError::Migrate(format!("migration {version} ({description}): {e}"))
                    })?;
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, description, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(version)
                    .bind(description)
                    .bind(checksum(sql))
                    .bind(&now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Whether every migration of this build has been applied, unchanged. Only reads: a
    /// database without the migrations table has none applied.
    pub async fn migrations_applied(&self) -> Result<bool, StoreError> {
        let mut r = self.reader().await?;
        let mut conn = r.conn()?;
        let exists = conn
            .fetch(
                match self.backend() {
                    Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                    Backend::Postgres => "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
                },
                &[],
                |c| c.int(0),
            )
            .await?;
        if exists.first().copied().unwrap_or(0) == 0 {
            return Ok(false);
        }
        let applied = conn
            .fetch(
                "SELECT version, checksum FROM schema_migrations",
                &[],
                |c| Ok((c.int(0)?, c.text(1)?)),
            )
            .await?;
        Ok(matches!(check(&applied, self.backend()), Ok(pending) if pending.is_empty()))
    }
}

fn sqlite_applied(conn: &rusqlite::Connection) -> Result<Vec<(i64, String)>, StoreError> {
    let mut stmt = conn.prepare("SELECT version, checksum FROM schema_migrations")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn on_disk(backend: &str) -> BTreeMap<i64, (String, String)> {
        let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        let mut found = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("migration folder") {
            let path = entry.expect("entry").path();
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_owned();
            let (version, description) = name.split_once('_').expect("VERSION_description.sql");
            let version: i64 = version.parse().expect("numeric version");
            let sql = std::fs::read_to_string(&path).expect("readable");
            assert!(
                found
                    .insert(version, (description.to_owned(), sql))
                    .is_none()
            );
        }
        found
    }

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let sqlite = on_disk("sqlite");
        let postgres = on_disk("postgres");
        assert!(!sqlite.is_empty());
        let names = |m: &BTreeMap<i64, (String, String)>| {
            m.iter()
                .map(|(v, (d, _))| (*v, d.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&sqlite), names(&postgres));
        let versions: Vec<i64> = sqlite.keys().copied().collect();
        assert_eq!(
            versions,
            (1..=versions.len() as i64).collect::<Vec<_>>(),
            "no gaps"
        );
    }

    #[test]
    fn every_file_is_embedded() {
        for (folder, embedded) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            let disk = on_disk(folder);
            let listed: BTreeMap<i64, (String, String)> = embedded
                .iter()
                .map(|(v, d, s)| (*v, ((*d).to_owned(), (*s).to_owned())))
                .collect();
            assert_eq!(
                listed, disk,
                "{folder}: the embedded list must match the folder"
            );
        }
    }
}
