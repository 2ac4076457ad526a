//! `docker-compose.yml` with the configs of its Prometheus, Alertmanager and Tempo: a local
//! stack that runs the generated provisioning.

use super::super::config::ProvisionConfig;
use super::super::yaml::Node;
use super::GRAFANA_DASHBOARDS_DIR;

/// `host:port` of a datasource URL, for the compose file's service names.
pub fn url_host_port(url: &str) -> Option<(String, u16)> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split('/').next()?;
    let authority = authority.rsplit('@').next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().ok()?),
        None if url.starts_with("https") => (authority.to_string(), 443),
        None => (authority.to_string(), 80),
    };
    (!host.is_empty()).then_some((host, port))
}

/// The synthetic gateway (`triage demo --exporter-only`, built from this repository), and
/// node_exporter: the compose stack's stand-ins for the real fleet, scraped like it.
pub const GATEWAY_EXPORTER: (&str, u16) = ("gateway-exporter", 9464);
pub const NODE_EXPORTER: (&str, u16) = ("node-exporter", 9100);
const NODE_EXPORTER_IMAGE: &str = "prom/node-exporter:v1.7.0";
/// `environment` and `cluster` of the stack's own targets, as the platform dashboards filter
/// (the same as `triage demo`'s).
const PLATFORM_LABELS: (&str, &str) = ("lab", "local");

/// One scrape job of static targets; `labels` are the platform labels, `honor` keeps the
/// target's own (the gateway exporter speaks for a fleet and sets instance, environment, cluster).
fn scrape_job(job: &str, target: &str, honor: bool) -> Node {
    let mut group = Node::map().with("targets", Node::strs(&[target]));
    if !honor {
        group = group.with(
            "labels",
            Node::map()
                .with("environment", Node::str(PLATFORM_LABELS.0))
                .with("cluster", Node::str(PLATFORM_LABELS.1)),
        );
    }
    let mut job_node = Node::map().with("job_name", Node::str(job));
    if honor {
        job_node = job_node.with("honor_labels", Node::Bool(true));
    }
    job_node.with("static_configs", Node::List(vec![group]))
}

pub(super) fn compose_prometheus(config: &ProvisionConfig) -> Node {
    let target = |url: &str| {
        url_host_port(url)
            .map(|(h, p)| format!("{h}:{p}"))
            .unwrap_or_default()
    };
    let prometheus = target(&config.datasources.prometheus.url);
    let alertmanager = target(&config.datasources.alertmanager.url);
    Node::map()
        .with(
            "global",
            Node::map()
                .with(
                    "scrape_interval",
                    Node::str(
                        config
                            .datasources
                            .prometheus
                            .scrape_interval
                            .as_deref()
                            .unwrap_or("15s"),
                    ),
                )
                .with("evaluation_interval", Node::str("30s")),
        )
        .with("rule_files", Node::strs(&["/etc/prometheus/rules/*.yml"]))
        .with(
            "alerting",
            Node::map().with(
                "alertmanagers",
                Node::List(vec![Node::map().with(
                    "static_configs",
                    Node::List(vec![
                        Node::map().with("targets", Node::strs(&[alertmanager.as_str()])),
                    ]),
                )]),
            ),
        )
        .with(
            "scrape_configs",
            Node::List(vec![
                scrape_job("prometheus", &prometheus, false),
                scrape_job(
                    "inference-gateway",
                    &format!("{}:{}", GATEWAY_EXPORTER.0, GATEWAY_EXPORTER.1),
                    true,
                ),
                scrape_job(
                    "node",
                    &format!("{}:{}", NODE_EXPORTER.0, NODE_EXPORTER.1),
                    false,
                ),
                scrape_job("alertmanager", &alertmanager, false),
            ]),
        )
}

/// Tempo's own config (`compose/tempo.yml`): its API on the datasource's port, OTLP receivers
/// on the standard ports for anything in the stack that sends spans, blocks on local disk.
/// The keys are Tempo 2.3's (docs: configuration, `server`, `distributor`, `storage.trace`).
pub(super) fn compose_tempo(port: u16) -> Node {
    let receiver = |endpoint: &str| Node::map().with("endpoint", Node::str(endpoint));
    Node::map()
        .with(
            "server",
            Node::map().with("http_listen_port", Node::Int(port.into())),
        )
        .with(
            "distributor",
            Node::map().with(
                "receivers",
                Node::map().with(
                    "otlp",
                    Node::map().with(
                        "protocols",
                        Node::map()
                            .with("grpc", receiver("0.0.0.0:4317"))
                            .with("http", receiver("0.0.0.0:4318")),
                    ),
                ),
            ),
        )
        .with(
            "storage",
            Node::map().with(
                "trace",
                Node::map()
                    .with("backend", Node::str("local"))
                    // /tmp: writable whichever user the image runs as.
                    .with("wal", Node::map().with("path", Node::str("/tmp/tempo/wal")))
                    .with(
                        "local",
                        Node::map().with("path", Node::str("/tmp/tempo/blocks")),
                    ),
            ),
        )
}

/// Where the compose file mounts `compose/tempo.yml` inside the Tempo container.
const TEMPO_CONFIG: &str = "/etc/tempo/tempo.yml";

pub(super) fn compose_alertmanager() -> Node {
    // Grafana notifies people; Alertmanager only collects Prometheus's own alerts here, so
    // the Alertmanager datasource can show them.
    Node::map()
        .with(
            "route",
            Node::map()
                .with("receiver", Node::str("collect-only"))
                .with(
                    "group_by",
                    Node::strs(&["alertname", "environment", "cluster"]),
                ),
        )
        .with(
            "receivers",
            Node::List(vec![Node::map().with("name", Node::str("collect-only"))]),
        )
}

/// A port published on the loopback interface only.
fn loopback_port(p: u16) -> Node {
    Node::strs(&[format!("127.0.0.1:{p}:{p}")])
}

pub(super) fn compose(config: &ProvisionConfig) -> Result<Node, String> {
    let ds = &config.datasources;
    let service_of = |what: &str, url: &str| {
        url_host_port(url).ok_or_else(|| {
            format!(
                "datasources.{what}.url {:?} has no host",
                crate::net::sanitize::redact_url(url)
            )
        })
    };
    let (prometheus_host, prometheus_port) = service_of("prometheus", &ds.prometheus.url)?;
    let (loki_host, loki_port) = service_of("loki", &ds.loki.url)?;
    let (traces_host, traces_port) = service_of("traces", &ds.traces.url)?;
    let (am_host, am_port) = service_of("alertmanager", &ds.alertmanager.url)?;
    let tempo = match &ds.tempo {
        Some(tempo) => Some(service_of("tempo", &tempo.url)?),
        None => None,
    };
    let mut depends_on = vec![
        am_host.as_str(),
        traces_host.as_str(),
        loki_host.as_str(),
        prometheus_host.as_str(),
    ];
    depends_on.extend(tempo.as_ref().map(|(host, _)| host.as_str()));
    let mut services = vec![
        (GATEWAY_EXPORTER.0.to_string(), gateway_exporter_service()),
        (NODE_EXPORTER.0.to_string(), node_exporter_service()),
        (am_host.clone(), alertmanager_service(config, am_port)),
        ("grafana".to_string(), grafana_service(config, &depends_on)),
        (traces_host.clone(), jaeger_service(config, traces_port)),
        (loki_host.clone(), loki_service(config, loki_port)),
        (
            prometheus_host.clone(),
            prometheus_service(config, prometheus_port),
        ),
    ];
    if let Some((host, port)) = &tempo {
        services.push((host.clone(), tempo_service(config, *port)));
    }
    services.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names: Vec<&String> = services.iter().map(|s| &s.0).collect();
    names.dedup();
    if names.len() != services.len() {
        return Err("datasource URLs must name different hosts (compose service names)".into());
    }
    // No top-level `name`: docker-compose 1.x (tests/compose.rs validates with it) rejects it;
    // `docker compose -p triage-ml-platform` names the project.
    Ok(Node::map().with("services", Node::Map(services)))
}

/// Grafana with the generated provisioning and `layouts/` mounted, started after `depends_on`.
fn grafana_service(config: &ProvisionConfig, depends_on: &[&str]) -> Node {
    let mut grafana_env = Node::map()
        .with(
            "GF_SECURITY_ADMIN_PASSWORD",
            Node::str("${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD}"),
        )
        .with("GF_USERS_ALLOW_SIGN_UP", Node::str("false"));
    if let Some(url) = &config.grafana_url {
        grafana_env = grafana_env.with("GF_SERVER_ROOT_URL", Node::str(url.clone()));
    }
    // Contact point secrets come from the environment of whoever runs compose.
    let mut secrets: Vec<&str> = config
        .contact_points
        .values()
        .map(|p| p.secret_env.as_str())
        .collect();
    secrets.sort();
    secrets.dedup();
    // Required: Grafana refuses to start when a provisioned contact point has an empty URL or
    // key, so compose stops first and names the variable instead.
    for name in secrets {
        grafana_env = grafana_env.with(name, Node::str(format!("${{{name}:?set {name}}}")));
    }
    Node::map()
        .with(
            "image",
            Node::str(format!("grafana/grafana:{}", config.grafana_version)),
        )
        .with("ports", loopback_port(3000))
        .with("environment", grafana_env)
        .with(
            "volumes",
            Node::strs(&[
                "./grafana/datasources:/etc/grafana/provisioning/datasources:ro".to_string(),
                "./grafana/dashboards:/etc/grafana/provisioning/dashboards:ro".to_string(),
                "./grafana/alerting:/etc/grafana/provisioning/alerting:ro".to_string(),
                format!("../layouts:{GRAFANA_DASHBOARDS_DIR}:ro"),
            ]),
        )
        .with("depends_on", Node::strs(depends_on))
}

/// `triage demo --exporter-only`, built from this repository (provisioning/compose/Dockerfile).
fn gateway_exporter_service() -> Node {
    Node::map()
        .with(
            "build",
            Node::map()
                .with("context", Node::str(".."))
                .with("dockerfile", Node::str("provisioning/compose/Dockerfile")),
        )
        .with(
            "command",
            Node::strs(&[
                "demo".to_string(),
                "--exporter-only".to_string(),
                format!("--listen=0.0.0.0:{}", GATEWAY_EXPORTER.1),
            ]),
        )
}

fn node_exporter_service() -> Node {
    Node::map()
        .with("image", Node::str(NODE_EXPORTER_IMAGE))
        .with(
            "command",
            Node::strs(&[format!("--web.listen-address=:{}", NODE_EXPORTER.1)]),
        )
}

fn prometheus_service(config: &ProvisionConfig, port: u16) -> Node {
    Node::map()
        .with("image", Node::str(&config.prometheus_image))
        .with(
            "command",
            Node::strs(&[
                "--config.file=/etc/prometheus/prometheus.yml".to_string(),
                "--storage.tsdb.retention.time=90d".to_string(),
                "--enable-feature=exemplar-storage".to_string(),
                format!("--web.listen-address=:{port}"),
            ]),
        )
        .with("ports", loopback_port(port))
        .with(
            "volumes",
            Node::strs(&[
                "./compose/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                "./prometheus/rules:/etc/prometheus/rules:ro",
            ]),
        )
}

fn alertmanager_service(config: &ProvisionConfig, port: u16) -> Node {
    Node::map()
        .with("image", Node::str(&config.alertmanager_image))
        .with(
            "command",
            Node::strs(&[
                "--config.file=/etc/alertmanager/alertmanager.yml".to_string(),
                "--cluster.listen-address=".to_string(),
                format!("--web.listen-address=:{port}"),
            ]),
        )
        .with("ports", loopback_port(port))
        .with(
            "volumes",
            Node::strs(&["./compose/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro"]),
        )
}

fn loki_service(config: &ProvisionConfig, port: u16) -> Node {
    Node::map()
        .with("image", Node::str(&config.loki_image))
        .with(
            "command",
            Node::strs(&["-config.file=/etc/loki/local-config.yaml"]),
        )
        .with("ports", loopback_port(port))
}

fn tempo_service(config: &ProvisionConfig, port: u16) -> Node {
    Node::map()
        .with(
            "image",
            Node::str(config.tempo_image.as_deref().unwrap_or_default()),
        )
        .with(
            "command",
            Node::strs(&[format!("-config.file={TEMPO_CONFIG}")]),
        )
        .with("ports", loopback_port(port))
        .with(
            "volumes",
            Node::strs(&[format!("./compose/tempo.yml:{TEMPO_CONFIG}:ro")]),
        )
}

fn jaeger_service(config: &ProvisionConfig, port: u16) -> Node {
    Node::map()
        .with("image", Node::str(&config.jaeger_image))
        .with(
            "environment",
            Node::map().with("COLLECTOR_OTLP_ENABLED", Node::str("true")),
        )
        .with("ports", loopback_port(port))
}
