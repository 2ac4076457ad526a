//! A drawn frame as plain text or ANSI-coloured text (`triage render`).

use std::fmt::Write;

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The cells of row `y` that are written out, with their column: a wide character (CJK,
/// emoji) covers the cell after it, and that continuation cell is skipped so the row keeps
/// exactly the buffer's width in terminal columns.
fn visible_cells(buf: &Buffer, y: u16) -> impl Iterator<Item = (u16, &Cell)> {
    let mut hidden: usize = 0;
    (0..buf.area.width).filter_map(move |x| {
        let cell = &buf[(buf.area.x + x, buf.area.y + y)];
        if hidden > 0 {
            hidden -= 1;
            return None;
        }
        hidden = cell.symbol().width().saturating_sub(1);
        Some((x, cell))
    })
}

/// The frame's characters, one line per row, trailing spaces trimmed.
pub fn to_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for (_, cell) in visible_cells(buf, y) {
            line.push_str(cell.symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The frame with SGR colour and attribute escapes (24-bit colour), reset at each line end.
pub fn to_ansi(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut current: Option<(Color, Color, Modifier)> = None;
        for (_, cell) in visible_cells(buf, y) {
            let style = (cell.fg, cell.bg, cell.modifier);
            if current != Some(style) {
                out.push_str(&sgr(style.0, style.1, style.2));
                current = Some(style);
            }
            out.push_str(cell.symbol());
        }
        out.push_str("\x1b[0m\n");
    }
    out
}

fn sgr(fg: Color, bg: Color, modifier: Modifier) -> String {
    let mut codes = vec!["0".to_string()];
    if modifier.contains(Modifier::BOLD) {
        codes.push("1".into());
    }
    if modifier.contains(Modifier::DIM) {
        codes.push("2".into());
    }
    if modifier.contains(Modifier::ITALIC) {
        codes.push("3".into());
    }
    if modifier.contains(Modifier::UNDERLINED) {
        codes.push("4".into());
    }
    if modifier.contains(Modifier::REVERSED) {
        codes.push("7".into());
    }
    if let Some(code) = colour_code(fg, false) {
        codes.push(code);
    }
    if let Some(code) = colour_code(bg, true) {
        codes.push(code);
    }
    let mut s = String::from("\x1b[");
    let _ = write!(s, "{}m", codes.join(";"));
    s
}

fn colour_code(colour: Color, background: bool) -> Option<String> {
    let base = if background { 40 } else { 30 };
    let named = |n: u8| Some(format!("{}", base + n));
    let bright = |n: u8| Some(format!("{}", base + 60 + n));
    match colour {
        Color::Reset => None,
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => bright(0),
        Color::LightRed => bright(1),
        Color::LightGreen => bright(2),
        Color::LightYellow => bright(3),
        Color::LightBlue => bright(4),
        Color::LightMagenta => bright(5),
        Color::LightCyan => bright(6),
        Color::White => bright(7),
        Color::Indexed(i) => Some(format!("{};5;{i}", base + 8)),
        Color::Rgb(r, g, b) => Some(format!("{};2;{r};{g};{b}", base + 8)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn text_trims_and_ansi_colours() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 2));
        buf.set_string(0, 0, "ab", Style::default().fg(Color::Rgb(1, 2, 3)));
        assert_eq!(to_text(&buf), "ab\n\n");
        let ansi = to_ansi(&buf);
        assert!(ansi.starts_with("\x1b[0;38;2;1;2;3mab\x1b[0m"), "{ansi:?}");
    }
}

/// Runs of cells with the same style on one line: (start column, text, fg, bg, bold).
fn runs(buf: &Buffer, y: u16) -> Vec<(u16, String, Color, Color, bool)> {
    let mut out: Vec<(u16, String, Color, Color, bool)> = Vec::new();
    for (x, cell) in visible_cells(buf, y) {
        let bold = cell.modifier.contains(Modifier::BOLD);
        match out.last_mut() {
            Some(run) if run.2 == cell.fg && run.3 == cell.bg && run.4 == bold => {
                run.1.push_str(cell.symbol())
            }
            _ => out.push((x, cell.symbol().to_string(), cell.fg, cell.bg, bold)),
        }
    }
    out
}

fn css(colour: Color, default: &str) -> String {
    match colour {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Reset => default.to_string(),
        other => {
            let (r, g, b) = match other {
                Color::Black => (0, 0, 0),
                Color::Red | Color::LightRed => (242, 73, 92),
                Color::Green | Color::LightGreen => (115, 191, 105),
                Color::Yellow | Color::LightYellow => (250, 222, 42),
                Color::Blue | Color::LightBlue => (87, 148, 242),
                Color::Magenta | Color::LightMagenta => (184, 119, 217),
                Color::Cyan | Color::LightCyan => (112, 219, 237),
                Color::DarkGray => (110, 110, 120),
                _ => (204, 204, 220),
            };
            format!("#{r:02x}{g:02x}{b:02x}")
        }
    }
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Grafana dark's panel background and text, for cells that use the terminal's defaults.
const BACKGROUND: &str = "#181b1f";
const FOREGROUND: &str = "#ccccdc";

/// The frame as an SVG picture (monospace text on coloured cells), for reports and docs.
pub fn to_svg(buf: &Buffer) -> String {
    let (cw, ch) = (8.4_f64, 17.0_f64);
    let width = f64::from(buf.area.width) * cw;
    let height = f64::from(buf.area.height) * ch;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\">\n<rect width=\"100%\" height=\"100%\" fill=\"{BACKGROUND}\"/>\n"
    );
    for y in 0..buf.area.height {
        for (x, text, fg, bg, bold) in runs(buf, y) {
            let count = text.width() as f64;
            if bg != Color::Reset {
                let _ = writeln!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{ch}\" fill=\"{}\"/>",
                    f64::from(x) * cw,
                    f64::from(y) * ch,
                    count * cw,
                    css(bg, BACKGROUND)
                );
            }
            if text.trim().is_empty() {
                continue;
            }
            let weight = if bold { " font-weight=\"bold\"" } else { "" };
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\"{weight} xml:space=\"preserve\" textLength=\"{:.1}\" lengthAdjust=\"spacingAndGlyphs\">{}</text>",
                f64::from(x) * cw,
                f64::from(y) * ch + ch * 0.78,
                css(fg, FOREGROUND),
                count * cw,
                escape_xml(&text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// The frame as a standalone HTML page (a `<pre>` of coloured spans).
pub fn to_html(buf: &Buffer) -> String {
    let mut out = format!(
        "<!doctype html>\n<meta charset=\"utf-8\">\n<title>triage</title>\n<pre style=\"background:{BACKGROUND};color:{FOREGROUND};font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;line-height:1.2;padding:8px\">\n"
    );
    for y in 0..buf.area.height {
        for (_, text, fg, bg, bold) in runs(buf, y) {
            let mut style = format!("color:{}", css(fg, FOREGROUND));
            if bg != Color::Reset {
                let _ = write!(style, ";background:{}", css(bg, BACKGROUND));
            }
            if bold {
                style.push_str(";font-weight:bold");
            }
            let _ = write!(out, "<span style=\"{style}\">{}</span>", escape_xml(&text));
        }
        out.push('\n');
    }
    out.push_str("</pre>\n");
    out
}

#[cfg(test)]
mod picture_tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn svg_and_html_carry_text_colours_and_escape_markup() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        buf.set_string(
            0,
            0,
            "<p99> 1 s",
            Style::default()
                .fg(Color::Rgb(0xf2, 0x49, 0x5c))
                .bg(Color::Rgb(1, 2, 3)),
        );
        let svg = to_svg(&buf);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(
            svg.contains("fill=\"#f2495c\"") && svg.contains("&lt;p99&gt;"),
            "{svg}"
        );
        assert!(svg.contains("fill=\"#010203\""), "cell background drawn");
        let html = to_html(&buf);
        assert!(
            html.contains("color:#f2495c;background:#010203") && html.contains("&lt;p99&gt; 1 s"),
            "{html}"
        );
    }
}
