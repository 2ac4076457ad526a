//! An Explore query added to a dashboard: as a panel of the loaded model for the session, and
//! into the dashboard's JSON file for saving. New panels go on top across the width and push
//! the rest down, so they are the first thing seen. Pure: the caller reads and writes files.

use serde_json::{Map, Value, json};

use super::query::ExploreQuery;
use crate::grafana::model::{Dashboard, DatasourceRef, GridPos};

/// Height on Grafana's grid of an added panel.
pub const ADDED_HEIGHT: u32 = 8;

fn added_grid() -> GridPos {
    GridPos {
        x: 0,
        y: 0,
        w: 24,
        h: ADDED_HEIGHT,
    }
}

/// The dashboard with the query as a new first panel; every other panel and row moves down.
pub fn insert_on_top(dashboard: &Dashboard, query: &ExploreQuery) -> Dashboard {
    let mut out = dashboard.clone();
    let mut panel = query.panel(added_grid());
    panel.id = Some(out.panels.iter().filter_map(|p| p.id).max().unwrap_or(0) + 1);
    panel.source_path = "explore (added)".into();
    for p in &mut out.panels {
        std::sync::Arc::make_mut(p).grid.y += ADDED_HEIGHT;
    }
    for row in &mut out.rows {
        row.grid.y += ADDED_HEIGHT;
        for index in &mut row.panels {
            *index += 1;
        }
    }
    out.panels.insert(0, panel.into());
    out
}

/// The dashboard file's text with the queries as new panels on top (the first query first),
/// the other panels moved down. Only the classic JSON model (bare or inside `{"dashboard":
/// …}`) can take them; the error says why not.
pub fn insert_into_json(text: &str, queries: &[ExploreQuery]) -> Result<String, String> {
    let mut doc: Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON any more: {e}"))?;
    let root = classic_root(&mut doc)?;
    let mut next_id = max_id(root.get("panels").unwrap_or(&Value::Null)) + 1;
    let panels = root
        .entry("panels")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(panels) = panels else {
        return Err("its \"panels\" is not a list".into());
    };
    let height = ADDED_HEIGHT * queries.len() as u32;
    for panel in panels.iter_mut() {
        shift_down(panel, height);
        if let Some(Value::Array(children)) = panel.get_mut("panels") {
            children.iter_mut().for_each(|c| shift_down(c, height));
        }
    }
    for (i, query) in queries.iter().enumerate() {
        let grid = GridPos {
            y: ADDED_HEIGHT * i as u32,
            ..added_grid()
        };
        panels.insert(i, panel_json(query, next_id, grid));
        next_id += 1;
    }
    serde_json::to_string_pretty(&doc)
        .map(|t| t + "\n")
        .map_err(|e| e.to_string())
}

/// The object holding the dashboard's `panels`.
fn classic_root(doc: &mut Value) -> Result<&mut Map<String, Value>, String> {
    let Value::Object(top) = doc else {
        return Err("not a dashboard object".into());
    };
    if top.contains_key("spec") || top.contains_key("elements") {
        return Err(
            "only the classic JSON model takes added panels; this file is a v2 dashboard".into(),
        );
    }
    if top.contains_key("rows") && !top.contains_key("panels") {
        return Err("only the classic JSON model takes added panels; this file has legacy rows[] (open it in Grafana and save it once)".into());
    }
    if !top.contains_key("panels")
        && let Some(Value::Object(_)) = top.get("dashboard")
    {
        let Some(Value::Object(inner)) = top.get_mut("dashboard") else {
            unreachable!("checked just above")
        };
        return Ok(inner);
    }
    Ok(top)
}

fn max_id(panels: &Value) -> i64 {
    let Value::Array(panels) = panels else {
        return 0;
    };
    panels
        .iter()
        .map(|p| {
            let own = p.get("id").and_then(Value::as_i64).unwrap_or(0);
            own.max(max_id(p.get("panels").unwrap_or(&Value::Null)))
        })
        .max()
        .unwrap_or(0)
}

fn shift_down(panel: &mut Value, by: u32) {
    if let Some(Value::Object(grid)) = panel.get_mut("gridPos") {
        let y = grid.get("y").and_then(Value::as_u64).unwrap_or(0);
        grid.insert("y".into(), json!(y + u64::from(by)));
    }
}

/// The query as Grafana's panel JSON.
pub fn panel_json(query: &ExploreQuery, id: i64, grid: GridPos) -> Value {
    let panel = query.panel(grid);
    let datasource = datasource_json(&query.source.datasource);
    let mut target = json!({"refId": "A", "expr": query.expr});
    if let Some(legend) = &panel.targets[0].legend_format {
        target["legendFormat"] = json!(legend);
    }
    if !query.is_log_query() {
        target["instant"] = json!(query.instant);
        target["range"] = json!(!query.instant);
        if query.instant {
            target["format"] = json!("table");
        }
    }
    let mut defaults = Map::new();
    if let Some(unit) = &panel.field_config.defaults.unit {
        defaults.insert("unit".into(), json!(unit));
    }
    if !datasource.is_null() {
        target["datasource"] = datasource.clone();
    }
    json!({
        "id": id,
        "type": panel.panel_type,
        "title": panel.title,
        "gridPos": {"x": grid.x, "y": grid.y, "w": grid.w, "h": grid.h},
        "datasource": datasource,
        "targets": [target],
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {},
    })
}

/// A reference as Grafana writes it; `null` for the default datasource.
fn datasource_json(reference: &DatasourceRef) -> Value {
    match reference {
        DatasourceRef::Named { uid, name, r#type } => {
            let mut out = Map::new();
            if let Some(t) = r#type {
                out.insert("type".into(), json!(t));
            }
            match (uid, name) {
                (Some(uid), _) => out.insert("uid".into(), json!(uid)),
                (None, Some(name)) => out.insert("uid".into(), json!(name)),
                (None, None) => None,
            };
            Value::Object(out)
        }
        DatasourceRef::Variable { name } => json!({"uid": format!("${{{name}}}")}),
        DatasourceRef::Default | DatasourceRef::Builtin { .. } => Value::Null,
    }
}

/// Where a dashboard file with added panels is saved: beside it as `<name>.explore.json`,
/// never over the file itself.
pub fn saved_path(original: &std::path::Path) -> std::path::PathBuf {
    let stem = original
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dashboard".into());
    original.with_file_name(format!("{stem}.explore.json"))
}

#[cfg(test)]
#[path = "to_dashboard_tests.rs"]
mod tests;
