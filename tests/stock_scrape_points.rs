//! On a Prometheus as shipped (`scrape_interval: 1m`) and no configuration on triage's side,
//! node-exporter dashboards draw (nearly) every point of their time series over 15 minutes.
//! Grafana, left at its 15 s `timeInterval`, gives `rate()` a 1 m window there and loses most
//! points; triage plans with the interval Prometheus scrapes the targets at.
//!
//! The 1-minute history is a real node_exporter scrape, written once a minute into the past
//! with promtool (as Prometheus would have scraped it), counters rising; the live Prometheus
//! also scrapes the node_exporter every minute, so its targets API says what a stock setup
//! says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Minutes of history written: the 15-minute window plus room for the first rate windows.
const HISTORY_MIN: i64 = 30;

mod support;

use support::prometheus::{Prometheus, free_port, prometheus_dir, start_prometheus_in};

/// The node_exporter (killed when dropped) and the Prometheus over the history.
struct Stack {
    node_exporter: Child,
    prometheus: Prometheus,
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.node_exporter.kill();
        let _ = self.node_exporter.wait();
    }
}

fn wait_ready(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !Command::new("curl")
        .args(["-sf", "-o", "/dev/null", url])
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(Instant::now() < deadline, "{url} did not come up");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn curl(url: &str) -> String {
    let out = Command::new("curl").args(["-sf", url]).output().unwrap();
    assert!(out.status.success(), "curl {url}");
    String::from_utf8(out.stdout).unwrap()
}

/// The scrape as OpenMetrics samples, one series after another, once a minute from `start_s`:
/// every value of a series whose name says it counts (`_total`, `_count`, `_sum`, `_bucket`)
/// rises by a steady amount, the rest stay as scraped.
fn history(scrape: &str, instance: &str, start_s: i64) -> String {
    let mut out = String::new();
    for line in scrape
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(value) = value.parse::<f64>() else {
            continue;
        };
        if !value.is_finite() {
            continue;
        }
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (name, rest.trim_end_matches('}').to_string()),
            None => (series, String::new()),
        };
        let extra = format!("job=\"node\",instance=\"{instance}\"");
        let labels = if labels.is_empty() {
            extra
        } else {
            format!("{labels},{extra}")
        };
        let counts = ["_total", "_count", "_sum", "_bucket"]
            .iter()
            .any(|s| name.ends_with(s));
        for minute in 0..HISTORY_MIN {
            let v = if counts {
                value + minute as f64 * (value.abs() * 0.001 + 1.0)
            } else {
                value
            };
            out.push_str(&format!(
                "{name}{{{labels}}} {v} {}\n",
                start_s + minute * 60
            ));
        }
    }
    out.push_str("# EOF\n");
    out
}

fn start_stack() -> (Stack, i64) {
    let dir = prometheus_dir("stock-scrape");
    let node_port = free_port();
    let node_exporter = Command::new("prometheus-node-exporter")
        .args([
            &format!("--web.listen-address=127.0.0.1:{node_port}"),
            "--no-collector.systemd",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus-node-exporter is installed (scripts/install-deps)");
    let node = format!("127.0.0.1:{node_port}");
    wait_ready(&format!("http://{node}/metrics"));
    let scrape = curl(&format!("http://{node}/metrics"));

    // History that ends two hours ago, older than anything the live Prometheus writes.
    let now_s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let end_s = (now_s - 2 * 3600) / 60 * 60;
    let start_s = end_s - HISTORY_MIN * 60;
    let input = dir.join("history.om");
    std::fs::write(&input, history(&scrape, &node, start_s)).unwrap();
    let blocks = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics"])
        .arg(&input)
        .arg(dir.join("data"))
        .arg("--max-block-duration=744h")
        .output()
        .expect("promtool is installed");
    assert!(
        blocks.status.success(),
        "promtool: {}",
        String::from_utf8_lossy(&blocks.stderr)
    );
    let prometheus = start_prometheus_in(
        dir,
        |_, _| {
            format!(
                "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['{node}']\n"
            )
        },
        &["--storage.tsdb.retention.time=90d"],
    );
    // The targets API lists the node job once service discovery has run.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !curl(&format!("{}/api/v1/targets?state=active", prometheus.url))
        .contains("scrapeInterval")
    {
        assert!(Instant::now() < deadline, "no targets listed");
        std::thread::sleep(Duration::from_millis(250));
    }
    (
        Stack {
            node_exporter,
            prometheus,
        },
        end_s,
    )
}

/// Points drawn against points a full series has, over the time series panels of a render.
fn drawn_share(panels: &serde_json::Value) -> (u64, u64, Vec<String>) {
    let (mut drawn, mut full) = (0u64, 0u64);
    let mut worst = Vec::new();
    for panel in panels.as_array().into_iter().flatten() {
        let kind = panel["type"].as_str().unwrap_or("");
        if !["timeseries", "graph"].contains(&kind) {
            continue;
        }
        // Points a full series of each query has: its range over its step.
        let full_series: BTreeMap<String, u64> = panel["queries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|q| q["instant"] == false)
            .map(|q| {
                let span = q["end"].as_i64().unwrap_or(0) - q["start"].as_i64().unwrap_or(0);
                let step = q["stepMs"].as_i64().unwrap_or(0).max(1);
                let ref_id = q["refId"].as_str().unwrap_or("").to_string();
                (ref_id, (span / step + 1) as u64)
            })
            .collect();
        let (mut panel_drawn, mut panel_full) = (0, 0);
        for s in panel["seriesStats"].as_array().into_iter().flatten() {
            let Some(&per_series) = s["refId"].as_str().and_then(|r| full_series.get(r)) else {
                continue;
            };
            panel_drawn += s["points"].as_u64().unwrap_or(0).min(per_series);
            panel_full += per_series;
        }
        if panel_full > 0 && panel_drawn * 10 < panel_full * 9 {
            worst.push(format!(
                "{}: {panel_drawn}/{panel_full}",
                panel["title"].as_str().unwrap_or("")
            ));
        }
        drawn += panel_drawn;
        full += panel_full;
    }
    (drawn, full, worst)
}

fn render(
    dashboard: &Path,
    prometheus: &str,
    (from_ms, to_ms): (i64, i64),
    extra: &[&str],
) -> serde_json::Value {
    let out = support::triage_without_config()
        .arg("render")
        .arg(dashboard)
        .args(["--format", "json", "--prometheus", prometheus])
        .args(extra)
        .args(["--from", &from_ms.to_string(), "--to", &to_ms.to_string()])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}\n{}",
            dashboard.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn node_dashboards_draw_nine_points_in_ten_on_a_stock_prometheus() {
    let (stack, end_s) = start_stack();
    let to_ms = (end_s - 60) * 1000;
    let from_ms = to_ms - 15 * 60 * 1000;
    let dashboards: Vec<PathBuf> = vec![
        Path::new(env!("CARGO_MANIFEST_DIR")).join("layouts/platform/node-exporter.json"),
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/rfmoz-grafana-dashboards__node-exporter-full@8182f69.json"),
    ];
    let mut report = BTreeMap::new();
    for dashboard in &dashboards {
        let range = (from_ms, to_ms);
        // What Grafana draws with its default `timeInterval` (15 s): far from every point.
        let grafana = render(
            dashboard,
            &stack.prometheus.url,
            range,
            &["--scrape-interval", "15s"],
        );
        let (drawn, full, _) = drawn_share(&grafana);
        assert!(
            full > 0 && (drawn as f64) < 0.9 * full as f64,
            "{}: at 15 s {drawn} of {full}: the history does not look like a 1 m scrape",
            dashboard.display()
        );
        let panels = render(dashboard, &stack.prometheus.url, range, &[]);
        let (drawn, full, worst) = drawn_share(&panels);
        assert!(full > 0, "{}: no time series drawn", dashboard.display());
        let share = drawn as f64 / full as f64;
        report.insert(dashboard.display().to_string(), (share, worst.clone()));
        assert!(
            share >= 0.9,
            "{}: {drawn} of {full} points ({:.0} %); short panels: {worst:?}",
            dashboard.display(),
            share * 100.0
        );
    }
    eprintln!("{report:#?}");
}
