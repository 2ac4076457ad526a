//! Grafana's v2 dashboard schema (`dashboard.grafana.app/v2`, `v2beta1`, `v2alpha1`: Grafana 12+
//! "dynamic dashboards"), rewritten into the v1 JSON the rest of the loader reads, so migrate,
//! plan, view, check and render see one model. Field names follow @grafana/schema's
//! `schema/dashboard/v2*/types.spec.gen.d.ts`. Pure: no I/O.
//!
//! Forms recognised: the Kubernetes-style envelope (`apiVersion`, `kind: Dashboard`, `metadata`,
//! `spec`) whose spec is v2 (or v1, unwrapped), and a bare v2 spec (`elements` + `layout`).
//! Diagnostics name v2 paths: the v1 loader's own (`panels[3]`, `templating.list[1]`) are
//! mapped back by [`PathMap`].

mod element;
mod layout;
mod variables;

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::readers::*;
use super::{DashboardForm, Loaded, report_unknown_keys};
use crate::grafana::model::{Diagnostic, Severity};

/// Grafana writes v2 dashboards from version 12 on, whose v1 form is schema 41 or later.
const V1_SCHEMA_VERSION: i64 = 41;

/// The v2 versions whose schema this reader follows.
const KNOWN_VERSIONS: &[&str] = &["v2", "v2beta1", "v2alpha1"];

/// `__elements` is where library panel models fetched from Grafana are put (as in v1 exports).
const ENVELOPE_KEYS: &[&str] = &[
    "__elements",
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "status",
];

const SPEC_KEYS: &[&str] = &[
    "__elements",
    "annotations",
    "cursorSync",
    "description",
    "editable",
    "elements",
    "layout",
    "links",
    "liveNow",
    "preload",
    "revision",
    "tags",
    "timeSettings",
    "title",
    "variables",
    "preferences",
];

const TIME_KEYS: &[&str] = &[
    "timezone",
    "from",
    "to",
    "autoRefresh",
    "autoRefreshIntervals",
    "quickRanges",
    "hideTimepicker",
    "weekStart",
    "fiscalYearStartMonth",
    "nowDelay",
];

const LINK_KEYS: &[&str] = &[
    "title",
    "type",
    "icon",
    "tooltip",
    "url",
    "tags",
    "asDropdown",
    "targetBlank",
    "includeVars",
    "keepTime",
    "placement",
    "origin",
];

const ANNOTATION_KEYS: &[&str] = &[
    "query",
    "datasource",
    "enable",
    "hide",
    "iconColor",
    "name",
    "builtIn",
    "filter",
    "placement",
    "mappings",
    "legacyOptions",
];

/// Where the v1 loader's paths came from in the v2 file: `(v1 prefix, v2 path)`.
#[derive(Debug, Default)]
pub(super) struct PathMap(Vec<(String, String)>);

impl PathMap {
    fn push(&mut self, v1: String, v2: String) {
        self.0.push((v1, v2));
    }

    /// `path` with its longest mapped v1 prefix replaced by the v2 path.
    fn remap(&self, path: &str) -> Option<String> {
        self.0
            .iter()
            .filter(|(v1, _)| {
                path.strip_prefix(v1.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
            })
            .max_by_key(|(v1, _)| v1.len())
            .map(|(v1, v2)| format!("{v2}{}", &path[v1.len()..]))
    }

    /// Rewrite the v1 paths of diagnostics and panels into v2 paths.
    pub(super) fn apply(&self, loaded: &mut Loaded) {
        if self.0.is_empty() {
            return;
        }
        for d in &mut loaded.diagnostics {
            if let Some(p) = self.remap(&d.path) {
                d.path = p;
            }
        }
        for panel in &mut loaded.dashboard.panels {
            if let Some(p) = self.remap(&panel.source_path) {
                std::sync::Arc::make_mut(panel).source_path = p;
            }
        }
    }
}

/// The v1 form of `root` when it is a v2 dashboard or a Kubernetes envelope; otherwise `root`
/// itself (and an empty map).
pub(super) fn to_v1(
    root: Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) -> (Map<String, Value>, PathMap) {
    if is_envelope(&root) {
        return from_envelope(root, diags);
    }
    if is_v2_spec(&root) {
        return convert_spec(&root, "", None, diags);
    }
    (root, PathMap::default())
}

/// The form a dashboard file is written in, before it is read as v1.
pub fn form_of(root: &Map<String, Value>) -> DashboardForm {
    if is_envelope(root) {
        let api = get_str(root, "apiVersion").unwrap_or("");
        DashboardForm::Resource {
            api_version: if api.is_empty() {
                "dashboard.grafana.app".into()
            } else {
                api.into()
            },
        }
    } else if is_v2_spec(root) {
        DashboardForm::V2Spec
    } else {
        DashboardForm::Classic
    }
}

/// `{"apiVersion": "dashboard.grafana.app/…", "kind": "Dashboard", "spec": {...}}`.
fn is_envelope(root: &Map<String, Value>) -> bool {
    let api = get_str(root, "apiVersion").unwrap_or("");
    root.get("spec").is_some_and(Value::is_object)
        && !root.contains_key("panels")
        && (api.starts_with("dashboard.grafana.app/") || get_str(root, "kind") == Some("Dashboard"))
}

/// A bare v2 spec: `layout` and `elements` objects, which no v1 dashboard has.
fn is_v2_spec(obj: &Map<String, Value>) -> bool {
    obj.get("layout").is_some_and(Value::is_object)
        && obj.get("elements").is_some_and(Value::is_object)
        && !obj.contains_key("panels")
        && !obj.contains_key("rows")
}

fn from_envelope(
    mut root: Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) -> (Map<String, Value>, PathMap) {
    check_keys(&root, ENVELOPE_KEYS, "", "dashboard resource", diags);
    let api = get_string(&root, "apiVersion").unwrap_or_default();
    let version = api.rsplit('/').next().unwrap_or("");
    let name = get_obj(&root, "metadata").and_then(|m| get_nonempty(m, "name"));
    let Some(Value::Object(mut spec)) = root.remove("spec") else {
        return (root, PathMap::default());
    };
    // Library panel models fetched from Grafana sit beside `spec`; the v1 loader reads them
    // from the dashboard's own `__elements`.
    if let Some(elements) = root.remove("__elements") {
        spec.insert("__elements".into(), elements);
    }
    if is_v2_spec(&spec) || version.starts_with("v2") {
        if version.starts_with("v2") && !KNOWN_VERSIONS.contains(&version) {
            diags.push(info(
                "apiVersion",
                format!("`{api}` is not a schema triage knows (v2, v2beta1, v2alpha1); read as v2"),
            ));
        }
        return convert_spec(&spec, "spec", name, diags);
    }
    // v0alpha1 / v1beta1 resources hold a v1 dashboard in `spec`.
    diags.push(info(
        "spec",
        format!("Kubernetes resource (`{api}`); loaded the v1 dashboard in its `spec`"),
    ));
    if let Some(name) = name
        && get_nonempty(&spec, "uid").is_none()
    {
        spec.insert("uid".into(), Value::String(name));
    }
    (spec, PathMap::default())
}

/// A v2 spec as a v1 dashboard object; `base` is the spec's path (`spec`, or empty when bare).
fn convert_spec(
    spec: &Map<String, Value>,
    base: &str,
    uid: Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> (Map<String, Value>, PathMap) {
    check_keys(spec, SPEC_KEYS, base, "dashboard", diags);
    let mut out = Map::new();
    for key in [
        "title",
        "description",
        "tags",
        "editable",
        "liveNow",
        "preload",
        "__elements",
    ] {
        if let Some(v) = spec.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(v) = spec.get("revision") {
        out.insert("revision".into(), v.clone());
    }
    if let Some(uid) = uid {
        out.insert("uid".into(), Value::String(uid));
    }
    out.insert("schemaVersion".into(), json!(V1_SCHEMA_VERSION));
    out.insert("graphTooltip".into(), json!(cursor_sync(spec)));
    if let Some(t) = get_obj(spec, "timeSettings") {
        time_settings(t, &join(base, "timeSettings"), &mut out, diags);
    }
    out.insert("links".into(), links(spec, base, diags));
    out.insert("annotations".into(), annotations(spec, base, diags));

    let mut paths = PathMap::default();
    let placed = layout::place(spec, base, diags);
    let mut list =
        variables::convert_all(get_arr(spec, "variables"), &join(base, "variables"), diags);
    let sections = variables::convert_sections(&placed.section_variables, &list, diags);
    list.extend(sections);
    for (i, (_, path)) in list.iter().enumerate() {
        paths.push(format!("templating.list[{i}]"), path.clone());
        // v1's `type` is v2's `kind`.
        paths.push(format!("templating.list[{i}].type"), format!("{path}.kind"));
    }
    let list: Vec<Value> = list.into_iter().map(|(v, _)| v).collect();
    out.insert("templating".into(), json!({ "list": list }));
    for (v1, v2) in placed.paths {
        paths.push(v1, v2);
    }
    out.insert("panels".into(), Value::Array(placed.panels));
    (out, paths)
}

/// `cursorSync` as v1's `graphTooltip` number.
fn cursor_sync(spec: &Map<String, Value>) -> u8 {
    match get_str(spec, "cursorSync") {
        Some("Crosshair") => 1,
        Some("Tooltip") => 2,
        _ => 0,
    }
}

/// `timeSettings` → `time`, `timezone`, `refresh`, `timepicker`, week and fiscal year.
fn time_settings(
    t: &Map<String, Value>,
    path: &str,
    out: &mut Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) {
    check_keys(t, TIME_KEYS, path, "time settings", diags);
    let from = get_nonempty(t, "from").unwrap_or_else(|| "now-6h".into());
    let to = get_nonempty(t, "to").unwrap_or_else(|| "now".into());
    out.insert("time".into(), json!({ "from": from, "to": to }));
    let copies = [
        ("timezone", "timezone"),
        ("autoRefresh", "refresh"),
        ("weekStart", "weekStart"),
        ("fiscalYearStartMonth", "fiscalYearStartMonth"),
    ];
    for (from_key, to_key) in copies {
        if let Some(v) = t.get(from_key) {
            out.insert(to_key.into(), v.clone());
        }
    }
    let mut picker = Map::new();
    let picker_copies = [
        ("autoRefreshIntervals", "refresh_intervals"),
        ("hideTimepicker", "hidden"),
        ("nowDelay", "nowDelay"),
        ("quickRanges", "quick_ranges"),
    ];
    for (from_key, to_key) in picker_copies {
        if let Some(v) = t.get(from_key) {
            picker.insert(to_key.into(), v.clone());
        }
    }
    out.insert("timepicker".into(), Value::Object(picker));
}

/// Dashboard links keep their v1 field names; `placement` and `origin` have no v1 meaning.
fn links(spec: &Map<String, Value>, base: &str, diags: &mut Vec<Diagnostic>) -> Value {
    let mut list = Vec::new();
    for (i, link) in get_arr(spec, "links").iter().enumerate() {
        let Some(obj) = link.as_object() else {
            continue;
        };
        check_keys(
            obj,
            LINK_KEYS,
            &join(base, &format!("links[{i}]")),
            "link",
            diags,
        );
        let mut out = obj.clone();
        out.remove("placement");
        out.remove("origin");
        list.push(Value::Object(out));
    }
    Value::Array(list)
}

/// Annotation queries: the query's spec goes to the annotation itself (where v1 keeps `expr`,
/// `titleFormat`, …) and to `target`; `legacyOptions` are v1 fields kept aside by Grafana.
fn annotations(spec: &Map<String, Value>, base: &str, diags: &mut Vec<Diagnostic>) -> Value {
    let mut list = Vec::new();
    for (i, a) in get_arr(spec, "annotations").iter().enumerate() {
        let path = join(base, &format!("annotations[{i}]"));
        let Some((_, s)) = kind_spec(a, "AnnotationQuery", &path, diags) else {
            continue;
        };
        check_keys(
            s,
            ANNOTATION_KEYS,
            &format!("{path}.spec"),
            "annotation",
            diags,
        );
        let mut out = Map::new();
        for key in ["name", "enable", "hide", "iconColor", "filter", "mappings"] {
            if let Some(v) = s.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        if get_bool(s, "builtIn") {
            out.insert("builtIn".into(), json!(1));
            out.insert("type".into(), json!("dashboard"));
        }
        let query = get_obj(s, "query");
        if let Some(ds) = element::datasource_of(query, get_obj(s, "datasource")) {
            out.insert("datasource".into(), ds);
        }
        if let Some(target) = query.and_then(|q| get_obj(q, "spec")) {
            for (k, v) in target {
                out.entry(k.clone()).or_insert_with(|| v.clone());
            }
            out.insert("target".into(), Value::Object(target.clone()));
        }
        for (k, v) in get_obj(s, "legacyOptions").into_iter().flatten() {
            out.entry(k.clone()).or_insert_with(|| v.clone());
        }
        list.push(Value::Object(out));
    }
    json!({ "list": list })
}

/// `{"kind": K, "spec": {...}}` → `(K, spec)`; a missing spec, or a kind other than `expected`
/// (when given), is a warning and `None`.
fn kind_spec<'a>(
    v: &'a Value,
    expected: &str,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'a str, &'a Map<String, Value>)> {
    let obj = v.as_object();
    let kind = obj.and_then(|o| get_str(o, "kind")).unwrap_or("");
    let spec = obj.and_then(|o| get_obj(o, "spec"));
    match spec {
        Some(spec) if expected.is_empty() || kind == expected => Some((kind, spec)),
        Some(_) => {
            diags.push(warning(
                &format!("{path}.kind"),
                format!("kind `{kind}` where `{expected}` was expected; ignored"),
            ));
            None
        }
        None => {
            diags.push(warning(path, "has no `spec` object; ignored".into()));
            None
        }
    }
}

/// Report fields not in `known` (the schema's own) as ignored, naming the v2 path.
fn check_keys(
    obj: &Map<String, Value>,
    known: &[&'static str],
    path: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let set: HashSet<&'static str> = known.iter().copied().collect();
    report_unknown_keys(obj, &set, path, what, diags);
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

fn info(path: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Info,
        path: path.to_owned(),
        message,
    }
}

fn warning(path: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        path: path.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn convert(v: Value) -> (Map<String, Value>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let (out, _) = to_v1(obj(v), &mut diags);
        (out, diags)
    }

    fn item(name: &str) -> Value {
        json!({"kind": "AutoGridLayoutItem", "spec": {"element": {"kind": "ElementReference", "name": name}}})
    }

    fn text_panel(id: i64) -> Value {
        json!({"kind": "Panel", "spec": {"id": id, "title": format!("p{id}"), "links": [],
            "vizConfig": {"kind": "VizConfig", "group": "text", "version": "1", "spec": {}}}})
    }

    fn grids(panels: &Value) -> Vec<(i64, u64, u64, u64, u64)> {
        panels
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let g = &p["gridPos"];
                let n = |k: &str| g[k].as_u64().unwrap();
                (
                    p["id"].as_i64().unwrap_or(-1),
                    n("x"),
                    n("y"),
                    n("w"),
                    n("h"),
                )
            })
            .collect()
    }

    #[test]
    fn v1_dashboards_pass_through_untouched() {
        let v1 = json!({"title": "t", "panels": [], "layout": {"kind": "x"}});
        let (out, diags) = convert(v1.clone());
        assert_eq!(Value::Object(out), v1);
        assert!(diags.is_empty());
    }

    #[test]
    fn path_map_replaces_the_longest_prefix_at_a_boundary() {
        let mut m = PathMap::default();
        m.push("panels[2]".into(), "spec.elements.a".into());
        m.push("panels[2].panels[0]".into(), "spec.elements.b".into());
        assert_eq!(
            m.remap("panels[2].type").as_deref(),
            Some("spec.elements.a.type")
        );
        assert_eq!(
            m.remap("panels[2].panels[0]").as_deref(),
            Some("spec.elements.b")
        );
        assert_eq!(m.remap("panels[20].type"), None);
        assert_eq!(m.remap("title"), None);
    }

    #[test]
    fn auto_grid_flows_by_column_count_and_custom_row_height() {
        let spec = json!({"title": "a", "elements": {"a": text_panel(1), "b": text_panel(2), "c": text_panel(3)},
            "layout": {"kind": "AutoGridLayout", "spec": {"maxColumnCount": 2, "rowHeightMode": "custom",
                "rowHeight": 100, "columnWidthMode": "standard", "items": [item("a"), item("b"), item("c")]}}});
        let (out, diags) = convert(spec);
        assert!(diags.is_empty(), "{diags:?}");
        // 100 px is 3 grid units of 38 px, rounded up.
        assert_eq!(
            grids(&out["panels"]),
            [(1, 0, 0, 12, 3), (2, 12, 0, 12, 3), (3, 0, 3, 12, 3)]
        );
    }

    #[test]
    fn tabs_become_rows_and_collapsed_rows_keep_nested_panels_flat() {
        let grid = |name: &str, h: u32| {
            json!({"kind": "GridLayout", "spec": {"items": [{"kind": "GridLayoutItem", "spec":
                {"x": 0, "y": 0, "width": 24, "height": h, "element": {"kind": "ElementReference", "name": name}}}]}})
        };
        let spec = json!({"title": "t", "elements": {"a": text_panel(1), "b": text_panel(2), "c": text_panel(3)},
            "layout": {"kind": "RowsLayout", "spec": {"rows": [
                {"kind": "RowsLayoutRow", "spec": {"title": "Tabs", "layout": {"kind": "TabsLayout", "spec": {"tabs": [
                    {"kind": "TabsLayoutTab", "spec": {"title": "T1", "layout": grid("a", 4)}},
                    {"kind": "TabsLayoutTab", "spec": {"title": "T2", "repeat": {"mode": "variable", "value": "x"},
                        "layout": grid("b", 2)}}]}}}},
                {"kind": "RowsLayoutRow", "spec": {"title": "Closed", "collapse": true, "layout": grid("c", 5)}}]}}});
        let (out, _) = convert(spec);
        let panels = out["panels"].as_array().unwrap();
        let kinds: Vec<(&str, &str)> = panels
            .iter()
            .map(|p| (p["type"].as_str().unwrap(), p["title"].as_str().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("row", "Tabs"),
                ("row", "T1"),
                ("text", "p1"),
                ("row", "T2"),
                ("text", "p2"),
                ("row", "Closed")
            ]
        );
        assert_eq!(panels[3]["repeat"], "x");
        assert_eq!(panels[5]["gridPos"]["y"], 9);
        assert_eq!(panels[5]["collapsed"], true);
        assert_eq!(grids(&panels[5]["panels"]), [(3, 0, 10, 24, 5)]);
    }

    #[test]
    fn v2alpha1_and_v2beta1_spellings() {
        let panel = json!({"kind": "Panel", "spec": {"id": 1, "title": "p", "links": [],
            "data": {"kind": "QueryGroup", "spec": {
                "queries": [{"kind": "PanelQuery", "spec": {"refId": "A", "hidden": false,
                    "datasource": {"type": "prometheus", "uid": "prom"},
                    "query": {"kind": "prometheus", "spec": {"expr": "up"}}}}],
                "transformations": [{"kind": "reduce", "spec": {"id": "reduce", "options": {}}}],
                "queryOptions": {"timeTo": "now"}}},
            "vizConfig": {"kind": "stat", "spec": {"pluginVersion": "11.0.0", "options": {}, "fieldConfig": {}}}}});
        let (out, diags) = convert(
            json!({"apiVersion": "dashboard.grafana.app/v2alpha1", "kind": "Dashboard",
            "metadata": {"name": "u"}, "spec": {"title": "t", "elements": {"p": panel},
            "layout": {"kind": "GridLayout", "spec": {"items": [{"kind": "GridLayoutItem", "spec":
                {"x": 0, "y": 0, "width": 6, "height": 3, "element": {"kind": "ElementReference", "name": "p"}}}]}}}}),
        );
        let p = &out["panels"][0];
        assert_eq!(p["type"], "stat");
        assert_eq!(
            p["datasource"],
            json!({"type": "prometheus", "uid": "prom"})
        );
        assert_eq!(
            p["targets"][0],
            json!({"expr": "up", "refId": "A", "datasource": {"type": "prometheus", "uid": "prom"}})
        );
        assert_eq!(p["transformations"][0]["id"], "reduce");
        assert_eq!(out["uid"], "u");
        assert!(
            diags
                .iter()
                .any(|d| d.path.ends_with("queryOptions.timeTo")),
            "{diags:?}"
        );
    }

    #[test]
    fn mixed_queries_make_a_mixed_panel() {
        let q = |uid: &str| {
            json!({"kind": "PanelQuery", "spec": {"refId": uid, "hidden": false, "query": {"kind": "DataQuery",
                "group": "prometheus", "version": "v0", "datasource": {"name": uid}, "spec": {"expr": "up"}}}})
        };
        let mut diags = Vec::new();
        let panel = json!({"kind": "Panel", "spec": {"id": 1, "title": "p", "links": [],
            "data": {"kind": "QueryGroup", "spec": {"queries": [q("a"), q("b")], "transformations": [], "queryOptions": {}}}}});
        let out = element::panel(&panel, "p", Default::default(), &mut diags).unwrap();
        assert_eq!(
            out["datasource"],
            json!({"type": "datasource", "uid": "-- Mixed --"})
        );
        assert_eq!(
            out["targets"][1]["datasource"],
            json!({"type": "prometheus", "uid": "b"})
        );
    }

    #[test]
    fn variable_enums_and_kinds() {
        let vars = json!([
            {"kind": "QueryVariable", "spec": {"name": "q", "hide": "hideVariable", "refresh": "onDashboardLoad",
                "sort": "naturalDesc", "query": {"kind": "DataQuery", "group": "prometheus", "version": "v0",
                "spec": {"__legacyStringValue": "label_values(up, job)"}}}},
            {"kind": "SwitchVariable", "spec": {"name": "s", "current": "on", "enabledValue": "on", "disabledValue": "off", "hide": "dontHide"}},
            {"kind": "ConstantVariable", "spec": {"name": "c", "query": "x", "hide": "dontHide"}}
        ]);
        let mut diags = Vec::new();
        let list = variables::convert_all(vars.as_array().unwrap(), "variables", &mut diags);
        let q = &list[0].0;
        assert_eq!(
            (q["hide"].clone(), q["refresh"].clone(), q["sort"].clone()),
            (json!(2), json!(1), json!(8))
        );
        assert_eq!(q["query"], "label_values(up, job)");
        assert_eq!(q["datasource"], json!({"type": "prometheus"}));
        assert_eq!(
            list[1].0["options"][0],
            json!({"text": "on", "value": "on", "selected": true})
        );
        assert_eq!(list[2].0["hide"], 2, "constants stay hidden");
        assert_eq!(list[2].1, "variables[2]");
    }
}
