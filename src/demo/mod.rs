//! The demo world: a synthetic inference gateway (deterministic model, scenario engine, exporter),
//! its backfilled history and a launcher for a real Prometheus stack around it.

pub mod backfill;
pub mod exporter;
pub mod noise;
pub mod openmetrics;
pub mod scenario;
pub mod world;
