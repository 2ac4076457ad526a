//! The interactive loop: keys, engine events and refresh ticks go to the one owner of state;
//! the screen is redrawn only when something changed. The terminal is restored on every exit,
//! panics included (ratatui's init installs the hook).

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc;

use super::app::App;
use super::command::Command;
use super::drill::Request;
use super::overlay::AlertsState;
use super::overlay::{ExploreQuery, to_dashboard};
use super::page::{Page, ViewState};
use super::session::{DashboardRef, SessionSettings};
use crate::engine::drill::DrillAnswer;
use crate::engine::refresh::{RefreshInput, WantedPanels};
use crate::engine::session::{EngineEvent, Session};
use crate::grafana::model::Dashboard;
use std::collections::BTreeMap;

mod explore;

/// Builds the refresh request for the user's choices at a terminal width.
pub type MakeRequest = Box<dyn Fn(&ViewState) -> RefreshInput + Send>;

/// One dashboard the session can show: how to make its page and its refresh requests.
pub struct DashboardEntry {
    pub title: String,
    /// Its Grafana uid, so a dashboard link (`/d/<uid>`) to it switches to it in the session.
    pub uid: Option<String>,
    pub make_page: Box<dyn Fn() -> Page + Send>,
    pub make_request: MakeRequest,
    /// The file it was loaded from, when it was (Explore saves added panels beside it).
    pub source_file: Option<std::path::PathBuf>,
}

/// Loads a listed dashboard (off the UI loop), making its entry.
pub type LoadEntry =
    Box<dyn Fn() -> futures::future::BoxFuture<'static, Result<DashboardEntry, String>> + Send>;

/// A dashboard the switcher lists but that is only loaded when chosen (Grafana's).
pub struct ListedEntry {
    pub title: String,
    pub uid: Option<String>,
    pub load: LoadEntry,
}

/// What the loop needs besides the app.
pub struct Controller {
    /// The engine: every request (panels, drill-downs, alerts) runs there.
    pub session: Session,
    pub events: mpsc::UnboundedReceiver<EngineEvent>,
    /// Settings of the whole session (the dashboard list is filled in from the entries).
    pub settings: SessionSettings,
    pub entries: Vec<DashboardEntry>,
    /// Listed after `entries` in the switcher; loaded on selection.
    pub listed: Vec<ListedEntry>,
    /// Builds an entry showing an Explore query's one-panel dashboard.
    pub make_explore: Box<dyn Fn(Dashboard) -> DashboardEntry + Send>,
}

/// What the session leaves behind for the shell (`view --print-link`).
#[derive(Debug, Default)]
pub struct Exit {
    /// The Grafana URL of the view on screen when the user quit.
    pub link: String,
    /// Every URL copied with `y`, oldest first.
    pub copied_links: Vec<String>,
}

/// Run the TUI until the user quits or a termination signal arrives.
pub async fn run(mut controller: Controller) -> std::io::Result<Exit> {
    use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
    use ratatui::crossterm::execute;
    let mut terminal = ratatui::init();
    // Mouse where the terminal has one; keys do everything without it. A panic must give the
    // mouse back too (ratatui's hook, run after this one, restores the rest).
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    let result = event_loop(&mut terminal, &mut controller).await;
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

/// The app on screen, the pages of the other dashboards kept for when the user comes back, and
/// what the loop tracks between events.
struct Workspace {
    current: usize,
    app: App,
    saved: Vec<Option<Page>>,
    width: u16,
    height: u16,
    /// The last refresh sent in full: panels that come into view later ask with its range.
    last_request: Option<RefreshInput>,
    /// That refresh ran to the end, so the engine holds the variables it resolved.
    variables_ready: bool,
    ticker: Option<tokio::time::Interval>,
    /// Failed panels are retried by themselves, sooner than the dashboard refresh, backing off.
    retry: Option<tokio::time::Instant>,
    backoff: Duration,
    /// The listed dashboard being fetched, if any.
    loading: Option<String>,
    copied_links: Vec<String>,
    /// Explore pages (entry index) and the dashboard each was opened from.
    explore_origin: BTreeMap<usize, usize>,
    /// Queries added as panels this session, by dashboard entry, oldest first.
    added: BTreeMap<usize, Vec<ExploreQuery>>,
}

impl Workspace {
    fn new(controller: &mut Controller, (width, height): (u16, u16)) -> Self {
        let mut settings = controller.settings.clone();
        settings.dashboards = dashboard_refs(controller);
        let page = (controller.entries[0].make_page)();
        let mut workspace = Workspace {
            current: 0,
            app: App::with_session(settings, page),
            saved: (0..controller.entries.len()).map(|_| None).collect(),
            width,
            height,
            last_request: None,
            variables_ready: false,
            ticker: None,
            retry: None,
            backoff: FIRST_RETRY,
            loading: None,
            copied_links: Vec::new(),
            explore_origin: BTreeMap::new(),
            added: BTreeMap::new(),
        };
        workspace.ticker = ticker_for(workspace.auto_refresh());
        workspace
    }

    /// The page's auto-refresh interval: the one its status line shows (the dashboard's or
    /// `--refresh` at first, then what `R` picked on it), so a page switched back to ticks as
    /// it says.
    fn auto_refresh(&self) -> Option<Duration> {
        self.app
            .page
            .status
            .refresh
            .as_deref()
            .and_then(crate::grafana::timerange::parse_refresh)
            .filter(|every| !every.is_zero())
    }

    /// Show another dashboard, keeping the current page for when the user comes back. The
    /// session (URLs, theme, the dashboard list) stays as it is.
    fn switch(&mut self, controller: &mut Controller, to: usize) {
        if to == self.current || to >= controller.entries.len() {
            return;
        }
        self.saved.resize_with(controller.entries.len(), || None);
        let next = self.saved[to]
            .take()
            .unwrap_or_else(|| (controller.entries[to].make_page)());
        let previous = self.app.replace_page(next);
        self.saved[self.current] = Some(previous);
        self.current = to;
        self.app.session.dashboards = dashboard_refs(controller);
        self.ticker = ticker_for(self.auto_refresh());
        self.refresh(controller, false);
    }

    /// Ask the engine for the data of the panels in view (only what changed, after a variable
    /// change); the others are asked when they come into view.
    fn refresh(&mut self, controller: &mut Controller, keep_unchanged: bool) {
        let entry = &controller.entries[self.current];
        let mut request = (entry.make_request)(&self.app.page.view_state);
        request.keep_unchanged = keep_unchanged;
        let in_view = self.app.page.panels_in_view(self.width, self.height);
        self.app.page.start_loading(&in_view);
        request.wanted = Some(WantedPanels {
            indices: in_view,
            panel_count: self.app.page.views.len(),
            same_variables: false,
        });
        self.last_request = Some(request.clone());
        self.variables_ready = false;
        controller.session.refresh(request);
    }

    /// Panels that came into view (a scroll, an expanded row, fullscreen, a larger terminal)
    /// and were not asked since the last refresh are asked now, over that refresh's range and
    /// with its variables. Returns whether a request was sent.
    fn load_newly_visible(&mut self, controller: &mut Controller) -> bool {
        let Some(last) = &self.last_request else {
            return false;
        };
        let in_view = self.app.page.panels_in_view(self.width, self.height);
        let Some(wanted) = self.app.page.newly_in_view(&in_view) else {
            return false;
        };
        let mut request = last.clone();
        request.keep_unchanged = false;
        request.wanted = Some(WantedPanels {
            indices: wanted.clone(),
            panel_count: self.app.page.views.len(),
            same_variables: self.variables_ready,
        });
        self.app.page.mark_asked(&wanted);
        controller.session.refresh(request);
        true
    }

    /// Add an entry (Explore, or a listed dashboard just loaded) and show it.
    fn open_new(&mut self, controller: &mut Controller, entry: DashboardEntry) {
        controller.entries.push(entry);
        let to = controller.entries.len() - 1;
        self.switch(controller, to);
    }

    fn copied(&mut self, text: String) {
        self.copied_links.retain(|l| l != &text);
        self.copied_links.push(text);
    }
}

fn dashboard_refs(controller: &Controller) -> Vec<DashboardRef> {
    controller
        .entries
        .iter()
        .map(|e| DashboardRef {
            title: e.title.clone(),
            uid: e.uid.clone(),
        })
        .chain(controller.listed.iter().map(|l| DashboardRef {
            title: l.title.clone(),
            uid: l.uid.clone(),
        }))
        .collect()
}

fn ticker_for(every: Option<Duration>) -> Option<tokio::time::Interval> {
    every.map(|every| {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    })
}

/// Whether the loop goes on after an event.
enum Flow {
    Continue,
    Quit,
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    controller: &mut Controller,
) -> std::io::Result<Exit> {
    let (input_tx, mut input_rx) = mpsc::unbounded_channel();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let input_thread = spawn_input_reader(input_tx, stop.clone());
    let mut terminate = termination_signal();
    let (loaded_tx, mut loaded_rx) = mpsc::unbounded_channel();
    let size = terminal.size()?;
    let mut ws = Workspace::new(controller, (size.width, size.height));
    ws.refresh(controller, false);
    let mut dirty = true;
    loop {
        dirty |= start_drill_requests(&mut ws, controller);
        for (ticket, request) in ws.app.take_completion_requests() {
            controller.session.complete(ticket, request);
        }
        if dirty {
            draw(terminal, &mut ws.app)?;
            dirty = false;
        }
        tokio::select! {
            input = input_rx.recv() => {
                // No more input: the terminal is gone.
                let Some(input) = input else { break };
                match on_input(input, &mut ws, controller, terminal, &loaded_tx)? {
                    Flow::Quit => break,
                    Flow::Continue => dirty = true,
                }
                ws.load_newly_visible(controller);
            }
            Some(event) = controller.events.recv() => {
                let resolved = matches!(event, EngineEvent::Resolved { .. });
                dirty |= on_engine_event(event, &mut ws, controller);
                // Repeats may have changed which panels are in view.
                if resolved {
                    ws.load_newly_visible(controller);
                }
            }
            Some((title, loaded)) = loaded_rx.recv() => {
                ws.loading = None;
                match loaded {
                    Ok(entry) => {
                        controller.listed.retain(|l| l.title != title);
                        ws.open_new(controller, entry);
                    }
                    Err(e) => ws.app.page.status.message = Some(format!("cannot open {title}: {e}")),
                }
                dirty = true;
            }
            _ = tick(&mut ws.ticker) => ws.refresh(controller, false),
            _ = sleep_until(ws.retry) => {
                ws.retry = None;
                ws.refresh(controller, false);
            }
            _ = terminate.recv() => break,
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    // Not joined: when the terminal has gone away crossterm's poll never returns (it spins on
    // the hung-up tty), and the process is about to exit anyway.
    drop(input_thread);
    Ok(Exit {
        link: ws.app.grafana_link(),
        copied_links: ws.copied_links,
    })
}

/// Draw a frame, then make every URL on screen clickable (OSC 8) where the terminal can.
fn draw(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    let frame = terminal.draw(|frame| app.draw(frame))?;
    let whole = app.drill.urls();
    let links: Vec<(u16, u16, String, String)> = super::drill::find_urls(frame.buffer)
        .into_iter()
        .map(|(row, column, shown)| {
            let full = whole.iter().find(|w| w.starts_with(&shown)).cloned();
            let target = full.unwrap_or_else(|| shown.clone());
            (row, column, shown, target)
        })
        .collect();
    write_hyperlinks(&links);
    Ok(())
}

fn on_input(
    input: Event,
    ws: &mut Workspace,
    controller: &mut Controller,
    terminal: &ratatui::DefaultTerminal,
    loaded_tx: &mpsc::UnboundedSender<(String, Result<DashboardEntry, String>)>,
) -> std::io::Result<Flow> {
    match input {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            let command = ws.app.handle_key(key);
            return run_command(command, ws, controller, terminal, loaded_tx);
        }
        Event::Mouse(mouse) => {
            ws.app.handle_mouse(mouse);
        }
        // The step does not depend on the terminal (panels ask with Grafana's width): a new
        // size only brings panels into view, which the loop then asks for.
        Event::Resize(new_width, new_height) => {
            ws.width = new_width;
            ws.height = new_height;
        }
        _ => {}
    }
    Ok(Flow::Continue)
}

/// Carry out what the app asked for.
fn run_command(
    command: Command,
    ws: &mut Workspace,
    controller: &mut Controller,
    terminal: &ratatui::DefaultTerminal,
    loaded_tx: &mpsc::UnboundedSender<(String, Result<DashboardEntry, String>)>,
) -> std::io::Result<Flow> {
    match command {
        Command::None => {}
        Command::Quit => return Ok(Flow::Quit),
        Command::Refresh => ws.refresh(controller, false),
        Command::RefreshChanged => ws.refresh(controller, true),
        Command::SetAutoRefresh(every) => ws.ticker = ticker_for(every),
        Command::CopyLink(link) => {
            // The terminal puts it on the clipboard; the status line shows it.
            copy_to_clipboard(&link);
            ws.copied(link);
        }
        Command::FetchAlerts => controller.session.alerts(),
        Command::Snapshot { panel_only } => {
            let size = terminal.size()?;
            let text = if panel_only {
                ws.app.panel_snapshot_text(size.width, size.height)
            } else {
                ws.app.snapshot_text(size.width, size.height)
            };
            // To the clipboard too (OSC 52), ready to paste into the ticket.
            copy_to_clipboard(&text);
            ws.app.page.status.message = Some(match write_snapshot(&text) {
                Ok(path) => format!("snapshot copied and written to {}", path.display()),
                Err(e) => format!("snapshot copied; file not written: {e}"),
            });
        }
        Command::SwitchDashboard(to) => match to.checked_sub(controller.entries.len()) {
            Some(listed) => load_listed(ws, controller, listed, loaded_tx),
            None => ws.switch(controller, to),
        },
        Command::Explore(query) => ws.show_explore(controller, *query),
        Command::AddToDashboard(query) => {
            ws.app.page.status.message = Some(match ws.add_to_origin(controller, &query) {
                Ok((title, _)) => format!(
                    "added as the top panel of {title} (d switches to it) · s saves it to a file"
                ),
                Err(e) => e,
            });
        }
        Command::SaveDashboard(query) => {
            ws.app.page.status.message = Some(match ws.save_origin(controller, &query) {
                Ok(message) => message,
                Err(e) => format!("not saved: {e}"),
            });
        }
    }
    Ok(Flow::Continue)
}

/// A dashboard the switcher lists is fetched in the background; the loop keeps answering keys.
fn load_listed(
    ws: &mut Workspace,
    controller: &Controller,
    index: usize,
    loaded_tx: &mpsc::UnboundedSender<(String, Result<DashboardEntry, String>)>,
) {
    let Some(listed) = controller.listed.get(index) else {
        return;
    };
    if ws.loading.as_ref() == Some(&listed.title) {
        return;
    }
    ws.app.page.status.message = Some(format!("opening {}…", listed.title));
    ws.loading = Some(listed.title.clone());
    let (title, load, tx) = (listed.title.clone(), (listed.load)(), loaded_tx.clone());
    tokio::spawn(async move {
        let _ = tx.send((title, load.await));
    });
}

/// An engine event: refresh events of the current generation go to the page, drill-down and
/// alert answers to their panes. Returns whether the screen changed.
fn on_engine_event(event: EngineEvent, ws: &mut Workspace, controller: &Controller) -> bool {
    match event {
        EngineEvent::Drill { ticket, answer } => {
            let exemplars_of = match &answer {
                DrillAnswer::Exemplars(panel, _) => Some(*panel),
                _ => None,
            };
            let changed = ws.app.drill.apply(ticket, answer);
            if changed && let Some(panel) = exemplars_of {
                ws.app.mark_exemplars(panel);
            }
            changed
        }
        EngineEvent::Completion {
            request, answer, ..
        } => {
            ws.app.completions.answered(request, answer);
            true
        }
        EngineEvent::Alerts(answer) => {
            ws.app.alerts = match answer {
                Ok((alerts, partial)) => AlertsState::Loaded(alerts, partial),
                Err(e) => AlertsState::Failed(e),
            };
            true
        }
        event if event.generation() == Some(controller.session.generation()) => {
            let done = matches!(event, EngineEvent::Done { .. });
            ws.app.apply(event);
            if done {
                ws.variables_ready = true;
                let every = ws.auto_refresh();
                ws.retry = retry_after_failures(&mut ws.app, &mut ws.backoff, every);
            }
            true
        }
        _ => false,
    }
}

/// Hand the drill pane's new requests on: fetches to the engine, opening a browser to a
/// blocking thread, copies straight to the terminal. Returns whether any was taken.
fn start_drill_requests(ws: &mut Workspace, controller: &Controller) -> bool {
    let requests = ws.app.drill.take_requests();
    let any = !requests.is_empty();
    for (ticket, request) in requests {
        match request {
            Request::Fetch(fetch) => controller.session.drill(ticket, fetch),
            Request::Copy { text } => {
                copy_to_clipboard(&text);
                ws.app.page.status.message = Some(format!("copied: {text}"));
                ws.copied(text);
            }
            Request::Open { url } => open_url(ws, url),
        }
    }
    any
}

fn open_url(ws: &mut Workspace, url: String) {
    match crate::links::open::browser_command(&|k| std::env::var(k).ok()) {
        Some(browser) => {
            ws.app.page.status.message = Some(format!("opening in {browser}: {url}"));
            tokio::task::spawn_blocking(move || {
                let _ = crate::links::open::open_in_browser(&browser, &url);
            });
        }
        None => {
            // No local browser (an SSH session): the clipboard of the user's terminal.
            copy_to_clipboard(&url);
            ws.app.page.status.message = Some(format!("no browser here; copied: {url}"));
            ws.copied(url);
        }
    }
}

/// OSC 8 over each URL already drawn at (row, column): the same text, now a link to the whole
/// URL. The cursor
/// is saved and restored so the frame ratatui drew is untouched.
fn write_hyperlinks(links: &[(u16, u16, String, String)]) {
    use std::io::Write;
    if links.is_empty() || std::env::var_os("TRIAGE_NO_HYPERLINKS").is_some() {
        return;
    }
    let mut out = String::new();
    for (row, column, shown, target) in links {
        out.push_str(&format!("\u{1b}7\u{1b}[{};{}H", row + 1, column + 1));
        // The text is what is already there (the start of the URL when the screen cut it).
        out.push_str(&crate::links::osc8_link(target, shown));
        out.push_str("\u{1b}8");
    }
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Put text on the clipboard of the terminal the user sits at (OSC 52; through tmux too).
fn copy_to_clipboard(text: &str) {
    use std::io::Write;
    let inside_tmux = std::env::var_os("TMUX").is_some();
    let sequence = crate::links::osc52_copy(text, inside_tmux);
    let mut out = std::io::stdout();
    let _ = out
        .write_all(sequence.as_bytes())
        .and_then(|()| out.flush());
}

/// Write a snapshot to `$TRIAGE_SNAPSHOT_DIR` (default: the current directory).
fn write_snapshot(text: &str) -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::var_os("TRIAGE_SNAPSHOT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| ".".into());
    let path = dir.join(format!(
        "triage-snapshot-{}.txt",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    std::fs::write(&path, text)?;
    Ok(path)
}

/// First retry after a refresh with failed panels; doubled each time up to `LAST_RETRY`.
const FIRST_RETRY: Duration = Duration::from_secs(5);
const LAST_RETRY: Duration = Duration::from_secs(60);

/// When to retry after a refresh: never if all went well (backoff resets), else after the
/// backoff unless the dashboard's own refresh comes sooner. Says so in the status line.
fn retry_after_failures(
    app: &mut App,
    backoff: &mut Duration,
    every: Option<Duration>,
) -> Option<tokio::time::Instant> {
    let failed = app.failed_panels();
    let message = &mut app.page.status.message;
    if failed == 0 {
        *backoff = FIRST_RETRY;
        if message.as_deref().is_some_and(|m| m.contains("retrying")) {
            *message = None;
        }
        return None;
    }
    let wait = *backoff;
    *backoff = (*backoff * 2).min(LAST_RETRY);
    if every.is_some_and(|e| e <= wait) {
        return None;
    }
    *message = Some(format!(
        "{failed} panels failed · retrying in {}s",
        wait.as_secs()
    ));
    Some(tokio::time::Instant::now() + wait)
}

async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending::<()>().await,
    }
}

async fn tick(ticker: &mut Option<tokio::time::Interval>) {
    match ticker {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending::<()>().await,
    }
}

/// Terminal input is read on a plain thread (crossterm's reader blocks) and forwarded.
fn spawn_input_reader(
    tx: mpsc::UnboundedSender<Event>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        // A terminal that went away (SSH dropped, tmux killed) makes poll return at once with
        // nothing to read, forever. Many such returns in a row mean the terminal is gone: stop,
        // and the closed channel tells the loop to quit instead of spinning.
        let mut instant_returns = 0;
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let started = std::time::Instant::now();
            match event::poll(Duration::from_millis(100)) {
                Ok(true) => match event::read() {
                    Ok(ev) => {
                        instant_returns = 0;
                        if tx.send(ev).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) if started.elapsed() < Duration::from_millis(50) => {
                    instant_returns += 1;
                    if instant_returns > 100 {
                        return;
                    }
                }
                Ok(false) => instant_returns = 0,
                Err(_) => return,
            }
        }
    })
}

/// SIGTERM and SIGHUP end the session cleanly (Ctrl-C arrives as a key in raw mode).
fn termination_signal() -> mpsc::UnboundedReceiver<()> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
        }
        let _ = tx.send(());
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::datasources::Datasources;
    use crate::grafana::timerange::TimeRange;
    use crate::net::{PromClient, PromConfig};
    use crate::tui::page::StatusInfo;
    use crate::tui::theme::Theme;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};

    /// A dashboard entry whose page says it refreshes every `refresh` (as `--refresh` or the
    /// dashboard's own would).
    fn entry(title: &str, refresh: Option<&str>) -> DashboardEntry {
        let dashboard = std::sync::Arc::new(Dashboard {
            title: title.into(),
            ..Dashboard::default()
        });
        let for_page = dashboard.clone();
        let refresh = refresh.map(String::from);
        DashboardEntry {
            title: title.into(),
            uid: None,
            make_page: Box::new(move || {
                let status = StatusInfo {
                    refresh: refresh.clone(),
                    ..StatusInfo::default()
                };
                Page::new(for_page.clone(), status, ViewState::new("now-1h", "now"))
            }),
            make_request: Box::new(move |_| RefreshInput {
                dashboard: dashboard.clone(),
                overrides: BTreeMap::new(),
                selections: BTreeMap::new(),
                range: TimeRange::resolve("now-1h", "now", chrono::Utc::now()).unwrap(),
                scrape_interval: None,
                compare: None,
                keep_unchanged: false,
                wanted: None,
            }),
            source_file: None,
        }
    }

    fn ticks_every(ws: &Workspace) -> Option<Duration> {
        ws.ticker.as_ref().map(tokio::time::Interval::period)
    }

    #[tokio::test]
    async fn a_page_switched_back_to_ticks_at_the_interval_it_shows() {
        let config = PromConfig::new("http://127.0.0.1:1");
        let (session, events) =
            Session::with_datasources(Datasources::single(PromClient::new(config).unwrap()));
        let mut controller = Controller {
            session,
            events,
            settings: SessionSettings::new(Theme::grafana_dark()),
            entries: vec![entry("A", Some("10s")), entry("B", None)],
            listed: Vec::new(),
            make_explore: Box::new(|_| entry("Explore", None)),
        };
        let mut ws = Workspace::new(&mut controller, (120, 40));
        assert_eq!(ticks_every(&ws), Some(Duration::from_secs(10)));
        ws.switch(&mut controller, 1);
        assert_eq!(ticks_every(&ws), None);
        ws.switch(&mut controller, 0);
        assert_eq!(ticks_every(&ws), Some(Duration::from_secs(10)));
        // `R` on A picks the next interval of Grafana's list; B and back keeps it.
        let command = ws.app.handle_key(KeyEvent::from(KeyCode::Char('R')));
        let Command::SetAutoRefresh(every) = command else {
            panic!("R answered {command:?}");
        };
        assert_eq!(every, Some(Duration::from_secs(30)));
        ws.ticker = ticker_for(every);
        ws.switch(&mut controller, 1);
        ws.switch(&mut controller, 0);
        assert_eq!(ws.app.page.status.refresh.as_deref(), Some("30s"));
        assert_eq!(ticks_every(&ws), Some(Duration::from_secs(30)));
    }
}
