-- Appenders take an EXCLUSIVE lock on this empty table before anything else in a write
-- transaction, so they queue instead of failing each other's serialization. Locking the
-- journal itself would block autovacuum and need more than INSERT rights on it.
CREATE TABLE journal_writer (
    id BIGINT PRIMARY KEY
);
