//! Each panel body as vectors: stats as text, gauges as arcs, bar gauges and histograms as
//! bars, heatmaps and state timelines as rectangles, pies as slices, tables as text grids.

use std::f64::consts::PI;
use std::fmt::Write;

use super::canvas::{ADVANCE, Anchor, Canvas, columns, fit};
use super::{BORDER, DIM, ERROR, PANEL, TEXT, chart};
use crate::grafana::colors::yl_rd;
use crate::view::{
    BarOrientation, GaugeMode, GaugeView, HeatmapView, HistogramView, MessageKind, PanelBody,
    PieView, Rgb, ShowValues, StatColorMode, StatView, StatesView, TableView,
};

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Area {
    /// The area split into `n` equal cells, side by side when wide, stacked when tall.
    fn cells(self, n: usize) -> Vec<Area> {
        let n = n.max(1);
        let rows = ((n as f64 * self.h / self.w.max(1.0)).sqrt().round() as usize).clamp(1, n);
        let cols = n.div_ceil(rows);
        let (w, h) = (self.w / cols as f64, self.h / rows as f64);
        (0..n)
            .map(|i| Area {
                x: self.x + (i % cols) as f64 * w,
                y: self.y + (i / cols) as f64 * h,
                w,
                h,
            })
            .collect()
    }
}

/// Columns of text of `size` px that fit in `width` px.
fn fits(width: f64, size: f64) -> usize {
    (width / (size * ADVANCE)).max(0.0) as usize
}

pub fn draw(canvas: &mut Canvas, body: &PanelBody, area: Area) {
    if area.w < 4.0 || area.h < 4.0 {
        return;
    }
    match body {
        PanelBody::TimeSeries(view) => chart::draw(canvas, view, area),
        PanelBody::Stat(view) => stat(canvas, view, area),
        PanelBody::Gauge(view) if view.min_max.is_some() => gauge(canvas, view, area),
        PanelBody::Gauge(view) => bar_gauge(canvas, view, area),
        PanelBody::Table(view) => table(canvas, view, area),
        PanelBody::Heatmap(view) => heatmap(canvas, view, area),
        PanelBody::States(view) => states(canvas, view, area),
        PanelBody::Pie(view) => pie(canvas, view, area),
        PanelBody::Histogram(view) => histogram(canvas, view, area),
        PanelBody::Logs(view) => logs(canvas, view, area),
        PanelBody::Text(lines) => {
            for (i, line) in lines.iter().take((area.h / 16.0) as usize).enumerate() {
                let at = (area.x, area.y + 13.0 + i as f64 * 16.0);
                canvas.text(
                    at,
                    12.0,
                    TEXT,
                    Anchor::Start,
                    &fit(line, fits(area.w, 12.0)),
                );
            }
        }
        PanelBody::Message { kind, text } => {
            let colour = if *kind == MessageKind::Error {
                ERROR
            } else {
                DIM
            };
            let at = (area.x + area.w / 2.0, area.y + area.h / 2.0);
            canvas.text(
                at,
                13.0,
                colour,
                Anchor::Middle,
                &fit(text, fits(area.w, 13.0)),
            );
        }
    }
}

/// A logs panel: one line per row in the order drawn, its time first when asked, in the
/// colour of its level (Grafana's logs panel marks levels the same way).
fn logs(canvas: &mut Canvas, view: &crate::view::LogsView, area: Area) {
    use crate::data::logs::LogLevel;
    for (i, row) in view.rows.iter().take((area.h / 16.0) as usize).enumerate() {
        let colour = match row.level {
            LogLevel::Critical | LogLevel::Error => ERROR,
            LogLevel::Warning => Rgb(0xff, 0x98, 0x30),
            LogLevel::Info | LogLevel::Unknown => TEXT,
            LogLevel::Debug | LogLevel::Trace => DIM,
        };
        let text = if view.show_time {
            format!("{} {}", row.time, row.line)
        } else {
            row.line.clone()
        };
        let at = (area.x, area.y + 13.0 + i as f64 * 16.0);
        canvas.text(
            at,
            12.0,
            colour,
            Anchor::Start,
            &fit(&text, fits(area.w, 12.0)),
        );
    }
}

/// The largest font size (up to `max`) at which `text` fits `width` px.
fn size_to_fit(text: &str, width: f64, max: f64) -> f64 {
    let cols = columns(text).max(1) as f64;
    (width / (cols * ADVANCE)).min(max).max(8.0)
}

fn stat(canvas: &mut Canvas, view: &StatView, area: Area) {
    for (value, cell) in view.values.iter().zip(area.cells(view.values.len())) {
        let colour = value.color.unwrap_or(TEXT);
        let text_colour = match view.color_mode {
            StatColorMode::Background => {
                canvas.rect(
                    cell.x + 2.0,
                    cell.y + 2.0,
                    cell.w - 4.0,
                    cell.h - 4.0,
                    colour,
                    " rx=\"2\"",
                );
                Rgb(255, 255, 255)
            }
            StatColorMode::Value => colour,
            StatColorMode::None => TEXT,
        };
        if view.sparkline && value.sparkline.len() > 1 {
            sparkline(canvas, &value.sparkline, cell, colour);
        }
        let mut y = cell.y + cell.h * 0.5;
        if view.show_names {
            let size = size_to_fit(&value.name, cell.w * 0.85, 14.0);
            canvas.text(
                (cell.x + cell.w / 2.0, cell.y + 4.0 + size),
                size,
                text_colour,
                Anchor::Middle,
                &value.name,
            );
            y += 8.0;
        }
        if view.show_values {
            let size = size_to_fit(&value.text, cell.w * 0.85, (cell.h * 0.45).max(8.0));
            canvas.text(
                (cell.x + cell.w / 2.0, y + size * 0.35),
                size,
                text_colour,
                Anchor::Middle,
                &value.text,
            );
        }
    }
}

fn sparkline(canvas: &mut Canvas, values: &[f64], cell: Area, colour: Rgb) {
    let finite = values.iter().filter(|v| v.is_finite());
    let lo = finite.clone().fold(f64::INFINITY, |a, b| a.min(*b));
    let hi = finite.fold(f64::NEG_INFINITY, |a, b| a.max(*b));
    let (top, h) = (cell.y + cell.h * 0.65, cell.h * 0.33);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let n = values.len() - 1;
    let points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| {
            (
                cell.x + cell.w * i as f64 / n as f64,
                top + h - (v - lo) / span * h,
            )
        })
        .collect();
    if points.len() < 2 {
        return;
    }
    let mut area = points.clone();
    area.push((points[points.len() - 1].0, top + h));
    area.push((points[0].0, top + h));
    canvas.polygon(&area, colour, " fill-opacity=\"0.2\"");
    canvas.polyline(&points, colour, 1.5);
}

/// An arc from `a0` to `a1` degrees (0 pointing right, clockwise) of radius `r`.
fn arc(centre: (f64, f64), r: f64, a0: f64, a1: f64) -> String {
    let point = |a: f64| {
        let rad = a * PI / 180.0;
        (centre.0 + r * rad.cos(), centre.1 + r * rad.sin())
    };
    let (p0, p1) = (point(a0), point(a1));
    let large = i32::from((a1 - a0).abs() > 180.0);
    format!(
        "M{:.1},{:.1} A{r:.1},{r:.1} 0 {large} 1 {:.1},{:.1}",
        p0.0, p0.1, p1.0, p1.1
    )
}

// Grafana's gauge sweeps from lower left to lower right over the top (240 degrees here).
const START: f64 = 150.0;
const SWEEP: f64 = 240.0;

fn gauge(canvas: &mut Canvas, view: &GaugeView, area: Area) {
    for (item, cell) in view.items.iter().zip(area.cells(view.items.len())) {
        let label = if view.items.len() > 1 { 14.0 } else { 0.0 };
        let r = (cell.w.min(cell.h - label) / 2.0 - 6.0).max(4.0);
        let centre = (cell.x + cell.w / 2.0, cell.y + label + 4.0 + r);
        let thickness = (r * 0.2).max(2.0);
        let stroke = |colour: Rgb, width: f64| {
            format!(
                "fill=\"none\" stroke=\"{}\" stroke-width=\"{width:.1}\"",
                colour.hex()
            )
        };
        canvas.path(
            &arc(centre, r, START, START + SWEEP),
            &stroke(BORDER, thickness),
        );
        let fraction = item.fraction.clamp(0.0, 1.0);
        if fraction > 0.0 {
            let end = START + SWEEP * fraction.max(0.002);
            canvas.path(&arc(centre, r, START, end), &stroke(item.color, thickness));
        }
        if view.threshold_markers {
            let outer = r + thickness * 0.5 + 3.0;
            for (i, (from, colour)) in view.scale.iter().enumerate() {
                let to = view.scale.get(i + 1).map_or(1.0, |next| next.0);
                let (a0, a1) = (START + SWEEP * from, START + SWEEP * to);
                if a1 > a0 {
                    canvas.path(&arc(centre, outer, a0, a1), &stroke(*colour, 3.0));
                }
            }
        }
        let size = size_to_fit(&item.text, r * 1.4, r * 0.5);
        canvas.text(
            (centre.0, centre.1 + size * 0.35),
            size,
            item.color,
            Anchor::Middle,
            &item.text,
        );
        if label > 0.0 {
            canvas.text(
                (centre.0, cell.y + 12.0),
                12.0,
                TEXT,
                Anchor::Middle,
                &fit(&item.name, fits(cell.w, 12.0)),
            );
        }
        if let Some((min, max)) = &view.min_max {
            let y = centre.1 + r * 0.75;
            canvas.text((centre.0 - r * 0.6, y), 10.0, DIM, Anchor::Middle, min);
            canvas.text((centre.0 + r * 0.6, y), 10.0, DIM, Anchor::Middle, max);
        }
    }
}

/// The colour of the threshold step at `at` (0..1 along the bar).
fn step_colour(view: &GaugeView, at: f64, fallback: Rgb) -> Rgb {
    view.scale
        .iter()
        .rev()
        .find(|(from, _)| *from <= at)
        .map_or(fallback, |(_, colour)| *colour)
}

/// The filled part of a bar: one colour, the threshold steps it crosses, or LCD cells.
fn bar_fill(
    canvas: &mut Canvas,
    view: &GaugeView,
    colour: Rgb,
    fraction: f64,
    bar: Area,
    vertical: bool,
) {
    let along = if vertical { bar.h } else { bar.w };
    let piece = |canvas: &mut Canvas, from: f64, to: f64, colour: Rgb| {
        let (a, b) = (from * along, to * along);
        if vertical {
            canvas.rect(bar.x, bar.y + bar.h - b, bar.w, b - a, colour, "");
        } else {
            canvas.rect(bar.x + a, bar.y, b - a, bar.h, colour, "");
        }
    };
    match view.mode {
        GaugeMode::Basic => piece(canvas, 0.0, fraction, colour),
        GaugeMode::Gradient => {
            let mut bounds: Vec<f64> = view
                .scale
                .iter()
                .map(|(f, _)| *f)
                .filter(|f| *f < fraction)
                .collect();
            bounds.push(fraction);
            for pair in bounds.windows(2) {
                piece(canvas, pair[0], pair[1], step_colour(view, pair[0], colour));
            }
            if bounds.len() == 1 {
                piece(canvas, 0.0, fraction, colour);
            }
        }
        GaugeMode::Lcd => {
            let cells = (along / 8.0).floor().max(1.0) as usize;
            for i in 0..cells {
                let (from, to) = (i as f64 / cells as f64, (i as f64 + 0.7) / cells as f64);
                let lit = from < fraction;
                let c = step_colour(view, from, colour);
                let c = if lit { c } else { blend(c, PANEL, 0.2) };
                piece(canvas, from, to, c);
            }
        }
    }
}

fn blend(colour: Rgb, under: Rgb, alpha: f64) -> Rgb {
    let mix = |a: u8, b: u8| (f64::from(a) * alpha + f64::from(b) * (1.0 - alpha)).round() as u8;
    Rgb(
        mix(colour.0, under.0),
        mix(colour.1, under.1),
        mix(colour.2, under.2),
    )
}

fn bar_gauge(canvas: &mut Canvas, view: &GaugeView, area: Area) {
    let vertical = match view.orientation {
        BarOrientation::Auto => area.w > area.h,
        other => other.is_vertical(1, 1),
    };
    let n = view.items.len().max(1) as f64;
    for (i, item) in view.items.iter().enumerate() {
        let fraction = item.fraction.clamp(0.0, 1.0);
        let (bar, value_at, name_at, anchor) = if vertical {
            let w = area.w / n;
            let x = area.x + i as f64 * w;
            let bar = Area {
                x: x + 4.0,
                y: area.y + 18.0,
                w: (w - 8.0).max(1.0),
                h: (area.h - 36.0).max(1.0),
            };
            let value_at = (x + w / 2.0, area.y + 13.0);
            (
                bar,
                value_at,
                (x + w / 2.0, area.y + area.h - 4.0),
                Anchor::Middle,
            )
        } else {
            let h = area.h / n;
            let y = area.y + i as f64 * h;
            let name_w = (area.w * 0.3).min(200.0);
            let value_w = (columns(&item.text) as f64 * 13.0 * ADVANCE + 8.0).min(area.w * 0.3);
            let bar_h = (h - 6.0).clamp(2.0, 40.0);
            let bar = Area {
                x: area.x + name_w,
                y: y + (h - bar_h) / 2.0,
                w: (area.w - name_w - value_w).max(1.0),
                h: bar_h,
            };
            let value_at = (area.x + area.w, y + h / 2.0 + 5.0);
            (bar, value_at, (area.x, y + h / 2.0 + 4.0), Anchor::Start)
        };
        if view.show_unfilled {
            canvas.rect(bar.x, bar.y, bar.w, bar.h, BORDER, "");
        }
        bar_fill(canvas, view, item.color, fraction, bar, vertical);
        let value_anchor = if vertical {
            Anchor::Middle
        } else {
            Anchor::End
        };
        canvas.text(value_at, 13.0, item.color, value_anchor, &item.text);
        let name_room = if vertical {
            area.w / n
        } else {
            (area.w * 0.3).min(200.0) - 6.0
        };
        canvas.text(
            name_at,
            11.0,
            TEXT,
            anchor,
            &fit(&item.name, fits(name_room, 11.0)),
        );
    }
}

fn table(canvas: &mut Canvas, view: &TableView, area: Area) {
    let size = 12.0;
    let line = 18.0;
    let widths: Vec<usize> = (0..view.headers.len())
        .map(|c| {
            let cells = view
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|cell| columns(&cell.text));
            cells
                .chain([columns(&view.headers[c])])
                .max()
                .unwrap_or(1)
                .clamp(3, 40)
        })
        .collect();
    let total: usize = widths.iter().map(|w| w + 2).sum();
    let available = fits(area.w, size);
    let scale = if total > available {
        available as f64 / total as f64
    } else {
        1.0
    };
    let mut x = area.x;
    let lines = (area.h / line).floor() as usize;
    let shown = if view.rows.len() + 1 > lines {
        lines.saturating_sub(2)
    } else {
        view.rows.len()
    };
    for (c, header) in view.headers.iter().enumerate() {
        let room = ((widths[c] + 2) as f64 * scale).floor() as usize;
        let w = room as f64 * size * ADVANCE;
        let numeric = view.numeric.get(c).copied().unwrap_or(false);
        let (tx, anchor) = if numeric {
            (x + w - size, Anchor::End)
        } else {
            (x, Anchor::Start)
        };
        let cut = room.saturating_sub(1).max(2);
        canvas.text((tx, area.y + 13.0), size, DIM, anchor, &fit(header, cut));
        for (r, row) in view.rows.iter().take(shown).enumerate() {
            let Some(cell) = row.get(c) else { continue };
            let y = area.y + 13.0 + (r + 1) as f64 * line;
            canvas.text(
                (tx, y),
                size,
                cell.color.unwrap_or(TEXT),
                anchor,
                &fit(&cell.text, cut),
            );
        }
        x += w;
    }
    for r in 0..=shown.min(lines.saturating_sub(1)) {
        let y = area.y + 18.0 + r as f64 * line;
        canvas.line((area.x, y), (area.x + area.w, y), BORDER, 1.0, "");
    }
    if shown < view.rows.len() {
        let y = area.y + 13.0 + (shown + 1) as f64 * line;
        let more = format!("+{} more rows", view.rows.len() - shown);
        canvas.text((area.x, y), 11.0, DIM, Anchor::Start, &more);
    }
}

fn heatmap(canvas: &mut Canvas, view: &HeatmapView, area: Area) {
    let left = view
        .bucket_labels
        .iter()
        .map(|l| columns(l))
        .max()
        .unwrap_or(0) as f64
        * 11.0
        * ADVANCE
        + 6.0;
    let plot = Area {
        x: area.x + left,
        y: area.y,
        w: (area.w - left).max(1.0),
        h: area.h,
    };
    let buckets = view.counts.len().max(1);
    let times = view.times.len().max(1);
    let (cw, ch) = (plot.w / times as f64, plot.h / buckets as f64);
    for (b, row) in view.counts.iter().enumerate() {
        let y = plot.y + plot.h - (b + 1) as f64 * ch;
        for (t, count) in row.iter().enumerate() {
            if !(count.is_finite() && *count > 0.0) || view.max <= 0.0 {
                continue;
            }
            let level = (count / view.max).clamp(0.0, 1.0);
            // Grafana's default is d3's Oranges (heatmap panelcfg.cue: color.scheme), which
            // triage does not carry: the yellow-to-red scheme reads the same way.
            let colour = yl_rd(level);
            canvas.rect(plot.x + t as f64 * cw, y, cw + 0.3, ch + 0.3, colour, "");
        }
    }
    let every = ((14.0 / ch).ceil() as usize).max(1);
    for (b, label) in view.bucket_labels.iter().enumerate().step_by(every) {
        let y = plot.y + plot.h - (b as f64 + 0.5) * ch + 4.0;
        canvas.text((plot.x - 4.0, y), 11.0, DIM, Anchor::End, label);
    }
}

fn states(canvas: &mut Canvas, view: &StatesView, area: Area) {
    let names = view
        .rows
        .iter()
        .map(|r| columns(&r.name))
        .max()
        .unwrap_or(0)
        .min(24);
    let left = names as f64 * 11.0 * ADVANCE + 8.0;
    let legend_h = if view.legend.is_empty() { 0.0 } else { 16.0 };
    let axis_h = if view.x_labels.is_empty() { 0.0 } else { 14.0 };
    let plot = Area {
        x: area.x + left,
        y: area.y,
        w: (area.w - left).max(1.0),
        h: (area.h - legend_h - axis_h).max(1.0),
    };
    let (x0, x1) = view.x_range;
    let px = |t: f64| {
        plot.x
            + if x1 > x0 {
                ((t - x0) / (x1 - x0)).clamp(0.0, 1.0) * plot.w
            } else {
                0.0
            }
    };
    let row_h = plot.h / view.rows.len().max(1) as f64;
    for (r, row) in view.rows.iter().enumerate() {
        let y = plot.y + r as f64 * row_h;
        canvas.text(
            (area.x, y + row_h / 2.0 + 4.0),
            11.0,
            TEXT,
            Anchor::Start,
            &fit(&row.name, names),
        );
        for span in &row.spans {
            let (a, b) = (px(span.start_ms), px(span.end_ms));
            canvas.rect(a, y + 1.0, b - a, row_h - 2.0, span.color, "");
            let room = fits(b - a - 4.0, 11.0);
            let show = match view.show_values {
                ShowValues::Always => room > 0,
                ShowValues::Auto => room >= columns(&span.text),
                ShowValues::Never => false,
            };
            if show {
                canvas.text(
                    (a + 2.0, y + row_h / 2.0 + 4.0),
                    11.0,
                    PANEL,
                    Anchor::Start,
                    &fit(&span.text, room),
                );
            }
        }
    }
    x_labels(canvas, &view.x_labels, plot, plot.y + plot.h + 12.0);
    let mut x = area.x;
    let y = area.y + area.h - 4.0;
    for entry in &view.legend {
        canvas.rect(x, y - 8.0, 10.0, 8.0, entry.color, "");
        canvas.text((x + 14.0, y), 11.0, TEXT, Anchor::Start, &entry.text);
        x += 24.0 + columns(&entry.text) as f64 * 11.0 * ADVANCE;
    }
}

fn pie(canvas: &mut Canvas, view: &PieView, area: Area) {
    let side = area.h.min(area.w * 0.5);
    let r = side / 2.0 - 4.0;
    let centre = (area.x + side / 2.0, area.y + area.h / 2.0);
    let mut angle = -90.0;
    for slice in &view.slices {
        let sweep = (slice.share.clamp(0.0, 1.0) * 360.0).min(359.99);
        if sweep <= 0.0 {
            continue;
        }
        let d = format!(
            "{} L{:.1},{:.1} Z",
            arc(centre, r, angle, angle + sweep),
            centre.0,
            centre.1
        );
        canvas.path(
            &d,
            &format!("fill=\"{}\" stroke=\"{}\"", slice.color.hex(), PANEL.hex()),
        );
        angle += sweep;
    }
    if view.donut {
        canvas.circle(centre, r * 0.6, PANEL);
    }
    let x = area.x + side + 8.0;
    let room = fits(area.x + area.w - x - 14.0, 11.0);
    for (i, slice) in view
        .slices
        .iter()
        .take((area.h / 16.0) as usize)
        .enumerate()
    {
        let y = area.y + 12.0 + i as f64 * 16.0;
        canvas.rect(x, y - 8.0, 10.0, 8.0, slice.color, "");
        let mut text = slice.name.clone();
        if view.show_value {
            let _ = write!(text, "  {}", slice.text);
        }
        if view.show_percent {
            let _ = write!(text, "  {}", slice.percent_text);
        }
        canvas.text((x + 14.0, y), 11.0, TEXT, Anchor::Start, &fit(&text, room));
    }
}

fn histogram(canvas: &mut Canvas, view: &HistogramView, area: Area) {
    let plot = Area {
        h: (area.h - 16.0).max(1.0),
        ..area
    };
    let buckets = view.bucket_starts.len().max(1);
    let w = plot.w / buckets as f64;
    let max = if view.max_count > 0.0 {
        view.max_count
    } else {
        1.0
    };
    for b in 0..buckets {
        let mut base = plot.y + plot.h;
        for series in &view.series {
            let count = series.counts.get(b).copied().unwrap_or(0.0);
            let h = (count / max).clamp(0.0, 1.0) * plot.h;
            canvas.rect(
                plot.x + b as f64 * w + 1.0,
                base - h,
                (w - 2.0).max(0.5),
                h,
                series.color,
                "",
            );
            base -= h;
        }
    }
    x_labels(canvas, &view.x_labels, plot, area.y + area.h - 2.0);
}

/// Time labels spread evenly under a plot, the first and last flush with its edges.
fn x_labels(canvas: &mut Canvas, labels: &[String], plot: Area, y: f64) {
    let n = labels.len();
    for (i, label) in labels.iter().enumerate() {
        let t = if n > 1 {
            i as f64 / (n - 1) as f64
        } else {
            0.5
        };
        let anchor = if i == 0 {
            Anchor::Start
        } else if i + 1 == n {
            Anchor::End
        } else {
            Anchor::Middle
        };
        canvas.text((plot.x + t * plot.w, y), 11.0, DIM, anchor, label);
    }
}
