//! Offline checks of Prometheus rule files: the structure Prometheus expects, every
//! expression parses, names are valid, alerts carry severity and runbook.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Finding;
use super::gather::{Inputs, YamlFile, YamlKind};

/// One alerting rule of a Prometheus rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusAlert {
    pub file: String,
    pub group: String,
    pub name: String,
    pub expr: String,
    pub severity: Option<String>,
}

pub fn alerts(inputs: &Inputs) -> Vec<PrometheusAlert> {
    let mut found = Vec::new();
    for file in inputs.yaml_of(YamlKind::PrometheusRules) {
        for group in groups(&file.value) {
            let group_name = group.get("name").and_then(Value::as_str).unwrap_or("");
            for rule in rules_of(group) {
                if let (Some(name), Some(expr)) = (
                    rule.get("alert").and_then(Value::as_str),
                    rule.get("expr").and_then(Value::as_str),
                ) {
                    found.push(PrometheusAlert {
                        file: file.name.clone(),
                        group: group_name.to_string(),
                        name: name.to_string(),
                        expr: expr.trim().to_string(),
                        severity: rule
                            .get("labels")
                            .and_then(|l| l.get("severity"))
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    });
                }
            }
        }
    }
    found
}

fn groups(value: &Value) -> impl Iterator<Item = &Value> {
    value
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn rules_of(group: &Value) -> impl Iterator<Item = &Value> {
    group
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

pub fn check_all(inputs: &Inputs) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut group_names: BTreeMap<String, String> = BTreeMap::new();
    for file in inputs.yaml_of(YamlKind::PrometheusRules) {
        findings.extend(check_file(file, &mut group_names));
    }
    findings
}

fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn check_file(file: &YamlFile, group_names: &mut BTreeMap<String, String>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let err = |message: String| Finding::error("rule", &file.name, message);
    for (g, group) in groups(&file.value).enumerate() {
        let name = group.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            findings.push(err(format!("groups[{g}]: no name")));
        } else if let Some(other) = group_names.insert(name.to_string(), file.name.clone()) {
            findings.push(err(format!(
                "groups[{g}]: group {name:?} is also defined in {other}; Prometheus refuses duplicate group names"
            )));
        }
        if let Some(interval) = group.get("interval").and_then(Value::as_str)
            && promql_parser::util::parse_duration(interval).is_err()
        {
            findings.push(err(format!(
                "groups[{g}]: interval {interval:?} is not a duration"
            )));
        }
        for (r, rule) in rules_of(group).enumerate() {
            let record = rule.get("record").and_then(Value::as_str);
            let alert = rule.get("alert").and_then(Value::as_str);
            let label = record.or(alert).unwrap_or("?");
            let at = format!("groups[{g}].rules[{r}] ({label})");
            match (record, alert) {
                (Some(_), Some(_)) | (None, None) => findings.push(err(format!(
                    "{at}: a rule is either `record` or `alert`, exactly one"
                ))),
                (Some(record), None) if !valid_metric_name(record) => {
                    findings.push(err(format!("{at}: {record:?} is not a valid metric name")))
                }
                _ => {}
            }
            match rule.get("expr").and_then(Value::as_str) {
                None => findings.push(err(format!("{at}: no expr"))),
                Some(expr) => {
                    if let Err(e) = promql_parser::parser::parse(expr) {
                        findings.push(
                            Finding::error(
                                "promql",
                                &file.name,
                                format!("{at}: does not parse as PromQL: {}", e.trim()),
                            )
                            .expr(expr.trim()),
                        );
                    }
                }
            }
            if let Some(duration) = rule.get("for").and_then(Value::as_str)
                && promql_parser::util::parse_duration(duration).is_err()
            {
                findings.push(err(format!("{at}: for {duration:?} is not a duration")));
            }
            if alert.is_some() {
                let label_of = |section: &str, key: &str| {
                    rule.get(section)
                        .and_then(|s| s.get(key))
                        .and_then(Value::as_str)
                        .is_some()
                };
                if !label_of("labels", "severity") {
                    findings.push(Finding::warning(
                        "rule",
                        &file.name,
                        format!("{at}: no severity label"),
                    ));
                }
                if !label_of("annotations", "runbook_url") {
                    findings.push(Finding::warning(
                        "rule",
                        &file.name,
                        format!("{at}: no runbook_url annotation"),
                    ));
                }
            }
        }
    }
    findings
}
