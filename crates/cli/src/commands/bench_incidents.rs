//! `custodia bench incidents`: the national situation and a crisis's accountability
//! board with thousands of staff on duty at dozens of facilities, and hostage status
//! changes recorded by concurrent clients: none lost, none duplicated, the board
//! consistent after each.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use anyhow::bail;
use jiff::{SignedDuration, Timestamp};

use custodia_app::Principal;
use custodia_app::incidents::{
    self, CrisisRequest, HostageRelease, HostageRequest, IncidentRequest, StaffIds,
};
use custodia_domain::incident::{IncidentStatus, IncidentType, Site};
use custodia_domain::staff::{NewShift, NewStaff, Post, StaffKind};
use custodia_domain::{Facility, FacilityKind, HoldsAge, HoldsSex, SecurityLevel};
use custodia_store::Store;

use super::bench_search::percentile;

/// What to measure.
pub struct Options {
    /// Facilities in the crisis.
    pub facilities: u64,
    /// Staff on duty over all of them.
    pub staff: u64,
    /// Hostage status changes recorded by the concurrent clients.
    pub changes: u64,
    /// Concurrent clients.
    pub clients: u64,
    /// Times each read is repeated.
    pub samples: u64,
}

fn code(f: u64) -> String {
    format!("INC-{:02}", f + 1)
}

fn report(label: &str, times: &mut [f64], target: &str) {
    times.sort_by(f64::total_cmp);
    println!(
        "  {label:<44} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>8.2}   {target}",
        times.len(),
        percentile(times, 0.50),
        percentile(times, 0.95),
        percentile(times, 0.99),
        times.last().copied().unwrap_or(0.0),
    );
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// The facilities, their staff on duty since three hours ago, and one crisis with a
/// hostage-taking at each facility, a tenth of the staff held.
async fn load(
    store: &Store,
    o: &Options,
    now: Timestamp,
) -> anyhow::Result<(i64, Vec<(i64, Vec<i64>)>)> {
    if store.has_persons().await? || !store.facilities().await?.is_empty() {
        bail!("the bench needs an empty database: it never writes into real data");
    }
    let who = Principal::system("bench");
    let started = Instant::now();
    let per_facility = o.staff.div_ceil(o.facilities);
    let mut sites = Vec::new();
    let mut serial = 0;
    for f in 0..o.facilities {
        custodia_app::facilities::register(
            store,
            &who,
            Facility {
                code: code(f),
                name: format!("Centro de prueba {}", f + 1),
                kind: FacilityKind::Cpl,
                province: "Azuay".into(),
                city: "Cuenca".into(),
                timezone: "America/Guayaquil".into(),
                holds_sex: HoldsSex::Men,
                holds_age: HoldsAge::Adults,
                security_levels: vec![SecurityLevel::Maximum],
            },
        )
        .await?;
        let mut ids = Vec::new();
        for i in 0..per_facility {
            serial += 1;
            let staff = custodia_app::staff::register(
                store,
                &who,
                NewStaff {
                    service_number: format!("BEN-{serial:06}"),
                    given_names: format!("Agente {serial}"),
                    surnames: "Prueba".into(),
                    kind: if i % 8 == 0 {
                        StaffKind::Police
                    } else {
                        StaffKind::PrisonGuard
                    },
                    rank: None,
                    home_facility: code(f),
                    emergency_contact: None,
                    active: None,
                    user: None,
                },
            )
            .await?;
            ids.push(staff.id);
        }
        custodia_app::staff::record_shift(
            store,
            &who,
            &code(f),
            NewShift {
                starts_at: now - SignedDuration::from_hours(3),
                ends_at: now + SignedDuration::from_hours(9),
                staff_ids: Vec::new(),
                posts: vec![Post {
                    post: "Pabellones".into(),
                    staff_ids: ids.clone(),
                }],
            },
        )
        .await?;
        let incident = incidents::report(
            store,
            &who,
            IncidentRequest {
                incident_type: IncidentType::HostageTaking,
                site: Site {
                    facility: Some(code(f)),
                    ..Site::default()
                },
                occurred_at: now - SignedDuration::from_hours(2),
                severity: None,
                summary: "Toma de rehenes".into(),
                status: Some(IncidentStatus::Active),
                attachments: Vec::new(),
            },
        )
        .await?;
        sites.push((incident.id, ids));
    }
    let crisis = incidents::open_crisis(
        store,
        &who,
        CrisisRequest {
            name: "Bench".into(),
            started_at: now - SignedDuration::from_hours(2),
            summary: None,
            incident_ids: sites.iter().map(|(i, _)| *i).collect(),
        },
    )
    .await?;
    for (incident, ids) in &sites {
        let held: Vec<i64> = ids.iter().step_by(10).copied().collect();
        incidents::take_hostages(
            store,
            &who,
            crisis.id,
            HostageRequest {
                incident_id: *incident,
                staff_ids: held,
                at: now - SignedDuration::from_mins(90),
                circumstances: None,
            },
        )
        .await?;
    }
    println!(
        "  loaded {} facilities, {} staff on duty, a crisis with {} hostage-takings in {:.1} s",
        o.facilities,
        per_facility * o.facilities,
        sites.len(),
        started.elapsed().as_secs_f64()
    );
    Ok((crisis.id, sites))
}

/// Loads the crisis and prints the figures.
pub async fn run(store: &Store, o: &Options) -> anyhow::Result<()> {
    let now = Timestamp::now();
    let (crisis, sites) = load(store, o, now).await?;
    let who = Principal::system("bench");
    println!(
        "  {:<44} {:>5} {:>8} {:>8} {:>8} {:>8}   target",
        "ms", "n", "p50", "p95", "p99", "max"
    );
    let expected_held: i64 = sites
        .iter()
        .map(|(_, ids)| ids.iter().step_by(10).count() as i64)
        .sum();
    let mut times = Vec::new();
    for _ in 0..o.samples + 2 {
        let t = Instant::now();
        let s = incidents::situation(store, &who).await?;
        times.push(ms(t));
        if s.staff_held_total != expected_held {
            bail!(
                "the situation counts {} held, not {expected_held}",
                s.staff_held_total
            );
        }
    }
    times.drain(..2);
    report("situation", &mut times, "p95 ≤ 50");
    let mut times = Vec::new();
    for _ in 0..o.samples {
        let t = Instant::now();
        let b = incidents::accountability(store, &who, crisis, None).await?;
        times.push(ms(t));
        if b.totals.held != expected_held
            || b.totals.on_duty != sites.iter().map(|(_, s)| s.len() as i64).sum::<i64>()
        {
            bail!(
                "the board counts {} held of {} on duty",
                b.totals.held,
                b.totals.on_duty
            );
        }
    }
    report("accountability board, now", &mut times, "p95 ≤ 50");
    let mut times = Vec::new();
    for n in 0..o.samples {
        let at = now - SignedDuration::from_mins(60 + (n as i64 % 30));
        let t = Instant::now();
        incidents::accountability(store, &who, crisis, Some(at)).await?;
        times.push(ms(t));
    }
    report(
        "accountability board, at a past instant",
        &mut times,
        "p95 ≤ 50",
    );
    concurrent_changes(store, o, crisis, &sites).await
}

/// Clients take and release hostages among a shared pool of staff at once; each change
/// that succeeds must be journaled once, each refused one must change nothing, and the
/// board must add up after each.
async fn concurrent_changes(
    store: &Store,
    o: &Options,
    crisis: i64,
    sites: &[(i64, Vec<i64>)],
) -> anyhow::Result<()> {
    let (incident, pool) = match sites.first() {
        Some((i, ids)) => (
            *i,
            ids.iter()
                .copied()
                .filter(|id| (id - ids[0]) % 10 != 0)
                .take(40)
                .collect::<Vec<_>>(),
        ),
        None => bail!("no site"),
    };
    let journal_before = store.journal_len().await?;
    let board_before =
        incidents::accountability(store, &Principal::system("bench"), crisis, None).await?;
    let succeeded = Arc::new(AtomicI64::new(0));
    let net_held = Arc::new(AtomicI64::new(0));
    let per_client = o.changes.div_ceil(o.clients);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..o.clients {
        let (store, pool, succeeded, net_held) = (
            store.clone(),
            pool.clone(),
            succeeded.clone(),
            net_held.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let who = Principal::system(&format!("client-{c}"));
            let mut refused = 0u64;
            for n in 0..per_client {
                let staff = pool[((c * 7 + n * 3) as usize) % pool.len()];
                let at = Timestamp::now();
                let taken = incidents::take_hostages(
                    &store,
                    &who,
                    crisis,
                    HostageRequest {
                        incident_id: incident,
                        staff_ids: vec![staff],
                        at,
                        circumstances: None,
                    },
                )
                .await;
                let board = match taken {
                    Ok(b) => {
                        succeeded.fetch_add(1, Ordering::SeqCst);
                        net_held.fetch_add(1, Ordering::SeqCst);
                        b
                    }
                    Err(_) => {
                        let released = incidents::release_hostages(
                            &store,
                            &who,
                            crisis,
                            HostageRelease {
                                incident_id: incident,
                                staff_ids: StaffIds::Some(vec![staff]),
                                at: Timestamp::now(),
                                circumstances: "bench".into(),
                            },
                        )
                        .await;
                        match released {
                            Ok(b) => {
                                succeeded.fetch_add(1, Ordering::SeqCst);
                                net_held.fetch_sub(1, Ordering::SeqCst);
                                b
                            }
                            Err(_) => {
                                refused += 1;
                                continue;
                            }
                        }
                    }
                };
                let t = board.totals;
                if t.accounted_for + t.held + t.released + t.injured + t.missing + t.deceased
                    != t.on_duty
                {
                    return Err(anyhow::anyhow!("the board does not add up after a change"));
                }
            }
            Ok::<u64, anyhow::Error>(refused)
        }));
    }
    let mut refused = 0;
    for t in tasks {
        refused += t.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    let ok = succeeded.load(Ordering::SeqCst);
    let journaled = store.journal_len().await? - journal_before;
    // Each change journals its staff event and its timeline entry.
    if journaled != 2 * ok {
        bail!(
            "{ok} changes succeeded but {journaled} journal entries were appended (expected {})",
            2 * ok
        );
    }
    let after = incidents::accountability(store, &Principal::system("bench"), crisis, None).await?;
    if after.totals.held != board_before.totals.held + net_held.load(Ordering::SeqCst) {
        bail!(
            "the board holds {}, expected {}",
            after.totals.held,
            board_before.totals.held + net_held.load(Ordering::SeqCst)
        );
    }
    println!(
        "  {} hostage status changes by {} concurrent clients in {secs:.1} s: {ok} recorded once each, {refused} refused and nothing changed, board consistent   (target: 500 in ≤ 60 s, none lost or duplicated)",
        ok + refused as i64,
        o.clients
    );
    Ok(())
}
