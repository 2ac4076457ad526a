//! Themes and terminals: one dashboard drawn in every theme and colour depth (snapshots), the
//! colour-blind theme's states kept apart under simulated colour-vision deficiencies, `mono`
//! free of colour yet still showing states, and `--ascii` free of non-ASCII drawing glyphs.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use triage::data::panel_data::{PanelData, Series};
use triage::engine::session::EngineEvent;
use triage::grafana::colors;
use triage::grafana::load::load_path;
use triage::tui::app::{App, StatusInfo, ViewState};
use triage::tui::colour_depth::{ColourDepth, map_buffer};
use triage::tui::colour_vision::{Deficiency, difference, lab};
use triage::tui::frame_text::{to_ansi, to_text};
use triage::tui::theme::{Theme, built_in_names};
use triage::view::Rgb;

const T0: i64 = 1_795_500_000_000;
const MINUTE: i64 = 60_000;

fn series(labels: &[(&str, &str)], values: &[f64]) -> Series {
    Series {
        ref_id: "A".into(),
        name: labels.first().map(|l| l.1.to_string()).unwrap_or_default(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        points: values
            .iter()
            .enumerate()
            .map(|(i, v)| (T0 + i as i64 * 5 * MINUTE, *v))
            .collect(),
        compare: None,
    }
}

/// The data each fixture panel gets: p99 over its critical threshold, error rate in warning,
/// CPU ok and critical, three status codes, and a latency histogram.
fn panel_data(index: usize) -> PanelData {
    let series = match index {
        0 => vec![series(&[], &[0.21, 0.24, 0.31])],
        1 => vec![series(&[], &[0.001, 0.0045])],
        2 => vec![
            series(&[("instance", "gw-a")], &[42.0]),
            series(&[("instance", "gw-b")], &[91.0]),
        ],
        3 => vec![
            series(
                &[("code", "200")],
                &[510.0, 530.0, 525.0, 560.0, 540.0, 550.0],
            ),
            series(&[("code", "404")], &[20.0, 22.0, 25.0, 21.0, 30.0, 26.0]),
            series(&[("code", "500")], &[1.0, 2.0, 40.0, 35.0, 3.0, 2.0]),
        ],
        _ => vec![
            series(&[("le", "0.1")], &[50.0, 60.0, 40.0, 55.0, 58.0, 52.0]),
            series(&[("le", "0.25")], &[80.0, 90.0, 70.0, 85.0, 95.0, 90.0]),
            series(&[("le", "0.5")], &[95.0, 99.0, 98.0, 97.0, 99.0, 99.0]),
            series(
                &[("le", "+Inf")],
                &[100.0, 100.0, 100.0, 100.0, 100.0, 100.0],
            ),
        ],
    };
    PanelData {
        series,
        start_ms: T0,
        end_ms: T0 + 25 * MINUTE,
        ..PanelData::default()
    }
}

fn fixture() -> triage::grafana::model::Dashboard {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dashboards/themes.json"
    );
    load_path(std::path::Path::new(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .dashboard
}

/// The fixture dashboard drawn at 80×24 in a theme and colour depth.
fn frame(theme: Theme, depth: ColourDepth) -> Buffer {
    // As `triage` sets up a terminal without colour: the theme draws its glyph fallbacks.
    let theme = theme.with_colour(theme.colour && depth != ColourDepth::None);
    let dashboard = fixture();
    let panels = dashboard.panels.len();
    let mut app = App::new(
        dashboard,
        theme,
        StatusInfo::default(),
        ViewState::new("now-1h", "now"),
    );
    app.session.clock = triage::view::build::Clock::Utc;
    for index in 0..panels {
        app.apply(EngineEvent::Panel {
            generation: 0,
            index,
            data: Box::new(panel_data(index)),
        });
    }
    let area = Rect::new(0, 0, 80, 24);
    let mut buf = Buffer::empty(area);
    app.draw_into(area, &mut buf);
    map_buffer(&mut buf, depth);
    buf
}

fn theme(name: &str) -> Theme {
    Theme::by_name(name).unwrap_or_else(|| panic!("built-in theme {name}"))
}

#[test]
fn one_dashboard_in_every_theme_and_colour_depth() {
    let depths = [
        ("truecolor", ColourDepth::TrueColour),
        ("256", ColourDepth::Ansi256),
        ("16", ColourDepth::Ansi16),
        ("none", ColourDepth::None),
    ];
    let text = to_text(&frame(theme("grafana-dark"), ColourDepth::TrueColour));
    insta::assert_snapshot!("themes_text", text);
    let no_colour = to_text(&frame(theme("mono"), ColourDepth::TrueColour));
    insta::assert_snapshot!("themes_text_no_colour", no_colour);
    for name in built_in_names() {
        for (depth_name, depth) in depths {
            let buf = frame(theme(name), depth);
            // Themes and depths change colours only, never what is written (but for the
            // heatmap, drawn as density glyphs when there is no colour to draw it with).
            let expected = if name == "mono" || depth == ColourDepth::None {
                &no_colour
            } else {
                &text
            };
            assert_eq!(&to_text(&buf), expected, "{name} at {depth_name}");
            insta::assert_snapshot!(format!("themes_{name}_{depth_name}"), to_ansi(&buf));
        }
    }
}

fn named(name: &str) -> Rgb {
    let c = colors::resolve_rgb(name, colors::Theme::Dark);
    Rgb(c.0, c.1, c.2)
}

/// Threshold states as dashboards write them: ok, warning (yellow or orange), critical.
const STATES: [(&str, &[&str]); 3] = [
    ("ok", &["green", "semi-dark-green"]),
    ("warn", &["yellow", "orange"]),
    ("crit", &["red", "semi-dark-red"]),
];

#[test]
fn colour_blind_states_stay_apart_under_simulated_deficiencies() {
    let cb = theme("colorblind");
    let mut figures = Vec::new();
    for (i, (state_a, colours_a)) in STATES.iter().enumerate() {
        for (state_b, colours_b) in &STATES[i + 1..] {
            for a in colours_a.iter() {
                for b in colours_b.iter() {
                    let (ca, cb_) = (cb.data_rgb(named(a)), cb.data_rgb(named(b)));
                    for deficiency in [None].into_iter().chain(Deficiency::ALL.map(Some)) {
                        let d = difference(ca, cb_, deficiency);
                        figures.push(format!(
                            "{state_a}/{state_b} {a}/{b} {deficiency:?}: ΔE00 {d:.1}"
                        ));
                        // 20 reads as a different colour, not a shade of the same one.
                        assert!(
                            d >= 20.0,
                            "{a} ({state_a}) vs {b} ({state_b}) under {deficiency:?}: ΔE00 {d:.1}"
                        );
                    }
                    if *state_b == "crit" {
                        // Critical is also the darkest: it reads without any hue at all.
                        let dl = lab(ca).0 - lab(cb_).0;
                        assert!(dl >= 15.0, "{a} vs {b}: ΔL* {dl:.1}");
                    }
                }
            }
        }
    }
    println!("{}", figures.join("\n"));
    // The yardstick works: Grafana's own green and red are confusable under deuteranopia.
    let dark = theme("grafana-dark");
    let grafana = difference(
        dark.data_rgb(named("green")),
        dark.data_rgb(named("red")),
        Some(Deficiency::Deuteranopia),
    );
    assert!(
        grafana < 20.0,
        "Grafana green/red under deuteranopia: {grafana:.1}"
    );
}

#[test]
fn mono_has_no_colour_escapes_and_still_shows_states() {
    let ansi = to_ansi(&frame(theme("mono"), ColourDepth::TrueColour));
    // SGR codes 30-49 and 90-107 set colours; mono writes only resets and attributes.
    let colour_codes: Vec<&str> = ansi
        .split('\x1b')
        .filter_map(|seq| seq.strip_prefix('[')?.split('m').next())
        .filter(|codes| {
            codes.split(';').any(|c| {
                c.parse::<u16>()
                    .is_ok_and(|n| (30..=49).contains(&n) || (90..=107).contains(&n))
            })
        })
        .collect();
    assert!(
        colour_codes.is_empty(),
        "colour escapes {colour_codes:?} in mono output"
    );
    assert!(
        ansi.contains("\x1b[0;1m"),
        "attributes (bold) still written"
    );
    let text = to_text(&frame(theme("mono"), ColourDepth::TrueColour));
    assert!(text.contains("crit"), "p99 over 300 ms says crit:\n{text}");
    assert!(
        text.contains("warn"),
        "error rate over 0.4 % says warn:\n{text}"
    );
    // The heatmap still shows its distribution without colour.
    assert!(
        text.contains('▓') || text.contains('█'),
        "heatmap density glyphs:\n{text}"
    );
}

#[test]
fn ascii_draws_only_ascii_and_keeps_values() {
    let buf = frame(
        theme("grafana-dark").with_ascii(true),
        ColourDepth::TrueColour,
    );
    let text = to_text(&buf);
    let foreign: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    assert!(foreign.is_empty(), "non-ASCII {foreign:?} in:\n{text}");
    assert!(text.contains("310 ms"), "{text}");
    assert!(text.contains("0.45%"), "{text}");
    insta::assert_snapshot!("themes_ascii", text);
}
