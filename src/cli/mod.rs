//! The command line: parse arguments, then hand over to one command. Commands are thin; they
//! wire the model, the engine and the terminal together.

pub mod auth;
pub mod config;
pub mod demo;
pub mod inspect;
pub mod render;
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
    /// Print the normalised dashboard model (no network).
    Inspect(InspectArgs),
    /// Start the demo stack (synthetic inference gateway + real Prometheus) and open its dashboard.
    Demo(DemoArgs),
    /// Check dashboards and provisioning (not available yet).
    Check(ReservedArgs),
    /// Generate Grafana provisioning from layouts/ (not available yet).
    Provision(ReservedArgs),
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
    /// Extra HTTP header for every query, e.g. `X-Scope-OrgID=tenant-1` (repeatable). Tokens
    /// and passwords belong in TRIAGE_PROMETHEUS_TOKEN(_FILE) / _USER / _PASSWORD(_FILE).
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub headers: Vec<String>,
    /// Colours the terminal can show: truecolor, 256, 16 or none [default: from NO_COLOR,
    /// COLORTERM and TERM].
    #[arg(long, value_name = "DEPTH")]
    pub color_depth: Option<String>,
    /// Accept any TLS certificate from Prometheus (shown in the status line while on).
    #[arg(long)]
    pub insecure_skip_verify: bool,
    /// Loki base URL for the log pane (`g`) [env: TRIAGE_LOKI_URL; config [loki] url].
    #[arg(long, value_name = "URL")]
    pub loki: Option<String>,
    /// Jaeger query base URL for traces (`T`, `x`) [env: TRIAGE_JAEGER_URL; config [jaeger] url].
    #[arg(long, value_name = "URL")]
    pub jaeger: Option<String>,
    /// Alertmanager base URL, merged into the alerts pane (`a`) [env:
    /// TRIAGE_ALERTMANAGER_URL; config [alertmanager] url].
    #[arg(long, value_name = "URL")]
    pub alertmanager: Option<String>,
}

#[derive(Debug, Args)]
pub struct ViewArgs {
    #[arg(required = true, value_name = "DASHBOARD")]
    pub dashboards: Vec<PathBuf>,
    /// On exit, print the Grafana URL of the last view (and every URL copied with `y`).
    #[arg(long)]
    pub print_link: bool,
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RenderFormat {
    Text,
    Ansi,
    Json,
    /// A picture of the frame with the theme's colours (reports, docs).
    Svg,
    /// The frame as a standalone HTML page.
    Html,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    #[arg(value_name = "DASHBOARD")]
    pub dashboard: PathBuf,
    #[command(flatten)]
    pub query: QueryArgs,
    #[arg(long, default_value_t = 160)]
    pub width: u16,
    #[arg(long, default_value_t = 50)]
    pub height: u16,
    #[arg(long, value_enum, default_value_t = RenderFormat::Text)]
    pub format: RenderFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum InspectFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[arg(value_name = "DASHBOARD")]
    pub dashboard: PathBuf,
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
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
}

#[derive(Debug, Args)]
pub struct ReservedArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub rest: Vec<String>,
}

const COMMANDS: &[&str] = &[
    "view",
    "render",
    "inspect",
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
        Command::Demo(args) => runtime().and_then(|rt| rt.block_on(demo::run(args))),
        Command::Check(_) | Command::Provision(_) => Err(CliError::usage(
            "this command is reserved and not available in this version",
        )),
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
    fn repeated_vars_are_kept_in_order() {
        let cli = Cli::parse_from(["triage", "render", "d.json", "--var", "a=1", "--var", "a=2"]);
        let Command::Render(r) = cli.command else {
            panic!("render expected")
        };
        assert_eq!(r.query.vars, vec!["a=1", "a=2"]);
    }
}
