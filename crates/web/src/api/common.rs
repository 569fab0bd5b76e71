//! Responses every operation can give, added to the OpenAPI document in one place so
//! that no operation forgets them: the `x-request-id` header, and the problem documents
//! the middleware and extractors produce (bad JSON, oversized or mistyped bodies, bad
//! query strings, internal errors, an unavailable database, a foreign Host header).

use utoipa::openapi::content::Content;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Ref, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi, RefOr};

fn request_id() -> Header {
    let mut header = Header::new(ObjectBuilder::new().schema_type(Type::String));
    header.description =
        Some("The request's id, also in every problem document and log line".into());
    header
}

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::problem::PROBLEM_JSON,
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build(),
    )
}

/// The operations anyone may call: probes and signing in.
const PUBLIC: &[&str] = &["/healthz", "/readyz", "/api/v1/auth/token"];

/// The operations only a browser session may call (a bearer token has no session).
const SESSION_ONLY: &[&str] = &["/api/v1/auth/session"];

/// Who may call an operation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Callers {
    Anyone,
    /// A bearer token or a browser session (`Caller`).
    Authenticated,
    SessionOnly,
}

fn requirement(scheme: &str) -> SecurityRequirement {
    SecurityRequirement::new(scheme, Vec::<String>::new())
}

fn complete(op: &mut Operation, callers: Callers) {
    let public = callers == Callers::Anyone;
    let has_body = op.request_body.is_some();
    let has_query = op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    });
    let responses = &mut op.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    if has_body {
        add("400", "The body is not valid JSON");
        add("413", "The body is larger than accepted");
        add("415", "The body is not sent as application/json");
        add(
            "422",
            "The body does not have the expected shape or breaks a rule",
        );
    }
    if has_query {
        add("400", "A query parameter is malformed");
    }
    if !public {
        add("401", "No valid bearer token or browser session");
        add("403", "The caller's roles do not allow this");
    }
    add(
        "421",
        "The request named this server by a host name other than a loopback one",
    );
    add(
        "500",
        "Internal error (the request id identifies it in the logs)",
    );
    add("503", "The database is busy or unreachable; try again");
    for response in responses.values_mut() {
        if let RefOr::T(response) = response {
            response
                .headers
                .entry("x-request-id".to_owned())
                .or_insert_with(|| RefOr::T(request_id()));
        }
    }
    // Alternatives: any one of them will do.
    op.security = match callers {
        Callers::Anyone => None,
        Callers::Authenticated => Some(vec![requirement("bearer"), requirement("session")]),
        Callers::SessionOnly => Some(vec![requirement("session")]),
    };
}

/// Adds the common responses and headers to every operation of the document.
pub fn add_to(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
            crate::ui::session::SESSION_COOKIE,
        ))),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let callers = if PUBLIC.contains(&path.as_str()) {
            Callers::Anyone
        } else if SESSION_ONLY.contains(&path.as_str()) {
            Callers::SessionOnly
        } else {
            Callers::Authenticated
        };
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            complete(op, callers);
        }
    }
}
