//! v2 variables (`QueryVariable`, `CustomVariable`, …) as v1 `templating.list` entries. Group-by
//! and switch variables have no kind in triage's model: they become v1 `groupby` / `switch`
//! entries, which the loader keeps at their saved value (and says so).

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::super::readers::*;
use super::{check_keys, element, info, warning};
use crate::grafana::model::Diagnostic;

/// Fields every variable kind has.
const COMMON_KEYS: &[&str] = &[
    "name",
    "label",
    "hide",
    "skipUrlSync",
    "description",
    "current",
    "origin",
];
const QUERY_KEYS: &[&str] = &[
    "query",
    "datasource",
    "regex",
    "regexApplyTo",
    "sort",
    "definition",
    "options",
    "multi",
    "includeAll",
    "allValue",
    "placeholder",
    "allowCustomValue",
    "staticOptions",
    "staticOptionsOrder",
    "refresh",
];
const CUSTOM_KEYS: &[&str] = &[
    "query",
    "options",
    "multi",
    "includeAll",
    "allValue",
    "allowCustomValue",
    "valuesFormat",
];
const DATASOURCE_KEYS: &[&str] = &[
    "pluginId",
    "refresh",
    "regex",
    "options",
    "multi",
    "includeAll",
    "allValue",
    "allowCustomValue",
];
const INTERVAL_KEYS: &[&str] = &[
    "query",
    "options",
    "auto",
    "auto_min",
    "auto_count",
    "refresh",
];
const TEXT_KEYS: &[&str] = &["query"];
const ADHOC_KEYS: &[&str] = &[
    "datasource",
    "baseFilters",
    "filters",
    "defaultKeys",
    "allowCustomValue",
    "enableGroupBy",
];
const GROUP_BY_KEYS: &[&str] = &["datasource", "defaultValue", "options", "multi"];
const SWITCH_KEYS: &[&str] = &["enabledValue", "disabledValue"];

/// A query spec holding what was a plain string query in v1.
const LEGACY_STRING_KEY: &str = "__legacyStringValue";

/// The dashboard's variables, each with its v2 path.
pub(super) fn convert_all(
    list: &[Value],
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Value, String)> {
    list.iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let p = format!("{path}[{i}]");
            convert(v, &p, diags).map(|v| (v, p))
        })
        .collect()
}

/// Variables of rows and tabs: v1 has only dashboard-wide ones, so they become that (a name
/// already taken keeps its first definition).
pub(super) fn convert_sections(
    list: &[(Value, String)],
    taken: &[(Value, String)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Value, String)> {
    let mut names: HashSet<String> = taken
        .iter()
        .filter_map(|(v, _)| get_string(v.as_object()?, "name"))
        .collect();
    let mut out = Vec::new();
    for (v, path) in list {
        let Some(var) = convert(v, path, diags) else {
            continue;
        };
        let name = var.get("name").and_then(Value::as_str).unwrap_or("");
        if !names.insert(name.to_owned()) {
            diags.push(warning(
                path,
                format!("section variable `{name}` repeats a name already defined; ignored"),
            ));
            continue;
        }
        diags.push(info(
            path,
            "variable of a row or tab; applies to the whole dashboard here".into(),
        ));
        out.push((var, path.clone()));
    }
    out
}

/// One v2 variable as a v1 variable object; `None` (with a warning) for an unknown kind.
fn convert(v: &Value, path: &str, diags: &mut Vec<Diagnostic>) -> Option<Value> {
    let obj = v.as_object();
    let kind = obj.and_then(|o| get_str(o, "kind")).unwrap_or("");
    let Some(spec) = obj.and_then(|o| get_obj(o, "spec")) else {
        diags.push(warning(
            path,
            "variable has no `spec` object; ignored".into(),
        ));
        return None;
    };
    let spec_path = format!("{path}.spec");
    let (v1_type, extra_keys): (&str, &[&str]) = match kind {
        "QueryVariable" => ("query", QUERY_KEYS),
        "CustomVariable" => ("custom", CUSTOM_KEYS),
        "DatasourceVariable" => ("datasource", DATASOURCE_KEYS),
        "IntervalVariable" => ("interval", INTERVAL_KEYS),
        "ConstantVariable" => ("constant", TEXT_KEYS),
        "TextVariable" => ("textbox", TEXT_KEYS),
        "AdhocVariable" => ("adhoc", ADHOC_KEYS),
        "GroupByVariable" => ("groupby", GROUP_BY_KEYS),
        "SwitchVariable" => ("switch", SWITCH_KEYS),
        other => {
            diags.push(warning(
                &format!("{path}.kind"),
                format!("unknown variable kind `{other}`; ignored"),
            ));
            return None;
        }
    };
    let known: Vec<&'static str> = COMMON_KEYS.iter().chain(extra_keys).copied().collect();
    check_keys(spec, &known, &spec_path, "variable", diags);
    let mut out = common(spec, v1_type);
    let kind_obj = obj.unwrap_or(spec);
    match kind {
        "QueryVariable" => query_variable(spec, &mut out),
        "AdhocVariable" | "GroupByVariable" => {
            if let Some(ds) = scoped_datasource(kind_obj, spec) {
                out.insert("datasource".into(), ds);
            }
        }
        "DatasourceVariable" => {
            if let Some(plugin) = spec.get("pluginId") {
                out.insert("query".into(), plugin.clone());
            }
        }
        "SwitchVariable" => switch_variable(spec, &mut out),
        "ConstantVariable" => {
            // Grafana keeps constants hidden in v1; shown ones would migrate to text boxes.
            out.insert("hide".into(), json!(2));
        }
        "CustomVariable" if get_str(spec, "valuesFormat") == Some("json") => {
            diags.push(info(
                &format!("{spec_path}.valuesFormat"),
                "JSON values are not parsed; the saved options are used".into(),
            ));
        }
        _ => {}
    }
    Some(Value::Object(out))
}

/// The fields v1 spells the same way, and the enums v1 writes as numbers.
fn common(spec: &Map<String, Value>, v1_type: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("type".into(), json!(v1_type));
    let same = [
        "name",
        "label",
        "description",
        "skipUrlSync",
        "current",
        "options",
        "query",
        "regex",
        "definition",
        "multi",
        "includeAll",
        "allValue",
        "allowCustomValue",
        "auto",
        "auto_min",
        "auto_count",
        "filters",
        "baseFilters",
        "defaultKeys",
    ];
    for key in same {
        if let Some(v) = spec.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    out.insert("hide".into(), json!(hide(get_str(spec, "hide"))));
    if let Some(r) = get_str(spec, "refresh") {
        out.insert("refresh".into(), json!(refresh(r)));
    }
    if let Some(s) = get_str(spec, "sort") {
        out.insert("sort".into(), json!(sort(s)));
    }
    out
}

/// A query variable's `DataQuery`: its spec is v1's `query` (a string when it was one), its
/// plugin and uid the variable's datasource.
fn query_variable(spec: &Map<String, Value>, out: &mut Map<String, Value>) {
    let query = get_obj(spec, "query");
    out.remove("query");
    if let Some(q) = query.and_then(|q| get_obj(q, "spec")) {
        let v1 = match q.get(LEGACY_STRING_KEY) {
            Some(s @ Value::String(_)) => s.clone(),
            _ => Value::Object(q.clone()),
        };
        out.insert("query".into(), v1);
    }
    if let Some(ds) = element::datasource_of(query, get_obj(spec, "datasource")) {
        out.insert("datasource".into(), ds);
    }
}

/// Ad-hoc and group-by variables name their datasource beside the spec (`group`,
/// `datasource.name`) in v2 and v2beta1, inside it (`datasource: {type, uid}`) in v2alpha1.
fn scoped_datasource(kind_obj: &Map<String, Value>, spec: &Map<String, Value>) -> Option<Value> {
    let mut beside = kind_obj.clone();
    beside.insert("kind".into(), json!("DataQuery"));
    element::datasource_of(Some(&beside), get_obj(spec, "datasource"))
}

/// A switch is a two-valued variable: `current` is the enabled or the disabled value.
fn switch_variable(spec: &Map<String, Value>, out: &mut Map<String, Value>) {
    let current = get_string(spec, "current").unwrap_or_default();
    out.insert(
        "current".into(),
        json!({ "text": current, "value": current }),
    );
    let options: Vec<Value> = ["enabledValue", "disabledValue"]
        .iter()
        .filter_map(|k| get_string(spec, k))
        .map(|v| json!({ "text": v, "value": v, "selected": v == current }))
        .collect();
    out.insert("options".into(), Value::Array(options));
    out.insert("query".into(), json!(""));
}

/// `VariableHide` as v1's number; `inControlsMenu` variables are still shown.
fn hide(h: Option<&str>) -> u8 {
    match h {
        Some("hideLabel") => 1,
        Some("hideVariable") => 2,
        _ => 0,
    }
}

/// `VariableRefresh` as v1's number.
fn refresh(r: &str) -> u8 {
    match r {
        "onDashboardLoad" => 1,
        "onTimeRangeChanged" => 2,
        _ => 0,
    }
}

/// `VariableSort` as v1's number, in Grafana's order.
fn sort(s: &str) -> u8 {
    const ORDER: &[&str] = &[
        "disabled",
        "alphabeticalAsc",
        "alphabeticalDesc",
        "numericalAsc",
        "numericalDesc",
        "alphabeticalCaseInsensitiveAsc",
        "alphabeticalCaseInsensitiveDesc",
        "naturalAsc",
        "naturalDesc",
    ];
    ORDER.iter().position(|o| *o == s).unwrap_or(0) as u8
}
