//! Incidents and crisis command: `/api/v1/incidents`, `/api/v1/crises` with the staff
//! accountability board and hostages, `/api/v1/notifications`, facility control status
//! and `/api/v1/situation`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use custodia_app::incidents::{
    self, AddIncident, AttachmentRequest, AttachmentView, BoardView, CasualtyRequest, CasualtyView,
    ControlRequest, ControlView, CrisisClose, CrisisRequest, CrisisView, HostageRelease,
    HostageRequest, IncidentQuery, IncidentRequest, IncidentSummary, IncidentView, InvolvedRequest,
    InvolvedView, LinkSearch, LinkedSearchView, NotificationDone, NotificationQuery,
    NotificationView, Situation, StaffStatusRequest, StatusRequest, TimelineRequest, TimelineView,
};

use super::Caller;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, OptionalJson};
use crate::problem::{ApiError, Problem};

/// Reports an incident at a facility, a place in it, or a site outside any facility.
#[utoipa::path(post, path = "/incidents", tag = "incidents", request_body = IncidentRequest,
    responses(
        (status = 201, description = "Reported", body = IncidentView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn report(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(r): ApiJson<IncidentRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::report(&s.store, &who, r).await?),
    ))
}

/// Incidents in reach, latest first.
#[utoipa::path(get, path = "/incidents", tag = "incidents", params(IncidentQuery),
    responses(
        (status = 200, description = "The incidents", body = [IncidentSummary]),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> Result<Json<Vec<IncidentSummary>>, ApiError> {
    Ok(Json(incidents::incidents(&s.store, &who, q).await?))
}

/// One incident with its timeline, people, casualties, attachments and notifications.
#[utoipa::path(get, path = "/incidents/{id}", tag = "incidents",
    params(("id" = i64, Path, description = "Incident id")),
    responses(
        (status = 200, description = "The incident", body = IncidentView),
        (status = 404, description = "No such incident", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<IncidentView>, ApiError> {
    Ok(Json(incidents::incident(&s.store, &who, id).await?))
}

/// Adds an entry to an incident's timeline (append-only; may be dated earlier).
#[utoipa::path(post, path = "/incidents/{id}/timeline", tag = "incidents", request_body = TimelineRequest,
    params(("id" = i64, Path, description = "Incident id")),
    responses(
        (status = 201, description = "Added", body = TimelineView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn timeline(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<TimelineRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::add_timeline(&s.store, &who, id, r).await?),
    ))
}

/// Moves an incident to another status.
#[utoipa::path(post, path = "/incidents/{id}/status", tag = "incidents", request_body = StatusRequest,
    params(("id" = i64, Path, description = "Incident id")),
    responses(
        (status = 200, description = "Changed", body = IncidentSummary),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from this status, or staff still held", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn status(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<StatusRequest>,
) -> Result<Json<IncidentSummary>, ApiError> {
    Ok(Json(incidents::change_status(&s.store, &who, id, r).await?))
}

/// Records a person in custody or a staff member as involved, in a role.
#[utoipa::path(post, path = "/incidents/{id}/people", tag = "incidents", request_body = InvolvedRequest,
    params(("id" = i64, Path, description = "Incident id")),
    responses(
        (status = 201, description = "Recorded", body = InvolvedView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn people(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<InvolvedRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::add_involved(&s.store, &who, id, r).await?),
    ))
}

/// Records an injury or a death (a death in custody ends the person's custody: one fact).
#[utoipa::path(post, path = "/incidents/{id}/casualties", tag = "incidents", request_body = CasualtyRequest,
    params(("id" = i64, Path, description = "Incident id")),
    responses(
        (status = 201, description = "Recorded", body = CasualtyView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in custody, or not allowed for this staff status", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input (a death needs its time and cause)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn casualties(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<CasualtyRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::record_casualty(&s.store, &who, id, r).await?),
    ))
}

/// References an attachment (photo, report, video) from an incident.
#[utoipa::path(post, path = "/incidents/{id}/attachments", tag = "incidents", request_body = AttachmentRequest,
    params(("id" = i64, Path, description = "Incident id")),
    responses(
        (status = 201, description = "Recorded", body = AttachmentView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attachments(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<AttachmentRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::add_attachment(&s.store, &who, id, r).await?),
    ))
}

/// Links a search of the incident's facility (and what it seized) to the incident.
#[utoipa::path(post, path = "/incidents/{id}/seizures", tag = "incidents", request_body = LinkSearch,
    params(("id" = i64, Path, description = "Incident id")),
    responses(
        (status = 201, description = "Linked", body = LinkedSearchView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such incident", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already linked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such search, or of another facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn seizures(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<LinkSearch>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::link_search(&s.store, &who, id, r).await?),
    ))
}

/// Opens a crisis grouping incidents at several sites (national operations).
#[utoipa::path(post, path = "/crises", tag = "crises", request_body = CrisisRequest,
    responses(
        (status = 201, description = "Opened", body = CrisisView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn open_crisis(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(r): ApiJson<CrisisRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::open_crisis(&s.store, &who, r).await?),
    ))
}

/// Which crises to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CrisesQuery {
    /// `active` for those under way only.
    pub status: Option<custodia_domain::crisis::CrisisStatus>,
}

/// Crises in reach, latest first.
#[utoipa::path(get, path = "/crises", tag = "crises", params(CrisesQuery),
    responses(
        (status = 200, description = "The crises", body = [CrisisView]),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_crises(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<CrisesQuery>,
) -> Result<Json<Vec<CrisisView>>, ApiError> {
    let active_only = q.status == Some(custodia_domain::crisis::CrisisStatus::Active);
    let mut all = incidents::crises(&s.store, &who, active_only).await?;
    if q.status == Some(custodia_domain::crisis::CrisisStatus::Closed) {
        all.retain(|c| c.status == "closed");
    }
    Ok(Json(all))
}

/// One crisis with its incidents and timeline.
#[utoipa::path(get, path = "/crises/{id}", tag = "crises",
    params(("id" = i64, Path, description = "Crisis id")),
    responses(
        (status = 200, description = "The crisis", body = CrisisView),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_crisis(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CrisisView>, ApiError> {
    Ok(Json(incidents::crisis(&s.store, &who, id).await?))
}

/// Adds an incident to a crisis.
#[utoipa::path(post, path = "/crises/{id}/incidents", tag = "crises", request_body = AddIncident,
    params(("id" = i64, Path, description = "Crisis id")),
    responses(
        (status = 200, description = "Added", body = CrisisView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The crisis is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such incident, or in another crisis", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn crisis_incident(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<AddIncident>,
) -> Result<Json<CrisisView>, ApiError> {
    Ok(Json(incidents::add_incident(&s.store, &who, id, r).await?))
}

/// Adds an entry to a crisis's own timeline.
#[utoipa::path(post, path = "/crises/{id}/timeline", tag = "crises", request_body = TimelineRequest,
    params(("id" = i64, Path, description = "Crisis id")),
    responses(
        (status = 201, description = "Added", body = TimelineView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The crisis is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn crisis_timeline(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<TimelineRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(incidents::crisis_timeline_entry(&s.store, &who, id, r).await?),
    ))
}

/// Records staff taken hostage at one site (each on duty there at that instant).
#[utoipa::path(post, path = "/crises/{id}/hostages", tag = "crises", request_body = HostageRequest,
    params(("id" = i64, Path, description = "Crisis id")),
    responses(
        (status = 200, description = "Recorded; the board now", body = BoardView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already held, or the crisis is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not on duty there, or bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn hostages(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<HostageRequest>,
) -> Result<Json<BoardView>, ApiError> {
    Ok(Json(incidents::take_hostages(&s.store, &who, id, r).await?))
}

/// Records hostages released at one site: some, or `"all"` still held there.
#[utoipa::path(post, path = "/crises/{id}/hostages/release", tag = "crises", request_body = HostageRelease,
    params(("id" = i64, Path, description = "Crisis id")),
    responses(
        (status = 200, description = "Recorded; the board now", body = BoardView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not held there", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn release(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<HostageRelease>,
) -> Result<Json<BoardView>, ApiError> {
    Ok(Json(
        incidents::release_hostages(&s.store, &who, id, r).await?,
    ))
}

/// Records staff injured, missing, dead or accounted for at one site.
#[utoipa::path(post, path = "/crises/{id}/staff-status", tag = "crises", request_body = StaffStatusRequest,
    params(("id" = i64, Path, description = "Crisis id")),
    responses(
        (status = 200, description = "Recorded; the board now", body = BoardView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from the current status", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn staff_status(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<StaffStatusRequest>,
) -> Result<Json<BoardView>, ApiError> {
    Ok(Json(
        incidents::set_staff_status(&s.store, &who, id, r).await?,
    ))
}

/// Closes a crisis; refused while anyone is held or missing.
#[utoipa::path(post, path = "/crises/{id}/close", tag = "crises", request_body(content = Option<CrisisClose>, description = "Optional: when and how"),
    params(("id" = i64, Path, description = "Crisis id")),
    responses(
        (status = 200, description = "Closed", body = CrisisView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Staff still held or missing, or already closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn close(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(r): OptionalJson<CrisisClose>,
) -> Result<Json<CrisisView>, ApiError> {
    Ok(Json(incidents::close_crisis(&s.store, &who, id, r).await?))
}

/// The board's instant.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// The instant (RFC 3339); now when absent.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<jiff::Timestamp>,
}

/// The staff accountability board: everyone on duty at the crisis's sites with their
/// status, since when and who recorded it; totals and per facility.
#[utoipa::path(get, path = "/crises/{id}/accountability", tag = "crises", params(("id" = i64, Path, description = "Crisis id"), AtQuery),
    responses(
        (status = 200, description = "The board", body = BoardView),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such crisis", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accountability(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AtQuery>,
) -> Result<Json<BoardView>, ApiError> {
    Ok(Json(
        incidents::accountability(&s.store, &who, id, q.at).await?,
    ))
}

/// Mandatory notifications in reach, soonest due first.
#[utoipa::path(get, path = "/notifications", tag = "notifications", params(NotificationQuery),
    responses(
        (status = 200, description = "The notifications", body = [NotificationView]),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn notifications(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<NotificationQuery>,
) -> Result<Json<Vec<NotificationView>>, ApiError> {
    Ok(Json(incidents::notifications(&s.store, &who, q).await?))
}

/// Records a notification as made: how and to whom.
#[utoipa::path(post, path = "/notifications/{id}/done", tag = "notifications", request_body = NotificationDone,
    params(("id" = i64, Path, description = "Notification id")),
    responses(
        (status = 200, description = "Done", body = NotificationView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notification", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already done", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn notification_done(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<NotificationDone>,
) -> Result<Json<NotificationView>, ApiError> {
    Ok(Json(incidents::complete(&s.store, &who, id, r).await?))
}

/// Sets a facility's control status (national operations).
#[utoipa::path(post, path = "/facilities/{code}/control-status", tag = "situation", request_body = ControlRequest,
    params(("code" = String, Path, description = "Facility code")),
    responses(
        (status = 200, description = "Set", body = ControlView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_control(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(r): ApiJson<ControlRequest>,
) -> Result<Json<ControlView>, ApiError> {
    Ok(Json(
        incidents::set_control(&s.store, &who, &code, r).await?,
    ))
}

/// A facility's control status history, latest first.
#[utoipa::path(get, path = "/facilities/{code}/control-status", tag = "situation",
    params(("code" = String, Path, description = "Facility code")),
    responses(
        (status = 200, description = "The history", body = [ControlView]),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn control_history(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<ControlView>>, ApiError> {
    Ok(Json(
        incidents::control_history(&s.store, &who, &code).await?,
    ))
}

/// The national situation: crises and incidents under way, staff held, facilities not
/// under normal control, attacks outside the walls, overdue notifications, persons in
/// transit and occupancy.
#[utoipa::path(get, path = "/situation", tag = "situation",
    responses(
        (status = 200, description = "The situation", body = Situation),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn situation(
    State(s): State<AppState>,
    Caller(who): Caller,
) -> Result<Json<Situation>, ApiError> {
    Ok(Json(incidents::situation(&s.store, &who).await?))
}
