//! The framed, centred box every overlay draws in, and the highlighted row of its lists.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget};

use crate::tui::theme::Theme;

/// A list row, reversed when it is the one the cursor is on.
pub(super) fn selectable<'a>(text: &str, selected: bool, theme: &Theme) -> Line<'a> {
    let style = if selected {
        Style::default()
            .fg(theme.border_focused)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::default().fg(theme.text)
    };
    Line::styled(format!(" {text} "), style)
}

pub(super) fn frame<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .title(title)
        .border_style(Style::default().fg(theme.border_focused))
}

/// A `width` × `height` rectangle in the middle of `area`, shrunk to fit it.
pub(super) fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Clear a centred box as tall as `lines` and draw them in it under `title`.
pub(super) fn draw_box(
    title: &str,
    lines: Vec<Line>,
    width: u16,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let rect = centred(area, width, lines.len() as u16 + 2);
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .block(frame(title, theme))
        .render(rect, buf);
}
