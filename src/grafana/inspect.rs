//! `triage inspect`: what the loader understood of a dashboard, as JSON (a stable contract,
//! documented in docs/inspect.md) and as a readable listing. Pure: no I/O.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::load::Loaded;
use super::model::{DatasourceRef, Severity, TargetFormat, Variable, VariableKind};

/// The inspect document: title, uid, variables, flat panels (rows not listed, repeats not
/// expanded) and diagnostics.
pub fn inspect_json(loaded: &Loaded) -> Value {
    let d = &loaded.dashboard;
    let variables: Vec<Value> = d.variables.iter().map(variable_json).collect();
    let panels: Vec<Value> = d
        .panels
        .iter()
        .map(|p| {
            let targets: Vec<Value> = p
                .targets
                .iter()
                .map(|t| {
                    json!({
                        "refId": t.ref_id,
                        "expr": t.expr,
                        "legendFormat": t.legend_format,
                        "format": format_name(t.format),
                        "instant": t.instant,
                        "range": t.range,
                        "hide": t.hide,
                    })
                })
                .collect();
            json!({
                "id": p.id,
                "type": p.panel_type,
                "title": p.title,
                "gridPos": {"x": p.grid.x, "y": p.grid.y, "w": p.grid.w, "h": p.grid.h},
                "row": p.row,
                "targets": targets,
            })
        })
        .collect();
    let diagnostics: Vec<Value> = loaded
        .diagnostics
        .iter()
        .map(|g| json!({"severity": severity_name(g.severity), "path": g.path, "message": g.message}))
        .collect();
    json!({
        "title": d.title,
        "uid": d.uid,
        "variables": variables,
        "panels": panels,
        "diagnostics": diagnostics,
    })
}

fn variable_json(v: &Variable) -> Value {
    json!({
        "name": v.name,
        "type": kind_name(v.kind),
        "query": v.query,
        "multi": v.multi,
        "includeAll": v.include_all,
        "label": v.label,
        "datasource": v.datasource.as_ref().map(datasource_text),
        "regex": v.regex,
        "allValue": v.all_value,
        "current": {"text": v.current.text, "value": v.current.value},
        "hide": v.hide,
        "refresh": v.refresh,
        "sort": v.sort,
    })
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
