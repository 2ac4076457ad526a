//! One v2 element (`Panel` or `LibraryPanel`) as a v1 panel object: viz config to `type`,
//! `options` and `fieldConfig`; the query group to `targets`, `transformations` and the query
//! options; library panels to v1 `libraryPanel` references.

use serde_json::{Map, Value, json};

use super::super::readers::*;
use super::{check_keys, info, kind_spec, warning};
use crate::grafana::model::{Diagnostic, GridPos};

const PANEL_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "subtitle",
    "links",
    "data",
    "vizConfig",
    "transparent",
];
const VIZ_KEYS: &[&str] = &["kind", "group", "version", "spec"];
const VIZ_SPEC_KEYS: &[&str] = &["options", "fieldConfig", "pluginVersion"];
const QUERY_GROUP_KEYS: &[&str] = &["queries", "transformations", "queryOptions"];
const PANEL_QUERY_KEYS: &[&str] = &["query", "refId", "hidden", "datasource"];
const DATA_QUERY_KEYS: &[&str] = &["kind", "group", "version", "labels", "datasource", "spec"];
const TRANSFORMATION_KEYS: &[&str] = &["id", "disabled", "filter", "topic", "options"];
const LIBRARY_KEYS: &[&str] = &["id", "title", "libraryPanel"];

/// Query options v1 panels have under the same names.
const QUERY_OPTIONS: &[&str] = &[
    "timeFrom",
    "timeShift",
    "maxDataPoints",
    "interval",
    "cacheTimeout",
    "queryCachingTTL",
    "hideTimeOverride",
];

/// A query spec holding what was a plain string query in v1.
const LEGACY_STRING_KEY: &str = "__legacyStringValue";

/// Grafana's "-- Mixed --" datasource, for panels whose queries use several.
fn mixed_datasource() -> Value {
    json!({ "type": "datasource", "uid": "-- Mixed --" })
}

/// The v1 panel for element `el` at `grid`; `None` (with a warning) when it is neither kind.
pub(super) fn panel(
    el: &Value,
    path: &str,
    grid: GridPos,
    diags: &mut Vec<Diagnostic>,
) -> Option<Map<String, Value>> {
    let (kind, spec) = kind_spec(el, "", path, diags)?;
    let mut out = Map::new();
    out.insert(
        "gridPos".into(),
        json!({ "x": grid.x, "y": grid.y, "w": grid.w, "h": grid.h }),
    );
    let spec_path = format!("{path}.spec");
    match kind {
        "Panel" => viz_panel(spec, &spec_path, &mut out, diags),
        "LibraryPanel" => {
            check_keys(spec, LIBRARY_KEYS, &spec_path, "library panel", diags);
            for key in ["id", "title", "libraryPanel"] {
                if let Some(v) = spec.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
        }
        other => {
            diags.push(warning(
                &format!("{path}.kind"),
                format!("element kind `{other}` is neither Panel nor LibraryPanel; not shown"),
            ));
            return None;
        }
    }
    Some(out)
}

fn viz_panel(
    spec: &Map<String, Value>,
    path: &str,
    out: &mut Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) {
    check_keys(spec, PANEL_KEYS, path, "panel", diags);
    for key in ["id", "title", "description", "links", "transparent"] {
        if let Some(v) = spec.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(viz) = get_obj(spec, "vizConfig") {
        viz_config(viz, &format!("{path}.vizConfig"), out, diags);
    }
    if let Some(data) = spec.get("data") {
        let data_path = format!("{path}.data");
        if let Some((_, group)) = kind_spec(data, "QueryGroup", &data_path, diags) {
            query_group(group, &format!("{data_path}.spec"), out, diags);
        }
    }
}

/// v2 and v2beta1 name the panel plugin in `group` (`kind` is `VizConfig`); v2alpha1 in `kind`.
fn viz_config(
    viz: &Map<String, Value>,
    path: &str,
    out: &mut Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) {
    check_keys(viz, VIZ_KEYS, path, "viz config", diags);
    let panel_type = match get_str(viz, "kind") {
        Some("VizConfig") | None => get_str(viz, "group"),
        kind => kind,
    };
    if let Some(t) = panel_type {
        out.insert("type".into(), json!(t));
    }
    let Some(spec) = get_obj(viz, "spec") else {
        return;
    };
    check_keys(
        spec,
        VIZ_SPEC_KEYS,
        &format!("{path}.spec"),
        "viz config",
        diags,
    );
    for key in ["options", "fieldConfig", "pluginVersion"] {
        if let Some(v) = spec.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(v) = get_nonempty(viz, "version")
        && !out.contains_key("pluginVersion")
    {
        out.insert("pluginVersion".into(), json!(v));
    }
}

fn query_group(
    group: &Map<String, Value>,
    path: &str,
    out: &mut Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) {
    check_keys(group, QUERY_GROUP_KEYS, path, "query group", diags);
    let mut targets = Vec::new();
    for (i, q) in get_arr(group, "queries").iter().enumerate() {
        let q_path = format!("{path}.queries[{i}]");
        if let Some((_, spec)) = kind_spec(q, "PanelQuery", &q_path, diags) {
            targets.push(target(spec, &format!("{q_path}.spec"), diags));
        }
    }
    // The panel's datasource is its queries' one, or "-- Mixed --" when they differ.
    let mut sources = targets.iter().map(|t| t.get("datasource"));
    if let Some(first) = sources.next() {
        let ds = if sources.all(|d| d == first) {
            first.cloned()
        } else {
            Some(mixed_datasource())
        };
        if let Some(ds) = ds {
            out.insert("datasource".into(), ds);
        }
    }
    out.insert(
        "targets".into(),
        Value::Array(targets.into_iter().map(Value::Object).collect()),
    );
    let transformations = get_arr(group, "transformations")
        .iter()
        .enumerate()
        .filter_map(|(i, t)| transformation(t, &format!("{path}.transformations[{i}]"), diags))
        .collect();
    out.insert("transformations".into(), Value::Array(transformations));
    if let Some(opts) = get_obj(group, "queryOptions") {
        query_options(opts, &format!("{path}.queryOptions"), out, diags);
    }
}

/// A `PanelQuery` as a v1 target: the query's own spec plus `refId`, `hide` and `datasource`.
fn target(
    spec: &Map<String, Value>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Map<String, Value> {
    check_keys(spec, PANEL_QUERY_KEYS, path, "query", diags);
    let query = get_obj(spec, "query");
    if let Some(q) = query {
        check_keys(
            q,
            DATA_QUERY_KEYS,
            &format!("{path}.query"),
            "data query",
            diags,
        );
    }
    let mut out = Map::new();
    for (k, v) in query.and_then(|q| get_obj(q, "spec")).into_iter().flatten() {
        if k == LEGACY_STRING_KEY {
            out.insert("query".into(), v.clone());
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    if let Some(r) = spec.get("refId") {
        out.insert("refId".into(), r.clone());
    }
    if get_bool(spec, "hidden") {
        out.insert("hide".into(), json!(true));
    }
    match datasource_of(query, get_obj(spec, "datasource")) {
        Some(ds) => out.insert("datasource".into(), ds),
        None => out.remove("datasource"),
    };
    out
}

/// The v1 `{type, uid}` of a `DataQuery`: v2/v2beta1 give the plugin in `group` and the uid in
/// `datasource.name`; v2alpha1 the plugin in `kind` and `{type, uid}` beside the query.
pub(super) fn datasource_of(
    query: Option<&Map<String, Value>>,
    explicit: Option<&Map<String, Value>>,
) -> Option<Value> {
    let query_type = query.and_then(|q| match get_str(q, "kind") {
        Some("DataQuery") | None => get_nonempty(q, "group"),
        Some(k) => Some(k.to_owned()).filter(|k| !k.is_empty()),
    });
    let uid = explicit
        .and_then(|d| get_nonempty(d, "uid"))
        .or_else(|| {
            query.and_then(|q| {
                get_obj(q, "datasource")?
                    .get("name")?
                    .as_str()
                    .map(str::to_owned)
            })
        })
        .filter(|u| !u.is_empty());
    let ds_type = explicit
        .and_then(|d| get_nonempty(d, "type"))
        .or(query_type);
    let mut ds = Map::new();
    if let Some(t) = ds_type {
        ds.insert("type".into(), json!(t));
    }
    if let Some(u) = uid {
        ds.insert("uid".into(), json!(u));
    }
    (!ds.is_empty()).then_some(Value::Object(ds))
}

/// A transformation's id: v2 writes it in `group` (kind `Transformation`), v2beta1 and v2alpha1
/// in `kind` and `spec.id`.
fn transformation(t: &Value, path: &str, diags: &mut Vec<Diagnostic>) -> Option<Value> {
    let (kind, spec) = kind_spec(t, "", path, diags)?;
    check_keys(
        spec,
        TRANSFORMATION_KEYS,
        &format!("{path}.spec"),
        "transformation",
        diags,
    );
    let id = get_nonempty(spec, "id").or_else(|| match kind {
        "Transformation" => t.get("group")?.as_str().map(str::to_owned),
        k => Some(k.to_owned()),
    })?;
    let mut out = spec.clone();
    out.insert("id".into(), json!(id));
    Some(Value::Object(out))
}

fn query_options(
    opts: &Map<String, Value>,
    path: &str,
    out: &mut Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) {
    for (k, v) in opts {
        if QUERY_OPTIONS.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        } else if k == "timeTo" || k == "timeCompare" {
            diags.push(info(
                &format!("{path}.{k}"),
                format!("query option `{k}` is not supported; ignored"),
            ));
        } else {
            diags.push(info(
                path,
                format!("ignored unknown query options fields: {k}"),
            ));
        }
    }
}
