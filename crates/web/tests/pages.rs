//! The interface's forms over real HTTP with a browser session, on both backends: the
//! admission wizard (inline checks, a possible duplicate confirmed), the placement form
//! (a full cell refused, a free one taken), statistics and their CSV, and scope (another
//! facility's person is a 404 page). The same use cases as the API answer them.

mod common;

use custodia_domain::access::{Grant, Role};
use custodia_store::Store;
use custodia_testkit::both_backends;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

use common::population::*;

const PASSWORD: &str = "siete lunas sobre turi";

/// A signed-in browser: its session cookie and its CSRF token.
struct Browser {
    base: String,
    client: reqwest::Client,
    cookie: String,
    csrf: String,
}

impl Browser {
    async fn sign_in(store: &Store, base: &str, username: &str, grants: Vec<Grant>) -> Browser {
        let operator = custodia_app::Principal::command_line("test");
        let new = custodia_app::users::NewUser {
            username: username.into(),
            display_name: username.into(),
            password: PASSWORD.into(),
            grants,
        };
        custodia_app::users::add(store, &operator, new)
            .await
            .expect("user");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let r = client
            .post(format!("{base}/login"))
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign-in");
        let cookie = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("custodia_session="))
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_owned();
        let mut b = Browser {
            base: base.to_owned(),
            client,
            cookie: format!("custodia_session={cookie}; custodia_read_reason=pruebas"),
            csrf: String::new(),
        };
        let (_, home) = b.get("/").await;
        b.csrf = home
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("csrf token on the page")
            .to_owned();
        b
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .expect("get");
        (r.status(), r.text().await.expect("body"))
    }

    /// Posts a form with the CSRF token; status, `Location` and body.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        form.extend_from_slice(fields);
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, &self.cookie)
            .form(&form)
            .send()
            .await
            .expect("post");
        let location = r
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (r.status(), location, r.text().await.expect("body"))
    }
}

/// The admission form's fields for a man born in 1990 (the API's fixture, flattened).
fn admission_form<'a>(
    facility: &'a str,
    surname: &'a str,
    cedula: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("facility", facility),
        ("admitted_at", "2026-11-01T10:00"),
        ("person.given_names", "Pedro"),
        ("person.first_surname", surname),
        ("person.second_surname", "Loja"),
        ("person.date_of_birth", "1990-05-01"),
        ("person.sex", "male"),
        ("person.nationality", "EC"),
        ("person.document.kind", "cedula"),
        ("person.document.number", cedula),
        ("legal_basis.kind", "pretrial_detention_order"),
        ("legal_basis.case_number", "01283-2026-00077"),
        ("legal_basis.court", "Unidad Judicial Penal de Cuenca"),
        ("legal_basis.judge", "Dr. Luis Arce"),
        ("legal_basis.issued_on", "2026-11-01"),
        ("legal_basis.carried_out_on", "2026-11-01"),
        ("legal_basis.offences.0.description", "Robo"),
        ("legal_basis.offences.0.max_penalty.years", "7"),
        ("arrest.at", "2026-10-31T20:00"),
        ("arrest.place", "Cuenca"),
        ("arrest.authority", "Policía Nacional"),
        ("property.items", "2 x cinturón\nreloj"),
        ("property.received_by", "Sgto. Vera"),
        ("emergency_contact.name", "Rosa Quispe"),
        ("emergency_contact.relationship", "madre"),
        ("emergency_contact.phone", "0991234567"),
        ("health_screening.status", "pending"),
        ("rights.informed", "1"),
        ("rights.language", "es"),
    ]
}

fn person_id_in(location: &str) -> i64 {
    location
        .trim_start_matches("/persons/")
        .split('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a person's address: {location}"))
}

both_backends! {
async fn admission_wizard_then_placement(db) {
    let store = db.store.clone();
    let s = setup(&store).await;
    let officer = Browser::sign_in(
        &store,
        &s._running.base,
        "oficial.turi",
        vec![Grant::facility(Role::FacilityOfficer, TURI)],
    )
    .await;
    let cedula = common::cedula(4242);
    let form = admission_form(TURI, "Quispe", &cedula);

    // Inline checks: a valid cédula says so; a mistyped one names the problem.
    let (status, _, checks) = officer.post("/admissions/check", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(checks.contains("id=\"check-cedula\"") && checks.contains("class=\"ok\""), "{checks}");
    let mut typo = cedula.clone();
    typo.replace_range(9..10, if cedula.ends_with('0') { "1" } else { "0" });
    let bad = admission_form(TURI, "Quispe", &typo);
    let (_, _, checks) = officer.post("/admissions/check", &bad).await;
    assert!(checks.contains("dígito verificador"), "{checks}");
    // An adolescent at an adult prison: refused in advance, with the CAI suggested.
    let mut young = form.clone();
    young.retain(|(k, _)| *k != "person.date_of_birth");
    young.push(("person.date_of_birth", "2012-01-01"));
    let (_, _, checks) = officer.post("/admissions/check", &young).await;
    assert!(checks.contains("id=\"check-age\"") && checks.contains("CAI-AZ-1"), "{checks}");

    // A bad field is shown next to it, and nothing is admitted.
    let mut missing = form.clone();
    missing.retain(|(k, _)| *k != "arrest.place");
    let (status, _, page) = officer.post("/admissions", &missing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"arrest.place-error\""), "the error sits by its field");
    assert_eq!(roll(&s.admin).await["totals"]["total_on_roll"], json!(0));

    // Admitted: on to the placement form.
    let (status, location, _) = officer.post("/admissions", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "admitted");
    assert!(location.ends_with("/placement?admitted=1"), "{location}");
    let first = person_id_in(&location);

    // The same names and birth date without the document: a possible duplicate, offered
    // to link or confirm; confirmed, a second person is registered.
    let mut again: Vec<(&str, &str)> = form
        .iter()
        .copied()
        .filter(|(k, _)| !k.starts_with("person.document"))
        .collect();
    let (status, _, page) = officer.post("/admissions", &again).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(&format!("name=\"link_person_id\" value=\"{first}\"")), "offered");
    again.push(("link_person_id", "new"));
    let (status, location, _) = officer.post("/admissions", &again).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "confirmed as new");
    let second = person_id_in(&location);
    assert_ne!(first, second);

    // Placement: the check explains a refusal before submitting; a full cell is refused
    // and moves nobody; a free one is taken.
    let (status, page) = officer.get(&format!("/persons/{first}/placement")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("value=\"{}\"", s.wing.a1)), "the cell is offered");
    let a1 = s.wing.a1.to_string();
    for n in 0..2 {
        let other = admit(&s.admin, 100 + n).await;
        assert_status(&place(&s.admin, other, s.wing.a1, json!({})).await, 201, "fill A1");
    }
    let (_, _, verdict) = officer
        .post(&format!("/persons/{first}/placement/check"), &[("location_id", &a1)])
        .await;
    assert!(verdict.contains("El lugar está lleno"), "{verdict}");
    let (status, _, page) = officer
        .post(&format!("/persons/{first}/placement"), &[("facility", TURI), ("location_id", &a1)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("El lugar está lleno"));
    assert_eq!(location_occupied(&roll(&s.admin).await, s.wing.a1), 2, "nobody moved");
    let a2 = s.wing.a2.to_string();
    let (_, _, verdict) = officer
        .post(&format!("/persons/{first}/placement/check"), &[("location_id", &a2)])
        .await;
    assert!(verdict.contains("Ubicación permitida"), "{verdict}");
    let (status, location, _) = officer
        .post(
            &format!("/persons/{first}/placement"),
            &[("facility", TURI), ("location_id", &a2), ("reason", "ingreso")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "placed");
    assert_eq!(location, format!("/persons/{first}?placed=1"));
    assert_eq!(location_occupied(&roll(&s.admin).await, s.wing.a2), 1);

    // Statistics count from the movements: four held at Turi now.
    let (status, csv) = officer.get("/statistics/population.csv?months=2").await;
    assert_eq!(status, StatusCode::OK);
    let turi = csv
        .lines()
        .find(|l| l.starts_with(TURI))
        .unwrap_or_else(|| panic!("{csv}"));
    let cells: Vec<&str> = turi.split(',').collect();
    assert_eq!(cells[cells.len() - 2], "4", "held now: {turi}");
    let (status, page) = officer.get("/statistics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg") && page.contains("chart-population"));

    // A director may classify on arrival; the officer is not offered to.
    let (_, page) = officer.get("/admissions/new").await;
    assert!(!page.contains("name=\"classification\""), "officers do not classify");
    let director = Browser::sign_in(
        &store,
        &s._running.base,
        "directora.turi",
        vec![Grant::facility(Role::FacilityDirector, TURI)],
    )
    .await;
    let (_, page) = director.get("/admissions/new").await;
    assert!(page.contains("name=\"classification\""), "directors are offered to classify");
    let other = common::cedula(5151);
    let mut classified = admission_form(TURI, "Zambrano", &other);
    classified.push(("classification", "maximum"));
    let (status, location, _) = director.post("/admissions", &classified).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "admitted with a classification");
    let r = s.admin.get(&format!("/api/v1/persons/{}", person_id_in(&location))).await;
    assert!(r.body.to_string().contains("\"classification\":\"maximum\""), "{}", r.body);

    // Another facility's person is a 404 page for this officer, and so is its placement.
    let gye = s
        .admin
        .post("/api/v1/admissions", &common::admission(GUAYAQUIL, "Juan", "Mora", "Vera", &common::cedula(777)))
        .await;
    let gye = gye.body["id"].as_i64().expect("id");
    for path in [format!("/persons/{gye}"), format!("/persons/{gye}/placement")] {
        let (status, page) = officer.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.contains("<!doctype html>"), "a page, not a problem document");
    }
    let (status, _, _) = officer
        .post(&format!("/persons/{gye}/placement"), &[("facility", GUAYAQUIL), ("location_id", &a2)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
}

impl Browser {
    /// Uploads `content` as `lugares.csv` through the import form, with `csrf`.
    async fn import(&self, csrf: &str, content: &str) -> reqwest::Response {
        let (kind, body) = multipart(csrf, "lugares.csv", content);
        self.client
            .post(format!("{}/admin/import", self.base))
            .header(COOKIE, &self.cookie)
            .header(reqwest::header::CONTENT_TYPE, kind)
            .body(body)
            .send()
            .await
            .expect("import")
    }
}

/// A multipart upload of one file, as a browser sends the import form.
fn multipart(csrf: &str, file: &str, content: &str) -> (String, Vec<u8>) {
    let boundary = "custodia-test-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

both_backends! {
async fn administration(db) {
    let store = db.store.clone();
    let s = setup(&store).await;
    let base = s._running.base.clone();
    let admin = Browser::sign_in(&store, &base, "jefa", vec![Grant::national(Role::NationalAdmin)]).await;
    let officer = Browser::sign_in(
        &store,
        &base,
        "guardia",
        vec![Grant::facility(Role::FacilityOfficer, TURI)],
    )
    .await;
    // Administration does not exist for an officer.
    for path in ["/admin/users", "/admin/facilities"] {
        let (status, _) = officer.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _, _) = officer
        .post("/admin/users", &[("username", "x"), ("password", "una frase muy larga"), ("role", "national-admin")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A facility role without its facility is refused by its field; with it, created.
    let user = [
        ("username", "nuevo.agente"),
        ("password", "una frase larga y segura"),
        ("role", "facility-officer"),
    ];
    let (status, _, page) = admin.post("/admin/users", &user).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!page.contains("una frase larga y segura"), "a password is never sent back");
    // Without the session's CSRF token every form is refused before it is read.
    let r = admin
        .client
        .post(format!("{base}/admin/users"))
        .header(COOKIE, &admin.cookie)
        .form(&[("_csrf", "forged"), ("username", "colado"), ("password", "una frase larga y segura"), ("role", "inspector")])
        .send()
        .await
        .expect("forged post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, page) = admin.get("/admin/users").await;
    assert!(!page.contains("user-colado"), "nobody created by a forged post");
    let mut with_facility = user.to_vec();
    with_facility.push(("facility", TURI));
    let (status, _, _) = admin.post("/admin/users", &with_facility).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = admin.get("/admin/users").await;
    assert!(page.contains("id=\"user-nuevo.agente\""));

    // A capacity that is not a number is named; a place taken out of service shows so.
    let a1 = s.wing.a1.to_string();
    let (status, _, page) = admin
        .post(&format!("/admin/locations/{a1}/capacity"), &[("facility", TURI), ("operational_capacity", "dos")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("href=\"#operational_capacity\""), "named by its field");
    let (status, _, _) = admin
        .post(&format!("/admin/locations/{a1}/out-of-service"), &[("facility", TURI), ("reason", "maintenance")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let r = s.admin.get(&format!("/api/v1/locations/{a1}")).await;
    assert_eq!(r.body["in_service"], json!(false), "{}", r.body);

    // The facility's details are edited from its page.
    let (status, _, _) = admin
        .post(
            &format!("/admin/facilities/{TURI}"),
            &[("name", "CPL Turi (renombrado)"), ("province", "Azuay"), ("city", "Cuenca"), ("timezone", "America/Guayaquil")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let r = s.admin.get(&format!("/api/v1/facilities/{TURI}")).await;
    assert_eq!(r.body["name"], json!("CPL Turi (renombrado)"), "{}", r.body);
    // An import with bad rows imports nothing and names each row by file and line.
    let header = "facility,code,name,parent_code,security_level,holds_sex,design_capacity,operational_capacity";
    let bad = format!("{header}\n{TURI},T-C,Pabellón C,,maximum,men,0,0\n{TURI},T-C1,Celda C1,T-C,maximum,men,-4,4\nCPL-XX-9,P,P,,medium,men,0,0\n");
    let r = admin.import(&admin.csrf, &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("page");
    assert!(page.contains("lugares.csv:line 3") && page.contains("lugares.csv:line 4"), "lines named: {page}");
    let r = s.admin.get(&format!("/api/v1/facilities/{TURI}/locations")).await;
    assert!(!r.body.to_string().contains("T-C1"), "nothing imported");
    let good = format!("{header}\n{TURI},T-C,Pabellón C,,maximum,men,0,0\n{TURI},T-C1,Celda C1,T-C,maximum,men,4,4\n");
    let r = admin.import(&admin.csrf, &good).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("page").contains("id=\"import-done\""));
    let r = s.admin.get(&format!("/api/v1/facilities/{TURI}/locations")).await;
    assert!(r.body.to_string().contains("T-C1"), "imported");
    // Without the CSRF token, refused.
    let r = admin.import("forged", &good).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
}

both_backends! {
async fn bulk_operation_form(db) {
    let store = db.store.clone();
    let s = setup(&store).await;
    let base = s._running.base.clone();
    let ops = Browser::sign_in(&store, &base, "ops", vec![Grant::national(Role::NationalOperations)]).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let body = common::admission(GUAYAQUIL, "Luis", &format!("Mora{}", n_letters(n)), "Vera", &common::cedula(900 + n));
        let r = s.admin.post("/api/v1/admissions", &body).await;
        assert_status(&r, 201, "admission");
        ids.push(r.body["id"].as_i64().expect("id"));
    }
    let good: Vec<String> = ids.iter().map(|id| format!("{id}, {TURI}")).collect();
    // One unknown person and one unreadable line among good ones: nothing is created and
    // each bad line is named by its number in the text.
    let text = format!("{}\n\n999999, {TURI}\nnada\n", good.join("\n"));
    let (status, _, page) = ops
        .post("/transfer-operations", &[("name", "Op Litoral"), ("reason", "overcrowding"), ("moves", &text)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Línea 6: no se entiende"), "{page}");
    let text = format!("{}\n\n999999, {TURI}\n", good.join("\n"));
    let (status, _, page) = ops
        .post("/transfer-operations", &[("name", "Op Litoral"), ("reason", "overcrowding"), ("moves", &text)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Línea 5:"), "the unknown person's line: {page}");
    let r = s.admin.get("/api/v1/transfers").await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(0), "nothing created: {}", r.body);
    // All good: created, then approved and dispatched as a whole.
    let text = good.join("\n");
    let (status, location, _) = ops
        .post("/transfer-operations", &[("name", "Op Litoral"), ("reason", "overcrowding"), ("moves", &text)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = ops.post(&format!("{location}/approve"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "approved nationally");
    // The origin dispatches; national operations may not, and is not offered to.
    let (status, page) = ops.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("/dispatch\""), "no dispatch button for operations: {page}");
    let (status, _, _) = ops.post(&format!("{location}/dispatch"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let origin = Browser::sign_in(
        &store,
        &base,
        "guardia.litoral",
        vec![Grant::facility(Role::FacilityOfficer, GUAYAQUIL)],
    )
    .await;
    let (_, page) = origin.get(&location).await;
    assert!(page.contains("/dispatch\""), "the origin is offered to dispatch");
    let (status, _, _) = origin.post(&format!("{location}/dispatch"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "dispatched by the origin");
    let (status, page) = ops.get(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("en tránsito"), "{page}");
    let r = s.admin.get("/api/v1/transfers?status=dispatched").await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(3), "{}", r.body);
}
}
