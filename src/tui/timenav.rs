//! Moving through time from the keyboard: quick ranges, zoom, pan and back to live, as
//! Grafana's time picker does. Pure given `now`.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::grafana::timerange::TimeRange;

/// Grafana's quick ranges (the relative ones on-call engineers use).
pub const QUICK_RANGES: &[(&str, &str)] = &[
    ("now-5m", "Last 5 minutes"),
    ("now-15m", "Last 15 minutes"),
    ("now-30m", "Last 30 minutes"),
    ("now-1h", "Last 1 hour"),
    ("now-3h", "Last 3 hours"),
    ("now-6h", "Last 6 hours"),
    ("now-12h", "Last 12 hours"),
    ("now-24h", "Last 24 hours"),
    ("now-2d", "Last 2 days"),
    ("now-7d", "Last 7 days"),
    ("now-30d", "Last 30 days"),
];

/// The range being shown, as Grafana expressions, and the last relative one for "back to live".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeState {
    pub from: String,
    pub to: String,
    pub live_from: String,
    pub live_to: String,
}

impl RangeState {
    pub fn new(from: &str, to: &str) -> Self {
        RangeState {
            from: from.into(),
            to: to.into(),
            live_from: from.into(),
            live_to: to.into(),
        }
    }

    pub fn is_live(&self) -> bool {
        self.to.starts_with("now")
    }

    /// A quick range: relative, and remembered for "back to live".
    pub fn set_relative(&mut self, from: &str) {
        self.from = from.into();
        self.to = "now".into();
        self.live_from = from.into();
        self.live_to = "now".into();
    }

    /// A range the user typed; a relative one (ending at now) also becomes "live".
    pub fn set_range(&mut self, from: &str, to: &str) {
        self.from = from.into();
        self.to = to.into();
        if self.is_live() {
            self.live_from = from.into();
            self.live_to = to.into();
        }
    }

    /// Zoom by `factor` around the centre (2.0 = zoom out, as Grafana's Ctrl-Z; 0.5 = in).
    /// Zooming out of a live range stays live.
    pub fn zoom(&mut self, factor: f64, now: DateTime<Utc>) {
        let Some((from, to)) = self.absolute(now) else {
            return;
        };
        let span = (to - from) as f64;
        let new_span = (span * factor).max(60_000.0);
        if self.is_live() && factor > 1.0 {
            self.from = format!("now-{}s", (new_span / 1000.0).round() as i64);
            return;
        }
        let centre = from as f64 + span / 2.0;
        let new_from = (centre - new_span / 2.0) as i64;
        let new_to = ((centre + new_span / 2.0) as i64).min(now.timestamp_millis());
        self.set_absolute(new_from, new_to);
    }

    /// Move by `fraction` of the span (negative = earlier), as Grafana's time shift buttons.
    pub fn pan(&mut self, fraction: f64, now: DateTime<Utc>) {
        let Some((from, to)) = self.absolute(now) else {
            return;
        };
        let shift = ((to - from) as f64 * fraction) as i64;
        let now_ms = now.timestamp_millis();
        if to + shift >= now_ms {
            // Panning past now returns to the live range of the same width.
            self.from = format!("now-{}s", (to - from) / 1000);
            self.to = "now".into();
            return;
        }
        self.set_absolute(from + shift, to + shift);
    }

    pub fn back_to_live(&mut self) {
        self.from = self.live_from.clone();
        self.to = self.live_to.clone();
    }

    fn absolute(&self, now: DateTime<Utc>) -> Option<(i64, i64)> {
        let range = TimeRange::resolve(&self.from, &self.to, now).ok()?;
        Some((range.from_ms(), range.to_ms()))
    }

    fn set_absolute(&mut self, from_ms: i64, to_ms: i64) {
        let fmt = |ms: i64| {
            DateTime::<Utc>::from_timestamp_millis(ms)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_default()
        };
        self.from = fmt(from_ms);
        self.to = fmt(to_ms);
    }

    /// How the header shows the range.
    pub fn label(&self) -> String {
        if let Some((_, label)) = QUICK_RANGES
            .iter()
            .find(|(f, _)| *f == self.from && self.to == "now")
        {
            return label.to_string();
        }
        if self.to == "now" {
            format!("{} → now", self.from)
        } else {
            format!("{} → {}", self.from, self.to)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn zooming_out_of_a_live_range_stays_live() {
        let mut r = RangeState::new("now-1h", "now");
        r.zoom(2.0, now());
        assert_eq!((r.from.as_str(), r.to.as_str()), ("now-7200s", "now"));
    }

    #[test]
    fn zooming_in_makes_an_absolute_range_around_the_centre() {
        let mut r = RangeState::new("now-1h", "now");
        r.zoom(0.5, now());
        assert_eq!(r.from, "2026-11-24T11:15:00Z");
        assert_eq!(r.to, "2026-11-24T11:45:00Z");
        assert!(!r.is_live());
        r.back_to_live();
        assert_eq!((r.from.as_str(), r.to.as_str()), ("now-1h", "now"));
    }

    #[test]
    fn panning_earlier_then_later_returns_to_live() {
        let mut r = RangeState::new("now-1h", "now");
        r.pan(-0.5, now());
        assert_eq!(
            (r.from.as_str(), r.to.as_str()),
            ("2026-11-24T10:30:00Z", "2026-11-24T11:30:00Z")
        );
        r.pan(0.5, now());
        assert_eq!((r.from.as_str(), r.to.as_str()), ("now-3600s", "now"));
    }

    #[test]
    fn quick_ranges_have_grafana_labels() {
        let mut r = RangeState::new("now-6h", "now");
        assert_eq!(r.label(), "Last 6 hours");
        r.set_relative("now-30d");
        assert_eq!(r.label(), "Last 30 days");
    }
}
