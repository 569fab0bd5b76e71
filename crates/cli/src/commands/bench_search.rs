//! `custodia bench search`: person search latency over a generated population, by kind
//! of query (names, a typo, a common surname alone, registry and document numbers).

use std::collections::HashMap;
use std::time::Instant;

use anyhow::bail;

use custodia_app::Principal;
use custodia_domain::access::{Grant, Role};
use custodia_domain::person::{Identity, Sex, registry_number};
use custodia_domain::{HoldsAge, HoldsSex};
use custodia_store::Store;
use custodia_store::fixture::FixturePerson;

use crate::people::{Dice, identity, slip};

/// The p95 the issue asks for, in milliseconds.
const TARGET_P95_MS: f64 = 50.0;
const SEED: u64 = 2023;

/// What to measure.
pub struct Options {
    /// Persons to generate.
    pub persons: u64,
    /// Queries to time.
    pub queries: u64,
    /// Persons per loading transaction.
    pub batch: u64,
    /// Query a population loaded by an earlier run instead of loading one.
    pub reuse: bool,
}

/// Facilities for men and for women, as the seed registers them.
async fn facilities(store: &Store) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    if store.facilities().await?.is_empty() {
        crate::seed::load(store, false).await?;
    }
    let all = store.facilities().await?;
    let fits = |sex: HoldsSex| -> Vec<String> {
        all.iter()
            .filter(|f| f.holds_age == HoldsAge::Adults && f.holds_sex.admits(sex))
            .map(|f| f.code.clone())
            .collect()
    };
    Ok((fits(HoldsSex::Men), fits(HoldsSex::Women)))
}

fn fixture(id: i64, person: &Identity, facility: &str) -> FixturePerson {
    let registry = registry_number(id);
    FixturePerson {
        id,
        terms: person.search_words(&registry),
        registry_number: registry,
        identity: serde_json::to_string(person).unwrap_or_default(),
        name_key: person.name_key(),
        full_name: person.full_name(),
        sort_key: person.sort_key(),
        date_of_birth: person.date_of_birth.to_string(),
        document_key: person.document_key(),
        facility: facility.to_owned(),
    }
}

/// Generates the population (always the same for a seed), loading it unless `reuse`.
async fn population(store: &Store, o: &Options) -> anyhow::Result<Vec<(Identity, String)>> {
    let (men, women) = facilities(store).await?;
    if men.is_empty() || women.is_empty() {
        bail!("no adult facilities for men and women registered");
    }
    let mut dice = Dice::new(SEED);
    let mut people = Vec::with_capacity(o.persons as usize);
    for n in 0..o.persons {
        let p = identity(&mut dice, n);
        let places = if p.sex == Sex::Male { &men } else { &women };
        let f = places[dice.below(places.len())].clone();
        people.push((p, f));
    }
    if o.reuse {
        println!("  reusing the population loaded by an earlier run");
        return Ok(people);
    }
    let t = Instant::now();
    for (c, chunk) in people.chunks(o.batch.max(1) as usize).enumerate() {
        let first = c as i64 * o.batch as i64 + 1;
        let batch: Vec<FixturePerson> = chunk
            .iter()
            .enumerate()
            .map(|(i, (p, f))| fixture(first + i as i64, p, f))
            .collect();
        let mut words: HashMap<String, i64> = HashMap::new();
        for p in &batch {
            for t in &p.terms {
                *words.entry(t.clone()).or_default() += 1;
            }
        }
        let words: Vec<(String, i64)> = words.into_iter().collect();
        store.load_fixture_persons(batch, words).await?;
    }
    store.finish_fixture().await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  loaded {} persons in {secs:.1} s ({:.0} persons/s)",
        o.persons,
        o.persons as f64 / secs.max(1e-9)
    );
    Ok(people)
}

const KINDS: [&str; 7] = [
    "given name + first surname",
    "both surnames",
    "given name + surname with a typo",
    "all names",
    "first surname alone",
    "registry number",
    "cédula number",
];

fn query(kind: usize, id: i64, p: &Identity, dice: &mut Dice) -> String {
    let given = p.given_names.split(' ').next().unwrap_or_default();
    let second = p.second_surname.as_deref().unwrap_or(&p.first_surname);
    match kind {
        0 => format!("{given} {}", p.first_surname),
        1 => format!("{} {second}", p.first_surname),
        2 => format!("{given} {}", slip(dice, &p.first_surname)),
        3 => p.full_name(),
        4 => p.first_surname.clone(),
        5 => registry_number(id),
        _ => p
            .document
            .as_ref()
            .map(|d| d.number.clone())
            .unwrap_or_default(),
    }
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn row(label: &str, times: &mut [f64], hits: usize, missed: usize, truncated: usize) {
    times.sort_by(f64::total_cmp);
    println!(
        "  {label:<36} {:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.1} {:>6} {:>6}",
        times.len(),
        percentile(times, 0.5),
        percentile(times, 0.95),
        percentile(times, 0.99),
        times.last().copied().unwrap_or(0.0),
        hits as f64 / times.len().max(1) as f64,
        missed,
        truncated
    );
}

/// Times `queries` searches as a national reader and as one facility's officer.
pub async fn run(store: &Store, o: &Options) -> anyhow::Result<()> {
    if store.has_persons().await? != o.reuse {
        bail!(if o.reuse {
            "--reuse needs a database loaded by an earlier run"
        } else {
            "the database already holds persons; the bench only loads into an empty registry (or pass --reuse)"
        });
    }
    let people = population(store, o).await?;
    let mut dice = Dice::new(SEED ^ 0x5EA4C4);
    for (who, principal) in [
        ("national reader", Principal::system("bench")),
        (
            "officer of CPL-GY-1",
            Principal::user(
                "bench",
                vec![Grant::facility(Role::FacilityOfficer, "CPL-GY-1")],
                false,
            ),
        ),
    ] {
        println!(
            "  search as {who}: {} queries, 20 per page (times in ms; hits = results on the page; missed = the person sought not on the first page, counted for full names and numbers; trunc = answers flagged truncated)",
            o.queries
        );
        println!(
            "  {:<36} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6} {:>6}",
            "query", "n", "p50", "p95", "p99", "max", "hits", "missed", "trunc"
        );
        let mut by_kind: Vec<(Vec<f64>, usize, usize, usize)> =
            vec![(Vec::new(), 0, 0, 0); KINDS.len()];
        for q in 0..o.queries {
            let kind = q as usize % KINDS.len();
            let i = dice.below(people.len());
            let (person, facility) = &people[i];
            let id = i as i64 + 1;
            let text = query(kind, id, person, &mut dice);
            let t = Instant::now();
            let page = custodia_app::persons::search(store, &principal, &text, 0, 20).await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let entry = &mut by_kind[kind];
            entry.0.push(ms);
            entry.1 += page.items.len();
            let visible = matches!(
                principal.access,
                custodia_app::principal::Access::Unrestricted
            ) || facility == "CPL-GY-1";
            // Only precise queries are expected to put the person on the first page.
            if visible && (kind == 3 || kind >= 5) && !page.items.iter().any(|f| f.id == id) {
                entry.2 += 1;
            }
            entry.3 += usize::from(page.truncated);
        }
        let mut all = Vec::new();
        for (k, (times, hits, missed, truncated)) in by_kind.iter_mut().enumerate() {
            all.extend(times.iter().copied());
            row(KINDS[k], times, *hits, *missed, *truncated);
        }
        row("all", &mut all, 0, 0, 0);
        let p95 = percentile(&all, 0.95);
        println!(
            "  p95 {p95:.2} ms against a target of {TARGET_P95_MS} ms: {}",
            if p95 <= TARGET_P95_MS {
                "met"
            } else {
                "NOT met"
            }
        );
    }
    Ok(())
}
