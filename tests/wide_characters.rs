//! Text and ANSI renders keep every line exactly as wide as the frame when labels hold wide
//! characters (CJK, emoji), combining marks or zero-width characters: the cell a wide
//! character covers is not written out as an extra space.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use triage::data::panel_data::{PanelData, Series};
use triage::engine::session::EngineEvent;
use triage::grafana::load::load_str;
use triage::tui::app::{App, StatusInfo, ViewState};
use triage::tui::frame_text::{to_ansi, to_text};
use triage::tui::theme::Theme;
use unicode_width::UnicodeWidthStr;

/// Labels that each take a different number of columns than characters.
const LABELS: [&str; 4] = ["数据库服务", "🔥 hot", "cafe\u{301}", "zero\u{200b}width"];

/// A line's width in terminal columns, after its SGR escapes are removed.
fn columns(line: &str) -> usize {
    let mut plain = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain.width()
}

#[test]
fn wide_characters_take_two_columns_and_no_more() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 20, LABELS.len() as u16));
    for (y, label) in LABELS.iter().enumerate() {
        buf.set_string(0, y as u16, "|", Style::default());
        buf.set_string(1, y as u16, label, Style::default().fg(Color::Red));
        buf.set_string(19, y as u16, "|", Style::default());
    }
    let text = to_text(&buf);
    for (line, label) in text.lines().zip(LABELS) {
        assert_eq!(columns(line), 20, "{line:?}");
        // ratatui keeps combining marks with their base and drops zero-width spaces.
        let shown = label.replace('\u{200b}', "");
        assert!(line.contains(&shown), "{line:?} keeps {label:?}");
    }
    assert!(text.contains("|数据库服务        |"), "{text}");
    for line in to_ansi(&buf).lines() {
        assert_eq!(columns(line), 20, "{line:?}");
    }
}

const DASHBOARD: &str = r#"{
  "title": "Wide labels", "uid": "wide",
  "panels": [
    {"type": "timeseries", "title": "Requests by service", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 9},
     "targets": [{"refId": "A", "expr": "up", "legendFormat": "{{service}}"}],
     "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean"]}}},
    {"type": "stat", "title": "服务", "gridPos": {"x": 12, "y": 0, "w": 12, "h": 9},
     "targets": [{"refId": "A", "expr": "up", "legendFormat": "{{service}}"}],
     "options": {"textMode": "value_and_name"}}
  ]
}"#;

fn data() -> PanelData {
    let t0 = 1_795_500_000_000_i64;
    let series = LABELS
        .iter()
        .enumerate()
        .map(|(n, label)| Series {
            ref_id: "A".into(),
            name: (*label).to_string(),
            labels: BTreeMap::from([("service".to_string(), (*label).to_string())]),
            points: (0..30)
                .map(|i| (t0 + i * 60_000, n as f64 + (i as f64 / 5.0).sin()))
                .collect(),
            compare: None,
        })
        .collect();
    PanelData {
        series,
        start_ms: t0,
        end_ms: t0 + 29 * 60_000,
        ..PanelData::default()
    }
}

#[test]
fn a_dashboard_with_wide_labels_keeps_every_line_the_frame_width() {
    let dashboard = load_str(DASHBOARD, "wide.json").expect("loads").dashboard;
    let mut app = App::new(
        dashboard,
        Theme::mono(),
        StatusInfo::default(),
        ViewState::new("now-1h", "now"),
    );
    app.session.clock = triage::view::build::Clock::Utc;
    for index in 0..2 {
        app.apply(EngineEvent::Panel {
            generation: 0,
            index,
            data: Box::new(data()),
        });
    }
    let (width, height) = (100_u16, 30_u16);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    app.draw_into(area, &mut buf);
    let text = to_text(&buf);
    assert!(text.contains("数据库服务"), "{text}");
    assert!(text.contains("🔥"), "{text}");
    let bordered: Vec<&str> = text
        .lines()
        .filter(|l| l.ends_with(['│', '╮', '╯']))
        .collect();
    assert!(bordered.len() >= 9, "{text}");
    for line in &bordered {
        assert_eq!(columns(line), usize::from(width), "{line:?}\n{text}");
    }
    for line in text.lines() {
        assert!(columns(line) <= usize::from(width), "{line:?}");
    }
    let ansi = to_ansi(&buf);
    assert_eq!(ansi.lines().count(), usize::from(height));
    for line in ansi.lines() {
        assert_eq!(columns(line), usize::from(width), "{line:?}");
    }
}
