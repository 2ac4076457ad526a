//! One dashboard as shown: its model with repeats expanded, the views and data of its panels,
//! focus, scroll, the user's range and variable choices, and how it is laid out and drawn.
//! A page is replaced whole when the dashboard changes or repeats change the panel set; what
//! outlives it (URLs, theme, the dashboard list) is the session's (`session.rs`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::keymap::Action;
use super::layout::{Item, Placed, layout, page_height};
use super::theme::Theme;
use super::timenav::RangeState;
use super::widgets::draw_panel;
use crate::data::panel_data::{PanelData, PanelState};
use crate::engine::session::EngineEvent;
use crate::engine::variables::{Overrides, ResolvedVariable};
use crate::grafana::model::{Dashboard, VariableSelection};
use crate::grafana::vars::ALL_VALUE;
use crate::view::build::Clock;
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

/// What the user has chosen that shapes the queries: time range and variables.
#[derive(Debug, Clone)]
pub struct ViewState {
    pub range: RangeState,
    /// `--var` values from the command line (forced until changed in the UI).
    pub overrides: Overrides,
    /// Selections made in the UI, or carried over from the last refresh; they act as the
    /// variable's saved value, so a child keeps its value when still valid after a parent
    /// changes (as in Grafana).
    pub selections: BTreeMap<String, VariableSelection>,
    /// Overlay this panel with itself an offset (ms) earlier: "the same time yesterday".
    pub compare: Option<(usize, i64)>,
}

impl ViewState {
    /// A range and nothing chosen yet.
    pub fn new(from: &str, to: &str) -> Self {
        ViewState {
            range: RangeState::new(from, to),
            overrides: Overrides::new(),
            selections: BTreeMap::new(),
            compare: None,
        }
    }
}

pub struct Page {
    /// Shared with the engine's last resolution (a dashboard of thousands of panels is
    /// megabytes; neither side changes it).
    pub dashboard: Arc<Dashboard>,
    /// One view per panel of `dashboard.panels`.
    pub views: Vec<PanelView>,
    pub collapsed: Vec<bool>,
    pub focus: Option<usize>,
    pub fullscreen: bool,
    pub scroll: u32,
    pub status: StatusInfo,
    pub view_state: ViewState,
    /// Data of each panel from the last refresh (for inspect and figures).
    pub data: Vec<Option<PanelData>>,
    pub variables: Vec<ResolvedVariable>,
    /// Fullscreen time-series cursor, 0..1 across the time axis.
    pub cursor: Option<f64>,
    /// Which of the header's variables `{`/`}` step (index among the shown ones).
    pub var_focus: usize,
    /// Marked on every time series: when the alert being triaged fired.
    pub marker: Option<crate::view::TimeMarker>,
    /// On an Explore results page: the query it runs, with its options.
    pub explore: Option<super::overlay::ExploreQuery>,
    /// When each panel last received good data.
    data_at: Vec<Option<chrono::DateTime<chrono::Local>>>,
    /// Each panel as last drawn on the page, so a frame where its view, place and focus are
    /// unchanged copies cells instead of drawing every series again.
    panel_cache: Vec<Option<DrawnPanel>>,
    /// Lazy loading: which panels this refresh asked for, and which have answered since.
    asked: Vec<bool>,
    answered: Vec<bool>,
    /// Layout of the last frame, for navigation.
    pub(super) placed: Vec<Placed>,
    pub(super) body_height: u16,
}

impl Page {
    pub fn new(
        dashboard: impl Into<Arc<Dashboard>>,
        status: StatusInfo,
        view_state: ViewState,
    ) -> Self {
        let dashboard: Arc<Dashboard> = dashboard.into();
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
                stale: false,
                notes: Vec::new(),
            })
            .collect();
        let collapsed = dashboard.rows.iter().map(|r| r.collapsed).collect();
        let panels = dashboard.panels.len();
        Page {
            dashboard,
            views,
            collapsed,
            focus: None,
            fullscreen: false,
            scroll: 0,
            status,
            view_state,
            data: vec![None; panels],
            variables: Vec::new(),
            cursor: None,
            var_focus: 0,
            marker: None,
            explore: None,
            data_at: vec![None; panels],
            asked: vec![false; panels],
            answered: vec![false; panels],
            panel_cache: Vec::new(),
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

    /// Height of the dashboard body in the last frame.
    pub fn last_body_height(&self) -> u16 {
        self.body_height
    }

    /// Lay the page out in the body area and draw it: the focused panel alone when
    /// fullscreen, else every visible panel and row.
    pub(super) fn draw_body(&mut self, body: Rect, buf: &mut Buffer, theme: &Theme) {
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
                    draw_panel(view, body, buf, true, theme, self.cursor);
                }
            }
            _ => self.draw_page(body, buf, theme),
        }
    }

    pub(super) fn draw_page(&mut self, body: Rect, buf: &mut Buffer, theme: &Theme) {
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
                        let focused = self.focus == Some(i);
                        self.panel_cache.resize_with(self.views.len(), || None);
                        draw_cached(&mut self.panel_cache[i], view, rect, focused, theme, buf);
                    }
                }
                Item::Row(r) => self.draw_row_header(r, rect, buf, theme),
            }
        }
        if max_scroll > 0 {
            let hint = format!(" {}/{} ↓ ", self.scroll, max_scroll);
            let x = body.x + body.width.saturating_sub(hint.chars().count() as u16);
            buf.set_string(
                x,
                body.y + body.height - 1,
                hint,
                Style::default().fg(theme.dim),
            );
        }
    }

    pub(super) fn draw_row_header(&self, r: usize, rect: Rect, buf: &mut Buffer, theme: &Theme) {
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
                    .fg(theme.row_header)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(hidden, Style::default().fg(theme.dim)),
        ]);
        line.render(rect, buf);
    }

    pub(super) fn draw_header(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
        let mut spans = vec![Span::styled(
            format!(" {} ", self.dashboard.title),
            Style::default()
                .fg(theme.title)
                .add_modifier(Modifier::BOLD),
        )];
        for (i, (name, value)) in self.status.variables.iter().enumerate() {
            spans.push(Span::styled(
                format!(" {name}="),
                Style::default().fg(theme.dim),
            ));
            let mut style = Style::default().fg(theme.text);
            if i == self.var_focus && self.status.variables.len() > 1 {
                style = style.add_modifier(Modifier::UNDERLINED);
            }
            spans.push(Span::styled(value.clone(), style));
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
            .style(Style::default().bg(theme.status_bg))
            .render(area, buf);
        let width = right.chars().count() as u16;
        if width < area.width {
            buf.set_string(
                area.x + area.width - width,
                area.y,
                right,
                Style::default().fg(theme.text).bg(theme.status_bg),
            );
        }
    }

    pub(super) fn draw_status(&self, area: Rect, buf: &mut Buffer, theme: &Theme) {
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
            Style::default().fg(theme.dim),
        )];
        if let Some(update) = &self.status.last_update {
            spans.push(Span::styled(
                format!("· updated {update} "),
                Style::default().fg(theme.dim),
            ));
        }
        if loading > 0 {
            spans.push(Span::styled(
                format!("· loading {loading} "),
                Style::default().fg(theme.dim),
            ));
        }
        if failed > 0 {
            spans.push(Span::styled(
                format!("· {failed} panels failed "),
                Style::default().fg(theme.error),
            ));
        }
        if let Some(message) = &self.status.message {
            spans.push(Span::styled(
                format!("· {message} "),
                Style::default().fg(theme.warning),
            ));
        }
        spans.push(Span::styled(
            "· ? help · q quit",
            Style::default().fg(theme.dim),
        ));
        Line::from(spans)
            .style(Style::default().bg(theme.status_bg))
            .render(area, buf);
    }

    pub(super) fn focused_has_time_cursor(&self) -> bool {
        self.focus
            .and_then(|f| self.views.get(f))
            .is_some_and(|v| matches!(v.body, PanelBody::TimeSeries(_) | PanelBody::Heatmap(_)))
    }

    /// Variables shown in the header, in order (the ones `Tab` and `{`/`}` act on).
    pub(super) fn stepable_variables(&self) -> Vec<&ResolvedVariable> {
        self.variables.iter().filter(|v| v.hide < 2).collect()
    }

    /// Focus a panel, expanding its row if collapsed and scrolling it into view.
    pub(super) fn focus_panel(&mut self, panel: usize) {
        if let Some(r) = self
            .dashboard
            .rows
            .iter()
            .position(|r| r.panels.contains(&panel))
            && let Some(c) = self.collapsed.get_mut(r)
        {
            *c = false;
        }
        self.focus = Some(panel);
        let width = self.placed.iter().map(|p| p.x + p.w).max().unwrap_or(80);
        self.placed = layout(&self.dashboard, width, &|r| {
            self.collapsed.get(r).copied().unwrap_or(false)
        });
        if let Some(p) = self.placed.iter().find(|p| p.item == Item::Panel(panel)) {
            self.scroll = p.y;
        }
    }

    pub(super) fn toggle_row_of_focus(&mut self) {
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
    pub(super) fn move_focus(&mut self, action: Action) {
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

    /// Take in an engine event of the current generation. Returns the panel that got a new
    /// view, and whether with new data (not the last good data kept after a failure).
    pub fn apply(&mut self, event: EngineEvent, clock: Clock) -> Option<(usize, bool)> {
        match event {
            EngineEvent::Resolved { resolved, .. } => {
                let resolved = *resolved;
                for v in &resolved.variables {
                    let value = if v.value.is_all {
                        vec![ALL_VALUE.to_string()]
                    } else {
                        v.value.value.clone()
                    };
                    self.view_state.selections.insert(
                        v.name.clone(),
                        VariableSelection {
                            text: v.value.text.clone(),
                            value,
                        },
                    );
                }
                self.variables = resolved.variables.clone();
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
                if same_shape {
                    self.dashboard = resolved.dashboard;
                } else {
                    self.replace_for(resolved.dashboard);
                }
            }
            EngineEvent::Panel { index, data, .. } => {
                let panel = self.dashboard.panels.get(index)?;
                if let Some(answered) = self.answered.get_mut(index) {
                    *answered = true;
                }
                let failed = data.state() == PanelState::Error;
                let last_good = self
                    .data
                    .get(index)
                    .and_then(Option::as_ref)
                    .filter(|d| d.state() == PanelState::Ok);
                match (
                    failed,
                    last_good,
                    self.data_at.get(index).copied().flatten(),
                ) {
                    // Prometheus failing mid-incident must not blank a panel: keep the last good
                    // data, dimmed, with the error and its age.
                    (true, Some(previous), Some(at)) => {
                        let mut view = crate::view::build::build(panel, previous, clock);
                        mark(&mut view, self.marker.as_ref());
                        let age = (chrono::Local::now() - at).num_seconds().max(0);
                        view.errors = data.errors.clone();
                        view.errors.push(format!(
                            "showing data from {} ({age}s old)",
                            at.format("%H:%M:%S")
                        ));
                        view.stale = true;
                        self.views[index] = view;
                        return Some((index, false));
                    }
                    _ => {
                        let mut view = crate::view::build::build(panel, &data, clock);
                        mark(&mut view, self.marker.as_ref());
                        self.views[index] = view;
                        if !failed {
                            self.data_at[index] = Some(chrono::Local::now());
                        }
                        self.data[index] = Some(*data);
                        return Some((index, true));
                    }
                }
            }
            EngineEvent::Done { .. } => {
                self.status.last_update = Some(chrono::Local::now().format("%H:%M:%S").to_string());
            }
            EngineEvent::Drill { .. } | EngineEvent::Alerts(_) | EngineEvent::Completion { .. } => {
            }
        }
        None
    }

    /// Repeats changed the panel set: a fresh page of placeholders for the new dashboard that
    /// keeps what the user chose and sees (range, variables, focus, rows, marker, status).
    fn replace_for(&mut self, dashboard: Arc<Dashboard>) {
        let view_state = self.view_state.clone();
        let status = std::mem::take(&mut self.status);
        let mut next = Page::new(dashboard, status, view_state);
        next.variables = std::mem::take(&mut self.variables);
        next.marker = self.marker.take();
        next.explore = self.explore.take();
        if self.collapsed.len() == next.collapsed.len() {
            next.collapsed = std::mem::take(&mut self.collapsed);
        }
        next.focus = self.focus.filter(|f| *f < next.views.len());
        // The engine could not use indices counted on the old shape: it asks every panel
        // outside a collapsed row (`wanted_mask`), so those are the ones asked.
        next.asked = crate::engine::refresh::outside_collapsed_rows(&next.dashboard);
        *self = next;
    }
}

/// Lines beyond the screen whose panels load with it, so a short scroll finds them ready:
/// Grafana loads a panel when it comes within 100 px of the viewport (scenes LazyLoader's
/// IntersectionObserver `rootMargin: '100px'`), about four lines at 5/4 line per 30 px unit.
pub const LOAD_MARGIN_LINES: u32 = 4;

/// Lazy loading, as Grafana loads panels: only panels in view are asked for; a refresh asks
/// again only those, and the others, marked stale, are asked when they come into view
/// (scenes SceneQueryRunner runs a query deferred while out of view once it is in view).
impl Page {
    /// Panels in view in a body of `width`×`height` at the current scroll (with the margin),
    /// outside collapsed rows; only the focused one when fullscreen.
    pub fn panels_in_view(&self, width: u16, height: u16) -> BTreeSet<usize> {
        if self.fullscreen
            && let Some(focus) = self.focus
        {
            return BTreeSet::from([focus]);
        }
        let height = if self.body_height > 0 {
            self.body_height
        } else {
            height
        };
        let placed = layout(&self.dashboard, width, &|r| {
            self.collapsed.get(r).copied().unwrap_or(false)
        });
        let top = self.scroll.saturating_sub(LOAD_MARGIN_LINES);
        let bottom = self.scroll + u32::from(height) + LOAD_MARGIN_LINES;
        placed
            .iter()
            .filter(|p| p.y < bottom && p.y + p.h > top)
            .filter_map(|p| match p.item {
                Item::Panel(i) => Some(i),
                Item::Row(_) => None,
            })
            .collect()
    }

    /// A refresh asking for `wanted` starts: panels not asked keep what they show, dimmed as
    /// stale until they come into view and are asked.
    pub fn start_loading(&mut self, wanted: &BTreeSet<usize>) {
        let panels = self.views.len();
        self.asked = (0..panels).map(|i| wanted.contains(&i)).collect();
        self.answered = vec![false; panels];
        for (i, view) in self.views.iter_mut().enumerate() {
            if !wanted.contains(&i) && self.data.get(i).is_some_and(Option::is_some) {
                view.stale = true;
            }
        }
    }

    /// The panels to ask now that `in_view` are in view: those never asked since the last
    /// refresh, with those asked but not answered yet (the new request replaces the one in
    /// flight). `None` when every panel in view has been asked.
    pub fn newly_in_view(&self, in_view: &BTreeSet<usize>) -> Option<BTreeSet<usize>> {
        let asked = |i: usize| self.asked.get(i).copied().unwrap_or(false);
        if in_view.iter().all(|&i| asked(i)) {
            return None;
        }
        let pending = (0..self.views.len())
            .filter(|&i| asked(i) && !self.answered.get(i).copied().unwrap_or(false));
        Some(
            in_view
                .iter()
                .copied()
                .filter(|&i| !asked(i))
                .chain(pending)
                .collect(),
        )
    }

    /// `panels` were asked for (in a request that replaces the one in flight).
    pub fn mark_asked(&mut self, panels: &BTreeSet<usize>) {
        for &i in panels {
            if let Some(asked) = self.asked.get_mut(i) {
                *asked = true;
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

/// A panel's cells as drawn, and what they were drawn from.
struct DrawnPanel {
    rect: Rect,
    focused: bool,
    view: PanelView,
    cells: Vec<ratatui::buffer::Cell>,
}

/// Draw a panel, or copy it from the cache when nothing it depends on changed (comparing the
/// view is far cheaper than drawing its lines).
fn draw_cached(
    cache: &mut Option<DrawnPanel>,
    view: &PanelView,
    rect: Rect,
    focused: bool,
    theme: &Theme,
    buf: &mut Buffer,
) {
    let fresh = cache
        .as_ref()
        .is_some_and(|c| c.rect == rect && c.focused == focused && c.view == *view);
    if !fresh {
        let mut own = Buffer::empty(rect);
        if theme.background != Color::Reset {
            own.set_style(rect, Style::default().bg(theme.background).fg(theme.text));
        }
        draw_panel(view, rect, &mut own, focused, theme, None);
        *cache = Some(DrawnPanel {
            rect,
            focused,
            view: view.clone(),
            cells: own.content,
        });
    }
    let Some(drawn) = cache.as_ref() else {
        return;
    };
    let area = buf.area;
    let width = usize::from(rect.width.max(1));
    for (i, cell) in drawn.cells.iter().enumerate() {
        let (Ok(dx), Ok(dy)) = (u16::try_from(i % width), u16::try_from(i / width)) else {
            break;
        };
        let (x, y) = (rect.x + dx, rect.y + dy);
        if x < area.x + area.width && y < area.y + area.height {
            buf[(x, y)] = cell.clone();
        }
    }
}

/// Put the session's marker (when the triaged alert fired) on a time-series view.
pub(super) fn mark(view: &mut PanelView, marker: Option<&crate::view::TimeMarker>) {
    if let PanelBody::TimeSeries(ts) = &mut view.body {
        ts.markers = marker.cloned().into_iter().collect();
    }
}
