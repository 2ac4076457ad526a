//! Starts the demo world: the in-process exporter, a real Prometheus with backfilled history and
//! the repository's rules, plus node_exporter and Alertmanager when installed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::backfill::{History, HistoryStats, generate_history};
use super::error::DemoError;
use super::exporter::{ALERT_WEBHOOK_PATH, Exporter, LiveWorld, unix_now};
use super::http;
use super::process::{ChildProcess, find_on_path, log_tail};
use super::scenario::Scenario;
use super::world::{TICK_SECONDS, World};

/// The repository's Prometheus rules, embedded so the binary works from any directory.
pub const RULE_FILES: [(&str, &str); 2] = [
    (
        "inference-gateway-slo.yml",
        include_str!("../../provisioning/prometheus/rules/inference-gateway-slo.yml"),
    ),
    (
        "inference-gateway-alerts.yml",
        include_str!("../../provisioning/prometheus/rules/inference-gateway-alerts.yml"),
    ),
];

/// Scrape job of the synthetic gateway (dashboards and tests look for it).
pub const EXPORTER_JOB: &str = super::world::JOB;
/// `environment` and `cluster` labels of the demo's own Prometheus, node_exporter and
/// Alertmanager targets.
pub const PLATFORM_ENVIRONMENT: &str = "lab";
pub const PLATFORM_CLUSTER: &str = "local";

#[derive(Debug, Clone)]
pub struct StackOptions {
    pub scenario: Scenario,
    /// Backfill 6 h of raw history and 30 days of `slo:*` series.
    pub history: bool,
    /// Start Alertmanager if `prometheus-alertmanager` is installed.
    pub alertmanager: bool,
    /// Start node_exporter if `prometheus-node-exporter` is installed.
    pub node_exporter: bool,
    /// Wait until Prometheus has scraped the exporter once (up to one scrape interval).
    pub wait_for_first_scrape: bool,
    /// promtool processes building blocks in parallel.
    pub backfill_jobs: usize,
}

impl Default for StackOptions {
    fn default() -> Self {
        StackOptions {
            scenario: Scenario::default(),
            history: true,
            alertmanager: true,
            node_exporter: true,
            wait_for_first_scrape: true,
            backfill_jobs: 2,
        }
    }
}

/// A running demo stack. `shutdown` stops it cleanly; dropping it kills the children and removes
/// the working directory too.
pub struct Stack {
    pub prometheus_url: String,
    pub exporter_url: String,
    pub alertmanager_url: Option<String>,
    pub node_exporter_url: Option<String>,
    /// The Loki and Jaeger STAND-IN (one small server; see `standin`).
    pub standin_url: Option<String>,
    standin: Option<super::standin::StandIn>,
    /// The Tempo STAND-IN: a second instance answering Tempo's API (its `/api/traces/<id>`
    /// is Jaeger's path with another shape, so one server cannot answer both).
    pub tempo_url: Option<String>,
    tempo: Option<super::standin::StandIn>,
    /// Temporary directory with configs, data and the children's logs.
    pub workdir: PathBuf,
    /// How long each start-up step took, in order.
    pub timings: Vec<(String, Duration)>,
    pub history: Option<HistoryStats>,
    children: Vec<ChildProcess>,
    exporter: Option<Exporter>,
    remove_workdir: bool,
}

fn free_port() -> Result<u16, DemoError> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| DemoError::io("finding a free port", e))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| DemoError::io("finding a free port", e))
}

/// Removes working directories left by demos that were killed (SIGKILL leaves no chance to clean
/// up): `triage-demo-<pid>-*` whose process no longer exists.
fn remove_stale_workdirs(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix("triage-demo-")) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn make_workdir() -> Result<PathBuf, DemoError> {
    remove_stale_workdirs(&std::env::temp_dir());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("triage-demo-{}-{nanos:08x}", std::process::id()));
    std::fs::create_dir_all(dir.join("data"))
        .and_then(|_| std::fs::create_dir_all(dir.join("rules")))
        .map_err(|e| DemoError::io(format!("creating {}", dir.display()), e))?;
    Ok(dir)
}

fn write_file(path: &Path, text: &str) -> Result<(), DemoError> {
    std::fs::write(path, text).map_err(|e| DemoError::io(format!("writing {}", path.display()), e))
}

fn required(binary: &'static str, package: &'static str) -> Result<PathBuf, DemoError> {
    find_on_path(binary).ok_or(DemoError::MissingBinary { binary, package })
}

/// prometheus.yml for the stack. External labels as an HA pair has them: Prometheus adds
/// them to the alerts it sends Alertmanager (not to its own alert list).
pub fn prometheus_config(
    prometheus_port: u16,
    exporter_port: u16,
    node_exporter_port: Option<u16>,
    alertmanager_port: Option<u16>,
) -> String {
    let mut yml = String::from(
        "# Written by triage demo.\n\
         global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n\
         \x20 external_labels: {prometheus: demo, replica: demo-0}\n\
         rule_files:\n  - rules/*.yml\n",
    );
    if let Some(port) = alertmanager_port {
        yml.push_str(&format!(
            "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:{port}']\n"
        ));
    }
    yml.push_str("scrape_configs:\n");
    // honor_labels: the gateway exporter speaks for several instances and sets `instance` itself.
    yml.push_str(&format!(
        "  - job_name: {EXPORTER_JOB}\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:{exporter_port}']\n"
    ));
    // The monitoring stack itself is labelled like any target, so the platform dashboards'
    // environment and cluster variables select it.
    let mut platform = |job: &str, port: u16| {
        yml.push_str(&format!(
            "  - job_name: {job}\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n        labels: {{environment: {PLATFORM_ENVIRONMENT}, cluster: {PLATFORM_CLUSTER}}}\n"
        ));
    };
    platform("prometheus", prometheus_port);
    if let Some(port) = node_exporter_port {
        platform("node", port);
    }
    if let Some(port) = alertmanager_port {
        platform("alertmanager", port);
    }
    yml
}

/// alertmanager.yml for the stack: every notification goes to the exporter's webhook, which
/// drops it (nothing leaves the machine, but Alertmanager's delivery metrics are real).
pub fn alertmanager_config(exporter_port: u16) -> String {
    format!(
        "# Written by triage demo: notifications are delivered to the demo exporter and dropped.\n\
route:\n  receiver: demo-webhook\n  group_by: [alertname, environment, cluster]\n  group_wait: 5s\n  group_interval: 30s\n  repeat_interval: 4h\n\
receivers:\n  - name: demo-webhook\n    webhook_configs:\n      - url: http://127.0.0.1:{exporter_port}{ALERT_WEBHOOK_PATH}\n        send_resolved: true\n"
    )
}

/// Polls `url` until it answers 200, the child exits, or `timeout` passes.
async fn wait_ready(
    child: &mut ChildProcess,
    url: &str,
    timeout: Duration,
) -> Result<(), DemoError> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.exited() {
            return Err(DemoError::NotReady {
                what: child.name.clone(),
                detail: format!("exited with {status}"),
                log: child.log_tail(15),
            });
        }
        let last = match http::get(url, None, Duration::from_secs(2)).await {
            Ok((200, _)) => return Ok(()),
            Ok((status, body)) => format!("HTTP {status}: {}", body.trim()),
            Err(e) => e,
        };
        if Instant::now() >= deadline {
            return Err(DemoError::NotReady {
                what: child.name.clone(),
                detail: format!("{url} not ready after {timeout:?} ({last})"),
                log: child.log_tail(15),
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Attempts at starting a child on a freshly picked port before giving up.
const PORT_ATTEMPTS: usize = 3;

/// Starts a child on a port picked free just before and waits until `ready_path` answers.
/// Another process can take the port in between (test binaries start stacks in parallel), so a
/// child that dies with "address already in use" is started again on another port. `args_for`
/// gives the arguments for a port (and writes any config file that names it).
async fn spawn_listening(
    children: &mut Vec<ChildProcess>,
    name: &str,
    program: &Path,
    workdir: &Path,
    ready_path: &str,
    args_for: &dyn Fn(u16) -> Result<Vec<String>, DemoError>,
) -> Result<u16, DemoError> {
    let mut attempt = 1;
    loop {
        let port = free_port()?;
        let mut child = ChildProcess::spawn(name, program, &args_for(port)?, workdir)?;
        let url = format!("http://127.0.0.1:{port}{ready_path}");
        match wait_ready(&mut child, &url, Duration::from_secs(60)).await {
            Ok(()) => {
                children.push(child);
                return Ok(port);
            }
            Err(DemoError::NotReady { log, .. })
                if attempt < PORT_ATTEMPTS && log.contains("address already in use") =>
            {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The ports Prometheus scrapes (and, for Alertmanager, notifies).
#[derive(Debug, Clone, Copy)]
struct ScrapePorts {
    exporter: u16,
    node_exporter: Option<u16>,
    alertmanager: Option<u16>,
}

/// A generated history with its part files, as written by [`write_history_parts`].
struct WrittenHistory {
    history: History,
    paths: Vec<PathBuf>,
    /// Bytes written per part file.
    results: Vec<std::io::Result<u64>>,
    generate_time: Duration,
    write_time: Duration,
}

/// Generates the history ending at `end_tick` and writes it as `jobs` OpenMetrics files in
/// `dir`, one thread per file.
fn write_history_parts(world: &World, end_tick: i64, dir: &Path, jobs: usize) -> WrittenHistory {
    let started = Instant::now();
    let history = generate_history(world, end_tick);
    let generate_time = started.elapsed();
    let written = Instant::now();
    let paths: Vec<PathBuf> = (0..jobs)
        .map(|p| dir.join(format!("history-{p}.om")))
        .collect();
    let results: Vec<std::io::Result<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .iter()
            .enumerate()
            .map(|(p, path)| {
                let history = &history;
                scope.spawn(move || {
                    let file = std::fs::File::create(path)?;
                    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
                    history.write_part(p, jobs, &mut out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("history writer panicked")))
            })
            .collect()
    });
    WrittenHistory {
        history,
        paths,
        results,
        generate_time,
        write_time: written.elapsed(),
    }
}

/// Runs one promtool per history file, in parallel, building blocks in `workdir/data`.
async fn build_blocks(promtool: &Path, paths: &[PathBuf], workdir: &Path) -> Result<(), DemoError> {
    let data = workdir.join("data");
    let mut builders = Vec::new();
    for (p, path) in paths.iter().enumerate() {
        let args = vec![
            "tsdb".to_string(),
            "create-blocks-from".to_string(),
            "openmetrics".to_string(),
            // One block for the whole range: the default re-reads the input per 2 h block.
            "--max-block-duration=744h".to_string(),
            path.display().to_string(),
            data.display().to_string(),
        ];
        let name = format!("promtool-{p}");
        builders.push(ChildProcess::spawn(&name, promtool, &args, workdir)?);
    }
    for builder in &mut builders {
        match builder.wait(Duration::from_secs(120)).await {
            Some(status) if status.success() => {}
            Some(status) => {
                return Err(DemoError::Backfill {
                    detail: format!("{} exited with {status}", builder.name),
                    log: builder.log_tail(10),
                });
            }
            None => {
                return Err(DemoError::Backfill {
                    detail: format!("{} took over 120 s", builder.name),
                    log: builder.log_tail(10),
                });
            }
        }
    }
    Ok(())
}

impl Stack {
    /// Starts everything; `progress` hears one line per step.
    pub async fn start(opts: StackOptions, progress: &dyn Fn(&str)) -> Result<Stack, DemoError> {
        let started = Instant::now();
        let mut step = Instant::now();
        let prometheus = required("prometheus", "prometheus")?;
        let promtool = required("promtool", "prometheus")?;
        let node_exporter = opts
            .node_exporter
            .then(|| find_on_path("prometheus-node-exporter"))
            .flatten();
        let alertmanager = opts
            .alertmanager
            .then(|| find_on_path("prometheus-alertmanager"))
            .flatten();
        let workdir = make_workdir()?;
        let mut stack = Stack {
            prometheus_url: String::new(),
            exporter_url: String::new(),
            alertmanager_url: None,
            node_exporter_url: None,
            standin_url: None,
            standin: None,
            tempo_url: None,
            tempo: None,
            workdir: workdir.clone(),
            timings: Vec::new(),
            history: None,
            children: Vec::new(),
            exporter: None,
            remove_workdir: true,
        };
        progress(&format!("working directory {}", workdir.display()));

        let world = World::new(opts.scenario);
        let live = Arc::new(LiveWorld::new(world.clone(), None));
        let exporter_port = stack.start_exporter(live.clone(), progress).await?;

        // Helpers start first: they are up in well under a second, before the backfill.
        let node_exporter_port = match node_exporter {
            Some(bin) => Some(stack.start_node_exporter(&bin).await?),
            None if opts.node_exporter => {
                progress("prometheus-node-exporter not installed: skipping node_exporter");
                None
            }
            None => None,
        };
        let alertmanager_port = match alertmanager {
            Some(bin) => Some(stack.start_alertmanager(&bin, exporter_port).await?),
            None if opts.alertmanager => {
                progress("prometheus-alertmanager not installed: skipping Alertmanager");
                None
            }
            None => None,
        };
        stack
            .timings
            .push(("exporter and helpers".into(), step.elapsed()));

        if opts.history {
            stack
                .backfill(world, &live, &promtool, opts.backfill_jobs, progress)
                .await?;
        }

        step = Instant::now();
        let ports = ScrapePorts {
            exporter: exporter_port,
            node_exporter: node_exporter_port,
            alertmanager: alertmanager_port,
        };
        stack.start_prometheus(&prometheus, ports).await?;
        stack
            .timings
            .push(("prometheus ready".into(), step.elapsed()));
        progress(&format!("prometheus: {}", stack.prometheus_url));
        stack.start_standin(opts.scenario).await?;

        if opts.wait_for_first_scrape {
            step = Instant::now();
            progress("waiting for the first scrape of the exporter");
            stack.wait_for_first_scrape(Duration::from_secs(60)).await?;
            stack.timings.push(("first scrape".into(), step.elapsed()));
        }
        stack.timings.push(("total".into(), started.elapsed()));
        Ok(stack)
    }

    /// Starts the in-process exporter of `live`; returns its port.
    async fn start_exporter(
        &mut self,
        live: Arc<LiveWorld>,
        progress: &dyn Fn(&str),
    ) -> Result<u16, DemoError> {
        let exporter = Exporter::start(live)
            .await
            .map_err(|e| DemoError::io("starting the exporter", e))?;
        let exporter_port = exporter.port;
        self.exporter_url = exporter.url.clone();
        self.exporter = Some(exporter);
        progress(&format!("exporter: {}", self.exporter_url));
        Ok(exporter_port)
    }

    /// Starts node_exporter; returns its port.
    async fn start_node_exporter(&mut self, bin: &Path) -> Result<u16, DemoError> {
        let port = spawn_listening(
            &mut self.children,
            "node_exporter",
            bin,
            &self.workdir,
            "/",
            &|port| {
                Ok(vec![
                    format!("--web.listen-address=127.0.0.1:{port}"),
                    "--no-collector.systemd".to_string(),
                ])
            },
        )
        .await?;
        self.node_exporter_url = Some(format!("http://127.0.0.1:{port}"));
        Ok(port)
    }

    /// Starts Alertmanager, delivering to the exporter's webhook; returns its port.
    async fn start_alertmanager(
        &mut self,
        bin: &Path,
        exporter_port: u16,
    ) -> Result<u16, DemoError> {
        let workdir = &self.workdir;
        let dir = workdir.join("alertmanager");
        std::fs::create_dir_all(&dir)
            .map_err(|e| DemoError::io(format!("creating {}", dir.display()), e))?;
        let config = workdir.join("alertmanager.yml");
        write_file(&config, &alertmanager_config(exporter_port))?;
        let port = spawn_listening(
            &mut self.children,
            "alertmanager",
            bin,
            workdir,
            "/-/ready",
            &|port| {
                Ok(vec![
                    format!("--config.file={}", config.display()),
                    format!("--storage.path={}", dir.display()),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                    // Empty: no cluster listener (it would bind on all interfaces).
                    "--cluster.listen-address=".to_string(),
                ])
            },
        )
        .await?;
        self.alertmanager_url = Some(format!("http://127.0.0.1:{port}"));
        Ok(port)
    }

    /// Generates the history, writes it in `jobs` parts and has promtool build blocks from them
    /// in the data directory; the live world continues from the history's last tick.
    async fn backfill(
        &mut self,
        world: World,
        live: &LiveWorld,
        promtool: &Path,
        jobs: usize,
        progress: &dyn Fn(&str),
    ) -> Result<(), DemoError> {
        // History ends at the last tick boundary; live scrapes continue after it.
        let end_tick = (unix_now() / TICK_SECONDS as f64).floor() as i64;
        let jobs = jobs.clamp(1, 8);
        let dir = self.workdir.clone();
        progress("generating history (6 h raw, 30 d slo:*)");
        let generated =
            tokio::task::spawn_blocking(move || write_history_parts(&world, end_tick, &dir, jobs))
                .await
                .map_err(|e| DemoError::io("generating history", std::io::Error::other(e)))?;
        let mut stats = generated.history.stats();
        for r in generated.results {
            stats.bytes += r.map_err(|e| DemoError::io("writing history", e))?;
        }
        live.set_state(generated.history.state);
        self.history = Some(stats);
        self.timings
            .push(("generate history".into(), generated.generate_time));
        self.timings
            .push(("write history files".into(), generated.write_time));
        progress(&format!(
            "history: {} series, {} samples, {} MB; building blocks with promtool",
            stats.series,
            stats.samples,
            stats.bytes / 1_000_000
        ));

        let step = Instant::now();
        build_blocks(promtool, &generated.paths, &self.workdir).await?;
        for path in &generated.paths {
            let _ = std::fs::remove_file(path);
        }
        self.timings
            .push(("promtool blocks".into(), step.elapsed()));
        Ok(())
    }

    /// Writes the rule files and the config and starts Prometheus scraping `ports`.
    async fn start_prometheus(
        &mut self,
        prometheus: &Path,
        ports: ScrapePorts,
    ) -> Result<(), DemoError> {
        let workdir = &self.workdir;
        for (name, text) in RULE_FILES {
            write_file(&workdir.join("rules").join(name), text)?;
        }
        let config = workdir.join("prometheus.yml");
        let data = workdir.join("data");
        let prometheus_port = spawn_listening(
            &mut self.children,
            "prometheus",
            prometheus,
            workdir,
            "/-/ready",
            &|port| {
                write_file(
                    &config,
                    &prometheus_config(
                        port,
                        ports.exporter,
                        ports.node_exporter,
                        ports.alertmanager,
                    ),
                )?;
                Ok(vec![
                    format!("--config.file={}", config.display()),
                    format!("--storage.tsdb.path={}", data.display()),
                    format!("--web.listen-address=127.0.0.1:{port}"),
                    // Longer than the history, or the backfilled blocks are deleted at start.
                    "--storage.tsdb.retention.time=90d".to_string(),
                    "--enable-feature=exemplar-storage".to_string(),
                    // Without it the first notification to Alertmanager waits about a minute.
                    "--rules.alert.resend-delay=2s".to_string(),
                    // Hidden flag (default 5 s): targets are handed to the scrapers sooner.
                    "--scrape.discovery-reload-interval=1s".to_string(),
                ])
            },
        )
        .await?;
        self.prometheus_url = format!("http://127.0.0.1:{prometheus_port}");
        Ok(())
    }

    /// Loki, Jaeger and Tempo cannot be installed here: stand-ins answer their APIs from the
    /// same world, with traces from the exemplars Prometheus stores.
    async fn start_standin(&mut self, scenario: Scenario) -> Result<(), DemoError> {
        use super::standin::{StandIn, StandInOptions, TraceApi};
        let prometheus = Some(self.prometheus_url.as_str());
        let standin = StandIn::start(World::new(scenario), prometheus)
            .await
            .map_err(|e| DemoError::io("starting the Loki/Jaeger stand-in", e))?;
        self.standin_url = Some(standin.url.clone());
        self.standin = Some(standin);
        let options = StandInOptions {
            traces: TraceApi::Tempo,
            ..StandInOptions::default()
        };
        let tempo = StandIn::start_with(World::new(scenario), prometheus, options)
            .await
            .map_err(|e| DemoError::io("starting the Tempo stand-in", e))?;
        self.tempo_url = Some(tempo.url.clone());
        self.tempo = Some(tempo);
        Ok(())
    }

    async fn wait_for_first_scrape(&mut self, timeout: Duration) -> Result<(), DemoError> {
        let query = format!("up{{job=\"{EXPORTER_JOB}\"}} == 1");
        let url = format!(
            "{}/api/v1/query?query={}",
            self.prometheus_url,
            http::encode_query_value(&query)
        );
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(v) = http::get_json(&url, Duration::from_secs(2)).await
                && v["data"]["result"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty())
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(DemoError::NotReady {
                    what: "prometheus".into(),
                    detail: format!("no successful scrape of the exporter within {timeout:?}"),
                    log: log_tail(&self.workdir.join("prometheus.log"), 15),
                });
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// PIDs of the running children (for tests and diagnostics).
    pub fn child_pids(&self) -> Vec<u32> {
        self.children.iter().filter_map(ChildProcess::pid).collect()
    }

    /// Stops the children (SIGTERM, then SIGKILL after 5 s), the exporter, and removes the
    /// working directory.
    pub async fn shutdown(mut self) {
        // Prometheus first, so it does not log failed scrapes of what stops before it.
        while let Some(mut child) = self.children.pop() {
            child.terminate(Duration::from_secs(5)).await;
        }
        if let Some(exporter) = self.exporter.take() {
            exporter.stop().await;
        }
        if self.remove_workdir {
            let _ = std::fs::remove_dir_all(&self.workdir);
            self.remove_workdir = false;
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        while let Some(mut child) = self.children.pop() {
            child.kill_now();
        }
        self.exporter.take();
        if self.remove_workdir {
            let _ = std::fs::remove_dir_all(&self.workdir);
        }
    }
}

/// `triage demo --no-tui`: start, print the URLs, run until Ctrl-C or SIGTERM, shut down.
pub async fn run_headless(opts: StackOptions) -> Result<(), DemoError> {
    let stack = Stack::start(opts, &|line| eprintln!("{line}")).await?;
    println!("prometheus: {}", stack.prometheus_url);
    println!("exporter: {}", stack.exporter_url);
    if let Some(url) = &stack.alertmanager_url {
        println!("alertmanager: {url}");
    }
    if let Some(url) = &stack.node_exporter_url {
        println!("node_exporter: {url}");
    }
    if let Some(url) = &stack.standin_url {
        println!("loki: {url} (stand-in)");
        println!("jaeger: {url} (stand-in)");
    }
    if let Some(url) = &stack.tempo_url {
        println!("tempo: {url} (stand-in)");
    }
    for (what, took) in &stack.timings {
        eprintln!("{what}: {:.2} s", took.as_secs_f64());
    }
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| DemoError::io("listening for SIGTERM", e))?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    eprintln!("shutting down");
    stack.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts `script` (a shell line) through `spawn_listening` and counts the attempts.
    async fn attempts_of(script: &str) -> (Result<u16, DemoError>, usize) {
        let dir = std::env::temp_dir().join(format!(
            "triage-spawn-test-{}-{}",
            std::process::id(),
            script.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let counter = dir.join("attempts");
        let line = format!("echo x >> '{}'; {script}", counter.display());
        let mut children = Vec::new();
        let result = spawn_listening(
            &mut children,
            "fake",
            Path::new("/bin/sh"),
            &dir,
            "/",
            &|_| Ok(vec!["-c".to_string(), line.clone()]),
        )
        .await;
        let attempts = std::fs::read_to_string(&counter)
            .unwrap_or_default()
            .lines()
            .count();
        let _ = std::fs::remove_dir_all(&dir);
        (result, attempts)
    }

    #[tokio::test]
    async fn a_port_taken_in_between_is_tried_again_and_other_failures_are_not() {
        let (result, attempts) =
            attempts_of("echo 'listen tcp 127.0.0.1:1: bind: address already in use'; exit 1")
                .await;
        assert_eq!(attempts, PORT_ATTEMPTS, "one start per fresh port");
        let error = result.unwrap_err().to_string();
        assert!(error.contains("address already in use"), "{error}");
        let (result, attempts) = attempts_of("echo 'bad flag'; exit 2").await;
        assert_eq!(attempts, 1, "only a taken port is worth another try");
        assert!(result.unwrap_err().to_string().contains("bad flag"));
    }

    #[test]
    fn config_scrapes_everything_and_honours_labels() {
        let yml = prometheus_config(9090, 9100, Some(9200), Some(9300));
        assert!(yml.contains("scrape_interval: 15s"));
        assert!(yml.contains("job_name: inference-gateway\n    honor_labels: true"));
        assert!(yml.contains("127.0.0.1:9100"));
        assert!(yml.contains("127.0.0.1:9200"));
        assert!(yml.contains("targets: ['127.0.0.1:9300']"));
        assert!(yml.contains("job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:9200']\n        labels: {environment: lab, cluster: local}"));
        let bare = prometheus_config(9090, 9100, None, None);
        assert!(!bare.contains("alerting"));
        assert!(!bare.contains("job_name: node"));
    }

    #[test]
    fn stale_workdirs_of_dead_processes_are_removed() {
        let temp = std::env::temp_dir().join(format!("triage-stale-test-{}", std::process::id()));
        // PIDs above the kernel's maximum (4194304) never exist.
        let dead = temp.join("triage-demo-4999999-0000abcd");
        let alive = temp.join(format!("triage-demo-{}-0000abcd", std::process::id()));
        let other = temp.join("unrelated-4999999");
        for dir in [&dead, &alive, &other] {
            let _ = std::fs::create_dir_all(dir.join("data"));
        }
        remove_stale_workdirs(&temp);
        assert!(!dead.exists());
        assert!(alive.exists());
        assert!(other.exists());
        let _ = std::fs::remove_dir_all(&temp);
    }

    #[test]
    fn rules_are_embedded() {
        assert!(RULE_FILES[0].1.contains("slo:sli_error:ratio_rate5m"));
        assert!(RULE_FILES[1].1.contains("InferenceGatewayHighLatencyP99"));
    }
}
