//! Mandatory notifications as tracked tasks.

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::persons::first_id;
use crate::write::WriteTx;

/// A notification row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Why (`death`, `transfer`, …).
    pub reason: String,
    /// To whom (`judicial_authority`, `next_of_kin`, …).
    pub recipient: String,
    /// The facility responsible.
    pub facility: Option<String>,
    /// The person concerned.
    pub person_id: Option<i64>,
    /// The incident concerned.
    pub incident_id: Option<i64>,
    /// The transfer concerned.
    pub transfer_id: Option<i64>,
    /// What to tell.
    pub summary: String,
    /// Due by.
    pub due_at: String,
    /// Created.
    pub created_at: String,
    /// `pending` or `done`.
    pub status: String,
    /// When done.
    pub done_at: Option<String>,
    /// By whom.
    pub done_by: Option<String>,
    /// How (`phone`, `in_person`, …).
    pub channel: Option<String>,
    /// To whom, by name and office.
    pub notified: Option<String>,
    /// A note.
    pub note: Option<String>,
}

macro_rules! columns {
    () => {
        "id, reason, recipient, facility, person_id, incident_id, transfer_id, summary, due_at, \
         created_at, status, done_at, done_by, channel, notified, note"
    };
}

fn row(r: &dyn Cells) -> Result<NotificationRow, StoreError> {
    Ok(NotificationRow {
        id: r.int(0)?,
        reason: r.text(1)?,
        recipient: r.text(2)?,
        facility: r.opt_text(3)?,
        person_id: r.opt_int(4)?,
        incident_id: r.opt_int(5)?,
        transfer_id: r.opt_int(6)?,
        summary: r.text(7)?,
        due_at: r.text(8)?,
        created_at: r.text(9)?,
        status: r.text(10)?,
        done_at: r.opt_text(11)?,
        done_by: r.opt_text(12)?,
        channel: r.opt_text(13)?,
        notified: r.opt_text(14)?,
        note: r.opt_text(15)?,
    })
}

/// Which notifications to list.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    /// Of this facility (`None`: all).
    pub facility: Option<String>,
    /// In this status.
    pub status: Option<String>,
    /// Due before.
    pub due_before: Option<String>,
    /// At most.
    pub limit: i64,
}

async fn one(conn: &mut Conn<'_>, id: i64) -> Result<Option<NotificationRow>, StoreError> {
    conn.fetch_optional(
        concat!("SELECT ", columns!(), " FROM notifications WHERE id = $1"),
        &[id.into()],
        row,
    )
    .await
}

impl Store {
    /// One notification.
    pub async fn notification(&self, id: i64) -> Result<Option<NotificationRow>, StoreError> {
        let mut r = self.reader().await?;
        one(&mut r.conn()?, id).await
    }

    /// Notifications matching a filter, soonest due first.
    pub async fn notifications(
        &self,
        f: &NotificationFilter,
    ) -> Result<Vec<NotificationRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM notifications WHERE (CAST($1 AS TEXT) IS NULL OR facility = $1) \
                     AND (CAST($2 AS TEXT) IS NULL OR status = $2) \
                     AND (CAST($3 AS TEXT) IS NULL OR due_at < $3) \
                     ORDER BY due_at, id LIMIT $4"
                ),
                &[
                    f.facility.as_deref().into(),
                    f.status.as_deref().into(),
                    f.due_before.as_deref().into(),
                    f.limit.into(),
                ],
                row,
            )
            .await
    }

    /// Pending notifications past due at `now`, per facility (`None`: national).
    pub async fn overdue_notifications(
        &self,
        now: &str,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, COUNT(*) FROM notifications WHERE status = 'pending' \
                 AND due_at < $1 GROUP BY facility",
                &[now.into()],
                |r| Ok((r.opt_text(0)?, r.int(1)?)),
            )
            .await
    }

    /// The notifications of an incident.
    pub async fn notifications_of_incident(
        &self,
        incident_id: i64,
    ) -> Result<Vec<NotificationRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM notifications WHERE incident_id = $1 ORDER BY due_at, id"
                ),
                &[incident_id.into()],
                row,
            )
            .await
    }
}

impl WriteTx {
    /// One notification, as this transaction sees it.
    pub async fn notification(&mut self, id: i64) -> Result<Option<NotificationRow>, StoreError> {
        one(&mut self.conn(), id).await
    }

    /// Creates a notification task; returns its id.
    pub async fn insert_notification(&mut self, n: &NotificationRow) -> Result<i64, StoreError> {
        first_id(
            self.conn()
                .fetch(
                    "INSERT INTO notifications (reason, recipient, facility, person_id, \
                     incident_id, transfer_id, summary, due_at, created_at, status) VALUES ($1, \
                     $2, $3, $4, $5, $6, $7, $8, $9, 'pending') RETURNING id",
                    &[
                        (&n.reason).into(),
                        (&n.recipient).into(),
                        n.facility.as_deref().into(),
                        n.person_id.into(),
                        n.incident_id.into(),
                        n.transfer_id.into(),
                        (&n.summary).into(),
                        (&n.due_at).into(),
                        (&n.created_at).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Records a notification as done.
    pub async fn complete_notification(&mut self, n: &NotificationRow) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE notifications SET status = 'done', done_at = $2, done_by = $3, \
                 channel = $4, notified = $5, note = $6 WHERE id = $1",
                &[
                    n.id.into(),
                    n.done_at.as_deref().into(),
                    n.done_by.as_deref().into(),
                    n.channel.as_deref().into(),
                    n.notified.as_deref().into(),
                    n.note.as_deref().into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Whether a pending notification of this reason and recipient exists for an incident
    /// (a hostage-taking is announced once, however many are taken).
    pub async fn has_notification(
        &mut self,
        incident_id: i64,
        reason: &str,
        recipient: &str,
    ) -> Result<bool, StoreError> {
        Ok(!self
            .conn()
            .fetch(
                "SELECT id FROM notifications WHERE incident_id = $1 AND reason = $2 \
                 AND recipient = $3",
                &[incident_id.into(), reason.into(), recipient.into()],
                |r| r.int(0),
            )
            .await?
            .is_empty())
    }
}
