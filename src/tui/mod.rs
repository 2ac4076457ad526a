//! The terminal user interface: layout, widgets, theme and the interactive loop.

pub mod app;
pub mod ascii;
pub mod colour_depth;
pub mod colour_vision;
pub mod command;
pub mod drill;
pub mod frame_text;
pub mod keymap;
pub mod layout;
pub mod overlay;
pub mod page;
pub mod run;
pub mod session;
pub mod theme;
pub mod timenav;
pub mod widgets;
