//! Colours of the user interface, and how a theme draws the data colours a dashboard names.
//! Themes are data: TOML files in `themes/`, built into the binary, or a user's file (by path or
//! from `$XDG_CONFIG_HOME/triage/themes/NAME.toml`).
//!
//! View models carry colours as Grafana's dark theme resolves them (so threshold words follow
//! what the dashboard author meant). A theme then redraws each one: a Grafana named shade
//! (`semi-dark-red`, or its `#hex`) becomes the same shade of the theme's own hue, so a
//! colour-blind user gets distinguishable states even from a red/green dashboard.

use std::path::Path;

use ratatui::style::Color;
use serde::Deserialize;

use crate::grafana::colors::{self, HUE_NAMES, shade_table};
use crate::view::Rgb;
use crate::view::heatmap::viridis;

/// The themes that ship with triage, by name.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "grafana-dark",
        include_str!("../../themes/grafana-dark.toml"),
    ),
    (
        "grafana-light",
        include_str!("../../themes/grafana-light.toml"),
    ),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// Names of the built-in themes, for messages and help.
pub fn built_in_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(n, _)| *n).collect()
}

/// A continuous scale for counts (heatmaps), 0 = none … 1 = most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Viridis,
    Cividis,
}

impl Scale {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "viridis" => Some(Scale::Viridis),
            "cividis" => Some(Scale::Cividis),
            _ => None,
        }
    }

    pub fn at(self, t: f64) -> Rgb {
        match self {
            Scale::Viridis => viridis(t),
            Scale::Cividis => cividis(t),
        }
    }
}

/// Cividis (Nuñez et al. 2018): near-uniform lightness ramp that reads the same with red-green
/// colour blindness; stops every eighth of the published table.
fn cividis(t: f64) -> Rgb {
    const STOPS: [(u8, u8, u8); 9] = [
        (0x00, 0x22, 0x4e),
        (0x12, 0x35, 0x70),
        (0x3b, 0x49, 0x6c),
        (0x57, 0x5d, 0x6d),
        (0x70, 0x71, 0x73),
        (0x8a, 0x86, 0x78),
        (0xa5, 0x9c, 0x74),
        (0xc3, 0xb3, 0x69),
        (0xfe, 0xe8, 0x38),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// The screen's background; `Reset` keeps the terminal's own.
    pub background: Color,
    /// When false, every colour is dropped (`NO_COLOR`, `--theme mono`).
    pub colour: bool,
    /// Draw with ASCII only (`--ascii`, fonts without braille or block glyphs).
    pub ascii: bool,
    /// Grafana's named shades as this theme draws them (rows: `HUE_NAMES`); `None` draws them
    /// as Grafana's dark theme does.
    hues: Option<[[Rgb; 5]; 6]>,
    /// Colours that are not Grafana shades are also moved to the theme's nearest hue.
    remap_other_colours: bool,
    pub scale: Scale,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[allow(dead_code)]
    name: String,
    colour: bool,
    ui: UiColours,
    #[serde(default)]
    data: DataColours,
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
    #[serde(default)]
    background: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DataColours {
    /// `dark` (default) or `light`: which of Grafana's palettes named colours come from.
    base: Option<String>,
    /// The theme's own primary colour for each Grafana hue (`red = "#D55E00"`); lighter and
    /// darker shades are derived from it.
    hues: Option<std::collections::BTreeMap<String, String>>,
    /// Move any other colour (a dashboard's `#FF0000`) to the theme's hue nearest to it.
    remap_other_colours: Option<bool>,
    /// `viridis` (default) or `cividis`.
    scale: Option<String>,
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
            "light" => "grafana-light",
            "colourblind" | "color-blind" | "colour-blind" => "colorblind",
            "none" | "no-color" => "mono",
            other => other,
        };
        let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
        Self::parse(text).ok()
    }

    /// A theme by built-in name, by path to a TOML file, or from the user's theme folder
    /// (`config_dir/themes/NAME.toml`).
    pub fn find(name: &str, config_dir: Option<&Path>) -> Result<Self, String> {
        if let Some(theme) = Self::by_name(name) {
            return Ok(theme);
        }
        let candidates = [
            Some(Path::new(name).to_path_buf()).filter(|_| name.ends_with(".toml")),
            config_dir.map(|d| d.join("themes").join(format!("{name}.toml"))),
        ];
        for path in candidates.into_iter().flatten() {
            if path.is_file() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("theme {}: {e}", path.display()))?;
                return Self::parse(&text).map_err(|e| format!("theme {}: {e}", path.display()));
            }
        }
        Err(format!(
            "unknown theme {name:?}: use {} or a path to a .toml theme file",
            built_in_names().join(", ")
        ))
    }

    /// Parse a theme file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let c = |s: &str| parse_colour(s).ok_or_else(|| format!("unknown colour {s:?}"));
        let ui = &file.ui;
        let base = match file.data.base.as_deref() {
            None | Some("dark") => colors::Theme::Dark,
            Some("light") => colors::Theme::Light,
            Some(other) => return Err(format!("data.base {other:?}: use dark or light")),
        };
        let hues = match &file.data.hues {
            Some(map) => Some(theme_hues(map)?),
            None if base == colors::Theme::Light => Some(shade_table(base)),
            None => None,
        };
        let scale = match file.data.scale.as_deref() {
            None => Scale::Viridis,
            Some(s) => Scale::parse(s)
                .ok_or_else(|| format!("data.scale {s:?}: use viridis or cividis"))?,
        };
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
            background: ui
                .background
                .as_deref()
                .map(c)
                .transpose()?
                .unwrap_or(Color::Reset),
            colour: file.colour,
            ascii: false,
            hues,
            remap_other_colours: file.data.remap_other_colours.unwrap_or(false),
            scale,
        })
    }

    /// A data colour (as Grafana's dark theme resolves it) as drawn in this theme.
    pub fn data(&self, rgb: Rgb) -> Color {
        if !self.colour {
            return Color::Reset;
        }
        let Rgb(r, g, b) = self.data_rgb(rgb);
        Color::Rgb(r, g, b)
    }

    /// The colour this theme draws for a data colour (before the terminal's colour depth).
    pub fn data_rgb(&self, rgb: Rgb) -> Rgb {
        let Some(hues) = &self.hues else {
            return rgb;
        };
        if let Some((hue, shade)) = grafana_shade(rgb) {
            return hues[hue][shade];
        }
        if self.remap_other_colours
            && let Some(hue) = hue_index(rgb)
        {
            return hues[hue][nearest_shade(rgb, hue)];
        }
        rgb
    }

    /// A colour on the theme's count scale (heatmaps), `t` in [0, 1].
    pub fn scale_colour(&self, t: f64) -> Color {
        if !self.colour {
            return Color::Reset;
        }
        let Rgb(r, g, b) = self.scale.at(t);
        Color::Rgb(r, g, b)
    }

    /// The same theme without any colour (`--color-depth none`).
    pub fn with_colour(mut self, colour: bool) -> Self {
        self.colour = colour;
        self
    }

    /// The same theme drawn with ASCII glyphs only.
    pub fn with_ascii(mut self, ascii: bool) -> Self {
        self.ascii = ascii;
        self
    }
}

/// Five shades from a theme's primary colour per hue, lighter to darker like Grafana's.
fn theme_hues(map: &std::collections::BTreeMap<String, String>) -> Result<[[Rgb; 5]; 6], String> {
    let mut out = shade_table(colors::Theme::Dark);
    for (name, value) in map {
        let hue = HUE_NAMES
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("data.hues.{name}: not one of {}", HUE_NAMES.join(", ")))?;
        let Some(Color::Rgb(r, g, b)) = parse_colour(value) else {
            return Err(format!("data.hues.{name}: {value:?} is not #rrggbb"));
        };
        let primary = Rgb(r, g, b);
        let mix = |towards: Rgb, amount: f64| {
            let m = |p: u8, q: u8| {
                (f64::from(p) + (f64::from(q) - f64::from(p)) * amount).round() as u8
            };
            Rgb(
                m(primary.0, towards.0),
                m(primary.1, towards.1),
                m(primary.2, towards.2),
            )
        };
        let white = Rgb(255, 255, 255);
        let black = Rgb(0, 0, 0);
        out[hue] = [
            mix(white, 0.55),
            mix(white, 0.3),
            primary,
            mix(black, 0.15),
            mix(black, 0.3),
        ];
    }
    Ok(out)
}

/// Where a colour sits in Grafana's dark shade table, if it is one of its named shades.
fn grafana_shade(rgb: Rgb) -> Option<(usize, usize)> {
    let table = shade_table(colors::Theme::Dark);
    table.iter().enumerate().find_map(|(h, row)| {
        row.iter()
            .position(|c| (c.0, c.1, c.2) == (rgb.0, rgb.1, rgb.2))
            .map(|s| (h, s))
    })
}

/// Which of Grafana's six hues a saturated colour belongs to (greys have none).
fn hue_index(rgb: Rgb) -> Option<usize> {
    let (r, g, b) = (f64::from(rgb.0), f64::from(rgb.1), f64::from(rgb.2));
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    if max - min < 40.0 {
        return None;
    }
    let hue = if max == r {
        60.0 * ((g - b) / (max - min)).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / (max - min) + 2.0)
    } else {
        60.0 * ((r - g) / (max - min) + 4.0)
    };
    // HUE_NAMES order: red, orange, yellow, green, blue, purple.
    Some(match hue {
        h if !(15.0..330.0).contains(&h) => 0,
        h if h < 40.0 => 1,
        h if h < 70.0 => 2,
        h if h < 170.0 => 3,
        h if h < 255.0 => 4,
        _ => 5,
    })
}

/// The Grafana shade of a hue closest in lightness to a colour.
fn nearest_shade(rgb: Rgb, hue: usize) -> usize {
    let table = shade_table(colors::Theme::Dark);
    let luma =
        |r: u8, g: u8, b: u8| 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    let own = luma(rgb.0, rgb.1, rgb.2);
    (0..5)
        .min_by(|&a, &b| {
            let da = (luma(table[hue][a].0, table[hue][a].1, table[hue][a].2) - own).abs();
            let db = (luma(table[hue][b].0, table[hue][b].1, table[hue][b].2) - own).abs();
            da.total_cmp(&db)
        })
        .unwrap_or(2)
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

    fn named(name: &str) -> Rgb {
        colors::resolve_rgb(name, colors::Theme::Dark)
    }

    #[test]
    fn built_in_themes_parse() {
        for (name, text) in BUILT_IN {
            let theme = Theme::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(theme.colour, *name != "mono");
        }
        assert_eq!(Theme::grafana_dark().error, Color::Rgb(0xF2, 0x49, 0x5C));
        assert!(Theme::by_name("nope").is_none());
        assert!(
            Theme::find("nope", None)
                .unwrap_err()
                .contains("colorblind")
        );
    }

    #[test]
    fn mono_drops_data_colours() {
        assert_eq!(Theme::mono().data(Rgb(1, 2, 3)), Color::Reset);
        assert_eq!(Theme::mono().scale_colour(0.5), Color::Reset);
        assert_eq!(
            Theme::grafana_dark().data(Rgb(1, 2, 3)),
            Color::Rgb(1, 2, 3)
        );
    }

    #[test]
    fn named_shades_follow_the_theme() {
        let light = Theme::by_name("grafana-light").unwrap();
        // Grafana's light theme: `red` is #E02F44, `green` #56A64B.
        assert_eq!(light.data_rgb(named("red")), Rgb(0xE0, 0x2F, 0x44));
        assert_eq!(
            light.data_rgb(named("semi-dark-green")),
            Rgb(0x37, 0x87, 0x2D)
        );
        let cb = Theme::by_name("colorblind").unwrap();
        // Okabe–Ito orange and sky blue for warn and ok, a dark red for crit; a dashboard's
        // own #FF0000 moves too.
        assert_eq!(cb.data_rgb(named("red")), Rgb(0x9E, 0x2A, 0x2B));
        assert_eq!(cb.data_rgb(named("green")), Rgb(0x56, 0xB4, 0xE9));
        // (#FF0000 is as dark as Grafana's dark-red.)
        assert_eq!(cb.data_rgb(Rgb(0xFF, 0, 0)), cb.data_rgb(named("dark-red")));
        assert_ne!(cb.data_rgb(named("dark-red")), cb.data_rgb(named("red")));
        // Greys stay grey.
        assert_eq!(cb.data_rgb(Rgb(128, 128, 128)), Rgb(128, 128, 128));
        // The dark theme draws Grafana's own colours.
        assert_eq!(Theme::grafana_dark().data_rgb(named("red")), named("red"));
    }

    #[test]
    fn user_theme_files_are_found_by_path_and_folder() {
        let dir = std::env::temp_dir().join(format!("triage-theme-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("themes")).unwrap();
        let text = include_str!("../../themes/high-contrast.toml").replace("#FFFF00", "#00FFFF");
        std::fs::write(dir.join("themes/mine.toml"), &text).unwrap();
        let theme = Theme::find("mine", Some(&dir)).unwrap();
        assert_eq!(theme.border_focused, Color::Rgb(0, 255, 255));
        let path = dir.join("themes/mine.toml");
        assert!(Theme::find(path.to_str().unwrap(), None).is_ok());
        std::fs::write(dir.join("themes/bad.toml"), "name = 1").unwrap();
        let err = Theme::find("bad", Some(&dir)).unwrap_err();
        assert!(err.contains("bad.toml"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn cividis_runs_dark_to_light() {
        assert_eq!(cividis(0.0), Rgb(0x00, 0x22, 0x4e));
        assert_eq!(cividis(1.0), Rgb(0xfe, 0xe8, 0x38));
        let lum = |c: Rgb| u32::from(c.0) + u32::from(c.1) + u32::from(c.2);
        assert!(
            (1..=16).all(|i| lum(cividis(i as f64 / 16.0)) > lum(cividis((i - 1) as f64 / 16.0)))
        );
    }
}
