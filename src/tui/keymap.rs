//! Keys as data: the event loop and the help overlay read the same table.

use ratatui::crossterm::event::KeyCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Fullscreen,
    Back,
    ToggleRow,
    Refresh,
    Help,
    Quit,
    None,
}

pub struct Binding {
    pub codes: &'static [KeyCode],
    /// How the keys are written in the help overlay.
    pub keys: &'static str,
    pub help: &'static str,
    pub action: Action,
}

impl Binding {
    pub fn matches(&self, code: KeyCode) -> bool {
        self.codes.contains(&code)
    }
}

pub const KEYMAP: &[Binding] = &[
    Binding {
        codes: &[KeyCode::Up, KeyCode::Char('k')],
        keys: "↑ k",
        help: "focus the panel above",
        action: Action::Up,
    },
    Binding {
        codes: &[KeyCode::Down, KeyCode::Char('j')],
        keys: "↓ j",
        help: "focus the panel below",
        action: Action::Down,
    },
    Binding {
        codes: &[KeyCode::Left, KeyCode::Char('h')],
        keys: "← h",
        help: "focus the panel to the left",
        action: Action::Left,
    },
    Binding {
        codes: &[KeyCode::Right, KeyCode::Char('l')],
        keys: "→ l",
        help: "focus the panel to the right",
        action: Action::Right,
    },
    Binding {
        codes: &[KeyCode::PageDown, KeyCode::Char(' ')],
        keys: "PgDn space",
        help: "scroll down a page",
        action: Action::PageDown,
    },
    Binding {
        codes: &[KeyCode::PageUp],
        keys: "PgUp",
        help: "scroll up a page",
        action: Action::PageUp,
    },
    Binding {
        codes: &[KeyCode::Enter],
        keys: "Enter",
        help: "focused panel fullscreen (again to leave)",
        action: Action::Fullscreen,
    },
    Binding {
        codes: &[KeyCode::Esc],
        keys: "Esc",
        help: "leave fullscreen / close overlay",
        action: Action::Back,
    },
    Binding {
        codes: &[KeyCode::Char('c')],
        keys: "c",
        help: "collapse / expand the focused panel's row",
        action: Action::ToggleRow,
    },
    Binding {
        codes: &[KeyCode::Char('r')],
        keys: "r",
        help: "refresh now",
        action: Action::Refresh,
    },
    Binding {
        codes: &[KeyCode::Char('?')],
        keys: "?",
        help: "this help",
        action: Action::Help,
    },
    Binding {
        codes: &[KeyCode::Char('q')],
        keys: "q Ctrl-C",
        help: "quit",
        action: Action::Quit,
    },
];
