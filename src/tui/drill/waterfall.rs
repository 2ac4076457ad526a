//! The span waterfall of one trace: a bar per span, the slowest path marked, `g` for the
//! trace's own log lines and Esc back to the trace list it came from.

use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::traces::TracesPane;
use super::{Load, Pane, Request, Step, Styles};
use crate::data::Trace;
use crate::engine::drill::DrillRequest;
use crate::links::drilldown::{Matcher, logql_selector};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::view::waterfall::{WaterfallRow, format_duration_us, layout as waterfall_layout};

#[derive(Debug, Clone, PartialEq)]
pub struct WaterfallPane {
    pub trace_id: String,
    pub url: Option<String>,
    pub trace: Load<Trace>,
    pub scroll: usize,
    pub matchers: Vec<Matcher>,
    /// The trace list this came from (Esc goes back to it).
    pub back: Option<Box<TracesPane>>,
}

impl App {
    /// Fetch a trace by id and show it (from a log line or an exemplar).
    pub(super) fn show_trace(
        &mut self,
        id: String,
        matchers: Vec<Matcher>,
        back: Option<Box<TracesPane>>,
    ) {
        let url = Some(self.trace_page_url(&id));
        self.page.status.message = Some(format!("trace {id}"));
        self.drill.pane = Some(Pane::Waterfall(WaterfallPane {
            trace_id: id.clone(),
            url,
            trace: Load::Loading,
            scroll: 0,
            matchers,
            back,
        }));
        self.drill.ask(Request::Fetch(DrillRequest::Trace { id }));
    }

    /// Show a trace the trace list already holds; Esc goes back to the list.
    pub(super) fn show_loaded_trace(&mut self, trace: Trace, back: Box<TracesPane>) {
        let url = Some(self.trace_page_url(&trace.trace_id));
        self.drill.pane = Some(Pane::Waterfall(WaterfallPane {
            trace_id: trace.trace_id.clone(),
            url,
            matchers: back.matchers.clone(),
            trace: Load::Loaded(trace),
            scroll: 0,
            back: Some(back),
        }));
    }
}

/// Keys of the waterfall pane.
pub(super) fn keys(pane: &mut WaterfallPane, code: KeyCode) -> Step {
    match code {
        KeyCode::Esc | KeyCode::Char('q') => {
            return match pane.back.take() {
                Some(back) => Step::Replace(Box::new(Pane::Traces(*back))),
                None => Step::Close,
            };
        }
        KeyCode::Down | KeyCode::Char('j') => pane.scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => pane.scroll = pane.scroll.saturating_sub(1),
        KeyCode::Char('y') => {
            let text = pane.url.clone().unwrap_or_else(|| pane.trace_id.clone());
            return Step::Ask(Request::Copy { text });
        }
        KeyCode::Char('g') => {
            // The trace's own log lines: its service's streams holding its id.
            let logql = format!(
                "{} |= \"{}\"",
                logql_selector(&pane.matchers),
                pane.trace_id
            );
            let (start_ms, end_ms) = match &pane.trace {
                Load::Loaded(t) => {
                    let s = t.start_us() / 1000;
                    (s - 60_000, s + t.duration_us() / 1000 + 60_000)
                }
                _ => {
                    let now = chrono::Utc::now().timestamp_millis();
                    (now - 6 * 3_600_000, now)
                }
            };
            return Step::ShowLogs {
                logql,
                start_ms,
                end_ms,
            };
        }
        _ => {}
    }
    Step::Stay
}

/// The pane's text: the trace's id and URL, then one bar per span that fits in `rows` lines
/// `inner_width` wide.
pub(super) fn draw(
    pane: &WaterfallPane,
    rows: usize,
    inner_width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Styles { dim, head, .. } = Styles::new(theme);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" trace {} ", pane.trace_id), head),
        Span::styled(pane.url.clone().unwrap_or_default(), dim),
    ])];
    match &pane.trace {
        Load::Loading => lines.push(Line::styled(" loading trace…", dim)),
        Load::Failed(e) => {
            lines.push(Line::styled(
                format!(" {e}"),
                Style::default().fg(theme.error),
            ));
        }
        Load::Loaded(trace) => {
            lines.push(Line::styled(
                format!(
                    " {} spans · {} · ▶ marks the slowest path",
                    trace.spans.len(),
                    format_duration_us(trace.duration_us())
                ),
                dim,
            ));
            let label_width = (inner_width * 2 / 5).clamp(16, 48);
            let bar_width = inner_width.saturating_sub(label_width + 12).max(10);
            for row in waterfall_layout(trace)
                .iter()
                .skip(pane.scroll)
                .take(rows.saturating_sub(3))
            {
                lines.push(span_row(trace, row, label_width, bar_width, theme));
            }
        }
    }
    lines.push(Line::styled(
        " g logs of this trace · y copy the trace URL · j/k scroll · Esc back",
        dim,
    ));
    lines
}

/// One span: its indented operation and service, its bar in time, and its duration.
fn span_row(
    trace: &Trace,
    row: &WaterfallRow,
    label_width: usize,
    bar_width: usize,
    theme: &Theme,
) -> Line<'static> {
    let Styles { dim, text, .. } = Styles::new(theme);
    let span = &trace.spans[row.span];
    let mark = if row.on_slowest_path { "▶" } else { " " };
    let label = format!(
        "{mark}{}{} ({})",
        "  ".repeat(row.depth),
        span.operation,
        span.service
    );
    let label: String = label.chars().take(label_width).collect();
    let begin = ((row.offset * bar_width as f64).floor() as usize).min(bar_width - 1);
    let len = ((row.width * bar_width as f64).round() as usize)
        .max(1)
        .min(bar_width - begin);
    let bar = format!(
        "{}{}{}",
        " ".repeat(begin),
        "█".repeat(len),
        " ".repeat(bar_width - begin - len)
    );
    let bar_style = if span.error {
        Style::default().fg(theme.error)
    } else if row.on_slowest_path {
        Style::default().fg(theme.warning)
    } else {
        Style::default().fg(theme.border_focused)
    };
    let label_style = if row.on_slowest_path {
        text.add_modifier(Modifier::BOLD)
    } else {
        text
    };
    Line::from(vec![
        Span::styled(format!(" {label:<label_width$}"), label_style),
        Span::styled(bar, bar_style),
        Span::styled(format!(" {:>9}", format_duration_us(span.duration_us)), dim),
    ])
}
