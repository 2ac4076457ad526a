//! `grafana/alerting/rules.yml`: one rule group per SLO, each rule linked to the dashboard panel
//! that shows its series.

use super::super::config::{ProvisionConfig, SloConfig};
use super::super::yaml::Node;
use super::LayoutFile;
use super::slo_alerts::{SloAlert, slo_alerts};

pub(super) fn alert_rules(
    config: &ProvisionConfig,
    layouts: &[LayoutFile],
) -> Result<Node, String> {
    let prometheus_uid = &config.datasources.prometheus.uid;
    let mut groups = Vec::new();
    for slo in &config.slos {
        let dashboard = layouts
            .iter()
            .find(|l| l.uid.as_deref() == Some(slo.dashboard_uid.as_str()));
        if dashboard.is_none() && !layouts.is_empty() {
            return Err(format!(
                "slo {:?}: no dashboard in layouts/ has uid {:?}",
                slo.service, slo.dashboard_uid
            ));
        }
        let rules = slo_alerts(slo, &config.alerting_environments)
            .iter()
            .map(|alert| rule(alert, slo, dashboard, prometheus_uid))
            .collect();
        groups.push((
            slo.service.clone(),
            Node::map()
                .with("orgId", Node::Int(1))
                .with("name", Node::str(format!("{}-slo", slo.service)))
                .with("folder", Node::str(&slo.folder))
                .with("interval", Node::str("1m"))
                .with("rules", Node::List(rules)),
        ));
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Node::map().with("apiVersion", Node::Int(1)).with(
        "groups",
        Node::List(groups.into_iter().map(|(_, g)| g).collect()),
    ))
}

/// One Grafana rule: the alert's queries, its condition, the linked panel, annotations, labels.
fn rule(
    alert: &SloAlert,
    slo: &SloConfig,
    dashboard: Option<&LayoutFile>,
    prometheus_uid: &str,
) -> Node {
    let mut data: Vec<Node> = alert
        .queries
        .iter()
        .map(|(ref_id, expr)| query(ref_id, expr, prometheus_uid))
        .collect();
    let (condition, model) = alert.condition_expression();
    data.push(
        Node::map()
            .with("refId", Node::str(&condition))
            .with(
                "relativeTimeRange",
                Node::map()
                    .with("from", Node::Int(0))
                    .with("to", Node::Int(0)),
            )
            .with("datasourceUid", Node::str("__expr__"))
            .with("model", model),
    );
    let mut rule = Node::map()
        .with("uid", Node::str(&alert.uid))
        .with("title", Node::str(&alert.title))
        .with("condition", Node::str(&condition))
        .with("data", Node::List(data));
    // The panel showing the alert's series, so Grafana links rule and panel.
    let panel = dashboard.and_then(|d| {
        d.panels
            .iter()
            .find(|(id, exprs)| id.is_some() && exprs.iter().any(|e| e.contains(&alert.metric)))
            .and_then(|(id, _)| *id)
    });
    if let Some(panel_id) = panel {
        rule = rule
            .with("dashboardUid", Node::str(&slo.dashboard_uid))
            .with("panelId", Node::Int(panel_id));
    }
    rule.with("noDataState", Node::str("OK"))
        .with("execErrState", Node::str("Error"))
        .with("for", Node::str(&alert.for_duration))
        .with(
            "annotations",
            Node::map()
                .with("summary", Node::str(&alert.summary))
                .with("description", Node::str(&alert.description))
                .with("runbook_url", Node::str(&slo.runbook_url)),
        )
        .with(
            "labels",
            Node::map()
                .with("severity", Node::str(&alert.severity))
                .with("service", Node::str(&slo.service))
                .with("slo", Node::str("true")),
        )
        .with("isPaused", Node::Bool(false))
}

/// An instant Prometheus query over the last 10 minutes.
fn query(ref_id: &str, expr: &str, prometheus_uid: &str) -> Node {
    Node::map()
        .with("refId", Node::str(ref_id))
        .with(
            "relativeTimeRange",
            Node::map()
                .with("from", Node::Int(600))
                .with("to", Node::Int(0)),
        )
        .with("datasourceUid", Node::str(prometheus_uid))
        .with(
            "model",
            Node::map()
                .with("refId", Node::str(ref_id))
                .with("expr", Node::str(expr))
                .with("instant", Node::Bool(true))
                .with("range", Node::Bool(false))
                .with(
                    "datasource",
                    Node::map()
                        .with("type", Node::str("prometheus"))
                        .with("uid", Node::str(prometheus_uid)),
                )
                .with("intervalMs", Node::Int(1000))
                .with("maxDataPoints", Node::Int(43200)),
        )
}

#[cfg(test)]
mod tests {
    use super::super::generate;
    use super::super::tests::{config, layouts, parsed};

    #[test]
    fn grafana_rules_reference_the_prometheus_uid_and_the_dashboard_panel() {
        let files = generate(&config(), &layouts()).unwrap();
        let rules = parsed(&files, "grafana/alerting/rules.yml");
        let group = &rules["groups"][0];
        assert_eq!(group["folder"], "Services");
        let burn = group["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["uid"] == "inference-gateway-burn-fast")
            .unwrap();
        assert_eq!(burn["condition"], "C");
        assert_eq!(burn["data"][0]["datasourceUid"], "prometheus");
        assert_eq!(burn["data"][2]["model"]["type"], "math");
        assert_eq!(
            burn["data"][2]["model"]["expression"],
            "$A > 0.072 && $B > 0.072"
        );
        assert_eq!(burn["dashboardUid"], "inference-gateway");
        assert_eq!(burn["panelId"], 5);
        assert_eq!(burn["labels"]["severity"], "critical");
        // Annotations carry no `$`: provisioning would expand it as an environment variable.
        for rule in group["rules"].as_array().unwrap() {
            for value in rule["annotations"].as_object().unwrap().values() {
                assert!(!value.as_str().unwrap().contains('$'), "{value}");
            }
        }
    }
}
