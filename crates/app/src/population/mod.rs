//! Use cases for where every person in custody is: placements and moves, the placement
//! check, classification, gangs and keep-apart rules, the roll, and who was where when.
//!
//! Every change of place goes through [`rules`] (the domain's one placement check, fed
//! with what it needs from the store) and [`record_movement`] (the movements history with
//! valid time, and the episode's current whereabouts), inside one write transaction:
//! writers are serialized, so a capacity or keep-apart check cannot race another move.

mod absences;
mod bulk;
mod check;
mod classify;
mod counts;
mod custody_end;
mod intelligence;
mod place;
mod roll;
mod transfers;

pub use absences::{AbsenceRequest, AbsenceView, ReturnRequest, absences, come_back, leave};
pub use bulk::{
    OperationCounts, OperationMove, OperationRequest, OperationView, create_operation, operation,
    operation_step,
};
pub use check::{CheckedMove, MoveToCheck, ReasonView, check};
pub use classify::{Classification, classify};
pub use counts::{
    CountRequest, CountView, Reconciliation, counts, reconcile, record as record_count,
};
pub(crate) use custody_end::record_death;
pub use custody_end::{
    DeathRequest, EscapeRequest, PresenceView, RecaptureRequest, death, escape, recapture,
};
pub use intelligence::{
    Affiliation, AffiliationView, Confidence, GroupRole, GroupView, KeepApartRequest,
    KeepApartView, NewGroup, PersonAffiliation, affiliate, affiliations, groups, keep_apart_list,
    record_keep_apart, register_group,
};
pub use place::{Override, PlacementRequest, PlacementView, place};
pub use roll::{
    FacilityMovement, FacilityRoll, FacilityTotals, LocationRoll, MovementView, NationalRoll,
    Occupant, Occupants, RollPerson, RollTotals, facility_movements, movements, national_roll,
    occupants, roll,
};
pub use transfers::{
    StepRequest, TransferRequest, TransferView, next_steps, request as request_transfer,
    step as transfer_step, transfer, transfers,
};

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;

use custodia_domain::access::Action;
use custodia_domain::custody::LegalStatus;
use custodia_domain::movements::{Slot, Span, slot};
use custodia_domain::person::Sex;
use custodia_domain::placement::{
    FacilityFit, KeepApart, KeepApartKind, KeepApartReason, KeepApartScope, Move, Place, Presence,
    Profile, RESTRICTED, Refusal, Snapshot, Whereabouts,
};
use custodia_domain::time::{canonical, date_in};
use custodia_domain::{FieldError, HoldsAge, Invalid, SecurityLevel};
use custodia_store::intelligence::KeepApartRow;
use custodia_store::population::{MovementRow, OpenEpisode};
use custodia_store::{StoreError, WriteTx};

use crate::error::AppError;
use crate::principal::Principal;

/// What a caller without intelligence access reads when a keep-apart rule refuses a move.
pub const RESTRICTED_MESSAGE: &str =
    "placement restricted for security reasons — contact the security office";

fn corrupt(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Store(StoreError::Corrupt(format!("{what}: {e}")))
}

/// The rules' view of a person, from their open episode and their groups now.
fn profile(e: &OpenEpisode, groups: Vec<i64>) -> Result<Profile, AppError> {
    Ok(Profile {
        sex: Sex::parse(&e.sex).map_err(|x| corrupt("custody_episodes.sex", x))?,
        age_group: HoldsAge::parse(&e.age_group)
            .map_err(|x| corrupt("custody_episodes.age_group", x))?,
        legal_status: LegalStatus::parse(&e.legal_status)
            .map_err(|x| corrupt("custody_episodes.legal_status", x))?,
        classification: e
            .classification
            .as_deref()
            .map(SecurityLevel::parse)
            .transpose()
            .map_err(|x| corrupt("custody_episodes.classification", x))?,
        groups,
    })
}

/// Where the episode's person is now.
fn whereabouts(e: &OpenEpisode) -> Result<Whereabouts, AppError> {
    Ok(Whereabouts {
        facility: e.facility.clone(),
        location_id: e.location_id,
        unit_id: e.unit_id,
        presence: Presence::parse(&e.presence)
            .map_err(|x| corrupt("custody_episodes.presence", x))?,
    })
}

fn rule(r: &custodia_store::intelligence::KeepApartRow) -> Result<KeepApart, AppError> {
    let day = |t: &str| {
        t.parse::<Date>()
            .map_err(|e| corrupt("keep_apart dates", e))
    };
    Ok(KeepApart {
        id: r.id,
        kind: KeepApartKind::parse(&r.kind).map_err(|e| corrupt("keep_apart.kind", e))?,
        a: r.a,
        b: r.b,
        scope: KeepApartScope::parse(&r.scope).map_err(|e| corrupt("keep_apart.scope", e))?,
        reason: KeepApartReason::parse(&r.reason).map_err(|e| corrupt("keep_apart.reason", e))?,
        from: day(&r.from_on)?,
        until: r.until_on.as_deref().map(day).transpose()?,
    })
}

/// A cell (or any location) as the rules see it now: its unit, whether it or a
/// location above it is out of service, whether it is a cell, how many it holds.
pub(crate) async fn place_of(
    tx: &mut WriteTx,
    id: i64,
    now: Timestamp,
) -> Result<Option<Place>, AppError> {
    let chain = tx.location_with_ancestors(id).await?;
    let (Some(location), Some(unit)) = (chain.first(), chain.last()) else {
        return Ok(None);
    };
    Ok(Some(Place {
        id,
        code: location.code.clone(),
        facility: location.facility.clone(),
        unit_id: unit.id,
        is_cell: !tx.has_children(id).await?,
        holds_sex: location.holds_sex,
        holds_legal_status: location.holds_legal_status,
        security_level: location.security_level,
        operational_capacity: location.operational_capacity,
        out_of_service: chain.iter().any(|l| l.out_of_service_at(now)),
        occupied: tx.occupied(id).await?,
    }))
}

/// Rules by the person or group they name (each rule under both of its parties), by id.
fn by_party(rows: Vec<KeepApartRow>) -> HashMap<i64, Vec<KeepApartRow>> {
    let mut out: HashMap<i64, Vec<KeepApartRow>> = HashMap::new();
    for r in rows {
        if r.b != r.a {
            out.entry(r.b).or_default().push(r.clone());
        }
        out.entry(r.a).or_default().push(r);
    }
    out
}

/// Loads what the placement rules need to judge `moves`, as of `now`: the persons moved,
/// their groups and the rules naming either are read for all moves at once.
pub(crate) async fn snapshot(
    tx: &mut WriteTx,
    moves: &[Move],
    now: Timestamp,
) -> Result<Snapshot, AppError> {
    let mut s = Snapshot::default();
    let mut zone = None;
    let mut unregistered = HashSet::new();
    for m in moves {
        if !s.facilities.contains_key(&m.facility) && !unregistered.contains(&m.facility) {
            match tx.facility(&m.facility).await? {
                Some(f) => {
                    zone.get_or_insert_with(|| f.timezone.clone());
                    s.facilities.insert(
                        f.code.clone(),
                        FacilityFit {
                            code: f.code.clone(),
                            holds_sex: f.holds_sex,
                            holds_age: f.holds_age,
                            security_levels: f.security_levels.clone(),
                        },
                    );
                }
                None => {
                    unregistered.insert(m.facility.clone());
                }
            }
        }
        if let Some(id) = m.location_id
            && !s.places.contains_key(&id)
            && let Some(place) = place_of(tx, id, now).await?
        {
            s.places.insert(id, place);
        }
    }
    let day = date_in(now, zone.as_deref().unwrap_or("America/Guayaquil"));
    let day_text = day.to_string();
    let ids: Vec<i64> = moves.iter().map(|m| m.person_id).collect();
    let episodes: HashMap<i64, OpenEpisode> = tx
        .open_episodes(&ids)
        .await?
        .into_iter()
        .map(|e| (e.person_id, e))
        .collect();
    let present: Vec<i64> = episodes.keys().copied().collect();
    let mut groups: HashMap<i64, Vec<i64>> = HashMap::new();
    for (person, group) in tx.groups_of_all(&present, &day_text).await? {
        groups.entry(person).or_default().push(group);
    }
    let named: Vec<i64> = groups
        .values()
        .flatten()
        .copied()
        .collect::<HashSet<i64>>()
        .into_iter()
        .collect();
    let person_rules = by_party(
        tx.keep_apart_in_force_for_all("persons", &present, &day_text)
            .await?,
    );
    let group_rules = by_party(
        tx.keep_apart_in_force_for_all("groups", &named, &day_text)
            .await?,
    );
    let mut rule_ids = HashSet::new();
    for m in moves {
        if s.persons.contains_key(&m.person_id) {
            continue;
        }
        let Some(e) = episodes.get(&m.person_id) else {
            continue;
        };
        let groups = groups.remove(&m.person_id).unwrap_or_default();
        // The person's rules, then each group's, as each would be read alone.
        let rows = person_rules
            .get(&m.person_id)
            .into_iter()
            .flatten()
            .chain(groups.iter().filter_map(|g| group_rules.get(g)).flatten());
        for r in rows {
            if rule_ids.insert(r.id) {
                s.rules.push(rule(r)?);
            }
        }
        s.persons
            .insert(m.person_id, (profile(e, groups)?, Some(whereabouts(e)?)));
    }
    // The other side of every rule: persons directly, members of groups at the
    // facilities moved to.
    let targets: HashSet<(String, Option<i64>)> = moves
        .iter()
        .map(|m| {
            let unit = m
                .location_id
                .and_then(|id| s.places.get(&id))
                .map(|p| p.unit_id);
            (m.facility.clone(), unit)
        })
        .collect();
    let mut loaded: HashSet<(i64, String, Option<i64>)> = HashSet::new();
    let movers: HashSet<i64> = moves.iter().map(|m| m.person_id).collect();
    let rules = s.rules.clone();
    let others: Vec<i64> = rules
        .iter()
        .filter(|r| r.kind == KeepApartKind::Persons)
        .flat_map(|r| [r.a, r.b])
        .filter(|p| !s.persons.contains_key(p))
        .collect();
    for e in tx.open_episodes(&others).await? {
        s.persons.insert(
            e.person_id,
            (profile(&e, Vec::new())?, Some(whereabouts(&e)?)),
        );
    }
    for r in rules.iter().filter(|r| r.kind == KeepApartKind::Groups) {
        // Only who is where the rule could bite: the unit moved to (cell and unit rules),
        // or anyone at all in the facility (facility rules: one is enough).
        for g in [r.a, r.b] {
            for (facility, unit) in &targets {
                let whole = r.scope == KeepApartScope::Facility || unit.is_none();
                if !loaded.insert((g, facility.clone(), unit.filter(|_| !whole))) {
                    continue;
                }
                let found = match unit.filter(|_| !whole) {
                    Some(u) => tx.members_in_unit(g, u, &day_text).await?,
                    None => tx.members_present(g, facility, &day_text).await?,
                };
                let members = s.members.entry(g).or_default();
                for e in found {
                    if !members.contains(&e.person_id) {
                        members.push(e.person_id);
                    }
                    if !movers.contains(&e.person_id) {
                        s.persons.insert(
                            e.person_id,
                            (profile(&e, Vec::new())?, Some(whereabouts(&e)?)),
                        );
                    }
                }
            }
        }
    }
    // Movers count as members of their groups wherever they go, so that two rivals sent
    // together in one operation are judged against each other.
    for p in &movers {
        if let Some((profile, _)) = s.persons.get(p) {
            for g in profile.groups.clone() {
                if let Some(members) = s.members.get_mut(&g)
                    && !members.contains(p)
                {
                    members.push(*p);
                }
            }
        }
    }
    Ok(s)
}

/// Forgets the places of facilities the principal cannot see, so that naming one
/// answers exactly as naming a place that does not exist (nothing about its kind,
/// capacity or occupants leaks).
pub(crate) fn hide_unseen_places(snapshot: &mut Snapshot, who: &Principal) {
    snapshot
        .places
        .retain(|_, p| who.allows(Action::FacilityRead, Some(&p.facility)));
}

/// Whether the principal may see keep-apart details in `facility`.
pub(crate) fn sees_intelligence(who: &Principal, facility: &str) -> bool {
    who.allows(Action::IntelligenceRead, Some(facility))
}

/// A refusal as the caller may read it.
pub(crate) fn redact(r: &Refusal, may_see: bool) -> (String, Option<i64>) {
    if r.code == RESTRICTED && !may_see {
        (RESTRICTED_MESSAGE.to_owned(), None)
    } else {
        (r.message.clone(), r.rule_id)
    }
}

/// The error for a refused move: a conflict with the state of things (capacity, a
/// keep-apart rule) is 409 with its code, a place that does not fit the person is 422
/// with every reason.
pub(crate) fn refused(refusals: &[Refusal], may_see: bool) -> AppError {
    if let Some(c) = refusals.iter().find(|r| r.is_conflict()) {
        return AppError::Conflict {
            code: c.code,
            message: redact(c, may_see).0,
        };
    }
    AppError::Invalid(Invalid(
        refusals
            .iter()
            .map(|r| FieldError::new(r.field, r.code, redact(r, may_see).0))
            .collect(),
    ))
}

/// A movement to record in the history.
pub(crate) struct NewMovement<'a> {
    pub episode: &'a OpenEpisode,
    pub kind: &'static str,
    pub facility: &'a str,
    pub location_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub presence: &'static str,
    pub reason: Option<&'a str>,
    pub override_reason: Option<&'a str>,
    pub at: Timestamp,
}

impl<'a> NewMovement<'a> {
    /// A movement out of any cell: leaving, in transit, escaped, ended.
    pub(crate) fn away(
        episode: &'a OpenEpisode,
        kind: &'static str,
        facility: &'a str,
        presence: &'static str,
        reason: Option<&'a str>,
        at: Timestamp,
    ) -> Self {
        NewMovement {
            episode,
            kind,
            facility,
            location_id: None,
            unit_id: None,
            presence,
            reason,
            override_reason: None,
            at,
        }
    }
}

/// The episode's stays, from its person's movements history.
async fn history_of(tx: &mut WriteTx, episode: &OpenEpisode) -> Result<Vec<MovementRow>, AppError> {
    Ok(tx
        .movements_of(episode.person_id)
        .await?
        .into_iter()
        .filter(|m| m.episode_id == episode.episode_id)
        .collect())
}

/// Where a movement at `at` goes among an episode's stays `rows` (refused before the
/// admission or at the instant of another movement).
fn slot_among(rows: &[MovementRow], at: Timestamp) -> Result<Slot, AppError> {
    let mut spans = Vec::with_capacity(rows.len());
    for m in rows {
        spans.push(Span {
            id: m.id,
            from: custodia_domain::time::parse(&m.occurred_at)
                .map_err(|e| corrupt("movements.occurred_at", e))?,
            until: m
                .until_at
                .as_deref()
                .map(custodia_domain::time::parse)
                .transpose()
                .map_err(|e| corrupt("movements.until_at", e))?,
        });
    }
    slot(&spans, at).map_err(|r| {
        if r.code == "same_instant" {
            AppError::from(r)
        } else {
            AppError::Invalid(Invalid(vec![FieldError::new(
                "occurred_at",
                r.code,
                r.message,
            )]))
        }
    })
}

/// Where a movement at `at` goes in the episode's history (refused before the admission
/// or at the instant of another movement).
pub(crate) async fn slot_in(
    tx: &mut WriteTx,
    episode: &OpenEpisode,
    at: Timestamp,
) -> Result<(Slot, Vec<MovementRow>), AppError> {
    let rows = history_of(tx, episode).await?;
    Ok((slot_among(&rows, at)?, rows))
}

/// Where a movement at `at` that must be the person's latest goes among the episode's
/// stays `rows`: refused, against `field`, when a later movement is already recorded.
pub(crate) fn latest_slot(
    rows: &[MovementRow],
    at: Timestamp,
    field: &str,
) -> Result<Slot, AppError> {
    let slot = slot_among(rows, at)?;
    if !slot.is_current() {
        let last = rows
            .iter()
            .map(|h| h.occurred_at.as_str())
            .max()
            .unwrap_or("");
        return Err(AppError::Invalid(Invalid(vec![FieldError::new(
            field,
            "before_last_movement",
            format!("the person's last movement was recorded at {last}; this cannot be earlier"),
        )])));
    }
    Ok(slot)
}

/// The stay a movement begins, lasting as long as its slot says.
fn stay(actor: &str, m: &NewMovement<'_>, slot: Slot, now: Timestamp) -> MovementRow {
    MovementRow {
        id: 0,
        person_id: m.episode.person_id,
        episode_id: m.episode.episode_id,
        kind: m.kind.to_owned(),
        facility: m.facility.to_owned(),
        location_id: m.location_id,
        unit_id: m.unit_id,
        presence: m.presence.to_owned(),
        reason: m.reason.map(str::to_owned),
        override_reason: m.override_reason.map(str::to_owned),
        occurred_at: canonical(m.at),
        until_at: slot.until.map(canonical),
        recorded_at: canonical(now),
        recorded_by: actor.to_owned(),
    }
}

/// Records a movement at its real time: the stay it falls in ends then, the new stay
/// lasts until that one would have; when it is the latest, it is where the person is now.
pub(crate) async fn record_movement(
    tx: &mut WriteTx,
    actor: &str,
    m: NewMovement<'_>,
    slot: Slot,
    now: Timestamp,
) -> Result<MovementRow, AppError> {
    let mut row = stay(actor, &m, slot, now);
    tx.end_stay(slot.cuts, &row.occurred_at).await?;
    row.id = tx.insert_movement(&row).await?;
    if slot.is_current() {
        tx.set_whereabouts(
            row.episode_id,
            &row.facility,
            row.location_id,
            row.unit_id,
            &row.presence,
            &row.occurred_at,
            row.override_reason.as_deref(),
        )
        .await?;
    }
    Ok(row)
}

/// Records a movement that must be the person's latest (leaving, coming back, escaping,
/// dying): refused, against `field`, when a later movement is already recorded.
pub(crate) async fn record_latest(
    tx: &mut WriteTx,
    actor: &str,
    m: NewMovement<'_>,
    field: &str,
    now: Timestamp,
) -> Result<MovementRow, AppError> {
    let history = history_of(tx, m.episode).await?;
    let slot = latest_slot(&history, m.at, field)?;
    record_movement(tx, actor, m, slot, now).await
}

/// Movements of many persons, each already placed in its episode's history (at most one
/// per episode, all placed against the histories as they were before any is written),
/// recorded together as [`record_movement`] records one.
#[derive(Default)]
pub(crate) struct Movements {
    cuts: Vec<(i64, String)>,
    stays: Vec<MovementRow>,
    current: Vec<bool>,
}

impl Movements {
    /// Adds a movement in its slot.
    pub(crate) fn push(&mut self, actor: &str, m: &NewMovement<'_>, slot: Slot, now: Timestamp) {
        let row = stay(actor, m, slot, now);
        self.cuts.push((slot.cuts, row.occurred_at.clone()));
        self.stays.push(row);
        self.current.push(slot.is_current());
    }

    /// Ends the stays they cut, inserts the new ones, sets the whereabouts of those that
    /// are their person's latest.
    pub(crate) async fn record(self, tx: &mut WriteTx) -> Result<(), AppError> {
        tx.end_stays(&self.cuts).await?;
        tx.insert_movements(&self.stays).await?;
        let latest: Vec<MovementRow> = self
            .stays
            .into_iter()
            .zip(self.current)
            .filter_map(|(row, current)| current.then_some(row))
            .collect();
        tx.set_whereabouts_of(&latest).await?;
        Ok(())
    }
}

/// Checks one move against the placement rules, refusing as the caller may read it; the
/// snapshot returned knows the cell's unit.
pub(crate) async fn allowed(
    tx: &mut WriteTx,
    who: &Principal,
    m: &Move,
    now: Timestamp,
) -> Result<Snapshot, AppError> {
    let s = snapshot(tx, std::slice::from_ref(m), now).await?;
    let refusals = s.check(m, false);
    if !refusals.is_empty() {
        return Err(refused(&refusals, sees_intelligence(who, &m.facility)));
    }
    Ok(s)
}

/// Persons whose open episode is not found are either unknown (404) or not in custody.
pub(crate) async fn open_episode_or_refuse(
    tx: &mut WriteTx,
    who: &Principal,
    person_id: i64,
) -> Result<OpenEpisode, AppError> {
    if let Some(e) = tx.open_episode(person_id).await? {
        who.require_in(Action::PersonRead, &e.facility, "person", person_id)?;
        return Ok(e);
    }
    let person = tx
        .person(person_id)
        .await?
        .ok_or_else(|| AppError::not_found("person", person_id))?;
    who.require_in(Action::PersonRead, &person.facility, "person", person_id)?;
    Err(AppError::Conflict {
        code: "not_in_custody",
        message: format!(
            "{} ({}) is not in custody: released, dead or never admitted",
            person.full_name, person.registry_number
        ),
    })
}

/// Records a person's arrival at a facility (admission, later a transfer received):
/// into a cell, which the placement rules must allow, or unallocated. The episode is
/// already open; this is the first stay of its history.
pub(crate) async fn arrive(
    tx: &mut WriteTx,
    who: &Principal,
    person_id: i64,
    location_id: Option<i64>,
    kind: &'static str,
    at: Timestamp,
    now: Timestamp,
) -> Result<MovementRow, AppError> {
    let episode = tx
        .open_episode(person_id)
        .await?
        .ok_or_else(|| corrupt("custody_episodes", "the episode just opened is not open"))?;
    let unit_id = match location_id {
        None => None,
        Some(id) => {
            let m = Move {
                person_id,
                facility: episode.facility.clone(),
                location_id: Some(id),
            };
            let s = allowed(tx, who, &m, now).await?;
            s.places.get(&id).map(|p| p.unit_id)
        }
    };
    let at_text = canonical(at);
    let presence = if location_id.is_some() {
        "placed"
    } else {
        "unallocated"
    };
    let mut row = MovementRow {
        id: 0,
        person_id,
        episode_id: episode.episode_id,
        kind: kind.to_owned(),
        facility: episode.facility.clone(),
        location_id,
        unit_id,
        presence: presence.to_owned(),
        reason: None,
        override_reason: None,
        occurred_at: at_text.clone(),
        until_at: None,
        recorded_at: canonical(now),
        recorded_by: who.actor.clone(),
    };
    row.id = tx.insert_movement(&row).await?;
    tx.set_whereabouts(
        episode.episode_id,
        &episode.facility,
        location_id,
        unit_id,
        presence,
        &at_text,
        None,
    )
    .await?;
    Ok(row)
}

/// Records the end of presence (release, death): the history's last stay, `ended`.
pub(crate) async fn depart(
    tx: &mut WriteTx,
    who: &Principal,
    episode: &OpenEpisode,
    kind: &'static str,
    at: Timestamp,
    field: &str,
    now: Timestamp,
) -> Result<MovementRow, AppError> {
    let m = NewMovement::away(episode, kind, &episode.facility, "ended", None, at);
    record_latest(tx, &who.actor, m, field, now).await
}
