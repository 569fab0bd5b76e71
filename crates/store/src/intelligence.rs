//! Intelligence read tables: security threat groups, their rivalries, affiliations of
//! persons with them, and keep-apart rules.

use crate::conn::{Cells, Conn};
use crate::db::Store;
use crate::error::StoreError;
use crate::write::WriteTx;

/// A group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// Id.
    pub id: i64,
    /// Name as written.
    pub name: String,
    /// Other names, JSON array.
    pub aliases: String,
    /// Free text.
    pub note: Option<String>,
    /// When registered.
    pub created_at: String,
}

fn group(r: &dyn Cells) -> Result<GroupRow, StoreError> {
    Ok(GroupRow {
        id: r.int(0)?,
        name: r.text(1)?,
        aliases: r.text(2)?,
        note: r.opt_text(3)?,
        created_at: r.text(4)?,
    })
}

/// An affiliation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliationRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// Who.
    pub person_id: i64,
    /// With which group.
    pub group_id: i64,
    /// `member`, `leader` or `associate`.
    pub role: String,
    /// Where the information comes from.
    pub source: String,
    /// `low`, `medium` or `high`.
    pub confidence: String,
    /// From which day, if known.
    pub since: Option<String>,
    /// Until which day, if it ended.
    pub until: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

fn affiliation(r: &dyn Cells) -> Result<AffiliationRow, StoreError> {
    Ok(AffiliationRow {
        id: r.int(0)?,
        person_id: r.int(1)?,
        group_id: r.int(2)?,
        role: r.text(3)?,
        source: r.text(4)?,
        confidence: r.text(5)?,
        since: r.opt_text(6)?,
        until: r.opt_text(7)?,
        recorded_at: r.text(8)?,
        recorded_by: r.text(9)?,
    })
}

/// A keep-apart rule as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeepApartRow {
    /// Id (0 before insertion).
    pub id: i64,
    /// `persons` or `groups`.
    pub kind: String,
    /// A person or group id.
    pub a: i64,
    /// The other.
    pub b: i64,
    /// Why.
    pub reason: String,
    /// `cell`, `unit` or `facility`.
    pub scope: String,
    /// First day in force.
    pub from_on: String,
    /// Last day in force.
    pub until_on: Option<String>,
    /// Who authorised it.
    pub authorized_by: String,
    /// Free text.
    pub note: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

impl KeepApartRow {
    /// Whether the rule is in force on `day` (ISO date).
    pub fn in_force(&self, day: &str) -> bool {
        self.from_on.as_str() <= day && self.until_on.as_deref().is_none_or(|u| day <= u)
    }
}

macro_rules! rule_columns {
    () => {
        "id, kind, a, b, reason, scope, from_on, until_on, authorized_by, note, recorded_at, \
         recorded_by"
    };
}
pub(crate) use rule_columns;

pub(crate) fn rule(r: &dyn Cells) -> Result<KeepApartRow, StoreError> {
    Ok(KeepApartRow {
        id: r.int(0)?,
        kind: r.text(1)?,
        a: r.int(2)?,
        b: r.int(3)?,
        reason: r.text(4)?,
        scope: r.text(5)?,
        from_on: r.text(6)?,
        until_on: r.opt_text(7)?,
        authorized_by: r.text(8)?,
        note: r.opt_text(9)?,
        recorded_at: r.text(10)?,
        recorded_by: r.text(11)?,
    })
}

async fn groups(conn: &mut Conn<'_>) -> Result<Vec<GroupRow>, StoreError> {
    conn.fetch(
        "SELECT id, name, aliases, note, created_at FROM threat_groups ORDER BY name_key",
        &[],
        group,
    )
    .await
}

async fn rivalries(conn: &mut Conn<'_>) -> Result<Vec<(i64, i64)>, StoreError> {
    conn.fetch(
        "SELECT group_a, group_b FROM group_rivalries ORDER BY group_a, group_b",
        &[],
        |r| Ok((r.int(0)?, r.int(1)?)),
    )
    .await
}

async fn rules_naming(
    conn: &mut Conn<'_>,
    kind: &str,
    party: i64,
) -> Result<Vec<KeepApartRow>, StoreError> {
    conn.fetch(
        concat!(
            "SELECT ",
            rule_columns!(),
            " FROM keep_apart WHERE kind = $1 AND a = $2 UNION SELECT ",
            rule_columns!(),
            " FROM keep_apart WHERE kind = $1 AND b = $2 ORDER BY id"
        ),
        &[kind.into(), party.into()],
        rule,
    )
    .await
}

async fn affiliations_of(
    conn: &mut Conn<'_>,
    person_id: i64,
) -> Result<Vec<AffiliationRow>, StoreError> {
    conn.fetch(
        "SELECT id, person_id, group_id, role, source, confidence, since, until, recorded_at, \
         recorded_by FROM affiliations WHERE person_id = $1 ORDER BY id",
        &[person_id.into()],
        affiliation,
    )
    .await
}

impl Store {
    /// Every group, by name.
    pub async fn groups(&self) -> Result<Vec<GroupRow>, StoreError> {
        let mut r = self.reader().await?;
        groups(&mut r.conn()?).await
    }

    /// Every rivalry, as (lower id, higher id).
    pub async fn rivalries(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut r = self.reader().await?;
        rivalries(&mut r.conn()?).await
    }

    /// A person's affiliations, past and present.
    pub async fn affiliations_of(&self, person_id: i64) -> Result<Vec<AffiliationRow>, StoreError> {
        let mut r = self.reader().await?;
        affiliations_of(&mut r.conn()?, person_id).await
    }

    /// The keep-apart rules naming a person or group (any dates).
    pub async fn keep_apart_naming(
        &self,
        kind: &str,
        party: i64,
    ) -> Result<Vec<KeepApartRow>, StoreError> {
        let mut r = self.reader().await?;
        rules_naming(&mut r.conn()?, kind, party).await
    }

    /// Every keep-apart rule, newest first, a page at a time.
    pub async fn keep_apart_page(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<KeepApartRow>, StoreError> {
        let mut r = self.reader().await?;
        r.conn()?
            .fetch(
                concat!(
                    "SELECT ",
                    rule_columns!(),
                    " FROM keep_apart ORDER BY id DESC LIMIT $1 OFFSET $2"
                ),
                &[limit.into(), offset.into()],
                rule,
            )
            .await
    }
}

impl WriteTx {
    /// Every group, as this transaction sees them.
    pub async fn groups(&mut self) -> Result<Vec<GroupRow>, StoreError> {
        groups(&mut self.conn()).await
    }

    /// Registers a group; a name already registered (folded) is a unique violation.
    pub async fn insert_group(
        &mut self,
        name: &str,
        name_key: &str,
        aliases: &str,
        note: Option<&str>,
        now: &str,
    ) -> Result<i64, StoreError> {
        crate::persons::first_id(self
            .conn()
            .fetch(
                "INSERT INTO threat_groups (name, name_key, aliases, note, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                &[
                    name.into(),
                    name_key.into(),
                    aliases.into(),
                    note.into(),
                    now.into(),
                ],
                |r| r.int(0),
            )
            .await?)
    }

    /// Records a rivalry between two groups (stored lower id first; again is a no-op).
    pub async fn insert_rivalry(&mut self, a: i64, b: i64, now: &str) -> Result<(), StoreError> {
        let (a, b) = (a.min(b), a.max(b));
        if rivalries(&mut self.conn()).await?.contains(&(a, b)) {
            return Ok(());
        }
        self.conn()
            .execute(
                "INSERT INTO group_rivalries (group_a, group_b, recorded_at) VALUES ($1, $2, $3)",
                &[a.into(), b.into(), now.into()],
            )
            .await?;
        Ok(())
    }

    /// Records an affiliation; returns its id.
    pub async fn insert_affiliation(&mut self, a: &AffiliationRow) -> Result<i64, StoreError> {
        crate::persons::first_id(self
            .conn()
            .fetch(
                "INSERT INTO affiliations (person_id, group_id, role, source, confidence, since, \
                 until, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 RETURNING id",
                &[
                    a.person_id.into(),
                    a.group_id.into(),
                    (&a.role).into(),
                    (&a.source).into(),
                    (&a.confidence).into(),
                    a.since.as_deref().into(),
                    a.until.as_deref().into(),
                    (&a.recorded_at).into(),
                    (&a.recorded_by).into(),
                ],
                |r| r.int(0),
            )
            .await?)
    }

    /// The groups a person is affiliated with on `day` (`YYYY-MM-DD`).
    pub async fn groups_of(&mut self, person_id: i64, day: &str) -> Result<Vec<i64>, StoreError> {
        self.conn()
            .fetch(
                "SELECT DISTINCT group_id FROM affiliations WHERE person_id = $1 \
                 AND (since IS NULL OR since <= $2) AND (until IS NULL OR until >= $2) \
                 ORDER BY group_id",
                &[person_id.into(), day.into()],
                |r| r.int(0),
            )
            .await
    }

    /// The keep-apart rules naming a person or group, in force on `day`.
    pub async fn keep_apart_in_force(
        &mut self,
        kind: &str,
        party: i64,
        day: &str,
    ) -> Result<Vec<KeepApartRow>, StoreError> {
        Ok(rules_naming(&mut self.conn(), kind, party)
            .await?
            .into_iter()
            .filter(|r| r.in_force(day))
            .collect())
    }

    /// Records a keep-apart rule; returns its id.
    pub async fn insert_keep_apart(&mut self, k: &KeepApartRow) -> Result<i64, StoreError> {
        crate::persons::first_id(
            self.conn()
                .fetch(
                    "INSERT INTO keep_apart (kind, a, b, reason, scope, from_on, until_on, \
                 authorized_by, note, recorded_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        (&k.kind).into(),
                        k.a.into(),
                        k.b.into(),
                        (&k.reason).into(),
                        (&k.scope).into(),
                        (&k.from_on).into(),
                        k.until_on.as_deref().into(),
                        (&k.authorized_by).into(),
                        k.note.as_deref().into(),
                        (&k.recorded_at).into(),
                        (&k.recorded_by).into(),
                    ],
                    |r| r.int(0),
                )
                .await?,
        )
    }
}
