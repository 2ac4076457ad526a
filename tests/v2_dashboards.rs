//! Grafana's v2 dashboard schema (tests/fixtures/dashboards/v2/): loaded into the same model as
//! v1, through the command line and the library.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};
use triage::grafana::load::{Loaded, load_path, load_str};
use triage::grafana::model::Severity;

const BIN: &str = env!("CARGO_BIN_EXE_triage");

mod support;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dashboards/v2")
        .join(name)
}

fn triage(args: &[&str]) -> (Value, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    (doc, stderr)
}

fn inspect(path: &std::path::Path) -> Value {
    triage(&["inspect", path.to_str().unwrap(), "--format", "json"]).0
}

fn titles(doc: &Value) -> Vec<&str> {
    doc["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect()
}

/// Diagnostics at `path` whose message contains `needle`.
fn has_diag(l: &Loaded, severity: Severity, path: &str, needle: &str) -> bool {
    l.diagnostics
        .iter()
        .any(|d| d.severity == severity && d.path == path && d.message.contains(needle))
}

#[test]
fn inspect_lists_every_panel_target_variable_and_row_of_a_v2_dashboard() {
    let doc = inspect(&fixture("checkout.json"));
    assert_eq!(doc["title"], "Checkout (v2)");
    assert_eq!(doc["uid"], "checkout-v2", "uid from metadata.name");
    assert_eq!(
        titles(&doc),
        [
            "Requests / s",
            "Latency",
            "Errors by route",
            "Shared saturation",
            "CPU",
            "Memory",
            "Up $instance",
            "Queue depth",
            "Notes"
        ]
    );
    let panels = doc["panels"].as_array().unwrap();
    let rows: Vec<&str> = panels.iter().map(|p| p["row"].as_str().unwrap()).collect();
    assert_eq!(
        rows,
        [
            "Overview",
            "Overview",
            "Details",
            "Details",
            "Resources",
            "Resources",
            "Resources",
            "Queues",
            "Notes"
        ]
    );
    let types: Vec<&str> = panels.iter().map(|p| p["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "stat",
            "timeseries",
            "table",
            "library-panel",
            "gauge",
            "bargauge",
            "stat",
            "timeseries",
            "text"
        ]
    );
    // Row "Overview" is at y 0, its grid items below it; AutoGrid of 2 columns, "short" rows.
    assert_eq!(
        panels[0]["gridPos"],
        json!({"x": 0, "y": 1, "w": 8, "h": 4})
    );
    assert_eq!(
        panels[4]["gridPos"],
        json!({"x": 0, "y": 11, "w": 12, "h": 5})
    );
    assert_eq!(
        panels[5]["gridPos"],
        json!({"x": 12, "y": 11, "w": 12, "h": 5})
    );
    assert_eq!(
        panels[6]["gridPos"],
        json!({"x": 0, "y": 16, "w": 12, "h": 5})
    );

    let latency = &panels[1]["targets"];
    assert_eq!(latency.as_array().unwrap().len(), 2);
    assert_eq!(latency[0]["legendFormat"], "p99");
    assert_eq!(latency[1]["hide"], true, "hidden query");
    let table = &panels[2]["targets"][0];
    assert_eq!(
        (table["format"].as_str(), table["instant"].as_bool()),
        (Some("table"), Some(true))
    );

    let vars: Vec<(&str, &str)> = doc["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["name"].as_str().unwrap(), v["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        vars,
        [
            ("ds", "datasource"),
            ("instance", "query"),
            ("environment", "custom"),
            ("window", "interval"),
            ("job", "constant"),
            ("route", "textbox"),
            ("filters", "adhoc"),
            ("by", "other"),
            ("debug", "other")
        ]
    );
    let instance = &doc["variables"][1];
    assert_eq!(
        instance["query"],
        "label_values(up{job=\"checkout\"}, instance)"
    );
    assert_eq!(instance["datasource"], "$ds");
    assert_eq!(
        (instance["refresh"].as_u64(), instance["sort"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(doc["variables"][2]["hide"], 1, "hideLabel");
}

#[test]
fn the_v2_model_has_rows_annotations_links_and_time_settings() {
    let l = load_path(&fixture("checkout.json")).unwrap();
    let d = &l.dashboard;
    let rows: Vec<(&str, bool)> = d
        .rows
        .iter()
        .map(|r| (r.title.as_str(), r.collapsed))
        .collect();
    assert_eq!(
        rows,
        [
            ("Overview", false),
            ("Details", true),
            ("Resources", false),
            ("More", false),
            ("Queues", false),
            ("Notes", false)
        ]
    );
    assert_eq!(
        (d.time.from.as_str(), d.time.to.as_str()),
        ("now-3h", "now")
    );
    assert_eq!(d.refresh.as_deref(), Some("1m"));
    assert_eq!(d.timezone.as_deref(), Some("utc"));
    assert_eq!(d.refresh_intervals, ["30s", "1m", "5m"]);
    assert_eq!(d.links.len(), 1);
    assert!(d.links[0].include_vars && d.links[0].keep_time);
    assert_eq!(d.annotations.len(), 2);
    assert!(d.annotations[0].builtin);
    assert_eq!(d.annotations[1].title_format.as_deref(), Some("Restart"));
    assert!(
        d.annotations[1]
            .expr
            .as_deref()
            .unwrap()
            .starts_with("changes(")
    );

    let latency = d.panels.iter().find(|p| p.title == "Latency").unwrap();
    assert_eq!(latency.max_data_points, Some(300));
    assert_eq!(latency.interval.as_deref(), Some("1m"));
    assert_eq!(latency.source_path, "spec.elements.panel-2");
    let table = d
        .panels
        .iter()
        .find(|p| p.title == "Errors by route")
        .unwrap();
    let ids: Vec<(&str, bool)> = table
        .transformations
        .iter()
        .map(|t| (t.id.as_str(), t.disabled))
        .collect();
    assert_eq!(ids, [("organize", false), ("sortBy", true)]);
    let up = d.panels.iter().find(|p| p.title == "Up $instance").unwrap();
    let repeat = up.repeat.as_ref().expect("AutoGrid repeat");
    assert_eq!(
        (repeat.variable.as_str(), repeat.max_per_row),
        ("instance", Some(2))
    );
    let lib = d
        .panels
        .iter()
        .find(|p| p.title == "Shared saturation")
        .unwrap();
    assert_eq!(lib.library_panel_uid.as_deref(), Some("lib-saturation"));
    assert!(has_diag(
        &l,
        Severity::Info,
        "spec.variables[7].kind",
        "groupby"
    ));
    assert!(
        !l.diagnostics.iter().any(|d| d.message.contains("unknown")),
        "{:#?}",
        l.diagnostics
    );
}

#[test]
fn v1_and_v2_twins_inspect_the_same() {
    let mut v1 = inspect(&fixture("twin.v1.json"));
    let mut v2 = inspect(&fixture("twin.v2.json"));
    assert_eq!(v2["diagnostics"], json!([]), "a clean v2 file has no notes");
    for doc in [&mut v1, &mut v2] {
        doc.as_object_mut().unwrap().remove("diagnostics");
    }
    assert_eq!(v1, v2);
    assert_eq!(v2["panels"].as_array().unwrap().len(), 3);
    assert_eq!(v2["variables"][0]["name"], "environment");
}

#[test]
fn v1_and_v2_twins_load_the_same_model() {
    let model = |name: &str| {
        let mut l = load_path(&fixture(name)).unwrap();
        for p in &mut l.dashboard.panels {
            std::sync::Arc::make_mut(p).source_path.clear();
        }
        serde_json::to_value(&l.dashboard).unwrap()
    };
    let (v1, v2) = (model("twin.v1.json"), model("twin.v2.json"));
    for key in [
        "panels",
        "variables",
        "rows",
        "time",
        "refresh",
        "refresh_intervals",
    ] {
        assert_eq!(v1[key], v2[key], "{key}");
    }
    assert_eq!(v1, v2);
}

#[test]
fn v1_and_v2_twins_render_the_same_panels() {
    let render = |name: &str| {
        let path = fixture(name);
        let (doc, stderr) = triage(&[
            "render",
            "--format",
            "json",
            path.to_str().unwrap(),
            "--prometheus",
            "http://127.0.0.1:9",
            "--timeout",
            "5",
        ]);
        assert!(stderr.contains("cannot reach Prometheus"), "{stderr}");
        doc.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let exprs: Vec<Value> = p["queries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|q| q["expr"].clone())
                    .collect();
                (p["title"].clone(), p["type"].clone(), exprs)
            })
            .collect::<Vec<_>>()
    };
    let v1 = render("twin.v1.json");
    assert_eq!(v1.len(), 3);
    assert_eq!(v1, render("twin.v2.json"));
}

/// On the live demo stack (a real Prometheus), the v2 twin draws exactly what its v1 twin
/// draws: the same queries, series, values and colours over the same fixed range.
#[test]
fn v1_and_v2_twins_render_the_same_data_on_a_live_prometheus() {
    let demo = support::start_demo();
    let to = chrono::Utc::now() - chrono::Duration::minutes(1);
    let from = to - chrono::Duration::minutes(30);
    let (from, to) = (
        from.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        to.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    let render = |name: &str| {
        let path = fixture(name);
        let (doc, _) = triage(&[
            "render",
            "--format",
            "json",
            path.to_str().unwrap(),
            "--prometheus",
            &demo.prometheus,
            "--from",
            &from,
            "--to",
            &to,
        ]);
        doc
    };
    let v1 = render("twin.v1.json");
    let panels = v1.as_array().unwrap();
    assert_eq!(panels.len(), 3);
    assert!(
        panels.iter().all(|p| p["state"] == "ok"),
        "every panel has data: {v1:#}"
    );
    assert_eq!(v1, render("twin.v2.json"));
    drop(demo);
}

/// A v2 dashboard with a layout item naming a missing element, an unknown layout kind, an
/// unknown field and an unknown variable kind.
fn malformed() -> Value {
    let panel = |id: i64, title: &str| {
        json!({"kind": "Panel", "spec": {"id": id, "title": title, "links": [],
            "data": {"kind": "QueryGroup", "spec": {"queries": [{"kind": "PanelQuery", "spec": {
                "refId": "A", "hidden": false, "query": {"kind": "DataQuery", "group": "prometheus",
                "version": "v0", "spec": {"expr": "up"}}}}], "transformations": [], "queryOptions": {}}},
            "vizConfig": {"kind": "VizConfig", "group": "stat", "version": "1",
                "spec": {"options": {}, "fieldConfig": {"defaults": {}, "overrides": []}}},
            "sparkle": true}})
    };
    let item = |name: &str, y: u32| {
        json!({"kind": "GridLayoutItem", "spec": {"x": 0, "y": y, "width": 12, "height": 4,
            "element": {"kind": "ElementReference", "name": name}}})
    };
    json!({"apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard",
        "metadata": {"name": "broken"},
        "spec": {"title": "Broken", "elements": {"a": panel(1, "Kept"), "b": panel(2, "Also kept"),
                "orphan": panel(3, "Unplaced")},
            "layout": {"kind": "RowsLayout", "spec": {"rows": [
                {"kind": "RowsLayoutRow", "spec": {"title": "One", "layout": {"kind": "GridLayout",
                    "spec": {"items": [item("a", 0), item("missing", 4), item("b", 8)]}}}},
                {"kind": "RowsLayoutRow", "spec": {"title": "Two",
                    "layout": {"kind": "FancyLayout", "spec": {}}}}]}},
            "variables": [{"kind": "MysteryVariable", "spec": {"name": "m"}},
                {"kind": "CustomVariable", "spec": {"name": "env", "query": "a,b",
                    "current": {"text": "a", "value": "a"}, "hide": "dontHide"}}],
            "wobble": 1}})
}

#[test]
fn malformed_v2_names_the_path_and_the_rest_still_loads() {
    let dir = std::env::temp_dir().join(format!("triage-v2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.json");
    std::fs::write(&path, malformed().to_string()).unwrap();
    let doc = inspect(&path);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(titles(&doc), ["Kept", "Also kept"]);
    assert_eq!(doc["variables"][0]["name"], "env");
    let diags: Vec<(String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().into(),
                d["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    let has = |path: &str, needle: &str| diags.iter().any(|(p, m)| p == path && m.contains(needle));
    let item = "spec.layout.spec.rows[0].spec.layout.spec.items[1].spec.element";
    assert!(
        has(item, "element `missing` is not in spec.elements"),
        "{diags:#?}"
    );
    assert!(
        has("spec.layout.spec.rows[1].spec.layout.kind", "FancyLayout"),
        "{diags:#?}"
    );
    assert!(has("spec.elements.orphan", "not placed"), "{diags:#?}");
    assert!(has("spec.elements.a.spec", "sparkle"), "{diags:#?}");
    assert!(has("spec", "wobble"), "{diags:#?}");
    assert!(
        has("spec.variables[0].kind", "MysteryVariable"),
        "{diags:#?}"
    );
}

#[test]
fn api_wrappers_and_bare_specs_load() {
    let envelope = malformed();
    let spec = envelope["spec"].clone();
    for (name, doc) in [
        (
            "wrapped envelope",
            json!({"dashboard": envelope, "meta": {}}),
        ),
        (
            "wrapped spec",
            json!({"dashboard": spec.clone(), "meta": {}}),
        ),
        ("bare spec", spec),
    ] {
        let l = load_str(&doc.to_string(), name).unwrap();
        let titles: Vec<&str> = l
            .dashboard
            .panels
            .iter()
            .map(|p| p.title.as_str())
            .collect();
        assert_eq!(titles, ["Kept", "Also kept"], "{name}");
        assert_eq!(l.dashboard.title, "Broken", "{name}");
    }
}

#[test]
fn a_v1_dashboard_in_a_kubernetes_envelope_loads_with_its_name_as_uid() {
    let v1: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("twin.v1.json")).unwrap()).unwrap();
    let mut spec = v1.clone();
    spec.as_object_mut().unwrap().remove("uid");
    let doc = json!({"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
        "metadata": {"name": "from-k8s"}, "spec": spec});
    let l = load_str(&doc.to_string(), "k8s.json").unwrap();
    assert_eq!(l.dashboard.uid.as_deref(), Some("from-k8s"));
    assert_eq!(l.dashboard.panels.len(), 3);
    assert!(has_diag(&l, Severity::Info, "spec", "v1beta1"));
}
