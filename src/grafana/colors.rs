//! Grafana colours: named shades (dark and light themes), CSS names, `#hex`, `rgb()/rgba()`,
//! the classic palette and the continuous schemes.
//!
//! Sources: grafana-data `themes/createVisualizationColors.ts` (hues, classic palette, native
//! colour names, special names), `field/fieldColor.ts` (continuous schemes) and d3's
//! `interpolateRgbBasis` (the B-spline Grafana uses between scheme stops).

/// An opaque RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Grafana's dark theme text colour: what a value with no colour of its own is drawn in.
impl Default for Rgb {
    fn default() -> Self {
        Rgb(204, 204, 220)
    }
}

impl Rgb {
    /// `#rrggbb` (lower case).
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// A colour with its alpha (1.0 when the source gave none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    pub rgb: Rgb,
    pub alpha: f64,
}

impl Rgba {
    fn opaque(rgb: Rgb) -> Rgba {
        Rgba { rgb, alpha: 1.0 }
    }

    /// Blend over a background (terminals have no alpha).
    pub fn over(self, bg: Rgb) -> Rgb {
        let a = self.alpha.clamp(0.0, 1.0);
        let mix = |f: u8, b: u8| (f64::from(f) * a + f64::from(b) * (1.0 - a)).round() as u8;
        Rgb(
            mix(self.rgb.0, bg.0),
            mix(self.rgb.1, bg.1),
            mix(self.rgb.2, bg.2),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

/// Grafana's FALLBACK_COLOR (`gray`), used when there are no threshold steps.
pub const FALLBACK: Rgb = Rgb(0x80, 0x80, 0x80);

const HUES: [&str; 6] = ["red", "orange", "yellow", "green", "blue", "purple"];
const SHADES: [&str; 5] = ["super-light-", "light-", "", "semi-dark-", "dark-"];

/// Per hue: super-light, light, primary, semi-dark, dark.
const DARK: [[u32; 5]; 6] = [
    [0xFFA6B0, 0xFF7383, 0xF2495C, 0xE02F44, 0xC4162A],
    [0xFFCB7D, 0xFFB357, 0xFF9830, 0xFF780A, 0xFA6400],
    [0xFFF899, 0xFFEE52, 0xFADE2A, 0xF2CC0C, 0xE0B400],
    [0xC8F2C2, 0x96D98D, 0x73BF69, 0x56A64B, 0x37872D],
    [0xC0D8FF, 0x8AB8FF, 0x5794F2, 0x3274D9, 0x1F60C4],
    [0xDEB6F2, 0xCA95E5, 0xB877D9, 0xA352CC, 0x8F3BB8],
];

const LIGHT: [[u32; 5]; 6] = [
    [0xFF7383, 0xF2495C, 0xE02F44, 0xC4162A, 0xAD0317],
    [0xFFB357, 0xFF9830, 0xFF780A, 0xFA6400, 0xE55400],
    [0xFFEE52, 0xFADE2A, 0xF2CC0C, 0xE0B400, 0xCC9D00],
    [0x96D98D, 0x73BF69, 0x56A64B, 0x37872D, 0x19730E],
    [0x8AB8FF, 0x5794F2, 0x3274D9, 0x1F60C4, 0x1250B0],
    [0xCA95E5, 0xB877D9, 0xA352CC, 0x8F3BB8, 0x7C2EA3],
];

fn from_u32(c: u32) -> Rgb {
    Rgb((c >> 16) as u8, (c >> 8) as u8, c as u8)
}

/// Grafana's hue names, in the order of `shade_table` rows.
pub const HUE_NAMES: [&str; 6] = HUES;

/// Every named shade of a theme: a row per hue (`HUE_NAMES`), columns super-light, light,
/// primary, semi-dark, dark. Themes of triage remap these by position.
pub fn shade_table(theme: Theme) -> [[Rgb; 5]; 6] {
    let table = match theme {
        Theme::Dark => &DARK,
        Theme::Light => &LIGHT,
    };
    table.map(|row| row.map(from_u32))
}

/// A Grafana named shade (`red`, `semi-dark-green`, `super-light-blue`, ...).
pub fn named_shade(name: &str, theme: Theme) -> Option<Rgb> {
    let (shade, hue_index) = SHADES.iter().enumerate().find_map(|(i, prefix)| {
        let hue = name.strip_prefix(prefix)?;
        HUES.iter().position(|h| *h == hue).map(|h| (i, h))
    })?;
    let table = match theme {
        Theme::Dark => &DARK,
        Theme::Light => &LIGHT,
    };
    Some(from_u32(table[hue_index][shade]))
}

/// Resolve any colour Grafana accepts, like `getColorByName`: named shades first, then the
/// special names, `#hex`, `rgb(a)(...)`, CSS colour names. `None` when unparseable.
pub fn resolve(name: &str, theme: Theme) -> Option<Rgba> {
    let name = name.trim();
    if name.is_empty() {
        return Some(Rgba::opaque(FALLBACK));
    }
    if let Some(rgb) = named_shade(name, theme) {
        return Some(Rgba::opaque(rgb));
    }
    match name {
        "transparent" => {
            let rgb = if theme == Theme::Light {
                Rgb(255, 255, 255)
            } else {
                Rgb(0, 0, 0)
            };
            return Some(Rgba { rgb, alpha: 0.0 });
        }
        "panel-bg" => {
            let rgb = if theme == Theme::Light {
                Rgb(255, 255, 255)
            } else {
                Rgb(0x18, 0x1b, 0x1f)
            };
            return Some(Rgba::opaque(rgb));
        }
        "text" => {
            return Some(match theme {
                Theme::Dark => Rgba::opaque(Rgb(204, 204, 220)),
                Theme::Light => Rgba::opaque(Rgb(36, 41, 46)),
            });
        }
        _ => {}
    }
    if let Some(hex) = name.strip_prefix('#') {
        return parse_hex(hex);
    }
    if name.contains("rgb") {
        return parse_rgb_function(name);
    }
    css_name(&name.to_ascii_lowercase()).map(|c| Rgba::opaque(from_u32(c)))
}

/// Resolve to an opaque colour for the terminal (alpha blended over the theme background);
/// unknown names give Grafana's fallback gray.
pub fn resolve_rgb(name: &str, theme: Theme) -> Rgb {
    let bg = match theme {
        Theme::Dark => Rgb(0x18, 0x1b, 0x1f),
        Theme::Light => Rgb(255, 255, 255),
    };
    resolve(name, theme).map_or(FALLBACK, |c| c.over(bg))
}

fn parse_hex(hex: &str) -> Option<Rgba> {
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
    let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    match hex.len() {
        3 | 4 => {
            let r = digit(0)? * 17;
            let g = digit(1)? * 17;
            let b = digit(2)? * 17;
            let alpha = if hex.len() == 4 {
                f64::from(digit(3)? * 17) / 255.0
            } else {
                1.0
            };
            Some(Rgba {
                rgb: Rgb(r, g, b),
                alpha,
            })
        }
        6 | 8 => {
            let alpha = if hex.len() == 8 {
                f64::from(pair(6)?) / 255.0
            } else {
                1.0
            };
            Some(Rgba {
                rgb: Rgb(pair(0)?, pair(2)?, pair(4)?),
                alpha,
            })
        }
        _ => None,
    }
}

/// `rgb(r, g, b)`, `rgba(r, g, b, a)`, also with percentages or space separators.
fn parse_rgb_function(s: &str) -> Option<Rgba> {
    let open = s.find('(')?;
    let close = s.rfind(')')?;
    let inner = s.get(open + 1..close)?;
    let parts: Vec<&str> = inner
        .split(|c: char| c == ',' || c == '/' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 3 {
        return None;
    }
    let channel = |p: &str| -> Option<u8> {
        let v = match p.strip_suffix('%') {
            Some(pct) => pct.parse::<f64>().ok()? * 2.55,
            None => p.parse::<f64>().ok()?,
        };
        Some(v.round().clamp(0.0, 255.0) as u8)
    };
    let alpha = match parts.get(3) {
        Some(a) => match a.strip_suffix('%') {
            Some(pct) => pct.parse::<f64>().ok()? / 100.0,
            None => a.parse::<f64>().ok()?,
        },
        None => 1.0,
    };
    Some(Rgba {
        rgb: Rgb(channel(parts[0])?, channel(parts[1])?, channel(parts[2])?),
        alpha: alpha.clamp(0.0, 1.0),
    })
}

/// Grafana's classic palette, in order (names resolve per theme).
pub const CLASSIC_PALETTE: [&str; 64] = [
    "green",
    "yellow",
    "blue",
    "orange",
    "red",
    "purple",
    "dark-green",
    "dark-yellow",
    "dark-blue",
    "dark-orange",
    "dark-red",
    "dark-purple",
    "super-light-green",
    "super-light-yellow",
    "super-light-blue",
    "super-light-orange",
    "super-light-red",
    "super-light-purple",
    "#447EBC",
    "#C15C17",
    "#890F02",
    "#0A437C",
    "#6D1F62",
    "#584477",
    "#B7DBAB",
    "#F4D598",
    "#70DBED",
    "#F9BA8F",
    "#F29191",
    "#82B5D8",
    "#E5A8E2",
    "#AEA2E0",
    "#629E51",
    "#E5AC0E",
    "#64B0C8",
    "#E0752D",
    "#BF1B00",
    "#0A50A1",
    "#962D82",
    "#614D93",
    "#9AC48A",
    "#F2C96D",
    "#65C5DB",
    "#F9934E",
    "#EA6460",
    "#5195CE",
    "#D683CE",
    "#806EB7",
    "#3F6833",
    "#967302",
    "#2F575E",
    "#99440A",
    "#58140C",
    "#052B51",
    "#511749",
    "#3F2B5B",
    "#E0F9D7",
    "#FCEACA",
    "#CFFAFF",
    "#F9E2D2",
    "#FCE2DE",
    "#BADFF4",
    "#F9D9F9",
    "#DEDAF7",
];

/// The `palette-classic` colour of the series with this index (wraps around).
pub fn palette_color(index: usize, theme: Theme) -> Rgb {
    resolve_rgb(CLASSIC_PALETTE[index % CLASSIC_PALETTE.len()], theme)
}

/// The stops of a continuous colour scheme (`continuous-GrYlRd` or just `GrYlRd`).
pub fn scheme_stops(scheme: &str) -> Option<&'static [&'static str]> {
    let id = scheme.strip_prefix("continuous-").unwrap_or(scheme);
    Some(match id {
        "GrYlRd" => &["green", "yellow", "red"],
        "RdYlGr" => &["red", "yellow", "green"],
        "BlYlRd" => &["dark-blue", "super-light-yellow", "dark-red"],
        "YlRd" => &["super-light-yellow", "dark-red"],
        "BlPu" => &["blue", "purple"],
        "YlBl" => &["super-light-yellow", "dark-blue"],
        "blues" => &["panel-bg", "dark-blue"],
        "reds" => &["panel-bg", "dark-red"],
        "greens" => &["panel-bg", "dark-green"],
        "purples" => &["panel-bg", "dark-purple"],
        _ => return None,
    })
}

/// Colour of a continuous scheme at `t` in [0, 1] (d3 `interpolateRgbBasis` over the stops).
pub fn continuous_color(scheme: &str, t: f64, theme: Theme) -> Option<Rgb> {
    let stops: Vec<Rgb> = scheme_stops(scheme)?
        .iter()
        .map(|s| resolve_rgb(s, theme))
        .collect();
    Some(rgb_basis(&stops, t))
}

macro_rules! scheme_fn {
    ($name:ident, $id:literal) => {
        #[doc = concat!("`continuous-", $id, "` in the dark theme.")]
        pub fn $name(t: f64) -> Rgb {
            continuous_color($id, t, Theme::Dark).unwrap_or(FALLBACK)
        }
    };
}

scheme_fn!(gr_yl_rd, "GrYlRd");
scheme_fn!(rd_yl_gr, "RdYlGr");
scheme_fn!(bl_yl_rd, "BlYlRd");
scheme_fn!(yl_rd, "YlRd");
scheme_fn!(bl_pu, "BlPu");
scheme_fn!(yl_bl, "YlBl");
scheme_fn!(blues, "blues");
scheme_fn!(reds, "reds");
scheme_fn!(greens, "greens");
scheme_fn!(purples, "purples");

/// d3 `interpolateRgbBasis`: a uniform cubic B-spline per channel through the stops.
pub fn rgb_basis(stops: &[Rgb], t: f64) -> Rgb {
    match stops.len() {
        0 => return FALLBACK,
        1 => return stops[0],
        _ => {}
    }
    let ch = |f: fn(&Rgb) -> u8| -> u8 {
        let values: Vec<f64> = stops.iter().map(|c| f64::from(f(c))).collect();
        basis_spline(&values, t).round().clamp(0.0, 255.0) as u8
    };
    Rgb(ch(|c| c.0), ch(|c| c.1), ch(|c| c.2))
}

fn basis_spline(values: &[f64], t: f64) -> f64 {
    let n = values.len() - 1;
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let i = if t >= 1.0 {
        n - 1
    } else {
        ((t * n as f64).floor() as usize).min(n - 1)
    };
    let v1 = values[i];
    let v2 = values[i + 1];
    let v0 = if i > 0 { values[i - 1] } else { 2.0 * v1 - v2 };
    let v3 = if i < n - 1 {
        values[i + 2]
    } else {
        2.0 * v2 - v1
    };
    let t1 = (t - i as f64 / n as f64) * n as f64;
    let t2 = t1 * t1;
    let t3 = t2 * t1;
    ((1.0 - 3.0 * t1 + 3.0 * t2 - t3) * v0
        + (4.0 - 6.0 * t2 + 3.0 * t3) * v1
        + (1.0 + 3.0 * t1 + 3.0 * t2 - 3.0 * t3) * v2
        + t3 * v3)
        / 6.0
}

/// CSS colour names as Grafana's `nativeColorNames` table has them, sorted by name for
/// `css_name`'s binary search (a test checks the order).
const CSS_NAMES: &[(&str, u32)] = &[
    ("aliceblue", 0xf0f8ff),
    ("antiquewhite", 0xfaebd7),
    ("aqua", 0x00ffff),
    ("aquamarine", 0x7fffd4),
    ("azure", 0xf0ffff),
    ("beige", 0xf5f5dc),
    ("bisque", 0xffe4c4),
    ("black", 0x000000),
    ("blanchedalmond", 0xffebcd),
    ("blue", 0x0000ff),
    ("blueviolet", 0x8a2be2),
    ("brown", 0xa52a2a),
    ("burlywood", 0xdeb887),
    ("cadetblue", 0x5f9ea0),
    ("chartreuse", 0x7fff00),
    ("chocolate", 0xd2691e),
    ("coral", 0xff7f50),
    ("cornflowerblue", 0x6495ed),
    ("cornsilk", 0xfff8dc),
    ("crimson", 0xdc143c),
    ("cyan", 0x00ffff),
    ("darkblue", 0x00008b),
    ("darkcyan", 0x008b8b),
    ("darkgoldenrod", 0xb8860b),
    ("darkgray", 0xa9a9a9),
    ("darkgreen", 0x006400),
    ("darkkhaki", 0xbdb76b),
    ("darkmagenta", 0x8b008b),
    ("darkolivegreen", 0x556b2f),
    ("darkorange", 0xff8c00),
    ("darkorchid", 0x9932cc),
    ("darkred", 0x8b0000),
    ("darksalmon", 0xe9967a),
    ("darkseagreen", 0x8fbc8f),
    ("darkslateblue", 0x483d8b),
    ("darkslategray", 0x2f4f4f),
    ("darkturquoise", 0x00ced1),
    ("darkviolet", 0x9400d3),
    ("deeppink", 0xff1493),
    ("deepskyblue", 0x00bfff),
    ("dimgray", 0x696969),
    ("dodgerblue", 0x1e90ff),
    ("firebrick", 0xb22222),
    ("floralwhite", 0xfffaf0),
    ("forestgreen", 0x228b22),
    ("fuchsia", 0xff00ff),
    ("gainsboro", 0xdcdcdc),
    ("ghostwhite", 0xf8f8ff),
    ("gold", 0xffd700),
    ("goldenrod", 0xdaa520),
    ("gray", 0x808080),
    ("green", 0x008000),
    ("greenyellow", 0xadff2f),
    ("grey", 0x808080),
    ("honeydew", 0xf0fff0),
    ("hotpink", 0xff69b4),
    ("indianred", 0xcd5c5c),
    ("indigo", 0x4b0082),
    ("ivory", 0xfffff0),
    ("khaki", 0xf0e68c),
    ("lavender", 0xe6e6fa),
    ("lavenderblush", 0xfff0f5),
    ("lawngreen", 0x7cfc00),
    ("lemonchiffon", 0xfffacd),
    ("lightblue", 0xadd8e6),
    ("lightcoral", 0xf08080),
    ("lightcyan", 0xe0ffff),
    ("lightgoldenrodyellow", 0xfafad2),
    ("lightgreen", 0x90ee90),
    ("lightgrey", 0xd3d3d3),
    ("lightpink", 0xffb6c1),
    ("lightsalmon", 0xffa07a),
    ("lightseagreen", 0x20b2aa),
    ("lightskyblue", 0x87cefa),
    ("lightslategray", 0x778899),
    ("lightsteelblue", 0xb0c4de),
    ("lightyellow", 0xffffe0),
    ("lime", 0x00ff00),
    ("limegreen", 0x32cd32),
    ("linen", 0xfaf0e6),
    ("magenta", 0xff00ff),
    ("maroon", 0x800000),
    ("mediumaquamarine", 0x66cdaa),
    ("mediumblue", 0x0000cd),
    ("mediumorchid", 0xba55d3),
    ("mediumpurple", 0x9370d8),
    ("mediumseagreen", 0x3cb371),
    ("mediumslateblue", 0x7b68ee),
    ("mediumspringgreen", 0x00fa9a),
    ("mediumturquoise", 0x48d1cc),
    ("mediumvioletred", 0xc71585),
    ("midnightblue", 0x191970),
    ("mintcream", 0xf5fffa),
    ("mistyrose", 0xffe4e1),
    ("moccasin", 0xffe4b5),
    ("navajowhite", 0xffdead),
    ("navy", 0x000080),
    ("oldlace", 0xfdf5e6),
    ("olive", 0x808000),
    ("olivedrab", 0x6b8e23),
    ("orange", 0xffa500),
    ("orangered", 0xff4500),
    ("orchid", 0xda70d6),
    ("palegoldenrod", 0xeee8aa),
    ("palegreen", 0x98fb98),
    ("paleturquoise", 0xafeeee),
    ("palevioletred", 0xd87093),
    ("papayawhip", 0xffefd5),
    ("peachpuff", 0xffdab9),
    ("peru", 0xcd853f),
    ("pink", 0xffc0cb),
    ("plum", 0xdda0dd),
    ("powderblue", 0xb0e0e6),
    ("purple", 0x800080),
    ("rebeccapurple", 0x663399),
    ("red", 0xff0000),
    ("rosybrown", 0xbc8f8f),
    ("royalblue", 0x4169e1),
    ("saddlebrown", 0x8b4513),
    ("salmon", 0xfa8072),
    ("sandybrown", 0xf4a460),
    ("seagreen", 0x2e8b57),
    ("seashell", 0xfff5ee),
    ("sienna", 0xa0522d),
    ("silver", 0xc0c0c0),
    ("skyblue", 0x87ceeb),
    ("slateblue", 0x6a5acd),
    ("slategray", 0x708090),
    ("snow", 0xfffafa),
    ("springgreen", 0x00ff7f),
    ("steelblue", 0x4682b4),
    ("tan", 0xd2b48c),
    ("teal", 0x008080),
    ("thistle", 0xd8bfd8),
    ("tomato", 0xff6347),
    ("turquoise", 0x40e0d0),
    ("violet", 0xee82ee),
    ("wheat", 0xf5deb3),
    ("white", 0xffffff),
    ("whitesmoke", 0xf5f5f5),
    ("yellow", 0xffff00),
    ("yellowgreen", 0x9acd32),
];

fn css_name(name: &str) -> Option<u32> {
    CSS_NAMES
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| CSS_NAMES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dark(name: &str) -> Option<Rgb> {
        resolve(name, Theme::Dark).map(|c| c.rgb)
    }

    // Named shades take precedence over CSS names: Grafana "red" is #F2495C, not #ff0000.
    #[test]
    fn named_shades_dark() {
        assert_eq!(dark("red"), Some(Rgb(0xF2, 0x49, 0x5C)));
        assert_eq!(dark("semi-dark-red"), Some(Rgb(0xE0, 0x2F, 0x44)));
        assert_eq!(dark("super-light-green"), Some(Rgb(0xC8, 0xF2, 0xC2)));
        assert_eq!(dark("dark-purple"), Some(Rgb(0x8F, 0x3B, 0xB8)));
        assert_eq!(dark("light-blue"), Some(Rgb(0x8A, 0xB8, 0xFF)));
        assert_eq!(dark("orange"), Some(Rgb(0xFF, 0x98, 0x30)));
        assert_eq!(dark("yellow"), Some(Rgb(0xFA, 0xDE, 0x2A)));
    }

    // The light theme shifts every hue one step darker.
    #[test]
    fn named_shades_light() {
        let light = |n| resolve(n, Theme::Light).map(|c| c.rgb);
        assert_eq!(light("red"), Some(Rgb(0xE0, 0x2F, 0x44)));
        assert_eq!(light("dark-red"), Some(Rgb(0xAD, 0x03, 0x17)));
        assert_eq!(light("green"), Some(Rgb(0x56, 0xA6, 0x4B)));
        assert_eq!(light("dark-green"), Some(Rgb(0x19, 0x73, 0x0E)));
    }

    #[test]
    fn hex_forms() {
        assert_eq!(dark("#fff"), Some(Rgb(255, 255, 255)));
        assert_eq!(dark("#73BF69"), Some(Rgb(0x73, 0xBF, 0x69)));
        let c = resolve("#ff000080", Theme::Dark);
        assert_eq!(c.map(|c| c.rgb), Some(Rgb(255, 0, 0)));
        assert!(c.is_some_and(|c| (c.alpha - 128.0 / 255.0).abs() < 1e-9));
        assert_eq!(dark("#ggg"), None);
        assert_eq!(dark("#12345"), None);
    }

    #[test]
    fn rgb_functions() {
        assert_eq!(dark("rgb(10, 20, 30)"), Some(Rgb(10, 20, 30)));
        let c = resolve("rgba(255, 0, 0, 0.5)", Theme::Dark);
        assert!(c.is_some_and(|c| c.rgb == Rgb(255, 0, 0) && c.alpha == 0.5));
        assert_eq!(dark("rgb(1,2)"), None);
    }

    #[test]
    fn css_and_special_names() {
        assert_eq!(dark("white"), Some(Rgb(255, 255, 255)));
        assert_eq!(dark("DarkOrange"), Some(Rgb(0xff, 0x8c, 0x00)));
        assert!(resolve("transparent", Theme::Dark).is_some_and(|c| c.alpha == 0.0));
        assert_eq!(dark("text"), Some(Rgb(204, 204, 220)));
        assert_eq!(dark("no-such-colour"), None);
        assert_eq!(resolve_rgb("no-such-colour", Theme::Dark), FALLBACK);
        // Transparent blends to the background.
        assert_eq!(
            resolve_rgb("transparent", Theme::Dark),
            Rgb(0x18, 0x1b, 0x1f)
        );
    }

    // palette-classic: green, yellow, blue, orange, red, purple, dark-green, ... then hex colours.
    #[test]
    fn classic_palette_order() {
        assert_eq!(palette_color(0, Theme::Dark), Rgb(0x73, 0xBF, 0x69));
        assert_eq!(palette_color(1, Theme::Dark), Rgb(0xFA, 0xDE, 0x2A));
        assert_eq!(palette_color(2, Theme::Dark), Rgb(0x57, 0x94, 0xF2));
        assert_eq!(palette_color(6, Theme::Dark), Rgb(0x37, 0x87, 0x2D));
        assert_eq!(palette_color(18, Theme::Dark), Rgb(0x44, 0x7E, 0xBC));
        assert_eq!(
            palette_color(64, Theme::Dark),
            palette_color(0, Theme::Dark)
        );
    }

    // Continuous schemes hit their end stops exactly and pass through the middle stop's area.
    #[test]
    fn continuous_schemes() {
        assert_eq!(gr_yl_rd(0.0), Rgb(0x73, 0xBF, 0x69));
        assert_eq!(gr_yl_rd(1.0), Rgb(0xF2, 0x49, 0x5C));
        assert_eq!(rd_yl_gr(0.0), Rgb(0xF2, 0x49, 0x5C));
        assert_eq!(blues(1.0), Rgb(0x1F, 0x60, 0xC4));
        assert_eq!(blues(0.0), Rgb(0x18, 0x1b, 0x1f));
        // B-spline midpoint of green/yellow/red: (g + 4y + r) / 6 per channel, not pure yellow.
        let mid = gr_yl_rd(0.5);
        let expect = |g: u8, y: u8, r: u8| {
            ((f64::from(g) + 4.0 * f64::from(y) + f64::from(r)) / 6.0).round() as u8
        };
        assert_eq!(
            mid,
            Rgb(
                expect(0x73, 0xFA, 0xF2),
                expect(0xBF, 0xDE, 0x49),
                expect(0x69, 0x2A, 0x5C)
            )
        );
        assert!(continuous_color("nope", 0.5, Theme::Dark).is_none());
        assert_eq!(gr_yl_rd(f64::NAN), gr_yl_rd(0.0));
        let _ = (
            bl_yl_rd(0.5),
            yl_rd(0.5),
            bl_pu(0.5),
            yl_bl(0.5),
            reds(0.5),
            greens(0.5),
            purples(0.5),
        );
    }

    // `css_name` binary-searches the table, so it must stay sorted (and free of duplicates).
    #[test]
    fn css_names_are_sorted_and_found() {
        assert!(CSS_NAMES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(css_name("aliceblue"), Some(0xf0f8ff));
        assert_eq!(css_name("lightgreen"), Some(0x90ee90));
        assert_eq!(css_name("lightgrey"), Some(0xd3d3d3));
        assert_eq!(css_name("yellowgreen"), Some(0x9acd32));
        assert_eq!(css_name("notacolour"), None);
    }
}
