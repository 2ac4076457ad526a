//! What can go wrong when starting the demo stack, phrased as what to do about it.

use std::fmt;
use std::io;

#[derive(Debug)]
pub enum DemoError {
    /// A required program is not installed.
    MissingBinary {
        binary: &'static str,
        package: &'static str,
    },
    Io {
        context: String,
        source: io::Error,
    },
    /// A child did not become ready (or exited); `log` is the tail of its log file.
    NotReady {
        what: String,
        detail: String,
        log: String,
    },
    /// promtool could not build blocks from the generated history.
    Backfill {
        detail: String,
        log: String,
    },
}

impl DemoError {
    pub fn io(context: impl Into<String>, source: io::Error) -> DemoError {
        DemoError::Io {
            context: context.into(),
            source,
        }
    }
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoError::MissingBinary { binary, package } => write!(
                f,
                "{binary} not found on PATH: install it with `sudo apt-get install {package}` \
                 or run scripts/install-deps"
            ),
            DemoError::Io { context, source } => write!(f, "{context}: {source}"),
            DemoError::NotReady { what, detail, log } => {
                write!(f, "{what} did not start: {detail}")?;
                if !log.is_empty() {
                    write!(f, "\nlast lines of its log:\n{log}")?;
                }
                Ok(())
            }
            DemoError::Backfill { detail, log } => {
                write!(f, "backfilling history with promtool failed: {detail}")?;
                if !log.is_empty() {
                    write!(f, "\n{log}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for DemoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DemoError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binary_says_what_to_install() {
        let e = DemoError::MissingBinary {
            binary: "prometheus",
            package: "prometheus",
        };
        assert_eq!(
            e.to_string(),
            "prometheus not found on PATH: install it with `sudo apt-get install prometheus` \
             or run scripts/install-deps"
        );
    }
}
