//! Explore's query history, one file per datasource under `$XDG_STATE_HOME/triage/history`
//! (else `~/.local/state/triage/history`): bounded, without duplicates, newest last. The file
//! name comes from the datasource's host and path only (never its credentials or query
//! string); each line is one query as a JSON string, so multi-line queries stay whole.

use std::path::{Path, PathBuf};

/// How many queries a datasource's history keeps.
pub const HISTORY_LIMIT: usize = 500;

/// The history file of a datasource URL, given the environment.
pub fn path_for(datasource: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = env("XDG_STATE_HOME")
        .filter(|d| Path::new(d).is_absolute())
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".local/state")))?;
    Some(
        base.join("triage")
            .join("history")
            .join(file_name(datasource)),
    )
}

/// `http://user:pw@prom.example:9090/prometheus?token=x` → `prom.example_9090_prometheus`.
pub fn file_name(datasource: &str) -> String {
    let without_scheme = datasource
        .split_once("://")
        .map_or(datasource, |(_, rest)| rest);
    let without_query = without_scheme.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = without_query.split_once('/').unwrap_or((without_query, ""));
    let host = authority.rsplit('@').next().unwrap_or_default();
    let name: String = format!("{host}/{path}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches('_').to_string();
    if name.is_empty() || name.starts_with('.') {
        format!("datasource{name}")
    } else {
        name
    }
}

/// The queries in a history file, oldest first (none when it is missing or unreadable; a bad
/// line is skipped).
pub fn load(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut queries = Vec::new();
    for line in text.lines() {
        if let Ok(query) = serde_json::from_str::<String>(line) {
            remember(&mut queries, query);
        }
    }
    queries
}

/// Add a query as the newest, dropping an earlier copy and the oldest beyond the limit.
pub fn remember(history: &mut Vec<String>, query: String) {
    let query = query.trim().to_string();
    if query.is_empty() {
        return;
    }
    history.retain(|q| q != &query);
    history.push(query);
    if history.len() > HISTORY_LIMIT {
        let extra = history.len() - HISTORY_LIMIT;
        history.drain(..extra);
    }
}

/// Write the history (readable by the user only), replacing the file whole.
pub fn save(path: &Path, history: &[String]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut text = String::new();
    for query in history {
        text.push_str(&serde_json::to_string(query).map_err(std::io::Error::other)?);
        text.push('\n');
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&partial, path)
}

/// Ctrl-R: the `skip`-th newest query containing `needle` (case-insensitive).
pub fn search<'a>(history: &'a [String], needle: &str, skip: usize) -> Option<&'a String> {
    let needle = needle.to_lowercase();
    history
        .iter()
        .rev()
        .filter(|q| q.to_lowercase().contains(&needle))
        .nth(skip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_named_after_host_and_path_without_credentials() {
        assert_eq!(
            file_name("https://bob:hunter2@prom.example:9090/prometheus/?token=abc"),
            "prom.example_9090_prometheus"
        );
        assert_eq!(file_name("http://127.0.0.1:9090"), "127.0.0.1_9090");
        assert_eq!(file_name("../.."), "datasource.._..");
        let env = |k: &str| match k {
            "XDG_STATE_HOME" => Some("/state".to_string()),
            _ => Some("/home/u".to_string()),
        };
        assert_eq!(
            path_for("http://p:9090", &env).unwrap(),
            Path::new("/state/triage/history/p_9090")
        );
        let relative = |k: &str| match k {
            "XDG_STATE_HOME" => Some("state".to_string()),
            _ => Some("/home/u".to_string()),
        };
        assert_eq!(
            path_for("http://p:9090", &relative).unwrap(),
            Path::new("/home/u/.local/state/triage/history/p_9090"),
            "a relative XDG_STATE_HOME is ignored, as the spec says"
        );
    }

    #[test]
    fn history_round_trips_bounded_and_without_duplicates() {
        let dir = std::env::temp_dir().join(format!("triage-history-{}", std::process::id()));
        let path = dir.join("p_9090");
        let mut history = Vec::new();
        for i in 0..HISTORY_LIMIT + 5 {
            remember(&mut history, format!("up{{i=\"{i}\"}}"));
        }
        remember(&mut history, "sum(\n  rate(x[5m])\n)".into());
        remember(&mut history, format!("up{{i=\"{}\"}}", HISTORY_LIMIT));
        save(&path, &history).unwrap();
        std::fs::write(
            &path,
            std::fs::read_to_string(&path).unwrap() + "not json\n",
        )
        .unwrap();
        let loaded = load(&path);
        assert_eq!(loaded.len(), HISTORY_LIMIT);
        assert_eq!(
            loaded.last().unwrap(),
            &format!("up{{i=\"{}\"}}", HISTORY_LIMIT)
        );
        assert_eq!(loaded[loaded.len() - 2], "sum(\n  rate(x[5m])\n)");
        assert_eq!(
            search(&loaded, "RATE", 0).unwrap(),
            "sum(\n  rate(x[5m])\n)"
        );
        assert_eq!(
            search(&loaded, "i=\"", 1).unwrap(),
            &format!("up{{i=\"{}\"}}", HISTORY_LIMIT + 4)
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
