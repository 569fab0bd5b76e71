//! Secrets: passwords hashed with argon2id, API tokens made from the OS's random source
//! and stored only as SHA-256 hashes. Nothing here ever logs a secret.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The prefix of every API token, so that leaked ones are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "cst_";

/// Hashes a password (argon2id, random salt) into a PHC string. CPU-heavy by design:
/// runs on a blocking thread.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::BadFile(format!("cannot hash password: {e}")))
    })
    .await
    .map_err(|e| AppError::BadFile(format!("hashing task failed: {e}")))?
}

/// Whether `password` matches `hash`. A malformed hash matches nothing.
pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
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
        assert!(verify_password("cuatro caballos azules", &hash).await);
        assert!(!verify_password("cuatro caballos verdes", &hash).await);
        assert!(!verify_password("anything", "not a hash").await);
        assert!(decoy_hash().await.starts_with("$argon2id$"));
        assert!(!verify_password("anything", &decoy_hash().await).await);
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
