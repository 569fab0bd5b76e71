-- Who was in a unit at an instant, answered from an index alone (PostgreSQL's side of
-- this migration makes its stays' GiST index covering): the placed stays of each unit
-- by start, carrying their end, person and cell, so that the stays begun before the
-- instant are read from the index without visiting the movements table. (Persons are
-- found by their rowid, which needs no index.)
CREATE INDEX movements_unit_stays ON movements (unit_id, occurred_at, until_at, person_id, location_id)
    WHERE presence = 'placed';
