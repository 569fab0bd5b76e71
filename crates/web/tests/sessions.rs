//! Browser sessions over real HTTP, on both backends: cookie attributes, CSRF on every
//! change, rotation at sign-in, sign-out, idle and absolute timeouts, forged cookies.

use custodia_domain::access::{Grant, Role};
use custodia_store::Store;
use custodia_testkit::both_backends;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

const PASSWORD: &str = "cuatro caballos azules";

struct Site {
    base: String,
    client: reqwest::Client,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

async fn site(store: &Store, secure_cookies: bool) -> Site {
    let operator = custodia_app::Principal::command_line("test");
    let new = custodia_app::users::NewUser {
        username: "ana.perez".into(),
        display_name: "Ana <b>Pérez</b>".into(),
        password: PASSWORD.into(),
        grants: vec![Grant::national(Role::NationalAdmin)],
    };
    custodia_app::users::add(store, &operator, new)
        .await
        .expect("user");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let options = custodia_web::Options {
        secure_cookies,
        trusted_proxy: None,
    };
    let app = custodia_web::app_with(store.clone(), options);
    tokio::spawn(async move {
        custodia_web::serve_app(listener, app, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Site {
        base,
        client,
        _shutdown: tx,
    }
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in through the form; the response and the session cookie it set.
    async fn login(
        &self,
        password: &str,
        cookie: Option<&str>,
    ) -> (reqwest::Response, Option<String>) {
        let mut req = self
            .client
            .post(self.url("/login"))
            .form(&[("username", "ana.perez"), ("password", password)]);
        if let Some(c) = cookie {
            req = req.header(COOKIE, format!("custodia_session={c}"));
        }
        let response = req.send().await.expect("login");
        let set = response
            .headers()
            .get(SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let value = set
            .as_deref()
            .and_then(|s| s.split(';').next())
            .and_then(|kv| kv.split_once('='))
            .map(|(_, v)| v.to_owned());
        (response, value)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        cookie: &str,
        csrf: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header(COOKIE, format!("custodia_session={cookie}"));
        if let Some(t) = csrf {
            req = req.header("x-csrf-token", t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let response = req.send().await.expect("call");
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    async fn csrf(&self, cookie: &str) -> String {
        let (status, body) = self
            .call(
                reqwest::Method::GET,
                "/api/v1/auth/session",
                cookie,
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["csrf_token"].as_str().expect("csrf").to_owned()
    }
}

fn facility() -> Value {
    json!({"code": "CPL-AZ-1", "name": "Turi", "kind": "CPL", "province": "Azuay", "city": "Cuenca",
           "timezone": "America/Guayaquil", "holds_sex": "men", "holds_age": "adults", "security_levels": ["maximum"]})
}

both_backends! {
    // Signing in sets a strict, HttpOnly session cookie; wrong passwords get the form back.
    async fn sign_in_sets_a_strict_cookie(db) {
        let s = site(&db.store, false).await;
        let page = s.client.get(s.url("/login")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("name=\"password\""));
        let home = s.client.get(s.url("/")).send().await.unwrap();
        assert_eq!(home.status(), StatusCode::SEE_OTHER);
        assert_eq!(home.headers()[LOCATION], "/login");

        let (wrong, cookie) = s.login("not the password at all", None).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(cookie.is_none());
        assert!(wrong.text().await.unwrap().contains("no válidos"));

        let (ok, cookie) = s.login(PASSWORD, None).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let set = ok.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
            assert!(set.contains(attribute), "{set}");
        }
        assert!(!set.contains("Secure"), "not over TLS: {set}");
        let cookie = cookie.unwrap();
        let home = s.client.get(s.url("/")).header(COOKIE, format!("custodia_session={cookie}")).send().await.unwrap();
        let html = home.text().await.unwrap();
        assert!(html.contains("ana.perez"), "{html}");
    }

    // Another site cannot post the sign-in form (login CSRF); this one can.
    async fn sign_in_only_from_this_site(db) {
        let s = site(&db.store, false).await;
        let host = s.base.trim_start_matches("http://").to_owned();
        let post = |origin: String| {
            s.client
                .post(s.url("/login"))
                .header("origin", origin)
                .form(&[("username", "ana.perez"), ("password", PASSWORD)])
                .send()
        };
        let foreign = post("https://evil.example".into()).await.unwrap();
        assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
        assert!(foreign.headers().get(SET_COOKIE).is_none());
        let own = post(format!("http://{host}")).await.unwrap();
        assert_eq!(own.status(), StatusCode::SEE_OTHER);
    }

    // An API token past its expiry date no longer works.
    async fn expired_tokens_are_refused(db) {
        let s = site(&db.store, false).await;
        let operator = custodia_app::Principal::command_line("test");
        let issued = custodia_app::users::create_token(&db.store, &operator, "ana.perez", "feed", custodia_domain::user::TokenScope::Full, 1)
            .await
            .unwrap();
        let get = || s.client.get(s.url("/api/v1/facilities")).bearer_auth(&issued.token).send();
        assert_eq!(get().await.unwrap().status(), StatusCode::OK);
        let past = custodia_domain::time::canonical(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1));
        db.store
            .execute_raw(&format!("UPDATE api_tokens SET expires_at = '{past}' WHERE id = {}", issued.record.id))
            .await
            .unwrap();
        assert_eq!(get().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }

    // Parallel failures all count; a lock that runs out starts the count again, and
    // locks again after ten more.
    async fn locks_count_in_parallel_and_again_after_expiry(db) {
        let _s = site(&db.store, false).await;
        let fail_ten = |round: u32| {
            let store = db.store.clone();
            async move {
                let throttle = std::sync::Arc::new(custodia_app::sign_in::Throttle::default());
                let mut tasks = Vec::new();
                for i in 0..10 {
                    let (store, throttle) = (store.clone(), throttle.clone());
                    tasks.push(tokio::spawn(async move {
                        custodia_app::sign_in::sign_in(&store, &throttle, "ana.perez", "wrong guess", &format!("c{round}-{i}")).await
                    }));
                }
                for t in tasks {
                    assert!(t.await.unwrap().is_err());
                }
            }
        };
        let locks = |store: Store| async move {
            store.journal_for_subject("user:ana.perez", 0, 1000).await.unwrap()
                .into_iter().filter(|e| e.event_type == "user.locked").count()
        };
        fail_ten(1).await;
        assert_eq!(locks(db.store.clone()).await, 1, "ten parallel failures lock");
        let throttle = custodia_app::sign_in::Throttle::default();
        let refused = custodia_app::sign_in::sign_in(&db.store, &throttle, "ana.perez", PASSWORD, "c-ok").await;
        assert!(refused.is_err(), "locked, even with the right password");
        let past = custodia_domain::time::canonical(jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1));
        db.store.execute_raw(&format!("UPDATE users SET locked_until = '{past}' WHERE username = 'ana.perez'")).await.unwrap();
        let one = custodia_app::sign_in::sign_in(&db.store, &throttle, "ana.perez", "wrong guess", "c-2").await;
        assert!(one.is_err());
        let creds = db.store.credentials("ana.perez").await.unwrap().unwrap();
        assert_eq!((creds.failed_logins, creds.user.locked_until), (1, None), "the count restarts");
        fail_ten(3).await;
        assert_eq!(locks(db.store.clone()).await, 2, "and locks again");
    }

    // Served over TLS, the cookie is also marked Secure.
    async fn secure_cookies_over_tls(db) {
        let s = site(&db.store, true).await;
        let (ok, _) = s.login(PASSWORD, None).await;
        let set = ok.headers()[SET_COOKIE].to_str().unwrap().to_owned();
        assert!(set.contains("; Secure") && set.contains("HttpOnly"), "{set}");
    }

    // Changes made with a session need its CSRF token; reads do not.
    async fn changes_need_the_csrf_token(db) {
        let s = site(&db.store, false).await;
        let (_, cookie) = s.login(PASSWORD, None).await;
        let cookie = cookie.unwrap();
        let (status, _) = s.call(reqwest::Method::GET, "/api/v1/facilities", &cookie, None, None).await;
        assert_eq!(status, StatusCode::OK);
        let before = db.store.journal_len().await.unwrap();
        for csrf in [None, Some("wrong"), Some("")] {
            let (status, body) = s.call(reqwest::Method::POST, "/api/v1/facilities", &cookie, csrf, Some(facility())).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{csrf:?}: {body}");
            assert_eq!(body["code"], "csrf_failed");
        }
        assert_eq!(db.store.journal_len().await.unwrap(), before, "nothing changed");
        let csrf = s.csrf(&cookie).await;
        let (status, body) = s.call(reqwest::Method::POST, "/api/v1/facilities", &cookie, Some(&csrf), Some(facility())).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    // A new sign-in replaces the old session; signing out ends it and clears the cookie.
    async fn rotation_and_sign_out(db) {
        let s = site(&db.store, false).await;
        let (_, first) = s.login(PASSWORD, None).await;
        let first = first.unwrap();
        let (_, second) = s.login(PASSWORD, Some(&first)).await;
        let second = second.unwrap();
        assert_ne!(first, second);
        let (status, _) = s.call(reqwest::Method::GET, "/api/v1/facilities", &first, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the replaced session is over");

        let logout = |csrf: &str| {
            s.client
                .post(s.url("/logout"))
                .header(COOKIE, format!("custodia_session={second}"))
                .form(&[("_csrf", csrf)])
                .send()
        };
        assert_eq!(logout("forged").await.unwrap().status(), StatusCode::FORBIDDEN);
        let csrf = s.csrf(&second).await;
        let out = logout(&csrf).await.unwrap();
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        assert!(out.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
        let (status, body) = s.call(reqwest::Method::GET, "/api/v1/facilities", &second, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "unauthenticated");
        let events: Vec<String> = db.store.journal_for_subject("user:ana.perez", 0, 100).await.unwrap()
            .into_iter().map(|e| e.event_type).collect();
        assert_eq!(events, ["user.created", "session.started", "session.started", "session.ended"]);
    }

    // Idle and absolute timeouts end sessions; forged cookies are refused.
    async fn timeouts_and_forgeries(db) {
        let s = site(&db.store, false).await;
        for forged in ["", "nonsense", &format!("cst_{}", "0".repeat(64)), "' OR 1=1 --"] {
            let (status, _) = s.call(reqwest::Method::GET, "/api/v1/facilities", forged, None, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{forged}");
        }
        let (_, idle) = s.login(PASSWORD, None).await;
        let (_, old) = s.login(PASSWORD, None).await;
        let (idle, old) = (idle.unwrap(), old.unwrap());
        let hour_ago = custodia_domain::time::canonical(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1));
        db.store.execute_raw(&format!(
            "UPDATE sessions SET last_seen_at = '{hour_ago}' WHERE id_hash = '{}'",
            custodia_app::secrets::token_hash(&idle)
        )).await.unwrap();
        db.store.execute_raw(&format!(
            "UPDATE sessions SET expires_at = '{hour_ago}' WHERE id_hash = '{}'",
            custodia_app::secrets::token_hash(&old)
        )).await.unwrap();
        for cookie in [idle, old] {
            let (status, _) = s.call(reqwest::Method::GET, "/api/v1/facilities", &cookie, None, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
}
