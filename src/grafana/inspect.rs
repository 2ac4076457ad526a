//! `triage inspect`: what the loader understood of a dashboard, as JSON (a stable contract,
//! documented in docs/inspect.md) and as a readable listing. Pure: no I/O.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::load::Loaded;
use super::model::{DatasourceRef, Severity, TargetFormat, Variable, VariableKind};

/// The inspect document: title, uid, variables, flat panels (rows not listed, repeats not
/// expanded) and diagnostics. Typed, so the documented key order is part of the contract
/// whatever map type serde_json uses.
#[derive(Serialize)]
pub struct InspectDoc<'a> {
    title: &'a str,
    uid: Option<&'a str>,
    variables: Vec<InspectVariable<'a>>,
    panels: Vec<InspectPanel<'a>>,
    diagnostics: Vec<InspectDiagnostic<'a>>,
}

#[derive(Serialize)]
struct InspectVariable<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    query: &'a str,
    multi: bool,
    #[serde(rename = "includeAll")]
    include_all: bool,
    label: Option<&'a str>,
    datasource: Option<String>,
    regex: Option<&'a str>,
    #[serde(rename = "allValue")]
    all_value: Option<&'a str>,
    current: InspectCurrent<'a>,
    hide: u8,
    refresh: u8,
    sort: u8,
}

#[derive(Serialize)]
struct InspectCurrent<'a> {
    text: &'a [String],
    value: &'a [String],
}

#[derive(Serialize)]
struct InspectPanel<'a> {
    id: Option<i64>,
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    #[serde(rename = "gridPos")]
    grid_pos: InspectGrid,
    row: Option<&'a str>,
    targets: Vec<InspectTarget<'a>>,
}

#[derive(Serialize)]
struct InspectGrid {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

#[derive(Serialize)]
struct InspectTarget<'a> {
    #[serde(rename = "refId")]
    ref_id: &'a str,
    expr: &'a str,
    #[serde(rename = "legendFormat")]
    legend_format: Option<&'a str>,
    format: &'static str,
    instant: bool,
    range: bool,
    hide: bool,
}

#[derive(Serialize)]
struct InspectDiagnostic<'a> {
    severity: &'static str,
    path: &'a str,
    message: &'a str,
}

/// The inspect document for a loaded dashboard.
pub fn inspect_doc(loaded: &Loaded) -> InspectDoc<'_> {
    let d = &loaded.dashboard;
    InspectDoc {
        title: &d.title,
        uid: d.uid.as_deref(),
        variables: d.variables.iter().map(variable_doc).collect(),
        panels: d
            .panels
            .iter()
            .map(|p| InspectPanel {
                id: p.id,
                kind: &p.panel_type,
                title: &p.title,
                grid_pos: InspectGrid {
                    x: p.grid.x,
                    y: p.grid.y,
                    w: p.grid.w,
                    h: p.grid.h,
                },
                row: p.row.as_deref(),
                targets: p
                    .targets
                    .iter()
                    .map(|t| InspectTarget {
                        ref_id: &t.ref_id,
                        expr: &t.expr,
                        legend_format: t.legend_format.as_deref(),
                        format: format_name(t.format),
                        instant: t.instant,
                        range: t.range,
                        hide: t.hide,
                    })
                    .collect(),
            })
            .collect(),
        diagnostics: loaded
            .diagnostics
            .iter()
            .map(|g| InspectDiagnostic {
                severity: severity_name(g.severity),
                path: &g.path,
                message: &g.message,
            })
            .collect(),
    }
}

/// The inspect document as a JSON value (for programs; key order is that of [`inspect_string`]).
pub fn inspect_json(loaded: &Loaded) -> Value {
    serde_json::to_value(inspect_doc(loaded)).unwrap_or(Value::Null)
}

/// The inspect document as pretty JSON text, keys in the documented order.
pub fn inspect_string(loaded: &Loaded) -> String {
    serde_json::to_string_pretty(&inspect_doc(loaded)).unwrap_or_default()
}

fn variable_doc(v: &Variable) -> InspectVariable<'_> {
    InspectVariable {
        name: &v.name,
        kind: kind_name(v.kind),
        query: &v.query,
        multi: v.multi,
        include_all: v.include_all,
        label: v.label.as_deref(),
        datasource: v.datasource.as_ref().map(datasource_text),
        regex: v.regex.as_deref(),
        all_value: v.all_value.as_deref(),
        current: InspectCurrent {
            text: &v.current.text,
            value: &v.current.value,
        },
        hide: v.hide,
        refresh: v.refresh,
        sort: v.sort,
    }
}

/// Grafana's own spelling of a variable type.
pub fn kind_name(kind: VariableKind) -> &'static str {
    match kind {
        VariableKind::Query => "query",
        VariableKind::Custom => "custom",
        VariableKind::Constant => "constant",
        VariableKind::Textbox => "textbox",
        VariableKind::Interval => "interval",
        VariableKind::Datasource => "datasource",
        VariableKind::Adhoc => "adhoc",
        VariableKind::Other => "other",
    }
}

/// Grafana's own spelling of a query format.
pub fn format_name(format: TargetFormat) -> &'static str {
    match format {
        TargetFormat::TimeSeries => "time_series",
        TargetFormat::Table => "table",
        TargetFormat::Heatmap => "heatmap",
    }
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// One-line description of a datasource reference: `default`, `$ds`, a uid or name.
pub fn datasource_text(ds: &DatasourceRef) -> String {
    match ds {
        DatasourceRef::Default => "default".into(),
        DatasourceRef::Variable { name } => format!("${name}"),
        DatasourceRef::Named { uid, name, r#type } => {
            let id = uid.as_deref().or(name.as_deref()).unwrap_or("?");
            match r#type {
                Some(t) => format!("{id} ({t})"),
                None => id.to_owned(),
            }
        }
        DatasourceRef::Builtin { name } => name.clone(),
    }
}

/// A readable listing: title and uid, variables, panels with their queries, diagnostics.
pub fn inspect_text(loaded: &Loaded) -> String {
    let d = &loaded.dashboard;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  (uid {})",
        d.title,
        d.uid.as_deref().unwrap_or("-")
    );
    if !d.variables.is_empty() {
        let _ = writeln!(out, "\nvariables:");
        for v in &d.variables {
            let mut flags = Vec::new();
            if v.multi {
                flags.push("multi");
            }
            if v.include_all {
                flags.push("all");
            }
            let flags = if flags.is_empty() {
                String::new()
            } else {
                format!(" [{}]", flags.join(","))
            };
            let _ = writeln!(
                out,
                "  ${} {}{}: {}",
                v.name,
                kind_name(v.kind),
                flags,
                v.query
            );
        }
    }
    let _ = writeln!(out, "\npanels:");
    for p in &d.panels {
        let id = p.id.map_or_else(|| "-".to_owned(), |i| i.to_string());
        let row = p
            .row
            .as_ref()
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {id} {} \"{}\" {},{} {}x{}{row}",
            p.panel_type, p.title, p.grid.x, p.grid.y, p.grid.w, p.grid.h
        );
        for t in &p.targets {
            let hidden = if t.hide { " (hidden)" } else { "" };
            let expr = t.expr.replace('\n', " ");
            let _ = writeln!(out, "      {}: {expr}{hidden}", t.ref_id);
        }
    }
    if !loaded.diagnostics.is_empty() {
        let _ = writeln!(out, "\ndiagnostics:");
        for g in &loaded.diagnostics {
            let path = if g.path.is_empty() {
                "(file)"
            } else {
                g.path.as_str()
            };
            let _ = writeln!(
                out,
                "  {}: {path}: {}",
                severity_name(g.severity),
                g.message
            );
        }
    }
    out
}
