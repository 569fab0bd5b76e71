//! Possible duplicates at admission: a person must never be registered twice by accident.
//! The officer is shown the candidates and links to one or confirms a new person.

use crate::person::Identity;
use crate::vocabulary;

vocabulary!(
    /// Why a registered person may be the one being admitted.
    Reason {
        /// The same identity document number.
        SameDocument = "same_document",
        /// The same names (ignoring accents, case and spacing) and date of birth.
        SameNameAndBirth = "same_name_and_birth",
    }
);

/// Why `stored` may be the same person as `new`, the document first.
pub fn reason(new: &Identity, stored: &Identity) -> Option<Reason> {
    let document = new.document_key();
    if document.is_some() && document == stored.document_key() {
        Some(Reason::SameDocument)
    } else if new.date_of_birth == stored.date_of_birth && new.name_key() == stored.name_key() {
        Some(Reason::SameNameAndBirth)
    } else {
        None
    }
}

/// The stored people (each with a key, e.g. their id) who may be `new`, each with its
/// reason: document matches first, then in the order given.
pub fn candidates<'a, K>(new: &Identity, stored: &'a [(K, Identity)]) -> Vec<(&'a K, Reason)> {
    let mut found: Vec<(&K, Reason)> = stored
        .iter()
        .filter_map(|(key, p)| reason(new, p).map(|r| (key, r)))
        .collect();
    found.sort_by_key(|(_, r)| *r != Reason::SameDocument);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::{Document, DocumentKind, Sex};
    use jiff::civil::{Date, date};

    fn person(
        given: &str,
        first: &str,
        second: Option<&str>,
        born: Date,
        doc: Option<(DocumentKind, &str)>,
    ) -> Identity {
        Identity {
            given_names: given.into(),
            first_surname: first.into(),
            second_surname: second.map(Into::into),
            aliases: vec![],
            date_of_birth: born,
            sex: Sex::Male,
            gender_identity: None,
            nationality: "EC".into(),
            document: doc.map(|(kind, number)| Document {
                kind,
                number: number.into(),
                issuing_country: None,
            }),
            languages: vec![],
            photo_ref: None,
            distinguishing_marks: None,
        }
    }

    #[test]
    fn documents_and_names_find_duplicates() {
        use DocumentKind::*;
        let born = date(1990, 5, 5);
        let stored = vec![
            (
                "P-1",
                person(
                    "José Luis",
                    "Martínez",
                    Some("Núñez"),
                    born,
                    Some((Cedula, "1710034065")),
                ),
            ),
            (
                "P-2",
                person("Jose  Luis", "MARTINEZ", Some("nunez"), born, None),
            ),
            (
                "P-3",
                person(
                    "José Luis",
                    "Martínez",
                    Some("Núñez"),
                    date(1991, 5, 5),
                    None,
                ),
            ),
            (
                "P-4",
                person("Ana", "Pérez", None, born, Some((Passport, "A1234567"))),
            ),
        ];
        let new = person(
            "JOSE LUIS",
            "Martinez",
            Some("Nuñez"),
            born,
            Some((Cedula, "171003406-5")),
        );
        let found: Vec<(&str, Reason)> = candidates(&new, &stored)
            .into_iter()
            .map(|(k, r)| (*k, r))
            .collect();
        assert_eq!(
            found,
            [
                ("P-1", Reason::SameDocument),
                ("P-2", Reason::SameNameAndBirth)
            ]
        );
        // The document matches first, whatever the order given.
        let reversed: Vec<_> = stored.iter().rev().cloned().collect();
        assert_eq!(
            candidates(&new, &reversed)[0],
            (&"P-1", Reason::SameDocument)
        );
        let passport = person(
            "Ana María",
            "Pérez",
            None,
            date(2000, 1, 1),
            Some((Passport, "a-1234567")),
        );
        let found = candidates(&passport, &stored);
        assert_eq!(found, [(&"P-4", Reason::SameDocument)]);
        let stranger = person("Luis", "Andrade", None, born, None);
        assert!(candidates(&stranger, &stored).is_empty());
        // Another birth date is another person, unless the document says otherwise.
        let mut older = new.clone();
        older.document = None;
        older.date_of_birth = date(1990, 5, 6);
        assert_eq!(reason(&older, &stored[1].1), None);
    }
}
