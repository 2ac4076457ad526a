//! A Prometheus as shipped scrapes every minute. Grafana plans `$__rate_interval` with the
//! datasource's `timeInterval` (15 s unless someone sets it), so `rate()` windows hold a single
//! sample and most points vanish. triage asks Prometheus for its scrape interval when none is
//! configured, and a configured one (flag or config file) wins.

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_triage");
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/live/rate_window.json"
);

mod support;

use support::prometheus::{Prometheus, self_scrape_config, start_prometheus};

/// A real Prometheus with a stock global section (`scrape_interval: 1m`).
fn start_stock_prometheus() -> Prometheus {
    start_prometheus("scrape-stock", |port, _| self_scrape_config(port, "1m", ""))
}

/// The expression the panel sent, from `render --format json`.
fn sent_expr(url: &str, extra: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["render", FIXTURE, "--format", "json", "--prometheus", url])
        .args(extra)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "render output: {e}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json[0]["queries"][0]["expr"]
        .as_str()
        .unwrap_or_else(|| panic!("a query: {json}"))
        .to_string()
}

#[test]
fn rate_windows_follow_the_scrape_interval_prometheus_runs_with() {
    let prometheus = start_stock_prometheus();
    // Detected 1m: Grafana's rule max(interval + scrape, 4 × scrape) gives a 4m window (in Go's duration form, as Grafana writes it).
    assert_eq!(
        sent_expr(&prometheus.url, &[]),
        "sum(rate(prometheus_http_requests_total[4m0s]))"
    );
    // Configured wins: 30s gives 2m.
    assert_eq!(
        sent_expr(&prometheus.url, &["--scrape-interval", "30s"]),
        "sum(rate(prometheus_http_requests_total[2m0s]))"
    );
    // A nonsense value is a usage error.
    let out = Command::new(BIN)
        .args(["render", FIXTURE, "--prometheus", &prometheus.url])
        .args(["--scrape-interval", "often"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("scrape interval \"often\""));
}

/// The team's datasource provisioning sets `timeInterval` on the Prometheus datasource: triage
/// plans with it as Grafana does (ahead of what Prometheus says), the address coming from the
/// environment as Grafana expands it in provisioning files.
#[test]
fn a_provisioned_time_interval_is_planned_with() {
    let prometheus = start_stock_prometheus();
    let dir = std::env::temp_dir().join(format!("triage-ds-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("datasources.yml");
    std::fs::write(
        &file,
        "apiVersion: 1\ndatasources:\n  - name: Mimir\n    type: prometheus\n    uid: mimir\n    url: $TEST_PROM_URL\n    isDefault: true\n    jsonData:\n      timeInterval: 30s\n      httpHeaderName1: X-Scope-OrgID\n    secureJsonData:\n      httpHeaderValue1: ${TEST_TENANT}\n",
    )
    .unwrap();
    let render = |tenant: Option<&str>| {
        let mut command = Command::new(BIN);
        command
            .args(["render", FIXTURE, "--format", "json", "--datasources-file"])
            .arg(&file)
            .env_remove("TRIAGE_PROMETHEUS_URL")
            .env("XDG_CONFIG_HOME", dir.join("no-config"))
            .env("TEST_PROM_URL", &prometheus.url);
        match tenant {
            Some(t) => command.env("TEST_TENANT", t),
            None => command.env_remove("TEST_TENANT"),
        };
        command.output().unwrap()
    };
    let out = render(Some("team-a"));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        json[0]["queries"][0]["expr"], "sum(rate(prometheus_http_requests_total[2m0s]))",
        "30s from the file, not Prometheus's 1m: {json}"
    );
    // The tenant variable unset: the datasource is left out, naming the variable only.
    let out = render(None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("datasources[0] (Mimir): secureJsonData.httpHeaderValue1 needs $TEST_TENANT"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two jobs scraping the same target, every 15 s and every minute: each panel is planned with
/// the interval of the job its selector names (Prometheus's targets API), said in the JSON.
#[test]
fn each_query_is_planned_with_the_interval_of_the_targets_it_reads() {
    let prometheus = start_prometheus("scrape-jobs", |port, _| {
        format!(
            "global:\n  scrape_interval: 1m\nscrape_configs:\n  - job_name: fast\n    scrape_interval: 15s\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n  - job_name: slow\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
        )
    });
    // Prometheus lists its targets once service discovery has run (about 5 s after start).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let listed = Command::new("curl")
            .args([
                "-sf",
                &format!("{}/api/v1/targets?state=active", prometheus.url),
            ])
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .matches("scrapeInterval")
                    .count()
            })
            .unwrap_or(0);
        if listed >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "Prometheus listed no targets");
        std::thread::sleep(Duration::from_millis(250));
    }
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/live/rate_by_job.json"
    );
    let out = Command::new(BIN)
        .args(["render", fixture, "--format", "json", "--prometheus"])
        .arg(&prometheus.url)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let query = |panel: usize| json[panel]["queries"][0].clone();
    // 15 s: Grafana's rule max(interval + scrape, 4 × scrape) = 1m; 1 m: 4m.
    assert_eq!(
        query(0)["expr"],
        "sum(rate(prometheus_http_requests_total{job=\"fast\"}[1m0s]))",
        "{json}"
    );
    assert_eq!(
        query(0)["scrapeInterval"],
        "15s (the targets the query reads)"
    );
    assert_eq!(
        query(1)["expr"],
        "sum(rate(prometheus_http_requests_total{job=\"slow\"}[4m0s]))",
        "{json}"
    );
    assert_eq!(
        query(1)["scrapeInterval"],
        "1m (the targets the query reads)"
    );
}
