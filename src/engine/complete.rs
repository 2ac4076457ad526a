//! Completion answers for Explore, asked of the datasource on the engine (never the UI thread)
//! and cached for the session: metric names, label names and values restricted by `match[]`,
//! metric metadata, and Loki's stream label names and values for LogQL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::grafana::promql_complete::{CompletionAnswer, CompletionRequest};
use crate::net::PromClient;
use crate::net::loki::LokiClient;

/// How far back names and values are looked for (recent series are what an on-call types).
const LOOKBACK_SECONDS: f64 = 6.0 * 3600.0;

/// How long an answer is given again without asking (new series appear).
const FRESH_FOR: Duration = Duration::from_secs(30);

/// Answers already given in this session; failures are not kept, so they are asked again.
#[derive(Debug, Default, Clone)]
pub struct CompletionCache {
    answers: Arc<Mutex<HashMap<CompletionRequest, (Instant, CompletionAnswer)>>>,
}

impl CompletionCache {
    fn get(&self, request: &CompletionRequest) -> Option<CompletionAnswer> {
        let answers = self.answers.lock().ok()?;
        let (at, answer) = answers.get(request)?;
        (at.elapsed() < FRESH_FOR).then(|| answer.clone())
    }

    fn put(&self, request: CompletionRequest, answer: CompletionAnswer) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.insert(request, (Instant::now(), answer));
        }
    }
}

/// What a session without a Loki says when LogQL completion is asked.
const NO_LOKI: &str = "no Loki to ask: start triage with --loki URL";

/// Answer one request, from the cache when it was answered before: Loki's label requests go
/// to `loki` (`None`: not configured; `Err`: its settings are wrong), the others to Prometheus.
pub async fn answer(
    request: &CompletionRequest,
    client: &PromClient,
    loki: Option<Result<LokiClient, String>>,
    cache: &CompletionCache,
) -> Result<CompletionAnswer, String> {
    if let Some(known) = cache.get(request) {
        return Ok(known);
    }
    let end = chrono::Utc::now().timestamp() as f64;
    let start = end - LOOKBACK_SECONDS;
    let answer = match request {
        CompletionRequest::MetricNames => CompletionAnswer::Names(
            client
                .label_values("__name__", None, start, end)
                .await
                .map_err(|e| e.to_string())?,
        ),
        CompletionRequest::LabelNames { selector } => CompletionAnswer::Names(
            client
                .label_names(selector.as_deref(), start, end)
                .await
                .map_err(|e| e.to_string())?,
        ),
        CompletionRequest::LabelValues { label, selector } => CompletionAnswer::Names(
            client
                .label_values(label, selector.as_deref(), start, end)
                .await
                .map_err(|e| e.to_string())?,
        ),
        CompletionRequest::Metadata { metric } => {
            CompletionAnswer::Metadata(metadata(client, metric).await?)
        }
        CompletionRequest::LokiLabelNames => {
            let loki = loki.ok_or(NO_LOKI)??;
            let (start_ms, end_ms) = ((start * 1000.0) as i64, (end * 1000.0) as i64);
            CompletionAnswer::Names(loki.label_names(start_ms, end_ms).await?)
        }
        CompletionRequest::LokiLabelValues { label, stream } => {
            let loki = loki.ok_or(NO_LOKI)??;
            let (start_ms, end_ms) = ((start * 1000.0) as i64, (end * 1000.0) as i64);
            CompletionAnswer::Names(
                loki.label_values(label, stream.as_deref(), start_ms, end_ms)
                    .await?,
            )
        }
    };
    cache.put(request.clone(), answer.clone());
    Ok(answer)
}

/// Metadata is kept per metric family: `x_total`, `x_bucket`, `x_sum`, `x_count` are found
/// under `x` when the target speaks OpenMetrics.
async fn metadata(
    client: &PromClient,
    metric: &str,
) -> Result<Option<crate::grafana::promql_complete::MetricInfo>, String> {
    if let Some(info) = client.metadata(metric).await.map_err(|e| e.to_string())? {
        return Ok(Some(info));
    }
    for suffix in ["_total", "_bucket", "_sum", "_count", "_created", "_info"] {
        if let Some(family) = metric.strip_suffix(suffix) {
            return client.metadata(family).await.map_err(|e| e.to_string());
        }
    }
    Ok(None)
}
