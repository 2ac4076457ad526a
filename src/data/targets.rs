//! Scrape targets as Prometheus reports them (`/api/v1/targets`): their labels and how often
//! they are scraped, from which the scrape interval behind a query is found.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScrapeTarget {
    /// The target's labels after relabelling (`job`, `instance`, ...).
    pub labels: BTreeMap<String, String>,
    /// `scrapeInterval` as Prometheus gives it (`15s`, `1m`).
    pub scrape_interval: String,
}
