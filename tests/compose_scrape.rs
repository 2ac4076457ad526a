//! The compose stack's Prometheus configuration (provisioning/compose/prometheus.yml) run for
//! real: a real Prometheus with that file, where only the targets' `host:port` are moved to
//! 127.0.0.1 ports of real local processes (node_exporter and Alertmanager from the distro, the
//! gateway as `triage demo --exporter-only`, Prometheus itself), and the rule files loaded from
//! where compose mounts them. Every label and relabel setting stays as written.
//!
//! Then every metric the suite's dashboards query (each PromQL expression and variable query of
//! layouts/**/*.json, parsed with triage's own PromQL tooling) must have a series matching the
//! selector's fixed matchers and carrying the `environment` and `cluster` labels wherever the
//! selector filters on them (`ALERTS` in the Alertmanager dashboard, say, is counted across
//! environments, so it needs only to exist). Recording rules count: their files are loaded.
//!
//! One change besides the addresses: the global scrape interval is 1 s instead of 15 s, so two
//! scrapes (what `rate` needs) land within seconds; labels do not depend on it. The rule groups
//! keep their own intervals.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use promql_parser::parser::{Expr, VectorSelector};
use serde_json::Value;
use support::prometheus::{free_port, prometheus_dir, start_prometheus_in};
use triage::grafana::promql_check;
use triage::grafana::varquery::{VariableQuery, parse_variable_query};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_triage");
/// Where compose's services are reached from its Prometheus.
const PROMETHEUS_TARGET: &str = "prometheus:9090";
const NODE_EXPORTER_TARGET: &str = "node-exporter:9100";
const ALERTMANAGER_TARGET: &str = "alertmanager:9093";
const GATEWAY_TARGET: &str = "gateway-exporter:9464";
/// The labels every dashboard's variables filter on.
const FILTER_LABELS: [&str; 2] = ["environment", "cluster"];

/// A child process killed when dropped.
struct Running {
    name: &'static str,
    child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `program` and waits until `ready_url` answers 200.
fn start(name: &'static str, program: &str, args: &[String], ready_url: &str) -> Running {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: cannot start {program} (scripts/install-deps): {e}"));
    let mut running = Running { name, child };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !answers(ready_url) {
        if let Ok(Some(status)) = running.child.try_wait() {
            panic!(
                "{}: exited with {status} before {ready_url} answered",
                running.name
            );
        }
        assert!(
            Instant::now() < deadline,
            "{name}: {ready_url} never answered"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    running
}

fn answers(url: &str) -> bool {
    Command::new("curl")
        .args(["-sf", "-o", "/dev/null", url])
        .status()
        .is_ok_and(|s| s.success())
}

/// GET `url` with the form fields, as JSON.
fn get_json(url: &str, fields: &[(&str, &str)]) -> Value {
    let mut cmd = Command::new("curl");
    cmd.args(["-sfG", url]);
    for (k, v) in fields {
        cmd.args(["--data-urlencode", &format!("{k}={v}")]);
    }
    let out = cmd.output().expect("curl is installed");
    assert!(out.status.success(), "GET {url} {fields:?} failed");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn instant_query(prometheus: &str, expr: &str) -> Vec<Value> {
    let answer = get_json(&format!("{prometheus}/api/v1/query"), &[("query", expr)]);
    assert_eq!(answer["status"], "success", "{expr}: {answer}");
    answer["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The host folder compose mounts at `container_dir` in the prometheus service.
fn compose_mount_of(container_dir: &str) -> PathBuf {
    let text = std::fs::read_to_string(Path::new(ROOT).join("provisioning/docker-compose.yml"))
        .expect("provisioning/docker-compose.yml");
    let compose: Value = yaml_serde::from_str(&text).expect("compose YAML");
    let volumes = compose["services"]["prometheus"]["volumes"]
        .as_array()
        .expect("the prometheus service mounts volumes");
    volumes
        .iter()
        .filter_map(Value::as_str)
        .find_map(|v| {
            let mut parts = v.split(':');
            let host = parts.next()?;
            (parts.next()? == container_dir)
                .then(|| Path::new(ROOT).join("provisioning").join(host))
        })
        .unwrap_or_else(|| panic!("compose mounts nothing at {container_dir}: {volumes:?}"))
}

/// provisioning/compose/prometheus.yml with its targets moved to local ports, its rule files
/// read from the folder compose mounts, and a 1 s scrape interval.
fn local_config(targets: &[(&str, String)]) -> String {
    let mut text =
        std::fs::read_to_string(Path::new(ROOT).join("provisioning/compose/prometheus.yml"))
            .expect("provisioning/compose/prometheus.yml");
    for (target, local) in targets {
        assert!(text.contains(target), "the compose config has no {target}");
        text = text.replace(target, local);
    }
    let rules_in_container = "/etc/prometheus/rules";
    assert!(
        text.contains(&format!("\"{rules_in_container}/")),
        "rule_files no longer under {rules_in_container}:\n{text}"
    );
    let rules_on_host = compose_mount_of(rules_in_container);
    text = text.replace(rules_in_container, &rules_on_host.display().to_string());
    let interval = "scrape_interval: \"15s\"";
    assert!(text.contains(interval), "{text}");
    text.replace(interval, "scrape_interval: \"1s\"")
}

/// What a selector of the dashboards needs from Prometheus: its metric name and the matchers
/// that do not depend on a variable, plus a non-empty value of each filter label
/// (`environment`, `cluster`) it filters on, through a variable or not.
fn wanted_series(vs: &VectorSelector) -> Option<String> {
    let name = vs.name.clone().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__")
            .map(|m| m.value.clone())
    })?;
    // A variable outside a string becomes this placeholder name (`/ $__range_s`): not a metric.
    if name == "placeholder" {
        return None;
    }
    let mut matchers = vec![format!("__name__={name:?}")];
    for m in &vs.matchers.matchers {
        if m.name != "__name__" && !m.value.contains("placeholder") {
            matchers.push(m.to_string());
        }
    }
    for label in FILTER_LABELS {
        if vs.matchers.matchers.iter().any(|m| m.name == label) {
            matchers.push(format!("{label}!=\"\""));
        }
    }
    Some(format!("{{{}}}", matchers.join(", ")))
}

fn selectors_of(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::VectorSelector(vs) => out.extend(wanted_series(vs)),
        Expr::MatrixSelector(ms) => out.extend(wanted_series(&ms.vs)),
        Expr::Aggregate(a) => {
            selectors_of(&a.expr, out);
            if let Some(p) = &a.param {
                selectors_of(p, out);
            }
        }
        Expr::Unary(u) => selectors_of(&u.expr, out),
        Expr::Binary(b) => {
            selectors_of(&b.lhs, out);
            selectors_of(&b.rhs, out);
        }
        Expr::Paren(p) => selectors_of(&p.expr, out),
        Expr::Subquery(s) => selectors_of(&s.expr, out),
        Expr::Call(call) => call.args.args.iter().for_each(|a| selectors_of(a, out)),
        _ => {}
    }
}

/// Selectors of one PromQL text, failing with where it is written when it does not parse.
fn selectors_in(text: &str, place: &str) -> Vec<String> {
    let expr = promql_check::parse(text)
        .unwrap_or_else(|p| panic!("{place}: {text:?} does not parse: {}", p.message));
    // The project's own list of the metrics used: every one must have become a selector.
    let uses = promql_check::metric_uses(&expr);
    let mut out = Vec::new();
    selectors_of(&expr, &mut out);
    for u in uses.iter().filter(|u| u.metric != "placeholder") {
        assert!(
            out.iter().any(|s| s.contains(&format!("{:?}", u.metric))),
            "{place}: {} used but not collected",
            u.metric
        );
    }
    out
}

fn is_loki(datasource: &Value) -> bool {
    datasource["type"] == "loki"
}

/// Every Prometheus target of a panel and of the panels inside it (rows).
fn panel_selectors(panel: &Value, file: &str, found: &mut BTreeMap<String, Vec<String>>) {
    let title = panel["title"].as_str().unwrap_or("(untitled)");
    for target in panel["targets"].as_array().into_iter().flatten() {
        let datasource = match &target["datasource"] {
            Value::Null => &panel["datasource"],
            own => own,
        };
        let Some(expr) = target["expr"].as_str().filter(|_| !is_loki(datasource)) else {
            continue;
        };
        let place = format!("{file}, panel {title:?}");
        for s in selectors_in(expr, &place) {
            found.entry(s).or_default().push(place.clone());
        }
    }
    for inner in panel["panels"].as_array().into_iter().flatten() {
        panel_selectors(inner, file, found);
    }
}

/// Every selector the suite's dashboards query, with the dashboard and panel (or variable)
/// querying it.
fn dashboard_selectors() -> BTreeMap<String, Vec<String>> {
    let mut found = BTreeMap::new();
    let layouts = Path::new(ROOT).join("layouts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&layouts)
        .expect("layouts/")
        .flatten()
        .filter(|d| d.path().is_dir())
        .flat_map(|d| {
            std::fs::read_dir(d.path())
                .expect("a layouts folder")
                .flatten()
        })
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "the suite's dashboards: {files:?}");
    for path in files {
        let file = path
            .strip_prefix(ROOT)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let dashboard: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        for panel in dashboard["panels"].as_array().into_iter().flatten() {
            panel_selectors(panel, &file, &mut found);
        }
        for variable in dashboard["templating"]["list"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let query = match &variable["query"] {
                Value::String(q) => q.clone(),
                q => q["query"].as_str().unwrap_or_default().to_string(),
            };
            let place = format!(
                "{file}, variable ${}",
                variable["name"].as_str().unwrap_or("?")
            );
            let promql = match parse_variable_query(&query) {
                _ if variable["type"] != "query" => continue,
                VariableQuery::LabelValues {
                    selector: Some(s), ..
                } => s,
                VariableQuery::QueryResult { expr } => expr,
                _ => continue,
            };
            for s in selectors_in(&promql, &place) {
                found.entry(s).or_default().push(place.clone());
            }
        }
    }
    found
}

/// Waits until every target is up with two scrapes (what `rate` needs), then until every rule
/// group has been evaluated twice after that, so recording rules that read other rules' output
/// have it too.
fn wait_for_scrapes_and_rules(prometheus: &str, targets: usize) {
    let deadline = Instant::now() + Duration::from_secs(180);
    let scraped = "count(count_over_time(up[1m]) >= 2 and up == 1)";
    loop {
        let count = instant_query(prometheus, scraped)
            .first()
            .and_then(|s| s["value"][1].as_str()?.parse::<usize>().ok());
        if count == Some(targets) {
            break;
        }
        let up = instant_query(prometheus, "up");
        assert!(Instant::now() < deadline, "targets not all up: {up:?}");
        std::thread::sleep(Duration::from_millis(250));
    }
    for _round in 0..2 {
        let since = chrono::Utc::now();
        loop {
            let rules = get_json(&format!("{prometheus}/api/v1/rules"), &[]);
            let groups = rules["data"]["groups"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(!groups.is_empty(), "no rule groups loaded: {rules}");
            let evaluated = groups.iter().all(|g| {
                g["lastEvaluation"]
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .is_some_and(|t| t > since)
            });
            if evaluated {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "rule groups not evaluated: {rules}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

#[test]
fn the_compose_prometheus_scrapes_every_series_the_dashboards_query_with_their_labels() {
    let gateway_port = free_port();
    let _gateway = start(
        "triage demo --exporter-only",
        BIN,
        &[
            "demo".into(),
            "--exporter-only".into(),
            format!("--listen=127.0.0.1:{gateway_port}"),
        ],
        &format!("http://127.0.0.1:{gateway_port}/metrics"),
    );
    let node_port = free_port();
    let _node = start(
        "node_exporter",
        "prometheus-node-exporter",
        &[
            format!("--web.listen-address=127.0.0.1:{node_port}"),
            "--no-collector.systemd".into(),
        ],
        &format!("http://127.0.0.1:{node_port}/"),
    );
    let dir = prometheus_dir("compose-scrape");
    let alertmanager_port = free_port();
    let _alertmanager = start(
        "alertmanager",
        "prometheus-alertmanager",
        &[
            // The file compose mounts.
            format!("--config.file={ROOT}/provisioning/compose/alertmanager.yml"),
            format!("--storage.path={}", dir.join("alertmanager").display()),
            format!("--web.listen-address=127.0.0.1:{alertmanager_port}"),
            "--cluster.listen-address=".into(),
        ],
        &format!("http://127.0.0.1:{alertmanager_port}/-/ready"),
    );
    let prometheus = start_prometheus_in(
        dir,
        |port, _| {
            local_config(&[
                (PROMETHEUS_TARGET, format!("127.0.0.1:{port}")),
                (NODE_EXPORTER_TARGET, format!("127.0.0.1:{node_port}")),
                (
                    ALERTMANAGER_TARGET,
                    format!("127.0.0.1:{alertmanager_port}"),
                ),
                (GATEWAY_TARGET, format!("127.0.0.1:{gateway_port}")),
            ])
        },
        &[],
    );
    wait_for_scrapes_and_rules(&prometheus.url, 4);

    let selectors = dashboard_selectors();
    let filtered = selectors
        .keys()
        .filter(|s| s.contains("environment!="))
        .count();
    assert!(
        filtered > 40,
        "too few selectors filter on the environment: {selectors:?}"
    );
    let missing: Vec<String> = selectors
        .iter()
        .filter(|(selector, _)| instant_query(&prometheus.url, selector).is_empty())
        .map(|(selector, places)| {
            format!("{selector}: no series; queried by {}", places.join("; "))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} selectors have no series on the compose Prometheus:\n{}",
        missing.len(),
        selectors.len(),
        missing.join("\n")
    );
}
