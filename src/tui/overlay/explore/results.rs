//! Keys of an Explore results page (the query's own page): they act on the query, not on a
//! dashboard, so `a` and `s` mean add and save here; on dashboards they stay alerts and
//! snapshot (`S` snapshots the panel everywhere).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key on the results page asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsKey {
    /// Open the box on the query (`e`), its legend format (`f`) or unit (`u`).
    Edit(super::Field),
    /// Range as a time series ↔ instant as a table (`m`).
    ToggleInstant,
    /// Add the query as a panel of the dashboard Explore was opened from (`a`).
    AddToDashboard,
    /// Save that dashboard with its added panels to a file (`s`).
    Save,
}

/// The key line of a results page.
pub const RESULTS_KEYS: &str = "e edit · m table/time series · f legend · u unit · a add to dashboard · s save · y Grafana URL";

pub fn results_key(key: KeyEvent) -> Option<ResultsKey> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    Some(match key.code {
        KeyCode::Char('e') => ResultsKey::Edit(super::Field::Query),
        KeyCode::Char('f') => ResultsKey::Edit(super::Field::Legend),
        KeyCode::Char('u') => ResultsKey::Edit(super::Field::Unit),
        KeyCode::Char('m') => ResultsKey::ToggleInstant,
        KeyCode::Char('a') => ResultsKey::AddToDashboard,
        KeyCode::Char('s') => ResultsKey::Save,
        _ => return None,
    })
}

/// The results page's line over the status line: datasource, shape, legend and unit as
/// applied, and the keys.
pub fn draw_results_line(
    query: &super::ExploreQuery,
    area: ratatui::layout::Rect,
    buf: &mut ratatui::buffer::Buffer,
    theme: &crate::tui::theme::Theme,
) {
    use ratatui::style::Style;
    use ratatui::text::{Line, Span};
    use ratatui::widgets::Widget;
    Line::from(vec![
        Span::styled(
            format!(" {} ", query.options_line()),
            Style::default().fg(theme.title),
        ),
        Span::styled(format!("· {RESULTS_KEYS}"), Style::default().fg(theme.dim)),
    ])
    .render(area, buf);
}

impl crate::tui::app::App {
    /// A key on an Explore results page that acts on its query; `None` for other pages and
    /// keys (they do what they do on any page).
    pub(in crate::tui) fn explore_results_key(
        &mut self,
        key: KeyEvent,
    ) -> Option<crate::tui::command::Command> {
        use crate::tui::command::Command;
        let query = self.page.explore.clone()?;
        Some(match results_key(key)? {
            ResultsKey::Edit(field) => {
                self.open_explore(field);
                Command::None
            }
            ResultsKey::ToggleInstant => Command::Explore(Box::new(super::ExploreQuery {
                instant: !query.instant,
                ..query
            })),
            ResultsKey::AddToDashboard => Command::AddToDashboard(Box::new(query)),
            ResultsKey::Save => Command::SaveDashboard(Box::new(query)),
        })
    }

    /// On an Explore page, the Grafana Explore URL of its query and range (Loki's datasource
    /// for LogQL).
    pub(in crate::tui) fn explore_link(&self) -> Option<String> {
        use crate::links::drilldown::{grafana_explore_promql_url, grafana_explore_url};
        let query = self.page.explore.as_ref()?;
        let grafana = &self.session.grafana_url;
        if grafana.is_empty() {
            return None;
        }
        let range = &self.page.view_state.range;
        let org = self.session.org_id;
        Some(match query.source.language {
            super::Language::PromQL => grafana_explore_promql_url(
                grafana,
                org,
                query.source.uid.as_deref(),
                &query.expr,
                &range.from,
                &range.to,
            ),
            super::Language::LogQL => grafana_explore_url(
                grafana,
                org,
                query
                    .source
                    .uid
                    .as_deref()
                    .unwrap_or(&self.session.drill.loki_datasource),
                &query.expr,
                &range.from,
                &range.to,
            ),
        })
    }
}
