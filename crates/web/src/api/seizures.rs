//! Searches (requisas) and seizures: `/api/v1/searches` with their items,
//! `/api/v1/items/{id}` with the chain of custody, `/api/v1/seizures/stats`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use custodia_app::seizures::{
    self, HandoverRequest, ItemRequest, ItemView, SearchQuery, SearchRequest, SearchSummary,
    SearchView, SeizureStats, StatsQuery,
};

use super::Caller;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, Problem};

/// Records a search of cells, an area or a person (a person with the Mandela Rules 50–52
/// safeguards: same-sex searcher, in private, an intrusive search only by a health
/// professional with its reason).
#[utoipa::path(post, path = "/searches", tag = "searches", request_body = SearchRequest,
    responses(
        (status = 201, description = "Recorded", body = SearchView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input: a safeguard missing, a place of another facility, a time in the future…", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(r): ApiJson<SearchRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(seizures::record_search(&s.store, &who, r).await?),
    ))
}

/// Searches in reach, latest begun first.
#[utoipa::path(get, path = "/searches", tag = "searches", params(SearchQuery),
    responses(
        (status = 200, description = "The searches", body = [SearchSummary]),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` or `to` is not an instant", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<SearchSummary>>, ApiError> {
    Ok(Json(seizures::searches(&s.store, &who, q).await?))
}

/// One search with its team, locations and items, each with its chain of custody.
#[utoipa::path(get, path = "/searches/{id}", tag = "searches",
    params(("id" = i64, Path, description = "Search id")),
    responses(
        (status = 200, description = "The search", body = SearchView),
        (status = 404, description = "No such search", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SearchView>, ApiError> {
    Ok(Json(seizures::search(&s.store, &who, id).await?))
}

/// Records an item the search seized, with its first holder.
#[utoipa::path(post, path = "/searches/{id}/items", tag = "searches", request_body = ItemRequest,
    params(("id" = i64, Path, description = "Search id")),
    responses(
        (status = 201, description = "Recorded", body = ItemView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such search", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input: a quantity below 1, drugs without their weight, a place of another facility…", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn seize(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<ItemRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(seizures::seize(&s.store, &who, id, r).await?),
    ))
}

/// One seized item with its whole chain of custody.
#[utoipa::path(get, path = "/items/{id}", tag = "searches",
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = ItemView),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn item(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ItemView>, ApiError> {
    Ok(Json(seizures::item(&s.store, &who, id).await?))
}

/// Hands an item over along its chain of custody (append-only): only from its current
/// holder, until a disposal (destroyed, handed to the prosecutor, returned) ends it.
#[utoipa::path(post, path = "/items/{id}/handovers", tag = "searches", request_body = HandoverRequest,
    params(("id" = i64, Path, description = "Item id")),
    responses(
        (status = 201, description = "Handed over; the item with its chain", body = ItemView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_current_holder`: `from` does not hold the item; `already_disposed`: its chain is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn hand_over(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<HandoverRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(seizures::hand_over(&s.store, &who, id, r).await?),
    ))
}

/// What was seized, by category, facility and month (the facility's calendar), with grams
/// of drugs by kind and cash by currency.
#[utoipa::path(get, path = "/seizures/stats", tag = "searches", params(StatsQuery),
    responses(
        (status = 200, description = "The statistics", body = SeizureStats),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` or `to` is not an instant", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stats(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<SeizureStats>, ApiError> {
    Ok(Json(seizures::stats(&s.store, &who, q).await?))
}
