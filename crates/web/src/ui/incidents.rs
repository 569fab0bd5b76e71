//! Incidents: the list, the report form, one incident with its timeline, people,
//! casualties and notifications (with a timeline entry and a status change), and the
//! notifications the law requires, due and overdue, each marked done with how and whom.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use custodia_app::AppError;
use custodia_app::incidents::{
    IncidentQuery, IncidentRequest, NotificationDone, NotificationQuery, StatusRequest,
    TimelineRequest,
};
use custodia_domain::access::Action;
use custodia_domain::incident::{IncidentStatus, IncidentType, Severity, Site};
use custodia_domain::notification::NotificationStatus;

use super::format;
use super::forms::{Fields, FormErrors, Posted, Reading, local_input};
use super::page::{Chrome, app_error, redisplay, render};
use super::session::Viewer;
use crate::AppState;

/// An incident, as listed.
struct IncidentLine {
    id: i64,
    reference: String,
    kind: String,
    facility: String,
    when: String,
    severity: String,
    severity_code: String,
    status: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    c: Chrome,
    incidents: Vec<IncidentLine>,
    status: String,
    statuses: Vec<(&'static str, String)>,
    may_report: bool,
}

#[derive(Template)]
#[template(path = "incident_new.html")]
struct ReportPage {
    c: Chrome,
    f: Fields,
    errors: FormErrors,
    facilities: Vec<(String, String)>,
    kinds: Vec<(&'static str, String)>,
    severities: Vec<(&'static str, String)>,
}

/// A line of an incident's timeline, people or notifications.
struct Entry {
    when: String,
    what: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    c: Chrome,
    id: i64,
    facility: String,
    when: String,
    severity: String,
    status: String,
    summary: String,
    crisis_id: Option<i64>,
    timeline: Vec<Entry>,
    people: Vec<Entry>,
    casualties: Vec<Entry>,
    notifications: Vec<Entry>,
    may_manage: bool,
    statuses: Vec<(&'static str, String)>,
    f: Fields,
    errors: FormErrors,
}

/// `?status=`.
#[derive(Deserialize)]
pub struct Filter {
    status: Option<String>,
}

/// `GET /incidents`.
pub async fn list(State(s): State<AppState>, v: Viewer, Query(q): Query<Filter>) -> Response {
    let (who, t, lang) = (&v.live.principal, v.t(), v.lang);
    let status = q
        .status
        .as_deref()
        .and_then(|x| IncidentStatus::parse(x).ok());
    let query = IncidentQuery {
        facility: None,
        incident_type: None,
        status,
        from: None,
        to: None,
        limit: Some(200),
    };
    let found = match custodia_app::incidents::incidents(&s.store, who, query).await {
        Ok(found) => found,
        Err(e) => return app_error(&v, e),
    };
    render(&IncidentsPage {
        c: Chrome::viewer(&v, "/incidents", t.s("incidents-title")),
        incidents: found
            .into_iter()
            .map(|i| IncidentLine {
                id: i.id,
                kind: t.e("incident-type", &i.incident_type),
                facility: i
                    .site
                    .facility
                    .clone()
                    .or(i.site.address.clone())
                    .unwrap_or_default(),
                when: format::instant_text(lang, &i.occurred_at, format::DEFAULT_ZONE),
                severity: t.e("severity", &i.severity),
                status: t.e("incident-status", &i.status),
                severity_code: i.severity,
                reference: i.reference,
                summary: i.summary,
            })
            .collect(),
        status: status.map(|x| x.as_str().to_owned()).unwrap_or_default(),
        statuses: IncidentStatus::ALL
            .iter()
            .map(|x| (x.as_str(), t.e("incident-status", x.as_str())))
            .collect(),
        may_report: who.require_some(Action::IncidentReport).is_ok(),
    })
}

async fn report_page(
    s: &AppState,
    v: &Viewer,
    mut f: Fields,
    errors: FormErrors,
) -> Result<ReportPage, AppError> {
    let (who, t) = (&v.live.principal, v.t());
    let facilities = custodia_app::facilities::choices(&s.store, who, Action::IncidentReport)
        .await?
        .into_iter()
        .map(|fc| (fc.code, fc.name))
        .collect();
    if f.opt("occurred_at").is_none() {
        f.set(
            "occurred_at",
            local_input(jiff::Timestamp::now(), format::DEFAULT_ZONE),
        );
    }
    Ok(ReportPage {
        c: Chrome::viewer(v, "/incidents", t.s("incident-report-title")),
        f,
        errors,
        facilities,
        kinds: IncidentType::ALL
            .iter()
            .map(|k| (k.as_str(), t.e("incident-type", k.as_str())))
            .collect(),
        severities: Severity::ALL
            .iter()
            .map(|k| (k.as_str(), t.e("severity", k.as_str())))
            .collect(),
    })
}

/// `GET /incidents/new`.
pub async fn new(State(s): State<AppState>, v: Viewer) -> Response {
    match report_page(&s, &v, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// `POST /incidents`.
pub async fn report(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let mut r = Reading::default();
    let occurred_at = r.instant(&f, "occurred_at", format::DEFAULT_ZONE);
    let kind = IncidentType::parse(f.v("incident_type"));
    if kind.is_err() {
        r.problem("incident_type", "required", "required");
    }
    let severity = f.opt("severity").and_then(|x| Severity::parse(x).ok());
    let outcome = match (r.finish(), occurred_at, kind) {
        (Ok(()), Some(occurred_at), Ok(incident_type)) => {
            custodia_app::incidents::report(
                &s.store,
                &v.live.principal,
                IncidentRequest {
                    incident_type,
                    site: Site {
                        facility: f.opt("facility").map(str::to_owned),
                        location_id: None,
                        address: f.opt("address").map(str::to_owned),
                        province: f.opt("province").map(str::to_owned),
                        latitude: None,
                        longitude: None,
                    },
                    occurred_at,
                    severity,
                    summary: f.v("summary").to_owned(),
                    status: None,
                    attachments: Vec::new(),
                },
            )
            .await
        }
        (Err(e), _, _) => Err(e),
        _ => Err(AppError::not_found("incident_type", "")),
    };
    match outcome {
        Ok(i) => Redirect::to(&format!("/incidents/{}", i.id)).into_response(),
        Err(e) => redisplay(&v, e, |errors| report_page(&s, &v, f, errors)).await,
    }
}

async fn incident_page(
    s: &AppState,
    v: &Viewer,
    id: i64,
    f: Fields,
    errors: FormErrors,
) -> Result<IncidentPage, AppError> {
    let (who, t, lang) = (&v.live.principal, v.t(), v.lang);
    let i = custodia_app::incidents::incident(&s.store, who, id).await?;
    let when = |x: &str| format::instant_text(lang, x, format::DEFAULT_ZONE);
    let person_or_staff = |person: Option<i64>, staff: Option<i64>| match (person, staff) {
        (Some(p), _) => t.n("facility-person", p),
        (None, Some(st)) => t.n("incident-staff-member", st),
        (None, None) => String::new(),
    };
    let facility = i
        .site
        .facility
        .clone()
        .or(i.site.address.clone())
        .unwrap_or_default();
    Ok(IncidentPage {
        c: Chrome::viewer(
            v,
            "/incidents",
            format!(
                "{} · {}",
                i.reference,
                t.e("incident-type", &i.incident_type)
            ),
        ),
        id,
        may_manage: i
            .site
            .facility
            .as_deref()
            .map_or(who.allows(Action::IncidentManage, None), |fc| {
                who.allows(Action::IncidentManage, Some(fc))
            }),
        timeline: i
            .timeline
            .iter()
            .map(|e| Entry {
                when: when(&e.occurred_at),
                what: t.e("timeline-kind", &e.kind),
                detail: format!("{} · {}", e.entry, e.recorded_by),
            })
            .collect(),
        people: i
            .people
            .iter()
            .map(|p| Entry {
                when: when(&p.recorded_at),
                what: person_or_staff(p.person_id, p.staff_id),
                detail: format!(
                    "{}{}",
                    t.e("involvement", &p.role),
                    p.note
                        .as_deref()
                        .map(|n| format!(" · {n}"))
                        .unwrap_or_default()
                ),
            })
            .collect(),
        casualties: i
            .casualties
            .iter()
            .map(|x| Entry {
                when: when(&x.occurred_at),
                what: person_or_staff(x.person_id, x.staff_id),
                detail: format!(
                    "{}{}",
                    t.e("casualty", &x.outcome),
                    x.cause
                        .as_deref()
                        .map(|c| format!(" · {c}"))
                        .unwrap_or_default()
                ),
            })
            .collect(),
        notifications: i
            .notifications
            .iter()
            .map(|n| Entry {
                when: when(&n.due_at),
                what: n.recipient.clone(),
                detail: format!("{} · {}", n.summary, t.e("notification-status", &n.status)),
            })
            .collect(),
        facility,
        when: when(&i.occurred_at),
        severity: t.e("severity", &i.severity),
        status: t.e("incident-status", &i.status),
        summary: i.summary,
        crisis_id: i.crisis_id,
        statuses: IncidentStatus::ALL
            .iter()
            .map(|x| (x.as_str(), t.e("incident-status", x.as_str())))
            .collect(),
        f,
        errors,
    })
}

/// `GET /incidents/{id}`.
pub async fn show(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    match incident_page(&s, &v, id, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// `POST /incidents/{id}/timeline` and `/status`: a timeline entry or a status change.
pub async fn update(
    State(s): State<AppState>,
    Path((id, what)): Path<(i64, String)>,
    Posted { v, f }: Posted,
) -> Response {
    let who = &v.live.principal;
    let mut r = Reading::default();
    let at = r.opt_instant(&f, "at", format::DEFAULT_ZONE);
    let outcome = match (r.finish(), what.as_str()) {
        (Err(e), _) => Err(e),
        (Ok(()), "timeline") => custodia_app::incidents::add_timeline(
            &s.store,
            who,
            id,
            TimelineRequest {
                entry: f.v("entry").to_owned(),
                occurred_at: at,
            },
        )
        .await
        .map(|_| ()),
        (Ok(()), "status") => match IncidentStatus::parse(f.v("status")) {
            Ok(status) => custodia_app::incidents::change_status(
                &s.store,
                who,
                id,
                StatusRequest {
                    status,
                    note: f.opt("note").map(str::to_owned),
                    at,
                },
            )
            .await
            .map(|_| ()),
            Err(_) => {
                let mut r = Reading::default();
                r.problem("status", "required", "required");
                r.finish()
            }
        },
        (Ok(()), _) => Err(AppError::not_found("page", &what)),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/incidents/{id}")).into_response(),
        Err(e) => redisplay(&v, e, |errors| incident_page(&s, &v, id, f, errors)).await,
    }
}

/// A notification, as listed.
struct NotificationLine {
    id: i64,
    recipient: String,
    summary: String,
    due: String,
    overdue: bool,
    pending: bool,
    facility: String,
    done: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    c: Chrome,
    notifications: Vec<NotificationLine>,
    may_complete: bool,
    errors: FormErrors,
}

async fn notifications_page(
    s: &AppState,
    v: &Viewer,
    errors: FormErrors,
) -> Result<NotificationsPage, AppError> {
    let (who, t, lang) = (&v.live.principal, v.t(), v.lang);
    let q = NotificationQuery {
        status: Some(NotificationStatus::Pending),
        due_before: None,
        facility: None,
        limit: Some(500),
    };
    let list = custodia_app::incidents::notifications(&s.store, who, q).await?;
    Ok(NotificationsPage {
        c: Chrome::viewer(v, "/notifications", t.s("notifications-title")),
        notifications: list
            .into_iter()
            .map(|n| NotificationLine {
                id: n.id,
                summary: n.summary,
                due: format::instant_text(lang, &n.due_at, format::DEFAULT_ZONE),
                overdue: n.overdue,
                pending: n.status == "pending",
                facility: n.facility.unwrap_or_default(),
                done: n
                    .done_at
                    .as_deref()
                    .map(|d| format::instant_text(lang, d, format::DEFAULT_ZONE))
                    .unwrap_or_default(),
                recipient: n.recipient,
            })
            .collect(),
        may_complete: who.require_some(Action::NotificationComplete).is_ok(),
        errors,
    })
}

/// `GET /notifications`: what is due, overdue first.
pub async fn notifications(State(s): State<AppState>, v: Viewer) -> Response {
    match notifications_page(&s, &v, FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// `POST /notifications/{id}/done`.
pub async fn notification_done(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    Posted { v, f }: Posted,
) -> Response {
    let done = NotificationDone {
        channel: f.v("channel").to_owned(),
        notified: f.v("notified").to_owned(),
        at: None,
        note: f.opt("note").map(str::to_owned),
    };
    match custodia_app::incidents::complete(&s.store, &v.live.principal, id, done).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => redisplay(&v, e, |errors| notifications_page(&s, &v, errors)).await,
    }
}
