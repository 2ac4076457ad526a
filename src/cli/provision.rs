//! `triage provision [--check]`: write the generated provisioning tree, or compare it with
//! the files on disk.

use super::{CliError, ProvisionArgs};
use crate::provision::{compare, generate_from_paths, write};

pub fn run(args: &ProvisionArgs) -> Result<i32, CliError> {
    let (files, notes) =
        generate_from_paths(&args.config, &args.layouts).map_err(CliError::failure)?;
    for note in &notes {
        eprintln!("triage provision: warning: {note}");
    }
    let out = &args.out;
    if args.check {
        let drift = compare(out, &files);
        if drift.is_clean() {
            println!(
                "provisioning is up to date: {} files in {}",
                files.len(),
                out.display()
            );
            return Ok(0);
        }
        for path in &drift.missing {
            eprintln!(
                "{}: missing (run `triage provision`)",
                out.join(path).display()
            );
        }
        for (path, line) in &drift.changed {
            eprintln!(
                "{}:{line}: differs from the generator (run `triage provision`)",
                out.join(path).display()
            );
        }
        for path in &drift.stale {
            eprintln!(
                "{}: generated earlier but no longer made; delete it",
                out.join(path).display()
            );
        }
        return Ok(1);
    }
    let written = write(out, &files).map_err(CliError::failure)?;
    for path in &written {
        println!("wrote {}", out.join(path).display());
    }
    let stale = compare(out, &files).stale;
    for path in &stale {
        eprintln!(
            "{}: generated earlier but no longer made; delete it",
            out.join(path).display()
        );
    }
    println!(
        "{} files, {} changed, in {}",
        files.len(),
        written.len(),
        out.display()
    );
    Ok(0)
}
