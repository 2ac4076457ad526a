//! A panel that shows a message instead of data.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::tui::theme::Theme;
use crate::view::MessageKind;

pub fn draw(kind: MessageKind, text: &str, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let colour = match kind {
        MessageKind::Error => theme.error,
        MessageKind::Unsupported => theme.warning,
        MessageKind::Loading | MessageKind::NoData => theme.dim,
    };
    let lines = text.lines().count().max(1) as u16;
    let top = area.y + area.height.saturating_sub(lines) / 2;
    let area = Rect {
        y: top,
        height: area.height - (top - area.y),
        ..area
    };
    Paragraph::new(text.to_string())
        .style(Style::default().fg(colour))
        .alignment(if text.len() as u16 <= area.width {
            Alignment::Center
        } else {
            Alignment::Left
        })
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
