//! The terminal user interface: layout, widgets, theme and the interactive loop.

pub mod layout;
pub mod theme;
pub mod widgets;
