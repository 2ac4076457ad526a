//! End to end: the Explore box as an on-call engineer uses it, in a pseudo-terminal against
//! the demo stack (real Prometheus and node_exporter): completion of metric names, label names
//! and values from the datasource, the parse error and its column before Enter, the metric's
//! HELP text, and the history kept across restarts in `$XDG_STATE_HOME`; the results with a
//! legend format and unit, added to the dashboard as a panel and saved to a file that loads;
//! LogQL against the demo's Loki stand-in (its label API completes, a malformed query shows
//! its column).

mod support;
use support::{BIN, DASHBOARD, Tmux, start_demo};

fn view_command(prometheus: &str, state_home: &std::path::Path) -> String {
    format!(
        "env XDG_STATE_HOME={} TRIAGE_NO_HYPERLINKS=1 {BIN} view {DASHBOARD} \
         --prometheus {prometheus}; echo TRIAGE-EXITED-$?; sleep 60",
        state_home.display()
    )
}

/// Wait until Prometheus has scraped a metric (node_exporter's first scrape may come after
/// the demo prints its URLs), so completion has it to offer.
fn wait_for_series(prometheus: &str, metric: &str) {
    use std::io::{Read, Write};
    let host = prometheus
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let mut body = String::new();
        if let Ok(mut stream) = std::net::TcpStream::connect(host) {
            let request = format!(
                "GET /api/v1/label/__name__/values HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(request.as_bytes());
            let _ = stream.read_to_string(&mut body);
        }
        if body.contains(&format!("\"{metric}\"")) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "Prometheus never had {metric}: {body}"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// The explore box's query line ends with the cursor.
fn query_shown(screen: &str, query: &str) -> bool {
    screen.contains(&format!("{query}▏"))
}

#[test]
fn explore_completes_checks_explains_and_remembers() {
    let demo = start_demo();
    assert!(
        demo.urls.contains_key("node_exporter"),
        "the demo runs node_exporter (prometheus-node-exporter installed): {:?}",
        demo.urls
    );
    wait_for_series(&demo.prometheus, "node_cpu_seconds_total");
    let state_home = std::env::temp_dir().join(format!("triage-explore-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state_home);
    std::fs::create_dir_all(&state_home).unwrap();

    let tmux = Tmux::start("explore", &view_command(&demo.prometheus, &state_home));
    tmux.wait_for("req/s");
    tmux.keys(&["e"]);
    tmux.wait_for("explore: PromQL");

    // A metric name, fuzzy, from /api/v1/label/__name__/values.
    tmux.keys(&["node_cpu_sec"]);
    tmux.wait_until(
        "the metric offered",
        |s| s.contains(" node_cpu_seconds_total ") && s.contains("metric"),
        30,
    );
    tmux.keys(&["Tab"]);
    tmux.wait_until(
        "the metric completed",
        |s| query_shown(s, "node_cpu_seconds_total"),
        10,
    );

    // A label name of that metric, then one of its values.
    tmux.keys(&["{mo"]);
    tmux.wait_until(
        "mode offered",
        |s| s.contains(" mode ") && s.contains("label"),
        30,
    );
    tmux.keys(&["Tab"]);
    tmux.wait_until(
        "the label completed",
        |s| query_shown(s, "node_cpu_seconds_total{mode"),
        10,
    );
    tmux.keys(&["=\"id"]);
    tmux.wait_until("idle offered", |s| s.contains(" idle "), 30);
    tmux.keys(&["Tab"]);
    let screen = tmux.wait_until(
        "the value completed with its quote",
        |s| query_shown(s, "node_cpu_seconds_total{mode=\"idle\""),
        10,
    );
    // Not closed yet: the parse check says so before anything is sent.
    assert!(screen.contains("column"), "{screen}");

    // The metric's HELP text (/api/v1/metadata), and the hint for a counter used bare.
    tmux.keys(&["}"]);
    let screen = tmux.wait_until(
        "the HELP text and the counter hint",
        |s| s.contains("Seconds the CPUs spent in each mode") && s.contains("is a counter"),
        30,
    );
    assert!(screen.contains("✓ parses"), "{screen}");
    assert!(screen.contains("(counter)"), "{screen}");

    // Run it, then quit: the query is in the datasource's history file.
    tmux.keys(&["Enter"]);
    tmux.wait_until("the explore page", |s| !s.contains("explore: PromQL"), 10);
    // `y` copies the query as a Grafana Explore URL (the status line shows it).
    tmux.keys(&["y"]);
    tmux.wait_for("/explore?schemaVersion=1&panes=");
    tmux.keys(&["q"]);
    tmux.wait_for("TRIAGE-EXITED-0");
    drop(tmux);
    let history_dir = state_home.join("triage/history");
    let files: Vec<_> = std::fs::read_dir(&history_dir)
        .expect("the history directory exists")
        .flatten()
        .collect();
    assert_eq!(files.len(), 1, "one file for the one datasource");
    let saved = std::fs::read_to_string(files[0].path()).unwrap();
    assert_eq!(saved.trim(), r#""node_cpu_seconds_total{mode=\"idle\"}""#);

    // Start again: ↑ recalls the query; a mistyped one shows its error and column at once.
    let tmux = Tmux::start(
        "explore-again",
        &view_command(&demo.prometheus, &state_home),
    );
    tmux.wait_for("req/s");
    tmux.keys(&["e"]);
    tmux.wait_for("explore: PromQL");
    tmux.keys(&["Up"]);
    tmux.wait_until(
        "the query recalled",
        |s| query_shown(s, "node_cpu_seconds_total{mode=\"idle\"}"),
        10,
    );
    tmux.keys(&["C-u", "rate(x[5m]"]);
    let screen = tmux.wait_until(
        "the parse error with its column",
        |s| query_shown(s, "rate(x[5m]") && s.contains("column 5: unclosed left parenthesis"),
        10,
    );
    // The caret stands under the parenthesis: the query line and the caret line line up.
    let lines: Vec<&str> = screen.lines().collect();
    let query_row = lines
        .iter()
        .position(|l| l.contains("rate(x[5m]▏"))
        .unwrap_or_else(|| panic!("the query line:\n{screen}"));
    let column_of = |line: &str, byte: usize| line[..byte].chars().count();
    let query_line = lines[query_row];
    let paren = column_of(query_line, query_line.find("rate(").unwrap() + "rate".len());
    let caret_line = lines[query_row + 1];
    assert_eq!(
        caret_line.find('^').map(|at| column_of(caret_line, at)),
        Some(paren),
        "caret under the parenthesis:\n{screen}"
    );
    // Ctrl-T: the query runs at one instant and shows as a table.
    tmux.keys(&["C-u", "count by (mode) (node_cpu_seconds_total)", "C-t"]);
    tmux.wait_for("instant → table");
    tmux.keys(&["Enter"]);
    tmux.wait_until(
        "the instant table: a row per mode, one Value column",
        |s| {
            !s.contains("explore: PromQL")
                && s.lines().any(|l| l.contains("mode") && l.contains("Value"))
                // The count of CPUs in idle mode: a whole number, one per CPU of this machine.
                && s.lines().any(|l| {
                    let cells: Vec<&str> = l.trim_matches('┃').split_whitespace().collect();
                    cells.len() == 4
                        && cells[2] == "idle"
                        && cells[3].parse::<u32>().is_ok_and(|n| n >= 1)
                })
        },
        30,
    );
    tmux.keys(&["q"]);
    tmux.wait_for("TRIAGE-EXITED-0");
    let _ = std::fs::remove_dir_all(&state_home);
}

#[test]
fn explore_results_become_a_saved_panel_and_the_box_speaks_logql() {
    let demo = start_demo();
    wait_for_series(&demo.prometheus, "node_cpu_seconds_total");
    let loki = demo
        .urls
        .get("loki")
        .expect("the demo prints its Loki")
        .clone();
    let dir = std::env::temp_dir().join(format!("triage-explore-save-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A copy: saving writes beside the dashboard, and the repository's stays untouched.
    let dashboard = dir.join("gateway.json");
    std::fs::copy(DASHBOARD, &dashboard).unwrap();
    let command = format!(
        "env XDG_STATE_HOME={} TRIAGE_NO_HYPERLINKS=1 {BIN} view {} --prometheus {} --loki {loki}; \
         echo TRIAGE-EXITED-$?; sleep 60",
        dir.display(),
        dashboard.display(),
        demo.prometheus
    );
    let tmux = Tmux::start("explore-save", &command);
    tmux.wait_for("req/s");

    // A query with a legend format and a unit (Ctrl-O moves to the fields).
    // The gateway's requests: the demo backfilled hours of them, so the range has data.
    let expr = "sum by (endpoint) (rate(http_requests_total[5m]))";
    tmux.keys(&["e"]);
    tmux.wait_for("explore: PromQL");
    tmux.keys(&[expr, "C-o", "{{endpoint}}", "Tab", "percentunit"]);
    tmux.wait_until("the unit typed", |s| s.contains("unit: percentunit▏"), 10);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_until(
        "the results with the legend and unit applied",
        |s| {
            s.contains("legend {{endpoint}} · unit percentunit")
                && s.contains("a add to dashboard")
                && s.lines()
                    .any(|l| l.contains("/v1/predict") && !l.contains("endpoint="))
                && s.contains('%')
        },
        60,
    );
    assert!(screen.contains("time series"), "{screen}");
    // m: the same query at one instant, as a table.
    tmux.keys(&["m"]);
    tmux.wait_until(
        "the table",
        |s| {
            s.contains("· table ·")
                && s.lines()
                    .any(|l| l.contains("/v1/predict") && l.contains('%'))
        },
        60,
    );

    // a adds it to the dashboard, s saves that beside the file.
    tmux.keys(&["a"]);
    tmux.wait_for("added as the top panel of Inference Gateway");
    tmux.keys(&["s"]);
    let saved = dir.join("gateway.explore.json");
    tmux.wait_for("gateway.explore.json");
    assert!(saved.is_file(), "{}", tmux.screen());
    // Back on the dashboard, the new panel is its first.
    tmux.keys(&["d", "Inference", "Enter"]);
    tmux.wait_until(
        "the added panel on the dashboard",
        |s| !s.contains("a add to dashboard") && s.contains(expr) && s.contains("req/s"),
        30,
    );

    // Loki: Ctrl-D, label names from /loki/api/v1/labels, a malformed query's column.
    tmux.keys(&["e"]);
    tmux.wait_for("explore: PromQL");
    tmux.keys(&["C-d"]);
    tmux.wait_for("explore: LogQL · Loki");
    tmux.keys(&["{jo"]);
    tmux.wait_until(
        "job offered by Loki",
        |s| s.contains(" job ") && s.contains("stream label"),
        30,
    );
    tmux.keys(&["Tab", "=\"x\"} |= "]);
    tmux.wait_until(
        "the LogQL error with its column",
        |s| query_shown(s, "{job=\"x\"} |= ") && s.contains("^ column 14:"),
        10,
    );
    // A log query runs through Loki into a logs view.
    tmux.keys(&["C-u", "{job=~\".+\"}", "Enter"]);
    tmux.wait_until(
        "Loki's lines",
        |s| s.contains(" · logs · ") && s.contains("level="),
        60,
    );
    // Each datasource has its own history: ↑ on Loki recalls the LogQL query, on Prometheus
    // (Ctrl-D again) the PromQL one.
    tmux.keys(&["e"]);
    tmux.wait_for("explore: LogQL · Loki");
    tmux.keys(&["C-u", "Up"]);
    tmux.wait_until(
        "the LogQL query recalled",
        |s| query_shown(s, "{job=~\".+\"}"),
        10,
    );
    tmux.keys(&["C-d"]);
    tmux.wait_for("explore: PromQL");
    tmux.keys(&["C-u", "Up"]);
    tmux.wait_until("the PromQL query recalled", |s| query_shown(s, expr), 10);
    tmux.keys(&["Escape"]);
    tmux.keys(&["q"]);
    tmux.wait_for("TRIAGE-EXITED-0");
    drop(tmux);

    // The saved dashboard loads and draws, the added panel first.
    let out = std::process::Command::new(BIN)
        .args([
            "render",
            saved.to_str().unwrap(),
            "--prometheus",
            &demo.prometheus,
        ])
        .args(["--format", "text"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(expr), "{stdout}");
    let original = std::fs::read_to_string(&dashboard).unwrap();
    assert_eq!(
        original,
        std::fs::read_to_string(DASHBOARD).unwrap(),
        "the original is untouched"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
