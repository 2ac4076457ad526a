//! The command line without a running Prometheus: inspect, bad input, a Prometheus that is down.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_triage");
const DASHBOARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/layouts/service/inference-gateway.json"
);

#[test]
fn inspect_json_lists_every_panel_with_its_queries() {
    let out = Command::new(BIN)
        .args(["inspect", DASHBOARD, "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(model["uid"], "inference-gateway");
    let panels = model["panels"].as_array().unwrap();
    assert!(panels.len() >= 15);
    for panel in panels {
        assert!(panel["gridPos"]["w"].as_u64().unwrap_or(0) > 0, "{panel}");
        assert_ne!(panel["type"], "row", "rows are not listed as panels");
    }
    let exprs = panels
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .count();
    assert!(exprs >= 15, "targets listed: {exprs}");
}

#[test]
fn a_down_prometheus_is_reported_per_panel_and_the_frame_still_draws() {
    let out = Command::new(BIN)
        .args([
            "render",
            DASHBOARD,
            "--prometheus",
            "http://user:planted-secret@127.0.0.1:9",
            "--format",
            "text",
            "--timeout",
            "5",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "render exits 0 when it drew: {stderr}"
    );
    assert!(stdout.contains("Inference Gateway"), "{stdout}");
    assert!(stderr.contains("cannot reach Prometheus"), "{stderr}");
    assert!(
        stderr.contains("panel \""),
        "errors name their panel: {stderr}"
    );
    assert!(
        !stdout.contains("planted-secret") && !stderr.contains("planted-secret"),
        "credentials never printed"
    );
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("triage-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.json");
    std::fs::write(&path, "{\n  \"title\": \"x\",\n  \"panels\": [ }\n").unwrap();
    let out = Command::new(BIN)
        .args(["inspect", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.json:3:"),
        "line and column: {stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// From cron, a pipe or `ssh host triage view` without `-t`: no terminal, a clear message and
/// exit 2, no panic (ratatui's init fails there).
#[test]
fn view_without_a_terminal_says_so_and_exits_2() {
    let out = Command::new(BIN)
        .args(["view", DASHBOARD, "--prometheus", "http://127.0.0.1:9"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(stderr.contains("triage render"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A URL that answers but is not a Prometheus API (node_exporter's port, a web page) is named as
/// such, not "expected value at line 1 column 1".
#[test]
fn a_url_that_is_not_prometheus_is_named_as_such() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let body = "# HELP node_load1 1m load average.\nnode_load1 0.5\n";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = Command::new(BIN)
        .args([
            "render",
            DASHBOARD,
            "--format",
            "json",
            "--prometheus",
            &url,
        ])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("answered with text/plain; version=0.0.4; is this the Prometheus URL?"),
        "{all}"
    );
    assert!(!all.contains("expected value at line 1"), "{all}");
}

#[test]
fn unknown_command_line_values_are_clear_errors() {
    let out = Command::new(BIN)
        .args(["render", DASHBOARD, "--from", "yesterday-ish"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("time range"));
    let out = Command::new(BIN)
        .args(["render", DASHBOARD, "--theme", "nope"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown theme"));
}

#[test]
fn a_planted_token_never_appears_in_any_output() {
    let secret = "planted-token-7f3c9";
    let outputs: Vec<std::process::Output> = vec![
        Command::new(BIN)
            .args([
                "render",
                DASHBOARD,
                "--prometheus",
                "http://127.0.0.1:9",
                "--format",
                "json",
                "--timeout",
                "3",
            ])
            .env("TRIAGE_PROMETHEUS_TOKEN", secret)
            .output()
            .unwrap(),
        Command::new(BIN)
            .args([
                "render",
                DASHBOARD,
                "--prometheus",
                "http://127.0.0.1:9",
                "--timeout",
                "3",
            ])
            .env("TRIAGE_PROMETHEUS_PASSWORD", secret)
            .env("TRIAGE_PROMETHEUS_USER", "bob")
            .output()
            .unwrap(),
        Command::new(BIN)
            .args(["inspect", DASHBOARD, "--format", "json"])
            .env("TRIAGE_PROMETHEUS_TOKEN", secret)
            .output()
            .unwrap(),
    ];
    for out in outputs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.is_empty());
        assert!(!text.contains(secret), "secret leaked: {text}");
    }
}
