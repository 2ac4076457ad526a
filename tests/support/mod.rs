//! What the integration tests share: the demo stack started the way a user starts it
//! (`triage demo --no-tui`), and a tmux session that drives the real binary as a person would.
// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub mod counting_proxy;
pub mod prometheus;

pub const BIN: &str = env!("CARGO_BIN_EXE_triage");
pub const DASHBOARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/layouts/service/inference-gateway.json"
);

/// The triage binary as a user without configuration runs it: no `TRIAGE_*_URL` from the
/// environment and no config file (`XDG_CONFIG_HOME` points at a folder that has none), so
/// only the test's own flags decide where it connects.
pub fn triage_without_config() -> Command {
    let mut command = Command::new(BIN);
    command
        .env_remove("TRIAGE_PROMETHEUS_URL")
        .env_remove("TRIAGE_LOKI_URL")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("triage-no-config"),
        );
    command
}

/// A running `triage demo --no-tui`; stopped (with its children) when dropped.
pub struct Demo {
    pub child: Child,
    pub prometheus: String,
    /// Every `name: URL` the demo printed (alertmanager, node_exporter, loki, jaeger, ...).
    pub urls: BTreeMap<String, String>,
}

impl Demo {
    pub fn url(&self, name: &str) -> &str {
        self.urls
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("the demo printed no {name} URL: {:?}", self.urls))
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the demo and wait until it has printed its URLs (it prints them together, once its
/// Prometheus has scraped the gateway).
pub fn start_demo() -> Demo {
    let mut child = Command::new(BIN)
        .args(["demo", "--no-tui"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start triage demo --no-tui");
    let stdout = child.stdout.take().expect("demo stdout");
    // Kept to say why, should the demo stop before printing its URLs.
    let stderr_lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    if let Some(stderr) = child.stderr.take() {
        let lines = stderr_lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut l) = lines.lock() {
                    l.push(line);
                }
            }
        });
    }
    let (tx, rx) = mpsc::channel();
    // Keeps draining stdout so the demo never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut urls = BTreeMap::new();
    let mut deadline = Instant::now() + Duration::from_secs(180);
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        if let Some((name, rest)) = line.split_once(": ") {
            let url = rest.split_whitespace().next().unwrap_or_default();
            if name == "prometheus" {
                // The rest follow at once.
                deadline = Instant::now() + Duration::from_secs(1);
            }
            urls.insert(name.to_string(), url.to_string());
        }
    }
    let Some(prometheus) = urls.get("prometheus").cloned() else {
        let status = child.try_wait().ok().flatten();
        std::thread::sleep(Duration::from_millis(200));
        let stderr = stderr_lines
            .lock()
            .map(|l| l.join("\n"))
            .unwrap_or_default();
        panic!("the demo printed no Prometheus URL (exit: {status:?}); its stderr:\n{stderr}");
    };
    Demo {
        child,
        prometheus,
        urls,
    }
}

/// A tmux session (160×50) running a command: keys in, screen text out; killed when dropped.
pub struct Tmux {
    pub name: String,
}

impl Tmux {
    /// `tag` keeps sessions of different tests apart.
    pub fn start(tag: &str, command: &str) -> Tmux {
        let name = format!("triage-{tag}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", "160", "-y", "50"])
            .arg(command)
            .status()
            .expect("tmux is installed (scripts/install-deps)");
        assert!(status.success(), "tmux session starts");
        Tmux { name }
    }

    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            let status = Command::new("tmux")
                .args(["send-keys", "-t", &self.name, key])
                .status()
                .expect("tmux send-keys");
            assert!(status.success());
            // One key at a time, as typed: an Escape followed at once by a letter reads as Alt.
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Wait until the screen satisfies `ok`; fails showing the screen.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool, seconds: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "screen never showed {what}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text), 30)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

/// Each series' values (NaN where Prometheus says so) when the range query triage sent (as
/// `render --format json` lists it: expr, start, end, stepMs) is asked of Prometheus with curl.
pub fn values_as_prometheus_answers(prometheus: &str, query: &serde_json::Value) -> Vec<Vec<f64>> {
    let secs = |key: &str| (query[key].as_i64().unwrap() as f64 / 1000.0).to_string();
    let out = Command::new("curl")
        .args(["-sfG", &format!("{prometheus}/api/v1/query_range")])
        .args([
            "--data-urlencode",
            &format!("query={}", query["expr"].as_str().unwrap()),
        ])
        .args(["--data-urlencode", &format!("start={}", secs("start"))])
        .args(["--data-urlencode", &format!("end={}", secs("end"))])
        .args(["--data-urlencode", &format!("step={}", secs("stepMs"))])
        .output()
        .expect("curl is installed");
    assert!(out.status.success(), "query_range of {query}");
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    answer["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|series| {
            series["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    p[1].as_str()
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(f64::NAN)
                })
                .collect()
        })
        .collect()
}
