//! Alerts of a Prometheus with external labels (as in HA pairs, Thanos and Mimir setups): it
//! adds them to what it sends Alertmanager but not to `/api/v1/alerts`, so without care every
//! alert would be listed twice. Against the demo's real Prometheus and Alertmanager.

use std::time::{Duration, Instant};

mod support;
use support::start_demo;
use triage::engine::alerts::fetch;
use triage::net::http::Connection;
use triage::net::{PromClient, PromConfig};

#[tokio::test(flavor = "multi_thread")]
async fn an_alert_both_know_is_listed_once() {
    let demo = tokio::task::spawn_blocking(start_demo).await.unwrap();
    let prometheus = PromClient::new(PromConfig::new(&demo.prometheus)).unwrap();
    let labels = prometheus.config_globals().await.unwrap().external_labels;
    assert_eq!(labels.get("replica").map(String::as_str), Some("demo-0"));
    let alertmanager = Connection::new(demo.url("alertmanager"));
    // Alertmanager gets the always-firing Watchdog after an evaluation and its group wait.
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let (alerts, partial) = fetch(&prometheus, Some(&alertmanager), &labels)
            .await
            .unwrap();
        assert_eq!(partial, None, "both sources answered");
        let watchdogs: Vec<_> = alerts
            .iter()
            .filter(|a| a.labels.get("alertname").map(String::as_str) == Some("Watchdog"))
            .collect();
        if watchdogs
            .iter()
            .any(|a| a.source == "prometheus+alertmanager")
        {
            assert_eq!(watchdogs.len(), 1, "listed once: {watchdogs:#?}");
            assert!(
                !watchdogs[0].labels.contains_key("replica"),
                "{watchdogs:#?}"
            );
            break;
        }
        assert!(
            watchdogs.len() <= 1,
            "an alert of both sources listed twice: {watchdogs:#?}"
        );
        assert!(
            Instant::now() < deadline,
            "Alertmanager never held the Watchdog: {alerts:#?}"
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    drop(demo);
}
