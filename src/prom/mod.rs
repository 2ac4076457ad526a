//! The only module that speaks HTTP: Prometheus API client and text sanitising at the edge.

pub mod client;
pub mod sanitize;

pub use client::{Alert, PromClient, PromConfig, PromError, QueryAnswer, RawSeries};
