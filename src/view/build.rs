//! Panel config + data → view model, the way Grafana's panels reduce, format and colour values.

use chrono::{DateTime, Local, TimeZone, Utc};

use std::collections::BTreeMap;

use super::axes::{self, Side};
use super::{
    BarOrientation, DrawStyle, GaugeItem, GaugeMode, GaugeView, Legend, LegendEntry, MessageKind,
    PanelBody, PanelView, PlotSeries, Rgb, StatColorMode, StatValue, StatView, TimeMarker,
    TimeSeriesView, YAxis, to_axis,
};
use crate::data::panel_data::{PanelData, PanelState, Series};
use crate::grafana::model::{FieldDefaults, Panel};
use crate::grafana::{colors, fields, reduce, thresholds, units};

/// Grafana's fallback colour when nothing else applies (its text grey).
const FALLBACK: Rgb = Rgb(204, 204, 220);

/// How times on axes are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    Utc,
    Local,
}

/// Build the view of a panel from its data.
pub fn build(panel: &Panel, data: &PanelData, clock: Clock) -> PanelView {
    let title = panel.title.clone();
    let errors = data.errors.clone();
    let message = |kind, text: String| PanelView {
        title: title.clone(),
        body: PanelBody::Message { kind, text },
        errors: errors.clone(),
        stale: false,
        notes: data.warnings.clone(),
    };
    // Text panels carry their content in the dashboard; they need no data.
    if panel.panel_type == "text" {
        let content = panel.options.content.clone().unwrap_or_default();
        let lines = match panel.options.mode.as_deref() {
            Some("html") => super::text::html_to_lines(&content),
            Some("code") => content.lines().map(str::to_string).collect(),
            _ => super::text::markdown_to_lines(&content),
        };
        return PanelView {
            title,
            body: PanelBody::Text(lines),
            errors: Vec::new(),
            stale: false,
            notes: Vec::new(),
        };
    }
    match data.state() {
        PanelState::Unsupported => {
            return message(
                MessageKind::Unsupported,
                data.unsupported.clone().unwrap_or_default(),
            );
        }
        PanelState::Error => return message(MessageKind::Error, errors.join("\n")),
        PanelState::Loading => return message(MessageKind::Loading, "loading…".into()),
        PanelState::NoData | PanelState::Ok => {}
    }
    // Transformations run before every panel type in Grafana; stat, gauge and time series
    // draw the result when it maps back to number series, else it is shown as a table.
    let is_table = matches!(panel.panel_type.as_str(), "table" | "table-old");
    let transformed;
    let mut transform_notes = Vec::new();
    let data = if !is_table && panel.transformations.iter().any(|t| !t.disabled) {
        let (frames, notes) = super::table::transformed(panel, &data.series);
        transform_notes = notes;
        // A time series needs a time field in every frame (Grafana: "Data does not have a
        // time field"); stat and gauges reduce number fields of any frame.
        let plots_time = matches!(panel.panel_type.as_str(), "timeseries" | "graph");
        let series = super::frames::to_series(&frames)
            .filter(|_| !plots_time || frames.iter().all(|f| f.time_field().is_some()));
        match series {
            Some(series) => {
                transformed = PanelData {
                    series,
                    ..data.clone()
                };
                &transformed
            }
            None => {
                let table = frames
                    .first()
                    .map(|f| super::table::from_frame(panel, f, clock))
                    .unwrap_or_default();
                let mut notes = data.warnings.clone();
                notes.extend(transform_notes);
                notes.push(format!(
                    "{} panel: after its transformations the data has {}, shown as a table",
                    panel.panel_type,
                    if plots_time {
                        "no time and number fields to plot"
                    } else {
                        "fields without numbers"
                    }
                ));
                return PanelView {
                    title,
                    body: PanelBody::Table(table),
                    errors,
                    stale: false,
                    notes,
                };
            }
        }
    } else {
        data
    };
    let mut notes = data.warnings.clone();
    notes.extend(transform_notes);
    let body = match panel.panel_type.as_str() {
        "stat" | "singlestat" => PanelBody::Stat(build_stat(panel, &data.series)),
        // Gauges reduce exactly as stat does; until they get their own widget the value,
        // unit and threshold colour are what matters at 3 a.m.
        "gauge" | "bargauge" => PanelBody::Gauge(build_gauge(panel, &data.series)),
        "timeseries" | "graph" => {
            if data.state() == PanelState::NoData {
                PanelBody::Message {
                    kind: MessageKind::NoData,
                    text: no_value_text(&panel.field_config.defaults),
                }
            } else {
                let (view, axes_note) = build_timeseries(panel, data, clock);
                notes.extend(axes_note);
                PanelBody::TimeSeries(view)
            }
        }
        "table" | "table-old" => {
            let (table, notes) = super::table::build(panel, &data.series, clock);
            let mut view = PanelView {
                title,
                body: PanelBody::Table(table),
                errors,
                stale: false,
                notes: data.warnings.clone(),
            };
            view.notes.extend(notes);
            return view;
        }
        "heatmap" => match super::heatmap::build(
            &data.series,
            panel.options.heatmap_y_unit.as_deref().or(panel.field_config.defaults.unit.as_deref()),
            (data.start_ms as f64, data.end_ms as f64),
        ) {
            Some(view) => PanelBody::Heatmap(view),
            None => PanelBody::Message {
                kind: MessageKind::Unsupported,
                text: "heatmap without `le` buckets: only Prometheus histograms (format: heatmap) are drawn".into(),
            },
        },
        "state-timeline" | "status-history" | "piechart" if data.state() == PanelState::NoData => {
            PanelBody::Message {
                kind: MessageKind::NoData,
                text: no_value_text(&panel.field_config.defaults),
            }
        }
        "state-timeline" | "status-history" => {
            let per_point = panel.panel_type == "status-history";
            PanelBody::States(super::states::build(panel, data, per_point, clock))
        }
        "piechart" => PanelBody::Pie(super::pie::build(panel, &data.series)),
        "histogram" => match super::histogram::build(panel, &data.series) {
            Some(view) => PanelBody::Histogram(view),
            None => PanelBody::Message {
                kind: MessageKind::NoData,
                text: no_value_text(&panel.field_config.defaults),
            },
        },
        other => PanelBody::Message {
            kind: MessageKind::Unsupported,
            text: placeholder_text(other, data.series.len(), data.point_count()),
        },
    };
    PanelView {
        title,
        body,
        errors,
        stale: false,
        notes,
    }
}

/// The panel a type triage does not draw gets, before any data.
pub fn unsupported_reason(panel: &Panel) -> Option<String> {
    // Only the placeholder: a library panel whose model was embedded draws like any other.
    if panel.panel_type == crate::grafana::load::LIBRARY_PLACEHOLDER
        && let Some(uid) = &panel.library_panel_uid
    {
        return Some(match &panel.library_panel_problem {
            Some(problem) => format!("library panel `{uid}`: {problem}"),
            None => format!("library panel {uid}: its model lives in Grafana, not in this file"),
        });
    }
    match panel.panel_type.as_str() {
        "stat" | "singlestat" | "timeseries" | "graph" | "gauge" | "bargauge" | "heatmap"
        | "table" | "table-old" => None,
        "text" => Some("text panel".into()),
        kind if placeholder_reason(kind).is_some() => {
            placeholder_reason(kind).map(|why| format!("{kind} panel: {why}"))
        }
        _ => None,
    }
}

/// Why a panel type that is not drawn is not drawn, for the types that need no query at all or
/// whose data has no terminal form here. `None` for types triage draws (or plugin panels,
/// which still run their Prometheus queries so their data can be shown as a note).
fn placeholder_reason(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "logs" => {
            "log lines come from a log datasource (loki, elasticsearch); triage queries Prometheus only"
        }
        "alertlist" => "lists Grafana's own alert rules and their states, which live in Grafana",
        "annolist" => "lists annotations stored in Grafana",
        "news" => "an RSS feed shown by Grafana, nothing to triage",
        "dashlist" => "a list of Grafana's dashboards (see `triage list`)",
        "welcome" | "gettingstarted" => "Grafana's welcome panel",
        "nodeGraph" => {
            "a graph of nodes and edges, usually from a tracing datasource; not drawn in a terminal"
        }
        "traces" => {
            "trace spans come from a tracing datasource (tempo, jaeger); not drawn in a terminal"
        }
        "canvas" => "a free-form drawing of elements placed in pixels; no faithful terminal form",
        "geomap" => "a map: positions need map tiles, which a terminal cannot show",
        "flamegraph" => "profiles come from a profiling datasource; not drawn in a terminal",
        _ => return None,
    })
}

/// The message of a panel type with no widget: a known type's reason, or a plugin panel.
fn placeholder_text(kind: &str, series: usize, points: usize) -> String {
    let data = format!("{series} series, {points} points returned");
    match placeholder_reason(kind) {
        Some(why) => format!("{kind} panel: {why} ({data})"),
        None => format!(
            "{kind}: a plugin panel drawn by Grafana's plugin code, which triage does not have ({data})"
        ),
    }
}

/// A series' own field config: the panel's defaults with the overrides that select it.
pub(super) fn series_field(panel: &Panel, s: &Series, values: &[Option<f64>]) -> FieldDefaults {
    if !fields::has_overrides(&panel.field_config) {
        return panel.field_config.defaults.clone();
    }
    fields::field_config(
        &panel.field_config,
        fields::FieldIdentity {
            name: &s.name,
            ref_id: &s.ref_id,
            values,
        },
    )
}

pub(super) fn no_value_text(field: &FieldDefaults) -> String {
    field
        .no_value
        .clone()
        .unwrap_or_else(|| "No data".to_string())
}

pub(super) fn values_of(series: &Series) -> Vec<Option<f64>> {
    series
        .points
        .iter()
        .map(|&(_, v)| if v.is_nan() { None } else { Some(v) })
        .collect()
}

pub(super) fn format(field: &FieldDefaults, value: f64) -> String {
    units::format_value(value, field.unit.as_deref(), field.decimals).to_string()
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
fn threshold_state(colour: Rgb) -> Option<String> {
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
    let c = colors::resolve_rgb(name, colors::Theme::Dark);
    Rgb(c.0, c.1, c.2)
}

pub(super) fn palette(index: usize) -> Rgb {
    let c = colors::palette_color(index, colors::Theme::Dark);
    Rgb(c.0, c.1, c.2)
}

/// Smallest and largest finite value over all series (for percentage thresholds).
pub(super) fn data_range(series: &[Series]) -> (f64, f64) {
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite());
    let min = values.clone().fold(f64::INFINITY, f64::min);
    let max = values.fold(f64::NEG_INFINITY, f64::max);
    if min.is_finite() {
        (min, max)
    } else {
        (0.0, 100.0)
    }
}

/// Gauges reduce as stat does and show each value as a bar between min and max (Grafana's
/// defaults: 0–100, or 0–1 for percentunit, unless the field sets them).
fn build_gauge(panel: &Panel, series: &[Series]) -> GaugeView {
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
    let is_gauge = panel.panel_type == "gauge";
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

fn build_stat(panel: &Panel, series: &[Series]) -> StatView {
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

fn build_timeseries(
    panel: &Panel,
    data: &PanelData,
    clock: Clock,
) -> (TimeSeriesView, Option<String>) {
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
    let side_index = |i: usize| usize::from(sides[i] == Side::Right);
    // Extremes of the plotted values per side (left, right).
    let mut extremes = [(f64::INFINITY, f64::NEG_INFINITY); 2];
    let mut plotted = Vec::new();
    let mut entries = Vec::new();
    let mut legend_sources: Vec<(&Series, FieldDefaults)> = Vec::new();
    // Running totals per timestamp for stacked series (Grafana stacks in series order, each
    // scale apart).
    let mut stack: [BTreeMap<i64, f64>; 2] = Default::default();
    let mut totals: [BTreeMap<i64, f64>; 2] = Default::default();
    if stacking == Some("percent") {
        for (i, s) in data.series.iter().enumerate() {
            if s.compare.is_some() {
                continue;
            }
            for &(time, v) in s.points.iter().filter(|p| p.1.is_finite()) {
                *totals[side_index(i)].entry(time).or_insert(0.0) += v.abs();
            }
        }
    }
    for (index, s) in data.series.iter().enumerate() {
        let own = &owns[index];
        let side = side_index(index);
        let name = names[index].clone();
        let negate = own.custom.transform.as_deref() == Some("negative-Y");
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(s.points.len());
        for &(t, v) in s.points.iter().filter(|(_, v)| v.is_finite()) {
            let mut v = if negate { -v } else { v };
            if stacking.is_some() && s.compare.is_none() {
                if stacking == Some("percent") {
                    v = totals[side]
                        .get(&t)
                        .filter(|total| **total > 0.0)
                        .map_or(0.0, |total| v / total);
                }
                let below = stack[side].entry(t).or_insert(0.0);
                *below += v;
                v = *below;
            }
            if let Some(base) = log_base {
                // Log axes cannot show zero or less; Grafana leaves those points out too.
                if v <= 0.0 {
                    continue;
                }
                v = v.log(base);
            }
            points.push((t as f64, v));
        }
        let color = match own.color.as_ref().map(|c| c.mode.as_str()) {
            Some("fixed") | Some("thresholds") | Some("shades") => {
                value_colour(own, last_value(s), index, data_range(&data.series)).0
            }
            _ => palette(index),
        };
        // A comparison series takes its current twin's colour, dimmed halfway to the background.
        let color = match &s.compare {
            Some(_) => {
                let twin = data
                    .series
                    .iter()
                    .position(|o| o.compare.is_none() && o.labels == s.labels);
                dim(twin.map(palette).unwrap_or(color))
            }
            None => color,
        };
        if !own.custom.hide_from_legend.unwrap_or(false) {
            entries.push(LegendEntry {
                name: name.clone(),
                color,
                values: Vec::new(),
            });
            legend_sources.push((s, own.clone()));
        }
        if own.custom.hide_from_viz.unwrap_or(false) {
            continue;
        }
        let (lo, hi) = &mut extremes[side];
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
        let (unit, decimals) = if stacking == Some("percent") {
            (Some("percentunit".to_string()), Some(0))
        } else {
            (own.unit.clone(), own.decimals)
        };
        plotted.push(PlotSeries {
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
    // Each axis takes its scale's limits and unit from the first series on it (Grafana's
    // scales are keyed by exactly those), the panel's defaults when it has none.
    let scale_field = |side: Side| {
        sides
            .iter()
            .position(|s| *s == side)
            .map_or(field, |i| &owns[i])
    };
    let percent = stacking == Some("percent");
    let left = y_axis(scale_field(Side::Left), extremes[0], log_base, percent);
    let right = sides
        .contains(&Side::Right)
        .then(|| y_axis(scale_field(Side::Right), extremes[1], log_base, percent));
    let (lo, hi) = left.range;
    let y_labels = left.labels;
    let axis_field = scale_field(Side::Left);
    let (x0, x1) = if data.end_ms > data.start_ms {
        (data.start_ms as f64, data.end_ms as f64)
    } else {
        let xs = plotted.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        let lo = xs.clone().fold(f64::INFINITY, f64::min);
        let hi = xs.fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (0.0, 1.0)
        }
    };
    let x_labels = (0..3)
        .map(|i| time_label(x0 + (x1 - x0) * i as f64 / 2.0, x1 - x0, clock))
        .collect();
    let legend_options = panel.options.legend.clone();
    let calcs: Vec<String> = legend_options
        .as_ref()
        .map(|l| l.calcs.clone())
        .unwrap_or_default();
    let legend = Legend {
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
            .zip(&legend_sources)
            .map(|(mut entry, (s, own))| {
                entry.values = calcs
                    .iter()
                    .map(|c| {
                        reduce::reduce(c, &values_of(s))
                            .map(|v| format(own, v))
                            .unwrap_or_else(|| "-".into())
                    })
                    .collect();
                entry
            })
            .collect(),
    };
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
        legend,
        threshold_lines,
        threshold_dashed: style.starts_with("dashed"),
        threshold_bands,
        unit: axis_field.unit.clone(),
        decimals: axis_field.decimals,
        markers: Vec::new(),
        annotations: data
            .annotations
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
            .collect(),
        log_base,
        exemplars: Vec::new(),
    };
    (view, axes_note)
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
            let mut labels = Vec::new();
            let mut tick = lo;
            while tick <= hi + step * 0.5 {
                labels.push(axis_label(label_field, tick, step));
                tick += step;
            }
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
fn dim(c: Rgb) -> Rgb {
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

pub(super) fn time_label(ms: f64, span_ms: f64, clock: Clock) -> String {
    let Some(utc) = DateTime::<Utc>::from_timestamp_millis(ms as i64) else {
        return String::new();
    };
    let pattern = if span_ms > 3.0 * 86_400_000.0 {
        "%m-%d"
    } else if span_ms > 86_400_000.0 {
        "%m-%d %H:%M"
    } else {
        "%H:%M"
    };
    match clock {
        Clock::Utc => utc.format(pattern).to_string(),
        Clock::Local => Local
            .from_utc_datetime(&utc.naive_utc())
            .format(pattern)
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_rounds_outwards() {
        assert_eq!(nice_axis(0.13, 0.87, 5), (0.0, 1.0, 0.2));
        let (lo, hi, step) = nice_axis(103.0, 497.0, 4);
        assert_eq!((lo, hi, step), (100.0, 500.0, 100.0));
        let (lo, hi, _) = nice_axis(5.0, 5.0, 5);
        assert!(lo < 5.0 && hi > 5.0);
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

#[cfg(test)]
mod compare_tests {
    use super::*;
    use crate::grafana::model::GridPos;

    fn series(name: &str, values: &[f64], compare: Option<&str>) -> Series {
        Series {
            ref_id: "A".into(),
            name: name.into(),
            labels: [("job".to_string(), "api".to_string())].into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64 * 1000, *v))
                .collect(),
            compare: compare.map(str::to_string),
        }
    }

    #[test]
    fn stat_shows_the_change_against_the_compared_series() {
        let panel = Panel {
            panel_type: "stat".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 6,
                h: 4,
            },
            ..Panel::default()
        };
        let data = PanelData {
            series: vec![
                series("api", &[100.0, 120.0], None),
                series("api (1d ago)", &[90.0, 100.0], Some("1d ago")),
            ],
            ..PanelData::default()
        };
        let view = build(&panel, &data, Clock::Utc);
        let PanelBody::Stat(stat) = view.body else {
            panic!("stat expected")
        };
        assert_eq!(stat.values.len(), 1, "the past is not a value of its own");
        assert_eq!(stat.values[0].text, "120 (+20% vs 1d ago)");
    }

    #[test]
    fn compared_series_are_dimmed_twins() {
        let panel = Panel {
            panel_type: "timeseries".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 12,
                h: 8,
            },
            ..Panel::default()
        };
        let data = PanelData {
            series: vec![
                series("api", &[1.0, 2.0], None),
                series("api (1d ago)", &[1.0, 1.5], Some("1d ago")),
            ],
            start_ms: 0,
            end_ms: 1000,
            ..PanelData::default()
        };
        let PanelBody::TimeSeries(ts) = build(&panel, &data, Clock::Utc).body else {
            panic!("time series expected")
        };
        assert_eq!(ts.series[1].color, dim(ts.series[0].color));
        assert_eq!(ts.series[1].name, "api (1d ago)");
    }
}

#[cfg(test)]
mod gauge_tests {
    use super::*;
    use crate::grafana::model::GridPos;

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

#[cfg(test)]
mod field_config_tests {
    //! Overrides, value mappings, stacking, draw styles and log axes, from panel JSON as
    //! dashboards write it (through the real loader).
    use super::*;
    use crate::grafana::load::load_str;

    fn panel(json: &str) -> Panel {
        let text = format!(r#"{{"title": "t", "panels": [{json}]}}"#);
        let loaded = load_str(&text, "test.json").unwrap_or_else(|e| panic!("{e}"));
        loaded.dashboard.panels[0].clone()
    }

    fn series(name: &str, values: &[f64]) -> Series {
        Series {
            ref_id: "A".into(),
            name: name.into(),
            labels: [("instance".to_string(), name.to_string())].into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64 * 60_000, *v))
                .collect(),
            compare: None,
        }
    }

    fn data(series: Vec<Series>) -> PanelData {
        PanelData {
            series,
            start_ms: 0,
            end_ms: 180_000,
            ..PanelData::default()
        }
    }

    fn timeseries(view: PanelView) -> TimeSeriesView {
        match view.body {
            PanelBody::TimeSeries(ts) => ts,
            other => panic!("not a time series: {other:?}"),
        }
    }

    #[test]
    fn stat_value_mappings_give_text_and_colour() {
        let p = panel(
            r#"{"type": "stat", "gridPos": {"x":0,"y":0,"w":6,"h":4},
               "targets": [{"refId": "A", "expr": "up"}],
               "fieldConfig": {"defaults": {"mappings": [
                 {"type": "value", "options": {"1": {"text": "UP", "color": "green"},
                                               "0": {"text": "DOWN", "color": "red"}}}]},
                 "overrides": []}}"#,
        );
        let view = build(&p, &data(vec![series("a", &[1.0, 0.0])]), Clock::Utc);
        let PanelBody::Stat(stat) = view.body else {
            panic!("stat")
        };
        assert_eq!(stat.values[0].text, "DOWN");
        assert_eq!(stat.values[0].color, Some(named("red")));
        assert_eq!(stat.values[0].state.as_deref(), Some("▲ crit"));
    }

    #[test]
    fn a_stat_without_colour_says_no_state() {
        let p = panel(
            r#"{"type": "stat", "gridPos": {"x":0,"y":0,"w":6,"h":4},
               "targets": [{"refId": "A", "expr": "up"}],
               "options": {"colorMode": "none"},
               "fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [
                 {"color": "red", "value": null}]}}, "overrides": []}}"#,
        );
        let view = build(&p, &data(vec![series("a", &[2.0])]), Clock::Utc);
        let PanelBody::Stat(stat) = view.body else {
            panic!("stat")
        };
        assert_eq!(stat.color_mode, StatColorMode::None);
        assert_eq!(stat.values[0].text, "2");
        assert_eq!(stat.values[0].state, None);
    }

    #[test]
    fn overrides_colour_rename_hide_and_negate_series() {
        let p = panel(
            r##"{"type": "timeseries", "gridPos": {"x":0,"y":0,"w":12,"h":8},
               "targets": [{"refId": "A", "expr": "x"}],
               "fieldConfig": {"defaults": {}, "overrides": [
                 {"matcher": {"id": "byName", "options": "errors"},
                  "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}},
                                 {"id": "displayName", "value": "5xx"}]},
                 {"matcher": {"id": "byRegexp", "options": "/^hidden/"},
                  "properties": [{"id": "custom.hideFrom", "value": {"viz": true, "legend": true, "tooltip": true}}]},
                 {"matcher": {"id": "byName", "options": "tx"},
                  "properties": [{"id": "custom.transform", "value": "negative-Y"}]}]}}"##,
        );
        let d = data(vec![
            series("errors", &[1.0, 2.0]),
            series("hidden-a", &[100.0, 100.0]),
            series("tx", &[3.0, 4.0]),
        ]);
        let ts = timeseries(build(&p, &d, Clock::Utc));
        let names: Vec<&str> = ts.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["5xx", "tx"]);
        assert_eq!(ts.series[0].color, named("red"));
        assert_eq!(ts.series[1].points[1].1, -4.0);
        assert_eq!(ts.legend.entries.len(), 2, "hidden from the legend too");
        // The hidden series does not stretch the axis.
        assert!(ts.y_range.1 < 100.0, "{:?}", ts.y_range);
    }

    #[test]
    fn stacking_normal_and_percent() {
        let json = |mode: &str| {
            format!(
                r#"{{"type": "timeseries", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
                   "targets": [{{"refId": "A", "expr": "x"}}],
                   "fieldConfig": {{"defaults": {{"custom": {{"stacking": {{"mode": "{mode}", "group": "A"}},
                     "fillOpacity": 20, "drawStyle": "bars"}}}}, "overrides": []}}}}"#
            )
        };
        let d = data(vec![series("a", &[1.0, 3.0]), series("b", &[3.0, 1.0])]);
        let ts = timeseries(build(&panel(&json("normal")), &d, Clock::Utc));
        assert_eq!(ts.series[1].points[0].1, 4.0, "b sits on a");
        assert_eq!(ts.series[0].style, DrawStyle::Bars);
        assert!(ts.series[0].fill.is_none(), "bars are not filled again");
        let ts = timeseries(build(&panel(&json("percent")), &d, Clock::Utc));
        assert_eq!(ts.series[0].points[0].1, 0.25);
        assert_eq!(ts.series[1].points[0].1, 1.0);
        assert!(
            ts.y_labels.iter().any(|l| l.ends_with('%')),
            "{:?}",
            ts.y_labels
        );
        // A max in the data's units (a migrated graph's y axis max 100) does not stretch the
        // shares: Grafana's percent scale is fixed at 0–100 %.
        let with_max = json("percent").replace(r#""custom""#, r#""max": 100, "min": 0, "custom""#);
        let ts = timeseries(build(&panel(&with_max), &d, Clock::Utc));
        assert_eq!(ts.y_range, (0.0, 1.0));
        assert_eq!(ts.y_labels.first().map(String::as_str), Some("0%"));
        assert_eq!(ts.y_labels.last().map(String::as_str), Some("100%"));
    }

    #[test]
    fn log_axis_plots_exponents_and_labels_in_units() {
        let p = panel(
            r#"{"type": "timeseries", "gridPos": {"x":0,"y":0,"w":12,"h":8},
               "targets": [{"refId": "A", "expr": "x"}],
               "fieldConfig": {"defaults": {"unit": "s", "custom": {"fillOpacity": 10,
                 "scaleDistribution": {"type": "log", "log": 10}}}, "overrides": []}}"#,
        );
        let d = data(vec![series("a", &[0.001, 0.1, 10.0, 0.0])]);
        let ts = timeseries(build(&p, &d, Clock::Utc));
        assert_eq!(ts.log_base, Some(10.0));
        let ys: Vec<f64> = ts.series[0].points.iter().map(|p| p.1).collect();
        assert_eq!(ys.len(), 3, "zero has no place on a log axis");
        assert!(
            (ys[0] + 3.0).abs() < 1e-9 && (ys[2] - 1.0).abs() < 1e-9,
            "{ys:?}"
        );
        assert_eq!(ts.y_labels.first().map(String::as_str), Some("1 ms"));
        assert_eq!(ts.y_labels.last().map(String::as_str), Some("10 s"));
        assert!(ts.series[0].fill.is_some(), "fillOpacity 10 fills the area");
    }
}

#[cfg(test)]
mod panel_option_tests {
    //! Bar gauge modes, threshold styles, right axes and placeholders, from panel JSON.
    use super::*;
    use crate::grafana::load::load_str;

    fn panel(json: &str) -> Panel {
        let text = format!(r#"{{"title": "t", "panels": [{json}]}}"#);
        let loaded = load_str(&text, "test.json").unwrap_or_else(|e| panic!("{e}"));
        loaded.dashboard.panels[0].clone()
    }

    fn data(values: &[f64]) -> PanelData {
        PanelData {
            series: vec![Series {
                ref_id: "A".into(),
                name: "a".into(),
                points: values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i as i64 * 60_000, *v))
                    .collect(),
                ..Series::default()
            }],
            start_ms: 0,
            end_ms: 180_000,
            ..PanelData::default()
        }
    }

    const STEPS: &str = r#""thresholds": {"mode": "absolute", "steps": [
        {"value": null, "color": "green"}, {"value": 50, "color": "orange"},
        {"value": 80, "color": "red"}]}"#;

    #[test]
    fn bar_gauge_modes_and_unfilled_and_gauge_scale() {
        let p = panel(&format!(
            r#"{{"type": "bargauge", "gridPos": {{"x":0,"y":0,"w":6,"h":4}},
               "targets": [{{"refId": "A", "expr": "x"}}],
               "options": {{"displayMode": "lcd", "orientation": "vertical", "showUnfilled": false}},
               "fieldConfig": {{"defaults": {{"min": 0, "max": 200, {STEPS}}}, "overrides": []}}}}"#
        ));
        let PanelBody::Gauge(g) = build(&p, &data(&[120.0]), Clock::Utc).body else {
            panic!("gauge")
        };
        assert_eq!(g.mode, GaugeMode::Lcd);
        assert!(g.orientation == BarOrientation::Vertical && !g.show_unfilled);
        assert!(g.min_max.is_none());
        assert!((g.items[0].fraction - 0.6).abs() < 1e-9);
        let starts: Vec<f64> = g.scale.iter().map(|s| s.0).collect();
        assert_eq!(starts, [0.0, 0.25, 0.4]);
        assert_eq!(g.scale[2].1, named("red"));

        let p = panel(&format!(
            r#"{{"type": "gauge", "gridPos": {{"x":0,"y":0,"w":6,"h":4}},
               "targets": [{{"refId": "A", "expr": "x"}}], "options": {{"displayMode": "lcd"}},
               "fieldConfig": {{"defaults": {{"unit": "percent", {STEPS}}}, "overrides": []}}}}"#
        ));
        let PanelBody::Gauge(g) = build(&p, &data(&[70.0]), Clock::Utc).body else {
            panic!("gauge")
        };
        assert_eq!(
            g.mode,
            GaugeMode::Basic,
            "display modes are bar gauge options"
        );
        assert_eq!(g.min_max, Some(("0%".into(), "100%".into())));
        assert!(g.threshold_markers && g.show_unfilled);
    }

    fn ts_with_style(style: &str) -> TimeSeriesView {
        let p = panel(&format!(
            r#"{{"type": "timeseries", "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
               "targets": [{{"refId": "A", "expr": "x"}}],
               "fieldConfig": {{"defaults": {{"min": 0, "max": 100, {STEPS},
                 "custom": {{"thresholdsStyle": {{"mode": "{style}"}}}}}}, "overrides": []}}}}"#
        ));
        match build(&p, &data(&[10.0, 60.0, 90.0]), Clock::Utc).body {
            PanelBody::TimeSeries(ts) => ts,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn threshold_styles_give_lines_dashes_and_bands() {
        let line = ts_with_style("line");
        assert_eq!(
            line.threshold_lines,
            [(50.0, named("orange")), (80.0, named("red"))]
        );
        assert!(!line.threshold_dashed && line.threshold_bands.is_empty());
        assert!(ts_with_style("dashed").threshold_dashed);
        let area = ts_with_style("area");
        assert!(area.threshold_lines.is_empty());
        let bands: Vec<(f64, f64)> = area.threshold_bands.iter().map(|b| (b.0, b.1)).collect();
        assert_eq!(bands, [(0.0, 50.0), (50.0, 80.0), (80.0, 100.0)]);
        assert_eq!(area.threshold_bands[2].2, blend(named("red"), 0.15));
        let both = ts_with_style("line+area");
        assert_eq!(both.threshold_lines.len(), 2);
        assert_eq!(both.threshold_bands.len(), 3);
        assert!(ts_with_style("off").threshold_lines.is_empty());
    }

    #[test]
    fn series_on_the_right_axis_get_a_scale_of_their_own() {
        let p = panel(
            r#"{"type": "timeseries", "gridPos": {"x":0,"y":0,"w":12,"h":8},
               "targets": [{"refId": "A", "expr": "x"}],
               "fieldConfig": {"defaults": {"unit": "s"}, "overrides": [
                 {"matcher": {"id": "byName", "options": "rate"},
                  "properties": [{"id": "custom.axisPlacement", "value": "right"},
                                 {"id": "unit", "value": "reqps"}]}]}}"#,
        );
        let mut d = data(&[0.2, 0.4]);
        let mut rate = d.series[0].clone();
        rate.name = "rate".into();
        rate.points = vec![(0, 1500.0), (60_000, 3000.0)];
        d.series.push(rate);
        let view = build(&p, &d, Clock::Utc);
        assert!(view.notes.is_empty(), "{:?}", view.notes);
        let PanelBody::TimeSeries(ts) = view.body else {
            panic!("not a time series");
        };
        // The left scale fits the seconds, the right one the request rate, each in its unit.
        assert!(ts.y_range.1 < 1.0, "{:?}", ts.y_range);
        let right = ts.right_axis.expect("a right axis");
        assert!(
            right.range.1 >= 3000.0 && right.range.0 <= 1500.0,
            "{right:?}"
        );
        assert!(
            right.labels.iter().all(|l| l.ends_with("req/s")),
            "{right:?}"
        );
        assert!(
            ts.y_labels.iter().all(|l| l.ends_with(" ms")),
            "{:?}",
            ts.y_labels
        );
        assert_eq!(
            ts.series.iter().map(|s| s.right).collect::<Vec<_>>(),
            [false, true]
        );
        assert_eq!(ts.series[1].unit.as_deref(), Some("reqps"));
    }

    #[test]
    fn only_library_panels_without_their_model_are_placeholders() {
        let embedded = Panel {
            panel_type: "stat".into(),
            library_panel_uid: Some("lib-a".into()),
            ..Panel::default()
        };
        assert_eq!(unsupported_reason(&embedded), None);
        let mut missing = Panel {
            panel_type: "library-panel".into(),
            library_panel_uid: Some("lib-b".into()),
            ..Panel::default()
        };
        let reason = unsupported_reason(&missing).unwrap_or_default();
        assert!(reason.contains("not in this file"), "{reason}");
        missing.library_panel_problem = Some("Grafana answered 404 (not found)".into());
        assert_eq!(
            unsupported_reason(&missing).as_deref(),
            Some("library panel `lib-b`: Grafana answered 404 (not found)")
        );
    }

    #[test]
    fn panels_without_a_terminal_form_say_what_they_are_and_why() {
        for kind in [
            "logs",
            "alertlist",
            "news",
            "dashlist",
            "nodeGraph",
            "traces",
            "canvas",
            "geomap",
        ] {
            let p = Panel {
                panel_type: kind.into(),
                ..Panel::default()
            };
            let reason = unsupported_reason(&p).unwrap_or_default();
            assert!(reason.starts_with(&format!("{kind} panel: ")), "{reason}");
            assert!(!reason.contains("not drawn yet"), "{reason}");
        }
        let p = Panel {
            panel_type: "grafana-clock-panel".into(),
            ..Panel::default()
        };
        assert_eq!(
            unsupported_reason(&p),
            None,
            "plugin panels still run their queries"
        );
        let PanelBody::Message { text, .. } = build(&p, &data(&[1.0]), Clock::Utc).body else {
            panic!("message")
        };
        assert!(text.contains("plugin panel"), "{text}");
        assert!(text.contains("1 series, 1 points"), "{text}");
    }
}
