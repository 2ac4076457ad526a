//! Declared incidents and cloud spend: the business records the executive dashboard reads, as
//! closed-form functions of time so the 30-day backfill and the live exporter agree to the second
//! and never reset.
//!
//! Incidents: every instance has a schedule per severity (a `critical` one every
//! [`CRITICAL_PERIOD_SECONDS`], a `warning` one every [`WARNING_PERIOD_SECONDS`], each at its own
//! phase). Incident `k` lasts a duration cycling through a short list, so both the number resolved
//! and the total time to resolution up to any `t` are closed forms. The exporter shows them as the
//! summary `ml_platform_incident_duration_seconds{severity}` (`_count`: incidents resolved,
//! `_sum`: their declaration-to-resolution time), counted when an incident is resolved.
//!
//! Spend: `cloud_billing_cost_dollars_total` grows at a constant hourly price per instance (a
//! base for the node plus one per GPU), from [`BILLING_ORIGIN`].

use super::INSTANCES;

/// Severity label values, in the order of the catalogue.
pub const SEVERITIES: [&str; 2] = ["critical", "warning"];
pub const CRITICAL_PERIOD_SECONDS: i64 = 7 * 86_400;
pub const WARNING_PERIOD_SECONDS: i64 = 2 * 86_400;
/// Minutes to resolution of consecutive incidents of one severity (cycled, shifted per instance).
const CRITICAL_MINUTES: [i64; 6] = [20, 30, 40, 50, 60, 70];
const WARNING_MINUTES: [i64; 5] = [10, 18, 26, 34, 42];

/// Unix time the billing counters start from (2025-01-01T00:00:00Z).
pub const BILLING_ORIGIN: i64 = 1_735_689_600;
/// Hourly price of one gateway node without GPUs, and of each GPU, in US dollars.
pub const NODE_DOLLARS_PER_HOUR: f64 = 0.38;
pub const GPU_DOLLARS_PER_HOUR: f64 = 1.21;

/// (period, phase, minutes cycle) of one instance's schedule for one severity.
fn schedule(instance: usize, severity: usize) -> (i64, i64, &'static [i64]) {
    let (period, minutes): (i64, &[i64]) = if severity == 0 {
        (CRITICAL_PERIOD_SECONDS, &CRITICAL_MINUTES)
    } else {
        (WARNING_PERIOD_SECONDS, &WARNING_MINUTES)
    };
    let phase = (instance as i64 * 93_601 + severity as i64 * 40_507).rem_euclid(period);
    (period, phase, minutes)
}

/// Seconds to resolution of incident `k`.
fn duration(instance: usize, minutes: &[i64], k: i64) -> i64 {
    let n = minutes.len() as i64;
    minutes[(k + instance as i64).rem_euclid(n) as usize] * 60
}

/// Total seconds to resolution of incidents `0..n`.
fn durations_of_first(instance: usize, minutes: &[i64], n: i64) -> i64 {
    let len = minutes.len() as i64;
    let cycle: i64 = minutes.iter().sum::<i64>() * 60;
    let full = n.div_euclid(len);
    let rest: i64 = (full * len..n)
        .map(|k| duration(instance, minutes, k))
        .sum();
    full * cycle + rest
}

/// Incidents of `instance` with severity index `severity` resolved by `t`, and their total
/// declaration-to-resolution time in seconds.
pub fn incidents_resolved(instance: usize, severity: usize, t: i64) -> (i64, i64) {
    let (period, phase, minutes) = schedule(instance, severity);
    if t < phase {
        return (0, 0);
    }
    let started = (t - phase).div_euclid(period) + 1;
    let last = started - 1;
    let still_open = t < phase + last * period + duration(instance, minutes, last);
    let resolved = if still_open { started - 1 } else { started };
    (resolved, durations_of_first(instance, minutes, resolved))
}

/// Dollars billed for `instance` from [`BILLING_ORIGIN`] to `t`.
pub fn billed_dollars(instance: usize, t: f64) -> f64 {
    let per_hour = NODE_DOLLARS_PER_HOUR + GPU_DOLLARS_PER_HOUR * INSTANCES[instance].gpus as f64;
    per_hour * ((t - BILLING_ORIGIN as f64).max(0.0) / 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_764_000_000;

    #[test]
    fn counts_match_a_walk_over_the_schedule() {
        for instance in 0..INSTANCES.len() {
            for severity in 0..SEVERITIES.len() {
                let (period, phase, minutes) = schedule(instance, severity);
                let mut count = 0;
                let mut total = 0;
                let mut k = 0;
                while phase + k * period <= T0 {
                    let end = phase + k * period + duration(instance, minutes, k);
                    if end <= T0 {
                        count += 1;
                        total += end - (phase + k * period);
                    }
                    k += 1;
                }
                assert_eq!(incidents_resolved(instance, severity, T0), (count, total));
            }
        }
    }

    #[test]
    fn an_incident_counts_when_resolved_and_counters_never_fall() {
        let (period, phase, minutes) = schedule(0, 0);
        let k = (T0 - phase).div_euclid(period) + 1;
        let start = phase + k * period;
        let end = start + duration(0, minutes, k);
        let before = incidents_resolved(0, 0, start);
        assert_eq!(incidents_resolved(0, 0, end - 1), before);
        let after = incidents_resolved(0, 0, end);
        assert_eq!(after.0, before.0 + 1);
        assert_eq!(after.1, before.1 + (end - start));
        let mut prev = (0, 0);
        for t in (T0..T0 + 30 * 86_400).step_by(3_571) {
            let now = incidents_resolved(3, 1, t);
            assert!(now.0 >= prev.0 && now.1 >= prev.1);
            prev = now;
        }
    }

    #[test]
    fn a_month_has_a_handful_of_incidents_lasting_about_half_an_hour() {
        let month = 30 * 86_400;
        let (mut count, mut total) = (0, 0);
        for i in 0..INSTANCES.len() {
            for s in 0..SEVERITIES.len() {
                let (c1, d1) = incidents_resolved(i, s, T0 + month);
                let (c0, d0) = incidents_resolved(i, s, T0);
                count += c1 - c0;
                total += d1 - d0;
            }
        }
        assert!((60..=160).contains(&count), "{count}");
        let mean = total as f64 / count as f64;
        assert!((1200.0..2400.0).contains(&mean), "{mean}");
    }

    #[test]
    fn spend_grows_by_the_hourly_price() {
        let gpus = INSTANCES[0].gpus as f64;
        let hour = billed_dollars(0, (T0 + 3600) as f64) - billed_dollars(0, T0 as f64);
        assert!((hour - (NODE_DOLLARS_PER_HOUR + GPU_DOLLARS_PER_HOUR * gpus)).abs() < 1e-6);
        assert_eq!(billed_dollars(0, (BILLING_ORIGIN - 10) as f64), 0.0);
    }
}
