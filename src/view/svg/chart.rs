//! A time series as vectors: threshold bands and lines, each series as a line (or, with more
//! points than pixels, the band between each pixel column's lowest and highest value), area,
//! bars or points in its colour, annotation and alert markers, exemplars, axes and legend.

use super::bodies::Area;
use super::canvas::{ADVANCE, Anchor, Canvas, columns, fit};
use super::{BORDER, DIM, TEXT};
use crate::view::{DrawStyle, Legend, PlotSeries, Rgb, TimeMarker, TimeSeriesView};

const LABEL: f64 = 11.0;
/// Grafana's warning orange: annotations without an icon colour of their own.
const ANNOTATION: Rgb = Rgb(0xff, 0x98, 0x30);

/// Maps values to pixels inside the plot.
struct Scale {
    plot: Area,
    x: (f64, f64),
    y: (f64, f64),
}

impl Scale {
    fn px(&self, x: f64) -> f64 {
        let span = self.x.1 - self.x.0;
        let t = if span > 0.0 {
            (x - self.x.0) / span
        } else {
            0.5
        };
        self.plot.x + t.clamp(0.0, 1.0) * self.plot.w
    }

    fn py(&self, v: f64) -> f64 {
        let span = self.y.1 - self.y.0;
        let t = if span > 0.0 {
            (v - self.y.0) / span
        } else {
            0.5
        };
        self.plot.y + self.plot.h - t.clamp(0.0, 1.0) * self.plot.h
    }

    /// The value areas and bars grow from: zero where the axis shows it, else its bottom.
    fn base(&self) -> f64 {
        self.py(0.0_f64.clamp(self.y.0.min(self.y.1), self.y.1.max(self.y.0)))
    }
}

fn label_width(labels: &[String]) -> f64 {
    let widest = labels.iter().map(|l| columns(l)).max().unwrap_or(0);
    if widest == 0 {
        0.0
    } else {
        widest as f64 * LABEL * ADVANCE + 6.0
    }
}

pub fn draw(canvas: &mut Canvas, view: &TimeSeriesView, area: Area) {
    let (chart, legend_area) = split_for_legend(&view.legend, area);
    let left = label_width(&view.y_labels);
    let right = view
        .right_axis
        .as_ref()
        .map_or(0.0, |axis| label_width(&axis.labels));
    let bottom = if view.x_labels.is_empty() { 0.0 } else { 16.0 };
    let plot = Area {
        x: chart.x + left,
        y: chart.y + 4.0,
        w: (chart.w - left - right).max(1.0),
        h: (chart.h - bottom - 4.0).max(1.0),
    };
    let scale = Scale {
        plot,
        x: view.x_range,
        y: view.y_range,
    };
    draw_grid(canvas, view, &scale);
    for (from, to, colour) in &view.threshold_bands {
        let (top, bottom) = (scale.py(*to), scale.py(*from));
        canvas.rect(plot.x, top, plot.w, bottom - top, *colour, "");
    }
    for marker in &view.annotations {
        draw_marker(canvas, marker, &scale, true);
    }
    let dash = if view.threshold_dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    for (value, colour) in &view.threshold_lines {
        let y = scale.py(*value);
        canvas.line((plot.x, y), (plot.x + plot.w, y), *colour, 1.5, dash);
    }
    // Areas first, so no series' area covers another's line.
    for fills in [true, false] {
        for series in &view.series {
            let y = match &view.right_axis {
                Some(axis) if series.right => axis.range,
                _ => view.y_range,
            };
            let scale = Scale { y, ..scale };
            if fills {
                draw_fill(canvas, series, &scale);
            } else {
                draw_series(canvas, series, &scale, view.series.len());
            }
        }
    }
    for marker in &view.markers {
        draw_marker(canvas, marker, &scale, false);
    }
    for exemplar in &view.exemplars {
        let (x, y) = (scale.px(exemplar.at_ms), scale.py(exemplar.value));
        let r = if exemplar.selected { 5.0 } else { 3.0 };
        let d = format!(
            "M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z",
            y - r,
            x + r,
            y + r,
            x - r
        );
        canvas.path(&d, &format!("fill=\"{}\"", TEXT.hex()));
    }
    draw_axes(canvas, view, &scale);
    if let Some(legend_area) = legend_area {
        draw_legend(canvas, &view.legend, legend_area);
    }
}

fn split_for_legend(legend: &Legend, area: Area) -> (Area, Option<Area>) {
    if !legend.visible || legend.entries.is_empty() {
        return (area, None);
    }
    if legend.placement_right {
        let w = (area.w * 0.35).min(260.0);
        let chart = Area {
            w: area.w - w,
            ..area
        };
        return (
            chart,
            Some(Area {
                x: area.x + area.w - w + 6.0,
                w: w - 6.0,
                ..area
            }),
        );
    }
    let lines = legend.entries.len() + usize::from(legend.table && !legend.calcs.is_empty());
    let h = (lines as f64 * 15.0 + 4.0).min(area.h * 0.4);
    let chart = Area {
        h: area.h - h,
        ..area
    };
    (
        chart,
        Some(Area {
            y: area.y + area.h - h + 4.0,
            h: h - 4.0,
            ..area
        }),
    )
}

fn draw_grid(canvas: &mut Canvas, view: &TimeSeriesView, scale: &Scale) {
    let plot = scale.plot;
    let n = view.y_labels.len();
    for i in 0..n {
        let y = plot.y + plot.h - plot.h * i as f64 / (n.max(2) - 1) as f64;
        canvas.line((plot.x, y), (plot.x + plot.w, y), BORDER, 1.0, "");
    }
    canvas.line(
        (plot.x, plot.y + plot.h),
        (plot.x + plot.w, plot.y + plot.h),
        BORDER,
        1.0,
        "",
    );
}

fn draw_axes(canvas: &mut Canvas, view: &TimeSeriesView, scale: &Scale) {
    let plot = scale.plot;
    let at = |i: usize, n: usize| plot.y + plot.h - plot.h * i as f64 / (n.max(2) - 1) as f64;
    let n = view.y_labels.len();
    for (i, label) in view.y_labels.iter().enumerate() {
        let y = (at(i, n) + 4.0).clamp(plot.y + 8.0, plot.y + plot.h + 4.0);
        canvas.text((plot.x - 4.0, y), LABEL, DIM, Anchor::End, label);
    }
    if let Some(axis) = &view.right_axis {
        let n = axis.labels.len();
        for (i, label) in axis.labels.iter().enumerate() {
            let y = (at(i, n) + 4.0).clamp(plot.y + 8.0, plot.y + plot.h + 4.0);
            canvas.text((plot.x + plot.w + 4.0, y), LABEL, DIM, Anchor::Start, label);
        }
    }
    let n = view.x_labels.len();
    for (i, label) in view.x_labels.iter().enumerate() {
        let t = if n > 1 {
            i as f64 / (n - 1) as f64
        } else {
            0.5
        };
        let anchor = match i {
            0 if n > 1 => Anchor::Start,
            i if i + 1 == n && n > 1 => Anchor::End,
            _ => Anchor::Middle,
        };
        let x = plot.x + t * plot.w;
        canvas.text((x, plot.y + plot.h + 13.0), LABEL, DIM, anchor, label);
    }
}

/// Runs of consecutive finite points: a gap (null, NaN) breaks the line.
fn segments(points: &[(f64, f64)]) -> Vec<&[(f64, f64)]> {
    points
        .split(|(x, y)| !x.is_finite() || !y.is_finite())
        .filter(|run| !run.is_empty())
        .collect()
}

/// Each pixel column's lowest and highest point: (x px, top px, bottom px).
fn envelope(run: &[(f64, f64)], scale: &Scale) -> Vec<(f64, f64, f64)> {
    let mut columns: Vec<(f64, f64, f64)> = Vec::new();
    for (x, y) in run {
        let (px, py) = (scale.px(*x).floor() + 0.5, scale.py(*y));
        match columns.last_mut() {
            Some(last) if (last.0 - px).abs() < 0.5 => {
                last.1 = last.1.min(py);
                last.2 = last.2.max(py);
            }
            _ => columns.push((px, py, py)),
        }
    }
    columns
}

fn draw_series(canvas: &mut Canvas, series: &PlotSeries, scale: &Scale, count: usize) {
    let plot = scale.plot;
    let base = scale.base();
    for run in segments(&series.points) {
        let pixels: Vec<(f64, f64)> = run
            .iter()
            .map(|(x, y)| (scale.px(*x), scale.py(*y)))
            .collect();
        match series.style {
            DrawStyle::Bars => {
                let slot = plot.w / (series.points.len().max(1) as f64);
                let width = (slot * 0.8 / count.max(1) as f64).max(1.0);
                for (x, y) in &pixels {
                    let (top, h) = if *y < base {
                        (*y, base - y)
                    } else {
                        (base, y - base)
                    };
                    canvas.rect(x - width / 2.0, top, width, h, series.color, "");
                }
            }
            DrawStyle::Points => {
                for (x, y) in pixels.iter().take(4000) {
                    canvas.circle((*x, *y), 2.0, series.color);
                }
            }
            DrawStyle::Line => {
                if run.len() as f64 > plot.w {
                    let columns = envelope(run, scale);
                    let mut outline: Vec<(f64, f64)> = columns.iter().map(|c| (c.0, c.1)).collect();
                    outline.extend(columns.iter().rev().map(|c| (c.0, c.2)));
                    let stroke = format!(" stroke=\"{}\" stroke-width=\"1\"", series.color.hex());
                    canvas.polygon(&outline, series.color, &stroke);
                } else if pixels.len() == 1 {
                    canvas.circle(pixels[0], 2.0, series.color);
                } else {
                    canvas.polyline(&pixels, series.color, 1.5);
                }
            }
        }
    }
}

/// The area under a line series (its colour has `fillOpacity` blended in already).
fn draw_fill(canvas: &mut Canvas, series: &PlotSeries, scale: &Scale) {
    let (Some(fill), DrawStyle::Line) = (series.fill, series.style) else {
        return;
    };
    let base = scale.base();
    for run in segments(&series.points) {
        let mut area = vec![(scale.px(run[0].0), base)];
        if run.len() as f64 > scale.plot.w {
            // More points than pixels: the top of each pixel column's envelope.
            area.extend(envelope(run, scale).iter().map(|c| (c.0, c.1)));
        } else {
            area.extend(run.iter().map(|(x, y)| (scale.px(*x), scale.py(*y))));
        }
        area.push((scale.px(run[run.len() - 1].0), base));
        canvas.polygon(&area, fill, "");
    }
}

fn draw_marker(canvas: &mut Canvas, marker: &TimeMarker, scale: &Scale, annotation: bool) {
    let plot = scale.plot;
    let colour = marker.color.unwrap_or(ANNOTATION);
    let x = scale.px(marker.at_ms);
    if let Some(end) = marker.end_ms {
        let x1 = scale.px(end);
        canvas.rect(x, plot.y, x1 - x, plot.h, colour, " fill-opacity=\"0.15\"");
    }
    let dash = if annotation {
        " stroke-dasharray=\"3 3\""
    } else {
        ""
    };
    canvas.line((x, plot.y), (x, plot.y + plot.h), colour, 1.0, dash);
    let b = plot.y + plot.h;
    let d = format!(
        "M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z",
        b - 6.0,
        x + 4.0,
        b,
        x - 4.0,
        b
    );
    canvas.path(&d, &format!("fill=\"{}\"", colour.hex()));
}

fn draw_legend(canvas: &mut Canvas, legend: &Legend, area: Area) {
    let columns_fit = ((area.w - 16.0) / (LABEL * ADVANCE)).max(0.0) as usize;
    let value_width = 10;
    let calcs = if legend.table { legend.calcs.len() } else { 0 };
    let name_columns = columns_fit.saturating_sub(calcs * (value_width + 1)).max(4);
    let lines = (area.h / 15.0).floor() as usize;
    let mut y = area.y + 11.0;
    let mut used = 0;
    if calcs > 0 && lines > 0 {
        for (i, calc) in legend.calcs.iter().enumerate() {
            let x = area.x + area.w
                - (calcs - 1 - i) as f64 * (value_width + 1) as f64 * LABEL * ADVANCE;
            canvas.text((x, y), LABEL, DIM, Anchor::End, calc);
        }
        y += 15.0;
        used += 1;
    }
    let room = lines.saturating_sub(used);
    for (n, entry) in legend.entries.iter().enumerate() {
        if n + 1 == room && legend.entries.len() > room {
            let more = format!("+{} more series", legend.entries.len() - n);
            canvas.text((area.x + 16.0, y), LABEL, DIM, Anchor::Start, &more);
            break;
        }
        if n >= room {
            break;
        }
        canvas.rect(area.x, y - 5.0, 12.0, 3.0, entry.color, "");
        if calcs > 0 {
            canvas.text(
                (area.x + 16.0, y),
                LABEL,
                TEXT,
                Anchor::Start,
                &fit(&entry.name, name_columns),
            );
            for (i, value) in entry.values.iter().enumerate().take(calcs) {
                let x = area.x + area.w
                    - (calcs - 1 - i) as f64 * (value_width + 1) as f64 * LABEL * ADVANCE;
                canvas.text((x, y), LABEL, TEXT, Anchor::End, value);
            }
        } else {
            let mut text = entry.name.clone();
            for value in &entry.values {
                text.push_str("  ");
                text.push_str(value);
            }
            canvas.text(
                (area.x + 16.0, y),
                LABEL,
                TEXT,
                Anchor::Start,
                &fit(&text, columns_fit),
            );
        }
        y += 15.0;
    }
}
