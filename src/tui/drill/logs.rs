//! The logs pane: the focused panel's (or a trace's) Loki lines, a filter typed over them,
//! coloured by level, and Enter from a line to the trace it names.

use std::collections::BTreeMap;

use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{Focused, Load, Pane, Request, Step, Styles};
use crate::data::LogLine;
use crate::data::logs::LogLevel;
use crate::engine::drill::DrillRequest;
use crate::links::drilldown::{grafana_explore_url, logql_selector, stream_matchers};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::logs::log_line;

#[derive(Debug, Clone, PartialEq)]
pub struct LogsPane {
    pub logql: String,
    pub explore_url: String,
    pub lines: Load<Vec<LogLine>>,
    pub filter: String,
    pub typing: bool,
    pub scroll: usize,
}

impl LogsPane {
    /// The lines the filter lets through.
    fn shown(&self) -> Vec<&LogLine> {
        let Load::Loaded(all) = &self.lines else {
            return Vec::new();
        };
        let needle = self.filter.to_lowercase();
        all.iter()
            .filter(|l| needle.is_empty() || l.line.to_lowercase().contains(&needle))
            .collect()
    }

    /// The line at the top of the pane (Enter follows its trace id).
    fn highlighted(&self) -> Option<&LogLine> {
        let shown = self.shown();
        let at = self.scroll.min(shown.len().saturating_sub(1));
        shown.get(at).copied()
    }
}

/// `trace_id=…`, `traceID=…` or `"trace_id":"…"` in a log line: 16 or 32 hex digits.
pub fn trace_id_in(line: &str) -> Option<String> {
    let re =
        regex::Regex::new(r#"(?i)trace_?id"?\s*[=:]\s*"?([0-9a-f]{32}|[0-9a-f]{16})\b"#).ok()?;
    re.captures(line).map(|c| c[1].to_lowercase())
}

impl App {
    /// `g`: the focused panel's logs.
    pub fn open_logs(&mut self) {
        let Some(Focused {
            exprs,
            start,
            end,
            labels,
            ..
        }) = self.focused_or_say()
        else {
            return;
        };
        let logql = logql_selector(&stream_matchers(&labels, &exprs));
        self.show_logs(logql, start, end);
    }

    pub(super) fn show_logs(&mut self, logql: String, start_ms: i64, end_ms: i64) {
        let (from, to) = self.range_text();
        let explore_url = grafana_explore_url(
            &self.session.grafana_url,
            self.session.org_id,
            &self.session.drill.loki_datasource,
            &logql,
            &from,
            &to,
        );
        self.drill.pane = Some(Pane::Logs(LogsPane {
            logql: logql.clone(),
            explore_url,
            lines: Load::Loading,
            filter: String::new(),
            typing: false,
            scroll: 0,
        }));
        self.drill.ask(Request::Fetch(DrillRequest::Logs {
            logql,
            start_ms,
            end_ms,
        }));
    }
}

/// Keys of the logs pane; `page` is how far PageUp/PageDown scroll.
pub(super) fn keys(pane: &mut LogsPane, code: KeyCode, page: usize) -> Step {
    if pane.typing {
        return typing_keys(pane, code);
    }
    match code {
        KeyCode::Esc | KeyCode::Char('q') => return Step::Close,
        KeyCode::Char('/') => pane.typing = true,
        KeyCode::Down | KeyCode::Char('j') => pane.scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => pane.scroll = pane.scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => pane.scroll += page,
        KeyCode::PageUp => pane.scroll = pane.scroll.saturating_sub(page),
        KeyCode::Char('y') => {
            return Step::Ask(Request::Copy {
                text: pane.explore_url.clone(),
            });
        }
        KeyCode::Char('o') => {
            return Step::Ask(Request::Open {
                url: pane.explore_url.clone(),
            });
        }
        // From the highlighted line to the trace it names.
        KeyCode::Enter => {
            let id = pane.highlighted().and_then(|l| trace_id_in(&l.line));
            if let Some(id) = id {
                let matchers = stream_matchers(&BTreeMap::new(), std::slice::from_ref(&pane.logql));
                return Step::ShowTrace { id, matchers };
            }
        }
        _ => {}
    }
    Step::Stay
}

/// Keys while the filter is being typed.
fn typing_keys(pane: &mut LogsPane, code: KeyCode) -> Step {
    match code {
        KeyCode::Esc | KeyCode::Enter => pane.typing = false,
        KeyCode::Backspace => {
            pane.filter.pop();
        }
        KeyCode::Char(c) => {
            pane.filter.push(c);
            pane.scroll = 0;
        }
        _ => {}
    }
    Step::Stay
}

/// The pane's text: the query, its Explore URL, the filter and the lines that fit in `rows`.
pub(super) fn draw(pane: &LogsPane, rows: usize, theme: &Theme) -> Vec<Line<'static>> {
    let Styles { dim, text, head } = Styles::new(theme);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" LogQL ", head),
            Span::styled(pane.logql.clone(), text),
        ]),
        Line::from(vec![
            Span::styled(" Explore ", head),
            Span::styled(pane.explore_url.clone(), dim),
        ]),
    ];
    let filter_line = if pane.typing || !pane.filter.is_empty() {
        format!(
            " filter: {}{}",
            pane.filter,
            if pane.typing { "▏" } else { "" }
        )
    } else {
        " / filter · j/k scroll · Enter: the top line's trace · y copy / o open the Explore URL · Esc"
            .into()
    };
    lines.push(Line::styled(filter_line, dim));
    match &pane.lines {
        Load::Loading => lines.push(Line::styled(" loading logs…", dim)),
        Load::Failed(e) => {
            lines.push(Line::styled(
                format!(" {e}"),
                Style::default().fg(theme.error),
            ));
            lines.push(Line::styled(
                " the Explore URL above runs the same query in Grafana",
                dim,
            ));
        }
        Load::Loaded(all) => {
            let shown = pane.shown();
            if shown.is_empty() {
                lines.push(Line::styled(" no log lines in this range", dim));
            }
            let start = pane.scroll.min(shown.len().saturating_sub(1));
            for (n, l) in shown
                .iter()
                .skip(start)
                .take(rows.saturating_sub(4))
                .enumerate()
            {
                lines.push(log_row(l, n == 0, theme));
            }
            lines.insert(
                3,
                Line::styled(
                    format!(" {} of {} lines, newest first", shown.len(), all.len()),
                    dim,
                ),
            );
        }
    }
    lines
}

/// One log line: time, source and the line coloured by level; `top` is the line Enter follows.
fn log_row(l: &LogLine, top: bool, theme: &Theme) -> Line<'static> {
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp_nanos(l.at_ns)
        .with_timezone(&chrono::Local)
        .format("%H:%M:%S");
    let source = l
        .labels
        .get("instance")
        .or_else(|| l.labels.get("pod"))
        .cloned()
        .unwrap_or_default();
    let level = LogLevel::of(&l.line, &l.labels);
    let mut line = log_line(&[format!(" {at}"), source], &l.line, level, theme);
    // The top line is the one Enter follows to its trace.
    if top
        && trace_id_in(&l.line).is_some()
        && let Some(text) = line.spans.last_mut()
    {
        text.style = text
            .style
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_are_found_in_log_lines() {
        let id = "0d84fa1efc6a87fbda7e5d88177b1aaf";
        assert_eq!(
            trace_id_in(&format!("level=info trace_id={id} x")).as_deref(),
            Some(id)
        );
        assert_eq!(
            trace_id_in(&format!(r#"{{"traceID": "{}"}}"#, id.to_uppercase())).as_deref(),
            Some(id)
        );
        assert_eq!(trace_id_in("trace_id=xyz"), None);
    }

    #[test]
    fn log_levels_have_colours() {
        let theme = Theme::grafana_dark();
        let colour = |text: &str| {
            let line = LogLine {
                line: text.into(),
                ..LogLine::default()
            };
            log_row(&line, false, &theme).spans.last().unwrap().style.fg
        };
        assert_eq!(colour("level=error msg=x"), Some(theme.error));
        assert_eq!(colour("level=warn msg=x"), Some(theme.warning));
        assert_eq!(colour("level=info msg=x"), Some(theme.text));
    }
}
