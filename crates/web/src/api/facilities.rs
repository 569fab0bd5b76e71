//! `/api/v1/facilities`: register, list, look at and change facilities.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use custodia_app::facilities::{self, FacilityView};
use custodia_domain::{Facility, FacilityPatch};

use super::{Caller, HistoryQuery, JournalEntryView};
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, Problem};

/// Every facility, with capacity and occupancy now.
#[utoipa::path(get, path = "/facilities", tag = "facilities",
    responses((status = 200, description = "All facilities", body = [FacilityView])))]
pub async fn list(
    State(s): State<AppState>,
    Caller(who): Caller,
) -> Result<Json<Vec<FacilityView>>, ApiError> {
    Ok(Json(facilities::list(&s.store, &who).await?))
}

/// Registers a facility.
#[utoipa::path(post, path = "/facilities", tag = "facilities", request_body = Facility,
    responses(
        (status = 201, description = "Registered", body = FacilityView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(facility): ApiJson<Facility>,
) -> Result<impl IntoResponse, ApiError> {
    let view = facilities::register(&s.store, &who, facility).await?;
    let location = format!("/api/v1/facilities/{}", view.code);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One facility, with capacity and occupancy now.
#[utoipa::path(get, path = "/facilities/{code}", tag = "facilities",
    params(("code" = String, Path, description = "Facility code, e.g. CPL-AZ-1")),
    responses(
        (status = 200, description = "The facility", body = FacilityView),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<FacilityView>, ApiError> {
    Ok(Json(facilities::get(&s.store, &who, &code).await?))
}

/// Changes some of a facility's details (the code never changes).
#[utoipa::path(patch, path = "/facilities/{code}", tag = "facilities", request_body = FacilityPatch,
    params(("code" = String, Path, description = "Facility code")),
    responses(
        (status = 200, description = "Changed", body = FacilityView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(patch): ApiJson<FacilityPatch>,
) -> Result<Json<FacilityView>, ApiError> {
    Ok(Json(
        facilities::update(&s.store, &who, &code, patch).await?,
    ))
}

/// The journal entries about a facility, oldest first.
#[utoipa::path(get, path = "/facilities/{code}/history", tag = "facilities",
    params(("code" = String, Path, description = "Facility code"), HistoryQuery),
    responses(
        (status = 200, description = "Its journal entries", body = [JournalEntryView]),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn history(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<Vec<JournalEntryView>>, ApiError> {
    let entries = custodia_app::history::of_facility(
        &s.store,
        &who,
        &code,
        q.after.unwrap_or(0),
        q.limit.unwrap_or(100),
    )
    .await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}
