//! triage: Grafana dashboards in the terminal, for on-call triage.
//!
//! Layering (see docs/architecture.md and `tests/layering.rs`): `grafana` (pure dashboard
//! semantics) → `engine` (planning, every request, frames) → `view` (view models) → `tui`
//! (drawing). Only `net` speaks HTTP; only `tui` and the renderer touch the terminal.
#![deny(unsafe_code)]

pub mod check;
pub mod cli;
pub mod data;
pub mod demo;
pub mod engine;
pub mod grafana;
pub mod links;
pub mod net;
pub mod provision;
pub mod tui;
pub mod view;
