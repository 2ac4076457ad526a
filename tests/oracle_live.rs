//! Live data, Grafana's display code: `triage render --format json` of the suite's dashboards and
//! of public node-exporter dashboards against the demo (a real Prometheus scraping the gateway,
//! node_exporter and Alertmanager), then the answers Prometheus gives to the very queries triage
//! sent, handed to Grafana's `getFieldDisplayValues` (@grafana/data under tests/oracle) with the
//! panel's own `fieldConfig` and `options`. Every stat, gauge and bar gauge value must have the
//! text and colour Grafana gives it.
//!
//! The frames are built as Grafana's Prometheus datasource builds them: one frame per series, a
//! `Time` field and a `Value` field with the series' labels, named by the target's
//! `legendFormat` (`displayNameFromDS`) when it has one.

#[path = "oracle/run.rs"]
mod run;
mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

/// The dashboards compared: the suite's six and two public ones (Node Exporter Full, as
/// published on grafana.com and in an older revision).
fn dashboards() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    run::json_files(&root.join("layouts"), &mut files);
    for name in [
        "rfmoz-grafana-dashboards__node-exporter-full@8182f69.json",
        "rfmoz-grafana-dashboards__node-exporter-full-old.json",
    ] {
        files.push(root.join("../shared/corpus").join(name));
    }
    files
}

fn render(dashboard: &Path, prometheus: &str) -> Vec<Value> {
    let out = support::triage_without_config()
        .arg("render")
        .arg(dashboard)
        .args(["--prometheus", prometheus, "--format", "json"])
        .args(["--width", "200", "--height", "60"])
        .output()
        .expect("run triage render");
    assert!(
        out.status.success(),
        "{}: {}",
        dashboard.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("render --format json is JSON")
}

/// What Prometheus answers to one query as triage sent it (`render --format json` lists it).
fn prometheus_answer(prometheus: &str, query: &Value) -> Value {
    let secs = |key: &str| (query[key].as_i64().unwrap_or(0) as f64 / 1000.0).to_string();
    let mut curl = Command::new("curl");
    curl.arg("-sfG").args([
        "--data-urlencode",
        &format!("query={}", query["expr"].as_str().unwrap_or("")),
    ]);
    if query["instant"] == json!(true) {
        curl.arg(format!("{prometheus}/api/v1/query"))
            .args(["--data-urlencode", &format!("time={}", secs("end"))]);
    } else {
        curl.arg(format!("{prometheus}/api/v1/query_range"))
            .args(["--data-urlencode", &format!("start={}", secs("start"))])
            .args(["--data-urlencode", &format!("end={}", secs("end"))])
            .args(["--data-urlencode", &format!("step={}", secs("stepMs"))]);
    }
    let out = curl.output().expect("curl is installed");
    assert!(out.status.success(), "Prometheus answers {query}");
    serde_json::from_slice(&out.stdout).expect("Prometheus answers JSON")
}

/// `{{label}}` in a legend format replaced by the series' label values, as Grafana's
/// Prometheus datasource names a series; `None` for no legend (or `__auto`).
fn legend_name(legend: &str, labels: &serde_json::Map<String, Value>) -> Option<String> {
    if legend.trim().is_empty() || legend == "__auto" {
        return None;
    }
    let mut out = String::new();
    let mut rest = legend;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let key = after[..close].trim();
        out.push_str(labels.get(key).and_then(Value::as_str).unwrap_or(""));
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// Grafana's frames for one answer: one per series.
fn frames(answer: &Value, ref_id: &str, legend: &str) -> Vec<Value> {
    let number =
        |v: &Value| run::js_number(v.as_str().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN));
    let ms = |t: &Value| (t.as_f64().unwrap_or(0.0) * 1000.0).round() as i64;
    let result = answer["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    result
        .iter()
        .map(|series| {
            let points: Vec<Value> = match series["values"].as_array() {
                Some(values) => values.clone(),
                None => vec![series["value"].clone()],
            };
            let labels = series["metric"].as_object().cloned().unwrap_or_default();
            let mut config = json!({});
            if let Some(name) = legend_name(legend, &labels) {
                config["displayNameFromDS"] = json!(name);
            }
            json!({"refId": ref_id, "fields": [
                {"name": "Time", "type": "time", "values": points.iter().map(|p| ms(&p[0])).collect::<Vec<_>>()},
                {"name": "Value", "type": "number", "labels": labels, "config": config,
                 "values": points.iter().map(|p| number(&p[1])).collect::<Vec<_>>()}
            ]})
        })
        .collect()
}

struct Case {
    what: String,
    texts: Vec<String>,
    colours: Vec<String>,
}

#[test]
fn rendered_stat_values_and_colours_match_grafana_on_live_data() {
    let demo = support::start_demo();
    let mut cases = Vec::new();
    let mut asks = Vec::new();
    for file in dashboards() {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let dashboard: Value = serde_json::from_str(&text).expect("dashboard JSON");
        let panels = run::reducing_panels(&dashboard);
        let rendered = render(&file, &demo.prometheus);
        // A panel asked before its first sample landed (a rate needs two scrapes) shows no
        // series; asked again a moment later it would have one: not the same data.
        for shown in rendered
            .iter()
            .filter(|p| p["state"] == "ok" && p["series"].as_u64().unwrap_or(0) > 0)
        {
            // Titles with variables or shared by several panels of a type cannot be matched to
            // one. The type counts: prometheus-health has a stat and a time series both called
            // "Head series", and the time series (no values) is not a reducing panel.
            let title = shown["title"].as_str().unwrap_or("");
            let mut same = panels
                .iter()
                .filter(|p| p["title"] == title && p["type"] == shown["type"]);
            let (Some(panel), None) = (same.next(), same.next()) else {
                continue;
            };
            let mut grafana_frames = Vec::new();
            for query in shown["queries"].as_array().into_iter().flatten() {
                let ref_id = query["refId"].as_str().unwrap_or("A");
                let target = panel["targets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|t| t["refId"].as_str().unwrap_or("A") == ref_id);
                let legend = target
                    .and_then(|t| t["legendFormat"].as_str())
                    .unwrap_or("");
                let answer = prometheus_answer(&demo.prometheus, query);
                grafana_frames.extend(frames(&answer, ref_id, legend));
            }
            let strings = |key: &str| -> Vec<String> {
                shown[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| v.as_str().unwrap_or("").to_string())
                    .collect()
            };
            cases.push(Case {
                what: format!(
                    "{} / {title:?}",
                    file.file_name().unwrap_or_default().to_string_lossy()
                ),
                texts: strings("values"),
                colours: strings("colors"),
            });
            asks.push(json!({
                "kind": "display",
                "panelType": panel["type"],
                "frames": grafana_frames,
                "fieldConfig": panel["fieldConfig"],
                "options": panel["options"],
            }));
        }
    }
    let answers = run::ask(&asks);
    let mut tally = run::Tally::default();
    for (case, answer) in cases.iter().zip(&answers) {
        let values = answer["values"].as_array().cloned().unwrap_or_default();
        tally.record(values.len() == case.texts.len(), None, || {
            format!(
                "{}: Grafana shows {} values {answer}, triage {:?}",
                case.what,
                values.len(),
                case.texts
            )
        });
        for (i, v) in values.iter().enumerate() {
            let grafana = run::shown_text(v);
            let ours = case.texts.get(i).map(String::as_str).unwrap_or("");
            tally.record(grafana.trim() == ours.trim(), None, || {
                format!(
                    "{} #{i}: text Grafana {grafana:?}, triage {ours:?}",
                    case.what
                )
            });
            let grafana_colour = v["color"].as_str().unwrap_or("");
            let our_colour = case.colours.get(i).map(String::as_str).unwrap_or("");
            // A translucent colour: a terminal cell has no alpha, triage blends it.
            let known = (grafana_colour.len() == 9).then_some("alpha blended");
            tally.record(grafana_colour == our_colour, known, || {
                format!(
                    "{} #{i}: colour Grafana {grafana_colour:?}, triage {our_colour:?}",
                    case.what
                )
            });
        }
    }
    tally.finish("live stat gauge bargauge values", 40);
}
