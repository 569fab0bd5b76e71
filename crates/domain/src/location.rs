//! Locations: the tree of places inside a facility (pavilion → block → cell, at whatever
//! depth the facility uses), their capacities and their periods out of service.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::facility::{Facility, HoldsSex, SecurityLevel};
use crate::patch::double_option;
use crate::placement::HoldsLegalStatus;
use crate::text;
use crate::validation::{Collector, Invalid, Refused};
use crate::vocabulary;

/// The largest capacity one location may declare; anything above is a typing error.
pub const MAX_CAPACITY: i64 = 100_000;

vocabulary!(
    /// Why a location cannot be used.
    OutOfServiceReason {
        /// Damaged in a riot.
        RiotDamage = "riot_damage",
        /// Sealed for security (e.g. after a search or an escape).
        SecuritySealed = "security_sealed",
        /// Under maintenance or repair.
        Maintenance = "maintenance",
        /// Not enough staff to run it safely.
        StaffShortage = "staff_shortage",
        /// Closed for health reasons.
        Sanitary = "sanitary",
        /// Another reason, given in the note.
        Other = "other",
    }
);

/// A period during which a location's places are not usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutOfService {
    /// Why.
    pub reason: OutOfServiceReason,
    /// From when (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub since: Timestamp,
    /// Until when, if known (RFC 3339); open-ended when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
    /// Free-text detail.
    pub note: Option<String>,
}

/// A request to put a location out of service; `since` defaults to now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutOfServiceRequest {
    /// Why.
    pub reason: OutOfServiceReason,
    /// From when (RFC 3339); now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<Timestamp>,
    /// Until when, if known (RFC 3339).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<Timestamp>,
    /// Free-text detail.
    pub note: Option<String>,
}

impl OutOfService {
    /// Whether the period covers the instant `at`.
    pub fn covers(&self, at: Timestamp) -> bool {
        self.since <= at && self.until.is_none_or(|until| at < until)
    }

    /// Checks the period's own rules.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut c = Collector::default();
        for (field, ts) in [("since", Some(self.since)), ("until", self.until)] {
            c.check(
                ts.is_some_and(|ts| !crate::time::plausible(ts)),
                field,
                "implausible_date",
                format!("{field} must fall in the years 1900 to 9999"),
            );
        }
        if let Some(until) = self.until {
            c.check(
                until <= self.since,
                "until",
                "until_before_since",
                "until must be later than since",
            );
        }
        if let Some(note) = &self.note {
            text::optional(&mut c, "note", note, 2000);
        }
        c.finish()
    }
}

impl OutOfServiceRequest {
    /// The period this request asks for, with `since` defaulting to `now`.
    pub fn into_period(self, now: Timestamp) -> OutOfService {
        OutOfService {
            reason: self.reason,
            since: crate::time::to_micros(self.since.unwrap_or(now)),
            until: self.until.map(crate::time::to_micros),
            note: self.note,
        }
    }
}

/// A new location as given to the API (`parent_id` null for a top-level unit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLocation {
    /// Code, unique within the facility, e.g. `PAB-A-C12`.
    pub code: String,
    /// Name, e.g. `Pabellón A, celda 12`.
    pub name: String,
    /// The enclosing location, or null for a top-level unit.
    pub parent_id: Option<i64>,
    /// Security level.
    pub security_level: SecurityLevel,
    /// Sex of the persons it holds (`both` only where it has no places of its own).
    pub holds_sex: HoldsSex,
    /// Legal status of the persons it holds (Mandela Rule 11b); `both` when absent.
    #[serde(default)]
    pub holds_legal_status: HoldsLegalStatus,
    /// Official places in this location itself (not counting sub-locations).
    pub design_capacity: i64,
    /// Places that may actually be used now in this location itself.
    pub operational_capacity: i64,
}

/// A location as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Location {
    /// Assigned identifier.
    pub id: i64,
    /// The facility's code.
    pub facility: String,
    /// Code, unique within the facility.
    pub code: String,
    /// Name.
    pub name: String,
    /// The enclosing location, or null for a top-level unit.
    pub parent_id: Option<i64>,
    /// Security level.
    pub security_level: SecurityLevel,
    /// Sex of the persons it holds.
    pub holds_sex: HoldsSex,
    /// Legal status of the persons it holds (Mandela Rule 11b).
    pub holds_legal_status: HoldsLegalStatus,
    /// Official places in the location itself.
    pub design_capacity: i64,
    /// Places usable now in the location itself.
    pub operational_capacity: i64,
    /// The current or planned out-of-service period, if any.
    pub out_of_service: Option<OutOfService>,
}

/// A partial change to a location; absent fields stay. `parent_id: null` makes it top-level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationPatch {
    /// New code.
    pub code: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New enclosing location; null makes it a top-level unit.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    /// New security level.
    pub security_level: Option<SecurityLevel>,
    /// New sex of the persons it holds.
    pub holds_sex: Option<HoldsSex>,
    /// New legal status of the persons it holds.
    pub holds_legal_status: Option<HoldsLegalStatus>,
    /// New official places.
    pub design_capacity: Option<i64>,
    /// New usable places.
    pub operational_capacity: Option<i64>,
}

impl NewLocation {
    /// The location as stored under `id` in `facility`, in service.
    pub fn stored(&self, id: i64, facility: &str) -> Location {
        Location {
            id,
            facility: facility.to_owned(),
            code: self.code.clone(),
            name: self.name.clone(),
            parent_id: self.parent_id,
            security_level: self.security_level,
            holds_sex: self.holds_sex,
            holds_legal_status: self.holds_legal_status,
            design_capacity: self.design_capacity,
            operational_capacity: self.operational_capacity,
            out_of_service: None,
        }
    }

    /// Checks the rules a location must satisfy on its own.
    pub fn validate_fields(&self) -> Result<(), Invalid> {
        let mut c = Collector::default();
        text::code(&mut c, "code", &self.code, 40);
        text::required(&mut c, "name", &self.name, 200);
        for (field, value) in [
            ("design_capacity", self.design_capacity),
            ("operational_capacity", self.operational_capacity),
        ] {
            c.check(
                value < 0,
                field,
                "negative_capacity",
                format!("{field} must not be negative"),
            );
            c.check(
                value > MAX_CAPACITY,
                field,
                "capacity_too_large",
                format!("{field} must be at most {MAX_CAPACITY}"),
            );
        }
        c.check(
            self.holds_sex == HoldsSex::Both
                && (self.design_capacity > 0 || self.operational_capacity > 0),
            "holds_sex",
            "mixed_sex_places",
            "a location with places of its own holds men or women, never both (Mandela Rule 11a)",
        );
        c.finish()
    }

    /// Checks the location against its facility and its parent (already resolved).
    pub fn validate_in(
        &self,
        facility: &Facility,
        parent: Option<&Location>,
    ) -> Result<(), Invalid> {
        let mut c = Collector::default();
        c.absorb(self.validate_fields());
        c.check(
            !facility.security_levels.contains(&self.security_level),
            "security_level",
            "level_not_in_facility",
            format!(
                "facility {} has no {} security level (it has: {})",
                facility.code,
                self.security_level,
                facility.security_levels_text()
            ),
        );
        c.check(
            !facility.holds_sex.admits(self.holds_sex),
            "holds_sex",
            "sex_not_in_facility",
            format!(
                "facility {} holds {} only",
                facility.code, facility.holds_sex
            ),
        );
        if let Some(parent) = parent {
            c.check(
                parent.facility != facility.code,
                "parent_id",
                "unknown_parent",
                format!(
                    "location {} is not in facility {}",
                    parent.id, facility.code
                ),
            );
            c.check(
                !parent.holds_sex.admits(self.holds_sex),
                "holds_sex",
                "sex_not_in_parent",
                format!(
                    "the parent location {} holds {} only",
                    parent.code, parent.holds_sex
                ),
            );
            c.check(
                !parent.holds_legal_status.contains(self.holds_legal_status),
                "holds_legal_status",
                "legal_status_not_in_parent",
                format!(
                    "the parent location {} holds {} persons only",
                    parent.code, parent.holds_legal_status
                ),
            );
        }
        c.finish()
    }
}

impl Location {
    /// The location's fields as a new-location input, for re-validation after a change.
    pub fn as_new(&self) -> NewLocation {
        NewLocation {
            code: self.code.clone(),
            name: self.name.clone(),
            parent_id: self.parent_id,
            security_level: self.security_level,
            holds_sex: self.holds_sex,
            holds_legal_status: self.holds_legal_status,
            design_capacity: self.design_capacity,
            operational_capacity: self.operational_capacity,
        }
    }

    /// Puts it out of service for `period`. Refused while another period is current or
    /// planned (end that one first); a period that has already ended is replaced and
    /// returned, so the change can record it.
    pub fn take_out_of_service(
        &mut self,
        period: OutOfService,
        now: Timestamp,
    ) -> Result<Option<OutOfService>, Refused> {
        period.validate().map_err(|e| Refused {
            code: "invalid_period",
            message: e.to_string(),
        })?;
        if let Some(existing) = &self.out_of_service
            && existing.until.is_none_or(|until| until > now)
        {
            return Err(Refused {
                code: "already_out_of_service",
                message: format!(
                    "location {} already has an out-of-service period ({} since {}); return it to service first",
                    self.code, existing.reason, existing.since
                ),
            });
        }
        Ok(self.out_of_service.replace(period))
    }

    /// Ends its out-of-service period and returns it; refused when it has none.
    pub fn return_to_service(&mut self) -> Result<OutOfService, Refused> {
        self.out_of_service.take().ok_or_else(|| Refused {
            code: "already_in_service",
            message: format!("location {} is not out of service", self.code),
        })
    }

    /// Whether this location itself is out of service at `at`.
    pub fn out_of_service_at(&self, at: Timestamp) -> bool {
        self.out_of_service.as_ref().is_some_and(|p| p.covers(at))
    }

    /// Applies a patch, returning the changed location (not yet validated).
    pub fn patched(&self, patch: &LocationPatch) -> Location {
        let mut l = self.clone();
        if let Some(v) = &patch.code {
            l.code = v.clone();
        }
        if let Some(v) = &patch.name {
            l.name = v.clone();
        }
        if let Some(v) = patch.parent_id {
            l.parent_id = v;
        }
        if let Some(v) = patch.security_level {
            l.security_level = v;
        }
        if let Some(v) = patch.holds_sex {
            l.holds_sex = v;
        }
        if let Some(v) = patch.holds_legal_status {
            l.holds_legal_status = v;
        }
        if let Some(v) = patch.design_capacity {
            l.design_capacity = v;
        }
        if let Some(v) = patch.operational_capacity {
            l.operational_capacity = v;
        }
        l
    }
}

/// Checks a changed location against the rest of its facility's tree: its parent, its
/// children, code uniqueness, and that the tree stays a tree.
pub fn validate_change(
    facility: &Facility,
    tree: &[Location],
    changed: &Location,
) -> Result<(), Invalid> {
    let by_id: HashMap<i64, &Location> = tree.iter().map(|l| (l.id, l)).collect();
    let mut c = Collector::default();
    let parent = match changed.parent_id {
        Some(pid) => match by_id.get(&pid) {
            Some(p) => Some(*p),
            None => {
                c.push(
                    "parent_id",
                    "unknown_parent",
                    format!("location {pid} is not in facility {}", facility.code),
                );
                None
            }
        },
        None => None,
    };
    c.absorb(changed.as_new().validate_in(facility, parent));
    c.check(
        tree.iter()
            .any(|l| l.id != changed.id && l.code == changed.code),
        "code",
        "duplicate_code",
        format!(
            "facility {} already has a location with code {}",
            facility.code, changed.code
        ),
    );
    if let Some(parent_id) = changed.parent_id
        && descendants_and_self(tree, changed.id).contains(&parent_id)
    {
        c.push(
            "parent_id",
            "cycle",
            "a location cannot be placed inside itself or one of its own sub-locations",
        );
    }
    for child in tree.iter().filter(|l| l.parent_id == Some(changed.id)) {
        c.check(
            !changed.holds_sex.admits(child.holds_sex),
            "holds_sex",
            "sex_excludes_child",
            format!(
                "sub-location {} holds {}, which this location would no longer admit",
                child.code, child.holds_sex
            ),
        );
        c.check(
            !changed
                .holds_legal_status
                .contains(child.holds_legal_status),
            "holds_legal_status",
            "legal_status_excludes_child",
            format!(
                "sub-location {} holds {} persons, which this location would no longer admit",
                child.code, child.holds_legal_status
            ),
        );
    }
    c.finish()
}

/// The ids of every location out of service at `at`, by its own period or an ancestor's.
pub fn out_of_service_ids(tree: &[Location], at: Timestamp) -> HashSet<i64> {
    let mut closed = HashSet::new();
    for l in tree.iter().filter(|l| l.out_of_service_at(at)) {
        if !closed.contains(&l.id) {
            closed.extend(descendants_and_self(tree, l.id));
        }
    }
    closed
}

/// The ids of a location and everything below it.
pub fn descendants_and_self(tree: &[Location], root: i64) -> HashSet<i64> {
    let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
    for l in tree {
        if let Some(p) = l.parent_id {
            children.entry(p).or_default().push(l.id);
        }
    }
    let mut found = HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        for &child in children.get(&id).into_iter().flatten() {
            if found.insert(child) {
                stack.push(child);
            }
        }
    }
    found
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::facility::tests::turi;

    pub fn loc(
        id: i64,
        code: &str,
        parent: Option<i64>,
        design: i64,
        operational: i64,
    ) -> Location {
        Location {
            id,
            facility: "CPL-AZ-1".into(),
            code: code.into(),
            name: format!("Location {code}"),
            parent_id: parent,
            security_level: SecurityLevel::Maximum,
            holds_sex: HoldsSex::Men,
            holds_legal_status: HoldsLegalStatus::Both,
            design_capacity: design,
            operational_capacity: operational,
            out_of_service: None,
        }
    }

    fn codes(r: Result<(), Invalid>) -> Vec<String> {
        r.err()
            .map(|e| e.0.into_iter().map(|e| e.code).collect())
            .unwrap_or_default()
    }

    #[test]
    fn fields_are_checked() {
        let mut n = loc(0, "PAB-A", None, 10, 12).as_new();
        assert_eq!(codes(n.validate_fields()), Vec::<String>::new());
        n.design_capacity = -1;
        n.operational_capacity = MAX_CAPACITY + 1;
        assert_eq!(
            codes(n.validate_fields()),
            ["negative_capacity", "capacity_too_large"]
        );
    }

    #[test]
    fn places_are_single_sex() {
        let mut n = loc(0, "C1", None, 2, 2).as_new();
        n.holds_sex = HoldsSex::Both;
        assert_eq!(codes(n.validate_fields()), ["mixed_sex_places"]);
        n.design_capacity = 0;
        n.operational_capacity = 0;
        assert_eq!(codes(n.validate_fields()), Vec::<String>::new());
    }

    #[test]
    fn location_must_fit_its_facility_and_parent() {
        let f = turi();
        let mut n = loc(0, "C1", Some(1), 2, 2).as_new();
        n.security_level = SecurityLevel::Minimum;
        n.holds_sex = HoldsSex::Women;
        let parent = loc(1, "PAB-A", None, 0, 0);
        assert_eq!(
            codes(n.validate_in(&f, Some(&parent))),
            [
                "level_not_in_facility",
                "sex_not_in_facility",
                "sex_not_in_parent"
            ]
        );
    }

    #[test]
    fn the_tree_stays_a_tree() {
        let f = turi();
        let tree = vec![
            loc(1, "A", None, 0, 0),
            loc(2, "A-1", Some(1), 0, 0),
            loc(3, "A-1-1", Some(2), 4, 4),
        ];
        let mut moved = tree[0].clone();
        moved.parent_id = Some(3);
        assert_eq!(codes(validate_change(&f, &tree, &moved)), ["cycle"]);
        moved.parent_id = Some(1);
        assert_eq!(codes(validate_change(&f, &tree, &moved)), ["cycle"]);
        moved.parent_id = Some(99);
        assert_eq!(
            codes(validate_change(&f, &tree, &moved)),
            ["unknown_parent"]
        );
        let mut renamed = tree[2].clone();
        renamed.code = "A".into();
        assert_eq!(
            codes(validate_change(&f, &tree, &renamed)),
            ["duplicate_code"]
        );
    }

    #[test]
    fn narrowing_sex_must_keep_children() {
        let mut f = turi();
        f.holds_sex = HoldsSex::Both;
        let mut parent = loc(1, "A", None, 0, 0);
        parent.holds_sex = HoldsSex::Both;
        let mut child = loc(2, "A-1", Some(1), 2, 2);
        child.holds_sex = HoldsSex::Women;
        let tree = vec![parent.clone(), child];
        parent.holds_sex = HoldsSex::Men;
        assert_eq!(
            codes(validate_change(&f, &tree, &parent)),
            ["sex_excludes_child"]
        );
    }

    #[test]
    fn closure_is_inherited_by_sub_locations() {
        let mut tree = vec![
            loc(1, "A", None, 0, 0),
            loc(2, "A-1", Some(1), 0, 0),
            loc(3, "A-1-1", Some(2), 4, 4),
            loc(4, "B", None, 4, 4),
        ];
        let since: Timestamp = "2023-08-30T00:00:00Z".parse().unwrap();
        tree[1].out_of_service = Some(OutOfService {
            reason: OutOfServiceReason::RiotDamage,
            since,
            until: None,
            note: None,
        });
        let closed = out_of_service_ids(&tree, "2023-09-01T00:00:00Z".parse().unwrap());
        assert_eq!(closed, HashSet::from([2, 3]));
        assert!(out_of_service_ids(&tree, "2023-08-01T00:00:00Z".parse().unwrap()).is_empty());
    }

    #[test]
    fn a_second_period_is_refused_until_the_first_ends() {
        let at = |t: &str| -> Timestamp { t.parse().unwrap() };
        let period = |since: &str, until: Option<&str>| OutOfService {
            reason: OutOfServiceReason::Maintenance,
            since: at(since),
            until: until.map(at),
            note: None,
        };
        let now = at("2023-09-01T00:00:00Z");
        let mut l = loc(1, "A", None, 4, 4);
        assert_eq!(
            l.take_out_of_service(period("2023-08-30T00:00:00Z", None), now),
            Ok(None)
        );
        let refused = l
            .take_out_of_service(period("2023-09-01T00:00:00Z", None), now)
            .unwrap_err();
        assert_eq!(refused.code, "already_out_of_service");
        // A planned period blocks too; an ended one is replaced and handed back.
        l.out_of_service = Some(period("2023-09-10T00:00:00Z", Some("2023-09-12T00:00:00Z")));
        assert!(
            l.take_out_of_service(period("2023-09-02T00:00:00Z", None), now)
                .is_err()
        );
        l.out_of_service = Some(period("2023-08-01T00:00:00Z", Some("2023-08-05T00:00:00Z")));
        let replaced = l
            .take_out_of_service(period("2023-09-02T00:00:00Z", None), now)
            .unwrap();
        assert_eq!(replaced.unwrap().since, at("2023-08-01T00:00:00Z"));
        assert!(l.return_to_service().is_ok());
        assert_eq!(
            l.return_to_service().unwrap_err().code,
            "already_in_service"
        );
        let ancient = period("-000001-01-01T00:00:00Z", None);
        assert_eq!(
            l.take_out_of_service(ancient, now).unwrap_err().code,
            "invalid_period"
        );
        let backwards = period("2023-09-02T00:00:00Z", Some("2023-09-01T00:00:00Z"));
        assert_eq!(
            l.take_out_of_service(backwards, now).unwrap_err().code,
            "invalid_period"
        );
    }

    #[test]
    fn huge_capacities_are_errors_not_overflows() {
        let mut n = loc(0, "C1", None, i64::MAX, i64::MAX).as_new();
        n.holds_sex = HoldsSex::Both;
        assert_eq!(
            codes(n.validate_fields()),
            [
                "capacity_too_large",
                "capacity_too_large",
                "mixed_sex_places"
            ]
        );
    }

    #[test]
    fn out_of_service_periods() {
        let since: Timestamp = "2023-08-30T00:00:00Z".parse().unwrap();
        let until: Timestamp = "2023-09-05T00:00:00Z".parse().unwrap();
        let p = OutOfService {
            reason: OutOfServiceReason::RiotDamage,
            since,
            until: Some(until),
            note: None,
        };
        assert!(!p.covers("2023-08-29T23:59:59Z".parse().unwrap()));
        assert!(p.covers(since));
        assert!(!p.covers(until));
        let backwards = OutOfService {
            until: Some(since),
            ..p
        };
        assert_eq!(codes(backwards.validate()), ["until_before_since"]);
    }
}
