//! The locations read table: each facility's tree of places.

use custodia_domain::{
    HoldsSex, Location, NewLocation, OutOfService, OutOfServiceReason, SecurityLevel,
};

use custodia_domain::placement::HoldsLegalStatus;

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::row::{instant, vocab};
use crate::write::WriteTx;

macro_rules! columns {
    () => {
        "id, facility, code, name, parent_id, security_level, holds_sex, \
         design_capacity, operational_capacity, oos_reason, oos_since, oos_until, oos_note, \
         holds_legal_status"
    };
}

fn location(r: &dyn Cells) -> Result<Location, StoreError> {
    let out_of_service = match r.opt_text(9)? {
        None => None,
        Some(reason) => Some(OutOfService {
            reason: vocab("oos_reason", &reason, OutOfServiceReason::parse)?,
            since: instant("oos_since", &r.text(10)?)?,
            until: r
                .opt_text(11)?
                .as_deref()
                .map(|u| instant("oos_until", u))
                .transpose()?,
            note: r.opt_text(12)?,
        }),
    };
    Ok(Location {
        id: r.int(0)?,
        facility: r.text(1)?,
        code: r.text(2)?,
        name: r.text(3)?,
        parent_id: r.opt_int(4)?,
        security_level: vocab("security_level", &r.text(5)?, SecurityLevel::parse)?,
        holds_sex: vocab("holds_sex", &r.text(6)?, HoldsSex::parse)?,
        holds_legal_status: vocab("holds_legal_status", &r.text(13)?, HoldsLegalStatus::parse)?,
        design_capacity: r.int(7)?,
        operational_capacity: r.int(8)?,
        out_of_service,
    })
}

async fn one(conn: &mut Conn<'_>, id: i64) -> Result<Option<Location>, StoreError> {
    conn.fetch_optional(
        concat!("SELECT ", columns!(), " FROM locations WHERE id = $1"),
        &[id.into()],
        location,
    )
    .await
}

async fn of_facility(conn: &mut Conn<'_>, facility: &str) -> Result<Vec<Location>, StoreError> {
    conn.fetch(
        concat!(
            "SELECT ",
            columns!(),
            " FROM locations WHERE facility = $1 ORDER BY code"
        ),
        &[facility.into()],
        location,
    )
    .await
}

impl Store {
    /// One location by id.
    pub async fn location(&self, id: i64) -> Result<Option<Location>, StoreError> {
        let mut r = self.reader().await?;
        one(&mut r.conn()?, id).await
    }

    /// Every location of every facility, by facility and code.
    pub async fn all_locations(&self) -> Result<Vec<Location>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM locations ORDER BY facility, code"
                ),
                &[],
                location,
            )
            .await
    }

    /// Every location with an out-of-service period recorded (current, past or future).
    pub async fn locations_with_closures(&self) -> Result<Vec<Location>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM locations WHERE oos_since IS NOT NULL"
                ),
                &[],
                location,
            )
            .await
    }

    /// Every location of a facility, by code.
    pub async fn locations_of(&self, facility: &str) -> Result<Vec<Location>, StoreError> {
        let mut r = self.reader().await?;
        of_facility(&mut r.conn()?, facility).await
    }
}

impl WriteTx {
    /// A location and every location above it, the location first, its unit last.
    pub async fn location_with_ancestors(&mut self, id: i64) -> Result<Vec<Location>, StoreError> {
        let mut rows = self
            .conn()
            .fetch(
                concat!(
                    "WITH RECURSIVE up (id, depth) AS (SELECT CAST($1 AS BIGINT), 0 \
                     UNION ALL SELECT l.parent_id, up.depth + 1 FROM locations l \
                     JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL AND up.depth < 64) \
                     SELECT ",
                    columns!(),
                    " FROM (SELECT locations.*, up.depth AS depth FROM locations \
                     JOIN up ON locations.id = up.id) AS chain ORDER BY depth"
                ),
                &[id.into()],
                location,
            )
            .await?;
        rows.dedup_by_key(|l| l.id);
        Ok(rows)
    }

    /// One location by id, as this transaction sees it.
    pub async fn location(&mut self, id: i64) -> Result<Option<Location>, StoreError> {
        one(&mut self.conn(), id).await
    }

    /// Every location of a facility, as this transaction sees them.
    pub async fn locations_of(&mut self, facility: &str) -> Result<Vec<Location>, StoreError> {
        of_facility(&mut self.conn(), facility).await
    }

    /// Inserts a location; returns its assigned id.
    pub async fn insert_location(
        &mut self,
        facility: &str,
        l: &NewLocation,
        now: &str,
    ) -> Result<i64, StoreError> {
        let id = self
            .conn()
            .fetch(
                "INSERT INTO locations (facility, code, name, parent_id, security_level, holds_sex, \
                 design_capacity, operational_capacity, updated_at, holds_legal_status) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                &[
                    facility.into(),
                    (&l.code).into(),
                    (&l.name).into(),
                    l.parent_id.into(),
                    l.security_level.as_str().into(),
                    l.holds_sex.as_str().into(),
                    l.design_capacity.into(),
                    l.operational_capacity.into(),
                    now.into(),
                    l.holds_legal_status.as_str().into(),
                ],
                |c| c.int(0),
            )
            .await?;
        id.first()
            .copied()
            .ok_or_else(|| StoreError::Corrupt("INSERT … RETURNING id returned no row".into()))
    }

    /// Rewrites a location's details and its out-of-service period.
    pub async fn update_location(&mut self, l: &Location, now: &str) -> Result<(), StoreError> {
        let oos = l.out_of_service.as_ref();
        let since = oos.map(|p| custodia_domain::time::canonical(p.since));
        let until = oos.and_then(|p| p.until.map(custodia_domain::time::canonical));
        self.conn()
            .execute(
                "UPDATE locations SET code = $2, name = $3, parent_id = $4, security_level = $5, \
                 holds_sex = $6, design_capacity = $7, operational_capacity = $8, oos_reason = $9, \
                 oos_since = $10, oos_until = $11, oos_note = $12, updated_at = $13, \
                 holds_legal_status = $14 WHERE id = $1",
                &[
                    l.id.into(),
                    (&l.code).into(),
                    (&l.name).into(),
                    l.parent_id.into(),
                    l.security_level.as_str().into(),
                    l.holds_sex.as_str().into(),
                    l.design_capacity.into(),
                    l.operational_capacity.into(),
                    oos.map(|p| p.reason.as_str()).into(),
                    since.as_deref().into(),
                    until.as_deref().into(),
                    oos.and_then(|p| p.note.as_deref()).into(),
                    now.into(),
                    l.holds_legal_status.as_str().into(),
                ],
            )
            .await?;
        Ok(())
    }
}
