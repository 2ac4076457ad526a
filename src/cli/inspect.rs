//! `triage inspect`: the normalised model, no network.

use super::{CliError, InspectArgs, InspectFormat};
use crate::grafana::inspect::{inspect_string, inspect_text};
use crate::grafana::load::load_path;

pub fn run(args: &InspectArgs) -> Result<i32, CliError> {
    let loaded = load_path(&args.dashboard).map_err(|e| CliError::failure(e.to_string()))?;
    match args.format {
        InspectFormat::Json => println!("{}", inspect_string(&loaded)),
        InspectFormat::Text => print!("{}", inspect_text(&loaded)),
    }
    Ok(0)
}
