//! Pie chart, honestly for a terminal: the slices as horizontal bars of their share of the
//! total, largest first. Values are reduced as Grafana's pie chart reduces them
//! (`reduceOptions`: the first calc, `lastNotNull` by default, `last` for an empty list; `values: true` makes every
//! point a slice; `limit`), coloured by the classic palette unless the field says otherwise.
//! Which numbers each bar carries follows `displayLabels` and `legend.values`.

use super::display::{format, named, palette, series_field, value_colour, values_of};
use super::{PieSlice, PieView};
use crate::data::panel_data::Series;
use crate::grafana::model::Panel;
use crate::grafana::{fields, reduce};

pub fn build(panel: &Panel, series: &[Series]) -> PieView {
    let options = &panel.options;
    let reduce_options = options.reduce.clone().unwrap_or_default();
    let calc = super::build::panel_calc(panel);
    // (name, value, field) of every slice before shares are known.
    let mut raw_slices = Vec::new();
    for s in series.iter().filter(|s| s.compare.is_none()) {
        let raw = values_of(s);
        let field = series_field(panel, s, &raw);
        let name = field.display_name.clone().unwrap_or_else(|| s.name.clone());
        if reduce_options.values {
            for v in raw.iter().flatten() {
                raw_slices.push((name.clone(), *v, field.clone()));
            }
        } else if let Some(v) = reduce::reduce(&calc, &raw) {
            raw_slices.push((name, v, field));
        }
    }
    if let Some(limit) = reduce_options.limit.filter(|_| reduce_options.values) {
        raw_slices.truncate(limit as usize);
    }
    // A slice cannot be negative or infinite; Grafana's arcs leave such values out too.
    raw_slices.retain(|(_, v, _)| v.is_finite() && *v >= 0.0);
    let total: f64 = raw_slices.iter().map(|(_, v, _)| v).sum();
    let mut slices: Vec<PieSlice> = raw_slices
        .into_iter()
        .enumerate()
        .map(|(index, (name, value, field))| {
            let share = if total > 0.0 { value / total } else { 0.0 };
            let mapped = fields::map_value(Some(value), &field.mappings);
            let text = mapped
                .as_ref()
                .and_then(|m| m.text.clone())
                .unwrap_or_else(|| format(&field, value));
            // The pie chart's default colour mode is the classic palette.
            let color = match (
                mapped.as_ref().and_then(|m| m.color.as_deref()),
                &field.color,
            ) {
                (Some(c), _) => named(c),
                (None, Some(_)) => value_colour(&field, Some(value), index, (0.0, total)).0,
                (None, None) => palette(index),
            };
            let decimals = field.decimals.unwrap_or(0) as usize;
            PieSlice {
                name,
                text,
                share,
                percent_text: format!("{:.decimals$}%", share * 100.0),
                color,
            }
        })
        .collect();
    slices.sort_by(|a, b| b.share.total_cmp(&a.share));
    let legend_values = options
        .legend
        .as_ref()
        .filter(|l| l.show && l.display_mode != "hidden")
        .map(|l| l.values.clone())
        .unwrap_or_default();
    let wants = |what: &str| {
        options.display_labels.iter().any(|l| l == what) || legend_values.iter().any(|l| l == what)
    };
    PieView {
        slices,
        show_value: wants("value"),
        show_percent: wants("percent"),
        donut: options.pie_type.as_deref() == Some("donut"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::load::load_str;

    fn panel(options: &str) -> Panel {
        let text = format!(
            r#"{{"title": "t", "panels": [{{"type": "piechart", "title": "p",
                "gridPos": {{"x":0,"y":0,"w":12,"h":8}},
                "fieldConfig": {{"defaults": {{"unit": "reqps"}}, "overrides": []}},
                "targets": [{{"refId": "A", "expr": "x"}}], "options": {options}}}]}}"#
        );
        let loaded = load_str(&text, "test.json").unwrap_or_else(|e| panic!("{e}"));
        Panel::clone(&loaded.dashboard.panels[0])
    }

    fn series(name: &str, values: &[f64]) -> Series {
        Series {
            ref_id: "A".into(),
            name: name.into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64 * 1000, *v))
                .collect(),
            ..Series::default()
        }
    }

    #[test]
    fn slices_reduce_sort_and_share_the_total() {
        let p = panel(
            r#"{"reduceOptions": {"calcs": ["mean"], "values": false},
                "displayLabels": ["percent"], "legend": {"showLegend": true, "values": ["value"]}}"#,
        );
        let view = build(
            &p,
            &[series("200", &[10.0, 30.0]), series("500", &[60.0, 60.0])],
        );
        let names: Vec<&str> = view.slices.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["500", "200"], "largest first");
        assert_eq!(view.slices[0].text, "60 req/s");
        assert_eq!(view.slices[1].percent_text, "25%");
        assert!(view.show_value && view.show_percent);
        assert_ne!(view.slices[0].color, view.slices[1].color);
    }

    #[test]
    fn values_true_makes_every_point_a_slice_and_default_calc_is_last_not_null() {
        let p = panel(r#"{"reduceOptions": {"values": true, "limit": 3}}"#);
        let view = build(&p, &[series("a", &[1.0, 2.0, 3.0, 4.0])]);
        assert_eq!(view.slices.len(), 3);
        assert!(!view.show_value && !view.show_percent);
        let p = panel(r#"{}"#);
        let view = build(&p, &[series("a", &[5.0, f64::NAN])]);
        assert_eq!(view.slices[0].text, "5 req/s");
        assert_eq!(view.slices[0].share, 1.0);
    }
}
