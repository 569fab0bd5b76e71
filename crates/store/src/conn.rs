//! Running one SQL text on either backend: parameters, rows and the connection handle.
//! SQL uses PostgreSQL's `$N` placeholders; for SQLite they become `?N` (same index).

use crate::error::StoreError;
use crate::{postgres, sqlite};

/// A statement parameter. Nulls carry their type, as PostgreSQL needs.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Real(Option<f64>),
}

impl From<Option<f64>> for Val<'_> {
    fn from(v: Option<f64>) -> Self {
        Val::Real(v)
    }
}

impl From<i64> for Val<'_> {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}

impl From<Option<i64>> for Val<'_> {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(v: &'a str) -> Self {
        Val::Text(Some(v))
    }
}

impl<'a> From<&'a String> for Val<'a> {
    fn from(v: &'a String) -> Self {
        Val::Text(Some(v.as_str()))
    }
}

impl<'a> From<Option<&'a str>> for Val<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Val::Text(v)
    }
}

/// Reading the columns of one result row, by position.
pub(crate) trait Cells {
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn text(&self, i: usize) -> Result<String, StoreError>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError>;
    fn opt_real(&self, i: usize) -> Result<Option<f64>, StoreError>;
}

/// A connection of either backend, inside or outside a transaction.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut rusqlite::Connection),
    Postgres(&'a mut sqlx::PgConnection),
}

impl Conn<'_> {
    /// Runs a statement; returns how many rows it changed.
    pub async fn execute(
        &mut self,
        sql: &'static str,
        params: &[Val<'_>],
    ) -> Result<u64, StoreError> {
        match self {
            Conn::Sqlite(c) => sqlite::execute(c, sql, params),
            Conn::Postgres(c) => postgres::execute(c, sql, params).await,
        }
    }

    /// Runs a query and maps every row.
    pub async fn fetch<T>(
        &mut self,
        sql: &'static str,
        params: &[Val<'_>],
        map: impl Fn(&dyn Cells) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Conn::Sqlite(c) => sqlite::fetch(c, sql, params, map),
            Conn::Postgres(c) => postgres::fetch(c, sql, params, map).await,
        }
    }

    /// Runs a query and maps its first row, if any.
    pub async fn fetch_optional<T>(
        &mut self,
        sql: &'static str,
        params: &[Val<'_>],
        map: impl Fn(&dyn Cells) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.fetch(sql, params, map).await?.into_iter().next())
    }
}
