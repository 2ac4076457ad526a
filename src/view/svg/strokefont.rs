//! A small stroke font drawn as SVG paths, so a picture rasterised without any font installed
//! still shows its numbers and labels. Capitals, digits and ASCII punctuation have their own
//! strokes; small letters are the capitals at x-height (small caps); anything else (CJK, emoji)
//! is drawn as an empty box of its width, so nothing depends on a font.
//!
//! A glyph is drawn on a grid 4 wide and 6 high (0,0 top left, baseline at y 6, descender to
//! 8); each point is two digits `xy`, strokes are separated by `|`.

use std::fmt::Write;

use unicode_width::UnicodeWidthChar;

use super::canvas::ADVANCE;

fn strokes(c: char) -> Option<&'static str> {
    Some(match c {
        'A' => "06 20 46|13 33",
        'B' => "06 00 30 41 42 33 03|33 44 45 36 06",
        'C' => "41 30 10 01 05 16 36 45",
        'D' => "00 30 41 45 36 06 00",
        'E' => "40 00 06 46|03 33",
        'F' => "40 00 06|03 33",
        'G' => "41 30 10 01 05 16 36 45 43 23",
        'H' => "00 06|40 46|03 43",
        'I' => "10 30|20 26|16 36",
        'J' => "40 45 36 16 05",
        'K' => "00 06|40 03 46",
        'L' => "00 06 46",
        'M' => "06 00 23 40 46",
        'N' => "06 00 46 40",
        'O' => "10 30 41 45 36 16 05 01 10",
        'P' => "06 00 30 41 42 33 03",
        'Q' => "10 30 41 45 36 16 05 01 10|24 46",
        'R' => "06 00 30 41 42 33 03|23 46",
        'S' => "41 30 10 01 02 13 33 44 45 36 16 05",
        'T' => "00 40|20 26",
        'U' => "00 05 16 36 45 40",
        'V' => "00 26 40",
        'W' => "00 16 23 36 40",
        'X' => "00 46|40 06",
        'Y' => "00 23 40|23 26",
        'Z' => "00 40 06 46",
        '0' => "10 30 41 45 36 16 05 01 10|05 41",
        '1' => "11 20 26|16 36",
        '2' => "01 10 30 41 42 06 46",
        '3' => "01 10 30 41 42 33 13|33 44 45 36 16 05",
        '4' => "30 04 44|30 36",
        '5' => "40 00 03 33 44 45 36 16 05",
        '6' => "31 20 10 01 05 16 36 45 44 33 03",
        '7' => "00 40 16",
        '8' => "10 30 41 42 33 13 02 01 10|13 04 05 16 36 45 44 33",
        '9' => "43 13 02 01 10 30 41 45 36 16 05",
        '.' => "25 26",
        ',' => "25 26 17",
        ':' => "22 23|25 26",
        ';' => "22 23|25 26 17",
        '%' => "06 40|00 10 11 01 00|35 45 46 36 35",
        '-' => "13 33",
        '+' => "13 33|22 24",
        '/' => "06 40",
        '\\' => "00 46",
        '(' => "30 21 25 36",
        ')' => "10 21 25 16",
        '[' => "30 20 26 36",
        ']' => "10 20 26 16",
        '{' => "30 21 22 13 24 25 36",
        '}' => "10 21 22 33 24 25 16",
        '_' => "07 47",
        '<' => "41 13 45",
        '>' => "01 33 05",
        '=' => "02 42|04 44",
        '#' => "11 15|31 35|02 42|04 44",
        '\'' => "20 22",
        '"' => "10 12|30 32",
        '`' => "10 21",
        '!' => "20 24|25 26",
        '?' => "01 10 30 41 42 23 24|25 26",
        '*' => "22 24|12 34|32 14",
        '&' => "46 12 11 20 31 22 04 05 16 26 44",
        '@' => "34 32 22 23 24 34 44 41 30 10 01 05 16 46",
        '|' => "20 27",
        '~' => "03 12 34 43",
        '^' => "02 20 42",
        '$' => "41 30 10 01 02 13 33 44 45 36 16 05|20 26",
        _ => return None,
    })
}

/// The path (`d`) that writes `text` with its baseline at `at` in a font of `size` px.
pub fn outline(text: &str, at: (f64, f64), size: f64) -> String {
    let unit = size * 0.1;
    let mut d = String::new();
    let mut x = at.0;
    for c in text.chars() {
        let cells = c.width().unwrap_or(0);
        if cells == 0 {
            continue;
        }
        let advance = cells as f64 * size * ADVANCE;
        // Small letters: the capital squeezed to x-height (grid rows 2..6).
        let (glyph, squeeze) = if c.is_ascii_lowercase() {
            (strokes(c.to_ascii_uppercase()), true)
        } else {
            (strokes(c), false)
        };
        let left = x + unit;
        let top = at.1 - 6.0 * unit;
        let place = |gx: f64, gy: f64| {
            let gy = if squeeze { 2.0 + gy * 4.0 / 6.0 } else { gy };
            (left + gx * unit, top + gy * unit)
        };
        match glyph {
            Some(spec) => {
                for stroke in spec.split('|') {
                    for (i, point) in stroke.split_whitespace().enumerate() {
                        let digits: Vec<f64> = point
                            .chars()
                            .filter_map(|d| d.to_digit(10).map(f64::from))
                            .collect();
                        let [gx, gy] = digits[..] else { continue };
                        let (px, py) = place(gx, gy);
                        let _ = write!(d, "{}{px:.1},{py:.1} ", if i == 0 { "M" } else { "L" });
                    }
                }
            }
            None if c == ' ' => {}
            None => {
                // A box the width of the character, for what the font has no strokes for.
                let (x0, y0) = place(0.0, 1.0);
                let x1 = x + advance - unit;
                let (_, y1) = place(0.0, 6.0);
                let _ = write!(
                    d,
                    "M{x0:.1},{y0:.1} L{x1:.1},{y0:.1} L{x1:.1},{y1:.1} L{x0:.1},{y1:.1} Z "
                );
            }
        }
        x += advance;
    }
    d.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_printable_ascii_character_but_space_has_strokes() {
        for c in '!'..='~' {
            let upper = c.to_ascii_uppercase();
            let spec = strokes(upper).unwrap_or_else(|| panic!("no strokes for {c:?}"));
            for point in spec.split(['|', ' ']).filter(|p| !p.is_empty()) {
                assert_eq!(point.len(), 2, "{c:?}: {point:?}");
                assert!(point.chars().all(|d| d.is_ascii_digit()), "{c:?}");
            }
        }
    }

    #[test]
    fn text_advances_by_columns_and_boxes_what_it_cannot_draw() {
        let d = outline("1 数", (0.0, 20.0), 10.0);
        assert!(d.starts_with("M2.0,15.0"), "{d}");
        // The box of the wide character starts after two columns (12 px) and spans two.
        assert!(d.contains("M13.0,15.0 L23.0,15.0"), "{d}");
        assert!(outline(" ", (0.0, 0.0), 10.0).is_empty());
    }
}
