//! What every signed-in user may do for their own account, whatever their roles: choose
//! the interface language, change their password, and keep their own API tokens.

use jiff::{SignedDuration, Timestamp};

use custodia_domain::events::{NewEvent, USER_LANGUAGE_SET, USER_PASSWORD_CHANGED};
use custodia_domain::user::{ApiToken, TokenScope};
use custodia_domain::{FieldError, Invalid, password};
use custodia_store::Store;

use crate::error::AppError;
use crate::secrets;
use crate::sign_in::{Throttle, check_credentials};
use crate::users::IssuedToken;

/// The languages the interface speaks.
pub const LANGUAGES: [&str; 2] = ["es", "en"];

/// The longest life a user may give a token of their own (administrators may give more).
pub const MAX_OWN_TOKEN_DAYS: i64 = 90;

fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    Invalid(vec![FieldError::new(field, code, message)]).into()
}

/// Saves the user's interface language (`es` or `en`).
pub async fn set_language(store: &Store, username: &str, language: &str) -> Result<(), AppError> {
    if !LANGUAGES.contains(&language) {
        return Err(invalid(
            "language",
            "unknown_language",
            format!("the interface speaks {}", LANGUAGES.join(", ")),
        ));
    }
    let now = Timestamp::now();
    let (username, language) = (username.to_owned(), language.to_owned());
    let actor = format!("user:{username}");
    store
        .write(&actor, async move |tx| {
            let user = tx
                .credentials(&username)
                .await?
                .ok_or_else(|| AppError::not_found("user", &username))?
                .user;
            if user.language != language {
                tx.set_user_language(user.id, &language, now).await?;
                let details = serde_json::json!({ "language": language });
                tx.append(NewEvent::about_user(
                    USER_LANGUAGE_SET,
                    &username,
                    &details,
                    now,
                ))
                .await?;
            }
            Ok::<_, AppError>(())
        })
        .await
}

/// Changes the user's password after checking the current one (throttled like a
/// sign-in), and ends every other session of theirs: whoever learnt the old password is
/// signed out. `session` is the secret of the session to keep, if any.
pub async fn change_password(
    store: &Store,
    throttle: &Throttle,
    username: &str,
    current: &str,
    new: &str,
    client: &str,
    session: Option<&str>,
) -> Result<(), AppError> {
    match check_credentials(store, throttle, username, current, client).await {
        Ok(_) => {}
        Err(AppError::Unauthenticated) => {
            return Err(invalid(
                "current_password",
                "wrong_password",
                "the current password is not right",
            ));
        }
        Err(e) => return Err(e),
    }
    if new == current {
        return Err(invalid(
            "new_password",
            "same_password",
            "the new password must differ from the current one",
        ));
    }
    password::check(username, new).map_err(|mut e| {
        for f in &mut e.0 {
            f.field = "new_password".into();
        }
        AppError::from(e)
    })?;
    let hash = secrets::hash_password(new).await?;
    let now = Timestamp::now();
    let keep = session.map(secrets::token_hash).unwrap_or_default();
    let username = username.to_owned();
    let actor = format!("user:{username}");
    store
        .write(&actor, async move |tx| {
            let user = tx
                .credentials(&username)
                .await?
                .ok_or_else(|| AppError::not_found("user", &username))?
                .user;
            tx.set_password_hash(user.id, &hash, now).await?;
            let ended = tx.revoke_other_sessions(user.id, &keep, now).await?;
            let details = serde_json::json!({ "other_sessions_ended": ended });
            tx.append(NewEvent::about_user(
                USER_PASSWORD_CHANGED,
                &username,
                &details,
                now,
            ))
            .await?;
            Ok::<_, AppError>(())
        })
        .await
}

/// The user's own API tokens, newest first.
pub async fn tokens(store: &Store, username: &str) -> Result<Vec<ApiToken>, AppError> {
    Ok(store.tokens_of(username).await?)
}

/// Makes an API token acting as the user, for at most [`MAX_OWN_TOKEN_DAYS`] days.
pub async fn create_token(
    store: &Store,
    username: &str,
    name: &str,
    scope: TokenScope,
    days: i64,
) -> Result<IssuedToken, AppError> {
    if !(1..=MAX_OWN_TOKEN_DAYS).contains(&days) {
        return Err(invalid(
            "days",
            "out_of_range",
            format!("a token of your own lives 1 to {MAX_OWN_TOKEN_DAYS} days"),
        ));
    }
    let mut c = custodia_domain::validation::Collector::default();
    custodia_domain::text::required(&mut c, "name", name, 100);
    c.finish()?;
    let actor = format!("user:{username}");
    crate::users::issue(
        store,
        &actor,
        username,
        name,
        scope,
        SignedDuration::from_hours(24 * days),
    )
    .await
}

/// Revokes one of the user's own tokens; someone else's answers as absent.
pub async fn revoke_token(store: &Store, username: &str, id: i64) -> Result<ApiToken, AppError> {
    let owner = {
        let mut found = store.tokens_of(username).await?;
        found.retain(|t| t.id == id);
        found.pop()
    };
    if owner.is_none() {
        return Err(AppError::not_found("token", id));
    }
    crate::users::revoke_own(store, &format!("user:{username}"), id).await
}
