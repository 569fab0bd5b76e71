-- Searches, seized items and their chain of custody (issue 9).

-- A search (requisa) of cells, an area or a person at one facility. A search of a person
-- records the Mandela Rules 50-52 safeguards: a searcher of the same sex, in private, and
-- an intrusive search only by a health professional, with its reason.
CREATE TABLE searches (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    facility             TEXT NOT NULL REFERENCES facilities (code),
    kind                 TEXT NOT NULL,
    reason               TEXT NOT NULL,
    authorised_by        TEXT NOT NULL,
    started_at           TEXT NOT NULL,
    ended_at             TEXT NOT NULL,
    person_id            INTEGER REFERENCES persons (id),
    same_sex_searcher    INTEGER,
    in_private           INTEGER,
    intrusive            INTEGER,
    health_professional  TEXT,
    intrusive_reason     TEXT,
    note                 TEXT,
    recorded_at          TEXT NOT NULL,
    recorded_by          TEXT NOT NULL
);
CREATE INDEX searches_by_facility ON searches (facility, started_at);
CREATE INDEX searches_by_time ON searches (started_at);

CREATE TABLE search_locations (
    search_id    INTEGER NOT NULL REFERENCES searches (id),
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    PRIMARY KEY (search_id, location_id)
);

-- Who searched, in the order given: free text, with a staff id when known.
CREATE TABLE search_team (
    search_id  INTEGER NOT NULL REFERENCES searches (id),
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT,
    staff_id   INTEGER,
    PRIMARY KEY (search_id, position)
);

-- One line of what a search seized. Weights are whole milligrams and money whole minor
-- units (cents), so that statistics add up exactly; found_month is the civil month in the
-- facility's time zone. The holder is the current end of the chain of custody (the first
-- holder and the handovers are its history).
CREATE TABLE seized_items (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    search_id        INTEGER NOT NULL REFERENCES searches (id),
    facility         TEXT NOT NULL REFERENCES facilities (code),
    category         TEXT NOT NULL,
    description      TEXT,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    drug_kind        TEXT,
    weight_mg        INTEGER,
    currency         TEXT,
    amount_minor     INTEGER,
    location_id      INTEGER REFERENCES locations (id),
    found_place      TEXT,
    person_id        INTEGER REFERENCES persons (id),
    photo_reference  TEXT,
    found_at         TEXT NOT NULL,
    found_month      TEXT NOT NULL,
    first_staff_id   INTEGER,
    first_name       TEXT,
    first_office     TEXT,
    holder_staff_id  INTEGER,
    holder_name      TEXT,
    holder_office    TEXT,
    held_since       TEXT NOT NULL,
    disposal         TEXT,
    recorded_at      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL
);
CREATE INDEX seized_items_by_search ON seized_items (search_id, id);
CREATE INDEX seized_items_by_facility ON seized_items (facility, found_at);
CREATE INDEX seized_items_by_time ON seized_items (found_at);

-- The chain of custody: append-only, each handover from the holder of the moment.
CREATE TABLE item_handovers (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id        INTEGER NOT NULL REFERENCES seized_items (id),
    from_staff_id  INTEGER,
    from_name      TEXT,
    from_office    TEXT,
    to_staff_id    INTEGER,
    to_name        TEXT,
    to_office      TEXT,
    at             TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    disposal       TEXT,
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL
);
CREATE INDEX item_handovers_by_item ON item_handovers (item_id, id);

-- Searches linked to incidents (a find of illicit items, a riot that began with a search).
CREATE TABLE incident_searches (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    search_id    INTEGER NOT NULL REFERENCES searches (id),
    linked_at    TEXT NOT NULL,
    linked_by    TEXT NOT NULL,
    PRIMARY KEY (incident_id, search_id)
);
CREATE INDEX incident_searches_by_search ON incident_searches (search_id);
