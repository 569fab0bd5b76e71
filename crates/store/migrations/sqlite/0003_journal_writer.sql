-- PostgreSQL appenders lock this empty table to queue up; SQLite's own write lock does
-- the same there. Kept on both so the migration versions match.
CREATE TABLE journal_writer (
    id INTEGER PRIMARY KEY
);
