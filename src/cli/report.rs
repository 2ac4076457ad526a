//! `triage report`: every panel of a dashboard over a range as a self-contained file: HTML
//! with inline SVG charts and CSS, or markdown with a PNG per panel beside it; each panel with
//! its key values (stat and gauge values, legend calcs). Exits 1 when any panel failed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::grafana;
use super::picture;
use super::session_setup::{Prepared, prepare_with};
use super::{CliError, ReportArgs, ReportFormat};
use crate::data::panel_data::PanelData;
use crate::tui::app::App;
use crate::view::svg::{self, Header, TextMode, canvas::escape};
use crate::view::{PanelBody, PanelView};

pub async fn run(mut args: ReportArgs) -> Result<i32, CliError> {
    args.query.from.get_or_insert_with(|| "now-7d".to_string());
    args.query.to.get_or_insert_with(|| "now".to_string());
    let positional = vec![args.dashboard.clone()];
    let sources = grafana::sources(&positional, &[], &[]);
    let [source] = sources.as_slice() else {
        return Err(CliError::usage(
            "report covers one dashboard: name exactly one",
        ));
    };
    let context = grafana::connect_if_asked(&args.query, &sources).await?;
    let (loaded, name) = grafana::load_source(source, context.as_ref()).await?;
    let prepared = prepare_with(loaded, &name, &args.query, context.as_ref())?;
    let (app, data) = settle(&prepared).await;
    let panels = collect(&app, &data, args.width_px);
    let failed = panels.iter().filter(|p| !p.errors.is_empty()).count();
    let header = picture::header(&app, &prepared.from, &prepared.to);
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError::failure(format!("cannot create {}: {e}", args.out.display())))?;
    let stem = file_stem(&app, &name, &prepared.from, &prepared.to);
    let generated = chrono::Utc::now()
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    let path = match args.format {
        ReportFormat::Html => {
            let path = args.out.join(format!("{stem}.html"));
            write(&path, html(&header, &panels, &generated).as_bytes())?;
            path
        }
        ReportFormat::Md => write_markdown(&args.out, &stem, &header, &panels, &generated)?,
    };
    println!("{}", path.display());
    for panel in panels.iter().filter(|p| !p.errors.is_empty()) {
        eprintln!(
            "triage: panel {:?}: {}",
            panel.view.title,
            panel.errors.join("; ")
        );
    }
    if let Some(url) = &args.send_webhook {
        let summary = format!(
            "triage report: {} ({} to {}): {} panels, {failed} failed. {}",
            header.title,
            prepared.from,
            prepared.to,
            panels.len(),
            path.display()
        );
        crate::net::webhook::post_text(url, &summary)
            .await
            .map_err(|e| {
                CliError::failure(format!("report written to {}, but {e}", path.display()))
            })?;
    }
    Ok(i32::from(failed > 0))
}

/// Runs every panel's queries once and waits for all of them.
async fn settle(prepared: &Prepared) -> (App, Vec<Option<PanelData>>) {
    let (mut app, mut session, mut events) = super::render::snapshot_app(prepared);
    let generation = session.refresh(prepared.request(&app.page.view_state));
    let data = super::render::settle(&mut app, &mut events, generation, |_| {}).await;
    (app, data)
}

/// One panel of the report: its view, picture size, key values and errors.
struct ReportPanel<'a> {
    view: &'a PanelView,
    width: f64,
    height: f64,
    values: Vec<(String, String)>,
    errors: Vec<String>,
}

fn collect<'a>(app: &'a App, data: &[Option<PanelData>], width_px: u32) -> Vec<ReportPanel<'a>> {
    let column = f64::from(width_px.max(320)) / 24.0;
    app.page
        .dashboard
        .panels
        .iter()
        .zip(&app.page.views)
        .enumerate()
        .map(|(i, (panel, view))| {
            let errors = match data.get(i) {
                Some(Some(d)) => d.errors.clone(),
                _ => vec!["no answer".to_string()],
            };
            ReportPanel {
                view,
                width: (f64::from(panel.grid.w.clamp(1, 24)) * column).max(320.0),
                height: (f64::from(panel.grid.h.max(3)) * 38.0 - 8.0).max(160.0),
                values: key_values(&view.body),
                errors,
            }
        })
        .collect()
}

/// What a reader wants as numbers: stat and gauge values, each series' legend calcs.
fn key_values(body: &PanelBody) -> Vec<(String, String)> {
    match body {
        PanelBody::Stat(stat) => stat
            .values
            .iter()
            .map(|v| (v.name.clone(), v.text.clone()))
            .collect(),
        PanelBody::Gauge(gauge) => gauge
            .items
            .iter()
            .map(|v| (v.name.clone(), v.text.clone()))
            .collect(),
        PanelBody::TimeSeries(ts) if !ts.legend.calcs.is_empty() => ts
            .legend
            .entries
            .iter()
            .map(|e| {
                let calcs: Vec<String> = ts
                    .legend
                    .calcs
                    .iter()
                    .zip(&e.values)
                    .map(|(calc, value)| format!("{calc} {value}"))
                    .collect();
                (e.name.clone(), calcs.join(", "))
            })
            .collect(),
        PanelBody::Pie(pie) => pie
            .slices
            .iter()
            .map(|s| (s.name.clone(), format!("{} ({})", s.text, s.percent_text)))
            .collect(),
        PanelBody::Message { text, .. } => vec![(String::new(), text.clone())],
        _ => Vec::new(),
    }
}

/// `<uid>-<from>-<to>`, with anything but letters, digits, `.`, `_` and `-` as `_`.
fn file_stem(app: &App, name: &str, from: &str, to: &str) -> String {
    let uid = app.page.dashboard.uid.clone().unwrap_or_else(|| {
        Path::new(name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "dashboard".into())
    });
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("{}-{}-{}", safe(&uid), safe(from), safe(to))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))
}

const STYLE: &str = "body{background:#111217;color:#ccccdc;font-family:monospace;margin:24px}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:0 0 8px}\
.meta{color:#8e8e9e;margin:2px 0}section{background:#181b1f;border:1px solid #2a2d35;\
padding:12px;margin:16px 0}svg{max-width:100%;height:auto;display:block}\
table{border-collapse:collapse;margin-top:8px}td{padding:2px 12px 2px 0}\
td.v{text-align:right}.error{color:#f2495c}";

fn html(header: &Header, panels: &[ReportPanel], generated: &str) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"meta\">Range: {}</p>\n",
        escape(&header.title),
        escape(&header.title),
        escape(&header.range)
    );
    if !header.variables.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"meta\">Variables: {}</p>",
            escape(&header.variables.join(", "))
        );
    }
    for panel in panels {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(&panel.view.title));
        out.push_str(&svg::panel(
            panel.view,
            panel.width,
            panel.height,
            TextMode::Elements,
        ));
        if !panel.values.is_empty() {
            out.push_str("<table>\n");
            for (name, value) in &panel.values {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td class=\"v\">{}</td></tr>",
                    escape(name),
                    escape(value)
                );
            }
            out.push_str("</table>\n");
        }
        for error in &panel.errors {
            let _ = writeln!(out, "<p class=\"error\">{}</p>", escape(error));
        }
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">Generated at {generated} by triage.</p>\n</body>\n</html>"
    );
    out
}

/// Markdown text: `|`, `*`, `_`, backticks and brackets escaped, control characters dropped.
fn md(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !c.is_control()) {
        if "\\`*_[]|<>#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn write_markdown(
    dir: &Path,
    stem: &str,
    header: &Header,
    panels: &[ReportPanel],
    generated: &str,
) -> Result<PathBuf, CliError> {
    let mut out = format!(
        "# {}\n\nRange: {}\n\n",
        md(&header.title),
        md(&header.range)
    );
    if !header.variables.is_empty() {
        let _ = writeln!(out, "Variables: {}\n", md(&header.variables.join(", ")));
    }
    for (i, panel) in panels.iter().enumerate() {
        let file = format!("{stem}-panel-{}.png", i + 1);
        let svg_text = svg::panel(panel.view, panel.width, panel.height, TextMode::Strokes);
        let png = picture::png(&svg_text).map_err(CliError::failure)?;
        write(&dir.join(&file), &png)?;
        let _ = writeln!(
            out,
            "## {}\n\n![{}]({file})\n",
            md(&panel.view.title),
            md(&panel.view.title)
        );
        if !panel.values.is_empty() {
            out.push_str("| Series | Value |\n| --- | ---: |\n");
            for (name, value) in &panel.values {
                let _ = writeln!(out, "| {} | {} |", md(name), md(value));
            }
            out.push('\n');
        }
        for error in &panel.errors {
            let _ = writeln!(out, "**Error:** {}\n", md(error));
        }
    }
    let _ = writeln!(out, "Generated at {generated} by triage.");
    let path = dir.join(format!("{stem}.md"));
    write(&path, out.as_bytes())?;
    Ok(path)
}
