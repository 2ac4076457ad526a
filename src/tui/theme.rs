//! Colours of the user interface itself (panel data colours come resolved in view models).
//! Themes are data: TOML files in `themes/`, built into the binary.

use ratatui::style::Color;
use serde::Deserialize;

use crate::view::Rgb;

/// The themes that ship with triage, by name.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "grafana-dark",
        include_str!("../../themes/grafana-dark.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub text: Color,
    pub dim: Color,
    pub border: Color,
    pub border_focused: Color,
    pub title: Color,
    pub error: Color,
    pub warning: Color,
    pub row_header: Color,
    pub status_bg: Color,
    /// When false, every colour is dropped (`NO_COLOR`, `--theme mono`).
    pub colour: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[allow(dead_code)]
    name: String,
    colour: bool,
    ui: UiColours,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UiColours {
    text: String,
    dim: String,
    border: String,
    border_focused: String,
    title: String,
    error: String,
    warning: String,
    row_header: String,
    status_bg: String,
}

impl Theme {
    pub fn grafana_dark() -> Self {
        Self::by_name("grafana-dark")
            .unwrap_or_else(|| unreachable!("built-in theme parses (tested)"))
    }

    pub fn mono() -> Self {
        Self::by_name("mono").unwrap_or_else(|| unreachable!("built-in theme parses (tested)"))
    }

    /// A built-in theme by name (`dark` and `default` mean grafana-dark).
    pub fn by_name(name: &str) -> Option<Self> {
        let name = match name {
            "dark" | "default" => "grafana-dark",
            "none" => "mono",
            other => other,
        };
        let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
        Self::parse(text).ok()
    }

    /// Parse a theme file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let c = |s: &str| parse_colour(s).ok_or_else(|| format!("unknown colour {s:?}"));
        let ui = &file.ui;
        Ok(Theme {
            text: c(&ui.text)?,
            dim: c(&ui.dim)?,
            border: c(&ui.border)?,
            border_focused: c(&ui.border_focused)?,
            title: c(&ui.title)?,
            error: c(&ui.error)?,
            warning: c(&ui.warning)?,
            row_header: c(&ui.row_header)?,
            status_bg: c(&ui.status_bg)?,
            colour: file.colour,
        })
    }

    /// A data colour as drawn in this theme.
    pub fn data(&self, rgb: Rgb) -> Color {
        if self.colour {
            Color::Rgb(rgb.0, rgb.1, rgb.2)
        } else {
            Color::Reset
        }
    }
}

/// `#rrggbb` or `reset`.
fn parse_colour(text: &str) -> Option<Color> {
    if text == "reset" {
        return Some(Color::Reset);
    }
    let hex = text.strip_prefix('#').filter(|h| h.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_themes_parse() {
        for (name, text) in BUILT_IN {
            let theme = Theme::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(theme.colour, *name != "mono");
        }
        assert_eq!(Theme::grafana_dark().error, Color::Rgb(0xF2, 0x49, 0x5C));
        assert!(Theme::by_name("nope").is_none());
    }

    #[test]
    fn mono_drops_data_colours() {
        assert_eq!(Theme::mono().data(Rgb(1, 2, 3)), Color::Reset);
        assert_eq!(
            Theme::grafana_dark().data(Rgb(1, 2, 3)),
            Color::Rgb(1, 2, 3)
        );
    }
}
