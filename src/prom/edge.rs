//! What the Loki, Jaeger and Alertmanager clients share: one GET that returns JSON, with a size
//! limit, a timeout and errors that never show credentials.

use std::time::Duration;

use super::client::MAX_RESPONSE_BYTES;
use super::sanitize::{redact_url, sanitize};

/// A plain HTTP client for one backend (`what` names it in errors: "Loki", "Jaeger").
#[derive(Clone)]
pub struct EdgeClient {
    http: reqwest::Client,
    base: String,
    what: &'static str,
}

impl std::fmt::Debug for EdgeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.what, redact_url(&self.base))
    }
}

impl EdgeClient {
    pub fn new(base: &str, what: &'static str) -> Result<Self, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Url::parse(base)
            .map_err(|_| format!("invalid {what} URL {:?}", redact_url(base)))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("triage/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("{what}: {e}"))?;
        Ok(EdgeClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            what,
        })
    }

    /// The base URL without credentials.
    pub fn display_url(&self) -> String {
        redact_url(&self.base)
    }

    /// `GET base+path?query` decoded as JSON; non-2xx answers become an error with the first
    /// line of the body.
    pub async fn get_json(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<serde_json::Value, String> {
        let url = format!("{}{}", self.base, path);
        let fail = |m: String| sanitize(&format!("{} ({}): {m}", self.what, self.display_url()));
        let mut response = self
            .http
            .get(url)
            .query(query)
            .send()
            .await
            .map_err(|e| fail(describe(e)))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(describe(e)))? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(fail("answer too large".into()));
            }
            body.extend_from_slice(&chunk);
        }
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
            let line: String = text
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect();
            return Err(fail(format!("HTTP {status} {line}")));
        }
        serde_json::from_slice(&body).map_err(|e| fail(format!("not the documented JSON: {e}")))
    }
}

/// reqwest's message without the URL (it may hold credentials), with its causes.
fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".into();
    }
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        message = format!("{message}: {inner}");
        source = inner.source();
    }
    message
}
