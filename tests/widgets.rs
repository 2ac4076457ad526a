//! Snapshots of every widget drawn from view models built the way the engine builds them:
//! normal data, tiny panels, no data, NaN/Inf, one point, many series. `cargo insta review`
//! (or INSTA_UPDATE=always) updates them after an intended change.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use triage::data::panel_data::{PanelData, Series};
use triage::grafana::model::{
    FieldDefaults, GridPos, Panel, PanelOptions, Target, TargetFormat, ThresholdStep, Thresholds,
};
use triage::tui::frame_text::to_text;
use triage::tui::theme::Theme;
use triage::tui::widgets::draw_panel;
use triage::view::build::{Clock, build};

const T0: i64 = 1_795_500_000_000;

fn series(name: &str, labels: &[(&str, &str)], values: &[f64]) -> Series {
    Series {
        ref_id: "A".into(),
        name: name.into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        points: values
            .iter()
            .enumerate()
            .map(|(i, v)| (T0 + i as i64 * 60_000, *v))
            .collect(),
        compare: None,
    }
}

fn data(series: Vec<Series>) -> PanelData {
    PanelData {
        series,
        start_ms: T0,
        end_ms: T0 + 20 * 60_000,
        ..PanelData::default()
    }
}

fn panel(kind: &str, title: &str) -> Panel {
    Panel {
        panel_type: kind.into(),
        title: title.into(),
        grid: GridPos {
            x: 0,
            y: 0,
            w: 12,
            h: 8,
        },
        targets: vec![Target {
            ref_id: "A".into(),
            expr: "x".into(),
            ..Target::default()
        }],
        ..Panel::default()
    }
}

fn latency_thresholds() -> Option<Thresholds> {
    Some(Thresholds {
        mode: Default::default(),
        steps: vec![
            ThresholdStep {
                value: None,
                color: "green".into(),
            },
            ThresholdStep {
                value: Some(0.25),
                color: "orange".into(),
            },
            ThresholdStep {
                value: Some(0.3),
                color: "red".into(),
            },
        ],
    })
}

fn draw(panel: &Panel, data: &PanelData, width: u16, height: u16) -> String {
    let view = build(panel, data, Clock::Utc);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    draw_panel(&view, area, &mut buf, false, &Theme::mono(), None);
    to_text(&buf)
}

#[test]
fn stat_with_unit_threshold_state_and_big_digits() {
    let mut p = panel("stat", "p99 latency");
    p.field_config.defaults = FieldDefaults {
        unit: Some("s".into()),
        thresholds: latency_thresholds(),
        ..FieldDefaults::default()
    };
    let d = data(vec![series("p99", &[], &[0.2, 0.22, 0.31])]);
    insta::assert_snapshot!("stat", draw(&p, &d, 40, 8));
    insta::assert_snapshot!("stat_tiny", draw(&p, &d, 10, 3));
}

#[test]
fn time_series_with_legend_and_axis_units() {
    let mut p = panel("timeseries", "Requests");
    p.field_config.defaults.unit = Some("reqps".into());
    let d = data(vec![
        series(
            "200",
            &[("code", "200")],
            &[100.0, 120.0, 140.0, 130.0, 150.0],
        ),
        series("500", &[("code", "500")], &[1.0, 3.0, 2.0, 8.0, 4.0]),
    ]);
    insta::assert_snapshot!("timeseries", draw(&p, &d, 60, 12));
    insta::assert_snapshot!(
        "timeseries_one_point",
        draw(&p, &data(vec![series("x", &[], &[5.0])]), 40, 8)
    );
    insta::assert_snapshot!(
        "timeseries_nan_inf",
        draw(
            &p,
            &data(vec![series("x", &[], &[1.0, f64::NAN, f64::INFINITY, 2.0])]),
            40,
            8
        )
    );
    let many: Vec<Series> = (0..500)
        .map(|i| {
            series(
                &format!("s{i}"),
                &[("i", &i.to_string())],
                &[i as f64, i as f64 + 1.0],
            )
        })
        .collect();
    insta::assert_snapshot!("timeseries_500_series", draw(&p, &data(many), 60, 12));
    insta::assert_snapshot!("timeseries_no_data", draw(&p, &data(vec![]), 40, 6));
}

#[test]
fn gauge_table_heatmap_and_text() {
    let mut gauge = panel("gauge", "GPU");
    gauge.field_config.defaults.unit = Some("percentunit".into());
    // Without min/max Grafana scales gauges over the data (fieldOverrides.ts calculateRange).
    gauge.field_config.defaults.min = Some(0.0);
    gauge.field_config.defaults.max = Some(1.0);
    let d = data(vec![
        series("gpu0", &[], &[0.4]),
        series("gpu1", &[], &[0.9]),
    ]);
    insta::assert_snapshot!("gauge", draw(&gauge, &d, 30, 6));

    let mut table = panel("table", "Instances");
    table.targets[0].format = TargetFormat::Table;
    let rows = vec![
        series("", &[("instance", "gw-1"), ("version", "v2")], &[12.5]),
        series("", &[("instance", "gw-2"), ("version", "v1")], &[3.0]),
    ];
    insta::assert_snapshot!("table", draw(&table, &data(rows), 50, 6));

    let mut heatmap = panel("heatmap", "Latency");
    // Cumulative buckets are de-accumulated for `format: heatmap` targets, as Grafana's
    // Prometheus datasource does.
    heatmap.targets[0].format = triage::grafana::model::TargetFormat::Heatmap;
    heatmap.options = PanelOptions {
        heatmap_y_unit: Some("s".into()),
        ..PanelOptions::default()
    };
    let buckets = vec![
        series("", &[("le", "0.1")], &[1.0, 2.0, 2.0, 5.0]),
        series("", &[("le", "0.5")], &[4.0, 4.0, 9.0, 9.0]),
        series("", &[("le", "+Inf")], &[5.0, 6.0, 9.0, 12.0]),
    ];
    insta::assert_snapshot!("heatmap", draw(&heatmap, &data(buckets), 40, 8));

    let mut text = panel("text", "Runbook");
    text.options.content =
        Some("# On call\n- check **latency**\n- see [runbook](https://runbooks/x)".into());
    insta::assert_snapshot!("text", draw(&text, &PanelData::default(), 40, 6));
}

fn panel_json(json: &str) -> Panel {
    let text = format!(r#"{{"title": "t", "panels": [{json}]}}"#);
    let loaded =
        triage::grafana::load::load_str(&text, "widgets.json").unwrap_or_else(|e| panic!("{e}"));
    Panel::clone(&loaded.dashboard.panels[0])
}

const UP_DOWN: &str = r#""fieldConfig": {"defaults": {"mappings": [
    {"type": "value", "options": {"1": {"text": "UP", "color": "green"},
                                  "0": {"text": "DOWN", "color": "red"}}}]}, "overrides": []}"#;

#[test]
fn state_timeline_and_status_history() {
    let rows = vec![
        series(
            "gw-1",
            &[],
            &[
                1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
                1.0, 1.0, 1.0, 1.0,
            ],
        ),
        series("gw-2", &[], &[1.0; 20]),
        series(
            "gw-3",
            &[],
            &[
                0.0,
                0.0,
                f64::NAN,
                f64::NAN,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                1.0,
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
            ],
        ),
    ];
    let p = panel_json(&format!(
        r#"{{"type": "state-timeline", "title": "Up", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
            "targets": [{{"refId": "A", "expr": "up"}}], {UP_DOWN}}}"#
    ));
    insta::assert_snapshot!("state_timeline", draw(&p, &data(rows.clone()), 50, 8));
    // In colour each state is a block in its mapping's colour: gw-1 is down (red) at 06:05.
    let view = build(&p, &data(rows.clone()), Clock::Utc);
    let area = Rect::new(0, 0, 50, 8);
    let mut buf = Buffer::empty(area);
    draw_panel(&view, area, &mut buf, false, &Theme::grafana_dark(), None);
    let (up, down) = (buf[(8, 1)].fg, buf[(15, 1)].fg);
    assert_eq!(buf[(8, 1)].symbol(), "█");
    assert_ne!(up, down, "UP and DOWN differ in colour");
    assert!(
        matches!(down, ratatui::style::Color::Rgb(r, g, _) if r > g),
        "{down:?}"
    );
    insta::assert_snapshot!("state_timeline_tiny", draw(&p, &data(rows.clone()), 10, 3));
    let p = panel_json(&format!(
        r#"{{"type": "status-history", "title": "Up", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
            "targets": [{{"refId": "A", "expr": "up"}}], {UP_DOWN}}}"#
    ));
    insta::assert_snapshot!("status_history", draw(&p, &data(rows), 50, 8));
    insta::assert_snapshot!("status_history_no_data", draw(&p, &data(vec![]), 30, 5));
}

#[test]
fn piechart_as_sorted_bars() {
    let p = panel_json(
        r#"{"type": "piechart", "title": "Traffic by code", "gridPos": {"x":0,"y":0,"w":12,"h":8},
            "targets": [{"refId": "A", "expr": "x"}],
            "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "displayLabels": ["percent"],
                        "legend": {"showLegend": true, "displayMode": "table", "values": ["value"]}}}"#,
    );
    let d = data(vec![
        series("200", &[], &[250.0, 300.0]),
        series("500", &[], &[2.0, 5.0]),
        series("404", &[], &[40.0, 45.0]),
        series("gone", &[], &[f64::NAN]),
    ]);
    insta::assert_snapshot!("piechart", draw(&p, &d, 44, 6));
    insta::assert_snapshot!("piechart_tiny", draw(&p, &d, 14, 3));
}

#[test]
fn histogram_buckets_as_vertical_bars() {
    let p = panel_json(
        r#"{"type": "histogram", "title": "Latency", "gridPos": {"x":0,"y":0,"w":12,"h":8},
            "targets": [{"refId": "A", "expr": "x"}],
            "fieldConfig": {"defaults": {"unit": "ms"}, "overrides": []},
            "options": {"bucketSize": 10}}"#,
    );
    let values: Vec<f64> = [
        12.0, 15.0, 18.0, 22.0, 25.0, 27.0, 29.0, 31.0, 33.0, 48.0, 55.0,
    ]
    .to_vec();
    let d = data(vec![
        series("p", &[], &values),
        series("q", &[], &[21.0, 24.0, 5.0]),
    ]);
    insta::assert_snapshot!("histogram", draw(&p, &d, 40, 10));
    insta::assert_snapshot!(
        "histogram_one_value",
        draw(&p, &data(vec![series("p", &[], &[7.0])]), 30, 6)
    );
}

#[test]
fn bar_gauge_modes_and_orientations() {
    let json = |mode: &str, orientation: &str, unfilled: bool| {
        panel_json(&format!(
            r#"{{"type": "bargauge", "title": "GPU", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
                "targets": [{{"refId": "A", "expr": "x"}}],
                "options": {{"displayMode": "{mode}", "orientation": "{orientation}", "showUnfilled": {unfilled}}},
                "fieldConfig": {{"defaults": {{"unit": "percent", "min": 0, "max": 100, "thresholds": {{"mode": "absolute", "steps": [
                  {{"value": null, "color": "green"}}, {{"value": 50, "color": "orange"}}, {{"value": 80, "color": "red"}}]}}}},
                  "overrides": []}}}}"#
        ))
    };
    let d = data(vec![
        series("gpu0", &[], &[35.0]),
        series("gpu1", &[], &[92.0]),
    ]);
    insta::assert_snapshot!(
        "bargauge_lcd",
        draw(&json("lcd", "horizontal", true), &d, 30, 6)
    );
    insta::assert_snapshot!(
        "bargauge_basic_no_unfilled",
        draw(&json("basic", "horizontal", false), &d, 30, 6)
    );
    insta::assert_snapshot!(
        "bargauge_gradient_vertical",
        draw(&json("gradient", "vertical", true), &d, 20, 10)
    );
    // `auto` (the bar gauge's default) follows the panel's shape, as Grafana's does: bars up
    // in a panel wider than tall (in pixels: a cell is about twice as tall as wide), else across.
    let wide = |o: &str| draw(&json("basic", o, true), &d, 40, 8);
    let tall = |o: &str| draw(&json("basic", o, true), &d, 20, 12);
    assert_eq!(wide("auto"), wide("vertical"));
    assert_ne!(wide("auto"), wide("horizontal"));
    assert_eq!(tall("auto"), tall("horizontal"));
    assert_ne!(tall("auto"), tall("vertical"));
    let mut gauge = json("basic", "auto", true);
    gauge.panel_type = "gauge".into();
    insta::assert_snapshot!("gauge_min_max_markers", draw(&gauge, &d, 30, 8));
}

#[test]
fn time_series_threshold_styles() {
    let json = |style: &str| {
        panel_json(&format!(
            r#"{{"type": "timeseries", "title": "CPU", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
                "targets": [{{"refId": "A", "expr": "x"}}],
                "fieldConfig": {{"defaults": {{"unit": "percent", "min": 0, "max": 100,
                  "custom": {{"thresholdsStyle": {{"mode": "{style}"}}}},
                  "thresholds": {{"mode": "absolute", "steps": [
                  {{"value": null, "color": "green"}}, {{"value": 80, "color": "red"}}]}}}},
                  "overrides": []}}}}"#
        ))
    };
    let d = data(vec![series("cpu", &[], &[20.0, 40.0, 85.0, 60.0, 30.0])]);
    insta::assert_snapshot!(
        "timeseries_thresholds_dashed",
        draw(&json("dashed"), &d, 40, 10)
    );
    insta::assert_snapshot!(
        "timeseries_thresholds_area_mono",
        draw(&json("area"), &d, 40, 10)
    );
    // With colour the band is a background behind the data: the cell at the top of the plot
    // (above 80%) carries the red band's colour, the bottom one the green band's.
    let view = build(&json("area"), &d, Clock::Utc);
    let area = Rect::new(0, 0, 40, 10);
    let mut buf = Buffer::empty(area);
    draw_panel(&view, area, &mut buf, false, &Theme::grafana_dark(), None);
    let top = buf[(20, 1)].bg;
    let bottom = buf[(20, 6)].bg;
    assert_ne!(top, bottom, "bands differ");
    assert_ne!(top, ratatui::style::Color::Reset);
}

#[test]
fn placeholders_name_the_panel_and_the_reason() {
    for kind in ["alertlist", "nodeGraph", "geomap", "grafana-clock-panel"] {
        let p = panel(kind, "Panel");
        let mut d = data(vec![]);
        d.unsupported = triage::view::build::unsupported_reason(&p);
        let text = draw(&p, &d, 60, 5);
        assert!(text.contains(kind), "{text}");
        assert!(!text.contains("not drawn yet"), "{text}");
    }
}

#[test]
fn logs_panels_draw_their_lines_newest_first() {
    let mut p = panel("logs", "App logs");
    p.options.logs.show_time = Some(true);
    assert_eq!(triage::view::build::unsupported_reason(&p), None);
    let mut d = data(vec![]);
    d.logs = [
        (1, "level=info msg=\"served\""),
        (2, "level=error msg=\"failed\""),
    ]
    .iter()
    .map(|&(s, line)| triage::data::LogLine {
        at_ns: s * 1_000_000_000,
        line: line.into(),
        labels: BTreeMap::new(),
    })
    .collect();
    insta::assert_snapshot!("logs_panel", draw(&p, &d, 60, 5));
}

#[test]
fn heatmap_cursor_shows_bucket_counts_at_that_time() {
    let mut heatmap = panel("heatmap", "Latency");
    // Cumulative buckets are de-accumulated for `format: heatmap` targets, as Grafana's
    // Prometheus datasource does.
    heatmap.targets[0].format = triage::grafana::model::TargetFormat::Heatmap;
    heatmap.options = PanelOptions {
        heatmap_y_unit: Some("s".into()),
        ..PanelOptions::default()
    };
    let buckets = vec![
        series("", &[("le", "0.1")], &[1.0, 2.0, 2.0, 5.0]),
        series("", &[("le", "0.5")], &[4.0, 4.0, 9.0, 9.0]),
        series("", &[("le", "+Inf")], &[5.0, 6.0, 9.0, 12.0]),
    ];
    let view = build(&heatmap, &data(buckets), Clock::Utc);
    let area = Rect::new(0, 0, 50, 10);
    let mut buf = Buffer::empty(area);
    // At the right end: the last sample, 5 below 0.1 s, 4 more below 0.5 s, 3 above.
    draw_panel(&view, area, &mut buf, true, &Theme::mono(), Some(1.0));
    let text = to_text(&buf);
    assert!(text.contains("≤ +Inf     3"), "{text}");
    assert!(text.contains("≤ 500 ms   4"), "{text}");
    assert!(text.contains("≤ 100 ms   5"), "{text}");
    // At the left end: the first sample.
    let mut buf = Buffer::empty(area);
    draw_panel(&view, area, &mut buf, true, &Theme::mono(), Some(0.0));
    let text = to_text(&buf);
    assert!(text.contains("≤ 500 ms   3"), "{text}");
    assert!(text.contains("≤ 100 ms   1"), "{text}");
}

#[test]
fn legend_table_mode_lists_one_series_per_line() {
    let p = panel_json(
        r#"{"type": "timeseries", "title": "Requests", "gridPos": {"x":0,"y":0,"w":12,"h":8},
            "targets": [{"refId": "A", "expr": "x"}],
            "options": {"legend": {"showLegend": true, "displayMode": "table", "placement": "bottom"}}}"#,
    );
    let d = data(vec![
        series("200", &[], &[1.0, 2.0]),
        series("500", &[], &[2.0, 1.0]),
    ]);
    let text = draw(&p, &d, 50, 12);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("━ 200") && !l.contains("500")),
        "{text}"
    );
    assert!(lines.iter().any(|l| l.contains("━ 500")), "{text}");
}

#[test]
fn annotations_as_markers_and_regions() {
    use triage::engine::annotations::AnnotationEvent;
    let p = panel("timeseries", "Requests");
    let mut d = data(vec![series(
        "rps",
        &[],
        &(0..21).map(|i| f64::from(i % 5)).collect::<Vec<_>>(),
    )]);
    d.annotations = vec![
        AnnotationEvent {
            source: "Deploys".into(),
            at_ms: T0 + 2 * 60_000,
            end_ms: T0 + 2 * 60_000,
            title: "deploy v2".into(),
            ..AnnotationEvent::default()
        },
        AnnotationEvent {
            source: "Incidents".into(),
            at_ms: T0 + 10 * 60_000,
            end_ms: T0 + 15 * 60_000,
            title: "outage".into(),
            color: Some("red".into()),
            ..AnnotationEvent::default()
        },
    ];
    insta::assert_snapshot!("annotations_markers_and_regions", draw(&p, &d, 50, 12));
    // A marker right after another keeps its line but never writes into the other's label.
    let mut close = d.clone();
    close.annotations.push(AnnotationEvent {
        source: "Deploys".into(),
        at_ms: T0 + 3 * 60_000,
        end_ms: T0 + 3 * 60_000,
        title: "deploy v3".into(),
        ..AnnotationEvent::default()
    });
    let text = draw(&p, &close, 50, 12);
    assert!(text.contains("▼deploy v2"), "{text}");
    // In colour the region is a faint red band from its start to its end, and nowhere else.
    let view = build(&p, &d, Clock::Utc);
    let area = Rect::new(0, 0, 50, 12);
    let mut buf = Buffer::empty(area);
    draw_panel(&view, area, &mut buf, false, &Theme::grafana_dark(), None);
    let edges: Vec<u16> = (0..50)
        .filter(|&x| (1..8).any(|y| buf[(x, y)].symbol() == "┊"))
        .collect();
    assert_eq!(
        edges.len(),
        3,
        "deploy line and both region edges: {edges:?}"
    );
    let (start, end) = (edges[1], edges[2]);
    let band = buf[(start + 1, 6)].bg;
    let ratatui::style::Color::Rgb(r, g, b) = band else {
        panic!("the region has a colour: {band:?}");
    };
    assert!(r > g && r > b, "a red tint: {band:?}");
    assert!((start..=end).all(|x| buf[(x, 6)].bg == band));
    assert!(buf[(start - 1, 6)].bg != band && buf[(end + 1, 6)].bg != band);
}

#[test]
fn time_series_with_a_second_unit_on_the_right_axis() {
    // As Grafana: a second unit gets its own scale on the right without being asked.
    let p = panel_json(
        r#"{"type": "timeseries", "title": "Latency and rate", "gridPos": {"x":0,"y":0,"w":12,"h":8},
            "targets": [{"refId": "A", "expr": "x"}],
            "fieldConfig": {"defaults": {"unit": "s"}, "overrides": [
              {"matcher": {"id": "byName", "options": "rate"},
               "properties": [{"id": "unit", "value": "reqps"}]}]}}"#,
    );
    let d = data(vec![
        series("p99", &[], &[0.2, 0.25, 0.3, 0.28, 0.22, 0.2]),
        series(
            "rate",
            &[],
            &[1000.0, 1800.0, 2600.0, 3000.0, 2200.0, 1200.0],
        ),
    ]);
    let text = draw(&p, &d, 60, 12);
    insta::assert_snapshot!("timeseries_right_axis", text);
    let lines: Vec<&str> = text.lines().collect();
    // Seconds on the left, requests per second on the right, both on the plot's rows.
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ms") && l.contains("req/s")),
        "{text}"
    );
}

#[test]
fn exemplars_sit_at_their_value_on_a_log_axis() {
    let p = panel_json(
        r#"{"type": "timeseries", "title": "Latency", "gridPos": {"x":0,"y":0,"w":12,"h":8},
            "targets": [{"refId": "A", "expr": "x"}],
            "fieldConfig": {"defaults": {"custom": {"scaleDistribution": {"type": "log", "log": 10}}}}}"#,
    );
    let d = data(vec![series(
        "p99",
        &[],
        &[1.0, 10.0, 100.0, 1000.0, 10000.0],
    )]);
    let row_of_exemplar = |value: f64| {
        let mut view = build(&p, &d, Clock::Utc);
        let triage::view::PanelBody::TimeSeries(ts) = &mut view.body else {
            panic!("a time series");
        };
        ts.exemplars = vec![triage::view::ExemplarMark {
            at_ms: (T0 + 2 * 60_000) as f64,
            value,
            selected: false,
        }];
        let area = Rect::new(0, 0, 40, 14);
        let mut buf = Buffer::empty(area);
        draw_panel(&view, area, &mut buf, false, &Theme::mono(), None);
        let text = to_text(&buf);
        text.lines()
            .position(|l| l.contains('◆'))
            .unwrap_or_else(|| panic!("the exemplar is drawn:\n{text}"))
    };
    // Four decades on the axis: 100 is halfway up, 10 a quarter, 10000 the top; a linear
    // placement would pin all three to the top row.
    let (low, middle, top) = (
        row_of_exemplar(10.0),
        row_of_exemplar(100.0),
        row_of_exemplar(10000.0),
    );
    assert!(top < middle && middle < low, "{top} {middle} {low}");
    assert!(
        middle - top >= 3 && low - middle >= 2,
        "{top} {middle} {low}"
    );
}

#[test]
fn every_widget_in_tiny_panels() {
    // Each panel type with data, at 10×3 (the smallest useful panel) and smaller: nothing may
    // panic or draw outside its area, and at 10×3 each shows its value or says it is too small.
    let series_data = data(vec![
        series("a", &[], &[1.0, 3.0, 2.0]),
        series("b", &[], &[2.0, 1.0, 4.0]),
    ]);
    let buckets = data(vec![
        series("", &[("le", "0.1")], &[1.0, 2.0]),
        series("", &[("le", "+Inf")], &[3.0, 5.0]),
    ]);
    let mut table = panel("table", "T");
    table.targets[0].format = TargetFormat::Table;
    let mut text = panel("text", "T");
    text.options.content = Some("# Title\nbody".into());
    let cases: Vec<(Panel, &PanelData)> = vec![
        (panel("timeseries", "T"), &series_data),
        (panel("stat", "T"), &series_data),
        (panel("gauge", "T"), &series_data),
        (panel("bargauge", "T"), &series_data),
        (table, &series_data),
        (panel("heatmap", "T"), &buckets),
        (text, &series_data),
        (panel("state-timeline", "T"), &series_data),
        (panel("status-history", "T"), &series_data),
        (panel("piechart", "T"), &series_data),
        (panel("histogram", "T"), &series_data),
    ];
    let mut shown = String::new();
    for (p, d) in &cases {
        for (w, h) in [(10, 3), (3, 10), (4, 2), (1, 1), (0, 0)] {
            let text = draw(p, d, w, h);
            assert!(
                text.lines().count() <= usize::from(h)
                    && text.lines().all(|l| l.chars().count() <= usize::from(w)),
                "{} at {w}×{h} drew outside its area:\n{text}",
                p.panel_type
            );
        }
        let small = draw(p, d, 10, 3);
        let inside = small.lines().nth(1).unwrap_or_default();
        assert!(
            inside.chars().any(|c| !" │".contains(c)),
            "{} at 10×3 shows nothing:\n{small}",
            p.panel_type
        );
        shown.push_str(&format!("{}\n{small}\n", p.panel_type));
    }
    insta::assert_snapshot!("tiny_panels", shown);
}
