//! Snapshots of every widget drawn from view models built the way the engine builds them:
//! normal data, tiny panels, no data, NaN/Inf, one point, many series. `cargo insta review`
//! (or INSTA_UPDATE=always) updates them after an intended change.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use triage::engine::frame::{PanelData, Series};
use triage::grafana::model::{
    FieldDefaults, GridPos, Panel, PanelOptions, Target, TargetFormat, ThresholdStep, Thresholds,
};
use triage::tui::export::to_text;
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
