//! Possible duplicates at admission: a person must never be registered twice by accident.
//! The officer is shown the candidates and links to one or confirms a new person.

use jiff::civil::Date;

use crate::names::fold;

/// What identifies a person well enough to suspect a duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The stored person's id (empty for the one being admitted).
    pub id: String,
    /// Given names.
    pub given_names: String,
    /// First surname.
    pub first_surname: String,
    /// Second surname, if any.
    pub second_surname: Option<String>,
    /// Date of birth.
    pub born: Date,
    /// Identity document number, if any (cédula, passport…).
    pub document: Option<String>,
}

/// Why a stored person may be the one being admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The same identity document number.
    SameDocument,
    /// The same names (ignoring accents, case and spacing) and date of birth.
    SameNameAndBirth,
}

fn document_key(doc: &str) -> String {
    doc.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn name_key(p: &Identity) -> String {
    format!(
        "{}|{}|{}",
        fold(&p.given_names),
        fold(&p.first_surname),
        p.second_surname.as_deref().map(fold).unwrap_or_default()
    )
}

/// The stored people who may be `new`, each with the strongest reason, document matches first.
pub fn candidates<'a>(new: &Identity, stored: &'a [Identity]) -> Vec<(&'a Identity, Reason)> {
    let doc = new
        .document
        .as_deref()
        .map(document_key)
        .filter(|d| !d.is_empty());
    let name = name_key(new);
    let mut found: Vec<(&Identity, Reason)> = stored
        .iter()
        .filter_map(|p| {
            let same_doc = doc.is_some() && p.document.as_deref().map(document_key) == doc;
            if same_doc {
                Some((p, Reason::SameDocument))
            } else if p.born == new.born && name_key(p) == name {
                Some((p, Reason::SameNameAndBirth))
            } else {
                None
            }
        })
        .collect();
    found.sort_by_key(|(p, r)| (*r != Reason::SameDocument, p.id.clone()));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn person(
        id: &str,
        given: &str,
        first: &str,
        second: Option<&str>,
        born: Date,
        doc: Option<&str>,
    ) -> Identity {
        Identity {
            id: id.into(),
            given_names: given.into(),
            first_surname: first.into(),
            second_surname: second.map(Into::into),
            born,
            document: doc.map(Into::into),
        }
    }

    #[test]
    fn documents_and_names_find_duplicates() {
        let born = date(1990, 5, 5);
        let stored = vec![
            person(
                "P-1",
                "José Luis",
                "Martínez",
                Some("Núñez"),
                born,
                Some("1710034065"),
            ),
            person("P-2", "Jose  Luis", "MARTINEZ", Some("nunez"), born, None),
            person(
                "P-3",
                "José Luis",
                "Martínez",
                Some("Núñez"),
                date(1991, 5, 5),
                None,
            ),
            person("P-4", "Ana", "Pérez", None, born, Some("A1234567")),
        ];
        let new = person(
            "",
            "JOSE LUIS",
            "Martinez",
            Some("Nuñez"),
            born,
            Some("171003406-5"),
        );
        let found: Vec<(&str, Reason)> = candidates(&new, &stored)
            .into_iter()
            .map(|(p, r)| (p.id.as_str(), r))
            .collect();
        assert_eq!(
            found,
            [
                ("P-1", Reason::SameDocument),
                ("P-2", Reason::SameNameAndBirth)
            ]
        );
        let passport = person(
            "",
            "Ana María",
            "Pérez",
            None,
            date(2000, 1, 1),
            Some("a-1234567"),
        );
        let found = candidates(&passport, &stored);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, Reason::SameDocument);
        let stranger = person("", "Luis", "Andrade", None, born, None);
        assert!(candidates(&stranger, &stored).is_empty());
    }
}
