//! Bulk transfer operations: many persons moved in one operation (e.g. 200 from Litoral
//! to five facilities), validated together — one bad move refuses the whole request and
//! every bad move is listed by its line — then approved, dispatched and received as a
//! whole, and tracked person by person.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use custodia_app::AppError;
use custodia_app::population::{OperationMove, OperationRequest, StepRequest};
use custodia_domain::access::Action;
use custodia_domain::transfer::{TransferReason, TransferStep};

use super::forms::{Fields, FormErrors, Posted, Reading};
use super::page::{Chrome, app_error, not_found, render, render_with};
use super::session::Viewer;
use crate::AppState;

#[derive(Template)]
#[template(path = "operation_new.html")]
struct NewPage {
    c: Chrome,
    f: Fields,
    errors: FormErrors,
    reasons: Vec<(&'static str, String)>,
    problems: Vec<String>,
}

/// A transfer of the operation.
struct MoveLine {
    person_id: i64,
    to: String,
    status: String,
}

#[derive(Template)]
#[template(path = "operation.html")]
struct OperationPage {
    c: Chrome,
    id: i64,
    reason: String,
    counts: Vec<(String, i64)>,
    moves: Vec<MoveLine>,
    steps: Vec<(&'static str, String)>,
}

fn new_page(v: &Viewer, f: Fields, errors: FormErrors, problems: Vec<String>) -> NewPage {
    let t = v.t();
    NewPage {
        c: Chrome::viewer(v, "/transfers", t.s("operation-new")),
        f,
        errors,
        reasons: TransferReason::ALL
            .iter()
            .map(|r| (r.as_str(), t.e("transfer-reason", r.as_str())))
            .collect(),
        problems,
    }
}

/// `GET /transfer-operations/new`.
pub async fn new(v: Viewer) -> Response {
    if v.live
        .principal
        .require_some(Action::TransferRequest)
        .is_err()
    {
        return not_found(Chrome::viewer(&v, "", String::new()));
    }
    render(&new_page(
        &v,
        Fields::default(),
        FormErrors::none(),
        Vec::new(),
    ))
}

/// The moves the text area lists, one per line: `person number, destination[, place code]`.
/// Also returns each move's line number in the text.
async fn moves(
    s: &AppState,
    v: &Viewer,
    text: &str,
    r: &mut Reading,
) -> (Vec<OperationMove>, Vec<usize>) {
    let mut lines = Vec::new();
    let mut places: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split([',', ';', '\t']).map(str::trim).collect();
        let field = format!("moves.line{}", n + 1);
        let (Some(person), Some(to)) = (parts.first(), parts.get(1)) else {
            r.problem(&field, "bad_line", line);
            continue;
        };
        let Ok(person_id) = person.trim_start_matches("n.º").trim().parse::<i64>() else {
            r.problem(&field, "bad_line", line);
            continue;
        };
        let to = to.to_uppercase();
        let mut to_location_id = None;
        if let Some(code) = parts.get(2).filter(|c| !c.is_empty()) {
            if !places.contains_key(&to) {
                let found = custodia_app::locations::list(&s.store, &v.live.principal, &to)
                    .await
                    .map(|all| {
                        all.into_iter()
                            .map(|l| (l.location.code.to_uppercase(), l.location.id))
                            .collect()
                    })
                    .unwrap_or_default();
                places.insert(to.clone(), found);
            }
            match places[&to].iter().find(|(c, _)| *c == code.to_uppercase()) {
                Some((_, id)) => to_location_id = Some(*id),
                None => r.problem(&field, "unknown_location", line),
            }
        }
        out.push(OperationMove {
            person_id,
            to_facility: to,
            to_location_id,
        });
        lines.push(n + 1);
    }
    (out, lines)
}

/// The line of the text an error about `moves[i]` refers to.
fn line_of(field: &str, lines: &[usize]) -> Option<usize> {
    let index = field.strip_prefix("moves[")?.split(']').next()?;
    index
        .parse::<usize>()
        .ok()
        .and_then(|i| lines.get(i).copied())
}

/// `POST /transfer-operations`: validates every move together, then creates it.
pub async fn create(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let t = v.t();
    let mut r = Reading::default();
    let (moves, lines) = moves(&s, &v, f.v("moves"), &mut r).await;
    let reason = TransferReason::parse(f.v("reason"));
    if reason.is_err() {
        r.problem("reason", "required", "required");
    }
    let outcome = match (r.finish(), reason) {
        (Ok(()), Ok(reason)) => {
            custodia_app::population::create_operation(
                &s.store,
                &v.live.principal,
                OperationRequest {
                    name: f.v("name").to_owned(),
                    reason,
                    note: f.opt("note").map(str::to_owned),
                    moves,
                },
            )
            .await
        }
        (Err(e), _) => Err(e),
        (Ok(()), Err(_)) => Err(AppError::not_found("reason", "")),
    };
    match outcome {
        Ok(op) => Redirect::to(&format!("/transfer-operations/{}", op.id)).into_response(),
        Err(AppError::Invalid(invalid)) => {
            // Each bad move is listed with its line, in the page's language.
            let mut problems: Vec<(usize, String)> = Vec::new();
            let mut others = Vec::new();
            for e in invalid.0 {
                let message = t.error(&e.code, &e.message);
                match (
                    line_of(&e.field, &lines),
                    e.field.strip_prefix("moves.line"),
                ) {
                    (Some(line), _) => problems.push((
                        line,
                        t.with(
                            "operation-line-problem",
                            &[("line", (line as i64).into()), ("problem", message.into())],
                        ),
                    )),
                    (None, Some(line)) => problems.push((
                        line.parse().unwrap_or(0),
                        t.with(
                            "operation-line-unreadable",
                            &[
                                ("line", line.to_owned().into()),
                                ("text", e.message.clone().into()),
                            ],
                        ),
                    )),
                    _ => others.push(e),
                }
            }
            let errors =
                FormErrors::from_app(t, &AppError::Invalid(custodia_domain::Invalid(others)))
                    .unwrap_or_default();
            problems.sort_by_key(|(line, _)| *line);
            let problems = problems.into_iter().map(|(_, p)| p).collect();
            render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(&v, f, errors, problems),
            )
        }
        Err(e) => match FormErrors::from_app(t, &e) {
            Some(errors) => render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &new_page(&v, f, errors, Vec::new()),
            ),
            None => app_error(&v, e),
        },
    }
}

/// `GET /transfer-operations/{id}`: the operation person by person.
pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    let (who, t) = (&v.live.principal, v.t());
    let op = match custodia_app::population::operation(&s.store, who, id).await {
        Ok(op) => op,
        Err(e) => return app_error(&v, e),
    };
    let k = &op.counts;
    let counts = [
        ("requested", k.requested),
        ("approved", k.approved),
        ("dispatched", k.dispatched),
        ("received", k.received),
        ("cancelled", k.cancelled),
    ]
    .into_iter()
    .map(|(status, n)| (t.e("transfer-status", status), n))
    .collect();
    // The steps open to the whole operation: those open to any of its transfers.
    let mut steps: Vec<TransferStep> = Vec::new();
    for tr in &op.transfers {
        for step in custodia_app::population::next_steps(who, tr) {
            if !steps.contains(&step) {
                steps.push(step);
            }
        }
    }
    steps.sort_by_key(|s| TransferStep::ALL.iter().position(|x| x == s));
    render(&OperationPage {
        c: Chrome::viewer(&v, "/transfers", op.name.clone()),
        id,
        reason: t.e("transfer-reason", &op.reason),
        counts,
        moves: op
            .transfers
            .iter()
            .map(|tr| MoveLine {
                person_id: tr.person_id,
                to: tr.to_facility.clone(),
                status: t.e("transfer-status", &tr.status),
            })
            .collect(),
        steps: steps
            .into_iter()
            .map(|s| (s.as_str(), t.e("operation-step", s.as_str())))
            .collect(),
    })
}

/// `POST /transfer-operations/{id}/{step}`: the step for every transfer it applies to.
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
    match custodia_app::population::operation_step(&s.store, &v.live.principal, id, step, body)
        .await
    {
        Ok(_) => Redirect::to(&format!("/transfer-operations/{id}")).into_response(),
        Err(e) => app_error(&v, e),
    }
}
