//! Crises and what became of each staff member during one (the accountability board's
//! facts), and each facility's control status.

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::persons::first_id;
use crate::write::WriteTx;

/// A crisis row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrisisRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Its name.
    pub name: String,
    /// When it began.
    pub started_at: String,
    /// `active` or `closed`.
    pub status: String,
    /// What it is about.
    pub summary: Option<String>,
    /// When closed.
    pub closed_at: Option<String>,
    /// When opened in Custodia.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
}

macro_rules! crisis_columns {
    () => {
        "id, name, started_at, status, summary, closed_at, created_at, created_by"
    };
}

fn crisis(r: &dyn Cells) -> Result<CrisisRow, StoreError> {
    Ok(CrisisRow {
        id: r.int(0)?,
        name: r.text(1)?,
        started_at: r.text(2)?,
        status: r.text(3)?,
        summary: r.opt_text(4)?,
        closed_at: r.opt_text(5)?,
        created_at: r.text(6)?,
        created_by: r.text(7)?,
    })
}

/// One change of a staff member's status during a crisis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChangeRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The crisis.
    pub crisis_id: i64,
    /// The incident (site) it happened in.
    pub incident_id: i64,
    /// Who.
    pub staff_id: i64,
    /// The incident's facility.
    pub facility: String,
    /// The staff member's kind.
    pub staff_kind: String,
    /// The new status.
    pub status: String,
    /// When it became true.
    pub at: String,
    /// How.
    pub circumstances: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

fn change(r: &dyn Cells) -> Result<StaffChangeRow, StoreError> {
    Ok(StaffChangeRow {
        id: r.int(0)?,
        crisis_id: r.int(1)?,
        incident_id: r.int(2)?,
        staff_id: r.int(3)?,
        facility: r.text(4)?,
        staff_kind: r.text(5)?,
        status: r.text(6)?,
        at: r.text(7)?,
        circumstances: r.opt_text(8)?,
        recorded_at: r.text(9)?,
        recorded_by: r.text(10)?,
    })
}

macro_rules! change_columns {
    () => {
        "id, crisis_id, incident_id, staff_id, facility, staff_kind, status, at, \
         circumstances, recorded_at, recorded_by"
    };
}

/// A staff member's latest status in a crisis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffNowRow {
    /// Who.
    pub staff_id: i64,
    /// The incident.
    pub incident_id: i64,
    /// Where.
    pub facility: String,
    /// Their kind.
    pub staff_kind: String,
    /// Status.
    pub status: String,
    /// Since when.
    pub since: String,
}

/// A facility's control status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlRow {
    /// The facility.
    pub facility: String,
    /// The status.
    pub status: String,
    /// Why.
    pub reason: String,
    /// Since when.
    pub since: String,
    /// Set by.
    pub set_by: String,
}

fn control(r: &dyn Cells) -> Result<ControlRow, StoreError> {
    Ok(ControlRow {
        facility: r.text(0)?,
        status: r.text(1)?,
        reason: r.text(2)?,
        since: r.text(3)?,
        set_by: r.text(4)?,
    })
}

async fn one(conn: &mut Conn<'_>, id: i64) -> Result<Option<CrisisRow>, StoreError> {
    conn.fetch_optional(
        concat!("SELECT ", crisis_columns!(), " FROM crises WHERE id = $1"),
        &[id.into()],
        crisis,
    )
    .await
}

async fn changes(conn: &mut Conn<'_>, crisis_id: i64) -> Result<Vec<StaffChangeRow>, StoreError> {
    conn.fetch(
        concat!(
            "SELECT ",
            change_columns!(),
            " FROM staff_status_changes WHERE crisis_id = $1 ORDER BY id"
        ),
        &[crisis_id.into()],
        change,
    )
    .await
}

impl Store {
    /// One crisis.
    pub async fn crisis(&self, id: i64) -> Result<Option<CrisisRow>, StoreError> {
        let mut r = self.reader().await?;
        one(&mut r.conn()?, id).await
    }

    /// Crises, latest first (only active ones with `active_only`).
    pub async fn crises(
        &self,
        active_only: bool,
        limit: i64,
    ) -> Result<Vec<CrisisRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    crisis_columns!(),
                    " FROM crises WHERE ($1 = 0 OR status = 'active') \
                     ORDER BY started_at DESC, id DESC LIMIT $2"
                ),
                &[i64::from(active_only).into(), limit.into()],
                crisis,
            )
            .await
    }

    /// Every staff status change of a crisis, in the order recorded.
    pub async fn staff_changes(&self, crisis_id: i64) -> Result<Vec<StaffChangeRow>, StoreError> {
        let mut r = self.reader().await?;
        changes(&mut r.conn()?, crisis_id).await
    }

    /// Staff held or missing now in active crises, per facility and status.
    pub async fn held_now(&self) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT n.facility, n.status, n.staff_kind, COUNT(*) FROM staff_status_now n \
                 JOIN crises c ON c.id = n.crisis_id \
                 WHERE c.status = 'active' AND n.status IN ('held', 'missing') \
                 GROUP BY n.facility, n.status, n.staff_kind",
                &[],
                |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.int(3)?)),
            )
            .await
    }

    /// Every facility's control status, where one was ever set.
    pub async fn controls(&self) -> Result<Vec<ControlRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, status, reason, since, set_by FROM facility_control \
                 ORDER BY facility",
                &[],
                control,
            )
            .await
    }

    /// A facility's control status history, latest first.
    pub async fn control_history(&self, facility: &str) -> Result<Vec<ControlRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, status, reason, since, set_by FROM facility_control_history \
                 WHERE facility = $1 ORDER BY since DESC, id DESC",
                &[facility.into()],
                control,
            )
            .await
    }
}

impl WriteTx {
    /// One crisis, as this transaction sees it.
    pub async fn crisis(&mut self, id: i64) -> Result<Option<CrisisRow>, StoreError> {
        one(&mut self.conn(), id).await
    }

    /// Opens a crisis; returns its id.
    pub async fn insert_crisis(&mut self, c: &CrisisRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO crises (name, started_at, status, summary, created_at, \
                     created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[
                        (&c.name).into(),
                        (&c.started_at).into(),
                        (&c.status).into(),
                        c.summary.as_deref().into(),
                        (&c.created_at).into(),
                        (&c.created_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Closes a crisis.
    pub async fn close_crisis(&mut self, id: i64, at: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE crises SET status = 'closed', closed_at = $2 WHERE id = $1",
                &[id.into(), at.into()],
            )
            .await?;
        Ok(())
    }

    /// A staff member's latest status in a crisis.
    pub async fn staff_now(
        &mut self,
        crisis_id: i64,
        staff_id: i64,
    ) -> Result<Option<StaffNowRow>, StoreError> {
        self.conn()
            .fetch_optional(
                "SELECT staff_id, incident_id, facility, staff_kind, status, since \
                 FROM staff_status_now WHERE crisis_id = $1 AND staff_id = $2",
                &[crisis_id.into(), staff_id.into()],
                |r| {
                    Ok(StaffNowRow {
                        staff_id: r.int(0)?,
                        incident_id: r.int(1)?,
                        facility: r.text(2)?,
                        staff_kind: r.text(3)?,
                        status: r.text(4)?,
                        since: r.text(5)?,
                    })
                },
            )
            .await
    }

    /// Staff of a crisis whose latest status is one of `held`/`missing`, with that status
    /// (optionally only at one incident).
    pub async fn staff_blocking(
        &mut self,
        crisis_id: i64,
        incident_id: Option<i64>,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self.conn()
            .fetch(
                "SELECT staff_id, status FROM staff_status_now WHERE crisis_id = $1 \
                 AND status IN ('held', 'missing') AND ($2 = 0 OR incident_id = $2) \
                 ORDER BY staff_id",
                &[crisis_id.into(), incident_id.unwrap_or(0).into()],
                |r| Ok((r.int(0)?, r.text(1)?)),
            )
            .await
    }

    /// Records a staff status change and makes it the latest.
    pub async fn record_staff_change(&mut self, c: &StaffChangeRow) -> Result<i64, StoreError> {
        let id = first_id(
            self.conn()
                .fetch(
                    "INSERT INTO staff_status_changes (crisis_id, incident_id, staff_id, facility, \
                     staff_kind, status, at, circumstances, recorded_at, recorded_by) VALUES ($1, \
                     $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    &[
                        c.crisis_id.into(),
                        c.incident_id.into(),
                        c.staff_id.into(),
                        (&c.facility).into(),
                        (&c.staff_kind).into(),
                        (&c.status).into(),
                        (&c.at).into(),
                        c.circumstances.as_deref().into(),
                        (&c.recorded_at).into(),
                        (&c.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )?;
        self.conn()
            .execute(
                "INSERT INTO staff_status_now (crisis_id, staff_id, incident_id, facility, \
                 staff_kind, status, since) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (crisis_id, staff_id) DO UPDATE SET incident_id = excluded.incident_id, \
                 facility = excluded.facility, staff_kind = excluded.staff_kind, \
                 status = excluded.status, since = excluded.since",
                &[
                    c.crisis_id.into(),
                    c.staff_id.into(),
                    c.incident_id.into(),
                    (&c.facility).into(),
                    (&c.staff_kind).into(),
                    (&c.status).into(),
                    (&c.at).into(),
                ],
            )
            .await?;
        Ok(id)
    }

    /// Sets a facility's control status and keeps the history.
    pub async fn set_control(
        &mut self,
        c: &ControlRow,
        recorded_at: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "INSERT INTO facility_control (facility, status, reason, since, set_by) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (facility) DO UPDATE SET \
                 status = excluded.status, reason = excluded.reason, since = excluded.since, \
                 set_by = excluded.set_by",
                &[
                    (&c.facility).into(),
                    (&c.status).into(),
                    (&c.reason).into(),
                    (&c.since).into(),
                    (&c.set_by).into(),
                ],
            )
            .await?;
        self.conn()
            .execute(
                "INSERT INTO facility_control_history (facility, status, reason, since, \
                 recorded_at, set_by) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    (&c.facility).into(),
                    (&c.status).into(),
                    (&c.reason).into(),
                    (&c.since).into(),
                    recorded_at.into(),
                    (&c.set_by).into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// A facility's control status, as this transaction sees it.
    pub async fn control(&mut self, facility: &str) -> Result<Option<ControlRow>, StoreError> {
        self.conn()
            .fetch_optional(
                "SELECT facility, status, reason, since, set_by FROM facility_control \
                 WHERE facility = $1",
                &[facility.into()],
                control,
            )
            .await
    }
}
