//! Log lines: a logs panel's rows, and the line format and level colours the drill-down logs
//! pane shares with it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::data::logs::LogLevel;
use crate::tui::theme::Theme;
use crate::view::LogsView;

/// The colour of a line's text by its level: errors and worse red, warnings amber, debug and
/// trace dim, the rest plain.
pub(crate) fn level_style(level: LogLevel, theme: &Theme) -> Style {
    match level {
        LogLevel::Critical => Style::default()
            .fg(theme.error)
            .add_modifier(Modifier::BOLD),
        LogLevel::Error => Style::default().fg(theme.error),
        LogLevel::Warning => Style::default().fg(theme.warning),
        LogLevel::Debug | LogLevel::Trace => Style::default().fg(theme.dim),
        LogLevel::Info | LogLevel::Unknown => Style::default().fg(theme.text),
    }
}

/// One log line as the pane and the panels draw it: dim leading columns (time, source, a
/// duplicate count), then the text in its level's colour (the last span).
pub(crate) fn log_line(
    columns: &[String],
    text: &str,
    level: LogLevel,
    theme: &Theme,
) -> Line<'static> {
    let dim = Style::default().fg(theme.dim);
    let mut spans: Vec<Span<'static>> = columns
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| Span::styled(format!("{c} "), dim))
        .collect();
    spans.push(Span::styled(text.to_string(), level_style(level, theme)));
    Line::from(spans)
}

/// A logs panel: as many rows as fit, in the view's order; long lines wrap when the panel
/// says so (`wrapLogMessage`), else they are cut at the edge.
pub fn draw(view: &LogsView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let lines: Vec<Line<'static>> = view
        .rows
        .iter()
        .take(usize::from(area.height))
        .map(|row| {
            let time = if view.show_time {
                row.time.clone()
            } else {
                String::new()
            };
            let count = if row.duplicates > 0 {
                format!("{}x", row.duplicates + 1)
            } else {
                String::new()
            };
            log_line(&[time, count], &row.line, row.level, theme)
        })
        .collect();
    let paragraph = Paragraph::new(lines);
    if view.wrap {
        paragraph.wrap(Wrap { trim: false }).render(area, buf);
    } else {
        paragraph.render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::LogRow;

    #[test]
    fn rows_show_time_count_and_level_colour() {
        let theme = Theme::grafana_dark();
        let view = LogsView {
            rows: vec![LogRow {
                time: "2026-01-01 00:00:00.000".into(),
                level: LogLevel::Error,
                line: "level=error boom".into(),
                duplicates: 2,
                ..LogRow::default()
            }],
            show_time: true,
            ..LogsView::default()
        };
        let area = Rect::new(0, 0, 60, 2);
        let mut buf = Buffer::empty(area);
        draw(&view, area, &mut buf, &theme);
        let first: String = (0..60).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert!(
            first.starts_with("2026-01-01 00:00:00.000 3x level=error boom"),
            "{first}"
        );
        assert_eq!(buf[(27, 0)].fg, theme.error);
        assert_eq!(buf[(0, 0)].fg, theme.dim);
    }
}
