//! Alertmanager's API v2 (`GET /api/v2/alerts`): the alerts it holds, with whether they are
//! silenced or inhibited, as the same `Alert` the alerts pane shows for Prometheus.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::edge::EdgeClient;
use super::prometheus::Alert;
use super::sanitize::sanitize;

#[derive(Clone, Debug)]
pub struct AlertmanagerClient {
    edge: EdgeClient,
}

#[derive(Deserialize)]
struct RawAlert {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(rename = "startsAt", default)]
    starts_at: Option<String>,
    #[serde(default)]
    status: RawStatus,
}

#[derive(Deserialize, Default)]
struct RawStatus {
    #[serde(default)]
    state: String,
    #[serde(rename = "silencedBy", default)]
    silenced_by: Vec<String>,
    #[serde(rename = "inhibitedBy", default)]
    inhibited_by: Vec<String>,
    /// Alertmanager 0.28+: the time intervals that mute it now.
    #[serde(rename = "mutedBy", default)]
    muted_by: Vec<String>,
}

impl AlertmanagerClient {
    /// A client with credentials, tenant and extra headers, CA file.
    pub fn with(connection: super::http::Connection) -> Result<Self, String> {
        Ok(AlertmanagerClient {
            edge: EdgeClient::with(connection, "Alertmanager")?,
        })
    }

    /// Every alert Alertmanager holds (active, silenced and inhibited).
    pub async fn alerts(&self) -> Result<Vec<Alert>, String> {
        decode_alerts(self.edge.get_json("/api/v2/alerts", &[]).await?)
    }
}

pub fn decode_alerts(value: serde_json::Value) -> Result<Vec<Alert>, String> {
    let raw: Vec<RawAlert> = serde_json::from_value(value).map_err(|e| {
        format!(
            "Alertmanager: not an /api/v2/alerts answer: {}",
            sanitize(&e.to_string())
        )
    })?;
    let clean = |m: BTreeMap<String, String>| -> BTreeMap<String, String> {
        m.into_iter()
            .map(|(k, v)| (sanitize(&k), sanitize(&v)))
            .collect()
    };
    Ok(raw
        .into_iter()
        .map(|a| {
            let suppressed = if !a.status.silenced_by.is_empty() {
                Some(format!(
                    "silenced ({})",
                    sanitize(&a.status.silenced_by.join(", "))
                ))
            } else if !a.status.inhibited_by.is_empty() {
                Some("inhibited".to_string())
            } else if !a.status.muted_by.is_empty() {
                Some(format!(
                    "muted ({})",
                    sanitize(&a.status.muted_by.join(", "))
                ))
            } else if a.status.state == "suppressed" {
                Some("suppressed".to_string())
            } else {
                None
            };
            Alert {
                labels: clean(a.labels),
                annotations: clean(a.annotations),
                // Alertmanager only holds alerts that fire (`active`); `unprocessed` ones have
                // just arrived and are not routed yet, so they are not shown as firing.
                state: if a.status.state == "unprocessed" {
                    "pending".into()
                } else {
                    "firing".into()
                },
                active_at_ms: a
                    .starts_at
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                    .map(|t| t.timestamp_millis()),
                value: String::new(),
                source: "alertmanager".into(),
                suppressed,
            }
        })
        .collect())
}

/// Prometheus's and Alertmanager's alerts as one list: an alert both know is shown once, with
/// Prometheus's state and Alertmanager's silence/inhibition. Prometheus adds its external
/// labels to what it sends Alertmanager but not to `/api/v1/alerts`, so those are ignored
/// when matching (HA pairs, Thanos, Mimir).
pub fn merge_alerts(
    prometheus: Vec<Alert>,
    alertmanager: Vec<Alert>,
    external_labels: &BTreeMap<String, String>,
) -> Vec<Alert> {
    let without_external = |labels: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        labels
            .iter()
            .filter(|(k, v)| external_labels.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let mut merged = prometheus;
    for am in alertmanager {
        let own = without_external(&am.labels);
        match merged
            .iter_mut()
            .find(|p| p.source == "prometheus" && without_external(&p.labels) == own)
        {
            Some(p) => {
                p.source = "prometheus+alertmanager".into();
                p.suppressed = am.suppressed;
                for (k, v) in am.annotations {
                    p.annotations.entry(k).or_insert(v);
                }
            }
            None => merged.push(am),
        }
    }
    merged
}

/// The alerts pane's list from both sources' answers (`alertmanager` is `None` when none is
/// configured): either failing alone still gives the other's alerts, with the failure said
/// beside them; both failing is the error.
pub fn combine_sources(
    prometheus: Result<Vec<Alert>, String>,
    alertmanager: Option<Result<Vec<Alert>, String>>,
    external_labels: &BTreeMap<String, String>,
) -> Result<(Vec<Alert>, Option<String>), String> {
    match (prometheus, alertmanager) {
        (Ok(p), None) => Ok((p, None)),
        (Ok(p), Some(Ok(a))) => Ok((merge_alerts(p, a, external_labels), None)),
        (Err(e), None) => Err(e),
        (Err(p), Some(Err(a))) => Err(format!("{p}; {a}")),
        (Ok(p), Some(Err(a))) => Ok((p, Some(format!("{a}: showing Prometheus's alerts only")))),
        (Err(p), Some(Ok(a))) => Ok((a, Some(format!("{p}: showing Alertmanager's alerts only")))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_source_failing_shows_the_other_and_says_so() {
        let alert = |source: &str| Alert {
            source: source.into(),
            ..Alert::default()
        };
        let (alerts, note) = combine_sources(
            Ok(vec![alert("prometheus")]),
            Some(Err("Alertmanager: connection refused".into())),
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(
            note.as_deref(),
            Some("Alertmanager: connection refused: showing Prometheus's alerts only")
        );
        let (alerts, note) = combine_sources(
            Err("cannot reach Prometheus".into()),
            Some(Ok(vec![alert("alertmanager")])),
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(alerts[0].source, "alertmanager");
        assert!(note.unwrap().contains("showing Alertmanager's alerts only"));
        assert_eq!(
            combine_sources(
                Err("p down".into()),
                Some(Err("am down".into())),
                &BTreeMap::new()
            ),
            Err("p down; am down".into())
        );
        assert_eq!(
            combine_sources(Ok(vec![]), None, &BTreeMap::new()),
            Ok((vec![], None))
        );
    }

    #[test]
    fn silenced_and_inhibited_are_named_and_duplicates_merge() {
        let value = serde_json::json!([
            {"labels": {"alertname": "HighLatency", "service": "gw"}, "annotations": {"runbook_url": "https://rb/x"},
             "startsAt": "2026-11-24T10:00:00Z", "endsAt": "2026-11-24T10:05:00Z", "fingerprint": "f1", "receivers": [{"name": "b"}],
             "updatedAt": "2026-11-24T10:00:00Z", "generatorURL": "http://p",
             "status": {"state": "suppressed", "silencedBy": ["s-1"], "inhibitedBy": []}},
            {"labels": {"alertname": "Other"}, "annotations": {}, "startsAt": "2026-11-24T10:00:00Z",
             "status": {"state": "suppressed", "silencedBy": [], "inhibitedBy": ["f9"]}}
        ]);
        let am = decode_alerts(value).unwrap();
        assert_eq!(am[0].suppressed.as_deref(), Some("silenced (s-1)"));
        assert_eq!(am[1].suppressed.as_deref(), Some("inhibited"));
        assert_eq!(am[0].active_at_ms, Some(1_795_514_400_000));
        let prom = vec![Alert {
            labels: am[0].labels.clone(),
            state: "firing".into(),
            source: "prometheus".into(),
            ..Alert::default()
        }];
        let merged = merge_alerts(prom, am, &BTreeMap::new());
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].source, "prometheus+alertmanager");
        assert_eq!(merged[0].annotations["runbook_url"], "https://rb/x");
        assert_eq!(merged[0].suppressed.as_deref(), Some("silenced (s-1)"));
    }

    #[test]
    fn external_labels_do_not_split_an_alert_in_two() {
        let labels = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let prom = vec![Alert {
            labels: labels(&[("alertname", "Watchdog"), ("severity", "none")]),
            state: "firing".into(),
            source: "prometheus".into(),
            ..Alert::default()
        }];
        let am = decode_alerts(serde_json::json!([
            {"labels": {"alertname": "Watchdog", "severity": "none", "replica": "a"},
             "startsAt": "2026-11-24T10:00:00Z",
             "status": {"state": "suppressed", "silencedBy": [], "inhibitedBy": [], "mutedBy": ["weekends"]}},
            {"labels": {"alertname": "Fresh"}, "startsAt": "2026-11-24T10:00:00Z",
             "status": {"state": "unprocessed", "silencedBy": [], "inhibitedBy": []}}
        ]))
        .unwrap();
        assert_eq!(am[0].suppressed.as_deref(), Some("muted (weekends)"));
        assert_eq!(am[1].state, "pending");
        let external = labels(&[("replica", "a")]);
        let merged = merge_alerts(prom.clone(), am.clone(), &external);
        assert_eq!(merged.len(), 2, "{merged:?}");
        assert_eq!(merged[0].source, "prometheus+alertmanager");
        assert_eq!(merged[0].suppressed.as_deref(), Some("muted (weekends)"));
        // Another replica's value is a different alert, as it is for Alertmanager.
        let other = labels(&[("replica", "b")]);
        assert_eq!(merge_alerts(prom, am, &other).len(), 3);
    }
}
