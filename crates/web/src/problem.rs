//! RFC 9457 problem details: every error the API returns has this shape, with a stable
//! machine-readable `code` and a human `detail`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use custodia_app::AppError;
use custodia_domain::FieldError;
use custodia_domain::import::RowError;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem details document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, for a person.
    pub detail: String,
    /// A stable machine-readable code, e.g. `invalid_input`, `not_found`.
    pub code: String,
    /// The request's id (also in the `x-request-id` header), for finding it in the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Field-level problems, when the input broke rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds to wait before trying again (429).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Row-level problems, when an import was rejected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
    /// Registered persons who may be the one being admitted (409 `possible_duplicate`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<custodia_app::persons::Candidate>,
}

impl Problem {
    /// A problem with a status, code and detail.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("https://custodia.invalid/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            request_id: None,
            retry_after: None,
            errors: Vec::new(),
            rows: Vec::new(),
            candidates: Vec::new(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"custodia\""),
            );
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A use-case error on its way to becoming a problem response.
#[derive(Debug)]
pub struct ApiError(pub Problem);

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(p)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let problem = match e {
            AppError::Invalid(invalid) => Problem {
                errors: invalid.0.clone(),
                ..Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_input",
                    invalid.to_string(),
                )
            },
            AppError::NotFound { what, key } => Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("{what} {key} not found"),
            ),
            AppError::Conflict { code, message } => {
                Problem::new(StatusCode::CONFLICT, code, message)
            }
            AppError::Forbidden { action } => Problem::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("your roles do not allow {action} here"),
            ),
            AppError::Unauthenticated => Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "sign in (POST /api/v1/auth/token) and send the token as Authorization: Bearer …",
            ),
            AppError::Throttled { retry_after_secs } => Problem {
                retry_after: Some(retry_after_secs),
                ..Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    format!("too many failed sign-ins; try again in {retry_after_secs} s"),
                )
            },
            AppError::ImportRejected(rows) => Problem {
                detail: format!(
                    "import rejected: {} bad row(s); nothing was imported",
                    rows.len()
                ),
                rows,
                ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "import_rejected", "")
            },
            AppError::PossibleDuplicates(candidates) => Problem {
                candidates,
                ..Problem::new(
                    StatusCode::CONFLICT,
                    "possible_duplicate",
                    "this person may already be registered as the candidates listed: when admitting, admit again with person_id set to one of them, or with confirm_new_person true",
                )
            },
            AppError::BadFile(message) => {
                Problem::new(StatusCode::BAD_REQUEST, "bad_file", message)
            }
            AppError::Store(e) => {
                tracing::error!(error = %e, "storage failure");
                if e.is_retryable() || e.is_unavailable() {
                    Problem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "conflict_retry",
                        "the database is busy or unreachable; try again",
                    )
                } else {
                    Problem::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "internal error; the request id identifies it in the logs",
                    )
                }
            }
        };
        ApiError(problem)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}
