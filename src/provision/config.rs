//! `provisioning/triage-provision.toml`: the one small file the provisioning is made from
//! (datasources and their fixed uids, environments that alert, contact points, routing,
//! SLO objectives, the Grafana folder of each `layouts/` subfolder).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionConfig {
    /// Grafana image tag the compose file runs (the formats generated are Grafana 10.2's).
    pub grafana_version: String,
    /// Where people open this Grafana: its root URL (alert links) and the base of the
    /// hand-off URLs triage copies for dashboards of this repository.
    #[serde(default)]
    pub grafana_url: Option<String>,
    pub prometheus_image: String,
    pub alertmanager_image: String,
    pub loki_image: String,
    pub jaeger_image: String,
    /// Image of the Tempo service; required when `[datasources.tempo]` is configured.
    #[serde(default)]
    pub tempo_image: Option<String>,
    /// Values of the `environment` label; every dashboard's `environment` variable offers them.
    pub environments: Vec<String>,
    /// Environments whose SLO alerts Grafana evaluates (lab is left out on purpose).
    pub alerting_environments: Vec<String>,
    /// `layouts/` subfolder → Grafana folder title.
    pub folders: BTreeMap<String, String>,
    pub datasources: DatasourcesConfig,
    /// Contact point name → settings.
    pub contact_points: BTreeMap<String, ContactPointConfig>,
    pub routing: RoutingConfig,
    #[serde(default, rename = "slo")]
    pub slos: Vec<SloConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasourcesConfig {
    pub prometheus: DatasourceConfig,
    pub loki: DatasourceConfig,
    /// Trace store: `type` is `jaeger` or `tempo`.
    pub traces: DatasourceConfig,
    /// A Tempo next to the trace store (type `tempo`): linked to Loki like it, and Loki's
    /// trace ids link to both.
    #[serde(default)]
    pub tempo: Option<DatasourceConfig>,
    pub alertmanager: DatasourceConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasourceConfig {
    pub name: String,
    pub uid: String,
    pub url: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Prometheus: the scrape interval Grafana assumes for `$__rate_interval`.
    #[serde(default)]
    pub scrape_interval: Option<String>,
    /// Prometheus: the exemplar label that holds the trace id.
    #[serde(default)]
    pub exemplar_trace_label: Option<String>,
    /// Loki: regex whose first group is the trace id in a log line.
    #[serde(default)]
    pub trace_id_regex: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactPointConfig {
    /// Grafana integration type: `pagerduty`, `slack`, `webhook`, `email`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Environment variable holding the secret (integration key, webhook URL); written as
    /// `$__env{NAME}` so no secret is ever in the repository.
    pub secret_env: String,
    /// Slack channel, e-mail addresses, ...
    #[serde(default)]
    pub recipient: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingConfig {
    /// Contact point for anything no route matches.
    pub default: String,
    /// Severity label value → contact points, in order.
    pub severity: BTreeMap<String, Vec<String>>,
    pub group_by: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SloConfig {
    /// `service` label value of the recorded `slo:*` series.
    pub service: String,
    /// Grafana folder the rule group is stored in.
    pub folder: String,
    /// The dashboard the alerts link to.
    pub dashboard_uid: String,
    /// Fraction of good requests over 30 days, e.g. 0.995.
    pub availability: f64,
    pub latency_p99_seconds: f64,
    /// 5-minute error ratio that alerts, e.g. 0.005.
    pub error_rate: f64,
    pub runbook_url: String,
}

impl ProvisionConfig {
    pub fn parse(text: &str, source: &str) -> Result<ProvisionConfig, String> {
        let config: ProvisionConfig =
            toml::from_str(text).map_err(|e| format!("{source}: {}", e.to_string().trim_end()))?;
        config.validate().map_err(|e| format!("{source}: {e}"))?;
        Ok(config)
    }

    /// Cross-references inside the file: routes name known contact points, uids are unique,
    /// SLO objectives are fractions.
    fn validate(&self) -> Result<(), String> {
        let mut uids = std::collections::BTreeSet::new();
        for ds in self.datasource_list() {
            let authority = ds.url.split_once("://").map_or("", |(_, r)| r);
            if authority.split('/').next().unwrap_or("").contains('@') {
                return Err(format!(
                    "datasource {:?}: the url carries credentials; secrets never go in this file",
                    ds.name
                ));
            }
            if ds.uid.is_empty() || !uids.insert(ds.uid.as_str()) {
                return Err(format!(
                    "datasource {:?}: uid {:?} is empty or used twice",
                    ds.name, ds.uid
                ));
            }
        }
        if self.datasources.tempo.is_some() && self.tempo_image.is_none() {
            return Err(
                "datasources.tempo: set tempo_image too (the compose file runs that image)".into(),
            );
        }
        let known = |name: &String| self.contact_points.contains_key(name);
        if !known(&self.routing.default) {
            return Err(format!(
                "routing.default: no contact point named {:?}",
                self.routing.default
            ));
        }
        for (severity, points) in &self.routing.severity {
            if let Some(missing) = points.iter().find(|p| !known(p)) {
                return Err(format!(
                    "routing.severity.{severity}: no contact point named {missing:?}"
                ));
            }
        }
        for (name, point) in &self.contact_points {
            if !is_env_name(&point.secret_env) {
                return Err(format!(
                    "contact_points.{name}.secret_env: {:?} is not an environment variable name",
                    point.secret_env
                ));
            }
        }
        for env in &self.alerting_environments {
            if !self.environments.contains(env) {
                return Err(format!(
                    "alerting_environments: {env:?} is not one of environments"
                ));
            }
        }
        for slo in &self.slos {
            for (what, v) in [
                ("availability", slo.availability),
                ("error_rate", slo.error_rate),
            ] {
                if !(v > 0.0 && v < 1.0) {
                    return Err(format!(
                        "slo {:?}: {what} must be a fraction between 0 and 1, got {v}",
                        slo.service
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every datasource configured: the four always there, then Tempo when set.
    pub fn datasource_list(&self) -> Vec<&DatasourceConfig> {
        let mut list = vec![
            &self.datasources.prometheus,
            &self.datasources.loki,
            &self.datasources.traces,
            &self.datasources.alertmanager,
        ];
        list.extend(self.datasources.tempo.as_ref());
        list
    }
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPOSITORY_CONFIG: &str = include_str!("../../provisioning/triage-provision.toml");

    #[test]
    fn tempo_joins_the_datasource_list_and_needs_its_image() {
        let config = ProvisionConfig::parse(REPOSITORY_CONFIG, "t.toml").unwrap();
        let uids: Vec<&str> = config
            .datasource_list()
            .iter()
            .map(|d| d.uid.as_str())
            .collect();
        assert!(
            uids.contains(&"tempo") && uids.contains(&"jaeger"),
            "{uids:?}"
        );

        let without_image = REPOSITORY_CONFIG.replace("tempo_image = ", "# tempo_image = ");
        let error = ProvisionConfig::parse(&without_image, "t.toml").unwrap_err();
        assert!(
            error.starts_with("t.toml: datasources.tempo") && error.contains("tempo_image"),
            "{error}"
        );
    }
}
