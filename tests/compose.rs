//! provisioning/docker-compose.yml read by a real compose parser (docker-compose 1.29.2, installed
//! by `scripts/install-deps compose` into a venv under ~/.cache/triage), and its Prometheus
//! configuration scraping every source the dashboards query, with their labels.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn compose_binary() -> PathBuf {
    let venv = std::env::var_os("TRIAGE_COMPOSE_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
            Some(cache.join("triage/compose-venv"))
        })
        .expect("HOME or XDG_CACHE_HOME is set");
    let binary = venv.join("bin/docker-compose");
    if !binary.is_file() {
        let out = Command::new(Path::new(ROOT).join("scripts/install-deps"))
            .arg("compose")
            .output()
            .expect("run scripts/install-deps compose");
        assert!(
            out.status.success() && binary.is_file(),
            "docker-compose 1.29.2 is needed to validate provisioning/docker-compose.yml and \
             `scripts/install-deps compose` could not install it into {}:\n{}",
            venv.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    binary
}

fn compose(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(compose_binary());
    cmd.current_dir(Path::new(ROOT).join("provisioning"))
        .args(["-f", "docker-compose.yml"])
        .args(args);
    for name in [
        "SLACK_WEBHOOK_URL",
        "PAGERDUTY_INTEGRATION_KEY",
        "GRAFANA_ADMIN_PASSWORD",
    ] {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("run docker-compose")
}

const SECRETS: [(&str, &str); 3] = [
    ("SLACK_WEBHOOK_URL", "https://hooks.slack.test/T0/B0/x"),
    ("PAGERDUTY_INTEGRATION_KEY", "pd-test-key"),
    ("GRAFANA_ADMIN_PASSWORD", "test-password"),
];

#[test]
fn the_compose_file_is_valid_with_its_secrets_set() {
    let out = compose(&SECRETS, &["config", "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The resolved file has every service the dashboards' data comes from.
    let out = compose(&SECRETS, &["config", "--services"]);
    let services = String::from_utf8_lossy(&out.stdout).into_owned();
    for wanted in [
        "alertmanager",
        "gateway-exporter",
        "grafana",
        "jaeger",
        "loki",
        "node-exporter",
        "prometheus",
        "tempo",
    ] {
        assert!(
            services.lines().any(|l| l == wanted),
            "{wanted}: {services}"
        );
    }
}

/// Tempo as compose resolves it: its config file mounted from the repository (an absolute
/// path that exists) where its command reads it, and its API port published on loopback.
#[test]
fn tempo_runs_with_its_mounted_config_on_port_3200() {
    let out = compose(&SECRETS, &["config"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resolved: serde_json::Value =
        yaml_serde::from_str(&String::from_utf8_lossy(&out.stdout)).expect("compose config YAML");
    let tempo = &resolved["services"]["tempo"];
    assert!(
        tempo["image"]
            .as_str()
            .is_some_and(|i| i.starts_with("grafana/tempo:")),
        "{tempo}"
    );
    let command = tempo["command"].to_string();
    assert!(
        command.contains("-config.file=/etc/tempo/tempo.yml"),
        "{command}"
    );
    let volumes = tempo["volumes"].as_array().expect("tempo volumes");
    let source = volumes
        .iter()
        .find_map(|v| {
            // docker-compose 1.x resolves short syntax to `source:target:mode`.
            let text = v.as_str()?;
            let mut parts = text.split(':');
            let source = parts.next()?;
            (parts.next()? == "/etc/tempo/tempo.yml").then(|| source.to_string())
        })
        .unwrap_or_else(|| panic!("nothing mounted at /etc/tempo/tempo.yml: {volumes:?}"));
    let config = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
    assert!(config.contains("http_listen_port: 3200"), "{config}");
    let ports = tempo["ports"].to_string();
    assert!(ports.contains("3200"), "{ports}");
}

/// Grafana refuses an empty Slack URL when it provisions contact points (and stops starting),
/// so compose stops first and names the variable.
#[test]
fn a_missing_secret_stops_compose_with_its_name() {
    for missing in ["SLACK_WEBHOOK_URL", "PAGERDUTY_INTEGRATION_KEY"] {
        let env: Vec<(&str, &str)> = SECRETS
            .iter()
            .copied()
            .filter(|(n, _)| *n != missing)
            .collect();
        let out = compose(&env, &["config", "-q"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "{missing} unset, yet valid");
        assert!(stderr.contains(&format!("set {missing}")), "{stderr}");
        assert!(
            !stderr.contains("hooks.slack.test"),
            "a secret was printed: {stderr}"
        );
    }
}

#[test]
fn grafana_is_the_version_triage_matches() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("provisioning/docker-compose.yml"))
        .unwrap_or_default();
    assert!(text.contains("image: \"grafana/grafana:13.2."), "{text}");
}

/// Every job the dashboards filter on, scraped with the labels they filter by: the platform
/// targets get `environment`/`cluster`, the gateway exporter keeps its fleet's own. A quick
/// reading of the file; tests/compose_scrape.rs runs it with a real Prometheus.
#[test]
fn prometheus_scrapes_every_source_with_the_dashboards_labels() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("provisioning/compose/prometheus.yml"))
        .unwrap_or_default();
    let jobs: Vec<&str> = text.split("  - job_name: ").skip(1).collect();
    let job = |name: &str| {
        jobs.iter()
            .find(|j| j.starts_with(&format!("\"{name}\"")))
            .unwrap_or_else(|| panic!("no job {name} in\n{text}"))
            .to_string()
    };
    for (name, target) in [
        ("prometheus", "prometheus:9090"),
        ("node", "node-exporter:9100"),
        ("alertmanager", "alertmanager:9093"),
    ] {
        let j = job(name);
        assert!(j.contains(target), "{j}");
        assert!(
            j.contains("environment: \"lab\"") && j.contains("cluster: \"local\""),
            "{j}"
        );
    }
    let gateway = job("inference-gateway");
    assert!(gateway.contains("honor_labels: true") && gateway.contains("gateway-exporter:9464"));
    // The platform dashboards select these jobs and the lab environment by default.
    for (file, wanted) in [
        ("layouts/platform/node-exporter.json", "job=\\\"node\\\""),
        (
            "layouts/platform/alertmanager.json",
            "job=\\\"alertmanager\\\"",
        ),
        (
            "layouts/platform/prometheus-health.json",
            "job=\\\"prometheus\\\"",
        ),
    ] {
        let layout = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap_or_default();
        assert!(layout.contains(wanted), "{file} queries {wanted}");
    }
}

fn provisioning_yaml(file: &str) -> serde_json::Value {
    let path = Path::new(ROOT).join("provisioning").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The part of a document from `heading` to the next heading of the same or a higher level.
fn section(doc: &str, heading: &str) -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join(doc)).unwrap_or_default();
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("{doc} has no {heading:?}"));
    let level = heading.split(' ').next().unwrap_or("#");
    let rest = &text[start + heading.len() + 2..];
    let end = rest
        .match_indices('\n')
        .map(|(at, _)| at + 1)
        .find(|&at| {
            let line = &rest[at..];
            line.starts_with('#')
                && line
                    .split(' ')
                    .next()
                    .is_some_and(|h| h.len() <= level.len())
        })
        .unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The alert channels the documents name are the provisioned ones: every Grafana contact point
/// and compose Alertmanager receiver is named in the README's alert routing and listed in
/// docs/dashboards.md, and every Slack channel the routing names is a contact point's.
#[test]
fn documented_alert_channels_are_the_provisioned_ones() {
    let contact_points = provisioning_yaml("grafana/alerting/contact-points.yml");
    let mut names = Vec::new();
    let mut channels = Vec::new();
    for point in contact_points["contactPoints"]
        .as_array()
        .expect("contact points")
    {
        names.push(point["name"].as_str().expect("a name").to_string());
        for receiver in point["receivers"].as_array().into_iter().flatten() {
            channels.extend(
                receiver["settings"]["recipient"]
                    .as_str()
                    .map(str::to_string),
            );
        }
    }
    let alertmanager = provisioning_yaml("compose/alertmanager.yml");
    for receiver in alertmanager["receivers"].as_array().expect("receivers") {
        names.push(receiver["name"].as_str().expect("a name").to_string());
    }
    assert!(
        names.len() >= 3 && !channels.is_empty(),
        "{names:?} {channels:?}"
    );

    let routing = section("README.md", "### Alert routing");
    for name in &names {
        assert!(
            routing.contains(&format!("`{name}`")),
            "README's alert routing never names `{name}`:\n{routing}"
        );
    }
    for channel in &channels {
        assert!(
            routing.contains(channel.as_str()),
            "README's alert routing never names {channel}"
        );
    }
    let named_channels = routing
        .split(|c: char| c.is_whitespace() || "`()[],".contains(c))
        .filter(|w| w.starts_with('#') && w.len() > 1);
    for channel in named_channels {
        assert!(
            channels.iter().any(|c| c == channel),
            "README's alert routing names {channel}; the contact points send to {channels:?}"
        );
    }

    let listed: Vec<String> = section("docs/dashboards.md", "### Owners and channels")
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next().map(str::to_string))
        .collect();
    let mut wanted = names.clone();
    wanted.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    assert_eq!(listed_sorted, wanted, "docs/dashboards.md's alert names");
}
