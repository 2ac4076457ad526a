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
    TimePicker,
    ZoomOut,
    ZoomIn,
    PanEarlier,
    PanLater,
    Live,
    Variables,
    Inspect,
    Search,
    FocusNextVariable,
    VariableNext,
    VariablePrevious,
    Snapshot,
    SnapshotPanel,
    Compare,
    Alerts,
    /// Drill-down: links of the focused panel, its logs, its service's traces, and from the
    /// exemplar at the cursor to its trace.
    Links,
    Logs,
    Traces,
    ExemplarTrace,
    CopyLink,
    CycleRefresh,
    Dashboards,
    ExplorePrompt,
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

#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    Binding { codes: &[KeyCode::Up, KeyCode::Char('k')], keys: "↑ k", help: "focus the panel above", action: Action::Up },
    Binding { codes: &[KeyCode::Down, KeyCode::Char('j')], keys: "↓ j", help: "focus the panel below", action: Action::Down },
    Binding { codes: &[KeyCode::Left, KeyCode::Char('h')], keys: "← h", help: "focus the panel to the left", action: Action::Left },
    Binding { codes: &[KeyCode::Right, KeyCode::Char('l')], keys: "→ l", help: "focus the panel to the right", action: Action::Right },
    Binding { codes: &[KeyCode::PageDown, KeyCode::Char(' ')], keys: "PgDn space", help: "scroll down a page", action: Action::PageDown },
    Binding { codes: &[KeyCode::PageUp], keys: "PgUp", help: "scroll up a page", action: Action::PageUp },
    Binding { codes: &[KeyCode::Enter], keys: "Enter", help: "focused panel fullscreen (again to leave)", action: Action::Fullscreen },
    Binding { codes: &[KeyCode::Esc], keys: "Esc", help: "leave fullscreen / close overlay", action: Action::Back },
    Binding { codes: &[KeyCode::Char('c')], keys: "c", help: "collapse / expand the focused panel's row", action: Action::ToggleRow },
    Binding { codes: &[KeyCode::Char('t')], keys: "t", help: "time range: quick ranges", action: Action::TimePicker },
    Binding { codes: &[KeyCode::Char('-'), KeyCode::Char('z')], keys: "- z", help: "zoom out (twice the range)", action: Action::ZoomOut },
    Binding { codes: &[KeyCode::Char('+'), KeyCode::Char('=')], keys: "+", help: "zoom in (half the range)", action: Action::ZoomIn },
    Binding { codes: &[KeyCode::Char('[')], keys: "[", help: "earlier by half a range", action: Action::PanEarlier },
    Binding { codes: &[KeyCode::Char(']')], keys: "]", help: "later by half a range", action: Action::PanLater },
    Binding { codes: &[KeyCode::Char('n')], keys: "n", help: "back to the live range", action: Action::Live },
    Binding { codes: &[KeyCode::Char('v')], keys: "v", help: "variables: pick values (type to filter)", action: Action::Variables },
    Binding { codes: &[KeyCode::Char('i')], keys: "i", help: "inspect the focused panel: queries, step, data", action: Action::Inspect },
    Binding { codes: &[KeyCode::Char('/')], keys: "/", help: "jump to a panel by title", action: Action::Search },
    Binding { codes: &[KeyCode::Char('d')], keys: "d", help: "dashboards: switch (type to filter)", action: Action::Dashboards },
    Binding { codes: &[KeyCode::Char('e')], keys: "e", help: "explore: run an ad-hoc PromQL query", action: Action::ExplorePrompt },
    Binding { codes: &[KeyCode::Tab], keys: "Tab", help: "next variable in the header", action: Action::FocusNextVariable },
    Binding { codes: &[KeyCode::Char('}')], keys: "}", help: "that variable's next value", action: Action::VariableNext },
    Binding { codes: &[KeyCode::Char('{')], keys: "{", help: "that variable's previous value", action: Action::VariablePrevious },
    Binding { codes: &[KeyCode::Char('a')], keys: "a", help: "alerts: pending and firing, Enter jumps to the panel and time", action: Action::Alerts },
    Binding { codes: &[KeyCode::Char('L')], keys: "L", help: "links of the focused panel: data, panel and dashboard links", action: Action::Links },
    Binding { codes: &[KeyCode::Char('g')], keys: "g", help: "logs of the focused panel (Loki; / filters; Explore URL)", action: Action::Logs },
    Binding { codes: &[KeyCode::Char('T')], keys: "T", help: "traces of the panel's service (Jaeger); Enter: waterfall", action: Action::Traces },
    Binding { codes: &[KeyCode::Char('x')], keys: "x", help: "fullscreen: the exemplar at the cursor (or slowest) → trace", action: Action::ExemplarTrace },
    Binding { codes: &[KeyCode::Char('y')], keys: "y", help: "copy the Grafana URL of this view (OSC 52, works over SSH)", action: Action::CopyLink },
    Binding { codes: &[KeyCode::Char('o')], keys: "o", help: "compare the focused panel with 1 day / 1 week ago", action: Action::Compare },
    Binding { codes: &[KeyCode::Char('s')], keys: "s", help: "snapshot the screen to a text file and the clipboard, for the ticket", action: Action::Snapshot },
    Binding { codes: &[KeyCode::Char('S')], keys: "S", help: "snapshot only the focused panel (file and clipboard)", action: Action::SnapshotPanel },
    Binding { codes: &[KeyCode::Char('R')], keys: "R", help: "next auto-refresh interval (then off)", action: Action::CycleRefresh },
    Binding { codes: &[KeyCode::Char('r')], keys: "r", help: "refresh now", action: Action::Refresh },
    Binding { codes: &[KeyCode::Char('?')], keys: "?", help: "this help", action: Action::Help },
    Binding { codes: &[KeyCode::Char('q')], keys: "q Ctrl-C", help: "quit", action: Action::Quit },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_key_and_no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for binding in KEYMAP {
            for code in binding.codes {
                assert!(!seen.contains(code), "{code:?} bound twice");
                seen.push(*code);
            }
        }
        for action in [
            Action::TimePicker,
            Action::Variables,
            Action::Inspect,
            Action::Search,
            Action::ZoomOut,
            Action::Live,
        ] {
            assert!(
                KEYMAP.iter().any(|b| b.action == action),
                "{action:?} has no key"
            );
        }
    }
}
