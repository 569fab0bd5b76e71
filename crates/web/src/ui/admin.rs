//! Administration for national administrators (and facility roles where the matrix
//! allows): users and their grants, facilities, each facility's locations (create, edit
//! capacity, take out of service and back), and importing facilities and locations
//! from CSV or JSON files with every bad row listed by file and line.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value, json};

use custodia_app::AppError;
use custodia_app::users::NewUser;
use custodia_domain::access::{Action, Grant, Role, Scope};
use custodia_domain::facility::{FacilityKind, HoldsAge, HoldsSex, SecurityLevel};
use custodia_domain::location::OutOfServiceReason;
use custodia_domain::placement::HoldsLegalStatus;

use super::forms::{Fields, FormErrors, Posted, request_from};
use super::page::{Chrome, app_error, redisplay, render, render_with};
use super::session::Viewer;
use crate::AppState;

/// Options of a vocabulary with their labels.
type Options = Vec<(&'static str, String)>;

/// A user, as listed.
struct UserLine {
    username: String,
    display_name: String,
    active: bool,
    grants: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserLine>,
    roles: Options,
    facilities: Vec<(String, String)>,
    f: Fields,
    errors: FormErrors,
}

/// A facility, as listed.
struct FacilityLine {
    code: String,
    name: String,
    kind: String,
    province: String,
}

#[derive(Template)]
#[template(path = "admin_facilities.html")]
struct FacilitiesPage {
    c: Chrome,
    facilities: Vec<FacilityLine>,
    may_create: bool,
    kinds: Options,
    sexes: Options,
    ages: Options,
    levels: Options,
    f: Fields,
    errors: FormErrors,
    imported: Option<String>,
    import_errors: Vec<String>,
}

/// A location, as listed.
struct LocationLine {
    id: i64,
    code: String,
    name: String,
    depth: usize,
    capacity: i64,
    occupied: i64,
    out_of_service: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_locations.html")]
struct LocationsPage {
    c: Chrome,
    code: String,
    /// The facility as registered, for its edit form.
    facility: custodia_domain::facility::Facility,
    may_edit: bool,
    locations: Vec<LocationLine>,
    parents: Vec<(String, String)>,
    levels: Options,
    sexes: Options,
    statuses: Options,
    reasons: Options,
    f: Fields,
    errors: FormErrors,
}

fn labelled<T: Copy>(
    all: &[T],
    as_str: impl Fn(T) -> &'static str,
    label: impl Fn(&str) -> String,
) -> Options {
    all.iter()
        .map(|v| (as_str(*v), label(as_str(*v))))
        .collect()
}

// ---------------------------------------------------------------- users

async fn users_page(
    s: &AppState,
    v: &Viewer,
    f: Fields,
    errors: FormErrors,
) -> Result<UsersPage, AppError> {
    let (who, t) = (&v.live.principal, v.t());
    let users = custodia_app::users::list(&s.store, who)
        .await?
        .into_iter()
        .map(|u| UserLine {
            grants: u
                .grants
                .iter()
                .map(|g| match &g.scope {
                    Scope::Facility(code) => format!("{} ({code})", t.e("role", g.role.as_str())),
                    Scope::National => {
                        format!(
                            "{} ({})",
                            t.e("role", g.role.as_str()),
                            t.s("admin-national")
                        )
                    }
                })
                .collect(),
            username: u.username,
            display_name: u.display_name,
            active: u.active,
        })
        .collect();
    let facilities = custodia_app::facilities::choices(&s.store, who, Action::FacilityRead)
        .await?
        .into_iter()
        .map(|f| (f.code, f.name))
        .collect();
    Ok(UsersPage {
        c: Chrome::viewer(v, "/admin/users", t.s("admin-users")),
        users,
        roles: labelled(Role::ALL, Role::as_str, |r| t.e("role", r)),
        facilities,
        f,
        errors,
    })
}

/// `GET /admin/users`.
pub async fn users(State(s): State<AppState>, v: Viewer) -> Response {
    match users_page(&s, &v, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

fn grant_of(f: &Fields) -> Result<Grant, AppError> {
    let role = Role::parse(f.v("role")).map_err(|_| {
        custodia_app::AppError::Invalid(custodia_domain::Invalid(vec![
            custodia_domain::FieldError::new("role", "required", "required"),
        ]))
    })?;
    Ok(match f.opt("facility") {
        Some(code) => Grant::facility(role, code),
        None => Grant::national(role),
    })
}

/// `POST /admin/users`: a new user with one grant.
pub async fn add_user(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let outcome = match grant_of(&f) {
        Ok(grant) => {
            let new = NewUser {
                username: f.v("username").to_owned(),
                display_name: f.opt("display_name").unwrap_or(f.v("username")).to_owned(),
                password: f.v("password").to_owned(),
                grants: vec![grant],
            };
            custodia_app::users::add(&s.store, &v.live.principal, new)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    users_outcome(&s, &v, f, outcome).await
}

async fn users_outcome(
    s: &AppState,
    v: &Viewer,
    mut f: Fields,
    outcome: Result<(), AppError>,
) -> Response {
    match outcome {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(e) => {
            // A password is never sent back to the browser.
            f.set("password", "");
            redisplay(v, e, |errors| users_page(s, v, f, errors)).await
        }
    }
}

/// `POST /admin/users/{username}/grants` and `/disable`.
pub async fn user_action(
    State(s): State<AppState>,
    Path((username, action)): Path<(String, String)>,
    Posted { v, f }: Posted,
) -> Response {
    let who = &v.live.principal;
    let outcome = match action.as_str() {
        "grants" => match grant_of(&f) {
            Ok(g) => custodia_app::users::grant(&s.store, who, &username, g)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "disable" => custodia_app::users::disable(&s.store, who, &username)
            .await
            .map(|_| ()),
        _ => Err(AppError::not_found("page", &action)),
    };
    users_outcome(&s, &v, Fields::default(), outcome).await
}

// ---------------------------------------------------------------- facilities

async fn facilities_page(
    s: &AppState,
    v: &Viewer,
    f: Fields,
    errors: FormErrors,
) -> Result<FacilitiesPage, AppError> {
    let (who, t) = (&v.live.principal, v.t());
    who.require_some(Action::LocationWrite)?;
    let facilities = custodia_app::facilities::choices(&s.store, who, Action::LocationWrite)
        .await?
        .into_iter()
        .map(|fc| FacilityLine {
            kind: fc.kind.as_str().to_owned(),
            code: fc.code,
            name: fc.name,
            province: fc.province,
        })
        .collect();
    Ok(FacilitiesPage {
        c: Chrome::viewer(v, "/admin/facilities", t.s("admin-facilities")),
        facilities,
        may_create: who.allows(Action::FacilityCreate, None),
        kinds: labelled(FacilityKind::ALL, FacilityKind::as_str, str::to_owned),
        sexes: labelled(HoldsSex::ALL, HoldsSex::as_str, |x| t.e("holds-sex", x)),
        ages: labelled(HoldsAge::ALL, HoldsAge::as_str, |x| t.e("holds-age", x)),
        levels: labelled(SecurityLevel::ALL, SecurityLevel::as_str, |x| {
            t.e("security-level", x)
        }),
        f,
        errors,
        imported: None,
        import_errors: Vec::new(),
    })
}

/// `GET /admin/facilities`.
pub async fn facilities(State(s): State<AppState>, v: Viewer) -> Response {
    match facilities_page(&s, &v, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

fn all_of(f: &Fields, name: &str) -> Vec<Value> {
    f.0.iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| Value::String(v.clone()))
        .collect()
}

/// `POST /admin/facilities`: registers a facility.
pub async fn add_facility(State(s): State<AppState>, Posted { v, f }: Posted) -> Response {
    let body = json!({
        "code": f.v("code"), "name": f.v("name"), "kind": f.v("kind"),
        "province": f.v("province"), "city": f.v("city"),
        "timezone": f.opt("timezone").unwrap_or("America/Guayaquil"),
        "holds_sex": f.v("holds_sex"), "holds_age": f.v("holds_age"),
        "security_levels": all_of(&f, "security_levels"),
    });
    let outcome = match request_from(body) {
        Ok(facility) => custodia_app::facilities::register(&s.store, &v.live.principal, facility)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/admin/facilities/{}", f.v("code"))).into_response(),
        Err(e) => redisplay(&v, e, |errors| facilities_page(&s, &v, f, errors)).await,
    }
}

/// `POST /admin/import`: facilities and locations from CSV or JSON files, all or nothing.
pub async fn import(State(s): State<AppState>, v: Viewer, mut multipart: Multipart) -> Response {
    let t = v.t();
    let mut csrf = String::new();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                problems.push(e.body_text());
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let Ok(bytes) = field.bytes().await else {
            problems.push(t.s("admin-import-unreadable"));
            break;
        };
        match (name.as_str(), file_name) {
            ("_csrf", _) => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            ("files", Some(file)) if !bytes.is_empty() => {
                match custodia_app::import::decode(&file, bytes.to_vec()) {
                    Ok(text) => files.push((file, text)),
                    Err(rows) => problems.extend(rows.iter().map(ToString::to_string)),
                }
            }
            _ => {}
        }
    }
    if !v.csrf_ok(&csrf) {
        return super::page::csrf_refused(&v);
    }
    if files.is_empty() && problems.is_empty() {
        problems.push(t.s("admin-import-no-file"));
    }
    let outcome = if problems.is_empty() {
        custodia_app::import::import(&s.store, &v.live.principal, &files).await
    } else {
        Err(AppError::BadFile(String::new()))
    };
    let mut page = match facilities_page(&s, &v, Fields::default(), FormErrors::none()).await {
        Ok(p) => p,
        Err(e) => return app_error(&v, e),
    };
    match outcome {
        Ok(summary) => {
            page.imported = Some(t.with(
                "admin-imported",
                &[
                    ("facilities", (summary.facilities as i64).into()),
                    ("locations", (summary.locations as i64).into()),
                ],
            ));
            render(&page)
        }
        Err(AppError::ImportRejected(rows)) => {
            page.import_errors = rows.iter().map(ToString::to_string).collect();
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::BadFile(_)) => {
            page.import_errors = problems;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => app_error(&v, e),
    }
}

// ---------------------------------------------------------------- locations

async fn locations_page(
    s: &AppState,
    v: &Viewer,
    code: &str,
    f: Fields,
    errors: FormErrors,
) -> Result<LocationsPage, AppError> {
    let (who, t) = (&v.live.principal, v.t());
    who.require(Action::LocationWrite, Some(code))?;
    let facility = custodia_app::facilities::basic(&s.store, who, code).await?;
    let all = custodia_app::locations::list(&s.store, who, code).await?;
    // The tree in order: each location after its parent, indented by depth.
    let mut ordered: Vec<(usize, &custodia_app::locations::LocationView)> = Vec::new();
    let mut stack: Vec<(usize, Option<i64>)> = vec![(0, None)];
    while let Some((depth, parent)) = stack.pop() {
        if let Some(p) = parent
            && let Some(view) = all.iter().find(|l| l.location.id == p)
        {
            ordered.push((depth - 1, view));
        }
        let mut children: Vec<&custodia_app::locations::LocationView> = all
            .iter()
            .filter(|l| l.location.parent_id == parent)
            .collect();
        children.sort_by(|a, b| b.location.code.cmp(&a.location.code));
        stack.extend(
            children
                .into_iter()
                .map(|c| (depth + 1, Some(c.location.id))),
        );
    }
    let locations = ordered
        .into_iter()
        .take(2000)
        .map(|(depth, l)| LocationLine {
            id: l.location.id,
            code: l.location.code.clone(),
            name: l.location.name.clone(),
            depth,
            capacity: l.location.operational_capacity,
            occupied: l.occupancy.occupied,
            out_of_service: l
                .location
                .out_of_service
                .as_ref()
                .map(|o| t.e("oos-reason", o.reason.as_str())),
        })
        .collect::<Vec<_>>();
    let parents = all
        .iter()
        .filter(|l| l.location.parent_id.is_none())
        .map(|l| {
            (
                l.location.id.to_string(),
                format!("{} · {}", l.location.code, l.location.name),
            )
        })
        .collect();
    Ok(LocationsPage {
        c: Chrome::viewer(
            v,
            "/admin/facilities",
            t.x("admin-locations-of", &facility.name),
        ),
        code: facility.code.clone(),
        may_edit: who.allows(Action::FacilityUpdate, Some(&facility.code)),
        facility,
        locations,
        parents,
        levels: labelled(SecurityLevel::ALL, SecurityLevel::as_str, |x| {
            t.e("security-level", x)
        }),
        sexes: labelled(HoldsSex::ALL, HoldsSex::as_str, |x| t.e("holds-sex", x)),
        statuses: labelled(HoldsLegalStatus::ALL, HoldsLegalStatus::as_str, |x| {
            t.e("holds-legal-status", x)
        }),
        reasons: labelled(OutOfServiceReason::ALL, OutOfServiceReason::as_str, |x| {
            t.e("oos-reason", x)
        }),
        f,
        errors,
    })
}

/// `GET /admin/facilities/{code}`: the facility's locations.
pub async fn locations(State(s): State<AppState>, v: Viewer, Path(code): Path<String>) -> Response {
    match locations_page(&s, &v, &code, Fields::default(), FormErrors::none()).await {
        Ok(p) => render(&p),
        Err(e) => app_error(&v, e),
    }
}

/// Whole numbers the form must hold, each named by its field when it does not.
fn whole_numbers(f: &Fields, names: &[&str]) -> Result<(), AppError> {
    let mut r = super::forms::Reading::default();
    for name in names {
        if f.v(name).parse::<i64>().is_err() {
            r.problem(name, "not_a_number", "not a whole number");
        }
    }
    r.finish()
}

fn int_or_text(f: &Fields, name: &str) -> Value {
    match f.v(name).parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(f.v(name)),
    }
}

/// `POST /admin/facilities/{code}/locations`: a new location.
pub async fn add_location(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Posted { v, f }: Posted,
) -> Response {
    let mut body = Map::new();
    body.insert("code".into(), f.v("code").into());
    body.insert("name".into(), f.v("name").into());
    body.insert(
        "parent_id".into(),
        f.opt("parent_id")
            .and_then(|p| p.parse::<i64>().ok())
            .map_or(Value::Null, |p| json!(p)),
    );
    body.insert("security_level".into(), f.v("security_level").into());
    body.insert("holds_sex".into(), f.v("holds_sex").into());
    body.insert(
        "holds_legal_status".into(),
        f.opt("holds_legal_status").unwrap_or("both").into(),
    );
    body.insert("design_capacity".into(), int_or_text(&f, "design_capacity"));
    body.insert(
        "operational_capacity".into(),
        int_or_text(&f, "operational_capacity"),
    );
    let outcome = match whole_numbers(&f, &["design_capacity", "operational_capacity"])
        .and_then(|()| request_from(Value::Object(body)))
    {
        Ok(new) => custodia_app::locations::add(&s.store, &v.live.principal, &code, new)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    locations_outcome(&s, &v, &code, f, outcome).await
}

async fn locations_outcome(
    s: &AppState,
    v: &Viewer,
    code: &str,
    f: Fields,
    outcome: Result<(), AppError>,
) -> Response {
    match outcome {
        Ok(()) => Redirect::to(&format!("/admin/facilities/{code}")).into_response(),
        Err(e) => redisplay(v, e, |errors| locations_page(s, v, code, f, errors)).await,
    }
}

/// `POST /admin/facilities/{code}`: changes the facility's name, place or time zone.
pub async fn edit_facility(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Posted { v, f }: Posted,
) -> Response {
    let mut patch = Map::new();
    for name in ["name", "province", "city", "timezone"] {
        if let Some(value) = f.opt(name) {
            patch.insert(name.into(), value.into());
        }
    }
    let outcome = match request_from(Value::Object(patch)) {
        Ok(patch) => custodia_app::facilities::update(&s.store, &v.live.principal, &code, patch)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    locations_outcome(&s, &v, &code, f, outcome).await
}

/// `POST /admin/locations/{id}/{action}`: `capacity` (a new operational capacity),
/// `out-of-service` (with a reason) or `in-service`.
pub async fn location_action(
    State(s): State<AppState>,
    Path((id, action)): Path<(i64, String)>,
    Posted { v, f }: Posted,
) -> Response {
    let who = &v.live.principal;
    let outcome = match action.as_str() {
        "capacity" => match whole_numbers(&f, &["operational_capacity"]).and_then(|()| {
            request_from(json!({"operational_capacity": int_or_text(&f, "operational_capacity")}))
        }) {
            Ok(patch) => custodia_app::locations::update(&s.store, who, id, patch)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "out-of-service" => {
            match request_from(json!({"reason": f.v("reason"), "note": f.opt("note")})) {
                Ok(request) => {
                    custodia_app::locations::take_out_of_service(&s.store, who, id, request)
                        .await
                        .map(|_| ())
                }
                Err(e) => Err(e),
            }
        }
        "in-service" => custodia_app::locations::return_to_service(&s.store, who, id)
            .await
            .map(|_| ()),
        _ => Err(AppError::not_found("page", &action)),
    };
    let code = f.v("facility").to_owned();
    locations_outcome(&s, &v, &code, f, outcome).await
}
