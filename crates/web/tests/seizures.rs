//! Searches (requisas) and seizures end to end on both backends: a search with items of
//! several categories, an item's chain of custody through several holders to its
//! disposal, statistics by month and category, facility scope, and bad input refused
//! with a specific problem and nothing changed.

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

fn from_now(mins: i64) -> String {
    (Timestamp::now() + SignedDuration::from_mins(mins)).to_string()
}

/// A search of `locations` at `facility` from `started_at` to `ended_at`.
fn cell_search(facility: &str, locations: &[i64], started_at: &str, ended_at: &str) -> Value {
    json!({
        "facility": facility, "kind": "cell", "location_ids": locations,
        "team": [
            {"name": "Grupo de Intervención y Rescate", "role": "requisa"},
            {"name": "ASP Carlos Vera", "role": "registro", "staff_id": 4242}
        ],
        "authorised_by": "Director del centro", "started_at": started_at, "ended_at": ended_at,
        "reason": "Información de inteligencia sobre armas en las celdas"
    })
}

async fn record(api: &Api, body: Value) -> i64 {
    let r = api.post("/api/v1/searches", &body).await;
    assert_status(&r, 201, "search");
    r.body["id"].as_i64().expect("search id")
}

async fn seize(api: &Api, search: i64, body: Value) -> Reply {
    api.post(&format!("/api/v1/searches/{search}/items"), &body)
        .await
}

async fn seized(api: &Api, search: i64, body: Value) -> i64 {
    let r = seize(api, search, body).await;
    assert_status(&r, 201, "item");
    r.body["id"].as_i64().expect("item id")
}

async fn hand_over(api: &Api, item: i64, body: Value) -> Reply {
    api.post(&format!("/api/v1/items/{item}/handovers"), &body)
        .await
}

fn team_holder() -> Value {
    json!({"name": "Tnte. Andrés Cedeño", "office": "Policía Nacional — GIR"})
}

fn evidence_store() -> Value {
    json!({"name": "Sgto. María Villacís", "office": "Centro de Acopio de Evidencias, Zona 6"})
}

fn prosecutor() -> Value {
    json!({"name": "Ab. Jorge Alvarado", "office": "Fiscalía Provincial del Azuay"})
}

/// A radio found in `location`, first held by the search team.
fn radio(location: i64) -> Value {
    json!({"category": "radio", "quantity": 1, "location_id": location, "holder": team_holder()})
}

async fn event_types(store: &custodia_store::Store, after: i64) -> Vec<String> {
    store
        .journal_page(after, 100_000)
        .await
        .expect("journal")
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

both_backends! {
    // A director records a search of two cells; an officer records what it seized, of
    // several categories; one item goes from a guard to the evidence store and on to the
    // prosecutor, after which its chain is closed. Everything is in the journal.
    async fn a_search_its_items_and_a_chain_of_custody(db) {
        let store = &db.store;
        let s = setup(store).await;
        let person = admit(&s.officer, 1).await;
        let guard = s.admin.post("/api/v1/staff", &json!({
            "service_number": "ASP-0001", "given_names": "Carlos", "surnames": "Vera Loor",
            "kind": "prison_guard", "home_facility": TURI
        })).await;
        assert_status(&guard, 201, "guard");
        let guard = guard.body["id"].as_i64().expect("staff id");
        let start = store.journal_len().await.expect("journal");

        let search = record(&s.director, cell_search(TURI, &[s.wing.a1, s.wing.a2], &ago(300), &ago(120))).await;
        let phones = seized(&s.officer, search, json!({
            "category": "mobile_phone", "description": "Teléfonos celulares", "quantity": 5,
            "location_id": s.wing.a1, "found_place": "Bajo el colchón", "person_id": person,
            "photo_reference": "FOTO-0001", "holder": {"staff_id": guard}, "found_at": ago(200)
        })).await;
        seized(&s.officer, search, json!({"category": "firearm", "description": "Pistolas", "quantity": 2, "location_id": s.wing.a2, "holder": team_holder()})).await;
        seized(&s.officer, search, json!({"category": "drugs", "quantity": 3, "drugs": {"kind": "cocaine", "grams": 250.5}, "found_place": "Ducto de ventilación", "holder": team_holder()})).await;
        seized(&s.officer, search, json!({"category": "cash", "quantity": 1, "cash": {"currency": "USD", "amount": 120.5}, "location_id": s.wing.a1, "holder": team_holder()})).await;
        seized(&s.officer, search, json!({"category": "sim_card", "quantity": 7, "location_id": s.wing.a1, "holder": team_holder()})).await;

        let got = s.officer.get(&format!("/api/v1/searches/{search}")).await;
        assert_status(&got, 200, "search");
        assert_eq!(got.body["kind"], "cell");
        assert_eq!(got.body["location_ids"], json!([s.wing.a1, s.wing.a2]));
        assert_eq!(got.body["team"][1]["staff_id"], 4242, "not checked against the register yet");
        let categories: Vec<&str> = got.body["items"].as_array().expect("items").iter().map(|i| i["category"].as_str().unwrap_or("")).collect();
        assert_eq!(categories, ["mobile_phone", "firearm", "drugs", "cash", "sim_card"]);
        assert_eq!(got.body["items"][2]["drugs"], json!({"kind": "cocaine", "grams": 250.5}));
        assert_eq!(got.body["items"][3]["cash"], json!({"currency": "USD", "amount": 120.5}));
        assert_eq!(got.body["items"][0]["person_id"], person);
        assert_eq!(got.body["items"][1]["found_at"], got.body["ended_at"], "found at the search's end unless said");
        let listed = s.officer.get(&format!("/api/v1/searches?facility={TURI}")).await;
        assert_status(&listed, 200, "list");
        assert_eq!(listed.body[0]["id"], search);
        assert_eq!(listed.body[0]["items"], 5);

        // The chain: guard → evidence store → prosecutor (disposal), then nothing more.
        let path = format!("/api/v1/items/{phones}");
        let r = hand_over(&s.officer, phones, json!({"from": {"staff_id": guard}, "to": evidence_store(), "at": ago(100), "purpose": "Ingreso al centro de acopio"})).await;
        assert_status(&r, 201, "to the evidence store");
        assert_eq!(r.body["holder"], json!({"staff_id": null, "name": "Sgto. María Villacís", "office": "Centro de Acopio de Evidencias, Zona 6"}));
        // The holder named as written differently is the same holder.
        let r = hand_over(&s.director, phones, json!({
            "from": {"name": "sgto. maría  villacís", "office": "CENTRO DE ACOPIO DE EVIDENCIAS, ZONA 6"},
            "to": prosecutor(), "at": ago(30), "purpose": "Entrega a Fiscalía", "disposal": "handed_to_prosecutor"
        })).await;
        assert_status(&r, 201, "to the prosecutor");
        let item = s.officer.get(&path).await;
        assert_status(&item, 200, "item");
        assert_eq!(item.body["disposal"], "handed_to_prosecutor");
        assert_eq!(item.body["first_holder"]["staff_id"], guard);
        assert_eq!(item.body["holder"]["office"], "Fiscalía Provincial del Azuay");
        let chain: Vec<(&str, Value)> = item.body["handovers"].as_array().expect("chain").iter()
            .map(|h| (h["purpose"].as_str().unwrap_or(""), h["disposal"].clone())).collect();
        assert_eq!(chain, [("Ingreso al centro de acopio", Value::Null), ("Entrega a Fiscalía", json!("handed_to_prosecutor"))]);

        let events = event_types(store, start).await;
        assert_eq!(events, ["search.recorded", "item.seized", "item.seized", "item.seized", "item.seized", "item.seized", "item.handed_over", "item.disposed"]);
        let entries = store.journal_page(start, 100).await.expect("journal");
        let seizure: Value = serde_json::from_str(&entries[1].payload).expect("payload");
        assert_eq!(seizure["holder"]["staff_id"], guard, "{seizure}");
        assert_eq!(seizure["person_id"], person);
        let disposal: Value = serde_json::from_str(&entries[7].payload).expect("payload");
        assert_eq!(disposal["disposal"], "handed_to_prosecutor", "{disposal}");
        assert_eq!(disposal["to"]["office"], "Fiscalía Provincial del Azuay");

        // A search of a person, with the safeguards (an intrusive one by a doctor).
        let r = s.director.post("/api/v1/searches", &json!({
            "facility": TURI, "kind": "person", "team": [{"name": "ASP Carlos Vera"}],
            "authorised_by": "Director del centro", "started_at": ago(20), "ended_at": ago(10),
            "reason": "Indicios de ocultamiento de droga",
            "person": {"person_id": person, "same_sex_searcher": true, "in_private": true, "intrusive": true,
                       "health_professional": "Dra. Ana Ruiz", "intrusive_reason": "Radiografía positiva"}
        })).await;
        assert_status(&r, 201, "person search");
        assert_eq!(r.body["person"]["health_professional"], "Dra. Ana Ruiz");
        assert_eq!(r.body["location_ids"], json!([]));
    }

    // Statistics count item lines and quantities by facility, month (in the facility's
    // time zone) and category, with grams by kind of drug and cash by currency; the
    // window and the facility filter them; a facility's staff count only theirs.
    async fn statistics_by_month_and_category(db) {
        let store = &db.store;
        let s = setup(store).await;
        let june = record(&s.director, cell_search(TURI, &[s.wing.a1], "2025-06-10T14:00:00Z", "2025-06-10T18:00:00Z")).await;
        let july = record(&s.director, cell_search(TURI, &[s.wing.a2], "2025-07-31T22:00:00Z", "2025-08-01T04:00:00Z")).await;
        seized(&s.officer, june, json!({"category": "bladed_weapon", "quantity": 4, "location_id": s.wing.a1, "holder": team_holder()})).await;
        seized(&s.officer, june, json!({"category": "drugs", "quantity": 2, "drugs": {"kind": "cannabis", "grams": 100.25}, "location_id": s.wing.a1, "holder": team_holder()})).await;
        // 03:00 UTC on 1 August is still 31 July in Cuenca.
        seized(&s.officer, july, json!({"category": "bladed_weapon", "quantity": 3, "location_id": s.wing.a2, "holder": team_holder(), "found_at": "2025-08-01T03:00:00Z"})).await;
        seized(&s.officer, july, json!({"category": "drugs", "quantity": 1, "drugs": {"kind": "cannabis", "grams": 50.5}, "location_id": s.wing.a2, "holder": team_holder()})).await;
        seized(&s.officer, july, json!({"category": "cash", "quantity": 1, "cash": {"currency": "USD", "amount": 300}, "location_id": s.wing.a2, "holder": team_holder()})).await;
        seized(&s.officer, july, json!({"category": "cash", "quantity": 1, "cash": {"currency": "USD", "amount": 0.75}, "location_id": s.wing.a2, "holder": team_holder()})).await;
        // Elsewhere: Guayaquil.
        let gye_cell = location(&s.admin, GUAYAQUIL, place_body("G-1", None, 4)).await;
        let gye = record(&s.admin, cell_search(GUAYAQUIL, &[gye_cell], "2025-07-05T12:00:00Z", "2025-07-05T15:00:00Z")).await;
        seized(&s.admin, gye, json!({"category": "mobile_phone", "quantity": 20, "location_id": gye_cell, "holder": team_holder()})).await;

        let r = s.officer.get(&format!("/api/v1/seizures/stats?facility={TURI}")).await;
        assert_status(&r, 200, "stats");
        let rows: Vec<(String, String, String, i64, i64)> = r.body["rows"].as_array().expect("rows").iter().map(|x| (
            x["facility"].as_str().unwrap_or("").to_owned(), x["month"].as_str().unwrap_or("").to_owned(),
            x["category"].as_str().unwrap_or("").to_owned(), x["items"].as_i64().unwrap_or(-1), x["quantity"].as_i64().unwrap_or(-1),
        )).collect();
        let row = |m: &str, c: &str, i: i64, q: i64| (TURI.to_owned(), m.to_owned(), c.to_owned(), i, q);
        assert_eq!(rows, [
            row("2025-06", "bladed_weapon", 1, 4), row("2025-06", "drugs", 1, 2),
            row("2025-07", "bladed_weapon", 1, 3), row("2025-07", "drugs", 1, 1), row("2025-07", "cash", 2, 2),
        ]);
        assert_eq!(r.body["by_category"], json!([
            {"category": "bladed_weapon", "items": 2, "quantity": 7},
            {"category": "drugs", "items": 2, "quantity": 3},
            {"category": "cash", "items": 2, "quantity": 2},
        ]));
        assert_eq!(r.body["drug_totals"], json!([{"kind": "cannabis", "items": 2, "grams": 150.75}]));
        assert_eq!(r.body["drugs"].as_array().map(Vec::len), Some(2), "June and July");
        assert_eq!(r.body["cash_totals"], json!([{"currency": "USD", "items": 2, "amount": 300.75}]));
        assert_eq!(r.body["cash"][0]["month"], "2025-07");

        // The window: July on (found at or after 1 July, Cuenca's midnight).
        let r = s.officer.get(&format!("/api/v1/seizures/stats?facility={TURI}&from=2025-07-01T05:00:00Z")).await;
        let months: Vec<&str> = r.body["rows"].as_array().expect("rows").iter().map(|x| x["month"].as_str().unwrap_or("")).collect();
        assert_eq!(months, ["2025-07", "2025-07", "2025-07"]);
        // Everyone in reach: the administrator sees both facilities; the officer, Turi.
        let all = s.admin.get("/api/v1/seizures/stats").await;
        let facilities: Vec<&str> = all.body["rows"].as_array().expect("rows").iter().map(|x| x["facility"].as_str().unwrap_or("")).collect();
        assert_eq!(facilities, [TURI, TURI, TURI, TURI, TURI, GUAYAQUIL]);
        assert_eq!(all.body["by_category"][1], json!({"category": "mobile_phone", "items": 1, "quantity": 20}), "{}", all.body);
        let theirs = s.officer.get("/api/v1/seizures/stats").await;
        assert_eq!(theirs.body["rows"].as_array().map(Vec::len), Some(5), "{}", theirs.body);
        assert!(theirs.body["rows"].as_array().expect("rows").iter().all(|x| x["facility"] == TURI), "{}", theirs.body);
        let searches = s.officer.get("/api/v1/searches?from=2025-07-01T00:00:00Z").await;
        let ids: Vec<i64> = searches.body.as_array().expect("list").iter().filter_map(|x| x["id"].as_i64()).collect();
        assert_eq!(ids, [july], "Turi's, begun in July or later");
        assert_problem(&s.officer.get("/api/v1/seizures/stats?from=yesterday").await, 422, "invalid_input", "a bad instant");
    }

    // Another facility's searches and items do not exist for a facility's staff (404);
    // an officer may record items and handovers but not searches (403); an intelligence
    // analyst reads but records nothing.
    async fn scope_and_roles(db) {
        let store = &db.store;
        let s = setup(store).await;
        let search = record(&s.director, cell_search(TURI, &[s.wing.a1], &ago(120), &ago(60))).await;
        let item = seized(&s.officer, search, radio(s.wing.a1)).await;
        let gye = s.admin.as_user(&common::token_for(store, "gye", vec![Grant::facility(Role::FacilityDirector, GUAYAQUIL)]).await);
        let before = store.journal_len().await.expect("journal");
        for (what, r) in [
            ("the search", gye.get(&format!("/api/v1/searches/{search}")).await),
            ("its items", seize(&gye, search, radio(s.wing.a1)).await),
            ("an item", gye.get(&format!("/api/v1/items/{item}")).await),
            ("a handover", hand_over(&gye, item, json!({"from": team_holder(), "to": evidence_store(), "at": ago(30), "purpose": "x"})).await),
            ("a search there", gye.post("/api/v1/searches", &cell_search(TURI, &[s.wing.a1], &ago(20), &ago(10))).await),
            ("its statistics", gye.get(&format!("/api/v1/seizures/stats?facility={TURI}")).await),
            ("its list", gye.get(&format!("/api/v1/searches?facility={TURI}")).await),
        ] {
            assert_problem(&r, 404, "not_found", what);
        }
        let listed = gye.get("/api/v1/searches").await;
        assert_eq!(listed.body, json!([]), "nothing of Turi's");
        let stats = gye.get("/api/v1/seizures/stats").await;
        assert_eq!(stats.body["rows"], json!([]));
        assert_problem(&s.officer.post("/api/v1/searches", &cell_search(TURI, &[s.wing.a1], &ago(20), &ago(10))).await, 403, "forbidden", "an officer records no search");
        assert_status(&s.analyst.get(&format!("/api/v1/items/{item}")).await, 200, "an analyst reads");
        assert_problem(&seize(&s.analyst, search, radio(s.wing.a1)).await, 403, "forbidden", "an analyst records no item");
        assert_eq!(store.journal_len().await.expect("journal"), before, "nothing changed");
    }

    // Ten clients hand the same item over at once, each to someone else: the chain takes
    // exactly one, the others are told the sender no longer holds it.
    async fn concurrent_handovers_take_one(db) {
        let store = &db.store;
        let s = setup(store).await;
        let search = record(&s.director, cell_search(TURI, &[s.wing.a1], &ago(120), &ago(60))).await;
        let item = seized(&s.officer, search, radio(s.wing.a1)).await;
        let before = store.journal_len().await.expect("journal");
        let calls = (0..10).map(|n| {
            let api = s.officer.clone();
            tokio::spawn(async move {
                let to = json!({"name": format!("Receptor {n}"), "office": "Centro de Acopio"});
                hand_over(&api, item, json!({"from": team_holder(), "to": to, "at": ago(30), "purpose": "Custodia"})).await
            })
        });
        let mut taken = 0;
        for call in calls.collect::<Vec<_>>() {
            let r = call.await.expect("task");
            if r.status.as_u16() == 201 {
                taken += 1;
            } else {
                assert_problem(&r, 409, "not_current_holder", "a losing handover");
            }
        }
        assert_eq!(taken, 1);
        let got = s.officer.get(&format!("/api/v1/items/{item}")).await;
        assert_eq!(got.body["handovers"].as_array().map(Vec::len), Some(1), "{}", got.body);
        assert_eq!(got.body["holder"], got.body["handovers"][0]["to"]);
        assert_eq!(event_types(store, before).await, ["item.handed_over"]);
    }

    // Bad input: each a specific problem, and nothing changed.
    async fn bad_input_changes_nothing(db) {
        let store = &db.store;
        let s = setup(store).await;
        let gye_cell = location(&s.admin, GUAYAQUIL, place_body("G-1", None, 4)).await;
        let person = admit(&s.officer, 1).await;
        let search = record(&s.director, cell_search(TURI, &[s.wing.a1], &ago(300), &ago(200))).await;
        let item = seized(&s.officer, search, radio(s.wing.a1)).await;
        let disposed = seized(&s.officer, search, radio(s.wing.a1)).await;
        let r = hand_over(&s.officer, disposed, json!({"from": team_holder(), "to": {"name": "Cbo. Luis Paz", "office": "Unidad de Explosivos"}, "at": ago(150), "purpose": "Destrucción", "disposal": "destroyed"})).await;
        assert_status(&r, 201, "destroyed");
        let item_before = s.officer.get(&format!("/api/v1/items/{item}")).await.body;
        let search_before = s.officer.get(&format!("/api/v1/searches/{search}")).await.body;
        let before = store.journal_len().await.expect("journal");

        let with = |changes: Value| {
            let mut body = radio(s.wing.a1);
            if let (Some(b), Some(c)) = (body.as_object_mut(), changes.as_object()) {
                b.extend(c.clone());
            }
            body
        };
        let handover = |changes: Value| {
            let mut body = json!({"from": team_holder(), "to": evidence_store(), "at": ago(100), "purpose": "Ingreso al centro de acopio"});
            if let (Some(b), Some(c)) = (body.as_object_mut(), changes.as_object()) {
                b.extend(c.clone());
            }
            body
        };
        let person_search = |safeguards: Value| json!({
            "facility": TURI, "kind": "person", "team": [{"name": "ASP Carlos Vera"}],
            "authorised_by": "Director", "started_at": ago(20), "ended_at": ago(10),
            "reason": "Sospecha", "person": safeguards
        });
        let cases: Vec<(&str, Reply, u16, &str, Option<&str>)> = vec![
            ("a zero quantity", seize(&s.officer, search, with(json!({"quantity": 0}))).await, 422, "invalid_input", Some("quantity:not_positive")),
            ("a negative quantity", seize(&s.officer, search, with(json!({"quantity": -3}))).await, 422, "invalid_input", Some("quantity:not_positive")),
            ("drugs without their details", seize(&s.officer, search, with(json!({"category": "drugs"}))).await, 422, "invalid_input", Some("drugs:required")),
            ("drugs without a weight", seize(&s.officer, search, with(json!({"category": "drugs", "drugs": {"kind": "cocaine"}}))).await, 422, "invalid_input", Some("drugs.grams:required")),
            ("cash without an amount", seize(&s.officer, search, with(json!({"category": "cash", "cash": {"currency": "USD"}}))).await, 422, "invalid_input", Some("cash.amount:required")),
            ("a place of another facility", seize(&s.officer, search, with(json!({"location_id": gye_cell}))).await, 422, "invalid_input", Some("location_id:unknown_location")),
            ("found in the future", seize(&s.officer, search, with(json!({"found_at": from_now(60)}))).await, 422, "invalid_input", Some("found_at:in_the_future")),
            ("found outside the search", seize(&s.officer, search, with(json!({"found_at": ago(30)}))).await, 422, "invalid_input", Some("found_at:outside_search")),
            ("a person held elsewhere or nowhere", seize(&s.officer, search, with(json!({"person_id": 999_999}))).await, 422, "invalid_input", Some("person_id:not_in_custody_here")),
            ("a holder half named", seize(&s.officer, search, with(json!({"holder": {"name": "Rosa"}}))).await, 422, "invalid_input", Some("holder:incomplete_holder")),
            ("an unregistered staff holder", seize(&s.officer, search, with(json!({"holder": {"staff_id": 999_999}}))).await, 422, "invalid_input", Some("holder.staff_id:unknown_staff")),
            ("a handover from a non-holder", hand_over(&s.officer, item, handover(json!({"from": prosecutor()}))).await, 409, "not_current_holder", None),
            ("a handover after disposal", hand_over(&s.officer, disposed, handover(json!({"from": {"name": "Cbo. Luis Paz", "office": "Unidad de Explosivos"}}))).await, 409, "already_disposed", None),
            ("a handover in the future", hand_over(&s.officer, item, handover(json!({"at": from_now(60)}))).await, 422, "invalid_input", Some("at:in_the_future")),
            ("a handover before custody began", hand_over(&s.officer, item, handover(json!({"at": ago(250)}))).await, 422, "invalid_input", Some("at:before_custody")),
            ("a handover to oneself", hand_over(&s.officer, item, handover(json!({"to": team_holder()}))).await, 422, "invalid_input", Some("to:same_holder")),
            ("a handover without a purpose", hand_over(&s.officer, item, handover(json!({"purpose": " "}))).await, 422, "invalid_input", Some("purpose:required")),
            ("a person search without safeguards", s.director.post("/api/v1/searches", &person_search(Value::Null)).await, 422, "invalid_input", Some("person:required")),
            ("a person search, not same sex", s.director.post("/api/v1/searches", &person_search(json!({"person_id": person, "in_private": true}))).await, 422, "invalid_input", Some("person.same_sex_searcher:safeguard_missing")),
            ("a person search, not in private", s.director.post("/api/v1/searches", &person_search(json!({"person_id": person, "same_sex_searcher": true}))).await, 422, "invalid_input", Some("person.in_private:safeguard_missing")),
            ("an intrusive search without a health professional", s.director.post("/api/v1/searches", &person_search(json!({"person_id": person, "same_sex_searcher": true, "in_private": true, "intrusive": true, "intrusive_reason": "Sospecha"}))).await, 422, "invalid_input", Some("person.health_professional:required")),
            ("a person not held there", s.director.post("/api/v1/searches", &person_search(json!({"person_id": 999_999, "same_sex_searcher": true, "in_private": true}))).await, 422, "invalid_input", Some("person.person_id:not_in_custody_here")),
            ("a search of another facility's cell", s.director.post("/api/v1/searches", &cell_search(TURI, &[gye_cell], &ago(20), &ago(10))).await, 422, "invalid_input", Some("location_ids[0]:unknown_location")),
            ("a search in the future", s.director.post("/api/v1/searches", &cell_search(TURI, &[s.wing.a1], &from_now(10), &from_now(60))).await, 422, "invalid_input", Some("started_at:in_the_future")),
            ("a search ending before it began", s.director.post("/api/v1/searches", &cell_search(TURI, &[s.wing.a1], &ago(10), &ago(20))).await, 422, "invalid_input", Some("ended_at:before_start")),
            ("a cell search naming no cell", s.director.post("/api/v1/searches", &cell_search(TURI, &[], &ago(20), &ago(10))).await, 422, "invalid_input", Some("location_ids:required")),
            ("an unknown category", seize(&s.officer, search, with(json!({"category": "picnic"}))).await, 422, "invalid_body", None),
        ];
        for (what, r, status, code, field) in cases {
            assert_problem(&r, status, code, what);
            if let Some(f) = field {
                assert!(field_codes(&r).contains(&f.to_owned()), "{what}: {}", r.body);
            }
        }
        assert_eq!(store.journal_len().await.expect("journal"), before, "nothing journaled");
        assert_eq!(s.officer.get(&format!("/api/v1/items/{item}")).await.body, item_before);
        assert_eq!(s.officer.get(&format!("/api/v1/searches/{search}")).await.body, search_before);
        assert_eq!(s.director.get("/api/v1/searches").await.body.as_array().map(Vec::len), Some(1));
    }
}
