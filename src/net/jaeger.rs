//! Jaeger's query HTTP API, decoded into traces with spans that name their parent and service.
//! Text is sanitised here.
//!
//! Search asks the API v3 first (`/api/v3/traces?query.service_name=…`, OTLP JSON; Jaeger 2
//! removed the legacy `/api/traces?service=`) and falls back to the legacy search when this
//! Jaeger has no API v3. One trace comes from `/api/traces/<id>`, which both keep, read as the
//! legacy envelope or OTLP, whichever the body is (so a Tempo given as Jaeger works too).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::edge::{EdgeClient, Failure, FailureKind};
use super::sanitize::sanitize;
pub use crate::data::{Span, Trace};

#[derive(Clone, Debug)]
pub struct JaegerClient {
    edge: EdgeClient,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    data: Option<Vec<RawTrace>>,
    #[serde(default)]
    errors: Option<Vec<RawError>>,
}

#[derive(Deserialize)]
struct RawError {
    #[serde(default)]
    msg: String,
}

#[derive(Deserialize)]
struct RawTrace {
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(default)]
    spans: Vec<RawSpan>,
    #[serde(default)]
    processes: BTreeMap<String, RawProcess>,
}

#[derive(Deserialize)]
struct RawSpan {
    #[serde(rename = "spanID")]
    span_id: String,
    #[serde(rename = "operationName", default)]
    operation: String,
    #[serde(default)]
    references: Vec<RawReference>,
    #[serde(rename = "startTime", default)]
    start: i64,
    #[serde(default)]
    duration: i64,
    #[serde(default)]
    tags: Vec<RawTag>,
    #[serde(rename = "processID", default)]
    process_id: String,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "refType", default)]
    ref_type: String,
    #[serde(rename = "spanID", default)]
    span_id: String,
}

#[derive(Deserialize)]
struct RawTag {
    key: String,
    #[serde(default)]
    value: serde_json::Value,
}

#[derive(Deserialize)]
struct RawProcess {
    #[serde(rename = "serviceName", default)]
    service: String,
}

impl JaegerClient {
    pub fn new(url: &str) -> Result<Self, String> {
        Self::with(super::http::Connection::drill_down(url))
    }

    /// A client with credentials, tenant and extra headers, CA file.
    pub fn with(connection: super::http::Connection) -> Result<Self, String> {
        // Tempo answers protobuf unless JSON is asked for; Jaeger answers JSON either way.
        let connection = connection.accepting_json();
        Ok(JaegerClient {
            edge: EdgeClient::with(connection, "Jaeger")?,
        })
    }

    pub fn display_url(&self) -> String {
        self.edge.display_url()
    }

    /// Traces of a service in a window (ms), slowest first: by the API v3 when this Jaeger
    /// has it, else by the legacy search.
    pub async fn search(
        &self,
        service: &str,
        start_ms: i64,
        end_ms: i64,
        limit: usize,
    ) -> Result<Vec<Trace>, String> {
        let mut traces = match self.search_v3(service, start_ms, end_ms, limit).await {
            Ok(traces) => traces,
            // Jaeger 2 answers 404 "No traces found" for an empty search, as an unknown path
            // does on a Jaeger without the API v3: its services endpoint tells them apart.
            Err(e) if e.kind == FailureKind::NotFound => match self.has_v3().await? {
                true => Vec::new(),
                false => self.search_legacy(service, start_ms, end_ms, limit).await?,
            },
            // Not JSON: an older gateway streaming results, or a UI page for an unknown path.
            Err(e) if e.kind == FailureKind::NotJson => {
                self.search_legacy(service, start_ms, end_ms, limit).await?
            }
            Err(e) => return Err(e.message),
        };
        traces.sort_by_key(|t| std::cmp::Reverse(t.duration_us()));
        traces.truncate(limit);
        Ok(traces)
    }

    /// `GET /api/v3/traces` (times in RFC 3339), OTLP JSON.
    async fn search_v3(
        &self,
        service: &str,
        start_ms: i64,
        end_ms: i64,
        limit: usize,
    ) -> Result<Vec<Trace>, Failure> {
        let rfc3339 = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let query = [
            ("query.service_name", service.to_string()),
            ("query.start_time_min", rfc3339(start_ms)),
            ("query.start_time_max", rfc3339(end_ms)),
            ("query.num_traces", limit.to_string()),
        ];
        let value = self.edge.get("/api/v3/traces", &query).await?;
        self.decode_any(&value).map_err(|message| Failure {
            kind: FailureKind::Other,
            message,
        })
    }

    /// Whether `/api/v3/services` answers as the API v3 does (`{"services": […]}`).
    async fn has_v3(&self) -> Result<bool, String> {
        match self.edge.get("/api/v3/services", &[]).await {
            Ok(value) => Ok(value.get("services").is_some()),
            Err(e) if e.kind != FailureKind::Other => Ok(false),
            Err(e) => Err(e.message),
        }
    }

    /// The legacy `GET /api/traces?service=…` (times in µs).
    async fn search_legacy(
        &self,
        service: &str,
        start_ms: i64,
        end_ms: i64,
        limit: usize,
    ) -> Result<Vec<Trace>, String> {
        let query = [
            ("service", service.to_string()),
            ("start", (start_ms * 1000).to_string()),
            ("end", (end_ms * 1000).to_string()),
            ("limit", limit.to_string()),
        ];
        let value = self.edge.get_json("/api/traces", &query).await?;
        self.decode_any(&value)
    }

    /// One trace by id.
    pub async fn trace(&self, trace_id: &str) -> Result<Trace, String> {
        let id: String = trace_id.chars().filter(char::is_ascii_hexdigit).collect();
        if id.is_empty() {
            return Err(format!("{:?} is not a trace id", sanitize(trace_id)));
        }
        let value = self
            .edge
            .get_json(&format!("/api/traces/{id}"), &[])
            .await?;
        self.decode_any(&value)?
            .into_iter()
            .next()
            .ok_or_else(|| format!("Jaeger has no trace {id}"))
    }

    /// The legacy envelope or OTLP JSON, whichever the body is.
    fn decode_any(&self, value: &serde_json::Value) -> Result<Vec<Trace>, String> {
        if value.get("data").is_some() || value.get("errors").is_some() {
            decode_traces(value.clone())
        } else if super::otlp::is_otlp(value) {
            super::otlp::decode_traces(value, "Jaeger")
        } else {
            Err(format!(
                "Jaeger ({}) answered in a format that is not Jaeger's or OTLP",
                self.display_url()
            ))
        }
    }
}

/// Jaeger's `{"data": [trace…], "errors": …}` envelope.
pub fn decode_traces(value: serde_json::Value) -> Result<Vec<Trace>, String> {
    let answer: Answer = serde_json::from_value(value)
        .map_err(|e| format!("Jaeger: not a traces answer: {}", sanitize(&e.to_string())))?;
    if let Some(error) = answer.errors.as_ref().and_then(|e| e.first()) {
        return Err(format!("Jaeger: {}", sanitize(&error.msg)));
    }
    Ok(answer
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            let spans = t
                .spans
                .into_iter()
                .map(|s| {
                    let parent = s
                        .references
                        .iter()
                        .find(|r| r.ref_type == "CHILD_OF")
                        .or_else(|| s.references.first())
                        .map(|r| sanitize(&r.span_id));
                    let error = s.tags.iter().any(|tag| {
                        tag.key == "error"
                            && (tag.value == serde_json::Value::Bool(true) || tag.value == "true")
                    });
                    Span {
                        span_id: sanitize(&s.span_id),
                        parent,
                        operation: sanitize(&s.operation),
                        service: t
                            .processes
                            .get(&s.process_id)
                            .map(|p| sanitize(&p.service))
                            .unwrap_or_default(),
                        start_us: s.start,
                        duration_us: s.duration.max(0),
                        error,
                    }
                })
                .collect();
            Trace {
                trace_id: sanitize(&t.trace_id),
                spans,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_know_their_parent_and_service() {
        let value = serde_json::json!({"data": [{
            "traceID": "abc", "warnings": null,
            "processes": {"p1": {"serviceName": "gw", "tags": []}, "p2": {"serviceName": "model", "tags": []}},
            "spans": [
                {"traceID": "abc", "spanID": "1", "operationName": "POST /v1/predict", "references": [], "startTime": 1000, "duration": 500, "tags": [], "logs": [], "processID": "p1"},
                {"traceID": "abc", "spanID": "2", "operationName": "infer", "references": [{"refType": "CHILD_OF", "traceID": "abc", "spanID": "1"}], "startTime": 1100, "duration": 450, "tags": [{"key": "error", "type": "bool", "value": true}], "logs": [], "processID": "p2"}
            ]}], "total": 0, "limit": 0, "offset": 0, "errors": null});
        let traces = decode_traces(value).unwrap();
        let t = &traces[0];
        assert_eq!(t.root().unwrap().operation, "POST /v1/predict");
        assert_eq!(t.spans[1].parent.as_deref(), Some("1"));
        assert_eq!(t.spans[1].service, "model");
        assert!(t.has_error());
        assert_eq!(t.duration_us(), 550);
    }

    #[test]
    fn jaeger_errors_are_reported() {
        let value =
            serde_json::json!({"data": null, "errors": [{"code": 404, "msg": "trace not found"}]});
        assert_eq!(decode_traces(value).unwrap_err(), "Jaeger: trace not found");
    }
}
