//! The dashboard switcher (`d`): the session's dashboards filtered by title as you type.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::chrome::{draw_box, selectable};
use super::{Context, Effect};
use crate::tui::theme::Theme;

pub(super) fn key(filter: &mut String, cursor: &mut usize, code: KeyCode, ctx: &Context) -> Effect {
    let matches = filter_titles(ctx.dashboards, filter);
    match code {
        KeyCode::Up => *cursor = cursor.saturating_sub(1),
        KeyCode::Down => *cursor = (*cursor + 1).min(matches.len().saturating_sub(1)),
        KeyCode::Backspace => {
            filter.pop();
            *cursor = 0;
        }
        KeyCode::Char(c) => {
            filter.push(c);
            *cursor = 0;
        }
        KeyCode::Enter => {
            if let Some(&index) = matches.get(*cursor) {
                return Effect::SwitchDashboard(index);
            }
        }
        _ => {}
    }
    Effect::None
}

pub(super) fn draw(
    filter: &str,
    cursor: usize,
    dashboards: &[String],
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let mut lines = vec![Line::from(vec![
        Span::styled(" filter: ", Style::default().fg(theme.dim)),
        Span::styled(format!("{filter}▏"), Style::default().fg(theme.text)),
    ])];
    let matches = filter_titles(dashboards, filter);
    let visible = (area.height as usize).saturating_sub(6).max(3);
    let start = cursor.saturating_sub(visible - 1);
    for (i, &index) in matches.iter().enumerate().skip(start).take(visible) {
        lines.push(selectable(&dashboards[index], i == cursor, theme));
    }
    draw_box(
        &format!(" dashboards ({}) ", dashboards.len()),
        lines,
        70,
        area,
        buf,
        theme,
    );
}

/// Indices of the titles containing the filter (case-insensitive).
fn filter_titles(titles: &[String], filter: &str) -> Vec<usize> {
    let needle = filter.to_lowercase();
    (0..titles.len())
        .filter(|&i| titles[i].to_lowercase().contains(&needle))
        .collect()
}
