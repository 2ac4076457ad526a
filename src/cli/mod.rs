//! The command line: parse arguments, then hand over to one command. Commands are thin; they
//! wire the model, the engine and the terminal together.

pub mod auth;
pub mod check;
pub mod config;
pub mod demo;
pub mod grafana;
pub mod inspect;
pub mod list;
pub mod picture;
pub mod provision;
pub mod provisioned;
pub mod pull;
pub mod render;
pub mod report;
pub mod session_setup;
pub mod view;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "triage",
    version,
    about = "Grafana dashboards in the terminal, for on-call triage"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open dashboards in the interactive terminal UI (the default when given a file).
    View(ViewArgs),
    /// Wait for every panel, draw one frame, print it and exit.
    Render(RenderArgs),
    /// Print the normalised dashboard model (no network, unless it comes from Grafana).
    Inspect(InspectArgs),
    /// List and search the dashboards of a Grafana (uid, title, folder, tags).
    List(ListArgs),
    /// Export dashboards from a Grafana into stably formatted files, folders as in Grafana.
    Pull(PullArgs),
    /// Start the demo stack (synthetic inference gateway + real Prometheus) and open its dashboard.
    Demo(DemoArgs),
    /// Check dashboards, Prometheus rules and Grafana provisioning (offline, or online with
    /// --prometheus). Exit 0 clean (warnings allowed), 1 errors, 2 usage.
    Check(CheckArgs),
    /// Generate Grafana provisioning from layouts/ and provisioning/triage-provision.toml.
    Provision(ProvisionArgs),
    /// Write a self-contained report of a dashboard over a range (HTML with inline SVG charts,
    /// or markdown with PNGs beside it). Exit 1 when any panel failed.
    Report(ReportArgs),
}

/// Options shared by every command that queries Prometheus.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// Prometheus base URL [env: TRIAGE_PROMETHEUS_URL; config file; default http://localhost:9090].
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    /// Set a variable (repeat for several values of a multi-value variable; `All` selects all).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Start of the time range (Grafana syntax: now-1h, now-7d/d, 2026-11-24T10:00:00Z).
    #[arg(long)]
    pub from: Option<String>,
    /// End of the time range.
    #[arg(long)]
    pub to: Option<String>,
    /// Auto-refresh interval (`off` to disable; default: the dashboard's).
    #[arg(long)]
    pub refresh: Option<String>,
    /// Colour theme: grafana-dark (default), grafana-light, colorblind, high-contrast, mono, a
    /// path to a theme file, or NAME for $XDG_CONFIG_HOME/triage/themes/NAME.toml. NO_COLOR
    /// selects mono.
    #[arg(long)]
    pub theme: Option<String>,
    /// Draw with ASCII only, for fonts and terminals without braille, block or box glyphs
    /// [default: on for TERM=linux/vt* and non-UTF-8 locales].
    #[arg(long)]
    pub ascii: bool,
    /// Per-query timeout in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Another datasource by name (repeatable), e.g. `eu=http://prom-eu:9090`: a dashboard's
    /// datasource variable switches between them; panels naming it use it.
    #[arg(long = "datasource", value_name = "NAME=URL")]
    pub datasources: Vec<String>,
    /// Grafana datasource provisioning (e.g. provisioning/grafana/datasources/datasources.yml):
    /// its Prometheus datasources by name and uid, its default as the default; `--datasource`
    /// and `[datasources]` entries of the same name override their URLs (jump hosts).
    #[arg(long, value_name = "FILE")]
    pub datasources_file: Option<PathBuf>,
    /// Extra HTTP header for every query, e.g. `X-Scope-OrgID=tenant-1` (repeatable). Tokens
    /// and passwords belong in TRIAGE_PROMETHEUS_TOKEN(_FILE) / _USER / _PASSWORD(_FILE).
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// Colours the terminal can show: truecolor, 256, 16 or none [default: from NO_COLOR,
    /// COLORTERM and TERM].
    #[arg(long, value_name = "DEPTH")]
    pub color_depth: Option<String>,
    /// Accept any TLS certificate from Prometheus and Grafana (shown in the status line while on).
    #[arg(long)]
    pub insecure_skip_verify: bool,
    /// The datasource's scrape interval as Grafana's `timeInterval` (minimum step and the
    /// `$__rate_interval` rule), e.g. `1m` [config: [prometheus] scrape_interval; default:
    /// asked of Prometheus (`global.scrape_interval`), else Grafana's 15s].
    #[arg(long, value_name = "DURATION")]
    pub scrape_interval: Option<String>,
    /// Loki base URL for the log pane (`g`) [env: TRIAGE_LOKI_URL; config [loki] url].
    #[arg(long, value_name = "URL")]
    pub loki: Option<String>,
    /// Jaeger query base URL for traces (`T`, `x`) [env: TRIAGE_JAEGER_URL; config [jaeger] url].
    #[arg(long, value_name = "URL")]
    pub jaeger: Option<String>,
    /// Tempo base URL for traces, used instead of Jaeger when given; trace links open Grafana
    /// Explore on its Tempo datasource [env: TRIAGE_TEMPO_URL; config [tempo] url].
    #[arg(long, value_name = "URL")]
    pub tempo: Option<String>,
    /// Alertmanager base URL, merged into the alerts pane (`a`) [env:
    /// TRIAGE_ALERTMANAGER_URL; config [alertmanager] url].
    #[arg(long, value_name = "URL")]
    pub alertmanager: Option<String>,
    /// Extra HTTP header for Loki, e.g. `X-Scope-OrgID=team-a` (repeatable); also `[loki]
    /// tenant`, `[loki.headers]`, TRIAGE_LOKI_TENANT, credentials in TRIAGE_LOKI_TOKEN(_FILE) /
    /// _USER / _PASSWORD(_FILE).
    #[arg(long = "loki-header", value_name = "NAME=VALUE")]
    pub loki_headers: Vec<String>,
    /// Extra HTTP header for Jaeger or Tempo (repeatable); as for Loki with TRIAGE_JAEGER_*.
    #[arg(long = "jaeger-header", value_name = "NAME=VALUE")]
    pub jaeger_headers: Vec<String>,
    /// Extra HTTP header for Tempo (repeatable); as for Loki with TRIAGE_TEMPO_*.
    #[arg(long = "tempo-header", value_name = "NAME=VALUE")]
    pub tempo_headers: Vec<String>,
    /// Extra HTTP header for Alertmanager (repeatable); as for Loki with TRIAGE_ALERTMANAGER_*.
    #[arg(long = "alertmanager-header", value_name = "NAME=VALUE")]
    pub alertmanager_headers: Vec<String>,
    /// Work through this Grafana: open its dashboards by uid or title and query its
    /// datasources through its proxy (its default datasource is the default unless a
    /// Prometheus URL is given) [also TRIAGE_GRAFANA_URL or `[grafana] url` when a dashboard
    /// is named as grafana:UID]. Token: TRIAGE_GRAFANA_TOKEN or TRIAGE_GRAFANA_TOKEN_FILE.
    #[arg(long, value_name = "URL")]
    pub grafana: Option<String>,
}

/// Dashboards kept in Grafana, named by uid or title (with `--grafana`).
#[derive(Debug, Clone, Args)]
pub struct GrafanaDashboardArgs {
    /// Open the Grafana dashboard with this uid (repeatable; same as `grafana:UID`).
    #[arg(long = "uid", value_name = "UID")]
    pub uids: Vec<String>,
    /// Open the Grafana dashboard with exactly this title (repeatable).
    #[arg(long = "title", value_name = "TITLE")]
    pub titles: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Dashboard files, folders of them, or `grafana:UID`.
    #[arg(value_name = "DASHBOARD", required_unless_present_any = ["uids", "titles"])]
    pub dashboards: Vec<PathBuf>,
    /// On exit, print the Grafana URL of the last view (and every URL copied with `y`).
    #[arg(long)]
    pub print_link: bool,
    #[command(flatten)]
    pub from_grafana: GrafanaDashboardArgs,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RenderFormat {
    Text,
    Ansi,
    Json,
    /// A vector picture: charts as lines, areas and shapes, laid out by gridPos at --width-px.
    Svg,
    /// The terminal frame as SVG text (monospace glyphs on coloured cells).
    SvgTerminal,
    /// The vector picture rasterised to PNG (written to standard output).
    Png,
    /// The frame as a standalone HTML page.
    Html,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A dashboard file or `grafana:UID`.
    #[arg(value_name = "DASHBOARD", required_unless_present_any = ["uids", "titles"])]
    pub dashboard: Option<PathBuf>,
    #[command(flatten)]
    pub from_grafana: GrafanaDashboardArgs,
    #[command(flatten)]
    pub query: QueryArgs,
    #[arg(long, default_value_t = 160)]
    pub width: u16,
    #[arg(long, default_value_t = 50)]
    pub height: u16,
    #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
    pub format: RenderFormat,
    /// Ask only for the panels in view at this size (outside collapsed rows), as the TUI and
    /// Grafana load a dashboard; the others are left out (state `outOfView`).
    #[arg(long)]
    pub visible_only: bool,
    /// Width in pixels of `svg` and `png` pictures.
    #[arg(long, default_value_t = 1600, value_name = "PIXELS")]
    pub width_px: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    /// One HTML file: inline SVG charts and CSS, no external resources.
    Html,
    /// Markdown with one PNG per panel beside it.
    Md,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A dashboard file or `grafana:UID` (default range: --from now-7d --to now).
    #[arg(value_name = "DASHBOARD")]
    pub dashboard: PathBuf,
    #[command(flatten)]
    pub query: QueryArgs,
    /// Folder to write the report into (created when missing); the file is
    /// `<uid>-<from>-<to>.html` (or `.md`).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Width in pixels of a full-width panel's picture.
    #[arg(long, default_value_t = 1200, value_name = "PIXELS")]
    pub width_px: u32,
    /// Post a short summary with the report's path to this Slack-compatible incoming webhook.
    #[arg(long, value_name = "URL")]
    pub send_webhook: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum InspectFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A dashboard file or `grafana:UID` (its library panels fetched from Grafana).
    #[arg(value_name = "DASHBOARD")]
    pub dashboard: PathBuf,
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    #[command(flatten)]
    pub grafana: GrafanaArgs,
}

/// Connection options of the commands that only talk to Grafana.
#[derive(Debug, Clone, Args)]
pub struct GrafanaArgs {
    /// Grafana's base URL [env: TRIAGE_GRAFANA_URL; config file `[grafana] url`]. Token:
    /// TRIAGE_GRAFANA_TOKEN, TRIAGE_GRAFANA_TOKEN_FILE or `[grafana] token_file`.
    #[arg(long, value_name = "URL")]
    pub grafana: Option<String>,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Accept any TLS certificate from Grafana.
    #[arg(long)]
    pub insecure_skip_verify: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub grafana: GrafanaArgs,
    /// Only dashboards whose title contains this text (Grafana's search).
    #[arg(long, value_name = "TEXT")]
    pub query: Option<String>,
    /// Only dashboards with this tag (repeat: all of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only dashboards in this folder (title or uid; `General` for the root).
    #[arg(long, value_name = "NAME")]
    pub folder: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    #[command(flatten)]
    pub grafana: GrafanaArgs,
    /// The dashboard with this uid (repeatable).
    #[arg(long = "uid", value_name = "UID", conflicts_with_all = ["folder", "all"])]
    pub uids: Vec<String>,
    /// Every dashboard of this folder (title or uid; `General` for the root).
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub folder: Option<String>,
    /// Every dashboard.
    #[arg(long)]
    pub all: bool,
    /// Where the files go (subfolders follow Grafana's folders).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write nothing: report dashboards that differ from the files and exit 1 if any do.
    #[arg(long)]
    pub check: bool,
    /// The `triage provision` config whose [folders] map Grafana folders back to `layouts/`
    /// subfolders (default: provisioning/triage-provision.toml when it exists).
    #[arg(long, value_name = "FILE")]
    pub provisioning_config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Start the stack, print its URLs and wait for Ctrl-C instead of opening the UI.
    #[arg(long)]
    pub no_tui: bool,
    /// Theme for the UI.
    #[arg(long)]
    pub theme: Option<String>,
    /// Draw with ASCII only.
    #[arg(long)]
    pub ascii: bool,
    /// Serve only the synthetic gateway's /metrics (no Prometheus, no UI), for a Prometheus
    /// elsewhere to scrape, such as the compose stack's (provisioning/docker-compose.yml).
    #[arg(long)]
    pub exporter_only: bool,
    /// Address the exporter listens on with --exporter-only.
    #[arg(long, default_value = "0.0.0.0:9464", requires = "exporter_only")]
    pub listen: String,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Dashboard files, rule files, provisioning files, folders holding them, or `grafana:UID`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Grafana to read `grafana:UID` dashboards from [env: TRIAGE_GRAFANA_URL; config file
    /// `[grafana] url`]. Token: TRIAGE_GRAFANA_TOKEN, TRIAGE_GRAFANA_TOKEN_FILE or `[grafana]
    /// token_file`.
    #[arg(long, value_name = "URL")]
    pub grafana: Option<String>,
    /// Accept any TLS certificate from Prometheus and Grafana.
    #[arg(long)]
    pub insecure_skip_verify: bool,
    /// Also run every variable, query and alert rule against this Prometheus.
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Per-query timeout in seconds (queries slower than 5 s are reported either way).
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct ProvisionArgs {
    /// The provisioning config.
    #[arg(long, default_value = "provisioning/triage-provision.toml")]
    pub config: PathBuf,
    /// The dashboards folder.
    #[arg(long, default_value = "layouts")]
    pub layouts: PathBuf,
    /// Where the tree is written.
    #[arg(long, default_value = "provisioning")]
    pub out: PathBuf,
    /// Write nothing; exit 1 when the files on disk differ from what would be generated.
    #[arg(long)]
    pub check: bool,
}

const COMMANDS: &[&str] = &[
    "view",
    "render",
    "report",
    "inspect",
    "list",
    "pull",
    "demo",
    "check",
    "provision",
    "help",
];

/// `triage FILE...` means `triage view FILE...`.
pub fn normalise_args(mut args: Vec<OsString>) -> Vec<OsString> {
    if let Some(first) = args.get(1).and_then(|a| a.to_str()) {
        let is_flag = first.starts_with('-');
        if !is_flag && !COMMANDS.contains(&first) {
            args.insert(1, OsString::from("view"));
        }
    }
    args
}

/// Entry point: returns the process exit code.
pub fn main() -> i32 {
    let args = normalise_args(std::env::args_os().collect());
    let cli = Cli::parse_from(args);
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::View(args) => runtime().and_then(|rt| rt.block_on(view::run(args))),
        Command::Render(args) => runtime().and_then(|rt| rt.block_on(render::run(args))),
        Command::Report(args) => runtime().and_then(|rt| rt.block_on(report::run(args))),
        Command::List(args) => runtime().and_then(|rt| rt.block_on(list::run(args))),
        Command::Pull(args) => runtime().and_then(|rt| rt.block_on(pull::run(args))),
        Command::Demo(args) => runtime().and_then(|rt| rt.block_on(demo::run(args))),
        Command::Check(args) => runtime().and_then(|rt| rt.block_on(check::run(args))),
        Command::Provision(args) => provision::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("triage: {}", error.message);
            error.code
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))
}

/// A failure reported to the user as one clear line and an exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: i32,
}

impl CliError {
    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: 1,
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_as_first_argument_means_view() {
        let args = normalise_args(vec![
            "triage".into(),
            "x.json".into(),
            "--from".into(),
            "now-6h".into(),
        ]);
        let cli = Cli::parse_from(args);
        assert!(
            matches!(cli.command, Command::View(ref v) if v.dashboards == [PathBuf::from("x.json")])
        );
        let cli = Cli::parse_from(normalise_args(vec![
            "triage".into(),
            "render".into(),
            "x.json".into(),
        ]));
        assert!(matches!(cli.command, Command::Render(ref r) if r.width == 160 && r.height == 50));
    }

    #[test]
    fn grafana_dashboards_need_no_file() {
        let cli = Cli::parse_from(normalise_args(vec![
            "triage".into(),
            "render".into(),
            "--grafana".into(),
            "http://g:3000".into(),
            "--uid".into(),
            "gw".into(),
        ]));
        assert!(
            matches!(cli.command, Command::Render(ref r) if r.dashboard.is_none() && r.from_grafana.uids == ["gw"])
        );
        assert!(Cli::try_parse_from(["triage", "render"]).is_err());
        assert!(
            Cli::try_parse_from(["triage", "pull", "--uid", "a", "--all", "--out", "x"]).is_err()
        );
        let cli = Cli::parse_from(normalise_args(vec![
            "triage".into(),
            "pull".into(),
            "--all".into(),
            "--out".into(),
            "layouts".into(),
            "--check".into(),
        ]));
        assert!(matches!(cli.command, Command::Pull(ref p) if p.all && p.check));
    }

    #[test]
    fn repeated_vars_are_kept_in_order() {
        let cli = Cli::parse_from(["triage", "render", "d.json", "--var", "a=1", "--var", "a=2"]);
        let Command::Render(r) = cli.command else {
            panic!("render expected")
        };
        assert_eq!(r.query.vars, vec!["a=1", "a=2"]);
    }
}
