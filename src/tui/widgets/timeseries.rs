//! Time-series panel: braille lines on labelled axes, with a legend below or to the right.

use chrono::TimeZone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Widget};

use super::braille::BrailleCanvas;
use crate::tui::theme::Theme;
use crate::view::{DrawStyle, Legend, TimeSeriesView, to_axis};

pub fn draw(
    view: &TimeSeriesView,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    cursor: Option<f64>,
) {
    let (chart_area, legend_area) = split_for_legend(&view.legend, area);
    let right_width = right_axis_width(view, chart_area);
    let chart_area = Rect {
        width: chart_area.width - right_width,
        ..chart_area
    };
    let threshold_lines: Vec<[(f64, f64); 2]> = view
        .threshold_lines
        .iter()
        .map(|(y, _)| [(view.x_range.0, *y), (view.x_range.1, *y)])
        .collect();
    // Dashed lines are drawn over the chart afterwards, cell by cell.
    let solid_lines = if view.threshold_dashed {
        0
    } else {
        threshold_lines.len()
    };
    let datasets: Vec<Dataset> = view
        .threshold_lines
        .iter()
        .zip(&threshold_lines)
        .take(solid_lines)
        .map(|((_, colour), line)| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(theme.data(*colour)))
                .data(line)
        })
        .collect();
    let axis_style = Style::default().fg(theme.dim);
    let (x_labels, y_labels) = axis_labels(view, chart_area, axis_style);
    let chart = Chart::new(datasets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([view.x_range.0, view.x_range.1])
                .labels(x_labels.clone())
                .style(axis_style),
        )
        .y_axis(
            Axis::default()
                .bounds([view.y_range.0, view.y_range.1])
                .labels(y_labels.clone())
                .style(axis_style),
        );
    let plot = graph_area(chart_area, &x_labels, &y_labels);
    chart.render(chart_area, buf);
    if right_width > 0 {
        draw_right_axis(view, plot, !x_labels.is_empty(), buf, axis_style);
    }
    draw_series(view, plot, buf, theme);
    draw_threshold_bands(view, plot, buf, theme);
    draw_markers(view, plot, buf, theme);
    draw_exemplars(view, plot, buf, theme);
    if let Some(cursor) = cursor {
        draw_cursor(view, plot, cursor, buf, theme);
    }
    if let Some(legend_area) = legend_area {
        draw_legend(&view.legend, legend_area, buf, theme);
    }
}

/// A second scale's labels take a column on the right (with the axis line before them); 0
/// without one or when the chart is too small.
fn right_axis_width(view: &TimeSeriesView, chart_area: Rect) -> u16 {
    match &view.right_axis {
        Some(axis) if chart_area.width >= 24 && chart_area.height >= 3 => {
            axis.labels
                .iter()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0) as u16
                + 1
        }
        _ => 0,
    }
}

/// The x (time) and y labels the chart has room for: none when it is too low.
fn axis_labels(
    view: &TimeSeriesView,
    chart_area: Rect,
    axis_style: Style,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let x_labels: Vec<Line> = if chart_area.height >= 6 {
        let room = chart_area
            .width
            .saturating_sub(y_label_width(view, chart_area) + 1);
        fitting_x_labels(&view.x_labels, room)
            .into_iter()
            .map(|l| Line::styled(l, axis_style))
            .collect()
    } else {
        Vec::new()
    };
    let y_labels: Vec<Line> = if chart_area.height >= 3 {
        thin_labels(
            &view.y_labels,
            chart_area
                .height
                .saturating_sub(if x_labels.is_empty() { 0 } else { 2 }),
        )
        .into_iter()
        .map(|l| Line::styled(l, axis_style))
        .collect()
    } else {
        Vec::new()
    };
    (x_labels, y_labels)
}

/// Alert instants and annotations. Labels never cover each other: a marker whose label would
/// run into one already drawn keeps only its line and `▼` (the alert instant, drawn last, wins
/// the room).
fn draw_markers(view: &TimeSeriesView, plot: Rect, buf: &mut Buffer, theme: &Theme) {
    let mut labelled: Vec<(u16, u16)> = Vec::new();
    let markers: Vec<&crate::view::TimeMarker> =
        view.markers.iter().chain(&view.annotations).collect();
    for marker in markers {
        draw_marker(view, plot, marker, buf, theme, &mut labelled);
    }
}

/// Time labels that fit the axis without running into each other: all of them, else the first
/// and last, else none.
fn fitting_x_labels(labels: &[String], room: u16) -> Vec<String> {
    let width = |ls: &[&String]| ls.iter().map(|l| l.chars().count() + 2).sum::<usize>();
    let all: Vec<&String> = labels.iter().collect();
    if width(&all) <= usize::from(room) {
        return labels.to_vec();
    }
    match (labels.first(), labels.last()) {
        (Some(first), Some(last))
            if labels.len() > 1 && width(&[first, last]) <= usize::from(room) =>
        {
            vec![first.clone(), last.clone()]
        }
        _ => Vec::new(),
    }
}

/// Where ratatui's `Chart` puts its graph (its layout rules: x labels and axis below, y labels
/// and axis to the left, at most a third of the width for labels), so series drawn here and
/// cursors, markers and exemplars line up with its axes.
fn graph_area(area: Rect, x_labels: &[Line], y_labels: &[Line]) -> Rect {
    if area.width == 0 || area.height == 0 {
        return area;
    }
    let mut x = area.left();
    let mut y = area.bottom() - 1;
    if !x_labels.is_empty() && y > area.top() {
        y -= 1;
    }
    let mut left = y_labels.iter().map(Line::width).max().unwrap_or(0) as u16;
    if let Some(first) = x_labels.first() {
        left = left.max((first.width() as u16).saturating_sub(u16::from(!y_labels.is_empty())));
    }
    x += left.min(area.width / 3);
    if !x_labels.is_empty() && y > area.top() {
        y -= 1;
    }
    if !y_labels.is_empty() && x + 1 < area.right() {
        x += 1;
    }
    Rect::new(
        x,
        area.top(),
        area.right().saturating_sub(x),
        y.saturating_sub(area.top()).saturating_add(1),
    )
}

/// The right axis: a line along the plot's right edge and the second scale's labels beside
/// it, spaced as `Chart` spaces the left ones.
fn draw_right_axis(
    view: &TimeSeriesView,
    plot: Rect,
    x_axis: bool,
    buf: &mut Buffer,
    style: Style,
) {
    let Some(axis) = &view.right_axis else {
        return;
    };
    let x = plot.right();
    if plot.height == 0 || x >= buf.area.right() {
        return;
    }
    for y in plot.y..plot.bottom() {
        buf[(x, y)].set_symbol("│").set_style(style);
    }
    if x_axis && plot.bottom() < buf.area.bottom() {
        buf[(x, plot.bottom())].set_symbol("┘").set_style(style);
    }
    let labels = thin_labels(&axis.labels, plot.height);
    let n = labels.len() as u16;
    if n < 2 {
        return;
    }
    for (i, label) in labels.iter().enumerate() {
        let dy = i as u16 * (plot.height - 1) / (n - 1);
        buf.set_string(x + 1, plot.bottom() - 1 - dy, label, style);
    }
}

/// Every series in one braille canvas over the graph: area fills in one layer, then all lines,
/// bars and points in another. Where series cross, a cell shows the dots of all of them in the
/// colour of the last; where a line crosses a fill, the line's dots replace the fill's.
fn draw_series(view: &TimeSeriesView, plot: Rect, buf: &mut Buffer, theme: &Theme) {
    if plot.width == 0 || plot.height == 0 || view.series.is_empty() {
        return;
    }
    // Without colour a fill would be a solid block indistinguishable from the line, so it is
    // left out. Fills go down from every braille column (not only at samples), so the area
    // has no gaps between sparse points.
    let fills = theme.colour && !theme.ascii;
    let columns = usize::from(plot.width) * 2;
    let range_of = |s: &crate::view::PlotSeries| match &view.right_axis {
        Some(axis) if s.right => axis.range,
        _ => view.y_range,
    };
    let base_of = |(y0, y1): (f64, f64)| 0.0_f64.clamp(y0, y1);
    let mut canvas = BrailleCanvas::new(plot.width, plot.height, view.x_range, view.y_range);
    let mut any_fill = false;
    for s in &view.series {
        let Some(fill) = s.fill.filter(|_| fills) else {
            continue;
        };
        canvas.set_y_bounds(range_of(s));
        let base = base_of(range_of(s));
        let color = theme.data(fill);
        let points = column_envelope(&canvas, &s.points, columns);
        for (x, y) in dense(&points, view.x_range, columns) {
            canvas.line((x, base), (x, y), color);
        }
        any_fill = true;
    }
    if any_fill {
        canvas.layer();
    }
    for s in &view.series {
        canvas.set_y_bounds(range_of(s));
        let base = base_of(range_of(s));
        let color = theme.data(s.color);
        match s.style {
            DrawStyle::Line => canvas.polyline(&s.points, color),
            DrawStyle::Bars => {
                for &(x, y) in column_envelope(&canvas, &s.points, columns).iter() {
                    canvas.line((x, base), (x, y), color);
                }
            }
            DrawStyle::Points => {
                for &p in &s.points {
                    canvas.point(p, color);
                }
            }
        }
    }
    buf.set_style(plot, Style::default().bg(theme.background));
    canvas.render(plot, buf);
}

/// More points than dot columns: each column's first, lowest, highest and last point, which
/// fill (or draw as bars) the same dots as all of them, at a fraction of the cost; a spike
/// still reaches its row. The points themselves stay whole for the cursor and the legend.
fn column_envelope<'a>(
    canvas: &BrailleCanvas,
    points: &'a [(f64, f64)],
    columns: usize,
) -> std::borrow::Cow<'a, [(f64, f64)]> {
    if points.len() > columns {
        std::borrow::Cow::Owned(canvas.envelope(points))
    } else {
        std::borrow::Cow::Borrowed(points)
    }
}

/// Points every 1/`columns` of the x range along the line through `points` (linear between
/// samples; a gap over four times the usual spacing, i.e. missing data, stays a gap).
fn dense(points: &[(f64, f64)], x_range: (f64, f64), columns: usize) -> Vec<(f64, f64)> {
    let (x0, x1) = x_range;
    if columns == 0 || x1 <= x0 || points.len() < 2 {
        return points.to_vec();
    }
    let dx = (x1 - x0) / columns as f64;
    let mut out = Vec::with_capacity(columns + points.len());
    for pair in points.windows(2) {
        let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
        out.push((ax, ay));
        if bx - ax > dx * 4.0 * (columns as f64 / points.len() as f64).max(1.0) {
            continue;
        }
        let mut x = ax + dx;
        while x < bx {
            out.push((x, ay + (by - ay) * (x - ax) / (bx - ax)));
            x += dx;
        }
    }
    out.extend(points.last().copied());
    out
}

/// Keep the first and last label and as many in between as fit one per line.
fn thin_labels(labels: &[String], lines: u16) -> Vec<String> {
    let room = (lines as usize).max(2);
    if labels.len() <= room {
        return labels.to_vec();
    }
    vec![labels[0].clone(), labels[labels.len() - 1].clone()]
}

fn split_for_legend(legend: &Legend, area: Rect) -> (Rect, Option<Rect>) {
    if !legend.visible || legend.entries.is_empty() {
        return (area, None);
    }
    if legend.placement_right && area.width >= 40 {
        let longest = legend
            .entries
            .iter()
            .map(|e| e.name.chars().count())
            .max()
            .unwrap_or(0) as u16;
        let width = (longest + 3).min(area.width / 3);
        let chart = Rect {
            width: area.width - width,
            ..area
        };
        let side = Rect {
            x: area.x + area.width - width,
            width,
            ..area
        };
        return (chart, Some(side));
    }
    let wanted = if legend.calcs.is_empty() && !legend.table {
        flow_lines(legend, area.width as usize).len() as u16
    } else {
        legend.entries.len() as u16 + u16::from(!legend.calcs.is_empty())
    };
    let rows = wanted.min(area.height / 3).max(u16::from(area.height >= 4));
    if rows == 0 {
        return (area, None);
    }
    let chart = Rect {
        height: area.height - rows,
        ..area
    };
    let bottom = Rect {
        y: area.y + area.height - rows,
        height: rows,
        ..area
    };
    (chart, Some(bottom))
}

/// A list legend flows entries left to right as Grafana's does: indices of entries per line.
fn flow_lines(legend: &Legend, width: usize) -> Vec<Vec<usize>> {
    let mut lines: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0;
    for (i, entry) in legend.entries.iter().enumerate() {
        let len = entry.name.chars().count().min(width.saturating_sub(3)) + 4;
        if used + len > width && !lines.last().is_some_and(Vec::is_empty) {
            lines.push(Vec::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(i);
        }
        used += len;
    }
    lines
}

fn draw_legend(legend: &Legend, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if legend.calcs.is_empty() && !legend.placement_right && !legend.table {
        draw_flow_legend(legend, area, buf, theme);
    } else {
        draw_table_legend(legend, area, buf, theme);
    }
}

fn draw_flow_legend(legend: &Legend, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let width = area.width as usize;
    let lines = flow_lines(legend, width);
    let rows = area.height as usize;
    for (row, indices) in lines.iter().take(rows).enumerate() {
        let mut spans = Vec::new();
        let last_row = row + 1 == rows && lines.len() > rows;
        let hidden: usize = lines.iter().skip(rows).map(Vec::len).sum();
        let mut used = 0;
        for &i in indices {
            let entry = &legend.entries[i];
            let name: String = entry.name.chars().take(width.saturating_sub(3)).collect();
            if last_row && used + name.chars().count() + 4 + 8 > width {
                break;
            }
            used += name.chars().count() + 4;
            spans.push(Span::styled(
                "━ ",
                Style::default().fg(theme.data(entry.color)),
            ));
            spans.push(Span::styled(
                format!("{name}  "),
                Style::default().fg(theme.text),
            ));
        }
        if last_row {
            let shown: usize = spans.len() / 2;
            spans.push(Span::styled(
                format!("+{} more", hidden + indices.len() - shown),
                Style::default().fg(theme.dim),
            ));
        }
        Line::from(spans).render(
            Rect {
                y: area.y + row as u16,
                height: 1,
                ..area
            },
            buf,
        );
    }
}

fn draw_table_legend(legend: &Legend, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let value_width = 10usize;
    let calc_width = legend.calcs.len() * (value_width + 1);
    let name_width = (area.width as usize).saturating_sub(calc_width + 2).max(4);
    let mut y = area.y;
    if !legend.calcs.is_empty() && area.height > 1 {
        let mut header = format!("{:<width$}", "", width = name_width + 2);
        for calc in &legend.calcs {
            header.push_str(&format!(" {calc:>value_width$}"));
        }
        Line::styled(header, Style::default().fg(theme.dim)).render(
            Rect {
                y,
                height: 1,
                ..area
            },
            buf,
        );
        y += 1;
    }
    let rows = (area.y + area.height).saturating_sub(y) as usize;
    let hidden = legend.entries.len().saturating_sub(rows);
    for (i, entry) in legend.entries.iter().take(rows).enumerate() {
        let last = hidden > 0 && i + 1 == rows;
        let mut spans = vec![Span::styled(
            "━ ",
            Style::default().fg(theme.data(entry.color)),
        )];
        let name: String = if last {
            format!("+{} more series", hidden + 1)
        } else {
            entry.name.chars().take(name_width).collect()
        };
        spans.push(Span::styled(
            format!("{name:<name_width$}"),
            Style::default().fg(if last { theme.dim } else { theme.text }),
        ));
        if !last {
            for value in &entry.values {
                spans.push(Span::styled(
                    format!(" {value:>value_width$}"),
                    Style::default().fg(theme.text),
                ));
            }
        }
        Line::from(spans).render(
            Rect {
                y: y + i as u16,
                height: 1,
                ..area
            },
            buf,
        );
    }
}

/// Width ratatui's chart gives the y labels (the widest label).
fn y_label_width(view: &TimeSeriesView, area: Rect) -> u16 {
    if area.height < 3 {
        return 0;
    }
    view.y_labels
        .iter()
        .map(|l| l.chars().count() as u16)
        .max()
        .unwrap_or(0)
}

/// Threshold areas as background colour behind the data, and dashed threshold lines. Without
/// colour a band cannot show, so its lower edge is drawn as a dashed line instead.
fn draw_threshold_bands(view: &TimeSeriesView, plot: Rect, buf: &mut Buffer, theme: &Theme) {
    let (lo, hi) = view.y_range;
    if plot.width == 0 || plot.height == 0 || hi <= lo {
        return;
    }
    let row_of = |v: f64| -> Option<u16> {
        let r = ((hi - v) / (hi - lo) * f64::from(plot.height)).floor();
        (r >= 0.0 && r < f64::from(plot.height)).then_some(r as u16)
    };
    if theme.colour {
        for r in 0..plot.height {
            let value = hi - (f64::from(r) + 0.5) / f64::from(plot.height) * (hi - lo);
            let Some((_, _, colour)) = view
                .threshold_bands
                .iter()
                .find(|(from, to, _)| *from <= value && value < *to)
            else {
                continue;
            };
            for c in 0..plot.width {
                buf[(plot.x + c, plot.y + r)].set_bg(theme.data(*colour));
            }
        }
    }
    let mut dashed: Vec<(f64, crate::view::Rgb)> = Vec::new();
    if view.threshold_dashed {
        dashed.extend(view.threshold_lines.iter().copied());
    }
    if !theme.colour && view.threshold_lines.is_empty() {
        dashed.extend(
            view.threshold_bands
                .iter()
                .skip(1)
                .map(|(from, _, c)| (*from, *c)),
        );
    }
    let dash = if theme.ascii { "-" } else { "╌" };
    for (value, colour) in dashed {
        let Some(r) = row_of(value) else { continue };
        for c in (0..plot.width).step_by(2) {
            let cell = &mut buf[(plot.x + c, plot.y + r)];
            if cell.symbol() == " " || cell.symbol() == "⠀" {
                cell.set_symbol(dash).set_fg(theme.data(colour));
            }
        }
    }
}

/// A dotted vertical line at a marked instant (over blank cells only, so the data stays
/// readable) with its label at the top; nothing when the instant is off the chart.
fn draw_marker(
    view: &TimeSeriesView,
    plot: Rect,
    marker: &crate::view::TimeMarker,
    buf: &mut Buffer,
    theme: &Theme,
    labelled: &mut Vec<(u16, u16)>,
) {
    let (x0, x1) = view.x_range;
    let end_ms = marker.end_ms.unwrap_or(marker.at_ms);
    if plot.width < 2 || plot.height < 1 || x1 <= x0 || end_ms < x0 || marker.at_ms > x1 {
        return;
    }
    let column_of = |at: f64| {
        let fraction = ((at - x0) / (x1 - x0)).clamp(0.0, 1.0);
        plot.x + ((plot.width - 1) as f64 * fraction).round() as u16
    };
    let (column, last) = (column_of(marker.at_ms), column_of(end_ms));
    let style = Style::default().fg(marker.color.map_or(theme.warning, |c| theme.data(c)));
    // A region is a faint band of its colour behind the lines, edged where its ends show.
    if marker.end_ms.is_some() && theme.colour {
        let band = faint(theme, marker.color);
        for x in column..=last {
            for y in plot.y..plot.y + plot.height {
                buf[(x, y)].set_bg(band);
            }
        }
    }
    let edges = [
        (marker.at_ms >= x0).then_some(column),
        (marker.end_ms.is_some() && end_ms <= x1).then_some(last),
    ];
    for x in edges.into_iter().flatten() {
        for y in plot.y..plot.y + plot.height {
            let cell = &mut buf[(x, y)];
            if cell.symbol() == " " || cell.symbol() == "⠀" {
                cell.set_symbol("┊")
                    .set_fg(style.fg.unwrap_or(theme.warning));
            }
        }
    }
    // The label reads rightwards from the line, or ends at it when the line is near the right
    // edge (a marker at "now" is common: a deploy, an alert that just fired).
    let room = usize::from(plot.x + plot.width - column);
    let label = format!("▼{}", marker.label);
    let len = label.chars().count();
    let (start, text) = if len > room && usize::from(column - plot.x) + 1 >= len {
        (column + 1 - len as u16, format!("{}▼", marker.label))
    } else {
        (column, label.chars().take(room).collect::<String>())
    };
    let end = start + text.chars().count() as u16;
    if labelled.iter().any(|&(a, b)| start < b + 1 && a < end + 1) {
        // Only the `▼`, and not over a label already drawn (its line below still shows).
        if !labelled.iter().any(|&(a, b)| (a..b).contains(&column)) {
            buf.set_string(column, plot.y, "▼", style);
        }
        return;
    }
    buf.set_string(start, plot.y, text, style);
    labelled.push((start, end));
}

/// A region's band: its colour at 15 % over the plot's background (Grafana shades regions
/// faintly so the lines stay readable).
fn faint(theme: &Theme, colour: Option<crate::view::Rgb>) -> ratatui::style::Color {
    let crate::view::Rgb(r, g, b) =
        colour.map_or(crate::view::Rgb(250, 222, 42), |c| theme.data_rgb(c));
    let (br, bg, bb) = match theme.background {
        ratatui::style::Color::Rgb(r, g, b) => (r, g, b),
        _ => (24, 27, 31),
    };
    let mix = |f: u8, b: u8| (f64::from(f) * 0.15 + f64::from(b) * 0.85).round() as u8;
    ratatui::style::Color::Rgb(mix(r, br), mix(g, bg), mix(b, bb))
}

/// Exemplars as `◆` at their time and value (the selected one `◈`, reversed), over the lines.
fn draw_exemplars(view: &TimeSeriesView, plot: Rect, buf: &mut Buffer, theme: &Theme) {
    let ((x0, x1), (y0, y1)) = (view.x_range, view.y_range);
    if plot.width < 2 || plot.height < 2 || x1 <= x0 || y1 <= y0 {
        return;
    }
    for e in &view.exemplars {
        // On a log axis the points are logarithms; the exemplar's value must be one too.
        let y = to_axis(e.value, view.log_base);
        if !(x0..=x1).contains(&e.at_ms) || !y.is_finite() {
            continue;
        }
        let fx = (e.at_ms - x0) / (x1 - x0);
        let fy = ((y - y0) / (y1 - y0)).clamp(0.0, 1.0);
        let column = plot.x + ((plot.width - 1) as f64 * fx).round() as u16;
        let row = plot.y + ((plot.height - 1) as f64 * (1.0 - fy)).round() as u16;
        let (glyph, style) = if e.selected {
            (
                "◈",
                Style::default()
                    .fg(theme.error)
                    .add_modifier(ratatui::style::Modifier::REVERSED),
            )
        } else {
            ("◆", Style::default().fg(theme.warning))
        };
        buf[(column, row)].set_symbol(glyph).set_style(style);
    }
}

/// A vertical line at the cursor and a box with every series' value at that instant.
fn draw_cursor(view: &TimeSeriesView, plot: Rect, cursor: f64, buf: &mut Buffer, theme: &Theme) {
    if plot.width < 2 || plot.height < 2 {
        return;
    }
    let column = plot.x + ((plot.width - 1) as f64 * cursor).round() as u16;
    for y in plot.y..plot.y + plot.height {
        let cell = &mut buf[(column, y)];
        if cell.symbol() == " " {
            cell.set_symbol("│").set_fg(theme.dim);
        }
    }
    let t = view.x_range.0 + (view.x_range.1 - view.x_range.0) * cursor;
    let time = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(t as i64)
        .map(|d| {
            chrono::Local
                .from_utc_datetime(&d.naive_utc())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    let mut lines = vec![Line::styled(time, Style::default().fg(theme.title))];
    for series in view
        .series
        .iter()
        .take(plot.height.saturating_sub(3) as usize)
    {
        let value = nearest(&series.points, t)
            .map(|v| view.log_base.map_or(v, |base| base.powf(v)))
            .map(|v| {
                crate::grafana::units::format_value(v, series.unit.as_deref(), series.decimals)
                    .to_string()
            })
            .unwrap_or_else(|| "-".into());
        lines.push(Line::from(vec![
            Span::styled("━ ", Style::default().fg(theme.data(series.color))),
            Span::styled(
                format!("{}  ", series.name),
                Style::default().fg(theme.text),
            ),
            Span::styled(value, Style::default().fg(theme.title)),
        ]));
    }
    super::draw_cursor_box(lines, plot, column, buf, theme);
}

/// The value of the point nearest to `t` (points are in time order).
fn nearest(points: &[(f64, f64)], t: f64) -> Option<f64> {
    let i = points.partition_point(|p| p.0 < t);
    let candidates = [i.checked_sub(1), Some(i)];
    candidates
        .into_iter()
        .flatten()
        .filter_map(|i| points.get(i))
        .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()))
        .map(|p| p.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_point_to_the_cursor() {
        let points = [(0.0, 1.0), (10.0, 2.0), (20.0, 3.0)];
        assert_eq!(nearest(&points, 4.0), Some(1.0));
        assert_eq!(nearest(&points, 6.0), Some(2.0));
        assert_eq!(nearest(&points, 99.0), Some(3.0));
        assert_eq!(nearest(&[], 1.0), None);
    }
}
