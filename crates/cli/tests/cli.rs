//! The `custodia` binary as an operator uses it, against both backends.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use custodia_store::{Backend, Store};
use custodia_testkit::both_backends;

/// Runs custodia with `input` on standard input.
fn custodia_with_input(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_custodia"))
        .args(args)
        .env_remove("CUSTODIA_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run custodia");
    // A command that refuses its arguments may exit before reading: a closed pipe then
    // is its answer, not the test's failure.
    if let Err(e) = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
    {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("custodia output")
}

fn custodia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_custodia"))
        .args(args)
        .env_remove("CUSTODIA_DB")
        .stdin(Stdio::null())
        .output()
        .expect("run custodia")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &std::path::Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write fixture");
    path.display().to_string()
}

const FACILITIES_CSV: &str = "\
code,name,kind,province,city,timezone,holds_sex,holds_age,security_levels
CPL-AZ-1,CPL Azuay N° 1 (Turi),CPL,Azuay,Cuenca,America/Guayaquil,men,adults,\"maximum,medium\"
CAI-AZ-1,CAI Cuenca,CAI,Azuay,Cuenca,America/Guayaquil,men,adolescents,minimum
";

const LOCATIONS_CSV: &str = "\
facility,code,name,parent_code,security_level,holds_sex,design_capacity,operational_capacity
CPL-AZ-1,PAB-A-C1,Celda 1,PAB-A,maximum,men,4,4
CPL-AZ-1,PAB-A,Pabellón A,,maximum,men,0,0
CPL-AZ-1,PAB-A-C2,Celda 2,PAB-A,maximum,men,4,6
CAI-AZ-1,BLQ-1,Bloque 1,,minimum,men,20,20
";

async fn counts(store: &Store) -> (usize, i64) {
    (
        store.facilities().await.unwrap().len(),
        store.journal_len().await.unwrap(),
    )
}

#[test]
fn every_help_is_clear() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["seed", "--help"],
        vec!["facilities", "import", "--help"],
        vec!["facilities", "list", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "head", "--help"],
        vec!["bench", "journal", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "grant", "--help"],
        vec!["user", "disable", "--help"],
        vec!["user", "list", "--help"],
        vec!["token", "create", "--help"],
        vec!["token", "revoke", "--help"],
        vec!["token", "list", "--help"],
    ] {
        let out = custodia(&args);
        assert!(out.status.success(), "{args:?}");
        let help = text(&out.stdout);
        assert!(help.contains("Usage:"), "{args:?}: {help}");
        if args.len() > 1 {
            assert!(
                help.contains("--db") || args[0] == "bench",
                "{args:?} must take --db"
            );
        }
    }
}

#[test]
fn serve_reports_an_unusable_database_clearly() {
    let out = custodia(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        "postgres://nobody@127.0.0.1:1/none",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("cannot open the database"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn audit_never_creates_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/typo/nothere.db", dir.path().display());
    for args in [
        vec!["audit", "verify", "--db", &url],
        vec!["audit", "head", "--db", &url],
    ] {
        let out = custodia(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains("no Custodia database"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(!dir.path().join("typo").exists());
}

#[test]
fn a_non_utf8_file_is_rejected_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("excel.csv");
    let mut bytes = LOCATIONS_CSV.as_bytes().to_vec();
    bytes.extend_from_slice(b"CPL-AZ-1,PAB-B,Pabell\xf3n B,,maximum,men,0,0\n");
    std::fs::write(&path, bytes).unwrap();
    let url = format!("sqlite://{}/c.db", dir.path().display());
    let out = custodia(&["facilities", "import", "--db", &url, path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("line 6: file encoding"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn duplicate_csv_columns_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "f.csv",
        "code,name,kind,province,city,timezone,holds_sex,holds_age,security_levels,kind\n\
         CPL-A,A,CPL,Azuay,Cuenca,America/Guayaquil,men,adults,medium,CDP\n",
    );
    let url = format!("sqlite://{}/c.db", dir.path().display());
    let out = custodia(&["facilities", "import", "--db", &url, &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`kind` appears twice"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unknown_database_urls_are_refused() {
    let out = custodia(&["migrate", "--db", "mysql://localhost/x"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unsupported database URL"));
}

both_backends! {
    async fn import_all_or_nothing(db) {
        let dir = tempfile::tempdir().unwrap();
        let facilities = write(dir.path(), "facilities.csv", FACILITIES_CSV);
        let bad_locations = write(
            dir.path(),
            "locations.csv",
            &format!(
                "{LOCATIONS_CSV}CPL-AZ-1,PAB-B,Pabellón B,,maximum,men,-2,0\n\
                 CPL-AZ-1,PAB-A,Duplicado,,maximum,men,0,0\n\
                 CPL-AZ-1,X-1,Sin padre,NOPE,maximum,men,1,1\n\
                 CPL-XX-9,Y-1,Centro desconocido,,maximum,men,1,1\n\
                 CPL-AZ-1,Z-1,Tipo raro,,extreme,men,1,1\n"
            ),
        );
        let out = custodia(&["facilities", "import", "--db", &db.url, &facilities, &bad_locations]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        for expected in [
            "locations.csv:line 6: location design_capacity",
            "line 7: location code",
            "line 8: location parent_code",
            "line 9: location facility",
            "line 10: location security_level",
        ] {
            assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
        }
        assert_eq!(counts(&db.store).await, (0, 0), "a rejected import imports nothing");

        let good_locations = write(dir.path(), "locations.csv", LOCATIONS_CSV);
        let out = custodia(&["facilities", "import", "--db", &db.url, &facilities, &good_locations]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("imported 2 facilities and 4 locations"));
        assert_eq!(counts(&db.store).await, (2, 6));
        let tree = db.store.locations_of("CPL-AZ-1").await.unwrap();
        let pavilion = tree.iter().find(|l| l.code == "PAB-A").unwrap();
        assert!(tree.iter().filter(|l| l.code.starts_with("PAB-A-")).all(|l| l.parent_id == Some(pavilion.id)));

        // Importing the same facilities again is refused as duplicates, and changes nothing.
        let out = custodia(&["facilities", "import", "--db", &db.url, &facilities]);
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains("already exists"));
        assert_eq!(counts(&db.store).await, (2, 6));

        let out = custodia(&["facilities", "list", "--db", &db.url]);
        assert!(text(&out.stdout).contains("CPL-AZ-1"));
        let out = custodia(&["audit", "verify", "--db", &db.url]);
        assert!(out.status.success());
        assert!(text(&out.stdout).contains("6 events verified"), "{}", text(&out.stdout));
    }

    async fn json_import_reports_lines(db) {
        let dir = tempfile::tempdir().unwrap();
        let bad = write(dir.path(), "bad.json", r#"{
  "facilities": [
    {"code": "CDP-PI-1", "name": "CDP Quito", "kind": "CDP", "province": "Pichincha", "city": "Quito",
     "timezone": "America/Guayaquil", "holds_sex": "both", "holds_age": "adults", "security_levels": ["medium"]},
    {"code": "CDP-PI-2", "name": "CDP Quito 2", "kind": "JAIL", "province": "Pichincha", "city": "Quito",
     "timezone": "America/Guayaquil", "holds_sex": "both", "holds_age": "adults", "security_levels": ["medium"]}
  ],
  "locations": [
    {"facility": "CDP-PI-1", "code": "B-1", "name": "Bloque 1", "security_level": "medium",
     "holds_sex": "men", "design_capacity": 10, "operational_capacity": 10, "colour": "red"}
  ]
}"#);
        let out = custodia(&["facilities", "import", "--db", &db.url, &bad]);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(err.contains("bad.json:line 5: facility kind"), "{err}");
        assert!(err.contains("bad.json:line 9: location"), "{err}");
        assert!(err.contains("colour"), "{err}");
        assert_eq!(counts(&db.store).await, (0, 0));

        let good = write(dir.path(), "good.json", r#"{"facilities": [
    {"code": "CDP-PI-1", "name": "CDP Quito", "kind": "CDP", "province": "Pichincha", "city": "Quito",
     "timezone": "America/Guayaquil", "holds_sex": "both", "holds_age": "adults", "security_levels": ["medium"]}],
  "locations": [
    {"facility": "CDP-PI-1", "code": "B-1-C1", "name": "Celda 1", "parent_code": "B-1", "security_level": "medium",
     "holds_sex": "men", "design_capacity": 6, "operational_capacity": 6},
    {"facility": "CDP-PI-1", "code": "B-1", "name": "Bloque 1", "security_level": "medium",
     "holds_sex": "men", "design_capacity": 0, "operational_capacity": 0}]}"#);
        let out = custodia(&["facilities", "import", "--db", &db.url, &good]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(counts(&db.store).await, (1, 3));
    }

    async fn audit_verify_names_the_first_bad_sequence(db) {
        // A fiftieth of the 2023 population keeps the test quick (1.0 is the default).
        let out = custodia(&["seed", "--db", &db.url, "--demo-admin", "--demo-scale", "0.02"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(!text(&out.stdout).contains("password"), "secrets stay off standard output");
        // Generated persons, admitted through the real use case: journaled, with deadlines.
        let admitted: u32 = text(&out.stdout)
            .split("admitted ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("an admitted count");
        assert!(admitted >= 400, "{admitted}");
        // Placed in cells through the placement use case, gangs kept apart, some out.
        let system = custodia_app::Principal::system("test");
        let roll = custodia_app::population::national_roll(&db.store, &system).await.unwrap();
        assert!(roll.totals.in_place >= admitted as i64 - 20, "{:?}", roll.totals);
        assert!(roll.totals.out >= 3 && roll.totals.overdue_back >= 1, "{:?}", roll.totals);
        let groups = custodia_app::population::groups(&db.store, &system).await.unwrap();
        assert_eq!(groups.len(), 5);
        let rules = custodia_app::population::keep_apart_list(&db.store, &system, None, 0, 100).await.unwrap();
        assert!(rules.len() >= 7, "{rules:?}");
        let due = custodia_app::persons::deadlines(&db.store, &system, None, 30).await.unwrap();
        assert!(due.overdue > 0, "the demo shows someone held past a limit");
        let found = custodia_app::persons::search(&db.store, &system, "zambrano", 0, 5).await.unwrap();
        assert!(!found.items.is_empty());
        let printed = text(&out.stderr);
        let password = printed.split_whitespace().skip_while(|w| *w != "password").nth(1).unwrap().to_owned();
        let creds = db.store.credentials("demo.admin").await.unwrap().expect("demo administrator");
        assert!(!creds.password_hash.contains(&password), "stored hashed");
        let store = db.store.clone();
        let throttle = custodia_app::sign_in::Throttle::default();
        let signed_in = custodia_app::sign_in::sign_in(&store, &throttle, "demo.admin", &password, "cli-test").await;
        assert!(signed_in.is_ok(), "the printed password signs in");
        let out = custodia(&["seed", "--db", &db.url]);
        assert!(text(&out.stdout).contains("seed skipped"));
        let out = custodia(&["audit", "verify", "--db", &db.url]);
        assert!(out.status.success());
        let head = text(&custodia(&["audit", "head", "--db", &db.url]).stdout).trim().to_owned();
        let out = custodia(&["audit", "verify", "--db", &db.url, "--anchor", &head]);
        assert!(out.status.success(), "{}", text(&out.stdout));

        let bypass = match db.store.backend() {
            Backend::Sqlite => "DROP TRIGGER journal_refuses_update; UPDATE journal SET actor = 'someone-else' WHERE seq = 42",
            Backend::Postgres => "ALTER TABLE journal DISABLE TRIGGER USER; UPDATE journal SET actor = 'someone-else' WHERE seq = 42",
        };
        db.store.execute_raw(bypass).await.unwrap();
        let out = custodia(&["audit", "verify", "--db", &db.url]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stdout).contains("JOURNAL BROKEN at sequence 42"), "{}", text(&out.stdout));

        let out = custodia(&["audit", "verify", "--db", &db.url, "--anchor", "12:nothex"]);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("64 hexadecimal"));
    }

    async fn users_and_tokens_at_the_command_line(db) {
        let url = db.url.as_str();
        assert!(custodia(&["seed", "--db", url, "--demo-scale", "0"]).status.success());
        let add = |name: &str, role: &str, facility: Option<&str>, password: &str| {
            let mut args = vec!["user", "add", "--db", url, "--username", name, "--role", role, "--password-stdin"];
            if let Some(f) = facility {
                args.extend(["--facility", f]);
            }
            custodia_with_input(&args, &format!("{password}\n"))
        };
        let out = add("root.admin", "national-admin", None, "cuatro caballos azules");
        assert!(out.status.success(), "{}", text(&out.stderr));
        // The password policy, the role names and the facilities are checked.
        let weak = add("weak", "facility-officer", Some("CPL-AZ-1"), "password1234");
        assert!(!weak.status.success());
        assert!(text(&weak.stderr).contains("password"), "{}", text(&weak.stderr));
        let bad_role = add("x.y", "warden", None, "cuatro caballos azules");
        assert!(!bad_role.status.success());
        assert!(text(&bad_role.stderr).contains("national-admin"), "{}", text(&bad_role.stderr));
        let nowhere = add("x.y", "facility-officer", Some("CPL-NOPE"), "cuatro caballos azules");
        assert!(!nowhere.status.success());
        let out = add("ofi.turi", "facility-officer", Some("CPL-AZ-1"), "siete lunas sobre turi");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = custodia(&["user", "grant", "--db", url, "--username", "ofi.turi", "--role", "health-officer", "--facility", "CPL-AZ-1"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let list = text(&custodia(&["user", "list", "--db", url]).stdout);
        assert!(list.contains("ofi.turi") && list.contains("health-officer (CPL-AZ-1)"), "{list}");
        assert!(!list.contains("siete lunas"), "no password is ever printed");

        let out = custodia(&["token", "create", "--db", url, "--username", "ofi.turi", "--name", "roll feed", "--read-only", "--days", "30"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let token = text(&out.stdout).trim().to_owned();
        assert!(token.starts_with("cst_") && token.len() == 68, "{token}");
        let tokens = text(&custodia(&["token", "list", "--db", url]).stdout);
        assert!(tokens.contains("roll feed") && tokens.contains("read-only"), "{tokens}");
        assert!(!tokens.contains(&token[4..]), "secrets are never listed");
        let principal = custodia_app::users::authenticate(&db.store, &token).await.unwrap();
        assert_eq!(principal.actor, "user:ofi.turi");
        let id = tokens.split_whitespace().next().unwrap().to_owned();
        assert!(custodia(&["token", "revoke", "--db", url, "--id", &id]).status.success());
        assert!(custodia_app::users::authenticate(&db.store, &token).await.is_err());

        let out = custodia(&["user", "disable", "--db", url, "--username", "ofi.turi"]);
        assert!(text(&out.stdout).contains("disabled"), "{}", text(&out.stdout));
        let out = custodia(&["token", "create", "--db", url, "--username", "ofi.turi", "--name", "again"]);
        assert!(!out.status.success(), "a disabled user gets no token");
        // Every change is in the journal, and no secret is.
        let journal: Vec<_> = db.store.journal_page(0, 100_000).await.unwrap();
        let kinds: Vec<&str> = journal.iter().map(|e| e.event_type.as_str()).filter(|t| t.starts_with("user.") || t.starts_with("token.")).collect();
        assert_eq!(kinds, ["user.created", "user.created", "user.granted", "token.created", "token.revoked", "user.disabled"]);
        assert!(journal.iter().all(|e| !e.payload.contains("siete lunas") && !e.payload.contains(&token[4..])));
        assert!(db.store.verify_journal(None).await.is_ok());
    }

    async fn serve_answers_and_stops_gracefully(db) {
        // Every interface: with access control in place Custodia may listen beyond loopback.
        let mut child = Command::new(env!("CARGO_BIN_EXE_custodia"))
            .args(["serve", "--listen", "0.0.0.0:0", "--db", &db.url])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let url = first.split_whitespace().find(|w| w.starts_with("http://")).unwrap().replace("0.0.0.0", "127.0.0.1");
        let health: serde_json::Value = reqwest::get(format!("{url}/readyz")).await.unwrap().json().await.unwrap();
        assert_eq!(health["status"], "ready");
        let signal = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(signal.success());
        let status = child.wait().unwrap();
        assert!(status.success(), "graceful shutdown exits 0, got {status:?}");
    }

    // The incidents bench loads into an empty database only, checks the figures it
    // times, and records concurrent hostage changes each once.
    async fn incidents_bench_runs(db) {
        let args = ["bench", "incidents", "--db", &db.url, "--facilities", "3", "--staff", "90", "--changes", "40", "--clients", "4", "--samples", "5"];
        let out = custodia(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report = text(&out.stdout);
        for wanted in ["loaded 3 facilities, 90 staff on duty", "situation", "accountability board, now", "40 hostage status changes by 4 concurrent clients", "board consistent"] {
            assert!(report.contains(wanted), "{wanted}: {report}");
        }
        let again = custodia(&args);
        assert!(!again.status.success());
        assert!(text(&again.stderr).contains("empty database"), "{}", text(&again.stderr));
    }

    // The population bench loads into an empty database only, and checks what it times:
    // the national roll counts everyone placed, the bulk operation dispatches and receives
    // everyone.
    async fn population_bench_runs(db) {
        let args = ["bench", "population", "--db", &db.url, "--persons", "800", "--facilities", "4", "--movements", "3", "--rules", "500", "--bulk", "100", "--samples", "10"];
        let out = custodia(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report = text(&out.stdout);
        for wanted in ["loaded 800 persons in 4 facilities", "national roll", "placement check, 500 rules", "unit occupants at a past instant, 2400 movements", "bulk operation of 100", "received as a whole"] {
            assert!(report.contains(wanted), "{wanted}: {report}");
        }
        let again = custodia(&args);
        assert!(!again.status.success());
        assert!(text(&again.stderr).contains("empty database"), "{}", text(&again.stderr));
    }

    async fn bench_runs_and_refuses_real_data(db) {
        let out = custodia(&["bench", "journal", "--db", &db.url, "--batched", "300", "--batch-size", "100", "--single", "20", "--verify", "500"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report = text(&out.stdout);
        assert!(report.contains("one per transaction"), "{report}");
        assert!(report.contains("500 events"), "{report}");
        let out = custodia(&["bench", "journal", "--db", &db.url, "--batched", "10"]);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("not empty"));

        let out = custodia(&["bench", "search", "--db", &db.url, "--persons", "700", "--queries", "70"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report = text(&out.stdout);
        assert!(report.contains("loaded 700 persons"), "{report}");
        assert!(report.contains("given name + surname with a typo"), "{report}");
        assert!(report.contains("p95"), "{report}");
        // The person sought by registry or cédula number is always on the first page.
        let number_rows: Vec<&str> = report
            .lines()
            .filter(|l| l.trim_start().starts_with("registry number") || l.trim_start().starts_with("cédula number"))
            .collect();
        assert_eq!(number_rows.len(), 4, "two principals × two kinds: {report}");
        for row in number_rows {
            let columns: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(columns[columns.len() - 2], "0", "missed: {row}");
        }
        let out = custodia(&["bench", "search", "--db", &db.url, "--persons", "700", "--queries", "7"]);
        assert!(!out.status.success(), "the registry now holds persons");
        assert!(text(&out.stderr).contains("already holds persons"));
        let out = custodia(&["bench", "search", "--db", &db.url, "--persons", "700", "--queries", "7", "--reuse"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}
