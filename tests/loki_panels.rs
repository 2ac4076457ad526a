//! Loki panels end to end: `triage render --format json` against a real Prometheus (its query
//! log on) and the stand-in Loki. Loki metric panels get their values from Loki, logs panels
//! their lines newest first, a Mixed panel one series from each, and no LogQL reaches
//! Prometheus (its query log holds PromQL only). The Loki mixin's own dashboards (copied from
//! grafana/loki, see tests/fixtures/dashboards/loki-mixin/SOURCES.md) render the same way.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use triage::demo::Scenario;
use triage::demo::standin::StandIn;
use triage::demo::world::World;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dashboards")
        .join(name)
}

mod support;

use support::prometheus::{Prometheus, self_scrape_config, start_prometheus};

/// A real Prometheus scraping itself every second, every query it answers in its query log.
struct QueryLoggingPrometheus(Prometheus);

impl QueryLoggingPrometheus {
    fn start(tag: &str) -> Self {
        let prometheus = start_prometheus(&format!("loki-{tag}"), |port, dir| {
            let log = format!("  query_log_file: {}\n", dir.join("queries.log").display());
            self_scrape_config(port, "1s", &log)
        });
        let prometheus = QueryLoggingPrometheus(prometheus);
        prometheus.wait_for_a_sample();
        prometheus
    }

    /// Until `up` has a sample ten seconds old: panels align their range's end to their
    /// step, so a sample from the last second may fall after it.
    fn wait_for_a_sample(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out = Command::new("curl")
                .args([
                    "-sf",
                    &format!("{}/api/v1/query?query=up%20offset%2010s", self.0.url),
                ])
                .output();
            if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("\"value\"")) {
                return;
            }
            assert!(Instant::now() < deadline, "Prometheus never scraped itself");
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// Every query Prometheus was asked, as its query log holds them.
    fn queries(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.0.dir.join("queries.log")).unwrap_or_default();
        log.lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter_map(|entry| entry["params"]["query"].as_str().map(str::to_string))
            .collect()
    }
}

/// `triage render --format json` of a dashboard, with the stand-in as Loki.
async fn render(dashboard: &Path, prometheus: &str, loki: &str) -> Vec<Value> {
    let mut command = support::triage_without_config();
    command
        .arg("render")
        .arg(dashboard)
        .args(["--prometheus", prometheus, "--loki", loki])
        .args(["--format", "json", "--width", "160", "--height", "60"]);
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}: {stderr}", dashboard.display());
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"))
}

fn panel<'a>(panels: &'a [Value], title: &str) -> &'a Value {
    panels
        .iter()
        .find(|p| p["title"] == title)
        .unwrap_or_else(|| panic!("no panel {title:?}"))
}

/// The LogQL marks a PromQL query never has: pipes and line filters.
fn looks_like_logql(query: &str) -> bool {
    [
        "|=",
        "|~",
        "!~ \"",
        "| logfmt",
        "|logfmt",
        "| json",
        "count_over_time({",
    ]
    .iter()
    .any(|mark| query.contains(mark))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_panels_ask_loki_and_mixed_panels_ask_both() {
    let prometheus = QueryLoggingPrometheus::start("panels");
    let standin = StandIn::start(World::new(Scenario::default()), None)
        .await
        .unwrap();
    let panels = render(
        &fixture("loki-panels.json"),
        &prometheus.0.url,
        &standin.url,
    )
    .await;

    // A Loki metric panel: one series per production instance, from the stand-in's lines.
    let metric = panel(&panels, "Served lines per second by instance (Loki)");
    assert_eq!(metric["state"], "ok", "{metric}");
    assert_eq!(
        metric["series"], 4,
        "the four production instances: {metric}"
    );
    assert!(metric["points"].as_u64().unwrap() > 4, "{metric}");
    let sent = metric["queries"][0]["expr"].as_str().unwrap();
    assert!(sent.contains(r#"environment="production""#), "{sent}");

    // A logs panel: lines newest first, of the selected streams, without control characters.
    let logs = panel(&panels, "Gateway log lines");
    assert_eq!(logs["state"], "ok", "{logs}");
    let lines = logs["logs"]
        .as_array()
        .expect("a logs panel lists its lines");
    assert!(lines.len() > 10, "{logs}");
    let times: Vec<i64> = lines.iter().map(|l| l["time"].as_i64().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    for line in lines {
        assert_eq!(line["labels"]["environment"], "production", "{line}");
        let text = line["line"].as_str().unwrap();
        assert!(text.contains("endpoint="), "the line filter: {text}");
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(["info", "warning", "error"].contains(&line["level"].as_str().unwrap()));
    }

    // A Mixed panel: PromQL to Prometheus and LogQL to Loki, a series from each.
    let mixed = panel(&panels, "Targets up (Prometheus) and log lines (Loki)");
    assert_eq!(mixed["state"], "ok", "{mixed}");
    assert_eq!(mixed["error"], Value::Null, "{mixed}");
    assert_eq!(mixed["series"], 2, "{mixed}");
    let stat = panel(&panels, "Targets up (Prometheus)");
    assert_eq!(stat["values"][0], "1", "{stat}");

    // Prometheus was asked the PromQL and nothing else.
    let asked = prometheus.queries();
    assert!(
        asked
            .iter()
            .any(|q| q.contains(r#"count(up{job="prometheus"})"#)),
        "the query log works: {asked:?}"
    );
    let logql: Vec<&String> = asked.iter().filter(|q| looks_like_logql(q)).collect();
    assert!(logql.is_empty(), "LogQL reached Prometheus: {logql:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loki_mixin_dashboards_render_with_loki_and_prometheus() {
    let prometheus = QueryLoggingPrometheus::start("mixin");
    let standin = StandIn::start(World::new(Scenario::default()), None)
        .await
        .unwrap();
    for name in ["loki-logs.json", "loki-operational.json"] {
        let path = fixture("loki-mixin").join(name);
        let panels = render(&path, &prometheus.0.url, &standin.url).await;
        let logs: Vec<&Value> = panels.iter().filter(|p| p["type"] == "logs").collect();
        assert!(!logs.is_empty(), "{name} has logs panels");
        for p in &panels {
            // No error anywhere: a LogQL query sent to Prometheus would be a parse error, an
            // unevaluated one a 400 from the stand-in.
            assert_eq!(p["error"], Value::Null, "{name}: {p}");
            assert!(
                ["ok", "no_data"].contains(&p["state"].as_str().unwrap()),
                "{name}: {p}"
            );
        }
        let loki_queries = panels
            .iter()
            .flat_map(|p| p["queries"].as_array().cloned().unwrap_or_default())
            .filter(|q| looks_like_logql(q["expr"].as_str().unwrap_or_default()))
            .count();
        assert!(loki_queries >= 2, "{name}: the Loki panels were asked");
    }
    let logql: Vec<String> = prometheus
        .queries()
        .into_iter()
        .filter(|q| looks_like_logql(q))
        .collect();
    assert!(logql.is_empty(), "LogQL reached Prometheus: {logql:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_query_variables_take_their_options_from_loki() {
    let prometheus = QueryLoggingPrometheus::start("variables");
    let standin = StandIn::start(World::new(Scenario::default()), None)
        .await
        .unwrap();
    let panels = render(
        &fixture("loki-variables.json"),
        &prometheus.0.url,
        &standin.url,
    )
    .await;
    let logs = &panels[0];
    assert_eq!(logs["state"], "ok", "{logs}");
    // `$cluster`: the first value Loki gives for production streams; `$instance` (All): the
    // instances of that cluster only, from the object form of the query; `$label`: the label
    // names Loki has, through the variable's regex.
    assert_eq!(logs["title"], "Lines of eu-west-1 by environment", "{logs}");
    let sent = logs["queries"][0]["expr"].as_str().unwrap();
    assert!(
        sent.contains("gw-prod-euw1-a:8080") && sent.contains("gw-prod-euw1-b:8080"),
        "{sent}"
    );
    assert!(!sent.contains("use1") && !sent.contains("stg"), "{sent}");
    assert!(sent.contains(r#"environment="production""#), "{sent}");
    let lines = logs["logs"].as_array().expect("lines");
    assert!(!lines.is_empty(), "{logs}");
    for line in lines {
        assert_eq!(line["labels"]["cluster"], "eu-west-1", "{line}");
    }
    let logql: Vec<String> = prometheus
        .queries()
        .into_iter()
        .filter(|q| q.contains("service=") || q.contains("label_values"))
        .collect();
    assert!(
        logql.is_empty(),
        "Loki variables reached Prometheus: {logql:?}"
    );
}
