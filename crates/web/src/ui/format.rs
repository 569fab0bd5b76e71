//! Numbers, dates and instants as people read them in each language: `12.345` and
//! `5 dic 2026, 14:30` in Spanish, `12,345` and `5 Dec 2026, 14:30` in English; instants
//! in the facility's time zone (Ecuador's mainland when none is given).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::i18n::Lang;

/// The time zone of the mainland facilities, for instants with no facility.
pub const DEFAULT_ZONE: &str = "America/Guayaquil";

const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A whole number with the language's thousands separator.
pub fn number(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let separator = match lang {
        Lang::Es => '.',
        Lang::En => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A percentage with no decimals (`112 %` in Spanish, `112%` in English).
pub fn percent(lang: Lang, ratio: f64) -> String {
    let value = (ratio * 100.0).round() as i64;
    match lang {
        Lang::Es => format!("{} %", number(lang, value)),
        Lang::En => format!("{}%", number(lang, value)),
    }
}

fn month(lang: Lang, m: i8) -> &'static str {
    let i = usize::try_from(m - 1).unwrap_or(0).min(11);
    match lang {
        Lang::Es => MONTHS_ES[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// A civil date: `5 dic 2026` / `5 Dec 2026`.
pub fn date(lang: Lang, d: Date) -> String {
    format!("{} {} {}", d.day(), month(lang, d.month()), d.year())
}

/// A civil date given as ISO text; the text itself when it is not one.
pub fn date_text(lang: Lang, iso: &str) -> String {
    iso.parse::<Date>()
        .map(|d| date(lang, d))
        .unwrap_or_else(|_| iso.to_owned())
}

/// An instant in a time zone: `5 dic 2026, 14:30`.
pub fn instant(lang: Lang, at: Timestamp, zone: &str) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let local = at.to_zoned(tz).datetime();
    format!(
        "{}, {:02}:{:02}",
        date(lang, local.date()),
        local.hour(),
        local.minute()
    )
}

/// An instant given as RFC 3339 text; the text itself when it is not one.
pub fn instant_text(lang: Lang, text: &str, zone: &str) -> String {
    text.parse::<Timestamp>()
        .map(|t| instant(lang, t, zone))
        .unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_by_language() {
        assert_eq!(number(Lang::Es, 1_234_567), "1.234.567");
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(number(Lang::Es, 999), "999");
        assert_eq!(number(Lang::En, -12_000), "-12,000");
        assert_eq!(percent(Lang::Es, 1.124), "112 %");
    }

    #[test]
    fn instants_show_in_the_facility_zone() {
        let at: Timestamp = "2023-08-30T08:00:00Z".parse().unwrap();
        assert_eq!(
            instant(Lang::Es, at, "America/Guayaquil"),
            "30 ago 2023, 03:00"
        );
        assert_eq!(
            instant(Lang::En, at, "Pacific/Galapagos"),
            "30 Aug 2023, 02:00"
        );
        assert_eq!(date_text(Lang::Es, "2024-01-05"), "5 ene 2024");
        assert_eq!(date_text(Lang::En, "not a date"), "not a date");
    }
}
