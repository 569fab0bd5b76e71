//! The reference facilities of the Ecuador 2023 scenario (public facility names and
//! rounded public capacities; no persons), embedded in the binary.

use anyhow::bail;
use custodia_app::{AppError, Principal};
use custodia_store::Store;

const FACILITIES: &str = include_str!("../seed/facilities.csv");
const LOCATIONS: &str = include_str!("../seed/locations.csv");

/// Imports the reference facilities, unless the database already has facilities.
pub async fn load(store: &Store) -> anyhow::Result<()> {
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
