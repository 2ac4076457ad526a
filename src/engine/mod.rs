//! Turns a dashboard, its variables, a time range and panel sizes into queries and frames, and
//! runs every request the UI needs (panels, drill-downs, alerts) as background tasks that
//! report events.

pub mod alerts;
pub mod annotations;
pub mod complete;
pub mod datasources;
pub mod drill;
pub mod expand;
pub mod incremental;
pub mod logql_plan;
pub mod plan;
pub mod refresh;
mod refresh_plan;
pub mod session;
pub mod variables;
