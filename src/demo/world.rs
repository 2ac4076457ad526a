//! The synthetic inference gateway's behaviour: traffic, latency, model behaviour and process
//! metrics as a pure function of (scenario, time), for the fleet described in `fleet`.
//!
//! Counters advance in whole ticks of [`TICK_SECONDS`]: the value of every counter at tick `k` is
//! the sum of the per-tick increments since the instance's last restart. The backfill samples the
//! counters at tick boundaries and the live exporter interpolates inside the current tick, so the
//! live value at any instant is exactly what the history would say there and `rate()` sees no
//! seam between the two.

use std::f64::consts::{SQRT_2, TAU};

use super::noise::{hash, signed, smooth, stochastic_round, trace_id, unit};
use super::scenario::{Scenario, deploy_offset, last_restart, version_at};

pub use super::fleet::*;

/// Counter resolution: one increment per instance per tick (the scrape interval dashboards assume).
pub const TICK_SECONDS: i64 = 15;

const LATENCY_SIGMA: f64 = 0.45;

// Layout of the per-instance counter vector.
const N_LB: usize = LATENCY_BUCKETS.len() + 1;
const DURATION_STRIDE: usize = N_LB + 2;
const N_CB: usize = CONFIDENCE_BUCKETS.len() + 1;
const CONFIDENCE_STRIDE: usize = N_CB + 2;
const N_BB: usize = BATCH_BUCKETS.len() + 1;
const N_CLASSES: usize = 7;
const HTTP_REQUESTS: usize = 0;
const DURATION: usize = HTTP_REQUESTS + ENDPOINTS.len() * STATUS_CODES.len();
const INFERENCE: usize = DURATION + ENDPOINTS.len() * DURATION_STRIDE;
const STAGE: usize = INFERENCE + MODELS.len();
const CONFIDENCE: usize = STAGE + 2 * STAGES.len();
const PREDICTIONS: usize = CONFIDENCE + CLASSIFYING_MODELS * CONFIDENCE_STRIDE;
const BATCH: usize = PREDICTIONS + N_CLASSES;
const CPU: usize = BATCH + N_BB + 2;
/// Per model: downloads, then failed downloads; then successful and failed registry syncs.
const REGISTRY: usize = CPU + 1;
const SYNCS: usize = REGISTRY + 2 * MODELS.len();
/// Bytes received, then bytes sent.
const NETWORK: usize = SYNCS + 2;
/// Number of counter slots per instance.
pub const N_COUNTERS: usize = NETWORK + 2;
/// CPU and memory limits of every gateway container (what the saturation panels divide by).
pub const CPU_LIMIT_CORES: f64 = 1.5;
pub const MEMORY_LIMIT_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
/// Index into [`FAMILIES`] of the deploy counter, the one raw family backfilled for 30 days.
pub const DEPLOYMENTS_FAMILY: usize = 20;
/// Every this many releases of an instance, counted from its own phase, one fails and is
/// rolled back (a change failure rate of about 8 %).
const FAILED_RELEASE_EVERY: i64 = 12;
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

fn erf(x: f64) -> f64 {
    // Abramowitz & Stegun 7.1.26; |error| < 1.5e-7, plenty for bucket shares.
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    sign * y
}

/// P(latency <= x) for a log-normal latency with the given median.
pub fn lognormal_cdf(x: f64, median: f64, sigma: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    0.5 * (1.0 + erf((x.ln() - median.ln()) / (sigma * SQRT_2)))
}

fn build_catalogue(instance: usize) -> Vec<SeriesDef> {
    let mut out = Vec::new();
    let counter = |index, whole| Source::Counter { index, whole };
    let mut push = |family: usize,
                    suffix: &'static str,
                    labels: String,
                    versioned: bool,
                    source: Source,
                    exemplar_range: Option<(usize, f64, f64)>| {
        out.push(SeriesDef {
            family,
            suffix,
            labels,
            versioned,
            source,
            exemplar_range,
        })
    };
    for (e, ep) in ENDPOINTS.iter().enumerate() {
        for (s, code) in STATUS_CODES.iter().enumerate() {
            if e == HEALTHZ && s > 0 {
                continue;
            }
            let labels = format!("endpoint=\"{}\",status_code=\"{code}\"", ep.path);
            let index = HTTP_REQUESTS + e * STATUS_CODES.len() + s;
            push(0, "_total", labels, true, counter(index, true), None);
        }
    }
    for (e, ep) in ENDPOINTS.iter().enumerate() {
        let base = DURATION + e * DURATION_STRIDE;
        let mut lower = 0.0;
        for b in 0..N_LB {
            let le = LATENCY_BUCKETS.get(b).copied().unwrap_or(f64::INFINITY);
            let labels = format!("endpoint=\"{}\",le=\"{}\"", ep.path, format_le(le));
            let upper = if le.is_infinite() { lower * 2.0 } else { le };
            push(
                1,
                "_bucket",
                labels,
                true,
                counter(base + b, true),
                Some((e, lower, upper)),
            );
            lower = upper;
        }
        let labels = format!("endpoint=\"{}\"", ep.path);
        push(
            1,
            "_sum",
            labels.clone(),
            true,
            counter(base + N_LB, false),
            None,
        );
        push(
            1,
            "_count",
            labels,
            true,
            counter(base + N_LB + 1, true),
            None,
        );
    }
    for (m, model) in MODELS.iter().enumerate() {
        let labels = format!("model=\"{}\"", model.name);
        push(
            2,
            "_total",
            labels,
            true,
            counter(INFERENCE + m, true),
            None,
        );
    }
    for (s, stage) in STAGES.iter().enumerate() {
        for (q, quantile) in SUMMARY_QUANTILES.iter().enumerate() {
            let labels = format!("stage=\"{stage}\",quantile=\"{quantile}\"");
            let kind = GaugeKind::StageQuantile {
                stage: s,
                quantile: q,
            };
            push(3, "", labels, false, Source::Gauge(kind), None);
        }
        let labels = format!("stage=\"{stage}\"");
        push(
            3,
            "_sum",
            labels.clone(),
            false,
            counter(STAGE + 2 * s, false),
            None,
        );
        push(
            3,
            "_count",
            labels,
            false,
            counter(STAGE + 2 * s + 1, true),
            None,
        );
    }
    for (m, model) in MODELS.iter().enumerate().take(CLASSIFYING_MODELS) {
        let base = CONFIDENCE + m * CONFIDENCE_STRIDE;
        for b in 0..N_CB {
            let le = CONFIDENCE_BUCKETS.get(b).copied().unwrap_or(f64::INFINITY);
            let labels = format!("model=\"{}\",le=\"{}\"", model.name, format_le(le));
            push(4, "_bucket", labels, false, counter(base + b, true), None);
        }
        let labels = format!("model=\"{}\"", model.name);
        push(
            4,
            "_sum",
            labels.clone(),
            false,
            counter(base + N_CB, false),
            None,
        );
        push(
            4,
            "_count",
            labels,
            false,
            counter(base + N_CB + 1, true),
            None,
        );
    }
    let mut class_index = PREDICTIONS;
    for model in MODELS.iter().take(CLASSIFYING_MODELS) {
        for (class, _) in model.classes {
            let labels = format!("model=\"{}\",class=\"{class}\"", model.name);
            push(5, "_total", labels, false, counter(class_index, true), None);
            class_index += 1;
        }
    }
    for b in 0..N_BB {
        let le = BATCH_BUCKETS.get(b).copied().unwrap_or(f64::INFINITY);
        let labels = format!("le=\"{}\"", format_le(le));
        push(6, "_bucket", labels, false, counter(BATCH + b, true), None);
    }
    push(
        6,
        "_sum",
        String::new(),
        false,
        counter(BATCH + N_BB, true),
        None,
    );
    push(
        6,
        "_count",
        String::new(),
        false,
        counter(BATCH + N_BB + 1, true),
        None,
    );
    push(
        7,
        "",
        String::new(),
        false,
        Source::Gauge(GaugeKind::QueueDepth),
        None,
    );
    for gpu in 0..INSTANCES[instance].gpus {
        let kind = GaugeKind::GpuUtilization { gpu };
        push(
            8,
            "",
            format!("gpu=\"{gpu}\""),
            false,
            Source::Gauge(kind),
            None,
        );
    }
    push(9, "_total", String::new(), false, counter(CPU, false), None);
    let gauge = |k| Source::Gauge(k);
    push(
        10,
        "",
        String::new(),
        false,
        gauge(GaugeKind::ResidentMemory),
        None,
    );
    push(
        11,
        "",
        String::new(),
        false,
        gauge(GaugeKind::StartTime),
        None,
    );
    push(
        12,
        "",
        String::new(),
        false,
        gauge(GaugeKind::ModelsRegistered),
        None,
    );
    for (m, model) in MODELS.iter().enumerate() {
        let labels = format!("model=\"{}\"", model.name);
        let kind = GaugeKind::ModelVersions { model: m };
        push(13, "", labels, false, gauge(kind), None);
    }
    for (m, model) in MODELS.iter().enumerate() {
        let labels = format!("model=\"{}\"", model.name);
        let kind = GaugeKind::ModelLoadDuration { model: m };
        push(14, "", labels, false, gauge(kind), None);
    }
    push(
        15,
        "",
        String::new(),
        false,
        gauge(GaugeKind::LastSync),
        None,
    );
    push(
        16,
        "",
        String::new(),
        true,
        gauge(GaugeKind::BuildInfo),
        None,
    );
    for (family, offset) in [(17, 0), (18, 1)] {
        for (m, model) in MODELS.iter().enumerate() {
            let labels = format!("model=\"{}\"", model.name);
            push(
                family,
                "_total",
                labels,
                false,
                counter(REGISTRY + 2 * m + offset, true),
                None,
            );
        }
    }
    for (r, result) in ["success", "failure"].iter().enumerate() {
        let labels = format!("result=\"{result}\"");
        push(19, "_total", labels, false, counter(SYNCS + r, true), None);
    }
    for (outcome, failed) in [("success", false), ("failed", true)] {
        let labels = format!("outcome=\"{outcome}\"");
        let kind = GaugeKind::Deployments { failed };
        push(
            DEPLOYMENTS_FAMILY,
            "_total",
            labels,
            false,
            gauge(kind),
            None,
        );
    }
    push(
        21,
        "_total",
        String::new(),
        false,
        counter(NETWORK, false),
        None,
    );
    push(
        22,
        "_total",
        String::new(),
        false,
        counter(NETWORK + 1, false),
        None,
    );
    push(
        23,
        "",
        String::new(),
        false,
        gauge(GaugeKind::CpuLimit),
        None,
    );
    push(
        24,
        "",
        String::new(),
        false,
        gauge(GaugeKind::MemoryLimit),
        None,
    );
    out
}

/// Releases of `instance` up to `t` since the epoch: (all, failed). Release `k` starts at the
/// k-th restart; every [`FAILED_RELEASE_EVERY`]-th one (per-instance phase) fails.
pub fn releases_until(instance: usize, t: i64) -> (i64, i64) {
    let restart = last_restart(instance, t);
    let k = (restart + deploy_offset(instance)).div_euclid(super::scenario::DEPLOY_PERIOD_SECONDS);
    let phase = (instance as i64 * 5) % FAILED_RELEASE_EVERY;
    let failed = (k + phase).div_euclid(FAILED_RELEASE_EVERY) - phase / FAILED_RELEASE_EVERY;
    (k, failed)
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

    /// Load relative to an average hour: a diurnal curve in the users' local time plus slow
    /// wander. Between about 0.55 and 1.45.
    pub fn load(&self, instance: usize, t: f64) -> f64 {
        let spec = &INSTANCES[instance];
        let local_hour = (t / 3600.0 + spec.utc_offset_hours).rem_euclid(24.0);
        // Peak mid-afternoon, trough before dawn.
        let diurnal = 1.0 + 0.35 * ((local_hour - 9.0) / 24.0 * TAU).sin();
        let wander = 1.0
            + 0.08 * smooth(self.seed(), 100 + instance as u64, t, 300.0)
            + 0.03 * smooth(self.seed(), 200 + instance as u64, t, 45.0);
        diurnal * wander
    }

    /// Expected traffic of one endpoint during tick `tick`.
    pub fn endpoint_tick(&self, instance: usize, endpoint: usize, tick: i64) -> EndpointTick {
        let t = tick * TICK_SECONDS;
        let tf = t as f64;
        let spec = &INSTANCES[instance];
        let ep = &ENDPOINTS[endpoint];
        let load = self.load(instance, tf);
        let effect = self.scenario.effect(t, instance, endpoint);
        let jitter = 1.0
            + 0.04
                * signed(hash(&[
                    self.seed(),
                    1,
                    instance as u64,
                    endpoint as u64,
                    tick as u64,
                ]));
        let requests = spec.base_rps * load * ep.share * TICK_SECONDS as f64 * jitter;
        let channel = 300 + (instance * 8 + endpoint) as u64;
        let (p400, p500, p503) = if endpoint == HEALTHZ {
            (0.0, 0.0, 0.0)
        } else {
            let background = 0.0003 * (1.0 + smooth(self.seed(), channel, tf, 900.0));
            (
                0.006,
                0.0002 + background + 0.7 * effect.extra_error_ratio,
                0.0001 + 0.3 * effect.extra_error_ratio,
            )
        };
        let median = ep.median_seconds
            * (1.0 + 0.3 * (load - 1.0))
            * (1.0 + 0.06 * smooth(self.seed(), channel + 1000, tf, 120.0))
            * effect.latency_factor;
        EndpointTick {
            requests,
            p400,
            p500,
            p503,
            median,
        }
    }

    /// Counter increments of one instance during tick `tick` (whole numbers for event counts).
    pub fn increments(&self, instance: usize, tick: i64) -> Vec<f64> {
        let mut v = vec![0.0; N_COUNTERS];
        let tf = (tick * TICK_SECONDS) as f64;
        let coin =
            |salt: u64, sub: u64| hash(&[self.seed(), 2, instance as u64, tick as u64, salt, sub]);
        let mut served_by_model = [0.0; MODELS.len()];
        let mut model_seconds = 0.0;
        let mut all_requests = 0.0;
        for (e, ep) in ENDPOINTS.iter().enumerate() {
            let et = self.endpoint_tick(instance, e, tick);
            let e64 = e as u64;
            let n = stochastic_round(et.requests, coin(1, e64));
            let n400 = stochastic_round(n * et.p400, coin(2, e64)).min(n);
            let n500 = stochastic_round(n * et.p500, coin(3, e64)).min(n - n400);
            let n503 = stochastic_round(n * et.p503, coin(4, e64)).min(n - n400 - n500);
            let row = HTTP_REQUESTS + e * STATUS_CODES.len();
            v[row] = n - n400 - n500 - n503;
            v[row + 1] = n400;
            v[row + 2] = n500;
            v[row + 3] = n503;
            let base = DURATION + e * DURATION_STRIDE;
            // One coin for all buckets keeps the cumulative buckets monotonic.
            let u = unit(coin(5, e64));
            for (b, le) in LATENCY_BUCKETS.iter().enumerate() {
                v[base + b] = (n * lognormal_cdf(*le, et.median, LATENCY_SIGMA) + u)
                    .floor()
                    .min(n);
            }
            v[base + N_LB - 1] = n;
            v[base + N_LB] = n * et.median * (LATENCY_SIGMA * LATENCY_SIGMA / 2.0).exp();
            v[base + N_LB + 1] = n;
            all_requests += n;
            if let Some(m) = ep.model {
                let served = n - n400;
                v[INFERENCE + m] += served;
                served_by_model[m] += served;
                model_seconds += served * et.median * 0.75;
            }
        }
        let served: f64 = served_by_model.iter().sum();
        let load = self.load(instance, tf);
        let stage_means = [
            0.006 * (1.0 + 0.2 * (load - 1.0)),
            if served > 0.0 {
                model_seconds / served
            } else {
                0.0
            },
            0.003,
        ];
        for (s, mean) in stage_means.iter().enumerate() {
            v[STAGE + 2 * s] = served * mean;
            v[STAGE + 2 * s + 1] = served;
        }
        let mut class_index = PREDICTIONS;
        for (m, model) in MODELS.iter().enumerate().take(CLASSIFYING_MODELS) {
            let n = served_by_model[m];
            let base = CONFIDENCE + m * CONFIDENCE_STRIDE;
            let a = model.confidence_shape
                * (1.0 + 0.1 * smooth(self.seed(), 500 + m as u64, tf, 1800.0));
            let u = unit(coin(6, m as u64));
            for (b, le) in CONFIDENCE_BUCKETS.iter().enumerate() {
                v[base + b] = (n * le.powf(a) + u).floor().min(n);
            }
            v[base + N_CB - 1] = n;
            v[base + N_CB] = n * a / (a + 1.0);
            v[base + N_CB + 1] = n;
            for (c, (_, share)) in model.classes.iter().enumerate() {
                let drift = 1.0 + 0.3 * smooth(self.seed(), 600 + (m * 8 + c) as u64, tf, 3600.0);
                v[class_index] = stochastic_round(n * share * drift, coin(7, class_index as u64));
                class_index += 1;
            }
        }
        let mean_batch = 2.0 + 10.0 * (load - 0.5).clamp(0.0, 1.0);
        let batches = stochastic_round(served / mean_batch, coin(8, 0));
        let u = unit(coin(9, 0));
        for (b, le) in BATCH_BUCKETS.iter().enumerate() {
            v[BATCH + b] = (batches * (1.0 - (-le / mean_batch).exp()) + u)
                .floor()
                .min(batches);
        }
        v[BATCH + N_BB - 1] = batches;
        v[BATCH + N_BB] = served;
        v[BATCH + N_BB + 1] = batches;
        let rps = all_requests / TICK_SECONDS as f64;
        let strain = self
            .scenario
            .instance_latency_factor(tick * TICK_SECONDS, instance);
        v[CPU] = TICK_SECONDS as f64 * (0.08 + 0.0045 * rps) * (1.0 + 0.1 * (strain - 1.0));
        // Registry client: every model is fetched in the tick after a restart and a new version
        // now and then; one download in ten fails first and is retried.
        let fresh = last_restart(instance, (tick - 1) * TICK_SECONDS) / TICK_SECONDS == tick - 1;
        for m in 0..MODELS.len() {
            let new_version = unit(coin(10, m as u64)) < 1.0 / 240.0;
            let downloads = f64::from(u8::from(fresh)) + f64::from(u8::from(new_version));
            if downloads > 0.0 {
                v[REGISTRY + 2 * m] = downloads;
                v[REGISTRY + 2 * m + 1] = f64::from(u8::from(unit(coin(11, m as u64)) < 0.1));
            }
        }
        // Request bodies are bigger than the answers.
        v[NETWORK] = all_requests * 1800.0;
        v[NETWORK + 1] = all_requests * 900.0;
        let t = tick * TICK_SECONDS;
        let phase = (instance as i64 * 17) % SYNC_PERIOD_SECONDS;
        let synced = (t - phase).div_euclid(SYNC_PERIOD_SECONDS)
            - (t - TICK_SECONDS - phase).div_euclid(SYNC_PERIOD_SECONDS);
        if synced > 0 {
            v[SYNCS] = synced as f64;
            // A failed attempt is retried at once, so the last successful sync stays fresh.
            v[SYNCS + 1] = f64::from(u8::from(unit(coin(12, 0)) < 0.03));
        }
        v
    }

    /// The value of a time-derived gauge.
    pub fn gauge(&self, instance: usize, t: f64, kind: GaugeKind) -> f64 {
        let seed = self.seed();
        let i64_t = t.floor() as i64;
        let load = self.load(instance, t);
        let strain = self.scenario.instance_latency_factor(i64_t, instance);
        let restart = last_restart(instance, i64_t);
        match kind {
            GaugeKind::StageQuantile { stage, quantile } => {
                let tick = i64_t.div_euclid(TICK_SECONDS);
                let mean = match stage {
                    0 => 0.006 * (1.0 + 0.2 * (load - 1.0)),
                    1 => {
                        let et = self.endpoint_tick(instance, 0, tick);
                        et.median * 0.75
                    }
                    _ => 0.003,
                };
                mean * [0.85, 1.7, 3.0][quantile.min(2)]
            }
            GaugeKind::QueueDepth => {
                let base = 1.5 + 5.0 * (load - 0.5).max(0.0);
                let noise = 1.5 * smooth(seed, 700 + instance as u64, t, 30.0);
                (base * strain.powf(1.5) + noise).max(0.0).round()
            }
            GaugeKind::GpuUtilization { gpu } => {
                let noise = 0.06 * smooth(seed, 800 + (instance * 4 + gpu) as u64, t, 20.0);
                let busy = 0.3 + 0.45 * (load - 0.55) + noise - 0.04 * gpu as f64;
                let busy = if strain > 1.0 { busy + 0.35 } else { busy };
                busy.clamp(0.02, 0.99)
            }
            GaugeKind::ResidentMemory => {
                let warm = 1.0 - (-(t - restart as f64) / 1200.0).exp();
                1.1e9 + 0.55e9 * warm + 2.5e7 * smooth(seed, 900 + instance as u64, t, 60.0)
            }
            GaugeKind::StartTime => restart as f64,
            GaugeKind::ModelsRegistered => MODELS.len() as f64,
            GaugeKind::ModelVersions { model } => {
                let release = restart.div_euclid(super::scenario::DEPLOY_PERIOD_SECONDS);
                3.0 + (release + model as i64).rem_euclid(4) as f64
            }
            GaugeKind::ModelLoadDuration { model } => {
                let h = hash(&[seed, 10, instance as u64, model as u64, restart as u64]);
                MODELS[model].load_seconds * (1.0 + 0.15 * signed(h))
            }
            GaugeKind::LastSync => {
                // Syncs every two minutes, each instance at its own phase.
                let phase = (instance as i64 * 17) % SYNC_PERIOD_SECONDS;
                let since = (i64_t - phase).rem_euclid(SYNC_PERIOD_SECONDS);
                (i64_t - since) as f64
            }
            GaugeKind::BuildInfo => 1.0,
            GaugeKind::Deployments { failed } => {
                let (all, bad) = releases_until(instance, i64_t);
                if failed {
                    bad as f64
                } else {
                    (all - bad) as f64
                }
            }
            GaugeKind::CpuLimit => CPU_LIMIT_CORES,
            GaugeKind::MemoryLimit => MEMORY_LIMIT_BYTES,
        }
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

    /// A trace exemplar for a latency bucket at `tick`, when the model expects at least one
    /// request of that tick to land between the bucket's bounds.
    pub fn exemplar(
        &self,
        instance: usize,
        def: &SeriesDef,
        tick: i64,
        value: f64,
    ) -> Option<Exemplar> {
        let (e, lo, hi) = def.exemplar_range?;
        if value <= 0.0 {
            return None;
        }
        let et = self.endpoint_tick(instance, e, tick);
        let is_inf = def.labels.ends_with("le=\"+Inf\"");
        let upper = if is_inf {
            1.0
        } else {
            lognormal_cdf(hi, et.median, LATENCY_SIGMA)
        };
        let mass = upper - lognormal_cdf(lo, et.median, LATENCY_SIGMA);
        if mass * et.requests < 1.0 {
            return None;
        }
        let h = hash(&[self.seed(), 11, instance as u64, e as u64, tick as u64]) ^ hi.to_bits();
        Some(Exemplar {
            trace_id: trace_id(h),
            value: lo + (hi - lo) * (0.05 + 0.9 * unit(h)),
            timestamp: (tick * TICK_SECONDS) as f64,
        })
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

/// Per (environment, cluster): requests, 5xx errors and latency bucket counts of one tick,
/// without `/healthz` — the inputs of the SLO series.
#[derive(Debug, Clone, Default)]
pub struct SloTick {
    pub requests: f64,
    pub errors: f64,
    /// Cumulative counts per [`LATENCY_BUCKETS`] bound (+Inf last).
    pub buckets: Vec<f64>,
}

/// Adds one instance's increments to its SLO aggregate.
pub fn add_slo_increments(agg: &mut SloTick, inc: &[f64]) {
    if agg.buckets.is_empty() {
        agg.buckets = vec![0.0; N_LB];
    }
    for e in 0..ENDPOINTS.len() {
        if e == HEALTHZ {
            continue;
        }
        let row = HTTP_REQUESTS + e * STATUS_CODES.len();
        agg.requests += inc[row..row + STATUS_CODES.len()].iter().sum::<f64>();
        agg.errors += inc[row + 2] + inc[row + 3];
        let base = DURATION + e * DURATION_STRIDE;
        for (b, slot) in agg.buckets.iter_mut().enumerate() {
            *slot += inc[base + b];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_764_000_000;

    fn world() -> World {
        World::new(Scenario::default())
    }

    #[test]
    fn catalogue_covers_every_counter_slot_once() {
        let w = world();
        let mut seen = vec![0; N_COUNTERS];
        for def in w.catalogue(0) {
            if let Source::Counter { index, .. } = def.source {
                seen[index] += 1;
            }
        }
        // Unused slots are only the 4xx/5xx of /healthz (always zero).
        let unused: Vec<usize> = (0..N_COUNTERS).filter(|&i| seen[i] == 0).collect();
        let healthz_row = HTTP_REQUESTS + HEALTHZ * STATUS_CODES.len();
        assert_eq!(
            unused,
            vec![healthz_row + 1, healthz_row + 2, healthz_row + 3]
        );
        assert!(seen.iter().all(|&n| n <= 1));
    }

    #[test]
    fn catalogue_is_sorted_by_family() {
        let w = world();
        let families: Vec<usize> = w.catalogue(0).iter().map(|d| d.family).collect();
        let mut sorted = families.clone();
        sorted.sort();
        assert_eq!(families, sorted);
        assert_eq!(*families.last().unwrap_or(&0), FAMILIES.len() - 1);
    }

    #[test]
    fn increments_are_deterministic_whole_and_monotonic_in_buckets() {
        let w = world();
        let tick = T0 / TICK_SECONDS;
        let a = w.increments(0, tick);
        assert_eq!(a, w.increments(0, tick));
        for e in 0..ENDPOINTS.len() {
            let base = DURATION + e * DURATION_STRIDE;
            let buckets = &a[base..base + N_LB];
            assert!(buckets.windows(2).all(|p| p[0] <= p[1]), "{buckets:?}");
            assert_eq!(buckets[N_LB - 1], a[base + N_LB + 1]);
            let row = HTTP_REQUESTS + e * STATUS_CODES.len();
            let by_status: f64 = a[row..row + 4].iter().sum();
            assert_eq!(by_status, a[base + N_LB + 1]);
            assert!(
                a[row..row + 4]
                    .iter()
                    .all(|v| v.fract() == 0.0 && *v >= 0.0)
            );
        }
        // Production traffic: tens of requests per second per instance.
        let total: f64 = (0..ENDPOINTS.len())
            .map(|e| a[DURATION + e * DURATION_STRIDE + N_LB + 1])
            .sum();
        assert!(total > 15.0 * 30.0 && total < 15.0 * 250.0, "{total}");
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

    #[test]
    fn latency_spike_raises_the_slow_buckets() {
        let w = world();
        let incident = w
            .scenario
            .incidents_between(T0, T0 + 86_400)
            .into_iter()
            .find(|i| i.kind == super::super::scenario::IncidentKind::LatencySpike);
        let Some(incident) = incident else {
            panic!("no latency spike in a day");
        };
        let during = w.endpoint_tick(
            incident.instance,
            incident.endpoint,
            incident.start / 15 + 1,
        );
        let before = w.endpoint_tick(
            incident.instance,
            incident.endpoint,
            incident.start / 15 - 2,
        );
        assert!(during.median > 2.5 * before.median);
        let p_over_slo = 1.0 - lognormal_cdf(0.3, during.median, LATENCY_SIGMA);
        assert!(p_over_slo > 0.01, "{p_over_slo}");
    }

    #[test]
    fn baseline_latency_stays_under_the_slo() {
        let w = World::new(Scenario {
            incidents: false,
            ..Scenario::default()
        });
        for h in 0..24 {
            let et = w.endpoint_tick(2, 0, (T0 + h * 3600) / TICK_SECONDS);
            let p99 = 1.0 - lognormal_cdf(0.3, et.median, LATENCY_SIGMA);
            assert!(p99 < 0.01, "hour {h}: {p99}");
        }
    }

    #[test]
    fn releases_count_every_restart_and_about_one_in_twelve_fails() {
        for instance in 0..INSTANCES.len() {
            let r = last_restart(instance, T0);
            let (before, failed_before) = releases_until(instance, r - 1);
            let (at, failed_at) = releases_until(instance, r);
            assert_eq!(at, before + 1);
            assert!(failed_at - failed_before <= 1);
            let (later, failed_later) = releases_until(instance, r + 120 * 86_400);
            // Eight releases a day.
            assert_eq!(later - at, 8 * 120);
            let share = (failed_later - failed_at) as f64 / (later - at) as f64;
            assert!((0.07..0.1).contains(&share), "{share}");
        }
    }

    #[test]
    fn registry_client_downloads_after_a_restart_and_syncs_every_two_minutes() {
        let w = world();
        let restart = last_restart(0, T0) / TICK_SECONDS;
        let after = w.increments(0, restart + 1);
        assert!((0..MODELS.len()).all(|m| after[REGISTRY + 2 * m] >= 1.0));
        let syncs: f64 = (restart + 1..restart + 1 + 80)
            .map(|k| w.increments(0, k)[SYNCS])
            .sum();
        assert_eq!(syncs, 10.0);
    }

    #[test]
    fn lognormal_cdf_is_half_at_the_median() {
        assert!((lognormal_cdf(0.07, 0.07, 0.45) - 0.5).abs() < 1e-6);
        assert!(lognormal_cdf(10.0, 0.07, 0.45) > 0.999_999);
        assert_eq!(lognormal_cdf(0.0, 0.07, 0.45), 0.0);
    }
}
