//! Custodia's HTTP layer: the JSON API under `/api/v1` with its OpenAPI document,
//! health and readiness probes, problem+json errors, request ids and request logs.
//! Handlers are thin: extract, call a use case from `custodia-app`, render.

#![warn(missing_docs)]

mod api;
mod docs;
mod extract;
mod middleware;
mod problem;
pub mod ui;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use custodia_store::Store;

pub use problem::Problem;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// How the server is deployed.
    pub options: Options,
    /// Recent failed sign-ins.
    pub throttle: Arc<custodia_app::sign_in::Throttle>,
    openapi: Arc<String>,
}

/// The OpenAPI document of the whole API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1
}

fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = api::router().split_for_parts();
    api::add_common_responses(&mut doc);
    (router, doc)
}

/// How the server is deployed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Mark cookies `Secure`: users reach Custodia over HTTPS.
    pub secure_cookies: bool,
    /// The reverse proxy in front, whose `X-Forwarded-For` and `X-Forwarded-Host` headers
    /// are believed (from anyone else they are ignored).
    pub trusted_proxy: Option<std::net::IpAddr>,
}

/// Builds the application for a server on this machine: every route, with its middleware.
pub fn app(store: Store) -> Router {
    app_with(store, Options::default())
}

/// Builds the application as deployed.
pub fn app_with(store: Store, options: Options) -> Router {
    let (api, doc) = parts();
    let openapi = Arc::new(doc.to_pretty_json().unwrap_or_else(|_| "{}".to_owned()));
    let state = AppState {
        store,
        options,
        throttle: Arc::default(),
        openapi,
    };
    let api = api
        .merge(ui::routes())
        .merge(docs::routes(state.clone()))
        .fallback(ui::fallback);
    middleware::wrap(api.with_state(state), options)
}

/// Serves the application on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_app(listener, app(store), shutdown).await
}

/// Serves a built application (see [`app_with`]) on `listener` until `shutdown`.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
