//! Liveness, readiness and the OpenAPI document.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;

use crate::AppState;
use crate::problem::{ApiError, Problem};

/// The body of a healthy probe.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `ready`.
    pub status: String,
    /// `sqlite` or `postgres` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        database: None,
    })
}

/// The database is reachable and every migration of this build is applied.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Not ready", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let unavailable =
        |detail: String| Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", detail);
    state.store.ping().await.map_err(|e| {
        // The details (hosts, users) are for the logs, not for anyone who asks.
        tracing::warn!(error = %e, "readiness: database unreachable");
        unavailable("the database cannot be reached".into())
    })?;
    match state.store.migrations_applied().await {
        Ok(true) => Ok(Json(Health {
            status: "ready".into(),
            database: Some(state.store.backend().name().into()),
        })),
        Ok(false) => Err(unavailable(
            "database migrations are not all applied: run `custodia migrate`".into(),
        )
        .into()),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: cannot read applied migrations");
            Err(unavailable("the database's migrations cannot be read".into()).into())
        }
    }
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "health",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json(State(state): State<AppState>, _: super::Caller) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi.as_str().to_owned(),
    )
}
