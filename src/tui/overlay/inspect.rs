//! Panel inspect (`i`): the focused panel's description, its queries (kind, step, timing,
//! size, errors) and the series they returned, scrollable.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::Effect;
use super::chrome::{centred, frame};
use crate::data::panel_data::PanelData;
use crate::grafana::model::Panel;
use crate::tui::theme::Theme;

/// Arrows and pages scroll; any other key closes.
pub(super) fn key(scroll: &mut u16, code: KeyCode) -> Effect {
    match code {
        KeyCode::Down | KeyCode::Char('j') => {
            *scroll = scroll.saturating_add(1);
            Effect::None
        }
        KeyCode::Up | KeyCode::Char('k') => {
            *scroll = scroll.saturating_sub(1);
            Effect::None
        }
        KeyCode::PageDown | KeyCode::Char(' ') => {
            *scroll = scroll.saturating_add(10);
            Effect::None
        }
        KeyCode::PageUp => {
            *scroll = scroll.saturating_sub(10);
            Effect::None
        }
        _ => Effect::Close,
    }
}

pub(super) fn draw(
    scroll: u16,
    focused: Option<(&Panel, Option<&PanelData>)>,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let lines = match focused {
        Some((panel, data)) => inspect_lines(panel, data, theme),
        None => vec![Line::raw("no panel focused")],
    };
    let width = area.width.saturating_sub(4);
    let rect = centred(area, width, area.height.saturating_sub(2));
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(frame(" panel inspect — ↑↓ scroll, Esc close ", theme))
        .render(rect, buf);
}

/// The inspect text: title and type, description, each query with its timing, then the series.
fn inspect_lines<'a>(
    panel: &'a Panel,
    data: Option<&'a PanelData>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let heading = |text: &str| {
        Line::styled(
            text.to_string(),
            Style::default()
                .fg(theme.title)
                .add_modifier(Modifier::BOLD),
        )
    };
    let mut lines = vec![heading(&format!("{} ({})", panel.title, panel.panel_type))];
    if let Some(description) = panel
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        lines.push(Line::raw(""));
        lines.push(heading("Description"));
        lines.extend(description.lines().map(|l| Line::raw(l.to_string())));
    }
    lines.push(Line::raw(""));
    lines.push(heading("Queries"));
    let Some(data) = data else {
        lines.push(Line::raw("(not loaded yet)"));
        return lines;
    };
    if let Some(reason) = &data.unsupported {
        lines.push(Line::styled(
            reason.clone(),
            Style::default().fg(theme.warning),
        ));
    }
    for q in &data.queries {
        let kind = if q.instant {
            "instant".to_string()
        } else {
            format!("range, step {}s", q.step_ms as f64 / 1000.0)
        };
        lines.push(Line::styled(
            format!(
                "{} · {kind} · {} ms · {} bytes",
                q.ref_id, q.duration_ms, q.bytes
            ),
            Style::default().fg(theme.dim),
        ));
        lines.push(Line::raw(format!("  {}", q.expr)));
        let span = |ms: i64| {
            chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
                .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                .unwrap_or_default()
        };
        lines.push(Line::styled(
            format!("  {} → {}", span(q.start_ms), span(q.end_ms)),
            Style::default().fg(theme.dim),
        ));
        if let Some(scrape) = &q.scrape_interval {
            lines.push(Line::styled(
                format!("  scrape interval {scrape}"),
                Style::default().fg(theme.dim),
            ));
        }
        if let Some(error) = &q.error {
            lines.push(Line::styled(
                format!("  error: {error}"),
                Style::default().fg(theme.error),
            ));
        }
    }
    lines.push(Line::raw(""));
    lines.push(heading(&format!(
        "Data: {} series, {} points",
        data.series.len(),
        data.point_count()
    )));
    for s in data.series.iter().take(200) {
        let last = s
            .points
            .iter()
            .rev()
            .find(|p| !p.1.is_nan())
            .map(|p| p.1.to_string())
            .unwrap_or_else(|| "-".into());
        lines.push(Line::raw(format!(
            "  {}  last={last}  points={}",
            s.name,
            s.points.len()
        )));
    }
    if data.series.len() > 200 {
        lines.push(Line::raw(format!("  … {} more", data.series.len() - 200)));
    }
    lines
}
