//! What the Loki, Jaeger/Tempo and Alertmanager clients share: one GET that returns JSON, with
//! the connection's credentials and headers (a tenant's `X-Scope-OrgID`), a size limit, a
//! timeout and errors that never show credentials.

use super::http::{Connection, ReadError, describe, first_line, read_capped};
use super::sanitize::sanitize;

/// A plain HTTP client for one backend (`what` names it in errors: "Loki", "Jaeger").
#[derive(Clone)]
pub struct EdgeClient {
    http: reqwest::Client,
    connection: Connection,
    what: &'static str,
}

impl std::fmt::Debug for EdgeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.what, self.connection.display_url())
    }
}

impl EdgeClient {
    /// A client for a bare URL (credentials in it become basic auth), 15 s timeout.
    pub fn new(base: &str, what: &'static str) -> Result<Self, String> {
        Self::with(Connection::drill_down(base), what)
    }

    pub fn with(connection: Connection, what: &'static str) -> Result<Self, String> {
        let connection = connection.validated(what)?;
        let http = connection
            .build_client()
            .map_err(|e| format!("{what}: {e}"))?;
        Ok(EdgeClient {
            http,
            connection,
            what,
        })
    }

    /// The base URL without credentials.
    pub fn display_url(&self) -> String {
        self.connection.display_url()
    }

    /// `GET base+path?query` decoded as JSON; non-2xx answers become an error with the first
    /// line of the body.
    pub async fn get_json(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<serde_json::Value, String> {
        self.get(path, query).await.map_err(|f| f.message)
    }

    /// Like `get_json`, saying what kind of failure it was, for callers that probe which API a
    /// server has (a 404, or an answer that is not JSON).
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<serde_json::Value, Failure> {
        let url = format!("{}{}", self.connection.url, path);
        let message = |m: String| sanitize(&format!("{} ({}): {m}", self.what, self.display_url()));
        let fail = |m: String| Failure {
            kind: FailureKind::Other,
            message: message(m),
        };
        let request = self.connection.authorise(self.http.get(url).query(query));
        let response = request.send().await.map_err(|e| fail(describe(e)))?;
        let (status, _, body) = read_capped(response).await.map_err(|e| match e {
            ReadError::TooLarge => fail("answer too large".into()),
            ReadError::Broken(e) => fail(describe(e)),
        })?;
        if !(200..300).contains(&status) {
            // Jaeger says why in `errors[0].msg`, Loki and Alertmanager in the text or `message`.
            let said = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| {
                    v["errors"][0]["msg"]
                        .as_str()
                        .or(v["message"].as_str())
                        .or(v["error"].as_str())
                        .map(str::to_string)
                });
            let text = said.unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
            return Err(Failure {
                kind: if status == 404 {
                    FailureKind::NotFound
                } else {
                    FailureKind::Other
                },
                message: message(format!("HTTP {status} {}", first_line(&text))),
            });
        }
        serde_json::from_slice(&body).map_err(|e| Failure {
            kind: FailureKind::NotJson,
            message: message(format!("not the documented JSON: {e}")),
        })
    }
}

/// Why a GET failed, with the message for the user.
#[derive(Debug)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// HTTP 404: the path (an API version) is not there, or nothing was found.
    NotFound,
    /// A 2xx answer that is not JSON (a UI page, a stream).
    NotJson,
    Other,
}
