//! Table: a bold header, then rows; numbers right-aligned; coloured cells where the field
//! config asks; columns sized to their content and shrunk to fit.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::tui::theme::Theme;
use crate::view::TableView;

pub fn draw(view: &TableView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if view.headers.is_empty() || area.width < 4 || area.height == 0 {
        return;
    }
    let count = view.headers.len();
    let mut widths: Vec<usize> = view.headers.iter().map(|h| h.chars().count()).collect();
    for row in &view.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.text.chars().count());
        }
    }
    // Shrink the widest columns until everything fits with one space between columns.
    let room = usize::from(area.width).saturating_sub(count.saturating_sub(1));
    while widths.iter().sum::<usize>() > room {
        let Some(widest) = widths
            .iter()
            .enumerate()
            .max_by_key(|(_, w)| **w)
            .map(|(i, _)| i)
        else {
            break;
        };
        if widths[widest] <= 3 {
            break;
        }
        widths[widest] -= 1;
    }
    let fit = |text: &str, width: usize, right: bool| -> String {
        let mut t: String = text.chars().take(width).collect();
        if text.chars().count() > width && width > 1 {
            t = text.chars().take(width - 1).collect::<String>() + "…";
        }
        if right {
            format!("{t:>width$}")
        } else {
            format!("{t:<width$}")
        }
    };
    let mut x = area.x;
    for (i, header) in view.headers.iter().enumerate() {
        let right = view.numeric.get(i).copied().unwrap_or(false);
        buf.set_string(
            x,
            area.y,
            fit(header, widths[i], right),
            Style::default()
                .fg(theme.title)
                .add_modifier(Modifier::BOLD),
        );
        x += widths[i] as u16 + 1;
    }
    for (r, row) in view
        .rows
        .iter()
        .take(usize::from(area.height.saturating_sub(1)))
        .enumerate()
    {
        let y = area.y + 1 + r as u16;
        let mut x = area.x;
        for (i, cell) in row.iter().enumerate().take(count) {
            let right = view.numeric.get(i).copied().unwrap_or(false);
            let style =
                Style::default().fg(cell.color.map(|c| theme.data(c)).unwrap_or(theme.text));
            buf.set_string(x, y, fit(&cell.text, widths[i], right), style);
            x += widths[i] as u16 + 1;
        }
    }
    let hidden = view
        .rows
        .len()
        .saturating_sub(usize::from(area.height.saturating_sub(1)));
    if hidden > 0 && area.width > 12 {
        let note = format!(" +{hidden} rows ");
        buf.set_string(
            area.x + area.width - note.chars().count() as u16,
            area.y + area.height - 1,
            note,
            Style::default().fg(theme.dim),
        );
    }
}
