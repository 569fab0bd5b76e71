//! Corrections: a wrong name, date of birth or document, or a wrong entry of an admission
//! record, is never edited in place. A correction is a new event that supersedes the old
//! value, with its reason; the file keeps the history.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::admission::AdmissionRecord;
use custodia_domain::age::group_on;
use custodia_domain::duplicates::Reason;
use custodia_domain::person::Identity;
use custodia_domain::text;
use custodia_domain::time::{canonical, date_in};
use custodia_domain::validation::Collector;
use custodia_domain::{FieldError, Invalid};
use custodia_store::Store;
use custodia_store::WriteTx;
use custodia_store::persons::CorrectionRow;

use super::admit::{candidates, check_fit};
use super::file::{PersonFile, file_unlogged};
use super::{PERSON_CORRECTED, event, json, parse, store_identity};
use crate::error::AppError;
use crate::principal::Principal;

/// A correction of one identity field, or of one part of an episode's admission record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The custody episode whose admission record is corrected; absent for the identity.
    #[serde(default)]
    pub episode_id: Option<i64>,
    /// The identity field (e.g. `first_surname`, `date_of_birth`, `document`) or, with
    /// `episode_id`, the admission record's part (e.g. `injuries`, `property`, `family`,
    /// `emergency_contact`, `health_screening`).
    pub field: String,
    /// Its corrected value, in the same form as at admission (null to clear an optional field).
    pub value: serde_json::Value,
    /// Why (the evidence: e.g. "cédula checked with the Registro Civil").
    pub reason: String,
}

#[derive(Serialize)]
struct Corrected<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    episode_id: Option<i64>,
    field: &'a str,
    old_value: &'a serde_json::Value,
    new_value: &'a serde_json::Value,
    reason: &'a str,
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid(Invalid(vec![FieldError::new(field, code, message)]))
}

/// `current` with `field` set to `value` (a field it has), and the old value.
fn replaced<T: Serialize + serde::de::DeserializeOwned>(
    current: &T,
    what: &str,
    c: &Correction,
) -> Result<(T, serde_json::Value), AppError> {
    let mut as_json = serde_json::to_value(current)
        .map_err(|e| custodia_store::StoreError::Corrupt(e.to_string()))?;
    let fields = as_json
        .as_object_mut()
        .ok_or_else(|| custodia_store::StoreError::Corrupt(format!("{what} is not an object")))?;
    let Some(old) = fields.get(&c.field).cloned() else {
        return Err(invalid(
            "field",
            "unknown_field",
            format!("{} is not a field of the {what}", c.field),
        ));
    };
    if old == c.value {
        return Err(invalid(
            "value",
            "unchanged",
            format!("{} already has this value", c.field),
        ));
    }
    fields.insert(c.field.clone(), c.value.clone());
    let new: T = serde_json::from_value(as_json)
        .map_err(|e| invalid("value", "bad_value", format!("{}: {e}", c.field)))?;
    Ok((new, old))
}

/// The identity with `field` set to `value`, validated as a whole.
fn corrected(
    identity: &Identity,
    c: &Correction,
    today: jiff::civil::Date,
) -> Result<(Identity, serde_json::Value), AppError> {
    let (new, old) = replaced(identity, "identity", c)?;
    new.validate("value", today)?;
    Ok((new, old))
}

/// Corrects one field of a person's identity, or one part of an episode's admission
/// record, with a reason.
pub async fn correct(
    store: &Store,
    who: &Principal,
    person_id: i64,
    correction: Correction,
) -> Result<PersonFile, AppError> {
    let row = store
        .person(person_id)
        .await?
        .ok_or_else(|| AppError::not_found("person", person_id))?;
    // Health information is health staff's to correct, and only theirs.
    let action = if correction.episode_id.is_some() && correction.field == HEALTH_SCREENING {
        Action::HealthWrite
    } else {
        Action::PersonCorrect
    };
    who.require_in(action, &row.facility, "person", person_id)?;
    let mut c = Collector::default();
    text::required(&mut c, "reason", &correction.reason, 2000);
    c.finish()?;
    let facility = store
        .facility(&row.facility)
        .await?
        .ok_or_else(|| AppError::not_found("facility", &row.facility))?;
    let now = Timestamp::now();
    let today = date_in(now, &facility.timezone);
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let row = tx
                .person(person_id)
                .await?
                .ok_or_else(|| AppError::not_found("person", person_id))?;
            // Checked again where the person is now: they may have moved meanwhile.
            principal.require_in(action, &row.facility, "person", person_id)?;
            let stamp = canonical(now);
            let old = match correction.episode_id {
                None => {
                    let identity: Identity = parse("persons.identity", &row.identity)?;
                    let (new, old) = corrected(&identity, &correction, today)?;
                    still_fits(tx, person_id, &identity, &new).await?;
                    store_identity(tx, Some(person_id), &new, &row.facility, &stamp).await?;
                    old
                }
                Some(episode_id) => {
                    let episode = tx
                        .episodes_of(person_id)
                        .await?
                        .into_iter()
                        .find(|e| e.id == episode_id)
                        .ok_or_else(|| AppError::not_found("episode", episode_id))?;
                    let record: AdmissionRecord =
                        parse("custody_episodes.record", &episode.record)?;
                    let (new, old) = replaced(&record, "admission record", &correction)?;
                    let admitted = custodia_domain::time::parse(&episode.admitted_at)
                        .map_err(|e| custodia_store::StoreError::Corrupt(e.to_string()))?;
                    new.validate(admitted)?;
                    tx.set_episode_record(episode_id, &json(&new)).await?;
                    old
                }
            };
            tx.insert_correction(&CorrectionRow {
                id: 0,
                person_id,
                episode_id: correction.episode_id,
                field: correction.field.clone(),
                old_value: json(&old),
                new_value: json(&correction.value),
                reason: correction.reason.clone(),
                corrected_at: stamp.clone(),
                corrected_by: principal.actor.clone(),
            })
            .await?;
            tx.append(event(
                PERSON_CORRECTED,
                now,
                &row.facility,
                person_id,
                &Corrected {
                    episode_id: correction.episode_id,
                    field: &correction.field,
                    old_value: &old,
                    new_value: &correction.value,
                    reason: &correction.reason,
                },
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    file_unlogged(store, who, person_id).await
}

/// Checks a corrected identity as admission would: a new birth date or sex must still fit
/// where the person is held (and updates the episodes' Rule 11 categories), and new names,
/// birth date or document must not be another registered person's.
async fn still_fits(
    tx: &mut WriteTx,
    person_id: i64,
    old: &Identity,
    new: &Identity,
) -> Result<(), AppError> {
    if new.date_of_birth != old.date_of_birth || new.sex != old.sex {
        for episode in tx.episodes_of(person_id).await? {
            let facility = tx
                .facility(&episode.facility)
                .await?
                .ok_or_else(|| AppError::not_found("facility", &episode.facility))?;
            let admitted = custodia_domain::time::parse(&episode.admitted_at)
                .map_err(|e| custodia_store::StoreError::Corrupt(e.to_string()))?;
            if episode.released_at.is_none() {
                let location = match episode.location_id {
                    Some(id) => tx.location(id).await?,
                    None => None,
                };
                check_fit(
                    tx,
                    &facility,
                    location.as_ref(),
                    new,
                    admitted,
                    Some("value"),
                )
                .await?;
            }
            let group = group_on(new.date_of_birth, date_in(admitted, &facility.timezone));
            tx.set_episode_category(episode.id, group.as_str(), new.sex.as_str())
                .await?;
        }
    }
    let document_changed = new.document_key() != old.document_key();
    let names_changed = new.name_key() != old.name_key() || new.date_of_birth != old.date_of_birth;
    if document_changed || names_changed {
        let others: Vec<_> = tx
            .possible_duplicates(
                new.document_key().as_deref(),
                &new.name_key(),
                &new.date_of_birth.to_string(),
            )
            .await?
            .into_iter()
            .filter(|r| r.id != person_id)
            .collect();
        // Only what the correction changes can make a new duplicate: a namesake
        // confirmed at admission stays confirmed when the document is corrected.
        let found: Vec<_> = candidates(new, others)?
            .into_iter()
            .filter(|c| match c.reason {
                Reason::SameDocument => document_changed,
                Reason::SameNameAndBirth => names_changed,
            })
            .collect();
        if !found.is_empty() {
            return Err(AppError::PossibleDuplicates(found));
        }
    }
    Ok(())
}

/// The part of an admission record that holds health information.
pub(crate) const HEALTH_SCREENING: &str = "health_screening";

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn identity() -> Identity {
        serde_json::from_value(serde_json::json!({
            "given_names": "Ana", "first_surname": "Mora", "date_of_birth": "1990-01-01",
            "sex": "female", "nationality": "EC"
        }))
        .unwrap()
    }

    fn fix(field: &str, value: serde_json::Value) -> Result<Identity, AppError> {
        let c = Correction {
            episode_id: None,
            field: field.into(),
            value,
            reason: "r".into(),
        };
        corrected(&identity(), &c, date(2026, 1, 1)).map(|(i, _)| i)
    }

    #[test]
    fn a_field_is_replaced_and_validated() {
        assert_eq!(
            fix("first_surname", "Morán".into()).unwrap().first_surname,
            "Morán"
        );
        let codes = |r: Result<Identity, AppError>| -> Vec<String> {
            match r {
                Err(AppError::Invalid(Invalid(e))) => e.into_iter().map(|e| e.code).collect(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(codes(fix("nickname", "x".into())), ["unknown_field"]);
        assert_eq!(codes(fix("first_surname", "Mora".into())), ["unchanged"]);
        assert_eq!(
            codes(fix("date_of_birth", "2027-01-01".into())),
            ["in_the_future"]
        );
        assert_eq!(codes(fix("sex", "other".into())), ["bad_value"]);
        assert_eq!(
            codes(fix(
                "document",
                serde_json::json!({"kind": "cedula", "number": "1710034066"})
            )),
            ["invalid_cedula"]
        );
    }
}
