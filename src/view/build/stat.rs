//! Stat, gauge and bar gauge panels: each series reduced to one value (Grafana's
//! `reduceOptions`), formatted and coloured; gauges add a bar between min and max.

use super::super::display::{
    Shown, data_range, display_value, format, named, no_data_value, numeric_min_max, series_field,
    values_of,
};
use super::super::{
    BarOrientation, GaugeItem, GaugeMode, GaugeView, Rgb, StatColorMode, StatValue, StatView,
};
use crate::data::panel_data::Series;
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::panel_kind::PanelKind;
use crate::grafana::{reduce, thresholds};

/// The calc a reducing panel shows. Without `reduceOptions.calcs` in the file the panel's
/// default applies (`lastNotNull`, public/app/plugins/panel/stat/common.ts
/// `addStandardDataReduceOptions`; the loader fills it in); an explicitly empty list makes
/// `getFieldDisplayValues` (grafana-data `field/fieldDisplay.ts`) fall back to `last`.
pub(in crate::view) fn panel_calc(panel: &Panel) -> String {
    match panel.options.reduce.as_ref() {
        None => "lastNotNull".into(),
        Some(r) => r.calcs.first().cloned().unwrap_or_else(|| "last".into()),
    }
}

/// One reduced series: what it shows, its own field config and its reduced value.
struct Reduced {
    name: String,
    shown: Shown,
    field: FieldDefaults,
    value: Option<f64>,
    sparkline: Vec<f64>,
}

/// The scale a field's gauge runs over: its own min/max, else those of all numeric data of the
/// panel (`calculateRange` / `findNumericFieldMinMax` in grafana-data
/// `field/fieldOverrides.ts`; no unit gets a range of its own, not even percent).
fn field_range(
    field: &FieldDefaults,
    data: (Option<f64>, Option<f64>),
) -> (Option<f64>, Option<f64>) {
    (field.min.or(data.0), field.max.or(data.1))
}

/// Gauges reduce as stat does and show each value as a bar between the field's min and max.
pub(super) fn build_gauge(panel: &Panel, series: &[Series]) -> GaugeView {
    let defaults = &panel.field_config.defaults;
    let stat = build_stat(panel, series);
    let data = numeric_min_max(series);
    let reduced = reduce_series(panel, series);
    let items = stat
        .values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let fraction = reduced
                .get(i)
                .and_then(|r| {
                    let (min, max) = field_range(&r.field, data);
                    Some(gauge_fraction(r.value?, min?, max?))
                })
                .unwrap_or(0.0);
            GaugeItem {
                name: v.name,
                text: v.text,
                fraction,
                color: v.color.unwrap_or(super::super::display::FALLBACK),
                state: v.state,
            }
        })
        .collect();
    // Min/max labels and the threshold scale follow the panel's defaults (with no data at
    // all Grafana's no-value display uses min/max 0).
    let (min, max) = field_range(defaults, data);
    let (min, max) = (min.unwrap_or(0.0), max.unwrap_or(0.0));
    let is_gauge = PanelKind::of(&panel.panel_type) == PanelKind::Gauge;
    GaugeView {
        items,
        // A bar gauge's bars follow `orientation`, `auto` (its default) by the panel's shape.
        // A gauge's orientation only places its dials, which are drawn as bars across here.
        orientation: match panel.options.orientation.as_deref() {
            Some("vertical") => BarOrientation::Vertical,
            Some("horizontal") => BarOrientation::Horizontal,
            _ if is_gauge => BarOrientation::Horizontal,
            _ => BarOrientation::Auto,
        },
        mode: match panel.options.display_mode.as_deref() {
            Some("gradient") if !is_gauge => GaugeMode::Gradient,
            Some("lcd") if !is_gauge => GaugeMode::Lcd,
            _ => GaugeMode::Basic,
        },
        // Grafana's bar gauge shows the unfilled part unless told not to; a gauge always does.
        show_unfilled: is_gauge || panel.options.show_unfilled.unwrap_or(true),
        min_max: is_gauge.then(|| (format(defaults, min), format(defaults, max))),
        scale: threshold_scale(defaults, min, max),
        threshold_markers: is_gauge && panel.options.show_threshold_markers.unwrap_or(true),
    }
}

/// `getValuePercent` of grafana-ui's BarGauge: (value - min) / (max - min), NaN as 0, kept
/// within the bar.
fn gauge_fraction(value: f64, min: f64, max: f64) -> f64 {
    let f = ((value - min) / (max - min)).min(1.0);
    if f.is_nan() { 0.0 } else { f.max(0.0) }
}

/// Where each threshold step starts along a bar from `min` to `max` (fraction, colour), the
/// base step at 0; steps outside the range are clamped to its ends.
fn threshold_scale(field: &FieldDefaults, min: f64, max: f64) -> Vec<(f64, Rgb)> {
    let defaults = thresholds::default_thresholds();
    let th = field.thresholds.as_ref().unwrap_or(&defaults);
    let span = max - min;
    let mut steps: Vec<(f64, Rgb)> = th
        .steps
        .iter()
        .map(|step| {
            let at = match (step.value, th.mode) {
                (None, _) => 0.0,
                (Some(v), crate::grafana::model::ThresholdsMode::Percentage) => v / 100.0,
                (Some(v), _) if span > 0.0 => (v - min) / span,
                (Some(_), _) => 0.0,
            };
            (at.clamp(0.0, 1.0), named(&step.color))
        })
        .collect();
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    steps
}

/// Every current series reduced and displayed as Grafana's `getFieldDisplayValues` does.
fn reduce_series(panel: &Panel, series: &[Series]) -> Vec<Reduced> {
    let calc = panel_calc(panel);
    let range = data_range(series);
    let mut out = Vec::new();
    for (index, s) in series.iter().filter(|s| s.compare.is_none()).enumerate() {
        let raw = values_of(s);
        let field = series_field(panel, s, &raw);
        let value = reduce::reduce(&calc, &raw);
        out.push(Reduced {
            name: field.display_name.clone().unwrap_or_else(|| s.name.clone()),
            shown: display_value(&field, value, index, range),
            field,
            value,
            sparkline: raw.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        });
    }
    out
}

pub(super) fn build_stat(panel: &Panel, series: &[Series]) -> StatView {
    let options = &panel.options;
    let reduce_options = options.reduce.clone().unwrap_or_default();
    let calc = panel_calc(panel);
    let compared: Vec<&Series> = series.iter().filter(|s| s.compare.is_some()).collect();
    let current = series.iter().filter(|s| s.compare.is_none());
    let mut values = Vec::new();
    for (r, s) in reduce_series(panel, series).into_iter().zip(current) {
        let mut text = r.shown.text;
        // Comparing with the past: the change against the same series then.
        if let Some(then) = compared.iter().find(|c| c.labels == s.labels)
            && let (Some(now), Some(before)) = (r.value, reduce::reduce(&calc, &values_of(then)))
            && before != 0.0
            && now.is_finite()
        {
            let label = then.compare.as_deref().unwrap_or("before");
            text = format!(
                "{text} ({:+.0}% vs {label})",
                (now - before) / before.abs() * 100.0
            );
        }
        values.push(StatValue {
            name: r.name,
            text,
            color: Some(r.shown.color),
            state: r.shown.state,
            sparkline: r.sparkline,
        });
    }
    // `limit` caps the values of "all values" mode only: reduced fields are never cut
    // (getFieldDisplayValues in grafana-data field/fieldDisplay.ts).
    if let Some(limit) = reduce_options.limit.filter(|_| reduce_options.values) {
        values.truncate(limit as usize);
    }
    if values.is_empty() {
        let shown = no_data_value(&panel.field_config.defaults);
        values.push(StatValue {
            text: shown.text,
            color: Some(shown.color),
            state: shown.state,
            ..StatValue::default()
        });
    }
    let text_mode = options.text_mode.as_deref().unwrap_or("auto");
    let color_mode = match options.color_mode.as_deref() {
        Some("background") | Some("background_solid") => StatColorMode::Background,
        Some("none") => StatColorMode::None,
        _ => StatColorMode::Value,
    };
    // Grafana shows no threshold colour under `colorMode: none`: no state words either.
    if color_mode == StatColorMode::None {
        for value in &mut values {
            value.state = None;
        }
    }
    StatView {
        show_names: match text_mode {
            "value_and_name" | "name" => true,
            "value" | "none" => false,
            _ => values.len() > 1,
        },
        show_values: !matches!(text_mode, "name" | "none"),
        color_mode,
        sparkline: !matches!(options.graph_mode.as_deref(), Some("none")),
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::panel_data::PanelData;
    use crate::grafana::model::GridPos;
    use crate::view::PanelBody;
    use crate::view::build::{Clock, build};
    use serde_json::json;

    fn panel(kind: &str, defaults: serde_json::Value, options: serde_json::Value) -> Panel {
        let json = serde_json::json!({
            "title": "t",
            "panels": [{
                "type": kind, "title": "p", "gridPos": {"x": 0, "y": 0, "w": 6, "h": 6},
                "fieldConfig": {"defaults": defaults, "overrides": []},
                "options": options
            }]
        });
        let loaded = crate::grafana::load::load_str(&json.to_string(), "test").unwrap();
        Panel::clone(&loaded.dashboard.panels[0])
    }

    fn series(name: &str, values: &[f64]) -> Series {
        Series {
            name: name.into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64, *v))
                .collect(),
            ..Series::default()
        }
    }

    fn stat(panel: &Panel, series: &[Series]) -> Vec<(String, Option<Rgb>)> {
        let data = PanelData {
            series: series.to_vec(),
            ..PanelData::default()
        };
        let PanelBody::Stat(stat) = build(panel, &data, Clock::Utc).body else {
            panic!("stat expected")
        };
        stat.values.into_iter().map(|v| (v.text, v.color)).collect()
    }

    const GREEN: Rgb = Rgb(0x73, 0xBF, 0x69);
    const BLUE: Rgb = Rgb(0x57, 0x94, 0xF2);

    // grafana-data field/fieldDisplay.ts createNoValuesFieldDisplay: without any field the
    // panel shows its defaults' display of null — "No data" in the base threshold colour or
    // the fixed colour, or what a `null` mapping says (displayProcessor.ts, valueMappings.ts).
    #[test]
    fn no_data_takes_the_base_colour_or_the_null_mapping() {
        let blue_base = json!({"thresholds": {"mode": "absolute", "steps": [
            {"value": null, "color": "blue"}, {"value": 80, "color": "red"}]}});
        let p = panel("stat", blue_base, json!({}));
        assert_eq!(stat(&p, &[]), vec![("No data".to_string(), Some(BLUE))]);
        let fixed = json!({"color": {"mode": "fixed", "fixedColor": "orange"}});
        let p = panel("stat", fixed, json!({}));
        assert_eq!(stat(&p, &[])[0].1, Some(Rgb(0xFF, 0x98, 0x30)));
        let null_map = json!({"mappings": [{"type": "special", "options": {"match": "null",
            "result": {"text": "N/A", "color": "purple"}}}]});
        let p = panel("stat", null_map, json!({}));
        assert_eq!(
            stat(&p, &[]),
            vec![("N/A".to_string(), Some(Rgb(0xB8, 0x77, 0xD9)))]
        );
    }

    // fieldReducer.ts keeps NaN: `last` of a series ending in NaN is NaN, shown as "NaN" in the
    // base colour (displayProcessor: String(value), colour of -Infinity); `count` counts it;
    // all-NaN `lastNotNull` is null, shown as "" (or noValue); a `nan` mapping matches.
    #[test]
    fn nan_is_kept_through_reducing_and_display() {
        let calcs = |c: &str| json!({"reduceOptions": {"calcs": [c]}});
        let ends_nan = series("a", &[1.0, f64::NAN]);
        let p = panel("stat", json!({}), calcs("last"));
        assert_eq!(
            stat(&p, std::slice::from_ref(&ends_nan)),
            vec![("NaN".into(), Some(GREEN))]
        );
        let p = panel("stat", json!({}), calcs("count"));
        assert_eq!(stat(&p, std::slice::from_ref(&ends_nan))[0].0, "2");
        let all_nan = series("a", &[f64::NAN, f64::NAN]);
        let p = panel("stat", json!({}), calcs("lastNotNull"));
        assert_eq!(
            stat(&p, std::slice::from_ref(&all_nan)),
            vec![(String::new(), Some(GREEN))]
        );
        let p = panel("stat", json!({"noValue": "nothing"}), calcs("lastNotNull"));
        assert_eq!(stat(&p, &[all_nan])[0].0, "nothing");
        let nan_map = json!({"mappings": [{"type": "special", "options": {"match": "nan",
            "result": {"text": "broken", "color": "blue"}}}]});
        let p = panel("stat", nan_map, calcs("last"));
        assert_eq!(stat(&p, &[ends_nan]), vec![("broken".into(), Some(BLUE))]);
    }

    // Absent calcs: the stat panel's default lastNotNull; an explicit [] : `last`
    // (getFieldDisplayValues in field/fieldDisplay.ts).
    #[test]
    fn empty_calcs_mean_last_absent_calcs_last_not_null() {
        let ends_null = Series {
            points: vec![(0, 5.0), (1, 7.0)],
            ..Series::default()
        };
        let p = panel("stat", json!({}), json!({}));
        assert_eq!(stat(&p, std::slice::from_ref(&ends_null))[0].0, "7");
        let s = series("a", &[5.0, f64::NAN]);
        let p = panel("stat", json!({}), json!({"reduceOptions": {"calcs": []}}));
        assert_eq!(stat(&p, std::slice::from_ref(&s))[0].0, "NaN");
        let p = panel(
            "stat",
            json!({}),
            json!({"reduceOptions": {"values": false}}),
        );
        assert_eq!(stat(&p, &[s])[0].0, "5");
    }

    // getFieldDisplayValues applies `limit` in "all values" mode only.
    #[test]
    fn limit_does_not_cut_reduced_values() {
        let p = panel("stat", json!({}), json!({"reduceOptions": {"limit": 1}}));
        let three = [
            series("a", &[1.0]),
            series("b", &[2.0]),
            series("c", &[3.0]),
        ];
        assert_eq!(stat(&p, &three).len(), 3);
    }

    // An override's displayName takes the series macros (grafana-data field/templateProxies.ts).
    #[test]
    fn override_display_names_take_series_labels() {
        let json = r#"{"title": "t", "panels": [{"type": "stat", "title": "p",
            "gridPos": {"x": 0, "y": 0, "w": 6, "h": 6},
            "options": {"textMode": "value_and_name"},
            "fieldConfig": {"defaults": {}, "overrides": [{
                "matcher": {"id": "byRegexp", "options": "/.*/"},
                "properties": [{"id": "displayName", "value": "pod ${__field.labels.pod}"}]}]}}]}"#;
        let p = crate::grafana::load::load_str(json, "t")
            .unwrap()
            .dashboard
            .panels[0]
            .clone();
        let mut s = series("up", &[1.0]);
        s.labels.insert("pod".into(), "api-7f".into());
        let data = PanelData {
            series: vec![s],
            ..PanelData::default()
        };
        let PanelBody::Stat(stat) = build(&p, &data, Clock::Utc).body else {
            panic!("stat expected")
        };
        assert_eq!(stat.values[0].name, "pod api-7f");
    }

    fn gauge(panel: &Panel, series: &[Series]) -> GaugeView {
        let data = PanelData {
            series: series.to_vec(),
            ..PanelData::default()
        };
        let PanelBody::Gauge(gauge) = build(panel, &data, Clock::Utc).body else {
            panic!("gauge expected")
        };
        gauge
    }

    // fieldOverrides.ts calculateRange: a field's min/max, else findNumericFieldMinMax over all
    // number fields of the panel (NaN skipped); percent units get no range of their own.
    #[test]
    fn gauges_scale_over_the_data_unless_the_field_sets_min_max() {
        let data = [series("a", &[10.0, 30.0]), series("b", &[f64::NAN, 50.0])];
        for kind in ["gauge", "bargauge"] {
            let p = panel(kind, json!({"unit": "percent"}), json!({}));
            let g = gauge(&p, &data);
            let fractions: Vec<f64> = g.items.iter().map(|i| i.fraction).collect();
            assert_eq!(fractions, vec![0.5, 1.0], "{kind}");
            let p = panel(kind, json!({"min": 0, "max": 100}), json!({}));
            let fractions: Vec<f64> = gauge(&p, &data).items.iter().map(|i| i.fraction).collect();
            assert_eq!(fractions, vec![0.3, 0.5], "{kind}");
        }
        // Only max set: min still comes from the data.
        let p = panel("gauge", json!({"max": 110}), json!({}));
        let g = gauge(&p, &data);
        assert_eq!(g.items[0].fraction, 0.2);
        assert_eq!(g.min_max, Some(("10".into(), "110".into())));
    }

    #[test]
    fn gauges_fill_to_the_value_between_min_and_max() {
        let mut panel = Panel {
            panel_type: "gauge".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 6,
                h: 6,
            },
            ..Panel::default()
        };
        panel.field_config.defaults.unit = Some("percentunit".into());
        panel.field_config.defaults.min = Some(0.0);
        panel.field_config.defaults.max = Some(1.0);
        let data = PanelData {
            series: vec![Series {
                name: "gpu0".into(),
                points: vec![(0, 0.25)],
                ..Series::default()
            }],
            ..PanelData::default()
        };
        let PanelBody::Gauge(gauge) = build(&panel, &data, Clock::Utc).body else {
            panic!("gauge expected")
        };
        assert_eq!(gauge.items[0].text, "25%");
        assert!((gauge.items[0].fraction - 0.25).abs() < 1e-9);
    }
}
