//! `triage inspect`: the normalised model, no network.

use super::{CliError, InspectArgs, InspectFormat};
use crate::grafana::inspect::{inspect_json, inspect_text};
use crate::grafana::load::load_path;

pub fn run(args: &InspectArgs) -> Result<i32, CliError> {
    let loaded = load_path(&args.dashboard).map_err(|e| CliError::failure(e.to_string()))?;
    match args.format {
        InspectFormat::Json => {
            let json = inspect_json(&loaded);
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        InspectFormat::Text => print!("{}", inspect_text(&loaded)),
    }
    Ok(0)
}
