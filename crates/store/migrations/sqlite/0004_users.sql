-- Users, their grants and their API tokens. Secrets are stored only as hashes.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    updated_at    TEXT    NOT NULL
);

-- scope_key is '*' for a national grant and the facility code otherwise.
CREATE TABLE grants (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    role      TEXT    NOT NULL,
    scope_key TEXT    NOT NULL,
    facility  TEXT    REFERENCES facilities (code),
    PRIMARY KEY (user_id, role, scope_key)
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    read_only  INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
