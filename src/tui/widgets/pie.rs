//! Pie chart as a terminal can draw it truthfully: one line per slice, largest first, a bar as
//! long as the slice's share of the total, and the value and percent when the panel labels
//! slices with them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::theme::Theme;
use crate::view::{PieSlice, PieView};

const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

pub fn draw(view: &PieView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if view.slices.is_empty() || area.width < 8 || area.height == 0 {
        return;
    }
    let lines = usize::from(area.height);
    // One line shows the largest slice; more say how many are left out on the last line.
    let (shown, hidden) = if view.slices.len() > lines && lines > 1 {
        (lines - 1, view.slices.len() - lines + 1)
    } else {
        (view.slices.len().min(lines), 0)
    };
    // Labels that leave no room for a bar are cut: the value first, then the percent.
    let widest = |value: bool, percent: bool| {
        view.slices
            .iter()
            .map(|s| label_text(s, value, percent).chars().count())
            .max()
            .unwrap_or(0)
    };
    let room = usize::from(area.width) * 2 / 3;
    let (show_value, show_percent) = [
        (view.show_value, view.show_percent),
        (false, view.show_percent),
        (false, false),
    ]
    .into_iter()
    .find(|(v, p)| widest(*v, *p) < room)
    .unwrap_or((false, false));
    let label = |s: &PieSlice| label_text(s, show_value, show_percent);
    let name_width = view
        .slices
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(usize::from(area.width / 3));
    let label_width = view
        .slices
        .iter()
        .map(|s| label(s).chars().count())
        .max()
        .unwrap_or(0);
    let used = name_width + 1 + if label_width > 0 { label_width + 1 } else { 0 };
    let bar_width = usize::from(area.width).saturating_sub(used);
    for (i, slice) in view.slices.iter().take(shown).enumerate() {
        let y = area.y + i as u16;
        let name: String = slice.name.chars().take(name_width).collect();
        buf.set_string(
            area.x,
            y,
            format!("{name:<name_width$}"),
            Style::default().fg(theme.text),
        );
        let x = area.x + name_width as u16 + 1;
        let eighths = (slice.share.clamp(0.0, 1.0) * (bar_width * 8) as f64).round() as usize;
        let mut bar = if theme.ascii {
            "#".repeat(eighths / 8)
        } else {
            "█".repeat(eighths / 8) + EIGHTHS[eighths % 8]
        };
        if bar.is_empty() && slice.share > 0.0 {
            bar = if theme.ascii { "." } else { "▏" }.into();
        }
        buf.set_string(x, y, &bar, Style::default().fg(theme.data(slice.color)));
        let text = label(slice);
        if !text.is_empty() {
            let lx = area.x + area.width - label_width as u16;
            buf.set_string(
                lx,
                y,
                format!("{text:>label_width$}"),
                Style::default().fg(theme.data(slice.color)),
            );
        }
    }
    if hidden > 0 {
        let rest: f64 = view.slices.iter().skip(shown).map(|s| s.share).sum();
        buf.set_string(
            area.x,
            area.y + shown as u16,
            format!("+{hidden} more slices ({:.0}%)", rest * 100.0),
            Style::default().fg(theme.dim),
        );
    }
}

fn label_text(s: &PieSlice, value: bool, percent: bool) -> String {
    match (value, percent) {
        (true, true) => format!("{} {}", s.text, s.percent_text),
        (true, false) => s.text.clone(),
        (false, true) => s.percent_text.clone(),
        // Without labels the bar alone shows the share, as the arc alone does in Grafana.
        (false, false) => String::new(),
    }
}
