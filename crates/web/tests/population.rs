//! Where every person is, end to end on both backends: placements and moves, the rules
//! every move is checked against (fit, capacity under concurrency, keep-apart rules and
//! who may read them), the roll, occupants at a past instant with late-recorded moves,
//! and the movements history rebuilt from the journal alone.

mod common;

use std::collections::HashMap;

use common::Reply;
use common::population::*;
use custodia_domain::access::{Grant, Role};
use custodia_domain::movements::{Span, insert};
use custodia_testkit::both_backends;
use serde_json::{Value, json};

/// Each person's stays: (from, until, cell), canonical instants.
type History = HashMap<i64, Vec<(String, Option<String>, Option<i64>)>>;

both_backends! {
    // Admitted unallocated, placed, moved: the roll, the facility's occupancy, the
    // movements history and the journal follow; bad moves are refused with a specific
    // problem and change nothing.
    async fn placements_and_moves(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let p = admit(&s.officer, 1).await;
        let q = admit(&s.officer, 2).await;
        let r = roll(&s.officer).await;
        assert_eq!(r["totals"]["unallocated"], 2, "{r}");
        assert_eq!(r["totals"]["in_place"], 0);
        assert_eq!(r["not_in_a_cell"].as_array().map(Vec::len), Some(2));

        let r = place(&s.officer, p, w.a1, json!({"reason": "ingreso"})).await;
        assert_status(&r, 201, "first placement");
        assert_eq!(r.body["kind"], "placed");
        assert_eq!(r.body["unit_id"], w.unit_a);
        let r = place(&s.officer, p, w.a2, json!({})).await;
        assert_status(&r, 201, "move");
        assert_eq!(r.body["kind"], "moved");
        assert_eq!(r.body["from_location_id"], w.a1);

        let r = roll(&s.officer).await;
        assert_eq!((r["totals"]["in_place"].as_i64(), r["totals"]["unallocated"].as_i64()), (Some(1), Some(1)));
        assert_eq!(r["totals"]["total_on_roll"], 2);
        assert_eq!(location_occupied(&r, w.a2), 1);
        assert_eq!(location_occupied(&r, w.a1), 0);
        assert_eq!(location_occupied(&r, w.unit_a), 1, "a unit counts its cells");
        let f = s.officer.get(&format!("/api/v1/facilities/{TURI}")).await;
        assert_eq!(f.body["occupancy"]["occupied"], 1, "{}", f.body);
        assert_eq!(occupants(&s.officer, w.unit_a, None).await, vec![p]);

        let m = s.officer.get(&format!("/api/v1/persons/{p}/movements")).await;
        assert_status(&m, 200, "movements");
        let kinds: Vec<&str> = m.body.as_array().expect("list").iter().map(|x| x["kind"].as_str().unwrap_or("")).collect();
        assert_eq!(kinds, ["admitted", "placed", "moved"]);
        assert!(m.body[2]["until"].is_null() && !m.body[1]["until"].is_null());
        let journal = store.journal_for_subject(&format!("person:{p}"), 0, 100).await.expect("journal");
        let types: Vec<&str> = journal.iter().map(|e| e.event_type.as_str()).collect();
        assert_eq!(types, ["person.admitted", "person.placed", "person.moved"]);

        // Bad input: each refused with its code, nothing changed.
        let before = store.journal_len().await.expect("journal");
        let released = admit(&s.admin, 3).await;
        let r = s.admin.post(&format!("/api/v1/persons/{released}/release"), &json!({
            "released_at": "2026-11-20T12:00:00Z", "reason": "court_order", "authorized_by": "Juez"
        })).await;
        assert_status(&r, 200, "release");
        let before = before + 2;
        let cases: Vec<(&str, Reply, u16, &str, Option<&str>)> = vec![
            ("a unit is not a cell", place(&s.officer, q, w.unit_a, json!({})).await, 422, "invalid_input", Some("location_id:not_a_cell")),
            ("another facility's cell", {
                let elsewhere = location(&s.admin, GUAYAQUIL, place_body("G-1", None, 4)).await;
                place(&s.officer, q, elsewhere, json!({})).await
            }, 422, "invalid_input", Some("location_id:unknown_location")),
            ("in the future", place(&s.officer, q, w.a1, json!({"occurred_at": "2099-01-01T00:00:00Z"})).await, 422, "invalid_input", Some("occurred_at:in_the_future")),
            ("before the admission", place(&s.officer, q, w.a1, json!({"occurred_at": "2026-10-01T00:00:00Z"})).await, 422, "invalid_input", Some("occurred_at:before_admission")),
            ("a released person", place(&s.officer, released, w.a1, json!({})).await, 409, "not_in_custody", None),
            ("an unknown person", place(&s.officer, 999_999, w.a1, json!({})).await, 404, "not_found", None),
            ("an unknown field", s.officer.post("/api/v1/placements", &json!({"person_id": q, "location_id": w.a1, "cell": 3})).await, 422, "invalid_body", None),
            ("an override by an officer", place(&s.officer, q, w.a1, json!({"override": {"reason": "urgente"}})).await, 403, "forbidden", None),
            ("an override without a reason", place(&s.director, q, w.a1, json!({"override": {"reason": ""}})).await, 422, "invalid_input", Some("override.reason:required")),
        ];
        for (what, r, status, code, field) in cases {
            assert_problem(&r, status, code, what);
            if let Some(f) = field {
                assert!(field_codes(&r).contains(&f.to_owned()), "{what}: {}", r.body);
            }
        }
        // The Guayaquil location added above is the only change.
        assert_eq!(store.journal_len().await.expect("journal"), before + 1);
        assert_eq!(roll(&s.officer).await["totals"]["in_place"], 1);
    }

    // A full cell refuses the next person unless a director overrides with a reason,
    // listed on the roll; a cell for pretrial persons refuses a sentenced one.
    async fn capacity_and_separation(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let p = admit(&s.officer, 1).await;
        let q = admit(&s.officer, 2).await;
        assert_status(&place(&s.officer, p, w.b1, json!({})).await, 201, "the one place");
        let r = place(&s.officer, q, w.b1, json!({})).await;
        assert_problem(&r, 409, "over_capacity", "full");
        let r = place(&s.director, q, w.b1, json!({"override": {"reason": "Traslado urgente tras motín"}})).await;
        assert_status(&r, 201, "override");
        assert_eq!(r.body["override_reason"], "Traslado urgente tras motín");
        let roll = roll(&s.officer).await;
        assert_eq!(roll["totals"]["overrides"], 1);
        assert_eq!(roll["overrides"][0]["person_id"], q);
        assert_eq!(location_occupied(&roll, w.b1), 2);
        assert_eq!(roll["totals"]["occupancy"]["over_capacity"], 1);

        // Sentenced: no longer fits the pretrial cell.
        let t = admit(&s.officer, 3).await;
        let r = s.admin.post(&format!("/api/v1/persons/{t}/legal-documents"), &json!({
            "kind": "sentence", "case_number": "09286-2026-01234", "court": "Tribunal de Garantías Penales",
            "judge": "Dr. Luis Vera", "issued_on": "2026-11-10",
            "offences": [{"description": "Robo", "legal_reference": "COIP art. 189", "max_penalty": {"years": 7, "months": 0, "days": 0}}],
            "sentence": {"years": 5, "months": 0, "days": 0}
        })).await;
        assert_status(&r, 201, "sentence");
        let r = place(&s.director, t, w.b1, json!({"override": {"reason": "no"}})).await;
        assert_problem(&r, 422, "invalid_input", "sentenced in a pretrial cell");
        assert!(field_codes(&r).contains(&"location_id:wrong_legal_status".to_owned()), "{}", r.body);

        // Classified maximum: a medium cell no longer fits.
        let medium = location(&s.admin, TURI, json!({
            "code": "T-M1", "name": "Celda media", "parent_id": null, "security_level": "medium",
            "holds_sex": "men", "design_capacity": 4, "operational_capacity": 4
        })).await;
        let r = s.officer.post(&format!("/api/v1/persons/{t}/classification"), &json!({"level": "maximum", "reason": "cabecilla"})).await;
        assert_problem(&r, 403, "forbidden", "officers do not classify");
        let r = s.director.post(&format!("/api/v1/persons/{t}/classification"), &json!({"level": "maximum", "reason": "cabecilla"})).await;
        assert_status(&r, 200, "classification");
        let r = place(&s.officer, t, medium, json!({})).await;
        assert!(field_codes(&r).contains(&"location_id:security_level".to_owned()), "{}", r.body);
        assert_status(&place(&s.officer, t, w.a1, json!({})).await, 201, "maximum fits maximum");
    }

    // A classification set at admission: only by those who may classify (an officer is
    // refused, nothing changed), one of the security levels, checked against the
    // facility and the cell by the placement rules, stored on the episode (the file
    // shows it, later moves obey it) and journaled with the admission.
    async fn classification_at_admission(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let records = s.admin.as_user(
            &common::token_for(store, "records", vec![Grant::facility(Role::RecordsOfficer, TURI)]).await,
        );
        let medium = location(&s.admin, TURI, json!({
            "code": "T-M1", "name": "Celda media", "parent_id": null, "security_level": "medium",
            "holds_sex": "men", "design_capacity": 4, "operational_capacity": 4
        })).await;
        let body = |facility: &str, n: u32, class: Option<&str>, cell: Option<i64>| {
            let mut b = common::admission(facility, "Mario", &format!("Cruz{}", n_letters(n)), "Loja", &common::cedula(n));
            if let Some(c) = class {
                b["classification"] = json!(c);
            }
            if let Some(l) = cell {
                b["location_id"] = json!(l);
            }
            b
        };
        let before = store.journal_len().await.expect("journal");
        let cases: Vec<(&str, Reply, u16, &str, Option<&str>)> = vec![
            ("an officer may not classify", s.officer.post("/api/v1/admissions", &body(TURI, 1, Some("maximum"), None)).await, 403, "forbidden", None),
            ("nor a records officer", records.post("/api/v1/admissions", &body(TURI, 1, Some("medium"), Some(w.a1))).await, 403, "forbidden", None),
            ("not a security level", s.director.post("/api/v1/admissions", &body(TURI, 1, Some("supermax"), None)).await, 422, "invalid_body", None),
            ("a medium cell for a maximum classification", s.director.post("/api/v1/admissions", &body(TURI, 1, Some("maximum"), Some(medium))).await, 422, "invalid_input", Some("location_id:security_level")),
            ("a facility with no maximum places", s.admin.post("/api/v1/admissions", &body("CPL-PI-1", 1, Some("maximum"), None)).await, 422, "invalid_input", Some("facility:security_level")),
        ];
        for (what, r, status, code, field) in cases {
            assert_problem(&r, status, code, what);
            if let Some(f) = field {
                assert!(field_codes(&r).contains(&f.to_owned()), "{what}: {}", r.body);
            }
        }
        let r = s.officer.post("/api/v1/admissions", &body(TURI, 1, Some("maximum"), None)).await;
        assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("classification.write")), "{}", r.body);
        assert_eq!(store.journal_len().await.expect("journal"), before, "refusals change nothing");
        assert!(!store.has_persons().await.expect("persons"), "no one registered");

        // A director admits into a maximum cell, classified maximum.
        let r = s.director.post("/api/v1/admissions", &body(TURI, 1, Some("maximum"), Some(w.a1))).await;
        assert_status(&r, 201, "admitted and classified");
        let p = r.body["id"].as_i64().expect("id");
        assert_eq!(r.body["episodes"][0]["classification"], "maximum", "{}", r.body["episodes"][0]);
        assert_eq!(occupants(&s.officer, w.a1, None).await, vec![p]);
        let journal = store.journal_for_subject(&format!("person:{p}"), 0, 100).await.expect("journal");
        assert_eq!(journal.len(), 1);
        let admitted: Value = serde_json::from_str(&journal[0].payload).expect("payload");
        assert_eq!((journal[0].event_type.as_str(), &admitted["classification"]), ("person.admitted", &json!("maximum")));
        let r = place(&s.officer, p, medium, json!({})).await;
        assert!(field_codes(&r).contains(&"location_id:security_level".to_owned()), "later moves obey it: {}", r.body);
        assert_status(&place(&s.officer, p, w.a2, json!({})).await, 201, "maximum to maximum");

        // Officers still admit without one; a director classifies later, as before.
        let r = s.officer.post("/api/v1/admissions", &body(TURI, 2, None, Some(medium))).await;
        assert_status(&r, 201, "unclassified, into the medium cell");
        let q = r.body["id"].as_i64().expect("id");
        assert!(r.body["episodes"][0]["classification"].is_null(), "{}", r.body["episodes"][0]);
        let journal = store.journal_for_subject(&format!("person:{q}"), 0, 100).await.expect("journal");
        let admitted: Value = serde_json::from_str(&journal[0].payload).expect("payload");
        assert!(admitted.get("classification").is_none(), "{admitted}");
        let r = s.director.post(&format!("/api/v1/persons/{q}/classification"), &json!({"level": "medium", "reason": "evaluación inicial"})).await;
        assert_status(&r, 200, "classified later");
        let file = s.director.get(&format!("/api/v1/persons/{q}?reason=test")).await;
        assert_eq!(file.body["episodes"][0]["classification"], "medium", "{}", file.body);
    }

    // A cell moved into another unit (its parent changed) takes its persons and its
    // stays with it: keep-apart rules at unit scope, the roll, a unit's occupants and a
    // count at a past instant all follow the tree as it now is; a move that would put
    // persons kept apart in one unit is refused, nothing changed; the journal keeps the
    // unit each placement had when it happened.
    async fn a_cell_moved_into_another_unit(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let unit_b = s.admin.get(&format!("/api/v1/locations/{}", w.b1)).await.body["parent_id"].as_i64().expect("B");
        let unit_c = location(&s.admin, TURI, place_body("T-C", None, 0)).await;
        let c1 = location(&s.admin, TURI, place_body("T-C1", Some(unit_c), 2)).await;
        let c2 = location(&s.admin, TURI, place_body("T-C2", Some(unit_c), 2)).await;
        let earlier = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(3)).to_string();
        let (p, q, r, t) = (admit(&s.officer, 1).await, admit(&s.officer, 2).await, admit(&s.officer, 3).await, admit(&s.officer, 4).await);
        for (who, cell) in [(p, w.a1), (q, w.b1), (r, c1)] {
            assert_status(&place(&s.officer, who, cell, json!({"occurred_at": earlier})).await, 201, "placed");
        }
        for (a, b) in [(q, r), (t, r)] {
            let rule = json!({"kind": "persons", "a": a, "b": b, "reason": "threat", "scope": "unit", "authorized_by": "Fiscalía"});
            assert_status(&s.analyst.post("/api/v1/keep-apart", &rule).await, 201, "rule");
        }
        let before_move = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1)).to_string();
        let patch = async |who: &common::Api, cell: i64, parent: i64| {
            who.call(reqwest::Method::PATCH, &format!("/api/v1/locations/{cell}"), Some(&json!({"parent_id": parent}))).await
        };

        // Into unit B, where q is: refused, as the director may read it; nothing changed.
        let journal = store.journal_len().await.expect("journal");
        let refused = patch(&s.director, c1, unit_b).await;
        assert_problem(&refused, 409, "placement_restricted", "r would share unit B with q");
        assert_eq!(refused.body["detail"], "placement restricted for security reasons — contact the security office");
        let refused = patch(&s.admin, c1, unit_b).await;
        assert_problem(&refused, 409, "placement_restricted", "the administrator reads which rule");
        assert!(refused.body["detail"].as_str().is_some_and(|d| d.contains("keep-apart rule")), "{}", refused.body);
        assert_eq!(store.journal_len().await.expect("journal"), journal);
        assert_eq!(s.admin.get(&format!("/api/v1/locations/{c1}")).await.body["parent_id"], unit_c);

        // Into unit A: r is in unit A from now on, for the rules and the roll.
        let moved = patch(&s.director, c1, w.unit_a).await;
        assert_status(&moved, 200, "C1 into unit A");
        assert_eq!(moved.body["parent_id"], w.unit_a);
        assert_problem(&place(&s.officer, t, w.a2, json!({})).await, 409, "placement_restricted", "r is in unit A now");
        assert_status(&place(&s.officer, t, c2, json!({})).await, 201, "and no longer in unit C");
        let roll = roll(&s.officer).await;
        assert_eq!((location_occupied(&roll, w.unit_a), location_occupied(&roll, unit_c), location_occupied(&roll, c1)), (2, 1, 1), "{roll}");
        assert_eq!(roll["totals"]["in_place"], 4);
        assert_eq!(occupants(&s.officer, w.unit_a, None).await, vec![p, r]);
        assert_eq!(occupants(&s.officer, w.unit_a, Some(&before_move)).await, vec![p, r], "the places now in unit A, at any instant");
        assert_eq!(occupants(&s.officer, unit_c, Some(&before_move)).await, Vec::<i64>::new());
        assert_eq!(occupants(&s.officer, c1, Some(&before_move)).await, vec![r]);
        let count = s.officer.post("/api/v1/counts", &json!({"location_id": c1, "counted": 1, "at": before_move})).await;
        assert_status(&count, 201, "count");
        assert_eq!((count.body["expected"].as_i64(), count.body["open"].as_bool()), (Some(1), Some(false)), "{}", count.body);
        let count = s.officer.post("/api/v1/counts", &json!({"location_id": w.unit_a, "counted": 2})).await;
        assert_eq!((count.body["expected"].as_i64(), count.body["open"].as_bool()), (Some(2), Some(false)), "{}", count.body);

        // The stays follow the tree; the journal keeps the unit each placement had then.
        for m in store.all_movements().await.expect("movements").iter().filter(|m| m.location_id == Some(c1)) {
            assert_eq!(m.unit_id, Some(w.unit_a), "{m:?}");
        }
        let placed = store.journal_for_subject(&format!("person:{r}"), 0, 100).await.expect("journal").into_iter()
            .find(|e| e.event_type == "person.placed").expect("placed");
        let payload: Value = serde_json::from_str(&placed.payload).expect("payload");
        assert_eq!(payload["unit_id"], unit_c);
    }

    // Rival gangs: a keep-apart rule between the groups refuses a member of one in the
    // unit where a member of the other is. Officers read only that it is restricted;
    // intelligence staff read which rule; for officers the intelligence routes do not exist.
    async fn keep_apart_rules(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let lobo = admit(&s.officer, 1).await;
        let chonero = admit(&s.officer, 2).await;
        let witness = admit(&s.officer, 3).await;

        let r = s.analyst.post("/api/v1/groups", &json!({"name": "Los Lobos", "aliases": ["Lobos"]})).await;
        assert_status(&r, 201, "group");
        let lobos = r.body["id"].as_i64().expect("id");
        let r = s.analyst.post("/api/v1/groups", &json!({"name": "Los Choneros", "rivals": [lobos]})).await;
        assert_status(&r, 201, "group");
        let choneros = r.body["id"].as_i64().expect("id");
        assert_problem(&s.analyst.post("/api/v1/groups", &json!({"name": "los lobos"})).await, 409, "duplicate_name", "same name");
        let r = s.analyst.get("/api/v1/groups").await;
        assert_eq!(r.body.as_array().map(Vec::len), Some(2));
        assert_eq!(r.body[0]["rivals"], json!([lobos]), "{}", r.body);
        for (person, group) in [(lobo, lobos), (chonero, choneros)] {
            let r = s.analyst.post(&format!("/api/v1/persons/{person}/affiliations"), &json!({
                "group_id": group, "role": "member", "source": "informe de inteligencia", "confidence": "high"
            })).await;
            assert_status(&r, 201, "affiliation");
        }
        let r = s.analyst.post("/api/v1/keep-apart", &json!({
            "kind": "groups", "a": lobos, "b": choneros, "reason": "rival_gang", "scope": "unit",
            "authorized_by": "Director de seguridad"
        })).await;
        assert_status(&r, 201, "group rule");
        let rule = r.body["id"].as_i64().expect("id");
        let r = s.analyst.post("/api/v1/keep-apart", &json!({
            "kind": "persons", "a": witness, "b": lobo, "reason": "witness", "scope": "cell",
            "authorized_by": "Fiscalía"
        })).await;
        assert_status(&r, 201, "person rule");
        let r = s.analyst.post("/api/v1/keep-apart", &json!({
            "kind": "persons", "a": lobo, "b": lobo, "reason": "threat", "scope": "cell", "authorized_by": "x"
        })).await;
        assert_problem(&r, 422, "invalid_input", "kept apart from himself");
        assert!(field_codes(&r).contains(&"b:same_party".to_owned()));

        assert_status(&place(&s.officer, lobo, w.a1, json!({})).await, 201, "lobo in A1");
        let before = store.journal_len().await.expect("journal");
        let r = place(&s.officer, chonero, w.a2, json!({})).await;
        assert_problem(&r, 409, "placement_restricted", "rival in the same unit");
        assert_eq!(r.body["detail"], "placement restricted for security reasons — contact the security office");
        let r = place(&s.director, chonero, w.a2, json!({"override": {"reason": "no cabe en otro lado"}})).await;
        assert_problem(&r, 409, "placement_restricted", "an override does not lift keep-apart");
        let r = place(&s.officer, witness, w.a1, json!({})).await;
        assert_problem(&r, 409, "placement_restricted", "witness in the same cell");
        assert_eq!(store.journal_len().await.expect("journal"), before);
        assert_status(&place(&s.officer, witness, w.a2, json!({})).await, 201, "witness in the next cell");
        assert_status(&place(&s.officer, chonero, w.b1, json!({})).await, 201, "chonero in unit B");

        // The check: the officer reads a restriction, the administrator the rule.
        let moves = json!({"moves": [{"person_id": chonero, "location_id": w.a2}, {"person_id": chonero, "location_id": w.unit_a}]});
        let r = s.officer.post("/api/v1/placements/check", &moves).await;
        assert_status(&r, 200, "check");
        assert_eq!(r.body["results"][0]["allowed"], false);
        assert_eq!(r.body["results"][0]["reasons"][0]["code"], "placement_restricted");
        assert!(r.body["results"][0]["reasons"][0]["rule_id"].is_null());
        assert_eq!(r.body["results"][1]["reasons"][0]["code"], "not_a_cell");
        let r = s.admin.post("/api/v1/placements/check", &moves).await;
        assert_eq!(r.body["results"][0]["reasons"][0]["rule_id"], rule, "{}", r.body);
        assert!(r.body["results"][0]["reasons"][0]["message"].as_str().unwrap_or("").contains("rival_gang"));
        assert_eq!(store.journal_len().await.expect("journal"), before + 2, "the check changes nothing");


        // Two rivals sent into one empty unit in one go: the second is refused by the first.
        let unit_c = location(&s.admin, TURI, place_body("T-C", None, 0)).await;
        let c1 = location(&s.admin, TURI, place_body("T-C1", Some(unit_c), 4)).await;
        let c2 = location(&s.admin, TURI, place_body("T-C2", Some(unit_c), 4)).await;
        let (lobo2, chonero2) = (admit(&s.officer, 4).await, admit(&s.officer, 5).await);
        for (person, group) in [(lobo2, lobos), (chonero2, choneros)] {
            let r = s.analyst.post(&format!("/api/v1/persons/{person}/affiliations"), &json!({
                "group_id": group, "role": "associate", "source": "informe", "confidence": "medium"
            })).await;
            assert_status(&r, 201, "affiliation");
        }
        let together = json!({"moves": [{"person_id": lobo2, "location_id": c1}, {"person_id": chonero2, "location_id": c2}]});
        let r = s.admin.post("/api/v1/placements/check", &together).await;
        assert_eq!(r.body["results"][0]["allowed"], true, "{}", r.body);
        assert_eq!(r.body["results"][1]["reasons"][0]["code"], "placement_restricted", "{}", r.body);

        // For an officer, intelligence does not exist.
        for path in ["/api/v1/groups", "/api/v1/keep-apart", &format!("/api/v1/keep-apart?person={lobo}")] {
            assert_problem(&s.officer.get(path).await, 404, "not_found", path);
        }
        assert_problem(&s.officer.post("/api/v1/groups", &json!({"name": "X"})).await, 404, "not_found", "post group");
        assert_problem(&s.officer.post(&format!("/api/v1/persons/{lobo}/affiliations"), &json!({
            "group_id": lobos, "role": "member", "source": "x", "confidence": "low"
        })).await, 404, "not_found", "affiliate");
        let r = s.analyst.get(&format!("/api/v1/keep-apart?person={lobo}")).await;
        assert_status(&r, 200, "rules of a person");
        assert_eq!(r.body.as_array().map(Vec::len), Some(2), "{}", r.body);
        assert_eq!(r.body[0]["active"], true);
    }

    // Many officers place at once into the last free places: exactly those places are
    // filled, every other request gets a clear 409, and the counts agree.
    async fn capacity_holds_under_concurrency(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let mut persons = Vec::new();
        for n in 0..12 {
            persons.push(admit(&s.officer, 100 + n).await);
        }
        assert_status(&place(&s.officer, persons[0], w.a1, json!({})).await, 201, "one place left");
        let tasks: Vec<_> = persons[1..]
            .iter()
            .map(|&p| {
                let api = s.officer.clone();
                let cell = w.a1;
                tokio::spawn(async move { place(&api, p, cell, json!({})).await })
            })
            .collect();
        let mut statuses: HashMap<u16, usize> = HashMap::new();
        for t in tasks {
            let r = t.await.expect("task");
            if r.status.as_u16() == 409 {
                assert_eq!(r.body["code"], "over_capacity", "{}", r.body);
            }
            *statuses.entry(r.status.as_u16()).or_default() += 1;
        }
        assert_eq!(statuses.get(&201), Some(&1), "{statuses:?}");
        assert_eq!(statuses.get(&409), Some(&10), "{statuses:?}");
        assert_eq!(occupants(&s.officer, w.a1, None).await.len(), 2);
        assert_eq!(location_occupied(&roll(&s.officer).await, w.a1), 2);
    }

    // Who was where at an instant, with a move recorded late landing at its real time;
    // the history rebuilt from the journal alone equals the movements table.
    async fn point_in_time_and_rebuild(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let p = admit(&s.officer, 1).await;
        assert_status(&place(&s.officer, p, w.a1, json!({"occurred_at": "2026-11-02T08:00:00-05:00"})).await, 201, "A1");
        assert_status(&place(&s.officer, p, w.b1, json!({"occurred_at": "2026-11-04T08:00:00-05:00"})).await, 201, "B1");
        // Recorded now: on the 3rd at 03:00 he had been moved to A2.
        let r = place(&s.officer, p, w.a2, json!({"occurred_at": "2026-11-03T03:00:00-05:00", "reason": "registrado tarde"})).await;
        assert_status(&r, 201, "late A2");
        assert_eq!(r.body["current"], false);
        assert_eq!(r.body["from_location_id"], w.a1);
        assert_problem(&place(&s.officer, p, w.a2, json!({"occurred_at": "2026-11-03T03:00:00-05:00"})).await, 409, "same_instant", "twice at one instant");

        assert_eq!(occupants(&s.officer, w.a1, Some("2026-11-02T12:00:00-05:00")).await, vec![p]);
        assert_eq!(occupants(&s.officer, w.a1, Some("2026-11-03T04:00:00-05:00")).await, Vec::<i64>::new());
        assert_eq!(occupants(&s.officer, w.a2, Some("2026-11-03T04:00:00-05:00")).await, vec![p]);
        assert_eq!(occupants(&s.officer, w.unit_a, Some("2026-11-03T04:00:00-05:00")).await, vec![p]);
        assert_eq!(occupants(&s.officer, w.a2, Some("2026-11-05T00:00:00-05:00")).await, Vec::<i64>::new());
        assert_eq!(occupants(&s.officer, w.b1, None).await, vec![p], "now where the latest move put him");
        assert_eq!(occupants(&s.officer, w.a1, Some("2026-11-01T09:00:00-05:00")).await, Vec::<i64>::new(), "before he was placed");
        let q = admit(&s.officer, 2).await;
        assert_status(&place(&s.officer, q, w.a1, json!({})).await, 201, "another");
        let r = s.admin.post(&format!("/api/v1/persons/{q}/release"), &json!({
            "released_at": jiff::Timestamp::now().to_string(), "reason": "court_order", "authorized_by": "Juez"
        })).await;
        assert_status(&r, 200, "release");
        assert_eq!(occupants(&s.officer, w.a1, None).await, Vec::<i64>::new(), "released: no longer there");

        // Rebuild: fold the journal's movement events through the domain's history rule.
        let mut rebuilt: HashMap<i64, Vec<(Span, Option<i64>)>> = HashMap::new();
        let mut next = 0;
        for e in store.journal_page(0, 100_000).await.expect("journal") {
            let payload: Value = serde_json::from_str(&e.payload).expect("payload");
            let location = match e.event_type.as_str() {
                "person.admitted" => payload["location_id"].as_i64(),
                "person.placed" | "person.moved" => payload["location_id"].as_i64(),
                "person.released" => None,
                _ => continue,
            };
            let person = payload["person_id"].as_i64().or_else(|| e.subject.trim_start_matches("person:").parse().ok()).expect("person");
            let at: jiff::Timestamp = e.occurred_at.parse().expect("occurred_at");
            next += 1;
            let stays = rebuilt.entry(person).or_default();
            let mut spans: Vec<Span> = stays.iter().map(|(s, _)| *s).collect();
            if spans.is_empty() {
                spans.push(Span { id: next, from: at, until: None });
            } else {
                insert(&mut spans, next, at).expect("a journaled movement fits the history");
            }
            let mut locations: HashMap<i64, Option<i64>> = stays.iter().map(|(s, l)| (s.id, *l)).collect();
            locations.insert(next, location);
            *stays = spans.into_iter().map(|s| (s, locations[&s.id])).collect();
        }
        let mut table: History = HashMap::new();
        for m in store.all_movements().await.expect("movements") {
            table.entry(m.person_id).or_default().push((m.occurred_at, m.until_at, m.location_id));
        }
        let canonical = |t: jiff::Timestamp| custodia_domain::time::canonical(t);
        let mut from_journal: History = rebuilt
            .into_iter()
            .map(|(p, stays)| (p, stays.into_iter().map(|(s, l)| (canonical(s.from), s.until.map(canonical), l)).collect()))
            .collect();
        for v in table.values_mut().chain(from_journal.values_mut()) {
            v.sort();
        }
        assert_eq!(from_journal, table);
        assert_eq!(table[&p].len(), 4);
    }

    // The national roll adds up the facilities in reach; an officer sees only theirs and
    // another facility's roll and occupants answer 404.
    async fn national_roll_and_scope(db) {
        let store = &db.store;
        let s = setup(store).await;
        let p = admit(&s.officer, 1).await;
        assert_status(&place(&s.officer, p, s.wing.a1, json!({})).await, 201, "placed");
        admit(&s.admin, 2).await;
        let r = s.admin.get("/api/v1/roll").await;
        assert_status(&r, 200, "national roll");
        assert_eq!(r.body["totals"]["in_place"], 1, "{}", r.body);
        assert_eq!(r.body["totals"]["unallocated"], 1);
        assert_eq!(r.body["facilities"].as_array().map(Vec::len), Some(15));
        let r = s.officer.get("/api/v1/roll").await;
        assert_eq!(r.body["facilities"].as_array().map(Vec::len), Some(1));
        assert_problem(&s.officer.get(&format!("/api/v1/facilities/{GUAYAQUIL}/roll")).await, 404, "not_found", "another roll");
        let elsewhere = location(&s.admin, GUAYAQUIL, place_body("G-1", None, 4)).await;
        assert_problem(&s.officer.get(&format!("/api/v1/locations/{elsewhere}/occupants")).await, 404, "not_found", "another's occupants");
        let guayaquil_officer = s.admin.as_user(
            &common::token_for(store, "gye", vec![Grant::facility(Role::FacilityOfficer, GUAYAQUIL)]).await,
        );
        assert_problem(&guayaquil_officer.get(&format!("/api/v1/persons/{p}/movements")).await, 404, "not_found", "another's movements");
        assert_problem(&place(&guayaquil_officer, p, s.wing.a2, json!({})).await, 404, "not_found", "another's person");
    }

    // The national roll reads counters the database keeps; whatever happens (placements,
    // moves, a director's override, a closed unit, a release), its line for a facility
    // equals the facility's own roll computed from the episodes and the location tree.
    async fn national_counters_match_the_facility_roll(db) {
        let store = &db.store;
        let s = setup(store).await;
        let w = &s.wing;
        let national_line = async || {
            let r = s.admin.get("/api/v1/roll").await;
            assert_status(&r, 200, "national roll");
            let line = r.body["facilities"].as_array().expect("facilities").iter()
                .find(|f| f["code"] == TURI).cloned().expect("Turi's line");
            let mut totals = line.clone();
            for k in ["code", "name", "province"] {
                totals.as_object_mut().expect("object").remove(k);
            }
            totals
        };
        let same = async |what: &str| {
            let facility = roll(&s.admin).await["totals"].clone();
            assert_eq!(national_line().await, facility, "{what}");
        };
        let mut persons = Vec::new();
        for n in 1..=5 {
            persons.push(admit(&s.officer, n).await);
        }
        same("all unallocated").await;
        assert_status(&place(&s.officer, persons[0], w.a1, json!({})).await, 201, "1");
        assert_status(&place(&s.officer, persons[1], w.a1, json!({})).await, 201, "2");
        assert_status(&place(&s.officer, persons[2], w.a2, json!({})).await, 201, "3");
        assert_status(&place(&s.director, persons[3], w.a1, json!({"override": {"reason": "emergencia"}})).await, 201, "over capacity");
        same("placed, one over capacity").await;
        assert_status(&place(&s.officer, persons[2], w.a1, json!({})).await, 409, "full");
        assert_status(&place(&s.officer, persons[0], w.a2, json!({})).await, 201, "move");
        same("after a move").await;
        let r = s.admin.call(reqwest::Method::PATCH, &format!("/api/v1/locations/{}", w.a2), Some(&json!({"design_capacity": 3, "operational_capacity": 3}))).await;
        assert_status(&r, 200, "capacity changed");
        same("after a capacity change").await;
        location(&s.admin, TURI, place_body("T-C", None, 5)).await;
        same("after a new location").await;
        let r = s.admin.post(&format!("/api/v1/locations/{}/out-of-service", w.unit_a), &json!({"reason": "riot_damage"})).await;
        assert_status(&r, 200, "unit closed");
        let line = national_line().await;
        assert_eq!(line["occupancy"]["usable"], 6, "only B1 and C are usable: {line}");
        assert_eq!(line["occupancy"]["over_capacity"], 4, "everyone in the closed unit is over: {line}");
        same("a unit closed").await;
        let r = s.admin.post(&format!("/api/v1/persons/{}/release", persons[1]), &json!({
            "released_at": jiff::Timestamp::now().to_string(), "reason": "court_order", "authorized_by": "Juez"
        })).await;
        assert_status(&r, 200, "release");
        let r = s.admin.post(&format!("/api/v1/persons/{}/release", persons[4]), &json!({
            "released_at": jiff::Timestamp::now().to_string(), "reason": "court_order", "authorized_by": "Juez"
        })).await;
        assert_status(&r, 200, "release of an unallocated person");
        same("after releases").await;
        let line = national_line().await;
        assert_eq!((line["in_place"].as_i64(), line["unallocated"].as_i64(), line["overrides"].as_i64()), (Some(3), Some(0), Some(1)), "{line}");
    }
}
