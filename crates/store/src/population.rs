//! Population read tables: each open episode's whereabouts, the movements history (stays
//! with valid time), and the counts that the roll and the placement rules read.

use std::collections::HashMap;

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::write::WriteTx;

/// An open custody episode as placement reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenEpisode {
    /// Episode id.
    pub episode_id: i64,
    /// Whose.
    pub person_id: i64,
    /// Facility holding them (for persons in transit: the destination).
    pub facility: String,
    /// Their cell, when placed.
    pub location_id: Option<i64>,
    /// That cell's unit.
    pub unit_id: Option<i64>,
    /// `placed`, `unallocated`, `out`, `in_transit` or `escaped`.
    pub presence: String,
    /// Since when they are where they are (canonical instant).
    pub since: String,
    /// When admitted.
    pub admitted_at: String,
    /// Sex.
    pub sex: String,
    /// Age group on admission.
    pub age_group: String,
    /// Legal status now.
    pub legal_status: String,
    /// Security classification, if classified.
    pub classification: Option<String>,
    /// The director's reason when the current placement overrode capacity.
    pub override_reason: Option<String>,
}

macro_rules! open_columns {
    () => {
        "id, person_id, facility, location_id, unit_id, presence, since, admitted_at, sex, \
         age_group, legal_status, classification, override_reason"
    };
}
pub(crate) use open_columns;

pub(crate) fn open_episode(r: &dyn Cells) -> Result<OpenEpisode, StoreError> {
    Ok(OpenEpisode {
        episode_id: r.int(0)?,
        person_id: r.int(1)?,
        facility: r.text(2)?,
        location_id: r.opt_int(3)?,
        unit_id: r.opt_int(4)?,
        presence: r.text(5)?,
        since: r.opt_text(6)?.unwrap_or_default(),
        admitted_at: r.text(7)?,
        sex: r.text(8)?,
        age_group: r.text(9)?,
        legal_status: r.text(10)?,
        classification: r.opt_text(11)?,
        override_reason: r.opt_text(12)?,
    })
}

/// One stay of the movements history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Whose.
    pub person_id: i64,
    /// In which episode.
    pub episode_id: i64,
    /// The movement that began the stay: `admitted`, `placed`, `moved`, `released`…
    pub kind: String,
    /// The facility.
    pub facility: String,
    /// The cell, when placed.
    pub location_id: Option<i64>,
    /// Its unit.
    pub unit_id: Option<i64>,
    /// `placed`, `unallocated`, `out`, `in_transit`, `escaped` or `ended`.
    pub presence: String,
    /// Why the movement happened.
    pub reason: Option<String>,
    /// The director's reason when it overrode capacity.
    pub override_reason: Option<String>,
    /// When the movement happened (valid time).
    pub occurred_at: String,
    /// When the next movement ended the stay.
    pub until_at: Option<String>,
    /// When it was recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

macro_rules! movement_columns {
    () => {
        "id, person_id, episode_id, kind, facility, location_id, unit_id, presence, reason, \
         override_reason, occurred_at, until_at, recorded_at, recorded_by"
    };
}
pub(crate) use movement_columns;

pub(crate) fn movement(r: &dyn Cells) -> Result<MovementRow, StoreError> {
    Ok(MovementRow {
        id: r.int(0)?,
        person_id: r.int(1)?,
        episode_id: r.int(2)?,
        kind: r.text(3)?,
        facility: r.text(4)?,
        location_id: r.opt_int(5)?,
        unit_id: r.opt_int(6)?,
        presence: r.text(7)?,
        reason: r.opt_text(8)?,
        override_reason: r.opt_text(9)?,
        occurred_at: r.text(10)?,
        until_at: r.opt_text(11)?,
        recorded_at: r.text(12)?,
        recorded_by: r.text(13)?,
    })
}

/// How many persons of a facility are in each presence, by location for those placed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PresenceCounts {
    /// Placed persons per cell.
    pub placed: HashMap<i64, i64>,
    /// Persons per presence other than placed (`unallocated`, `out`, `escaped`).
    pub elsewhere: HashMap<String, i64>,
}

async fn open_of(conn: &mut Conn<'_>, person_id: i64) -> Result<Option<OpenEpisode>, StoreError> {
    conn.fetch_optional(
        concat!(
            "SELECT ",
            open_columns!(),
            " FROM custody_episodes WHERE person_id = $1 AND released_at IS NULL"
        ),
        &[person_id.into()],
        open_episode,
    )
    .await
}

async fn occupants(conn: &mut Conn<'_>, location_id: i64) -> Result<Vec<OpenEpisode>, StoreError> {
    conn.fetch(
        concat!(
            "SELECT ",
            open_columns!(),
            " FROM custody_episodes WHERE location_id = $1 AND presence = 'placed' \
             AND released_at IS NULL ORDER BY person_id"
        ),
        &[location_id.into()],
        open_episode,
    )
    .await
}

async fn presence_counts(
    conn: &mut Conn<'_>,
    facility: Option<&str>,
) -> Result<HashMap<String, PresenceCounts>, StoreError> {
    let map = |r: &dyn Cells| Ok((r.text(0)?, r.text(1)?, r.opt_int(2)?, r.int(3)?));
    let rows = match facility {
        Some(code) => {
            conn.fetch(
                "SELECT facility, presence, location_id, COUNT(*) FROM custody_episodes \
                 WHERE released_at IS NULL AND facility = $1 \
                 GROUP BY facility, presence, location_id",
                &[code.into()],
                map,
            )
            .await?
        }
        None => {
            conn.fetch(
                "SELECT facility, presence, location_id, COUNT(*) FROM custody_episodes \
                 WHERE released_at IS NULL GROUP BY facility, presence, location_id",
                &[],
                map,
            )
            .await?
        }
    };
    let mut out: HashMap<String, PresenceCounts> = HashMap::new();
    for (facility, presence, location, n) in rows {
        let counts = out.entry(facility).or_default();
        match (presence.as_str(), location) {
            ("placed", Some(l)) => *counts.placed.entry(l).or_default() += n,
            _ => *counts.elsewhere.entry(presence).or_default() += n,
        }
    }
    Ok(out)
}

async fn movements_of(conn: &mut Conn<'_>, person_id: i64) -> Result<Vec<MovementRow>, StoreError> {
    conn.fetch(
        concat!(
            "SELECT ",
            movement_columns!(),
            " FROM movements WHERE person_id = $1 ORDER BY occurred_at, id"
        ),
        &[person_id.into()],
        movement,
    )
    .await
}

impl Store {
    /// A person's open episode with where they are.
    pub async fn open_episode(&self, person_id: i64) -> Result<Option<OpenEpisode>, StoreError> {
        let mut r = self.reader().await?;
        open_of(&mut r.conn()?, person_id).await
    }

    /// Persons placed in a cell now.
    pub async fn occupants(&self, location_id: i64) -> Result<Vec<OpenEpisode>, StoreError> {
        let mut r = self.reader().await?;
        occupants(&mut r.conn()?, location_id).await
    }

    /// Counts of persons by presence (and by cell for those placed), per facility; all
    /// facilities when `facility` is `None`.
    pub async fn presence_counts(
        &self,
        facility: Option<&str>,
    ) -> Result<HashMap<String, PresenceCounts>, StoreError> {
        let mut r = self.reader().await?;
        presence_counts(&mut r.conn()?, facility).await
    }

    /// Open episodes of a facility that are not placed in a cell (unallocated, out,
    /// escaped), for the roll's lists.
    pub async fn not_in_a_cell(&self, facility: &str) -> Result<Vec<OpenEpisode>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    open_columns!(),
                    " FROM custody_episodes WHERE facility = $1 AND presence <> 'placed' \
                     AND released_at IS NULL ORDER BY since, person_id"
                ),
                &[facility.into()],
                open_episode,
            )
            .await
    }

    /// Persons placed now under an override of capacity, in a facility.
    pub async fn overrides(&self, facility: &str) -> Result<Vec<OpenEpisode>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    open_columns!(),
                    " FROM custody_episodes WHERE facility = $1 AND override_reason IS NOT NULL \
                     AND released_at IS NULL ORDER BY since, person_id"
                ),
                &[facility.into()],
                open_episode,
            )
            .await
    }

    /// How many persons are placed under an override of capacity now, per facility.
    pub async fn override_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT facility, COUNT(*) FROM custody_episodes WHERE override_reason IS NOT NULL \
                 AND released_at IS NULL GROUP BY facility",
                &[],
                |c| Ok((c.text(0)?, c.int(1)?)),
            )
            .await
    }

    /// A person's movements history, oldest first.
    pub async fn movements_of(&self, person_id: i64) -> Result<Vec<MovementRow>, StoreError> {
        let mut r = self.reader().await?;
        movements_of(&mut r.conn()?, person_id).await
    }

    /// The movements at a facility that happened since `from` (canonical text), newest
    /// first, at most `limit`, each with the person's registry number and name.
    pub async fn movements_at_facility(
        &self,
        facility: &str,
        from: &str,
        limit: i64,
    ) -> Result<Vec<(MovementRow, String, String)>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "SELECT m.id, m.person_id, m.episode_id, m.kind, m.facility, m.location_id, m.unit_id, \
                 m.presence, m.reason, m.override_reason, m.occurred_at, m.until_at, m.recorded_at, \
                 m.recorded_by, p.registry_number, p.full_name \
                 FROM movements m JOIN persons p ON p.id = m.person_id \
                 WHERE m.facility = $1 AND m.occurred_at >= $2 \
                 ORDER BY m.occurred_at DESC, m.id DESC LIMIT $3",
                &[facility.into(), from.into(), limit.into()],
                |c| Ok((movement(c)?, c.text(14)?, c.text(15)?)),
            )
            .await
    }

    /// Every stay, in the order recorded: for comparing with a rebuild from the journal.
    pub async fn all_movements(&self) -> Result<Vec<MovementRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    movement_columns!(),
                    " FROM movements ORDER BY id"
                ),
                &[],
                movement,
            )
            .await
    }
}

impl WriteTx {
    /// A person's open episode, as this transaction sees it.
    pub async fn open_episode(
        &mut self,
        person_id: i64,
    ) -> Result<Option<OpenEpisode>, StoreError> {
        open_of(&mut self.conn(), person_id).await
    }

    /// How many persons are placed in a cell now.
    pub async fn occupied(&mut self, location_id: i64) -> Result<i64, StoreError> {
        let n = self
            .conn()
            .fetch(
                "SELECT COUNT(*) FROM custody_episodes WHERE location_id = $1 \
                 AND presence = 'placed' AND released_at IS NULL",
                &[location_id.into()],
                |r| r.int(0),
            )
            .await?;
        Ok(n.first().copied().unwrap_or(0))
    }

    /// Open episodes of persons affiliated now (on `day`) with `group_id`, at `facility`:
    /// the first 50 (enough to tell whether the group is there).
    pub async fn members_present(
        &mut self,
        group_id: i64,
        facility: &str,
        day: &str,
    ) -> Result<Vec<OpenEpisode>, StoreError> {
        self.conn()
            .fetch(
                concat!(
                    "SELECT ",
                    open_columns!(),
                    " FROM custody_episodes WHERE released_at IS NULL AND facility = $2 \
                     AND person_id IN (SELECT person_id FROM affiliations WHERE group_id = $1 \
                     AND (since IS NULL OR since <= $3) AND (until IS NULL OR until >= $3)) \
                     ORDER BY person_id LIMIT 50"
                ),
                &[group_id.into(), facility.into(), day.into()],
                open_episode,
            )
            .await
    }

    /// Open episodes of persons affiliated on `day` with `group_id`, placed in a unit.
    pub async fn members_in_unit(
        &mut self,
        group_id: i64,
        unit_id: i64,
        day: &str,
    ) -> Result<Vec<OpenEpisode>, StoreError> {
        self.conn()
            .fetch(
                concat!(
                    "SELECT ",
                    open_columns!(),
                    " FROM custody_episodes WHERE released_at IS NULL AND unit_id = $2 \
                     AND presence = 'placed' AND person_id IN (SELECT person_id FROM affiliations \
                     WHERE group_id = $1 AND (since IS NULL OR since <= $3) \
                     AND (until IS NULL OR until >= $3))"
                ),
                &[group_id.into(), unit_id.into(), day.into()],
                open_episode,
            )
            .await
    }

    /// Records where an open episode's person is now.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_whereabouts(
        &mut self,
        episode_id: i64,
        facility: &str,
        location_id: Option<i64>,
        unit_id: Option<i64>,
        presence: &str,
        since: &str,
        override_reason: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE custody_episodes SET facility = $2, location_id = $3, unit_id = $4, \
                 presence = $5, since = $6, override_reason = $7 WHERE id = $1",
                &[
                    episode_id.into(),
                    facility.into(),
                    location_id.into(),
                    unit_id.into(),
                    presence.into(),
                    since.into(),
                    override_reason.into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// Sets an open episode's security classification.
    pub async fn set_classification(
        &mut self,
        episode_id: i64,
        classification: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE custody_episodes SET classification = $2 WHERE id = $1",
                &[episode_id.into(), classification.into()],
            )
            .await?;
        Ok(())
    }

    /// A person's movements history, as this transaction sees it.
    pub async fn movements_of(&mut self, person_id: i64) -> Result<Vec<MovementRow>, StoreError> {
        movements_of(&mut self.conn(), person_id).await
    }

    /// Ends a stay at `until`.
    pub async fn end_stay(&mut self, id: i64, until: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE movements SET until_at = $2 WHERE id = $1",
                &[id.into(), until.into()],
            )
            .await?;
        Ok(())
    }

    /// Inserts a stay; returns its id.
    pub async fn insert_movement(&mut self, m: &MovementRow) -> Result<i64, StoreError> {
        crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO movements (person_id, episode_id, kind, facility, location_id, \
                 unit_id, presence, reason, override_reason, occurred_at, until_at, recorded_at, \
                 recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 RETURNING id",
                    &[
                        m.person_id.into(),
                        m.episode_id.into(),
                        (&m.kind).into(),
                        (&m.facility).into(),
                        m.location_id.into(),
                        m.unit_id.into(),
                        (&m.presence).into(),
                        m.reason.as_deref().into(),
                        m.override_reason.as_deref().into(),
                        (&m.occurred_at).into(),
                        m.until_at.as_deref().into(),
                        (&m.recorded_at).into(),
                        (&m.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }

    /// Whether a location has sub-locations (only cells, which have none, hold persons).
    pub async fn has_children(&mut self, location_id: i64) -> Result<bool, StoreError> {
        let n = self
            .conn()
            .fetch(
                "SELECT COUNT(*) FROM locations WHERE parent_id = $1",
                &[location_id.into()],
                |r| r.int(0),
            )
            .await?;
        Ok(n.first().copied().unwrap_or(0) > 0)
    }
}
