//! Reading legacy (Angular-era) option values: loose numbers and booleans, series aliases,
//! reducer names, value maps and threshold strings, shared by the per-panel migrations.

use serde_json::{Map, Value, json};

use super::field_config::obj;

/// `serde_json::Value::pointer` for a map: `at(panel, "/yaxes/0")`.
pub(super) fn at<'a>(obj: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let mut parts = pointer.trim_start_matches('/').splitn(2, '/');
    let first = obj.get(parts.next()?)?;
    match parts.next() {
        Some(rest) => first.pointer(&format!("/{rest}")),
        None => Some(first),
    }
}

pub(super) fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        _ => false,
    }
}

/// A number written as a number or a numeric string; `null`/empty string are "unset".
pub(super) fn loose_number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// Matcher for a legacy series alias or style pattern: `/re/` is a regex, anything else a name.
pub(super) fn alias_matcher(alias: &str) -> Value {
    if alias.len() >= 2 && alias.starts_with('/') && alias.ends_with('/') {
        json!({"id": "byRegexp", "options": alias})
    } else {
        json!({"id": "byName", "options": alias})
    }
}

/// Grafana's old reducer names to modern reducer ids.
pub(super) fn reducer_for_legacy_stat(name: &str) -> &'static str {
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
pub(super) fn legacy_value_mappings(
    value_maps: Option<&Value>,
    range_maps: Option<&Value>,
) -> Vec<Value> {
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
pub(super) fn legacy_threshold_steps(levels: &str, colors: &[Value]) -> Vec<Value> {
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
