//! A running dashboard: the task that resolves variables and fetches panels in the background,
//! and the messages it sends back. The UI never awaits it; it only reads events.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::datasources::Datasources;
use super::frame::PanelData;
use super::refresh::{RefreshInput, run_refresh};
use crate::prom::PromClient;

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
}

impl EngineEvent {
    pub fn generation(&self) -> u64 {
        match self {
            EngineEvent::Resolved { generation, .. }
            | EngineEvent::Panel { generation, .. }
            | EngineEvent::Done { generation } => *generation,
        }
    }
}

/// Owns the in-flight refresh; a new request cancels the old one, so a stale answer is
/// never drawn (and late ones are dropped by generation anyway).
pub struct Session {
    datasources: Arc<Datasources>,
    events: mpsc::UnboundedSender<EngineEvent>,
    in_flight: Option<JoinHandle<()>>,
    generation: u64,
}

impl Session {
    pub fn new(client: PromClient) -> (Self, mpsc::UnboundedReceiver<EngineEvent>) {
        Self::with_datasources(Datasources::single(client))
    }

    /// A session over several named datasources.
    pub fn with_datasources(
        datasources: Datasources,
    ) -> (Self, mpsc::UnboundedReceiver<EngineEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            Session {
                datasources: Arc::new(datasources),
                events: tx,
                in_flight: None,
                generation: 0,
            },
            rx,
        )
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
        let events = self.events.clone();
        self.in_flight = Some(tokio::spawn(async move {
            run_refresh(&datasources, input, generation, &events).await;
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
