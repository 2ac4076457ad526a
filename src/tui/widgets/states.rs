//! State timeline and status history: a row per series with its name on the left, each state
//! a run of cells in the state's colour with its text inside where it fits, time labels and a
//! legend of states below. Without colour each state gets its own fill glyph (named in the
//! legend), so states never rest on colour alone.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use crate::tui::theme::Theme;
use crate::view::{Rgb, ShowValues, StateRow, StatesView};

const GLYPHS: [&str; 6] = ["█", "▓", "▒", "░", "▚", "▞"];
const ASCII_GLYPHS: [&str; 6] = ["#", "=", "+", "-", "*", "%"];

pub fn draw(view: &StatesView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if view.rows.is_empty() || area.width < 4 || area.height == 0 {
        return;
    }
    let legend_lines =
        u16::from(area.height > view.rows.len() as u16 + 1 && !view.legend.is_empty());
    let axis_lines = u16::from(area.height > view.rows.len() as u16 + 2);
    let rows_height = area.height - legend_lines - axis_lines;
    let name_width = view
        .rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(usize::from(area.width / 4)) as u16;
    let gap = u16::from(name_width > 0);
    let plot_x = area.x + name_width + gap;
    let plot_width = area.width - name_width - gap;
    let shown = usize::from(rows_height).min(view.rows.len());
    // With more rows than lines the last line says how many are not shown.
    let (shown, hidden) = if shown < view.rows.len() && shown > 0 {
        (shown - 1, view.rows.len() - shown + 1)
    } else {
        (shown, 0)
    };
    let per_row = if shown > 0 {
        (rows_height / shown as u16).clamp(1, 3)
    } else {
        1
    };
    for (r, row) in view.rows.iter().take(shown).enumerate() {
        let top = area.y + r as u16 * per_row;
        let middle = top + (per_row - 1) / 2;
        let name: String = row.name.chars().take(usize::from(name_width)).collect();
        buf.set_string(area.x, middle, name, Style::default().fg(theme.text));
        let band = Rect {
            x: plot_x,
            y: top,
            width: plot_width,
            height: per_row,
        };
        let at = spans_by_column(view, row, plot_width);
        draw_spans(row, &at, band, buf, theme);
        if view.show_values != ShowValues::Never {
            draw_span_texts(view, row, &at, (plot_x, middle), buf, theme);
        }
    }
    if hidden > 0 {
        buf.set_string(
            area.x,
            area.y + shown as u16 * per_row,
            format!("+{hidden} more series"),
            Style::default().fg(theme.dim),
        );
    }
    if axis_lines > 0 {
        draw_time_labels(view, plot_x, plot_width, area.y + rows_height, buf, theme);
    }
    if legend_lines > 0 {
        draw_legend(view, area, buf, theme);
    }
}

/// Which span covers each column (its middle instant).
fn spans_by_column(view: &StatesView, row: &StateRow, plot_width: u16) -> Vec<Option<usize>> {
    let (x0, x1) = view.x_range;
    (0..plot_width)
        .map(|c| {
            let t = x0 + (x1 - x0) * (f64::from(c) + 0.5) / f64::from(plot_width);
            row.spans
                .iter()
                .position(|s| s.start_ms <= t && t < s.end_ms)
        })
        .collect()
}

/// The row's band of cells, each in the colour (or glyph) of the span over its column.
fn draw_spans(row: &StateRow, at: &[Option<usize>], band: Rect, buf: &mut Buffer, theme: &Theme) {
    for (c, span) in at.iter().enumerate() {
        let Some(span) = span.map(|i| &row.spans[i]) else {
            continue;
        };
        for y in band.y..band.y + band.height {
            let cell = &mut buf[(band.x + c as u16, y)];
            // A full block in the state's colour (not a coloured blank), so the state also
            // survives a text capture that drops colours.
            if theme.colour {
                cell.set_symbol("█").set_fg(theme.data(span.color));
            } else {
                cell.set_symbol(glyph(span.state, theme)).set_fg(theme.text);
            }
        }
    }
}

/// The text of each run of columns in one span, centred on line `middle`, where it fits.
fn draw_span_texts(
    view: &StatesView,
    row: &StateRow,
    at: &[Option<usize>],
    (plot_x, middle): (u16, u16),
    buf: &mut Buffer,
    theme: &Theme,
) {
    let mut c = 0;
    while c < at.len() {
        let run_start = c;
        while c < at.len() && at[c] == at[run_start] {
            c += 1;
        }
        let Some(span) = at[run_start].map(|i| &row.spans[i]) else {
            continue;
        };
        let run = c - run_start;
        let len = span.text.chars().count();
        let text: String = match view.show_values {
            ShowValues::Always if len > run => span.text.chars().take(run).collect(),
            _ if len + 2 <= run => span.text.clone(),
            _ => continue,
        };
        let x = plot_x + (run_start + (run - text.chars().count()) / 2) as u16;
        let style = if theme.colour {
            Style::default()
                .fg(text_on(theme.data_rgb(span.color)))
                .bg(theme.data(span.color))
        } else {
            Style::default().fg(theme.title)
        };
        buf.set_string(x, middle, text, style);
    }
}

/// The first, middle and last time labels on line `y` under the plot, where they fit.
fn draw_time_labels(
    view: &StatesView,
    plot_x: u16,
    plot_width: u16,
    y: u16,
    buf: &mut Buffer,
    theme: &Theme,
) {
    let labels = &view.x_labels;
    let style = Style::default().fg(theme.dim);
    if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
        buf.set_string(plot_x, y, first, style);
        let last_len = last.chars().count() as u16;
        if plot_width > last_len + first.chars().count() as u16 + 1 {
            buf.set_string(plot_x + plot_width - last_len, y, last, style);
        }
        if let Some(mid) = labels.get(labels.len() / 2).filter(|_| labels.len() > 2) {
            let len = mid.chars().count() as u16;
            if plot_width > 3 * (len + 2) {
                buf.set_string(plot_x + (plot_width - len) / 2, y, mid, style);
            }
        }
    }
}

/// The states with their swatches (glyphs without colour) on the area's last line; what does
/// not fit is counted.
fn draw_legend(view: &StatesView, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let y = area.y + area.height - 1;
    let mut x = area.x;
    let end = area.x + area.width;
    for (i, state) in view.legend.iter().enumerate() {
        let entry_width = state.text.chars().count() as u16 + 4;
        if x + entry_width > end {
            let more = format!("+{}", view.legend.len() - i);
            if x + more.len() as u16 <= end {
                buf.set_string(x, y, more, Style::default().fg(theme.dim));
            }
            break;
        }
        let swatch = if theme.colour { "█" } else { glyph(i, theme) };
        buf.set_string(x, y, swatch, Style::default().fg(theme.data(state.color)));
        buf.set_string(x + 2, y, &state.text, Style::default().fg(theme.text));
        x += entry_width;
    }
}

fn glyph(state: usize, theme: &Theme) -> &'static str {
    let set = if theme.ascii { &ASCII_GLYPHS } else { &GLYPHS };
    set.get(state % set.len()).copied().unwrap_or("#")
}

/// Black or white text, whichever reads better on the background.
pub(super) fn text_on(bg: Rgb) -> Color {
    let luma = 0.299 * f64::from(bg.0) + 0.587 * f64::from(bg.1) + 0.114 * f64::from(bg.2);
    if luma > 140.0 {
        Color::Black
    } else {
        Color::White
    }
}
