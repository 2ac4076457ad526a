//! The benchmark harness: every performance figure of triage in one run, as tables of medians.
//! `scripts/bench` starts the demo stack and runs it; it prints figures and asserts nothing.
//!
//!   cargo bench --bench harness -- --prometheus URL --triage target/release/triage [--quick]
//!
//! Sections without a Prometheus (frame time, memory, parse and plan) also run alone.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::Value;
use triage::data::panel_data::{PanelData, Series};
use triage::engine::plan::{PanelPlan, PlanContext, plan_panel};
use triage::engine::session::EngineEvent;
use triage::grafana::load::load_path;
use triage::grafana::model::{Dashboard, GridPos, Panel, Target};
use triage::grafana::timerange::TimeRange;
use triage::grafana::vars::{Scope, VarValue};
use triage::tui::app::{App, StatusInfo, ViewState};
use triage::tui::theme::Theme;

#[allow(dead_code)]
#[path = "../tests/support/counting_proxy.rs"]
mod counting_proxy;

const DASHBOARD: &str = "layouts/service/inference-gateway.json";
/// What Grafana asks for an 8-column panel (624 px) over 6 h at a 15 s scrape interval: a 30 s
/// step, 721 points — and so what triage asks too (issue 19), far more than the panel's braille
/// columns, drawn as each column's envelope.
const POINTS_PER_SERIES: i64 = 721;
const STEP_MS: i64 = 30_000;

struct Options {
    prometheus: Option<String>,
    triage: String,
    quick: bool,
    /// Only the frame-time table (for profiling the draw path).
    frames_only: bool,
}

fn options() -> Options {
    let mut args = std::env::args().skip(1);
    let mut o = Options {
        prometheus: std::env::var("TRIAGE_BENCH_PROMETHEUS").ok(),
        triage: "target/release/triage".into(),
        quick: false,
        frames_only: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--prometheus" => o.prometheus = args.next(),
            "--triage" => o.triage = args.next().unwrap_or(o.triage),
            "--quick" => o.quick = true,
            "--frames" => o.frames_only = true,
            _ => {} // cargo passes --bench
        }
    }
    o
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss-case") {
        let panels = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(30);
        let series = args.get(i + 2).and_then(|s| s.parse().ok()).unwrap_or(1000);
        rss_case(panels, series);
        return;
    }
    // The plain client below speaks plain HTTP, but reqwest wants a TLS provider chosen.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let o = options();
    let runs = if o.quick { 3 } else { 7 };
    println!(
        "# triage benchmark harness ({} runs per figure, medians)\n",
        runs
    );
    if o.frames_only {
        frame_time(runs);
        return;
    }
    if let Some(prom) = &o.prometheus {
        dashboard_load(prom, &o.triage, runs);
    } else {
        println!("(no --prometheus: skipping dashboard load, idle cost and load on Prometheus)\n");
    }
    frame_time(runs);
    memory();
    if let Some(prom) = &o.prometheus {
        idle_cost(prom, &o.triage, if o.quick { 30 } else { 60 });
        load_on_prometheus(prom, &o.triage);
    }
    parse_and_plan(runs);
    if let Some(prom) = &o.prometheus {
        refresh_traffic(prom, &o.triage, if o.quick { 3 } else { 6 });
    }
}

// ---- 1. Dashboard load -------------------------------------------------------------------

/// `render --format json` of the demo dashboard (what triage sent, and the panels' states).
fn render_json(triage: &str, prom: &str) -> Value {
    let out = Command::new(triage)
        .args([
            "render",
            DASHBOARD,
            "--prometheus",
            prom,
            "--width",
            "160",
            "--height",
            "50",
            "--format",
            "json",
        ])
        .stderr(Stdio::null())
        .output()
        .expect("run triage render");
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Query {
    expr: String,
    instant: bool,
    start: i64,
    end: i64,
    step: i64,
}

fn queries_of(render: &Value) -> Vec<Query> {
    render
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["queries"].as_array().cloned().unwrap_or_default())
        .map(|q| Query {
            expr: q["expr"].as_str().unwrap_or_default().to_string(),
            instant: q["instant"].as_bool().unwrap_or(false),
            start: q["start"].as_i64().unwrap_or(0),
            end: q["end"].as_i64().unwrap_or(0),
            step: q["stepMs"].as_i64().unwrap_or(15_000),
        })
        .collect()
}

/// Send queries all at once with a plain HTTP client; (seconds until all answered, bytes).
fn send_all(rt: &tokio::runtime::Runtime, prom: &str, queries: &[Query]) -> (f64, usize) {
    let client = reqwest::Client::new();
    rt.block_on(async {
        let start = Instant::now();
        let futures = queries.iter().map(|q| {
            let client = client.clone();
            let (path, form): (&str, Vec<(&str, String)>) = if q.instant {
                (
                    "query",
                    vec![
                        ("query", q.expr.clone()),
                        ("time", format!("{:.3}", q.end as f64 / 1000.0)),
                    ],
                )
            } else {
                (
                    "query_range",
                    vec![
                        ("query", q.expr.clone()),
                        ("start", format!("{:.3}", q.start as f64 / 1000.0)),
                        ("end", format!("{:.3}", q.end as f64 / 1000.0)),
                        ("step", format!("{:.3}", q.step as f64 / 1000.0)),
                    ],
                )
            };
            let url = format!("{prom}/api/v1/{path}");
            async move {
                match client.post(url).form(&form).send().await {
                    Ok(r) => r.bytes().await.map(|b| b.len()).unwrap_or(0),
                    Err(_) => 0,
                }
            }
        });
        let sizes = futures::future::join_all(futures).await;
        (start.elapsed().as_secs_f64(), sizes.iter().sum())
    })
}

fn dashboard_load(prom: &str, triage: &str, runs: usize) {
    println!(
        "## 1. Dashboard load: process start → every panel drawn with data ({DASHBOARD}, 160×50)\n"
    );
    let first = render_json(triage, prom);
    let panels = first.as_array().map_or(0, Vec::len);
    let with_data = first
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["state"] == "ok")
        .count();
    let mut queries = queries_of(&first);
    queries.sort();
    queries.dedup();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut floor = Vec::new();
    let mut ours = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..runs {
        floor.push(send_all(&rt, prom, &queries).0 * 1000.0);
        let start = Instant::now();
        let (ok, max_rss_kb) = run_measuring_rss(
            Command::new(triage)
                .args(["render", DASHBOARD, "--prometheus", prom, "--width", "160"])
                .args(["--height", "50", "--format", "text"]),
        );
        if ok {
            ours.push(start.elapsed().as_secs_f64() * 1000.0);
            rss.push(max_rss_kb as f64 / 1024.0);
        }
    }
    let (f, t) = (median(floor), median(ours));
    println!("| figure | value | target |\n| --- | --- | --- |");
    println!("| panels (with data) | {panels} ({with_data}) | |");
    println!("| distinct queries | {} | |", queries.len());
    println!("| floor: the same queries in parallel, plain HTTP client | {f:.0} ms | |");
    println!("| triage render (start → all panels drawn → exit) | {t:.0} ms | < 300 ms |");
    println!("| ratio to the floor | {:.2} | ≤ 1.25 |", t / f);
    println!("| peak RSS of that render | {:.1} MB | |\n", median(rss));
}

/// Run a command to completion; (succeeded, its peak RSS in KB from wait4).
fn run_measuring_rss(command: &mut Command) -> (bool, i64) {
    let child = match command.stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
        Ok(c) => c,
        Err(_) => return (false, 0),
    };
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet reaped; status and usage are valid pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    std::mem::forget(child); // reaped by wait4
    (
        r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        usage.ru_maxrss,
    )
}

// ---- 2. Frame time and bytes -------------------------------------------------------------

/// A dashboard of `panels` time series (8×8 grid cells each) and the data for `series` series
/// spread over them, each `POINTS_PER_SERIES` points.
fn synthetic(panels: usize, series: usize, shift: i64) -> (Dashboard, Vec<PanelData>) {
    let t0 = 1_795_500_000_000;
    let dashboard = Dashboard {
        title: format!("{panels} panels, {series} series"),
        panels: (0..panels)
            .map(|i| Panel {
                id: Some(i as i64 + 1),
                panel_type: "timeseries".into(),
                title: format!("panel {i}"),
                grid: GridPos {
                    x: (i % 3) as u32 * 8,
                    y: (i / 3) as u32 * 8,
                    w: 8,
                    h: 8,
                },
                targets: vec![Target {
                    ref_id: "A".into(),
                    expr: format!("metric_{i}"),
                    ..Target::default()
                }],
                ..Panel::default()
            })
            .map(std::sync::Arc::new)
            .collect(),
        ..Dashboard::default()
    };
    let data = (0..panels)
        .map(|p| {
            let mine = series / panels + usize::from(p < series % panels);
            let series = (0..mine)
                .map(|s| Series {
                    ref_id: "A".into(),
                    name: format!("series {s}"),
                    labels: BTreeMap::from([("instance".to_string(), format!("host-{s}"))]),
                    points: (0..POINTS_PER_SERIES)
                        .map(|k| {
                            let t = k + shift;
                            (
                                t0 + t * STEP_MS,
                                ((t as f64 / 9.0) + s as f64).sin() * 10.0 + 50.0,
                            )
                        })
                        .collect(),
                    compare: None,
                })
                .collect();
            PanelData {
                series,
                start_ms: t0 + shift * STEP_MS,
                end_ms: t0 + (shift + POINTS_PER_SERIES) * STEP_MS,
                ..PanelData::default()
            }
        })
        .collect();
    (dashboard, data)
}

fn app_for(dashboard: Dashboard, data: Vec<PanelData>) -> App {
    let mut app = App::new(
        dashboard,
        Theme::grafana_dark(),
        StatusInfo::default(),
        ViewState::new("now-1h", "now"),
    );
    feed(&mut app, data);
    app
}

fn feed(app: &mut App, data: Vec<PanelData>) {
    for (index, data) in data.into_iter().enumerate() {
        app.apply(EngineEvent::Panel {
            generation: 0,
            index,
            data: Box::new(data),
        });
    }
}

/// Counts what a frame writes to the terminal.
#[derive(Default, Clone)]
struct Counter(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .fetch_add(buf.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct FrameFigures {
    draw_ms: f64,
    refresh_ms: f64,
    first_bytes: usize,
    refresh_bytes: usize,
    unchanged_bytes: usize,
}

fn measure_frames(panels: usize, series: usize, runs: usize) -> FrameFigures {
    let (dashboard, data) = synthetic(panels, series, 0);
    let mut app = app_for(dashboard, data);
    let area = Rect::new(0, 0, 200, 60);
    let counter = Counter::default();
    let backend = CrosstermBackend::new(counter.clone());
    let Ok(mut terminal) = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    ) else {
        panic!("terminal on a counting writer");
    };
    let written = counter.0.clone();
    let bytes = |_: &mut Terminal<CrosstermBackend<Counter>>| {
        written.load(std::sync::atomic::Ordering::Relaxed)
    };
    let _ = terminal.draw(|f| app.draw(f));
    let first_bytes = bytes(&mut terminal);
    let mut times = Vec::new();
    for _ in 0..runs.max(5) * 3 {
        let start = Instant::now();
        let _ = terminal.draw(|f| app.draw(f));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let before = bytes(&mut terminal);
    let _ = terminal.draw(|f| app.draw(f));
    let unchanged_bytes = bytes(&mut terminal) - before;
    // Frames right after new data: every panel on screen drawn again. (Building the views
    // happens when the data arrives, not in the frame, so it is left out of the timing.)
    let mut refresh_times = Vec::new();
    for shift in 2..(runs.max(5) * 3) as i64 {
        let (_, data) = synthetic(panels, series, shift);
        feed(&mut app, data);
        let start = Instant::now();
        let _ = terminal.draw(|f| app.draw(f));
        refresh_times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    // A refresh: every series one step later, as live data moves.
    let (_, data) = synthetic(panels, series, 1);
    feed(&mut app, data);
    let before = bytes(&mut terminal);
    let _ = terminal.draw(|f| app.draw(f));
    let refresh_bytes = bytes(&mut terminal) - before;
    FrameFigures {
        draw_ms: median(times),
        refresh_ms: median(refresh_times),
        first_bytes,
        refresh_bytes,
        unchanged_bytes,
    }
}

fn frame_time(runs: usize) {
    println!("## 2. Frame time (model → buffer → terminal bytes, 200×60) and bytes written\n");
    println!(
        "| panels | series | frame after new data | frame, data unchanged | first frame bytes | bytes after a refresh | bytes, nothing changed |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let cases = [
        (10, 30),
        (30, 90),
        (100, 300),
        (300, 900),
        (30, 10),
        (30, 1_000),
        (30, 10_000),
    ];
    for (panels, series) in cases {
        let f = measure_frames(panels, series, runs);
        println!(
            "| {panels} | {series} | {:.2} ms | {:.2} ms | {} | {} | {} |",
            f.refresh_ms, f.draw_ms, f.first_bytes, f.refresh_bytes, f.unchanged_bytes
        );
    }
    println!("\nTarget: 30 panels / 1,000 series under 4 ms per frame.\n");
}

// ---- 3. Memory -----------------------------------------------------------------------------

/// Child process: build and draw one case, print its peak RSS (KB).
fn rss_case(panels: usize, series: usize) {
    let (dashboard, data) = synthetic(panels, series, 0);
    let mut app = app_for(dashboard, data);
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    for _ in 0..5 {
        app.draw_into(area, &mut buf);
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches(" kB").trim().to_string())
        .unwrap_or_default();
    println!("{hwm}");
}

fn memory() {
    println!("## 3. Memory: peak RSS of one process holding and drawing the dashboard\n");
    println!("| panels | series | points | peak RSS |\n| ---: | ---: | ---: | ---: |");
    let Ok(me) = std::env::current_exe() else {
        return;
    };
    for (panels, series) in [(10, 30), (30, 1_000), (100, 300), (300, 900), (30, 10_000)] {
        let out = Command::new(&me)
            .args(["--rss-case", &panels.to_string(), &series.to_string()])
            .output();
        let kb: f64 = out
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(f64::NAN);
        println!(
            "| {panels} | {series} | {} | {:.1} MB |",
            series as i64 * POINTS_PER_SERIES,
            kb / 1024.0
        );
    }
    println!("\nTarget: under 60 MB at 30 panels / 1,000 series.\n");
}

// ---- 4. Idle cost --------------------------------------------------------------------------

fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn idle_cost(prom: &str, triage: &str, seconds: u64) {
    println!("## 4. Idle cost: CPU while showing the dashboard with a 30 s refresh\n");
    let session = format!("triage-bench-{}", std::process::id());
    let started = Command::new("tmux")
        .args(["new-session", "-d", "-s", &session, "-x", "160", "-y", "50"])
        .args([
            triage,
            "view",
            DASHBOARD,
            "--prometheus",
            prom,
            "--refresh",
            "30s",
        ])
        .status();
    if !started.is_ok_and(|s| s.success()) {
        println!("(tmux not available: skipped)\n");
        return;
    }
    let pid = Command::new("tmux")
        .args(["display-message", "-p", "-t", &session, "#{pane_pid}"])
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<u32>()
                .ok()
        });
    // Let the first load and draw settle, then measure whole refresh periods.
    std::thread::sleep(Duration::from_secs(8));
    let before = pid.and_then(cpu_ticks);
    std::thread::sleep(Duration::from_secs(seconds));
    let after = pid.and_then(cpu_ticks);
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    match (before, after) {
        (Some(b), Some(a)) => {
            let cpu = (a - b) as f64 / hz;
            println!("| figure | value | target |\n| --- | --- | --- |");
            println!(
                "| CPU over {seconds} s ({} refreshes) | {:.2} s = {:.2} % of one core | < 0.5 % |\n",
                seconds / 30,
                cpu,
                cpu / seconds as f64 * 100.0
            );
        }
        _ => println!("(could not read the process's CPU time)\n"),
    }
}

// ---- 5. Load on Prometheus -----------------------------------------------------------------

fn load_on_prometheus(prom: &str, triage: &str) {
    println!(
        "## 5. Load on Prometheus per refresh: triage render vs Grafana (same steps: panels as wide as in a 1920 px window)\n"
    );
    let render = render_json(triage, prom);
    let sent = queries_of(&render);
    let mut distinct = sent.clone();
    distinct.sort();
    distinct.dedup();
    // Grafana: the same requests (triage asks with the width Grafana gives each panel, so the
    // steps are Grafana's), one per target: no dedup across panels. (The TUI asks less still:
    // only panels in view, and a refresh only the recent part of each range; `render` asks
    // every panel in full.)
    let grafana: Vec<Query> = sent.clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let samples = |qs: &[Query]| -> i64 {
        qs.iter()
            .map(|q| {
                if q.instant {
                    1
                } else {
                    (q.end - q.start) / q.step + 1
                }
            })
            .sum()
    };
    let (_, ours_bytes) = send_all(&rt, prom, &distinct);
    let (_, their_bytes) = send_all(&rt, prom, &grafana);
    let (ours_samples, their_samples) = (samples(&distinct), samples(&grafana));
    println!("| per refresh | triage | Grafana | ratio |\n| --- | ---: | ---: | ---: |");
    println!(
        "| queries (identical ones deduplicated by triage) | {} | {} | {:.2} |",
        distinct.len(),
        grafana.len(),
        distinct.len() as f64 / grafana.len().max(1) as f64
    );
    println!(
        "| points per series asked | {ours_samples} | {their_samples} | {:.2} |",
        ours_samples as f64 / their_samples.max(1) as f64
    );
    println!(
        "| response bytes | {ours_bytes} | {their_bytes} | {:.2} |\n",
        ours_bytes as f64 / their_bytes.max(1) as f64
    );
}

// ---- 6. Parse and plan ---------------------------------------------------------------------

fn parse_and_plan(runs: usize) {
    println!("## 6. Parse and plan the largest corpus dashboard\n");
    let corpus = std::path::Path::new("../shared/corpus");
    let largest = std::fs::read_dir(corpus)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0));
    let Some(path) = largest else {
        println!("(../shared/corpus missing: skipped)\n");
        return;
    };
    let now = chrono::Utc::now();
    let Ok(range) = TimeRange::resolve("now-6h", "now", now) else {
        return;
    };
    let mut load_ms = Vec::new();
    let mut plan_ms = Vec::new();
    let mut planned = 0;
    for _ in 0..runs * 3 {
        let start = Instant::now();
        let Ok(loaded) = load_path(&path) else {
            println!("({} does not load)", path.display());
            return;
        };
        load_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        let dashboard = loaded.dashboard;
        let mut scope = Scope::new();
        for v in &dashboard.variables {
            scope.set_var(
                v.name.clone(),
                VarValue::single(v.current.value.first().cloned().unwrap_or_default()),
            );
        }
        let datasource_types = dashboard.datasource_variable_types();
        let ctx = PlanContext::for_saved(&range, &dashboard, &datasource_types);
        let start = Instant::now();
        planned = 0;
        for panel in &dashboard.panels {
            if let PanelPlan::Queries(q) = plan_panel(panel, &scope, &ctx) {
                planned += q.len();
            }
        }
        plan_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("| figure | value |\n| --- | --- |");
    println!(
        "| file | {} ({} KB) |",
        path.file_name().unwrap_or_default().to_string_lossy(),
        size / 1024
    );
    println!(
        "| load (parse, migrate, normalise) | {:.2} ms |",
        median(load_ms)
    );
    println!(
        "| plan every panel ({planned} queries) | {:.2} ms |\n",
        median(plan_ms)
    );
}

// ---- 7. What a refresh moves ---------------------------------------------------------------

/// The TUI on the gateway dashboard at a 10 s refresh, through a counting proxy: what its
/// first load moved and what each later refresh moved (incremental: only the recent part of
/// each range), against what Grafana asks at steady state. Grafana's Prometheus datasource
/// leaves `incrementalQuerying` off by default, so each of its refreshes asks the panels'
/// whole ranges again: the first load's panel queries.
fn refresh_traffic(prom: &str, triage: &str, refreshes: usize) {
    use counting_proxy::{CountingProxy, Exchange, bursts, bytes_of, points_asked};
    println!("## 7. What a refresh moves: the TUI at a 10 s refresh (gateway dashboard, 160x50)\n");
    let proxy = CountingProxy::start(prom);
    let session = format!("triage-bench-refresh-{}", std::process::id());
    let started = Command::new("tmux")
        .args([
            "-L",
            &session,
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "160",
            "-y",
            "50",
        ])
        .args([triage, "view", DASHBOARD, "--prometheus", &proxy.url])
        .args(["--refresh", "10s"])
        .status();
    if !started.is_ok_and(|s| s.success()) {
        println!("(tmux not available: skipped)\n");
        return;
    }
    // Requests of one load or refresh come within milliseconds of each other; refreshes are
    // 10 s apart. Wait for the first load and `refreshes` refreshes to have ended.
    let quiet = Duration::from_secs(3);
    let deadline = Instant::now() + Duration::from_secs(30 + 12 * refreshes as u64);
    let wanted = refreshes + 1;
    let ended = loop {
        let all = bursts(&proxy.exchanges(), quiet);
        let done = all.len() > wanted
            || (all.len() == wanted
                && all[wanted - 1]
                    .last()
                    .is_some_and(|e| e.at.elapsed() > quiet));
        if done || Instant::now() > deadline {
            break all.into_iter().take(wanted).collect::<Vec<_>>();
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let _ = Command::new("tmux")
        .args(["-L", &session, "kill-server"])
        .status();
    let Some(first) = ended.first() else {
        println!("(the TUI asked nothing: skipped)\n");
        return;
    };
    let panel_queries = |burst: &[Exchange]| -> Vec<Exchange> {
        burst
            .iter()
            .filter(|e| e.is_panel_query())
            .cloned()
            .collect()
    };
    let points = |burst: &[Exchange]| -> u64 { burst.iter().map(points_asked).sum() };
    let first_bytes = bytes_of(first).max(1);
    println!(
        "| | requests | panel queries | points per series asked | bytes (wire) | of the first load |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let row = |label: &str, burst: &[Exchange]| {
        println!(
            "| {label} | {} | {} | {} | {} | {:.1} % |",
            burst.len(),
            panel_queries(burst).len(),
            points(burst),
            bytes_of(burst),
            100.0 * bytes_of(burst) as f64 / first_bytes as f64
        );
    };
    row("first load", first);
    for (n, burst) in ended.iter().enumerate().skip(1) {
        row(&format!("refresh {n}"), burst);
    }
    let grafana = panel_queries(first);
    row(
        "Grafana, every refresh (its panel queries in full)",
        &grafana,
    );
    if ended.len() < wanted {
        println!(
            "\n(only {} refreshes ended in time)",
            ended.len().saturating_sub(1)
        );
    }
    println!("\nTarget: every refresh after the first load at most 10 % of its bytes.\n");
}
