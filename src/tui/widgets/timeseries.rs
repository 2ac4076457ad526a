//! Time-series panel: braille lines on labelled axes, with a legend below or to the right.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Widget};

use crate::tui::theme::Theme;
use crate::view::{Legend, TimeSeriesView};

pub fn draw(view: &TimeSeriesView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let (chart_area, legend_area) = split_for_legend(&view.legend, area);
    let threshold_lines: Vec<[(f64, f64); 2]> = view
        .threshold_lines
        .iter()
        .map(|(y, _)| [(view.x_range.0, *y), (view.x_range.1, *y)])
        .collect();
    let mut datasets: Vec<Dataset> = view
        .threshold_lines
        .iter()
        .zip(&threshold_lines)
        .map(|((_, colour), line)| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(theme.data(*colour)))
                .data(line)
        })
        .collect();
    datasets.extend(view.series.iter().map(|s| {
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(theme.data(s.color)))
            .data(&s.points)
    }));
    let axis_style = Style::default().fg(theme.dim);
    let x_labels: Vec<Line> = if chart_area.height >= 6 {
        view.x_labels
            .iter()
            .map(|l| Line::styled(l.clone(), axis_style))
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
    let chart = Chart::new(datasets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([view.x_range.0, view.x_range.1])
                .labels(x_labels)
                .style(axis_style),
        )
        .y_axis(
            Axis::default()
                .bounds([view.y_range.0, view.y_range.1])
                .labels(y_labels)
                .style(axis_style),
        );
    chart.render(chart_area, buf);
    if let Some(legend_area) = legend_area {
        draw_legend(&view.legend, legend_area, buf, theme);
    }
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
    let wanted = if legend.calcs.is_empty() {
        flow_lines(legend, area.width as usize).len() as u16
    } else {
        legend.entries.len() as u16 + 1
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
    if legend.calcs.is_empty() && !legend.placement_right {
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
