//! The web interface for staff: server-rendered pages from askama templates (escaped by
//! default), htmx for the parts that update themselves, one stylesheet, every asset
//! embedded. Spanish by default, English per user or per request. Every form posts
//! through the same use cases as the API.

pub mod account;
pub mod admin;
pub mod admission;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod crises;
pub mod dashboard;
pub mod deadlines;
pub mod facility;
pub mod format;
pub mod forms;
pub mod i18n;
pub mod incidents;
pub mod operations;
pub mod page;
pub mod persons;
pub mod placement;
pub mod seizures;
pub mod session;
pub mod statistics;
pub mod transfers;

use axum::Router;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;
use session::Visitor;

/// The interface's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/dashboard/live", get(dashboard::live))
        .route("/deadlines", get(deadlines::list))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/account", get(account::show))
        .route("/account/language", post(account::set_language))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/facilities", get(facility::list))
        .route("/facilities/{code}", get(facility::show))
        .route("/facilities/{code}/units/{id}", get(facility::unit))
        .route("/facilities/{code}/counts", post(facility::record_count))
        .route("/admissions/new", get(admission::new))
        .route("/admissions", post(admission::admit))
        .route("/admissions/check", post(admission::check))
        .route("/persons", get(persons::search))
        .route("/persons/results", get(persons::search_results))
        .route("/persons/{id}", get(persons::file))
        .route(
            "/persons/{id}/placement",
            get(placement::show).post(placement::place),
        )
        .route("/persons/{id}/placement/check", post(placement::check))
        .route("/persons/{id}/transfer", post(placement::request_transfer))
        .route("/transfers", get(transfers::list))
        .route("/transfer-operations", post(operations::create))
        .route("/transfer-operations/new", get(operations::new))
        .route("/transfer-operations/{id}", get(operations::show))
        .route("/transfer-operations/{id}/{step}", post(operations::step))
        .route("/transfers/{id}/{step}", post(transfers::step))
        .route("/incidents", get(incidents::list).post(incidents::report))
        .route("/incidents/new", get(incidents::new))
        .route("/incidents/{id}", get(incidents::show))
        .route("/incidents/{id}/{what}", post(incidents::update))
        .route("/notifications", get(incidents::notifications))
        .route(
            "/notifications/{id}/done",
            post(incidents::notification_done),
        )
        .route("/crises", get(crises::list).post(crises::open))
        .route("/crises/{id}", get(crises::show))
        .route("/crises/{id}/board", get(crises::live))
        .route("/crises/{id}/hostages", post(crises::hostages))
        .route("/statistics", get(statistics::show))
        .route("/statistics/{file}", get(statistics::csv))
        .route("/admin/users", get(admin::users).post(admin::add_user))
        .route("/admin/users/{username}/{action}", post(admin::user_action))
        .route(
            "/admin/facilities",
            get(admin::facilities).post(admin::add_facility),
        )
        .route(
            "/admin/facilities/{code}",
            get(admin::locations).post(admin::edit_facility),
        )
        .route(
            "/admin/facilities/{code}/locations",
            post(admin::add_location),
        )
        .route(
            "/admin/locations/{id}/{action}",
            post(admin::location_action),
        )
        .route("/admin/import", post(admin::import))
        .route("/searches", get(seizures::list).post(seizures::record))
        .route("/searches/{id}", get(seizures::show))
        .route("/searches/{id}/items", post(seizures::seize))
        .route(
            "/searches/{id}/items/{item}/handover",
            post(seizures::hand_over),
        )
        .route("/assets/{name}", get(assets::serve))
}

/// What answers an address nothing serves: a problem document under `/api`, the 404
/// page elsewhere.
pub async fn fallback(visitor: Visitor, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        return crate::problem::Problem::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            "no such resource",
        )
        .into_response();
    }
    page::not_found(page::Chrome::visitor(visitor.lang, "error-not-found-title"))
}
