//! Drawing the explore box: the query with its cursor, the parse check under it (PromQL or
//! LogQL), the metric's HELP/TYPE/unit and hints, the completion popup, the legend and unit
//! fields, the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::super::Context;
use super::super::chrome::{centred, frame};
use super::{ExploreState, Field, Language, history};
use crate::grafana::promql_check::{metric_uses, parse, usage_hints};
use crate::grafana::promql_complete::metric_at;
use crate::tui::theme::Theme;

/// Rows the popup may take.
const POPUP_ROWS: usize = 8;

pub(in super::super) fn draw(
    state: &ExploreState,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    ctx: &Context,
) {
    let mut lines = query_lines(state, theme);
    lines.extend(check_lines(state, theme, ctx));
    lines.extend(popup_lines(state, theme, ctx));
    lines.push(options_line(state, theme));
    let shape = if state.instant {
        "instant → table"
    } else {
        "range → time series"
    };
    lines.push(Line::styled(
        format!(
            "Enter runs ({shape}; Ctrl-T toggles) · Tab completes · ↑↓ history/choices · Alt-Enter newline · Ctrl-R search · Ctrl-Z undo · Ctrl-O legend/unit · Ctrl-D datasource · Esc"
        ),
        Style::default().fg(theme.dim),
    ));
    let width = area.width.saturating_sub(8).min(120);
    let mut rect = centred(area, width, lines.len() as u16 + 2);
    // Anchored near the top, so the box does not jump as the popup comes and goes.
    rect.y = area.y + area.height.saturating_sub(rect.height).min(2);
    Clear.render(rect, buf);
    let source = state
        .source(ctx)
        .map(|s| s.label.clone())
        .unwrap_or_else(|| "Prometheus (default)".into());
    let title = format!(" explore: {} · {source} ", state.language(ctx).name());
    Paragraph::new(lines)
        .block(frame(&title, theme))
        .render(rect, buf);
}

/// The results' legend format and unit, the focused one with its cursor.
fn options_line<'a>(state: &ExploreState, theme: &Theme) -> Line<'a> {
    let field = |name: &str, editor: &super::Editor, focused: bool| {
        let text = editor.text();
        if focused {
            let at = editor.cursor();
            Span::styled(
                format!("{name}: {}▏{}  ", &text[..at], &text[at..]),
                Style::default().fg(theme.title),
            )
        } else {
            let shown = if text.is_empty() { "(none)" } else { text };
            Span::styled(format!("{name}: {shown}  "), Style::default().fg(theme.dim))
        }
    };
    Line::from(vec![
        field("legend", &state.legend, state.field == Field::Legend),
        field("unit", &state.unit, state.field == Field::Unit),
    ])
}

/// The query's lines, the cursor drawn where it is; or the Ctrl-R search.
fn query_lines<'a>(state: &ExploreState, theme: &Theme) -> Vec<Line<'a>> {
    let text = state.editor.text();
    let cursor = state.editor.cursor();
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let end = start + line.len();
        let shown = if (start..=end).contains(&cursor) {
            format!("{}▏{}", &line[..cursor - start], &line[cursor - start..])
        } else {
            line.to_string()
        };
        lines.push(Line::styled(shown, Style::default().fg(theme.text)));
        start = end + 1;
    }
    if let Some(search) = &state.search {
        lines.push(Line::styled(
            format!("(history search) {}▏", search.needle),
            Style::default().fg(theme.title),
        ));
    }
    lines
}

/// Under the query: the parse error with its column (or that it parses), the HELP/TYPE/unit
/// of the metric under the cursor, and usage hints.
fn check_lines<'a>(state: &ExploreState, theme: &Theme, ctx: &Context) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if let Some(search) = &state.search {
        let found = history::search(ctx.explore_history, &search.needle, search.skip);
        lines.push(Line::styled(
            found.map_or("no match".to_string(), |f| f.replace('\n', " ")),
            Style::default().fg(theme.text),
        ));
        return lines;
    }
    let text = state.editor.text();
    let language = state.language(ctx);
    if text.trim().is_empty() {
        lines.push(Line::styled(
            format!(
                "type {}; completion comes from the datasource",
                language.name()
            ),
            Style::default().fg(theme.dim),
        ));
        return lines;
    }
    if language == Language::LogQL {
        lines.push(logql_check(text, theme));
        return lines;
    }
    let parsed = parse(text);
    match &parsed {
        Err(problem) if !text.contains('\n') => lines.push(Line::styled(
            format!(
                "{}^ column {}: {}",
                " ".repeat(problem.column.saturating_sub(1)),
                problem.column,
                problem.message
            ),
            Style::default().fg(theme.error),
        )),
        Err(problem) => lines.push(Line::styled(
            format!(
                "✗ line {} column {}: {}",
                problem.line, problem.column, problem.message
            ),
            Style::default().fg(theme.error),
        )),
        Ok(_) => lines.push(Line::styled("✓ parses", Style::default().fg(theme.dim))),
    }
    if let Some(metric) = metric_at(text, state.editor.cursor()) {
        lines.push(metadata_line(&metric, theme, ctx));
    }
    if let Ok(expr) = &parsed {
        let hints = usage_hints(&metric_uses(expr), &|m| {
            ctx.completions.metadata(m).cloned()
        });
        for hint in hints.into_iter().take(2) {
            lines.push(Line::styled(
                format!("hint: {hint}"),
                Style::default().fg(theme.warning),
            ));
        }
    }
    lines
}

/// LogQL's parse check: the error under its column, or that it parses and what it answers.
fn logql_check<'a>(text: &str, theme: &Theme) -> Line<'a> {
    match crate::grafana::logql::parse(text) {
        Ok(expr) => Line::styled(
            if expr.is_log_query() {
                "✓ parses (log query → logs)"
            } else {
                "✓ parses (metric query → series)"
            },
            Style::default().fg(theme.dim),
        ),
        Err(problem) => {
            let before = &text[..problem.offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let message = if text.contains('\n') {
                format!("✗ line {line} column {column}: {}", problem.message)
            } else {
                format!(
                    "{}^ column {column}: {}",
                    " ".repeat(column - 1),
                    problem.message
                )
            };
            Line::styled(message, Style::default().fg(theme.error))
        }
    }
}

fn metadata_line<'a>(metric: &str, theme: &Theme, ctx: &Context) -> Line<'a> {
    let Some(info) = ctx.completions.metadata(metric) else {
        return Line::styled(metric.to_string(), Style::default().fg(theme.dim));
    };
    let mut what = vec![info.kind.clone()];
    if !info.unit.is_empty() {
        what.push(info.unit.clone());
    }
    Line::from(vec![
        Span::styled(
            format!("{metric} ({}) ", what.join(", ")),
            Style::default().fg(theme.title),
        ),
        Span::styled(info.help.clone(), Style::default().fg(theme.text)),
    ])
}

/// The completion popup: candidates with what they are, the chosen one reversed.
fn popup_lines<'a>(state: &ExploreState, theme: &Theme, ctx: &Context) -> Vec<Line<'a>> {
    if !state.popup || state.search.is_some() {
        return Vec::new();
    }
    let Some((completion, candidates)) = state.completion(ctx) else {
        return Vec::new();
    };
    if !completion.worth_offering() {
        return Vec::new();
    }
    let request = completion.request();
    if candidates.is_empty() {
        let note = match &request {
            Some(r) if ctx.completions.pending(r) => "asking the datasource…".to_string(),
            Some(r) => match ctx.completions.failure(r) {
                Some(e) => format!("no completion: {e}"),
                None => "no completion".to_string(),
            },
            None => "no completion".to_string(),
        };
        return vec![Line::styled(note, Style::default().fg(theme.dim))];
    }
    let selected = state.selected.min(candidates.len() - 1);
    let first = selected.saturating_sub(POPUP_ROWS - 1);
    let widest = candidates
        .iter()
        .skip(first)
        .take(POPUP_ROWS)
        .map(|c| c.text.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = candidates
        .iter()
        .enumerate()
        .skip(first)
        .take(POPUP_ROWS)
        .map(|(i, c)| {
            let style = if i == selected {
                Style::default()
                    .fg(theme.border_focused)
                    .add_modifier(Modifier::REVERSED)
            } else {
                Style::default().fg(theme.text)
            };
            Line::from(vec![
                Span::styled(format!(" {:<widest$} ", c.text), style),
                Span::styled(format!(" {}", c.detail), Style::default().fg(theme.dim)),
            ])
        })
        .collect();
    if candidates.len() > POPUP_ROWS {
        lines.push(Line::styled(
            format!(" … {} candidates", candidates.len()),
            Style::default().fg(theme.dim),
        ));
    }
    lines
}
