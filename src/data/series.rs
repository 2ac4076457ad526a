//! Query answers as plain values: series with labels and points, and exemplars.

use std::collections::BTreeMap;

/// One series as Prometheus returned it: labels (including `__name__`) and `(ms, value)` points.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawSeries {
    pub labels: BTreeMap<String, String>,
    pub points: Vec<(i64, f64)>,
}

/// The data of a query answer plus the warnings Prometheus attached to it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryAnswer {
    /// `matrix`, `vector`, `scalar` or `string`.
    pub result_type: String,
    pub series: Vec<RawSeries>,
    pub warnings: Vec<String>,
    /// Size of the response body, for load figures.
    pub bytes: usize,
}

/// One exemplar Prometheus stored: the series it belongs to, its labels (`trace_id`), value
/// and time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exemplar {
    pub series_labels: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
    pub at_ms: i64,
}

impl Exemplar {
    /// The trace it points at (`trace_id`, or `traceID` as some SDKs write it).
    pub fn trace_id(&self) -> Option<&str> {
        ["trace_id", "traceID", "traceId"]
            .iter()
            .find_map(|k| self.labels.get(*k))
            .map(String::as_str)
    }
}
