//! The account page: the viewer's roles, language, password and API tokens of their own.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use custodia_app::principal::Access;
use custodia_domain::access::Scope;
use custodia_domain::user::TokenScope;

use super::format;
use super::forms::FormErrors;
use super::page::{Chrome, app_error, csrf_refused, render, render_with};
use super::session::Viewer;
use crate::AppState;
use crate::api::ClientAddress;

/// A role the viewer holds, as shown.
struct GrantRow {
    role: String,
    scope: String,
}

/// One of the viewer's tokens, as shown.
struct TokenRow {
    id: i64,
    name: String,
    read_only: bool,
    created: String,
    expires: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    grants: Vec<GrantRow>,
    tokens: Vec<TokenRow>,
    /// A token just made: its secret, shown this once.
    issued: Option<String>,
    password_errors: FormErrors,
    password_changed: bool,
    token_errors: FormErrors,
    max_days: i64,
}

async fn page(s: &AppState, v: &Viewer) -> Result<AccountPage, custodia_app::AppError> {
    let t = v.t();
    let grants = match &v.live.principal.access {
        Access::Grants { grants, .. } => grants
            .iter()
            .map(|g| GrantRow {
                role: t.e("role", g.role.as_str()),
                scope: match &g.scope {
                    Scope::National => t.s("account-scope-national"),
                    Scope::Facility(code) => code.clone(),
                },
            })
            .collect(),
        Access::Unrestricted => Vec::new(),
    };
    let zone = format::DEFAULT_ZONE;
    let tokens = custodia_app::account::tokens(&s.store, &v.live.username)
        .await?
        .into_iter()
        .map(|tk| TokenRow {
            id: tk.id,
            name: tk.name,
            read_only: tk.scope == TokenScope::ReadOnly,
            created: format::instant(v.lang, tk.created_at, zone),
            expires: format::instant(v.lang, tk.expires_at, zone),
            revoked: tk.revoked_at.map(|r| format::instant(v.lang, r, zone)),
        })
        .collect();
    Ok(AccountPage {
        c: Chrome::viewer(v, "/account", t.s("account-title")),
        grants,
        tokens,
        issued: None,
        password_errors: FormErrors::none(),
        password_changed: false,
        token_errors: FormErrors::none(),
        max_days: custodia_app::account::MAX_OWN_TOKEN_DAYS,
    })
}

/// `GET /account`.
pub async fn show(State(s): State<AppState>, v: Viewer) -> Response {
    match page(&s, &v).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// The language switch's fields.
#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    language: String,
    next: Option<String>,
}

/// `POST /account/language`: saves the viewer's language and goes back where they were.
pub async fn set_language(
    State(s): State<AppState>,
    v: Viewer,
    Form(form): Form<LanguageForm>,
) -> Response {
    if !v.csrf_ok(&form.csrf) {
        return csrf_refused(&v);
    }
    if let Err(e) =
        custodia_app::account::set_language(&s.store, &v.live.username, &form.language).await
    {
        return app_error(&v, e);
    }
    let next = form
        .next
        .filter(|n| n.starts_with('/') && !n.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    // The saved language applies from now on: drop a `lang=` the address carried.
    let (path, query) = next.split_once('?').unwrap_or((&next, ""));
    let rest: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let target = if rest.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", rest.join("&"))
    };
    Redirect::to(&target).into_response()
}

/// The password form's fields.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(s): State<AppState>,
    v: Viewer,
    ClientAddress(client): ClientAddress,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !v.csrf_ok(&form.csrf) {
        return csrf_refused(&v);
    }
    let t = v.t();
    let outcome = if form.new_password != form.confirm_password {
        Err(custodia_app::AppError::Invalid(custodia_domain::Invalid(
            vec![custodia_domain::FieldError::new(
                "confirm_password",
                "passwords_differ",
                "the two new passwords differ",
            )],
        )))
    } else {
        custodia_app::account::change_password(
            &s.store,
            &s.throttle,
            &v.live.username,
            &form.current_password,
            &form.new_password,
            &client,
            Some(&v.secret),
        )
        .await
    };
    let mut p = match page(&s, &v).await {
        Ok(p) => p,
        Err(e) => return app_error(&v, e),
    };
    match outcome {
        Ok(()) => {
            p.password_changed = true;
            render(&p)
        }
        Err(e) => match FormErrors::from_app(t, &e) {
            Some(errors) => {
                p.password_errors = errors;
                render_with(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &p)
            }
            None => app_error(&v, e),
        },
    }
}

/// The new-token form's fields.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    name: String,
    days: String,
    read_only: Option<String>,
}

/// `POST /account/tokens`: makes a token and shows its secret once.
pub async fn create_token(
    State(s): State<AppState>,
    v: Viewer,
    Form(form): Form<TokenForm>,
) -> Response {
    if !v.csrf_ok(&form.csrf) {
        return csrf_refused(&v);
    }
    let t = v.t();
    let scope = if form.read_only.is_some() {
        TokenScope::ReadOnly
    } else {
        TokenScope::Full
    };
    let outcome = match form.days.trim().parse::<i64>() {
        Ok(days) => {
            custodia_app::account::create_token(
                &s.store,
                &v.live.username,
                form.name.trim(),
                scope,
                days,
            )
            .await
        }
        Err(_) => Err(custodia_app::AppError::Invalid(custodia_domain::Invalid(
            vec![custodia_domain::FieldError::new(
                "days",
                "not_a_number",
                "the number of days must be a whole number",
            )],
        ))),
    };
    match outcome {
        Ok(issued) => match page(&s, &v).await {
            Ok(mut p) => {
                p.issued = Some(issued.token);
                render(&p)
            }
            Err(e) => app_error(&v, e),
        },
        Err(e) => {
            let Some(errors) = FormErrors::from_app(t, &e) else {
                return app_error(&v, e);
            };
            match page(&s, &v).await {
                Ok(mut p) => {
                    p.token_errors = errors;
                    render_with(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &p)
                }
                Err(e) => app_error(&v, e),
            }
        }
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(s): State<AppState>,
    v: Viewer,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(form): Form<super::auth::CsrfForm>,
) -> Response {
    if !v.csrf_ok(form.token()) {
        return csrf_refused(&v);
    }
    match custodia_app::account::revoke_token(&s.store, &v.live.username, id).await {
        Ok(_) => Redirect::to("/account").into_response(),
        Err(e) => app_error(&v, e),
    }
}
