//! Tempo's HTTP API for the traces panes: `/api/search` by service, then each trace found by
//! id from `/api/traces/<id>` (OTLP JSON when asked with `Accept: application/json`; Tempo's
//! default is protobuf). Text is sanitised here and in `otlp`.

use serde::Deserialize;

use super::edge::EdgeClient;
use super::http::Connection;
use super::sanitize::sanitize;
use crate::data::{Span, Trace};

#[derive(Clone, Debug)]
pub struct TempoClient {
    edge: EdgeClient,
}

/// `/api/search`'s answer: trace summaries (other fields, like `metrics`, are left).
#[derive(Deserialize)]
struct SearchAnswer {
    #[serde(default)]
    traces: Vec<Summary>,
}

#[derive(Deserialize, Clone)]
struct Summary {
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(rename = "rootServiceName", default)]
    root_service: String,
    #[serde(rename = "rootTraceName", default)]
    root_name: String,
    #[serde(rename = "startTimeUnixNano", default)]
    start_ns: serde_json::Value,
    #[serde(rename = "durationMs", default)]
    duration_ms: Option<i64>,
}

impl TempoClient {
    pub fn new(url: &str) -> Result<Self, String> {
        Self::with(Connection::drill_down(url))
    }

    /// A client with credentials, tenant and extra headers, CA file; it asks for JSON.
    pub fn with(connection: Connection) -> Result<Self, String> {
        let connection = connection.accepting_json();
        Ok(TempoClient {
            edge: EdgeClient::with(connection, "Tempo")?,
        })
    }

    pub fn display_url(&self) -> String {
        self.edge.display_url()
    }

    /// Traces of a service in a window (ms), slowest first: the search's summaries, each
    /// fetched whole by id (at most `limit`, concurrently) so the pane shows span counts and
    /// errors; a trace that cannot be fetched stays a summary (its root span only).
    pub async fn search(
        &self,
        service: &str,
        start_ms: i64,
        end_ms: i64,
        limit: usize,
    ) -> Result<Vec<Trace>, String> {
        let query = [
            ("tags", format!("service.name={service}")),
            ("start", start_ms.div_euclid(1000).to_string()),
            ("end", (end_ms + 999).div_euclid(1000).to_string()),
            ("limit", limit.to_string()),
        ];
        let value = self.edge.get_json("/api/search", &query).await?;
        let answer: SearchAnswer = serde_json::from_value(value).map_err(|e| {
            format!(
                "Tempo ({}) answered in a format that is not Tempo's search: {}",
                self.display_url(),
                sanitize(&e.to_string())
            )
        })?;
        let summaries: Vec<Summary> = answer.traces.into_iter().take(limit).collect();
        let fetched =
            futures::future::join_all(summaries.iter().map(|s| self.trace(&s.trace_id))).await;
        let mut traces: Vec<Trace> = summaries
            .iter()
            .zip(fetched)
            .map(|(summary, whole)| whole.unwrap_or_else(|_| summary_trace(summary)))
            .collect();
        traces.sort_by_key(|t| std::cmp::Reverse(t.duration_us()));
        Ok(traces)
    }

    /// One trace by id (hex; Tempo's search may drop leading zeros, which it accepts back).
    pub async fn trace(&self, trace_id: &str) -> Result<Trace, String> {
        let id: String = trace_id.chars().filter(char::is_ascii_hexdigit).collect();
        if id.is_empty() {
            return Err(format!("{:?} is not a trace id", sanitize(trace_id)));
        }
        let value = self
            .edge
            .get_json(&format!("/api/traces/{id}"), &[])
            .await?;
        if !super::otlp::is_otlp(&value) {
            return Err(format!(
                "Tempo ({}) answered in a format that is not OTLP",
                self.display_url()
            ));
        }
        let traces = super::otlp::decode_traces(&value, "Tempo")?;
        // One trace id: every span of the answer belongs to it, whatever form its id took.
        let spans: Vec<Span> = traces.into_iter().flat_map(|t| t.spans).collect();
        if spans.is_empty() {
            return Err(format!("Tempo has no trace {id}"));
        }
        Ok(Trace {
            trace_id: id.to_ascii_lowercase(),
            spans,
        })
    }
}

/// A search summary as a trace of its root span alone.
fn summary_trace(summary: &Summary) -> Trace {
    let start_ns: i64 = match &summary.start_ns {
        serde_json::Value::String(s) => s.parse().unwrap_or(0),
        other => other.as_i64().unwrap_or(0),
    };
    Trace {
        trace_id: sanitize(&summary.trace_id),
        spans: vec![Span {
            span_id: String::new(),
            parent: None,
            operation: sanitize(&summary.root_name),
            service: sanitize(&summary.root_service),
            start_us: start_ns / 1000,
            duration_us: summary.duration_ms.unwrap_or(0).max(0) * 1000,
            error: false,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_summary_is_a_root_span() {
        let answer: SearchAnswer = serde_json::from_value(serde_json::json!({"traces": [
            {"traceID": "2f3e0cee77ae5dc9c17ade3689eb2e54", "rootServiceName": "gw",
             "rootTraceName": "POST /v1/predict", "startTimeUnixNano": "1684778327699392724",
             "durationMs": 557}], "metrics": {"inspectedTraces": 1}}))
        .unwrap();
        let t = summary_trace(&answer.traces[0]);
        assert_eq!(t.root().unwrap().operation, "POST /v1/predict");
        assert_eq!(t.duration_us(), 557_000);
        assert_eq!(t.start_us(), 1_684_778_327_699_392);
    }
}
