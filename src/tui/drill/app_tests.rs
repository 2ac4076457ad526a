//! The drill-downs driven through the App's keys, over one dashboard with a latency panel.

use super::*;
use crate::data::panel_data::{PanelData, QueryInfo, Series};
use crate::grafana::model::{Dashboard, GridPos, Link, Panel};
use crate::links::drilldown::logql_selector;
use crate::tui::app::{StatusInfo, ViewState};
use ratatui::crossterm::event::KeyEvent;
use std::sync::Arc;

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
        panels: vec![Arc::new(panel)],
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
        ..DrillConfig::default()
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
