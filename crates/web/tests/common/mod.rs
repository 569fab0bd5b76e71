//! What the HTTP test files share: a real server on a loopback port and the replies it
//! gives, read as JSON.

#![allow(dead_code)]

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
