//! Heatmap: one row of colour per bucket (two buckets per terminal line with `▀`), time across,
//! colour by count on the theme's colour-blind-safe scale (viridis or cividis), bucket bounds on
//! the left. Without colour, or in ASCII, each cell shows the busier of its two buckets as a
//! density glyph instead, so the distribution still reads.

use chrono::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;
use crate::view::HeatmapView;

pub fn draw(view: &HeatmapView, area: Rect, buf: &mut Buffer, theme: &Theme, cursor: Option<f64>) {
    let label_width = view
        .bucket_labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(12) as u16
        + 1;
    if area.width <= label_width + 2
        || area.height < 2
        || view.counts.is_empty()
        || view.times.is_empty()
    {
        return;
    }
    let axis = u16::from(area.height >= 4);
    let plot = Rect {
        x: area.x + label_width,
        width: area.width - label_width,
        height: area.height - axis,
        ..area
    };
    draw_cells(view, plot, buf, theme);
    draw_bucket_labels(view, area.x, plot, label_width, buf, theme);
    if axis == 1 {
        draw_time_axis(view, area.y + area.height - 1, plot, buf, theme);
    }
    if let Some(cursor) = cursor {
        draw_cursor(view, plot, cursor, buf, theme);
    }
}

/// Which bucket a half-line slot of the plot shows (slot 0 at the bottom).
fn bucket_of(view: &HeatmapView, plot: Rect, slot: usize) -> usize {
    let buckets = view.counts.len();
    let slots = usize::from(plot.height) * 2;
    (slot * buckets / slots).min(buckets - 1)
}

/// Every cell of the plot: two buckets per line as `▀` in their colours, or the busier one's
/// density glyph without colour or in ASCII.
fn draw_cells(view: &HeatmapView, plot: Rect, buf: &mut Buffer, theme: &Theme) {
    // Square-root scale, as Grafana's exponential 0.5: small counts stay visible.
    let level = |count: f64| -> Option<f64> {
        (count > 0.0 && view.max > 0.0).then(|| (count / view.max).sqrt().min(1.0))
    };
    let colour_of = |count: f64| level(count).map(|t| theme.scale_colour(t));
    let density: &[&str] = if theme.ascii {
        &[".", ":", "-", "=", "+", "*", "#", "%", "@"]
    } else {
        &["░", "░", "▒", "▒", "▓", "▓", "█", "█", "█"]
    };
    let glyphs = theme.ascii || !theme.colour;
    let times = view.times.len();
    for col in 0..plot.width {
        let t = usize::from(col) * times / usize::from(plot.width);
        for line in 0..plot.height {
            let lower_slot = usize::from(plot.height - 1 - line) * 2;
            let lower = view.counts[bucket_of(view, plot, lower_slot)]
                .get(t)
                .copied()
                .unwrap_or(0.0);
            let upper = view.counts[bucket_of(view, plot, lower_slot + 1)]
                .get(t)
                .copied()
                .unwrap_or(0.0);
            let cell = &mut buf[(plot.x + col, plot.y + line)];
            if glyphs {
                let busier = upper.max(lower);
                if let Some(t) = level(busier) {
                    let i = ((t * density.len() as f64).ceil() as usize).clamp(1, density.len());
                    cell.set_symbol(density[i - 1]);
                    cell.set_fg(theme.scale_colour(t));
                }
                continue;
            }
            match (colour_of(upper), colour_of(lower)) {
                (None, None) => {}
                (up, low) => {
                    cell.set_symbol("▀");
                    cell.set_fg(up.unwrap_or(theme.background));
                    cell.set_bg(low.unwrap_or(theme.background));
                }
            }
        }
    }
}

/// Bucket bounds left of the plot, from column `x`: the top, the bottom and some between.
fn draw_bucket_labels(
    view: &HeatmapView,
    x: u16,
    plot: Rect,
    label_width: u16,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let step = (plot.height / 4).max(1);
    let mut line = 0;
    let mut last_bucket = None;
    while line < plot.height {
        let slot = usize::from(plot.height - 1 - line) * 2 + 1;
        let bucket = bucket_of(view, plot, slot);
        // One label per bucket, even when a bucket spans several lines.
        if last_bucket == Some(bucket) {
            line += step;
            continue;
        }
        last_bucket = Some(bucket);
        let label: String = view.bucket_labels[bucket]
            .chars()
            .take(usize::from(label_width - 1))
            .collect();
        buf.set_string(
            x,
            plot.y + line,
            format!("{label:>w$}", w = usize::from(label_width - 1)),
            Style::default().fg(theme.dim),
        );
        line += step;
    }
}

/// Three local times along line `y` under the plot: start, middle and end.
fn draw_time_axis(view: &HeatmapView, y: u16, plot: Rect, buf: &mut Buffer, theme: &Theme) {
    let (x0, x1) = view.x_range;
    for (i, position) in [0u16, plot.width / 2, plot.width.saturating_sub(5)]
        .into_iter()
        .enumerate()
    {
        let ms = x0 + (x1 - x0) * i as f64 / 2.0;
        let label = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms as i64)
            .map(|t| {
                chrono::Local
                    .from_utc_datetime(&t.naive_utc())
                    .format("%H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        buf.set_string(plot.x + position, y, label, Style::default().fg(theme.dim));
    }
}

/// Fullscreen tooltip: a line at the cursor's column and a box with the time and each
/// bucket's count there (highest bucket first, as the rows are drawn).
fn draw_cursor(view: &HeatmapView, plot: Rect, cursor: f64, buf: &mut Buffer, theme: &Theme) {
    let times = view.times.len();
    if plot.width < 2 || plot.height < 3 || times == 0 {
        return;
    }
    let offset = ((f64::from(plot.width) - 1.0) * cursor.clamp(0.0, 1.0)).round() as u16;
    let column = plot.x + offset;
    // The same column-to-time mapping the cells use, so the box reads the column it marks.
    let t = (usize::from(offset) * times / usize::from(plot.width)).min(times - 1);
    for y in plot.y..plot.y + plot.height {
        buf[(column, y)]
            .set_symbol(if theme.ascii { "|" } else { "│" })
            .set_fg(theme.title)
            .set_bg(theme.background);
    }
    let time = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(view.times[t] as i64)
        .map(|d| {
            chrono::Local
                .from_utc_datetime(&d.naive_utc())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    let mut lines = vec![Line::styled(time, Style::default().fg(theme.title))];
    let room = usize::from(plot.height.saturating_sub(3));
    let buckets: Vec<usize> = (0..view.counts.len()).rev().collect();
    let shown = if buckets.len() > room {
        room.saturating_sub(1)
    } else {
        buckets.len()
    };
    for &b in buckets.iter().take(shown) {
        let count = view.counts[b].get(t).copied().unwrap_or(0.0);
        lines.push(Line::from(vec![
            Span::styled(
                format!("≤ {:<8} ", view.bucket_labels[b]),
                Style::default().fg(theme.text),
            ),
            Span::styled(count_text(count), Style::default().fg(theme.title)),
        ]));
    }
    if shown < buckets.len() {
        lines.push(Line::styled(
            format!("+{} lower buckets", buckets.len() - shown),
            Style::default().fg(theme.dim),
        ));
    }
    super::draw_cursor_box(lines, plot, column, buf, theme);
}

fn count_text(count: f64) -> String {
    if count.fract() == 0.0 {
        format!("{count:.0}")
    } else {
        format!("{count:.2}")
    }
}
