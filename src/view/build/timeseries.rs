//! Time series panels: series placed on their axis side, stacked, negated or on a log scale as
//! their field config says, with y axes per scale, a legend with its calcs, threshold marks
//! and annotations.

use std::collections::BTreeMap;

use super::super::axes::{self, Side};
use super::super::display::{
    Clock, data_range, display_value, format, named, palette, series_field, time_label,
    value_colour, values_of,
};
use super::super::{
    DrawStyle, Legend, LegendEntry, PlotSeries, Rgb, TimeMarker, TimeSeriesView, YAxis, to_axis,
};
use crate::data::panel_data::{PanelData, Series};
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::{reduce, units};

pub(super) fn build_timeseries(
    panel: &Panel,
    data: &PanelData,
    clock: Clock,
) -> (TimeSeriesView, Option<String>) {
    let field = &panel.field_config.defaults;
    let (layout, axes_note) = Layout::of(panel, data);
    let Plotted {
        series: plotted,
        extremes,
        entries,
        legend_sources,
    } = plot(data, &layout);
    // Each axis takes its scale's limits and unit from the first series on it (Grafana's
    // scales are keyed by exactly those), the panel's defaults when it has none.
    let scale_field = |side: Side| {
        layout
            .sides
            .iter()
            .position(|s| *s == side)
            .map_or(field, |i| &layout.owns[i])
    };
    let log_base = layout.log_base;
    let percent = layout.stacking == Some("percent");
    let left = y_axis(scale_field(Side::Left), extremes[0], log_base, percent);
    let right = layout
        .sides
        .contains(&Side::Right)
        .then(|| y_axis(scale_field(Side::Right), extremes[1], log_base, percent));
    let (lo, hi) = left.range;
    let y_labels = left.labels;
    let axis_field = scale_field(Side::Left);
    let (x0, x1) = x_range(data, &plotted);
    let x_labels = (0..3)
        .map(|i| time_label(x0 + (x1 - x0) * i as f64 / 2.0, x1 - x0, clock))
        .collect();
    let style = field.custom.thresholds_style.as_deref().unwrap_or("off");
    let (threshold_lines, threshold_bands) = match &field.thresholds {
        Some(th) if style != "off" => {
            threshold_marks(th, style, (lo, hi), |v| to_axis(v, log_base))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let view = TimeSeriesView {
        series: plotted,
        x_range: (x0, x1),
        y_range: (lo, hi),
        y_labels,
        right_axis: right,
        x_labels,
        legend: legend(panel, entries, &legend_sources),
        threshold_lines,
        threshold_dashed: style.starts_with("dashed"),
        threshold_bands,
        unit: axis_field.unit.clone(),
        decimals: axis_field.decimals,
        markers: Vec::new(),
        annotations: annotations(data),
        log_base,
        exemplars: Vec::new(),
    };
    (view, axes_note)
}

/// Where a panel's series go: each one's own field config, display name and axis side, and
/// the panel's log base and stacking mode.
struct Layout<'a> {
    owns: Vec<FieldDefaults>,
    names: Vec<String>,
    sides: Vec<Side>,
    log_base: Option<f64>,
    /// `normal` or `percent`; other modes do not stack.
    stacking: Option<&'a str>,
}

impl<'a> Layout<'a> {
    /// The layout, and a note when the axis sides could not all be honoured.
    fn of(panel: &'a Panel, data: &PanelData) -> (Self, Option<String>) {
        let field = &panel.field_config.defaults;
        let log_base = field
            .custom
            .scale_log_base
            .filter(|b| *b > 1)
            .map(f64::from);
        let stacking = field
            .custom
            .stacking
            .as_deref()
            .filter(|m| matches!(*m, "normal" | "percent"));
        let owns: Vec<FieldDefaults> = data
            .series
            .iter()
            .map(|s| series_field(panel, s, &values_of(s)))
            .collect();
        let names: Vec<String> = data
            .series
            .iter()
            .zip(&owns)
            .map(|(s, own)| own.display_name.clone().unwrap_or_else(|| s.name.clone()))
            .collect();
        let (sides, axes_note) = axes::sides(
            &names
                .iter()
                .zip(&owns)
                .map(|(n, f)| (n.as_str(), f))
                .collect::<Vec<_>>(),
        );
        let layout = Layout {
            owns,
            names,
            sides,
            log_base,
            stacking,
        };
        (layout, axes_note)
    }

    /// 0 for the left axis, 1 for the right.
    fn side_index(&self, i: usize) -> usize {
        usize::from(self.sides[i] == Side::Right)
    }
}

/// The series as plotted, with what the axes and the legend need of them.
struct Plotted<'a> {
    series: Vec<PlotSeries>,
    /// Extremes of the plotted values per side (left, right).
    extremes: [(f64, f64); 2],
    entries: Vec<LegendEntry>,
    /// The series and field config behind each legend entry, for its calcs.
    legend_sources: Vec<(&'a Series, FieldDefaults)>,
}

fn plot<'a>(data: &'a PanelData, layout: &Layout) -> Plotted<'a> {
    let mut out = Plotted {
        series: Vec::new(),
        extremes: [(f64::INFINITY, f64::NEG_INFINITY); 2],
        entries: Vec::new(),
        legend_sources: Vec::new(),
    };
    // Running totals per timestamp for stacked series (Grafana stacks in series order, each
    // scale apart).
    let mut stack: [BTreeMap<i64, f64>; 2] = Default::default();
    let totals = if layout.stacking == Some("percent") {
        percent_totals(&data.series, layout)
    } else {
        Default::default()
    };
    for (index, s) in data.series.iter().enumerate() {
        let own = &layout.owns[index];
        let side = layout.side_index(index);
        let name = layout.names[index].clone();
        let points = points(s, own, layout, &totals[side], &mut stack[side]);
        let color = series_colour(&data.series, index, own);
        if !own.custom.hide_from_legend.unwrap_or(false) {
            out.entries.push(LegendEntry {
                name: name.clone(),
                color,
                values: Vec::new(),
            });
            out.legend_sources.push((s, own.clone()));
        }
        if own.custom.hide_from_viz.unwrap_or(false) {
            continue;
        }
        let (lo, hi) = &mut out.extremes[side];
        for &(_, v) in &points {
            *lo = lo.min(v);
            *hi = hi.max(v);
        }
        let style = match own.custom.draw_style.as_deref() {
            Some("bars") => DrawStyle::Bars,
            Some("points") => DrawStyle::Points,
            _ => DrawStyle::Line,
        };
        // Area fill as Grafana's fillOpacity (percent), blended over the panel background.
        let fill = own
            .custom
            .fill_opacity
            .filter(|o| *o > 0.0 && style == DrawStyle::Line)
            .map(|o| blend(color, o / 100.0));
        let (unit, decimals) = if layout.stacking == Some("percent") {
            (Some("percentunit".to_string()), Some(0))
        } else {
            (own.unit.clone(), own.decimals)
        };
        out.series.push(PlotSeries {
            name,
            color,
            points,
            style,
            fill,
            right: side == 1,
            unit,
            decimals,
        });
    }
    out
}

/// Per side, the total of the absolute values of the current series at each timestamp (the
/// 100 % of percent stacking).
fn percent_totals(series: &[Series], layout: &Layout) -> [BTreeMap<i64, f64>; 2] {
    let mut totals: [BTreeMap<i64, f64>; 2] = Default::default();
    for (i, s) in series.iter().enumerate() {
        if s.compare.is_some() {
            continue;
        }
        for &(time, v) in s.points.iter().filter(|p| p.1.is_finite()) {
            *totals[layout.side_index(i)].entry(time).or_insert(0.0) += v.abs();
        }
    }
    totals
}

/// A series' finite points in axis coordinates: negated, stacked on `stack` (its side's
/// running totals) and taken to the log scale as the layout and its field config say.
fn points(
    s: &Series,
    own: &FieldDefaults,
    layout: &Layout,
    totals: &BTreeMap<i64, f64>,
    stack: &mut BTreeMap<i64, f64>,
) -> Vec<(f64, f64)> {
    let negate = own.custom.transform.as_deref() == Some("negative-Y");
    let mut points: Vec<(f64, f64)> = Vec::with_capacity(s.points.len());
    for &(t, v) in s.points.iter().filter(|(_, v)| v.is_finite()) {
        let mut v = if negate { -v } else { v };
        if layout.stacking.is_some() && s.compare.is_none() {
            if layout.stacking == Some("percent") {
                v = totals
                    .get(&t)
                    .filter(|total| **total > 0.0)
                    .map_or(0.0, |total| v / total);
            }
            let below = stack.entry(t).or_insert(0.0);
            *below += v;
            v = *below;
        }
        if let Some(base) = layout.log_base {
            // Log axes cannot show zero or less; Grafana leaves those points out too.
            if v <= 0.0 {
                continue;
            }
            v = v.log(base);
        }
        points.push((t as f64, v));
    }
    points
}

/// A series' colour: its colour mode's (by its last value), else the palette's by position.
fn series_colour(series: &[Series], index: usize, own: &FieldDefaults) -> Rgb {
    let s = &series[index];
    let color = match own.color.as_ref().map(|c| c.mode.as_str()) {
        Some("fixed") | Some("thresholds") | Some("shades") => {
            value_colour(own, last_value(s), index, data_range(series)).0
        }
        _ => palette(index),
    };
    // A comparison series takes its current twin's colour, dimmed halfway to the background.
    match &s.compare {
        Some(_) => {
            let twin = series
                .iter()
                .position(|o| o.compare.is_none() && o.labels == s.labels);
            dim(twin.map(palette).unwrap_or(color))
        }
        None => color,
    }
}

/// The time range across: the query's, else the plotted points', else 0–1.
fn x_range(data: &PanelData, plotted: &[PlotSeries]) -> (f64, f64) {
    if data.end_ms > data.start_ms {
        return (data.start_ms as f64, data.end_ms as f64);
    }
    let xs = plotted.iter().flat_map(|s| s.points.iter().map(|p| p.0));
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// The legend as the panel's options place it, each entry with its calcs' values.
fn legend(
    panel: &Panel,
    entries: Vec<LegendEntry>,
    legend_sources: &[(&Series, FieldDefaults)],
) -> Legend {
    let legend_options = panel.options.legend.clone();
    let calcs: Vec<String> = legend_options
        .as_ref()
        .map(|l| l.calcs.clone())
        .unwrap_or_default();
    Legend {
        visible: legend_options
            .as_ref()
            .map(|l| l.show && l.display_mode != "hidden")
            .unwrap_or(true),
        placement_right: legend_options
            .as_ref()
            .map(|l| l.placement == "right")
            .unwrap_or(false),
        table: legend_options
            .as_ref()
            .is_some_and(|l| l.display_mode == "table"),
        calcs: calcs.iter().map(|c| reduce::display_name(c)).collect(),
        entries: entries
            .into_iter()
            .zip(legend_sources)
            .map(|(mut entry, (s, own))| {
                entry.values = calcs.iter().map(|c| legend_calc(c, s, own)).collect();
                entry
            })
            .collect(),
    }
}

/// One legend calc as Grafana's time series legend shows it: the panel hands the legend its
/// values with every non-finite one made null (`prepareGraphableFields`), and the legend
/// (`getDisplayValuesForCalcs` in @grafana/ui) writes the result with the field's display
/// processor, `diffperc` in `percent` and the counts in `none`; a missing result is the field's
/// `noValue`, else empty.
fn legend_calc(calc: &str, series: &Series, own: &FieldDefaults) -> String {
    let values: Vec<Option<f64>> = series
        .points
        .iter()
        .map(|&(_, v)| v.is_finite().then_some(v))
        .collect();
    let unit = match calc {
        "diffperc" => Some("percent"),
        "count" | "changeCount" | "distinctCount" => Some("none"),
        _ => None,
    };
    let field = match unit {
        Some(unit) => &FieldDefaults {
            unit: Some(unit.to_string()),
            ..own.clone()
        },
        None => own,
    };
    let value = reduce::reduce(calc, &values);
    display_value(field, value, 0, (0.0, 100.0)).text
}

/// The data's annotations as markers: their first non-empty text, and a span when they have one.
fn annotations(data: &PanelData) -> Vec<TimeMarker> {
    data.annotations
        .iter()
        .map(|event| TimeMarker {
            at_ms: event.at_ms as f64,
            label: [&event.title, &event.text, &event.source]
                .into_iter()
                .find(|l| !l.is_empty())
                .cloned()
                .unwrap_or_default(),
            end_ms: (event.end_ms > event.at_ms).then_some(event.end_ms as f64),
            // Grafana's colour for an annotation without `iconColor`.
            color: Some(event.color.as_deref().map_or(Rgb(0, 211, 255), named)),
        })
        .collect()
}

/// The y axis of one scale over the plotted extremes: hard and soft limits from the scale's
/// field config (in the data's units, moved to the axis' coordinates), nice ticks, and labels
/// in its unit (shares of the total under percent stacking).
fn y_axis(
    field: &FieldDefaults,
    (mut y_min, mut y_max): (f64, f64),
    log_base: Option<f64>,
    percent: bool,
) -> YAxis {
    if !y_min.is_finite() {
        (y_min, y_max) = (0.0, 1.0);
    }
    let axis = |v: f64| to_axis(v, log_base);
    if percent {
        // Grafana fixes the percent-stacking scale to 0–100 % (`range: [0, 1]`): min, max and
        // soft limits, in the data's units, do not apply to shares.
        (y_min, y_max) = (0.0, 1.0);
    } else {
        if let Some(min) = field
            .min
            .or(field.custom.axis_soft_min.filter(|m| axis(*m) < y_min))
            .map(axis)
            .filter(|m| m.is_finite())
        {
            y_min = min;
        }
        if let Some(max) = field
            .max
            .or(field.custom.axis_soft_max.filter(|m| axis(*m) > y_max))
            .map(axis)
            .filter(|m| m.is_finite())
        {
            y_max = max;
        }
    }
    let percent_field;
    let label_field = if percent {
        percent_field = FieldDefaults {
            unit: Some("percentunit".into()),
            decimals: Some(0),
            ..field.clone()
        };
        &percent_field
    } else {
        field
    };
    match log_base {
        Some(base) => {
            // One tick per power of the base, labelled in the data's units.
            let lo = y_min.floor();
            let hi = y_max.ceil().max(lo + 1.0);
            let labels = (lo as i64..=hi as i64)
                .map(|k| format(label_field, base.powi(k as i32)))
                .collect();
            YAxis {
                range: (lo, hi),
                labels,
            }
        }
        None => {
            let (lo, hi, step) = nice_axis(y_min, y_max, 5);
            // Counted, not accumulated: a step below the values' precision (a range of
            // float noise, 84 to 84.00000000000001) would never move `lo + step` past `lo`.
            let ticks = ((hi - lo) / step).round().clamp(0.0, 100.0) as usize;
            let labels = (0..=ticks)
                .map(|i| axis_label(label_field, lo + i as f64 * step, step))
                .collect();
            YAxis {
                range: (lo, hi),
                labels,
            }
        }
    }
}

/// A band behind a time series: from, to (axis values) and its fill colour.
type ThresholdBand = (f64, f64, Rgb);

/// Threshold lines and bands of a time series under `custom.thresholdsStyle`: `line`/`dashed`
/// draw a line at each step, `area` fills each step's band, `line+area`/`dashed+area` both.
/// Percentage steps are placed between the axis' min and max, as Grafana places them.
fn threshold_marks(
    th: &crate::grafana::model::Thresholds,
    style: &str,
    (lo, hi): (f64, f64),
    to_axis: impl Fn(f64) -> f64,
) -> (Vec<(f64, Rgb)>, Vec<ThresholdBand>) {
    let mut steps: Vec<(f64, Rgb)> = th
        .steps
        .iter()
        .map(|s| {
            let at = match (s.value, th.mode) {
                (None, _) => f64::NEG_INFINITY,
                (Some(v), crate::grafana::model::ThresholdsMode::Percentage) => {
                    lo + (hi - lo) * v / 100.0
                }
                (Some(v), _) => to_axis(v),
            };
            (at, named(&s.color))
        })
        .filter(|(at, _)| !at.is_nan())
        .collect();
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let lines = match style {
        "line" | "dashed" | "line+area" | "dashed+area" => steps
            .iter()
            .filter(|(at, _)| at.is_finite())
            .copied()
            .collect(),
        _ => Vec::new(),
    };
    let bands = match style {
        "area" | "line+area" | "dashed+area" => steps
            .iter()
            .enumerate()
            .map(|(i, &(from, colour))| {
                let to = steps.get(i + 1).map_or(f64::INFINITY, |s| s.0);
                // Grafana fills threshold areas at 15% opacity.
                (from.max(lo), to.min(hi), blend(colour, 0.15))
            })
            .filter(|(from, to, _)| to > from)
            .collect(),
        _ => Vec::new(),
    };
    (lines, bands)
}

/// A colour at `alpha` over Grafana's dark panel background (area fills).
pub(super) fn blend(c: Rgb, alpha: f64) -> Rgb {
    let a = alpha.clamp(0.0, 1.0);
    let mix = |f: u8, b: u8| (f64::from(f) * a + f64::from(b) * (1.0 - a)).round() as u8;
    Rgb(mix(c.0, 24), mix(c.1, 27), mix(c.2, 31))
}

/// Halfway to Grafana's dark panel background, for series that are context, not news.
pub(super) fn dim(c: Rgb) -> Rgb {
    let mix = |a: u8, b: u8| ((u16::from(a) + u16::from(b)) / 2) as u8;
    Rgb(mix(c.0, 24), mix(c.1, 27), mix(c.2, 31))
}

fn last_value(s: &Series) -> Option<f64> {
    s.points.iter().rev().map(|p| p.1).find(|v| !v.is_nan())
}

/// Round an axis out to "nice" tick values: returns (low, high, step).
pub fn nice_axis(min: f64, max: f64, ticks: usize) -> (f64, f64, f64) {
    let (min, max) = if max > min {
        (min, max)
    } else if min == 0.0 {
        (0.0, 1.0)
    } else {
        (min - min.abs() * 0.1, max + max.abs() * 0.1)
    };
    let raw = (max - min) / ticks.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    (
        (min / step).floor() * step,
        (max / step).ceil() * step,
        step,
    )
}

fn axis_label(field: &FieldDefaults, value: f64, step: f64) -> String {
    let value = if value.abs() < step * 1e-9 {
        0.0
    } else {
        value
    };
    units::format_tick(
        value,
        field.unit.as_deref(),
        units::tick_decimals(step),
        field.decimals,
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axis_over_float_noise_has_its_labels() {
        let (lo, _, step) = nice_axis(84.0, 84.000_000_000_000_01, 5);
        assert!(lo + step == lo, "the step is below the values' precision");
        let panel = Panel {
            panel_type: "timeseries".into(),
            ..Panel::default()
        };
        let data = PanelData {
            series: vec![crate::data::panel_data::Series {
                points: vec![(0, 84.0), (1000, 84.000_000_000_000_01)],
                ..Default::default()
            }],
            end_ms: 1000,
            ..PanelData::default()
        };
        let (view, _) = build_timeseries(&panel, &data, Clock::Utc);
        assert!(!view.y_labels.is_empty() && view.y_labels.len() <= 101);
    }

    #[test]
    fn nice_axis_rounds_outwards() {
        assert_eq!(nice_axis(0.13, 0.87, 5), (0.0, 1.0, 0.2));
        let (lo, hi, step) = nice_axis(103.0, 497.0, 4);
        assert_eq!((lo, hi, step), (100.0, 500.0, 100.0));
        let (lo, hi, _) = nice_axis(5.0, 5.0, 5);
        assert!(lo < 5.0 && hi > 5.0);
    }
}
