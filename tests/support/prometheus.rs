//! A real Prometheus on 127.0.0.1 for one test: its own port, folder and configuration,
//! stopped and removed when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Prometheus {
    child: Child,
    pub url: String,
    /// Its folder: the configuration, `data/`, and whatever the test puts there.
    pub dir: PathBuf,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A free port on 127.0.0.1 (the listener is closed again at once).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A folder of its own for a test's Prometheus (`tag` names it), emptied first; tests of one
/// binary run at once, so each call gets its own.
pub fn prometheus_dir(tag: &str) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("triage-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    dir
}

/// Start Prometheus in `dir` with the configuration `config(port, dir)` and the extra flags,
/// once `/-/ready` answers.
pub fn start_prometheus_in(
    dir: PathBuf,
    config: impl Fn(u16, &Path) -> String,
    extra_flags: &[&str],
) -> Prometheus {
    let port = free_port();
    let config_file = dir.join("prometheus.yml");
    std::fs::write(&config_file, config(port, &dir)).unwrap();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", config_file.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .args(extra_flags)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus is installed (scripts/install-deps)");
    let prometheus = Prometheus {
        child,
        url: format!("http://127.0.0.1:{port}"),
        dir,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !Command::new("curl")
        .args([
            "-sf",
            "-o",
            "/dev/null",
            &format!("{}/-/ready", prometheus.url),
        ])
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(Instant::now() < deadline, "Prometheus did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    prometheus
}

/// [`start_prometheus_in`] a fresh folder named by `tag`.
pub fn start_prometheus(tag: &str, config: impl Fn(u16, &Path) -> String) -> Prometheus {
    start_prometheus_in(prometheus_dir(tag), config, &[])
}

/// A configuration scraping Prometheus itself every `every`, with more `global` lines.
pub fn self_scrape_config(port: u16, every: &str, more_global: &str) -> String {
    format!(
        "global:\n  scrape_interval: {every}\n{more_global}scrape_configs:\n  - job_name: prometheus\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
    )
}

/// A Prometheus scraping itself every second, returned once its own `up` series exists.
pub fn start_self_scraping(tag: &str) -> Prometheus {
    let prometheus = start_prometheus(tag, |port, _| self_scrape_config(port, "1s", ""));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = Command::new("curl")
            .args(["-sf", &format!("{}/api/v1/query?query=up", prometheus.url)])
            .output();
        if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("\"job\"")) {
            return prometheus;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus did not scrape itself"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
