//! Incidents as stored: the incident, its timeline, the people involved, casualties and
//! attachments.

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::persons::first_id;
use crate::write::WriteTx;

/// An incident row.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Reference number.
    pub reference: String,
    /// Type id.
    pub incident_type: String,
    /// Facility of the site.
    pub facility: Option<String>,
    /// Place in it.
    pub location_id: Option<i64>,
    /// Address.
    pub address: Option<String>,
    /// Province.
    pub province: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// When it happened.
    pub occurred_at: String,
    /// Severity.
    pub severity: String,
    /// Status.
    pub status: String,
    /// What happened, in short.
    pub summary: String,
    /// The crisis it belongs to.
    pub crisis_id: Option<i64>,
    /// When reported.
    pub reported_at: String,
    /// By whom.
    pub reported_by: String,
    /// Last change.
    pub updated_at: String,
}

macro_rules! incident_columns {
    () => {
        "id, reference, type, facility, location_id, address, province, latitude, longitude, \
         occurred_at, severity, status, summary, crisis_id, reported_at, reported_by, updated_at"
    };
}

fn incident(r: &dyn Cells) -> Result<IncidentRow, StoreError> {
    Ok(IncidentRow {
        id: r.int(0)?,
        reference: r.text(1)?,
        incident_type: r.text(2)?,
        facility: r.opt_text(3)?,
        location_id: r.opt_int(4)?,
        address: r.opt_text(5)?,
        province: r.opt_text(6)?,
        latitude: r.opt_real(7)?,
        longitude: r.opt_real(8)?,
        occurred_at: r.text(9)?,
        severity: r.text(10)?,
        status: r.text(11)?,
        summary: r.text(12)?,
        crisis_id: r.opt_int(13)?,
        reported_at: r.text(14)?,
        reported_by: r.text(15)?,
        updated_at: r.text(16)?,
    })
}

/// Which incidents to list; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    /// At this facility.
    pub facility: Option<String>,
    /// Only sites outside any facility.
    pub outside_only: bool,
    /// Of this type.
    pub incident_type: Option<String>,
    /// In this status.
    pub status: Option<String>,
    /// Only those not closed.
    pub open_only: bool,
    /// Happened at or after.
    pub from: Option<String>,
    /// Happened before.
    pub to: Option<String>,
    /// At most.
    pub limit: i64,
}

/// A timeline entry of an incident or a crisis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The incident.
    pub incident_id: Option<i64>,
    /// The crisis.
    pub crisis_id: Option<i64>,
    /// `note`, `status`, `person`, `casualty`, `hostages_taken`, `hostages_released`…
    pub kind: String,
    /// The text.
    pub entry: String,
    /// When it happened (may be earlier than recorded).
    pub occurred_at: String,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

fn timeline(r: &dyn Cells) -> Result<TimelineRow, StoreError> {
    Ok(TimelineRow {
        id: r.int(0)?,
        incident_id: r.opt_int(1)?,
        crisis_id: r.opt_int(2)?,
        kind: r.text(3)?,
        entry: r.text(4)?,
        occurred_at: r.text(5)?,
        recorded_at: r.text(6)?,
        recorded_by: r.text(7)?,
    })
}

/// A person in custody or a staff member involved in an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvolvedRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The incident.
    pub incident_id: i64,
    /// A person in custody.
    pub person_id: Option<i64>,
    /// A staff member.
    pub staff_id: Option<i64>,
    /// Their role.
    pub role: String,
    /// A note.
    pub note: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

fn involved(r: &dyn Cells) -> Result<InvolvedRow, StoreError> {
    Ok(InvolvedRow {
        id: r.int(0)?,
        incident_id: r.int(1)?,
        person_id: r.opt_int(2)?,
        staff_id: r.opt_int(3)?,
        role: r.text(4)?,
        note: r.opt_text(5)?,
        recorded_at: r.text(6)?,
        recorded_by: r.text(7)?,
    })
}

/// An injury or death in an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasualtyRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The incident.
    pub incident_id: i64,
    /// A person in custody.
    pub person_id: Option<i64>,
    /// A staff member.
    pub staff_id: Option<i64>,
    /// `injured`, `seriously_injured` or `deceased`.
    pub outcome: String,
    /// The cause category.
    pub cause: Option<String>,
    /// What is known.
    pub description: Option<String>,
    /// When.
    pub occurred_at: String,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

fn casualty(r: &dyn Cells) -> Result<CasualtyRow, StoreError> {
    Ok(CasualtyRow {
        id: r.int(0)?,
        incident_id: r.int(1)?,
        person_id: r.opt_int(2)?,
        staff_id: r.opt_int(3)?,
        outcome: r.text(4)?,
        cause: r.opt_text(5)?,
        description: r.opt_text(6)?,
        occurred_at: r.text(7)?,
        recorded_at: r.text(8)?,
        recorded_by: r.text(9)?,
    })
}

/// An attachment, by reference (the file itself lives in the document store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The incident.
    pub incident_id: i64,
    /// The reference (document number, file name, URL of the evidence store).
    pub reference: String,
    /// What it is.
    pub description: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// A search linked to an incident, with how many item lines it seized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedSearchRow {
    /// The search.
    pub search_id: i64,
    /// Its facility.
    pub facility: String,
    /// `cell`, `area` or `person`.
    pub kind: String,
    /// When it began.
    pub started_at: String,
    /// When it ended.
    pub ended_at: String,
    /// Item lines seized.
    pub items: i64,
    /// When linked.
    pub linked_at: String,
    /// By whom.
    pub linked_by: String,
}

async fn one(conn: &mut Conn<'_>, id: i64) -> Result<Option<IncidentRow>, StoreError> {
    conn.fetch_optional(
        concat!(
            "SELECT ",
            incident_columns!(),
            " FROM incidents WHERE id = $1"
        ),
        &[id.into()],
        incident,
    )
    .await
}

impl Store {
    /// One incident.
    pub async fn incident(&self, id: i64) -> Result<Option<IncidentRow>, StoreError> {
        let mut r = self.reader().await?;
        one(&mut r.conn()?, id).await
    }

    /// Incidents matching a filter, latest first.
    pub async fn incidents(&self, f: &IncidentFilter) -> Result<Vec<IncidentRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    incident_columns!(),
                    " FROM incidents WHERE (CAST($1 AS TEXT) IS NULL OR facility = $1) \
                     AND ($2 = 0 OR facility IS NULL) \
                     AND (CAST($3 AS TEXT) IS NULL OR type = $3) \
                     AND (CAST($4 AS TEXT) IS NULL OR status = $4) \
                     AND ($5 = 0 OR status <> 'closed') \
                     AND (CAST($6 AS TEXT) IS NULL OR occurred_at >= $6) \
                     AND (CAST($7 AS TEXT) IS NULL OR occurred_at < $7) \
                     ORDER BY occurred_at DESC, id DESC LIMIT $8"
                ),
                &[
                    f.facility.as_deref().into(),
                    i64::from(f.outside_only).into(),
                    f.incident_type.as_deref().into(),
                    f.status.as_deref().into(),
                    i64::from(f.open_only).into(),
                    f.from.as_deref().into(),
                    f.to.as_deref().into(),
                    f.limit.into(),
                ],
                incident,
            )
            .await
    }

    /// The incidents of a crisis, oldest first.
    pub async fn incidents_of_crisis(
        &self,
        crisis_id: i64,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    incident_columns!(),
                    " FROM incidents WHERE crisis_id = $1 ORDER BY occurred_at, id"
                ),
                &[crisis_id.into()],
                incident,
            )
            .await
    }

    /// An incident's timeline, in the order things happened.
    pub async fn incident_timeline(
        &self,
        incident_id: i64,
    ) -> Result<Vec<TimelineRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT id, incident_id, crisis_id, kind, entry, occurred_at, recorded_at, \
                 recorded_by FROM timeline_entries WHERE incident_id = $1 \
                 ORDER BY occurred_at, id",
                &[incident_id.into()],
                timeline,
            )
            .await
    }

    /// A crisis's own timeline, in the order things happened.
    pub async fn crisis_timeline(&self, crisis_id: i64) -> Result<Vec<TimelineRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT id, incident_id, crisis_id, kind, entry, occurred_at, recorded_at, \
                 recorded_by FROM timeline_entries WHERE crisis_id = $1 AND incident_id IS NULL \
                 ORDER BY occurred_at, id",
                &[crisis_id.into()],
                timeline,
            )
            .await
    }

    /// The people involved in an incident, in the order recorded.
    pub async fn involved(&self, incident_id: i64) -> Result<Vec<InvolvedRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT id, incident_id, person_id, staff_id, role, note, recorded_at, \
                 recorded_by FROM incident_people WHERE incident_id = $1 ORDER BY id",
                &[incident_id.into()],
                involved,
            )
            .await
    }

    /// An incident's casualties, in the order recorded.
    pub async fn casualties(&self, incident_id: i64) -> Result<Vec<CasualtyRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT id, incident_id, person_id, staff_id, outcome, cause, description, \
                 occurred_at, recorded_at, recorded_by FROM casualties WHERE incident_id = $1 \
                 ORDER BY id",
                &[incident_id.into()],
                casualty,
            )
            .await
    }

    /// An incident's attachments, in the order recorded.
    pub async fn attachments(&self, incident_id: i64) -> Result<Vec<AttachmentRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT id, incident_id, reference, description, recorded_at, recorded_by \
                 FROM incident_attachments WHERE incident_id = $1 ORDER BY id",
                &[incident_id.into()],
                |r| {
                    Ok(AttachmentRow {
                        id: r.int(0)?,
                        incident_id: r.int(1)?,
                        reference: r.text(2)?,
                        description: r.opt_text(3)?,
                        recorded_at: r.text(4)?,
                        recorded_by: r.text(5)?,
                    })
                },
            )
            .await
    }
}

impl Store {
    /// The searches linked to an incident, in the order linked.
    pub async fn linked_searches(
        &self,
        incident_id: i64,
    ) -> Result<Vec<LinkedSearchRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT s.id, s.facility, s.kind, s.started_at, s.ended_at, \
                 (SELECT COUNT(*) FROM seized_items i WHERE i.search_id = s.id), \
                 l.linked_at, l.linked_by FROM incident_searches l \
                 JOIN searches s ON s.id = l.search_id WHERE l.incident_id = $1 \
                 ORDER BY l.linked_at, s.id",
                &[incident_id.into()],
                |r| {
                    Ok(LinkedSearchRow {
                        search_id: r.int(0)?,
                        facility: r.text(1)?,
                        kind: r.text(2)?,
                        started_at: r.text(3)?,
                        ended_at: r.text(4)?,
                        items: r.int(5)?,
                        linked_at: r.text(6)?,
                        linked_by: r.text(7)?,
                    })
                },
            )
            .await
    }
}

impl WriteTx {
    /// Links a search to an incident; false when it already was.
    pub async fn link_search(
        &mut self,
        incident_id: i64,
        search_id: i64,
        at: &str,
        by: &str,
    ) -> Result<bool, StoreError> {
        let n = self
            .conn()
            .execute(
                "INSERT INTO incident_searches (incident_id, search_id, linked_at, linked_by) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (incident_id, search_id) DO NOTHING",
                &[incident_id.into(), search_id.into(), at.into(), by.into()],
            )
            .await?;
        Ok(n > 0)
    }

    /// The incidents of a crisis, as this transaction sees them.
    pub async fn incidents_of_crisis(
        &mut self,
        crisis_id: i64,
    ) -> Result<Vec<IncidentRow>, StoreError> {
        self.conn()
            .fetch(
                concat!(
                    "SELECT ",
                    incident_columns!(),
                    " FROM incidents WHERE crisis_id = $1 ORDER BY occurred_at, id"
                ),
                &[crisis_id.into()],
                incident,
            )
            .await
    }

    /// One incident, as this transaction sees it.
    pub async fn incident(&mut self, id: i64) -> Result<Option<IncidentRow>, StoreError> {
        one(&mut self.conn(), id).await
    }

    /// How many incidents have a reference starting with `prefix` (for the next number;
    /// writers are serialised, so two cannot take the same one).
    pub async fn references_with_prefix(&mut self, prefix: &str) -> Result<i64, StoreError> {
        let like = format!("{prefix}%");
        first_id(
            self.conn()
                .fetch(
                    "SELECT COUNT(*) FROM incidents WHERE reference LIKE $1",
                    &[like.as_str().into()],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Records an incident; returns its id.
    pub async fn insert_incident(&mut self, i: &IncidentRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO incidents (reference, type, facility, location_id, address, \
                     province, latitude, longitude, occurred_at, severity, status, summary, \
                     crisis_id, reported_at, reported_by, updated_at) VALUES ($1, $2, $3, $4, \
                     $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
                    &[
                        (&i.reference).into(),
                        (&i.incident_type).into(),
                        i.facility.as_deref().into(),
                        i.location_id.into(),
                        i.address.as_deref().into(),
                        i.province.as_deref().into(),
                        i.latitude.into(),
                        i.longitude.into(),
                        (&i.occurred_at).into(),
                        (&i.severity).into(),
                        (&i.status).into(),
                        (&i.summary).into(),
                        i.crisis_id.into(),
                        (&i.reported_at).into(),
                        (&i.reported_by).into(),
                        (&i.updated_at).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Changes an incident's status, severity and crisis.
    pub async fn update_incident(&mut self, i: &IncidentRow) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE incidents SET status = $2, severity = $3, crisis_id = $4, \
                 updated_at = $5 WHERE id = $1",
                &[
                    i.id.into(),
                    (&i.status).into(),
                    (&i.severity).into(),
                    i.crisis_id.into(),
                    (&i.updated_at).into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Appends a timeline entry; returns its id.
    pub async fn insert_timeline(&mut self, t: &TimelineRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO timeline_entries (incident_id, crisis_id, kind, entry, \
                     occurred_at, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     RETURNING id",
                    &[
                        t.incident_id.into(),
                        t.crisis_id.into(),
                        (&t.kind).into(),
                        (&t.entry).into(),
                        (&t.occurred_at).into(),
                        (&t.recorded_at).into(),
                        (&t.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// The people involved in an incident, as this transaction sees them.
    pub async fn involved(&mut self, incident_id: i64) -> Result<Vec<InvolvedRow>, StoreError> {
        self.conn()
            .fetch(
                "SELECT id, incident_id, person_id, staff_id, role, note, recorded_at, \
                 recorded_by FROM incident_people WHERE incident_id = $1 ORDER BY id",
                &[incident_id.into()],
                involved,
            )
            .await
    }

    /// Records a person or staff member's part in an incident; returns its id.
    pub async fn insert_involved(&mut self, p: &InvolvedRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO incident_people (incident_id, person_id, staff_id, role, note, \
                     recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    &[
                        p.incident_id.into(),
                        p.person_id.into(),
                        p.staff_id.into(),
                        (&p.role).into(),
                        p.note.as_deref().into(),
                        (&p.recorded_at).into(),
                        (&p.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Records a casualty; returns its id.
    pub async fn insert_casualty(&mut self, c: &CasualtyRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO casualties (incident_id, person_id, staff_id, outcome, cause, \
                     description, occurred_at, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, \
                     $5, $6, $7, $8, $9) RETURNING id",
                    &[
                        c.incident_id.into(),
                        c.person_id.into(),
                        c.staff_id.into(),
                        (&c.outcome).into(),
                        c.cause.as_deref().into(),
                        c.description.as_deref().into(),
                        (&c.occurred_at).into(),
                        (&c.recorded_at).into(),
                        (&c.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Records an attachment by reference; returns its id.
    pub async fn insert_attachment(&mut self, a: &AttachmentRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO incident_attachments (incident_id, reference, description, \
                     recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        a.incident_id.into(),
                        (&a.reference).into(),
                        a.description.as_deref().into(),
                        (&a.recorded_at).into(),
                        (&a.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Links a recorded death to its incident.
    pub async fn link_death(&mut self, person_id: i64, incident_id: i64) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE deaths SET incident_id = $2 WHERE person_id = $1",
                &[person_id.into(), incident_id.into()],
            )
            .await?;
        Ok(())
    }
}
