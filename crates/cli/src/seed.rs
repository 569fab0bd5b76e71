//! The reference facilities of the Ecuador 2023 scenario (public facility names and
//! rounded public capacities), embedded in the binary, and generated demo persons for a
//! freshly seeded database.

use anyhow::bail;
use custodia_app::{AppError, Principal};
use custodia_domain::access::{Grant, Role};
use custodia_store::Store;

const FACILITIES: &str = include_str!("../seed/facilities.csv");
const LOCATIONS: &str = include_str!("../seed/locations.csv");

/// On a database without users, creates `demo.admin` (national administrator) with a
/// fresh random password, printed once, so that the demo can be signed into.
async fn demo_administrator(store: &Store, seeder: &Principal) -> anyhow::Result<()> {
    if !store.users().await?.is_empty() {
        return Ok(());
    }
    let (secret, _) = custodia_app::secrets::new_token()?;
    let password = format!("demo-{}", &secret[4..28]);
    let new = custodia_app::users::NewUser {
        username: "demo.admin".to_owned(),
        display_name: "Demo administrator".to_owned(),
        password: password.clone(),
        grants: vec![Grant::national(Role::NationalAdmin)],
    };
    custodia_app::users::add(store, seeder, new).await?;
    // To the terminal only: standard output may be kept in logs.
    eprintln!(
        "demo administrator: sign in as demo.admin with password {password} (shown only now)"
    );
    Ok(())
}

/// Imports the reference facilities, unless the database already has facilities; with
/// `demo_admin`, also a demo administrator on a database without users. Returns whether
/// it seeded (false: the database already had facilities).
pub async fn load(store: &Store, demo_admin: bool) -> anyhow::Result<bool> {
    if !store.facilities().await?.is_empty() {
        println!("seed skipped: the database already has facilities");
        return Ok(false);
    }
    let files = [
        ("seed/facilities.csv".to_owned(), FACILITIES.to_owned()),
        ("seed/locations.csv".to_owned(), LOCATIONS.to_owned()),
    ];
    let seeder = Principal::system("seed");
    match custodia_app::import::import(store, &seeder, &files).await {
        Ok(summary) => {
            println!(
                "seeded {} facilities and {} locations",
                summary.facilities, summary.locations
            );
            if demo_admin {
                demo_administrator(store, &seeder).await?;
            }
            Ok(true)
        }
        Err(AppError::ImportRejected(rows)) => {
            bail!(
                "the embedded seed is invalid: {}",
                rows.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The demo data: the generated population, then the August 2023 crisis replayed.
pub async fn demo(store: &Store, scale: f64) -> anyhow::Result<()> {
    demo_population(store, scale).await?;
    let crisis = crate::scenario::replay_2023(store).await?;
    println!(
        "replayed the August 2023 crisis (crisis {}): 57 officers held at six prisons at {}, all released by {}; 7 attacks outside",
        crisis.crisis_id, crisis.peak, crisis.after
    );
    // Today's rosters, so that the facility pages show who is on duty now and a crisis
    // opened in the demo has officers to account for.
    let facilities = store.facilities().await?;
    let codes: Vec<&str> = facilities.iter().map(|f| f.code.as_str()).collect();
    let staff = crate::staff_demo::demo_staff(store, &codes, 12, jiff::Timestamp::now()).await?;
    println!(
        "registered {} demo staff with today's day and night shifts at {} facilities",
        staff
            .facilities
            .iter()
            .map(|f| f.day_crew.len() + f.night_crew.len())
            .sum::<usize>(),
        staff.facilities.len()
    );
    Ok(())
}

/// How full each reference facility was in 2023 (persons ÷ places), from the public
/// figures in the scenario: Litoral and Latacunga over capacity, most others near full.
fn occupancy_target(code: &str) -> f64 {
    match code {
        "CPL-GY-1" => 1.64,
        "CPL-CX-1" => 1.14,
        "CPL-AZ-1" => 1.04,
        "CPL-MA-1" | "CPL-EO-1" => 1.0,
        c if c.starts_with("CAI-") => 0.6,
        _ => 0.9,
    }
}

/// The demo population: generated persons (never real ones) admitted to every reference
/// facility up to its 2023 occupancy times `scale`, through the real admission use case,
/// with legal dates to watch (some pretrial detainees past their limit, some sentenced),
/// then placed in cells through the placement use case (a director's override where a
/// prison is over capacity), gangs with rivalries, affiliations and keep-apart rules, and
/// a few absences. Callers run it only right after [`load`] seeded a fresh database, never
/// on a registry of real facilities; it is also skipped when the registry has persons.
pub async fn demo_population(store: &Store, scale: f64) -> anyhow::Result<()> {
    if store.has_persons().await? || !(0.0..=2.0).contains(&scale) {
        return Ok(());
    }
    let seeder = Principal::system("demo");
    let gangs = crate::demo::gangs(store, &seeder).await?;
    let mut dice = crate::people::Dice::new(31_000);
    let now = jiff::Timestamp::now();
    let mut admitted = 0;
    let mut placed = 0;
    let mut overrides = 0;
    let mut n = 0;
    for facility in store.facilities().await? {
        let tree = store.locations_of(&facility.code).await?;
        let mut cells = crate::demo::Cells::of(&tree);
        let capacity: i64 = tree.iter().map(|l| l.operational_capacity).sum();
        let target = (capacity as f64 * occupancy_target(&facility.code) * scale).round() as u64;
        for _ in 0..target {
            n += 1;
            let request = crate::demo::admission(&mut dice, n, &facility, now)?;
            let sex = request.person.as_ref().map(|p| p.sex);
            // Placed in a cell two hours after arriving.
            let placed_at = request.admitted_at + jiff::SignedDuration::from_hours(2);
            let person = match custodia_app::persons::admit(store, &seeder, request).await {
                Ok(file) => file.id,
                // A generated person may fall foul of a rule (e.g. a duplicate cédula):
                // the rule wins, the demo has one person fewer.
                Err(AppError::Invalid(_) | AppError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            };
            admitted += 1;
            let gang = crate::demo::affiliate(store, &seeder, &mut dice, &gangs, &facility, person)
                .await?;
            match cells
                .place(store, &seeder, person, sex, gang, placed_at)
                .await?
            {
                crate::demo::Placed::Free => placed += 1,
                crate::demo::Placed::Override => {
                    placed += 1;
                    overrides += 1;
                }
                crate::demo::Placed::Unallocated => {}
            }
        }
    }
    crate::demo::after_placement(store, &seeder, &mut dice).await?;
    println!(
        "admitted {admitted} generated persons, placed {placed} in cells ({overrides} over capacity by override)"
    );
    Ok(())
}
