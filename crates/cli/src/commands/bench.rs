//! `custodia bench …`: performance figures, printed (never asserted in tests).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;
use clap::Subcommand;

use custodia_domain::events::NewEvent;
use custodia_store::{Store, StoreError};

/// Benchmarks.
#[derive(Subcommand)]
pub enum BenchCommand {
    /// Journal append rates (batched and one event per transaction) and verify rate.
    ///
    /// Runs on each --db given (each must have an empty journal: the bench never writes
    /// into real data), or on a temporary SQLite file when none is given.
    Journal {
        /// Database URLs to measure (repeatable).
        #[arg(long = "db")]
        dbs: Vec<String>,
        /// Events appended in batched transactions.
        #[arg(long, default_value_t = 200_000)]
        batched: u64,
        /// Events per batched transaction.
        #[arg(long, default_value_t = 10_000)]
        batch_size: u64,
        /// Events appended one per transaction.
        #[arg(long, default_value_t = 20_000)]
        single: u64,
        /// The journal is filled up to this many events before measuring verification.
        #[arg(long, default_value_t = 1_000_000)]
        verify: u64,
    },
    /// Person search latency (p50/p95/p99 by kind of query) over a generated population.
    ///
    /// Loads the population into each --db given (each must hold no persons: the bench
    /// never writes into real data; --reuse queries one loaded by an earlier run), or into
    /// a temporary SQLite file when none is given.
    Search {
        /// Database URLs to measure (repeatable).
        #[arg(long = "db")]
        dbs: Vec<String>,
        /// Persons to generate.
        #[arg(long, default_value_t = 100_000)]
        persons: u64,
        /// Queries to time (per principal).
        #[arg(long, default_value_t = 2_100)]
        queries: u64,
        /// Persons per loading transaction.
        #[arg(long, default_value_t = 50_000)]
        batch: u64,
        /// Query the population an earlier run loaded (same --persons) instead of loading.
        #[arg(long)]
        reuse: bool,
    },
    /// Where everyone is: the national roll, the placement check among many keep-apart
    /// rules, a unit's occupants at a past instant, a bulk operation of 2,000 persons.
    ///
    /// Loads a generated population into each --db given (each must be empty: the bench
    /// never writes into real data), or into a temporary SQLite file when none is given.
    Population {
        /// Database URLs to measure (repeatable).
        #[arg(long = "db")]
        dbs: Vec<String>,
        /// Persons placed.
        #[arg(long, default_value_t = 40_000)]
        persons: u64,
        /// Facilities they are spread over.
        #[arg(long, default_value_t = 40)]
        facilities: u64,
        /// Movements in each person's history.
        #[arg(long, default_value_t = 5)]
        movements: u64,
        /// Keep-apart rules between persons.
        #[arg(long, default_value_t = 100_000)]
        rules: u64,
        /// Persons in the bulk operation.
        #[arg(long, default_value_t = 2_000)]
        bulk: u64,
        /// Repetitions of each timed call.
        #[arg(long, default_value_t = 300)]
        samples: u64,
    },
    /// The web interface's main pages over HTTP on loopback with the seeded demo: time
    /// p50/p95 and bytes transferred compressed, with the assets of a first visit.
    ///
    /// Loads the demo into --db (it must be empty: the bench never writes into real
    /// data), or into a temporary SQLite file when none is given.
    Web {
        /// Database URL (default: a temporary SQLite file).
        #[arg(long)]
        db: Option<String>,
        /// Times each page is fetched.
        #[arg(long, default_value_t = 100)]
        samples: u64,
    },
    /// Crisis command: the national situation and a crisis's accountability board with
    /// thousands of staff on duty, and hostage status changes by concurrent clients.
    ///
    /// Loads facilities, staff, shifts and a crisis into each --db given (each must be
    /// empty), or into a temporary SQLite file when none is given.
    Incidents {
        /// Database URLs to measure (repeatable).
        #[arg(long = "db")]
        dbs: Vec<String>,
        /// Facilities in the crisis.
        #[arg(long, default_value_t = 36)]
        facilities: u64,
        /// Staff on duty over all of them.
        #[arg(long, default_value_t = 3_000)]
        staff: u64,
        /// Hostage status changes recorded concurrently.
        #[arg(long, default_value_t = 500)]
        changes: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 20)]
        clients: u64,
        /// Repetitions of each timed read.
        #[arg(long, default_value_t = 200)]
        samples: u64,
    },
}

fn event(n: u64) -> NewEvent {
    NewEvent {
        event_type: "location.added",
        schema_version: 1,
        occurred_at: jiff::Timestamp::now(),
        facility: Some("CPL-AZ-1".to_owned()),
        subject: format!("location:{n}"),
        payload: serde_json::json!({
            "location": {
                "id": n, "facility": "CPL-AZ-1", "code": format!("PAB-B-C{n:06}"),
                "name": format!("Pabellón B, celda {n}"), "parent_id": 2,
                "security_level": "medium", "holds_sex": "men",
                "design_capacity": 4, "operational_capacity": 4, "out_of_service": null
            }
        })
        .to_string(),
    }
}

/// Appends `count` events from `from` in transactions of `batch`; returns the seconds
/// spent appending (building the events is not timed: the journal's rate is measured).
async fn batched(store: &Store, from: u64, count: u64, batch: u64) -> Result<f64, StoreError> {
    let mut spent = 0.0;
    let mut n = from;
    while n < from + count {
        let end = (n + batch).min(from + count);
        let events: Vec<NewEvent> = (n..end).map(event).collect();
        let t = Instant::now();
        store
            .write("bench", async move |tx| tx.append_all(&events).await)
            .await?;
        spent += t.elapsed().as_secs_f64();
        n = end;
    }
    Ok(spent)
}

fn line(label: &str, count: u64, secs: f64) {
    println!(
        "  {label:<34} {count:>9} events in {secs:>7.3} s = {:>10.0} events/s",
        count as f64 / secs.max(1e-9)
    );
}

/// Runs a benchmark.
pub async fn run(command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Journal {
            dbs,
            batched,
            batch_size,
            single,
            verify,
        } => journal(dbs, batched, batch_size, single, verify).await,
        BenchCommand::Search {
            dbs,
            persons,
            queries,
            batch,
            reuse,
        } => {
            let options = super::bench_search::Options {
                persons,
                queries,
                batch,
                reuse,
            };
            search(dbs, &options).await
        }
        BenchCommand::Incidents {
            dbs,
            facilities,
            staff,
            changes,
            clients,
            samples,
        } => {
            let options = super::bench_incidents::Options {
                facilities: facilities.max(1),
                staff: staff.max(facilities.max(1)),
                changes,
                clients: clients.max(1),
                samples: samples.max(1),
            };
            incidents(dbs, &options).await
        }
        BenchCommand::Web { db, samples } => {
            let temp = std::env::temp_dir().join(format!("custodia-bench-{}", std::process::id()));
            let url = db.unwrap_or_else(|| format!("sqlite://{}/web.db", temp.display()));
            let store = Store::connect(&url).await?;
            store.migrate().await?;
            println!(
                "web bench on {} ({})",
                store.backend().name(),
                super::redact(&url)
            );
            let options = super::bench_web::Options {
                samples: samples.max(1),
            };
            super::bench_web::run(&store, &options).await?;
            store.close().await;
            let _ = std::fs::remove_dir_all(&temp);
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Population {
            dbs,
            persons,
            facilities,
            movements,
            rules,
            bulk,
            samples,
        } => {
            let options = super::bench_population::Options {
                persons,
                facilities: facilities.max(2),
                movements: movements.max(1),
                rules,
                bulk,
                samples: samples.max(1),
            };
            population(dbs, &options).await
        }
    }
}

async fn incidents(
    mut dbs: Vec<String>,
    options: &super::bench_incidents::Options,
) -> anyhow::Result<ExitCode> {
    let temp = std::env::temp_dir().join(format!("custodia-bench-{}", std::process::id()));
    if dbs.is_empty() {
        dbs.push(format!("sqlite://{}/incidents.db", temp.display()));
    }
    for url in &dbs {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        println!(
            "incidents bench on {} ({}), {} staff on duty at {} facilities",
            store.backend().name(),
            super::redact(url),
            options.staff,
            options.facilities
        );
        super::bench_incidents::run(&store, options).await?;
        store.close().await;
    }
    let _ = std::fs::remove_dir_all(&temp);
    Ok(ExitCode::SUCCESS)
}

async fn population(
    mut dbs: Vec<String>,
    options: &super::bench_population::Options,
) -> anyhow::Result<ExitCode> {
    let temp = std::env::temp_dir().join(format!("custodia-bench-{}", std::process::id()));
    if dbs.is_empty() {
        dbs.push(format!("sqlite://{}/population.db", temp.display()));
    }
    for url in &dbs {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        println!(
            "population bench on {} ({}), {} persons",
            store.backend().name(),
            super::redact(url),
            options.persons
        );
        super::bench_population::run(&store, options).await?;
        store.close().await;
    }
    let _ = std::fs::remove_dir_all(&temp);
    Ok(ExitCode::SUCCESS)
}

async fn search(
    mut dbs: Vec<String>,
    options: &super::bench_search::Options,
) -> anyhow::Result<ExitCode> {
    let temp = std::env::temp_dir().join(format!("custodia-bench-{}", std::process::id()));
    if dbs.is_empty() {
        dbs.push(format!("sqlite://{}/search.db", temp.display()));
    }
    for url in &dbs {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        println!(
            "search bench on {} ({}), {} persons",
            store.backend().name(),
            super::redact(url),
            options.persons
        );
        super::bench_search::run(&store, options).await?;
        store.close().await;
    }
    let _ = std::fs::remove_dir_all(&temp);
    Ok(ExitCode::SUCCESS)
}

async fn journal(
    mut dbs: Vec<String>,
    batched_n: u64,
    batch_size: u64,
    single: u64,
    verify: u64,
) -> anyhow::Result<ExitCode> {
    let temp = std::env::temp_dir().join(format!("custodia-bench-{}", std::process::id()));
    if dbs.is_empty() {
        dbs.push(format!("sqlite://{}/bench.db", temp.display()));
    }
    for url in &dbs {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        if store.journal_len().await? != 0 {
            bail!(
                "{}: the journal is not empty; the bench only runs on an empty database",
                super::redact(url)
            );
        }
        println!(
            "journal bench on {} ({})",
            store.backend().name(),
            super::redact(url)
        );

        let t = Instant::now();
        batched(&store, 0, batched_n, batch_size).await?;
        line(
            &format!("append, {batch_size} per transaction"),
            batched_n,
            t.elapsed().as_secs_f64(),
        );

        let t = Instant::now();
        for n in batched_n..batched_n + single {
            store
                .write("bench", async move |tx| tx.append(event(n)).await)
                .await?;
        }
        line(
            "append, one per transaction",
            single,
            t.elapsed().as_secs_f64(),
        );

        let have = batched_n + single;
        if have < verify {
            batched(&store, have, verify - have, 20_000).await?;
        }
        let report = store.verify_journal(None).await?;
        line(
            "verify chain",
            report.verified,
            report.elapsed.as_secs_f64(),
        );
        store.close().await;
    }
    let _ = std::fs::remove_dir_all(&temp);
    Ok(ExitCode::SUCCESS)
}
