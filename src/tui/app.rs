//! The state of the interactive view and how it is drawn. One owner of state: the event loop
//! feeds it keys and query results; drawing reads it and never waits on anything.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::keymap::{Action, KEYMAP};
use super::layout::{Item, Placed, layout, page_height};
use super::theme::Theme;
use super::widgets::draw_panel;
use crate::grafana::model::Dashboard;
use crate::view::{MessageKind, PanelBody, PanelView};

/// What the header and status line show.
#[derive(Debug, Clone, Default)]
pub struct StatusInfo {
    pub prometheus_url: String,
    pub range: String,
    pub refresh: Option<String>,
    pub last_update: Option<String>,
    /// `name = value` of each visible variable.
    pub variables: Vec<(String, String)>,
    pub message: Option<String>,
}

pub struct App {
    pub dashboard: Dashboard,
    /// One view per panel of `dashboard.panels`.
    pub views: Vec<PanelView>,
    pub collapsed: Vec<bool>,
    pub focus: Option<usize>,
    pub fullscreen: bool,
    pub scroll: u32,
    pub show_help: bool,
    pub status: StatusInfo,
    pub theme: Theme,
    pub clock: crate::view::build::Clock,
    /// Layout of the last frame, for navigation.
    placed: Vec<Placed>,
    body_height: u16,
}

impl App {
    pub fn new(dashboard: Dashboard, theme: Theme, status: StatusInfo) -> Self {
        let views = dashboard
            .panels
            .iter()
            .map(|p| PanelView {
                title: p.title.clone(),
                body: PanelBody::Message {
                    kind: MessageKind::Loading,
                    text: "loading…".into(),
                },
                errors: Vec::new(),
            })
            .collect();
        let collapsed = dashboard.rows.iter().map(|r| r.collapsed).collect();
        App {
            dashboard,
            views,
            collapsed,
            focus: None,
            fullscreen: false,
            scroll: 0,
            show_help: false,
            status,
            theme,
            clock: crate::view::build::Clock::Local,
            placed: Vec::new(),
            body_height: 0,
        }
    }

    /// How many panels show an error now.
    pub fn failed_panels(&self) -> usize {
        self.views
            .iter()
            .filter(|v| {
                !v.errors.is_empty()
                    || matches!(
                        v.body,
                        PanelBody::Message {
                            kind: MessageKind::Error,
                            ..
                        }
                    )
            })
            .count()
    }

    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        self.draw_into(area, frame.buffer_mut());
    }

    /// Draw the whole screen into a buffer (shared by the TUI and `render`).
    pub fn draw_into(&mut self, area: Rect, buf: &mut Buffer) {
        if area.width < 20 || area.height < 6 {
            let text = "terminal too small: need at least 20×6";
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let header = Rect { height: 1, ..area };
        let body = Rect {
            y: area.y + 1,
            height: area.height - 2,
            ..area
        };
        let status = Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        };
        self.draw_header(header, buf);
        self.body_height = body.height;
        self.placed = layout(&self.dashboard, body.width, &|r| {
            self.collapsed.get(r).copied().unwrap_or(false)
        });
        if self.focus.is_none() {
            self.focus = self.placed.iter().find_map(|p| match p.item {
                Item::Panel(i) => Some(i),
                Item::Row(_) => None,
            });
        }
        match (self.fullscreen, self.focus) {
            (true, Some(focus)) => {
                if let Some(view) = self.views.get(focus) {
                    draw_panel(view, body, buf, true, &self.theme);
                }
            }
            _ => self.draw_page(body, buf),
        }
        self.draw_status(status, buf);
        if self.show_help {
            self.draw_help(body, buf);
        }
    }

    fn draw_page(&mut self, body: Rect, buf: &mut Buffer) {
        let max_scroll = page_height(&self.placed).saturating_sub(u32::from(body.height));
        self.scroll = self.scroll.min(max_scroll);
        for placed in &self.placed {
            // Only items wholly on screen are drawn, so no panel is cut in half.
            let top = placed.y as i64 - self.scroll as i64;
            if top < 0 || top + placed.h as i64 > body.height as i64 {
                continue;
            }
            let rect = Rect {
                x: body.x + placed.x,
                y: body.y + top as u16,
                width: placed.w.min(body.width.saturating_sub(placed.x)),
                height: placed.h as u16,
            };
            match placed.item {
                Item::Panel(i) => {
                    if let Some(view) = self.views.get(i) {
                        draw_panel(view, rect, buf, self.focus == Some(i), &self.theme);
                    }
                }
                Item::Row(r) => self.draw_row_header(r, rect, buf),
            }
        }
        if max_scroll > 0 {
            let hint = format!(" {}/{} ↓ ", self.scroll, max_scroll);
            let x = body.x + body.width.saturating_sub(hint.chars().count() as u16);
            buf.set_string(
                x,
                body.y + body.height - 1,
                hint,
                Style::default().fg(self.theme.dim),
            );
        }
    }

    fn draw_row_header(&self, r: usize, rect: Rect, buf: &mut Buffer) {
        let Some(row) = self.dashboard.rows.get(r) else {
            return;
        };
        let collapsed = self.collapsed.get(r).copied().unwrap_or(false);
        let marker = if collapsed { "▸" } else { "▾" };
        let hidden = if collapsed {
            format!(" ({} panels)", row.panels.len())
        } else {
            String::new()
        };
        let line = Line::from(vec![
            Span::styled(
                format!("{marker} {}", row.title),
                Style::default()
                    .fg(self.theme.row_header)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(hidden, Style::default().fg(self.theme.dim)),
        ]);
        line.render(rect, buf);
    }

    fn draw_header(&self, area: Rect, buf: &mut Buffer) {
        let mut spans = vec![Span::styled(
            format!(" {} ", self.dashboard.title),
            Style::default()
                .fg(self.theme.title)
                .add_modifier(Modifier::BOLD),
        )];
        for (name, value) in &self.status.variables {
            spans.push(Span::styled(
                format!(" {name}="),
                Style::default().fg(self.theme.dim),
            ));
            spans.push(Span::styled(
                value.clone(),
                Style::default().fg(self.theme.text),
            ));
        }
        let right = format!(
            " ⏱ {}{} ",
            self.status.range,
            self.status
                .refresh
                .as_ref()
                .map(|r| format!(" ⟳ {r}"))
                .unwrap_or_default()
        );
        Line::from(spans)
            .style(Style::default().bg(self.theme.status_bg))
            .render(area, buf);
        let width = right.chars().count() as u16;
        if width < area.width {
            buf.set_string(
                area.x + area.width - width,
                area.y,
                right,
                Style::default()
                    .fg(self.theme.text)
                    .bg(self.theme.status_bg),
            );
        }
    }

    fn draw_status(&self, area: Rect, buf: &mut Buffer) {
        let failed = self.failed_panels();
        let loading = self
            .views
            .iter()
            .filter(|v| {
                matches!(
                    v.body,
                    PanelBody::Message {
                        kind: MessageKind::Loading,
                        ..
                    }
                )
            })
            .count();
        let mut spans = vec![Span::styled(
            format!(" {} ", self.status.prometheus_url),
            Style::default().fg(self.theme.dim),
        )];
        if let Some(update) = &self.status.last_update {
            spans.push(Span::styled(
                format!("· updated {update} "),
                Style::default().fg(self.theme.dim),
            ));
        }
        if loading > 0 {
            spans.push(Span::styled(
                format!("· loading {loading} "),
                Style::default().fg(self.theme.dim),
            ));
        }
        if failed > 0 {
            spans.push(Span::styled(
                format!("· {failed} panels failed "),
                Style::default().fg(self.theme.error),
            ));
        }
        if let Some(message) = &self.status.message {
            spans.push(Span::styled(
                format!("· {message} "),
                Style::default().fg(self.theme.warning),
            ));
        }
        spans.push(Span::styled(
            "· ? help · q quit",
            Style::default().fg(self.theme.dim),
        ));
        Line::from(spans)
            .style(Style::default().bg(self.theme.status_bg))
            .render(area, buf);
    }

    fn draw_help(&self, body: Rect, buf: &mut Buffer) {
        let lines: Vec<Line> = KEYMAP
            .iter()
            .map(|binding| {
                Line::from(vec![
                    Span::styled(
                        format!("{:>12}  ", binding.keys),
                        Style::default()
                            .fg(self.theme.title)
                            .add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(binding.help, Style::default().fg(self.theme.text)),
                ])
            })
            .collect();
        let width = 66.min(body.width);
        let height = (lines.len() as u16 + 2).min(body.height);
        let rect = Rect {
            x: body.x + (body.width - width) / 2,
            y: body.y + (body.height - height) / 2,
            width,
            height,
        };
        Clear.render(rect, buf);
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" keys ")
                    .border_style(Style::default().fg(self.theme.border_focused)),
            )
            .render(rect, buf);
    }

    /// Apply a key; returns what the event loop must do beyond redrawing.
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        let action = KEYMAP
            .iter()
            .find(|b| b.matches(key.code))
            .map(|b| b.action)
            .unwrap_or(Action::None);
        if self.show_help && action != Action::Quit {
            self.show_help = false;
            return Action::None;
        }
        match action {
            Action::Up | Action::Down | Action::Left | Action::Right => self.move_focus(action),
            Action::Fullscreen => self.fullscreen = !self.fullscreen,
            Action::Back => {
                self.fullscreen = false;
            }
            Action::Help => self.show_help = true,
            Action::PageDown => self.scroll += u32::from(self.body_height.max(2) - 1),
            Action::PageUp => {
                self.scroll = self
                    .scroll
                    .saturating_sub(u32::from(self.body_height.max(2) - 1))
            }
            Action::ToggleRow => self.toggle_row_of_focus(),
            Action::Quit | Action::Refresh | Action::None => {}
        }
        action
    }

    fn toggle_row_of_focus(&mut self) {
        // The row the focused panel sits under, else the first row.
        let target = self.focus.and_then(|f| {
            self.dashboard
                .rows
                .iter()
                .position(|r| r.panels.contains(&f))
        });
        let row = target.or(if self.dashboard.rows.is_empty() {
            None
        } else {
            Some(0)
        });
        if let Some(c) = row.and_then(|r| self.collapsed.get_mut(r)) {
            *c = !*c;
        }
    }

    /// Move focus to the nearest panel in a direction (by panel centres), scrolling to it.
    fn move_focus(&mut self, action: Action) {
        let panels: Vec<&Placed> = self
            .placed
            .iter()
            .filter(|p| matches!(p.item, Item::Panel(_)))
            .collect();
        let Some(current) = panels
            .iter()
            .find(|p| Some(item_panel(p)) == self.focus)
            .copied()
        else {
            if let Some(first) = panels.first() {
                self.focus = Some(item_panel(first));
            }
            return;
        };
        let centre = |p: &Placed| (p.x as i64 * 2 + p.w as i64, p.y as i64 * 2 + p.h as i64);
        let (cx, cy) = centre(current);
        let best = panels
            .iter()
            .filter(|p| p.item != current.item)
            .filter_map(|p| {
                let (x, y) = centre(p);
                let (dx, dy) = (x - cx, y - cy);
                let (along, across) = match action {
                    Action::Up => (-dy, dx.abs()),
                    Action::Down => (dy, dx.abs()),
                    Action::Left => (-dx, dy.abs()),
                    Action::Right => (dx, dy.abs()),
                    _ => return None,
                };
                (along > 0).then_some((along + across * 2, *p))
            })
            .min_by_key(|(score, _)| *score);
        if let Some((_, next)) = best {
            self.focus = Some(item_panel(next));
            let height = u32::from(self.body_height);
            if next.y < self.scroll {
                self.scroll = next.y;
            } else if next.y + next.h > self.scroll + height {
                self.scroll = (next.y + next.h).saturating_sub(height);
            }
        }
    }
}

fn item_panel(p: &Placed) -> usize {
    match p.item {
        Item::Panel(i) => i,
        Item::Row(r) => r,
    }
}

impl App {
    /// Take in an engine event of the current generation.
    pub fn apply(&mut self, event: crate::engine::session::EngineEvent) {
        use crate::engine::session::EngineEvent;
        match event {
            EngineEvent::Resolved { resolved, .. } => {
                let resolved = *resolved;
                let same_shape = resolved.dashboard.panels.len() == self.dashboard.panels.len();
                self.status.variables = resolved
                    .variables
                    .iter()
                    .filter(|v| v.hide < 2)
                    .map(|v| {
                        (
                            v.label.clone().unwrap_or_else(|| v.name.clone()),
                            v.display_text(),
                        )
                    })
                    .collect();
                self.status.message = resolved.errors.first().cloned();
                if !same_shape {
                    // Repeats changed the panel set: start from fresh placeholders.
                    let collapsed = std::mem::take(&mut self.collapsed);
                    let focus = self.focus;
                    *self = App::new(
                        resolved.dashboard,
                        self.theme,
                        std::mem::take(&mut self.status),
                    );
                    if collapsed.len() == self.collapsed.len() {
                        self.collapsed = collapsed;
                    }
                    self.focus = focus.filter(|f| *f < self.views.len());
                } else {
                    self.dashboard = resolved.dashboard;
                }
            }
            EngineEvent::Panel { index, data, .. } => {
                if let Some(panel) = self.dashboard.panels.get(index) {
                    self.views[index] = crate::view::build::build(panel, &data, self.clock);
                }
            }
            EngineEvent::Done { .. } => {
                self.status.last_update = Some(chrono::Local::now().format("%H:%M:%S").to_string());
            }
        }
    }
}
