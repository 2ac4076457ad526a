//! A running dashboard: the task that resolves variables and fetches panels in the background,
//! and the messages it sends back. The UI never awaits it; it only reads events.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::alerts::AlertsAnswer;
use super::complete::CompletionCache;
use super::datasources::Datasources;
use super::drill::{Backends, DrillAnswer, DrillRequest};
use super::refresh::{RefreshInput, RefreshMemory, run_refresh};
use crate::data::panel_data::PanelData;
use crate::grafana::promql_complete::{CompletionAnswer, CompletionRequest};
use crate::net::PromClient;

/// Sent by the background task; `generation` says which request it answers.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// Variables resolved: the dashboard with repeats expanded and the shown values.
    Resolved {
        generation: u64,
        resolved: Box<super::refresh::Resolved>,
    },
    Panel {
        generation: u64,
        index: usize,
        data: Box<PanelData>,
    },
    Done {
        generation: u64,
    },
    /// A drill-down answer for the UI's request `ticket` (the UI drops all but its newest).
    Drill {
        ticket: u64,
        answer: DrillAnswer,
    },
    /// The alerts pane's data.
    Alerts(AlertsAnswer),
    /// An answer for Explore's completion (`Session::complete`).
    Completion {
        ticket: u64,
        request: CompletionRequest,
        answer: Result<CompletionAnswer, String>,
    },
}

impl EngineEvent {
    /// The refresh this event belongs to; `None` for answers to the UI's own requests.
    pub fn generation(&self) -> Option<u64> {
        match self {
            EngineEvent::Resolved { generation, .. }
            | EngineEvent::Panel { generation, .. }
            | EngineEvent::Done { generation } => Some(*generation),
            EngineEvent::Drill { .. } | EngineEvent::Alerts(_) | EngineEvent::Completion { .. } => {
                None
            }
        }
    }
}

/// Owns the in-flight refresh; a new request cancels the old one, so a stale answer is
/// never drawn (and late ones are dropped by generation anyway).
pub struct Session {
    datasources: Arc<Datasources>,
    /// Loki, Jaeger and Alertmanager: session settings that outlive every dashboard shown.
    backends: Arc<Backends>,
    events: mpsc::UnboundedSender<EngineEvent>,
    in_flight: Option<JoinHandle<()>>,
    generation: u64,
    /// What each panel asked in the last refresh that ran to the end (for `keep_unchanged`),
    /// and the variables it resolved (for panels that come into view later).
    memory: Arc<std::sync::Mutex<RefreshMemory>>,
    /// Explore's completion answers, kept for the session.
    completions: CompletionCache,
}

impl Session {
    /// A session over several named datasources.
    pub fn with_datasources(
        datasources: Datasources,
    ) -> (Self, mpsc::UnboundedReceiver<EngineEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            Session {
                datasources: Arc::new(datasources),
                backends: Arc::default(),
                events: tx,
                in_flight: None,
                generation: 0,
                memory: Arc::default(),
                completions: CompletionCache::default(),
            },
            rx,
        )
    }

    /// Where drill-downs and alerts go (set once, when the session starts).
    pub fn with_backends(mut self, backends: Backends) -> Self {
        self.backends = Arc::new(backends);
        self
    }

    pub fn backends(&self) -> &Backends {
        &self.backends
    }

    /// Fetch for a drill-down pane in the background; the answer comes back as
    /// `EngineEvent::Drill` with the same ticket.
    pub fn drill(&self, ticket: u64, request: DrillRequest) {
        let prometheus = self.client().clone();
        let backends = self.backends.clone();
        let events = self.events.clone();
        tokio::spawn(async move {
            let answer = super::drill::execute(request, &prometheus, &backends).await;
            let _ = events.send(EngineEvent::Drill { ticket, answer });
        });
    }

    /// Fetch the alerts pane's data in the background (`EngineEvent::Alerts`).
    pub fn alerts(&self) {
        let datasources = self.datasources.clone();
        let backends = self.backends.clone();
        let events = self.events.clone();
        tokio::spawn(async move {
            // Only needed with an Alertmanager, to match its copies of Prometheus's alerts;
            // asked once per session.
            let external_labels = match backends.alertmanager {
                Some(_) => datasources.external_labels().await,
                None => Default::default(),
            };
            let answer = super::alerts::fetch(
                &datasources.default,
                backends.alertmanager.as_ref(),
                &external_labels,
            )
            .await;
            let _ = events.send(EngineEvent::Alerts(answer));
        });
    }

    /// Answer a completion request for Explore in the background (`EngineEvent::Completion`
    /// with the same ticket); answers are cached for the session.
    pub fn complete(&self, ticket: u64, request: CompletionRequest) {
        let prometheus = self.client().clone();
        let loki = self
            .backends
            .loki
            .clone()
            .map(crate::net::loki::LokiClient::with);
        let cache = self.completions.clone();
        let events = self.events.clone();
        tokio::spawn(async move {
            let answer = super::complete::answer(&request, &prometheus, loki, &cache).await;
            let _ = events.send(EngineEvent::Completion {
                ticket,
                request,
                answer,
            });
        });
    }

    /// The default datasource's client.
    pub fn client(&self) -> &PromClient {
        &self.datasources.default
    }

    /// The generation of the newest request; events of older ones are stale.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Start a refresh, cancelling the one in flight.
    pub fn refresh(&mut self, input: RefreshInput) -> u64 {
        if let Some(task) = self.in_flight.take() {
            task.abort();
        }
        self.generation += 1;
        let generation = self.generation;
        let datasources = self.datasources.clone();
        let backends = self.backends.clone();
        let events = self.events.clone();
        let memory = self.memory.clone();
        self.in_flight = Some(tokio::spawn(async move {
            let previous = memory.lock().map(|m| m.clone()).unwrap_or_default();
            let kept = run_refresh(
                &datasources,
                &backends,
                input,
                &previous,
                generation,
                &events,
            )
            .await;
            // Only a refresh that finished becomes the reference (an aborted one never gets here).
            if let Ok(mut last) = memory.lock() {
                *last = kept;
            }
            let _ = events.send(EngineEvent::Done { generation });
        }));
        generation
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(task) = self.in_flight.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::load::load_str;
    use crate::grafana::timerange::TimeRange;
    use crate::net::PromConfig;

    /// Two panels, only the first using `$env`; Prometheus is unreachable, so every query that
    /// is sent comes back as a panel event with an error (fast, no server needed).
    fn input(env: &str, keep_unchanged: bool) -> RefreshInput {
        let json = r#"{"title": "t", "panels": [
            {"id": 1, "type": "stat", "title": "uses env", "gridPos": {"x":0,"y":0,"w":12,"h":4},
             "targets": [{"refId": "A", "expr": "up{env=\"$env\"}"}]},
            {"id": 2, "type": "stat", "title": "does not", "gridPos": {"x":12,"y":0,"w":12,"h":4},
             "targets": [{"refId": "A", "expr": "up"}]}],
          "templating": {"list": [{"name": "env", "type": "custom", "query": "a,b",
             "current": {"text": "a", "value": "a"}}]}}"#;
        let dashboard = load_str(json, "t.json").unwrap().dashboard;
        RefreshInput {
            dashboard: Arc::new(dashboard),
            overrides: [("env".to_string(), vec![env.to_string()])].into(),
            selections: Default::default(),
            range: TimeRange::resolve("now-1h", "now", chrono::Utc::now()).unwrap(),
            scrape_interval: None,
            compare: None,
            keep_unchanged,
            wanted: None,
        }
    }

    async fn panels_reported(
        session: &mut Session,
        events: &mut mpsc::UnboundedReceiver<EngineEvent>,
        input: RefreshInput,
    ) -> Vec<usize> {
        let generation = session.refresh(input);
        let mut panels = Vec::new();
        while let Some(event) = events.recv().await {
            match event {
                EngineEvent::Panel { index, .. } if event.generation() == Some(generation) => {
                    panels.push(index)
                }
                EngineEvent::Done { generation: g } if g == generation => break,
                _ => {}
            }
        }
        panels.sort();
        panels
    }

    #[tokio::test]
    async fn a_variable_change_re_queries_only_the_panels_that_use_it() {
        let mut config = PromConfig::new("http://127.0.0.1:1");
        config.timeout = std::time::Duration::from_secs(2);
        let (mut session, mut events) =
            Session::with_datasources(Datasources::single(PromClient::new(config).unwrap()));
        assert_eq!(
            panels_reported(&mut session, &mut events, input("a", false)).await,
            [0, 1]
        );
        // env changes: only the panel whose query names it is asked again.
        assert_eq!(
            panels_reported(&mut session, &mut events, input("b", true)).await,
            [0]
        );
        // Nothing changed: nothing asked.
        assert!(
            panels_reported(&mut session, &mut events, input("b", true))
                .await
                .is_empty()
        );
        // A plain refresh asks everything again.
        assert_eq!(
            panels_reported(&mut session, &mut events, input("b", false)).await,
            [0, 1]
        );
    }
}
