//! The SLO alerts of a service: latency, error ratio, 30-day availability and multi-window burn
//! rates, each as instant queries on recorded `slo:*` series and a condition over them.

use super::super::config::SloConfig;
use super::super::yaml::Node;

/// One SLO alert: instant queries on recorded `slo:*` series and the condition over them.
#[derive(Debug, Clone, PartialEq)]
pub struct SloAlert {
    pub uid: String,
    pub title: String,
    /// `(refId, PromQL)`.
    pub queries: Vec<(String, String)>,
    /// Fires when every query is above (`true`) / below (`false`) the threshold.
    pub above: bool,
    pub threshold: f64,
    pub for_duration: String,
    pub severity: String,
    pub summary: String,
    pub description: String,
    /// The recorded series the linked dashboard panel shows.
    pub metric: String,
}

/// Multi-window, multi-burn-rate pairs (Google SRE workbook): long window, short window,
/// burn factor, severity, for.
const BURN_RATES: &[(&str, &str, f64, &str, &str, &str)] = &[
    ("fast", "1h", 14.4, "5m", "critical", "2m"),
    ("medium", "6h", 6.0, "30m", "critical", "15m"),
    ("slow", "1d", 3.0, "2h", "warning", "1h"),
    ("very-slow", "3d", 1.0, "6h", "warning", "3h"),
];

/// Annotations name where an alert fires with Grafana's template for its labels.
const WHERE: &str = "{{ .Labels.environment }}/{{ .Labels.cluster }}";

/// What every SLO alert of one service shares: the objectives and the series selector.
struct Scope<'a> {
    slo: &'a SloConfig,
    selector: String,
}

impl Scope<'_> {
    /// `metric` of the service in the alerting environments, aggregated per cluster.
    fn series(&self, agg: &str, metric: &str) -> String {
        let by = "by (service, environment, cluster)";
        format!("{agg} {by} ({metric}{{{}}})", self.selector)
    }
}

/// A ratio as a percentage, rounded for titles.
fn pct(v: f64) -> String {
    format!("{}", round6(v * 100.0))
}

/// The SLO alerts of one service, in a fixed order.
pub fn slo_alerts(slo: &SloConfig, environments: &[String]) -> Vec<SloAlert> {
    let scope = Scope {
        slo,
        selector: format!(
            "service=\"{}\", environment=~\"{}\"",
            slo.service,
            environments.join("|")
        ),
    };
    let mut alerts = vec![
        latency_alert(&scope),
        error_rate_alert(&scope),
        availability_alert(&scope),
    ];
    alerts.extend(BURN_RATES.iter().map(|rate| burn_rate_alert(&scope, rate)));
    alerts
}

fn latency_alert(scope: &Scope) -> SloAlert {
    let slo = scope.slo;
    SloAlert {
        uid: format!("{}-latency-p99", slo.service),
        title: format!(
            "{}: p99 latency above {} ms",
            slo.service,
            round6(slo.latency_p99_seconds * 1000.0)
        ),
        queries: vec![(
            "A".into(),
            scope.series("max", "slo:latency_p99:seconds_rate5m"),
        )],
        above: true,
        threshold: slo.latency_p99_seconds,
        for_duration: "5m".into(),
        severity: "warning".into(),
        summary: format!("{} p99 latency above objective in {WHERE}", slo.service),
        description: format!(
            "p99 latency over 5 minutes is above {} ms. Check the latency breakdown by stage and the queue depth on the dashboard.",
            round6(slo.latency_p99_seconds * 1000.0)
        ),
        metric: "slo:latency_p99:seconds_rate5m".into(),
    }
}

fn error_rate_alert(scope: &Scope) -> SloAlert {
    let slo = scope.slo;
    SloAlert {
        uid: format!("{}-error-rate", slo.service),
        title: format!("{}: 5xx ratio above {} %", slo.service, pct(slo.error_rate)),
        queries: vec![(
            "A".into(),
            scope.series("max", "slo:sli_error:ratio_rate5m"),
        )],
        above: true,
        threshold: slo.error_rate,
        for_duration: "5m".into(),
        severity: "warning".into(),
        summary: format!("{} 5xx ratio above objective in {WHERE}", slo.service),
        description: format!(
            "More than {} % of requests failed with a 5xx over 5 minutes. Check errors by endpoint and recent deployments.",
            pct(slo.error_rate)
        ),
        metric: "slo:sli_error:ratio_rate5m".into(),
    }
}

fn availability_alert(scope: &Scope) -> SloAlert {
    let slo = scope.slo;
    SloAlert {
        uid: format!("{}-availability-30d", slo.service),
        title: format!(
            "{}: 30-day availability below {} %",
            slo.service,
            pct(slo.availability)
        ),
        queries: vec![(
            "A".into(),
            scope.series("min", "slo:availability:ratio_rate30d"),
        )],
        above: false,
        threshold: slo.availability,
        for_duration: "15m".into(),
        severity: "warning".into(),
        summary: format!(
            "{} missed its availability objective in {WHERE}",
            slo.service
        ),
        description: format!(
            "Availability over 30 days is below {} %: the error budget is spent. Freeze risky changes.",
            pct(slo.availability)
        ),
        metric: "slo:availability:ratio_rate30d".into(),
    }
}

/// One multi-window burn-rate alert of [`BURN_RATES`].
fn burn_rate_alert(
    scope: &Scope,
    (name, long, factor, short, severity, for_duration): &(&str, &str, f64, &str, &str, &str),
) -> SloAlert {
    let slo = scope.slo;
    let budget = 1.0 - slo.availability;
    let threshold = round6(factor * budget);
    SloAlert {
        uid: format!("{}-burn-{name}", slo.service),
        title: format!(
            "{}: error budget burning {factor}x ({long} and {short})",
            slo.service
        ),
        queries: vec![
            (
                "A".into(),
                scope.series("max", &format!("slo:sli_error:ratio_rate{long}")),
            ),
            (
                "B".into(),
                scope.series("max", &format!("slo:sli_error:ratio_rate{short}")),
            ),
        ],
        above: true,
        threshold,
        for_duration: (*for_duration).into(),
        severity: (*severity).into(),
        summary: format!(
            "{} error budget burning {factor}x too fast in {WHERE}",
            slo.service
        ),
        description: format!(
            "The error ratio over {long} and over {short} is above {factor} x the budget ({} %). At this rate the 30-day budget lasts {:.1} days.",
            pct(threshold),
            30.0 / factor
        ),
        metric: "slo:error_budget_remaining:ratio30d".into(),
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

impl SloAlert {
    /// The same condition as one PromQL expression, for `triage check` to evaluate it now.
    pub fn promql(&self) -> String {
        let op = if self.above { ">" } else { "<" };
        self.queries
            .iter()
            .map(|(_, q)| format!("({q}) {op} {}", self.threshold))
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// The condition as Grafana's server-side expression: a threshold on one query, or a math
    /// expression over several.
    pub(super) fn condition_expression(&self) -> (String, Node) {
        let op = if self.above { "gt" } else { "lt" };
        let expr_ds = Node::map()
            .with("type", Node::str("__expr__"))
            .with("uid", Node::str("__expr__"));
        if let [(ref_id, _)] = self.queries.as_slice() {
            let model = Node::map()
                .with("refId", Node::str("C"))
                .with("type", Node::str("threshold"))
                .with("expression", Node::str(ref_id))
                .with(
                    "conditions",
                    Node::List(vec![
                        Node::map().with(
                            "evaluator",
                            Node::map()
                                .with("type", Node::str(op))
                                .with("params", Node::List(vec![Node::Float(self.threshold)])),
                        ),
                    ]),
                )
                .with("datasource", expr_ds);
            ("C".into(), model)
        } else {
            let sign = if self.above { ">" } else { "<" };
            let expression = self
                .queries
                .iter()
                .map(|(r, _)| format!("${r} {sign} {}", self.threshold))
                .collect::<Vec<_>>()
                .join(" && ");
            let model = Node::map()
                .with("refId", Node::str("C"))
                .with("type", Node::str("math"))
                .with("expression", Node::str(expression))
                .with("datasource", expr_ds);
            ("C".into(), model)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;
    use super::*;

    #[test]
    fn burn_rate_alerts_use_the_workbook_factors_of_the_error_budget() {
        let slo = &config().slos[0];
        let alerts = slo_alerts(slo, &["production".into()]);
        let fast = alerts
            .iter()
            .find(|a| a.uid.ends_with("burn-fast"))
            .unwrap();
        // 14.4 × (1 − 0.995) = 0.072 on both the 1 h and the 5 m window, paging.
        assert_eq!(fast.threshold, 0.072);
        assert_eq!(fast.severity, "critical");
        assert!(fast.queries[0].1.contains("slo:sli_error:ratio_rate1h"));
        assert!(fast.queries[1].1.contains("slo:sli_error:ratio_rate5m"));
        assert_eq!(
            fast.promql(),
            "(max by (service, environment, cluster) (slo:sli_error:ratio_rate1h{service=\"inference-gateway\", environment=~\"production\"})) > 0.072 and (max by (service, environment, cluster) (slo:sli_error:ratio_rate5m{service=\"inference-gateway\", environment=~\"production\"})) > 0.072"
        );
        let medium = alerts
            .iter()
            .find(|a| a.uid.ends_with("burn-medium"))
            .unwrap();
        assert_eq!(medium.threshold, 0.03);
        let availability = alerts
            .iter()
            .find(|a| a.uid.ends_with("availability-30d"))
            .unwrap();
        assert!(!availability.above);
        assert_eq!(availability.threshold, 0.995);
        for alert in &alerts {
            assert!(alert.uid.len() <= 40, "{}", alert.uid);
            promql_parser::parser::parse(&alert.promql()).unwrap();
        }
    }
}
