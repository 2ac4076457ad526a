//! `render --format svg` draws charts as vector shapes (no braille or block glyphs standing in
//! for lines) and `--format png` rasterises the same picture: checked on the gateway dashboard
//! with fixed data, and through the binary against the demo's real Prometheus.

mod support;

use std::collections::BTreeMap;
use std::process::Command;

use triage::cli::picture;
use triage::data::panel_data::{PanelData, Series};
use triage::engine::session::EngineEvent;
use triage::grafana::load::load_path;
use triage::tui::app::{App, StatusInfo, ViewState};
use triage::tui::theme::Theme;
use triage::view::svg::TextMode;

const T0: i64 = 1_795_500_000_000;
const STEP: i64 = 15_000;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn series(labels: &[(&str, &str)], points: usize, f: impl Fn(i64) -> f64) -> Series {
    Series {
        ref_id: "A".into(),
        name: String::new(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        points: (0..points as i64).map(|i| (T0 + i * STEP, f(i))).collect(),
        compare: None,
    }
}

/// Buckets for heatmaps, two series per target elsewhere; 2000 points each, more than the
/// pixels of a half-width chart, so the envelope is drawn too.
fn data_for(panel: &triage::grafana::model::Panel) -> PanelData {
    let mut all = Vec::new();
    for (t, target) in panel.targets.iter().enumerate() {
        if panel.panel_type == "heatmap" {
            for (b, le) in ["0.05", "0.1", "0.25", "0.5", "+Inf"].iter().enumerate() {
                all.push(series(&[("le", le)], 120, move |i| {
                    (b as f64 + 1.0) * 10.0 + (i % 7) as f64
                }));
            }
            continue;
        }
        for n in 0..2 {
            let level = 0.2 + 0.1 * (t + n) as f64;
            let name = format!("instance-{n}");
            let mut s = series(&[("instance", &name)], 2000, move |i| {
                level + 0.03 * (i as f64 / 40.0).sin()
            });
            s.ref_id = target.ref_id.clone();
            s.name = name;
            all.push(s);
        }
    }
    PanelData {
        series: all,
        start_ms: T0,
        end_ms: T0 + 1999 * STEP,
        ..PanelData::default()
    }
}

fn gateway() -> App {
    let dashboard = load_path(std::path::Path::new(support::DASHBOARD))
        .expect("the gateway dashboard loads")
        .dashboard;
    let data: Vec<PanelData> = dashboard.panels.iter().map(|p| data_for(p)).collect();
    let mut app = App::new(
        dashboard,
        Theme::grafana_dark(),
        StatusInfo::default(),
        ViewState::new("now-6h", "now"),
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

/// Braille (U+2800–U+28FF), block elements (U+2580–U+259F) and box drawing (U+2500–U+257F).
fn terminal_glyphs(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| matches!(*c as u32, 0x2500..=0x259F | 0x2800..=0x28FF))
        .collect()
}

fn count(svg: &str, element: &str) -> usize {
    svg.matches(&format!("<{element} ")).count()
}

#[test]
fn the_gateway_dashboard_as_vectors() {
    let app = gateway();
    let header = picture::header(&app, "now-6h", "now");
    let svg = picture::dashboard_svg(&app, &header, 1600, TextMode::Elements);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("width=\"1600\""), "{}", &svg[..200]);
    assert!(svg.contains("font-family=\"monospace\""));
    assert_eq!(terminal_glyphs(&svg), Vec::<char>::new());
    let panels = app.page.dashboard.panels.len();
    // Every panel has its frame; charts their lines (or envelopes) and heatmap cells.
    assert!(count(&svg, "rect") > panels * 2, "rects");
    assert!(count(&svg, "polyline") + count(&svg, "path") >= 4, "lines");
    assert!(count(&svg, "text") > panels, "titles and values");
    for panel in &app.page.dashboard.panels {
        assert!(
            svg.contains(&panel.title.replace('&', "&amp;")),
            "{}",
            panel.title
        );
    }
    // Parsable as SVG by a real renderer (usvg), with text kept as text.
    let tree =
        resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).expect("valid SVG");
    assert_eq!(tree.size().width(), 1600.0);
}

#[test]
fn the_png_is_the_same_picture_rasterised() {
    let app = gateway();
    let header = picture::header(&app, "now-6h", "now");
    let svg = picture::dashboard_svg(&app, &header, 1200, TextMode::Strokes);
    assert!(!svg.contains("<text"), "text is drawn as strokes");
    let png = picture::png(&svg).expect("rasterises");
    assert!(png.starts_with(PNG_SIGNATURE));
    let decoded = resvg::tiny_skia::Pixmap::decode_png(&png).expect("decodes");
    assert_eq!(decoded.width(), 1200);
    let expected_height = resvg::usvg::Tree::from_str(&svg, &Default::default())
        .unwrap()
        .size()
        .height()
        .ceil() as u32;
    assert_eq!(decoded.height(), expected_height);
    // Not blank: more than a handful of distinct colours (panels, lines, text).
    let mut colours: Vec<[u8; 4]> = decoded
        .pixels()
        .iter()
        .map(|p| [p.red(), p.green(), p.blue(), p.alpha()])
        .collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 20, "{} colours", colours.len());
}

#[test]
fn render_svg_and_png_against_the_demo() {
    let demo = support::start_demo();
    let run = |format: &str| {
        let out = Command::new(support::BIN)
            .args([
                "render",
                support::DASHBOARD,
                "--prometheus",
                &demo.prometheus,
            ])
            .args(["--from", "now-1h", "--format", format, "--width-px", "1400"])
            .output()
            .expect("run triage render");
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let svg = String::from_utf8(run("svg")).expect("UTF-8 SVG");
    assert!(svg.contains("width=\"1400\""));
    assert!(count(&svg, "polyline") + count(&svg, "path") >= 4, "{svg}");
    assert_eq!(terminal_glyphs(&svg), Vec::<char>::new());
    let terminal = String::from_utf8(run("svg-terminal")).expect("UTF-8 SVG");
    assert!(
        !terminal_glyphs(&terminal).is_empty(),
        "the terminal frame keeps its glyphs"
    );
    let png = run("png");
    assert!(png.starts_with(PNG_SIGNATURE));
    let decoded = resvg::tiny_skia::Pixmap::decode_png(&png).expect("decodes");
    assert_eq!(decoded.width(), 1400);
}

/// Writes the pictures to `TRIAGE_PICTURE_DIR` when set, for a person to look at.
#[test]
fn pictures_for_a_person_to_look_at() {
    let Ok(dir) = std::env::var("TRIAGE_PICTURE_DIR") else {
        return;
    };
    let app = gateway();
    let header = picture::header(&app, "now-6h", "now");
    let svg = picture::dashboard_svg(&app, &header, 1600, TextMode::Elements);
    std::fs::write(format!("{dir}/gateway.svg"), &svg).unwrap();
    let strokes = picture::dashboard_svg(&app, &header, 1600, TextMode::Strokes);
    let png = picture::png(&strokes).unwrap();
    std::fs::write(format!("{dir}/gateway.png"), png).unwrap();
}
