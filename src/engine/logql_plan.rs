//! How a Loki target is asked, as Grafana's Loki datasource asks it: the frontend's interval
//! (panel min interval, no scrape-interval floor), the backend's step
//! (pkg/tsdb/loki/step.go: `max(interval × resolution, range / 11000)`, rounded up to a
//! millisecond; the range is not aligned to it) and its built-ins
//! (pkg/tsdb/loki/parse_query.go: `$__auto` is the step for a range query and the whole range
//! for an instant one; `$__interval`, `$__range` as Prometheus's). Pure.

use super::plan::{PlanContext, PlannedQuery, QueryLanguage, max_data_points};
use crate::grafana::interval::{calculate_interval, format_interval_go};
use crate::grafana::model::{Panel, Target, TargetFormat};
use crate::grafana::vars::{Format, Scope, interpolate};

/// Loki's limit of points per series that the step keeps a range under (step.go).
const MAX_POINTS: i64 = 11_000;

/// The query (one; LogQL targets are range or instant, not both) a Loki target sends.
pub fn plan_loki_target(
    panel: &Panel,
    target: &Target,
    scope: &Scope,
    ctx: &PlanContext,
) -> Option<PlannedQuery> {
    if target.expr.trim().is_empty() {
        return None;
    }
    let (from_ms, to_ms) = (ctx.range.from_ms(), ctx.range.to_ms());
    let range_ms = (to_ms - from_ms).max(0);
    let min_interval = panel
        .interval
        .as_deref()
        .map(|i| interpolate(i, scope, Format::Glob))
        .filter(|i| !i.trim().is_empty());
    let interval = calculate_interval(
        from_ms,
        to_ms,
        max_data_points(panel),
        min_interval.as_deref(),
    );
    let step_ms = interval
        .interval_ms
        .max((range_ms + MAX_POINTS - 1) / MAX_POINTS);
    let instant = target.instant && !target.range;
    let range_s = (range_ms as f64 / 1000.0).round() as i64;
    let mut target_scope = scope.clone();
    target_scope.set_builtin(
        "__interval",
        format_interval_go(interval.interval_ms * 1_000_000),
    );
    target_scope.set_builtin("__interval_ms", interval.interval_ms.to_string());
    target_scope.set_builtin("__range", format!("{range_s}s"));
    target_scope.set_builtin("__range_s", range_s.to_string());
    target_scope.set_builtin("__range_ms", range_ms.to_string());
    target_scope.set_builtin(
        "__auto",
        if instant {
            format!("{range_s}s")
        } else {
            format_interval_go(step_ms * 1_000_000)
        },
    );
    // Grafana's Loki datasource escapes multi-value variables its own way
    // (`interpolateQueryExpr`: values joined by `|` without parentheses, no `'` escaping).
    let expr = interpolate(&target.expr, &target_scope, Format::Loki);
    Some(PlannedQuery {
        ref_id: target.ref_id.clone(),
        expr,
        legend_format: target.legend_format.clone(),
        format: if target.format == TargetFormat::Table {
            TargetFormat::Table
        } else {
            TargetFormat::TimeSeries
        },
        instant,
        start_ms: if instant { to_ms } else { from_ms },
        end_ms: to_ms,
        step_ms,
        offset_ms: 0,
        datasource: None,
        language: QueryLanguage::LogQL,
        scrape: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::{DatasourceRef, GridPos};
    use crate::grafana::timerange::TimeRange;
    use std::collections::BTreeMap;

    fn loki_panel(expr: &str) -> Panel {
        Panel {
            panel_type: "timeseries".into(),
            grid: GridPos {
                x: 0,
                y: 0,
                w: 12,
                h: 8,
            },
            datasource: DatasourceRef::Named {
                uid: Some("loki".into()),
                name: None,
                r#type: Some("loki".into()),
            },
            targets: vec![Target {
                ref_id: "A".into(),
                expr: expr.into(),
                legend_format: Some("{{level}}".into()),
                ..Target::default()
            }],
            ..Panel::default()
        }
    }

    #[test]
    fn auto_is_the_step_of_a_range_query_and_the_range_is_not_aligned() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:07Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let range = TimeRange::resolve("now-1h", "now", now).unwrap();
        let types = BTreeMap::new();
        let ctx = PlanContext {
            range: &range,
            scrape_interval: Some("1m".into()),
            scrape_for: None,
            utc_offset_s: 0,
            dashboard_title: "d",
            dashboard_uid: "u",
            datasource_types: &types,
        };
        let panel = loki_panel(r#"sum by (level) (rate({app="gw"} | logfmt [$__auto]))"#);
        let q = plan_loki_target(&panel, &panel.targets[0], &Scope::new(), &ctx).unwrap();
        // A half-width panel is 940 px wide in Grafana: 3600 s over 940 points = 3.8 s,
        // rounded to 5 s by the frontend table; the scrape interval (1m) is Prometheus's
        // floor, not Loki's.
        assert_eq!(q.step_ms, 5_000);
        assert_eq!(q.expr, r#"sum by (level) (rate({app="gw"} | logfmt [5s]))"#);
        assert_eq!(q.start_ms, range.from_ms());
        assert_eq!(q.language, QueryLanguage::LogQL);
        let mut instant = panel.clone();
        instant.targets[0].instant = true;
        let q = plan_loki_target(&instant, &instant.targets[0], &Scope::new(), &ctx).unwrap();
        assert!(q.instant);
        assert_eq!(
            q.expr,
            r#"sum by (level) (rate({app="gw"} | logfmt [3600s]))"#
        );
    }

    #[test]
    fn multi_value_variables_are_escaped_as_the_loki_datasource_escapes_them() {
        let range = TimeRange::resolve("now-1h", "now", chrono::Utc::now()).unwrap();
        let types = BTreeMap::new();
        let ctx = PlanContext {
            range: &range,
            scrape_interval: None,
            scrape_for: None,
            utc_offset_s: 0,
            dashboard_title: "d",
            dashboard_uid: "u",
            datasource_types: &types,
        };
        let mut scope = Scope::new();
        let values = |v: &[&str], multi: bool| crate::grafana::vars::VarValue {
            text: v.iter().map(|s| s.to_string()).collect(),
            value: v.iter().map(|s| s.to_string()).collect(),
            multi,
            ..Default::default()
        };
        scope.set_var("pod", values(&["gw-1.a", "o'k"], true));
        scope.set_var("app", values(&["g.w"], false));
        let panel = loki_panel(r#"{app="$app", pod=~"$pod"}"#);
        let q = plan_loki_target(&panel, &panel.targets[0], &scope, &ctx).unwrap();
        // No parentheses around the alternatives, no `'` escaping; a single-value variable as is.
        assert_eq!(q.expr, r#"{app="g.w", pod=~"gw-1\\.a|o'k"}"#);
    }

    #[test]
    fn a_long_range_keeps_under_lokis_point_limit() {
        let now = chrono::Utc::now();
        let range = TimeRange::resolve("now-30d", "now", now).unwrap();
        let types = BTreeMap::new();
        let ctx = PlanContext {
            range: &range,
            scrape_interval: None,
            scrape_for: None,
            utc_offset_s: 0,
            dashboard_title: "d",
            dashboard_uid: "u",
            datasource_types: &types,
        };
        let mut panel = loki_panel(r#"count_over_time({app="gw"}[$__interval])"#);
        panel.max_data_points = Some(100_000);
        let q = plan_loki_target(&panel, &panel.targets[0], &Scope::new(), &ctx).unwrap();
        assert!((range.to_ms() - range.from_ms()) / q.step_ms <= MAX_POINTS);
    }
}
