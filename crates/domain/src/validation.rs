//! Validation results shared by every rule: a list of field-level problems.

use serde::Serialize;

/// One problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field (JSON name or CSV column) the problem is about.
    pub field: String,
    /// A stable machine-readable code, e.g. `negative_capacity`.
    pub code: String,
    /// A human explanation in English.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// An input that broke one or more rules; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", summary(.0))]
pub struct Invalid(pub Vec<FieldError>);

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Collects field errors while a rule runs, then turns them into a result.
#[derive(Debug, Default)]
pub struct Collector(Vec<FieldError>);

impl Collector {
    /// Records a problem.
    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Records a problem only when `bad` holds.
    pub fn check(&mut self, bad: bool, field: &str, code: &str, message: impl Into<String>) {
        if bad {
            self.push(field, code, message);
        }
    }

    /// Adds the errors of a nested result.
    pub fn absorb(&mut self, result: Result<(), Invalid>) {
        if let Err(Invalid(errors)) = result {
            self.0.extend(errors);
        }
    }

    /// `Ok` when nothing was recorded.
    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

/// A change refused because of the state things are in, not the shape of the input
/// (e.g. putting out of service a location that already is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refused {
    /// A stable machine-readable code, e.g. `already_out_of_service`.
    pub code: &'static str,
    /// A human explanation in English.
    pub message: String,
}
