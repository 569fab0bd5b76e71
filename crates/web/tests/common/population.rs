//! What the population tests share: Turi's test wing, users of each role, admissions,
//! placements, the roll and occupants.

use custodia_domain::access::{Grant, Role};
use custodia_store::Store;
use serde_json::{Value, json};

use super::{Api, Reply, admission, cedula};

/// Turi, where the tests happen.
pub const TURI: &str = "CPL-AZ-1";
/// Guayaquil, another facility.
pub const GUAYAQUIL: &str = "CPL-GY-1";

pub fn assert_status(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status.as_u16(), status, "{what}: {}", r.body);
}

pub fn assert_problem(r: &Reply, status: u16, code: &str, what: &str) {
    assert_status(r, status, what);
    assert_eq!(r.body["code"], code, "{what}: {}", r.body);
}

pub fn field_codes(r: &Reply) -> Vec<String> {
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

/// Turi's test wing: unit A (cells A1 and A2, two places each), unit B (cell B1, one
/// place, pretrial only).
pub struct Wing {
    pub unit_a: i64,
    pub a1: i64,
    pub a2: i64,
    pub b1: i64,
}

pub async fn location(api: &Api, facility: &str, body: Value) -> i64 {
    let r = api
        .post(&format!("/api/v1/facilities/{facility}/locations"), &body)
        .await;
    assert_status(&r, 201, "location");
    r.body["id"].as_i64().expect("location id")
}

pub fn place_body(code: &str, parent: Option<i64>, capacity: i64) -> Value {
    json!({
        "code": code, "name": format!("Lugar {code}"), "parent_id": parent,
        "security_level": "maximum", "holds_sex": "men",
        "design_capacity": capacity, "operational_capacity": capacity
    })
}

pub async fn wing(api: &Api) -> Wing {
    let unit_a = location(api, TURI, place_body("T-A", None, 0)).await;
    let a1 = location(api, TURI, place_body("T-A1", Some(unit_a), 2)).await;
    let a2 = location(api, TURI, place_body("T-A2", Some(unit_a), 2)).await;
    let unit_b = location(api, TURI, place_body("T-B", None, 0)).await;
    let mut b1 = place_body("T-B1", Some(unit_b), 1);
    b1["holds_legal_status"] = json!("pretrial");
    let b1 = location(api, TURI, b1).await;
    Wing { unit_a, a1, a2, b1 }
}

pub struct Setup {
    pub _running: super::Running,
    pub admin: Api,
    pub officer: Api,
    pub director: Api,
    pub analyst: Api,
    pub wing: Wing,
}

pub async fn setup(store: &Store) -> Setup {
    super::seed_facilities(store).await;
    let running = super::start(store).await;
    let admin = Api::new(
        &running,
        &super::token_for(store, "admin", vec![Grant::national(Role::NationalAdmin)]).await,
    );
    let officer = admin.as_user(
        &super::token_for(
            store,
            "officer",
            vec![Grant::facility(Role::FacilityOfficer, TURI)],
        )
        .await,
    );
    let director = admin.as_user(
        &super::token_for(
            store,
            "director",
            vec![Grant::facility(Role::FacilityDirector, TURI)],
        )
        .await,
    );
    let analyst = admin.as_user(
        &super::token_for(
            store,
            "analyst",
            vec![Grant::national(Role::IntelligenceAnalyst)],
        )
        .await,
    );
    let wing = wing(&admin).await;
    Setup {
        _running: running,
        admin,
        officer,
        director,
        analyst,
        wing,
    }
}

/// Admits a man to Turi, unallocated; returns his id.
pub async fn admit(api: &Api, n: u32) -> i64 {
    let body = admission(
        TURI,
        "Pedro",
        &format!("Quispe{}", n_letters(n)),
        "Loja",
        &cedula(n),
    );
    let r = api.post("/api/v1/admissions", &body).await;
    assert_status(&r, 201, "admission");
    r.body["id"].as_i64().expect("person id")
}

/// Distinct surnames, so that no admission is a possible duplicate of another.
pub fn n_letters(n: u32) -> String {
    let mut s = String::new();
    let mut n = n;
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

pub async fn place(api: &Api, person: i64, location: i64, extra: Value) -> Reply {
    let mut body = json!({"person_id": person, "location_id": location});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    api.post("/api/v1/placements", &body).await
}

pub async fn roll(api: &Api) -> Value {
    let r = api.get(&format!("/api/v1/facilities/{TURI}/roll")).await;
    assert_status(&r, 200, "roll");
    r.body
}

pub fn location_occupied(roll: &Value, id: i64) -> i64 {
    roll["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .find(|l| l["location_id"] == id)
        .map(|l| l["occupancy"]["occupied"].as_i64().expect("occupied"))
        .expect("location on the roll")
}

pub async fn occupants(api: &Api, location: i64, at: Option<&str>) -> Vec<i64> {
    let path = match at {
        Some(at) => format!(
            "/api/v1/locations/{location}/occupants?at={}",
            at.replace('+', "%2B")
        ),
        None => format!("/api/v1/locations/{location}/occupants"),
    };
    let r = api.get(&path).await;
    assert_status(&r, 200, "occupants");
    r.body["occupants"]
        .as_array()
        .expect("occupants")
        .iter()
        .map(|o| o["person_id"].as_i64().expect("id"))
        .collect()
}
