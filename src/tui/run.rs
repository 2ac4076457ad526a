//! The interactive loop: keys, engine events and refresh ticks go to the one owner of state;
//! the screen is redrawn only when something changed. The terminal is restored on every exit,
//! panics included (ratatui's init installs the hook).

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind};
use tokio::sync::mpsc;

use super::app::{App, ViewState};
use super::keymap::Action;
use crate::engine::refresh::RefreshInput;
use crate::engine::session::{EngineEvent, Session};

/// Builds the refresh request for the user's choices at a terminal width.
pub type MakeRequest = Box<dyn Fn(&ViewState, u16) -> RefreshInput + Send>;

/// What the loop needs besides the app: how to build each refresh request.
pub struct Controller {
    pub session: Session,
    pub events: mpsc::UnboundedReceiver<EngineEvent>,
    /// Builds the request for a refresh at the current time and terminal width.
    pub make_request: MakeRequest,
    pub refresh_every: Option<Duration>,
}

/// Run the TUI until the user quits or a termination signal arrives.
pub async fn run(mut app: App, mut controller: Controller) -> std::io::Result<()> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, &mut app, &mut controller).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    controller: &mut Controller,
) -> std::io::Result<()> {
    let (input_tx, mut input_rx) = mpsc::unbounded_channel();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let input_thread = spawn_input_reader(input_tx, stop.clone());
    let mut terminate = termination_signal();

    let mut width = terminal.size()?.width;
    controller
        .session
        .refresh((controller.make_request)(&app.view_state, width));
    let mut ticker = controller.refresh_every.map(|every| {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    });
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|frame| app.draw(frame))?;
            dirty = false;
        }
        tokio::select! {
            Some(input) = input_rx.recv() => {
                match input {
                    Event::Key(key) if key.kind != KeyEventKind::Release => {
                        match app.handle_key(key) {
                            Action::Quit => break,
                            Action::Refresh => {
                                controller.session.refresh((controller.make_request)(&app.view_state, width));
                            }
                            _ => {}
                        }
                        dirty = true;
                    }
                    Event::Resize(new_width, _) => {
                        // Panel widths set how many points are asked for: re-plan on a new width.
                        if new_width != width {
                            width = new_width;
                            controller.session.refresh((controller.make_request)(&app.view_state, width));
                        }
                        dirty = true;
                    }
                    _ => {}
                }
            }
            Some(event) = controller.events.recv() => {
                if event.generation() == controller.session.generation() {
                    app.apply(event);
                    dirty = true;
                }
            }
            _ = tick(&mut ticker) => {
                controller.session.refresh((controller.make_request)(&app.view_state, width));
            }
            _ = terminate.recv() => break,
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = input_thread.join();
    Ok(())
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
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            match event::poll(Duration::from_millis(100)) {
                Ok(true) => match event::read() {
                    Ok(ev) => {
                        if tx.send(ev).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) => {}
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
