//! Use cases for locations: add, change, put out of service and back, list and look.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::events::NewEvent;
use custodia_domain::location::{descendants_and_self, out_of_service_ids, validate_change};
use custodia_domain::occupancy::{self, Occupancy};
use custodia_domain::placement::{Move, Refusal};
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

/// The unit (top-level location) a location is in, in `tree`.
fn unit_of(tree: &[Location], id: i64) -> i64 {
    let parents: HashMap<i64, i64> = tree
        .iter()
        .filter_map(|l| l.parent_id.map(|p| (l.id, p)))
        .collect();
    let mut unit = id;
    // A tree has no cycle (validate_change refuses one); the bound is for a corrupt one.
    for _ in 0..tree.len() {
        match parents.get(&unit) {
            Some(parent) => unit = *parent,
            None => break,
        }
    }
    unit
}

/// The persons placed in a subtree moved into another unit, and the keep-apart rules
/// they already broke where they were (a rule recorded after they were put together):
/// the move is refused only for what it breaks anew.
struct Regrouping {
    locations: Vec<i64>,
    moves: Vec<Move>,
    broken: HashSet<(i64, Option<i64>)>,
}

impl Regrouping {
    /// Reads who is placed in `locations`, and what they break, before the move.
    async fn before(
        tx: &mut WriteTx,
        locations: Vec<i64>,
        now: Timestamp,
    ) -> Result<Self, AppError> {
        let moves: Vec<Move> = tx
            .placed_in_locations(&locations)
            .await?
            .into_iter()
            .filter(|e| e.presence == "placed")
            .map(|e| Move {
                person_id: e.person_id,
                facility: e.facility,
                location_id: e.location_id,
            })
            .collect();
        let broken = Self::broken(tx, &moves, now).await?.into_keys().collect();
        Ok(Regrouping {
            locations,
            moves,
            broken,
        })
    }

    /// Each keep-apart rule a person staying in their cell breaks, by person and rule.
    async fn broken(
        tx: &mut WriteTx,
        moves: &[Move],
        now: Timestamp,
    ) -> Result<HashMap<(i64, Option<i64>), (String, Refusal)>, AppError> {
        if moves.is_empty() {
            return Ok(HashMap::new());
        }
        let snapshot = crate::population::snapshot(tx, moves, now).await?;
        Ok(moves
            .iter()
            .flat_map(|m| {
                snapshot
                    .keep_apart_refusals(m)
                    .into_iter()
                    .map(|r| ((m.person_id, r.rule_id), (m.facility.clone(), r)))
            })
            .collect())
    }

    /// Moves the subtree's stays and persons into `unit` (the tree already says so), and
    /// refuses it when someone there would now be in one unit with whom they must not.
    async fn into(
        self,
        tx: &mut WriteTx,
        who: &Principal,
        unit: i64,
        now: Timestamp,
    ) -> Result<(), AppError> {
        tx.set_unit_of(&self.locations, unit).await?;
        let after = Self::broken(tx, &self.moves, now).await?;
        let mut anew: Vec<_> = after
            .into_iter()
            .filter(|(key, _)| !self.broken.contains(key))
            .collect();
        anew.sort_by_key(|(key, _)| *key);
        if let Some((_, (facility, refusal))) = anew.into_iter().next() {
            let may_see = crate::population::sees_intelligence(who, &facility);
            return Err(crate::population::refused(&[refusal], may_see));
        }
        Ok(())
    }
}

/// Changes a location's details, keeping the tree and its rules intact. Moved under
/// another unit (its parent changed), its subtree's stays and the persons placed in it
/// are in that unit from then on, unless it would put persons who must be kept apart
/// in one unit.
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
            let (facility, tree, current) = load(tx, &principal, id).await?;
            let changed = current.patched(&patch);
            if tree
                .iter()
                .any(|l| l.id != changed.id && l.code == changed.code)
            {
                return Err(duplicate(&changed.facility, &changed.code));
            }
            validate_change(&facility, &tree, &changed)?;
            let mut after = tree.clone();
            replace(&mut after, changed.clone());
            let unit = unit_of(&after, id);
            let regrouping = if unit == unit_of(&tree, id) {
                None
            } else {
                let inside = descendants_and_self(&after, id).into_iter().collect();
                Some(Regrouping::before(tx, inside, now).await?)
            };
            if changed != current {
                tx.update_location(&changed, &custodia_domain::time::canonical(now))
                    .await
                    .map_err(|e| duplicate_or(e, &changed.facility, &changed.code))?;
                tx.append(NewEvent::location_changed(&changed, &patch, now))
                    .await?;
            }
            if let Some(r) = regrouping {
                r.into(tx, &principal, unit, now).await?;
            }
            Ok::<_, AppError>(after)
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
