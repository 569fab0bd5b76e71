//! The HTTP API end to end: a real server on a loopback port, called with reqwest, on
//! both SQLite and a throwaway PostgreSQL.

mod common;

use common::{Reply, admission, cedula};
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use custodia_domain::access::{Grant, Role};
use custodia_domain::user::TokenScope;
use custodia_store::{Backend, Store};
use custodia_testkit::{Kind, both_backends};
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const PROBLEM_JSON: &str = "application/problem+json";
const TURI: &str = "CPL-AZ-1";

/// A server on a loopback port; it shuts down when this is dropped.
struct Server {
    base: String,
    client: reqwest::Client,
    _running: common::Running,
}

/// A national administrator made with the command line's rights, and a client that
/// sends their token on every request (a plain client when the database has no tables).
async fn admin_client(store: &Store) -> reqwest::Client {
    let token = bearer_for(store, "admin", vec![Grant::national(Role::NationalAdmin)]).await;
    let mut headers = HeaderMap::new();
    if let Some(token) = token {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            format!("Bearer {token}").parse().expect("header value"),
        );
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client")
}

/// Creates a user with `grants` and returns a token for them (`None` on an unmigrated database).
async fn bearer_for(store: &Store, username: &str, grants: Vec<Grant>) -> Option<String> {
    let operator = custodia_app::Principal::command_line("test");
    let new = custodia_app::users::NewUser {
        username: username.to_owned(),
        display_name: format!("Test {username}"),
        password: "cuatro caballos azules".to_owned(),
        grants,
    };
    custodia_app::users::add(store, &operator, new).await.ok()?;
    let issued =
        custodia_app::users::create_token(store, &operator, username, "tests", TokenScope::Full, 1)
            .await
            .ok()?;
    Some(issued.token)
}

impl Server {
    async fn start(store: &Store) -> Server {
        let running = common::start(store).await;
        Server {
            base: running.base.clone(),
            client: admin_client(store).await,
            _running: running,
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let response = req.send().await.expect("request sent");
        Reply::read(response).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.post(self.url(path)).json(body)).await
    }

    async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.patch(self.url(path)).json(body))
            .await
    }

    /// Any method, raw bytes, with or without a content type.
    async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path)).body(body);
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        self.send(req).await
    }
}

fn facility(code: &str) -> Value {
    json!({
        "code": code,
        "name": "CPL Azuay N° 1 (Turi)",
        "kind": "CPL",
        "province": "Azuay",
        "city": "Cuenca",
        "timezone": "America/Guayaquil",
        "holds_sex": "men",
        "holds_age": "adults",
        "security_levels": ["maximum", "medium"],
    })
}

fn location(code: &str, parent: Option<i64>, design: i64, operational: i64) -> Value {
    json!({
        "code": code,
        "name": format!("Location {code}"),
        "parent_id": parent,
        "security_level": "maximum",
        "holds_sex": "men",
        "design_capacity": design,
        "operational_capacity": operational,
    })
}

async fn create_facility(s: &Server, code: &str) -> Reply {
    let r = s.post("/api/v1/facilities", &facility(code)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r
}

/// Adds a location and returns its id.
async fn add_location(s: &Server, fac: &str, body: Value) -> i64 {
    let r = s
        .post(&format!("/api/v1/facilities/{fac}/locations"), &body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().expect("numeric id");
    assert_eq!(r.header("location"), format!("/api/v1/locations/{id}"));
    id
}

async fn occupancy_of(s: &Server, id: i64) -> Value {
    let r = s.get(&format!("/api/v1/locations/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["occupancy"].clone()
}

async fn facility_occupancy(s: &Server, code: &str) -> Value {
    let r = s.get(&format!("/api/v1/facilities/{code}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["occupancy"].clone()
}

/// Checks the problem+json shape: status, code, detail, and the request id of the header.
fn assert_problem(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.body);
    assert_eq!(r.header("content-type"), PROBLEM_JSON, "{}", r.body);
    assert_eq!(r.body["code"], code, "{}", r.body);
    assert_eq!(r.body["status"], status, "{}", r.body);
    assert!(
        r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{}",
        r.body
    );
    let id = r.header("x-request-id");
    assert!(!id.is_empty());
    assert_eq!(r.body["request_id"], id, "{}", r.body);
}

/// The (field, code) pairs of a problem's `errors`.
fn field_errors(r: &Reply) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_owned(),
                        e["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn has_error(r: &Reply, field: &str, code: &str) -> bool {
    field_errors(r).iter().any(|(f, c)| f == field && c == code)
}

/// What the API and the journal show, to prove a request changed nothing.
async fn snapshot(s: &Server, store: &Store, fac: &str) -> (Value, Value, i64) {
    let facilities = s.get("/api/v1/facilities").await;
    assert_eq!(facilities.status, StatusCode::OK);
    let locations = s.get(&format!("/api/v1/facilities/{fac}/locations")).await;
    assert_eq!(locations.status, StatusCode::OK);
    let journal = store.journal_len().await.expect("journal length");
    (facilities.body, locations.body, journal)
}

/// Admits a person with `body` and returns their id.
async fn admit_person(s: &Server, body: Value) -> i64 {
    let r = s.post("/api/v1/admissions", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("person id")
}

/// How many reads and exports of a person's file the journal holds.
async fn access_reads(s: &Server, person: i64) -> i64 {
    let r = s
        .get(&format!("/api/v1/audit/access?person={person}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let reads = r.body.as_array().expect("a list").len();
    i64::try_from(reads).expect("a count")
}

fn event_types(history: &Value) -> Vec<&str> {
    history
        .as_array()
        .expect("history is a list")
        .iter()
        .map(|e| e["event_type"].as_str().expect("event_type"))
        .collect()
}

fn kind_of(store: &Store) -> Kind {
    match store.backend() {
        Backend::Sqlite => Kind::Sqlite,
        Backend::Postgres => Kind::Postgres,
    }
}

both_backends! {
    // Facilities: register, list, look at, change, and the errors around them.
    async fn facilities_lifecycle(db) {
        let s = Server::start(&db.store).await;

        let created = create_facility(&s, TURI).await;
        assert_eq!(created.header("location"), "/api/v1/facilities/CPL-AZ-1");
        let f = &created.body;
        let expected = facility(TURI);
        for field in [
            "code", "name", "kind", "province", "city", "timezone", "holds_sex", "holds_age",
            "security_levels",
        ] {
            assert_eq!(f[field], expected[field], "field {field} in {f}");
        }
        assert_eq!(f["location_count"], 0);
        assert_eq!(f["occupancy"]["design_capacity"], 0);
        assert_eq!(f["occupancy"]["usable"], 0);
        assert_eq!(f["occupancy"]["occupied"], 0);
        assert_eq!(f["occupancy"]["occupancy_rate"], Value::Null);

        // The Location header names the resource just made.
        let one = s.get(created.header("location")).await;
        assert_eq!(one.status, StatusCode::OK);
        assert_eq!(one.header("content-type"), "application/json");
        assert_eq!(one.body, created.body);

        create_facility(&s, "CDP-PI-1").await;
        let list = s.get("/api/v1/facilities").await;
        assert_eq!(list.status, StatusCode::OK);
        let codes: BTreeSet<&str> = list
            .body
            .as_array()
            .expect("a list")
            .iter()
            .map(|f| f["code"].as_str().expect("code"))
            .collect();
        assert_eq!(codes, BTreeSet::from(["CDP-PI-1", TURI]));

        // A name change.
        let renamed = s
            .patch("/api/v1/facilities/CPL-AZ-1", &json!({"name": "Turi"}))
            .await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        assert_eq!(renamed.body["name"], "Turi");
        assert_eq!(renamed.body["city"], "Cuenca");
        assert_eq!(s.get("/api/v1/facilities/CPL-AZ-1").await.body["name"], "Turi");

        // Adolescents are never held in an adult prison; nothing changes.
        let before = snapshot(&s, &db.store, TURI).await;
        let bad = s
            .patch("/api/v1/facilities/CPL-AZ-1", &json!({"holds_age": "adolescents"}))
            .await;
        assert_problem(&bad, 422, "invalid_input");
        assert!(
            field_errors(&bad).iter().any(|(f, _)| f == "holds_age"),
            "{}",
            bad.body
        );
        assert_eq!(snapshot(&s, &db.store, TURI).await, before);

        // The same code twice.
        let dup = s.post("/api/v1/facilities", &facility(TURI)).await;
        assert_problem(&dup, 409, "duplicate_code");
        assert_eq!(snapshot(&s, &db.store, TURI).await, before);

        // Unknown facilities, on every route that names one.
        assert_problem(&s.get("/api/v1/facilities/NOPE-1").await, 404, "not_found");
        assert_problem(
            &s.patch("/api/v1/facilities/NOPE-1", &json!({"name": "x"})).await,
            404,
            "not_found",
        );
        assert_problem(&s.get("/api/v1/facilities/NOPE-1/locations").await, 404, "not_found");
        assert_problem(&s.get("/api/v1/facilities/NOPE-1/history").await, 404, "not_found");
        assert_problem(
            &s.post("/api/v1/facilities/NOPE-1/locations", &location("A", None, 1, 1)).await,
            404,
            "not_found",
        );
        assert_eq!(snapshot(&s, &db.store, TURI).await, before);
    }

    // Locations: a tree whose parents' figures are derived from their children.
    async fn location_tree_and_totals(db) {
        let s = Server::start(&db.store).await;
        create_facility(&s, TURI).await;
        let pav = add_location(&s, TURI, location("PAB-A", None, 0, 0)).await;
        let block = add_location(&s, TURI, location("PAB-A-B1", Some(pav), 0, 0)).await;
        let c1 = add_location(&s, TURI, location("PAB-A-B1-C1", Some(block), 4, 6)).await;
        let c2 = add_location(&s, TURI, location("PAB-A-B1-C2", Some(block), 4, 6)).await;
        let empty = add_location(&s, TURI, location("PAB-B", None, 0, 0)).await;

        let cell = occupancy_of(&s, c1).await;
        assert_eq!(cell["design_capacity"], 4);
        assert_eq!(cell["operational_capacity"], 6);
        for id in [block, pav] {
            let o = occupancy_of(&s, id).await;
            assert_eq!(o["design_capacity"], 8, "{id}: {o}");
            assert_eq!(o["operational_capacity"], 12, "{id}: {o}");
            assert_eq!(o["usable"], 12, "{id}: {o}");
            assert_eq!(o["free"], 12, "{id}: {o}");
            assert_eq!(o["occupied"], 0, "{id}: {o}");
            assert_eq!(o["over_capacity"], 0, "{id}: {o}");
            assert_eq!(o["occupancy_rate"].as_f64(), Some(0.0), "{id}: {o}");
        }
        let none = occupancy_of(&s, empty).await;
        assert_eq!(none["design_capacity"], 0);
        assert_eq!(none["occupancy_rate"], Value::Null);

        let f = s.get("/api/v1/facilities/CPL-AZ-1").await.body;
        assert_eq!(f["location_count"], 5);
        assert_eq!(f["occupancy"]["design_capacity"], 8);
        assert_eq!(f["occupancy"]["usable"], 12);
        assert_eq!(f["occupancy"]["occupancy_rate"].as_f64(), Some(0.0));

        let list = s.get("/api/v1/facilities/CPL-AZ-1/locations").await;
        assert_eq!(list.status, StatusCode::OK);
        let ids: HashSet<i64> = list
            .body
            .as_array()
            .expect("a list")
            .iter()
            .map(|l| l["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(ids, HashSet::from([pav, block, c1, c2, empty]));

        // A capacity change shows in every total above it.
        let changed = s
            .patch(&format!("/api/v1/locations/{c1}"), &json!({"design_capacity": 10}))
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        assert_eq!(changed.body["design_capacity"], 10);
        assert_eq!(occupancy_of(&s, block).await["design_capacity"], 14);
        assert_eq!(occupancy_of(&s, pav).await["design_capacity"], 14);
        assert_eq!(facility_occupancy(&s, TURI).await["design_capacity"], 14);

        // Moving a location into its own subtree is refused and changes nothing.
        let before = snapshot(&s, &db.store, TURI).await;
        let cycle = s
            .patch(&format!("/api/v1/locations/{pav}"), &json!({"parent_id": c1}))
            .await;
        assert_problem(&cycle, 422, "invalid_input");
        assert!(has_error(&cycle, "parent_id", "cycle"), "{}", cycle.body);
        assert_eq!(snapshot(&s, &db.store, TURI).await, before);

        // A move elsewhere carries the subtree's figures along.
        let moved = s
            .patch(&format!("/api/v1/locations/{block}"), &json!({"parent_id": empty}))
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        assert_eq!(occupancy_of(&s, pav).await["design_capacity"], 0);
        assert_eq!(occupancy_of(&s, empty).await["design_capacity"], 14);
        assert_eq!(facility_occupancy(&s, TURI).await["design_capacity"], 14);

        // A location code is unique within its facility (sequential case).
        let dup = s
            .post("/api/v1/facilities/CPL-AZ-1/locations", &location("PAB-A", None, 1, 1))
            .await;
        assert_problem(&dup, 409, "duplicate_code");
        let before = snapshot(&s, &db.store, TURI).await;
        let renamed = s
            .patch(&format!("/api/v1/locations/{c2}"), &json!({"code": "PAB-A"}))
            .await;
        assert_problem(&renamed, 409, "duplicate_code");
        assert_eq!(snapshot(&s, &db.store, TURI).await, before);
    }

    // Out of service and back: usable places of the whole subtree, and the rules.
    async fn out_of_service_periods(db) {
        let s = Server::start(&db.store).await;
        create_facility(&s, TURI).await;
        let pav = add_location(&s, TURI, location("PAB-A", None, 0, 0)).await;
        let block = add_location(&s, TURI, location("PAB-A-B1", Some(pav), 0, 0)).await;
        let c1 = add_location(&s, TURI, location("PAB-A-B1-C1", Some(block), 4, 6)).await;
        let c2 = add_location(&s, TURI, location("PAB-A-B1-C2", Some(block), 4, 6)).await;
        let other = add_location(&s, TURI, location("PAB-B", None, 10, 10)).await;
        assert_eq!(facility_occupancy(&s, TURI).await["usable"], 22);

        let out = s
            .post(
                &format!("/api/v1/locations/{block}/out-of-service"),
                &json!({"reason": "riot_damage"}),
            )
            .await;
        assert_eq!(out.status, StatusCode::OK, "{}", out.body);
        assert_eq!(out.body["in_service"], false);
        assert_eq!(out.body["out_of_service"]["reason"], "riot_damage");
        assert_eq!(out.body["occupancy"]["usable"], 0);
        assert_eq!(out.body["occupancy"]["free"], 0);
        assert_eq!(out.body["occupancy"]["operational_capacity"], 12);
        for cell in [c1, c2] {
            assert_eq!(occupancy_of(&s, cell).await["usable"], 0, "cell {cell}");
        }
        assert_eq!(occupancy_of(&s, pav).await["usable"], 0);
        assert_eq!(occupancy_of(&s, other).await["usable"], 10);
        let f = facility_occupancy(&s, TURI).await;
        assert_eq!(f["usable"], 10);
        assert_eq!(f["operational_capacity"], 22);

        let back = s
            .post(&format!("/api/v1/locations/{block}/return-to-service"), &json!({}))
            .await;
        assert_eq!(back.status, StatusCode::OK, "{}", back.body);
        assert_eq!(back.body["in_service"], true);
        assert_eq!(back.body["out_of_service"], Value::Null);
        assert_eq!(back.body["occupancy"]["usable"], 12);
        assert_eq!(occupancy_of(&s, c1).await["usable"], 6);
        assert_eq!(facility_occupancy(&s, TURI).await["usable"], 22);

        // Returning twice, and a period that ends before it starts, change nothing.
        let before = snapshot(&s, &db.store, TURI).await;
        let again = s
            .post(&format!("/api/v1/locations/{block}/return-to-service"), &json!({}))
            .await;
        assert_problem(&again, 409, "already_in_service");
        let backwards = s
            .post(
                &format!("/api/v1/locations/{c1}/out-of-service"),
                &json!({
                    "reason": "maintenance",
                    "since": "2024-03-02T00:00:00Z",
                    "until": "2024-03-01T00:00:00Z",
                }),
            )
            .await;
        assert_problem(&backwards, 422, "invalid_input");
        assert!(has_error(&backwards, "until", "until_before_since"), "{}", backwards.body);
        let unknown_reason = s
            .post(&format!("/api/v1/locations/{c1}/out-of-service"), &json!({"reason": "bored"}))
            .await;
        assert_problem(&unknown_reason, 422, "invalid_body");
        assert_problem(
            &s.post("/api/v1/locations/999999/out-of-service", &json!({"reason": "other"})).await,
            404,
            "not_found",
        );
        assert_problem(
            &s.post("/api/v1/locations/999999/return-to-service", &json!({})).await,
            404,
            "not_found",
        );
        assert_eq!(snapshot(&s, &db.store, TURI).await, before);

        // A period planned to start tomorrow leaves the places usable today.
        let tomorrow = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24);
        let planned = s
            .post(
                &format!("/api/v1/locations/{c2}/out-of-service"),
                &json!({"reason": "maintenance", "since": tomorrow.to_string(), "note": "roof"}),
            )
            .await;
        assert_eq!(planned.status, StatusCode::OK, "{}", planned.body);
        assert_eq!(planned.body["in_service"], true);
        assert_eq!(planned.body["out_of_service"]["note"], "roof");
        assert_eq!(planned.body["occupancy"]["usable"], 6);
        assert_eq!(facility_occupancy(&s, TURI).await["usable"], 22);

        // A period that ended yesterday does not count either.
        let past = s
            .post(
                &format!("/api/v1/locations/{c1}/out-of-service"),
                &json!({
                    "reason": "sanitary",
                    "since": "2020-01-01T00:00:00Z",
                    "until": "2020-02-01T00:00:00-05:00",
                }),
            )
            .await;
        assert_eq!(past.status, StatusCode::OK, "{}", past.body);
        assert_eq!(past.body["in_service"], true);
        assert_eq!(past.body["occupancy"]["usable"], 6);
    }

    // History: the journal entries of a location and of a facility, in order.
    async fn history_lists_journal_entries(db) {
        let s = Server::start(&db.store).await;
        create_facility(&s, TURI).await;
        let pav = add_location(&s, TURI, location("PAB-A", None, 0, 0)).await;
        let cell = add_location(&s, TURI, location("PAB-A-C1", Some(pav), 2, 2)).await;
        let path = format!("/api/v1/locations/{cell}");
        assert_eq!(s.patch(&path, &json!({"name": "Celda 1"})).await.status, StatusCode::OK);
        // A patch that changes nothing writes nothing.
        assert_eq!(s.patch(&path, &json!({"name": "Celda 1"})).await.status, StatusCode::OK);
        let out = s
            .post(&format!("{path}/out-of-service"), &json!({"reason": "riot_damage"}))
            .await;
        assert_eq!(out.status, StatusCode::OK);
        let back = s.post(&format!("{path}/return-to-service"), &json!({})).await;
        assert_eq!(back.status, StatusCode::OK);
        assert_eq!(
            s.patch("/api/v1/facilities/CPL-AZ-1", &json!({"city": "Turi"})).await.status,
            StatusCode::OK
        );

        let history = s.get(&format!("{path}/history")).await;
        assert_eq!(history.status, StatusCode::OK, "{}", history.body);
        assert_eq!(
            event_types(&history.body),
            [
                "location.added",
                "location.changed",
                "location.taken_out_of_service",
                "location.returned_to_service",
            ]
        );
        let entries = history.body.as_array().expect("a list");
        let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().expect("seq")).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
        for e in entries {
            assert_eq!(e["subject"], format!("location:{cell}"));
            assert_eq!(e["facility"], TURI);
            assert!(
                e["actor"] == "user:admin",
                "{e}"
            );
            assert_eq!(e["hash"].as_str().map(str::len), Some(64), "{e}");
        }
        assert_eq!(entries[0]["payload"]["location"]["code"], "PAB-A-C1");
        assert_eq!(entries[1]["payload"]["changes"]["name"], "Celda 1");
        assert_eq!(entries[2]["payload"]["period"]["reason"], "riot_damage");

        let limited = s.get(&format!("{path}/history?limit=2")).await;
        assert_eq!(event_types(&limited.body), ["location.added", "location.changed"]);
        assert_problem(&s.get(&format!("{path}/history?limit=many")).await, 400, "bad_query");

        let fh = s.get("/api/v1/facilities/CPL-AZ-1/history").await;
        assert_eq!(fh.status, StatusCode::OK, "{}", fh.body);
        assert_eq!(event_types(&fh.body), ["facility.registered", "facility.changed"]);
        assert_eq!(fh.body[1]["payload"]["facility"]["city"], "Turi");

        assert_problem(&s.get("/api/v1/locations/999999/history").await, 404, "not_found");
        let report = db.store.verify_journal(None).await.expect("journal verifies");
        assert_eq!(report.verified, 7 + 2, "7 changes after the test admin's user and token");
    }

    // Reads of a person's file are journaled and shown to inspectors, not to officers.
    async fn access_events_are_listed_for_inspectors(db) {
        let s = Server::start(&db.store).await;
        assert_eq!(s.post("/api/v1/facilities", &facility(TURI)).await.status, StatusCode::CREATED);
        let officer = custodia_app::Principal::user("ofi", vec![Grant::facility(Role::FacilityOfficer, TURI)], false);
        for reason in ["court request", "transfer review"] {
            custodia_app::access_audit::record(
                &db.store,
                &officer,
                custodia_app::access_audit::ACCESS_READ,
                &custodia_app::access_audit::person_subject("P-1"),
                Some(TURI),
                "person file",
                Some(reason),
            )
            .await
            .expect("journaled");
        }
        let listed = s.get("/api/v1/audit/access?person=P-1").await;
        assert_eq!(listed.status, StatusCode::OK, "{listed:?}");
        let entries = listed.body.as_array().expect("a list");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0]["actor"], "user:ofi");
        assert_eq!(entries[1]["payload"]["reason"], "transfer review");
        assert_eq!(s.get("/api/v1/audit/access?person=P-2").await.body, json!([]));
        let token = bearer_for(&db.store, "ofi.turi", vec![Grant::facility(Role::FacilityOfficer, TURI)])
            .await
            .expect("token");
        let as_officer = s
            .send(s.client.get(s.url("/api/v1/audit/access?person=P-1")).bearer_auth(token))
            .await;
        assert_problem(&as_officer, 403, "forbidden");
    }

    // Bad input: a problem document every time, and nothing changes.
    async fn bad_input_changes_nothing(db) {
        let s = Server::start(&db.store).await;
        create_facility(&s, TURI).await;
        let pav = add_location(&s, TURI, location("PAB-A", None, 0, 0)).await;
        let locations = "/api/v1/facilities/CPL-AZ-1/locations";
        let json = Some("application/json");
        let bytes = |v: Value| v.to_string().into_bytes();

        let mut unknown_field = facility("CPL-AZ-2");
        unknown_field["warden"] = json!("Sr. Pérez");
        let mut wrong_type = location("PAB-C", None, 0, 0);
        wrong_type["design_capacity"] = json!("ten");
        let mut control = facility("CPL-AZ-3");
        control["name"] = json!("Turi\u{7}");
        let mut control_location = location("PAB-D", None, 1, 1);
        control_location["name"] = json!("Celda\n1");
        // A valid facility padded with spaces to one byte over the limit.
        let mut too_large = bytes(facility("CPL-AZ-4"));
        too_large.resize(custodia_web::BODY_LIMIT + 1, b' ');

        // (what, method, path, content type, body, status, code, expected field error)
        type Case<'a> = (
            &'a str,
            Method,
            String,
            Option<&'a str>,
            Vec<u8>,
            u16,
            &'a str,
            Option<(&'a str, &'a str)>,
        );
        let cases: Vec<Case> = vec![
            ("malformed JSON", Method::POST, "/api/v1/facilities".into(), json,
                b"{\"code\": \"CPL-AZ-2\",".to_vec(), 400, "malformed_json", None),
            ("unknown field", Method::POST, "/api/v1/facilities".into(), json,
                bytes(unknown_field), 422, "invalid_body", None),
            ("wrong type", Method::POST, locations.into(), json,
                bytes(wrong_type), 422, "invalid_body", None),
            ("wrong type in a patch", Method::PATCH, format!("/api/v1/locations/{pav}"), json,
                bytes(json!({"parent_id": "PAB-B"})), 422, "invalid_body", None),
            ("no content type", Method::POST, "/api/v1/facilities".into(), None,
                bytes(facility("CPL-AZ-2")), 415, "unsupported_media_type", None),
            ("text content type", Method::POST, locations.into(), Some("text/plain"),
                bytes(location("PAB-C", None, 1, 1)), 415, "unsupported_media_type", None),
            ("body over the limit", Method::POST, "/api/v1/facilities".into(), json,
                too_large, 413, "body_too_large", None),
            ("negative capacity", Method::POST, locations.into(), json,
                bytes(location("PAB-C", None, -1, 0)), 422, "invalid_input",
                Some(("design_capacity", "negative_capacity"))),
            ("negative capacity in a patch", Method::PATCH, format!("/api/v1/locations/{pav}"),
                json, bytes(json!({"operational_capacity": -5})), 422, "invalid_input",
                Some(("operational_capacity", "negative_capacity"))),
            ("control character in a name", Method::POST, "/api/v1/facilities".into(), json,
                bytes(control), 422, "invalid_input", Some(("name", "control_characters"))),
            ("control character in a location name", Method::POST, locations.into(), json,
                bytes(control_location), 422, "invalid_input",
                Some(("name", "control_characters"))),
            ("non-numeric location id", Method::GET, "/api/v1/locations/abc".into(), None,
                vec![], 404, "not_found", None),
            ("non-numeric location id in a patch", Method::PATCH, "/api/v1/locations/abc".into(),
                json, bytes(json!({"name": "x"})), 404, "not_found", None),
            ("non-numeric location id out of service", Method::POST,
                "/api/v1/locations/1x/out-of-service".into(), json,
                bytes(json!({"reason": "other"})), 404, "not_found", None),
            ("unknown route", Method::GET, "/api/v1/prisoners".into(), None, vec![], 404,
                "not_found", None),
            ("unknown route with a body", Method::POST, "/api/v2/facilities".into(), json,
                bytes(facility("CPL-AZ-2")), 404, "not_found", None),
            ("wrong method", Method::DELETE, "/api/v1/facilities".into(), None, vec![], 405,
                "method_not_allowed", None),
            ("wrong method with a body", Method::PUT, "/api/v1/facilities/CPL-AZ-1".into(), json,
                bytes(facility(TURI)), 405, "method_not_allowed", None),
        ];

        let before = snapshot(&s, &db.store, TURI).await;
        for (what, method, path, content_type, body, status, code, field) in cases {
            let r = s.raw(method, &path, content_type, body).await;
            assert_problem(&r, status, code);
            if let Some((field, error)) = field {
                assert!(has_error(&r, field, error), "{what}: {}", r.body);
            }
            if status == 405 {
                assert!(r.headers.contains_key("allow"), "{what}: no Allow header");
            }
            assert_eq!(snapshot(&s, &db.store, TURI).await, before, "{what} changed something");
        }

        // The limit is the limit: a body of exactly BODY_LIMIT bytes is read.
        let mut at_limit = bytes(facility("CPL-AZ-5"));
        at_limit.resize(custodia_web::BODY_LIMIT, b' ');
        let r = s.raw(Method::POST, "/api/v1/facilities", json, at_limit).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    // Health and readiness.
    async fn health_and_readiness(db) {
        let s = Server::start(&db.store).await;
        let health = s.get("/healthz").await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(health.body, json!({"status": "ok"}));
        let ready = s.get("/readyz").await;
        assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
        assert_eq!(ready.body["status"], "ready");
        let name = match db.store.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        assert_eq!(ready.body["database"], name);

        // A database without migrations is alive but not ready.
        let bare = custodia_testkit::fresh_unmigrated(kind_of(&db.store)).await;
        let s = Server::start(&bare.store).await;
        assert_eq!(s.get("/healthz").await.status, StatusCode::OK);
        let not_ready = s.get("/readyz").await;
        assert_problem(&not_ready, 503, "not_ready");
    }

    // OpenAPI: the document matches the routes, and every reference resolves.
    async fn openapi_matches_routes(db) {
        let s = Server::start(&db.store).await;
        let r = s.get("/api/v1/openapi.json").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), "application/json");
        let doc = &r.body;
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{}", doc["openapi"]);
        let paths = doc["paths"].as_object().expect("paths");
        for wanted in [
            "/healthz",
            "/readyz",
            "/api/v1/facilities",
            "/api/v1/facilities/{code}",
            "/api/v1/facilities/{code}/locations",
            "/api/v1/facilities/{code}/history",
            "/api/v1/locations/{id}",
            "/api/v1/locations/{id}/out-of-service",
            "/api/v1/locations/{id}/return-to-service",
            "/api/v1/locations/{id}/history",
            "/api/v1/admissions",
            "/api/v1/persons",
            "/api/v1/persons/{id}",
            "/api/v1/persons/{id}/legal-documents",
            "/api/v1/persons/{id}/release",
            "/api/v1/persons/{id}/corrections",
            "/api/v1/deadlines",
            "/api/v1/openapi.json",
        ] {
            assert!(paths.contains_key(wanted), "{wanted} is not documented");
        }

        // Call every documented operation on things that exist, without a body: the
        // router must know each one (no 405, and no 404 from the router). `{id}` is a
        // person's id on the person routes and a location's elsewhere.
        create_facility(&s, TURI).await;
        let id = add_location(&s, TURI, location("PAB-A", None, 1, 1)).await;
        let person = admit_person(&s, admission(TURI, "Juan", "Mora", "Vera", &cedula(1))).await;
        let file = format!("/api/v1/persons/{person}");
        let file_before = s.get(&file).await;
        assert_eq!(file_before.status, StatusCode::OK, "{}", file_before.body);
        let before = snapshot(&s, &db.store, TURI).await;
        let reads_before = access_reads(&s, person).await;
        let mut operations = 0;
        for (path, item) in paths {
            let target = if path.starts_with("/api/v1/persons/{id}") { person } else { id };
            let concrete = path.replace("{code}", TURI).replace("{id}", &target.to_string());
            let item = item.as_object().expect("path item");
            for method in ["get", "post", "put", "patch", "delete"] {
                let documented = item.contains_key(method);
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
                let r = s.raw(m, &concrete, None, vec![]).await;
                if documented {
                    operations += 1;
                    assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                    // A use case may answer that the thing is not there (a transfer or an
                    // absence with a location's id); the router's own 404 says no such resource.
                    assert!(
                        r.status != StatusCode::NOT_FOUND || r.body["detail"] != "no such resource",
                        "{method} {path}: {}",
                        r.body
                    );
                } else {
                    assert_problem(&r, 405, "method_not_allowed");
                }
            }
        }
        assert!(operations >= 25, "only {operations} operations documented");
        // Nothing changed but the journal's record of the one read of the file.
        let reads = access_reads(&s, person).await - reads_before;
        assert_eq!(reads, 1, "GET {file} is journaled once");
        let (facilities, locations, journal) = snapshot(&s, &db.store, TURI).await;
        assert_eq!((facilities, locations), (before.0, before.1));
        assert_eq!(journal, before.2 + reads);
        assert_eq!(s.get(&file).await.body, file_before.body);

        // Every $ref points at a schema that is there.
        let schemas = doc["components"]["schemas"].as_object().expect("components.schemas");
        let mut refs = Vec::new();
        collect_refs(doc, &mut refs);
        assert!(!refs.is_empty());
        for reference in refs {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected $ref {reference}"));
            assert!(schemas.contains_key(name), "$ref {reference} does not resolve");
        }
    }

    // OpenAPI: real responses, successes and problems, match the schemas the document
    // gives for their operation, status and content type.
    async fn responses_match_openapi(db) {
        let s = Server::start(&db.store).await;
        let r = s.get("/api/v1/openapi.json").await;
        assert_eq!(r.status, StatusCode::OK);
        let mut c = Contract::new(r.body.clone());
        c.check("get", "/api/v1/openapi.json", &r);

        // Every documented response, of every operation, declares the request id header.
        for (path, item) in c.doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if !OPERATIONS.contains(&method.as_str()) {
                    continue;
                }
                let responses = op["responses"].as_object().expect("responses");
                assert!(!responses.is_empty(), "{method} {path} documents no response");
                // A path parameter is one the path names; query parameters are optional
                // except the few an operation cannot do without.
                let required_queries: &[(&str, &str)] =
                    &[("/api/v1/audit/access", "person"), ("/api/v1/persons", "q"), ("/api/v1/counts", "facility")];
                for p in op["parameters"].as_array().into_iter().flatten() {
                    let name = p["name"].as_str().expect("parameter name");
                    match p["in"].as_str() {
                        Some("path") => assert!(
                            path.contains(&format!("{{{name}}}")),
                            "{method} {path}: `{name}` is documented in the path: {p}"
                        ),
                        Some("query") => assert_eq!(
                            p["required"] == true,
                            required_queries.contains(&(path.as_str(), name)),
                            "{method} {path}: {p}"
                        ),
                        other => panic!("{method} {path}: `{name}` in {other:?}"),
                    }
                }
                for (status, response) in responses {
                    let header = &response["headers"]["x-request-id"];
                    assert!(
                        header.is_object(),
                        "{method} {path} {status} does not declare x-request-id: {response}"
                    );
                    assert_eq!(header["schema"]["type"], "string", "{method} {path} {status}");
                }
            }
        }

        let h = s.get("/healthz").await;
        c.check("get", "/healthz", &h);
        let signed_in = s
            .post("/api/v1/auth/token", &json!({"username": "admin", "password": "cuatro caballos azules"}))
            .await;
        assert_eq!(signed_in.status, StatusCode::OK, "{signed_in:?}");
        c.check("post", "/api/v1/auth/token", &signed_in);
        // The session route answers browser sessions only: sign in through the form.
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let form = browser
            .post(s.url("/login"))
            .form(&[("username", "admin"), ("password", "cuatro caballos azules")])
            .send()
            .await
            .expect("sign in");
        let cookie = form.headers()[reqwest::header::SET_COOKIE]
            .to_str()
            .expect("cookie")
            .split(';')
            .next()
            .expect("name=value")
            .to_owned();
        let session = s
            .send(browser.get(s.url("/api/v1/auth/session")).header(reqwest::header::COOKIE, cookie))
            .await;
        assert_eq!(session.status, StatusCode::OK, "{session:?}");
        c.check("get", "/api/v1/auth/session", &session);
        let audit = s.get("/api/v1/audit/access?person=P-1").await;
        assert_eq!(audit.status, StatusCode::OK, "{audit:?}");
        c.check("get", "/api/v1/audit/access", &audit);
        let ready = s.get("/readyz").await;
        assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
        c.check("get", "/readyz", &ready);

        // Facilities.
        let facilities = "/api/v1/facilities";
        let one = "/api/v1/facilities/{code}";
        let created = c.call(&s, Method::POST, facilities, &[], Some(facility(TURI))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let mut adolescents = facility("CAI-PI-1");
        adolescents["kind"] = json!("CAI");
        adolescents["holds_sex"] = json!("both");
        adolescents["holds_age"] = json!("adolescents");
        adolescents["security_levels"] = json!(["minimum"]);
        let cai = c.call(&s, Method::POST, facilities, &[], Some(adolescents)).await;
        assert_eq!(cai.status, StatusCode::CREATED, "{}", cai.body);
        let list = c.call(&s, Method::GET, facilities, &[], None).await;
        assert_eq!(list.body.as_array().map(Vec::len), Some(2), "{}", list.body);
        let got = c.call(&s, Method::GET, one, &[TURI], None).await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.body);
        let patch = json!({"name": "Turi", "security_levels": ["maximum", "medium", "minimum"]});
        let changed = c.call(&s, Method::PATCH, one, &[TURI], Some(patch)).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);

        // A location tree, one location out of service and back, and changes.
        let locations = "/api/v1/facilities/{code}/locations";
        let loc = "/api/v1/locations/{id}";
        let mut ids = Vec::new();
        let tree = [("PAB-A", None, 0), ("PAB-A-B1", Some(0), 0), ("PAB-A-B1-C1", Some(1), 4)];
        for (code, parent, design) in tree {
            let parent = parent.map(|i: usize| ids[i]);
            let body = location(code, parent, design, design);
            let r = c.call(&s, Method::POST, locations, &[TURI], Some(body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            ids.push(r.body["id"].as_i64().expect("id"));
        }
        let (pav, block, cell) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
        let listed = c.call(&s, Method::GET, locations, &[TURI], None).await;
        assert_eq!(listed.body.as_array().map(Vec::len), Some(3), "{}", listed.body);
        let patch = json!({"name": "Celda 1", "holds_sex": "men", "operational_capacity": 6});
        let changed = c.call(&s, Method::PATCH, loc, &[&cell], Some(patch)).await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
        let to_top = json!({"parent_id": null, "security_level": "medium"});
        let moved = c.call(&s, Method::PATCH, loc, &[&block], Some(to_top)).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        assert_eq!(moved.body["parent_id"], Value::Null);

        let out_of_service = "/api/v1/locations/{id}/out-of-service";
        let period = json!({
            "reason": "riot_damage",
            "since": "2024-03-01T00:00:00Z",
            "until": "2099-03-01T00:00:00Z",
            "note": "roof",
        });
        let out = c.call(&s, Method::POST, out_of_service, &[&block], Some(period)).await;
        assert_eq!(out.status, StatusCode::OK, "{}", out.body);
        assert_eq!(out.body["out_of_service"]["note"], "roof");
        let open_ended = json!({"reason": "maintenance"});
        let out = c.call(&s, Method::POST, out_of_service, &[&pav], Some(open_ended)).await;
        assert_eq!(out.status, StatusCode::OK, "{}", out.body);
        assert_eq!(out.body["in_service"], false);
        // The cell is inside an out-of-service block: a location with a null period but
        // not in service.
        let inside = c.call(&s, Method::GET, loc, &[&cell], None).await;
        assert_eq!(inside.body["in_service"], false, "{}", inside.body);
        let listed = c.call(&s, Method::GET, locations, &[TURI], None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let returned = "/api/v1/locations/{id}/return-to-service";
        let back = c.call(&s, Method::POST, returned, &[&block], None).await;
        assert_eq!(back.status, StatusCode::OK, "{}", back.body);
        assert_eq!(back.body["out_of_service"], Value::Null);

        let history = c
            .call(&s, Method::GET, "/api/v1/locations/{id}/history", &[&block], None)
            .await;
        assert_eq!(event_types(&history.body).len(), 4, "{}", history.body);
        let history = c
            .call(&s, Method::GET, "/api/v1/facilities/{code}/history?limit=5", &[TURI], None)
            .await;
        assert_eq!(
            event_types(&history.body),
            ["facility.registered", "facility.changed"],
            "{}",
            history.body
        );

        // Persons: two admissions, a duplicate refused then confirmed, search, the file,
        // a sentence, a correction, a release, deadlines.
        let admissions = "/api/v1/admissions";
        let person = "/api/v1/persons/{id}";
        let documents = "/api/v1/persons/{id}/legal-documents";
        let release = "/api/v1/persons/{id}/release";
        let corrections = "/api/v1/persons/{id}/corrections";
        let juan = admission(TURI, "Juan Carlos", "Martínez", "Pérez", &cedula(1));
        let admitted = c.call(&s, Method::POST, admissions, &[], Some(juan.clone())).await;
        assert_eq!(admitted.status, StatusCode::CREATED, "{}", admitted.body);
        let id = admitted.body["id"].as_i64().expect("person id");
        assert_eq!(admitted.header("location"), format!("/api/v1/persons/{id}"));
        assert_eq!(admitted.body["in_custody"], true);
        let juan_id = id.to_string();
        // The same names and birth date under another document: refused until confirmed.
        let namesake = admission(TURI, "Juan Carlos", "Martínez", "Pérez", &cedula(2));
        let dup = c.call(&s, Method::POST, admissions, &[], Some(namesake.clone())).await;
        assert_problem(&dup, 409, "possible_duplicate");
        let candidates = dup.body["candidates"].as_array().expect("candidates");
        assert!(!candidates.is_empty(), "{}", dup.body);
        for candidate in candidates {
            assert!(candidate["person_id"].is_i64(), "{candidate}");
            assert!(candidate["registry_number"].is_string(), "{candidate}");
            assert!(candidate["reason"].is_string(), "{candidate}");
        }
        assert_eq!(candidates[0]["person_id"], id, "{}", dup.body);
        assert_eq!(candidates[0]["registry_number"], admitted.body["registry_number"]);
        assert_eq!(candidates[0]["reason"], "same_name_and_birth", "{}", dup.body);
        // Another name under the first one's cédula.
        let same_cedula = admission(TURI, "Pedro", "Loor", "Vera", &cedula(1));
        let dup = c.call(&s, Method::POST, admissions, &[], Some(same_cedula)).await;
        assert_problem(&dup, 409, "possible_duplicate");
        assert_eq!(dup.body["candidates"][0]["person_id"], id, "{}", dup.body);
        assert_eq!(dup.body["candidates"][0]["reason"], "same_document", "{}", dup.body);
        let mut confirmed = namesake;
        confirmed["confirm_new_person"] = json!(true);
        let second = c.call(&s, Method::POST, admissions, &[], Some(confirmed)).await;
        assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
        let namesake_id = second.body["id"].as_i64().expect("person id");
        assert_ne!(namesake_id, id);
        let namesake_id = namesake_id.to_string();
        let mut bad_cedula = admission(TURI, "Pedro", "Loor", "Vera", &cedula(3));
        let number = cedula(3);
        let (body, check) = number.split_at(9);
        let wrong = (check.parse::<u32>().expect("a digit") + 1) % 10;
        bad_cedula["person"]["document"]["number"] = json!(format!("{body}{wrong}"));
        let invalid = c.call(&s, Method::POST, admissions, &[], Some(bad_cedula)).await;
        assert_problem(&invalid, 422, "invalid_input");
        assert!(
            has_error(&invalid, "person.document.number", "invalid_cedula"),
            "{}",
            invalid.body
        );

        let found = c.call(&s, Method::GET, "/api/v1/persons?q=martinez", &[], None).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        let found_ids: BTreeSet<i64> = found.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|f| f["id"].as_i64().expect("id"))
            .collect();
        assert!(found_ids.contains(&id), "{}", found.body);
        let read = format!("{person}?reason=contract");
        let file = c.call(&s, Method::GET, &read, &[&juan_id], None).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.body);
        assert_eq!(file.body["identity"]["first_surname"], "Martínez");

        let sentence = json!({
            "kind": "sentence",
            "case_number": "09286-2026-01234",
            "court": "Tribunal de Garantías Penales con sede en el cantón Guayaquil",
            "judge": "Dr. Luis Andrade",
            "issued_on": "2026-11-05",
            "sentence": {"years": 2, "months": 0, "days": 0},
        });
        let filed = c.call(&s, Method::POST, documents, &[&juan_id], Some(sentence.clone())).await;
        assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
        let episode = &filed.body["episodes"][0];
        assert_eq!(episode["legal_state"]["status"], "sentenced", "{}", filed.body);
        assert_eq!(episode["documents"].as_array().map(Vec::len), Some(2), "{}", filed.body);
        // A document-valued field: the correction's value is documented as an object.
        let new_document = json!({"kind": "cedula", "number": cedula(4)});
        let correction = json!({
            "field": "document",
            "value": new_document,
            "reason": "cédula verificada con el Registro Civil",
        });
        let corrected = c.call(&s, Method::POST, corrections, &[&juan_id], Some(correction)).await;
        assert_eq!(corrected.status, StatusCode::CREATED, "{}", corrected.body);
        assert_eq!(corrected.body["identity"]["document"]["number"], cedula(4));
        assert_eq!(corrected.body["corrections"][0]["new_value"], new_document);
        let out = json!({
            "released_at": "2026-11-20T10:00:00Z",
            "reason": "court_order",
            "authorized_by": "Unidad Judicial Penal, 09286-2026-01234",
        });
        let released = c.call(&s, Method::POST, release, &[&namesake_id], Some(out.clone())).await;
        assert_eq!(released.status, StatusCode::OK, "{}", released.body);
        assert_eq!(released.body["in_custody"], false);
        assert_eq!(released.body["episodes"][0]["release"]["reason"], "court_order");
        let deadlines = "/api/v1/deadlines?facility=CPL-AZ-1&within_days=3650";
        let due = c.call(&s, Method::GET, deadlines, &[], None).await;
        assert_eq!(due.status, StatusCode::OK, "{}", due.body);
        let due_ids: Vec<i64> = due.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|d| d["person_id"].as_i64().expect("person_id"))
            .collect();
        assert_eq!(due_ids, [id], "only the one still in custody: {}", due.body);

        // The problems of the person routes.
        let late = Some(sentence.clone());
        let not_held = c.call(&s, Method::POST, documents, &[&namesake_id], late).await;
        assert_problem(&not_held, 409, "not_in_custody");
        let again = c.call(&s, Method::POST, release, &[&namesake_id], Some(out.clone())).await;
        assert_problem(&again, 409, "not_in_custody");
        let nobody = "999999";
        let missing = c.call(&s, Method::GET, person, &[nobody], None).await;
        assert_problem(&missing, 404, "not_found");
        let missing = c.call(&s, Method::POST, documents, &[nobody], Some(sentence)).await;
        assert_problem(&missing, 404, "not_found");
        let missing = c.call(&s, Method::POST, release, &[nobody], Some(out)).await;
        assert_problem(&missing, 404, "not_found");
        let fix = json!({"field": "first_surname", "value": "Mora", "reason": "digitación"});
        let missing = c.call(&s, Method::POST, corrections, &[nobody], Some(fix)).await;
        assert_problem(&missing, 404, "not_found");
        // Once released, the namesake is admitted again as the registered person.
        let mut readmission = juan.clone();
        readmission.as_object_mut().expect("an object").remove("person");
        readmission["person_id"] = json!(namesake_id.parse::<i64>().expect("an id"));
        readmission["admitted_at"] = json!("2026-11-25T09:00:00Z");
        let back = c.call(&s, Method::POST, admissions, &[], Some(readmission)).await;
        assert_eq!(back.status, StatusCode::CREATED, "{}", back.body);
        assert_eq!(back.body["id"].to_string(), namesake_id);
        assert_eq!(back.body["episodes"].as_array().map(Vec::len), Some(2), "{}", back.body);
        let mut unknown_facility = juan;
        unknown_facility["facility"] = json!("NOPE-1");
        let missing = c.call(&s, Method::POST, admissions, &[], Some(unknown_facility)).await;
        assert_problem(&missing, 404, "not_found");

        // Population: a placement, the check, classification, the rolls, occupants and
        // movements; intelligence: groups, an affiliation, a keep-apart rule.
        let cells = c.call(&s, Method::POST, locations, &[TURI], Some(location("POP-1", None, 4, 4))).await;
        assert_eq!(cells.status, StatusCode::CREATED, "{}", cells.body);
        let pop_cell = cells.body["id"].as_i64().expect("id");
        let placements = "/api/v1/placements";
        let placed = c
            .call(&s, Method::POST, placements, &[], Some(json!({"person_id": id, "location_id": pop_cell, "reason": "ingreso"})))
            .await;
        assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
        let not_a_cell = c
            .call(&s, Method::POST, placements, &[], Some(json!({"person_id": id, "location_id": ids[1]})))
            .await;
        assert_problem(&not_a_cell, 422, "invalid_input");
        let moves = json!({"moves": [{"person_id": id, "location_id": pop_cell}, {"person_id": id, "location_id": ids[1]}]});
        let checked = c.call(&s, Method::POST, "/api/v1/placements/check", &[], Some(moves)).await;
        assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
        assert_eq!(checked.body["results"][1]["allowed"], false);
        let level = json!({"level": "maximum", "reason": "riesgo alto"});
        let classified = c.call(&s, Method::POST, "/api/v1/persons/{id}/classification", &[&juan_id], Some(level)).await;
        assert_eq!(classified.status, StatusCode::OK, "{}", classified.body);
        let roll = c.call(&s, Method::GET, "/api/v1/facilities/{code}/roll", &[TURI], None).await;
        assert_eq!(roll.status, StatusCode::OK, "{}", roll.body);
        assert_eq!(roll.body["totals"]["in_place"], 1, "{}", roll.body);
        let national = c.call(&s, Method::GET, "/api/v1/roll", &[], None).await;
        assert_eq!(national.status, StatusCode::OK, "{}", national.body);
        let cell_text = pop_cell.to_string();
        let there = c.call(&s, Method::GET, "/api/v1/locations/{id}/occupants", &[&cell_text], None).await;
        assert_eq!(there.status, StatusCode::OK, "{}", there.body);
        assert_eq!(there.body["occupants"][0]["person_id"], id);
        let moved = c.call(&s, Method::GET, "/api/v1/persons/{id}/movements", &[&juan_id], None).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        let groups = "/api/v1/groups";
        let lobos = c.call(&s, Method::POST, groups, &[], Some(json!({"name": "Los Lobos", "aliases": ["Lobos"]}))).await;
        assert_eq!(lobos.status, StatusCode::CREATED, "{}", lobos.body);
        let lobos = lobos.body["id"].as_i64().expect("id");
        let choneros = c.call(&s, Method::POST, groups, &[], Some(json!({"name": "Los Choneros", "rivals": [lobos]}))).await;
        let choneros = choneros.body["id"].as_i64().expect("id");
        let listed = c.call(&s, Method::GET, groups, &[], None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let member = json!({"group_id": lobos, "role": "leader", "source": "informe", "confidence": "high", "since": "2020-01-01"});
        let affiliated = c.call(&s, Method::POST, "/api/v1/persons/{id}/affiliations", &[&juan_id], Some(member)).await;
        assert_eq!(affiliated.status, StatusCode::CREATED, "{}", affiliated.body);
        let rule = json!({"kind": "groups", "a": lobos, "b": choneros, "reason": "rival_gang", "scope": "unit", "authorized_by": "Director"});
        let recorded = c.call(&s, Method::POST, "/api/v1/keep-apart", &[], Some(rule)).await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
        let rules = c.call(&s, Method::GET, "/api/v1/keep-apart", &[], None).await;
        assert_eq!(rules.status, StatusCode::OK, "{}", rules.body);

        // Movements: a transfer through every step and one cancelled, bulk operations,
        // an absence, an escape and recapture, counts, and a death.
        let other = c.call(&s, Method::POST, facilities, &[], Some(facility("CPL-AZ-7"))).await;
        assert_eq!(other.status, StatusCode::CREATED, "{}", other.body);
        let transfers = "/api/v1/transfers";
        let ask = |to: &str| Some(json!({"person_id": id, "to_facility": to, "reason": "security"}));
        let requested = c.call(&s, Method::POST, transfers, &[], ask("CPL-AZ-7")).await;
        assert_eq!(requested.status, StatusCode::CREATED, "{}", requested.body);
        let t = requested.body["id"].to_string();
        for step in [
            "/api/v1/transfers/{id}/approve",
            "/api/v1/transfers/{id}/dispatch",
            "/api/v1/transfers/{id}/receive",
        ] {
            let r = c.call(&s, Method::POST, step, &[&t], Some(json!({}))).await;
            assert_eq!(r.status, StatusCode::OK, "{step}: {}", r.body);
        }
        let again = c.call(&s, Method::POST, "/api/v1/transfers/{id}/receive", &[&t], Some(json!({}))).await;
        assert_problem(&again, 409, "not_dispatched");
        let seen = c.call(&s, Method::GET, "/api/v1/transfers/{id}", &[&t], None).await;
        assert_eq!(seen.body["status"], "received");
        let listed = c.call(&s, Method::GET, "/api/v1/transfers?facility=CPL-AZ-7&status=received", &[], None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let back = c.call(&s, Method::POST, transfers, &[], ask(TURI)).await;
        let back = back.body["id"].to_string();
        let called_off = c.call(&s, Method::POST, "/api/v1/transfers/{id}/cancel", &[&back], Some(json!({"reason": "orden revocada"}))).await;
        assert_eq!(called_off.status, StatusCode::OK, "{}", called_off.body);
        let operations = "/api/v1/transfer-operations";
        let bulk = |to: &str| Some(json!({"name": "Operación", "reason": "overcrowding", "moves": [{"person_id": id, "to_facility": to}]}));
        let created = c.call(&s, Method::POST, operations, &[], bulk(TURI)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let op = created.body["id"].to_string();
        for step in [
            "/api/v1/transfer-operations/{id}/approve",
            "/api/v1/transfer-operations/{id}/dispatch",
            "/api/v1/transfer-operations/{id}/receive",
        ] {
            let r = c.call(&s, Method::POST, step, &[&op], Some(json!({}))).await;
            assert_eq!(r.status, StatusCode::OK, "{step}: {}", r.body);
        }
        let done = c.call(&s, Method::POST, "/api/v1/transfer-operations/{id}/cancel", &[&op], Some(json!({}))).await;
        assert_problem(&done, 409, "nothing_to_do");
        let got = c.call(&s, Method::GET, "/api/v1/transfer-operations/{id}", &[&op], None).await;
        assert_eq!(got.body["counts"]["received"], 1);
        let second = c.call(&s, Method::POST, operations, &[], bulk("CPL-AZ-7")).await;
        let second = second.body["id"].to_string();
        let cancelled = c.call(&s, Method::POST, "/api/v1/transfer-operations/{id}/cancel", &[&second], Some(json!({}))).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
        let later = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3)).to_string();
        let out = c.call(&s, Method::POST, "/api/v1/absences", &[], Some(json!({"person_id": id, "kind": "court_appearance", "expected_back_at": later}))).await;
        assert_eq!(out.status, StatusCode::CREATED, "{}", out.body);
        let absence = out.body["id"].to_string();
        let away = c.call(&s, Method::GET, "/api/v1/absences?facility=CPL-AZ-1", &[], None).await;
        assert_eq!(away.body.as_array().map(Vec::len), Some(1), "{}", away.body);
        let came_back = c.call(&s, Method::POST, "/api/v1/absences/{id}/return", &[&absence], Some(json!({}))).await;
        assert_eq!(came_back.status, StatusCode::OK, "{}", came_back.body);
        let now = jiff::Timestamp::now().to_string();
        let fled = c.call(&s, Method::POST, "/api/v1/persons/{id}/escape", &[&juan_id], Some(json!({"at": now, "circumstances": "fuga"}))).await;
        assert_eq!(fled.status, StatusCode::OK, "{}", fled.body);
        let now = jiff::Timestamp::now().to_string();
        let caught = c.call(&s, Method::POST, "/api/v1/persons/{id}/recapture", &[&juan_id], Some(json!({"at": now}))).await;
        assert_eq!(caught.status, StatusCode::OK, "{}", caught.body);
        let counted = c.call(&s, Method::POST, "/api/v1/counts", &[], Some(json!({"location_id": pop_cell, "counted": 3}))).await;
        assert_eq!(counted.status, StatusCode::CREATED, "{}", counted.body);
        assert_eq!(counted.body["open"], true);
        let count = counted.body["id"].to_string();
        let listed = c.call(&s, Method::GET, "/api/v1/counts?facility=CPL-AZ-1&open=true", &[], None).await;
        assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{}", listed.body);
        let explained = c.call(&s, Method::POST, "/api/v1/counts/{id}/reconcile", &[&count], Some(json!({"explanation": "error de conteo"}))).await;
        assert_eq!(explained.status, StatusCode::OK, "{}", explained.body);
        let now = jiff::Timestamp::now().to_string();
        let died = c.call(&s, Method::POST, "/api/v1/persons/{id}/death", &[&juan_id], Some(json!({"died_at": now, "place": "Enfermería", "cause": "natural"}))).await;
        assert_eq!(died.status, StatusCode::OK, "{}", died.body);
        assert!(died.body["incident_id"].is_i64(), "a death opens its incident: {}", died.body);

        // Incidents and crises: an incident with its record, a crisis grouping it with an
        // attack outside the walls, a hostage taken and released, notifications, control
        // status and the situation.
        let ago = |mins: i64| (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(mins)).to_string();
        let guard = c.call(&s, Method::POST, "/api/v1/staff", &[], Some(json!({"service_number": "API-H-1", "given_names": "Rosa", "surnames": "Paz", "kind": "prison_guard", "home_facility": TURI}))).await;
        assert_eq!(guard.status, StatusCode::CREATED, "{}", guard.body);
        let guard = guard.body["id"].as_i64().expect("id");
        let shift = json!({"starts_at": ago(60), "ends_at": (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(7)).to_string(), "posts": [{"post": "Garita 1", "staff_ids": [guard]}]});
        let shift = c.call(&s, Method::POST, "/api/v1/facilities/{code}/shifts", &[TURI], Some(shift)).await;
        assert_eq!(shift.status, StatusCode::CREATED, "{}", shift.body);
        // The staff register and the roster, read back and changed.
        let guard_id = guard.to_string();
        let police = json!({"service_number": "API-P-1", "given_names": "Jorge", "surnames": "Ortiz", "kind": "police", "rank": "Cabo", "home_facility": "CPL-AZ-7", "emergency_contact": {"name": "Ana Ortiz", "relationship": "esposa", "phone": "0991234567"}, "active": true});
        let r = c.call(&s, Method::POST, "/api/v1/staff", &[], Some(police)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let taken = c.call(&s, Method::POST, "/api/v1/staff", &[], Some(json!({"service_number": "API-P-1", "given_names": "Otro", "surnames": "Más", "kind": "other", "home_facility": TURI}))).await;
        assert_problem(&taken, 409, "duplicate_service_number");
        let r = c.call(&s, Method::GET, "/api/v1/staff?facility=CPL-AZ-1&kind=prison_guard&active=true&q=paz&limit=10", &[], None).await;
        assert_eq!(r.body["total"], 1, "{}", r.body);
        let r = c.call(&s, Method::GET, "/api/v1/staff/{id}", &[&guard_id], None).await;
        assert_eq!(r.body["service_number"], "API-H-1", "{}", r.body);
        let r = c.call(&s, Method::PATCH, "/api/v1/staff/{id}", &[&guard_id], Some(json!({"rank": "Agente de primera", "emergency_contact": {"name": "Luis Paz", "relationship": "padre", "phone": "0997654321"}, "user": null}))).await;
        assert_eq!(r.body["rank"], "Agente de primera", "{}", r.body);
        let r = c.call(&s, Method::GET, "/api/v1/facilities/{code}/shifts", &[TURI], None).await;
        assert_eq!(r.body.as_array().map(Vec::len), Some(1), "{}", r.body);
        let r = c.call(&s, Method::GET, "/api/v1/facilities/{code}/on-duty", &[TURI], None).await;
        assert_eq!(r.body["staff"][0]["post"], "Garita 1", "{}", r.body);
        let incidents = "/api/v1/incidents";
        let taking = json!({"type": "hostage_taking", "site": {"facility": TURI}, "occurred_at": ago(30), "summary": "Toma de rehenes en el pabellón A"});
        let reported = c.call(&s, Method::POST, incidents, &[], Some(taking)).await;
        assert_eq!(reported.status, StatusCode::CREATED, "{}", reported.body);
        assert_eq!(reported.body["severity"], "critical");
        let inc = reported.body["id"].to_string();
        let inc_id = reported.body["id"].as_i64().expect("id");
        let listed = c.call(&s, Method::GET, "/api/v1/incidents?facility=CPL-AZ-1&type=hostage_taking", &[], None).await;
        assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{}", listed.body);
        let noted = c.call(&s, Method::POST, "/api/v1/incidents/{id}/timeline", &[&inc], Some(json!({"entry": "Negociación iniciada", "occurred_at": ago(25)}))).await;
        assert_eq!(noted.status, StatusCode::CREATED, "{}", noted.body);
        let active = c.call(&s, Method::POST, "/api/v1/incidents/{id}/status", &[&inc], Some(json!({"status": "active"}))).await;
        assert_eq!(active.status, StatusCode::OK, "{}", active.body);
        let witness = c.call(&s, Method::POST, "/api/v1/incidents/{id}/people", &[&inc], Some(json!({"person_id": id, "role": "witness"}))).await;
        assert_eq!(witness.status, StatusCode::CREATED, "{}", witness.body);
        let photo = c.call(&s, Method::POST, "/api/v1/incidents/{id}/attachments", &[&inc], Some(json!({"reference": "EV-2023-001", "description": "fotografía"}))).await;
        assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.body);
        let hurt = c.call(&s, Method::POST, "/api/v1/incidents/{id}/casualties", &[&inc], Some(json!({"staff_id": guard, "outcome": "injured", "at": ago(28)}))).await;
        assert_eq!(hurt.status, StatusCode::CREATED, "{}", hurt.body);
        let got = c.call(&s, Method::GET, "/api/v1/incidents/{id}", &[&inc], None).await;
        assert_eq!(got.body["timeline"].as_array().map(Vec::len), Some(5), "{}", got.body);
        let crises = "/api/v1/crises";
        let opened = c.call(&s, Method::POST, crises, &[], Some(json!({"name": "Tomas simultáneas", "started_at": ago(30), "incident_ids": [inc_id]}))).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
        let crisis = opened.body["id"].to_string();
        let outside = json!({"type": "explosion_or_attack", "site": {"address": "Av. 10 de Agosto", "province": "Pichincha", "latitude": -0.2, "longitude": -78.5}, "occurred_at": ago(20), "summary": "Coche bomba"});
        let bomb = c.call(&s, Method::POST, incidents, &[], Some(outside)).await;
        assert_eq!(bomb.status, StatusCode::CREATED, "{}", bomb.body);
        assert!(bomb.body["reference"].as_str().is_some_and(|r| r.starts_with("EXT-")), "{}", bomb.body);
        let added = c.call(&s, Method::POST, "/api/v1/crises/{id}/incidents", &[&crisis], Some(json!({"incident_id": bomb.body["id"]}))).await;
        assert_eq!(added.body["incident_ids"].as_array().map(Vec::len), Some(2), "{}", added.body);
        let entry = c.call(&s, Method::POST, "/api/v1/crises/{id}/timeline", &[&crisis], Some(json!({"entry": "Comité de crisis instalado"}))).await;
        assert_eq!(entry.status, StatusCode::CREATED, "{}", entry.body);
        let taken = c.call(&s, Method::POST, "/api/v1/crises/{id}/hostages", &[&crisis], Some(json!({"incident_id": inc_id, "staff_ids": [guard], "at": ago(20)}))).await;
        assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
        assert_eq!(taken.body["totals"]["held"], 1, "{}", taken.body);
        let board = c.call(&s, Method::GET, "/api/v1/crises/{id}/accountability", &[&crisis], None).await;
        assert_eq!(board.body["facilities"][0]["held"], 1, "{}", board.body);
        let refused = c.call(&s, Method::POST, "/api/v1/crises/{id}/close", &[&crisis], Some(json!({}))).await;
        assert_problem(&refused, 409, "staff_held");
        let freed = c.call(&s, Method::POST, "/api/v1/crises/{id}/hostages/release", &[&crisis], Some(json!({"incident_id": inc_id, "staff_ids": "all", "at": ago(10), "circumstances": "liberado tras negociación"}))).await;
        assert_eq!(freed.body["totals"]["released"], 1, "{}", freed.body);
        let safe = c.call(&s, Method::POST, "/api/v1/crises/{id}/staff-status", &[&crisis], Some(json!({"incident_id": inc_id, "staff_ids": [guard], "status": "accounted_for", "at": ago(5)}))).await;
        assert_eq!(safe.body["totals"]["accounted_for"], 1, "{}", safe.body);
        let closed = c.call(&s, Method::POST, "/api/v1/crises/{id}/close", &[&crisis], Some(json!({"note": "controlado"}))).await;
        assert_eq!(closed.body["status"], "closed", "{}", closed.body);
        let all = c.call(&s, Method::GET, crises, &[], None).await;
        assert_eq!(all.body.as_array().map(Vec::len), Some(1), "{}", all.body);
        let one_crisis = c.call(&s, Method::GET, "/api/v1/crises/{id}", &[&crisis], None).await;
        assert_eq!(one_crisis.status, StatusCode::OK, "{}", one_crisis.body);
        let pending = c.call(&s, Method::GET, "/api/v1/notifications?status=pending", &[], None).await;
        let first = pending.body[0]["id"].to_string();
        let made = c.call(&s, Method::POST, "/api/v1/notifications/{id}/done", &[&first], Some(json!({"channel": "phone", "notified": "Juez de turno, Cuenca"}))).await;
        assert_eq!(made.body["status"], "done", "{}", made.body);
        let control = "/api/v1/facilities/{code}/control-status";
        let lost = c.call(&s, Method::POST, control, &[TURI], Some(json!({"status": "lost_control", "reason": "motín"}))).await;
        assert_eq!(lost.status, StatusCode::OK, "{}", lost.body);
        let history = c.call(&s, Method::GET, control, &[TURI], None).await;
        assert_eq!(history.body.as_array().map(Vec::len), Some(1), "{}", history.body);
        let situation = c.call(&s, Method::GET, "/api/v1/situation", &[], None).await;
        assert_eq!(situation.body["facilities_not_normal"][0]["facility"], TURI, "{}", situation.body);

        // Searches and seizures: a search of a cell, drugs seized, handed to the
        // prosecutor (after which the chain is closed), and the statistics.
        let search = c.call(&s, Method::POST, "/api/v1/searches", &[], Some(json!({"facility": TURI, "kind": "cell", "location_ids": [pop_cell], "team": [{"name": "Grupo de Intervención y Rescate", "role": "requisa"}], "authorised_by": "Director", "started_at": ago(50), "ended_at": ago(40), "reason": "Control de armas y drogas"}))).await;
        assert_eq!(search.status, StatusCode::CREATED, "{}", search.body);
        let search = search.body["id"].to_string();
        let seized = c.call(&s, Method::POST, "/api/v1/searches/{id}/items", &[&search], Some(json!({"category": "drugs", "quantity": 2, "drugs": {"kind": "cocaine", "grams": 12.5}, "location_id": pop_cell, "found_place": "Bajo la litera", "photo_reference": "FOTO-1", "holder": {"staff_id": guard}}))).await;
        assert_eq!(seized.status, StatusCode::CREATED, "{}", seized.body);
        let seized = seized.body["id"].to_string();
        let fiscal = json!({"name": "Ab. Jorge Alvarado", "office": "Fiscalía Provincial del Azuay"});
        let handed = c.call(&s, Method::POST, "/api/v1/items/{id}/handovers", &[&seized], Some(json!({"from": {"staff_id": guard}, "to": fiscal, "at": ago(30), "purpose": "Entrega a Fiscalía", "disposal": "handed_to_prosecutor"}))).await;
        assert_eq!(handed.body["disposal"], "handed_to_prosecutor", "{}", handed.body);
        let closed = c.call(&s, Method::POST, "/api/v1/items/{id}/handovers", &[&seized], Some(json!({"from": fiscal, "to": {"staff_id": guard}, "at": ago(20), "purpose": "Devolución"}))).await;
        assert_problem(&closed, 409, "already_disposed");
        let r = c.call(&s, Method::GET, "/api/v1/items/{id}", &[&seized], None).await;
        assert_eq!(r.body["handovers"].as_array().map(Vec::len), Some(1), "{}", r.body);
        let linked = c.call(&s, Method::POST, "/api/v1/incidents/{id}/seizures", &[&inc], Some(json!({"search_id": search.parse::<i64>().expect("id")}))).await;
        assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
        assert_eq!(linked.body["items"], 1, "{}", linked.body);
        let again = c.call(&s, Method::POST, "/api/v1/incidents/{id}/seizures", &[&inc], Some(json!({"search_id": search.parse::<i64>().expect("id")}))).await;
        assert_problem(&again, 409, "already_linked");
        let with = c.call(&s, Method::GET, "/api/v1/incidents/{id}", &[&inc], None).await;
        assert_eq!(with.body["seizures"][0]["items"], 1, "{}", with.body);
        let r = c.call(&s, Method::GET, "/api/v1/searches/{id}", &[&search], None).await;
        assert_eq!(r.body["items"][0]["drugs"]["grams"], 12.5, "{}", r.body);
        let r = c.call(&s, Method::GET, "/api/v1/searches?facility=CPL-AZ-1&from=2020-01-01T00:00:00Z&limit=10", &[], None).await;
        assert_eq!(r.body.as_array().map(Vec::len), Some(1), "{}", r.body);
        let r = c.call(&s, Method::GET, "/api/v1/seizures/stats?facility=CPL-AZ-1", &[], None).await;
        assert_eq!(r.body["drug_totals"][0]["grams"], 12.5, "{}", r.body);

        // Problems: each against the Problem schema of its documented status.
        let missing = c.call(&s, Method::GET, one, &["NOPE-1"], None).await;
        assert_problem(&missing, 404, "not_found");
        let missing = c.call(&s, Method::GET, loc, &["abc"], None).await;
        assert_problem(&missing, 404, "not_found");
        let missing = c.call(&s, Method::POST, returned, &["999999"], None).await;
        assert_problem(&missing, 404, "not_found");
        let dup = c.call(&s, Method::POST, facilities, &[], Some(facility(TURI))).await;
        assert_problem(&dup, 409, "duplicate_code");
        let again = c.call(&s, Method::POST, returned, &[&block], None).await;
        assert_problem(&again, 409, "already_in_service");
        let negative = location("PAB-Z", None, -1, 0);
        let invalid = c.call(&s, Method::POST, locations, &[TURI], Some(negative)).await;
        assert_problem(&invalid, 422, "invalid_input");
        assert!(has_error(&invalid, "design_capacity", "negative_capacity"), "{}", invalid.body);
        // The cell is below the block: the block cannot move into it.
        let cycle = json!({"parent_id": ids[2]});
        let invalid = c.call(&s, Method::PATCH, loc, &[&block], Some(cycle)).await;
        assert_problem(&invalid, 422, "invalid_input");
        assert!(has_error(&invalid, "parent_id", "cycle"), "{}", invalid.body);
        let mut unknown = facility("CPL-AZ-9");
        unknown["warden"] = json!("x");
        let invalid = c.call(&s, Method::POST, facilities, &[], Some(unknown)).await;
        assert_problem(&invalid, 422, "invalid_body");
        let bad_query = c
            .call(&s, Method::GET, "/api/v1/locations/{id}/history?limit=many", &[&cell], None)
            .await;
        assert_problem(&bad_query, 400, "bad_query");
        let json_type = Some("application/json");
        let turi = one.replace("{code}", TURI);
        let malformed = s.raw(Method::PATCH, &turi, json_type, b"{\"name\":".to_vec()).await;
        assert_problem(&malformed, 400, "malformed_json");
        c.check("patch", one, &malformed);
        let turi_locations = locations.replace("{code}", TURI);
        let untyped = s.raw(Method::POST, &turi_locations, None, b"{}".to_vec()).await;
        assert_problem(&untyped, 415, "unsupported_media_type");
        c.check("post", locations, &untyped);
        let mut huge = facility("CPL-AZ-8").to_string().into_bytes();
        huge.resize(custodia_web::BODY_LIMIT + 1, b' ');
        let too_large = s.raw(Method::POST, facilities, json_type, huge).await;
        assert_problem(&too_large, 413, "body_too_large");
        c.check("post", facilities, &too_large);
        let foreign = s
            .send(s.client.get(s.url("/api/v1/facilities")).header("host", "evil.example"))
            .await;
        assert_problem(&foreign, 421, "host_not_allowed");
        c.check("get", facilities, &foreign);

        // Not ready: a database without migrations.
        let bare = custodia_testkit::fresh_unmigrated(kind_of(&db.store)).await;
        let unready = Server::start(&bare.store).await;
        let not_ready = unready.get("/readyz").await;
        assert_problem(&not_ready, 503, "not_ready");
        c.check("get", "/readyz", &not_ready);

        // Every documented operation was checked with a success, and the problems above
        // covered these statuses.
        let mut unchecked = Vec::new();
        for (path, item) in c.doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                let ok = c
                    .checked
                    .iter()
                    .any(|(m, p, status)| m == method && p == path && *status < 300);
                if OPERATIONS.contains(&method.as_str()) && !ok {
                    unchecked.push(format!("{method} {path}"));
                }
            }
        }
        assert!(unchecked.is_empty(), "no success checked for {unchecked:?}");
        let statuses: BTreeSet<u16> = c.checked.iter().map(|(_, _, status)| *status).collect();
        for status in [400, 404, 409, 413, 415, 421, 422, 503] {
            assert!(statuses.contains(&status), "no {status} checked: {statuses:?}");
        }
    }

    // Concurrency: twenty clients add the same location code at once.
    async fn concurrent_duplicates(db) {
        let s = Server::start(&db.store).await;
        create_facility(&s, TURI).await;
        let journal_before = db.store.journal_len().await.expect("journal length");
        let url = s.url("/api/v1/facilities/CPL-AZ-1/locations");
        let start = Arc::new(tokio::sync::Barrier::new(20));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (client, url, start) = (s.client.clone(), url.clone(), start.clone());
            tasks.spawn(async move {
                start.wait().await;
                let r = client
                    .post(url)
                    .json(&location("PAB-A", None, 5, 5))
                    .send()
                    .await
                    .expect("request sent");
                let status = r.status();
                let body: Value = r.json().await.expect("JSON body");
                (status, body)
            });
        }
        let mut created = 0;
        let mut conflicts = 0;
        while let Some(done) = tasks.join_next().await {
            let (status, body) = done.expect("task");
            match status {
                StatusCode::CREATED => created += 1,
                StatusCode::CONFLICT => {
                    assert_eq!(body["code"], "duplicate_code", "{body}");
                    conflicts += 1;
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!((created, conflicts), (1, 19));
        let list = s.get("/api/v1/facilities/CPL-AZ-1/locations").await;
        assert_eq!(list.body.as_array().map(Vec::len), Some(1), "{}", list.body);
        assert_eq!(db.store.journal_len().await.expect("journal length"), journal_before + 1);
        db.store.verify_journal(None).await.expect("journal verifies");
    }

    // Request ids: a caller's plain id is echoed; anything else is replaced.
    async fn request_ids(db) {
        let s = Server::start(&db.store).await;
        let echoed = s
            .send(s.client.get(s.url("/healthz")).header("x-request-id", "abc-123"))
            .await;
        assert_eq!(echoed.status, StatusCode::OK);
        assert_eq!(echoed.header("x-request-id"), "abc-123");

        let problem = s
            .send(s.client.get(s.url("/api/v1/nowhere")).header("x-request-id", "trace.42_x"))
            .await;
        assert_problem(&problem, 404, "not_found");
        assert_eq!(problem.body["request_id"], "trace.42_x");

        let odd = s
            .send(s.client.get(s.url("/healthz")).header("x-request-id", "two words"))
            .await;
        let made = odd.header("x-request-id");
        assert!(made != "two words" && !made.is_empty(), "{made}");

        let a = s.get("/healthz").await;
        let b = s.get("/healthz").await;
        assert_ne!(a.header("x-request-id"), b.header("x-request-id"));
    }
}

fn collect_refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

/// The methods an OpenAPI path item names operations by.
const OPERATIONS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The OpenAPI document, and the (method, path, status) triples checked against it.
struct Contract {
    doc: Value,
    checked: BTreeSet<(String, String, u16)>,
}

impl Contract {
    fn new(doc: Value) -> Contract {
        Contract {
            doc,
            checked: BTreeSet::new(),
        }
    }

    /// The operation documented for a method and a path template (query string ignored).
    fn operation(&self, method: &str, template: &str) -> &Value {
        let path = template.split('?').next().unwrap_or(template);
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        op
    }

    /// Sends a request to `template` with its `{…}` parameters replaced, in order, by
    /// `args`; checks the response, and, when the server accepted it, the request body
    /// against the documented request schema.
    async fn call(
        &mut self,
        s: &Server,
        method: Method,
        template: &str,
        args: &[&str],
        body: Option<Value>,
    ) -> Reply {
        let mut concrete = String::new();
        let mut rest = template;
        let mut args = args.iter();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("closing brace") + open;
            concrete.push_str(&rest[..open]);
            concrete.push_str(args.next().expect("an argument for each parameter"));
            rest = &rest[close + 1..];
        }
        concrete.push_str(rest);
        assert!(args.next().is_none(), "too many arguments for {template}");
        let mut req = s.client.request(method.clone(), s.url(&concrete));
        if let Some(body) = &body {
            req = req.json(body);
        }
        let r = s.send(req).await;
        let method = method.as_str().to_ascii_lowercase();
        self.check(&method, template, &r);
        if let (true, Some(body)) = (r.status.is_success(), &body) {
            let op = self.operation(&method, template);
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            assert!(
                schema.is_object(),
                "{method} {template}: no request body documented"
            );
            if let Err(e) = Schemas::of(&self.doc).check(schema, body, "$") {
                panic!("{method} {template}: the accepted request breaks its schema: {e}\n{body}");
            }
        }
        r
    }

    /// Checks one response against the document: its status is documented for this
    /// operation, with the request id header and this content type, and the body matches
    /// that content's schema (problems: the Problem schema).
    fn check(&mut self, method: &str, template: &str, r: &Reply) {
        let op = self.operation(method, template);
        let path = template.split('?').next().unwrap_or(template);
        let status = r.status.as_u16();
        let what = format!("{method} {path} {status}");
        let documented = &op["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{what} is not documented: {}",
            r.body
        );
        assert!(
            documented["headers"]["x-request-id"].is_object(),
            "{what} does not declare x-request-id"
        );
        assert!(
            !r.header("x-request-id").is_empty(),
            "{what}: empty x-request-id"
        );
        let content_type = r.header("content-type");
        let media = &documented["content"][content_type];
        assert!(
            media.is_object(),
            "{what}: content type {content_type} is not documented: {documented}"
        );
        let schema = &media["schema"];
        if status >= 400 {
            assert_eq!(content_type, PROBLEM_JSON, "{what}");
            assert_eq!(
                schema,
                &json!({"$ref": "#/components/schemas/Problem"}),
                "{what}"
            );
        }
        if !schema.is_null()
            && let Err(e) = Schemas::of(&self.doc).check(schema, &r.body, "$")
        {
            panic!(
                "{what}: the response does not match its schema: {e}\nbody: {}",
                r.body
            );
        }
        self.checked
            .insert((method.to_owned(), path.to_owned(), status));
    }
}

/// A JSON-Schema checker for what utoipa emits: `$ref` to `#/components/schemas/…`,
/// `allOf`, `oneOf`, `anyOf`, `type` (one name or a list), `enum`, `const`, `properties`,
/// `required`, `additionalProperties`, `items`, `minimum` and `maximum`; `format` and
/// the other annotations are ignored, and any other keyword is refused, so that nothing
/// passes by being skipped.
struct Schemas<'a> {
    components: &'a serde_json::Map<String, Value>,
}

impl<'a> Schemas<'a> {
    fn of(doc: &'a Value) -> Schemas<'a> {
        Schemas {
            components: doc["components"]["schemas"]
                .as_object()
                .expect("components.schemas"),
        }
    }

    /// Checks `value`, found at the JSON path `at`, against `schema`; the error names the
    /// path of the first mismatch.
    fn check(&self, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        let schema = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(format!("{at}: no value is allowed here")),
            Value::Object(schema) => schema,
            other => panic!("not a schema at {at}: {other}"),
        };
        for keyword in schema.keys() {
            assert!(
                KEYWORDS.contains(&keyword.as_str()) || ANNOTATIONS.contains(&keyword.as_str()),
                "the checker does not support `{keyword}` (schema for {at})"
            );
        }
        if let Some(reference) = schema.get("$ref") {
            let reference = reference.as_str().expect("$ref is a string");
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
            let target = self
                .components
                .get(name)
                .unwrap_or_else(|| panic!("$ref {reference} does not resolve"));
            self.check(target, value, at)?;
        }
        if let Some(all) = schema.get("allOf") {
            for branch in all.as_array().expect("allOf is a list") {
                self.check(branch, value, at)?;
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            let Some(branches) = schema.get(keyword) else {
                continue;
            };
            let results: Vec<Result<(), String>> = branches
                .as_array()
                .unwrap_or_else(|| panic!("{keyword} is a list"))
                .iter()
                .map(|branch| self.check(branch, value, at))
                .collect();
            let matched = results.iter().filter(|r| r.is_ok()).count();
            if matched == 0 {
                let why: Vec<String> = results.into_iter().filter_map(Result::err).collect();
                return Err(format!(
                    "{at}: matches no branch of {keyword} ({})",
                    why.join("; ")
                ));
            }
            if keyword == "oneOf" && matched > 1 {
                return Err(format!(
                    "{at}: matches {matched} branches of oneOf, not one"
                ));
            }
        }
        if let Some(types) = schema.get("type") {
            let types: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts
                    .iter()
                    .map(|t| t.as_str().expect("a type name"))
                    .collect(),
                other => panic!("bad type {other} at {at}"),
            };
            if !types.iter().any(|t| has_type(t, value)) {
                return Err(format!(
                    "{at}: expected {}, found {value}",
                    types.join(" or ")
                ));
            }
        }
        if let Some(allowed) = schema.get("enum") {
            let allowed = allowed.as_array().expect("enum is a list");
            if !allowed.contains(value) {
                return Err(format!(
                    "{at}: {value} is not one of {}",
                    Value::from(allowed.clone())
                ));
            }
        }
        if let Some(constant) = schema.get("const")
            && constant != value
        {
            return Err(format!("{at}: {value} is not {constant}"));
        }
        for (keyword, below) in [("minimum", false), ("maximum", true)] {
            if let (Some(limit), Some(n)) = (schema.get(keyword), value.as_f64()) {
                let limit = limit.as_f64().expect("a numeric limit");
                if (below && n > limit) || (!below && n < limit) {
                    return Err(format!("{at}: {value} is outside the {keyword} {limit}"));
                }
            }
        }
        if let Value::Object(object) = value {
            let empty = serde_json::Map::new();
            let properties = match schema.get("properties") {
                Some(p) => p.as_object().expect("properties is an object"),
                None => &empty,
            };
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().expect("a required name");
                if !object.contains_key(name) {
                    return Err(format!("{at}: required property `{name}` is missing"));
                }
            }
            for (name, property) in properties {
                if let Some(v) = object.get(name) {
                    self.check(property, v, &member(at, name))?;
                }
            }
            if let Some(additional) = schema.get("additionalProperties") {
                for (name, v) in object {
                    if !properties.contains_key(name) {
                        match additional {
                            Value::Bool(false) => {
                                return Err(format!(
                                    "{}: property not allowed by the schema",
                                    member(at, name)
                                ));
                            }
                            other => self.check(other, v, &member(at, name))?,
                        }
                    }
                }
            }
        }
        if let (Some(items), Value::Array(values)) = (schema.get("items"), value) {
            for (i, v) in values.iter().enumerate() {
                self.check(items, v, &format!("{at}[{i}]"))?;
            }
        }
        Ok(())
    }
}

/// The keywords the checker checks.
const KEYWORDS: [&str; 13] = [
    "$ref",
    "allOf",
    "oneOf",
    "anyOf",
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
];

/// Keywords that say nothing about validity here (`format` is not checked).
const ANNOTATIONS: [&str; 8] = [
    "description",
    "format",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
];

/// Whether a JSON value is of a JSON-Schema type.
fn has_type(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        other => panic!("unknown type `{other}`"),
    }
}

/// The JSON path of an object member.
fn member(at: &str, name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{at}.{name}")
    } else {
        format!("{at}[{}]", Value::from(name))
    }
}

/// The checker can fail, and says where.
#[test]
fn schema_checker_reports_the_first_mismatch() {
    let doc = json!({"components": {"schemas": {
        "Point": {
            "type": "object",
            "required": ["x"],
            "properties": {
                "x": {"type": "integer", "minimum": 0},
                "label": {"type": ["string", "null"]},
                "kind": {"oneOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "null"}]},
            },
            "additionalProperties": false,
        },
        "Kind": {"type": "string", "enum": ["a", "b"]},
        "Tagged": {"allOf": [
            {"$ref": "#/components/schemas/Point"},
            {"type": "object", "required": ["tag"], "properties": {"tag": {"type": "boolean"}}},
        ]},
    }}});
    let schemas = Schemas::of(&doc);
    let points = json!({"type": "array", "items": {"$ref": "#/components/schemas/Point"}});
    let check = |schema: &Value, value: Value| schemas.check(schema, &value, "$");

    let good = json!([{"x": 1}, {"x": 2, "label": null, "kind": "a"}, {"x": 0, "label": "p"}]);
    assert_eq!(check(&points, good), Ok(()));

    let failures = [
        (
            json!([{"x": 1}, {"x": 2, "y": 3}]),
            "$[1].y: property not allowed by the schema",
        ),
        (
            json!([{"x": 1}, {"label": "p"}]),
            "$[1]: required property `x` is missing",
        ),
        (json!([{"x": 1.5}]), "$[0].x: expected integer, found 1.5"),
        (json!([{"x": -1}]), "$[0].x: -1 is outside the minimum 0"),
        (
            json!([{"x": 1, "label": 7}]),
            "$[0].label: expected string or null, found 7",
        ),
        (json!({"x": 1}), "$: expected array, found {\"x\":1}"),
    ];
    for (value, expected) in failures {
        assert_eq!(
            check(&points, value.clone()),
            Err(expected.to_owned()),
            "{value}"
        );
    }
    let kind = check(&points, json!([{"x": 1, "kind": "c"}])).expect_err("an unknown kind");
    assert!(
        kind.starts_with("$[0].kind: matches no branch of oneOf"),
        "{kind}"
    );
    assert!(
        kind.contains("$[0].kind: \"c\" is not one of [\"a\",\"b\"]"),
        "{kind}"
    );

    let tagged = json!({"$ref": "#/components/schemas/Tagged"});
    assert_eq!(
        check(&tagged, json!({"x": 1, "tag": true})),
        Err("$.tag: property not allowed by the schema".to_owned()),
        "allOf with a branch that admits no other properties"
    );
    assert_eq!(
        check(
            &json!({"allOf": [{"type": "object", "required": ["tag"]}]}),
            json!({})
        ),
        Err("$: required property `tag` is missing".to_owned())
    );
}
