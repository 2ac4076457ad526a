//! Layout of the per-instance counter vector: where each counter family's slots start and how
//! many it takes. The catalogue, the increments and the SLO aggregation all index through these.

use super::{
    BATCH_BUCKETS, CLASSIFYING_MODELS, CONFIDENCE_BUCKETS, ENDPOINTS, LATENCY_BUCKETS, MODELS,
    STAGES, STATUS_CODES,
};

/// Latency buckets including `+Inf`.
pub(super) const N_LB: usize = LATENCY_BUCKETS.len() + 1;
/// Buckets, `_sum` and `_count` of one endpoint's latency histogram.
pub(super) const DURATION_STRIDE: usize = N_LB + 2;
/// Confidence buckets including `+Inf`.
pub(super) const N_CB: usize = CONFIDENCE_BUCKETS.len() + 1;
pub(super) const CONFIDENCE_STRIDE: usize = N_CB + 2;
/// Batch size buckets including `+Inf`.
pub(super) const N_BB: usize = BATCH_BUCKETS.len() + 1;
const N_CLASSES: usize = 7;
pub(super) const HTTP_REQUESTS: usize = 0;
pub(super) const DURATION: usize = HTTP_REQUESTS + ENDPOINTS.len() * STATUS_CODES.len();
pub(super) const INFERENCE: usize = DURATION + ENDPOINTS.len() * DURATION_STRIDE;
pub(super) const STAGE: usize = INFERENCE + MODELS.len();
pub(super) const CONFIDENCE: usize = STAGE + 2 * STAGES.len();
pub(super) const PREDICTIONS: usize = CONFIDENCE + CLASSIFYING_MODELS * CONFIDENCE_STRIDE;
pub(super) const BATCH: usize = PREDICTIONS + N_CLASSES;
pub(super) const CPU: usize = BATCH + N_BB + 2;
/// Per model: downloads, then failed downloads; then successful and failed registry syncs.
pub(super) const REGISTRY: usize = CPU + 1;
pub(super) const SYNCS: usize = REGISTRY + 2 * MODELS.len();
/// Bytes received, then bytes sent.
pub(super) const NETWORK: usize = SYNCS + 2;
/// Number of counter slots per instance.
pub const N_COUNTERS: usize = NETWORK + 2;
