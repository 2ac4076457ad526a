//! Date units (`dateTimeAsIso`, `dateTimeAsUS`, their `NoDateIfToday` forms, `dateTimeFromNow`,
//! `dateTimeAsSystem` and `time:<format>`), shown in the dashboard's zone as grafana-data
//! `valueFormats/dateTimeFormatters.ts` and `datetime/formatter.ts` do.

use chrono::{DateTime, Months, TimeZone, Utc};

use super::FormattedValue;
use crate::grafana::vars::format_moment;
use crate::grafana::zone::Zone;

/// What date units need besides the value: the zone dates are shown in (the dashboard's), the
/// viewer's own zone (where "today" and calendar months are judged: Grafana's `dateTime()` is
/// the browser's clock), and the time it is now. Without `now_ms` the `NoDateIfToday` units
/// always show the date and `dateTimeFromNow` shows the full date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateContext {
    pub zone: Zone,
    pub viewer: Zone,
    pub now_ms: Option<i64>,
}

impl Default for DateContext {
    fn default() -> DateContext {
        DateContext {
            zone: Zone::Utc,
            viewer: Zone::Utc,
            now_ms: None,
        }
    }
}

impl DateContext {
    /// Date units of a panel on a dashboard in `zone`, read at `now_ms`. The viewer's "today"
    /// is judged in the dashboard's zone when it names one (who picks `Europe/Berlin` reads the
    /// dashboard as someone in Berlin; the machine running triage may be a server in UTC), else
    /// in this machine's zone, Grafana's browser.
    pub fn for_dashboard(zone: Zone, now_ms: Option<i64>) -> DateContext {
        let viewer = match zone {
            Zone::Named(_) => zone,
            Zone::Utc | Zone::Local => Zone::Local,
        };
        DateContext {
            zone,
            viewer,
            now_ms,
        }
    }
}

const ISO: &str = "YYYY-MM-DD HH:mm:ss";
const US: &str = "MM/DD/YYYY h:mm:ss a";

/// A date unit's text, or `None` when `unit` is not one.
pub(super) fn date_unit(unit: &str, v: f64, ctx: &DateContext) -> Option<FormattedValue> {
    let text = match unit {
        // `dateTimeAsLocal` formats with the browser's locale, which triage does not have:
        // it shows ISO (a difference kept on purpose, docs/grafana-fidelity.md).
        "dateTimeAsIso" | "dateTimeAsSystem" | "dateTimeAsLocal" => in_zone(v, ISO, ctx),
        "dateTimeAsIsoNoDateIfToday" | "dateTimeAsLocalNoDateIfToday" => {
            unless_today(v, ISO, "HH:mm:ss", ctx)
        }
        "dateTimeAsUS" => in_zone(v, US, ctx),
        "dateTimeAsUSNoDateIfToday" => unless_today(v, US, "h:mm:ss a", ctx),
        "dateTimeFromNow" => match (instant(v), ctx.now_ms) {
            (Some(ms), Some(now)) => from_now(ms, now, ctx.viewer),
            (Some(_), None) => in_zone(v, ISO, ctx),
            (None, _) => INVALID.to_string(),
        },
        _ => in_zone(v, unit.strip_prefix("time:")?, ctx),
    };
    Some(FormattedValue::text(text))
}

const INVALID: &str = "Invalid date";

/// The instant JavaScript's `Date` makes of a number: whole ms toward zero, nothing outside
/// ±8.64e15 ms.
fn instant(v: f64) -> Option<i64> {
    (v.is_finite() && v.abs() <= 8.64e15).then(|| v.trunc() as i64)
}

fn in_zone(v: f64, pattern: &str, ctx: &DateContext) -> String {
    match instant(v) {
        Some(ms) => format_moment(ms, pattern, ctx.zone.offset_s_at(ms)),
        None => INVALID.to_string(),
    }
}

/// `toDateTimeValueFormatter(pattern, todayPattern)`: the short pattern when the value falls
/// on the viewer's today (`dateTime().isSame(value, "day")`).
fn unless_today(v: f64, pattern: &str, today: &str, ctx: &DateContext) -> String {
    let is_today = match (instant(v), ctx.now_ms) {
        (Some(ms), Some(now)) => same_day(ms, now, ctx.viewer),
        _ => false,
    };
    in_zone(v, if is_today { today } else { pattern }, ctx)
}

fn same_day(a_ms: i64, b_ms: i64, zone: Zone) -> bool {
    let day = |ms| local(ms, zone).map(|t| t.date_naive());
    day(a_ms).is_some() && day(a_ms) == day(b_ms)
}

fn local(ms: i64, zone: Zone) -> Option<DateTime<Zone>> {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.with_timezone(&zone))
}

/// moment's `fromNow()` in English: the difference as whole calendar months plus milliseconds
/// (`momentsDifference`, months on the viewer's calendar), rounded per unit and named by the
/// first threshold it is under (`relativeTime`: 44 s, 45 min, 22 h, 26 days, 11 months).
fn from_now(ms: i64, now_ms: i64, viewer: Zone) -> String {
    let Some((months, rest_ms)) = calendar_difference(now_ms, ms, viewer) else {
        return INVALID.to_string();
    };
    let (months, rest) = (months.abs() as f64, rest_ms.abs() as f64);
    // Duration `as(unit)`: the months count as their average days below a month.
    let days = (months * 146_097.0 / 4800.0).round();
    let seconds = (days * 86_400.0 + rest / 1000.0).round();
    let minutes = (days * 1440.0 + rest / 60_000.0).round();
    let hours = (days * 24.0 + rest / 3_600_000.0).round();
    let whole_days = (days + rest / 86_400_000.0).round();
    let in_months = months + (rest / 86_400_000.0) * 4800.0 / 146_097.0;
    let (round_months, years) = (in_months.round(), (in_months / 12.0).round());
    let count = |n: f64, unit: &str| format!("{n} {unit}");
    let phrase = if seconds <= 44.0 {
        "a few seconds".to_string()
    } else if minutes <= 1.0 {
        "a minute".to_string()
    } else if minutes < 45.0 {
        count(minutes, "minutes")
    } else if hours <= 1.0 {
        "an hour".to_string()
    } else if hours < 22.0 {
        count(hours, "hours")
    } else if whole_days <= 1.0 {
        "a day".to_string()
    } else if whole_days < 26.0 {
        count(whole_days, "days")
    } else if round_months <= 1.0 {
        "a month".to_string()
    } else if round_months < 11.0 {
        count(round_months, "months")
    } else if years <= 1.0 {
        "a year".to_string()
    } else {
        count(years, "years")
    };
    // `pastFuture`: a difference of zero reads as past.
    if ms <= now_ms {
        format!("{phrase} ago")
    } else {
        format!("in {phrase}")
    }
}

/// `momentsDifference(now, value)`: whole months from the earlier to the later (a month added
/// keeps the wall time and clamps the day), then the milliseconds left.
fn calendar_difference(now_ms: i64, ms: i64, zone: Zone) -> Option<(i64, i64)> {
    let (early, late) = if now_ms <= ms {
        (now_ms, ms)
    } else {
        (ms, now_ms)
    };
    let (base, other) = (local(early, zone)?, local(late, zone)?);
    let (b, o) = (base.naive_local(), other.naive_local());
    let mut months = i64::from(o.year_month() - b.year_month());
    let add = |n: i64| -> Option<i64> {
        let naive = b.checked_add_months(Months::new(u32::try_from(n).ok()?))?;
        let t = zone.from_local_datetime(&naive).earliest().or_else(|| {
            zone.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
        })?;
        Some(t.timestamp_millis())
    };
    if add(months)? > late {
        months -= 1;
    }
    let rest = late - add(months)?;
    Some(if now_ms <= ms {
        (months, rest)
    } else {
        (-months, -rest)
    })
}

/// Months since year 0 of a wall time, to count calendar months between two.
trait YearMonth {
    fn year_month(&self) -> i32;
}

impl YearMonth for chrono::NaiveDateTime {
    fn year_month(&self) -> i32 {
        use chrono::Datelike;
        self.year() * 12 + self.month0() as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000; // 2023-11-14 22:13:20 UTC

    fn ago(offset_ms: i64) -> String {
        from_now(NOW + offset_ms, NOW, Zone::Utc)
    }

    // moment's thresholds (en): 44 s, 45 min, 22 h, 26 days, 11 months.
    #[test]
    fn relative_times_follow_moment() {
        assert_eq!(ago(0), "a few seconds ago");
        assert_eq!(ago(-44_000), "a few seconds ago");
        assert_eq!(ago(-45_000), "a minute ago");
        assert_eq!(ago(-5 * 60_000), "5 minutes ago");
        assert_eq!(ago(2 * 3_600_000), "in 2 hours");
        assert_eq!(ago(-45 * 60_000), "an hour ago");
        assert_eq!(ago(-22 * 3_600_000), "a day ago");
        assert_eq!(ago(-3 * 86_400_000), "3 days ago");
        assert_eq!(ago(-40 * 86_400_000), "a month ago");
        assert_eq!(ago(-400 * 86_400_000), "a year ago");
        assert_eq!(ago(-1000 * 86_400_000), "3 years ago");
    }

    #[test]
    fn no_date_if_today_judges_today_where_the_viewer_is() {
        let ctx = DateContext {
            zone: Zone::named("Asia/Kolkata").unwrap(),
            viewer: Zone::Utc,
            now_ms: Some(NOW),
        };
        // 20:00 UTC is today for the viewer, shown in Kolkata (01:30 the next day there).
        let v = (NOW - 2 * 3_600_000 - 13 * 60_000 - 20_000) as f64;
        let text = |unit| date_unit(unit, v, &ctx).map(|f| f.text);
        assert_eq!(
            text("dateTimeAsIsoNoDateIfToday"),
            Some("01:30:00".to_string())
        );
        assert_eq!(text("dateTimeAsUSNoDateIfToday"), Some("1:30:00 am".into()));
        assert_eq!(text("dateTimeAsIso"), Some("2023-11-15 01:30:00".into()));
    }
}
