//! The demo dashboard at 80×24, the smallest terminal an SSH session commonly gets: a snapshot,
//! panels too small to draw say so and open fullscreen on Enter, and no size from 20×6 up
//! panics or draws outside its cell.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use triage::data::panel_data::{PanelData, Series};
use triage::engine::session::EngineEvent;
use triage::grafana::load::load_path;
use triage::grafana::model::Dashboard;
use triage::tui::app::{App, StatusInfo, ViewState};
use triage::tui::frame_text::to_text;
use triage::tui::theme::Theme;

const T0: i64 = 1_795_500_000_000;
const STEP: i64 = 60_000;

fn dashboard() -> Dashboard {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/layouts/service/inference-gateway.json"
    );
    load_path(std::path::Path::new(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .dashboard
}

fn series(labels: &[(&str, &str)], f: impl Fn(i64) -> f64) -> Series {
    Series {
        ref_id: "A".into(),
        name: String::new(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        points: (0..60).map(|i| (T0 + i * STEP, f(i))).collect(),
        compare: None,
    }
}

/// The labels a legend format names (`{{code}}`), so the fixed data gets real legend names.
fn legend_labels(format: &str) -> Vec<String> {
    format
        .split("{{")
        .skip(1)
        .filter_map(|part| part.split("}}").next())
        .map(|label| label.trim().to_string())
        .collect()
}

/// Plausible, fixed data for a panel: buckets for heatmaps, one value per target for the SLO
/// stats, two series per target elsewhere, labelled as the legend format asks.
fn data_for(panel: &triage::grafana::model::Panel) -> PanelData {
    let mut all = Vec::new();
    for (t, target) in panel.targets.iter().enumerate() {
        if panel.panel_type == "heatmap" {
            for (b, le) in ["0.05", "0.1", "0.25", "0.5", "+Inf"].iter().enumerate() {
                all.push(series(&[("le", le)], move |i| {
                    (b as f64 + 1.0) * 10.0 + (i % 7) as f64
                }));
            }
            continue;
        }
        let labels = legend_labels(target.legend_format.as_deref().unwrap_or(""));
        let count = if labels.is_empty() { 1 } else { 2 };
        for n in 0..count {
            let values: Vec<(String, String)> = labels
                .iter()
                .map(|l| (l.clone(), format!("{l}-{}", ["a", "b"][n])))
                .collect();
            let pairs: Vec<(&str, &str)> = values
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let level = 0.2 + 0.1 * (t + n) as f64;
            let mut s = series(&pairs, move |i| level + 0.03 * (i as f64 / 6.0).sin());
            s.ref_id = target.ref_id.clone();
            s.name = triage::grafana::naming::legend_name(
                target.legend_format.as_deref(),
                &s.labels,
                &target.expr,
            )
            .unwrap_or_default();
            all.push(s);
        }
    }
    PanelData {
        series: all,
        start_ms: T0,
        end_ms: T0 + 59 * STEP,
        ..PanelData::default()
    }
}

fn app_with_data() -> App {
    let dashboard = dashboard();
    let data: Vec<PanelData> = dashboard.panels.iter().map(|p| data_for(p)).collect();
    let mut app = App::new(
        dashboard,
        Theme::mono(),
        StatusInfo {
            prometheus_url: "http://prometheus:9090".into(),
            range: "Last 1 hour".into(),
            ..StatusInfo::default()
        },
        ViewState::new("now-1h", "now"),
    );
    app.session.clock = triage::view::build::Clock::Utc;
    for (index, data) in data.into_iter().enumerate() {
        app.apply(EngineEvent::Panel {
            generation: 0,
            index,
            data: Box::new(data),
        });
    }
    app
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    app.draw_into(area, &mut buf);
    to_text(&buf)
}

#[test]
fn the_demo_dashboard_at_80_by_24() {
    let mut app = app_with_data();
    let text = screen(&mut app, 80, 24);
    assert_eq!(text.lines().count(), 24);
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    assert!(text.contains("Inference Gateway"), "{text}");
    assert!(text.contains("? help"), "the status line survives:\n{text}");
    insta::assert_snapshot!("demo_80x24", text);
}

#[test]
fn panels_too_small_to_draw_say_so_and_open_fullscreen_on_enter() {
    let mut app = app_with_data();
    // 30 columns: the half-width charts get 15, too few for axes and a line.
    let narrow = screen(&mut app, 30, 24);
    assert!(
        narrow.contains("Enter"),
        "a squeezed chart says how to see it:\n{narrow}"
    );
    // Focus a chart that is too small, then Enter: it fills the screen and draws.
    let index = app
        .page
        .dashboard
        .panels
        .iter()
        .position(|p| p.panel_type == "timeseries")
        .expect("a time series");
    app.page.focus = Some(index);
    app.handle_key(KeyEvent::from(KeyCode::Enter));
    assert!(app.page.fullscreen);
    let full = screen(&mut app, 30, 24);
    assert!(!full.contains("too small"), "{full}");
    assert!(
        full.contains(&app.page.dashboard.panels[index].title),
        "{full}"
    );
}

#[test]
fn every_size_from_20_by_6_draws_without_a_panic() {
    let mut app = app_with_data();
    for width in (20..=100).step_by(7) {
        for height in (6..=40).step_by(5) {
            let text = screen(&mut app, width, height);
            assert_eq!(
                text.lines().count(),
                usize::from(height),
                "{width}×{height}"
            );
        }
    }
    let tiny = screen(&mut app, 19, 5);
    assert!(tiny.contains("too small"), "{tiny}");
}
