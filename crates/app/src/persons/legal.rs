//! Legal status over time: court documents filed with the open episode (each a journaled
//! transition that recomputes the legal dates), and release, which closes the episode.

use jiff::Timestamp;
use serde::Serialize;

use custodia_domain::access::Action;
use custodia_domain::custody::{LegalDocument, LegalDocumentKind, legal_state};
pub use custodia_domain::custody::{Release, ReleaseReason};
use custodia_domain::time::{canonical, date_in};
use custodia_domain::{Invalid, Refused};
use custodia_store::Store;
use custodia_store::persons::EpisodeRow;

use super::file::{PersonFile, file_unlogged};
use super::{LEGAL_DOCUMENT_RECORDED, PERSON_RELEASED, event, json, parse};
use crate::error::AppError;
use crate::principal::Principal;

fn open_episode(episodes: Vec<EpisodeRow>, person_id: i64) -> Result<EpisodeRow, AppError> {
    episodes
        .into_iter()
        .find(|e| e.released_at.is_none())
        .ok_or_else(|| {
            Refused {
                code: "not_in_custody",
                message: format!("person {person_id} is not in custody"),
            }
            .into()
        })
}

async fn facility_of(store: &Store, who: &Principal, id: i64) -> Result<String, AppError> {
    let row = store
        .person(id)
        .await?
        .ok_or_else(|| AppError::not_found("person", id))?;
    who.require_in(Action::LegalWrite, &row.facility, "person", id)?;
    Ok(row.facility)
}

#[derive(Serialize)]
struct Recorded<'a> {
    episode_id: i64,
    document_id: i64,
    document: &'a LegalDocument,
    legal_state: &'a custodia_domain::custody::LegalState,
}

/// Files a court document with the person's open episode and recomputes its legal state:
/// a new case's pretrial order, a sentence, another order, or a suspension of a case's
/// pretrial clock.
pub async fn record_document(
    store: &Store,
    who: &Principal,
    person_id: i64,
    document: LegalDocument,
) -> Result<PersonFile, AppError> {
    let facility_code = facility_of(store, who, person_id).await?;
    let facility = store
        .facility(&facility_code)
        .await?
        .ok_or_else(|| AppError::not_found("facility", &facility_code))?;
    let now = Timestamp::now();
    document.validate("document", date_in(now, &facility.timezone))?;
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let episode = open_episode(tx.episodes_of(person_id).await?, person_id)?;
            // Checked again where the person is now: they may have moved meanwhile.
            principal.require_in(Action::LegalWrite, &episode.facility, "person", person_id)?;
            let mut documents: Vec<LegalDocument> = tx
                .legal_documents_of_episode(episode.id)
                .await?
                .into_iter()
                .map(|d| parse("legal_documents.document", &d.document))
                .collect::<Result<_, AppError>>()?;
            let known_case = documents
                .iter()
                .any(|d| d.case_key() == document.case_key());
            if document.kind == LegalDocumentKind::Suspension && !known_case {
                return Err(Invalid(vec![custodia_domain::FieldError::new(
                    "document.case_number",
                    "unknown_case",
                    format!(
                        "case {} has no order in this custody episode to suspend",
                        document.case_number
                    ),
                )])
                .into());
            }
            documents.push(document.clone());
            let state = legal_state(&documents).map_err(|e| {
                AppError::Invalid(Invalid(vec![custodia_domain::FieldError::new(
                    "document",
                    "legal_dates",
                    e.to_string(),
                )]))
            })?;
            let stamp = canonical(now);
            let document_id = tx
                .insert_legal_document(episode.id, &json(&document), &stamp, &principal.actor)
                .await?;
            tx.set_legal_state(
                episode.id,
                state.status.as_str(),
                state.pretrial_expiry.map(|d| d.to_string()).as_deref(),
                state.release_date.map(|d| d.to_string()).as_deref(),
            )
            .await?;
            tx.append(event(
                LEGAL_DOCUMENT_RECORDED,
                now,
                &episode.facility,
                person_id,
                &Recorded {
                    episode_id: episode.id,
                    document_id,
                    document: &document,
                    legal_state: &state,
                },
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    file_unlogged(store, who, person_id).await
}

#[derive(Serialize)]
struct Released<'a> {
    episode_id: i64,
    #[serde(flatten)]
    release: &'a Release,
}

/// Releases a person: closes the open episode with the reason and its authority.
pub async fn release(
    store: &Store,
    who: &Principal,
    person_id: i64,
    release: Release,
) -> Result<PersonFile, AppError> {
    facility_of(store, who, person_id).await?;
    let now = Timestamp::now();
    release.validate(now)?;
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let episode = open_episode(tx.episodes_of(person_id).await?, person_id)?;
            // Checked again where the person is now: they may have moved meanwhile.
            principal.require_in(Action::LegalWrite, &episode.facility, "person", person_id)?;
            let admitted = custodia_domain::time::parse(&episode.admitted_at)
                .map_err(|e| custodia_store::StoreError::Corrupt(e.to_string()))?;
            release.check_after(admitted, &episode.admitted_at)?;
            let stamp = canonical(now);
            if let Some(open) = tx.open_episode(person_id).await? {
                crate::population::depart(
                    tx,
                    &principal,
                    &open,
                    "released",
                    release.released_at,
                    "released_at",
                    now,
                )
                .await?;
            }
            tx.close_episode(episode.id, &canonical(release.released_at), &json(&release))
                .await?;
            tx.set_custody(person_id, &episode.facility, false, &stamp)
                .await?;
            tx.append(event(
                PERSON_RELEASED,
                release.released_at,
                &episode.facility,
                person_id,
                &Released {
                    episode_id: episode.id,
                    release: &release,
                },
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await?;
    file_unlogged(store, who, person_id).await
}
