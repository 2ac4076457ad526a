//! `fieldConfig`: defaults, overrides and their matchers, custom properties, thresholds, value
//! mappings and data links.

use serde_json::{Map, Value};

use super::readers::*;
use crate::grafana::model::{
    ColorSpec, CustomFieldConfig, Diagnostic, FieldConfig, FieldDefaults, FieldMatcher,
    FieldOverride, Link, MappingResult, Severity, ThresholdStep, Thresholds, ThresholdsMode,
    ValueMapping,
};

pub(super) fn convert_field_config(
    fc: &Map<String, Value>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> FieldConfig {
    let mut defaults = FieldDefaults::default();
    if let Some(d) = get_obj(fc, "defaults") {
        for (key, value) in d {
            if key == "custom" {
                if let Some(c) = value.as_object() {
                    for (ck, cv) in c {
                        apply_custom(&mut defaults.custom, ck, cv);
                    }
                }
            } else {
                apply_property(&mut defaults, key, value);
            }
        }
    }
    let overrides = get_arr(fc, "overrides")
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            convert_override(o.as_object()?, &format!("{path}.overrides[{i}]"), diags)
        })
        .collect();
    FieldConfig {
        defaults,
        overrides,
    }
}

fn convert_override(
    o: &Map<String, Value>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<FieldOverride> {
    let m = get_obj(o, "matcher")?;
    let id = get_string(m, "id").unwrap_or_default();
    let opt = m.get("options");
    let opt_str = || opt.and_then(scalar_string).unwrap_or_default();
    let matcher = match id.as_str() {
        "byName" => FieldMatcher::ByName { name: opt_str() },
        "byRegexp" => FieldMatcher::ByRegexp { pattern: opt_str() },
        "byType" => FieldMatcher::ByType {
            field_type: opt_str(),
        },
        "byFrameRefID" => FieldMatcher::ByFrameRefId { ref_id: opt_str() },
        "byNames" => {
            let o = opt.and_then(Value::as_object);
            FieldMatcher::ByNames {
                names: o.map(|o| strings(o.get("names"))).unwrap_or_default(),
                exclude: o.and_then(|o| get_str(o, "mode")) == Some("exclude"),
            }
        }
        "byValue" => {
            let o = opt.and_then(Value::as_object);
            FieldMatcher::ByValue {
                reducer: o.and_then(|o| get_string(o, "reducer")).unwrap_or_default(),
                op: o.and_then(|o| get_string(o, "op")).unwrap_or_default(),
                value: o.and_then(|o| get_num(o, "value")).unwrap_or(0.0),
            }
        }
        _ => {
            if ![
                "numeric",
                "time",
                "first",
                "firstTimeField",
                "byRegexpOrNames",
            ]
            .contains(&id.as_str())
            {
                diags.push(Diagnostic {
                    severity: Severity::Info,
                    path: format!("{path}.matcher"),
                    message: format!("unknown field matcher `{id}`"),
                });
            }
            FieldMatcher::Other { id }
        }
    };
    let mut properties = FieldDefaults::default();
    let mut set = Vec::new();
    for p in get_arr(o, "properties").iter().filter_map(Value::as_object) {
        let Some(pid) = get_string(p, "id") else {
            continue;
        };
        let value = p.get("value").unwrap_or(&Value::Null);
        match pid.strip_prefix("custom.") {
            Some(ck) => apply_custom(&mut properties.custom, ck, value),
            None => apply_property(&mut properties, &pid, value),
        }
        set.push(pid);
    }
    Some(FieldOverride {
        matcher,
        properties,
        set,
    })
}

fn apply_property(d: &mut FieldDefaults, id: &str, v: &Value) {
    match id {
        "unit" => d.unit = v.as_str().filter(|s| !s.is_empty()).map(str::to_owned),
        "decimals" => {
            // Negative decimals count as 0: grafana-data `toFixed` uses `Math.max(0, decimals)`.
            d.decimals = num(Some(v)).map(|n| n.clamp(0.0, 20.0) as u32)
        }
        "min" => d.min = num(Some(v)),
        "max" => d.max = num(Some(v)),
        "displayName" => d.display_name = v.as_str().map(str::to_owned),
        "noValue" => d.no_value = scalar_string(v),
        "thresholds" => d.thresholds = v.as_object().map(convert_thresholds),
        "mappings" => d.mappings = convert_mappings(v),
        "color" => {
            d.color = v.as_object().map(|c| ColorSpec {
                mode: get_string(c, "mode").unwrap_or_default(),
                fixed_color: get_string(c, "fixedColor"),
            })
        }
        "links" => {
            d.links = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .map(convert_link)
                .collect()
        }
        _ => {}
    }
}

fn apply_custom(c: &mut CustomFieldConfig, key: &str, v: &Value) {
    let s = || v.as_str().map(str::to_owned);
    match key {
        "drawStyle" => c.draw_style = s(),
        "fillOpacity" => c.fill_opacity = num(Some(v)),
        "stacking" => c.stacking = v.get("mode").and_then(Value::as_str).map(str::to_owned),
        "thresholdsStyle" => {
            c.thresholds_style = v.get("mode").and_then(Value::as_str).map(str::to_owned)
        }
        "scaleDistribution" => {
            c.scale_log_base = match v.get("type").and_then(Value::as_str) {
                Some("log") => num(v.get("log")).map(|b| b as u32).filter(|b| *b > 1),
                _ => None,
            }
        }
        "axisSoftMin" => c.axis_soft_min = num(Some(v)),
        "axisSoftMax" => c.axis_soft_max = num(Some(v)),
        "hideFrom" => {
            c.hide_from_viz = v.get("viz").and_then(Value::as_bool);
            c.hide_from_legend = v.get("legend").and_then(Value::as_bool);
        }
        "axisPlacement" => c.axis_placement = s(),
        "axisLabel" => c.axis_label = s().filter(|l| !l.is_empty()),
        "lineWidth" => c.line_width = num(Some(v)),
        "transform" => c.transform = s(),
        "hidden" => c.hidden = v.as_bool(),
        "displayMode" => c.cell_display_mode = s(),
        // Newer tables nest the display mode: `cellOptions: {type: "color-background"}`.
        "cellOptions" => {
            if let Some(t) = v.get("type").and_then(Value::as_str) {
                c.cell_display_mode = Some(t.to_owned());
            }
        }
        _ => {}
    }
}

fn convert_thresholds(t: &Map<String, Value>) -> Thresholds {
    let mode = match get_str(t, "mode") {
        Some("percentage") => ThresholdsMode::Percentage,
        _ => ThresholdsMode::Absolute,
    };
    let steps: Vec<ThresholdStep> = get_arr(t, "steps")
        .iter()
        .filter_map(Value::as_object)
        .map(|s| ThresholdStep {
            value: get_num(s, "value"),
            color: get_string(s, "color").unwrap_or_default(),
        })
        .collect();
    // Kept in the file's order: Grafana walks the steps as written (grafana-data
    // field/thresholds.ts getActiveThreshold), only a null first step being -Infinity.
    Thresholds { mode, steps }
}

fn mapping_result(v: Option<&Value>) -> MappingResult {
    let Some(Value::Object(r)) = v else {
        return MappingResult::default();
    };
    MappingResult {
        text: r.get("text").and_then(scalar_string),
        color: get_string(r, "color"),
        index: get_i64(r, "index"),
    }
}

/// Modern mappings (`type` value/range/regex/special) and the older flat form (`type` 1 or 2).
fn convert_mappings(v: &Value) -> Vec<ValueMapping> {
    let mut out = Vec::new();
    for m in v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let opts = get_obj(m, "options");
        match m.get("type") {
            Some(Value::String(t)) => match (t.as_str(), opts) {
                ("value", Some(o)) => out.push(ValueMapping::Value {
                    values: o
                        .iter()
                        .map(|(k, r)| (k.clone(), mapping_result(Some(r))))
                        .collect(),
                }),
                // `from ?? -Infinity`: a null bound is open (grafana-data 13
                // utils/valueMappings.ts).
                ("range", Some(o)) => out.push(ValueMapping::Range {
                    from: get_num(o, "from"),
                    to: get_num(o, "to"),
                    result: mapping_result(o.get("result")),
                }),
                ("regex", Some(o)) => out.push(ValueMapping::Regex {
                    pattern: get_string(o, "pattern").unwrap_or_default(),
                    result: mapping_result(o.get("result")),
                }),
                ("special", Some(o)) => out.push(ValueMapping::Special {
                    matches: get_string(o, "match").unwrap_or_default(),
                    result: mapping_result(o.get("result")),
                }),
                _ => {}
            },
            Some(Value::Number(n)) => {
                let text = m.get("text").and_then(scalar_string);
                let result = MappingResult {
                    text,
                    color: None,
                    index: None,
                };
                match n.as_i64() {
                    Some(1) => {
                        let value = m.get("value").and_then(scalar_string).unwrap_or_default();
                        if value == "null" {
                            out.push(ValueMapping::Special {
                                matches: "null".into(),
                                result,
                            });
                        } else {
                            out.push(ValueMapping::Value {
                                values: vec![(value, result)],
                            });
                        }
                    }
                    // upgradeOldAngularValueMapping: a "null" bound makes a null mapping.
                    Some(2)
                        if [m.get("from"), m.get("to")]
                            .iter()
                            .any(|b| b.and_then(Value::as_str) == Some("null")) =>
                    {
                        out.push(ValueMapping::Special {
                            matches: "null".into(),
                            result,
                        })
                    }
                    Some(2) => out.push(ValueMapping::Range {
                        from: legacy_range_bound(m, "from"),
                        to: legacy_range_bound(m, "to"),
                        result,
                    }),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}

/// A legacy range map's bound: `upgradeOldAngularValueMapping` reads it with `+bound`, so a
/// JSON `null` (or "") is the number 0 while an absent bound stays open (grafana-data
/// `utils/valueMappings.ts`).
fn legacy_range_bound(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    match obj.get(key) {
        Some(Value::Null) => Some(0.0),
        _ => get_num(obj, key),
    }
}

pub(super) fn convert_link(l: &Map<String, Value>) -> Link {
    Link {
        title: get_string(l, "title").unwrap_or_default(),
        url: get_string(l, "url").unwrap_or_default(),
        target_blank: get_bool(l, "targetBlank"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_of(json: &str) -> ValueMapping {
        let v: Value = serde_json::from_str(json).unwrap();
        convert_mappings(&v).remove(0)
    }

    // grafana-data 13 utils/valueMappings.ts: `from ?? -Infinity`, so null and absent bounds
    // are open; upgradeOldAngularValueMapping turns a "null" legacy bound into a null mapping
    // and reads the others with `+bound` (null is 0).
    #[test]
    fn range_bounds_null_is_open_legacy_null_is_zero() {
        let m = range_of(
            r#"[{"type":"range","options":{"from":null,"to":10,"result":{"text":"low"}}}]"#,
        );
        assert!(matches!(
            m,
            ValueMapping::Range {
                from: None,
                to: Some(10.0),
                ..
            }
        ));
        let m = range_of(r#"[{"type":"range","options":{"to":10,"result":{"text":"low"}}}]"#);
        assert!(matches!(
            m,
            ValueMapping::Range {
                from: None,
                to: Some(10.0),
                ..
            }
        ));
        let m = range_of(r#"[{"type":2,"from":"null","to":"null","text":"N/A"}]"#);
        assert!(matches!(m, ValueMapping::Special { ref matches, .. } if matches == "null"));
        let m = range_of(r#"[{"type":2,"from":null,"to":"5","text":"low"}]"#);
        assert!(matches!(
            m,
            ValueMapping::Range {
                from: Some(0.0),
                to: Some(5.0),
                ..
            }
        ));
    }
}
