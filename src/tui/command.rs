//! What the app asks of the event loop after a key: the loop owns the engine, the terminal and
//! the clipboard, the app only says what it wants (no flags for the loop to poll).

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    None,
    Quit,
    /// Query every panel again.
    Refresh,
    /// A variable changed: re-query only the panels whose queries changed with it.
    RefreshChanged,
    /// Auto-refresh at this interval, or off.
    SetAutoRefresh(Option<Duration>),
    /// Put this link on the clipboard of the user's terminal.
    CopyLink(String),
    /// The screen (or only the focused panel) as text, to the clipboard and a file.
    Snapshot {
        panel_only: bool,
    },
    /// Show the session's dashboard with this index.
    SwitchDashboard(usize),
    /// Run an ad-hoc expression as its own page.
    Explore(String),
    /// Run an ad-hoc expression as an instant query, shown as a table.
    ExploreInstant(String),
    /// Fetch the alerts pane's data.
    FetchAlerts,
}
