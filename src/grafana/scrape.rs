//! The scrape interval behind a query, from the targets Prometheus scrapes: the largest
//! interval among the targets the query's selectors can match. A dashboard mixing a 15 s job
//! and a 1 m one then plans each panel's `$__rate_interval` with the interval of the data it
//! reads, where Grafana has one `timeInterval` per datasource.

use promql_parser::label::Matcher;
use promql_parser::parser::{Expr, parse};
use promql_parser::util::{ExprVisitor, walk_expr};

use crate::data::ScrapeTarget;
use crate::grafana::interval::interval_to_ms;

/// The largest scrape interval among the targets `expr` can read from, if it names any.
/// `expr` may still hold Grafana's interval built-ins (`$__rate_interval`): they do not change
/// which series are selected and are read as a minute.
pub fn scrape_interval_for(expr: &str, targets: &[ScrapeTarget]) -> Option<String> {
    if targets.is_empty() {
        return None;
    }
    let selectors = selector_matchers(&without_builtins(expr))?;
    targets
        .iter()
        .filter(|t| selectors.iter().any(|s| could_read(s, t)))
        .filter_map(|t| Some((interval_to_ms(&t.scrape_interval)?, &t.scrape_interval)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, text)| text.clone())
}

/// Whether a selector's matchers allow series of this target: each matcher on a label the
/// target has must accept its value. Matchers on other labels (`mode="idle"`, the metric
/// name) are about series, not targets, and cannot rule a target out.
fn could_read(matchers: &[Matcher], target: &ScrapeTarget) -> bool {
    matchers.iter().all(|m| {
        target
            .labels
            .get(&m.name)
            .is_none_or(|value| m.is_match(value))
    })
}

/// Every vector selector's matchers (an `or` group counts as its first alternative set).
fn selector_matchers(expr: &str) -> Option<Vec<Vec<Matcher>>> {
    struct Collect(Vec<Vec<Matcher>>);
    impl ExprVisitor for Collect {
        type Error = ();
        fn pre_visit(&mut self, expr: &Expr) -> Result<bool, ()> {
            let selector = match expr {
                Expr::VectorSelector(vs) => vs,
                Expr::MatrixSelector(ms) => &ms.vs,
                _ => return Ok(true),
            };
            self.0.push(selector.matchers.matchers.clone());
            self.0.extend(selector.matchers.or_matchers.iter().cloned());
            Ok(true)
        }
    }
    let parsed = parse(expr).ok()?;
    let mut collect = Collect(Vec::new());
    walk_expr(&mut collect, &parsed).ok()?;
    (!collect.0.is_empty()).then_some(collect.0)
}

/// `$__rate_interval`, `${__interval}`, `$__range` ... as `1m`, so the expression parses.
fn without_builtins(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut rest = expr;
    while let Some(at) = rest.find("$") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name_len, skip) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (end, end + 2),
                None => (0, 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (end, end)
        };
        let name = if after.starts_with('{') {
            &after[1..1 + name_len]
        } else {
            &after[..name_len]
        };
        if name.starts_with("__") && skip > 0 {
            out.push_str("1m");
            rest = &after[skip..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(job: &str, instance: &str, every: &str) -> ScrapeTarget {
        ScrapeTarget {
            labels: [("job", job), ("instance", instance)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            scrape_interval: every.into(),
        }
    }

    fn targets() -> Vec<ScrapeTarget> {
        vec![
            target("node", "host-a:9100", "1m"),
            target("node", "host-b:9100", "30s"),
            target("gateway", "gw:8080", "15s"),
        ]
    }

    #[test]
    fn the_largest_interval_among_the_targets_a_selector_matches() {
        let t = targets();
        let node = r#"rate(node_cpu_seconds_total{job="node",mode!="idle"}[$__rate_interval])"#;
        assert_eq!(scrape_interval_for(node, &t).as_deref(), Some("1m"));
        let host_b =
            r#"rate(node_cpu_seconds_total{job="node",instance=~"host-b.*"}[${__rate_interval}])"#;
        assert_eq!(scrape_interval_for(host_b, &t).as_deref(), Some("30s"));
        let gateway = r#"sum(rate(http_requests_total{job="gateway"}[5m]))"#;
        assert_eq!(scrape_interval_for(gateway, &t).as_deref(), Some("15s"));
    }

    #[test]
    fn a_selector_without_target_labels_can_read_every_target() {
        let t = targets();
        assert_eq!(
            scrape_interval_for("sum(up)", &t).as_deref(),
            Some("1m"),
            "every target: the largest"
        );
        // Binary expressions: the largest of both sides.
        let both = r#"rate(a{job="gateway"}[1m]) / rate(b{instance="host-b:9100"}[1m])"#;
        assert_eq!(scrape_interval_for(both, &t).as_deref(), Some("30s"));
    }

    #[test]
    fn no_answer_without_targets_a_match_or_a_parse() {
        let t = targets();
        assert_eq!(scrape_interval_for(r#"up{job="none"}"#, &t), None);
        assert_eq!(scrape_interval_for("rate(x[", &t), None);
        assert_eq!(scrape_interval_for("1 + 1", &t), None);
        assert_eq!(scrape_interval_for("up", &[]), None);
    }

    #[test]
    fn builtins_are_read_as_a_duration_and_variables_are_kept() {
        assert_eq!(
            without_builtins("rate(x[$__rate_interval]) / ${__range_s} * $cluster"),
            "rate(x[1m]) / 1m * $cluster"
        );
    }
}
