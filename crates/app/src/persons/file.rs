//! A person's whole file: identity, custody episodes with their court documents and
//! computed legal dates, the admission record, and the history of corrections. Every
//! read is journaled before the file is handed out.

use serde::Serialize;

use custodia_domain::SecurityLevel;
use custodia_domain::access::Action;
use custodia_domain::admission::AdmissionRecord;
use custodia_domain::custody::{LegalDocument, LegalState, legal_state};
use custodia_domain::person::Identity;
use custodia_store::Store;

use super::legal::Release;
use super::parse;
use crate::access_audit::{self, ACCESS_READ, person_subject};
use crate::error::AppError;
use crate::principal::Principal;

/// A court document as filed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    /// Id.
    pub id: i64,
    /// When it was recorded.
    pub recorded_at: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// The document.
    pub document: LegalDocument,
}

/// One custody episode.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EpisodeView {
    /// Id.
    pub id: i64,
    /// Facility.
    pub facility: String,
    /// Location, if assigned.
    pub location_id: Option<i64>,
    /// When admitted.
    pub admitted_at: String,
    /// Rule 11 categories on admission: `adults` or `adolescents`.
    pub age_group: String,
    /// Rule 11 categories: sex.
    pub sex: String,
    /// Security classification, if classified (at admission or later by a director).
    pub classification: Option<SecurityLevel>,
    /// Where the episode stands in law, with its computed dates.
    pub legal_state: LegalState,
    /// The court documents, in the order recorded.
    pub documents: Vec<DocumentView>,
    /// The Rule 7 admission record (health notes only for health access).
    pub record: AdmissionRecord,
    /// When released, if released.
    pub released_at: Option<String>,
    /// The release.
    pub release: Option<Release>,
}

/// A correction of the identity or of an admission record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CorrectionView {
    /// The episode whose admission record was corrected; null for the identity.
    pub episode_id: Option<i64>,
    /// Which field.
    pub field: String,
    /// The value before.
    pub old_value: serde_json::Value,
    /// The value after.
    pub new_value: serde_json::Value,
    /// Why.
    pub reason: String,
    /// When.
    pub corrected_at: String,
    /// By whom.
    pub corrected_by: String,
}

/// A person's whole file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonFile {
    /// Id.
    pub id: i64,
    /// Registry number.
    pub registry_number: String,
    /// Full name.
    pub full_name: String,
    /// Identity as corrected to date.
    pub identity: Identity,
    /// Whether an episode is open.
    pub in_custody: bool,
    /// The facility holding the person now, or that last held them.
    pub facility: String,
    /// The open episode's id, if in custody.
    pub current_episode_id: Option<i64>,
    /// Where the person is held now: the open episode's location, if assigned.
    pub current_location_id: Option<i64>,
    /// Every episode, oldest first.
    pub episodes: Vec<EpisodeView>,
    /// Every correction of the identity, oldest first.
    pub corrections: Vec<CorrectionView>,
}

/// The file, for a principal who may read it, journaling the read with `reason`.
pub async fn file(
    store: &Store,
    who: &Principal,
    id: i64,
    reason: Option<&str>,
) -> Result<PersonFile, AppError> {
    if let Some(r) = reason {
        let mut c = custodia_domain::validation::Collector::default();
        custodia_domain::text::required(&mut c, "reason", r, 500);
        c.finish()?;
    }
    let found = file_unlogged(store, who, id).await?;
    access_audit::record(
        store,
        who,
        ACCESS_READ,
        &person_subject(&id.to_string()),
        Some(&found.facility),
        "person_file",
        reason,
    )
    .await?;
    Ok(found)
}

/// The file without journaling the read: for answering the change its reader just made.
pub(crate) async fn file_unlogged(
    store: &Store,
    who: &Principal,
    id: i64,
) -> Result<PersonFile, AppError> {
    let row = store
        .person(id)
        .await?
        .ok_or_else(|| AppError::not_found("person", id))?;
    who.require_in(Action::PersonRead, &row.facility, "person", id)?;
    let health = who.allows(Action::HealthRead, Some(&row.facility));
    let identity: Identity = parse("persons.identity", &row.identity)?;
    let documents = store.legal_documents_of(id).await?;
    let mut episodes = Vec::new();
    let mut current = None;
    for e in store.episodes_of(id).await? {
        let docs: Vec<DocumentView> = documents
            .iter()
            .filter(|d| d.episode_id == e.id)
            .map(|d| {
                Ok(DocumentView {
                    id: d.id,
                    recorded_at: d.recorded_at.clone(),
                    recorded_by: d.recorded_by.clone(),
                    document: parse("legal_documents.document", &d.document)?,
                })
            })
            .collect::<Result<_, AppError>>()?;
        let plain: Vec<LegalDocument> = docs.iter().map(|d| d.document.clone()).collect();
        let state = legal_state(&plain).map_err(|err| {
            AppError::Store(custodia_store::StoreError::Corrupt(format!(
                "episode {}: {err}",
                e.id
            )))
        })?;
        let record: AdmissionRecord = parse("custody_episodes.record", &e.record)?;
        if e.released_at.is_none() {
            current = Some((e.id, e.location_id));
        }
        episodes.push(EpisodeView {
            id: e.id,
            facility: e.facility,
            location_id: e.location_id,
            admitted_at: e.admitted_at,
            age_group: e.age_group,
            sex: e.sex,
            classification: e
                .classification
                .as_deref()
                .map(SecurityLevel::parse)
                .transpose()
                .map_err(|err| {
                    AppError::Store(custodia_store::StoreError::Corrupt(format!(
                        "custody_episodes.classification: {err}"
                    )))
                })?,
            legal_state: state,
            documents: docs,
            record: if health {
                record
            } else {
                record.without_health_notes()
            },
            released_at: e.released_at,
            release: e
                .release
                .as_deref()
                .map(|r| parse("custody_episodes.release", r))
                .transpose()?,
        });
    }
    let corrections = store
        .corrections_of(id)
        .await?
        .into_iter()
        .map(|c| {
            let mut old_value: serde_json::Value =
                parse("person_corrections.old_value", &c.old_value)?;
            let mut new_value: serde_json::Value =
                parse("person_corrections.new_value", &c.new_value)?;
            if c.episode_id.is_some() && c.field == super::correct::HEALTH_SCREENING && !health {
                for v in [&mut old_value, &mut new_value] {
                    if let Some(fields) = v.as_object_mut() {
                        fields.remove("notes");
                    }
                }
            }
            Ok(CorrectionView {
                episode_id: c.episode_id,
                field: c.field,
                old_value,
                new_value,
                reason: c.reason,
                corrected_at: c.corrected_at,
                corrected_by: c.corrected_by,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(PersonFile {
        id,
        registry_number: row.registry_number,
        full_name: row.full_name,
        identity,
        in_custody: row.in_custody,
        facility: row.facility,
        current_episode_id: current.map(|c| c.0),
        current_location_id: current.and_then(|c| c.1),
        episodes,
        corrections,
    })
}
