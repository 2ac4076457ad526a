//! Offline checks of dashboards: they load, every expression parses as PromQL after
//! interpolation with each variable's values, datasource references resolve, uids are unique,
//! and the suite's quality rules hold (descriptions, thresholds, units, variables), as warnings.

use std::collections::BTreeMap;

use super::gather::Inputs;
use super::provisioning::Known;
use super::{Finding, Level};
use crate::engine::plan::{PanelPlan, PlanContext, QueryLanguage, plan_panel};
use crate::grafana::model::{
    Dashboard, DatasourceRef, Panel, Severity, VariableKind, is_prometheus_type,
};
use crate::grafana::timerange::TimeRange;
use crate::grafana::varquery::{VariableQuery, parse_variable_query};
use crate::grafana::vars::{Format, Scope, VarValue, interpolate, parse_custom, static_options};

/// Variables every dashboard of the suite offers.
pub const REQUIRED_VARIABLES: &[&str] = &["datasource", "environment", "cluster", "instance"];

/// Panel types whose values need a unit.
const UNIT_PANELS: &[&str] = &["timeseries", "stat", "gauge", "bargauge", "heatmap"];
/// Panel types that need thresholds (they colour by them).
const THRESHOLD_PANELS: &[&str] = &["stat", "gauge", "bargauge"];
/// Panel types that hold no PromQL and need no description.
const LAYOUT_PANELS: &[&str] = &["row", "text", "news", "dashlist"];

pub fn check_all(inputs: &Inputs, known: &Known) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut uids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &inputs.dashboards {
        match &file.loaded {
            Err(e) => findings.push(Finding::error("load", &file.name, e.to_string())),
            Ok(loaded) => {
                for d in &loaded.diagnostics {
                    let level = match d.severity {
                        Severity::Error => Level::Error,
                        Severity::Warning => Level::Warning,
                        Severity::Info => continue,
                    };
                    let at = if d.path.is_empty() {
                        String::new()
                    } else {
                        format!("{}: ", d.path)
                    };
                    findings.push(Finding::new(
                        level,
                        "load",
                        &file.name,
                        format!("{at}{}", d.message),
                    ));
                }
                let dashboard = &loaded.dashboard;
                match &dashboard.uid {
                    Some(uid) if !uid.is_empty() => {
                        uids.entry(uid.clone()).or_default().push(file.name.clone())
                    }
                    _ => findings.push(Finding::warning(
                        "uid",
                        &file.name,
                        "the dashboard has no uid: links and alert rules cannot point at it",
                    )),
                }
                findings.extend(check_dashboard(&file.name, dashboard, known));
            }
        }
    }
    for (uid, files) in uids.iter().filter(|(_, f)| f.len() > 1) {
        for file in files {
            findings.push(Finding::error(
                "uid",
                file,
                format!(
                    "dashboard uid {uid:?} is used by {} files: {}",
                    files.len(),
                    files.join(", ")
                ),
            ));
        }
    }
    findings
}

pub fn check_dashboard(file: &str, dashboard: &Dashboard, known: &Known) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(expressions(file, dashboard));
    findings.extend(variable_queries(file, dashboard));
    findings.extend(datasource_references(file, dashboard, known));
    findings.extend(quality(file, dashboard));
    findings
}

/// The scopes expressions are interpolated with offline: each variable's saved (or first)
/// value, then one variant per other option of custom and interval variables and one with
/// `All` for variables that offer it. Query variables get a placeholder label value.
pub fn scope_variants(dashboard: &Dashboard) -> Vec<(String, Scope)> {
    let mut base_values: Vec<(String, VarValue)> = Vec::new();
    for v in &dashboard.variables {
        let saved = v
            .current
            .value
            .iter()
            .find(|x| !x.is_empty() && x.as_str() != "$__all" && !x.starts_with("$__auto"))
            .cloned();
        let value = match v.kind {
            VariableKind::Datasource => "prometheus".to_string(),
            VariableKind::Interval => saved
                .filter(|s| !s.starts_with('$'))
                .unwrap_or_else(|| "1m".into()),
            VariableKind::Constant => v.query.clone(),
            VariableKind::Custom => saved
                .or_else(|| parse_custom(&v.query).first().map(|o| o.value.clone()))
                .unwrap_or_default(),
            _ => saved
                .or_else(|| {
                    v.options
                        .iter()
                        .map(|o| o.value.clone())
                        .find(|x| !x.is_empty() && x != "$__all")
                })
                .unwrap_or_else(|| "placeholder".into()),
        };
        let mut var = VarValue::single(value);
        var.multi = v.multi;
        var.include_all = v.include_all;
        base_values.push((v.name.clone(), var));
    }
    let scope_of = |values: &[(String, VarValue)]| {
        let mut scope = Scope::new();
        for (name, value) in values {
            scope.set_var(name.clone(), value.clone());
        }
        scope
    };
    let mut variants = vec![("saved values".to_string(), scope_of(&base_values))];
    for (i, v) in dashboard.variables.iter().enumerate() {
        let options: Vec<String> = match v.kind {
            VariableKind::Custom | VariableKind::Interval => static_options(v)
                .unwrap_or_default()
                .into_iter()
                .map(|o| o.value)
                .filter(|o| !o.starts_with('$'))
                .collect(),
            _ => Vec::new(),
        };
        for option in options {
            if base_values[i].1.value.first() == Some(&option) {
                continue;
            }
            let mut values = base_values.clone();
            let mut var = VarValue::single(option.clone());
            var.multi = v.multi;
            var.include_all = v.include_all;
            values[i].1 = var;
            variants.push((format!("${}={option}", v.name), scope_of(&values)));
        }
        if v.include_all {
            let mut values = base_values.clone();
            let mut all_values: Vec<String> = static_options(v)
                .map(|o| o.into_iter().map(|o| o.value).collect())
                .unwrap_or_default();
            if all_values.is_empty() {
                all_values = vec!["placeholder-a".into(), "placeholder-b".into()];
            }
            values[i].1 = VarValue {
                text: vec!["All".into()],
                value: all_values,
                is_all: true,
                all_value: v.all_value.clone(),
                multi: v.multi,
                include_all: true,
            };
            variants.push((format!("${}=All", v.name), scope_of(&values)));
        }
    }
    variants
}

fn expressions(file: &str, dashboard: &Dashboard) -> Vec<Finding> {
    let mut findings = Vec::new();
    let now = chrono::Utc::now();
    let Ok(range) = TimeRange::resolve(&dashboard.time.from, &dashboard.time.to, now)
        .or_else(|_| TimeRange::resolve("now-6h", "now", now))
    else {
        return findings;
    };
    let datasource_types = dashboard.datasource_variable_types();
    let ctx = PlanContext::for_saved(&range, dashboard, &datasource_types);
    let variants = scope_variants(dashboard);
    let annotation_panels: Vec<Panel> = dashboard
        .annotations
        .iter()
        .filter(|a| !a.builtin && a.expr.as_deref().is_some_and(|e| !e.trim().is_empty()))
        .filter(|a| {
            a.datasource.as_ref().is_none_or(|d| {
                dashboard
                    .datasource_type(d)
                    .is_none_or(|t| is_prometheus_type(&t))
            })
        })
        .map(|a| Panel {
            panel_type: "timeseries".into(),
            title: format!("annotation {}", a.name),
            datasource: a.datasource.clone().unwrap_or(DatasourceRef::Default),
            targets: vec![crate::grafana::model::Target {
                ref_id: "A".into(),
                expr: a.expr.clone().unwrap_or_default(),
                ..Default::default()
            }],
            ..Panel::default()
        })
        .collect();
    for panel in dashboard
        .panels
        .iter()
        .map(|p| &**p)
        .chain(&annotation_panels)
    {
        let mut reported: Vec<String> = Vec::new();
        // A repeated panel (or a panel of a repeated row) gets one value per clone, never All.
        let mut repeats: Vec<String> = panel.repeat.iter().map(|r| r.variable.clone()).collect();
        repeats.extend(
            dashboard
                .rows
                .iter()
                .filter(|r| panel.row.as_deref() == Some(r.title.as_str()))
                .filter_map(|r| r.repeat.clone()),
        );
        let single_values =
            |label: &str| !repeats.iter().any(|name| label == format!("${name}=All"));
        for (label, scope) in variants.iter().filter(|(l, _)| single_values(l)) {
            let PanelPlan::Queries(queries) = plan_panel(panel, scope, &ctx) else {
                continue;
            };
            for query in queries {
                if reported.contains(&query.ref_id) {
                    continue;
                }
                if let Some((rule, language, error)) = query_error(&query) {
                    reported.push(query.ref_id.clone());
                    findings.push(
                        Finding::error(
                            rule,
                            file,
                            format!(
                                "target {} does not parse as {language} with {label}: {}",
                                query.ref_id,
                                error.trim()
                            ),
                        )
                        .panel(&panel.title)
                        .expr(&query.expr),
                    );
                }
            }
        }
    }
    findings
}

/// Why a planned query does not parse, in the language of its datasource: (rule, language,
/// message). A Loki target is LogQL, never PromQL.
fn query_error(
    query: &crate::engine::plan::PlannedQuery,
) -> Option<(&'static str, &'static str, String)> {
    match query.language {
        QueryLanguage::LogQL => crate::grafana::logql::parse(&query.expr)
            .err()
            .map(|e| ("logql", "LogQL", e.to_string())),
        QueryLanguage::PromQL => promql_parser::parser::parse(&query.expr)
            .err()
            .map(|e| ("promql", "PromQL", e.to_string())),
    }
}

/// Query variables' PromQL parts (the selector of `label_values`, the expression of
/// `query_result`, a series selector) parse after interpolation with the other variables.
fn variable_queries(file: &str, dashboard: &Dashboard) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some((_, scope)) = scope_variants(dashboard).into_iter().next() else {
        return findings;
    };
    for v in dashboard
        .variables
        .iter()
        .filter(|v| v.kind == VariableKind::Query)
    {
        // A `${DS_LOKI}` variable query is LogQL's `label_values`, not Prometheus's.
        let is_prometheus = v.datasource.as_ref().is_none_or(|d| {
            dashboard
                .datasource_type(d)
                .is_none_or(|t| is_prometheus_type(&t))
        });
        if !is_prometheus || v.query.trim().is_empty() {
            continue;
        }
        let query = interpolate(&v.query, &scope, Format::Prometheus);
        let promql = match parse_variable_query(&query) {
            VariableQuery::LabelValues {
                selector: Some(selector),
                ..
            } => selector,
            VariableQuery::QueryResult { expr } => expr,
            VariableQuery::Series { selector } => selector,
            _ => continue,
        };
        if let Err(e) = promql_parser::parser::parse(&promql) {
            findings.push(
                Finding::error(
                    "promql",
                    file,
                    format!(
                        "variable ${}: its query does not parse as PromQL: {}",
                        v.name,
                        e.trim()
                    ),
                )
                .expr(promql),
            );
        }
    }
    findings
}

fn datasource_references(file: &str, dashboard: &Dashboard, known: &Known) -> Vec<Finding> {
    let mut findings = Vec::new();
    let datasource_vars: Vec<&str> = dashboard
        .variables
        .iter()
        .filter(|v| v.kind == VariableKind::Datasource)
        .map(|v| v.name.as_str())
        .collect();
    let mut check = |reference: &DatasourceRef, where_: &str, panel: Option<&Panel>| {
        let problem = match reference {
            DatasourceRef::Variable { name } if !datasource_vars.contains(&name.as_str()) => {
                Some(format!(
                    "{where_} uses datasource ${name}, but the dashboard has no datasource variable of that name"
                ))
            }
            DatasourceRef::Named { uid: Some(uid), .. }
                if !known.datasource_uids.is_empty() && !known.datasource_uids.contains(uid) =>
            {
                Some(format!(
                    "{where_} uses datasource uid {uid:?}, which is not provisioned (known: {}; from {})",
                    known
                        .datasource_uids
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    known.datasource_source
                ))
            }
            DatasourceRef::Named {
                uid: None,
                name: Some(name),
                ..
            } if !known.datasource_uids.is_empty() => Some(format!(
                "{where_} names datasource {name:?} without a uid: use a fixed uid so it resolves in every Grafana"
            )),
            _ => None,
        };
        if let Some(message) = problem {
            let mut f = Finding::error("datasource", file, message);
            if let Some(p) = panel {
                f = f.panel(&p.title);
            }
            findings.push(f);
        }
    };
    for v in &dashboard.variables {
        if let Some(ds) = &v.datasource {
            check(ds, &format!("variable ${}", v.name), None);
        }
    }
    for annotation in dashboard.annotations.iter().filter(|a| !a.builtin) {
        if let Some(ds) = &annotation.datasource
            && ds.plugin_type() != Some("grafana")
        {
            check(ds, &format!("annotation {:?}", annotation.name), None);
        }
    }
    for panel in &dashboard.panels {
        check(&panel.datasource, "the panel", Some(panel));
        for target in &panel.targets {
            if let Some(ds) = &target.datasource {
                check(ds, &format!("target {}", target.ref_id), Some(panel));
            }
        }
    }
    findings
}

fn quality(file: &str, dashboard: &Dashboard) -> Vec<Finding> {
    let mut findings = Vec::new();
    for name in REQUIRED_VARIABLES {
        if !dashboard.variables.iter().any(|v| v.name == *name) {
            findings.push(Finding::warning(
                "variables",
                file,
                format!("the dashboard has no ${name} variable (the suite's dashboards all offer datasource, environment, cluster, instance)"),
            ));
        }
    }
    if dashboard.tags.is_empty() {
        findings.push(Finding::warning("tags", file, "the dashboard has no tags"));
    }
    for panel in &dashboard.panels {
        let kind = panel.panel_type.as_str();
        if LAYOUT_PANELS.contains(&kind) {
            continue;
        }
        let warn = |code: &'static str, message: &str| {
            Finding::warning(code, file, message).panel(&panel.title)
        };
        if panel
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            findings.push(warn(
                "description",
                "no description (what it measures, why it matters, what to do, runbook link)",
            ));
        }
        let defaults = &panel.field_config.defaults;
        let unit_override = panel
            .field_config
            .overrides
            .iter()
            .any(|o| o.properties.unit.is_some());
        if UNIT_PANELS.contains(&kind)
            && defaults.unit.as_deref().is_none_or(str::is_empty)
            && !unit_override
        {
            findings.push(warn("unit", "no unit"));
        }
        if THRESHOLD_PANELS.contains(&kind) {
            match &defaults.thresholds {
                Some(t) if t.steps.len() >= 2 => {
                    let colours: Vec<String> =
                        t.steps.iter().map(|s| s.color.to_lowercase()).collect();
                    let red_green_only = colours
                        .iter()
                        .all(|c| c.contains("red") || c.contains("green"))
                        && colours.iter().any(|c| c.contains("red"))
                        && colours.iter().any(|c| c.contains("green"));
                    if red_green_only {
                        findings.push(warn(
                            "palette",
                            "thresholds tell states apart by red and green only; add a colour-blind-safe step (orange, blue) or use the suite palette",
                        ));
                    }
                }
                _ => findings.push(warn("thresholds", "no thresholds beyond the base colour")),
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::load::load_str;

    fn known() -> Known {
        Known {
            datasource_uids: ["prometheus".to_string(), "loki".to_string()].into(),
            datasource_source: "datasources.yml".into(),
            ..Known::default()
        }
    }

    const DASHBOARD: &str = r#"{
      "uid": "t", "title": "T", "tags": ["x"], "schemaVersion": 39,
      "annotations": {"list": [
        {"name": "Deploys", "enable": true, "datasource": {"type": "prometheus", "uid": "prometheus"},
         "expr": "changes(build_info[$__interval]"}
      ]},
      "templating": {"list": [
        {"type": "custom", "name": "window", "query": "5m,10m,forever", "current": {"text": "5m", "value": "5m"}},
        {"type": "datasource", "name": "datasource", "query": "prometheus"},
        {"type": "query", "name": "job", "query": "label_values(up{env==\"$window\"}, job)"},
        {"type": "query", "name": "pod", "query": "label_values(up{job=~\"$job\"}, pod)"}
      ]},
      "panels": [
        {"type": "timeseries", "title": "Rate", "id": 1, "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
         "datasource": {"type": "prometheus", "uid": "${datasource}"},
         "description": "requests",
         "fieldConfig": {"defaults": {"unit": "reqps"}},
         "targets": [{"refId": "A", "expr": "rate(x[$window])"}]},
        {"type": "stat", "title": "Logs", "id": 2, "gridPos": {"x": 12, "y": 0, "w": 12, "h": 8},
         "datasource": {"type": "prometheus", "uid": "prom-old"},
         "fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [
           {"value": null, "color": "green"}, {"value": 1, "color": "red"}]}}},
         "targets": [{"refId": "A", "expr": "up"}]}
      ]
    }"#;

    fn findings() -> Vec<Finding> {
        let loaded = load_str(DASHBOARD, "t.json").unwrap();
        check_dashboard("t.json", &loaded.dashboard, &known())
    }

    #[test]
    fn an_expression_broken_for_one_option_is_reported_with_that_option() {
        let found = findings();
        let promql: Vec<&Finding> = found.iter().filter(|f| f.code == "promql").collect();
        let rate = promql
            .iter()
            .find(|f| f.panel.as_deref() == Some("Rate"))
            .expect("the Rate panel breaks for window=forever");
        assert!(rate.message.contains("$window=forever"), "{}", rate.message);
        assert_eq!(rate.expr.as_deref(), Some("rate(x[forever])"));
        assert!(
            promql
                .iter()
                .any(|f| f.panel.as_deref() == Some("annotation Deploys")),
            "annotation queries are checked too: {promql:?}"
        );
        let variables: Vec<&&Finding> = promql
            .iter()
            .filter(|f| f.message.starts_with("variable $"))
            .collect();
        assert_eq!(
            variables.len(),
            1,
            "only $job's query is broken: {variables:?}"
        );
        assert_eq!(variables[0].expr.as_deref(), Some("up{env==\"5m\"}"));
    }

    #[test]
    fn unknown_datasource_uids_and_quality_rules_are_reported() {
        let found = findings();
        let datasource = found
            .iter()
            .find(|f| f.code == "datasource")
            .expect("prom-old is not provisioned");
        assert_eq!(datasource.level, Level::Error);
        assert_eq!(datasource.panel.as_deref(), Some("Logs"));
        assert!(datasource.message.contains("\"prom-old\""));
        let codes = |panel: &str| -> Vec<&str> {
            found
                .iter()
                .filter(|f| f.panel.as_deref() == Some(panel) && f.level == Level::Warning)
                .map(|f| f.code)
                .collect()
        };
        assert_eq!(codes("Logs"), vec!["description", "unit", "palette"]);
        assert!(codes("Rate").is_empty(), "{:?}", codes("Rate"));
        let missing_vars: Vec<&str> = found
            .iter()
            .filter(|f| f.code == "variables")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            missing_vars.len(),
            3,
            "environment, cluster, instance: {missing_vars:?}"
        );
    }
}
