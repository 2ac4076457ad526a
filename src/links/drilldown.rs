//! Drill-down from a panel: the LogQL selector for its series, the Grafana Explore and Jaeger
//! UI URLs for the same window, and the panel's own links resolved with variables, time range
//! and the focused series. Pure string building; nothing here touches the network.

use std::collections::BTreeMap;

use super::encode;
use crate::grafana::vars::{Format, Scope, VarValue, interpolate};

/// Labels that name where logs come from; the rest (`__name__`, `le`, `code`, `endpoint`,
/// `quantile`, ...) exist only on metrics and would make a selector match nothing.
pub const STREAM_LABELS: &[&str] = &[
    "cluster",
    "namespace",
    "environment",
    "env",
    "job",
    "service",
    "service_name",
    "app",
    "pod",
    "container",
    "instance",
    "host",
];

/// One label matcher (`name`, `=`/`=~`, `value`).
pub use crate::grafana::model::LabelMatcher as Matcher;
use crate::grafana::model::LabelMatcher;

/// The stream matchers worth carrying into LogQL: a focused series' own labels first, then the
/// `=` / `=~` matchers written in the panel's (interpolated) queries, for the labels a
/// selector aggregated away (`sum by (le)` leaves none). Match-anything regexes (All) are
/// dropped.
pub fn stream_matchers(series_labels: &BTreeMap<String, String>, exprs: &[String]) -> Vec<Matcher> {
    let mut out: Vec<Matcher> = Vec::new();
    for name in STREAM_LABELS {
        if let Some(value) = series_labels.get(*name).filter(|v| !v.is_empty()) {
            out.push(Matcher::new(*name, "=", value.clone()));
        }
    }
    // `name!=` and `name!~` never match: the `!` stands between the name and the `=`.
    let matcher = regex::Regex::new(r#"([A-Za-z_][A-Za-z0-9_]*)\s*(=~|=)\s*"((?:[^"\\]|\\.)*)""#)
        .unwrap_or_else(|_| unreachable!("a fixed pattern"));
    for expr in exprs {
        for c in matcher.captures_iter(expr) {
            let (name, op, value) = (&c[1], &c[2], &c[3]);
            if !STREAM_LABELS.contains(&name)
                || out.iter().any(|LabelMatcher { label: n, .. }| n == name)
            {
                continue;
            }
            // All (`.*`), or a variable that resolved to nothing (`()`), selects nothing useful.
            if op == "=~" && matches!(value, ".*" | ".+" | "()" | "") || value.is_empty() {
                continue;
            }
            out.push(Matcher::new(name, op, value));
        }
    }
    out
}

/// `{service="gw", instance="a:1"}`: a LogQL stream selector; `{job=~".+"}` when nothing is
/// known (LogQL needs one matcher that is not empty-compatible).
pub fn logql_selector(matchers: &[Matcher]) -> String {
    if matchers.is_empty() {
        return "{job=~\".+\"}".into();
    }
    let parts: Vec<String> = matchers
        .iter()
        .map(
            |LabelMatcher {
                 label: n,
                 op,
                 value: v,
             }| format!("{n}{op}\"{v}\""),
        )
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// The service a trace search is for: the `service`/`service_name`/`app`/`job` matcher.
pub fn service_of(matchers: &[Matcher]) -> Option<String> {
    ["service", "service_name", "app", "job"]
        .iter()
        .find_map(|want| {
            matchers
                .iter()
                .find(|LabelMatcher { label: n, op, .. }| n == want && op == "=")
                .map(|LabelMatcher { value: v, .. }| v.clone())
        })
}

/// Grafana Explore for a Loki query over a range (`schemaVersion=1&panes=…`), in organisation
/// `org_id` (the datasource's).
pub fn grafana_explore_url(
    grafana: &str,
    org_id: i64,
    datasource_uid: &str,
    expr: &str,
    from: &str,
    to: &str,
) -> String {
    let panes = serde_json::json!({
        "triage": {
            "datasource": datasource_uid,
            "queries": [{"refId": "A", "expr": expr, "datasource": {"type": "loki", "uid": datasource_uid}}],
            "range": {"from": from, "to": to},
        }
    });
    explore(grafana, org_id, &panes)
}

/// Grafana Explore running a PromQL expression (triage's Explore page). Without a datasource
/// uid the pane names none, and Grafana opens its default datasource (`loadAndInitDatasource`
/// in public/app/features/explore/state/utils.ts falls back to it for an unknown one).
pub fn grafana_explore_promql_url(
    grafana: &str,
    org_id: i64,
    datasource_uid: Option<&str>,
    expr: &str,
    from: &str,
    to: &str,
) -> String {
    let mut query = serde_json::json!({"refId": "A", "expr": expr, "range": true});
    let mut pane = serde_json::json!({"queries": [], "range": {"from": from, "to": to}});
    if let Some(uid) = datasource_uid {
        query["datasource"] = serde_json::json!({"type": "prometheus", "uid": uid});
        pane["datasource"] = serde_json::json!(uid);
    }
    pane["queries"] = serde_json::json!([query]);
    explore(grafana, org_id, &serde_json::json!({ "triage": pane }))
}

/// `/explore` with its panes, in organisation `org_id`.
fn explore(grafana: &str, org_id: i64, panes: &serde_json::Value) -> String {
    format!(
        "{}/explore?schemaVersion=1&panes={}&orgId={org_id}",
        grafana.trim_end_matches('/'),
        encode(&panes.to_string())
    )
}

/// Grafana Explore on a Jaeger datasource: a search for a service, or one trace by id (for
/// when triage knows Grafana but not Jaeger's own UI).
pub fn grafana_explore_jaeger_url(
    grafana: &str,
    org_id: i64,
    datasource_uid: &str,
    query: JaegerQuery,
    from: &str,
    to: &str,
) -> String {
    let datasource = serde_json::json!({"type": "jaeger", "uid": datasource_uid});
    let query = match query {
        JaegerQuery::Service(service) => serde_json::json!({
            "refId": "A", "datasource": datasource, "queryType": "search", "service": service, "limit": 20
        }),
        JaegerQuery::Trace(id) => {
            serde_json::json!({"refId": "A", "datasource": datasource, "query": id})
        }
    };
    let panes = serde_json::json!({
        "triage": {"datasource": datasource_uid, "queries": [query], "range": {"from": from, "to": to}}
    });
    explore(grafana, org_id, &panes)
}

/// Grafana Explore on a Tempo datasource (Tempo has no UI of its own): a TraceQL search for a
/// service's traces (`{resource.service.name="…"}`), or one trace by id.
pub fn grafana_explore_tempo_url(
    grafana: &str,
    datasource_uid: &str,
    query: JaegerQuery,
    from: &str,
    to: &str,
) -> String {
    let traceql = match query {
        JaegerQuery::Service(service) => format!(
            "{{resource.service.name=\"{}\"}}",
            service.replace('\\', "\\\\").replace('"', "\\\"")
        ),
        JaegerQuery::Trace(id) => id.to_string(),
    };
    let query = serde_json::json!({
        "refId": "A", "datasource": {"type": "tempo", "uid": datasource_uid},
        "queryType": "traceql", "query": traceql, "limit": 20
    });
    let panes = serde_json::json!({
        "triage": {"datasource": datasource_uid, "queries": [query], "range": {"from": from, "to": to}}
    });
    format!(
        "{}/explore?schemaVersion=1&panes={}&orgId=1",
        grafana.trim_end_matches('/'),
        encode(&panes.to_string())
    )
}

/// What a Jaeger (or Tempo) Explore URL asks for.
#[derive(Debug, Clone, Copy)]
pub enum JaegerQuery<'a> {
    Service(&'a str),
    Trace(&'a str),
}

/// Jaeger UI search for a service in a window (epoch ms).
pub fn jaeger_search_url(jaeger: &str, service: &str, start_ms: i64, end_ms: i64) -> String {
    format!(
        "{}/search?end={}&limit=20&lookback=custom&service={}&start={}",
        jaeger.trim_end_matches('/'),
        end_ms * 1000,
        encode(service),
        start_ms * 1000
    )
}

/// Jaeger UI page of one trace.
pub fn jaeger_trace_url(jaeger: &str, trace_id: &str) -> String {
    format!(
        "{}/trace/{}",
        jaeger.trim_end_matches('/'),
        encode(trace_id)
    )
}

/// What a link's URL may refer to.
#[derive(Debug, Clone, Default)]
pub struct LinkContext {
    /// Dashboard variables: name → values (`$__all` for All).
    pub variables: BTreeMap<String, Vec<String>>,
    /// The range as written (`now-1h`) for `${__url_time_range}`, and resolved (ms).
    pub from: String,
    pub to: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub dashboard_title: String,
    pub dashboard_uid: Option<String>,
    /// The focused series, when there is one.
    pub series_name: Option<String>,
    pub series_labels: BTreeMap<String, String>,
    /// The value at the cursor (or the last one) and its time.
    pub value: Option<(i64, f64)>,
}

/// A link's URL with `$var`, `${__from}`, `${__url_time_range}`, `${__field.labels.X}`,
/// `${__value.raw}` ... replaced. Values are percent-encoded (Grafana encodes what it puts in
/// link URLs); the ready URL fragments (`__url_time_range`, `__all_variables`) are not.
pub fn resolve_link_url(url: &str, ctx: &LinkContext) -> String {
    let mut scope = Scope::new();
    for (name, values) in &ctx.variables {
        let value = if values.iter().any(|v| v == "$__all") {
            VarValue {
                is_all: true,
                ..VarValue::single("$__all")
            }
        } else if values.len() == 1 {
            VarValue::single(values[0].clone())
        } else {
            VarValue {
                multi: true,
                value: values.clone(),
                text: values.clone(),
                ..VarValue::single("")
            }
        };
        scope.set_var(name.clone(), value);
    }
    scope.set_time_range(ctx.from_ms, ctx.to_ms);
    scope.set_dashboard(&ctx.dashboard_title, ctx.dashboard_uid.as_deref());
    scope.set_builtin(
        "__url_time_range",
        format!("from={}&to={}", time_param(&ctx.from), time_param(&ctx.to)),
    );
    let all: Vec<String> = ctx
        .variables
        .iter()
        .flat_map(|(n, vs)| {
            vs.iter().map(move |v| {
                let v = if v == "$__all" { "All" } else { v.as_str() };
                format!("var-{}={}", encode(n), encode(v))
            })
        })
        .collect();
    scope.set_builtin("__all_variables", all.join("&"));
    if let Some(name) = &ctx.series_name {
        scope.set_builtin("__series.name", name.clone());
        scope.set_builtin("__field.name", name.clone());
    }
    for (k, v) in &ctx.series_labels {
        scope.set_builtin(format!("__field.labels.{k}"), v.clone());
        scope.set_builtin(format!("__series.labels.{k}"), v.clone());
    }
    if let Some((at, value)) = ctx.value {
        scope.set_builtin("__value.raw", value.to_string());
        scope.set_builtin("__value.numeric", value.to_string());
        scope.set_builtin("__value.text", value.to_string());
        scope.set_builtin("__value.time", at.to_string());
    }
    interpolate(url, &scope, Format::PercentEncode)
}

/// Grafana keeps relative times as written in URLs; absolute ones become epoch ms.
fn time_param(time: &str) -> String {
    if time.starts_with("now") {
        return time.to_string();
    }
    chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| t.timestamp_millis().to_string())
        .unwrap_or_else(|_| time.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_promql_explore_url_carries_the_expression_and_range() {
        let url = grafana_explore_promql_url("http://g/", 2, None, "rate(x[5m])", "now-1h", "now");
        let panes = url
            .strip_prefix("http://g/explore?schemaVersion=1&panes=")
            .and_then(|rest| rest.strip_suffix("&orgId=2"))
            .expect("an Explore URL of org 2");
        let decoded: String = {
            let bytes = panes.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' {
                    out.push(u8::from_str_radix(&panes[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        };
        let panes: serde_json::Value = serde_json::from_str(&decoded).unwrap();
        assert_eq!(panes["triage"]["queries"][0]["expr"], "rate(x[5m])");
        assert_eq!(panes["triage"]["range"]["from"], "now-1h");
        assert!(panes["triage"].get("datasource").is_none());
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn series_labels_win_and_metric_only_labels_are_left_out() {
        let series = labels(&[
            ("__name__", "x"),
            ("instance", "gw-1:8080"),
            ("le", "0.5"),
            ("code", "500"),
        ]);
        let exprs = vec![
            r#"sum by (le) (rate(http_request_duration_seconds_bucket{service="inference-gateway", environment="production", cluster=~".*", instance=~"gw-2:8080", endpoint!="/healthz"}[5m]))"#.to_string(),
        ];
        let m = stream_matchers(&series, &exprs);
        assert_eq!(
            logql_selector(&m),
            r#"{instance="gw-1:8080", service="inference-gateway", environment="production"}"#
        );
        assert_eq!(service_of(&m).as_deref(), Some("inference-gateway"));
    }

    #[test]
    fn negative_matchers_and_all_are_not_carried() {
        let m = stream_matchers(
            &BTreeMap::new(),
            &[r#"up{job!="a", cluster=~".+", pod=~"()", namespace=~"ml|web"}"#.to_string()],
        );
        assert_eq!(logql_selector(&m), r#"{namespace=~"ml|web"}"#);
        assert_eq!(logql_selector(&[]), r#"{job=~".+"}"#);
    }

    #[test]
    fn tempo_explore_urls() {
        let url = grafana_explore_tempo_url(
            "http://g/",
            "tempo",
            JaegerQuery::Service("g\"w"),
            "now-1h",
            "now",
        );
        assert!(
            url.starts_with("http://g/explore?schemaVersion=1&panes="),
            "{url}"
        );
        let panes = percent_encoding::percent_decode_str(
            &url["http://g/explore?schemaVersion=1&panes=".len()..],
        )
        .decode_utf8()
        .unwrap()
        .trim_end_matches("&orgId=1")
        .to_string();
        let panes: serde_json::Value = serde_json::from_str(&panes).unwrap();
        let query = &panes["triage"]["queries"][0];
        assert_eq!(query["datasource"]["type"], "tempo");
        assert_eq!(query["queryType"], "traceql");
        assert_eq!(query["query"], r#"{resource.service.name="g\"w"}"#);
        let url = grafana_explore_tempo_url("http://g", "t", JaegerQuery::Trace("ab12"), "a", "b");
        assert!(url.contains("%22query%22%3A%22ab12%22"), "{url}");
        assert!(url.contains("%22uid%22%3A%22t%22"), "{url}");
    }

    #[test]
    fn explore_and_jaeger_urls() {
        let url = grafana_explore_url("http://g/", 1, "loki", r#"{job="a"}"#, "now-1h", "now");
        assert!(
            url.starts_with("http://g/explore?schemaVersion=1&panes=%7B%22triage%22"),
            "{url}"
        );
        assert!(
            url.contains("%7Bjob%3D%5C%22a%5C%22%7D"),
            "the expr, JSON-quoted then encoded: {url}"
        );
        assert!(url.ends_with("&orgId=1"));
        let url = grafana_explore_url("http://g/", 2, "loki", r#"{job="a"}"#, "now-1h", "now");
        assert!(url.ends_with("&orgId=2"), "{url}");
        assert_eq!(
            jaeger_search_url("http://j:16686", "inference gw", 1000, 2000),
            "http://j:16686/search?end=2000000&limit=20&lookback=custom&service=inference%20gw&start=1000000"
        );
        assert_eq!(jaeger_trace_url("http://j/", "ab12"), "http://j/trace/ab12");
        let url = grafana_explore_jaeger_url(
            "http://g",
            1,
            "jaeger",
            JaegerQuery::Trace("ab12"),
            "now-1h",
            "now",
        );
        assert!(url.contains("%22query%22%3A%22ab12%22"), "{url}");
        let url = grafana_explore_jaeger_url(
            "http://g",
            3,
            "j",
            JaegerQuery::Service("gw"),
            "now-1h",
            "now",
        );
        assert!(
            url.contains("%22queryType%22%3A%22search%22")
                && url.contains("%22service%22%3A%22gw%22")
                && url.ends_with("&orgId=3"),
            "{url}"
        );
    }

    #[test]
    fn link_urls_take_variables_time_and_the_series() {
        let ctx = LinkContext {
            variables: [
                ("environment".to_string(), vec!["production".to_string()]),
                ("instance".to_string(), vec!["$__all".to_string()]),
            ]
            .into(),
            from: "now-6h".into(),
            to: "now".into(),
            from_ms: 1_000,
            to_ms: 2_000,
            dashboard_title: "GW".into(),
            dashboard_uid: Some("gw".into()),
            series_name: Some("p99".into()),
            series_labels: labels(&[("instance", "gw-1:8080"), ("endpoint", "/v1/predict")]),
            value: Some((1_500, 0.25)),
        };
        assert_eq!(
            resolve_link_url(
                "https://x/d/other?${__url_time_range}&var-env=$environment&host=${__field.labels.instance}&ep=${__field.labels.endpoint}",
                &ctx
            ),
            "https://x/d/other?from=now-6h&to=now&var-env=production&host=gw-1%3A8080&ep=%2Fv1%2Fpredict"
        );
        assert_eq!(
            resolve_link_url(
                "/r?f=${__from}&t=${__to}&v=${__value.raw}&at=${__value.time}&${__all_variables}",
                &ctx
            ),
            "/r?f=1000&t=2000&v=0.25&at=1500&var-environment=production&var-instance=All"
        );
    }
}
