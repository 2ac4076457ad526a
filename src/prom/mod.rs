//! The only module that speaks HTTP: Prometheus API client, the drill-down backends (Loki,
//! Jaeger, Alertmanager) and text sanitising at the edge.

pub mod alertmanager;
pub mod client;
mod edge;
pub mod jaeger;
pub mod loki;
pub mod sanitize;

pub use client::{Alert, Exemplar, PromClient, PromConfig, PromError, QueryAnswer, RawSeries};
