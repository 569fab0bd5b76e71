//! The few pages there are until the web UI arrives: sign in, a signed-in home page and
//! sign out. Browser sessions live in an HttpOnly, SameSite=Strict cookie (Secure when
//! served over TLS); every change made with a session carries its CSRF token.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::api::ClientAddress;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "custodia_session";

/// The value of the session cookie in a request, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Custodia</title></head><body><main>{body}</main></body></html>"
    )
}

fn login_form(message: Option<&str>) -> String {
    let message = message
        .map(|m| format!("<p role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    page(
        "Ingresar",
        &format!(
            "<h1>Custodia</h1>{message}<form method=\"post\" action=\"/login\">\
             <label>Usuario / Username <input name=\"username\" autocomplete=\"username\" required></label>\
             <label>Contraseña / Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <button type=\"submit\">Ingresar / Sign in</button></form>"
        ),
    )
}

/// `GET /login`: the sign-in form.
pub async fn login_page() -> Html<String> {
    Html(login_form(None))
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// The host the browser addressed: `X-Forwarded-Host` from the trusted proxy, else `Host`.
fn forwarded_host(
    headers: &HeaderMap,
    peer: std::net::SocketAddr,
    trusted_proxy: Option<std::net::IpAddr>,
) -> Option<String> {
    let from_proxy = trusted_proxy == Some(peer.ip());
    let forwarded = headers
        .get("x-forwarded-host")
        .filter(|_| from_proxy)
        .and_then(|v| v.to_str().ok());
    forwarded
        .or_else(|| headers.get(header::HOST).and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}

/// Whether a form post comes from this site: browsers send `Origin` (and
/// `Sec-Fetch-Site`) with posts, and a foreign one means another site is trying to sign
/// the visitor in (login CSRF).
fn same_origin(headers: &HeaderMap, host: Option<String>) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| site != "same-origin" && site != "none") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = host.unwrap_or_default();
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host.eq_ignore_ascii_case(&host)
}

fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("custodia_session=; Path=/; Max-Age=0"))
}

/// `POST /login`: signs in; a new session replaces any the browser had.
pub async fn login(
    State(s): State<AppState>,
    ClientAddress(client): ClientAddress,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !same_origin(
        &headers,
        forwarded_host(&headers, peer, s.options.trusted_proxy),
    ) {
        return crate::problem::Problem::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "sign in from Custodia's own sign-in page",
        )
        .into_response();
    }
    let previous = session_cookie(&headers);
    match custodia_app::sessions::start(
        &s.store,
        &s.throttle,
        &form.username,
        &form.password,
        &client,
        previous.as_deref(),
    )
    .await
    {
        Ok(started) => {
            let mut response = Redirect::to("/").into_response();
            let max_age = custodia_app::sessions::ABSOLUTE.as_secs();
            response.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&started.secret, max_age, s.options.secure_cookies),
            );
            response
        }
        Err(custodia_app::AppError::Throttled { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after_secs.to_string())],
            Html(login_form(Some(
                "Demasiados intentos; espere. / Too many attempts; wait.",
            ))),
        )
            .into_response(),
        Err(custodia_app::AppError::Unauthenticated) => (
            StatusCode::UNAUTHORIZED,
            Html(login_form(Some(
                "Usuario o contraseña no válidos. / Invalid username or password.",
            ))),
        )
            .into_response(),
        Err(e) => crate::problem::ApiError::from(e).into_response(),
    }
}

/// `GET /`: who is signed in, and the way out. Without a session: to the sign-in form.
pub async fn home(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let live = match session_cookie(&headers) {
        Some(secret) => custodia_app::sessions::authenticate(&s.store, &secret)
            .await
            .ok(),
        None => None,
    };
    let Some(live) = live else {
        return Redirect::to("/login").into_response();
    };
    let alerts = format!(
        "{}{}",
        overdue_alerts(&s, &live.principal).await,
        overdue_notifications(&s, &live.principal).await
    );
    Html(page(
        "Inicio",
        &format!(
            "<h1>Custodia</h1>{alerts}<p>Sesión de <strong>{user}</strong>.</p>\
             <form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"_csrf\" value=\"{csrf}\">\
             <button type=\"submit\">Salir / Sign out</button></form>",
            user = escape(&live.username),
            csrf = escape(&live.csrf_token),
        ),
    ))
    .into_response()
}

/// Anyone held past a legal limit in the principal's facilities: the gravest alert, shown
/// first on the dashboard until resolved (empty when none, or when persons are out of reach).
async fn overdue_alerts(s: &AppState, who: &custodia_app::Principal) -> String {
    let found = match custodia_app::persons::deadlines(&s.store, who, None, 0).await {
        Ok(found) => found,
        // Persons out of this user's reach: nothing to show.
        Err(custodia_app::AppError::Forbidden { .. }) => return String::new(),
        // Never let a failure read as "nobody is held past a limit".
        Err(e) => {
            tracing::error!(error = %e, "legal deadlines unavailable for the dashboard");
            return "<section role=\"alert\" class=\"overdue\"><h2>No se pudieron comprobar los límites legales / Legal limits could not be checked</h2><p>Inténtelo de nuevo; si persiste, avise a soporte.</p></section>".to_owned();
        }
    };
    let rows: Vec<String> = found
        .items
        .iter()
        .filter(|d| d.overdue)
        .map(|d| {
            let kind = match d.kind {
                custodia_domain::deadlines::DeadlineKind::PretrialExpiry => {
                    "caducidad de prisión preventiva / pretrial detention expired"
                }
                custodia_domain::deadlines::DeadlineKind::SentenceEnd => {
                    "pena cumplida / sentence served"
                }
            };
            format!(
                "<li><strong>{name}</strong> ({registry}, {facility}): {kind} el {due}, hace {days} días</li>",
                name = escape(&d.full_name),
                registry = escape(&d.registry_number),
                facility = escape(&d.facility),
                due = d.due,
                days = -d.days_left,
            )
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "<section role=\"alert\" class=\"overdue\"><h2>Personas retenidas más allá del límite legal / Held past a legal limit: {}</h2><ul>{}</ul></section>",
        rows.len(),
        rows.join("")
    )
}

/// Notifications the law requires that are past due and not made, in the principal's
/// reach (empty when none, or when they may not read notifications).
async fn overdue_notifications(s: &AppState, who: &custodia_app::Principal) -> String {
    let query = custodia_app::incidents::NotificationQuery {
        status: Some(custodia_domain::notification::NotificationStatus::Pending),
        due_before: Some("now".into()),
        facility: None,
        limit: Some(50),
    };
    let found = match custodia_app::incidents::notifications(&s.store, who, query).await {
        Ok(found) => found,
        Err(custodia_app::AppError::Forbidden { .. }) => return String::new(),
        Err(e) => {
            tracing::error!(error = %e, "notifications unavailable for the dashboard");
            return "<section role=\"alert\" class=\"overdue\"><h2>No se pudieron comprobar las notificaciones / Notifications could not be checked</h2></section>".to_owned();
        }
    };
    if found.is_empty() {
        return String::new();
    }
    let rows: Vec<String> = found
        .iter()
        .map(|n| {
            format!(
                "<li><strong>{recipient}</strong>: {summary} (vence / due {due})</li>",
                recipient = escape(&n.recipient),
                summary = escape(&n.summary),
                due = escape(&n.due_at),
            )
        })
        .collect();
    format!(
        "<section role=\"alert\" class=\"overdue\"><h2>Notificaciones obligatorias vencidas / Overdue notifications: {}</h2><ul>{}</ul></section>",
        rows.len(),
        rows.join("")
    )
}

/// The sign-out form's fields.
#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

/// `POST /logout`: ends the session (with its CSRF token) and clears the cookie.
pub async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    let Some(secret) = session_cookie(&headers) else {
        return Redirect::to("/login").into_response();
    };
    let Ok(live) = custodia_app::sessions::authenticate(&s.store, &secret).await else {
        return Redirect::to("/login").into_response();
    };
    if !custodia_app::sessions::csrf_matches(&form.csrf, &live.csrf_token) {
        return crate::problem::Problem::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "the form's CSRF token is missing or wrong; reload the page",
        )
        .into_response();
    }
    if let Err(e) = custodia_app::sessions::end(&s.store, &secret).await {
        return crate::problem::ApiError::from(e).into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie("", 0, s.options.secure_cookies));
    response
}
