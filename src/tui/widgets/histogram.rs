//! Histogram: a vertical bar per bucket (buckets grouped when there are more than columns),
//! several series stacked, counts on the left and bucket bounds below.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::theme::Theme;
use crate::view::HistogramView;

const EIGHTHS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
const FILLS: [&str; 4] = ["█", "▓", "▒", "░"];

pub fn draw(view: &HistogramView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let buckets = view.bucket_starts.len();
    if buckets == 0 || area.width < 8 || area.height < 3 {
        return;
    }
    let legend = u16::from(view.series.len() > 1 && area.height >= 6);
    let top_label = format_count(view.max_count);
    let label_width = top_label.chars().count().max(1) as u16;
    let plot = Rect {
        x: area.x + label_width + 1,
        y: area.y,
        width: area.width.saturating_sub(label_width + 1),
        height: area.height - 1 - legend,
    };
    if plot.width == 0 || plot.height == 0 {
        return;
    }
    let dim = Style::default().fg(theme.dim);
    buf.set_string(
        area.x,
        plot.y,
        format!("{top_label:>w$}", w = usize::from(label_width)),
        dim,
    );
    buf.set_string(
        area.x,
        plot.y + plot.height - 1,
        format!("{:>w$}", "0", w = usize::from(label_width)),
        dim,
    );
    let groups = Groups::new(buckets, usize::from(plot.width));
    draw_bars(view, plot, &groups, buf, theme);
    draw_bounds(view, plot, &groups, buf, dim);
    if legend > 0 {
        draw_legend(view, area, buf, theme);
    }
}

/// How buckets share the plot's columns: columns per bucket, or buckets per column when
/// buckets outnumber columns.
struct Groups {
    buckets: usize,
    columns: usize,
    /// Columns each group is drawn across.
    per_bucket: usize,
    /// Groups of buckets, one bar each.
    count: usize,
}

impl Groups {
    fn new(buckets: usize, columns: usize) -> Self {
        Groups {
            buckets,
            columns,
            per_bucket: (columns / buckets).max(1),
            count: if buckets > columns { columns } else { buckets },
        }
    }

    /// Each series' count over the buckets of group `g`.
    fn counts(&self, view: &HistogramView, g: usize) -> Vec<f64> {
        let (buckets, columns) = (self.buckets, self.columns);
        let (from, to) = if buckets > columns {
            (
                g * buckets / columns,
                ((g + 1) * buckets / columns).max(g * buckets / columns + 1),
            )
        } else {
            (g, g + 1)
        };
        view.series
            .iter()
            .map(|s| s.counts[from..to.min(buckets)].iter().sum())
            .collect()
    }
}

/// A bar per group, its series stacked bottom up, in eighths of a line.
fn draw_bars(view: &HistogramView, plot: Rect, groups: &Groups, buf: &mut Buffer, theme: &Theme) {
    let max = (0..groups.count)
        .map(|g| groups.counts(view, g).iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1.0);
    let height8 = f64::from(plot.height) * 8.0;
    let per_bucket = groups.per_bucket;
    let gap = usize::from(per_bucket >= 3);
    for g in 0..groups.count {
        let counts = groups.counts(view, g);
        let total: f64 = counts.iter().sum();
        if total <= 0.0 {
            continue;
        }
        let total8 = (total / max * height8).round().max(1.0) as usize;
        // Cumulative heights (in eighths) where each series ends, bottom up.
        let mut ends = Vec::with_capacity(counts.len());
        let mut acc = 0.0;
        for c in &counts {
            acc += c;
            ends.push(acc / max * height8);
        }
        for cell in 0..usize::from(plot.height) {
            let bottom8 = cell * 8;
            if bottom8 >= total8 {
                break;
            }
            let filled = (total8 - bottom8).min(8);
            let middle = bottom8 as f64 + 4.0;
            let series = ends
                .iter()
                .position(|e| middle < *e)
                .unwrap_or(counts.len() - 1);
            let symbol = if filled < 8 {
                if theme.ascii { "." } else { EIGHTHS[filled] }
            } else if theme.colour {
                "█"
            } else if theme.ascii {
                "#"
            } else {
                FILLS[series % FILLS.len()]
            };
            let y = plot.y + plot.height - 1 - cell as u16;
            for k in 0..per_bucket.saturating_sub(gap).max(1) {
                let x = plot.x + (g * per_bucket + k) as u16;
                if x >= plot.x + plot.width {
                    break;
                }
                buf[(x, y)]
                    .set_symbol(symbol)
                    .set_fg(theme.data(view.series[series].color));
            }
        }
    }
}

/// Bucket bounds under the bars: the first lower, the middle and the last upper bound.
fn draw_bounds(view: &HistogramView, plot: Rect, groups: &Groups, buf: &mut Buffer, dim: Style) {
    let y = plot.y + plot.height;
    let drawn = (groups.count * groups.per_bucket).min(groups.columns) as u16;
    if let [first, mid, last] = &view.x_labels[..] {
        buf.set_string(plot.x, y, first, dim);
        let last_len = last.chars().count() as u16;
        let first_len = first.chars().count() as u16;
        if drawn > first_len + last_len + 1 {
            buf.set_string(plot.x + drawn - last_len, y, last, dim);
        }
        let mid_len = mid.chars().count() as u16;
        if drawn > first_len + last_len + mid_len + 4 {
            buf.set_string(plot.x + (drawn - mid_len) / 2, y, mid, dim);
        }
    }
}

/// Series names with their swatches on the area's last line, as many as fit.
fn draw_legend(view: &HistogramView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let y = area.y + area.height - 1;
    let mut x = area.x;
    for (i, s) in view.series.iter().enumerate() {
        let width = s.name.chars().count() as u16 + 4;
        if x + width > area.x + area.width {
            break;
        }
        let swatch = if theme.colour {
            "█"
        } else {
            FILLS[i % FILLS.len()]
        };
        buf.set_string(x, y, swatch, Style::default().fg(theme.data(s.color)));
        buf.set_string(x + 2, y, &s.name, Style::default().fg(theme.text));
        x += width;
    }
}

fn format_count(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}
