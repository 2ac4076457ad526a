//! The links pane: the focused panel's data and panel links, the dashboard's links, all
//! resolved against what the panel shows, plus the drill-down URLs (logs, traces, Grafana).

use std::collections::BTreeMap;

use ratatui::crossterm::event::KeyCode;
use ratatui::style::Modifier;
use ratatui::text::Line;

use super::{Focused, Pane, Request, Step, Styles};
use crate::grafana::model::{Dashboard, Panel};
use crate::links::drilldown::{
    LinkContext, grafana_explore_url, logql_selector, resolve_link_url, service_of, stream_matchers,
};
use crate::tui::app::App;
use crate::tui::session::SessionSettings;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, PartialEq)]
pub struct LinkItem {
    pub kind: &'static str,
    pub title: String,
    pub url: String,
}

impl App {
    /// `L`: the dashboard's, the panel's and its data links, resolved, plus the drill-down URLs.
    pub fn open_links(&mut self) {
        let Some(Focused {
            panel: f,
            exprs,
            start,
            end,
            labels,
        }) = self.focused_or_say()
        else {
            return;
        };
        let (from, to) = self.range_text();
        let ctx = self.link_context(f, start, end, labels.clone());
        let mut items = resolved_links(&self.page.dashboard.panels[f], &self.page.dashboard, &ctx);
        let matchers = stream_matchers(&labels, &exprs);
        let logql = logql_selector(&matchers);
        items.push(LinkItem {
            kind: "logs",
            title: format!("Grafana Explore: {logql}"),
            url: grafana_explore_url(
                &self.session.grafana_url,
                self.session.org_id,
                &self.session.drill.loki_datasource,
                &logql,
                &from,
                &to,
            ),
        });
        if let Some(service) = service_of(&matchers) {
            items.push(LinkItem {
                kind: "traces",
                title: format!("traces of {service}"),
                url: self.trace_search_url(&service, start, end),
            });
        }
        items.push(LinkItem {
            kind: "grafana",
            title: "this view in Grafana".into(),
            url: self.grafana_link(),
        });
        self.drill.pane = Some(Pane::Links { items, cursor: 0 });
    }

    /// What a link's `${…}` may name: the variables, the range, the dashboard, and the
    /// panel's series when it has only one (its labels, and the value under the cursor).
    fn link_context(
        &self,
        f: usize,
        start: i64,
        end: i64,
        labels: BTreeMap<String, String>,
    ) -> LinkContext {
        let (from, to) = self.range_text();
        let series = self
            .page
            .data
            .get(f)
            .and_then(Option::as_ref)
            .and_then(|d| {
                if d.series.len() == 1 {
                    d.series.first()
                } else {
                    None
                }
            });
        LinkContext {
            variables: self
                .page
                .view_state
                .selections
                .iter()
                .map(|(k, v)| (k.clone(), v.value.clone()))
                .collect(),
            from: from.clone(),
            to: to.clone(),
            from_ms: start,
            to_ms: end,
            dashboard_title: self.page.dashboard.title.clone(),
            dashboard_uid: self.page.dashboard.uid.clone(),
            series_name: series.map(|s| s.name.clone()),
            series_labels: labels,
            // The point under the fullscreen cursor, else the last one.
            value: series.and_then(|s| {
                let mut finite = s.points.iter().filter(|p| p.1.is_finite());
                match self.page.cursor {
                    Some(c) => {
                        let at = start as f64 + (end - start) as f64 * c;
                        finite.min_by(|a, b| {
                            (a.0 as f64 - at).abs().total_cmp(&(b.0 as f64 - at).abs())
                        })
                    }
                    None => finite.next_back(),
                }
                .copied()
            }),
        }
    }
}

/// The panel's data links, its panel links and the dashboard's links, resolved.
fn resolved_links(panel: &Panel, dashboard: &Dashboard, ctx: &LinkContext) -> Vec<LinkItem> {
    let mut items = Vec::new();
    for link in &panel.field_config.defaults.links {
        items.push(LinkItem {
            kind: "data link",
            title: link.title.clone(),
            url: resolve_link_url(&link.url, ctx),
        });
    }
    for link in &panel.links {
        items.push(LinkItem {
            kind: "panel link",
            title: link.title.clone(),
            url: resolve_link_url(&link.url, ctx),
        });
    }
    for link in &dashboard.links {
        let Some(url) = &link.url else { continue };
        let mut url = resolve_link_url(url, ctx);
        // Grafana appends these for the link's keepTime / includeVars switches.
        let mut extra = Vec::new();
        if link.keep_time {
            extra.push(resolve_link_url("${__url_time_range}", ctx));
        }
        if link.include_vars {
            extra.push(resolve_link_url("${__all_variables}", ctx));
        }
        extra.retain(|e| !e.is_empty());
        if !extra.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&extra.join("&"));
        }
        items.push(LinkItem {
            kind: "dashboard link",
            title: link.title.clone(),
            url,
        });
    }
    items
}

/// Keys of the links pane; the session says which links lead to one of its own dashboards.
pub(super) fn keys(
    items: &[LinkItem],
    cursor: &mut usize,
    code: KeyCode,
    session: &SessionSettings,
) -> Step {
    match code {
        KeyCode::Esc | KeyCode::Char('q') => return Step::Close,
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => {
            *cursor = (*cursor + 1).min(items.len().saturating_sub(1))
        }
        KeyCode::Enter => {
            let open_here = items.get(*cursor).and_then(|item| {
                let uid = crate::links::dashboard_uid_in(&item.url)?;
                session.dashboard_with_uid(uid)
            });
            match (open_here, items.get(*cursor)) {
                // One of this session's dashboards: go there, as Grafana would.
                (Some(index), _) => return Step::SwitchDashboard(index),
                (None, Some(item)) => {
                    return Step::Ask(Request::Open {
                        url: item.url.clone(),
                    });
                }
                (None, None) => {}
            }
        }
        KeyCode::Char('y') | KeyCode::Char('c') => {
            if let Some(item) = items.get(*cursor) {
                return Step::Ask(Request::Copy {
                    text: item.url.clone(),
                });
            }
        }
        _ => {}
    }
    Step::Stay
}

/// The pane's text: each link's kind and title, its URL under it, the keys last.
pub(super) fn draw(items: &[LinkItem], cursor: usize, theme: &Theme) -> Vec<Line<'static>> {
    let Styles { dim, text, .. } = Styles::new(theme);
    let mut lines = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let style = if i == cursor {
            text.add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            text
        };
        lines.push(Line::styled(
            format!(" {} · {}", item.kind, item.title),
            style,
        ));
        lines.push(Line::styled(format!("   {}", item.url), dim));
    }
    lines.push(Line::styled(
        " Enter open in a browser (copies when there is none) · y copy · Esc close",
        dim,
    ));
    lines
}
