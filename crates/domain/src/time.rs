//! The one textual form of an instant that the journal hashes and the stores keep.

use jiff::Timestamp;

/// Formats an instant as `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC: fixed width, so text order
/// is time order. Plain arithmetic: the journal formats two instants per entry.
pub fn canonical(ts: Timestamp) -> String {
    let micros = ts.as_microsecond();
    let (days, of_day) = (
        micros.div_euclid(86_400_000_000),
        micros.rem_euclid(86_400_000_000),
    );
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        // Outside four-digit years jiff's own (signed, six-digit) form is the one it reads
        // back; validation keeps such dates out of records, this keeps them readable.
        return ts.to_string();
    }
    let secs = of_day / 1_000_000;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        of_day % 1_000_000
    )
}

/// The proleptic Gregorian (year, month, day) of a day count from 1970-01-01
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The years a recorded instant may fall in: anything else is a typing error.
pub const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i16> = 1900..=9999;

/// Whether an instant is in a plausible year for a record.
pub fn plausible(ts: Timestamp) -> bool {
    PLAUSIBLE_YEARS.contains(&ts.to_zoned(jiff::tz::TimeZone::UTC).year())
}

/// Truncates an instant to the microsecond precision the stores keep.
pub fn to_micros(ts: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(ts.as_microsecond()).unwrap_or(ts)
}

/// Parses an instant written in RFC 3339 (any offset).
pub fn parse(text: &str) -> Result<Timestamp, jiff::Error> {
    text.parse()
}

/// The civil date of an instant in a time zone (UTC if the zone is unknown, which facility
/// validation prevents).
pub fn date_in(ts: Timestamp, timezone: &str) -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    ts.to_zoned(tz).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every instant jiff can hold reads back from its canonical text.
        #[test]
        fn canonical_round_trips(micros in Timestamp::MIN.as_microsecond()..=Timestamp::MAX.as_microsecond()) {
            let ts = Timestamp::from_microsecond(micros).unwrap();
            prop_assert_eq!(parse(&canonical(ts)).unwrap(), ts);
        }

        /// The fast formatter agrees with jiff's for every instant from 1900 to 2200.
        #[test]
        fn canonical_agrees_with_jiff(micros in -2_208_988_800_000_000i64..7_258_118_400_000_000i64) {
            let ts = Timestamp::from_microsecond(micros).unwrap();
            prop_assert_eq!(canonical(ts), ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
        }
    }

    #[test]
    fn canonical_is_fixed_width_utc() {
        let ts: Timestamp = "2023-08-31T07:05:01-05:00".parse().unwrap();
        assert_eq!(canonical(ts), "2023-08-31T12:05:01.000000Z");
        let ts: Timestamp = "2023-08-31T12:05:01.1234567Z".parse().unwrap();
        assert_eq!(canonical(ts), "2023-08-31T12:05:01.123456Z");
        assert_eq!(parse(&canonical(ts)).unwrap(), to_micros(ts));
    }
}
