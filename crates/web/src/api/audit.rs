//! `GET /api/v1/audit/access`: who read or exported a person's file.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::{Caller, JournalEntryView};
use crate::AppState;
use crate::extract::ApiQuery;
use crate::problem::{ApiError, Problem};

/// Which file, and paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AccessQuery {
    /// The person's id.
    pub person: String,
    /// Only entries with a sequence number above this.
    pub after: Option<i64>,
    /// At most this many entries (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// The journaled reads and exports of one person's file, oldest first (inspectors and
/// national administrators).
#[utoipa::path(get, path = "/audit/access", tag = "audit", params(AccessQuery),
    responses(
        (status = 200, description = "Access events", body = [JournalEntryView]),
        (status = 403, description = "Not an inspector or administrator", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn access(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<AccessQuery>,
) -> Result<Json<Vec<JournalEntryView>>, ApiError> {
    let entries = custodia_app::access_audit::of_person(
        &s.store,
        &who,
        &q.person,
        q.after.unwrap_or(0),
        q.limit.unwrap_or(100),
    )
    .await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}
