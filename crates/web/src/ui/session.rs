//! Who is looking at a page: a signed-in [`Viewer`] (their session, principal and
//! language), or a [`Visitor`] on the sign-in page. Browser sessions live in an
//! HttpOnly, SameSite=Strict cookie; every form that changes something carries the
//! session's CSRF token.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use custodia_app::sessions::Live;

use super::i18n::{Lang, Tr};
use crate::AppState;

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

/// The `lang=` of a query string, if it names a language the interface speaks.
fn requested_lang(parts: &Parts) -> Option<Lang> {
    parts
        .uri
        .query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "lang")
        .and_then(|(_, value)| Lang::parse(value))
}

fn accepted_lang(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
}

/// A signed-in user looking at a page.
#[derive(Clone)]
pub struct Viewer {
    /// Their session: principal, username, CSRF token.
    pub live: Live,
    /// The session cookie's secret (to end it, or keep it on a password change).
    pub secret: String,
    /// The page's language: `lang=` in the address, else the one they saved.
    pub lang: Lang,
    /// The address asked for (path and query), to come back to.
    pub here: String,
}

impl Viewer {
    /// Strings in the viewer's language.
    pub fn t(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// Whether the form's CSRF token is the session's.
    pub fn csrf_ok(&self, token: &str) -> bool {
        custodia_app::sessions::csrf_matches(token, &self.live.csrf_token)
    }
}

/// Where a request without a live session goes: the sign-in page, then back here. An
/// htmx request is told to send the whole page there.
fn to_sign_in(parts: &Parts) -> Response {
    let asked = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let htmx = parts.headers.contains_key("hx-request");
    // An htmx request asks for a fragment: come back to the page it was made from.
    let page = htmx.then(|| current_page(&parts.headers)).flatten();
    let here = page.as_deref().unwrap_or(if htmx { "/" } else { asked });
    let target = if here == "/" {
        "/login".to_owned()
    } else {
        format!("/login?next={}", urlencode(here))
    };
    if parts.headers.contains_key("hx-request") {
        let mut response = StatusCode::NO_CONTENT.into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            response.headers_mut().insert("hx-redirect", v);
        }
        return response;
    }
    Redirect::to(&target).into_response()
}

/// The path and query of the page an htmx request was made from (`HX-Current-URL`),
/// when it is on this site.
fn current_page(headers: &HeaderMap) -> Option<String> {
    let url = headers.get("hx-current-url")?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?
        .strip_prefix(host)?;
    (rest.starts_with('/') && !rest.starts_with("//")).then(|| rest.to_owned())
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let Some(secret) = session_cookie(&parts.headers) else {
            return Err(to_sign_in(parts));
        };
        let live = match custodia_app::sessions::authenticate(&s.store, &secret).await {
            Ok(live) => live,
            Err(custodia_app::AppError::Unauthenticated) => return Err(to_sign_in(parts)),
            Err(e) => {
                tracing::error!(error = %e, "session check failed");
                return Err(StatusCode::SERVICE_UNAVAILABLE.into_response());
            }
        };
        let lang = requested_lang(parts)
            .or_else(|| Lang::parse(&live.language))
            .unwrap_or_default();
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        Ok(Viewer {
            live,
            secret,
            lang,
            here,
        })
    }
}

/// Someone not (necessarily) signed in: the sign-in page's reader.
#[derive(Clone, Copy)]
pub struct Visitor {
    /// `lang=` in the address, else the browser's language, else Spanish.
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let lang = requested_lang(parts)
            .or_else(|| accepted_lang(&parts.headers))
            .unwrap_or_default();
        Ok(Visitor { lang })
    }
}
