//! The person registry's read tables: persons, custody episodes, court documents,
//! identity corrections. Structured parts the app decides on (identity, the admission
//! record, documents) are kept as JSON text and parsed by the app.

use crate::conn::{Cells, Conn, Val};
use crate::db::Store;
use crate::error::StoreError;
use crate::write::WriteTx;

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    /// Id.
    pub id: i64,
    /// Registry number, e.g. `PPL-0000042`.
    pub registry_number: String,
    /// The identity, JSON.
    pub identity: String,
    /// The full name as written.
    pub full_name: String,
    /// The facility holding the person now, or that last held them.
    pub facility: String,
    /// Whether an episode is open.
    pub in_custody: bool,
    /// When registered (canonical instant).
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
}

/// What identifies a person for storage and duplicate checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonKeys<'a> {
    /// The identity, JSON.
    pub identity: &'a str,
    /// Folded `given|first|second`.
    pub name_key: &'a str,
    /// The full name as written.
    pub full_name: &'a str,
    /// Folded surnames then given names.
    pub sort_key: &'a str,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: &'a str,
    /// Document number reduced to letters and digits.
    pub document_key: Option<&'a str>,
}

/// A custody episode as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeRow {
    /// Id.
    pub id: i64,
    /// Whose.
    pub person_id: i64,
    /// Facility holding the person.
    pub facility: String,
    /// Location, if assigned.
    pub location_id: Option<i64>,
    /// When admitted (canonical instant).
    pub admitted_at: String,
    /// `adults` or `adolescents` on admission.
    pub age_group: String,
    /// Sex recorded for separation.
    pub sex: String,
    /// Legal status now.
    pub legal_status: String,
    /// Earliest pretrial expiry, `YYYY-MM-DD`.
    pub pretrial_expiry: Option<String>,
    /// Computed release date, `YYYY-MM-DD`.
    pub release_date: Option<String>,
    /// The Rule 7 admission record, JSON.
    pub record: String,
    /// When released, if released.
    pub released_at: Option<String>,
    /// The release, JSON.
    pub release: Option<String>,
    /// Security classification (`minimum`, `medium`, `maximum`), if classified.
    pub classification: Option<String>,
}

/// A court document as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalDocumentRow {
    /// Id.
    pub id: i64,
    /// The episode.
    pub episode_id: i64,
    /// The document, JSON.
    pub document: String,
    /// When recorded.
    pub recorded_at: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// An identity correction as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionRow {
    /// Id.
    pub id: i64,
    /// Whose.
    pub person_id: i64,
    /// The episode whose admission record was corrected (none: the identity).
    pub episode_id: Option<i64>,
    /// Which field.
    pub field: String,
    /// The value before, JSON.
    pub old_value: String,
    /// The value after, JSON.
    pub new_value: String,
    /// Why.
    pub reason: String,
    /// When.
    pub corrected_at: String,
    /// By whom.
    pub corrected_by: String,
}

/// An open episode with a legal limit, for the deadlines list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRow {
    /// The person.
    pub person_id: i64,
    /// Their registry number.
    pub registry_number: String,
    /// Their full name.
    pub full_name: String,
    /// The facility holding them.
    pub facility: String,
    /// Pretrial expiry, `YYYY-MM-DD`.
    pub pretrial_expiry: Option<String>,
    /// Release date, `YYYY-MM-DD`.
    pub release_date: Option<String>,
}

fn person(r: &dyn Cells) -> Result<PersonRow, StoreError> {
    Ok(PersonRow {
        id: r.int(0)?,
        registry_number: r.text(1)?,
        identity: r.text(2)?,
        full_name: r.text(3)?,
        facility: r.text(4)?,
        in_custody: r.int(5)? != 0,
        created_at: r.text(6)?,
        updated_at: r.text(7)?,
    })
}

macro_rules! episode_columns {
    () => {
        "id, person_id, facility, location_id, admitted_at, age_group, sex, legal_status, \
         pretrial_expiry, release_date, record, released_at, release, classification"
    };
}

fn episode(r: &dyn Cells) -> Result<EpisodeRow, StoreError> {
    Ok(EpisodeRow {
        id: r.int(0)?,
        person_id: r.int(1)?,
        facility: r.text(2)?,
        location_id: r.opt_int(3)?,
        admitted_at: r.text(4)?,
        age_group: r.text(5)?,
        sex: r.text(6)?,
        legal_status: r.text(7)?,
        pretrial_expiry: r.opt_text(8)?,
        release_date: r.opt_text(9)?,
        record: r.text(10)?,
        released_at: r.opt_text(11)?,
        release: r.opt_text(12)?,
        classification: r.opt_text(13)?,
    })
}

fn document(r: &dyn Cells) -> Result<LegalDocumentRow, StoreError> {
    Ok(LegalDocumentRow {
        id: r.int(0)?,
        episode_id: r.int(1)?,
        document: r.text(2)?,
        recorded_at: r.text(3)?,
        recorded_by: r.text(4)?,
    })
}

async fn person_by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<PersonRow>, StoreError> {
    conn.fetch_optional(
        "SELECT id, registry_number, identity, full_name, facility, in_custody, created_at, \
         updated_at FROM persons WHERE id = $1",
        &[id.into()],
        person,
    )
    .await
}

async fn episodes(conn: &mut Conn<'_>, person_id: i64) -> Result<Vec<EpisodeRow>, StoreError> {
    conn.fetch(
        concat!(
            "SELECT ",
            episode_columns!(),
            " FROM custody_episodes WHERE person_id = $1 ORDER BY admitted_at, id"
        ),
        &[person_id.into()],
        episode,
    )
    .await
}

async fn documents(
    conn: &mut Conn<'_>,
    person_id: i64,
) -> Result<Vec<LegalDocumentRow>, StoreError> {
    conn.fetch(
        "SELECT d.id, d.episode_id, d.document, d.recorded_at, d.recorded_by \
         FROM legal_documents d JOIN custody_episodes e ON e.id = d.episode_id \
         WHERE e.person_id = $1 ORDER BY d.id",
        &[person_id.into()],
        document,
    )
    .await
}

/// `first`, then an identity's columns in table order (identity, name_key, full_name,
/// sort_key, date_of_birth, document_key), then `rest`.
fn keyed<'a>(first: Val<'a>, k: &PersonKeys<'a>, rest: &[Val<'a>]) -> Vec<Val<'a>> {
    let mut params = vec![
        first,
        k.identity.into(),
        k.name_key.into(),
        k.full_name.into(),
        k.sort_key.into(),
        k.date_of_birth.into(),
        k.document_key.into(),
    ];
    params.extend_from_slice(rest);
    params
}

/// The id an `INSERT … RETURNING id` gave.
pub(crate) fn first_id(ids: Vec<i64>) -> Result<i64, StoreError> {
    ids.first()
        .copied()
        .ok_or_else(|| StoreError::Corrupt("INSERT … RETURNING id returned no row".into()))
}

impl Store {
    /// One person by id.
    pub async fn person(&self, id: i64) -> Result<Option<PersonRow>, StoreError> {
        let mut r = self.reader().await?;
        person_by_id(&mut r.conn()?, id).await
    }

    /// A person's episodes, oldest first.
    pub async fn episodes_of(&self, person_id: i64) -> Result<Vec<EpisodeRow>, StoreError> {
        let mut r = self.reader().await?;
        episodes(&mut r.conn()?, person_id).await
    }

    /// The court documents of all a person's episodes, in the order recorded.
    pub async fn legal_documents_of(
        &self,
        person_id: i64,
    ) -> Result<Vec<LegalDocumentRow>, StoreError> {
        let mut r = self.reader().await?;
        documents(&mut r.conn()?, person_id).await
    }

    /// A person's identity corrections, oldest first.
    pub async fn corrections_of(&self, person_id: i64) -> Result<Vec<CorrectionRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT id, person_id, episode_id, field, old_value, new_value, reason, \
                 corrected_at, corrected_by FROM person_corrections WHERE person_id = $1 \
                 ORDER BY id",
                &[person_id.into()],
                |r| {
                    Ok(CorrectionRow {
                        id: r.int(0)?,
                        person_id: r.int(1)?,
                        episode_id: r.opt_int(2)?,
                        field: r.text(3)?,
                        old_value: r.text(4)?,
                        new_value: r.text(5)?,
                        reason: r.text(6)?,
                        corrected_at: r.text(7)?,
                        corrected_by: r.text(8)?,
                    })
                },
            )
            .await
    }

    /// Open episodes in `facility` (every facility when empty) whose pretrial expiry or
    /// release date falls on or before `until` (`YYYY-MM-DD`).
    pub async fn deadlines(
        &self,
        facility: &str,
        until: &str,
    ) -> Result<Vec<DeadlineRow>, StoreError> {
        let mut r = self.reader().await?;
        let mut conn = r.conn()?;
        // Separate texts, so that each can use its partial indexes (a parameter that may
        // be empty would hide them from PostgreSQL's generic plans).
        if facility.is_empty() {
            conn.fetch(
                "SELECT p.id, p.registry_number, p.full_name, e.facility, e.pretrial_expiry, \
                 e.release_date FROM custody_episodes e JOIN persons p ON p.id = e.person_id \
                 WHERE e.released_at IS NULL \
                 AND (e.pretrial_expiry <= $1 OR e.release_date <= $1) ORDER BY p.id",
                &[until.into()],
                deadline,
            )
            .await
        } else {
            conn.fetch(
                "SELECT p.id, p.registry_number, p.full_name, e.facility, e.pretrial_expiry, \
                 e.release_date FROM custody_episodes e JOIN persons p ON p.id = e.person_id \
                 WHERE e.released_at IS NULL AND e.facility = $1 \
                 AND (e.pretrial_expiry <= $2 OR e.release_date <= $2) ORDER BY p.id",
                &[facility.into(), until.into()],
                deadline,
            )
            .await
        }
    }
}

async fn possible_duplicates(
    conn: &mut Conn<'_>,
    document_key: Option<&str>,
    name_key: &str,
    date_of_birth: &str,
) -> Result<Vec<PersonRow>, StoreError> {
    conn.fetch(
        "SELECT id, registry_number, identity, full_name, facility, in_custody, \
         created_at, updated_at FROM persons WHERE document_key = $1 \
         UNION SELECT id, registry_number, identity, full_name, facility, \
         in_custody, created_at, updated_at FROM persons \
         WHERE name_key = $2 AND date_of_birth = $3 ORDER BY 1 LIMIT 50",
        &[document_key.into(), name_key.into(), date_of_birth.into()],
        person,
    )
    .await
}

impl Store {
    /// Persons with this document key, or these folded names and date of birth, outside
    /// any write (an admission form's inline check).
    pub async fn possible_duplicates(
        &self,
        document_key: Option<&str>,
        name_key: &str,
        date_of_birth: &str,
    ) -> Result<Vec<PersonRow>, StoreError> {
        let mut r = self.reader().await?;
        possible_duplicates(&mut r.conn()?, document_key, name_key, date_of_birth).await
    }
}

fn deadline(r: &dyn Cells) -> Result<DeadlineRow, StoreError> {
    Ok(DeadlineRow {
        person_id: r.int(0)?,
        registry_number: r.text(1)?,
        full_name: r.text(2)?,
        facility: r.text(3)?,
        pretrial_expiry: r.opt_text(4)?,
        release_date: r.opt_text(5)?,
    })
}

impl WriteTx {
    /// One person by id, as this transaction sees it.
    pub async fn person(&mut self, id: i64) -> Result<Option<PersonRow>, StoreError> {
        person_by_id(&mut self.conn(), id).await
    }

    /// Persons with this document key, or these folded names and date of birth.
    pub async fn possible_duplicates(
        &mut self,
        document_key: Option<&str>,
        name_key: &str,
        date_of_birth: &str,
    ) -> Result<Vec<PersonRow>, StoreError> {
        possible_duplicates(&mut self.conn(), document_key, name_key, date_of_birth).await
    }

    /// Registers a person; returns the id. The registry number derives from the id.
    pub async fn insert_person(
        &mut self,
        keys: &PersonKeys<'_>,
        facility: &str,
        registry: impl Fn(i64) -> String,
        now: &str,
    ) -> Result<(i64, String), StoreError> {
        let placeholder = format!("pending:{}", uuid::Uuid::now_v7());
        let id = first_id(
            self.conn()
                .fetch(
                    "INSERT INTO persons (registry_number, identity, name_key, full_name, \
                     sort_key, date_of_birth, document_key, facility, in_custody, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING id",
                    &keyed(
                        placeholder.as_str().into(),
                        keys,
                        &[facility.into(), now.into()],
                    ),
                    |c| c.int(0),
                )
                .await?,
        )?;
        let number = registry(id);
        self.conn()
            .execute(
                "UPDATE persons SET registry_number = $2 WHERE id = $1",
                &[id.into(), number.as_str().into()],
            )
            .await?;
        Ok((id, number))
    }

    /// Rewrites a person's identity.
    pub async fn update_identity(
        &mut self,
        id: i64,
        keys: &PersonKeys<'_>,
        now: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE persons SET identity = $2, name_key = $3, full_name = $4, sort_key = $5, \
                 date_of_birth = $6, document_key = $7, updated_at = $8 WHERE id = $1",
                &keyed(id.into(), keys, &[now.into()]),
            )
            .await?;
        Ok(())
    }

    /// Records where a person is held (or was last held) and whether they are in custody.
    pub async fn set_custody(
        &mut self,
        id: i64,
        facility: &str,
        in_custody: bool,
        now: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE persons SET facility = $2, in_custody = $3, updated_at = $4 WHERE id = $1",
                &[
                    id.into(),
                    facility.into(),
                    i64::from(in_custody).into(),
                    now.into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// A person's episodes, as this transaction sees them.
    pub async fn episodes_of(&mut self, person_id: i64) -> Result<Vec<EpisodeRow>, StoreError> {
        episodes(&mut self.conn(), person_id).await
    }

    /// The court documents of one episode, in the order recorded.
    pub async fn legal_documents_of_episode(
        &mut self,
        episode_id: i64,
    ) -> Result<Vec<LegalDocumentRow>, StoreError> {
        self.conn()
            .fetch(
                "SELECT id, episode_id, document, recorded_at, recorded_by FROM legal_documents \
                 WHERE episode_id = $1 ORDER BY id",
                &[episode_id.into()],
                document,
            )
            .await
    }

    /// Opens a custody episode; returns its id. At most one per person is open (a unique
    /// index refuses a second).
    pub async fn insert_episode(&mut self, e: &EpisodeRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO custody_episodes (person_id, facility, location_id, admitted_at, \
                     age_group, sex, legal_status, pretrial_expiry, release_date, record, \
                     classification) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        e.person_id.into(),
                        (&e.facility).into(),
                        e.location_id.into(),
                        (&e.admitted_at).into(),
                        (&e.age_group).into(),
                        (&e.sex).into(),
                        (&e.legal_status).into(),
                        e.pretrial_expiry.as_deref().into(),
                        e.release_date.as_deref().into(),
                        (&e.record).into(),
                        e.classification.as_deref().into(),
                    ],
                    |c| c.int(0),
                )
                .await?,
        )
    }

    /// Rewrites an episode's computed legal state.
    pub async fn set_legal_state(
        &mut self,
        episode_id: i64,
        status: &str,
        pretrial_expiry: Option<&str>,
        release_date: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE custody_episodes SET legal_status = $2, pretrial_expiry = $3, \
                 release_date = $4 WHERE id = $1",
                &[
                    episode_id.into(),
                    status.into(),
                    pretrial_expiry.into(),
                    release_date.into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Rewrites an episode's Rule 11 categories (after a corrected birth date or sex).
    pub async fn set_episode_category(
        &mut self,
        episode_id: i64,
        age_group: &str,
        sex: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE custody_episodes SET age_group = $2, sex = $3 WHERE id = $1",
                &[episode_id.into(), age_group.into(), sex.into()],
            )
            .await?;
        Ok(())
    }

    /// Rewrites an episode's admission record (after a correction).
    pub async fn set_episode_record(
        &mut self,
        episode_id: i64,
        record: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE custody_episodes SET record = $2 WHERE id = $1",
                &[episode_id.into(), record.into()],
            )
            .await?;
        Ok(())
    }

    /// Closes an episode.
    pub async fn close_episode(
        &mut self,
        episode_id: i64,
        released_at: &str,
        release: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE custody_episodes SET released_at = $2, release = $3 WHERE id = $1",
                &[episode_id.into(), released_at.into(), release.into()],
            )
            .await?;
        Ok(())
    }

    /// Files a court document with an episode; returns its id.
    pub async fn insert_legal_document(
        &mut self,
        episode_id: i64,
        document: &str,
        now: &str,
        actor: &str,
    ) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO legal_documents (episode_id, document, recorded_at, recorded_by) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                    &[episode_id.into(), document.into(), now.into(), actor.into()],
                    |c| c.int(0),
                )
                .await?,
        )
    }

    /// Records an identity correction.
    pub async fn insert_correction(&mut self, c: &CorrectionRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO person_corrections (person_id, episode_id, field, old_value, \
                     new_value, reason, corrected_at, corrected_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        c.person_id.into(),
                        c.episode_id.into(),
                        (&c.field).into(),
                        (&c.old_value).into(),
                        (&c.new_value).into(),
                        (&c.reason).into(),
                        (&c.corrected_at).into(),
                        (&c.corrected_by).into(),
                    ],
                    |c| c.int(0),
                )
                .await?,
        )
    }
}
