//! A small writer for the OpenMetrics and Prometheus text formats, used by both the live
//! `/metrics` endpoint and the backfill file.
//!
//! Why not the `prometheus-client` crate: it encodes the *current* value of live metric objects,
//! with no way to attach a timestamp to a sample, and a backfill for
//! `promtool tsdb create-blocks-from openmetrics` is nothing but timestamped samples (many per
//! series). Our values already come from a pure model, so writing the lines directly is simpler
//! than keeping metric objects in sync with it, and the two outputs cannot drift apart.

use std::io::{self, Write};

use super::world::{Exemplar, MetricKind};

pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenMetrics,
    /// The classic Prometheus text format (no exemplars, no `# EOF`).
    Prometheus,
}

impl Format {
    /// Picks the format a scraper asked for in its `Accept` header.
    pub fn negotiate(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::Prometheus,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
            Format::Prometheus => PROMETHEUS_CONTENT_TYPE,
        }
    }
}

/// Formats a sample value the way both formats accept (`+Inf`, `NaN`, shortest round-trip digits).
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{v}")
    }
}

/// Unix seconds with millisecond precision, without trailing zeros for whole seconds.
pub fn format_timestamp(t: f64) -> String {
    let ms = (t * 1000.0).round() as i64;
    if ms % 1000 == 0 {
        format!("{}", ms / 1000)
    } else {
        format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
    }
}

pub struct Encoder<W: Write> {
    out: W,
    format: Format,
}

impl<W: Write> Encoder<W> {
    pub fn new(out: W, format: Format) -> Self {
        Encoder { out, format }
    }

    /// `# HELP` and `# TYPE` of a family. Counter names are given without `_total`.
    pub fn family(&mut self, name: &str, kind: MetricKind, help: &str) -> io::Result<()> {
        let kind_name = match kind {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
            MetricKind::Summary => "summary",
        };
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        // The classic format names a counter family after its sample (`x_total`).
        let suffix = match (self.format, kind) {
            (Format::Prometheus, MetricKind::Counter) => "_total",
            _ => "",
        };
        writeln!(self.out, "# HELP {name}{suffix} {help}")?;
        writeln!(self.out, "# TYPE {name}{suffix} {kind_name}")
    }

    /// One sample line. `labels` is the rendered label set with braces (or empty). Exemplars are
    /// written only in OpenMetrics.
    pub fn sample(
        &mut self,
        name: &str,
        labels: &str,
        value: f64,
        timestamp: Option<f64>,
        exemplar: Option<&Exemplar>,
    ) -> io::Result<()> {
        write!(self.out, "{name}{labels} {}", format_value(value))?;
        if let Some(t) = timestamp {
            write!(self.out, " {}", format_timestamp(t))?;
        }
        if let (Format::OpenMetrics, Some(e)) = (self.format, exemplar) {
            write!(
                self.out,
                " # {{trace_id=\"{}\"}} {} {}",
                e.trace_id,
                format_value(e.value),
                format_timestamp(e.timestamp)
            )?;
        }
        self.out.write_all(b"\n")
    }

    /// Ends the exposition (`# EOF` in OpenMetrics) and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == Format::OpenMetrics {
            self.out.write_all(b"# EOF\n")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_openmetrics_only_when_asked() {
        let prometheus_accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(
            Format::negotiate(Some(prometheus_accept)),
            Format::OpenMetrics
        );
        assert_eq!(Format::negotiate(Some("text/plain")), Format::Prometheus);
        assert_eq!(Format::negotiate(None), Format::Prometheus);
    }

    #[test]
    fn formats_values_and_timestamps() {
        assert_eq!(format_value(3.0), "3");
        assert_eq!(format_value(0.25), "0.25");
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_timestamp(1_764_000_000.0), "1764000000");
        assert_eq!(format_timestamp(1_764_000_000.25), "1764000000.250");
    }

    fn encode(format: Format) -> String {
        let mut enc = Encoder::new(Vec::new(), format);
        let ex = Exemplar {
            trace_id: "abc".into(),
            value: 0.07,
            timestamp: 1_764_000_000.5,
        };
        let lines = || -> io::Result<Vec<u8>> {
            enc.family("http_requests", MetricKind::Counter, "Requests.")?;
            enc.sample("http_requests_total", "{a=\"1\"}", 5.0, Some(10.0), None)?;
            enc.family("lat_seconds", MetricKind::Histogram, "Latency.")?;
            enc.sample("lat_seconds_bucket", "{le=\"0.1\"}", 2.0, None, Some(&ex))?;
            enc.finish()
        };
        String::from_utf8(lines().unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn openmetrics_has_exemplars_and_eof() {
        let text = encode(Format::OpenMetrics);
        assert_eq!(
            text,
            "# HELP http_requests Requests.\n# TYPE http_requests counter\n\
             http_requests_total{a=\"1\"} 5 10\n\
             # HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n\
             lat_seconds_bucket{le=\"0.1\"} 2 # {trace_id=\"abc\"} 0.07 1764000000.500\n# EOF\n"
        );
    }

    #[test]
    fn prometheus_text_names_counters_with_total_and_drops_exemplars() {
        let text = encode(Format::Prometheus);
        assert!(text.contains("# TYPE http_requests_total counter\n"));
        assert!(text.contains("lat_seconds_bucket{le=\"0.1\"} 2\n"));
        assert!(!text.contains("# EOF"));
        assert!(!text.contains("trace_id"));
    }
}
