//! Checking a facilities-and-locations import as a whole before anything is written:
//! every bad row is reported with its line, and a file with any bad row imports nothing.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::facility::{Facility, HoldsSex, SecurityLevel};
use crate::location::{Location, NewLocation};
use crate::validation::{FieldError, Invalid};

/// How a location row names its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParentRef {
    /// A top-level unit.
    None,
    /// A location of the same facility, in the file or already stored, by code.
    Code(String),
    /// A location already stored, by id.
    Id(i64),
}

/// A location row of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRow {
    /// The facility's code.
    pub facility: String,
    /// Code, unique within the facility.
    pub code: String,
    /// Name.
    pub name: String,
    /// Where it sits in the tree.
    pub parent: ParentRef,
    /// Security level.
    pub security_level: SecurityLevel,
    /// Sex of the persons it holds.
    pub holds_sex: HoldsSex,
    /// Legal status of the persons it holds.
    pub holds_legal_status: crate::placement::HoldsLegalStatus,
    /// Official places in the location itself.
    pub design_capacity: i64,
    /// Places usable now in the location itself.
    pub operational_capacity: i64,
}

/// One problem with one row of an import file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The file the row is in, when several are imported together.
    pub file: Option<String>,
    /// 1-based line number where the row starts.
    pub line: u64,
    /// `facility` or `location`.
    pub record: String,
    /// The field (JSON name or CSV column) at fault.
    pub field: String,
    /// A stable machine-readable code, e.g. `unknown_parent`.
    pub code: String,
    /// A human explanation in English.
    pub message: String,
}

impl RowError {
    /// Builds a row error.
    pub fn new(
        line: u64,
        record: &str,
        field: &str,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: None,
            line,
            record: record.to_owned(),
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// Builds a row error at a position.
    pub fn at(at: &At, record: &str, field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            file: at.file.clone(),
            ..Self::new(at.line, record, field, code, message)
        }
    }

    fn from_field(at: &At, record: &str, e: FieldError) -> Self {
        Self::at(at, record, &e.field, &e.code, e.message)
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
        }
        write!(
            f,
            "line {}: {} {}: {} ({})",
            self.line, self.record, self.field, self.message, self.code
        )
    }
}

/// Where a row is: its file (when several are imported together) and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct At {
    /// The file, when several are imported together.
    pub file: Option<String>,
    /// 1-based line number.
    pub line: u64,
}

impl At {
    /// A position in an unnamed (single) input.
    pub fn line(line: u64) -> Self {
        Self { file: None, line }
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file} line {}", self.line),
            None => write!(f, "line {}", self.line),
        }
    }
}

/// What is already stored that an import must fit with.
#[derive(Debug, Default)]
pub struct Existing {
    /// Every stored facility, by code.
    pub facilities: HashMap<String, Facility>,
    /// Stored locations of the facilities the import touches.
    pub locations: Vec<Location>,
}

/// Where a planned location's parent is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedParent {
    /// A top-level unit.
    None,
    /// Already stored.
    Stored(i64),
    /// Created earlier in this plan, at this index of `locations`.
    Planned(usize),
}

/// A planned location, ordered so that parents come before children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLocation {
    /// Where the row was read.
    pub at: At,
    /// The facility's code.
    pub facility: String,
    /// The location to create (its parent id is filled in when created).
    pub location: NewLocation,
    /// Where its parent is.
    pub parent: PlannedParent,
}

/// An import that passed every check: what to create, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Facilities to create, in file order.
    pub facilities: Vec<Facility>,
    /// Locations to create, parents before children.
    pub locations: Vec<PlannedLocation>,
}

/// Checks facilities and location rows (each with its line) against each other and the
/// stored data. Returns every problem found, not just the first.
pub fn plan(
    existing: &Existing,
    facilities: Vec<(At, Facility)>,
    locations: Vec<(At, LocationRow)>,
) -> Result<Plan, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut new_facilities: HashMap<String, (At, Facility)> = HashMap::new();
    let mut plan = Plan::default();
    for (at, f) in facilities {
        if let Err(Invalid(es)) = f.validate() {
            errors.extend(
                es.into_iter()
                    .map(|e| RowError::from_field(&at, "facility", e)),
            );
        }
        if existing.facilities.contains_key(&f.code) {
            errors.push(RowError::at(
                &at,
                "facility",
                "code",
                "duplicate_code",
                format!("facility {} already exists", f.code),
            ));
        } else if let Some((first, _)) = new_facilities.get(&f.code) {
            errors.push(RowError::at(
                &at,
                "facility",
                "code",
                "duplicate_code",
                format!("facility {} is also defined at {first}", f.code),
            ));
        } else {
            new_facilities.insert(f.code.clone(), (at.clone(), f.clone()));
            plan.facilities.push(f);
        }
    }
    let facility_of = |code: &str| {
        existing
            .facilities
            .get(code)
            .or_else(|| new_facilities.get(code).map(|(_, f)| f))
    };
    let stored_by_id: HashMap<i64, &Location> =
        existing.locations.iter().map(|l| (l.id, l)).collect();
    let stored_by_code: HashMap<(&str, &str), &Location> = existing
        .locations
        .iter()
        .map(|l| ((l.facility.as_str(), l.code.as_str()), l))
        .collect();
    let mut in_file: HashMap<(String, String), usize> = HashMap::new();
    for (i, (at, row)) in locations.iter().enumerate() {
        let key = (row.facility.clone(), row.code.clone());
        if stored_by_code.contains_key(&(row.facility.as_str(), row.code.as_str())) {
            errors.push(RowError::at(
                at,
                "location",
                "code",
                "duplicate_code",
                format!(
                    "facility {} already has a location with code {}",
                    row.facility, row.code
                ),
            ));
        } else if let Some(&first) = in_file.get(&key) {
            errors.push(RowError::at(
                at,
                "location",
                "code",
                "duplicate_code",
                format!(
                    "location {} of {} is also defined at {}",
                    row.code, row.facility, locations[first].0
                ),
            ));
        } else {
            in_file.insert(key, i);
        }
    }
    // Resolve each row's facility and parent, and check it in place.
    let mut parents: Vec<Option<PlannedParentRef>> = Vec::with_capacity(locations.len());
    for (at, row) in &locations {
        let Some(facility) = facility_of(&row.facility) else {
            errors.push(RowError::at(
                at,
                "location",
                "facility",
                "unknown_facility",
                format!(
                    "facility {} is neither stored nor in this import",
                    row.facility
                ),
            ));
            parents.push(None);
            continue;
        };
        let (parent_ref, parent_sex) = match &row.parent {
            ParentRef::None => (Some(PlannedParentRef::None), None),
            ParentRef::Id(id) => {
                match stored_by_id.get(id).filter(|l| l.facility == row.facility) {
                    Some(p) => (
                        Some(PlannedParentRef::Stored(*id)),
                        Some((p.code.clone(), p.holds_sex)),
                    ),
                    None => {
                        errors.push(RowError::at(
                            at,
                            "location",
                            "parent_id",
                            "unknown_parent",
                            format!("location {id} is not in facility {}", row.facility),
                        ));
                        (None, None)
                    }
                }
            }
            ParentRef::Code(code) => {
                if let Some(p) = stored_by_code.get(&(row.facility.as_str(), code.as_str())) {
                    (
                        Some(PlannedParentRef::Stored(p.id)),
                        Some((p.code.clone(), p.holds_sex)),
                    )
                } else if let Some(&j) = in_file.get(&(row.facility.clone(), code.clone())) {
                    (
                        Some(PlannedParentRef::Row(j)),
                        Some((code.clone(), locations[j].1.holds_sex)),
                    )
                } else {
                    errors.push(RowError::at(
                        at,
                        "location",
                        "parent_code",
                        "unknown_parent",
                        format!(
                            "facility {} has no location {code}, stored or in this import",
                            row.facility
                        ),
                    ));
                    (None, None)
                }
            }
        };
        let candidate = NewLocation {
            code: row.code.clone(),
            name: row.name.clone(),
            parent_id: None,
            security_level: row.security_level,
            holds_sex: row.holds_sex,
            holds_legal_status: row.holds_legal_status,
            design_capacity: row.design_capacity,
            operational_capacity: row.operational_capacity,
        };
        if let Err(Invalid(es)) = candidate.validate_in(facility, None) {
            errors.extend(
                es.into_iter()
                    .map(|e| RowError::from_field(at, "location", e)),
            );
        }
        if let Some((code, sex)) = parent_sex
            && !sex.admits(row.holds_sex)
        {
            errors.push(RowError::at(
                at,
                "location",
                "holds_sex",
                "sex_not_in_parent",
                format!("the parent location {code} holds {sex} only"),
            ));
        }
        parents.push(parent_ref);
    }
    // Order rows parents-first; rows left over sit on a cycle of parent codes.
    let mut placed: Vec<Option<usize>> = vec![None; locations.len()];
    let mut progress = true;
    while progress {
        progress = false;
        for i in 0..locations.len() {
            if placed[i].is_some() {
                continue;
            }
            let parent = match parents[i] {
                None => continue,
                Some(PlannedParentRef::None) => PlannedParent::None,
                Some(PlannedParentRef::Stored(id)) => PlannedParent::Stored(id),
                Some(PlannedParentRef::Row(j)) => match placed[j] {
                    Some(k) => PlannedParent::Planned(k),
                    None => continue,
                },
            };
            let (at, row) = &locations[i];
            placed[i] = Some(plan.locations.len());
            plan.locations.push(PlannedLocation {
                at: at.clone(),
                facility: row.facility.clone(),
                location: NewLocation {
                    code: row.code.clone(),
                    name: row.name.clone(),
                    parent_id: None,
                    security_level: row.security_level,
                    holds_sex: row.holds_sex,
                    holds_legal_status: row.holds_legal_status,
                    design_capacity: row.design_capacity,
                    operational_capacity: row.operational_capacity,
                },
                parent,
            });
            progress = true;
        }
    }
    for (i, (at, _)) in locations.iter().enumerate() {
        if placed[i].is_none() && on_cycle(&parents, i) {
            errors.push(RowError::at(
                at,
                "location",
                "parent_code",
                "cycle",
                "parent codes form a cycle: a location cannot be inside itself",
            ));
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(errors)
    }
}

#[derive(Debug, Clone, Copy)]
enum PlannedParentRef {
    None,
    Stored(i64),
    Row(usize),
}

/// Whether following row `start`'s parent codes ever revisits a row: true for rows on a
/// cycle and for rows below one (neither can be placed); false for rows that hang below
/// an unresolvable parent, which is reported on its own.
fn on_cycle(parents: &[Option<PlannedParentRef>], start: usize) -> bool {
    let mut seen = HashSet::new();
    let mut at = start;
    while let Some(PlannedParentRef::Row(next)) = parents[at] {
        if !seen.insert(at) {
            return true;
        }
        at = next;
    }
    false
}

/// The codes of the facilities that location rows name, for loading what an import needs.
pub fn referenced_facilities(rows: &[(At, LocationRow)]) -> HashSet<String> {
    rows.iter().map(|(_, r)| r.facility.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facility::tests::turi;
    use crate::location::tests::loc;

    fn row(code: &str, parent: ParentRef) -> LocationRow {
        LocationRow {
            facility: "CPL-AZ-1".into(),
            code: code.into(),
            name: format!("Location {code}"),
            parent,
            security_level: SecurityLevel::Maximum,
            holds_sex: HoldsSex::Men,
            holds_legal_status: crate::placement::HoldsLegalStatus::Both,
            design_capacity: 4,
            operational_capacity: 4,
        }
    }

    fn codes(r: Result<Plan, Vec<RowError>>) -> Vec<(u64, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.line, e.code))
            .collect()
    }

    #[test]
    fn children_before_parents_in_the_file_are_ordered() {
        let rows = vec![
            (At::line(3), row("A-1-1", ParentRef::Code("A-1".into()))),
            (At::line(4), row("A-1", ParentRef::Code("A".into()))),
            (At::line(5), row("A", ParentRef::None)),
        ];
        let p = plan(&Existing::default(), vec![(At::line(2), turi())], rows).unwrap();
        let order: Vec<&str> = p
            .locations
            .iter()
            .map(|l| l.location.code.as_str())
            .collect();
        assert_eq!(order, ["A", "A-1", "A-1-1"]);
        assert_eq!(p.locations[1].parent, PlannedParent::Planned(0));
        assert_eq!(p.locations[2].parent, PlannedParent::Planned(1));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let mut bad_kind = turi();
        bad_kind.code = "CAI-X".into();
        bad_kind.holds_age = crate::facility::HoldsAge::Adolescents;
        let mut negative = row("N", ParentRef::None);
        negative.design_capacity = -3;
        let mut elsewhere = row("E", ParentRef::None);
        elsewhere.facility = "CPL-NOPE".into();
        let rows = vec![
            (At::line(5), row("A", ParentRef::None)),
            (At::line(6), row("A", ParentRef::None)),
            (At::line(7), row("B", ParentRef::Code("MISSING".into()))),
            (At::line(8), negative),
            (At::line(9), elsewhere),
            (At::line(10), row("C", ParentRef::Code("D".into()))),
            (At::line(11), row("D", ParentRef::Code("C".into()))),
            (At::line(12), row("F", ParentRef::Code("B".into()))),
        ];
        let errors = codes(plan(
            &Existing::default(),
            vec![
                (At::line(2), turi()),
                (At::line(3), bad_kind),
                (At::line(4), turi()),
            ],
            rows,
        ));
        assert_eq!(
            errors,
            [
                (3, "age_kind_mismatch".into()),
                (4, "duplicate_code".into()),
                (6, "duplicate_code".into()),
                (7, "unknown_parent".into()),
                (8, "negative_capacity".into()),
                (9, "unknown_facility".into()),
                (10, "cycle".into()),
                (11, "cycle".into()),
            ]
        );
    }

    #[test]
    fn rows_fit_stored_data() {
        let existing = Existing {
            facilities: HashMap::from([("CPL-AZ-1".to_owned(), turi())]),
            locations: vec![loc(7, "PAB-A", None, 0, 0)],
        };
        let mut women = row("W", ParentRef::Id(7));
        women.holds_sex = HoldsSex::Women;
        let rows = vec![
            (At::line(2), row("PAB-A", ParentRef::None)),
            (At::line(3), row("C1", ParentRef::Id(7))),
            (At::line(4), row("C2", ParentRef::Code("PAB-A".into()))),
            (At::line(5), row("C3", ParentRef::Id(8))),
            (At::line(6), women),
        ];
        let errors = codes(plan(&existing, vec![(At::line(1), turi())], rows));
        assert_eq!(
            errors,
            [
                (1, "duplicate_code".into()),
                (2, "duplicate_code".into()),
                (5, "unknown_parent".into()),
                (6, "sex_not_in_facility".into()),
                (6, "sex_not_in_parent".into()),
            ]
        );
    }

    #[test]
    fn a_good_import_plans_everything() {
        let existing = Existing {
            facilities: HashMap::from([("CPL-AZ-1".to_owned(), turi())]),
            locations: vec![loc(7, "PAB-A", None, 0, 0)],
        };
        let rows = vec![
            (At::line(2), row("C1", ParentRef::Id(7))),
            (At::line(3), row("C2", ParentRef::Code("PAB-A".into()))),
        ];
        let p = plan(&existing, vec![], rows).unwrap();
        assert_eq!(p.locations.len(), 2);
        assert!(
            p.locations
                .iter()
                .all(|l| l.parent == PlannedParent::Stored(7))
        );
    }
}
