-- Read tables for facilities and their location trees.
CREATE TABLE facilities (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    province        TEXT NOT NULL,
    city            TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    holds_sex       TEXT NOT NULL,
    holds_age       TEXT NOT NULL,
    security_levels TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE locations (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    facility             TEXT    NOT NULL REFERENCES facilities (code),
    code                 TEXT    NOT NULL,
    name                 TEXT    NOT NULL,
    parent_id            INTEGER REFERENCES locations (id),
    security_level       TEXT    NOT NULL,
    holds_sex            TEXT    NOT NULL,
    design_capacity      INTEGER NOT NULL CHECK (design_capacity >= 0),
    operational_capacity INTEGER NOT NULL CHECK (operational_capacity >= 0),
    oos_reason           TEXT,
    oos_since            TEXT,
    oos_until            TEXT,
    oos_note             TEXT,
    updated_at           TEXT    NOT NULL,
    UNIQUE (facility, code)
);
CREATE INDEX locations_by_parent ON locations (parent_id);
