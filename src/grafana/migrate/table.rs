//! Angular table (`table-old`, or `table` with `styles`) → table (schema v24).

use serde_json::{Map, Value, json};

use super::field_config::{defaults_mut, obj, options_mut, overrides_mut, set_property};
use super::legacy::{alias_matcher, legacy_threshold_steps, truthy};

pub(super) fn angular_table_to_table(panel: &mut Map<String, Value>) {
    let styles = match panel.remove("styles") {
        Some(Value::Array(s)) => s,
        _ => Vec::new(),
    };
    // Only a `transform` the file names adds a transformation (v24.go `migrateTransformations`:
    // no default), after the panel's own.
    let transform = panel
        .get("transform")
        .and_then(Value::as_str)
        .unwrap_or_default()
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
        let mut transformations = match panel.remove("transformations") {
            Some(Value::Array(t)) => t,
            _ => Vec::new(),
        };
        transformations.extend(new_transforms);
        panel.insert("transformations".into(), Value::Array(transformations));
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
    // Value and range maps of a style are not carried over: Grafana's table migration
    // (v24.go `migrateTableStyleToOverride`) drops them, so the raw values show.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::migrate::migrated;

    #[test]
    fn an_angular_tables_transform_follows_its_own_and_has_no_default() {
        let own = json!([{"id": "organize", "options": {}}]);
        let p = migrated(json!({
            "type": "table", "transform": "timeseries_to_rows", "transformations": own,
            "styles": [{"pattern": "/.*/", "unit": "ms"}]
        }));
        let ids: Vec<&str> = p["transformations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["id"].as_str())
            .collect();
        assert_eq!(ids, ["organize", "seriesToRows"]);
        let p = migrated(json!({"type": "table", "styles": [{"pattern": "/.*/"}]}));
        assert!(
            p.get("transformations")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty),
            "{p:?}"
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
