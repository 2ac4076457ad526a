//! The alerts pane's data: Prometheus's pending and firing alerts, with Alertmanager's (API v2)
//! merged in when one is configured. Either source failing alone still shows the other, with the
//! failure named.

use std::collections::BTreeMap;

use crate::data::Alert;
use crate::net::PromClient;
use crate::net::alertmanager::{AlertmanagerClient, combine_sources};
use crate::net::http::Connection;

/// The alerts, firing first and then the longest-standing, and what failed when only one of
/// the two sources answered.
pub type AlertsAnswer = Result<(Vec<Alert>, Option<String>), String>;

/// `external_labels`: what Prometheus adds to the alerts it sends Alertmanager, ignored when
/// matching the two sources' copies of an alert.
pub async fn fetch(
    prometheus: &PromClient,
    alertmanager: Option<&Connection>,
    external_labels: &BTreeMap<String, String>,
) -> AlertsAnswer {
    let from_prometheus = prometheus.alerts().await.map_err(|e| e.to_string());
    let from_alertmanager = match alertmanager {
        Some(connection) => Some(match AlertmanagerClient::with(connection.clone()) {
            Ok(am) => am.alerts().await,
            Err(e) => Err(e),
        }),
        None => None,
    };
    let (mut alerts, partial) =
        combine_sources(from_prometheus, from_alertmanager, external_labels)?;
    alerts.sort_by_key(|a| (a.state != "firing", a.active_at_ms));
    Ok((alerts, partial))
}
