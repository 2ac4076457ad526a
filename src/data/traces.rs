//! Traces as spans that name their parent and service, from Jaeger or Tempo.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    pub span_id: String,
    /// The span this one is a `CHILD_OF` (or, failing that, `FOLLOWS_FROM`).
    pub parent: Option<String>,
    pub operation: String,
    pub service: String,
    pub start_us: i64,
    pub duration_us: i64,
    /// Tagged `error=true`.
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    pub trace_id: String,
    pub spans: Vec<Span>,
}

impl Trace {
    /// The span without a parent in this trace (the earliest when several).
    pub fn root(&self) -> Option<&Span> {
        let ids: Vec<&str> = self.spans.iter().map(|s| s.span_id.as_str()).collect();
        self.spans
            .iter()
            .filter(|s| s.parent.as_deref().is_none_or(|p| !ids.contains(&p)))
            .min_by_key(|s| s.start_us)
    }

    pub fn start_us(&self) -> i64 {
        self.spans.iter().map(|s| s.start_us).min().unwrap_or(0)
    }

    /// From the first span's start to the last span's end.
    pub fn duration_us(&self) -> i64 {
        let end = self
            .spans
            .iter()
            .map(|s| s.start_us + s.duration_us)
            .max()
            .unwrap_or(0);
        end - self.start_us()
    }

    pub fn has_error(&self) -> bool {
        self.spans.iter().any(|s| s.error)
    }
}
