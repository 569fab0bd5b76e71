//! The reference facilities of the Ecuador 2023 scenario (public facility names and
//! rounded public capacities; no persons), embedded in the binary.

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
/// `demo_admin`, also a demo administrator on a database without users.
pub async fn load(store: &Store, demo_admin: bool) -> anyhow::Result<()> {
    if !store.facilities().await?.is_empty() {
        println!("seed skipped: the database already has facilities");
        return Ok(());
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
            Ok(())
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
