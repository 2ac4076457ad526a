//! Turns a dashboard, its variables, a time range and panel sizes into queries and frames.

pub mod annotations;
pub mod datasources;
pub mod expand;
pub mod plan;
pub mod refresh;
pub mod session;
pub mod variables;
