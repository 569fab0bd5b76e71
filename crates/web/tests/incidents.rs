//! Incidents and crisis command end to end on both backends: an incident's record and
//! who may see it, a death as one fact in population and incidents, a crisis with
//! hostages at two prisons and its accountability board at several instants, concurrent
//! hostage-takings of one officer, notifications, control status and the situation.

mod common;

use common::population::*;
use common::{Api, Reply};
use custodia_domain::access::{Grant, Role};
use custodia_testkit::both_backends;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

fn ago(mins: i64) -> String {
    (Timestamp::now() - SignedDuration::from_mins(mins)).to_string()
}

/// National operations, and a director at Turi.
async fn command(s: &Setup, store: &custodia_store::Store) -> (Api, Api) {
    let ops = s.admin.as_user(
        &common::token_for(
            store,
            "ops",
            vec![Grant::national(Role::NationalOperations)],
        )
        .await,
    );
    let inspector = s.admin.as_user(
        &common::token_for(store, "inspector", vec![Grant::national(Role::Inspector)]).await,
    );
    (ops, inspector)
}

/// Registers a staff member of `kind` at `facility`; returns the id.
async fn staff(api: &Api, n: u32, kind: &str, facility: &str) -> i64 {
    let r = api
        .post(
            "/api/v1/staff",
            &json!({
                "service_number": format!("SN-{n:05}"), "given_names": format!("Agente {}", n_letters(n)),
                "surnames": "Prueba", "kind": kind, "home_facility": facility
            }),
        )
        .await;
    assert_status(&r, 201, "staff");
    r.body["id"].as_i64().expect("staff id")
}

/// A shift from two hours ago for eight hours at `facility`, with these staff on duty.
async fn shift(api: &Api, facility: &str, staff_ids: &[i64]) {
    let r = api
        .post(
            &format!("/api/v1/facilities/{facility}/shifts"),
            &json!({
                "starts_at": ago(120), "ends_at": (Timestamp::now() + SignedDuration::from_hours(6)).to_string(),
                "posts": [{"post": "Pabellones", "staff_ids": staff_ids}]
            }),
        )
        .await;
    assert_status(&r, 201, "shift");
}

/// The signed-in home page of `username`.
async fn home_page(base: &str, username: &str) -> String {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = browser
        .post(format!("{base}/login"))
        .form(&[
            ("username", username),
            ("password", "cuatro caballos azules"),
        ])
        .send()
        .await
        .expect("login");
    let cookie = login
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    browser
        .get(format!("{base}/"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("page")
}

async fn report(api: &Api, body: Value) -> Reply {
    api.post("/api/v1/incidents", &body).await
}

fn hostage_taking(facility: &str, mins_ago: i64) -> Value {
    json!({"type": "hostage_taking", "site": {"facility": facility}, "occurred_at": ago(mins_ago), "summary": "Toma de rehenes"})
}

both_backends! {
    // An officer reports at their facility; the record grows (timeline, people,
    // attachments, status); another facility's staff and facility users for sites
    // outside the walls see nothing; bad input changes nothing.
    async fn an_incident_and_who_sees_it(db) {
        let store = &db.store;
        let s = setup(store).await;
        let (ops, _) = command(&s, store).await;
        let p = admit(&s.officer, 1).await;
        let r = report(&s.officer, json!({
            "type": "assault_between_persons", "site": {"facility": TURI, "location_id": s.wing.a1},
            "occurred_at": ago(90), "summary": "Riña en la celda A1"
        })).await;
        assert_status(&r, 201, "reported");
        let id = r.body["id"].as_i64().expect("id");
        assert_eq!(r.body["severity"], "medium", "by type");
        assert_eq!(r.body["status"], "reported");
        assert_eq!(r.body["site"]["province"], "Azuay", "the facility's province");
        assert!(r.body["reference"].as_str().is_some_and(|x| x.starts_with(&format!("{TURI}-"))), "{}", r.body);
        let path = format!("/api/v1/incidents/{id}");
        assert_status(&s.officer.post(&format!("{path}/timeline"), &json!({"entry": "Se separó a los internos", "occurred_at": ago(80)})).await, 201, "timeline");
        assert_problem(&s.officer.post(&format!("{path}/people"), &json!({"person_id": p, "role": "perpetrator"})).await, 403, "forbidden", "an officer does not manage");
        assert_status(&s.director.post(&format!("{path}/people"), &json!({"person_id": p, "role": "perpetrator"})).await, 201, "perpetrator");
        assert_status(&s.director.post(&format!("{path}/status"), &json!({"status": "contained"})).await, 200, "contained");
        assert_status(&s.director.post(&format!("{path}/status"), &json!({"status": "closed"})).await, 200, "closed");
        assert_problem(&s.director.post(&format!("{path}/status"), &json!({"status": "active"})).await, 409, "invalid_transition", "closed → active");
        assert_status(&s.director.post(&format!("{path}/status"), &json!({"status": "reopened"})).await, 200, "reopened");
        let got = s.officer.get(&path).await;
        let kinds: Vec<&str> = got.body["timeline"].as_array().expect("timeline").iter().map(|t| t["kind"].as_str().unwrap_or("")).collect();
        assert_eq!(kinds, ["reported", "note", "person", "status", "status", "status"], "in the order things happened");
        assert_eq!(got.body["people"][0]["role"], "perpetrator");

        // Out of reach: another facility's officer, and a facility officer for a site
        // outside the walls.
        let gye = s.admin.as_user(&common::token_for(store, "gye", vec![Grant::facility(Role::FacilityOfficer, GUAYAQUIL)]).await);
        assert_problem(&gye.get(&path).await, 404, "not_found", "another facility's incident");
        assert_problem(&gye.post(&format!("{path}/timeline"), &json!({"entry": "x"})).await, 404, "not_found", "writing to it");
        assert_eq!(gye.get("/api/v1/incidents").await.body.as_array().map(Vec::len), Some(0));
        let outside = json!({"type": "explosion_or_attack", "site": {"address": "Puente sobre el río Napo", "province": "Napo"}, "occurred_at": ago(30), "summary": "Explosión en un puente"});
        assert_problem(&report(&s.officer, outside.clone()).await, 403, "forbidden", "a site outside is national");
        let bridge = report(&ops, outside).await;
        assert_status(&bridge, 201, "national operations report it");
        assert_problem(&s.officer.get(&format!("/api/v1/incidents/{}", bridge.body["id"])).await, 404, "not_found", "outside: national only");
        let listed = ops.get("/api/v1/incidents?type=explosion_or_attack").await;
        assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{}", listed.body);

        // Bad input: each a specific problem, nothing changed.
        let before = store.journal_len().await.expect("journal");
        let future = (Timestamp::now() + SignedDuration::from_hours(2)).to_string();
        let cases: Vec<(&str, Reply, u16, &str, Option<&str>)> = vec![
            ("in the future", report(&s.officer, json!({"type": "riot", "site": {"facility": TURI}, "occurred_at": future, "summary": "x"})).await, 422, "invalid_input", Some("occurred_at:in_the_future")),
            ("no site", report(&s.officer, json!({"type": "riot", "site": {}, "occurred_at": ago(1), "summary": "x"})).await, 422, "invalid_input", Some("site:required")),
            ("another facility", report(&s.officer, json!({"type": "riot", "site": {"facility": GUAYAQUIL}, "occurred_at": ago(1), "summary": "x"})).await, 404, "not_found", None),
            ("a place of another facility", {
                let elsewhere = location(&s.admin, GUAYAQUIL, place_body("G-1", None, 4)).await;
                report(&s.officer, json!({"type": "riot", "site": {"facility": TURI, "location_id": elsewhere}, "occurred_at": ago(1), "summary": "x"})).await
            }, 422, "invalid_input", Some("site.location_id:unknown_location")),
            ("an unknown type", report(&s.officer, json!({"type": "picnic", "site": {"facility": TURI}, "occurred_at": ago(1), "summary": "x"})).await, 422, "invalid_body", None),
            ("a death as a role", s.director.post(&format!("{path}/people"), &json!({"person_id": p, "role": "deceased"})).await, 422, "invalid_input", Some("role:record_a_casualty")),
            ("both a person and staff", s.director.post(&format!("{path}/people"), &json!({"person_id": p, "staff_id": 1, "role": "witness"})).await, 422, "invalid_input", Some("person_id:one_of_person_or_staff")),
        ];
        for (what, r, status, code, field) in cases {
            assert_problem(&r, status, code, what);
            if let Some(f) = field {
                assert!(field_codes(&r).contains(&f.to_owned()), "{what}: {}", r.body);
            }
        }
        assert_eq!(store.journal_len().await.expect("journal"), before + 1, "only the Guayaquil location");
    }

    // A death recorded in population opens its death-in-custody incident; one recorded
    // in an incident ends custody: either way one fact, with the notifications due.
    async fn a_death_is_one_fact(db) {
        let store = &db.store;
        let s = setup(store).await;
        let p = admit(&s.officer, 1).await;
        assert_status(&place(&s.officer, p, s.wing.a1, json!({})).await, 201, "placed");
        let died = s.director.post(&format!("/api/v1/persons/{p}/death"), &json!({"died_at": Timestamp::now().to_string(), "place": "Celda A1", "cause": "violence_in_riot"})).await;
        assert_status(&died, 200, "death");
        let incident = died.body["incident_id"].as_i64().expect("its incident");
        let i = s.director.get(&format!("/api/v1/incidents/{incident}")).await;
        assert_eq!(i.body["type"], "death_in_custody", "{}", i.body);
        assert_eq!(i.body["site"]["location_id"], s.wing.a1);
        assert_eq!(i.body["casualties"][0]["person_id"], p);
        assert_eq!(i.body["casualties"][0]["cause"], "violence_in_riot");
        let recipients: Vec<&str> = i.body["notifications"].as_array().expect("notifications").iter().map(|n| n["recipient"].as_str().unwrap_or("")).collect();
        assert_eq!(recipients, ["judicial_authority", "next_of_kin"]);

        // Recorded in an incident: custody ends there too.
        let q = admit(&s.officer, 2).await;
        assert_status(&place(&s.officer, q, s.wing.a2, json!({})).await, 201, "placed");
        let riot = report(&s.officer, json!({"type": "riot", "site": {"facility": TURI}, "occurred_at": ago(120), "summary": "Motín"})).await;
        let riot = riot.body["id"].as_i64().expect("id");
        let casualties = format!("/api/v1/incidents/{riot}/casualties");
        let before = store.journal_len().await.expect("journal");
        let r = s.director.post(&casualties, &json!({"person_id": q, "outcome": "deceased"})).await;
        assert_problem(&r, 422, "invalid_input", "no time, no cause");
        assert!(field_codes(&r).contains(&"at:required".to_owned()) && field_codes(&r).contains(&"cause:required".to_owned()), "{}", r.body);
        assert_problem(&s.officer.post(&casualties, &json!({"person_id": q, "outcome": "deceased", "at": Timestamp::now().to_string(), "cause": "violence_in_riot"})).await, 403, "forbidden", "officers do not record casualties");
        assert_eq!(store.journal_len().await.expect("journal"), before);
        let r = s.director.post(&casualties, &json!({"person_id": q, "outcome": "deceased", "at": Timestamp::now().to_string(), "cause": "violence_in_riot", "place": "Patio"})).await;
        assert_status(&r, 201, "death in the riot");
        let file = s.director.get(&format!("/api/v1/persons/{q}/movements")).await;
        let last = file.body.as_array().and_then(|m| m.last()).cloned().unwrap_or_default();
        assert_eq!(last["presence"], "ended", "custody ended: {}", file.body);
        assert_eq!(roll(&s.officer).await["totals"]["in_place"], 0);
        let i = s.director.get(&format!("/api/v1/incidents/{riot}")).await;
        assert_eq!(i.body["notifications"].as_array().map(Vec::len), Some(2), "{}", i.body);
        let again = s.director.post(&casualties, &json!({"person_id": q, "outcome": "deceased", "at": Timestamp::now().to_string(), "cause": "undetermined"})).await;
        assert_problem(&again, 409, "not_in_custody", "nobody dies twice");
        let all = s.admin.get("/api/v1/incidents?type=death_in_custody").await;
        assert_eq!(all.body.as_array().map(Vec::len), Some(1), "no second incident for the riot death: {}", all.body);
    }

    // Hostages at two prisons under one crisis: the board at several instants, the
    // rules on taking and releasing, and closing only when nobody is held or missing.
    async fn a_crisis_and_its_board(db) {
        let store = &db.store;
        let s = setup(store).await;
        let (ops, inspector) = command(&s, store).await;
        let mut turi = Vec::new();
        for n in 0..4 {
            turi.push(staff(&s.admin, n, if n == 3 { "police" } else { "prison_guard" }, TURI).await);
        }
        let gye: Vec<i64> = vec![staff(&s.admin, 10, "prison_guard", GUAYAQUIL).await, staff(&s.admin, 11, "prison_guard", GUAYAQUIL).await];
        let off_duty = staff(&s.admin, 20, "prison_guard", TURI).await;
        shift(&s.admin, TURI, &turi).await;
        shift(&s.admin, GUAYAQUIL, &gye).await;
        let a = report(&s.officer, hostage_taking(TURI, 100)).await.body["id"].as_i64().expect("id");
        let b = report(&ops, hostage_taking(GUAYAQUIL, 95)).await.body["id"].as_i64().expect("id");
        let r = s.director.post("/api/v1/crises", &json!({"name": "x", "started_at": ago(100)})).await;
        assert_problem(&r, 403, "forbidden", "a director does not open crises");
        let r = ops.post("/api/v1/crises", &json!({"name": "Tomas simultáneas", "started_at": ago(100), "incident_ids": [a, b]})).await;
        assert_status(&r, 201, "crisis");
        let crisis = r.body["id"].as_i64().expect("id");
        let base = format!("/api/v1/crises/{crisis}");
        let take = |incident: i64, ids: &[i64], mins: i64| json!({"incident_id": incident, "staff_ids": ids, "at": ago(mins)});
        assert_status(&ops.post(&format!("{base}/hostages"), &take(a, &turi[..3], 90)).await, 200, "three at Turi");
        let r = ops.post(&format!("{base}/hostages"), &take(b, &gye, 85)).await;
        assert_status(&r, 200, "two at Guayaquil");
        assert_eq!(r.body["totals"]["held"], 5, "{}", r.body);
        assert_eq!(r.body["totals"]["on_duty"], 6);

        // Bad input, nothing changed.
        let before = store.journal_len().await.expect("journal");
        assert_problem(&ops.post(&format!("{base}/hostages"), &take(a, &[turi[0]], 80)).await, 409, "already_held", "taken twice");
        let r = ops.post(&format!("{base}/hostages"), &take(a, &[off_duty], 80)).await;
        assert_problem(&r, 422, "invalid_input", "not on duty");
        assert!(field_codes(&r).contains(&"staff_ids:not_on_duty".to_owned()), "{}", r.body);
        assert_problem(&ops.post(&format!("{base}/hostages/release"), &json!({"incident_id": a, "staff_ids": [turi[3]], "at": ago(70), "circumstances": "x"})).await, 409, "not_held", "releasing one not held");
        assert_problem(&ops.post(&format!("{base}/hostages/release"), &json!({"incident_id": b, "staff_ids": [turi[0]], "at": ago(70), "circumstances": "x"})).await, 409, "not_held", "held elsewhere");
        assert_problem(&ops.post(&format!("{base}/close"), &json!({})).await, 409, "staff_held", "closing with hostages");
        assert_problem(&s.director.post(&format!("{base}/hostages"), &take(a, &[turi[3]], 80)).await, 403, "forbidden", "a director does not command");
        let future = json!({"incident_id": a, "staff_ids": [turi[3]], "at": (Timestamp::now() + SignedDuration::from_hours(1)).to_string()});
        assert_problem(&ops.post(&format!("{base}/hostages"), &future).await, 422, "invalid_input", "in the future");
        assert_eq!(store.journal_len().await.expect("journal"), before);

        assert_status(&ops.post(&format!("{base}/staff-status"), &json!({"incident_id": a, "staff_ids": [turi[3]], "status": "missing", "at": ago(80)})).await, 200, "missing");
        let r = ops.post(&format!("{base}/hostages/release"), &json!({"incident_id": a, "staff_ids": [turi[0]], "at": ago(60), "circumstances": "liberado por razones de salud"})).await;
        assert_eq!(r.body["totals"]["held"], 4, "{}", r.body);
        let r = ops.post(&format!("{base}/hostages/release"), &json!({"incident_id": b, "staff_ids": "all", "at": ago(50), "circumstances": "negociación"})).await;
        assert_eq!(r.body["totals"]["held"], 2, "{}", r.body);
        let line = |b: &Value, code: &str| b["facilities"].as_array().and_then(|f| f.iter().find(|x| x["code"] == code).cloned()).unwrap_or_default();
        assert_eq!(line(&r.body, GUAYAQUIL)["released"], 2);
        assert_eq!(line(&r.body, TURI)["held"], 2);
        assert_eq!(line(&r.body, TURI)["held_by_kind"]["prison_guard"], 2);
        assert_eq!(line(&r.body, TURI)["missing"], 1);

        // The board at past instants, for an inspector too.
        let at = |mins: i64| format!("{base}/accountability?at={}", ago(mins).replace('+', "%2B"));
        let b0 = inspector.get(&at(99)).await;
        assert_eq!((b0.body["totals"]["held"].as_i64(), b0.body["totals"]["accounted_for"].as_i64()), (Some(0), Some(4)), "{}", b0.body);
        let b1 = inspector.get(&at(75)).await;
        assert_eq!(b1.body["totals"]["held"], 5, "{}", b1.body);
        assert_eq!(b1.body["totals"]["missing"], 1);
        let held_line = b1.body["staff"].as_array().expect("staff").iter().find(|l| l["staff_id"] == turi[0]).cloned().expect("line");
        assert_eq!(held_line["status"], "held");
        assert_eq!(held_line["recorded_by"], "user:ops");
        assert!(held_line["name"].as_str().is_some_and(|n| n.contains("Prueba")), "{held_line}");

        assert_problem(&ops.post(&format!("{base}/close"), &json!({})).await, 409, "staff_held", "two held, one missing");
        assert_status(&ops.post(&format!("{base}/hostages/release"), &json!({"incident_id": a, "staff_ids": "all", "at": ago(30), "circumstances": "intervención"})).await, 200, "all at Turi");
        assert_problem(&ops.post(&format!("{base}/close"), &json!({})).await, 409, "staff_held", "one missing");
        assert_status(&ops.post(&format!("{base}/staff-status"), &json!({"incident_id": a, "staff_ids": [turi[3]], "status": "accounted_for", "at": ago(20)})).await, 200, "found");
        let closed = ops.post(&format!("{base}/close"), &json!({"note": "controlado"})).await;
        assert_status(&closed, 200, "closed");
        assert_problem(&ops.post(&format!("{base}/hostages"), &take(a, &[turi[0]], 10)).await, 409, "crisis_closed", "after closing");
        let now = ops.get(&format!("{base}/accountability")).await;
        assert_eq!((now.body["totals"]["held"].as_i64(), now.body["totals"]["released"].as_i64()), (Some(0), Some(5)), "{}", now.body);
        // A Turi director sees the crisis through Turi's incident, and only Turi's staff.
        let seen = s.director.get(&format!("{base}/accountability")).await;
        assert_eq!(seen.body["facilities"].as_array().map(Vec::len), Some(1), "{}", seen.body);
        let gye_officer = s.admin.as_user(&common::token_for(store, "gye-o", vec![Grant::facility(Role::FacilityOfficer, "CPL-ES-1")]).await);
        assert_problem(&gye_officer.get(&base).await, 404, "not_found", "a crisis out of reach");
    }

    // A search (and what it seized) is linked to an incident of its facility, once.
    async fn seizures_linked_to_an_incident(db) {
        let store = &db.store;
        let s = setup(store).await;
        let search = |facility: &str, cell: i64| json!({"facility": facility, "kind": "cell", "location_ids": [cell], "team": [{"name": "Grupo de Intervención y Rescate", "role": "requisa"}], "authorised_by": "Director", "started_at": ago(50), "ended_at": ago(40), "reason": "Control de armas"});
        let here = s.director.post("/api/v1/searches", &search(TURI, s.wing.a1)).await;
        assert_status(&here, 201, "search at Turi");
        let gye_cell = location(&s.admin, GUAYAQUIL, place_body("G-1", None, 4)).await;
        let there = s.admin.post("/api/v1/searches", &search(GUAYAQUIL, gye_cell)).await;
        assert_status(&there, 201, "search at Guayaquil");
        let find = report(&s.officer, json!({"type": "find_of_illicit_items", "site": {"facility": TURI}, "occurred_at": ago(45), "summary": "Armas en la celda A1"})).await;
        let path = format!("/api/v1/incidents/{}/seizures", find.body["id"]);
        assert_problem(&s.officer.post(&path, &json!({"search_id": here.body["id"]})).await, 403, "forbidden", "officers do not manage");
        let before = store.journal_len().await.expect("journal");
        let r = s.admin.post(&path, &json!({"search_id": there.body["id"]})).await;
        assert_problem(&r, 422, "invalid_input", "another facility's search");
        assert!(field_codes(&r).contains(&"search_id:other_facility".to_owned()), "{}", r.body);
        assert_problem(&s.director.post(&path, &json!({"search_id": 999_999})).await, 422, "invalid_input", "no such search");
        assert_eq!(store.journal_len().await.expect("journal"), before);
        assert_status(&s.director.post(&path, &json!({"search_id": here.body["id"]})).await, 201, "linked");
        assert_problem(&s.director.post(&path, &json!({"search_id": here.body["id"]})).await, 409, "already_linked", "twice");
        let i = s.officer.get(&format!("/api/v1/incidents/{}", find.body["id"])).await;
        assert_eq!(i.body["seizures"][0]["search_id"], here.body["id"], "{}", i.body);
    }

    // A dispatched transfer requires telling the family, and the judge of a pretrial
    // detainee: tasks for the origin, created with the dispatch, never before.
    async fn a_transfer_notifies_the_family_and_the_judge(db) {
        let store = &db.store;
        let s = setup(store).await;
        let p = admit(&s.officer, 1).await;
        let t = s.director.post("/api/v1/transfers", &json!({"person_id": p, "to_facility": GUAYAQUIL, "reason": "overcrowding"})).await;
        assert_status(&t, 201, "requested");
        let id = t.body["id"].as_i64().expect("id");
        let pretrial = t.body["notify_judge"] == true;
        assert!(pretrial, "the test admission is pretrial: {}", t.body);
        assert_status(&s.admin.post(&format!("/api/v1/transfers/{id}/approve"), &json!({})).await, 200, "approved");
        let none = s.director.get("/api/v1/notifications").await;
        assert_eq!(none.body.as_array().map(Vec::len), Some(0), "nothing before it leaves: {}", none.body);
        assert_status(&s.officer.post(&format!("/api/v1/transfers/{id}/dispatch"), &json!({})).await, 200, "dispatched");
        let due = s.director.get("/api/v1/notifications?status=pending").await;
        let mut recipients: Vec<&str> = due.body.as_array().expect("list").iter().map(|n| n["recipient"].as_str().unwrap_or("")).collect();
        recipients.sort_unstable();
        let expected: &[&str] = if pretrial { &["family_contact", "judge"] } else { &["family_contact"] };
        assert_eq!(recipients, expected, "{}", due.body);
        assert!(due.body.as_array().expect("list").iter().all(|n| n["transfer_id"] == id && n["facility"] == TURI && n["person_id"] == p));
    }

    // Twenty clients take the same officer hostage at once: exactly one succeeds, the
    // board counts one.
    async fn concurrent_hostage_takings(db) {
        let store = &db.store;
        let s = setup(store).await;
        let (ops, _) = command(&s, store).await;
        let guard = staff(&s.admin, 1, "prison_guard", TURI).await;
        shift(&s.admin, TURI, &[guard]).await;
        let a = report(&ops, hostage_taking(TURI, 30)).await.body["id"].as_i64().expect("id");
        let crisis = ops.post("/api/v1/crises", &json!({"name": "x", "started_at": ago(30), "incident_ids": [a]})).await.body["id"].as_i64().expect("id");
        let path = format!("/api/v1/crises/{crisis}/hostages");
        let body = json!({"incident_id": a, "staff_ids": [guard], "at": ago(20)});
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let (api, path, body) = (ops.clone(), path.clone(), body.clone());
            tasks.push(tokio::spawn(async move { api.post(&path, &body).await }));
        }
        let mut replies = Vec::new();
        for t in tasks {
            replies.push(t.await.expect("task"));
        }
        let ok = replies.iter().filter(|r| r.status.as_u16() == 200).count();
        assert_eq!(ok, 1, "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
        assert!(replies.iter().all(|r| r.status.as_u16() == 200 || r.body["code"] == "already_held"));
        let board = ops.get(&format!("/api/v1/crises/{crisis}/accountability")).await;
        assert_eq!(board.body["totals"]["held"], 1);
        let taken = store.journal_for_subject(&format!("crisis:{crisis}"), 0, 100).await.expect("journal");
        assert_eq!(taken.iter().filter(|e| e.event_type == "crisis.hostages_taken").count(), 1);
    }

    // Notifications: created by the system, listed by those who must make them, done
    // once; control status and the situation.
    async fn notifications_control_and_situation(db) {
        let store = &db.store;
        let s = setup(store).await;
        let (ops, _) = command(&s, store).await;
        let guard = staff(&s.admin, 1, "police", TURI).await;
        shift(&s.admin, TURI, &[guard]).await;
        let a = report(&s.officer, hostage_taking(TURI, 30)).await.body["id"].as_i64().expect("id");
        let national = ops.get("/api/v1/notifications?status=pending").await;
        assert_eq!(national.body[0]["recipient"], "national_operations", "{}", national.body);
        assert_eq!(national.body[0]["incident_id"], a);
        let overdue = ops.get("/api/v1/notifications?due_before=now").await;
        assert_eq!(overdue.body[0]["overdue"], true, "15 minutes have passed: {}", overdue.body);
        let home = home_page(&ops.base, "ops").await;
        let alert = home.split("id=\"notifications-h\"").nth(1).expect("overdue notifications on the dashboard");
        assert!(alert.contains("national_operations") && alert.contains("Toma de rehenes"), "{home}");
        assert_problem(&s.officer.get("/api/v1/notifications").await, 403, "forbidden", "officers do not make notifications");
        assert_eq!(s.director.get("/api/v1/notifications").await.body.as_array().map(Vec::len), Some(0), "national ones are not Turi's");
        let id = national.body[0]["id"].as_i64().expect("id");
        let done = format!("/api/v1/notifications/{id}/done");
        assert_problem(&ops.post(&done, &json!({"channel": "pigeon", "notified": "x"})).await, 422, "invalid_input", "unknown channel");
        assert_status(&ops.post(&done, &json!({"channel": "radio", "notified": "Centro de operaciones"})).await, 200, "done");
        assert_problem(&ops.post(&done, &json!({"channel": "radio", "notified": "again"})).await, 409, "already_done", "twice");

        let control = format!("/api/v1/facilities/{TURI}/control-status");
        assert_problem(&s.director.post(&control, &json!({"status": "lost_control", "reason": "motín"})).await, 403, "forbidden", "national only");
        assert_status(&ops.post(&control, &json!({"status": "lost_control", "reason": "motín", "since": ago(25)})).await, 200, "lost");
        assert_problem(&ops.post(&control, &json!({"status": "normal", "reason": "x", "since": ago(40)})).await, 422, "invalid_input", "before the current status");
        let crisis = ops.post("/api/v1/crises", &json!({"name": "Turi", "started_at": ago(30), "incident_ids": [a]})).await.body["id"].as_i64().expect("id");
        assert_status(&ops.post(&format!("/api/v1/crises/{crisis}/hostages"), &json!({"incident_id": a, "staff_ids": [guard], "at": ago(20)})).await, 200, "held");
        let outside = json!({"type": "explosion_or_attack", "site": {"address": "Oficinas del SNAI, Quito", "province": "Pichincha"}, "occurred_at": ago(10), "summary": "Coche bomba"});
        assert_status(&report(&ops, outside).await, 201, "car bomb");
        let sit = ops.get("/api/v1/situation").await;
        assert_status(&sit, 200, "situation");
        assert_eq!(sit.body["active_crises"].as_array().map(Vec::len), Some(1), "{}", sit.body);
        assert_eq!(sit.body["staff_held_total"], 1);
        assert_eq!(sit.body["staff_held"][0]["held_by_kind"]["police"], 1);
        assert_eq!(sit.body["facilities_not_normal"][0]["status"], "lost_control");
        assert_eq!(sit.body["attacks_outside"].as_array().map(Vec::len), Some(1));
        assert_eq!(sit.body["active_incidents"].as_array().map(Vec::len), Some(2));
        let mine = s.director.get("/api/v1/situation").await;
        assert_eq!(mine.body["attacks_outside"].as_array().map(Vec::len), Some(0), "national matters: {}", mine.body);
        assert_eq!(mine.body["staff_held_total"], 1);
    }
}
