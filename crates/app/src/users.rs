//! Use cases for user accounts, their grants and their API tokens.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use custodia_domain::access::{Action, Grant, Scope};
use custodia_domain::events::{
    NewEvent, TOKEN_CREATED, TOKEN_REVOKED, USER_CREATED, USER_DISABLED, USER_GRANTED,
};
use custodia_domain::user::{ApiToken, TokenScope, User, check_new_user};
use custodia_domain::{Invalid, password};
use custodia_store::{Store, WriteTx};

use crate::error::AppError;
use crate::principal::Principal;
use crate::secrets;

/// A user to create.
#[derive(Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Initial password (never stored, never logged: only its argon2id hash is kept).
    pub password: String,
    /// Roles to hold.
    pub grants: Vec<Grant>,
}

/// Written out by hand so that a stray `{:?}` can never print a secret.
impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("grants", &self.grants)
            .finish_non_exhaustive()
    }
}

/// A token just made: the secret is shown this once.
#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    /// The secret, to send as `Authorization: Bearer …`.
    pub token: String,
    /// When it stops working.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// Its record.
    pub record: ApiToken,
}

/// Written out by hand so that a stray `{:?}` can never print a secret.
impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("expires_at", &self.expires_at)
            .field("record", &self.record)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct UserCreated<'a> {
    username: &'a str,
    display_name: &'a str,
    grants: &'a [Grant],
}

#[derive(Serialize)]
struct TokenEvent<'a> {
    token_id: i64,
    name: &'a str,
    scope: TokenScope,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

/// Checks that every facility a grant names exists.
async fn check_grants(tx: &mut WriteTx, grants: &[Grant]) -> Result<(), AppError> {
    let mut c = custodia_domain::validation::Collector::default();
    for g in grants {
        c.absorb(g.check());
        if let Scope::Facility(code) = &g.scope {
            c.check(
                tx.facility(code).await?.is_none(),
                "grants",
                "unknown_facility",
                format!("facility {code} does not exist"),
            );
        }
    }
    Ok(c.finish()?)
}

async fn user_in(
    tx: &mut WriteTx,
    username: &str,
) -> Result<custodia_store::users::Credentials, AppError> {
    tx.credentials(username)
        .await?
        .ok_or_else(|| AppError::not_found("user", username))
}

/// Creates a user.
pub async fn add(store: &Store, who: &Principal, new: NewUser) -> Result<User, AppError> {
    who.require(Action::UserAdmin, None)?;
    let mut c = custodia_domain::validation::Collector::default();
    c.absorb(check_new_user(&new.username, &new.display_name));
    c.absorb(password::check(&new.username, &new.password));
    c.finish()?;
    let hash = secrets::hash_password(&new.password).await?;
    let now = Timestamp::now();
    store
        .write(&who.actor, async move |tx| {
            if tx.credentials(&new.username).await?.is_some() {
                return Err(AppError::Conflict {
                    code: "duplicate_username",
                    message: format!("user {} already exists", new.username),
                });
            }
            check_grants(tx, &new.grants).await?;
            let id = tx
                .insert_user(&new.username, &new.display_name, &hash, now)
                .await?;
            for g in &new.grants {
                tx.insert_grant(id, g).await?;
            }
            let details = UserCreated {
                username: &new.username,
                display_name: &new.display_name,
                grants: &new.grants,
            };
            tx.append(NewEvent::about_user(
                USER_CREATED,
                &new.username,
                &details,
                now,
            ))
            .await?;
            Ok::<_, AppError>(user_in(tx, &new.username).await?.user)
        })
        .await
}

/// Gives a user a role in a scope.
pub async fn grant(
    store: &Store,
    who: &Principal,
    username: &str,
    grant: Grant,
) -> Result<User, AppError> {
    who.require(Action::UserAdmin, None)?;
    let now = Timestamp::now();
    let username = username.to_owned();
    store
        .write(&who.actor, async move |tx| {
            let user = user_in(tx, &username).await?.user;
            check_grants(tx, std::slice::from_ref(&grant)).await?;
            if tx.insert_grant(user.id, &grant).await? {
                tx.append(NewEvent::about_user(USER_GRANTED, &username, &grant, now))
                    .await?;
            }
            Ok::<_, AppError>(user_in(tx, &username).await?.user)
        })
        .await
}

/// Disables a user: they can no longer sign in, and their tokens stop working.
pub async fn disable(store: &Store, who: &Principal, username: &str) -> Result<User, AppError> {
    who.require(Action::UserAdmin, None)?;
    let now = Timestamp::now();
    let username = username.to_owned();
    store
        .write(&who.actor, async move |tx| {
            let user = user_in(tx, &username).await?.user;
            if user.active {
                tx.set_user_active(user.id, false, now).await?;
                tx.append(NewEvent::about_user(
                    USER_DISABLED,
                    &username,
                    &serde_json::json!({}),
                    now,
                ))
                .await?;
            }
            Ok::<_, AppError>(user_in(tx, &username).await?.user)
        })
        .await
}

/// Every user with their grants.
pub async fn list(store: &Store, who: &Principal) -> Result<Vec<User>, AppError> {
    who.require(Action::UserAdmin, None)?;
    Ok(store.users().await?)
}

/// The longest life a token may be given.
pub const MAX_TOKEN_DAYS: i64 = 366;

/// Makes an API token acting as `username`, valid for `days` days.
pub async fn create_token(
    store: &Store,
    who: &Principal,
    username: &str,
    name: &str,
    scope: TokenScope,
    days: i64,
) -> Result<IssuedToken, AppError> {
    who.require(Action::UserAdmin, None)?;
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(Invalid(vec![custodia_domain::FieldError::new(
            "days",
            "out_of_range",
            format!("a token lives 1 to {MAX_TOKEN_DAYS} days"),
        )])
        .into());
    }
    let mut c = custodia_domain::validation::Collector::default();
    custodia_domain::text::required(&mut c, "name", name, 100);
    c.finish()?;
    issue(
        store,
        &who.actor,
        username,
        name,
        scope,
        SignedDuration::from_hours(24 * days),
    )
    .await
}

/// Issues a token for a user (after an administrator's decision or a sign-in).
pub(crate) async fn issue(
    store: &Store,
    actor: &str,
    username: &str,
    name: &str,
    scope: TokenScope,
    lifetime: SignedDuration,
) -> Result<IssuedToken, AppError> {
    let now = custodia_domain::time::to_micros(Timestamp::now());
    let expires_at = now
        .checked_add(lifetime)
        .map_err(|_| AppError::BadFile("token lifetime out of range".into()))?;
    let (secret, hash) = secrets::new_token()?;
    let (username, name) = (username.to_owned(), name.to_owned());
    store
        .write(actor, async move |tx| {
            let creds = user_in(tx, &username).await?;
            if !creds.user.active {
                return Err(AppError::Conflict {
                    code: "user_disabled",
                    message: format!("user {username} is disabled"),
                });
            }
            let id = tx
                .insert_token(creds.user.id, &name, &hash, scope, now, expires_at)
                .await?;
            let details = TokenEvent {
                token_id: id,
                name: &name,
                scope,
                expires_at: Some(custodia_domain::time::canonical(expires_at)),
            };
            tx.append(NewEvent::about_user(
                TOKEN_CREATED,
                &username,
                &details,
                now,
            ))
            .await?;
            let record = ApiToken {
                id,
                username: username.clone(),
                name: name.clone(),
                scope,
                created_at: now,
                expires_at,
                revoked_at: None,
            };
            Ok::<_, AppError>(IssuedToken {
                token: secret.clone(),
                expires_at,
                record,
            })
        })
        .await
}

/// Revokes a token by id.
pub async fn revoke_token(store: &Store, who: &Principal, id: i64) -> Result<ApiToken, AppError> {
    who.require(Action::UserAdmin, None)?;
    revoke_own(store, &who.actor, id).await
}

/// Revokes a token by id once the caller's right to has been checked.
pub(crate) async fn revoke_own(store: &Store, actor: &str, id: i64) -> Result<ApiToken, AppError> {
    let now = Timestamp::now();
    store
        .write(actor, async move |tx| {
            let token = tx
                .revoke_token(id, now)
                .await?
                .ok_or_else(|| AppError::not_found("token", id))?;
            if token.revoked_at.is_none() {
                let details = TokenEvent {
                    token_id: id,
                    name: &token.name,
                    scope: token.scope,
                    expires_at: None,
                };
                tx.append(NewEvent::about_user(
                    TOKEN_REVOKED,
                    &token.username,
                    &details,
                    now,
                ))
                .await?;
            }
            Ok::<_, AppError>(ApiToken {
                revoked_at: token.revoked_at.or(Some(now)),
                ..token
            })
        })
        .await
}

/// Every token (never their secrets).
pub async fn tokens(store: &Store, who: &Principal) -> Result<Vec<ApiToken>, AppError> {
    who.require(Action::UserAdmin, None)?;
    Ok(store.tokens().await?)
}

/// The principal a bearer token stands for; any problem is the same "unauthenticated".
pub async fn authenticate(store: &Store, secret: &str) -> Result<Principal, AppError> {
    if !secret.starts_with(secrets::TOKEN_PREFIX) || secret.len() != 68 {
        return Err(AppError::Unauthenticated);
    }
    let (token, _) = store
        .token_by_hash(&secrets::token_hash(secret))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !token.usable_at(Timestamp::now()) {
        return Err(AppError::Unauthenticated);
    }
    let creds = store
        .credentials(&token.username)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !creds.user.active {
        return Err(AppError::Unauthenticated);
    }
    Ok(Principal::user(
        &creds.user.username,
        creds.user.grants,
        token.scope == TokenScope::ReadOnly,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_secret() {
        let new = NewUser {
            username: "ana".into(),
            display_name: "Ana".into(),
            password: "cuatro caballos azules".into(),
            grants: vec![],
        };
        let shown = format!("{new:?}");
        assert!(
            shown.contains("ana") && !shown.contains("caballos"),
            "{shown}"
        );
    }
}
