//! The staff register (`/api/v1/staff`) and duty rosters
//! (`/api/v1/facilities/{code}/shifts`, `/api/v1/facilities/{code}/on-duty`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use custodia_app::staff::{
    self, OnDutyView, ShiftView, ShiftsQuery, StaffPage, StaffQuery, StaffView,
};
use custodia_domain::staff::{NewShift, NewStaff, StaffPatch};

use super::Caller;
use super::population::AtQuery;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, Problem};

/// Registers a staff member at their home facility (directors for their facility,
/// national administrators).
#[utoipa::path(post, path = "/staff", tag = "staff", request_body = NewStaff,
    responses(
        (status = 201, description = "Registered", body = StaffView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The service number is taken (`duplicate_service_number`), or the user is linked to another staff member (`user_already_linked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(new): ApiJson<NewStaff>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(staff::register(&s.store, &who, new).await?),
    ))
}

/// The staff the caller may see (by home facility), in name order, a page at a time.
#[utoipa::path(get, path = "/staff", tag = "staff", params(StaffQuery),
    responses(
        (status = 200, description = "A page of staff", body = StaffPage),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging or search text", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<StaffQuery>,
) -> Result<Json<StaffPage>, ApiError> {
    Ok(Json(staff::list(&s.store, &who, q).await?))
}

/// One staff member.
#[utoipa::path(get, path = "/staff/{id}", tag = "staff",
    params(("id" = i64, Path, description = "Staff id")),
    responses(
        (status = 200, description = "The staff member", body = StaffView),
        (status = 404, description = "No such staff member", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<StaffView>, ApiError> {
    Ok(Json(staff::get(&s.store, &who, id).await?))
}

/// Changes a staff member's rank, home facility, emergency contact, whether in service,
/// or linked user; absent fields stay, `null` clears.
#[utoipa::path(patch, path = "/staff/{id}", tag = "staff", request_body = StaffPatch,
    params(("id" = i64, Path, description = "Staff id")),
    responses(
        (status = 200, description = "Changed", body = StaffView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such staff member or facility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The user is linked to another staff member", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<StaffPatch>,
) -> Result<Json<StaffView>, ApiError> {
    Ok(Json(staff::update(&s.store, &who, id, patch).await?))
}

/// Records a shift on the facility's duty roster: at most 24 hours, its staff in service,
/// of the facility (or police officers attached to it), on no other shift at that time.
#[utoipa::path(post, path = "/facilities/{code}/shifts", tag = "staff", request_body = NewShift,
    params(("code" = String, Path, description = "Facility code")),
    responses(
        (status = 201, description = "Recorded", body = ShiftView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A staff member is on another shift then (`shift_overlap`) or not in service (`staff_inactive`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input: times, posts, unknown staff, staff of another facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_shift(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(shift): ApiJson<NewShift>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(staff::record_shift(&s.store, &who, &code, shift).await?),
    ))
}

/// The facility's shifts under way between two instants, by start.
#[utoipa::path(get, path = "/facilities/{code}/shifts", tag = "staff",
    params(("code" = String, Path, description = "Facility code"), ShiftsQuery),
    responses(
        (status = 200, description = "The shifts", body = [ShiftView]),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad span", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn shifts(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<ShiftsQuery>,
) -> Result<Json<Vec<ShiftView>>, ApiError> {
    Ok(Json(staff::shifts(&s.store, &who, &code, q).await?))
}

/// Who was on duty at the facility at an instant (now when absent): each staff member
/// with their kind, rank, shift and post.
#[utoipa::path(get, path = "/facilities/{code}/on-duty", tag = "staff",
    params(("code" = String, Path, description = "Facility code"), AtQuery),
    responses(
        (status = 200, description = "Who was on duty", body = OnDutyView),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad instant", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn on_duty(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<AtQuery>,
) -> Result<Json<OnDutyView>, ApiError> {
    Ok(Json(staff::on_duty(&s.store, &who, &code, q.at).await?))
}
