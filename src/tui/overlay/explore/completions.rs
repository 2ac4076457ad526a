//! The session's completion answers as the UI knows them: what arrived, what is asked and
//! not answered yet, and the requests waiting to be handed to the engine.

use std::collections::{HashMap, HashSet};

use crate::grafana::promql_complete::{CompletionAnswer, CompletionRequest, MetricInfo};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Completions {
    answers: HashMap<CompletionRequest, Result<CompletionAnswer, String>>,
    asked: HashSet<CompletionRequest>,
    outbox: Vec<(u64, CompletionRequest)>,
    ticket: u64,
}

impl Completions {
    /// Ask for an answer unless it is known or on its way.
    pub fn want(&mut self, request: CompletionRequest) {
        if self.answers.contains_key(&request) || self.asked.contains(&request) {
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
        self.answers.insert(request, answer);
    }

    /// Failed answers are asked again the next time the box opens.
    pub fn forget_failures(&mut self) {
        self.answers.retain(|_, a| a.is_ok());
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
