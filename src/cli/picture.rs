//! Pictures of a drawn dashboard for `render` and `report`: the vector SVG of every panel at
//! its grid position, and that picture rasterised to PNG in-process (text as strokes of the
//! built-in font, so no font and no external program is needed).

use crate::tui::app::App;
use crate::view::svg::{self, Header, Options, Placed, RowTitle, TextMode};

/// The header of a dashboard's picture: its title, range and the variables' values.
pub fn header(app: &App, from: &str, to: &str) -> Header {
    Header {
        title: app.page.dashboard.title.clone(),
        range: format!("{from} to {to}"),
        variables: app
            .page
            .variables
            .iter()
            .filter(|v| v.hide < 2)
            .map(|v| format!("{}={}", v.name, v.display_text()))
            .collect(),
    }
}

/// Whether a panel is inside a collapsed row (Grafana draws none of those).
fn hidden(app: &App, index: usize) -> bool {
    let dashboard = &app.page.dashboard;
    dashboard.rows.iter().enumerate().any(|(r, row)| {
        app.page.collapsed.get(r).copied().unwrap_or(row.collapsed) && row.panels.contains(&index)
    })
}

/// The dashboard as a vector picture `width_px` wide.
pub fn dashboard_svg(app: &App, header: &Header, width_px: u32, text: TextMode) -> String {
    let page = &app.page;
    let placed: Vec<Placed> = page
        .dashboard
        .panels
        .iter()
        .zip(&page.views)
        .enumerate()
        .filter(|(i, _)| !hidden(app, *i))
        .map(|(_, (panel, view))| Placed {
            grid: panel.grid,
            view,
        })
        .collect();
    let rows: Vec<RowTitle> = page
        .dashboard
        .rows
        .iter()
        .filter(|r| !r.title.is_empty())
        .map(|r| RowTitle {
            y: r.grid.y,
            title: &r.title,
        })
        .collect();
    svg::dashboard(header, &placed, &rows, Options { width_px, text })
}

/// An SVG rasterised to PNG bytes at its own size.
pub fn png(svg_text: &str) -> Result<Vec<u8>, String> {
    let tree = resvg::usvg::Tree::from_str(svg_text, &resvg::usvg::Options::default())
        .map_err(|e| format!("the picture is not valid SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| format!("cannot draw a {}x{} picture", size.width(), size.height()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("cannot encode the PNG: {e}"))
}
