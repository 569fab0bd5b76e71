//! The staff register and duty rosters, end to end on both backends: registering, listing
//! with filters, changing; shifts and who was on duty before, during and after them;
//! overlapping shifts refused; who sees whom; bad input refused with its own problem and
//! nothing changed; the journal's entries enough to rebuild the tables.

mod common;

use common::population::{assert_problem, assert_status, field_codes};
use common::{Api, Reply};
use custodia_domain::access::{Grant, Role};
use custodia_store::Store;
use custodia_testkit::both_backends;
use reqwest::Method;
use serde_json::{Value, json};

const TURI: &str = "CPL-AZ-1";
const GUAYAQUIL: &str = "CPL-GY-1";
/// The contract's fields of a staff member, and the ones added to it.
const STAFF_FIELDS: [&str; 12] = [
    "active",
    "created_at",
    "emergency_contact",
    "given_names",
    "home_facility",
    "id",
    "kind",
    "rank",
    "service_number",
    "surnames",
    "updated_at",
    "user",
];

struct Setup {
    _running: common::Running,
    admin: Api,
    director: Api,
    officer: Api,
    inspector: Api,
    /// Guayaquil's director.
    other_director: Api,
}

async fn setup(store: &Store) -> Setup {
    common::seed_facilities(store).await;
    let running = common::start(store).await;
    let token = |name: &'static str, grant: Grant| async move {
        common::token_for(store, name, vec![grant]).await
    };
    let admin = Api::new(
        &running,
        &token("admin", Grant::national(Role::NationalAdmin)).await,
    );
    let director =
        admin.as_user(&token("director", Grant::facility(Role::FacilityDirector, TURI)).await);
    let officer =
        admin.as_user(&token("officer", Grant::facility(Role::FacilityOfficer, TURI)).await);
    let inspector = admin.as_user(&token("inspector", Grant::national(Role::Inspector)).await);
    let other_director = admin.as_user(
        &token(
            "gye.director",
            Grant::facility(Role::FacilityDirector, GUAYAQUIL),
        )
        .await,
    );
    Setup {
        _running: running,
        admin,
        director,
        officer,
        inspector,
        other_director,
    }
}

/// A staff member to register (generated names).
fn member(service: &str, given: &str, surnames: &str, kind: &str, home: &str) -> Value {
    json!({
        "service_number": service,
        "given_names": given,
        "surnames": surnames,
        "kind": kind,
        "rank": if kind == "police" { "Cabo segundo" } else { "Agente de tercera" },
        "home_facility": home,
        "emergency_contact": {"name": "Rosa Loor", "relationship": "madre", "phone": "+593 99 123 4567"},
    })
}

async fn register(api: &Api, body: &Value) -> i64 {
    let r = api.post("/api/v1/staff", body).await;
    assert_status(&r, 201, "register");
    r.body["id"].as_i64().expect("staff id")
}

async fn patch(api: &Api, id: i64, body: &Value) -> Reply {
    api.call(Method::PATCH, &format!("/api/v1/staff/{id}"), Some(body))
        .await
}

fn ids_of(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|s| s["id"].as_i64().expect("id"))
        .collect()
}

async fn listed(api: &Api, query: &str) -> (Vec<i64>, Value) {
    let r = api.get(&format!("/api/v1/staff{query}")).await;
    assert_status(&r, 200, query);
    (ids_of(&r.body["items"]), r.body)
}

async fn journal_len(store: &Store) -> i64 {
    store.journal_len().await.expect("journal length")
}

/// Staff on duty at `at` (RFC 3339) at a facility, by id, in the answer's order.
async fn on_duty(api: &Api, facility: &str, at: &str) -> Vec<(i64, Option<String>)> {
    let r = api
        .get(&format!(
            "/api/v1/facilities/{facility}/on-duty?at={}",
            at.replace('+', "%2B")
        ))
        .await;
    assert_status(&r, 200, &format!("on duty at {at}"));
    let staff = r.body["staff"].as_array().expect("staff");
    assert_eq!(r.body["total"], staff.len(), "{}", r.body);
    staff
        .iter()
        .map(|s| {
            (
                s["staff_id"].as_i64().expect("staff id"),
                s["post"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn shift(starts: &str, ends: &str, posts: Value, staff: Value) -> Value {
    json!({"starts_at": starts, "ends_at": ends, "posts": posts, "staff_ids": staff})
}

fn sorted(mut v: Vec<(i64, Option<String>)>) -> Vec<(i64, Option<String>)> {
    v.sort();
    v
}

both_backends! {
    // Registered by a director or an administrator, listed with each filter and paged,
    // seen only within reach, changed, linked to a user; the journal carries the rows.
    async fn register_list_and_change(db) {
        let store = &db.store;
        let s = setup(store).await;
        let body = member("ASP-2019-0412", "Carlos Andrés", "Vera Loor", "prison_guard", TURI);
        let r = s.director.post("/api/v1/staff", &body).await;
        assert_status(&r, 201, "director registers");
        let mut keys: Vec<&str> = r.body.as_object().expect("object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, STAFF_FIELDS, "{}", r.body);
        assert_eq!(r.body["kind"], "prison_guard");
        assert_eq!(r.body["active"], true);
        assert_eq!(r.body["user"], Value::Null);
        assert_eq!(r.body["emergency_contact"]["relationship"], "madre");
        let vera = r.body["id"].as_i64().expect("id");
        let mut b = member("PN-1720034", "Jorge", "Ñauta Cedeño", "police", GUAYAQUIL);
        b["rank"] = json!("Sargento");
        let police = register(&s.admin, &b).await;
        let gye = register(&s.admin, &member("ASP-2020-0001", "Luis", "Mero Zambrano", "prison_guard", GUAYAQUIL)).await;
        let mut b = member("ADM-0007", "María José", "Andrade Ortiz", "administrative", TURI);
        b["active"] = json!(false);
        b["rank"] = Value::Null;
        b["emergency_contact"] = Value::Null;
        let clerk = register(&s.admin, &b).await;

        // Lists: name order, each filter, paging.
        let (all, page) = listed(&s.admin, "").await;
        assert_eq!(all, [clerk, gye, police, vera], "by surnames: Andrade, Mero, Ñauta, Vera");
        assert_eq!(page["total"], 4);
        assert_eq!(page["next_offset"], Value::Null);
        assert_eq!(listed(&s.admin, &format!("?facility={TURI}")).await.0, [clerk, vera]);
        assert_eq!(listed(&s.admin, "?kind=police").await.0, [police]);
        assert_eq!(listed(&s.admin, "?active=false").await.0, [clerk]);
        assert_eq!(listed(&s.admin, "?active=true&kind=prison_guard").await.0, [gye, vera]);
        assert_eq!(listed(&s.admin, "?q=nauta").await.0, [police], "accents ignored");
        assert_eq!(listed(&s.admin, "?q=asp-2019").await.0, [vera], "by service number");
        assert_eq!(listed(&s.admin, "?q=MARIA%20JOSE").await.0, [clerk]);
        let (first, page) = listed(&s.admin, "?limit=2").await;
        assert_eq!((first, &page["next_offset"], &page["total"]), (vec![clerk, gye], &json!(2), &json!(4)));
        assert_eq!(listed(&s.admin, "?limit=2&offset=2").await.0, [police, vera]);

        // Within reach only: Turi's director and officer see Turi's staff; Guayaquil's
        // staff are absent for them (404), as is Guayaquil itself.
        for (who, api) in [("director", &s.director), ("officer", &s.officer)] {
            assert_eq!(listed(api, "").await.0, [clerk, vera], "{who}");
            let r = api.get(&format!("/api/v1/staff/{vera}")).await;
            assert_status(&r, 200, who);
            let hidden = api.get(&format!("/api/v1/staff/{gye}")).await;
            let absent = api.get("/api/v1/staff/999999").await;
            assert_problem(&hidden, 404, "not_found", who);
            assert_problem(&absent, 404, "not_found", who);
            assert_eq!(
                hidden.body["detail"].as_str().map(|d| d.replace(&gye.to_string(), "N")),
                absent.body["detail"].as_str().map(|d| d.replace("999999", "N")),
            );
            let r = api.get(&format!("/api/v1/staff?facility={GUAYAQUIL}")).await;
            assert_problem(&r, 404, "not_found", who);
        }
        assert_eq!(listed(&s.inspector, "").await.0.len(), 4);
        assert_eq!(listed(&s.other_director, "").await.0, [gye, police]);

        // Changes: rank, contact cleared, taken out of service and back, a user linked.
        let r = patch(&s.director, vera, &json!({"rank": "Agente de segunda", "emergency_contact": null})).await;
        assert_status(&r, 200, "patch");
        assert_eq!((&r.body["rank"], &r.body["emergency_contact"]), (&json!("Agente de segunda"), &Value::Null));
        assert_ne!(r.body["updated_at"], r.body["created_at"]);
        let r = patch(&s.director, vera, &json!({"active": false})).await;
        assert_eq!(r.body["active"], false, "{}", r.body);
        let r = patch(&s.director, vera, &json!({"active": true})).await;
        assert_eq!(r.body["active"], true, "{}", r.body);
        common::token_for(store, "carlos.vera", vec![Grant::facility(Role::FacilityOfficer, TURI)]).await;
        let r = patch(&s.director, vera, &json!({"user": "carlos.vera"})).await;
        assert_eq!(r.body["user"], "carlos.vera", "{}", r.body);
        let before = journal_len(store).await;
        let r = patch(&s.director, vera, &json!({"user": "carlos.vera"})).await;
        assert_status(&r, 200, "a change that changes nothing");
        assert_eq!(journal_len(store).await, before, "nothing changed, nothing journaled");
        // The administrator moves the police officer's home.
        let r = patch(&s.admin, police, &json!({"home_facility": TURI})).await;
        assert_eq!(r.body["home_facility"], TURI, "{}", r.body);
        assert_eq!(listed(&s.director, "?kind=police").await.0, [police]);

        // The journal: enough to rebuild each row as the API shows it.
        let now = s.admin.get(&format!("/api/v1/staff/{vera}")).await.body;
        let entries = store.journal_for_subject(&format!("staff:{vera}"), 0, 100).await.expect("journal");
        let types: Vec<&str> = entries.iter().map(|e| e.event_type.as_str()).collect();
        assert_eq!(types, ["staff.registered", "staff.updated", "staff.updated", "staff.updated", "staff.updated"]);
        let last: Value = serde_json::from_str(&entries[4].payload).expect("payload");
        assert_eq!(last["staff"], now);
        assert_eq!(last["changes"], json!({"user": "carlos.vera"}));
        let first: Value = serde_json::from_str(&entries[0].payload).expect("payload");
        assert_eq!(first["staff"]["service_number"], "ASP-2019-0412");
        assert_eq!(entries[0].facility.as_deref(), Some(TURI));
        let stored = store.staff_member(vera).await.expect("store").expect("row");
        assert_eq!((stored.username.as_deref(), stored.active), (Some("carlos.vera"), true));

        // Bad input: each its own problem, nothing changed.
        let before = (journal_len(store).await, listed(&s.admin, "?limit=200").await.1);
        let mut no_surnames = member("ASP-1", "Ana", "X", "prison_guard", TURI);
        no_surnames.as_object_mut().expect("object").remove("surnames");
        let mut bad_kind = member("ASP-2", "Ana", "Pérez", "prison_guard", TURI);
        bad_kind["kind"] = json!("warden");
        let mut bad_contact = member("ASP-3", "Ana", "Pérez", "prison_guard", TURI);
        bad_contact["emergency_contact"]["phone"] = json!("");
        let mut unknown_user = member("ASP-4", "Ana", "Pérez", "prison_guard", TURI);
        unknown_user["user"] = json!("nadie");
        let mut taken_user = member("ASP-5", "Ana", "Pérez", "prison_guard", TURI);
        taken_user["user"] = json!("carlos.vera");
        let cases: Vec<(&str, Reply, u16, &str, Option<&str>)> = vec![
            ("duplicate service number", s.admin.post("/api/v1/staff", &member("ASP-2019-0412", "Otro", "Nombre", "prison_guard", TURI)).await, 409, "duplicate_service_number", None),
            ("malformed service number", s.admin.post("/api/v1/staff", &member("asp 12", "Ana", "Pérez", "prison_guard", TURI)).await, 422, "invalid_input", Some("service_number:bad_code")),
            ("empty given names", s.admin.post("/api/v1/staff", &member("ASP-6", " ", "Pérez", "prison_guard", TURI)).await, 422, "invalid_input", Some("given_names:required")),
            ("contact without a phone", s.admin.post("/api/v1/staff", &bad_contact).await, 422, "invalid_input", Some("emergency_contact.phone:required")),
            ("no surnames", s.admin.post("/api/v1/staff", &no_surnames).await, 422, "invalid_body", None),
            ("unknown kind", s.admin.post("/api/v1/staff", &bad_kind).await, 422, "invalid_body", None),
            ("unknown facility", s.admin.post("/api/v1/staff", &member("ASP-7", "Ana", "Pérez", "prison_guard", "CPL-ZZ-9")).await, 404, "not_found", None),
            ("unknown user", s.admin.post("/api/v1/staff", &unknown_user).await, 422, "invalid_input", Some("user:unknown_user")),
            ("a user already linked", s.admin.post("/api/v1/staff", &taken_user).await, 409, "user_already_linked", None),
            ("another facility's director", s.other_director.post("/api/v1/staff", &member("ASP-8", "Ana", "Pérez", "prison_guard", TURI)).await, 404, "not_found", None),
            ("an officer", s.officer.post("/api/v1/staff", &member("ASP-9", "Ana", "Pérez", "prison_guard", TURI)).await, 403, "forbidden", None),
            ("an inspector", s.inspector.post("/api/v1/staff", &member("ASP-10", "Ana", "Pérez", "prison_guard", TURI)).await, 403, "forbidden", None),
            ("an officer changes", patch(&s.officer, vera, &json!({"rank": "Jefe"})).await, 403, "forbidden", None),
            ("another facility's director changes", patch(&s.other_director, vera, &json!({"rank": "Jefe"})).await, 404, "not_found", None),
            ("moved out of reach", patch(&s.director, vera, &json!({"home_facility": GUAYAQUIL})).await, 404, "not_found", None),
            ("moved nowhere", patch(&s.admin, vera, &json!({"home_facility": "CPL-ZZ-9"})).await, 404, "not_found", None),
            ("names are not changed here", patch(&s.admin, vera, &json!({"surnames": "Otro"})).await, 422, "invalid_body", None),
            ("kind is not changed here", patch(&s.admin, vera, &json!({"kind": "police"})).await, 422, "invalid_body", None),
            ("empty rank", patch(&s.admin, vera, &json!({"rank": ""})).await, 422, "invalid_input", Some("rank:required")),
            ("a user linked to another", patch(&s.admin, clerk, &json!({"user": "carlos.vera"})).await, 409, "user_already_linked", None),
            ("an unknown staff member", patch(&s.admin, 999_999, &json!({"rank": "Jefe"})).await, 404, "not_found", None),
            ("a bad page", s.admin.get("/api/v1/staff?limit=0").await, 422, "invalid_input", Some("limit:out_of_range")),
            ("a bad kind filter", s.admin.get("/api/v1/staff?kind=warden").await, 400, "bad_query", None),
            ("an unknown facility filter", s.admin.get("/api/v1/staff?facility=CPL-ZZ-9").await, 404, "not_found", None),
        ];
        for (what, r, status, code, field) in cases {
            assert_problem(&r, status, code, what);
            if let Some(field) = field {
                assert_eq!(field_codes(&r), [field], "{what}");
            }
        }
        assert_eq!((journal_len(store).await, listed(&s.admin, "?limit=200").await.1), before, "nothing changed");
    }

    // Shifts: who was on duty before, during and after them; posts; police attached from
    // another facility; overlapping shifts refused anywhere; bad rosters refused with
    // their own problem and nothing changed.
    async fn shifts_and_on_duty(db) {
        let store = &db.store;
        let s = setup(store).await;
        let d = &s.director;
        let g1 = register(d, &member("ASP-1001", "Carlos", "Vera Loor", "prison_guard", TURI)).await;
        let g2 = register(d, &member("ASP-1002", "Pedro", "Zambrano Mero", "prison_guard", TURI)).await;
        let g3 = register(d, &member("ASP-1003", "Juan", "Bravo Ponce", "prison_guard", TURI)).await;
        let police = register(&s.admin, &member("PN-2001", "Jorge", "Ortiz Reyes", "police", GUAYAQUIL)).await;
        let gye = register(&s.admin, &member("ASP-3001", "Luis", "Mero Castro", "prison_guard", GUAYAQUIL)).await;
        let mut b = member("ASP-1004", "Ángel", "Suárez Cevallos", "prison_guard", TURI);
        b["active"] = json!(false);
        let off = register(d, &b).await;

        // The day shift (07:00–19:00 in Cuenca), with posts and a police officer from
        // Guayaquil; the night after, with one guard again, from the moment the day ends.
        let shifts = format!("/api/v1/facilities/{TURI}/shifts");
        let day = shift(
            "2023-08-30T07:00:00-05:00",
            "2023-08-30T19:00:00-05:00",
            json!([{"post": "Pabellón A", "staff_ids": [g2]}, {"post": "Garita 1", "staff_ids": [g1]}]),
            json!([police, g1]),
        );
        let r = d.post(&shifts, &day).await;
        assert_status(&r, 201, "day shift");
        let mut keys: Vec<&str> = r.body.as_object().expect("object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["ends_at", "facility", "id", "posts", "recorded_at", "recorded_by", "staff_ids", "starts_at"]);
        let mut expected = vec![g1, g2, police];
        expected.sort_unstable();
        assert_eq!(r.body["staff_ids"], json!(expected));
        assert_eq!(r.body["posts"], json!([{"post": "Garita 1", "staff_ids": [g1]}, {"post": "Pabellón A", "staff_ids": [g2]}]));
        assert_eq!((&r.body["starts_at"], &r.body["ends_at"]), (&json!("2023-08-30T12:00:00.000000Z"), &json!("2023-08-31T00:00:00.000000Z")));
        assert_eq!((&r.body["facility"], &r.body["recorded_by"]), (&json!(TURI), &json!("user:director")));
        let day_id = r.body["id"].as_i64().expect("id");
        let night = shift("2023-08-31T00:00:00Z", "2023-08-31T12:00:00Z", json!([{"post": "Garita 1", "staff_ids": [g3, g1]}]), json!([]));
        let r = s.admin.post(&shifts, &night).await;
        assert_status(&r, 201, "night shift, starting as the day ends");
        let night_id = r.body["id"].as_i64().expect("id");
        // The police officer also serves at home, later.
        let r = s.admin.post(&format!("/api/v1/facilities/{GUAYAQUIL}/shifts"), &shift("2023-08-31T12:00:00Z", "2023-08-31T20:00:00Z", json!([]), json!([police, gye]))).await;
        assert_status(&r, 201, "police at home");

        // On duty: before, at the start, during, at the change of shift, after.
        let garita = Some("Garita 1".to_owned());
        let day_crew = sorted(vec![(g1, garita.clone()), (g2, Some("Pabellón A".to_owned())), (police, None)]);
        let night_crew = sorted(vec![(g1, garita.clone()), (g3, garita.clone())]);
        for (at, expected) in [
            ("2023-08-30T11:59:59Z", vec![]),
            ("2023-08-30T12:00:00Z", day_crew.clone()),
            ("2023-08-30T13:00:00-05:00", day_crew.clone()),
            ("2023-08-30T23:59:59.999999Z", day_crew.clone()),
            ("2023-08-31T00:00:00Z", night_crew.clone()),
            ("2023-08-31T11:00:00Z", night_crew.clone()),
            ("2023-08-31T12:00:00Z", vec![]),
        ] {
            assert_eq!(sorted(on_duty(&s.officer, TURI, at).await), expected, "at {at}");
        }
        let r = s.officer.get(&format!("/api/v1/facilities/{TURI}/on-duty?at=2023-08-30T18:00:00Z")).await;
        let member = r.body["staff"].as_array().expect("staff").iter().find(|m| m["staff_id"] == police).cloned().expect("police on duty");
        assert_eq!(member["kind"], "police");
        assert_eq!(member["rank"], "Cabo segundo");
        assert_eq!(member["home_facility"], GUAYAQUIL);
        assert_eq!(member["shift_id"], day_id);
        assert_eq!(r.body["at"], "2023-08-30T18:00:00.000000Z");
        assert_eq!(sorted(on_duty(&s.other_director, GUAYAQUIL, "2023-08-31T13:00:00Z").await), sorted(vec![(police, None), (gye, None)]));
        // The store function other use cases call gives the same.
        let rows = store.on_duty(TURI, "2023-08-31T00:00:00.000000Z").await.expect("on duty");
        assert_eq!(sorted(rows.iter().map(|o| (o.staff_id, o.post.clone())).collect()), night_crew);
        assert!(rows.iter().all(|o| o.shift_id == night_id && o.home_facility == TURI));
        let now = s.officer.get(&format!("/api/v1/facilities/{TURI}/on-duty")).await;
        assert_status(&now, 200, "on duty now");
        assert_eq!(now.body["staff"], json!([]));

        // Listing: shifts under way in the span, by start.
        let listing = format!("{shifts}?from=2023-08-30T00:00:00Z&to=2023-09-01T00:00:00Z");
        let r = s.officer.get(&listing).await;
        assert_status(&r, 200, "shifts");
        assert_eq!(ids_of(&r.body), [day_id, night_id]);
        let r = s.officer.get(&format!("{shifts}?from=2023-08-30T23:00:00Z&to=2023-08-31T00:00:00Z")).await;
        assert_eq!(ids_of(&r.body), [day_id], "the day shift is under way at 23:00");
        let r = s.inspector.get(&listing).await;
        assert_eq!(ids_of(&r.body), [day_id, night_id]);

        // The journal carries each shift whole.
        let entries = store.journal_for_subject(&format!("shift:{day_id}"), 0, 10).await.expect("journal");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].event_type, "shift.recorded");
        let payload: Value = serde_json::from_str(&entries[0].payload).expect("payload");
        assert_eq!(payload["starts_at"], "2023-08-30T12:00:00.000000Z");
        let mut duties: Vec<(i64, Value)> = payload["duties"].as_array().expect("duties").iter().map(|d| (d["staff_id"].as_i64().expect("id"), d["post"].clone())).collect();
        duties.sort_by_key(|d| d.0);
        let mut expected = vec![(g1, json!("Garita 1")), (g2, json!("Pabellón A")), (police, Value::Null)];
        expected.sort_by_key(|d| d.0);
        assert_eq!(duties, expected);

        // Bad rosters: each its own problem, nothing changed.
        let before = (journal_len(store).await, s.admin.get(&listing).await.body);
        let at = |starts: &str, ends: &str, staff: Value| shift(starts, ends, json!([]), staff);
        let cases: Vec<(&str, Reply, u16, &str, Option<&str>)> = vec![
            ("overlaps the day shift", d.post(&shifts, &at("2023-08-30T18:00:00Z", "2023-08-31T02:00:00Z", json!([g2]))).await, 409, "shift_overlap", None),
            ("the police officer, elsewhere at the time", s.admin.post(&format!("/api/v1/facilities/{GUAYAQUIL}/shifts"), &at("2023-08-30T20:00:00Z", "2023-08-30T22:00:00Z", json!([police]))).await, 409, "shift_overlap", None),
            ("not in service", d.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([off]))).await, 409, "staff_inactive", None),
            ("a guard of another facility", s.admin.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([g3, gye]))).await, 422, "invalid_input", Some("staff_ids[1]:not_home_facility")),
            ("a guard out of the director's reach", d.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([gye]))).await, 422, "invalid_input", Some("staff_ids[0]:unknown_staff")),
            ("an unknown staff member", d.post(&shifts, &shift("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([{"post": "Garita 2", "staff_ids": [999_999]}]), json!([]))).await, 422, "invalid_input", Some("posts[0].staff_ids[0]:unknown_staff")),
            ("ends before it starts", d.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-01T11:00:00Z", json!([g3]))).await, 422, "invalid_input", Some("ends_at:not_after_start")),
            ("longer than a day", d.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-02T12:00:01Z", json!([g3]))).await, 422, "invalid_input", Some("ends_at:too_long")),
            ("nobody on it", d.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([]))).await, 422, "invalid_input", Some("staff_ids:empty")),
            ("twice on it", d.post(&shifts, &shift("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([{"post": "A", "staff_ids": [g3]}, {"post": "B", "staff_ids": [g3]}]), json!([]))).await, 422, "invalid_input", Some("posts[1].staff_ids[0]:duplicate")),
            ("no start", d.post(&shifts, &json!({"ends_at": "2023-09-01T20:00:00Z", "staff_ids": [g3]})).await, 422, "invalid_body", None),
            ("an officer", s.officer.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([g3]))).await, 403, "forbidden", None),
            ("another facility's director", s.other_director.post(&shifts, &at("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([g3]))).await, 404, "not_found", None),
            ("an unknown facility", s.admin.post("/api/v1/facilities/CPL-ZZ-9/shifts", &at("2023-09-01T12:00:00Z", "2023-09-01T20:00:00Z", json!([g3]))).await, 404, "not_found", None),
            ("another facility's on-duty", s.other_director.get(&format!("/api/v1/facilities/{TURI}/on-duty")).await, 404, "not_found", None),
            ("another facility's shifts", s.other_director.get(&shifts).await, 404, "not_found", None),
            ("a bad instant", s.officer.get(&format!("/api/v1/facilities/{TURI}/on-duty?at=yesterday")).await, 400, "bad_query", None),
            ("a span backwards", s.officer.get(&format!("{shifts}?from=2023-09-01T00:00:00Z&to=2023-08-01T00:00:00Z")).await, 422, "invalid_input", Some("to:not_after_from")),
            ("a span too long", s.officer.get(&format!("{shifts}?from=2023-01-01T00:00:00Z&to=2023-08-01T00:00:00Z")).await, 422, "invalid_input", Some("to:span_too_long")),
        ];
        for (what, r, status, code, field) in cases {
            assert_problem(&r, status, code, what);
            if let Some(field) = field {
                assert_eq!(field_codes(&r), [field], "{what}");
            }
        }
        let clash = d.post(&shifts, &at("2023-08-30T18:00:00Z", "2023-08-31T02:00:00Z", json!([g2]))).await;
        let detail = clash.body["detail"].as_str().expect("detail");
        assert!(detail.contains(&format!("staff member {g2} ")) && detail.contains(&format!("shift {day_id} ")), "{detail}");
        assert_eq!((journal_len(store).await, s.admin.get(&listing).await.body), before, "nothing changed");
    }
}
