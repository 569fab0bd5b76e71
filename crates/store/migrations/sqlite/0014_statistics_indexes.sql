-- Indexes the statistics read alone: persons held at each month end from the stays of each
-- facility (facility, presence and the stay's two ends), and open episodes by legal
-- status, without touching the wide rows.
CREATE INDEX movements_stays_by_facility ON movements (facility, presence, occurred_at, until_at);
CREATE INDEX open_by_legal_status ON custody_episodes (facility, legal_status) WHERE released_at IS NULL;
