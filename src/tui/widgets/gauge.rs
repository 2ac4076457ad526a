//! Gauge and bar gauge: per value its name, a bar filled to its place between min and max,
//! and the value (with its state in words). Bar gauges draw Grafana's display modes: `basic`
//! (one colour, the value's), `gradient` (each cell in the colour of the threshold step it lies
//! in, so the bar runs through the steps up to the value) and `lcd` (separate segments, lit in
//! their step's colour); `showUnfilled` decides whether the empty rest shows. Bars run across,
//! or up when `orientation: vertical` (or `auto`, a bar gauge's default, in a panel wider than tall). A gauge adds its min and max under the bar and marks
//! where each threshold step starts.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::theme::Theme;
use crate::view::{GaugeItem, GaugeMode, GaugeView, Rgb};

const UP_EIGHTHS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

pub fn draw(view: &GaugeView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if view.items.is_empty() || area.width < 6 || area.height == 0 {
        return;
    }
    if view.orientation.is_vertical(area.width, area.height) && area.height >= 4 {
        draw_vertical(view, area, buf, theme);
    } else {
        draw_horizontal(view, area, buf, theme);
    }
}

/// Colour of the cell at `position` (0..1 along the bar) for the view's mode.
fn cell_colour(view: &GaugeView, item: &GaugeItem, position: f64) -> Rgb {
    match view.mode {
        GaugeMode::Basic => item.color,
        GaugeMode::Gradient | GaugeMode::Lcd => view
            .scale
            .iter()
            .rev()
            .find(|(from, _)| *from <= position)
            .map_or(item.color, |(_, c)| *c),
    }
}

fn glyphs(view: &GaugeView, theme: &Theme) -> (&'static str, &'static str) {
    match (view.mode, theme.ascii) {
        (_, true) => ("#", if view.show_unfilled { "." } else { " " }),
        (GaugeMode::Lcd, false) => ("▮", if view.show_unfilled { "▯" } else { " " }),
        (_, false) => ("█", if view.show_unfilled { "░" } else { " " }),
    }
}

fn draw_horizontal(view: &GaugeView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let per_item = (area.height / view.items.len() as u16).max(1);
    let show_names = view.items.len() > 1 && per_item >= 2;
    let scale_line = view.min_max.is_some() && per_item >= 2 + u16::from(show_names);
    let (full, empty) = glyphs(view, theme);
    let widest_label = view
        .items
        .iter()
        .map(|item| label_of(item).chars().count() as u16)
        .max()
        .unwrap_or(0)
        .min(area.width / 2);
    for (i, item) in view.items.iter().enumerate() {
        let top = area.y + i as u16 * per_item;
        if top >= area.y + area.height {
            break;
        }
        let used = 1 + u16::from(show_names) + u16::from(scale_line);
        let mut y = top + per_item.saturating_sub(used) / 2;
        if show_names {
            let name: String = item.name.chars().take(usize::from(area.width)).collect();
            buf.set_string(area.x, y, name, Style::default().fg(theme.dim));
            y += 1;
        }
        let label = label_of(item);
        // Every bar as wide as the narrowest, so bars of one panel share a scale.
        let label_width = widest_label.max(label.chars().count() as u16);
        let bar_width = area.width.saturating_sub(label_width).max(1);
        let filled = ((f64::from(bar_width) * item.fraction).round() as u16).min(bar_width);
        for c in 0..bar_width {
            let position = (f64::from(c) + 0.5) / f64::from(bar_width);
            let (symbol, colour) = if c < filled {
                (full, theme.data(cell_colour(view, item, position)))
            } else {
                (empty, theme.dim)
            };
            buf[(area.x + c, y)].set_symbol(symbol).set_fg(colour);
        }
        let own_width = label.chars().count() as u16;
        if own_width < area.width {
            let colour = theme.data(item.color);
            let x = area.x + area.width - own_width;
            buf.set_string(x, y, label, Style::default().fg(colour));
        }
        if scale_line && let Some((min, max)) = &view.min_max {
            draw_scale(
                view,
                min,
                max,
                Rect {
                    x: area.x,
                    y: y + 1,
                    width: bar_width,
                    height: 1,
                },
                buf,
                theme,
            );
        }
    }
}

fn label_of(item: &GaugeItem) -> String {
    match &item.state {
        Some(state) => format!(" {} {state}", item.text),
        None => format!(" {}", item.text),
    }
}

/// Under a gauge's bar: min at the left, max at the right, a marker where each step starts.
fn draw_scale(view: &GaugeView, min: &str, max: &str, line: Rect, buf: &mut Buffer, theme: &Theme) {
    let dim = Style::default().fg(theme.dim);
    let markers: Vec<(u16, Rgb)> = if view.threshold_markers {
        view.scale
            .iter()
            .filter(|(f, _)| *f > 0.0 && *f < 1.0)
            .map(|(from, colour)| {
                (
                    line.x + (from * f64::from(line.width)).round() as u16,
                    *colour,
                )
            })
            .filter(|(x, _)| *x < line.x + line.width)
            .collect()
    } else {
        Vec::new()
    };
    // Min and max only where no marker sits, so neither hides the other.
    let clear = |from: u16, len: u16| markers.iter().all(|(x, _)| *x < from || *x >= from + len);
    let (min_len, max_len) = (min.chars().count() as u16, max.chars().count() as u16);
    if line.width > min_len + max_len + 1 {
        if clear(line.x, min_len + 1) {
            buf.set_string(line.x, line.y, min, dim);
        }
        let max_x = line.x + line.width - max_len;
        if clear(max_x - 1, max_len + 1) {
            buf.set_string(max_x, line.y, max, dim);
        }
    }
    let marker = if theme.ascii { "^" } else { "▲" };
    for (x, colour) in markers {
        buf.set_string(x, line.y, marker, Style::default().fg(theme.data(colour)));
    }
}

fn draw_vertical(view: &GaugeView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let n = view.items.len() as u16;
    let slot = (area.width / n).max(1);
    let shown = usize::from((area.width / slot).min(n));
    // Value on top, name at the bottom, the bar in between.
    let bar_height = area.height - 2;
    let (full, empty) = glyphs(view, theme);
    for (i, item) in view.items.iter().take(shown).enumerate() {
        let x = area.x + i as u16 * slot;
        let bar_width = slot.saturating_sub(1).clamp(1, 8);
        let bar_x = x + (slot.saturating_sub(bar_width)) / 2;
        let text: String = item.text.chars().take(usize::from(slot)).collect();
        let text_x = x + slot.saturating_sub(text.chars().count() as u16) / 2;
        buf.set_string(
            text_x,
            area.y,
            text,
            Style::default().fg(theme.data(item.color)),
        );
        let name: String = item
            .name
            .chars()
            .take(usize::from(slot.saturating_sub(1).max(1)))
            .collect();
        let name_x = x + slot.saturating_sub(name.chars().count() as u16) / 2;
        buf.set_string(
            name_x,
            area.y + area.height - 1,
            name,
            Style::default().fg(theme.dim),
        );
        let eighths = (item.fraction * f64::from(bar_height) * 8.0).round() as u16;
        for row in 0..bar_height {
            let y = area.y + area.height - 2 - row;
            let position = (f64::from(row) + 0.5) / f64::from(bar_height);
            let lit = eighths.saturating_sub(row * 8).min(8);
            let (symbol, colour) = match (lit, view.mode, theme.ascii) {
                (0, _, _) => (empty, theme.dim),
                (_, GaugeMode::Lcd, _) | (_, _, true) => {
                    (full, theme.data(cell_colour(view, item, position)))
                }
                (lit, _, false) => (
                    UP_EIGHTHS[usize::from(lit)],
                    theme.data(cell_colour(view, item, position)),
                ),
            };
            for k in 0..bar_width {
                buf[(bar_x + k, y)].set_symbol(symbol).set_fg(colour);
            }
        }
    }
}
