//! Reading facilities and locations from CSV, with a line number for every problem.

use std::collections::HashMap;

use custodia_domain::facility::parse_security_levels;
use custodia_domain::import::{At, LocationRow, ParentRef, RowError};
use custodia_domain::placement::HoldsLegalStatus;
use custodia_domain::{Facility, FacilityKind, HoldsAge, HoldsSex, SecurityLevel};

use super::Rows;

const FACILITY_COLUMNS: [&str; 9] = [
    "code",
    "name",
    "kind",
    "province",
    "city",
    "timezone",
    "holds_sex",
    "holds_age",
    "security_levels",
];
const LOCATION_COLUMNS: [&str; 7] = [
    "facility",
    "code",
    "name",
    "security_level",
    "holds_sex",
    "design_capacity",
    "operational_capacity",
];
const LOCATION_OPTIONAL: [&str; 3] = ["parent_code", "parent_id", "holds_legal_status"];

pub(super) fn parse_csv(text: &str, into: &mut Rows) -> Result<(), Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header_error =
        |message: String| vec![RowError::new(1, "file", "header", "bad_header", message)];
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(header_error(format!("cannot read the header: {e}"))),
    };
    let is_facilities = headers.iter().any(|h| h == "kind");
    let (record, required, optional): (&str, &[&str], &[&str]) = if is_facilities {
        ("facility", &FACILITY_COLUMNS, &[])
    } else if headers.iter().any(|h| h == "facility") {
        ("location", &LOCATION_COLUMNS, &LOCATION_OPTIONAL)
    } else {
        return Err(header_error(
            "the header has neither a `kind` column (facilities) nor a `facility` column (locations)".into(),
        ));
    };
    let mut problems = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if headers[..i].contains(h) {
            problems.push(format!("column `{h}` appears twice"));
        }
    }
    for h in &headers {
        if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
            problems.push(format!("unknown column `{h}`"));
        }
    }
    for r in required {
        if !headers.iter().any(|h| h == r) {
            problems.push(format!("missing column `{r}`"));
        }
    }
    if !problems.is_empty() {
        return Err(header_error(format!(
            "{}; {record} columns are: {}",
            problems.join(", "),
            required
                .iter()
                .chain(optional)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let index: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    for result in reader.records() {
        let rec = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(RowError::new(
                    line,
                    record,
                    "row",
                    "bad_row",
                    format!("unreadable row: {e}"),
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |name: &str| index.get(name).and_then(|&i| rec.get(i)).unwrap_or("");
        let mut cells = Cells {
            line,
            record,
            errors: Vec::new(),
        };
        if is_facilities {
            let f = PartialFacility {
                code: cell("code").to_owned(),
                name: cell("name").to_owned(),
                kind: cells.vocab("kind", cell("kind"), FacilityKind::parse),
                province: cell("province").to_owned(),
                city: cell("city").to_owned(),
                timezone: cell("timezone").to_owned(),
                holds_sex: cells.vocab("holds_sex", cell("holds_sex"), HoldsSex::parse),
                holds_age: cells.vocab("holds_age", cell("holds_age"), HoldsAge::parse),
                security_levels: cells.levels(cell("security_levels")),
            };
            if let (Some(f), true) = (f.complete(), cells.errors.is_empty()) {
                into.facilities.push((At::line(line), f));
            }
        } else {
            let parent = cells.parent(cell("parent_code"), cell("parent_id"));
            let row = LocationRow {
                facility: cell("facility").to_owned(),
                code: cell("code").to_owned(),
                name: cell("name").to_owned(),
                parent: parent.unwrap_or(ParentRef::None),
                security_level: cells
                    .vocab(
                        "security_level",
                        cell("security_level"),
                        SecurityLevel::parse,
                    )
                    .unwrap_or(SecurityLevel::Minimum),
                holds_sex: cells
                    .vocab("holds_sex", cell("holds_sex"), HoldsSex::parse)
                    .unwrap_or(HoldsSex::Both),
                holds_legal_status: match cell("holds_legal_status") {
                    "" => HoldsLegalStatus::Both,
                    text => cells
                        .vocab("holds_legal_status", text, HoldsLegalStatus::parse)
                        .unwrap_or(HoldsLegalStatus::Both),
                },
                design_capacity: cells.integer("design_capacity", cell("design_capacity")),
                operational_capacity: cells
                    .integer("operational_capacity", cell("operational_capacity")),
            };
            if cells.errors.is_empty() {
                into.locations.push((At::line(line), row));
            }
        }
        errors.extend(cells.errors);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Collects the cell-level errors of one CSV row.
struct Cells {
    line: u64,
    record: &'static str,
    errors: Vec<RowError>,
}

impl Cells {
    fn push(&mut self, field: &str, code: &str, message: String) {
        self.errors
            .push(RowError::new(self.line, self.record, field, code, message));
    }

    fn vocab<T>(
        &mut self,
        field: &str,
        text: &str,
        parse: fn(&str) -> Result<T, custodia_domain::enums::UnknownValue>,
    ) -> Option<T> {
        match parse(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, "unknown_value", format!("{field}: {e}"));
                None
            }
        }
    }

    fn levels(&mut self, text: &str) -> Vec<SecurityLevel> {
        match parse_security_levels(&text.replace([';', '|'], ",")) {
            Ok(v) => v,
            Err(e) => {
                self.push(
                    "security_levels",
                    "unknown_value",
                    format!("security_levels: {e}"),
                );
                Vec::new()
            }
        }
    }

    fn integer(&mut self, field: &str, text: &str) -> i64 {
        text.parse().unwrap_or_else(|_| {
            self.push(
                field,
                "not_a_number",
                format!("{field}: `{text}` is not a whole number"),
            );
            0
        })
    }

    fn parent(&mut self, code: &str, id: &str) -> Option<ParentRef> {
        match (code.is_empty(), id.is_empty()) {
            (true, true) => Some(ParentRef::None),
            (false, true) => Some(ParentRef::Code(code.to_owned())),
            (true, false) => match id.parse() {
                Ok(id) => Some(ParentRef::Id(id)),
                Err(_) => {
                    self.push(
                        "parent_id",
                        "not_a_number",
                        format!("parent_id: `{id}` is not a whole number"),
                    );
                    None
                }
            },
            (false, false) => {
                self.push(
                    "parent_code",
                    "ambiguous_parent",
                    "give parent_code or parent_id, not both".into(),
                );
                None
            }
        }
    }
}

/// A facility read from CSV whose vocabulary cells may have failed to parse.
struct PartialFacility {
    code: String,
    name: String,
    kind: Option<FacilityKind>,
    province: String,
    city: String,
    timezone: String,
    holds_sex: Option<HoldsSex>,
    holds_age: Option<HoldsAge>,
    security_levels: Vec<SecurityLevel>,
}

impl PartialFacility {
    fn complete(self) -> Option<Facility> {
        Some(Facility {
            code: self.code,
            name: self.name,
            kind: self.kind?,
            province: self.province,
            city: self.city,
            timezone: self.timezone,
            holds_sex: self.holds_sex?,
            holds_age: self.holds_age?,
            security_levels: self.security_levels,
        })
    }
}
