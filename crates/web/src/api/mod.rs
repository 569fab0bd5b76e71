//! The routes of the JSON API and the OpenAPI document built from them.

mod audit;
mod auth;
mod common;
mod facilities;
mod health;
mod incidents;
mod locations;
mod movements;
mod persons;
mod population;
mod seizures;
mod staff;

use axum::extract::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::net::SocketAddr;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use custodia_app::Principal;

use crate::AppState;
use axum::http::{Method, StatusCode};

use crate::problem::{ApiError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Custodia API",
        description = "The national system of record for persons deprived of liberty: facilities, locations and the journal. Errors are RFC 9457 problem documents (application/problem+json); every response carries an x-request-id header.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(crate::problem::Problem, custodia_domain::transfer::TransferStatus, custodia_domain::staff::StaffKind, custodia_domain::crisis::CrisisStatus, custodia_domain::incident::IncidentType, custodia_domain::incident::IncidentStatus, custodia_domain::notification::NotificationStatus)),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Signing in for a bearer token"),
        (name = "audit", description = "Who read or exported what"),
        (name = "facilities", description = "Prisons, pretrial, rehabilitation and adolescent centres"),
        (name = "locations", description = "Places inside a facility, capacity and out-of-service periods"),
        (name = "persons", description = "Persons deprived of liberty: admission, legal status and dates, release, corrections, search, deadlines"),
        (name = "population", description = "Where every person is: placements and moves, the placement check, classification, the roll, occupants at any instant, movements"),
        (name = "transfers", description = "Transfers between facilities, one by one or in bulk operations: requested, approved, dispatched, received or cancelled"),
        (name = "intelligence", description = "Gangs, affiliations and keep-apart rules: intelligence staff, national operations and administrators only"),
        (name = "incidents", description = "Incidents at facilities and at sites outside them: timeline, people involved, casualties, attachments"),
        (name = "crises", description = "Crises grouping incidents at several sites, hostages taken and released, and the staff accountability board"),
        (name = "notifications", description = "Notifications the law requires (deaths, disappearances, serious injuries, transfers, hostage-takings), tracked until made"),
        (name = "situation", description = "The national situation and each facility's control status"),
        (name = "staff", description = "The staff register and duty rosters: who works where, and who was on duty at any instant"),
        (name = "searches", description = "Searches (requisas) of cells, areas and persons, the items they seized and each item's chain of custody, and seizure statistics"),
    )
)]
struct ApiDoc;

pub use common::add_to as add_common_responses;

/// Every route, each registered with its OpenAPI operation.
pub fn router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .routes(routes!(facilities::list, facilities::create))
        .routes(routes!(facilities::get, facilities::update))
        .routes(routes!(facilities::history))
        .routes(routes!(locations::list, locations::create))
        .routes(routes!(locations::get, locations::update))
        .routes(routes!(locations::take_out_of_service))
        .routes(routes!(locations::return_to_service))
        .routes(routes!(locations::history))
        .routes(routes!(persons::admit))
        .routes(routes!(persons::search))
        .routes(routes!(persons::get))
        .routes(routes!(persons::record_document))
        .routes(routes!(persons::release))
        .routes(routes!(persons::correct))
        .routes(routes!(persons::deadlines))
        .routes(routes!(population::place))
        .routes(routes!(population::check))
        .routes(routes!(population::classify))
        .routes(routes!(population::groups, population::register_group))
        .routes(routes!(population::affiliate))
        .routes(routes!(
            population::keep_apart_list,
            population::record_keep_apart
        ))
        .routes(routes!(population::roll))
        .routes(routes!(population::national_roll))
        .routes(routes!(population::occupants))
        .routes(routes!(population::movements))
        .routes(routes!(movements::request, movements::list))
        .routes(routes!(movements::get))
        .routes(routes!(movements::approve))
        .routes(routes!(movements::dispatch))
        .routes(routes!(movements::receive))
        .routes(routes!(movements::cancel))
        .routes(routes!(incidents::list, incidents::report))
        .routes(routes!(incidents::get))
        .routes(routes!(incidents::timeline))
        .routes(routes!(incidents::status))
        .routes(routes!(incidents::people))
        .routes(routes!(incidents::casualties))
        .routes(routes!(incidents::attachments))
        .routes(routes!(incidents::seizures))
        .routes(routes!(incidents::list_crises, incidents::open_crisis))
        .routes(routes!(incidents::get_crisis))
        .routes(routes!(incidents::crisis_incident))
        .routes(routes!(incidents::crisis_timeline))
        .routes(routes!(incidents::hostages))
        .routes(routes!(incidents::release))
        .routes(routes!(incidents::staff_status))
        .routes(routes!(incidents::close))
        .routes(routes!(incidents::accountability))
        .routes(routes!(incidents::notifications))
        .routes(routes!(incidents::notification_done))
        .routes(routes!(incidents::control_history, incidents::set_control))
        .routes(routes!(incidents::situation))
        .routes(routes!(movements::create_operation))
        .routes(routes!(movements::get_operation))
        .routes(routes!(movements::approve_operation))
        .routes(routes!(movements::dispatch_operation))
        .routes(routes!(movements::receive_operation))
        .routes(routes!(movements::cancel_operation))
        .routes(routes!(movements::leave, movements::absences))
        .routes(routes!(movements::come_back))
        .routes(routes!(movements::escape))
        .routes(routes!(movements::recapture))
        .routes(routes!(movements::death))
        .routes(routes!(movements::record_count, movements::counts))
        .routes(routes!(movements::reconcile))
        .routes(routes!(staff::list, staff::register))
        .routes(routes!(staff::get, staff::update))
        .routes(routes!(staff::shifts, staff::record_shift))
        .routes(routes!(staff::on_duty))
        .routes(routes!(seizures::list, seizures::record))
        .routes(routes!(seizures::get))
        .routes(routes!(seizures::seize))
        .routes(routes!(seizures::item))
        .routes(routes!(seizures::hand_over))
        .routes(routes!(seizures::stats))
        .routes(routes!(health::openapi_json))
        .routes(routes!(auth::token))
        .routes(routes!(auth::session))
        .routes(routes!(audit::access));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .nest("/api/v1", v1)
}

/// The principal acting in a request: from its `Authorization: Bearer …` token, or from
/// a browser session cookie, whose changes (any method but GET, HEAD and OPTIONS) must
/// carry the session's token in `x-csrf-token`. Anything missing or wrong is the same
/// 401, saying nothing of what was wrong.
pub struct Caller(pub Principal);

/// The header a session's changes carry their CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .map(|v| {
                // The scheme's name is case-insensitive (RFC 9110).
                v.to_str()
                    .ok()
                    .and_then(|v| v.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map_or("", |(_, token)| token)
            });
        if let Some(secret) = bearer {
            return Ok(Caller(
                custodia_app::users::authenticate(&state.store, secret.trim()).await?,
            ));
        }
        let secret = crate::ui::session::session_cookie(&parts.headers)
            .ok_or(custodia_app::AppError::Unauthenticated)?;
        let live = custodia_app::sessions::authenticate(&state.store, &secret).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !safe && !custodia_app::sessions::csrf_matches(sent, &live.csrf_token) {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "csrf_failed",
                "a change made with a browser session must carry its CSRF token in x-csrf-token",
            )
            .into());
        }
        Ok(Caller(live.principal))
    }
}

/// The client's address, for throttling sign-ins and journaling locks: the TCP peer, or
/// what the trusted proxy says in `X-Forwarded-For`. IPv6 clients count per /64.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .filter(|_| peer.is_some() && peer == state.options.trusted_proxy)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
        let client = match forwarded.or(peer) {
            Some(std::net::IpAddr::V6(v6)) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            Some(ip) => ip.to_string(),
            None => "in-process".to_owned(),
        };
        Ok(ClientAddress(client))
    }
}

/// A journal entry as the API shows it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct JournalEntryView {
    pub seq: i64,
    pub id: String,
    pub event_type: String,
    pub schema_version: i64,
    pub occurred_at: String,
    pub recorded_at: String,
    pub actor: String,
    pub facility: Option<String>,
    pub subject: String,
    /// The previous entry's hash: with `hash`, clients can check the chain themselves.
    pub prev_hash: String,
    /// The event's payload.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub hash: String,
}

impl From<custodia_domain::journal::Entry> for JournalEntryView {
    fn from(e: custodia_domain::journal::Entry) -> Self {
        Self {
            payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
            seq: e.seq,
            id: e.id,
            event_type: e.event_type,
            schema_version: e.schema_version,
            occurred_at: e.occurred_at,
            recorded_at: e.recorded_at,
            actor: e.actor,
            facility: e.facility,
            subject: e.subject,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// Paging of history listings.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only entries with a sequence number above this (the last `seq` of the previous page).
    pub after: Option<i64>,
    /// At most this many entries (default 100, at most 1000).
    pub limit: Option<i64>,
}
