-- The journal: append-only, hash-chained. Every state change is a row here.
-- Event ids are UUID v7 made by Custodia; the sequence number is the key. Each extra
-- index is one more page written per commit, so only lookups the product makes get one.
CREATE TABLE journal (
    seq            BIGINT PRIMARY KEY,
    id             TEXT   NOT NULL,
    event_type     TEXT   NOT NULL,
    schema_version BIGINT NOT NULL,
    occurred_at    TEXT   NOT NULL,
    recorded_at    TEXT   NOT NULL,
    actor          TEXT   NOT NULL,
    facility       TEXT,
    subject        TEXT   NOT NULL,
    payload        TEXT   NOT NULL,
    prev_hash      TEXT   NOT NULL,
    hash           TEXT   NOT NULL
);
CREATE INDEX journal_by_subject ON journal (subject, seq);

CREATE FUNCTION journal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER journal_refuses_update_delete BEFORE UPDATE OR DELETE ON journal
    FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();

CREATE TRIGGER journal_refuses_truncate BEFORE TRUNCATE ON journal
    FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change();
