//! `custodia bench population`: the national roll, the placement check among many
//! keep-apart rules, who was in a unit at a past instant among many movements, and a bulk
//! operation of 2,000 persons, over a generated population loaded straight into the read
//! tables of an empty registry.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::bail;

use custodia_app::Principal;
use custodia_app::population::{self, MoveToCheck, OperationMove, OperationRequest, StepRequest};
use custodia_domain::transfer::{TransferReason, TransferStep};
use custodia_domain::{Facility, FacilityKind, HoldsAge, HoldsSex, SecurityLevel};
use custodia_store::Store;
use custodia_store::population_fixture::FixtureTable;

use super::bench_search::percentile;
use crate::people::Dice;

/// What to measure.
pub struct Options {
    /// Persons placed.
    pub persons: u64,
    /// Facilities they are spread over.
    pub facilities: u64,
    /// Movements in each person's history (the last one puts them where they are).
    pub movements: u64,
    /// Keep-apart rules between persons.
    pub rules: u64,
    /// Persons in the bulk operation.
    pub bulk: u64,
    /// Times each measurement is repeated.
    pub samples: u64,
}

const UNITS: u64 = 10;
const PLACES: u64 = 4;
/// Persons per loading transaction.
const BATCH: u64 = 20_000;

struct Layout {
    /// Cells per unit.
    cells_per_unit: u64,
    /// Persons per facility.
    per_facility: u64,
}

impl Layout {
    fn new(o: &Options) -> Layout {
        let per_facility = o.persons.div_ceil(o.facilities);
        // About nine places in ten taken.
        let cells = (per_facility * 11 / 10).div_ceil(PLACES).max(UNITS);
        Layout {
            cells_per_unit: cells.div_ceil(UNITS),
            per_facility,
        }
    }

    fn locations_per_facility(&self) -> u64 {
        UNITS * (1 + self.cells_per_unit)
    }

    /// Location id of unit `u` of facility `f` (0-based), ids given from 1 in order.
    fn unit(&self, f: u64, u: u64) -> i64 {
        (f * self.locations_per_facility() + u * (1 + self.cells_per_unit) + 1) as i64
    }

    fn cell(&self, f: u64, u: u64, c: u64) -> i64 {
        self.unit(f, u) + 1 + c as i64
    }

    /// The `k`-th free place of facility `f` (the persons fill its cells in order, the
    /// last cells stay empty): a cell with room, if any is left.
    fn free_cell(&self, f: u64, k: u64) -> Option<i64> {
        let n = self.per_facility.div_ceil(PLACES) + k / PLACES;
        (n < UNITS * self.cells_per_unit).then(|| self.cell(f, n % UNITS, n / UNITS))
    }

    /// Where the `i`-th person of a facility is placed now.
    fn home(&self, f: u64, i: u64) -> (i64, i64) {
        let cell = i / PLACES;
        let (u, c) = (cell % UNITS, (cell / UNITS) % self.cells_per_unit);
        (self.unit(f, u), self.cell(f, u, c))
    }
}

fn code(f: u64) -> String {
    format!("BEN-{:02}", f + 1)
}

fn s<T: ToString>(v: T) -> Option<String> {
    Some(v.to_string())
}

async fn load(store: &Store, o: &Options, layout: &Layout) -> anyhow::Result<()> {
    if store.has_persons().await? || !store.facilities().await?.is_empty() {
        bail!("the bench needs an empty database: it never writes into real data");
    }
    let system = Principal::system("bench");
    let now = jiff::Timestamp::now();
    let stamp = custodia_domain::time::canonical(now);
    let started = Instant::now();
    for f in 0..o.facilities {
        custodia_app::facilities::register(
            store,
            &system,
            Facility {
                code: code(f),
                name: format!("Centro de prueba {}", f + 1),
                kind: FacilityKind::Cpl,
                province: "Guayas".into(),
                city: "Guayaquil".into(),
                timezone: "America/Guayaquil".into(),
                holds_sex: HoldsSex::Men,
                holds_age: HoldsAge::Adults,
                security_levels: vec![SecurityLevel::Maximum, SecurityLevel::Medium],
            },
        )
        .await?;
        let mut rows = Vec::new();
        for u in 0..UNITS {
            rows.push(vec![
                s(layout.unit(f, u)),
                s(code(f)),
                s(format!("PAB-{u}")),
                s(format!("Pabellón {u}")),
                None,
                s("maximum"),
                s("men"),
                s(0),
                s(0),
                s(&stamp),
                s("both"),
            ]);
            for c in 0..layout.cells_per_unit {
                rows.push(vec![
                    s(layout.cell(f, u, c)),
                    s(code(f)),
                    s(format!("PAB-{u}-C{c}")),
                    s(format!("Pabellón {u}, celda {c}")),
                    s(layout.unit(f, u)),
                    s("maximum"),
                    s("men"),
                    s(PLACES),
                    s(PLACES),
                    s(&stamp),
                    s("both"),
                ]);
            }
        }
        store
            .load_fixture_rows(FixtureTable::Locations, rows)
            .await?;
    }
    let year = jiff::SignedDuration::from_hours(24 * 365);
    let mut dice = Dice::new(2023);
    let mut id = 0_i64;
    for f in 0..o.facilities {
        let mut i = 0;
        while i < layout.per_facility && (id as u64) < o.persons {
            let (mut persons, mut episodes, mut movements) = (Vec::new(), Vec::new(), Vec::new());
            let end = (i + BATCH).min(layout.per_facility);
            for j in i..end {
                if id as u64 >= o.persons {
                    break;
                }
                id += 1;
                let (unit, cell) = layout.home(f, j);
                let admitted =
                    now - year + jiff::SignedDuration::from_secs(dice.below(86_400) as i64);
                // The history: moves at random instants of the year, the last one home.
                let mut times: Vec<jiff::Timestamp> = (1..o.movements)
                    .map(|_| {
                        admitted
                            + jiff::SignedDuration::from_secs(
                                3600 + dice.below(360 * 86_400) as i64,
                            )
                    })
                    .collect();
                times.sort();
                times.dedup();
                times.insert(0, admitted);
                let last = times.len() - 1;
                for (k, at) in times.iter().enumerate() {
                    let (u, c) = if k == last {
                        (unit, cell)
                    } else {
                        let u = dice.below(UNITS as usize) as u64;
                        (
                            layout.unit(f, u),
                            layout.cell(f, u, dice.below(layout.cells_per_unit as usize) as u64),
                        )
                    };
                    movements.push(vec![
                        s(id),
                        s(id),
                        s(if k == 0 { "admitted" } else { "moved" }),
                        s(code(f)),
                        s(c),
                        s(u),
                        s("placed"),
                        s(custodia_domain::time::canonical(*at)),
                        times
                            .get(k + 1)
                            .map(|t| custodia_domain::time::canonical(*t)),
                        s(&stamp),
                        s("bench"),
                    ]);
                }
                persons.push(vec![
                    s(id),
                    s(custodia_domain::person::registry_number(id)),
                    s("{}"),
                    s(format!("persona|{id}|")),
                    s(format!("Persona {id}")),
                    s(format!("persona {id:09}")),
                    s("1990-01-01"),
                    None,
                    s(code(f)),
                    s(1),
                    s(&stamp),
                    s(&stamp),
                ]);
                episodes.push(vec![
                    s(id),
                    s(id),
                    s(code(f)),
                    s(cell),
                    s(custodia_domain::time::canonical(admitted)),
                    s("adults"),
                    s("male"),
                    s(if dice.chance(0.35) {
                        "pretrial"
                    } else {
                        "sentenced"
                    }),
                    s("{}"),
                    s("placed"),
                    s(unit),
                    s(custodia_domain::time::canonical(times[last])),
                ]);
            }
            store
                .load_fixture_rows(FixtureTable::Persons, persons)
                .await?;
            store
                .load_fixture_rows(FixtureTable::Episodes, episodes)
                .await?;
            store
                .load_fixture_rows(FixtureTable::Movements, movements)
                .await?;
            i = end;
        }
    }
    let total = id;
    let mut k = 0;
    while k < o.rules {
        let mut rows = Vec::new();
        for _ in k..(k + BATCH * 5).min(o.rules) {
            // The bulk operation's persons (the first ids) are left out of the rules, so
            // that it measures validation and dispatch, not refusals.
            let spare = (total as u64).saturating_sub(o.bulk).max(2) as usize;
            let first = (total as usize - spare) as i64;
            let a = 1 + first + dice.below(spare) as i64;
            let b = 1 + first + dice.below(spare) as i64;
            if a == b {
                continue;
            }
            let scope = ["cell", "unit", "facility"][dice.below(3)];
            rows.push(vec![
                s("persons"),
                s(a),
                s(b),
                s("threat"),
                s(scope),
                s("2023-01-01"),
                s("bench"),
                s(&stamp),
                s("bench"),
            ]);
        }
        k += BATCH * 5;
        store
            .load_fixture_rows(FixtureTable::KeepApart, rows)
            .await?;
    }
    store.finish_population_fixture().await?;
    println!(
        "  loaded {total} persons in {} facilities ({} locations), {} movements, {} keep-apart rules in {:.1} s",
        o.facilities,
        o.facilities * layout.locations_per_facility(),
        total as u64 * o.movements,
        o.rules,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn report(label: &str, times: &mut [f64], target: &str) {
    times.sort_by(f64::total_cmp);
    println!(
        "  {label:<44} {:>5} {:>8.2} {:>8.2} {:>8.2} {:>8.2}   {target}",
        times.len(),
        percentile(times, 0.5),
        percentile(times, 0.95),
        percentile(times, 0.99),
        times.last().copied().unwrap_or(0.0),
    );
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Loads the population and prints the figures.
pub async fn run(store: &Store, o: &Options) -> anyhow::Result<()> {
    let layout = Layout::new(o);
    load(store, o, &layout).await?;
    let system = Principal::system("bench");
    let mut dice = Dice::new(59);
    println!(
        "  {:<44} {:>5} {:>8} {:>8} {:>8} {:>8}   target",
        "ms", "n", "p50", "p95", "p99", "max"
    );

    let mut times = Vec::new();
    for _ in 0..o.samples.min(50) + 2 {
        let t = Instant::now();
        let roll = population::national_roll(store, &system).await?;
        times.push(ms(t));
        if roll.totals.in_place as u64 != o.persons {
            bail!(
                "the national roll counts {} placed, not {}",
                roll.totals.in_place,
                o.persons
            );
        }
    }
    times.drain(..2);
    report(
        "national roll",
        &mut times,
        "p95 ≤ 20 (SQLite 40k), ≤ 200 (PG 2M)",
    );

    let mut times = Vec::new();
    for _ in 0..o.samples.min(50) {
        let t = Instant::now();
        population::roll(
            store,
            &system,
            &code(dice.below(o.facilities as usize) as u64),
        )
        .await?;
        times.push(ms(t));
    }
    report("one facility's roll", &mut times, "");

    let rules = store.keep_apart_page(0, 1000).await?;
    let mut times = Vec::new();
    for n in 0..o.samples {
        let person = rules
            .get(n as usize % rules.len().max(1))
            .map_or(1 + n as i64, |r| r.a);
        let facility = (person as u64 - 1) / layout.per_facility;
        let u = dice.below(UNITS as usize) as u64;
        let cell = layout.cell(
            facility,
            u,
            dice.below(layout.cells_per_unit as usize) as u64,
        );
        let t = Instant::now();
        population::check(
            store,
            &system,
            vec![MoveToCheck {
                person_id: person,
                location_id: cell,
            }],
        )
        .await?;
        times.push(ms(t));
    }
    report(
        &format!("placement check, {} rules", o.rules),
        &mut times,
        "p95 ≤ 5",
    );

    let mut times = Vec::new();
    let now = jiff::Timestamp::now();
    for _ in 0..o.samples {
        let f = dice.below(o.facilities as usize) as u64;
        let unit = layout.unit(f, dice.below(UNITS as usize) as u64);
        let at = now - jiff::SignedDuration::from_secs(3600 + dice.below(300 * 86_400) as i64);
        let t = Instant::now();
        population::occupants(store, &system, unit, Some(at)).await?;
        times.push(ms(t));
    }
    report(
        &format!(
            "unit occupants at a past instant, {} movements",
            o.persons * o.movements
        ),
        &mut times,
        "p95 ≤ 50 (PG, 10M)",
    );

    // The first persons, facility by facility, each to the next facility: into the free
    // places there while there are any (received into cells, every rule checked again),
    // the others unallocated.
    let bulk = o.bulk.min(o.persons);
    let mut arrivals: HashMap<u64, u64> = HashMap::new();
    let moves: Vec<OperationMove> = (1..=bulk as i64)
        .map(|p| {
            let to = ((p as u64 - 1) / layout.per_facility + 1) % o.facilities;
            let k = arrivals.entry(to).or_default();
            let cell = layout.free_cell(to, *k);
            *k += 1;
            OperationMove {
                person_id: p,
                to_facility: code(to),
                to_location_id: cell,
            }
        })
        .collect();
    let into_cells = moves.iter().filter(|m| m.to_location_id.is_some()).count();
    let t = Instant::now();
    let op = population::create_operation(
        store,
        &system,
        OperationRequest {
            name: "Bench".into(),
            reason: TransferReason::Overcrowding,
            note: None,
            moves,
        },
    )
    .await?;
    let created = ms(t);
    population::operation_step(
        store,
        &system,
        op.id,
        TransferStep::Approve,
        StepRequest::default(),
    )
    .await?;
    let t = Instant::now();
    let done = population::operation_step(
        store,
        &system,
        op.id,
        TransferStep::Dispatch,
        StepRequest::default(),
    )
    .await?;
    let dispatched = ms(t);
    if done.counts.dispatched as u64 != bulk {
        bail!("{} of {bulk} dispatched", done.counts.dispatched);
    }
    println!(
        "  bulk operation of {bulk}: validated and created {created:.0} ms, dispatched {dispatched:.0} ms, together {:.0} ms   (target ≤ 2000)",
        created + dispatched
    );
    let t = Instant::now();
    let done = population::operation_step(
        store,
        &system,
        op.id,
        TransferStep::Receive,
        StepRequest::default(),
    )
    .await?;
    let received = ms(t);
    if done.counts.received as u64 != bulk {
        bail!("{} of {bulk} received", done.counts.received);
    }
    println!(
        "  bulk operation of {bulk}: received as a whole {received:.0} ms ({into_cells} into cells)"
    );
    Ok(())
}
