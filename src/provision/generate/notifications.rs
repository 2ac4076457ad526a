//! `grafana/alerting/contact-points.yml` and `policies.yml`: who is notified, routed by severity.
//! Secrets stay out of the files as `$__env{...}` placeholders.

use super::super::config::{ContactPointConfig, ProvisionConfig};
use super::super::yaml::Node;

/// The settings key that holds the secret, per integration type (Grafana's names).
fn secret_key(kind: &str) -> Option<&'static str> {
    match kind {
        "pagerduty" => Some("integrationKey"),
        "slack" | "webhook" | "teams" | "googlechat" | "discord" => Some("url"),
        "opsgenie" => Some("apiKey"),
        _ => None,
    }
}

fn contact_point_settings(name: &str, point: &ContactPointConfig) -> Result<Node, String> {
    let key = secret_key(&point.kind).ok_or_else(|| {
        format!(
            "contact_points.{name}: type {:?} is not supported (pagerduty, slack, webhook, teams, googlechat, discord, opsgenie)",
            point.kind
        )
    })?;
    let mut settings = Node::map().with(key, Node::str(format!("$__env{{{}}}", point.secret_env)));
    if let Some(recipient) = &point.recipient {
        settings = settings.with("recipient", Node::str(recipient));
    }
    if point.kind == "pagerduty" {
        settings = settings.with("severity", Node::str("critical"));
    }
    Ok(settings)
}

pub(super) fn contact_points(config: &ProvisionConfig) -> Result<Node, String> {
    let mut points = Vec::new();
    for (name, point) in &config.contact_points {
        points.push(
            Node::map()
                .with("orgId", Node::Int(1))
                .with("name", Node::str(name))
                .with(
                    "receivers",
                    Node::List(vec![
                        Node::map()
                            .with("uid", Node::str(format!("{name}-{}", point.kind)))
                            .with("type", Node::str(&point.kind))
                            .with("settings", contact_point_settings(name, point)?)
                            .with("disableResolveMessage", Node::Bool(false)),
                    ]),
                ),
        );
    }
    Ok(Node::map()
        .with("apiVersion", Node::Int(1))
        .with("contactPoints", Node::List(points)))
}

pub(super) fn policies(config: &ProvisionConfig) -> Node {
    let mut routes = Vec::new();
    for (severity, points) in &config.routing.severity {
        for (i, point) in points.iter().enumerate() {
            // `continue` lets the next route for the same severity notify too.
            routes.push(
                Node::map()
                    .with("receiver", Node::str(point))
                    .with(
                        "object_matchers",
                        Node::List(vec![Node::strs(&["severity", "=", severity.as_str()])]),
                    )
                    .with("continue", Node::Bool(i + 1 < points.len())),
            );
        }
    }
    let root = Node::map()
        .with("orgId", Node::Int(1))
        .with("receiver", Node::str(&config.routing.default))
        .with("group_by", Node::strs(&config.routing.group_by))
        .with("group_wait", Node::str("30s"))
        .with("group_interval", Node::str("5m"))
        .with("repeat_interval", Node::str("4h"))
        .with("routes", Node::List(routes));
    Node::map()
        .with("apiVersion", Node::Int(1))
        .with("policies", Node::List(vec![root]))
}

#[cfg(test)]
mod tests {
    use super::super::generate;
    use super::super::tests::{config, layouts, parsed};

    #[test]
    fn secrets_are_env_placeholders_and_critical_goes_to_pager_then_chat() {
        let files = generate(&config(), &layouts()).unwrap();
        let points = parsed(&files, "grafana/alerting/contact-points.yml");
        let pager = &points["contactPoints"][1];
        assert_eq!(pager["name"], "pager");
        assert_eq!(
            pager["receivers"][0]["settings"]["integrationKey"],
            "$__env{PAGERDUTY_INTEGRATION_KEY}"
        );
        let policies = parsed(&files, "grafana/alerting/policies.yml");
        let routes = policies["policies"][0]["routes"].as_array().unwrap();
        let summary: Vec<(String, String, bool)> = routes
            .iter()
            .map(|r| {
                (
                    r["object_matchers"][0][2].as_str().unwrap().to_string(),
                    r["receiver"].as_str().unwrap().to_string(),
                    r["continue"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("critical".into(), "pager".into(), true),
                ("critical".into(), "chat".into(), false),
                ("warning".into(), "chat".into(), false),
            ]
        );
    }
}
