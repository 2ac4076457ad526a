//! `triage render`: wait for every panel, draw one frame, print it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde_json::json;

use super::grafana;
use super::picture;
use super::session_setup::prepare_with;
use super::{CliError, RenderArgs, RenderFormat};
use crate::data::panel_data::PanelData;
use crate::engine::refresh::WantedPanels;
use crate::engine::session::{EngineEvent, Session};
use crate::tui::app::{App, StatusInfo};
use crate::tui::frame_text::{to_ansi, to_html, to_svg, to_text};
use crate::tui::timenav::RangeState;
use crate::view::PanelBody;
use crate::view::svg::TextMode;

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
    let (mut app, mut session, mut events) = snapshot_app(&prepared);
    let mut request = prepared.request(&app.page.view_state);
    let in_view = args
        .visible_only
        .then(|| app.page.panels_in_view(width, height));
    if let Some(in_view) = &in_view {
        request.wanted = Some(WantedPanels {
            indices: in_view.clone(),
            panel_count: app.page.views.len(),
            same_variables: false,
        });
    }
    let generation = session.refresh(request);
    // Which panels the engine asks: the ones in view, or every one outside a collapsed row
    // when repeats changed the shape the view was counted on.
    let mut asked: Option<Vec<bool>> = None;
    let panel_count = app.page.views.len();
    let data = settle(&mut app, &mut events, generation, |dashboard| {
        asked = request_wanted(&in_view, panel_count, dashboard);
    })
    .await;
    report_errors(&app, &data);
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    app.draw_into(area, &mut buf);
    crate::tui::colour_depth::map_buffer(&mut buf, prepared.colour_depth);
    match args.format {
        RenderFormat::Text => print!("{}", to_text(&buf)),
        RenderFormat::Ansi => print!("{}", to_ansi(&buf)),
        RenderFormat::SvgTerminal => print!("{}", to_svg(&buf)),
        RenderFormat::Svg | RenderFormat::Png => {
            let header = picture::header(&app, &prepared.from, &prepared.to);
            write_picture(&app, &header, args.width_px, args.format)?;
        }
        RenderFormat::Html => print!("{}", to_html(&buf)),
        RenderFormat::Json => {
            let panels = panels_json(&app, &data, asked.as_deref());
            println!(
                "{}",
                serde_json::to_string_pretty(&panels).unwrap_or_default()
            );
        }
    }
    Ok(0)
}

/// The vector picture (SVG text, or PNG bytes) on standard output.
fn write_picture(
    app: &App,
    header: &crate::view::svg::Header,
    width_px: u32,
    format: RenderFormat,
) -> Result<(), CliError> {
    use std::io::Write;
    let bytes = if format == RenderFormat::Png {
        let svg = picture::dashboard_svg(app, header, width_px, TextMode::Strokes);
        picture::png(&svg).map_err(CliError::failure)?
    } else {
        picture::dashboard_svg(app, header, width_px, TextMode::Elements).into_bytes()
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::failure(format!("cannot write the picture: {e}")))
}

/// Panel errors go to stderr, each naming its panel.
/// The page a one-off picture is drawn from, and the engine session (with Loki and the other
/// backends) that fills it.
pub(super) fn snapshot_app(
    prepared: &super::session_setup::Prepared,
) -> (
    App,
    Session,
    tokio::sync::mpsc::UnboundedReceiver<EngineEvent>,
) {
    let status = StatusInfo {
        prometheus_url: prepared.client.display_url(),
        range: RangeState::new(&prepared.from, &prepared.to).label(),
        refresh: prepared.refresh_text.clone(),
        ..StatusInfo::default()
    };
    let app = App::new(
        prepared.dashboard.clone(),
        prepared.theme,
        status,
        prepared.initial_view_state(),
    );
    let (session, events) = Session::with_datasources(prepared.datasources.clone());
    (
        app,
        session.with_backends(prepared.backends.clone()),
        events,
    )
}

/// Give `app` every event of one refresh until it is done, and keep each panel's data as it
/// arrives; `on_resolved` sees the dashboard as the refresh expanded it.
pub(super) async fn settle(
    app: &mut App,
    events: &mut tokio::sync::mpsc::UnboundedReceiver<EngineEvent>,
    generation: u64,
    mut on_resolved: impl FnMut(&crate::grafana::model::Dashboard),
) -> Vec<Option<PanelData>> {
    let mut data: Vec<Option<PanelData>> = vec![None; app.page.dashboard.panels.len()];
    while let Some(event) = events.recv().await {
        if event.generation() != Some(generation) {
            continue;
        }
        match &event {
            EngineEvent::Resolved { resolved, .. } => {
                data = vec![None; resolved.dashboard.panels.len()];
                on_resolved(&resolved.dashboard);
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
            // Only the TUI asks for drill-downs, alerts and completions.
            EngineEvent::Drill { .. } | EngineEvent::Alerts(_) | EngineEvent::Completion { .. } => {
                continue;
            }
        }
        app.apply(event);
    }
    data
}

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

/// With `--visible-only`, which panels of the resolved dashboard the engine asks.
fn request_wanted(
    in_view: &Option<std::collections::BTreeSet<usize>>,
    panel_count: usize,
    dashboard: &crate::grafana::model::Dashboard,
) -> Option<Vec<bool>> {
    let indices = in_view.clone()?;
    let wanted = WantedPanels {
        indices,
        panel_count,
        same_variables: false,
    };
    Some(crate::engine::refresh::wanted_mask(
        dashboard,
        Some(&wanted),
    ))
}

fn panels_json(app: &App, data: &[Option<PanelData>], asked: Option<&[bool]>) -> serde_json::Value {
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
            } else if asked.is_some_and(|a| !a.get(i).copied().unwrap_or(true)) {
                "outOfView"
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
                "seriesStats": series_stats(&panel_data),
                "values": values,
                "colors": colors,
                "message": message,
                "logs": app.page.views.get(i).and_then(|v| logs_json(&v.body)),
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

/// Per series: its name, min, max, mean and last value (Grafana's reducers: non-finite values
/// skipped by min, max and mean; `null` where there is no number) and how many points it
/// holds, over every point the panel got — what a reader compares with Prometheus to see that
/// nothing was lost between the answer and the drawing.
fn series_stats(data: &PanelData) -> serde_json::Value {
    use crate::grafana::reduce::{Reducer, reduce_with};
    let stats: Vec<serde_json::Value> = data
        .series
        .iter()
        .map(|series| {
            let values: Vec<Option<f64>> = series.points.iter().map(|&(_, v)| Some(v)).collect();
            let calc = |reducer| reduce_with(reducer, &values).filter(|v| v.is_finite());
            json!({
                "name": series.name,
                "refId": series.ref_id,
                "min": calc(Reducer::Min),
                "max": calc(Reducer::Max),
                "mean": calc(Reducer::Mean),
                "last": calc(Reducer::Last),
                "points": series.points.len(),
            })
        })
        .collect();
    serde_json::Value::Array(stats)
}

/// A logs panel's lines as drawn (sorted, deduplicated): time (ms), level, text and labels,
/// with no control characters left in the text.
fn logs_json(body: &PanelBody) -> Option<serde_json::Value> {
    let PanelBody::Logs(view) = body else {
        return None;
    };
    let clean = |text: &str| text.chars().filter(|c| !c.is_control()).collect::<String>();
    let rows = view.rows.iter().map(|row| {
        json!({
            "time": row.at_ms,
            "level": row.level.as_str(),
            "line": clean(&row.line),
            "labels": row.labels.iter().map(|(k, v)| (clean(k), json!(clean(v)))).collect::<serde_json::Map<_, _>>(),
            "duplicates": row.duplicates,
        })
    });
    Some(serde_json::Value::Array(rows.collect()))
}

fn hex(c: crate::view::Rgb) -> String {
    c.hex()
}
