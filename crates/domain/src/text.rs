//! Rules for free text fields: bounded length, no control characters, trimmed.

use crate::validation::Collector;

/// Checks a required human-readable text field.
pub fn required(c: &mut Collector, field: &str, value: &str, max_chars: usize) {
    if value.trim().is_empty() {
        c.push(field, "required", format!("{field} must not be empty"));
        return;
    }
    optional(c, field, value, max_chars);
}

/// Checks an optional text field that is present.
pub fn optional(c: &mut Collector, field: &str, value: &str, max_chars: usize) {
    if value.chars().count() > max_chars {
        c.push(
            field,
            "too_long",
            format!("{field} must be at most {max_chars} characters"),
        );
    }
    if value.chars().any(char::is_control) {
        c.push(
            field,
            "control_characters",
            format!("{field} must not contain control characters"),
        );
    }
    if value.trim() != value {
        c.push(
            field,
            "surrounding_whitespace",
            format!("{field} must not start or end with spaces"),
        );
    }
}

/// Checks a list of texts: at most `max_items`, each required and at most `max_chars`.
pub fn list(c: &mut Collector, field: &str, items: &[String], max_items: usize, max_chars: usize) {
    c.check(
        items.len() > max_items,
        field,
        "too_many",
        format!("{field} may have at most {max_items} entries"),
    );
    for (i, item) in items.iter().take(max_items).enumerate() {
        required(c, &format!("{field}[{i}]"), item, max_chars);
    }
}

/// Checks an identifier code: upper-case letters, digits and single hyphens, 1..=max chars.
pub fn code(c: &mut Collector, field: &str, value: &str, max_chars: usize) {
    let well_formed = !value.is_empty()
        && value.len() <= max_chars
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--")
        && value
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-');
    c.check(
        !well_formed,
        field,
        "bad_code",
        format!(
            "{field} must be 1 to {max_chars} upper-case letters, digits and single hyphens (e.g. CPL-AZ-1)"
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(f: impl FnOnce(&mut Collector)) -> Vec<String> {
        let mut c = Collector::default();
        f(&mut c);
        c.finish()
            .err()
            .map(|e| e.0.into_iter().map(|e| e.code).collect())
            .unwrap_or_default()
    }

    #[test]
    fn codes() {
        assert!(errors(|c| code(c, "code", "CPL-AZ-1", 32)).is_empty());
        for bad in ["", "cpl", "-A", "A-", "A--B", "A B", "Á"] {
            assert_eq!(errors(|c| code(c, "code", bad, 32)), ["bad_code"], "{bad}");
        }
        assert_eq!(
            errors(|c| code(c, "code", &"A".repeat(33), 32)),
            ["bad_code"]
        );
    }

    #[test]
    fn text_fields() {
        assert!(
            errors(|c| required(c, "name", "Centro de Privación de Libertad Azuay N° 1", 200))
                .is_empty()
        );
        assert_eq!(errors(|c| required(c, "name", "  ", 10)), ["required"]);
        assert_eq!(
            errors(|c| required(c, "name", "a\u{0}b", 10)),
            ["control_characters"]
        );
        assert_eq!(
            errors(|c| required(c, "name", "abcdefghijk", 10)),
            ["too_long"]
        );
        assert_eq!(
            errors(|c| required(c, "name", " a", 10)),
            ["surrounding_whitespace"]
        );
    }
}
