//! Three-line digits for stat values in panels with room for them (Grafana draws stat values
//! large; a number read across a room at 3 a.m. should be big).

/// Glyphs three lines high, drawn with half blocks.
fn glyph(c: char) -> Option<[&'static str; 3]> {
    Some(match c {
        '0' => ["█▀█", "█ █", "▀▀▀"],
        '1' => ["▀█ ", " █ ", "▀▀▀"],
        '2' => ["▀▀█", "█▀▀", "▀▀▀"],
        '3' => ["▀▀█", " ▀█", "▀▀▀"],
        '4' => ["█ █", "▀▀█", "  ▀"],
        '5' => ["█▀▀", "▀▀█", "▀▀▀"],
        '6' => ["█▀▀", "█▀█", "▀▀▀"],
        '7' => ["▀▀█", "  █", "  ▀"],
        '8' => ["█▀█", "█▀█", "▀▀▀"],
        '9' => ["█▀█", "▀▀█", "▀▀▀"],
        '.' => [" ", " ", "▀"],
        ',' => [" ", " ", "▄"],
        '-' => ["   ", "▀▀▀", "   "],
        '+' => [" ▄ ", "▀█▀", "   "],
        ' ' => [" ", " ", " "],
        _ => return None,
    })
}

/// Split a displayed value into its leading number (drawn big) and the rest (unit, drawn
/// small): `"231 ms"` → `("231", " ms")`.
pub fn split_number(text: &str) -> (&str, &str) {
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit() || c == '.' || c == ',' || ((c == '-' || c == '+') && i == 0))
        })
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// The three lines of `number` in big glyphs, or `None` if a character has no glyph.
pub fn render(number: &str) -> Option<[String; 3]> {
    let mut lines = [String::new(), String::new(), String::new()];
    for (i, c) in number.chars().enumerate() {
        let g = glyph(c)?;
        for (line, part) in lines.iter_mut().zip(g) {
            if i > 0 {
                line.push(' ');
            }
            line.push_str(part);
        }
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_units_split() {
        assert_eq!(split_number("231 ms"), ("231", " ms"));
        assert_eq!(split_number("-1.5%"), ("-1.5", "%"));
        assert_eq!(split_number("No data"), ("", "No data"));
    }

    #[test]
    fn big_digits_line_up() {
        let lines = render("10.5").unwrap();
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{lines:?}");
        assert_eq!(lines[0], "▀█  █▀█   █▀▀");
        assert!(render("12a").is_none());
    }
}
