//! What the HTTP test files share: a real server on a loopback port and the replies it
//! gives, read as JSON.

#![allow(dead_code)]

pub mod population;

use custodia_store::Store;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// A server on a loopback port; it shuts down when this is dropped.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Starts `custodia_web::serve` on a free loopback port.
pub async fn start(store: &Store) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let store = store.clone();
    tokio::spawn(async move {
        custodia_web::serve(listener, store, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    Running {
        base: format!("http://{addr}"),
        _shutdown: tx,
    }
}

/// One response: status, headers and the body as JSON (`Null` when empty, a string when
/// not JSON).
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Value,
}

impl Reply {
    /// Reads a response whole.
    pub async fn read(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("response body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A header's value; panics when it is missing.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header in {self:?}"))
    }

    /// The body without its request id, to compare two problems.
    pub fn body_sans_request_id(&self) -> Value {
        let mut body = self.body.clone();
        if let Some(map) = body.as_object_mut() {
            map.remove("request_id");
        }
        body
    }
}

/// A valid cédula for generated person number `n` (province 17, Pichincha).
pub fn cedula(n: u32) -> String {
    custodia_domain::cedula::with_check_digit(&format!("17{:07}", n % 10_000_000))
        .expect("nine digits")
}

/// A complete, valid admission of a new man born in 1990 to `facility` on a pretrial
/// detention order (robbery, up to 7 years) carried out on 2026-11-01; change what a test
/// needs with `json_patch`-style assignments on the returned value.
pub fn admission(facility: &str, given: &str, first: &str, second: &str, document: &str) -> Value {
    serde_json::json!({
        "person": {
            "given_names": given,
            "first_surname": first,
            "second_surname": second,
            "aliases": ["El Flaco"],
            "date_of_birth": "1990-05-01",
            "sex": "male",
            "nationality": "EC",
            "document": {"kind": "cedula", "number": document},
            "languages": ["es"],
            "distinguishing_marks": "Cicatriz en la ceja derecha"
        },
        "facility": facility,
        "admitted_at": "2026-11-01T15:00:00Z",
        "legal_basis": {
            "kind": "pretrial_detention_order",
            "case_number": "09286-2026-01234",
            "court": "Unidad Judicial Penal con sede en el cantón Guayaquil",
            "judge": "Dra. María Torres",
            "issued_on": "2026-11-01",
            "carried_out_on": "2026-11-01",
            "offences": [{
                "description": "Robo",
                "legal_reference": "COIP art. 189",
                "max_penalty": {"years": 7, "months": 0, "days": 0}
            }]
        },
        "arrest": {
            "at": "2026-10-31T22:30:00Z",
            "place": "Guasmo Sur, Guayaquil",
            "authority": "Policía Nacional, UPC Guasmo Sur"
        },
        "injuries": {"visible": [], "complaints": []},
        "property": {
            "items": [{"description": "Teléfono celular", "quantity": 1}],
            "signed_by_person": true,
            "received_by": "ASP Carlos Vera"
        },
        "family": [{"name": "Ana", "relationship": "child", "age": 6, "cared_for_by": "Rosa (abuela)"}],
        "emergency_contact": {"name": "Rosa Pérez", "relationship": "madre", "phone": "+593 99 123 4567"},
        "health_screening": {"status": "pending"},
        "rights": {"informed": true, "language": "es"}
    })
}

/// Registers the fifteen reference facilities of the seed (no locations).
pub async fn seed_facilities(store: &Store) {
    let files = [(
        "facilities.csv".to_owned(),
        include_str!("../../../cli/seed/facilities.csv").to_owned(),
    )];
    custodia_app::import::import(store, &custodia_app::Principal::system("test"), &files)
        .await
        .expect("seed facilities");
}

/// Creates a user with `grants` and returns an API token for them.
pub async fn token_for(
    store: &Store,
    username: &str,
    grants: Vec<custodia_domain::access::Grant>,
) -> String {
    let operator = custodia_app::Principal::command_line("test");
    let new = custodia_app::users::NewUser {
        username: username.to_owned(),
        display_name: format!("Test {username}"),
        password: "cuatro caballos azules".to_owned(),
        grants,
    };
    custodia_app::users::add(store, &operator, new)
        .await
        .expect("add user");
    custodia_app::users::create_token(
        store,
        &operator,
        username,
        "tests",
        custodia_domain::user::TokenScope::Full,
        1,
    )
    .await
    .expect("token")
    .token
}

/// A client that calls one server with one bearer token.
#[derive(Clone)]
pub struct Api {
    /// The server.
    pub base: String,
    client: reqwest::Client,
    token: String,
}

impl Api {
    /// A client for `running` with `token`.
    pub fn new(running: &Running, token: &str) -> Api {
        Api {
            base: running.base.clone(),
            client: reqwest::Client::new(),
            token: token.to_owned(),
        }
    }

    /// The token it sends.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The same server, another token.
    pub fn as_user(&self, token: &str) -> Api {
        Api {
            base: self.base.clone(),
            client: self.client.clone(),
            token: token.to_owned(),
        }
    }

    /// Any request, with an optional JSON body.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Reply {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(b);
        }
        Reply::read(req.send().await.expect("request sent")).await
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Reply {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
}

/// Posts a JSON body of `len` bytes (a JSON string in `field` of an otherwise empty
/// object) the way a client that does not wait would: headers with the full length, then
/// as much body as the server takes before it answers. Returns the status and the body.
pub async fn post_huge(base: &str, path: &str, token: &str, len: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("headers");
    let mut body = b"{\"person\":{\"given_names\":\"".to_vec();
    body.resize(len.saturating_sub(4), b'x');
    body.extend_from_slice(b"\"}}\n");
    // The server may answer and close before taking it all: that is the point.
    let _ = stream.write_all(&body).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let json = text
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, json)
}
