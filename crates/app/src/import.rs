//! Importing facilities and locations from CSV and JSON files, all or nothing: every bad
//! row of every file is reported with its line number, and then nothing is imported.
//!
//! CSV: a file whose header has a `kind` column holds facilities (the facility JSON
//! field names as columns; `security_levels` separated by `,` `;` or `|`); one with a
//! `facility` column holds locations (the location field names, with the parent given
//! as `parent_code` — a location in the same facility, stored or in the import — or as
//! `parent_id` of a stored location). JSON: `{"facilities": [...], "locations": [...]}`
//! with the same fields.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use custodia_domain::events::NewEvent;
use custodia_domain::facility::parse_security_levels;
use custodia_domain::import::{
    self, At, Existing, LocationRow, ParentRef, PlannedParent, RowError,
};
use custodia_domain::{Facility, FacilityKind, HoldsAge, HoldsSex, Location, SecurityLevel};
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// What an import created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub facilities: usize,
    pub locations: usize,
}

/// The rows read from one or more files, each with its line.
#[derive(Debug, Default)]
pub struct Rows {
    pub facilities: Vec<(At, Facility)>,
    pub locations: Vec<(At, LocationRow)>,
}

/// Reads one file's rows; the format follows the name (`.json`, otherwise CSV).
pub fn parse(name: &str, text: &str, into: &mut Rows) -> Result<(), Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (facilities_before, locations_before) = (into.facilities.len(), into.locations.len());
    let result = if name.to_ascii_lowercase().ends_with(".json") {
        parse_json(text, into)
    } else {
        parse_csv(text, into)
    };
    let file = Some(name.to_owned());
    for (at, _) in &mut into.facilities[facilities_before..] {
        at.file.clone_from(&file);
    }
    for (at, _) in &mut into.locations[locations_before..] {
        at.file.clone_from(&file);
    }
    result.map_err(|errors| {
        errors
            .into_iter()
            .map(|mut e| {
                e.file.clone_from(&file);
                e
            })
            .collect()
    })
}

/// Imports the given files (name, text) in one transaction.
pub async fn import(
    store: &Store,
    who: &Principal,
    files: &[(String, String)],
) -> Result<ImportSummary, AppError> {
    let mut rows = Rows::default();
    let mut errors = Vec::new();
    for (name, text) in files {
        if let Err(es) = parse(name, text, &mut rows) {
            errors.extend(es);
        }
    }
    // Rows that did not parse are reported with whatever the rest of the file breaks,
    // so one run lists every bad row.
    let parse_errors = std::sync::Arc::new(errors);
    let rows = std::sync::Arc::new(rows);
    let now = Timestamp::now();
    store
        .write(&who.actor, |tx| {
            let (rows, parse_errors) = (rows.clone(), parse_errors.clone());
            Box::pin(async move {
                let mut existing = Existing::default();
                for f in tx.facilities().await? {
                    existing.facilities.insert(f.code.clone(), f);
                }
                for code in import::referenced_facilities(&rows.locations) {
                    if existing.facilities.contains_key(&code) {
                        existing.locations.extend(tx.locations_of(&code).await?);
                    }
                }
                let planned =
                    import::plan(&existing, rows.facilities.clone(), rows.locations.clone());
                let plan = match planned {
                    Ok(plan) if parse_errors.is_empty() => plan,
                    outcome => {
                        let mut all = parse_errors.to_vec();
                        all.extend(outcome.err().unwrap_or_default());
                        all.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
                        return Err(AppError::ImportRejected(all));
                    }
                };
                let stamp = custodia_domain::time::canonical(now);
                let mut events = Vec::with_capacity(plan.facilities.len() + plan.locations.len());
                for f in &plan.facilities {
                    tx.insert_facility(f, &stamp).await?;
                    events.push(NewEvent::facility_registered(f, now));
                }
                let mut ids: Vec<i64> = Vec::with_capacity(plan.locations.len());
                for planned in &plan.locations {
                    let mut new = planned.location.clone();
                    new.parent_id = match planned.parent {
                        PlannedParent::None => None,
                        PlannedParent::Stored(id) => Some(id),
                        PlannedParent::Planned(k) => ids.get(k).copied(),
                    };
                    let id = tx.insert_location(&planned.facility, &new, &stamp).await?;
                    ids.push(id);
                    let stored = Location {
                        id,
                        facility: planned.facility.clone(),
                        code: new.code,
                        name: new.name,
                        parent_id: new.parent_id,
                        security_level: new.security_level,
                        holds_sex: new.holds_sex,
                        design_capacity: new.design_capacity,
                        operational_capacity: new.operational_capacity,
                        out_of_service: None,
                    };
                    events.push(NewEvent::location_added(&stored, now));
                }
                tx.append_all(&events).await?;
                Ok::<_, AppError>(ImportSummary {
                    facilities: plan.facilities.len(),
                    locations: plan.locations.len(),
                })
            })
        })
        .await
}

// ---- CSV ----------------------------------------------------------------------------

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
const LOCATION_OPTIONAL: [&str; 2] = ["parent_code", "parent_id"];

fn parse_csv(text: &str, into: &mut Rows) -> Result<(), Vec<RowError>> {
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

// ---- JSON ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFile<'a> {
    #[serde(borrow, default)]
    facilities: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    locations: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLocation {
    facility: String,
    code: String,
    name: String,
    #[serde(default)]
    parent_code: Option<String>,
    #[serde(default)]
    parent_id: Option<i64>,
    security_level: SecurityLevel,
    holds_sex: HoldsSex,
    design_capacity: i64,
    operational_capacity: i64,
}

fn parse_json(text: &str, into: &mut Rows) -> Result<(), Vec<RowError>> {
    let file: JsonFile = serde_json::from_str(text).map_err(|e| {
        vec![RowError::new(
            e.line() as u64,
            "file",
            "document",
            "bad_json",
            format!(
                "expected {{\"facilities\": [...], \"locations\": [...]}}: {}",
                without_position(&e)
            ),
        )]
    })?;
    let line_of = |raw: &RawValue| {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        text.get(..offset)
            .map_or(0, |before| before.matches('\n').count() as u64 + 1)
    };
    let mut errors = Vec::new();
    for raw in file.facilities {
        let line = line_of(raw);
        match typed::<Facility>(raw) {
            Ok(f) => into.facilities.push((At::line(line), f)),
            Err((field, message)) => errors.push(RowError::new(
                line,
                "facility",
                &field,
                "bad_field",
                message,
            )),
        }
    }
    for raw in file.locations {
        let line = line_of(raw);
        match typed::<JsonLocation>(raw) {
            Ok(l) => {
                let parent = match (l.parent_code, l.parent_id) {
                    (Some(_), Some(_)) => {
                        errors.push(RowError::new(
                            line,
                            "location",
                            "parent_code",
                            "ambiguous_parent",
                            "give parent_code or parent_id, not both",
                        ));
                        continue;
                    }
                    (Some(code), None) => ParentRef::Code(code),
                    (None, Some(id)) => ParentRef::Id(id),
                    (None, None) => ParentRef::None,
                };
                into.locations.push((
                    At::line(line),
                    LocationRow {
                        facility: l.facility,
                        code: l.code,
                        name: l.name,
                        parent,
                        security_level: l.security_level,
                        holds_sex: l.holds_sex,
                        design_capacity: l.design_capacity,
                        operational_capacity: l.operational_capacity,
                    },
                ));
            }
            Err((field, message)) => errors.push(RowError::new(
                line,
                "location",
                &field,
                "bad_field",
                message,
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Deserializes one element, naming the field that failed.
fn typed<T: serde::de::DeserializeOwned>(raw: &RawValue) -> Result<T, (String, String)> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "row".to_owned() } else { path };
        (field, without_position(e.inner()))
    })
}

fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}
