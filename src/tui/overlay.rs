//! Overlays over the dashboard: help, time picker, variable picker, panel inspect and title
//! search. Each takes keys first while open and says what the app should do.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::keymap::KEYMAP;
use super::theme::Theme;
use super::timenav::QUICK_RANGES;
use crate::data::panel_data::PanelData;
use crate::engine::variables::ResolvedVariable;
use crate::grafana::model::Panel;
use crate::grafana::vars::{ALL_TEXT, ALL_VALUE};

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    TimePicker {
        cursor: usize,
    },
    /// Typing an absolute (or any Grafana) range: `2026-11-24T10:00:00Z`, `now-2d/d`, ...
    TimeRangeInput {
        from: String,
        to: String,
        /// 0 edits `from`, 1 edits `to`.
        field: usize,
        error: Option<String>,
    },
    /// Choosing which variable to change.
    Variables {
        cursor: usize,
    },
    /// Choosing values of one variable (index into the resolved variables).
    VariableValues {
        variable: usize,
        filter: String,
        cursor: usize,
        chosen: Vec<String>,
    },
    Inspect {
        scroll: u16,
    },
    Search {
        query: String,
    },
    Dashboards {
        filter: String,
        cursor: usize,
    },
    /// Pending and firing alerts (Prometheus `/api/v1/alerts`).
    Alerts {
        cursor: usize,
    },
    /// PromQL prompt; `history` steps back through earlier queries (0 = the text being typed).
    Explore {
        input: String,
        history: usize,
    },
}

/// What closing or using an overlay asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    None,
    Close,
    SetRelativeRange(String),
    /// Any range the user typed, already checked.
    SetRange {
        from: String,
        to: String,
    },
    /// New selection (values) for a variable.
    SetVariable {
        name: String,
        values: Vec<String>,
    },
    FocusPanel(usize),
    SwitchDashboard(usize),
    Explore(String),
    /// Jump to the panels and time of this alert (index into the alert list).
    AlertSelected(usize),
}

/// What overlays may read from the app.
pub struct Context<'a> {
    pub variables: &'a [ResolvedVariable],
    pub panels: &'a [Panel],
    pub focused: Option<(&'a Panel, Option<&'a PanelData>)>,
    /// Titles of the session's dashboards.
    pub dashboards: &'a [String],
    /// Earlier explore queries, oldest first.
    pub explore_history: &'a [String],
    pub alerts: &'a AlertsState,
    /// The range shown (`from`, `to` as Grafana expressions).
    pub range: (&'a str, &'a str),
}

/// Alerts as fetched for the alerts pane.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum AlertsState {
    #[default]
    Loading,
    /// The alerts, and what failed when only one of Prometheus and Alertmanager answered.
    Loaded(Vec<crate::net::Alert>, Option<String>),
    Failed(String),
}

impl Overlay {
    pub fn is_open(&self) -> bool {
        *self != Overlay::None
    }

    /// Handle a key; the overlay may change state (e.g. from the variable list to its values).
    pub fn handle_key(&mut self, code: KeyCode, ctx: &Context) -> Effect {
        if code == KeyCode::Esc {
            return Effect::Close;
        }
        match self {
            Overlay::None => Effect::None,
            Overlay::Help => Effect::Close,
            Overlay::TimePicker { cursor } => match code {
                KeyCode::Up | KeyCode::Char('k') => {
                    *cursor = cursor.saturating_sub(1);
                    Effect::None
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    *cursor = (*cursor + 1).min(QUICK_RANGES.len() - 1);
                    Effect::None
                }
                KeyCode::Enter => Effect::SetRelativeRange(QUICK_RANGES[*cursor].0.to_string()),
                // Type a range of your own, starting from the one shown.
                KeyCode::Char('a') | KeyCode::Tab => {
                    *self = Overlay::TimeRangeInput {
                        from: ctx.range.0.to_string(),
                        to: ctx.range.1.to_string(),
                        field: 0,
                        error: None,
                    };
                    Effect::None
                }
                _ => Effect::None,
            },
            Overlay::TimeRangeInput {
                from,
                to,
                field,
                error,
            } => {
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
                        match crate::grafana::timerange::TimeRange::resolve(
                            &f,
                            &t,
                            chrono::Utc::now(),
                        ) {
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
            Overlay::Variables { cursor } => {
                let shown: Vec<usize> = visible_variables(ctx.variables);
                match code {
                    KeyCode::Up | KeyCode::Char('k') => {
                        *cursor = cursor.saturating_sub(1);
                        Effect::None
                    }
                    KeyCode::Down | KeyCode::Char('j') => {
                        *cursor = (*cursor + 1).min(shown.len().saturating_sub(1));
                        Effect::None
                    }
                    KeyCode::Enter => {
                        if let Some(&variable) = shown.get(*cursor) {
                            let v = &ctx.variables[variable];
                            let chosen = if v.value.is_all {
                                vec![ALL_VALUE.to_string()]
                            } else {
                                v.value.value.clone()
                            };
                            *self = Overlay::VariableValues {
                                variable,
                                filter: String::new(),
                                cursor: 0,
                                chosen,
                            };
                        }
                        Effect::None
                    }
                    _ => Effect::None,
                }
            }
            Overlay::VariableValues {
                variable,
                filter,
                cursor,
                chosen,
            } => {
                let Some(v) = ctx.variables.get(*variable) else {
                    return Effect::Close;
                };
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
            Overlay::Inspect { scroll } => match code {
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
            },
            Overlay::Dashboards { filter, cursor } => {
                let matches = filter_titles(ctx.dashboards, filter);
                match code {
                    KeyCode::Up => *cursor = cursor.saturating_sub(1),
                    KeyCode::Down => *cursor = (*cursor + 1).min(matches.len().saturating_sub(1)),
                    KeyCode::Backspace => {
                        filter.pop();
                        *cursor = 0;
                    }
                    KeyCode::Char(c) => {
                        filter.push(c);
                        *cursor = 0;
                    }
                    KeyCode::Enter => {
                        if let Some(&index) = matches.get(*cursor) {
                            return Effect::SwitchDashboard(index);
                        }
                    }
                    _ => {}
                }
                Effect::None
            }
            Overlay::Explore { input, history } => {
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
            Overlay::Alerts { cursor } => {
                let count = match ctx.alerts {
                    AlertsState::Loaded(alerts, _) => alerts.len(),
                    _ => 0,
                };
                match code {
                    KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => {
                        *cursor = (*cursor + 1).min(count.saturating_sub(1))
                    }
                    KeyCode::Enter if *cursor < count => return Effect::AlertSelected(*cursor),
                    _ => {}
                }
                Effect::None
            }
            Overlay::Search { query } => match code {
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
            },
        }
    }

    pub fn draw(&self, area: Rect, buf: &mut Buffer, theme: &Theme, ctx: &Context) {
        match self {
            Overlay::None => {}
            Overlay::Help => {
                let lines = KEYMAP
                    .iter()
                    .map(|b| key_line(b.keys, b.help, theme))
                    .chain([Line::raw(""), Line::styled("  In pickers: type to filter, space selects (multi), Enter applies, Esc closes", Style::default().fg(theme.dim))])
                    .collect();
                draw_box(" keys ", lines, 78, area, buf, theme);
            }
            Overlay::TimePicker { cursor } => {
                let mut lines: Vec<Line> = QUICK_RANGES
                    .iter()
                    .enumerate()
                    .map(|(i, (_, label))| selectable(label, i == *cursor, theme))
                    .collect();
                lines.push(Line::styled(
                    "  a: type a range (absolute too)",
                    Style::default().fg(theme.dim),
                ));
                draw_box(" time range ", lines, 36, area, buf, theme);
            }
            Overlay::TimeRangeInput {
                from,
                to,
                field,
                error,
            } => {
                let row = |label: &str, text: &str, active: bool| {
                    let cursor = if active { "▏" } else { "" };
                    selectable(&format!("{label} {text}{cursor}"), active, theme)
                };
                let mut lines = vec![
                    row("from:", from, *field == 0),
                    row("to:  ", to, *field == 1),
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
            Overlay::Variables { cursor } => {
                let lines: Vec<Line> = visible_variables(ctx.variables)
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let v = &ctx.variables[v];
                        let label = v.label.clone().unwrap_or_else(|| v.name.clone());
                        selectable(
                            &format!("{label} = {}", v.display_text()),
                            i == *cursor,
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
            Overlay::VariableValues {
                variable,
                filter,
                cursor,
                chosen,
            } => {
                let Some(v) = ctx.variables.get(*variable) else {
                    return;
                };
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
                    lines.push(selectable(&format!("{mark}{text}"), i == *cursor, theme));
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
            Overlay::Inspect { scroll } => {
                let lines = match ctx.focused {
                    Some((panel, data)) => inspect_lines(panel, data, theme),
                    None => vec![Line::raw("no panel focused")],
                };
                let width = area.width.saturating_sub(4);
                let rect = centred(area, width, area.height.saturating_sub(2));
                Clear.render(rect, buf);
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .scroll((*scroll, 0))
                    .block(frame(" panel inspect — ↑↓ scroll, Esc close ", theme))
                    .render(rect, buf);
            }
            Overlay::Dashboards { filter, cursor } => {
                let mut lines = vec![Line::from(vec![
                    Span::styled(" filter: ", Style::default().fg(theme.dim)),
                    Span::styled(format!("{filter}▏"), Style::default().fg(theme.text)),
                ])];
                let matches = filter_titles(ctx.dashboards, filter);
                let visible = (area.height as usize).saturating_sub(6).max(3);
                let start = cursor.saturating_sub(visible - 1);
                for (i, &index) in matches.iter().enumerate().skip(start).take(visible) {
                    lines.push(selectable(&ctx.dashboards[index], i == *cursor, theme));
                }
                draw_box(
                    &format!(" dashboards ({}) ", ctx.dashboards.len()),
                    lines,
                    70,
                    area,
                    buf,
                    theme,
                );
            }
            Overlay::Explore { input, .. } => {
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
            Overlay::Alerts { cursor } => {
                let now = chrono::Utc::now().timestamp_millis();
                let lines: Vec<Line> = match ctx.alerts {
                    AlertsState::Loading => vec![Line::raw("loading alerts…")],
                    AlertsState::Failed(e) => {
                        vec![Line::styled(e.clone(), Style::default().fg(theme.error))]
                    }
                    AlertsState::Loaded(alerts, _) if alerts.is_empty() => {
                        vec![Line::raw("no pending or firing alerts")]
                    }
                    AlertsState::Loaded(alerts, _) => alerts
                        .iter()
                        .enumerate()
                        .flat_map(|(i, a)| {
                            let since = a
                                .active_at_ms
                                .map(|t| format!(" since {}", age(now - t)))
                                .unwrap_or_default();
                            let name = a.labels.get("alertname").cloned().unwrap_or_default();
                            let severity = a.labels.get("severity").cloned().unwrap_or_default();
                            let marker = if a.state == "firing" {
                                "● firing "
                            } else {
                                "○ pending"
                            };
                            // Who reports it, and Alertmanager's silence or inhibition.
                            let source = match a.source.as_str() {
                                "alertmanager" => " · Alertmanager",
                                "prometheus+alertmanager" => " · Prometheus + Alertmanager",
                                _ => "",
                            };
                            let suppressed = a
                                .suppressed
                                .as_ref()
                                .map(|s| format!(" · {s}"))
                                .unwrap_or_default();
                            let head =
                                format!("{marker} {name} [{severity}]{since}{source}{suppressed}");
                            let summary = a.annotations.get("summary").cloned().unwrap_or_default();
                            let labels: Vec<String> = a
                                .labels
                                .iter()
                                .filter(|(k, _)| !matches!(k.as_str(), "alertname" | "severity"))
                                .map(|(k, v)| format!("{k}={v}"))
                                .collect();
                            let runbook = a
                                .annotations
                                .get("runbook_url")
                                .map(|u| format!("    runbook: {u}"));
                            let colour = if a.state == "firing" {
                                theme.error
                            } else {
                                theme.warning
                            };
                            let mut head_line = selectable(&head, i == *cursor, theme);
                            if i != *cursor {
                                head_line = head_line.style(Style::default().fg(colour));
                            }
                            let mut lines = vec![
                                head_line,
                                Line::styled(
                                    format!("    {summary}"),
                                    Style::default().fg(theme.text),
                                ),
                                Line::styled(
                                    format!("    {}", labels.join(" ")),
                                    Style::default().fg(theme.dim),
                                ),
                            ];
                            // On a line of its own, so the whole link fits (and is clickable).
                            lines.extend(runbook.map(|r| {
                                Line::styled(r, Style::default().fg(theme.border_focused))
                            }));
                            lines
                        })
                        .collect(),
                };
                let mut lines = lines;
                if let AlertsState::Loaded(_, Some(partial)) = ctx.alerts {
                    lines.insert(
                        0,
                        Line::styled(format!("⚠ {partial}"), Style::default().fg(theme.warning)),
                    );
                }
                lines.push(Line::styled(
                    "Enter: the matching panel, from shortly before the alert fired",
                    Style::default().fg(theme.dim),
                ));
                draw_box(
                    " alerts ",
                    lines,
                    area.width.saturating_sub(6).min(120),
                    area,
                    buf,
                    theme,
                );
            }
            Overlay::Search { query } => {
                let hit = search(ctx.panels, query).map(|i| ctx.panels[i].title.clone());
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
        }
    }
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

/// `12m`, `3h`, `2d`: how long ago, for alert lists.
fn age(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// Panels that show what an alert is about: scored by how many of the alert's label values
/// (service, instance, endpoint, ...) their queries select, and by words of the alert name in
/// their titles. Best first; empty when nothing matches.
pub fn panels_for_alert(alert: &crate::net::Alert, panels: &[(String, Vec<String>)]) -> Vec<usize> {
    let values: Vec<&String> = alert
        .labels
        .iter()
        .filter(|(k, v)| k.as_str() != "alertname" && k.as_str() != "severity" && !v.is_empty())
        .map(|(_, v)| v)
        .collect();
    let name = alert
        .labels
        .get("alertname")
        .map(|n| n.to_lowercase())
        .unwrap_or_default();
    let mut scored: Vec<(usize, usize)> = panels
        .iter()
        .enumerate()
        .map(|(i, (title, exprs))| {
            let title = title.to_lowercase();
            let by_labels = values
                .iter()
                .filter(|v| exprs.iter().any(|e| e.contains(v.as_str())))
                .count();
            let by_name = [
                "latency",
                "error",
                "availability",
                "budget",
                "queue",
                "cpu",
                "memory",
                "gpu",
            ]
            .iter()
            .filter(|w| name.contains(*w) && title.contains(*w))
            .count();
            (i, by_labels + 3 * by_name)
        })
        .filter(|(_, score)| *score > 0)
        .collect();
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().map(|(i, _)| i).collect()
}

/// Indices of the titles containing the filter (case-insensitive).
fn filter_titles(titles: &[String], filter: &str) -> Vec<usize> {
    let needle = filter.to_lowercase();
    (0..titles.len())
        .filter(|&i| titles[i].to_lowercase().contains(&needle))
        .collect()
}

/// First panel whose title contains the query (case-insensitive).
pub fn search(panels: &[Panel], query: &str) -> Option<usize> {
    let needle = query.to_lowercase();
    if needle.is_empty() {
        return None;
    }
    panels
        .iter()
        .position(|p| p.title.to_lowercase().contains(&needle))
}

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

fn key_line<'a>(keys: &'a str, help: &'a str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!("{keys:>14}  "),
            Style::default()
                .fg(theme.title)
                .add_modifier(Modifier::BOLD),
        ),
        Span::styled(help, Style::default().fg(theme.text)),
    ])
}

fn selectable<'a>(text: &str, selected: bool, theme: &Theme) -> Line<'a> {
    let style = if selected {
        Style::default()
            .fg(theme.border_focused)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else {
        Style::default().fg(theme.text)
    };
    Line::styled(format!(" {text} "), style)
}

fn frame<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .title(title)
        .border_style(Style::default().fg(theme.border_focused))
}

fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn draw_box(
    title: &str,
    lines: Vec<Line>,
    width: u16,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let rect = centred(area, width, lines.len() as u16 + 2);
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .block(frame(title, theme))
        .render(rect, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_leads_to_the_panels_that_select_its_labels() {
        let alert = crate::net::Alert {
            labels: [
                (
                    "alertname".to_string(),
                    "InferenceGatewayHighLatency".to_string(),
                ),
                ("service".to_string(), "inference-gateway".to_string()),
                ("environment".to_string(), "production".to_string()),
            ]
            .into(),
            ..crate::net::Alert::default()
        };
        let panels = vec![
            ("Queue depth".to_string(), vec!["inference_queue_depth{service=\"inference-gateway\"}".to_string()]),
            (
                "Latency p99".to_string(),
                vec!["histogram_quantile(0.99, x{service=\"inference-gateway\", environment=\"production\"})".to_string()],
            ),
            ("Node CPU".to_string(), vec!["node_cpu_seconds_total".to_string()]),
        ];
        assert_eq!(panels_for_alert(&alert, &panels), vec![1, 0]);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(45_000), "45s");
        assert_eq!(age(12 * 60_000), "12m");
        assert_eq!(age(5 * 3_600_000), "5h");
        assert_eq!(age(3 * 86_400_000), "3d");
    }
}
