//! Admission: no one enters custody without a valid court order and the Rule 7 record,
//! no adolescent is admitted with adults nor an adult with adolescents, and no person is
//! registered twice without an officer deciding so.

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::admission::{AdmissionRequest, sex_fits};
use custodia_domain::age::{check_admission, group_on};
use custodia_domain::custody::{LegalDocument, legal_state};
use custodia_domain::duplicates::{self, Reason};
use custodia_domain::person::Identity;
use custodia_domain::placement::secure_enough;
use custodia_domain::time::{canonical, date_in};
use custodia_domain::{Facility, Invalid, Location, Refused, SecurityLevel};
use custodia_store::persons::{EpisodeRow, PersonRow};
use custodia_store::{Store, WriteTx};

use super::file::{PersonFile, file_unlogged};
use super::{PERSON_ADMITTED, event, json, parse, store_identity};
use crate::error::AppError;
use crate::principal::Principal;

/// A registered person who may be the one being admitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    /// Their id: admit with `person_id` set to it to link.
    pub person_id: i64,
    /// Registry number.
    pub registry_number: String,
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub date_of_birth: String,
    /// Why they may be the same person.
    pub reason: Reason,
    /// Whether they are in custody now.
    pub in_custody: bool,
    /// The facility holding them, or that last held them.
    pub facility: String,
}

#[derive(Serialize)]
struct Admitted<'a> {
    person_id: i64,
    registry_number: &'a str,
    new_person: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a Identity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    confirmed_despite: Vec<i64>,
    episode_id: i64,
    facility: &'a str,
    location_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<SecurityLevel>,
    admitted_at: String,
    legal_basis: &'a LegalDocument,
    legal_state: &'a custodia_domain::custody::LegalState,
    record: &'a custodia_domain::admission::AdmissionRecord,
}

pub(crate) fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid(vec![custodia_domain::FieldError::new(
        field, code, message,
    )]))
}

/// The registered persons the domain rule says may be `identity`, of those the store
/// preselected by document key or by names key and birth date.
pub(crate) fn candidates(
    identity: &Identity,
    rows: Vec<PersonRow>,
) -> Result<Vec<Candidate>, AppError> {
    let stored = rows
        .into_iter()
        .map(|row| {
            let p: Identity = parse("persons.identity", &row.identity)?;
            Ok(((row, p.date_of_birth.to_string()), p))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(duplicates::candidates(identity, &stored)
        .into_iter()
        .map(|((row, born), reason)| Candidate {
            person_id: row.id,
            registry_number: row.registry_number.clone(),
            full_name: row.full_name.clone(),
            date_of_birth: born.clone(),
            reason,
            in_custody: row.in_custody,
            facility: row.facility.clone(),
        })
        .collect())
}

/// Checks that a person of `identity`, admitted at `admitted_at`, may be held in
/// `facility` (and `location`): age group (no adolescent with adults, no adult with
/// adolescents) and sex (Mandela Rule 11a). Problems are reported against `facility` and
/// `location_id`, or all against `field` when the identity itself is what changes.
pub(crate) async fn check_fit(
    tx: &mut WriteTx,
    facility: &Facility,
    location: Option<&Location>,
    identity: &Identity,
    admitted_at: Timestamp,
    field: Option<&str>,
) -> Result<(), AppError> {
    let (facility_field, location_field) = field.map_or(("facility", "location_id"), |f| (f, f));
    let admitted_on = date_in(admitted_at, &facility.timezone);
    // Every facility is read only to suggest where a person of the other age group goes.
    if group_on(identity.date_of_birth, admitted_on) != facility.holds_age {
        let all = tx.facilities().await?;
        if let Err(wrong) = check_admission(facility, identity.date_of_birth, admitted_on, &all) {
            return Err(invalid(
                facility_field,
                "wrong_age_group",
                wrong.to_string(),
            ));
        }
    }
    if !sex_fits(identity.sex, facility.holds_sex) {
        return Err(invalid(
            facility_field,
            "wrong_sex",
            format!(
                "{} holds {} only; men and women are held apart (Mandela Rule 11a)",
                facility.code, facility.holds_sex
            ),
        ));
    }
    if let Some(location) = location.filter(|l| !sex_fits(identity.sex, l.holds_sex)) {
        return Err(invalid(
            location_field,
            "wrong_sex",
            format!(
                "location {} holds {} only",
                location.code, location.holds_sex
            ),
        ));
    }
    Ok(())
}

/// Checks where the person goes: the facility's age group and sex, a place there secure
/// enough for the classification, and the location (whose security level, capacity and
/// keep-apart rules the placement rules check when the person arrives there).
async fn check_place(
    tx: &mut WriteTx,
    facility: &Facility,
    identity: &Identity,
    request: &AdmissionRequest,
) -> Result<(), AppError> {
    if let Some(class) = request.classification
        && !secure_enough(&facility.security_levels, class)
    {
        return Err(invalid(
            "facility",
            "security_level",
            format!(
                "{} has no place secure enough for a person classified {class}",
                facility.code
            ),
        ));
    }
    let Some(id) = request.location_id else {
        return check_fit(tx, facility, None, identity, request.admitted_at, None).await;
    };
    let location = tx
        .location(id)
        .await?
        .filter(|l| l.facility == facility.code)
        .ok_or_else(|| {
            invalid(
                "location_id",
                "unknown_location",
                format!("location {id} is not a location of {}", facility.code),
            )
        })?;
    check_fit(
        tx,
        facility,
        Some(&location),
        identity,
        request.admitted_at,
        None,
    )
    .await?;
    let tree = tx.locations_of(&facility.code).await?;
    // Recorded after the fact or not, the person is held there from admission until now.
    let closed = |at| custodia_domain::location::out_of_service_ids(&tree, at).contains(&id);
    if closed(request.admitted_at) || closed(Timestamp::now()) {
        return Err(Refused {
            code: "location_out_of_service",
            message: format!("location {} is out of service", location.code),
        }
        .into());
    }
    Ok(())
}

/// Admits a person: registers them (or re-admits a registered person), opens a custody
/// episode with its legal basis, Rule 7 record and, when given, security classification
/// (which only those who may classify may set: others are refused, 403, nothing
/// changed), and journals `person.admitted`.
pub async fn admit(
    store: &Store,
    who: &Principal,
    request: AdmissionRequest,
) -> Result<PersonFile, AppError> {
    who.require(Action::PersonAdmit, Some(&request.facility))?;
    if request.classification.is_some() {
        who.require(Action::ClassificationWrite, Some(&request.facility))?;
    }
    let facility = store
        .facility(&request.facility)
        .await?
        .ok_or_else(|| AppError::not_found("facility", &request.facility))?;
    let now = Timestamp::now();
    let admitted_on = date_in(request.admitted_at, &facility.timezone);
    let basis = request.validate(now, date_in(now, &facility.timezone), admitted_on)?;
    let state = legal_state(std::slice::from_ref(&basis))
        .map_err(|e| invalid("legal_basis", "legal_dates", e.to_string()))?;
    let record = request.record();
    let principal = who.clone();
    let person_id = store
        .write(&who.actor, async move |tx| {
            let stamp = canonical(now);
            let (identity, existing) = match (&request.person, request.person_id) {
                (given, Some(id)) => {
                    let row = tx
                        .person(id)
                        .await?
                        .ok_or_else(|| AppError::not_found("person", id))?;
                    let stored: Identity = parse("persons.identity", &row.identity)?;
                    match given {
                        // Knowing who stands there is what allows linking to a
                        // person out of the caller's sight.
                        Some(given) if duplicates::reason(given, &stored).is_none() => {
                            return Err(invalid(
                                "person",
                                "identity_mismatch",
                                format!(
                                    "the identity given is not person {id}'s (neither the document nor the names and date of birth match)"
                                ),
                            ));
                        }
                        Some(_) => {}
                        None => principal.require_in(Action::PersonRead, &row.facility, "person", id)?,
                    }
                    if let Some(died) = tx.deceased_at(id).await? {
                        return Err(AppError::Conflict {
                            code: "deceased",
                            message: format!(
                                "{} ({}) died in custody on {died}",
                                row.full_name, row.registry_number
                            ),
                        });
                    }
                    if row.in_custody {
                        return Err(already_in_custody(&row));
                    }
                    (stored, Some(id))
                }
                (Some(identity), None) => (identity.clone(), None),
                (None, None) => return Err(invalid("person", "required", "required")),
            };
            check_place(tx, &facility, &identity, &request).await?;
            let mut confirmed_despite = Vec::new();
            if existing.is_none() {
                let rows = tx
                    .possible_duplicates(
                        identity.document_key().as_deref(),
                        &identity.name_key(),
                        &identity.date_of_birth.to_string(),
                    )
                    .await?;
                let found = candidates(&identity, rows)?;
                if !found.is_empty() && !request.confirm_new_person {
                    return Err(AppError::PossibleDuplicates(found));
                }
                confirmed_despite = found.iter().map(|c| c.person_id).collect();
            }
            let (person_id, registry) =
                store_identity(tx, existing, &identity, &facility.code, &stamp).await?;
            tx.set_custody(person_id, &facility.code, true, &stamp)
                .await?;
            let admitted_at = canonical(request.admitted_at);
            let episode = EpisodeRow {
                id: 0,
                person_id,
                facility: facility.code.clone(),
                location_id: request.location_id,
                admitted_at: admitted_at.clone(),
                age_group: group_on(identity.date_of_birth, admitted_on)
                    .as_str()
                    .to_owned(),
                sex: identity.sex.as_str().to_owned(),
                legal_status: state.status.as_str().to_owned(),
                pretrial_expiry: state.pretrial_expiry.map(|d| d.to_string()),
                release_date: state.release_date.map(|d| d.to_string()),
                record: json(&record),
                released_at: None,
                release: None,
                classification: request.classification.map(|c| c.as_str().to_owned()),
            };
            let episode_id = tx.insert_episode(&episode).await.map_err(|e| {
                if e.is_unique_violation() {
                    AppError::Conflict {
                        code: "already_in_custody",
                        message: format!("person {person_id} is already in custody"),
                    }
                } else {
                    e.into()
                }
            })?;
            tx.insert_legal_document(episode_id, &json(&basis), &stamp, &principal.actor)
                .await?;
            crate::population::arrive(
                tx,
                &principal,
                person_id,
                request.location_id,
                "admitted",
                request.admitted_at,
                now,
            )
            .await?;
            tx.append(event(
                PERSON_ADMITTED,
                request.admitted_at,
                &facility.code,
                person_id,
                &Admitted {
                    person_id,
                    registry_number: &registry,
                    new_person: existing.is_none(),
                    identity: existing.is_none().then_some(&identity),
                    confirmed_despite,
                    episode_id,
                    facility: &facility.code,
                    location_id: request.location_id,
                    classification: request.classification,
                    admitted_at,
                    legal_basis: &basis,
                    legal_state: &state,
                    record: &record,
                },
            ))
            .await?;
            Ok::<_, AppError>(person_id)
        })
        .await?;
    file_unlogged(store, who, person_id).await
}

fn already_in_custody(row: &PersonRow) -> AppError {
    AppError::Conflict {
        code: "already_in_custody",
        message: format!(
            "{} ({}) is already in custody in {}: release them before admitting them again",
            row.full_name, row.registry_number, row.facility
        ),
    }
}
