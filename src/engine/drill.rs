//! Drill-down fetches run by the engine for the UI: a panel's logs (Loki), its service's traces
//! and one trace (Tempo when configured, else Jaeger), and exemplars of a latency panel (Prometheus). The UI sends a
//! `DrillRequest` with its ticket and gets a `DrillAnswer` back as an engine event; it never
//! reaches the network itself.

use crate::data::{Exemplar, LogLine, Trace};
use crate::net::PromClient;
use crate::net::http::Connection;
use crate::net::jaeger::JaegerClient;
use crate::net::loki::LokiClient;
use crate::net::tempo::TempoClient;

/// How many log lines one look fetches.
pub const LOG_LIMIT: usize = 500;
/// Traces one search lists.
const TRACE_SEARCH_LIMIT: usize = 20;

/// Where the drill-down backends are: session settings, set once, never rebuilt with a page.
#[derive(Debug, Clone, Default)]
pub struct Backends {
    pub loki: Option<Connection>,
    pub jaeger: Option<Connection>,
    /// When set, Tempo answers the trace requests instead of Jaeger.
    pub tempo: Option<Connection>,
    pub alertmanager: Option<Connection>,
}

/// A fetch the UI asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum DrillRequest {
    Logs {
        logql: String,
        start_ms: i64,
        end_ms: i64,
    },
    Traces {
        service: String,
        start_ms: i64,
        end_ms: i64,
    },
    Trace {
        id: String,
    },
    Exemplars {
        panel: usize,
        exprs: Vec<String>,
        start_ms: i64,
        end_ms: i64,
    },
}

/// The answer to a `DrillRequest`, errors already phrased for the pane.
#[derive(Debug, Clone)]
pub enum DrillAnswer {
    Logs(Result<Vec<LogLine>, String>),
    Traces(Result<Vec<Trace>, String>),
    Trace(Result<Trace, String>),
    Exemplars(usize, Result<Vec<Exemplar>, String>),
}

fn unset(what: &str, flag: &str, env: &str) -> String {
    format!("no {what} configured: --{flag} URL, {env} or [{flag}] url in the config file")
}

fn loki(backends: &Backends) -> Result<LokiClient, String> {
    match &backends.loki {
        Some(connection) => LokiClient::with(connection.clone()),
        None => Err(unset("Loki", "loki", "TRIAGE_LOKI_URL")),
    }
}

/// Where traces come from: Tempo when configured, else Jaeger.
enum TraceClient {
    Tempo(TempoClient),
    Jaeger(JaegerClient),
}

impl TraceClient {
    async fn search(
        &self,
        service: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<Trace>, String> {
        match self {
            TraceClient::Tempo(c) => {
                c.search(service, start_ms, end_ms, TRACE_SEARCH_LIMIT)
                    .await
            }
            TraceClient::Jaeger(c) => {
                c.search(service, start_ms, end_ms, TRACE_SEARCH_LIMIT)
                    .await
            }
        }
    }

    async fn trace(&self, id: &str) -> Result<Trace, String> {
        match self {
            TraceClient::Tempo(c) => c.trace(id).await,
            TraceClient::Jaeger(c) => c.trace(id).await,
        }
    }
}

fn traces(backends: &Backends) -> Result<TraceClient, String> {
    match (&backends.tempo, &backends.jaeger) {
        (Some(tempo), _) => TempoClient::with(tempo.clone()).map(TraceClient::Tempo),
        (None, Some(jaeger)) => JaegerClient::with(jaeger.clone()).map(TraceClient::Jaeger),
        (None, None) => Err(format!(
            "{}, or --tempo URL, TRIAGE_TEMPO_URL or [tempo] url",
            unset("Jaeger", "jaeger", "TRIAGE_JAEGER_URL")
        )),
    }
}

/// Run one request against its backend.
pub async fn execute(
    request: DrillRequest,
    prometheus: &PromClient,
    backends: &Backends,
) -> DrillAnswer {
    match request {
        DrillRequest::Logs {
            logql,
            start_ms,
            end_ms,
        } => DrillAnswer::Logs(match loki(backends) {
            Ok(client) => {
                client
                    .query_range(&logql, start_ms, end_ms, LOG_LIMIT)
                    .await
            }
            Err(e) => Err(e),
        }),
        DrillRequest::Traces {
            service,
            start_ms,
            end_ms,
        } => DrillAnswer::Traces(match traces(backends) {
            Ok(client) => client.search(&service, start_ms, end_ms).await,
            Err(e) => Err(e),
        }),
        DrillRequest::Trace { id } => DrillAnswer::Trace(match traces(backends) {
            Ok(client) => client.trace(&id).await,
            Err(e) => Err(e),
        }),
        DrillRequest::Exemplars {
            panel,
            exprs,
            start_ms,
            end_ms,
        } => DrillAnswer::Exemplars(panel, exemplars(prometheus, &exprs, start_ms, end_ms).await),
    }
}

/// Exemplars of every expression, by time, duplicates dropped; an error only when none came.
async fn exemplars(
    prometheus: &PromClient,
    exprs: &[String],
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<Exemplar>, String> {
    let mut all = Vec::new();
    let mut error = None;
    for expr in exprs {
        match prometheus
            .exemplars(expr, start_ms as f64 / 1000.0, end_ms as f64 / 1000.0)
            .await
        {
            Ok(found) => all.extend(found),
            Err(e) => error = Some(e.to_string()),
        }
    }
    all.sort_by_key(|e| e.at_ms);
    all.dedup_by(|a, b| a.at_ms == b.at_ms && a.labels == b.labels);
    match error {
        Some(e) if all.is_empty() => Err(e),
        _ => Ok(all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unconfigured_backend_says_how_to_configure_it() {
        let prometheus =
            PromClient::new(crate::net::PromConfig::new("http://127.0.0.1:9")).unwrap();
        let answer = execute(
            DrillRequest::Trace { id: "abc".into() },
            &prometheus,
            &Backends::default(),
        )
        .await;
        let DrillAnswer::Trace(Err(e)) = answer else {
            panic!("expected an error, got {answer:?}");
        };
        assert!(
            e.contains("--jaeger URL") && e.contains("TRIAGE_JAEGER_URL"),
            "{e}"
        );
        assert!(
            e.contains("--tempo URL") && e.contains("[tempo] url"),
            "{e}"
        );
    }
}
