-- Staff register and duty rosters (issue 9).

-- Staff are not users: a guard need not have an account. A user may be linked to at most
-- one staff member (username, unique when set). sort_key and search_key are folded
-- (lower case, no accents) for listing by name and finding by name or service number.
CREATE TABLE staff (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    service_number    TEXT    NOT NULL UNIQUE,
    given_names       TEXT    NOT NULL,
    surnames          TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    rank              TEXT,
    home_facility     TEXT    NOT NULL REFERENCES facilities (code),
    emergency_contact TEXT,
    active            INTEGER NOT NULL,
    username          TEXT    UNIQUE REFERENCES users (username),
    sort_key          TEXT    NOT NULL,
    search_key        TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX staff_by_home ON staff (home_facility, sort_key, id);
CREATE INDEX staff_by_name ON staff (sort_key, id);

-- A facility's shifts.
CREATE TABLE shifts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    facility    TEXT    NOT NULL REFERENCES facilities (code),
    starts_at   TEXT    NOT NULL,
    ends_at     TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_by_facility ON shifts (facility, starts_at);

-- Who is on each shift, and at which post. The shift's facility and times are copied in
-- so that "who is on duty at F at instant T" and "is S already on duty then" are each
-- one index range: no shift lasts more than 24 hours, so only duties starting in the 24
-- hours before T can cover it, however long the history.
CREATE TABLE duties (
    shift_id  INTEGER NOT NULL REFERENCES shifts (id),
    staff_id  INTEGER NOT NULL REFERENCES staff (id),
    post      TEXT,
    facility  TEXT    NOT NULL,
    starts_at TEXT    NOT NULL,
    ends_at   TEXT    NOT NULL,
    PRIMARY KEY (shift_id, staff_id)
);
CREATE INDEX duties_by_facility ON duties (facility, starts_at, ends_at);
CREATE INDEX duties_by_staff ON duties (staff_id, starts_at);
