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
