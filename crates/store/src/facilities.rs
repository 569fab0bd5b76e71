//! The facilities read table.

use custodia_domain::facility::parse_security_levels;
use custodia_domain::{Facility, FacilityKind, HoldsAge, HoldsSex};

use crate::conn::{Cells, Conn, Val};
use crate::db::Store;
use crate::error::StoreError;
use crate::row::vocab;
use crate::write::WriteTx;

macro_rules! columns {
    () => {
        "code, name, kind, province, city, timezone, holds_sex, holds_age, security_levels"
    };
}

fn facility(r: &dyn Cells) -> Result<Facility, StoreError> {
    Ok(Facility {
        code: r.text(0)?,
        name: r.text(1)?,
        kind: vocab("kind", &r.text(2)?, FacilityKind::parse)?,
        province: r.text(3)?,
        city: r.text(4)?,
        timezone: r.text(5)?,
        holds_sex: vocab("holds_sex", &r.text(6)?, HoldsSex::parse)?,
        holds_age: vocab("holds_age", &r.text(7)?, HoldsAge::parse)?,
        security_levels: parse_security_levels(&r.text(8)?)
            .map_err(|e| StoreError::Corrupt(format!("security_levels: {e}")))?,
    })
}

async fn one(conn: &mut Conn<'_>, code: &str) -> Result<Option<Facility>, StoreError> {
    conn.fetch_optional(
        concat!("SELECT ", columns!(), " FROM facilities WHERE code = $1"),
        &[code.into()],
        facility,
    )
    .await
}

async fn all(conn: &mut Conn<'_>) -> Result<Vec<Facility>, StoreError> {
    conn.fetch(
        concat!("SELECT ", columns!(), " FROM facilities ORDER BY code"),
        &[],
        facility,
    )
    .await
}

fn params<'a>(f: &'a Facility, levels: &'a str, now: &'a str) -> [Val<'a>; 10] {
    [
        (&f.code).into(),
        (&f.name).into(),
        f.kind.as_str().into(),
        (&f.province).into(),
        (&f.city).into(),
        (&f.timezone).into(),
        f.holds_sex.as_str().into(),
        f.holds_age.as_str().into(),
        levels.into(),
        now.into(),
    ]
}

impl Store {
    /// One facility by code.
    pub async fn facility(&self, code: &str) -> Result<Option<Facility>, StoreError> {
        let mut r = self.reader().await?;
        one(&mut r.conn()?, code).await
    }

    /// Every facility, by code.
    pub async fn facilities(&self) -> Result<Vec<Facility>, StoreError> {
        let mut r = self.reader().await?;
        all(&mut r.conn()?).await
    }
}

impl WriteTx {
    /// One facility by code, as this transaction sees it.
    pub async fn facility(&mut self, code: &str) -> Result<Option<Facility>, StoreError> {
        one(&mut self.conn(), code).await
    }

    /// Every facility, as this transaction sees them.
    pub async fn facilities(&mut self) -> Result<Vec<Facility>, StoreError> {
        all(&mut self.conn()).await
    }

    /// Inserts a new facility row.
    pub async fn insert_facility(&mut self, f: &Facility, now: &str) -> Result<(), StoreError> {
        let levels = f.security_levels_text();
        self.conn()
            .execute(
                concat!(
                    "INSERT INTO facilities (",
                    columns!(),
                    ", updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                ),
                &params(f, &levels, now),
            )
            .await?;
        Ok(())
    }

    /// Rewrites a facility row (the code is its identity and never changes).
    pub async fn update_facility(&mut self, f: &Facility, now: &str) -> Result<(), StoreError> {
        let levels = f.security_levels_text();
        self.conn()
            .execute(
                "UPDATE facilities SET name = $2, kind = $3, province = $4, city = $5, timezone = $6, \
                 holds_sex = $7, holds_age = $8, security_levels = $9, updated_at = $10 WHERE code = $1",
                &params(f, &levels, now),
            )
            .await?;
        Ok(())
    }
}
