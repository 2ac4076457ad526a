//! Title search (`/`): type part of a panel title, Enter focuses the first panel that has it.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::chrome::draw_box;
use super::{Context, Effect};
use std::sync::Arc;

use crate::grafana::model::Panel;
use crate::tui::theme::Theme;

pub(super) fn key(query: &mut String, code: KeyCode, ctx: &Context) -> Effect {
    match code {
        KeyCode::Backspace => {
            query.pop();
            Effect::None
        }
        KeyCode::Char(c) => {
            query.push(c);
            Effect::None
        }
        KeyCode::Enter => match search(ctx.panels, query) {
            Some(panel) => Effect::FocusPanel(panel),
            None => Effect::Close,
        },
        _ => Effect::None,
    }
}

pub(super) fn draw(
    query: &str,
    panels: &[Arc<Panel>],
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let hit = search(panels, query).map(|i| panels[i].title.clone());
    let lines = vec![
        Line::from(vec![Span::styled(
            format!("/{query}▏"),
            Style::default().fg(theme.text),
        )]),
        Line::styled(
            hit.map(|t| format!("→ {t}"))
                .unwrap_or_else(|| "no panel title matches".into()),
            Style::default().fg(theme.dim),
        ),
    ];
    draw_box(" jump to panel ", lines, 60, area, buf, theme);
}

/// First panel whose title contains the query (case-insensitive).
pub fn search(panels: &[Arc<Panel>], query: &str) -> Option<usize> {
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return None;
    }
    panels
        .iter()
        .position(|p| p.title.to_lowercase().contains(&needle))
}
