//! Opening a database from its URL, on either backend, and borrowing connections.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgPoolOptions;

use crate::conn::Conn;
use crate::error::StoreError;
use crate::sqlite::{self, Sqlite};

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (WAL mode, foreign keys on).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug)]
pub(crate) enum Engine {
    Sqlite(Arc<Sqlite>),
    Postgres(PgPool),
}

/// A handle to Custodia's database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) engine: Arc<Engine>,
}

/// A connection borrowed for reading.
pub(crate) enum ReadConn {
    Sqlite(sqlite::Reader),
    Postgres(PoolConnection<sqlx::Postgres>),
}

impl ReadConn {
    /// The connection to run statements on.
    pub fn conn(&mut self) -> Result<Conn<'_>, StoreError> {
        Ok(match self {
            ReadConn::Sqlite(r) => Conn::Sqlite(r.conn()?),
            ReadConn::Postgres(c) => Conn::Postgres(c),
        })
    }
}

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then_some(path)
}

impl Store {
    /// Opens `sqlite://PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Self::open(url, true).await
    }

    /// Opens an existing database only: a mistyped SQLite path is an error, not a new file.
    pub async fn connect_existing(url: &str) -> Result<Store, StoreError> {
        Self::open(url, false).await
    }

    async fn open(url: &str, create: bool) -> Result<Store, StoreError> {
        let engine = if url.starts_with("sqlite://") {
            let path = sqlite_path(url).ok_or_else(|| StoreError::BadUrl(url.to_owned()))?;
            Engine::Sqlite(Arc::new(Sqlite::open(Path::new(path), create)?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Engine::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(url.to_owned()));
        };
        Ok(Store {
            engine: Arc::new(engine),
        })
    }

    /// Which engine this store runs on.
    pub fn backend(&self) -> Backend {
        match &*self.engine {
            Engine::Sqlite(_) => Backend::Sqlite,
            Engine::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection for reading.
    pub(crate) async fn reader(&self) -> Result<ReadConn, StoreError> {
        Ok(match &*self.engine {
            Engine::Sqlite(db) => ReadConn::Sqlite(db.reader()?),
            Engine::Postgres(pool) => ReadConn::Postgres(pool.acquire().await?),
        })
    }

    /// Answers when the database can be reached.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut r = self.reader().await?;
        r.conn()?.fetch("SELECT 1", &[], |c| c.int(0)).await?;
        Ok(())
    }

    /// Closes every connection (on shutdown).
    pub async fn close(&self) {
        if let Engine::Postgres(pool) = &*self.engine {
            pool.close().await;
        }
    }

    /// Runs SQL directly, bypassing the domain: for tests that must tamper with the
    /// database. Only in builds with the `test-support` feature.
    #[cfg(feature = "test-support")]
    pub async fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        match &*self.engine {
            Engine::Sqlite(db) => {
                let mut w = db.writer.lock().await;
                w.head = None;
                w.conn.execute_batch(sql)?;
            }
            Engine::Postgres(pool) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }
}
