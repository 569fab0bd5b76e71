-- Who was in a unit at an instant (10,000,000 movements: p95 was 132 ms, the target is
-- 50), answered from indexes alone.
--
-- The stays' GiST index on (unit, stay period) of migration 0008 found the stays, but
-- each one was then read from the movements table: thousands of scattered pages per
-- question. Rebuilt carrying what the answer shows (the person, the cell, since when)
-- and the stay's bounds, it answers alone (an index-only scan: PostgreSQL reads the
-- table only for pages the visibility map does not yet show all-visible, so autovacuum
-- visits movements more often than its defaults would). The names come from persons by
-- id through an index that carries them too.
DROP INDEX movements_stays;
CREATE INDEX movements_stays ON movements USING gist (unit_id, custodia_stay(occurred_at, until_at))
    INCLUDE (person_id, location_id, occurred_at, until_at)
    WHERE presence = 'placed';
ALTER TABLE movements SET (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.02);

CREATE UNIQUE INDEX persons_names ON persons (id) INCLUDE (registry_number, full_name);
