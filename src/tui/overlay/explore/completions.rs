//! The session's completion answers as the UI knows them: what arrived, what is asked and
//! not answered yet, and the requests waiting to be handed to the engine.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::grafana::promql_complete::{CompletionAnswer, CompletionRequest, MetricInfo};

/// After this long an answer is asked again when needed (new series appear; the old answer
/// is shown until the new one arrives). The engine keeps its own answers for less long.
const FRESH_FOR: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Completions {
    answers: HashMap<CompletionRequest, Result<CompletionAnswer, String>>,
    answered_at: HashMap<CompletionRequest, Instant>,
    asked: HashSet<CompletionRequest>,
    outbox: Vec<(u64, CompletionRequest)>,
    ticket: u64,
}

impl Completions {
    /// Ask for an answer unless it is known or on its way.
    pub fn want(&mut self, request: CompletionRequest) {
        let fresh = self
            .answered_at
            .get(&request)
            .is_some_and(|at| at.elapsed() < FRESH_FOR);
        if fresh || self.asked.contains(&request) {
            return;
        }
        self.ticket += 1;
        self.asked.insert(request.clone());
        self.outbox.push((self.ticket, request));
    }

    /// The requests to hand to the engine (each once).
    pub fn take_requests(&mut self) -> Vec<(u64, CompletionRequest)> {
        std::mem::take(&mut self.outbox)
    }

    pub fn answered(
        &mut self,
        request: CompletionRequest,
        answer: Result<CompletionAnswer, String>,
    ) {
        self.asked.remove(&request);
        self.answered_at.insert(request.clone(), Instant::now());
        self.answers.insert(request, answer);
    }

    /// Failed answers are asked again the next time the box opens.
    pub fn forget_failures(&mut self) {
        self.answers.retain(|_, a| a.is_ok());
        let answers = &self.answers;
        self.answered_at.retain(|r, _| answers.contains_key(r));
    }

    pub fn names(&self, request: &CompletionRequest) -> Option<&[String]> {
        match self.answers.get(request)? {
            Ok(CompletionAnswer::Names(names)) => Some(names),
            _ => None,
        }
    }

    /// Whether the request is on its way.
    pub fn pending(&self, request: &CompletionRequest) -> bool {
        self.asked.contains(request)
    }

    pub fn failure(&self, request: &CompletionRequest) -> Option<&str> {
        self.answers
            .get(request)?
            .as_ref()
            .err()
            .map(String::as_str)
    }

    pub fn metadata(&self, metric: &str) -> Option<&MetricInfo> {
        let request = CompletionRequest::Metadata {
            metric: metric.to_string(),
        };
        match self.answers.get(&request)? {
            Ok(CompletionAnswer::Metadata(info)) => info.as_ref(),
            _ => None,
        }
    }
}
