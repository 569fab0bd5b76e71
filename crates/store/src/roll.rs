//! The counters behind the national roll, kept by triggers on `custody_episodes`
//! (migration 0008): persons placed per location and persons per facility and presence.
//! Reading them costs a few rows per facility, whatever the population.

use std::collections::HashMap;

use crate::conn::Cells;
use crate::db::Store;
use crate::error::StoreError;

/// A facility's places summed over its locations as if every place were in service, each
/// location counted on its own (an overcrowded cell does not use up its neighbour's
/// free places).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlaceSums {
    /// Official places.
    pub design_capacity: i64,
    /// Places usable when everything is in service.
    pub operational_capacity: i64,
    /// Persons placed.
    pub occupied: i64,
    /// Sum over locations of the places left.
    pub free: i64,
    /// Sum over locations of the persons beyond their places.
    pub over_capacity: i64,
}

/// One location inside a subtree that is out of service, with the root of that subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedPlace {
    /// The location whose closure covers this one (itself or an ancestor).
    pub closed_root: i64,
    /// This location.
    pub location_id: i64,
    /// Its operational places.
    pub operational_capacity: i64,
    /// Persons placed in it.
    pub occupied: i64,
}

fn place_sums(r: &dyn Cells) -> Result<(String, PlaceSums), StoreError> {
    Ok((
        r.text(0)?,
        PlaceSums {
            design_capacity: r.int(1)?,
            operational_capacity: r.int(2)?,
            occupied: r.int(3)?,
            free: r.int(4)?,
            over_capacity: r.int(5)?,
        },
    ))
}

impl Store {
    /// Every facility's places summed over its locations (see [`PlaceSums`]), from the
    /// sums the triggers of migration 0008 keep.
    pub async fn place_sums(&self) -> Result<HashMap<String, PlaceSums>, StoreError> {
        let mut r = self.reader().await?;
        let rows = r
            .conn()?
            .fetch(
                "SELECT facility, design_capacity, operational_capacity, occupied, free, \
                 over_capacity FROM facility_places",
                &[],
                place_sums,
            )
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// Persons of each facility by presence (`placed`, `unallocated`, `out`,
    /// `in_transit`, `escaped`), open episodes only.
    pub async fn presence_by_facility(
        &self,
    ) -> Result<HashMap<String, HashMap<String, i64>>, StoreError> {
        let mut r = self.reader().await?;
        let rows = r
            .conn()?
            .fetch(
                "SELECT facility, presence, persons FROM facility_presence WHERE persons <> 0",
                &[],
                |r| Ok((r.text(0)?, r.text(1)?, r.int(2)?)),
            )
            .await?;
        let mut out: HashMap<String, HashMap<String, i64>> = HashMap::new();
        for (facility, presence, n) in rows {
            out.entry(facility).or_default().insert(presence, n);
        }
        Ok(out)
    }

    /// Every location under a location that has an out-of-service period recorded
    /// (itself included), with that location as `closed_root`. Whether the period covers
    /// a given instant is for the caller to judge.
    pub async fn places_under_closures(&self) -> Result<Vec<ClosedPlace>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                "WITH RECURSIVE closed (root, id, depth) AS ( \
                   SELECT id, id, 0 FROM locations WHERE oos_since IS NOT NULL \
                   UNION ALL \
                   SELECT closed.root, l.id, closed.depth + 1 FROM locations l \
                   JOIN closed ON l.parent_id = closed.id WHERE closed.depth < 64) \
                 SELECT closed.root, l.id, l.operational_capacity, l.occupied \
                 FROM closed JOIN locations l ON l.id = closed.id",
                &[],
                |r| {
                    Ok(ClosedPlace {
                        closed_root: r.int(0)?,
                        location_id: r.int(1)?,
                        operational_capacity: r.int(2)?,
                        occupied: r.int(3)?,
                    })
                },
            )
            .await
    }
}
