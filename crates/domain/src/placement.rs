//! Where a person may be held: the one check that every admission to a location,
//! placement, move, transfer and bulk operation calls.
//!
//! The rules, in the order they are reported:
//! - the place fits the person (Mandela Rule 11): the facility's sex and age group, the
//!   location's sex, its legal status (pretrial and sentenced apart where it says so) and
//!   its security level against the person's classification; a person is placed in a
//!   cell (a leaf location) of the facility they go to;
//! - capacity: a cell's occupants never exceed its operational capacity, and no one is
//!   placed where it is out of service, unless a director overrides with a reason;
//! - keep-apart rules between persons and between groups, at the scope each rule says.
//!
//! The check works on a [`Snapshot`]: what the rules need to know of the places and the
//! persons concerned. Moves are checked in order, each accepted one applied to the
//! snapshot, so that a bulk operation is judged as a whole (two rivals sent to one cell
//! in the same operation are refused as surely as one sent where the other already is).

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::admission::sex_fits;
use crate::custody::LegalStatus;
use crate::facility::{HoldsAge, HoldsSex, SecurityLevel};
use crate::person::Sex;
use crate::vocabulary;

vocabulary!(
    /// Which legal status a location holds (Mandela Rule 11b: untried persons kept apart
    /// from convicted ones where the location says so).
    HoldsLegalStatus {
        /// Untried persons only (procesados).
        Pretrial = "pretrial",
        /// Convicted persons only (sentenciados).
        Sentenced = "sentenced",
        /// Either.
        Both = "both",
    }
);

// The vocabulary macro's derive list has no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for HoldsLegalStatus {
    fn default() -> Self {
        HoldsLegalStatus::Both
    }
}

impl HoldsLegalStatus {
    /// Whether a place holding `self` may receive a person of `status`. A person held
    /// under another kind of order goes only where both are held.
    pub fn admits(self, status: LegalStatus) -> bool {
        match self {
            HoldsLegalStatus::Both => true,
            HoldsLegalStatus::Pretrial => status == LegalStatus::Pretrial,
            HoldsLegalStatus::Sentenced => status == LegalStatus::Sentenced,
        }
    }

    /// Whether a place holding `self` may contain a place holding `inner`.
    pub fn contains(self, inner: HoldsLegalStatus) -> bool {
        self == HoldsLegalStatus::Both || self == inner
    }
}

vocabulary!(
    /// Where a keep-apart rule applies.
    KeepApartScope {
        /// Never in the same location (cell, dormitory).
        Cell = "cell",
        /// Never in the same unit: the top-level location of the facility (pabellón).
        Unit = "unit",
        /// Never in the same facility.
        Facility = "facility",
    }
);

vocabulary!(
    /// Between whom a keep-apart rule stands.
    KeepApartKind {
        /// Two persons.
        Persons = "persons",
        /// Two groups: every member of one apart from every member of the other.
        Groups = "groups",
    }
);

vocabulary!(
    /// Why two persons or groups are kept apart.
    KeepApartReason {
        /// Members of rival gangs.
        RivalGang = "rival_gang",
        /// A victim and their aggressor.
        VictimAndPerpetrator = "victim_and_perpetrator",
        /// A witness and those they testify about.
        Witness = "witness",
        /// A threat was made or is known.
        Threat = "threat",
        /// Another reason, given in the note.
        Other = "other",
    }
);

vocabulary!(
    /// Where a person in custody is, as far as counting goes.
    Presence {
        /// In a cell.
        Placed = "placed",
        /// At the facility, not yet in a cell (e.g. just admitted or received).
        Unallocated = "unallocated",
        /// Out on a temporary absence (court, hospital…).
        Out = "out",
        /// On the way between two facilities.
        InTransit = "in_transit",
        /// Escaped: not present, still in custody in law.
        Escaped = "escaped",
    }
);

/// What the rules need to know of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Sex, for Rule 11a.
    pub sex: Sex,
    /// Age group on admission, for Rule 11c.
    pub age_group: HoldsAge,
    /// Legal status, for Rule 11b.
    pub legal_status: LegalStatus,
    /// Security classification; unclassified persons fit any level.
    pub classification: Option<SecurityLevel>,
    /// The groups the person is affiliated with now.
    pub groups: Vec<i64>,
}

/// Where a person is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whereabouts {
    /// The facility holding them (for persons in transit: where they go).
    pub facility: String,
    /// Their cell when placed.
    pub location_id: Option<i64>,
    /// The unit of that cell.
    pub unit_id: Option<i64>,
    /// How they are there.
    pub presence: Presence,
}

/// What the rules need to know of a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Location id.
    pub id: i64,
    /// Its code, for messages.
    pub code: String,
    /// Its facility.
    pub facility: String,
    /// Its unit (top-level location; itself when top-level).
    pub unit_id: i64,
    /// Whether it has no sub-locations: only cells hold persons.
    pub is_cell: bool,
    /// Sex it holds.
    pub holds_sex: HoldsSex,
    /// Legal status it holds.
    pub holds_legal_status: HoldsLegalStatus,
    /// Its security level.
    pub security_level: SecurityLevel,
    /// Places usable when in service.
    pub operational_capacity: i64,
    /// Whether it (or a location above it) is out of service now.
    pub out_of_service: bool,
    /// Persons placed there now.
    pub occupied: i64,
}

/// What the rules need to know of a facility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityFit {
    /// Its code.
    pub code: String,
    /// Sex it holds.
    pub holds_sex: HoldsSex,
    /// Age group it holds.
    pub holds_age: HoldsAge,
    /// The security levels it has.
    pub security_levels: Vec<SecurityLevel>,
}

/// A keep-apart rule between two persons or two groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeepApart {
    /// Rule id.
    pub id: i64,
    /// Persons or groups.
    pub kind: KeepApartKind,
    /// A person id or group id.
    pub a: i64,
    /// The other person id or group id.
    pub b: i64,
    /// Where it applies.
    pub scope: KeepApartScope,
    /// Why.
    pub reason: KeepApartReason,
    /// First day in force.
    pub from: Date,
    /// Last day in force, if it ends.
    pub until: Option<Date>,
}

impl KeepApart {
    /// Whether the rule is in force on `day`.
    pub fn active_on(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|u| day <= u)
    }

    /// The other side of the rule for a party `x` of it (a person or one of their groups).
    fn other(&self, x: i64) -> Option<i64> {
        if self.a == x {
            Some(self.b)
        } else if self.b == x {
            Some(self.a)
        } else {
            None
        }
    }
}

/// A move to check: a person going to a facility, into one of its cells or unallocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// Who.
    pub person_id: i64,
    /// To which facility.
    pub facility: String,
    /// Into which cell; `None` leaves them unallocated at the facility.
    pub location_id: Option<i64>,
}

/// Why a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Refusal {
    /// A stable code, e.g. `over_capacity`.
    pub code: &'static str,
    /// The field of the request it concerns.
    pub field: &'static str,
    /// What is wrong, in full (keep-apart details are for intelligence staff only).
    pub message: String,
    /// The keep-apart rule broken, when that is the reason.
    pub rule_id: Option<i64>,
    /// Whether a director's override with a reason may allow it (capacity, out of service).
    pub overridable: bool,
}

impl Refusal {
    fn new(code: &'static str, field: &'static str, message: String) -> Self {
        Refusal {
            code,
            field,
            message,
            rule_id: None,
            overridable: false,
        }
    }

    /// Whether this refusal is about the state of things (capacity, keep-apart) rather
    /// than whether the place fits the person at all.
    pub fn is_conflict(&self) -> bool {
        self.overridable || self.rule_id.is_some()
    }
}

/// The code every keep-apart refusal carries.
pub const RESTRICTED: &str = "placement_restricted";

/// What the rules need to know, for the persons moved and those who matter to them.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Facilities moved to.
    pub facilities: HashMap<String, FacilityFit>,
    /// Cells moved to.
    pub places: HashMap<i64, Place>,
    /// Persons moved and those their rules name, with where they are now (`None` when
    /// not present anywhere: released, dead).
    pub persons: HashMap<i64, (Profile, Option<Whereabouts>)>,
    /// Keep-apart rules in force that concern the persons moved.
    pub rules: Vec<KeepApart>,
    /// Members now of the groups those rules name.
    pub members: HashMap<i64, Vec<i64>>,
}

impl Snapshot {
    /// Every reason `m` is refused, fit first, then capacity, then keep-apart. With
    /// `override_capacity`, capacity and out-of-service refusals are waived.
    pub fn check(&self, m: &Move, override_capacity: bool) -> Vec<Refusal> {
        let mut out = Vec::new();
        let Some((profile, now)) = self.persons.get(&m.person_id) else {
            out.push(Refusal::new(
                "unknown_person",
                "person_id",
                format!("person {} is not in custody", m.person_id),
            ));
            return out;
        };
        let Some(facility) = self.facilities.get(&m.facility) else {
            out.push(Refusal::new(
                "unknown_facility",
                "facility",
                format!("facility {} is not known", m.facility),
            ));
            return out;
        };
        self.fit_facility(profile, facility, &mut out);
        let place = match m.location_id {
            None => None,
            Some(id) => match self.places.get(&id).filter(|p| p.facility == m.facility) {
                None => {
                    out.push(Refusal::new(
                        "unknown_location",
                        "location_id",
                        format!("location {id} is not a location of {}", m.facility),
                    ));
                    return out;
                }
                Some(place) => Some(place),
            },
        };
        if let Some(place) = place {
            fit_place(profile, place, &mut out);
            if out.is_empty() && !override_capacity {
                capacity(place, now.as_ref(), &mut out);
            }
        }
        if out.is_empty() {
            self.keep_apart(m.person_id, profile, &m.facility, place, &mut out);
        }
        out
    }

    fn fit_facility(&self, p: &Profile, f: &FacilityFit, out: &mut Vec<Refusal>) {
        if p.age_group != f.holds_age {
            out.push(Refusal::new(
                "wrong_age_group",
                "facility",
                match p.age_group {
                    HoldsAge::Adolescents => format!(
                        "{} holds adults: an adolescent is never held with adults (Mandela Rule 11)",
                        f.code
                    ),
                    HoldsAge::Adults => format!(
                        "{} is an adolescent centre: an adult is never held there",
                        f.code
                    ),
                },
            ));
        }
        if let Some(class) = p.classification
            && !secure_enough(&f.security_levels, class)
        {
            out.push(Refusal::new(
                "security_level",
                "facility",
                format!(
                    "{} has no place secure enough for a person classified {class}",
                    f.code
                ),
            ));
        }
        if !sex_fits(p.sex, f.holds_sex) {
            out.push(Refusal::new(
                "wrong_sex",
                "facility",
                format!(
                    "{} holds {} only; men and women are held apart (Mandela Rule 11a)",
                    f.code, f.holds_sex
                ),
            ));
        }
    }

    /// Keep-apart: every rule naming the person (or one of their groups) whose other
    /// side is somewhere the rule's scope forbids.
    fn keep_apart(
        &self,
        person: i64,
        profile: &Profile,
        facility: &str,
        place: Option<&Place>,
        out: &mut Vec<Refusal>,
    ) {
        for rule in &self.rules {
            let others: Vec<i64> = match rule.kind {
                KeepApartKind::Persons => rule.other(person).into_iter().collect(),
                KeepApartKind::Groups => profile
                    .groups
                    .iter()
                    .filter_map(|g| rule.other(*g))
                    .flat_map(|g| self.members.get(&g).into_iter().flatten().copied())
                    .filter(|o| *o != person)
                    .collect(),
            };
            for other in others {
                let Some((_, Some(w))) = self.persons.get(&other) else {
                    continue;
                };
                let together = w.facility == facility
                    && w.presence != Presence::Escaped
                    && match rule.scope {
                        KeepApartScope::Facility => true,
                        KeepApartScope::Unit => place.is_some_and(|p| w.unit_id == Some(p.unit_id)),
                        KeepApartScope::Cell => place.is_some_and(|p| w.location_id == Some(p.id)),
                    };
                if together {
                    out.push(Refusal {
                        code: RESTRICTED,
                        field: "location_id",
                        message: format!(
                            "keep-apart rule {} ({}, {}): person {other} is held in the same {}",
                            rule.id, rule.kind, rule.reason, rule.scope
                        ),
                        rule_id: Some(rule.id),
                        overridable: false,
                    });
                    break;
                }
            }
        }
    }

    /// The keep-apart rules `m` breaks, fit and capacity aside: for a person who stays in
    /// their cell while the tree around it changes (the cell moved into another unit).
    pub fn keep_apart_refusals(&self, m: &Move) -> Vec<Refusal> {
        let mut out = Vec::new();
        if let Some((profile, _)) = self.persons.get(&m.person_id) {
            let place = m
                .location_id
                .and_then(|id| self.places.get(&id))
                .filter(|p| p.facility == m.facility);
            self.keep_apart(m.person_id, profile, &m.facility, place, &mut out);
        }
        out
    }

    /// Records an accepted move, so that the moves after it are judged with it done.
    pub fn apply(&mut self, m: &Move) {
        let unit = m
            .location_id
            .and_then(|id| self.places.get(&id))
            .map(|p| p.unit_id);
        let Some((_, now)) = self.persons.get_mut(&m.person_id) else {
            return;
        };
        if let Some(old) = now.as_ref().and_then(|w| w.location_id)
            && let Some(place) = self.places.get_mut(&old)
        {
            place.occupied -= 1;
        }
        *now = Some(Whereabouts {
            facility: m.facility.clone(),
            location_id: m.location_id,
            unit_id: unit,
            presence: if m.location_id.is_some() {
                Presence::Placed
            } else {
                Presence::Unallocated
            },
        });
        if let Some(place) = m.location_id.and_then(|id| self.places.get_mut(&id)) {
            place.occupied += 1;
        }
    }

    /// Checks moves in order, applying each accepted one: the refusals of each.
    pub fn check_all(&mut self, moves: &[Move], override_capacity: bool) -> Vec<Vec<Refusal>> {
        moves
            .iter()
            .map(|m| {
                let refused = self.check(m, override_capacity);
                if refused.is_empty() {
                    self.apply(m);
                }
                refused
            })
            .collect()
    }
}

/// Whether a cell fits the person: a cell, their sex, legal status and classification.
fn fit_place(p: &Profile, place: &Place, out: &mut Vec<Refusal>) {
    if !place.is_cell {
        out.push(Refusal::new(
            "not_a_cell",
            "location_id",
            format!(
                "{} has sub-locations: persons are placed in a cell or dormitory",
                place.code
            ),
        ));
    }
    if !sex_fits(p.sex, place.holds_sex) {
        out.push(Refusal::new(
            "wrong_sex",
            "location_id",
            format!(
                "{} holds {} only; men and women are never in the same location (Mandela Rule 11a)",
                place.code, place.holds_sex
            ),
        ));
    }
    if !place.holds_legal_status.admits(p.legal_status) {
        out.push(Refusal::new(
            "wrong_legal_status",
            "location_id",
            format!(
                "{} holds {} persons only; this person is {} (Mandela Rule 11b)",
                place.code, place.holds_legal_status, p.legal_status
            ),
        ));
    }
    if let Some(class) = p.classification
        && level_rank(place.security_level) < level_rank(class)
    {
        out.push(Refusal::new(
            "security_level",
            "location_id",
            format!(
                "{} is {} security; this person is classified {}",
                place.code, place.security_level, class
            ),
        ));
    }
}

/// Capacity and service: the person already there does not count twice.
fn capacity(place: &Place, now: Option<&Whereabouts>, out: &mut Vec<Refusal>) {
    if now.is_some_and(|w| w.location_id == Some(place.id)) {
        return;
    }
    if place.out_of_service {
        out.push(Refusal {
            overridable: true,
            ..Refusal::new(
                "location_out_of_service",
                "location_id",
                format!("{} is out of service", place.code),
            )
        });
    } else if place.occupied >= place.operational_capacity {
        out.push(Refusal {
            overridable: true,
            ..Refusal::new(
                "over_capacity",
                "location_id",
                format!(
                    "{} is full: {} of {} places taken",
                    place.code, place.occupied, place.operational_capacity
                ),
            )
        });
    }
}

/// Whether a facility with places of `levels` has one secure enough for a person
/// classified `class`.
pub fn secure_enough(levels: &[SecurityLevel], class: SecurityLevel) -> bool {
    levels.iter().any(|l| level_rank(*l) >= level_rank(class))
}

/// Security levels in order of restriction: a person goes where security is at least
/// their classification.
fn level_rank(level: SecurityLevel) -> u8 {
    match level {
        SecurityLevel::Minimum => 0,
        SecurityLevel::Medium => 1,
        SecurityLevel::Maximum => 2,
    }
}

/// When a move happened must lie between the admission and now.
pub fn check_time(at: Timestamp, admitted_at: Timestamp, now: Timestamp) -> Result<(), Refusal> {
    if at > now {
        return Err(Refusal::new(
            "in_the_future",
            "occurred_at",
            "occurred_at is in the future".to_owned(),
        ));
    }
    if at < admitted_at {
        return Err(Refusal::new(
            "before_admission",
            "occurred_at",
            format!("occurred_at is before the admission ({admitted_at})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(sex: Sex) -> Profile {
        Profile {
            sex,
            age_group: HoldsAge::Adults,
            legal_status: LegalStatus::Pretrial,
            classification: None,
            groups: vec![],
        }
    }

    fn cell(id: i64, unit: i64, capacity: i64, occupied: i64) -> Place {
        Place {
            id,
            code: format!("C{id}"),
            facility: "CPL-AZ-1".into(),
            unit_id: unit,
            is_cell: true,
            holds_sex: HoldsSex::Men,
            holds_legal_status: HoldsLegalStatus::Both,
            security_level: SecurityLevel::Medium,
            operational_capacity: capacity,
            out_of_service: false,
            occupied,
        }
    }

    fn placed(location: i64, unit: i64) -> Option<Whereabouts> {
        Some(Whereabouts {
            facility: "CPL-AZ-1".into(),
            location_id: Some(location),
            unit_id: Some(unit),
            presence: Presence::Placed,
        })
    }

    /// Turi with units 100 and 200; cells 1, 2 (unit 100) and 3 (unit 200), 4 places each.
    fn turi() -> Snapshot {
        let mut s = Snapshot::default();
        s.facilities.insert(
            "CPL-AZ-1".into(),
            FacilityFit {
                code: "CPL-AZ-1".into(),
                holds_sex: HoldsSex::Men,
                holds_age: HoldsAge::Adults,
                security_levels: vec![SecurityLevel::Medium, SecurityLevel::Maximum],
            },
        );
        s.places.insert(1, cell(1, 100, 4, 0));
        s.places.insert(2, cell(2, 100, 4, 0));
        s.places.insert(3, cell(3, 200, 4, 0));
        s.persons.insert(10, (profile(Sex::Male), None));
        s
    }

    fn to(person: i64, location: i64) -> Move {
        Move {
            person_id: person,
            facility: "CPL-AZ-1".into(),
            location_id: Some(location),
        }
    }

    fn codes(r: &[Refusal]) -> Vec<&'static str> {
        r.iter().map(|r| r.code).collect()
    }

    #[test]
    fn a_fitting_free_cell_is_allowed() {
        assert!(turi().check(&to(10, 1), false).is_empty());
    }

    /// Each rule of fit, broken on its own: (what changes, the code expected).
    #[test]
    fn fit_rules_each_named() {
        type Tweak = fn(&mut Snapshot);
        let cases: &[(&str, Tweak, &str)] = &[
            (
                "woman in a men's prison",
                |s| s.persons.get_mut(&10).unwrap().0.sex = Sex::Female,
                "wrong_sex",
            ),
            (
                "adolescent in an adult prison",
                |s| s.persons.get_mut(&10).unwrap().0.age_group = HoldsAge::Adolescents,
                "wrong_age_group",
            ),
            (
                "sentenced in a pretrial cell",
                |s| {
                    s.persons.get_mut(&10).unwrap().0.legal_status = LegalStatus::Sentenced;
                    s.places.get_mut(&1).unwrap().holds_legal_status = HoldsLegalStatus::Pretrial;
                },
                "wrong_legal_status",
            ),
            (
                "other order in a sentenced cell",
                |s| {
                    s.persons.get_mut(&10).unwrap().0.legal_status = LegalStatus::Other;
                    s.places.get_mut(&1).unwrap().holds_legal_status = HoldsLegalStatus::Sentenced;
                },
                "wrong_legal_status",
            ),
            (
                "maximum in medium",
                |s| s.persons.get_mut(&10).unwrap().0.classification = Some(SecurityLevel::Maximum),
                "security_level",
            ),
            (
                "a unit, not a cell",
                |s| s.places.get_mut(&1).unwrap().is_cell = false,
                "not_a_cell",
            ),
            (
                "women's cell",
                |s| s.places.get_mut(&1).unwrap().holds_sex = HoldsSex::Women,
                "wrong_sex",
            ),
            (
                "full",
                |s| s.places.get_mut(&1).unwrap().occupied = 4,
                "over_capacity",
            ),
            (
                "closed",
                |s| s.places.get_mut(&1).unwrap().out_of_service = true,
                "location_out_of_service",
            ),
            (
                "another facility's cell",
                |s| s.places.get_mut(&1).unwrap().facility = "CPL-CX-1".into(),
                "unknown_location",
            ),
            (
                "released person",
                |s| {
                    s.persons.remove(&10);
                },
                "unknown_person",
            ),
        ];
        for (what, tweak, code) in cases {
            let mut s = turi();
            tweak(&mut s);
            let refused = s.check(&to(10, 1), false);
            assert!(!refused.is_empty(), "{what}");
            assert!(
                refused.iter().all(|r| r.code == *code),
                "{what}: {refused:?}"
            );
        }
    }

    #[test]
    fn a_facility_without_a_secure_enough_level_refuses_the_classified() {
        let mut s = turi();
        s.facilities.get_mut("CPL-AZ-1").unwrap().security_levels = vec![SecurityLevel::Minimum];
        s.persons.get_mut(&10).unwrap().0.classification = Some(SecurityLevel::Medium);
        let unallocated = Move {
            location_id: None,
            ..to(10, 1)
        };
        assert_eq!(codes(&s.check(&unallocated, false)), vec!["security_level"]);
    }

    #[test]
    fn lower_classification_fits_higher_security() {
        let mut s = turi();
        s.persons.get_mut(&10).unwrap().0.classification = Some(SecurityLevel::Minimum);
        assert!(s.check(&to(10, 1), false).is_empty());
        s.persons.get_mut(&10).unwrap().0.classification = Some(SecurityLevel::Medium);
        assert!(s.check(&to(10, 1), false).is_empty());
    }

    #[test]
    fn override_waives_capacity_and_service_only() {
        let mut s = turi();
        s.places.get_mut(&1).unwrap().occupied = 9;
        let refused = s.check(&to(10, 1), false);
        assert!(refused[0].overridable && refused[0].is_conflict());
        assert!(s.check(&to(10, 1), true).is_empty());
        s.places.get_mut(&1).unwrap().holds_sex = HoldsSex::Women;
        assert_eq!(codes(&s.check(&to(10, 1), true)), vec!["wrong_sex"]);
    }

    #[test]
    fn staying_in_ones_own_full_cell_is_no_overcrowding() {
        let mut s = turi();
        s.places.get_mut(&1).unwrap().occupied = 4;
        s.persons.get_mut(&10).unwrap().1 = placed(1, 100);
        assert!(s.check(&to(10, 1), false).is_empty());
    }

    fn rule(kind: KeepApartKind, a: i64, b: i64, scope: KeepApartScope) -> KeepApart {
        KeepApart {
            id: 7,
            kind,
            a,
            b,
            scope,
            reason: KeepApartReason::RivalGang,
            from: jiff::civil::date(2023, 1, 1),
            until: None,
        }
    }

    /// A rival in cell 1 (unit 100): which targets each scope forbids.
    #[test]
    fn keep_apart_scopes() {
        let cases = [
            (KeepApartScope::Cell, [true, false, false]),
            (KeepApartScope::Unit, [true, true, false]),
            (KeepApartScope::Facility, [true, true, true]),
        ];
        for (scope, forbidden) in cases {
            for kind in [KeepApartKind::Persons, KeepApartKind::Groups] {
                let mut s = turi();
                s.persons.insert(11, (profile(Sex::Male), placed(1, 100)));
                s.places.get_mut(&1).unwrap().occupied = 1;
                match kind {
                    KeepApartKind::Persons => s.rules.push(rule(kind, 11, 10, scope)),
                    KeepApartKind::Groups => {
                        s.persons.get_mut(&10).unwrap().0.groups = vec![1];
                        s.members.insert(2, vec![11]);
                        s.rules.push(rule(kind, 1, 2, scope));
                    }
                }
                for (target, expect) in [1, 2, 3].into_iter().zip(forbidden) {
                    let refused = s.check(&to(10, target), false);
                    assert_eq!(!refused.is_empty(), expect, "{scope} {kind} cell {target}");
                    if expect {
                        assert_eq!(refused[0].code, RESTRICTED);
                        assert_eq!(refused[0].rule_id, Some(7));
                    }
                }
                // Unallocated at the facility: only a facility-wide rule forbids it.
                let unallocated = Move {
                    location_id: None,
                    ..to(10, 1)
                };
                assert_eq!(
                    !s.check(&unallocated, false).is_empty(),
                    scope == KeepApartScope::Facility
                );
            }
        }
    }

    /// A person staying in cell 3 while it is moved into unit 100, where a rival is: a
    /// unit rule is broken whatever the fit of the cell; a cell rule is not.
    #[test]
    fn a_cell_moved_into_a_rivals_unit() {
        for (scope, broken) in [(KeepApartScope::Unit, true), (KeepApartScope::Cell, false)] {
            let mut s = turi();
            s.persons.get_mut(&10).unwrap().1 = placed(3, 200);
            s.persons.insert(11, (profile(Sex::Male), placed(1, 100)));
            s.rules.push(rule(KeepApartKind::Persons, 10, 11, scope));
            assert!(s.keep_apart_refusals(&to(10, 3)).is_empty(), "apart");
            let cell = s.places.get_mut(&3).unwrap();
            cell.unit_id = 100;
            cell.holds_sex = HoldsSex::Women;
            s.persons.get_mut(&10).unwrap().1 = placed(3, 100);
            let refused = s.keep_apart_refusals(&to(10, 3));
            assert_eq!(
                codes(&refused),
                if broken { vec![RESTRICTED] } else { vec![] },
                "{scope}"
            );
        }
    }

    #[test]
    fn rivals_elsewhere_or_gone_do_not_count() {
        let mut s = turi();
        s.rules.push(rule(
            KeepApartKind::Persons,
            10,
            11,
            KeepApartScope::Facility,
        ));
        s.persons.insert(11, (profile(Sex::Male), None));
        assert!(s.check(&to(10, 1), false).is_empty(), "released");
        s.persons.get_mut(&11).unwrap().1 = Some(Whereabouts {
            facility: "CPL-CX-1".into(),
            location_id: Some(99),
            unit_id: Some(98),
            presence: Presence::Placed,
        });
        assert!(s.check(&to(10, 1), false).is_empty(), "another prison");
    }

    #[test]
    fn members_of_ones_own_group_are_not_rivals() {
        let mut s = turi();
        s.persons.get_mut(&10).unwrap().0.groups = vec![1];
        s.persons.insert(11, (profile(Sex::Male), placed(1, 100)));
        s.members.insert(1, vec![10, 11]);
        s.members.insert(2, vec![]);
        s.rules
            .push(rule(KeepApartKind::Groups, 1, 2, KeepApartScope::Cell));
        assert!(s.check(&to(10, 1), false).is_empty());
    }

    /// A bulk operation is judged as a whole: the second rival, or the fifth person into
    /// a cell of four, is refused by the moves before it.
    #[test]
    fn moves_are_judged_together() {
        let mut s = turi();
        for p in 11..=15 {
            s.persons.insert(p, (profile(Sex::Male), None));
        }
        s.rules
            .push(rule(KeepApartKind::Persons, 14, 15, KeepApartScope::Unit));
        let moves: Vec<Move> = [(10, 1), (11, 1), (12, 1), (13, 1), (14, 2), (15, 1)]
            .into_iter()
            .map(|(p, l)| to(p, l))
            .collect();
        let out = s.check_all(&moves, false);
        let refused: Vec<Vec<&str>> = out.iter().map(|r| codes(r)).collect();
        assert_eq!(
            refused,
            vec![
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
                vec!["over_capacity"]
            ]
        );
        // With the cell full, 15 goes to cell 2 in unit 100 where 14 now is.
        assert_eq!(codes(&s.check(&to(15, 2), false)), vec![RESTRICTED]);
        assert!(s.check(&to(15, 3), false).is_empty());
        assert_eq!(s.places[&1].occupied, 4);
    }

    #[test]
    fn rules_in_force_by_day() {
        let mut r = rule(KeepApartKind::Persons, 1, 2, KeepApartScope::Cell);
        r.until = Some(jiff::civil::date(2023, 12, 31));
        assert!(r.active_on(jiff::civil::date(2023, 1, 1)));
        assert!(r.active_on(jiff::civil::date(2023, 12, 31)));
        assert!(!r.active_on(jiff::civil::date(2024, 1, 1)));
        assert!(!r.active_on(jiff::civil::date(2022, 12, 31)));
    }

    #[test]
    fn time_of_a_move() {
        let admitted: Timestamp = "2026-11-01T15:00:00Z".parse().unwrap();
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        assert!(check_time(admitted, admitted, now).is_ok());
        assert_eq!(
            check_time("2026-11-01T14:59:59Z".parse().unwrap(), admitted, now)
                .unwrap_err()
                .code,
            "before_admission"
        );
        assert_eq!(
            check_time("2026-12-01T00:00:01Z".parse().unwrap(), admitted, now)
                .unwrap_err()
                .code,
            "in_the_future"
        );
    }
}
