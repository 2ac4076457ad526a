//! The on-call journey through the drill-down, in a pseudo-terminal (tmux) against the demo
//! stack: a real Prometheus (exemplar storage on) and a real Alertmanager, with Loki and Jaeger
//! played by the demo's stand-in server (they cannot be installed here). An injected latency
//! alert is posted to Alertmanager; from it the engineer reaches the latency panel, an
//! exemplar's trace as a span waterfall, and that trace's log lines, without leaving the
//! terminal.

use std::process::Command;
use std::time::{Duration, Instant};

mod support;
use support::{BIN, DASHBOARD, Tmux, start_demo};

/// POST an alert to Alertmanager's API v2 the way Prometheus hands them over.
fn inject_alert(alertmanager: &str, starts_at: &str) {
    let body = serde_json::json!([{
        "labels": {
            "alertname": "DrillLatencyP99High",
            "service": "inference-gateway",
            "environment": "production",
            "severity": "page"
        },
        "annotations": {
            "summary": "p99 latency above 250 ms (injected for the drill)",
            "runbook_url": "https://runbooks.example.com/inference-gateway/high-latency"
        },
        "startsAt": starts_at,
        "endsAt": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()
    }]);
    let out = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST"])
        .args(["-H", "Content-Type: application/json", "--data"])
        .arg(body.to_string())
        .arg(format!("{alertmanager}/api/v2/alerts"))
        .output()
        .expect("curl is installed");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "200",
        "Alertmanager took the alert"
    );
}

#[test]
fn from_the_alert_to_an_exemplar_trace_and_its_logs() {
    let demo = start_demo();
    let url = |name: &str| demo.urls[name].clone();
    // Older than anything the fresh Prometheus fires, so it leads the alerts pane.
    let fired = chrono::Utc::now() - chrono::Duration::minutes(20);
    inject_alert(&url("alertmanager"), &fired.to_rfc3339());

    let command = format!(
        "env -u TMUX -u BROWSER -u DISPLAY -u WAYLAND_DISPLAY TRIAGE_NO_HYPERLINKS=1 {BIN} view {DASHBOARD} --prometheus {} --alertmanager {} --loki {} --jaeger {}; echo TRIAGE-EXITED-$?; sleep 60",
        url("prometheus"),
        url("alertmanager"),
        url("loki"),
        url("jaeger"),
    );
    let tmux = Tmux::start("journey", &command);
    tmux.wait_for("req/s");

    // Alerts pane: Alertmanager's alert with its runbook and where it came from.
    tmux.keys(&["a"]);
    let alerts = tmux.wait_for("DrillLatencyP99High");
    assert!(alerts.contains("Alertmanager"), "{alerts}");
    assert!(
        alerts.contains("runbook: https://runbooks.example.com/inference-gateway/high-latency"),
        "{alerts}"
    );
    // Enter: the matching panel from 15 minutes before it fired.
    tmux.keys(&["Enter"]);
    let jumped = tmux.wait_until(
        "the range moved to the alert",
        |s| !s.contains("Last 1 hour"),
        30,
    );
    assert!(
        jumped.contains("⏱ now-"),
        "from 15 min before it fired:\n{jumped}"
    );

    // To the latency panel, fullscreen: exemplars (from Prometheus) are marked on it.
    tmux.keys(&["/"]);
    for c in ["L", "a", "t", "e", "n", "c", "y", "Space", "p", "5"] {
        tmux.keys(&[c]);
    }
    tmux.keys(&["Enter", "Enter"]);
    let full = tmux.wait_until("exemplar glyphs", |s| s.contains('◆'), 90);
    assert!(full.contains("Latency p50 / p95 / p99"), "{full}");
    assert!(!full.contains("Golden signals"), "fullscreen:\n{full}");

    // x: the slowest exemplar's trace, as a span waterfall with the slowest path marked.
    tmux.keys(&["x"]);
    let waterfall = tmux.wait_for("model.infer");
    assert!(waterfall.contains("span waterfall"), "{waterfall}");
    assert!(
        waterfall.contains("▶ marks the slowest path"),
        "{waterfall}"
    );
    let slow: Vec<&str> = waterfall.lines().filter(|l| l.contains('▶')).collect();
    assert!(
        slow.iter().any(|l| l.contains("model.infer"))
            && slow.iter().any(|l| l.contains("POST /v1/")),
        "root and model inference are on the slowest path:\n{waterfall}"
    );
    let trace_id = waterfall
        .lines()
        .find_map(|l| l.split("trace ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the waterfall names its trace")
        .to_string();
    assert_eq!(trace_id.len(), 32, "a trace id: {trace_id:?}\n{waterfall}");

    // g: that trace's log lines (Loki), the query and its Grafana Explore URL shown.
    tmux.keys(&["g"]);
    let logs = tmux.wait_for("newest first");
    // The query filters by the trace id (the screen may cut the end of it).
    assert!(logs.contains(&format!("|= \"{}", &trace_id[..8])), "{logs}");
    assert!(
        logs.contains("Explore http://localhost:3000/explore?schemaVersion=1"),
        "{logs}"
    );
    let line = logs
        .lines()
        .find(|l| l.contains(&format!("trace_id={trace_id}")))
        .unwrap_or_else(|| panic!("a log line of the trace:\n{logs}"));
    assert!(line.contains("request traced"), "{line}");
    // Enter: from the top log line back to the trace it names.
    tmux.keys(&["Enter"]);
    let again = tmux.wait_for("span waterfall");
    assert!(again.contains(&format!("trace {trace_id}")), "{again}");

    // Back on the dashboard: the panel's own logs, filtered in the pane.
    tmux.keys(&["Escape", "Escape"]);
    tmux.wait_for("Traffic by status code");
    tmux.keys(&["g"]);
    let logs = tmux.wait_for("newest first");
    assert!(
        logs.contains("LogQL {service=\"inference-gateway\", environment=\"production\""),
        "the selector comes from the panel's queries:\n{logs}"
    );
    tmux.keys(&["/", "s", "l", "o", "w", "Enter"]);
    let filtered = tmux.wait_for("filter: slow");
    let shown: Vec<&str> = filtered.lines().filter(|l| l.contains("level=")).collect();
    assert!(
        shown.iter().all(|l| l.contains("slow")),
        "only matching lines stay:\n{filtered}"
    );
    tmux.keys(&["Escape"]);

    // T: traces of the panel's service, newest window, then one as a waterfall.
    tmux.keys(&["T"]);
    let traces = tmux.wait_for("traces (slowest first)");
    assert!(traces.contains("service inference-gateway"), "{traces}");
    assert!(
        traces.contains("/search?end="),
        "the Jaeger UI URL:\n{traces}"
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("span waterfall");
    tmux.keys(&["Escape", "Escape"]);

    // L: the panel's links; with no browser here (an SSH session) Enter copies the link with
    // OSC 52, which tmux (set-clipboard on) keeps as a paste buffer.
    let status = Command::new("tmux")
        .args(["set-option", "-s", "set-clipboard", "on"])
        .status()
        .unwrap();
    assert!(status.success());
    tmux.keys(&["L"]);
    let links = tmux.wait_for(" links ");
    assert!(links.contains("traces of inference-gateway"), "{links}");
    tmux.keys(&["Enter"]);
    // The first link is the dashboard's own "Logs (Loki)" link into its Grafana's Explore.
    tmux.wait_for("no browser here; copied: http://localhost:3000/explore?");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = Command::new("tmux").args(["show-buffer"]).output().unwrap();
        let buffer = String::from_utf8_lossy(&out.stdout).into_owned();
        if buffer.starts_with("http://localhost:3000/explore?schemaVersion=1&panes=") {
            assert!(buffer.contains("inference-gateway"), "{buffer}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the link never reached the clipboard: {buffer:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    tmux.keys(&["Escape"]);

    tmux.keys(&["q"]);
    tmux.wait_for("TRIAGE-EXITED-0");
    drop(demo);
}

/// With no Loki at all, the log pane still gives the Explore URL and says what to configure.
#[test]
fn without_loki_the_explore_url_is_still_there() {
    // A port nothing listens on: connecting fails at once.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let command = format!(
        "env -u TMUX TRIAGE_NO_HYPERLINKS=1 TRIAGE_GRAFANA_URL=https://grafana.example.org {BIN} view {DASHBOARD} --prometheus {dead} --loki {dead}; sleep 30"
    );
    let tmux = Tmux::start("no-loki", &command);
    tmux.wait_for("Inference Gateway");
    tmux.keys(&["g"]);
    let logs = tmux.wait_until("a Loki error", |s| s.contains("Loki ("), 30);
    assert!(
        logs.contains("Explore https://grafana.example.org/explore?"),
        "{logs}"
    );
    assert!(
        logs.contains("the Explore URL above runs the same query"),
        "{logs}"
    );
}
