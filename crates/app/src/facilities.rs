//! Use cases for facilities: register, change, list and look at one with its occupancy.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::events::NewEvent;
use custodia_domain::occupancy::{self, Occupancy};
use custodia_domain::{
    Facility, FacilityKind, FacilityPatch, HoldsAge, HoldsSex, Location, SecurityLevel,
};
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// A facility with its capacity and occupancy figures now. (Its fields are spelled out
/// rather than flattened from [`Facility`], whose schema admits no other fields.)
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FacilityView {
    /// Stable code, e.g. `CPL-AZ-1`.
    pub code: String,
    /// Official name.
    pub name: String,
    /// Kind of institution.
    pub kind: FacilityKind,
    /// Province.
    pub province: String,
    /// City.
    pub city: String,
    /// IANA time zone.
    pub timezone: String,
    /// Sexes it may hold.
    pub holds_sex: HoldsSex,
    /// Age group it may hold.
    pub holds_age: HoldsAge,
    /// Security levels present.
    pub security_levels: Vec<SecurityLevel>,
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
    let Facility {
        code,
        name,
        kind,
        province,
        city,
        timezone,
        holds_sex,
        holds_age,
        security_levels,
    } = facility;
    FacilityView {
        code,
        name,
        kind,
        province,
        city,
        timezone,
        holds_sex,
        holds_age,
        security_levels,
        occupancy: occupancy::facility_total(tree, &by_location),
        location_count: tree.len(),
    }
}

/// Registers a new facility.
pub async fn register(
    store: &Store,
    who: &Principal,
    facility: Facility,
) -> Result<FacilityView, AppError> {
    who.require(Action::FacilityCreate, None)?;
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
    who.require(Action::FacilityUpdate, Some(code))?;
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
                changed.admits_locations(&tree)?;
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

/// Every facility with its figures.
pub async fn list(store: &Store, who: &Principal) -> Result<Vec<FacilityView>, AppError> {
    let visible = who.facilities(Action::FacilityRead);
    let now = Timestamp::now();
    let mut trees: HashMap<String, Vec<Location>> = HashMap::new();
    for l in store.all_locations().await? {
        trees.entry(l.facility.clone()).or_default().push(l);
    }
    Ok(store
        .facilities()
        .await?
        .into_iter()
        .filter(|f| visible.admits(&f.code))
        .map(|f| {
            let tree = trees.remove(&f.code).unwrap_or_default();
            view(f, &tree, now)
        })
        .collect())
}

/// One facility with its figures.
pub async fn get(store: &Store, who: &Principal, code: &str) -> Result<FacilityView, AppError> {
    who.require(Action::FacilityRead, Some(code))?;
    let facility = store
        .facility(code)
        .await?
        .ok_or_else(|| AppError::not_found("facility", code))?;
    let tree = store.locations_of(code).await?;
    Ok(view(facility, &tree, Timestamp::now()))
}
