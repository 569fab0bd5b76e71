//! Recording a search (requisa) and reading searches back with what they seized.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::{Action, FacilityFilter};
use custodia_domain::seizure::{PersonSafeguards, SearchKind, TeamMember, validate_search};
use custodia_domain::text;
use custodia_domain::time::{canonical, to_micros};
use custodia_domain::validation::Collector;
use custodia_store::Store;
use custodia_store::seizures::{HandoverRow, SearchFilter, SearchRow, TeamRow};

use super::views::{SearchSummary, SearchView, item_view, search_view, summary};
use super::{SEARCH_RECORDED, check_instant, event, in_custody_at, sees};
use crate::error::AppError;
use crate::persons::invalid_field;
use crate::principal::Principal;

/// A search to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// The facility searched.
    pub facility: String,
    /// `cell`, `area` or `person`.
    pub kind: SearchKind,
    /// The locations searched, of that facility (required for cells and areas).
    #[serde(default)]
    pub location_ids: Vec<i64>,
    /// Who searched (at least one; free text, with a staff id when known).
    pub team: Vec<TeamMember>,
    /// Who authorised it (at most 200 characters).
    pub authorised_by: String,
    /// When it began (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    /// When it ended (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub ended_at: Timestamp,
    /// Why (at most 2,000 characters).
    pub reason: String,
    /// For a search of a person (required then, refused otherwise): who, and the Mandela
    /// Rules 50–52 safeguards.
    pub person: Option<PersonSafeguards>,
    /// A note (at most 2,000 characters).
    pub note: Option<String>,
}

/// Which searches to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// At this facility.
    pub facility: Option<String>,
    /// Begun at or after (RFC 3339).
    pub from: Option<String>,
    /// Begun before (RFC 3339).
    pub to: Option<String>,
    /// At most this many (default 100, at most 1,000).
    pub limit: Option<i64>,
}

/// An instant given in a query, in its canonical form.
pub(super) fn instant_param(field: &str, v: Option<&str>) -> Result<Option<String>, AppError> {
    v.map(|t| {
        custodia_domain::time::parse(t)
            .map(canonical)
            .map_err(|e| invalid_field(field, "invalid_instant", e.to_string()))
    })
    .transpose()
}

/// Records a search (`search.recorded`). A search of a person is refused without its
/// safeguards; every location must be a place of the facility, and the person searched
/// in custody there.
pub async fn record_search(
    store: &Store,
    who: &Principal,
    r: SearchRequest,
) -> Result<SearchView, AppError> {
    let now = Timestamp::now();
    let mut c = Collector::default();
    validate_search(&mut c, r.kind, &r.location_ids, &r.team, r.person.as_ref());
    text::required(&mut c, "authorised_by", &r.authorised_by, 200);
    text::required(&mut c, "reason", &r.reason, 2000);
    if let Some(n) = &r.note {
        text::optional(&mut c, "note", n, 2000);
    }
    check_instant(&mut c, "started_at", r.started_at, now);
    check_instant(&mut c, "ended_at", r.ended_at, now);
    c.check(
        r.ended_at < r.started_at,
        "ended_at",
        "before_start",
        "ended_at is before started_at",
    );
    c.finish()?;
    who.require(Action::SearchWrite, Some(&r.facility))?;
    let (started_at, ended_at) = (to_micros(r.started_at), to_micros(r.ended_at));
    let actor = who.actor.clone();
    let id = store
        .write(&who.actor, async move |tx| {
            if tx.facility(&r.facility).await?.is_none() {
                return Err(AppError::not_found("facility", &r.facility));
            }
            let places: HashSet<i64> = tx
                .locations_of(&r.facility)
                .await?
                .into_iter()
                .map(|l| l.id)
                .collect();
            let mut c = Collector::default();
            for (i, l) in r.location_ids.iter().enumerate() {
                c.check(
                    !places.contains(l),
                    &format!("location_ids[{i}]"),
                    "unknown_location",
                    format!("location {l} is not a place of {}", r.facility),
                );
            }
            if let Some(p) = &r.person
                && !in_custody_at(tx, p.person_id, &r.facility).await?
            {
                c.push(
                    "person.person_id",
                    "not_in_custody_here",
                    format!("person {} is not in custody at {}", p.person_id, r.facility),
                );
            }
            c.finish()?;
            let p = r.person.as_ref();
            let mut row = SearchRow {
                id: 0,
                facility: r.facility.clone(),
                kind: r.kind.as_str().to_owned(),
                reason: r.reason.clone(),
                authorised_by: r.authorised_by.clone(),
                started_at: canonical(started_at),
                ended_at: canonical(ended_at),
                person_id: p.map(|p| p.person_id),
                same_sex_searcher: p.map(|p| p.same_sex_searcher),
                in_private: p.map(|p| p.in_private),
                intrusive: p.map(|p| p.intrusive),
                health_professional: p.and_then(|p| p.health_professional.clone()),
                intrusive_reason: p.and_then(|p| p.intrusive_reason.clone()),
                note: r.note.clone(),
                recorded_at: canonical(now),
                recorded_by: actor.clone(),
            };
            let team: Vec<TeamRow> = r
                .team
                .iter()
                .map(|m| TeamRow {
                    name: m.name.clone(),
                    role: m.role.clone(),
                    staff_id: m.staff_id,
                })
                .collect();
            row.id = tx.insert_search(&row, &r.location_ids, &team).await?;
            tx.append(event(
                SEARCH_RECORDED,
                started_at,
                &r.facility,
                format!("search:{}", row.id),
                &serde_json::json!({
                    "search_id": row.id, "facility": row.facility, "kind": r.kind,
                    "location_ids": r.location_ids, "team": r.team,
                    "authorised_by": row.authorised_by, "started_at": row.started_at,
                    "ended_at": row.ended_at, "reason": row.reason, "person": r.person,
                    "note": row.note,
                }),
            ))
            .await?;
            Ok::<_, AppError>(row.id)
        })
        .await?;
    search(store, who, id).await
}

/// One search with its team, locations and items, each with its chain of custody.
pub async fn search(store: &Store, who: &Principal, id: i64) -> Result<SearchView, AppError> {
    let s = store
        .search(id)
        .await?
        .filter(|s| sees(who, &s.facility))
        .ok_or_else(|| AppError::not_found("search", id))?;
    let mut chains: HashMap<i64, Vec<HandoverRow>> = HashMap::new();
    for h in store.handovers_of_search(id).await? {
        chains.entry(h.item_id).or_default().push(h);
    }
    let items = store
        .items_of_search(id)
        .await?
        .into_iter()
        .map(|i| {
            let chain = chains.remove(&i.id).unwrap_or_default();
            item_view(i, chain)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let locations = store.search_locations(id).await?;
    let team = store.search_team(id).await?;
    search_view(s, locations, team, items)
}

/// Searches in reach, latest begun first.
pub async fn searches(
    store: &Store,
    who: &Principal,
    q: SearchQuery,
) -> Result<Vec<SearchSummary>, AppError> {
    let visible = who.require_some(Action::SearchRead)?;
    if let Some(f) = &q.facility {
        who.require(Action::SearchRead, Some(f))?;
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let from = instant_param("from", q.from.as_deref())?;
    let to = instant_param("to", q.to.as_deref())?;
    let facilities: Vec<Option<String>> = match (&q.facility, &visible) {
        (Some(f), _) => vec![Some(f.clone())],
        (None, FacilityFilter::All) => vec![None],
        (None, FacilityFilter::Only(codes)) => codes.iter().cloned().map(Some).collect(),
    };
    let mut out = Vec::new();
    for facility in facilities {
        let rows = store
            .searches(&SearchFilter {
                facility,
                from: from.clone(),
                to: to.clone(),
                limit,
            })
            .await?;
        for (s, items) in rows.into_iter().filter(|(s, _)| sees(who, &s.facility)) {
            out.push(summary(s, items)?);
        }
    }
    out.sort_by(|a, b| (&b.started_at, b.id).cmp(&(&a.started_at, a.id)));
    out.truncate(limit as usize);
    Ok(out)
}
