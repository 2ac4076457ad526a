//! Panel types as a closed set: what triage draws, what it knows and cannot draw (and why), and
//! plugin panels. The model keeps Grafana's `type` string; code that decides by type matches on
//! `PanelKind` so a misspelt type name is a compile error, not a silent fall-through.

use super::model::Panel;

/// The type placeholder of a library panel whose model is not embedded (see `load`).
pub use super::load::LIBRARY_PLACEHOLDER;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanelKind {
    /// `stat`, and the legacy `singlestat` it migrates from.
    Stat,
    Gauge,
    BarGauge,
    /// `timeseries`, and the legacy `graph`.
    TimeSeries,
    /// `table`, and the legacy `table-old`.
    Table,
    Heatmap,
    StateTimeline,
    StatusHistory,
    PieChart,
    Histogram,
    BarChart,
    Text,
    /// Log lines of a Loki datasource.
    Logs,
    /// A library panel whose model lives in Grafana.
    LibraryPlaceholder,
    /// A type Grafana knows that has no terminal form here (see `placeholder_reason`).
    Placeholder,
    /// A plugin panel (or a type this version does not know).
    Plugin,
}

impl PanelKind {
    pub fn of(panel_type: &str) -> PanelKind {
        match panel_type {
            "stat" | "singlestat" => PanelKind::Stat,
            "gauge" => PanelKind::Gauge,
            "bargauge" => PanelKind::BarGauge,
            "timeseries" | "graph" => PanelKind::TimeSeries,
            "table" | "table-old" => PanelKind::Table,
            "heatmap" => PanelKind::Heatmap,
            "state-timeline" => PanelKind::StateTimeline,
            "status-history" => PanelKind::StatusHistory,
            "piechart" => PanelKind::PieChart,
            "histogram" => PanelKind::Histogram,
            "barchart" => PanelKind::BarChart,
            "text" => PanelKind::Text,
            "logs" => PanelKind::Logs,
            LIBRARY_PLACEHOLDER => PanelKind::LibraryPlaceholder,
            kind if placeholder_reason(kind).is_some() => PanelKind::Placeholder,
            _ => PanelKind::Plugin,
        }
    }

    /// Panels whose value depends on the whole range's last point rather than a time axis:
    /// they ask with the width Grafana gives them.
    pub fn is_single_value(self) -> bool {
        matches!(
            self,
            PanelKind::Stat
                | PanelKind::Gauge
                | PanelKind::BarGauge
                | PanelKind::Table
                | PanelKind::PieChart
                | PanelKind::Histogram
        )
    }
}

/// Why a panel is not queried or drawn at all, or `None` when it is (plugin panels still run
/// their Prometheus queries so their data can be shown as a note).
pub fn unsupported_reason(panel: &Panel) -> Option<String> {
    // Only the placeholder: a library panel whose model was embedded draws like any other.
    if panel.panel_type == LIBRARY_PLACEHOLDER
        && let Some(uid) = &panel.library_panel_uid
    {
        return Some(match &panel.library_panel_problem {
            Some(problem) => format!("library panel `{uid}`: {problem}"),
            None => format!("library panel {uid}: its model lives in Grafana, not in this file"),
        });
    }
    match PanelKind::of(&panel.panel_type) {
        PanelKind::Text => Some("text panel".into()),
        PanelKind::Placeholder => placeholder_reason(&panel.panel_type)
            .map(|why| format!("{} panel: {why}", panel.panel_type)),
        _ => None,
    }
}

/// Why a panel type that is not drawn is not drawn, for the types that need no query at all or
/// whose data has no terminal form here. `None` for types triage draws (or plugin panels).
pub fn placeholder_reason(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "alertlist" => "lists Grafana's own alert rules and their states, which live in Grafana",
        "annolist" => "lists annotations stored in Grafana",
        "news" => "an RSS feed shown by Grafana, nothing to triage",
        "dashlist" => "a list of Grafana's dashboards (see `triage list`)",
        "welcome" | "gettingstarted" => "Grafana's welcome panel",
        "nodeGraph" => {
            "a graph of nodes and edges, usually from a tracing datasource; not drawn in a terminal"
        }
        "traces" => {
            "trace spans come from a tracing datasource (tempo, jaeger); not drawn in a terminal"
        }
        "canvas" => "a free-form drawing of elements placed in pixels; no faithful terminal form",
        "geomap" => "a map: positions need map tiles, which a terminal cannot show",
        "flamegraph" => "profiles come from a profiling datasource; not drawn in a terminal",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_types_are_their_successors() {
        assert_eq!(PanelKind::of("graph"), PanelKind::TimeSeries);
        assert_eq!(PanelKind::of("singlestat"), PanelKind::Stat);
        assert_eq!(PanelKind::of("table-old"), PanelKind::Table);
    }

    #[test]
    fn known_undrawable_types_say_why_and_plugins_are_plugins() {
        assert_eq!(PanelKind::of("geomap"), PanelKind::Placeholder);
        assert_eq!(PanelKind::of("grafana-clock-panel"), PanelKind::Plugin);
        let panel = Panel {
            panel_type: "alertlist".into(),
            ..Panel::default()
        };
        let reason = unsupported_reason(&panel).unwrap();
        assert!(reason.starts_with("alertlist panel: "), "{reason}");
        let plugin = Panel {
            panel_type: "grafana-clock-panel".into(),
            ..Panel::default()
        };
        assert_eq!(unsupported_reason(&plugin), None);
        let logs = Panel {
            panel_type: "logs".into(),
            ..Panel::default()
        };
        assert_eq!(PanelKind::of("logs"), PanelKind::Logs);
        assert_eq!(unsupported_reason(&logs), None, "logs panels are drawn");
    }
}
