//! The one textual form of an instant that the journal hashes and the stores keep.

use jiff::Timestamp;

/// Formats an instant as `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC: fixed width, so text order is time order.
pub fn canonical(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Truncates an instant to the microsecond precision the stores keep.
pub fn to_micros(ts: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(ts.as_microsecond()).unwrap_or(ts)
}

/// Parses an instant written in RFC 3339 (any offset).
pub fn parse(text: &str) -> Result<Timestamp, jiff::Error> {
    text.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_is_fixed_width_utc() {
        let ts: Timestamp = "2023-08-31T07:05:01-05:00".parse().unwrap();
        assert_eq!(canonical(ts), "2023-08-31T12:05:01.000000Z");
        let ts: Timestamp = "2023-08-31T12:05:01.1234567Z".parse().unwrap();
        assert_eq!(canonical(ts), "2023-08-31T12:05:01.123456Z");
        assert_eq!(parse(&canonical(ts)).unwrap(), to_micros(ts));
    }
}
