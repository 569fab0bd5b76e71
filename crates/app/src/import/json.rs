//! Reading facilities and locations from JSON, with a line number for every problem.

use serde::Deserialize;
use serde_json::value::RawValue;

use custodia_domain::import::{At, LocationRow, ParentRef, RowError};
use custodia_domain::{Facility, HoldsSex, SecurityLevel};

use super::Rows;

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
    #[serde(default)]
    holds_legal_status: custodia_domain::placement::HoldsLegalStatus,
    design_capacity: i64,
    operational_capacity: i64,
}

pub(super) fn parse_json(text: &str, into: &mut Rows) -> Result<(), Vec<RowError>> {
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
                        holds_legal_status: l.holds_legal_status,
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
