-- Counters behind the national roll, kept by a trigger so that no write path can forget
-- them: persons placed in each location now, and persons of each facility by presence.
-- The roll then sums a few numbers per facility instead of every open episode. (Writers
-- are already serialised by the journal_writer lock, so these hot rows add no waiting.)

ALTER TABLE locations ADD COLUMN occupied BIGINT NOT NULL DEFAULT 0;
UPDATE locations
   SET occupied = (SELECT COUNT(*) FROM custody_episodes e
                    WHERE e.location_id = locations.id AND e.presence = 'placed'
                      AND e.released_at IS NULL);

CREATE TABLE facility_presence (
    facility TEXT   NOT NULL REFERENCES facilities (code),
    presence TEXT   NOT NULL,
    persons  BIGINT NOT NULL,
    PRIMARY KEY (facility, presence)
);
INSERT INTO facility_presence (facility, presence, persons)
SELECT facility, presence, COUNT(*) FROM custody_episodes
 WHERE released_at IS NULL GROUP BY facility, presence;

CREATE FUNCTION custodia_count_episode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.released_at IS NULL THEN
        IF OLD.presence = 'placed' AND OLD.location_id IS NOT NULL THEN
            UPDATE locations SET occupied = occupied - 1 WHERE id = OLD.location_id;
        END IF;
        UPDATE facility_presence SET persons = persons - 1
         WHERE facility = OLD.facility AND presence = OLD.presence;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.released_at IS NULL THEN
        IF NEW.presence = 'placed' AND NEW.location_id IS NOT NULL THEN
            UPDATE locations SET occupied = occupied + 1 WHERE id = NEW.location_id;
        END IF;
        INSERT INTO facility_presence (facility, presence, persons)
        VALUES (NEW.facility, NEW.presence, 1)
        ON CONFLICT (facility, presence) DO UPDATE SET persons = facility_presence.persons + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER episode_counted AFTER INSERT OR DELETE OR UPDATE OF facility, presence, location_id, released_at
ON custody_episodes FOR EACH ROW EXECUTE FUNCTION custodia_count_episode();

-- Each facility's places summed over its locations, each location on its own (an
-- overcrowded cell does not use up its neighbour's free places), kept by triggers on
-- locations (whose `occupied` the trigger above keeps): the national roll reads one row
-- per facility instead of every location.
CREATE TABLE facility_places (
    facility             TEXT   PRIMARY KEY REFERENCES facilities (code),
    design_capacity      BIGINT NOT NULL,
    operational_capacity BIGINT NOT NULL,
    occupied             BIGINT NOT NULL,
    free                 BIGINT NOT NULL,
    over_capacity        BIGINT NOT NULL
);
INSERT INTO facility_places (facility, design_capacity, operational_capacity, occupied, free, over_capacity)
SELECT facility, SUM(design_capacity), SUM(operational_capacity), SUM(occupied),
       SUM(GREATEST(operational_capacity - occupied, 0)), SUM(GREATEST(occupied - operational_capacity, 0))
  FROM locations GROUP BY facility;

CREATE FUNCTION custodia_count_location() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE facility_places SET
            design_capacity = design_capacity - OLD.design_capacity,
            operational_capacity = operational_capacity - OLD.operational_capacity,
            occupied = occupied - OLD.occupied,
            free = free - GREATEST(OLD.operational_capacity - OLD.occupied, 0),
            over_capacity = over_capacity - GREATEST(OLD.occupied - OLD.operational_capacity, 0)
         WHERE facility = OLD.facility;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO facility_places (facility, design_capacity, operational_capacity, occupied, free, over_capacity)
        VALUES (NEW.facility, NEW.design_capacity, NEW.operational_capacity, NEW.occupied,
                GREATEST(NEW.operational_capacity - NEW.occupied, 0),
                GREATEST(NEW.occupied - NEW.operational_capacity, 0))
        ON CONFLICT (facility) DO UPDATE SET
            design_capacity = facility_places.design_capacity + excluded.design_capacity,
            operational_capacity = facility_places.operational_capacity + excluded.operational_capacity,
            occupied = facility_places.occupied + excluded.occupied,
            free = facility_places.free + excluded.free,
            over_capacity = facility_places.over_capacity + excluded.over_capacity;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER location_counted AFTER INSERT OR DELETE OR UPDATE OF facility, design_capacity, operational_capacity, occupied
ON locations FOR EACH ROW EXECUTE FUNCTION custodia_count_location();

-- Locations out of service are few: the roll corrects the sums for their subtrees.
CREATE INDEX locations_out_of_service ON locations (facility) WHERE oos_since IS NOT NULL;

-- Who was in a unit at an instant: stays whose [occurred_at, until_at) covers it, found
-- through a GiST index on (unit, period) instead of every stay begun before the instant.
-- Canonical instants are UTC text ("…Z"), whose reading depends on no session setting;
-- hence the function may be declared immutable.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE FUNCTION custodia_stay(from_at TEXT, until_at TEXT) RETURNS tstzrange
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT tstzrange(from_at::timestamptz, until_at::timestamptz, '[)') $$;
CREATE INDEX movements_stays ON movements USING gist (unit_id, custodia_stay(occurred_at, until_at))
    WHERE presence = 'placed';
