//! Secrets: passwords hashed with argon2id, API tokens made from the OS's random source
//! and stored only as SHA-256 hashes. Nothing here ever logs a secret.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The prefix of every API token, so that leaked ones are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "cst_";

/// At most this many argon2 computations run at once (each takes ~19 MiB); others wait
/// their turn, up to [`QUEUE_WAIT`].
fn argon2_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    })
}

/// How long a password check waits for a free slot before the server says "busy".
pub const QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

async fn slot() -> Result<tokio::sync::SemaphorePermit<'static>, AppError> {
    match tokio::time::timeout(QUEUE_WAIT, argon2_slots().acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::Throttled {
            retry_after_secs: 5,
        }),
    }
}

/// Hashes a password (argon2id, random salt) into a PHC string. CPU-heavy by design:
/// runs on a blocking thread, a bounded number at once.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    let _slot = slot().await?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::BadFile(format!("cannot hash password: {e}")))
    })
    .await
    .map_err(|e| AppError::BadFile(format!("hashing task failed: {e}")))?
}

/// Whether `password` matches `hash`. A malformed hash matches nothing. Errs only when
/// the server is too busy to check.
pub async fn verify_password(password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    let _slot = slot().await?;
    Ok(tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false))
}

/// A real hash of a throwaway password, verified against when the user does not exist,
/// so that a wrong username takes as long as a wrong password.
pub async fn decoy_hash() -> String {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_init(|| async {
            hash_password("decoy: no account has this password")
                .await
                .unwrap_or_default()
        })
        .await
        .clone()
}

/// A new API token: the secret to hand out once, and the hash to store.
pub fn new_token() -> Result<(String, String), AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::BadFile(format!("no randomness: {e}")))?;
    let secret = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
    let hash = token_hash(&secret);
    Ok((secret, hash))
}

/// The stored form of a token secret.
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let hash = hash_password("cuatro caballos azules").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("cuatro caballos azules", &hash)
                .await
                .unwrap()
        );
        assert!(
            !verify_password("cuatro caballos verdes", &hash)
                .await
                .unwrap()
        );
        assert!(!verify_password("anything", "not a hash").await.unwrap());
        assert!(decoy_hash().await.starts_with("$argon2id$"));
        assert!(
            !verify_password("anything", &decoy_hash().await)
                .await
                .unwrap()
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_token().unwrap();
        let (b, _) = new_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == 68);
        assert_eq!(token_hash(&a), hash_a);
        assert!(!hash_a.contains(&a[4..]));
    }
}
