//! Reducers ("calcs"): one number from a series, as Grafana's stat, gauge, bar gauge and legend
//! do it.
//!
//! Source: grafana-data `transformations/fieldReducer.ts` (`doStandardCalcs`, the per-reducer
//! functions, the registry names and aliases). Grafana's default null mode is Ignore: nulls are
//! skipped everywhere (also by `count`); NaN counts in `count` but not in sum/min/max/mean.

/// A Grafana reducer id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reducer {
    LastNotNull,
    Last,
    FirstNotNull,
    First,
    Min,
    Max,
    Mean,
    Median,
    Variance,
    StdDev,
    Sum,
    Count,
    CountAll,
    Range,
    Delta,
    Step,
    Diff,
    DiffPerc,
    LogMin,
    AllIsZero,
    AllIsNull,
    ChangeCount,
    DistinctCount,
    /// Every value, nulls included (a list, not a number: see [`reduce_to_list`]).
    AllValues,
    /// Every distinct value in order of first appearance (a list: see [`reduce_to_list`]).
    UniqueValues,
    /// `p1` … `p99`.
    Percentile(u8),
}

impl Reducer {
    /// Parse a reducer id or one of its aliases (`current`, `avg`, `total`).
    pub fn parse(id: &str) -> Option<Reducer> {
        Some(match id {
            "lastNotNull" | "current" => Reducer::LastNotNull,
            "last" => Reducer::Last,
            "firstNotNull" => Reducer::FirstNotNull,
            "first" => Reducer::First,
            "min" => Reducer::Min,
            "max" => Reducer::Max,
            "mean" | "avg" => Reducer::Mean,
            "median" => Reducer::Median,
            "variance" => Reducer::Variance,
            "stdDev" => Reducer::StdDev,
            "sum" | "total" => Reducer::Sum,
            "count" => Reducer::Count,
            "countAll" => Reducer::CountAll,
            "range" => Reducer::Range,
            "delta" => Reducer::Delta,
            "step" => Reducer::Step,
            "diff" => Reducer::Diff,
            "diffperc" => Reducer::DiffPerc,
            "logmin" => Reducer::LogMin,
            "allIsZero" => Reducer::AllIsZero,
            "allIsNull" => Reducer::AllIsNull,
            "changeCount" => Reducer::ChangeCount,
            "distinctCount" => Reducer::DistinctCount,
            "allValues" => Reducer::AllValues,
            "uniqueValues" => Reducer::UniqueValues,
            p if p.starts_with('p') => {
                let n: u8 = p[1..].parse().ok()?;
                if !(1..=99).contains(&n) || p[1..].starts_with('0') {
                    return None;
                }
                Reducer::Percentile(n)
            }
            _ => return None,
        })
    }

    /// The canonical id.
    pub fn id(self) -> String {
        match self {
            Reducer::LastNotNull => "lastNotNull",
            Reducer::Last => "last",
            Reducer::FirstNotNull => "firstNotNull",
            Reducer::First => "first",
            Reducer::Min => "min",
            Reducer::Max => "max",
            Reducer::Mean => "mean",
            Reducer::Median => "median",
            Reducer::Variance => "variance",
            Reducer::StdDev => "stdDev",
            Reducer::Sum => "sum",
            Reducer::Count => "count",
            Reducer::CountAll => "countAll",
            Reducer::Range => "range",
            Reducer::Delta => "delta",
            Reducer::Step => "step",
            Reducer::Diff => "diff",
            Reducer::DiffPerc => "diffperc",
            Reducer::LogMin => "logmin",
            Reducer::AllIsZero => "allIsZero",
            Reducer::AllIsNull => "allIsNull",
            Reducer::ChangeCount => "changeCount",
            Reducer::DistinctCount => "distinctCount",
            Reducer::AllValues => "allValues",
            Reducer::UniqueValues => "uniqueValues",
            Reducer::Percentile(n) => return format!("p{n}"),
        }
        .to_string()
    }

    /// The name Grafana shows (legend table headers, stat names): `Last *`, `Mean`, `Total`, ...
    pub fn display_name(self) -> String {
        match self {
            Reducer::LastNotNull => "Last *",
            Reducer::Last => "Last",
            Reducer::FirstNotNull => "First *",
            Reducer::First => "First",
            Reducer::Min => "Min",
            Reducer::Max => "Max",
            Reducer::Mean => "Mean",
            Reducer::Median => "Median",
            Reducer::Variance => "Variance",
            Reducer::StdDev => "StdDev",
            Reducer::Sum => "Total",
            Reducer::Count => "Count",
            Reducer::CountAll => "Count all",
            Reducer::Range => "Range",
            Reducer::Delta => "Delta",
            Reducer::Step => "Step",
            Reducer::Diff => "Difference",
            Reducer::DiffPerc => "Difference percent",
            Reducer::LogMin => "Min (above zero)",
            Reducer::AllIsZero => "All Zeros",
            Reducer::AllIsNull => "All Nulls",
            Reducer::ChangeCount => "Change Count",
            Reducer::DistinctCount => "Distinct Count",
            Reducer::AllValues => "All values",
            Reducer::UniqueValues => "All unique values",
            Reducer::Percentile(n) => return format!("{n}{} %", ordinal_suffix(n)),
        }
        .to_string()
    }

    /// Whether the result keeps the field's unit (counts and booleans do not).
    pub fn preserves_units(self) -> bool {
        !matches!(
            self,
            Reducer::Count
                | Reducer::CountAll
                | Reducer::AllIsNull
                | Reducer::ChangeCount
                | Reducer::DistinctCount
                | Reducer::DiffPerc
                | Reducer::AllValues
                | Reducer::UniqueValues
        )
    }
}

fn ordinal_suffix(n: u8) -> &'static str {
    if n > 3 && n < 21 {
        "th"
    } else {
        match n % 10 {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        }
    }
}

/// Display name for a calc id as written in a dashboard (unknown ids shown as written).
pub fn display_name(calc: &str) -> String {
    Reducer::parse(calc).map_or_else(|| calc.to_string(), Reducer::display_name)
}

/// Reduce with a calc id (aliases accepted). Unknown ids give `None`. Booleans are 1/0.
pub fn reduce(calc: &str, values: &[Option<f64>]) -> Option<f64> {
    Reducer::parse(calc).and_then(|r| reduce_with(r, values))
}

/// The list reducers (`allValues`, `uniqueValues`); `None` for the others. `uniqueValues` is a
/// JavaScript `Set`: NaN is one value, -0 equals 0, null is a value too.
/// An empty series has no list (Grafana's `emptyInputResult` is unset for both).
pub fn reduce_to_list(reducer: Reducer, values: &[Option<f64>]) -> Option<Vec<Option<f64>>> {
    if values.is_empty() {
        return None;
    }
    match reducer {
        Reducer::AllValues => Some(values.to_vec()),
        Reducer::UniqueValues => {
            let mut seen: Vec<Option<u64>> = Vec::new();
            let mut out = Vec::new();
            for v in values {
                let key = v.map(same_value_zero_key);
                if !seen.contains(&key) {
                    seen.push(key);
                    out.push(*v);
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// Reduce with a parsed reducer (`None` for the list reducers, see [`reduce_to_list`]).
pub fn reduce_with(reducer: Reducer, values: &[Option<f64>]) -> Option<f64> {
    if values.is_empty() {
        // emptyInputResult: sum/count 0, allIsZero false, allIsNull true, the rest null.
        return match reducer {
            Reducer::Sum | Reducer::Count | Reducer::CountAll => Some(0.0),
            Reducer::AllIsZero => Some(0.0),
            Reducer::AllIsNull => Some(1.0),
            _ => None,
        };
    }
    match reducer {
        Reducer::Last => values.last().copied().flatten(),
        Reducer::First => values.first().copied().flatten(),
        Reducer::LastNotNull => values.iter().rev().flatten().copied().find(|v| !v.is_nan()),
        Reducer::FirstNotNull => values.iter().flatten().copied().find(|v| !v.is_nan()),
        Reducer::CountAll => Some(values.len() as f64),
        Reducer::ChangeCount => Some(change_count(values) as f64),
        Reducer::DistinctCount => Some(distinct_count(values) as f64),
        Reducer::Median => median(values),
        Reducer::Variance => Some(variance(values)),
        Reducer::StdDev => Some(variance(values).sqrt()),
        Reducer::Percentile(n) => percentile(values, f64::from(n) / 100.0),
        Reducer::AllValues | Reducer::UniqueValues => None,
        standard => standard_calcs(values).get(standard),
    }
}

/// The single-pass statistics of `doStandardCalcs`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StandardCalcs {
    pub sum: f64,
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub logmin: Option<f64>,
    pub mean: Option<f64>,
    pub first: Option<f64>,
    pub last: Option<f64>,
    pub first_not_null: Option<f64>,
    pub last_not_null: Option<f64>,
    pub count: usize,
    pub non_null_count: usize,
    pub all_is_null: bool,
    pub all_is_zero: bool,
    pub range: Option<f64>,
    pub diff: Option<f64>,
    pub diffperc: Option<f64>,
    pub delta: f64,
    pub step: Option<f64>,
}

impl StandardCalcs {
    /// The value of one of the standard reducers (`None` for the non-standard ones).
    pub fn get(&self, r: Reducer) -> Option<f64> {
        match r {
            Reducer::Sum => Some(self.sum),
            Reducer::Max => self.max,
            Reducer::Min => self.min,
            Reducer::LogMin => self.logmin,
            Reducer::Mean => self.mean,
            Reducer::First => self.first,
            Reducer::Last => self.last,
            Reducer::FirstNotNull => self.first_not_null,
            Reducer::LastNotNull => self.last_not_null,
            Reducer::Count => Some(self.count as f64),
            Reducer::AllIsNull => Some(if self.all_is_null { 1.0 } else { 0.0 }),
            Reducer::AllIsZero => Some(if self.all_is_zero { 1.0 } else { 0.0 }),
            Reducer::Range => self.range,
            Reducer::Diff => self.diff,
            Reducer::DiffPerc => self.diffperc,
            Reducer::Delta => Some(self.delta),
            Reducer::Step => self.step,
            _ => None,
        }
    }
}

/// `doStandardCalcs` with Grafana's default null mode (Ignore).
pub fn standard_calcs(values: &[Option<f64>]) -> StandardCalcs {
    let mut c = StandardCalcs {
        all_is_null: true,
        all_is_zero: true,
        ..StandardCalcs::default()
    };
    let mut max = -f64::MAX;
    let mut min = f64::MAX;
    let mut logmin = f64::MAX;
    let mut step = f64::MAX;
    let mut previous_delta_up = true;
    for (i, v) in values.iter().enumerate() {
        if i == 0 {
            c.first = *v;
        }
        c.last = *v;
        let Some(v) = *v else {
            continue;
        };
        c.count += 1;
        if v.is_nan() {
            continue;
        }
        let is_first = c.first_not_null.is_none();
        if is_first {
            c.first_not_null = Some(v);
        }
        c.sum += v;
        c.all_is_null = false;
        c.non_null_count += 1;
        if let (false, Some(prev)) = (is_first, c.last_not_null) {
            let s = v - prev;
            if step > s {
                step = s;
            }
            if prev > v {
                // Counter reset: the drop itself is not counted.
                previous_delta_up = false;
            } else {
                if previous_delta_up {
                    c.delta += s;
                }
                previous_delta_up = true;
            }
        }
        if v > max {
            max = v;
        }
        if v < min {
            min = v;
        }
        if v < logmin && v > 0.0 {
            logmin = v;
        }
        if v != 0.0 {
            c.all_is_zero = false;
        }
        c.last_not_null = Some(v);
    }
    c.max = (max != -f64::MAX).then_some(max);
    c.min = (min != f64::MAX).then_some(min);
    // fieldReducer.ts never turns an unset logmin back into null: it stays Number.MAX_VALUE.
    c.logmin = Some(logmin);
    c.step = (step != f64::MAX).then_some(step);
    if c.non_null_count > 0 {
        c.mean = Some(c.sum / c.non_null_count as f64);
    }
    if c.all_is_null {
        c.all_is_zero = false;
    }
    if let (Some(mx), Some(mn)) = (c.max, c.min) {
        c.range = Some(mx - mn);
    }
    if let (Some(f), Some(l)) = (c.first_not_null, c.last_not_null) {
        c.diff = Some(l - f);
        c.diffperc = Some((l - f) / f * 100.0);
    } else {
        // defaultCalcs starts diffperc at 0.
        c.diffperc = Some(0.0);
    }
    c
}

/// `calculateChangeCount` (nulls ignored; NaN never equals itself, as in JavaScript).
fn change_count(values: &[Option<f64>]) -> usize {
    let mut count = 0;
    let mut last: Option<f64> = None;
    for v in values.iter().flatten() {
        if let Some(prev) = last
            && prev != *v
        {
            count += 1;
        }
        last = Some(*v);
    }
    count
}

/// `calculateDistinctCount` (a JS Set: NaN is one value, -0 equals 0).
fn distinct_count(values: &[Option<f64>]) -> usize {
    let mut seen: Vec<u64> = Vec::new();
    for v in values.iter().flatten() {
        let key = same_value_zero_key(*v);
        if !seen.contains(&key) {
            seen.push(key);
        }
    }
    seen.len()
}

/// A key equal for numbers a JavaScript `Set` takes as one (SameValueZero).
fn same_value_zero_key(v: f64) -> u64 {
    if v.is_nan() {
        f64::NAN.to_bits()
    } else if v == 0.0 {
        0f64.to_bits()
    } else {
        v.to_bits()
    }
}

fn sorted_numbers(values: &[Option<f64>]) -> Vec<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|x| !x.is_nan())
        .collect();
    v.sort_by(f64::total_cmp);
    v
}

/// `calculateMedian` (fieldReducer.ts). Called with a non-empty series: one of only nulls (or
/// NaN) is NaN there, the mean of two missing middles.
fn median(values: &[Option<f64>]) -> Option<f64> {
    let n = sorted_numbers(values);
    if n.is_empty() {
        return Some(f64::NAN);
    }
    let mid = n.len() / 2;
    Some(if n.len().is_multiple_of(2) {
        (n[mid - 1] + n[mid]) / 2.0
    } else {
        n[mid]
    })
}

/// `calculatePercentile`: nearest rank, index = round((n - 1) * p).
fn percentile(values: &[Option<f64>], p: f64) -> Option<f64> {
    let n = sorted_numbers(values);
    if n.is_empty() {
        return None;
    }
    let idx = ((n.len() - 1) as f64 * p + 0.5).floor() as usize;
    n.get(idx.min(n.len() - 1)).copied()
}

/// Population variance with Welford's running mean, as `calculateStdDev`.
fn variance(values: &[Option<f64>]) -> f64 {
    let mut square_sum = 0.0;
    let mut mean = 0.0;
    let mut n = 0.0;
    for v in values.iter().flatten() {
        n += 1.0;
        let old = mean;
        mean += (v - old) / n;
        square_sum += (v - old) * (v - mean);
    }
    if n > 0.0 { square_sum / n } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[f64]) -> Vec<Option<f64>> {
        v.iter().map(|x| Some(*x)).collect()
    }

    #[test]
    fn ids_and_aliases() {
        assert_eq!(Reducer::parse("current"), Some(Reducer::LastNotNull));
        assert_eq!(Reducer::parse("avg"), Some(Reducer::Mean));
        assert_eq!(Reducer::parse("total"), Some(Reducer::Sum));
        assert_eq!(Reducer::parse("p95"), Some(Reducer::Percentile(95)));
        assert_eq!(Reducer::parse("p100"), None);
        assert_eq!(Reducer::parse("p0"), None);
        assert_eq!(Reducer::parse("nope"), None);
        assert_eq!(Reducer::Percentile(5).id(), "p5");
    }

    // Names as Grafana's legend shows them.
    #[test]
    fn display_names() {
        assert_eq!(display_name("lastNotNull"), "Last *");
        assert_eq!(display_name("mean"), "Mean");
        assert_eq!(display_name("sum"), "Total");
        assert_eq!(display_name("max"), "Max");
        assert_eq!(display_name("firstNotNull"), "First *");
        assert_eq!(display_name("p95"), "95th %");
        assert_eq!(display_name("p1"), "1st %");
        assert_eq!(display_name("p12"), "12th %");
        assert_eq!(display_name("p22"), "22nd %");
        assert_eq!(display_name("weird"), "weird");
    }

    #[test]
    fn basic_reducers() {
        let v = s(&[3.0, 1.0, 4.0, 1.0, 5.0]);
        assert_eq!(reduce("min", &v), Some(1.0));
        assert_eq!(reduce("max", &v), Some(5.0));
        assert_eq!(reduce("sum", &v), Some(14.0));
        assert_eq!(reduce("mean", &v), Some(2.8));
        assert_eq!(reduce("count", &v), Some(5.0));
        assert_eq!(reduce("range", &v), Some(4.0));
        assert_eq!(reduce("first", &v), Some(3.0));
        assert_eq!(reduce("last", &v), Some(5.0));
        assert_eq!(reduce("diff", &v), Some(2.0));
        assert_eq!(reduce("median", &v), Some(3.0));
        // step = smallest difference between consecutive values (may be negative)
        assert_eq!(reduce("step", &v), Some(-3.0));
    }

    // Nulls are ignored (default null mode); last is the raw last value.
    #[test]
    fn nulls() {
        let v = vec![Some(1.0), None, Some(3.0), None];
        assert_eq!(reduce("last", &v), None);
        assert_eq!(reduce("lastNotNull", &v), Some(3.0));
        assert_eq!(reduce("first", &[None, Some(2.0)]), None);
        assert_eq!(reduce("firstNotNull", &[None, Some(2.0)]), Some(2.0));
        assert_eq!(reduce("count", &v), Some(2.0));
        assert_eq!(reduce("countAll", &v), Some(4.0));
        assert_eq!(reduce("mean", &v), Some(2.0));
        assert_eq!(reduce("allIsNull", &[None, None]), Some(1.0));
        assert_eq!(reduce("allIsZero", &[None, None]), Some(0.0));
        assert_eq!(reduce("max", &[None]), None);
    }

    // NaN: counted by count, skipped by sum/mean/max, skipped by lastNotNull.
    #[test]
    fn nan_values() {
        let v = s(&[1.0, f64::NAN, 3.0, f64::NAN]);
        assert_eq!(reduce("count", &v), Some(4.0));
        assert_eq!(reduce("sum", &v), Some(4.0));
        assert_eq!(reduce("mean", &v), Some(2.0));
        assert_eq!(reduce("max", &v), Some(3.0));
        assert_eq!(reduce("lastNotNull", &v), Some(3.0));
        assert!(reduce("last", &v).is_some_and(f64::is_nan));
    }

    // Empty input: sum/count 0, allIsNull true, others null.
    #[test]
    fn empty_input() {
        assert_eq!(reduce("sum", &[]), Some(0.0));
        assert_eq!(reduce("count", &[]), Some(0.0));
        assert_eq!(reduce("allIsNull", &[]), Some(1.0));
        assert_eq!(reduce("allIsZero", &[]), Some(0.0));
        assert_eq!(reduce("mean", &[]), None);
        assert_eq!(reduce("lastNotNull", &[]), None);
        assert_eq!(reduce("delta", &[]), None);
    }

    // delta: sum of increases; a drop (counter reset) and the first rise after it are not added.
    #[test]
    fn delta_with_counter_reset() {
        assert_eq!(reduce("delta", &s(&[1.0, 2.0, 4.0])), Some(3.0));
        assert_eq!(
            reduce("delta", &s(&[10.0, 20.0, 5.0, 8.0, 10.0])),
            Some(12.0)
        );
        assert_eq!(reduce("delta", &s(&[5.0, 5.0])), Some(0.0));
    }

    #[test]
    fn diffperc_and_logmin() {
        assert_eq!(reduce("diffperc", &s(&[50.0, 75.0])), Some(50.0));
        assert_eq!(reduce("logmin", &s(&[0.0, -1.0, 0.5, 2.0])), Some(0.5));
        // Grafana leaves an unset logmin at Number.MAX_VALUE.
        assert_eq!(reduce("logmin", &s(&[0.0, -1.0])), Some(f64::MAX));
    }

    #[test]
    fn all_is_zero() {
        assert_eq!(reduce("allIsZero", &s(&[0.0, 0.0])), Some(1.0));
        assert_eq!(reduce("allIsZero", &s(&[0.0, 1.0])), Some(0.0));
        assert_eq!(reduce("allIsNull", &s(&[0.0])), Some(0.0));
    }

    #[test]
    fn change_and_distinct_counts() {
        let v = vec![Some(1.0), Some(1.0), None, Some(2.0), Some(1.0)];
        assert_eq!(reduce("changeCount", &v), Some(2.0));
        assert_eq!(reduce("distinctCount", &v), Some(2.0));
    }

    // median averages the middle pair; pNN picks index round((n-1) * p).
    #[test]
    fn median_and_percentiles() {
        let v = s(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(reduce("median", &v), Some(2.5));
        let hundred: Vec<Option<f64>> = (1..=100).map(|i| Some(f64::from(i))).collect();
        assert_eq!(reduce("p95", &hundred), Some(95.0));
        assert_eq!(reduce("p50", &hundred), Some(51.0));
        assert_eq!(reduce("p1", &hundred), Some(2.0));
    }

    // variance is the population variance; stdDev its square root.
    #[test]
    fn variance_and_std_dev() {
        let v = s(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(reduce("variance", &v), Some(4.0));
        assert_eq!(reduce("stdDev", &v), Some(2.0));
    }

    #[test]
    fn units_preserved() {
        assert!(Reducer::Mean.preserves_units());
        assert!(!Reducer::Count.preserves_units());
    }
}
