//! Histogram: every value of every series counted into buckets of one size, as Grafana's
//! histogram transformation does. Without `bucketSize` the size is the first of Grafana's
//! nice sizes (1, 2, 2.5, 5 × 10ⁿ) larger than range / `bucketCount` (30 by default) and no
//! smaller than the smallest gap between two distinct values; a value `v` falls in the bucket
//! starting at `floor((v - offset) / size) * size + offset`. Each series keeps its own counts
//! (drawn stacked) unless `combine` adds them into one.

use super::display::{format, palette, series_field, values_of};
use super::{HistogramSeries, HistogramView};
use crate::data::panel_data::Series;
use crate::grafana::model::Panel;

/// Grafana's default number of buckets when it picks the size.
const DEFAULT_BUCKET_COUNT: u32 = 30;

/// Buckets beyond this many are not drawn (a terminal has no room, and it bounds memory
/// against a tiny `bucketSize` over a wide range).
const MAX_BUCKETS: usize = 2_000;

/// `None` when there is no finite value to count.
pub fn build(panel: &Panel, series: &[Series]) -> Option<HistogramView> {
    let options = &panel.options;
    let field = &panel.field_config.defaults;
    let current: Vec<&Series> = series.iter().filter(|s| s.compare.is_none()).collect();
    let values: Vec<Vec<f64>> = current
        .iter()
        .map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .filter(|v| v.is_finite())
                .collect()
        })
        .collect();
    let mut all: Vec<f64> = values.iter().flatten().copied().collect();
    if all.is_empty() {
        return None;
    }
    all.sort_by(f64::total_cmp);
    let offset = options.bucket_offset.unwrap_or(0.0);
    let size = options
        .bucket_size
        .filter(|s| *s > 0.0 && s.is_finite())
        .unwrap_or_else(|| {
            auto_bucket_size(&all, options.bucket_count.unwrap_or(DEFAULT_BUCKET_COUNT))
        });
    let bucket_of = |v: f64| ((v - offset) / size).floor();
    let first = bucket_of(all[0]);
    let last = bucket_of(all[all.len() - 1]);
    let count = ((last - first) as usize + 1).min(MAX_BUCKETS);
    let mut out: Vec<HistogramSeries> = current
        .iter()
        .zip(&values)
        .enumerate()
        .map(|(index, (s, vs))| {
            let own = series_field(panel, s, &values_of(s));
            let mut counts = vec![0.0; count];
            for v in vs {
                let k = (bucket_of(*v) - first) as usize;
                if let Some(c) = counts.get_mut(k) {
                    *c += 1.0;
                }
            }
            HistogramSeries {
                name: own.display_name.clone().unwrap_or_else(|| s.name.clone()),
                color: palette(index),
                counts,
            }
        })
        .collect();
    if options.combine.unwrap_or(false) && out.len() > 1 {
        let mut total = vec![0.0; count];
        for s in &out {
            for (t, c) in total.iter_mut().zip(&s.counts) {
                *t += c;
            }
        }
        out = vec![HistogramSeries {
            name: "Count".into(),
            color: palette(0),
            counts: total,
        }];
    }
    let bucket_starts: Vec<f64> = (0..count)
        .map(|k| round9((first + k as f64) * size + offset))
        .collect();
    let max_count = (0..count)
        .map(|k| out.iter().map(|s| s.counts[k]).sum::<f64>())
        .fold(0.0, f64::max);
    let low = bucket_starts[0];
    let high = round9(low + count as f64 * size);
    let x_labels = vec![
        format(field, low),
        format(field, round9((low + high) / 2.0)),
        format(field, high),
    ];
    Some(HistogramView {
        bucket_starts,
        bucket_size: size,
        series: out,
        x_labels,
        max_count,
    })
}

/// Grafana's automatic bucket size for sorted values.
fn auto_bucket_size(sorted: &[f64], bucket_count: u32) -> f64 {
    let smallest_delta = if sorted.len() == 1 {
        1.0
    } else {
        sorted
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d != 0.0)
            .fold(f64::INFINITY, f64::min)
    };
    let range = sorted[sorted.len() - 1] - sorted[0];
    let target = range / f64::from(bucket_count.max(1));
    (-9..=9)
        .flat_map(|e| [1.0, 2.0, 2.5, 5.0].map(|m| m * 10f64.powi(e)))
        .find(|size| target < *size && *size >= smallest_delta)
        // Every value equal: one bucket of size one, as a single value gets.
        .unwrap_or(1.0)
}

/// Bucket bounds rounded to 9 decimals as Grafana rounds them (0.1 * 3 is 0.3, not 0.30000…4).
fn round9(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> Series {
        Series {
            ref_id: "A".into(),
            name: "latency".into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| (i as i64 * 1000, *v))
                .collect(),
            ..Series::default()
        }
    }

    #[test]
    fn automatic_size_is_a_nice_step_over_thirty_buckets() {
        // Range 100 / 30 = 3.33 → the first nice size above it is 5.
        let values: Vec<f64> = (0..=100).map(f64::from).collect();
        assert_eq!(auto_bucket_size(&values, 30), 5.0);
        // Never smaller than the gap between distinct values.
        assert_eq!(auto_bucket_size(&[0.0, 10.0, 20.0], 30), 10.0);
        assert_eq!(auto_bucket_size(&[7.0], 30), 1.0);
    }

    #[test]
    fn values_fall_into_buckets_with_size_and_offset() {
        let mut panel = Panel::default();
        panel.options.bucket_size = Some(10.0);
        panel.options.bucket_offset = Some(5.0);
        let view = build(&panel, &[series(&[5.0, 14.9, 15.0, 40.0, f64::NAN])]).unwrap();
        assert_eq!(view.bucket_starts, [5.0, 15.0, 25.0, 35.0]);
        assert_eq!(view.series[0].counts, [2.0, 1.0, 0.0, 1.0]);
        assert_eq!(view.max_count, 2.0);
        assert_eq!(view.x_labels.first().map(String::as_str), Some("5"));
        assert_eq!(view.x_labels.last().map(String::as_str), Some("45"));
        assert!(build(&panel, &[series(&[f64::NAN])]).is_none());
    }

    #[test]
    fn combine_adds_series_into_one() {
        let mut panel = Panel::default();
        panel.options.bucket_size = Some(1.0);
        panel.options.combine = Some(true);
        let view = build(&panel, &[series(&[1.0, 2.0]), series(&[1.5])]).unwrap();
        assert_eq!(view.series.len(), 1);
        assert_eq!(view.series[0].counts, [2.0, 1.0]);
    }
}
