//! Stat panel: one or more reduced values, coloured by threshold, with an optional sparkline.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Widget};

use crate::tui::theme::Theme;
use crate::view::{StatColorMode, StatValue, StatView};

pub fn draw(view: &StatView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if view.values.is_empty() || area.width == 0 || area.height == 0 {
        return;
    }
    // Side by side when there is width for it, else stacked, as Grafana's auto orientation does;
    // when neither fits them all, as many as fit whole (a value cut to a few digits would read
    // as another number) and a count of the rest.
    let n = view.values.len() as u16;
    let longest = view
        .values
        .iter()
        .map(|v| v.text.chars().count() as u16 + 1)
        .max()
        .unwrap_or(1)
        .max(4);
    let (horizontal, shown) =
        if area.width / n >= 12 || (area.height < n && area.width / n >= longest) {
            (true, n)
        } else if area.height >= n {
            (false, n)
        } else {
            (true, (area.width / longest).clamp(1, n))
        };
    for (i, value) in view.values.iter().take(shown as usize).enumerate() {
        let i = i as u16;
        let cell = if horizontal {
            let x0 = area.x + area.width * i / shown;
            let x1 = area.x + area.width * (i + 1) / shown;
            Rect {
                x: x0,
                width: x1 - x0,
                ..area
            }
        } else {
            let y0 = area.y + area.height * i / shown;
            let y1 = area.y + area.height * (i + 1) / shown;
            Rect {
                y: y0,
                height: y1 - y0,
                ..area
            }
        };
        draw_value(view, value, cell, buf, theme);
    }
    if shown < n {
        let more = format!("+{}", n - shown);
        let x = area.x + area.width.saturating_sub(more.len() as u16);
        buf.set_string(
            x,
            area.y + area.height - 1,
            more,
            Style::default().fg(theme.dim),
        );
    }
}

fn draw_value(view: &StatView, value: &StatValue, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let colour = value.color.map(|c| theme.data(c)).unwrap_or(theme.text);
    let (value_style, fill) = match view.color_mode {
        StatColorMode::Background if theme.colour => (
            Style::default()
                .fg(Color::Rgb(17, 18, 23))
                .bg(colour)
                .add_modifier(Modifier::BOLD),
            Some(colour),
        ),
        StatColorMode::None => (
            Style::default().fg(theme.text).add_modifier(Modifier::BOLD),
            None,
        ),
        _ => (
            Style::default().fg(colour).add_modifier(Modifier::BOLD),
            None,
        ),
    };
    if let Some(bg) = fill {
        buf.set_style(area, Style::default().bg(bg));
    }
    let mut lines: Vec<Line> = Vec::new();
    if view.show_names && !value.name.is_empty() {
        let name_style = match fill {
            Some(_) => value_style.remove_modifier(Modifier::BOLD),
            None => Style::default().fg(theme.dim),
        };
        lines.push(Line::styled(value.name.clone(), name_style));
    }
    if view.show_values {
        let mut spans = vec![Span::styled(value.text.clone(), value_style)];
        // State in words as well as colour, for colour-blind users and monochrome terminals.
        if let Some(state) = &value.state {
            let room = area.width as usize;
            if value.text.chars().count() + state.chars().count() + 1 < room {
                spans.push(Span::styled(
                    format!(" {state}"),
                    value_style.remove_modifier(Modifier::BOLD),
                ));
            }
        }
        lines.push(Line::from(spans));
    }
    // One row for name and value: the value is what the panel is for.
    if view.show_values && lines.len() as u16 > area.height {
        lines.remove(0);
    }
    let spark_rows =
        if view.sparkline && area.height >= lines.len() as u16 + 2 && !value.sparkline.is_empty() {
            (area.height - lines.len() as u16).min(3) - 1
        } else {
            0
        };
    let text_height = area.height - spark_rows;
    if view.show_values
        && let Some(big) = big_value_lines(
            value,
            area.width,
            text_height,
            lines.len() as u16,
            value_style,
        )
    {
        lines.pop();
        lines.extend(big);
    }
    let top = area.y + text_height.saturating_sub(lines.len() as u16) / 2;
    let text_area = Rect {
        y: top,
        height: (area.y + text_height).saturating_sub(top),
        ..area
    };
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .render(text_area, buf);
    if spark_rows > 0 {
        let spark_area = Rect {
            y: area.y + area.height - spark_rows,
            height: spark_rows,
            ..area
        };
        draw_sparkline(
            &value.sparkline,
            spark_area,
            buf,
            if fill.is_some() {
                Color::Rgb(17, 18, 23)
            } else {
                colour
            },
            fill,
        );
    }
}

/// The value in three-line digits with its unit beside the last line, when it fits.
fn big_value_lines(
    value: &StatValue,
    width: u16,
    height: u16,
    lines: u16,
    style: Style,
) -> Option<Vec<Line<'static>>> {
    let (number, unit) = super::bigtext::split_number(&value.text);
    if number.is_empty() || height < lines + 2 + 1 {
        return None;
    }
    let big = super::bigtext::render(number)?;
    let state = value
        .state
        .as_ref()
        .map(|s| format!(" {s}"))
        .unwrap_or_default();
    let needed = big[0].chars().count() + unit.chars().count() + state.chars().count() + 2;
    if needed > width as usize {
        return None;
    }
    let pad = " ".repeat(unit.chars().count() + state.chars().count());
    let small = style.remove_modifier(Modifier::BOLD);
    let [top, middle, bottom] = big;
    Some(vec![
        Line::from(vec![Span::styled(top, style), Span::raw(pad.clone())]),
        Line::from(vec![Span::styled(middle, style), Span::raw(pad)]),
        Line::from(vec![
            Span::styled(bottom, style),
            Span::styled(unit.to_string(), style),
            Span::styled(state, small),
        ]),
    ])
}

fn draw_sparkline(values: &[f64], area: Rect, buf: &mut Buffer, colour: Color, bg: Option<Color>) {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (Some(min), Some(max)) = (
        finite.iter().copied().reduce(f64::min),
        finite.iter().copied().reduce(f64::max),
    ) else {
        return;
    };
    // Resample to one value per column; scale so the lowest value still shows a sliver.
    let width = area.width as usize;
    let span = if max > min { max - min } else { 1.0 };
    let data: Vec<u64> = (0..width)
        .map(|col| {
            let idx = col * values.len() / width.max(1);
            let v = values.get(idx).copied().unwrap_or(f64::NAN);
            if v.is_finite() {
                (((v - min) / span) * 99.0 + 1.0) as u64
            } else {
                0
            }
        })
        .collect();
    let mut style = Style::default().fg(colour);
    if let Some(bg) = bg {
        style = style.bg(bg);
    }
    Sparkline::default()
        .data(&data)
        .max(100)
        .style(style)
        .render(area, buf);
}
