//! The browser-sessions table.

use jiff::Timestamp;

use custodia_domain::time::canonical;

use crate::conn::Cells;
use crate::db::Store;
use crate::error::StoreError;
use crate::row::instant;
use crate::write::WriteTx;

/// A browser session as stored (its secret only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user it belongs to.
    pub username: String,
    /// The token forms and scripts must send back with every change.
    pub csrf_token: String,
    /// When it began.
    pub created_at: Timestamp,
    /// When it was last used (to within a minute).
    pub last_seen_at: Timestamp,
    /// When it ends whatever the activity.
    pub expires_at: Timestamp,
    /// When it was ended, if it was.
    pub revoked_at: Option<Timestamp>,
}

fn session(r: &dyn Cells) -> Result<Session, StoreError> {
    Ok(Session {
        username: r.text(0)?,
        csrf_token: r.text(1)?,
        created_at: instant("created_at", &r.text(2)?)?,
        last_seen_at: instant("last_seen_at", &r.text(3)?)?,
        expires_at: instant("expires_at", &r.text(4)?)?,
        revoked_at: r
            .opt_text(5)?
            .as_deref()
            .map(|t| instant("revoked_at", t))
            .transpose()?,
    })
}

impl Store {
    /// The session whose secret hashes to `id_hash`.
    pub async fn session(&self, id_hash: &str) -> Result<Option<Session>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch_optional(
                "SELECT u.username, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
                &[id_hash.into()],
                session,
            )
            .await
    }
}

impl WriteTx {
    /// Stores a new session.
    pub async fn insert_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let (now, expires) = (canonical(now), canonical(expires_at));
        self.conn()
            .execute(
                "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $4, $5)",
                &[id_hash.into(), user_id.into(), csrf_token.into(), now.as_str().into(), expires.as_str().into()],
            )
            .await?;
        Ok(())
    }

    /// Records that a session was used.
    pub async fn touch_session(&mut self, id_hash: &str, now: Timestamp) -> Result<(), StoreError> {
        let now = canonical(now);
        self.conn()
            .execute(
                "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
                &[id_hash.into(), now.as_str().into()],
            )
            .await?;
        Ok(())
    }

    /// Ends a session; whether it was open.
    pub async fn revoke_session(
        &mut self,
        id_hash: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let now = canonical(now);
        let n = self
            .conn()
            .execute(
                "UPDATE sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL",
                &[id_hash.into(), now.as_str().into()],
            )
            .await?;
        Ok(n > 0)
    }

    /// Ends every session of a user but the one whose secret hashes to `keep`.
    pub async fn revoke_other_sessions(
        &mut self,
        user_id: i64,
        keep: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let now = canonical(now);
        self.conn()
            .execute(
                "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id_hash <> $2 AND revoked_at IS NULL",
                &[user_id.into(), keep.into(), now.as_str().into()],
            )
            .await
    }
}
