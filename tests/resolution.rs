//! Every spike Grafana shows (issue 19): a time series gets as many points as Grafana asks for
//! (its width in px in a 1920 px window), more than a terminal has braille columns, and draws
//! each column's envelope so a one-point spike still reaches its row; the cursor and legend
//! read the full data.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use triage::data::panel_data::{PanelData, Series};
use triage::grafana::model::Panel;
use triage::tui::frame_text::to_text;
use triage::tui::theme::Theme;
use triage::tui::widgets::draw_panel;
use triage::view::build::{Clock, build};

mod support;
use support::{BIN, DASHBOARD, start_demo};

const T0: i64 = 1_795_500_000_000;

fn panel_json(json: &str) -> Panel {
    let text = format!(r#"{{"title": "t", "panels": [{json}]}}"#);
    let loaded =
        triage::grafana::load::load_str(&text, "resolution.json").unwrap_or_else(|e| panic!("{e}"));
    Panel::clone(&loaded.dashboard.panels[0])
}

/// `count` points one step apart over the same 6 h, flat at 1 but for `spike` at `spike_at`.
fn series_with_spike(count: i64, spike_at: i64, spike: f64) -> PanelData {
    let span = 6 * 3_600_000;
    let step = span / count;
    let points = (0..count)
        .map(|i| {
            let t = T0 + i * step;
            let v = if i == spike_at {
                spike
            } else {
                1.0 + (i % 7) as f64 * 0.01
            };
            (t, v)
        })
        .collect();
    PanelData {
        series: vec![Series {
            ref_id: "A".into(),
            name: "requests".into(),
            labels: BTreeMap::new(),
            points,
            compare: None,
        }],
        start_ms: T0,
        end_ms: T0 + span,
        ..PanelData::default()
    }
}

fn draw(panel: &Panel, data: &PanelData, width: u16, height: u16) -> String {
    let view = build(panel, data, Clock::Utc);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    draw_panel(&view, area, &mut buf, false, &Theme::mono(), None);
    to_text(&buf)
}

/// The first line (from the top) holding a braille dot.
fn top_braille_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)))
}

#[test]
fn a_one_point_spike_among_thousands_of_points_is_drawn_reaching_its_row() {
    let panel = panel_json(
        r#"{"type": "timeseries", "title": "Requests", "gridPos": {"x":0,"y":0,"w":12,"h":8},
            "targets": [{"refId": "A", "expr": "x"}],
            "options": {"legend": {"showLegend": true, "displayMode": "table",
                        "placement": "bottom", "calcs": ["max", "mean"]}}}"#,
    );
    // 40 columns of plot at most: 80 braille dot columns for 5,000 points.
    let many = series_with_spike(5_000, 3_217, 100.0);
    // The same spike among 50 points, one per column or less: drawn point to point.
    let few = series_with_spike(50, 32, 100.0);
    let (text_many, text_few) = (draw(&panel, &many, 50, 14), draw(&panel, &few, 50, 14));
    let (top_many, top_few) = (top_braille_line(&text_many), top_braille_line(&text_few));
    assert!(top_few.is_some(), "{text_few}");
    assert_eq!(
        top_many, top_few,
        "the spike reaches the same row:\n{text_many}\n{text_few}"
    );
    // Nothing but the spike is that high: the top row has one or two braille cells.
    let top = text_many.lines().nth(top_many.unwrap()).unwrap();
    let dots = top
        .chars()
        .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
        .count();
    assert!((1..=2).contains(&dots), "{text_many}");
    // The legend's max is the spike's value: calcs read every point, not what is drawn.
    assert!(
        text_many
            .lines()
            .any(|l| l.contains("requests") && l.contains("100")),
        "{text_many}"
    );
}

/// The width in px Grafana gives a panel `w` of 24 columns wide in a 1920 px window: the
/// dashboard grid is 1888 px, 24 columns with 8 px between them (71 px each), and
/// react-grid-layout makes an item `w` columns plus the `w - 1` gaps it spans. Grafana asks
/// with that width as maxDataPoints (scenes VizPanelRenderer → SceneQueryRunner).
fn grafana_width(w: i64) -> i64 {
    71 * w + 8 * (w - 1)
}

/// Grafana's backend interval rounding (pkg/promlib intervalv2 `roundInterval`, `<=`), the rows
/// a range of hours needs.
fn round_backend(ms: i64) -> i64 {
    let table = [
        (15, 10),
        (35, 20),
        (75, 50),
        (150, 100),
        (350, 200),
        (750, 500),
        (1_500, 1_000),
        (3_500, 2_000),
        (7_500, 5_000),
        (12_500, 10_000),
        (17_500, 15_000),
        (25_000, 20_000),
        (45_000, 30_000),
        (90_000, 60_000),
        (210_000, 120_000),
        (450_000, 300_000),
        (750_000, 600_000),
        (1_050_000, 900_000),
        (1_500_000, 1_200_000),
        (2_700_000, 1_800_000),
        (5_400_000, 3_600_000),
    ];
    table
        .iter()
        .find(|(limit, _)| ms <= *limit)
        .map_or(7_200_000, |(_, step)| *step)
}

/// Grafana's frontend rounding (rangeutil `roundInterval`, `<`), for the interval the backend
/// takes as its minimum.
fn round_frontend(ms: i64) -> i64 {
    let table = [
        (12_500, 10_000),
        (17_500, 15_000),
        (25_000, 20_000),
        (45_000, 30_000),
        (90_000, 60_000),
        (210_000, 120_000),
        (450_000, 300_000),
    ];
    table
        .iter()
        .find(|(limit, _)| ms < *limit)
        .map_or(600_000, |(_, step)| *step)
}

/// The step Grafana sends for a panel `w` columns wide over `range_ms` with the demo's 15 s
/// scrape interval and no min interval set: the frontend's interval (at least 15 s) is the
/// backend's minimum; above it the backend rounds range / maxDataPoints; never under
/// range / 11,000.
fn grafana_step(w: i64, range_ms: i64) -> i64 {
    let raw = range_ms / grafana_width(w);
    let frontend = round_frontend(raw).max(15_000);
    let calculated = if raw < frontend {
        frontend
    } else {
        round_backend(raw)
    };
    calculated.max(round_backend(range_ms / 11_000))
}

fn render_json(prometheus: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let out = Command::new(BIN)
        .args(["render", DASHBOARD, "--prometheus", prometheus])
        .args(["--format", "json", "--width", "160", "--height", "60"])
        .args(extra)
        .output()
        .expect("run triage render");
    assert!(
        out.status.success(),
        "render failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("render --format json prints JSON")
}

/// Each series' highest value in Prometheus's answer to a range query, asked with curl.
fn maxima_from_prometheus(prometheus: &str, query: &serde_json::Value) -> Vec<f64> {
    support::values_as_prometheus_answers(prometheus, query)
        .iter()
        .map(|values| {
            values
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .filter(|m| m.is_finite())
        .collect()
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

/// One pass over the rendered dashboard: every time series panel's steps are Grafana's, and
/// its `seriesStats` maxima are those of the same queries asked of Prometheus directly. Returns
/// the panels checked, or the first difference.
fn check_gateway_at_6h(prometheus: &str, widths: &BTreeMap<String, i64>) -> Result<usize, String> {
    let rendered = render_json(prometheus, &["--from", "now-6h", "--to", "now"]);
    let mut checked = 0;
    for panel in rendered.iter().filter(|p| p["type"] == "timeseries") {
        let title = panel["title"].as_str().unwrap_or_default();
        if panel["state"] != "ok" {
            continue;
        }
        let w = widths[title];
        let queries: Vec<&serde_json::Value> = panel["queries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| q["instant"] == false)
            .collect();
        assert!(!queries.is_empty(), "{title}: range queries");
        let mut expected = Vec::new();
        for query in &queries {
            let range = query["end"].as_i64().unwrap() - query["start"].as_i64().unwrap();
            // The aligned range is the 6 h range moved onto the step grid.
            let want = grafana_step(w, 6 * 3_600_000);
            assert_eq!(
                query["stepMs"],
                want,
                "{title} ({w} columns, {} px): Grafana's step over 6 h (aligned range {range} ms)",
                grafana_width(w)
            );
            expected.extend(maxima_from_prometheus(prometheus, query));
        }
        let stats = panel["seriesStats"].as_array().expect("seriesStats");
        assert_eq!(
            stats.len(),
            panel["series"].as_u64().unwrap() as usize,
            "{title}"
        );
        let ours: Vec<f64> = stats.iter().filter_map(|s| s["max"].as_f64()).collect();
        for s in stats {
            let (min, max, mean) = (s["min"].as_f64(), s["max"].as_f64(), s["mean"].as_f64());
            if let (Some(min), Some(max), Some(mean)) = (min, max, mean) {
                assert!(min <= mean && mean <= max, "{title}: {s}");
            }
            assert!(s["points"].as_u64().unwrap() > 0, "{title}: {s}");
        }
        // Prometheus sums in no fixed order: the last bits of a float can differ between two
        // evaluations of the same query.
        let same = |a: &f64, b: &f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        let (ours_sorted, expected_sorted) = (sorted(ours.clone()), sorted(expected.clone()));
        if ours_sorted.len() != expected_sorted.len()
            || !ours_sorted
                .iter()
                .zip(&expected_sorted)
                .all(|(a, b)| same(a, b))
        {
            return Err(format!(
                "{title}: seriesStats maxima {ours:?}, Prometheus at the same step {expected:?}"
            ));
        }
        checked += 1;
    }
    Ok(checked)
}

#[test]
fn gateway_time_series_ask_with_grafanas_step_and_keep_every_maximum() {
    let source: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(DASHBOARD).unwrap()).unwrap();
    let mut widths = BTreeMap::new();
    let mut stack: Vec<&serde_json::Value> = source["panels"].as_array().unwrap().iter().collect();
    while let Some(p) = stack.pop() {
        if let Some(children) = p["panels"].as_array() {
            stack.extend(children);
        }
        assert!(p["maxDataPoints"].is_null() && p["interval"].is_null());
        widths.insert(
            p["title"].as_str().unwrap_or_default().to_string(),
            p["gridPos"]["w"].as_i64().unwrap(),
        );
    }
    // The oracle itself: 6 h at 12, 8 and 6 columns is 20 s, 30 s and 1 m in Grafana.
    assert_eq!(
        [12, 8, 6].map(|w| grafana_step(w, 6 * 3_600_000)),
        [20_000, 30_000, 60_000]
    );
    let demo = start_demo();
    // A scrape landing between triage's query and ours can move the newest point; compare
    // again on a mismatch before calling it one.
    let mut outcome = Err(String::new());
    for _ in 0..3 {
        outcome = check_gateway_at_6h(&demo.prometheus, &widths);
        if outcome.is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    match outcome {
        Ok(checked) => assert!(checked >= 10, "time series panels checked: {checked}"),
        Err(e) => panic!("{e}"),
    }
    a_refresh_asks_the_recent_part_and_gives_the_full_answer(&demo.prometheus);
}

/// Incremental refresh on the demo's Prometheus: two refreshes of the gateway dashboard's
/// time series over ranges a minute apart (both ending a minute or more ago, so no sample is
/// still on its way). The second asks only its recent part (fewer bytes than the first), and
/// every series is the one a full query over its range gives.
fn a_refresh_asks_the_recent_part_and_gives_the_full_answer(prometheus: &str) {
    use std::sync::Arc;
    use triage::engine::datasources::Datasources;
    use triage::engine::session::Session;
    use triage::grafana::timerange::TimeRange;
    use triage::net::{PromClient, PromConfig};

    let dashboard = Arc::new(
        triage::grafana::load::load_path(std::path::Path::new(DASHBOARD))
            .unwrap()
            .dashboard,
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = PromClient::new(PromConfig::new(prometheus)).unwrap();
        let (mut session, mut events) =
            Session::with_datasources(Datasources::single(client.clone()));
        let now = chrono::Utc::now();
        let at = |minutes: i64| (now - chrono::Duration::minutes(minutes)).to_rfc3339();
        let range = |from: i64, to: i64| TimeRange::resolve(&at(from), &at(to), now).unwrap();
        let first = refreshed(&mut session, &mut events, &dashboard, range(62, 2)).await;
        let second = refreshed(&mut session, &mut events, &dashboard, range(61, 1)).await;
        let mut compared = 0;
        for (index, data) in &second {
            if dashboard.panels[*index].panel_type != "timeseries" || !data.errors.is_empty() {
                continue;
            }
            for query in data.queries.iter().filter(|q| !q.instant) {
                let before = first[index]
                    .queries
                    .iter()
                    .find(|q| q.ref_id == query.ref_id)
                    .unwrap();
                assert!(
                    query.bytes < before.bytes,
                    "{}: the refresh asked only the recent part ({} bytes, {} the first time)",
                    query.expr,
                    query.bytes,
                    before.bytes
                );
                let full = client
                    .query_range(
                        &query.expr,
                        query.start_ms as f64 / 1000.0,
                        query.end_ms as f64 / 1000.0,
                        query.step_ms as f64 / 1000.0,
                    )
                    .await
                    .unwrap();
                let ours: Vec<_> = data
                    .series
                    .iter()
                    .filter(|s| s.ref_id == query.ref_id)
                    .collect();
                assert_eq!(ours.len(), full.series.len(), "{}", query.expr);
                for (mine, theirs) in ours.iter().zip(&full.series) {
                    assert_eq!(mine.labels, theirs.labels, "{}", query.expr);
                    assert_eq!(mine.points.len(), theirs.points.len(), "{}", query.expr);
                    for (a, b) in mine.points.iter().zip(&theirs.points) {
                        assert_eq!(a.0, b.0, "{}", query.expr);
                        let same = (a.1 - b.1).abs() <= 1e-9 * a.1.abs().max(b.1.abs()).max(1.0)
                            || (a.1.is_nan() && b.1.is_nan());
                        assert!(same, "{}: {a:?} vs {b:?}", query.expr);
                    }
                }
                compared += 1;
            }
        }
        assert!(compared >= 10, "range queries compared: {compared}");
    });
}

/// Every panel's data from one refresh of `dashboard` over `range`.
async fn refreshed(
    session: &mut triage::engine::session::Session,
    events: &mut tokio::sync::mpsc::UnboundedReceiver<triage::engine::session::EngineEvent>,
    dashboard: &std::sync::Arc<triage::grafana::model::Dashboard>,
    range: triage::grafana::timerange::TimeRange,
) -> BTreeMap<usize, PanelData> {
    use triage::engine::session::EngineEvent;
    let generation = session.refresh(triage::engine::refresh::RefreshInput {
        dashboard: dashboard.clone(),
        overrides: Default::default(),
        selections: Default::default(),
        range,
        scrape_interval: None,
        compare: None,
        keep_unchanged: false,
        wanted: None,
    });
    let mut panels = BTreeMap::new();
    while let Some(event) = events.recv().await {
        match event {
            EngineEvent::Panel {
                generation: g,
                index,
                data,
            } if g == generation => {
                panels.insert(index, *data);
            }
            EngineEvent::Done { generation: g } if g == generation => break,
            _ => {}
        }
    }
    panels
}
