//! Importing facilities and locations from CSV and JSON files, all or nothing: every bad
//! row of every file is reported with its line number, and then nothing is imported.
//!
//! CSV: a file whose header has a `kind` column holds facilities (the facility JSON
//! field names as columns; `security_levels` separated by `,` `;` or `|`); one with a
//! `facility` column holds locations (the location field names, with the parent given
//! as `parent_code` — a location in the same facility, stored or in the import — or as
//! `parent_id` of a stored location). JSON: `{"facilities": [...], "locations": [...]}`
//! with the same fields.

mod csv;
mod json;

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::Facility;
use custodia_domain::access::Action;
use custodia_domain::events::NewEvent;
use custodia_domain::import::{self, At, Existing, LocationRow, PlannedParent, RowError};
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;

/// What an import created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Facilities created.
    pub facilities: usize,
    /// Locations created.
    pub locations: usize,
}

/// The rows read from one or more files, each with its line.
#[derive(Debug, Default)]
pub struct Rows {
    /// Facility rows, each with where it was read.
    pub facilities: Vec<(At, Facility)>,
    /// Location rows, each with where it was read.
    pub locations: Vec<(At, LocationRow)>,
}

/// Decodes a file's bytes as UTF-8 (a byte-order mark is dropped); the error names the
/// line of the first byte that is not UTF-8.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Vec<RowError>> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        vec![RowError {
            file: Some(name.to_owned()),
            ..RowError::new(
                line,
                "file",
                "encoding",
                "not_utf8",
                "the file is not UTF-8 text: save it as UTF-8 (CSV UTF-8 in spreadsheet programs)",
            )
        }]
    })
}

/// Reads one file's rows; the format follows the name (`.json`, otherwise CSV).
pub fn parse(name: &str, text: &str, into: &mut Rows) -> Result<(), Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (facilities_before, locations_before) = (into.facilities.len(), into.locations.len());
    let result = if name.to_ascii_lowercase().ends_with(".json") {
        json::parse_json(text, into)
    } else {
        csv::parse_csv(text, into)
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
    let mut parse_errors = Vec::new();
    for (name, text) in files {
        if let Err(es) = parse(name, text, &mut rows) {
            parse_errors.extend(es);
        }
    }
    if !rows.facilities.is_empty() {
        who.require(Action::FacilityCreate, None)?;
    }
    for code in import::referenced_facilities(&rows.locations) {
        who.require(Action::LocationWrite, Some(&code))?;
    }
    let now = Timestamp::now();
    store
        .write(&who.actor, async move |tx| {
            let mut existing = Existing::default();
            for f in tx.facilities().await? {
                existing.facilities.insert(f.code.clone(), f);
            }
            for code in import::referenced_facilities(&rows.locations) {
                if existing.facilities.contains_key(&code) {
                    existing.locations.extend(tx.locations_of(&code).await?);
                }
            }
            let planned = import::plan(&existing, rows.facilities.clone(), rows.locations.clone());
            // Rows that did not parse are reported with whatever the rest of the file
            // breaks, so one run lists every bad row.
            let plan = match planned {
                Ok(plan) if parse_errors.is_empty() => plan,
                outcome => {
                    let mut all = parse_errors.clone();
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
                events.push(NewEvent::location_added(
                    &new.stored(id, &planned.facility),
                    now,
                ));
            }
            tx.append_all(&events).await?;
            Ok::<_, AppError>(ImportSummary {
                facilities: plan.facilities.len(),
                locations: plan.locations.len(),
            })
        })
        .await
}
