//! Small readers over JSON values that tolerate the type drift seen in real files.

use serde_json::{Map, Value};

pub(super) fn get_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

pub(super) fn get_string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    get_str(obj, key).map(str::to_owned)
}

pub(super) fn get_nonempty(obj: &Map<String, Value>, key: &str) -> Option<String> {
    get_str(obj, key)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub(super) fn get_bool(obj: &Map<String, Value>, key: &str) -> bool {
    match obj.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

pub(super) fn opt_bool(obj: &Map<String, Value>, key: &str) -> Option<bool> {
    match obj.get(key) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// A number written as a number or as a numeric string.
pub(super) fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

pub(super) fn get_num(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    num(obj.get(key))
}

pub(super) fn get_u32(obj: &Map<String, Value>, key: &str) -> Option<u32> {
    get_num(obj, key)
        .filter(|f| *f >= 0.0 && *f <= u32::MAX as f64)
        .map(|f| f as u32)
}

pub(super) fn get_i64(obj: &Map<String, Value>, key: &str) -> Option<i64> {
    get_num(obj, key)
        .filter(|f| f.abs() < 9.0e15)
        .map(|f| f as i64)
}

pub(super) fn get_obj<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
) -> Option<&'a Map<String, Value>> {
    obj.get(key).and_then(Value::as_object)
}

pub(super) fn get_arr<'a>(obj: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    obj.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

pub(super) fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(scalar_string).collect(),
        Some(v) => scalar_string(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// A scalar's text as Grafana shows it (`null` is no text).
pub(super) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
