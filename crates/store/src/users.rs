//! The users, grants and API-token read tables.

use std::collections::HashMap;

use jiff::Timestamp;

use custodia_domain::access::{Grant, Role, Scope};
use custodia_domain::time::canonical;
use custodia_domain::user::{ApiToken, TokenScope, User};

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::row::{instant, vocab};
use crate::write::WriteTx;

/// A user with what signing in needs.
#[derive(Clone)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// The password's argon2id hash (PHC string).
    pub password_hash: String,
    /// Failed sign-ins since the last success.
    pub failed_logins: i64,
}

/// Written out by hand so that a stray `{:?}` can never print a secret.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("failed_logins", &self.failed_logins)
            .finish_non_exhaustive()
    }
}

const NATIONAL_KEY: &str = "*";

fn user_row(r: &dyn Cells) -> Result<(User, String, i64), StoreError> {
    let locked: Option<String> = r.opt_text(4)?;
    Ok((
        User {
            id: r.int(0)?,
            username: r.text(1)?,
            display_name: r.text(2)?,
            active: r.int(3)? != 0,
            locked_until: locked
                .as_deref()
                .map(|t| instant("locked_until", t))
                .transpose()?,
            grants: Vec::new(),
            language: r.text(7)?,
        },
        r.text(5)?,
        r.int(6)?,
    ))
}

fn grant_row(r: &dyn Cells) -> Result<(i64, Grant), StoreError> {
    let role = vocab("role", &r.text(1)?, Role::parse)?;
    let scope = match r.opt_text(2)? {
        Some(code) => Scope::Facility(code),
        None => Scope::National,
    };
    Ok((r.int(0)?, Grant { role, scope }))
}

async fn grants_of(
    conn: &mut Conn<'_>,
    user_id: Option<i64>,
) -> Result<HashMap<i64, Vec<Grant>>, StoreError> {
    let rows = match user_id {
        Some(id) => {
            conn.fetch(
                "SELECT user_id, role, facility FROM grants WHERE user_id = $1 ORDER BY role, scope_key",
                &[id.into()],
                grant_row,
            )
            .await?
        }
        None => {
            conn.fetch("SELECT user_id, role, facility FROM grants ORDER BY user_id, role, scope_key", &[], grant_row)
                .await?
        }
    };
    let mut by_user: HashMap<i64, Vec<Grant>> = HashMap::new();
    for (id, g) in rows {
        by_user.entry(id).or_default().push(g);
    }
    Ok(by_user)
}

async fn credentials(
    conn: &mut Conn<'_>,
    username: &str,
) -> Result<Option<Credentials>, StoreError> {
    let Some((mut user, password_hash, failed_logins)) = conn
        .fetch_optional(
            "SELECT id, username, display_name, active, locked_until, password_hash, failed_logins, language \
             FROM users WHERE username = $1",
            &[username.into()],
            user_row,
        )
        .await?
    else {
        return Ok(None);
    };
    user.grants = grants_of(conn, Some(user.id))
        .await?
        .remove(&user.id)
        .unwrap_or_default();
    Ok(Some(Credentials {
        user,
        password_hash,
        failed_logins,
    }))
}

/// The token query, joined to its user, followed by a condition or order.
macro_rules! token_select {
    ($rest:literal) => {
        concat!(
            "SELECT t.id, u.username, t.name, t.read_only, t.created_at, t.expires_at, t.revoked_at, t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id ",
            $rest
        )
    };
}

fn token_row(r: &dyn Cells) -> Result<(ApiToken, i64), StoreError> {
    Ok((
        ApiToken {
            id: r.int(0)?,
            username: r.text(1)?,
            name: r.text(2)?,
            scope: if r.int(3)? != 0 {
                TokenScope::ReadOnly
            } else {
                TokenScope::Full
            },
            created_at: instant("created_at", &r.text(4)?)?,
            expires_at: instant("expires_at", &r.text(5)?)?,
            revoked_at: r
                .opt_text(6)?
                .as_deref()
                .map(|t| instant("revoked_at", t))
                .transpose()?,
        },
        r.int(7)?,
    ))
}

impl Store {
    /// A user and their credentials, by username.
    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        let mut r = self.reader().await?;
        credentials(&mut r.conn()?, username).await
    }

    /// Every user with their grants, by username.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut r = self.reader().await?;
        let mut conn = r.conn()?;
        let mut grants = grants_of(&mut conn, None).await?;
        let rows = conn
            .fetch(
                "SELECT id, username, display_name, active, locked_until, password_hash, failed_logins, language \
                 FROM users ORDER BY username",
                &[],
                user_row,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(mut u, _, _)| {
                u.grants = grants.remove(&u.id).unwrap_or_default();
                u
            })
            .collect())
    }

    /// The token whose secret hashes to `token_hash`, with its user's id.
    pub async fn token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(ApiToken, i64)>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch_optional(
                token_select!("WHERE t.token_hash = $1"),
                &[token_hash.into()],
                token_row,
            )
            .await
    }

    /// A user's own API tokens (never their secrets), newest first.
    pub async fn tokens_of(&self, username: &str) -> Result<Vec<ApiToken>, StoreError> {
        let mut r = self.reader().await?;
        let rows = r
            .conn()?
            .fetch(
                token_select!("WHERE u.username = $1 ORDER BY t.id DESC"),
                &[username.into()],
                token_row,
            )
            .await?;
        Ok(rows.into_iter().map(|(t, _)| t).collect())
    }

    /// Every API token (never their secrets), newest first.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        let mut r = self.reader().await?;
        let rows = r
            .conn()?
            .fetch(token_select!("ORDER BY t.id DESC"), &[], token_row)
            .await?;
        Ok(rows.into_iter().map(|(t, _)| t).collect())
    }
}

impl WriteTx {
    /// A user and their credentials, as this transaction sees them.
    pub async fn credentials(&mut self, username: &str) -> Result<Option<Credentials>, StoreError> {
        credentials(&mut self.conn(), username).await
    }

    /// Inserts a user; returns the id.
    pub async fn insert_user(
        &mut self,
        username: &str,
        display_name: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let now = canonical(now);
        let id = self
            .conn()
            .fetch(
                "INSERT INTO users (username, display_name, password_hash, active, failed_logins, updated_at) \
                 VALUES ($1, $2, $3, 1, 0, $4) RETURNING id",
                &[username.into(), display_name.into(), password_hash.into(), now.as_str().into()],
                |c| c.int(0),
            )
            .await?;
        id.first()
            .copied()
            .ok_or_else(|| StoreError::Corrupt("INSERT … RETURNING id returned no row".into()))
    }

    /// Gives a user a role (no change when they already hold it).
    pub async fn insert_grant(&mut self, user_id: i64, grant: &Grant) -> Result<bool, StoreError> {
        let (key, facility) = match &grant.scope {
            Scope::National => (NATIONAL_KEY, None),
            Scope::Facility(code) => (code.as_str(), Some(code.as_str())),
        };
        let added = self
            .conn()
            .execute(
                "INSERT INTO grants (user_id, role, scope_key, facility) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, role, scope_key) DO NOTHING",
                &[
                    user_id.into(),
                    grant.role.as_str().into(),
                    key.into(),
                    facility.into(),
                ],
            )
            .await?;
        Ok(added > 0)
    }

    /// Enables or disables a user.
    pub async fn set_user_active(
        &mut self,
        user_id: i64,
        active: bool,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let now = canonical(now);
        self.conn()
            .execute(
                "UPDATE users SET active = $2, updated_at = $3 WHERE id = $1",
                &[
                    user_id.into(),
                    i64::from(active).into(),
                    now.as_str().into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Sets a user's interface language.
    pub async fn set_user_language(
        &mut self,
        user_id: i64,
        language: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let now = canonical(now);
        self.conn()
            .execute(
                "UPDATE users SET language = $2, updated_at = $3 WHERE id = $1",
                &[user_id.into(), language.into(), now.as_str().into()],
            )
            .await?;
        Ok(())
    }

    /// Replaces a user's password hash.
    pub async fn set_password_hash(
        &mut self,
        user_id: i64,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let now = canonical(now);
        self.conn()
            .execute(
                "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                &[user_id.into(), password_hash.into(), now.as_str().into()],
            )
            .await?;
        Ok(())
    }

    /// Records the outcome of a sign-in: the failure count and any lock.
    pub async fn set_login_state(
        &mut self,
        user_id: i64,
        failed_logins: i64,
        locked_until: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let locked = locked_until.map(canonical);
        self.conn()
            .execute(
                "UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1",
                &[
                    user_id.into(),
                    failed_logins.into(),
                    locked.as_deref().into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Counts one more failed sign-in, atomically; a lock that has run out is cleared and
    /// the count starts again. Returns the new count.
    pub async fn count_failed_login(
        &mut self,
        user_id: i64,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let now = canonical(now);
        let n = self
            .conn()
            .fetch(
                "UPDATE users SET \
                 failed_logins = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN 1 ELSE failed_logins + 1 END, \
                 locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN NULL ELSE locked_until END \
                 WHERE id = $1 RETURNING failed_logins",
                &[user_id.into(), now.as_str().into()],
                |c| c.int(0),
            )
            .await?;
        n.first()
            .copied()
            .ok_or_else(|| StoreError::Corrupt(format!("no user {user_id}")))
    }

    /// Stores a new API token's hash; returns its id.
    pub async fn insert_token(
        &mut self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        scope: TokenScope,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<i64, StoreError> {
        let (created, expires) = (canonical(created_at), canonical(expires_at));
        let id = self
            .conn()
            .fetch(
                "INSERT INTO api_tokens (user_id, name, token_hash, read_only, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    user_id.into(),
                    name.into(),
                    token_hash.into(),
                    i64::from(scope == TokenScope::ReadOnly).into(),
                    created.as_str().into(),
                    expires.as_str().into(),
                ],
                |c| c.int(0),
            )
            .await?;
        id.first()
            .copied()
            .ok_or_else(|| StoreError::Corrupt("INSERT … RETURNING id returned no row".into()))
    }

    /// Revokes a token; returns it as it was, if it exists.
    pub async fn revoke_token(
        &mut self,
        id: i64,
        now: Timestamp,
    ) -> Result<Option<ApiToken>, StoreError> {
        let token = self
            .conn()
            .fetch_optional(token_select!("WHERE t.id = $1"), &[id.into()], token_row)
            .await?;
        if token.as_ref().is_some_and(|(t, _)| t.revoked_at.is_none()) {
            let now = canonical(now);
            self.conn()
                .execute(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1",
                    &[id.into(), now.as_str().into()],
                )
                .await?;
        }
        Ok(token.map(|(t, _)| t))
    }
}
