//! Colours of the user interface itself (panel data colours come resolved in view models).

use ratatui::style::Color;

use crate::view::Rgb;

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

impl Theme {
    /// Grafana's dark theme greys.
    pub fn grafana_dark() -> Self {
        Theme {
            text: Color::Rgb(204, 204, 220),
            dim: Color::Rgb(142, 142, 160),
            border: Color::Rgb(70, 72, 82),
            border_focused: Color::Rgb(110, 159, 255),
            title: Color::Rgb(220, 220, 230),
            error: Color::Rgb(242, 73, 92),
            warning: Color::Rgb(255, 152, 48),
            row_header: Color::Rgb(220, 220, 230),
            status_bg: Color::Rgb(34, 37, 43),
            colour: true,
        }
    }

    pub fn mono() -> Self {
        Theme {
            text: Color::Reset,
            dim: Color::Reset,
            border: Color::Reset,
            border_focused: Color::Reset,
            title: Color::Reset,
            error: Color::Reset,
            warning: Color::Reset,
            row_header: Color::Reset,
            status_bg: Color::Reset,
            colour: false,
        }
    }

    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            "grafana-dark" | "dark" | "default" => Some(Self::grafana_dark()),
            "mono" | "none" => Some(Self::mono()),
            _ => None,
        }
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
