//! `triage check`: offline it finds broken expressions, unresolved references and literal
//! secrets, naming file, panel and expression; online against the demo stack (real
//! Prometheus) the repository's layouts and provisioning pass with data in every panel.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;
use support::{BIN, start_demo};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .arg("check")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run triage check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} contains {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn offline_check_of_the_repository_has_no_errors() {
    let (code, stdout, stderr) = check(&repo(), &["layouts", "provisioning", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(report["summary"]["errors"], 0, "{stdout}{stderr}");
    assert_eq!(code, 0);
    assert!(report["summary"]["dashboards"].as_u64().unwrap() >= 1);
}

#[test]
fn offline_check_names_file_panel_and_expression_of_each_problem() {
    let dir = std::env::temp_dir().join(format!("triage-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&repo().join("layouts"), &dir.join("layouts"));
    copy_dir(&repo().join("provisioning"), &dir.join("provisioning"));
    let dashboard = dir.join("layouts/service/inference-gateway.json");
    edit(
        &dashboard,
        "histogram_quantile(0.99, sum by (le) (rate(",
        "histogram_quantile(0.99, sum by (le) (rate((",
    );
    edit(
        &dashboard,
        "\"uid\": \"${datasource}\"",
        "\"uid\": \"prom-typo\"",
    );
    edit(
        &dir.join("provisioning/grafana/alerting/policies.yml"),
        "receiver: \"pager\"",
        "receiver: \"pagerduty-old\"",
    );
    edit(
        &dir.join("provisioning/grafana/alerting/contact-points.yml"),
        "\"$__env{SLACK_WEBHOOK_URL}\"",
        "\"https://hooks.example.com/services/T000/B000/XXXX\"",
    );
    edit(
        &dir.join("provisioning/grafana/alerting/rules.yml"),
        "datasourceUid: \"prometheus\"",
        "datasourceUid: \"prometheus-eu\"",
    );

    // Alertmanager's own validator runs on the compose stack's config.
    edit(
        &dir.join("provisioning/compose/alertmanager.yml"),
        "receiver: \"collect-only\"",
        "receiver: \"nobody\"",
    );

    let (code, stdout, _) = check(&dir, &["layouts", "provisioning"]);
    assert_eq!(code, 1, "errors exit 1:\n{stdout}");
    let expect = [
        "error   layouts/service/inference-gateway.json: panel \"p99 latency\": target A does not parse as PromQL",
        "expr: histogram_quantile(0.99, sum by (le) (rate((http_request_duration_seconds_bucket",
        "uses datasource uid \"prom-typo\", which is not provisioned",
        "policies.yml: policies[0].routes[0]: receiver \"pagerduty-old\" is not a provisioned contact point",
        "contact-points.yml: contactPoints[0] (chat).receivers[0].settings.url: a literal secret",
        "rules.yml: groups[0].rules[0] (inference-gateway: p99 latency above 300 ms): data[0] uses datasource uid \"prometheus-eu\"",
        "compose/alertmanager.yml: amtool check-config failed",
        "undefined receiver \"nobody\" used in route",
    ];
    for line in expect {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(
        !stdout.contains("hooks.example.com"),
        "the secret itself is never printed:\n{stdout}"
    );

    let (code, stdout, _) = check(&dir, &["layouts", "provisioning", "--format", "json"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let promql = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "promql" && f["panel"] == "p99 latency")
        .expect("a promql finding for the panel");
    assert_eq!(promql["level"], "error");
    assert_eq!(promql["file"], "layouts/service/inference-gateway.json");
    assert!(promql["expr"].as_str().unwrap().contains("rate(("));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = check(&repo(), &["no-such-folder"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no-such-folder: no such file or folder"),
        "{stderr}"
    );
    let (code, _, _) = check(&repo(), &["layouts", "--format", "yaml"]);
    assert_eq!(code, 2);
}

/// Every dashboard of the suite must show data in every Prometheus panel.
const DASHBOARDS_REQUIRING_DATA: &[&str] = &[
    "layouts/service/inference-gateway.json",
    "layouts/service/model-registry.json",
    "layouts/platform/prometheus-health.json",
    "layouts/platform/node-exporter.json",
    "layouts/platform/alertmanager.json",
    "layouts/executive/slo-overview.json",
];

/// Every required panel is either not Prometheus's or has data.
fn all_required_have_data(report: &Value) -> bool {
    report["panels"].as_array().is_some_and(|panels| {
        panels
            .iter()
            .filter(|p| DASHBOARDS_REQUIRING_DATA.contains(&p["file"].as_str().unwrap_or("")))
            .all(|p| p["state"] == "ok" || p["state"] == "unsupported")
    })
}

#[test]
fn online_check_against_the_demo_has_no_errors_and_data_in_every_panel() {
    let demo = start_demo();
    // The platform targets are not backfilled: their rates need two scrapes (about two minutes
    // after start), as for anyone opening them on a fresh Prometheus. Check until they are in.
    let deadline = Instant::now() + Duration::from_secs(180);
    let (code, stdout, stderr, report) = loop {
        let (code, stdout, stderr) = check(
            &repo(),
            &[
                "layouts",
                "provisioning",
                "--prometheus",
                &demo.prometheus,
                "--format",
                "json",
            ],
        );
        let report: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        if all_required_have_data(&report) || Instant::now() > deadline {
            break (code, stdout, stderr, report);
        }
        std::thread::sleep(Duration::from_secs(5));
    };
    let _ = &stdout;
    let errors: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "error")
        .collect();
    assert!(errors.is_empty(), "errors: {errors:#?}\n{stderr}");
    assert_eq!(code, 0);
    let panels = report["panels"].as_array().expect("online panel results");
    let required: Vec<&Value> = panels
        .iter()
        .filter(|p| DASHBOARDS_REQUIRING_DATA.contains(&p["file"].as_str().unwrap()))
        .collect();
    assert!(
        required.len() >= 70,
        "panels of the six suite dashboards: {}",
        required.len()
    );
    for panel in &required {
        // Logs (without a Loki given), traces and text panels are not Prometheus's: they are
        // listed, not queried.
        if panel["state"] == "unsupported" {
            let note = panel["note"].as_str().unwrap_or_default();
            assert!(
                note.contains("datasource")
                    || note.contains("text panel")
                    || note.contains("--loki"),
                "panel {} was not queried: {note}",
                panel["panel"]
            );
            continue;
        }
        assert_eq!(
            panel["state"], "ok",
            "panel {} has no data: {panel:#}",
            panel["panel"]
        );
        assert!(panel["points"].as_u64().unwrap() > 0, "{panel:#}");
    }
    assert!(
        required.iter().filter(|p| p["state"] == "ok").count() >= 60,
        "most suite panels are Prometheus panels with data"
    );
    // Both rule sources are evaluated: each listed alert names its rule and the series.
    for alert in report["alerts"].as_array().expect("alerts evaluated") {
        assert!(["prometheus", "grafana"].contains(&alert["source"].as_str().unwrap()));
        assert!(!alert["series"].as_array().unwrap().is_empty(), "{alert:#}");
    }
    // No panel of any dashboard failed, and those without data are reported with their query.
    for panel in panels.iter().filter(|p| p["state"] == "no_data") {
        let title = panel["panel"].as_str().unwrap();
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "no-data" && f["panel"] == title && f["expr"].is_string()),
            "no-data panel {title} is reported with its expression"
        );
    }
}

/// Over the shared corpus of real dashboards: no crash, and the only PromQL errors are the two
/// expressions that are broken in their source (see tests/corpus_promql.rs) — repeated panels
/// are interpolated with one value per clone, as Grafana does, never with All.
#[test]
fn corpus_dashboards_are_checked_and_only_source_bugs_are_promql_errors() {
    let corpus = repo().join("../shared/corpus");
    let (code, stdout, stderr) = check(&repo(), &[corpus.to_str().unwrap(), "--format", "json"]);
    assert!(code == 0 || code == 1, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert!(report["summary"]["dashboards"].as_u64().unwrap() >= 20);
    let promql: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "promql")
        .map(|f| format!("{} {}", f["file"], f["panel"]))
        .collect();
    assert_eq!(promql.len(), 2, "{promql:#?}");
    assert!(
        promql.iter().all(|p| p.contains("MongoDB_Cluster_Summary")),
        "{promql:#?}"
    );
}
