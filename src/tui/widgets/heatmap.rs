//! Heatmap: one row of colour per bucket (two buckets per terminal line with `▀`), time across,
//! colour by count on the theme's colour-blind-safe scale (viridis or cividis), bucket bounds on
//! the left. Without colour, or in ASCII, each cell shows the busier of its two buckets as a
//! density glyph instead, so the distribution still reads.

use chrono::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::theme::Theme;
use crate::view::HeatmapView;

pub fn draw(view: &HeatmapView, area: Rect, buf: &mut Buffer, theme: &Theme) {
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
    let buckets = view.counts.len();
    let slots = usize::from(plot.height) * 2;
    // Which bucket a half-line slot shows (slot 0 at the bottom).
    let bucket_of = |slot: usize| (slot * buckets / slots).min(buckets - 1);
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
            let lower = view.counts[bucket_of(lower_slot)]
                .get(t)
                .copied()
                .unwrap_or(0.0);
            let upper = view.counts[bucket_of(lower_slot + 1)]
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
    // Bucket bounds on the left: the top, the bottom and some between.
    let step = (plot.height / 4).max(1);
    let mut line = 0;
    let mut last_bucket = None;
    while line < plot.height {
        let slot = usize::from(plot.height - 1 - line) * 2 + 1;
        let bucket = bucket_of(slot);
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
            area.x,
            plot.y + line,
            format!("{label:>w$}", w = usize::from(label_width - 1)),
            Style::default().fg(theme.dim),
        );
        line += step;
    }
    if axis == 1 {
        let y = area.y + area.height - 1;
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
}
