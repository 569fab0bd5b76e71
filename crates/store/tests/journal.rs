//! The journal on both backends: chaining, append-only triggers, tamper detection,
//! concurrent writers.

use custodia_domain::events::NewEvent;
use custodia_domain::journal::{Anchor, ChainBreak};
use custodia_store::audit::VerifyError;
use custodia_store::{Backend, Store, StoreError};
use custodia_testkit::both_backends;

fn event(n: i64) -> NewEvent {
    NewEvent {
        event_type: "test.happened",
        schema_version: 1,
        occurred_at: jiff::Timestamp::now(),
        facility: (n % 3 == 0).then(|| "CPL-AZ-1".to_owned()),
        subject: format!("thing:{n}"),
        payload: serde_json::json!({ "n": n, "name": "Martínez" }).to_string(),
    }
}

async fn append(store: &Store, from: i64, count: i64) {
    store
        .write("test", async move |tx| {
            let events: Vec<NewEvent> = (from..from + count).map(event).collect();
            tx.append_all(&events).await
        })
        .await
        .expect("append");
}

/// Where verification finds the chain broken; checked one range at a time and in three
/// parallel ranges (whose joins then matter), which must agree.
async fn broken_at(store: &Store) -> (i64, ChainBreak) {
    let mut found = Vec::new();
    for parts in [Some(1), Some(3), Some(7)] {
        match store.verify_journal_in_parts(None, parts).await {
            Err(VerifyError::Broken(b)) => found.push((b.seq, b.reason)),
            other => panic!("expected a broken chain in {parts:?} parts, got {other:?}"),
        }
    }
    assert!(
        found.windows(2).all(|w| w[0] == w[1]),
        "parts disagree: {found:?}"
    );
    found.remove(0)
}

/// Runs SQL with the append-only triggers out of the way, as an attacker with database
/// access would.
async fn tamper(store: &Store, sql: &str) {
    match store.backend() {
        Backend::Sqlite => {
            store
                .execute_raw(&format!(
                    "DROP TRIGGER IF EXISTS journal_refuses_update; DROP TRIGGER IF EXISTS journal_refuses_delete; {sql}"
                ))
                .await
                .expect("tamper");
        }
        Backend::Postgres => {
            store
                .execute_raw(&format!(
                    "ALTER TABLE journal DISABLE TRIGGER USER; {sql}; ALTER TABLE journal ENABLE TRIGGER USER"
                ))
                .await
                .expect("tamper");
        }
    }
}

both_backends! {
    async fn appends_chain_and_verify(db) {
        let store = &db.store;
        append(store, 1, 1000).await;
        for n in 1001..1011 {
            store.write("test", async move |tx| tx.append(event(n)).await).await.unwrap();
        }
        let report = store.verify_journal(None).await.unwrap();
        assert_eq!(report.verified, 1010);
        let head = report.head.unwrap();
        assert_eq!(head.seq, 1010);
        assert_eq!(store.journal_head().await.unwrap(), (1010, head.hash.clone()));
        let history = store.journal_for_subject("thing:7", 0, 10).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].payload, r#"{"n":7,"name":"Martínez"}"#);
        // The anchor taken now still matches later.
        append(store, 2000, 5).await;
        store.verify_journal(Some(&head)).await.unwrap();
    }

    async fn special_characters_survive_batches(db) {
        let store = &db.store;
        let raw = "tab\there\nnew line\r\\ backslash \\N ñ 🙂";
        let events: Vec<NewEvent> = (1..=3)
            .map(|n| NewEvent { payload: format!("{raw} {n}"), subject: format!("odd:{raw}"), ..event(n) })
            .collect();
        store
            .write("test", async move |tx| tx.append_all(&events).await)
            .await
            .unwrap();
        let stored = store.journal_for_subject(&format!("odd:{raw}"), 0, 10).await.unwrap();
        assert_eq!(stored.len(), 3);
        assert_eq!(stored[2].payload, format!("{raw} 3"));
        store.verify_journal(None).await.unwrap();
    }

    async fn an_empty_journal_verifies(db) {
        let report = db.store.verify_journal(None).await.unwrap();
        assert_eq!(report.verified, 0);
        assert_eq!(report.head, None);
    }

    async fn triggers_refuse_update_and_delete(db) {
        let store = &db.store;
        append(store, 1, 3).await;
        for sql in [
            "UPDATE journal SET payload = '{}' WHERE seq = 2",
            "DELETE FROM journal WHERE seq = 3",
        ] {
            let err = store.execute_raw(sql).await.unwrap_err();
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
        if store.backend() == Backend::Postgres {
            let err = store.execute_raw("TRUNCATE journal").await.unwrap_err();
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        assert_eq!(store.journal_len().await.unwrap(), 3);
        store.verify_journal(None).await.unwrap();
    }

    async fn an_altered_row_is_found(db) {
        let store = &db.store;
        append(store, 1, 50).await;
        tamper(store, "UPDATE journal SET payload = '{\"n\":999}' WHERE seq = 17").await;
        assert_eq!(broken_at(store).await, (17, ChainBreak::ContentAltered));
    }

    async fn a_deleted_row_is_found(db) {
        let store = &db.store;
        append(store, 1, 50).await;
        tamper(store, "DELETE FROM journal WHERE seq = 23").await;
        assert_eq!(broken_at(store).await.0, 23);
    }

    async fn extreme_sequence_numbers_are_found(db) {
        let store = &db.store;
        append(store, 1, 30).await;
        let forge = |seq: i64| format!(
            "INSERT INTO journal (seq, id, event_type, schema_version, occurred_at, recorded_at, actor, facility, subject, payload, prev_hash, hash) \
             SELECT {seq}, 'forged', event_type, schema_version, occurred_at, recorded_at, actor, facility, subject, payload, prev_hash, hash FROM journal WHERE seq = 30"
        );
        tamper(store, &forge(i64::MAX)).await;
        assert_eq!(broken_at(store).await.0, 31, "a gap after the real head");
        tamper(store, &forge(i64::MIN)).await;
        assert_eq!(broken_at(store).await.0, i64::MIN, "a row before the first");
    }

    async fn a_corrupt_head_stops_writes(db) {
        let store = &db.store;
        append(store, 1, 5).await;
        tamper(store, "UPDATE journal SET hash = 'not a hash' WHERE seq = 5").await;
        let refused: Result<i64, StoreError> =
            store.write("test", async move |tx| tx.append(event(6)).await).await;
        assert!(matches!(refused, Err(StoreError::Corrupt(_))), "{refused:?}");
        assert_eq!(store.journal_len().await.unwrap(), 5);
    }

    async fn tampering_at_range_joins_is_found(db) {
        // With 60 entries in 3 parts the ranges are 1-20, 21-40, 41-60.
        let store = &db.store;
        append(store, 1, 60).await;
        for parts in [1, 2, 3, 4, 60] {
            let report = store.verify_journal_in_parts(None, Some(parts)).await.unwrap();
            assert_eq!(report.verified, 60, "{parts} parts");
            assert_eq!(report.head.unwrap().seq, 60);
        }
        tamper(store, "UPDATE journal SET prev_hash = hash WHERE seq = 21").await;
        assert_eq!(broken_at(store).await, (21, ChainBreak::BrokenLink));
    }

    async fn the_last_entry_of_a_range_altered_is_found(db) {
        let store = &db.store;
        append(store, 1, 60).await;
        tamper(store, "UPDATE journal SET actor = 'x' WHERE seq = 20").await;
        assert_eq!(broken_at(store).await, (20, ChainBreak::ContentAltered));
    }

    async fn a_whole_range_deleted_is_found(db) {
        let store = &db.store;
        append(store, 1, 60).await;
        tamper(store, "DELETE FROM journal WHERE seq BETWEEN 21 AND 40").await;
        assert_eq!(broken_at(store).await.0, 21);
    }

    async fn a_row_inserted_out_of_chain_is_found(db) {
        let store = &db.store;
        append(store, 1, 10).await;
        tamper(
            store,
            "INSERT INTO journal (seq, id, event_type, schema_version, occurred_at, recorded_at, actor, facility, subject, payload, prev_hash, hash) \
             SELECT 11, 'forged', event_type, schema_version, occurred_at, recorded_at, actor, facility, subject, payload, prev_hash, hash FROM journal WHERE seq = 10",
        )
        .await;
        assert_eq!(broken_at(store).await, (11, ChainBreak::BrokenLink));
    }

    async fn reordered_rows_are_found(db) {
        let store = &db.store;
        append(store, 1, 10).await;
        tamper(
            store,
            "UPDATE journal SET seq = -4 WHERE seq = 4; UPDATE journal SET seq = 4 WHERE seq = 5; UPDATE journal SET seq = 5 WHERE seq = -4",
        )
        .await;
        assert_eq!(broken_at(store).await, (4, ChainBreak::BrokenLink));
    }

    async fn truncation_is_found_against_an_anchor(db) {
        let store = &db.store;
        append(store, 1, 10).await;
        let (seq, hash) = store.journal_head().await.unwrap();
        tamper(store, "DELETE FROM journal WHERE seq > 8").await;
        store.verify_journal(None).await.expect("a shortened chain is still a chain");
        match store.verify_journal(Some(&Anchor { seq, hash })).await {
            Err(VerifyError::Broken(b)) => {
                assert_eq!(b.seq, 9);
                assert!(matches!(b.reason, ChainBreak::Truncated { last: 8, anchor: 10 }));
            }
            other => panic!("expected truncation, got {other:?}"),
        }
    }

    async fn concurrent_writers_keep_one_chain(db) {
        let store = db.store.clone();
        let mut tasks = Vec::new();
        for t in 0..8i64 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..25i64 {
                    store
                        .write("test", async move |tx| tx.append(event(t * 1000 + i)).await)
                        .await
                        .map_err(|e: StoreError| e.to_string())?;
                }
                Ok::<(), String>(())
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let report = store.verify_journal(None).await.unwrap();
        assert_eq!(report.verified, 200);
    }

    async fn a_failed_transaction_leaves_no_entry(db) {
        let store = &db.store;
        append(store, 1, 2).await;
        let result: Result<(), StoreError> = store
            .write("test", async move |tx| {
                tx.append(event(3)).await?;
                Err(StoreError::Corrupt("the use case refused".into()))
            })
            .await;
        assert!(result.is_err());
        assert_eq!(store.journal_len().await.unwrap(), 2);
        store.verify_journal(None).await.unwrap();
    }

    async fn migrations_are_applied_and_idempotent(db) {
        assert!(db.store.migrations_applied().await.unwrap());
        db.store.migrate().await.unwrap();
        db.store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn a_fresh_database_reports_missing_migrations() {
    for kind in [
        custodia_testkit::Kind::Sqlite,
        custodia_testkit::Kind::Postgres,
    ] {
        let db = custodia_testkit::fresh_unmigrated(kind).await;
        assert!(!db.store.migrations_applied().await.unwrap(), "{kind:?}");
    }
}

#[tokio::test]
async fn bad_urls_are_refused() {
    for url in ["mysql://x", "sqlite://", "nonsense"] {
        assert!(
            matches!(Store::connect(url).await, Err(StoreError::BadUrl(_))),
            "{url}"
        );
    }
}

/// A column whose SQLite type was changed is reported as altered content, at its entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retyped_sqlite_column_is_altered_content() {
    let db = custodia_testkit::fresh(custodia_testkit::Kind::Sqlite).await;
    append(&db.store, 1, 10).await;
    tamper(
        &db.store,
        "UPDATE journal SET payload = X'00ff' WHERE seq = 6",
    )
    .await;
    assert_eq!(broken_at(&db.store).await, (6, ChainBreak::ContentAltered));
}

/// Two stores on one SQLite file stand for two processes (a server and a CLI import):
/// each must see the other's appends, whatever journal head it remembers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_keep_one_sqlite_chain() {
    let db = custodia_testkit::fresh(custodia_testkit::Kind::Sqlite).await;
    let other = Store::connect(&db.url).await.unwrap();
    for round in 0..5 {
        append(&db.store, round * 100, 3).await;
        append(&other, round * 100 + 50, 2).await;
    }
    let report = db.store.verify_journal(None).await.unwrap();
    assert_eq!(report.verified, 25);
}

/// A write waits while another process holds SQLite's write lock, then goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_write_waits_for_another_process() {
    let db = custodia_testkit::fresh(custodia_testkit::Kind::Sqlite).await;
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let store = db.store.clone();
    let writer = tokio::spawn(async move { append(&store, 1, 2).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!writer.is_finished(), "the write must wait for the lock");
    assert_eq!(
        db.store.journal_len().await.unwrap(),
        0,
        "readers are not blocked"
    );
    holder.execute_batch("COMMIT").unwrap();
    writer.await.unwrap();
    assert_eq!(db.store.journal_len().await.unwrap(), 2);
}
