//! Loki's `/loki/api/v1/query_range` for the log pane: newest first, a line limit, every line
//! sanitised before it is drawn.

use serde::Deserialize;

use super::edge::EdgeClient;
use super::sanitize::sanitize;
pub use crate::data::LogLine;

#[derive(Clone, Debug)]
pub struct LokiClient {
    edge: EdgeClient,
}

#[derive(Deserialize)]
struct Answer {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Vec<Stream>,
}

#[derive(Deserialize)]
struct Stream {
    #[serde(default)]
    stream: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(String, String)>,
}

impl LokiClient {
    pub fn new(url: &str) -> Result<Self, String> {
        Ok(LokiClient {
            edge: EdgeClient::new(url, "Loki")?,
        })
    }

    /// A client with credentials, tenant and extra headers, CA file.
    pub fn with(connection: super::http::Connection) -> Result<Self, String> {
        Ok(LokiClient {
            edge: EdgeClient::with(connection, "Loki")?,
        })
    }

    pub fn display_url(&self) -> String {
        self.edge.display_url()
    }

    /// Lines matching a LogQL log query between two instants (ms), newest first.
    pub async fn query_range(
        &self,
        logql: &str,
        start_ms: i64,
        end_ms: i64,
        limit: usize,
    ) -> Result<Vec<LogLine>, String> {
        let query = [
            ("query", logql.to_string()),
            ("start", (start_ms * 1_000_000).to_string()),
            ("end", (end_ms * 1_000_000).to_string()),
            ("limit", limit.to_string()),
            ("direction", "backward".to_string()),
        ];
        let value = self
            .edge
            .get_json("/loki/api/v1/query_range", &query)
            .await?;
        decode_streams(value)
    }
}

/// The `streams` result as lines, newest first (streams are interleaved by time).
pub fn decode_streams(value: serde_json::Value) -> Result<Vec<LogLine>, String> {
    let answer: Answer = serde_json::from_value(value).map_err(|e| {
        format!(
            "Loki: not a query_range answer: {}",
            sanitize(&e.to_string())
        )
    })?;
    if answer.data.result_type != "streams" {
        return Err(format!(
            "Loki: expected a streams result, got {:?} (a metric query?)",
            sanitize(&answer.data.result_type)
        ));
    }
    let mut lines = Vec::new();
    for stream in answer.data.result {
        let labels: std::collections::BTreeMap<String, String> = stream
            .stream
            .iter()
            .map(|(k, v)| (sanitize(k), sanitize(v)))
            .collect();
        for (at, line) in stream.values {
            lines.push(LogLine {
                at_ns: at.parse().unwrap_or(0),
                line: sanitize(&line),
                labels: labels.clone(),
            });
        }
    }
    lines.sort_by_key(|l| std::cmp::Reverse(l.at_ns));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_merged_newest_first_and_sanitised() {
        let value = serde_json::json!({"status": "success", "data": {"resultType": "streams", "result": [
            {"stream": {"job": "a"}, "values": [["300", "third"], ["100", "first \u{1b}]52;c;x\u{7}"]]},
            {"stream": {"job": "b"}, "values": [["200", "second"]]}
        ], "stats": {}}});
        let lines = decode_streams(value).unwrap();
        let order: Vec<&str> = lines.iter().map(|l| &l.line[..5]).collect();
        assert_eq!(order, ["third", "secon", "first"]);
        assert_eq!(lines[1].labels["job"], "b");
        assert!(!lines[2].line.contains('\u{1b}'));
    }

    #[test]
    fn a_metric_result_is_a_clear_error() {
        let value = serde_json::json!({"status": "success", "data": {"resultType": "matrix", "result": []}});
        assert!(decode_streams(value).unwrap_err().contains("streams"));
    }
}
