//! graph → timeseries (the frontend's graphToTimeseriesOptions, the simple parts).

use serde_json::{Map, Value, json};

use super::field_config::{custom_mut, defaults_mut, obj, options_mut, overrides_mut};
use super::legacy::{alias_matcher, loose_number, truthy};

pub(super) fn graph_to_timeseries(panel: &mut Map<String, Value>) {
    let bars = truthy(panel.get("bars"));
    let lines = panel.get("lines").and_then(Value::as_bool).unwrap_or(true);
    let points = truthy(panel.get("points"));
    let fill = loose_number(panel.get("fill")).unwrap_or(1.0);
    let line_width = loose_number(panel.get("linewidth")).unwrap_or(1.0);
    let stack = truthy(panel.get("stack"));
    let percentage = truthy(panel.get("percentage"));
    // Taken out rather than copied: the modern panel has no use for them.
    let (y1, y2) = match panel.remove("yaxes") {
        Some(Value::Array(mut axes)) => {
            let y2 = (axes.len() > 1).then(|| axes.swap_remove(1));
            (axes.into_iter().next(), y2)
        }
        _ => (None, None),
    };
    let legend = panel.remove("legend");
    let alias_colors = panel.remove("aliasColors");
    let series_overrides = panel.remove("seriesOverrides");
    let thresholds = panel.remove("thresholds");
    let decimals = panel.remove("decimals").filter(|d| !d.is_null());

    let draw_style = if bars {
        "bars"
    } else if lines {
        "line"
    } else if points {
        "points"
    } else {
        "line"
    };
    {
        let defaults = defaults_mut(panel);
        let custom = custom_mut(defaults);
        custom.insert("drawStyle".into(), json!(draw_style));
        custom.insert("lineWidth".into(), json!(line_width));
        custom.insert("fillOpacity".into(), json!(fill * 10.0));
        custom.insert(
            "showPoints".into(),
            json!(if points { "always" } else { "never" }),
        );
        let stack_mode = match (stack, percentage) {
            (true, true) => "percent",
            (true, false) => "normal",
            _ => "none",
        };
        custom.insert("stacking".into(), json!({"mode": stack_mode, "group": "A"}));
        if let Some(y) = &y1 {
            apply_axis(defaults, y);
        }
        if let Some(d) = decimals {
            defaults.insert("decimals".into(), d);
        }
    }
    if let Some(Value::Array(list)) = &thresholds
        && !list.is_empty()
    {
        graph_thresholds(panel, list);
    }

    let mut overrides = Vec::new();
    if let Some(Value::Object(colors)) = &alias_colors {
        for (name, color) in colors {
            if let Some(c) = color.as_str() {
                overrides.push(json!({
                    "matcher": {"id": "byName", "options": name},
                    "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": c}}],
                }));
            }
        }
    }
    for so in series_overrides
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(alias) = so.get("alias").and_then(Value::as_str) else {
            continue;
        };
        let props = series_override_properties(so, y2.as_ref());
        if !props.is_empty() {
            overrides.push(obj([
                ("matcher", alias_matcher(alias)),
                ("properties", Value::Array(props)),
            ]));
        }
    }
    overrides_mut(panel).extend(overrides);

    let legend_opts = graph_legend(legend.as_ref());
    options_mut(panel).insert("legend".into(), legend_opts);
}

/// A legacy y-axis (`format`, `min`, `max`, `logBase`, `label`, `show`) onto field config.
fn apply_axis(target: &mut Map<String, Value>, axis: &Value) {
    if let Some(fmt) = axis.get("format").and_then(Value::as_str) {
        target.insert("unit".into(), json!(fmt));
    }
    if let Some(d) = axis.get("decimals").filter(|d| !d.is_null()) {
        target.insert("decimals".into(), d.clone());
    }
    if let Some(min) = loose_number(axis.get("min")) {
        target.insert("min".into(), json!(min));
    }
    if let Some(max) = loose_number(axis.get("max")) {
        target.insert("max".into(), json!(max));
    }
    let custom = custom_mut(target);
    if let Some(base) = loose_number(axis.get("logBase")).filter(|b| *b > 1.0) {
        custom.insert(
            "scaleDistribution".into(),
            json!({"type": "log", "log": base}),
        );
    }
    if let Some(label) = axis
        .get("label")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        custom.insert("axisLabel".into(), json!(label));
    }
    if axis.get("show").and_then(Value::as_bool) == Some(false) {
        custom.insert("axisPlacement".into(), json!("hidden"));
    }
}

fn series_override_properties(so: &Value, y2: Option<&Value>) -> Vec<Value> {
    let mut props = Vec::new();
    if so.get("bars").and_then(Value::as_bool) == Some(true) {
        props.push(json!({"id": "custom.drawStyle", "value": "bars"}));
    }
    if so.get("lines").and_then(Value::as_bool) == Some(false)
        && so.get("bars").and_then(Value::as_bool) != Some(true)
    {
        props.push(json!({"id": "custom.drawStyle", "value": "points"}));
    }
    if let Some(fill) = loose_number(so.get("fill")) {
        props.push(json!({"id": "custom.fillOpacity", "value": fill * 10.0}));
    }
    if let Some(lw) = loose_number(so.get("linewidth")) {
        props.push(json!({"id": "custom.lineWidth", "value": lw}));
    }
    if so.get("stack").and_then(Value::as_bool) == Some(false) {
        props.push(json!({"id": "custom.stacking", "value": {"mode": "none", "group": "A"}}));
    }
    if let Some(c) = so.get("color").and_then(Value::as_str) {
        props.push(json!({"id": "color", "value": {"mode": "fixed", "fixedColor": c}}));
    }
    if so.get("legend").and_then(Value::as_bool) == Some(false) {
        props.push(json!({"id": "custom.hideFrom", "value": {"legend": true, "tooltip": false, "viz": false}}));
    }
    if so.get("transform").and_then(Value::as_str) == Some("negative-Y") {
        props.push(json!({"id": "custom.transform", "value": "negative-Y"}));
    }
    if loose_number(so.get("yaxis")) == Some(2.0) {
        props.push(json!({"id": "custom.axisPlacement", "value": "right"}));
        if let Some(axis) = y2 {
            let mut m = Map::new();
            apply_axis(&mut m, axis);
            for key in ["unit", "decimals", "min", "max"] {
                if let Some(v) = m.remove(key) {
                    props.push(obj([("id", json!(key)), ("value", v)]));
                }
            }
        }
    }
    props
}

fn graph_legend(legend: Option<&Value>) -> Value {
    let Some(l) = legend else {
        return json!({"showLegend": true, "displayMode": "list", "placement": "bottom", "calcs": []});
    };
    let show = l.get("show").and_then(Value::as_bool).unwrap_or(true);
    let as_table = truthy(l.get("alignAsTable"));
    let mut calcs = Vec::new();
    if l.get("values").and_then(Value::as_bool).unwrap_or(false) {
        for (key, calc) in [
            ("min", "min"),
            ("max", "max"),
            ("avg", "mean"),
            ("current", "lastNotNull"),
            ("total", "sum"),
        ] {
            if truthy(l.get(key)) {
                calcs.push(json!(calc));
            }
        }
    }
    let mut legend = json!({
        "showLegend": show,
        "displayMode": if !show { "hidden" } else if as_table { "table" } else { "list" },
        "placement": if truthy(l.get("rightSide")) { "right" } else { "bottom" },
        "calcs": [],
    });
    legend["calcs"] = Value::Array(calcs);
    legend
}

/// Graph thresholds (`[{value, op, colorMode, fill, line}]`) to steps and a thresholds style.
fn graph_thresholds(panel: &mut Map<String, Value>, list: &[Value]) {
    let mut items: Vec<(f64, bool, String, bool, bool)> = list
        .iter()
        .filter_map(|t| {
            let value = loose_number(t.get("value"))?;
            let below = t.get("op").and_then(Value::as_str) == Some("lt");
            let color = match t
                .get("colorMode")
                .and_then(Value::as_str)
                .unwrap_or("critical")
            {
                "critical" => "red".to_owned(),
                "warning" => "orange".to_owned(),
                "ok" => "green".to_owned(),
                _ => t
                    .get("lineColor")
                    .or_else(|| t.get("fillColor"))
                    .and_then(Value::as_str)
                    .unwrap_or("red")
                    .to_owned(),
            };
            let fill = t.get("fill").and_then(Value::as_bool).unwrap_or(true);
            let line = t.get("line").and_then(Value::as_bool).unwrap_or(true);
            Some((value, below, color, fill, line))
        })
        .collect();
    if items.is_empty() {
        return;
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut steps = vec![json!({"value": null, "color": "transparent"})];
    for (value, below, color, _, _) in &items {
        if *below {
            // The area below `value` takes the colour: recolour the step that ends here.
            if let Some(last) = steps.last_mut() {
                last["color"] = json!(color);
            }
            steps.push(json!({"value": value, "color": "transparent"}));
        } else {
            steps.push(json!({"value": value, "color": color}));
        }
    }
    let any_fill = items.iter().any(|i| i.3);
    let any_line = items.iter().any(|i| i.4);
    let style = match (any_line, any_fill) {
        (true, true) => "line+area",
        (false, true) => "area",
        (true, false) => "line",
        (false, false) => "off",
    };
    let defaults = defaults_mut(panel);
    defaults.insert(
        "thresholds".into(),
        obj([("mode", json!("absolute")), ("steps", Value::Array(steps))]),
    );
    custom_mut(defaults).insert("thresholdsStyle".into(), json!({"mode": style}));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::migrate::migrated;

    #[test]
    fn graph_yaxis_and_legend() {
        let p = migrated(json!({
            "type": "graph", "fill": 2, "stack": true,
            "yaxes": [{"format": "bytes", "logBase": 2, "min": "0"}, {"format": "short"}],
            "legend": {"show": true, "values": true, "current": true, "max": true, "alignAsTable": true, "rightSide": true},
            "seriesOverrides": [{"alias": "/err.*/", "yaxis": 2, "color": "#ff0000"}]
        }));
        assert_eq!(p["type"], "timeseries");
        let d = &p["fieldConfig"]["defaults"];
        assert_eq!(d["unit"], "bytes");
        assert_eq!(d["min"], json!(0.0));
        assert_eq!(d["custom"]["fillOpacity"], json!(20.0));
        assert_eq!(d["custom"]["stacking"]["mode"], "normal");
        assert_eq!(d["custom"]["scaleDistribution"]["log"], json!(2.0));
        assert_eq!(p["options"]["legend"]["displayMode"], "table");
        assert_eq!(p["options"]["legend"]["placement"], "right");
        assert_eq!(
            p["options"]["legend"]["calcs"],
            json!(["max", "lastNotNull"])
        );
        let ov = &p["fieldConfig"]["overrides"][0];
        assert_eq!(ov["matcher"]["id"], "byRegexp");
        assert!(
            ov["properties"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x["id"] == "unit" && x["value"] == "short"))
        );
    }
}
