//! Movements between facilities and out of them: `/api/v1/transfers`, bulk
//! `/api/v1/transfer-operations`, `/api/v1/absences`, escapes, recaptures and deaths,
//! and physical counts (`/api/v1/counts`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use custodia_app::population::{
    self, AbsenceRequest, AbsenceView, CountRequest, CountView, DeathRequest, EscapeRequest,
    OperationRequest, OperationView, PresenceView, RecaptureRequest, Reconciliation, ReturnRequest,
    StepRequest, TransferRequest, TransferView,
};
use custodia_domain::transfer::{TransferStatus, TransferStep};

use super::Caller;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery, OptionalJson};
use crate::problem::{ApiError, Problem};

/// Requests a transfer to another facility; the destination must be able to hold the
/// person (sex, age group, classification, the cell if named, keep-apart rules).
#[utoipa::path(post, path = "/transfers", tag = "transfers", request_body = TransferRequest,
    responses(
        (status = 201, description = "Requested", body = TransferView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not present, a transfer already open, full, or restricted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The destination cannot hold the person, or bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn request(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(r): ApiJson<TransferRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::request_transfer(&s.store, &who, r).await?),
    ))
}

/// Which transfers to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TransfersQuery {
    /// From or to this facility; every facility in reach when absent.
    pub facility: Option<String>,
    /// Only this status.
    pub status: Option<TransferStatus>,
}

/// Transfers from or to a facility (newest first, at most 1,000).
#[utoipa::path(get, path = "/transfers", tag = "transfers", params(TransfersQuery),
    responses(
        (status = 200, description = "The transfers", body = [TransferView]),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<TransfersQuery>,
) -> Result<Json<Vec<TransferView>>, ApiError> {
    Ok(Json(
        population::transfers(&s.store, &who, q.facility.as_deref(), q.status).await?,
    ))
}

/// One transfer (visible to its origin and its destination).
#[utoipa::path(get, path = "/transfers/{id}", tag = "transfers",
    params(("id" = i64, Path, description = "Transfer id")),
    responses(
        (status = 200, description = "The transfer", body = TransferView),
        (status = 404, description = "No such transfer", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TransferView>, ApiError> {
    Ok(Json(population::transfer(&s.store, &who, id).await?))
}

async fn transfer_step(
    s: AppState,
    who: custodia_app::Principal,
    id: i64,
    step: TransferStep,
    body: StepRequest,
) -> Result<Json<TransferView>, ApiError> {
    Ok(Json(
        population::transfer_step(&s.store, &who, id, step, body).await?,
    ))
}

/// Approves a requested transfer (national operations, national administrators).
#[utoipa::path(post, path = "/transfers/{id}/approve", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when"),
    params(("id" = i64, Path, description = "Transfer id")),
    responses(
        (status = 200, description = "Approved", body = TransferView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such transfer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not requested", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<TransferView>, ApiError> {
    transfer_step(s, who, id, TransferStep::Approve, body).await
}

/// The person leaves the origin: in transit, counted by both facilities.
#[utoipa::path(post, path = "/transfers/{id}/dispatch", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when"),
    params(("id" = i64, Path, description = "Transfer id")),
    responses(
        (status = 200, description = "Dispatched", body = TransferView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such transfer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved, or the person is not present", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dispatch(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<TransferView>, ApiError> {
    transfer_step(s, who, id, TransferStep::Dispatch, body).await
}

/// The person arrives: placed in the cell named (or the one requested) or unallocated,
/// every placement rule checked at the destination.
#[utoipa::path(post, path = "/transfers/{id}/receive", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when, and into which cell"),
    params(("id" = i64, Path, description = "Transfer id")),
    responses(
        (status = 200, description = "Received", body = TransferView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such transfer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not dispatched (or already received), full, or restricted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The cell does not fit, or bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn receive(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<TransferView>, ApiError> {
    transfer_step(s, who, id, TransferStep::Receive, body).await
}

/// Calls a transfer off before receipt; a dispatched person returns to the origin.
#[utoipa::path(post, path = "/transfers/{id}/cancel", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when and why"),
    params(("id" = i64, Path, description = "Transfer id")),
    responses(
        (status = 200, description = "Cancelled", body = TransferView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such transfer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already received or cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<TransferView>, ApiError> {
    transfer_step(s, who, id, TransferStep::Cancel, body).await
}

/// Creates a bulk operation of transfers, validated together: one bad move refuses the
/// request, listing every bad move (`moves[i].field`).
#[utoipa::path(post, path = "/transfer-operations", tag = "transfers", request_body = OperationRequest,
    responses(
        (status = 201, description = "Created, every transfer requested", body = OperationView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad moves, each listed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_operation(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(r): ApiJson<OperationRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::create_operation(&s.store, &who, r).await?),
    ))
}

/// A bulk operation, person by person.
#[utoipa::path(get, path = "/transfer-operations/{id}", tag = "transfers",
    params(("id" = i64, Path, description = "Operation id")),
    responses(
        (status = 200, description = "The operation", body = OperationView),
        (status = 404, description = "No such operation", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_operation(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OperationView>, ApiError> {
    Ok(Json(population::operation(&s.store, &who, id).await?))
}

async fn operation_step(
    s: AppState,
    who: custodia_app::Principal,
    id: i64,
    step: TransferStep,
    body: StepRequest,
) -> Result<Json<OperationView>, ApiError> {
    Ok(Json(
        population::operation_step(&s.store, &who, id, step, body).await?,
    ))
}

/// Approves every requested transfer of the operation.
#[utoipa::path(post, path = "/transfer-operations/{id}/approve", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when"),
    params(("id" = i64, Path, description = "Operation id")),
    responses(
        (status = 200, description = "Approved", body = OperationView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such operation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to approve", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve_operation(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<OperationView>, ApiError> {
    operation_step(s, who, id, TransferStep::Approve, body).await
}

/// Dispatches every approved transfer of the operation.
#[utoipa::path(post, path = "/transfer-operations/{id}/dispatch", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when"),
    params(("id" = i64, Path, description = "Operation id")),
    responses(
        (status = 200, description = "Dispatched", body = OperationView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such operation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to dispatch, or a person not present", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dispatch_operation(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<OperationView>, ApiError> {
    operation_step(s, who, id, TransferStep::Dispatch, body).await
}

/// Receives every dispatched transfer of the operation (into the cells requested, or
/// unallocated).
#[utoipa::path(post, path = "/transfer-operations/{id}/receive", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when"),
    params(("id" = i64, Path, description = "Operation id")),
    responses(
        (status = 200, description = "Received", body = OperationView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such operation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to receive, full, or restricted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A cell does not fit, or bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn receive_operation(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<OperationView>, ApiError> {
    operation_step(s, who, id, TransferStep::Receive, body).await
}

/// Cancels every transfer of the operation not yet received.
#[utoipa::path(post, path = "/transfer-operations/{id}/cancel", tag = "transfers", request_body(content = Option<StepRequest>, description = "Optional: when and why"),
    params(("id" = i64, Path, description = "Operation id")),
    responses(
        (status = 200, description = "Cancelled", body = OperationView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such operation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to cancel", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel_operation(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(body): OptionalJson<StepRequest>,
) -> Result<Json<OperationView>, ApiError> {
    operation_step(s, who, id, TransferStep::Cancel, body).await
}

/// A person leaves for a while (court, hospital…).
#[utoipa::path(post, path = "/absences", tag = "population", request_body = AbsenceRequest,
    responses(
        (status = 201, description = "Out", body = AbsenceView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not present", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn leave(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(r): ApiJson<AbsenceRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::leave(&s.store, &who, r).await?),
    ))
}

/// The person is back: into the cell named, else the one they left if still allowed,
/// else unallocated.
#[utoipa::path(post, path = "/absences/{id}/return", tag = "population", request_body(content = Option<ReturnRequest>, description = "Optional: when, and into which cell"),
    params(("id" = i64, Path, description = "Absence id")),
    responses(
        (status = 200, description = "Back", body = AbsenceView),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such absence", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already back, or the cell named is full or restricted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn come_back(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    OptionalJson(r): OptionalJson<ReturnRequest>,
) -> Result<Json<AbsenceView>, ApiError> {
    Ok(Json(population::come_back(&s.store, &who, id, r).await?))
}

/// Which absences to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AbsencesQuery {
    /// One facility; every facility in reach when absent.
    pub facility: Option<String>,
    /// Only those not back by the time expected.
    pub overdue: Option<bool>,
}

/// Persons out now, the earliest due first.
#[utoipa::path(get, path = "/absences", tag = "population", params(AbsencesQuery),
    responses(
        (status = 200, description = "The absences", body = [AbsenceView]),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn absences(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<AbsencesQuery>,
) -> Result<Json<Vec<AbsenceView>>, ApiError> {
    Ok(Json(
        population::absences(
            &s.store,
            &who,
            q.facility.as_deref(),
            q.overdue.unwrap_or(false),
        )
        .await?,
    ))
}

/// Records an escape: the person is no longer present; no move until returned.
#[utoipa::path(post, path = "/persons/{id}/escape", tag = "population", request_body = EscapeRequest,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "Recorded", body = PresenceView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in custody, or already escaped", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn escape(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<EscapeRequest>,
) -> Result<Json<PresenceView>, ApiError> {
    Ok(Json(population::escape(&s.store, &who, id, r).await?))
}

/// Returns an escaped person to custody at their facility.
#[utoipa::path(post, path = "/persons/{id}/recapture", tag = "population", request_body = RecaptureRequest,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "Back in custody", body = PresenceView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not escaped, or the cell is full or restricted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn recapture(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<RecaptureRequest>,
) -> Result<Json<PresenceView>, ApiError> {
    Ok(Json(population::recapture(&s.store, &who, id, r).await?))
}

/// Records a death in custody: the episode ends; the person is never moved or admitted
/// again.
#[utoipa::path(post, path = "/persons/{id}/death", tag = "population", request_body = DeathRequest,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "Recorded", body = PresenceView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in custody", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input (no time, no cause category…)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn death(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<DeathRequest>,
) -> Result<Json<PresenceView>, ApiError> {
    Ok(Json(population::death(&s.store, &who, id, r).await?))
}

/// Records a physical count of a location; a difference from the records opens an alert.
#[utoipa::path(post, path = "/counts", tag = "population", request_body = CountRequest,
    responses(
        (status = 201, description = "Recorded, with what was expected", body = CountView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input (e.g. a negative count)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_count(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(r): ApiJson<CountRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(population::record_count(&s.store, &who, r).await?),
    ))
}

/// Which counts to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CountsQuery {
    /// The facility.
    pub facility: String,
    /// Only open discrepancies.
    pub open: Option<bool>,
}

/// A facility's counts, newest first.
#[utoipa::path(get, path = "/counts", tag = "population", params(CountsQuery),
    responses(
        (status = 200, description = "The counts", body = [CountView]),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn counts(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<CountsQuery>,
) -> Result<Json<Vec<CountView>>, ApiError> {
    Ok(Json(
        population::counts(&s.store, &who, &q.facility, q.open.unwrap_or(false)).await?,
    ))
}

/// Explains a count's discrepancy and closes its alert.
#[utoipa::path(post, path = "/counts/{id}/reconcile", tag = "population", request_body = Reconciliation,
    params(("id" = i64, Path, description = "Count id")),
    responses(
        (status = 200, description = "Reconciled", body = CountView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such count", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No open discrepancy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reconcile(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<Reconciliation>,
) -> Result<Json<CountView>, ApiError> {
    Ok(Json(population::reconcile(&s.store, &who, id, r).await?))
}
