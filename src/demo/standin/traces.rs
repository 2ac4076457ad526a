//! The stand-in's trace APIs, all serving the same traces (one per traced request, built from
//! its exemplar): Jaeger's legacy API (`/api/traces?service=`, `/api/traces/<id>`,
//! `/api/services`), its API v3 (`/api/v3/traces`, `/api/v3/traces/<id>`, `/api/v3/services`;
//! OTLP JSON with hex ids) beside it or, as Jaeger 2, instead of the legacy search, or Tempo's
//! (`/api/search`, `/api/traces/<id>` as OTLP JSON `batches` with base64 ids, as Tempo's
//! protobuf-JSON encoding writes them).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::{Shared, TraceApi, exemplars, json_response, parse_query};
use crate::demo::fleet::SERVICE;
use crate::demo::noise::{hash, unit};
use crate::net::Exemplar;

/// The routes of one trace API.
pub(super) fn routes(app: Router<Arc<Shared>>, api: TraceApi) -> Router<Arc<Shared>> {
    match api {
        TraceApi::Tempo => app
            .route("/api/search", get(tempo_search))
            .route("/api/traces/{id}", get(tempo_trace)),
        TraceApi::JaegerLegacy => legacy_routes(app),
        TraceApi::Jaeger => v3_routes(legacy_routes(app)),
        TraceApi::Jaeger2 => v3_routes(app.route("/api/traces/{id}", get(jaeger_trace))),
    }
}

fn v3_routes(app: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    app.route("/api/v3/services", get(v3_services))
        .route("/api/v3/traces", get(v3_search))
        .route("/api/v3/traces/{id}", get(v3_trace))
}

fn legacy_routes(app: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    app.route("/api/services", get(jaeger_services))
        .route("/api/traces", get(jaeger_search))
        .route("/api/traces/{id}", get(jaeger_trace))
}

/// The traces (Jaeger JSON) of a service's requests in a window (µs), most recent first.
async fn traces_of(
    shared: &Shared,
    service: &str,
    start_us: i64,
    end_us: i64,
    limit: usize,
) -> Vec<Value> {
    let mut found = if service == SERVICE {
        exemplars(shared, start_us as f64 / 1e6, end_us as f64 / 1e6).await
    } else {
        Vec::new()
    };
    found.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
    found.dedup_by(|a, b| a.trace_id() == b.trace_id());
    found.iter().take(limit).filter_map(trace_json).collect()
}

/// The trace (Jaeger JSON) of a traced request of the last six hours.
async fn trace_by_id(shared: &Shared, id: &str) -> Option<Value> {
    let now = crate::demo::exporter::unix_now();
    let found = exemplars(shared, now - 6.0 * 3600.0, now).await;
    found
        .iter()
        .find(|e| e.trace_id() == Some(id))
        .and_then(trace_json)
}

async fn jaeger_services() -> Response {
    json_response(
        StatusCode::OK,
        json!({"data": [SERVICE, "model-server"], "total": 2, "limit": 0, "offset": 0, "errors": null}),
    )
}

async fn jaeger_search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let params = parse_query(raw);
    let service = params.get("service").cloned().unwrap_or_default();
    if service.is_empty() {
        return json_response(
            StatusCode::BAD_REQUEST,
            json!({"data": null, "total": 0, "limit": 0, "offset": 0, "errors": [{"code": 400, "msg": "parameter 'service' is required"}]}),
        );
    }
    let now_us = (crate::demo::exporter::unix_now() * 1e6) as i64;
    let end_us: i64 = params
        .get("end")
        .and_then(|v| v.parse().ok())
        .unwrap_or(now_us);
    let start_us: i64 = params
        .get("start")
        .and_then(|v| v.parse().ok())
        .unwrap_or(end_us - 3_600_000_000);
    let limit: usize = params
        .get("limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let traces = traces_of(&shared, &service, start_us, end_us, limit).await;
    json_response(
        StatusCode::OK,
        json!({"data": traces, "total": traces.len(), "limit": 0, "offset": 0, "errors": null}),
    )
}

async fn jaeger_trace(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match trace_by_id(&shared, &id).await {
        Some(trace) => json_response(
            StatusCode::OK,
            json!({"data": [trace], "total": 0, "limit": 0, "offset": 0, "errors": null}),
        ),
        None => json_response(
            StatusCode::NOT_FOUND,
            json!({"data": null, "total": 0, "limit": 0, "offset": 0, "errors": [{"code": 404, "msg": "trace not found"}]}),
        ),
    }
}

/// The API v3's error body (its HTTP gateway's `{"error": {"httpCode", "message"}}`).
fn v3_error(status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        json!({"error": {"httpCode": status.as_u16(), "message": message}}),
    )
}

async fn v3_services() -> Response {
    json_response(
        StatusCode::OK,
        json!({"services": [SERVICE, "model-server"]}),
    )
}

/// `/api/v3/traces?query.service_name=…&query.start_time_min=…&query.start_time_max=…`
/// (RFC 3339, both required); no trace found is a 404, as Jaeger answers.
async fn v3_search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let params = parse_query(raw);
    let time = |key: &str| {
        params
            .get(key)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|t| t.timestamp_micros())
    };
    let (Some(start_us), Some(end_us)) =
        (time("query.start_time_min"), time("query.start_time_max"))
    else {
        return v3_error(
            StatusCode::BAD_REQUEST,
            "query.start_time_min and query.start_time_max are required (RFC 3339)",
        );
    };
    let service = params
        .get("query.service_name")
        .cloned()
        .unwrap_or_default();
    let limit: usize = params
        .get("query.num_traces")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let traces = traces_of(&shared, &service, start_us, end_us, limit).await;
    if traces.is_empty() {
        return v3_error(StatusCode::NOT_FOUND, "No traces found");
    }
    let resource_spans: Vec<Value> = traces.iter().flat_map(|t| otlp(t, hex_id)).collect();
    json_response(
        StatusCode::OK,
        json!({"result": {"resourceSpans": resource_spans}}),
    )
}

async fn v3_trace(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match trace_by_id(&shared, &id).await {
        Some(trace) => json_response(
            StatusCode::OK,
            json!({"result": {"resourceSpans": otlp(&trace, hex_id)}}),
        ),
        None => v3_error(StatusCode::NOT_FOUND, "trace not found"),
    }
}

/// Tempo's `/api/search?tags=service.name=…&start=…&end=…&limit=…` (seconds): summaries.
async fn tempo_search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let params = parse_query(raw);
    let now_s = crate::demo::exporter::unix_now() as i64;
    let second = |key: &str, default: i64| {
        params
            .get(key)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(default)
    };
    let end_s = second("end", now_s);
    let start_s = second("start", end_s - 3600);
    let limit = second("limit", 20).max(0) as usize;
    // `tags` is logfmt: `service.name=x` or `service.name="x y"`.
    let service = params
        .get("tags")
        .and_then(|t| t.split_once("service.name="))
        .map(|(_, v)| v.trim_matches('"').to_string())
        .unwrap_or_default();
    let traces = traces_of(
        &shared,
        &service,
        start_s * 1_000_000,
        end_s * 1_000_000,
        limit,
    )
    .await;
    let summaries: Vec<Value> = traces
        .iter()
        .filter_map(|t| {
            let root = t["spans"].as_array()?.first()?;
            Some(json!({
                "traceID": t["traceID"], "rootServiceName": SERVICE,
                "rootTraceName": root["operationName"],
                "startTimeUnixNano": (root["startTime"].as_i64()? * 1000).to_string(),
                "durationMs": root["duration"].as_i64()? / 1000,
            }))
        })
        .collect();
    json_response(
        StatusCode::OK,
        json!({"traces": summaries, "metrics": {"inspectedTraces": summaries.len(), "inspectedBytes": "0"}}),
    )
}

/// Tempo's `/api/traces/<id>`: OTLP JSON when asked for; Tempo's default is protobuf, which
/// this stand-in does not write.
async fn tempo_trace(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let json_asked = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if !json_asked {
        return (
            StatusCode::NOT_ACCEPTABLE,
            "this stand-in answers Accept: application/json only\n",
        )
            .into_response();
    }
    match trace_by_id(&shared, &id).await {
        Some(trace) => json_response(StatusCode::OK, json!({"batches": otlp(&trace, base64_id)})),
        None => (StatusCode::NOT_FOUND, "trace not found\n").into_response(),
    }
}

fn hex_id(id: &str) -> String {
    id.to_string()
}

/// An id's bytes (hex, padded to whole bytes) as standard base64.
fn base64_id(id: &str) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let hex = if id.len() % 2 == 1 {
        format!("0{id}")
    } else {
        id.to_string()
    };
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(DIGITS[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A trace of Jaeger's JSON as OTLP resource spans (one resource per process), ids written by
/// `id`, times in nanoseconds as strings.
fn otlp(trace: &Value, id: fn(&str) -> String) -> Vec<Value> {
    let processes = trace["processes"].as_object().cloned().unwrap_or_default();
    processes
        .iter()
        .map(|(key, process)| {
            let spans: Vec<Value> = trace["spans"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|s| s["processID"] == key.as_str())
                .map(|s| {
                    let parent = s["references"][0]["spanID"]
                        .as_str()
                        .map(id)
                        .unwrap_or_default();
                    let start_ns = s["startTime"].as_i64().unwrap_or(0) * 1000;
                    let end_ns = start_ns + s["duration"].as_i64().unwrap_or(0) * 1000;
                    json!({
                        "traceId": id(s["traceID"].as_str().unwrap_or_default()),
                        "spanId": id(s["spanID"].as_str().unwrap_or_default()),
                        "parentSpanId": parent, "name": s["operationName"],
                        "kind": if parent.is_empty() { 2 } else { 1 },
                        "startTimeUnixNano": start_ns.to_string(),
                        "endTimeUnixNano": end_ns.to_string(),
                        "attributes": [], "status": {},
                    })
                })
                .collect();
            json!({
                "resource": {"attributes": [
                    {"key": "service.name", "value": {"stringValue": process["serviceName"]}}]},
                "scopeSpans": [{"scope": {"name": "triage-standin"}, "spans": spans}],
            })
        })
        .collect()
}

/// A trace in Jaeger's JSON for one traced request: the gateway's span, its auth, queue and
/// response spans, and the model server's inference (where incident latency goes).
fn trace_json(e: &Exemplar) -> Option<Value> {
    let id = e.trace_id()?.to_string();
    let endpoint = e
        .series_labels
        .get("endpoint")
        .cloned()
        .unwrap_or_else(|| "/v1/predict".into());
    let instance = e.series_labels.get("instance").cloned().unwrap_or_default();
    let total = ((e.value * 1e6) as i64).max(1000);
    let start = e.at_ms * 1000 - total;
    let h = hash(&[id
        .bytes()
        .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64))]);
    let span_id = |n: u64| format!("{:016x}", hash(&[h, n]));
    let part = |f: f64| ((total as f64) * f) as i64;
    let auth = part(0.02 + 0.02 * unit(hash(&[h, 1])));
    let queue = part(0.05 + 0.1 * unit(hash(&[h, 2])));
    let respond = part(0.03);
    let infer = total - auth - queue - respond - part(0.02);
    let span = |n: u64, parent: Option<u64>, op: &str, process: &str, at: i64, dur: i64| {
        let references = match parent {
            Some(p) => json!([{"refType": "CHILD_OF", "traceID": id, "spanID": span_id(p)}]),
            None => json!([]),
        };
        json!({"traceID": id, "spanID": span_id(n), "operationName": op, "references": references,
               "startTime": at, "duration": dur, "flags": 1, "processID": process, "warnings": null, "logs": [],
               "tags": [{"key": "span.kind", "type": "string", "value": if parent.is_none() { "server" } else { "internal" }}]})
    };
    let t1 = start + part(0.01);
    let t2 = t1 + auth;
    let t3 = t2 + queue;
    let t4 = t3 + infer;
    let spans = vec![
        span(
            0,
            None,
            &format!(
                "{} {endpoint}",
                if endpoint == "/healthz" {
                    "GET"
                } else {
                    "POST"
                }
            ),
            "p1",
            start,
            total,
        ),
        span(1, Some(0), "authenticate", "p1", t1, auth),
        span(2, Some(0), "queue wait", "p1", t2, queue),
        span(3, Some(0), "model.infer", "p2", t3, infer),
        span(
            4,
            Some(3),
            "gpu.forward",
            "p2",
            t3 + part(0.01),
            infer - part(0.03),
        ),
        span(5, Some(0), "serialize response", "p1", t4, respond),
    ];
    Some(
        json!({"traceID": id, "spans": spans, "warnings": null, "processes": {
            "p1": {"serviceName": SERVICE, "tags": [{"key": "hostname", "type": "string", "value": instance}]},
            "p2": {"serviceName": "model-server", "tags": []}
        }}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_follows_its_exemplar() {
        let e = Exemplar {
            series_labels: [("endpoint".to_string(), "/v1/embed".to_string())].into(),
            labels: [("trace_id".to_string(), "00ff".to_string())].into(),
            value: 2.0,
            at_ms: 1_000_000,
        };
        let traces =
            crate::net::jaeger::decode_traces(json!({"data": [trace_json(&e).unwrap()]})).unwrap();
        let t = &traces[0];
        assert_eq!(t.root().unwrap().operation, "POST /v1/embed");
        assert_eq!(t.duration_us(), 2_000_000);
        let slowest = t
            .spans
            .iter()
            .filter(|s| s.parent.is_some())
            .max_by_key(|s| s.duration_us)
            .unwrap();
        assert_eq!(slowest.operation, "model.infer");
    }

    #[test]
    fn every_api_serves_the_same_trace() {
        let e = Exemplar {
            series_labels: [("endpoint".to_string(), "/v1/embed".to_string())].into(),
            labels: [(
                "trace_id".to_string(),
                "0af7651916cd43dd8448eb211c80319c".to_string(),
            )]
            .into(),
            value: 0.5,
            at_ms: 1_000_000,
        };
        let trace = trace_json(&e).unwrap();
        let legacy = crate::net::jaeger::decode_traces(json!({"data": [trace.clone()]})).unwrap();
        let v3 = crate::net::otlp::decode_traces(
            &json!({"result": {"resourceSpans": otlp(&trace, hex_id)}}),
            "Jaeger",
        )
        .unwrap();
        let tempo =
            crate::net::otlp::decode_traces(&json!({"batches": otlp(&trace, base64_id)}), "Tempo")
                .unwrap();
        let by_id = |t: &crate::data::Trace| {
            let mut spans = t.spans.clone();
            spans.sort_by(|a, b| a.span_id.cmp(&b.span_id));
            (t.trace_id.clone(), spans)
        };
        assert_eq!(by_id(&legacy[0]), by_id(&v3[0]));
        assert_eq!(by_id(&legacy[0]), by_id(&tempo[0]));
        assert_eq!(base64_id("0000000000000001"), "AAAAAAAAAAE=");
    }
}
