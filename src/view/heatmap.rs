//! Heatmap from Prometheus `format: heatmap` answers, as Grafana builds it: one series per `le`
//! bucket (cumulative counts) → buckets sorted by bound, de-accumulated from the top so each
//! row counts only its own bucket (values under 1e-9 become 0), rows labelled with the bound.

use super::{HeatmapView, Rgb};
use crate::data::panel_data::Series;
use crate::grafana::units;

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

/// Build the heatmap of series that carry an `le` label; `None` when none do.
pub fn build(series: &[Series], y_unit: Option<&str>, x_range: (f64, f64)) -> Option<HeatmapView> {
    // Several series per bound (other labels) are added up: the panel shows one distribution.
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
    // De-accumulate from the top: each bucket minus the one below it.
    let mut counts: Vec<Vec<f64>> = buckets
        .iter()
        .map(|(_, _, p)| p.iter().map(|x| x.1).collect())
        .collect();
    for i in (1..counts.len()).rev() {
        let (lower, upper) = counts.split_at_mut(i);
        for (u, l) in upper[0].iter_mut().zip(&lower[i - 1]) {
            *u -= l;
            if !u.is_finite() || *u < 1e-9 {
                *u = 0.0;
            }
        }
    }
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

    #[test]
    fn cumulative_buckets_are_de_accumulated_and_sorted() {
        // Given out of order, as Prometheus may return them.
        let series = [
            bucket("+Inf", &[10.0, 12.0]),
            bucket("0.1", &[2.0, 3.0]),
            bucket("0.5", &[7.0, 7.0]),
        ];
        let view = build(&series, Some("s"), (0.0, 60_000.0)).unwrap();
        assert_eq!(view.bucket_labels, vec!["100 ms", "500 ms", "+Inf"]);
        assert_eq!(
            view.counts,
            vec![vec![2.0, 3.0], vec![5.0, 4.0], vec![3.0, 5.0]]
        );
        assert_eq!(view.max, 5.0);
        assert_eq!(view.times, vec![0.0, 60_000.0]);
    }

    #[test]
    fn tiny_or_negative_differences_are_zero_and_no_le_is_no_heatmap() {
        let series = [bucket("1", &[5.0]), bucket("2", &[5.0 + 1e-12])];
        let view = build(&series, None, (0.0, 1.0)).unwrap();
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
