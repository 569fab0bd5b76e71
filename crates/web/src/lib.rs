//! Custodia's HTTP layer: the JSON API under `/api/v1` with its OpenAPI document,
//! health and readiness probes, problem+json errors, request ids and request logs.
//! Handlers are thin: extract, call a use case from `custodia-app`, render.

#![warn(missing_docs)]

mod api;
mod extract;
mod middleware;
mod problem;

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

/// Builds the application: every route, with its middleware.
pub fn app(store: Store) -> Router {
    let (api, doc) = parts();
    let openapi = Arc::new(doc.to_pretty_json().unwrap_or_else(|_| "{}".to_owned()));
    let state = AppState {
        store,
        throttle: Arc::default(),
        openapi,
    };
    middleware::wrap(api.with_state(state))
}

/// Serves the application on `listener` until `shutdown` completes. Until user
/// accounts exist, a listener on anything but a loopback address is refused.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!(
                "refusing to serve on {addr}: until access control exists, only loopback addresses"
            ),
        ));
    }
    axum::serve(
        listener,
        app(store).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
