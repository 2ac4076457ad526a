//! The stand-in's Loki query API: `/loki/api/v1/query_range` and `/loki/api/v1/query`, in the
//! shapes Loki documents (docs/sources/reference/loki-http-api.md): `streams` for a log query,
//! `matrix` for a metric range query, `vector` for a metric instant query. Queries are parsed
//! by `grafana::logql` and run by `logql_eval` over the generated lines.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::logql_eval::{Entry, SeriesOut, evaluate, lookback_ms, select, steps};
use super::{Shared, json_response, parse_query, push_model_lines, stream_labels, traced_lines};
use crate::demo::fleet::INSTANCES;
use crate::grafana::logql::{self, Expr, duration_ms};

/// Lines a metric query may read: about three days of the demo's traffic.
const MAX_METRIC_LINES: i64 = 1_500_000;
/// Lines per second the stand-in generates (an instance's endpoints, one line per tick each).
const LINES_PER_SECOND: f64 =
    (INSTANCES.len() * 3) as f64 / crate::demo::world::TICK_SECONDS as f64;

pub(super) async fn query_range(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&shared, &headers, raw, false).await
}

pub(super) async fn query(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&shared, &headers, raw, true).await
}

fn bad(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response()
}

/// The query's window in ns: `start`/`end` (range) or `time` (instant), Loki's defaults
/// (the last hour, now) when absent; never past now.
fn window(params: &std::collections::BTreeMap<String, String>, instant: bool) -> (i64, i64) {
    let now_ns = (crate::demo::exporter::unix_now() * 1e9) as i64;
    let end_key = if instant { "time" } else { "end" };
    let end_ns: i64 = params
        .get(end_key)
        .and_then(|v| v.parse().ok())
        .unwrap_or(now_ns)
        .min(now_ns);
    let start_ns: i64 = params
        .get("start")
        .and_then(|v| v.parse().ok())
        .unwrap_or(end_ns - 3_600_000_000_000);
    (start_ns, end_ns)
}

async fn answer(
    shared: &Shared,
    headers: &HeaderMap,
    raw: Option<String>,
    instant: bool,
) -> Response {
    let params = parse_query(raw);
    let Some(text) = params.get("query") else {
        return bad("query is required");
    };
    let expr = match logql::parse(text) {
        Ok(expr) => expr,
        Err(e) => return bad(&format!("parse error {e}")),
    };
    let mut other_tenant = false;
    if let Some(tenant) = &shared.tenant {
        match headers.get("x-scope-orgid").and_then(|v| v.to_str().ok()) {
            // Loki's own answer without a tenant.
            None => return (StatusCode::UNAUTHORIZED, "no org id\n").into_response(),
            Some(asked) => other_tenant = asked != tenant,
        }
    }
    let (start_ns, end_ns) = window(&params, instant);
    match &expr {
        Expr::Log(query) if instant => {
            let _ = query;
            bad(
                "log queries are not supported as an instant query type, please change your query to a range query type",
            )
        }
        Expr::Log(query) => {
            let limit: usize = params
                .get("limit")
                .and_then(|v| v.parse().ok())
                .unwrap_or(100)
                .min(5000);
            if other_tenant {
                return streams_response(Vec::new());
            }
            let wanted: Vec<usize> = (0..INSTANCES.len())
                .filter(|&i| super::logql_eval::stream_matches(&query.matchers, &stream_labels(i)))
                .collect();
            let (start_s, end_s) = (start_ns / 1_000_000_000, end_ns / 1_000_000_000);
            // Traced requests first: they carry the trace ids a person follows from an exemplar.
            let mut lines = traced_lines(shared, &wanted, start_s, end_s).await;
            push_model_lines(&shared.world, &wanted, start_s, end_s, limit, &mut lines);
            lines.retain(|(_, at, _)| (start_ns..=end_ns).contains(at));
            let entries = to_entries(lines);
            match select(query, &entries) {
                Ok(mut selected) => {
                    selected.sort_by_key(|e| std::cmp::Reverse(e.at_ns));
                    selected.truncate(limit);
                    streams_response(selected)
                }
                Err(why) => bad(&why.0),
            }
        }
        metric => {
            let at = if instant {
                vec![end_ns / 1_000_000]
            } else {
                let Some(step_ms) = step_ms(&params, start_ns, end_ns) else {
                    return bad("invalid step: a number of seconds or a duration (15s)");
                };
                steps(start_ns / 1_000_000, end_ns / 1_000_000, step_ms)
            };
            let result = if other_tenant {
                Ok(Vec::new())
            } else {
                metric_lines(shared, metric, &at)
                    .await
                    .and_then(|entries| evaluate(metric, &entries, &at).map_err(|e| e.0))
            };
            match result {
                Ok(series) => metric_response(&series, instant),
                Err(why) => bad(&why),
            }
        }
    }
}

/// `step` as seconds (`15`, `0.5`) or a duration (`15s`); Loki's default for none:
/// the range over 250 points, at least a second.
fn step_ms(
    params: &std::collections::BTreeMap<String, String>,
    start_ns: i64,
    end_ns: i64,
) -> Option<i64> {
    match params.get("step") {
        Some(text) => match text.parse::<f64>() {
            Ok(seconds) if seconds > 0.0 => Some((seconds * 1000.0).round().max(1.0) as i64),
            Ok(_) => None,
            Err(_) => duration_ms(text).filter(|ms| *ms > 0),
        },
        None => Some(((end_ns - start_ns) / 1_000_000 / 250).max(1000)),
    }
}

/// Every line a metric query reads: from its first instant less its look-back to its last.
async fn metric_lines(shared: &Shared, expr: &Expr, at: &[i64]) -> Result<Vec<Entry>, String> {
    let (Some(first), Some(last)) = (at.first(), at.last()) else {
        return Ok(Vec::new());
    };
    let from_ms = first - lookback_ms(expr);
    let estimate = (last - from_ms) as f64 / 1000.0 * LINES_PER_SECOND;
    if estimate > MAX_METRIC_LINES as f64 {
        return Err(format!(
            "unsupported in the stand-in Loki: a metric query reading about {estimate:.0} lines (at most {MAX_METRIC_LINES}); shorten the range"
        ));
    }
    let all: Vec<usize> = (0..INSTANCES.len()).collect();
    let (start_s, end_s) = (from_ms.div_euclid(1000), last.div_euclid(1000));
    let mut lines = traced_lines(shared, &all, start_s, end_s).await;
    push_model_lines(
        &shared.world,
        &all,
        start_s,
        end_s,
        usize::MAX / 4,
        &mut lines,
    );
    Ok(to_entries(lines))
}

fn to_entries(lines: Vec<super::LogLine>) -> Vec<Entry> {
    lines
        .into_iter()
        .map(|(i, at_ns, line)| Entry {
            labels: stream_labels(i),
            at_ns,
            line,
        })
        .collect()
}

/// A sample value as Loki writes it (Go's shortest form, `+Inf`, `NaN`).
fn sample(value: f64) -> String {
    if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{value}")
    }
}

fn metric_response(series: &[SeriesOut], instant: bool) -> Response {
    let seconds = |ms: i64| json!(ms as f64 / 1000.0);
    let result: Vec<Value> = series
        .iter()
        .map(|s| {
            if instant {
                let (t, v) = s.points.last().copied().unwrap_or_default();
                json!({"metric": s.labels, "value": [seconds(t), sample(v)]})
            } else {
                let values: Vec<Value> = s
                    .points
                    .iter()
                    .map(|&(t, v)| json!([seconds(t), sample(v)]))
                    .collect();
                json!({"metric": s.labels, "values": values})
            }
        })
        .collect();
    let result_type = if instant { "vector" } else { "matrix" };
    json_response(
        StatusCode::OK,
        json!({"status": "success", "data": {"resultType": result_type, "result": result,
            "stats": {"summary": {"bytesProcessedPerSecond": 0, "linesProcessedPerSecond": 0}}}}),
    )
}

/// Loki's `streams` answer: the lines grouped by their label sets, each stream newest first.
fn streams_response(lines: Vec<Entry>) -> Response {
    let mut streams: std::collections::BTreeMap<_, Vec<Value>> = std::collections::BTreeMap::new();
    for e in lines {
        streams
            .entry(e.labels)
            .or_default()
            .push(json!([e.at_ns.to_string(), e.line]));
    }
    let result: Vec<Value> = streams
        .into_iter()
        .map(|(labels, values)| json!({"stream": labels, "values": values}))
        .collect();
    json_response(
        StatusCode::OK,
        json!({"status": "success", "data": {"resultType": "streams", "result": result,
            "stats": {"summary": {"bytesProcessedPerSecond": 0, "linesProcessedPerSecond": 0}}}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_seconds_or_durations() {
        let params = |step: &str| [("step".to_string(), step.to_string())].into();
        assert_eq!(step_ms(&params("15"), 0, 0), Some(15_000));
        assert_eq!(step_ms(&params("0.5"), 0, 0), Some(500));
        assert_eq!(step_ms(&params("1m"), 0, 0), Some(60_000));
        assert_eq!(step_ms(&params("-1"), 0, 0), None);
        let hour_ns = 3_600_000_000_000;
        assert_eq!(step_ms(&Default::default(), 0, hour_ns), Some(14_400));
        assert_eq!(sample(f64::INFINITY), "+Inf");
        assert_eq!(sample(2.0), "2");
    }
}
