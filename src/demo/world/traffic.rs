//! Expected traffic: load over the day, per-endpoint request rates, error ratios and the
//! log-normal latency model (with the trace exemplars drawn from it).

use std::f64::consts::{SQRT_2, TAU};

use super::{
    ENDPOINTS, EndpointTick, Exemplar, HEALTHZ, INSTANCES, SeriesDef, TICK_SECONDS, World,
};
use crate::demo::noise::{hash, signed, smooth, trace_id, unit};

/// Spread of the log-normal request latency.
pub(super) const LATENCY_SIGMA: f64 = 0.45;

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

impl World {
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
}

#[cfg(test)]
mod tests {
    use super::super::Scenario;
    use super::super::tests::{T0, world};
    use super::*;

    #[test]
    fn latency_spike_raises_the_slow_buckets() {
        let w = world();
        let incident = w
            .scenario
            .incidents_between(T0, T0 + 86_400)
            .into_iter()
            .find(|i| i.kind == crate::demo::scenario::IncidentKind::LatencySpike);
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
    fn lognormal_cdf_is_half_at_the_median() {
        assert!((lognormal_cdf(0.07, 0.07, 0.45) - 0.5).abs() < 1e-6);
        assert!(lognormal_cdf(10.0, 0.07, 0.45) > 0.999_999);
        assert_eq!(lognormal_cdf(0.0, 0.07, 0.45), 0.0);
    }
}
