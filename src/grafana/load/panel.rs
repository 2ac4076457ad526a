//! One panel: its type and known fields, targets, repeat, transformations and links, and
//! library panel references.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::fields::{convert_field_config, convert_link};
use super::layout::grid_of;
use super::options::convert_options;
use super::readers::*;
use super::report_unknown_keys;
use super::targets::{convert_target, datasource_ref};
use crate::grafana::migrate::{self, ORIGINAL_TYPE_KEY};
use crate::grafana::model::{
    Diagnostic, GridPos, Panel, Repeat, RepeatDirection, Severity, Target, Transformation,
};

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

pub(super) fn convert_panel(
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
    report_undrawable_type(&panel_type, path, diags);
    report_unknown_keys(obj, &KNOWN_PANEL_SET, path, "panel", diags);
    let targets = convert_targets(obj, path, diags);
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
        transformations: convert_transformations(obj),
        max_data_points: get_num(obj, "maxDataPoints")
            .filter(|n| *n >= 1.0)
            .map(|n| n as u64),
        interval: get_nonempty(obj, "interval"),
        repeat: convert_repeat(obj),
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

/// A panel without a type, or of a plugin type, is drawn as a placeholder: say so.
fn report_undrawable_type(panel_type: &str, path: &str, diags: &mut Vec<Diagnostic>) {
    if panel_type.is_empty() {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            path: format!("{path}.type"),
            message: "panel has no type; shown as a placeholder".into(),
        });
    } else if !CORE_PANEL_TYPES.contains(&panel_type) {
        diags.push(Diagnostic {
            severity: Severity::Info,
            path: format!("{path}.type"),
            message: format!(
                "panel type `{panel_type}` is a plugin triage cannot draw; shown as a placeholder"
            ),
        });
    }
}

/// The panel's queries; unnamed ones get the first free ref id.
fn convert_targets(
    obj: &Map<String, Value>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Target> {
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
    targets
}

/// `repeat` by a variable: horizontal unless `repeatDirection` is `v`, `maxPerRow` if positive.
fn convert_repeat(obj: &Map<String, Value>) -> Option<Repeat> {
    get_nonempty(obj, "repeat").map(|variable| Repeat {
        variable,
        direction: if get_str(obj, "repeatDirection") == Some("v") {
            RepeatDirection::Vertical
        } else {
            RepeatDirection::Horizontal
        },
        max_per_row: get_u32(obj, "maxPerRow").filter(|n| *n > 0),
    })
}

/// Transformations with an id, in order (disabled ones are kept, marked).
fn convert_transformations(obj: &Map<String, Value>) -> Vec<Transformation> {
    get_arr(obj, "transformations")
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|t| {
            Some(Transformation {
                id: get_string(t, "id")?,
                disabled: get_bool(t, "disabled"),
                options: t.get("options").cloned().unwrap_or(Value::Null),
            })
        })
        .collect()
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
