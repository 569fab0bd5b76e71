-- Counters behind the national roll, kept by triggers so that no write path can forget
-- them: persons placed in each location now, and persons of each facility by presence.
-- The roll then sums a few numbers per facility instead of every open episode.

ALTER TABLE locations ADD COLUMN occupied INTEGER NOT NULL DEFAULT 0;
UPDATE locations
   SET occupied = (SELECT COUNT(*) FROM custody_episodes e
                    WHERE e.location_id = locations.id AND e.presence = 'placed'
                      AND e.released_at IS NULL);

CREATE TABLE facility_presence (
    facility TEXT    NOT NULL REFERENCES facilities (code),
    presence TEXT    NOT NULL,
    persons  INTEGER NOT NULL,
    PRIMARY KEY (facility, presence)
);
INSERT INTO facility_presence (facility, presence, persons)
SELECT facility, presence, COUNT(*) FROM custody_episodes
 WHERE released_at IS NULL GROUP BY facility, presence;

CREATE TRIGGER episode_counted_in AFTER INSERT ON custody_episodes
WHEN NEW.released_at IS NULL
BEGIN
    UPDATE locations SET occupied = occupied + 1
     WHERE id = NEW.location_id AND NEW.presence = 'placed';
    INSERT OR IGNORE INTO facility_presence (facility, presence, persons)
    VALUES (NEW.facility, NEW.presence, 0);
    UPDATE facility_presence SET persons = persons + 1
     WHERE facility = NEW.facility AND presence = NEW.presence;
END;

CREATE TRIGGER episode_recounted AFTER UPDATE OF facility, presence, location_id, released_at
ON custody_episodes
BEGIN
    UPDATE locations SET occupied = occupied - 1
     WHERE id = OLD.location_id AND OLD.presence = 'placed' AND OLD.released_at IS NULL;
    UPDATE facility_presence SET persons = persons - 1
     WHERE facility = OLD.facility AND presence = OLD.presence AND OLD.released_at IS NULL;
    UPDATE locations SET occupied = occupied + 1
     WHERE id = NEW.location_id AND NEW.presence = 'placed' AND NEW.released_at IS NULL;
    INSERT OR IGNORE INTO facility_presence (facility, presence, persons)
    SELECT NEW.facility, NEW.presence, 0 WHERE NEW.released_at IS NULL;
    UPDATE facility_presence SET persons = persons + 1
     WHERE facility = NEW.facility AND presence = NEW.presence AND NEW.released_at IS NULL;
END;

CREATE TRIGGER episode_counted_out AFTER DELETE ON custody_episodes
WHEN OLD.released_at IS NULL
BEGIN
    UPDATE locations SET occupied = occupied - 1
     WHERE id = OLD.location_id AND OLD.presence = 'placed';
    UPDATE facility_presence SET persons = persons - 1
     WHERE facility = OLD.facility AND presence = OLD.presence;
END;

-- Each facility's places summed over its locations, each location on its own (an
-- overcrowded cell does not use up its neighbour's free places), kept by triggers on
-- locations (whose `occupied` the trigger above keeps): the national roll reads one row
-- per facility instead of every location.
CREATE TABLE facility_places (
    facility             TEXT   PRIMARY KEY REFERENCES facilities (code),
    design_capacity      INTEGER NOT NULL,
    operational_capacity INTEGER NOT NULL,
    occupied             INTEGER NOT NULL,
    free                 INTEGER NOT NULL,
    over_capacity        INTEGER NOT NULL
);
INSERT INTO facility_places (facility, design_capacity, operational_capacity, occupied, free, over_capacity)
SELECT facility, SUM(design_capacity), SUM(operational_capacity), SUM(occupied),
       SUM(MAX(operational_capacity - occupied, 0)), SUM(MAX(occupied - operational_capacity, 0))
  FROM locations GROUP BY facility;

CREATE TRIGGER location_counted_in AFTER INSERT ON locations
BEGIN
    INSERT OR IGNORE INTO facility_places (facility, design_capacity, operational_capacity, occupied, free, over_capacity)
    VALUES (NEW.facility, 0, 0, 0, 0, 0);
    UPDATE facility_places SET
        design_capacity = design_capacity + NEW.design_capacity,
        operational_capacity = operational_capacity + NEW.operational_capacity,
        occupied = occupied + NEW.occupied,
        free = free + MAX(NEW.operational_capacity - NEW.occupied, 0),
        over_capacity = over_capacity + MAX(NEW.occupied - NEW.operational_capacity, 0)
     WHERE facility = NEW.facility;
END;

CREATE TRIGGER location_recounted AFTER UPDATE OF facility, design_capacity, operational_capacity, occupied
ON locations
BEGIN
    UPDATE facility_places SET
        design_capacity = design_capacity - OLD.design_capacity,
        operational_capacity = operational_capacity - OLD.operational_capacity,
        occupied = occupied - OLD.occupied,
        free = free - MAX(OLD.operational_capacity - OLD.occupied, 0),
        over_capacity = over_capacity - MAX(OLD.occupied - OLD.operational_capacity, 0)
     WHERE facility = OLD.facility;
    INSERT OR IGNORE INTO facility_places (facility, design_capacity, operational_capacity, occupied, free, over_capacity)
    VALUES (NEW.facility, 0, 0, 0, 0, 0);
    UPDATE facility_places SET
        design_capacity = design_capacity + NEW.design_capacity,
        operational_capacity = operational_capacity + NEW.operational_capacity,
        occupied = occupied + NEW.occupied,
        free = free + MAX(NEW.operational_capacity - NEW.occupied, 0),
        over_capacity = over_capacity + MAX(NEW.occupied - NEW.operational_capacity, 0)
     WHERE facility = NEW.facility;
END;

CREATE TRIGGER location_counted_out AFTER DELETE ON locations
BEGIN
    UPDATE facility_places SET
        design_capacity = design_capacity - OLD.design_capacity,
        operational_capacity = operational_capacity - OLD.operational_capacity,
        occupied = occupied - OLD.occupied,
        free = free - MAX(OLD.operational_capacity - OLD.occupied, 0),
        over_capacity = over_capacity - MAX(OLD.occupied - OLD.operational_capacity, 0)
     WHERE facility = OLD.facility;
END;

-- Locations out of service are few: the roll corrects the sums for their subtrees.
CREATE INDEX locations_out_of_service ON locations (facility) WHERE oos_since IS NOT NULL;
