//! The state of the interactive view and how it is drawn. One owner of state: the event loop
//! feeds it keys and query results; drawing reads it and never waits on anything.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use ratatui::widgets::{Paragraph, Widget, Wrap};

use std::collections::BTreeMap;
use std::sync::Arc;

use super::command::Command;
use super::keymap::{Action, KEYMAP};
use super::layout::Item;
use super::overlay::{
    AlertsState, Completions, Context, Effect, ExploreField, ExploreLanguage, ExploreQuery,
    ExploreSource, ExploreState, Overlay, explore_history, explore_sources,
};
pub use super::page::{Page, StatusInfo, ViewState};
pub use super::session::{DashboardRef, SessionSettings};
use super::theme::Theme;
use super::timenav::RangeState;
use super::widgets::draw_panel;
use crate::data::panel_data::PanelData;
use crate::engine::session::EngineEvent;
use crate::grafana::model::Dashboard;
use crate::grafana::model::VariableSelection;
use crate::grafana::vars::ALL_VALUE;
use crate::view::display::Clock;

/// How far one key press moves the time cursor (a fraction of the axis).
const CURSOR_STEP: f64 = 1.0 / 80.0;

/// The interactive view: the session's settings, the page on screen, and the overlay and
/// drill-down pane over it. Keys come in, `Command`s go out to the loop.
pub struct App {
    pub session: SessionSettings,
    pub page: Page,
    pub overlay: Overlay,
    /// Drill-down: links, logs, traces and exemplars of the focused panel.
    pub drill: super::drill::Drill,
    /// Alerts for the alerts pane (fetched by the engine when the pane opens).
    pub alerts: AlertsState,
    /// Earlier Explore expressions of the datasource (its history file and this session),
    /// oldest first.
    pub explore_history: Vec<String>,
    /// The datasource whose history file `explore_history` was read from.
    explore_history_of: Option<String>,
    /// Explore's completion answers for the session (asked of the engine by the loop).
    pub completions: Completions,
    /// The datasources the explore box offers for the page it was opened on.
    pub explore_sources: Vec<ExploreSource>,
}

impl App {
    /// One dashboard with default settings (`render`, tests).
    pub fn new(
        dashboard: impl Into<Arc<Dashboard>>,
        theme: Theme,
        status: StatusInfo,
        view_state: ViewState,
    ) -> Self {
        App::with_session(
            SessionSettings::new(theme),
            Page::new(dashboard, status, view_state),
        )
    }

    pub fn with_session(session: SessionSettings, page: Page) -> Self {
        App {
            session,
            page,
            overlay: Overlay::None,
            drill: super::drill::Drill::default(),
            alerts: AlertsState::Loading,
            explore_history: Vec::new(),
            explore_history_of: None,
            completions: Completions::default(),
            explore_sources: Vec::new(),
        }
    }

    /// Show another page (a dashboard switch): the overlay and drill pane close, the session
    /// stays. Returns the page that was shown.
    pub fn replace_page(&mut self, page: Page) -> Page {
        self.overlay = Overlay::None;
        self.drill.pane = None;
        std::mem::replace(&mut self.page, page)
    }

    /// How many panels show an error now.
    pub fn failed_panels(&self) -> usize {
        self.page.failed_panels()
    }

    /// Take in an engine event of the current refresh.
    pub fn apply(&mut self, event: EngineEvent) {
        // The dashboard's `timezone: utc` wins over the viewer's clock, as in Grafana.
        let clock = Clock::for_timezone(self.page.dashboard.timezone.as_deref())
            .unwrap_or(self.session.clock);
        if let Some((panel, fresh)) = self.page.apply(event, clock) {
            self.mark_exemplars(panel);
            // New data for the fullscreen panel: its exemplars for the new range.
            if fresh && self.page.fullscreen && self.page.focus == Some(panel) {
                self.request_exemplars();
            }
        }
    }

    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        self.draw_into(area, frame.buffer_mut());
        super::colour_depth::map_buffer(frame.buffer_mut(), self.session.colour_depth);
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
        let Some(view) = self.page.focus.and_then(|f| self.page.views.get(f)) else {
            return self.snapshot_text(width, height);
        };
        let area = Rect::new(0, 0, width.max(20), height.saturating_sub(6).max(6));
        let mut buf = Buffer::empty(area);
        let marked = view.clone();
        draw_panel(&marked, area, &mut buf, false, &self.session.theme, None);
        if self.session.theme.ascii {
            super::ascii::map_buffer(&mut buf);
        }
        let title = marked.title.clone();
        self.with_snapshot_header(Some(&title), &super::frame_text::to_text(&buf))
    }

    fn with_snapshot_header(&self, panel: Option<&str>, body: &str) -> String {
        let variables: Vec<String> = self
            .page
            .status
            .variables
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        format!(
            "# {}{}\n# range: {} ({} → {})\n# variables: {}\n# prometheus: {}\n# grafana: {}\n# taken: {}\n\n{}",
            self.page.dashboard.title,
            panel.map(|p| format!(" / {p}")).unwrap_or_default(),
            self.page.view_state.range.label(),
            self.page.view_state.range.from,
            self.page.view_state.range.to,
            if variables.is_empty() {
                "(none)".to_string()
            } else {
                variables.join(" ")
            },
            self.page.status.prometheus_url,
            self.grafana_link(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S %Z"),
            body
        )
    }

    /// Draw the whole screen into a buffer (shared by the TUI and `render`).
    pub fn draw_into(&mut self, area: Rect, buf: &mut Buffer) {
        self.draw_screen(area, buf);
        if self.session.theme.ascii {
            super::ascii::map_buffer(buf);
        }
    }

    fn draw_screen(&mut self, area: Rect, buf: &mut Buffer) {
        if self.session.theme.background != Color::Reset {
            buf.set_style(
                area,
                Style::default()
                    .bg(self.session.theme.background)
                    .fg(self.session.theme.text),
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
        // An Explore results page keeps a line for its options and keys.
        let options_line = u16::from(self.page.explore.is_some());
        let body = Rect {
            y: area.y + 1,
            height: area.height - 2 - options_line,
            ..area
        };
        let status = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        self.page.draw_header(header, buf, &self.session.theme);
        self.page.draw_body(body, buf, &self.session.theme);
        self.page.draw_status(status, buf, &self.session.theme);
        let titles = self.session.titles();
        let ctx = self.context(&titles);
        if let Some(query) = &self.page.explore {
            let line = Rect {
                y: body.y + body.height,
                height: 1,
                ..body
            };
            super::overlay::explore_results_line(query, line, buf, &self.session.theme);
        }
        self.overlay.draw(body, buf, &self.session.theme, &ctx);
        super::drill::draw(&self.drill, body, buf, &self.session.theme);
    }

    fn context<'a>(&'a self, titles: &'a [String]) -> Context<'a> {
        Context {
            variables: &self.page.variables,
            panels: &self.page.dashboard.panels,
            focused: self.focused(),
            dashboards: titles,
            explore_history: &self.explore_history,
            completions: &self.completions,
            explore_sources: &self.explore_sources,
            alerts: &self.alerts,
            range: (
                &self.page.view_state.range.from,
                &self.page.view_state.range.to,
            ),
        }
    }

    /// The focused panel and its data.
    fn focused(&self) -> Option<(&crate::grafana::model::Panel, Option<&PanelData>)> {
        let f = self.page.focus?;
        Some((
            self.page.dashboard.panels.get(f)?,
            self.page.data.get(f).and_then(Option::as_ref),
        ))
    }

    /// Open the explore box, with the history of the datasource on screen: over the query of
    /// an Explore page (keys to `field`), else empty.
    pub(super) fn open_explore(&mut self, field: ExploreField) {
        let datasource = self.page.status.prometheus_url.clone();
        if self.explore_history_of.as_ref() != Some(&datasource) {
            let env = |k: &str| std::env::var(k).ok();
            let mut history = explore_history::path_for(&datasource, &env)
                .map(|p| explore_history::load(&p))
                .unwrap_or_default();
            // Queries of this session not yet in the file (another datasource's page) stay.
            for query in std::mem::take(&mut self.explore_history) {
                explore_history::remember(&mut history, query);
            }
            self.explore_history = history;
            self.explore_history_of = Some(datasource);
        }
        self.completions.forget_failures();
        if self.page.explore.is_none() {
            self.explore_sources = explore_sources(
                &self.page.dashboard,
                self.session.drill.loki.is_some(),
                &self.session.drill.loki_datasource,
            );
        }
        let state = match &self.page.explore {
            Some(query) => ExploreState::for_query(query, &self.explore_sources, field),
            None => ExploreState::default(),
        };
        self.overlay = Overlay::Explore(Box::new(state));
        self.ask_for_explore();
    }

    /// Where a language's queries are kept: the session's Loki for LogQL, else the Prometheus
    /// on screen.
    fn history_datasource(&self, language: ExploreLanguage) -> String {
        match (language, &self.session.drill.loki) {
            (ExploreLanguage::LogQL, Some(loki)) => loki.clone(),
            _ => self.page.status.prometheus_url.clone(),
        }
    }

    /// The box switched datasource (Ctrl-D): its history is that datasource's.
    fn follow_explore_history(&mut self) {
        let Overlay::Explore(state) = &self.overlay else {
            return;
        };
        let datasource = self.history_datasource(state.language_among(&self.explore_sources));
        if self.explore_history_of.as_ref() == Some(&datasource) {
            return;
        }
        let env = |k: &str| std::env::var(k).ok();
        self.explore_history = explore_history::path_for(&datasource, &env)
            .map(|p| explore_history::load(&p))
            .unwrap_or_default();
        self.explore_history_of = Some(datasource);
    }

    /// A query run from the explore box joins the history, kept in its datasource's file.
    fn remember_explore(&mut self, query: &ExploreQuery) {
        explore_history::remember(&mut self.explore_history, query.expr.clone());
        let env = |k: &str| std::env::var(k).ok();
        let datasource = self.history_datasource(query.source.language);
        if let Some(path) = explore_history::path_for(&datasource, &env)
            && let Err(e) = explore_history::save(&path, &self.explore_history)
        {
            self.page.status.message = Some(format!(
                "explore history not saved to {}: {e}",
                path.display()
            ));
        }
    }

    /// Hand the explore box's needs to the completion outbox (answered ones are not asked).
    fn ask_for_explore(&mut self) {
        let wanted = match &self.overlay {
            Overlay::Explore(state) => {
                let titles = Vec::new();
                state.requests(&self.context(&titles))
            }
            _ => return,
        };
        for request in wanted {
            self.completions.want(request);
        }
    }

    /// Completion requests for the engine (the loop sends them with `Session::complete`).
    pub fn take_completion_requests(
        &mut self,
    ) -> Vec<(u64, crate::grafana::promql_complete::CompletionRequest)> {
        self.completions.take_requests()
    }

    /// Apply a key; returns what the event loop must do beyond redrawing.
    pub fn handle_key(&mut self, key: KeyEvent) -> Command {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Command::Quit;
        }
        if self.drill.pane.is_some() {
            return self.drill_key(key.code);
        }
        if self.overlay.is_open() {
            let mut overlay = std::mem::take(&mut self.overlay);
            let titles = self.session.titles();
            let ctx = self.context(&titles);
            let effect = overlay.handle_key_event(key, &ctx);
            self.overlay = overlay;
            self.follow_explore_history();
            self.ask_for_explore();
            return self.apply_effect(effect);
        }
        if let Some(command) = self.explore_results_key(key) {
            return command;
        }
        let action = KEYMAP
            .iter()
            .find(|b| b.matches(key.code))
            .map(|b| b.action)
            .unwrap_or(Action::None);
        if let Some(overlay) = self.overlay_for(action) {
            self.overlay = overlay;
            return Command::None;
        }
        let now = chrono::Utc::now();
        match action {
            // In a fullscreen time series or heatmap, left/right move the cursor along time.
            Action::Left | Action::Right
                if self.page.fullscreen && self.page.focused_has_time_cursor() =>
            {
                let step = if action == Action::Left {
                    -CURSOR_STEP
                } else {
                    CURSOR_STEP
                };
                self.page.cursor = Some((self.page.cursor.unwrap_or(1.0) + step).clamp(0.0, 1.0));
            }
            Action::Up | Action::Down | Action::Left | Action::Right => {
                self.page.move_focus(action)
            }
            Action::Fullscreen => {
                self.page.fullscreen = !self.page.fullscreen;
                self.page.cursor = None;
                self.request_exemplars();
            }
            Action::Links => self.open_links(),
            Action::Logs => self.open_logs(),
            Action::Traces => self.open_traces(),
            Action::ExemplarTrace => self.exemplar_trace(),
            Action::Back if self.page.cursor.is_some() => self.page.cursor = None,
            Action::Back => {
                self.page.fullscreen = false;
                self.request_exemplars();
            }
            Action::PageDown => self.page.scroll += u32::from(self.page.body_height.max(2) - 1),
            Action::PageUp => {
                self.page.scroll = self
                    .page
                    .scroll
                    .saturating_sub(u32::from(self.page.body_height.max(2) - 1))
            }
            Action::ToggleRow => self.page.toggle_row_of_focus(),
            Action::ExplorePrompt => self.open_explore(ExploreField::Query),
            Action::ZoomOut => return self.range_changed(|r| r.zoom(2.0, now)),
            Action::ZoomIn => return self.range_changed(|r| r.zoom(0.5, now)),
            Action::PanEarlier => return self.range_changed(|r| r.pan(-0.5, now)),
            Action::PanLater => return self.range_changed(|r| r.pan(0.5, now)),
            Action::Live => return self.range_changed(RangeState::back_to_live),
            Action::FocusNextVariable => {
                self.page.var_focus =
                    (self.page.var_focus + 1) % self.page.stepable_variables().len().max(1);
            }
            Action::Compare => return self.cycle_compare(),
            Action::CycleRefresh => return self.cycle_refresh(),
            Action::CopyLink => return self.copy_link(),
            Action::Alerts => return self.open_alerts(),
            Action::VariableNext => return self.step_variable(1),
            Action::VariablePrevious => return self.step_variable(-1),
            Action::Quit => return Command::Quit,
            Action::Refresh => return Command::Refresh,
            Action::Snapshot => return Command::Snapshot { panel_only: false },
            Action::SnapshotPanel => return Command::Snapshot { panel_only: true },
            // Opened above.
            Action::Help
            | Action::TimePicker
            | Action::Variables
            | Action::Inspect
            | Action::Search
            | Action::Dashboards
            | Action::None => {}
        }
        Command::None
    }

    /// `y`: the Grafana link of what is on screen (Explore for a query, else the dashboard).
    fn copy_link(&mut self) -> Command {
        let link = self.explore_link().unwrap_or_else(|| self.grafana_link());
        self.page.status.message = Some(format!("copied: {link}"));
        Command::CopyLink(link)
    }

    fn open_alerts(&mut self) -> Command {
        self.alerts = AlertsState::Loading;
        self.overlay = Overlay::Alerts { cursor: 0 };
        Command::FetchAlerts
    }

    /// The overlay a key opens (help, time picker, variables, inspect, search, dashboards).
    fn overlay_for(&self, action: Action) -> Option<Overlay> {
        Some(match action {
            Action::Help => Overlay::Help,
            Action::TimePicker => Overlay::TimePicker {
                cursor: super::timenav::QUICK_RANGES
                    .iter()
                    .position(|(f, _)| *f == self.page.view_state.range.from)
                    .unwrap_or(3),
            },
            Action::Variables => Overlay::Variables { cursor: 0 },
            Action::Inspect => Overlay::Inspect { scroll: 0 },
            Action::Search => Overlay::Search {
                query: String::new(),
            },
            Action::Dashboards => Overlay::Dashboards {
                filter: String::new(),
                cursor: 0,
            },
            _ => return None,
        })
    }

    /// From an alert to the panel that shows it, the range starting 15 min before it fired.
    fn jump_to_alert(&mut self, index: usize) -> Command {
        let super::overlay::AlertsState::Loaded(alerts, _) = &self.alerts else {
            return Command::None;
        };
        let Some(alert) = alerts.get(index).cloned() else {
            return Command::None;
        };
        let panels: Vec<(String, Vec<String>)> = self
            .page
            .dashboard
            .panels
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let exprs = match self.page.data.get(i).and_then(Option::as_ref) {
                    Some(d) => d.queries.iter().map(|q| q.expr.clone()).collect(),
                    None => p.targets.iter().map(|t| t.expr.clone()).collect(),
                };
                (p.title.clone(), exprs)
            })
            .collect();
        if let Some(&best) = super::overlay::panels_for_alert(&alert, &panels).first() {
            self.page.focus_panel(best);
        }
        let name = alert.labels.get("alertname").cloned().unwrap_or_default();
        match alert.active_at_ms {
            Some(at) => {
                self.page.marker = Some(crate::view::TimeMarker {
                    at_ms: at as f64,
                    label: format!("{name} fired"),
                    ..Default::default()
                });
                for view in &mut self.page.views {
                    super::page::mark(view, self.page.marker.as_ref());
                }
                let back = (chrono::Utc::now().timestamp_millis() - at) / 1000 + 15 * 60;
                self.page.status.message = Some(format!("{name}: from 15 min before it fired"));
                self.range_changed(|r| r.set_relative(&format!("now-{back}s")))
            }
            None => Command::None,
        }
    }

    /// The Grafana URL of exactly what is on screen: dashboard, range, variables, and the
    /// panel when one is fullscreen.
    pub fn grafana_link(&self) -> String {
        let variables: BTreeMap<String, Vec<String>> = self
            .page
            .view_state
            .selections
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect();
        let view_panel = if self.page.fullscreen {
            self.page
                .focus
                .and_then(|f| self.page.dashboard.panels.get(f))
                .and_then(|p| p.id)
        } else {
            None
        };
        crate::links::grafana_url(&crate::links::ViewLink {
            base_url: &self.session.grafana_url,
            org_id: self.session.org_id,
            uid: self.page.dashboard.uid.as_deref().unwrap_or_default(),
            from: &self.page.view_state.range.from,
            to: &self.page.view_state.range.to,
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
            MouseEventKind::ScrollDown if !self.page.fullscreen => {
                self.page.scroll += 3;
                true
            }
            MouseEventKind::ScrollUp if !self.page.fullscreen => {
                self.page.scroll = self.page.scroll.saturating_sub(3);
                true
            }
            MouseEventKind::Down(MouseButton::Left) if !self.page.fullscreen && event.row >= 1 => {
                // The page starts below the one-line header.
                let y = u32::from(event.row - 1) + self.page.scroll;
                let hit = self.page.placed.iter().find(|p| {
                    event.column >= p.x && event.column < p.x + p.w && y >= p.y && y < p.y + p.h
                });
                match hit.map(|p| p.item) {
                    Some(Item::Panel(i)) if self.page.focus == Some(i) => {
                        self.page.fullscreen = true
                    }
                    Some(Item::Panel(i)) => self.page.focus = Some(i),
                    Some(Item::Row(r)) => {
                        if let Some(c) = self.page.collapsed.get_mut(r) {
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
    fn cycle_refresh(&mut self) -> Command {
        const GRAFANA_DEFAULTS: &[&str] = &[
            "5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d",
        ];
        let mut choices: Vec<String> = self.page.dashboard.refresh_intervals.clone();
        if choices.is_empty() {
            choices = GRAFANA_DEFAULTS.iter().map(|s| s.to_string()).collect();
        }
        let next = match self
            .page
            .status
            .refresh
            .as_ref()
            .and_then(|r| choices.iter().position(|c| c == r))
        {
            Some(i) if i + 1 < choices.len() => Some(choices[i + 1].clone()),
            Some(_) => None,
            None if self.page.status.refresh.is_some() => None,
            None => choices.first().cloned(),
        };
        let every = next
            .as_deref()
            .and_then(crate::grafana::timerange::parse_refresh);
        self.page.status.message = Some(match &next {
            Some(r) => format!("auto-refresh every {r}"),
            None => "auto-refresh off".into(),
        });
        self.page.status.refresh = next;
        Command::SetAutoRefresh(every)
    }

    /// `o` on the focused panel: compare with 1 day ago, then 1 week ago, then off.
    fn cycle_compare(&mut self) -> Command {
        const DAY: i64 = 86_400_000;
        let Some(focus) = self.page.focus else {
            return Command::None;
        };
        self.page.view_state.compare = match self.page.view_state.compare {
            Some((panel, DAY)) if panel == focus => Some((focus, 7 * DAY)),
            Some((panel, _)) if panel == focus => None,
            _ => Some((focus, DAY)),
        };
        self.page.status.message = self.page.view_state.compare.map(|(_, offset)| {
            format!(
                "comparing with {} (o again for the next offset)",
                crate::engine::plan::offset_label(offset)
            )
        });
        Command::Refresh
    }

    /// Select the next (or previous) value of the focused header variable, wrapping around.
    fn step_variable(&mut self, by: isize) -> Command {
        let variables = self.page.stepable_variables();
        let Some(v) = variables.get(self.page.var_focus) else {
            return Command::None;
        };
        let mut values: Vec<&str> = Vec::new();
        if v.value.include_all {
            values.push(ALL_VALUE);
        }
        values.extend(v.options.iter().map(|o| o.value.as_str()));
        if values.len() < 2 {
            return Command::None;
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

    fn range_changed(&mut self, change: impl FnOnce(&mut RangeState)) -> Command {
        change(&mut self.page.view_state.range);
        self.page.status.range = self.page.view_state.range.label();
        Command::Refresh
    }

    fn apply_effect(&mut self, effect: Effect) -> Command {
        match effect {
            Effect::None => Command::None,
            Effect::Close => {
                self.overlay = Overlay::None;
                Command::None
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
                self.page.view_state.overrides.remove(&name);
                self.page.view_state.selections.insert(
                    name,
                    VariableSelection {
                        text: values.clone(),
                        value: values,
                    },
                );
                Command::RefreshChanged
            }
            Effect::SwitchDashboard(index) => {
                self.overlay = Overlay::None;
                Command::SwitchDashboard(index)
            }
            Effect::Explore(query) => {
                self.overlay = Overlay::None;
                self.remember_explore(&query);
                Command::Explore(query)
            }
            Effect::AlertSelected(index) => {
                self.overlay = Overlay::None;
                self.jump_to_alert(index)
            }
            Effect::FocusPanel(panel) => {
                self.overlay = Overlay::None;
                self.page.focus_panel(panel);
                Command::None
            }
        }
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
            panels: vec![Arc::new(panel("Latency", 0)), Arc::new(panel("Errors", 12))],
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

    fn press(app: &mut App, c: char) -> Command {
        app.handle_key(KeyEvent::from(KeyCode::Char(c)))
    }

    #[test]
    fn time_picker_sets_a_quick_range() {
        let mut app = app();
        screen(&mut app);
        assert_eq!(press(&mut app, 't'), Command::None);
        assert!(matches!(app.overlay, Overlay::TimePicker { .. }));
        assert!(
            screen(&mut app).contains("Last 1 hour"),
            "{}",
            screen(&mut app)
        );
        press(&mut app, 'j');
        assert_eq!(
            app.handle_key(KeyEvent::from(KeyCode::Enter)),
            Command::Refresh
        );
        assert_eq!(app.page.view_state.range.from, "now-3h");
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
        assert_eq!(key(&mut app, KeyCode::Enter), Command::None);
        assert!(app.overlay.is_open(), "a bad range keeps the form open");
        assert!(
            screen(&mut app).contains("yesterday"),
            "{}",
            screen(&mut app)
        );
        retype(&mut app, "2026-11-24T11:30:00Z");
        assert_eq!(key(&mut app, KeyCode::Enter), Command::Refresh);
        assert_eq!(app.page.view_state.range.from, "2026-11-24T10:00:00Z");
        assert_eq!(app.page.view_state.range.to, "2026-11-24T11:30:00Z");
        assert!(!app.page.view_state.range.is_live());
        // Back to live returns to the last relative range.
        press(&mut app, 'n');
        assert_eq!(app.page.view_state.range.from, "now-1h");
    }

    #[test]
    fn focus_moves_right_and_search_jumps_by_title() {
        let mut app = app();
        screen(&mut app);
        assert_eq!(app.page.focus, Some(0));
        press(&mut app, 'l');
        assert_eq!(app.page.focus, Some(1));
        press(&mut app, '/');
        for c in "late".chars() {
            press(&mut app, c);
        }
        assert!(screen(&mut app).contains("→ Latency"));
        app.handle_key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(app.page.focus, Some(0));
    }

    #[test]
    fn zoom_out_stays_live_and_updates_the_header() {
        let mut app = app();
        assert_eq!(press(&mut app, '-'), Command::Refresh);
        assert_eq!(app.page.view_state.range.from, "now-7200s");
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
            panels: vec![Arc::new(Panel {
                title: "p".into(),
                panel_type: "stat".into(),
                grid: GridPos {
                    x: 0,
                    y: 0,
                    w: 24,
                    h: 4,
                },
                ..Panel::default()
            })],
            ..Dashboard::default()
        };
        let state = ViewState::new("now-1h", "now");
        let mut app = App::new(dashboard, Theme::mono(), StatusInfo::default(), state);
        app.page.variables = vec![ResolvedVariable {
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
            Command::RefreshChanged
        );
        assert_eq!(
            app.page.view_state.selections["env"].value,
            vec!["lab".to_string()],
            "wraps after the last"
        );
        app.page.variables[0].value = VarValue::single("lab");
        app.handle_key(KeyEvent::from(KeyCode::Char('{')));
        assert_eq!(
            app.page.view_state.selections["env"].value,
            vec!["production".to_string()]
        );
    }

    #[test]
    fn a_snapshot_names_range_variables_and_source() {
        let mut app = app_with_env();
        app.page.status.variables = vec![("env".into(), "production".into())];
        app.page.status.prometheus_url = "http://prom:9090".into();
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
            panels: vec![Arc::new(Panel {
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
            })],
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
            overrides: crate::engine::variables::Overrides::new(),
            selections,
            compare: None,
        };
        let mut app = App::new(dashboard, Theme::mono(), StatusInfo::default(), state);
        app.session.grafana_url = "https://grafana.example".into();
        app.page.focus = Some(0);
        assert_eq!(
            app.grafana_link(),
            "https://grafana.example/d/inference-gateway?orgId=1&from=now-6h&to=now&var-environment=staging"
        );
        app.page.fullscreen = true;
        assert!(app.grafana_link().ends_with("&viewPanel=4"));
        assert_eq!(
            app.handle_key(KeyEvent::from(KeyCode::Char('y'))),
            Command::CopyLink(app.grafana_link())
        );
        assert!(
            app.page
                .status
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
            panels: vec![Arc::new(panel(0)), Arc::new(panel(12))],
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
        assert_eq!(app.page.focus, Some(1));
        assert!(!app.page.fullscreen);
        app.handle_mouse(click(70, 2));
        assert!(app.page.fullscreen, "a second click opens it");
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
        assert_eq!(
            press(&mut app),
            Command::SetAutoRefresh(Some(std::time::Duration::from_secs(60)))
        );
        assert_eq!(app.page.status.refresh.as_deref(), Some("1m"));
        assert_eq!(press(&mut app), Command::SetAutoRefresh(None));
        assert_eq!(app.page.status.refresh.as_deref(), None);
        press(&mut app);
        assert_eq!(app.page.status.refresh.as_deref(), Some("10s"));
    }
}

#[cfg(test)]
mod alert_marker_tests {
    use super::*;
    use crate::data::Alert;
    use crate::data::panel_data::Series;
    use crate::engine::session::EngineEvent;
    use crate::grafana::model::{GridPos, Panel};
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
            panels: vec![Arc::new(panel)],
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
        assert_eq!(app.jump_to_alert(0), Command::Refresh);
        // The range now starts 15 minutes before the alert fired.
        assert_eq!(
            app.page.view_state.range.from.trim_end_matches('s'),
            "now-1500"
        );
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
            panels: vec![Arc::new(panel(0)), Arc::new(panel(12))],
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
        app.page.focus = Some(1);
        let third = screen(&mut app);
        assert_ne!(third, second);
        assert!(third.contains("97"), "{third}");
    }
}
