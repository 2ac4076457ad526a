//! The demo stack against the real Prometheus, promtool, node_exporter and Alertmanager.
//! Tests that need a binary print why and skip when it is missing (scripts/install-deps installs
//! them all).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use triage::demo::exporter::{Exporter, LiveWorld, unix_now};
use triage::demo::http;
use triage::demo::process::find_on_path;
use triage::demo::world::World;
use triage::demo::{Scenario, Stack, StackOptions};

const TIMEOUT: Duration = Duration::from_secs(20);

fn installed(binary: &str) -> bool {
    if find_on_path(binary).is_some() {
        return true;
    }
    println!("SKIPPED: {binary} is not installed (run scripts/install-deps)");
    false
}

async fn query_range(prometheus: &str, query: &str, start: f64, end: f64, step: u32) -> Vec<Value> {
    let url = format!(
        "{prometheus}/api/v1/query_range?query={}&start={start:.3}&end={end:.3}&step={step}",
        http::encode_query_value(query)
    );
    let json = http::get_json(&url, TIMEOUT).await;
    let Ok(json) = json else {
        panic!("query_range {query}: {json:?}");
    };
    json["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn points(series: &Value) -> Vec<(f64, f64)> {
    series["values"]
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(|p| {
                    let t = p[0].as_f64()?;
                    let v = p[1].as_str()?.parse::<f64>().ok()?;
                    Some((t, v))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn dashboard() -> Value {
    let parsed = serde_json::from_str(triage::demo::DASHBOARD_JSON);
    let Ok(json) = parsed else {
        panic!("dashboard is not JSON: {parsed:?}");
    };
    json
}

/// The Prometheus targets (logs panels ask Loki; tests/suite.rs checks their LogQL).
fn dashboard_targets(d: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for panel in d["panels"].as_array().into_iter().flatten() {
        if panel["type"] == "logs" {
            continue;
        }
        for target in panel["targets"].as_array().into_iter().flatten() {
            let title = panel["title"].as_str().unwrap_or_default().to_string();
            let expr = target["expr"].as_str().unwrap_or_default().to_string();
            out.push((title, expr, panel.clone()));
        }
    }
    out
}

/// Every panel query of the dashboard returns data on the stack, with the variables set the
/// way Grafana would (production, All clusters, All instances).
async fn check_dashboard_queries(prom: &str) {
    let label_values = |label: &str, matcher: &str| {
        format!(
            "{prom}/api/v1/label/{label}/values?match[]={}",
            http::encode_query_value(matcher)
        )
    };
    let mut all = Vec::new();
    for (label, matcher) in [
        ("cluster", "http_requests_total{environment=\"production\"}"),
        (
            "instance",
            "http_requests_total{environment=\"production\"}",
        ),
    ] {
        let json = http::get_json(&label_values(label, matcher), TIMEOUT).await;
        let values: Vec<String> = json
            .ok()
            .and_then(|j| j["data"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        assert!(!values.is_empty(), "no {label} values");
        // Grafana's All for a multi-value variable without allValue: a regex alternation.
        all.push(format!("({})", values.join("|")));
    }
    let now = unix_now();
    for (title, expr, panel) in dashboard_targets(&dashboard()) {
        let query = expr
            .replace("$environment", "production")
            .replace("$cluster", &all[0])
            .replace("$instance", &all[1])
            .replace("$__rate_interval", "1m");
        let span = if panel["timeFrom"] == "30d" {
            30.0 * 86_400.0
        } else {
            3600.0
        };
        let step = if span > 3600.0 { 3600 } else { 60 };
        let result = query_range(prom, &query, now - span, now, step).await;
        assert!(
            !result.is_empty(),
            "panel {title:?} has no data for {query}"
        );
    }
}

fn process_gone(pid: u32) -> bool {
    // A reaped child has no /proc entry; a zombie would still show one.
    !Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test]
async fn exporter_serves_openmetrics_with_exemplars() {
    let live = Arc::new(LiveWorld::new(World::new(Scenario::default()), None));
    let started = Exporter::start(live).await;
    let Ok(exporter) = started else {
        panic!("exporter did not start: {:?}", started.err());
    };
    let url = format!("{}/metrics", exporter.url);
    let accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    let response = http::get_response(&url, Some(accept), TIMEOUT).await;
    let Ok(om) = response else {
        panic!("scrape failed: {response:?}");
    };
    assert_eq!(om.status, 200);
    assert_eq!(
        om.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(om.body.ends_with("# EOF\n"));
    assert!(
        om.body
            .contains("# TYPE http_request_duration_seconds histogram\n")
    );
    let exemplar = regex::Regex::new(
        r#"(?m)^http_request_duration_seconds_bucket\{[^}]*le="[^"]+"[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"\} [0-9.]+ \d+(\.\d+)?$"#,
    );
    let Ok(exemplar) = exemplar else {
        panic!("bad regex");
    };
    assert!(exemplar.is_match(&om.body), "no exemplar line");
    // Every sample line is `name{labels} value [# exemplar]`.
    for line in om.body.lines().filter(|l| !l.starts_with('#')) {
        let sample = line.split(" # ").next().unwrap_or_default();
        let value = sample.rsplit(' ').next().unwrap_or_default();
        assert!(value.parse::<f64>().is_ok(), "bad value in {line}");
    }

    let plain = http::get_response(&url, None, TIMEOUT).await;
    let Ok(plain) = plain else {
        panic!("scrape failed: {plain:?}");
    };
    assert_eq!(
        plain.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(!plain.body.contains("# EOF"));
    assert!(plain.body.contains("# TYPE http_requests_total counter\n"));
    exporter.stop().await;
}

#[test]
fn rules_pass_promtool_check_and_unit_tests() {
    if !installed("promtool") {
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let rules: Vec<String> = std::fs::read_dir(format!("{root}/provisioning/prometheus/rules"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.path().display().to_string())
                .filter(|p| p.ends_with(".yml"))
                .collect()
        })
        .unwrap_or_default();
    assert!(rules.len() >= 2, "rule files missing: {rules:?}");
    let check = std::process::Command::new("promtool")
        .arg("check")
        .arg("rules")
        .args(&rules)
        .output();
    let Ok(check) = check else {
        panic!("promtool did not run");
    };
    assert!(
        check.status.success(),
        "promtool check rules: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let test = std::process::Command::new("promtool")
        .args(["test", "rules"])
        .arg(format!(
            "{root}/provisioning/prometheus/tests/inference-gateway-rules.test.yml"
        ))
        .output();
    let Ok(test) = test else {
        panic!("promtool did not run");
    };
    assert!(
        test.status.success(),
        "promtool test rules: {}{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
}

#[tokio::test]
async fn stack_serves_history_live_data_and_exemplars_then_cleans_up() {
    if !installed("prometheus") || !installed("promtool") {
        return;
    }
    let progress = |line: &str| println!("{line}");
    let started = Stack::start(StackOptions::default(), &progress).await;
    let stack = match started {
        Ok(s) => s,
        Err(e) => panic!("stack did not start: {e}"),
    };
    for (step, took) in &stack.timings {
        println!("{step}: {:.2} s", took.as_secs_f64());
    }
    let prom = stack.prometheus_url.clone();
    let now = unix_now();

    // The default dashboard range is populated from the first second, at scrape resolution.
    for query in [
        "sum by (environment) (rate(http_requests_total[1m]))",
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{environment=\"production\"}[1m])))",
        "sum by (stage) (rate(inference_stage_duration_seconds_sum[1m]))",
        "sum by (class) (rate(inference_predictions_total[1m]))",
        "max(inference_queue_depth)",
        "avg(inference_gpu_utilization_ratio)",
        "sum(process_resident_memory_bytes)",
        "sum(rate(process_cpu_seconds_total{job=\"inference-gateway\"}[1m]))",
    ] {
        let result = query_range(&prom, query, now - 3600.0, now, 15).await;
        assert!(!result.is_empty(), "no data for {query}");
        for series in &result {
            let p = points(series);
            assert!(
                p.len() >= 235,
                "{query}: {} points in the last hour",
                p.len()
            );
            assert!(p[0].0 - (now - 3600.0) < 60.0, "{query} starts late");
        }
    }

    // 6 hours back too (30 s resolution there still feeds rate over 1 m).
    let result = query_range(
        &prom,
        "sum(rate(http_requests_total[1m]))",
        now - 6.0 * 3600.0,
        now,
        60,
    )
    .await;
    assert!(result.first().is_some_and(|s| points(s).len() >= 355));

    // No spike or hole where the backfill meets the live scrapes. Checked per series: a deploy
    // (restart with a new `version`) starts new series and dips a sum, but a seam bug would jump
    // every series at the same instant.
    let result = query_range(
        &prom,
        "rate(http_requests_total{environment=\"production\", status_code=\"200\"}[1m])",
        now - 600.0,
        now + 15.0,
        15,
    )
    .await;
    let mut compared = 0;
    for series in &result {
        let p = points(series);
        let mean = |range: std::ops::Range<f64>| {
            let v: Vec<f64> = p
                .iter()
                .filter(|(t, _)| range.contains(t))
                .map(|(_, v)| *v)
                .collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let (Some(before), Some(after)) =
            (mean(now - 600.0..now - 120.0), mean(now - 45.0..now + 30.0))
        else {
            continue;
        };
        if before < 1.0 {
            continue; // too little traffic for a stable ratio
        }
        // A series a deploy started inside the window (a new `version`) has no history
        // before it, and its rate climbs while the first minute fills: not a seam.
        if p.first().is_none_or(|(t, _)| *t > now - 540.0) {
            continue;
        }
        compared += 1;
        let ratio = after.max(before) / after.min(before).max(1e-9);
        assert!(
            ratio < 1.6,
            "rate jumps across the seam for {series}: {before} → {after}"
        );
    }
    assert!(compared >= 3, "series compared across the seam: {compared}");

    // 30 days of recorded SLO series.
    let result = query_range(
        &prom,
        "slo:error_budget_remaining:ratio30d",
        now - 30.0 * 86_400.0 + 3600.0,
        now,
        3600,
    )
    .await;
    assert_eq!(result.len(), 5, "one budget series per environment/cluster");
    for series in &result {
        assert!(points(series).len() >= 715, "{series}");
    }
    let result = query_range(
        &prom,
        "slo:sli_error:ratio_rate5m",
        now - 30.0 * 86_400.0 + 3600.0,
        now,
        1800,
    )
    .await;
    assert!(result.iter().all(|s| points(s).len() >= 1430));

    check_dashboard_queries(&prom).await;

    // Exemplars from the live scrape.
    let url = format!(
        "{prom}/api/v1/query_exemplars?query={}&start={:.3}&end={:.3}",
        http::encode_query_value("http_request_duration_seconds_bucket"),
        now - 600.0,
        unix_now() + 1.0
    );
    let json = http::get_json(&url, TIMEOUT).await;
    let Ok(json) = json else {
        panic!("query_exemplars: {json:?}");
    };
    let trace_ids: Vec<&str> = json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["exemplars"].as_array().into_iter().flatten())
        .filter_map(|e| e["labels"]["trace_id"].as_str())
        .collect();
    assert!(!trace_ids.is_empty(), "no exemplars: {json}");
    assert!(trace_ids.iter().all(|t| t.len() == 32));

    let pids = stack.child_pids();
    let workdir = stack.workdir.clone();
    assert!(!pids.is_empty());
    assert!(pids.iter().all(|&p| !process_gone(p)));
    assert!(workdir.exists());
    stack.shutdown().await;
    for pid in pids {
        assert!(process_gone(pid), "child {pid} still there after shutdown");
    }
    assert!(!workdir.exists(), "{} not removed", workdir.display());
}

/// The demo's Tempo stand-in answers Tempo's API (search, then trace by id) with the traces of
/// the exemplars its Prometheus scraped, through the drill-down engine `triage demo` uses.
#[tokio::test]
async fn the_demo_serves_traces_through_tempos_api() {
    use triage::engine::drill::{Backends, DrillAnswer, DrillRequest, execute};
    use triage::net::http::Connection;
    use triage::net::{PromClient, PromConfig};
    if !installed("prometheus") || !installed("promtool") {
        return;
    }
    let opts = StackOptions {
        history: false,
        ..StackOptions::default()
    };
    let stack = match Stack::start(opts, &|_| {}).await {
        Ok(s) => s,
        Err(e) => panic!("stack did not start: {e}"),
    };
    let tempo = stack.tempo_url.clone().expect("the demo serves Tempo");
    assert_ne!(
        Some(&tempo),
        stack.standin_url.as_ref(),
        "Tempo has its own server"
    );
    let prometheus = PromClient::new(PromConfig::new(&stack.prometheus_url)).unwrap();
    // Only Tempo is given: a trace found proves it came through Tempo's API.
    let backends = Backends {
        tempo: Some(Connection::new(&tempo)),
        ..Backends::default()
    };
    let now_ms = (unix_now() * 1000.0) as i64;
    let search = DrillRequest::Traces {
        service: "inference-gateway".into(),
        start_ms: now_ms - 600_000,
        end_ms: now_ms + 1000,
    };
    let DrillAnswer::Traces(found) = execute(search, &prometheus, &backends).await else {
        panic!("a traces answer");
    };
    let found = found.unwrap_or_else(|e| panic!("Tempo search on the demo: {e}"));
    let first = found
        .first()
        .expect("the first scrape's exemplars give traces");
    assert_eq!(first.root().unwrap().service, "inference-gateway");
    let by_id = DrillRequest::Trace {
        id: first.trace_id.clone(),
    };
    let DrillAnswer::Trace(trace) = execute(by_id, &prometheus, &backends).await else {
        panic!("a trace answer");
    };
    let trace = trace.unwrap_or_else(|e| panic!("Tempo trace by id on the demo: {e}"));
    assert_eq!(trace.trace_id, first.trace_id);
    assert_eq!(trace.spans, first.spans);
    stack.shutdown().await;
}

#[tokio::test]
async fn dropping_the_stack_kills_children_and_removes_the_workdir() {
    if !installed("prometheus") || !installed("promtool") {
        return;
    }
    let opts = StackOptions {
        history: false,
        wait_for_first_scrape: false,
        ..StackOptions::default()
    };
    let started = Stack::start(opts, &|_| {}).await;
    let stack = match started {
        Ok(s) => s,
        Err(e) => panic!("stack did not start: {e}"),
    };
    let pids = stack.child_pids();
    let workdir = stack.workdir.clone();
    assert!(!pids.is_empty());
    assert!(workdir.join("prometheus.yml").exists());
    drop(stack);
    for pid in pids {
        assert!(process_gone(pid), "child {pid} survived Drop");
    }
    assert!(!workdir.exists());
}

#[tokio::test]
async fn missing_prometheus_is_explained() {
    // An empty PATH for this process would disturb the other tests; check the message instead.
    let e = triage::demo::DemoError::MissingBinary {
        binary: "prometheus",
        package: "prometheus",
    };
    assert!(e.to_string().contains("sudo apt-get install prometheus"));
}

/// Runs inside a second copy of this test binary for `children_die_with_a_killed_parent`.
#[tokio::test]
#[ignore = "helper process, started by children_die_with_a_killed_parent"]
async fn helper_start_stack_and_wait() {
    if std::env::var_os("TRIAGE_DEMO_HELPER").is_none() {
        return;
    }
    let opts = StackOptions {
        history: false,
        wait_for_first_scrape: false,
        ..StackOptions::default()
    };
    let Ok(stack) = Stack::start(opts, &|_| {}).await else {
        println!("HELPER FAILED");
        return;
    };
    let pids: Vec<String> = stack.child_pids().iter().map(|p| p.to_string()).collect();
    println!("WORKDIR {}", stack.workdir.display());
    println!("PIDS {}", pids.join(","));
    tokio::time::sleep(Duration::from_secs(120)).await;
}

fn dead(pid: u32) -> bool {
    // Gone, or a zombie waiting for an init that does not reap (containers).
    match std::fs::read_to_string(format!("/proc/{pid}/status")) {
        Err(_) => true,
        Ok(status) => status
            .lines()
            .any(|l| l.starts_with("State:") && l.contains('Z')),
    }
}

#[test]
fn children_die_with_a_killed_parent() {
    use std::io::BufRead;
    if !installed("prometheus") || !installed("promtool") {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        panic!("no current exe");
    };
    let spawned = std::process::Command::new(exe)
        .args([
            "--exact",
            "helper_start_stack_and_wait",
            "--ignored",
            "--nocapture",
        ])
        .env("TRIAGE_DEMO_HELPER", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let Ok(mut helper) = spawned else {
        panic!("could not start the helper");
    };
    let mut pids: Vec<u32> = Vec::new();
    let mut workdir = String::new();
    if let Some(out) = helper.stdout.take() {
        for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(dir) = line.strip_prefix("WORKDIR ") {
                workdir = dir.to_string();
            }
            if let Some(list) = line.strip_prefix("PIDS ") {
                pids = list.split(',').filter_map(|p| p.parse().ok()).collect();
                break;
            }
            assert!(
                !line.contains("HELPER FAILED"),
                "helper could not start the stack"
            );
        }
    }
    assert!(!pids.is_empty(), "helper reported no children");
    assert!(pids.iter().all(|&p| !dead(p)));
    // SIGKILL: no destructor runs; only PR_SET_PDEATHSIG can take the children down.
    let _ = helper.kill();
    let _ = helper.wait();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !pids.iter().all(|&p| dead(p)) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    for pid in &pids {
        assert!(dead(*pid), "child {pid} outlived its killed parent");
    }
    if !workdir.is_empty() {
        let _ = std::fs::remove_dir_all(&workdir);
    }
}

#[test]
fn dashboard_follows_the_house_rules() {
    let d = dashboard();
    assert_eq!(d["uid"], "inference-gateway");
    assert_eq!(d["title"], "Inference Gateway");
    assert_eq!(d["schemaVersion"], 39);
    assert_eq!(d["time"]["from"], "now-1h");
    assert_eq!(d["refresh"], "30s");
    let vars: Vec<&str> = d["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["name"].as_str())
        .collect();
    // The four filters, then the trace-ID search box of the logs row.
    assert_eq!(
        vars,
        [
            "datasource",
            "environment",
            "cluster",
            "instance",
            "trace_id"
        ]
    );
    let panels: Vec<&Value> = d["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["type"] != "row")
        .collect();
    assert!((25..=40).contains(&panels.len()), "{} panels", panels.len());
    // Grid cells taken so far, to catch overlaps.
    let mut taken = std::collections::HashSet::new();
    for p in &panels {
        let title = p["title"].as_str().unwrap_or_default();
        assert!(
            p["description"].as_str().is_some_and(|s| s.len() > 20),
            "{title}: no description"
        );
        let datasource = if p["type"] == "logs" {
            "loki"
        } else {
            "${datasource}"
        };
        assert_eq!(p["datasource"]["uid"], datasource, "{title}");
        let g = &p["gridPos"];
        let (x, y, w, h) = (
            g["x"].as_u64().unwrap_or(99),
            g["y"].as_u64().unwrap_or(99),
            g["w"].as_u64().unwrap_or(99),
            g["h"].as_u64().unwrap_or(99),
        );
        assert!(x + w <= 24, "{title} leaves the grid");
        for cx in x..x + w {
            for cy in y..y + h {
                assert!(
                    taken.insert((cx, cy)),
                    "{title} overlaps another panel at {cx},{cy}"
                );
            }
        }
    }
    for (title, expr, _) in dashboard_targets(&d) {
        assert!(
            expr.contains("environment=\"$environment\""),
            "{title}: {expr}"
        );
        assert!(expr.contains("cluster=~\"$cluster\""), "{title}: {expr}");
        if !expr.contains("slo:") {
            assert!(expr.contains("instance=~\"$instance\""), "{title}: {expr}");
        }
        if expr.contains("rate(") || expr.contains("increase(") {
            assert!(expr.contains("[$__rate_interval]"), "{title}: {expr}");
        }
        let parsed =
            promql_parser::parser::parse(&expr.replace("$__rate_interval", "1m").replace('$', ""));
        assert!(parsed.is_ok(), "{title}: {expr}: {parsed:?}");
    }
    let types: Vec<&str> = panels.iter().filter_map(|p| p["type"].as_str()).collect();
    for wanted in ["stat", "timeseries", "gauge", "heatmap", "table"] {
        assert!(types.contains(&wanted), "no {wanted} panel");
    }
}
