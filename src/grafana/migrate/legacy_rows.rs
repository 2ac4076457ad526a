//! Legacy `rows[]` (schema v16): flattened into grid-positioned `panels` the way Grafana's
//! v16 migration lays them out.

use serde_json::{Map, Value, json};

use super::PATH_KEY;
use super::legacy::truthy;
use crate::grafana::model::{Diagnostic, Severity};

const GRID_COLUMNS: i64 = 24;
const DEFAULT_PANEL_SPAN: f64 = 4.0;
const DEFAULT_ROW_HEIGHT_PX: f64 = 250.0;
const MIN_PANEL_HEIGHT_PX: f64 = 90.0;
/// Grid cell height (30 px) plus vertical margin (8 px).
const PANEL_HEIGHT_STEP_PX: f64 = 38.0;

/// Flatten legacy `rows[]` into grid-positioned `panels`, as Grafana's v16 migration does.
pub(super) fn upgrade_legacy_rows(dash: &mut Map<String, Value>, diags: &mut Vec<Diagnostic>) {
    let Some(rows_value) = dash.remove("rows") else {
        return;
    };
    let Value::Array(rows) = rows_value else {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: "rows".into(),
            message: "`rows` is not a list; ignored".into(),
        });
        return;
    };
    let out: Vec<Value> = match dash.remove("panels") {
        Some(Value::Array(existing)) => existing,
        _ => Vec::new(),
    };
    if !out.is_empty() && !rows.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: "rows".into(),
            message: "dashboard has both legacy `rows` and `panels`; row panels are appended \
                      after the others"
                .into(),
        });
    }
    let mut flat = Flattener {
        next_id: max_child_id(&rows).saturating_add(1),
        show_rows: rows.iter().any(row_shows_header),
        y: 0,
        out,
    };
    for row_value in rows {
        if let Value::Object(row) = row_value {
            flat.add_row(row);
        }
    }
    dash.insert("panels".into(), Value::Array(flat.out));
}

/// Highest `id` among the rows' panels (0 when none has one); new ids are handed out above it.
fn max_child_id(rows: &[Value]) -> i64 {
    rows.iter()
        .filter_map(|r| r.get("panels").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.get("id").and_then(Value::as_i64))
        .max()
        .unwrap_or(0)
}

/// Whether a legacy row shows a header (collapsible, titled or repeated).
fn row_shows_header(row: &Value) -> bool {
    truthy(row.get("collapse"))
        || truthy(row.get("showTitle"))
        || row
            .get("repeat")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
}

/// The flattening in progress: panels so far, the next free id and the next free grid line.
struct Flattener {
    out: Vec<Value>,
    next_id: i64,
    /// Once any row shows a header, every legacy row becomes a row panel (as in Grafana).
    show_rows: bool,
    y: i64,
}

impl Flattener {
    /// One legacy row: its panels placed on the grid, then its row panel if rows are shown.
    fn add_row(&mut self, mut row: Map<String, Value>) {
        // Clones left behind by an old repeat are regenerated at display time.
        if row.get("repeatIteration").is_some_and(|v| !v.is_null()) {
            return;
        }
        let row_height = grid_height(
            row.get("height")
                .and_then(px_value)
                .unwrap_or(DEFAULT_ROW_HEIGHT_PX),
        );
        let collapsed = truthy(row.get("collapse"));
        let mut children = match row.remove("panels") {
            Some(Value::Array(p)) => p,
            _ => Vec::new(),
        };
        self.assign_missing_ids(&mut children);
        let mut row_panel = if self.show_rows {
            Some(self.row_panel(&row, collapsed, row_height))
        } else {
            None
        };

        let mut area = RowArea::new(row_height, self.y);
        for child in children {
            let Value::Object(mut panel) = child else {
                continue;
            };
            self.place_panel(&mut panel, &mut area, row_height);
            match row_panel.as_mut() {
                Some(rp) if collapsed => {
                    if let Some(Value::Array(nested)) = rp.get_mut("panels") {
                        nested.push(Value::Object(panel));
                    }
                }
                _ => self.out.push(Value::Object(panel)),
            }
        }
        let has_row_panel = row_panel.is_some();
        if let Some(rp) = row_panel {
            self.out.push(Value::Object(rp));
        }
        if !(has_row_panel && collapsed) {
            self.y += row_height;
        }
    }

    fn assign_missing_ids(&mut self, children: &mut [Value]) {
        for child in children.iter_mut() {
            if let Value::Object(c) = child
                && !c.contains_key("id")
            {
                c.insert("id".into(), json!(self.next_id));
                self.next_id = self.next_id.saturating_add(1);
            }
        }
    }

    /// The row panel standing for a legacy row's header; it takes an id and one grid line.
    fn row_panel(
        &mut self,
        row: &Map<String, Value>,
        collapsed: bool,
        row_height: i64,
    ) -> Map<String, Value> {
        let mut rp = Map::new();
        rp.insert("id".into(), json!(self.next_id));
        rp.insert("type".into(), json!("row"));
        rp.insert(
            "title".into(),
            json!(row.get("title").and_then(Value::as_str).unwrap_or("")),
        );
        if let Some(rep) = row
            .get("repeat")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            rp.insert("repeat".into(), json!(rep));
        }
        rp.insert("collapsed".into(), json!(collapsed));
        rp.insert(
            "gridPos".into(),
            json!({"x": 0, "y": self.y, "w": GRID_COLUMNS, "h": row_height}),
        );
        if let Some(path) = row.get(PATH_KEY) {
            rp.insert(PATH_KEY.into(), path.clone());
        }
        rp.insert("panels".into(), json!([]));
        self.next_id = self.next_id.saturating_add(1);
        self.y += 1;
        rp
    }

    /// Give a panel its `gridPos` from its `span` and height, in the row's filling area.
    fn place_panel(&mut self, panel: &mut Map<String, Value>, area: &mut RowArea, row_height: i64) {
        let span = panel
            .get("span")
            .and_then(px_value)
            .unwrap_or(DEFAULT_PANEL_SPAN);
        let width = ((span * 2.0).floor() as i64).clamp(1, GRID_COLUMNS);
        let height = panel
            .get("height")
            .and_then(px_value)
            .map(grid_height)
            .unwrap_or(row_height);
        let (px, py) = area.place(width);
        self.y = area.y;
        let pos = GridRect {
            x: px,
            y: self.y + py,
            w: width,
            h: height,
        };
        area.add(pos);
        panel.insert(
            "gridPos".into(),
            json!({"x": pos.x, "y": pos.y, "w": pos.w, "h": pos.h}),
        );
        panel.remove("span");
    }
}

#[derive(Clone, Copy)]
struct GridRect {
    x: i64,
    y: i64,
    w: i64,
    h: i64,
}

/// The filled height of each grid column within one legacy row, as Grafana's `RowArea` tracks it.
struct RowArea {
    filled: [i64; GRID_COLUMNS as usize],
    y: i64,
    height: i64,
}

impl RowArea {
    fn new(height: i64, y: i64) -> Self {
        RowArea {
            filled: [0; GRID_COLUMNS as usize],
            y,
            height,
        }
    }

    fn add(&mut self, pos: GridRect) {
        let bottom = pos.y + pos.h - self.y;
        for i in pos.x.max(0)..(pos.x + pos.w).min(GRID_COLUMNS) {
            let cell = &mut self.filled[i as usize];
            if bottom > *cell {
                *cell = bottom;
            }
        }
    }

    /// Free run of columns at the right end, scanned right to left as Grafana does.
    fn free_run(&self) -> Option<(usize, usize)> {
        let mut end = None;
        let mut start = None;
        for i in (0..self.filled.len()).rev() {
            if self.height - self.filled[i] > 0 {
                if end.is_none() {
                    end = Some(i);
                } else if i < self.filled.len() - 1 && self.filled[i] <= self.filled[i + 1] {
                    start = Some(i);
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        Some((start?, end?))
    }

    /// Position (x, y relative to the area) for a panel of `width` columns; wraps once.
    fn place(&mut self, width: i64) -> (i64, i64) {
        for attempt in 0..2 {
            if let Some((start, end)) = self.free_run()
                && (end - start) as i64 >= width - 1
            {
                let y = self.filled[start..].iter().copied().max().unwrap_or(0);
                return (start as i64, y);
            }
            if attempt == 0 {
                self.y += self.height;
                self.filled = [0; GRID_COLUMNS as usize];
            }
        }
        (0, 0)
    }
}

/// Tallest legacy row or panel accepted, in grid units; absurd heights are clamped so the
/// layout arithmetic cannot overflow.
const MAX_GRID_HEIGHT: i64 = 10_000;

/// Pixel height (number or `"250px"` string) to grid units.
fn grid_height(px: f64) -> i64 {
    ((px.max(MIN_PANEL_HEIGHT_PX) / PANEL_HEIGHT_STEP_PX).ceil() as i64).min(MAX_GRID_HEIGHT)
}

fn px_value(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(s) => s
            .trim()
            .trim_end_matches("px")
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn grid_height_has_a_minimum_and_rounds_up() {
        assert_eq!(grid_height(250.0), 7);
        assert_eq!(grid_height(10.0), 3);
        assert_eq!(grid_height(38.0 * 5.0 + 1.0), 6);
    }

    #[test]
    fn px_strings_parse() {
        assert_eq!(px_value(&json!("300px")), Some(300.0));
        assert_eq!(px_value(&json!(" 42 ")), Some(42.0));
        assert_eq!(px_value(&json!("tall")), None);
    }

    #[test]
    fn row_area_wraps_when_full() {
        let mut area = RowArea::new(7, 0);
        let (x, y) = area.place(12);
        assert_eq!((x, y), (0, 0));
        area.add(GridRect {
            x,
            y: area.y + y,
            w: 12,
            h: 7,
        });
        let (x, y) = area.place(12);
        assert_eq!((x, y), (12, 0));
        area.add(GridRect {
            x,
            y: area.y + y,
            w: 12,
            h: 7,
        });
        let (x, y) = area.place(6);
        assert_eq!((x, y, area.y), (0, 0, 7));
    }
}
