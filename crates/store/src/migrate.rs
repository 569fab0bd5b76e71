//! Schema migrations: one folder per backend with the same version numbers, embedded in
//! the binary so a deployed `custodia` needs no files beside it.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migrate, Migration, MigrationType, Migrator};

use crate::db::{Backend, Store};
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
];

fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    Migrator::with_migrations(
        list.iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    sqlx::AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

impl Store {
    /// Applies every migration not yet applied; refuses if an applied one was changed.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrator(self.backend()).run(&self.pool).await?;
        Ok(())
    }

    /// Whether every migration of this build has been applied. Only reads: a database
    /// without the migrations table has none applied.
    pub async fn migrations_applied(&self) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let Ok(applied) = conn.list_applied_migrations("_sqlx_migrations").await else {
            return Ok(false);
        };
        let wanted = migrator(self.backend());
        Ok(wanted.iter().all(|m| {
            applied
                .iter()
                .any(|a| a.version == m.version && a.checksum == m.checksum)
        }))
    }
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
