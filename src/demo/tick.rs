//! The demo's clock resolution, shared by the scenario schedule and the world model (kept apart
//! from both so neither has to import the other for it).

/// Counter resolution: one increment per instance per tick (the scrape interval dashboards assume).
pub const TICK_SECONDS: i64 = 15;
