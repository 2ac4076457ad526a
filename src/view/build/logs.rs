//! A logs panel's view: its Loki lines levelled, in the panel's `sortOrder`, folded by its
//! `dedupStrategy` (public/app/plugins/panel/logs/LogsPanel.tsx; the strategies are
//! public/app/features/logs/logsModel.ts `dedupLogRows` / `isDuplicateRow`).

use std::sync::OnceLock;

use regex::Regex;

use super::super::display::Clock;
use super::super::{LogRow, LogsView};
use crate::data::logs::{LogLevel, LogLine};
use crate::grafana::model::Panel;

/// How consecutive lines are folded into one (`dedupStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dedup {
    None,
    /// Equal once ISO 8601 timestamps are taken out.
    Exact,
    /// Equal once digits are taken out.
    Numbers,
    /// Equal once letters, digits and `_` are taken out: the same punctuation shape.
    Signature,
}

impl Dedup {
    fn of(name: Option<&str>) -> Dedup {
        match name {
            Some("exact") => Dedup::Exact,
            Some("numbers") => Dedup::Numbers,
            Some("signature") => Dedup::Signature,
            _ => Dedup::None,
        }
    }

    /// What two lines are compared by.
    fn key(self, line: &str) -> String {
        match self {
            Dedup::None => line.to_string(),
            Dedup::Exact => iso_date().replace_all(line, "").into_owned(),
            Dedup::Numbers => line.chars().filter(|c| !c.is_ascii_digit()).collect(),
            Dedup::Signature => line
                .chars()
                .filter(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
                .collect(),
        }
    }
}

/// Grafana's `isoDateRegexp` in logsModel.ts: a date, a time with a fraction, and a zone.
fn iso_date() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-6]\d[,.]\d+([+-][0-2]\d:[0-5]\d|Z)")
            .expect("a valid regex")
    })
}

/// The lines of a logs panel as drawn. `logs` may come in any order.
pub fn build_logs(panel: &Panel, logs: &[LogLine], clock: Clock) -> LogsView {
    let options = &panel.options.logs;
    // The panel's defaults (public/app/plugins/panel/logs/panelcfg.cue): time hidden, no wrap,
    // newest first, no dedup.
    let newest_first = options.sort_order.as_deref() != Some("Ascending");
    let mut ordered: Vec<&LogLine> = logs.iter().collect();
    ordered.sort_by_key(|l| l.at_ns);
    if newest_first {
        ordered.reverse();
    }
    let dedup = Dedup::of(options.dedup_strategy.as_deref());
    let mut rows: Vec<LogRow> = Vec::new();
    let mut last_key: Option<String> = None;
    for line in ordered {
        let key = (dedup != Dedup::None).then(|| dedup.key(&line.line));
        if let (Some(key), Some(last), Some(row)) = (&key, &last_key, rows.last_mut())
            && key == last
        {
            row.duplicates += 1;
            continue;
        }
        last_key = key;
        rows.push(row_of(line, clock));
    }
    LogsView {
        rows,
        show_time: options.show_time.unwrap_or(false),
        wrap: options.wrap_log_message.unwrap_or(false),
        total: logs.len(),
        newest_first,
    }
}

fn row_of(line: &LogLine, clock: Clock) -> LogRow {
    let at_ms = line.at_ns.div_euclid(1_000_000);
    LogRow {
        at_ms,
        time: log_time(at_ms, clock),
        level: LogLevel::of(&line.line, &line.labels),
        line: line.line.chars().filter(|c| !c.is_control()).collect(),
        labels: line.labels.clone(),
        duplicates: 0,
    }
}

/// The logs panel's time column, `YYYY-MM-DD HH:mm:ss.SSS` (Grafana's `defaultWithMS`).
fn log_time(at_ms: i64, clock: Clock) -> String {
    clock
        .format(at_ms, "%Y-%m-%d %H:%M:%S%.3f")
        .unwrap_or_else(|| at_ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::model::LogsOptions;

    fn line(at_s: i64, text: &str) -> LogLine {
        LogLine {
            at_ns: at_s * 1_000_000_000,
            line: text.into(),
            labels: Default::default(),
        }
    }

    fn panel(options: LogsOptions) -> Panel {
        let mut panel = Panel {
            panel_type: "logs".into(),
            ..Panel::default()
        };
        panel.options.logs = options;
        panel
    }

    #[test]
    fn newest_first_by_default_and_ascending_when_asked() {
        let logs = [line(2, "b"), line(3, "c"), line(1, "a")];
        let view = build_logs(&panel(LogsOptions::default()), &logs, Clock::Utc);
        let order: Vec<&str> = view.rows.iter().map(|r| r.line.as_str()).collect();
        assert_eq!(order, ["c", "b", "a"]);
        assert!(!view.show_time && !view.wrap && view.newest_first);
        assert_eq!(view.rows[0].time, "1970-01-01 00:00:03.000");
        let ascending = LogsOptions {
            sort_order: Some("Ascending".into()),
            show_time: Some(true),
            ..LogsOptions::default()
        };
        let view = build_logs(&panel(ascending), &logs, Clock::Utc);
        let order: Vec<&str> = view.rows.iter().map(|r| r.line.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert!(view.show_time);
    }

    #[test]
    fn dedup_strategies_fold_consecutive_lines_as_grafana_does() {
        // The examples of Grafana's logsModel.test.ts, newest first.
        let logs = [
            line(6, "WARN test 1.23 on [xxx]"),
            line(5, "WARN test 1.23 on [xxx]"),
            line(4, "INFO test 2.44 on [xxx]"),
            line(3, "INFO test 1.23 on [xxx]"),
            line(2, "WARN test 1.23 on [xxx]"),
            line(1, "WARN test 1.23 on [xxx]"),
        ];
        let dedup = |strategy: &str| {
            let options = LogsOptions {
                dedup_strategy: Some(strategy.into()),
                ..LogsOptions::default()
            };
            build_logs(&panel(options), &logs, Clock::Utc)
                .rows
                .iter()
                .map(|r| r.duplicates)
                .collect::<Vec<_>>()
        };
        assert_eq!(dedup("none"), [0; 6]);
        assert_eq!(dedup("exact"), [1, 0, 0, 1]);
        assert_eq!(dedup("numbers"), [1, 1, 1]);
        assert_eq!(dedup("signature"), [5]);
        let dated = [
            line(2, "2019-03-05T11:00:56.123Z sntpc offset=1"),
            line(1, "2019-03-05T10:59:56.456Z sntpc offset=1"),
        ];
        let options = LogsOptions {
            dedup_strategy: Some("exact".into()),
            ..LogsOptions::default()
        };
        let view = build_logs(&panel(options), &dated, Clock::Utc);
        assert_eq!(
            (view.rows.len(), view.total),
            (1, 2),
            "exact ignores ISO dates"
        );
    }

    #[test]
    fn rows_carry_their_level_and_no_control_characters() {
        let logs = [line(1, "level=error msg=\"boom\"\u{7}")];
        let view = build_logs(&panel(LogsOptions::default()), &logs, Clock::Utc);
        assert_eq!(view.rows[0].level, LogLevel::Error);
        assert_eq!(view.rows[0].line, "level=error msg=\"boom\"");
    }
}
