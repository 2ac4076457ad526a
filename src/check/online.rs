//! The online part of `triage check`: each dashboard is refreshed through the engine exactly
//! as `render` does (variables resolved, repeats expanded, queries planned and sent), and
//! every panel with an error, no data or a query slower than 5 s is reported. Alert rules —
//! Prometheus's and Grafana's provisioned ones — are evaluated now and those that would fire
//! are listed.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::gather::{Inputs, YamlKind};
use super::rules::alerts as prometheus_alerts;
use super::{Finding, Level};
use crate::data::panel_data::{PanelData, PanelState};
use crate::engine::datasources::Datasources;
use crate::engine::refresh::RefreshInput;
use crate::engine::session::{EngineEvent, Session};
use crate::engine::variables::ResolvedVariable;
use crate::grafana::model::{Dashboard, Panel, VariableKind};
use crate::grafana::timerange::TimeRange;
use crate::net::PromClient;

/// Queries slower than this are reported.
pub const SLOW_QUERY_MS: u64 = 5_000;

#[derive(Debug, Clone, Serialize)]
pub struct QueryResult {
    pub ref_id: String,
    pub expr: String,
    pub duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PanelResult {
    pub file: String,
    pub panel: String,
    #[serde(rename = "type")]
    pub panel_type: String,
    /// `ok`, `no_data`, `error`, `unsupported`.
    pub state: String,
    pub series: usize,
    pub points: usize,
    /// Why the panel was not queried (`unsupported`): a non-Prometheus datasource, a text panel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub queries: Vec<QueryResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertResult {
    /// `prometheus` (a rule file's alert) or `grafana` (a provisioned Grafana rule).
    pub source: &'static str,
    pub file: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Label sets that satisfy the condition now (before any `for` delay).
    pub series: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct OnlineReport {
    pub panels: Vec<PanelResult>,
    pub alerts: Vec<AlertResult>,
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

pub async fn check(inputs: &Inputs, client: &PromClient) -> OnlineReport {
    let mut report = OnlineReport::default();
    let datasources = Datasources::single(client.clone());
    let environments: Vec<String> = inputs
        .configs
        .iter()
        .flat_map(|(_, c)| c.environments.iter().cloned())
        .collect();
    for file in &inputs.dashboards {
        let Ok(loaded) = &file.loaded else { continue };
        check_dashboard(
            &file.name,
            &loaded.dashboard,
            &datasources,
            &environments,
            &mut report,
        )
        .await;
    }
    evaluate_alerts(inputs, client, &mut report).await;
    report
}

async fn check_dashboard(
    file: &str,
    dashboard: &Dashboard,
    datasources: &Datasources,
    environments: &[String],
    report: &mut OnlineReport,
) {
    let now = chrono::Utc::now();
    let range = match TimeRange::resolve(&dashboard.time.from, &dashboard.time.to, now) {
        Ok(range) => range,
        Err(e) => {
            report.findings.push(Finding::error(
                "time-range",
                file,
                format!("the dashboard's time range does not resolve: {e}"),
            ));
            return;
        }
    };
    let (panels, data) =
        refresh_panels(file, dashboard, datasources, range, environments, report).await;
    for (panel, data) in panels.iter().zip(data) {
        report_panel(file, panel, data.unwrap_or_default(), report);
    }
}

/// Refreshes the dashboard through the engine as `render` does; returns the panels after
/// variables and repeats, each with its data, and reports what variable resolution found.
async fn refresh_panels(
    file: &str,
    dashboard: &Dashboard,
    datasources: &Datasources,
    range: TimeRange,
    environments: &[String],
    report: &mut OnlineReport,
) -> (Vec<Arc<Panel>>, Vec<Option<PanelData>>) {
    let (mut session, mut events) = Session::with_datasources(datasources.clone());
    let generation = session.refresh(RefreshInput {
        dashboard: Arc::new(dashboard.clone()),
        overrides: BTreeMap::new(),
        selections: BTreeMap::new(),
        range,
        scrape_interval: None,
        compare: None,
        keep_unchanged: false,
        wanted: None,
    });
    let mut panels = dashboard.panels.clone();
    let mut data: Vec<Option<PanelData>> = vec![None; panels.len()];
    while let Some(event) = events.recv().await {
        if event.generation() != Some(generation) {
            continue;
        }
        match event {
            EngineEvent::Resolved { resolved, .. } => {
                for message in &resolved.errors {
                    report
                        .findings
                        .push(Finding::error("variable", file, message.clone()));
                }
                report
                    .findings
                    .extend(empty_variables(file, &resolved.variables));
                report.findings.extend(missing_environments(
                    file,
                    &resolved.variables,
                    environments,
                ));
                panels = resolved.dashboard.panels.clone();
                data = vec![None; panels.len()];
            }
            EngineEvent::Panel { index, data: d, .. } => {
                if let Some(slot) = data.get_mut(index) {
                    *slot = Some(*d);
                }
            }
            EngineEvent::Done { .. } => break,
            EngineEvent::Drill { .. } | EngineEvent::Alerts(_) | EngineEvent::Completion { .. } => {
            }
        }
    }
    (panels, data)
}

/// Adds one refreshed panel to the report: its result and what is wrong with it.
fn report_panel(file: &str, panel: &Panel, data: PanelData, report: &mut OnlineReport) {
    let state = data.state();
    let queries: Vec<QueryResult> = data
        .queries
        .iter()
        .map(|q| QueryResult {
            ref_id: q.ref_id.clone(),
            expr: q.expr.clone(),
            duration_ms: q.duration_ms,
            error: q.error.clone(),
        })
        .collect();
    report
        .findings
        .extend(panel_findings(file, panel, &data, state, &queries));
    report.panels.push(PanelResult {
        file: file.to_string(),
        panel: panel.title.clone(),
        panel_type: panel.panel_type.clone(),
        state: state.as_str().to_string(),
        series: data.series.len(),
        points: data.point_count(),
        note: data.unsupported.clone(),
        queries,
    });
}

/// A panel not queried, without data, with failed or slow queries, or in error.
fn panel_findings(
    file: &str,
    panel: &Panel,
    data: &PanelData,
    state: PanelState,
    queries: &[QueryResult],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let finding = |level: Level, code: &'static str, message: String| {
        Finding::new(level, code, file, message).panel(&panel.title)
    };
    match state {
        PanelState::Unsupported => findings.push(finding(
            Level::Info,
            "not-queried",
            format!(
                "not queried: {}",
                data.unsupported.clone().unwrap_or_default()
            ),
        )),
        PanelState::NoData => {
            for q in queries {
                findings.push(
                    finding(
                        Level::Warning,
                        "no-data",
                        format!("target {} returned no data", q.ref_id),
                    )
                    .expr(&q.expr),
                );
            }
            if queries.is_empty() {
                findings.push(finding(
                    Level::Warning,
                    "no-data",
                    "the panel sent no query".into(),
                ));
            }
        }
        _ => {}
    }
    for q in queries {
        if let Some(error) = &q.error {
            findings.push(
                finding(
                    Level::Error,
                    "query",
                    format!("target {} failed: {error}", q.ref_id),
                )
                .expr(&q.expr),
            );
        }
        if q.duration_ms > SLOW_QUERY_MS {
            findings.push(
                finding(
                    Level::Warning,
                    "slow",
                    format!(
                        "target {} took {:.1} s (over {} s)",
                        q.ref_id,
                        q.duration_ms as f64 / 1000.0,
                        SLOW_QUERY_MS / 1000
                    ),
                )
                .expr(&q.expr),
            );
        }
    }
    if queries.iter().all(|q| q.error.is_none()) && state == PanelState::Error {
        for message in &data.errors {
            findings.push(finding(Level::Error, "query", message.clone()));
        }
    }
    findings
}

/// Query variables with no value at all: every panel using them shows nothing.
fn empty_variables(file: &str, variables: &[ResolvedVariable]) -> Vec<Finding> {
    variables
        .iter()
        .filter(|v| v.kind == VariableKind::Query && v.options.is_empty())
        .map(|v| {
            Finding::error(
                "variable",
                file,
                format!("variable ${} resolves to no values", v.name),
            )
        })
        .collect()
}

/// The configured environments the `environment` variable does not offer: their data is
/// missing, or the variable's query filters them out.
fn missing_environments(
    file: &str,
    variables: &[ResolvedVariable],
    environments: &[String],
) -> Vec<Finding> {
    let Some(variable) = variables.iter().find(|v| v.name == "environment") else {
        return Vec::new();
    };
    let missing: Vec<&String> = environments
        .iter()
        .filter(|e| !variable.options.iter().any(|o| &o.value == *e))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
    vec![Finding::warning(
        "variable",
        file,
        format!(
            "variable $environment does not offer {} (configured environments)",
            names.join(", ")
        ),
    )]
}

/// A Grafana rule's condition as one PromQL expression, when it is a threshold on one
/// Prometheus query or a math `$A > x && $B > x` over several.
pub fn grafana_rule_promql(rule: &Value, prometheus_uids: &[String]) -> Result<String, String> {
    let mut queries: BTreeMap<String, String> = BTreeMap::new();
    let mut expressions: BTreeMap<String, &Value> = BTreeMap::new();
    for data in rule
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ref_id = data.get("refId").and_then(Value::as_str).unwrap_or("");
        let uid = data
            .get("datasourceUid")
            .and_then(Value::as_str)
            .unwrap_or("");
        let Some(model) = data.get("model") else {
            continue;
        };
        if prometheus_uids.iter().any(|u| u == uid) {
            if let Some(expr) = model.get("expr").and_then(Value::as_str) {
                queries.insert(ref_id.to_string(), expr.to_string());
            }
        } else {
            expressions.insert(ref_id.to_string(), model);
        }
    }
    let condition = rule.get("condition").and_then(Value::as_str).unwrap_or("");
    let model = expressions
        .get(condition)
        .ok_or_else(|| format!("condition {condition:?} is not a server-side expression"))?;
    let query = |r: &str| {
        queries
            .get(r)
            .ok_or_else(|| format!("{r} is not a Prometheus query of the rule"))
    };
    match model.get("type").and_then(Value::as_str) {
        Some("threshold") => {
            let input = model
                .get("expression")
                .and_then(Value::as_str)
                .unwrap_or("");
            let evaluator = model
                .get("conditions")
                .and_then(|c| c.get(0))
                .and_then(|c| c.get("evaluator"))
                .ok_or("threshold without an evaluator")?;
            let op = match evaluator.get("type").and_then(Value::as_str) {
                Some("gt") => ">",
                Some("lt") => "<",
                other => return Err(format!("threshold evaluator {other:?} not evaluated")),
            };
            let value = evaluator
                .get("params")
                .and_then(|p| p.get(0))
                .and_then(Value::as_f64)
                .ok_or("threshold without a number")?;
            Ok(format!("({}) {op} {value}", query(input)?))
        }
        Some("math") => {
            let expression = model
                .get("expression")
                .and_then(Value::as_str)
                .unwrap_or("");
            let term = regex::Regex::new(r"^\$\{?(\w+)\}?\s*(>|<|>=|<=)\s*([-+0-9.eE]+)$")
                .map_err(|e| e.to_string())?;
            let mut parts = Vec::new();
            for part in expression.split("&&") {
                let caps = term
                    .captures(part.trim())
                    .ok_or_else(|| format!("math expression {expression:?} not evaluated"))?;
                parts.push(format!("({}) {} {}", query(&caps[1])?, &caps[2], &caps[3]));
            }
            Ok(parts.join(" and "))
        }
        other => Err(format!("condition of type {other:?} not evaluated")),
    }
}

/// An alert to evaluate: source (`prometheus` or `grafana`), file, name, severity, PromQL.
type Candidate = (&'static str, String, String, Option<String>, String);

async fn evaluate_alerts(inputs: &Inputs, client: &PromClient, report: &mut OnlineReport) {
    let now_s = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
    let mut candidates: Vec<Candidate> = Vec::new();
    for alert in prometheus_alerts(inputs) {
        candidates.push((
            "prometheus",
            alert.file,
            alert.name,
            alert.severity,
            alert.expr,
        ));
    }
    let prometheus_uids = prometheus_uids(inputs);
    candidates.extend(grafana_candidates(inputs, &prometheus_uids, report));
    for (source, file, name, severity, expr) in candidates {
        match client.query_instant(&expr, now_s).await {
            Err(e) => report.findings.push(
                Finding::error(
                    "alert-eval",
                    &file,
                    format!("alert {name:?} cannot be evaluated: {e}"),
                )
                .expr(&expr),
            ),
            Ok(answer) if !answer.series.is_empty() => {
                let series = answer
                    .series
                    .iter()
                    .map(|s| {
                        let labels: Vec<String> = s
                            .labels
                            .iter()
                            .filter(|(k, _)| k.as_str() != "__name__")
                            .map(|(k, v)| format!("{k}={v:?}"))
                            .collect();
                        format!("{{{}}}", labels.join(", "))
                    })
                    .collect();
                report.alerts.push(AlertResult {
                    source,
                    file,
                    name,
                    severity,
                    series,
                });
            }
            Ok(_) => {}
        }
    }
}

/// Uids of the Prometheus datasources: the provisioned ones and those the configs name.
fn prometheus_uids(inputs: &Inputs) -> Vec<String> {
    let mut prometheus_uids: Vec<String> = Vec::new();
    for file in inputs.yaml_of(YamlKind::GrafanaDatasources) {
        for ds in file
            .value
            .get("datasources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if ds
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(crate::grafana::model::is_prometheus_type)
                && let Some(uid) = ds.get("uid").and_then(Value::as_str)
            {
                prometheus_uids.push(uid.to_string());
            }
        }
    }
    for (_, config) in &inputs.configs {
        prometheus_uids.push(config.datasources.prometheus.uid.clone());
    }
    prometheus_uids
}

/// The provisioned Grafana rules whose condition is PromQL can express; the others are
/// reported as not evaluated.
fn grafana_candidates(
    inputs: &Inputs,
    prometheus_uids: &[String],
    report: &mut OnlineReport,
) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for file in inputs.yaml_of(YamlKind::GrafanaAlertRules) {
        for group in file
            .value
            .get("groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for rule in group
                .get("rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let title = rule
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let severity = rule
                    .get("labels")
                    .and_then(|l| l.get("severity"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                match grafana_rule_promql(rule, prometheus_uids) {
                    Ok(expr) => {
                        candidates.push(("grafana", file.name.clone(), title, severity, expr))
                    }
                    Err(reason) => report.findings.push(Finding::info(
                        "alert-eval",
                        &file.name,
                        format!("rule {title:?}: {reason}"),
                    )),
                }
            }
        }
    }
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(condition: Value) -> Value {
        serde_json::json!({
            "condition": "C",
            "data": [
                {"refId": "A", "datasourceUid": "prometheus", "model": {"expr": "a"}},
                {"refId": "B", "datasourceUid": "prometheus", "model": {"expr": "b"}},
                {"refId": "C", "datasourceUid": "__expr__", "model": condition},
            ]
        })
    }

    #[test]
    fn grafana_conditions_become_one_promql_expression() {
        let uids = vec!["prometheus".to_string()];
        let threshold = rule(serde_json::json!({
            "type": "threshold", "expression": "A",
            "conditions": [{"evaluator": {"type": "lt", "params": [0.995]}}]
        }));
        assert_eq!(
            grafana_rule_promql(&threshold, &uids).unwrap(),
            "(a) < 0.995"
        );
        let math =
            rule(serde_json::json!({"type": "math", "expression": "$A > 0.072 && $B > 0.072"}));
        assert_eq!(
            grafana_rule_promql(&math, &uids).unwrap(),
            "(a) > 0.072 and (b) > 0.072"
        );
        let other = rule(serde_json::json!({"type": "math", "expression": "abs($A) > 1"}));
        assert!(
            grafana_rule_promql(&other, &uids)
                .unwrap_err()
                .contains("not evaluated")
        );
        let elsewhere = vec!["other".to_string()];
        assert!(grafana_rule_promql(&threshold, &elsewhere).is_err());
    }
}
