//! Stat, gauge and bar gauge panels: each series reduced to one value (Grafana's
//! `reduceOptions`), formatted and coloured; gauges add a bar between min and max.

use super::super::display::{
    FALLBACK, data_range, format, named, no_value_text, series_field, threshold_state,
    value_colour, values_of,
};
use super::super::{
    BarOrientation, GaugeItem, GaugeMode, GaugeView, Rgb, StatColorMode, StatValue, StatView,
};
use crate::data::panel_data::Series;
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::panel_kind::PanelKind;
use crate::grafana::{fields, reduce, thresholds};

/// Gauges reduce as stat does and show each value as a bar between min and max (Grafana's
/// defaults: 0–100, or 0–1 for percentunit, unless the field sets them).
pub(super) fn build_gauge(panel: &Panel, series: &[Series]) -> GaugeView {
    let field = &panel.field_config.defaults;
    let stat = build_stat(panel, series);
    let calc = panel
        .options
        .reduce
        .as_ref()
        .and_then(|r| r.calcs.first().cloned())
        .unwrap_or_else(|| "lastNotNull".into());
    let default_max = if field.unit.as_deref() == Some("percentunit") {
        1.0
    } else {
        100.0
    };
    let (min, max) = (field.min.unwrap_or(0.0), field.max.unwrap_or(default_max));
    let current: Vec<&Series> = series.iter().filter(|s| s.compare.is_none()).collect();
    let items = stat
        .values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let value = current
                .get(i)
                .and_then(|s| reduce::reduce(&calc, &values_of(s)));
            let fraction = value
                .map(|x| ((x - min) / (max - min)).clamp(0.0, 1.0))
                .filter(|f| f.is_finite())
                .unwrap_or(0.0);
            GaugeItem {
                name: v.name,
                text: v.text,
                fraction,
                color: v.color.unwrap_or(FALLBACK),
                state: v.state,
            }
        })
        .collect();
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
        min_max: is_gauge.then(|| (format(field, min), format(field, max))),
        scale: threshold_scale(field, min, max),
        threshold_markers: is_gauge && panel.options.show_threshold_markers.unwrap_or(true),
    }
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

pub(super) fn build_stat(panel: &Panel, series: &[Series]) -> StatView {
    let field = &panel.field_config.defaults;
    let options = &panel.options;
    let reduce_options = options.reduce.clone().unwrap_or_default();
    let calc = reduce_options
        .calcs
        .first()
        .cloned()
        .unwrap_or_else(|| "lastNotNull".into());
    let range = data_range(series);
    let mut values = Vec::new();
    let (current, compared): (Vec<&Series>, Vec<&Series>) =
        series.iter().partition(|s| s.compare.is_none());
    for (index, s) in current.into_iter().enumerate() {
        let raw = values_of(s);
        let own = series_field(panel, s, &raw);
        let field = &own;
        let reduced = reduce::reduce(&calc, &raw);
        let mapped = fields::map_value(reduced, &field.mappings);
        let mut text = match (&mapped, reduced) {
            (Some(fields_mapped), _) if fields_mapped.text.is_some() => {
                fields_mapped.text.clone().unwrap_or_default()
            }
            (_, Some(v)) => format(field, v),
            (_, None) => no_value_text(field),
        };
        // Comparing with the past: the change against the same series then.
        if let Some(then) = compared.iter().find(|c| c.labels == s.labels)
            && let (Some(now), Some(before)) = (reduced, reduce::reduce(&calc, &values_of(then)))
            && before != 0.0
        {
            let label = then.compare.as_deref().unwrap_or("before");
            text = format!(
                "{text} ({:+.0}% vs {label})",
                (now - before) / before.abs() * 100.0
            );
        }
        let (color, state) = match mapped.as_ref().and_then(|m| m.color.as_deref()) {
            // A mapping's colour beats the threshold colour.
            Some(c) => {
                let colour = named(c);
                (colour, threshold_state(colour))
            }
            None => value_colour(field, reduced, index, range),
        };
        values.push(StatValue {
            name: field.display_name.clone().unwrap_or_else(|| s.name.clone()),
            text,
            color: Some(color),
            state,
            sparkline: raw.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
        });
    }
    if let Some(limit) = reduce_options.limit {
        values.truncate(limit as usize);
    }
    if values.is_empty() {
        values.push(StatValue {
            text: no_value_text(field),
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
        assert!(
            (gauge.items[0].fraction - 0.25).abs() < 1e-9,
            "percentunit runs 0..1"
        );
    }
}
