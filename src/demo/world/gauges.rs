//! Gauges computed directly from time (no accumulation): queue depth, GPU and memory use, the
//! registry client's state, the deploy counters derived from the schedule, container limits.

use super::{GaugeKind, MODELS, SYNC_PERIOD_SECONDS, TICK_SECONDS, World};
use crate::demo::noise::{hash, signed, smooth};
use crate::demo::scenario::{DEPLOY_PERIOD_SECONDS, deploy_offset, last_restart};

/// CPU and memory limits of every gateway container (what the saturation panels divide by).
pub const CPU_LIMIT_CORES: f64 = 1.5;
pub const MEMORY_LIMIT_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;
/// Every this many releases of an instance, counted from its own phase, one fails and is
/// rolled back (a change failure rate of about 8 %).
const FAILED_RELEASE_EVERY: i64 = 12;

/// Releases of `instance` up to `t` since the epoch: (all, failed). Release `k` starts at the
/// k-th restart; every [`FAILED_RELEASE_EVERY`]-th one (per-instance phase) fails.
pub fn releases_until(instance: usize, t: i64) -> (i64, i64) {
    let restart = last_restart(instance, t);
    let k = (restart + deploy_offset(instance)).div_euclid(DEPLOY_PERIOD_SECONDS);
    let phase = (instance as i64 * 5) % FAILED_RELEASE_EVERY;
    let failed = (k + phase).div_euclid(FAILED_RELEASE_EVERY) - phase / FAILED_RELEASE_EVERY;
    (k, failed)
}

impl World {
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
                let release = restart.div_euclid(DEPLOY_PERIOD_SECONDS);
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
            GaugeKind::BillingCost => super::billed_dollars(instance, t),
            GaugeKind::Incidents { severity, sum } => {
                if !self.scenario.incidents {
                    return 0.0;
                }
                let (count, seconds) = super::incidents_resolved(instance, severity, i64_t);
                if sum { seconds as f64 } else { count as f64 }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::INSTANCES;
    use super::super::tests::T0;
    use super::*;

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
}
