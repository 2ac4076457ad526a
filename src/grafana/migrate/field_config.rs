//! Building the modern `fieldConfig` / `options` objects a migrated panel carries, whatever
//! shape (or garbage) the old panel had under those keys.

use serde_json::{Map, Value, json};

pub(super) fn defaults_mut(panel: &mut Map<String, Value>) -> &mut Map<String, Value> {
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

pub(super) fn overrides_mut(panel: &mut Map<String, Value>) -> &mut Vec<Value> {
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

pub(super) fn options_mut(panel: &mut Map<String, Value>) -> &mut Map<String, Value> {
    let opts = panel.entry("options").or_insert_with(|| json!({}));
    if !opts.is_object() {
        *opts = json!({});
    }
    match opts {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

pub(super) fn custom_mut(defaults: &mut Map<String, Value>) -> &mut Map<String, Value> {
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
pub(super) fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Put a property (`unit`, `custom.hidden`) into a defaults object.
pub(super) fn set_property(defaults: &mut Map<String, Value>, id: &str, value: Value) {
    if let Some(rest) = id.strip_prefix("custom.") {
        custom_mut(defaults).insert(rest.to_owned(), value);
    } else {
        defaults.insert(id.to_owned(), value);
    }
}
