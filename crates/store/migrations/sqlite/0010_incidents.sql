-- Incidents, crises, the staff accountability board, mandatory notifications and each
-- facility's control status (issue 9).

CREATE TABLE crises (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    status      TEXT NOT NULL,
    summary     TEXT,
    closed_at   TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX crises_active ON crises (started_at) WHERE status = 'active';

-- A site is a facility (optionally a place in it) or an address outside any facility.
CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    reference    TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    facility     TEXT REFERENCES facilities (code),
    location_id  INTEGER REFERENCES locations (id),
    address      TEXT,
    province     TEXT,
    latitude     REAL,
    longitude    REAL,
    occurred_at  TEXT NOT NULL,
    severity     TEXT NOT NULL,
    status       TEXT NOT NULL,
    summary      TEXT NOT NULL,
    crisis_id    INTEGER REFERENCES crises (id),
    reported_at  TEXT NOT NULL,
    reported_by  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX incidents_by_facility ON incidents (facility, occurred_at);
CREATE INDEX incidents_by_time ON incidents (occurred_at);
CREATE INDEX incidents_open ON incidents (occurred_at) WHERE status <> 'closed';
CREATE INDEX incidents_by_crisis ON incidents (crisis_id);

-- Append-only timelines of incidents and of crises.
CREATE TABLE timeline_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER REFERENCES incidents (id),
    crisis_id    INTEGER REFERENCES crises (id),
    kind         TEXT NOT NULL,
    entry        TEXT NOT NULL,
    occurred_at  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX timeline_by_incident ON timeline_entries (incident_id, occurred_at);
CREATE INDEX timeline_by_crisis ON timeline_entries (crisis_id, occurred_at);

-- Persons in custody and staff involved, each in a role.
CREATE TABLE incident_people (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    person_id    INTEGER REFERENCES persons (id),
    staff_id     INTEGER,
    role         TEXT NOT NULL,
    note         TEXT,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX incident_people_by_incident ON incident_people (incident_id);
CREATE INDEX incident_people_by_person ON incident_people (person_id);

CREATE TABLE casualties (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    person_id    INTEGER REFERENCES persons (id),
    staff_id     INTEGER,
    outcome      TEXT NOT NULL,
    cause        TEXT,
    description  TEXT,
    occurred_at  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX casualties_by_incident ON casualties (incident_id);

CREATE TABLE incident_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    reference    TEXT NOT NULL,
    description  TEXT,
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);
CREATE INDEX attachments_by_incident ON incident_attachments (incident_id);

-- What became of each staff member during a crisis: every change (valid time `at`), and
-- the latest per crisis and staff member for the live figures.
CREATE TABLE staff_status_changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    crisis_id     INTEGER NOT NULL REFERENCES crises (id),
    incident_id   INTEGER NOT NULL REFERENCES incidents (id),
    staff_id      INTEGER NOT NULL,
    facility      TEXT NOT NULL,
    staff_kind    TEXT NOT NULL,
    status        TEXT NOT NULL,
    at            TEXT NOT NULL,
    circumstances TEXT,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL
);
CREATE INDEX staff_status_by_crisis ON staff_status_changes (crisis_id, at);
CREATE TABLE staff_status_now (
    crisis_id     INTEGER NOT NULL REFERENCES crises (id),
    staff_id      INTEGER NOT NULL,
    incident_id   INTEGER NOT NULL REFERENCES incidents (id),
    facility      TEXT NOT NULL,
    staff_kind    TEXT NOT NULL,
    status        TEXT NOT NULL,
    since         TEXT NOT NULL,
    PRIMARY KEY (crisis_id, staff_id)
);
CREATE INDEX staff_held_now ON staff_status_now (facility) WHERE status IN ('held', 'missing');

-- Notifications the law requires, created by the system as tasks with a due time.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    reason       TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    facility     TEXT REFERENCES facilities (code),
    person_id    INTEGER REFERENCES persons (id),
    incident_id  INTEGER REFERENCES incidents (id),
    transfer_id  INTEGER REFERENCES transfers (id),
    summary      TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    status       TEXT NOT NULL,
    done_at      TEXT,
    done_by      TEXT,
    channel      TEXT,
    notified     TEXT,
    note         TEXT
);
CREATE INDEX notifications_pending ON notifications (due_at) WHERE status = 'pending';
CREATE INDEX notifications_by_facility ON notifications (facility, due_at);
CREATE INDEX notifications_by_incident ON notifications (incident_id);

-- Whether each facility is under the authorities' control, and how that changed.
CREATE TABLE facility_control (
    facility  TEXT PRIMARY KEY REFERENCES facilities (code),
    status    TEXT NOT NULL,
    reason    TEXT NOT NULL,
    since     TEXT NOT NULL,
    set_by    TEXT NOT NULL
);
CREATE TABLE facility_control_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    facility    TEXT NOT NULL REFERENCES facilities (code),
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    since       TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    set_by      TEXT NOT NULL
);
CREATE INDEX control_history_by_facility ON facility_control_history (facility, since);

-- A death in custody and its incident are one fact.
ALTER TABLE deaths ADD COLUMN incident_id INTEGER REFERENCES incidents (id);
