//! Lazy loading as Grafana does it (issue 19): a dashboard of mostly collapsed rows, driven
//! through the engine's `Session` with the panels the TUI's page says are in view, against a
//! real Prometheus. The first load asks only the panels in view (variables are resolved all the
//! same); a row expanded and scrolled to asks its panels and nothing else; a refresh asks again
//! only what is in view. `render` asks every panel unless `--visible-only`.

use std::collections::BTreeSet;
use std::process::Command;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedReceiver;
use triage::engine::datasources::Datasources;
use triage::engine::refresh::{RefreshInput, WantedPanels};
use triage::engine::session::{EngineEvent, Session};
use triage::grafana::load::load_path;
use triage::grafana::model::Dashboard;
use triage::grafana::timerange::TimeRange;
use triage::net::{PromClient, PromConfig};
use triage::tui::layout::{Item, layout};
use triage::tui::page::{Page, StatusInfo, ViewState};
use triage::view::build::Clock;

const BIN: &str = env!("CARGO_BIN_EXE_triage");
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/dashboards/lazy-rows.json"
);
/// The terminal the page is laid out on.
const WIDTH: u16 = 160;
const HEIGHT: u16 = 20;

mod support;

use support::prometheus::start_self_scraping;

fn dashboard() -> Dashboard {
    load_path(std::path::Path::new(FIXTURE))
        .unwrap_or_else(|e| panic!("{FIXTURE}: {e}"))
        .dashboard
}

fn titles(dashboard: &Dashboard, panels: &BTreeSet<usize>) -> BTreeSet<String> {
    panels
        .iter()
        .map(|&i| dashboard.panels[i].title.clone())
        .collect()
}

fn request(dashboard: &Dashboard, wanted: &BTreeSet<usize>, same_variables: bool) -> RefreshInput {
    RefreshInput {
        dashboard: Arc::new(dashboard.clone()),
        overrides: Default::default(),
        selections: Default::default(),
        range: TimeRange::resolve("now-1h", "now", chrono::Utc::now()).unwrap(),
        scrape_interval: None,
        compare: None,
        keep_unchanged: false,
        wanted: Some(WantedPanels {
            indices: wanted.clone(),
            panel_count: dashboard.panels.len(),
            same_variables,
        }),
    }
}

/// What one refresh did: the panels that got data, every query sent (as the panels report
/// them), and the values the `job` variable resolved to. Every event goes to the page, as the
/// TUI does.
struct Refreshed {
    panels: BTreeSet<usize>,
    queries: BTreeSet<String>,
    job_options: Vec<String>,
}

async fn refresh(
    session: &mut Session,
    events: &mut UnboundedReceiver<EngineEvent>,
    page: &mut Page,
    input: RefreshInput,
) -> Refreshed {
    let generation = session.refresh(input);
    let mut out = Refreshed {
        panels: BTreeSet::new(),
        queries: BTreeSet::new(),
        job_options: Vec::new(),
    };
    while let Some(event) = events.recv().await {
        if event.generation() != Some(generation) {
            continue;
        }
        let done = matches!(event, EngineEvent::Done { .. });
        match &event {
            EngineEvent::Panel { index, data, .. } => {
                assert!(data.errors.is_empty(), "{:?}", data.errors);
                out.panels.insert(*index);
                out.queries
                    .extend(data.queries.iter().map(|q| q.expr.clone()));
            }
            EngineEvent::Resolved { resolved, .. } => {
                let job = resolved.variables.iter().find(|v| v.name == "job");
                out.job_options = job
                    .map(|v| v.options.iter().map(|o| o.value.clone()).collect())
                    .unwrap_or_default();
            }
            _ => {}
        }
        page.apply(event, Clock::Utc);
        if done {
            break;
        }
    }
    out
}

fn index_of(dashboard: &Dashboard, title: &str) -> usize {
    dashboard
        .panels
        .iter()
        .position(|p| p.title == title)
        .unwrap_or_else(|| panic!("no panel {title}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_panels_in_view_are_asked_and_an_expanded_row_asks_its_own() {
    let prometheus = start_self_scraping("lazy");
    let dashboard = dashboard();
    let mut page = Page::new(
        dashboard.clone(),
        StatusInfo::default(),
        ViewState::new("now-1h", "now"),
    );
    let client = PromClient::new(PromConfig::new(&prometheus.url)).unwrap();
    let (mut session, mut events) = Session::with_datasources(Datasources::single(client));

    // First load: the four panels on the first screen (and its margin); not the two below
    // the fold, nor the five in collapsed rows.
    let in_view = page.panels_in_view(WIDTH, HEIGHT);
    assert_eq!(
        titles(&dashboard, &in_view),
        ["Up A", "Up B", "Up C", "Up D"].map(String::from).into()
    );
    page.start_loading(&in_view);
    let first = refresh(
        &mut session,
        &mut events,
        &mut page,
        request(&dashboard, &in_view, false),
    )
    .await;
    assert_eq!(first.panels, in_view);
    let sent: BTreeSet<String> = (1..=4)
        .map(|n| format!("sum(up{{job=~\"prometheus\"}}) + {n}"))
        .collect();
    assert_eq!(first.queries, sent, "one query per panel in view, no more");
    // The variable is resolved up front all the same.
    assert!(first.job_options.contains(&"prometheus".to_string()));
    assert_eq!(page.newly_in_view(&in_view), None, "nothing more to ask");

    // Scroll to the collapsed "Disk" row and expand it: its three panels are asked, with the
    // variables the first load resolved, and nothing else.
    let disk = dashboard
        .rows
        .iter()
        .position(|r| r.title == "Disk")
        .unwrap();
    page.collapsed[disk] = false;
    let collapsed = page.collapsed.clone();
    let placed = layout(&dashboard, WIDTH, &|r| collapsed[r]);
    let row_y = placed
        .iter()
        .find(|p| p.item == Item::Row(disk))
        .map(|p| p.y)
        .unwrap();
    page.scroll = row_y;
    let in_view = page.panels_in_view(WIDTH, HEIGHT);
    let disk_panels: BTreeSet<usize> = ["Disk G", "Disk H", "Disk I"]
        .iter()
        .map(|t| index_of(&dashboard, t))
        .collect();
    assert!(
        in_view.is_superset(&disk_panels),
        "{:?}",
        titles(&dashboard, &in_view)
    );
    let wanted = page.newly_in_view(&in_view).expect("panels came into view");
    assert!(wanted.is_superset(&disk_panels));
    assert!(
        titles(&dashboard, &wanted)
            .iter()
            .all(|t| !t.starts_with("Net") && !t.starts_with("Up")),
        "only panels not asked yet: {:?}",
        titles(&dashboard, &wanted)
    );
    page.mark_asked(&wanted);
    let expanded = refresh(
        &mut session,
        &mut events,
        &mut page,
        request(&dashboard, &wanted, true),
    )
    .await;
    assert_eq!(expanded.panels, wanted);
    assert!(expanded.queries.len() == wanted.len());
    assert!(expanded.queries.is_disjoint(&first.queries));
    assert!(expanded.job_options.contains(&"prometheus".to_string()));

    // A refresh now asks again only what is in view here: not the first screen's panels.
    let in_view = page.panels_in_view(WIDTH, HEIGHT);
    page.start_loading(&in_view);
    let again = refresh(
        &mut session,
        &mut events,
        &mut page,
        request(&dashboard, &in_view, false),
    )
    .await;
    assert_eq!(again.panels, in_view);
    assert!(
        again.queries.is_disjoint(&first.queries),
        "{:?}",
        again.queries
    );
    // Scrolling back up finds the first screen stale: it is asked again.
    page.scroll = 0;
    let back = page
        .newly_in_view(&page.panels_in_view(WIDTH, HEIGHT))
        .expect("stale panels");
    assert_eq!(
        titles(&dashboard, &back),
        ["Up A", "Up B", "Up C", "Up D"].map(String::from).into()
    );
}

#[test]
fn render_asks_every_panel_unless_visible_only() {
    let prometheus = start_self_scraping("lazy");
    let states = |extra: &[&str]| -> Vec<(String, String)> {
        let out = Command::new(BIN)
            .args(["render", FIXTURE, "--prometheus", &prometheus.url])
            .args(["--format", "json", "--width", "160", "--height", "20"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["title"].as_str().unwrap().to_string(),
                    p["state"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // A Prometheus seconds old may have no sample on a panel's step grid yet: asked, either way.
    let answered = |s: &str| s == "ok" || s == "no_data";
    let all = states(&[]);
    assert_eq!(all.len(), 11);
    assert!(all.iter().all(|(_, s)| answered(s)), "{all:?}");
    let visible = states(&["--visible-only"]);
    let asked: Vec<&str> = visible
        .iter()
        .filter(|(_, s)| answered(s))
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(asked, ["Up A", "Up B", "Up C", "Up D"], "{visible:?}");
    assert!(
        visible
            .iter()
            .filter(|(_, s)| !answered(s))
            .all(|(_, s)| s == "outOfView"),
        "{visible:?}"
    );
}
