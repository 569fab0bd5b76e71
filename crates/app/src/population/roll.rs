//! The roll (who should be where, now), occupants of a place at any instant, and a
//! person's movements history.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::location::out_of_service_ids;
use custodia_domain::occupancy::{self, Occupancy};
use custodia_domain::time::canonical;
use custodia_store::Store;
use custodia_store::population::{MovementRow, OpenEpisode, PresenceCounts};

use crate::error::AppError;
use crate::principal::Principal;

/// A facility's or the nation's counts.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RollTotals {
    /// Placed in a cell.
    pub in_place: i64,
    /// At the facility, not yet in a cell.
    pub unallocated: i64,
    /// Out on a temporary absence.
    pub out: i64,
    /// On the way here from another facility.
    pub in_transit_in: i64,
    /// On the way from here to another facility.
    pub in_transit_out: i64,
    /// Not back by the time expected.
    pub overdue_back: i64,
    /// Escaped and not recaptured.
    pub escaped: i64,
    /// Everyone the facility answers for: in place, unallocated, out and leaving.
    pub total_on_roll: i64,
    /// Capacity and occupancy figures of the cells (occupied = in place).
    pub occupancy: Occupancy,
    /// Persons placed over capacity by a director's override.
    pub overrides: i64,
}

impl RollTotals {
    fn from_counts(counts: &PresenceCounts, occupancy: Occupancy, overrides: i64) -> Self {
        let of = |k: &str| counts.elsewhere.get(k).copied().unwrap_or(0);
        Self::new(counts.placed.values().sum(), of, occupancy, overrides)
    }

    /// From the counters of persons per presence (`placed` included).
    fn from_presence(
        presence: &HashMap<String, i64>,
        occupancy: Occupancy,
        overrides: i64,
    ) -> Self {
        let of = |k: &str| presence.get(k).copied().unwrap_or(0);
        Self::new(of("placed"), of, occupancy, overrides)
    }

    fn new(in_place: i64, of: impl Fn(&str) -> i64, occupancy: Occupancy, overrides: i64) -> Self {
        let mut t = RollTotals {
            in_place,
            unallocated: of("unallocated"),
            out: of("out"),
            in_transit_in: 0,
            in_transit_out: of("in_transit"),
            overdue_back: 0,
            escaped: of("escaped"),
            total_on_roll: 0,
            occupancy,
            overrides,
        };
        t.total_on_roll = t.in_place + t.unallocated + t.out + t.in_transit_out;
        t
    }

    fn add(&mut self, o: &RollTotals) {
        self.in_place += o.in_place;
        self.unallocated += o.unallocated;
        self.out += o.out;
        self.in_transit_in += o.in_transit_in;
        self.in_transit_out += o.in_transit_out;
        self.overdue_back += o.overdue_back;
        self.escaped += o.escaped;
        self.total_on_roll += o.total_on_roll;
        self.overrides += o.overrides;
        let (a, b) = (&mut self.occupancy, &o.occupancy);
        a.design_capacity += b.design_capacity;
        a.operational_capacity += b.operational_capacity;
        a.usable += b.usable;
        a.occupied += b.occupied;
        a.free += b.free;
        a.over_capacity += b.over_capacity;
        a.occupancy_rate =
            (a.design_capacity > 0).then(|| a.occupied as f64 / a.design_capacity as f64);
    }
}

/// One location on the roll, with its subtree's figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocationRoll {
    /// Id.
    pub location_id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Enclosing location.
    pub parent_id: Option<i64>,
    /// Whether it is a cell (holds persons itself).
    pub is_cell: bool,
    /// Whether its places can be used now.
    pub in_service: bool,
    /// Figures over it and everything below.
    pub occupancy: Occupancy,
}

/// A person listed on the roll (unallocated, out, escaped, or over capacity).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RollPerson {
    /// Who.
    pub person_id: i64,
    /// `placed`, `unallocated`, `out`, `in_transit` or `escaped`.
    pub presence: String,
    /// Their cell, when placed.
    pub location_id: Option<i64>,
    /// Since when.
    pub since: String,
    /// The override's reason, for persons placed over capacity.
    pub override_reason: Option<String>,
}

fn roll_person(e: OpenEpisode) -> RollPerson {
    RollPerson {
        person_id: e.person_id,
        presence: e.presence,
        location_id: e.location_id,
        since: e.since,
        override_reason: e.override_reason,
    }
}

/// A facility's live roll.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FacilityRoll {
    /// The facility's code.
    pub facility: String,
    /// Its name.
    pub name: String,
    /// When counted.
    pub at: String,
    /// The counts.
    pub totals: RollTotals,
    /// Every location with its figures.
    pub locations: Vec<LocationRoll>,
    /// Persons not in a cell (unallocated, out, escaped), longest first.
    pub not_in_a_cell: Vec<RollPerson>,
    /// Persons placed over capacity by override, with the reason.
    pub overrides: Vec<RollPerson>,
}

/// The roll of one facility, live.
pub async fn roll(store: &Store, who: &Principal, code: &str) -> Result<FacilityRoll, AppError> {
    who.require(Action::FacilityRead, Some(code))?;
    let facility = store
        .facility(code)
        .await?
        .ok_or_else(|| AppError::not_found("facility", code))?;
    let now = Timestamp::now();
    let tree = store.locations_of(code).await?;
    let counts = store
        .presence_counts(Some(code))
        .await?
        .remove(code)
        .unwrap_or_default();
    let by_location = occupancy::by_location(&tree, &counts.placed, now);
    let closed = out_of_service_ids(&tree, now);
    let parents: HashSet<i64> = tree.iter().filter_map(|l| l.parent_id).collect();
    let arriving = store
        .in_transit_to()
        .await?
        .into_iter()
        .find(|(f, _)| f == code)
        .map_or(0, |(_, n)| n);
    let overdue = overdue_back(store, Some(code), now).await?;
    let overrides: Vec<RollPerson> = store
        .overrides(code)
        .await?
        .into_iter()
        .map(roll_person)
        .collect();
    let mut totals = RollTotals::from_counts(
        &counts,
        occupancy::facility_total(&tree, &by_location),
        overrides.len() as i64,
    );
    totals.in_transit_in = arriving;
    totals.overdue_back = overdue.get(code).copied().unwrap_or(0);
    Ok(FacilityRoll {
        totals,
        locations: tree
            .iter()
            .map(|l| LocationRoll {
                location_id: l.id,
                code: l.code.clone(),
                name: l.name.clone(),
                parent_id: l.parent_id,
                is_cell: !parents.contains(&l.id),
                in_service: !closed.contains(&l.id),
                occupancy: by_location.get(&l.id).copied().unwrap_or_default(),
            })
            .collect(),
        not_in_a_cell: store
            .not_in_a_cell(code)
            .await?
            .into_iter()
            .map(roll_person)
            .collect(),
        overrides,
        facility: facility.code,
        name: facility.name,
        at: canonical(now),
    })
}

/// Persons not back from an absence by the time expected, per facility.
async fn overdue_back(
    store: &Store,
    facility: Option<&str>,
    now: Timestamp,
) -> Result<HashMap<String, i64>, AppError> {
    let now = canonical(now);
    let mut out = HashMap::new();
    for a in store.open_absences(facility).await? {
        if a.expected_back_at < now {
            *out.entry(a.facility).or_insert(0) += 1;
        }
    }
    Ok(out)
}

/// One facility's line of the national roll.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FacilityTotals {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Province.
    pub province: String,
    /// Its counts.
    #[serde(flatten)]
    pub totals: RollTotals,
}

/// The national roll: every facility in reach and the totals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalRoll {
    /// When counted.
    pub at: String,
    /// Sums over the facilities listed.
    pub totals: RollTotals,
    /// Each facility.
    pub facilities: Vec<FacilityTotals>,
}

/// The roll of every facility the caller may see, with national totals. Read from the
/// counters the database keeps (persons per cell, per facility and presence), so its
/// cost grows with the number of facilities and closed places, not with the population.
pub async fn national_roll(store: &Store, who: &Principal) -> Result<NationalRoll, AppError> {
    let visible = who.require_some(Action::FacilityRead)?;
    let now = Timestamp::now();
    let occupancy = occupancy_by_facility(store, now).await?;
    let mut presence = store.presence_by_facility().await?;
    let arriving: HashMap<String, i64> = store.in_transit_to().await?.into_iter().collect();
    let overdue = overdue_back(store, None, now).await?;
    let overrides: HashMap<String, i64> = store.override_counts().await?.into_iter().collect();
    let mut totals = RollTotals::default();
    let mut facilities = Vec::new();
    for f in store.facilities().await? {
        if !visible.admits(&f.code) {
            continue;
        }
        let mut t = RollTotals::from_presence(
            &presence.remove(&f.code).unwrap_or_default(),
            occupancy.get(&f.code).copied().unwrap_or_default(),
            overrides.get(&f.code).copied().unwrap_or(0),
        );
        t.in_transit_in = arriving.get(&f.code).copied().unwrap_or(0);
        t.overdue_back = overdue.get(&f.code).copied().unwrap_or(0);
        totals.add(&t);
        facilities.push(FacilityTotals {
            code: f.code,
            name: f.name,
            province: f.province,
            totals: t,
        });
    }
    Ok(NationalRoll {
        at: canonical(now),
        totals,
        facilities,
    })
}

/// Each facility's occupancy at `now`: the sums over its locations, corrected for the
/// places under a closure in force (each place once, however many closures cover it).
async fn occupancy_by_facility(
    store: &Store,
    now: Timestamp,
) -> Result<HashMap<String, Occupancy>, AppError> {
    let closed_roots: HashMap<i64, String> = store
        .locations_with_closures()
        .await?
        .into_iter()
        .filter(|l| l.out_of_service_at(now))
        .map(|l| (l.id, l.facility))
        .collect();
    let mut closed: HashMap<&str, HashMap<i64, (i64, i64)>> = HashMap::new();
    if !closed_roots.is_empty() {
        for p in store.places_under_closures().await? {
            if let Some(facility) = closed_roots.get(&p.closed_root) {
                closed
                    .entry(facility.as_str())
                    .or_default()
                    .insert(p.location_id, (p.operational_capacity, p.occupied));
            }
        }
    }
    Ok(store
        .place_sums()
        .await?
        .into_iter()
        .map(|(facility, s)| {
            let in_service = Occupancy {
                design_capacity: s.design_capacity,
                operational_capacity: s.operational_capacity,
                usable: s.operational_capacity,
                occupied: s.occupied,
                free: s.free,
                over_capacity: s.over_capacity,
                occupancy_rate: None,
            };
            let places = closed
                .get(facility.as_str())
                .into_iter()
                .flat_map(|m| m.values().copied());
            let figures = occupancy::from_sums(in_service, places);
            (facility, figures)
        })
        .collect())
}

/// A person in a place.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Occupant {
    /// Who.
    pub person_id: i64,
    /// Registry number.
    pub registry_number: String,
    /// Full name.
    pub full_name: String,
    /// Their cell.
    pub location_id: Option<i64>,
    /// Since when they were there.
    pub since: String,
}

/// Who was in a place at an instant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Occupants {
    /// The place.
    pub location_id: i64,
    /// The instant.
    pub at: String,
    /// Who was placed in it or below it, by person id.
    pub occupants: Vec<Occupant>,
}

/// Who is placed in a location (or anywhere below it) now, or was at `at`, from the
/// movements history (late-recorded movements included).
pub async fn occupants(
    store: &Store,
    who: &Principal,
    location_id: i64,
    at: Option<Timestamp>,
) -> Result<Occupants, AppError> {
    let location = store
        .location(location_id)
        .await?
        .ok_or_else(|| AppError::not_found("location", location_id))?;
    who.require_in(
        Action::PersonRead,
        &location.facility,
        "location",
        location_id,
    )?;
    let now = Timestamp::now();
    let found = match at {
        None => store.occupants_now(location_id).await?,
        Some(at) => {
            let is_unit = location.parent_id.is_none();
            store
                .occupants_at(location_id, is_unit, &canonical(at))
                .await?
        }
    };
    let occupants = found
        .into_iter()
        .map(|o| Occupant {
            person_id: o.person_id,
            registry_number: o.registry_number,
            full_name: o.full_name,
            location_id: o.location_id,
            since: o.since,
        })
        .collect();
    Ok(Occupants {
        location_id,
        at: canonical(at.unwrap_or(now)),
        occupants,
    })
}

/// One stay of a person's movements history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MovementView {
    /// Id.
    pub id: i64,
    /// Whose.
    pub person_id: i64,
    /// Custody episode.
    pub episode_id: i64,
    /// The movement that began the stay: `admitted`, `placed`, `moved`, `released`…
    pub kind: String,
    /// The facility.
    pub facility: String,
    /// The cell, when placed.
    pub location_id: Option<i64>,
    /// Its unit.
    pub unit_id: Option<i64>,
    /// `placed`, `unallocated`, `out`, `in_transit`, `escaped` or `ended`.
    pub presence: String,
    /// Why.
    pub reason: Option<String>,
    /// The override's reason, when capacity was overridden.
    pub override_reason: Option<String>,
    /// When the movement happened (valid time).
    pub occurred_at: String,
    /// When the next movement ended the stay (null while it lasts).
    pub until: Option<String>,
    /// When it was recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

impl From<MovementRow> for MovementView {
    fn from(m: MovementRow) -> Self {
        MovementView {
            id: m.id,
            person_id: m.person_id,
            episode_id: m.episode_id,
            kind: m.kind,
            facility: m.facility,
            location_id: m.location_id,
            unit_id: m.unit_id,
            presence: m.presence,
            reason: m.reason,
            override_reason: m.override_reason,
            occurred_at: m.occurred_at,
            until: m.until_at,
            recorded_at: m.recorded_at,
            recorded_by: m.recorded_by,
        }
    }
}

/// A person's movements history, in the order they happened.
pub async fn movements(
    store: &Store,
    who: &Principal,
    person_id: i64,
) -> Result<Vec<MovementView>, AppError> {
    let person = store
        .person(person_id)
        .await?
        .ok_or_else(|| AppError::not_found("person", person_id))?;
    who.require_in(Action::PersonRead, &person.facility, "person", person_id)?;
    Ok(store
        .movements_of(person_id)
        .await?
        .into_iter()
        .map(MovementView::from)
        .collect())
}

/// A movement at a facility, with whose it is.
#[derive(Debug, Clone, Serialize)]
pub struct FacilityMovement {
    /// The movement.
    pub movement: MovementView,
    /// The person's registry number.
    pub registry_number: String,
    /// The person's name.
    pub full_name: String,
}

/// The most movements a facility's list shows.
pub const FACILITY_MOVEMENTS_LIMIT: i64 = 500;

/// The movements at a facility since `since` (today's, on its page), newest first.
pub async fn facility_movements(
    store: &Store,
    who: &Principal,
    facility: &str,
    since: Timestamp,
) -> Result<Vec<FacilityMovement>, AppError> {
    who.require(Action::PersonRead, Some(facility))?;
    Ok(store
        .movements_at_facility(facility, &canonical(since), FACILITY_MOVEMENTS_LIMIT)
        .await?
        .into_iter()
        .map(|(m, registry_number, full_name)| FacilityMovement {
            movement: m.into(),
            registry_number,
            full_name,
        })
        .collect())
}
