//! Widgets that paint view models into a ratatui buffer. They know nothing of JSON or HTTP.

mod bigtext;
mod braille;
mod gauge;
mod heatmap;
mod histogram;
pub(crate) mod logs;
mod message;
mod pie;
mod stat;
mod states;
mod table;
mod timeseries;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use super::theme::Theme;
use crate::view::{PanelBody, PanelView};

/// Draw one panel: its frame and title, then its body. `cursor` (0..1 across the time axis)
/// shows the values of every series at that instant (fullscreen time series).
pub fn draw_panel(
    view: &PanelView,
    area: Rect,
    buf: &mut Buffer,
    focused: bool,
    theme: &Theme,
    cursor: Option<f64>,
) {
    if area.width < 2 || area.height < 2 {
        return;
    }
    let border_style = if focused {
        Style::default()
            .fg(theme.border_focused)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(theme.border)
    };
    let mut title = vec![Span::styled(
        format!(" {} ", view.title),
        Style::default()
            .fg(theme.title)
            .add_modifier(Modifier::BOLD),
    )];
    if !view.errors.is_empty() && !matches!(view.body, PanelBody::Message { .. }) {
        title.push(Span::styled("⚠ ", Style::default().fg(theme.error)));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border_style)
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let body_area = if !view.errors.is_empty()
        && !matches!(view.body, PanelBody::Message { .. })
        && inner.height > 2
    {
        let error_line = Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        };
        Line::styled(view.errors[0].clone(), Style::default().fg(theme.error))
            .render(error_line, buf);
        Rect {
            height: inner.height - 1,
            ..inner
        }
    } else if !view.notes.is_empty()
        && !matches!(view.body, PanelBody::Message { .. })
        && inner.height > 3
    {
        let note_line = Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        };
        Line::styled(
            format!("ⓘ {}", view.notes[0]),
            Style::default().fg(theme.dim),
        )
        .render(note_line, buf);
        Rect {
            height: inner.height - 1,
            ..inner
        }
    } else {
        inner
    };
    match &view.body {
        _ if view.stale => {
            draw_body(view, body_area, buf, theme, cursor);
            buf.set_style(
                body_area,
                Style::default().fg(theme.dim).add_modifier(Modifier::DIM),
            );
        }
        _ => draw_body(view, body_area, buf, theme, cursor),
    }
}

/// Below this inner size (columns, lines) a panel's body cannot say anything true: a chart
/// squeezed into a few cells misleads more than it shows.
fn minimum_size(body: &PanelBody) -> (u16, u16) {
    match body {
        PanelBody::TimeSeries(_) => (16, 4),
        PanelBody::Heatmap(_) => (14, 3),
        PanelBody::Table(_) => (12, 2),
        PanelBody::Gauge(_) => (8, 1),
        PanelBody::States(_) => (12, 1),
        PanelBody::Pie(_) => (10, 1),
        PanelBody::Histogram(_) => (12, 4),
        PanelBody::Logs(_) => (8, 1),
        PanelBody::Stat(_) | PanelBody::Text(_) | PanelBody::Message { .. } => (1, 1),
    }
}

fn draw_body(
    view: &PanelView,
    body_area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
    cursor: Option<f64>,
) {
    let (min_width, min_height) = minimum_size(&view.body);
    if body_area.width < min_width || body_area.height < min_height {
        let text = if body_area.width >= 14 {
            "too small: Enter opens it"
        } else {
            "Enter ↵"
        };
        ratatui::widgets::Paragraph::new(Line::styled(text, Style::default().fg(theme.dim)))
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(body_area, buf);
        return;
    }
    match &view.body {
        PanelBody::Stat(stat) => stat::draw(stat, body_area, buf, theme),
        PanelBody::TimeSeries(ts) => timeseries::draw(ts, body_area, buf, theme, cursor),
        PanelBody::Heatmap(h) => heatmap::draw(h, body_area, buf, theme, cursor),
        PanelBody::Table(t) => table::draw(t, body_area, buf, theme),
        PanelBody::Gauge(g) => gauge::draw(g, body_area, buf, theme),
        PanelBody::States(s) => states::draw(s, body_area, buf, theme),
        PanelBody::Pie(p) => pie::draw(p, body_area, buf, theme),
        PanelBody::Histogram(h) => histogram::draw(h, body_area, buf, theme),
        PanelBody::Logs(l) => logs::draw(l, body_area, buf, theme),
        PanelBody::Text(lines) => {
            let text: Vec<ratatui::text::Line> = lines
                .iter()
                .map(|l| ratatui::text::Line::styled(l.clone(), Style::default().fg(theme.text)))
                .collect();
            ratatui::widgets::Paragraph::new(text)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .render(body_area, buf);
        }
        PanelBody::Message { kind, text } => message::draw(*kind, text, body_area, buf, theme),
    }
}

/// The read-out box of a cursor: its lines in a bordered box at the top of the plot, on the
/// side of the cursor with more room.
pub(crate) fn draw_cursor_box(
    lines: Vec<Line<'_>>,
    plot: Rect,
    column: u16,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let width = lines
        .iter()
        .map(|l| l.width() as u16)
        .max()
        .unwrap_or(10)
        .saturating_add(2)
        .min(plot.width);
    let height = (lines.len() as u16 + 2).min(plot.height);
    let x = if column.saturating_sub(plot.x) > plot.width / 2 {
        column.saturating_sub(width + 1).max(plot.x)
    } else {
        (column + 2).min(plot.x + plot.width - width)
    };
    let rect = Rect {
        x,
        y: plot.y,
        width,
        height,
    };
    ratatui::widgets::Clear.render(rect, buf);
    ratatui::widgets::Paragraph::new(lines)
        .block(Block::bordered().border_style(Style::default().fg(theme.border_focused)))
        .render(rect, buf);
}
