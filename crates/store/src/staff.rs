//! The staff register and duty rosters: staff members, shifts, and who is on duty where
//! at any instant.
//!
//! Each staff member's place on a shift is a row of `duties` carrying the shift's
//! facility and times, so that who is on duty at an instant is one range of an index:
//! no shift lasts more than [`MAX_SHIFT_HOURS`](custodia_domain::staff::MAX_SHIFT_HOURS),
//! so only the duties that began in the hours just before the instant can cover it.

use custodia_domain::names::fold;
use custodia_domain::staff::earliest_start_covering;
use custodia_domain::time::canonical;

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::write::WriteTx;

/// A staff member as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Service number (unique).
    pub service_number: String,
    /// Given names.
    pub given_names: String,
    /// Surnames.
    pub surnames: String,
    /// `prison_guard`, `police`, `administrative`, `health`, `technical` or `other`.
    pub kind: String,
    /// Rank or grade.
    pub rank: Option<String>,
    /// The facility they belong to.
    pub home_facility: String,
    /// The emergency contact, as JSON.
    pub emergency_contact: Option<String>,
    /// In service.
    pub active: bool,
    /// The linked user's username.
    pub username: Option<String>,
    /// Folded surnames and given names, for listing in name order.
    pub sort_key: String,
    /// Folded service number and names, for finding by any of them.
    pub search_key: String,
    /// When registered.
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
}

/// A shift as stored, with who is on it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShiftRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// The facility.
    pub facility: String,
    /// When it starts.
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
    /// Each staff member on it and their post, in the order recorded.
    pub duties: Vec<(i64, Option<String>)>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// A staff member's duty on a shift (enough to name a clash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyRow {
    /// The shift.
    pub shift_id: i64,
    /// Its facility.
    pub facility: String,
    /// When it starts.
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
}

/// Someone on duty at a facility at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnDuty {
    /// The staff member.
    pub staff_id: i64,
    /// Their service number.
    pub service_number: String,
    /// Given names.
    pub given_names: String,
    /// Surnames.
    pub surnames: String,
    /// Their kind (`prison_guard`, `police`, …).
    pub kind: String,
    /// Their rank.
    pub rank: Option<String>,
    /// Their home facility (a police officer may serve elsewhere).
    pub home_facility: String,
    /// The shift they are on.
    pub shift_id: i64,
    /// Their post on it, if named.
    pub post: Option<String>,
    /// When the shift starts.
    pub starts_at: String,
    /// When it ends.
    pub ends_at: String,
}

/// Which staff to list; `None` is no condition.
#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    /// Home facility.
    pub facility: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// In service or not.
    pub active: Option<bool>,
    /// A folded fragment of the service number or names.
    pub q: Option<String>,
}

impl StaffFilter {
    /// The parameters `$1`–`$4` of the listing queries: an empty text or a negative
    /// number stands for "any", so that one SQL text serves every combination.
    fn params(&self) -> (String, String, i64, String) {
        (
            self.facility.clone().unwrap_or_default(),
            self.kind.clone().unwrap_or_default(),
            self.active.map_or(-1, i64::from),
            self.q
                .as_deref()
                .filter(|q| !q.is_empty())
                .map_or_else(String::new, |q| format!("%{q}%")),
        )
    }
}

macro_rules! staff_columns {
    () => {
        "id, service_number, given_names, surnames, kind, rank, home_facility, \
         emergency_contact, active, username, sort_key, search_key, created_at, updated_at"
    };
}

macro_rules! staff_filter {
    () => {
        " WHERE ($1 = '' OR home_facility = $1) AND ($2 = '' OR kind = $2) \
          AND ($3 < 0 OR active = $3) AND ($4 = '' OR search_key LIKE $4)"
    };
}

fn staff(r: &dyn Cells) -> Result<StaffRow, StoreError> {
    Ok(StaffRow {
        id: r.int(0)?,
        service_number: r.text(1)?,
        given_names: r.text(2)?,
        surnames: r.text(3)?,
        kind: r.text(4)?,
        rank: r.opt_text(5)?,
        home_facility: r.text(6)?,
        emergency_contact: r.opt_text(7)?,
        active: r.int(8)? != 0,
        username: r.opt_text(9)?,
        sort_key: r.text(10)?,
        search_key: r.text(11)?,
        created_at: r.text(12)?,
        updated_at: r.text(13)?,
    })
}

fn on_duty_row(r: &dyn Cells) -> Result<OnDuty, StoreError> {
    Ok(OnDuty {
        staff_id: r.int(0)?,
        service_number: r.text(1)?,
        given_names: r.text(2)?,
        surnames: r.text(3)?,
        kind: r.text(4)?,
        rank: r.opt_text(5)?,
        home_facility: r.text(6)?,
        shift_id: r.int(7)?,
        post: r.opt_text(8)?,
        starts_at: r.text(9)?,
        ends_at: r.text(10)?,
    })
}

/// The earliest start of a duty that may cover `at` (canonical text).
fn window_start(at: &str) -> Result<String, StoreError> {
    let ts = custodia_domain::time::parse(at)
        .map_err(|e| StoreError::Corrupt(format!("instant `{at}`: {e}")))?;
    Ok(canonical(earliest_start_covering(ts)))
}

async fn staff_by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<StaffRow>, StoreError> {
    conn.fetch_optional(
        concat!("SELECT ", staff_columns!(), " FROM staff WHERE id = $1"),
        &[id.into()],
        staff,
    )
    .await
}

async fn on_duty_at(
    conn: &mut Conn<'_>,
    facility: &str,
    at: &str,
) -> Result<Vec<OnDuty>, StoreError> {
    let from = window_start(at)?;
    // Each staff column by primary key, row by row: a join let PostgreSQL hash the whole
    // register for the few dozen on duty (2 ms with 6,000 staff, growing with the
    // register), where these lookups take a fixed fraction of a millisecond.
    let mut rows = conn
        .fetch(
            "SELECT d.staff_id, \
             (SELECT s.service_number FROM staff s WHERE s.id = d.staff_id), \
             (SELECT s.given_names FROM staff s WHERE s.id = d.staff_id), \
             (SELECT s.surnames FROM staff s WHERE s.id = d.staff_id), \
             (SELECT s.kind FROM staff s WHERE s.id = d.staff_id), \
             (SELECT s.rank FROM staff s WHERE s.id = d.staff_id), \
             (SELECT s.home_facility FROM staff s WHERE s.id = d.staff_id), \
             d.shift_id, d.post, d.starts_at, d.ends_at FROM duties d \
             WHERE d.facility = $1 AND d.starts_at >= $3 AND d.starts_at <= $2 \
             AND d.ends_at > $2",
            &[facility.into(), at.into(), from.as_str().into()],
            on_duty_row,
        )
        .await?;
    // Name order, as the register lists staff.
    rows.sort_by_cached_key(|d| {
        (
            fold(&format!("{} {}", d.surnames, d.given_names)),
            d.staff_id,
        )
    });
    Ok(rows)
}

impl Store {
    /// One staff member.
    pub async fn staff_member(&self, id: i64) -> Result<Option<StaffRow>, StoreError> {
        let mut r = self.reader().await?;
        staff_by_id(&mut r.conn()?, id).await
    }

    /// Staff matching `filter`, in name order, from `offset`, at most `limit`.
    pub async fn staff_list(
        &self,
        filter: &StaffFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<StaffRow>, StoreError> {
        let (facility, kind, active, q) = filter.params();
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    staff_columns!(),
                    " FROM staff",
                    staff_filter!(),
                    " ORDER BY sort_key, id LIMIT $5 OFFSET $6"
                ),
                &[
                    facility.as_str().into(),
                    kind.as_str().into(),
                    active.into(),
                    q.as_str().into(),
                    limit.into(),
                    offset.into(),
                ],
                staff,
            )
            .await
    }

    /// How many staff match `filter`.
    pub async fn staff_count(&self, filter: &StaffFilter) -> Result<i64, StoreError> {
        let (facility, kind, active, q) = filter.params();
        let mut r = self.reader().await?;
        let n = r
            .conn()?
            .fetch(
                concat!("SELECT COUNT(*) FROM staff", staff_filter!()),
                &[
                    facility.as_str().into(),
                    kind.as_str().into(),
                    active.into(),
                    q.as_str().into(),
                ],
                |r| r.int(0),
            )
            .await?;
        Ok(n.first().copied().unwrap_or(0))
    }

    /// A facility's shifts that overlap `[from, to)` (canonical instants), by start.
    pub async fn shifts(
        &self,
        facility: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<ShiftRow>, StoreError> {
        let earliest = window_start(from)?;
        let mut r = self.reader().await?;
        let rows = r
            .conn()?
            .fetch(
                "SELECT s.id, s.starts_at, s.ends_at, s.recorded_at, s.recorded_by, \
                 d.staff_id, d.post FROM shifts s JOIN duties d ON d.shift_id = s.id \
                 WHERE s.facility = $1 AND s.starts_at >= $4 AND s.starts_at < $3 \
                 AND s.ends_at > $2 ORDER BY s.starts_at, s.id, d.staff_id",
                &[
                    facility.into(),
                    from.into(),
                    to.into(),
                    earliest.as_str().into(),
                ],
                |r| {
                    Ok((
                        r.int(0)?,
                        r.text(1)?,
                        r.text(2)?,
                        r.text(3)?,
                        r.text(4)?,
                        r.int(5)?,
                        r.opt_text(6)?,
                    ))
                },
            )
            .await?;
        let mut out: Vec<ShiftRow> = Vec::new();
        for (id, starts_at, ends_at, recorded_at, recorded_by, staff_id, post) in rows {
            match out.last_mut() {
                Some(last) if last.id == id => last.duties.push((staff_id, post)),
                _ => out.push(ShiftRow {
                    id,
                    facility: facility.to_owned(),
                    starts_at,
                    ends_at,
                    duties: vec![(staff_id, post)],
                    recorded_at,
                    recorded_by,
                }),
            }
        }
        Ok(out)
    }

    /// Who is on duty at `facility` at the instant `at` (canonical UTC text), by name.
    pub async fn on_duty(&self, facility: &str, at: &str) -> Result<Vec<OnDuty>, StoreError> {
        let mut r = self.reader().await?;
        on_duty_at(&mut r.conn()?, facility, at).await
    }
}

impl WriteTx {
    /// One staff member, as this transaction sees it.
    pub async fn staff_member(&mut self, id: i64) -> Result<Option<StaffRow>, StoreError> {
        staff_by_id(&mut self.conn(), id).await
    }

    /// Who is on duty at `facility` at the instant `at` (canonical UTC text), by name.
    pub async fn on_duty(&mut self, facility: &str, at: &str) -> Result<Vec<OnDuty>, StoreError> {
        on_duty_at(&mut self.conn(), facility, at).await
    }

    /// The staff member with this service number, if any.
    pub async fn staff_by_service_number(
        &mut self,
        service_number: &str,
    ) -> Result<Option<StaffRow>, StoreError> {
        self.conn()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    staff_columns!(),
                    " FROM staff WHERE service_number = $1"
                ),
                &[service_number.into()],
                staff,
            )
            .await
    }

    /// The staff member linked to this user, if any.
    pub async fn staff_by_user(&mut self, username: &str) -> Result<Option<StaffRow>, StoreError> {
        self.conn()
            .fetch_optional(
                concat!(
                    "SELECT ",
                    staff_columns!(),
                    " FROM staff WHERE username = $1"
                ),
                &[username.into()],
                staff,
            )
            .await
    }

    /// Whether a user with this username exists.
    pub async fn user_exists(&mut self, username: &str) -> Result<bool, StoreError> {
        Ok(!self
            .conn()
            .fetch(
                "SELECT 1 FROM users WHERE username = $1",
                &[username.into()],
                |r| r.int(0),
            )
            .await?
            .is_empty())
    }

    /// Registers a staff member; returns their id.
    pub async fn insert_staff(&mut self, s: &StaffRow) -> Result<i64, StoreError> {
        crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO staff (service_number, given_names, surnames, kind, rank, \
                     home_facility, emergency_contact, active, username, sort_key, search_key, \
                     created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                    &[
                        (&s.service_number).into(),
                        (&s.given_names).into(),
                        (&s.surnames).into(),
                        (&s.kind).into(),
                        s.rank.as_deref().into(),
                        (&s.home_facility).into(),
                        s.emergency_contact.as_deref().into(),
                        i64::from(s.active).into(),
                        s.username.as_deref().into(),
                        (&s.sort_key).into(),
                        (&s.search_key).into(),
                        (&s.created_at).into(),
                        (&s.updated_at).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Stores a staff member's changeable details (rank, home facility, contact, active,
    /// linked user).
    pub async fn update_staff(&mut self, s: &StaffRow) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE staff SET rank = $2, home_facility = $3, emergency_contact = $4, \
                 active = $5, username = $6, updated_at = $7 WHERE id = $1",
                &[
                    s.id.into(),
                    s.rank.as_deref().into(),
                    (&s.home_facility).into(),
                    s.emergency_contact.as_deref().into(),
                    i64::from(s.active).into(),
                    s.username.as_deref().into(),
                    (&s.updated_at).into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// A duty of `staff_id` that overlaps `[starts_at, ends_at)`, anywhere, if any.
    pub async fn duty_overlapping(
        &mut self,
        staff_id: i64,
        starts_at: &str,
        ends_at: &str,
    ) -> Result<Option<DutyRow>, StoreError> {
        let earliest = window_start(starts_at)?;
        self.conn()
            .fetch_optional(
                "SELECT shift_id, facility, starts_at, ends_at FROM duties \
                 WHERE staff_id = $1 AND starts_at >= $4 AND starts_at < $3 AND ends_at > $2 \
                 ORDER BY starts_at LIMIT 1",
                &[
                    staff_id.into(),
                    starts_at.into(),
                    ends_at.into(),
                    earliest.as_str().into(),
                ],
                |r| {
                    Ok(DutyRow {
                        shift_id: r.int(0)?,
                        facility: r.text(1)?,
                        starts_at: r.text(2)?,
                        ends_at: r.text(3)?,
                    })
                },
            )
            .await
    }

    /// Records a shift and each staff member's duty on it; returns the shift's id.
    pub async fn insert_shift(&mut self, s: &ShiftRow) -> Result<i64, StoreError> {
        let id = crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO shifts (facility, starts_at, ends_at, recorded_at, recorded_by) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        (&s.facility).into(),
                        (&s.starts_at).into(),
                        (&s.ends_at).into(),
                        (&s.recorded_at).into(),
                        (&s.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )?;
        for (staff_id, post) in &s.duties {
            self.conn()
                .execute(
                    "INSERT INTO duties (shift_id, staff_id, post, facility, starts_at, ends_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        id.into(),
                        (*staff_id).into(),
                        post.as_deref().into(),
                        (&s.facility).into(),
                        (&s.starts_at).into(),
                        (&s.ends_at).into(),
                    ],
                )
                .await?;
        }
        Ok(id)
    }
}
