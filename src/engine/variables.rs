//! Resolving a dashboard's variables against Prometheus, in dependency order, as Grafana does:
//! query variables always re-query (their saved options are ignored), the saved selection is
//! kept when still valid, and `--var` overrides win.

use super::plan::foreign_datasource;
use crate::grafana::model::LabelMatcher;
use std::collections::BTreeMap;

use super::datasources::Datasources;
use crate::grafana::interval::is_auto_value;
use crate::grafana::model::{Dashboard, Variable, VariableKind, VariableSelection};
use crate::grafana::timerange::TimeRange;
use crate::grafana::units::js_number_to_string;
use crate::grafana::varquery::{
    InstantResult, VariableQuery, VectorSample, filter_metric_names, label_names_selector,
    parse_variable_query, query_result_texts, series_texts, variable_query_builtins,
};
use crate::grafana::varquery::{LokiVariableQuery, parse_loki_variable_query};
use crate::grafana::vars::{
    Format, Scope, SelectionRules, VarOption, VarValue, datasource_options,
    filter_and_sort_options, interpolate, interval_variable_value, override_selection,
    resolution_order, select_after_refresh, static_options, var_value,
};
use crate::net::PromClient;
use crate::net::loki::LokiClient;

/// `--var name=value` settings: each name with its values in the order given.
pub type Overrides = BTreeMap<String, Vec<String>>;
pub use crate::grafana::vars::parse_overrides;

/// A variable with its options for this refresh and the selected value.
#[derive(Debug, Clone)]
pub struct ResolvedVariable {
    pub name: String,
    pub label: Option<String>,
    pub hide: u8,
    pub kind: VariableKind,
    pub options: Vec<VarOption>,
    pub value: VarValue,
    /// Ad-hoc variables: the `(key, operator, value)` filters added to every selector.
    pub filters: Vec<LabelMatcher>,
}

impl ResolvedVariable {
    /// What the variables bar shows: `All`, `a + b`, or the value's text.
    pub fn display_text(&self) -> String {
        let text = self.value.display_text();
        if text.is_empty() {
            "(none)".into()
        } else {
            text
        }
    }
}

/// The values picked in the UI, by variable name: they stand in for the file's `current`.
pub type Selections = BTreeMap<String, VariableSelection>;

/// Resolve every variable; failures leave the variable empty (as Grafana does) and are
/// reported as messages naming the variable. `last` is this dashboard's previous resolution,
/// if any: variables refreshed on load only keep its options (see [`kept_options`]).
pub async fn resolve_variables(
    datasources: &Datasources,
    loki: Option<&LokiClient>,
    dashboard: &Dashboard,
    (overrides, selections, last): (&Overrides, &Selections, Option<&[ResolvedVariable]>),
    range: &TimeRange,
) -> (Vec<ResolvedVariable>, Vec<String>) {
    let mut resolved: Vec<ResolvedVariable> = Vec::new();
    let mut errors = Vec::new();
    let order: Vec<usize> = match resolution_order(&dashboard.variables) {
        Ok(names) => names
            .iter()
            .filter_map(|n| dashboard.variables.iter().position(|v| &v.name == n))
            .collect(),
        Err(cycle) => {
            errors.push(format!(
                "variables {} reference each other in a cycle",
                cycle.join(", ")
            ));
            (0..dashboard.variables.len()).collect()
        }
    };
    let mut by_index: Vec<Option<ResolvedVariable>> = vec![None; dashboard.variables.len()];
    for index in order {
        let variable = &dashboard.variables[index];
        let scope = scope_for(&resolved, dashboard, range);
        let lookup = |name: &str| {
            resolved
                .iter()
                .find(|v| v.name == name)
                .and_then(|v| v.value.value.first().cloned())
        };
        let datasource_types = dashboard.datasource_variable_types();
        let client = match &variable.datasource {
            Some(reference) => {
                datasources.pick(datasources.name_for(reference, &lookup).as_deref())
            }
            None => &datasources.default,
        };
        // A query variable on a Loki datasource asks Loki's label APIs; on another
        // non-Prometheus one it keeps the options the file saved rather than sending its
        // language to Prometheus.
        let foreign = match (variable.kind, &variable.datasource) {
            (VariableKind::Query, Some(d)) => foreign_datasource(d, &datasource_types),
            _ => None,
        };
        let kept = kept_options(variable, last, &resolved);
        let asked = match (foreign.as_deref(), loki) {
            _ if kept.is_some() => kept.map(Ok),
            (None, _) => Some(options_for(client, datasources, variable, &scope, range).await),
            (Some("loki"), Some(loki)) => Some(loki_options(loki, variable, &scope, range).await),
            (Some(_), _) => None,
        };
        let options = match asked {
            None => saved_options(variable),
            Some(Ok(options)) => options,
            Some(Err(message)) => {
                errors.push(format!("variable ${}: {message}", variable.name));
                Vec::new()
            }
        };
        let current = selections.get(&variable.name).unwrap_or(&variable.current);
        let value = selected_value(variable, current, overrides.get(&variable.name), &options);
        let value = resolve_auto_interval(variable, value, range);
        let done = ResolvedVariable {
            name: variable.name.clone(),
            label: variable.label.clone(),
            hide: variable.hide,
            kind: variable.kind,
            options,
            value,
            filters: match variable.kind {
                VariableKind::Adhoc => match overrides.get(&variable.name) {
                    Some(values) => values.iter().filter_map(|v| parse_filter(v)).collect(),
                    None => variable.adhoc_filters.clone(),
                },
                _ => Vec::new(),
            },
        };
        resolved.push(done.clone());
        by_index[index] = Some(done);
    }
    for name in overrides.keys() {
        if !dashboard.variables.iter().any(|v| &v.name == name) {
            errors.push(format!("--var {name}: the dashboard has no such variable"));
        }
    }
    (by_index.into_iter().flatten().collect(), errors)
}

/// The options a query variable refreshed on dashboard load only (`refresh: 1`) keeps from
/// the dashboard's last resolution, as Grafana asks for them only when the dashboard loads:
/// not on a refresh or another time range. `None` (ask again) when there is none, when it
/// had no options, or when a variable resolved before it now has another value (it may
/// depend on that one, and Grafana asks dependants again when a variable changes).
fn kept_options(
    variable: &Variable,
    last: Option<&[ResolvedVariable]>,
    resolved_now: &[ResolvedVariable],
) -> Option<Vec<VarOption>> {
    if variable.kind != VariableKind::Query || variable.refresh != 1 {
        return None;
    }
    let last = last?;
    let unchanged = resolved_now.iter().all(|now| {
        last.iter()
            .any(|before| before.name == now.name && before.value == now.value)
    });
    last.iter()
        .find(|before| before.name == variable.name)
        .filter(|before| unchanged && !before.options.is_empty())
        .map(|before| before.options.clone())
}

/// The value a variable takes from its options: the `--var` override, else the saved selection
/// kept when still valid; constants and text boxes hold what the file says (or was typed).
fn selected_value(
    variable: &Variable,
    current: &VariableSelection,
    overridden: Option<&Vec<String>>,
    options: &[VarOption],
) -> VarValue {
    let selection = match overridden {
        Some(values) => override_selection(
            values,
            options,
            variable.include_all,
            variable.all_value.as_deref(),
        ),
        None => select_after_refresh(current, options, SelectionRules::of(variable)),
    };
    match variable.kind {
        VariableKind::Constant if overridden.is_none() => VarValue::single(variable.query.clone()),
        VariableKind::Textbox if overridden.is_none() => VarValue::single(
            current
                .value
                .first()
                .cloned()
                .unwrap_or_else(|| variable.query.clone()),
        ),
        _ => var_value(variable, &selection, options),
    }
}

/// An ad-hoc filter from the command line: `job=api`, `job!=api`, `pod=~api-.*`, `pod!~x`.
pub fn parse_filter(text: &str) -> Option<LabelMatcher> {
    let at = text.find(['=', '!'])?;
    let (key, rest) = text.split_at(at);
    let operator = ["=~", "!~", "!=", "="]
        .into_iter()
        .find(|op| rest.starts_with(op))?;
    let key = key.trim();
    (!key.is_empty()).then(|| LabelMatcher::new(key, operator, &rest[operator.len()..]))
}

/// All ad-hoc filters in force.
pub fn adhoc_filters(variables: &[ResolvedVariable]) -> Vec<LabelMatcher> {
    variables
        .iter()
        .flat_map(|v| v.filters.iter().cloned())
        .collect()
}

/// `auto` interval variables interpolate to the interval computed for the range.
fn resolve_auto_interval(variable: &Variable, value: VarValue, range: &TimeRange) -> VarValue {
    match value.value.first() {
        Some(selected) if variable.kind == VariableKind::Interval && is_auto_value(selected) => {
            let interval =
                interval_variable_value(variable, selected, range.from_ms(), range.to_ms());
            VarValue::with_text(value.text.first().cloned().unwrap_or_default(), interval)
        }
        _ => value,
    }
}

/// The options a file saved with a variable (what Grafana showed when it was saved).
fn saved_options(variable: &Variable) -> Vec<VarOption> {
    variable
        .options
        .iter()
        .map(|o| VarOption {
            text: o.text.clone(),
            value: o.value.clone(),
        })
        .collect()
}

/// The options a variable offers now.
async fn options_for(
    client: &PromClient,
    datasources: &Datasources,
    variable: &Variable,
    scope: &Scope,
    range: &TimeRange,
) -> Result<Vec<VarOption>, String> {
    if let Some(options) = static_options(variable) {
        return Ok(options);
    }
    let (start, end) = (
        range.from_ms() as f64 / 1000.0,
        range.to_ms() as f64 / 1000.0,
    );
    let texts: Vec<String> = match variable.kind {
        VariableKind::Query => {
            // The range and interval built-ins Grafana's metricFindQuery adds (Prometheus
            // rejects `$__range` sent as written).
            let mut scope = scope.clone();
            let interval = datasources.detected_scrape_interval().await;
            for (name, value) in
                variable_query_builtins(range.from_ms(), range.to_ms(), interval.as_deref())
            {
                scope.set_builtin(name, value);
            }
            let query = interpolate(&variable.query, &scope, Format::Prometheus);
            if query.trim().is_empty() {
                return Ok(Vec::new());
            }
            match parse_variable_query(&query) {
                VariableQuery::LabelValues { label, selector } => client
                    .label_values(&label, selector.as_deref(), start, end)
                    .await
                    .map_err(|e| e.to_string())?,
                VariableQuery::LabelNames { metric } => {
                    let selector = metric.map(|m| label_names_selector(&m));
                    client
                        .label_names(selector.as_deref(), start, end)
                        .await
                        .map_err(|e| e.to_string())?
                }
                VariableQuery::Metrics { regex } => {
                    let names = client
                        .label_values("__name__", None, start, end)
                        .await
                        .map_err(|e| e.to_string())?;
                    filter_metric_names(&names, &regex)?
                }
                VariableQuery::QueryResult { expr } => {
                    let answer = client
                        .query_instant(&expr, end)
                        .await
                        .map_err(|e| e.to_string())?;
                    query_result_texts(&instant_result(&answer))
                }
                VariableQuery::Series { selector } => {
                    let sets = client
                        .series(&selector, start, end)
                        .await
                        .map_err(|e| e.to_string())?;
                    let sets: Vec<Vec<(String, String)>> =
                        sets.into_iter().map(|s| s.into_iter().collect()).collect();
                    series_texts(&sets)
                }
            }
        }
        VariableKind::Datasource => {
            // The session's datasources: the default one, then those configured (Grafana's by
            // name, valued by uid as Grafana does), filtered by name through the regex.
            let regex = variable
                .regex
                .as_deref()
                .map(|r| interpolate(r, scope, Format::Regex));
            return datasource_options(datasources.options(), regex.as_deref())
                .map_err(|e| format!("regex: {e}"));
        }
        VariableKind::Custom
        | VariableKind::Constant
        | VariableKind::Interval
        | VariableKind::Textbox
        | VariableKind::Adhoc
        | VariableKind::Other => {
            return Ok(variable
                .options
                .iter()
                .map(|o| VarOption::new(o.text.clone(), o.value.clone()))
                .collect());
        }
    };
    regex_and_sort(texts, variable, scope)
}

/// Option texts through the variable's regex (interpolated) and sort, as Grafana applies them.
fn regex_and_sort(
    texts: Vec<String>,
    variable: &Variable,
    scope: &Scope,
) -> Result<Vec<VarOption>, String> {
    let regex = variable
        .regex
        .as_deref()
        .map(|r| interpolate(r, scope, Format::Regex));
    let options = texts.into_iter().map(VarOption::same).collect();
    filter_and_sort_options(options, regex.as_deref(), variable.sort)
        .map_err(|e| format!("regex: {e}"))
}

/// The options of a query variable on a Loki datasource, from Loki's label APIs as Grafana's
/// Loki datasource asks them (`LokiVariableSupport`), then the variable's regex and sort.
async fn loki_options(
    loki: &LokiClient,
    variable: &Variable,
    scope: &Scope,
    range: &TimeRange,
) -> Result<Vec<VarOption>, String> {
    let query = interpolate(&variable.query, scope, Format::Loki);
    let (start, end) = (range.from_ms(), range.to_ms());
    let texts = match parse_loki_variable_query(&query) {
        Some(LokiVariableQuery::LabelNames) => loki.label_names(start, end).await?,
        Some(LokiVariableQuery::LabelValues { label, stream }) => {
            loki.label_values(&label, stream.as_deref(), start, end)
                .await?
        }
        None if query.trim().is_empty() => Vec::new(),
        None => {
            return Err(format!(
                "{query:?} is not a Loki variable query (label_names() or label_values(...))"
            ));
        }
    };
    regex_and_sort(texts, variable, scope)
}

/// The interpolation scope of resolved variables plus the range built-ins.
pub fn scope_for(
    variables: &[ResolvedVariable],
    dashboard: &Dashboard,
    range: &TimeRange,
) -> Scope {
    let mut scope = Scope::new();
    for variable in variables {
        scope.set_var(variable.name.clone(), variable.value.clone());
    }
    scope.set_time_range(range.from_ms(), range.to_ms());
    scope.set_dashboard(&dashboard.title, dashboard.uid.as_deref());
    scope
}

/// An instant answer in the shape `query_result` option texts are made from.
fn instant_result(answer: &crate::net::QueryAnswer) -> InstantResult {
    let value_of = |s: &crate::net::RawSeries| {
        s.points
            .last()
            .map(|p| js_number_to_string(p.1))
            .unwrap_or_default()
    };
    match answer.result_type.as_str() {
        "scalar" | "string" => InstantResult::Scalar {
            value: answer.series.first().map(value_of).unwrap_or_default(),
        },
        _ => InstantResult::Vector(
            answer
                .series
                .iter()
                .map(|s| VectorSample {
                    metric: s
                        .labels
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    value: value_of(s),
                    timestamp_s: s
                        .points
                        .last()
                        .map(|p| p.0 as f64 / 1000.0)
                        .unwrap_or_default(),
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dashboard written in `json`, the datasources of a Prometheus nobody answers on
    /// (every query fails at once), and the last hour.
    fn unanswered(json: &str) -> (Dashboard, Datasources, TimeRange) {
        let dashboard = crate::grafana::load::load_str(json, "test.json")
            .unwrap()
            .dashboard;
        let client = PromClient::new(crate::net::PromConfig::new("http://127.0.0.1:9")).unwrap();
        let range = TimeRange::resolve("now-1h", "now", chrono::Utc::now()).unwrap();
        (dashboard, Datasources::single(client), range)
    }

    /// A `label_values` variable on a Loki datasource variable is LogQL's: it is not sent to
    /// Prometheus (which would fail or answer for another system) and keeps its saved options,
    /// while the Prometheus variable beside it is asked (and here fails: nothing listens).
    #[tokio::test]
    async fn a_loki_query_variable_keeps_its_saved_options() {
        let json = r#"{"title": "mixed", "panels": [], "templating": {"list": [
            {"name": "DS_LOKI", "type": "datasource", "query": "loki"},
            {"name": "app", "type": "query", "datasource": {"uid": "${DS_LOKI}"},
             "query": "label_values({job=\"x\"}, app)",
             "current": {"text": "gw", "value": "gw"},
             "options": [{"text": "gw", "value": "gw", "selected": true},
                         {"text": "db", "value": "db", "selected": false}]},
            {"name": "instance", "type": "query", "query": "label_values(up, instance)"}]}}"#;
        let (dashboard, datasources, range) = unanswered(json);
        let (variables, errors) = resolve_variables(
            &datasources,
            None,
            &dashboard,
            (&Overrides::new(), &Selections::new(), None),
            &range,
        )
        .await;
        let app = variables.iter().find(|v| v.name == "app").unwrap();
        let values: Vec<&str> = app.options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values, ["gw", "db"]);
        assert!(errors.iter().all(|e| !e.contains("$app")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("$instance")), "{errors:?}");
    }

    /// A value picked in the UI stands in for the file's `current`; a `--var` override still
    /// wins over it.
    #[tokio::test]
    async fn a_picked_value_replaces_the_saved_one() {
        let json = r#"{"title": "t", "panels": [], "templating": {"list": [
            {"name": "env", "type": "custom", "query": "a,b,c",
             "current": {"text": "a", "value": "a"}},
            {"name": "zone", "type": "custom", "query": "x,y",
             "current": {"text": "x", "value": "x"}}]}}"#;
        let (dashboard, datasources, range) = unanswered(json);
        let picked = |value: &str| VariableSelection {
            text: vec![value.to_string()],
            value: vec![value.to_string()],
        };
        let selections: Selections = [
            ("env".to_string(), picked("b")),
            ("zone".to_string(), picked("y")),
        ]
        .into();
        let overrides: Overrides = [("zone".to_string(), vec!["x".to_string()])].into();
        let (variables, errors) = resolve_variables(
            &datasources,
            None,
            &dashboard,
            (&overrides, &selections, None),
            &range,
        )
        .await;
        assert!(errors.is_empty(), "{errors:?}");
        let value = |name: &str| {
            let v = variables.iter().find(|v| v.name == name).unwrap();
            v.value.value.clone()
        };
        assert_eq!(value("env"), ["b"]);
        assert_eq!(value("zone"), ["x"]);
    }

    /// A query variable refreshed on load only keeps the options of the last resolution (it
    /// is not asked again: here nothing listens, so asking would fail); one refreshed on time
    /// range change is asked; a change of a variable before it asks it again.
    #[tokio::test]
    async fn variables_refreshed_on_load_keep_their_options() {
        let json = r#"{"title": "t", "panels": [], "templating": {"list": [
            {"name": "region", "type": "custom", "query": "a,b",
             "current": {"text": "a", "value": "a"}},
            {"name": "job", "type": "query", "refresh": 1,
             "query": "label_values(up{region=\"$region\"}, job)"},
            {"name": "inst", "type": "query", "refresh": 2,
             "query": "label_values(up, instance)"}]}}"#;
        let (dashboard, datasources, range) = unanswered(json);
        let resolve = |selections: Selections, last: Option<Vec<ResolvedVariable>>| {
            let (datasources, dashboard, range) = (&datasources, &dashboard, &range);
            async move {
                let overrides = Overrides::new();
                resolve_variables(
                    datasources,
                    None,
                    dashboard,
                    (&overrides, &selections, last.as_deref()),
                    range,
                )
                .await
            }
        };
        let asked = |errors: &[String], name: &str| errors.iter().any(|e| e.contains(name));

        let (mut first, errors) = resolve(Selections::new(), None).await;
        assert!(
            asked(&errors, "$job") && asked(&errors, "$inst"),
            "{errors:?}"
        );
        // As if the first load had found two jobs.
        let job = first.iter_mut().find(|v| v.name == "job").unwrap();
        job.options = vec![VarOption::new("api", "api"), VarOption::new("db", "db")];

        let (again, errors) = resolve(Selections::new(), Some(first.clone())).await;
        assert!(!asked(&errors, "$job"), "{errors:?}");
        assert!(asked(&errors, "$inst"), "{errors:?}");
        let job = again.iter().find(|v| v.name == "job").unwrap();
        assert_eq!(job.options.len(), 2);
        assert_eq!(job.value.value, ["api"]);

        let region_b: Selections = [(
            "region".to_string(),
            VariableSelection {
                text: vec!["b".into()],
                value: vec!["b".into()],
            },
        )]
        .into();
        let (_, errors) = resolve(region_b, Some(first)).await;
        assert!(asked(&errors, "$job"), "{errors:?}");
    }

    #[test]
    fn command_line_filters_parse_every_operator() {
        assert_eq!(
            parse_filter("job=api"),
            Some(LabelMatcher::new("job", "=", "api"))
        );
        assert_eq!(
            parse_filter("job!=api"),
            Some(LabelMatcher::new("job", "!=", "api"))
        );
        assert_eq!(
            parse_filter("pod=~api-.*"),
            Some(LabelMatcher::new("pod", "=~", "api-.*"))
        );
        assert_eq!(
            parse_filter("pod!~x=y"),
            Some(LabelMatcher::new("pod", "!~", "x=y"))
        );
        assert_eq!(parse_filter("novalue"), None);
        assert_eq!(parse_filter("=x"), None);
    }
}
