//! What the app asks of the event loop after a key: the loop owns the engine, the terminal and
//! the clipboard, the app only says what it wants (no flags for the loop to poll).

use std::time::Duration;

use super::overlay::ExploreQuery;

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
    /// Run an Explore query as its own page (replacing the Explore page on screen).
    Explore(Box<ExploreQuery>),
    /// Add the Explore page's query as a panel of the dashboard Explore was opened from.
    AddToDashboard(Box<ExploreQuery>),
    /// Save that dashboard with its added panels (the query added first if it is not yet).
    SaveDashboard(Box<ExploreQuery>),
    /// Fetch the alerts pane's data.
    FetchAlerts,
}
