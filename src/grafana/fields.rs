//! Per-field configuration as Grafana computes it: the panel's defaults with every matching
//! override applied in order (later ones win), and value mappings (first match wins).
//!
//! Sources: grafana-data `transformations/matchers/ids.ts` and the field matchers (byName,
//! byNames, byRegexp, byType, byFrameRefID, byValue), `field/overrides/processor.ts` (property
//! ids, `custom.*`), `utils/valueMappings.ts` (value, range, regex, special).

use super::model::{
    CustomFieldConfig, FieldConfig, FieldDefaults, FieldMatcher, MappingResult, ValueMapping,
};
use super::reduce;

/// What a matcher looks at: one numeric field (a series) of a frame.
#[derive(Debug, Clone, Copy)]
pub struct FieldIdentity<'a> {
    /// The field's display name (legend name).
    pub name: &'a str,
    /// Its own name in the frame (`Value #B` renamed `Sync age` by organize), which `byName`
    /// and `byNames` also match (grafana-data `nameMatcher.ts`); `None` for a series.
    pub field_name: Option<&'a str>,
    pub ref_id: &'a str,
    /// Its values, for `byValue`.
    pub values: &'a [Option<f64>],
}

/// The configuration of one field: defaults, then each override whose matcher selects it.
pub fn field_config(config: &FieldConfig, field: FieldIdentity) -> FieldDefaults {
    let mut out = config.defaults.clone();
    for o in &config.overrides {
        if matches(&o.matcher, field) {
            for id in &o.set {
                set_property(&mut out, &o.properties, id);
            }
        }
    }
    out
}

/// Whether any override could apply to numeric series (cheap check to skip the work).
pub fn has_overrides(config: &FieldConfig) -> bool {
    !config.overrides.is_empty()
}

pub fn matches(matcher: &FieldMatcher, field: FieldIdentity) -> bool {
    match matcher {
        FieldMatcher::ByName { name } => {
            name == field.name || Some(name.as_str()) == field.field_name
        }
        FieldMatcher::ByNames { names, exclude } => {
            names
                .iter()
                .any(|n| n == field.name || Some(n.as_str()) == field.field_name)
                != *exclude
        }
        FieldMatcher::ByRegexp { pattern } => {
            js_regex(pattern).is_some_and(|re| re.is_match(field.name))
        }
        // Every series triage draws is a number field (time is the x axis).
        FieldMatcher::ByType { field_type } => field_type == "number",
        FieldMatcher::ByFrameRefId { ref_id } => ref_id == field.ref_id,
        FieldMatcher::ByValue { reducer, op, value } => {
            let Some(reduced) = reduce::reduce(reducer, field.values) else {
                return false;
            };
            match op.as_str() {
                "gt" => reduced > *value,
                "gte" => reduced >= *value,
                "lt" => reduced < *value,
                "lte" => reduced <= *value,
                "eq" => reduced == *value,
                "ne" => reduced != *value,
                _ => false,
            }
        }
        FieldMatcher::Other { id } => matches!(id.as_str(), "numeric" | "first"),
    }
}

/// `stringToJsRegex` (see `vars::string_to_js_regex`): `/pattern/flags` as written, a bare
/// pattern matching only the whole text; `None` when it does not compile.
pub fn js_regex(text: &str) -> Option<regex::Regex> {
    super::vars::string_to_js_regex(text).ok().map(|r| r.regex)
}

/// Copy one property (`unit`, `custom.fillOpacity`, ...) of an override onto a field.
fn set_property(out: &mut FieldDefaults, from: &FieldDefaults, id: &str) {
    match id {
        "unit" => out.unit = from.unit.clone(),
        "decimals" => out.decimals = from.decimals,
        "min" => out.min = from.min,
        "max" => out.max = from.max,
        "displayName" | "displayNameFromDS" => out.display_name = from.display_name.clone(),
        "noValue" => out.no_value = from.no_value.clone(),
        "thresholds" => out.thresholds = from.thresholds.clone(),
        "mappings" => out.mappings = from.mappings.clone(),
        "color" => out.color = from.color.clone(),
        "links" => out.links = from.links.clone(),
        other => {
            if let Some(key) = other.strip_prefix("custom.") {
                set_custom(&mut out.custom, &from.custom, key);
            }
        }
    }
}

fn set_custom(out: &mut CustomFieldConfig, from: &CustomFieldConfig, key: &str) {
    match key {
        "drawStyle" => out.draw_style = from.draw_style.clone(),
        "fillOpacity" => out.fill_opacity = from.fill_opacity,
        "stacking" => out.stacking = from.stacking.clone(),
        "thresholdsStyle" => out.thresholds_style = from.thresholds_style.clone(),
        "scaleDistribution" => out.scale_log_base = from.scale_log_base,
        "axisSoftMin" => out.axis_soft_min = from.axis_soft_min,
        "axisSoftMax" => out.axis_soft_max = from.axis_soft_max,
        "hideFrom" => {
            out.hide_from_viz = from.hide_from_viz;
            out.hide_from_legend = from.hide_from_legend;
        }
        "axisPlacement" => out.axis_placement = from.axis_placement.clone(),
        "axisLabel" => out.axis_label = from.axis_label.clone(),
        "lineWidth" => out.line_width = from.line_width,
        "transform" => out.transform = from.transform.clone(),
        "hidden" => out.hidden = from.hidden,
        "displayMode" | "cellOptions" => out.cell_display_mode = from.cell_display_mode.clone(),
        _ => {}
    }
}

/// A value to map: what a field holds (Grafana's mappings look at the raw JavaScript value,
/// so a number and its text are not the same to them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MappingInput<'a> {
    /// A number field's value; `None` is Grafana's null.
    Number(Option<f64>),
    /// A string field's value.
    Text(&'a str),
}

/// The mapping result for a number, as Grafana's `getValueMappingResult`: the first mapping
/// that matches wins. `None` (no value) is Grafana's null.
pub fn map_value(value: Option<f64>, mappings: &[ValueMapping]) -> Option<MappingResult> {
    map_input(MappingInput::Number(value), mappings)
}

/// The mapping result for a string value (table text cells).
pub fn map_text(text: &str, mappings: &[ValueMapping]) -> Option<MappingResult> {
    map_input(MappingInput::Text(text), mappings)
}

/// `getValueMappingResult` (grafana-data `utils/valueMappings.ts`), case by case:
/// - value: `options[String(value)]`, the key as written (no trimming); null never matches;
/// - range: `parseFloat(value)`, NaN skipped; absent or null bounds are open (`from ??
///   -Infinity`; legacy range maps read `+null` as 0, which the loader stores);
/// - regex: strings only (`typeof value !== 'string'` skips numbers);
/// - special: `null`, `nan` (a number that is NaN, never a string), `null+nan`,
///   `true`/`false` (the boolean or its string, never 1/0), `empty` (`''`).
pub fn map_input(input: MappingInput, mappings: &[ValueMapping]) -> Option<MappingResult> {
    let is_null = input == MappingInput::Number(None);
    for mapping in mappings {
        let hit = match mapping {
            ValueMapping::Value { values } => {
                let key = match input {
                    MappingInput::Number(None) => continue,
                    MappingInput::Number(Some(v)) => js_number(v),
                    MappingInput::Text(t) => t.to_string(),
                };
                values
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, r)| r.clone())
            }
            ValueMapping::Range { from, to, result } => {
                let v = match input {
                    MappingInput::Number(v) => v,
                    MappingInput::Text(t) => js_parse_float(t),
                };
                let Some(v) = v.filter(|v| !v.is_nan()) else {
                    continue;
                };
                let inside = from.is_none_or(|f| v >= f) && to.is_none_or(|t| v <= t);
                inside.then(|| result.clone())
            }
            ValueMapping::Regex { pattern, result } => {
                let MappingInput::Text(text) = input else {
                    continue;
                };
                let Some(re) = js_regex(pattern) else {
                    continue;
                };
                re.is_match(text).then(|| {
                    let mut result = result.clone();
                    // The text may use the groups it captured ($1).
                    if let Some(t) = &result.text {
                        result.text = Some(re.replace(text, t.as_str()).into_owned());
                    }
                    result
                })
            }
            ValueMapping::Special { matches, result } => {
                let is_nan = matches!(input, MappingInput::Number(Some(v)) if v.is_nan());
                let hit = match matches.as_str() {
                    "null" => is_null,
                    "nan" => is_nan,
                    "null+nan" => is_null || is_nan,
                    "true" => input == MappingInput::Text("true"),
                    "false" => input == MappingInput::Text("false"),
                    "empty" => input == MappingInput::Text(""),
                    _ => false,
                };
                hit.then(|| result.clone())
            }
        };
        if hit.is_some() {
            return hit;
        }
    }
    None
}

/// JavaScript's `parseFloat(text)`: the longest number at the start, `None` (NaN) if none.
fn js_parse_float(text: &str) -> Option<f64> {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('-').or(t.strip_prefix('+'))
        && rest.starts_with("Infinity")
    {
        return Some(if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if t.starts_with("Infinity") {
        return Some(f64::INFINITY);
    }
    (1..=t.len())
        .rev()
        .filter(|&end| t.is_char_boundary(end))
        .find_map(|end| {
            let head = &t[..end];
            let plain = head
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
            plain.then(|| head.parse::<f64>().ok()).flatten()
        })
}

/// A number as JavaScript's `String(v)` writes it (the key of a value mapping).
pub fn js_number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if v == v.trunc() && v.abs() < 1e21 {
        format!("{}", v as i128)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::{FieldOverride, ThresholdStep, Thresholds};

    fn result(text: &str, color: Option<&str>) -> MappingResult {
        MappingResult {
            text: Some(text.into()),
            color: color.map(str::to_string),
            index: None,
        }
    }

    fn field<'a>(name: &'a str, values: &'a [Option<f64>]) -> FieldIdentity<'a> {
        FieldIdentity {
            name,
            field_name: None,
            ref_id: "A",
            values,
        }
    }

    #[test]
    fn value_mappings_first_match_wins() {
        let mappings = vec![
            ValueMapping::Value {
                values: vec![
                    ("1".into(), result("UP", Some("green"))),
                    ("0".into(), result("DOWN", Some("red"))),
                ],
            },
            ValueMapping::Range {
                from: Some(0.0),
                to: Some(10.0),
                result: result("low", None),
            },
            ValueMapping::Special {
                matches: "null".into(),
                result: result("no data", None),
            },
        ];
        assert_eq!(map_value(Some(1.0), &mappings).unwrap().text.unwrap(), "UP");
        assert_eq!(
            map_value(Some(0.0), &mappings).unwrap().text.unwrap(),
            "DOWN"
        );
        assert_eq!(
            map_value(Some(5.5), &mappings).unwrap().text.unwrap(),
            "low"
        );
        assert_eq!(map_value(None, &mappings).unwrap().text.unwrap(), "no data");
        assert!(map_value(Some(11.0), &mappings).is_none());
    }

    #[test]
    fn open_ranges_regex_groups_and_specials() {
        let open = vec![ValueMapping::Range {
            from: Some(100.0),
            to: None,
            result: result("huge", None),
        }];
        assert!(map_value(Some(1e9), &open).is_some());
        assert!(map_value(Some(99.0), &open).is_none());
        let regex = vec![ValueMapping::Regex {
            pattern: "/^(\\d)0+$/".into(),
            result: result("$1 and zeros", None),
        }];
        assert_eq!(
            map_text("3000", &regex).unwrap().text.unwrap(),
            "3 and zeros"
        );
        let nan = vec![ValueMapping::Special {
            matches: "null+nan".into(),
            result: result("n/a", None),
        }];
        assert!(map_value(Some(f64::NAN), &nan).is_some());
        assert!(map_value(None, &nan).is_some());
        assert!(map_value(Some(0.0), &nan).is_none());
    }

    // grafana-data utils/valueMappings.ts: regex mappings skip anything that is not a string.
    #[test]
    fn regex_mappings_match_strings_only() {
        let regex = vec![ValueMapping::Regex {
            pattern: "/.*/".into(),
            result: result("any", None),
        }];
        assert!(map_value(Some(1.0), &regex).is_none());
        assert!(map_value(None, &regex).is_none());
        assert_eq!(map_text("x", &regex).unwrap().text.unwrap(), "any");
    }

    // `true`/`false` match the boolean or its string (`value === true || value === 'true'`),
    // never 1/0; `nan` only a number that is NaN (`typeof value === 'number'`); `empty` is ''.
    #[test]
    fn special_mappings_follow_javascript_equality() {
        let special = |m: &str| {
            vec![ValueMapping::Special {
                matches: m.into(),
                result: result(m, None),
            }]
        };
        assert!(map_value(Some(1.0), &special("true")).is_none());
        assert!(map_value(Some(0.0), &special("false")).is_none());
        assert!(map_text("true", &special("true")).is_some());
        assert!(map_text("false", &special("false")).is_some());
        assert!(map_text("1", &special("true")).is_none());
        assert!(map_value(Some(f64::NAN), &special("nan")).is_some());
        assert!(map_value(None, &special("nan")).is_none());
        assert!(map_text("down", &special("nan")).is_none());
        assert!(map_text("12", &special("nan")).is_none());
        assert!(map_text("", &special("empty")).is_some());
        assert!(map_value(None, &special("null")).is_some());
        assert!(map_text("", &special("null")).is_none());
    }

    // Ranges: `parseFloat(value)`, NaN skipped; absent bounds are open (both absent matches any
    // number); value keys are compared as written.
    #[test]
    fn ranges_and_value_keys() {
        let open = vec![ValueMapping::Range {
            from: None,
            to: None,
            result: result("all", None),
        }];
        assert!(map_value(Some(-1e300), &open).is_some());
        assert!(map_value(Some(f64::NAN), &open).is_none());
        assert!(map_value(None, &open).is_none());
        assert!(map_text("12ms", &open).is_some());
        assert!(map_text("ms", &open).is_none());
        let keyed = vec![ValueMapping::Value {
            values: vec![(" 1".into(), result("spaced", None))],
        }];
        assert!(map_value(Some(1.0), &keyed).is_none());
        let nan_key = vec![ValueMapping::Value {
            values: vec![("NaN".into(), result("not a number", None))],
        }];
        assert!(map_value(Some(f64::NAN), &nan_key).is_some());
    }

    #[test]
    fn bare_patterns_match_whole_names_slashed_ones_anywhere() {
        assert!(js_regex("p9.").unwrap().is_match("p99"));
        assert!(!js_regex("p9").unwrap().is_match("p99"));
        assert!(js_regex("/p9/").unwrap().is_match("p99"));
        assert!(js_regex("/P99/i").unwrap().is_match("p99"));
    }

    #[test]
    fn js_number_matches_string_of_a_number() {
        assert_eq!(js_number(1.0), "1");
        assert_eq!(js_number(-0.5), "-0.5");
        assert_eq!(js_number(1e3), "1000");
        assert_eq!(js_number(f64::INFINITY), "Infinity");
    }

    fn override_unit(matcher: FieldMatcher, unit: &str) -> FieldOverride {
        FieldOverride {
            matcher,
            properties: FieldDefaults {
                unit: Some(unit.into()),
                ..FieldDefaults::default()
            },
            set: vec!["unit".into()],
        }
    }

    #[test]
    fn overrides_apply_in_order_to_matching_fields() {
        let config = FieldConfig {
            defaults: FieldDefaults {
                unit: Some("short".into()),
                thresholds: Some(Thresholds {
                    mode: Default::default(),
                    steps: vec![ThresholdStep {
                        value: None,
                        color: "green".into(),
                    }],
                }),
                ..FieldDefaults::default()
            },
            overrides: vec![
                override_unit(
                    FieldMatcher::ByRegexp {
                        pattern: "/^p9/".into(),
                    },
                    "s",
                ),
                override_unit(FieldMatcher::ByName { name: "p99".into() }, "ms"),
                override_unit(
                    FieldMatcher::ByNames {
                        names: vec!["errors".into()],
                        exclude: true,
                    },
                    "percent",
                ),
            ],
        };
        let values = [Some(1.0)];
        // All three match p99; the last one wins.
        assert_eq!(
            field_config(&config, field("p99", &values)).unit.as_deref(),
            Some("percent")
        );
        // byNames in exclude mode skips "errors"; nothing else matches it.
        let errors = field_config(&config, field("errors", &values));
        assert_eq!(errors.unit.as_deref(), Some("short"));
        // Properties not overridden stay.
        assert!(errors.thresholds.is_some());
    }

    #[test]
    fn by_value_and_by_ref_id_and_type() {
        let big = [Some(10.0), Some(200.0)];
        let small = [Some(1.0), Some(2.0)];
        let m = FieldMatcher::ByValue {
            reducer: "max".into(),
            op: "gte".into(),
            value: 100.0,
        };
        assert!(matches(&m, field("a", &big)));
        assert!(!matches(&m, field("a", &small)));
        let by_ref = FieldMatcher::ByFrameRefId { ref_id: "B".into() };
        assert!(!matches(&by_ref, field("a", &big)));
        assert!(matches(
            &FieldMatcher::ByType {
                field_type: "number".into()
            },
            field("a", &big)
        ));
        // An override that clears a unit sets it back to none.
        let clear = FieldOverride {
            matcher: FieldMatcher::ByName { name: "a".into() },
            properties: FieldDefaults::default(),
            set: vec!["unit".into(), "custom.fillOpacity".into()],
        };
        let config = FieldConfig {
            defaults: FieldDefaults {
                unit: Some("s".into()),
                custom: CustomFieldConfig {
                    fill_opacity: Some(20.0),
                    ..CustomFieldConfig::default()
                },
                ..FieldDefaults::default()
            },
            overrides: vec![clear],
        };
        let f = field_config(&config, field("a", &big));
        assert_eq!(f.unit, None);
        assert_eq!(f.custom.fill_opacity, None);
    }
}
