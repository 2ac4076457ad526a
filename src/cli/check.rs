//! `triage check PATH... [--prometheus URL] [--format text|json]`.

use std::path::PathBuf;
use std::time::Duration;

use super::auth::prom_config;
use super::config::load_config;
use super::grafana::{self, DashboardSource};
use super::{CheckArgs, CheckFormat, CliError, GrafanaArgs};
use crate::check::gather::DashboardFile;
use crate::check::report::Report;
use crate::check::{Finding, Inputs, gather, offline, online, promtool};
use crate::net::PromClient;

pub async fn run(args: CheckArgs) -> Result<i32, CliError> {
    let (uids, files): (Vec<_>, Vec<_>) = grafana::sources(&args.paths, &[], &[])
        .into_iter()
        .partition(DashboardSource::from_grafana);
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter_map(|s| match s {
            DashboardSource::File(path) => Some(path),
            _ => None,
        })
        .collect();
    let mut inputs = gather(&files).map_err(CliError::usage)?;
    if !uids.is_empty() {
        add_grafana_dashboards(&args, &uids, &mut inputs).await?;
    }
    let mut report = Report {
        dashboards: inputs.dashboards.len(),
        files: inputs.dashboards.len() + inputs.yaml.len() + inputs.configs.len(),
        ..Report::default()
    };
    report.findings = offline(&inputs);
    report.findings.extend(promtool::check(&inputs));
    if let Some(url) = &args.prometheus {
        let config = load_config().map_err(|e| CliError::failure(format!("config file {e}")))?;
        let settings = prom_config(
            url,
            Duration::from_secs(args.timeout.max(1)),
            &config,
            &[],
            args.insecure_skip_verify,
            &|name| std::env::var(name).ok(),
        )
        .map_err(|e| CliError::failure(format!("Prometheus connection: {e}")))?;
        let client = PromClient::new(settings)
            .map_err(|e| CliError::failure(format!("Prometheus connection: {e}")))?;
        let mut result = online::check(&inputs, &client).await;
        report.findings.append(&mut result.findings);
        report.online = Some(result);
    }
    report.sort();
    match args.format {
        CheckFormat::Text => print!("{}", report.to_text()),
        CheckFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ),
    }
    Ok(report.exit_code())
}

/// Dashboards named as `grafana:UID`, read from Grafana (library panels included) and checked
/// like files. One Grafana cannot give is an error finding; no Grafana at all stops the check.
async fn add_grafana_dashboards(
    args: &CheckArgs,
    sources: &[DashboardSource],
    inputs: &mut Inputs,
) -> Result<(), CliError> {
    let client = grafana::connect(&GrafanaArgs {
        grafana: args.grafana.clone(),
        timeout: args.timeout,
        insecure_skip_verify: args.insecure_skip_verify,
    })
    .await?;
    for source in sources {
        let DashboardSource::Uid(uid) = source else {
            continue;
        };
        match grafana::load_uid(&client, uid).await {
            Ok((loaded, name)) => inputs.dashboards.push(DashboardFile {
                name,
                loaded: Ok(loaded),
            }),
            Err(e) => inputs.problems.push(Finding::error(
                "load",
                format!(
                    "{}{}",
                    grafana::UID_PREFIX,
                    crate::net::sanitize::sanitize(uid)
                ),
                e.message,
            )),
        }
    }
    Ok(())
}
