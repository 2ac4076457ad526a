//! The inputs of the SLO series, aggregated from the instances' increments.

use super::layout::{DURATION, DURATION_STRIDE, HTTP_REQUESTS, N_LB};
use super::{ENDPOINTS, HEALTHZ, STATUS_CODES};

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
