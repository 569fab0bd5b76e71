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

/// Persons placed per cell now, in one facility.
pub(crate) async fn placed_in(
    store: &Store,
    facility: &str,
) -> Result<HashMap<i64, i64>, AppError> {
    Ok(store
        .presence_counts(Some(facility))
        .await?
        .remove(facility)
        .map(|c| c.placed)
        .unwrap_or_default())
}

/// Builds the view of a facility from its location tree.
pub(crate) fn view(
    facility: Facility,
    tree: &[Location],
    placed: &HashMap<i64, i64>,
    now: Timestamp,
) -> FacilityView {
    let by_location = occupancy::by_location(tree, placed, now);
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
    let registered = facility.clone();
    store
        .write(&who.actor, async move |tx| {
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
        .await?;
    Ok(view(registered, &[], &HashMap::new(), now))
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
    let code = code.to_owned();
    let (facility, tree) = store
        .write(&who.actor, async move |tx| {
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
        .await?;
    let placed = placed_in(store, &facility.code).await?;
    Ok(view(facility, &tree, &placed, now))
}

/// Every facility with its figures.
pub async fn list(store: &Store, who: &Principal) -> Result<Vec<FacilityView>, AppError> {
    let visible = who.facilities(Action::FacilityRead);
    let now = Timestamp::now();
    let mut counts = store.presence_counts(None).await?;
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
            let placed = counts.remove(&f.code).map(|c| c.placed).unwrap_or_default();
            view(f, &tree, &placed, now)
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
    let placed = placed_in(store, code).await?;
    Ok(view(facility, &tree, &placed, Timestamp::now()))
}

/// The facilities where `who` may do `action`, without their figures: for choosing one
/// in a form, or reading a facility's time zone, without adding up every location.
pub async fn choices(
    store: &Store,
    who: &Principal,
    action: Action,
) -> Result<Vec<Facility>, AppError> {
    Ok(store
        .facilities()
        .await?
        .into_iter()
        .filter(|f| who.allows(action, Some(&f.code)))
        .collect())
}

/// Every registered facility, for naming a destination (a transfer goes to facilities
/// out of the requester's reach): codes and names are no secret to a signed-in user.
pub async fn directory(store: &Store, who: &Principal) -> Result<Vec<Facility>, AppError> {
    who.require_some(Action::FacilityRead)?;
    Ok(store.facilities().await?)
}

/// One facility as registered (name, time zone…), without its figures.
pub async fn basic(store: &Store, who: &Principal, code: &str) -> Result<Facility, AppError> {
    who.require(Action::FacilityRead, Some(code))?;
    store
        .facility(code)
        .await?
        .ok_or_else(|| AppError::not_found("facility", code))
}
