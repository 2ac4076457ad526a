//! Grafana's HTTP API, as the network edge for working through a live Grafana: search and
//! folders, dashboards by uid (v2-schema ones through the `dashboard.grafana.app` API),
//! datasources (whose proxy the engine then queries like any
//! Prometheus), and the stable file form `triage pull` writes.
//!
//! Everything that reaches text shown to a person is sanitised here, and the token never
//! appears in a message.

pub mod client;
pub mod library;
pub mod resource;
pub mod types;

pub use client::{GrafanaClient, GrafanaConfig, GrafanaError};
pub use types::{DashboardDoc, DatasourceInfo, Folder, SearchHit, SearchQuery};
