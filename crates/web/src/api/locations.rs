//! `/api/v1/facilities/{code}/locations` and `/api/v1/locations/{id}`: the places inside
//! a facility, their capacity, and their periods out of service.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use custodia_app::locations::{self, LocationView};
use custodia_domain::{LocationPatch, NewLocation, OutOfServiceRequest};

use super::{Caller, HistoryQuery, JournalEntryView};
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, Problem};

/// Every location of a facility, each with the figures of everything below it.
#[utoipa::path(get, path = "/facilities/{code}/locations", tag = "locations",
    params(("code" = String, Path, description = "Facility code")),
    responses(
        (status = 200, description = "Its locations", body = [LocationView]),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<LocationView>>, ApiError> {
    Ok(Json(locations::list(&s.store, &who, &code).await?))
}

/// Adds a location to a facility (`parent_id` null for a top-level unit).
#[utoipa::path(post, path = "/facilities/{code}/locations", tag = "locations", request_body = NewLocation,
    params(("code" = String, Path, description = "Facility code")),
    responses(
        (status = 201, description = "Added", body = LocationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken in this facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(new): ApiJson<NewLocation>,
) -> Result<impl IntoResponse, ApiError> {
    let view = locations::add(&s.store, &who, &code, new).await?;
    let location = format!("/api/v1/locations/{}", view.location.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One location with the figures of everything below it.
#[utoipa::path(get, path = "/locations/{id}", tag = "locations",
    params(("id" = i64, Path, description = "Location id")),
    responses(
        (status = 200, description = "The location", body = LocationView),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<LocationView>, ApiError> {
    Ok(Json(locations::get(&s.store, &who, id).await?))
}

/// Changes some of a location's details; `parent_id` moves it within its facility.
#[utoipa::path(patch, path = "/locations/{id}", tag = "locations", request_body = LocationPatch,
    params(("id" = i64, Path, description = "Location id")),
    responses(
        (status = 200, description = "Changed", body = LocationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken in this facility (`duplicate_code`), or moved under another unit it would put persons kept apart in one unit (`placement_restricted`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<LocationPatch>,
) -> Result<Json<LocationView>, ApiError> {
    Ok(Json(locations::update(&s.store, &who, id, patch).await?))
}

/// Puts a location (and everything below it) out of service for a period.
#[utoipa::path(post, path = "/locations/{id}/out-of-service", tag = "locations", request_body = OutOfServiceRequest,
    params(("id" = i64, Path, description = "Location id")),
    responses(
        (status = 200, description = "Out of service", body = LocationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn take_out_of_service(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<OutOfServiceRequest>,
) -> Result<Json<LocationView>, ApiError> {
    Ok(Json(
        locations::take_out_of_service(&s.store, &who, id, request).await?,
    ))
}

/// Puts a location back in service.
#[utoipa::path(post, path = "/locations/{id}/return-to-service", tag = "locations",
    params(("id" = i64, Path, description = "Location id")),
    responses(
        (status = 200, description = "In service", body = LocationView),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It was not out of service", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn return_to_service(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<LocationView>, ApiError> {
    Ok(Json(
        locations::return_to_service(&s.store, &who, id).await?,
    ))
}

/// The journal entries about a location, oldest first.
#[utoipa::path(get, path = "/locations/{id}/history", tag = "locations",
    params(("id" = i64, Path, description = "Location id"), HistoryQuery),
    responses(
        (status = 200, description = "Its journal entries", body = [JournalEntryView]),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn history(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<Vec<JournalEntryView>>, ApiError> {
    let entries = custodia_app::history::of_location(
        &s.store,
        &who,
        id,
        q.after.unwrap_or(0),
        q.limit.unwrap_or(100),
    )
    .await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}
