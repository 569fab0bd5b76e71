//! Every overdue legal deadline in reach — pretrial detention past its limit, sentences
//! served and not released — most overdue first, a page at a time.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::dashboard::{OverdueRow, overdue_rows};
use super::page::{Chrome, app_error, render};
use super::session::Viewer;
use crate::AppState;

/// Lines per page.
const PAGE: usize = 200;

#[derive(Template)]
#[template(path = "deadlines.html")]
struct DeadlinesPage {
    c: Chrome,
    rows: Vec<OverdueRow>,
    total: usize,
    page: usize,
    pages: usize,
    position: String,
}

/// `?page=` (from 0).
#[derive(Deserialize)]
pub struct Paging {
    page: Option<usize>,
}

/// `GET /deadlines`.
pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Paging>) -> Response {
    let found = match custodia_app::persons::deadlines(&s.store, &v.live.principal, None, 0).await {
        Ok(found) => found,
        Err(e) => return app_error(&v, e),
    };
    let all = overdue_rows(v.lang, found.items);
    let total = all.len();
    let pages = total.div_ceil(PAGE).max(1);
    let page = q.page.unwrap_or(0).min(pages - 1);
    let position = v.t().with(
        "deadlines-page",
        &[
            ("page", (page as i64 + 1).into()),
            ("pages", (pages as i64).into()),
        ],
    );
    render(&DeadlinesPage {
        c: Chrome::viewer(&v, "/", v.t().s("deadlines-title")),
        position,
        rows: all.into_iter().skip(page * PAGE).take(PAGE).collect(),
        total,
        page,
        pages,
    })
}
