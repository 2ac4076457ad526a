//! The time picker (quick relative ranges) and the typed range it hands over to (`a` / Tab),
//! which takes any Grafana range, absolute ones too.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::chrome::{draw_box, selectable};
use super::{Context, Effect, Outcome, Overlay};
use crate::tui::theme::Theme;
use crate::tui::timenav::QUICK_RANGES;

pub(super) fn picker_key(cursor: &mut usize, code: KeyCode, ctx: &Context) -> Outcome {
    match code {
        KeyCode::Up | KeyCode::Char('k') => {
            *cursor = cursor.saturating_sub(1);
            Outcome::Effect(Effect::None)
        }
        KeyCode::Down | KeyCode::Char('j') => {
            *cursor = (*cursor + 1).min(QUICK_RANGES.len() - 1);
            Outcome::Effect(Effect::None)
        }
        KeyCode::Enter => Outcome::Effect(Effect::SetRelativeRange(
            QUICK_RANGES[*cursor].0.to_string(),
        )),
        // Type a range of your own, starting from the one shown.
        KeyCode::Char('a') | KeyCode::Tab => Outcome::Become(Overlay::TimeRangeInput {
            from: ctx.range.0.to_string(),
            to: ctx.range.1.to_string(),
            field: 0,
            error: None,
        }),
        _ => Outcome::Effect(Effect::None),
    }
}

pub(super) fn range_input_key(
    from: &mut String,
    to: &mut String,
    field: &mut usize,
    error: &mut Option<String>,
    code: KeyCode,
) -> Effect {
    let text = if *field == 0 { &mut *from } else { &mut *to };
    match code {
        KeyCode::Tab | KeyCode::Down | KeyCode::Up | KeyCode::BackTab => {
            *field = 1 - *field;
            Effect::None
        }
        KeyCode::Backspace => {
            text.pop();
            *error = None;
            Effect::None
        }
        KeyCode::Char(c) => {
            text.push(c);
            *error = None;
            Effect::None
        }
        KeyCode::Enter => {
            let (f, t) = (from.trim().to_string(), to.trim().to_string());
            match crate::grafana::timerange::TimeRange::resolve(&f, &t, chrono::Utc::now()) {
                Ok(_) => Effect::SetRange { from: f, to: t },
                Err(e) => {
                    *error = Some(e.to_string());
                    Effect::None
                }
            }
        }
        _ => Effect::None,
    }
}

pub(super) fn draw_picker(cursor: usize, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let mut lines: Vec<Line> = QUICK_RANGES
        .iter()
        .enumerate()
        .map(|(i, (_, label))| selectable(label, i == cursor, theme))
        .collect();
    lines.push(Line::styled(
        "  a: type a range (absolute too)",
        Style::default().fg(theme.dim),
    ));
    draw_box(" time range ", lines, 36, area, buf, theme);
}

pub(super) fn draw_range_input(
    from: &str,
    to: &str,
    field: usize,
    error: Option<&str>,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let row = |label: &str, text: &str, active: bool| {
        let cursor = if active { "▏" } else { "" };
        selectable(&format!("{label} {text}{cursor}"), active, theme)
    };
    let mut lines = vec![
        row("from:", from, field == 0),
        row("to:  ", to, field == 1),
        Line::raw(""),
        Line::styled(
            "  2026-11-24T10:00:00Z, 2026-11-24 10:00, now-2d, now/d",
            Style::default().fg(theme.dim),
        ),
        Line::styled(
            "  Tab: other field · Enter: apply · Esc: cancel",
            Style::default().fg(theme.dim),
        ),
    ];
    if let Some(e) = error {
        lines.push(Line::styled(
            format!("  {e}"),
            Style::default().fg(theme.error),
        ));
    }
    draw_box(" time range ", lines, 62, area, buf, theme);
}
