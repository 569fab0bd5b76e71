//! Use cases for locations: add, change, put out of service and back, list and look.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::events::NewEvent;
use custodia_domain::location::{out_of_service_ids, validate_change};
use custodia_domain::occupancy::{self, Occupancy};
use custodia_domain::{Location, LocationPatch, NewLocation, OutOfServiceRequest};
use custodia_store::{Store, WriteTx};

use crate::error::AppError;
use crate::facilities::placed_in;
use crate::principal::Principal;

/// A location with the capacity and occupancy of its whole subtree now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    /// The location itself.
    #[serde(flatten)]
    pub location: Location,
    /// Whether its places can be used now: false while it, or a location it is
    /// inside, is out of service.
    pub in_service: bool,
    /// Totals over this location and everything below it.
    pub occupancy: Occupancy,
}

fn views(tree: &[Location], placed: &HashMap<i64, i64>, now: Timestamp) -> Vec<LocationView> {
    let totals = occupancy::by_location(tree, placed, now);
    let closed = out_of_service_ids(tree, now);
    tree.iter()
        .map(|l| LocationView {
            in_service: !closed.contains(&l.id),
            occupancy: totals.get(&l.id).copied().unwrap_or_default(),
            location: l.clone(),
        })
        .collect()
}

async fn view_of(
    store: &Store,
    tree: &[Location],
    id: i64,
    now: Timestamp,
) -> Result<LocationView, AppError> {
    let facility = tree.first().map(|l| l.facility.clone()).unwrap_or_default();
    let placed = placed_in(store, &facility).await?;
    views(tree, &placed, now)
        .into_iter()
        .find(|v| v.location.id == id)
        .ok_or_else(|| AppError::not_found("location", id))
}

/// Every location of a facility, each with its subtree's figures.
pub async fn list(
    store: &Store,
    who: &Principal,
    facility: &str,
) -> Result<Vec<LocationView>, AppError> {
    who.require(Action::FacilityRead, Some(facility))?;
    if store.facility(facility).await?.is_none() {
        return Err(AppError::not_found("facility", facility));
    }
    Ok(views(
        &store.locations_of(facility).await?,
        &placed_in(store, facility).await?,
        Timestamp::now(),
    ))
}

/// One location with its subtree's figures.
pub async fn get(store: &Store, who: &Principal, id: i64) -> Result<LocationView, AppError> {
    let location = store
        .location(id)
        .await?
        .ok_or_else(|| AppError::not_found("location", id))?;
    who.require_in(Action::FacilityRead, &location.facility, "location", id)?;
    let tree = store.locations_of(&location.facility).await?;
    view_of(store, &tree, id, Timestamp::now()).await
}

/// Adds a location to a facility.
pub async fn add(
    store: &Store,
    who: &Principal,
    facility: &str,
    new: NewLocation,
) -> Result<LocationView, AppError> {
    who.require(Action::LocationWrite, Some(facility))?;
    new.validate_fields()?;
    let now = Timestamp::now();
    let facility = facility.to_owned();
    let (tree, id) = store
        .write(&who.actor, async move |tx| {
            let facility = facility.as_str();
            let f = tx
                .facility(facility)
                .await?
                .ok_or_else(|| AppError::not_found("facility", facility))?;
            let mut tree = tx.locations_of(facility).await?;
            // A taken code is a conflict (409), whether a concurrent insert or this
            // check finds it first.
            if tree.iter().any(|l| l.code == new.code) {
                return Err(duplicate(facility, &new.code));
            }
            // Validate as if it were stored, with a placeholder id no stored row has.
            let mut candidate = new.stored(0, facility);
            validate_change(&f, &tree, &candidate)?;
            candidate.id = tx
                .insert_location(facility, &new, &custodia_domain::time::canonical(now))
                .await
                .map_err(|e| duplicate_or(e, facility, &new.code))?;
            tx.append(NewEvent::location_added(&candidate, now)).await?;
            let id = candidate.id;
            tree.push(candidate);
            Ok::<_, AppError>((tree, id))
        })
        .await?;
    view_of(store, &tree, id, now).await
}

fn duplicate(facility: &str, code: &str) -> AppError {
    AppError::Conflict {
        code: "duplicate_code",
        message: format!("facility {facility} already has a location with code {code}"),
    }
}

fn duplicate_or(e: custodia_store::StoreError, facility: &str, code: &str) -> AppError {
    if e.is_unique_violation() {
        duplicate(facility, code)
    } else {
        e.into()
    }
}

/// Loads a location and its facility's tree inside a write transaction.
async fn load(
    tx: &mut WriteTx,
    who: &Principal,
    id: i64,
) -> Result<(custodia_domain::Facility, Vec<Location>, Location), AppError> {
    let current = tx
        .location(id)
        .await?
        .ok_or_else(|| AppError::not_found("location", id))?;
    who.require_in(Action::LocationWrite, &current.facility, "location", id)?;
    let facility = tx
        .facility(&current.facility)
        .await?
        .ok_or_else(|| AppError::not_found("facility", &current.facility))?;
    let tree = tx.locations_of(&current.facility).await?;
    Ok((facility, tree, current))
}

/// Changes a location's details, keeping the tree and its rules intact.
pub async fn update(
    store: &Store,
    who: &Principal,
    id: i64,
    patch: LocationPatch,
) -> Result<LocationView, AppError> {
    let now = Timestamp::now();
    let principal = who.clone();
    let tree = store
        .write(&who.actor, async move |tx| {
            let (facility, mut tree, current) = load(tx, &principal, id).await?;
            let changed = current.patched(&patch);
            if tree
                .iter()
                .any(|l| l.id != changed.id && l.code == changed.code)
            {
                return Err(duplicate(&changed.facility, &changed.code));
            }
            validate_change(&facility, &tree, &changed)?;
            if changed != current {
                tx.update_location(&changed, &custodia_domain::time::canonical(now))
                    .await
                    .map_err(|e| duplicate_or(e, &changed.facility, &changed.code))?;
                tx.append(NewEvent::location_changed(&changed, &patch, now))
                    .await?;
            }
            replace(&mut tree, changed);
            Ok::<_, AppError>(tree)
        })
        .await?;
    view_of(store, &tree, id, now).await
}

fn replace(tree: &mut [Location], changed: Location) {
    if let Some(slot) = tree.iter_mut().find(|l| l.id == changed.id) {
        *slot = changed;
    }
}

/// Puts a location out of service for a period (its places, and those below it, stop
/// counting as usable while the period lasts).
pub async fn take_out_of_service(
    store: &Store,
    who: &Principal,
    id: i64,
    request: OutOfServiceRequest,
) -> Result<LocationView, AppError> {
    let now = Timestamp::now();
    let period = request.into_period(now);
    period.validate()?;
    let principal = who.clone();
    let tree = store
        .write(&who.actor, async move |tx| {
            let (_, mut tree, mut location) = load(tx, &principal, id).await?;
            let replaced = location.take_out_of_service(period.clone(), now)?;
            tx.update_location(&location, &custodia_domain::time::canonical(now))
                .await?;
            tx.append(NewEvent::location_out_of_service(
                &location,
                &period,
                replaced.as_ref(),
                now,
            ))
            .await?;
            replace(&mut tree, location);
            Ok::<_, AppError>(tree)
        })
        .await?;
    view_of(store, &tree, id, now).await
}

/// Puts a location back in service, ending any out-of-service period.
pub async fn return_to_service(
    store: &Store,
    who: &Principal,
    id: i64,
) -> Result<LocationView, AppError> {
    let now = Timestamp::now();
    let principal = who.clone();
    let tree = store
        .write(&who.actor, async move |tx| {
            let (_, mut tree, mut location) = load(tx, &principal, id).await?;
            let ended = location.return_to_service()?;
            tx.update_location(&location, &custodia_domain::time::canonical(now))
                .await?;
            tx.append(NewEvent::location_returned(&location, Some(&ended), now))
                .await?;
            replace(&mut tree, location);
            Ok::<_, AppError>(tree)
        })
        .await?;
    view_of(store, &tree, id, now).await
}
