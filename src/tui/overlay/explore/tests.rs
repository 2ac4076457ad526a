use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::grafana::promql_complete::CompletionAnswer;
use crate::tui::overlay::AlertsState;

struct Fixture {
    history: Vec<String>,
    completions: Completions,
    alerts: AlertsState,
    sources: Vec<ExploreSource>,
}

impl Fixture {
    fn new() -> Self {
        let mut completions = Completions::default();
        completions.answered(
            CompletionRequest::MetricNames,
            Ok(CompletionAnswer::Names(vec![
                "node_cpu_guest_seconds_total".into(),
                "node_cpu_seconds_total".into(),
            ])),
        );
        completions.answered(
            CompletionRequest::LokiLabelNames,
            Ok(CompletionAnswer::Names(vec![
                "job".into(),
                "instance".into(),
            ])),
        );
        Fixture {
            history: vec!["up".into(), "sum(rate(x[5m]))".into()],
            completions,
            alerts: AlertsState::Loading,
            sources: sources(
                &crate::grafana::model::Dashboard::default(),
                true,
                "loki-uid",
            ),
        }
    }

    fn ctx(&self) -> Context<'_> {
        Context {
            variables: &[],
            panels: &[],
            focused: None,
            dashboards: &[],
            explore_history: &self.history,
            completions: &self.completions,
            explore_sources: &self.sources,
            alerts: &self.alerts,
            range: ("now-1h", "now"),
        }
    }
}

/// What Enter gives for a PromQL query without options.
fn explore(expr: &str, instant: bool) -> Effect {
    Effect::Explore(Box::new(ExploreQuery {
        expr: expr.into(),
        instant,
        ..ExploreQuery::default()
    }))
}

fn press(state: &mut ExploreState, f: &Fixture, code: KeyCode, modifiers: KeyModifiers) -> Effect {
    key(state, KeyEvent::new(code, modifiers), &f.ctx())
}

fn type_text(state: &mut ExploreState, f: &Fixture, text: &str) {
    for c in text.chars() {
        press(state, f, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

#[test]
fn tab_completes_a_metric_from_the_answers_that_arrived() {
    let f = Fixture::new();
    let mut s = ExploreState::default();
    type_text(&mut s, &f, "node_cpu_sec");
    assert_eq!(s.requests(&f.ctx())[0], CompletionRequest::MetricNames);
    assert_eq!(
        s.shown_candidates(&f.ctx())[0].text,
        "node_cpu_seconds_total"
    );
    press(&mut s, &f, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(s.text(), "node_cpu_seconds_total");
    // A down arrow in the popup picks the next one.
    let mut s = ExploreState::default();
    type_text(&mut s, &f, "node_cpu");
    press(&mut s, &f, KeyCode::Down, KeyModifiers::NONE);
    press(&mut s, &f, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(s.text(), "node_cpu_guest_seconds_total");
}

#[test]
fn label_requests_carry_the_selector() {
    let f = Fixture::new();
    let mut s = ExploreState::default();
    type_text(&mut s, &f, "node_cpu_seconds_total{mo");
    assert_eq!(
        s.requests(&f.ctx())[0],
        CompletionRequest::LabelNames {
            selector: Some("node_cpu_seconds_total{}".into())
        }
    );
    assert!(s.requests(&f.ctx()).contains(&CompletionRequest::Metadata {
        metric: "node_cpu_seconds_total".into()
    }));
}

#[test]
fn arrows_recall_history_when_no_popup_is_open_and_alt_enter_breaks_lines() {
    let f = Fixture::new();
    let mut s = ExploreState::default();
    press(&mut s, &f, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(s.text(), "sum(rate(x[5m]))");
    press(&mut s, &f, KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(s.text(), "up");
    press(&mut s, &f, KeyCode::Down, KeyModifiers::NONE);
    press(&mut s, &f, KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(s.text(), "");
    type_text(&mut s, &f, "sum(");
    press(&mut s, &f, KeyCode::Enter, KeyModifiers::ALT);
    type_text(&mut s, &f, "up)");
    assert_eq!(s.text(), "sum(\nup)");
    assert_eq!(
        press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE),
        explore("sum(\nup)", false)
    );
}

#[test]
fn ctrl_r_finds_a_query_in_history() {
    let f = Fixture::new();
    let mut s = ExploreState::default();
    press(&mut s, &f, KeyCode::Char('r'), KeyModifiers::CONTROL);
    type_text(&mut s, &f, "u");
    press(&mut s, &f, KeyCode::Char('r'), KeyModifiers::CONTROL);
    press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(s.text(), "up", "the second newest match of `u`");
    // Esc closes the popup first, then the box.
    type_text(&mut s, &f, "+ node");
    assert_eq!(
        press(&mut s, &f, KeyCode::Esc, KeyModifiers::NONE),
        Effect::None
    );
    assert_eq!(
        press(&mut s, &f, KeyCode::Esc, KeyModifiers::NONE),
        Effect::Close
    );
}

#[test]
fn each_request_is_asked_once_and_failures_again_when_the_box_reopens() {
    let mut c = Completions::default();
    c.want(CompletionRequest::MetricNames);
    c.want(CompletionRequest::MetricNames);
    let asked = c.take_requests();
    assert_eq!(asked.len(), 1);
    assert!(c.pending(&CompletionRequest::MetricNames));
    c.want(CompletionRequest::MetricNames);
    assert!(c.take_requests().is_empty(), "on its way: not asked twice");
    c.answered(CompletionRequest::MetricNames, Err("timeout".into()));
    assert_eq!(c.failure(&CompletionRequest::MetricNames), Some("timeout"));
    c.want(CompletionRequest::MetricNames);
    assert!(
        c.take_requests().is_empty(),
        "a fresh failure is not asked again at once"
    );
    c.forget_failures();
    c.want(CompletionRequest::MetricNames);
    assert_eq!(c.take_requests().len(), 1);
}

#[test]
fn ctrl_t_runs_the_query_as_an_instant_table() {
    let f = Fixture::new();
    let mut s = ExploreState::default();
    type_text(&mut s, &f, "count(up)");
    press(&mut s, &f, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert_eq!(
        press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE),
        explore("count(up)", true)
    );
    press(&mut s, &f, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert_eq!(
        press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE),
        explore("count(up)", false)
    );
}

#[test]
fn ctrl_o_moves_to_the_legend_and_unit_which_enter_runs_with() {
    let f = Fixture::new();
    let mut s = ExploreState::default();
    type_text(&mut s, &f, "rate(x[5m])");
    press(&mut s, &f, KeyCode::Char('o'), KeyModifiers::CONTROL);
    type_text(&mut s, &f, "{{mode}}");
    press(&mut s, &f, KeyCode::Tab, KeyModifiers::NONE);
    type_text(&mut s, &f, "percentunit");
    assert_eq!(s.text(), "rate(x[5m])", "typing went to the fields");
    let Effect::Explore(query) = press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE) else {
        panic!("Enter runs from any field");
    };
    assert_eq!(query.legend, "{{mode}}");
    assert_eq!(query.unit, "percentunit");
    let panel = query.panel(crate::grafana::model::GridPos::default());
    assert_eq!(panel.targets[0].legend_format.as_deref(), Some("{{mode}}"));
    assert_eq!(
        panel.field_config.defaults.unit.as_deref(),
        Some("percentunit")
    );
    assert_eq!(panel.panel_type, "timeseries");
}

#[test]
fn the_box_reopened_on_a_query_keeps_its_options_and_datasource() {
    let f = Fixture::new();
    let query = ExploreQuery {
        expr: "{job=\"x\"}".into(),
        source: f.sources[1].clone(),
        instant: false,
        legend: "{{instance}}".into(),
        unit: "short".into(),
    };
    let mut s = ExploreState::for_query(&query, &f.sources, Field::Unit);
    press(&mut s, &f, KeyCode::Backspace, KeyModifiers::NONE);
    let Effect::Explore(again) = press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE) else {
        panic!("Enter runs");
    };
    assert_eq!(again.unit, "shor");
    assert_eq!(again.legend, "{{instance}}");
    assert_eq!(again.source.language, Language::LogQL);
}

#[test]
fn ctrl_d_switches_to_loki_and_the_box_speaks_logql() {
    let f = Fixture::new();
    assert_eq!(f.sources.len(), 2, "{:?}", f.sources);
    let mut s = ExploreState::default();
    press(&mut s, &f, KeyCode::Char('d'), KeyModifiers::CONTROL);
    type_text(&mut s, &f, "{jo");
    assert_eq!(
        s.requests(&f.ctx()),
        vec![CompletionRequest::LokiLabelNames],
        "Loki's labels, and no Prometheus metadata"
    );
    assert_eq!(s.shown_candidates(&f.ctx())[0].text, "job");
    press(&mut s, &f, KeyCode::Tab, KeyModifiers::NONE);
    type_text(&mut s, &f, "=\"");
    assert_eq!(
        s.requests(&f.ctx()),
        vec![CompletionRequest::LokiLabelValues {
            label: "job".into(),
            stream: None
        }]
    );
    type_text(&mut s, &f, "x\"} |= \"error\"");
    let Effect::Explore(query) = press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE) else {
        panic!("Enter runs");
    };
    assert_eq!(query.expr, "{job=\"x\"} |= \"error\"");
    assert!(query.is_log_query());
    assert_eq!(query.panel(Default::default()).panel_type, "logs");
    // Ctrl-D again: back to Prometheus.
    press(&mut s, &f, KeyCode::Char('d'), KeyModifiers::CONTROL);
    assert_eq!(s.language(&f.ctx()), Language::PromQL);
}

#[test]
fn a_malformed_logql_query_shows_its_error_in_the_box() {
    let f = Fixture::new();
    let mut s = ExploreState::default();
    press(&mut s, &f, KeyCode::Char('d'), KeyModifiers::CONTROL);
    type_text(&mut s, &f, "{job=\"x\"} |= ");
    let area = ratatui::layout::Rect::new(0, 0, 120, 30);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    draw(
        &s,
        area,
        &mut buf,
        &crate::tui::theme::Theme::mono(),
        &f.ctx(),
    );
    let screen = crate::tui::frame_text::to_text(&buf);
    assert!(screen.contains("explore: LogQL · Loki"), "{screen}");
    assert!(screen.contains("^ column 14:"), "{screen}");
}

#[test]
fn results_keys_act_on_the_query() {
    let key = |c| results_key(KeyEvent::from(KeyCode::Char(c)));
    assert_eq!(key('a'), Some(ResultsKey::AddToDashboard));
    assert_eq!(key('s'), Some(ResultsKey::Save));
    assert_eq!(key('m'), Some(ResultsKey::ToggleInstant));
    assert_eq!(key('f'), Some(ResultsKey::Edit(Field::Legend)));
    assert_eq!(key('u'), Some(ResultsKey::Edit(Field::Unit)));
    assert_eq!(key('q'), None, "quitting stays quitting");
    assert_eq!(
        results_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        None
    );
}
