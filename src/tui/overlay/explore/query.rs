//! One Explore query as it runs: the text, the datasource and its language, range or instant,
//! and the panel options that shape the answer (legend format, unit). The same query becomes
//! the one-panel results page, a panel added to a dashboard, and a Grafana Explore URL.

use crate::grafana::logql;
use crate::grafana::model::{
    Dashboard, DatasourceRef, GridPos, Panel, Target, TargetFormat, is_prometheus_type,
};

/// The language the box speaks, from the datasource chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    PromQL,
    LogQL,
}

impl Language {
    pub fn name(self) -> &'static str {
        match self {
            Language::PromQL => "PromQL",
            Language::LogQL => "LogQL",
        }
    }
}

/// A datasource Explore can ask.
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreSource {
    /// How the box names it: `Prometheus (default)`, `Loki`.
    pub label: String,
    pub datasource: DatasourceRef,
    pub language: Language,
    /// Its Grafana uid, for Explore URLs and saved panels, when known.
    pub uid: Option<String>,
}

impl Default for ExploreSource {
    fn default() -> Self {
        ExploreSource {
            label: "Prometheus (default)".into(),
            datasource: DatasourceRef::Default,
            language: Language::PromQL,
            uid: None,
        }
    }
}

/// The datasources the box offers for a dashboard: the default Prometheus, the Prometheus and
/// Loki datasources its panels name, and the session's Loki when the dashboard names none
/// (`loki_uid` is its Grafana uid, possibly empty).
pub fn sources(dashboard: &Dashboard, session_loki: bool, loki_uid: &str) -> Vec<ExploreSource> {
    let mut found = vec![ExploreSource::default()];
    let refs = dashboard.panels.iter().flat_map(|p| {
        std::iter::once(&p.datasource).chain(p.targets.iter().filter_map(|t| t.datasource.as_ref()))
    });
    for reference in refs {
        let DatasourceRef::Named { uid, name, r#type } = reference else {
            continue;
        };
        let language = match r#type.as_deref() {
            Some("loki") => Language::LogQL,
            Some(t) if is_prometheus_type(t) => Language::PromQL,
            _ => continue,
        };
        if found.iter().any(|s| s.datasource == *reference) {
            continue;
        }
        let shown = name.clone().or_else(|| uid.clone()).unwrap_or_default();
        found.push(ExploreSource {
            label: format!("{} ({shown})", kind_name(language)),
            datasource: reference.clone(),
            language,
            uid: uid.clone(),
        });
    }
    if session_loki && !found.iter().any(|s| s.language == Language::LogQL) {
        let uid = (!loki_uid.is_empty()).then(|| loki_uid.to_string());
        found.push(ExploreSource {
            label: "Loki".into(),
            datasource: DatasourceRef::Named {
                uid: uid.clone(),
                name: None,
                r#type: Some("loki".into()),
            },
            language: Language::LogQL,
            uid,
        });
    }
    found
}

fn kind_name(language: Language) -> &'static str {
    match language {
        Language::PromQL => "Prometheus",
        Language::LogQL => "Loki",
    }
}

/// A query run from the box, with its panel options.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExploreQuery {
    pub expr: String,
    pub source: ExploreSource,
    /// Run at the range's end only and shown as a table (else a range as a time series).
    pub instant: bool,
    /// Grafana's legend format (`{{mode}} on {{instance}}`); empty: the series' labels.
    pub legend: String,
    /// Grafana's unit id (`percentunit`, `bytes`, `s`); empty: none.
    pub unit: String,
}

impl ExploreQuery {
    /// A LogQL query that answers log lines (not a metric query).
    pub fn is_log_query(&self) -> bool {
        self.source.language == Language::LogQL
            && logql::parse(&self.expr).is_ok_and(|e| e.is_log_query())
    }

    /// What the results are shown as.
    pub fn shape(&self) -> &'static str {
        if self.is_log_query() {
            "logs"
        } else if self.instant {
            "table"
        } else {
            "time series"
        }
    }

    /// The query as a panel placed at `grid`: logs for a log query, a table for an instant
    /// query (one frame, a row per series, as Grafana's Explore table), else a time series.
    pub fn panel(&self, grid: GridPos) -> Panel {
        let mut target = Target {
            ref_id: "A".into(),
            expr: self.expr.clone(),
            legend_format: (!self.legend.trim().is_empty()).then(|| self.legend.clone()),
            ..Target::default()
        };
        let panel_type = if self.is_log_query() {
            "logs"
        } else if self.instant {
            target.instant = true;
            target.format = TargetFormat::Table;
            "table"
        } else {
            "timeseries"
        };
        let mut panel = Panel {
            panel_type: panel_type.into(),
            title: self.title(),
            grid,
            datasource: self.source.datasource.clone(),
            targets: vec![target],
            source_path: "explore".into(),
            ..Panel::default()
        };
        if !self.unit.trim().is_empty() {
            panel.field_config.defaults.unit = Some(self.unit.trim().to_string());
        }
        panel
    }

    /// The results page: the query alone, across the screen.
    pub fn page_dashboard(&self) -> Dashboard {
        let mut panel = self.panel(GridPos {
            x: 0,
            y: 0,
            w: 24,
            h: 20,
        });
        panel.id = Some(1);
        Dashboard {
            title: format!("Explore: {}", self.title()),
            panels: vec![panel.into()],
            ..Dashboard::default()
        }
    }

    /// The query on one line, as titles show it.
    pub fn title(&self) -> String {
        self.expr.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The results page's options line: shape, legend and unit as applied.
    pub fn options_line(&self) -> String {
        let or_none = |s: &str| {
            if s.trim().is_empty() {
                "(none)".to_string()
            } else {
                s.trim().to_string()
            }
        };
        format!(
            "{} · {} · legend {} · unit {}",
            self.source.label,
            self.shape(),
            or_none(&self.legend),
            or_none(&self.unit)
        )
    }
}
