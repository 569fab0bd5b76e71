//! Signing in and out. A new session replaces any the browser had; sign-in posts from
//! another site are refused (login CSRF), and a failed sign-in reads the same whatever
//! was wrong.

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::page::{Chrome, csrf_refused, render, render_with};
use super::session::{SESSION_COOKIE, Viewer, Visitor, session_cookie};
use crate::AppState;
use crate::api::ClientAddress;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    message: Option<String>,
    username: String,
    next: String,
}

/// Where to go after signing in: a path of this site, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// `?next=` on the sign-in page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// `GET /login`: the sign-in form.
pub async fn login_page(visitor: Visitor, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    render(&LoginPage {
        c: login_chrome(visitor.lang, &next),
        message: None,
        username: String::new(),
        next,
    })
}

/// The sign-in page's frame: its language switch comes back to the sign-in page, with
/// where to go afterwards.
fn login_chrome(lang: super::i18n::Lang, next: &str) -> Chrome {
    let mut c = Chrome::visitor(lang, "login-title");
    c.here = if next == "/" {
        "/login".to_owned()
    } else {
        format!("/login?next={}", super::session::urlencode(next))
    };
    c
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
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
    visitor: Visitor,
    ClientAddress(client): ClientAddress,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
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
    let next = safe_next(form.next.as_deref());
    let refused = |status: StatusCode, key: &str| {
        let c = login_chrome(visitor.lang, &next);
        let message = Some(c.t.s(key));
        render_with(
            status,
            &LoginPage {
                c,
                message,
                username: form.username.clone(),
                next: next.clone(),
            },
        )
    };
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
            let mut response = Redirect::to(&next).into_response();
            let max_age = custodia_app::sessions::ABSOLUTE.as_secs();
            response.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&started.secret, max_age, s.options.secure_cookies),
            );
            response
        }
        Err(custodia_app::AppError::Throttled { retry_after_secs }) => {
            let mut response = refused(StatusCode::TOO_MANY_REQUESTS, "login-throttled");
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
        Err(custodia_app::AppError::Unauthenticated) => {
            refused(StatusCode::UNAUTHORIZED, "login-failed")
        }
        Err(e) => crate::problem::ApiError::from(e).into_response(),
    }
}

/// The sign-out form's fields.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl CsrfForm {
    /// The token the form carried.
    pub fn token(&self) -> &str {
        &self.csrf
    }
}

/// `POST /logout`: ends the session (with its CSRF token) and clears the cookie.
pub async fn logout(State(s): State<AppState>, v: Viewer, Form(form): Form<CsrfForm>) -> Response {
    if !v.csrf_ok(form.token()) {
        return csrf_refused(&v);
    }
    if let Err(e) = custodia_app::sessions::end(&s.store, &v.secret).await {
        return crate::problem::ApiError::from(e).into_response();
    }
    let mut response = Redirect::to(&format!("/login?lang={}", v.lang.code())).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie("", 0, s.options.secure_cookies));
    response
}
