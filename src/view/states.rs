//! State timeline and status history: one row per series, time across, each value shown as a
//! state coloured by its value mapping (or, without one, its threshold step) and named by the
//! mapping's text (or the value in the field's unit).
//!
//! A state timeline holds each value until the next point (equal neighbours merge into one
//! state unless `mergeValues: false`); a status history gives every point a cell of its own,
//! one step wide. A missing value (NaN) ends a state: the row shows a gap there.

use super::display::{
    Clock, data_range, format, no_value_text, series_field, time_label, value_colour, values_of,
};
use super::{Rgb, ShowValues, StateLegend, StateRow, StateSpan, StatesView};
use crate::data::panel_data::{PanelData, Series};
use crate::grafana::fields;
use crate::grafana::model::Panel;

pub fn build(panel: &Panel, data: &PanelData, per_point: bool, clock: Clock) -> StatesView {
    let range = data_range(&data.series);
    let (x0, x1) = time_range(data);
    let merge = !per_point && panel.options.merge_values.unwrap_or(true);
    let mut legend: Vec<StateLegend> = Vec::new();
    let mut rows = Vec::new();
    for (index, s) in data
        .series
        .iter()
        .filter(|s| s.compare.is_none())
        .enumerate()
    {
        let raw = values_of(s);
        let field = series_field(panel, s, &raw);
        let step = typical_step(s);
        let mut spans: Vec<StateSpan> = Vec::new();
        for (i, &(t, v)) in s.points.iter().enumerate() {
            if v.is_nan() {
                continue;
            }
            let start = t as f64;
            let end = if per_point {
                start + step
            } else {
                // Held until the next point; the last one for one step (not past the range).
                s.points
                    .get(i + 1)
                    .map_or(start + step, |next| next.0 as f64)
                    .min(x1.max(start + step))
            };
            let (text, color) = state_of(&field, v, index, range);
            let state = match legend
                .iter()
                .position(|l| l.text == text && l.color == color)
            {
                Some(k) => k,
                None => {
                    legend.push(StateLegend {
                        text: text.clone(),
                        color,
                    });
                    legend.len() - 1
                }
            };
            if merge
                && let Some(last) = spans.last_mut()
                && last.state == state
                && (last.end_ms - start).abs() < 1.0
            {
                last.end_ms = end;
                continue;
            }
            spans.push(StateSpan {
                start_ms: start,
                end_ms: end,
                text,
                color,
                state,
            });
        }
        if spans.is_empty() && !raw.is_empty() {
            // Only missing values: say so in the row rather than leave it blank.
            let text = no_value_text(&field);
            spans.push(StateSpan {
                start_ms: x0,
                end_ms: x1,
                text,
                color: Rgb::default(),
                state: usize::MAX,
            });
        }
        rows.push(StateRow {
            name: field.display_name.clone().unwrap_or_else(|| s.name.clone()),
            spans,
        });
    }
    let x_labels = (0..3)
        .map(|i| time_label(x0 + (x1 - x0) * f64::from(i) / 2.0, x1 - x0, clock))
        .collect();
    StatesView {
        rows,
        x_range: (x0, x1),
        x_labels,
        legend,
        show_values: match panel.options.show_value.as_deref() {
            Some("never") => ShowValues::Never,
            Some("always") => ShowValues::Always,
            _ => ShowValues::Auto,
        },
    }
}

/// The state a value is in: a mapping's text and colour win; else the value in the field's
/// unit, coloured by the field's colour mode (thresholds by default).
fn state_of(
    field: &crate::grafana::model::FieldDefaults,
    value: f64,
    index: usize,
    range: (f64, f64),
) -> (String, Rgb) {
    let mapped = fields::map_value(Some(value), &field.mappings);
    let text = mapped
        .as_ref()
        .and_then(|m| m.text.clone())
        .unwrap_or_else(|| format(field, value));
    let color = match mapped.as_ref().and_then(|m| m.color.as_deref()) {
        Some(c) => super::display::named(c),
        None => value_colour(field, Some(value), index, range).0,
    };
    (text, color)
}

fn time_range(data: &PanelData) -> (f64, f64) {
    if data.end_ms > data.start_ms {
        return (data.start_ms as f64, data.end_ms as f64);
    }
    let times = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0 as f64));
    let lo = times.clone().fold(f64::INFINITY, f64::min);
    let hi = times.fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// The smallest gap between points (the query step), one minute when there is only one point.
fn typical_step(s: &Series) -> f64 {
    let step = s
        .points
        .windows(2)
        .map(|w| (w[1].0 - w[0].0) as f64)
        .filter(|d| *d > 0.0)
        .fold(f64::INFINITY, f64::min);
    if step.is_finite() { step } else { 60_000.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::load::load_str;

    fn panel(kind: &str, extra: &str) -> Panel {
        let text = format!(
            r#"{{"title": "t", "panels": [{{"type": "{kind}", "title": "p",
                "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
                "targets": [{{"refId": "A", "expr": "up"}}] {extra}}}]}}"#
        );
        let loaded = load_str(&text, "test.json").unwrap_or_else(|e| panic!("{e}"));
        Panel::clone(&loaded.dashboard.panels[0])
    }

    fn data(values: &[f64]) -> PanelData {
        PanelData {
            series: vec![Series {
                ref_id: "A".into(),
                name: "gw-1".into(),
                points: values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i as i64 * 60_000, *v))
                    .collect(),
                ..Series::default()
            }],
            start_ms: 0,
            end_ms: values.len() as i64 * 60_000,
            ..PanelData::default()
        }
    }

    const UP_DOWN: &str = r#", "fieldConfig": {"defaults": {"mappings": [
        {"type": "value", "options": {"1": {"text": "UP", "color": "green"},
                                      "0": {"text": "DOWN", "color": "red"}}}]},
        "overrides": []}"#;

    #[test]
    fn state_timeline_merges_equal_neighbours_and_names_states_by_mapping() {
        let p = panel("state-timeline", UP_DOWN);
        let view = build(&p, &data(&[1.0, 1.0, 0.0, 0.0, 1.0]), false, Clock::Utc);
        let spans = &view.rows[0].spans;
        let texts: Vec<&str> = spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["UP", "DOWN", "UP"]);
        assert_eq!((spans[0].start_ms, spans[0].end_ms), (0.0, 120_000.0));
        assert_eq!(spans[1].color, super::super::display::named("red"));
        let legend: Vec<&str> = view.legend.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(legend, ["UP", "DOWN"]);
    }

    #[test]
    fn merge_values_off_and_status_history_keep_one_span_per_point() {
        let p = panel(
            "state-timeline",
            &format!(r#", "options": {{"mergeValues": false}} {UP_DOWN}"#),
        );
        let view = build(&p, &data(&[1.0, 1.0, 0.0]), false, Clock::Utc);
        assert_eq!(view.rows[0].spans.len(), 3);
        let p = panel("status-history", UP_DOWN);
        let view = build(&p, &data(&[1.0, 1.0, 0.0]), true, Clock::Utc);
        assert_eq!(view.rows[0].spans.len(), 3);
        assert_eq!(view.rows[0].spans[2].end_ms, 180_000.0, "one step wide");
    }

    #[test]
    fn unmapped_values_take_their_unit_and_threshold_colour_and_gaps_stay_gaps() {
        let p = panel(
            "state-timeline",
            r#", "fieldConfig": {"defaults": {"unit": "percent", "thresholds": {"mode": "absolute",
               "steps": [{"value": null, "color": "green"}, {"value": 90, "color": "red"}]}},
               "overrides": []}"#,
        );
        let view = build(&p, &data(&[50.0, f64::NAN, 95.0]), false, Clock::Utc);
        let spans = &view.rows[0].spans;
        assert_eq!(spans.len(), 2, "the missing value is a gap");
        assert_eq!(spans[0].text, "50%");
        assert_eq!(spans[1].color, super::super::display::named("red"));
        assert_eq!(spans[0].end_ms, 60_000.0, "held until the next point");
    }
}
