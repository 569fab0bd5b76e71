//! What wraps every request: a request id, one log line, the body limit, and problem
//! documents for every error response (including the router's own 404 and 405).

use std::net::SocketAddr;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

use crate::problem::{PROBLEM_JSON, Problem};

/// The header carrying the request id, both ways.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Adds the middleware to a router.
pub fn wrap(router: Router, options: crate::Options) -> Router {
    router
        .layer(DefaultBodyLimit::max(crate::BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| {
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error; the request id identifies it in the logs",
            )
            .into_response()
        }))
        .layer(middleware::from_fn_with_state(options, around))
        // Outermost, so that the layers inside read and write plain bodies; pages and
        // JSON travel compressed to whoever accepts it (slow links at remote prisons).
        .layer(CompressionLayer::new())
}

/// Requests from this machine must name it by a loopback name, so that a web page the
/// operator visits cannot reach the server through a name that resolves to 127.0.0.1
/// (DNS rebinding). Requests from elsewhere name it however they reach it.
fn host_allowed(req: &Request, peer_is_loopback: bool) -> bool {
    if !peer_is_loopback {
        return true;
    }
    let Some(host) = req.headers().get(header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}

/// A caller's id is kept when it is short and plain; otherwise a new one is made.
fn request_id(req: &Request) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

async fn around(
    axum::extract::State(options): axum::extract::State<crate::Options>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(&req);
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let peer_addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let peer = peer_addr.map(|ip| ip.to_string()).unwrap_or_default();
    // The trusted proxy names the site by its public name: only direct local callers are held
    // to loopback names.
    let local_caller =
        peer_addr.is_none_or(|ip| ip.is_loopback()) && peer_addr != options.trusted_proxy;
    let response = if host_allowed(&req, local_caller) {
        next.run(req).await
    } else {
        Problem::new(
            StatusCode::MISDIRECTED_REQUEST,
            "host_not_allowed",
            "address this server as localhost, 127.0.0.1 or [::1]",
        )
        .into_response()
    };
    let mut response = as_problem(response, &id).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    let status = response.status().as_u16();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    // Probes come every few seconds: they would drown the requests people make.
    if path == "/healthz" || path == "/readyz" {
        tracing::debug!(target: "custodia::http", request_id = %id, %method, path, status, millis, peer, "request");
    } else {
        tracing::info!(target: "custodia::http", request_id = %id, %method, path, status, millis, peer, "request");
    }
    response
}

/// Makes sure an error response is a problem document carrying the request id.
async fn as_problem(response: Response, id: &str) -> Response {
    let status = response.status();
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_page {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, 1024 * 1024).await.unwrap_or_default();
    let mut problem = if is_problem {
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(mut v) => {
                v["request_id"] = serde_json::Value::String(id.to_owned());
                let mut rebuilt = Response::from_parts(parts, Body::from(v.to_string()));
                rebuilt.headers_mut().remove(header::CONTENT_LENGTH);
                return rebuilt;
            }
            Err(_) => Problem::new(status, "internal", "internal error"),
        }
    } else {
        generic(status, &bytes)
    };
    problem.request_id = Some(id.to_owned());
    let mut rebuilt = problem.into_response();
    for (name, value) in parts.headers.iter() {
        if name == header::ALLOW {
            rebuilt.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rebuilt
}

fn generic(status: StatusCode, body: &[u8]) -> Problem {
    let text = String::from_utf8_lossy(body).trim().to_owned();
    match status {
        StatusCode::NOT_FOUND => Problem::new(status, "not_found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => Problem::new(
            status,
            "method_not_allowed",
            "this resource does not accept that method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => Problem::new(
            status,
            "body_too_large",
            format!(
                "the body is larger than the {} bytes accepted",
                crate::BODY_LIMIT
            ),
        ),
        _ if text.is_empty() => Problem::new(
            status,
            "error",
            status.canonical_reason().unwrap_or("error"),
        ),
        _ => Problem::new(status, "error", text),
    }
}
