//! Loki's `/loki/api/v1/query_range` and `/loki/api/v1/query`: log lines for the log pane and
//! logs panels (newest first, a line limit, every line sanitised before it is drawn), and the
//! matrix or vector of a LogQL metric query as the same series Prometheus's answers become.

use serde::Deserialize;

use super::edge::EdgeClient;
use super::sanitize::sanitize;
pub use crate::data::LogLine;
use crate::data::{QueryAnswer, RawSeries};

/// Lines a logs panel asks for: Grafana's Loki datasource default `maxLines`
/// (public/app/plugins/datasource/loki/datasource.ts, `DEFAULT_MAX_LINES`).
pub const DEFAULT_MAX_LINES: usize = 1000;

/// What a LogQL query answers: series for a metric query, lines for a log query.
#[derive(Debug, Clone, PartialEq)]
pub enum LokiAnswer {
    Series(QueryAnswer),
    Lines(Vec<LogLine>),
}

/// One query as a panel sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct LokiQuery<'a> {
    pub logql: &'a str,
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
    /// `/loki/api/v1/query` at `end_ms` instead of a range.
    pub instant: bool,
    pub limit: usize,
}

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

impl LokiClient {
    /// Label names of the streams between two instants (`/loki/api/v1/labels`), for completion.
    pub async fn label_names(&self, start_ms: i64, end_ms: i64) -> Result<Vec<String>, String> {
        let value = self
            .edge
            .get_json("/loki/api/v1/labels", &window(start_ms, end_ms))
            .await?;
        names_of(value)
    }

    /// Values of one stream label (`/loki/api/v1/label/<name>/values`).
    pub async fn label_values(
        &self,
        label: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<String>, String> {
        let valid = label
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(format!("{:?} is not a label name", sanitize(label)));
        }
        let path = format!("/loki/api/v1/label/{label}/values");
        let value = self.edge.get_json(&path, &window(start_ms, end_ms)).await?;
        names_of(value)
    }
}

fn window(start_ms: i64, end_ms: i64) -> [(&'static str, String); 2] {
    [
        ("start", (start_ms * 1_000_000).to_string()),
        ("end", (end_ms * 1_000_000).to_string()),
    ]
}

/// `{"status": "success", "data": ["a", "b"]}` → the names, sanitised.
fn names_of(value: serde_json::Value) -> Result<Vec<String>, String> {
    let data = value
        .get("data")
        .and_then(serde_json::Value::as_array)
        .ok_or("Loki's answer has no \"data\" list")?;
    Ok(data
        .iter()
        .filter_map(serde_json::Value::as_str)
        .map(sanitize)
        .collect())
}

impl LokiClient {
    /// A panel's query: `query_range` with its step (or `query` at the end for an instant
    /// one), answered as series or lines by Loki's `resultType`.
    pub async fn query(&self, q: &LokiQuery<'_>) -> Result<LokiAnswer, String> {
        let mut params = vec![
            ("query", q.logql.to_string()),
            ("limit", q.limit.to_string()),
            ("direction", "backward".to_string()),
        ];
        let path = if q.instant {
            params.push(("time", (q.end_ms * 1_000_000).to_string()));
            "/loki/api/v1/query"
        } else {
            params.push(("start", (q.start_ms * 1_000_000).to_string()));
            params.push(("end", (q.end_ms * 1_000_000).to_string()));
            // Loki reads a float as seconds.
            params.push(("step", format!("{}", q.step_ms.max(1) as f64 / 1000.0)));
            "/loki/api/v1/query_range"
        };
        let value = self.edge.get_json(path, &params).await?;
        let bytes = value.to_string().len();
        decode_answer(value, bytes)
    }
}

/// Any `query`/`query_range` answer: `streams` as lines, `matrix`/`vector` as series.
pub fn decode_answer(value: serde_json::Value, bytes: usize) -> Result<LokiAnswer, String> {
    let result_type = value["data"]["resultType"].as_str().unwrap_or_default();
    match result_type {
        "streams" => decode_streams(value).map(LokiAnswer::Lines),
        "matrix" | "vector" | "scalar" => Ok(LokiAnswer::Series(QueryAnswer {
            result_type: result_type.to_string(),
            series: decode_series(&value["data"]["result"], result_type)?,
            warnings: value["warnings"]
                .as_array()
                .map(|w| w.iter().filter_map(|w| w.as_str()).map(sanitize).collect())
                .unwrap_or_default(),
            bytes,
        })),
        other => Err(format!(
            "Loki: not a query answer (resultType {:?})",
            sanitize(other)
        )),
    }
}

/// `[[seconds, "value"], …]` (matrix), `[seconds, "value"]` (vector, scalar) as points.
fn decode_series(result: &serde_json::Value, result_type: &str) -> Result<Vec<RawSeries>, String> {
    let point = |pair: &serde_json::Value| -> Result<(i64, f64), String> {
        let at = pair[0].as_f64().ok_or("Loki: a sample without a time")?;
        let value = match &pair[1] {
            serde_json::Value::String(text) => text.parse::<f64>().ok(),
            other => other.as_f64(),
        }
        .ok_or("Loki: a sample without a value")?;
        Ok(((at * 1000.0).round() as i64, value))
    };
    if result_type == "scalar" {
        return Ok(vec![RawSeries {
            labels: Default::default(),
            points: vec![point(result)?],
        }]);
    }
    let items = result.as_array().ok_or("Loki: result is not a list")?;
    items
        .iter()
        .map(|item| {
            let labels = item["metric"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (sanitize(k), sanitize(v.as_str().unwrap_or_default())))
                        .collect()
                })
                .unwrap_or_default();
            let points = match result_type {
                "matrix" => item["values"]
                    .as_array()
                    .map(|values| values.iter().map(point).collect::<Result<Vec<_>, _>>())
                    .transpose()?
                    .unwrap_or_default(),
                _ => vec![point(&item["value"])?],
            };
            Ok(RawSeries { labels, points })
        })
        .collect()
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
    fn metric_answers_are_series_as_prometheus_gives_them() {
        let matrix = serde_json::json!({"status": "success", "data": {"resultType": "matrix", "result": [
            {"metric": {"level": "error"}, "values": [[1700000000, "0.5"], [1700000060.5, "2"]]}
        ]}});
        let LokiAnswer::Series(answer) = decode_answer(matrix, 10).unwrap() else {
            panic!("series expected")
        };
        assert_eq!(answer.series[0].labels["level"], "error");
        assert_eq!(
            answer.series[0].points,
            [(1_700_000_000_000, 0.5), (1_700_000_060_500, 2.0)]
        );
        let vector = serde_json::json!({"data": {"resultType": "vector", "result": [
            {"metric": {}, "value": [1700000000, "7"]}
        ]}});
        let LokiAnswer::Series(answer) = decode_answer(vector, 10).unwrap() else {
            panic!("series expected")
        };
        assert_eq!(answer.series[0].points, [(1_700_000_000_000, 7.0)]);
        let broken = serde_json::json!({"data": {"resultType": "matrix", "result": [
            {"metric": {}, "values": [["x", "1"]]}
        ]}});
        assert!(decode_answer(broken, 1).unwrap_err().contains("time"));
    }

    #[test]
    fn a_metric_result_is_a_clear_error() {
        let value = serde_json::json!({"status": "success", "data": {"resultType": "matrix", "result": []}});
        assert!(decode_streams(value).unwrap_err().contains("streams"));
    }
}
