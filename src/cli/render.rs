//! `triage render`: wait for every panel, draw one frame, print it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde_json::json;

use super::grafana;
use super::session_setup::prepare_with;
use super::{CliError, RenderArgs, RenderFormat};
use crate::data::panel_data::PanelData;
use crate::engine::session::{EngineEvent, Session};
use crate::tui::app::{App, StatusInfo};
use crate::tui::frame_text::{to_ansi, to_html, to_svg, to_text};
use crate::tui::timenav::RangeState;
use crate::view::PanelBody;

pub async fn run(args: RenderArgs) -> Result<i32, CliError> {
    let positional: Vec<_> = args.dashboard.iter().cloned().collect();
    let sources = grafana::sources(
        &positional,
        &args.from_grafana.uids,
        &args.from_grafana.titles,
    );
    let [source] = sources.as_slice() else {
        return Err(CliError::usage(
            "render draws one dashboard: name exactly one",
        ));
    };
    let context = grafana::connect_if_asked(&args.query, &sources).await?;
    let (loaded, name) = grafana::load_source(source, context.as_ref()).await?;
    let prepared = prepare_with(loaded, &name, &args.query, context.as_ref())?;
    let width = args.width.max(20);
    let height = args.height.max(6);
    let status = StatusInfo {
        prometheus_url: prepared.client.display_url(),
        range: RangeState::new(&prepared.from, &prepared.to).label(),
        refresh: prepared.refresh_text.clone(),
        ..StatusInfo::default()
    };
    let mut app = App::new(
        prepared.dashboard.as_ref().clone(),
        prepared.theme,
        status,
        prepared.initial_view_state(),
    );
    let (session, mut events) = Session::with_datasources(prepared.datasources.clone());
    // Loki answers the panels on a Loki datasource.
    let mut session = session.with_backends(prepared.backends.clone());
    let generation = session.refresh(prepared.request(&app.page.view_state, width));
    let mut data: Vec<Option<PanelData>> = vec![None; app.page.dashboard.panels.len()];
    while let Some(event) = events.recv().await {
        if event.generation() != Some(generation) {
            continue;
        }
        match &event {
            EngineEvent::Resolved { resolved, .. } => {
                data = vec![None; resolved.dashboard.panels.len()];
            }
            EngineEvent::Panel {
                index,
                data: panel_data,
                ..
            } => {
                if let Some(slot) = data.get_mut(*index) {
                    *slot = Some(panel_data.as_ref().clone());
                }
            }
            EngineEvent::Done { .. } => {
                app.apply(event);
                break;
            }
            // Only the TUI asks for drill-downs and alerts.
            EngineEvent::Drill { .. } | EngineEvent::Alerts(_) | EngineEvent::Completion { .. } => {
                continue;
            }
        }
        app.apply(event);
    }
    report_errors(&app, &data);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    app.draw_into(area, &mut buf);
    crate::tui::colour_depth::map_buffer(&mut buf, prepared.colour_depth);
    match args.format {
        RenderFormat::Text => print!("{}", to_text(&buf)),
        RenderFormat::Ansi => print!("{}", to_ansi(&buf)),
        RenderFormat::Svg => print!("{}", to_svg(&buf)),
        RenderFormat::Html => print!("{}", to_html(&buf)),
        RenderFormat::Json => {
            let panels = panels_json(&app, &data);
            println!(
                "{}",
                serde_json::to_string_pretty(&panels).unwrap_or_default()
            );
        }
    }
    Ok(0)
}

/// Panel errors go to stderr, each naming its panel.
fn report_errors(app: &App, data: &[Option<PanelData>]) {
    for (panel, data) in app.page.dashboard.panels.iter().zip(data) {
        let Some(data) = data else { continue };
        for error in &data.errors {
            eprintln!(
                "triage: panel {:?} ({}): {error}",
                panel.title, panel.source_path
            );
        }
    }
}

fn panels_json(app: &App, data: &[Option<PanelData>]) -> serde_json::Value {
    let panels: Vec<serde_json::Value> = app
        .page
        .dashboard
        .panels
        .iter()
        .enumerate()
        .map(|(i, panel)| {
            let panel_data = data.get(i).cloned().flatten().unwrap_or_default();
            let state = if data.get(i).is_some_and(Option::is_some) {
                panel_data.state().as_str()
            } else {
                "loading"
            };
            let error = if panel_data.errors.is_empty() {
                panel_data.unsupported.clone()
            } else {
                Some(panel_data.errors.join("; "))
            };
            let values: Option<Vec<String>> = match app.page.views.get(i).map(|v| &v.body) {
                Some(PanelBody::Stat(stat)) => {
                    Some(stat.values.iter().map(|v| v.text.clone()).collect())
                }
                Some(PanelBody::Gauge(gauge)) => {
                    Some(gauge.items.iter().map(|v| v.text.clone()).collect())
                }
                _ => None,
            };
            // The colour each value is drawn in (threshold, mapping or fixed), as `#rrggbb`.
            let colors: Option<Vec<Option<String>>> = match app.page.views.get(i).map(|v| &v.body) {
                Some(PanelBody::Stat(stat)) => {
                    Some(stat.values.iter().map(|v| v.color.map(hex)).collect())
                }
                Some(PanelBody::Gauge(gauge)) => {
                    Some(gauge.items.iter().map(|v| Some(hex(v.color))).collect())
                }
                _ => None,
            };
            // What a panel says instead of data (no data, unsupported, why not drawn).
            let message = match app.page.views.get(i).map(|v| &v.body) {
                Some(PanelBody::Message { text, .. }) => Some(text.clone()),
                _ => None,
            };
            json!({
                "title": panel.title,
                "type": panel.panel_type,
                "state": state,
                "error": error,
                "series": panel_data.series.len(),
                "points": panel_data.point_count(),
                "values": values,
                "colors": colors,
                "message": message,
                "annotations": panel_data.annotations.iter().map(|a| json!({
                    "source": a.source, "time": a.at_ms, "end": a.end_ms, "title": a.title,
                    "text": a.text, "tags": a.tags,
                })).collect::<Vec<_>>(),
                "queries": panel_data.queries.iter().map(|q| json!({
                    "refId": q.ref_id, "expr": q.expr, "instant": q.instant,
                    "start": q.start_ms, "end": q.end_ms, "stepMs": q.step_ms,
                    "scrapeInterval": q.scrape_interval,
                })).collect::<Vec<_>>(),
                "annotationQueries": panel_data.annotation_queries.iter().map(|q| json!({
                    "refId": q.ref_id, "expr": q.expr, "instant": q.instant,
                    "start": q.start_ms, "end": q.end_ms, "stepMs": q.step_ms, "error": q.error,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::Value::Array(panels)
}

fn hex(c: crate::view::Rgb) -> String {
    c.hex()
}
