//! v2 layouts on v1's 24-column grid, as Grafana converts them: `GridLayout` items keep their
//! position; `AutoGridLayout` items flow left to right, `24 / maxColumnCount` wide and as tall as
//! the row height mode; each `RowsLayout` row becomes a row panel (collapsed rows hold their
//! panels); each `TabsLayout` tab becomes an expanded row. Nested rows and tabs are flattened
//! after their parent row, sections stacked one below the other.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::super::readers::*;
use super::{check_keys, element, info, join, kind_spec, warning};
use crate::grafana::model::{Diagnostic, GridPos};

/// Private key carrying a panel's v2 path until the final v1 array is known.
const V2_PATH_KEY: &str = "__triageV2Path";

const GRID_COLUMNS: u32 = 24;
/// Grafana's AutoGrid default column count and row height (grid units, "standard").
const DEFAULT_MAX_COLUMNS: f64 = 3.0;
const STANDARD_ROW_HEIGHT: u32 = 9;
/// One grid unit in pixels (30 px cell + 8 px margin), for a custom AutoGrid row height.
const GRID_UNIT_PX: f64 = 38.0;

const GRID_ITEM_KEYS: &[&str] = &["x", "y", "width", "height", "element", "repeat"];
const AUTO_GRID_KEYS: &[&str] = &[
    "maxColumnCount",
    "columnWidthMode",
    "columnWidth",
    "rowHeightMode",
    "rowHeight",
    "fillScreen",
    "items",
];
const AUTO_ITEM_KEYS: &[&str] = &["element", "repeat", "conditionalRendering"];
const ROW_KEYS: &[&str] = &[
    "title",
    "collapse",
    "hideHeader",
    "fillScreen",
    "conditionalRendering",
    "repeat",
    "layout",
    "variables",
];
const TAB_KEYS: &[&str] = &[
    "title",
    "layout",
    "conditionalRendering",
    "repeat",
    "variables",
];

/// The v1 panels of a v2 spec, with where each came from.
pub(super) struct Placement {
    pub panels: Vec<Value>,
    /// `(v1 path, v2 path)` of every panel and row.
    pub paths: Vec<(String, String)>,
    /// Variables declared on rows and tabs, with their paths.
    pub section_variables: Vec<(Value, String)>,
}

/// Panels laid out from `y0` down, and the first free `y` below them.
struct Placed {
    panels: Vec<Value>,
    bottom: u32,
}

struct Placer<'a> {
    elements: &'a Map<String, Value>,
    elements_path: String,
    used: HashSet<&'a str>,
    sections: Vec<(Value, String)>,
    diags: &'a mut Vec<Diagnostic>,
}

pub(super) fn place(
    spec: &Map<String, Value>,
    base: &str,
    diags: &mut Vec<Diagnostic>,
) -> Placement {
    let empty = Map::new();
    let mut placer = Placer {
        elements: get_obj(spec, "elements").unwrap_or(&empty),
        elements_path: join(base, "elements"),
        used: HashSet::new(),
        sections: Vec::new(),
        diags,
    };
    let placed = match spec.get("layout") {
        Some(layout) => placer.layout(layout, &join(base, "layout"), 0),
        None => Placed {
            panels: Vec::new(),
            bottom: 0,
        },
    };
    placer.report_unplaced();
    let mut panels = placed.panels;
    let paths = take_paths(&mut panels);
    Placement {
        panels,
        paths,
        section_variables: placer.sections,
    }
}

/// Strip the private path keys, pairing each with the panel's final v1 path.
fn take_paths(panels: &mut [Value]) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for (i, p) in panels.iter_mut().enumerate() {
        let Value::Object(obj) = p else { continue };
        if let Some(Value::String(v2)) = obj.remove(V2_PATH_KEY) {
            paths.push((format!("panels[{i}]"), v2));
        }
        if let Some(Value::Array(children)) = obj.get_mut("panels") {
            for (v1, v2) in take_paths(children) {
                paths.push((format!("panels[{i}].{v1}"), v2));
            }
        }
    }
    paths
}

impl<'a> Placer<'a> {
    fn layout(&mut self, layout: &'a Value, path: &str, y0: u32) -> Placed {
        let Some((kind, spec)) = kind_spec(layout, "", path, self.diags) else {
            return Placed {
                panels: Vec::new(),
                bottom: y0,
            };
        };
        let spec_path = format!("{path}.spec");
        match kind {
            "GridLayout" => self.grid(spec, &spec_path, y0),
            "AutoGridLayout" => self.auto_grid(spec, &spec_path, y0),
            "RowsLayout" => self.rows(spec, &spec_path, y0),
            "TabsLayout" => self.tabs(spec, &spec_path, y0),
            other => {
                self.diags.push(warning(
                    &format!("{path}.kind"),
                    format!("unknown layout kind `{other}`; its panels are not shown"),
                ));
                Placed {
                    panels: Vec::new(),
                    bottom: y0,
                }
            }
        }
    }

    fn grid(&mut self, spec: &'a Map<String, Value>, path: &str, y0: u32) -> Placed {
        check_keys(spec, &["items"], path, "grid layout", self.diags);
        let mut placed = Placed {
            panels: Vec::new(),
            bottom: y0,
        };
        for (i, item) in get_arr(spec, "items").iter().enumerate() {
            let item_path = format!("{path}.items[{i}]");
            let Some((_, s)) = kind_spec(item, "GridLayoutItem", &item_path, self.diags) else {
                continue;
            };
            let s_path = format!("{item_path}.spec");
            check_keys(s, GRID_ITEM_KEYS, &s_path, "grid item", self.diags);
            let grid = GridPos {
                x: get_u32(s, "x").unwrap_or(0),
                y: get_u32(s, "y").unwrap_or(0).saturating_add(y0),
                w: get_u32(s, "width").unwrap_or(0),
                h: get_u32(s, "height").unwrap_or(0),
            };
            if let Some(mut panel) = self.element(s, &s_path, grid) {
                if let Some(r) = get_obj(s, "repeat") {
                    repeat(r, &mut panel, None);
                }
                placed.bottom = placed.bottom.max(grid.y.saturating_add(grid.h));
                placed.panels.push(Value::Object(panel));
            }
        }
        placed
    }

    fn auto_grid(&mut self, spec: &'a Map<String, Value>, path: &str, y0: u32) -> Placed {
        check_keys(spec, AUTO_GRID_KEYS, path, "auto grid layout", self.diags);
        let columns = get_num(spec, "maxColumnCount")
            .filter(|n| *n > 0.0)
            .unwrap_or(DEFAULT_MAX_COLUMNS);
        let w = ((f64::from(GRID_COLUMNS) / columns) as u32).clamp(1, GRID_COLUMNS);
        let h = auto_row_height(spec);
        let mut placed = Placed {
            panels: Vec::new(),
            bottom: y0,
        };
        let per_row = (columns as u32).clamp(1, GRID_COLUMNS / w);
        let (mut column, mut y) = (0, y0);
        for (i, item) in get_arr(spec, "items").iter().enumerate() {
            let item_path = format!("{path}.items[{i}]");
            let Some((_, s)) = kind_spec(item, "AutoGridLayoutItem", &item_path, self.diags) else {
                continue;
            };
            let s_path = format!("{item_path}.spec");
            check_keys(s, AUTO_ITEM_KEYS, &s_path, "auto grid item", self.diags);
            self.conditional(s, &s_path);
            let grid = GridPos {
                x: column * w,
                y,
                w,
                h,
            };
            let Some(mut panel) = self.element(s, &s_path, grid) else {
                continue;
            };
            if let Some(r) = get_obj(s, "repeat") {
                repeat(r, &mut panel, Some(columns as u32));
            }
            placed.bottom = placed.bottom.max(y + h);
            placed.panels.push(Value::Object(panel));
            column += 1;
            if column == per_row {
                column = 0;
                y += h;
            }
        }
        placed
    }

    fn rows(&mut self, spec: &'a Map<String, Value>, path: &str, y0: u32) -> Placed {
        check_keys(spec, &["rows"], path, "rows layout", self.diags);
        let mut placed = Placed {
            panels: Vec::new(),
            bottom: y0,
        };
        for (i, row) in get_arr(spec, "rows").iter().enumerate() {
            let row_path = format!("{path}.rows[{i}]");
            let Some((_, s)) = kind_spec(row, "RowsLayoutRow", &row_path, self.diags) else {
                continue;
            };
            let s_path = format!("{row_path}.spec");
            check_keys(s, ROW_KEYS, &s_path, "row", self.diags);
            self.conditional(s, &s_path);
            self.section_variables(s, &s_path);
            let section = self.row(s, &s_path, &row_path, placed.bottom);
            placed.panels.extend(section.panels);
            placed.bottom = section.bottom;
        }
        placed
    }

    /// One row of a `RowsLayout` from `y0`: a header (unless hidden), then its content.
    fn row(&mut self, s: &'a Map<String, Value>, s_path: &str, row_path: &str, y0: u32) -> Placed {
        let layout_path = format!("{s_path}.layout");
        let Some(layout) = s.get("layout") else {
            self.diags
                .push(warning(s_path, "row has no layout; empty".into()));
            return Placed {
                panels: Vec::new(),
                bottom: y0,
            };
        };
        let nested = matches!(
            layout.get("kind").and_then(Value::as_str),
            Some("RowsLayout" | "TabsLayout")
        );
        let collapsed = get_bool(s, "collapse");
        if get_bool(s, "hideHeader") {
            return self.layout(layout, &layout_path, y0);
        }
        let mut header = row_panel(s, row_path, y0);
        if nested || !collapsed {
            if nested && collapsed {
                self.diags.push(info(
                    &format!("{s_path}.collapse"),
                    "a collapsed row holding rows or tabs is shown expanded (v1 rows do not nest)"
                        .into(),
                ));
            }
            let mut inner = self.layout(layout, &layout_path, y0 + 1);
            inner.panels.insert(0, Value::Object(header));
            inner.bottom = inner.bottom.max(y0 + 1);
            return inner;
        }
        // Collapsed: the row holds its panels at the positions they take when expanded.
        let inner = self.layout(layout, &layout_path, y0 + 1);
        header.insert("collapsed".into(), json!(true));
        header.insert("panels".into(), Value::Array(flatten(inner.panels)));
        Placed {
            panels: vec![Value::Object(header)],
            bottom: y0 + 1,
        }
    }

    fn tabs(&mut self, spec: &'a Map<String, Value>, path: &str, y0: u32) -> Placed {
        check_keys(spec, &["tabs"], path, "tabs layout", self.diags);
        let mut placed = Placed {
            panels: Vec::new(),
            bottom: y0,
        };
        for (i, tab) in get_arr(spec, "tabs").iter().enumerate() {
            let tab_path = format!("{path}.tabs[{i}]");
            let Some((_, s)) = kind_spec(tab, "TabsLayoutTab", &tab_path, self.diags) else {
                continue;
            };
            let s_path = format!("{tab_path}.spec");
            check_keys(s, TAB_KEYS, &s_path, "tab", self.diags);
            self.conditional(s, &s_path);
            self.section_variables(s, &s_path);
            let y = placed.bottom;
            placed
                .panels
                .push(Value::Object(row_panel(s, &tab_path, y)));
            placed.bottom = y + 1;
            if let Some(layout) = s.get("layout") {
                let inner = self.layout(layout, &format!("{s_path}.layout"), y + 1);
                placed.panels.extend(inner.panels);
                placed.bottom = placed.bottom.max(inner.bottom);
            }
        }
        placed
    }

    /// The v1 panel of the element an item references, tagged with its v2 path.
    fn element(
        &mut self,
        item: &'a Map<String, Value>,
        item_path: &str,
        grid: GridPos,
    ) -> Option<Map<String, Value>> {
        let name = get_obj(item, "element").and_then(|e| get_str(e, "name"));
        let Some(name) = name else {
            self.diags.push(warning(
                &format!("{item_path}.element"),
                "layout item names no element; skipped".into(),
            ));
            return None;
        };
        let Some(el) = self.elements.get(name) else {
            self.diags.push(warning(
                &format!("{item_path}.element"),
                format!("element `{name}` is not in {}; skipped", self.elements_path),
            ));
            return None;
        };
        let el_path = format!("{}.{name}", self.elements_path);
        self.used.insert(name);
        let mut panel = element::panel(el, &el_path, grid, self.diags)?;
        panel.insert(V2_PATH_KEY.into(), json!(el_path));
        Some(panel)
    }

    /// Conditional rendering depends on values triage does not evaluate: the item always shows.
    fn conditional(&mut self, s: &Map<String, Value>, path: &str) {
        if s.contains_key("conditionalRendering") {
            self.diags.push(info(
                &format!("{path}.conditionalRendering"),
                "conditional rendering is not evaluated; always shown".into(),
            ));
        }
    }

    fn section_variables(&mut self, s: &Map<String, Value>, path: &str) {
        for (i, v) in get_arr(s, "variables").iter().enumerate() {
            self.sections
                .push((v.clone(), format!("{path}.variables[{i}]")));
        }
    }

    /// Elements no layout item references are not on the dashboard (Grafana refuses to convert
    /// such a dashboard to v1).
    fn report_unplaced(&mut self) {
        let mut names: Vec<&String> = self
            .elements
            .keys()
            .filter(|k| !self.used.contains(k.as_str()))
            .collect();
        names.sort();
        for name in names {
            self.diags.push(warning(
                &format!("{}.{name}", self.elements_path),
                "element is not placed by the layout; not shown".into(),
            ));
        }
    }
}

/// Row height in grid units: short 5, standard 9, tall 14, custom pixels rounded up.
fn auto_row_height(spec: &Map<String, Value>) -> u32 {
    match get_str(spec, "rowHeightMode") {
        Some("short") => 5,
        Some("tall") => 14,
        Some("custom") => get_num(spec, "rowHeight")
            .filter(|px| *px > 0.0)
            .map_or(STANDARD_ROW_HEIGHT, |px| (px / GRID_UNIT_PX).ceil() as u32),
        _ => STANDARD_ROW_HEIGHT,
    }
}

/// A v1 row panel for a row or tab spec at `y`.
fn row_panel(s: &Map<String, Value>, path: &str, y: u32) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("type".into(), json!("row"));
    row.insert("title".into(), json!(get_str(s, "title").unwrap_or("")));
    row.insert("collapsed".into(), json!(false));
    row.insert(
        "gridPos".into(),
        json!({ "x": 0, "y": y, "w": GRID_COLUMNS, "h": 1 }),
    );
    if let Some(var) = get_obj(s, "repeat").and_then(|r| get_nonempty(r, "value")) {
        row.insert("repeat".into(), json!(var));
    }
    row.insert(V2_PATH_KEY.into(), json!(path));
    row
}

/// Repeat options (`mode: variable`, `value`, `direction`, `maxPerRow`) as v1 panel fields; an
/// AutoGrid repeat flows horizontally, `maxColumnCount` per row.
fn repeat(r: &Map<String, Value>, panel: &mut Map<String, Value>, auto_columns: Option<u32>) {
    let Some(var) = get_nonempty(r, "value") else {
        return;
    };
    panel.insert("repeat".into(), json!(var));
    let direction = get_string(r, "direction").or(auto_columns.map(|_| "h".into()));
    if let Some(d) = direction {
        panel.insert("repeatDirection".into(), json!(d));
    }
    if let Some(n) = get_u32(r, "maxPerRow").or(auto_columns) {
        panel.insert("maxPerRow".into(), json!(n));
    }
}

/// Row panels inside a collapsed row cannot exist in v1: keep only their panels.
fn flatten(panels: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for p in panels {
        if p.get("type").and_then(Value::as_str) == Some("row") {
            if let Some(Value::Array(children)) = p.get("panels") {
                out.extend(children.iter().cloned());
            }
        } else {
            out.push(p);
        }
    }
    out
}
