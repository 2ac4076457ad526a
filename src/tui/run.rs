//! The interactive loop: keys, engine events and refresh ticks go to the one owner of state;
//! the screen is redrawn only when something changed. The terminal is restored on every exit,
//! panics included (ratatui's init installs the hook).

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc;

use super::app::{App, ViewState};
use super::keymap::Action;
use super::overlay::AlertsState;
use crate::engine::refresh::RefreshInput;
use crate::engine::session::{EngineEvent, Session};

/// Builds the refresh request for the user's choices at a terminal width.
pub type MakeRequest = Box<dyn Fn(&ViewState, u16) -> RefreshInput + Send>;

/// One dashboard the session can show: how to make its app and its refresh requests.
pub struct DashboardEntry {
    pub title: String,
    /// Its Grafana uid, so a dashboard link (`/d/<uid>`) to it switches to it in the session.
    pub uid: Option<String>,
    pub make_app: Box<dyn Fn() -> App + Send>,
    pub make_request: MakeRequest,
    pub refresh_every: Option<Duration>,
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
    pub session: Session,
    pub events: mpsc::UnboundedReceiver<EngineEvent>,
    pub entries: Vec<DashboardEntry>,
    /// Listed after `entries` in the switcher; loaded on selection.
    pub listed: Vec<ListedEntry>,
    /// Builds an entry showing one ad-hoc PromQL expression (Explore).
    pub make_explore: Box<dyn Fn(&str) -> DashboardEntry + Send>,
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

/// The dashboards of a session and the state kept for each while another is shown.
struct Workspace {
    current: usize,
    app: App,
    saved: Vec<Option<App>>,
    explore_history: Vec<String>,
}

impl Workspace {
    fn new(controller: &Controller) -> Self {
        let mut app = (controller.entries[0].make_app)();
        app.dashboards = titles(controller);
        app.dashboard_uids = uids(controller);
        Workspace {
            current: 0,
            app,
            saved: (0..controller.entries.len()).map(|_| None).collect(),
            explore_history: Vec::new(),
        }
    }

    /// Show another dashboard, keeping the current one's state for when the user comes back.
    fn switch(&mut self, controller: &Controller, to: usize) {
        if to == self.current || to >= controller.entries.len() {
            return;
        }
        self.saved.resize_with(controller.entries.len(), || None);
        let next = self.saved[to]
            .take()
            .unwrap_or_else(|| (controller.entries[to].make_app)());
        let previous = std::mem::replace(&mut self.app, next);
        self.saved[self.current] = Some(previous);
        self.current = to;
        self.app.dashboards = titles(controller);
        self.app.dashboard_uids = uids(controller);
        self.app.explore_history = self.explore_history.clone();
    }
}

fn titles(controller: &Controller) -> Vec<String> {
    controller
        .entries
        .iter()
        .map(|e| e.title.clone())
        .chain(controller.listed.iter().map(|l| l.title.clone()))
        .collect()
}

/// The uids of the session's dashboards, in the order of `titles`.
fn uids(controller: &Controller) -> Vec<Option<String>> {
    controller
        .entries
        .iter()
        .map(|e| e.uid.clone())
        .chain(controller.listed.iter().map(|l| l.uid.clone()))
        .collect()
}

fn ticker_for(every: Option<Duration>) -> Option<tokio::time::Interval> {
    every.map(|every| {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    })
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    controller: &mut Controller,
) -> std::io::Result<Exit> {
    let mut copied_links: Vec<String> = Vec::new();
    let (input_tx, mut input_rx) = mpsc::unbounded_channel();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let input_thread = spawn_input_reader(input_tx, stop.clone());
    let mut terminate = termination_signal();
    let mut ws = Workspace::new(controller);
    let (alerts_tx, mut alerts_rx) = mpsc::unbounded_channel();
    let (loaded_tx, mut loaded_rx) = mpsc::unbounded_channel();
    let mut loading: Option<String> = None;
    let (drill_tx, mut drill_rx) = mpsc::unbounded_channel::<(u64, super::drill::Outcome)>();

    let mut width = terminal.size()?.width;
    let refresh = |controller: &mut Controller, ws: &Workspace, width: u16| {
        let request = (controller.entries[ws.current].make_request)(&ws.app.view_state, width);
        controller.session.refresh(request);
    };
    refresh(controller, &ws, width);
    let mut ticker = ticker_for(controller.entries[0].refresh_every);
    let mut dirty = true;
    // Failed panels are retried by themselves, sooner than the dashboard refresh, backing off.
    let mut retry: Option<tokio::time::Instant> = None;
    let mut backoff = FIRST_RETRY;
    loop {
        for (generation, request) in ws.app.drill.take_requests() {
            run_drill_request(
                &mut ws.app,
                controller,
                generation,
                request,
                &drill_tx,
                &mut copied_links,
            );
            dirty = true;
        }
        if dirty {
            let frame = terminal.draw(|frame| ws.app.draw(frame))?;
            // Every URL on screen becomes clickable (OSC 8) where the terminal supports it.
            let whole = ws.app.drill.urls();
            let links: Vec<(u16, u16, String, String)> = super::drill::find_urls(frame.buffer)
                .into_iter()
                .map(|(row, column, shown)| {
                    let full = whole.iter().find(|w| w.starts_with(&shown)).cloned();
                    let target = full.unwrap_or_else(|| shown.clone());
                    (row, column, shown, target)
                })
                .collect();
            write_hyperlinks(&links);
            dirty = false;
        }
        tokio::select! {
            input = input_rx.recv() => {
                // No more input: the terminal is gone.
                let Some(input) = input else { break };
                match input {
                    Event::Key(key) if key.kind != KeyEventKind::Release => {
                        let action = ws.app.handle_key(key);
                        match action {
                            Action::Quit => break,
                            Action::Refresh => refresh(controller, &ws, width),
                            Action::RefreshChanged => {
                                let mut request = (controller.entries[ws.current].make_request)(&ws.app.view_state, width);
                                request.keep_unchanged = true;
                                controller.session.refresh(request);
                            }
                            Action::CycleRefresh => ticker = ticker_for(ws.app.refresh_every),
                            Action::CopyLink => {
                                // The terminal puts it on the clipboard; the status line shows it.
                                let link = ws.app.grafana_link();
                                copy_to_clipboard(&link);
                                copied_links.retain(|l| l != &link);
                                copied_links.push(link);
                            }
                            Action::Alerts => {
                                let client = controller.session.client().clone();
                                let tx = alerts_tx.clone();
                                let alertmanager = ws.app.drill.config.alertmanager.clone();
                                tokio::spawn(async move {
                                    let state = match fetch_alerts(&client, alertmanager.as_deref()).await {
                                        Ok((mut alerts, partial)) => {
                                            // Firing first, then the longest-standing.
                                            alerts.sort_by_key(|a| (a.state != "firing", a.active_at_ms));
                                            AlertsState::Loaded(alerts, partial)
                                        }
                                        Err(e) => AlertsState::Failed(e.to_string()),
                                    };
                                    let _ = tx.send(state);
                                });
                            }
                            Action::Snapshot | Action::SnapshotPanel => {
                                let size = terminal.size()?;
                                let text = if action == Action::Snapshot {
                                    ws.app.snapshot_text(size.width, size.height)
                                } else {
                                    ws.app.panel_snapshot_text(size.width, size.height)
                                };
                                // To the clipboard too (OSC 52), ready to paste into the ticket.
                                copy_to_clipboard(&text);
                                ws.app.status.message = Some(match write_snapshot(&text) {
                                    Ok(path) => format!("snapshot copied and written to {}", path.display()),
                                    Err(e) => format!("snapshot copied; file not written: {e}"),
                                });
                            }
                            Action::SwitchDashboard => {
                                let to = ws.app.switch_to.take();
                                let listed = to
                                    .and_then(|to| to.checked_sub(controller.entries.len()))
                                    .and_then(|i| controller.listed.get(i));
                                if let Some(listed) = listed {
                                    // Fetched in the background; the loop keeps answering keys.
                                    if loading.as_ref() != Some(&listed.title) {
                                        ws.app.status.message = Some(format!("opening {}…", listed.title));
                                        loading = Some(listed.title.clone());
                                        let (title, load, tx) = (listed.title.clone(), (listed.load)(), loaded_tx.clone());
                                        tokio::spawn(async move {
                                            let _ = tx.send((title, load.await));
                                        });
                                    }
                                } else if let Some(to) = to {
                                    ws.switch(controller, to);
                                    ticker = ticker_for(controller.entries[ws.current].refresh_every);
                                    refresh(controller, &ws, width);
                                }
                            }
                            Action::Explore => {
                                if let Some(expr) = ws.app.explore_request.take() {
                                    ws.explore_history.retain(|e| e != &expr);
                                    ws.explore_history.push(expr.clone());
                                    let entry = (controller.make_explore)(&expr);
                                    controller.entries.push(entry);
                                    let to = controller.entries.len() - 1;
                                    ws.switch(controller, to);
                                    ws.app.fullscreen = true;
                                    ticker = ticker_for(controller.entries[ws.current].refresh_every);
                                    refresh(controller, &ws, width);
                                }
                            }
                            _ => {}
                        }
                        dirty = true;
                    }
                    Event::Mouse(mouse) => dirty |= ws.app.handle_mouse(mouse),
                    Event::Resize(new_width, _) => {
                        // Panel widths set how many points are asked for: re-plan on a new width.
                        if new_width != width {
                            width = new_width;
                            refresh(controller, &ws, width);
                        }
                        dirty = true;
                    }
                    _ => {}
                }
            }
            Some(event) = controller.events.recv() => {
                if event.generation() == controller.session.generation() {
                    let done = matches!(event, EngineEvent::Done { .. });
                    ws.app.apply(event);
                    if done {
                        let every = controller.entries[ws.current].refresh_every;
                        retry = retry_after_failures(&mut ws.app, &mut backoff, every);
                    }
                    dirty = true;
                }
            }
            Some((title, loaded)) = loaded_rx.recv() => {
                loading = None;
                match loaded {
                    Ok(entry) => {
                        controller.listed.retain(|l| l.title != title);
                        controller.entries.push(entry);
                        let to = controller.entries.len() - 1;
                        ws.switch(controller, to);
                        ticker = ticker_for(controller.entries[ws.current].refresh_every);
                        refresh(controller, &ws, width);
                    }
                    Err(e) => ws.app.status.message = Some(format!("cannot open {title}: {e}")),
                }
                dirty = true;
            }
            Some(alerts) = alerts_rx.recv() => {
                ws.app.alerts = alerts;
                dirty = true;
            }
            Some((generation, outcome)) = drill_rx.recv() => {
                let exemplars_of = match &outcome {
                    super::drill::Outcome::Exemplars(panel, _) => Some(*panel),
                    _ => None,
                };
                if ws.app.drill.apply(generation, outcome) {
                    if let Some(panel) = exemplars_of {
                        ws.app.mark_exemplars(panel);
                    }
                    dirty = true;
                }
            }
            _ = tick(&mut ticker) => refresh(controller, &ws, width),
            _ = sleep_until(retry) => {
                retry = None;
                refresh(controller, &ws, width);
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
        copied_links,
    })
}

/// Prometheus's pending and firing alerts, with Alertmanager's (API v2) merged in when one is
/// configured. Either source failing alone still shows the other, with the failure named.
async fn fetch_alerts(
    client: &crate::net::PromClient,
    alertmanager: Option<&str>,
) -> Result<(Vec<crate::net::Alert>, Option<String>), String> {
    use crate::net::alertmanager::{AlertmanagerClient, combine_sources};
    let from_prometheus = client.alerts().await.map_err(|e| e.to_string());
    let from_alertmanager = match alertmanager {
        Some(url) => match AlertmanagerClient::new(url) {
            Ok(am) => Some(am.alerts().await),
            Err(e) => Some(Err(e)),
        },
        None => None,
    };
    combine_sources(from_prometheus, from_alertmanager)
}

/// Start one drill-down request: fetches go to a task (answers come back on `tx`), opening a
/// browser to a blocking thread, copies straight to the terminal.
fn run_drill_request(
    app: &mut App,
    controller: &Controller,
    generation: u64,
    request: super::drill::Request,
    tx: &mpsc::UnboundedSender<(u64, super::drill::Outcome)>,
    copied: &mut Vec<String>,
) {
    use super::drill::Request;
    match request {
        Request::Copy { text } => {
            copy_to_clipboard(&text);
            app.status.message = Some(format!("copied: {text}"));
            copied.retain(|l| l != &text);
            copied.push(text);
        }
        Request::Open { url } => {
            match crate::links::open::browser_command(&|k| std::env::var(k).ok()) {
                Some(browser) => {
                    app.status.message = Some(format!("opening in {browser}: {url}"));
                    tokio::task::spawn_blocking(move || {
                        let _ = crate::links::open::open_in_browser(&browser, &url);
                    });
                }
                None => {
                    // No local browser (an SSH session): the clipboard of the user's terminal.
                    copy_to_clipboard(&url);
                    app.status.message = Some(format!("no browser here; copied: {url}"));
                    copied.retain(|l| l != &url);
                    copied.push(url);
                }
            }
        }
        request => {
            let client = controller.session.client().clone();
            let config = app.drill.config.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                if let Some(outcome) =
                    super::drill::execute(generation, request, client, config).await
                {
                    let _ = tx.send((generation, outcome));
                }
            });
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
    if failed == 0 {
        *backoff = FIRST_RETRY;
        if app
            .status
            .message
            .as_deref()
            .is_some_and(|m| m.contains("retrying"))
        {
            app.status.message = None;
        }
        return None;
    }
    let wait = *backoff;
    *backoff = (*backoff * 2).min(LAST_RETRY);
    if every.is_some_and(|e| e <= wait) {
        return None;
    }
    app.status.message = Some(format!(
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
