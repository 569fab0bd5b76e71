//! Transfers between facilities (one by one or in bulk operations), temporary absences
//! and deaths in custody.

use crate::conn::{Cells, Conn, Val};
use crate::db::Store;
use crate::error::StoreError;
use crate::write::WriteTx;

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransferRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Who.
    pub person_id: i64,
    /// Their custody episode.
    pub episode_id: i64,
    /// The bulk operation it belongs to, if any.
    pub operation_id: Option<i64>,
    /// From where.
    pub from_facility: String,
    /// To where.
    pub to_facility: String,
    /// Into which cell there, if decided.
    pub to_location_id: Option<i64>,
    /// Why.
    pub reason: String,
    /// Free text.
    pub note: Option<String>,
    /// `requested`, `approved`, `dispatched`, `received`, `cancelled`.
    pub status: String,
    /// Whether the judge must be told (pretrial detainees).
    pub notify_judge: bool,
    /// Whether the family contact must be told.
    pub notify_family: bool,
    /// When and by whom each step was taken.
    pub requested_at: String,
    /// Requested by.
    pub requested_by: String,
    /// Approved at.
    pub approved_at: Option<String>,
    /// Approved by.
    pub approved_by: Option<String>,
    /// Dispatched at.
    pub dispatched_at: Option<String>,
    /// Dispatched by.
    pub dispatched_by: Option<String>,
    /// Received at.
    pub received_at: Option<String>,
    /// Received by.
    pub received_by: Option<String>,
    /// Cancelled at.
    pub cancelled_at: Option<String>,
    /// Cancelled by.
    pub cancelled_by: Option<String>,
    /// Why cancelled.
    pub cancel_reason: Option<String>,
}

macro_rules! transfer_columns {
    () => {
        "id, person_id, episode_id, operation_id, from_facility, to_facility, to_location_id, \
         reason, note, status, notify_judge, notify_family, requested_at, requested_by, \
         approved_at, approved_by, dispatched_at, dispatched_by, received_at, received_by, \
         cancelled_at, cancelled_by, cancel_reason"
    };
}
pub(crate) use transfer_columns;

pub(crate) fn transfer(r: &dyn Cells) -> Result<TransferRow, StoreError> {
    Ok(TransferRow {
        id: r.int(0)?,
        person_id: r.int(1)?,
        episode_id: r.int(2)?,
        operation_id: r.opt_int(3)?,
        from_facility: r.text(4)?,
        to_facility: r.text(5)?,
        to_location_id: r.opt_int(6)?,
        reason: r.text(7)?,
        note: r.opt_text(8)?,
        status: r.text(9)?,
        notify_judge: r.int(10)? != 0,
        notify_family: r.int(11)? != 0,
        requested_at: r.text(12)?,
        requested_by: r.text(13)?,
        approved_at: r.opt_text(14)?,
        approved_by: r.opt_text(15)?,
        dispatched_at: r.opt_text(16)?,
        dispatched_by: r.opt_text(17)?,
        received_at: r.opt_text(18)?,
        received_by: r.opt_text(19)?,
        cancelled_at: r.opt_text(20)?,
        cancelled_by: r.opt_text(21)?,
        cancel_reason: r.opt_text(22)?,
    })
}

/// A bulk transfer operation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRow {
    /// Id.
    pub id: i64,
    /// Name, e.g. `Litoral → cinco centros, agosto 2023`.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Free text.
    pub note: Option<String>,
    /// When created.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
}

/// A temporary absence as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbsenceRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Who.
    pub person_id: i64,
    /// Their episode.
    pub episode_id: i64,
    /// The facility they left.
    pub facility: String,
    /// Court appearance, hospital, other.
    pub kind: String,
    /// Free text.
    pub note: Option<String>,
    /// The cell they left, to return to.
    pub from_location_id: Option<i64>,
    /// When they left.
    pub left_at: String,
    /// When they are due back.
    pub expected_back_at: String,
    /// When they came back.
    pub returned_at: Option<String>,
    /// Recorded by.
    pub recorded_by: String,
}

macro_rules! absence_columns {
    () => {
        "id, person_id, episode_id, facility, kind, note, from_location_id, left_at, \
         expected_back_at, returned_at, recorded_by"
    };
}

fn absence(r: &dyn Cells) -> Result<AbsenceRow, StoreError> {
    Ok(AbsenceRow {
        id: r.int(0)?,
        person_id: r.int(1)?,
        episode_id: r.int(2)?,
        facility: r.text(3)?,
        kind: r.text(4)?,
        note: r.opt_text(5)?,
        from_location_id: r.opt_int(6)?,
        left_at: r.text(7)?,
        expected_back_at: r.text(8)?,
        returned_at: r.opt_text(9)?,
        recorded_by: r.text(10)?,
    })
}

async fn transfer_by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<TransferRow>, StoreError> {
    conn.fetch_optional(
        concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE id = $1"
        ),
        &[id.into()],
        transfer,
    )
    .await
}

async fn of_operation(conn: &mut Conn<'_>, op: i64) -> Result<Vec<TransferRow>, StoreError> {
    conn.fetch(
        concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE operation_id = $1 ORDER BY id"
        ),
        &[op.into()],
        transfer,
    )
    .await
}

async fn operation(conn: &mut Conn<'_>, id: i64) -> Result<Option<OperationRow>, StoreError> {
    conn.fetch_optional(
        "SELECT id, name, reason, note, created_at, created_by FROM transfer_operations \
         WHERE id = $1",
        &[id.into()],
        |r| {
            Ok(OperationRow {
                id: r.int(0)?,
                name: r.text(1)?,
                reason: r.text(2)?,
                note: r.opt_text(3)?,
                created_at: r.text(4)?,
                created_by: r.text(5)?,
            })
        },
    )
    .await
}

impl Store {
    /// One transfer.
    pub async fn transfer(&self, id: i64) -> Result<Option<TransferRow>, StoreError> {
        let mut r = self.reader().await?;
        transfer_by_id(&mut r.conn()?, id).await
    }

    /// Transfers from or to a facility (every facility when `None`), optionally of one
    /// status, newest first, at most `limit`.
    pub async fn transfers(
        &self,
        facility: Option<&str>,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<TransferRow>, StoreError> {
        let mut r = self.reader().await?;
        let params: [Val<'_>; 3] = [Val::Text(facility), Val::Text(status), limit.into()];
        let mut conn = r.conn()?;
        match (facility, status) {
            (Some(_), Some(_)) => {
                conn.fetch(
                    concat!(
                        "SELECT ",
                        transfer_columns!(),
                        " FROM transfers WHERE (from_facility = $1 OR to_facility = $1) \
                         AND status = $2 ORDER BY id DESC LIMIT $3"
                    ),
                    &params,
                    transfer,
                )
                .await
            }
            (Some(_), None) => {
                conn.fetch(
                    concat!(
                        "SELECT ",
                        transfer_columns!(),
                        " FROM transfers WHERE (from_facility = $1 OR to_facility = $1) \
                         ORDER BY id DESC LIMIT $2"
                    ),
                    &[params[0], params[2]],
                    transfer,
                )
                .await
            }
            (None, Some(_)) => {
                conn.fetch(
                    concat!(
                        "SELECT ",
                        transfer_columns!(),
                        " FROM transfers WHERE status = $1 ORDER BY id DESC LIMIT $2"
                    ),
                    &[params[1], params[2]],
                    transfer,
                )
                .await
            }
            (None, None) => {
                conn.fetch(
                    concat!(
                        "SELECT ",
                        transfer_columns!(),
                        " FROM transfers ORDER BY id DESC LIMIT $1"
                    ),
                    &[params[2]],
                    transfer,
                )
                .await
            }
        }
    }

    /// Persons on their way to each facility now (dispatched transfers), by destination.
    pub async fn in_transit_to(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT to_facility, COUNT(*) FROM transfers WHERE status = 'dispatched' \
                 GROUP BY to_facility",
                &[],
                |c| Ok((c.text(0)?, c.int(1)?)),
            )
            .await
    }

    /// A bulk operation.
    pub async fn operation(&self, id: i64) -> Result<Option<OperationRow>, StoreError> {
        let mut r = self.reader().await?;
        operation(&mut r.conn()?, id).await
    }

    /// The transfers of a bulk operation.
    pub async fn transfers_of_operation(&self, op: i64) -> Result<Vec<TransferRow>, StoreError> {
        let mut r = self.reader().await?;
        of_operation(&mut r.conn()?, op).await
    }

    /// Absences not returned from, of a facility (every facility when `None`), the
    /// earliest due first.
    pub async fn open_absences(
        &self,
        facility: Option<&str>,
    ) -> Result<Vec<AbsenceRow>, StoreError> {
        let mut r = self.reader().await?;
        let mut conn = r.conn()?;
        match facility {
            Some(f) => {
                conn.fetch(
                    concat!(
                        "SELECT ",
                        absence_columns!(),
                        " FROM absences WHERE returned_at IS NULL AND facility = $1 AND EXISTS \
                         (SELECT 1 FROM custody_episodes e WHERE e.id = absences.episode_id \
                         AND e.released_at IS NULL AND e.presence = 'out') \
                         ORDER BY expected_back_at, id"
                    ),
                    &[f.into()],
                    absence,
                )
                .await
            }
            None => {
                conn.fetch(
                    concat!(
                        "SELECT ",
                        absence_columns!(),
                        " FROM absences WHERE returned_at IS NULL AND EXISTS \
                         (SELECT 1 FROM custody_episodes e WHERE e.id = absences.episode_id \
                         AND e.released_at IS NULL AND e.presence = 'out') \
                         ORDER BY expected_back_at, id"
                    ),
                    &[],
                    absence,
                )
                .await
            }
        }
    }
}

impl WriteTx {
    /// One transfer, as this transaction sees it.
    pub async fn transfer(&mut self, id: i64) -> Result<Option<TransferRow>, StoreError> {
        transfer_by_id(&mut self.conn(), id).await
    }

    /// The transfers of a bulk operation, as this transaction sees them.
    pub async fn transfers_of_operation(
        &mut self,
        op: i64,
    ) -> Result<Vec<TransferRow>, StoreError> {
        of_operation(&mut self.conn(), op).await
    }

    /// A bulk operation, as this transaction sees it.
    pub async fn operation(&mut self, id: i64) -> Result<Option<OperationRow>, StoreError> {
        operation(&mut self.conn(), id).await
    }

    /// The open transfer of a person, if any.
    pub async fn open_transfer_of(
        &mut self,
        person_id: i64,
    ) -> Result<Option<TransferRow>, StoreError> {
        self.conn()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    transfer_columns!(),
                    " FROM transfers WHERE person_id = $1 \
                     AND status IN ('requested', 'approved', 'dispatched')"
                ),
                &[person_id.into()],
                transfer,
            )
            .await
    }

    /// Creates a bulk operation; returns its id.
    pub async fn insert_operation(
        &mut self,
        name: &str,
        reason: &str,
        note: Option<&str>,
        now: &str,
        by: &str,
    ) -> Result<i64, StoreError> {
        crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO transfer_operations (name, reason, note, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        name.into(),
                        reason.into(),
                        note.into(),
                        now.into(),
                        by.into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Records a requested transfer; returns its id. A person has at most one open
    /// transfer (a unique index refuses a second).
    pub async fn insert_transfer(&mut self, t: &TransferRow) -> Result<i64, StoreError> {
        crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO transfers (person_id, episode_id, operation_id, from_facility, \
                 to_facility, to_location_id, reason, note, status, notify_judge, notify_family, \
                 requested_at, requested_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                    &[
                        t.person_id.into(),
                        t.episode_id.into(),
                        t.operation_id.into(),
                        (&t.from_facility).into(),
                        (&t.to_facility).into(),
                        t.to_location_id.into(),
                        (&t.reason).into(),
                        t.note.as_deref().into(),
                        (&t.status).into(),
                        i64::from(t.notify_judge).into(),
                        i64::from(t.notify_family).into(),
                        (&t.requested_at).into(),
                        (&t.requested_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Writes a transfer's status and steps.
    pub async fn update_transfer(&mut self, t: &TransferRow) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE transfers SET status = $2, to_location_id = $3, approved_at = $4, \
                 approved_by = $5, dispatched_at = $6, dispatched_by = $7, received_at = $8, \
                 received_by = $9, cancelled_at = $10, cancelled_by = $11, cancel_reason = $12 \
                 WHERE id = $1",
                &[
                    t.id.into(),
                    (&t.status).into(),
                    t.to_location_id.into(),
                    t.approved_at.as_deref().into(),
                    t.approved_by.as_deref().into(),
                    t.dispatched_at.as_deref().into(),
                    t.dispatched_by.as_deref().into(),
                    t.received_at.as_deref().into(),
                    t.received_by.as_deref().into(),
                    t.cancelled_at.as_deref().into(),
                    t.cancelled_by.as_deref().into(),
                    t.cancel_reason.as_deref().into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Records an absence; returns its id.
    pub async fn insert_absence(&mut self, a: &AbsenceRow) -> Result<i64, StoreError> {
        crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO absences (person_id, episode_id, facility, kind, note, \
                 from_location_id, left_at, expected_back_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    &[
                        a.person_id.into(),
                        a.episode_id.into(),
                        (&a.facility).into(),
                        (&a.kind).into(),
                        a.note.as_deref().into(),
                        a.from_location_id.into(),
                        (&a.left_at).into(),
                        (&a.expected_back_at).into(),
                        (&a.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// One absence.
    pub async fn absence(&mut self, id: i64) -> Result<Option<AbsenceRow>, StoreError> {
        self.conn()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    absence_columns!(),
                    " FROM absences WHERE id = $1"
                ),
                &[id.into()],
                absence,
            )
            .await
    }

    /// Marks an absence returned from.
    pub async fn return_absence(&mut self, id: i64, at: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE absences SET returned_at = $2 WHERE id = $1",
                &[id.into(), at.into()],
            )
            .await?;
        Ok(())
    }

    /// Records a death in custody and marks the person deceased.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_death(
        &mut self,
        person_id: i64,
        episode_id: i64,
        facility: &str,
        died_at: &str,
        place: &str,
        cause: &str,
        circumstances: Option<&str>,
        now: &str,
        by: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "INSERT INTO deaths (person_id, episode_id, facility, died_at, place, cause, \
                 circumstances, recorded_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    person_id.into(),
                    episode_id.into(),
                    facility.into(),
                    died_at.into(),
                    place.into(),
                    cause.into(),
                    circumstances.into(),
                    now.into(),
                    by.into(),
                ],
            )
            .await?;
        self.conn()
            .execute(
                "UPDATE persons SET deceased_at = $2 WHERE id = $1",
                &[person_id.into(), died_at.into()],
            )
            .await?;
        Ok(())
    }

    /// When the person died, if they did.
    pub async fn deceased_at(&mut self, person_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .fetch_optional(
                "SELECT deceased_at FROM persons WHERE id = $1",
                &[person_id.into()],
                |r| r.opt_text(0),
            )
            .await?
            .flatten())
    }
}
