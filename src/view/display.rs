//! How a field's values are shown, as Grafana's display processor does: text in the field's
//! unit, colour under its colour mode and thresholds (with words for threshold states), times on
//! the chosen clock. Every panel builder (stat, time series, states, pie, histogram, table)
//! shares these, so they live apart from any one of them.

use super::Rgb;
use crate::data::panel_data::Series;
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::{colors, fields, naming, thresholds, units};

/// Grafana's fallback colour when nothing else applies (its text grey).
pub(super) const FALLBACK: Rgb = Rgb(204, 204, 220);

/// How times on axes, in tables and in date units are shown: the dashboard's zone.
pub use crate::grafana::zone::Zone as Clock;

/// A series' own field config: the panel's defaults with the overrides that select it, its
/// `displayName` with the series macros filled in (`${__field.labels.pod}`, see
/// `naming::expand_series_macros`).
pub(super) fn series_field(panel: &Panel, s: &Series, values: &[Option<f64>]) -> FieldDefaults {
    let mut field = if fields::has_overrides(&panel.field_config) {
        fields::field_config(
            &panel.field_config,
            fields::FieldIdentity {
                name: &s.name,
                field_name: None,
                ref_id: &s.ref_id,
                values,
            },
        )
    } else {
        panel.field_config.defaults.clone()
    };
    // The defaults' displayName was expanded when the series were named (the series' name
    // is it); an override's is expanded here, `${__series.name}` being that name.
    let from_defaults = field.display_name == panel.field_config.defaults.display_name;
    if let Some(name) = field.display_name.as_mut().filter(|n| n.contains("${__")) {
        *name = if from_defaults {
            s.name.clone()
        } else {
            let naming = naming::SeriesNaming {
                display_name_from_ds: Some(s.name.clone()),
                field_name: naming::VALUE_FIELD_NAME.into(),
                labels: s.labels.clone(),
                ..naming::SeriesNaming::default()
            };
            naming::expand_series_macros(name, &naming)
        };
    }
    field
}

pub(super) fn no_value_text(field: &FieldDefaults) -> String {
    field
        .no_value
        .clone()
        .unwrap_or_else(|| "No data".to_string())
}

/// A series' values as Grafana's number field holds them: Prometheus' `NaN` stays NaN (the
/// reducers of `transformations/fieldReducer.ts` tell it from null: `last` keeps it, `count`
/// counts it, `lastNotNull` skips it).
pub(super) fn values_of(series: &Series) -> Vec<Option<f64>> {
    series.points.iter().map(|&(_, v)| Some(v)).collect()
}

/// One value as Grafana's display processor shows it (grafana-data
/// `field/displayProcessor.ts`): a value mapping's text and colour first; a number in the
/// field's unit and coloured by its colour mode; null or NaN as `String(value)` (`""`,
/// `"NaN"`), an empty text replaced by `noValue`, coloured as `-Infinity` is (the base
/// threshold step, or the fixed colour).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shown {
    pub text: String,
    pub color: Rgb,
    pub state: Option<String>,
}

pub(super) fn display_value(
    field: &FieldDefaults,
    value: Option<f64>,
    index: usize,
    data_range: (f64, f64),
) -> Shown {
    let mapped = fields::map_value(value, &field.mappings);
    let number = value.filter(|v| !v.is_nan());
    let text = match (mapped.as_ref().and_then(|m| m.text.clone()), number) {
        (Some(text), _) => text,
        (None, Some(v)) => format(field, v),
        (None, None) => match value {
            Some(_) => "NaN".to_string(),
            None => field.no_value.clone().unwrap_or_default(),
        },
    };
    let (color, state) = match mapped.as_ref().and_then(|m| m.color.as_deref()) {
        Some(c) => {
            let colour = named(c);
            (colour, threshold_state(colour))
        }
        None => value_colour(
            field,
            Some(number.unwrap_or(f64::NEG_INFINITY)),
            index,
            data_range,
        ),
    };
    Shown { text, color, state }
}

/// The value a panel shows when it has no numeric field at all (`createNoValuesFieldDisplay`
/// in grafana-data `field/fieldDisplay.ts`): the panel defaults' display of null — a `null`
/// mapping's text and colour, else `noValue`, else "No data", in the base colour.
pub(super) fn no_data_value(field: &FieldDefaults) -> Shown {
    let mut shown = display_value(field, None, 0, (0.0, 0.0));
    if shown.text.is_empty() {
        shown.text = "No data".to_string();
    }
    shown
}

pub(super) fn format(field: &FieldDefaults, value: f64) -> String {
    units::format_value_in(value, field.unit.as_deref(), field.decimals, &field.dates).to_string()
}

/// Colour and state word of a value under the field's colour mode and thresholds.
pub(super) fn value_colour(
    field: &FieldDefaults,
    value: Option<f64>,
    index: usize,
    data_range: (f64, f64),
) -> (Rgb, Option<String>) {
    let mode = field
        .color
        .as_ref()
        .map(|c| c.mode.as_str())
        .unwrap_or("thresholds");
    match mode {
        "fixed" | "shades" => {
            let name = field
                .color
                .as_ref()
                .and_then(|c| c.fixed_color.clone())
                .unwrap_or_default();
            (named(&name), None)
        }
        m if m.starts_with("palette-classic") => (palette(index), None),
        // Continuous schemes colour by the value's place between min and max (grafana-data
        // `field/fieldColor.ts`: the scheme's interpolator at the scale's percent, 0 for
        // -Infinity and NaN as `getScaleCalculator` in `field/scale.ts` computes it).
        m if m.starts_with("continuous-") => {
            let min = field.min.unwrap_or(data_range.0);
            let max = field.max.unwrap_or(data_range.1);
            let percent = value.map_or(0.0, |v| thresholds::percent_of(v, min, max));
            match colors::continuous_color(m, percent, colors::Theme::Dark) {
                Some(colour) => (colour, None),
                None => threshold_colour(field, value, data_range),
            }
        }
        _ => threshold_colour(field, value, data_range),
    }
}

fn threshold_colour(
    field: &FieldDefaults,
    value: Option<f64>,
    data_range: (f64, f64),
) -> (Rgb, Option<String>) {
    let Some(v) = value else {
        return (FALLBACK, None);
    };
    // Without thresholds in the file Grafana applies its defaults: green, red from 80.
    let defaults;
    let th = match field.thresholds.as_ref() {
        Some(th) => th,
        None => {
            defaults = thresholds::default_thresholds();
            &defaults
        }
    };
    let min = field.min.unwrap_or(data_range.0);
    let max = field.max.unwrap_or(data_range.1);
    match thresholds::active_step(v, th, min, max) {
        Some(active) => {
            let colour = named(&active.color);
            (colour, threshold_state(colour))
        }
        None => (FALLBACK, None),
    }
}

/// Words for a threshold state, so state never rests on colour alone. Dashboards say what is
/// bad by colour (red is bad whether the value is high or low: availability turns red when it
/// drops), so the words follow the step's hue: red → crit, orange/yellow → warn, else none.
pub(super) fn threshold_state(colour: Rgb) -> Option<String> {
    let (r, g, b) = (
        f64::from(colour.0),
        f64::from(colour.1),
        f64::from(colour.2),
    );
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    if max - min < 40.0 {
        return None; // grey: no state
    }
    let hue = if max == r {
        60.0 * (((g - b) / (max - min)).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / (max - min) + 2.0)
    } else {
        60.0 * ((r - g) / (max - min) + 4.0)
    };
    match hue {
        h if !(15.0..330.0).contains(&h) => Some("▲ crit".into()),
        h if h < 65.0 => Some("▲ warn".into()),
        _ => None,
    }
}

pub(super) fn named(name: &str) -> Rgb {
    colors::resolve_rgb(name, colors::Theme::Dark)
}

pub(super) fn palette(index: usize) -> Rgb {
    colors::palette_color(index, colors::Theme::Dark)
}

/// Smallest and largest value over all series (for percentage thresholds), 0..100 without
/// any.
pub(super) fn data_range(series: &[Series]) -> (f64, f64) {
    match numeric_min_max(series) {
        (Some(min), Some(max)) => (min, max),
        _ => (0.0, 100.0),
    }
}

/// `findNumericFieldMinMax` (grafana-data `field/fieldOverrides.ts`): the smallest and largest
/// value of every number field of the panel's data, NaN skipped (±Infinity counts); `None`
/// without any. Fields without their own min/max scale against it (gauges, bar gauges,
/// percentage thresholds).
pub(super) fn numeric_min_max(series: &[Series]) -> (Option<f64>, Option<f64>) {
    let values = series
        .iter()
        .filter(|s| s.compare.is_none())
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|v| !v.is_nan());
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        min = min.min(v);
        max = max.max(v);
    }
    // As Grafana's loop: a min still at +Infinity (no values, or only +Infinity) is null.
    (
        (min != f64::INFINITY).then_some(min),
        (max != f64::NEG_INFINITY).then_some(max),
    )
}

pub(super) fn time_label(ms: f64, span_ms: f64, clock: Clock) -> String {
    let pattern = if span_ms > 3.0 * 86_400_000.0 {
        "%m-%d"
    } else if span_ms > 86_400_000.0 {
        "%m-%d %H:%M"
    } else {
        "%H:%M"
    };
    clock.format(ms as i64, pattern).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    // continuous-GrYlRd: the scheme at the value's percent between min and max
    // (fieldColor.ts); -Infinity (no value) at 0.
    #[test]
    fn continuous_modes_colour_by_percent() {
        let field = FieldDefaults {
            color: Some(crate::grafana::model::ColorSpec {
                mode: "continuous-GrYlRd".into(),
                ..Default::default()
            }),
            min: Some(0.0),
            max: Some(1.0),
            ..FieldDefaults::default()
        };
        let at = |v: f64| value_colour(&field, Some(v), 0, (0.0, 100.0)).0;
        assert_eq!(at(1.0), named("red"));
        assert_eq!(at(0.0), named("green"));
        assert_eq!(at(f64::NEG_INFINITY), named("green"));
        assert_eq!(
            at(0.5),
            colors::continuous_color("GrYlRd", 0.5, colors::Theme::Dark).unwrap()
        );
    }

    // Dashboard JSON `timezone`: "utc", "browser" (the default) or a zone name.
    #[test]
    fn clocks_follow_the_dashboard_timezone() {
        assert_eq!(Clock::for_timezone(Some("utc")), Some(Clock::Utc));
        assert_eq!(Clock::for_timezone(Some("browser")), Some(Clock::Local));
        assert_eq!(Clock::for_timezone(None), Some(Clock::Local));
        assert_eq!(Clock::for_timezone(Some("")), Some(Clock::Local));
        assert_eq!(
            Clock::for_timezone(Some("Europe/Paris")),
            Clock::named("Europe/Paris")
        );
        assert_eq!(Clock::for_timezone(Some("Nowhere/Else")), None);
    }

    #[test]
    fn threshold_states_have_words() {
        assert_eq!(threshold_state(named("green")), None);
        assert_eq!(threshold_state(named("blue")), None);
        assert_eq!(threshold_state(named("orange")).as_deref(), Some("▲ warn"));
        assert_eq!(threshold_state(named("yellow")).as_deref(), Some("▲ warn"));
        assert_eq!(threshold_state(named("red")).as_deref(), Some("▲ crit"));
        assert_eq!(
            threshold_state(named("semi-dark-red")).as_deref(),
            Some("▲ crit")
        );
        assert_eq!(threshold_state(named("#E02F44")).as_deref(), Some("▲ crit"));
        assert_eq!(threshold_state(Rgb(128, 128, 128)), None);
    }
}
