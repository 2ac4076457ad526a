//! `triage view`: the interactive terminal UI over one or more dashboards (files or folders).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::session_setup::{Prepared, prepare};
use super::{CliError, ViewArgs};
use crate::engine::session::Session;
use crate::grafana::model::{Dashboard, GridPos, Panel, Target};
use crate::tui::app::{App, StatusInfo};
use crate::tui::run::{Controller, DashboardEntry, Exit, run as run_tui};
use crate::tui::timenav::RangeState;

pub async fn run(args: ViewArgs) -> Result<i32, CliError> {
    let files = dashboard_files(&args.dashboards)?;
    let mut prepared = Vec::new();
    for file in &files {
        // One broken file must not stop the others from opening.
        match prepare(file, &args.query) {
            Ok(p) => prepared.push(p),
            Err(e) if files.len() > 1 => {
                eprintln!("triage: skipping {}: {}", file.display(), e.message)
            }
            Err(e) => return Err(e),
        }
    }
    if prepared.is_empty() {
        return Err(CliError::failure("no dashboard could be loaded"));
    }
    let exit = run_prepared(prepared).await?;
    if args.print_link {
        // After the terminal is restored, so it lands in the shell's scrollback.
        for link in &exit.copied_links {
            println!("copied: {link}");
        }
        println!("{}", exit.link);
    }
    Ok(0)
}

/// Files given, with folders replaced by the dashboards (`*.json`) under them, sorted.
fn dashboard_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            collect_json(path, &mut files);
            files[before..].sort();
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(CliError::usage("no dashboard files found"));
    }
    Ok(files)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Open the UI on prepared dashboards (the first shown) until the user quits.
pub async fn run_prepared(prepared: Vec<Prepared>) -> Result<Exit, CliError> {
    let Some(first) = prepared.first() else {
        return Err(CliError::failure("no dashboard to show"));
    };
    let (session, events) = Session::with_datasources(first.datasources.clone());
    let template = Arc::new(first.clone());
    let controller = Controller {
        session,
        events,
        entries: prepared.into_iter().map(|p| entry(Arc::new(p))).collect(),
        make_explore: Box::new(move |expr| {
            entry(Arc::new(template.with_dashboard(explore_dashboard(expr))))
        }),
    };
    run_tui(controller)
        .await
        .map_err(|e| CliError::failure(format!("terminal: {e}")))
}

fn entry(prepared: Arc<Prepared>) -> DashboardEntry {
    let for_app = prepared.clone();
    let for_request = prepared.clone();
    DashboardEntry {
        title: prepared.dashboard.title.clone(),
        make_app: Box::new(move || {
            let status = StatusInfo {
                prometheus_url: for_app.client.display_url(),
                range: RangeState::new(&for_app.from, &for_app.to).label(),
                refresh: for_app.refresh_text.clone(),
                ..StatusInfo::default()
            };
            let mut app = App::new(
                for_app.dashboard.as_ref().clone(),
                for_app.theme,
                status,
                for_app.initial_view_state(),
            );
            app.colour_depth = for_app.colour_depth;
            app.grafana_url = for_app.grafana_url.clone();
            app.drill = crate::tui::drill::Drill::new(for_app.drill.clone());
            app
        }),
        make_request: Box::new(move |state, width| for_request.request(state, width)),
        refresh_every: prepared.refresh,
    }
}

/// A one-panel dashboard showing an ad-hoc expression (Explore).
fn explore_dashboard(expr: &str) -> Dashboard {
    let panel = Panel {
        id: Some(1),
        panel_type: "timeseries".into(),
        title: expr.to_string(),
        grid: GridPos {
            x: 0,
            y: 0,
            w: 24,
            h: 20,
        },
        targets: vec![Target {
            ref_id: "A".into(),
            expr: expr.to_string(),
            ..Target::default()
        }],
        source_path: "explore".into(),
        ..Panel::default()
    };
    Dashboard {
        title: format!("Explore: {expr}"),
        panels: vec![panel],
        ..Dashboard::default()
    }
}
