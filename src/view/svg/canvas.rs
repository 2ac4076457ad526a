//! An SVG document being written: shapes and text, with text either as `<text>` in a generic
//! monospace family or as strokes of the built-in font (for rasterising without fonts).

use std::fmt::Write;

use unicode_width::UnicodeWidthChar;

use super::strokefont;
use crate::view::Rgb;

/// How text is written into the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextMode {
    /// `<text>` elements in the generic `monospace` family: selectable, searchable.
    #[default]
    Elements,
    /// Stroked paths from the built-in font: the same on every machine, no font needed.
    Strokes,
}

/// Where a text's x coordinate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// A monospace character's advance as a fraction of the font size.
pub const ADVANCE: f64 = 0.6;

pub struct Canvas {
    pub out: String,
    pub text_mode: TextMode,
}

/// Markup characters escaped, and control characters (from network text) dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Columns a text takes in a monospace font (wide characters take two).
pub fn columns(text: &str) -> usize {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| c.width().unwrap_or(0))
        .sum()
}

/// The text cut to at most `max` columns, with `…` spelled as `..` when cut.
pub fn fit(text: &str, max: usize) -> String {
    if columns(text) <= max {
        return text.chars().filter(|c| !c.is_control()).collect();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars().filter(|c| !c.is_control()) {
        let w = c.width().unwrap_or(0);
        if used + w + 2 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    if max >= 2 {
        out.push_str("..");
    }
    out
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

impl Canvas {
    pub fn new(text_mode: TextMode) -> Canvas {
        Canvas {
            out: String::new(),
            text_mode,
        }
    }

    pub fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: Rgb, extra: &str) {
        if w <= 0.0 || h <= 0.0 {
            return;
        }
        let _ = writeln!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{extra}/>",
            num(x),
            num(y),
            num(w.max(0.1)),
            num(h.max(0.1)),
            fill.hex()
        );
    }

    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: Rgb, width: f64, extra: &str) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{extra}/>",
            num(from.0),
            num(from.1),
            num(to.0),
            num(to.1),
            stroke.hex(),
            num(width)
        );
    }

    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: Rgb, width: f64) {
        if points.len() < 2 {
            return;
        }
        let list: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"/>",
            list.join(" "),
            stroke.hex(),
            num(width)
        );
    }

    /// A closed shape through the points.
    pub fn polygon(&mut self, points: &[(f64, f64)], fill: Rgb, extra: &str) {
        if points.len() < 3 {
            return;
        }
        let mut d = String::new();
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{},{} ",
                if i == 0 { "M" } else { "L" },
                num(*x),
                num(*y)
            );
        }
        d.push('Z');
        self.path(&d, &format!("fill=\"{}\"{extra}", fill.hex()));
    }

    pub fn path(&mut self, d: &str, attributes: &str) {
        let _ = writeln!(self.out, "<path d=\"{d}\" {attributes}/>");
    }

    pub fn circle(&mut self, centre: (f64, f64), r: f64, fill: Rgb) {
        let _ = writeln!(
            self.out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
            num(centre.0),
            num(centre.1),
            num(r),
            fill.hex()
        );
    }

    /// Text with its baseline at `y`, cut to `max_columns` when given.
    pub fn text(&mut self, at: (f64, f64), size: f64, fill: Rgb, anchor: Anchor, text: &str) {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.trim().is_empty() {
            return;
        }
        match self.text_mode {
            TextMode::Elements => {
                let anchor = match anchor {
                    Anchor::Start => "",
                    Anchor::Middle => " text-anchor=\"middle\"",
                    Anchor::End => " text-anchor=\"end\"",
                };
                let _ = writeln!(
                    self.out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"{}\"{anchor} xml:space=\"preserve\">{}</text>",
                    num(at.0),
                    num(at.1),
                    num(size),
                    fill.hex(),
                    escape(&text)
                );
            }
            TextMode::Strokes => {
                let width = columns(&text) as f64 * size * ADVANCE;
                let x = match anchor {
                    Anchor::Start => at.0,
                    Anchor::Middle => at.0 - width / 2.0,
                    Anchor::End => at.0 - width,
                };
                let d = strokefont::outline(&text, (x, at.1), size);
                if !d.is_empty() {
                    self.path(
                        &d,
                        &format!(
                            "fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linecap=\"round\" stroke-linejoin=\"round\"",
                            fill.hex(),
                            num((size * 0.09).max(0.8))
                        ),
                    );
                }
            }
        }
    }
}
