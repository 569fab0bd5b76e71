//! Where every person is: `/api/v1/placements`, the placement check, classification,
//! gangs and keep-apart rules, the roll, occupants at an instant, movements.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_app::population::{
    self, Affiliation, AffiliationView, CheckedMove, Classification, FacilityRoll, GroupView,
    KeepApartRequest, KeepApartView, MoveToCheck, MovementView, NationalRoll, NewGroup, Occupants,
    PlacementRequest, PlacementView,
};

use super::Caller;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, Problem};

/// Places a person in a cell of the facility holding them, or moves them to another
/// cell there. Refused when the cell does not fit the person (422), is full or out of
/// service (409, unless a director overrides with a reason) or a keep-apart rule forbids
/// it (409 `placement_restricted`: only intelligence staff read which rule).
#[utoipa::path(post, path = "/placements", tag = "population", request_body = PlacementRequest,
    responses(
        (status = 201, description = "Placed or moved", body = PlacementView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed (e.g. an override by an officer)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Full, out of service, restricted, not in custody or not present", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The place does not fit the person, or bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn place(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(request): ApiJson<PlacementRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::place(&s.store, &who, request).await?),
    ))
}

/// Moves to check.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The moves, judged in order as one operation (1 to 5,000).
    pub moves: Vec<MoveToCheck>,
}

/// The answer for each move.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckResponse {
    /// In the order asked.
    pub results: Vec<CheckedMove>,
}

/// Would these moves be allowed now? Each answer says why not, as the caller's role may
/// read it. Nothing changes.
#[utoipa::path(post, path = "/placements/check", tag = "population", request_body = CheckRequest,
    responses(
        (status = 200, description = "Each move allowed or refused with its reasons", body = CheckResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No moves, or too many", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn check(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(request): ApiJson<CheckRequest>,
) -> Result<Json<CheckResponse>, ApiError> {
    Ok(Json(CheckResponse {
        results: population::check(&s.store, &who, request.moves).await?,
    }))
}

/// Sets the security classification of a person in custody (directors).
#[utoipa::path(post, path = "/persons/{id}/classification", tag = "population", request_body = Classification,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "Classified", body = Classification),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in custody", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn classify(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(c): ApiJson<Classification>,
) -> Result<Json<Classification>, ApiError> {
    Ok(Json(population::classify(&s.store, &who, id, c).await?))
}

/// Security threat groups with their rivals (intelligence staff only; 404 for others).
#[utoipa::path(get, path = "/groups", tag = "intelligence",
    responses(
        (status = 200, description = "The groups", body = [GroupView]),
        (status = 404, description = "Not for this caller", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn groups(
    State(s): State<AppState>,
    Caller(who): Caller,
) -> Result<Json<Vec<GroupView>>, ApiError> {
    Ok(Json(population::groups(&s.store, &who).await?))
}

/// Registers a group with its aliases and rivals.
#[utoipa::path(post, path = "/groups", tag = "intelligence", request_body = NewGroup,
    responses(
        (status = 201, description = "Registered", body = GroupView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May read but not record intelligence", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not for this caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Name already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input or unknown rival", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register_group(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(g): ApiJson<NewGroup>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::register_group(&s.store, &who, g).await?),
    ))
}

/// Records a person's affiliation with a group.
#[utoipa::path(post, path = "/persons/{id}/affiliations", tag = "intelligence", request_body = Affiliation,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 201, description = "Recorded", body = AffiliationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May read but not record intelligence", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person, or not for this caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input or unknown group", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn affiliate(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(a): ApiJson<Affiliation>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::affiliate(&s.store, &who, id, a).await?),
    ))
}

/// Which keep-apart rules to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KeepApartQuery {
    /// The rules naming this person, directly or through their groups.
    pub person: Option<i64>,
    /// Without `person`: skip this many (newest first).
    pub offset: Option<i64>,
    /// Without `person`: at most this many (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// Keep-apart rules (intelligence staff only; 404 for others).
#[utoipa::path(get, path = "/keep-apart", tag = "intelligence", params(KeepApartQuery),
    responses(
        (status = 200, description = "The rules", body = [KeepApartView]),
        (status = 404, description = "No such person, or not for this caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn keep_apart_list(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<KeepApartQuery>,
) -> Result<Json<Vec<KeepApartView>>, ApiError> {
    Ok(Json(
        population::keep_apart_list(
            &s.store,
            &who,
            q.person,
            q.offset.unwrap_or(0),
            q.limit.unwrap_or(100),
        )
        .await?,
    ))
}

/// Records a keep-apart rule between two persons or two groups; every later move is
/// checked against it.
#[utoipa::path(post, path = "/keep-apart", tag = "intelligence", request_body = KeepApartRequest,
    responses(
        (status = 201, description = "Recorded", body = KeepApartView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May read but not record intelligence", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not for this caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input (e.g. a person kept apart from themself)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_keep_apart(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(k): ApiJson<KeepApartRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::record_keep_apart(&s.store, &who, k).await?),
    ))
}

/// A facility's live roll: in place, unallocated, out, in transit, capacity, overrides,
/// and every location's figures.
#[utoipa::path(get, path = "/facilities/{code}/roll", tag = "population",
    params(("code" = String, Path, description = "Facility code")),
    responses(
        (status = 200, description = "The roll", body = FacilityRoll),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn roll(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<FacilityRoll>, ApiError> {
    Ok(Json(population::roll(&s.store, &who, &code).await?))
}

/// The national roll: every facility in the caller's reach, with totals.
#[utoipa::path(get, path = "/roll", tag = "population",
    responses(
        (status = 200, description = "The roll", body = NationalRoll),
        (status = 403, description = "No facility in reach", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn national_roll(
    State(s): State<AppState>,
    Caller(who): Caller,
) -> Result<Json<NationalRoll>, ApiError> {
    Ok(Json(population::national_roll(&s.store, &who).await?))
}

/// The instant to look at.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// An instant (RFC 3339, e.g. `2023-08-30T03:00:00-05:00`); now when absent.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
}

/// Who is placed in a location (or anywhere below it) now, or was at an instant.
#[utoipa::path(get, path = "/locations/{id}/occupants", tag = "population",
    params(("id" = i64, Path, description = "Location id"), AtQuery),
    responses(
        (status = 200, description = "The occupants", body = Occupants),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad instant", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn occupants(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AtQuery>,
) -> Result<Json<Occupants>, ApiError> {
    Ok(Json(population::occupants(&s.store, &who, id, q.at).await?))
}

/// A person's movements history, in the order the movements happened.
#[utoipa::path(get, path = "/persons/{id}/movements", tag = "population",
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "The stays, oldest first", body = [MovementView]),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn movements(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<MovementView>>, ApiError> {
    Ok(Json(population::movements(&s.store, &who, id).await?))
}
