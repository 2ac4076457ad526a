//! Gauge and bar gauge: per value a line with its name, a bar filled in the threshold colour to
//! its place between min and max, and the value (with its state in words).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::theme::Theme;
use crate::view::GaugeView;

pub fn draw(view: &GaugeView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if view.items.is_empty() || area.width < 6 || area.height == 0 {
        return;
    }
    let per_item = (area.height / view.items.len() as u16).max(1);
    let show_names = view.items.len() > 1 && per_item >= 2;
    for (i, item) in view.items.iter().enumerate() {
        let top = area.y + i as u16 * per_item;
        if top >= area.y + area.height {
            break;
        }
        let mut y = top + (per_item.saturating_sub(if show_names { 2 } else { 1 })) / 2;
        if show_names {
            let name: String = item.name.chars().take(usize::from(area.width)).collect();
            buf.set_string(area.x, y, name, Style::default().fg(theme.dim));
            y += 1;
        }
        let label = match &item.state {
            Some(state) => format!(" {} {state}", item.text),
            None => format!(" {}", item.text),
        };
        let label_width = label.chars().count() as u16;
        let bar_width = area.width.saturating_sub(label_width).max(1);
        let filled = ((f64::from(bar_width) * item.fraction).round() as u16).min(bar_width);
        let colour = theme.data(item.color);
        let bar: String =
            "█".repeat(usize::from(filled)) + &"░".repeat(usize::from(bar_width - filled));
        buf.set_string(area.x, y, &bar[..], Style::default().fg(colour));
        if label_width < area.width {
            buf.set_string(area.x + bar_width, y, label, Style::default().fg(colour));
        }
    }
}
