//! Drill-down panes over the dashboard: the focused panel's links, its logs (Loki), traces for
//! its service (Jaeger), one trace as a span waterfall, and exemplars on fullscreen latency
//! panels. The app asks for data with a `Request`; the loop runs it off the UI task and hands
//! back an `Outcome`, applied only when it answers the newest request.
//!
//! Each pane lives in its own module with its state, its keys and its drawing; a pane's keys
//! return a `Step`, what the App must do beyond changing the pane in place.

mod exemplars;
mod links;
mod logs;
mod traces;
mod waterfall;

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget};

use super::app::App;
use super::command::Command;
use super::theme::Theme;
use crate::data::{Exemplar, Trace};
use crate::engine::drill::{DrillAnswer, DrillRequest};
use crate::links::drilldown::Matcher;

pub use links::LinkItem;
pub use logs::{LogsPane, trace_id_in};
pub use traces::TracesPane;
pub use waterfall::WaterfallPane;

/// Where the drill-down backends are (none required: URLs are always offered).
#[derive(Debug, Clone, Default)]
pub struct DrillConfig {
    pub loki: Option<String>,
    pub jaeger: Option<String>,
    /// Set: traces come from Tempo, and their links open Grafana Explore on its datasource
    /// (Tempo has no UI of its own).
    pub tempo: Option<String>,
    pub alertmanager: Option<String>,
    /// Grafana's uids of the Loki, Jaeger and Tempo datasources, for Explore URLs.
    pub loki_datasource: String,
    pub jaeger_datasource: String,
    pub tempo_datasource: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pane {
    Links { items: Vec<LinkItem>, cursor: usize },
    Logs(LogsPane),
    Traces(TracesPane),
    Waterfall(WaterfallPane),
}

/// What a pane asks of the loop: a fetch (run by the engine), or a URL to open or copy.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Fetch(DrillRequest),
    /// Open in a local browser, or copy (OSC 52) when there is none.
    Open {
        url: String,
    },
    Copy {
        text: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Drill {
    pub pane: Option<Pane>,
    /// Requests the loop has not taken yet, oldest first.
    pub requests: Vec<(u64, Request)>,
    generation: u64,
    /// Exemplars of one panel (the fullscreen one), by time.
    pub exemplars: Vec<Exemplar>,
    pub exemplar_panel: Option<usize>,
    pub selected_exemplar: Option<usize>,
    /// Why the last exemplar query failed, for `x` to say.
    pub exemplar_error: Option<String>,
}

impl Drill {
    fn ask(&mut self, request: Request) {
        self.generation += 1;
        self.requests.push((self.generation, request));
    }

    pub fn take_requests(&mut self) -> Vec<(u64, Request)> {
        std::mem::take(&mut self.requests)
    }

    /// The whole URLs the open pane shows (possibly cut at the screen's edge), so a cut link
    /// still points at the whole address.
    pub fn urls(&self) -> Vec<String> {
        match &self.pane {
            Some(Pane::Links { items, .. }) => items.iter().map(|i| i.url.clone()).collect(),
            Some(Pane::Logs(p)) => vec![p.explore_url.clone()],
            Some(Pane::Traces(p)) => p.search_url.clone().into_iter().collect(),
            Some(Pane::Waterfall(p)) => p.url.clone().into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The newest answer for the pane that asked; older ones are dropped.
    pub fn apply(&mut self, generation: u64, outcome: DrillAnswer) -> bool {
        let current = generation == self.generation;
        match (outcome, &mut self.pane) {
            (DrillAnswer::Exemplars(panel, result), _) => {
                if self.exemplar_panel == Some(panel) {
                    self.exemplar_error = result.as_ref().err().cloned();
                    self.exemplars = result.unwrap_or_default();
                    self.selected_exemplar = None;
                    return true;
                }
                false
            }
            (_, _) if !current => false,
            (DrillAnswer::Logs(result), Some(Pane::Logs(pane))) => {
                pane.lines = loaded(result);
                true
            }
            (DrillAnswer::Traces(result), Some(Pane::Traces(pane))) => {
                pane.traces = loaded(result);
                true
            }
            (DrillAnswer::Trace(result), Some(Pane::Waterfall(pane))) => {
                pane.trace = loaded(result);
                true
            }
            _ => false,
        }
    }
}

fn loaded<T>(result: Result<T, String>) -> Load<T> {
    match result {
        Ok(v) => Load::Loaded(v),
        Err(e) => Load::Failed(e),
    }
}

/// What the focused panel ran, for drilling down from it.
struct Focused {
    panel: usize,
    exprs: Vec<String>,
    start: i64,
    end: i64,
    labels: BTreeMap<String, String>,
}

impl App {
    /// What the focused panel ran: its interpolated queries and range, and the labels every
    /// one of its series shares (the "focused series" when there is one).
    /// The focused panel's context for a drill-down, or a status line saying there is none.
    fn focused_or_say(&mut self) -> Option<Focused> {
        let focused = self.focused_context();
        if focused.is_none() {
            self.page.status.message = Some("no panel focused".into());
        }
        focused
    }

    fn focused_context(&self) -> Option<Focused> {
        let f = self.page.focus?;
        let panel = self.page.dashboard.panels.get(f)?;
        let data = self.page.data.get(f).and_then(Option::as_ref);
        let now = chrono::Utc::now().timestamp_millis();
        let (exprs, start, end) = match data {
            Some(d) if !d.queries.is_empty() => (
                d.queries.iter().map(|q| q.expr.clone()).collect(),
                d.start_ms,
                d.end_ms,
            ),
            _ => (
                panel.targets.iter().map(|t| t.expr.clone()).collect(),
                now - 3_600_000,
                now,
            ),
        };
        let mut common: Option<BTreeMap<String, String>> = None;
        for s in data.map(|d| d.series.as_slice()).unwrap_or_default() {
            common = Some(match common {
                None => s.labels.clone(),
                Some(c) => c
                    .into_iter()
                    .filter(|(k, v)| s.labels.get(k) == Some(v))
                    .collect(),
            });
        }
        Some(Focused {
            panel: f,
            exprs,
            start,
            end,
            labels: common.unwrap_or_default(),
        })
    }

    fn range_text(&self) -> (String, String) {
        (
            self.page.view_state.range.from.clone(),
            self.page.view_state.range.to.clone(),
        )
    }

    fn body_rows(&self) -> u16 {
        self.page.last_body_height()
    }

    /// Keys while a drill-down pane is open: the pane's own keys say what follows.
    pub fn drill_key(&mut self, code: KeyCode) -> Command {
        let Some(mut pane) = self.drill.pane.take() else {
            return Command::None;
        };
        let page = usize::from(self.body_rows().saturating_sub(8).max(1));
        let step = match &mut pane {
            Pane::Links { items, cursor } => links::keys(items, cursor, code, &self.session),
            Pane::Logs(logs) => logs::keys(logs, code, page),
            Pane::Traces(traces) => traces::keys(traces, code),
            Pane::Waterfall(waterfall) => waterfall::keys(waterfall, code),
        };
        self.follow(step, pane)
    }

    /// Do what a pane's key asked; `pane` is the pane as the key left it.
    fn follow(&mut self, step: Step, pane: Pane) -> Command {
        match step {
            Step::Stay => self.drill.pane = Some(pane),
            Step::Close => {}
            Step::Ask(request) => {
                self.drill.ask(request);
                self.drill.pane = Some(pane);
            }
            Step::Replace(other) => self.drill.pane = Some(*other),
            Step::ShowTrace { id, matchers } => self.show_trace(id, matchers, None),
            Step::ShowLoadedTrace { trace, back } => self.show_loaded_trace(*trace, back),
            Step::ShowLogs {
                logql,
                start_ms,
                end_ms,
            } => self.show_logs(logql, start_ms, end_ms),
            Step::SwitchDashboard(index) => return Command::SwitchDashboard(index),
        }
        Command::None
    }
}

/// What a key in a pane asks of the App, beyond changing the pane in place.
enum Step {
    /// The pane stays open, as the key left it.
    Stay,
    Close,
    /// The pane stays open and the loop opens or copies a URL.
    Ask(Request),
    /// Show this pane instead (Esc from a waterfall back to its trace list).
    Replace(Box<Pane>),
    /// Fetch the trace with this id and show it.
    ShowTrace {
        id: String,
        matchers: Vec<Matcher>,
    },
    /// Show a trace the list already holds; Esc goes back to the list.
    ShowLoadedTrace {
        trace: Box<Trace>,
        back: Box<TracesPane>,
    },
    /// Fetch these log lines and show them.
    ShowLogs {
        logql: String,
        start_ms: i64,
        end_ms: i64,
    },
    /// Close the pane and show the session's dashboard with this index.
    SwitchDashboard(usize),
}

/// The styles every pane draws with.
struct Styles {
    dim: Style,
    text: Style,
    head: Style,
}

impl Styles {
    fn new(theme: &Theme) -> Styles {
        Styles {
            dim: Style::default().fg(theme.dim),
            text: Style::default().fg(theme.text),
            head: Style::default()
                .fg(theme.title)
                .add_modifier(Modifier::BOLD),
        }
    }
}

/// Draw the open pane over the body; returns nothing, links are found on screen afterwards.
pub fn draw(drill: &Drill, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let Some(pane) = &drill.pane else { return };
    let rect = Rect {
        x: area.x + 1,
        y: area.y,
        width: area.width.saturating_sub(2),
        height: area.height,
    };
    if rect.width < 20 || rect.height < 5 {
        return;
    }
    let inner_width = usize::from(rect.width.saturating_sub(2));
    let rows = usize::from(rect.height.saturating_sub(2));
    let (title, lines): (&str, Vec<Line>) = match pane {
        Pane::Links { items, cursor } => (" links ", links::draw(items, *cursor, theme)),
        Pane::Logs(pane) => (" logs ", logs::draw(pane, rows, theme)),
        Pane::Traces(pane) => (" traces (slowest first) ", traces::draw(pane, rows, theme)),
        Pane::Waterfall(pane) => (
            " span waterfall ",
            waterfall::draw(pane, rows, inner_width, theme),
        ),
    };
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_type(BorderType::Rounded)
                .title(title)
                .border_style(Style::default().fg(theme.border_focused)),
        )
        .render(rect, buf);
}

/// URLs drawn on screen (row, first column, URL), for OSC 8 hyperlinks over them.
pub fn find_urls(buf: &Buffer) -> Vec<(u16, u16, String)> {
    let area = buf.area;
    let mut found = Vec::new();
    for y in area.y..area.y + area.height {
        let cells: Vec<&str> = (area.x..area.x + area.width)
            .map(|x| buf[(x, y)].symbol())
            .collect();
        let mut x = 0;
        while x < cells.len() {
            let starts = |p: &str| {
                p.chars().enumerate().all(|(i, c)| {
                    cells
                        .get(x + i)
                        .is_some_and(|s| s.len() == 1 && s.starts_with(c))
                })
            };
            if starts("http://") || starts("https://") {
                let mut end = x;
                while end < cells.len()
                    && cells[end].len() == 1
                    && cells[end].chars().all(|c| c.is_ascii_graphic())
                {
                    end += 1;
                }
                found.push((y, area.x + x as u16, cells[x..end].concat()));
                x = end;
            } else {
                x += 1;
            }
        }
    }
    found
}

#[cfg(test)]
mod app_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_on_screen_are_found_for_hyperlinks() {
        let area = Rect::new(0, 0, 40, 2);
        let mut buf = Buffer::empty(area);
        buf.set_string(
            0,
            0,
            "runbook: https://rb.example/x?a=1 end",
            Style::default(),
        );
        buf.set_string(2, 1, "│http://h:1/│", Style::default());
        assert_eq!(
            find_urls(&buf),
            vec![
                (0, 9, "https://rb.example/x?a=1".to_string()),
                (1, 3, "http://h:1/".to_string())
            ]
        );
    }

    #[test]
    fn stale_answers_are_dropped() {
        let mut drill = Drill {
            pane: Some(Pane::Logs(LogsPane {
                logql: "{a=\"b\"}".into(),
                explore_url: String::new(),
                lines: Load::Loading,
                filter: String::new(),
                typing: false,
                scroll: 0,
            })),
            ..Drill::default()
        };
        drill.ask(Request::Fetch(DrillRequest::Logs {
            logql: "x".into(),
            start_ms: 0,
            end_ms: 1,
        }));
        drill.ask(Request::Fetch(DrillRequest::Logs {
            logql: "y".into(),
            start_ms: 0,
            end_ms: 1,
        }));
        assert!(!drill.apply(1, DrillAnswer::Logs(Ok(Vec::new()))));
        assert!(drill.apply(2, DrillAnswer::Logs(Err("down".into()))));
        assert!(
            matches!(&drill.pane, Some(Pane::Logs(p)) if p.lines == Load::Failed("down".into()))
        );
    }
}
