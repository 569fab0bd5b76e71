//! Throwaway databases for tests, on both backends, with no mocks.
//!
//! PostgreSQL: the first test that asks starts one cluster for its test binary (initdb +
//! pg_ctl in a temporary folder, on a free loopback port); each test then gets a fresh
//! database in it. A watcher stops the cluster and deletes its folder when the test
//! binary exits. SQLite: each test gets a file in a temporary folder.

#![warn(missing_docs)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use custodia_store::Store;

/// A database made for one test; dropped with the test.
pub struct TestDb {
    /// The connected, migrated store.
    pub store: Store,
    /// Its URL, for running the `custodia` binary against it.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database in this test binary's PostgreSQL cluster.
    Postgres,
}

/// A fresh, migrated database of the given kind.
pub async fn fresh(kind: Kind) -> TestDb {
    let db = fresh_unmigrated(kind).await;
    db.store.migrate().await.expect("migrations apply");
    db
}

/// A fresh database of the given kind, without migrations applied.
pub async fn fresh_unmigrated(kind: Kind) -> TestDb {
    match kind {
        Kind::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary folder");
            let url = format!("sqlite://{}", dir.path().join("custodia.db").display());
            let store = Store::connect(&url).await.expect("open sqlite");
            TestDb {
                store,
                url,
                _dir: Some(dir),
            }
        }
        Kind::Postgres => {
            let url = postgres_database().await;
            let store = Store::connect(&url)
                .await
                .expect("connect to test postgres");
            TestDb {
                store,
                url,
                _dir: None,
            }
        }
    }
}

/// Runs the same async test body on both backends, as two named tests.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($db:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($db: $crate::TestDb) $body
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() { run($crate::fresh($crate::Kind::Sqlite).await).await }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() { run($crate::fresh($crate::Kind::Postgres).await).await }
            }
        )*
    };
}

struct Cluster {
    port: u16,
    socket_dir: PathBuf,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// Creates a new database in this process's cluster and returns its URL.
async fn postgres_database() -> String {
    let cluster = tokio::task::spawn_blocking(|| CLUSTER.get_or_init(start_cluster))
        .await
        .expect("cluster start");
    let name = format!(
        "t{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::SeqCst)
    );
    let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
    let store = connect_with_retry(&admin).await;
    store
        .execute_raw(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    store.close().await;
    let _ = &cluster.socket_dir;
    format!("postgres://postgres@127.0.0.1:{}/{name}", cluster.port)
}

/// Connects, waiting out the seconds in which a just-started server refuses sessions.
async fn connect_with_retry(url: &str) -> Store {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match Store::connect(url).await {
            Ok(store) => return store,
            Err(e) if Instant::now() > deadline => {
                panic!("cannot connect to the test cluster: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The folder holding initdb, pg_ctl and postgres.
pub fn postgres_bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("CUSTODIA_PG_BIN") {
        return PathBuf::from(dir);
    }
    // The newest installed major version (numerically: 16 is newer than 9.6).
    let mut found: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("bin/initdb").exists())
        .map(|e| {
            let version = e
                .file_name()
                .to_string_lossy()
                .split('.')
                .map(|n| n.parse().unwrap_or(0))
                .collect();
            (version, e.path().join("bin"))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).expect(
        "PostgreSQL server binaries not found under /usr/lib/postgresql: install the `postgresql` package (.ci/run does)",
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs a shell script as the `postgres` user when we are root (initdb refuses root).
fn as_postgres_user(script: &str) -> Command {
    let mut cmd = if running_as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", script]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    };
    // A folder the postgres user can enter: the test's own may be closed to it.
    cmd.stdin(Stdio::null()).current_dir("/");
    cmd
}

fn start_cluster() -> Cluster {
    let bin = postgres_bin_dir();
    // Not a TempDir: the watcher, not this process, removes it after the binary exits.
    let dir = tempfile::Builder::new()
        .prefix("custodia-pg-")
        .tempdir_in("/tmp")
        .expect("temporary folder")
        .keep();
    make_accessible(&dir);
    let data = dir.join("data");
    let port = free_port();
    let log = dir.join("postgres.log");
    let init = as_postgres_user(&format!(
        "'{bin}/initdb' -D '{data}' -U postgres -A trust -E UTF8 --no-locale >'{dir}/initdb.log' 2>&1",
        bin = bin.display(),
        data = data.display(),
        dir = dir.display()
    ))
    .status()
    .expect("run initdb");
    assert!(
        init.success(),
        "initdb failed: see {}/initdb.log",
        dir.display()
    );
    // Start the server, then wait in the background for this test binary to exit and
    // tear everything down, so no cluster outlives its tests.
    let watcher = format!(
        "'{bin}/pg_ctl' -D '{data}' -l '{log}' -w -o \"-p {port} -k '{dir}' -c listen_addresses=127.0.0.1 \
         -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >/dev/null 2>&1; \
         while [ -d /proc/{parent} ]; do sleep 1; done; \
         '{bin}/pg_ctl' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
        bin = bin.display(),
        data = data.display(),
        log = log.display(),
        dir = dir.display(),
        parent = std::process::id(),
    );
    // The watcher is detached on purpose: it outlives this process to clean up after it.
    #[allow(clippy::zombie_processes)]
    as_postgres_user(&watcher)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the postgres watcher");
    wait_for_port(port, &log);
    Cluster {
        port,
        socket_dir: dir,
    }
}

fn make_accessible(dir: &Path) {
    if running_as_root() {
        let ok = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(
            ok,
            "chown of the test cluster folder to postgres failed (does the postgres user exist?)"
        );
    }
}

fn wait_for_port(port: u16, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let tail = std::fs::read_to_string(log).unwrap_or_default();
    panic!("test PostgreSQL did not start on port {port}:\n{tail}");
}
