//! A person deprived of liberty: the lasting identity behind every custody episode
//! (Mandela Rule 7a), its validation, and the words it is found by.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::names::fold;
use crate::text;
use crate::validation::Collector;
use crate::{Invalid, cedula, vocabulary};

/// Longest name part, alias or free-text identity field, in characters.
pub const MAX_NAME: usize = 100;
/// Longest free-text description (marks, notes), in characters.
pub const MAX_TEXT: usize = 2000;
/// Most aliases, languages or list entries a record may carry.
pub const MAX_ITEMS: usize = 20;

vocabulary!(
    /// Sex as recorded for separation (Mandela Rule 11a).
    Sex {
        /// Male.
        Male = "male",
        /// Female.
        Female = "female",
    }
);

vocabulary!(
    /// The kind of identity document.
    DocumentKind {
        /// Ecuadorian national identity card (10 digits with a check digit).
        Cedula = "cedula",
        /// A passport.
        Passport = "passport",
        /// Any other official document.
        Other = "other",
    }
);

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Which kind.
    pub kind: DocumentKind,
    /// Its number as printed.
    pub number: String,
    /// Issuing country (ISO 3166-1 alpha-2), for passports and other documents.
    #[serde(default)]
    pub issuing_country: Option<String>,
}

/// Who a person is, as recorded at admission and changed only by corrections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Given names, e.g. `Juan Carlos`.
    pub given_names: String,
    /// First (paternal) surname.
    pub first_surname: String,
    /// Second (maternal) surname, if any.
    #[serde(default)]
    pub second_surname: Option<String>,
    /// Other names the person is known by.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Date of birth.
    #[schema(value_type = String, format = Date)]
    pub date_of_birth: Date,
    /// Sex as recorded for separation.
    pub sex: Sex,
    /// Gender identity as the person declares it (Rule 7a), free text.
    #[serde(default)]
    pub gender_identity: Option<String>,
    /// Nationality (ISO 3166-1 alpha-2, e.g. `EC`).
    pub nationality: String,
    /// Identity document, if the person has one.
    #[serde(default)]
    pub document: Option<Document>,
    /// Languages the person speaks (e.g. `es`, `kichwa`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Reference to the admission photograph in the document store.
    #[serde(default)]
    pub photo_ref: Option<String>,
    /// Scars, tattoos and other distinguishing marks.
    #[serde(default)]
    pub distinguishing_marks: Option<String>,
}

fn country(c: &mut Collector, field: &str, value: &str) {
    c.check(
        !(value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase())),
        field,
        "bad_country",
        format!("{field} must be a two-letter ISO 3166 country code such as EC"),
    );
}

/// Checks a civil date is a plausible date of a past event: not after `today` and not
/// before 1900.
pub fn past_date(c: &mut Collector, field: &str, date: Date, today: Date) {
    c.check(
        date > today,
        field,
        "in_the_future",
        format!("{field} {date} is in the future"),
    );
    let first = *crate::time::PLAUSIBLE_YEARS.start();
    c.check(
        date.year() < first,
        field,
        "implausible_date",
        format!("{field} {date} is before {first}"),
    );
}

impl Identity {
    /// Checks every field; `today` is the civil date now where the person is held.
    pub fn validate(&self, field: &str, today: Date) -> Result<(), Invalid> {
        let mut c = Collector::default();
        let f = |name: &str| format!("{field}.{name}");
        text::required(&mut c, &f("given_names"), &self.given_names, MAX_NAME);
        text::required(&mut c, &f("first_surname"), &self.first_surname, MAX_NAME);
        if let Some(s) = &self.second_surname {
            text::required(&mut c, &f("second_surname"), s, MAX_NAME);
        }
        text::list(&mut c, &f("aliases"), &self.aliases, MAX_ITEMS, MAX_NAME);
        text::list(&mut c, &f("languages"), &self.languages, MAX_ITEMS, 40);
        past_date(&mut c, &f("date_of_birth"), self.date_of_birth, today);
        if let Some(g) = &self.gender_identity {
            text::required(&mut c, &f("gender_identity"), g, MAX_NAME);
        }
        country(&mut c, &f("nationality"), &self.nationality);
        if let Some(p) = &self.photo_ref {
            text::required(&mut c, &f("photo_ref"), p, 500);
        }
        if let Some(m) = &self.distinguishing_marks {
            text::required(&mut c, &f("distinguishing_marks"), m, MAX_TEXT);
        }
        if let Some(d) = &self.document {
            let number = f("document.number");
            text::required(&mut c, &number, &d.number, 40);
            if let Some(country_code) = &d.issuing_country {
                country(&mut c, &f("document.issuing_country"), country_code);
            }
            if d.kind == DocumentKind::Cedula
                && let Err(e) = cedula::check(&d.number)
            {
                c.push(&number, "invalid_cedula", e.to_string());
            }
        }
        c.finish()
    }

    /// The document number reduced to letters and digits, upper case: how duplicates
    /// and searches compare it.
    pub fn document_key(&self) -> Option<String> {
        self.document
            .as_ref()
            .map(|d| document_key(&d.number))
            .filter(|k| !k.is_empty())
    }

    /// Names folded for comparison: `given|first|second`.
    pub fn name_key(&self) -> String {
        format!(
            "{}|{}|{}",
            fold(&self.given_names),
            fold(&self.first_surname),
            self.second_surname.as_deref().map(fold).unwrap_or_default()
        )
    }

    /// How lists sort people: surnames, then given names, folded.
    pub fn sort_key(&self) -> String {
        format!(
            "{} {} {}",
            fold(&self.first_surname),
            self.second_surname.as_deref().map(fold).unwrap_or_default(),
            fold(&self.given_names)
        )
    }

    /// The full name as written: given names, then surnames.
    pub fn full_name(&self) -> String {
        let mut name = format!("{} {}", self.given_names, self.first_surname);
        if let Some(s) = &self.second_surname {
            name.push(' ');
            name.push_str(s);
        }
        name
    }

    /// Every folded word the person can be found by: name parts, aliases, the document
    /// number (plus `registry`, the registry number), without repeats.
    pub fn search_words(&self, registry: &str) -> Vec<String> {
        let mut words: Vec<String> = [&self.given_names, &self.first_surname]
            .into_iter()
            .chain(self.second_surname.as_ref())
            .chain(self.aliases.iter())
            .flat_map(|part| words_of(part))
            .collect();
        words.extend(self.document_key().map(|k| k.to_lowercase()));
        words.push(document_key(registry).to_lowercase());
        words.sort();
        words.dedup();
        words
    }
}

/// A document or registry number reduced to letters and digits, upper case.
pub fn document_key(number: &str) -> String {
    number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The folded words of a text (accents and case removed, split at anything that is not
/// a letter or digit).
pub fn words_of(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The readable registry number of a person id, e.g. `PPL-0000042`.
pub fn registry_number(id: i64) -> String {
    format!("PPL-{id:07}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    pub(crate) fn sample() -> Identity {
        Identity {
            given_names: "Juan Carlos".into(),
            first_surname: "Martínez".into(),
            second_surname: Some("Pérez".into()),
            aliases: vec!["El Flaco".into()],
            date_of_birth: date(1990, 5, 1),
            sex: Sex::Male,
            gender_identity: None,
            nationality: "EC".into(),
            document: Some(Document {
                kind: DocumentKind::Cedula,
                number: "1710034065".into(),
                issuing_country: None,
            }),
            languages: vec!["es".into()],
            photo_ref: None,
            distinguishing_marks: Some("Tatuaje de un águila en el brazo izquierdo".into()),
        }
    }

    fn codes(r: Result<(), Invalid>) -> Vec<(String, String)> {
        r.err()
            .map(|e| e.0.into_iter().map(|e| (e.field, e.code)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_complete_identity_is_valid() {
        assert_eq!(codes(sample().validate("person", date(2026, 1, 1))), []);
    }

    #[test]
    fn each_bad_field_is_named() {
        let today = date(2026, 1, 1);
        let mut p = sample();
        p.document.as_mut().unwrap().number = "1710034066".into();
        assert_eq!(
            codes(p.validate("person", today)),
            [("person.document.number".into(), "invalid_cedula".into())]
        );
        let mut p = sample();
        p.date_of_birth = date(2026, 1, 2);
        assert_eq!(
            codes(p.validate("person", today)),
            [("person.date_of_birth".into(), "in_the_future".into())]
        );
        let mut p = sample();
        p.given_names = "Juan\u{7}".into();
        p.nationality = "ecu".into();
        p.aliases = vec![String::new(); 21];
        let found = codes(p.validate("person", today));
        assert!(found.contains(&("person.given_names".into(), "control_characters".into())));
        assert!(found.contains(&("person.nationality".into(), "bad_country".into())));
        assert!(found.contains(&("person.aliases".into(), "too_many".into())));
        let mut p = sample();
        p.first_surname = "x".repeat(MAX_NAME + 1);
        assert_eq!(
            codes(p.validate("person", today)),
            [("person.first_surname".into(), "too_long".into())]
        );
    }

    #[test]
    fn a_passport_is_not_checked_as_a_cedula() {
        let mut p = sample();
        p.document = Some(Document {
            kind: DocumentKind::Passport,
            number: "AB123456".into(),
            issuing_country: Some("CO".into()),
        });
        assert_eq!(codes(p.validate("person", date(2026, 1, 1))), []);
    }

    #[test]
    fn search_words_are_folded_and_unique() {
        let words = sample().search_words("PPL-0000042");
        assert_eq!(
            words,
            [
                "1710034065",
                "carlos",
                "el",
                "flaco",
                "juan",
                "martinez",
                "perez",
                "ppl0000042"
            ]
        );
        assert_eq!(sample().name_key(), "juan carlos|martinez|perez");
        assert_eq!(sample().sort_key(), "martinez perez juan carlos");
        assert_eq!(registry_number(42), "PPL-0000042");
    }
}
