//! `/api/v1/admissions`, `/api/v1/persons…` and `/api/v1/deadlines`: the registry of
//! persons deprived of liberty, their legal clock, and search.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;

use custodia_app::persons::{self, Correction, Deadlines, PersonFile, Release, SearchPage};
use custodia_domain::admission::AdmissionRequest;
use custodia_domain::custody::LegalDocument;

use super::Caller;
use crate::AppState;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::{ApiError, Problem};

fn created(file: PersonFile) -> impl IntoResponse {
    let location = format!("/api/v1/persons/{}", file.id);
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(file),
    )
}

/// Admits a person into custody with the legal basis and the Rule 7 record, optionally
/// into a cell (every placement rule checked) and with a security classification (only
/// for those who may classify). When the person may already be registered, answers 409
/// `possible_duplicate` with the candidates: admit again with `person_id` (link) or
/// `confirm_new_person: true`.
#[utoipa::path(post, path = "/admissions", tag = "persons", request_body = AdmissionRequest,
    responses(
        (status = 201, description = "Admitted: the person's file", body = PersonFile),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your roles do not allow admitting here, or setting the classification (directors may)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such facility or person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Possible duplicate, already in custody, or the location out of service, full or restricted (keep-apart)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule (legal basis, dates, age group, sex, security level, cédula…)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn admit(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiJson(request): ApiJson<AdmissionRequest>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(created(persons::admit(&s.store, &who, request).await?))
}

/// Search terms and paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Any name part, alias, registry number or document number.
    pub q: String,
    /// Skip this many results (default 0).
    pub offset: Option<i64>,
    /// At most this many results (default 20, at most 100).
    pub limit: Option<i64>,
}

/// Finds persons in the caller's facilities, best match first: accents and case are
/// ignored and one typo per word is forgiven.
#[utoipa::path(get, path = "/persons", tag = "persons", params(SearchQuery),
    responses(
        (status = 200, description = "A page of results", body = SearchPage),
        (status = 422, description = "Bad query or paging", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn search(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<SearchPage>, ApiError> {
    Ok(Json(
        persons::search(
            &s.store,
            &who,
            &q.q,
            q.offset.unwrap_or(0),
            q.limit.unwrap_or(20),
        )
        .await?,
    ))
}

/// Why the file is read (journaled with the read).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReadQuery {
    /// The reason for reading, recorded in the access journal.
    pub reason: Option<String>,
}

/// A person's whole file. Every read is journaled (`access.read`).
#[utoipa::path(get, path = "/persons/{id}", tag = "persons", params(("id" = i64, Path, description = "Person id"), ReadQuery),
    responses(
        (status = 200, description = "The file", body = PersonFile),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad reason (over 500 characters, control characters)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ReadQuery>,
) -> Result<Json<PersonFile>, ApiError> {
    Ok(Json(
        persons::file(&s.store, &who, id, q.reason.as_deref()).await?,
    ))
}

/// Files a court document with the person's open custody episode (a new case's pretrial
/// order, a sentence, another order, a suspension) and recomputes the legal dates.
#[utoipa::path(post, path = "/persons/{id}/legal-documents", tag = "persons", request_body = LegalDocument,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 201, description = "Filed: the person's file", body = PersonFile),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in custody", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_document(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(document): ApiJson<LegalDocument>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(created(
        persons::record_document(&s.store, &who, id, document).await?,
    ))
}

/// Releases a person, closing the open custody episode.
#[utoipa::path(post, path = "/persons/{id}/release", tag = "persons", request_body = Release,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, description = "Released: the person's file", body = PersonFile),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in custody", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn release(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(release): ApiJson<Release>,
) -> Result<Json<PersonFile>, ApiError> {
    Ok(Json(persons::release(&s.store, &who, id, release).await?))
}

/// Corrects one identity field, or with `episode_id` one part of that episode's admission
/// record, with a reason; the old value stays in the file's history. A corrected identity
/// obeys admission's rules (age group, sex, no one else's document or names).
#[utoipa::path(post, path = "/persons/{id}/corrections", tag = "persons", request_body = Correction,
    params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 201, description = "Corrected: the person's file", body = PersonFile),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person or episode", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The corrected identity is another registered person's (possible_duplicate, with candidates)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn correct(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(correction): ApiJson<Correction>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(created(
        persons::correct(&s.store, &who, id, correction).await?,
    ))
}

/// Which facility and window.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesQuery {
    /// A facility code (default: every facility the caller may read).
    pub facility: Option<String>,
    /// Days ahead (default 30, at most 3650).
    pub within_days: Option<i64>,
}

/// Pretrial expiries and release dates overdue or due within the window; anyone held
/// past a legal limit comes first.
#[utoipa::path(get, path = "/deadlines", tag = "persons", params(DeadlinesQuery),
    responses(
        (status = 200, description = "Deadlines, overdue first", body = Deadlines),
        (status = 404, description = "No such facility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad window", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn deadlines(
    State(s): State<AppState>,
    Caller(who): Caller,
    ApiQuery(q): ApiQuery<DeadlinesQuery>,
) -> Result<Json<Deadlines>, ApiError> {
    Ok(Json(
        persons::deadlines(
            &s.store,
            &who,
            q.facility.as_deref(),
            q.within_days.unwrap_or(30),
        )
        .await?,
    ))
}
