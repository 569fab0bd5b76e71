//! Browser sessions: a cookie secret (stored hashed) with idle and absolute timeouts, a
//! CSRF token for every change made with it, and a new session at every sign-in.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use custodia_domain::events::NewEvent;
use custodia_store::Store;

use crate::error::AppError;
use crate::principal::Principal;
use crate::secrets;
use crate::sign_in::{Throttle, check_credentials};

/// A session unused this long ends.
pub const IDLE: SignedDuration = SignedDuration::from_mins(30);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE: SignedDuration = SignedDuration::from_hours(12);
/// Use is recorded at most this often (a write per request would be waste).
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

/// A session started: the cookie secret and the CSRF token (each shown only now).
#[derive(Clone)]
pub struct Started {
    /// The cookie's value.
    pub secret: String,
    /// The token changes must carry.
    pub csrf_token: String,
    /// When it ends at the latest.
    pub expires_at: Timestamp,
}

/// Written out by hand so that a stray `{:?}` can never print a secret.
impl std::fmt::Debug for Started {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Started")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A live session's principal and CSRF token.
#[derive(Clone)]
pub struct Live {
    /// Who is acting.
    pub principal: Principal,
    /// The user's name.
    pub username: String,
    /// The token changes must carry.
    pub csrf_token: String,
    /// When it ends at the latest.
    pub expires_at: Timestamp,
    /// The interface language the user chose (`es` or `en`).
    pub language: String,
}

/// Written out by hand so that a stray `{:?}` can never print a secret.
impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("principal", &self.principal)
            .field("username", &self.username)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct SessionEvent<'a> {
    client: &'a str,
}

fn random_secret() -> Result<String, AppError> {
    Ok(secrets::new_token()?.0)
}

/// Signs in for a browser session, ending the session the browser had (rotation).
pub async fn start(
    store: &Store,
    throttle: &Throttle,
    username: &str,
    password: &str,
    client: &str,
    previous: Option<&str>,
) -> Result<Started, AppError> {
    let user = check_credentials(store, throttle, username, password, client).await?;
    let (secret, csrf_token) = (random_secret()?, random_secret()?);
    let now = custodia_domain::time::to_micros(Timestamp::now());
    let expires_at = now + ABSOLUTE;
    let id_hash = secrets::token_hash(&secret);
    let previous = previous.map(secrets::token_hash);
    let actor = format!("user:{}", user.username);
    let (csrf, client) = (csrf_token.clone(), client.to_owned());
    store
        .write(&actor, async move |tx| {
            if let Some(old) = &previous {
                tx.revoke_session(old, now).await?;
            }
            tx.insert_session(&id_hash, user.id, &csrf, now, expires_at)
                .await?;
            let event = NewEvent::about_user(
                "session.started",
                &user.username,
                &SessionEvent { client: &client },
                now,
            );
            tx.append(event).await?;
            Ok::<_, AppError>(())
        })
        .await?;
    Ok(Started {
        secret,
        csrf_token,
        expires_at,
    })
}

/// The live session a cookie secret stands for; anything else is `Unauthenticated`.
pub async fn authenticate(store: &Store, secret: &str) -> Result<Live, AppError> {
    if !secret.starts_with(secrets::TOKEN_PREFIX) || secret.len() != 68 {
        return Err(AppError::Unauthenticated);
    }
    let id_hash = secrets::token_hash(secret);
    let session = store
        .session(&id_hash)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let now = Timestamp::now();
    let idle_out = session.last_seen_at + IDLE <= now;
    if session.revoked_at.is_some() || session.expires_at <= now || idle_out {
        return Err(AppError::Unauthenticated);
    }
    let creds = store
        .credentials(&session.username)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !creds.user.active {
        return Err(AppError::Unauthenticated);
    }
    if session.last_seen_at + TOUCH_EVERY <= now {
        store
            .write("system:session", async move |tx| {
                Ok::<_, AppError>(tx.touch_session(&id_hash, now).await?)
            })
            .await?;
    }
    Ok(Live {
        principal: Principal::user(&creds.user.username, creds.user.grants, false),
        language: creds.user.language,
        username: creds.user.username,
        csrf_token: session.csrf_token,
        expires_at: session.expires_at,
    })
}

/// Ends a session (signing out).
pub async fn end(store: &Store, secret: &str) -> Result<(), AppError> {
    let id_hash = secrets::token_hash(secret);
    let Some(session) = store.session(&id_hash).await? else {
        return Ok(());
    };
    let now = Timestamp::now();
    let actor = format!("user:{}", session.username);
    store
        .write(&actor, async move |tx| {
            if tx.revoke_session(&id_hash, now).await? {
                let event = NewEvent::about_user(
                    "session.ended",
                    &session.username,
                    &serde_json::json!({}),
                    now,
                );
                tx.append(event).await?;
            }
            Ok::<_, AppError>(())
        })
        .await
}

/// Whether a CSRF token sent with a change matches the session's, in constant time.
pub fn csrf_matches(sent: &str, expected: &str) -> bool {
    sent.len() == expected.len()
        && sent
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}
