use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::grafana::promql_complete::CompletionAnswer;
use crate::tui::overlay::AlertsState;

struct Fixture {
    history: Vec<String>,
    completions: Completions,
    alerts: AlertsState,
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
        Fixture {
            history: vec!["up".into(), "sum(rate(x[5m]))".into()],
            completions,
            alerts: AlertsState::Loading,
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
            alerts: &self.alerts,
            range: ("now-1h", "now"),
        }
    }
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
    assert_eq!(s.requests()[0], CompletionRequest::MetricNames);
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
        s.requests()[0],
        CompletionRequest::LabelNames {
            selector: Some("node_cpu_seconds_total{}".into())
        }
    );
    assert!(s.requests().contains(&CompletionRequest::Metadata {
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
        Effect::Explore("sum(\nup)".into())
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
        Effect::ExploreInstant("count(up)".into())
    );
    press(&mut s, &f, KeyCode::Char('t'), KeyModifiers::CONTROL);
    assert_eq!(
        press(&mut s, &f, KeyCode::Enter, KeyModifiers::NONE),
        Effect::Explore("count(up)".into())
    );
}
