//! The facilities read table.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use custodia_domain::facility::parse_security_levels;
use custodia_domain::{Facility, FacilityKind, HoldsAge, HoldsSex};

use crate::db::Store;
use crate::error::StoreError;
use crate::row::vocab;
use crate::write::WriteTx;

const COLUMNS: &str =
    "code, name, kind, province, city, timezone, holds_sex, holds_age, security_levels";

fn facility(r: &AnyRow) -> Result<Facility, StoreError> {
    let levels: String = r.try_get("security_levels")?;
    Ok(Facility {
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: vocab(
            "kind",
            &r.try_get::<String, _>("kind")?,
            FacilityKind::parse,
        )?,
        province: r.try_get("province")?,
        city: r.try_get("city")?,
        timezone: r.try_get("timezone")?,
        holds_sex: vocab(
            "holds_sex",
            &r.try_get::<String, _>("holds_sex")?,
            HoldsSex::parse,
        )?,
        holds_age: vocab(
            "holds_age",
            &r.try_get::<String, _>("holds_age")?,
            HoldsAge::parse,
        )?,
        security_levels: parse_security_levels(&levels)
            .map_err(|e| StoreError::Corrupt(format!("security_levels: {e}")))?,
    })
}

async fn fetch<'c>(
    x: impl Executor<'c, Database = Any>,
    code: &str,
) -> Result<Option<Facility>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM facilities WHERE code = $1"
    )))
    .bind(code)
    .fetch_optional(x)
    .await?;
    row.as_ref().map(facility).transpose()
}

async fn all<'c>(x: impl Executor<'c, Database = Any>) -> Result<Vec<Facility>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM facilities ORDER BY code"
    )))
    .fetch_all(x)
    .await?;
    rows.iter().map(facility).collect()
}

impl Store {
    /// One facility by code.
    pub async fn facility(&self, code: &str) -> Result<Option<Facility>, StoreError> {
        fetch(&self.pool, code).await
    }

    /// Every facility, by code.
    pub async fn facilities(&self) -> Result<Vec<Facility>, StoreError> {
        all(&self.pool).await
    }
}

impl WriteTx {
    /// One facility by code, as this transaction sees it.
    pub async fn facility(&mut self, code: &str) -> Result<Option<Facility>, StoreError> {
        fetch(self.conn(), code).await
    }

    /// Every facility, as this transaction sees them.
    pub async fn facilities(&mut self) -> Result<Vec<Facility>, StoreError> {
        all(self.conn()).await
    }

    /// Inserts a new facility row.
    pub async fn insert_facility(&mut self, f: &Facility, now: &str) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO facilities ({COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )))
        .bind(f.code.as_str())
        .bind(f.name.as_str())
        .bind(f.kind.as_str())
        .bind(f.province.as_str())
        .bind(f.city.as_str())
        .bind(f.timezone.as_str())
        .bind(f.holds_sex.as_str())
        .bind(f.holds_age.as_str())
        .bind(f.security_levels_text())
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Rewrites a facility row (the code is its identity and never changes).
    pub async fn update_facility(&mut self, f: &Facility, now: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE facilities SET name = $2, kind = $3, province = $4, city = $5, timezone = $6, \
             holds_sex = $7, holds_age = $8, security_levels = $9, updated_at = $10 WHERE code = $1",
        )
        .bind(f.code.as_str())
        .bind(f.name.as_str())
        .bind(f.kind.as_str())
        .bind(f.province.as_str())
        .bind(f.city.as_str())
        .bind(f.timezone.as_str())
        .bind(f.holds_sex.as_str())
        .bind(f.holds_age.as_str())
        .bind(f.security_levels_text())
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
