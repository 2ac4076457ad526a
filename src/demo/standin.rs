//! A STAND-IN for Loki and Jaeger (neither can be installed here), for the tests and the demo.
//! One axum server on 127.0.0.1 answers Loki's `/loki/api/v1/query_range` and Jaeger's
//! `/api/traces`, `/api/traces/<id>` and `/api/services` in their documented JSON shapes.
//!
//! What it serves follows the demo world: log lines per instance and endpoint from the same
//! model the exporter uses (slow or failing requests during incidents), and traces built from
//! the exemplars the real Prometheus stored, so a trace id seen on a latency panel resolves to
//! a trace of that request's duration, and its log lines carry the same id.

use crate::grafana::model::LabelMatcher;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::fleet::{ENDPOINTS, INSTANCES, JOB, SERVICE};
use super::noise::{hash, unit};
use super::world::{TICK_SECONDS, World};
use crate::net::{Exemplar, PromClient, PromConfig};

struct Shared {
    world: World,
    prometheus: Option<PromClient>,
    /// Set: Loki runs multi-tenant (`auth_enabled: true`, its default) and holds the streams
    /// for this tenant only.
    tenant: Option<String>,
}

pub struct StandIn {
    pub url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl StandIn {
    /// Serve on a free port; `prometheus` (the demo's) is where exemplars come from.
    pub async fn start(world: World, prometheus: Option<&str>) -> std::io::Result<StandIn> {
        Self::start_with_tenant(world, prometheus, None).await
    }

    /// Like `start`, with Loki requiring a tenant (`X-Scope-OrgID`) as a multi-tenant Loki does:
    /// without one it answers 401 "no org id"; another tenant's streams are empty.
    pub async fn start_with_tenant(
        world: World,
        prometheus: Option<&str>,
        tenant: Option<&str>,
    ) -> std::io::Result<StandIn> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            world,
            prometheus: prometheus.and_then(|u| PromClient::new(PromConfig::new(u)).ok()),
            tenant: tenant.map(str::to_string),
        });
        let app = Router::new()
            .route("/loki/api/v1/query_range", get(loki_query_range))
            .route("/ready", get(|| async { "ready" }))
            .route("/api/services", get(jaeger_services))
            .route("/api/traces", get(jaeger_search))
            .route("/api/traces/{id}", get(jaeger_trace))
            .with_state(shared);
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = rx.await;
            });
            let _ = server.await;
        });
        Ok(StandIn {
            url: format!("http://127.0.0.1:{port}"),
            shutdown: Some(tx),
        })
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn json_response(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// `a=1&b=x%20y` → map (later keys win).
fn parse_query(raw: Option<String>) -> BTreeMap<String, String> {
    raw.unwrap_or_default()
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (!k.is_empty()).then(|| (percent_decode(k), percent_decode(v)))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A LogQL query as far as the stand-in understands it: stream matchers and `|=` filters.
struct LogQuery {
    matchers: Vec<LabelMatcher>,
    contains: Vec<String>,
}

fn parse_logql(query: &str) -> Result<LogQuery, String> {
    let open = query
        .find('{')
        .ok_or("parse error: a log query starts with a stream selector {…}")?;
    let close = query[open..]
        .find('}')
        .map(|c| c + open)
        .ok_or("parse error: unclosed {")?;
    let matcher =
        regex::Regex::new(r#"([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)""#)
            .map_err(|e| e.to_string())?;
    let matchers = matcher
        .captures_iter(&query[open..=close])
        .map(|c| LabelMatcher::new(&c[1], &c[2], c[3].replace("\\\"", "\"")))
        .collect();
    let filter = regex::Regex::new(r#"\|=\s*"((?:[^"\\]|\\.)*)""#).map_err(|e| e.to_string())?;
    let contains = filter
        .captures_iter(&query[close..])
        .map(|c| c[1].to_string())
        .collect();
    Ok(LogQuery { matchers, contains })
}

fn matches(matchers: &[LabelMatcher], labels: &BTreeMap<String, String>) -> bool {
    matchers.iter().all(
        |LabelMatcher {
             label: name,
             op,
             value: want,
         }| {
            let have = labels.get(name).map(String::as_str).unwrap_or("");
            let re = || regex::Regex::new(&format!("^(?:{want})$")).ok();
            match op.as_str() {
                "=" => have == want,
                "!=" => have != want,
                "=~" => re().is_some_and(|r| r.is_match(have)),
                _ => !re().is_some_and(|r| r.is_match(have)),
            }
        },
    )
}

fn stream_labels(instance: usize) -> BTreeMap<String, String> {
    let spec = &INSTANCES[instance];
    [
        ("service", SERVICE),
        ("job", JOB),
        ("environment", spec.environment),
        ("cluster", spec.cluster),
        ("instance", spec.name),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Exemplars of the gateway's latency histogram in a window (s), from the real Prometheus.
async fn exemplars(shared: &Shared, start_s: f64, end_s: f64) -> Vec<Exemplar> {
    let Some(prometheus) = &shared.prometheus else {
        return Vec::new();
    };
    let expr = format!("http_request_duration_seconds_bucket{{service=\"{SERVICE}\"}}");
    prometheus
        .exemplars(&expr, start_s, end_s)
        .await
        .unwrap_or_default()
}

/// A log line of one instance: (instance, time in ns, text).
type LogLine = (usize, i64, String);

async fn loki_query_range(
    State(shared): State<Arc<Shared>>,
    headers: axum::http::HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Some(tenant) = &shared.tenant {
        let asked = headers.get("x-scope-orgid").and_then(|v| v.to_str().ok());
        match asked {
            // Loki's own answer without a tenant.
            None => return (StatusCode::UNAUTHORIZED, "no org id\n").into_response(),
            Some(asked) if asked != tenant => {
                return json_response(
                    StatusCode::OK,
                    json!({"status": "success", "data": {"resultType": "streams", "result": []}}),
                );
            }
            Some(_) => {}
        }
    }
    let params = parse_query(raw);
    let bad = |m: &str| (StatusCode::BAD_REQUEST, m.to_string()).into_response();
    let Some(query) = params.get("query") else {
        return bad("query is required");
    };
    let query = match parse_logql(query) {
        Ok(q) => q,
        Err(e) => return bad(&e),
    };
    let now_ns = (super::exporter::unix_now() * 1e9) as i64;
    let end_ns: i64 = params
        .get("end")
        .and_then(|v| v.parse().ok())
        .unwrap_or(now_ns)
        .min(now_ns);
    let start_ns: i64 = params
        .get("start")
        .and_then(|v| v.parse().ok())
        .unwrap_or(end_ns - 3_600_000_000_000);
    let limit: usize = params
        .get("limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
        .min(5000);
    let (start_s, end_s) = (start_ns / 1_000_000_000, end_ns / 1_000_000_000);

    let wanted: Vec<usize> = (0..INSTANCES.len())
        .filter(|&i| matches(&query.matchers, &stream_labels(i)))
        .collect();
    // Traced requests first: they carry the trace ids a person follows from an exemplar.
    let mut lines = traced_lines(&shared, &wanted, start_s, end_s).await;
    push_model_lines(&shared.world, &wanted, start_s, end_s, limit, &mut lines);
    lines.retain(|(_, at, line)| {
        *at >= start_ns && *at <= end_ns && query.contains.iter().all(|c| line.contains(c.as_str()))
    });
    lines.sort_by_key(|(_, at, _)| std::cmp::Reverse(*at));
    lines.truncate(limit);
    streams_response(lines)
}

/// One line per exemplar Prometheus stored for the `wanted` instances in the window (s).
async fn traced_lines(shared: &Shared, wanted: &[usize], start_s: i64, end_s: i64) -> Vec<LogLine> {
    let mut lines = Vec::new();
    for e in exemplars(shared, start_s as f64, end_s as f64).await {
        let Some(i) = wanted.iter().copied().find(|&i| {
            e.series_labels.get("instance").map(String::as_str) == Some(INSTANCES[i].name)
        }) else {
            continue;
        };
        let endpoint = e.series_labels.get("endpoint").cloned().unwrap_or_default();
        let ms = e.value * 1000.0;
        let level = if ms > 1000.0 { "warn" } else { "info" };
        let id = e.trace_id().unwrap_or_default();
        lines.push((
            i,
            e.at_ms * 1_000_000,
            format!("level={level} msg=\"request traced\" endpoint={endpoint} status=200 duration_ms={ms:.0} trace_id={id}"),
        ));
    }
    lines
}

/// One line per instance, endpoint and tick from the model, newest first, until there are
/// twice `limit` lines.
fn push_model_lines(
    world: &World,
    wanted: &[usize],
    start_s: i64,
    end_s: i64,
    limit: usize,
    lines: &mut Vec<LogLine>,
) {
    let mut tick = end_s / TICK_SECONDS;
    let first = start_s / TICK_SECONDS;
    while tick >= first && lines.len() < limit * 2 {
        for &i in wanted {
            for (e, spec) in ENDPOINTS.iter().enumerate() {
                if spec.path == "/healthz" {
                    continue;
                }
                let at_ns = tick * TICK_SECONDS * 1_000_000_000 + (e as i64 + 1) * 1_000_000;
                lines.push((i, at_ns, model_line(world, i, e, tick)));
            }
        }
        tick -= 1;
    }
}

/// The log line of endpoint `e` of instance `i` at `tick`: an error during an error burst, a
/// warning during a latency spike, else a served request.
fn model_line(world: &World, i: usize, e: usize, tick: i64) -> String {
    let spec = &ENDPOINTS[e];
    let et = world.endpoint_tick(i, e, tick);
    let h = hash(&[tick as u64, i as u64, e as u64]);
    let ms = et.median * 1000.0 * (0.8 + 0.4 * unit(h));
    let error_ratio = if et.requests > 0.0 {
        (et.p500 + et.p503) / et.requests
    } else {
        0.0
    };
    if error_ratio > 0.05 {
        format!(
            "level=error msg=\"model backend failed\" endpoint={} status=500 duration_ms={ms:.0}",
            spec.path
        )
    } else if et.median > 2.5 * spec.median_seconds {
        format!(
            "level=warn msg=\"slow request: model inference queueing\" endpoint={} status=200 duration_ms={ms:.0}",
            spec.path
        )
    } else {
        format!(
            "level=info msg=\"request served\" endpoint={} status=200 duration_ms={ms:.0}",
            spec.path
        )
    }
}

/// Loki's `streams` answer: the lines grouped by instance.
fn streams_response(lines: Vec<LogLine>) -> Response {
    let mut streams: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    for (i, at, line) in lines {
        streams
            .entry(i)
            .or_default()
            .push(json!([at.to_string(), line]));
    }
    let result: Vec<Value> = streams
        .into_iter()
        .map(|(i, values)| json!({"stream": stream_labels(i), "values": values}))
        .collect();
    json_response(
        StatusCode::OK,
        json!({"status": "success", "data": {"resultType": "streams", "result": result,
            "stats": {"summary": {"bytesProcessedPerSecond": 0, "linesProcessedPerSecond": 0}}}}),
    )
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
    let now_us = (super::exporter::unix_now() * 1e6) as i64;
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
    let mut found = if service == SERVICE {
        exemplars(&shared, start_us as f64 / 1e6, end_us as f64 / 1e6).await
    } else {
        Vec::new()
    };
    // The most recent traces, as Jaeger lists them.
    found.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
    found.dedup_by(|a, b| a.trace_id() == b.trace_id());
    let traces: Vec<Value> = found.iter().take(limit).filter_map(trace_json).collect();
    json_response(
        StatusCode::OK,
        json!({"data": traces, "total": traces.len(), "limit": 0, "offset": 0, "errors": null}),
    )
}

async fn jaeger_trace(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let now = super::exporter::unix_now();
    let found = exemplars(&shared, now - 6.0 * 3600.0, now).await;
    match found
        .iter()
        .find(|e| e.trace_id() == Some(id.as_str()))
        .and_then(trace_json)
    {
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
    fn logql_selectors_and_filters_are_understood() {
        let q = parse_logql(
            r#"{service="inference-gateway", instance=~"gw-prod-euw1-.*"} |= "trace_id""#,
        )
        .unwrap();
        assert_eq!(q.contains, vec!["trace_id".to_string()]);
        assert!(matches(&q.matchers, &stream_labels(0)));
        assert!(!matches(&q.matchers, &stream_labels(2)), "use1 is not euw1");
        assert!(parse_logql("sum(rate(x[1m]))").is_err());
        assert_eq!(percent_decode("a%20b%3D%22c%22+d"), "a b=\"c\" d");
    }

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
}
