//! What an admission form checks while the officer types, before anything is submitted:
//! the cédula's check digit, whether the receiving facility may hold someone of this age
//! (with the facilities that can), and the registered persons this one may already be.
//! It changes nothing; the admission itself checks all of it again.

use jiff::Timestamp;
use jiff::civil::Date;

use custodia_domain::access::Action;
use custodia_domain::age::{check_admission, group_on};
use custodia_domain::cedula;
use custodia_domain::facility::HoldsAge;
use custodia_domain::person::{Document, DocumentKind, Identity, Sex};
use custodia_domain::time::date_in;
use custodia_store::Store;

use super::Candidate;
use super::admit::candidates;
use crate::error::AppError;
use crate::principal::Principal;

/// What the form holds so far; every part may still be empty.
#[derive(Debug, Clone, Default)]
pub struct Precheck {
    /// The receiving facility.
    pub facility: String,
    /// When the person is received (now when not given yet).
    pub admitted_at: Option<Timestamp>,
    /// Given names.
    pub given_names: String,
    /// First surname.
    pub first_surname: String,
    /// Second surname.
    pub second_surname: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<Date>,
    /// The identity document.
    pub document: Option<Document>,
}

/// A facility that can hold the person, suggested instead of the one chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// The chosen facility cannot hold someone of this age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongAge {
    /// The person's age group on the day of admission.
    pub group: HoldsAge,
    /// Facilities that can, same province first, then nearest.
    pub suggestions: Vec<Suggestion>,
}

/// What the checks found.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Why the cédula number is not valid (a stable code), when it is a cédula.
    pub cedula_problem: Option<&'static str>,
    /// The cédula number is valid.
    pub cedula_ok: bool,
    /// The facility cannot hold someone of this age.
    pub wrong_age: Option<WrongAge>,
    /// Registered persons this one may be.
    pub candidates: Vec<Candidate>,
}

fn cedula_code(e: &cedula::CedulaError) -> &'static str {
    match e {
        cedula::CedulaError::Shape => "cedula_shape",
        cedula::CedulaError::Province(_) => "cedula_province",
        cedula::CedulaError::NotAPerson => "cedula_not_a_person",
        cedula::CedulaError::CheckDigit => "cedula_check_digit",
    }
}

/// Checks what the officer has typed so far for an admission at `facility`.
pub async fn precheck(store: &Store, who: &Principal, p: Precheck) -> Result<Findings, AppError> {
    who.require(Action::PersonAdmit, Some(&p.facility))?;
    let facility = store
        .facility(&p.facility)
        .await?
        .ok_or_else(|| AppError::not_found("facility", &p.facility))?;
    let mut found = Findings::default();
    if let Some(d) = p
        .document
        .as_ref()
        .filter(|d| d.kind == DocumentKind::Cedula)
    {
        match cedula::check(&d.number) {
            Ok(()) => found.cedula_ok = true,
            Err(e) => found.cedula_problem = Some(cedula_code(&e)),
        }
    }
    let Some(born) = p.date_of_birth else {
        return Ok(found);
    };
    let admitted_on = date_in(
        p.admitted_at.unwrap_or_else(Timestamp::now),
        &facility.timezone,
    );
    if group_on(born, admitted_on) != facility.holds_age {
        let all = store.facilities().await?;
        if let Err(wrong) = check_admission(&facility, born, admitted_on, &all) {
            found.wrong_age = Some(WrongAge {
                group: group_on(born, admitted_on),
                suggestions: wrong
                    .suggestions
                    .iter()
                    .filter_map(|code| all.iter().find(|f| &f.code == code))
                    .take(5)
                    .map(|f| Suggestion {
                        code: f.code.clone(),
                        name: f.name.clone(),
                    })
                    .collect(),
            });
        }
    }
    let named = !p.given_names.trim().is_empty() && !p.first_surname.trim().is_empty();
    if named || p.document.is_some() {
        // The comparison reads only the document, the names and the date of birth: the
        // rest of this identity is never looked at.
        let identity = Identity {
            given_names: p.given_names,
            first_surname: p.first_surname,
            second_surname: p.second_surname,
            aliases: Vec::new(),
            date_of_birth: born,
            sex: Sex::Male,
            gender_identity: None,
            nationality: String::new(),
            document: p.document,
            languages: Vec::new(),
            photo_ref: None,
            distinguishing_marks: None,
        };
        let rows = store
            .possible_duplicates(
                identity.document_key().as_deref(),
                &identity.name_key(),
                &born.to_string(),
            )
            .await?;
        found.candidates = candidates(&identity, rows)?;
    }
    Ok(found)
}
