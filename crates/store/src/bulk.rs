//! Set-based reads and writes for many persons at once (bulk transfer operations, the
//! placement rules' snapshot of many moves): one statement per table instead of one per
//! person, which is what counts on PostgreSQL, where every statement is a round trip.
//!
//! A list of ids or of rows travels as one JSON array parameter (`$1`) that each backend
//! reads as a table with its own JSON function: that table is the only part of these
//! statements that differs between SQLite and PostgreSQL.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use crate::conn::Conn;
use crate::error::StoreError;
use crate::intelligence::{KeepApartRow, rule, rule_columns};
use crate::population::{
    MovementRow, OpenEpisode, movement, movement_columns, open_columns, open_episode,
};
use crate::transfers::{TransferRow, transfer, transfer_columns};
use crate::write::WriteTx;

/// One statement in each backend's dialect.
struct Dialects {
    sqlite: &'static str,
    postgres: &'static str,
}

impl Dialects {
    fn of(&self, conn: &Conn<'_>) -> &'static str {
        match conn {
            Conn::Sqlite(_) => self.sqlite,
            Conn::Postgres(_) => self.postgres,
        }
    }
}

/// A statement over the elements of the JSON array `$1`, written with `ROWS` where the
/// table of elements goes: its columns are `value` (an element) and `key` (its position,
/// ascending in the array's order).
macro_rules! over_json {
    (@ $rows:literal; $($before:expr),* ; ROWS ; $($after:expr),*) => {
        concat!($($before,)* $rows $(, $after)*)
    };
    ($($piece:tt)*) => {
        Dialects {
            sqlite: over_json!(@ "json_each($1)"; $($piece)*),
            postgres: over_json!(
                @ "jsonb_array_elements(CAST($1 AS JSONB)) WITH ORDINALITY AS j (value, key)";
                $($piece)*
            ),
        }
    };
}

const OPEN_EPISODES: Dialects = over_json!(
    "SELECT ",
    open_columns!(),
    " FROM custody_episodes WHERE released_at IS NULL \
     AND person_id IN (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ")"
);

const PLACED_IN: Dialects = over_json!(
    "SELECT ",
    open_columns!(),
    " FROM custody_episodes WHERE released_at IS NULL \
     AND location_id IN (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ") ORDER BY person_id"
);

const SET_UNIT_OF_STAYS: Dialects = over_json!(
    "UPDATE movements SET unit_id = $2 WHERE (unit_id IS NULL OR unit_id <> $2) \
     AND location_id IN (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ")"
);

const SET_UNIT_OF_EPISODES: Dialects = over_json!(
    "UPDATE custody_episodes SET unit_id = $2 WHERE released_at IS NULL \
     AND location_id IN (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ")"
);

const OPEN_TRANSFERS: Dialects = over_json!(
    "SELECT ",
    transfer_columns!(),
    " FROM transfers WHERE status IN ('requested', 'approved', 'dispatched') \
     AND person_id IN (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ")"
);

const MOVEMENTS_OF: Dialects = over_json!(
    "SELECT ",
    movement_columns!(),
    " FROM movements WHERE person_id IN (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ") ORDER BY person_id, occurred_at, id"
);

const GROUPS_OF: Dialects = over_json!(
    "SELECT DISTINCT person_id, group_id FROM affiliations \
     WHERE person_id IN (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ") AND (since IS NULL OR since <= $2) AND (until IS NULL OR until >= $2) \
     ORDER BY person_id, group_id"
);

const RULES_NAMING: Dialects = over_json!(
    "WITH parties (id) AS (SELECT CAST(value AS BIGINT) FROM ";
    ROWS;
    ") SELECT ",
    rule_columns!(),
    " FROM keep_apart WHERE kind = $2 AND a IN (SELECT id FROM parties) UNION SELECT ",
    rule_columns!(),
    " FROM keep_apart WHERE kind = $2 AND b IN (SELECT id FROM parties) ORDER BY id"
);

const INSERT_TRANSFERS: Dialects = over_json!(
    "INSERT INTO transfers (person_id, episode_id, operation_id, from_facility, to_facility, \
     to_location_id, reason, note, status, notify_judge, notify_family, requested_at, \
     requested_by) \
     SELECT CAST(value->>'person_id' AS BIGINT), CAST(value->>'episode_id' AS BIGINT), \
     CAST(value->>'operation_id' AS BIGINT), value->>'from_facility', value->>'to_facility', \
     CAST(value->>'to_location_id' AS BIGINT), value->>'reason', value->>'note', \
     value->>'status', CAST(value->>'notify_judge' AS BIGINT), \
     CAST(value->>'notify_family' AS BIGINT), value->>'requested_at', value->>'requested_by' \
     FROM ";
    ROWS;
    " ORDER BY key RETURNING id, person_id"
);

const INSERT_NOTIFICATIONS: Dialects = over_json!(
    "INSERT INTO notifications (reason, recipient, facility, person_id, incident_id, \
     transfer_id, summary, due_at, created_at, status) \
     SELECT value->>'reason', value->>'recipient', value->>'facility', \
     CAST(value->>'person_id' AS BIGINT), CAST(value->>'incident_id' AS BIGINT), \
     CAST(value->>'transfer_id' AS BIGINT), value->>'summary', value->>'due_at', \
     value->>'created_at', 'pending' FROM ";
    ROWS;
    " ORDER BY key RETURNING id"
);

const UPDATE_TRANSFERS: Dialects = over_json!(
    "UPDATE transfers SET status = x.status, to_location_id = x.to_location_id, \
     approved_at = x.approved_at, approved_by = x.approved_by, \
     dispatched_at = x.dispatched_at, dispatched_by = x.dispatched_by, \
     received_at = x.received_at, received_by = x.received_by, \
     cancelled_at = x.cancelled_at, cancelled_by = x.cancelled_by, \
     cancel_reason = x.cancel_reason \
     FROM (SELECT CAST(value->>'id' AS BIGINT) AS id, value->>'status' AS status, \
     CAST(value->>'to_location_id' AS BIGINT) AS to_location_id, \
     value->>'approved_at' AS approved_at, value->>'approved_by' AS approved_by, \
     value->>'dispatched_at' AS dispatched_at, value->>'dispatched_by' AS dispatched_by, \
     value->>'received_at' AS received_at, value->>'received_by' AS received_by, \
     value->>'cancelled_at' AS cancelled_at, value->>'cancelled_by' AS cancelled_by, \
     value->>'cancel_reason' AS cancel_reason FROM ";
    ROWS;
    ") AS x WHERE transfers.id = x.id"
);

const END_STAYS: Dialects = over_json!(
    "UPDATE movements SET until_at = x.until_at \
     FROM (SELECT CAST(value->>'id' AS BIGINT) AS id, value->>'until_at' AS until_at FROM ";
    ROWS;
    ") AS x WHERE movements.id = x.id"
);

const INSERT_MOVEMENTS: Dialects = over_json!(
    "INSERT INTO movements (person_id, episode_id, kind, facility, location_id, unit_id, \
     presence, reason, override_reason, occurred_at, until_at, recorded_at, recorded_by) \
     SELECT CAST(value->>'person_id' AS BIGINT), CAST(value->>'episode_id' AS BIGINT), \
     value->>'kind', value->>'facility', CAST(value->>'location_id' AS BIGINT), \
     CAST(value->>'unit_id' AS BIGINT), value->>'presence', value->>'reason', \
     value->>'override_reason', value->>'occurred_at', value->>'until_at', \
     value->>'recorded_at', value->>'recorded_by' FROM ";
    ROWS;
    " ORDER BY key"
);

const SET_WHEREABOUTS: Dialects = over_json!(
    "UPDATE custody_episodes SET facility = x.facility, location_id = x.location_id, \
     unit_id = x.unit_id, presence = x.presence, since = x.since, \
     override_reason = x.override_reason \
     FROM (SELECT CAST(value->>'id' AS BIGINT) AS id, value->>'facility' AS facility, \
     CAST(value->>'location_id' AS BIGINT) AS location_id, \
     CAST(value->>'unit_id' AS BIGINT) AS unit_id, value->>'presence' AS presence, \
     value->>'since' AS since, value->>'override_reason' AS override_reason FROM ";
    ROWS;
    ") AS x WHERE custody_episodes.id = x.id"
);

const SET_CUSTODY: Dialects = over_json!(
    "UPDATE persons SET facility = x.facility, in_custody = $2, updated_at = $3 \
     FROM (SELECT CAST(value->>'id' AS BIGINT) AS id, value->>'facility' AS facility FROM ";
    ROWS;
    ") AS x WHERE persons.id = x.id"
);

/// Distinct ids as a JSON array.
fn id_list(ids: &[i64]) -> String {
    let mut seen = HashSet::with_capacity(ids.len());
    Value::from(
        ids.iter()
            .copied()
            .filter(|id| seen.insert(*id))
            .collect::<Vec<i64>>(),
    )
    .to_string()
}

/// Of several rows about the same thing, the last one: what writing them one after
/// another would leave.
fn last_of_each<T>(rows: &[T], key: impl Fn(&T) -> i64) -> Vec<&T> {
    let mut seen = HashSet::with_capacity(rows.len());
    let mut out: Vec<&T> = rows.iter().rev().filter(|r| seen.insert(key(r))).collect();
    out.reverse();
    out
}

impl WriteTx {
    /// The open episodes of many persons (those not in custody are left out), in no order.
    pub async fn open_episodes(
        &mut self,
        person_ids: &[i64],
    ) -> Result<Vec<OpenEpisode>, StoreError> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(person_ids);
        let mut conn = self.conn();
        let sql = OPEN_EPISODES.of(&conn);
        conn.fetch(sql, &[ids.as_str().into()], open_episode).await
    }

    /// The open episodes of the persons whose place is one of `locations`, by person.
    pub async fn placed_in_locations(
        &mut self,
        locations: &[i64],
    ) -> Result<Vec<OpenEpisode>, StoreError> {
        if locations.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(locations);
        let mut conn = self.conn();
        let sql = PLACED_IN.of(&conn);
        conn.fetch(sql, &[ids.as_str().into()], open_episode).await
    }

    /// Records that `locations` are now in `unit` (their subtree was moved under another
    /// top-level location): every stay in them, past and present, and the open episodes
    /// of the persons placed in them. A stay's unit is the key that finds it among the
    /// unit's stays, so it follows the tree, as the cells it belongs to do.
    pub async fn set_unit_of(&mut self, locations: &[i64], unit: i64) -> Result<(), StoreError> {
        if locations.is_empty() {
            return Ok(());
        }
        let ids = id_list(locations);
        let mut conn = self.conn();
        let stays = SET_UNIT_OF_STAYS.of(&conn);
        conn.execute(stays, &[ids.as_str().into(), unit.into()])
            .await?;
        let episodes = SET_UNIT_OF_EPISODES.of(&conn);
        conn.execute(episodes, &[ids.as_str().into(), unit.into()])
            .await?;
        Ok(())
    }

    /// The open transfers (requested, approved or dispatched) of many persons, in no order.
    pub async fn open_transfers_of_all(
        &mut self,
        person_ids: &[i64],
    ) -> Result<Vec<TransferRow>, StoreError> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(person_ids);
        let mut conn = self.conn();
        let sql = OPEN_TRANSFERS.of(&conn);
        conn.fetch(sql, &[ids.as_str().into()], transfer).await
    }

    /// The movements histories of many persons, by person, each oldest first.
    pub async fn movements_of_all(
        &mut self,
        person_ids: &[i64],
    ) -> Result<Vec<MovementRow>, StoreError> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(person_ids);
        let mut conn = self.conn();
        let sql = MOVEMENTS_OF.of(&conn);
        conn.fetch(sql, &[ids.as_str().into()], movement).await
    }

    /// The groups each of many persons is affiliated with on `day`: (person, group)
    /// pairs, by person and group.
    pub async fn groups_of_all(
        &mut self,
        person_ids: &[i64],
        day: &str,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(person_ids);
        let mut conn = self.conn();
        let sql = GROUPS_OF.of(&conn);
        conn.fetch(sql, &[ids.as_str().into(), day.into()], |r| {
            Ok((r.int(0)?, r.int(1)?))
        })
        .await
    }

    /// The keep-apart rules of a kind (`persons` or `groups`) naming any of `parties`, in
    /// force on `day`, by id.
    pub async fn keep_apart_in_force_for_all(
        &mut self,
        kind: &str,
        parties: &[i64],
        day: &str,
    ) -> Result<Vec<KeepApartRow>, StoreError> {
        if parties.is_empty() {
            return Ok(Vec::new());
        }
        let ids = id_list(parties);
        let mut conn = self.conn();
        let sql = RULES_NAMING.of(&conn);
        Ok(conn
            .fetch(sql, &[ids.as_str().into(), kind.into()], rule)
            .await?
            .into_iter()
            .filter(|r| r.in_force(day))
            .collect())
    }

    /// Creates notification tasks (pending); returns their ids in the order given
    /// (identities are handed out in insertion order, which follows the array's).
    pub async fn insert_notifications(
        &mut self,
        rows: &[crate::notifications::NotificationRow],
    ) -> Result<Vec<i64>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let json = Value::from(
            rows.iter()
                .map(|n| {
                    json!({
                        "reason": n.reason, "recipient": n.recipient, "facility": n.facility,
                        "person_id": n.person_id, "incident_id": n.incident_id,
                        "transfer_id": n.transfer_id, "summary": n.summary,
                        "due_at": n.due_at, "created_at": n.created_at,
                    })
                })
                .collect::<Vec<Value>>(),
        )
        .to_string();
        let mut conn = self.conn();
        let sql = INSERT_NOTIFICATIONS.of(&conn);
        let mut ids = conn
            .fetch(sql, &[json.as_str().into()], |r| r.int(0))
            .await?;
        // RETURNING gives no order; the ids were taken in the array's order.
        ids.sort_unstable();
        if ids.len() != rows.len() {
            return Err(StoreError::Corrupt(format!(
                "{} notifications inserted, {} returned",
                rows.len(),
                ids.len()
            )));
        }
        Ok(ids)
    }

    /// Records requested transfers, each person at most once (a person has at most one
    /// open transfer); returns their ids in the order given, ascending.
    pub async fn insert_transfers(&mut self, rows: &[TransferRow]) -> Result<Vec<i64>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let json = Value::from(
            rows.iter()
                .map(|t| {
                    json!({
                        "person_id": t.person_id,
                        "episode_id": t.episode_id,
                        "operation_id": t.operation_id,
                        "from_facility": t.from_facility,
                        "to_facility": t.to_facility,
                        "to_location_id": t.to_location_id,
                        "reason": t.reason,
                        "note": t.note,
                        "status": t.status,
                        "notify_judge": i64::from(t.notify_judge),
                        "notify_family": i64::from(t.notify_family),
                        "requested_at": t.requested_at,
                        "requested_by": t.requested_by,
                    })
                })
                .collect::<Vec<Value>>(),
        )
        .to_string();
        let mut conn = self.conn();
        let sql = INSERT_TRANSFERS.of(&conn);
        let ids: HashMap<i64, i64> = conn
            .fetch(sql, &[json.as_str().into()], |r| Ok((r.int(1)?, r.int(0)?)))
            .await?
            .into_iter()
            .collect();
        rows.iter()
            .map(|t| {
                ids.get(&t.person_id).copied().ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "INSERT … RETURNING gave no transfer of person {}",
                        t.person_id
                    ))
                })
            })
            .collect()
    }

    /// Writes the status and steps of many transfers (as `update_transfer` does one).
    pub async fn update_transfers(&mut self, rows: &[TransferRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let json = Value::from(
            last_of_each(rows, |t| t.id)
                .into_iter()
                .map(|t| {
                    json!({
                        "id": t.id,
                        "status": t.status,
                        "to_location_id": t.to_location_id,
                        "approved_at": t.approved_at,
                        "approved_by": t.approved_by,
                        "dispatched_at": t.dispatched_at,
                        "dispatched_by": t.dispatched_by,
                        "received_at": t.received_at,
                        "received_by": t.received_by,
                        "cancelled_at": t.cancelled_at,
                        "cancelled_by": t.cancelled_by,
                        "cancel_reason": t.cancel_reason,
                    })
                })
                .collect::<Vec<Value>>(),
        )
        .to_string();
        let mut conn = self.conn();
        let sql = UPDATE_TRANSFERS.of(&conn);
        conn.execute(sql, &[json.as_str().into()]).await?;
        Ok(())
    }

    /// Ends many stays, each at its own instant: (stay id, until).
    pub async fn end_stays(&mut self, stays: &[(i64, String)]) -> Result<(), StoreError> {
        if stays.is_empty() {
            return Ok(());
        }
        let json = Value::from(
            last_of_each(stays, |s| s.0)
                .into_iter()
                .map(|(id, until)| json!({"id": id, "until_at": until}))
                .collect::<Vec<Value>>(),
        )
        .to_string();
        let mut conn = self.conn();
        let sql = END_STAYS.of(&conn);
        conn.execute(sql, &[json.as_str().into()]).await?;
        Ok(())
    }

    /// Inserts many stays, in the order given (their ids ascend in that order).
    pub async fn insert_movements(&mut self, rows: &[MovementRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let json = Value::from(
            rows.iter()
                .map(|m| {
                    json!({
                        "person_id": m.person_id,
                        "episode_id": m.episode_id,
                        "kind": m.kind,
                        "facility": m.facility,
                        "location_id": m.location_id,
                        "unit_id": m.unit_id,
                        "presence": m.presence,
                        "reason": m.reason,
                        "override_reason": m.override_reason,
                        "occurred_at": m.occurred_at,
                        "until_at": m.until_at,
                        "recorded_at": m.recorded_at,
                        "recorded_by": m.recorded_by,
                    })
                })
                .collect::<Vec<Value>>(),
        )
        .to_string();
        let mut conn = self.conn();
        let sql = INSERT_MOVEMENTS.of(&conn);
        conn.execute(sql, &[json.as_str().into()]).await?;
        Ok(())
    }

    /// Records many persons as in custody (or not) at a facility each: (person, facility),
    /// as `set_custody` does for one.
    pub async fn set_custody_of(
        &mut self,
        persons: &[(i64, String)],
        in_custody: bool,
        now: &str,
    ) -> Result<(), StoreError> {
        if persons.is_empty() {
            return Ok(());
        }
        let json = Value::from(
            last_of_each(persons, |p| p.0)
                .into_iter()
                .map(|(id, facility)| json!({"id": id, "facility": facility}))
                .collect::<Vec<Value>>(),
        )
        .to_string();
        let mut conn = self.conn();
        let sql = SET_CUSTODY.of(&conn);
        conn.execute(
            sql,
            &[
                json.as_str().into(),
                i64::from(in_custody).into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Records, for each movement, its place as where its episode's person is now (as
    /// `set_whereabouts` does for one, since the movement's instant).
    pub async fn set_whereabouts_of(&mut self, moved: &[MovementRow]) -> Result<(), StoreError> {
        if moved.is_empty() {
            return Ok(());
        }
        let json = Value::from(
            last_of_each(moved, |m| m.episode_id)
                .into_iter()
                .map(|m| {
                    json!({
                        "id": m.episode_id,
                        "facility": m.facility,
                        "location_id": m.location_id,
                        "unit_id": m.unit_id,
                        "presence": m.presence,
                        "since": m.occurred_at,
                        "override_reason": m.override_reason,
                    })
                })
                .collect::<Vec<Value>>(),
        )
        .to_string();
        let mut conn = self.conn();
        let sql = SET_WHEREABOUTS.of(&conn);
        conn.execute(sql, &[json.as_str().into()]).await?;
        Ok(())
    }
}
