//! Prometheus variable queries: which API call a query variable needs, and how the answers
//! become option texts. No HTTP here; the caller talks to Prometheus.
//!
//! Source: grafana-prometheus `metric_find_query.ts` (the regexes, `queryResultQuery`,
//! `metricNameAndLabelsQuery`, `metricNameQuery`) and `result_transformer.ts`
//! (`getOriginalMetricName`).

use std::sync::OnceLock;

use regex::Regex;

/// What a (already interpolated) Prometheus variable query asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableQuery {
    /// `label_names()` → `/api/v1/labels`; `label_names(m)` → labels of series matching `m`.
    LabelNames { metric: Option<String> },
    /// `label_values(label)` or `label_values(selector, label)` → `/api/v1/label/<label>/values`
    /// (with `match[]=selector`).
    LabelValues {
        label: String,
        selector: Option<String>,
    },
    /// `metrics(re)` → metric names filtered by an unanchored regex.
    Metrics { regex: String },
    /// `query_result(expr)` → an instant query at the range end.
    QueryResult { expr: String },
    /// Anything else → `/api/v1/series?match[]=<query>`.
    Series { selector: String },
}

/// The built-ins a Prometheus variable query is interpolated with, as grafana-prometheus
/// `datasource.ts` `metricFindQuery` passes them: `getIntervalVars` (`$__interval` is the
/// datasource's `timeInterval`, 15 s when unset, and `$__interval_ms` its milliseconds) and
/// `getRangeScopedVars` (`$__range_ms` = to − from, `$__range_s` = round(ms / 1000),
/// `$__range` = `<s>s`). `$__rate_interval` is not among them: Grafana leaves it as written.
pub fn variable_query_builtins(
    from_ms: i64,
    to_ms: i64,
    datasource_interval: Option<&str>,
) -> Vec<(&'static str, String)> {
    let interval = datasource_interval
        .filter(|i| !i.trim().is_empty())
        .unwrap_or(super::interval::DEFAULT_SCRAPE_INTERVAL);
    let range_ms = to_ms - from_ms;
    let range_s = (range_ms as f64 / 1000.0).round() as i64;
    let mut out = vec![("__interval", interval.to_string())];
    if let Some(ms) = super::interval::interval_to_ms(interval) {
        out.push(("__interval_ms", format!("{}", ms as i64)));
    }
    out.extend([
        ("__range_ms", range_ms.to_string()),
        ("__range_s", range_s.to_string()),
        ("__range", format!("{range_s}s")),
    ]);
    out
}

struct Patterns {
    label_names: Regex,
    label_names_match: Regex,
    label_values: Regex,
    metrics: Regex,
    query_result: Regex,
    loki_label_values: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).unwrap_or_else(|e| unreachable!("constant regex: {e}"));
        Patterns {
            label_names: re(r"^label_names\(\)\s*$"),
            label_names_match: re(r"^label_names\((.+)\)\s*$"),
            label_values: re(r"^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)\s*$"),
            metrics: re(r"^metrics\((.+)\)\s*$"),
            query_result: re(r"^query_result\((.+)\)\s*$"),
            loki_label_values: re(r"^label_values\((?:(.+),\s*)?([a-zA-Z_$][a-zA-Z0-9_]*)\)\s*$"),
        }
    })
}

/// Classify a variable query (tried in Grafana's order).
pub fn parse_variable_query(query: &str) -> VariableQuery {
    let p = patterns();
    let q = query.trim_start();
    let group = |c: &regex::Captures<'_>, i: usize| c.get(i).map(|m| m.as_str().to_string());
    if p.label_names.is_match(q) {
        return VariableQuery::LabelNames { metric: None };
    }
    if let Some(c) = p.label_names_match.captures(q) {
        return VariableQuery::LabelNames {
            metric: group(&c, 1),
        };
    }
    if let Some(c) = p.label_values.captures(q) {
        return VariableQuery::LabelValues {
            label: group(&c, 2).unwrap_or_default(),
            selector: group(&c, 1),
        };
    }
    if let Some(c) = p.metrics.captures(q) {
        return VariableQuery::Metrics {
            regex: group(&c, 1).unwrap_or_default(),
        };
    }
    if let Some(c) = p.query_result.captures(q) {
        return VariableQuery::QueryResult {
            expr: group(&c, 1).unwrap_or_default(),
        };
    }
    VariableQuery::Series {
        selector: query.to_string(),
    }
}

/// What a (already interpolated) Loki variable query asks for. Source: Grafana's Loki
/// datasource, `LokiVariableSupport` / `migrations/variableQueryMigrations.ts`
/// (`labelNamesRegex`, `labelValuesRegex`) and `types.ts` (`LokiVariableQueryType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LokiVariableQuery {
    /// `label_names()` → `/loki/api/v1/labels`.
    LabelNames,
    /// `label_values(label)` or `label_values({stream}, label)` →
    /// `/loki/api/v1/label/<label>/values` (with `query=<stream>`).
    LabelValues {
        label: String,
        stream: Option<String>,
    },
}

/// Classify a Loki variable query; `None` for text Grafana's Loki datasource does not read as
/// one (it answers no options).
pub fn parse_loki_variable_query(query: &str) -> Option<LokiVariableQuery> {
    let p = patterns();
    let q = query.trim();
    if p.label_names.is_match(q) {
        return Some(LokiVariableQuery::LabelNames);
    }
    let c = p.loki_label_values.captures(q)?;
    Some(LokiVariableQuery::LabelValues {
        label: c.get(2)?.as_str().to_string(),
        stream: c
            .get(1)
            .map(|m| m.as_str().trim().to_string())
            .filter(|s| !s.is_empty()),
    })
}

/// The legacy text of a Loki variable query saved as an object (`{"type": 0|1, "label",
/// "stream"}`, as Grafana's Loki variable editor saves it): `LabelNames` is 0, `LabelValues` 1.
pub fn loki_query_object_text(
    kind: i64,
    label: Option<&str>,
    stream: Option<&str>,
) -> Option<String> {
    match (kind, label) {
        (0, _) => Some("label_names()".into()),
        (1, Some(label)) if !label.is_empty() => {
            Some(match stream.filter(|s| !s.trim().is_empty()) {
                Some(stream) => format!("label_values({stream}, {label})"),
                None => format!("label_values({label})"),
            })
        }
        _ => None,
    }
}

/// The series selector Grafana uses for `label_names(metric)`.
pub fn label_names_selector(metric: &str) -> String {
    format!("{{__name__=~\".*{metric}.*\"}}")
}

/// `metrics(re)`: names matching the regex anywhere (JavaScript `RegExp.test`).
pub fn filter_metric_names(names: &[String], regex: &str) -> Result<Vec<String>, String> {
    let re = Regex::new(regex).map_err(|e| format!("invalid metrics() regex {regex:?}: {e}"))?;
    Ok(names.iter().filter(|n| re.is_match(n)).cloned().collect())
}

/// One sample of an instant-vector answer.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorSample {
    /// Labels in the order the API returned them (including `__name__`).
    pub metric: Vec<(String, String)>,
    /// Sample value as the API's string.
    pub value: String,
    /// Sample time in seconds.
    pub timestamp_s: f64,
}

/// An instant query answer, by result type.
#[derive(Debug, Clone, PartialEq)]
pub enum InstantResult {
    Scalar { value: String },
    String { value: String },
    Vector(Vec<VectorSample>),
}

/// `query_result` option texts: scalars/strings give their value; vector samples give
/// `name{k="v",k2="v2"} value timestamp_ms`.
pub fn query_result_texts(result: &InstantResult) -> Vec<String> {
    match result {
        InstantResult::Scalar { value } | InstantResult::String { value } => vec![value.clone()],
        InstantResult::Vector(samples) => samples
            .iter()
            .map(|s| {
                format!(
                    "{} {} {}",
                    original_metric_name(&s.metric),
                    s.value,
                    super::units::js_number_to_string(s.timestamp_s * 1000.0)
                )
            })
            .collect(),
    }
}

/// `getOriginalMetricName`: `name{k="v",k2="v2"}` (no spaces, values unescaped, API order).
pub fn original_metric_name(metric: &[(String, String)]) -> String {
    let name = metric
        .iter()
        .find(|(k, _)| k == "__name__")
        .map_or("", |(_, v)| v.as_str());
    let labels: Vec<String> = metric
        .iter()
        .filter(|(k, _)| k != "__name__")
        .map(|(k, v)| format!("{k}=\"{v}\""))
        .collect();
    format!("{name}{{{}}}", labels.join(","))
}

/// Series query option texts (one per series, `getOriginalMetricName`).
pub fn series_texts(series: &[Vec<(String, String)>]) -> Vec<String> {
    series.iter().map(|m| original_metric_name(m)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        v.to_string()
    }

    // grafana-prometheus datasource.ts metricFindQuery: getIntervalVars + getRangeScopedVars.
    #[test]
    fn variable_query_builtins_follow_metric_find_query() {
        let six_hours = 6 * 3_600_000;
        let b = variable_query_builtins(1_000, 1_000 + six_hours + 400, None);
        let get = |k: &str| b.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("__interval"), Some("15s"));
        assert_eq!(get("__interval_ms"), Some("15000"));
        assert_eq!(get("__range_ms"), Some("21600400"));
        assert_eq!(get("__range_s"), Some("21600"));
        assert_eq!(get("__range"), Some("21600s"));
        assert_eq!(get("__rate_interval"), None);
        let b = variable_query_builtins(0, 1_500, Some("1m"));
        let get = |k: &str| b.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("__interval"), Some("1m"));
        assert_eq!(get("__interval_ms"), Some("60000"));
        assert_eq!(get("__range_s"), Some("2"));
    }

    #[test]
    fn label_names_forms() {
        assert_eq!(
            parse_variable_query("label_names()"),
            VariableQuery::LabelNames { metric: None }
        );
        assert_eq!(
            parse_variable_query("label_names(node_load1)"),
            VariableQuery::LabelNames {
                metric: Some(s("node_load1"))
            }
        );
        assert_eq!(label_names_selector("up"), "{__name__=~\".*up.*\"}");
    }

    #[test]
    fn label_values_forms() {
        assert_eq!(
            parse_variable_query("label_values(job)"),
            VariableQuery::LabelValues {
                label: s("job"),
                selector: None
            }
        );
        assert_eq!(
            parse_variable_query("label_values(up{env=\"prod\", team=~\"a,b\"},  instance) "),
            VariableQuery::LabelValues {
                label: s("instance"),
                selector: Some(s("up{env=\"prod\", team=~\"a,b\"}"))
            }
        );
        assert_eq!(
            parse_variable_query("label_values(node_uname_info, __name__)"),
            VariableQuery::LabelValues {
                label: s("__name__"),
                selector: Some(s("node_uname_info"))
            }
        );
    }

    #[test]
    fn loki_variable_queries() {
        assert_eq!(
            parse_loki_variable_query("label_names()"),
            Some(LokiVariableQuery::LabelNames)
        );
        assert_eq!(
            parse_loki_variable_query("label_values(job)"),
            Some(LokiVariableQuery::LabelValues {
                label: "job".into(),
                stream: None
            })
        );
        assert_eq!(
            parse_loki_variable_query(r#"label_values({app="api", env=~"p.*"}, level)"#),
            Some(LokiVariableQuery::LabelValues {
                label: "level".into(),
                stream: Some(r#"{app="api", env=~"p.*"}"#.into())
            })
        );
        assert_eq!(parse_loki_variable_query(r#"{app="api"}"#), None);
        assert_eq!(
            loki_query_object_text(1, Some("level"), Some(r#"{app="x"}"#)).as_deref(),
            Some(r#"label_values({app="x"}, level)"#)
        );
        assert_eq!(
            loki_query_object_text(1, Some("job"), Some(" ")).as_deref(),
            Some("label_values(job)")
        );
        assert_eq!(
            loki_query_object_text(0, None, None).as_deref(),
            Some("label_names()")
        );
        assert_eq!(loki_query_object_text(1, None, None), None);
    }

    #[test]
    fn metrics_query_result_and_series() {
        assert_eq!(
            parse_variable_query("metrics(^node_)"),
            VariableQuery::Metrics { regex: s("^node_") }
        );
        assert_eq!(
            parse_variable_query("query_result(topk(5, sum by (job) (up)))"),
            VariableQuery::QueryResult {
                expr: s("topk(5, sum by (job) (up))")
            }
        );
        assert_eq!(
            parse_variable_query("up{job=\"x\"}"),
            VariableQuery::Series {
                selector: s("up{job=\"x\"}")
            }
        );
        // An invalid label name makes it a series query, as in Grafana.
        assert!(matches!(
            parse_variable_query("label_values(up, 9x)"),
            VariableQuery::Series { .. }
        ));
    }

    #[test]
    fn metric_name_filter_is_unanchored() {
        let names = vec![s("node_load1"), s("up"), s("go_node_x")];
        assert_eq!(
            filter_metric_names(&names, "node_").unwrap_or_default(),
            vec![s("node_load1"), s("go_node_x")]
        );
        assert_eq!(
            filter_metric_names(&names, "^node_").unwrap_or_default(),
            vec![s("node_load1")]
        );
        assert!(filter_metric_names(&names, "(").is_err());
    }

    fn metric(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (s(k), s(v))).collect()
    }

    #[test]
    fn query_result_text_format() {
        let r = InstantResult::Vector(vec![VectorSample {
            metric: metric(&[("__name__", "up"), ("instance", "h:9100"), ("job", "node")]),
            value: s("1"),
            timestamp_s: 1_700_000_000.5,
        }]);
        assert_eq!(
            query_result_texts(&r),
            vec!["up{instance=\"h:9100\",job=\"node\"} 1 1700000000500"]
        );
        let nameless = InstantResult::Vector(vec![VectorSample {
            metric: metric(&[("job", "a")]),
            value: s("3.5"),
            timestamp_s: 1.0,
        }]);
        assert_eq!(query_result_texts(&nameless), vec!["{job=\"a\"} 3.5 1000"]);
        assert_eq!(
            query_result_texts(&InstantResult::Scalar { value: s("42") }),
            vec!["42"]
        );
    }

    #[test]
    fn series_text_format() {
        let out = series_texts(&[
            metric(&[("__name__", "up"), ("job", "a")]),
            metric(&[("job", "b")]),
        ]);
        assert_eq!(out, vec!["up{job=\"a\"}", "{job=\"b\"}"]);
    }
}
