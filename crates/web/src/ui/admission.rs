//! The admission wizard: the receiving facility and the person's identity (checked as
//! the officer types: cédula check digit, the adolescent rule with the centres that can
//! hold them, possible duplicates to link or confirm), the court order, the arrest and
//! the Rule 7 record. It posts through the same use case as `POST /api/v1/admissions`
//! and then opens the placement form.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value, json};

use custodia_app::AppError;
use custodia_app::persons::{Candidate, Findings, Precheck};
use custodia_domain::access::Action;
use custodia_domain::admission::{AdmissionRequest, Relationship, ScreeningStatus};
use custodia_domain::custody::LegalDocumentKind;
use custodia_domain::person::{Document, DocumentKind, Sex};

use super::forms::{Fields, FormErrors, Posted, Reading, local_input};
use super::i18n::Tr;
use super::page::{Chrome, app_error, render, render_with};
use super::persons::with_reason_cookie;
use super::session::Viewer;
use crate::AppState;

/// A facility the viewer may admit to.
pub struct FacilityChoice {
    code: String,
    name: String,
    timezone: String,
}

/// A possible duplicate, as offered.
pub struct CandidateLine {
    id: i64,
    registry: String,
    name: String,
    born: String,
    why: String,
    where_: String,
}

/// What the inline checks show.
#[derive(Template)]
#[template(path = "partials/admission_checks.html")]
pub struct Checks {
    t: Tr,
    fields: Fields,
    cedula_ok: bool,
    cedula_problem: Option<String>,
    wrong_age: Option<String>,
    suggestions: Vec<(String, String)>,
    candidates: Vec<CandidateLine>,
}

#[derive(Template)]
#[template(path = "admission.html")]
struct AdmissionPage {
    c: Chrome,
    f: Fields,
    errors: FormErrors,
    facilities: Vec<FacilityChoice>,
    checks: Checks,
    sexes: Vec<(&'static str, String)>,
    document_kinds: Vec<(&'static str, String)>,
    order_kinds: Vec<(&'static str, String)>,
    screening: Vec<(&'static str, String)>,
    /// Security levels, when the viewer may classify on arrival.
    classifications: Option<Vec<(&'static str, String)>>,
}

/// Options of a vocabulary, each with its label.
fn options(
    values: impl Iterator<Item = &'static str>,
    label: impl Fn(&str) -> String,
) -> Vec<(&'static str, String)> {
    values.map(|v| (v, label(v))).collect()
}

async fn facilities(s: &AppState, v: &Viewer) -> Result<Vec<FacilityChoice>, AppError> {
    let who = &v.live.principal;
    Ok(
        custodia_app::facilities::choices(&s.store, who, Action::PersonAdmit)
            .await?
            .into_iter()
            .map(|f| FacilityChoice {
                code: f.code,
                name: f.name,
                timezone: f.timezone,
            })
            .collect(),
    )
}

fn checks(t: Tr, fields: Fields, found: Findings) -> Checks {
    let lang = t.lang;
    let (wrong_age, suggestions) = match found.wrong_age {
        Some(w) => (
            Some(t.e("admission-wrong-age", w.group.as_str())),
            w.suggestions
                .into_iter()
                .map(|s| (s.code, s.name))
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    Checks {
        t,
        fields,
        cedula_ok: found.cedula_ok,
        cedula_problem: found.cedula_problem.map(|code| t.error(code, code)),
        wrong_age,
        suggestions,
        candidates: candidate_lines(t, lang, found.candidates),
    }
}

fn candidate_lines(t: Tr, lang: super::i18n::Lang, found: Vec<Candidate>) -> Vec<CandidateLine> {
    found
        .into_iter()
        .map(|c| CandidateLine {
            id: c.person_id,
            registry: c.registry_number,
            name: c.full_name,
            born: super::format::date_text(lang, &c.date_of_birth),
            why: t.e("admission-duplicate", c.reason.as_str()),
            where_: if c.in_custody {
                t.x("admission-duplicate-held", &c.facility)
            } else {
                t.s("admission-duplicate-free")
            },
        })
        .collect()
}

async fn page(
    s: &AppState,
    v: &Viewer,
    f: Fields,
    errors: FormErrors,
    found: Findings,
) -> Result<AdmissionPage, AppError> {
    let t = v.t();
    let mut f = f;
    let facilities = facilities(s, v).await?;
    if f.opt("facility").is_none()
        && let Some(first) = facilities.first()
    {
        f.set("facility", first.code.clone());
    }
    let zone = zone_of(&facilities, f.v("facility"));
    for name in ["admitted_at", "arrest.at"] {
        if f.opt(name).is_none() {
            f.set(name, local_input(jiff::Timestamp::now(), &zone));
        }
    }
    if f.opt("person.nationality").is_none() {
        f.set("person.nationality", "EC");
    }
    if f.opt("rights.language").is_none() {
        f.set("rights.language", t.lang.code());
    }
    Ok(AdmissionPage {
        c: Chrome::viewer(v, "/admissions/new", t.s("admission-title")),
        checks: checks(t, f.clone(), found),
        f,
        errors,
        facilities,
        sexes: options(Sex::ALL.iter().map(|s| s.as_str()), |v| t.e("sex", v)),
        document_kinds: options(DocumentKind::ALL.iter().map(|k| k.as_str()), |v| {
            t.e("document-kind", v)
        }),
        order_kinds: options(
            LegalDocumentKind::ALL
                .iter()
                .filter(|k| **k != LegalDocumentKind::Suspension)
                .map(|k| k.as_str()),
            |v| t.e("legal-document", v),
        ),
        screening: options(ScreeningStatus::ALL.iter().map(|k| k.as_str()), |v| {
            t.e("screening", v)
        }),
        classifications: v
            .live
            .principal
            .require_some(Action::ClassificationWrite)
            .is_ok()
            .then(|| {
                options(
                    custodia_domain::facility::SecurityLevel::ALL
                        .iter()
                        .map(|l| l.as_str()),
                    |v| t.e("security-level", v),
                )
            }),
    })
}

fn zone_of(facilities: &[FacilityChoice], code: &str) -> String {
    facilities
        .iter()
        .find(|f| f.code == code)
        .map(|f| f.timezone.clone())
        .unwrap_or_else(|| super::format::DEFAULT_ZONE.to_owned())
}

/// `GET /admissions/new`.
pub async fn new(State(s): State<AppState>, v: Viewer) -> Response {
    match page(
        &s,
        &v,
        Fields::default(),
        FormErrors::none(),
        Findings::default(),
    )
    .await
    {
        Ok(p) if p.facilities.is_empty() => app_error(
            &v,
            AppError::Forbidden {
                action: Action::PersonAdmit,
            },
        ),
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// The document typed so far, if any.
fn document(f: &Fields) -> Option<Document> {
    let number = f.opt("person.document.number")?;
    let kind = DocumentKind::parse(f.v("person.document.kind")).unwrap_or(DocumentKind::Cedula);
    Some(Document {
        kind,
        number: number.to_owned(),
        issuing_country: f.opt("person.document.issuing_country").map(str::to_owned),
    })
}

/// `POST /admissions/check`: the inline checks, as the officer types (an htmx partial).
pub async fn check(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let t = v.t();
    let zone = match facilities(&s, &v).await {
        Ok(all) => zone_of(&all, f.v("facility")),
        Err(e) => return app_error(&v, e),
    };
    let mut reading = Reading::default();
    let pre = Precheck {
        facility: f.v("facility").to_owned(),
        admitted_at: reading.opt_instant(&f, "admitted_at", &zone),
        given_names: f.v("person.given_names").to_owned(),
        first_surname: f.v("person.first_surname").to_owned(),
        second_surname: f.opt("person.second_surname").map(str::to_owned),
        date_of_birth: reading.opt_date(&f, "person.date_of_birth"),
        document: document(&f),
    };
    match custodia_app::persons::precheck(&s.store, &v.live.principal, pre).await {
        Ok(found) => render(&checks(t, f, found)),
        Err(e) => app_error(&v, e),
    }
}

/// Lines of a text area, without the empty ones.
fn lines(f: &Fields, name: &str) -> Vec<Value> {
    f.v(name)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Value::String(l.to_owned()))
        .collect()
}

fn text_or_null(f: &Fields, name: &str) -> Value {
    f.opt(name)
        .map_or(Value::Null, |v| Value::String(v.to_owned()))
}

/// Property lines: `2 x description` or just a description (one item).
fn property_items(f: &Fields) -> Vec<Value> {
    f.v("property.items")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (quantity, description) = l
                .split_once(['x', 'X', '×'])
                .and_then(|(n, d)| n.trim().parse::<i64>().ok().map(|n| (n, d.trim())))
                .unwrap_or((1, l));
            json!({"description": description, "quantity": quantity})
        })
        .collect()
}

/// The admission request the form describes, or the fields it could not read.
fn request(f: &Fields, zone: &str) -> Result<AdmissionRequest, AppError> {
    let mut r = Reading::default();
    let born = r.date(f, "person.date_of_birth");
    let admitted_at = r.instant(f, "admitted_at", zone);
    let arrested_at = r.instant(f, "arrest.at", zone);
    let issued_on = r.date(f, "legal_basis.issued_on");
    let carried_out_on = r.opt_date(f, "legal_basis.carried_out_on");
    let start_on = r.opt_date(f, "legal_basis.start_on");
    let years = r.opt_int(f, "legal_basis.sentence.years");
    let months = r.opt_int(f, "legal_basis.sentence.months");
    let days = r.opt_int(f, "legal_basis.sentence.days");
    let max_years = r.opt_int(f, "legal_basis.offences.0.max_penalty.years");
    if Sex::parse(f.v("person.sex")).is_err() {
        r.problem("person.sex", "required", "required");
    }
    let kind = LegalDocumentKind::parse(f.v("legal_basis.kind"));
    if kind.is_err() {
        r.problem("legal_basis.kind", "required", "required");
    }
    if ScreeningStatus::parse(f.v("health_screening.status")).is_err() {
        r.problem("health_screening.status", "required", "required");
    }
    r.finish()?;
    let mut person = Map::new();
    person.insert("given_names".into(), f.v("person.given_names").into());
    person.insert("first_surname".into(), f.v("person.first_surname").into());
    person.insert(
        "second_surname".into(),
        text_or_null(f, "person.second_surname"),
    );
    person.insert("date_of_birth".into(), json!(born));
    person.insert("sex".into(), f.v("person.sex").into());
    person.insert("nationality".into(), f.v("person.nationality").into());
    person.insert("aliases".into(), Value::Array(lines(f, "person.aliases")));
    if let Some(d) = document(f) {
        person.insert("document".into(), json!(d));
    }
    let mut basis = Map::new();
    basis.insert("kind".into(), f.v("legal_basis.kind").into());
    basis.insert("case_number".into(), f.v("legal_basis.case_number").into());
    basis.insert("court".into(), f.v("legal_basis.court").into());
    basis.insert("judge".into(), f.v("legal_basis.judge").into());
    basis.insert("issued_on".into(), json!(issued_on));
    basis.insert("carried_out_on".into(), json!(carried_out_on));
    basis.insert("start_on".into(), json!(start_on));
    basis.insert(
        "description".into(),
        text_or_null(f, "legal_basis.description"),
    );
    if let Some(offence) = f.opt("legal_basis.offences.0.description") {
        basis.insert(
            "offences".into(),
            json!([{
                "description": offence,
                "legal_reference": text_or_null(f, "legal_basis.offences.0.legal_reference"),
                "max_penalty": {"years": max_years.unwrap_or(0), "months": 0, "days": 0},
            }]),
        );
    }
    if years.is_some() || months.is_some() || days.is_some() {
        basis.insert(
            "sentence".into(),
            json!({"years": years.unwrap_or(0), "months": months.unwrap_or(0), "days": days.unwrap_or(0)}),
        );
    }
    let mut body = json!({
        "person": person,
        "facility": f.v("facility"),
        "admitted_at": admitted_at,
        "legal_basis": basis,
        "arrest": {"at": arrested_at, "place": f.v("arrest.place"), "authority": f.v("arrest.authority")},
        "injuries": {
            "visible": lines(f, "injuries.visible"),
            "complaints": lines(f, "injuries.complaints"),
            "reported_to": text_or_null(f, "injuries.reported_to"),
        },
        "property": {
            "items": property_items(f),
            "signed_by_person": f.checked("property.signed_by_person"),
            "received_by": f.v("property.received_by"),
        },
        "emergency_contact": {
            "name": f.v("emergency_contact.name"),
            "relationship": f.v("emergency_contact.relationship"),
            "phone": f.v("emergency_contact.phone"),
            "address": text_or_null(f, "emergency_contact.address"),
        },
        "health_screening": {
            "status": f.v("health_screening.status"),
            "notes": text_or_null(f, "health_screening.notes"),
        },
        "rights": {"informed": f.checked("rights.informed"), "language": f.v("rights.language")},
        "classification": f.opt("classification"),
    });
    if let Some(children) = f.opt("family.children")
        && let Ok(n) = children.parse::<usize>()
    {
        body["family"] = Value::Array(
            (0..n.min(20))
                .map(|i| json!({"name": format!("{} {}", f.v("family.children_name"), i + 1).trim(), "relationship": Relationship::Child.as_str()}))
                .collect(),
        );
    }
    match f.v("link_person_id") {
        "" => {}
        "new" => body["confirm_new_person"] = Value::Bool(true),
        id => {
            if let Ok(id) = id.parse::<i64>() {
                body["person_id"] = json!(id);
            }
        }
    }
    serde_json::from_value(body).map_err(|e| AppError::BadFile(e.to_string()))
}

/// `POST /admissions`: admits, then opens the placement form.
pub async fn admit(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let t = v.t();
    let zone = match facilities(&s, &v).await {
        Ok(all) => zone_of(&all, f.v("facility")),
        Err(e) => return app_error(&v, e),
    };
    let outcome = match request(&f, &zone) {
        Ok(r) => custodia_app::persons::admit(&s.store, &v.live.principal, r).await,
        Err(e) => Err(e),
    };
    let (errors, found) = match outcome {
        Ok(file) => {
            let to = format!("/persons/{}/placement?admitted=1", file.id);
            let response = Redirect::to(&to).into_response();
            return with_reason_cookie(
                response,
                &t.s("admission-read-reason"),
                s.options.secure_cookies,
            );
        }
        Err(AppError::PossibleDuplicates(candidates)) => (
            FormErrors {
                fields: Vec::new(),
                general: Some(t.s("admission-duplicates-found")),
            },
            Findings {
                candidates,
                ..Findings::default()
            },
        ),
        Err(AppError::BadFile(message)) => (
            FormErrors {
                fields: Vec::new(),
                general: Some(message),
            },
            Findings::default(),
        ),
        Err(e) => match FormErrors::from_app(t, &e) {
            Some(errors) => (errors, Findings::default()),
            None => return app_error(&v, e),
        },
    };
    match page(&s, &v, f, errors, found).await {
        Ok(p) => render_with(StatusCode::UNPROCESSABLE_ENTITY, &p),
        Err(e) => app_error(&v, e),
    }
}
