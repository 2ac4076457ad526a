//! singlestat → stat (schema v28 plus the frontend's shared single-stat handler).

use serde_json::{Map, Value, json};

use super::field_config::{defaults_mut, obj};
use super::legacy::{
    at, legacy_threshold_steps, legacy_value_mappings, loose_number, reducer_for_legacy_stat,
    truthy,
};

const SINGLESTAT_DEFAULT_COLORS: [&str; 3] = ["#299c46", "rgba(237, 129, 40, 0.89)", "#d44a3a"];

pub(super) fn singlestat_to_stat(panel: &mut Map<String, Value>) {
    // grafana-singlestat-panel with modern-ish options keeps them under `options`.
    let old_options = panel.remove("options");
    let sparkline_show = at(panel, "/sparkline/show")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let options = stat_options(panel, old_options.as_ref(), sparkline_show);

    let format = panel
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            old_options
                .as_ref()
                .and_then(|o| o.pointer("/valueOptions/unit"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    let decimals = panel.get("decimals").cloned().filter(|d| !d.is_null());
    let null_text = panel
        .get("nullText")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let thresholds = panel.remove("thresholds");
    let colors: Vec<Value> = match panel.get("colors") {
        Some(Value::Array(c)) if !c.is_empty() => c.clone(),
        _ => SINGLESTAT_DEFAULT_COLORS.iter().map(|c| json!(c)).collect(),
    };
    let mappings = legacy_value_mappings(panel.get("valueMaps"), panel.get("rangeMaps"));
    let gauge_show = at(panel, "/gauge/show")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let gauge_min = loose_number(at(panel, "/gauge/minValue"));
    let gauge_max = loose_number(at(panel, "/gauge/maxValue"));
    let line_color = at(panel, "/sparkline/lineColor")
        .and_then(Value::as_str)
        .map(str::to_owned);

    panel.insert("options".into(), options);
    let defaults = defaults_mut(panel);
    if let Some(unit) = format {
        defaults.insert("unit".into(), json!(unit));
    }
    if let Some(d) = decimals {
        defaults.insert("decimals".into(), d);
    }
    if let Some(t) = null_text.filter(|t| !t.is_empty()) {
        defaults.insert("noValue".into(), json!(t));
    }
    defaults.insert(
        "thresholds".into(),
        singlestat_thresholds(thresholds, &colors),
    );
    if !mappings.is_empty() {
        defaults.insert("mappings".into(), Value::Array(mappings));
    }
    if sparkline_show && let Some(c) = line_color {
        defaults.insert("color".into(), json!({"mode": "fixed", "fixedColor": c}));
    }
    if gauge_show {
        if let Some(min) = gauge_min {
            defaults.insert("min".into(), json!(min));
        }
        if let Some(max) = gauge_max {
            defaults.insert("max".into(), json!(max));
        }
    }
    default_percent_range(defaults);
}

/// The stat panel's `options`: reducer, colour/graph/text modes, plus whatever a newer
/// grafana-singlestat-panel already wrote under `options`.
fn stat_options(
    panel: &Map<String, Value>,
    old_options: Option<&Value>,
    sparkline_show: bool,
) -> Value {
    let value_name = panel
        .get("valueName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let stat_from_options = old_options
        .and_then(|o| o.pointer("/valueOptions/stat"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let calc = reducer_for_legacy_stat(
        value_name
            .as_deref()
            .or(stat_from_options.as_deref())
            .unwrap_or("avg"),
    );

    let mut reduce = json!({"values": false, "calcs": [calc], "fields": ""});
    if let Some(col) = panel
        .get("tableColumn")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        reduce["fields"] = json!(format!("/^{col}$/"));
    }
    let color_mode = if truthy(panel.get("colorBackground")) {
        "background"
    } else if truthy(panel.get("colorValue")) {
        "value"
    } else {
        "none"
    };
    let mut options = json!({
        "reduceOptions": reduce,
        "orientation": "horizontal",
        "graphMode": if sparkline_show { "area" } else { "none" },
        "colorMode": color_mode,
        "textMode": if value_name.as_deref() == Some("name") { "name" } else { "auto" },
        "justifyMode": "auto",
    });
    if let Some(Value::Object(old)) = old_options
        && let Some(Value::Object(opts)) = Some(&mut options)
    {
        // Keep anything the newer plugin already wrote that we do not set ourselves.
        for (k, v) in old {
            if !opts.contains_key(k) && k != "valueOptions" {
                opts.insert(k.clone(), v.clone());
            }
        }
    }
    options
}

/// Singlestat `thresholds` (`"80,90"` with `colors`, or already a list of steps) as a modern
/// thresholds object; without any, the base colour alone.
fn singlestat_thresholds(thresholds: Option<Value>, colors: &[Value]) -> Value {
    match thresholds {
        Some(Value::String(levels)) => obj([
            ("mode", json!("absolute")),
            (
                "steps",
                Value::Array(legacy_threshold_steps(&levels, colors)),
            ),
        ]),
        Some(Value::Array(steps)) if !steps.is_empty() => {
            // grafana-singlestat-panel style: already a list of steps.
            obj([("mode", json!("absolute")), ("steps", Value::Array(steps))])
        }
        _ => obj([
            ("mode", json!("absolute")),
            ("steps", Value::Array(legacy_threshold_steps("", colors))),
        ]),
    }
}

/// Percent units get Grafana's implied 0–100 (or 0–1) range where min/max are unset.
fn default_percent_range(defaults: &mut Map<String, Value>) {
    let unit = defaults
        .get("unit")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (min, max) = match unit.as_deref() {
        Some("percent") => (0.0, 100.0),
        Some("percentunit") => (0.0, 1.0),
        _ => return,
    };
    if defaults.get("min").is_none_or(Value::is_null) {
        defaults.insert("min".into(), json!(min));
    }
    if defaults.get("max").is_none_or(Value::is_null) {
        defaults.insert("max".into(), json!(max));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::migrate::migrated;

    #[test]
    fn singlestat_thresholds_and_colors() {
        let p = migrated(json!({
            "type": "singlestat", "valueName": "current", "format": "percent",
            "thresholds": "80,90", "colors": ["green", "orange", "red"], "colorBackground": true,
            "sparkline": {"show": true}
        }));
        assert_eq!(p["type"], "stat");
        assert_eq!(
            p["options"]["reduceOptions"]["calcs"],
            json!(["lastNotNull"])
        );
        assert_eq!(p["options"]["colorMode"], "background");
        assert_eq!(p["options"]["graphMode"], "area");
        let d = &p["fieldConfig"]["defaults"];
        assert_eq!(d["unit"], "percent");
        assert_eq!(d["min"], json!(0.0));
        assert_eq!(d["max"], json!(100.0));
        assert_eq!(
            d["thresholds"]["steps"],
            json!([{"value": null, "color": "green"}, {"value": 80.0, "color": "orange"}, {"value": 90.0, "color": "red"}])
        );
    }

    #[test]
    fn singlestat_default_reducer_is_mean() {
        let p = migrated(json!({"type": "singlestat"}));
        assert_eq!(p["options"]["reduceOptions"]["calcs"], json!(["mean"]));
        assert_eq!(p["options"]["colorMode"], "none");
    }
}
