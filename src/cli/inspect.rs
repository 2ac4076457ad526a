//! `triage inspect`: the normalised model. A file needs no network; `grafana:UID` is read
//! from Grafana, with its library panels.

use super::grafana::{self, DashboardSource};
use super::{CliError, InspectArgs, InspectFormat};
use crate::grafana::inspect::{inspect_string, inspect_text};
use crate::grafana::load::load_path;

pub fn run(args: &InspectArgs) -> Result<i32, CliError> {
    let source = grafana::sources(std::slice::from_ref(&args.dashboard), &[], &[]);
    let loaded = match source.first() {
        Some(DashboardSource::Uid(uid)) => super::runtime()?.block_on(async {
            let client = grafana::connect(&args.grafana).await?;
            grafana::load_uid(&client, uid).await.map(|(l, _)| l)
        })?,
        _ => load_path(&args.dashboard).map_err(|e| CliError::failure(e.to_string()))?,
    };
    match args.format {
        InspectFormat::Json => println!("{}", inspect_string(&loaded)),
        InspectFormat::Text => print!("{}", inspect_text(&loaded)),
    }
    Ok(0)
}
