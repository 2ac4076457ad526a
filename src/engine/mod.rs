//! Turns a dashboard, its variables, a time range and panel sizes into queries and frames.

pub mod frame;
