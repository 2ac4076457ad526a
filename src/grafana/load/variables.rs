//! Template variables (`templating.list`) as the loader reads them.

use crate::grafana::model::LabelMatcher;
use serde_json::{Map, Value};

use super::kind_of;
use super::readers::*;
use super::targets::datasource_ref;
use crate::grafana::model::{
    Diagnostic, Severity, Variable, VariableKind, VariableOption, VariableSelection,
};

pub(super) fn convert_variable(
    v: &Value,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Variable> {
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
    let kind = variable_kind(type_name, path, diags);
    let query = match obj.get("query") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(q)) => get_string(q, "query")
            .filter(|text| !text.is_empty())
            .or_else(|| loki_object_query(q))
            .unwrap_or_default(),
        _ => get_string(obj, "definition").unwrap_or_default(),
    };
    let current = get_obj(obj, "current")
        .map(|c| VariableSelection {
            text: strings(c.get("text")),
            value: strings(c.get("value")),
        })
        .unwrap_or_default();
    let refresh = match obj.get("refresh") {
        Some(Value::Bool(true)) => 1,
        _ => small_number(obj, "refresh"),
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
        sort: small_number(obj, "sort"),
        multi: get_bool(obj, "multi"),
        include_all: get_bool(obj, "includeAll"),
        all_value: get_nonempty(obj, "allValue"),
        hide: small_number(obj, "hide"),
        refresh,
        current,
        options: saved_options(obj),
        auto: get_bool(obj, "auto"),
        auto_count: get_u32(obj, "auto_count"),
        auto_min: get_nonempty(obj, "auto_min"),
        adhoc_filters: adhoc_filters(obj),
    })
}

/// The variable's kind from its `type`; unknown types keep their saved value.
fn variable_kind(type_name: &str, path: &str, diags: &mut Vec<Diagnostic>) -> VariableKind {
    match type_name {
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
    }
}

/// A small enum-like number (`sort`, `hide`, `refresh`): negatives and absence are 0, clamped
/// to 255.
/// A query object without a `query` text: Grafana's Loki variable editor saves `{"type": 0|1,
/// "label", "stream"}`; read as the legacy text it stands for.
fn loki_object_query(q: &Map<String, Value>) -> Option<String> {
    crate::grafana::varquery::loki_query_object_text(
        q.get("type")?.as_i64()?,
        get_str(q, "label"),
        get_str(q, "stream"),
    )
}

fn small_number(obj: &Map<String, Value>, key: &str) -> u8 {
    get_num(obj, key)
        .filter(|n| *n >= 0.0)
        .map_or(0, |n| n.min(255.0) as u8)
}

/// The options saved with the dashboard.
fn saved_options(obj: &Map<String, Value>) -> Vec<VariableOption> {
    get_arr(obj, "options")
        .iter()
        .filter_map(Value::as_object)
        .map(|o| VariableOption {
            text: o.get("text").and_then(scalar_string).unwrap_or_default(),
            value: o.get("value").and_then(scalar_string).unwrap_or_default(),
            selected: get_bool(o, "selected"),
        })
        .collect()
}

/// An ad-hoc variable's `filters` as `(key, operator, value)`; the operator defaults to `=`.
fn adhoc_filters(obj: &Map<String, Value>) -> Vec<LabelMatcher> {
    obj.get("filters")
        .and_then(Value::as_array)
        .map(|filters| {
            filters
                .iter()
                .filter_map(|f| {
                    let f = f.as_object()?;
                    let key = get_nonempty(f, "key")?;
                    let operator = get_nonempty(f, "operator").unwrap_or_else(|| "=".into());
                    Some(LabelMatcher::new(
                        key,
                        operator,
                        get_string(f, "value").unwrap_or_default(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}
