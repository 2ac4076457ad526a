//! `triage report` on the demo: the executive dashboard over seven days as one self-contained
//! HTML file (every panel's chart inline, its values, no external resources), markdown with a
//! PNG per panel, a Slack-style webhook received by a local TCP listener, and a non-zero exit
//! when panels fail.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;

const EXECUTIVE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/layouts/executive/slo-overview.json"
);

/// Accepts one HTTP request, answers `200 ok`, and returns its request line and body.
fn receive_one(listener: TcpListener) -> std::thread::JoinHandle<(String, String)> {
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("a webhook request");
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let mut stream = reader.into_inner();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .unwrap();
        (request_line, String::from_utf8(body).unwrap())
    })
}

fn panel_titles() -> Vec<String> {
    let text = std::fs::read_to_string(EXECUTIVE).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["panels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["type"] != "row")
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_executive_report_on_the_demo() {
    let demo = support::start_demo();
    let dir = std::env::temp_dir().join(format!("triage-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let hook = format!(
        "http://{}/services/T000/B000/secret",
        listener.local_addr().unwrap()
    );
    let received = receive_one(listener);
    let out = Command::new(support::BIN)
        .args(["report", EXECUTIVE, "--prometheus", &demo.prometheus])
        .args(["--from", "now-7d", "--out"])
        .arg(&dir)
        .args(["--send-webhook", &hook])
        .output()
        .expect("run triage report");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("secret"),
        "the webhook URL is never printed"
    );
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let path = &files[0];
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "slo-overview-now-7d-now.html"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        path.to_string_lossy()
    );
    let html = std::fs::read_to_string(path).unwrap();
    assert!(html.contains("<style>"));
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "no external resource: {external}");
    }
    let titles = panel_titles();
    assert_eq!(html.matches("<section>").count(), titles.len());
    assert_eq!(
        html.matches("<svg ").count(),
        titles.len(),
        "a chart per panel"
    );
    for title in &titles {
        assert!(html.contains(&format!("<h2>{title}</h2>")), "{title}");
    }
    assert!(html.contains("Range: now-7d to now"));
    assert!(html.contains("Generated at "));
    assert!(
        html.contains("<polyline") || html.contains("<path"),
        "time series drawn"
    );
    // Stat values are listed as text: Availability is a percentage.
    assert!(html.contains("%</td>"), "values in the table");
    assert!(!html.contains("class=\"error\""), "no panel failed");
    let (request_line, body) = received.join().unwrap();
    assert!(
        request_line.starts_with("POST /services/T000/B000/secret "),
        "{request_line}"
    );
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let text = json["text"].as_str().unwrap();
    assert!(text.contains("slo-overview-now-7d-now.html"), "{text}");
    assert!(
        text.contains(&format!("{} panels, 0 failed", titles.len())),
        "{text}"
    );

    // Markdown: the PNGs beside it.
    let md_dir = dir.join("md");
    let out = Command::new(support::BIN)
        .args(["report", EXECUTIVE, "--prometheus", &demo.prometheus])
        .args(["--format", "md", "--out"])
        .arg(&md_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = std::fs::read_to_string(md_dir.join("slo-overview-now-7d-now.md")).unwrap();
    let png = std::fs::read(md_dir.join("slo-overview-now-7d-now-panel-1.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        md.contains("](slo-overview-now-7d-now-panel-1.png)"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_exits_non_zero_when_panels_fail() {
    // Nothing listens on port 9 of the loopback: every query fails.
    let dir = std::env::temp_dir().join(format!("triage-report-fail-{}", std::process::id()));
    let out = Command::new(support::BIN)
        .args(["report", EXECUTIVE, "--prometheus", "http://127.0.0.1:9"])
        .args(["--timeout", "5", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.join("slo-overview-now-7d-now.html")).unwrap();
    assert!(
        html.contains("class=\"error\""),
        "failures are in the report"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
