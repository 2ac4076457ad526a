//! The synthetic inference gateway's behaviour: traffic, latency, model behaviour and process
//! metrics as a pure function of (scenario, time), for the fleet described in `fleet`.
//!
//! Counters advance in whole ticks of [`TICK_SECONDS`]: the value of every counter at tick `k` is
//! the sum of the per-tick increments since the instance's last restart. The backfill samples the
//! counters at tick boundaries and the live exporter interpolates inside the current tick, so the
//! live value at any instant is exactly what the history would say there and `rate()` sees no
//! seam between the two.

mod catalogue;
mod gauges;
mod incidents;
mod increments;
mod layout;
mod slo;
mod traffic;

use super::scenario::{Scenario, last_restart, version_at};
use catalogue::build_catalogue;

pub use super::fleet::*;
pub use super::tick::TICK_SECONDS;
pub use catalogue::{BILLING_FAMILY, DEPLOYMENTS_FAMILY, INCIDENTS_FAMILY};
pub use gauges::{CPU_LIMIT_CORES, MEMORY_LIMIT_BYTES, releases_until};
pub use incidents::{SEVERITIES, billed_dollars, incidents_resolved};
pub use layout::N_COUNTERS;
pub use slo::{SloTick, add_slo_increments};
pub use traffic::lognormal_cdf;

/// Seconds between registry syncs of one instance.
const SYNC_PERIOD_SECONDS: i64 = 120;

/// A gauge computed directly from time (no accumulation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GaugeKind {
    StageQuantile {
        stage: usize,
        quantile: usize,
    },
    QueueDepth,
    GpuUtilization {
        gpu: usize,
    },
    ResidentMemory,
    StartTime,
    ModelsRegistered,
    ModelVersions {
        model: usize,
    },
    ModelLoadDuration {
        model: usize,
    },
    LastSync,
    BuildInfo,
    /// Releases rolled out to the instance since the epoch, failed ones or the others.
    Deployments {
        failed: bool,
    },
    CpuLimit,
    MemoryLimit,
    /// Dollars billed for the instance since the billing origin.
    BillingCost,
    /// Incidents of one severity resolved so far: their number, or (`sum`) their total seconds
    /// to resolution.
    Incidents {
        severity: usize,
        sum: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// Slot in the counter vector; `whole` counters count events and are kept integral.
    Counter {
        index: usize,
        whole: bool,
    },
    Gauge(GaugeKind),
}

/// One exposed series of one instance, without the instance's own labels.
#[derive(Debug, Clone)]
pub struct SeriesDef {
    /// Index into [`FAMILIES`].
    pub family: usize,
    /// `_total`, `_bucket`, `_sum`, `_count` or empty.
    pub suffix: &'static str,
    /// Extra labels, rendered (`endpoint="/v1/predict",status_code="200"`), possibly empty.
    pub labels: String,
    /// Carries the `version` label (and so changes series on every deploy).
    pub versioned: bool,
    pub source: Source,
    /// For latency buckets: (endpoint, lower bound, upper bound) to draw exemplars from.
    pub exemplar_range: Option<(usize, f64, f64)>,
}

/// One exemplar: a trace id with the observed value and its time.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    pub trace_id: String,
    pub value: f64,
    pub timestamp: f64,
}

/// One sample handed out by [`World::visit`].
#[derive(Debug)]
pub struct Sample<'a> {
    pub family: &'a FamilyDef,
    pub def: &'a SeriesDef,
    /// The full label set, rendered with braces.
    pub labels: &'a str,
    pub value: f64,
    pub exemplar: Option<Exemplar>,
}

/// Expected traffic of one endpoint of one instance during one tick.
#[derive(Debug, Clone, Copy)]
pub struct EndpointTick {
    pub requests: f64,
    pub p400: f64,
    pub p500: f64,
    pub p503: f64,
    pub median: f64,
}

/// Counters of one instance at one tick.
#[derive(Debug, Clone)]
pub struct InstanceCounters {
    pub restart_tick: i64,
    pub version: String,
    pub values: Vec<f64>,
}

/// Counters of the whole fleet at tick `tick`.
#[derive(Debug, Clone)]
pub struct WorldState {
    pub tick: i64,
    pub instances: Vec<InstanceCounters>,
}

/// The synthetic world: the fleet plus a scenario.
#[derive(Debug, Clone)]
pub struct World {
    pub scenario: Scenario,
    /// Per instance, series sorted by family.
    catalogue: Vec<Vec<SeriesDef>>,
    /// Per instance, the rendered base labels (`service=...,instance=...`).
    base_labels: Vec<String>,
}

/// Escapes a label value for the text formats.
pub fn escape_label_value(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Formats a bucket bound as Prometheus does (`0.1`, `1`, `+Inf`).
pub fn format_le(le: f64) -> String {
    if le.is_infinite() {
        "+Inf".to_string()
    } else {
        format!("{le}")
    }
}

impl World {
    pub fn new(scenario: Scenario) -> World {
        let catalogue = (0..INSTANCES.len()).map(build_catalogue).collect();
        let base_labels = INSTANCES
            .iter()
            .map(|i| {
                format!(
                    "service=\"{SERVICE}\",environment=\"{}\",cluster=\"{}\",instance=\"{}\"",
                    i.environment, i.cluster, i.name
                )
            })
            .collect();
        World {
            scenario,
            catalogue,
            base_labels,
        }
    }

    /// The series one instance exposes, in family order.
    pub fn catalogue(&self, instance: usize) -> &[SeriesDef] {
        &self.catalogue[instance]
    }

    fn seed(&self) -> u64 {
        self.scenario.seed
    }

    /// Counters of every instance at tick `tick`, summed from each instance's last restart.
    pub fn state_at(&self, tick: i64) -> WorldState {
        let instances = (0..INSTANCES.len())
            .map(|i| {
                let restart_tick = last_restart(i, tick * TICK_SECONDS) / TICK_SECONDS;
                let mut values = vec![0.0; N_COUNTERS];
                for k in restart_tick + 1..=tick {
                    for (acc, inc) in values.iter_mut().zip(self.increments(i, k)) {
                        *acc += inc;
                    }
                }
                InstanceCounters {
                    restart_tick,
                    version: version_at(i, restart_tick * TICK_SECONDS),
                    values,
                }
            })
            .collect();
        WorldState { tick, instances }
    }

    /// Moves `state` one tick forward (restarting instances whose deploy is due) and returns the
    /// increments of the tick per instance (also for restarting instances, whose counters lose
    /// them, as a real restart would).
    pub fn advance(&self, state: &mut WorldState) -> Vec<Vec<f64>> {
        let tick = state.tick + 1;
        state.tick = tick;
        let mut all = Vec::with_capacity(INSTANCES.len());
        for (i, counters) in state.instances.iter_mut().enumerate() {
            let inc = self.increments(i, tick);
            let restart_tick = last_restart(i, tick * TICK_SECONDS) / TICK_SECONDS;
            if restart_tick == tick {
                counters.restart_tick = tick;
                counters.version = version_at(i, tick * TICK_SECONDS);
                counters.values.iter_mut().for_each(|v| *v = 0.0);
            } else {
                for (acc, d) in counters.values.iter_mut().zip(&inc) {
                    *acc += d;
                }
            }
            all.push(inc);
        }
        all
    }

    /// Counter values at time `t` inside the tick after `state` (live scrapes): the tick's
    /// increments are spread linearly over the tick, event counts rounded down.
    pub fn interpolated(&self, state: &WorldState, t: f64) -> Vec<Vec<f64>> {
        let frac = (t / TICK_SECONDS as f64 - state.tick as f64).clamp(0.0, 1.0);
        let next_tick = state.tick + 1;
        state
            .instances
            .iter()
            .enumerate()
            .map(|(i, counters)| {
                let restarting =
                    last_restart(i, next_tick * TICK_SECONDS) / TICK_SECONDS == next_tick;
                if restarting || frac == 0.0 {
                    return counters.values.clone();
                }
                let inc = self.increments(i, next_tick);
                let mut out: Vec<f64> = counters
                    .values
                    .iter()
                    .zip(&inc)
                    .map(|(a, d)| a + d * frac)
                    .collect();
                for def in &self.catalogue[i] {
                    if let Source::Counter { index, whole: true } = def.source {
                        out[index] = out[index].floor();
                    }
                }
                out
            })
            .collect()
    }

    /// The full rendered label set of a series (with braces).
    pub fn series_labels(&self, instance: usize, def: &SeriesDef, version: &str) -> String {
        let mut labels = String::with_capacity(160);
        labels.push('{');
        labels.push_str(&self.base_labels[instance]);
        if !def.labels.is_empty() {
            labels.push(',');
            labels.push_str(&def.labels);
        }
        if def.versioned {
            labels.push_str(",version=\"");
            labels.push_str(&escape_label_value(version));
            labels.push('"');
        }
        labels.push('}');
        labels
    }

    /// The value of a series at `t`, given the instance's counters.
    pub fn series_value(&self, instance: usize, def: &SeriesDef, t: f64, counters: &[f64]) -> f64 {
        match def.source {
            Source::Counter { index, .. } => counters[index],
            Source::Gauge(kind) => self.gauge(instance, t, kind),
        }
    }

    /// Calls `sample` for every series of the fleet at time `t`, family by family (the order the
    /// text formats need), with the counter values given per instance. `exemplar_tick`, when set,
    /// adds one trace exemplar to every non-empty latency bucket.
    pub fn visit(
        &self,
        t: f64,
        counters: &[Vec<f64>],
        versions: &[String],
        exemplar_tick: Option<i64>,
        sample: &mut dyn FnMut(Sample<'_>),
    ) {
        for (f, family) in FAMILIES.iter().enumerate() {
            for (i, defs) in self.catalogue.iter().enumerate() {
                for def in defs.iter().filter(|d| d.family == f) {
                    let value = self.series_value(i, def, t, &counters[i]);
                    let labels = self.series_labels(i, def, &versions[i]);
                    let exemplar = exemplar_tick.and_then(|k| self.exemplar(i, def, k, value));
                    sample(Sample {
                        family,
                        def,
                        labels: &labels,
                        value,
                        exemplar,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::layout::HTTP_REQUESTS;

    pub(super) const T0: i64 = 1_764_000_000;

    pub(super) fn world() -> World {
        World::new(Scenario::default())
    }

    #[test]
    fn advancing_matches_summing_from_the_restart() {
        let w = world();
        let tick = T0 / TICK_SECONDS;
        let mut state = w.state_at(tick);
        for _ in 0..40 {
            w.advance(&mut state);
        }
        let direct = w.state_at(tick + 40);
        for (a, b) in state.instances.iter().zip(&direct.instances) {
            assert_eq!(a.values, b.values);
            assert_eq!(a.version, b.version);
        }
    }

    #[test]
    fn counters_reset_at_a_deploy() {
        let w = world();
        let restart = last_restart(0, T0) / TICK_SECONDS;
        let before = w.state_at(restart - 1);
        let at = w.state_at(restart);
        assert!(before.instances[0].values[HTTP_REQUESTS] > 1000.0);
        assert_eq!(at.instances[0].values[HTTP_REQUESTS], 0.0);
        assert_ne!(before.instances[0].version, at.instances[0].version);
    }

    #[test]
    fn interpolation_is_monotonic_and_meets_the_next_tick() {
        let w = world();
        let tick = T0 / TICK_SECONDS;
        let state = w.state_at(tick);
        let t0 = (tick * TICK_SECONDS) as f64;
        let mut prev = w.interpolated(&state, t0);
        assert_eq!(prev[0], state.instances[0].values);
        for step in 1..=15 {
            let now = w.interpolated(&state, t0 + step as f64);
            for (a, b) in prev[0].iter().zip(&now[0]) {
                assert!(b >= a);
            }
            prev = now;
        }
        let next = w.state_at(tick + 1);
        assert_eq!(prev[0], next.instances[0].values);
    }
}
