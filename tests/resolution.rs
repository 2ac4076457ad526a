//! Every spike Grafana shows (issue 19): a time series gets as many points as Grafana asks for
//! (its width in px in a 1920 px window), more than a terminal has braille columns, and draws
//! each column's envelope so a one-point spike still reaches its row; the cursor and legend
//! read the full data.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use triage::data::panel_data::{PanelData, Series};
use triage::grafana::model::Panel;
use triage::tui::frame_text::to_text;
use triage::tui::theme::Theme;
use triage::tui::widgets::draw_panel;
use triage::view::build::{Clock, build};

const T0: i64 = 1_795_500_000_000;

fn panel_json(json: &str) -> Panel {
    let text = format!(r#"{{"title": "t", "panels": [{json}]}}"#);
    let loaded =
        triage::grafana::load::load_str(&text, "resolution.json").unwrap_or_else(|e| panic!("{e}"));
    loaded.dashboard.panels[0].clone()
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
