//! The incident and deploy schedule: a pure function of (scenario, time).
//!
//! Time is cut into 10-minute slots. Most slots hold one incident on one instance and endpoint:
//! a latency spike or a burst of 5xx. Every instance is redeployed every 3 hours (staggered),
//! which restarts it with a new `version` and resets its counters. The same schedule drives the
//! backfilled history and the live exporter, so both tell the same story.

use super::fleet::{ENDPOINTS, INSTANCES};
use super::noise::{hash, unit};
use super::tick::TICK_SECONDS;

/// Length of a scheduling slot; at most one incident per slot.
pub const SLOT_SECONDS: i64 = 600;
/// Every instance is redeployed this often (each at its own offset).
pub const DEPLOY_PERIOD_SECONDS: i64 = 3 * 3600;

/// What a demo run looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// Seed of all noise and of the incident schedule.
    pub seed: u64,
    /// When false the world is calm: no spikes or bursts (deploys still happen).
    pub incidents: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            seed: 0x7269_6167_6500,
            incidents: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentKind {
    /// The endpoint on one instance gets several times slower (its p99 crosses 300 ms).
    LatencySpike,
    /// The endpoint on one instance answers a sizeable share of requests with 500/503.
    ErrorBurst,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incident {
    pub kind: IncidentKind,
    /// Index into [`INSTANCES`].
    pub instance: usize,
    /// Index into [`ENDPOINTS`].
    pub endpoint: usize,
    /// Unix seconds, start inclusive, end exclusive.
    pub start: i64,
    pub end: i64,
    /// Latency multiplier (spike) or extra 5xx ratio (burst).
    pub severity: f64,
}

/// How an incident changes one instance's endpoint at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    pub latency_factor: f64,
    pub extra_error_ratio: f64,
}

impl Effect {
    pub const NONE: Effect = Effect {
        latency_factor: 1.0,
        extra_error_ratio: 0.0,
    };
}

impl Scenario {
    /// The incident of the slot containing `t`, if any (it may not have started yet).
    pub fn incident_in_slot(&self, t: i64) -> Option<Incident> {
        if !self.incidents {
            return None;
        }
        let slot = t.div_euclid(SLOT_SECONDS);
        let h = hash(&[self.seed, 0x51_07, slot as u64]);
        let kind = match h % 5 {
            0 | 1 => IncidentKind::LatencySpike,
            2 | 3 => IncidentKind::ErrorBurst,
            _ => return None,
        };
        let slot_start = slot * SLOT_SECONDS;
        let start = slot_start + 60 + ((h >> 8) % 120) as i64;
        let end = start + 240 + ((h >> 16) % 120) as i64;
        let instance = pick_instance(unit(hash(&[h, 1])));
        let endpoint = match (h >> 24) % 10 {
            0..=5 => 0,
            6 | 7 => 1,
            _ => 2,
        };
        let severity = match kind {
            IncidentKind::LatencySpike => 3.5 + 2.0 * unit(hash(&[h, 2])),
            IncidentKind::ErrorBurst => 0.08 + 0.17 * unit(hash(&[h, 3])),
        };
        Some(Incident {
            kind,
            instance,
            endpoint,
            start,
            end,
            severity,
        })
    }

    /// Incidents that start in `[from, to)`, in time order.
    pub fn incidents_between(&self, from: i64, to: i64) -> Vec<Incident> {
        let mut out = Vec::new();
        let mut slot_start = from.div_euclid(SLOT_SECONDS) * SLOT_SECONDS;
        while slot_start < to {
            if let Some(incident) = self.incident_in_slot(slot_start)
                && incident.start >= from
                && incident.start < to
            {
                out.push(incident);
            }
            slot_start += SLOT_SECONDS;
        }
        out
    }

    /// The effect on `instance`/`endpoint` at time `t`.
    pub fn effect(&self, t: i64, instance: usize, endpoint: usize) -> Effect {
        match self.incident_in_slot(t) {
            Some(i)
                if i.instance == instance
                    && i.endpoint == endpoint
                    && t >= i.start
                    && t < i.end =>
            {
                match i.kind {
                    IncidentKind::LatencySpike => Effect {
                        latency_factor: i.severity,
                        extra_error_ratio: 0.0,
                    },
                    IncidentKind::ErrorBurst => Effect {
                        latency_factor: 1.0,
                        extra_error_ratio: i.severity,
                    },
                }
            }
            _ => Effect::NONE,
        }
    }

    /// Is `instance` in a latency spike (on any endpoint) at `t`? Drives queue depth and GPU load.
    pub fn instance_latency_factor(&self, t: i64, instance: usize) -> f64 {
        (0..ENDPOINTS.len())
            .map(|e| self.effect(t, instance, e).latency_factor)
            .fold(1.0, f64::max)
    }
}

/// Incidents mostly hit production, where the default dashboard view looks.
fn pick_instance(u: f64) -> usize {
    let production: Vec<usize> = (0..INSTANCES.len())
        .filter(|&i| INSTANCES[i].environment == "production")
        .collect();
    let others: Vec<usize> = (0..INSTANCES.len())
        .filter(|&i| INSTANCES[i].environment != "production")
        .collect();
    if u < 0.75 || others.is_empty() {
        let k = ((u / 0.75) * production.len() as f64) as usize;
        production[k.min(production.len() - 1)]
    } else {
        let k = (((u - 0.75) / 0.25) * others.len() as f64) as usize;
        others[k.min(others.len() - 1)]
    }
}

/// Deploy offset of an instance inside the deploy period, so restarts are staggered.
pub fn deploy_offset(instance: usize) -> i64 {
    let step = DEPLOY_PERIOD_SECONDS / INSTANCES.len() as i64;
    // Whole ticks, so restarts fall on sample boundaries.
    (instance as i64 * step) / TICK_SECONDS * TICK_SECONDS
}

/// Unix time of the last (re)start of `instance` at or before `t`.
pub fn last_restart(instance: usize, t: i64) -> i64 {
    let off = deploy_offset(instance);
    (t + off).div_euclid(DEPLOY_PERIOD_SECONDS) * DEPLOY_PERIOD_SECONDS - off
}

/// The version an instance runs at `t`: the release train number at its last restart.
pub fn version_at(instance: usize, t: i64) -> String {
    let release = last_restart(instance, t).div_euclid(DEPLOY_PERIOD_SECONDS);
    let release = release.rem_euclid(1000);
    format!("2.{}.{}", release / 10, release % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_764_000_000;

    #[test]
    fn schedule_is_deterministic_and_frequent() {
        let s = Scenario::default();
        let a = s.incidents_between(T0, T0 + 6 * 3600);
        let b = s.incidents_between(T0, T0 + 6 * 3600);
        assert_eq!(a, b);
        // 36 slots, about 4 in 5 with an incident.
        assert!(a.len() >= 20, "only {} incidents in 6 h", a.len());
        assert!(a.iter().any(|i| i.kind == IncidentKind::LatencySpike));
        assert!(a.iter().any(|i| i.kind == IncidentKind::ErrorBurst));
        for i in &a {
            assert!(i.end > i.start);
            assert_eq!(
                i.start.div_euclid(SLOT_SECONDS),
                (i.end - 1).div_euclid(SLOT_SECONDS)
            );
        }
    }

    #[test]
    fn calm_scenario_has_no_incidents() {
        let s = Scenario {
            incidents: false,
            ..Scenario::default()
        };
        assert!(s.incidents_between(T0, T0 + 86_400).is_empty());
        assert_eq!(s.effect(T0, 0, 0), Effect::NONE);
    }

    #[test]
    fn effect_applies_only_inside_the_incident() {
        let s = Scenario::default();
        let i = s.incidents_between(T0, T0 + 86_400)[0];
        assert_ne!(s.effect(i.start, i.instance, i.endpoint), Effect::NONE);
        assert_eq!(s.effect(i.start - 1, i.instance, i.endpoint), Effect::NONE);
        assert_eq!(s.effect(i.end, i.instance, i.endpoint), Effect::NONE);
        let other = (i.instance + 1) % INSTANCES.len();
        assert_eq!(s.effect(i.start, other, i.endpoint), Effect::NONE);
    }

    #[test]
    fn restarts_are_periodic_and_change_the_version() {
        for instance in 0..INSTANCES.len() {
            let r = last_restart(instance, T0);
            assert!(r <= T0 && T0 - r < DEPLOY_PERIOD_SECONDS);
            assert_eq!(last_restart(instance, r), r);
            assert_eq!(last_restart(instance, r - 1), r - DEPLOY_PERIOD_SECONDS);
            assert_ne!(version_at(instance, r), version_at(instance, r - 1));
            assert_eq!(r % TICK_SECONDS, 0);
        }
    }
}
