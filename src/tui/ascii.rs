//! ASCII-only drawing, for fonts and terminals without braille, block or box glyphs (the Linux
//! console, old serial consoles, some Windows jump hosts). A drawn frame is transliterated cell
//! by cell, so every widget gets it without knowing: braille plots become `' - . |` by where
//! their dots sit, bars and blocks become `_.-=+*#`, borders `+-|`, arrows and bullets their
//! nearest ASCII letter. Letters (µ, °, €) are left alone: fonts that lack braille have them.

use ratatui::buffer::Buffer;

/// Whether to draw in ASCII when the user did not say: the Linux console and VT terminals have
/// no braille, and a locale that names a non-UTF-8 charset cannot show it either. (`C`/`POSIX`
/// or no locale at all say nothing about the terminal, so they keep Unicode.)
pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> bool {
    let term = env("TERM").unwrap_or_default().to_ascii_lowercase();
    if term == "linux" || term.starts_with("vt") || term == "cons25" {
        return true;
    }
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|name| env(name))
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    let upper = locale.to_ascii_uppercase();
    let has_charset = upper.contains('.');
    has_charset && !(upper.contains("UTF-8") || upper.contains("UTF8"))
}

/// Replace every glyph of a drawn frame that is not ASCII-safe.
pub fn map_buffer(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        let mut chars = cell.symbol().chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            continue;
        };
        if c.is_ascii() {
            continue;
        }
        if let Some(replacement) = ascii_for(c) {
            let mut tmp = [0u8; 4];
            cell.set_symbol(replacement.encode_utf8(&mut tmp));
        }
    }
}

/// The ASCII stand-in for a drawing glyph; `None` for letters and symbols fonts usually have.
pub fn ascii_for(c: char) -> Option<char> {
    let code = u32::from(c);
    Some(match code {
        0x2800..=0x28FF => braille(code - 0x2800),
        // Box drawing: lines and corners.
        0x2500..=0x257F => box_drawing(c),
        // Lower eighth blocks (sparklines, bars): ▁ … █.
        0x2581..=0x2588 => ['_', '_', '.', '-', '=', '+', '*', '#'][(code - 0x2581) as usize],
        0x2589..=0x258F => '|', // left blocks (bar ends)
        0x2590 | 0x2595 => '|',
        0x2580 | 0x2594 => '"', // upper half / eighth
        0x2591 => '.',
        0x2592 => ':',
        0x2593 => '#',
        0x2596..=0x259F => '#', // quadrants
        _ => match c {
            '→' | '⟶' | '▸' | '▶' | '►' | '❯' => '>',
            '←' | '⟵' | '◂' | '◀' | '◄' => '<',
            '↑' | '▲' | '▴' | '⬆' => '^',
            '↓' | '▼' | '▾' | '⬇' => 'v',
            '↔' => '-',
            '…' | '·' | '∙' => '.',
            '•' | '●' | '◆' | '■' | '★' => '*',
            '○' | '◯' | '◇' | '□' => 'o',
            '✓' | '✔' => 'v',
            '✗' | '✘' | '×' => 'x',
            '⚠' => '!',
            'ⓘ' => 'i',
            '⏱' | '⌚' => '@',
            '⟳' | '↻' | '↺' => '~',
            '≈' => '~',
            '–' | '—' | '━' => '-',
            '“' | '”' => '"',
            '‘' | '’' => '\'',
            '∞' => '8',
            _ => return None,
        },
    })
}

/// A braille cell by where its dots are: a column of dots is `|`, a dot row high up `'`, in
/// the middle `-`, low `.`; a full cell `#`.
fn braille(bits: u32) -> char {
    if bits == 0 {
        return ' ';
    }
    if bits == 0xFF {
        return '#';
    }
    // Dot rows 0..3 (top to bottom): bits 1+4, 2+5, 3+6, 7+8 (ISO/TR 11548-1 numbering).
    let rows = [0x01 | 0x08, 0x02 | 0x10, 0x04 | 0x20, 0x40 | 0x80];
    let used: Vec<usize> = (0..4).filter(|&r| bits & rows[r] != 0).collect();
    if used.len() >= 3 {
        return '|';
    }
    let mean = used.iter().sum::<usize>() as f64 / used.len() as f64;
    match mean {
        m if m < 0.75 => '\'',
        m if m <= 2.25 => '-',
        _ => '.',
    }
}

fn box_drawing(c: char) -> char {
    match c {
        '─' | '━' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍' | '═' | '╴' | '╶' | '╸' | '╺' => {
            '-'
        }
        '│' | '┃' | '┆' | '┇' | '┊' | '┋' | '╎' | '╏' | '║' | '╵' | '╷' | '╹' | '╻' => {
            '|'
        }
        _ => '+',
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn braille_follows_where_the_dots_are() {
        assert_eq!(ascii_for('⠁'), Some('\'')); // top-left dot
        assert_eq!(ascii_for('⣀'), Some('.')); // bottom row
        assert_eq!(ascii_for('⠒'), Some('-')); // middle rows
        assert_eq!(ascii_for('⡇'), Some('|')); // a column
        assert_eq!(ascii_for('⣿'), Some('#'));
        assert_eq!(ascii_for('⠀'), Some(' '));
    }

    #[test]
    fn drawing_glyphs_become_ascii_and_letters_stay() {
        for (glyph, ascii) in [
            ('╭', '+'),
            ('━', '-'),
            ('┃', '|'),
            ('▁', '_'),
            ('█', '#'),
            ('▀', '"'),
            ('▲', '^'),
            ('→', '>'),
            ('…', '.'),
        ] {
            assert_eq!(ascii_for(glyph), Some(ascii), "{glyph}");
        }
        assert_eq!(ascii_for('µ'), None);
        assert_eq!(ascii_for('€'), None);
    }

    #[test]
    fn a_whole_buffer_is_ascii_after_mapping() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        buf.set_string(0, 0, "╭─⣀▇▲ µs", ratatui::style::Style::default());
        map_buffer(&mut buf);
        let text: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(text, "+-.*^ µs");
    }

    #[test]
    fn detection_uses_term_and_locale() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(detect(&env(&[("TERM", "linux")])));
        assert!(detect(&env(&[
            ("TERM", "xterm"),
            ("LANG", "en_US.ISO-8859-1")
        ])));
        assert!(!detect(&env(&[
            ("TERM", "xterm-256color"),
            ("LANG", "en_US.UTF-8")
        ])));
        assert!(!detect(&env(&[("TERM", "xterm"), ("LC_ALL", "C")])));
        // LC_ALL wins over LANG.
        assert!(!detect(&env(&[
            ("LC_ALL", "de_DE.utf8"),
            ("LANG", "de_DE.ISO-8859-1")
        ])));
        assert!(!detect(&env(&[])));
    }
}
