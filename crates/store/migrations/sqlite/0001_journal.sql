-- The journal: append-only, hash-chained. Every state change is a row here.
-- Event ids are UUID v7 made by Custodia; the sequence number is the key. Each extra
-- index is one more page written per commit, so only lookups the product makes get one.
CREATE TABLE journal (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL,
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    occurred_at    TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    actor          TEXT    NOT NULL,
    facility       TEXT,
    subject        TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL
);
CREATE INDEX journal_by_subject ON journal (subject, seq);

CREATE TRIGGER journal_refuses_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only: UPDATE refused');
END;

CREATE TRIGGER journal_refuses_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'journal is append-only: DELETE refused');
END;
