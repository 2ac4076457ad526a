//! Faults between triage and a real Prometheus: a small proxy in the test answers some queries
//! with a 500, a truncated body, a reset connection or a long delay. The panels hit show their
//! own error; every other panel still gets its data; all recover when the proxy heals.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use triage::demo::{Stack, StackOptions};

const BIN: &str = env!("CARGO_BIN_EXE_triage");
const DASHBOARD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/layouts/service/inference-gateway.json"
);

#[derive(Clone, Debug, PartialEq)]
enum Fault {
    None,
    /// Requests whose body contains the marker get this treatment.
    ServerError(&'static str),
    Truncate(&'static str),
    Reset(&'static str),
    Delay(&'static str, Duration),
}

impl Fault {
    fn hits(&self, request: &str) -> bool {
        match self {
            Fault::None => false,
            // Form bodies keep `_` and letters as they are, so metric names match directly.
            Fault::ServerError(m) | Fault::Truncate(m) | Fault::Reset(m) | Fault::Delay(m, _) => {
                request.contains(m)
            }
        }
    }
}

/// Read one HTTP/1.1 request (headers + Content-Length body).
async fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Forward one request to Prometheus, asking it to close the connection after answering.
async fn forward(upstream: &str, request: &[u8]) -> Vec<u8> {
    let mut request = String::from_utf8_lossy(request).into_owned();
    request = request.replacen("\r\n", "\r\nConnection: close\r\n", 1);
    let mut up = TcpStream::connect(upstream).await.expect("upstream");
    up.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    up.read_to_end(&mut response).await.unwrap();
    response
}

async fn serve(listener: TcpListener, upstream: String, fault: Arc<Mutex<Fault>>) {
    loop {
        let Ok((mut client, _)) = listener.accept().await else {
            return;
        };
        let upstream = upstream.clone();
        let fault = fault.clone();
        tokio::spawn(async move {
            // One request per connection: each answer closes it, so triage reconnects.
            let Some(request) = read_request(&mut client).await else {
                return;
            };
            let text = String::from_utf8_lossy(&request).into_owned();
            let fault = fault.lock().unwrap().clone();
            let hit = fault.hits(&text);
            match fault {
                Fault::ServerError(_) if hit => {
                    let body =
                        r#"{"status":"error","errorType":"internal","error":"injected failure"}"#;
                    let response = format!(
                        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = client.write_all(response.as_bytes()).await;
                }
                Fault::Truncate(_) if hit => {
                    let response = forward(&upstream, &request).await;
                    let cut = response.len() * 2 / 3;
                    let _ = client.write_all(&response[..cut]).await;
                }
                Fault::Reset(_) if hit => {
                    // Drop with unread data pending → the peer sees a reset or EOF.
                    drop(client);
                    return;
                }
                Fault::Delay(_, delay) if hit => {
                    tokio::time::sleep(delay).await;
                    let response = forward(&upstream, &request).await;
                    let _ = client.write_all(&response).await;
                }
                _ => {
                    let response = forward(&upstream, &request).await;
                    let _ = client.write_all(&response).await;
                }
            }
            let _ = client.shutdown().await;
        });
    }
}

fn render(proxy: &str) -> Vec<serde_json::Value> {
    let out = Command::new(BIN)
        .args([
            "render",
            DASHBOARD,
            "--prometheus",
            proxy,
            "--format",
            "json",
            "--timeout",
            "2",
        ])
        .output()
        .expect("triage render");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Panels whose first query mentions the metric, and the states of all others.
fn split<'a>(
    panels: &'a [serde_json::Value],
    metric: &str,
) -> (Vec<&'a serde_json::Value>, Vec<&'a serde_json::Value>) {
    panels.iter().partition(|p| {
        p["queries"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|q| q["expr"].as_str().unwrap_or("").contains(metric))
    })
}

/// Screen text of a tmux session.
fn screen(session: &str) -> String {
    let out = Command::new("tmux")
        .args(["capture-pane", "-p", "-t", session])
        .output()
        .expect("tmux capture-pane");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Wait until the screen satisfies `ok`; the screen on failure.
fn wait_screen(session: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    loop {
        let text = screen(session);
        if ok(&text) {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "screen never showed {what}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The interactive UI through a failing Prometheus: the hit panel keeps its last good data
/// with the error, the status line counts the failed panels, and everything clears by itself
/// once the proxy heals (no key pressed).
fn the_tui_keeps_last_good_data_and_recovers(proxy: &str, fault: &Arc<Mutex<Fault>>) {
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("SKIPPED: tmux is not installed");
        return;
    }
    let session = format!("triage-faults-{}", std::process::id());
    let status = Command::new("tmux")
        .args(["new-session", "-d", "-s", &session, "-x", "160", "-y", "50"])
        .args([
            BIN,
            "view",
            DASHBOARD,
            "--prometheus",
            proxy,
            "--refresh",
            "2s",
        ])
        .status()
        .expect("tmux");
    assert!(status.success());
    let kill = || {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &session])
            .status();
    };
    wait_screen(&session, "data", |s| {
        s.contains("Queue depth") && s.contains("req/s")
    });
    *fault.lock().unwrap() = Fault::ServerError("inference_queue_depth");
    let failing = wait_screen(
        &session,
        "the failure and the count of failed panels",
        |s| s.contains("injected failure") && s.contains("panels failed"),
    );
    // The failed panel still draws its last good data (its axis keeps its labels).
    let queue_panel: Vec<&str> = failing
        .lines()
        .filter(|l| l.contains("Queue depth"))
        .collect();
    assert!(!queue_panel.is_empty(), "{failing}");
    *fault.lock().unwrap() = Fault::None;
    let healed = wait_screen(&session, "recovery", |s| {
        !s.contains("injected failure") && !s.contains("panels failed")
    });
    assert!(healed.contains("Queue depth"), "{healed}");
    kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_hit_only_their_panels_and_everything_recovers() {
    let options = StackOptions {
        alertmanager: false,
        ..StackOptions::default()
    };
    let stack = Stack::start(options, &|_| {})
        .await
        .expect("demo stack starts");
    let upstream = stack
        .prometheus_url
        .trim_start_matches("http://")
        .to_string();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let fault = Arc::new(Mutex::new(Fault::None));
    tokio::spawn(serve(listener, upstream, fault.clone()));

    let baseline = tokio::task::spawn_blocking({
        let proxy = proxy.clone();
        move || render(&proxy)
    })
    .await
    .unwrap();
    let healthy = baseline.iter().filter(|p| p["state"] == "ok").count();
    assert!(
        healthy >= 15,
        "through the healthy proxy: {healthy} panels ok"
    );

    let cases = [
        (
            Fault::ServerError("inference_queue_depth"),
            "inference_queue_depth",
            "injected failure",
        ),
        (
            Fault::Truncate("process_cpu_seconds_total"),
            "process_cpu_seconds_total",
            "cut short",
        ),
        (
            Fault::Reset("inference_gpu_utilization_ratio"),
            "inference_gpu_utilization_ratio",
            "cannot reach Prometheus",
        ),
        (
            Fault::Delay("inference_batch_size", Duration::from_secs(5)),
            "inference_batch_size",
            "timed out",
        ),
    ];
    for (injected, metric, message) in cases {
        *fault.lock().unwrap() = injected.clone();
        let panels = tokio::task::spawn_blocking({
            let proxy = proxy.clone();
            move || render(&proxy)
        })
        .await
        .unwrap();
        let (hit, others) = split(&panels, metric);
        assert!(!hit.is_empty(), "{injected:?}: some panel queries {metric}");
        for panel in &hit {
            let error = panel["error"].as_str().unwrap_or_default();
            assert!(
                error.contains(message),
                "{injected:?}: error names the cause: {panel}"
            );
            // A panel whose every query failed is an error; one with other queries keeps
            // their data and reports the failed one (as Grafana does).
            let queries = panel["queries"].as_array().cloned().unwrap_or_default();
            let all_hit = queries
                .iter()
                .all(|q| q["expr"].as_str().unwrap_or("").contains(metric));
            assert_eq!(
                panel["state"],
                if all_hit { "error" } else { "ok" },
                "{injected:?}: {panel}"
            );
        }
        let ok = others.iter().filter(|p| p["state"] == "ok").count();
        let was_ok = split(&baseline, metric)
            .1
            .iter()
            .filter(|p| p["state"] == "ok")
            .count();
        assert_eq!(
            ok, was_ok,
            "{injected:?}: every other panel still has its data"
        );
    }

    *fault.lock().unwrap() = Fault::None;
    tokio::task::spawn_blocking({
        let (proxy, fault) = (proxy.clone(), fault.clone());
        move || the_tui_keeps_last_good_data_and_recovers(&proxy, &fault)
    })
    .await
    .unwrap();
    let healed = tokio::task::spawn_blocking(move || render(&proxy))
        .await
        .unwrap();
    assert_eq!(
        healed.iter().filter(|p| p["state"] == "ok").count(),
        healthy,
        "all panels recover"
    );
    stack.shutdown().await;
}
