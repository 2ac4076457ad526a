//! Grafana's dashboard migrations, applied to the raw JSON before it is typed.
//!
//! Each step rewrites an old shape into the modern one Grafana itself would produce, so the typed
//! conversion in `load.rs` only needs to understand one generation. Migrations key off content
//! (`rows` present, a panel's `type`), never off `schemaVersion`: mixin dashboards often declare
//! an old schema while using the modern layout. Pure: no I/O.

use serde_json::{Map, Value, json};

use super::model::{Diagnostic, Severity};

/// Private key the migrations leave on panel objects: the panel's JSON path in the source file,
/// which changes when legacy rows are flattened.
pub const PATH_KEY: &str = "__triagePath";
/// Private key holding the type a panel had before migration.
pub const ORIGINAL_TYPE_KEY: &str = "__triageOriginalType";

const GRID_COLUMNS: i64 = 24;
const DEFAULT_PANEL_SPAN: f64 = 4.0;
const DEFAULT_ROW_HEIGHT_PX: f64 = 250.0;
const MIN_PANEL_HEIGHT_PX: f64 = 90.0;
/// Grid cell height (30 px) plus vertical margin (8 px).
const PANEL_HEIGHT_STEP_PX: f64 = 38.0;

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

// ---------------------------------------------------------------------------------------------
// Legacy rows (v16)

/// Flatten legacy `rows[]` into grid-positioned `panels`, as Grafana's v16 migration does.
fn upgrade_legacy_rows(dash: &mut Map<String, Value>, diags: &mut Vec<Diagnostic>) {
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
    let mut out: Vec<Value> = match dash.remove("panels") {
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
    let max_id = rows
        .iter()
        .filter_map(|r| r.get("panels").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.get("id").and_then(Value::as_i64))
        .max()
        .unwrap_or(0);
    let mut next_id = max_id.saturating_add(1);
    let show_rows = rows.iter().any(|r| {
        truthy(r.get("collapse"))
            || truthy(r.get("showTitle"))
            || r.get("repeat")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
    });

    let mut y: i64 = 0;
    for row_value in rows {
        let Value::Object(mut row) = row_value else {
            continue;
        };
        // Clones left behind by an old repeat are regenerated at display time.
        if row.get("repeatIteration").is_some_and(|v| !v.is_null()) {
            continue;
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
        for child in children.iter_mut() {
            if let Value::Object(c) = child
                && !c.contains_key("id")
            {
                c.insert("id".into(), json!(next_id));
                next_id = next_id.saturating_add(1);
            }
        }
        let mut row_panel: Option<Map<String, Value>> = None;
        if show_rows {
            let mut rp = Map::new();
            rp.insert("id".into(), json!(next_id));
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
                json!({"x": 0, "y": y, "w": GRID_COLUMNS, "h": row_height}),
            );
            if let Some(path) = row.get(PATH_KEY) {
                rp.insert(PATH_KEY.into(), path.clone());
            }
            rp.insert("panels".into(), json!([]));
            next_id = next_id.saturating_add(1);
            y += 1;
            row_panel = Some(rp);
        }

        let mut area = RowArea::new(row_height, y);
        for child in children {
            let Value::Object(mut panel) = child else {
                continue;
            };
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
            y = area.y;
            let pos = GridRect {
                x: px,
                y: y + py,
                w: width,
                h: height,
            };
            area.add(pos);
            panel.insert(
                "gridPos".into(),
                json!({"x": pos.x, "y": pos.y, "w": pos.w, "h": pos.h}),
            );
            panel.remove("span");
            match row_panel.as_mut() {
                Some(rp) if collapsed => {
                    if let Some(Value::Array(nested)) = rp.get_mut("panels") {
                        nested.push(Value::Object(panel));
                    }
                }
                _ => out.push(Value::Object(panel)),
            }
        }
        let has_row_panel = row_panel.is_some();
        if let Some(rp) = row_panel {
            out.push(Value::Object(rp));
        }
        if !(has_row_panel && collapsed) {
            y += row_height;
        }
    }
    dash.insert("panels".into(), Value::Array(out));
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

/// `serde_json::Value::pointer` for a map: `at(panel, "/yaxes/0")`.
fn at<'a>(obj: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let mut parts = pointer.trim_start_matches('/').splitn(2, '/');
    let first = obj.get(parts.next()?)?;
    match parts.next() {
        Some(rest) => first.pointer(&format!("/{rest}")),
        None => Some(first),
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers for building modern field config

fn defaults_mut(panel: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let fc = panel
        .entry("fieldConfig")
        .or_insert_with(|| json!({"defaults": {}, "overrides": []}));
    if !fc.is_object() {
        *fc = json!({"defaults": {}, "overrides": []});
    }
    let Value::Object(fc) = fc else {
        unreachable!("just made an object")
    };
    let defaults = fc.entry("defaults").or_insert_with(|| json!({}));
    if !defaults.is_object() {
        *defaults = json!({});
    }
    match defaults {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

fn overrides_mut(panel: &mut Map<String, Value>) -> &mut Vec<Value> {
    defaults_mut(panel);
    let Some(Value::Object(fc)) = panel.get_mut("fieldConfig") else {
        unreachable!("defaults_mut made fieldConfig an object")
    };
    let ov = fc.entry("overrides").or_insert_with(|| json!([]));
    if !ov.is_array() {
        *ov = json!([]);
    }
    match ov {
        Value::Array(a) => a,
        _ => unreachable!("just made an array"),
    }
}

fn options_mut(panel: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let opts = panel.entry("options").or_insert_with(|| json!({}));
    if !opts.is_object() {
        *opts = json!({});
    }
    match opts {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

fn custom_mut(defaults: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let c = defaults.entry("custom").or_insert_with(|| json!({}));
    if !c.is_object() {
        *c = json!({});
    }
    match c {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

/// An object from owned values (`json!` would deep-copy interpolated `Value`s).
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A number written as a number or a numeric string; `null`/empty string are "unset".
fn loose_number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// Matcher for a legacy series alias or style pattern: `/re/` is a regex, anything else a name.
fn alias_matcher(alias: &str) -> Value {
    if alias.len() >= 2 && alias.starts_with('/') && alias.ends_with('/') {
        json!({"id": "byRegexp", "options": alias})
    } else {
        json!({"id": "byName", "options": alias})
    }
}

/// Grafana's old reducer names to modern reducer ids.
fn reducer_for_legacy_stat(name: &str) -> &'static str {
    match name {
        "min" => "min",
        "max" => "max",
        "avg" | "mean" => "mean",
        "median" => "median",
        "sum" | "total" => "sum",
        "count" => "count",
        "first" => "firstNotNull",
        "last" | "current" | "name" => "lastNotNull",
        "delta" => "delta",
        "diff" => "diff",
        "range" => "range",
        "last_time" => "lastNotNull",
        _ => "mean",
    }
}

/// Legacy `valueMaps` / `rangeMaps` (singlestat, table styles) to modern mappings.
fn legacy_value_mappings(value_maps: Option<&Value>, range_maps: Option<&Value>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut values = Map::new();
    for m in value_maps.and_then(Value::as_array).into_iter().flatten() {
        let text = m.get("text").and_then(Value::as_str).unwrap_or("");
        let key = match m.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        if key == "null" {
            out.push(
                json!({"type": "special", "options": {"match": "null", "result": {"text": text}}}),
            );
        } else {
            values.insert(key, json!({"text": text}));
        }
    }
    if !values.is_empty() {
        out.insert(
            0,
            obj([("type", json!("value")), ("options", Value::Object(values))]),
        );
    }
    for m in range_maps.and_then(Value::as_array).into_iter().flatten() {
        let text = m.get("text").and_then(Value::as_str).unwrap_or("");
        let from = loose_number(m.get("from"));
        let to = loose_number(m.get("to"));
        if m.get("from").and_then(Value::as_str) == Some("null")
            && m.get("to").and_then(Value::as_str) == Some("null")
        {
            out.push(
                json!({"type": "special", "options": {"match": "null", "result": {"text": text}}}),
            );
            continue;
        }
        out.push(
            json!({"type": "range", "options": {"from": from, "to": to, "result": {"text": text}}}),
        );
    }
    out
}

/// `"80,90"` + `[c0, c1, c2]` to threshold steps (`c0` is the base colour).
fn legacy_threshold_steps(levels: &str, colors: &[Value]) -> Vec<Value> {
    let color = |i: usize| {
        colors
            .get(i)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let mut steps = vec![json!({"value": null, "color": color(0)})];
    let parsed = levels
        .split(',')
        .filter_map(|s| s.trim().parse::<f64>().ok());
    for (i, level) in parsed.enumerate() {
        steps.push(json!({"value": level, "color": color(i + 1)}));
    }
    steps
}

// ---------------------------------------------------------------------------------------------
// singlestat → stat (v28 + the frontend's shared single-stat handler)

const SINGLESTAT_DEFAULT_COLORS: [&str; 3] = ["#299c46", "rgba(237, 129, 40, 0.89)", "#d44a3a"];

fn singlestat_to_stat(panel: &mut Map<String, Value>) {
    // grafana-singlestat-panel with modern-ish options keeps them under `options`.
    let old_options = panel.remove("options");
    let value_name = panel
        .get("valueName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let stat_from_options = old_options
        .as_ref()
        .and_then(|o| o.pointer("/valueOptions/stat"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let calc = reducer_for_legacy_stat(
        value_name
            .as_deref()
            .or(stat_from_options.as_deref())
            .unwrap_or("avg"),
    );

    let mut reduce = json!({"values": false, "calcs": [calc], "fields": ""});
    if let Some(col) = panel
        .get("tableColumn")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        reduce["fields"] = json!(format!("/^{col}$/"));
    }
    let sparkline_show = at(panel, "/sparkline/show")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let color_mode = if truthy(panel.get("colorBackground")) {
        "background"
    } else if truthy(panel.get("colorValue")) {
        "value"
    } else {
        "none"
    };
    let mut options = json!({
        "reduceOptions": reduce,
        "orientation": "horizontal",
        "graphMode": if sparkline_show { "area" } else { "none" },
        "colorMode": color_mode,
        "textMode": if value_name.as_deref() == Some("name") { "name" } else { "auto" },
        "justifyMode": "auto",
    });
    if let Some(Value::Object(old)) = &old_options
        && let Some(Value::Object(opts)) = Some(&mut options)
    {
        // Keep anything the newer plugin already wrote that we do not set ourselves.
        for (k, v) in old {
            if !opts.contains_key(k) && k != "valueOptions" {
                opts.insert(k.clone(), v.clone());
            }
        }
    }

    let format = panel
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            old_options
                .as_ref()
                .and_then(|o| o.pointer("/valueOptions/unit"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    let decimals = panel.get("decimals").cloned().filter(|d| !d.is_null());
    let null_text = panel
        .get("nullText")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let thresholds = panel.remove("thresholds");
    let colors: Vec<Value> = match panel.get("colors") {
        Some(Value::Array(c)) if !c.is_empty() => c.clone(),
        _ => SINGLESTAT_DEFAULT_COLORS.iter().map(|c| json!(c)).collect(),
    };
    let mappings = legacy_value_mappings(panel.get("valueMaps"), panel.get("rangeMaps"));
    let gauge_show = at(panel, "/gauge/show")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let gauge_min = loose_number(at(panel, "/gauge/minValue"));
    let gauge_max = loose_number(at(panel, "/gauge/maxValue"));
    let line_color = at(panel, "/sparkline/lineColor")
        .and_then(Value::as_str)
        .map(str::to_owned);

    panel.insert("options".into(), options);
    let defaults = defaults_mut(panel);
    if let Some(unit) = format {
        defaults.insert("unit".into(), json!(unit));
    }
    if let Some(d) = decimals {
        defaults.insert("decimals".into(), d);
    }
    if let Some(t) = null_text.filter(|t| !t.is_empty()) {
        defaults.insert("noValue".into(), json!(t));
    }
    match thresholds {
        Some(Value::String(levels)) => {
            defaults.insert(
                "thresholds".into(),
                obj([
                    ("mode", json!("absolute")),
                    (
                        "steps",
                        Value::Array(legacy_threshold_steps(&levels, &colors)),
                    ),
                ]),
            );
        }
        Some(Value::Array(steps)) if !steps.is_empty() => {
            // grafana-singlestat-panel style: already a list of steps.
            defaults.insert(
                "thresholds".into(),
                obj([("mode", json!("absolute")), ("steps", Value::Array(steps))]),
            );
        }
        _ => {
            defaults.insert(
                "thresholds".into(),
                obj([
                    ("mode", json!("absolute")),
                    ("steps", Value::Array(legacy_threshold_steps("", &colors))),
                ]),
            );
        }
    }
    if !mappings.is_empty() {
        defaults.insert("mappings".into(), Value::Array(mappings));
    }
    if sparkline_show && let Some(c) = line_color {
        defaults.insert("color".into(), json!({"mode": "fixed", "fixedColor": c}));
    }
    if gauge_show {
        if let Some(min) = gauge_min {
            defaults.insert("min".into(), json!(min));
        }
        if let Some(max) = gauge_max {
            defaults.insert("max".into(), json!(max));
        }
    }
    let unit = defaults
        .get("unit")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (min, max) = match unit.as_deref() {
        Some("percent") => (0.0, 100.0),
        Some("percentunit") => (0.0, 1.0),
        _ => return,
    };
    if defaults.get("min").is_none_or(Value::is_null) {
        defaults.insert("min".into(), json!(min));
    }
    if defaults.get("max").is_none_or(Value::is_null) {
        defaults.insert("max".into(), json!(max));
    }
}

// ---------------------------------------------------------------------------------------------
// Angular table with styles → table (v24)

fn angular_table_to_table(panel: &mut Map<String, Value>) {
    let styles = match panel.remove("styles") {
        Some(Value::Array(s)) => s,
        _ => Vec::new(),
    };
    let transform = panel
        .get("transform")
        .and_then(Value::as_str)
        .unwrap_or("timeseries_to_columns")
        .to_owned();
    let columns = panel.get("columns").cloned();
    let sort = panel.get("sort").cloned();

    let mut new_transforms = Vec::new();
    match transform.as_str() {
        "timeseries_to_rows" => new_transforms.push(json!({"id": "seriesToRows", "options": {}})),
        "timeseries_to_columns" => {
            new_transforms.push(json!({"id": "seriesToColumns", "options": {}}))
        }
        "timeseries_aggregations" => {
            let reducers: Vec<Value> = columns
                .as_ref()
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|c| c.get("value").and_then(Value::as_str))
                .map(|v| {
                    json!(match v {
                        "avg" => "mean",
                        "current" => "lastNotNull",
                        "total" => "sum",
                        other => other,
                    })
                })
                .collect();
            new_transforms.push(obj([
                ("id", json!("reduce")),
                ("options", obj([("reducers", Value::Array(reducers))])),
            ]));
        }
        "table" => new_transforms.push(json!({"id": "merge", "options": {}})),
        _ => {}
    }
    if !new_transforms.is_empty() {
        let existing = match panel.remove("transformations") {
            Some(Value::Array(t)) => t,
            _ => Vec::new(),
        };
        new_transforms.extend(existing);
        panel.insert("transformations".into(), Value::Array(new_transforms));
    }

    for style in &styles {
        let Some(pattern) = style.get("pattern").and_then(Value::as_str) else {
            continue;
        };
        let props = style_properties(style);
        if pattern == "/.*/" {
            let defaults = defaults_mut(panel);
            for (id, value) in props {
                set_property(defaults, &id, value);
            }
        } else if !props.is_empty() {
            let properties: Vec<Value> = props
                .into_iter()
                .map(|(id, value)| obj([("id", Value::String(id)), ("value", value)]))
                .collect();
            overrides_mut(panel).push(obj([
                ("matcher", alias_matcher(pattern)),
                ("properties", Value::Array(properties)),
            ]));
        }
    }

    if let Some(sort) = sort
        && let Some(col) = sort.get("col").and_then(Value::as_i64)
    {
        let desc = sort.get("desc").and_then(Value::as_bool).unwrap_or(false);
        // Angular tables sorted by column index; the column's name is unknown until data arrives.
        options_mut(panel).insert(
            "sortBy".into(),
            json!([{"displayName": format!("#{col}"), "desc": desc}]),
        );
    }
}

/// Field-config properties (id → value) one angular table style sets.
fn style_properties(style: &Value) -> Vec<(String, Value)> {
    let mut props = Vec::new();
    if let Some(alias) = style
        .get("alias")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        props.push(("displayName".into(), json!(alias)));
    }
    let kind = style
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("number");
    match kind {
        "hidden" => props.push(("custom.hidden".into(), json!(true))),
        "date" => {
            let fmt = style
                .get("dateFormat")
                .and_then(Value::as_str)
                .unwrap_or("YYYY-MM-DD HH:mm:ss");
            props.push(("unit".into(), json!(format!("time: {fmt}"))));
        }
        _ => {
            if let Some(unit) = style
                .get("unit")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                props.push(("unit".into(), json!(unit)));
            }
            if let Some(d) = style.get("decimals").filter(|d| !d.is_null()) {
                props.push(("decimals".into(), d.clone()));
            }
        }
    }
    if let Some(mode) = style.get("colorMode").and_then(Value::as_str) {
        let display = match mode {
            "cell" => "color-background",
            "value" => "color-text",
            _ => "color-background",
        };
        props.push(("custom.displayMode".into(), json!(display)));
        let colors: Vec<Value> = style
            .get("colors")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let levels = match style.get("thresholds") {
            Some(Value::Array(t)) => t
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(","),
            Some(Value::String(s)) => s.clone(),
            _ => String::new(),
        };
        props.push((
            "thresholds".into(),
            obj([
                ("mode", json!("absolute")),
                (
                    "steps",
                    Value::Array(legacy_threshold_steps(&levels, &colors)),
                ),
            ]),
        ));
    }
    let mappings = legacy_value_mappings(style.get("valueMaps"), style.get("rangeMaps"));
    if !mappings.is_empty() {
        props.push(("mappings".into(), Value::Array(mappings)));
    }
    if let Some(link) = style
        .get("linkUrl")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        let title = style
            .get("linkTooltip")
            .and_then(Value::as_str)
            .unwrap_or("");
        let blank = truthy(style.get("linkTargetBlank"));
        props.push((
            "links".into(),
            json!([{"title": title, "url": link, "targetBlank": blank}]),
        ));
    }
    props
}

/// Put a property (`unit`, `custom.hidden`) into a defaults object.
fn set_property(defaults: &mut Map<String, Value>, id: &str, value: Value) {
    if let Some(rest) = id.strip_prefix("custom.") {
        custom_mut(defaults).insert(rest.to_owned(), value);
    } else {
        defaults.insert(id.to_owned(), value);
    }
}

// ---------------------------------------------------------------------------------------------
// graph → timeseries (the frontend's graphToTimeseriesOptions, simple parts)

fn graph_to_timeseries(panel: &mut Map<String, Value>) {
    let bars = truthy(panel.get("bars"));
    let lines = panel.get("lines").and_then(Value::as_bool).unwrap_or(true);
    let points = truthy(panel.get("points"));
    let fill = loose_number(panel.get("fill")).unwrap_or(1.0);
    let line_width = loose_number(panel.get("linewidth")).unwrap_or(1.0);
    let stack = truthy(panel.get("stack"));
    let percentage = truthy(panel.get("percentage"));
    // Taken out rather than copied: the modern panel has no use for them.
    let (y1, y2) = match panel.remove("yaxes") {
        Some(Value::Array(mut axes)) => {
            let y2 = (axes.len() > 1).then(|| axes.swap_remove(1));
            (axes.into_iter().next(), y2)
        }
        _ => (None, None),
    };
    let legend = panel.remove("legend");
    let alias_colors = panel.remove("aliasColors");
    let series_overrides = panel.remove("seriesOverrides");
    let thresholds = panel.remove("thresholds");
    let decimals = panel.remove("decimals").filter(|d| !d.is_null());

    let draw_style = if bars {
        "bars"
    } else if lines {
        "line"
    } else if points {
        "points"
    } else {
        "line"
    };
    {
        let defaults = defaults_mut(panel);
        let custom = custom_mut(defaults);
        custom.insert("drawStyle".into(), json!(draw_style));
        custom.insert("lineWidth".into(), json!(line_width));
        custom.insert("fillOpacity".into(), json!(fill * 10.0));
        custom.insert(
            "showPoints".into(),
            json!(if points { "always" } else { "never" }),
        );
        let stack_mode = match (stack, percentage) {
            (true, true) => "percent",
            (true, false) => "normal",
            _ => "none",
        };
        custom.insert("stacking".into(), json!({"mode": stack_mode, "group": "A"}));
        if let Some(y) = &y1 {
            apply_axis(defaults, y);
        }
        if let Some(d) = decimals {
            defaults.insert("decimals".into(), d);
        }
    }
    if let Some(Value::Array(list)) = &thresholds
        && !list.is_empty()
    {
        graph_thresholds(panel, list);
    }

    let mut overrides = Vec::new();
    if let Some(Value::Object(colors)) = &alias_colors {
        for (name, color) in colors {
            if let Some(c) = color.as_str() {
                overrides.push(json!({
                    "matcher": {"id": "byName", "options": name},
                    "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": c}}],
                }));
            }
        }
    }
    for so in series_overrides
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(alias) = so.get("alias").and_then(Value::as_str) else {
            continue;
        };
        let props = series_override_properties(so, y2.as_ref());
        if !props.is_empty() {
            overrides.push(obj([
                ("matcher", alias_matcher(alias)),
                ("properties", Value::Array(props)),
            ]));
        }
    }
    overrides_mut(panel).extend(overrides);

    let legend_opts = graph_legend(legend.as_ref());
    options_mut(panel).insert("legend".into(), legend_opts);
}

/// A legacy y-axis (`format`, `min`, `max`, `logBase`, `label`, `show`) onto field config.
fn apply_axis(target: &mut Map<String, Value>, axis: &Value) {
    if let Some(fmt) = axis.get("format").and_then(Value::as_str) {
        target.insert("unit".into(), json!(fmt));
    }
    if let Some(d) = axis.get("decimals").filter(|d| !d.is_null()) {
        target.insert("decimals".into(), d.clone());
    }
    if let Some(min) = loose_number(axis.get("min")) {
        target.insert("min".into(), json!(min));
    }
    if let Some(max) = loose_number(axis.get("max")) {
        target.insert("max".into(), json!(max));
    }
    let custom = custom_mut(target);
    if let Some(base) = loose_number(axis.get("logBase")).filter(|b| *b > 1.0) {
        custom.insert(
            "scaleDistribution".into(),
            json!({"type": "log", "log": base}),
        );
    }
    if let Some(label) = axis
        .get("label")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        custom.insert("axisLabel".into(), json!(label));
    }
    if axis.get("show").and_then(Value::as_bool) == Some(false) {
        custom.insert("axisPlacement".into(), json!("hidden"));
    }
}

fn series_override_properties(so: &Value, y2: Option<&Value>) -> Vec<Value> {
    let mut props = Vec::new();
    if so.get("bars").and_then(Value::as_bool) == Some(true) {
        props.push(json!({"id": "custom.drawStyle", "value": "bars"}));
    }
    if so.get("lines").and_then(Value::as_bool) == Some(false)
        && so.get("bars").and_then(Value::as_bool) != Some(true)
    {
        props.push(json!({"id": "custom.drawStyle", "value": "points"}));
    }
    if let Some(fill) = loose_number(so.get("fill")) {
        props.push(json!({"id": "custom.fillOpacity", "value": fill * 10.0}));
    }
    if let Some(lw) = loose_number(so.get("linewidth")) {
        props.push(json!({"id": "custom.lineWidth", "value": lw}));
    }
    if so.get("stack").and_then(Value::as_bool) == Some(false) {
        props.push(json!({"id": "custom.stacking", "value": {"mode": "none", "group": "A"}}));
    }
    if let Some(c) = so.get("color").and_then(Value::as_str) {
        props.push(json!({"id": "color", "value": {"mode": "fixed", "fixedColor": c}}));
    }
    if so.get("legend").and_then(Value::as_bool) == Some(false) {
        props.push(json!({"id": "custom.hideFrom", "value": {"legend": true, "tooltip": false, "viz": false}}));
    }
    if so.get("transform").and_then(Value::as_str) == Some("negative-Y") {
        props.push(json!({"id": "custom.transform", "value": "negative-Y"}));
    }
    if loose_number(so.get("yaxis")) == Some(2.0) {
        props.push(json!({"id": "custom.axisPlacement", "value": "right"}));
        if let Some(axis) = y2 {
            let mut m = Map::new();
            apply_axis(&mut m, axis);
            for key in ["unit", "decimals", "min", "max"] {
                if let Some(v) = m.remove(key) {
                    props.push(obj([("id", json!(key)), ("value", v)]));
                }
            }
        }
    }
    props
}

fn graph_legend(legend: Option<&Value>) -> Value {
    let Some(l) = legend else {
        return json!({"showLegend": true, "displayMode": "list", "placement": "bottom", "calcs": []});
    };
    let show = l.get("show").and_then(Value::as_bool).unwrap_or(true);
    let as_table = truthy(l.get("alignAsTable"));
    let mut calcs = Vec::new();
    if l.get("values").and_then(Value::as_bool).unwrap_or(false) {
        for (key, calc) in [
            ("min", "min"),
            ("max", "max"),
            ("avg", "mean"),
            ("current", "lastNotNull"),
            ("total", "sum"),
        ] {
            if truthy(l.get(key)) {
                calcs.push(json!(calc));
            }
        }
    }
    let mut legend = json!({
        "showLegend": show,
        "displayMode": if !show { "hidden" } else if as_table { "table" } else { "list" },
        "placement": if truthy(l.get("rightSide")) { "right" } else { "bottom" },
        "calcs": [],
    });
    legend["calcs"] = Value::Array(calcs);
    legend
}

/// Graph thresholds (`[{value, op, colorMode, fill, line}]`) to steps and a thresholds style.
fn graph_thresholds(panel: &mut Map<String, Value>, list: &[Value]) {
    let mut items: Vec<(f64, bool, String, bool, bool)> = list
        .iter()
        .filter_map(|t| {
            let value = loose_number(t.get("value"))?;
            let below = t.get("op").and_then(Value::as_str) == Some("lt");
            let color = match t
                .get("colorMode")
                .and_then(Value::as_str)
                .unwrap_or("critical")
            {
                "critical" => "red".to_owned(),
                "warning" => "orange".to_owned(),
                "ok" => "green".to_owned(),
                _ => t
                    .get("lineColor")
                    .or_else(|| t.get("fillColor"))
                    .and_then(Value::as_str)
                    .unwrap_or("red")
                    .to_owned(),
            };
            let fill = t.get("fill").and_then(Value::as_bool).unwrap_or(true);
            let line = t.get("line").and_then(Value::as_bool).unwrap_or(true);
            Some((value, below, color, fill, line))
        })
        .collect();
    if items.is_empty() {
        return;
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut steps = vec![json!({"value": null, "color": "transparent"})];
    for (value, below, color, _, _) in &items {
        if *below {
            // The area below `value` takes the colour: recolour the step that ends here.
            if let Some(last) = steps.last_mut() {
                last["color"] = json!(color);
            }
            steps.push(json!({"value": value, "color": "transparent"}));
        } else {
            steps.push(json!({"value": value, "color": color}));
        }
    }
    let any_fill = items.iter().any(|i| i.3);
    let any_line = items.iter().any(|i| i.4);
    let style = match (any_line, any_fill) {
        (true, true) => "line+area",
        (false, true) => "area",
        (true, false) => "line",
        (false, false) => "off",
    };
    let defaults = defaults_mut(panel);
    defaults.insert(
        "thresholds".into(),
        obj([("mode", json!("absolute")), ("steps", Value::Array(steps))]),
    );
    custom_mut(defaults).insert("thresholdsStyle".into(), json!({"mode": style}));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrated(panel: Value) -> Map<String, Value> {
        let Value::Object(mut p) = panel else {
            panic!("fixture must be an object")
        };
        migrate_panel(&mut p, &mut Vec::new());
        p
    }

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

    #[test]
    fn singlestat_thresholds_and_colors() {
        let p = migrated(json!({
            "type": "singlestat", "valueName": "current", "format": "percent",
            "thresholds": "80,90", "colors": ["green", "orange", "red"], "colorBackground": true,
            "sparkline": {"show": true}
        }));
        assert_eq!(p["type"], "stat");
        assert_eq!(
            p["options"]["reduceOptions"]["calcs"],
            json!(["lastNotNull"])
        );
        assert_eq!(p["options"]["colorMode"], "background");
        assert_eq!(p["options"]["graphMode"], "area");
        let d = &p["fieldConfig"]["defaults"];
        assert_eq!(d["unit"], "percent");
        assert_eq!(d["min"], json!(0.0));
        assert_eq!(d["max"], json!(100.0));
        assert_eq!(
            d["thresholds"]["steps"],
            json!([{"value": null, "color": "green"}, {"value": 80.0, "color": "orange"}, {"value": 90.0, "color": "red"}])
        );
    }

    #[test]
    fn singlestat_default_reducer_is_mean() {
        let p = migrated(json!({"type": "singlestat"}));
        assert_eq!(p["options"]["reduceOptions"]["calcs"], json!(["mean"]));
        assert_eq!(p["options"]["colorMode"], "none");
    }

    #[test]
    fn graph_yaxis_and_legend() {
        let p = migrated(json!({
            "type": "graph", "fill": 2, "stack": true,
            "yaxes": [{"format": "bytes", "logBase": 2, "min": "0"}, {"format": "short"}],
            "legend": {"show": true, "values": true, "current": true, "max": true, "alignAsTable": true, "rightSide": true},
            "seriesOverrides": [{"alias": "/err.*/", "yaxis": 2, "color": "#ff0000"}]
        }));
        assert_eq!(p["type"], "timeseries");
        let d = &p["fieldConfig"]["defaults"];
        assert_eq!(d["unit"], "bytes");
        assert_eq!(d["min"], json!(0.0));
        assert_eq!(d["custom"]["fillOpacity"], json!(20.0));
        assert_eq!(d["custom"]["stacking"]["mode"], "normal");
        assert_eq!(d["custom"]["scaleDistribution"]["log"], json!(2.0));
        assert_eq!(p["options"]["legend"]["displayMode"], "table");
        assert_eq!(p["options"]["legend"]["placement"], "right");
        assert_eq!(
            p["options"]["legend"]["calcs"],
            json!(["max", "lastNotNull"])
        );
        let ov = &p["fieldConfig"]["overrides"][0];
        assert_eq!(ov["matcher"]["id"], "byRegexp");
        assert!(
            ov["properties"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["id"] == "unit" && x["value"] == "short"))
        );
    }

    #[test]
    fn angular_table_styles_become_defaults_and_overrides() {
        let p = migrated(json!({
            "type": "table", "transform": "table",
            "styles": [
                {"pattern": "/.*/", "type": "number", "unit": "ms", "decimals": 1},
                {"pattern": "Time", "type": "hidden"},
                {"pattern": "Value", "alias": "Latency", "colorMode": "cell", "thresholds": ["1", "2"], "colors": ["a", "b", "c"]}
            ]
        }));
        assert_eq!(p["fieldConfig"]["defaults"]["unit"], "ms");
        assert_eq!(p["transformations"][0]["id"], "merge");
        let ovs = p["fieldConfig"]["overrides"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(ovs.len(), 2);
        assert_eq!(ovs[0]["properties"][0]["id"], "custom.hidden");
        assert_eq!(
            ovs[1]["properties"][0],
            json!({"id": "displayName", "value": "Latency"})
        );
    }
}
