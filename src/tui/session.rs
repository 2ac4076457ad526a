//! What a TUI session keeps while dashboards come and go: where Grafana and the drill-down
//! backends are (for links), the theme, the colour depth, the clock, and the dashboards it can
//! switch between. Set once when the session starts; a page change never touches it.

use super::colour_depth::ColourDepth;
use super::drill::DrillConfig;
use super::theme::Theme;
use crate::view::build::Clock;

#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// Grafana's base URL for hand-off links.
    pub grafana_url: String,
    /// Grafana's organisation of the session's dashboards (`orgId` in links; 1 by default).
    pub org_id: i64,
    /// Loki, Jaeger and Alertmanager addresses and datasource uids, for links and Explore URLs
    /// (the engine holds its own copy to fetch from).
    pub drill: DrillConfig,
    pub theme: Theme,
    /// What the terminal can show; colours are mapped down to it after drawing.
    pub colour_depth: ColourDepth,
    pub clock: Clock,
    /// The session's dashboards: titles for the switcher, uids so a dashboard link (`/d/<uid>`)
    /// to one of them switches to it in the session.
    pub dashboards: Vec<DashboardRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DashboardRef {
    pub title: String,
    pub uid: Option<String>,
}

impl SessionSettings {
    pub fn new(theme: Theme) -> Self {
        SessionSettings {
            grafana_url: "http://localhost:3000".into(),
            org_id: 1,
            drill: DrillConfig::default(),
            theme,
            colour_depth: ColourDepth::TrueColour,
            clock: Clock::Local,
            dashboards: Vec::new(),
        }
    }

    /// The index of the session's dashboard with this uid.
    pub fn dashboard_with_uid(&self, uid: &str) -> Option<usize> {
        self.dashboards
            .iter()
            .position(|d| d.uid.as_deref() == Some(uid))
    }

    pub fn titles(&self) -> Vec<String> {
        self.dashboards.iter().map(|d| d.title.clone()).collect()
    }
}
