//! What `view` and `render` share: load the dashboard, pick the Prometheus, parse variables and
//! the time range, and build refresh requests.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::auth::{Backend, prom_config};
use super::config::{ConfigFile, PROMETHEUS_URL_ENV, load_config, prometheus_url};
use super::grafana::{GrafanaContext, fill_datasource_types};
use super::provisioned::{apply_file_auth, backend_kinds, is_named, local_url, read_provisioned};
use super::{CliError, QueryArgs};
use crate::engine::datasources::Datasources;
use crate::engine::refresh::RefreshInput;
use crate::engine::variables::{Overrides, parse_overrides};
use crate::grafana::load::{Loaded, load_path};
use crate::grafana::model::{Dashboard, Severity};
use crate::grafana::provisioned::{ProvisionedDatasource, ProvisionedFile};
use crate::grafana::timerange::{TimeRange, parse_refresh};
use crate::net::PromClient;
use crate::tui::app::ViewState;
use crate::tui::colour_depth::ColourDepth;
use crate::tui::theme::Theme;
use crate::tui::timenav::RangeState;

#[derive(Clone)]
pub struct Prepared {
    /// Loki, Jaeger and Alertmanager, when known: addresses for links...
    pub drill: crate::tui::drill::DrillConfig,
    /// ...and how the engine reaches them (credentials, tenant, headers).
    pub backends: crate::engine::drill::Backends,
    /// Given with `--scrape-interval` or in the config file; else the engine asks Prometheus.
    pub scrape_interval: Option<String>,
    /// Grafana's base URL for hand-off links (`TRIAGE_GRAFANA_URL`, config, localhost:3000).
    pub grafana_url: String,
    /// Grafana's organisation for hand-off links: the connected Grafana's, else 1.
    pub org_id: i64,
    /// The default client and any named datasources.
    pub datasources: Datasources,
    pub colour_depth: ColourDepth,
    pub dashboard: Arc<Dashboard>,
    pub client: PromClient,
    pub overrides: Overrides,
    pub from: String,
    pub to: String,
    /// The auto-refresh interval as the status line shows it (checked to be a duration).
    pub refresh_text: Option<String>,
    pub theme: Theme,
    /// The dashboard file it was loaded from (not for one fetched from Grafana).
    pub source_file: Option<std::path::PathBuf>,
}

/// The Grafana that provisions this dashboard: `grafana_url` of the nearest
/// `provisioning/triage-provision.toml` above the dashboard file (or the current directory),
/// so hand-off links from a repository of dashboards open where the team reads them.
fn provisioned_grafana_url(dashboard: &Path) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Provisioning {
        grafana_url: Option<String>,
    }
    let start = dashboard
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .or_else(|| std::env::current_dir().ok())?;
    start.ancestors().take(6).find_map(|dir| {
        let text = std::fs::read_to_string(dir.join("provisioning/triage-provision.toml")).ok()?;
        toml::from_str::<Provisioning>(&text)
            .ok()?
            .grafana_url
            .filter(|u| !u.is_empty())
    })
}

pub fn prepare(path: &Path, args: &QueryArgs) -> Result<Prepared, CliError> {
    let loaded = load_path(path).map_err(|e| CliError::failure(e.to_string()))?;
    prepare_loaded(loaded, &path.display().to_string(), args)
}

/// Like [`prepare`] for a dashboard already loaded (`source` names it in messages).
pub fn prepare_loaded(
    loaded: Loaded,
    source: &str,
    args: &QueryArgs,
) -> Result<Prepared, CliError> {
    prepare_with(loaded, source, args, None)
}

/// Like [`prepare_loaded`], working through a Grafana when one is given: its Prometheus
/// datasources are named datasources (by uid and by name) queried through its proxy, and its
/// default one is the default unless a Prometheus URL is given (flag, env or config file).
pub fn prepare_with(
    mut loaded: Loaded,
    source: &str,
    args: &QueryArgs,
    grafana: Option<&GrafanaContext>,
) -> Result<Prepared, CliError> {
    if let Some(context) = grafana {
        fill_datasource_types(&mut loaded.dashboard, &context.all_datasources);
    }
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        eprintln!("triage: {source}: {}: {}", d.path, d.message);
    }
    let config = load_config().map_err(|e| CliError::failure(format!("config file {e}")))?;
    let overrides_of_urls = local_overrides(args, &config)?;
    let provisioned = args
        .datasources_file
        .as_ref()
        .or(config.datasources_file.as_ref())
        .map(|path| read_provisioned(path))
        .transpose()?;
    let file = ProvisionedSource {
        file: provisioned.as_ref(),
        overrides: &overrides_of_urls,
    };
    let datasources = build_datasources(args, &config, grafana, &file)?;
    let client = datasources.default.clone();
    let overrides = parse_overrides(&args.vars).map_err(CliError::usage)?;
    // Moved, not copied: on a dashboard of thousands of panels a copy is megabytes.
    let dashboard = Arc::new(loaded.dashboard);
    let from = args
        .from
        .clone()
        .unwrap_or_else(|| dashboard.time.from.clone());
    let to = args.to.clone().unwrap_or_else(|| dashboard.time.to.clone());
    // Check the range now, so a typo is a clear error rather than an empty dashboard.
    TimeRange::resolve(&from, &to, chrono::Utc::now())
        .map_err(|e| CliError::usage(format!("time range: {e}")))?;
    let refresh_text = refresh_setting(args, &dashboard)?;
    let (theme, colour_depth) = appearance(args, &config)?;
    let grafana_url = match grafana {
        Some(context) => context.client.base_url().to_string(),
        None => std::env::var("TRIAGE_GRAFANA_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(|| config.grafana.url.clone())
            .or_else(|| provisioned_grafana_url(Path::new(source)))
            .unwrap_or_else(|| "http://localhost:3000".to_string()),
    };
    let drill = drill_config(args, &config, &file);
    let scrape_interval = scrape_interval_setting(args, &config)?;
    let backends = backend_connections(args, &config, &drill, &file)?;
    Ok(Prepared {
        drill,
        backends,
        scrape_interval,
        grafana_url,
        org_id: grafana.map_or(1, |context| context.org_id),
        datasources,
        colour_depth,
        dashboard,
        client,
        overrides,
        from,
        to,
        refresh_text,
        theme,
        source_file: Path::new(source)
            .is_file()
            .then(|| std::path::PathBuf::from(source)),
    })
}

/// The auto-refresh: the flag (`off` for none), else the dashboard's own, as text for the
/// status line (the TUI ticks by it); an error when it is not a duration.
fn refresh_setting(args: &QueryArgs, dashboard: &Dashboard) -> Result<Option<String>, CliError> {
    let refresh_text = match args.refresh.as_deref() {
        Some("off") | Some("") => None,
        Some(text) => Some(text.to_string()),
        None => dashboard.refresh.clone().filter(|r| !r.is_empty()),
    };
    if let Some(text) = &refresh_text
        && parse_refresh(text).is_none_or(|d| d.is_zero())
    {
        return Err(CliError::usage(format!(
            "refresh interval {text:?} is not a duration like 30s or 1m"
        )));
    }
    Ok(refresh_text)
}

/// Theme and colour depth from flags, the config file, `NO_COLOR` and the terminal.
fn appearance(args: &QueryArgs, config: &ConfigFile) -> Result<(Theme, ColourDepth), CliError> {
    let theme_name = args.theme.clone().or(config.theme.clone());

    let colour_depth = match args.color_depth.as_deref() {
        Some(text) => ColourDepth::parse(text).ok_or_else(|| {
            CliError::usage(format!(
                "--color-depth {text:?}: use truecolor, 256, 16 or none"
            ))
        })?,
        None => ColourDepth::detect(&|name| std::env::var(name).ok()),
    };
    let config_dir = super::config::config_path().and_then(|p| p.parent().map(Path::to_path_buf));
    let theme = match theme_name.as_deref() {
        Some(name) => Theme::find(name, config_dir.as_deref()).map_err(CliError::usage)?,
        None if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => Theme::mono(),
        None => Theme::grafana_dark(),
    };
    let ascii = args.ascii
        || config
            .ascii
            .unwrap_or_else(|| crate::tui::ascii::detect(&|name| std::env::var(name).ok()));
    // A terminal without colour gets the theme's glyph fallbacks too (heatmap densities).
    let theme = theme
        .with_ascii(ascii)
        .with_colour(theme.colour && colour_depth != ColourDepth::None);
    Ok((theme, colour_depth))
}

/// How the engine reaches the drill-down backends: the same settings as Prometheus's, per
/// backend (`[loki] tenant`, `--loki-header`, `TRIAGE_LOKI_TOKEN`, ...).
fn backend_connections(
    args: &QueryArgs,
    config: &ConfigFile,
    drill: &crate::tui::drill::DrillConfig,
    file: &ProvisionedSource,
) -> Result<crate::engine::drill::Backends, CliError> {
    use super::auth::connection;
    let env = |name: &str| std::env::var(name).ok();
    let one = |backend: Backend, url: &Option<String>, headers: &[String]| {
        let Some(url) = url.as_deref() else {
            return Ok(None);
        };
        let mut settings =
            connection(backend, url, config, headers, &env).map_err(CliError::usage)?;
        // The provisioned datasource at this address brings its tenant and credentials.
        if let Some(ds) = file.at_url(backend, url) {
            apply_file_auth(&mut settings, ds);
        }
        Ok(Some(settings))
    };
    Ok(crate::engine::drill::Backends {
        loki: one(Backend::Loki, &drill.loki, &args.loki_headers)?,
        jaeger: one(Backend::Jaeger, &drill.jaeger, &args.jaeger_headers)?,
        tempo: one(Backend::Tempo, &drill.tempo, &args.tempo_headers)?,
        alertmanager: one(
            Backend::Alertmanager,
            &drill.alertmanager,
            &args.alertmanager_headers,
        )?,
    })
}

/// The scrape interval to plan with: flag, then config file; checked as Grafana reads
/// `timeInterval` (a duration such as `30s` or `1m`).
fn scrape_interval_setting(
    args: &QueryArgs,
    config: &ConfigFile,
) -> Result<Option<String>, CliError> {
    let given = args
        .scrape_interval
        .clone()
        .or_else(|| config.prometheus.scrape_interval.clone())
        .filter(|s| !s.trim().is_empty());
    if let Some(text) = &given
        && parse_refresh(text).is_none_or(|d| d.is_zero())
    {
        return Err(CliError::usage(format!(
            "scrape interval {text:?} is not a duration like 15s or 1m"
        )));
    }
    Ok(given)
}

/// Where the drill-down backends are: flag, environment, then config file.
/// Where the drill-down backends are: flag, environment, config file, then the provisioned
/// datasource of that type (its local override when one is given).
fn drill_config(
    args: &QueryArgs,
    config: &ConfigFile,
    file: &ProvisionedSource,
) -> crate::tui::drill::DrillConfig {
    let env = |name: &str| std::env::var(name).ok();
    let url = |backend: Backend, flag: Option<&str>, var: &str, section| {
        super::config::backend_url(flag, env(var), section).or_else(|| file.url_of(backend))
    };
    // Explore links name the datasource by Grafana uid: configured, provisioned, else usual.
    let uid = |backend: Backend, section: &super::config::BackendSection, usual: &str| {
        section
            .grafana_datasource
            .clone()
            .or_else(|| file.uid_of(backend))
            .unwrap_or_else(|| usual.into())
    };
    crate::tui::drill::DrillConfig {
        loki: url(
            Backend::Loki,
            args.loki.as_deref(),
            "TRIAGE_LOKI_URL",
            &config.loki,
        ),
        jaeger: url(
            Backend::Jaeger,
            args.jaeger.as_deref(),
            "TRIAGE_JAEGER_URL",
            &config.jaeger,
        ),
        tempo: url(
            Backend::Tempo,
            args.tempo.as_deref(),
            "TRIAGE_TEMPO_URL",
            &config.tempo,
        ),
        alertmanager: url(
            Backend::Alertmanager,
            args.alertmanager.as_deref(),
            "TRIAGE_ALERTMANAGER_URL",
            &config.alertmanager,
        ),
        loki_datasource: uid(Backend::Loki, &config.loki, "loki"),
        jaeger_datasource: uid(Backend::Jaeger, &config.jaeger, "jaeger"),
        tempo_datasource: uid(Backend::Tempo, &config.tempo, "tempo"),
    }
}

/// The provisioning file (if any) and the local address overrides that apply to it.
struct ProvisionedSource<'a> {
    file: Option<&'a ProvisionedFile>,
    overrides: &'a [(String, String)],
}

impl ProvisionedSource<'_> {
    fn first(&self, backend: Backend) -> Option<&ProvisionedDatasource> {
        self.file?.first_of_kind(backend_kinds(backend))
    }

    fn url_of(&self, backend: Backend) -> Option<String> {
        self.first(backend).map(|ds| local_url(ds, self.overrides))
    }

    fn uid_of(&self, backend: Backend) -> Option<String> {
        self.first(backend).and_then(|ds| ds.uid.clone())
    }

    /// The provisioned datasource of this type reached at `url`.
    fn at_url(&self, backend: Backend, url: &str) -> Option<&ProvisionedDatasource> {
        let kinds = backend_kinds(backend);
        self.file?
            .datasources
            .iter()
            .filter(|ds| kinds.contains(&ds.kind.as_str()))
            .find(|ds| local_url(ds, self.overrides) == url)
    }
}

/// `[datasources]` entries, then `--datasource NAME=URL` (later ones win).
fn local_overrides(
    args: &QueryArgs,
    config: &ConfigFile,
) -> Result<Vec<(String, String)>, CliError> {
    let mut named: Vec<(String, String)> = config
        .datasources
        .iter()
        .map(|(n, u)| (n.clone(), u.clone()))
        .collect();
    for arg in &args.datasources {
        let (name, url) = arg
            .split_once('=')
            .ok_or_else(|| CliError::usage(format!("--datasource {arg:?}: expected NAME=URL")))?;
        named.push((name.trim().to_string(), url.trim().to_string()));
    }
    Ok(named)
}

/// Whether a Prometheus URL was given (flag, env or config file) rather than defaulted.
pub fn direct_prometheus_given(args: &QueryArgs, config: &ConfigFile) -> bool {
    args.prometheus.is_some()
        || std::env::var(PROMETHEUS_URL_ENV).is_ok_and(|u| !u.is_empty())
        || config.prometheus.url.is_some()
}

/// The default client and the named datasources: Grafana's (through its proxy), then those of
/// the config file and `--datasource` (which win on a clash of names).
fn build_datasources(
    args: &QueryArgs,
    config: &ConfigFile,
    grafana: Option<&GrafanaContext>,
    file: &ProvisionedSource,
) -> Result<Datasources, CliError> {
    let direct_given = direct_prometheus_given(args, config);
    // Every direct datasource gets the same credentials, headers and TLS settings.
    let connect = |url: &str, what: &str, ds: Option<&ProvisionedDatasource>| {
        direct_client(args, config, url, what, ds)
    };
    let mut datasources = match grafana {
        Some(context) if !direct_given => through_grafana_default(context)?,
        _ => {
            let env_url = std::env::var(PROMETHEUS_URL_ENV)
                .ok()
                .filter(|u| !u.is_empty());
            let url = prometheus_url(args.prometheus.as_deref(), env_url, config);
            Datasources::single(connect(&url, "Prometheus connection", None)?)
        }
    };
    if let Some(context) = grafana {
        for ds in &context.datasources {
            let client = grafana_proxy_client(context, &ds.uid)?;
            datasources.add_named(&ds.uid, &ds.name, client, ds.time_interval.as_ref());
        }
    }
    let mut named = file.overrides.to_vec();
    let prometheus_kinds = backend_kinds(Backend::Prometheus);
    let provisioned = file.file.map_or(&[][..], |f| f.datasources.as_slice());
    for ds in provisioned
        .iter()
        .filter(|ds| prometheus_kinds.contains(&ds.kind.as_str()))
    {
        let key = ds.uid.clone().unwrap_or_else(|| ds.name.clone());
        // A local entry of the same name or uid overrides the URL: the in-cluster address in
        // provisioning is rarely reachable from a jump host. The last one given wins.
        let url = local_url(ds, &named);
        named.retain(|(n, _)| !is_named(ds, n));
        let client = connect(&url, &format!("datasource {}", ds.name), Some(ds))?;
        if ds.is_default && !direct_given && grafana.is_none() {
            datasources.default = client.clone();
            datasources.default_time_interval = ds.time_interval.clone();
        }
        datasources.add_named(&key, &ds.name, client, ds.time_interval.as_ref());
    }
    for (name, url) in named {
        let named_client = connect(&url, &format!("datasource {name}"), None)?;
        datasources.aliases.remove(&name);
        datasources.named.insert(name, named_client);
    }
    Ok(datasources)
}

/// A client straight to a Prometheus at `url` (`what` names it in errors), with the session's
/// credentials, headers and TLS settings, and a provisioned datasource's own auth.
fn direct_client(
    args: &QueryArgs,
    config: &ConfigFile,
    url: &str,
    what: &str,
    ds: Option<&ProvisionedDatasource>,
) -> Result<PromClient, CliError> {
    let mut settings = prom_config(
        url,
        Duration::from_secs(args.timeout.max(1)),
        config,
        &args.headers,
        args.insecure_skip_verify,
        &|name| std::env::var(name).ok(),
    )
    .map_err(|e| CliError::failure(format!("{what}: {e}")))?;
    if let Some(ds) = ds {
        apply_file_auth(&mut settings, ds);
    }
    PromClient::new(settings).map_err(|e| CliError::failure(format!("{what}: {e}")))
}

/// A client asking one of Grafana's datasources through its datasource proxy.
fn grafana_proxy_client(context: &GrafanaContext, uid: &str) -> Result<PromClient, CliError> {
    PromClient::new(context.client.proxy_config(uid))
        .map_err(|e| CliError::failure(format!("Grafana datasource {uid}: {e}")))
}

/// Without a direct Prometheus given, the default is Grafana's default Prometheus datasource.
fn through_grafana_default(context: &GrafanaContext) -> Result<Datasources, CliError> {
    let default = context.default_datasource().ok_or_else(|| {
        CliError::failure(format!(
            "Grafana at {} has no Prometheus datasource this token may read; give \
             --prometheus URL to query Prometheus directly",
            context.client.display_url()
        ))
    })?;
    let mut datasources = Datasources::single(grafana_proxy_client(context, &default.uid)?);
    datasources.default_time_interval = default.time_interval.clone();
    Ok(datasources)
}

impl Prepared {
    /// The same session settings over another dashboard (Explore panels).
    pub fn with_dashboard(&self, dashboard: Dashboard) -> Prepared {
        Prepared {
            dashboard: Arc::new(dashboard),
            refresh_text: None,
            source_file: None,
            ..self.clone()
        }
    }

    /// The view state a session starts from: the range and `--var` values given.
    pub fn initial_view_state(&self) -> ViewState {
        ViewState {
            range: RangeState::new(&self.from, &self.to),
            overrides: self.overrides.clone(),
            selections: BTreeMap::new(),
            compare: None,
        }
    }

    /// A refresh request at the current time for what the user has chosen.
    pub fn request(&self, state: &ViewState) -> RefreshInput {
        let dashboard = self.dashboard.clone();
        let range = range_now(&state.range, dashboard.timezone.as_deref());
        RefreshInput {
            dashboard,
            overrides: state.overrides.clone(),
            selections: state.selections.clone(),
            range,
            scrape_interval: self.scrape_interval.clone(),
            compare: state.compare,
            keep_unchanged: false,
            wanted: None,
        }
    }
}

/// The range resolved at the current time in the dashboard's zone (`now/d` from its
/// midnight; a range that stopped parsing falls back to 1 h).
fn range_now(range: &RangeState, timezone: Option<&str>) -> TimeRange {
    let now = chrono::Utc::now();
    let zone = crate::grafana::zone::Zone::for_timezone(timezone)
        .unwrap_or(crate::grafana::zone::Zone::Utc);
    TimeRange::resolve_in(&range.from, &range.to, now, zone)
        .or_else(|_| TimeRange::resolve("now-1h", "now", now))
        .unwrap_or_else(|_| unreachable!("now-1h is a valid range"))
}

#[cfg(test)]
mod provisioned_url_tests {
    use super::*;

    #[test]
    fn dashboards_of_this_repository_hand_off_to_its_provisioned_grafana() {
        let dashboard =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("layouts/service/inference-gateway.json");
        assert_eq!(
            provisioned_grafana_url(&dashboard).as_deref(),
            Some("http://localhost:3000")
        );
        // A dashboard outside any such repository has none.
        let outside = std::env::temp_dir().join("triage-no-repo/dash.json");
        let _ = std::fs::create_dir_all(outside.parent().unwrap());
        std::fs::write(&outside, "{}").unwrap();
        assert_eq!(provisioned_grafana_url(&outside), None);
    }
}
