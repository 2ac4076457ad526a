//! Panels on the grid: `gridPos`, Grafana's load order, rows (expanded and collapsed) and the
//! saved repeat clones Grafana drops.

use serde_json::{Map, Value};

use super::kind_of;
use super::panel::convert_panel;
use super::readers::*;
use crate::grafana::migrate::PATH_KEY;
use crate::grafana::model::{Dashboard, Diagnostic, GridPos, Row, Severity};

/// Largest `y` or `h` accepted from a file, in grid units.
const MAX_GRID_Y: u32 = 1_000_000;

pub(super) fn grid_of(obj: &Map<String, Value>) -> Option<GridPos> {
    let g = get_obj(obj, "gridPos")?;
    // Grafana's grid is 24 columns; heights are clamped so layout arithmetic cannot overflow.
    let x = get_u32(g, "x").unwrap_or(0).min(23);
    Some(GridPos {
        x,
        y: get_u32(g, "y").unwrap_or(0).min(MAX_GRID_Y),
        w: get_u32(g, "w").unwrap_or(0).min(24 - x),
        h: get_u32(g, "h").unwrap_or(0).min(MAX_GRID_Y),
    })
}

/// Sort by grid position as Grafana does on load (y, then x), keeping file order for ties.
fn sorted_by_grid(panels: &[Value]) -> Vec<(usize, &Map<String, Value>)> {
    let mut list: Vec<(usize, &Map<String, Value>)> = panels
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_object().map(|o| (i, o)))
        .collect();
    list.sort_by_key(|(_, p)| {
        let g = grid_of(p).unwrap_or_default();
        (g.y, g.x)
    });
    list
}

/// Fill `rows` and the flat `panels` list: expanded rows own the panels after them until the
/// next row, collapsed rows own their nested `panels`.
pub(super) fn lay_out_panels(
    root: &Map<String, Value>,
    elements: Option<&Value>,
    dashboard: &mut Dashboard,
    diags: &mut Vec<Diagnostic>,
) {
    let top = get_arr(root, "panels");
    if let Some(v) = root.get("panels")
        && !v.is_array()
    {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: "panels".into(),
            message: format!("`panels` is {}, not a list; no panels loaded", kind_of(v)),
        });
    }
    for (i, v) in top.iter().enumerate().filter(|(_, v)| !v.is_object()) {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: format!("panels[{i}]"),
            message: format!("panel is {}, not an object; ignored", kind_of(v)),
        });
    }
    let mut open_row: Option<usize> = None;
    for (i, obj) in sorted_by_grid(top) {
        let path = get_string(obj, PATH_KEY).unwrap_or_else(|| format!("panels[{i}]"));
        if is_saved_repeat_clone(obj, &path, diags) {
            continue;
        }
        if get_str(obj, "type") == Some("row") {
            let row_index = dashboard.rows.len();
            let collapsed = get_bool(obj, "collapsed");
            let row = Row {
                id: get_i64(obj, "id"),
                title: get_string(obj, "title").unwrap_or_default(),
                grid: grid_of(obj).unwrap_or(GridPos {
                    x: 0,
                    y: 0,
                    w: 24,
                    h: 1,
                }),
                collapsed,
                repeat: get_nonempty(obj, "repeat"),
                panels: Vec::new(),
            };
            let title = row.title.clone();
            dashboard.rows.push(row);
            if collapsed {
                for (j, child) in sorted_by_grid(get_arr(obj, "panels")) {
                    let child_path = get_string(child, PATH_KEY)
                        .unwrap_or_else(|| format!("{path}.panels[{j}]"));
                    if is_saved_repeat_clone(child, &child_path, diags) {
                        continue;
                    }
                    let mut panel = convert_panel(child, &child_path, elements, diags);
                    panel.row = Some(title.clone());
                    dashboard.rows[row_index]
                        .panels
                        .push(dashboard.panels.len());
                    dashboard.panels.push(panel.into());
                }
                open_row = None;
            } else {
                if !get_arr(obj, "panels").is_empty() {
                    diags.push(Diagnostic {
                        severity: Severity::Info,
                        path: format!("{path}.panels"),
                        message: "expanded row also lists nested panels; Grafana ignores them"
                            .into(),
                    });
                }
                open_row = Some(row_index);
            }
            continue;
        }
        let mut panel = convert_panel(obj, &path, elements, diags);
        if let Some(r) = open_row {
            panel.row = Some(dashboard.rows[r].title.clone());
            dashboard.rows[r].panels.push(dashboard.panels.len());
        }
        dashboard.panels.push(panel.into());
    }
}

/// Old Grafana versions saved repeat clones (`repeatPanelId` / `repeatIteration` set); Grafana
/// drops them on load and repeats again, so do we.
fn is_saved_repeat_clone(
    obj: &Map<String, Value>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let clone = ["repeatPanelId", "repeatIteration"]
        .iter()
        .any(|k| obj.get(*k).is_some_and(|v| !v.is_null()));
    if clone {
        diags.push(Diagnostic {
            severity: Severity::Info,
            path: path.to_owned(),
            message: "saved copy of a repeated panel dropped; repeats are laid out again".into(),
        });
    }
    clone
}
