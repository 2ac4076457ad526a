//! Loading dashboard files: file forms, JSON with comments, diagnostics.
//!
//! The pipeline is: bytes → text (UTF-8, BOM) → JSON (strict, then relaxed for comments and
//! trailing commas) → unwrap the API wrapper → `migrate` (old shapes to modern JSON) → typed
//! `Dashboard`. Only reading the file in `load_path` does I/O.

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::migrate::{self, ORIGINAL_TYPE_KEY, PATH_KEY};
use super::model::{
    Annotation, ColorSpec, CustomFieldConfig, Dashboard, DashboardLink, DatasourceRef, Diagnostic,
    FieldConfig, FieldDefaults, FieldMatcher, FieldOverride, GridPos, LegendOptions, Link,
    MappingResult, Panel, PanelOptions, ReduceOptions, Repeat, RepeatDirection, Row, Severity,
    Target, TargetFormat, ThresholdStep, Thresholds, ThresholdsMode, TimeRangeSpec, Transformation,
    ValueMapping, Variable, VariableKind, VariableOption, VariableSelection,
};

/// A loaded dashboard and what the loader noticed on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dashboard: Dashboard,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a file could not be loaded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}:{}: {}", self.file, l, c, self.message),
            (Some(l), None) => write!(f, "{}:{}: {}", self.file, l, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Files larger than this are refused: real dashboards are well under 10 MB.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Load a dashboard file.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| whole_file_error(&name, e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(&name, meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| whole_file_error(&name, e.to_string()))?;
    load_bytes(&bytes, &name)
}

/// Load a dashboard from raw bytes (checks UTF-8 first); `source` names it in messages.
pub fn load_bytes(bytes: &[u8], source: &str) -> Result<Loaded, LoadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => load_str(text, source),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            Err(LoadError {
                file: source.to_owned(),
                line: Some(line),
                column: Some(column),
                message: format!(
                    "file is not valid UTF-8 (invalid byte at offset {}); dashboards are UTF-8 JSON",
                    e.valid_up_to()
                ),
            })
        }
    }
}

/// Load a dashboard from text; `source` names it in messages.
pub fn load_str(text: &str, source: &str) -> Result<Loaded, LoadError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(source, text.len() as u64));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(whole_file_error(
            source,
            "file is empty; expected a dashboard JSON object".into(),
        ));
    }
    let mut diagnostics = Vec::new();
    let value = parse_json(text, source, &mut diagnostics)?;
    let Value::Object(mut root) = value else {
        return Err(whole_file_error(
            source,
            format!(
                "expected a JSON object (a Grafana dashboard), found {}",
                kind_of(&value)
            ),
        ));
    };
    root = unwrap_api_form(root, &mut diagnostics);
    let elements = root.remove("__elements");
    migrate::migrate_dashboard(&mut root, &mut diagnostics);
    let dashboard = convert_dashboard(&root, elements.as_ref(), &mut diagnostics);
    Ok(Loaded {
        dashboard,
        diagnostics,
    })
}

fn whole_file_error(source: &str, message: String) -> LoadError {
    LoadError {
        file: source.to_owned(),
        line: None,
        column: None,
        message,
    }
}

fn too_large(source: &str, len: u64) -> LoadError {
    whole_file_error(
        source,
        format!("file is {len} bytes; refusing dashboards over {MAX_FILE_BYTES} bytes"),
    )
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------
// JSON, strict then relaxed

fn parse_json(text: &str, source: &str, diags: &mut Vec<Diagnostic>) -> Result<Value, LoadError> {
    let strict_err = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let relaxed = relax_json(text);
    if relaxed.notes.is_empty() {
        return Err(json_error(source, &strict_err));
    }
    match serde_json::from_str::<Value>(&relaxed.text) {
        Ok(v) => {
            for note in relaxed.notes {
                diags.push(Diagnostic {
                    severity: Severity::Warning,
                    path: String::new(),
                    message: format!(
                        "line {}: {} (Grafana accepts only strict JSON)",
                        note.line, note.what
                    ),
                });
            }
            Ok(v)
        }
        // Positions are the same in both texts: the relaxed one only blanks bytes.
        Err(e) => Err(json_error(source, &e)),
    }
}

fn json_error(source: &str, e: &serde_json::Error) -> LoadError {
    let full = e.to_string();
    let message = match full.rsplit_once(" at line ") {
        Some((msg, _)) => msg.to_owned(),
        None => full,
    };
    let message = match e.classify() {
        serde_json::error::Category::Eof => format!("invalid JSON: {message} (file is truncated?)"),
        _ => format!("invalid JSON: {message}"),
    };
    LoadError {
        file: source.to_owned(),
        line: (e.line() > 0).then_some(e.line()),
        column: (e.line() > 0).then_some(e.column()),
        message,
    }
}

struct RelaxNote {
    line: usize,
    what: &'static str,
}

struct Relaxed {
    text: String,
    notes: Vec<RelaxNote>,
}

/// Blank out `//` and `/* */` comments and trailing commas, keeping every other byte (and so
/// every line and column) where it was.
fn relax_json(text: &str) -> Relaxed {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut notes = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let mut in_string = false;
    // Position and line of the last comma outside strings not yet followed by a value.
    let mut pending_comma: Option<(usize, usize)> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                b'\n' => line += 1,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'\n' => line += 1,
            b' ' | b'\t' | b'\r' => {}
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                notes.push(RelaxNote {
                    line,
                    what: "`//` comment ignored",
                });
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                notes.push(RelaxNote {
                    line,
                    what: "`/* */` comment ignored",
                });
                let mut j = i;
                while j < bytes.len() && !(bytes[j] == b'*' && bytes.get(j + 1) == Some(&b'/')) {
                    if bytes[j] == b'\n' {
                        line += 1;
                    } else {
                        out[j] = b' ';
                    }
                    j += 1;
                }
                // Blank the closing `*/` too (when the comment is unterminated, JSON fails later).
                let close_end = (j + 2).min(bytes.len());
                out[j..close_end].fill(b' ');
                i = j + 2;
                continue;
            }
            b',' => pending_comma = Some((i, line)),
            b'}' | b']' => {
                if let Some((pos, comma_line)) = pending_comma.take() {
                    out[pos] = b' ';
                    notes.push(RelaxNote {
                        line: comma_line,
                        what: "trailing comma ignored",
                    });
                }
            }
            b'"' => {
                in_string = true;
                pending_comma = None;
            }
            _ => pending_comma = None,
        }
        i += 1;
    }
    // Only ASCII bytes outside strings were replaced by spaces, so this stays UTF-8; fall back
    // to the original text (and its error) if that ever failed.
    let text = String::from_utf8(out).unwrap_or_else(|_| text.to_owned());
    Relaxed { text, notes }
}

// ---------------------------------------------------------------------------------------------
// File forms

/// `{"dashboard": {...}, "overwrite": ...}` (POST body) or `{"dashboard":..,"meta":..}` (GET).
fn unwrap_api_form(
    mut root: Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) -> Map<String, Value> {
    let looks_wrapped = matches!(root.get("dashboard"), Some(Value::Object(_)))
        && !root.contains_key("panels")
        && !root.contains_key("rows");
    if !looks_wrapped {
        return root;
    }
    let Some(Value::Object(inner)) = root.remove("dashboard") else {
        return root;
    };
    diags.push(Diagnostic {
        severity: Severity::Warning,
        path: "dashboard".into(),
        message: "file is an HTTP API wrapper ({\"dashboard\": ...}); loaded its `dashboard`, \
                  but Grafana's file provisioning rejects this form (\"Dashboard title cannot \
                  be empty\"): save the inner object instead"
            .into(),
    });
    inner
}

// ---------------------------------------------------------------------------------------------
// Small readers over JSON values that tolerate the type drift seen in real files

fn get_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

fn get_string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    get_str(obj, key).map(str::to_owned)
}

fn get_nonempty(obj: &Map<String, Value>, key: &str) -> Option<String> {
    get_str(obj, key)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn get_bool(obj: &Map<String, Value>, key: &str) -> bool {
    match obj.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

fn opt_bool(obj: &Map<String, Value>, key: &str) -> Option<bool> {
    match obj.get(key) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// A number written as a number or as a numeric string.
fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

fn get_num(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    num(obj.get(key))
}

fn get_u32(obj: &Map<String, Value>, key: &str) -> Option<u32> {
    get_num(obj, key)
        .filter(|f| *f >= 0.0 && *f <= u32::MAX as f64)
        .map(|f| f as u32)
}

fn get_i64(obj: &Map<String, Value>, key: &str) -> Option<i64> {
    get_num(obj, key)
        .filter(|f| f.abs() < 9.0e15)
        .map(|f| f as i64)
}

fn get_obj<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    obj.get(key).and_then(Value::as_object)
}

fn get_arr<'a>(obj: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    obj.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(scalar_string).collect(),
        Some(v) => scalar_string(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// A scalar's text as Grafana shows it (`null` is no text).
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboard

/// Dashboard fields Grafana knows that triage does not need; never reported.
const KNOWN_DASHBOARD_KEYS: &[&str] = &[
    "id",
    "uid",
    "title",
    "description",
    "tags",
    "style",
    "timezone",
    "editable",
    "graphTooltip",
    "hideControls",
    "time",
    "timepicker",
    "templating",
    "annotations",
    "refresh",
    "schemaVersion",
    "version",
    "links",
    "panels",
    "rows",
    "gnetId",
    "iteration",
    "fiscalYearStartMonth",
    "liveNow",
    "weekStart",
    "__inputs",
    "__requires",
    "__elements",
    "revision",
    "preload",
    "sharedCrosshair",
    "nav",
    "originalTitle",
    "folderId",
    "folderUid",
    "overwrite",
    "message",
    "meta",
    "dashboard",
];

static KNOWN_DASHBOARD_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| KNOWN_DASHBOARD_KEYS.iter().copied().collect());

fn convert_dashboard(
    root: &Map<String, Value>,
    elements: Option<&Value>,
    diags: &mut Vec<Diagnostic>,
) -> Dashboard {
    let title = get_string(root, "title").unwrap_or_default();
    if title.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: "title".into(),
            message: "dashboard has no title; Grafana refuses to save or provision it".into(),
        });
    }
    report_unknown_keys(root, &KNOWN_DASHBOARD_SET, "", "dashboard", diags);

    let time = get_obj(root, "time")
        .map(|t| TimeRangeSpec {
            from: get_nonempty(t, "from").unwrap_or_else(|| "now-6h".into()),
            to: get_nonempty(t, "to").unwrap_or_else(|| "now".into()),
        })
        .unwrap_or_default();
    let refresh = get_nonempty(root, "refresh");
    let timezone = get_nonempty(root, "timezone");
    let refresh_intervals = get_obj(root, "timepicker")
        .map(|tp| strings(tp.get("refresh_intervals")))
        .unwrap_or_default();

    let variables = get_obj(root, "templating")
        .map(|t| get_arr(t, "list"))
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter_map(|(i, v)| convert_variable(v, &format!("templating.list[{i}]"), diags))
        .collect();
    let annotations = get_obj(root, "annotations")
        .map(|a| get_arr(a, "list"))
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_object)
        .map(convert_annotation)
        .collect();
    let links = get_arr(root, "links")
        .iter()
        .filter_map(Value::as_object)
        .map(convert_dashboard_link)
        .collect();

    let mut dashboard = Dashboard {
        title,
        uid: get_nonempty(root, "uid"),
        description: get_nonempty(root, "description"),
        tags: strings(root.get("tags")),
        schema_version: get_i64(root, "schemaVersion").unwrap_or(0),
        time,
        refresh,
        timezone,
        refresh_intervals,
        variables,
        panels: Vec::new(),
        rows: Vec::new(),
        links,
        annotations,
    };
    lay_out_panels(root, elements, &mut dashboard, diags);
    dashboard
}

/// Largest `y` or `h` accepted from a file, in grid units.
const MAX_GRID_Y: u32 = 1_000_000;

fn grid_of(obj: &Map<String, Value>) -> Option<GridPos> {
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
fn lay_out_panels(
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
                    dashboard.panels.push(panel);
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
        dashboard.panels.push(panel);
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

// ---------------------------------------------------------------------------------------------
// Panels

/// Panel types Grafana ships (after angular migration); other types are plugins triage cannot
/// draw, shown as a placeholder naming the type.
pub const CORE_PANEL_TYPES: &[&str] = &[
    "timeseries",
    "stat",
    "gauge",
    "bargauge",
    "table",
    "text",
    "heatmap",
    "piechart",
    "state-timeline",
    "status-history",
    "barchart",
    "histogram",
    "logs",
    "news",
    "dashlist",
    "alertlist",
    "annolist",
    "nodeGraph",
    "traces",
    "flamegraph",
    "geomap",
    "canvas",
    "xychart",
    "trend",
    "datagrid",
    "candlestick",
    "welcome",
    "gettingstarted",
    "row",
];

/// Panel fields Grafana knows (including angular-era ones the migrations read); never reported.
const KNOWN_PANEL_KEYS: &[&str] = &[
    "id",
    "gridPos",
    "type",
    "title",
    "description",
    "datasource",
    "targets",
    "fieldConfig",
    "options",
    "transformations",
    "maxDataPoints",
    "interval",
    "repeat",
    "repeatDirection",
    "maxPerRow",
    "links",
    "transparent",
    "libraryPanel",
    "pluginVersion",
    "timeFrom",
    "timeShift",
    "hideTimeOverride",
    "cacheTimeout",
    "queryCachingTTL",
    "collapsed",
    "panels",
    "scopedVars",
    "repeatIteration",
    "repeatPanelId",
    "repeatedByRow",
    "repeatRowId",
    "tags",
    "alert",
    "thresholds",
    "timeRegions",
    "autoMigrateFrom",
    "editable",
    "error",
    "isNew",
    "span",
    "height",
    "minSpan",
    "showTitle",
    "titleSize",
    "collapse",
    "hideControls",
    "datatype",
    // graph
    "aliasColors",
    "bars",
    "dashLength",
    "dashes",
    "fill",
    "fillGradient",
    "hiddenSeries",
    "legend",
    "lines",
    "linewidth",
    "nullPointMode",
    "percentage",
    "pointradius",
    "points",
    "renderer",
    "seriesOverrides",
    "spaceLength",
    "stack",
    "steppedLine",
    "tooltip",
    "xaxis",
    "yaxes",
    "yaxis",
    "decimals",
    "grid",
    "leftYAxisLabel",
    "rightYAxisLabel",
    "zindex",
    "x-axis",
    "y-axis",
    "y_formats",
    "annotate",
    "resolution",
    "scale",
    "lineWidth",
    // singlestat
    "colorBackground",
    "colorValue",
    "colors",
    "format",
    "gauge",
    "mappingType",
    "mappingTypes",
    "nullText",
    "postfix",
    "postfixFontSize",
    "prefix",
    "prefixFontSize",
    "rangeMaps",
    "sparkline",
    "tableColumn",
    "valueFontSize",
    "valueMaps",
    "valueName",
    "colorPostfix",
    "colorPrefix",
    "strokeWidth",
    // table
    "styles",
    "columns",
    "sort",
    "fontSize",
    "pageSize",
    "scroll",
    "showHeader",
    "transform",
    // heatmap (angular)
    "cards",
    "color",
    "dataFormat",
    "heatmap",
    "hideZeroBuckets",
    "highlightCards",
    "reverseYBuckets",
    "xBucketNumber",
    "xBucketSize",
    "yAxis",
    "yBucketBound",
    "yBucketNumber",
    "yBucketSize",
    "tooltipDecimals",
    "xAxis",
    "legendType",
    "exemplars",
    "calculate",
    "calculation",
    "rowsFrame",
    "cellGap",
    "cellValues",
    "filterValues",
    "showValue",
    // text, piechart, misc plugins
    "content",
    "mode",
    "breakPoint",
    "combine",
    "pieType",
    "valueLabel",
    "nullPointModes",
];

// Looked up for every key of every panel: a set, not a scan of ~150 names.
static KNOWN_PANEL_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| KNOWN_PANEL_KEYS.iter().copied().collect());

fn convert_panel(
    obj: &Map<String, Value>,
    path: &str,
    elements: Option<&Value>,
    diags: &mut Vec<Diagnostic>,
) -> Panel {
    let grid = grid_of(obj).unwrap_or_else(|| {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: format!("{path}.gridPos"),
            message: "panel has no gridPos; placed at the top left, 12x8".into(),
        });
        GridPos {
            x: 0,
            y: 0,
            w: 12,
            h: 8,
        }
    });
    if let Some(lib) = get_obj(obj, "libraryPanel") {
        return library_panel(obj, lib, grid, path, elements, diags);
    }
    let panel_type = get_string(obj, "type").unwrap_or_default();
    if panel_type.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: format!("{path}.type"),
            message: "panel has no type; shown as a placeholder".into(),
        });
    } else if !CORE_PANEL_TYPES.contains(&panel_type.as_str()) {
        diags.push(Diagnostic {
            severity: Severity::Info,
            path: format!("{path}.type"),
            message: format!(
                "panel type `{panel_type}` is a plugin triage cannot draw; shown as a placeholder"
            ),
        });
    }
    report_unknown_keys(obj, &KNOWN_PANEL_SET, path, "panel", diags);

    let mut targets = Vec::new();
    let mut used_ref_ids: Vec<String> = get_arr(obj, "targets")
        .iter()
        .filter_map(|t| t.get("refId")?.as_str().map(str::to_owned))
        .collect();
    for (i, t) in get_arr(obj, "targets").iter().enumerate() {
        let Some(t) = t.as_object() else { continue };
        targets.push(convert_target(
            t,
            &format!("{path}.targets[{i}]"),
            &mut used_ref_ids,
            diags,
        ));
    }

    let repeat = get_nonempty(obj, "repeat").map(|variable| Repeat {
        variable,
        direction: if get_str(obj, "repeatDirection") == Some("v") {
            RepeatDirection::Vertical
        } else {
            RepeatDirection::Horizontal
        },
        max_per_row: get_u32(obj, "maxPerRow").filter(|n| *n > 0),
    });

    Panel {
        id: get_i64(obj, "id"),
        panel_type,
        original_type: get_string(obj, ORIGINAL_TYPE_KEY),
        title: get_string(obj, "title").unwrap_or_default(),
        description: get_nonempty(obj, "description"),
        grid,
        row: None,
        datasource: datasource_ref(obj.get("datasource")),
        targets,
        field_config: get_obj(obj, "fieldConfig")
            .map(|fc| convert_field_config(fc, &format!("{path}.fieldConfig"), diags))
            .unwrap_or_default(),
        options: get_obj(obj, "options")
            .map(convert_options)
            .unwrap_or_default(),
        transformations: get_arr(obj, "transformations")
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|t| {
                Some(Transformation {
                    id: get_string(t, "id")?,
                    disabled: get_bool(t, "disabled"),
                    options: t.get("options").cloned().unwrap_or(Value::Null),
                })
            })
            .collect(),
        max_data_points: get_num(obj, "maxDataPoints")
            .filter(|n| *n >= 1.0)
            .map(|n| n as u64),
        interval: get_nonempty(obj, "interval"),
        repeat,
        links: get_arr(obj, "links")
            .iter()
            .filter_map(Value::as_object)
            .map(convert_link)
            .collect(),
        transparent: get_bool(obj, "transparent"),
        library_panel_uid: None,
        library_panel_problem: None,
        source_path: path.to_owned(),
    }
}

/// The panel type of a library panel whose model is not at hand (a placeholder).
pub const LIBRARY_PLACEHOLDER: &str = "library-panel";

/// The model `__elements` holds for library panel `uid`, if it is one: a model that is itself
/// a reference is none.
pub fn embedded_library_model<'a>(
    elements: Option<&'a Value>,
    uid: &str,
) -> Option<&'a Map<String, Value>> {
    elements
        .and_then(|e| e.get(uid))
        .and_then(|e| e.get("model"))
        .and_then(Value::as_object)
        .filter(|m| m.get("libraryPanel").is_none())
}

/// A library panel reference: its model lives in Grafana's library, or in `__elements` for an
/// exported dashboard.
fn library_panel(
    obj: &Map<String, Value>,
    lib: &Map<String, Value>,
    grid: GridPos,
    path: &str,
    elements: Option<&Value>,
    diags: &mut Vec<Diagnostic>,
) -> Panel {
    let uid = get_string(lib, "uid").unwrap_or_default();
    let name = get_string(lib, "name").unwrap_or_default();
    if let Some(model) = embedded_library_model(elements, &uid) {
        let mut model = model.clone();
        migrate::migrate_panel(&mut model, diags);
        let mut panel = convert_panel(&model, path, None, diags);
        panel.grid = grid;
        panel.id = get_i64(obj, "id").or(panel.id);
        if let Some(t) = get_nonempty(obj, "title") {
            panel.title = t;
        }
        panel.library_panel_uid = Some(uid);
        return panel;
    }
    diags.push(Diagnostic {
        severity: Severity::Warning,
        path: format!("{path}.libraryPanel"),
        message: format!(
            "library panel `{uid}`{} is stored in Grafana, not in this file; shown as a placeholder",
            if name.is_empty() { String::new() } else { format!(" (\"{name}\")") }
        ),
    });
    Panel {
        id: get_i64(obj, "id"),
        panel_type: LIBRARY_PLACEHOLDER.into(),
        title: get_nonempty(obj, "title").unwrap_or(name),
        grid,
        library_panel_uid: Some(uid),
        source_path: path.to_owned(),
        ..Panel::default()
    }
}

fn report_unknown_keys(
    obj: &Map<String, Value>,
    known: &HashSet<&'static str>,
    path: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let unknown: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| !k.starts_with("__triage") && !known.contains(k))
        .collect();
    if !unknown.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Info,
            path: path.to_owned(),
            message: format!("ignored unknown {what} fields: {}", unknown.join(", ")),
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Datasources and targets

const BUILTIN_DATASOURCES: &[&str] = &["-- Grafana --", "-- Mixed --", "-- Dashboard --"];

/// Normalise every datasource form Grafana has used (v33/v36).
pub fn datasource_ref(v: Option<&Value>) -> DatasourceRef {
    match v {
        None | Some(Value::Null) => DatasourceRef::Default,
        Some(Value::String(s)) => datasource_from_string(s, None),
        Some(Value::Object(o)) => {
            let uid = get_nonempty(o, "uid");
            let ds_type = get_nonempty(o, "type");
            match uid {
                None if ds_type.is_none() => DatasourceRef::Default,
                Some(uid) => datasource_from_string(&uid, ds_type),
                None => DatasourceRef::Named {
                    uid: None,
                    name: None,
                    r#type: ds_type,
                },
            }
        }
        Some(_) => DatasourceRef::Default,
    }
}

fn datasource_from_string(s: &str, ds_type: Option<String>) -> DatasourceRef {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("default") {
        return DatasourceRef::Default;
    }
    if let Some(name) = variable_name(s) {
        return DatasourceRef::Variable { name };
    }
    if BUILTIN_DATASOURCES.contains(&s) {
        return DatasourceRef::Builtin { name: s.to_owned() };
    }
    if s == "grafana" {
        return DatasourceRef::Builtin {
            name: "-- Grafana --".into(),
        };
    }
    if ds_type.as_deref() == Some("datasource") {
        // The built-ins written as `{type: "datasource", uid: ...}`.
        let name = if s.contains("Mixed") {
            "-- Mixed --"
        } else if s.contains("Dashboard") {
            "-- Dashboard --"
        } else {
            "-- Grafana --"
        };
        return DatasourceRef::Builtin { name: name.into() };
    }
    if ds_type.is_some() {
        DatasourceRef::Named {
            uid: Some(s.to_owned()),
            name: None,
            r#type: ds_type,
        }
    } else {
        // A bare string is a datasource name (Grafana resolves it to a uid at load).
        DatasourceRef::Named {
            uid: None,
            name: Some(s.to_owned()),
            r#type: None,
        }
    }
}

/// `$ds`, `${ds}`, `${ds:raw}`, `[[ds]]` → `ds`.
fn variable_name(s: &str) -> Option<String> {
    let name = if let Some(rest) = s.strip_prefix("${") {
        rest.strip_suffix('}')?.split(':').next()?.to_owned()
    } else if let Some(rest) = s.strip_prefix("[[") {
        rest.strip_suffix("]]")?.split(':').next()?.to_owned()
    } else {
        s.strip_prefix('$')?.to_owned()
    };
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

fn convert_target(
    t: &Map<String, Value>,
    path: &str,
    used_ref_ids: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Target {
    let ref_id = match get_nonempty(t, "refId") {
        Some(r) => r,
        None => {
            // Grafana names unnamed queries A, B, ... skipping letters in use.
            let next = (b'A'..=b'Z')
                .map(|c| (c as char).to_string())
                .find(|c| !used_ref_ids.contains(c))
                .unwrap_or_else(|| format!("Q{}", used_ref_ids.len()));
            used_ref_ids.push(next.clone());
            next
        }
    };
    let expr = ["expr", "query", "rawSql", "target"]
        .iter()
        .find_map(|k| get_str(t, k))
        .unwrap_or("")
        .to_owned();
    let format = match get_str(t, "format") {
        None | Some("time_series") | Some("") => TargetFormat::TimeSeries,
        Some("table") => TargetFormat::Table,
        Some("heatmap") => TargetFormat::Heatmap,
        Some(other) => {
            diags.push(Diagnostic {
                severity: Severity::Info,
                path: format!("{path}.format"),
                message: format!("unknown query format `{other}`; treated as time_series"),
            });
            TargetFormat::TimeSeries
        }
    };
    let instant = get_bool(t, "instant");
    // Grafana runs a range query when neither flag is set.
    let range = get_bool(t, "range") || !instant;
    Target {
        ref_id,
        expr,
        legend_format: get_string(t, "legendFormat"),
        format,
        instant,
        range,
        interval: get_nonempty(t, "interval"),
        interval_factor: get_u32(t, "intervalFactor").filter(|f| *f > 0),
        hide: get_bool(t, "hide"),
        exemplar: get_bool(t, "exemplar"),
        datasource: t
            .get("datasource")
            .filter(|v| !v.is_null())
            .map(|v| datasource_ref(Some(v))),
    }
}

// ---------------------------------------------------------------------------------------------
// Field config

fn convert_field_config(
    fc: &Map<String, Value>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> FieldConfig {
    let mut defaults = FieldDefaults::default();
    if let Some(d) = get_obj(fc, "defaults") {
        for (key, value) in d {
            if key == "custom" {
                if let Some(c) = value.as_object() {
                    for (ck, cv) in c {
                        apply_custom(&mut defaults.custom, ck, cv);
                    }
                }
            } else {
                apply_property(&mut defaults, key, value);
            }
        }
    }
    let overrides = get_arr(fc, "overrides")
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            convert_override(o.as_object()?, &format!("{path}.overrides[{i}]"), diags)
        })
        .collect();
    FieldConfig {
        defaults,
        overrides,
    }
}

fn convert_override(
    o: &Map<String, Value>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<FieldOverride> {
    let m = get_obj(o, "matcher")?;
    let id = get_string(m, "id").unwrap_or_default();
    let opt = m.get("options");
    let opt_str = || opt.and_then(scalar_string).unwrap_or_default();
    let matcher = match id.as_str() {
        "byName" => FieldMatcher::ByName { name: opt_str() },
        "byRegexp" => FieldMatcher::ByRegexp { pattern: opt_str() },
        "byType" => FieldMatcher::ByType {
            field_type: opt_str(),
        },
        "byFrameRefID" => FieldMatcher::ByFrameRefId { ref_id: opt_str() },
        "byNames" => {
            let o = opt.and_then(Value::as_object);
            FieldMatcher::ByNames {
                names: o.map(|o| strings(o.get("names"))).unwrap_or_default(),
                exclude: o.and_then(|o| get_str(o, "mode")) == Some("exclude"),
            }
        }
        "byValue" => {
            let o = opt.and_then(Value::as_object);
            FieldMatcher::ByValue {
                reducer: o.and_then(|o| get_string(o, "reducer")).unwrap_or_default(),
                op: o.and_then(|o| get_string(o, "op")).unwrap_or_default(),
                value: o.and_then(|o| get_num(o, "value")).unwrap_or(0.0),
            }
        }
        _ => {
            if ![
                "numeric",
                "time",
                "first",
                "firstTimeField",
                "byRegexpOrNames",
            ]
            .contains(&id.as_str())
            {
                diags.push(Diagnostic {
                    severity: Severity::Info,
                    path: format!("{path}.matcher"),
                    message: format!("unknown field matcher `{id}`"),
                });
            }
            FieldMatcher::Other { id }
        }
    };
    let mut properties = FieldDefaults::default();
    let mut set = Vec::new();
    for p in get_arr(o, "properties").iter().filter_map(Value::as_object) {
        let Some(pid) = get_string(p, "id") else {
            continue;
        };
        let value = p.get("value").unwrap_or(&Value::Null);
        match pid.strip_prefix("custom.") {
            Some(ck) => apply_custom(&mut properties.custom, ck, value),
            None => apply_property(&mut properties, &pid, value),
        }
        set.push(pid);
    }
    Some(FieldOverride {
        matcher,
        properties,
        set,
    })
}

fn apply_property(d: &mut FieldDefaults, id: &str, v: &Value) {
    match id {
        "unit" => d.unit = v.as_str().filter(|s| !s.is_empty()).map(str::to_owned),
        "decimals" => {
            d.decimals = num(Some(v))
                .filter(|n| *n >= 0.0)
                .map(|n| n.min(20.0) as u32)
        }
        "min" => d.min = num(Some(v)),
        "max" => d.max = num(Some(v)),
        "displayName" => d.display_name = v.as_str().map(str::to_owned),
        "noValue" => d.no_value = scalar_string(v),
        "thresholds" => d.thresholds = v.as_object().map(convert_thresholds),
        "mappings" => d.mappings = convert_mappings(v),
        "color" => {
            d.color = v.as_object().map(|c| ColorSpec {
                mode: get_string(c, "mode").unwrap_or_default(),
                fixed_color: get_string(c, "fixedColor"),
            })
        }
        "links" => {
            d.links = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .map(convert_link)
                .collect()
        }
        _ => {}
    }
}

fn apply_custom(c: &mut CustomFieldConfig, key: &str, v: &Value) {
    let s = || v.as_str().map(str::to_owned);
    match key {
        "drawStyle" => c.draw_style = s(),
        "fillOpacity" => c.fill_opacity = num(Some(v)),
        "stacking" => c.stacking = v.get("mode").and_then(Value::as_str).map(str::to_owned),
        "thresholdsStyle" => {
            c.thresholds_style = v.get("mode").and_then(Value::as_str).map(str::to_owned)
        }
        "scaleDistribution" => {
            c.scale_log_base = match v.get("type").and_then(Value::as_str) {
                Some("log") => num(v.get("log")).map(|b| b as u32).filter(|b| *b > 1),
                _ => None,
            }
        }
        "axisSoftMin" => c.axis_soft_min = num(Some(v)),
        "axisSoftMax" => c.axis_soft_max = num(Some(v)),
        "hideFrom" => {
            c.hide_from_viz = v.get("viz").and_then(Value::as_bool);
            c.hide_from_legend = v.get("legend").and_then(Value::as_bool);
        }
        "axisPlacement" => c.axis_placement = s(),
        "axisLabel" => c.axis_label = s().filter(|l| !l.is_empty()),
        "lineWidth" => c.line_width = num(Some(v)),
        "transform" => c.transform = s(),
        "hidden" => c.hidden = v.as_bool(),
        "displayMode" => c.cell_display_mode = s(),
        // Newer tables nest the display mode: `cellOptions: {type: "color-background"}`.
        "cellOptions" => {
            if let Some(t) = v.get("type").and_then(Value::as_str) {
                c.cell_display_mode = Some(t.to_owned());
            }
        }
        _ => {}
    }
}

fn convert_thresholds(t: &Map<String, Value>) -> Thresholds {
    let mode = match get_str(t, "mode") {
        Some("percentage") => ThresholdsMode::Percentage,
        _ => ThresholdsMode::Absolute,
    };
    let mut steps: Vec<ThresholdStep> = get_arr(t, "steps")
        .iter()
        .filter_map(Value::as_object)
        .map(|s| ThresholdStep {
            value: get_num(s, "value"),
            color: get_string(s, "color").unwrap_or_default(),
        })
        .collect();
    // Grafana sorts steps ascending with the base (-Infinity) first.
    steps.sort_by(|a, b| match (a.value, b.value) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.total_cmp(&y),
    });
    Thresholds { mode, steps }
}

fn mapping_result(v: Option<&Value>) -> MappingResult {
    let Some(Value::Object(r)) = v else {
        return MappingResult::default();
    };
    MappingResult {
        text: r.get("text").and_then(scalar_string),
        color: get_string(r, "color"),
        index: get_i64(r, "index"),
    }
}

/// Modern mappings (`type` value/range/regex/special) and the older flat form (`type` 1 or 2).
fn convert_mappings(v: &Value) -> Vec<ValueMapping> {
    let mut out = Vec::new();
    for m in v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let opts = get_obj(m, "options");
        match m.get("type") {
            Some(Value::String(t)) => match (t.as_str(), opts) {
                ("value", Some(o)) => out.push(ValueMapping::Value {
                    values: o
                        .iter()
                        .map(|(k, r)| (k.clone(), mapping_result(Some(r))))
                        .collect(),
                }),
                ("range", Some(o)) => out.push(ValueMapping::Range {
                    from: get_num(o, "from"),
                    to: get_num(o, "to"),
                    result: mapping_result(o.get("result")),
                }),
                ("regex", Some(o)) => out.push(ValueMapping::Regex {
                    pattern: get_string(o, "pattern").unwrap_or_default(),
                    result: mapping_result(o.get("result")),
                }),
                ("special", Some(o)) => out.push(ValueMapping::Special {
                    matches: get_string(o, "match").unwrap_or_default(),
                    result: mapping_result(o.get("result")),
                }),
                _ => {}
            },
            Some(Value::Number(n)) => {
                let text = m.get("text").and_then(scalar_string);
                let result = MappingResult {
                    text,
                    color: None,
                    index: None,
                };
                match n.as_i64() {
                    Some(1) => {
                        let value = m.get("value").and_then(scalar_string).unwrap_or_default();
                        if value == "null" {
                            out.push(ValueMapping::Special {
                                matches: "null".into(),
                                result,
                            });
                        } else {
                            out.push(ValueMapping::Value {
                                values: vec![(value, result)],
                            });
                        }
                    }
                    Some(2) => out.push(ValueMapping::Range {
                        from: get_num(m, "from"),
                        to: get_num(m, "to"),
                        result,
                    }),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}

fn convert_link(l: &Map<String, Value>) -> Link {
    Link {
        title: get_string(l, "title").unwrap_or_default(),
        url: get_string(l, "url").unwrap_or_default(),
        target_blank: get_bool(l, "targetBlank"),
    }
}

// ---------------------------------------------------------------------------------------------
// Options

fn convert_options(o: &Map<String, Value>) -> PanelOptions {
    let reduce = get_obj(o, "reduceOptions").map(|r| ReduceOptions {
        values: get_bool(r, "values"),
        calcs: strings(r.get("calcs")),
        fields: get_string(r, "fields").unwrap_or_default(),
        limit: get_u32(r, "limit"),
    });
    let legend = get_obj(o, "legend").map(|l| {
        let display_mode = get_string(l, "displayMode").unwrap_or_else(|| "list".into());
        let show = opt_bool(l, "showLegend")
            .or_else(|| opt_bool(l, "show"))
            .unwrap_or(display_mode != "hidden");
        LegendOptions {
            show,
            display_mode,
            placement: get_string(l, "placement").unwrap_or_else(|| "bottom".into()),
            calcs: strings(l.get("calcs")),
            values: strings(l.get("values")),
        }
    });
    let sort_by = get_arr(o, "sortBy")
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|s| Some((get_string(s, "displayName")?, get_bool(s, "desc"))))
        .collect();
    let (heatmap_color_scheme, heatmap_calculate) = (
        get_obj(o, "color").and_then(|c| get_string(c, "scheme")),
        opt_bool(o, "calculate"),
    );
    PanelOptions {
        reduce,
        color_mode: get_string(o, "colorMode"),
        graph_mode: get_string(o, "graphMode"),
        text_mode: get_string(o, "textMode"),
        orientation: get_string(o, "orientation"),
        legend,
        display_mode: get_string(o, "displayMode"),
        content: get_string(o, "content"),
        mode: get_string(o, "mode"),
        show_threshold_markers: opt_bool(o, "showThresholdMarkers"),
        sort_by,
        heatmap_color_scheme,
        heatmap_calculate,
        heatmap_y_unit: get_obj(o, "yAxis").and_then(|y| get_string(y, "unit")),
        show_unfilled: opt_bool(o, "showUnfilled"),
        pie_type: get_string(o, "pieType"),
        display_labels: strings(o.get("displayLabels")),
        bucket_size: get_num(o, "bucketSize"),
        bucket_offset: get_num(o, "bucketOffset"),
        bucket_count: get_u32(o, "bucketCount"),
        combine: opt_bool(o, "combine"),
        show_value: get_string(o, "showValue"),
        merge_values: opt_bool(o, "mergeValues"),
    }
}

// ---------------------------------------------------------------------------------------------
// Templating, annotations, links

fn convert_variable(v: &Value, path: &str, diags: &mut Vec<Diagnostic>) -> Option<Variable> {
    let Some(obj) = v.as_object() else {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: path.to_owned(),
            message: format!("variable is {}, not an object; ignored", kind_of(v)),
        });
        return None;
    };
    let name = get_string(obj, "name").unwrap_or_default();
    if name.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: format!("{path}.name"),
            message: "variable has no name; ignored".into(),
        });
        return None;
    }
    let type_name = get_str(obj, "type").unwrap_or("query");
    let kind = match type_name {
        "query" => VariableKind::Query,
        "custom" => VariableKind::Custom,
        "constant" => VariableKind::Constant,
        "textbox" => VariableKind::Textbox,
        "interval" => VariableKind::Interval,
        "datasource" => VariableKind::Datasource,
        "adhoc" => VariableKind::Adhoc,
        other => {
            diags.push(Diagnostic {
                severity: Severity::Info,
                path: format!("{path}.type"),
                message: format!(
                    "variable type `{other}` is not supported; its saved value is used"
                ),
            });
            VariableKind::Other
        }
    };
    let query = match obj.get("query") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(q)) => get_string(q, "query").unwrap_or_default(),
        _ => get_string(obj, "definition").unwrap_or_default(),
    };
    let current = get_obj(obj, "current")
        .map(|c| VariableSelection {
            text: strings(c.get("text")),
            value: strings(c.get("value")),
        })
        .unwrap_or_default();
    let options = get_arr(obj, "options")
        .iter()
        .filter_map(Value::as_object)
        .map(|o| VariableOption {
            text: o.get("text").and_then(scalar_string).unwrap_or_default(),
            value: o.get("value").and_then(scalar_string).unwrap_or_default(),
            selected: get_bool(o, "selected"),
        })
        .collect();
    let small = |key: &str| {
        get_num(obj, key)
            .filter(|n| *n >= 0.0)
            .map_or(0, |n| n.min(255.0) as u8)
    };
    let refresh = match obj.get("refresh") {
        Some(Value::Bool(true)) => 1,
        _ => small("refresh"),
    };
    Some(Variable {
        name,
        label: get_nonempty(obj, "label"),
        kind,
        query,
        datasource: obj
            .get("datasource")
            .filter(|v| !v.is_null())
            .map(|v| datasource_ref(Some(v))),
        regex: get_nonempty(obj, "regex"),
        sort: small("sort"),
        multi: get_bool(obj, "multi"),
        include_all: get_bool(obj, "includeAll"),
        all_value: get_nonempty(obj, "allValue"),
        hide: small("hide"),
        refresh,
        current,
        options,
        auto: get_bool(obj, "auto"),
        auto_count: get_u32(obj, "auto_count"),
        auto_min: get_nonempty(obj, "auto_min"),
        adhoc_filters: obj
            .get("filters")
            .and_then(Value::as_array)
            .map(|filters| {
                filters
                    .iter()
                    .filter_map(|f| {
                        let f = f.as_object()?;
                        let key = get_nonempty(f, "key")?;
                        let operator = get_nonempty(f, "operator").unwrap_or_else(|| "=".into());
                        Some((key, operator, get_string(f, "value").unwrap_or_default()))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

fn convert_annotation(a: &Map<String, Value>) -> Annotation {
    Annotation {
        name: get_string(a, "name").unwrap_or_default(),
        enabled: opt_bool(a, "enable").unwrap_or(true),
        hide: get_bool(a, "hide"),
        datasource: a
            .get("datasource")
            .filter(|v| !v.is_null())
            .map(|v| datasource_ref(Some(v))),
        expr: get_nonempty(a, "expr"),
        title_format: get_nonempty(a, "titleFormat"),
        text_format: get_nonempty(a, "textFormat"),
        tag_keys: get_nonempty(a, "tagKeys"),
        icon_color: get_nonempty(a, "iconColor"),
        builtin: get_bool(a, "builtIn"),
        step: get_nonempty(a, "step"),
    }
}

fn convert_dashboard_link(l: &Map<String, Value>) -> DashboardLink {
    DashboardLink {
        title: get_string(l, "title").unwrap_or_default(),
        link_type: get_string(l, "type").unwrap_or_else(|| "link".into()),
        url: get_nonempty(l, "url"),
        tags: strings(l.get("tags")),
        include_vars: get_bool(l, "includeVars"),
        keep_time: get_bool(l, "keepTime"),
        as_dropdown: get_bool(l, "asDropdown"),
        target_blank: get_bool(l, "targetBlank"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relax_blanks_comments_and_trailing_commas_in_place() {
        let text = "{\n  // note\n  \"a\": [1, 2,],\n  /* x\n y */ \"b\": \"//not a comment\",\n}";
        let r = relax_json(text);
        assert_eq!(r.text.len(), text.len());
        let v: Value = serde_json::from_str(&r.text).expect("relaxed text parses");
        assert_eq!(v, json!({"a": [1, 2], "b": "//not a comment"}));
        let lines: Vec<usize> = r.notes.iter().map(|n| n.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
    }

    #[test]
    fn datasource_forms() {
        assert_eq!(datasource_ref(None), DatasourceRef::Default);
        assert_eq!(
            datasource_ref(Some(&json!("default"))),
            DatasourceRef::Default
        );
        assert_eq!(
            datasource_ref(Some(&json!("$ds"))),
            DatasourceRef::Variable { name: "ds".into() }
        );
        assert_eq!(
            datasource_ref(Some(&json!({"type": "prometheus", "uid": "${datasource}"}))),
            DatasourceRef::Variable {
                name: "datasource".into()
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!("Prometheus"))),
            DatasourceRef::Named {
                uid: None,
                name: Some("Prometheus".into()),
                r#type: None
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!({"type": "prometheus", "uid": "abc"}))),
            DatasourceRef::Named {
                uid: Some("abc".into()),
                name: None,
                r#type: Some("prometheus".into())
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!({"type": "datasource", "uid": "grafana"}))),
            DatasourceRef::Builtin {
                name: "-- Grafana --".into()
            }
        );
        assert_eq!(
            datasource_ref(Some(&json!("-- Mixed --"))),
            DatasourceRef::Builtin {
                name: "-- Mixed --".into()
            }
        );
    }

    #[test]
    fn variable_names() {
        assert_eq!(variable_name("$ds").as_deref(), Some("ds"));
        assert_eq!(variable_name("${ds:raw}").as_deref(), Some("ds"));
        assert_eq!(variable_name("[[ds]]").as_deref(), Some("ds"));
        assert_eq!(variable_name("$"), None);
        assert_eq!(variable_name("prom"), None);
    }
}
