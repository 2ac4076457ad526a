//! triage: Grafana dashboards in the terminal, for on-call triage.
//!
//! Layering (see docs/architecture.md): `grafana` (pure dashboard semantics) → `engine`
//! (planning, fetching, frames) → `tui` (drawing). Only `prom` and `grafana_api` speak HTTP; only `tui` and `cli`
//! touch the terminal.
#![deny(unsafe_code)]

pub mod check;
pub mod cli;
pub mod demo;
pub mod engine;
pub mod grafana;
pub mod grafana_api;
pub mod links;
pub mod prom;
pub mod provision;
pub mod tui;
pub mod view;
