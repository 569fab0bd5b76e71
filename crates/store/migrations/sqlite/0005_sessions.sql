-- Browser sessions: the cookie's secret is stored only as a hash.
CREATE TABLE sessions (
    id_hash      TEXT   PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT   NOT NULL,
    created_at   TEXT   NOT NULL,
    last_seen_at TEXT   NOT NULL,
    expires_at   TEXT   NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);
