//! Query results as the rest of the program sees them: named series of points per panel.

use std::collections::BTreeMap;

/// One series of a panel: its display name (legend), labels and `(ms, value)` points.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub ref_id: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub points: Vec<(i64, f64)>,
    /// Set on a comparison series ("1d ago"): points already shifted to line up with now.
    pub compare: Option<String>,
}

/// What was asked of Prometheus for one target, for panel inspect and figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryInfo {
    pub ref_id: String,
    pub expr: String,
    pub instant: bool,
    pub start_ms: i64,
    pub end_ms: i64,
    pub step_ms: i64,
    pub bytes: usize,
    /// Time from sending the query to having its answer decoded.
    pub duration_ms: u64,
    pub error: Option<String>,
}

/// One annotation event: an instant, or a region when `end_ms > at_ms`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnnotationEvent {
    /// The annotation's name in the dashboard (`Deploys`).
    pub source: String,
    pub at_ms: i64,
    pub end_ms: i64,
    pub title: String,
    pub text: String,
    pub tags: Vec<String>,
    /// `iconColor` as written (a Grafana colour name or `#rrggbb`).
    pub color: Option<String>,
}

/// Everything a panel needs to be drawn after a refresh.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelData {
    pub series: Vec<Series>,
    /// One message per failed target, already naming the target.
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub queries: Vec<QueryInfo>,
    /// Why this panel cannot be drawn (unknown type, library panel, non-Prometheus datasource).
    pub unsupported: Option<String>,
    /// Range the data covers, for x axes.
    pub start_ms: i64,
    pub end_ms: i64,
    /// Dashboard annotation events in the range (time-series panels only).
    pub annotations: Vec<AnnotationEvent>,
    /// The annotation queries behind them, kept apart from `queries` (the panel's own targets,
    /// which checks and state follow).
    pub annotation_queries: Vec<QueryInfo>,
    /// Log lines of the panel's log queries (Loki), newest first.
    pub logs: Vec<crate::data::LogLine>,
}

/// The state reported for a panel (`render --format json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelState {
    Loading,
    Ok,
    NoData,
    Error,
    Unsupported,
}

impl PanelState {
    pub fn as_str(self) -> &'static str {
        match self {
            PanelState::Loading => "loading",
            PanelState::Ok => "ok",
            PanelState::NoData => "no_data",
            PanelState::Error => "error",
            PanelState::Unsupported => "unsupported",
        }
    }
}

impl PanelData {
    pub fn state(&self) -> PanelState {
        if self.unsupported.is_some() {
            PanelState::Unsupported
        } else if !self.errors.is_empty() && self.series.is_empty() && self.logs.is_empty() {
            PanelState::Error
        } else if !self.logs.is_empty() {
            PanelState::Ok
        } else if self.series.iter().all(|s| s.points.is_empty()) {
            if self.errors.is_empty() {
                PanelState::NoData
            } else {
                PanelState::Error
            }
        } else {
            PanelState::Ok
        }
    }

    pub fn point_count(&self) -> usize {
        self.series.iter().map(|s| s.points.len()).sum()
    }
}
