//! Users of the system and their API tokens, as records (secrets are the app's).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::access::Grant;
use crate::text;
use crate::validation::{Collector, Invalid};

/// A user as others see it (never with a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct User {
    /// Assigned identifier.
    pub id: i64,
    /// Login name, e.g. `ana.perez`.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Whether the user may sign in.
    pub active: bool,
    /// When a lock after repeated failed sign-ins ends, if locked.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub locked_until: Option<Timestamp>,
    /// Roles held, nationally or per facility.
    pub grants: Vec<Grant>,
    /// The interface language they chose: `es` (the default) or `en`.
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_language() -> String {
    "es".to_owned()
}

/// What an API token may do beyond its user's grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TokenScope {
    /// Everything its user may do.
    Full,
    /// Only reading, whatever its user may do.
    ReadOnly,
}

/// An API token's record (its secret is stored only as a hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Assigned identifier (used to revoke it).
    pub id: i64,
    /// The user it acts as.
    pub username: String,
    /// What it is for, e.g. `courts-roll-feed`.
    pub name: String,
    /// What it may do.
    pub scope: TokenScope,
    /// When it was made.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it stops working.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// When it was revoked, if it was.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
}

impl ApiToken {
    /// Whether it can be used at `now`.
    pub fn usable_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// Checks a username: 3 to 64 lower-case letters, digits, `.`, `-` or `_`, starting with a letter.
pub fn check_username(c: &mut Collector, username: &str) {
    let ok = (3..=64).contains(&username.len())
        && username.starts_with(|ch: char| ch.is_ascii_lowercase())
        && username
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ".-_".contains(ch));
    c.check(
        !ok,
        "username",
        "bad_username",
        "a username is 3 to 64 lower-case letters, digits, '.', '-' or '_', starting with a letter",
    );
}

/// Checks a new user's name fields.
pub fn check_new_user(username: &str, display_name: &str) -> Result<(), Invalid> {
    let mut c = Collector::default();
    check_username(&mut c, username);
    text::required(&mut c, "display_name", display_name, 200);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for good in ["ana.perez", "jlopez2", "asp_0042", "ops-centre"] {
            assert!(check_new_user(good, "Ana Pérez").is_ok(), "{good}");
        }
        for bad in [
            "",
            "ab",
            "Ana",
            "1ana",
            "ana perez",
            "ana'--",
            &"a".repeat(65),
        ] {
            assert!(check_new_user(bad, "Ana").is_err(), "{bad}");
        }
        assert!(check_new_user("ana", "").is_err());
    }

    #[test]
    fn tokens_expire_and_revoke() {
        let t = ApiToken {
            id: 1,
            username: "feed".into(),
            name: "roll".into(),
            scope: TokenScope::ReadOnly,
            created_at: "2023-08-30T00:00:00Z".parse().unwrap(),
            expires_at: "2023-09-30T00:00:00Z".parse().unwrap(),
            revoked_at: None,
        };
        assert!(t.usable_at("2023-09-01T00:00:00Z".parse().unwrap()));
        assert!(!t.usable_at("2023-09-30T00:00:00Z".parse().unwrap()));
        let revoked = ApiToken {
            revoked_at: Some("2023-09-02T00:00:00Z".parse().unwrap()),
            ..t
        };
        assert!(!revoked.usable_at("2023-09-01T00:00:00Z".parse().unwrap()));
    }
}
