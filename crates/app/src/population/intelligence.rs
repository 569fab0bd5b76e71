//! Security threat groups (gangs), affiliations and keep-apart rules. Only intelligence
//! staff, national operations and national administrators see them: for anyone else
//! they do not exist (404).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use custodia_domain::access::Action;
use custodia_domain::events::{
    AFFILIATION_RECORDED, GROUP_REGISTERED, KEEP_APART_RECORDED, NewEvent,
};
use custodia_domain::names::fold;
use custodia_domain::placement::{KeepApartKind, KeepApartReason, KeepApartScope};
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::validation::Collector;
use custodia_domain::vocabulary;
use custodia_store::Store;
use custodia_store::intelligence::{AffiliationRow, GroupRow, KeepApartRow};

use crate::error::AppError;
use crate::persons::{event, json, parse};
use crate::principal::Principal;

vocabulary!(
    /// A person's role in a group.
    GroupRole {
        /// A member.
        Member = "member",
        /// A leader (cabecilla).
        Leader = "leader",
        /// Associated without membership.
        Associate = "associate",
    }
);

vocabulary!(
    /// How sure the information is.
    Confidence {
        /// Unconfirmed.
        Low = "low",
        /// Corroborated.
        Medium = "medium",
        /// Confirmed.
        High = "high",
    }
);

/// Intelligence is invisible to whoever may not read it (404); those who read it but may
/// not do `action` are refused (403).
fn require_sight(who: &Principal, action: Action, what: &'static str) -> Result<(), AppError> {
    if who.require_some(Action::IntelligenceRead).is_err() {
        return Err(AppError::not_found(what, ""));
    }
    who.require_some(action).map(|_| ())
}

/// A group to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// Name, e.g. `Los Lobos`.
    pub name: String,
    /// Other names it is known by.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Ids of registered groups it is at war with.
    #[serde(default)]
    pub rivals: Vec<i64>,
    /// Free text.
    pub note: Option<String>,
}

/// A group as intelligence staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// Ids of rival groups.
    pub rivals: Vec<i64>,
    /// Free text.
    pub note: Option<String>,
    /// When registered.
    pub created_at: String,
}

fn group_view(g: GroupRow, rivalries: &[(i64, i64)]) -> Result<GroupView, AppError> {
    Ok(GroupView {
        aliases: parse("threat_groups.aliases", &g.aliases)?,
        rivals: rivalries
            .iter()
            .filter_map(|&(a, b)| {
                if a == g.id {
                    Some(b)
                } else if b == g.id {
                    Some(a)
                } else {
                    None
                }
            })
            .collect(),
        id: g.id,
        name: g.name,
        note: g.note,
        created_at: g.created_at,
    })
}

/// Every group with its rivals.
pub async fn groups(store: &Store, who: &Principal) -> Result<Vec<GroupView>, AppError> {
    require_sight(who, Action::IntelligenceRead, "groups")?;
    let rivalries = store.rivalries().await?;
    store
        .groups()
        .await?
        .into_iter()
        .map(|g| group_view(g, &rivalries))
        .collect()
}

/// Registers a group and its rivalries (`group.registered`).
pub async fn register_group(
    store: &Store,
    who: &Principal,
    g: NewGroup,
) -> Result<GroupView, AppError> {
    require_sight(who, Action::IntelligenceWrite, "groups")?;
    let mut c = Collector::default();
    text::required(&mut c, "name", &g.name, 200);
    text::list(&mut c, "aliases", &g.aliases, 20, 200);
    if let Some(note) = &g.note {
        text::optional(&mut c, "note", note, 2000);
    }
    c.check(
        g.rivals.len() > 100,
        "rivals",
        "too_many",
        "at most 100 rivals",
    );
    c.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let known = tx.groups().await?;
            for r in &g.rivals {
                if !known.iter().any(|k| k.id == *r) {
                    return Err(crate::persons::invalid_field(
                        "rivals",
                        "unknown_group",
                        format!("group {r} is not registered"),
                    ));
                }
            }
            let key = fold(&g.name);
            let stamp = canonical(now);
            let id = tx
                .insert_group(&g.name, &key, &json(&g.aliases), g.note.as_deref(), &stamp)
                .await
                .map_err(|e| {
                    if e.is_unique_violation() {
                        AppError::Conflict {
                            code: "duplicate_name",
                            message: format!("a group named {} is already registered", g.name),
                        }
                    } else {
                        e.into()
                    }
                })?;
            for r in &g.rivals {
                tx.insert_rivalry(id, *r, &stamp).await?;
            }
            tx.append(NewEvent {
                event_type: GROUP_REGISTERED,
                schema_version: 1,
                occurred_at: now,
                facility: None,
                subject: format!("group:{id}"),
                payload: json(&serde_json::json!({"group_id": id, "group": &g})),
            })
            .await?;
            Ok(GroupView {
                id,
                name: g.name.clone(),
                aliases: g.aliases.clone(),
                rivals: g.rivals.clone(),
                note: g.note.clone(),
                created_at: stamp,
            })
        })
        .await
}

/// An affiliation of a person with a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Affiliation {
    /// The group's id.
    pub group_id: i64,
    /// Member, leader or associate.
    pub role: GroupRole,
    /// Where the information comes from.
    pub source: String,
    /// How sure it is.
    pub confidence: Confidence,
    /// From which day, if known.
    #[schema(value_type = Option<String>, format = Date)]
    pub since: Option<Date>,
    /// Until which day, if it ended.
    #[schema(value_type = Option<String>, format = Date)]
    pub until: Option<Date>,
}

/// A recorded affiliation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AffiliationView {
    /// Id.
    pub id: i64,
    /// Who.
    pub person_id: i64,
    /// The group's id.
    pub group_id: i64,
    /// Member, leader or associate.
    pub role: GroupRole,
    /// Where the information comes from.
    pub source: String,
    /// How sure it is.
    pub confidence: Confidence,
    /// From which day, if known.
    pub since: Option<String>,
    /// Until which day, if it ended.
    pub until: Option<String>,
    /// When recorded.
    pub recorded_at: String,
}

/// Records a person's affiliation with a group (`person.affiliation_recorded`).
pub async fn affiliate(
    store: &Store,
    who: &Principal,
    person_id: i64,
    a: Affiliation,
) -> Result<AffiliationView, AppError> {
    require_sight(who, Action::IntelligenceWrite, "person")?;
    let mut c = Collector::default();
    text::required(&mut c, "source", &a.source, 500);
    if let (Some(since), Some(until)) = (a.since, a.until) {
        c.check(
            until < since,
            "until",
            "until_before_since",
            "until is before since",
        );
    }
    c.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let person = tx
                .person(person_id)
                .await?
                .ok_or_else(|| AppError::not_found("person", person_id))?;
            who.require_in(
                Action::IntelligenceWrite,
                &person.facility,
                "person",
                person_id,
            )?;
            if !tx.groups().await?.iter().any(|g| g.id == a.group_id) {
                return Err(crate::persons::invalid_field(
                    "group_id",
                    "unknown_group",
                    format!("group {} is not registered", a.group_id),
                ));
            }
            let stamp = canonical(now);
            let id = tx
                .insert_affiliation(&AffiliationRow {
                    id: 0,
                    person_id,
                    group_id: a.group_id,
                    role: a.role.as_str().to_owned(),
                    source: a.source.clone(),
                    confidence: a.confidence.as_str().to_owned(),
                    since: a.since.map(|d| d.to_string()),
                    until: a.until.map(|d| d.to_string()),
                    recorded_at: stamp.clone(),
                    recorded_by: who.actor.clone(),
                })
                .await?;
            tx.append(event(
                AFFILIATION_RECORDED,
                now,
                &person.facility,
                person_id,
                &serde_json::json!({"affiliation_id": id, "person_id": person_id, "affiliation": &a}),
            ))
            .await?;
            Ok(AffiliationView {
                id,
                person_id,
                group_id: a.group_id,
                role: a.role,
                source: a.source.clone(),
                confidence: a.confidence,
                since: a.since.map(|d| d.to_string()),
                until: a.until.map(|d| d.to_string()),
                recorded_at: stamp,
            })
        })
        .await
}

/// A keep-apart rule to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeepApartRequest {
    /// Between two persons or two groups.
    pub kind: KeepApartKind,
    /// A person id or group id.
    pub a: i64,
    /// The other person id or group id.
    pub b: i64,
    /// Why.
    pub reason: KeepApartReason,
    /// Cell, unit or facility.
    pub scope: KeepApartScope,
    /// First day in force; today when absent.
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<Date>,
    /// Last day in force, if it ends.
    #[schema(value_type = Option<String>, format = Date)]
    pub until: Option<Date>,
    /// Who authorised it (name and post).
    pub authorized_by: String,
    /// Free text.
    pub note: Option<String>,
}

/// A keep-apart rule as intelligence staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeepApartView {
    /// Id.
    pub id: i64,
    /// Persons or groups.
    pub kind: KeepApartKind,
    /// A person or group id.
    pub a: i64,
    /// The other.
    pub b: i64,
    /// Why.
    pub reason: KeepApartReason,
    /// Where it applies.
    pub scope: KeepApartScope,
    /// First day in force.
    pub from: String,
    /// Last day in force.
    pub until: Option<String>,
    /// Whether it is in force today.
    pub active: bool,
    /// Who authorised it.
    pub authorized_by: String,
    /// Free text.
    pub note: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

fn keep_apart_view(r: KeepApartRow, today: &str) -> Result<KeepApartView, AppError> {
    let bad = |e: custodia_domain::enums::UnknownValue| super::corrupt("keep_apart", e);
    Ok(KeepApartView {
        active: r.from_on.as_str() <= today && r.until_on.as_deref().is_none_or(|u| today <= u),
        id: r.id,
        kind: KeepApartKind::parse(&r.kind).map_err(bad)?,
        a: r.a,
        b: r.b,
        reason: KeepApartReason::parse(&r.reason).map_err(bad)?,
        scope: KeepApartScope::parse(&r.scope).map_err(bad)?,
        from: r.from_on,
        until: r.until_on,
        authorized_by: r.authorized_by,
        note: r.note,
        recorded_at: r.recorded_at,
        recorded_by: r.recorded_by,
    })
}

fn today() -> String {
    custodia_domain::time::date_in(Timestamp::now(), "America/Guayaquil").to_string()
}

/// Records a keep-apart rule (`keep_apart.recorded`); it applies to every later move.
pub async fn record_keep_apart(
    store: &Store,
    who: &Principal,
    k: KeepApartRequest,
) -> Result<KeepApartView, AppError> {
    require_sight(who, Action::IntelligenceWrite, "keep-apart rule")?;
    let mut c = Collector::default();
    c.check(
        k.a == k.b,
        "b",
        "same_party",
        match k.kind {
            KeepApartKind::Persons => "a person cannot be kept apart from themself",
            KeepApartKind::Groups => "a group cannot be kept apart from itself",
        },
    );
    text::required(&mut c, "authorized_by", &k.authorized_by, 200);
    if let Some(note) = &k.note {
        text::optional(&mut c, "note", note, 2000);
    }
    let from = k
        .from
        .unwrap_or_else(|| custodia_domain::time::date_in(Timestamp::now(), "America/Guayaquil"));
    if let Some(until) = k.until {
        c.check(
            until < from,
            "until",
            "until_before_from",
            "until is before from",
        );
    }
    c.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let mut facility = None;
            match k.kind {
                KeepApartKind::Persons => {
                    for (field, id) in [("a", k.a), ("b", k.b)] {
                        let p = tx.person(id).await?.ok_or_else(|| {
                            crate::persons::invalid_field(
                                field,
                                "unknown_person",
                                format!("person {id} is not registered"),
                            )
                        })?;
                        if !who.allows(Action::IntelligenceWrite, Some(&p.facility)) {
                            return Err(crate::persons::invalid_field(
                                field,
                                "unknown_person",
                                format!("person {id} is not registered"),
                            ));
                        }
                        facility.get_or_insert(p.facility);
                    }
                }
                KeepApartKind::Groups => {
                    let known = tx.groups().await?;
                    for (field, id) in [("a", k.a), ("b", k.b)] {
                        if !known.iter().any(|g| g.id == id) {
                            return Err(crate::persons::invalid_field(
                                field,
                                "unknown_group",
                                format!("group {id} is not registered"),
                            ));
                        }
                    }
                }
            }
            let stamp = canonical(now);
            let row = KeepApartRow {
                id: 0,
                kind: k.kind.as_str().to_owned(),
                a: k.a,
                b: k.b,
                reason: k.reason.as_str().to_owned(),
                scope: k.scope.as_str().to_owned(),
                from_on: from.to_string(),
                until_on: k.until.map(|d| d.to_string()),
                authorized_by: k.authorized_by.clone(),
                note: k.note.clone(),
                recorded_at: stamp.clone(),
                recorded_by: who.actor.clone(),
            };
            let id = tx.insert_keep_apart(&row).await?;
            tx.append(NewEvent {
                event_type: KEEP_APART_RECORDED,
                schema_version: 1,
                occurred_at: now,
                facility: facility.clone(),
                subject: format!("keep_apart:{id}"),
                payload: json(
                    &serde_json::json!({"rule_id": id, "rule": &k, "from": from.to_string()}),
                ),
            })
            .await?;
            keep_apart_view(KeepApartRow { id, ..row }, &today())
        })
        .await
}

/// The keep-apart rules naming a person (directly or through their groups), or every
/// rule a page at a time.
pub async fn keep_apart_list(
    store: &Store,
    who: &Principal,
    person: Option<i64>,
    offset: i64,
    limit: i64,
) -> Result<Vec<KeepApartView>, AppError> {
    require_sight(who, Action::IntelligenceRead, "keep-apart rule")?;
    let today = today();
    let rows = match person {
        Some(id) => {
            let p = store
                .person(id)
                .await?
                .ok_or_else(|| AppError::not_found("person", id))?;
            who.require_in(Action::IntelligenceRead, &p.facility, "person", id)?;
            let mut rows = store.keep_apart_naming("persons", id).await?;
            let mut groups: Vec<i64> = store
                .affiliations_of(id)
                .await?
                .into_iter()
                .map(|a| a.group_id)
                .collect();
            groups.sort_unstable();
            groups.dedup();
            for g in groups {
                rows.extend(store.keep_apart_naming("groups", g).await?);
            }
            rows.sort_by_key(|r| r.id);
            rows.dedup_by_key(|r| r.id);
            rows
        }
        None => {
            if !(0..=1000).contains(&limit) || offset < 0 {
                return Err(crate::persons::invalid_field(
                    "limit",
                    "out_of_range",
                    "limit is 0 to 1000, offset at least 0",
                ));
            }
            store.keep_apart_page(offset, limit).await?
        }
    };
    // A rule between persons shows only when both persons are in the caller's reach
    // (groups are national reference data).
    let mut visible = Vec::with_capacity(rows.len());
    for r in rows {
        if r.kind == KeepApartKind::Persons.as_str() {
            let mut in_reach = true;
            for id in [r.a, r.b] {
                in_reach &= match store.person(id).await? {
                    Some(p) => who.allows(Action::IntelligenceRead, Some(&p.facility)),
                    None => false,
                };
            }
            if !in_reach {
                continue;
            }
        }
        visible.push(keep_apart_view(r, &today)?);
    }
    Ok(visible)
}

/// A person's affiliation as their file shows it to intelligence roles.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonAffiliation {
    /// The group's id.
    pub group_id: i64,
    /// The group's name.
    pub group_name: String,
    /// `member`, `leader` or `associate`.
    pub role: String,
    /// Where the information comes from.
    pub source: String,
    /// How sure it is.
    pub confidence: String,
    /// From which day, if known.
    pub since: Option<String>,
    /// Until which day, if it ended.
    pub until: Option<String>,
}

/// A person's affiliations, for those who see intelligence in the person's facility;
/// for everyone else they do not exist.
pub async fn affiliations(
    store: &Store,
    who: &Principal,
    person_id: i64,
) -> Result<Vec<PersonAffiliation>, AppError> {
    require_sight(who, Action::IntelligenceRead, "affiliation")?;
    let person = store
        .person(person_id)
        .await?
        .ok_or_else(|| AppError::not_found("person", person_id))?;
    who.require_in(
        Action::IntelligenceRead,
        &person.facility,
        "person",
        person_id,
    )?;
    let names: std::collections::HashMap<i64, String> = store
        .groups()
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    Ok(store
        .affiliations_of(person_id)
        .await?
        .into_iter()
        .map(|a| PersonAffiliation {
            group_name: names.get(&a.group_id).cloned().unwrap_or_default(),
            group_id: a.group_id,
            role: a.role,
            source: a.source,
            confidence: a.confidence,
            since: a.since,
            until: a.until,
        })
        .collect())
}
