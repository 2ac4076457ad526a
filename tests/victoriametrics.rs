//! A Prometheus-compatible engine for real: VictoriaMetrics (from the distro) answers triage's
//! variables and range queries, and label values with regex specials (`.`, `+`, `|`, `\`, `(`,
//! `'`, space) are selected exactly as Grafana's Prometheus escaping selects them.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_triage");
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/live/escaping.json"
);
/// Label values that are regex or string specials.
const VALUES: &[&str] = &[
    "a.b",
    "a+b",
    "a|b",
    "a\\b",
    "a(b",
    "it's",
    "with space",
    "axb",
];

struct Victoria {
    child: Child,
    url: String,
    dir: std::path::PathBuf,
}

impl Drop for Victoria {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start() -> Victoria {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("triage-vm-{}-{port}", std::process::id()));
    let child = Command::new("victoria-metrics")
        .args([
            &format!("-httpListenAddr=127.0.0.1:{port}"),
            &format!("-storageDataPath={}", dir.display()),
            // VictoriaMetrics hides samples newer than 30 s by default.
            "-search.latencyOffset=1s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("victoria-metrics is installed (scripts/install-deps)");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !http("GET", &format!("{url}/health"), None).is_some_and(|b| b.contains("OK")) {
        assert!(Instant::now() < deadline, "VictoriaMetrics did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Victoria { child, url, dir }
}

/// A tiny HTTP/1.1 client (the test needs only a GET and a POST).
fn http(method: &str, url: &str, body: Option<&str>) -> Option<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    let body = body.unwrap_or("");
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn render(url: &str, vars: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["render", FIXTURE, "--prometheus", url, "--format", "json"];
    for var in vars {
        args.push("--var");
        args.push(var);
    }
    let out = Command::new(BIN).args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .cloned()
        .unwrap()
}

/// The series names (legend `{{v}}`) a panel shows.
fn shown(panel: &serde_json::Value, url: &str) -> Vec<String> {
    // render's JSON gives counts; the names come from the same query asked directly.
    let expr = panel["queries"][0]["expr"].as_str().unwrap();
    let body = format!("query={}", percent(expr));
    let answer = http("POST", &format!("{url}/api/v1/query"), Some(&body)).unwrap();
    let json = &answer[answer.find("\r\n\r\n").map_or(0, |i| i + 4)..];
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let mut names: Vec<String> = value["data"]["result"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["metric"]["v"].as_str().unwrap_or_default().to_string())
        .collect();
    names.sort();
    names
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn victoriametrics_selects_special_label_values_exactly() {
    let vm = start();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut lines = String::new();
    for value in VALUES {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        for step in 0..20 {
            let t = now_ms - 300_000 + step * 15_000;
            lines.push_str(&format!("triage_escape_test{{v=\"{escaped}\"}} 1 {t}\n"));
        }
    }
    http(
        "POST",
        &format!("{}/api/v1/import/prometheus", vm.url),
        Some(&lines),
    )
    .expect("import");
    // Imported data is searchable after VictoriaMetrics flushes (about a second).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let panels = render(&vm.url, &["v=All"]);
        if panels[0]["series"].as_u64() == Some(VALUES.len() as u64) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "imported series never showed: {}",
            panels[0]
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    // Multi-value: exactly the chosen values, however special their characters.
    for chosen in [
        &["a.b", "a|b"][..],
        &["a\\b", "a(b"],
        &["a+b", "it's", "with space"],
    ] {
        let vars: Vec<String> = chosen.iter().map(|v| format!("v={v}")).collect();
        let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
        let panels = render(&vm.url, &vars);
        assert_eq!(panels[0]["state"], "ok", "{}", panels[0]);
        let mut want: Vec<String> = chosen.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(
            shown(&panels[0], &vm.url),
            want,
            "regex escaping of {chosen:?}: {}",
            panels[0]["queries"][0]["expr"]
        );
    }

    // `a.b` must not match `axb` (an unescaped dot would).
    let panels = render(&vm.url, &["v=a.b"]);
    assert_eq!(shown(&panels[0], &vm.url), vec!["a.b".to_string()]);

    // Single-value variable in an equality matcher: backslashes escaped, no regex escaping.
    for value in ["a\\b", "a.b", "with space"] {
        let var = format!("w={value}");
        let panels = render(&vm.url, &[var.as_str()]);
        assert_eq!(
            shown(&panels[1], &vm.url),
            vec![value.to_string()],
            "{}",
            panels[1]["queries"][0]["expr"]
        );
    }
    // Grafana's prometheusRegularEscape turns `'` into `\\'`, which a double-quoted PromQL
    // string reads as `\'`: Grafana shows nothing for `it's` here, and so must we.
    let panels = render(&vm.url, &["w=it's"]);
    let expr = panels[1]["queries"][0]["expr"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(expr.contains(r#"v="it\\'s""#), "{expr}");
    assert!(
        shown(&panels[1], &vm.url).is_empty(),
        "as in Grafana: {expr}"
    );

    // All: every value, through the label_values variable resolved from VictoriaMetrics.
    let panels = render(&vm.url, &["v=All"]);
    assert_eq!(shown(&panels[0], &vm.url).len(), VALUES.len());
}

/// Label values carrying terminal control sequences — an OSC 52 clipboard write, a window title
/// change, a cursor move, a C1 CSI — are drawn inertly: nothing but triage's own colour codes
/// reaches the terminal, in every output format.
#[test]
fn hostile_label_values_cannot_reach_the_terminal() {
    let vm = start();
    let hostile = [
        "pod\u{1b}]52;c;cm0gLXJmIH4=\u{7}",
        "pod\u{1b}]0;pwned\u{7}",
        "pod\u{1b}[2J\u{1b}[H",
        "pod\u{9b}31m",
    ];
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut lines = String::new();
    for value in hostile {
        for step in 0..10 {
            lines.push_str(&format!(
                "triage_hostile{{pod=\"{value}\"}} 1 {}\n",
                now_ms - 150_000 + step * 15_000
            ));
        }
    }
    http(
        "POST",
        &format!("{}/api/v1/import/prometheus", vm.url),
        Some(&lines),
    )
    .expect("import");
    let hostile_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/live/hostile.json"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    for format in ["text", "ansi", "json", "svg", "html"] {
        let output = loop {
            let out = Command::new(BIN)
                .args([
                    "render",
                    hostile_path,
                    "--prometheus",
                    &vm.url,
                    "--format",
                    format,
                    "--width",
                    "120",
                    "--height",
                    "20",
                ])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if text.contains("pod") || Instant::now() > deadline {
                break text;
            }
            std::thread::sleep(Duration::from_millis(500));
        };
        assert!(
            output.contains("pod"),
            "{format}: the hostile series are shown:\n{output}"
        );
        for bad in ['\u{7}', '\u{9b}'] {
            assert!(
                !output.contains(bad),
                "{format}: control character {bad:?} leaked"
            );
        }
        // The only escapes allowed are triage's own SGR colour codes: ESC [ digits/; m.
        let mut rest = output.as_str();
        while let Some(at) = rest.find('\u{1b}') {
            let after = &rest[at + 1..];
            let sgr = after.strip_prefix('[').map(|a| {
                a.find('m')
                    .is_some_and(|m| a[..m].chars().all(|c| c.is_ascii_digit() || c == ';'))
            });
            assert_eq!(
                sgr,
                Some(true),
                "{format}: a foreign escape sequence leaked: {:?}",
                &after[..after.len().min(12)]
            );
            rest = after;
        }
    }
}

/// VictoriaMetrics answers `query_exemplars` with an empty list (it stores none): triage's
/// client takes that as "no exemplars", not as an error, so `x` can say why there are none.
#[test]
fn exemplars_from_victoriametrics_are_none_not_an_error() {
    if Command::new("victoria-metrics")
        .arg("-version")
        .output()
        .is_err()
    {
        println!("SKIPPED: victoria-metrics is not installed (run scripts/install-deps)");
        return;
    }
    let vm = start();
    let client =
        triage::net::PromClient::new(triage::net::PromConfig::new(&vm.url)).expect("client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let answer = runtime.block_on(client.exemplars(
        "http_request_duration_seconds_bucket",
        now - 3600.0,
        now,
    ));
    assert_eq!(answer.map(|e| e.len()), Ok(0));
}
