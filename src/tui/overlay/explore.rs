//! The explore prompt (`e`): type PromQL to run as a panel; ↑↓ step through earlier queries.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::chrome::draw_box;
use super::{Context, Effect};
use crate::tui::theme::Theme;

pub(super) fn key(input: &mut String, history: &mut usize, code: KeyCode, ctx: &Context) -> Effect {
    match code {
        KeyCode::Up if *history < ctx.explore_history.len() => {
            *history += 1;
            *input = ctx.explore_history[ctx.explore_history.len() - *history].clone();
        }
        KeyCode::Down if *history > 0 => {
            *history -= 1;
            *input = if *history == 0 {
                String::new()
            } else {
                ctx.explore_history[ctx.explore_history.len() - *history].clone()
            };
        }
        KeyCode::Backspace => {
            input.pop();
        }
        KeyCode::Char(c) => input.push(c),
        KeyCode::Enter if !input.trim().is_empty() => {
            return Effect::Explore(input.trim().to_string());
        }
        _ => {}
    }
    Effect::None
}

pub(super) fn draw(input: &str, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let lines = vec![
        Line::from(vec![Span::styled(
            format!("{input}▏"),
            Style::default().fg(theme.text),
        )]),
        Line::styled(
            "Enter runs it as a panel · ↑↓ history · Esc cancels",
            Style::default().fg(theme.dim),
        ),
    ];
    draw_box(
        " explore: PromQL ",
        lines,
        area.width.saturating_sub(8).min(120),
        area,
        buf,
        theme,
    );
}
