//! The alerts pane's data: Prometheus's pending and firing alerts, with Alertmanager's (API v2)
//! merged in when one is configured. Either source failing alone still shows the other, with the
//! failure named.

use crate::data::Alert;
use crate::net::PromClient;
use crate::net::alertmanager::{AlertmanagerClient, combine_sources};
use crate::net::http::Connection;

/// The alerts, firing first and then the longest-standing, and what failed when only one of
/// the two sources answered.
pub type AlertsAnswer = Result<(Vec<Alert>, Option<String>), String>;

pub async fn fetch(prometheus: &PromClient, alertmanager: Option<&Connection>) -> AlertsAnswer {
    let from_prometheus = prometheus.alerts().await.map_err(|e| e.to_string());
    let (from_alertmanager, external_labels) = match alertmanager {
        Some(connection) => {
            let am = async {
                match AlertmanagerClient::with(connection.clone()) {
                    Ok(am) => am.alerts().await,
                    Err(e) => Err(e),
                }
            };
            // Only needed to match the two sources' copies of an alert; unknown is none.
            let external = async { prometheus.external_labels().await.unwrap_or_default() };
            let (am, external) = tokio::join!(am, external);
            (Some(am), external)
        }
        None => (None, Default::default()),
    };
    let (mut alerts, partial) =
        combine_sources(from_prometheus, from_alertmanager, &external_labels)?;
    alerts.sort_by_key(|a| (a.state != "firing", a.active_at_ms));
    Ok((alerts, partial))
}
