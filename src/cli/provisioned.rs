//! The team's Grafana datasource provisioning as a source of connections
//! (`--datasources-file`, config `datasources_file`): its Prometheus-type datasources become
//! named datasources, its Loki, Jaeger, Tempo and Alertmanager the drill-down backends when
//! none is given otherwise, each with the file's headers (tenant), basic auth and scrape
//! interval. A local `--datasource NAME=URL` (or `[datasources]`) of the same name or uid
//! replaces the in-cluster address, which a jump host rarely reaches.

use std::path::Path;

use super::CliError;
use super::auth::Backend;
use crate::grafana::provisioned::{ProvisionedDatasource, ProvisionedFile, parse_provisioned};
use crate::net::http::Connection;

/// Read and expand the file; warnings (datasources left out) go to standard error.
pub fn read_provisioned(path: &Path) -> Result<ProvisionedFile, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::failure(format!("datasources file {}: {e}", path.display())))?;
    let env = |name: &str| std::env::var(name).ok();
    let file = parse_provisioned(&text, &format!("datasources file {}", path.display()), &env)
        .map_err(CliError::failure)?;
    for warning in &file.warnings {
        eprintln!("triage: {warning}");
    }
    Ok(file)
}

/// The plugin types each drill-down backend is provisioned as.
pub fn backend_kinds(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Prometheus => crate::grafana::model::PROMETHEUS_TYPES,
        Backend::Loki => &["loki"],
        Backend::Jaeger => &["jaeger"],
        Backend::Tempo => &["tempo"],
        Backend::Alertmanager => &["alertmanager"],
    }
}

/// Whether `name` (a local override's name) means this datasource.
pub fn is_named(ds: &ProvisionedDatasource, name: &str) -> bool {
    ds.name == name || ds.uid.as_deref() == Some(name)
}

/// The address to use: the last local override of the same name or uid, else the file's.
pub fn local_url(ds: &ProvisionedDatasource, overrides: &[(String, String)]) -> String {
    overrides
        .iter()
        .rev()
        .find(|(name, _)| is_named(ds, name))
        .map_or_else(|| ds.url.clone(), |(_, url)| url.clone())
}

/// Add the file's headers and basic auth to a connection built from triage's own settings;
/// credentials already given to triage (environment, config file) win.
pub fn apply_file_auth(connection: &mut Connection, ds: &ProvisionedDatasource) {
    for (name, value) in &ds.headers {
        let given = connection
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name));
        if !given {
            connection.headers.push((name.clone(), value.clone()));
        }
    }
    if connection.basic_auth.is_none() && connection.bearer_token.is_none() {
        connection.basic_auth = ds.basic_auth.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds() -> ProvisionedDatasource {
        ProvisionedDatasource {
            name: "Mimir".into(),
            uid: Some("mimir".into()),
            kind: "prometheus".into(),
            url: "http://mimir:9009/prometheus".into(),
            headers: vec![
                ("X-Scope-OrgID".into(), "team-a".into()),
                ("X-Extra".into(), "1".into()),
            ],
            basic_auth: Some(("reader".into(), "pw".into())),
            ..Default::default()
        }
    }

    #[test]
    fn a_local_override_by_name_or_uid_replaces_the_address() {
        let overrides = vec![
            ("mimir".to_string(), "http://127.0.0.1:1".to_string()),
            ("Mimir".to_string(), "http://127.0.0.1:2".to_string()),
            ("Other".to_string(), "http://127.0.0.1:3".to_string()),
        ];
        assert_eq!(local_url(&ds(), &overrides), "http://127.0.0.1:2");
        assert_eq!(local_url(&ds(), &[]), "http://mimir:9009/prometheus");
    }

    #[test]
    fn triages_own_credentials_and_headers_win_over_the_files() {
        let mut given = Connection::new("http://x");
        given.headers.push(("x-scope-orgid".into(), "mine".into()));
        given.bearer_token = Some("token".into());
        apply_file_auth(&mut given, &ds());
        assert_eq!(
            given.headers,
            [
                ("x-scope-orgid".to_string(), "mine".to_string()),
                ("X-Extra".to_string(), "1".to_string())
            ]
        );
        assert_eq!(given.basic_auth, None, "a token was given");
        let mut bare = Connection::new("http://x");
        apply_file_auth(&mut bare, &ds());
        assert_eq!(bare.headers.len(), 2);
        assert_eq!(bare.basic_auth, Some(("reader".into(), "pw".into())));
    }
}
