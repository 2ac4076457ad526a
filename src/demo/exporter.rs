//! The live `/metrics` endpoint of the synthetic gateway (axum on 127.0.0.1, free port).
//!
//! Every scrape evaluates the world at the current wall-clock time: counters are advanced tick by
//! tick from the last scrape (or from the state the backfill ended with) and interpolated inside
//! the current tick, so the live series continue the history without a seam.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::openmetrics::{Encoder, Format};
use super::world::{TICK_SECONDS, World, WorldState};

/// Where the demo's Alertmanager delivers notifications.
pub const ALERT_WEBHOOK_PATH: &str = "/alertmanager/webhook";

/// Counters further behind than this are recomputed from the restart instead of stepped forward.
const MAX_CATCH_UP_TICKS: i64 = 3 * 3600 / TICK_SECONDS;

/// The world plus the counter state of the latest scrape.
pub struct LiveWorld {
    world: World,
    state: Mutex<Option<WorldState>>,
}

impl LiveWorld {
    pub fn new(world: World, state: Option<WorldState>) -> LiveWorld {
        LiveWorld {
            world,
            state: Mutex::new(state),
        }
    }

    /// Hands over the counter state the backfill ended with (saves recomputing it).
    pub fn set_state(&self, state: WorldState) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Some(state);
    }

    /// The exposition at unix time `t`.
    pub fn render(&self, t: f64, format: Format) -> io::Result<Vec<u8>> {
        let tick = (t / TICK_SECONDS as f64).floor() as i64;
        // A poisoned lock only means an earlier scrape panicked; its state is still usable.
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let state = match guard.take() {
            Some(s) if s.tick <= tick && tick - s.tick <= MAX_CATCH_UP_TICKS => {
                let mut s = s;
                while s.tick < tick {
                    self.world.advance(&mut s);
                }
                s
            }
            _ => self.world.state_at(tick),
        };
        let counters = self.world.interpolated(&state, t);
        let versions: Vec<String> = state.instances.iter().map(|c| c.version.clone()).collect();
        *guard = Some(state);
        drop(guard);
        encode_snapshot(&self.world, t, &counters, &versions, Some(tick), format)
    }
}

/// Writes one snapshot of the fleet (no timestamps: the scraper stamps it).
pub fn encode_snapshot(
    world: &World,
    t: f64,
    counters: &[Vec<f64>],
    versions: &[String],
    exemplar_tick: Option<i64>,
    format: Format,
) -> io::Result<Vec<u8>> {
    let mut enc = Encoder::new(Vec::with_capacity(256 * 1024), format);
    let mut last_family = "";
    let mut result = Ok(());
    world.visit(t, counters, versions, exemplar_tick, &mut |s| {
        if result.is_err() {
            return;
        }
        if s.family.name != last_family {
            last_family = s.family.name;
            result = enc.family(s.family.name, s.family.kind, s.family.help);
        }
        if result.is_ok() {
            let name = format!("{}{}", s.family.name, s.def.suffix);
            result = enc.sample(&name, s.labels, s.value, None, s.exemplar.as_ref());
        }
    });
    result?;
    enc.finish()
}

pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

async fn metrics(State(live): State<Arc<LiveWorld>>, headers: HeaderMap) -> Response {
    let format = Format::negotiate(headers.get(ACCEPT).and_then(|v| v.to_str().ok()));
    match live.render(unix_now(), format) {
        Ok(body) => ([(CONTENT_TYPE, format.content_type())], body).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Webhook receiver of the demo's Alertmanager: notifications are accepted and dropped, so
/// Alertmanager's notification metrics count real deliveries.
async fn alert_webhook() -> StatusCode {
    StatusCode::OK
}

async fn index() -> &'static str {
    "triage demo: synthetic inference-gateway exporter. Metrics at /metrics\n"
}

/// A running exporter; stops when dropped.
pub struct Exporter {
    pub url: String,
    pub port: u16,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Exporter {
    /// Serves `live` on 127.0.0.1 at a free port.
    pub async fn start(live: Arc<LiveWorld>) -> io::Result<Exporter> {
        Exporter::serve(live, "127.0.0.1:0").await
    }

    /// Serves `live` at `address` (`host:port`; `triage demo --exporter-only` in a container
    /// listens on `0.0.0.0:9464`).
    pub async fn serve(live: Arc<LiveWorld>, address: &str) -> io::Result<Exporter> {
        let listener = TcpListener::bind(address).await?;
        let port = listener.local_addr()?.port();
        let host = match listener.local_addr()?.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            ip => ip.to_string(),
        };
        let app = Router::new()
            .route("/", get(index))
            .route("/metrics", get(metrics))
            .route(ALERT_WEBHOOK_PATH, axum::routing::post(alert_webhook))
            .with_state(live);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = rx.await;
            });
            // The server only fails if the listener does; nothing to report to once it stops.
            let _ = server.await;
        });
        Ok(Exporter {
            url: format!("http://{host}:{port}"),
            port,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), task).await;
        }
    }
}

impl Drop for Exporter {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::scenario::Scenario;

    const T0: f64 = 1_764_000_007.5;

    fn live() -> LiveWorld {
        LiveWorld::new(World::new(Scenario::default()), None)
    }

    fn text(live: &LiveWorld, t: f64, format: Format) -> String {
        String::from_utf8(live.render(t, format).unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn openmetrics_snapshot_has_families_exemplars_and_eof() {
        let body = text(&live(), T0, Format::OpenMetrics);
        assert!(body.ends_with("# EOF\n"));
        assert!(body.contains("# TYPE http_requests counter\n"));
        assert!(body.contains("# TYPE http_request_duration_seconds histogram\n"));
        assert!(body.contains("http_requests_total{service=\"inference-gateway\",environment=\"production\",cluster=\"eu-west-1\",instance=\"gw-prod-euw1-a:8080\",endpoint=\"/v1/predict\",status_code=\"200\",version=\""));
        let exemplar_line = body.lines().find(|l| {
            l.starts_with("http_request_duration_seconds_bucket") && l.contains(" # {trace_id=\"")
        });
        assert!(exemplar_line.is_some());
        for family in crate::demo::world::FAMILIES {
            assert!(
                body.contains(&format!("# TYPE {} ", family.name)),
                "{}",
                family.name
            );
        }
    }

    #[test]
    fn prometheus_text_has_no_exemplars() {
        let body = text(&live(), T0, Format::Prometheus);
        assert!(body.contains("# TYPE http_requests_total counter\n"));
        assert!(!body.contains("trace_id"));
        assert!(!body.contains("# EOF"));
    }

    #[test]
    fn live_counters_equal_a_fresh_computation_and_grow() {
        let a = live();
        let first = text(&a, T0, Format::Prometheus);
        // Stepping forward from a cached state gives what a cold start computes.
        let later = text(&a, T0 + 100.0, Format::Prometheus);
        let cold = text(&live(), T0 + 100.0, Format::Prometheus);
        assert_eq!(later, cold);
        assert_ne!(first, later);
    }
}
