//! Dashboard annotations from Prometheus, as Grafana's Prometheus annotation support makes
//! them: one range query per enabled annotation with an `expr` (its `step`, 60 s by default),
//! and every run of samples with value ≥ 1 becomes one event — samples no more than a step
//! apart join one region from its first to its last sample. The title and text render
//! `titleFormat`/`textFormat` with the series' labels (`{{label}}`); `tagKeys` (comma
//! separated) names the labels whose values become tags.
//!
//! The queries ride along with every time-series panel's own (sent once, as any query two
//! panels share), marked by a ref id prefix, and come back as events instead of series.

use super::plan::{PlannedQuery, foreign_datasource};
pub use crate::data::AnnotationEvent;
use crate::grafana::model::{Annotation, Dashboard, TargetFormat};
use crate::grafana::naming::render_legend;
use crate::grafana::timerange::TimeRange;
use crate::grafana::vars::{Format, Scope, interpolate};
use crate::net::RawSeries;

/// Grafana's default step for Prometheus annotation queries.
pub const STEP_MS: i64 = 60_000;

/// Ref ids of annotation queries start with this (no target's ref id can: it has a space).
pub const REF_PREFIX: &str = "annotation ";

/// The annotations that are sent: enabled, with a PromQL `expr`, on a Prometheus datasource.
pub fn queried(dashboard: &Dashboard) -> impl Iterator<Item = (usize, &Annotation)> {
    let types = dashboard.datasource_variable_types();
    dashboard
        .annotations
        .iter()
        .enumerate()
        .filter(move |(_, a)| {
            a.enabled
                && !a.builtin
                && a.expr.as_deref().is_some_and(|e| !e.trim().is_empty())
                && a.datasource
                    .as_ref()
                    .and_then(|d| foreign_datasource(d, &types))
                    .is_none()
        })
}

/// The range query of one annotation: its `expr` with the dashboard's variables, over the
/// range aligned to the step as Grafana aligns range queries.
pub fn plan(
    index: usize,
    annotation: &Annotation,
    scope: &Scope,
    range: &TimeRange,
) -> PlannedQuery {
    let expr = interpolate(
        annotation.expr.as_deref().unwrap_or(""),
        scope,
        Format::Prometheus,
    );
    let step_ms = step_of(annotation, scope);
    let start_ms = range.from_ms().div_euclid(step_ms) * step_ms;
    let end_ms = range.to_ms().div_euclid(step_ms) * step_ms;
    PlannedQuery {
        ref_id: format!("{REF_PREFIX}{index}"),
        expr,
        legend_format: None,
        format: TargetFormat::TimeSeries,
        instant: false,
        start_ms,
        end_ms: end_ms.max(start_ms),
        step_ms,
        offset_ms: 0,
        datasource: None,
        language: super::plan::QueryLanguage::PromQL,
    }
}

/// The annotation's `step` (variables allowed), else 60 s; a step under a second or one that
/// does not parse falls back to the default rather than flood Prometheus.
fn step_of(annotation: &Annotation, scope: &Scope) -> i64 {
    annotation
        .step
        .as_deref()
        .map(|s| interpolate(s, scope, Format::Glob))
        .and_then(|s| crate::grafana::interval::interval_to_ms(&s))
        .filter(|ms| *ms >= 1000.0)
        .map_or(STEP_MS, |ms| ms as i64)
}

/// Which annotation a query's ref id belongs to, if it is an annotation query.
pub fn index_of(ref_id: &str) -> Option<usize> {
    ref_id.strip_prefix(REF_PREFIX)?.parse().ok()
}

/// The events in an annotation query's answer.
pub fn events(annotation: &Annotation, series: &[RawSeries], step_ms: i64) -> Vec<AnnotationEvent> {
    let mut out = Vec::new();
    for s in series {
        let title = annotation
            .title_format
            .as_deref()
            .map(|f| render_legend(f, &s.labels))
            .unwrap_or_default();
        let text = annotation
            .text_format
            .as_deref()
            .map(|f| render_legend(f, &s.labels))
            .unwrap_or_default();
        let tags: Vec<String> = annotation
            .tag_keys
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .filter_map(|k| s.labels.get(k).cloned())
            .collect();
        let mut open: Option<AnnotationEvent> = None;
        for &(t, _) in s.points.iter().filter(|(_, v)| *v >= 1.0) {
            if let Some(event) = open.as_mut()
                && event.end_ms + step_ms >= t
            {
                event.end_ms = t;
                continue;
            }
            out.extend(open.take());
            open = Some(AnnotationEvent {
                source: annotation.name.clone(),
                at_ms: t,
                end_ms: t,
                title: title.clone(),
                text: text.clone(),
                tags: tags.clone(),
                color: annotation.icon_color.clone(),
            });
        }
        out.extend(open);
    }
    out.sort_by_key(|e| e.at_ms);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(labels: &[(&str, &str)], points: &[(i64, f64)]) -> RawSeries {
        RawSeries {
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            points: points.to_vec(),
        }
    }

    fn deploys() -> Annotation {
        Annotation {
            name: "Deploys".into(),
            enabled: true,
            expr: Some("changes(build_info[1m]) > 0".into()),
            title_format: Some("deploy {{version}}".into()),
            text_format: Some("on {{instance}}".into()),
            tag_keys: Some("instance, version,missing".into()),
            ..Annotation::default()
        }
    }

    #[test]
    fn runs_of_active_samples_become_regions_and_zeros_split_them() {
        let s = raw(
            &[("instance", "gw-1"), ("version", "v2")],
            &[
                (0, 0.0),
                (60_000, 1.0),
                (120_000, 2.0),
                (180_000, 0.0),
                (240_000, 0.5),
                (360_000, 1.0),
            ],
        );
        let events = events(&deploys(), &[s], STEP_MS);
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].at_ms, events[0].end_ms), (60_000, 120_000));
        assert_eq!((events[1].at_ms, events[1].end_ms), (360_000, 360_000));
        assert_eq!(events[0].title, "deploy v2");
        assert_eq!(events[0].text, "on gw-1");
        assert_eq!(events[0].tags, ["gw-1", "v2"]);
        assert_eq!(events[0].source, "Deploys");
    }

    #[test]
    fn a_gap_of_missing_samples_longer_than_a_step_starts_a_new_event() {
        // Prometheus leaves out samples where `> 0` filtered them: 60 s and 240 s are apart.
        let s = raw(&[], &[(60_000, 1.0), (240_000, 1.0)]);
        assert_eq!(events(&deploys(), &[s], STEP_MS).len(), 2);
    }

    #[test]
    fn only_enabled_prometheus_annotations_with_an_expr_are_queried() {
        let mut dashboard = Dashboard::default();
        let builtin = Annotation {
            builtin: true,
            enabled: true,
            expr: Some("up".into()),
            ..Annotation::default()
        };
        let disabled = Annotation {
            enabled: false,
            ..deploys()
        };
        let loki = Annotation {
            datasource: Some(crate::grafana::model::DatasourceRef::Named {
                uid: Some("logs".into()),
                name: None,
                r#type: Some("loki".into()),
            }),
            ..deploys()
        };
        dashboard.annotations = vec![builtin, disabled, loki, deploys()];
        let indices: Vec<usize> = queried(&dashboard).map(|(i, _)| i).collect();
        assert_eq!(indices, [3]);
        let now = chrono::DateTime::from_timestamp_millis(1_795_500_030_000).unwrap_or_default();
        let range = TimeRange::resolve("now-1h", "now", now).unwrap_or_else(|e| panic!("{e}"));
        let q = plan(3, &deploys(), &Scope::new(), &range);
        assert_eq!(index_of(&q.ref_id), Some(3));
        assert_eq!(q.step_ms, STEP_MS);
        assert_eq!(q.start_ms % STEP_MS, 0);
        assert!(!q.instant);
        assert_eq!(index_of("A"), None);
        let every_5m = Annotation {
            step: Some("5m".into()),
            ..deploys()
        };
        let q = plan(3, &every_5m, &Scope::new(), &range);
        assert_eq!(q.step_ms, 300_000);
        assert_eq!(q.start_ms % 300_000, 0);
        let nonsense = Annotation {
            step: Some("soon".into()),
            ..deploys()
        };
        assert_eq!(plan(3, &nonsense, &Scope::new(), &range).step_ms, STEP_MS);
    }
}
