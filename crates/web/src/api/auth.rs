//! `POST /api/v1/auth/token`: a username and password for a bearer token.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use custodia_app::users::IssuedToken;

use super::ClientAddress;
use crate::AppState;
use crate::extract::ApiJson;
use crate::problem::{ApiError, Problem};

/// Credentials to sign in with.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Signs in: answers a bearer token for `Authorization: Bearer …`, valid 12 hours.
/// Every failure is the same 401, whatever was wrong; repeated failures per account or
/// client are refused with 429 for a while, and an account is locked after ten.
#[utoipa::path(post, path = "/auth/token", tag = "auth", request_body = SignIn,
    responses(
        (status = 200, description = "Signed in", body = IssuedToken),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn token(
    State(s): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Json<IssuedToken>, ApiError> {
    Ok(Json(
        custodia_app::sign_in::sign_in(
            &s.store,
            &s.throttle,
            &body.username,
            &body.password,
            &client,
        )
        .await?,
    ))
}

/// The browser session a request carries.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// Who is signed in.
    pub username: String,
    /// The token to send in `x-csrf-token` with every change.
    pub csrf_token: String,
    /// When the session ends at the latest.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: jiff::Timestamp,
}

/// The current browser session (signed in at `/login`) and its CSRF token, for scripts.
#[utoipa::path(get, path = "/auth/session", tag = "auth",
    responses((status = 200, description = "The session", body = SessionInfo)))]
pub async fn session(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Json<SessionInfo>, ApiError> {
    let secret = crate::ui::session::session_cookie(&headers)
        .ok_or(custodia_app::AppError::Unauthenticated)?;
    let live = custodia_app::sessions::authenticate(&s.store, &secret).await?;
    Ok(Json(SessionInfo {
        username: live.username,
        csrf_token: live.csrf_token,
        expires_at: live.expires_at,
    }))
}
