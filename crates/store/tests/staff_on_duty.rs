//! Who is on duty at one facility, among 3,024 staff on duty at 36 facilities (two crews
//! of 84 each, day 12:00–00:00 UTC and night 00:00–12:00), on both backends: exact
//! answers at instants spread over the history, and (the ignored measurement, with a
//! year of shifts: 2.2 million duties) fast whatever the length of the history.
//!
//! Run the measurement with
//! `cargo test --release -p custodia-store --test staff_on_duty -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

use custodia_domain::time::canonical;
use custodia_domain::{Facility, FacilityKind, HoldsAge, HoldsSex, SecurityLevel};
use custodia_store::Store;
use custodia_store::staff_fixture::StaffFixtureTable;
use custodia_testkit::Kind;

const FACILITIES: usize = 36;
const CREW: usize = 84;

fn code(f: usize) -> String {
    format!("CPL-T-{f}")
}

/// The facilities, and for each a day and a night crew with a shift each per day over
/// `days` days from `start` (midnight UTC).
async fn load(store: &Store, start: Timestamp, days: i64) {
    let now = canonical(Timestamp::now());
    store
        .write("test", async |tx| {
            for f in 0..FACILITIES {
                let facility = Facility {
                    code: code(f),
                    name: format!("Centro {f}"),
                    kind: FacilityKind::Cpl,
                    province: "Azuay".into(),
                    city: "Cuenca".into(),
                    timezone: "America/Guayaquil".into(),
                    holds_sex: HoldsSex::Men,
                    holds_age: HoldsAge::Adults,
                    security_levels: vec![SecurityLevel::Maximum],
                };
                tx.insert_facility(&facility, &now).await?;
            }
            Ok::<_, custodia_store::StoreError>(())
        })
        .await
        .expect("facilities");
    let some = |s: String| Some(s);
    let mut staff = Vec::new();
    for f in 0..FACILITIES {
        for i in 0..2 * CREW {
            let id = (f * 2 * CREW + i + 1) as i64;
            let kind = if i % 8 == 7 { "police" } else { "prison_guard" };
            staff.push(vec![
                some(id.to_string()),
                some(format!("ASP-{id}")),
                some(format!("Nombre {id}")),
                some(format!("Apellido {id}")),
                some(kind.into()),
                None,
                some(code(f)),
                None,
                some("1".into()),
                None,
                some(format!("apellido {id:06}")),
                some(format!("asp {id} nombre apellido")),
                some(now.clone()),
                some(now.clone()),
            ]);
        }
    }
    store
        .load_staff_fixture(StaffFixtureTable::Staff, staff)
        .await
        .expect("staff");
    let mut shift_id = 0i64;
    for day in 0..days {
        let mut shifts = Vec::new();
        let mut duties = Vec::new();
        for f in 0..FACILITIES {
            for half in 0..2 {
                shift_id += 1;
                let starts = start + SignedDuration::from_hours(24 * day + 12 * half);
                let ends = starts + SignedDuration::from_hours(12);
                let (s, e) = (canonical(starts), canonical(ends));
                shifts.push(vec![
                    some(shift_id.to_string()),
                    some(code(f)),
                    some(s.clone()),
                    some(e.clone()),
                    some(now.clone()),
                    some("bench".into()),
                ]);
                // The night crew (the first half of the ids) from 00:00, the day crew
                // from 12:00.
                for i in 0..CREW {
                    let id = (f * 2 * CREW + half as usize * CREW + i + 1) as i64;
                    duties.push(vec![
                        some(shift_id.to_string()),
                        some(id.to_string()),
                        some(format!("Garita {}", i % 6)),
                        some(code(f)),
                        some(s.clone()),
                        some(e.clone()),
                    ]);
                }
            }
        }
        store
            .load_staff_fixture(StaffFixtureTable::Shifts, shifts)
            .await
            .expect("shifts");
        store
            .load_staff_fixture(StaffFixtureTable::Duties, duties)
            .await
            .expect("duties");
    }
    store.finish_staff_fixture().await.expect("finish");
}

/// Loads `days` of rosters, checks `queries` answers at instants spread over them, and
/// returns the answers' times, sorted.
async fn run(kind: Kind, days: i64, queries: usize) -> Vec<Duration> {
    let db = custodia_testkit::fresh(kind).await;
    let store = &db.store;
    let start: Timestamp = "2023-01-01T00:00:00Z".parse().expect("instant");
    let loading = Instant::now();
    load(store, start, days).await;
    eprintln!(
        "{kind:?}: loaded {days} days, {} duties, in {:.1} s",
        days as usize * FACILITIES * 2 * CREW,
        loading.elapsed().as_secs_f64()
    );
    let span = days * 86_400;
    let mut times = Vec::with_capacity(queries);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for q in 0..queries {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let f = (seed >> 33) as usize % FACILITIES;
        let second = (seed >> 7) as i64 % span;
        let at = start + SignedDuration::from_secs(second);
        let started = Instant::now();
        let on = store
            .on_duty(&code(f), &canonical(at))
            .await
            .expect("on duty");
        times.push(started.elapsed());
        // Night crew before noon, day crew after.
        let half = usize::from(second % 86_400 >= 43_200);
        let first = (f * 2 * CREW + half * CREW + 1) as i64;
        let mut ids: Vec<i64> = on.iter().map(|d| d.staff_id).collect();
        ids.sort_unstable();
        let expected: Vec<i64> = (first..first + CREW as i64).collect();
        assert_eq!(ids, expected, "query {q}: {} at {at}", code(f));
        assert!(on.iter().all(|d| d.home_facility == code(f)));
    }
    // Before and after the history: nobody.
    let before = start - SignedDuration::from_secs(1);
    let after = start + SignedDuration::from_hours(24 * days);
    for at in [before, after] {
        let on = store
            .on_duty(&code(0), &canonical(at))
            .await
            .expect("on duty");
        assert!(on.is_empty(), "at {at}: {}", on.len());
    }
    times.sort_unstable();
    times
}

fn report(kind: Kind, times: &[Duration]) -> Duration {
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    eprintln!(
        "{kind:?}: on duty at one facility: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} queries)",
        p(0.5).as_secs_f64() * 1e3,
        p(0.95).as_secs_f64() * 1e3,
        p(1.0).as_secs_f64() * 1e3,
        times.len()
    );
    p(0.95)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_duty_is_exact_sqlite() {
    run(Kind::Sqlite, 7, 100).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_duty_is_exact_postgres() {
    run(Kind::Postgres, 7, 100).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement: a year of rosters (2.2 million duties); run with --release --ignored"]
async fn on_duty_over_a_year_sqlite() {
    let times = run(Kind::Sqlite, 365, 1000).await;
    assert!(report(Kind::Sqlite, &times) < Duration::from_millis(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement: a year of rosters (2.2 million duties); run with --release --ignored"]
async fn on_duty_over_a_year_postgres() {
    let times = run(Kind::Postgres, 365, 1000).await;
    assert!(report(Kind::Postgres, &times) < Duration::from_millis(5));
}
