//! The interface's static files (stylesheet, htmx, the small page script), embedded in
//! the binary: nothing is fetched from elsewhere. Pages link them with their content
//! hash in the address, so browsers keep them for a year and never use a stale one.

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use serde::Deserialize;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// The first 16 hex digits of a file's SHA-256: its version in links.
fn version(name: &str) -> Option<String> {
    let file = Assets::get(name)?;
    let hash = file.metadata.sha256_hash();
    Some(hash[..8].iter().map(|b| format!("{b:02x}")).collect())
}

/// The address of an embedded file, with its version (`/assets/style.css?v=…`).
pub fn url(name: &str) -> String {
    match version(name) {
        Some(v) => format!("/assets/{name}?v={v}"),
        None => format!("/assets/{name}"),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The version asked for in an asset's address.
#[derive(Deserialize)]
pub struct AssetQuery {
    v: Option<String>,
}

/// `GET /assets/{name}`: an embedded file. Versioned addresses are immutable; an
/// unversioned one is revalidated by its ETag.
pub async fn serve(
    Path(name): Path<String>,
    Query(query): Query<AssetQuery>,
    headers: HeaderMap,
) -> Response {
    let (Some(file), Some(current)) = (Assets::get(&name), version(&name)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{current}\"");
    let cache = if query.v.as_deref() == Some(current.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, content_type(&name))],
            file.data.into_owned(),
        )
            .into_response()
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}
