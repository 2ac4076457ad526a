//! Credentials and TLS for the Prometheus connection, from the environment, files and the
//! config file — never required on the command line, where other users could read them.

use std::path::Path;
use std::time::Duration;

use super::config::{BackendSection, ConfigFile};
use crate::net::PromConfig;
use crate::net::http::Connection;

pub const TOKEN_ENV: &str = "TRIAGE_PROMETHEUS_TOKEN";
pub const TOKEN_FILE_ENV: &str = "TRIAGE_PROMETHEUS_TOKEN_FILE";
pub const USER_ENV: &str = "TRIAGE_PROMETHEUS_USER";
pub const PASSWORD_ENV: &str = "TRIAGE_PROMETHEUS_PASSWORD";
pub const PASSWORD_FILE_ENV: &str = "TRIAGE_PROMETHEUS_PASSWORD_FILE";
pub const GRAFANA_TOKEN_ENV: &str = "TRIAGE_GRAFANA_TOKEN";
pub const GRAFANA_TOKEN_FILE_ENV: &str = "TRIAGE_GRAFANA_TOKEN_FILE";

/// Grafana's service-account token: `TRIAGE_GRAFANA_TOKEN`, then the file named by
/// `TRIAGE_GRAFANA_TOKEN_FILE`, then `[grafana] token_file`; none means anonymous access.
pub fn grafana_token(
    file: &ConfigFile,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, String> {
    if let Some(token) = env(GRAFANA_TOKEN_ENV).filter(|t| !t.is_empty()) {
        return Ok(Some(token));
    }
    let path = env(GRAFANA_TOKEN_FILE_ENV)
        .filter(|p| !p.is_empty())
        .map(Into::into)
        .or_else(|| file.grafana.token_file.clone());
    match path {
        Some(path) => read_secret(&path).map(Some),
        None => Ok(None),
    }
}

/// Which backend a connection is for: its config section and the prefix of its environment
/// variables (`TRIAGE_<NAME>_TOKEN`, `_TOKEN_FILE`, `_USER`, `_PASSWORD`, `_PASSWORD_FILE`,
/// `_TENANT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Prometheus,
    Loki,
    Jaeger,
    Tempo,
    Alertmanager,
}

impl Backend {
    fn env_prefix(self) -> &'static str {
        match self {
            Backend::Prometheus => "TRIAGE_PROMETHEUS",
            Backend::Loki => "TRIAGE_LOKI",
            Backend::Jaeger => "TRIAGE_JAEGER",
            Backend::Tempo => "TRIAGE_TEMPO",
            Backend::Alertmanager => "TRIAGE_ALERTMANAGER",
        }
    }

    fn section(self, file: &ConfigFile) -> &BackendSection {
        match self {
            Backend::Prometheus => &file.prometheus,
            Backend::Loki => &file.loki,
            Backend::Jaeger => &file.jaeger,
            Backend::Tempo => &file.tempo,
            Backend::Alertmanager => &file.alertmanager,
        }
    }
}

/// The Prometheus connection settings. `env` looks up environment variables (injected for
/// tests).
pub fn prom_config(
    url: &str,
    timeout: Duration,
    file: &ConfigFile,
    headers: &[String],
    insecure_skip_verify: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<PromConfig, String> {
    let mut config = connection(Backend::Prometheus, url, file, headers, env)?;
    config.timeout = timeout;
    config.insecure_skip_verify = insecure_skip_verify;
    Ok(config)
}

/// One backend's connection: credentials from the environment or files, the tenant, extra
/// headers from the config file then the command line, CA and client certificate.
pub fn connection(
    backend: Backend,
    url: &str,
    file: &ConfigFile,
    headers: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Connection, String> {
    let section = backend.section(file);
    let var = |suffix: &str| env(&format!("{}_{suffix}", backend.env_prefix()));
    let mut config = match backend {
        Backend::Prometheus => Connection::new(url),
        _ => Connection::drill_down(url),
    };
    let token_file = var("TOKEN_FILE")
        .map(Into::into)
        .or_else(|| section.bearer_token_file.clone());
    config.bearer_token = match (var("TOKEN").filter(|t| !t.is_empty()), token_file) {
        (Some(token), _) => Some(token),
        (None, Some(path)) => Some(read_secret(&path)?),
        (None, None) => None,
    };
    if let Some(user) = var("USER").or_else(|| section.username.clone()) {
        let password_file = var("PASSWORD_FILE")
            .map(Into::into)
            .or_else(|| section.password_file.clone());
        let password = match (var("PASSWORD"), password_file) {
            (Some(p), _) => p,
            (None, Some(path)) => read_secret(&path)?,
            (None, None) => String::new(),
        };
        config.basic_auth = Some((user, password));
    }
    if let Some(tenant) = var("TENANT").or_else(|| section.tenant.clone()) {
        config.headers.push((TENANT_HEADER.into(), tenant));
    }
    config
        .headers
        .extend(section.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    for header in headers {
        let (name, value) = header
            .split_once('=')
            .or_else(|| header.split_once(':'))
            .ok_or_else(|| format!("header {header:?}: expected NAME=VALUE"))?;
        config
            .headers
            .push((name.trim().to_string(), value.trim().to_string()));
    }
    if let Some(ca) = &section.ca_file {
        config.ca_pem = Some(read_file(ca)?);
    }
    match (&section.cert_file, &section.key_file) {
        (Some(cert), Some(key)) => {
            let mut pem = read_file(cert)?;
            pem.push(b'\n');
            pem.extend(read_file(key)?);
            config.client_identity_pem = Some(pem);
        }
        (None, None) => {}
        _ => return Err("cert_file and key_file must be given together".into()),
    }
    Ok(config)
}

/// The header multi-tenant Loki, Tempo, Mimir and Cortex read the tenant from.
pub const TENANT_HEADER: &str = "X-Scope-OrgID";

/// A secret from a file, trailing newline removed. The error names the file, never the content.
fn read_secret(path: &Path) -> Result<String, String> {
    let bytes = read_file(path)?;
    Ok(String::from_utf8_lossy(&bytes)
        .trim_end_matches(['\n', '\r'])
        .to_string())
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn token_from_env_wins_and_never_shows_in_debug() {
        let env = env_of(&[(TOKEN_ENV, "s3cret-token")]);
        let config = prom_config(
            "http://p:9090",
            Duration::from_secs(5),
            &ConfigFile::default(),
            &[],
            false,
            &env,
        )
        .unwrap();
        assert_eq!(config.bearer_token.as_deref(), Some("s3cret-token"));
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn token_and_password_from_files() {
        let dir = std::env::temp_dir().join(format!("triage-auth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("token"), "from-file\n").unwrap();
        std::fs::write(dir.join("pw"), "pw-from-file\n").unwrap();
        let mut file = ConfigFile::default();
        file.prometheus.bearer_token_file = Some(dir.join("token"));
        file.prometheus.username = Some("bob".into());
        file.prometheus.password_file = Some(dir.join("pw"));
        file.prometheus
            .headers
            .insert("X-Scope-OrgID".into(), "tenant-1".into());
        let config = prom_config(
            "http://p",
            Duration::from_secs(5),
            &file,
            &["X-Extra=1".into()],
            false,
            &|_| None,
        )
        .unwrap();
        assert_eq!(config.bearer_token.as_deref(), Some("from-file"));
        assert_eq!(
            config.basic_auth,
            Some(("bob".into(), "pw-from-file".into()))
        );
        assert!(
            config
                .headers
                .contains(&("X-Scope-OrgID".into(), "tenant-1".into()))
        );
        assert!(config.headers.contains(&("X-Extra".into(), "1".into())));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn grafana_token_from_env_then_file() {
        let dir = std::env::temp_dir().join(format!("triage-gtoken-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("t"), "glsa_file\n").unwrap();
        let mut file = ConfigFile::default();
        file.grafana.token_file = Some(dir.join("t"));
        let env = env_of(&[(GRAFANA_TOKEN_ENV, "glsa_env")]);
        assert_eq!(
            grafana_token(&file, &env).unwrap().as_deref(),
            Some("glsa_env")
        );
        assert_eq!(
            grafana_token(&file, &|_| None).unwrap().as_deref(),
            Some("glsa_file")
        );
        assert_eq!(grafana_token(&ConfigFile::default(), &|_| None), Ok(None));
        file.grafana.token_file = Some("/nonexistent/gtoken".into());
        let err = grafana_token(&file, &|_| None).unwrap_err();
        assert!(err.contains("/nonexistent/gtoken"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn drill_down_backends_get_tenant_token_and_headers_like_prometheus() {
        let mut file = ConfigFile::default();
        file.loki.tenant = Some("team-a".into());
        file.loki.headers.insert("X-Extra".into(), "1".into());
        let env = env_of(&[("TRIAGE_LOKI_TOKEN", "loki-s3cret")]);
        let loki = connection(
            Backend::Loki,
            "http://loki",
            &file,
            &["X-More=2".into()],
            &env,
        )
        .unwrap();
        assert_eq!(loki.bearer_token.as_deref(), Some("loki-s3cret"));
        assert!(
            loki.headers
                .contains(&("X-Scope-OrgID".into(), "team-a".into()))
        );
        assert!(loki.headers.contains(&("X-Extra".into(), "1".into())));
        assert!(loki.headers.contains(&("X-More".into(), "2".into())));
        assert!(!format!("{loki:?}").contains("s3cret"));
        // Another backend's variables and sections are its own.
        let jaeger = connection(Backend::Jaeger, "http://j", &file, &[], &env).unwrap();
        assert_eq!(jaeger.bearer_token, None);
        assert!(jaeger.headers.is_empty());
        let env = env_of(&[("TRIAGE_JAEGER_TENANT", "team-b")]);
        let jaeger = connection(Backend::Jaeger, "http://j", &file, &[], &env).unwrap();
        assert_eq!(
            jaeger.headers,
            vec![("X-Scope-OrgID".into(), "team-b".into())]
        );
        let env = env_of(&[
            ("TRIAGE_TEMPO_TENANT", "team-c"),
            ("TRIAGE_TEMPO_TOKEN", "t"),
        ]);
        let tempo = connection(Backend::Tempo, "http://t", &file, &[], &env).unwrap();
        assert_eq!(
            tempo.headers,
            vec![("X-Scope-OrgID".into(), "team-c".into())]
        );
        assert_eq!(tempo.bearer_token.as_deref(), Some("t"));
    }

    #[test]
    fn a_missing_secret_file_is_named_without_content() {
        let mut file = ConfigFile::default();
        file.prometheus.bearer_token_file = Some("/nonexistent/token".into());
        let err = prom_config(
            "http://p",
            Duration::from_secs(5),
            &file,
            &[],
            false,
            &|_| None,
        )
        .unwrap_err();
        assert!(err.contains("/nonexistent/token"), "{err}");
    }
}
