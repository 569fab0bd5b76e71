//! Signing in with a username and password, throttled per account and per client
//! address, with accounts locked after repeated failures (and the lock journaled).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use custodia_domain::events::{NewEvent, USER_LOCKED};
use custodia_domain::user::TokenScope;
use custodia_store::Store;

use crate::error::AppError;
use crate::secrets;
use crate::users::{IssuedToken, issue};

/// Failures within this window count towards throttling.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Failures per account within the window before further attempts are refused.
pub const PER_ACCOUNT: usize = 5;
/// Failures per client address within the window before further attempts are refused.
pub const PER_CLIENT: usize = 20;
/// Consecutive failures after which the account is locked.
pub const LOCK_AFTER: i64 = 10;
/// How long a lock lasts.
pub const LOCK_FOR: SignedDuration = SignedDuration::from_mins(30);
/// How long a token from signing in lives.
pub const SESSION: SignedDuration = SignedDuration::from_hours(12);

/// The most keys tracked at once (memory stays bounded whatever is sprayed at it).
const MAX_KEYS: usize = 100_000;

/// Recent failures per key (an account or a client address), kept in memory.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, VecDeque<Timestamp>>>,
}

impl Throttle {
    /// Seconds to wait before `key` may try again, if it has failed `limit` times within the window.
    pub fn wait(&self, key: &str, limit: usize, now: Timestamp) -> Option<u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let recent = failures.get_mut(key)?;
        while recent.front().is_some_and(|t| *t + WINDOW <= now) {
            recent.pop_front();
        }
        if recent.len() < limit {
            return None;
        }
        let oldest = recent.front().copied()?;
        let wait = (oldest + WINDOW).duration_since(now).as_secs().max(1);
        Some(wait.unsigned_abs())
    }

    /// Records an attempt for `key`.
    pub fn fail(&self, key: &str, now: Timestamp) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_KEYS && !failures.contains_key(key) {
            // Under a spray of keys, drop what has aged out, then the stalest key.
            failures.retain(|_, times| times.back().is_some_and(|t| *t + WINDOW > now));
            if failures.len() >= MAX_KEYS
                && let Some(stalest) = failures
                    .iter()
                    .min_by_key(|(_, times)| times.back().copied())
                    .map(|(k, _)| k.clone())
            {
                failures.remove(&stalest);
            }
        }
        failures.entry(key.to_owned()).or_default().push_back(now);
    }

    /// Takes back the last attempt recorded for `key` (it succeeded).
    pub fn forgive(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(times) = failures.get_mut(key) {
            times.pop_back();
        }
    }
}

#[derive(Serialize)]
struct Locked<'a> {
    failed_sign_ins: i64,
    until: String,
    client: &'a str,
}

/// Signs in for an API token valid 12 hours. Every refusal is the same
/// `Unauthenticated` (or `Throttled`), whatever was wrong, so that nothing is learnt from it.
pub async fn sign_in(
    store: &Store,
    throttle: &Throttle,
    username: &str,
    password: &str,
    client: &str,
) -> Result<IssuedToken, AppError> {
    let user = check_credentials(store, throttle, username, password, client).await?;
    issue(
        store,
        &format!("user:{}", user.username),
        &user.username,
        "sign-in",
        TokenScope::Full,
        SESSION,
    )
    .await
}

/// Every refused sign-in takes at least this long, so that how long it took tells
/// nothing about why (unknown user, wrong password, locked or disabled account).
pub const FAILURE_FLOOR: std::time::Duration = std::time::Duration::from_millis(300);

/// Checks a username and password, with throttling and locking; the user on success.
pub async fn check_credentials(
    store: &Store,
    throttle: &Throttle,
    username: &str,
    password: &str,
    client: &str,
) -> Result<custodia_domain::user::User, AppError> {
    let started = tokio::time::Instant::now();
    let outcome = attempt(store, throttle, username, password, client).await;
    if matches!(outcome, Err(AppError::Unauthenticated)) {
        tokio::time::sleep_until(started + FAILURE_FLOOR).await;
    }
    outcome
}

async fn attempt(
    store: &Store,
    throttle: &Throttle,
    username: &str,
    password: &str,
    client: &str,
) -> Result<custodia_domain::user::User, AppError> {
    let now = Timestamp::now();
    let plausible = (1..=64).contains(&username.len()) && (1..=1024).contains(&password.len());
    // Per account *and* client, so that strangers cannot throttle someone else's sign-in;
    // names no account can have share one key, so a flood of huge names costs no memory.
    let pair_key = if plausible {
        format!("pair:{username}@{client}")
    } else {
        format!("pair:(implausible)@{client}")
    };
    let client_key = format!("client:{client}");
    let waits = [
        throttle.wait(&pair_key, PER_ACCOUNT, now),
        throttle.wait(&client_key, PER_CLIENT, now),
    ];
    if let Some(retry_after_secs) = waits.into_iter().flatten().max() {
        return Err(AppError::Throttled { retry_after_secs });
    }
    // Counted before the slow check, so parallel attempts cannot all slip under the limit;
    // given back on success.
    throttle.fail(&pair_key, now);
    throttle.fail(&client_key, now);
    let creds = if plausible {
        store.credentials(username).await?
    } else {
        None
    };
    let usable = creds
        .as_ref()
        .filter(|c| c.user.active && c.user.locked_until.is_none_or(|until| until <= now));
    let Some(creds) = usable else {
        // Unknown, disabled or locked: the same work, against a hash no password matches.
        secrets::verify_password(password, &secrets::decoy_hash().await).await?;
        return Err(AppError::Unauthenticated);
    };
    if secrets::verify_password(password, &creds.password_hash).await? {
        throttle.forgive(&pair_key);
        throttle.forgive(&client_key);
        if creds.failed_logins > 0 || creds.user.locked_until.is_some() {
            let id = creds.user.id;
            store
                .write("system:sign-in", async move |tx| {
                    Ok::<_, AppError>(tx.set_login_state(id, 0, None).await?)
                })
                .await?;
        }
        return Ok(creds.user.clone());
    }
    let (id, client, username) = (creds.user.id, client.to_owned(), username.to_owned());
    store
        .write("system:sign-in", async move |tx| {
            // Counted in the database, atomically: parallel failures all count, and a
            // lock that has run out starts the count again.
            let failed = tx.count_failed_login(id, now).await?;
            if failed >= LOCK_AFTER {
                let until = now + LOCK_FOR;
                tx.set_login_state(id, 0, Some(until)).await?;
                let details = Locked {
                    failed_sign_ins: failed,
                    until: custodia_domain::time::canonical(until),
                    client: &client,
                };
                tx.append(NewEvent::about_user(USER_LOCKED, &username, &details, now))
                    .await?;
            }
            Ok::<_, AppError>(())
        })
        .await?;
    Err(AppError::Unauthenticated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_counts_within_the_window() {
        let t = Throttle::default();
        let start: Timestamp = "2023-08-30T10:00:00Z".parse().unwrap();
        for i in 0..PER_ACCOUNT {
            assert_eq!(t.wait("user:ana", PER_ACCOUNT, start), None, "attempt {i}");
            t.fail("user:ana", start);
        }
        assert_eq!(t.wait("user:ana", PER_ACCOUNT, start), Some(15 * 60));
        assert_eq!(
            t.wait("user:luis", PER_ACCOUNT, start),
            None,
            "other accounts are not affected"
        );
        let later = start + WINDOW;
        assert_eq!(
            t.wait("user:ana", PER_ACCOUNT, later),
            None,
            "failures age out"
        );
    }
}
