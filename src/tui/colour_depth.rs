//! Terminals without 24-bit colour: detect what the terminal supports and map colours down to
//! the xterm 256-colour cube or the 16 ANSI colours, so dashboards stay readable everywhere.

use ratatui::buffer::Buffer;
use ratatui::style::Color;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourDepth {
    TrueColour,
    Ansi256,
    Ansi16,
    /// No colour at all (`NO_COLOR`).
    None,
}

impl ColourDepth {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "truecolor" | "24bit" | "24" => Some(ColourDepth::TrueColour),
            "256" => Some(ColourDepth::Ansi256),
            "16" => Some(ColourDepth::Ansi16),
            "none" | "0" => Some(ColourDepth::None),
            _ => None,
        }
    }

    /// From the environment, as most terminal programs decide: `NO_COLOR`, then `COLORTERM`,
    /// then `TERM`. `env` looks variables up (injected for tests).
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Self {
        if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColourDepth::None;
        }
        let colorterm = env("COLORTERM").unwrap_or_default().to_lowercase();
        if colorterm.contains("truecolor") || colorterm.contains("24bit") {
            return ColourDepth::TrueColour;
        }
        let term = env("TERM").unwrap_or_default().to_lowercase();
        if term.contains("truecolor") || term.contains("direct") {
            ColourDepth::TrueColour
        } else if term.contains("256") {
            ColourDepth::Ansi256
        } else if term.is_empty() || term == "dumb" {
            ColourDepth::None
        } else {
            ColourDepth::Ansi16
        }
    }
}

/// Map every colour of a drawn frame to what the terminal can show.
pub fn map_buffer(buf: &mut Buffer, depth: ColourDepth) {
    if depth == ColourDepth::TrueColour {
        return;
    }
    for cell in buf.content.iter_mut() {
        cell.fg = map_colour(cell.fg, depth);
        cell.bg = map_colour(cell.bg, depth);
    }
}

pub fn map_colour(colour: Color, depth: ColourDepth) -> Color {
    let Color::Rgb(r, g, b) = colour else {
        return if depth == ColourDepth::None {
            Color::Reset
        } else {
            colour
        };
    };
    match depth {
        ColourDepth::TrueColour => colour,
        ColourDepth::Ansi256 => Color::Indexed(to_256(r, g, b)),
        ColourDepth::Ansi16 => to_16(r, g, b),
        ColourDepth::None => Color::Reset,
    }
}

/// Nearest xterm-256 colour: the 6×6×6 cube or the 24-step grey ramp, whichever is closer.
fn to_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest_level = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (nearest_level(r), nearest_level(g), nearest_level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let grey_level = ((u32::from(r) + u32::from(g) + u32::from(b)) / 3) as u8;
    let grey_index = if grey_level < 8 {
        0
    } else {
        ((u32::from(grey_level) - 8) / 10).min(23) as u8
    };
    let grey = 8 + grey_index * 10;
    let distance = |(cr, cg, cb): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(cr, r) + d(cg, g) + d(cb, b)
    };
    if distance((grey, grey, grey)) < distance(cube) {
        232 + grey_index
    } else {
        16 + 36 * ri as u8 + 6 * gi as u8 + bi as u8
    }
}

/// One of the 16 ANSI colours, by hue: plain RGB distance would turn Grafana's muted greens
/// and oranges into greys, and a threshold's meaning is its hue.
fn to_16(r: u8, g: u8, b: u8) -> Color {
    let (r, g, b) = (f64::from(r), f64::from(g), f64::from(b));
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let lightness = (max + min) / 2.0 / 255.0;
    let saturation = if max > 0.0 { (max - min) / max } else { 0.0 };
    if saturation < 0.25 || max < 60.0 {
        return match lightness {
            l if l < 0.2 => Color::Black,
            l if l < 0.45 => Color::DarkGray,
            l if l < 0.8 => Color::Gray,
            _ => Color::White,
        };
    }
    let hue = if max == r {
        60.0 * ((g - b) / (max - min)).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / (max - min) + 2.0)
    } else {
        60.0 * ((r - g) / (max - min) + 4.0)
    };
    let bright = lightness > 0.6;
    // Nearest of red 0°, yellow 60°, green 120°, cyan 180°, blue 240°, magenta 300°; orange
    // (~30°) rounds to yellow, which terminals draw as an amber.
    let sector = ((hue / 60.0).round() as u32) % 6;
    let (dark, light) = match sector {
        0 => (Color::Red, Color::LightRed),
        1 => (Color::Yellow, Color::LightYellow),
        2 => (Color::Green, Color::LightGreen),
        3 => (Color::Cyan, Color::LightCyan),
        4 => (Color::Blue, Color::LightBlue),
        _ => (Color::Magenta, Color::LightMagenta),
    };
    if bright { light } else { dark }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn detection_follows_no_color_colorterm_and_term() {
        assert_eq!(
            ColourDepth::detect(&env_of(&[("COLORTERM", "truecolor"), ("TERM", "xterm")])),
            ColourDepth::TrueColour
        );
        assert_eq!(
            ColourDepth::detect(&env_of(&[("TERM", "screen-256color")])),
            ColourDepth::Ansi256
        );
        assert_eq!(
            ColourDepth::detect(&env_of(&[("TERM", "linux")])),
            ColourDepth::Ansi16
        );
        assert_eq!(
            ColourDepth::detect(&env_of(&[("TERM", "dumb")])),
            ColourDepth::None
        );
        assert_eq!(
            ColourDepth::detect(&env_of(&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")])),
            ColourDepth::None
        );
    }

    #[test]
    fn grafana_colours_map_to_their_neighbours() {
        // Grafana's red #F2495C, green #73BF69, blue #5794F2, and its panel grey.
        assert_eq!(to_16(0xF2, 0x49, 0x5C), Color::LightRed);
        assert_eq!(to_16(0x73, 0xBF, 0x69), Color::Green);
        assert_eq!(to_16(0xFF, 0x98, 0x30), Color::Yellow, "orange");
        assert_eq!(to_16(0x57, 0x94, 0xF2), Color::LightBlue);
        assert_eq!(to_16(0xCC, 0xCC, 0xDC), Color::White, "Grafana's text grey");
        assert_eq!(to_16(0x22, 0x25, 0x2B), Color::Black, "panel background");
        assert_eq!(to_256(0, 0, 0), 16);
        assert_eq!(to_256(255, 255, 255), 231);
        assert_eq!(to_256(128, 128, 128), 244, "greys use the grey ramp");
        assert_eq!(
            map_colour(Color::Rgb(1, 2, 3), ColourDepth::None),
            Color::Reset
        );
    }
}
