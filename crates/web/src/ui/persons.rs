//! Finding persons (results as one types, accent- and typo-tolerant like the API) and
//! reading a person's file. The reason for reading is asked once per session and every
//! read is journaled with it; gang and keep-apart sections appear only for intelligence
//! roles, health notes only for health roles (the use cases decide both).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

use custodia_app::AppError;
use custodia_domain::access::Action;

use super::format;
use super::page::{Chrome, app_error, render};
use super::session::Viewer;
use crate::AppState;

/// The search box's query.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// One person found.
struct Hit {
    id: i64,
    name: String,
    registry: String,
    aliases: String,
    born: String,
    facility: String,
    in_custody: bool,
}

/// The results of a search, also the partial htmx swaps in.
#[derive(Template)]
#[template(path = "partials/person_results.html")]
struct Results {
    c: Chrome,
    q: String,
    hits: Vec<Hit>,
    more: bool,
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "persons.html")]
struct SearchPage {
    c: Chrome,
    r: Results,
}

/// How many results one search shows.
const RESULTS: i64 = 25;

async fn results(s: &AppState, v: &Viewer, q: &str) -> Result<Results, AppError> {
    let t = v.t();
    let mut r = Results {
        c: Chrome::viewer(v, "/persons", t.s("persons-title")),
        q: q.to_owned(),
        hits: Vec::new(),
        more: false,
        problem: None,
    };
    if q.trim().chars().count() < 2 {
        return Ok(r);
    }
    match custodia_app::persons::search(&s.store, &v.live.principal, q.trim(), 0, RESULTS).await {
        Ok(page) => {
            r.more = page.next_offset.is_some();
            r.hits = page
                .items
                .into_iter()
                .map(|f| Hit {
                    id: f.id,
                    name: f.full_name,
                    registry: f.registry_number,
                    aliases: f.aliases.join(", "),
                    born: format::date_text(v.lang, &f.date_of_birth),
                    facility: f.facility,
                    in_custody: f.in_custody,
                })
                .collect();
        }
        Err(AppError::Invalid(invalid)) => {
            r.problem = invalid.0.first().map(|f| t.error(&f.code, &f.message));
        }
        Err(e) => return Err(e),
    }
    Ok(r)
}

/// `GET /persons?q=`: the search page.
pub async fn search(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<SearchQuery>,
) -> Response {
    match results(&s, &v, &q.q).await {
        Ok(r) => render(&SearchPage {
            c: Chrome::viewer(&v, "/persons", v.t().s("persons-title")),
            r,
        }),
        Err(e) => app_error(&v, e),
    }
}

/// `GET /persons/results?q=`: the results alone, as one types.
pub async fn search_results(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<SearchQuery>,
) -> Response {
    match results(&s, &v, &q.q).await {
        Ok(r) => render(&r),
        Err(e) => app_error(&v, e),
    }
}

/// The cookie keeping the reason given for reading files, for this browser session.
const REASON_COOKIE: &str = "custodia_read_reason";

/// The reason for reading given earlier in this session, if any.
pub fn reason_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == REASON_COOKIE)
        .map(|(_, value)| percent_decode(value))
        .filter(|r| !r.trim().is_empty())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `?reason=` when the viewer gives (or changes) the reason for reading.
#[derive(Deserialize, Default)]
pub struct FileQuery {
    reason: Option<String>,
    change_reason: Option<String>,
}

#[derive(Template)]
#[template(path = "person_reason.html")]
struct ReasonPage {
    c: Chrome,
    id: i64,
    problem: Option<String>,
}

/// A labelled value of the file.
struct Field {
    label: String,
    value: String,
}

/// A court document, as listed.
struct DocLine {
    kind: String,
    case_number: String,
    court: String,
    issued: String,
    detail: String,
}

/// A custody episode, as listed.
struct EpisodeLine {
    facility: String,
    admitted: String,
    released: Option<String>,
    status: String,
    pretrial_expiry: Option<String>,
    release_date: Option<String>,
    days_left: Option<i64>,
    overdue: bool,
    documents: Vec<DocLine>,
    health_notes: Option<String>,
}

/// A line of a history (movements, corrections, intelligence).
struct HistoryLine {
    when: String,
    what: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "person.html")]
struct FilePage {
    c: Chrome,
    id: i64,
    name: String,
    registry: String,
    reason: String,
    in_custody: bool,
    facility: String,
    place: Option<String>,
    identity: Vec<Field>,
    episodes: Vec<EpisodeLine>,
    movements: Vec<HistoryLine>,
    corrections: Vec<HistoryLine>,
    affiliations: Option<Vec<HistoryLine>>,
    keep_apart: Option<Vec<HistoryLine>>,
}

/// The page that asks why the viewer opens a person's file.
pub fn reason_page(v: &Viewer, id: i64, problem: Option<String>) -> Response {
    render(&ReasonPage {
        c: Chrome::viewer(v, "/persons", v.t().s("person-reason-title")),
        id,
        problem,
    })
}

/// `GET /persons/{id}`: the file, once the reason for reading is known.
pub async fn file(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
    headers: HeaderMap,
) -> Response {
    if q.change_reason.is_some() {
        return reason_page(&v, id, None);
    }
    let given = q.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if q.reason.is_some() && given.is_none() {
        return reason_page(&v, id, Some(v.t().s("person-reason-required")));
    }
    let Some(reason) = given.map(str::to_owned).or_else(|| reason_cookie(&headers)) else {
        return reason_page(&v, id, None);
    };
    let page = match file_page(&s, &v, id, &reason).await {
        Ok(p) => p,
        Err(AppError::Invalid(invalid)) => {
            let t = v.t();
            let problem = invalid.0.first().map(|f| t.error(&f.code, &f.message));
            return reason_page(&v, id, problem);
        }
        Err(e) => return app_error(&v, e),
    };
    let response = render(&page);
    if given.is_some() {
        return with_reason_cookie(response, &reason, s.options.secure_cookies);
    }
    response
}

/// Remembers the reason for reading persons' files for the rest of the session, so that
/// it is asked once (each read is still journaled with it).
pub fn with_reason_cookie(mut response: Response, reason: &str, secure: bool) -> Response {
    let value = super::session::urlencode(reason);
    let secure = if secure { "; Secure" } else { "" };
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{REASON_COOKIE}={value}; Path=/persons; HttpOnly; SameSite=Strict{secure}"
    )) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

async fn file_page(s: &AppState, v: &Viewer, id: i64, reason: &str) -> Result<FilePage, AppError> {
    let (who, lang, t) = (&v.live.principal, v.lang, v.t());
    let f = custodia_app::persons::file(&s.store, who, id, Some(reason)).await?;
    let zone = match custodia_app::facilities::basic(&s.store, who, &f.facility).await {
        Ok(fac) => fac.timezone,
        Err(_) => format::DEFAULT_ZONE.to_owned(),
    };
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get(&zone).unwrap_or(jiff::tz::TimeZone::UTC))
        .date();
    let place = match f.current_location_id {
        Some(loc) => custodia_app::locations::get(&s.store, who, loc)
            .await
            .ok()
            .map(|l| format!("{} · {}", l.location.code, l.location.name)),
        None => None,
    };
    let idn = &f.identity;
    let mut identity = vec![
        Field {
            label: t.s("person-given-names"),
            value: idn.given_names.clone(),
        },
        Field {
            label: t.s("person-surnames"),
            value: format!(
                "{} {}",
                idn.first_surname,
                idn.second_surname.clone().unwrap_or_default()
            )
            .trim()
            .to_owned(),
        },
        Field {
            label: t.s("person-born"),
            value: format::date(lang, idn.date_of_birth),
        },
        Field {
            label: t.s("person-sex"),
            value: t.e("sex", idn.sex.as_str()),
        },
        Field {
            label: t.s("person-nationality"),
            value: idn.nationality.clone(),
        },
    ];
    if let Some(d) = &idn.document {
        identity.push(Field {
            label: t.s("person-document"),
            value: format!("{} {}", t.e("document-kind", d.kind.as_str()), d.number),
        });
    }
    if !idn.aliases.is_empty() {
        identity.push(Field {
            label: t.s("person-aliases"),
            value: idn.aliases.join(", "),
        });
    }
    let episodes = f
        .episodes
        .iter()
        .rev()
        .map(|e| {
            let st = &e.legal_state;
            let limit = if e.released_at.is_none() {
                st.pretrial_expiry.or(st.release_date)
            } else {
                None
            };
            let days_left = limit.map(|d| (d - today).get_days() as i64);
            EpisodeLine {
                facility: e.facility.clone(),
                admitted: format::instant_text(lang, &e.admitted_at, &zone),
                released: e
                    .released_at
                    .as_deref()
                    .map(|r| format::instant_text(lang, r, &zone)),
                status: t.e("legal-status", st.status.as_str()),
                pretrial_expiry: st.pretrial_expiry.map(|d| format::date(lang, d)),
                release_date: st.release_date.map(|d| format::date(lang, d)),
                days_left,
                overdue: days_left.is_some_and(|d| d < 0),
                documents: e
                    .documents
                    .iter()
                    .map(|d| DocLine {
                        kind: t.e("legal-document", d.document.kind.as_str()),
                        case_number: d.document.case_number.clone(),
                        court: d.document.court.clone(),
                        issued: format::date(lang, d.document.issued_on),
                        detail: d
                            .document
                            .offences
                            .iter()
                            .map(|o| o.description.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    })
                    .collect(),
                health_notes: e.record.health_screening.notes.clone(),
            }
        })
        .collect();
    let movements = custodia_app::population::movements(&s.store, who, id)
        .await?
        .into_iter()
        .rev()
        .map(|m| HistoryLine {
            when: format::instant_text(lang, &m.occurred_at, &zone),
            what: t.e("movement", &m.kind),
            detail: format!(
                "{} · {}{}",
                m.facility,
                t.e("presence", &m.presence),
                m.reason.map(|r| format!(" · {r}")).unwrap_or_default()
            ),
        })
        .collect();
    let corrections = f
        .corrections
        .iter()
        .rev()
        .map(|c| HistoryLine {
            when: format::instant_text(lang, &c.corrected_at, &zone),
            what: c.field.clone(),
            detail: format!("{} → {} · {}", c.old_value, c.new_value, c.reason),
        })
        .collect();
    let (affiliations, keep_apart) = if who.allows(Action::IntelligenceRead, Some(&f.facility)) {
        let affiliations = custodia_app::population::affiliations(&s.store, who, id)
            .await?
            .into_iter()
            .map(|a| HistoryLine {
                when: a
                    .since
                    .as_deref()
                    .map(|d| format::date_text(lang, d))
                    .unwrap_or_default(),
                what: a.group_name,
                detail: format!(
                    "{} · {} · {}",
                    t.e("group-role", &a.role),
                    t.e("confidence", &a.confidence),
                    a.source
                ),
            })
            .collect();
        let rules = custodia_app::population::keep_apart_list(&s.store, who, Some(id), 0, 200)
            .await?
            .into_iter()
            .map(|r| HistoryLine {
                when: format::date_text(lang, &r.from),
                what: t.e("keep-apart-reason", r.reason.as_str()),
                detail: format!(
                    "{} · {} · {}",
                    t.e("keep-apart-scope", r.scope.as_str()),
                    if r.a == id { r.b } else { r.a },
                    r.authorized_by
                ),
            })
            .collect();
        (Some(affiliations), Some(rules))
    } else {
        (None, None)
    };
    Ok(FilePage {
        c: Chrome::viewer(v, "/persons", f.full_name.clone()),
        id,
        name: f.full_name.clone(),
        registry: f.registry_number.clone(),
        reason: reason.to_owned(),
        in_custody: f.in_custody,
        facility: f.facility.clone(),
        place,
        identity,
        episodes,
        movements,
        corrections,
        affiliations,
        keep_apart,
    })
}
