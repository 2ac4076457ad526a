//! The state of the interactive view and how it is drawn. One owner of state: the event loop
//! feeds it keys and query results; drawing reads it and never waits on anything.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use std::collections::BTreeMap;

use super::keymap::{Action, KEYMAP};
use super::layout::{Item, Placed, layout, page_height};
use super::overlay::{Context, Effect, Overlay};
use super::theme::Theme;
use super::timenav::RangeState;
use super::widgets::draw_panel;
use crate::data::panel_data::PanelData;
use crate::engine::variables::{Overrides, ResolvedVariable};
use crate::grafana::model::Dashboard;
use crate::grafana::model::VariableSelection;
use crate::grafana::vars::ALL_VALUE;
use crate::view::{MessageKind, PanelBody, PanelView};

/// How far one key press moves the time cursor (a fraction of the axis).
const CURSOR_STEP: f64 = 1.0 / 80.0;

/// What the header and status line show.
#[derive(Debug, Clone, Default)]
pub struct StatusInfo {
    pub prometheus_url: String,
    pub range: String,
    pub refresh: Option<String>,
    pub last_update: Option<String>,
    /// `name = value` of each visible variable.
    pub variables: Vec<(String, String)>,
    pub message: Option<String>,
}

/// What the user has chosen that shapes the queries: time range and variables.
#[derive(Debug, Clone)]
pub struct ViewState {
    pub range: RangeState,
    /// `--var` values from the command line (forced until changed in the UI).
    pub overrides: Overrides,
    /// Selections made in the UI, or carried over from the last refresh; they act as the
    /// variable's saved value, so a child keeps its value when still valid after a parent
    /// changes (as in Grafana).
    pub selections: BTreeMap<String, VariableSelection>,
    /// Overlay this panel with itself an offset (ms) earlier: "the same time yesterday".
    pub compare: Option<(usize, i64)>,
}

impl ViewState {
    /// A range and nothing chosen yet.
    pub fn new(from: &str, to: &str) -> Self {
        ViewState {
            range: RangeState::new(from, to),
            overrides: Overrides::new(),
            selections: BTreeMap::new(),
            compare: None,
        }
    }
}

pub struct App {
    pub dashboard: Dashboard,
    /// One view per panel of `dashboard.panels`.
    pub views: Vec<PanelView>,
    pub collapsed: Vec<bool>,
    pub focus: Option<usize>,
    pub fullscreen: bool,
    pub scroll: u32,
    pub overlay: Overlay,
    pub status: StatusInfo,
    pub view_state: ViewState,
    /// Data of each panel from the last refresh (for inspect and figures).
    pub data: Vec<Option<PanelData>>,
    pub variables: Vec<ResolvedVariable>,
    /// Titles of the session's dashboards (for the switcher).
    pub dashboards: Vec<String>,
    /// Their uids, in the same order (dashboard links between them switch in the session).
    pub dashboard_uids: Vec<Option<String>>,
    /// Set with `Action::SwitchDashboard`: the dashboard to show.
    pub switch_to: Option<usize>,
    /// Set with `Action::Explore`: the expression to run.
    pub explore_request: Option<String>,
    pub explore_history: Vec<String>,
    /// Fullscreen time-series cursor, 0..1 across the time axis.
    pub cursor: Option<f64>,
    /// Set by `R`: the auto-refresh interval the loop should switch to.
    pub refresh_every: Option<std::time::Duration>,
    /// Grafana's base URL for the hand-off link.
    pub grafana_url: String,
    /// Alerts for the alerts pane (fetched by the loop when the pane opens).
    pub alerts: super::overlay::AlertsState,
    /// Which of the header's variables `{`/`}` step (index among the shown ones).
    pub var_focus: usize,
    /// What the terminal can show; colours are mapped down to it after drawing.
    pub colour_depth: super::colour_depth::ColourDepth,
    /// When each panel last received good data.
    data_at: Vec<Option<chrono::DateTime<chrono::Local>>>,
    pub theme: Theme,
    pub clock: crate::view::build::Clock,
    /// Marked on every time series: when the alert being triaged fired.
    pub marker: Option<crate::view::TimeMarker>,
    /// Each panel as last drawn on the page, so a frame where its view, place and focus are
    /// unchanged copies cells instead of drawing every series again.
    panel_cache: Vec<Option<DrawnPanel>>,
    /// Drill-down: links, logs, traces and exemplars of the focused panel.
    pub drill: super::drill::Drill,
    /// Layout of the last frame, for navigation.
    placed: Vec<Placed>,
    body_height: u16,
}

impl App {
    pub fn new(
        dashboard: Dashboard,
        theme: Theme,
        status: StatusInfo,
        view_state: ViewState,
    ) -> Self {
        let views = dashboard
            .panels
            .iter()
            .map(|p| PanelView {
                title: p.title.clone(),
                body: PanelBody::Message {
                    kind: MessageKind::Loading,
                    text: "loading…".into(),
                },
                errors: Vec::new(),
                stale: false,
                notes: Vec::new(),
            })
            .collect();
        let collapsed = dashboard.rows.iter().map(|r| r.collapsed).collect();
        let views_len = dashboard.panels.len();
        let data: Vec<Option<PanelData>> = vec![None; views_len];
        App {
            dashboard,
            views,
            collapsed,
            focus: None,
            fullscreen: false,
            scroll: 0,
            overlay: Overlay::None,
            status,
            view_state,
            data,
            variables: Vec::new(),
            dashboards: Vec::new(),
            dashboard_uids: Vec::new(),
            switch_to: None,
            explore_request: None,
            explore_history: Vec::new(),
            cursor: None,
            colour_depth: super::colour_depth::ColourDepth::TrueColour,
            var_focus: 0,
            alerts: super::overlay::AlertsState::Loading,
            grafana_url: "http://localhost:3000".into(),
            refresh_every: None,
            data_at: vec![None; views_len],
            theme,
            clock: crate::view::build::Clock::Local,
            marker: None,
            panel_cache: Vec::new(),
            drill: super::drill::Drill::default(),
            placed: Vec::new(),
            body_height: 0,
        }
    }

    /// How many panels show an error now.
    pub fn failed_panels(&self) -> usize {
        self.views
            .iter()
            .filter(|v| {
                !v.errors.is_empty()
                    || matches!(
                        v.body,
                        PanelBody::Message {
                            kind: MessageKind::Error,
                            ..
                        }
                    )
            })
            .count()
    }

    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        self.draw_into(area, frame.buffer_mut());
        super::colour_depth::map_buffer(frame.buffer_mut(), self.colour_depth);
    }

    /// The screen as plain text with a header naming what it shows (for incident tickets):
    /// dashboard, time range, variables, Prometheus URL and when it was taken.
    pub fn snapshot_text(&mut self, width: u16, height: u16) -> String {
        let area = Rect::new(0, 0, width.max(20), height.max(6));
        let mut buf = Buffer::empty(area);
        self.draw_into(area, &mut buf);
        self.with_snapshot_header(None, &super::frame_text::to_text(&buf))
    }

    /// Only the focused panel, drawn across the whole width (as fullscreen shows it), with the
    /// same header; the screen when no panel is focused.
    pub fn panel_snapshot_text(&mut self, width: u16, height: u16) -> String {
        let Some(view) = self.focus.and_then(|f| self.views.get(f)) else {
            return self.snapshot_text(width, height);
        };
        let area = Rect::new(0, 0, width.max(20), height.saturating_sub(6).max(6));
        let mut buf = Buffer::empty(area);
        let marked = view.clone();
        draw_panel(&marked, area, &mut buf, false, &self.theme, None);
        if self.theme.ascii {
            super::ascii::map_buffer(&mut buf);
        }
        let title = marked.title.clone();
        self.with_snapshot_header(Some(&title), &super::frame_text::to_text(&buf))
    }

    fn with_snapshot_header(&self, panel: Option<&str>, body: &str) -> String {
        let variables: Vec<String> = self
            .status
            .variables
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        format!(
            "# {}{}\n# range: {} ({} → {})\n# variables: {}\n# prometheus: {}\n# grafana: {}\n# taken: {}\n\n{}",
            self.dashboard.title,
            panel.map(|p| format!(" / {p}")).unwrap_or_default(),
            self.view_state.range.label(),
            self.view_state.range.from,
            self.view_state.range.to,
            if variables.is_empty() {
                "(none)".to_string()
            } else {
                variables.join(" ")
            },
            self.status.prometheus_url,
            self.grafana_link(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S %Z"),
            body
        )
    }

    /// Draw the whole screen into a buffer (shared by the TUI and `render`).
    pub fn draw_into(&mut self, area: Rect, buf: &mut Buffer) {
        self.draw_screen(area, buf);
        if self.theme.ascii {
            super::ascii::map_buffer(buf);
        }
    }

    fn draw_screen(&mut self, area: Rect, buf: &mut Buffer) {
        if self.theme.background != Color::Reset {
            buf.set_style(
                area,
                Style::default()
                    .bg(self.theme.background)
                    .fg(self.theme.text),
            );
        }
        if area.width < 20 || area.height < 6 {
            let text = "terminal too small: need at least 20×6";
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let header = Rect { height: 1, ..area };
        let body = Rect {
            y: area.y + 1,
            height: area.height - 2,
            ..area
        };
        let status = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        self.draw_header(header, buf);
        self.body_height = body.height;
        self.placed = layout(&self.dashboard, body.width, &|r| {
            self.collapsed.get(r).copied().unwrap_or(false)
        });
        if self.focus.is_none() {
            self.focus = self.placed.iter().find_map(|p| match p.item {
                Item::Panel(i) => Some(i),
                Item::Row(_) => None,
            });
        }
        match (self.fullscreen, self.focus) {
            (true, Some(focus)) => {
                if let Some(view) = self.views.get(focus) {
                    draw_panel(view, body, buf, true, &self.theme, self.cursor);
                }
            }
            _ => self.draw_page(body, buf),
        }
        self.draw_status(status, buf);
        let ctx = self.context();
        self.overlay.draw(body, buf, &self.theme, &ctx);
        super::drill::draw(&self.drill, body, buf, &self.theme);
    }

    /// Height of the dashboard body in the last frame.
    pub fn last_body_height(&self) -> u16 {
        self.body_height
    }

    fn draw_page(&mut self, body: Rect, buf: &mut Buffer) {
        let max_scroll = page_height(&self.placed).saturating_sub(u32::from(body.height));
        self.scroll = self.scroll.min(max_scroll);
        for placed in &self.placed {
            // Only items wholly on screen are drawn, so no panel is cut in half.
            let top = placed.y as i64 - self.scroll as i64;
            if top < 0 || top + placed.h as i64 > body.height as i64 {
                continue;
            }
            let rect = Rect {
                x: body.x + placed.x,
                y: body.y + top as u16,
                width: placed.w.min(body.width.saturating_sub(placed.x)),
                height: placed.h as u16,
            };
            match placed.item {
                Item::Panel(i) => {
                    if let Some(view) = self.views.get(i) {
                        let focused = self.focus == Some(i);
                        self.panel_cache.resize_with(self.views.len(), || None);
                        draw_cached(
                            &mut self.panel_cache[i],
                            view,
                            rect,
                            focused,
                            &self.theme,
                            buf,
                        );
                    }
                }
                Item::Row(r) => self.draw_row_header(r, rect, buf),
            }
        }
        if max_scroll > 0 {
            let hint = format!(" {}/{} ↓ ", self.scroll, max_scroll);
            let x = body.x + body.width.saturating_sub(hint.chars().count() as u16);
            buf.set_string(
                x,
                body.y + body.height - 1,
                hint,
                Style::default().fg(self.theme.dim),
            );
        }
    }

    fn draw_row_header(&self, r: usize, rect: Rect, buf: &mut Buffer) {
        let Some(row) = self.dashboard.rows.get(r) else {
            return;
        };
        let collapsed = self.collapsed.get(r).copied().unwrap_or(false);
        let marker = if collapsed { "▸" } else { "▾" };
        let hidden = if collapsed {
            format!(" ({} panels)", row.panels.len())
        } else {
            String::new()
        };
        let line = Line::from(vec![
            Span::styled(
                format!("{marker} {}", row.title),
                Style::default()
                    .fg(self.theme.row_header)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(hidden, Style::default().fg(self.theme.dim)),
        ]);
        line.render(rect, buf);
    }

    fn draw_header(&self, area: Rect, buf: &mut Buffer) {
        let mut spans = vec![Span::styled(
            format!(" {} ", self.dashboard.title),
            Style::default()
                .fg(self.theme.title)
                .add_modifier(Modifier::BOLD),
        )];
        for (i, (name, value)) in self.status.variables.iter().enumerate() {
            spans.push(Span::styled(
                format!(" {name}="),
                Style::default().fg(self.theme.dim),
            ));
            let mut style = Style::default().fg(self.theme.text);
            if i == self.var_focus && self.status.variables.len() > 1 {
                style = style.add_modifier(Modifier::UNDERLINED);
            }
            spans.push(Span::styled(value.clone(), style));
        }
        let right = format!(
            " ⏱ {}{} ",
            self.status.range,
            self.status
                .refresh
                .as_ref()
                .map(|r| format!(" ⟳ {r}"))
                .unwrap_or_default()
        );
        Line::from(spans)
            .style(Style::default().bg(self.theme.status_bg))
            .render(area, buf);
        let width = right.chars().count() as u16;
        if width < area.width {
            buf.set_string(
                area.x + area.width - width,
                area.y,
                right,
                Style::default()
                    .fg(self.theme.text)
                    .bg(self.theme.status_bg),
            );
        }
    }

    fn draw_status(&self, area: Rect, buf: &mut Buffer) {
        let failed = self.failed_panels();
        let loading = self
            .views
            .iter()
            .filter(|v| {
                matches!(
                    v.body,
                    PanelBody::Message {
                        kind: MessageKind::Loading,
                        ..
                    }
                )
            })
            .count();
        let mut spans = vec![Span::styled(
            format!(" {} ", self.status.prometheus_url),
            Style::default().fg(self.theme.dim),
        )];
        if let Some(update) = &self.status.last_update {
            spans.push(Span::styled(
                format!("· updated {update} "),
                Style::default().fg(self.theme.dim),
            ));
        }
        if loading > 0 {
            spans.push(Span::styled(
                format!("· loading {loading} "),
                Style::default().fg(self.theme.dim),
            ));
        }
        if failed > 0 {
            spans.push(Span::styled(
                format!("· {failed} panels failed "),
                Style::default().fg(self.theme.error),
            ));
        }
        if let Some(message) = &self.status.message {
            spans.push(Span::styled(
                format!("· {message} "),
                Style::default().fg(self.theme.warning),
            ));
        }
        spans.push(Span::styled(
            "· ? help · q quit",
            Style::default().fg(self.theme.dim),
        ));
        Line::from(spans)
            .style(Style::default().bg(self.theme.status_bg))
            .render(area, buf);
    }

    fn context(&self) -> Context<'_> {
        Context {
            variables: &self.variables,
            panels: &self.dashboard.panels,
            focused: self.focused(),
            dashboards: &self.dashboards,
            explore_history: &self.explore_history,
            alerts: &self.alerts,
            range: (&self.view_state.range.from, &self.view_state.range.to),
        }
    }

    /// The focused panel and its data.
    fn focused(&self) -> Option<(&crate::grafana::model::Panel, Option<&PanelData>)> {
        let f = self.focus?;
        Some((
            self.dashboard.panels.get(f)?,
            self.data.get(f).and_then(Option::as_ref),
        ))
    }

    /// Apply a key; returns what the event loop must do beyond redrawing.
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        if self.drill.pane.is_some() {
            self.drill_key(key.code);
            // A dashboard link to one of the session's dashboards switches to it.
            if self.switch_to.is_some() {
                return Action::SwitchDashboard;
            }
            return Action::None;
        }
        if self.overlay.is_open() {
            let mut overlay = std::mem::take(&mut self.overlay);
            let ctx = self.context();
            let effect = overlay.handle_key(key.code, &ctx);
            self.overlay = overlay;
            return self.apply_effect(effect);
        }
        let action = KEYMAP
            .iter()
            .find(|b| b.matches(key.code))
            .map(|b| b.action)
            .unwrap_or(Action::None);
        let now = chrono::Utc::now();
        match action {
            // In a fullscreen time series or heatmap, left/right move the cursor along time.
            Action::Left | Action::Right if self.fullscreen && self.focused_has_time_cursor() => {
                let step = if action == Action::Left {
                    -CURSOR_STEP
                } else {
                    CURSOR_STEP
                };
                self.cursor = Some((self.cursor.unwrap_or(1.0) + step).clamp(0.0, 1.0));
            }
            Action::Up | Action::Down | Action::Left | Action::Right => self.move_focus(action),
            Action::Fullscreen => {
                self.fullscreen = !self.fullscreen;
                self.cursor = None;
                self.request_exemplars();
            }
            Action::Links => self.open_links(),
            Action::Logs => self.open_logs(),
            Action::Traces => self.open_traces(),
            Action::ExemplarTrace => self.exemplar_trace(),
            Action::Back if self.cursor.is_some() => self.cursor = None,
            Action::Back => {
                self.fullscreen = false;
                self.request_exemplars();
            }
            Action::Help => self.overlay = Overlay::Help,
            Action::PageDown => self.scroll += u32::from(self.body_height.max(2) - 1),
            Action::PageUp => {
                self.scroll = self
                    .scroll
                    .saturating_sub(u32::from(self.body_height.max(2) - 1))
            }
            Action::ToggleRow => self.toggle_row_of_focus(),
            Action::TimePicker => {
                let cursor = super::timenav::QUICK_RANGES
                    .iter()
                    .position(|(f, _)| *f == self.view_state.range.from)
                    .unwrap_or(3);
                self.overlay = Overlay::TimePicker { cursor };
            }
            Action::Variables => self.overlay = Overlay::Variables { cursor: 0 },
            Action::Inspect => self.overlay = Overlay::Inspect { scroll: 0 },
            Action::Search => {
                self.overlay = Overlay::Search {
                    query: String::new(),
                }
            }
            Action::Dashboards => {
                self.overlay = Overlay::Dashboards {
                    filter: String::new(),
                    cursor: 0,
                }
            }
            Action::ExplorePrompt => {
                self.overlay = Overlay::Explore {
                    input: String::new(),
                    history: 0,
                }
            }
            Action::ZoomOut => return self.range_changed(|r| r.zoom(2.0, now)),
            Action::ZoomIn => return self.range_changed(|r| r.zoom(0.5, now)),
            Action::PanEarlier => return self.range_changed(|r| r.pan(-0.5, now)),
            Action::PanLater => return self.range_changed(|r| r.pan(0.5, now)),
            Action::Live => return self.range_changed(RangeState::back_to_live),
            Action::FocusNextVariable => {
                self.var_focus = (self.var_focus + 1) % self.stepable_variables().len().max(1);
            }
            Action::Compare => return self.cycle_compare(),
            Action::CycleRefresh => self.cycle_refresh(),
            Action::CopyLink => {
                self.status.message = Some(format!("copied: {}", self.grafana_link()));
            }
            Action::Alerts => {
                self.alerts = super::overlay::AlertsState::Loading;
                self.overlay = Overlay::Alerts { cursor: 0 };
            }
            Action::VariableNext => return self.step_variable(1),
            Action::VariablePrevious => return self.step_variable(-1),
            Action::Quit
            | Action::Refresh
            | Action::RefreshChanged
            | Action::None
            | Action::SwitchDashboard
            | Action::Explore
            | Action::Snapshot
            | Action::SnapshotPanel => {}
        }
        action
    }

    /// From an alert to the panel that shows it, the range starting 15 min before it fired.
    fn jump_to_alert(&mut self, index: usize) -> Action {
        let super::overlay::AlertsState::Loaded(alerts, _) = &self.alerts else {
            return Action::None;
        };
        let Some(alert) = alerts.get(index).cloned() else {
            return Action::None;
        };
        let panels: Vec<(String, Vec<String>)> = self
            .dashboard
            .panels
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let exprs = match self.data.get(i).and_then(Option::as_ref) {
                    Some(d) => d.queries.iter().map(|q| q.expr.clone()).collect(),
                    None => p.targets.iter().map(|t| t.expr.clone()).collect(),
                };
                (p.title.clone(), exprs)
            })
            .collect();
        if let Some(&best) = super::overlay::panels_for_alert(&alert, &panels).first() {
            self.focus_panel(best);
        }
        let name = alert.labels.get("alertname").cloned().unwrap_or_default();
        match alert.active_at_ms {
            Some(at) => {
                self.marker = Some(crate::view::TimeMarker {
                    at_ms: at as f64,
                    label: format!("{name} fired"),
                    ..Default::default()
                });
                for view in &mut self.views {
                    mark(view, self.marker.as_ref());
                }
                let back = (chrono::Utc::now().timestamp_millis() - at) / 1000 + 15 * 60;
                self.status.message = Some(format!("{name}: from 15 min before it fired"));
                self.range_changed(|r| r.set_relative(&format!("now-{back}s")))
            }
            None => Action::None,
        }
    }

    /// The Grafana URL of exactly what is on screen: dashboard, range, variables, and the
    /// panel when one is fullscreen.
    pub fn grafana_link(&self) -> String {
        let variables: BTreeMap<String, Vec<String>> = self
            .view_state
            .selections
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect();
        let view_panel = if self.fullscreen {
            self.focus
                .and_then(|f| self.dashboard.panels.get(f))
                .and_then(|p| p.id)
        } else {
            None
        };
        crate::links::grafana_url(&crate::links::ViewLink {
            base_url: &self.grafana_url,
            uid: self.dashboard.uid.as_deref().unwrap_or_default(),
            from: &self.view_state.range.from,
            to: &self.view_state.range.to,
            variables: &variables,
            view_panel,
        })
    }

    /// Mouse: a click focuses the panel under it (a second click opens it fullscreen), the
    /// wheel scrolls. Returns whether anything changed.
    pub fn handle_mouse(&mut self, event: ratatui::crossterm::event::MouseEvent) -> bool {
        use ratatui::crossterm::event::{MouseButton, MouseEventKind};
        if self.overlay.is_open() || self.drill.pane.is_some() {
            return false;
        }
        match event.kind {
            MouseEventKind::ScrollDown if !self.fullscreen => {
                self.scroll += 3;
                true
            }
            MouseEventKind::ScrollUp if !self.fullscreen => {
                self.scroll = self.scroll.saturating_sub(3);
                true
            }
            MouseEventKind::Down(MouseButton::Left) if !self.fullscreen && event.row >= 1 => {
                // The page starts below the one-line header.
                let y = u32::from(event.row - 1) + self.scroll;
                let hit = self.placed.iter().find(|p| {
                    event.column >= p.x && event.column < p.x + p.w && y >= p.y && y < p.y + p.h
                });
                match hit.map(|p| p.item) {
                    Some(Item::Panel(i)) if self.focus == Some(i) => self.fullscreen = true,
                    Some(Item::Panel(i)) => self.focus = Some(i),
                    Some(Item::Row(r)) => {
                        if let Some(c) = self.collapsed.get_mut(r) {
                            *c = !*c;
                        }
                    }
                    None => return false,
                }
                true
            }
            _ => false,
        }
    }

    /// `R`: the next auto-refresh interval of the dashboard's time picker (Grafana's list when
    /// the dashboard has none), then off.
    fn cycle_refresh(&mut self) {
        const GRAFANA_DEFAULTS: &[&str] = &[
            "5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d",
        ];
        let mut choices: Vec<String> = self.dashboard.refresh_intervals.clone();
        if choices.is_empty() {
            choices = GRAFANA_DEFAULTS.iter().map(|s| s.to_string()).collect();
        }
        let next = match self
            .status
            .refresh
            .as_ref()
            .and_then(|r| choices.iter().position(|c| c == r))
        {
            Some(i) if i + 1 < choices.len() => Some(choices[i + 1].clone()),
            Some(_) => None,
            None if self.status.refresh.is_some() => None,
            None => choices.first().cloned(),
        };
        self.refresh_every = next
            .as_deref()
            .and_then(crate::grafana::timerange::parse_refresh);
        self.status.message = Some(match &next {
            Some(r) => format!("auto-refresh every {r}"),
            None => "auto-refresh off".into(),
        });
        self.status.refresh = next;
    }

    /// `o` on the focused panel: compare with 1 day ago, then 1 week ago, then off.
    fn cycle_compare(&mut self) -> Action {
        const DAY: i64 = 86_400_000;
        let Some(focus) = self.focus else {
            return Action::None;
        };
        self.view_state.compare = match self.view_state.compare {
            Some((panel, DAY)) if panel == focus => Some((focus, 7 * DAY)),
            Some((panel, _)) if panel == focus => None,
            _ => Some((focus, DAY)),
        };
        self.status.message = self.view_state.compare.map(|(_, offset)| {
            format!(
                "comparing with {} (o again for the next offset)",
                crate::engine::plan::offset_label(offset)
            )
        });
        Action::Refresh
    }

    /// Variables shown in the header, in order (the ones `Tab` and `{`/`}` act on).
    fn stepable_variables(&self) -> Vec<&ResolvedVariable> {
        self.variables.iter().filter(|v| v.hide < 2).collect()
    }

    /// Select the next (or previous) value of the focused header variable, wrapping around.
    fn step_variable(&mut self, by: isize) -> Action {
        let variables = self.stepable_variables();
        let Some(v) = variables.get(self.var_focus) else {
            return Action::None;
        };
        let mut values: Vec<&str> = Vec::new();
        if v.value.include_all {
            values.push(ALL_VALUE);
        }
        values.extend(v.options.iter().map(|o| o.value.as_str()));
        if values.len() < 2 {
            return Action::None;
        }
        let current = if v.value.is_all {
            Some(0)
        } else {
            v.value
                .value
                .first()
                .and_then(|c| values.iter().position(|o| o == c))
        };
        let next = match current {
            Some(i) => (i as isize + by).rem_euclid(values.len() as isize) as usize,
            None => 0,
        };
        let (name, value) = (v.name.clone(), values[next].to_string());
        self.apply_effect(Effect::SetVariable {
            name,
            values: vec![value],
        })
    }

    fn focused_has_time_cursor(&self) -> bool {
        self.focus
            .and_then(|f| self.views.get(f))
            .is_some_and(|v| matches!(v.body, PanelBody::TimeSeries(_) | PanelBody::Heatmap(_)))
    }

    fn range_changed(&mut self, change: impl FnOnce(&mut RangeState)) -> Action {
        change(&mut self.view_state.range);
        self.status.range = self.view_state.range.label();
        Action::Refresh
    }

    fn apply_effect(&mut self, effect: Effect) -> Action {
        match effect {
            Effect::None => Action::None,
            Effect::Close => {
                self.overlay = Overlay::None;
                Action::None
            }
            Effect::SetRelativeRange(from) => {
                self.overlay = Overlay::None;
                self.range_changed(|r| r.set_relative(&from))
            }
            Effect::SetRange { from, to } => {
                self.overlay = Overlay::None;
                self.range_changed(|r| r.set_range(&from, &to))
            }
            Effect::SetVariable { name, values } => {
                self.overlay = Overlay::None;
                self.view_state.overrides.remove(&name);
                self.view_state.selections.insert(
                    name,
                    VariableSelection {
                        text: values.clone(),
                        value: values,
                    },
                );
                Action::RefreshChanged
            }
            Effect::SwitchDashboard(index) => {
                self.overlay = Overlay::None;
                self.switch_to = Some(index);
                Action::SwitchDashboard
            }
            Effect::Explore(expr) => {
                self.overlay = Overlay::None;
                self.explore_request = Some(expr);
                Action::Explore
            }
            Effect::AlertSelected(index) => {
                self.overlay = Overlay::None;
                self.jump_to_alert(index)
            }
            Effect::FocusPanel(panel) => {
                self.overlay = Overlay::None;
                self.focus_panel(panel);
                Action::None
            }
        }
    }

    /// Focus a panel, expanding its row if collapsed and scrolling it into view.
    fn focus_panel(&mut self, panel: usize) {
        if let Some(r) = self
            .dashboard
            .rows
            .iter()
            .position(|r| r.panels.contains(&panel))
            && let Some(c) = self.collapsed.get_mut(r)
        {
            *c = false;
        }
        self.focus = Some(panel);
        let width = self.placed.iter().map(|p| p.x + p.w).max().unwrap_or(80);
        self.placed = layout(&self.dashboard, width, &|r| {
            self.collapsed.get(r).copied().unwrap_or(false)
        });
        if let Some(p) = self.placed.iter().find(|p| p.item == Item::Panel(panel)) {
            self.scroll = p.y;
        }
    }

    fn toggle_row_of_focus(&mut self) {
        // The row the focused panel sits under, else the first row.
        let target = self.focus.and_then(|f| {
            self.dashboard
                .rows
                .iter()
                .position(|r| r.panels.contains(&f))
        });
        let row = target.or(if self.dashboard.rows.is_empty() {
            None
        } else {
            Some(0)
        });
        if let Some(c) = row.and_then(|r| self.collapsed.get_mut(r)) {
            *c = !*c;
        }
    }

    /// Move focus to the nearest panel in a direction (by panel centres), scrolling to it.
    fn move_focus(&mut self, action: Action) {
        let panels: Vec<&Placed> = self
            .placed
            .iter()
            .filter(|p| matches!(p.item, Item::Panel(_)))
            .collect();
        let Some(current) = panels
            .iter()
            .find(|p| Some(item_panel(p)) == self.focus)
            .copied()
        else {
            if let Some(first) = panels.first() {
                self.focus = Some(item_panel(first));
            }
            return;
        };
        let centre = |p: &Placed| (p.x as i64 * 2 + p.w as i64, p.y as i64 * 2 + p.h as i64);
        let (cx, cy) = centre(current);
        let best = panels
            .iter()
            .filter(|p| p.item != current.item)
            .filter_map(|p| {
                let (x, y) = centre(p);
                let (dx, dy) = (x - cx, y - cy);
                let (along, across) = match action {
                    Action::Up => (-dy, dx.abs()),
                    Action::Down => (dy, dx.abs()),
                    Action::Left => (-dx, dy.abs()),
                    Action::Right => (dx, dy.abs()),
                    _ => return None,
                };
                (along > 0).then_some((along + across * 2, *p))
            })
            .min_by_key(|(score, _)| *score);
        if let Some((_, next)) = best {
            self.focus = Some(item_panel(next));
            let height = u32::from(self.body_height);
            if next.y < self.scroll {
                self.scroll = next.y;
            } else if next.y + next.h > self.scroll + height {
                self.scroll = (next.y + next.h).saturating_sub(height);
            }
        }
    }
}

fn item_panel(p: &Placed) -> usize {
    match p.item {
        Item::Panel(i) => i,
        Item::Row(r) => r,
    }
}

impl App {
    /// Take in an engine event of the current generation.
    pub fn apply(&mut self, event: crate::engine::session::EngineEvent) {
        use crate::engine::session::EngineEvent;
        match event {
            EngineEvent::Resolved { resolved, .. } => {
                let resolved = *resolved;
                for v in &resolved.variables {
                    let value = if v.value.is_all {
                        vec![ALL_VALUE.to_string()]
                    } else {
                        v.value.value.clone()
                    };
                    self.view_state.selections.insert(
                        v.name.clone(),
                        VariableSelection {
                            text: v.value.text.clone(),
                            value,
                        },
                    );
                }
                self.variables = resolved.variables.clone();
                let same_shape = resolved.dashboard.panels.len() == self.dashboard.panels.len();
                self.status.variables = resolved
                    .variables
                    .iter()
                    .filter(|v| v.hide < 2)
                    .map(|v| {
                        (
                            v.label.clone().unwrap_or_else(|| v.name.clone()),
                            v.display_text(),
                        )
                    })
                    .collect();
                self.status.message = resolved.errors.first().cloned();
                if !same_shape {
                    // Repeats changed the panel set: start from fresh placeholders.
                    let collapsed = std::mem::take(&mut self.collapsed);
                    let focus = self.focus;
                    let (clock, variables, depth) = (
                        self.clock,
                        std::mem::take(&mut self.variables),
                        self.colour_depth,
                    );
                    let view_state = self.view_state.clone();
                    let status = std::mem::take(&mut self.status);
                    let marker = self.marker.take();
                    *self = App::new(resolved.dashboard, self.theme, status, view_state);
                    self.clock = clock;
                    self.variables = variables;
                    self.colour_depth = depth;
                    self.marker = marker;
                    if collapsed.len() == self.collapsed.len() {
                        self.collapsed = collapsed;
                    }
                    self.focus = focus.filter(|f| *f < self.views.len());
                } else {
                    self.dashboard = resolved.dashboard;
                }
            }
            EngineEvent::Panel { index, data, .. } => {
                let Some(panel) = self.dashboard.panels.get(index) else {
                    return;
                };
                let failed = data.state() == crate::data::panel_data::PanelState::Error;
                let last_good = self
                    .data
                    .get(index)
                    .and_then(Option::as_ref)
                    .filter(|d| d.state() == crate::data::panel_data::PanelState::Ok);
                match (
                    failed,
                    last_good,
                    self.data_at.get(index).copied().flatten(),
                ) {
                    // Prometheus failing mid-incident must not blank a panel: keep the last good
                    // data, dimmed, with the error and its age.
                    (true, Some(previous), Some(at)) => {
                        let mut view = crate::view::build::build(panel, previous, self.clock);
                        mark(&mut view, self.marker.as_ref());
                        let age = (chrono::Local::now() - at).num_seconds().max(0);
                        view.errors = data.errors.clone();
                        view.errors.push(format!(
                            "showing data from {} ({age}s old)",
                            at.format("%H:%M:%S")
                        ));
                        view.stale = true;
                        self.views[index] = view;
                        self.mark_exemplars(index);
                    }
                    _ => {
                        let mut view = crate::view::build::build(panel, &data, self.clock);
                        mark(&mut view, self.marker.as_ref());
                        self.views[index] = view;
                        if !failed {
                            self.data_at[index] = Some(chrono::Local::now());
                        }
                        self.data[index] = Some(*data);
                        self.mark_exemplars(index);
                        // New data for the fullscreen panel: its exemplars for the new range.
                        if self.fullscreen && self.focus == Some(index) {
                            self.request_exemplars();
                        }
                    }
                }
            }
            EngineEvent::Done { .. } => {
                self.status.last_update = Some(chrono::Local::now().format("%H:%M:%S").to_string());
            }
        }
    }
}

/// A panel's cells as drawn, and what they were drawn from.
struct DrawnPanel {
    rect: Rect,
    focused: bool,
    view: PanelView,
    cells: Vec<ratatui::buffer::Cell>,
}

/// Draw a panel, or copy it from the cache when nothing it depends on changed (comparing the
/// view is far cheaper than drawing its lines).
fn draw_cached(
    cache: &mut Option<DrawnPanel>,
    view: &PanelView,
    rect: Rect,
    focused: bool,
    theme: &Theme,
    buf: &mut Buffer,
) {
    let fresh = cache
        .as_ref()
        .is_some_and(|c| c.rect == rect && c.focused == focused && c.view == *view);
    if !fresh {
        let mut own = Buffer::empty(rect);
        if theme.background != Color::Reset {
            own.set_style(rect, Style::default().bg(theme.background).fg(theme.text));
        }
        draw_panel(view, rect, &mut own, focused, theme, None);
        *cache = Some(DrawnPanel {
            rect,
            focused,
            view: view.clone(),
            cells: own.content,
        });
    }
    let Some(drawn) = cache.as_ref() else {
        return;
    };
    let area = buf.area;
    let width = usize::from(rect.width.max(1));
    for (i, cell) in drawn.cells.iter().enumerate() {
        let (Ok(dx), Ok(dy)) = (u16::try_from(i % width), u16::try_from(i / width)) else {
            break;
        };
        let (x, y) = (rect.x + dx, rect.y + dy);
        if x < area.x + area.width && y < area.y + area.height {
            buf[(x, y)] = cell.clone();
        }
    }
}

/// Put the session's marker (when the triaged alert fired) on a time-series view.
fn mark(view: &mut PanelView, marker: Option<&crate::view::TimeMarker>) {
    if let PanelBody::TimeSeries(ts) = &mut view.body {
        ts.markers = marker.cloned().into_iter().collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::{GridPos, Panel};
    use crate::tui::frame_text::to_text;
    use ratatui::crossterm::event::KeyEvent;

    fn app() -> App {
        let panel = |title: &str, x| Panel {
            title: title.into(),
            panel_type: "stat".into(),
            grid: GridPos {
                x,
                y: 0,
                w: 12,
                h: 4,
            },
            ..Panel::default()
        };
        let dashboard = Dashboard {
            title: "Test".into(),
            panels: vec![panel("Latency", 0), panel("Errors", 12)],
            ..Dashboard::default()
        };
        let state = ViewState::new("now-1h", "now");
        App::new(dashboard, Theme::mono(), StatusInfo::default(), state)
    }

    fn screen(app: &mut App) -> String {
        let area = Rect::new(0, 0, 100, 24);
        let mut buf = Buffer::empty(area);
        app.draw_into(area, &mut buf);
        to_text(&buf)
    }

    fn press(app: &mut App, c: char) -> Action {
        app.handle_key(KeyEvent::from(KeyCode::Char(c)))
    }

    #[test]
    fn time_picker_sets_a_quick_range() {
        let mut app = app();
        screen(&mut app);
        assert_eq!(press(&mut app, 't'), Action::TimePicker);
        assert!(
            screen(&mut app).contains("Last 1 hour"),
            "{}",
            screen(&mut app)
        );
        press(&mut app, 'j');
        assert_eq!(
            app.handle_key(KeyEvent::from(KeyCode::Enter)),
            Action::Refresh
        );
        assert_eq!(app.view_state.range.from, "now-3h");
        assert!(!app.overlay.is_open());
    }

    #[test]
    fn an_absolute_range_can_be_typed_in_the_time_picker() {
        let mut app = app();
        screen(&mut app);
        press(&mut app, 't');
        press(&mut app, 'a');
        assert!(
            screen(&mut app).contains("from: now-1h"),
            "{}",
            screen(&mut app)
        );
        let key = |app: &mut App, code: KeyCode| app.handle_key(KeyEvent::from(code));
        let retype = |app: &mut App, text: &str| {
            for _ in 0..40 {
                key(app, KeyCode::Backspace);
            }
            for c in text.chars() {
                press(app, c);
            }
        };
        retype(&mut app, "2026-11-24T10:00:00Z");
        key(&mut app, KeyCode::Tab);
        retype(&mut app, "yesterday");
        assert_eq!(key(&mut app, KeyCode::Enter), Action::None);
        assert!(app.overlay.is_open(), "a bad range keeps the form open");
        assert!(
            screen(&mut app).contains("yesterday"),
            "{}",
            screen(&mut app)
        );
        retype(&mut app, "2026-11-24T11:30:00Z");
        assert_eq!(key(&mut app, KeyCode::Enter), Action::Refresh);
        assert_eq!(app.view_state.range.from, "2026-11-24T10:00:00Z");
        assert_eq!(app.view_state.range.to, "2026-11-24T11:30:00Z");
        assert!(!app.view_state.range.is_live());
        // Back to live returns to the last relative range.
        press(&mut app, 'n');
        assert_eq!(app.view_state.range.from, "now-1h");
    }

    #[test]
    fn focus_moves_right_and_search_jumps_by_title() {
        let mut app = app();
        screen(&mut app);
        assert_eq!(app.focus, Some(0));
        press(&mut app, 'l');
        assert_eq!(app.focus, Some(1));
        press(&mut app, '/');
        for c in "late".chars() {
            press(&mut app, c);
        }
        assert!(screen(&mut app).contains("→ Latency"));
        app.handle_key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(app.focus, Some(0));
    }

    #[test]
    fn zoom_out_stays_live_and_updates_the_header() {
        let mut app = app();
        assert_eq!(press(&mut app, '-'), Action::Refresh);
        assert_eq!(app.view_state.range.from, "now-7200s");
        assert!(screen(&mut app).contains("now-7200s"));
    }
}

#[cfg(test)]
mod variable_stepping_tests {
    use super::*;
    use crate::engine::variables::ResolvedVariable;
    use crate::grafana::model::{GridPos, Panel, VariableKind};
    use crate::grafana::vars::{VarOption, VarValue};
    use ratatui::crossterm::event::KeyEvent;

    fn app_with_env() -> App {
        let dashboard = Dashboard {
            title: "T".into(),
            panels: vec![Panel {
                title: "p".into(),
                panel_type: "stat".into(),
                grid: GridPos {
                    x: 0,
                    y: 0,
                    w: 24,
                    h: 4,
                },
                ..Panel::default()
            }],
            ..Dashboard::default()
        };
        let state = ViewState::new("now-1h", "now");
        let mut app = App::new(dashboard, Theme::mono(), StatusInfo::default(), state);
        app.variables = vec![ResolvedVariable {
            name: "env".into(),
            label: None,
            hide: 0,
            kind: VariableKind::Query,
            filters: Vec::new(),
            options: ["lab", "staging", "production"]
                .iter()
                .map(|v| VarOption::same(*v))
                .collect(),
            value: VarValue::single("production"),
        }];
        app
    }

    #[test]
    fn braces_step_the_focused_variable_and_wrap() {
        let mut app = app_with_env();
        assert_eq!(
            app.handle_key(KeyEvent::from(KeyCode::Char('}'))),
            Action::RefreshChanged
        );
        assert_eq!(
            app.view_state.selections["env"].value,
            vec!["lab".to_string()],
            "wraps after the last"
        );
        app.variables[0].value = VarValue::single("lab");
        app.handle_key(KeyEvent::from(KeyCode::Char('{')));
        assert_eq!(
            app.view_state.selections["env"].value,
            vec!["production".to_string()]
        );
    }

    #[test]
    fn a_snapshot_names_range_variables_and_source() {
        let mut app = app_with_env();
        app.status.variables = vec![("env".into(), "production".into())];
        app.status.prometheus_url = "http://prom:9090".into();
        let text = app.snapshot_text(80, 24);
        assert!(text.starts_with("# T\n# range: Last 1 hour (now-1h → now)\n# variables: env=production\n# prometheus: http://prom:9090"), "{text}");
        assert!(
            text.contains("┃") || text.contains("│"),
            "the frame follows:\n{text}"
        );
    }
}

#[cfg(test)]
mod hand_off_tests {
    use super::*;
    use crate::grafana::model::{GridPos, Panel};
    use ratatui::crossterm::event::KeyEvent;

    #[test]
    fn the_copied_link_is_what_is_on_screen() {
        let dashboard = Dashboard {
            title: "T".into(),
            uid: Some("inference-gateway".into()),
            panels: vec![Panel {
                id: Some(4),
                title: "p".into(),
                panel_type: "stat".into(),
                grid: GridPos {
                    x: 0,
                    y: 0,
                    w: 24,
                    h: 4,
                },
                ..Panel::default()
            }],
            ..Dashboard::default()
        };
        let mut selections = BTreeMap::new();
        selections.insert(
            "environment".to_string(),
            VariableSelection {
                text: vec!["staging".into()],
                value: vec!["staging".into()],
            },
        );
        let state = ViewState {
            range: RangeState::new("now-6h", "now"),
            overrides: Overrides::new(),
            selections,
            compare: None,
        };
        let mut app = App::new(dashboard, Theme::mono(), StatusInfo::default(), state);
        app.grafana_url = "https://grafana.example".into();
        app.focus = Some(0);
        assert_eq!(
            app.grafana_link(),
            "https://grafana.example/d/inference-gateway?orgId=1&from=now-6h&to=now&var-environment=staging"
        );
        app.fullscreen = true;
        assert!(app.grafana_link().ends_with("&viewPanel=4"));
        assert_eq!(
            app.handle_key(KeyEvent::from(KeyCode::Char('y'))),
            Action::CopyLink
        );
        assert!(
            app.status
                .message
                .as_deref()
                .is_some_and(|m| m.contains("viewPanel=4"))
        );
    }
}

#[cfg(test)]
mod mouse_tests {
    use super::*;
    use crate::grafana::model::{GridPos, Panel};
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

    #[test]
    fn a_click_focuses_then_opens_the_panel_under_it() {
        let panel = |x| Panel {
            title: "p".into(),
            panel_type: "stat".into(),
            grid: GridPos {
                x,
                y: 0,
                w: 12,
                h: 4,
            },
            ..Panel::default()
        };
        let dashboard = Dashboard {
            panels: vec![panel(0), panel(12)],
            ..Dashboard::default()
        };
        let state = ViewState::new("now-1h", "now");
        let mut app = App::new(dashboard, Theme::mono(), StatusInfo::default(), state);
        let area = Rect::new(0, 0, 100, 20);
        app.draw_into(area, &mut Buffer::empty(area));
        let click = |column, row| MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        };
        assert!(app.handle_mouse(click(70, 2)));
        assert_eq!(app.focus, Some(1));
        assert!(!app.fullscreen);
        app.handle_mouse(click(70, 2));
        assert!(app.fullscreen, "a second click opens it");
    }
}

#[cfg(test)]
mod refresh_tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    #[test]
    fn capital_r_cycles_the_time_pickers_intervals_then_off() {
        let dashboard = Dashboard {
            refresh_intervals: vec!["10s".into(), "1m".into()],
            ..Dashboard::default()
        };
        let status = StatusInfo {
            refresh: Some("10s".into()),
            ..StatusInfo::default()
        };
        let mut app = App::new(
            dashboard,
            Theme::mono(),
            status,
            ViewState::new("now-1h", "now"),
        );
        let press = |app: &mut App| app.handle_key(KeyEvent::from(KeyCode::Char('R')));
        assert_eq!(press(&mut app), Action::CycleRefresh);
        assert_eq!(
            (app.status.refresh.as_deref(), app.refresh_every),
            (Some("1m"), Some(std::time::Duration::from_secs(60)))
        );
        press(&mut app);
        assert_eq!(
            (app.status.refresh.as_deref(), app.refresh_every),
            (None, None)
        );
        press(&mut app);
        assert_eq!(app.status.refresh.as_deref(), Some("10s"));
    }
}

#[cfg(test)]
mod alert_marker_tests {
    use super::*;
    use crate::data::panel_data::Series;
    use crate::engine::session::EngineEvent;
    use crate::grafana::model::{GridPos, Panel};
    use crate::net::Alert;
    use crate::tui::frame_text::to_text;

    #[test]
    fn an_alert_marks_when_it_fired_on_every_time_series() {
        let panel = Panel {
            title: "Latency".into(),
            panel_type: "timeseries".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 24,
                h: 10,
            },
            ..Panel::default()
        };
        let dashboard = Dashboard {
            title: "T".into(),
            panels: vec![panel],
            ..Dashboard::default()
        };
        let mut app = App::new(
            dashboard,
            Theme::mono(),
            StatusInfo::default(),
            ViewState::new("now-1h", "now"),
        );
        let now = chrono::Utc::now().timestamp_millis();
        let fired = now - 10 * 60_000;
        app.alerts = super::super::overlay::AlertsState::Loaded(
            vec![Alert {
                labels: [("alertname".to_string(), "HighLatency".to_string())].into(),
                state: "firing".into(),
                active_at_ms: Some(fired),
                ..Alert::default()
            }],
            None,
        );
        assert_eq!(app.jump_to_alert(0), Action::Refresh);
        // The range now starts 15 minutes before the alert fired.
        assert_eq!(app.view_state.range.from.trim_end_matches('s'), "now-1500");
        let start = now - 25 * 60_000;
        let points = (0..=25).map(|i| (start + i * 60_000, 1.0)).collect();
        app.apply(EngineEvent::Panel {
            generation: 0,
            index: 0,
            data: Box::new(PanelData {
                series: vec![Series {
                    name: "p99".into(),
                    points,
                    ..Series::default()
                }],
                start_ms: start,
                end_ms: now,
                ..PanelData::default()
            }),
        });
        let area = Rect::new(0, 0, 80, 30);
        let mut buf = Buffer::empty(area);
        app.draw_into(area, &mut buf);
        let screen = to_text(&buf);
        assert!(screen.contains("▼HighLatency fired"), "{screen}");
        let marker_column = screen
            .lines()
            .find(|l| l.contains("▼HighLatency"))
            .and_then(|l| l.chars().position(|c| c == '▼'));
        // The line sits 15/25 of the way across the plot, and runs down it.
        let below = screen
            .lines()
            .filter(|l| l.chars().nth(marker_column.unwrap()) == Some('┊'));
        assert!(below.count() >= 3, "{screen}");
    }
}

#[cfg(test)]
mod panel_cache_tests {
    use super::*;
    use crate::data::panel_data::Series;
    use crate::engine::session::EngineEvent;
    use crate::grafana::model::{GridPos, Panel};
    use crate::tui::frame_text::to_text;

    fn value(app: &mut App, v: f64) {
        app.apply(EngineEvent::Panel {
            generation: 0,
            index: 0,
            data: Box::new(PanelData {
                series: vec![Series {
                    name: "x".into(),
                    points: vec![(0, v)],
                    ..Series::default()
                }],
                ..PanelData::default()
            }),
        });
    }

    fn screen(app: &mut App) -> String {
        let area = Rect::new(0, 0, 60, 12);
        let mut buf = Buffer::empty(area);
        app.draw_into(area, &mut buf);
        to_text(&buf)
    }

    #[test]
    fn a_cached_panel_redraws_when_its_view_or_focus_changes() {
        let panel = |x| Panel {
            title: format!("p{x}"),
            panel_type: "stat".into(),
            grid: GridPos {
                x,
                y: 0,
                w: 12,
                h: 5,
            },
            ..Panel::default()
        };
        let dashboard = Dashboard {
            title: "T".into(),
            panels: vec![panel(0), panel(12)],
            ..Dashboard::default()
        };
        let mut app = App::new(
            dashboard,
            Theme::mono(),
            StatusInfo::default(),
            ViewState::new("now-1h", "now"),
        );
        value(&mut app, 41.0);
        let first = screen(&mut app);
        assert!(first.contains("41"), "{first}");
        assert_eq!(
            screen(&mut app),
            first,
            "unchanged: the same frame from the cache"
        );
        value(&mut app, 97.0);
        let second = screen(&mut app);
        assert!(second.contains("97") && !second.contains("41"), "{second}");
        // Focus moves: both panels' borders change.
        app.focus = Some(1);
        let third = screen(&mut app);
        assert_ne!(third, second);
        assert!(third.contains("97"), "{third}");
    }
}
