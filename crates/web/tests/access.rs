//! Access control end to end: bearer tokens, roles, facility scopes and signing in, on a
//! real server on a loopback port, called with reqwest, on both SQLite and a throwaway
//! PostgreSQL.

mod common;

use common::{Reply, admission, cedula};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use custodia_app::sign_in::{self as signing, Throttle};
use custodia_app::users::{self, IssuedToken, NewUser};
use custodia_app::{AppError, Principal};
use custodia_domain::access::{Grant, Role};
use custodia_domain::user::TokenScope;
use custodia_store::Store;
use custodia_testkit::both_backends;
use reqwest::header::AUTHORIZATION;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PROBLEM_JSON: &str = "application/problem+json";
const CUENCA: &str = "CPL-AZ-1";
const LATACUNGA: &str = "CPL-CX-1";
/// A facility code, a location id and a person id that do not exist.
const NO_FACILITY: &str = "CPL-ZZ-9";
const NO_LOCATION: i64 = 999_999;
const NO_PERSON: i64 = 999_999;
/// A group id that does not exist (nor does the next).
const NO_GROUP: i64 = 999_998;
/// Placing a person in a cell, and checking moves (which changes nothing).
const PLACEMENTS: &str = "/api/v1/placements";
const PLACEMENT_CHECK: &str = "/api/v1/placements/check";
/// A third facility, where the transfers of the tests go and come from (out of reach of
/// the facility grants of the tests).
const QUITO: &str = "CPL-PI-1";
/// A transfer, bulk operation, absence or count id that does not exist.
const NO_ID: i64 = 999_999;
/// Lists that take an optional facility in their query (which the walks give them).
const FACILITY_IN_QUERY: [&str; 8] = [
    DEADLINES,
    TRANSFERS,
    ABSENCES,
    STAFF,
    SEARCHES,
    SEIZURE_STATS,
    INCIDENTS,
    NOTIFICATIONS,
];
/// Incidents: reported at the facility their body's site names (or outside any: a
/// national matter), listed by facility; the mandatory notifications, listed by
/// facility; and crises, commanded nationally.
const INCIDENTS: &str = "/api/v1/incidents";
const NOTIFICATIONS: &str = "/api/v1/notifications";
const CRISES: &str = "/api/v1/crises";
/// Searches (requisas): recorded at the facility their body names, listed by facility;
/// and the seizure statistics, by facility.
const SEARCHES: &str = "/api/v1/searches";
const SEIZURE_STATS: &str = "/api/v1/seizures/stats";
/// The staff register: staff are registered at the home facility their body names.
const STAFF: &str = "/api/v1/staff";
/// Transfers, bulk operations and absences: where they are requested (and listed).
const TRANSFERS: &str = "/api/v1/transfers";
const OPERATIONS: &str = "/api/v1/transfer-operations";
const ABSENCES: &str = "/api/v1/absences";
/// The writes a facility officer may make in their facility: admissions, placements,
/// absences, escapes and recaptures, deaths, counts, and the steps of transfers
/// (single and bulk) that take a person out of it or into it, the items seized in its
/// searches and their handovers, and its incidents: reported, with entries added to
/// their timelines and attachments referenced.
const OFFICER_WRITES: [&str; 18] = [
    ABSENCES,
    "/api/v1/absences/{id}/return",
    ADMISSIONS,
    "/api/v1/counts",
    "/api/v1/counts/{id}/reconcile",
    "/api/v1/persons/{id}/death",
    "/api/v1/persons/{id}/escape",
    "/api/v1/persons/{id}/recapture",
    PLACEMENTS,
    "/api/v1/transfer-operations/{id}/dispatch",
    "/api/v1/transfer-operations/{id}/receive",
    "/api/v1/transfers/{id}/dispatch",
    "/api/v1/transfers/{id}/receive",
    "/api/v1/searches/{id}/items",
    "/api/v1/items/{id}/handovers",
    INCIDENTS,
    "/api/v1/incidents/{id}/timeline",
    "/api/v1/incidents/{id}/attachments",
];
/// The intelligence operations that name no person: whoever may not read intelligence is
/// told they do not exist (404), whatever their other rights.
const INTELLIGENCE: [&str; 2] = ["/api/v1/groups", "/api/v1/keep-apart"];
/// The operations that name their facility elsewhere than in the path: in the body (an
/// admission) or, here, in the query (deadlines, where it is optional).
const ADMISSIONS: &str = "/api/v1/admissions";
const DEADLINES: &str = "/api/v1/deadlines";
/// The event type of a journaled read of a person's file.
const ACCESS_READ: &str = "access.read";
const PASSWORD: &str = "cuatro caballos azules";
/// The operations anyone may call.
const PUBLIC: [&str; 3] = ["/healthz", "/readyz", "/api/v1/auth/token"];
/// The methods an OpenAPI path item names operations by, and their HTTP spelling.
const METHODS: [(&str, &str); 5] = [
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
];

/// A server on a loopback port; it shuts down when this is dropped.
struct Server {
    base: String,
    client: reqwest::Client,
    _running: common::Running,
}

impl Server {
    async fn start(store: &Store) -> Server {
        let running = common::start(store).await;
        Server {
            base: running.base.clone(),
            client: reqwest::Client::new(),
            _running: running,
        }
    }

    /// Any request, with `authorization` as the whole Authorization header (if any).
    async fn call(
        &self,
        method: Method,
        path: &str,
        authorization: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(value) = authorization {
            req = req.header(AUTHORIZATION, value);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let response = req.send().await.expect("request sent");
        Reply::read(response).await
    }

    /// A request with a bearer token.
    async fn with_token(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Reply {
        let header = format!("Bearer {token}");
        self.call(method, path, Some(&header), body).await
    }

    async fn get(&self, token: &str, path: &str) -> Reply {
        self.with_token(token, Method::GET, path, None).await
    }

    async fn sign_in(&self, body: &Value) -> Reply {
        self.call(Method::POST, "/api/v1/auth/token", None, Some(body))
            .await
    }
}

/// Checks the problem+json shape: status, code, detail, and the request id of the header.
#[track_caller]
fn assert_problem(r: &Reply, status: u16, code: &str, what: &str) {
    assert_eq!(r.status.as_u16(), status, "{what}: {}", r.body);
    assert_eq!(r.header("content-type"), PROBLEM_JSON, "{what}: {}", r.body);
    assert_eq!(r.body["code"], code, "{what}: {}", r.body);
    assert_eq!(r.body["status"], status, "{what}: {}", r.body);
    assert!(
        r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{what}: {}",
        r.body
    );
    assert_eq!(r.body["request_id"], r.header("x-request-id"), "{what}");
}

/// A 401 that says how to authenticate.
#[track_caller]
fn assert_unauthenticated(r: &Reply, what: &str) {
    assert_problem(r, 401, "unauthenticated", what);
    assert!(
        r.header("www-authenticate").starts_with("Bearer"),
        "{what}: {:?}",
        r.headers
    );
    assert!(r.body.get("token").is_none(), "{what}: {}", r.body);
}

fn operator() -> Principal {
    Principal::command_line("test")
}

/// Creates a user with `grants` and the test password.
async fn add_user(store: &Store, username: &str, grants: Vec<Grant>) {
    let new = NewUser {
        username: username.to_owned(),
        display_name: format!("Test {username}"),
        password: PASSWORD.to_owned(),
        grants,
    };
    users::add(store, &operator(), new)
        .await
        .unwrap_or_else(|e| panic!("add user {username}: {e}"));
}

/// A token for an existing user.
async fn token_of(store: &Store, username: &str, scope: TokenScope) -> IssuedToken {
    users::create_token(store, &operator(), username, "tests", scope, 1)
        .await
        .unwrap_or_else(|e| panic!("token for {username}: {e}"))
}

/// Creates a user with `grants` and returns a full token for them.
async fn bearer_for(store: &Store, username: &str, grants: Vec<Grant>) -> String {
    add_user(store, username, grants).await;
    token_of(store, username, TokenScope::Full).await.token
}

fn facility(code: &str, province: &str, city: &str) -> Value {
    json!({
        "code": code,
        "name": format!("CPL {city}"),
        "kind": "CPL",
        "province": province,
        "city": city,
        "timezone": "America/Guayaquil",
        "holds_sex": "men",
        "holds_age": "adults",
        "security_levels": ["maximum", "medium"],
    })
}

fn location(code: &str) -> Value {
    json!({
        "code": code,
        "name": format!("Location {code}"),
        "parent_id": null,
        "security_level": "maximum",
        "holds_sex": "men",
        "design_capacity": 10,
        "operational_capacity": 12,
    })
}

/// A cell (a location without sub-locations) under `parent`.
fn cell(code: &str, parent: i64) -> Value {
    json!({
        "code": code,
        "name": format!("Cell {code}"),
        "parent_id": parent,
        "security_level": "maximum",
        "holds_sex": "men",
        "design_capacity": 10,
        "operational_capacity": 12,
    })
}

/// Numbers the persons the tests admit, so that each is a different man with his own cédula.
static NEXT_PERSON: AtomicU32 = AtomicU32::new(1);

/// Numbers the staff members the tests register, each with their own service number.
static NEXT_STAFF: AtomicU32 = AtomicU32::new(1);

/// A new prison guard of `facility` (a different service number every call).
fn new_staff(facility: &str) -> Value {
    let n = NEXT_STAFF.fetch_add(1, Ordering::Relaxed);
    json!({
        "service_number": format!("ASP-T-{n}"),
        "given_names": "Carlos",
        "surnames": "Vera Loor",
        "kind": "prison_guard",
        "home_facility": facility,
    })
}

/// The admission of a new person to `facility`: a different man (and cédula) every call,
/// admitted as new even if his name and date of birth match someone's.
fn new_admission(facility: &str) -> Value {
    let n = NEXT_PERSON.fetch_add(1, Ordering::Relaxed);
    let mut body = admission(facility, "Luis Alberto", "Guamán", "Quispe", &cedula(n));
    body["confirm_new_person"] = json!(true);
    body
}

/// Where an operation is called: a facility, a location in it, a cell (a leaf location)
/// under that location, a person held in it, two registered groups (groups are
/// national: every target names the same two), and what the movements between and out
/// of facilities act on there.
#[derive(Debug, Clone, Copy)]
struct Target<'a> {
    facility: &'a str,
    location: i64,
    cell: i64,
    person: i64,
    groups: [i64; 2],
    staged: Staged,
}

/// Persons, transfers, bulk operations, an absence and a count of one facility, each in
/// the state the operation called on it needs. The operations that take a person away or
/// change where they are (a transfer, an absence, an escape, a death) each have their own
/// person, so that none takes away a person another still needs in custody.
#[derive(Debug, Clone, Copy)]
struct Staged {
    /// Held there and present, nothing under way: to request a transfer for, to move in a
    /// new bulk operation, to send out on an absence, whose escape or whose death to record.
    transfer_person: i64,
    operation_person: i64,
    absence_person: i64,
    escape_person: i64,
    death_person: i64,
    /// Held there and escaped: to recapture.
    escaped_person: i64,
    transfers: Stages,
    operations: Stages,
    /// An absence under way (the person out).
    absence: i64,
    /// A count with an open discrepancy.
    count: i64,
    /// A guard of the facility, on no shift: to read, change and put on a shift.
    staff: i64,
    /// A search of the facility's unit, and a radio it seized, held by the search team.
    search: i64,
    item: i64,
    /// Its incidents and crises (see [`Incidents`]).
    incidents: Incidents,
    /// A notification of its escape, to the judicial authority: pending.
    notification: i64,
}

/// Incidents of one facility, the crises they are under and the guards on duty there.
#[derive(Debug, Clone, Copy)]
struct Incidents {
    /// A hostage-taking in the facility's unit, reported (to read, write to and move on),
    /// under a crisis (to read and command).
    reported: i64,
    crisis: i64,
    /// On duty there: a guard to take hostage, one to record as injured, and one held
    /// there, to release.
    free_guard: i64,
    hurt_guard: i64,
    hostage: i64,
    /// A crisis over a riot there, where nobody is held or missing: to close.
    closable: i64,
    /// An incident there under no crisis: to add to one.
    loose: i64,
}

/// Transfers (or bulk operations of one move) at the stage each step needs: requested
/// (to read and to approve), approved (to dispatch), requested (to cancel), each from the
/// facility to Quito; and one dispatched from Quito to the facility (to receive).
#[derive(Debug, Clone, Copy)]
struct Stages {
    requested: i64,
    approved: i64,
    cancellable: i64,
    arriving: i64,
}

impl Stages {
    fn all(&self) -> [i64; 4] {
        [
            self.requested,
            self.approved,
            self.cancellable,
            self.arriving,
        ]
    }
}

/// Ids that name nothing.
const NOTHING: Stages = Stages {
    requested: NO_ID,
    approved: NO_ID,
    cancellable: NO_ID,
    arriving: NO_ID,
};

/// Keys that name nothing.
const ABSENT: Target<'static> = Target {
    facility: NO_FACILITY,
    location: NO_LOCATION,
    cell: NO_LOCATION,
    person: NO_PERSON,
    groups: [NO_GROUP, NO_GROUP + 1],
    staged: Staged {
        transfer_person: NO_PERSON,
        operation_person: NO_PERSON,
        absence_person: NO_PERSON,
        escape_person: NO_PERSON,
        death_person: NO_PERSON,
        escaped_person: NO_PERSON,
        transfers: NOTHING,
        operations: NOTHING,
        absence: NO_ID,
        count: NO_ID,
        staff: NO_ID,
        search: NO_ID,
        item: NO_ID,
        incidents: Incidents {
            reported: NO_ID,
            crisis: NO_ID,
            free_guard: NO_ID,
            hurt_guard: NO_ID,
            hostage: NO_ID,
            closable: NO_ID,
            loose: NO_ID,
        },
        notification: NO_ID,
    },
};

/// A POST by `token` that must succeed; its body.
async fn posted(s: &Server, token: &str, path: &str, body: &Value) -> Value {
    let r = s.with_token(token, Method::POST, path, Some(body)).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.body);
    r.body
}

fn id_of(body: &Value) -> i64 {
    body["id"].as_i64().expect("numeric id")
}

/// The instant `hours` from now, as the API reads instants.
fn hours_from_now(hours: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(hours)).to_string()
}

/// A search of `location` at `facility`, ended an hour ago.
fn new_search(facility: &str, location: i64) -> Value {
    json!({
        "facility": facility,
        "kind": "area",
        "location_ids": [location],
        "team": [{"name": "Grupo de Intervención y Rescate", "role": "requisa"}],
        "authorised_by": "Director del centro",
        "started_at": hours_from_now(-3),
        "ended_at": hours_from_now(-1),
        "reason": "Control de armas",
    })
}

/// Who holds what a search seized first: its team.
fn search_team() -> Value {
    json!({"name": "Tnte. Andrés Cedeño", "office": "Policía Nacional — GIR"})
}

/// A radio seized, held by the search team.
fn seized_radio() -> Value {
    json!({"category": "radio", "quantity": 1, "found_place": "Patio", "holder": search_team()})
}

/// An incident of `kind` two hours ago in `location` of `facility`.
fn new_incident(facility: &str, location: i64, kind: &str) -> Value {
    json!({
        "type": kind,
        "site": {"facility": facility, "location_id": location},
        "occurred_at": hours_from_now(-2),
        "summary": "Internos armados en el pabellón A",
    })
}

/// A crisis begun two hours ago over `incidents`.
fn new_crisis(incidents: &[i64]) -> Value {
    json!({
        "name": "Tomas de rehenes simultáneas",
        "started_at": hours_from_now(-2),
        "summary": "Comité de crisis nacional",
        "incident_ids": incidents,
    })
}

/// The status of `staff` on an accountability board, if they are on it.
fn board_status(board: &Value, staff: i64) -> Option<&Value> {
    board["staff"]
        .as_array()?
        .iter()
        .find(|line| line["staff_id"] == staff)
        .map(|line| &line["status"])
}

/// Stages the incidents and crises of `code` (see [`Incidents`]), as the administrator.
async fn stage_incidents(s: &Server, admin: &str, code: &str, unit: i64) -> Incidents {
    let mut guards = Vec::new();
    for _ in 0..3 {
        guards.push(id_of(&posted(s, admin, STAFF, &new_staff(code)).await));
    }
    let shift = json!({
        "starts_at": hours_from_now(-3),
        "ends_at": hours_from_now(5),
        "posts": [{"post": "Pabellón A", "staff_ids": guards}],
    });
    let shifts = format!("/api/v1/facilities/{code}/shifts");
    posted(s, admin, &shifts, &shift).await;
    let mut incidents = Vec::new();
    for kind in ["hostage_taking", "riot", "fire"] {
        let body = new_incident(code, unit, kind);
        incidents.push(id_of(&posted(s, admin, INCIDENTS, &body).await));
    }
    let crisis = id_of(&posted(s, admin, CRISES, &new_crisis(&incidents[..1])).await);
    let closable = id_of(&posted(s, admin, CRISES, &new_crisis(&incidents[1..2])).await);
    let hold = json!({
        "incident_id": incidents[0],
        "staff_ids": [guards[2]],
        "at": hours_from_now(-1),
        "circumstances": "Reducido en la garita",
    });
    let board = posted(s, admin, &format!("{CRISES}/{crisis}/hostages"), &hold).await;
    assert_eq!(
        board_status(&board, guards[2]),
        Some(&json!("held")),
        "{board}"
    );
    Incidents {
        reported: incidents[0],
        crisis,
        free_guard: guards[0],
        hurt_guard: guards[1],
        hostage: guards[2],
        closable,
        loose: incidents[2],
    }
}

/// The pending notification to the judicial authority of `person`'s escape from `code`.
async fn escape_notification(s: &Server, admin: &str, code: &str, person: i64) -> i64 {
    let path = format!("{NOTIFICATIONS}?facility={code}&status=pending&limit=1000");
    let r = s.get(admin, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    r.body
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| n["person_id"] == person && n["recipient"] == "judicial_authority")
        .map(id_of)
        .unwrap_or_else(|| panic!("no notification of {person}'s escape: {}", r.body))
}

/// Admits a new person to `facility`; their id.
async fn admit(s: &Server, token: &str, facility: &str) -> i64 {
    let body = posted(s, token, ADMISSIONS, &new_admission(facility)).await;
    assert_eq!(body["facility"], facility, "{body}");
    id_of(&body)
}

/// A transfer request, or (`bulk`) a bulk operation of one move.
fn transfer_request(bulk: bool, person: i64, to: &str) -> Value {
    if bulk {
        json!({
            "name": "Descongestión",
            "reason": "overcrowding",
            "note": "Operativo nacional",
            "moves": [{"person_id": person, "to_facility": to}],
        })
    } else {
        json!({"person_id": person, "to_facility": to, "reason": "security"})
    }
}

/// Transfers (or bulk operations) from `code` to Quito, requested, approved and to
/// cancel, and one from Quito dispatched to `code`; with the persons they move from
/// `code`, and the one on their way from Quito.
async fn stage_steps(s: &Server, admin: &str, code: &str, bulk: bool) -> (Stages, Vec<i64>, i64) {
    let base = if bulk { OPERATIONS } else { TRANSFERS };
    let mut persons = Vec::new();
    let mut ids = Vec::new();
    for (from, to) in [(code, QUITO), (code, QUITO), (code, QUITO), (QUITO, code)] {
        let person = admit(s, admin, from).await;
        persons.push(person);
        ids.push(id_of(
            &posted(s, admin, base, &transfer_request(bulk, person, to)).await,
        ));
    }
    for (id, steps) in [
        (ids[1], &["approve"][..]),
        (ids[3], &["approve", "dispatch"]),
    ] {
        for step in steps {
            posted(s, admin, &format!("{base}/{id}/{step}"), &json!({})).await;
        }
    }
    let stages = Stages {
        requested: ids[0],
        approved: ids[1],
        cancellable: ids[2],
        arriving: ids[3],
    };
    let arriving = persons.pop().expect("four persons");
    (stages, persons, arriving)
}

/// Stages what the movements need in `code` (see [`Staged`]), as the administrator; with
/// the persons staged who are held in `code`, and those on their way to it from Quito.
async fn stage(s: &Server, admin: &str, code: &str, unit: i64) -> (Staged, Vec<i64>, Vec<i64>) {
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(admit(s, admin, code).await);
    }
    let escape = json!({"at": hours_from_now(0), "circumstances": "Fuga por el muro norte"});
    posted(
        s,
        admin,
        &format!("/api/v1/persons/{}/escape", held[5]),
        &escape,
    )
    .await;
    let out = json!({
        "person_id": held[6],
        "kind": "hospital",
        "expected_back_at": hours_from_now(4),
        "note": "Hospital Vicente Corral Moscoso",
    });
    let absence = id_of(&posted(s, admin, ABSENCES, &out).await);
    // Nobody is placed in the unit: 99 is a discrepancy.
    let count = json!({"location_id": unit, "counted": 99});
    let count = posted(s, admin, "/api/v1/counts", &count).await;
    assert_eq!(count["open"], true, "{count}");
    let (transfers, moved, first) = stage_steps(s, admin, code, false).await;
    held.extend(moved);
    let (operations, moved, second) = stage_steps(s, admin, code, true).await;
    held.extend(moved);
    let search = id_of(&posted(s, admin, SEARCHES, &new_search(code, unit)).await);
    let items = format!("{SEARCHES}/{search}/items");
    let item = id_of(&posted(s, admin, &items, &seized_radio()).await);
    let staged = Staged {
        transfer_person: held[0],
        operation_person: held[1],
        absence_person: held[2],
        escape_person: held[3],
        death_person: held[4],
        escaped_person: held[5],
        transfers,
        operations,
        absence,
        count: id_of(&count),
        staff: id_of(&posted(s, admin, STAFF, &new_staff(code)).await),
        search,
        item,
        incidents: stage_incidents(s, admin, code, unit).await,
        notification: escape_notification(s, admin, code, held[5]).await,
    };
    (staged, held, vec![first, second])
}

/// Two facilities, each with one location (a unit with one cell), one person in custody
/// and what the movements need (see [`Staged`]), a third facility (Quito) their
/// transfers go to and come from, two rival groups, and an attack outside any facility,
/// made by a national administrator.
struct World {
    admin: String,
    cuenca_location: i64,
    latacunga_location: i64,
    cuenca_cell: i64,
    latacunga_cell: i64,
    cuenca_person: i64,
    latacunga_person: i64,
    groups: [i64; 2],
    cuenca_staged: Staged,
    latacunga_staged: Staged,
    /// Everyone held in Cuenca.
    cuenca_held: Vec<i64>,
    /// Everyone staged, wherever they are held.
    staged_persons: Vec<i64>,
    /// An incident at a site outside any facility (a national matter).
    outside_incident: i64,
}

impl World {
    async fn build(s: &Server, store: &Store) -> World {
        let admin = bearer_for(store, "admin", vec![Grant::national(Role::NationalAdmin)]).await;
        let mut ids = Vec::new();
        let mut cells = Vec::new();
        let mut persons = Vec::new();
        for (code, province, city) in [
            (CUENCA, "Azuay", "Cuenca"),
            (LATACUNGA, "Cotopaxi", "Latacunga"),
        ] {
            let body = facility(code, province, city);
            let r = s
                .with_token(&admin, Method::POST, "/api/v1/facilities", Some(&body))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            let path = format!("/api/v1/facilities/{code}/locations");
            let r = s
                .with_token(&admin, Method::POST, &path, Some(&location("PAB-A")))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            let unit = r.body["id"].as_i64().expect("numeric id");
            ids.push(unit);
            let r = s
                .with_token(&admin, Method::POST, &path, Some(&cell("PAB-A-C1", unit)))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            cells.push(r.body["id"].as_i64().expect("numeric id"));
            let r = s
                .with_token(&admin, Method::POST, ADMISSIONS, Some(&new_admission(code)))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            assert_eq!(r.body["facility"], code, "{}", r.body);
            persons.push(r.body["id"].as_i64().expect("numeric id"));
        }
        let mut groups = Vec::new();
        for name in ["Los Choneros", "Los Tiguerones"] {
            let r = s
                .with_token(
                    &admin,
                    Method::POST,
                    "/api/v1/groups",
                    Some(&json!({"name": name})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            groups.push(r.body["id"].as_i64().expect("numeric id"));
        }
        posted(
            s,
            &admin,
            "/api/v1/facilities",
            &facility(QUITO, "Pichincha", "Quito"),
        )
        .await;
        let (cuenca_staged, in_cuenca, to_cuenca) = stage(s, &admin, CUENCA, ids[0]).await;
        let (latacunga_staged, in_latacunga, to_latacunga) =
            stage(s, &admin, LATACUNGA, ids[1]).await;
        let cuenca_held = [&[persons[0]][..], &in_cuenca].concat();
        let attack = json!({
            "type": "explosion_or_attack",
            "site": {"address": "Av. Don Bosco y Av. Loja", "province": "Azuay"},
            "occurred_at": hours_from_now(-2),
            "summary": "Ataque armado a un vehículo del SNAI",
        });
        let outside_incident = id_of(&posted(s, &admin, INCIDENTS, &attack).await);
        World {
            admin,
            cuenca_location: ids[0],
            latacunga_location: ids[1],
            cuenca_cell: cells[0],
            latacunga_cell: cells[1],
            cuenca_person: persons[0],
            latacunga_person: persons[1],
            groups: [groups[0], groups[1]],
            cuenca_staged,
            latacunga_staged,
            cuenca_held,
            staged_persons: [in_cuenca, to_cuenca, in_latacunga, to_latacunga].concat(),
            outside_incident,
        }
    }

    fn cuenca(&self) -> Target<'static> {
        Target {
            facility: CUENCA,
            location: self.cuenca_location,
            cell: self.cuenca_cell,
            person: self.cuenca_person,
            groups: self.groups,
            staged: self.cuenca_staged,
        }
    }

    fn latacunga(&self) -> Target<'static> {
        Target {
            facility: LATACUNGA,
            location: self.latacunga_location,
            cell: self.latacunga_cell,
            person: self.latacunga_person,
            groups: self.groups,
            staged: self.latacunga_staged,
        }
    }

    /// What the administrator sees of a facility (details, locations, both histories),
    /// the persons found and their deadlines, where everyone is, the transfers, bulk
    /// operations, absences and counts, the staff and their shifts, the searches and
    /// seizures, the incidents, crises (with their boards), notifications, control
    /// statuses and the situation, the persons' files as stored (read from the store:
    /// reading them over HTTP would journal the read) and the journal's length, to prove
    /// that nothing changed.
    async fn snapshot(&self, s: &Server, store: &Store) -> (Vec<Value>, i64) {
        let mut seen = Vec::new();
        let persons = [
            &[self.cuenca_person, self.latacunga_person][..],
            &self.staged_persons,
        ]
        .concat();
        let movements = persons
            .iter()
            .map(|id| format!("/api/v1/persons/{id}/movements"));
        let operations = [self.cuenca_staged, self.latacunga_staged]
            .into_iter()
            .flat_map(|staged| staged.operations.all())
            .map(|id| format!("{OPERATIONS}/{id}"));
        let incidents = [self.cuenca_staged, self.latacunga_staged]
            .into_iter()
            .flat_map(|staged| {
                let i = staged.incidents;
                [
                    format!("{INCIDENTS}/{}", i.reported),
                    format!("{INCIDENTS}/{}", i.loose),
                    format!("{CRISES}/{}", i.crisis),
                    format!("{CRISES}/{}", i.closable),
                    format!("{CRISES}/{}/accountability", i.crisis),
                ]
            });
        let paths = [
            "/api/v1/facilities".to_owned(),
            format!("/api/v1/facilities/{CUENCA}/locations"),
            format!("/api/v1/facilities/{LATACUNGA}/locations"),
            format!("/api/v1/facilities/{CUENCA}/history"),
            format!("/api/v1/facilities/{LATACUNGA}/history"),
            format!("/api/v1/locations/{}/history", self.cuenca_location),
            format!("/api/v1/locations/{}/history", self.latacunga_location),
            // Everyone admitted has the alias "El Flaco".
            "/api/v1/persons?q=flaco&limit=100".to_owned(),
            "/api/v1/deadlines?within_days=3650".to_owned(),
            // Where everyone is, and the intelligence held.
            format!("/api/v1/locations/{}/occupants", self.cuenca_location),
            format!("/api/v1/locations/{}/occupants", self.latacunga_location),
            "/api/v1/groups".to_owned(),
            "/api/v1/keep-apart?limit=1000".to_owned(),
            TRANSFERS.to_owned(),
            ABSENCES.to_owned(),
            format!("/api/v1/counts?facility={CUENCA}"),
            format!("/api/v1/counts?facility={LATACUNGA}"),
            format!("{STAFF}?limit=200"),
            format!("/api/v1/facilities/{CUENCA}/shifts"),
            format!("/api/v1/facilities/{LATACUNGA}/shifts"),
            SEARCHES.to_owned(),
            SEIZURE_STATS.to_owned(),
            format!("/api/v1/items/{}", self.cuenca_staged.item),
            format!("/api/v1/items/{}", self.latacunga_staged.item),
            format!("{INCIDENTS}?limit=1000"),
            format!("{INCIDENTS}/{}", self.outside_incident),
            CRISES.to_owned(),
            format!("{NOTIFICATIONS}?limit=1000"),
            format!("/api/v1/facilities/{CUENCA}/control-status"),
            format!("/api/v1/facilities/{LATACUNGA}/control-status"),
            "/api/v1/situation".to_owned(),
        ];
        let all = paths
            .into_iter()
            .chain(movements)
            .chain(operations)
            .chain(incidents);
        for path in all {
            let mut r = s.get(&self.admin, &path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
            if path.ends_with("/occupants")
                || path.ends_with("/accountability")
                || path.ends_with("/situation")
            {
                // The instant looked at: now.
                r.body.as_object_mut().expect("an object").remove("at");
            }
            seen.push(r.body);
        }
        for id in persons {
            let stored = (
                store.person(id).await.expect("person"),
                store.episodes_of(id).await.expect("episodes"),
                store.legal_documents_of(id).await.expect("documents"),
                store.corrections_of(id).await.expect("corrections"),
            );
            assert!(stored.0.is_some(), "person {id}");
            seen.push(Value::String(format!("{stored:?}")));
        }
        (seen, journal_len(store).await)
    }

    /// Asserts that nothing changed since `before` but for the journaled reads of files
    /// `reads` (actor, person id), in that order.
    async fn assert_only_reads(
        &self,
        s: &Server,
        store: &Store,
        before: &(Vec<Value>, i64),
        reads: &[(String, i64)],
    ) {
        let (seen, len) = self.snapshot(s, store).await;
        assert_eq!(seen, before.0, "nothing changed");
        let added: Vec<(String, String, String)> = store
            .journal_page(before.1, 100_000)
            .await
            .expect("journal")
            .into_iter()
            .map(|e| (e.event_type, e.actor, e.subject))
            .collect();
        assert_eq!(len, before.1 + added.len() as i64);
        let expected: Vec<(String, String, String)> = reads
            .iter()
            .map(|(actor, id)| {
                (
                    ACCESS_READ.to_owned(),
                    actor.clone(),
                    format!("person:{id}"),
                )
            })
            .collect();
        assert_eq!(added, expected, "only the reads of files were journaled");
    }
}

async fn journal_len(store: &Store) -> i64 {
    store.journal_len().await.expect("journal length")
}

/// One documented operation: its method and path template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Op {
    template: String,
    method: &'static str,
    has_body: bool,
    /// A query string giving every required query parameter a value (`{code}` for a
    /// facility, replaced by the facility called on).
    query: String,
    /// The security schemes the document accepts for it (none: anyone may call it).
    schemes: BTreeSet<String>,
}

impl Op {
    fn is_public(&self) -> bool {
        self.schemes.is_empty()
    }

    /// Whether the document says a bearer token may call it.
    fn takes_bearer(&self) -> bool {
        self.schemes.contains("bearer")
    }

    /// Whether it may change anything. The placement check is a POST that changes
    /// nothing: it is a read.
    fn is_write(&self) -> bool {
        self.method != "GET" && !self.is_placement_check()
    }

    /// Whether it asks whether moves would be allowed (and changes nothing).
    fn is_placement_check(&self) -> bool {
        self.method == "POST" && self.template == PLACEMENT_CHECK
    }

    /// Whether it places a person in a cell (an officer may, in their facility).
    fn is_placement(&self) -> bool {
        self.method == "POST" && self.template == PLACEMENTS
    }

    /// Whether it is about gangs, affiliations or keep-apart rules: for whoever may not
    /// read intelligence it does not exist (404), and whoever may read but not write it
    /// is refused writes (403).
    fn is_intelligence(&self) -> bool {
        INTELLIGENCE.contains(&self.template.as_str())
            || self.template == "/api/v1/persons/{id}/affiliations"
    }

    /// The status `caller` gets for it in a facility they may read (or nationally), when
    /// the caller is not allowed to do it: 404 for intelligence they may not read, else
    /// 403.
    fn refusal(&self, sees_intelligence: bool) -> (u16, &'static str) {
        if self.is_intelligence() && !sees_intelligence {
            (404, "not_found")
        } else {
            (403, "forbidden")
        }
    }

    fn is_history(&self) -> bool {
        self.template.ends_with("/history")
    }

    /// Whether it reads who read what (national inspectors and administrators only).
    fn is_access_audit(&self) -> bool {
        self.template.starts_with("/api/v1/audit/")
    }

    /// Whether it admits a person (to the facility its body names).
    fn is_admission(&self) -> bool {
        self.method == "POST" && self.template == ADMISSIONS
    }

    /// Whether a facility officer may do it in their facility (see [`OFFICER_WRITES`]).
    fn officer_may_write(&self) -> bool {
        self.method == "POST" && OFFICER_WRITES.contains(&self.template.as_str())
    }

    /// Whether it approves transfers (national operations and administrators only).
    fn is_approval(&self) -> bool {
        self.method == "POST" && self.template.ends_with("/approve")
    }

    /// Whether it commands a crisis or sets a facility's control status (national
    /// operations and administrators only).
    fn is_national_command(&self) -> bool {
        self.method == "POST"
            && (self.template.starts_with(CRISES) || self.template.ends_with("/control-status"))
    }

    /// Whether it is about mandatory notifications: an officer may not read them, so
    /// their list is refused to them (403) and any one of them does not exist for them
    /// (404).
    fn is_notification(&self) -> bool {
        self.template.starts_with(NOTIFICATIONS)
    }

    /// Whether it creates a bulk operation (its persons named in its moves).
    fn is_bulk_request(&self) -> bool {
        self.method == "POST" && self.template == OPERATIONS
    }

    /// Whether it reads a person's file (a read that is journaled).
    fn reads_file(&self) -> bool {
        self.method == "GET" && self.template == "/api/v1/persons/{id}"
    }

    /// Whether it ends the custody that later writes about the person need.
    fn ends_custody(&self) -> bool {
        self.template == "/api/v1/persons/{id}/release"
    }

    /// Whether it names a person (and a cell) in its body: placements and their check.
    fn names_person_in_body(&self) -> bool {
        self.is_placement() || self.is_placement_check()
    }

    /// Whether it names in its body a person involved in the incident it is called on:
    /// as a witness, or as a casualty.
    fn names_person_of_incident(&self) -> bool {
        self.method == "POST"
            && [
                "/api/v1/incidents/{id}/people",
                "/api/v1/incidents/{id}/casualties",
            ]
            .contains(&self.template.as_str())
    }

    /// The key its body names what it is called on by: a person (placements and their
    /// check, a transfer, a bulk operation's move, an absence) or a location (a count).
    fn body_key(&self, at: Target<'_>) -> Option<i64> {
        if self.names_person_in_body() {
            return Some(at.person);
        }
        match (self.method, self.template.as_str()) {
            ("POST", TRANSFERS) => Some(at.staged.transfer_person),
            ("POST", OPERATIONS) => Some(at.staged.operation_person),
            ("POST", ABSENCES) => Some(at.staged.absence_person),
            ("POST", "/api/v1/counts") => Some(at.location),
            _ => None,
        }
    }

    /// Whether it names a facility by code in its query.
    fn names_facility_in_query(&self) -> bool {
        (self.method == "GET" && FACILITY_IN_QUERY.contains(&self.template.as_str()))
            || self.query.contains("{code}")
    }

    /// Whether it names a facility by code (in the path, the body or the query).
    fn names_facility(&self) -> bool {
        self.template.contains("{code}")
            || self.is_admission()
            || self.registers_staff()
            || self.records_search()
            || self.reports_incident()
            || self.names_facility_in_query()
    }

    /// Whether it reports an incident (at the facility its body's site names).
    fn reports_incident(&self) -> bool {
        self.method == "POST" && self.template == INCIDENTS
    }

    /// Whether it records a search (at the facility its body names).
    fn records_search(&self) -> bool {
        self.method == "POST" && self.template == SEARCHES
    }

    /// Whether it registers a staff member (at the home facility its body names).
    fn registers_staff(&self) -> bool {
        self.method == "POST" && self.template == STAFF
    }

    /// Whether it names a facility, a location, a person or a movement.
    fn is_scoped(&self) -> bool {
        self.names_facility() || self.template.contains("{id}") || self.body_key(ABSENT).is_some()
    }

    /// The id in its path, if any: of a person, a location, a transfer or bulk operation
    /// at the stage the step needs, an absence or a count.
    fn id(&self, at: Target<'_>) -> Option<i64> {
        let t = self.template.as_str();
        if !t.contains("{id}") {
            return None;
        }
        let last = t.rsplit('/').next().expect("a segment");
        let stage = |stages: Stages| match last {
            "{id}" | "approve" => stages.requested,
            "dispatch" => stages.approved,
            "receive" => stages.arriving,
            "cancel" => stages.cancellable,
            _ => panic!("{}: which stage?", self.name()),
        };
        Some(if t.starts_with("/api/v1/persons/{id}") {
            match last {
                "escape" => at.staged.escape_person,
                "recapture" => at.staged.escaped_person,
                "death" => at.staged.death_person,
                _ => at.person,
            }
        } else if t.starts_with("/api/v1/locations/{id}") {
            at.location
        } else if t.starts_with("/api/v1/transfers/{id}") {
            stage(at.staged.transfers)
        } else if t.starts_with("/api/v1/transfer-operations/{id}") {
            stage(at.staged.operations)
        } else if t == "/api/v1/absences/{id}/return" {
            at.staged.absence
        } else if t == "/api/v1/counts/{id}/reconcile" {
            at.staged.count
        } else if t == "/api/v1/staff/{id}" {
            at.staged.staff
        } else if t.starts_with("/api/v1/searches/{id}") {
            at.staged.search
        } else if t.starts_with("/api/v1/items/{id}") {
            at.staged.item
        } else if t.starts_with("/api/v1/incidents/{id}") {
            at.staged.incidents.reported
        } else if t == "/api/v1/crises/{id}/close" {
            at.staged.incidents.closable
        } else if t.starts_with("/api/v1/crises/{id}") {
            at.staged.incidents.crisis
        } else if t == "/api/v1/notifications/{id}/done" {
            at.staged.notification
        } else {
            panic!("{}: which kind of id?", self.name())
        })
    }

    /// The key that names what it is called on: a facility code, or an id (in the path
    /// or the body).
    fn key(&self, at: Target<'_>) -> String {
        if self.names_facility() {
            return at.facility.to_owned();
        }
        self.id(at)
            .or_else(|| self.body_key(at))
            .unwrap_or_else(|| panic!("{}: names nothing", self.name()))
            .to_string()
    }

    fn path(&self, at: Target<'_>) -> String {
        let mut path = self.template.clone();
        if let Some(id) = self.id(at) {
            path = path.replace("{id}", &id.to_string());
        }
        let mut query = self.query.clone();
        if self.method == "GET" && FACILITY_IN_QUERY.contains(&self.template.as_str()) {
            query.push(if query.is_empty() { '?' } else { '&' });
            query.push_str("facility={code}");
        }
        format!("{path}{query}").replace("{code}", at.facility)
    }

    /// A plausible body for the operation (a new operation with a body must be added here).
    fn body(&self, username: &str, at: Target<'_>) -> Option<Value> {
        if !self.has_body {
            return None;
        }
        let staged = &at.staged;
        Some(match (self.method, self.template.as_str()) {
            ("POST", "/api/v1/facilities") => facility("CPL-PI-9", "Pichincha", "Quito"),
            ("PATCH", "/api/v1/facilities/{code}") => json!({"name": "Renamed"}),
            ("POST", "/api/v1/facilities/{code}/locations") => location("PAB-NEW"),
            ("PATCH", "/api/v1/locations/{id}") => json!({"name": "Renamed"}),
            ("POST", "/api/v1/locations/{id}/out-of-service") => json!({"reason": "maintenance"}),
            ("POST", "/api/v1/auth/token") => json!({"username": username, "password": PASSWORD}),
            ("POST", ADMISSIONS) => new_admission(at.facility),
            ("POST", "/api/v1/persons/{id}/legal-documents") => json!({
                "kind": "sentence",
                "case_number": "09286-2026-01234",
                "court": "Tribunal de Garantías Penales con sede en el cantón Guayaquil",
                "judge": "Dr. Pedro Salazar",
                "issued_on": "2026-11-05",
                "sentence": {"years": 2, "months": 0, "days": 0},
            }),
            // Now: the person may have been placed a moment ago, and a release cannot be
            // recorded before their last movement.
            ("POST", "/api/v1/persons/{id}/release") => json!({
                "released_at": jiff::Timestamp::now().to_string(),
                "reason": "court_order",
                "authorized_by": "Unidad Judicial Penal con sede en el cantón Guayaquil",
            }),
            ("POST", "/api/v1/persons/{id}/corrections") => json!({
                "field": "first_surname",
                "value": "Mora",
                "reason": "cédula checked with the Registro Civil",
            }),
            ("POST", PLACEMENTS) => json!({"person_id": at.person, "location_id": at.cell}),
            ("POST", PLACEMENT_CHECK) => {
                json!({"moves": [{"person_id": at.person, "location_id": at.cell}]})
            }
            ("POST", "/api/v1/persons/{id}/classification") => json!({
                "level": "maximum",
                "reason": "cabecilla identificado por inteligencia",
            }),
            ("POST", "/api/v1/groups") => json!({"name": "Los Lobos"}),
            ("POST", "/api/v1/persons/{id}/affiliations") => json!({
                "group_id": at.groups[0],
                "role": "member",
                "source": "informe",
                "confidence": "high",
            }),
            ("POST", "/api/v1/keep-apart") => json!({
                "kind": "groups",
                "a": at.groups[0],
                "b": at.groups[1],
                "reason": "rival_gang",
                "scope": "unit",
                "authorized_by": "Director",
            }),
            ("POST", TRANSFERS) => transfer_request(false, staged.transfer_person, QUITO),
            ("POST", OPERATIONS) => transfer_request(true, staged.operation_person, QUITO),
            ("POST", "/api/v1/transfers/{id}/cancel")
            | ("POST", "/api/v1/transfer-operations/{id}/cancel") => {
                json!({"reason": "carretera cerrada"})
            }
            ("POST", step)
                if step.starts_with("/api/v1/transfers/{id}/")
                    || step.starts_with("/api/v1/transfer-operations/{id}/") =>
            {
                json!({})
            }
            ("POST", ABSENCES) => json!({
                "person_id": staged.absence_person,
                "kind": "court_appearance",
                "expected_back_at": hours_from_now(4),
                "note": "Audiencia de juicio",
            }),
            ("POST", "/api/v1/absences/{id}/return") => json!({}),
            ("POST", "/api/v1/persons/{id}/escape") => json!({
                "at": hours_from_now(0),
                "circumstances": "Fuga durante el cambio de guardia",
            }),
            ("POST", "/api/v1/persons/{id}/recapture") => json!({
                "at": hours_from_now(0),
                "note": "Recapturado por la Policía Nacional",
            }),
            ("POST", "/api/v1/persons/{id}/death") => json!({
                "died_at": hours_from_now(0),
                "place": "Celda",
                "cause": "natural",
                "circumstances": "Hallado sin signos vitales en el recuento",
            }),
            ("POST", "/api/v1/counts") => json!({"location_id": at.location, "counted": 3}),
            ("POST", STAFF) => new_staff(at.facility),
            ("PATCH", "/api/v1/staff/{id}") => json!({"rank": "Agente de primera"}),
            ("POST", "/api/v1/facilities/{code}/shifts") => json!({
                "starts_at": hours_from_now(1),
                "ends_at": hours_from_now(9),
                "posts": [{"post": "Garita 1", "staff_ids": [staged.staff]}],
            }),
            ("POST", "/api/v1/counts/{id}/reconcile") => {
                json!({"explanation": "Dos internos en enfermería, no anotados"})
            }
            ("POST", SEARCHES) => new_search(at.facility, at.location),
            ("POST", "/api/v1/searches/{id}/items") => seized_radio(),
            ("POST", "/api/v1/items/{id}/handovers") => json!({
                "from": search_team(),
                "to": {"name": "Ab. Jorge Alvarado", "office": "Fiscalía Provincial"},
                "at": hours_from_now(0),
                "purpose": "Entrega a Fiscalía",
                "disposal": "handed_to_prosecutor",
            }),
            ("POST", INCIDENTS) => new_incident(at.facility, at.location, "riot"),
            ("POST", "/api/v1/incidents/{id}/timeline")
            | ("POST", "/api/v1/crises/{id}/timeline") => {
                json!({"entry": "Llega el Grupo de Intervención y Rescate"})
            }
            ("POST", "/api/v1/incidents/{id}/status") => {
                json!({"status": "active", "note": "Negociación en curso"})
            }
            ("POST", "/api/v1/incidents/{id}/people") => {
                json!({"person_id": at.person, "role": "witness"})
            }
            ("POST", "/api/v1/incidents/{id}/casualties") => json!({
                "person_id": at.person,
                "outcome": "injured",
                "description": "Contusión en el brazo izquierdo",
            }),
            ("POST", "/api/v1/incidents/{id}/seizures") => json!({"search_id": staged.search}),
            ("POST", "/api/v1/incidents/{id}/attachments") => json!({
                "reference": "Parte informativo 0412-2026",
                "description": "Parte del jefe de guardia",
            }),
            ("POST", CRISES) => new_crisis(&[]),
            ("POST", "/api/v1/crises/{id}/incidents") => {
                json!({"incident_id": staged.incidents.loose})
            }
            ("POST", "/api/v1/crises/{id}/hostages") => json!({
                "incident_id": staged.incidents.reported,
                "staff_ids": [staged.incidents.free_guard],
                "at": hours_from_now(0),
                "circumstances": "Tomado en el pasillo del pabellón A",
            }),
            ("POST", "/api/v1/crises/{id}/hostages/release") => json!({
                "incident_id": staged.incidents.reported,
                "staff_ids": [staged.incidents.hostage],
                "at": hours_from_now(0),
                "circumstances": "Liberado tras la negociación",
            }),
            ("POST", "/api/v1/crises/{id}/staff-status") => json!({
                "incident_id": staged.incidents.reported,
                "staff_ids": [staged.incidents.hurt_guard],
                "status": "injured",
                "at": hours_from_now(0),
            }),
            ("POST", "/api/v1/crises/{id}/close") => json!({"note": "Situación controlada"}),
            ("POST", "/api/v1/facilities/{code}/control-status") => json!({
                "status": "disturbance",
                "reason": "Riña en el pabellón A",
            }),
            ("POST", "/api/v1/notifications/{id}/done") => json!({
                "channel": "phone",
                "notified": "Juez de Garantías Penitenciarias de turno",
            }),
            _ => panic!("{self:?}: give this operation a plausible body"),
        })
    }

    async fn call(&self, s: &Server, authorization: Option<&str>, at: Target<'_>) -> Reply {
        let body = self.body("signer", at);
        s.call(
            Method::from_bytes(self.method.as_bytes()).expect("method"),
            &self.path(at),
            authorization,
            body.as_ref(),
        )
        .await
    }

    async fn call_as(&self, s: &Server, token: &str, at: Target<'_>) -> Reply {
        self.call(s, Some(&format!("Bearer {token}")), at).await
    }

    fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// Asserts that a call made on `at` by someone allowed to make it did what it says:
    /// for the movements, the transfer, operation, absence, presence or count that came
    /// of it.
    #[track_caller]
    fn assert_done(&self, r: &Reply, at: Target<'_>, what: &str) {
        assert!(r.status.is_success(), "{what}: {} {}", r.status, r.body);
        if self.method != "POST" {
            return;
        }
        let staged = &at.staged;
        let last = self.template.rsplit('/').next().expect("a segment");
        let status = match last {
            "approve" => "approved",
            "dispatch" => "dispatched",
            "receive" => "received",
            "cancel" => "cancelled",
            _ => "",
        };
        let expected: Vec<(String, Value)> = match self.template.as_str() {
            TRANSFERS => vec![
                ("/status".into(), json!("requested")),
                ("/person_id".into(), json!(staged.transfer_person)),
                ("/from_facility".into(), json!(at.facility)),
            ],
            // Received into the facility called on; the other steps from it.
            t if t.starts_with("/api/v1/transfers/{id}/") => {
                let end = if last == "receive" {
                    "/to_facility"
                } else {
                    "/from_facility"
                };
                vec![
                    ("/status".into(), json!(status)),
                    (end.into(), json!(at.facility)),
                ]
            }
            OPERATIONS => vec![
                ("/counts/requested".into(), json!(1)),
                (
                    "/transfers/0/person_id".into(),
                    json!(staged.operation_person),
                ),
            ],
            t if t.starts_with("/api/v1/transfer-operations/{id}/") => vec![
                (format!("/counts/{status}"), json!(1)),
                ("/transfers/0/status".into(), json!(status)),
            ],
            ABSENCES => vec![
                ("/person_id".into(), json!(staged.absence_person)),
                ("/facility".into(), json!(at.facility)),
                ("/returned_at".into(), Value::Null),
            ],
            "/api/v1/absences/{id}/return" => vec![("/id".into(), json!(staged.absence))],
            "/api/v1/persons/{id}/escape" => vec![
                ("/person_id".into(), json!(staged.escape_person)),
                ("/presence".into(), json!("escaped")),
            ],
            "/api/v1/persons/{id}/recapture" => vec![
                ("/person_id".into(), json!(staged.escaped_person)),
                ("/presence".into(), json!("unallocated")),
            ],
            "/api/v1/persons/{id}/death" => vec![
                ("/person_id".into(), json!(staged.death_person)),
                ("/presence".into(), json!("ended")),
            ],
            "/api/v1/counts" => vec![
                ("/facility".into(), json!(at.facility)),
                ("/location_id".into(), json!(at.location)),
                ("/counted".into(), json!(3)),
            ],
            "/api/v1/counts/{id}/reconcile" => vec![
                ("/id".into(), json!(staged.count)),
                ("/open".into(), json!(false)),
            ],
            STAFF => vec![
                ("/home_facility".into(), json!(at.facility)),
                ("/active".into(), json!(true)),
            ],
            "/api/v1/facilities/{code}/shifts" => vec![
                ("/facility".into(), json!(at.facility)),
                ("/staff_ids".into(), json!([staged.staff])),
            ],
            SEARCHES => vec![
                ("/facility".into(), json!(at.facility)),
                ("/location_ids".into(), json!([at.location])),
            ],
            "/api/v1/searches/{id}/items" => vec![
                ("/search_id".into(), json!(staged.search)),
                ("/facility".into(), json!(at.facility)),
            ],
            "/api/v1/items/{id}/handovers" => vec![
                ("/id".into(), json!(staged.item)),
                ("/disposal".into(), json!("handed_to_prosecutor")),
            ],
            INCIDENTS => vec![
                ("/site/facility".into(), json!(at.facility)),
                ("/site/location_id".into(), json!(at.location)),
                ("/type".into(), json!("riot")),
                ("/status".into(), json!("reported")),
            ],
            "/api/v1/incidents/{id}/timeline" | "/api/v1/crises/{id}/timeline" => {
                vec![("/kind".into(), json!("note"))]
            }
            "/api/v1/incidents/{id}/status" => vec![
                ("/id".into(), json!(staged.incidents.reported)),
                ("/status".into(), json!("active")),
            ],
            "/api/v1/incidents/{id}/people" => vec![
                ("/person_id".into(), json!(at.person)),
                ("/role".into(), json!("witness")),
            ],
            "/api/v1/incidents/{id}/casualties" => vec![
                ("/person_id".into(), json!(at.person)),
                ("/outcome".into(), json!("injured")),
            ],
            "/api/v1/incidents/{id}/attachments" => {
                vec![("/reference".into(), json!("Parte informativo 0412-2026"))]
            }
            "/api/v1/incidents/{id}/seizures" => vec![("/search_id".into(), json!(staged.search))],
            CRISES => vec![
                ("/status".into(), json!("active")),
                ("/incident_ids".into(), json!([])),
            ],
            "/api/v1/crises/{id}/incidents" => vec![("/id".into(), json!(staged.incidents.crisis))],
            "/api/v1/crises/{id}/hostages"
            | "/api/v1/crises/{id}/hostages/release"
            | "/api/v1/crises/{id}/staff-status" => {
                vec![("/crisis_id".into(), json!(staged.incidents.crisis))]
            }
            "/api/v1/crises/{id}/close" => vec![
                ("/id".into(), json!(staged.incidents.closable)),
                ("/status".into(), json!("closed")),
            ],
            "/api/v1/facilities/{code}/control-status" => vec![
                ("/facility".into(), json!(at.facility)),
                ("/status".into(), json!("disturbance")),
            ],
            "/api/v1/notifications/{id}/done" => vec![
                ("/id".into(), json!(staged.notification)),
                ("/facility".into(), json!(at.facility)),
                ("/status".into(), json!("done")),
            ],
            _ => Vec::new(),
        };
        for (pointer, value) in expected {
            let got = r.body.pointer(&pointer);
            assert_eq!(got, Some(&value), "{what}: {pointer} in {}", r.body);
        }
        if self.template == "/api/v1/absences/{id}/return" {
            assert!(r.body["returned_at"].is_string(), "{what}: {}", r.body);
        }
        if self.template == "/api/v1/crises/{id}/incidents" {
            let loose = json!(staged.incidents.loose);
            let ids = r.body["incident_ids"].as_array();
            assert!(
                ids.is_some_and(|ids| ids.contains(&loose)),
                "{what}: {}",
                r.body
            );
        }
        // What the board says now of the guard the command was about.
        let guard = match self.template.as_str() {
            "/api/v1/crises/{id}/hostages" => Some((staged.incidents.free_guard, "held")),
            "/api/v1/crises/{id}/hostages/release" => Some((staged.incidents.hostage, "released")),
            "/api/v1/crises/{id}/staff-status" => Some((staged.incidents.hurt_guard, "injured")),
            _ => None,
        };
        if let Some((staff, status)) = guard {
            let got = board_status(&r.body, staff);
            assert_eq!(
                got,
                Some(&json!(status)),
                "{what}: staff {staff} in {}",
                r.body
            );
        }
    }
}

/// Every operation of the OpenAPI document, in a stable order.
async fn operations(s: &Server, token: &str) -> Vec<Op> {
    let r = s.get(token, "/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut ops = BTreeSet::new();
    for (template, item) in r.body["paths"].as_object().expect("paths") {
        for (method, name) in METHODS {
            let Some(documented) = item.get(method) else {
                continue;
            };
            let op = Op {
                template: template.clone(),
                method: name,
                has_body: documented.get("requestBody").is_some(),
                query: required_query(documented),
                schemes: schemes(documented),
            };
            // Exactly the probes and signing in are open to anyone.
            let public = PUBLIC.contains(&template.as_str());
            assert_eq!(op.is_public(), public, "{}: security", op.name());
            ops.insert(op);
        }
    }
    let ops: Vec<Op> = ops.into_iter().collect();
    assert!(ops.len() >= 14, "only {} operations documented", ops.len());
    // Every operation named for its expectations is documented (a stale name there
    // would hide nothing, but would say something false).
    for template in OFFICER_WRITES.iter().chain(&FACILITY_IN_QUERY) {
        assert!(
            ops.iter().any(|op| op.template == *template),
            "{template} is not documented"
        );
    }
    ops
}

/// `?name=value&…` for the required query parameters of an operation (a facility is
/// `{code}`, for the facility called on).
fn required_query(op: &Value) -> String {
    let pairs: Vec<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .map(|p| {
            let value = match (p["name"].as_str(), p["schema"]["type"].as_str()) {
                (Some("facility"), _) => "{code}",
                (_, Some("boolean")) => "true",
                _ => "1",
            };
            format!("{}={value}", p["name"].as_str().expect("parameter name"))
        })
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// The names of the security schemes of an operation's alternatives.
fn schemes(op: &Value) -> BTreeSet<String> {
    op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys().cloned())
        .collect()
}

/// Asserts that two answers of the placement check, for the moves of `at` and of
/// `other`, are both 200 and the same but for the ids the moves name.
#[track_caller]
fn assert_same_check(r: &Reply, at: &Target<'_>, other_r: &Reply, other: &Target<'_>, what: &str) {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
    assert_eq!(other_r.status, StatusCode::OK, "{what}: {}", other_r.body);
    let keyless = |body: &Value, at: &Target<'_>| {
        let mut body = body.clone();
        for result in body["results"].as_array_mut().expect("results") {
            result["person_id"] = Value::Null;
            result["location_id"] = Value::Null;
            for reason in result["reasons"].as_array_mut().expect("reasons") {
                let message = reason["message"].as_str().expect("message");
                reason["message"] = Value::String(
                    message
                        .replace(&at.person.to_string(), "PERSON")
                        .replace(&at.cell.to_string(), "CELL"),
                );
            }
        }
        body
    };
    assert_eq!(
        keyless(&r.body, at),
        keyless(&other_r.body, other),
        "{what}"
    );
    let result = &r.body["results"][0];
    assert_eq!(result["allowed"], false, "{what}: {}", r.body);
}

/// A problem without its request id, its key (a person id) replaced by a placeholder in
/// its detail and in the message of each field named.
fn keyless_problem(r: &Reply, key: &str) -> Value {
    let mut body = r.body_sans_request_id();
    body["detail"] = Value::String(without_key(&body["detail"], key));
    if let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) {
        for error in errors {
            error["message"] = Value::String(without_key(&error["message"], key));
        }
    }
    body
}

/// The codes of the fields a 422 names, as `field:code`.
fn field_codes(r: &Reply) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            format!(
                "{}:{}",
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

/// A detail with its key (a facility code, a location or person id) replaced by a
/// placeholder.
fn without_key(detail: &Value, key: &str) -> String {
    detail.as_str().expect("detail").replace(key, "KEY")
}

both_backends! {
    // Without a valid token, every non-public operation answers 401 and changes nothing.
    async fn every_operation_needs_a_token(db) {
        let store = &db.store;
        let s = Server::start(store).await;
        let w = World::build(&s, store).await;
        let ops = operations(&s, &w.admin).await;
        add_user(store, "signer", vec![Grant::national(Role::Inspector)]).await;

        // A revoked token and a disabled user's token, each working until then.
        add_user(store, "revoked", vec![Grant::national(Role::NationalAdmin)]).await;
        let revoked = token_of(store, "revoked", TokenScope::Full).await;
        let disabled = bearer_for(store, "gone", vec![Grant::national(Role::NationalAdmin)]).await;
        for token in [&revoked.token, &disabled] {
            assert_eq!(s.get(token, "/api/v1/facilities").await.status, StatusCode::OK);
        }
        users::revoke_token(store, &operator(), revoked.record.id).await.expect("revoke");
        users::disable(store, &operator(), "gone").await.expect("disable");

        let unknown = format!("cst_{}", "0123456789abcdef".repeat(4));
        let variants: Vec<(&str, Option<String>)> = vec![
            ("no token", None),
            ("malformed token", Some("Bearer nonsense".into())),
            ("unknown token", Some(format!("Bearer {unknown}"))),
            ("revoked token", Some(format!("Bearer {}", revoked.token))),
            ("disabled user's token", Some(format!("Bearer {disabled}"))),
            ("a valid token under another scheme", Some(format!("Basic {}", w.admin))),
            ("an empty bearer", Some("Bearer ".into())),
        ];

        let before = w.snapshot(&s, store).await;
        let mut refused = 0;
        for op in ops.iter().filter(|op| !op.is_public()) {
            for (what, header) in &variants {
                let journal = journal_len(store).await;
                let r = op.call(&s, header.as_deref(), w.cuenca()).await;
                assert_unauthenticated(&r, &format!("{} with {what}", op.name()));
                assert_eq!(journal_len(store).await, journal, "{} with {what}", op.name());
                refused += 1;
            }
        }
        assert!(refused >= 11 * variants.len(), "only {refused} refusals");
        assert_eq!(w.snapshot(&s, store).await, before);

        // The public operations do not ask for a token, whatever the header says.
        for op in ops.iter().filter(|op| op.is_public()) {
            for (what, header) in &variants {
                let r = op.call(&s, header.as_deref(), w.cuenca()).await;
                assert_eq!(r.status, StatusCode::OK, "{} with {what}: {}", op.name(), r.body);
            }
        }

        // And with the administrator's token every operation documented for bearer
        // tokens works (the 401s above are about the token, not about the requests); the
        // others refuse it. The release comes last: the person's other writes need them
        // in custody (the movements each act on their own person, transfer, absence…).
        let mut in_order: Vec<&Op> =
            ops.iter().filter(|op| !op.is_public()).collect();
        in_order.sort_by_key(|op| op.ends_custody());
        for op in in_order {
            let r = op.call_as(&s, &w.admin, w.cuenca()).await;
            if op.takes_bearer() {
                op.assert_done(&r, w.cuenca(), &format!("{} as admin", op.name()));
            } else {
                assert_unauthenticated(&r, &format!("{} as admin", op.name()));
            }
        }
    }

    // A facility grant shows nothing of another facility: its records look absent (404).
    async fn other_facilities_are_invisible(db) {
        let store = &db.store;
        let s = Server::start(store).await;
        let w = World::build(&s, store).await;
        let ops = operations(&s, &w.admin).await;
        let officer =
            bearer_for(store, "officer", vec![Grant::facility(Role::FacilityOfficer, CUENCA)])
                .await;
        let director =
            bearer_for(store, "director", vec![Grant::facility(Role::FacilityDirector, CUENCA)])
                .await;
        let before = w.snapshot(&s, store).await;

        let scoped: Vec<&Op> = ops.iter().filter(|op| op.is_scoped()).collect();
        assert!(
            scoped.len() >= 16,
            "only {} operations on a facility, location or person",
            scoped.len()
        );
        let mut reads = Vec::new();
        for (who, token) in [("officer", &officer), ("director", &director)] {
            // Their own facility is there for them.
            let own = s.get(token, &format!("/api/v1/facilities/{CUENCA}")).await;
            assert_eq!(own.status, StatusCode::OK, "{who}: {}", own.body);
            let own = s.get(token, &format!("/api/v1/locations/{}", w.cuenca_location)).await;
            assert_eq!(own.status, StatusCode::OK, "{who}: {}", own.body);
            let own = s.get(token, &format!("/api/v1/persons/{}", w.cuenca_person)).await;
            assert_eq!(own.status, StatusCode::OK, "{who}: {}", own.body);
            reads.push((format!("user:{who}"), w.cuenca_person));

            for op in &scoped {
                let what = format!("{} as {who}", op.name());
                let hidden = op.call_as(&s, token, w.latacunga()).await;
                let absent = op.call_as(&s, token, ABSENT).await;
                if op.is_placement_check() {
                    // Answered for every move, as for a person who does not exist.
                    assert_same_check(&hidden, &w.latacunga(), &absent, &ABSENT, &what);
                    continue;
                }
                if op.is_bulk_request() {
                    // Validated as a whole: the person held elsewhere is an unknown
                    // person (422), in the same words as one who does not exist. Whoever
                    // may request no transfer anywhere is refused before that (403).
                    let (status, code) =
                        if who == "director" { (422, "invalid_input") } else { (403, "forbidden") };
                    assert_problem(&hidden, status, code, &what);
                    assert_problem(&absent, status, code, &format!("{what} (absent)"));
                    if status == 422 {
                        let fields = field_codes(&hidden);
                        assert_eq!(fields, ["moves[0].person_id:unknown_person"], "{what}");
                    }
                    assert_eq!(
                        keyless_problem(&hidden, &op.key(w.latacunga())),
                        keyless_problem(&absent, &op.key(ABSENT)),
                        "{what}"
                    );
                    continue;
                }
                if who == "officer" && op.is_notification() && !op.is_write() {
                    // An officer may read no notifications anywhere: refused (403) alike
                    // for another facility and for one that does not exist.
                    assert_problem(&hidden, 403, "forbidden", &what);
                    assert_problem(&absent, 403, "forbidden", &format!("{what} (absent)"));
                    assert_eq!(hidden.body_sans_request_id(), absent.body_sans_request_id());
                    continue;
                }
                assert_problem(&hidden, 404, "not_found", &what);
                assert_problem(&absent, 404, "not_found", &format!("{what} (absent)"));
                // Exactly as for something that does not exist, but for the key.
                assert_eq!(
                    without_key(&hidden.body["detail"], &op.key(w.latacunga())),
                    without_key(&absent.body["detail"], &op.key(ABSENT)),
                    "{what}"
                );
                let mut hidden_body = hidden.body_sans_request_id();
                let mut absent_body = absent.body_sans_request_id();
                hidden_body["detail"] = Value::Null;
                absent_body["detail"] = Value::Null;
                assert_eq!(hidden_body, absent_body, "{what}");
            }

            // Their own person, into another facility's cell: exactly as into a cell that
            // does not exist (and nobody moves).
            let mixed = Target { cell: w.latacunga_cell, ..w.cuenca() };
            let nowhere = Target { cell: NO_LOCATION, ..w.cuenca() };
            for op in ops.iter().filter(|op| op.names_person_in_body()) {
                let what = format!("{} into another facility's cell as {who}", op.name());
                let hidden = op.call_as(&s, token, mixed).await;
                let absent = op.call_as(&s, token, nowhere).await;
                if op.is_placement_check() {
                    assert_same_check(&hidden, &mixed, &absent, &nowhere, &what);
                    continue;
                }
                assert!(hidden.status.is_client_error(), "{what}: {}", hidden.body);
                assert_eq!(hidden.status, absent.status, "{what}: {}", hidden.body);
                let keyless = |r: &Reply, cell: i64| {
                    r.body_sans_request_id()
                        .to_string()
                        .replace(&format!("location {cell} "), "location CELL ")
                };
                let hidden_text = keyless(&hidden, w.latacunga_cell);
                let absent_text = keyless(&absent, NO_LOCATION);
                assert_eq!(hidden_text, absent_text, "{what}");
                assert!(!hidden_text.contains(LATACUNGA), "{what}: {hidden_text}");
            }
            // Nor does a person coming back from an absence, received from a transfer or
            // recaptured go into another facility's cell: exactly as into one that does
            // not exist (and nobody moves).
            let staged = &w.cuenca_staged;
            let returns = [
                (format!("/api/v1/absences/{}/return", staged.absence), json!({})),
                (format!("{TRANSFERS}/{}/receive", staged.transfers.arriving), json!({})),
                (
                    format!("/api/v1/persons/{}/recapture", staged.escaped_person),
                    json!({"at": hours_from_now(0)}),
                ),
            ];
            for (path, body) in returns {
                let what = format!("POST {path} into another facility's cell as {who}");
                let into = |cell: i64| {
                    let mut body = body.clone();
                    body["location_id"] = json!(cell);
                    body
                };
                let hidden = s
                    .with_token(token, Method::POST, &path, Some(&into(w.latacunga_cell)))
                    .await;
                let absent = s.with_token(token, Method::POST, &path, Some(&into(NO_LOCATION))).await;
                assert!(hidden.status.is_client_error(), "{what}: {}", hidden.body);
                assert_eq!(hidden.status, absent.status, "{what}: {}", hidden.body);
                let keyless = |r: &Reply, cell: i64| {
                    r.body_sans_request_id()
                        .to_string()
                        .replace(&format!("location {cell} "), "location CELL ")
                };
                let hidden_text = keyless(&hidden, w.latacunga_cell);
                assert_eq!(hidden_text, keyless(&absent, NO_LOCATION), "{what}");
                assert!(!hidden_text.contains(LATACUNGA), "{what}: {hidden_text}");
            }

            // A transfer (single or bulk) of their own person to another facility may not
            // name a cell there that they cannot see: answered exactly as a cell that does
            // not exist (and nothing is requested).
            let requests = [
                (TRANSFERS, staged.transfer_person),
                (OPERATIONS, staged.operation_person),
            ];
            for (path, person) in requests {
                let what = format!("POST {path} into another facility's cell as {who}");
                let into = |cell: i64| {
                    let bulk = path == OPERATIONS;
                    let mut body = transfer_request(bulk, person, LATACUNGA);
                    let request = if bulk { &mut body["moves"][0] } else { &mut body };
                    request["to_location_id"] = json!(cell);
                    body
                };
                let absent = s.with_token(token, Method::POST, path, Some(&into(NO_LOCATION))).await;
                let hidden = s
                    .with_token(token, Method::POST, path, Some(&into(w.latacunga_cell)))
                    .await;
                assert!(absent.status.is_client_error(), "{what}: {}", absent.body);
                assert_eq!(hidden.status, absent.status, "{what}: {}", hidden.body);
                let hidden_text = keyless_problem(&hidden, &w.latacunga_cell.to_string());
                let absent_text = keyless_problem(&absent, &NO_LOCATION.to_string());
                assert_eq!(hidden_text, absent_text, "{what}");
            }

            // Nor may an incident of their own name a person held in another facility
            // (involved, or a casualty): answered exactly as a person who does not exist
            // (and nothing is recorded); the officer, who may do neither, is refused both.
            let mixed = Target { person: w.latacunga_person, ..w.cuenca() };
            let nobody = Target { person: NO_PERSON, ..w.cuenca() };
            for op in ops.iter().filter(|op| op.names_person_of_incident()) {
                let what = format!("{} naming another facility's person as {who}", op.name());
                let hidden = op.call_as(&s, token, mixed).await;
                let absent = op.call_as(&s, token, nobody).await;
                let (status, code) =
                    if who == "director" { (422, "invalid_input") } else { (403, "forbidden") };
                assert_problem(&hidden, status, code, &what);
                assert_problem(&absent, status, code, &format!("{what} (absent)"));
                if status == 422 {
                    assert_eq!(field_codes(&hidden), ["person_id:unknown_person"], "{what}");
                }
                assert_eq!(
                    keyless_problem(&hidden, &w.latacunga_person.to_string()),
                    keyless_problem(&absent, &NO_PERSON.to_string()),
                    "{what}"
                );
            }

            let list = s.get(token, "/api/v1/facilities").await;
            assert_eq!(list.status, StatusCode::OK, "{who}: {}", list.body);
            let codes: Vec<&str> = list
                .body
                .as_array()
                .expect("a list")
                .iter()
                .map(|f| f["code"].as_str().expect("code"))
                .collect();
            assert_eq!(codes, [CUENCA], "{who}");

            // Nor does a search find the person held there.
            let found = s.get(token, "/api/v1/persons?q=flaco&limit=100").await;
            assert_eq!(found.status, StatusCode::OK, "{who}: {}", found.body);
            let ids: Vec<i64> = found.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|p| p["id"].as_i64().expect("id"))
                .collect();
            assert_eq!(sorted(ids), sorted(w.cuenca_held.clone()), "{who}");
            let due = s.get(token, "/api/v1/deadlines?within_days=3650").await;
            assert_eq!(due.status, StatusCode::OK, "{who}: {}", due.body);
            let ids: Vec<i64> = due.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|d| d["person_id"].as_i64().expect("person_id"))
                .collect();
            assert_eq!(sorted(ids), sorted(w.cuenca_held.clone()), "{who}");

            // Nor do the lists of transfers and absences show another facility's: only
            // the transfers from or to their facility (whoever requested them), only its
            // absences.
            let all = s.get(&w.admin, TRANSFERS).await;
            assert_eq!(all.status, StatusCode::OK, "{}", all.body);
            let all = all.body.as_array().expect("a list").clone();
            let theirs: Vec<i64> = all
                .iter()
                .filter(|t| t["from_facility"] == CUENCA || t["to_facility"] == CUENCA)
                .map(id_of)
                .collect();
            let listed = s.get(token, TRANSFERS).await;
            assert_eq!(listed.status, StatusCode::OK, "{who}: {}", listed.body);
            let listed: Vec<i64> = listed.body.as_array().expect("a list").iter().map(id_of).collect();
            assert_eq!(sorted(listed.clone()), sorted(theirs), "{who}");
            let elsewhere = w.latacunga_staged.transfers.all();
            assert!(elsewhere.iter().all(|id| all.iter().any(|t| id_of(t) == *id)));
            assert!(!listed.iter().any(|id| elsewhere.contains(id)), "{who}: {listed:?}");
            let own = w.cuenca_staged.transfers.all();
            assert!(own.iter().all(|id| listed.contains(id)), "{who}: {listed:?}");

            let absences = s.get(token, ABSENCES).await;
            assert_eq!(absences.status, StatusCode::OK, "{who}: {}", absences.body);
            let ids: Vec<i64> = absences.body.as_array().expect("a list").iter().map(id_of).collect();
            assert_eq!(ids, [w.cuenca_staged.absence], "{who}");

            // Nor the incidents, crises and notifications of another facility: only their
            // facility's incidents are listed, only the crises over one of them, only
            // their facility's notifications (none national, such as for a hostage-taking,
            // for the director; none at all for the officer). An incident outside any
            // facility is national: it does not exist for them.
            let (own, other) = (w.cuenca_staged.incidents, w.latacunga_staged.incidents);
            let listed = s.get(token, INCIDENTS).await;
            assert_eq!(listed.status, StatusCode::OK, "{who}: {}", listed.body);
            let listed = listed.body.as_array().expect("a list").clone();
            assert!(listed.iter().all(|i| i["site"]["facility"] == CUENCA), "{who}: {listed:?}");
            let ids: Vec<i64> = listed.iter().map(id_of).collect();
            assert!(ids.contains(&own.reported) && ids.contains(&own.loose), "{who}: {ids:?}");
            for id in [other.reported, other.loose, w.outside_incident] {
                assert!(!ids.contains(&id), "{who}: {ids:?}");
            }
            let crises = s.get(token, CRISES).await;
            assert_eq!(crises.status, StatusCode::OK, "{who}: {}", crises.body);
            let ids: Vec<i64> = crises.body.as_array().expect("a list").iter().map(id_of).collect();
            assert_eq!(sorted(ids), sorted(vec![own.crisis, own.closable]), "{who}");
            let notifications = s.get(token, NOTIFICATIONS).await;
            if who == "officer" {
                assert_problem(&notifications, 403, "forbidden", "notifications as officer");
            } else {
                assert_eq!(notifications.status, StatusCode::OK, "{who}: {}", notifications.body);
                let listed = notifications.body.as_array().expect("a list");
                assert!(!listed.is_empty(), "{who}: the escapes' notifications");
                assert!(listed.iter().all(|n| n["facility"] == CUENCA), "{who}: {listed:?}");
            }
            let outside = w.outside_incident.to_string();
            let hidden = s.get(token, &format!("{INCIDENTS}/{outside}")).await;
            let absent = s.get(token, &format!("{INCIDENTS}/{NO_ID}")).await;
            assert_problem(&hidden, 404, "not_found", &format!("the attack outside as {who}"));
            assert_eq!(
                keyless_problem(&hidden, &outside),
                keyless_problem(&absent, &NO_ID.to_string()),
                "{who}"
            );
        }
        // Only their reads of their own facility's file were journaled.
        w.assert_only_reads(&s, store, &before, &reads).await;
    }

    // Roles that may only read are refused every write (403), and can still read; an
    // officer may admit, place, record movements out and back and count in their facility,
    // and write nothing else; a director may not approve transfers. Intelligence
    // does not exist (404) for whoever may not read it; whoever may read it but not write
    // it is refused writes (403).
    async fn weak_roles_are_refused(db) {
        let store = &db.store;
        let s = Server::start(store).await;
        let w = World::build(&s, store).await;
        let ops: Vec<Op> = operations(&s, &w.admin)
            .await
            .into_iter()
            .filter(Op::takes_bearer)
            .collect();
        let mut writes: Vec<&Op> = ops.iter().filter(|op| op.is_write()).collect();
        assert!(writes.len() >= 10, "only {} write operations", writes.len());
        // The release last: the person's other writes need them in custody.
        writes.sort_by_key(|op| op.ends_custody());
        let officer =
            bearer_for(store, "officer", vec![Grant::facility(Role::FacilityOfficer, CUENCA)])
                .await;
        let inspector =
            bearer_for(store, "inspector", vec![Grant::national(Role::Inspector)]).await;
        add_user(store, "reader", vec![Grant::national(Role::NationalAdmin)]).await;
        let read_only = token_of(store, "reader", TokenScope::ReadOnly).await.token;
        let before = w.snapshot(&s, store).await;

        // The officer, in their own facility: reads (people, deadlines, the roll, the
        // placement check, transfers, absences and counts, incidents, crises and the
        // situation included), but no history, no access audit, no intelligence (404: it
        // does not exist for them), no notifications (their list refused, any one of them
        // absent) and no writes but admissions, placements, absences, escapes, deaths,
        // counts, the dispatch and receipt of transfers and incident reports with their
        // timelines and attachments (tried below, once every refusal has been shown to
        // change nothing): no transfer requests, approvals or cancellations, no managing
        // of incidents, no crisis command.
        let mut reads = Vec::new();
        for op in ops.iter().filter(|op| !op.officer_may_write()) {
            let what = format!("{} as officer", op.name());
            let r = op.call_as(&s, &officer, w.cuenca()).await;
            if op.is_intelligence() || (op.is_notification() && op.is_write()) {
                assert_problem(&r, 404, "not_found", &what);
            } else if op.is_write()
                || op.is_history()
                || op.is_access_audit()
                || op.is_notification()
            {
                assert_problem(&r, 403, "forbidden", &what);
            } else {
                assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                if op.reads_file() {
                    reads.push(("user:officer".to_owned(), w.cuenca_person));
                }
            }
        }

        // The inspector and a read-only token of an administrator, anywhere: every read,
        // histories included, and no writes. The inspector may not read intelligence, so
        // it does not exist for them (404); the administrator's read-only token reads it
        // and is refused its writes (403).
        for (who, actor, token, sees_intelligence) in [
            ("inspector", "user:inspector", &inspector, false),
            ("read-only token", "user:reader", &read_only, true),
        ] {
            for at in [w.cuenca(), w.latacunga()] {
                for op in &ops {
                    let what = format!("{} on {} as {who}", op.name(), at.facility);
                    let r = op.call_as(&s, token, at).await;
                    if op.is_write() || (op.is_intelligence() && !sees_intelligence) {
                        let (status, code) = op.refusal(sees_intelligence);
                        assert_problem(&r, status, code, &what);
                    } else {
                        assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.body);
                        if op.reads_file() {
                            reads.push((actor.to_owned(), at.person));
                        }
                    }
                }
            }
        }
        assert_eq!(reads.len(), 5, "{reads:?}");
        w.assert_only_reads(&s, store, &before, &reads).await;

        // The officer admits in their own facility.
        let admit = ops.iter().find(|op| op.is_admission()).expect("admissions documented");
        let r = admit.call_as(&s, &officer, w.cuenca()).await;
        assert_eq!(r.status, StatusCode::CREATED, "admission as officer: {}", r.body);
        assert_eq!(r.body["facility"], CUENCA, "{}", r.body);
        assert_eq!(r.body["in_custody"], true, "{}", r.body);

        // The officer places a person of their facility in one of its cells.
        let place = ops.iter().find(|op| op.is_placement()).expect("placements documented");
        let r = place.call_as(&s, &officer, w.cuenca()).await;
        assert_eq!(r.status, StatusCode::CREATED, "placement as officer: {}", r.body);
        assert_eq!(r.body["facility"], CUENCA, "{}", r.body);
        assert_eq!(r.body["person_id"], w.cuenca_person, "{}", r.body);
        assert_eq!(r.body["location_id"], w.cuenca_cell, "{}", r.body);

        // The officer sends persons out on absences and takes them back, records escapes,
        // recaptures and deaths, counts and reconciles, and dispatches and receives the
        // transfers of their facility, single and bulk.
        for op in writes.iter().filter(|op| {
            op.officer_may_write() && !op.is_admission() && !op.is_placement()
        }) {
            let r = op.call_as(&s, &officer, w.cuenca()).await;
            op.assert_done(&r, w.cuenca(), &format!("{} as officer", op.name()));
        }

        // A director may write in their facility (on persons, transfers, absences,
        // counts, incidents and notifications of their own, the officer's being used up),
        // but not register facilities, approve transfers, command crises nor set control
        // statuses (national), and intelligence does not exist for them (404).
        let director =
            bearer_for(store, "director", vec![Grant::facility(Role::FacilityDirector, CUENCA)])
                .await;
        let (staged, _, _) = stage(&s, &w.admin, CUENCA, w.cuenca_location).await;
        let at = Target { staged, ..w.cuenca() };
        for op in &writes {
            let what = format!("{} as director", op.name());
            let r = op.call_as(&s, &director, at).await;
            if op.is_intelligence() {
                assert_problem(&r, 404, "not_found", &what);
            } else if op.is_approval() || op.is_national_command() {
                assert_problem(&r, 403, "forbidden", &what);
            } else if op.is_scoped() {
                op.assert_done(&r, at, &what);
            } else {
                assert_problem(&r, 403, "forbidden", &what);
            }
        }
    }

    // An intelligence analyst granted one facility reads that facility's intelligence, and
    // nothing of another's: a keep-apart rule between two persons held elsewhere is not
    // listed for them.
    async fn facility_analysts_see_no_other_facility(db) {
        let store = &db.store;
        let s = Server::start(store).await;
        let w = World::build(&s, store).await;
        let r = s.with_token(&w.admin, Method::POST, ADMISSIONS, Some(&new_admission(LATACUNGA))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let other = r.body["id"].as_i64().expect("numeric id");
        let rule = json!({
            "kind": "persons",
            "a": w.latacunga_person,
            "b": other,
            "reason": "threat",
            "scope": "facility",
            "authorized_by": "Director",
        });
        let r = s.with_token(&w.admin, Method::POST, "/api/v1/keep-apart", Some(&rule)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let analyst = bearer_for(
            store,
            "analyst",
            vec![Grant::facility(Role::IntelligenceAnalyst, CUENCA)],
        )
        .await;
        let r = s.get(&analyst, "/api/v1/keep-apart").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body, json!([]), "a Cuenca analyst lists Latacunga's rules");
    }

    // Health screening notes are shown only to roles with health.read, and every read of
    // the file is journaled, for inspectors to see.
    async fn health_notes_need_health_read(db) {
        const NOTES: &str = "Hipertensión, requiere control";
        let store = &db.store;
        let s = Server::start(store).await;
        let w = World::build(&s, store).await;
        let mut body = new_admission(CUENCA);
        body["health_screening"] = json!({"status": "done", "notes": NOTES});
        let r = s.with_token(&w.admin, Method::POST, ADMISSIONS, Some(&body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.body["id"].as_i64().expect("numeric id");
        // The administrator has no health.read either.
        let screening = &r.body["episodes"][0]["record"]["health_screening"];
        assert_eq!(screening["status"], "done", "{}", r.body);
        assert!(screening["notes"].is_null(), "{}", r.body);
        assert!(!r.body.to_string().contains("Hipertensi"), "{}", r.body);

        let officer =
            bearer_for(store, "officer", vec![Grant::facility(Role::FacilityOfficer, CUENCA)])
                .await;
        let nurse = bearer_for(store, "nurse", vec![Grant::national(Role::HealthOfficer)]).await;
        let inspector =
            bearer_for(store, "inspector", vec![Grant::national(Role::Inspector)]).await;
        let readers = [
            ("officer", &officer, false),
            ("nurse", &nurse, true),
            ("inspector", &inspector, true),
        ];
        for (who, token, sees_notes) in readers {
            let journal = journal_len(store).await;
            let r = s
                .get(token, &format!("/api/v1/persons/{id}?reason=control%20de%20{who}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.body);
            let screening = &r.body["episodes"][0]["record"]["health_screening"];
            assert_eq!(screening["status"], "done", "{who}: {}", r.body);
            if sees_notes {
                assert_eq!(screening["notes"], NOTES, "{who}: {}", r.body);
            } else {
                assert!(screening["notes"].is_null(), "{who}: {}", r.body);
                assert!(!r.body.to_string().contains("Hipertensi"), "{who}: {}", r.body);
            }
            assert_eq!(journal_len(store).await, journal + 1, "{who}: one access.read");
        }

        // The inspector sees who read the file and why, oldest first.
        let journal = journal_len(store).await;
        let r = s.get(&inspector, &format!("/api/v1/audit/access?person={id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let seen: Vec<Value> = r
            .body
            .as_array()
            .expect("a list")
            .iter()
            .map(|e| json!([e["event_type"], e["actor"], e["subject"], e["payload"]["reason"]]))
            .collect();
        let expected: Vec<Value> = readers
            .iter()
            .map(|(who, _, _)| {
                let (actor, reason) = (format!("user:{who}"), format!("control de {who}"));
                json!([ACCESS_READ, actor, format!("person:{id}"), reason])
            })
            .collect();
        assert_eq!(seen, expected, "{}", r.body);
        assert!(!r.body.to_string().contains("Hipertensi"), "{}", r.body);
        assert_eq!(journal_len(store).await, journal, "reading the audit reads no file");
    }

    // Signing in: a working token, one refusal for anything wrong, throttling, lockout.
    async fn sign_in(db) {
        let store = &db.store;
        let s = Server::start(store).await;
        for name in ["ana", "luis", "rosa", "pedro"] {
            add_user(store, name, vec![Grant::national(Role::Inspector)]).await;
        }
        users::disable(store, &operator(), "luis").await.expect("disable");
        let creds =
            |username: &str, password: &str| json!({"username": username, "password": password});

        // The right password: a token that works, for about 12 hours.
        let ok = s.sign_in(&creds("ana", PASSWORD)).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        let token = ok.body["token"].as_str().expect("token");
        assert!(token.starts_with("cst_") && token.len() == 68, "{token}");
        let expires: jiff::Timestamp =
            ok.body["expires_at"].as_str().expect("expires_at").parse().expect("a timestamp");
        let hours = expires.duration_since(jiff::Timestamp::now()).as_secs_f64() / 3600.0;
        assert!((11.9..=12.0).contains(&hours), "expires in {hours} h");
        assert!(!ok.body.to_string().contains("argon2"), "{}", ok.body);
        let list = s.get(token, "/api/v1/facilities").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);

        // Anything wrong: the same 401, word for word.
        let mut failures = 0; // from this client, for the per-client limit
        let long = "x".repeat(100 * 1024);
        let wrong: Vec<(&str, Value)> = vec![
            ("wrong password", creds("ana", "cuatro caballos verdes")),
            ("unknown user", creds("nadie", PASSWORD)),
            ("disabled user", creds("luis", PASSWORD)),
            ("SQL-ish username", creds("admin' OR '1'='1", "' OR '1'='1")),
            ("100 KB password", creds("ana", &long)),
            ("empty username", creds("", PASSWORD)),
            ("empty password", creds("ana", "")),
        ];
        let mut refusals = Vec::new();
        for (what, body) in &wrong {
            let r = s.sign_in(body).await;
            assert_unauthenticated(&r, what);
            refusals.push((what, r.body_sans_request_id()));
            failures += 1;
        }
        for (what, body) in &refusals[1..] {
            assert_eq!(body, &refusals[0].1, "{what} and {} differ", refusals[0].0);
        }

        // Malformed bodies are refused before any check of credentials.
        let malformed = [
            ("unknown field", json!({"username": "ana", "password": PASSWORD, "admin": true})),
            ("missing password", json!({"username": "ana"})),
            ("number for a name", json!({"username": 7, "password": PASSWORD})),
        ];
        for (what, body) in &malformed {
            let r = s.sign_in(body).await;
            assert_problem(&r, 422, "invalid_body", what);
            assert!(r.body.get("token").is_none(), "{what}");
        }
        let r = s
            .call(Method::POST, "/api/v1/auth/token", None, None)
            .await;
        assert!(matches!(r.status.as_u16(), 400 | 415 | 422), "no body: {}", r.status);

        // ana's failures so far stay under the limit (the 100 KB and empty passwords count
        // under the shared key for implausible input): she still signs in.
        let again = s.sign_in(&creds("ana", PASSWORD)).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.body);

        // Five failures for one account: the sixth attempt, even right, waits.
        for i in 0..signing::PER_ACCOUNT {
            let r = s.sign_in(&creds("rosa", "not her password")).await;
            assert_unauthenticated(&r, &format!("rosa, failure {i}"));
            failures += 1;
        }
        let throttled = s.sign_in(&creds("rosa", PASSWORD)).await;
        assert_problem(&throttled, 429, "too_many_attempts", "rosa, sixth attempt");
        let wait: u64 = throttled.header("retry-after").parse().expect("seconds");
        assert!((1..=15 * 60).contains(&wait), "Retry-After: {wait}");
        assert_eq!(throttled.body["retry_after"], wait);
        assert!(throttled.body.get("token").is_none());
        let other = s.sign_in(&creds("ana", PASSWORD)).await;
        assert_eq!(other.status, StatusCode::OK, "other accounts may still sign in");

        // Ten consecutive failures lock the account (driven directly: from one client the
        // throttle would stop them first). A success in between resets the count.
        let attempt = |password: &'static str, client: String| async move {
            signing::sign_in(store, &Throttle::default(), "pedro", password, &client).await
        };
        let locks = || async {
            store
                .journal_for_subject("user:pedro", 0, 100)
                .await
                .expect("journal")
                .into_iter()
                .filter(|e| e.event_type == "user.locked")
                .collect::<Vec<_>>()
        };
        for i in 0..signing::LOCK_AFTER - 1 {
            let r = attempt("wrong", format!("10.0.0.{i}")).await;
            assert!(matches!(r, Err(AppError::Unauthenticated)), "{r:?}");
        }
        attempt(PASSWORD, "10.0.1.1".into()).await.expect("nine failures do not lock");
        for i in 0..signing::LOCK_AFTER {
            let r = attempt("wrong", format!("10.0.2.{i}")).await;
            assert!(matches!(r, Err(AppError::Unauthenticated)), "{r:?}");
            let expected = usize::from(i + 1 == signing::LOCK_AFTER);
            assert_eq!(locks().await.len(), expected, "after {} failures", i + 1);
        }
        let r = attempt(PASSWORD, "10.0.3.1".into()).await;
        assert!(matches!(r, Err(AppError::Unauthenticated)), "locked, yet: {r:?}");
        let locked = locks().await;
        let payload: Value = serde_json::from_str(&locked[0].payload).expect("payload");
        assert_eq!(payload["failed_sign_ins"], signing::LOCK_AFTER, "{payload}");
        assert_eq!(payload["client"], format!("10.0.2.{}", signing::LOCK_AFTER - 1));
        let until: jiff::Timestamp =
            payload["until"].as_str().expect("until").parse().expect("time");
        let minutes = until.duration_since(jiff::Timestamp::now()).as_secs_f64() / 60.0;
        assert!((29.0..=30.0).contains(&minutes), "locked for {minutes} min");
        // Over HTTP too, the same refusal as any other.
        let r = s.sign_in(&creds("pedro", PASSWORD)).await;
        assert_unauthenticated(&r, "locked account");
        assert_eq!(r.body_sans_request_id(), refusals[0].1);
        failures += 1;

        // Twenty failures from one client address: even a right password waits.
        let mut i = 0;
        while failures < signing::PER_CLIENT {
            let r = s.sign_in(&creds(&format!("stranger{i}"), PASSWORD)).await;
            assert_unauthenticated(&r, &format!("stranger{i}"));
            failures += 1;
            i += 1;
        }
        let r = s.sign_in(&creds("ana", PASSWORD)).await;
        assert_problem(&r, 429, "too_many_attempts", "ana from a throttled client");
        r.header("retry-after");
    }
}
