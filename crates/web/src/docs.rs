//! Swagger UI at `/api/docs`, vendored into the binary (nothing is downloaded at build
//! time), for signed-in users; it reads the OpenAPI document the API serves at
//! `/api/v1/openapi.json` with the browser's session.

use axum::Router;
use axum::middleware::from_extractor_with_state;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::AppState;
use crate::ui::session::Viewer;

/// The documentation's routes, each behind a browser session.
pub fn routes(state: AppState) -> Router<AppState> {
    let ui: Router<AppState> = SwaggerUi::new("/api/docs")
        .config(Config::new(["/api/v1/openapi.json"]).try_it_out_enabled(true))
        .into();
    ui.route_layer(from_extractor_with_state::<Viewer, AppState>(state))
}
