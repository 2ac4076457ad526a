//! The variable list (`v`) and the value picker of the variable chosen there: type to filter,
//! space toggles values of a multi-value variable, Enter applies.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::chrome::{draw_box, selectable};
use super::{Context, Effect, Outcome, Overlay};
use crate::engine::variables::ResolvedVariable;
use crate::grafana::vars::{ALL_TEXT, ALL_VALUE};
use crate::tui::theme::Theme;

pub(super) fn list_key(cursor: &mut usize, code: KeyCode, ctx: &Context) -> Outcome {
    let shown: Vec<usize> = visible_variables(ctx.variables);
    match code {
        KeyCode::Up | KeyCode::Char('k') => {
            *cursor = cursor.saturating_sub(1);
        }
        KeyCode::Down | KeyCode::Char('j') => {
            *cursor = (*cursor + 1).min(shown.len().saturating_sub(1));
        }
        KeyCode::Enter => {
            if let Some(&variable) = shown.get(*cursor) {
                let v = &ctx.variables[variable];
                let chosen = if v.value.is_all {
                    vec![ALL_VALUE.to_string()]
                } else {
                    v.value.value.clone()
                };
                return Outcome::Become(Overlay::VariableValues {
                    variable,
                    filter: String::new(),
                    cursor: 0,
                    chosen,
                });
            }
        }
        _ => {}
    }
    Outcome::Effect(Effect::None)
}

pub(super) fn values_key(
    v: &ResolvedVariable,
    filter: &mut String,
    cursor: &mut usize,
    chosen: &mut Vec<String>,
    code: KeyCode,
) -> Effect {
    let options = filtered_options(v, filter);
    match code {
        KeyCode::Up => *cursor = cursor.saturating_sub(1),
        KeyCode::Down => *cursor = (*cursor + 1).min(options.len().saturating_sub(1)),
        KeyCode::Backspace => {
            filter.pop();
            *cursor = 0;
        }
        KeyCode::Char(' ') if v.value.multi => {
            if let Some((_, value)) = options.get(*cursor) {
                toggle(chosen, value);
            }
        }
        KeyCode::Char(c) => {
            filter.push(c);
            *cursor = 0;
        }
        KeyCode::Enter => {
            let values = if v.value.multi && !chosen.is_empty() {
                chosen.clone()
            } else {
                match options.get(*cursor) {
                    Some((_, value)) => vec![value.clone()],
                    None => return Effect::None,
                }
            };
            return Effect::SetVariable {
                name: v.name.clone(),
                values,
            };
        }
        _ => {}
    }
    Effect::None
}

pub(super) fn draw_list(
    cursor: usize,
    variables: &[ResolvedVariable],
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let lines: Vec<Line> = visible_variables(variables)
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let v = &variables[v];
            let label = v.label.clone().unwrap_or_else(|| v.name.clone());
            selectable(
                &format!("{label} = {}", v.display_text()),
                i == cursor,
                theme,
            )
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::raw("this dashboard has no variables")]
    } else {
        lines
    };
    draw_box(" variables ", lines, 60, area, buf, theme);
}

pub(super) fn draw_values(
    v: &ResolvedVariable,
    filter: &str,
    cursor: usize,
    chosen: &[String],
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let options = filtered_options(v, filter);
    let mut lines = vec![Line::from(vec![
        Span::styled(" filter: ", Style::default().fg(theme.dim)),
        Span::styled(format!("{filter}▏"), Style::default().fg(theme.text)),
    ])];
    let visible = (area.height as usize).saturating_sub(6).max(3);
    let start = cursor.saturating_sub(visible - 1);
    for (i, (text, value)) in options.iter().enumerate().skip(start).take(visible) {
        let mark = if v.value.multi {
            if chosen.contains(value) {
                "[x] "
            } else {
                "[ ] "
            }
        } else {
            ""
        };
        lines.push(selectable(&format!("{mark}{text}"), i == cursor, theme));
    }
    if options.is_empty() {
        lines.push(Line::styled(
            "  no matching values",
            Style::default().fg(theme.dim),
        ));
    }
    let title = format!(" ${} ({} values) ", v.name, v.options.len());
    draw_box(&title, lines, 60, area, buf, theme);
}

/// Variables a user can change (hidden ones and constants are not offered).
fn visible_variables(variables: &[ResolvedVariable]) -> Vec<usize> {
    use crate::grafana::model::VariableKind;
    (0..variables.len())
        .filter(|&i| variables[i].hide < 2 && variables[i].kind != VariableKind::Constant)
        .collect()
}

/// (text, value) of the options matching a filter, `All` first when the variable has it.
fn filtered_options(v: &ResolvedVariable, filter: &str) -> Vec<(String, String)> {
    let needle = filter.to_lowercase();
    let all = v
        .value
        .include_all
        .then(|| (ALL_TEXT.to_string(), ALL_VALUE.to_string()));
    all.into_iter()
        .chain(v.options.iter().map(|o| (o.text.clone(), o.value.clone())))
        .filter(|(text, _)| needle.is_empty() || text.to_lowercase().contains(&needle))
        .collect()
}

/// Add or remove a value of a multi-value selection; `All` stands alone.
fn toggle(chosen: &mut Vec<String>, value: &str) {
    if value == ALL_VALUE {
        *chosen = vec![ALL_VALUE.to_string()];
        return;
    }
    chosen.retain(|c| c != ALL_VALUE);
    if let Some(pos) = chosen.iter().position(|c| c == value) {
        chosen.remove(pos);
    } else {
        chosen.push(value.to_string());
    }
}
