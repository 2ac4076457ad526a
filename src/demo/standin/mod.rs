//! A STAND-IN for Loki and Jaeger or Tempo (none can be installed here), for the tests and the
//! demo. One axum server on 127.0.0.1 answers Loki's `/loki/api/v1/query_range`, its label
//! API (`loki_labels`) and, by its
//! `TraceApi`, Jaeger's legacy API and API v3 or Tempo's (see `traces`), in their documented
//! JSON shapes.
//!
//! What it serves follows the demo world: log lines per instance and endpoint from the same
//! model the exporter uses (slow or failing requests during incidents), and traces built from
//! the exemplars the real Prometheus stored, so a trace id seen on a latency panel resolves to
//! a trace of that request's duration, and its log lines carry the same id.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

mod logql_eval;
mod loki;
mod loki_labels;
mod traces;

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
    /// Served besides Prometheus's exemplars (tests without a Prometheus).
    exemplars: Vec<Exemplar>,
}

/// Which trace API the stand-in answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TraceApi {
    /// Jaeger with both its APIs: the legacy `/api/traces`, `/api/services` and the API v3
    /// (`/api/v3/traces`, `/api/v3/traces/<id>`, `/api/v3/services`).
    #[default]
    Jaeger,
    /// Jaeger's main branch: the API v3, and of the legacy API only `/api/traces/<id>` (its
    /// search and `/api/services` were removed).
    Jaeger2,
    /// A Jaeger before the API v3: the legacy API alone.
    JaegerLegacy,
    /// Tempo: `/api/search` and `/api/traces/<id>` in OTLP JSON.
    Tempo,
}

/// How the stand-in runs.
#[derive(Debug, Clone, Default)]
pub struct StandInOptions {
    /// Set: Loki runs multi-tenant and holds the streams of this tenant only.
    pub tenant: Option<String>,
    pub traces: TraceApi,
    /// Traced requests to serve besides the exemplars of the Prometheus given (if any).
    pub exemplars: Vec<Exemplar>,
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
        let options = StandInOptions {
            tenant: tenant.map(str::to_string),
            ..StandInOptions::default()
        };
        Self::start_with(world, prometheus, options).await
    }

    /// Like `start`, with a tenant, the trace API to answer and exemplars to serve.
    pub async fn start_with(
        world: World,
        prometheus: Option<&str>,
        options: StandInOptions,
    ) -> std::io::Result<StandIn> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            world,
            prometheus: prometheus.and_then(|u| PromClient::new(PromConfig::new(u)).ok()),
            tenant: options.tenant,
            exemplars: options.exemplars,
        });
        let app = Router::new()
            .route("/loki/api/v1/query_range", get(loki::query_range))
            .route("/loki/api/v1/query", get(loki::query))
            .route("/loki/api/v1/labels", get(loki_labels::names))
            .route("/loki/api/v1/label/{name}/values", get(loki_labels::values))
            .route("/ready", get(|| async { "ready" }));
        let app = traces::routes(app, options.traces).with_state(shared);
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

/// Exemplars of the gateway's latency histogram in a window (s), from the real Prometheus,
/// and those given to the stand-in.
async fn exemplars(shared: &Shared, start_s: f64, end_s: f64) -> Vec<Exemplar> {
    let (start_ms, end_ms) = ((start_s * 1000.0) as i64, (end_s * 1000.0) as i64);
    let mut found: Vec<Exemplar> = shared
        .exemplars
        .iter()
        .filter(|e| (start_ms..=end_ms).contains(&e.at_ms))
        .cloned()
        .collect();
    let Some(prometheus) = &shared.prometheus else {
        return found;
    };
    let expr = format!("http_request_duration_seconds_bucket{{service=\"{SERVICE}\"}}");
    found.extend(
        prometheus
            .exemplars(&expr, start_s, end_s)
            .await
            .unwrap_or_default(),
    );
    found
}

/// A log line of one instance: (instance, time in ns, text).
type LogLine = (usize, i64, String);

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
    // A line stands for the tick's requests on this endpoint: it is an error line as often as
    // at least one of them failed (`p500`/`p503` are shares of the requests).
    let failure = (et.p500 + et.p503).clamp(0.0, 1.0);
    let any_failed = 1.0 - (1.0 - failure).powf(et.requests.max(0.0));
    if unit(hash(&[tick as u64, i as u64, e as u64, 5])) < any_failed {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_decoded() {
        assert_eq!(percent_decode("a%20b%3D%22c%22+d"), "a b=\"c\" d");
        let params = parse_query(Some("query=%7Bjob%3D%22x%22%7D&limit=5".into()));
        assert_eq!(params["query"], "{job=\"x\"}");
    }
}
