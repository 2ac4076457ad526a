//! `triage check PATH... [--prometheus URL] [--format text|json]`.

use std::time::Duration;

use super::auth::prom_config;
use super::config::load_config;
use super::{CheckArgs, CheckFormat, CliError};
use crate::check::report::Report;
use crate::check::{gather, offline, online, promtool};
use crate::prom::PromClient;

pub async fn run(args: CheckArgs) -> Result<i32, CliError> {
    let inputs = gather(&args.paths).map_err(CliError::usage)?;
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
            false,
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
