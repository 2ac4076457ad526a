//! Working through a live Grafana: where its URL and token come from, which dashboards the
//! command line names (files, `grafana:UID`, `--uid`, `--title`), and loading them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::auth::grafana_token;
use super::config::{ConfigFile, GRAFANA_URL_ENV, grafana_url, load_config};
use super::session_setup::direct_prometheus_given;
use super::{CliError, QueryArgs};
use crate::grafana::load::{Loaded, load_path, load_str};
use crate::grafana::model::{Dashboard, DatasourceRef};
use crate::net::grafana::library::{fetch_library_panels, mark_unfetched};
use crate::net::grafana::types::KIND_DASHBOARD;
use crate::net::grafana::{
    DatasourceInfo, GrafanaClient, GrafanaConfig, GrafanaError, SearchQuery,
};
use crate::net::sanitize::sanitize;

/// Prefix naming a dashboard in Grafana by uid on the command line: `grafana:UID`.
pub const UID_PREFIX: &str = "grafana:";

/// A dashboard named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DashboardSource {
    File(PathBuf),
    Uid(String),
    Title(String),
}

impl DashboardSource {
    pub fn from_grafana(&self) -> bool {
        !matches!(self, DashboardSource::File(_))
    }
}

/// The dashboards asked for, in order: positionals (`grafana:UID` or files), then `--uid`,
/// then `--title`.
pub fn sources(positional: &[PathBuf], uids: &[String], titles: &[String]) -> Vec<DashboardSource> {
    positional
        .iter()
        .map(
            |p| match p.to_str().and_then(|s| s.strip_prefix(UID_PREFIX)) {
                Some(uid) => DashboardSource::Uid(uid.to_string()),
                None => DashboardSource::File(p.clone()),
            },
        )
        .chain(uids.iter().map(|u| DashboardSource::Uid(u.clone())))
        .chain(titles.iter().map(|t| DashboardSource::Title(t.clone())))
        .collect()
}

/// A Grafana to work through, and the Prometheus datasources it has.
#[derive(Debug, Clone)]
pub struct GrafanaContext {
    pub client: GrafanaClient,
    /// Prometheus-type datasources only: the engine speaks the Prometheus API.
    pub datasources: Vec<DatasourceInfo>,
    /// Every datasource, to know the type of those a dashboard names without one.
    pub all_datasources: Vec<DatasourceInfo>,
    /// The token's organisation (`/api/org`), for `orgId` in links; 1 when Grafana does not
    /// say. Dashboards are read from this organisation, so it is theirs too.
    pub org_id: i64,
}

impl GrafanaContext {
    /// Grafana's default datasource if it is a Prometheus, else the first Prometheus.
    pub fn default_datasource(&self) -> Option<&DatasourceInfo> {
        self.datasources
            .iter()
            .find(|d| d.is_default)
            .or(self.datasources.first())
    }
}

/// Grafana's URL (flag, `TRIAGE_GRAFANA_URL`, `[grafana] url`) and token, as a client.
pub fn client_for(
    flag: Option<&str>,
    timeout_s: u64,
    insecure_skip_verify: bool,
    config: &ConfigFile,
) -> Result<GrafanaClient, CliError> {
    let url = grafana_url(flag, std::env::var(GRAFANA_URL_ENV).ok(), config).ok_or_else(|| {
        CliError::usage(
            "no Grafana given: use --grafana URL, TRIAGE_GRAFANA_URL or `[grafana] url` in the \
             config file",
        )
    })?;
    let token = grafana_token(config, &|name| std::env::var(name).ok())
        .map_err(|e| CliError::failure(format!("Grafana token: {e}")))?;
    let mut settings = GrafanaConfig::new(&url);
    settings.token = token;
    settings.timeout = Duration::from_secs(timeout_s.max(1));
    settings.insecure_skip_verify = insecure_skip_verify;
    if let Some(path) = &config.grafana.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| CliError::failure(format!("Grafana CA file {}: {e}", path.display())))?;
        settings.ca_pem = Some(pem);
    }
    GrafanaClient::new(settings).map_err(|e| CliError::failure(e.to_string()))
}

/// Connect when the command line asks for Grafana (`--grafana`, or a dashboard from it), and
/// learn its datasources.
pub async fn connect_if_asked(
    args: &QueryArgs,
    sources: &[DashboardSource],
) -> Result<Option<GrafanaContext>, CliError> {
    if args.grafana.is_none() && !sources.iter().any(DashboardSource::from_grafana) {
        return Ok(None);
    }
    let config = load_config().map_err(|e| CliError::failure(format!("config file {e}")))?;
    let client = client_for(
        args.grafana.as_deref(),
        args.timeout,
        args.insecure_skip_verify,
        &config,
    )?;
    check_health(&client).await?;
    let all = match client.datasources().await {
        Ok(all) => all,
        // Listing datasources needs `datasources:read`, which not every viewer token has.
        Err(GrafanaError::Http {
            status: status @ (401 | 403),
            message,
            ..
        }) => {
            let why = format!(
                "Grafana does not list its datasources to this token (HTTP {status}: \
                 {message}; it needs the datasources:read permission)"
            );
            if !direct_prometheus_given(args, &config) {
                return Err(CliError::failure(format!(
                    "{why}; give the service account that permission, or --prometheus URL \
                     to query Prometheus directly"
                )));
            }
            eprintln!("triage: {why}; queries go to the Prometheus given");
            Vec::new()
        }
        Err(e) => return Err(CliError::failure(e.to_string())),
    };
    let datasources: Vec<DatasourceInfo> = all
        .iter()
        .filter(|d| d.speaks_prometheus())
        .cloned()
        .collect();
    let org_id = client.org_id().await.unwrap_or(1);
    Ok(Some(GrafanaContext {
        client,
        datasources,
        all_datasources: all,
        org_id,
    }))
}

/// Give datasource references that name a datasource without its type the type Grafana
/// knows (as its own migration does), so panels on Loki, Tempo, ... are shown as unsupported
/// instead of sending their queries to a Prometheus.
pub fn fill_datasource_types(dashboard: &mut Dashboard, known: &[DatasourceInfo]) {
    let fill = |reference: &mut DatasourceRef| {
        if let DatasourceRef::Named {
            uid,
            name,
            r#type: kind @ None,
        } = reference
        {
            let found = known.iter().find(|d| {
                uid.as_deref().is_some_and(|u| u == d.uid || u == d.name)
                    || name.as_deref().is_some_and(|n| n == d.name || n == d.uid)
            });
            if let Some(found) = found {
                *kind = Some(found.kind.clone());
            }
        }
    };
    for panel in &mut dashboard.panels {
        let panel = Arc::make_mut(panel);
        fill(&mut panel.datasource);
        for target in &mut panel.targets {
            if let Some(reference) = target.datasource.as_mut() {
                fill(reference);
            }
        }
    }
    for variable in &mut dashboard.variables {
        if let Some(reference) = variable.datasource.as_mut() {
            fill(reference);
        }
    }
    for annotation in &mut dashboard.annotations {
        if let Some(reference) = annotation.datasource.as_mut() {
            fill(reference);
        }
    }
}

/// `/api/health` first, so a wrong URL says so instead of failing later on a search.
/// The client of a Grafana-only command (`list`, `pull`), checked to answer as a Grafana.
pub async fn connect(args: &super::GrafanaArgs) -> Result<GrafanaClient, CliError> {
    let config =
        super::config::load_config().map_err(|e| CliError::failure(format!("config file {e}")))?;
    let client = client_for(
        args.grafana.as_deref(),
        args.timeout,
        args.insecure_skip_verify,
        &config,
    )?;
    check_health(&client).await?;
    Ok(client)
}

pub async fn check_health(client: &GrafanaClient) -> Result<(), CliError> {
    client.health().await.map(|_| ()).map_err(|e| {
        CliError::failure(format!(
            "{e} (is {} a Grafana? /api/health did not answer)",
            client.display_url()
        ))
    })
}

/// Load one named dashboard; the second value names it in messages.
pub async fn load_source(
    source: &DashboardSource,
    grafana: Option<&GrafanaContext>,
) -> Result<(Loaded, String), CliError> {
    match source {
        DashboardSource::File(path) => load_file(path),
        DashboardSource::Uid(uid) => {
            let context = grafana.ok_or_else(|| CliError::usage("no Grafana to load from"))?;
            load_uid(&context.client, uid).await
        }
        DashboardSource::Title(title) => {
            let context = grafana.ok_or_else(|| CliError::usage("no Grafana to load from"))?;
            let uid = uid_for_title(&context.client, title).await?;
            load_uid(&context.client, &uid).await
        }
    }
}

fn load_file(path: &Path) -> Result<(Loaded, String), CliError> {
    let loaded = load_path(path).map_err(|e| CliError::failure(e.to_string()))?;
    Ok((loaded, path.display().to_string()))
}

/// `/api/dashboards/uid/<uid>`, its `.dashboard` loaded like a file, with the models of its
/// library panels fetched from Grafana and embedded first. A dashboard stored in the v2
/// schema is handed to the loader as the `dashboard.grafana.app` object Grafana gives.
pub async fn load_uid(client: &GrafanaClient, uid: &str) -> Result<(Loaded, String), CliError> {
    let mut doc = client
        .dashboard(uid)
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    let name = format!("{UID_PREFIX}{}", sanitize(uid));
    let unfetched = fetch_library_panels(client, &mut doc.dashboard).await;
    let (is_resource, doc_uid, doc_title) = (doc.is_resource(), doc.uid(), doc.title());
    let text = serde_json::to_string(&serde_json::Value::Object(doc.dashboard))
        .map_err(|e| CliError::failure(format!("{name}: {e}")))?;
    let mut loaded = load_str(&text, &name).map_err(|e| CliError::failure(e.to_string()))?;
    mark_unfetched(&mut loaded, &unfetched);
    if is_resource {
        // The object's name and title, whatever the loader makes of its spec: links, the
        // switcher and messages name the dashboard.
        let dashboard = &mut loaded.dashboard;
        if dashboard.uid.is_none() && !doc_uid.is_empty() {
            dashboard.uid = Some(doc_uid);
        }
        if dashboard.title.is_empty() {
            dashboard.title = doc_title;
        }
    }
    Ok((loaded, name))
}

/// The uid of the one dashboard with this title (case-insensitive); several or none is an
/// error that lists what there is.
pub async fn uid_for_title(client: &GrafanaClient, title: &str) -> Result<String, CliError> {
    let query = SearchQuery {
        text: Some(title.to_string()),
        ..SearchQuery::dashboards()
    };
    let hits = client
        .search(&query)
        .await
        .map_err(|e| CliError::failure(e.to_string()))?;
    let exact: Vec<_> = hits
        .iter()
        .filter(|h| h.kind == KIND_DASHBOARD && h.title.eq_ignore_ascii_case(title.trim()))
        .collect();
    match exact.as_slice() {
        [one] => Ok(one.uid.clone()),
        [] => {
            let near: Vec<String> = hits
                .iter()
                .take(5)
                .map(|h| format!("{:?} ({})", h.title, h.uid))
                .collect();
            Err(CliError::failure(if near.is_empty() {
                format!("Grafana has no dashboard titled {:?}", sanitize(title))
            } else {
                format!(
                    "Grafana has no dashboard titled exactly {:?}; similar: {}",
                    sanitize(title),
                    near.join(", ")
                )
            }))
        }
        several => Err(CliError::failure(format!(
            "several dashboards are titled {:?}: {}; open one with --uid",
            sanitize(title),
            several
                .iter()
                .map(|h| format!("{} in {}", h.uid, h.folder_label()))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The uid of a folder named by title (case-insensitive) or uid; `None` is the General
/// (root) folder. An unknown name is an error listing the folders there are.
pub async fn folder_uid(client: &GrafanaClient, name: &str) -> Result<Option<String>, CliError> {
    let name = name.trim();
    if name.eq_ignore_ascii_case("general") {
        return Ok(None);
    }
    let failure = |e: GrafanaError| CliError::failure(e.to_string());
    let top = client.folders().await.map_err(failure)?;
    let matching = |uid: &str, title: &str| uid == name || title.eq_ignore_ascii_case(name);
    if let Some(f) = top.iter().find(|f| matching(&f.uid, &f.title)) {
        return Ok(Some(f.uid.clone()));
    }
    // Nested folders are not in /api/folders' top level; search finds them.
    let query = SearchQuery {
        text: Some(name.to_string()),
        kind: Some(crate::net::grafana::types::KIND_FOLDER),
        ..SearchQuery::default()
    };
    let nested = client.search(&query).await.map_err(failure)?;
    if let Some(f) = nested.iter().find(|f| matching(&f.uid, &f.title)) {
        return Ok(Some(f.uid.clone()));
    }
    let known: Vec<String> = top.iter().map(|f| format!("{:?}", f.title)).collect();
    Err(CliError::failure(format!(
        "Grafana has no folder {:?}; folders: General, {}",
        sanitize(name),
        known.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_names_files_uids_and_titles() {
        let got = sources(
            &["a.json".into(), "grafana:gw".into()],
            &["x".into()],
            &["Inference Gateway".into()],
        );
        assert_eq!(
            got,
            vec![
                DashboardSource::File("a.json".into()),
                DashboardSource::Uid("gw".into()),
                DashboardSource::Uid("x".into()),
                DashboardSource::Title("Inference Gateway".into()),
            ]
        );
        assert!(!got[0].from_grafana() && got[1].from_grafana());
    }

    #[test]
    fn untyped_references_get_grafanas_type() {
        use crate::grafana::model::Panel;
        let known = [
            DatasourceInfo {
                uid: "loki-main".into(),
                name: "Loki".into(),
                kind: "loki".into(),
                is_default: false,
                time_interval: None,
            },
            DatasourceInfo {
                uid: "prom-main".into(),
                name: "Prometheus".into(),
                kind: "prometheus".into(),
                is_default: true,
                time_interval: None,
            },
        ];
        let named = |uid: &str| DatasourceRef::Named {
            uid: Some(uid.into()),
            name: None,
            r#type: None,
        };
        let mut dashboard = Dashboard {
            panels: vec![
                Arc::new(Panel {
                    datasource: named("Loki"),
                    ..Panel::default()
                }),
                Arc::new(Panel {
                    datasource: named("prom-main"),
                    ..Panel::default()
                }),
                Arc::new(Panel {
                    datasource: named("elsewhere"),
                    ..Panel::default()
                }),
            ],
            ..Dashboard::default()
        };
        fill_datasource_types(&mut dashboard, &known);
        let kinds: Vec<_> = dashboard
            .panels
            .iter()
            .map(|p| p.datasource.plugin_type())
            .collect();
        assert_eq!(kinds, vec![Some("loki"), Some("prometheus"), None]);
    }
}
