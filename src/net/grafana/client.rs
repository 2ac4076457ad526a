//! A small client for the Grafana HTTP API endpoints triage reads: `/api/health`,
//! `/api/search`, `/api/folders`, `/api/dashboards/uid/<uid>` (and, for dashboards stored in
//! the v2 schema, `/apis/dashboard.grafana.app/...` in the namespace `/api/frontend/settings`
//! names), `/api/library-elements/<uid>`, `/api/datasources` and `/api/org`.
//!
//! Authentication is a service-account token sent as a bearer header (or basic auth written
//! into the URL, or nothing for anonymous access). Neither ever appears in `Debug` or in an
//! error: reqwest's messages are stripped of the URL and the URL of its credentials.

use std::time::Duration;

use serde_json::Value;

use super::library::{LibraryPanel, parse_library_element};
use super::resource::{
    collection_path, frontend_namespace, named_in_refusal, parse_resource, places,
};
use super::types::{
    DashboardDoc, DatasourceInfo, Folder, SEARCH_PAGE_SIZE, SearchHit, SearchQuery,
    parse_dashboard_doc, parse_datasources, parse_folder, parse_folders, parse_search,
};
use crate::net::PromConfig;
use crate::net::http::{Connection, ReadError, describe, read_capped};
use crate::net::sanitize::{redact_url, sanitize};

pub use crate::net::http::MAX_RESPONSE_BYTES;

/// Most search pages read (with 1000 hits a page, far beyond any real instance).
const MAX_SEARCH_PAGES: usize = 100;

/// Connection settings; the token never appears in `Debug`.
#[derive(Clone)]
pub struct GrafanaConfig {
    pub url: String,
    pub token: Option<String>,
    pub timeout: Duration,
    pub insecure_skip_verify: bool,
    /// PEM of CA certificates to trust besides the system's (internal CAs).
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for GrafanaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrafanaConfig")
            .field("url", &redact_url(&self.url))
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

impl GrafanaConfig {
    pub fn new(url: &str) -> Self {
        GrafanaConfig {
            url: url.to_string(),
            token: None,
            timeout: Duration::from_secs(30),
            insecure_skip_verify: false,
            ca_pem: None,
        }
    }
}

/// Why a Grafana request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum GrafanaError {
    /// Could not connect, or the connection broke.
    Network(String),
    /// Grafana answered with an error status; `message` is its `message` field or first line.
    Http {
        status: u16,
        path: String,
        message: String,
    },
    /// The answer was not the JSON Grafana documents.
    Decode {
        path: String,
        message: String,
    },
    TooLarge,
}

impl std::fmt::Display for GrafanaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrafanaError::Network(m) => write!(f, "cannot reach Grafana: {m}"),
            GrafanaError::Http {
                status: status @ (401 | 403),
                path,
                message,
            } => write!(
                f,
                "Grafana refused {path} (HTTP {status}: {message}); give a service-account token \
                 with viewer rights in TRIAGE_GRAFANA_TOKEN or TRIAGE_GRAFANA_TOKEN_FILE"
            ),
            GrafanaError::Http {
                status,
                path,
                message,
            } => write!(f, "Grafana answered HTTP {status} for {path}: {message}"),
            GrafanaError::Decode { path, message } => {
                write!(f, "unexpected answer from Grafana for {path}: {message}")
            }
            GrafanaError::TooLarge => write!(
                f,
                "answer from Grafana larger than {} MB",
                MAX_RESPONSE_BYTES / 1_000_000
            ),
        }
    }
}

impl std::error::Error for GrafanaError {}

#[derive(Clone)]
pub struct GrafanaClient {
    http: reqwest::Client,
    connection: Connection,
}

impl std::fmt::Debug for GrafanaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GrafanaClient({})", self.display_url())
    }
}

impl GrafanaClient {
    pub fn new(config: GrafanaConfig) -> Result<Self, GrafanaError> {
        let mut connection = Connection::new(&config.url);
        connection.timeout = config.timeout;
        connection.bearer_token = config.token;
        connection.insecure_skip_verify = config.insecure_skip_verify;
        connection.ca_pem = config.ca_pem;
        let connection = connection
            .validated("Grafana")
            .map_err(GrafanaError::Network)?;
        let http = connection.build_client().map_err(GrafanaError::Network)?;
        Ok(GrafanaClient { http, connection })
    }

    /// Grafana's address without credentials.
    pub fn display_url(&self) -> String {
        self.connection.display_url()
    }

    /// Grafana's address for links (no credentials).
    pub fn base_url(&self) -> &str {
        &self.connection.url
    }

    /// Settings for a Prometheus client that queries a datasource through Grafana's proxy
    /// (`/api/datasources/proxy/uid/<uid>`), with this client's credentials.
    pub fn proxy_config(&self, datasource_uid: &str) -> PromConfig {
        let mut config = self.connection.clone();
        config.url = format!(
            "{}/api/datasources/proxy/uid/{}",
            self.connection.url,
            encode_segment(datasource_uid)
        );
        config
    }

    /// `GET /api/health`: Grafana's version, to tell "not Grafana" from "no access".
    pub async fn health(&self) -> Result<String, GrafanaError> {
        let value = self.get("/api/health", &[]).await?;
        Ok(value
            .get("version")
            .and_then(Value::as_str)
            .map(sanitize)
            .unwrap_or_default())
    }

    /// `GET /api/search`, every page.
    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, GrafanaError> {
        let mut hits = Vec::new();
        for page in 1..=MAX_SEARCH_PAGES {
            let value = self.get("/api/search", &query.params(page)).await?;
            let page_hits = parse_search(&value).map_err(|m| decode("/api/search", m))?;
            let raw = value.as_array().map_or(0, Vec::len);
            hits.extend(page_hits);
            if raw < SEARCH_PAGE_SIZE {
                break;
            }
        }
        Ok(hits)
    }

    /// `GET /api/dashboards/uid/<uid>`, unwrapped; a dashboard stored in the v2 schema (HTTP
    /// 406) is fetched through the `dashboard.grafana.app` API instead.
    pub async fn dashboard(&self, uid: &str) -> Result<DashboardDoc, GrafanaError> {
        let path = format!("/api/dashboards/uid/{}", encode_segment(uid));
        match self.get(&path, &[]).await {
            Ok(value) => parse_dashboard_doc(value).map_err(|m| decode(&path, m)),
            Err(GrafanaError::Http { status: 404, .. }) => Err(GrafanaError::Http {
                status: 404,
                path,
                message: format!("no dashboard with uid {:?}", sanitize(uid)),
            }),
            Err(GrafanaError::Http {
                status: 406,
                message,
                ..
            }) => self.dashboard_resource(uid, &message).await,
            Err(other) => Err(other),
        }
    }

    /// The dashboard object of `/apis/dashboard.grafana.app/<version>/namespaces/<ns>/
    /// dashboards/<uid>`: first where Grafana's refusal points, then each version it serves
    /// v2 dashboards under, in the namespace of `/api/frontend/settings`. A 404 moves on to
    /// the next place (that version is not served here); any other error ends the search.
    async fn dashboard_resource(
        &self,
        uid: &str,
        refusal: &str,
    ) -> Result<DashboardDoc, GrafanaError> {
        let named = named_in_refusal(refusal);
        let namespace = match &named {
            Some((_, namespace)) => namespace.clone(),
            None => self.namespace().await,
        };
        let mut tried = Vec::new();
        for (version, namespace) in places(named, &namespace) {
            let path = format!(
                "{}{}",
                collection_path(&version, &namespace),
                encode_segment(uid)
            );
            match self.get(&path, &[]).await {
                Ok(value) => return parse_resource(value).map_err(|m| decode(&path, m)),
                Err(GrafanaError::Http { status: 404, .. }) => tried.push(version),
                Err(other) => return Err(other),
            }
        }
        Err(GrafanaError::Http {
            status: 404,
            path: format!("/api/dashboards/uid/{}", encode_segment(uid)),
            message: format!(
                "dashboard {:?} is stored in the v2 schema, and Grafana's dashboard.grafana.app \
                 API has it under none of {} in namespace {namespace:?}",
                sanitize(uid),
                tried.join(", ")
            ),
        })
    }

    /// The namespace of the token's organisation (`namespace` of `/api/frontend/settings`);
    /// `default` when Grafana does not say (before 11) or the settings cannot be read.
    pub async fn namespace(&self) -> String {
        match self.get("/api/frontend/settings", &[]).await {
            Ok(settings) => sanitize(&frontend_namespace(&settings)),
            Err(_) => super::resource::DEFAULT_NAMESPACE.to_string(),
        }
    }

    /// `GET /api/org`: the id of the token's current organisation.
    pub async fn org_id(&self) -> Result<i64, GrafanaError> {
        let value = self.get("/api/org", &[]).await?;
        value
            .get("id")
            .and_then(Value::as_i64)
            .ok_or_else(|| decode("/api/org", "the answer has no numeric `id`".into()))
    }

    /// `GET /api/library-elements/<uid>`: a library panel's model. Errors carry Grafana's own
    /// message (a 404's is "library element could not be found"); the caller names the panel.
    pub async fn library_panel(&self, uid: &str) -> Result<LibraryPanel, GrafanaError> {
        let path = format!("/api/library-elements/{}", encode_segment(uid));
        let value = self.get(&path, &[]).await?;
        parse_library_element(value).map_err(|m| decode(&path, m))
    }

    /// `GET /api/datasources`.
    pub async fn datasources(&self) -> Result<Vec<DatasourceInfo>, GrafanaError> {
        let value = self.get("/api/datasources", &[]).await?;
        parse_datasources(&value).map_err(|m| decode("/api/datasources", m))
    }

    /// `GET /api/folders` (the top level with nested folders).
    pub async fn folders(&self) -> Result<Vec<Folder>, GrafanaError> {
        let params = [("limit", "1000".to_string())];
        let value = self.get("/api/folders", &params).await?;
        parse_folders(&value).map_err(|m| decode("/api/folders", m))
    }

    /// `GET /api/folders/<uid>`, with its parents when folders are nested.
    pub async fn folder(&self, uid: &str) -> Result<Folder, GrafanaError> {
        let path = format!("/api/folders/{}", encode_segment(uid));
        let value = self.get(&path, &[]).await?;
        parse_folder(&value).map_err(|m| decode(&path, m))
    }

    async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, GrafanaError> {
        let url = format!("{}{}", self.connection.url, path);
        let request = self
            .http
            .get(url)
            .query(query)
            .header("Accept", "application/json");
        let response = self
            .connection
            .authorise(request)
            .send()
            .await
            .map_err(|e| self.classify(e))?;
        let (status, _, body) = read_capped(response).await.map_err(|e| match e {
            ReadError::TooLarge => GrafanaError::TooLarge,
            ReadError::Broken(e) => self.classify(e),
        })?;
        if !(200..300).contains(&status) {
            return Err(GrafanaError::Http {
                status,
                path: path.to_string(),
                message: error_message(&body),
            });
        }
        serde_json::from_slice(&body).map_err(|e| decode(path, e.to_string()))
    }

    fn classify(&self, error: reqwest::Error) -> GrafanaError {
        if error.is_timeout() {
            return GrafanaError::Network(format!(
                "{} did not answer within {}s",
                self.display_url(),
                self.connection.timeout.as_secs()
            ));
        }
        GrafanaError::Network(format!("{} ({})", self.display_url(), describe(error)))
    }
}

fn decode(path: &str, message: String) -> GrafanaError {
    GrafanaError::Decode {
        path: path.to_string(),
        message: sanitize(&message),
    }
}

/// Grafana's errors are `{"message": "..."}`; anything else is shown by its first line.
fn error_message(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<Value>(body)
        && let Some(message) = value.get("message").and_then(Value::as_str)
    {
        return sanitize(message);
    }
    let text = String::from_utf8_lossy(body);
    let line: String = text
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .take(300)
        .collect();
    if line.is_empty() {
        "empty body".into()
    } else {
        sanitize(&line)
    }
}

/// Percent-encode one path segment (uids are `[A-Za-z0-9_-]` in practice; anything else is
/// encoded rather than trusted).
fn encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show() {
        let mut config = GrafanaConfig::new("https://admin:pw-secret@grafana.example/");
        config.token = Some("glsa_secret".into());
        assert!(!format!("{config:?}").contains("secret"));
        let client = GrafanaClient::new(config).unwrap();
        assert_eq!(client.display_url(), "https://grafana.example");
        assert!(!format!("{client:?}").contains("secret"));
        let proxy = client.proxy_config("P1/../x");
        assert_eq!(
            proxy.url,
            "https://grafana.example/api/datasources/proxy/uid/P1%2F..%2Fx"
        );
        assert_eq!(proxy.bearer_token.as_deref(), Some("glsa_secret"));
    }

    #[test]
    fn error_messages_come_from_grafanas_json() {
        assert_eq!(
            error_message(br#"{"message":"invalid API key"}"#),
            "invalid API key"
        );
        assert_eq!(error_message(b"<html>\nbad gateway"), "<html>");
        assert_eq!(error_message(b""), "empty body");
        let e = GrafanaError::Http {
            status: 401,
            path: "/api/search".into(),
            message: "invalid API key".into(),
        };
        assert!(e.to_string().contains("TRIAGE_GRAFANA_TOKEN"), "{e}");
        assert!(GrafanaClient::new(GrafanaConfig::new("ftp://x")).is_err());
    }
}
