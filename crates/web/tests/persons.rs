//! The person registry end to end: admission with the full legal record, duplicates,
//! legal status and release, corrections, the journaled file, search and deadlines, on a
//! real server on a loopback port, on both SQLite and a throwaway PostgreSQL.

mod common;

use common::{Api, Reply, admission, cedula};
use custodia_domain::access::{Grant, Role};
use custodia_store::Store;
use custodia_testkit::both_backends;
use serde_json::{Value, json};

const GUAYAQUIL: &str = "CPL-GY-1";
const WOMEN_GUAYAQUIL: &str = "CPL-GY-2";
const TURI: &str = "CPL-AZ-1";
const CAI_GUAYAQUIL: &str = "CAI-GY-1";
const CAI_QUITO: &str = "CAI-PI-1";

/// A server with the reference facilities and a national administrator's client.
async fn setup(store: &Store) -> (common::Running, Api) {
    common::seed_facilities(store).await;
    let running = common::start(store).await;
    let token = common::token_for(store, "admin", vec![Grant::national(Role::NationalAdmin)]).await;
    let api = Api::new(&running, &token);
    (running, api)
}

fn assert_status(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status.as_u16(), status, "{what}: {}", r.body);
}

/// The (field, code) pairs of a 422 problem.
fn field_errors(r: &Reply) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn assert_problem(r: &Reply, status: u16, code: &str, what: &str) {
    assert_status(r, status, what);
    assert_eq!(
        r.header("content-type"),
        "application/problem+json",
        "{what}"
    );
    assert_eq!(r.body["code"], code, "{what}: {}", r.body);
}

async fn admit(api: &Api, body: &Value) -> i64 {
    let r = api.post("/api/v1/admissions", body).await;
    assert_status(&r, 201, "admission");
    r.body["id"].as_i64().expect("person id")
}

/// The event types journaled about a person, oldest first.
async fn events_of(store: &Store, id: i64) -> Vec<String> {
    store
        .journal_for_subject(&format!("person:{id}"), 0, 1000)
        .await
        .expect("journal")
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

/// A bad request: what it is, the body, the status and code expected, and the field error.
type Case = (
    &'static str,
    Value,
    u16,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// Sets `value` at a path of keys in a JSON object (creating nothing: the path must exist
/// but for its last key).
fn set(body: &mut Value, path: &[&str], value: Value) {
    let (last, parents) = path.split_last().expect("a path");
    let mut at = body;
    for key in parents {
        at = at.get_mut(*key).expect("path exists");
    }
    at[*last] = value;
}

both_backends! {
    // A complete admission registers the person, opens an episode with the computed
    // pretrial expiry and the Rule 7 record, and journals it; the file read is journaled.
    async fn admission_registers_a_person(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let r = api
            .post("/api/v1/admissions", &admission(GUAYAQUIL, "Juan Carlos", "Martínez", "Pérez", &cedula(1)))
            .await;
        assert_status(&r, 201, "admission");
        let id = r.body["id"].as_i64().expect("id");
        assert_eq!(r.header("location"), format!("/api/v1/persons/{id}"));
        assert_eq!(r.body["registry_number"], format!("PPL-{id:07}"));
        assert_eq!(r.body["in_custody"], true);
        assert_eq!(r.body["facility"], GUAYAQUIL);
        let episode = &r.body["episodes"][0];
        assert_eq!(r.body["current_episode_id"], episode["id"]);
        assert_eq!(episode["legal_state"]["status"], "pretrial");
        // Robbery up to 7 years: one year from the day the order was carried out.
        assert_eq!(episode["legal_state"]["pretrial_expiry"], "2027-11-01");
        assert_eq!(episode["age_group"], "adults");
        assert_eq!(episode["sex"], "male");
        assert_eq!(episode["record"]["family"][0]["cared_for_by"], "Rosa (abuela)");
        assert_eq!(episode["record"]["property"]["signed_by_person"], true);
        assert_eq!(episode["record"]["rights"]["informed"], true);
        assert_eq!(episode["documents"][0]["document"]["court"], "Unidad Judicial Penal con sede en el cantón Guayaquil");
        assert_eq!(events_of(store, id).await, ["person.admitted"]);

        let before = store.journal_len().await.expect("journal");
        let file = api.get(&format!("/api/v1/persons/{id}?reason=revisión%20de%20ingreso")).await;
        assert_status(&file, 200, "file");
        assert_eq!(file.body["identity"]["first_surname"], "Martínez");
        assert_eq!(file.body["identity"]["document"]["number"], cedula(1));
        assert_eq!(store.journal_len().await.expect("journal"), before + 1, "the read is journaled");
        let reads = store
            .journal_for_subject(&format!("person:{id}"), 0, 100)
            .await
            .expect("journal");
        let read = reads.last().expect("an entry");
        assert_eq!(read.event_type, "access.read");
        assert_eq!(read.actor, "user:admin");
        assert!(read.payload.contains("revisión de ingreso"), "{}", read.payload);

        let journal = store.journal_len().await.expect("journal");
        let long = "x".repeat(501);
        let r = api.get(&format!("/api/v1/persons/{id}?reason={long}")).await;
        assert_problem(&r, 422, "invalid_input", "a reason too long");
        let r = api.get(&format!("/api/v1/persons/{id}?reason=a%07b")).await;
        assert_problem(&r, 422, "invalid_input", "a control character in the reason");
        assert_eq!(store.journal_len().await.expect("journal"), journal, "refused reads are not journaled");

        let missing = api.get("/api/v1/persons/999999").await;
        assert_problem(&missing, 404, "not_found", "unknown person");
    }

    // Every kind of bad admission gets its own specific problem, and nothing is stored
    // or journaled.
    async fn bad_admissions_change_nothing(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let good = admission(GUAYAQUIL, "Pedro", "Quiñónez", "Cedeño", &cedula(2));
        let mut cases: Vec<Case> = Vec::new();
        let mut bad = good.clone();
        let wrong_digit = {
            let c = cedula(2);
            let last = c.chars().last().and_then(|d| d.to_digit(10)).expect("digit");
            format!("{}{}", &c[..9], (last + 1) % 10)
        };
        set(&mut bad, &["person", "document", "number"], json!(wrong_digit));
        cases.push(("invalid cédula", bad, 422, "invalid_input", Some(("person.document.number", "invalid_cedula"))));
        let mut bad = good.clone();
        set(&mut bad, &["person", "date_of_birth"], json!("2030-01-01"));
        cases.push(("birth in the future", bad, 422, "invalid_input", Some(("person.date_of_birth", "in_the_future"))));
        let mut bad = good.clone();
        set(&mut bad, &["arrest", "at"], json!("2026-11-02T10:00:00Z"));
        cases.push(("admitted before the arrest", bad, 422, "invalid_input", Some(("arrest.at", "admission_before_arrest"))));
        let mut bad = good.clone();
        bad.as_object_mut().expect("object").remove("legal_basis");
        cases.push(("no legal basis", bad, 422, "invalid_input", Some(("legal_basis", "legal_basis_required"))));
        let mut bad = good.clone();
        set(&mut bad, &["legal_basis"], Value::Null);
        cases.push(("null legal basis", bad, 422, "invalid_input", Some(("legal_basis", "legal_basis_required"))));
        let mut bad = good.clone();
        set(&mut bad, &["facility"], json!("CPL-ZZ-9"));
        cases.push(("unknown facility", bad, 404, "not_found", None));
        let mut bad = good.clone();
        set(&mut bad, &["location_id"], json!(999_999));
        cases.push(("unknown location", bad, 422, "invalid_input", Some(("location_id", "unknown_location"))));
        let mut bad = good.clone();
        set(&mut bad, &["legal_basis", "offences"], json!([{"description": "Robo", "max_penalty": {"years": 0, "months": 0, "days": 0}}]));
        cases.push(("offence without penalty", bad, 422, "invalid_input", Some(("legal_basis.offences[0].max_penalty", "no_penalty"))));
        let mut bad = good.clone();
        set(&mut bad, &["legal_basis"], json!({
            "kind": "sentence", "case_number": "09286-2025-00077", "court": "Tribunal de Garantías Penales",
            "judge": "Dr. Luis Mena", "issued_on": "2026-10-30", "sentence": {"years": 0, "months": 0, "days": 0}
        }));
        cases.push(("sentence of 0 days", bad, 422, "invalid_input", Some(("legal_basis.sentence", "empty_sentence"))));
        let mut bad = good.clone();
        set(&mut bad, &["person", "given_names"], json!("Pedro\u{0}Luis"));
        cases.push(("control character", bad, 422, "invalid_input", Some(("person.given_names", "control_characters"))));
        let mut bad = good.clone();
        set(&mut bad, &["person", "first_surname"], json!("x".repeat(500_000)));
        cases.push(("half a megabyte name", bad, 422, "invalid_input", Some(("person.first_surname", "too_long"))));
        let mut bad = good.clone();
        set(&mut bad, &["person", "nickname"], json!("x"));
        cases.push(("unknown field", bad, 422, "invalid_body", None));
        let mut bad = good.clone();
        set(&mut bad, &["family"], json!([{"name": "Luis", "relationship": "child"}]));
        cases.push(("child without age", bad, 422, "invalid_input", Some(("family[0].age", "required"))));
        let mut bad = good.clone();
        set(&mut bad, &["legal_basis", "carried_out_on"], json!("2026-11-05"));
        set(&mut bad, &["legal_basis", "issued_on"], json!("2026-11-05"));
        cases.push(("order carried out after admission", bad, 422, "invalid_input", Some(("legal_basis.carried_out_on", "after_admission"))));

        let journal = store.journal_len().await.expect("journal");
        for (what, body, status, code, field) in &cases {
            let r = api.post("/api/v1/admissions", body).await;
            assert_problem(&r, *status, code, what);
            if let Some((field, code)) = field {
                assert!(
                    field_errors(&r).contains(&((*field).to_owned(), (*code).to_owned())),
                    "{what}: {:?}",
                    field_errors(&r)
                );
            }
            assert_eq!(store.journal_len().await.expect("journal"), journal, "{what}: journaled");
        }
        // A 10 MB name is refused before it is read.
        let (status, problem) = common::post_huge(&api.base, "/api/v1/admissions", api.token(), 10 * 1024 * 1024).await;
        assert_eq!(status, 413, "{problem}");
        assert_eq!(problem["code"], "body_too_large");
        assert_eq!(store.journal_len().await.expect("journal"), journal);
        assert!(store.person(1).await.expect("read").is_none(), "nobody was registered");
        let search = api.get("/api/v1/persons?q=quinonez").await;
        assert_eq!(search.body["items"], json!([]));
        // And the good one goes through.
        admit(&api, &good).await;
    }

    // No adolescent among adults, no adult among adolescents, men and women apart.
    async fn age_groups_and_sexes_are_kept_apart(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let journal = store.journal_len().await.expect("journal");
        let mut teen = admission(GUAYAQUIL, "Kevin", "Mendoza", "Ruiz", &cedula(3));
        set(&mut teen, &["person", "date_of_birth"], json!("2010-06-01"));
        let r = api.post("/api/v1/admissions", &teen).await;
        assert_problem(&r, 422, "invalid_input", "adolescent in an adult prison");
        assert!(field_errors(&r).contains(&("facility".into(), "wrong_age_group".into())));
        let detail = r.body["errors"][0]["message"].as_str().expect("message");
        assert!(detail.contains("under 18"), "{detail}");
        // The adolescent centre of the same province comes first.
        let suggested = detail.split("facilities that can: ").nth(1).expect("suggestions");
        assert!(suggested.starts_with(CAI_GUAYAQUIL), "{detail}");

        let adult = admission(CAI_QUITO, "Mario", "Lema", "Toapanta", &cedula(4));
        let r = api.post("/api/v1/admissions", &adult).await;
        assert_problem(&r, 422, "invalid_input", "adult in an adolescent centre");
        assert!(field_errors(&r).contains(&("facility".into(), "wrong_age_group".into())));

        let mut woman = admission(GUAYAQUIL, "María", "Lema", "Toapanta", &cedula(5));
        set(&mut woman, &["person", "sex"], json!("female"));
        let r = api.post("/api/v1/admissions", &woman).await;
        assert_problem(&r, 422, "invalid_input", "a woman in a men's prison");
        assert!(field_errors(&r).contains(&("facility".into(), "wrong_sex".into())));
        assert_eq!(store.journal_len().await.expect("journal"), journal);

        set(&mut woman, &["facility"], json!(WOMEN_GUAYAQUIL));
        admit(&api, &woman).await;
        set(&mut teen, &["facility"], json!(CAI_GUAYAQUIL));
        let r = api.post("/api/v1/admissions", &teen).await;
        assert_status(&r, 201, "adolescent in the adolescent centre");
        assert_eq!(r.body["episodes"][0]["age_group"], "adolescents");
    }

    // A location given on arrival must be the facility's, in service.
    async fn admission_to_a_location(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let place = |code: &str| json!({
            "code": code, "name": format!("Pabellón {code}"), "parent_id": null,
            "security_level": "maximum", "holds_sex": "men",
            "design_capacity": 40, "operational_capacity": 40
        });
        let r = api.post(&format!("/api/v1/facilities/{TURI}/locations"), &place("PAB-A")).await;
        assert_status(&r, 201, "location");
        let cell = r.body["id"].as_i64().expect("id");
        let r = api.post(&format!("/api/v1/facilities/{TURI}/locations"), &place("PAB-B")).await;
        let closed = r.body["id"].as_i64().expect("id");
        let r = api.post(&format!("/api/v1/locations/{closed}/out-of-service"), &json!({"reason": "maintenance"})).await;
        assert_status(&r, 200, "out of service");

        let journal = store.journal_len().await.expect("journal");
        let mut body = admission(TURI, "Hugo", "Paredes", "Ulloa", &cedula(70));
        body["location_id"] = json!(closed);
        let r = api.post("/api/v1/admissions", &body).await;
        assert_problem(&r, 409, "location_out_of_service", "a closed location");
        let mut elsewhere = admission(GUAYAQUIL, "Hugo", "Paredes", "Ulloa", &cedula(70));
        elsewhere["location_id"] = json!(cell);
        let r = api.post("/api/v1/admissions", &elsewhere).await;
        assert_problem(&r, 422, "invalid_input", "another facility's location");
        assert!(field_errors(&r).contains(&("location_id".into(), "unknown_location".into())));
        assert_eq!(store.journal_len().await.expect("journal"), journal);

        body["location_id"] = json!(cell);
        let r = api.post("/api/v1/admissions", &body).await;
        assert_status(&r, 201, "admitted to a cell");
        assert_eq!(r.body["current_location_id"], json!(cell));
        assert_eq!(r.body["episodes"][0]["location_id"], json!(cell));
    }

    // Same document, or same names and birth date: the officer sees the candidates and
    // links or confirms; re-admission reuses the person.
    async fn duplicates_are_never_silent(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let first = admit(&api, &admission(GUAYAQUIL, "Juan Carlos", "Martínez", "Pérez", &cedula(10))).await;

        let journal = store.journal_len().await.expect("journal");
        let same_document = admission(GUAYAQUIL, "Juan", "Martín", "Paz", &cedula(10));
        let r = api.post("/api/v1/admissions", &same_document).await;
        assert_problem(&r, 409, "possible_duplicate", "same document");
        assert_eq!(r.body["candidates"][0]["person_id"], json!(first));
        assert_eq!(r.body["candidates"][0]["reason"], "same_document");
        let same_name = admission(GUAYAQUIL, "JUAN carlos", "Martinez", "perez", &cedula(11));
        let r = api.post("/api/v1/admissions", &same_name).await;
        assert_problem(&r, 409, "possible_duplicate", "same names and birth date");
        assert_eq!(r.body["candidates"][0]["reason"], "same_name_and_birth");
        assert_eq!(r.body["candidates"][0]["in_custody"], true);
        assert_eq!(store.journal_len().await.expect("journal"), journal, "nothing journaled");

        // Linking to someone in custody is refused.
        let mut link = same_name.clone();
        link.as_object_mut().expect("object").remove("person");
        link["person_id"] = json!(first);
        let r = api.post("/api/v1/admissions", &link).await;
        assert_problem(&r, 409, "already_in_custody", "link while in custody");

        // Confirming a new person is recorded with what was overridden.
        let mut confirmed = same_name.clone();
        confirmed["confirm_new_person"] = json!(true);
        let second = admit(&api, &confirmed).await;
        assert_ne!(second, first);
        let admitted = store
            .journal_for_subject(&format!("person:{second}"), 0, 10)
            .await
            .expect("journal");
        let payload: Value = serde_json::from_str(&admitted[0].payload).expect("payload");
        assert_eq!(payload["confirmed_despite"], json!([first]));

        // Release, then re-admit the same person by id: one person, two episodes.
        let r = api
            .post(
                &format!("/api/v1/persons/{first}/release"),
                &json!({"released_at": "2026-11-10T12:00:00Z", "reason": "court_order", "authorized_by": "Unidad Judicial Penal, auto de 2026-11-10"}),
            )
            .await;
        assert_status(&r, 200, "release");
        assert_eq!(r.body["in_custody"], false);
        assert_eq!(r.body["current_episode_id"], Value::Null);
        assert_eq!(r.body["episodes"][0]["release"]["reason"], "court_order");
        let mut again = link.clone();
        set(&mut again, &["admitted_at"], json!("2026-11-20T10:00:00Z"));
        set(&mut again, &["arrest", "at"], json!("2026-11-19T10:00:00Z"));
        set(&mut again, &["legal_basis", "issued_on"], json!("2026-11-20"));
        set(&mut again, &["legal_basis", "carried_out_on"], json!("2026-11-20"));
        set(&mut again, &["facility"], json!(TURI));
        let r = api.post("/api/v1/admissions", &again).await;
        assert_status(&r, 201, "re-admission");
        assert_eq!(r.body["id"], json!(first));
        assert_eq!(r.body["episodes"].as_array().map(Vec::len), Some(2));
        assert_eq!(r.body["facility"], TURI);
        assert_eq!(
            events_of(store, first).await,
            ["person.admitted", "person.released", "person.admitted"]
        );
        // An officer elsewhere cannot look people up by id…
        let officer = common::token_for(store, "turi", vec![Grant::facility(Role::FacilityOfficer, TURI)]).await;
        let officer = api.as_user(&officer);
        let mut probe = again.clone();
        probe["person_id"] = json!(second);
        let r = officer.post("/api/v1/admissions", &probe).await;
        assert_problem(&r, 404, "not_found", "a bare id out of sight");
        let r = api
            .post(
                &format!("/api/v1/persons/{second}/release"),
                &json!({"released_at": "2026-11-10T12:00:00Z", "reason": "court_order", "authorized_by": "Auto"}),
            )
            .await;
        assert_status(&r, 200, "release");
        // …but links the person standing before them, whose identity matches.
        let mut wrong = probe.clone();
        wrong["person"] = admission(TURI, "Otro", "Nombre", "Distinto", &cedula(12))["person"].clone();
        let r = officer.post("/api/v1/admissions", &wrong).await;
        assert_problem(&r, 422, "invalid_input", "an identity that is not theirs");
        assert!(field_errors(&r).contains(&("person".into(), "identity_mismatch".into())));
        let mut proven = probe.clone();
        proven["person"] = same_name["person"].clone();
        let r = officer.post("/api/v1/admissions", &proven).await;
        assert_status(&r, 201, "linked with a matching identity");
        assert_eq!(r.body["id"], json!(second));
        assert_eq!(r.body["facility"], TURI);

        // A release dated before the open episode's admission is refused; a second
        // release of someone already out, too.
        let r = api
            .post(
                &format!("/api/v1/persons/{second}/release"),
                &json!({"released_at": "2026-11-01T12:00:00Z", "reason": "other", "authorized_by": "x"}),
            )
            .await;
        assert_problem(&r, 422, "invalid_input", "release before admission");
        let r = api
            .post(
                &format!("/api/v1/persons/{first}/release"),
                &json!({"released_at": "2026-11-21T12:00:00Z", "reason": "court_order", "authorized_by": "Auto"}),
            )
            .await;
        assert_status(&r, 200, "release after re-admission");
        let again = api
            .post(
                &format!("/api/v1/persons/{first}/release"),
                &json!({"released_at": "2026-11-22T12:00:00Z", "reason": "court_order", "authorized_by": "Auto"}),
            )
            .await;
        assert_problem(&again, 409, "not_in_custody", "released twice");
    }

    // Court documents move the legal status and recompute the dates, as events.
    async fn legal_status_transitions(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let id = admit(&api, &admission(GUAYAQUIL, "Luis", "Zambrano", "Vera", &cedula(20))).await;
        let path = format!("/api/v1/persons/{id}/legal-documents");
        let court = json!({"court": "Unidad Judicial Penal de Guayaquil", "judge": "Dra. María Torres"});
        let doc = |extra: Value| {
            let mut d = court.clone();
            for (k, v) in extra.as_object().expect("object") {
                d[k] = v.clone();
            }
            d
        };

        let journal = store.journal_len().await.expect("journal");
        let r = api
            .post(&path, &doc(json!({"kind": "suspension", "case_number": "00000-2026-99999", "issued_on": "2026-11-10",
                "suspended_from": "2026-11-10", "suspended_to": "2026-11-19", "basis": "Diferimiento pedido por la defensa"})))
            .await;
        assert_problem(&r, 422, "invalid_input", "suspension of an unknown case");
        assert!(field_errors(&r).contains(&("document.case_number".into(), "unknown_case".into())));
        let r = api
            .post(&path, &doc(json!({"kind": "sentence", "case_number": "09286-2026-01234", "issued_on": "2026-11-10",
                "sentence": {"years": 0, "months": 0, "days": 0}})))
            .await;
        assert_problem(&r, 422, "invalid_input", "empty sentence");
        assert_eq!(store.journal_len().await.expect("journal"), journal);

        // Ten days of suspension push the expiry ten days.
        let r = api
            .post(&path, &doc(json!({"kind": "suspension", "case_number": "09286-2026-01234", "issued_on": "2026-11-10",
                "suspended_from": "2026-11-10", "suspended_to": "2026-11-19", "basis": "Diferimiento pedido por la defensa"})))
            .await;
        assert_status(&r, 201, "suspension");
        assert_eq!(r.body["episodes"][0]["legal_state"]["pretrial_expiry"], "2027-11-11");

        // A second case, pretrial too, with a lighter charge: its own six-month clock.
        let r = api
            .post(&path, &doc(json!({"kind": "pretrial_detention_order", "case_number": "09286-2026-05555", "issued_on": "2026-11-12",
                "carried_out_on": "2026-11-12", "offences": [{"description": "Hurto", "max_penalty": {"years": 3, "months": 0, "days": 0}}]})))
            .await;
        assert_status(&r, 201, "second case");
        let state = &r.body["episodes"][0]["legal_state"];
        assert_eq!(state["cases"].as_array().map(Vec::len), Some(2));
        assert_eq!(state["pretrial_expiry"], "2027-05-12");

        // Sentenced in the first case: two years from the day its order was carried out.
        let r = api
            .post(&path, &doc(json!({"kind": "sentence", "case_number": "09286-2026-01234", "issued_on": "2026-11-20",
                "sentence": {"years": 2, "months": 0, "days": 0}, "note": "Sentencia condenatoria ejecutoriada"})))
            .await;
        assert_status(&r, 201, "sentence");
        let state = &r.body["episodes"][0]["legal_state"];
        assert_eq!(state["status"], "sentenced");
        assert_eq!(state["release_date"], "2028-11-01");
        assert_eq!(state["cases"][0]["status"], "sentenced");
        assert_eq!(state["cases"][1]["status"], "pretrial");
        assert_eq!(state["pretrial_expiry"], "2027-05-12");
        assert_eq!(r.body["episodes"][0]["documents"].as_array().map(Vec::len), Some(4));
        assert_eq!(r.body["episodes"][0]["documents"][3]["document"]["note"], "Sentencia condenatoria ejecutoriada");
        assert_eq!(
            events_of(store, id).await,
            ["person.admitted", "person.legal_document_recorded", "person.legal_document_recorded", "person.legal_document_recorded"]
        );

        // After release, nothing more can be filed.
        let r = api
            .post(&format!("/api/v1/persons/{id}/release"),
                &json!({"released_at": "2026-11-25T12:00:00Z", "reason": "court_order", "authorized_by": "Auto de 2026-11-25"}))
            .await;
        assert_status(&r, 200, "release");
        let r = api
            .post(&path, &doc(json!({"kind": "sentence", "case_number": "09286-2026-05555", "issued_on": "2026-11-26",
                "sentence": {"years": 1, "months": 0, "days": 0}})))
            .await;
        assert_problem(&r, 409, "not_in_custody", "document after release");
    }

    // Anyone held past a legal limit is listed first, in the facility's deadlines.
    async fn deadlines_put_the_overdue_first(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        // Pretrial since 2025-01-10 for a charge of up to 3 years: expired 2025-07-10.
        let mut overdue = admission(GUAYAQUIL, "Ángel", "Cevallos", "Mora", &cedula(30));
        set(&mut overdue, &["admitted_at"], json!("2025-01-10T12:00:00Z"));
        set(&mut overdue, &["arrest", "at"], json!("2025-01-09T12:00:00Z"));
        set(&mut overdue, &["legal_basis", "issued_on"], json!("2025-01-10"));
        set(&mut overdue, &["legal_basis", "carried_out_on"], json!("2025-01-10"));
        set(&mut overdue["legal_basis"]["offences"][0], &["max_penalty"], json!({"years": 3, "months": 0, "days": 0}));
        let late = admit(&api, &overdue).await;
        // Within the window: pretrial carried out six months less ten days ago.
        let today = jiff::Zoned::now()
            .with_time_zone(jiff::tz::TimeZone::get("America/Guayaquil").expect("zone"))
            .date();
        let start = today
            .checked_sub(jiff::Span::new().months(6))
            .and_then(|d| d.checked_add(jiff::Span::new().days(10)))
            .expect("date");
        let mut soon = admission(GUAYAQUIL, "Bruno", "Cevallos", "Mora", &cedula(31));
        set(&mut soon, &["admitted_at"], json!(format!("{start}T17:00:00Z")));
        set(&mut soon, &["arrest", "at"], json!(format!("{start}T12:00:00Z")));
        set(&mut soon, &["legal_basis", "issued_on"], json!(start.to_string()));
        set(&mut soon, &["legal_basis", "carried_out_on"], json!(start.to_string()));
        set(&mut soon["legal_basis"]["offences"][0], &["max_penalty"], json!({"years": 3, "months": 0, "days": 0}));
        let due = admit(&api, &soon).await;
        // Far away: pretrial for up to 7 years since a month ago, so a year less a month.
        let month_ago = today.checked_sub(jiff::Span::new().months(1)).expect("date");
        let mut far = admission(GUAYAQUIL, "Carlos", "Cevallos", "Mora", &cedula(32));
        set(&mut far, &["admitted_at"], json!(format!("{month_ago}T17:00:00Z")));
        set(&mut far, &["arrest", "at"], json!(format!("{month_ago}T12:00:00Z")));
        set(&mut far, &["legal_basis", "issued_on"], json!(month_ago.to_string()));
        set(&mut far, &["legal_basis", "carried_out_on"], json!(month_ago.to_string()));
        admit(&api, &far).await;
        // Elsewhere.
        let mut elsewhere = overdue.clone();
        set(&mut elsewhere, &["facility"], json!(TURI));
        set(&mut elsewhere, &["person", "document", "number"], json!(cedula(33)));
        set(&mut elsewhere, &["person", "given_names"], json!("Diego"));
        admit(&api, &elsewhere).await;

        let r = api.get(&format!("/api/v1/deadlines?facility={GUAYAQUIL}&within_days=30")).await;
        assert_status(&r, 200, "deadlines");
        let items = r.body["items"].as_array().expect("items");
        assert_eq!(items.len(), 2, "{}", r.body);
        assert_eq!(items[0]["person_id"], json!(late));
        assert_eq!(items[0]["overdue"], true);
        assert_eq!(items[0]["kind"], "pretrial_expiry");
        assert_eq!(items[0]["due"], "2025-07-10");
        assert!(items[0]["days_left"].as_i64().expect("days") < 0);
        assert_eq!(items[1]["person_id"], json!(due));
        assert_eq!(items[1]["overdue"], false);
        let expiry = start.checked_add(jiff::Span::new().months(6)).expect("date");
        assert_eq!(items[1]["due"], json!(expiry.to_string()));
        assert_eq!(items[1]["days_left"], json!(i64::from((expiry - today).get_days())));
        assert_eq!(r.body["overdue"], json!(1));

        let all = api.get("/api/v1/deadlines?within_days=30").await;
        assert_eq!(all.body["overdue"], json!(2), "{}", all.body);
        let officer = common::token_for(store, "turi", vec![Grant::facility(Role::FacilityOfficer, TURI)]).await;
        let mine = api.as_user(&officer).get("/api/v1/deadlines").await;
        assert_status(&mine, 200, "officer's deadlines");
        assert_eq!(mine.body["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(mine.body["items"][0]["facility"], TURI);
        let hidden = api.as_user(&officer).get(&format!("/api/v1/deadlines?facility={GUAYAQUIL}")).await;
        assert_problem(&hidden, 404, "not_found", "another facility's deadlines");

        // The dashboard shows the overdue person first thing, to whoever signs in.
        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let login = browser
            .post(format!("{}/login", api.base))
            .form(&[("username", "admin"), ("password", "cuatro caballos azules")])
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
        let home = browser
            .get(format!("{}/", api.base))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .expect("home")
            .text()
            .await
            .expect("page");
        let alert = home.split("role=\"alert\"").nth(1).expect("an alert on the dashboard");
        assert!(alert.contains("Ángel Cevallos Mora"), "{home}");
        assert!(alert.contains("10 jul 2025"), "{home}");
        assert!(!alert.contains("Bruno"), "only the overdue: {home}");

        assert_problem(&api.get("/api/v1/deadlines?within_days=-1").await, 422, "invalid_input", "negative window");
        assert_problem(&api.get("/api/v1/deadlines?within_days=100000").await, 422, "invalid_input", "huge window");
        assert_problem(&api.get("/api/v1/deadlines?facility=CPL-ZZ-9").await, 404, "not_found", "unknown facility");
    }

    // Corrections supersede with a reason; the old value stays in the history, search
    // follows the new value.
    async fn corrections_keep_the_history(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let id = admit(&api, &admission(GUAYAQUIL, "Jorge", "Bravo", "Loor", &cedula(40))).await;
        let path = format!("/api/v1/persons/{id}/corrections");
        let journal = store.journal_len().await.expect("journal");
        for (what, body, field, code) in [
            ("no reason", json!({"field": "first_surname", "value": "Brabo", "reason": ""}), "reason", "required"),
            ("unknown field", json!({"field": "nickname", "value": "x", "reason": "r"}), "field", "unknown_field"),
            ("same value", json!({"field": "first_surname", "value": "Bravo", "reason": "r"}), "value", "unchanged"),
            ("future birth", json!({"field": "date_of_birth", "value": "2090-01-01", "reason": "r"}), "value.date_of_birth", "in_the_future"),
            ("bad cédula", json!({"field": "document", "value": {"kind": "cedula", "number": "1700000000"}, "reason": "r"}), "value.document.number", "invalid_cedula"),
        ] {
            let r = api.post(&path, &body).await;
            assert_problem(&r, 422, "invalid_input", what);
            assert!(field_errors(&r).contains(&(field.into(), code.into())), "{what}: {:?}", field_errors(&r));
        }
        assert_eq!(store.journal_len().await.expect("journal"), journal);

        let r = api
            .post(&path, &json!({"field": "first_surname", "value": "Brabo", "reason": "Partida de nacimiento verificada en el Registro Civil"}))
            .await;
        assert_status(&r, 201, "correction");
        assert_eq!(r.body["identity"]["first_surname"], "Brabo");
        assert_eq!(r.body["full_name"], "Jorge Brabo Loor");
        let c = &r.body["corrections"][0];
        assert_eq!(c["field"], "first_surname");
        assert_eq!(c["old_value"], "Bravo");
        assert_eq!(c["new_value"], "Brabo");
        assert_eq!(c["corrected_by"], "user:admin");
        assert_eq!(events_of(store, id).await, ["person.admitted", "person.corrected"]);
        let found = api.get("/api/v1/persons?q=brabo%20loor").await;
        assert_eq!(found.body["items"][0]["id"], json!(id));
        assert_eq!(found.body["items"][0]["score"], json!(6), "both words exact");
        let old = api.get("/api/v1/persons?q=bravo").await;
        assert_eq!(old.body["items"][0]["score"], json!(2), "the old surname is one typo away now");

        // A corrected identity still obeys admission's rules.
        let other = admit(&api, &admission(GUAYAQUIL, "Otro", "Preso", "Distinto", &cedula(41))).await;
        let journal = store.journal_len().await.expect("journal");
        for (what, body, status, code, field) in [
            ("now an adolescent at admission", json!({"field": "date_of_birth", "value": "2010-01-01", "reason": "r"}), 422, "invalid_input", Some("wrong_age_group")),
            ("now a woman in a men's prison", json!({"field": "sex", "value": "female", "reason": "r"}), 422, "invalid_input", Some("wrong_sex")),
            ("someone else's cédula", json!({"field": "document", "value": {"kind": "cedula", "number": cedula(41)}, "reason": "r"}), 409, "possible_duplicate", None),
        ] {
            let r = api.post(&path, &body).await;
            assert_problem(&r, status, code, what);
            if let Some(code) = field {
                assert!(field_errors(&r).contains(&("value".into(), code.into())), "{what}: {:?}", field_errors(&r));
            } else {
                assert_eq!(r.body["candidates"][0]["person_id"], json!(other), "{what}");
            }
        }
        assert_eq!(store.journal_len().await.expect("journal"), journal, "refused corrections change nothing");

        // A part of the admission record, corrected the same way.
        let episode = r.body["episodes"][0]["id"].as_i64().expect("episode");
        let journal = store.journal_len().await.expect("journal");
        for (what, body, status, field, code) in [
            ("unknown episode", json!({"episode_id": 999_999, "field": "injuries", "value": {}, "reason": "r"}), 404, "", ""),
            ("unknown part", json!({"episode_id": episode, "field": "nickname", "value": 1, "reason": "r"}), 422, "field", "unknown_field"),
            ("bad value", json!({"episode_id": episode, "field": "injuries", "value": {"visible": ["a\u{7}"], "complaints": []}, "reason": "r"}), 422, "injuries.visible[0]", "control_characters"),
            ("health without health access", json!({"episode_id": episode, "field": "health_screening", "value": {"status": "done"}, "reason": "r"}), 403, "", ""),
        ] {
            let r = api.post(&path, &body).await;
            assert_status(&r, status, what);
            if !field.is_empty() {
                assert!(field_errors(&r).contains(&(field.into(), code.into())), "{what}: {:?}", field_errors(&r));
            }
        }
        assert_eq!(store.journal_len().await.expect("journal"), journal);
        let fix = json!({
            "episode_id": episode,
            "field": "injuries",
            "value": {"visible": ["Hematoma en el pómulo izquierdo"], "complaints": ["Golpes durante el traslado"], "reported_to": "Fiscalía de turno"},
            "reason": "Omitido en el ingreso; constatado por el médico"
        });
        let r = api.post(&path, &fix).await;
        assert_status(&r, 201, "record correction");
        assert_eq!(r.body["episodes"][0]["record"]["injuries"]["visible"][0], "Hematoma en el pómulo izquierdo");
        let c = &r.body["corrections"][1];
        assert_eq!(c["episode_id"], json!(episode));
        assert_eq!(c["old_value"], json!({"visible": [], "complaints": [], "reported_to": null}));
        assert_eq!(events_of(store, id).await, ["person.admitted", "person.corrected", "person.corrected"]);

        // Health screening: health staff correct it; others do not see the notes.
        let nurse = common::token_for(store, "nurse", vec![Grant::national(Role::HealthOfficer)]).await;
        let screening = json!({
            "episode_id": episode, "field": "health_screening",
            "value": {"status": "done", "notes": "Tuberculosis descartada"}, "reason": "Examen completado"
        });
        let r = api.as_user(&nurse).post(&path, &screening).await;
        assert_status(&r, 201, "health officer");
        assert_eq!(r.body["corrections"][2]["new_value"]["notes"], "Tuberculosis descartada");
        let file = api.get(&format!("/api/v1/persons/{id}")).await;
        assert_eq!(file.body["episodes"][0]["record"]["health_screening"]["status"], "done");
        assert_eq!(file.body["episodes"][0]["record"]["health_screening"]["notes"], Value::Null);
        assert_eq!(file.body["corrections"][2]["new_value"], json!({"status": "done"}), "no notes without health access");
    }

    // Search: accents, case, one typo, aliases, numbers; ranked, paginated, scoped.
    async fn search_finds_people_as_officers_type(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let martinez = admit(&api, &admission(GUAYAQUIL, "Juan Carlos", "Martínez", "Pérez", &cedula(50))).await;
        let martin = admit(&api, &admission(GUAYAQUIL, "Juan", "Martín", "Zurita", &cedula(51))).await;
        let mut body = admission(TURI, "José", "Martínez", "Andrade", &cedula(52));
        set(&mut body, &["person", "aliases"], json!(["Cachorro"]));
        let turi = admit(&api, &body).await;
        for n in 0..25 {
            admit(&api, &admission(GUAYAQUIL, &format!("Persona{n}"), "Cedeño", "Loor", &cedula(100 + n))).await;
        }

        let ids = |r: &Reply| -> Vec<i64> {
            r.body["items"].as_array().expect("items").iter().map(|i| i["id"].as_i64().expect("id")).collect()
        };
        let r = api.get("/api/v1/persons?q=MARTINEZ").await;
        assert_status(&r, 200, "search");
        assert_eq!(ids(&r), [turi, martinez], "exact matches, by surname then given names");
        let r = api.get("/api/v1/persons?q=martines").await;
        assert_eq!(ids(&r), [turi, martinez], "one typo");
        let r = api.get("/api/v1/persons?q=juan%20martinez").await;
        assert_eq!(ids(&r), [martinez], "every word must match");
        let r = api.get("/api/v1/persons?q=juan%20mart").await;
        assert_eq!(ids(&r), [martin, martinez], "a prefix; equal scores by surname");
        let r = api.get("/api/v1/persons?q=juan%20martin").await;
        assert_eq!(ids(&r), [martin, martinez], "exact before prefix");
        assert_eq!(r.body["items"][0]["score"], json!(6));
        assert_eq!(r.body["items"][1]["score"], json!(4));
        let r = api.get("/api/v1/persons?q=cachorro").await;
        assert_eq!(ids(&r), [turi], "alias");
        let r = api.get(&format!("/api/v1/persons?q=PPL-{martin:07}")).await;
        assert_eq!(ids(&r), [martin], "registry number");
        let r = api.get(&format!("/api/v1/persons?q={}", cedula(51))).await;
        assert_eq!(ids(&r), [martin], "document number");
        let r = api.get("/api/v1/persons?q=mart").await;
        assert_eq!(ids(&r).len(), 3, "prefix");
        let r = api.get("/api/v1/persons?q=nadie").await;
        assert_eq!(ids(&r), Vec::<i64>::new());

        // Pages.
        let r = api.get("/api/v1/persons?q=cedeno&limit=10").await;
        assert_eq!(r.body["total"], Value::Null, "not counted when not all were read");
        assert_eq!(ids(&r).len(), 10);
        assert_eq!(r.body["next_offset"], json!(10));
        let last = api.get("/api/v1/persons?q=cedeno&limit=10&offset=20").await;
        assert_eq!(ids(&last).len(), 5);
        assert_eq!(last.body["next_offset"], Value::Null);
        assert_eq!(last.body["total"], json!(25));
        let mut seen: Vec<i64> = Vec::new();
        for offset in [0, 10, 20] {
            seen.extend(ids(&api.get(&format!("/api/v1/persons?q=cedeno&limit=10&offset={offset}")).await));
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 25, "pages neither repeat nor skip");

        // A facility officer finds only their own facility's people.
        let officer = common::token_for(store, "turi", vec![Grant::facility(Role::FacilityOfficer, TURI)]).await;
        let r = api.as_user(&officer).get("/api/v1/persons?q=martinez").await;
        assert_eq!(ids(&r), [turi]);
        let r = api.as_user(&officer).get(&format!("/api/v1/persons/{martinez}")).await;
        assert_problem(&r, 404, "not_found", "a file in another facility");
        // Someone granted two facilities finds people in both, and only there.
        let both = common::token_for(
            store,
            "regional",
            vec![Grant::facility(Role::FacilityOfficer, TURI), Grant::facility(Role::FacilityOfficer, GUAYAQUIL)],
        )
        .await;
        let r = api.as_user(&both).get("/api/v1/persons?q=martinez").await;
        assert_eq!(ids(&r), [turi, martinez]);
        let r = api.as_user(&both).get("/api/v1/persons?q=cedeno&limit=30").await;
        assert_eq!(ids(&r).len(), 25);

        for (what, query) in [
            ("empty", "q="),
            ("spaces", "q=%20%20"),
            ("punctuation only", "q=---"),
            ("limit 0", "q=juan&limit=0"),
            ("limit too big", "q=juan&limit=1000"),
            ("negative offset", "q=juan&offset=-1"),
            ("control character", "q=ju%00an"),
        ] {
            assert_problem(&api.get(&format!("/api/v1/persons?{query}")).await, 422, "invalid_input", what);
        }
        assert_status(&api.get("/api/v1/persons").await, 400, "q missing");
    }

    // Racing admissions never register one person twice nor open two episodes.
    async fn concurrent_admissions(db) {
        let store = &db.store;
        let (_running, api) = setup(store).await;
        let body = admission(GUAYAQUIL, "Raúl", "Intriago", "Mero", &cedula(60));
        let racers: Vec<_> = (0..10)
            .map(|_| {
                let (api, body) = (api.clone(), body.clone());
                tokio::spawn(async move { api.post("/api/v1/admissions", &body).await })
            })
            .collect();
        let mut statuses = Vec::new();
        for r in racers {
            let r = r.await.expect("task");
            statuses.push((r.status.as_u16(), r.body["code"].as_str().unwrap_or("").to_owned()));
        }
        statuses.sort();
        assert_eq!(statuses.iter().filter(|(s, _)| *s == 201).count(), 1, "{statuses:?}");
        assert!(statuses.iter().filter(|(s, _)| *s != 201).all(|(s, c)| *s == 409 && c == "possible_duplicate"), "{statuses:?}");

        let found = api.get("/api/v1/persons?q=intriago").await;
        let id = found.body["items"][0]["id"].as_i64().expect("id");
        let r = api
            .post(&format!("/api/v1/persons/{id}/release"),
                &json!({"released_at": "2026-11-10T12:00:00Z", "reason": "court_order", "authorized_by": "Auto"}))
            .await;
        assert_status(&r, 200, "release");
        let mut again = body.clone();
        again.as_object_mut().expect("object").remove("person");
        again["person_id"] = json!(id);
        set(&mut again, &["admitted_at"], json!("2026-11-20T10:00:00Z"));
        set(&mut again, &["arrest", "at"], json!("2026-11-19T10:00:00Z"));
        let racers: Vec<_> = (0..10)
            .map(|_| {
                let (api, body) = (api.clone(), again.clone());
                tokio::spawn(async move { api.post("/api/v1/admissions", &body).await })
            })
            .collect();
        let mut created = 0;
        for r in racers {
            let r = r.await.expect("task");
            match r.status.as_u16() {
                201 => created += 1,
                409 => assert_eq!(r.body["code"], "already_in_custody", "{}", r.body),
                other => panic!("{other}: {}", r.body),
            }
        }
        assert_eq!(created, 1);
        let file = api.get(&format!("/api/v1/persons/{id}")).await;
        assert_eq!(file.body["episodes"].as_array().map(Vec::len), Some(2));
    }
}
