//! Reading domain values back out of text columns.

use custodia_domain::enums::UnknownValue;

use crate::error::StoreError;

/// Parses a vocabulary value stored as text, naming the column when it is not valid.
pub(crate) fn vocab<T>(
    column: &str,
    text: &str,
    parse: fn(&str) -> Result<T, UnknownValue>,
) -> Result<T, StoreError> {
    parse(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

/// Parses an instant stored in canonical text.
pub(crate) fn instant(column: &str, text: &str) -> Result<jiff::Timestamp, StoreError> {
    custodia_domain::time::parse(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}
