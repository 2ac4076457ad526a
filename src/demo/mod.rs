//! The demo world: a synthetic inference gateway (deterministic model, scenario engine, exporter),
//! its backfilled history and a launcher for a real Prometheus stack around it.
//!
//! Pure parts (`noise`, `fleet`, `tick`, `scenario`, `world`, `openmetrics`, `backfill`) do no I/O beyond
//! writing to a given writer; `exporter`, `process`, `http` and `stack` run things.

pub mod backfill;
pub mod error;
pub mod exporter;
pub mod fleet;
pub mod http;
pub mod noise;
pub mod openmetrics;
pub mod process;
pub mod scenario;
pub mod stack;
pub mod standin;
pub mod tick;
pub mod world;

/// The demo's dashboard, embedded so `triage demo` works from any directory.
pub const DASHBOARD_JSON: &str = include_str!("../../layouts/service/inference-gateway.json");

pub use error::DemoError;
pub use scenario::Scenario;
pub use stack::{Stack, StackOptions, run_headless};
