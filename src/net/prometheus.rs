//! A small client for the Prometheus HTTP API (`/api/v1/...`), shared by every command.
//!
//! Queries go as POST forms (Grafana's default `httpMethod`), so long expressions with many
//! variable values never hit URL length limits. Everything decoded from a response is
//! sanitised (see `sanitize`) before it leaves this module.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::http::{MAX_RESPONSE_BYTES, ReadError, describe, first_line, read_capped};
use super::sanitize::sanitize;
pub use crate::data::{Alert, Exemplar, QueryAnswer, RawSeries, ScrapeTarget};

/// Why a request failed, phrased for the panel that shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum PromError {
    /// Prometheus answered with an error (`errorType`, `error`) or a non-2xx status.
    Api {
        status: u16,
        kind: String,
        message: String,
    },
    /// Could not connect, or the connection broke.
    Network(String),
    Timeout(Duration),
    /// The connection ended before the whole answer arrived.
    Truncated(String),
    /// The answer was larger than triage accepts (bytes).
    TooLarge(usize),
    /// The body was not the JSON the API documents.
    Decode(String),
}

impl std::fmt::Display for PromError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PromError::Api {
                status,
                kind,
                message,
            } if kind.is_empty() => {
                write!(f, "HTTP {status}: {message}")
            }
            PromError::Api {
                status,
                kind,
                message,
            } => write!(f, "{kind} (HTTP {status}): {message}"),
            PromError::Network(m) => write!(f, "cannot reach Prometheus: {m}"),
            PromError::Timeout(d) => write!(f, "query timed out after {}s", d.as_secs()),
            PromError::Truncated(m) => write!(f, "answer from Prometheus cut short: {m}"),
            PromError::TooLarge(limit) => {
                write!(
                    f,
                    "answer larger than {} MB: narrow the query or the time range",
                    limit / 1_000_000
                )
            }
            PromError::Decode(m) => write!(f, "unexpected answer from Prometheus: {m}"),
        }
    }
}

impl std::error::Error for PromError {}

/// How to reach a Prometheus API (credentials never appear in `Debug` or messages).
pub type PromConfig = super::http::Connection;

#[derive(Clone)]
pub struct PromClient {
    http: reqwest::Client,
    config: PromConfig,
}

impl std::fmt::Debug for PromClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PromClient({})", self.display_url())
    }
}

#[derive(Deserialize)]
struct Envelope<T> {
    status: String,
    #[serde(default = "Option::default")]
    data: Option<T>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

impl PromClient {
    pub fn new(config: PromConfig) -> Result<Self, PromError> {
        let config = config.validated("Prometheus").map_err(PromError::Network)?;
        let http = config.build_client().map_err(PromError::Network)?;
        Ok(PromClient { http, config })
    }

    /// The URL without credentials, for status lines and messages; says when TLS
    /// verification is off.
    pub fn display_url(&self) -> String {
        self.config.display_url()
    }

    /// What the status line names as the data source: the URL, or for a datasource reached
    /// through Grafana's proxy, Grafana's address and the datasource's uid (the proxy path is
    /// long and says nothing more).
    pub fn source_label(&self) -> String {
        let url = self.display_url();
        match url.split_once("/api/datasources/proxy/uid/") {
            Some((grafana, uid)) if !uid.is_empty() => {
                let uid = uid.trim_end_matches('/');
                let uid = sanitize(&percent_encoding::percent_decode_str(uid).decode_utf8_lossy());
                format!("{grafana} (Grafana) · datasource {uid}")
            }
            _ => url,
        }
    }

    /// `GET|POST /api/v1/query_range`.
    pub async fn query_range(
        &self,
        expr: &str,
        start_s: f64,
        end_s: f64,
        step_s: f64,
    ) -> Result<QueryAnswer, PromError> {
        let form = [
            ("query", expr.to_string()),
            ("start", fmt_seconds(start_s)),
            ("end", fmt_seconds(end_s)),
            ("step", fmt_seconds(step_s)),
        ];
        let url = format!("{}/api/v1/query_range", self.config.url);
        self.send_query(self.authorise(self.http.post(url)).form(&form))
            .await
    }

    /// `/api/v1/query` at one instant.
    pub async fn query_instant(&self, expr: &str, time_s: f64) -> Result<QueryAnswer, PromError> {
        let form = [("query", expr.to_string()), ("time", fmt_seconds(time_s))];
        let url = format!("{}/api/v1/query", self.config.url);
        self.send_query(self.authorise(self.http.post(url)).form(&form))
            .await
    }

    /// `/api/v1/label/<label>/values`, optionally restricted by a series selector.
    pub async fn label_values(
        &self,
        label: &str,
        selector: Option<&str>,
        start_s: f64,
        end_s: f64,
    ) -> Result<Vec<String>, PromError> {
        let mut query = vec![("start", fmt_seconds(start_s)), ("end", fmt_seconds(end_s))];
        if let Some(sel) = selector {
            query.push(("match[]", sel.to_string()));
        }
        let path = format!("/api/v1/label/{}/values", percent_encode_path(label));
        let (data, _, _) = self.get(&path, &query).await?;
        decode_strings(data)
    }

    /// `/api/v1/labels`, optionally restricted by a series selector.
    pub async fn label_names(
        &self,
        selector: Option<&str>,
        start_s: f64,
        end_s: f64,
    ) -> Result<Vec<String>, PromError> {
        let mut form = vec![("start", fmt_seconds(start_s)), ("end", fmt_seconds(end_s))];
        if let Some(sel) = selector {
            form.push(("match[]", sel.to_string()));
        }
        let (data, _, _) = self.post("/api/v1/labels", &form).await?;
        decode_strings(data)
    }

    /// `/api/v1/metadata?metric=<metric>`: the TYPE, HELP and unit its targets expose (the
    /// first entry when targets disagree); `None` when no target says.
    pub async fn metadata(
        &self,
        metric: &str,
    ) -> Result<Option<crate::grafana::promql_complete::MetricInfo>, PromError> {
        #[derive(Deserialize)]
        struct Entry {
            #[serde(rename = "type", default)]
            kind: String,
            #[serde(default)]
            help: String,
            #[serde(default)]
            unit: String,
        }
        let query = [("metric", metric.to_string()), ("limit", "1".to_string())];
        let (data, _, _) = self.get("/api/v1/metadata", &query).await?;
        let mut by_metric: BTreeMap<String, Vec<Entry>> =
            serde_json::from_value(data).map_err(|e| PromError::Decode(e.to_string()))?;
        let entry = by_metric.remove(metric).and_then(|e| e.into_iter().next());
        Ok(entry.map(|e| crate::grafana::promql_complete::MetricInfo {
            kind: sanitize(&e.kind),
            help: sanitize(&e.help),
            unit: sanitize(&e.unit),
        }))
    }

    /// `/api/v1/series`: the label sets of the series matching a selector.
    pub async fn series(
        &self,
        selector: &str,
        start_s: f64,
        end_s: f64,
    ) -> Result<Vec<BTreeMap<String, String>>, PromError> {
        let form = [
            ("match[]", selector.to_string()),
            ("start", fmt_seconds(start_s)),
            ("end", fmt_seconds(end_s)),
        ];
        let (data, _, _) = self.post("/api/v1/series", &form).await?;
        let sets: Vec<BTreeMap<String, String>> =
            serde_json::from_value(data).map_err(|e| PromError::Decode(e.to_string()))?;
        Ok(sets.into_iter().map(sanitize_labels).collect())
    }

    /// `/api/v1/alerts`: the alerts of Prometheus's alerting rules that are pending or firing.
    pub async fn alerts(&self) -> Result<Vec<Alert>, PromError> {
        let (data, _, _) = self.get("/api/v1/alerts", &[]).await?;
        #[derive(Deserialize)]
        struct Alerts {
            alerts: Vec<RawAlert>,
        }
        #[derive(Deserialize)]
        struct RawAlert {
            #[serde(default)]
            labels: BTreeMap<String, String>,
            #[serde(default)]
            annotations: BTreeMap<String, String>,
            #[serde(default)]
            state: String,
            #[serde(default, rename = "activeAt")]
            active_at: Option<String>,
            #[serde(default)]
            value: String,
        }
        let alerts: Alerts =
            serde_json::from_value(data).map_err(|e| PromError::Decode(e.to_string()))?;
        Ok(alerts
            .alerts
            .into_iter()
            .map(|a| Alert {
                labels: sanitize_labels(a.labels),
                annotations: sanitize_labels(a.annotations),
                state: sanitize(&a.state),
                active_at_ms: a
                    .active_at
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                    .map(|t| t.timestamp_millis()),
                value: sanitize(&a.value),
                source: "prometheus".into(),
                suppressed: None,
            })
            .collect())
    }

    /// The `global` section of the running configuration (`/api/v1/status/config`): the
    /// scrape interval and the external labels Prometheus adds to the alerts it sends
    /// Alertmanager (not shown in `/api/v1/alerts`).
    pub async fn config_globals(&self) -> Result<ConfigGlobals, PromError> {
        let (data, _, _) = self.get("/api/v1/status/config", &[]).await?;
        let yaml = data
            .get("yaml")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        config_globals(yaml)
    }

    /// `/api/v1/targets?state=active`: every active target's labels and scrape interval
    /// (Prometheus 2.x gives `scrapeInterval` per target since 2.25).
    pub async fn scrape_targets(&self) -> Result<Vec<ScrapeTarget>, PromError> {
        let (data, _, _) = self
            .get("/api/v1/targets", &[("state", "active".to_string())])
            .await?;
        decode_targets(data)
    }

    /// `/api/v1/query_exemplars`: exemplars of the series an expression selects, in a window.
    pub async fn exemplars(
        &self,
        expr: &str,
        start_s: f64,
        end_s: f64,
    ) -> Result<Vec<Exemplar>, PromError> {
        let form = [
            ("query", expr.to_string()),
            ("start", fmt_seconds(start_s)),
            ("end", fmt_seconds(end_s)),
        ];
        let (data, _, _) = self.post("/api/v1/query_exemplars", &form).await?;
        decode_exemplars(data)
    }

    /// `/-/ready`: true when Prometheus answers 200.
    pub async fn ready(&self) -> bool {
        let url = format!("{}/-/ready", self.config.url);
        matches!(self.authorise(self.http.get(url)).send().await, Ok(r) if r.status().is_success())
    }

    async fn post(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<(serde_json::Value, Vec<String>, usize), PromError> {
        let url = format!("{}{}", self.config.url, path);
        let request = self.authorise(self.http.post(url)).form(form);
        self.send(request).await
    }

    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(serde_json::Value, Vec<String>, usize), PromError> {
        let url = format!("{}{}", self.config.url, path);
        let request = self.authorise(self.http.get(url)).query(query);
        self.send(request).await
    }

    fn authorise(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        self.config.authorise(request)
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(serde_json::Value, Vec<String>, usize), PromError> {
        let body = self.fetch(request).await?;
        let (data, warnings) = self.open::<serde_json::Value>(&body)?;
        Ok((data.unwrap_or_default(), warnings, body.bytes.len()))
    }

    /// A query's answer decoded straight from the body into series: no JSON tree and no
    /// string per sample on the way (a range answer's tree took about eight times the
    /// memory of its points).
    async fn send_query(&self, request: reqwest::RequestBuilder) -> Result<QueryAnswer, PromError> {
        let body = self.fetch(request).await?;
        let (data, warnings) = self.open::<QueryData<'_>>(&body)?;
        let data = data.ok_or_else(|| PromError::Decode("the answer has no data".into()))?;
        let series = decode_query_result(&data.result_type, data.result.get())?;
        Ok(QueryAnswer {
            result_type: data.result_type,
            series,
            warnings,
            bytes: body.bytes.len(),
        })
    }

    async fn fetch(&self, request: reqwest::RequestBuilder) -> Result<Body, PromError> {
        let response = request.send().await.map_err(|e| self.classify(e))?;
        let (status, content_type, bytes) = read_capped(response).await.map_err(|e| match e {
            ReadError::TooLarge => PromError::TooLarge(MAX_RESPONSE_BYTES),
            ReadError::Broken(e) => match self.classify(e) {
                PromError::Network(m) => PromError::Truncated(m),
                other => other,
            },
        })?;
        Ok(Body {
            status,
            content_type,
            bytes,
        })
    }

    /// The API envelope around `data`: Prometheus's error, or what is not the API at all,
    /// said as such.
    fn open<'a, T: Deserialize<'a>>(
        &self,
        body: &'a Body,
    ) -> Result<(Option<T>, Vec<String>), PromError> {
        let (status, content_type) = (body.status, &body.content_type);
        let envelope: Envelope<T> = match serde_json::from_slice(&body.bytes) {
            Ok(envelope) => envelope,
            Err(_) if status >= 300 => {
                let text = first_line(&String::from_utf8_lossy(&body.bytes));
                return Err(PromError::Api {
                    status,
                    kind: String::new(),
                    message: if text.is_empty() {
                        "empty body".into()
                    } else {
                        sanitize(&text)
                    },
                });
            }
            // A page or an exporter's metrics (a wrong port) rather than the API.
            Err(_) if !content_type.contains("json") => {
                return Err(PromError::Decode(format!(
                    "{} answered with {}; is this the Prometheus URL?",
                    self.display_url(),
                    sanitize(if content_type.is_empty() {
                        "no content type"
                    } else {
                        content_type
                    })
                )));
            }
            Err(e) => return Err(PromError::Decode(sanitize(&e.to_string()))),
        };
        if envelope.status != "success" {
            return Err(PromError::Api {
                status,
                kind: sanitize(envelope.error_type.as_deref().unwrap_or("error")),
                message: sanitize(envelope.error.as_deref().unwrap_or("no error message")),
            });
        }
        let warnings = envelope.warnings.iter().map(|w| sanitize(w)).collect();
        Ok((envelope.data, warnings))
    }

    fn classify(&self, error: reqwest::Error) -> PromError {
        if error.is_timeout() {
            return PromError::Timeout(self.config.timeout);
        }
        // `describe` drops the URL from reqwest's message so no credential can leak.
        PromError::Network(sanitize(&format!(
            "{} ({})",
            self.display_url(),
            describe(error)
        )))
    }
}

/// A response body and what the server said it is.
struct Body {
    status: u16,
    content_type: String,
    bytes: Vec<u8>,
}

#[derive(Deserialize)]
struct QueryData<'a> {
    #[serde(rename = "resultType")]
    result_type: String,
    #[serde(borrow)]
    result: &'a serde_json::value::RawValue,
}

/// A `matrix` or `vector` item; samples are `[seconds, "value"]`, the value read in place.
#[derive(Deserialize)]
struct SeriesItem {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Sample>,
    #[serde(default)]
    value: Option<Sample>,
}

/// One sample as (ms, value): `"NaN"`, `"+Inf"` and numbers, as Prometheus writes them.
struct Sample(i64, f64);

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Borrowed where the text has no escapes (always, for numbers), owned otherwise.
        let (t, v): (f64, std::borrow::Cow<'de, str>) = Deserialize::deserialize(d)?;
        let (ms, value) = to_point(t, &v);
        Ok(Sample(ms, value))
    }
}

fn decode_query_result(result_type: &str, result: &str) -> Result<Vec<RawSeries>, PromError> {
    let decode = |e: serde_json::Error| PromError::Decode(e.to_string());
    Ok(match result_type {
        "matrix" | "vector" => serde_json::from_str::<Vec<SeriesItem>>(result)
            .map_err(decode)?
            .into_iter()
            .map(|item| RawSeries {
                labels: sanitize_labels(item.metric),
                points: item
                    .values
                    .into_iter()
                    .chain(item.value)
                    .map(|Sample(t, v)| (t, v))
                    .collect(),
            })
            .collect(),
        "scalar" | "string" => {
            let Sample(t, v) = serde_json::from_str(result).map_err(decode)?;
            vec![RawSeries {
                labels: BTreeMap::new(),
                points: vec![(t, v)],
            }]
        }
        other => {
            return Err(PromError::Decode(format!(
                "unknown resultType {:?}",
                sanitize(other)
            )));
        }
    })
}

#[derive(Deserialize)]
struct RawExemplars {
    #[serde(rename = "seriesLabels", default)]
    series_labels: BTreeMap<String, String>,
    #[serde(default)]
    exemplars: Vec<RawExemplar>,
}

#[derive(Deserialize)]
struct RawExemplar {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    value: String,
    timestamp: f64,
}

fn decode_exemplars(data: serde_json::Value) -> Result<Vec<Exemplar>, PromError> {
    if data.is_null() {
        return Ok(Vec::new());
    }
    let sets: Vec<RawExemplars> =
        serde_json::from_value(data).map_err(|e| PromError::Decode(e.to_string()))?;
    let mut out = Vec::new();
    for set in sets {
        let series_labels = sanitize_labels(set.series_labels);
        for e in set.exemplars {
            out.push(Exemplar {
                series_labels: series_labels.clone(),
                labels: sanitize_labels(e.labels),
                value: e.value.parse().unwrap_or(f64::NAN),
                at_ms: (e.timestamp * 1000.0).round() as i64,
            });
        }
    }
    out.sort_by_key(|e| e.at_ms);
    Ok(out)
}

fn decode_strings(data: serde_json::Value) -> Result<Vec<String>, PromError> {
    let values: Vec<String> =
        serde_json::from_value(data).map_err(|e| PromError::Decode(e.to_string()))?;
    Ok(values.iter().map(|v| sanitize(v)).collect())
}

fn sanitize_labels(labels: BTreeMap<String, String>) -> BTreeMap<String, String> {
    labels
        .into_iter()
        .map(|(k, v)| (sanitize(&k), sanitize(&v)))
        .collect()
}

fn decode_targets(data: serde_json::Value) -> Result<Vec<ScrapeTarget>, PromError> {
    #[derive(Deserialize)]
    struct Targets {
        #[serde(rename = "activeTargets", default)]
        active: Vec<Target>,
    }
    #[derive(Deserialize)]
    struct Target {
        #[serde(default)]
        labels: BTreeMap<String, String>,
        #[serde(rename = "scrapeInterval")]
        scrape_interval: Option<String>,
    }
    let targets: Targets =
        serde_json::from_value(data).map_err(|e| PromError::Decode(format!("targets: {e}")))?;
    Ok(targets
        .active
        .into_iter()
        .filter_map(|t| {
            Some(ScrapeTarget {
                labels: sanitize_labels(t.labels),
                scrape_interval: sanitize(&t.scrape_interval?),
            })
        })
        .collect())
}

/// The `global` section of a Prometheus configuration file, as far as triage needs it.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ConfigGlobals {
    /// `None` when the file sets none (Prometheus then scrapes every 1m).
    #[serde(default)]
    pub scrape_interval: Option<String>,
    #[serde(default)]
    pub external_labels: BTreeMap<String, String>,
}

fn config_globals(yaml: &str) -> Result<ConfigGlobals, PromError> {
    #[derive(Deserialize, Default)]
    struct Config {
        #[serde(default)]
        global: ConfigGlobals,
    }
    let config: Config = yaml_serde::from_str(yaml)
        .map_err(|e| PromError::Decode(format!("configuration: {}", sanitize(&e.to_string()))))?;
    let mut globals = config.global;
    globals.external_labels = sanitize_labels(globals.external_labels);
    globals.scrape_interval = globals.scrape_interval.map(|s| sanitize(&s));
    Ok(globals)
}

/// Prometheus sends sample values as strings (`"1.5"`, `"NaN"`, `"+Inf"`).
fn to_point(t: f64, v: &str) -> (i64, f64) {
    ((t * 1000.0).round() as i64, v.parse().unwrap_or(f64::NAN))
}

fn fmt_seconds(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{}", s as i64)
    } else {
        format!("{s:.3}")
    }
}

pub(super) fn percent_encode_path(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `data` of an answer decoded as a query's answer is.
    fn decode_result(data: serde_json::Value) -> Result<(String, Vec<RawSeries>), PromError> {
        let text = data.to_string();
        let data: QueryData<'_> = serde_json::from_str(&text).unwrap();
        let series = decode_query_result(&data.result_type, data.result.get())?;
        Ok((data.result_type, series))
    }

    #[test]
    fn decodes_matrix_with_special_values() {
        let data = serde_json::json!({"resultType": "matrix", "result": [
            {"metric": {"__name__": "up", "job": "a\u{1b}[31m"}, "values": [[1700000000, "1"], [1700000015.5, "NaN"], [1700000030, "+Inf"]]}
        ]});
        let (_, series) = decode_result(data).unwrap();
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].points[0], (1_700_000_000_000, 1.0));
        assert_eq!(series[0].points[1].0, 1_700_000_015_500);
        assert!(series[0].points[1].1.is_nan());
        assert_eq!(series[0].points[2].1, f64::INFINITY);
        assert!(!series[0].labels["job"].contains('\u{1b}'));
    }

    #[test]
    fn scrape_interval_and_external_labels_come_from_the_global_section() {
        let yaml = "global:\n  scrape_interval: 15s\n  external_labels:\n    cluster: eu-1\n    replica: a\nscrape_configs: []\n";
        let globals = config_globals(yaml).unwrap();
        assert_eq!(globals.external_labels.len(), 2);
        assert_eq!(globals.external_labels["replica"], "a");
        assert_eq!(globals.scrape_interval.as_deref(), Some("15s"));
        let stock = config_globals("global:\n  evaluation_interval: 1m\n").unwrap();
        assert!(stock.external_labels.is_empty());
        assert_eq!(stock.scrape_interval, None);
    }

    #[test]
    fn decodes_vector_and_scalar() {
        let v = serde_json::json!({"resultType": "vector", "result": [{"metric": {}, "value": [1700000000, "42"]}]});
        assert_eq!(
            decode_result(v).unwrap().1[0].points,
            vec![(1_700_000_000_000, 42.0)]
        );
        // An escaped value is read too (owned rather than borrowed).
        let escaped: serde_json::Value = serde_json::from_str(
            r#"{"resultType": "vector", "result": [{"value": [1, "4\u0032"]}]}"#,
        )
        .unwrap();
        assert_eq!(
            decode_result(escaped).unwrap().1[0].points,
            vec![(1000, 42.0)]
        );
        let s = serde_json::json!({"resultType": "scalar", "result": [1700000000, "3"]});
        assert_eq!(
            decode_result(s).unwrap().1[0].points,
            vec![(1_700_000_000_000, 3.0)]
        );
    }

    #[test]
    fn exemplars_carry_their_trace_id() {
        let data = serde_json::json!([{"seriesLabels": {"le": "0.5"}, "exemplars": [
            {"labels": {"trace_id": "00ab"}, "value": "0.42", "timestamp": 1700000001.5}
        ]}]);
        let e = decode_exemplars(data).unwrap();
        assert_eq!(e[0].trace_id(), Some("00ab"));
        assert_eq!((e[0].value, e[0].at_ms), (0.42, 1_700_000_001_500));
        assert!(
            decode_exemplars(serde_json::Value::Null)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn credentials_leave_the_url() {
        let client =
            PromClient::new(PromConfig::new("http://bob:hunter2@localhost:9090/")).unwrap();
        assert_eq!(client.display_url(), "http://localhost:9090");
        assert!(!format!("{client:?}").contains("hunter2"));
    }

    #[test]
    fn a_grafana_proxy_is_named_by_grafana_and_datasource() {
        let proxied = PromClient::new(PromConfig::new(
            "https://grafana.example/api/datasources/proxy/uid/prom%2Deu",
        ))
        .unwrap();
        assert_eq!(
            proxied.source_label(),
            "https://grafana.example (Grafana) · datasource prom-eu"
        );
        let plain = PromClient::new(PromConfig::new("http://prom:9090")).unwrap();
        assert_eq!(plain.source_label(), "http://prom:9090");
    }
}
