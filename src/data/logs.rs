//! Log lines as Loki returns them.

/// One log line with the labels of its stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogLine {
    pub at_ns: i64,
    pub line: String,
    pub labels: std::collections::BTreeMap<String, String>,
}
