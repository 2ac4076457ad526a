//! Dashboards and panels as vector pictures (SVG): charts as lines, areas and rectangles,
//! values as text in a generic monospace family, laid out by each panel's `gridPos` at a
//! width in pixels. Pure: view models in, a `String` out.

mod bodies;
pub mod canvas;
mod chart;
pub mod strokefont;

use std::fmt::Write;

pub use canvas::TextMode;
use canvas::{Anchor, Canvas, fit};

use crate::grafana::model::GridPos;
use crate::view::{PanelView, Rgb};

// Grafana's grid: 24 columns, rows 30 px high with an 8 px gap
// (public/app/core/constants.ts: GRID_COLUMN_COUNT, GRID_CELL_HEIGHT, GRID_CELL_VMARGIN).
const COLUMNS: f64 = 24.0;
const ROW_HEIGHT: f64 = 30.0;
const GAP: f64 = 8.0;
const HEADER: f64 = 56.0;

/// Grafana dark: the canvas, a panel, its border, text and secondary text.
pub const PAGE: Rgb = Rgb(0x11, 0x12, 0x17);
pub const PANEL: Rgb = Rgb(0x18, 0x1b, 0x1f);
pub const BORDER: Rgb = Rgb(0x2a, 0x2d, 0x35);
pub const TEXT: Rgb = Rgb(0xcc, 0xcc, 0xdc);
pub const DIM: Rgb = Rgb(0x8e, 0x8e, 0x9e);
pub const ERROR: Rgb = Rgb(0xf2, 0x49, 0x5c);

/// What the picture says above the panels.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub title: String,
    /// The time range as the user gave it (`now-7d to now`).
    pub range: String,
    /// `name=value` of each variable.
    pub variables: Vec<String>,
}

/// How the picture is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub width_px: u32,
    pub text: TextMode,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            width_px: 1600,
            text: TextMode::Elements,
        }
    }
}

/// A panel to place: where the dashboard puts it and what it shows.
pub struct Placed<'a> {
    pub grid: GridPos,
    pub view: &'a PanelView,
}

/// A row header between panels.
pub struct RowTitle<'a> {
    pub y: u32,
    pub title: &'a str,
}

fn open(out: &mut String, width: f64, height: f64) {
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"monospace\">"
    );
}

/// The whole dashboard: a header, then every panel at its grid position.
pub fn dashboard(
    header: &Header,
    panels: &[Placed],
    rows: &[RowTitle],
    options: Options,
) -> String {
    let width = f64::from(options.width_px.max(320));
    let column = (width - GAP) / COLUMNS;
    let bottom = panels
        .iter()
        .map(|p| p.grid.y + p.grid.h.max(1))
        .chain(rows.iter().map(|r| r.y + 1))
        .max()
        .unwrap_or(0);
    let height = HEADER + f64::from(bottom) * (ROW_HEIGHT + GAP) + GAP;
    let mut canvas = Canvas::new(options.text);
    open(&mut canvas.out, width, height);
    canvas.rect(0.0, 0.0, width, height, PAGE, "");
    canvas.text((GAP, 24.0), 18.0, TEXT, Anchor::Start, &header.title);
    let mut line = header.range.clone();
    if !header.variables.is_empty() {
        let _ = write!(line, "   {}", header.variables.join("  "));
    }
    let max = ((width - 2.0 * GAP) / (12.0 * canvas::ADVANCE)) as usize;
    canvas.text((GAP, 46.0), 12.0, DIM, Anchor::Start, &fit(&line, max));
    for row in rows {
        let y = HEADER + f64::from(row.y) * (ROW_HEIGHT + GAP) + 20.0;
        canvas.text((GAP, y), 15.0, TEXT, Anchor::Start, row.title);
    }
    for placed in panels {
        let g = placed.grid;
        let x = GAP + f64::from(g.x.min(23)) * column;
        let y = HEADER + f64::from(g.y) * (ROW_HEIGHT + GAP);
        let w = f64::from(g.w.clamp(1, 24)) * column - GAP;
        let h = f64::from(g.h.max(1)) * (ROW_HEIGHT + GAP) - GAP;
        canvas.raw(&format!("<g transform=\"translate({x:.1},{y:.1})\">\n"));
        panel_into(&mut canvas, placed.view, w, h);
        canvas.raw("</g>\n");
    }
    canvas.out.push_str("</svg>\n");
    canvas.out
}

/// One panel on its own, `width` × `height` px (for reports).
pub fn panel(view: &PanelView, width: f64, height: f64, text: TextMode) -> String {
    let mut canvas = Canvas::new(text);
    open(&mut canvas.out, width, height);
    panel_into(&mut canvas, view, width, height);
    canvas.out.push_str("</svg>\n");
    canvas.out
}

/// A panel's frame, title, body and errors, with its top left corner at (0, 0).
fn panel_into(canvas: &mut Canvas, view: &PanelView, w: f64, h: f64) {
    canvas.rect(
        0.0,
        0.0,
        w,
        h,
        PANEL,
        &format!(" stroke=\"{}\" rx=\"2\"", BORDER.hex()),
    );
    let title_columns = ((w - 16.0) / (13.0 * canvas::ADVANCE)).max(0.0) as usize;
    canvas.text(
        (8.0, 20.0),
        13.0,
        TEXT,
        Anchor::Start,
        &fit(&view.title, title_columns),
    );
    let errors = view.errors.len().min(2) as f64;
    let body = bodies::Area {
        x: 8.0,
        y: 30.0,
        w: (w - 16.0).max(0.0),
        h: (h - 38.0 - errors * 14.0).max(0.0),
    };
    let opacity = if view.stale { " opacity=\"0.5\"" } else { "" };
    canvas.raw(&format!("<g{opacity}>\n"));
    bodies::draw(canvas, &view.body, body);
    canvas.raw("</g>\n");
    let columns = (body.w / (11.0 * canvas::ADVANCE)) as usize;
    for (i, error) in view.errors.iter().take(2).enumerate() {
        let y = h - 8.0 - (errors - 1.0 - i as f64) * 14.0;
        canvas.text((8.0, y), 11.0, ERROR, Anchor::Start, &fit(error, columns));
    }
}
