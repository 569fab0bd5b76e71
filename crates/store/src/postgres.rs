//! The PostgreSQL backend (sqlx): binding parameters and reading rows.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, Row};

use crate::conn::{Cells, Val};
use crate::error::StoreError;

fn query<'q>(
    sql: &'static str,
    params: &[Val<'q>],
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let mut q = sqlx::query(sql);
    for p in params {
        q = match *p {
            Val::Int(v) => q.bind(v),
            Val::Text(v) => q.bind(v),
            Val::Real(v) => q.bind(v),
        };
    }
    q
}

/// Runs a statement.
pub(crate) async fn execute(
    conn: &mut PgConnection,
    sql: &'static str,
    params: &[Val<'_>],
) -> Result<u64, StoreError> {
    Ok(query(sql, params).execute(conn).await?.rows_affected())
}

/// Runs a query and maps every row.
pub(crate) async fn fetch<T>(
    conn: &mut PgConnection,
    sql: &'static str,
    params: &[Val<'_>],
    map: impl Fn(&dyn Cells) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let rows = query(sql, params).fetch_all(conn).await?;
    rows.iter().map(|r| map(r)).collect()
}

impl Cells for PgRow {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        // Columns are BIGINT; expressions such as literals may come back as INTEGER.
        match self.try_get::<Option<i64>, _>(i) {
            Ok(v) => Ok(v),
            Err(sqlx::Error::ColumnDecode { .. }) => {
                Ok(self.try_get::<Option<i32>, _>(i)?.map(i64::from))
            }
            Err(e) => Err(e.into()),
        }
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError> {
        Ok(self.try_get(i)?)
    }
}
