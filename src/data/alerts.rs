//! Alerts as Prometheus and Alertmanager report them.

use std::collections::BTreeMap;

/// A pending or firing alert as Prometheus reports it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alert {
    pub labels: BTreeMap<String, String>,
    /// `summary`, `description`, `runbook_url`, ...
    pub annotations: BTreeMap<String, String>,
    /// `firing` or `pending`.
    pub state: String,
    pub active_at_ms: Option<i64>,
    pub value: String,
    /// Who reported it: `prometheus`, `alertmanager` or both.
    pub source: String,
    /// Alertmanager's silence or inhibition, when it holds one.
    pub suppressed: Option<String>,
}
