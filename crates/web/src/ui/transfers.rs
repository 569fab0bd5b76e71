//! Transfers between facilities, listed by status, with a button for each step the
//! viewer may take next (approve, dispatch, receive, cancel).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use custodia_app::population::StepRequest;
use custodia_domain::transfer::{TransferStatus, TransferStep};

use super::format;
use super::forms::Posted;
use super::page::{Chrome, app_error, not_found, render};
use super::session::Viewer;
use crate::AppState;

/// A transfer, as listed.
struct TransferLine {
    id: i64,
    person_id: i64,
    from: String,
    to: String,
    reason: String,
    status: String,
    requested: String,
    steps: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "transfers.html")]
struct TransfersPage {
    c: Chrome,
    status: String,
    statuses: Vec<(&'static str, String)>,
    transfers: Vec<TransferLine>,
    may_bulk: bool,
}

/// `?status=&facility=`.
#[derive(Deserialize)]
pub struct Filter {
    status: Option<String>,
    facility: Option<String>,
}

/// `GET /transfers`.
pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Filter>) -> Response {
    let (t, lang, who) = (v.t(), v.lang, &v.live.principal);
    let status = q
        .status
        .as_deref()
        .filter(|x| !x.is_empty())
        .and_then(|x| TransferStatus::parse(x).ok());
    let facility = q.facility.as_deref().filter(|x| !x.is_empty());
    let found = match custodia_app::population::transfers(&s.store, who, facility, status).await {
        Ok(found) => found,
        Err(e) => return app_error(&v, e),
    };
    let transfers = found
        .into_iter()
        .map(|tr| TransferLine {
            steps: custodia_app::population::next_steps(who, &tr)
                .into_iter()
                .map(|step| (step.as_str(), t.e("transfer-step", step.as_str())))
                .collect(),
            id: tr.id,
            person_id: tr.person_id,
            reason: t.e("transfer-reason", &tr.reason),
            status: t.e("transfer-status", &tr.status),
            requested: format::instant_text(lang, &tr.requested_at, format::DEFAULT_ZONE),
            from: tr.from_facility,
            to: tr.to_facility,
        })
        .collect();
    render(&TransfersPage {
        c: Chrome::viewer(&v, "/transfers", t.s("transfers-title")),
        status: status.map(|x| x.as_str().to_owned()).unwrap_or_default(),
        statuses: TransferStatus::ALL
            .iter()
            .map(|x| (x.as_str(), t.e("transfer-status", x.as_str())))
            .collect(),
        transfers,
        may_bulk: who
            .require_some(custodia_domain::access::Action::TransferRequest)
            .is_ok(),
    })
}

/// `POST /transfers/{id}/{step}`.
pub async fn step(
    State(s): State<AppState>,
    Path((id, step)): Path<(i64, String)>,
    Posted { v, f }: Posted,
) -> Response {
    let Ok(step) = TransferStep::parse(&step) else {
        return not_found(Chrome::viewer(&v, "", String::new()));
    };
    let body = StepRequest {
        reason: f.opt("reason").map(str::to_owned),
        ..StepRequest::default()
    };
    match custodia_app::population::transfer_step(&s.store, &v.live.principal, id, step, body).await
    {
        Ok(_) => Redirect::to("/transfers").into_response(),
        Err(e) => app_error(&v, e),
    }
}
