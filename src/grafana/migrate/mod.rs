//! Grafana's dashboard migrations, applied to the raw JSON before it is typed.
//!
//! Each step rewrites an old shape into the modern one Grafana itself would produce, so the typed
//! conversion in `load.rs` only needs to understand one generation. Migrations key off content
//! (`rows` present, a panel's `type`), never off `schemaVersion`: mixin dashboards often declare
//! an old schema while using the modern layout. Pure: no I/O.

use serde_json::{Map, Value};

use super::model::Diagnostic;

mod field_config;
mod graph;
mod legacy;
mod legacy_rows;
mod singlestat;
mod table;

use graph::graph_to_timeseries;
use legacy_rows::upgrade_legacy_rows;
use singlestat::singlestat_to_stat;
use table::angular_table_to_table;

/// Private key the migrations leave on panel objects: the panel's JSON path in the source file,
/// which changes when legacy rows are flattened.
pub const PATH_KEY: &str = "__triagePath";
/// Private key holding the type a panel had before migration.
pub const ORIGINAL_TYPE_KEY: &str = "__triageOriginalType";

/// Run every migration on a dashboard object.
pub fn migrate_dashboard(dash: &mut Map<String, Value>, diags: &mut Vec<Diagnostic>) {
    tag_panel_paths(dash);
    if dash.contains_key("rows") {
        upgrade_legacy_rows(dash, diags);
    }
    if let Some(Value::Array(panels)) = dash.get_mut("panels") {
        for panel in panels.iter_mut() {
            migrate_panel_tree(panel, diags);
        }
    }
}

/// Record each panel's source path before any migration moves it.
fn tag_panel_paths(dash: &mut Map<String, Value>) {
    if let Some(Value::Array(panels)) = dash.get_mut("panels") {
        for (i, panel) in panels.iter_mut().enumerate() {
            let path = format!("panels[{i}]");
            tag_panel(panel, &path);
            if let Some(Value::Array(children)) = panel.get_mut("panels") {
                for (j, child) in children.iter_mut().enumerate() {
                    tag_panel(child, &format!("{path}.panels[{j}]"));
                }
            }
        }
    }
    if let Some(Value::Array(rows)) = dash.get_mut("rows") {
        for (i, row) in rows.iter_mut().enumerate() {
            tag_panel(row, &format!("rows[{i}]"));
            if let Some(Value::Array(children)) = row.get_mut("panels") {
                for (j, child) in children.iter_mut().enumerate() {
                    tag_panel(child, &format!("rows[{i}].panels[{j}]"));
                }
            }
        }
    }
}

fn tag_panel(panel: &mut Value, path: &str) {
    if let Value::Object(obj) = panel {
        obj.insert(PATH_KEY.into(), Value::String(path.into()));
    }
}

fn migrate_panel_tree(panel: &mut Value, diags: &mut Vec<Diagnostic>) {
    let Value::Object(obj) = panel else { return };
    if obj.get("type").and_then(Value::as_str) == Some("row") {
        if let Some(Value::Array(children)) = obj.get_mut("panels") {
            for child in children.iter_mut() {
                migrate_panel_tree(child, diags);
            }
        }
        return;
    }
    migrate_panel(obj, diags);
}

/// Migrate one (non-row) panel's type and options.
pub fn migrate_panel(panel: &mut Map<String, Value>, _diags: &mut Vec<Diagnostic>) {
    let Some(panel_type) = panel.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    let new_type = match panel_type.as_str() {
        "graph" => {
            graph_to_timeseries(panel);
            "timeseries"
        }
        "singlestat" | "grafana-singlestat-panel" => {
            singlestat_to_stat(panel);
            "stat"
        }
        "table-old" => {
            angular_table_to_table(panel);
            "table"
        }
        // An angular table is recognised by its `styles` (v24); a modern table has none.
        "table" if panel.contains_key("styles") => {
            angular_table_to_table(panel);
            "table"
        }
        "grafana-piechart-panel" => "piechart",
        "grafana-worldmap-panel" => "geomap",
        "natel-discrete-panel" => "state-timeline",
        _ => return,
    };
    panel.insert(ORIGINAL_TYPE_KEY.into(), Value::String(panel_type));
    panel.insert("type".into(), Value::String(new_type.into()));
}

/// Run `migrate_panel` on a panel fixture (shared by the per-panel tests).
#[cfg(test)]
fn migrated(panel: Value) -> Map<String, Value> {
    let Value::Object(mut p) = panel else {
        panic!("fixture must be an object")
    };
    migrate_panel(&mut p, &mut Vec::new());
    p
}
