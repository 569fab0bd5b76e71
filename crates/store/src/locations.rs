//! The locations read table: each facility's tree of places.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use custodia_domain::{
    HoldsSex, Location, NewLocation, OutOfService, OutOfServiceReason, SecurityLevel,
};

use crate::db::Store;
use crate::error::StoreError;
use crate::row::{instant, vocab};
use crate::write::WriteTx;

const COLUMNS: &str = "id, facility, code, name, parent_id, security_level, holds_sex, \
    design_capacity, operational_capacity, oos_reason, oos_since, oos_until, oos_note";

fn location(r: &AnyRow) -> Result<Location, StoreError> {
    let reason: Option<String> = r.try_get("oos_reason")?;
    let out_of_service = match reason {
        None => None,
        Some(reason) => {
            let since: String = r.try_get("oos_since")?;
            let until: Option<String> = r.try_get("oos_until")?;
            Some(OutOfService {
                reason: vocab("oos_reason", &reason, OutOfServiceReason::parse)?,
                since: instant("oos_since", &since)?,
                until: until
                    .as_deref()
                    .map(|u| instant("oos_until", u))
                    .transpose()?,
                note: r.try_get("oos_note")?,
            })
        }
    };
    Ok(Location {
        id: r.try_get("id")?,
        facility: r.try_get("facility")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        parent_id: r.try_get("parent_id")?,
        security_level: vocab(
            "security_level",
            &r.try_get::<String, _>("security_level")?,
            SecurityLevel::parse,
        )?,
        holds_sex: vocab(
            "holds_sex",
            &r.try_get::<String, _>("holds_sex")?,
            HoldsSex::parse,
        )?,
        design_capacity: r.try_get("design_capacity")?,
        operational_capacity: r.try_get("operational_capacity")?,
        out_of_service,
    })
}

async fn fetch<'c>(
    x: impl Executor<'c, Database = Any>,
    id: i64,
) -> Result<Option<Location>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM locations WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(x)
    .await?;
    row.as_ref().map(location).transpose()
}

async fn of_facility<'c>(
    x: impl Executor<'c, Database = Any>,
    facility: &str,
) -> Result<Vec<Location>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM locations WHERE facility = $1 ORDER BY code"
    )))
    .bind(facility)
    .fetch_all(x)
    .await?;
    rows.iter().map(location).collect()
}

impl Store {
    /// One location by id.
    pub async fn location(&self, id: i64) -> Result<Option<Location>, StoreError> {
        fetch(&self.pool, id).await
    }

    /// Every location of every facility, by facility and code.
    pub async fn all_locations(&self) -> Result<Vec<Location>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM locations ORDER BY facility, code"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(location).collect()
    }

    /// Every location of a facility, by code.
    pub async fn locations_of(&self, facility: &str) -> Result<Vec<Location>, StoreError> {
        of_facility(&self.pool, facility).await
    }
}

impl WriteTx {
    /// One location by id, as this transaction sees it.
    pub async fn location(&mut self, id: i64) -> Result<Option<Location>, StoreError> {
        fetch(self.conn(), id).await
    }

    /// Every location of a facility, as this transaction sees them.
    pub async fn locations_of(&mut self, facility: &str) -> Result<Vec<Location>, StoreError> {
        of_facility(self.conn(), facility).await
    }

    /// Inserts a location; returns its assigned id.
    pub async fn insert_location(
        &mut self,
        facility: &str,
        l: &NewLocation,
        now: &str,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO locations (facility, code, name, parent_id, security_level, holds_sex, \
             design_capacity, operational_capacity, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(facility)
        .bind(l.code.as_str())
        .bind(l.name.as_str())
        .bind(l.parent_id)
        .bind(l.security_level.as_str())
        .bind(l.holds_sex.as_str())
        .bind(l.design_capacity)
        .bind(l.operational_capacity)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        Ok(id)
    }

    /// Rewrites a location's details and its out-of-service period.
    pub async fn update_location(&mut self, l: &Location, now: &str) -> Result<(), StoreError> {
        let oos = l.out_of_service.as_ref();
        sqlx::query(
            "UPDATE locations SET code = $2, name = $3, parent_id = $4, security_level = $5, \
             holds_sex = $6, design_capacity = $7, operational_capacity = $8, oos_reason = $9, \
             oos_since = $10, oos_until = $11, oos_note = $12, updated_at = $13 WHERE id = $1",
        )
        .bind(l.id)
        .bind(l.code.as_str())
        .bind(l.name.as_str())
        .bind(l.parent_id)
        .bind(l.security_level.as_str())
        .bind(l.holds_sex.as_str())
        .bind(l.design_capacity)
        .bind(l.operational_capacity)
        .bind(oos.map(|p| p.reason.as_str()))
        .bind(oos.map(|p| custodia_domain::time::canonical(p.since)))
        .bind(oos.and_then(|p| p.until.map(custodia_domain::time::canonical)))
        .bind(oos.and_then(|p| p.note.clone()))
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
