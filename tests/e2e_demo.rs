//! End to end: the real binary starts the demo stack headless (real Prometheus, node_exporter,
//! Alertmanager), `triage render` draws the inference-gateway dashboard from it, and every
//! child process is gone after the demo exits.

use std::process::Command;
use std::time::{Duration, Instant};

mod support;
use support::{BIN, DASHBOARD, Tmux, start_demo};

fn children_of(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        // Field 4 (after the parenthesised command) is the parent pid.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let ppid = after
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u32>().ok());
        if ppid == Some(pid) {
            found.push(p);
        }
    }
    found
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit_once(')')
                .map(|(_, r)| r.trim_start().starts_with('Z'))
                .unwrap_or(false)
        })
        .unwrap_or(false)
}

fn render(prometheus: &str, format: &str) -> (String, String) {
    render_file(DASHBOARD, prometheus, format)
}

fn render_file(path: &str, prometheus: &str, format: &str) -> (String, String) {
    let args = [
        "render",
        path,
        "--prometheus",
        prometheus,
        "--format",
        format,
        "--width",
        "160",
        "--height",
        "60",
    ];
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("run triage render");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "render failed: {stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[test]
fn demo_dashboard_shows_real_data_and_children_are_gone_after_exit() {
    let mut demo = start_demo();
    let demo_pid = demo.child.id();
    let children = children_of(demo_pid);
    assert!(
        children.len() >= 2,
        "prometheus and node_exporter run as children: {children:?}"
    );

    let (json, stderr) = render(&demo.prometheus, "json");
    let panels: serde_json::Value =
        serde_json::from_str(&json).expect("render --format json is JSON");
    let panels = panels.as_array().expect("an array of panels");
    assert!(
        panels.len() >= 15,
        "the demo dashboard has its panels: {}",
        panels.len()
    );
    let mut stats = 0;
    let mut series_panels = 0;
    for panel in panels {
        let title = panel["title"].as_str().unwrap_or_default();
        match panel["type"].as_str().unwrap_or_default() {
            "stat" => {
                stats += 1;
                assert_eq!(panel["state"], "ok", "stat {title:?}: {panel}\n{stderr}");
                let values = panel["values"].as_array().expect("stat values");
                assert!(!values.is_empty(), "stat {title:?} shows a value");
                for value in values {
                    let text = value.as_str().unwrap_or_default();
                    assert!(
                        text.chars().any(|c| c.is_ascii_digit()),
                        "stat {title:?} shows a number, not {text:?}"
                    );
                }
            }
            "timeseries" => {
                series_panels += 1;
                assert_eq!(
                    panel["state"], "ok",
                    "time series {title:?}: {panel}\n{stderr}"
                );
                let series = panel["series"].as_u64().unwrap_or(0);
                let points = panel["points"].as_u64().unwrap_or(0);
                assert!(
                    series > 0 && points >= series * 10,
                    "time series {title:?} has lines: {series} series, {points} points"
                );
            }
            _ => {}
        }
    }
    assert!(
        stats >= 4 && series_panels >= 6,
        "stats {stats}, time series {series_panels}"
    );

    chained_variables_resolve_as_grafana_does(&demo.prometheus);
    the_datasource_variable_switches_between_named_datasources(&demo.prometheus);
    adhoc_filters_reach_every_selector(&demo.prometheus);
    the_tui_answers_keys_as_a_person_would_expect(&demo.prometheus);
    hand_off_keys_copy_the_link_and_the_snapshot(&demo.prometheus);
    provisioned_datasources_work_with_a_local_url(&demo.prometheus);
    every_corpus_dashboard_renders_without_a_panic(&demo.prometheus);
    annotations_become_markers_on_time_series(&demo.prometheus);
    stat_values_match_prometheus_reduced_as_grafana_does(&demo.prometheus);

    let (text, _) = render(&demo.prometheus, "text");
    assert!(text.contains("Inference Gateway"), "title drawn:\n{text}");
    let braille = text
        .chars()
        .filter(|c| ('\u{2801}'..='\u{28FF}').contains(c))
        .count();
    assert!(
        braille > 200,
        "lines are drawn in braille ({braille} cells):\n{text}"
    );

    // SIGTERM: the demo stops every child and exits.
    let status = Command::new("kill")
        .args(["-TERM", &demo_pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut exited = false;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = demo.child.try_wait() {
            exited = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(exited, "demo exits on SIGTERM");
    std::thread::sleep(Duration::from_millis(300));
    let survivors: Vec<u32> = children.into_iter().filter(|&p| alive(p)).collect();
    assert!(survivors.is_empty(), "children left running: {survivors:?}");
}

/// Variables chained through `label_values` on node_exporter's real labels, one over a label
/// the series do not carry (no values): the panels still show data, as in Grafana, and the
/// stale saved value of a query variable is ignored.
fn chained_variables_resolve_as_grafana_does(prometheus: &str) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/live/node-chain.json"
    );
    // node_exporter is live-only: rate() needs two scrapes of it, so allow for a few.
    let deadline = Instant::now() + Duration::from_secs(90);
    let (panels, stderr) = loop {
        let (json, stderr) = render_file(path, prometheus, "json");
        let panels: serde_json::Value = serde_json::from_str(&json).unwrap();
        if panels[1]["state"] == "ok" || Instant::now() > deadline {
            break (panels, stderr);
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    let nodes = &panels[0];
    assert_eq!(nodes["state"], "ok", "{nodes}\n{stderr}");
    assert_eq!(nodes["values"][0], "1", "one node_exporter: {nodes}");
    let expr = nodes["queries"][0]["expr"].as_str().unwrap();
    assert!(
        !expr.contains("stale-saved-job"),
        "saved options of query variables are ignored: {expr}"
    );
    assert!(
        expr.contains("datacenter=~\"()\""),
        "All over no values is an empty group: {expr}"
    );
    assert!(
        expr.contains("rack=~\"\""),
        "a single variable with no values is empty: {expr}"
    );
    assert_eq!(panels[1]["state"], "ok", "{}", panels[1]);
    assert!(
        panels[1]["series"].as_u64().unwrap_or(0) >= 2,
        "CPU modes: {}",
        panels[1]
    );
}

/// Every real dashboard of the corpus renders against a live Prometheus without a panic.
fn every_corpus_dashboard_renders_without_a_panic(prometheus: &str) {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
    let mut rendered = 0;
    for entry in std::fs::read_dir(corpus)
        .expect("../shared/corpus is beside the repo")
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let out = Command::new(BIN)
            .args([
                "render",
                path.to_str().unwrap(),
                "--prometheus",
                prometheus,
                "--format",
                "json",
                "--timeout",
                "20",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", path.display());
        assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
        let panels: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert!(
            panels.as_array().is_some_and(|p| !p.is_empty()),
            "{}",
            path.display()
        );
        // Every panel either draws or says what it is and why it is not drawn.
        for panel in panels.as_array().into_iter().flatten() {
            let said = format!("{} {}", panel["message"], panel["error"]);
            assert!(
                !said.contains("not drawn yet"),
                "{}: {:?} ({}) {said}",
                path.display(),
                panel["title"],
                panel["type"]
            );
        }
        rendered += 1;
    }
    assert!(rendered >= 20, "corpus dashboards rendered: {rendered}");
}

/// Drive the interactive UI in a pseudo-terminal: time range, variables, fullscreen, inspect,
/// quit with the terminal restored.
fn the_tui_answers_keys_as_a_person_would_expect(prometheus: &str) {
    let command = format!(
        "{BIN} view {DASHBOARD} --prometheus {prometheus}; echo TRIAGE-EXITED-$?; sleep 60"
    );
    let tmux = Tmux::start("demo", &command);
    let screen = tmux.wait_for("req/s");
    assert!(
        screen.contains("Inference Gateway") && screen.contains("Last 1 hour"),
        "{screen}"
    );

    // Time picker: two down from "Last 1 hour" is "Last 6 hours".
    tmux.keys(&["t"]);
    tmux.wait_for("Last 30 days");
    tmux.keys(&["j", "j", "Enter"]);
    tmux.wait_for("Last 6 hours");

    // Variables: pick environment = staging by typing part of it.
    tmux.keys(&["v"]);
    tmux.wait_for("variables");
    tmux.keys(&["j", "Enter"]);
    tmux.wait_for("filter:");
    for key in ["s", "t", "a", "g"] {
        tmux.keys(&[key]);
    }
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Environment=staging");

    // Inspect the focused panel: once the refresh is in, its PromQL carries the new value.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        tmux.keys(&["i"]);
        let inspect = tmux.wait_for("panel inspect");
        if inspect.contains("environment=\"staging\"") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never re-queried with the new value:\n{inspect}\n{screen}"
        );
        tmux.keys(&["Escape"]);
        std::thread::sleep(Duration::from_millis(500));
    }
    tmux.keys(&["Escape"]);

    // Fullscreen and back.
    tmux.keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    let full = tmux.screen();
    assert!(
        !full.contains("Golden signals"),
        "fullscreen hides the rows:\n{full}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("Golden signals");

    // Quit: the process exits 0 and the shell prints after it (terminal restored).
    tmux.keys(&["q"]);
    let after = tmux.wait_for("TRIAGE-EXITED-0");
    assert!(
        !after.contains("Golden signals"),
        "the alternate screen is gone:\n{after}"
    );
    drop(tmux);

    // The terminal going away (SSH dropped, tmux killed) ends triage instead of leaving it
    // spinning on a dead tty.
    let marker = format!("--from=now-{}s", 3600 + std::process::id() % 1000);
    let command = format!("{BIN} view {DASHBOARD} --prometheus {prometheus} {marker}");
    let tmux = Tmux::start("demo", &command);
    tmux.wait_for("req/s");
    drop(tmux);
    let deadline = Instant::now() + Duration::from_secs(10);
    while still_running(&marker) {
        assert!(
            Instant::now() < deadline,
            "triage still runs after its terminal went away"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `y` and `s` put the Grafana URL and a text snapshot on the clipboard through OSC 52 (tmux,
/// with set-clipboard on, keeps what an application copies as a paste buffer: the same bytes
/// a local terminal would get over SSH), `s` also writes the file, and `--print-link` leaves
/// the links in the shell after exit.
fn hand_off_keys_copy_the_link_and_the_snapshot(prometheus: &str) {
    let dir = std::env::temp_dir().join(format!("triage-handoff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Without TMUX in its environment triage writes plain OSC 52, which tmux itself takes.
    let command = format!(
        "env -u TMUX TRIAGE_SNAPSHOT_DIR={} TRIAGE_GRAFANA_URL=https://grafana.example.org \
         {BIN} view {DASHBOARD} --prometheus {prometheus} --print-link; echo TRIAGE-EXITED-$?; sleep 60",
        dir.display()
    );
    let tmux = Tmux::start("demo", &command);
    let status = Command::new("tmux")
        .args(["set-option", "-s", "set-clipboard", "on"])
        .status()
        .unwrap();
    assert!(status.success());
    tmux.wait_for("req/s");
    let buffer = || {
        let out = Command::new("tmux").args(["show-buffer"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let wait_for_buffer = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = buffer();
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "clipboard never got {needle:?}: {text:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };

    tmux.keys(&["y"]);
    let link = wait_for_buffer("https://grafana.example.org/d/");
    assert!(
        link.contains("var-environment=production") && link.contains("from=now-1h"),
        "{link}"
    );

    tmux.keys(&["s"]);
    let snapshot = wait_for_buffer("# range:");
    assert!(snapshot.starts_with("# Inference Gateway"), "{snapshot}");
    assert!(
        snapshot.contains("SLO summary"),
        "the screen itself follows:\n{snapshot}"
    );
    tmux.wait_for("snapshot copied and written to");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "one snapshot file in {}", dir.display());
    let written = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(
        written.contains("# prometheus: http://127.0.0.1"),
        "{written}"
    );

    // S: only the focused panel (the first one, p99 latency).
    tmux.keys(&["S"]);
    let panel = wait_for_buffer("# Inference Gateway / ");
    assert!(
        !panel.contains("Golden signals"),
        "only one panel:\n{panel}"
    );

    tmux.keys(&["q"]);
    let after = tmux.wait_for("TRIAGE-EXITED-0");
    assert!(
        after.contains("copied: https://grafana.example.org/d/"),
        "{after}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The generated Grafana datasource provisioning names the datasources; on this "jump host"
/// the in-cluster URL is replaced by a local one of the same name. Without the replacement the
/// panels fail naming the provisioned address (nothing hangs).
fn provisioned_datasources_work_with_a_local_url(prometheus: &str) {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/provisioning/grafana/datasources/datasources.yml"
    );
    let run = |extra: &[&str]| {
        let out = support::triage_without_config()
            .args([
                "render",
                DASHBOARD,
                "--format",
                "json",
                "--datasources-file",
                file,
            ])
            .args(extra)
            .output()
            .expect("run triage render");
        let panels: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (panels, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (panels, stderr) = run(&["--datasource", &format!("Prometheus={prometheus}")]);
    let panels = panels.as_array().cloned().unwrap_or_default();
    let ok = panels.iter().filter(|p| p["state"] == "ok").count();
    assert!(
        ok >= 20,
        "{ok} panels with data through the provisioned name:\n{stderr}"
    );
    let (panels, _) = run(&["--timeout", "5"]);
    let errors: Vec<String> = panels
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["state"] == "error")
        .filter_map(|p| p["error"].as_str().map(str::to_string))
        .collect();
    assert!(
        errors.iter().any(|e| e.contains("prometheus:9090")),
        "panels name the unreachable provisioned address: {errors:?}"
    );
}

/// Is a process whose command line contains `needle` still alive (not a zombie)?
fn still_running(needle: &str) -> bool {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| {
            let pid = entry.file_name().to_string_lossy().to_string();
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline)
                .replace('\0', " ")
                .contains(needle)
                && alive(pid.parse().unwrap_or(0))
        })
}

/// `--datasource live=URL` names a second datasource; the dashboard's `datasource` variable
/// switches every panel to it (the default one here is down).
fn the_datasource_variable_switches_between_named_datasources(prometheus: &str) {
    let named = format!("live={prometheus}");
    let states = |var: &str| -> Vec<String> {
        let out = Command::new(BIN)
            .args([
                "render",
                DASHBOARD,
                "--prometheus",
                "http://127.0.0.1:9",
                "--datasource",
                &named,
                "--var",
                var,
            ])
            .args(["--format", "json", "--timeout", "3"])
            .output()
            .unwrap();
        let panels: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        panels
            .as_array()
            .unwrap()
            .iter()
            // The logs panels ask Loki, which this render is not given.
            .filter(|p| p["type"] != "logs")
            .map(|p| p["state"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let live = states("datasource=live");
    assert!(
        live.iter().all(|s| s == "ok"),
        "through the named datasource: {live:?}"
    );
    let down = states("datasource=default");
    assert!(
        down.iter().all(|s| s == "error"),
        "through the default (down) one: {down:?}"
    );
}

/// An ad-hoc filter given on the command line is added to every selector (as Grafana does).
fn adhoc_filters_reach_every_selector(prometheus: &str) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/live/node-chain.json"
    );
    let out = Command::new(BIN)
        .args([
            "render",
            path,
            "--prometheus",
            prometheus,
            "--format",
            "json",
            "--var",
            "Filters=mode=idle",
        ])
        .output()
        .unwrap();
    let panels: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cpu = &panels[1];
    let expr = cpu["queries"][0]["expr"].as_str().unwrap_or_default();
    assert!(expr.contains("mode=\"idle\""), "filter added: {expr}");
    assert_eq!(cpu["series"], 1, "only the idle mode is left: {cpu}");
}

/// A dashboard annotation with a Prometheus `expr` is one range query (step 60 s), its active
/// samples become one event with the title and tags from the series' labels, shown on the time
/// series panel (JSON and the drawn marker) and not on the stat; a disabled one is not sent.
fn annotations_become_markers_on_time_series(prometheus: &str) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/live/annotations.json"
    );
    // The query's range ends on a whole minute (aligned to its step, as Grafana aligns it):
    // a freshly started Prometheus may have no sample before that yet, so allow a minute.
    let deadline = Instant::now() + Duration::from_secs(90);
    let (panels, stderr) = loop {
        let (json, stderr) = render_file(path, prometheus, "json");
        let panels: serde_json::Value = serde_json::from_str(&json).unwrap();
        let has_events = panels[0]["annotations"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        if has_events || Instant::now() > deadline {
            break (panels, stderr);
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    let series = &panels[0];
    assert_eq!(series["state"], "ok", "{series}\n{stderr}");
    let queries = series["queries"].as_array().unwrap();
    assert_eq!(queries.len(), 1, "the panel's own target only: {queries:?}");
    let annotation_queries = series["annotationQueries"].as_array().unwrap();
    assert_eq!(
        annotation_queries.len(),
        1,
        "one query, the enabled one: {annotation_queries:?}"
    );
    assert_eq!(annotation_queries[0]["refId"], "annotation 1");
    assert_eq!(annotation_queries[0]["stepMs"], 60_000);
    assert_eq!(annotation_queries[0]["instant"], false);
    let events = series["annotations"].as_array().unwrap();
    assert!(
        !events.is_empty(),
        "Prometheus is up, so it is an event: {series}"
    );
    assert_eq!(events[0]["title"], "prometheus up");
    assert_eq!(events[0]["tags"][0], "prometheus");
    assert!(
        events[0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("on ")),
        "{events:?}"
    );
    assert!(
        panels[1]["annotations"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "stat panels carry no annotations: {}",
        panels[1]
    );
    let (text, _) = render_file(path, prometheus, "text");
    assert!(
        text.contains("▼prometheus up") || text.contains("prometheus up▼"),
        "the marker is drawn:\n{text}"
    );
}

/// Every stat, gauge and bar gauge of the repository's dashboards shows what Prometheus answers
/// for the query triage sent, reduced as Grafana reduces it (`lastNotNull`), in the panel's
/// unit, and in the colour of the threshold step the value falls in. The expected numbers come
/// from Prometheus directly (curl), not through triage.
fn stat_values_match_prometheus_reduced_as_grafana_does(prometheus: &str) {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut checked = 0;
    for file in [
        "layouts/service/inference-gateway.json",
        "layouts/service/model-registry.json",
        "layouts/executive/slo-overview.json",
        "layouts/platform/prometheus-health.json",
        "layouts/platform/node-exporter.json",
        "layouts/platform/alertmanager.json",
    ] {
        let path = format!("{root}/{file}");
        // A scrape landing between triage's query and ours could move a last value; compare
        // again on a mismatch before calling it one.
        let mut outcome = Err(String::new());
        for _ in 0..3 {
            outcome = compare_single_values(&path, prometheus);
            if outcome.is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_secs(2));
        }
        match outcome {
            Ok(n) => checked += n,
            Err(e) => panic!("{file}: {e}"),
        }
    }
    eprintln!("stat, gauge and bar gauge values compared with Prometheus: {checked}");
    assert!(checked >= 20, "values compared with Prometheus: {checked}");
}

/// The number of values compared in one dashboard, or the first difference.
fn compare_single_values(path: &str, prometheus: &str) -> Result<usize, String> {
    let source: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut by_title = std::collections::HashMap::new();
    let mut stack: Vec<&serde_json::Value> = source["panels"].as_array().unwrap().iter().collect();
    while let Some(p) = stack.pop() {
        if let Some(children) = p["panels"].as_array() {
            stack.extend(children);
        }
        by_title.insert(p["title"].as_str().unwrap_or_default().to_string(), p);
    }
    let (json, stderr) = render_file(path, prometheus, "json");
    let rendered: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let mut compared = 0;
    for panel in &rendered {
        let kind = panel["type"].as_str().unwrap_or_default();
        if !matches!(kind, "stat" | "gauge" | "bargauge") || panel["state"] != "ok" {
            continue;
        }
        let title = panel["title"].as_str().unwrap_or_default();
        let config = by_title[title];
        let calcs = &config["options"]["reduceOptions"]["calcs"];
        assert!(
            calcs.is_null() || calcs == &serde_json::json!(["lastNotNull"]),
            "{title}: this check knows lastNotNull only, not {calcs}"
        );
        let defaults = &config["fieldConfig"]["defaults"];
        let unit = defaults["unit"].as_str().unwrap_or("short");
        let queries = panel["queries"].as_array().unwrap();
        assert_eq!(queries.len(), 1, "{title}: one query");
        let expected = last_values(prometheus, &queries[0]);
        let shown = panel["values"].as_array().unwrap();
        let colours = panel["colors"].as_array().unwrap();
        if shown.len() != expected.len() {
            return Err(format!(
                "{title}: {} values shown, Prometheus has {} series\n{stderr}",
                shown.len(),
                expected.len()
            ));
        }
        for ((text, want), colour) in shown.iter().zip(&expected).zip(colours) {
            let text = text.as_str().unwrap_or_default();
            if !want.is_finite() {
                continue;
            }
            let (got, tolerance) = parse_shown(text, unit)
                .unwrap_or_else(|| panic!("{title}: cannot read {text:?} as {unit}"));
            // Grafana's `bool` unit says True for any value but 0.
            let truth = f64::from(u8::from(*want != 0.0));
            let wanted = if unit == "bool" { truth } else { *want };
            if (got - wanted).abs() > tolerance + wanted.abs() * 1e-9 {
                return Err(format!(
                    "{title}: shows {text:?} ({got}), Prometheus's last value is {want} ({unit})"
                ));
            }
            let step = threshold_colour(&defaults["thresholds"]["steps"], *want);
            assert_eq!(
                colour.as_str().map(str::to_lowercase),
                step.map(|c| c.to_lowercase()),
                "{title}: {text} in the colour of its threshold step"
            );
            compared += 1;
        }
    }
    Ok(compared)
}

/// Each series' last value of the range query triage sent, asked of Prometheus with curl.
fn last_values(prometheus: &str, query: &serde_json::Value) -> Vec<f64> {
    support::values_as_prometheus_answers(prometheus, query)
        .iter()
        .map(|values| *values.last().unwrap())
        .collect()
}

/// The colour of the threshold step `value` falls in (absolute steps: the last whose start is
/// at or below the value; the first step starts at -∞).
fn threshold_colour(steps: &serde_json::Value, value: f64) -> Option<String> {
    steps
        .as_array()?
        .iter()
        .rfind(|s| s["value"].as_f64().is_none_or(|from| value >= from))
        .and_then(|s| s["color"].as_str().map(str::to_string))
}

/// A shown value read back in the unit's base (seconds, ratio, bytes, ...), with half of its
/// last shown digit as the tolerance.
fn parse_shown(text: &str, unit: &str) -> Option<(f64, f64)> {
    let text = text.trim();
    if unit == "bool" {
        return match text {
            "True" => Some((1.0, 0.0)),
            "False" => Some((0.0, 0.0)),
            _ => None,
        };
    }
    // A currency's symbol comes first (`$7.75`, `$1.2K`).
    let (text, unit) = match (unit, text.strip_prefix('$')) {
        ("currencyUSD", Some(amount)) => (amount, "short"),
        _ => (text, unit),
    };
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    let (number, rest) = text.split_at(end);
    let value: f64 = number.parse().ok()?;
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let rest = rest.trim();
    let count_prefix = |p: &str| match p.trim() {
        "" => Some(1.0),
        "K" => Some(1e3),
        "Mil" => Some(1e6),
        "Bil" => Some(1e9),
        "Tri" => Some(1e12),
        _ => None,
    };
    let scale = match unit {
        "percentunit" => (rest == "%").then_some(0.01)?,
        "percent" => (rest == "%").then_some(1.0)?,
        // Grafana pluralises the long time units (`2 mins`, `1.50 hours`).
        "s" => match rest
            .strip_suffix('s')
            .filter(|r| r.len() > 2)
            .unwrap_or(rest)
        {
            "ns" => 1e-9,
            "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "min" => 60.0,
            "hour" => 3600.0,
            "day" => 86_400.0,
            "week" => 604_800.0,
            "year" => 31_536_000.0,
            _ => return None,
        },
        "bytes" => match rest {
            "B" => 1.0,
            "KiB" => 1024.0,
            "MiB" => 1024.0 * 1024.0,
            "GiB" => 1024.0 * 1024.0 * 1024.0,
            "TiB" => 1024.0_f64.powi(4),
            _ => return None,
        },
        "reqps" => count_prefix(rest.strip_suffix("req/s")?)?,
        "cps" => count_prefix(rest.strip_suffix("c/s")?)?,
        "short" | "none" => count_prefix(rest)?,
        _ => return None,
    };
    Some((value * scale, 0.5 * 10f64.powi(-decimals) * scale))
}
