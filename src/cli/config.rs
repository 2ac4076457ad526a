//! Where settings come from: command line, then environment, then the config file, then defaults.

use std::path::PathBuf;

use serde::Deserialize;

pub const DEFAULT_PROMETHEUS_URL: &str = "http://localhost:9090";
pub const PROMETHEUS_URL_ENV: &str = "TRIAGE_PROMETHEUS_URL";

/// `$XDG_CONFIG_HOME/triage/config.toml` (or `~/.config/triage/config.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub prometheus: BackendSection,
    /// Default theme: a built-in name, a path, or a file in `themes/` beside this file.
    pub theme: Option<String>,
    /// Draw with ASCII only (fonts without braille/box glyphs); default: detected.
    pub ascii: Option<bool>,
    /// More Prometheus-compatible datasources by name (`eu = "http://prom-eu:9090"`), chosen
    /// by a dashboard's datasource variable or a panel's datasource name/uid. Credentials and
    /// TLS settings of `[prometheus]` apply to them too.
    #[serde(default)]
    pub datasources: std::collections::BTreeMap<String, String>,
    /// Grafana datasource provisioning to take named datasources from (`--datasources-file`).
    pub datasources_file: Option<PathBuf>,
    #[serde(default)]
    pub grafana: GrafanaSection,
    /// Drill-down backends: `[loki]`, `[jaeger]`, `[tempo]`, `[alertmanager]`, with the same connection
    /// settings as `[prometheus]` (a tenant for multi-tenant Loki, Tempo or Mimir).
    #[serde(default)]
    pub loki: BackendSection,
    #[serde(default)]
    pub jaeger: BackendSection,
    /// Tempo answers trace requests instead of Jaeger when its URL is set.
    #[serde(default)]
    pub tempo: BackendSection,
    #[serde(default)]
    pub alertmanager: BackendSection,
}

/// A backend URL by precedence: flag, environment variable, config file; none when unset.
pub fn backend_url(
    flag: Option<&str>,
    env: Option<String>,
    section: &BackendSection,
) -> Option<String> {
    flag.map(str::to_string)
        .or(env)
        .or_else(|| section.url.clone())
        .filter(|u| !u.trim().is_empty())
}

/// Where colleagues open dashboards: the hand-off URL (`y` copies it), and the Grafana that
/// `--grafana`, `list` and `pull` read from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrafanaSection {
    pub url: Option<String>,
    /// File holding a service-account token (never the token itself in this file).
    pub token_file: Option<PathBuf>,
    /// CA bundle (PEM) to trust for Grafana besides the system's.
    pub ca_file: Option<PathBuf>,
}

pub const GRAFANA_URL_ENV: &str = "TRIAGE_GRAFANA_URL";

/// Grafana's URL by precedence: flag, `TRIAGE_GRAFANA_URL`, config file.
pub fn grafana_url(flag: Option<&str>, env: Option<String>, file: &ConfigFile) -> Option<String> {
    flag.map(str::to_string)
        .filter(|v| !v.is_empty())
        .or(env.filter(|v| !v.is_empty()))
        .or_else(|| file.grafana.url.clone().filter(|v| !v.is_empty()))
}

/// How to reach one backend (Prometheus, Loki, Jaeger/Tempo, Alertmanager). Secrets are read
/// from files (or the environment), never written here.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSection {
    pub url: Option<String>,
    /// Per-request timeout, e.g. `30s` (Prometheus only).
    pub timeout: Option<String>,
    /// The scrape interval to plan with, as Grafana's `timeInterval` (Prometheus only).
    pub scrape_interval: Option<String>,
    /// Grafana's uid of the matching datasource, for Explore URLs (Loki, Jaeger, Tempo).
    pub grafana_datasource: Option<String>,
    /// The tenant of a multi-tenant backend, sent as `X-Scope-OrgID`.
    pub tenant: Option<String>,
    /// File holding a bearer token (never the token itself in this file).
    pub bearer_token_file: Option<PathBuf>,
    /// Basic auth user, with the password in `password_file`.
    pub username: Option<String>,
    pub password_file: Option<PathBuf>,
    /// Extra headers, e.g. `X-Scope-OrgID = "tenant-1"` for Mimir, Cortex or Loki.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// CA bundle (PEM) to trust, and a client certificate + key (PEM) for mutual TLS.
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
}

pub fn config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("triage/config.toml"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config/triage/config.toml"))
}

/// Read the config file if there is one; a broken file is an error that names it.
pub fn load_config() -> Result<ConfigFile, String> {
    let Some(path) = config_path() else {
        return Ok(ConfigFile::default());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The Prometheus URL by precedence: flag, `TRIAGE_PROMETHEUS_URL`, config file, default.
pub fn prometheus_url(flag: Option<&str>, env: Option<String>, file: &ConfigFile) -> String {
    flag.map(str::to_string)
        .or(env.filter(|v| !v.is_empty()))
        .or_else(|| file.prometheus.url.clone())
        .unwrap_or_else(|| DEFAULT_PROMETHEUS_URL.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_flag_env_file_default() {
        let file: ConfigFile = toml::from_str("[prometheus]\nurl = \"http://file:9090\"").unwrap();
        let env = || Some("http://env:9090".to_string());
        assert_eq!(
            prometheus_url(Some("http://flag:9090"), env(), &file),
            "http://flag:9090"
        );
        assert_eq!(prometheus_url(None, env(), &file), "http://env:9090");
        assert_eq!(
            prometheus_url(None, Some(String::new()), &file),
            "http://file:9090"
        );
        assert_eq!(
            prometheus_url(None, None, &ConfigFile::default()),
            DEFAULT_PROMETHEUS_URL
        );
    }

    #[test]
    fn backends_take_the_same_connection_settings_as_prometheus() {
        let file: ConfigFile = toml::from_str(
            "[loki]\nurl = \"http://loki:3100\"\ntenant = \"team-a\"\n\
             [loki.headers]\nX-Extra = \"1\"\n[alertmanager]\nbearer_token_file = \"/t\"",
        )
        .unwrap();
        assert_eq!(file.loki.tenant.as_deref(), Some("team-a"));
        assert_eq!(file.loki.headers["X-Extra"], "1");
        assert!(file.alertmanager.bearer_token_file.is_some());
        let file: ConfigFile = toml::from_str(
            "[tempo]\nurl = \"http://tempo:3200\"\ngrafana_datasource = \"tempo-eu\"\ntenant = \"t\"",
        )
        .unwrap();
        assert_eq!(file.tempo.url.as_deref(), Some("http://tempo:3200"));
        assert_eq!(file.tempo.grafana_datasource.as_deref(), Some("tempo-eu"));
        assert_eq!(file.tempo.tenant.as_deref(), Some("t"));
    }

    #[test]
    fn unknown_keys_are_reported() {
        assert!(toml::from_str::<ConfigFile>("[prometheus]\nulr = \"x\"").is_err());
    }
}
