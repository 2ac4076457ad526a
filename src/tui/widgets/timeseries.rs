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
    let x_labels: Vec<Line> = if chart_area.height >= 4 {
        view.x_labels.iter().map(|l| Line::styled(l.clone(), axis_style)).collect()
    } else {
        Vec::new()
    };
    let y_labels: Vec<Line> = if chart_area.height >= 3 {
        thin_labels(&view.y_labels, chart_area.height.saturating_sub(if x_labels.is_empty() { 0 } else { 2 }))
            .into_iter()
            .map(|l| Line::styled(l, axis_style))
            .collect()
    } else {
        Vec::new()
    };
    let chart = Chart::new(datasets)
        .legend_position(None)
        .x_axis(Axis::default().bounds([view.x_range.0, view.x_range.1]).labels(x_labels).style(axis_style))
        .y_axis(Axis::default().bounds([view.y_range.0, view.y_range.1]).labels(y_labels).style(axis_style));
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
        let longest = legend.entries.iter().map(|e| e.name.chars().count()).max().unwrap_or(0) as u16;
        let width = (longest + 3).min(area.width / 3);
        let chart = Rect { width: area.width - width, ..area };
        let side = Rect { x: area.x + area.width - width, width, ..area };
        return (chart, Some(side));
    }
    let header = u16::from(!legend.calcs.is_empty());
    let wanted = legend.entries.len() as u16 + header;
    let rows = wanted.min(area.height / 3);
    if rows == 0 {
        return (area, None);
    }
    let chart = Rect { height: area.height - rows, ..area };
    let bottom = Rect { y: area.y + area.height - rows, height: rows, ..area };
    (chart, Some(bottom))
}

fn draw_legend(legend: &Legend, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let value_width = 10usize;
    let calc_width = legend.calcs.len() * (value_width + 1);
    let name_width = (area.width as usize).saturating_sub(calc_width + 2).max(4);
    let mut y = area.y;
    if !legend.calcs.is_empty() && area.height > 1 {
        let mut header = format!("{:<width$}", "", width = name_width + 2);
        for calc in &legend.calcs {
            header.push_str(&format!(" {calc:>value_width$}"));
        }
        Line::styled(header, Style::default().fg(theme.dim)).render(Rect { y, height: 1, ..area }, buf);
        y += 1;
    }
    let rows = (area.y + area.height).saturating_sub(y) as usize;
    let hidden = legend.entries.len().saturating_sub(rows);
    for (i, entry) in legend.entries.iter().take(rows).enumerate() {
        let mut spans = vec![Span::styled("━ ", Style::default().fg(theme.data(entry.color)))];
        let mut name: String = entry.name.chars().take(name_width).collect();
        if hidden > 0 && i == rows - 1 {
            name = format!("… {} more series", hidden + 1);
        }
        spans.push(Span::styled(format!("{name:<name_width$}"), Style::default().fg(theme.text)));
        if !(hidden > 0 && i == rows - 1) {
            for value in &entry.values {
                spans.push(Span::styled(format!(" {value:>value_width$}"), Style::default().fg(theme.text)));
            }
        }
        Line::from(spans).render(Rect { y: y + i as u16, height: 1, ..area }, buf);
    }
}
