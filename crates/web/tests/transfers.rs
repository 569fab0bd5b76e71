//! Movements between and out of facilities, end to end on both backends: transfers as a
//! state machine, bulk operations validated as a whole, temporary absences, escapes and
//! deaths, and physical counts with their discrepancies.

mod common;

use common::population::*;
use common::{Api, admission, cedula};
use custodia_domain::access::{Grant, Role};
use custodia_testkit::both_backends;
use serde_json::{Value, json};

const WOMEN_GUAYAQUIL: &str = "CPL-GY-2";
const CAI_QUITO: &str = "CAI-PI-1";

async fn user(s: &Setup, store: &custodia_store::Store, name: &str, grant: Grant) -> Api {
    s.admin
        .as_user(&common::token_for(store, name, vec![grant]).await)
}

fn in_an_hour(hours: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(hours)).to_string()
}

async fn post(api: &Api, path: &str, body: Value) -> common::Reply {
    api.post(path, &body).await
}

both_backends! {
    // Requested at Turi, approved nationally, dispatched (in transit, counted by both),
    // received at Guayaquil into a cell; every step by whom it belongs to; bad steps
    // refused with nothing changed; a dispatched transfer cancelled brings the person back.
    async fn a_transfer_from_request_to_receipt(db) {
        let store = &db.store;
        let s = setup(store).await;
        let ops = user(&s, store, "ops", Grant::national(Role::NationalOperations)).await;
        let gye = user(&s, store, "gye", Grant::facility(Role::FacilityOfficer, GUAYAQUIL)).await;
        let gye_cell = location(&s.admin, GUAYAQUIL, place_body("G-C1", None, 4)).await;
        let p = admit(&s.officer, 1).await;
        assert_status(&place(&s.officer, p, s.wing.a1, json!({})).await, 201, "placed");

        // The origin cannot see Guayaquil's cells: naming one answers as a cell that does not exist.
        let blind = json!({"person_id": p, "to_facility": GUAYAQUIL, "to_location_id": gye_cell, "reason": "security"});
        let r = s.director.post("/api/v1/transfers", &blind).await;
        assert!(field_codes(&r).contains(&"to_location_id:unknown_location".to_owned()), "{}", r.body);
        let request = json!({"person_id": p, "to_facility": GUAYAQUIL, "reason": "security"});
        assert_problem(&s.officer.post("/api/v1/transfers", &request).await, 403, "forbidden", "officers do not request");
        let before = store.journal_len().await.expect("journal");
        let refused = [
            (json!({"person_id": p, "to_facility": WOMEN_GUAYAQUIL, "reason": "security"}), "to_facility wrong sex", "to_facility:wrong_sex"),
            (json!({"person_id": p, "to_facility": CAI_QUITO, "reason": "security"}), "an adult to a CAI", "to_facility:wrong_age_group"),
            (json!({"person_id": p, "to_facility": TURI, "reason": "security"}), "to itself", "to_facility:same_facility"),
            (json!({"person_id": p, "to_facility": "NOPE-1", "reason": "security"}), "nowhere", "to_facility:unknown_facility"),
        ];
        for (body, what, code) in refused {
            let r = s.director.post("/api/v1/transfers", &body).await;
            assert_problem(&r, 422, "invalid_input", what);
            assert!(field_codes(&r).contains(&code.to_owned()), "{what}: {}", r.body);
        }
        assert_eq!(store.journal_len().await.expect("journal"), before, "refusals change nothing");

        let r = s.director.post("/api/v1/transfers", &request).await;
        assert_status(&r, 201, "requested");
        assert_eq!((r.body["status"].as_str(), r.body["notify_judge"].as_bool(), r.body["notify_family"].as_bool()), (Some("requested"), Some(true), Some(true)));
        let t = r.body["id"].as_i64().expect("id");
        assert_problem(&s.director.post("/api/v1/transfers", &request).await, 409, "transfer_open", "a second one");
        let step = |who: &Api, what: &str| {
            let (who, path) = (who.clone(), format!("/api/v1/transfers/{t}/{what}"));
            async move { who.post(&path, &json!({})).await }
        };
        assert_problem(&step(&s.officer, "dispatch").await, 409, "not_approved", "dispatch before approval");
        assert_problem(&step(&s.director, "approve").await, 403, "forbidden", "directors do not approve");
        assert_problem(&step(&gye, "approve").await, 403, "forbidden", "nor officers of the destination");
        let r = step(&ops, "approve").await;
        assert_status(&r, 200, "approved");
        assert_eq!(r.body["approved_by"], "user:ops");
        assert_problem(&step(&gye, "dispatch").await, 403, "forbidden", "the destination does not dispatch");
        // No body at all is a step too.
        let r = s.officer.call(reqwest::Method::POST, &format!("/api/v1/transfers/{t}/dispatch"), None).await;
        assert_status(&r, 200, "dispatched");
        let turi = roll(&s.officer).await;
        assert_eq!((turi["totals"]["in_transit_out"].as_i64(), turi["totals"]["in_place"].as_i64()), (Some(1), Some(0)), "{}", turi["totals"]);
        let national = s.admin.get("/api/v1/roll").await;
        let gye_line = national.body["facilities"].as_array().expect("facilities").iter().find(|f| f["code"] == GUAYAQUIL).cloned().expect("Guayaquil");
        assert_eq!(gye_line["in_transit_in"], 1, "{gye_line}");
        assert_problem(&place(&s.officer, p, s.wing.a2, json!({})).await, 409, "not_present", "no placement in transit");

        assert_problem(&step(&s.officer, "receive").await, 403, "forbidden", "the origin does not receive");
        let r = gye.post(&format!("/api/v1/transfers/{t}/receive"), &json!({"location_id": gye_cell})).await;
        assert_status(&r, 200, "received");
        assert_eq!(r.body["status"], "received");
        assert_problem(&step(&gye, "receive").await, 409, "not_dispatched", "received twice");
        assert_eq!(occupants(&gye, gye_cell, None).await, vec![p]);
        assert_problem(&s.officer.get(&format!("/api/v1/persons/{p}/movements")).await, 404, "not_found", "now Guayaquil's");
        assert_status(&s.officer.get(&format!("/api/v1/transfers/{t}")).await, 200, "the origin still sees the transfer");
        let kinds: Vec<String> = gye.get(&format!("/api/v1/persons/{p}/movements")).await.body.as_array().expect("list")
            .iter().map(|m| m["kind"].as_str().unwrap_or("").to_owned()).collect();
        assert_eq!(kinds, ["admitted", "placed", "transfer_dispatched", "transfer_received"]);
        let listed = s.officer.get(&format!("/api/v1/transfers?facility={TURI}&status=received")).await;
        assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{}", listed.body);
        let stranger = user(&s, store, "quito", Grant::facility(Role::FacilityOfficer, "CPL-PI-1")).await;
        assert_problem(&stranger.get(&format!("/api/v1/transfers/{t}")).await, 404, "not_found", "neither origin nor destination");

        // Cancelled after dispatch: back at the origin, unallocated.
        let q = admit(&s.officer, 2).await;
        let r = s.director.post("/api/v1/transfers", &json!({"person_id": q, "to_facility": GUAYAQUIL, "reason": "overcrowding"})).await;
        let t2 = r.body["id"].as_i64().expect("id");
        assert_status(&ops.post(&format!("/api/v1/transfers/{t2}/approve"), &json!({})).await, 200, "approve");
        assert_status(&s.officer.post(&format!("/api/v1/transfers/{t2}/dispatch"), &json!({})).await, 200, "dispatch");
        let r = s.director.post(&format!("/api/v1/transfers/{t2}/cancel"), &json!({"reason": "carretera cerrada"})).await;
        assert_status(&r, 200, "cancelled");
        assert_problem(&s.director.post(&format!("/api/v1/transfers/{t2}/cancel"), &json!({})).await, 409, "already_ended", "cancelled twice");
        let turi = roll(&s.officer).await;
        assert_eq!((turi["totals"]["in_transit_out"].as_i64(), turi["totals"]["unallocated"].as_i64()), (Some(0), Some(1)), "{}", turi["totals"]);
    }

    // 500 persons in one operation with one bad move: refused whole, the bad move named,
    // nothing changed; without it, requested, approved, dispatched and received as a whole.
    async fn a_bulk_operation(db) {
        let store = &db.store;
        let s = setup(store).await;
        let ops = user(&s, store, "ops", Grant::national(Role::NationalOperations)).await;
        let mut persons = Vec::new();
        for n in 0..500 {
            persons.push(admit(&s.admin, 1000 + n).await);
        }
        let mut moves: Vec<Value> = persons.iter().map(|p| json!({"person_id": p, "to_facility": GUAYAQUIL})).collect();
        moves[137]["to_facility"] = json!(WOMEN_GUAYAQUIL);
        let before = store.journal_len().await.expect("journal");
        let r = ops.post("/api/v1/transfer-operations", &json!({"name": "Descongestión Turi", "reason": "overcrowding", "moves": moves})).await;
        assert_problem(&r, 422, "invalid_input", "one bad move");
        assert_eq!(field_codes(&r), vec!["moves[137].to_facility:wrong_sex".to_owned()], "{}", r.body);
        assert_eq!(store.journal_len().await.expect("journal"), before, "nothing changed");
        let mut twice = moves.clone();
        twice[137] = json!({"person_id": persons[0], "to_facility": GUAYAQUIL});
        let r = ops.post("/api/v1/transfer-operations", &json!({"name": "x", "reason": "overcrowding", "moves": twice})).await;
        assert!(field_codes(&r).contains(&"moves[137].person_id:duplicate_person".to_owned()), "{}", r.body);

        moves.remove(137);
        let r = ops.post("/api/v1/transfer-operations", &json!({"name": "Descongestión Turi", "reason": "overcrowding", "moves": moves})).await;
        assert_status(&r, 201, "created");
        assert_eq!(r.body["counts"]["requested"], 499, "{}", r.body["counts"]);
        let op = r.body["id"].as_i64().expect("id");
        assert_status(&ops.post(&format!("/api/v1/transfer-operations/{op}/approve"), &json!({})).await, 200, "approved");
        assert_problem(&ops.post(&format!("/api/v1/transfer-operations/{op}/approve"), &json!({})).await, 409, "nothing_to_do", "approved twice");
        assert_problem(&ops.post(&format!("/api/v1/transfer-operations/{op}/dispatch"), &json!({})).await, 403, "forbidden", "operations do not dispatch");
        let r = s.admin.post(&format!("/api/v1/transfer-operations/{op}/dispatch"), &json!({})).await;
        assert_status(&r, 200, "dispatched");
        assert_eq!(r.body["counts"]["dispatched"], 499);
        assert_eq!(roll(&s.officer).await["totals"]["in_transit_out"], 499);
        // One person by person, the rest as a whole.
        let first = r.body["transfers"][0]["id"].as_i64().expect("id");
        assert_status(&s.admin.post(&format!("/api/v1/transfers/{first}/receive"), &json!({})).await, 200, "one received");
        let r = s.admin.post(&format!("/api/v1/transfer-operations/{op}/receive"), &json!({})).await;
        assert_status(&r, 200, "received");
        assert_eq!(r.body["counts"], json!({"requested": 0, "approved": 0, "dispatched": 0, "received": 499, "cancelled": 0}));
        let got = ops.get(&format!("/api/v1/transfer-operations/{op}")).await;
        assert_eq!(got.body["transfers"].as_array().map(Vec::len), Some(499));
        let national = s.admin.get("/api/v1/roll").await;
        let gye_line = national.body["facilities"].as_array().expect("facilities").iter().find(|f| f["code"] == GUAYAQUIL).cloned().expect("Guayaquil");
        assert_eq!(gye_line["unallocated"], 499, "{gye_line}");
        assert_status(&s.officer.get(&format!("/api/v1/transfer-operations/{op}")).await, 200, "the origin sees it");
    }

    // A whole operation received at once is judged as receiving its persons one after
    // another would be: capacity and keep-apart at the destination, each arrival against
    // the cells and units the ones before it fill; one refusal refuses the receipt whole
    // and changes nothing; persons received one by one in between are left as they are.
    async fn a_bulk_receipt_checks_the_destination(db) {
        let store = &db.store;
        let s = setup(store).await;
        let ops = user(&s, store, "ops", Grant::national(Role::NationalOperations)).await;
        let gye = user(&s, store, "gye", Grant::facility(Role::FacilityOfficer, GUAYAQUIL)).await;
        let unit_u = location(&s.admin, GUAYAQUIL, place_body("G-U", None, 0)).await;
        let g1 = location(&s.admin, GUAYAQUIL, place_body("G-1", Some(unit_u), 2)).await;
        let g2 = location(&s.admin, GUAYAQUIL, place_body("G-2", Some(unit_u), 2)).await;
        let unit_v = location(&s.admin, GUAYAQUIL, place_body("G-V", None, 0)).await;
        let g3 = location(&s.admin, GUAYAQUIL, place_body("G-3", Some(unit_v), 2)).await;
        let mut p = Vec::new();
        for n in 1..=4 {
            p.push(admit(&s.admin, n).await);
        }
        let moves = json!([
            {"person_id": p[0], "to_facility": GUAYAQUIL, "to_location_id": g1},
            {"person_id": p[1], "to_facility": GUAYAQUIL, "to_location_id": g1},
            {"person_id": p[2], "to_facility": GUAYAQUIL, "to_location_id": g2},
            {"person_id": p[3], "to_facility": GUAYAQUIL},
        ]);
        let r = ops.post("/api/v1/transfer-operations", &json!({"name": "Turi a Guayaquil", "reason": "security", "moves": moves})).await;
        assert_status(&r, 201, "created");
        let op = r.body["id"].as_i64().expect("id");
        let transfer_of = |body: &Value, person: i64| {
            body["transfers"].as_array().expect("transfers").iter()
                .find(|t| t["person_id"] == person).and_then(|t| t["id"].as_i64()).expect("transfer")
        };
        let (t2, t3) = (transfer_of(&r.body, p[1]), transfer_of(&r.body, p[2]));
        assert_status(&ops.post(&format!("/api/v1/transfer-operations/{op}/approve"), &json!({})).await, 200, "approved");
        assert_status(&s.officer.post(&format!("/api/v1/transfer-operations/{op}/dispatch"), &json!({})).await, 200, "dispatched");

        // While they travel, Guayaquil admits someone into G-1: one place is left there.
        let mut body = admission(GUAYAQUIL, "Luis", "Mora", "Vega", &cedula(900));
        body["location_id"] = json!(g1);
        let r = gye.post("/api/v1/admissions", &body).await;
        assert_status(&r, 201, "admitted into G-1");
        let resident = r.body["id"].as_i64().expect("id");
        let receive = async || gye.post(&format!("/api/v1/transfer-operations/{op}/receive"), &json!({})).await;
        let dispatched = async || ops.get(&format!("/api/v1/transfer-operations/{op}")).await.body["counts"]["dispatched"].clone();
        let before = store.journal_len().await.expect("journal");
        let r = receive().await;
        assert_problem(&r, 409, "over_capacity", "the second into G-1 finds it full");
        assert_eq!(store.journal_len().await.expect("journal"), before, "nothing changed");
        assert_eq!(dispatched().await, 4);
        assert_eq!(occupants(&gye, g1, None).await, vec![resident]);

        // One received on his own elsewhere; then a rule keeps the first and the third
        // out of one unit: arriving together in unit U, the whole receipt is refused.
        let r = gye.post(&format!("/api/v1/transfers/{t2}/receive"), &json!({"location_id": g3})).await;
        assert_status(&r, 200, "one received by himself");
        assert_eq!(r.body["to_location_id"], g3);
        let r = s.analyst.post("/api/v1/keep-apart", &json!({
            "kind": "persons", "a": p[0], "b": p[2], "reason": "threat", "scope": "unit", "authorized_by": "Fiscalía"
        })).await;
        assert_status(&r, 201, "rule");
        let before = store.journal_len().await.expect("journal");
        let r = receive().await;
        assert_problem(&r, 409, "placement_restricted", "rivals arriving in one unit");
        assert_eq!(r.body["detail"], "placement restricted for security reasons — contact the security office");
        assert_eq!(store.journal_len().await.expect("journal"), before, "nothing changed");
        assert_eq!(dispatched().await, 3);

        // The third turned back: the rest are received as a whole.
        assert_status(&s.director.post(&format!("/api/v1/transfers/{t3}/cancel"), &json!({"reason": "regla de separación"})).await, 200, "cancelled");
        let r = receive().await;
        assert_status(&r, 200, "received");
        assert_eq!(r.body["counts"], json!({"requested": 0, "approved": 0, "dispatched": 0, "received": 3, "cancelled": 1}));
        assert_problem(&receive().await, 409, "nothing_to_do", "received twice");
        let mut in_g1 = vec![resident, p[0]];
        in_g1.sort();
        assert_eq!(occupants(&gye, g1, None).await, in_g1);
        assert_eq!(occupants(&gye, g3, None).await, vec![p[1]]);
        assert_eq!(occupants(&gye, unit_u, None).await, in_g1);
        let gye_roll = gye.get(&format!("/api/v1/facilities/{GUAYAQUIL}/roll")).await;
        let totals = &gye_roll.body["totals"];
        assert_eq!((totals["in_place"].as_i64(), totals["unallocated"].as_i64(), totals["in_transit_in"].as_i64()),
            (Some(3), Some(1), Some(0)), "{totals}");
        let turi = roll(&s.officer).await;
        assert_eq!((turi["totals"]["in_transit_out"].as_i64(), turi["totals"]["unallocated"].as_i64()), (Some(0), Some(1)), "the third is back: {}", turi["totals"]);
        for (person, cell) in [(p[0], Some(g1)), (p[3], None)] {
            let m = gye.get(&format!("/api/v1/persons/{person}/movements")).await;
            assert_status(&m, 200, "Guayaquil's now");
            let last = m.body.as_array().and_then(|l| l.last()).cloned().expect("a movement");
            assert_eq!((last["kind"].as_str(), last["location_id"].as_i64()), (Some("transfer_received"), cell), "{last}");
            assert_problem(&s.officer.get(&format!("/api/v1/persons/{person}/movements")).await, 404, "not_found", "no longer Turi's");
        }
        let received = store.journal_page(0, 100_000).await.expect("journal").into_iter()
            .filter(|e| e.event_type == "transfer.received").count();
        assert_eq!(received, 3);
    }

    // Out to court and back to the cell left; overdue when not back in time; an escape
    // and a recapture; a death ends custody for good.
    async fn absences_escapes_and_deaths(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let p = admit(&s.officer, 1).await;
        let q = admit(&s.officer, 2).await;
        assert_status(&place(&s.officer, p, w.a1, json!({})).await, 201, "placed");

        let r = post(&s.officer, "/api/v1/absences", json!({"person_id": p, "kind": "court_appearance", "expected_back_at": in_an_hour(4), "note": "Audiencia"})).await;
        assert_status(&r, 201, "out");
        let absence = r.body["id"].as_i64().expect("id");
        assert_eq!(roll(&s.officer).await["totals"]["out"], 1);
        assert_problem(&place(&s.officer, p, w.a2, json!({})).await, 409, "not_present", "out at court");
        let r = post(&s.officer, "/api/v1/absences", json!({"person_id": q, "kind": "hospital", "expected_back_at": in_an_hour(-1), "left_at": in_an_hour(-5)})).await;
        assert_status(&r, 201, "q out, already overdue");
        let r = s.officer.get(&format!("/api/v1/absences?facility={TURI}&overdue=true")).await;
        let overdue: Vec<i64> = r.body.as_array().expect("list").iter().map(|a| a["person_id"].as_i64().expect("id")).collect();
        assert_eq!(overdue, vec![q], "{}", r.body);
        assert_eq!(roll(&s.officer).await["totals"]["overdue_back"], 1);
        let r = s.officer.call(reqwest::Method::POST, &format!("/api/v1/absences/{absence}/return"), None).await;
        assert_status(&r, 200, "back");
        assert_eq!(occupants(&s.officer, w.a1, None).await, vec![p], "back in the cell he left");
        assert_problem(&s.officer.post(&format!("/api/v1/absences/{absence}/return"), &json!({})).await, 409, "already_returned", "twice");
        let r = post(&s.officer, "/api/v1/absences", json!({"person_id": p, "kind": "court_appearance", "expected_back_at": in_an_hour(-2), "left_at": in_an_hour(-1)})).await;
        assert!(field_codes(&r).contains(&"expected_back_at:not_after_leaving".to_owned()), "{}", r.body);

        let escape = json!({"at": in_an_hour(0), "circumstances": "Fuga durante el cambio de guardia"});
        assert_status(&post(&s.officer, &format!("/api/v1/persons/{p}/escape"), escape.clone()).await, 200, "escaped");
        assert_problem(&post(&s.officer, &format!("/api/v1/persons/{p}/escape"), escape).await, 409, "already_escaped", "twice");
        assert_problem(&place(&s.officer, p, w.a2, json!({})).await, 409, "not_present", "escaped");
        assert_eq!(roll(&s.officer).await["totals"]["escaped"], 1);
        let r = post(&s.officer, &format!("/api/v1/persons/{p}/recapture"), json!({"at": in_an_hour(0), "location_id": w.a2})).await;
        assert_status(&r, 200, "recaptured");
        assert_eq!(occupants(&s.officer, w.a2, None).await, vec![p]);

        let before = store.journal_len().await.expect("journal");
        let bad = [
            (json!({"died_at": in_an_hour(0), "place": "Celda"}), 422, "invalid_body", "no cause"),
            (json!({"place": "Celda", "cause": "natural"}), 422, "invalid_body", "no time"),
            (json!({"died_at": in_an_hour(2), "place": "Celda", "cause": "natural"}), 422, "invalid_input", "in the future"),
            (json!({"died_at": "2026-10-01T00:00:00Z", "place": "Celda", "cause": "natural"}), 422, "invalid_input", "before admission"),
            (json!({"died_at": in_an_hour(0), "place": "Celda", "cause": "heartbreak"}), 422, "invalid_body", "unknown cause"),
        ];
        for (body, status, code, what) in bad {
            assert_problem(&post(&s.officer, &format!("/api/v1/persons/{p}/death"), body).await, status, code, what);
        }
        assert_eq!(store.journal_len().await.expect("journal"), before);
        let r = post(&s.officer, &format!("/api/v1/persons/{p}/death"), json!({"died_at": in_an_hour(0), "place": "Celda A2", "cause": "violence_in_riot", "circumstances": "Enfrentamiento"})).await;
        assert_status(&r, 200, "death");
        assert_problem(&place(&s.officer, p, w.a1, json!({})).await, 409, "not_in_custody", "no move after death");
        assert_problem(&post(&s.officer, &format!("/api/v1/persons/{p}/death"), json!({"died_at": in_an_hour(0), "place": "x", "cause": "natural"})).await, 409, "not_in_custody", "twice dead");
        let mut again = admission(TURI, "Pedro", "X", "Y", &cedula(1));
        again.as_object_mut().expect("object").remove("person");
        again["person_id"] = json!(p);
        again["admitted_at"] = json!(in_an_hour(0));
        assert_problem(&s.officer.post("/api/v1/admissions", &again).await, 409, "deceased", "never admitted again");
        let file = s.admin.get(&format!("/api/v1/persons/{p}?reason=test")).await;
        assert_eq!(file.body["episodes"][0]["release"]["reason"], "death", "{}", file.body["episodes"][0]);
        assert!(occupants(&s.officer, w.a2, None).await.is_empty());
        let last = s.officer.get(&format!("/api/v1/persons/{p}/movements")).await;
        assert_eq!(last.body.as_array().and_then(|m| m.last()).map(|m| m["kind"].clone()), Some(json!("died")));
        let release = json!({"released_at": in_an_hour(0), "reason": "death", "authorized_by": "x"});
        let r = post(&s.admin, &format!("/api/v1/persons/{q}/release"), release).await;
        assert!(field_codes(&r).contains(&"reason:death_is_not_a_release".to_owned()), "{}", r.body);
    }

    // A count that matches closes nothing; one that does not opens an alert until it is
    // explained; counts are checked against who was there at the instant counted.
    async fn physical_counts(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let p = admit(&s.officer, 1).await;
        let q = admit(&s.officer, 2).await;
        assert_status(&place(&s.officer, p, w.a1, json!({"occurred_at": in_an_hour(-3)})).await, 201, "p");
        assert_status(&place(&s.officer, q, w.a1, json!({"occurred_at": in_an_hour(-1)})).await, 201, "q");
        let r = post(&s.officer, "/api/v1/counts", json!({"location_id": w.a1, "counted": 2})).await;
        assert_status(&r, 201, "count");
        assert_eq!((r.body["expected"].as_i64(), r.body["open"].as_bool()), (Some(2), Some(false)));
        let r = post(&s.officer, "/api/v1/counts", json!({"location_id": w.unit_a, "counted": 1, "at": in_an_hour(-2)})).await;
        assert_eq!((r.body["expected"].as_i64(), r.body["open"].as_bool()), (Some(1), Some(false)), "two hours ago only p: {}", r.body);
        let r = post(&s.officer, "/api/v1/counts", json!({"location_id": w.a1, "counted": 1})).await;
        assert_eq!((r.body["discrepancy"].as_i64(), r.body["open"].as_bool()), (Some(-1), Some(true)));
        let open = r.body["id"].as_i64().expect("id");
        let listed = s.officer.get(&format!("/api/v1/counts?facility={TURI}&open=true")).await;
        assert_eq!(listed.body.as_array().map(Vec::len), Some(1), "{}", listed.body);

        let elsewhere = location(&s.admin, GUAYAQUIL, place_body("G-1", None, 4)).await;
        let before = store.journal_len().await.expect("journal");
        assert_problem(&post(&s.officer, "/api/v1/counts", json!({"location_id": elsewhere, "counted": 3})).await, 404, "not_found", "another facility's unit");
        let r = post(&s.officer, "/api/v1/counts", json!({"location_id": w.a1, "counted": -1})).await;
        assert!(field_codes(&r).contains(&"counted:negative".to_owned()), "{}", r.body);
        assert_problem(&post(&s.officer, &format!("/api/v1/counts/{open}/reconcile"), json!({"explanation": ""})).await, 422, "invalid_input", "no explanation");
        assert_eq!(store.journal_len().await.expect("journal"), before);
        let r = post(&s.officer, &format!("/api/v1/counts/{open}/reconcile"), json!({"explanation": "Q en enfermería, no anotado"})).await;
        assert_status(&r, 200, "reconciled");
        assert_eq!(r.body["open"], false);
        assert_problem(&post(&s.officer, &format!("/api/v1/counts/{open}/reconcile"), json!({"explanation": "x"})).await, 409, "not_open", "twice");
        let listed = s.officer.get(&format!("/api/v1/counts?facility={TURI}&open=true")).await;
        assert_eq!(listed.body.as_array().map(Vec::len), Some(0));
    }
}
