//! Use cases for facilities: register, change, list and look at one with its occupancy.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::events::NewEvent;
use custodia_domain::occupancy::{self, Occupancy};
use custodia_domain::{Facility, FacilityPatch, Invalid, Location};
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// A facility with its capacity and occupancy figures now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FacilityView {
    #[serde(flatten)]
    pub facility: Facility,
    /// Totals over all its locations.
    pub occupancy: Occupancy,
    /// How many locations it has.
    pub location_count: usize,
}

/// Persons held per location. There is no person registry yet, so every place is empty;
/// the placements issue replaces this with a query of the placements read table.
pub(crate) fn occupied_by_location(_tree: &[Location]) -> HashMap<i64, i64> {
    HashMap::new()
}

/// Builds the view of a facility from its location tree.
pub(crate) fn view(facility: Facility, tree: &[Location], now: Timestamp) -> FacilityView {
    let by_location = occupancy::by_location(tree, &occupied_by_location(tree), now);
    FacilityView {
        occupancy: occupancy::facility_total(tree, &by_location),
        location_count: tree.len(),
        facility,
    }
}

/// Registers a new facility.
pub async fn register(
    store: &Store,
    who: &Principal,
    facility: Facility,
) -> Result<FacilityView, AppError> {
    facility.validate()?;
    let now = Timestamp::now();
    store
        .write(&who.actor, |tx| {
            let facility = facility.clone();
            Box::pin(async move {
                if tx.facility(&facility.code).await?.is_some() {
                    return Err(duplicate(&facility.code));
                }
                tx.insert_facility(&facility, &custodia_domain::time::canonical(now))
                    .await
                    .map_err(|e| {
                        if e.is_unique_violation() {
                            duplicate(&facility.code)
                        } else {
                            e.into()
                        }
                    })?;
                tx.append(NewEvent::facility_registered(&facility, now))
                    .await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(view(facility, &[], now))
}

fn duplicate(code: &str) -> AppError {
    AppError::Conflict {
        code: "duplicate_code",
        message: format!("facility {code} already exists"),
    }
}

/// Changes a facility's details; the change must keep its existing locations valid.
pub async fn update(
    store: &Store,
    who: &Principal,
    code: &str,
    patch: FacilityPatch,
) -> Result<FacilityView, AppError> {
    let now = Timestamp::now();
    let (facility, tree) = store
        .write(&who.actor, |tx| {
            let (patch, code) = (patch.clone(), code.to_owned());
            Box::pin(async move {
                let current = tx
                    .facility(&code)
                    .await?
                    .ok_or_else(|| AppError::not_found("facility", &code))?;
                let changed = current.patched(&patch);
                changed.validate()?;
                let tree = tx.locations_of(&code).await?;
                still_fits(&changed, &tree)?;
                if changed != current {
                    tx.update_facility(&changed, &custodia_domain::time::canonical(now))
                        .await?;
                    tx.append(NewEvent::facility_changed(&changed, &patch, now))
                        .await?;
                }
                Ok::<_, AppError>((changed, tree))
            })
        })
        .await?;
    Ok(view(facility, &tree, now))
}

/// A facility may not narrow what it holds below what its locations already hold.
fn still_fits(f: &Facility, tree: &[Location]) -> Result<(), Invalid> {
    let mut c = custodia_domain::validation::Collector::default();
    for l in tree {
        c.check(
            !f.security_levels.contains(&l.security_level),
            "security_levels",
            "level_in_use",
            format!(
                "location {} has the {} security level",
                l.code, l.security_level
            ),
        );
        c.check(
            !f.holds_sex.admits(l.holds_sex),
            "holds_sex",
            "sex_in_use",
            format!("location {} holds {}", l.code, l.holds_sex),
        );
    }
    c.finish()
}

/// Every facility with its figures.
pub async fn list(store: &Store, _who: &Principal) -> Result<Vec<FacilityView>, AppError> {
    let now = Timestamp::now();
    let mut trees: HashMap<String, Vec<Location>> = HashMap::new();
    for l in store.all_locations().await? {
        trees.entry(l.facility.clone()).or_default().push(l);
    }
    Ok(store
        .facilities()
        .await?
        .into_iter()
        .map(|f| {
            let tree = trees.remove(&f.code).unwrap_or_default();
            view(f, &tree, now)
        })
        .collect())
}

/// One facility with its figures.
pub async fn get(store: &Store, _who: &Principal, code: &str) -> Result<FacilityView, AppError> {
    let facility = store
        .facility(code)
        .await?
        .ok_or_else(|| AppError::not_found("facility", code))?;
    let tree = store.locations_of(code).await?;
    Ok(view(facility, &tree, Timestamp::now()))
}
