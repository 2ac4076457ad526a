//! The dashboard suite in `layouts/`: the house quality rules (pure, no network), and every query
//! of every dashboard returning data on the real demo stack (`triage demo --no-tui`).

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use triage::demo::http;

mod support;
use support::{BIN, start_demo};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Okabe-Ito colours: every colour with a meaning comes from this set.
const PALETTE: [&str; 7] = [
    "#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#F0E442", "#009E73",
];

fn layout_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join("layouts"), &mut out);
    out.sort();
    out
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => panic!("{}: not JSON: {e}", path.display()),
    }
}

fn panels(d: &Value) -> Vec<&Value> {
    d["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["type"] != "row")
        .collect()
}

fn exprs(d: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in panels(d) {
        for t in p["targets"].as_array().into_iter().flatten() {
            let title = p["title"].as_str().unwrap_or_default().to_string();
            out.push((title, t["expr"].as_str().unwrap_or_default().to_string()));
        }
    }
    out
}

/// Colours set anywhere in a panel: threshold steps and fixed override colours.
fn colours(p: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let defaults = &p["fieldConfig"]["defaults"];
    for step in defaults["thresholds"]["steps"]
        .as_array()
        .into_iter()
        .flatten()
    {
        out.push(step["color"].as_str().unwrap_or("?").to_string());
    }
    for o in p["fieldConfig"]["overrides"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for prop in o["properties"].as_array().into_iter().flatten() {
            if let Some(c) = prop["value"]["fixedColor"].as_str() {
                out.push(c.to_string());
            }
            for step in prop["value"]["steps"].as_array().into_iter().flatten() {
                out.push(step["color"].as_str().unwrap_or("?").to_string());
            }
        }
    }
    out
}

#[test]
fn the_suite_has_every_dashboard_the_issue_lists() {
    let files: BTreeSet<String> = layout_files()
        .iter()
        .filter_map(|p| p.strip_prefix(Path::new(ROOT).join("layouts")).ok())
        .map(|p| p.display().to_string())
        .collect();
    for wanted in [
        "service/inference-gateway.json",
        "service/model-registry.json",
        "platform/prometheus-health.json",
        "platform/node-exporter.json",
        "platform/alertmanager.json",
        "executive/slo-overview.json",
    ] {
        assert!(files.contains(wanted), "{wanted} missing: {files:?}");
    }
}

/// The house rules one dashboard breaks, each naming where (empty: none).
fn quality_problems(file: &str, d: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(format!("{file}: {what}"));
        }
    };
    let uid = d["uid"].as_str().unwrap_or_default();
    check(
        !uid.is_empty()
            && uid.len() <= 40
            && uid
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
        format!("uid {uid:?} is not a stable slug"),
    );
    check(
        d["schemaVersion"] == 38 || d["schemaVersion"] == 39,
        format!("schemaVersion {}", d["schemaVersion"]),
    );
    check(
        d["id"].is_null(),
        "id must be null in provisioned JSON".into(),
    );
    let tags: Vec<&str> = d["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    check(tags.contains(&"triage-suite"), format!("tags {tags:?}"));
    check(
        d["description"].as_str().is_some_and(|s| s.len() > 30),
        "no dashboard description".into(),
    );
    let vars: Vec<&str> = d["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["name"].as_str())
        .collect();
    check(
        vars == ["datasource", "environment", "cluster", "instance"],
        format!("variables {vars:?}"),
    );
    let all_exprs: String = exprs(d).iter().map(|(_, e)| e.as_str()).collect();
    for var in ["$environment", "$cluster", "$instance"] {
        check(all_exprs.contains(var), format!("no query uses {var}"));
    }
    let mut ids = HashSet::new();
    for p in d["panels"].as_array().into_iter().flatten() {
        let id = p["id"].as_u64().unwrap_or(0);
        check(ids.insert(id), format!("panel id {id} repeats"));
    }
    let mut taken = HashSet::new();
    let list = panels(d);
    check(list.len() >= 8, format!("only {} panels", list.len()));
    for p in list {
        let title = p["title"].as_str().unwrap_or_default();
        let at = format!("panel {title:?}");
        let description = p["description"].as_str().unwrap_or_default();
        for part in ["Why it matters: ", "What to do: ", "Runbook: https://"] {
            check(
                description.contains(part),
                format!("{at}: description lacks {part:?}"),
            );
        }
        check(
            description.len() > 120,
            format!("{at}: description too short"),
        );
        let defaults = &p["fieldConfig"]["defaults"];
        check(
            defaults["unit"].as_str().is_some_and(|u| !u.is_empty()),
            format!("{at}: no unit"),
        );
        check(
            p["datasource"]["uid"] == "${datasource}",
            format!("{at}: datasource is not ${{datasource}}"),
        );
        let targets = p["targets"].as_array().cloned().unwrap_or_default();
        check(!targets.is_empty(), format!("{at}: no queries"));
        for t in &targets {
            check(
                t["datasource"]["uid"] == "${datasource}",
                format!("{at}: target datasource is not ${{datasource}}"),
            );
        }
        if matches!(p["type"].as_str(), Some("stat" | "gauge" | "bargauge")) {
            let steps = defaults["thresholds"]["steps"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            check(!steps.is_empty(), format!("{at}: no thresholds"));
            check(
                steps.first().is_some_and(|s| s["value"].is_null()),
                format!("{at}: the base threshold step needs value null"),
            );
            let values: Vec<f64> = steps
                .iter()
                .skip(1)
                .filter_map(|s| s["value"].as_f64())
                .collect();
            check(
                values.len() + 1 == steps.len().max(1) && values.windows(2).all(|w| w[0] < w[1]),
                format!("{at}: threshold values {values:?} do not ascend"),
            );
        }
        for colour in colours(p) {
            check(
                PALETTE.contains(&colour.as_str()),
                format!("{at}: colour {colour} is not in the colour-blind-safe palette"),
            );
        }
        if p["type"] == "heatmap" {
            check(
                p["options"]["yAxis"]["unit"].as_str().is_some(),
                format!("{at}: heatmap y axis has no unit"),
            );
        }
        let g = &p["gridPos"];
        let (x, y, w, h) = (
            g["x"].as_u64().unwrap_or(99),
            g["y"].as_u64().unwrap_or(99),
            g["w"].as_u64().unwrap_or(99),
            g["h"].as_u64().unwrap_or(99),
        );
        check(x + w <= 24 && h > 0, format!("{at}: leaves the grid"));
        let overlaps = (x..x + w)
            .flat_map(|cx| (y..y + h).map(move |cy| (cx, cy)))
            .filter(|cell| !taken.insert(*cell))
            .count();
        check(overlaps == 0, format!("{at}: overlaps another panel"));
    }
    for (title, expr) in exprs(d) {
        let plain = expr
            .replace("$__rate_interval", "1m")
            .replace("$__interval", "1m")
            .replace('$', "");
        let parsed = promql_parser::parser::parse(&plain);
        check(
            parsed.is_ok(),
            format!("panel {title:?}: {expr} does not parse: {parsed:?}"),
        );
    }
    problems
}

#[test]
fn every_dashboard_follows_the_quality_rules() {
    let mut uids = HashSet::new();
    let mut titles = HashSet::new();
    for path in layout_files() {
        let file = path.display().to_string();
        let d = read(&path);
        // Loads in triage without complaint.
        let loaded = triage::grafana::load::load_path(&path);
        assert!(loaded.is_ok(), "{file}: {:?}", loaded.err());
        assert!(
            uids.insert(d["uid"].as_str().unwrap_or_default().to_string()),
            "{file}: uid repeats"
        );
        assert!(
            titles.insert(d["title"].as_str().unwrap_or_default().to_string()),
            "{file}: title repeats"
        );
        let problems = quality_problems(&file, &d);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    assert_eq!(uids.len(), 6);
}

/// The rules catch what they are meant to: a good dashboard broken in one way per rule.
#[test]
fn the_quality_rules_catch_each_kind_of_mistake() {
    let good = read(&Path::new(ROOT).join("layouts/service/model-registry.json"));
    assert!(quality_problems("good", &good).is_empty());
    let first_stat = |d: &Value| -> usize {
        d["panels"]
            .as_array()
            .and_then(|ps| ps.iter().position(|p| p["type"] == "stat"))
            .unwrap_or(0)
    };
    type Break = fn(&mut Value, usize);
    let cases: [(&str, Break); 9] = [
        ("is not a stable slug", |d, _| {
            d["uid"] = "Model Registry".into()
        }),
        ("variables", |d, _| {
            if let Some(list) = d["templating"]["list"].as_array_mut() {
                list.pop();
            }
        }),
        ("description lacks \"Runbook: https://\"", |d, i| {
            d["panels"][i]["description"] = "What it is. Why it matters: x. What to do: y.".into()
        }),
        ("no unit", |d, i| {
            d["panels"][i]["fieldConfig"]["defaults"]["unit"] = "".into()
        }),
        ("no thresholds", |d, i| {
            d["panels"][i]["fieldConfig"]["defaults"]["thresholds"]["steps"] = serde_json::json!([])
        }),
        ("colour-blind-safe palette", |d, i| {
            d["panels"][i]["fieldConfig"]["defaults"]["thresholds"]["steps"][0]["color"] =
                "green".into()
        }),
        ("overlaps another panel", |d, i| {
            d["panels"][i + 1]["gridPos"] = d["panels"][i]["gridPos"].clone()
        }),
        ("does not parse", |d, i| {
            d["panels"][i]["targets"][0]["expr"] = "sum(rate(x[$__rate_interval])".into()
        }),
        ("datasource is not", |d, i| {
            d["panels"][i]["datasource"] = serde_json::json!({"type": "prometheus", "uid": "P1"})
        }),
    ];
    for (wanted, break_it) in cases {
        let mut bad = good.clone();
        let i = first_stat(&bad);
        break_it(&mut bad, i);
        let problems = quality_problems("bad", &bad);
        assert!(
            problems.iter().any(|p| p.contains(wanted)),
            "expected a problem with {wanted:?}, got {problems:?}"
        );
    }
}

#[test]
fn service_dashboards_mark_deploys_and_the_gateway_drills_down_to_logs_and_traces() {
    for name in ["inference-gateway", "model-registry"] {
        let d = read(&Path::new(ROOT).join(format!("layouts/service/{name}.json")));
        let annotations: Vec<&str> = d["annotations"]["list"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str())
            .collect();
        assert!(
            annotations.contains(&"Deployments"),
            "{name}: {annotations:?}"
        );
    }
    let d = read(&Path::new(ROOT).join("layouts/service/inference-gateway.json"));
    let annotations = d["annotations"].to_string();
    assert!(annotations.contains("ALERTS{alertstate=\\\"firing\\\""));
    let rows: Vec<&str> = d["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["type"] == "row")
        .filter_map(|p| p["title"].as_str())
        .collect();
    assert!(rows.contains(&"Logs and traces"), "{rows:?}");
    let links: String = panels(&d)
        .iter()
        .map(|p| p["fieldConfig"]["defaults"]["links"].to_string())
        .collect();
    assert!(
        links.contains("\\\"type\\\":\\\"loki\\\""),
        "no Loki data link"
    );
    assert!(links.contains("jaeger"), "no Jaeger data link");
    assert!(panels(&d).len() >= 25);
    let text = d.to_string();
    for wanted in [
        "heatmap",
        "process_resident_memory_bytes",
        "process_network_receive_bytes_total",
        "inference_gpu_utilization_ratio",
        "inference_stage_duration_seconds",
        "inference_model_confidence_bucket",
        "inference_predictions_total",
        "inference_batch_size",
        "inference_queue_depth",
    ] {
        assert!(text.contains(wanted), "inference-gateway lacks {wanted}");
    }
}

fn render_json(path: &Path, prometheus: &str) -> (Vec<Value>, String) {
    let out = Command::new(BIN)
        .arg("render")
        .arg(path)
        .args(["--prometheus", prometheus, "--format", "json"])
        .args(["--width", "160", "--height", "60"])
        .output()
        .expect("run triage render");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{}: {stderr}", path.display());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (json.as_array().cloned().unwrap_or_default(), stderr)
}

/// Runs one query exactly as triage sent it and returns the result's series.
async fn rerun(prometheus: &str, query: &Value) -> Result<Vec<Value>, String> {
    let expr = http::encode_query_value(query["expr"].as_str().unwrap_or_default());
    let ms = |key: &str| query[key].as_f64().unwrap_or(0.0) / 1000.0;
    let url = if query["instant"] == true {
        format!("{prometheus}/api/v1/query?query={expr}&time={}", ms("end"))
    } else {
        format!(
            "{prometheus}/api/v1/query_range?query={expr}&start={}&end={}&step={}",
            ms("start"),
            ms("end"),
            ms("stepMs").max(1.0)
        )
    };
    let json = http::get_json(&url, Duration::from_secs(30)).await?;
    if json["status"] != "success" {
        return Err(json.to_string());
    }
    Ok(json["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

#[tokio::test(flavor = "current_thread")]
async fn every_query_of_every_dashboard_returns_data_on_the_demo() {
    if which("prometheus").is_none() || which("promtool").is_none() {
        eprintln!("prometheus not installed: skipped");
        return;
    }
    let demo = start_demo();
    wait_for_second_scrape(&demo.prometheus).await;
    let mut checked = 0;
    for path in layout_files() {
        let file = path.display().to_string();
        let (rendered, stderr) = render_json(&path, &demo.prometheus);
        let expected = panels(&read(&path)).len();
        assert_eq!(rendered.len(), expected, "{file}: panels rendered");
        for panel in &rendered {
            let title = panel["title"].as_str().unwrap_or_default();
            assert_eq!(
                panel["state"], "ok",
                "{file}: panel {title:?}: {panel}\n{stderr}"
            );
            let queries = panel["queries"].as_array().cloned().unwrap_or_default();
            assert!(!queries.is_empty(), "{file}: {title}: no queries sent");
            for query in &queries {
                let series = rerun(&demo.prometheus, query).await;
                assert!(
                    series.as_ref().is_ok_and(|s| !s.is_empty()),
                    "{file}: panel {title:?}: query {} returned {series:?}",
                    query["expr"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} queries checked");
}

/// The platform targets and the alerts are not backfilled: a rate needs two scrapes inside its
/// window, before the graph's step-aligned end. Waits until they are there, as anyone opening the
/// platform dashboards on a fresh Prometheus would (about two minutes after start).
async fn wait_for_second_scrape(prometheus: &str) {
    for condition in [
        // Range ends are aligned down to their step (up to 120 s for the narrow stat panels
        // over 1 h); rate windows are 75 s.
        "min(count_over_time(up{environment=\"lab\"}[75s] offset 120s)) >= 2",
        "count_over_time(ALERTS{alertname=\"Watchdog\"}[5m] offset 120s) >= 1",
    ] {
        let url = format!(
            "{prometheus}/api/v1/query?query={}",
            http::encode_query_value(condition)
        );
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if let Ok(json) = http::get_json(&url, Duration::from_secs(5)).await
                && json["data"]["result"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty())
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "not true within 180 s: {condition}"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

fn which(binary: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(binary))
            .find(|p| p.is_file())
    })
}
