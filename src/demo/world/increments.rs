//! Counter increments of one instance during one tick: requests and their latency, the model
//! stages behind them, the process and the registry client. Event counts are whole numbers,
//! drawn with per-tick coins so the same tick always yields the same increments.

use super::layout::{
    BATCH, CONFIDENCE, CONFIDENCE_STRIDE, CPU, DURATION, DURATION_STRIDE, HTTP_REQUESTS, INFERENCE,
    N_BB, N_CB, N_COUNTERS, N_LB, NETWORK, PREDICTIONS, REGISTRY, STAGE, SYNCS,
};
use super::traffic::LATENCY_SIGMA;
use super::{
    BATCH_BUCKETS, CLASSIFYING_MODELS, CONFIDENCE_BUCKETS, ENDPOINTS, LATENCY_BUCKETS, MODELS,
    STATUS_CODES, SYNC_PERIOD_SECONDS, TICK_SECONDS, World, lognormal_cdf,
};
use crate::demo::noise::{hash, smooth, stochastic_round, unit};
use crate::demo::scenario::last_restart;

/// The deterministic coins of one instance's tick; `salt` names the draw, `sub` its item.
struct Coins {
    seed: u64,
    instance: usize,
    tick: i64,
}

impl Coins {
    fn flip(&self, salt: u64, sub: u64) -> u64 {
        hash(&[
            self.seed,
            2,
            self.instance as u64,
            self.tick as u64,
            salt,
            sub,
        ])
    }
}

/// What one tick's HTTP traffic hands on to the model stages behind it.
struct Served {
    by_model: [f64; MODELS.len()],
    /// Model time spent on the served requests.
    model_seconds: f64,
    /// Requests of every endpoint and status.
    all_requests: f64,
}

impl World {
    /// Counter increments of one instance during tick `tick` (whole numbers for event counts).
    pub fn increments(&self, instance: usize, tick: i64) -> Vec<f64> {
        let mut v = vec![0.0; N_COUNTERS];
        let tf = (tick * TICK_SECONDS) as f64;
        let coins = Coins {
            seed: self.seed(),
            instance,
            tick,
        };
        let traffic = self.http_increments(&mut v, instance, tick, &coins);
        let served: f64 = traffic.by_model.iter().sum();
        let load = self.load(instance, tf);
        stage_increments(&mut v, served, traffic.model_seconds, load);
        self.model_output_increments(&mut v, &traffic.by_model, tf, &coins);
        batch_increments(&mut v, served, load, &coins);
        let rps = traffic.all_requests / TICK_SECONDS as f64;
        let strain = self
            .scenario
            .instance_latency_factor(tick * TICK_SECONDS, instance);
        v[CPU] = TICK_SECONDS as f64 * (0.08 + 0.0045 * rps) * (1.0 + 0.1 * (strain - 1.0));
        registry_downloads(&mut v, instance, tick, &coins);
        // Request bodies are bigger than the answers.
        v[NETWORK] = traffic.all_requests * 1800.0;
        v[NETWORK + 1] = traffic.all_requests * 900.0;
        registry_syncs(&mut v, instance, tick, &coins);
        v
    }

    /// Requests by status and their latency histogram, per endpoint; inferences per model.
    fn http_increments(&self, v: &mut [f64], instance: usize, tick: i64, coins: &Coins) -> Served {
        let mut served = Served {
            by_model: [0.0; MODELS.len()],
            model_seconds: 0.0,
            all_requests: 0.0,
        };
        for (e, ep) in ENDPOINTS.iter().enumerate() {
            let et = self.endpoint_tick(instance, e, tick);
            let e64 = e as u64;
            let n = stochastic_round(et.requests, coins.flip(1, e64));
            let n400 = stochastic_round(n * et.p400, coins.flip(2, e64)).min(n);
            let n500 = stochastic_round(n * et.p500, coins.flip(3, e64)).min(n - n400);
            let n503 = stochastic_round(n * et.p503, coins.flip(4, e64)).min(n - n400 - n500);
            let row = HTTP_REQUESTS + e * STATUS_CODES.len();
            v[row] = n - n400 - n500 - n503;
            v[row + 1] = n400;
            v[row + 2] = n500;
            v[row + 3] = n503;
            let base = DURATION + e * DURATION_STRIDE;
            // One coin for all buckets keeps the cumulative buckets monotonic.
            let u = unit(coins.flip(5, e64));
            for (b, le) in LATENCY_BUCKETS.iter().enumerate() {
                v[base + b] = (n * lognormal_cdf(*le, et.median, LATENCY_SIGMA) + u)
                    .floor()
                    .min(n);
            }
            v[base + N_LB - 1] = n;
            v[base + N_LB] = n * et.median * (LATENCY_SIGMA * LATENCY_SIGMA / 2.0).exp();
            v[base + N_LB + 1] = n;
            served.all_requests += n;
            if let Some(m) = ep.model {
                let ok = n - n400;
                v[INFERENCE + m] += ok;
                served.by_model[m] += ok;
                served.model_seconds += ok * et.median * 0.75;
            }
        }
        served
    }

    /// Confidence histograms and predicted classes of the classifying models.
    fn model_output_increments(
        &self,
        v: &mut [f64],
        by_model: &[f64; MODELS.len()],
        tf: f64,
        coins: &Coins,
    ) {
        let mut class_index = PREDICTIONS;
        for (m, model) in MODELS.iter().enumerate().take(CLASSIFYING_MODELS) {
            let n = by_model[m];
            let base = CONFIDENCE + m * CONFIDENCE_STRIDE;
            let a = model.confidence_shape
                * (1.0 + 0.1 * smooth(self.seed(), 500 + m as u64, tf, 1800.0));
            let u = unit(coins.flip(6, m as u64));
            for (b, le) in CONFIDENCE_BUCKETS.iter().enumerate() {
                v[base + b] = (n * le.powf(a) + u).floor().min(n);
            }
            v[base + N_CB - 1] = n;
            v[base + N_CB] = n * a / (a + 1.0);
            v[base + N_CB + 1] = n;
            for (c, (_, share)) in model.classes.iter().enumerate() {
                let drift = 1.0 + 0.3 * smooth(self.seed(), 600 + (m * 8 + c) as u64, tf, 3600.0);
                let coin = coins.flip(7, class_index as u64);
                v[class_index] = stochastic_round(n * share * drift, coin);
                class_index += 1;
            }
        }
    }
}

/// The preprocess / model / postprocess summary: every served request passes each stage once.
fn stage_increments(v: &mut [f64], served: f64, model_seconds: f64, load: f64) {
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
}

/// Batch size histogram: batches grow with load (exponentially distributed sizes).
fn batch_increments(v: &mut [f64], served: f64, load: f64, coins: &Coins) {
    let mean_batch = 2.0 + 10.0 * (load - 0.5).clamp(0.0, 1.0);
    let batches = stochastic_round(served / mean_batch, coins.flip(8, 0));
    let u = unit(coins.flip(9, 0));
    for (b, le) in BATCH_BUCKETS.iter().enumerate() {
        v[BATCH + b] = (batches * (1.0 - (-le / mean_batch).exp()) + u)
            .floor()
            .min(batches);
    }
    v[BATCH + N_BB - 1] = batches;
    v[BATCH + N_BB] = served;
    v[BATCH + N_BB + 1] = batches;
}

/// Registry client: every model is fetched in the tick after a restart and a new version now and
/// then; one download in ten fails first and is retried.
fn registry_downloads(v: &mut [f64], instance: usize, tick: i64, coins: &Coins) {
    let fresh = last_restart(instance, (tick - 1) * TICK_SECONDS) / TICK_SECONDS == tick - 1;
    for m in 0..MODELS.len() {
        let new_version = unit(coins.flip(10, m as u64)) < 1.0 / 240.0;
        let downloads = f64::from(u8::from(fresh)) + f64::from(u8::from(new_version));
        if downloads > 0.0 {
            v[REGISTRY + 2 * m] = downloads;
            v[REGISTRY + 2 * m + 1] = f64::from(u8::from(unit(coins.flip(11, m as u64)) < 0.1));
        }
    }
}

/// Registry syncs falling into this tick (every [`SYNC_PERIOD_SECONDS`], per-instance phase).
fn registry_syncs(v: &mut [f64], instance: usize, tick: i64, coins: &Coins) {
    let t = tick * TICK_SECONDS;
    let phase = (instance as i64 * 17) % SYNC_PERIOD_SECONDS;
    let synced = (t - phase).div_euclid(SYNC_PERIOD_SECONDS)
        - (t - TICK_SECONDS - phase).div_euclid(SYNC_PERIOD_SECONDS);
    if synced > 0 {
        v[SYNCS] = synced as f64;
        // A failed attempt is retried at once, so the last successful sync stays fresh.
        v[SYNCS + 1] = f64::from(u8::from(unit(coins.flip(12, 0)) < 0.03));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{T0, world};
    use super::*;

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
}
