//! The key list (`?`): every binding of the keymap, then how pickers take keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::chrome::draw_box;
use crate::tui::keymap::KEYMAP;
use crate::tui::theme::Theme;

pub(super) fn draw(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let lines = KEYMAP
        .iter()
        .map(|b| key_line(b.keys, b.help, theme))
        .chain([
            Line::raw(""),
            Line::styled(
                "  In pickers: type to filter, space selects (multi), Enter applies, Esc closes",
                Style::default().fg(theme.dim),
            ),
        ])
        .collect();
    draw_box(" keys ", lines, 78, area, buf, theme);
}

fn key_line<'a>(keys: &'a str, help: &'a str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!("{keys:>14}  "),
            Style::default()
                .fg(theme.title)
                .add_modifier(Modifier::BOLD),
        ),
        Span::styled(help, Style::default().fg(theme.text)),
    ])
}
