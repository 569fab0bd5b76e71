-- Read tables for persons deprived of liberty: the lasting person, custody episodes,
-- court documents, identity corrections, and the search index.
CREATE TABLE persons (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    registry_number TEXT   NOT NULL UNIQUE,
    identity        TEXT   NOT NULL,
    name_key        TEXT   NOT NULL,
    full_name       TEXT   NOT NULL,
    sort_key        TEXT   NOT NULL,
    date_of_birth   TEXT   NOT NULL,
    document_key    TEXT,
    facility        TEXT   NOT NULL REFERENCES facilities (code),
    in_custody      INTEGER NOT NULL,
    created_at      TEXT   NOT NULL,
    updated_at      TEXT   NOT NULL
);
CREATE INDEX persons_by_document ON persons (document_key);
CREATE INDEX persons_by_name ON persons (name_key, date_of_birth);

CREATE TABLE custody_episodes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id       INTEGER NOT NULL REFERENCES persons (id),
    facility        TEXT   NOT NULL REFERENCES facilities (code),
    location_id     INTEGER REFERENCES locations (id),
    admitted_at     TEXT   NOT NULL,
    age_group       TEXT   NOT NULL,
    sex             TEXT   NOT NULL,
    legal_status    TEXT   NOT NULL,
    pretrial_expiry TEXT,
    release_date    TEXT,
    record          TEXT   NOT NULL,
    released_at     TEXT,
    release         TEXT
);
CREATE INDEX episodes_by_person ON custody_episodes (person_id);
CREATE UNIQUE INDEX one_open_episode ON custody_episodes (person_id) WHERE released_at IS NULL;
-- Deadlines: the range up to a day is small (what is due soon, and what is overdue).
CREATE INDEX open_by_pretrial_expiry ON custody_episodes (pretrial_expiry, facility) WHERE released_at IS NULL;
CREATE INDEX open_by_release_date ON custody_episodes (release_date, facility) WHERE released_at IS NULL;

CREATE TABLE legal_documents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    episode_id  INTEGER NOT NULL REFERENCES custody_episodes (id),
    document    TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    recorded_by TEXT   NOT NULL
);
CREATE INDEX legal_documents_by_episode ON legal_documents (episode_id);

CREATE TABLE person_corrections (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    episode_id   INTEGER REFERENCES custody_episodes (id),
    field        TEXT   NOT NULL,
    old_value    TEXT   NOT NULL,
    new_value    TEXT   NOT NULL,
    reason       TEXT   NOT NULL,
    corrected_at TEXT   NOT NULL,
    corrected_by TEXT   NOT NULL
);
CREATE INDEX corrections_by_person ON person_corrections (person_id);

-- One row per (word, person): name parts, aliases, document and registry numbers, folded.
-- Each row carries what ranking and scoping need, so a search reads only this index.
-- Byte order (SQLite's own) keeps every prefix a contiguous range.
CREATE TABLE person_terms (
    term      TEXT   NOT NULL,
    sort_key  TEXT   NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    facility  TEXT   NOT NULL,
    words     TEXT   NOT NULL,
    PRIMARY KEY (term, sort_key, person_id)
);
CREATE INDEX person_terms_by_person ON person_terms (person_id);
-- Searches scoped to one facility read only that facility's postings.
CREATE INDEX person_terms_by_facility ON person_terms (term, facility, sort_key, person_id);

-- The distinct words, for expanding a searched word to prefixes and one-typo neighbours:
-- by the word itself and by the word reversed (a typo leaves one half intact).
CREATE TABLE search_words (
    word     TEXT   PRIMARY KEY,
    reversed TEXT   NOT NULL,
    postings INTEGER NOT NULL
);
CREATE INDEX search_words_reversed ON search_words (reversed);
