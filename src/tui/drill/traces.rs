//! The traces pane: the focused panel's service's traces (Jaeger) in its window, slowest
//! first; Enter opens one as a span waterfall. Also the Jaeger (or Grafana Explore) URLs of a
//! search and of one trace, which the links and waterfall panes offer too.

use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{Focused, Load, Pane, Request, Step, Styles};
use crate::data::Trace;
use crate::engine::drill::DrillRequest;
use crate::links::drilldown::{
    JaegerQuery, Matcher, grafana_explore_jaeger_url, grafana_explore_tempo_url, jaeger_search_url,
    jaeger_trace_url, service_of, stream_matchers,
};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::view::waterfall::format_duration_us;

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

impl App {
    /// `T`: traces of the focused panel's service in its window.
    pub fn open_traces(&mut self) {
        let Some(Focused {
            exprs,
            start,
            end,
            labels,
            ..
        }) = self.focused_or_say()
        else {
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

    /// Grafana Explore on the Tempo datasource when traces come from Tempo, else Jaeger UI's
    /// search for a service, else Grafana Explore on the Jaeger datasource.
    pub(super) fn trace_search_url(&self, service: &str, start_ms: i64, end_ms: i64) -> String {
        self.trace_url(JaegerQuery::Service(service), |jaeger| {
            jaeger_search_url(jaeger, service, start_ms, end_ms)
        })
    }

    /// Explore on Tempo's datasource when traces come from Tempo, else Jaeger UI's page of a
    /// trace, else Grafana Explore on it.
    pub(super) fn trace_page_url(&self, id: &str) -> String {
        self.trace_url(JaegerQuery::Trace(id), |jaeger| {
            jaeger_trace_url(jaeger, id)
        })
    }

    /// Tempo's Explore, else the Jaeger UI page (`jaeger_page` of its base URL), else Explore
    /// on Grafana's Jaeger datasource.
    fn trace_url(&self, query: JaegerQuery, jaeger_page: impl FnOnce(&str) -> String) -> String {
        if let Some(url) = self.tempo_explore_url(query) {
            return url;
        }
        match &self.session.drill.jaeger {
            Some(jaeger) => jaeger_page(jaeger),
            None => {
                let (from, to) = self.range_text();
                grafana_explore_jaeger_url(
                    &self.session.grafana_url,
                    self.session.org_id,
                    &self.session.drill.jaeger_datasource,
                    query,
                    &from,
                    &to,
                )
            }
        }
    }
}

impl App {
    /// Grafana Explore on the Tempo datasource, when Tempo is configured.
    fn tempo_explore_url(&self, query: JaegerQuery) -> Option<String> {
        self.session.drill.tempo.as_ref()?;
        let (from, to) = self.range_text();
        Some(grafana_explore_tempo_url(
            &self.session.grafana_url,
            &self.session.drill.tempo_datasource,
            query,
            &from,
            &to,
        ))
    }
}

/// Keys of the traces pane.
pub(super) fn keys(pane: &mut TracesPane, code: KeyCode) -> Step {
    let count = match &pane.traces {
        Load::Loaded(t) => t.len(),
        _ => 0,
    };
    match code {
        KeyCode::Esc | KeyCode::Char('q') => return Step::Close,
        KeyCode::Up | KeyCode::Char('k') => pane.cursor = pane.cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => {
            pane.cursor = (pane.cursor + 1).min(count.saturating_sub(1))
        }
        KeyCode::Char('y') => {
            if let Some(url) = &pane.search_url {
                return Step::Ask(Request::Copy { text: url.clone() });
            }
        }
        KeyCode::Enter => {
            if let Load::Loaded(traces) = &pane.traces
                && let Some(trace) = traces.get(pane.cursor).cloned()
            {
                return Step::ShowLoadedTrace {
                    trace: Box::new(trace),
                    back: Box::new(pane.clone()),
                };
            }
        }
        _ => {}
    }
    Step::Stay
}

/// The pane's text: the service and its search URL, then one row per trace that fits.
pub(super) fn draw(pane: &TracesPane, rows: usize, theme: &Theme) -> Vec<Line<'static>> {
    let Styles { dim, text, head } = Styles::new(theme);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" service {} ", pane.service), head),
        Span::styled(
            pane.search_url
                .clone()
                .unwrap_or_else(|| "(no Jaeger or Tempo configured)".into()),
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
                let style = if i == pane.cursor {
                    text.add_modifier(Modifier::REVERSED)
                } else {
                    text
                };
                lines.push(Line::styled(trace_row(t), style));
            }
        }
    }
    lines.push(Line::styled(
        " Enter span waterfall · y copy the search URL · Esc close",
        dim,
    ));
    lines
}

/// One trace: start, duration, root operation, span count, error and id.
fn trace_row(t: &Trace) -> String {
    let root = t.root().map(|s| s.operation.clone()).unwrap_or_default();
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp_micros(t.start_us())
        .map(|d| {
            d.with_timezone(&chrono::Local)
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    format!(
        " {at}  {:>10}  {:<28} {:>3} spans{}  {}",
        format_duration_us(t.duration_us()),
        root,
        t.spans.len(),
        if t.has_error() { "  error" } else { "" },
        t.trace_id
    )
}
