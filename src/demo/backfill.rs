//! History for `promtool tsdb create-blocks-from openmetrics`, generated from the same world as the
//! live exporter.
//!
//! Raw series: the last [`RAW_HISTORY_SECONDS`], at the 15 s scrape resolution for the last
//! [`RAW_FINE_SECONDS`] and at 30 s before (still two samples in every 1-minute `rate` window,
//! at half the backfill time). SLO series (`slo:*`, the outputs of
//! `provisioning/prometheus/rules`): 30 days at 5-minute resolution for the few series 30-day
//! panels and long rule windows read, and 1-minute resolution for all of them over the raw window.
//! The SLO values are computed the way the rules compute them (error ratios over 5 m, then plain
//! averages of the 5 m ratio over long windows), so the first rule evaluations continue the
//! history smoothly. The time-derived counters (`inference_gateway_deployments_total`,
//! `cloud_billing_cost_dollars_total`, `ml_platform_incident_duration_seconds_*`; never reset)
//! also get 30 days at 15-minute resolution for the delivery and business panels.

use std::collections::HashMap;
use std::io::{self, Write};

use super::openmetrics::{Encoder, Format};
use super::world::FAMILIES;
use super::world::{
    BILLING_FAMILY, DEPLOYMENTS_FAMILY, ENDPOINTS, HEALTHZ, INCIDENTS_FAMILY, INSTANCES, JOB,
    LATENCY_BUCKETS, MetricKind, SERVICE, SeriesDef, SloTick, TICK_SECONDS, World, WorldState,
    add_slo_increments,
};

/// Raw history length (6 h dashboards plus the longest rate window they use).
pub const RAW_HISTORY_SECONDS: i64 = 6 * 3600 + 15 * 60;
/// SLO history length.
pub const SLO_HISTORY_SECONDS: i64 = 30 * 86_400;
/// Resolution of old SLO samples (Prometheus' 5-minute lookback still finds one at every step).
pub const SLO_COARSE_STEP_SECONDS: i64 = 300;
/// Resolution of recent SLO samples.
pub const SLO_FINE_STEP_SECONDS: i64 = 60;
/// Raw families derived from time alone (never reset), given 30 days of history for the 30-day
/// panels: deploys, cloud spend, resolved incidents.
const LONG_HISTORY_FAMILIES: [usize; 3] = [DEPLOYMENTS_FAMILY, BILLING_FAMILY, INCIDENTS_FAMILY];
/// Resolution of the 30 days of deploy counters before the raw window.
pub const DEPLOY_HISTORY_STEP_SECONDS: i64 = 900;
/// The availability objective the error budget is measured against.
pub const SLO_OBJECTIVE: f64 = 0.995;

/// Long windows averaged from the 5 m error ratio, as the rules do.
const LONG_WINDOWS: [(&str, i64); 5] = [
    ("2h", 2 * 3600),
    ("6h", 6 * 3600),
    ("1d", 86_400),
    ("3d", 3 * 86_400),
    ("30d", 30 * 86_400),
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryStats {
    pub series: usize,
    pub samples: usize,
    pub bytes: u64,
}

/// The (environment, cluster) pairs of the fleet, in first-seen order.
pub fn slo_label_sets() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for i in INSTANCES {
        if !out.contains(&(i.environment, i.cluster)) {
            out.push((i.environment, i.cluster));
        }
    }
    out
}

fn slo_set_of(instance: usize, sets: &[(&str, &str)]) -> usize {
    let spec = &INSTANCES[instance];
    sets.iter()
        .position(|&(e, c)| e == spec.environment && c == spec.cluster)
        .unwrap_or(0)
}

/// Prometheus' `histogram_quantile` over cumulative bucket counts (last bound +Inf).
pub fn histogram_quantile(q: f64, bounds: &[f64], cumulative: &[f64]) -> f64 {
    let Some(&total) = cumulative.last() else {
        return f64::NAN;
    };
    if total <= 0.0 || cumulative.len() != bounds.len() + 1 {
        return f64::NAN;
    }
    let rank = q * total;
    let mut prev_count = 0.0;
    let mut prev_bound = 0.0;
    for (b, &count) in cumulative.iter().enumerate() {
        if count >= rank {
            let Some(&upper) = bounds.get(b) else {
                // Landed in +Inf: Prometheus answers the highest finite bound.
                return bounds.last().copied().unwrap_or(f64::NAN);
            };
            if count == prev_count {
                return upper;
            }
            return prev_bound + (upper - prev_bound) * (rank - prev_count) / (count - prev_count);
        }
        prev_count = count;
        prev_bound = bounds.get(b).copied().unwrap_or(prev_bound);
    }
    f64::NAN
}

/// Samples of one series, kept until the whole history is known (the format wants each series'
/// samples together, in time order).
#[derive(Debug)]
struct SeriesBuffer {
    family: String,
    kind: MetricKind,
    help: &'static str,
    name: String,
    labels: String,
    samples: Vec<(i64, f64)>,
}

/// SLO series of one label set: name → samples.
type SloSeries = Vec<(String, Vec<(i64, f64)>)>;

/// The generated history, ready to be written as one or more OpenMetrics files.
#[derive(Debug)]
pub struct History {
    /// Unix time of the last sample (a tick boundary).
    pub end: i64,
    /// Counters at the last tick; the live exporter continues from here.
    pub state: WorldState,
    /// Grouped by family.
    series: Vec<SeriesBuffer>,
}

/// Raw samples are kept at 15 s for this long before the end, at 30 s before that.
pub const RAW_FINE_SECONDS: i64 = 2 * 3600;

/// Generates the history ending at tick `end_tick` (inclusive).
pub fn generate_history(world: &World, end_tick: i64) -> History {
    generate_history_with_raw(world, end_tick, RAW_HISTORY_SECONDS)
}

/// Like [`generate_history`] with `raw_seconds` of raw series (tests use less).
pub fn generate_history_with_raw(world: &World, end_tick: i64, raw_seconds: i64) -> History {
    let sets = slo_label_sets();
    let start_tick = end_tick - raw_seconds / TICK_SECONDS;
    let fine_tick = end_tick - RAW_FINE_SECONDS / TICK_SECONDS;
    // SLO inputs start an hour before the raw window so its 1 h windows are full.
    let slo_start_tick = start_tick - 3600 / TICK_SECONDS;
    let mut slo_ticks: Vec<Vec<SloTick>> = (slo_start_tick..start_tick)
        .map(|tick| {
            let increments: Vec<Vec<f64>> = (0..INSTANCES.len())
                .map(|i| world.increments(i, tick))
                .collect();
            slo_row(&sets, &increments)
        })
        .collect();

    let mut state = world.state_at(start_tick);
    let mut raw = RawSeries::default();
    raw.add_deploy_history(world, &state, start_tick * TICK_SECONDS);
    for tick in start_tick..=end_tick {
        let increments = if tick == start_tick {
            (0..INSTANCES.len())
                .map(|i| world.increments(i, tick))
                .collect()
        } else {
            world.advance(&mut state)
        };
        slo_ticks.push(slo_row(&sets, &increments));
        // Every tick recently, every other tick before (30 s still gives rate(x[1m]) two points).
        if tick < fine_tick && (tick - start_tick) % 2 != 0 {
            continue;
        }
        raw.add_tick(world, &state, tick * TICK_SECONDS);
    }
    let mut series = raw.series;
    // Families in catalogue order, series in first-seen order within a family.
    let family_rank = |name: &str| FAMILIES.iter().position(|f| f.name == name);
    series.sort_by_key(|s| family_rank(&s.family));

    let slo = slo_history(world, &sets, &slo_ticks, slo_start_tick, end_tick);
    append_slo_series(&mut series, &sets, &slo);
    History {
        end: end_tick * TICK_SECONDS,
        state,
        series,
    }
}

/// One tick's SLO inputs per label set, from every instance's increments.
fn slo_row(sets: &[(&str, &str)], increments: &[Vec<f64>]) -> Vec<SloTick> {
    let mut row = vec![SloTick::default(); sets.len()];
    for (i, inc) in increments.iter().enumerate() {
        add_slo_increments(&mut row[slo_set_of(i, sets)], inc);
    }
    row
}

/// The raw series being collected, one buffer per (family, instance, series, version).
#[derive(Default)]
struct RawSeries {
    /// (family, instance, series, restart tick) → buffer; the restart tick stands for the
    /// version (-1 for series without one).
    index: HashMap<(usize, usize, usize, i64), usize>,
    series: Vec<SeriesBuffer>,
}

impl RawSeries {
    /// The time-derived counters (deploys, spend, incidents; never reset) get 30 days before the
    /// raw window, for the 30-day panels; deploys and incidents are hours apart, so a coarse step
    /// loses none.
    fn add_deploy_history(&mut self, world: &World, state: &WorldState, raw_start: i64) {
        let long_from = (raw_start - SLO_HISTORY_SECONDS - 3600)
            .div_euclid(DEPLOY_HISTORY_STEP_SECONDS)
            * DEPLOY_HISTORY_STEP_SECONDS;
        for (i, counters) in state.instances.iter().enumerate() {
            for (d, def) in world.catalogue(i).iter().enumerate() {
                if !LONG_HISTORY_FAMILIES.contains(&def.family) {
                    continue;
                }
                let samples = (0..)
                    .map(|n| long_from + n * DEPLOY_HISTORY_STEP_SECONDS)
                    .take_while(|&t| t < raw_start)
                    .map(|t| (t, world.series_value(i, def, t as f64, &counters.values)))
                    .collect();
                self.series
                    .push(raw_buffer(world, i, def, &counters.version, samples));
                self.index
                    .insert((def.family, i, d, -1), self.series.len() - 1);
            }
        }
    }

    /// Samples every series of the fleet at `t`, a new buffer for each new version of a series.
    fn add_tick(&mut self, world: &World, state: &WorldState, t: i64) {
        for (i, counters) in state.instances.iter().enumerate() {
            for (d, def) in world.catalogue(i).iter().enumerate() {
                let value = world.series_value(i, def, t as f64, &counters.values);
                let version = if def.versioned {
                    counters.restart_tick
                } else {
                    -1
                };
                let key = (def.family, i, d, version);
                let series = &mut self.series;
                let slot = *self.index.entry(key).or_insert_with(|| {
                    series.push(raw_buffer(world, i, def, &counters.version, Vec::new()));
                    series.len() - 1
                });
                self.series[slot].samples.push((t, value));
            }
        }
    }
}

/// A buffer for one raw series of `instance`.
fn raw_buffer(
    world: &World,
    instance: usize,
    def: &SeriesDef,
    version: &str,
    samples: Vec<(i64, f64)>,
) -> SeriesBuffer {
    let f = &FAMILIES[def.family];
    SeriesBuffer {
        family: f.name.to_string(),
        kind: f.kind,
        help: f.help,
        name: format!("{}{}", f.name, def.suffix),
        // The label a scrape adds, so live samples extend these series.
        labels: world.series_labels(instance, def, version).replacen(
            '{',
            &format!("{{job=\"{JOB}\","),
            1,
        ),
        samples,
    }
}

/// Appends the `slo:*` series after the raw ones: by name in first-seen order, then label set.
fn append_slo_series(series: &mut Vec<SeriesBuffer>, sets: &[(&str, &str)], slo: &[SloSeries]) {
    let mut names: Vec<String> = Vec::new();
    for per_set in slo {
        for (name, _) in per_set {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    for name in &names {
        for (set, per_set) in slo.iter().enumerate() {
            let (environment, cluster) = sets[set];
            for (n, samples) in per_set {
                if n == name {
                    series.push(SeriesBuffer {
                        family: name.clone(),
                        kind: MetricKind::Gauge,
                        help: "Recorded by provisioning/prometheus/rules.",
                        name: name.clone(),
                        labels: format!(
                            "{{service=\"{SERVICE}\",environment=\"{environment}\",cluster=\"{cluster}\"}}"
                        ),
                        samples: samples.clone(),
                    });
                }
            }
        }
    }
}

impl History {
    pub fn stats(&self) -> HistoryStats {
        HistoryStats {
            series: self.series.len(),
            samples: self.series.iter().map(|s| s.samples.len()).sum(),
            bytes: 0,
        }
    }

    /// Writes part `part` of `parts` as a complete OpenMetrics file. Parts are consecutive time
    /// ranges with about equal sample counts, so several promtool processes can share the work
    /// and their blocks do not overlap.
    pub fn write_part(&self, part: usize, parts: usize, out: &mut dyn Write) -> io::Result<u64> {
        let bounds = self.part_bounds(parts);
        let from = if part == 0 {
            i64::MIN
        } else {
            bounds[part - 1]
        };
        let to = bounds.get(part).copied().unwrap_or(i64::MAX);
        let mut counting = CountingWriter {
            inner: out,
            bytes: 0,
        };
        let mut enc = Encoder::new(&mut counting, Format::OpenMetrics);
        let mut last_family: Option<&str> = None;
        for series in &self.series {
            let lo = series.samples.partition_point(|&(t, _)| t < from);
            let hi = series.samples.partition_point(|&(t, _)| t < to);
            if lo == hi {
                continue;
            }
            if last_family != Some(series.family.as_str()) {
                last_family = Some(series.family.as_str());
                enc.family(&series.family, series.kind, series.help)?;
            }
            for &(t, v) in &series.samples[lo..hi] {
                enc.sample(&series.name, &series.labels, v, Some(t as f64), None)?;
            }
        }
        enc.finish()?;
        Ok(counting.bytes)
    }

    /// The `parts - 1` times that cut the samples into parts of about equal size.
    fn part_bounds(&self, parts: usize) -> Vec<i64> {
        let mut per_time: HashMap<i64, usize> = HashMap::new();
        for series in &self.series {
            for &(t, _) in &series.samples {
                *per_time.entry(t).or_default() += 1;
            }
        }
        let mut times: Vec<(i64, usize)> = per_time.into_iter().collect();
        times.sort_unstable();
        let total: usize = times.iter().map(|(_, n)| n).sum();
        let parts = parts.max(1);
        let mut bounds = Vec::with_capacity(parts - 1);
        let mut seen = 0;
        for &(t, n) in &times {
            if bounds.len() + 1 < parts && seen * parts >= total * (bounds.len() + 1) {
                bounds.push(t);
            }
            seen += n;
        }
        bounds
    }
}

/// Generates the history and writes it as one file; returns the state at the end.
pub fn write_history(
    world: &World,
    end_tick: i64,
    out: &mut dyn Write,
) -> io::Result<(WorldState, HistoryStats)> {
    let history = generate_history(world, end_tick);
    let mut stats = history.stats();
    stats.bytes = history.write_part(0, 1, out)?;
    Ok((history.state, stats))
}

/// Computes the `slo:*` series per label set.
fn slo_history(
    world: &World,
    sets: &[(&str, &str)],
    ticks: &[Vec<SloTick>],
    first_tick: i64,
    end_tick: i64,
) -> Vec<SloSeries> {
    let end = end_tick * TICK_SECONDS;
    let grid = SloGrid::new(first_tick, end);
    (0..sets.len())
        .map(|set| {
            let sums = WindowSums::new(ticks, set, first_tick);
            set_slo_series(world, sets, set, &sums, &grid, end)
        })
        .collect()
}

/// The times SLO samples are written at: a 5-minute grid far back, then a 1-minute one over the
/// window the per-tick inputs cover.
struct SloGrid {
    times: Vec<i64>,
    /// Index of the first time on the fine grid.
    fine_first: usize,
}

impl SloGrid {
    fn new(first_tick: i64, end: i64) -> SloGrid {
        let fine_start = (first_tick + 3600 / TICK_SECONDS) * TICK_SECONDS;
        // Old grid: expected rates of the model, far enough back that 30-day windows are full.
        let coarse_from = (end - 2 * SLO_HISTORY_SECONDS).div_euclid(SLO_COARSE_STEP_SECONDS)
            * SLO_COARSE_STEP_SECONDS;
        let mut times: Vec<i64> = (0..)
            .map(|n| coarse_from + n * SLO_COARSE_STEP_SECONDS)
            .take_while(|&t| t < fine_start)
            .collect();
        let fine_first = times.len();
        let fine_offset = (end - fine_start).rem_euclid(SLO_FINE_STEP_SECONDS);
        times.extend(
            (0..)
                .map(|n| fine_start + fine_offset + n * SLO_FINE_STEP_SECONDS)
                .take_while(|&t| t <= end),
        );
        SloGrid { times, fine_first }
    }
}

/// Prefix sums over the per-tick inputs of one label set.
struct WindowSums {
    first_tick: i64,
    ticks: usize,
    req: Vec<f64>,
    err: Vec<f64>,
    buckets: Vec<Vec<f64>>,
}

impl WindowSums {
    fn new(ticks: &[Vec<SloTick>], set: usize, first_tick: i64) -> WindowSums {
        let mut req = vec![0.0; ticks.len() + 1];
        let mut err = vec![0.0; ticks.len() + 1];
        let mut buckets = vec![vec![0.0; LATENCY_BUCKETS.len() + 1]; ticks.len() + 1];
        for (k, row) in ticks.iter().enumerate() {
            req[k + 1] = req[k] + row[set].requests;
            err[k + 1] = err[k] + row[set].errors;
            let mut next = buckets[k].clone();
            for (slot, add) in next.iter_mut().zip(&row[set].buckets) {
                *slot += add;
            }
            buckets[k + 1] = next;
        }
        WindowSums {
            first_tick,
            ticks: ticks.len(),
            req,
            err,
            buckets,
        }
    }

    /// Requests, errors and bucket counts over the `seconds` ending at `t` (a tick boundary
    /// inside the fine range).
    fn window(&self, t: i64, seconds: i64) -> (f64, f64, Vec<f64>) {
        let hi = ((t / TICK_SECONDS - self.first_tick + 1) as usize).min(self.ticks);
        let lo = hi.saturating_sub((seconds / TICK_SECONDS) as usize);
        let b: Vec<f64> = (0..=LATENCY_BUCKETS.len())
            .map(|j| self.buckets[hi][j] - self.buckets[lo][j])
            .collect();
        (self.req[hi] - self.req[lo], self.err[hi] - self.err[lo], b)
    }
}

fn ratio(e: f64, r: f64) -> f64 {
    if r > 0.0 { e / r } else { 0.0 }
}

/// Adds one sample to the series `name`, creating it on first use.
fn push_slo_sample(series: &mut SloSeries, name: &str, t: i64, v: f64) {
    if let Some(entry) = series.iter_mut().find(|(n, _)| n == name) {
        entry.1.push((t, v));
    } else {
        series.push((name.to_string(), vec![(t, v)]));
    }
}

/// The `slo:*` series of one label set.
fn set_slo_series(
    world: &World,
    sets: &[(&str, &str)],
    set: usize,
    sums: &WindowSums,
    grid: &SloGrid,
    end: i64,
) -> SloSeries {
    let (times, fine_first) = (&grid.times, grid.fine_first);
    let mut ratio5m = Vec::with_capacity(times.len());
    let mut expected_rps = Vec::with_capacity(fine_first);
    for (g, &t) in times.iter().enumerate() {
        if g < fine_first {
            let (rps, ratio) = expected_traffic(world, set, sets, t);
            expected_rps.push(rps);
            ratio5m.push(ratio);
        } else {
            let (r, e, _) = sums.window(t, 300);
            ratio5m.push(ratio(e, r));
        }
    }
    let mut prefix = vec![0.0; times.len() + 1];
    for (g, r) in ratio5m.iter().enumerate() {
        prefix[g + 1] = prefix[g] + r;
    }
    // Plain average of the 5 m ratio samples in (t - w, t], like avg_over_time.
    let long = |g: usize, seconds: i64| {
        let from = times[g] - seconds;
        let lo = times.partition_point(|&x| x <= from);
        let n = (g + 1 - lo) as f64;
        (prefix[g + 1] - prefix[lo]) / n
    };

    let mut series: SloSeries = Vec::new();
    let budget = 1.0 - SLO_OBJECTIVE;
    for (g, &t) in times.iter().enumerate() {
        if t <= end - SLO_HISTORY_SECONDS {
            continue;
        }
        // Over 30 days only what long rule windows and 30-day panels read.
        push_slo_sample(&mut series, "slo:sli_error:ratio_rate5m", t, ratio5m[g]);
        let r30d = long(g, 30 * 86_400);
        push_slo_sample(
            &mut series,
            "slo:error_budget_remaining:ratio30d",
            t,
            1.0 - r30d / budget,
        );
        push_slo_sample(&mut series, "slo:availability:ratio_rate30d", t, 1.0 - r30d);
        if g < fine_first {
            push_slo_sample(&mut series, "slo:requests:rate5m", t, expected_rps[g]);
            continue;
        }
        push_slo_sample(&mut series, "slo:sli_error:ratio_rate30d", t, r30d);
        push_fine_samples(&mut series, sums, t);
        for (label, seconds) in LONG_WINDOWS.iter().take(4) {
            let name = format!("slo:sli_error:ratio_rate{label}");
            push_slo_sample(&mut series, &name, t, long(g, *seconds));
        }
    }
    series
}

/// The series only the fine grid has, counted from the per-tick inputs.
fn push_fine_samples(series: &mut SloSeries, sums: &WindowSums, t: i64) {
    let (r5, e5, b5) = sums.window(t, 300);
    push_slo_sample(series, "slo:requests:rate5m", t, r5 / 300.0);
    push_slo_sample(series, "slo:errors:rate5m", t, e5 / 300.0);
    push_slo_sample(
        series,
        "slo:availability:ratio_rate5m",
        t,
        1.0 - ratio(e5, r5),
    );
    let p99 = histogram_quantile(0.99, &LATENCY_BUCKETS, &b5);
    if p99.is_finite() {
        push_slo_sample(series, "slo:latency_p99:seconds_rate5m", t, p99);
    }
    for (label, seconds) in [("30m", 1800), ("1h", 3600)] {
        let (r, e, _) = sums.window(t, seconds);
        let name = format!("slo:sli_error:ratio_rate{label}");
        push_slo_sample(series, &name, t, ratio(e, r));
    }
}

/// The model's expected request rate (per second) and 5xx ratio over the 5 minutes before `t`,
/// probed mid-window.
fn expected_traffic(world: &World, set: usize, sets: &[(&str, &str)], t: i64) -> (f64, f64) {
    let mut requests = 0.0;
    let mut errors = 0.0;
    {
        let tick = (t - 150).div_euclid(TICK_SECONDS);
        for i in 0..INSTANCES.len() {
            if slo_set_of(i, sets) != set {
                continue;
            }
            for e in 0..ENDPOINTS.len() {
                if e == HEALTHZ {
                    continue;
                }
                let et = world.endpoint_tick(i, e, tick);
                requests += et.requests;
                errors += et.requests * (et.p500 + et.p503);
            }
        }
    }
    let ratio = if requests > 0.0 {
        errors / requests
    } else {
        0.0
    };
    (requests / TICK_SECONDS as f64, ratio)
}

struct CountingWriter<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for CountingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::exporter::LiveWorld;
    use crate::demo::scenario::Scenario;

    #[test]
    fn histogram_quantile_matches_prometheus() {
        let bounds = [0.1, 0.2, 0.4];
        // 100 observations: 50 <= 0.1, 90 <= 0.2, 100 <= 0.4.
        let q = histogram_quantile(0.5, &bounds, &[50.0, 90.0, 100.0, 100.0]);
        assert!((q - 0.1).abs() < 1e-12);
        let q = histogram_quantile(0.7, &bounds, &[50.0, 90.0, 100.0, 100.0]);
        assert!((q - 0.15).abs() < 1e-12);
        // Rank in +Inf: the highest finite bound.
        assert_eq!(
            histogram_quantile(0.99, &bounds, &[0.0, 0.0, 0.0, 10.0]),
            0.4
        );
        assert!(histogram_quantile(0.99, &bounds, &[0.0; 4]).is_nan());
    }

    /// A short history, parsed back: every series in time order, counters continuing into the
    /// live exporter's values at the end tick.
    #[test]
    fn history_ends_where_live_starts() {
        let world = World::new(Scenario::default());
        let end_tick = 1_764_000_000 / TICK_SECONDS;
        let mut buf = Vec::new();
        let history = generate_history_with_raw(&world, end_tick, 1800);
        let mut stats = history.stats();
        let written = history.write_part(0, 1, &mut buf);
        let Ok(bytes) = written else {
            panic!("history failed: {written:?}");
        };
        stats.bytes = bytes;
        let state = history.state;
        assert_eq!(state.tick, end_tick);
        let text = String::from_utf8(buf).unwrap_or_default();
        assert!(text.ends_with("# EOF\n"));
        assert_eq!(stats.bytes as usize, text.len());

        let end = end_tick * TICK_SECONDS;
        let live = LiveWorld::new(World::new(Scenario::default()), None);
        let snapshot = String::from_utf8(
            live.render(end as f64, Format::Prometheus)
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        // History keys without the scrape job label, to compare with the exporter's own output.
        let mut last: HashMap<String, (i64, &str)> = HashMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.rsplitn(3, ' ');
            let (Some(ts), Some(value), Some(series)) = (parts.next(), parts.next(), parts.next())
            else {
                panic!("bad line {line}");
            };
            let ts: i64 = ts.parse().unwrap_or(i64::MIN);
            let series = series.replacen("job=\"inference-gateway\",", "", 1);
            if let Some((prev, _)) = last.get(&series) {
                assert!(ts > *prev, "out of order: {line}");
            }
            last.insert(series, (ts, value));
        }
        // Every raw series sampled at the end tick has the live value there.
        let mut checked = 0;
        for line in snapshot.lines().filter(|l| !l.starts_with('#')) {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            if let Some((ts, v)) = last.get(series) {
                assert_eq!(*ts, end, "{series}");
                assert_eq!(*v, value, "{series}");
                checked += 1;
            }
        }
        assert!(checked > 500, "only {checked} series compared");
        // 30 days of the budget series, recent hours of the fast ones.
        let budget = "slo:error_budget_remaining:ratio30d{service=\"inference-gateway\",environment=\"production\",cluster=\"eu-west-1\"}";
        let first_budget = text
            .lines()
            .find(|l| l.starts_with(budget))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|ts| ts.parse::<i64>().ok());
        assert!(first_budget.is_some_and(|t| end - t > 29 * 86_400));
        assert!(last.contains_key(
            "slo:latency_p99:seconds_rate5m{service=\"inference-gateway\",environment=\"production\",cluster=\"us-east-1\"}"
        ));
    }

    #[test]
    fn parts_split_the_history_by_time_without_losing_samples() {
        let world = World::new(Scenario::default());
        let history = generate_history_with_raw(&world, 1_764_000_000 / TICK_SECONDS, 1800);
        let mut whole = Vec::new();
        let mut halves = [Vec::new(), Vec::new()];
        let ok = history.write_part(0, 1, &mut whole).is_ok()
            && history.write_part(0, 2, &mut halves[0]).is_ok()
            && history.write_part(1, 2, &mut halves[1]).is_ok();
        assert!(ok);
        let samples = |b: &[u8]| {
            b.split(|&c| c == b'\n')
                .filter(|l| !l.is_empty() && l[0] != b'#')
                .count()
        };
        let (a, b) = (samples(&halves[0]), samples(&halves[1]));
        assert_eq!(a + b, samples(&whole));
        assert_eq!(a + b, history.stats().samples);
        assert!(a.abs_diff(b) < (a + b) / 10, "unbalanced: {a} / {b}");
        let bounds = history.part_bounds(2);
        assert_eq!(bounds.len(), 1);
    }

    #[test]
    fn label_sets_cover_the_fleet() {
        let sets = slo_label_sets();
        assert_eq!(sets.len(), 5);
        assert!(sets.contains(&("production", "us-east-1")));
        assert!(sets.contains(&("lab", "eu-west-1")));
    }
}
