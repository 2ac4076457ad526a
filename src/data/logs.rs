//! Log lines as Loki returns them, and the level Grafana reads from each.

use std::collections::BTreeMap;

/// One log line with the labels of its stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogLine {
    pub at_ns: i64,
    pub line: String,
    pub labels: BTreeMap<String, String>,
}

/// A log line's level, as Grafana's `LogLevel` (packages/grafana-data/src/types/logs.ts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogLevel {
    Critical,
    Error,
    Warning,
    Info,
    Debug,
    Trace,
    #[default]
    Unknown,
}

/// The words Grafana reads as levels (the keys of its `LogLevel` enum) and what each means.
const LEVEL_WORDS: &[(&str, LogLevel)] = &[
    ("emerg", LogLevel::Critical),
    ("fatal", LogLevel::Critical),
    ("alert", LogLevel::Critical),
    ("crit", LogLevel::Critical),
    ("critical", LogLevel::Critical),
    ("warn", LogLevel::Warning),
    ("warning", LogLevel::Warning),
    ("err", LogLevel::Error),
    ("eror", LogLevel::Error),
    ("error", LogLevel::Error),
    ("info", LogLevel::Info),
    ("information", LogLevel::Info),
    ("informational", LogLevel::Info),
    ("notice", LogLevel::Info),
    ("dbug", LogLevel::Debug),
    ("debug", LogLevel::Debug),
    ("trace", LogLevel::Trace),
    ("unknown", LogLevel::Unknown),
];

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Critical => "critical",
            LogLevel::Error => "error",
            LogLevel::Warning => "warning",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
            LogLevel::Unknown => "unknown",
        }
    }

    /// A level word as a label holds it (`level="warn"`), case-insensitive.
    pub fn from_key(key: &str) -> Option<LogLevel> {
        let key = key.to_ascii_lowercase();
        LEVEL_WORDS
            .iter()
            .find(|(word, _)| *word == key)
            .map(|&(_, level)| level)
    }

    /// The level of a line: its stream's `level` (or `detected_level`, `lvl`) label when it
    /// names one, else the level word that comes first in the line as a whole word
    /// (public/app/features/logs/utils.ts `getLogLevel`; logsModel.ts reads the label first).
    pub fn of(line: &str, labels: &BTreeMap<String, String>) -> LogLevel {
        let from_label = ["level", "detected_level", "lvl", "loglevel"]
            .iter()
            .filter_map(|name| labels.get(*name))
            .find_map(|value| LogLevel::from_key(value));
        from_label.unwrap_or_else(|| LogLevel::in_line(line))
    }

    /// The level word that starts earliest in the line (ASCII word boundaries, as
    /// JavaScript's `\b`), `Unknown` when there is none.
    pub fn in_line(line: &str) -> LogLevel {
        let bytes = line.as_bytes();
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut start = 0;
        while start < bytes.len() {
            if !is_word(bytes[start]) {
                start += 1;
                continue;
            }
            let end = (start..bytes.len())
                .find(|&i| !is_word(bytes[i]))
                .unwrap_or(bytes.len());
            if let Some(level) = LogLevel::from_key(&line[start..end]) {
                return level;
            }
            start = end;
        }
        LogLevel::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_level_word_of_a_line_is_its_level() {
        assert_eq!(
            LogLevel::in_line("level=error msg=x"),
            LogLevel::Error,
            "`=` is a word boundary"
        );
        assert_eq!(
            LogLevel::in_line(r#"{"level":"warn","msg":"x"}"#),
            LogLevel::Warning
        );
        assert_eq!(
            LogLevel::in_line("level=info msg=\"error budget burning\""),
            LogLevel::Info,
            "the earliest word wins"
        );
        assert_eq!(LogLevel::in_line("errors=3 information"), LogLevel::Info);
        assert_eq!(LogLevel::in_line("WARN disk"), LogLevel::Warning);
        assert_eq!(LogLevel::in_line("request served"), LogLevel::Unknown);
    }

    #[test]
    fn a_level_label_wins_over_the_line() {
        let labels: BTreeMap<String, String> = [("level".to_string(), "ERROR".to_string())].into();
        assert_eq!(LogLevel::of("info: all fine", &labels), LogLevel::Error);
        let odd: BTreeMap<String, String> = [("level".to_string(), "x".to_string())].into();
        assert_eq!(LogLevel::of("info: all fine", &odd), LogLevel::Info);
    }
}
