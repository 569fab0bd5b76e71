//! Helpers for partial updates (JSON merge-patch style): absent, null and a value differ.

use serde::{Deserialize, Deserializer};

/// Deserializes a field that may be absent (outer `None`), null (`Some(None)`) or set.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use crate::location::LocationPatch;

    #[test]
    fn absent_null_and_value_differ() {
        let p: LocationPatch = serde_json::from_str("{}").unwrap();
        assert_eq!(p.parent_id, None);
        let p: LocationPatch = serde_json::from_str(r#"{"parent_id":null}"#).unwrap();
        assert_eq!(p.parent_id, Some(None));
        let p: LocationPatch = serde_json::from_str(r#"{"parent_id":7}"#).unwrap();
        assert_eq!(p.parent_id, Some(Some(7)));
    }
}
