//! Real corpus panels with transformations, fed the series Prometheus would return for their
//! queries (label sets as the exporters write them), give the columns, rows and names Grafana
//! shows. The dashboards are read in place from the shared corpus.

use std::collections::BTreeMap;
use std::path::PathBuf;

use triage::data::panel_data::{PanelData, Series};
use triage::grafana::load::load_path;
use triage::grafana::model::Panel;
use triage::view::build::{Clock, build};
use triage::view::{PanelBody, TableView, table};

fn panel(file: &str, title: &str, panel_type: &str) -> Panel {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(file);
    let loaded = load_path(&path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    loaded
        .dashboard
        .panels
        .into_iter()
        .find(|p| p.title == title && p.panel_type == panel_type)
        .map(std::sync::Arc::unwrap_or_clone)
        .unwrap_or_else(|| panic!("{file}: no {panel_type} panel titled {title:?}"))
}

fn series(ref_id: &str, name: &str, labels: &[(&str, &str)], points: &[(i64, f64)]) -> Series {
    Series {
        ref_id: ref_id.into(),
        name: name.into(),
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        points: points.to_vec(),
        compare: None,
    }
}

fn cells(table: &TableView) -> Vec<Vec<String>> {
    table
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.text.clone()).collect())
        .collect()
}

#[test]
fn kubernetes_cpu_quota_join_by_namespace_then_organize() {
    let p = panel(
        "monitoring-mixins-website__kubernetes__k8s-resources-cluster.json",
        "CPU Quota",
        "table",
    );
    let ref_ids: Vec<String> = p.targets.iter().map(|t| t.ref_id.clone()).collect();
    assert_eq!(ref_ids, ["A", "B", "C", "D", "E", "F", "G"]);
    let values = [10.0, 3.0, 0.5, 1.0, 0.5, 2.0, 0.25];
    let mut data = Vec::new();
    for (ref_id, v) in ref_ids.iter().zip(values) {
        data.push(series(ref_id, "", &[("namespace", "web")], &[(1_000, v)]));
        // Workloads (B) has no series for kube-system: the outer join leaves a gap.
        if ref_id != "B" {
            data.push(series(
                ref_id,
                "",
                &[("namespace", "kube-system")],
                &[(1_000, v * 2.0)],
            ));
        }
    }
    let (t, notes) = table::build(&p, &data, Clock::Utc);
    assert!(notes.is_empty(), "{notes:?}");
    // The join keeps each query's `Time` (numbered `Time 1` … `Time 7`, as Grafana numbers
    // duplicate names), which organize then excludes by those numbered names.
    assert_eq!(
        t.headers,
        [
            "Namespace",
            "Pods",
            "Workloads",
            "CPU Usage",
            "CPU Requests",
            "CPU Requests %",
            "CPU Limits",
            "CPU Limits %"
        ]
    );
    // Text join keys in order of first appearance; `%` columns in percentunit by the
    // byRegexp override; the gap left by the outer join is an empty cell.
    assert_eq!(
        cells(&t),
        [
            ["web", "10", "3", "0.500", "1", "50%", "2", "25%"],
            ["kube-system", "20", "", "1", "2", "100%", "4", "50%"],
        ]
    );
}

#[test]
fn deprecated_apis_labels_to_fields_merge_organize_group_by() {
    let p = panel(
        "dotdc-grafana-dashboards-kubernetes__k8s-system-api-server.json",
        "Deprecated Kubernetes Resources",
        "table",
    );
    let labels = |resource: &'static str, version: &'static str| {
        vec![
            ("__name__", "apiserver_requested_deprecated_apis"),
            ("group", "policy"),
            ("job", "apiserver"),
            ("removed_release", "1.25"),
            ("resource", resource),
            ("version", version),
            ("instance", "10.0.0.1:6443"),
        ]
    };
    let points = [(1_000, 1.0), (2_000, 1.0)];
    let data = [
        series("A", "", &labels("podsecuritypolicies", "v1beta1"), &points),
        series("A", "", &labels("poddisruptionbudgets", "v1beta1"), &points),
        // The same API seen by a second apiserver: grouped into the row above.
        series("A", "", &labels("podsecuritypolicies", "v1beta1"), &points),
    ];
    let (t, notes) = table::build(&p, &data, Clock::Utc);
    assert!(notes.is_empty(), "{notes:?}");
    // keepLabels drops `instance` and `__name__`; `namespace` is no label of this metric.
    assert_eq!(
        t.headers,
        ["group", "version", "resource", "removed_release"]
    );
    assert_eq!(
        cells(&t),
        [
            ["policy", "v1beta1", "podsecuritypolicies", "1.25"],
            ["policy", "v1beta1", "poddisruptionbudgets", "1.25"],
        ]
    );
}

#[test]
fn trivy_range_table_organize_then_group_by_dedups_points() {
    let p = panel(
        "dotdc-grafana-dashboards-kubernetes__k8s-addons-trivy-operator.json",
        "Vulnerability count per image and severity in $namespace namespace(s)",
        "table",
    );
    let l = [
        ("image_registry", "index.docker.io"),
        ("image_repository", "library/nginx"),
        ("image_tag", "1.25"),
        ("namespace", "web"),
        ("severity", "Critical"),
    ];
    // A range query with format table: a row per point; groupBy folds equal rows together.
    let data = [series(
        "A",
        "",
        &l,
        &[(1_000, 3.0), (2_000, 3.0), (3_000, 4.0)],
    )];
    let (t, notes) = table::build(&p, &data, Clock::Utc);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        t.headers,
        [
            "Namespace",
            "Image Registry",
            "Image Repository",
            "Image Tag",
            "Severity",
            "Nb of vulnerabilities"
        ]
    );
    let counts: Vec<String> = cells(&t).iter().map(|r| r[5].clone()).collect();
    assert_eq!(counts, ["3", "4"]);
}

#[test]
fn rabbitmq_reduce_series_to_rows() {
    let p = panel(
        "monitoring-mixins-website__rabbitmq__erlang-memory-allocators.json",
        "$memory_allocator - Usage",
        "table",
    );
    let data = [
        series(
            "A",
            "Multiblock - Used",
            &[],
            &[(1, 10.0), (2, 30.0), (3, 20.0)],
        ),
        series("B", "Multiblock - Unused", &[], &[(1, 1.0), (2, 2.0)]),
    ];
    let (t, notes) = table::build(&p, &data, Clock::Utc);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(t.headers, ["Field", "Min", "Max", "Mean", "Last *"]);
    assert_eq!(
        cells(&t),
        // The table's own sortBy (`Field` ascending); decbytes with one decimal.
        [
            ["Multiblock - Unused", "1.0 B", "2.0 B", "1.5 B", "2.0 B"],
            ["Multiblock - Used", "10.0 B", "30.0 B", "20.0 B", "20.0 B"],
        ]
    );
}

#[test]
fn kafka_topic_overview_names_the_unsupported_step_and_applies_the_rest() {
    let p = panel(
        "monitoring-mixins-website__kafka__kafka-topic-dashboard.json",
        "Topic overview",
        "table",
    );
    let (_, notes) = table::build(&p, &[], Clock::Utc);
    assert!(
        notes
            .iter()
            .any(|n| n
                .contains("(timeSeriesTable): transformation timeSeriesTable is not supported")),
        "{notes:?}"
    );
}

#[test]
fn cluster_cpu_calculate_field_reduce_row_feeds_the_time_series() {
    let p = panel(
        "dotdc-grafana-dashboards-kubernetes__k8s-views-global.json",
        "Cluster CPU Utilization",
        "timeseries",
    );
    let data = PanelData {
        series: vec![series(
            "A",
            "CPU usage in %",
            &[],
            &[(1_000, 0.25), (2_000, 0.5)],
        )],
        start_ms: 1_000,
        end_ms: 2_000,
        ..PanelData::default()
    };
    let view = build(&p, &data, Clock::Utc);
    let PanelBody::TimeSeries(ts) = view.body else {
        panic!("expected a time series, got {:?}", view.body);
    };
    let names: Vec<&str> = ts.series.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["CPU usage in %"]);
    let ys: Vec<f64> = ts.series[0].points.iter().map(|p| p.1).collect();
    assert_eq!(ys, [0.25, 0.5]);
    assert!(view.notes.is_empty(), "{:?}", view.notes);
}

/// Every corpus panel with transformations, fed two series per query, draws without a panic
/// and names each step it cannot apply.
#[test]
fn every_corpus_panel_with_transformations_builds() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let supported = [
        "organize",
        "merge",
        "joinByField",
        "seriesToColumns",
        "filterFieldsByName",
        "sortBy",
        "reduce",
        "labelsToFields",
        "renameByRegex",
        "filterByValue",
        "groupBy",
        "calculateField",
        "seriesToRows",
        "groupingToMatrix",
        "prepareTimeSeries",
    ];
    let mut seen = 0;
    for file in files {
        let Ok(loaded) = load_path(&file) else {
            continue;
        };
        for p in loaded.dashboard.panels {
            if p.transformations.is_empty() {
                continue;
            }
            seen += 1;
            let mut series_list = Vec::new();
            for t in &p.targets {
                for (i, instance) in ["a:9100", "b:9100"].iter().enumerate() {
                    series_list.push(series(
                        &t.ref_id,
                        &format!("{} {instance}", t.ref_id),
                        &[
                            ("instance", instance),
                            ("job", "node"),
                            ("namespace", "web"),
                        ],
                        &[(1_000, i as f64), (2_000, 2.0 + i as f64)],
                    ));
                }
            }
            let data = PanelData {
                series: series_list,
                start_ms: 1_000,
                end_ms: 2_000,
                ..PanelData::default()
            };
            let view = build(&p, &data, Clock::Utc);
            for t in p.transformations.iter().filter(|t| !t.disabled) {
                if !supported.contains(&t.id.as_str()) {
                    assert!(
                        view.notes
                            .iter()
                            .any(|n| n.contains(&format!("({})", t.id))),
                        "{}: {:?} does not name {}: {:?}",
                        file.display(),
                        p.title,
                        t.id,
                        view.notes
                    );
                }
            }
        }
    }
    assert!(seen >= 30, "only {seen} panels with transformations found");
}

fn with_steps(panel_type: &str, steps: serde_json::Value) -> Panel {
    let steps: Vec<triage::grafana::model::Transformation> = steps
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| triage::grafana::model::Transformation {
            id: s["id"].as_str().unwrap_or_default().to_string(),
            disabled: false,
            options: s["options"].clone(),
        })
        .collect();
    Panel {
        panel_type: panel_type.into(),
        transformations: steps,
        ..Panel::default()
    }
}

#[test]
fn a_time_series_whose_transformations_drop_time_is_shown_as_a_table() {
    let p = with_steps(
        "timeseries",
        serde_json::json!([{"id": "reduce", "options": {"reducers": ["max"]}}]),
    );
    let data = PanelData {
        series: vec![series("A", "cpu", &[], &[(1_000, 1.0), (2_000, 3.0)])],
        ..PanelData::default()
    };
    let view = build(&p, &data, Clock::Utc);
    let PanelBody::Table(t) = &view.body else {
        panic!("expected a table, got {:?}", view.body);
    };
    assert_eq!(t.headers, ["Field", "Max"]);
    assert_eq!(cells(t), [["cpu", "3"]]);
    assert!(
        view.notes
            .iter()
            .any(|n| n.contains("no time and number fields")),
        "{:?}",
        view.notes
    );
}

#[test]
fn a_stat_after_filter_by_value_reduces_what_is_left() {
    let p = with_steps(
        "stat",
        serde_json::json!([
            {"id": "filterByValue", "options": {"filters": [{"fieldName": "Time", "config": {"id": "greater", "options": {"value": 1500}}}], "type": "exclude", "match": "any"}}
        ]),
    );
    let data = PanelData {
        series: vec![series("A", "cpu", &[], &[(1_000, 1.0), (2_000, 3.0)])],
        start_ms: 1_000,
        end_ms: 2_000,
        ..PanelData::default()
    };
    let view = build(&p, &data, Clock::Utc);
    let PanelBody::Stat(stat) = &view.body else {
        panic!("expected a stat, got {:?}", view.body);
    };
    // The point at 2000 ms is filtered out: the last value left is 1.
    let texts: Vec<&str> = stat.values.iter().map(|v| v.text.as_str()).collect();
    assert_eq!(texts, ["1"]);
}
