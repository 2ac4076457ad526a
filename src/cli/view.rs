//! `triage view`: the interactive terminal UI.

use super::session_setup::{Prepared, prepare};
use super::{CliError, ViewArgs};
use crate::engine::session::Session;
use crate::tui::app::{App, StatusInfo};
use crate::tui::run::{Controller, run as run_tui};
use crate::tui::timenav::RangeState;

pub async fn run_view(args: ViewArgs) -> Result<i32, CliError> {
    let path = args
        .dashboards
        .first()
        .ok_or_else(|| CliError::usage("no dashboard given"))?;
    if args.dashboards.len() > 1 {
        eprintln!(
            "triage: several dashboards given; showing {} (switching comes later)",
            path.display()
        );
    }
    let prepared = prepare(path, &args.query)?;
    run_prepared(prepared).await
}

/// Open the UI on a prepared dashboard until the user quits.
pub async fn run_prepared(prepared: Prepared) -> Result<i32, CliError> {
    let status = StatusInfo {
        prometheus_url: prepared.client.display_url(),
        range: RangeState::new(&prepared.from, &prepared.to).label(),
        refresh: prepared.refresh_text.clone(),
        ..StatusInfo::default()
    };
    let app = App::new(
        prepared.dashboard.as_ref().clone(),
        prepared.theme,
        status,
        prepared.initial_view_state(),
    );
    let (session, events) = Session::new(prepared.client.clone());
    let refresh_every = prepared.refresh;
    let controller = Controller {
        session,
        events,
        make_request: Box::new(move |state, width| prepared.request(state, width)),
        refresh_every,
    };
    run_tui(app, controller)
        .await
        .map_err(|e| CliError::failure(format!("terminal: {e}")))?;
    Ok(0)
}

pub async fn run(args: ViewArgs) -> Result<i32, CliError> {
    run_view(args).await
}
