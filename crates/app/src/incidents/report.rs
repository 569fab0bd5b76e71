//! Reporting an incident and building its record: timeline, people involved,
//! casualties (a death here is the population's death: one fact), attachments, status.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use custodia_domain::access::{Action, FacilityFilter};
use custodia_domain::incident::{
    CasualtyOutcome, IncidentStatus, IncidentType, PersonRole, Severity, Site, StaffRole, reference,
};
use custodia_domain::notification::NotificationReason;
use custodia_domain::text;
use custodia_domain::time::canonical;
use custodia_domain::transfer::DeathCause;
use custodia_domain::validation::Collector;
use custodia_store::incidents::{
    AttachmentRow, CasualtyRow, IncidentFilter, IncidentRow, InvolvedRow, TimelineRow,
};
use custodia_store::{Store, WriteTx};

use super::notify::{About, view as notification_view};
use super::{
    ATTACHMENT_ADDED, CASUALTY_RECORDED, INCIDENT_PERSON_INVOLVED, INCIDENT_REPORTED,
    INCIDENT_STATUS_CHANGED, NotificationView, TIMELINE_ENTRY_ADDED, new_event, notify, past,
};
use crate::error::AppError;
use crate::persons::invalid_field;
use crate::principal::Principal;

/// An incident to report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRequest {
    /// What kind of incident.
    #[serde(rename = "type")]
    pub incident_type: IncidentType,
    /// Where: a facility (and place), or an address with its province.
    pub site: Site,
    /// When it happened (RFC 3339).
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: Timestamp,
    /// How serious; by type when absent (hostage-taking: critical…).
    pub severity: Option<Severity>,
    /// What happened, in short (at most 2,000 characters).
    pub summary: String,
    /// `reported` (default) or `active` when already being handled.
    pub status: Option<IncidentStatus>,
    /// Attachments by reference.
    #[serde(default)]
    pub attachments: Vec<AttachmentRequest>,
}

/// An attachment by reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRequest {
    /// Where the file is (document number, file name, evidence store reference).
    pub reference: String,
    /// What it is.
    pub description: Option<String>,
}

/// An incident in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentSummary {
    /// Id.
    pub id: i64,
    /// Reference number, e.g. `CRS-TURI-2023-00012`.
    pub reference: String,
    /// Type id.
    #[serde(rename = "type")]
    pub incident_type: String,
    /// Where.
    pub site: Site,
    /// When it happened.
    pub occurred_at: String,
    /// Severity.
    pub severity: String,
    /// Status.
    pub status: String,
    /// What happened.
    pub summary: String,
    /// The crisis it belongs to.
    pub crisis_id: Option<i64>,
    /// Who reported it.
    pub reported_by: String,
    /// When reported.
    pub reported_at: String,
}

/// A timeline entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineView {
    /// Id.
    pub id: i64,
    /// `reported`, `note`, `status`, `person`, `casualty`, `hostages_taken`, …
    pub kind: String,
    /// The text.
    pub entry: String,
    /// When it happened.
    pub occurred_at: String,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

impl From<TimelineRow> for TimelineView {
    fn from(t: TimelineRow) -> Self {
        TimelineView {
            id: t.id,
            kind: t.kind,
            entry: t.entry,
            occurred_at: t.occurred_at,
            recorded_at: t.recorded_at,
            recorded_by: t.recorded_by,
        }
    }
}

/// Someone involved.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvolvedView {
    /// Id.
    pub id: i64,
    /// A person in custody.
    pub person_id: Option<i64>,
    /// A staff member.
    pub staff_id: Option<i64>,
    /// Their role.
    pub role: String,
    /// A note.
    pub note: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// A casualty.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CasualtyView {
    /// Id.
    pub id: i64,
    /// A person in custody.
    pub person_id: Option<i64>,
    /// A staff member.
    pub staff_id: Option<i64>,
    /// `injured`, `seriously_injured` or `deceased`.
    pub outcome: String,
    /// The cause category.
    pub cause: Option<String>,
    /// What is known.
    pub description: Option<String>,
    /// When.
    pub occurred_at: String,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// An attachment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    /// Id.
    pub id: i64,
    /// Where the file is.
    pub reference: String,
    /// What it is.
    pub description: Option<String>,
    /// When recorded.
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

/// An incident with its whole record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    /// Id.
    pub id: i64,
    /// Reference number, e.g. `CRS-TURI-2023-00012`.
    pub reference: String,
    /// Type id.
    #[serde(rename = "type")]
    pub incident_type: String,
    /// Where.
    pub site: Site,
    /// When it happened.
    pub occurred_at: String,
    /// Severity.
    pub severity: String,
    /// Status.
    pub status: String,
    /// What happened.
    pub summary: String,
    /// The crisis it belongs to.
    pub crisis_id: Option<i64>,
    /// Who reported it.
    pub reported_by: String,
    /// When reported.
    pub reported_at: String,
    /// What happened, in order.
    pub timeline: Vec<TimelineView>,
    /// People involved.
    pub people: Vec<InvolvedView>,
    /// Injuries and deaths.
    pub casualties: Vec<CasualtyView>,
    /// Attachments by reference.
    pub attachments: Vec<AttachmentView>,
    /// The notifications it required.
    pub notifications: Vec<NotificationView>,
    /// Searches linked to it, with how many item lines each seized.
    pub seizures: Vec<LinkedSearchView>,
}

/// A search linked to an incident.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkedSearchView {
    /// The search (`GET /api/v1/searches/{id}` has its items and their chain of custody).
    pub search_id: i64,
    /// Its facility.
    pub facility: String,
    /// `cell`, `area` or `person`.
    pub kind: String,
    /// When it began.
    pub started_at: String,
    /// When it ended.
    pub ended_at: String,
    /// Item lines seized.
    pub items: i64,
    /// When linked.
    pub linked_at: String,
    /// By whom.
    pub linked_by: String,
}

fn linked_view(l: custodia_store::incidents::LinkedSearchRow) -> LinkedSearchView {
    LinkedSearchView {
        search_id: l.search_id,
        facility: l.facility,
        kind: l.kind,
        started_at: l.started_at,
        ended_at: l.ended_at,
        items: l.items,
        linked_at: l.linked_at,
        linked_by: l.linked_by,
    }
}

/// A search to link to an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSearch {
    /// The search (of the incident's facility).
    pub search_id: i64,
}

/// Links a search (and so what it seized) to an incident of the same facility.
pub async fn link_search(
    store: &Store,
    who: &Principal,
    id: i64,
    r: LinkSearch,
) -> Result<LinkedSearchView, AppError> {
    let now = Timestamp::now();
    let principal = who.clone();
    store
        .write(&who.actor, async move |tx| {
            let who = &principal;
            let i = load(tx, who, id).await?;
            authorise(who, &i, Action::IncidentManage)?;
            let search = tx
                .search(r.search_id)
                .await?
                .filter(|s| who.allows(Action::SearchRead, Some(&s.facility)))
                .ok_or_else(|| {
                    invalid_field(
                        "search_id",
                        "unknown_search",
                        format!("search {} not found", r.search_id),
                    )
                })?;
            if i.facility.as_deref() != Some(search.facility.as_str()) {
                return Err(invalid_field(
                    "search_id",
                    "other_facility",
                    format!(
                        "search {} was made at {}, not at the incident's site",
                        search.id, search.facility
                    ),
                ));
            }
            if !tx
                .link_search(i.id, search.id, &canonical(now), &who.actor)
                .await?
            {
                return Err(AppError::Conflict {
                    code: "already_linked",
                    message: format!(
                        "search {} is already linked to incident {}",
                        search.id, i.id
                    ),
                });
            }
            append_entry(
                tx,
                &who.actor,
                Some(&i),
                i.crisis_id,
                "seizure",
                &format!("requisa {} vinculada", search.id),
                now,
                now,
            )
            .await?;
            tx.append(new_event(
                super::INCIDENT_SEARCH_LINKED,
                now,
                i.facility.as_deref(),
                format!("incident:{}", i.id),
                &serde_json::json!({"incident_id": i.id, "search_id": search.id}),
            ))
            .await?;
            Ok(())
        })
        .await?;
    store
        .linked_searches(id)
        .await?
        .into_iter()
        .find(|l| l.search_id == r.search_id)
        .map(linked_view)
        .ok_or_else(|| AppError::not_found("search", r.search_id))
}

fn site_of(i: &IncidentRow) -> Site {
    Site {
        facility: i.facility.clone(),
        location_id: i.location_id,
        address: i.address.clone(),
        province: i.province.clone(),
        latitude: i.latitude,
        longitude: i.longitude,
    }
}

pub(crate) fn summary(i: IncidentRow) -> IncidentSummary {
    IncidentSummary {
        site: site_of(&i),
        id: i.id,
        reference: i.reference,
        incident_type: i.incident_type,
        occurred_at: i.occurred_at,
        severity: i.severity,
        status: i.status,
        summary: i.summary,
        crisis_id: i.crisis_id,
        reported_by: i.reported_by,
        reported_at: i.reported_at,
    }
}

/// Whether the principal may see an incident (a site outside any facility is national).
pub(crate) fn sees(who: &Principal, i: &IncidentRow) -> bool {
    who.allows(Action::IncidentRead, i.facility.as_deref())
}

/// Refuses unless the principal may take `action` on the incident; an incident out of
/// sight is not found.
pub(crate) fn authorise(who: &Principal, i: &IncidentRow, action: Action) -> Result<(), AppError> {
    if !sees(who, i) {
        return Err(AppError::not_found("incident", i.id));
    }
    if !who.allows(action, i.facility.as_deref()) {
        return Err(AppError::Forbidden { action });
    }
    Ok(())
}

/// An incident this transaction can see, or not found.
pub(crate) async fn load(
    tx: &mut WriteTx,
    who: &Principal,
    id: i64,
) -> Result<IncidentRow, AppError> {
    tx.incident(id)
        .await?
        .filter(|i| sees(who, i))
        .ok_or_else(|| AppError::not_found("incident", id))
}

/// A validated incident to open (by a report, or by the system for a death).
#[derive(Debug, Clone)]
pub(crate) struct NewIncident {
    pub incident_type: IncidentType,
    pub site: Site,
    pub occurred_at: Timestamp,
    pub severity: Severity,
    pub status: IncidentStatus,
    pub summary: String,
}

/// Opens an incident: its reference number, the first timeline entry, the journal
/// entry, and for a hostage-taking the notification to national operations.
pub(crate) async fn open_incident(
    tx: &mut WriteTx,
    actor: &str,
    n: NewIncident,
    now: Timestamp,
) -> Result<IncidentRow, AppError> {
    let year = n.occurred_at.to_zoned(jiff::tz::TimeZone::UTC).year();
    let prefix = format!("{}-{year}-", n.site.facility.as_deref().unwrap_or("EXT"));
    let sequence = tx.references_with_prefix(&prefix).await? + 1;
    let stamp = canonical(now);
    let mut row = IncidentRow {
        id: 0,
        reference: reference(n.site.facility.as_deref(), year, sequence),
        incident_type: n.incident_type.as_str().to_owned(),
        facility: n.site.facility.clone(),
        location_id: n.site.location_id,
        address: n.site.address.clone(),
        province: n.site.province.clone(),
        latitude: n.site.latitude,
        longitude: n.site.longitude,
        occurred_at: canonical(n.occurred_at),
        severity: n.severity.as_str().to_owned(),
        status: n.status.as_str().to_owned(),
        summary: n.summary.clone(),
        crisis_id: None,
        reported_at: stamp.clone(),
        reported_by: actor.to_owned(),
        updated_at: stamp.clone(),
    };
    row.id = tx.insert_incident(&row).await?;
    tx.insert_timeline(&TimelineRow {
        id: 0,
        incident_id: Some(row.id),
        crisis_id: None,
        kind: "reported".into(),
        entry: n.summary.clone(),
        occurred_at: row.occurred_at.clone(),
        recorded_at: stamp.clone(),
        recorded_by: actor.to_owned(),
    })
    .await?;
    tx.append(new_event(
        INCIDENT_REPORTED,
        n.occurred_at,
        row.facility.as_deref(),
        format!("incident:{}", row.id),
        &serde_json::json!({
            "incident_id": row.id, "reference": row.reference, "type": row.incident_type,
            "site": n.site, "occurred_at": row.occurred_at, "severity": row.severity,
            "status": row.status, "summary": row.summary,
        }),
    ))
    .await?;
    if n.incident_type == IncidentType::HostageTaking {
        let about = About {
            facility: None,
            incident_id: Some(row.id),
            summary: format!("Toma de rehenes: {} ({})", row.reference, row.summary),
            ..About::default()
        };
        notify(
            tx,
            NotificationReason::HostageTaking,
            false,
            &about,
            n.occurred_at,
            now,
        )
        .await?;
    }
    Ok(row)
}

/// Checks a site against the records: the facility exists, the place is in it; a
/// facility's province is taken when none is given.
async fn check_site(tx: &mut WriteTx, site: &mut Site) -> Result<(), AppError> {
    let Some(code) = site.facility.clone() else {
        return Ok(());
    };
    let facility = tx
        .facility(&code)
        .await?
        .ok_or_else(|| AppError::not_found("facility", &code))?;
    if site.province.is_none() {
        site.province = Some(facility.province);
    }
    if let Some(l) = site.location_id {
        let found = tx.location(l).await?;
        if found.is_none_or(|l| l.facility != code) {
            return Err(invalid_field(
                "site.location_id",
                "unknown_location",
                format!("location {l} is not a place of {code}"),
            ));
        }
    }
    Ok(())
}

/// Reports an incident.
pub async fn report(
    store: &Store,
    who: &Principal,
    r: IncidentRequest,
) -> Result<IncidentView, AppError> {
    let mut c = Collector::default();
    r.site.validate(&mut c);
    text::required(&mut c, "summary", &r.summary, 2000);
    c.check(
        r.status
            .is_some_and(|s| !matches!(s, IncidentStatus::Reported | IncidentStatus::Active)),
        "status",
        "invalid_initial_status",
        "an incident is reported as `reported` or `active`",
    );
    c.check(
        r.attachments.len() > 50,
        "attachments",
        "too_many",
        "at most 50 attachments",
    );
    for (i, a) in r.attachments.iter().enumerate() {
        text::required(
            &mut c,
            &format!("attachments[{i}].reference"),
            &a.reference,
            500,
        );
    }
    c.finish()?;
    match r.site.facility.as_deref() {
        Some(f) => who.require(Action::IncidentReport, Some(f))?,
        None if who.allows(Action::IncidentReport, None) => {}
        None => {
            return Err(AppError::Forbidden {
                action: Action::IncidentReport,
            });
        }
    }
    let now = Timestamp::now();
    let occurred_at = past("occurred_at", r.occurred_at, now)?;
    let principal = who.clone();
    let id = store
        .write(&who.actor, async move |tx| {
            let mut site = r.site.clone();
            check_site(tx, &mut site).await?;
            let row = open_incident(
                tx,
                &principal.actor,
                NewIncident {
                    incident_type: r.incident_type,
                    site,
                    occurred_at,
                    severity: r.severity.unwrap_or(r.incident_type.default_severity()),
                    status: r.status.unwrap_or(IncidentStatus::Reported),
                    summary: r.summary.clone(),
                },
                now,
            )
            .await?;
            for a in &r.attachments {
                attach(tx, &principal, &row, a, now).await?;
            }
            Ok::<_, AppError>(row.id)
        })
        .await?;
    incident(store, who, id).await
}

/// One incident with its whole record.
pub async fn incident(store: &Store, who: &Principal, id: i64) -> Result<IncidentView, AppError> {
    let i = store
        .incident(id)
        .await?
        .filter(|i| sees(who, i))
        .ok_or_else(|| AppError::not_found("incident", id))?;
    let now = canonical(Timestamp::now());
    Ok(IncidentView {
        timeline: store
            .incident_timeline(id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        people: store
            .involved(id)
            .await?
            .into_iter()
            .map(|p| InvolvedView {
                id: p.id,
                person_id: p.person_id,
                staff_id: p.staff_id,
                role: p.role,
                note: p.note,
                recorded_at: p.recorded_at,
                recorded_by: p.recorded_by,
            })
            .collect(),
        casualties: store
            .casualties(id)
            .await?
            .into_iter()
            .map(|c| CasualtyView {
                id: c.id,
                person_id: c.person_id,
                staff_id: c.staff_id,
                outcome: c.outcome,
                cause: c.cause,
                description: c.description,
                occurred_at: c.occurred_at,
                recorded_at: c.recorded_at,
                recorded_by: c.recorded_by,
            })
            .collect(),
        attachments: store
            .attachments(id)
            .await?
            .into_iter()
            .map(|a| AttachmentView {
                id: a.id,
                reference: a.reference,
                description: a.description,
                recorded_at: a.recorded_at,
                recorded_by: a.recorded_by,
            })
            .collect(),
        notifications: store
            .notifications_of_incident(id)
            .await?
            .into_iter()
            .filter(|n| super::notify::sees(who, Action::NotificationRead, n.facility.as_deref()))
            .map(|n| notification_view(n, &now))
            .collect(),
        seizures: store
            .linked_searches(id)
            .await?
            .into_iter()
            .filter(|l| who.allows(Action::SearchRead, Some(&l.facility)))
            .map(linked_view)
            .collect(),
        site: site_of(&i),
        id: i.id,
        reference: i.reference,
        incident_type: i.incident_type,
        occurred_at: i.occurred_at,
        severity: i.severity,
        status: i.status,
        summary: i.summary,
        crisis_id: i.crisis_id,
        reported_by: i.reported_by,
        reported_at: i.reported_at,
    })
}

/// Which incidents to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    /// At this facility.
    pub facility: Option<String>,
    /// Of this type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub incident_type: Option<IncidentType>,
    /// In this status.
    pub status: Option<IncidentStatus>,
    /// Happened at or after (RFC 3339).
    pub from: Option<String>,
    /// Happened before (RFC 3339).
    pub to: Option<String>,
    /// At most this many (default 100, at most 1,000).
    pub limit: Option<i64>,
}

fn instant_param(field: &str, v: Option<&str>) -> Result<Option<String>, AppError> {
    v.map(|t| {
        custodia_domain::time::parse(t)
            .map(canonical)
            .map_err(|e| invalid_field(field, "invalid_instant", e.to_string()))
    })
    .transpose()
}

/// Incidents in reach, latest first.
pub async fn incidents(
    store: &Store,
    who: &Principal,
    q: IncidentQuery,
) -> Result<Vec<IncidentSummary>, AppError> {
    let visible = who.require_some(Action::IncidentRead)?;
    if let Some(f) = &q.facility {
        who.require(Action::IncidentRead, Some(f))?;
    }
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let facilities: Vec<Option<String>> = match (&q.facility, &visible) {
        (Some(f), _) => vec![Some(f.clone())],
        (None, FacilityFilter::All) => vec![None],
        (None, FacilityFilter::Only(codes)) => codes.iter().cloned().map(Some).collect(),
    };
    let from = instant_param("from", q.from.as_deref())?;
    let to = instant_param("to", q.to.as_deref())?;
    let mut out = Vec::new();
    for facility in facilities {
        let rows = store
            .incidents(&IncidentFilter {
                facility,
                incident_type: q.incident_type.map(|t| t.as_str().to_owned()),
                status: q.status.map(|s| s.as_str().to_owned()),
                from: from.clone(),
                to: to.clone(),
                limit,
                ..IncidentFilter::default()
            })
            .await?;
        out.extend(rows.into_iter().filter(|i| sees(who, i)).map(summary));
    }
    out.sort_by(|a, b| (&b.occurred_at, b.id).cmp(&(&a.occurred_at, a.id)));
    out.truncate(limit as usize);
    Ok(out)
}

/// A timeline entry to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineRequest {
    /// What happened (at most 4,000 characters).
    pub entry: String,
    /// When it happened, if earlier than now (RFC 3339).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Timestamp>,
}

/// Appends an entry to a timeline (of an incident, or of a crisis when `incident` is
/// `None`) with its journal entry.
// The timeline's fields are all needed and all different; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn append_entry(
    tx: &mut WriteTx,
    actor: &str,
    incident: Option<&IncidentRow>,
    crisis_id: Option<i64>,
    kind: &str,
    entry: &str,
    at: Timestamp,
    now: Timestamp,
) -> Result<TimelineRow, AppError> {
    let mut t = TimelineRow {
        id: 0,
        incident_id: incident.map(|i| i.id),
        crisis_id,
        kind: kind.to_owned(),
        entry: entry.to_owned(),
        occurred_at: canonical(at),
        recorded_at: canonical(now),
        recorded_by: actor.to_owned(),
    };
    t.id = tx.insert_timeline(&t).await?;
    let subject = match (incident, crisis_id) {
        (Some(i), _) => format!("incident:{}", i.id),
        (None, Some(c)) => format!("crisis:{c}"),
        (None, None) => "timeline".to_owned(),
    };
    tx.append(new_event(
        TIMELINE_ENTRY_ADDED,
        at,
        incident.and_then(|i| i.facility.as_deref()),
        subject,
        &serde_json::json!({
            "entry_id": t.id, "incident_id": t.incident_id, "crisis_id": t.crisis_id,
            "kind": t.kind, "entry": t.entry, "occurred_at": t.occurred_at,
        }),
    ))
    .await?;
    Ok(t)
}

/// Adds an entry to an incident's timeline.
pub async fn add_timeline(
    store: &Store,
    who: &Principal,
    id: i64,
    r: TimelineRequest,
) -> Result<TimelineView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "entry", &r.entry, 4000);
    c.finish()?;
    let now = Timestamp::now();
    let at = past("occurred_at", r.occurred_at.unwrap_or(now), now)?;
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let i = load(tx, &who, id).await?;
            authorise(&who, &i, Action::IncidentReport)?;
            let t = append_entry(
                tx,
                &who.actor,
                Some(&i),
                i.crisis_id,
                "note",
                &r.entry,
                at,
                now,
            )
            .await?;
            Ok(t.into())
        })
        .await
}

/// A status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// The new status.
    pub status: IncidentStatus,
    /// Why, or what changed (at most 2,000 characters).
    pub note: Option<String>,
    /// When (RFC 3339); now when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
}

/// Moves an incident to another status (reported → active → contained → closed, and
/// reopened). An incident with staff still held or missing cannot be closed.
pub async fn change_status(
    store: &Store,
    who: &Principal,
    id: i64,
    r: StatusRequest,
) -> Result<IncidentSummary, AppError> {
    let mut c = Collector::default();
    if let Some(n) = &r.note {
        text::optional(&mut c, "note", n, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    let at = past("at", r.at.unwrap_or(now), now)?;
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let mut i = load(tx, &who, id).await?;
            authorise(&who, &i, Action::IncidentManage)?;
            let from = IncidentStatus::parse(&i.status)
                .map_err(|e| super::corrupt("incidents.status", e))?;
            let next = from.to(r.status)?;
            if next == IncidentStatus::Closed
                && let Some(crisis) = i.crisis_id
            {
                let blocking = tx.staff_blocking(crisis, Some(i.id)).await?;
                if !blocking.is_empty() {
                    return Err(AppError::Conflict {
                        code: "staff_held",
                        message: format!(
                            "{} staff member(s) still held or missing at this incident",
                            blocking.len()
                        ),
                    });
                }
            }
            i.status = next.as_str().to_owned();
            i.updated_at = canonical(now);
            tx.update_incident(&i).await?;
            let entry = match &r.note {
                Some(n) => format!("{from} → {next}: {n}"),
                None => format!("{from} → {next}"),
            };
            append_entry(
                tx,
                &who.actor,
                Some(&i),
                i.crisis_id,
                "status",
                &entry,
                at,
                now,
            )
            .await?;
            tx.append(new_event(
                INCIDENT_STATUS_CHANGED,
                at,
                i.facility.as_deref(),
                format!("incident:{id}"),
                &serde_json::json!({"incident_id": id, "from": from, "to": next, "note": r.note}),
            ))
            .await?;
            Ok(summary(i))
        })
        .await
}

/// Someone to record as involved: a person in custody or a staff member, with a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvolvedRequest {
    /// A person in custody (or this, or `staff_id`).
    pub person_id: Option<i64>,
    /// A staff member.
    pub staff_id: Option<i64>,
    /// For persons: `perpetrator`, `victim`, `hostage_taker`, `witness`; for staff:
    /// `hostage`, `negotiator`, `responder`, `first_on_scene`. Injuries and deaths are
    /// recorded as casualties, which add the role.
    pub role: String,
    /// A note (at most 2,000 characters).
    pub note: Option<String>,
}

/// Checks that a staff member exists.
async fn staff_exists(tx: &mut WriteTx, staff_id: i64) -> Result<(), AppError> {
    if tx.staff_member(staff_id).await?.is_none() {
        return Err(invalid_field(
            "staff_id",
            "unknown_staff",
            format!("staff member {staff_id} is not registered"),
        ));
    }
    Ok(())
}

/// Checks that a person is registered and in the principal's sight.
async fn person_in_sight(
    tx: &mut WriteTx,
    who: &Principal,
    person_id: i64,
) -> Result<(), AppError> {
    match tx.person(person_id).await? {
        Some(p) if who.allows(Action::PersonRead, Some(&p.facility)) => Ok(()),
        _ => Err(invalid_field(
            "person_id",
            "unknown_person",
            format!("person {person_id} is not registered in a facility in reach"),
        )),
    }
}

#[allow(clippy::too_many_arguments)]
async fn involve(
    tx: &mut WriteTx,
    actor: &str,
    i: &IncidentRow,
    person_id: Option<i64>,
    staff_id: Option<i64>,
    role: &str,
    note: Option<&str>,
    now: Timestamp,
) -> Result<InvolvedView, AppError> {
    let mut p = InvolvedRow {
        id: 0,
        incident_id: i.id,
        person_id,
        staff_id,
        role: role.to_owned(),
        note: note.map(str::to_owned),
        recorded_at: canonical(now),
        recorded_by: actor.to_owned(),
    };
    p.id = tx.insert_involved(&p).await?;
    tx.append(new_event(
        INCIDENT_PERSON_INVOLVED,
        now,
        i.facility.as_deref(),
        format!("incident:{}", i.id),
        &serde_json::json!({
            "incident_id": i.id, "involved_id": p.id, "person_id": person_id,
            "staff_id": staff_id, "role": role, "note": note,
        }),
    ))
    .await?;
    Ok(InvolvedView {
        id: p.id,
        person_id,
        staff_id,
        role: p.role,
        note: p.note,
        recorded_at: p.recorded_at,
        recorded_by: p.recorded_by,
    })
}

fn one_of(person_id: Option<i64>, staff_id: Option<i64>) -> Result<(), AppError> {
    if person_id.is_some() == staff_id.is_some() {
        return Err(invalid_field(
            "person_id",
            "one_of_person_or_staff",
            "give either person_id or staff_id",
        ));
    }
    Ok(())
}

/// Records a person in custody or a staff member as involved in an incident.
pub async fn add_involved(
    store: &Store,
    who: &Principal,
    id: i64,
    r: InvolvedRequest,
) -> Result<InvolvedView, AppError> {
    one_of(r.person_id, r.staff_id)?;
    let mut c = Collector::default();
    if let Some(n) = &r.note {
        text::optional(&mut c, "note", n, 2000);
    }
    let casualty_roles = ["injured", "deceased"];
    c.check(
        casualty_roles.contains(&r.role.as_str()),
        "role",
        "record_a_casualty",
        "injuries and deaths are recorded as casualties (POST …/casualties)",
    );
    let known = if r.person_id.is_some() {
        PersonRole::parse(&r.role).is_ok()
    } else {
        StaffRole::parse(&r.role).is_ok()
    };
    c.check(
        !known && !casualty_roles.contains(&r.role.as_str()),
        "role",
        "unknown_value",
        if r.person_id.is_some() {
            "a person's role is perpetrator, victim, hostage_taker or witness"
        } else {
            "a staff member's role is hostage, negotiator, responder or first_on_scene"
        },
    );
    c.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let i = load(tx, &who, id).await?;
            authorise(&who, &i, Action::IncidentManage)?;
            match (r.person_id, r.staff_id) {
                (Some(p), _) => person_in_sight(tx, &who, p).await?,
                (_, Some(s)) => staff_exists(tx, s).await?,
                _ => {}
            }
            let entry = match (r.person_id, r.staff_id) {
                (Some(p), _) => format!("persona {p}: {}", r.role),
                (_, s) => format!("servidor {}: {}", s.unwrap_or_default(), r.role),
            };
            append_entry(
                tx,
                &who.actor,
                Some(&i),
                i.crisis_id,
                "person",
                &entry,
                now,
                now,
            )
            .await?;
            involve(
                tx,
                &who.actor,
                &i,
                r.person_id,
                r.staff_id,
                &r.role,
                r.note.as_deref(),
                now,
            )
            .await
        })
        .await
}

/// An injury or death in an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CasualtyRequest {
    /// A person in custody (or this, or `staff_id`).
    pub person_id: Option<i64>,
    /// A staff member.
    pub staff_id: Option<i64>,
    /// `injured`, `seriously_injured` or `deceased`.
    pub outcome: CasualtyOutcome,
    /// When (RFC 3339); required for a death.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub at: Option<Timestamp>,
    /// For a death, the cause category: `natural`, `suicide`, `accident`,
    /// `violence_in_riot`, `other_violence`, `undetermined`.
    pub cause: Option<DeathCause>,
    /// Where (for a death of a person in custody: cell, yard, hospital…).
    pub place: Option<String>,
    /// What is known (at most 4,000 characters).
    pub description: Option<String>,
}

/// Records an injury or a death. The death of a person in custody is recorded once, in
/// population (the episode ends, transfers are cancelled) and here, with the
/// notifications the law requires; a serious injury notifies the judge and the family.
pub async fn record_casualty(
    store: &Store,
    who: &Principal,
    id: i64,
    r: CasualtyRequest,
) -> Result<CasualtyView, AppError> {
    one_of(r.person_id, r.staff_id)?;
    let mut c = Collector::default();
    let dies = r.outcome == CasualtyOutcome::Deceased;
    c.check(
        dies && r.at.is_none(),
        "at",
        "required",
        "a death is recorded with its time",
    );
    c.check(
        dies && r.cause.is_none(),
        "cause",
        "required",
        "a death is recorded with its cause category",
    );
    if let Some(d) = &r.description {
        text::optional(&mut c, "description", d, 4000);
    }
    if let Some(p) = &r.place {
        text::optional(&mut c, "place", p, 500);
    }
    c.finish()?;
    let now = Timestamp::now();
    let at = past("at", r.at.unwrap_or(now), now)?;
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let i = load(tx, &who, id).await?;
            authorise(&who, &i, Action::CasualtyRecord)?;
            if let Some(person_id) = r.person_id {
                person_in_sight(tx, &who, person_id).await?;
                if dies {
                    let death = crate::population::DeathRequest {
                        died_at: at,
                        place: r.place.clone().unwrap_or_else(|| "no registrado".into()),
                        cause: r.cause.unwrap_or(DeathCause::Undetermined),
                        circumstances: r.description.clone(),
                    };
                    crate::population::record_death(
                        tx,
                        &who,
                        person_id,
                        &death,
                        Some(i.clone()),
                        now,
                    )
                    .await?;
                } else {
                    if r.outcome == CasualtyOutcome::SeriouslyInjured {
                        let about = About {
                            facility: i.facility.clone(),
                            person_id: Some(person_id),
                            incident_id: Some(i.id),
                            summary: format!("Lesión grave en {}", i.reference),
                            ..About::default()
                        };
                        notify(
                            tx,
                            NotificationReason::SeriousInjury,
                            false,
                            &about,
                            at,
                            now,
                        )
                        .await?;
                    }
                    involve(
                        tx,
                        &who.actor,
                        &i,
                        Some(person_id),
                        None,
                        "injured",
                        None,
                        now,
                    )
                    .await?;
                }
            } else if let Some(staff_id) = r.staff_id {
                staff_exists(tx, staff_id).await?;
                let role = if dies { "deceased" } else { "injured" };
                involve(tx, &who.actor, &i, None, Some(staff_id), role, None, now).await?;
                if let Some(crisis) = i.crisis_id {
                    let status = if dies {
                        custodia_domain::crisis::StaffStatus::Deceased
                    } else {
                        custodia_domain::crisis::StaffStatus::Injured
                    };
                    super::staff_status::change(
                        tx,
                        &who.actor,
                        crisis,
                        &i,
                        staff_id,
                        status,
                        at,
                        r.description.as_deref(),
                        now,
                    )
                    .await?;
                }
            }
            casualty(tx, &who.actor, &i, &r, at, now).await
        })
        .await
}

/// Stores a casualty with its timeline and journal entries (also used for the death
/// recorded from population).
pub(crate) async fn casualty(
    tx: &mut WriteTx,
    actor: &str,
    i: &IncidentRow,
    r: &CasualtyRequest,
    at: Timestamp,
    now: Timestamp,
) -> Result<CasualtyView, AppError> {
    let mut row = CasualtyRow {
        id: 0,
        incident_id: i.id,
        person_id: r.person_id,
        staff_id: r.staff_id,
        outcome: r.outcome.as_str().to_owned(),
        cause: r.cause.map(|c| c.as_str().to_owned()),
        description: r.description.clone(),
        occurred_at: canonical(at),
        recorded_at: canonical(now),
        recorded_by: actor.to_owned(),
    };
    row.id = tx.insert_casualty(&row).await?;
    let who_text = match (r.person_id, r.staff_id) {
        (Some(p), _) => format!("persona {p}"),
        (_, s) => format!("servidor {}", s.unwrap_or_default()),
    };
    append_entry(
        tx,
        actor,
        Some(i),
        i.crisis_id,
        "casualty",
        &format!("{who_text}: {}", r.outcome),
        at,
        now,
    )
    .await?;
    tx.append(new_event(
        CASUALTY_RECORDED,
        at,
        i.facility.as_deref(),
        format!("incident:{}", i.id),
        &serde_json::json!({
            "incident_id": i.id, "casualty_id": row.id, "person_id": r.person_id,
            "staff_id": r.staff_id, "outcome": r.outcome, "cause": r.cause,
            "description": r.description, "occurred_at": row.occurred_at,
        }),
    ))
    .await?;
    Ok(CasualtyView {
        id: row.id,
        person_id: row.person_id,
        staff_id: row.staff_id,
        outcome: row.outcome,
        cause: row.cause,
        description: row.description,
        occurred_at: row.occurred_at,
        recorded_at: row.recorded_at,
        recorded_by: row.recorded_by,
    })
}

/// Records the involvement of a person who died (for the death recorded in population).
pub(crate) async fn involve_deceased(
    tx: &mut WriteTx,
    actor: &str,
    i: &IncidentRow,
    person_id: i64,
    now: Timestamp,
) -> Result<(), AppError> {
    involve(tx, actor, i, Some(person_id), None, "deceased", None, now).await?;
    Ok(())
}

async fn attach(
    tx: &mut WriteTx,
    who: &Principal,
    i: &IncidentRow,
    a: &AttachmentRequest,
    now: Timestamp,
) -> Result<AttachmentView, AppError> {
    let mut row = AttachmentRow {
        id: 0,
        incident_id: i.id,
        reference: a.reference.clone(),
        description: a.description.clone(),
        recorded_at: canonical(now),
        recorded_by: who.actor.clone(),
    };
    row.id = tx.insert_attachment(&row).await?;
    tx.append(new_event(
        ATTACHMENT_ADDED,
        now,
        i.facility.as_deref(),
        format!("incident:{}", i.id),
        &serde_json::json!({
            "incident_id": i.id, "attachment_id": row.id, "reference": row.reference,
            "description": row.description,
        }),
    ))
    .await?;
    Ok(AttachmentView {
        id: row.id,
        reference: row.reference,
        description: row.description,
        recorded_at: row.recorded_at,
        recorded_by: row.recorded_by,
    })
}

/// References an attachment from an incident.
pub async fn add_attachment(
    store: &Store,
    who: &Principal,
    id: i64,
    r: AttachmentRequest,
) -> Result<AttachmentView, AppError> {
    let mut c = Collector::default();
    text::required(&mut c, "reference", &r.reference, 500);
    if let Some(d) = &r.description {
        text::optional(&mut c, "description", d, 2000);
    }
    c.finish()?;
    let now = Timestamp::now();
    let who = who.clone();
    store
        .write(&who.actor.clone(), async move |tx| {
            let i = load(tx, &who, id).await?;
            authorise(&who, &i, Action::IncidentReport)?;
            attach(tx, &who, &i, &r, now).await
        })
        .await
}
