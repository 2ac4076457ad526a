//! The network edge, the only module that speaks HTTP: one client builder and size-capped
//! reads (`http`), text sanitising of everything that arrives (`sanitize`), and a client per
//! backend: Prometheus, Grafana, Loki, Jaeger, Tempo, Alertmanager (traces of the last two
//! in OTLP JSON: `otlp`).

pub mod alertmanager;
mod edge;
pub mod grafana;
pub mod http;
pub mod jaeger;
pub mod loki;
pub mod otlp;
pub mod prometheus;
pub mod sanitize;
pub mod tempo;
pub mod webhook;

pub use prometheus::{Alert, Exemplar, PromClient, PromConfig, PromError, QueryAnswer, RawSeries};
