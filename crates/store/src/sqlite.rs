//! The embedded SQLite backend (rusqlite, in-process): one writer connection shared by
//! the process, a few reader connections, WAL mode, foreign keys on, busy timeout.
//!
//! Statements run synchronously on the calling thread: each takes microseconds, far
//! less than handing it to another thread would.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};

use crate::conn::{Cells, Val};
use crate::error::StoreError;

/// How long a writer waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Reader connections kept open for reuse.
const IDLE_READERS: usize = 8;
/// The writer's page cache, in KiB (as a negative `cache_size`).
const WRITER_CACHE_KIB: i64 = -65_536;
/// Page size of new databases.
const PAGE_SIZE: i64 = 4096;
/// How often the background thread copies the write-ahead log into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);
/// WAL pages after which a committing writer checkpoints itself (a safety net: the
/// background thread normally keeps the log far shorter).
const WRITER_AUTOCHECKPOINT: i64 = 50_000;

/// An open SQLite database.
#[derive(Debug)]
pub(crate) struct Sqlite {
    pub path: PathBuf,
    pub writer: Arc<tokio::sync::Mutex<Writer>>,
    readers: Mutex<Vec<Connection>>,
    /// Dropping this stops the checkpoint thread.
    _checkpointer: std::sync::mpsc::Sender<()>,
}

/// The process's one write connection, and the journal head it last wrote.
#[derive(Debug)]
pub(crate) struct Writer {
    pub conn: Connection,
    /// The head after this connection's last append, valid while `PRAGMA data_version`
    /// still reads `data_version` (no other connection has committed since).
    pub head: Option<CachedHead>,
}

/// A journal head remembered between transactions.
#[derive(Debug, Clone)]
pub(crate) struct CachedHead {
    pub data_version: i64,
    pub seq: i64,
    pub hash: String,
}

impl Writer {
    /// Opens a write transaction. Uncontended, that takes microseconds on this thread;
    /// when another process holds the write lock, the wait (up to the busy timeout) runs
    /// where it does not stall the other tasks of this async worker.
    pub fn begin_immediate(&mut self) -> Result<(), StoreError> {
        self.conn.busy_timeout(Duration::ZERO)?;
        let first = run_cached(&self.conn, "BEGIN IMMEDIATE");
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        match first {
            Ok(()) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                let wait = || run_cached(&self.conn, "BEGIN IMMEDIATE");
                let waited = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor())
                {
                    Ok(tokio::runtime::RuntimeFlavor::MultiThread) => {
                        tokio::task::block_in_place(wait)
                    }
                    _ => wait(),
                };
                Ok(waited?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }
}

/// Opens a connection with Custodia's settings.
pub(crate) fn open_connection(path: &Path, create: bool) -> Result<Connection, StoreError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets readers work while one writer commits; NORMAL syncs at checkpoints, not at
    // every commit: a power cut may lose the last commits but never corrupts the file.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // After a large import the log shrinks back instead of keeping its peak size.
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl Sqlite {
    /// Opens (and with `create`, creates) the database file.
    pub fn open(path: &Path, create: bool) -> Result<Self, StoreError> {
        if !create && !path.exists() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let writer = open_connection(path, create)?;
        // Commits stay short when checkpoints run beside them instead of inside them.
        writer.pragma_update(None, "wal_autocheckpoint", WRITER_AUTOCHECKPOINT)?;
        // A large import's pages stay in memory until commit instead of spilling early.
        writer.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        Ok(Self {
            path: path.to_owned(),
            writer: Arc::new(tokio::sync::Mutex::new(Writer {
                conn: writer,
                head: None,
            })),
            readers: Mutex::new(Vec::new()),
            _checkpointer: start_checkpointer(path)?,
        })
    }

    /// A reader connection, reused when one is idle.
    pub fn reader(self: &Arc<Self>) -> Result<Reader, StoreError> {
        let idle = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => open_connection(&self.path, false)?,
        };
        Ok(Reader {
            conn: Some(conn),
            db: self.clone(),
        })
    }
}

/// Runs a statement without parameters or rows (BEGIN, COMMIT), prepared once: these run
/// on every write transaction.
pub(crate) fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.raw_execute().map(|_| ())
}

/// Starts the thread that checkpoints the write-ahead log in the background, on its own
/// connection, until the returned sender is dropped.
fn start_checkpointer(path: &Path) -> Result<std::sync::mpsc::Sender<()>, StoreError> {
    let conn = open_connection(path, false)?;
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(CHECKPOINT_EVERY)
            {
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "background checkpoint failed");
                }
            }
        })?;
    Ok(stop)
}

/// A reader connection that returns to the pool when dropped.
pub(crate) struct Reader {
    conn: Option<Connection>,
    db: Arc<Sqlite>,
}

impl Reader {
    /// The connection (present until the reader is dropped).
    pub fn conn(&mut self) -> Result<&mut Connection, StoreError> {
        self.conn
            .as_mut()
            .ok_or_else(|| StoreError::Task("reader connection already returned".into()))
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.db.readers.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < IDLE_READERS {
                idle.push(conn);
            }
        }
    }
}

/// The SQLite text of one of the store's SQL texts, translated once per process (the
/// texts are a fixed set of constants, so the cache stays small).
fn sqlite_text(sql: &'static str) -> &'static str {
    use std::collections::HashMap;
    static CACHE: std::sync::OnceLock<Mutex<HashMap<(usize, usize), &'static str>>> =
        std::sync::OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    cache
        .entry((sql.as_ptr() as usize, sql.len()))
        .or_insert_with(|| Box::leak(translate(sql).into_boxed_str()))
}

/// Rewrites PostgreSQL `$N` placeholders as SQLite `?N` (the same index), outside quotes.
pub(crate) fn translate(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '$' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

impl ToSql for Val<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Val::Int(Some(v)) => ValueRef::Integer(*v),
            Val::Text(Some(v)) => ValueRef::Text(v.as_bytes()),
            Val::Real(Some(v)) => ValueRef::Real(*v),
            Val::Int(None) | Val::Text(None) | Val::Real(None) => ValueRef::Null,
        }))
    }
}

fn prepare<'c>(
    conn: &'c Connection,
    sql: &'static str,
    params: &[Val<'_>],
) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
    let mut stmt = conn.prepare_cached(sqlite_text(sql))?;
    for (i, p) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, p)?;
    }
    Ok(stmt)
}

/// Runs a statement.
pub(crate) fn execute(
    conn: &Connection,
    sql: &'static str,
    params: &[Val<'_>],
) -> Result<u64, StoreError> {
    let mut stmt = prepare(conn, sql, params)?;
    Ok(stmt.raw_execute()? as u64)
}

/// Runs one statement once per parameter set, preparing it once.
pub(crate) fn execute_many<'p, const N: usize>(
    conn: &Connection,
    sql: &'static str,
    sets: impl Iterator<Item = [Val<'p>; N]>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sqlite_text(sql))?;
    for params in sets {
        for (i, p) in params.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, p)?;
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

/// Runs a query and maps every row.
pub(crate) fn fetch<T>(
    conn: &Connection,
    sql: &'static str,
    params: &[Val<'_>],
    map: impl Fn(&dyn Cells) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = prepare(conn, sql, params)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

impl Cells for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        Ok(self.get(i)?)
    }
}

/// Runs one statement per row of texts (SQLite's column affinity turns numbers back into
/// integers): for bench fixtures.
pub(crate) fn execute_rows(
    conn: &Connection,
    sql: &'static str,
    rows: &[Vec<Option<String>>],
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sqlite_text(sql))?;
    for row in rows {
        for (i, v) in row.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, v.as_deref())?;
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn placeholders_keep_their_index() {
        assert_eq!(
            translate("UPDATE t SET a = $2 WHERE b = $1 AND c = '$3'"),
            "UPDATE t SET a = ?2 WHERE b = ?1 AND c = '$3'"
        );
    }
}
