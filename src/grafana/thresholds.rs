//! Threshold steps: which step a value falls in (absolute or percentage mode), with its index
//! so callers can show the state as text as well as colour.
//!
//! Sources: grafana-data `field/thresholds.ts` (`getActiveThreshold`: steps in JSON order) and
//! `field/scale.ts` (`getScaleCalculator`, `getMinMaxAndDelta`, percentage mode).

use super::colors::{self, Rgb, Theme};
use super::model::{ThresholdStep, Thresholds, ThresholdsMode};

/// The step a value falls in.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveStep {
    /// Index into `Thresholds::steps` as given.
    pub index: usize,
    /// Position in the walk (0 = base step), useful as a severity level; the same as `index`
    /// since Grafana walks the steps as listed.
    pub rank: usize,
    /// The step's lower bound (`None` = −∞, the base step).
    pub value: Option<f64>,
    pub color: String,
}

impl ActiveStep {
    pub fn rgb(&self, theme: Theme) -> Rgb {
        colors::resolve_rgb(&self.color, theme)
    }
}

/// Percent of `value` between `min` and `max` as Grafana's scale computes it (NaN → 0).
pub fn percent_of(value: f64, min: f64, max: f64) -> f64 {
    if value == f64::NEG_INFINITY {
        return 0.0;
    }
    let p = (value - min) / (max - min);
    if p.is_nan() { 0.0 } else { p }
}

/// The min/max a field scales against: configured values win, else the data's min/max, else
/// 0..100 when there is no data.
pub fn scale_range(
    config_min: Option<f64>,
    config_max: Option<f64>,
    data: &[Option<f64>],
) -> (f64, f64) {
    if let (Some(mn), Some(mx)) = (config_min, config_max) {
        return (mn, mx);
    }
    if data.is_empty() {
        return (config_min.unwrap_or(0.0), config_max.unwrap_or(100.0));
    }
    let finite = data.iter().flatten().copied().filter(|v| !v.is_nan());
    let (mut lo, mut hi) = (f64::MAX, -f64::MAX);
    for v in finite {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let data_min = (lo != f64::MAX).then_some(lo);
    let data_max = (hi != -f64::MAX).then_some(hi);
    (
        config_min.or(data_min).unwrap_or(f64::NAN),
        config_max.or(data_max).unwrap_or(f64::NAN),
    )
}

/// `getActiveThreshold`: steps are walked in the order the dashboard lists them (Grafana does
/// not sort them; only a `null` first step becomes −∞, in `setFieldConfigDefaults` of
/// `field/fieldOverrides.ts`), keeping the last one whose value is <= the compared value and
/// stopping at the first that is not. A `null` value further down compares as JavaScript's
/// `null`, i.e. 0. In percentage mode the compared value is `percent * 100` between `min` and
/// `max`. `None` when there are no steps (Grafana then uses its fallback gray).
pub fn active_step(value: f64, thresholds: &Thresholds, min: f64, max: f64) -> Option<ActiveStep> {
    let compared = match thresholds.mode {
        ThresholdsMode::Absolute => value,
        ThresholdsMode::Percentage => percent_of(value, min, max) * 100.0,
    };
    let first = thresholds.steps.first()?;
    let mut active = (0usize, first);
    for (index, step) in thresholds.steps.iter().enumerate() {
        let bound = match (index, step.value) {
            (0, None) => f64::NEG_INFINITY,
            (_, v) => v.unwrap_or(0.0),
        };
        if compared >= bound {
            active = (index, step);
        } else {
            break;
        }
    }
    let (index, step) = active;
    Some(ActiveStep {
        index,
        rank: index,
        value: if index == 0 { None } else { step.value },
        color: step.color.clone(),
    })
}

/// Colour for a value by thresholds, or the fallback gray without steps.
pub fn threshold_color(
    value: f64,
    thresholds: &Thresholds,
    min: f64,
    max: f64,
    theme: Theme,
) -> Rgb {
    active_step(value, thresholds, min, max).map_or(colors::FALLBACK, |s| s.rgb(theme))
}

/// Grafana's default thresholds for new panels: green base, red from 80.
pub fn default_thresholds() -> Thresholds {
    Thresholds {
        mode: ThresholdsMode::Absolute,
        steps: vec![
            ThresholdStep {
                value: None,
                color: "green".into(),
            },
            ThresholdStep {
                value: Some(80.0),
                color: "red".into(),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn th(mode: ThresholdsMode, steps: &[(Option<f64>, &str)]) -> Thresholds {
        Thresholds {
            mode,
            steps: steps
                .iter()
                .map(|(v, c)| ThresholdStep {
                    value: *v,
                    color: c.to_string(),
                })
                .collect(),
        }
    }

    fn abs3() -> Thresholds {
        th(
            ThresholdsMode::Absolute,
            &[(None, "green"), (Some(70.0), "orange"), (Some(90.0), "red")],
        )
    }

    // Last step with value <= v; the boundary value belongs to the upper step.
    #[test]
    fn absolute_steps() {
        let t = abs3();
        let color = |v| active_step(v, &t, 0.0, 100.0).map(|s| s.color);
        assert_eq!(color(10.0).as_deref(), Some("green"));
        assert_eq!(color(70.0).as_deref(), Some("orange"));
        assert_eq!(color(89.9).as_deref(), Some("orange"));
        assert_eq!(color(90.0).as_deref(), Some("red"));
        assert_eq!(color(-1e9).as_deref(), Some("green"));
    }

    #[test]
    fn step_index_and_rank() {
        let s = active_step(95.0, &abs3(), 0.0, 100.0);
        assert_eq!(
            s.as_ref().map(|s| (s.index, s.rank, s.value)),
            Some((2, 2, Some(90.0)))
        );
        let base = active_step(1.0, &abs3(), 0.0, 100.0);
        assert_eq!(base.map(|s| (s.index, s.value)), Some((0, None)));
    }

    // Grafana walks steps as listed (field/thresholds.ts getActiveThreshold) and stops at the
    // first step above the value: out-of-order steps are not sorted.
    #[test]
    fn steps_are_walked_in_json_order() {
        let t = th(
            ThresholdsMode::Absolute,
            &[(None, "green"), (Some(90.0), "red"), (Some(70.0), "orange")],
        );
        let color = |v| active_step(v, &t, 0.0, 100.0).map(|s| (s.index, s.color));
        // 80 < 90: the walk stops before reaching the 70 step.
        assert_eq!(color(80.0), Some((0, "green".to_string())));
        // 95 passes 90 and 70: the last passed step (orange) wins.
        assert_eq!(color(95.0), Some((2, "orange".to_string())));
        // Only the first step is forced to -Infinity: a base step listed last is not the base.
        let t = th(
            ThresholdsMode::Absolute,
            &[(Some(90.0), "red"), (Some(70.0), "orange"), (None, "green")],
        );
        let color = |v| active_step(v, &t, 0.0, 100.0).map(|s| s.color);
        assert_eq!(color(10.0).as_deref(), Some("red"));
        // 95 passes 90 and 70; the trailing null compares as 0, so it is passed too.
        assert_eq!(color(95.0).as_deref(), Some("green"));
        assert_eq!(color(-5.0).as_deref(), Some("red"));
    }

    // Percentage mode compares (v - min) / (max - min) * 100.
    #[test]
    fn percentage_mode() {
        let t = th(
            ThresholdsMode::Percentage,
            &[(None, "green"), (Some(50.0), "red")],
        );
        let color = |v, min, max| active_step(v, &t, min, max).map(|s| s.color);
        assert_eq!(color(40.0, 0.0, 200.0).as_deref(), Some("green"));
        assert_eq!(color(100.0, 0.0, 200.0).as_deref(), Some("red"));
        assert_eq!(color(0.75, 0.5, 1.0).as_deref(), Some("red"));
        // min == max -> NaN percent -> 0 -> base step
        assert_eq!(color(5.0, 5.0, 5.0).as_deref(), Some("green"));
    }

    // NaN compares false with every step: the base step.
    #[test]
    fn nan_is_base_step() {
        assert_eq!(
            active_step(f64::NAN, &abs3(), 0.0, 100.0).map(|s| s.index),
            Some(0)
        );
    }

    #[test]
    fn no_steps_fallback() {
        let t = th(ThresholdsMode::Absolute, &[]);
        assert!(active_step(1.0, &t, 0.0, 1.0).is_none());
        assert_eq!(
            threshold_color(1.0, &t, 0.0, 1.0, Theme::Dark),
            colors::FALLBACK
        );
        assert_eq!(
            threshold_color(95.0, &abs3(), 0.0, 100.0, Theme::Dark),
            Rgb(0xF2, 0x49, 0x5C)
        );
    }

    #[test]
    fn scale_ranges() {
        let data = [Some(2.0), None, Some(8.0), Some(f64::NAN)];
        assert_eq!(scale_range(None, None, &data), (2.0, 8.0));
        assert_eq!(scale_range(Some(0.0), None, &data), (0.0, 8.0));
        assert_eq!(scale_range(Some(0.0), Some(1.0), &data), (0.0, 1.0));
        assert_eq!(scale_range(None, None, &[]), (0.0, 100.0));
        assert_eq!(percent_of(5.0, 0.0, 10.0), 0.5);
        assert_eq!(percent_of(f64::NEG_INFINITY, 0.0, 10.0), 0.0);
    }

    #[test]
    fn defaults() {
        let t = default_thresholds();
        assert_eq!(
            active_step(80.0, &t, 0.0, 100.0)
                .map(|s| s.color)
                .as_deref(),
            Some("red")
        );
    }
}
