//! `triage view`: the interactive terminal UI over one or more dashboards (files or folders).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::grafana::{self, DashboardSource, GrafanaContext};
use super::session_setup::{Prepared, prepare_with};
use super::{CliError, QueryArgs, ViewArgs};
use crate::engine::session::Session;
use crate::grafana::model::Severity;
use crate::net::grafana::SearchQuery;
use crate::tui::app::{Page, SessionSettings, StatusInfo};
use crate::tui::run::{Controller, DashboardEntry, Exit, ListedEntry, LoadEntry, run as run_tui};
use crate::tui::timenav::RangeState;

pub async fn run(args: ViewArgs) -> Result<i32, CliError> {
    need_terminal("view")?;
    let named = grafana::sources(
        &args.dashboards,
        &args.from_grafana.uids,
        &args.from_grafana.titles,
    );
    let context = grafana::connect_if_asked(&args.query, &named).await?;
    let mut sources = Vec::new();
    for source in named {
        match source {
            DashboardSource::File(path) => sources.extend(
                dashboard_files(std::slice::from_ref(&path))?
                    .into_iter()
                    .map(DashboardSource::File),
            ),
            other => sources.push(other),
        }
    }
    let mut prepared = Vec::new();
    for source in &sources {
        // One broken dashboard must not stop the others from opening.
        let result = match grafana::load_source(source, context.as_ref()).await {
            Ok((loaded, name)) => prepare_with(loaded, &name, &args.query, context.as_ref()),
            Err(e) => Err(e),
        };
        match result {
            Ok(p) => prepared.push(p),
            Err(e) if sources.len() > 1 => {
                eprintln!("triage: skipping {}: {}", describe(source), e.message)
            }
            Err(e) => return Err(e),
        }
    }
    if prepared.is_empty() {
        return Err(CliError::failure("no dashboard could be loaded"));
    }
    let listed = match context {
        Some(context) => grafana_listing(Arc::new(context), &args.query, &prepared).await,
        None => Vec::new(),
    };
    let exit = run_prepared_with(prepared, listed).await?;
    if args.print_link {
        // After the terminal is restored, so it lands in the shell's scrollback.
        for link in &exit.copied_links {
            println!("copied: {link}");
        }
        println!("{}", exit.link);
    }
    Ok(0)
}

fn describe(source: &DashboardSource) -> String {
    match source {
        DashboardSource::File(path) => path.display().to_string(),
        DashboardSource::Uid(uid) => format!("{}{uid}", grafana::UID_PREFIX),
        DashboardSource::Title(title) => format!("{title:?}"),
    }
}

/// Grafana's dashboards for the switcher (those not open already), each loaded when chosen.
async fn grafana_listing(
    context: Arc<GrafanaContext>,
    args: &QueryArgs,
    open: &[Prepared],
) -> Vec<ListedEntry> {
    let hits = match context.client.search(&SearchQuery::dashboards()).await {
        Ok(hits) => hits,
        Err(e) => {
            eprintln!("triage: Grafana's dashboards are not in the switcher: {e}");
            return Vec::new();
        }
    };
    let args = Arc::new(args.clone());
    hits.into_iter()
        .filter(|hit| {
            !open
                .iter()
                .any(|p| p.dashboard.uid.as_deref() == Some(&hit.uid))
        })
        .map(|hit| {
            let (context, args) = (context.clone(), args.clone());
            let uid = hit.uid.clone();
            let load: LoadEntry = Box::new(move || {
                let (context, args, uid) = (context.clone(), args.clone(), uid.clone());
                Box::pin(async move {
                    let (mut loaded, name) = grafana::load_uid(&context.client, &uid)
                        .await
                        .map_err(|e| e.message)?;
                    // Nothing may print while the terminal UI is up.
                    loaded.diagnostics.retain(|d| d.severity != Severity::Error);
                    let prepared = prepare_with(loaded, &name, &args, Some(&context))
                        .map_err(|e| e.message)?;
                    Ok(entry(Arc::new(prepared)))
                })
            });
            ListedEntry {
                title: format!("{}  [Grafana: {}]", hit.title, hit.folder_label()),
                uid: Some(hit.uid.clone()),
                load,
            }
        })
        .collect()
}

/// The interactive view draws on a terminal and reads keys from it: from cron, a pipe or
/// `ssh host triage view` without `-t` there is none, and saying so beats a panic.
fn need_terminal(what: &str) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{what} needs a terminal, and standard input or output is not one (cron, a pipe, \
         or ssh without -t); use `triage render` for a frame as text, ANSI or JSON"
    )))
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
    run_prepared_with(prepared, Vec::new()).await
}

/// Like [`run_prepared`], with dashboards listed in the switcher that load when chosen.
pub async fn run_prepared_with(
    prepared: Vec<Prepared>,
    listed: Vec<ListedEntry>,
) -> Result<Exit, CliError> {
    let Some(first) = prepared.first() else {
        return Err(CliError::failure("no dashboard to show"));
    };
    need_terminal("the dashboard view")?;
    let (session, events) = Session::with_datasources(first.datasources.clone());
    let session = session.with_backends(first.backends.clone());
    let mut settings = SessionSettings::new(first.theme);
    settings.grafana_url = first.grafana_url.clone();
    settings.org_id = first.org_id;
    settings.drill = first.drill.clone();
    settings.colour_depth = first.colour_depth;
    let template = Arc::new(first.clone());
    let controller = Controller {
        session,
        events,
        settings,
        entries: prepared.into_iter().map(|p| entry(Arc::new(p))).collect(),
        listed,
        make_explore: Box::new(move |dashboard| {
            entry(Arc::new(template.with_dashboard(dashboard)))
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
        uid: prepared.dashboard.uid.clone(),
        make_page: Box::new(move || {
            let status = StatusInfo {
                prometheus_url: for_app.client.source_label(),
                range: RangeState::new(&for_app.from, &for_app.to).label(),
                refresh: for_app.refresh_text.clone(),
                ..StatusInfo::default()
            };
            Page::new(
                for_app.dashboard.clone(),
                status,
                for_app.initial_view_state(),
            )
        }),
        make_request: Box::new(move |state| for_request.request(state)),
        source_file: prepared.source_file.clone(),
    }
}
