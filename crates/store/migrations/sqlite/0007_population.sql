-- Population: where every person in custody is (placed in a cell, unallocated at their
-- facility, out, in transit, escaped), the movements history with valid time, gangs and
-- keep-apart rules, and physical counts.

-- Mandela Rule 11b: locations say whether they hold pretrial persons, sentenced persons
-- or both.
ALTER TABLE locations ADD COLUMN holds_legal_status TEXT NOT NULL DEFAULT 'both';

-- The current whereabouts of each open episode (the movements table is its history).
ALTER TABLE custody_episodes ADD COLUMN classification TEXT;
ALTER TABLE custody_episodes ADD COLUMN presence TEXT NOT NULL DEFAULT 'unallocated';
ALTER TABLE custody_episodes ADD COLUMN unit_id INTEGER;
ALTER TABLE custody_episodes ADD COLUMN since TEXT;
ALTER TABLE custody_episodes ADD COLUMN override_reason TEXT;
UPDATE custody_episodes
   SET presence = CASE WHEN location_id IS NULL THEN 'unallocated' ELSE 'placed' END,
       since = admitted_at;
WITH RECURSIVE up (start, id, parent_id) AS (
    SELECT id, id, parent_id FROM locations
    UNION ALL
    SELECT up.start, l.id, l.parent_id FROM up JOIN locations l ON l.id = up.parent_id
)
UPDATE custody_episodes
   SET unit_id = (SELECT up.id FROM up WHERE up.start = custody_episodes.location_id AND up.parent_id IS NULL)
 WHERE location_id IS NOT NULL;
CREATE INDEX open_by_location ON custody_episodes (location_id) WHERE released_at IS NULL;
CREATE INDEX open_by_unit ON custody_episodes (unit_id) WHERE released_at IS NULL;
CREATE INDEX open_by_facility ON custody_episodes (facility, presence) WHERE released_at IS NULL;
CREATE INDEX open_overrides ON custody_episodes (facility) WHERE released_at IS NULL AND override_reason IS NOT NULL;

-- Each person's stays, one after another: from the movement that began it (occurred_at,
-- valid time) until the next one (until_at; null while it lasts).
CREATE TABLE movements (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id       INTEGER NOT NULL REFERENCES persons (id),
    episode_id      INTEGER NOT NULL REFERENCES custody_episodes (id),
    kind            TEXT    NOT NULL,
    facility        TEXT    NOT NULL REFERENCES facilities (code),
    location_id     INTEGER REFERENCES locations (id),
    unit_id         INTEGER,
    presence        TEXT    NOT NULL,
    reason          TEXT,
    override_reason TEXT,
    occurred_at     TEXT    NOT NULL,
    until_at        TEXT,
    recorded_at     TEXT    NOT NULL,
    recorded_by     TEXT    NOT NULL
);
CREATE INDEX movements_by_person ON movements (person_id, occurred_at);
CREATE INDEX movements_by_unit ON movements (unit_id, occurred_at);
CREATE INDEX movements_by_location ON movements (location_id, occurred_at);
CREATE INDEX movements_by_facility ON movements (facility, occurred_at);
INSERT INTO movements (person_id, episode_id, kind, facility, location_id, unit_id, presence,
                       occurred_at, until_at, recorded_at, recorded_by)
SELECT person_id, id, 'admitted', facility, location_id, unit_id, presence,
       admitted_at, released_at, admitted_at, 'migration'
  FROM custody_episodes;
INSERT INTO movements (person_id, episode_id, kind, facility, presence, occurred_at,
                       recorded_at, recorded_by)
SELECT person_id, id, 'released', facility, 'ended', released_at, released_at, 'migration'
  FROM custody_episodes WHERE released_at IS NOT NULL;

-- Security threat groups (gangs), their rivalries, and who is affiliated with them.
CREATE TABLE threat_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    aliases     TEXT NOT NULL,
    note        TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE group_rivalries (
    group_a     INTEGER NOT NULL REFERENCES threat_groups (id),
    group_b     INTEGER NOT NULL REFERENCES threat_groups (id),
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (group_a, group_b)
);
CREATE TABLE affiliations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    group_id    INTEGER NOT NULL REFERENCES threat_groups (id),
    role        TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    confidence  TEXT    NOT NULL,
    since       TEXT,
    until       TEXT,
    recorded_at TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL
);
CREATE INDEX affiliations_by_person ON affiliations (person_id);
CREATE INDEX affiliations_by_group ON affiliations (group_id, person_id);

-- Keep-apart rules between two persons or two groups.
CREATE TABLE keep_apart (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,
    a             INTEGER NOT NULL,
    b             INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    scope         TEXT    NOT NULL,
    from_on       TEXT    NOT NULL,
    until_on      TEXT,
    authorized_by TEXT    NOT NULL,
    note          TEXT,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL
);
CREATE INDEX keep_apart_by_a ON keep_apart (kind, a);
CREATE INDEX keep_apart_by_b ON keep_apart (kind, b);

-- Physical counts (recuentos) and the discrepancies they open.
CREATE TABLE counts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    facility       TEXT    NOT NULL REFERENCES facilities (code),
    location_id    INTEGER NOT NULL REFERENCES locations (id),
    counted        INTEGER NOT NULL,
    expected       INTEGER NOT NULL,
    at             TEXT    NOT NULL,
    open           INTEGER NOT NULL,
    explanation    TEXT,
    reconciled_at  TEXT,
    reconciled_by  TEXT,
    recorded_at    TEXT    NOT NULL,
    recorded_by    TEXT    NOT NULL
);
CREATE INDEX counts_by_facility ON counts (facility, open, at);

-- A person who died in custody can never be admitted or moved again.
ALTER TABLE persons ADD COLUMN deceased_at TEXT;

-- Transfers between facilities: requested → approved → dispatched → received, or
-- cancelled before receipt; bulk operations group many.
CREATE TABLE transfer_operations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    note         TEXT,
    created_at   TEXT    NOT NULL,
    created_by   TEXT    NOT NULL
);
CREATE TABLE transfers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id       INTEGER NOT NULL REFERENCES persons (id),
    episode_id      INTEGER NOT NULL REFERENCES custody_episodes (id),
    operation_id    INTEGER REFERENCES transfer_operations (id),
    from_facility   TEXT    NOT NULL REFERENCES facilities (code),
    to_facility     TEXT    NOT NULL REFERENCES facilities (code),
    to_location_id  INTEGER REFERENCES locations (id),
    reason          TEXT    NOT NULL,
    note            TEXT,
    status          TEXT    NOT NULL,
    notify_judge    INTEGER NOT NULL,
    notify_family   INTEGER NOT NULL,
    requested_at    TEXT    NOT NULL,
    requested_by    TEXT    NOT NULL,
    approved_at     TEXT,
    approved_by     TEXT,
    dispatched_at   TEXT,
    dispatched_by   TEXT,
    received_at     TEXT,
    received_by     TEXT,
    cancelled_at    TEXT,
    cancelled_by    TEXT,
    cancel_reason   TEXT
);
CREATE UNIQUE INDEX one_open_transfer ON transfers (person_id) WHERE status IN ('requested', 'approved', 'dispatched');
CREATE INDEX transfers_from ON transfers (from_facility, status);
CREATE INDEX transfers_to ON transfers (to_facility, status);
CREATE INDEX transfers_by_operation ON transfers (operation_id);

-- Temporary absences (court, hospital…): out until returned.
CREATE TABLE absences (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id        INTEGER NOT NULL REFERENCES persons (id),
    episode_id       INTEGER NOT NULL REFERENCES custody_episodes (id),
    facility         TEXT    NOT NULL REFERENCES facilities (code),
    kind             TEXT    NOT NULL,
    note             TEXT,
    from_location_id INTEGER,
    left_at          TEXT    NOT NULL,
    expected_back_at TEXT    NOT NULL,
    returned_at      TEXT,
    recorded_by      TEXT    NOT NULL
);
CREATE INDEX absences_open ON absences (facility, expected_back_at) WHERE returned_at IS NULL;
CREATE INDEX absences_by_person ON absences (person_id);

-- Deaths in custody (Mandela Rule 71: every death is reported).
CREATE TABLE deaths (
    person_id     INTEGER PRIMARY KEY REFERENCES persons (id),
    episode_id    INTEGER NOT NULL REFERENCES custody_episodes (id),
    facility      TEXT    NOT NULL REFERENCES facilities (code),
    died_at       TEXT    NOT NULL,
    place         TEXT    NOT NULL,
    cause         TEXT    NOT NULL,
    circumstances TEXT,
    recorded_at   TEXT    NOT NULL,
    recorded_by   TEXT    NOT NULL
);
