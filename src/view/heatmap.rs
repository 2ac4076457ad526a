//! Prometheus `format: heatmap` answers, as Grafana's datasource shapes them for every panel
//! (grafana-prometheus `result_transformer.ts` `transformV2`): per target, the series grouped
//! by their labels other than `le`, each group sorted by bound and de-accumulated from the top
//! (`transformToHistogramOverTime`: a bucket minus the one below, values under 1e-9 become 0)
//! and its fields named by bound (`mergeHeatmapFrames`). The heatmap panel then draws the
//! buckets as rows labelled with the bound.

use std::collections::BTreeMap;

use super::{HeatmapView, Rgb};
use crate::data::panel_data::Series;
use crate::grafana::model::{Panel, TargetFormat};
use crate::grafana::naming::LEGEND_AUTO;
use crate::grafana::units;

/// The panel's series with those of `format: heatmap` targets de-accumulated, one group per
/// label set without `le` (after the other series, as `transformV2` orders its frames);
/// `None` when no target asks for the heatmap format.
pub fn deaccumulate_heatmap_targets(panel: &Panel, series: &[Series]) -> Option<Vec<Series>> {
    let heatmap_target = |s: &Series| {
        panel
            .targets
            .iter()
            .find(|t| t.ref_id == s.ref_id && t.format == TargetFormat::Heatmap)
    };
    if !series.iter().any(|s| heatmap_target(s).is_some()) {
        return None;
    }
    let mut others = Vec::new();
    // (refId, comparison, labels without le) → the group's series, in answer order.
    type Key = (String, Option<String>, BTreeMap<String, String>);
    let mut groups: Vec<(Key, Vec<Series>)> = Vec::new();
    for s in series {
        let Some(target) = heatmap_target(s) else {
            others.push(s.clone());
            continue;
        };
        let mut s = s.clone();
        // Frames without a name of their own are named by their bound.
        let named_by_legend = target
            .legend_format
            .as_deref()
            .is_some_and(|l| !l.is_empty() && l != LEGEND_AUTO);
        if let (false, Some(le)) = (named_by_legend, s.labels.get("le")) {
            s.name = le.clone();
        }
        let mut rest = s.labels.clone();
        rest.remove("le");
        let key = (s.ref_id.clone(), s.compare.clone(), rest);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(s),
            None => groups.push((key, vec![s])),
        }
    }
    for (_, mut members) in groups {
        // `sortSeriesByLabel`: by the bound (unparsable ones keep their place).
        members.sort_by(|a, b| {
            let (x, y) = (series_bound(a), series_bound(b));
            x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
        });
        for i in (1..members.len()).rev() {
            let (lower, upper) = members.split_at_mut(i);
            let below = &lower[i - 1].points;
            for (j, point) in upper[0].points.iter_mut().enumerate() {
                // `bottom || 0`: a missing, zero or NaN value below subtracts nothing.
                let under = below
                    .get(j)
                    .map_or(0.0, |p| if p.1.is_nan() { 0.0 } else { p.1 });
                point.1 -= under;
                if point.1 < 1e-9 {
                    point.1 = 0.0;
                }
            }
        }
        others.extend(members);
    }
    Some(others)
}

/// A heatmap series' bound: its `le`, else its name (`parseSampleValue`).
fn series_bound(s: &Series) -> f64 {
    bound(s.labels.get("le").unwrap_or(&s.name))
}

/// One `le` bucket: its bound, the bound as written, and its cumulative counts over time.
type Bucket = (f64, String, Vec<(i64, f64)>);

/// Parse a bucket bound as Prometheus writes it (`0.25`, `+Inf`).
fn bound(le: &str) -> f64 {
    match le.trim().to_ascii_lowercase().as_str() {
        "+inf" | "inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        other => other.parse().unwrap_or(f64::NAN),
    }
}

/// Build the heatmap of series that carry an `le` label (several series per bound, from other
/// label groups, are added up); `None` when none do.
pub fn build(series: &[Series], y_unit: Option<&str>, x_range: (f64, f64)) -> Option<HeatmapView> {
    let mut buckets: Vec<Bucket> = Vec::new();
    for s in series {
        let Some(le) = s.labels.get("le") else {
            continue;
        };
        let b = bound(le);
        if b.is_nan() {
            continue;
        }
        match buckets.iter_mut().find(|(x, _, _)| *x == b) {
            Some((_, _, points)) => {
                for (p, q) in points.iter_mut().zip(&s.points) {
                    p.1 += q.1;
                }
            }
            None => buckets.push((b, le.clone(), s.points.clone())),
        }
    }
    if buckets.is_empty() {
        return None;
    }
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let times: Vec<f64> = buckets[0].2.iter().map(|p| p.0 as f64).collect();
    // Counts per bucket as they come: `format: heatmap` answers were de-accumulated by
    // `deaccumulate_heatmap_targets`; other answers are drawn as they are, as Grafana does.
    let counts: Vec<Vec<f64>> = buckets
        .iter()
        .map(|(_, _, p)| p.iter().map(|x| x.1).collect())
        .collect();
    let labels = buckets
        .iter()
        .map(|(b, le, _)| match b.is_finite() {
            true => units::format_value(*b, y_unit, None).to_string(),
            false => le.clone(),
        })
        .collect();
    let max = counts.iter().flatten().copied().fold(0.0, f64::max);
    Some(HeatmapView {
        times,
        bucket_labels: labels,
        counts,
        max,
        x_range,
    })
}

/// A colour-blind-safe sequential scale (viridis), 0 = dark purple … 1 = yellow.
pub fn viridis(t: f64) -> Rgb {
    const STOPS: [(u8, u8, u8); 5] = [
        (68, 1, 84),
        (59, 82, 139),
        (33, 145, 140),
        (94, 201, 98),
        (253, 231, 37),
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(le: &str, values: &[f64]) -> Series {
        Series {
            labels: [("le".to_string(), le.to_string())].into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64 * 60_000, *v))
                .collect(),
            ..Series::default()
        }
    }

    fn heatmap_panel(kind: &str, legend: Option<&str>) -> Panel {
        let mut panel = Panel {
            panel_type: kind.into(),
            ..Panel::default()
        };
        panel.targets = vec![crate::grafana::model::Target {
            ref_id: "A".into(),
            format: TargetFormat::Heatmap,
            legend_format: legend.map(str::to_string),
            ..Default::default()
        }];
        panel
    }

    fn in_group(mut s: Series, pod: &str) -> Series {
        s.ref_id = "A".into();
        s.labels.insert("pod".into(), pod.into());
        s
    }

    // result_transformer.ts: sorted by le, de-accumulated from the top, named by le.
    #[test]
    fn cumulative_buckets_are_de_accumulated_and_sorted() {
        // Given out of order, as Prometheus may return them.
        let series = [
            in_group(bucket("+Inf", &[10.0, 12.0]), "a"),
            in_group(bucket("0.1", &[2.0, 3.0]), "a"),
            in_group(bucket("0.5", &[7.0, 7.0]), "a"),
        ];
        let panel = heatmap_panel("heatmap", None);
        let series = deaccumulate_heatmap_targets(&panel, &series).unwrap();
        let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["0.1", "0.5", "+Inf"]);
        let view = build(&series, Some("s"), (0.0, 60_000.0)).unwrap();
        assert_eq!(view.bucket_labels, vec!["100 ms", "500 ms", "+Inf"]);
        assert_eq!(
            view.counts,
            vec![vec![2.0, 3.0], vec![5.0, 4.0], vec![3.0, 5.0]]
        );
        assert_eq!(view.max, 5.0);
        assert_eq!(view.times, vec![0.0, 60_000.0]);
    }

    // Any panel: a bar gauge of a `format: heatmap` target sees per-bucket counts, one group
    // per label set without le (grouped, not added up); a legend keeps its names.
    #[test]
    fn heatmap_format_is_de_accumulated_for_any_panel_per_label_group() {
        let series = [
            in_group(bucket("1", &[1.0]), "a"),
            in_group(bucket("1", &[4.0]), "b"),
            in_group(bucket("2", &[3.0]), "a"),
            in_group(bucket("2", &[10.0]), "b"),
        ];
        let panel = heatmap_panel("bargauge", Some("{{pod}} {{le}}"));
        let out = deaccumulate_heatmap_targets(&panel, &series).unwrap();
        let got: Vec<(&str, f64)> = out
            .iter()
            .map(|s| (s.labels["pod"].as_str(), s.points[0].1))
            .collect();
        assert_eq!(got, [("a", 1.0), ("a", 2.0), ("b", 4.0), ("b", 6.0)]);
        assert!(
            out.iter().all(|s| s.name.is_empty()),
            "legend names are kept"
        );
        // Time series targets are left alone.
        let mut plain = heatmap_panel("bargauge", None);
        plain.targets[0].format = TargetFormat::TimeSeries;
        assert!(deaccumulate_heatmap_targets(&plain, &series).is_none());
    }

    #[test]
    fn tiny_or_negative_differences_are_zero_and_no_le_is_no_heatmap() {
        let series = [
            in_group(bucket("1", &[5.0]), "a"),
            in_group(bucket("2", &[5.0 + 1e-12]), "a"),
        ];
        let series = deaccumulate_heatmap_targets(&heatmap_panel("heatmap", None), &series);
        let view = build(&series.unwrap(), None, (0.0, 1.0)).unwrap();
        assert_eq!(view.counts[1], vec![0.0]);
        assert!(build(&[Series::default()], None, (0.0, 1.0)).is_none());
    }

    #[test]
    fn viridis_runs_dark_to_light() {
        assert_eq!(viridis(0.0), Rgb(68, 1, 84));
        assert_eq!(viridis(1.0), Rgb(253, 231, 37));
        let lum =
            |c: Rgb| 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
        assert!(
            (1..=10).all(|i| lum(viridis(i as f64 / 10.0)) > lum(viridis((i - 1) as f64 / 10.0)))
        );
    }
}
