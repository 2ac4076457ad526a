//! Drill-down panes over the dashboard: the focused panel's links, its logs (Loki), traces for
//! its service (Jaeger), one trace as a span waterfall, and exemplars on fullscreen latency
//! panels. The app asks for data with a `Request`; the loop runs it off the UI task and hands
//! back an `Outcome`, applied only when it answers the newest request.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget};

use super::app::App;
use super::command::Command;
use super::theme::Theme;
use crate::data::{Exemplar, LogLine, Trace};
use crate::engine::drill::{DrillAnswer, DrillRequest};
use crate::links::drilldown::{
    JaegerQuery, LinkContext, Matcher, grafana_explore_jaeger_url, grafana_explore_url,
    jaeger_search_url, jaeger_trace_url, logql_selector, resolve_link_url, service_of,
    stream_matchers,
};
use crate::view::waterfall::{format_duration_us, layout as waterfall_layout};
use crate::view::{ExemplarMark, PanelBody, PanelView};

/// Exemplars drawn per chart at most (the slowest of each stretch of time).
const MAX_MARKS: usize = 120;

/// Where the drill-down backends are (none required: URLs are always offered).
#[derive(Debug, Clone, Default)]
pub struct DrillConfig {
    pub loki: Option<String>,
    pub jaeger: Option<String>,
    pub alertmanager: Option<String>,
    /// Grafana's uids of the Loki and Jaeger datasources, for Explore URLs.
    pub loki_datasource: String,
    pub jaeger_datasource: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct LinkItem {
    pub kind: &'static str,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogsPane {
    pub logql: String,
    pub explore_url: String,
    pub lines: Load<Vec<LogLine>>,
    pub filter: String,
    pub typing: bool,
    pub scroll: usize,
}

impl LogsPane {
    /// The lines the filter lets through.
    fn shown(&self) -> Vec<&LogLine> {
        let Load::Loaded(all) = &self.lines else {
            return Vec::new();
        };
        let needle = self.filter.to_lowercase();
        all.iter()
            .filter(|l| needle.is_empty() || l.line.to_lowercase().contains(&needle))
            .collect()
    }

    /// The line at the top of the pane (Enter follows its trace id).
    fn highlighted(&self) -> Option<&LogLine> {
        let shown = self.shown();
        let at = self.scroll.min(shown.len().saturating_sub(1));
        shown.get(at).copied()
    }
}

/// `trace_id=…`, `traceID=…` or `"trace_id":"…"` in a log line: 16 or 32 hex digits.
pub fn trace_id_in(line: &str) -> Option<String> {
    let re =
        regex::Regex::new(r#"(?i)trace_?id"?\s*[=:]\s*"?([0-9a-f]{32}|[0-9a-f]{16})\b"#).ok()?;
    re.captures(line).map(|c| c[1].to_lowercase())
}

#[derive(Debug, Clone, PartialEq)]
pub struct TracesPane {
    pub service: String,
    /// Jaeger UI's search, else Grafana Explore on its Jaeger datasource.
    pub search_url: Option<String>,
    pub traces: Load<Vec<Trace>>,
    pub cursor: usize,
    /// Stream matchers of the panel, for the logs of a trace.
    pub matchers: Vec<Matcher>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WaterfallPane {
    pub trace_id: String,
    pub url: Option<String>,
    pub trace: Load<Trace>,
    pub scroll: usize,
    pub matchers: Vec<Matcher>,
    /// The trace list this came from (Esc goes back to it).
    pub back: Option<Box<TracesPane>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pane {
    Links { items: Vec<LinkItem>, cursor: usize },
    Logs(LogsPane),
    Traces(TracesPane),
    Waterfall(WaterfallPane),
}

/// What a pane asks of the loop: a fetch (run by the engine), or a URL to open or copy.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Fetch(DrillRequest),
    /// Open in a local browser, or copy (OSC 52) when there is none.
    Open {
        url: String,
    },
    Copy {
        text: String,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Drill {
    pub pane: Option<Pane>,
    /// Requests the loop has not taken yet, oldest first.
    pub requests: Vec<(u64, Request)>,
    generation: u64,
    /// Exemplars of one panel (the fullscreen one), by time.
    pub exemplars: Vec<Exemplar>,
    pub exemplar_panel: Option<usize>,
    pub selected_exemplar: Option<usize>,
    /// Why the last exemplar query failed, for `x` to say.
    pub exemplar_error: Option<String>,
}

impl Drill {
    fn ask(&mut self, request: Request) {
        self.generation += 1;
        self.requests.push((self.generation, request));
    }

    pub fn take_requests(&mut self) -> Vec<(u64, Request)> {
        std::mem::take(&mut self.requests)
    }

    /// Put the exemplars on a view of the panel they belong to (at most `MAX_MARKS`: the
    /// slowest of each stretch, plus the selected one).
    pub fn mark(&self, panel: usize, view: &mut PanelView) {
        let PanelBody::TimeSeries(ts) = &mut view.body else {
            return;
        };
        ts.exemplars.clear();
        if self.exemplar_panel != Some(panel) {
            return;
        }
        let (x0, x1) = ts.x_range;
        let width = ((x1 - x0) / MAX_MARKS as f64).max(1.0);
        let mut best: BTreeMap<i64, usize> = BTreeMap::new();
        for (i, e) in self.exemplars.iter().enumerate() {
            let slot = ((e.at_ms as f64 - x0) / width).floor() as i64;
            let keep = best
                .get(&slot)
                .is_none_or(|&b| self.exemplars[b].value < e.value);
            if keep {
                best.insert(slot, i);
            }
        }
        let mut chosen: Vec<usize> = best.into_values().collect();
        if let Some(s) = self.selected_exemplar
            && !chosen.contains(&s)
        {
            chosen.push(s);
        }
        ts.exemplars = chosen
            .into_iter()
            .filter_map(|i| self.exemplars.get(i).map(|e| (i, e)))
            .map(|(i, e)| ExemplarMark {
                at_ms: e.at_ms as f64,
                value: e.value,
                selected: self.selected_exemplar == Some(i),
            })
            .collect();
    }

    /// The whole URLs the open pane shows (possibly cut at the screen's edge), so a cut link
    /// still points at the whole address.
    pub fn urls(&self) -> Vec<String> {
        match &self.pane {
            Some(Pane::Links { items, .. }) => items.iter().map(|i| i.url.clone()).collect(),
            Some(Pane::Logs(p)) => vec![p.explore_url.clone()],
            Some(Pane::Traces(p)) => p.search_url.clone().into_iter().collect(),
            Some(Pane::Waterfall(p)) => p.url.clone().into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The newest answer for the pane that asked; older ones are dropped.
    pub fn apply(&mut self, generation: u64, outcome: DrillAnswer) -> bool {
        let current = generation == self.generation;
        match (outcome, &mut self.pane) {
            (DrillAnswer::Exemplars(panel, result), _) => {
                if self.exemplar_panel == Some(panel) {
                    self.exemplar_error = result.as_ref().err().cloned();
                    self.exemplars = result.unwrap_or_default();
                    self.selected_exemplar = None;
                    return true;
                }
                false
            }
            (_, _) if !current => false,
            (DrillAnswer::Logs(result), Some(Pane::Logs(pane))) => {
                pane.lines = loaded(result);
                true
            }
            (DrillAnswer::Traces(result), Some(Pane::Traces(pane))) => {
                pane.traces = loaded(result);
                true
            }
            (DrillAnswer::Trace(result), Some(Pane::Waterfall(pane))) => {
                pane.trace = loaded(result);
                true
            }
            _ => false,
        }
    }
}

fn loaded<T>(result: Result<T, String>) -> Load<T> {
    match result {
        Ok(v) => Load::Loaded(v),
        Err(e) => Load::Failed(e),
    }
}

/// Would exemplars mean anything on this panel? Histogram latency panels (or a target asking
/// for them, as Grafana's `exemplar: true`).
fn wants_exemplars(panel: &crate::grafana::model::Panel, exprs: &[String]) -> bool {
    panel.targets.iter().any(|t| t.exemplar) || exprs.iter().any(|e| e.contains("_bucket"))
}

/// What the focused panel ran, for drilling down from it.
struct Focused {
    panel: usize,
    exprs: Vec<String>,
    start: i64,
    end: i64,
    labels: BTreeMap<String, String>,
}

impl App {
    /// What the focused panel ran: its interpolated queries and range, and the labels every
    /// one of its series shares (the "focused series" when there is one).
    fn focused_context(&self) -> Option<Focused> {
        let f = self.page.focus?;
        let panel = self.page.dashboard.panels.get(f)?;
        let data = self.page.data.get(f).and_then(Option::as_ref);
        let now = chrono::Utc::now().timestamp_millis();
        let (exprs, start, end) = match data {
            Some(d) if !d.queries.is_empty() => (
                d.queries.iter().map(|q| q.expr.clone()).collect(),
                d.start_ms,
                d.end_ms,
            ),
            _ => (
                panel.targets.iter().map(|t| t.expr.clone()).collect(),
                now - 3_600_000,
                now,
            ),
        };
        let mut common: Option<BTreeMap<String, String>> = None;
        for s in data.map(|d| d.series.as_slice()).unwrap_or_default() {
            common = Some(match common {
                None => s.labels.clone(),
                Some(c) => c
                    .into_iter()
                    .filter(|(k, v)| s.labels.get(k) == Some(v))
                    .collect(),
            });
        }
        Some(Focused {
            panel: f,
            exprs,
            start,
            end,
            labels: common.unwrap_or_default(),
        })
    }

    fn range_text(&self) -> (String, String) {
        (
            self.page.view_state.range.from.clone(),
            self.page.view_state.range.to.clone(),
        )
    }

    /// `g`: the focused panel's logs.
    pub fn open_logs(&mut self) {
        let Some(Focused {
            exprs,
            start,
            end,
            labels,
            ..
        }) = self.focused_context()
        else {
            self.page.status.message = Some("no panel focused".into());
            return;
        };
        let logql = logql_selector(&stream_matchers(&labels, &exprs));
        self.show_logs(logql, start, end);
    }

    fn show_logs(&mut self, logql: String, start_ms: i64, end_ms: i64) {
        let (from, to) = self.range_text();
        let explore_url = grafana_explore_url(
            &self.session.grafana_url,
            &self.session.drill.loki_datasource,
            &logql,
            &from,
            &to,
        );
        self.drill.pane = Some(Pane::Logs(LogsPane {
            logql: logql.clone(),
            explore_url,
            lines: Load::Loading,
            filter: String::new(),
            typing: false,
            scroll: 0,
        }));
        self.drill.ask(Request::Fetch(DrillRequest::Logs {
            logql,
            start_ms,
            end_ms,
        }));
    }

    /// `T`: traces of the focused panel's service in its window.
    pub fn open_traces(&mut self) {
        let Some(Focused {
            exprs,
            start,
            end,
            labels,
            ..
        }) = self.focused_context()
        else {
            self.page.status.message = Some("no panel focused".into());
            return;
        };
        let matchers = stream_matchers(&labels, &exprs);
        let Some(service) = service_of(&matchers) else {
            self.page.status.message =
                Some("this panel's queries name no service (service, app or job label)".into());
            return;
        };
        let search_url = Some(self.trace_search_url(&service, start, end));
        self.drill.pane = Some(Pane::Traces(TracesPane {
            service: service.clone(),
            search_url,
            traces: Load::Loading,
            cursor: 0,
            matchers,
        }));
        self.drill.ask(Request::Fetch(DrillRequest::Traces {
            service,
            start_ms: start,
            end_ms: end,
        }));
    }

    /// `L`: the dashboard's, the panel's and its data links, resolved, plus the drill-down URLs.
    pub fn open_links(&mut self) {
        let Some(Focused {
            panel: f,
            exprs,
            start,
            end,
            labels,
        }) = self.focused_context()
        else {
            self.page.status.message = Some("no panel focused".into());
            return;
        };
        let (from, to) = self.range_text();
        let series = self
            .page
            .data
            .get(f)
            .and_then(Option::as_ref)
            .and_then(|d| {
                if d.series.len() == 1 {
                    d.series.first()
                } else {
                    None
                }
            });
        let ctx = LinkContext {
            variables: self
                .page
                .view_state
                .selections
                .iter()
                .map(|(k, v)| (k.clone(), v.value.clone()))
                .collect(),
            from: from.clone(),
            to: to.clone(),
            from_ms: start,
            to_ms: end,
            dashboard_title: self.page.dashboard.title.clone(),
            dashboard_uid: self.page.dashboard.uid.clone(),
            series_name: series.map(|s| s.name.clone()),
            series_labels: labels.clone(),
            // The point under the fullscreen cursor, else the last one.
            value: series.and_then(|s| {
                let mut finite = s.points.iter().filter(|p| p.1.is_finite());
                match self.page.cursor {
                    Some(c) => {
                        let at = start as f64 + (end - start) as f64 * c;
                        finite.min_by(|a, b| {
                            (a.0 as f64 - at).abs().total_cmp(&(b.0 as f64 - at).abs())
                        })
                    }
                    None => finite.next_back(),
                }
                .copied()
            }),
        };
        let mut items = Vec::new();
        let panel = &self.page.dashboard.panels[f];
        for link in &panel.field_config.defaults.links {
            items.push(LinkItem {
                kind: "data link",
                title: link.title.clone(),
                url: resolve_link_url(&link.url, &ctx),
            });
        }
        for link in &panel.links {
            items.push(LinkItem {
                kind: "panel link",
                title: link.title.clone(),
                url: resolve_link_url(&link.url, &ctx),
            });
        }
        for link in &self.page.dashboard.links {
            let Some(url) = &link.url else { continue };
            let mut url = resolve_link_url(url, &ctx);
            // Grafana appends these for the link's keepTime / includeVars switches.
            let mut extra = Vec::new();
            if link.keep_time {
                extra.push(resolve_link_url("${__url_time_range}", &ctx));
            }
            if link.include_vars {
                extra.push(resolve_link_url("${__all_variables}", &ctx));
            }
            extra.retain(|e| !e.is_empty());
            if !extra.is_empty() {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str(&extra.join("&"));
            }
            items.push(LinkItem {
                kind: "dashboard link",
                title: link.title.clone(),
                url,
            });
        }
        let matchers = stream_matchers(&labels, &exprs);
        let logql = logql_selector(&matchers);
        items.push(LinkItem {
            kind: "logs",
            title: format!("Grafana Explore: {logql}"),
            url: grafana_explore_url(
                &self.session.grafana_url,
                &self.session.drill.loki_datasource,
                &logql,
                &from,
                &to,
            ),
        });
        if let Some(service) = service_of(&matchers) {
            items.push(LinkItem {
                kind: "traces",
                title: format!("traces of {service}"),
                url: self.trace_search_url(&service, start, end),
            });
        }
        items.push(LinkItem {
            kind: "grafana",
            title: "this view in Grafana".into(),
            url: self.grafana_link(),
        });
        self.drill.pane = Some(Pane::Links { items, cursor: 0 });
    }

    /// Entering fullscreen on a latency panel: fetch its exemplars. Leaving it: drop them, the
    /// small panel has no room for them.
    pub fn request_exemplars(&mut self) {
        if !self.page.fullscreen {
            if let Some(panel) = self.drill.exemplar_panel.take() {
                self.drill.exemplars.clear();
                self.drill.selected_exemplar = None;
                self.mark_exemplars(panel);
            }
            return;
        }
        let Some(Focused {
            panel: f,
            exprs,
            start,
            end,
            ..
        }) = self.focused_context()
        else {
            return;
        };
        if !wants_exemplars(&self.page.dashboard.panels[f], &exprs) {
            return;
        }
        if self.drill.exemplar_panel != Some(f) {
            self.drill.exemplars.clear();
            self.drill.selected_exemplar = None;
        }
        self.drill.exemplar_panel = Some(f);
        self.drill.ask(Request::Fetch(DrillRequest::Exemplars {
            panel: f,
            exprs,
            start_ms: start,
            end_ms: end,
        }));
    }

    /// Redraw the exemplar glyphs of a panel's view.
    pub fn mark_exemplars(&mut self, panel: usize) {
        if let Some(view) = self.page.views.get_mut(panel) {
            self.drill.mark(panel, view);
        }
    }

    /// `x`: from the exemplar at the cursor (or the slowest one) to its trace.
    pub fn exemplar_trace(&mut self) {
        let panel = self.page.focus;
        if !self.page.fullscreen || panel.is_none() || self.drill.exemplar_panel != panel {
            self.page.status.message =
                Some("exemplars: open a latency panel fullscreen (Enter) first".into());
            return;
        }
        if self.drill.exemplars.is_empty() {
            self.page.status.message = Some(match &self.drill.exemplar_error {
                Some(e) => format!("exemplars: {e}"),
                // Prometheus keeps them only with --enable-feature=exemplar-storage.
                None => {
                    "no exemplars on this panel in this range (is Prometheus storing them?)".into()
                }
            });
            return;
        }
        let exemplars = &self.drill.exemplars;
        let chosen = match (
            self.page.cursor,
            panel.and_then(|p| self.page.views.get(p)).map(|v| &v.body),
        ) {
            (Some(cursor), Some(PanelBody::TimeSeries(ts))) => {
                let (x0, x1) = ts.x_range;
                let at = x0 + (x1 - x0) * cursor;
                let window = (x1 - x0) / 80.0;
                let near: Vec<usize> = (0..exemplars.len())
                    .filter(|&i| (exemplars[i].at_ms as f64 - at).abs() <= window)
                    .collect();
                if near.is_empty() {
                    (0..exemplars.len()).min_by(|&a, &b| {
                        let da = (exemplars[a].at_ms as f64 - at).abs();
                        let db = (exemplars[b].at_ms as f64 - at).abs();
                        da.total_cmp(&db)
                    })
                } else {
                    near.into_iter()
                        .max_by(|&a, &b| exemplars[a].value.total_cmp(&exemplars[b].value))
                }
            }
            _ => (0..exemplars.len())
                .max_by(|&a, &b| exemplars[a].value.total_cmp(&exemplars[b].value)),
        };
        let Some(index) = chosen else { return };
        self.drill.selected_exemplar = Some(index);
        if let Some(p) = panel {
            self.mark_exemplars(p);
        }
        let e = self.drill.exemplars[index].clone();
        let Some(id) = e.trace_id().map(str::to_string) else {
            self.page.status.message = Some("this exemplar has no trace_id label".into());
            return;
        };
        let matchers = stream_matchers(&e.series_labels, &[]);
        self.show_trace(id.clone(), matchers, None);
        // Where the slow request went: endpoint, instance and how long it took.
        let label = |k: &str| e.series_labels.get(k).cloned().unwrap_or_default();
        self.page.status.message = Some(format!(
            "exemplar {} {} on {}: {} → trace {id}",
            label("endpoint"),
            chrono::DateTime::<chrono::Utc>::from_timestamp_millis(e.at_ms)
                .map(|t| t
                    .with_timezone(&chrono::Local)
                    .format("%H:%M:%S")
                    .to_string())
                .unwrap_or_default(),
            label("instance"),
            format_duration_us((e.value * 1e6) as i64),
        ));
    }

    fn show_trace(&mut self, id: String, matchers: Vec<Matcher>, back: Option<Box<TracesPane>>) {
        let url = Some(self.trace_page_url(&id));
        self.page.status.message = Some(format!("trace {id}"));
        self.drill.pane = Some(Pane::Waterfall(WaterfallPane {
            trace_id: id.clone(),
            url,
            trace: Load::Loading,
            scroll: 0,
            matchers,
            back,
        }));
        self.drill.ask(Request::Fetch(DrillRequest::Trace { id }));
    }

    /// Keys while a drill-down pane is open.
    pub fn drill_key(&mut self, code: KeyCode) -> Command {
        let Some(pane) = self.drill.pane.take() else {
            return Command::None;
        };
        let mut command = Command::None;
        let page = usize::from(self.body_rows().saturating_sub(8).max(1));
        let mut keep = Some(pane);
        match keep.as_mut() {
            Some(Pane::Links { items, cursor }) => match code {
                KeyCode::Esc | KeyCode::Char('q') => keep = None,
                KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    *cursor = (*cursor + 1).min(items.len().saturating_sub(1))
                }
                KeyCode::Enter => {
                    let open_here = items.get(*cursor).and_then(|item| {
                        let uid = crate::links::dashboard_uid_in(&item.url)?;
                        self.session.dashboard_with_uid(uid)
                    });
                    match (open_here, items.get(*cursor)) {
                        // One of this session's dashboards: go there, as Grafana would.
                        (Some(index), _) => {
                            command = Command::SwitchDashboard(index);
                            keep = None;
                        }
                        (None, Some(item)) => self.drill.ask(Request::Open {
                            url: item.url.clone(),
                        }),
                        (None, None) => {}
                    }
                }
                KeyCode::Char('y') | KeyCode::Char('c') => {
                    if let Some(item) = items.get(*cursor) {
                        self.drill.ask(Request::Copy {
                            text: item.url.clone(),
                        });
                    }
                }
                _ => {}
            },
            Some(Pane::Logs(pane)) if pane.typing => match code {
                KeyCode::Esc | KeyCode::Enter => pane.typing = false,
                KeyCode::Backspace => {
                    pane.filter.pop();
                }
                KeyCode::Char(c) => {
                    pane.filter.push(c);
                    pane.scroll = 0;
                }
                _ => {}
            },
            Some(Pane::Logs(pane)) => match code {
                KeyCode::Esc | KeyCode::Char('q') => keep = None,
                KeyCode::Char('/') => pane.typing = true,
                KeyCode::Down | KeyCode::Char('j') => pane.scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => pane.scroll = pane.scroll.saturating_sub(1),
                KeyCode::PageDown | KeyCode::Char(' ') => pane.scroll += page,
                KeyCode::PageUp => pane.scroll = pane.scroll.saturating_sub(page),
                KeyCode::Char('y') => self.drill.ask(Request::Copy {
                    text: pane.explore_url.clone(),
                }),
                KeyCode::Char('o') => self.drill.ask(Request::Open {
                    url: pane.explore_url.clone(),
                }),
                // From the highlighted line to the trace it names.
                KeyCode::Enter => {
                    let id = pane.highlighted().and_then(|l| trace_id_in(&l.line));
                    if let Some(id) = id {
                        let matchers =
                            stream_matchers(&BTreeMap::new(), std::slice::from_ref(&pane.logql));
                        self.show_trace(id, matchers, None);
                        return command;
                    }
                }
                _ => {}
            },
            Some(Pane::Traces(pane)) => {
                let count = match &pane.traces {
                    Load::Loaded(t) => t.len(),
                    _ => 0,
                };
                match code {
                    KeyCode::Esc | KeyCode::Char('q') => keep = None,
                    KeyCode::Up | KeyCode::Char('k') => pane.cursor = pane.cursor.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => {
                        pane.cursor = (pane.cursor + 1).min(count.saturating_sub(1))
                    }
                    KeyCode::Char('y') => {
                        if let Some(url) = &pane.search_url {
                            self.drill.ask(Request::Copy { text: url.clone() });
                        }
                    }
                    KeyCode::Enter => {
                        if let Load::Loaded(traces) = &pane.traces
                            && let Some(trace) = traces.get(pane.cursor).cloned()
                        {
                            let url = Some(self.trace_page_url(&trace.trace_id));
                            let back = Box::new(pane.clone());
                            keep = Some(Pane::Waterfall(WaterfallPane {
                                trace_id: trace.trace_id.clone(),
                                url,
                                matchers: pane.matchers.clone(),
                                trace: Load::Loaded(trace),
                                scroll: 0,
                                back: Some(back),
                            }));
                        }
                    }
                    _ => {}
                }
            }
            Some(Pane::Waterfall(pane)) => match code {
                KeyCode::Esc | KeyCode::Char('q') => {
                    keep = pane.back.take().map(|b| Pane::Traces(*b));
                }
                KeyCode::Down | KeyCode::Char('j') => pane.scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => pane.scroll = pane.scroll.saturating_sub(1),
                KeyCode::Char('y') => {
                    let text = pane.url.clone().unwrap_or_else(|| pane.trace_id.clone());
                    self.drill.ask(Request::Copy { text });
                }
                KeyCode::Char('g') => {
                    // The trace's own log lines: its service's streams holding its id.
                    let logql = format!(
                        "{} |= \"{}\"",
                        logql_selector(&pane.matchers),
                        pane.trace_id
                    );
                    let (start, end) = match &pane.trace {
                        Load::Loaded(t) => {
                            let s = t.start_us() / 1000;
                            (s - 60_000, s + t.duration_us() / 1000 + 60_000)
                        }
                        _ => {
                            let now = chrono::Utc::now().timestamp_millis();
                            (now - 6 * 3_600_000, now)
                        }
                    };
                    self.show_logs(logql, start, end);
                    return command;
                }
                _ => {}
            },
            None => {}
        }
        if self.drill.pane.is_none() {
            self.drill.pane = keep;
        }
        command
    }

    /// Jaeger UI's search for a service, else Grafana Explore on the Jaeger datasource.
    fn trace_search_url(&self, service: &str, start_ms: i64, end_ms: i64) -> String {
        match &self.session.drill.jaeger {
            Some(jaeger) => jaeger_search_url(jaeger, service, start_ms, end_ms),
            None => {
                let (from, to) = self.range_text();
                grafana_explore_jaeger_url(
                    &self.session.grafana_url,
                    &self.session.drill.jaeger_datasource,
                    JaegerQuery::Service(service),
                    &from,
                    &to,
                )
            }
        }
    }

    /// Jaeger UI's page of a trace, else Grafana Explore on it.
    fn trace_page_url(&self, id: &str) -> String {
        match &self.session.drill.jaeger {
            Some(jaeger) => jaeger_trace_url(jaeger, id),
            None => {
                let (from, to) = self.range_text();
                grafana_explore_jaeger_url(
                    &self.session.grafana_url,
                    &self.session.drill.jaeger_datasource,
                    JaegerQuery::Trace(id),
                    &from,
                    &to,
                )
            }
        }
    }

    fn body_rows(&self) -> u16 {
        self.page.last_body_height()
    }
}

/// Draw the open pane over the body; returns nothing, links are found on screen afterwards.
pub fn draw(drill: &Drill, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let Some(pane) = &drill.pane else { return };
    let rect = Rect {
        x: area.x + 1,
        y: area.y,
        width: area.width.saturating_sub(2),
        height: area.height,
    };
    if rect.width < 20 || rect.height < 5 {
        return;
    }
    let inner_width = usize::from(rect.width.saturating_sub(2));
    let rows = usize::from(rect.height.saturating_sub(2));
    let dim = Style::default().fg(theme.dim);
    let text = Style::default().fg(theme.text);
    let head = Style::default()
        .fg(theme.title)
        .add_modifier(Modifier::BOLD);
    let (title, lines): (String, Vec<Line>) = match pane {
        Pane::Links { items, cursor } => {
            let mut lines = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let style = if i == *cursor {
                    text.add_modifier(Modifier::REVERSED | Modifier::BOLD)
                } else {
                    text
                };
                lines.push(Line::styled(
                    format!(" {} · {}", item.kind, item.title),
                    style,
                ));
                lines.push(Line::styled(format!("   {}", item.url), dim));
            }
            lines.push(Line::styled(
                " Enter open in a browser (copies when there is none) · y copy · Esc close",
                dim,
            ));
            (" links ".into(), lines)
        }
        Pane::Logs(pane) => {
            let mut lines = vec![
                Line::from(vec![
                    Span::styled(" LogQL ", head),
                    Span::styled(pane.logql.clone(), text),
                ]),
                Line::from(vec![
                    Span::styled(" Explore ", head),
                    Span::styled(pane.explore_url.clone(), dim),
                ]),
            ];
            let filter_line = if pane.typing || !pane.filter.is_empty() {
                format!(
                    " filter: {}{}",
                    pane.filter,
                    if pane.typing { "▏" } else { "" }
                )
            } else {
                " / filter · j/k scroll · Enter: the top line's trace · y copy / o open the Explore URL · Esc"
                    .into()
            };
            lines.push(Line::styled(filter_line, dim));
            match &pane.lines {
                Load::Loading => lines.push(Line::styled(" loading logs…", dim)),
                Load::Failed(e) => {
                    lines.push(Line::styled(
                        format!(" {e}"),
                        Style::default().fg(theme.error),
                    ));
                    lines.push(Line::styled(
                        " the Explore URL above runs the same query in Grafana",
                        dim,
                    ));
                }
                Load::Loaded(all) => {
                    let shown = pane.shown();
                    if shown.is_empty() {
                        lines.push(Line::styled(" no log lines in this range", dim));
                    }
                    let start = pane.scroll.min(shown.len().saturating_sub(1));
                    for (n, l) in shown
                        .iter()
                        .skip(start)
                        .take(rows.saturating_sub(4))
                        .enumerate()
                    {
                        let at = chrono::DateTime::<chrono::Utc>::from_timestamp_nanos(l.at_ns)
                            .with_timezone(&chrono::Local)
                            .format("%H:%M:%S");
                        let source = l
                            .labels
                            .get("instance")
                            .or_else(|| l.labels.get("pod"))
                            .cloned()
                            .unwrap_or_default();
                        lines.push(Line::from(vec![
                            Span::styled(format!(" {at} "), dim),
                            Span::styled(format!("{source} "), dim),
                            Span::styled(l.line.clone(), {
                                let style = level_style(&l.line, theme);
                                // The top line is the one Enter follows to its trace.
                                if n == 0 && trace_id_in(&l.line).is_some() {
                                    style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                                } else {
                                    style
                                }
                            }),
                        ]));
                    }
                    lines.insert(
                        3,
                        Line::styled(
                            format!(" {} of {} lines, newest first", shown.len(), all.len()),
                            dim,
                        ),
                    );
                }
            }
            (" logs ".into(), lines)
        }
        Pane::Traces(pane) => {
            let mut lines = vec![Line::from(vec![
                Span::styled(format!(" service {} ", pane.service), head),
                Span::styled(
                    pane.search_url
                        .clone()
                        .unwrap_or_else(|| "(no Jaeger configured)".into()),
                    dim,
                ),
            ])];
            match &pane.traces {
                Load::Loading => lines.push(Line::styled(" loading traces…", dim)),
                Load::Failed(e) => lines.push(Line::styled(
                    format!(" {e}"),
                    Style::default().fg(theme.error),
                )),
                Load::Loaded(traces) if traces.is_empty() => {
                    lines.push(Line::styled(" no traces in this window", dim))
                }
                Load::Loaded(traces) => {
                    for (i, t) in traces.iter().enumerate().take(rows.saturating_sub(2)) {
                        let root = t.root().map(|s| s.operation.clone()).unwrap_or_default();
                        let at =
                            chrono::DateTime::<chrono::Utc>::from_timestamp_micros(t.start_us())
                                .map(|d| {
                                    d.with_timezone(&chrono::Local)
                                        .format("%H:%M:%S")
                                        .to_string()
                                })
                                .unwrap_or_default();
                        let row = format!(
                            " {at}  {:>10}  {:<28} {:>3} spans{}  {}",
                            format_duration_us(t.duration_us()),
                            root,
                            t.spans.len(),
                            if t.has_error() { "  error" } else { "" },
                            t.trace_id
                        );
                        let style = if i == pane.cursor {
                            text.add_modifier(Modifier::REVERSED)
                        } else {
                            text
                        };
                        lines.push(Line::styled(row, style));
                    }
                }
            }
            lines.push(Line::styled(
                " Enter span waterfall · y copy the Jaeger URL · Esc close",
                dim,
            ));
            (" traces (slowest first) ".into(), lines)
        }
        Pane::Waterfall(pane) => {
            let mut lines = vec![Line::from(vec![
                Span::styled(format!(" trace {} ", pane.trace_id), head),
                Span::styled(pane.url.clone().unwrap_or_default(), dim),
            ])];
            match &pane.trace {
                Load::Loading => lines.push(Line::styled(" loading trace…", dim)),
                Load::Failed(e) => {
                    lines.push(Line::styled(
                        format!(" {e}"),
                        Style::default().fg(theme.error),
                    ));
                }
                Load::Loaded(trace) => {
                    lines.push(Line::styled(
                        format!(
                            " {} spans · {} · ▶ marks the slowest path",
                            trace.spans.len(),
                            format_duration_us(trace.duration_us())
                        ),
                        dim,
                    ));
                    let label_width = (inner_width * 2 / 5).clamp(16, 48);
                    let bar_width = inner_width.saturating_sub(label_width + 12).max(10);
                    for row in waterfall_layout(trace)
                        .iter()
                        .skip(pane.scroll)
                        .take(rows.saturating_sub(3))
                    {
                        let span = &trace.spans[row.span];
                        let mark = if row.on_slowest_path { "▶" } else { " " };
                        let label = format!(
                            "{mark}{}{} ({})",
                            "  ".repeat(row.depth),
                            span.operation,
                            span.service
                        );
                        let label: String = label.chars().take(label_width).collect();
                        let begin =
                            ((row.offset * bar_width as f64).floor() as usize).min(bar_width - 1);
                        let len = ((row.width * bar_width as f64).round() as usize)
                            .max(1)
                            .min(bar_width - begin);
                        let bar = format!(
                            "{}{}{}",
                            " ".repeat(begin),
                            "█".repeat(len),
                            " ".repeat(bar_width - begin - len)
                        );
                        let bar_style = if span.error {
                            Style::default().fg(theme.error)
                        } else if row.on_slowest_path {
                            Style::default().fg(theme.warning)
                        } else {
                            Style::default().fg(theme.border_focused)
                        };
                        let label_style = if row.on_slowest_path {
                            text.add_modifier(Modifier::BOLD)
                        } else {
                            text
                        };
                        lines.push(Line::from(vec![
                            Span::styled(format!(" {label:<label_width$}"), label_style),
                            Span::styled(bar, bar_style),
                            Span::styled(
                                format!(" {:>9}", format_duration_us(span.duration_us)),
                                dim,
                            ),
                        ]));
                    }
                }
            }
            lines.push(Line::styled(
                " g logs of this trace · y copy the trace URL · j/k scroll · Esc back",
                dim,
            ));
            (" span waterfall ".into(), lines)
        }
    };
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_type(BorderType::Rounded)
                .title(title)
                .border_style(Style::default().fg(theme.border_focused)),
        )
        .render(rect, buf);
}

/// Colour by the line's level (`level=error`, `ERROR`, `warn` ...).
fn level_style(line: &str, theme: &Theme) -> Style {
    let lower = line.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&[
        "level=error",
        "level=fatal",
        "level=crit",
        "\"level\":\"error\"",
        " error ",
        "[error]",
    ]) || line.contains("ERROR")
    {
        Style::default().fg(theme.error)
    } else if has(&["level=warn", "\"level\":\"warn", "[warn"]) || line.contains("WARN") {
        Style::default().fg(theme.warning)
    } else if has(&["level=debug", "level=trace"]) || line.contains("DEBUG") {
        Style::default().fg(theme.dim)
    } else {
        Style::default().fg(theme.text)
    }
}

/// URLs drawn on screen (row, first column, URL), for OSC 8 hyperlinks over them.
pub fn find_urls(buf: &Buffer) -> Vec<(u16, u16, String)> {
    let area = buf.area;
    let mut found = Vec::new();
    for y in area.y..area.y + area.height {
        let cells: Vec<&str> = (area.x..area.x + area.width)
            .map(|x| buf[(x, y)].symbol())
            .collect();
        let mut x = 0;
        while x < cells.len() {
            let starts = |p: &str| {
                p.chars().enumerate().all(|(i, c)| {
                    cells
                        .get(x + i)
                        .is_some_and(|s| s.len() == 1 && s.starts_with(c))
                })
            };
            if starts("http://") || starts("https://") {
                let mut end = x;
                while end < cells.len()
                    && cells[end].len() == 1
                    && cells[end].chars().all(|c| c.is_ascii_graphic())
                {
                    end += 1;
                }
                found.push((y, area.x + x as u16, cells[x..end].concat()));
                x = end;
            } else {
                x += 1;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_on_screen_are_found_for_hyperlinks() {
        let area = Rect::new(0, 0, 40, 2);
        let mut buf = Buffer::empty(area);
        buf.set_string(
            0,
            0,
            "runbook: https://rb.example/x?a=1 end",
            Style::default(),
        );
        buf.set_string(2, 1, "│http://h:1/│", Style::default());
        assert_eq!(
            find_urls(&buf),
            vec![
                (0, 9, "https://rb.example/x?a=1".to_string()),
                (1, 3, "http://h:1/".to_string())
            ]
        );
    }

    #[test]
    fn trace_ids_are_found_in_log_lines() {
        let id = "0d84fa1efc6a87fbda7e5d88177b1aaf";
        assert_eq!(
            trace_id_in(&format!("level=info trace_id={id} x")).as_deref(),
            Some(id)
        );
        assert_eq!(
            trace_id_in(&format!(r#"{{"traceID": "{}"}}"#, id.to_uppercase())).as_deref(),
            Some(id)
        );
        assert_eq!(trace_id_in("trace_id=xyz"), None);
    }

    #[test]
    fn log_levels_have_colours() {
        let theme = Theme::grafana_dark();
        assert_eq!(
            level_style("level=error msg=x", &theme).fg,
            Some(theme.error)
        );
        assert_eq!(
            level_style("level=warn msg=x", &theme).fg,
            Some(theme.warning)
        );
        assert_eq!(level_style("level=info msg=x", &theme).fg, Some(theme.text));
    }

    #[test]
    fn stale_answers_are_dropped() {
        let mut drill = Drill {
            pane: Some(Pane::Logs(LogsPane {
                logql: "{a=\"b\"}".into(),
                explore_url: String::new(),
                lines: Load::Loading,
                filter: String::new(),
                typing: false,
                scroll: 0,
            })),
            ..Drill::default()
        };
        drill.ask(Request::Fetch(DrillRequest::Logs {
            logql: "x".into(),
            start_ms: 0,
            end_ms: 1,
        }));
        drill.ask(Request::Fetch(DrillRequest::Logs {
            logql: "y".into(),
            start_ms: 0,
            end_ms: 1,
        }));
        assert!(!drill.apply(1, DrillAnswer::Logs(Ok(Vec::new()))));
        assert!(drill.apply(2, DrillAnswer::Logs(Err("down".into()))));
        assert!(
            matches!(&drill.pane, Some(Pane::Logs(p)) if p.lines == Load::Failed("down".into()))
        );
    }
}

#[cfg(test)]
mod app_tests {
    use super::*;
    use crate::data::panel_data::{PanelData, QueryInfo, Series};
    use crate::grafana::model::{Dashboard, GridPos, Link, Panel};
    use crate::tui::app::{StatusInfo, ViewState};
    use ratatui::crossterm::event::KeyEvent;

    /// A dashboard with one latency panel that has one series and a data link.
    fn app() -> App {
        let mut panel = Panel {
            id: Some(3),
            title: "Latency".into(),
            panel_type: "timeseries".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 24,
                h: 10,
            },
            ..Panel::default()
        };
        panel.field_config.defaults.links = vec![Link {
            title: "host dashboard".into(),
            url: "https://g/d/host?var-host=${__field.labels.instance}&${__url_time_range}".into(),
            target_blank: false,
        }];
        let dashboard = Dashboard {
            title: "GW".into(),
            uid: Some("gw".into()),
            panels: vec![panel],
            ..Dashboard::default()
        };
        let mut app = App::new(
            dashboard,
            Theme::mono(),
            StatusInfo::default(),
            ViewState::new("now-1h", "now"),
        );
        app.session.drill = DrillConfig {
            loki: Some("http://loki:3100".into()),
            jaeger: Some("http://jaeger:16686".into()),
            alertmanager: None,
            loki_datasource: "loki".into(),
            jaeger_datasource: "jaeger".into(),
        };
        app.session.grafana_url = "https://grafana.example".into();
        app.page.focus = Some(0);
        app.page.data[0] = Some(PanelData {
            series: vec![Series {
                name: "p99".into(),
                labels: [
                    ("instance".to_string(), "gw-1:8080".to_string()),
                    ("le".to_string(), "0.5".to_string()),
                ]
                .into(),
                points: vec![(1_000, 0.2), (2_000, 0.3)],
                ..Series::default()
            }],
            queries: vec![QueryInfo {
                expr: r#"histogram_quantile(0.99, rate(x_bucket{service="gw", environment="production"}[5m]))"#.into(),
                ..QueryInfo::default()
            }],
            start_ms: 1_000,
            end_ms: 2_000,
            ..PanelData::default()
        });
        app
    }

    fn press(app: &mut App, c: char) {
        app.handle_key(KeyEvent::from(KeyCode::Char(c)));
    }

    #[test]
    fn a_dashboard_link_to_a_dashboard_of_the_session_switches_to_it() {
        let mut app = app();
        let dashboard = |title: &str, uid: &str| crate::tui::session::DashboardRef {
            title: title.into(),
            uid: Some(uid.into()),
        };
        app.session.dashboards = vec![dashboard("GW", "gw"), dashboard("Host", "host")];
        press(&mut app, 'L');
        let first = match &app.drill.pane {
            Some(Pane::Links { items, .. }) => items[0].url.clone(),
            other => panic!("links pane: {other:?}"),
        };
        assert!(first.starts_with("https://g/d/host?"), "{first}");
        let action = app.handle_key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(action, Command::SwitchDashboard(1));
        assert!(app.drill.pane.is_none());
        // A link to a dashboard not in the session is opened (or copied), not switched to.
        app.session.dashboards = vec![dashboard("GW", "gw")];
        press(&mut app, 'L');
        let action = app.handle_key(KeyEvent::from(KeyCode::Enter));
        assert_eq!(action, Command::None);
        assert!(matches!(
            app.drill.take_requests().last(),
            Some((_, Request::Open { .. }))
        ));
    }

    #[test]
    fn g_asks_loki_for_the_series_streams_over_the_panels_range() {
        let mut app = app();
        press(&mut app, 'g');
        let requests = app.drill.take_requests();
        assert_eq!(
            requests.last().map(|(_, r)| r.clone()),
            Some(Request::Fetch(DrillRequest::Logs {
                // The series' own label first, then the query's matchers; `le` is left out.
                logql: r#"{instance="gw-1:8080", service="gw", environment="production"}"#.into(),
                start_ms: 1_000,
                end_ms: 2_000,
            }))
        );
        let Some(Pane::Logs(pane)) = &app.drill.pane else {
            panic!("the log pane is open");
        };
        assert!(
            pane.explore_url
                .starts_with("https://grafana.example/explore?")
        );
        // Keys go to the pane: `/` types a filter, Esc leaves typing, Esc again closes.
        press(&mut app, '/');
        press(&mut app, 'e');
        app.handle_key(KeyEvent::from(KeyCode::Esc));
        assert!(matches!(&app.drill.pane, Some(Pane::Logs(p)) if p.filter == "e" && !p.typing));
        app.handle_key(KeyEvent::from(KeyCode::Esc));
        assert!(app.drill.pane.is_none());
    }

    #[test]
    fn l_lists_the_data_link_resolved_and_the_drill_urls() {
        let mut app = app();
        press(&mut app, 'L');
        let Some(Pane::Links { items, .. }) = &app.drill.pane else {
            panic!("the links pane is open");
        };
        let urls: Vec<&str> = items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls[0],
            "https://g/d/host?var-host=gw-1%3A8080&from=now-1h&to=now"
        );
        assert!(
            urls.iter()
                .any(|u| u.starts_with("http://jaeger:16686/search?end=2000000"))
        );
        assert!(
            urls.iter()
                .any(|u| u.starts_with("https://grafana.example/d/gw?"))
        );
        // Enter asks to open it (the loop opens a browser, or copies over SSH).
        app.handle_key(KeyEvent::from(KeyCode::Enter));
        assert!(matches!(
            app.drill.take_requests().last(),
            Some((_, Request::Open { url })) if url.contains("var-host=gw-1%3A8080")
        ));
    }

    #[test]
    fn x_picks_the_slowest_exemplar_and_asks_for_its_trace() {
        let mut app = app();
        app.page.fullscreen = true;
        app.drill.exemplar_panel = Some(0);
        let exemplar = |id: &str, value: f64, at_ms: i64| Exemplar {
            series_labels: [("instance".to_string(), "gw-1:8080".to_string())].into(),
            labels: [("trace_id".to_string(), id.to_string())].into(),
            value,
            at_ms,
        };
        app.drill.exemplars = vec![exemplar("aa", 0.1, 1_200), exemplar("bb", 0.9, 1_500)];
        press(&mut app, 'x');
        assert_eq!(app.drill.selected_exemplar, Some(1));
        let said = app.page.status.message.clone().unwrap_or_default();
        assert!(said.contains("on gw-1:8080: 900.0 ms → trace bb"), "{said}");
        assert!(matches!(
            app.drill.take_requests().last(),
            Some((_, Request::Fetch(DrillRequest::Trace { id }))) if id == "bb"
        ));
        let Some(Pane::Waterfall(pane)) = &app.drill.pane else {
            panic!("the waterfall is open");
        };
        assert_eq!(pane.url.as_deref(), Some("http://jaeger:16686/trace/bb"));
        assert_eq!(logql_selector(&pane.matchers), r#"{instance="gw-1:8080"}"#);
    }
}
