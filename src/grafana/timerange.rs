//! Grafana time expressions (`now-6h`, `now/d`, `now-7d/d`, absolute times, epoch ms) and
//! refresh intervals. Pure: the caller passes `now` and the dashboard's time zone.
//!
//! Source: grafana-data `datetime/datemath.ts` (`parse`, `parseDateMath`): operations are read
//! left to right, `+`/`-` add or subtract `<n><unit>` (n defaults to 1), `/unit` rounds to the
//! start of the unit, or to its last millisecond when rounding up (the `to` side).

use std::time::Duration;

use super::zone::Zone;

use chrono::{
    DateTime, Datelike, Duration as ChronoDuration, NaiveDate, NaiveDateTime, TimeZone, Timelike,
    Utc,
};

/// A resolved time range with the expressions it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub raw_from: String,
    pub raw_to: String,
}

impl TimeRange {
    /// Resolve `from`/`to` expressions at `now` in UTC (`from` rounds down, `to` rounds up).
    pub fn resolve(from: &str, to: &str, now: DateTime<Utc>) -> Result<TimeRange, String> {
        Self::resolve_in(from, to, now, Zone::Utc)
    }

    /// Like [`TimeRange::resolve`] in the dashboard's time zone (`now/d` starts at its midnight).
    pub fn resolve_in(
        from: &str,
        to: &str,
        now: DateTime<Utc>,
        tz: Zone,
    ) -> Result<TimeRange, String> {
        let from_t = parse_time(from, now, false, tz)?;
        let to_t = parse_time(to, now, true, tz)?;
        Ok(TimeRange {
            from: from_t,
            to: to_t,
            raw_from: from.to_string(),
            raw_to: to.to_string(),
        })
    }

    pub fn from_ms(&self) -> i64 {
        self.from.timestamp_millis()
    }

    pub fn to_ms(&self) -> i64 {
        self.to.timestamp_millis()
    }

    /// True when either end moves with the clock (contains `now`).
    pub fn is_relative(&self) -> bool {
        self.raw_from.contains("now") || self.raw_to.contains("now")
    }
}

/// Parse one Grafana time expression. `round_up` is true for the `to` end of a range.
pub fn parse_time(
    expr: &str,
    now: DateTime<Utc>,
    round_up: bool,
    tz: Zone,
) -> Result<DateTime<Utc>, String> {
    parse_time_fiscal(expr, now, round_up, tz, 0)
}

/// [`parse_time`] with the dashboard's `fiscalYearStartMonth` (0 = January) for `/fy`, `/fQ`.
pub fn parse_time_fiscal(
    expr: &str,
    now: DateTime<Utc>,
    round_up: bool,
    tz: Zone,
    fiscal_start_month: u32,
) -> Result<DateTime<Utc>, String> {
    let text = expr.trim();
    if text.is_empty() {
        return Err("empty time expression".to_string());
    }
    let invalid = || format!("invalid time expression {text:?}");
    let fiscal = fiscal_start_month.min(11);
    if let Some(math) = text.strip_prefix("now") {
        return apply_date_math(math, now.with_timezone(&tz), round_up, fiscal)
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(invalid);
    }
    // `<absolute>||<math>` (Elasticsearch style, accepted by Grafana's datemath).
    if let Some((abs, math)) = text.split_once("||") {
        let base = parse_absolute(abs, tz).ok_or_else(invalid)?;
        return apply_date_math(math, base.with_timezone(&tz), round_up, fiscal)
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(invalid);
    }
    parse_absolute(text, tz).ok_or_else(|| format!("invalid time {text:?}"))
}

/// Absolute forms: epoch ms, RFC 3339, `YYYY-MM-DD HH:mm:ss(.SSS)`, `YYYY-MM-DD`,
/// `YYYYMMDDTHHmmss` (Grafana URL form); zone-less forms are in `tz`.
fn parse_absolute(text: &str, tz: Zone) -> Option<DateTime<Utc>> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        // Grafana URLs: 8 digits are YYYYMMDD, anything else epoch milliseconds.
        if text.len() == 8 {
            let date = NaiveDate::parse_from_str(text, "%Y%m%d").ok()?;
            return local_to_utc(date.and_hms_opt(0, 0, 0)?, tz);
        }
        let ms: i64 = text.parse().ok()?;
        return DateTime::from_timestamp_millis(ms);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y%m%dT%H%M%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, fmt) {
            return local_to_utc(naive, tz);
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    local_to_utc(date.and_hms_opt(0, 0, 0)?, tz)
}

fn local_to_utc(naive: NaiveDateTime, tz: Zone) -> Option<DateTime<Utc>> {
    local_instant(tz, naive).map(|t| t.with_timezone(&Utc))
}

/// A wall-clock time in `tz` as moment reads it: a time the autumn change repeats is its first
/// occurrence; a time the spring change skips is moved forward by the skipped hour.
fn local_instant(tz: Zone, naive: NaiveDateTime) -> Option<DateTime<Zone>> {
    tz.from_local_datetime(&naive).earliest().or_else(|| {
        tz.from_local_datetime(&naive.checked_add_signed(ChronoDuration::hours(1))?)
            .earliest()
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

/// datemath's units: y Q M w d h m s.
fn unit_of(c: char) -> Option<Unit> {
    Some(match c {
        'y' => Unit::Year,
        'Q' => Unit::Quarter,
        'M' => Unit::Month,
        'w' => Unit::Week,
        'd' => Unit::Day,
        'h' => Unit::Hour,
        'm' => Unit::Minute,
        's' => Unit::Second,
        _ => return None,
    })
}

/// `parseDateMath`: apply `-5m`, `+1h`, `/d`, `/fy` operations in order.
fn apply_date_math(
    math: &str,
    mut time: DateTime<Zone>,
    round_up: bool,
    fiscal_start_month: u32,
) -> Option<DateTime<Zone>> {
    let chars: Vec<char> = math.chars().filter(|c| !c.is_whitespace()).collect();
    let mut i = 0;
    while i < chars.len() {
        let op = chars[i];
        i += 1;
        if !matches!(op, '/' | '+' | '-') {
            return None;
        }
        let digits_start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
            // Grafana gives up once the position passes 10 characters.
            if i > 10 {
                return None;
            }
        }
        let num: i64 = if i == digits_start {
            1
        } else {
            chars[digits_start..i]
                .iter()
                .collect::<String>()
                .parse()
                .ok()?
        };
        // Rounding only applies to whole single units (`/d`, `/1d`), never `/2d`.
        if op == '/' && num != 1 {
            return None;
        }
        let mut fiscal = false;
        if chars.get(i) == Some(&'f') {
            fiscal = true;
            i += 1;
        }
        let unit = unit_of(*chars.get(i)?)?;
        i += 1;
        time = match op {
            '/' if fiscal => round_to_fiscal(time, unit, round_up, fiscal_start_month)?,
            '/' => round_to_unit(time, unit, round_up)?,
            '+' => add_units(time, unit, num)?,
            _ => add_units(time, unit, num.checked_neg()?)?,
        };
    }
    Some(time)
}

fn add_months(t: DateTime<Zone>, m: i64) -> Option<DateTime<Zone>> {
    let m32 = u32::try_from(m.unsigned_abs()).ok()?;
    if m >= 0 {
        t.checked_add_months(chrono::Months::new(m32))
    } else {
        t.checked_sub_months(chrono::Months::new(m32))
    }
}

fn add_units(t: DateTime<Zone>, unit: Unit, n: i64) -> Option<DateTime<Zone>> {
    match unit {
        Unit::Year => add_months(t, n.checked_mul(12)?),
        Unit::Quarter => add_months(t, n.checked_mul(3)?),
        Unit::Month => add_months(t, n),
        // moment adds days and weeks on the calendar: the wall time stays across a clock
        // change (a day is then 23 or 25 hours); hours and smaller are elapsed time.
        Unit::Week => add_calendar(t, ChronoDuration::try_weeks(n)?),
        Unit::Day => add_calendar(t, ChronoDuration::try_days(n)?),
        Unit::Hour => t.checked_add_signed(ChronoDuration::try_hours(n)?),
        Unit::Minute => t.checked_add_signed(ChronoDuration::try_minutes(n)?),
        Unit::Second => t.checked_add_signed(ChronoDuration::try_seconds(n)?),
    }
}

fn add_calendar(t: DateTime<Zone>, days: ChronoDuration) -> Option<DateTime<Zone>> {
    local_instant(t.timezone(), t.naive_local().checked_add_signed(days)?)
}

/// moment `startOf(unit)`, or `endOf(unit)` (last millisecond) when rounding up. Weeks start on
/// Sunday (moment's default `en` locale).
fn round_to_unit(t: DateTime<Zone>, unit: Unit, round_up: bool) -> Option<DateTime<Zone>> {
    let tz = t.timezone();
    let date = t.date_naive();
    let start_naive: NaiveDateTime = match unit {
        Unit::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1)?.and_hms_opt(0, 0, 0)?,
        Unit::Quarter => {
            let first_month = date.month0() / 3 * 3 + 1;
            NaiveDate::from_ymd_opt(date.year(), first_month, 1)?.and_hms_opt(0, 0, 0)?
        }
        Unit::Month => {
            NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?.and_hms_opt(0, 0, 0)?
        }
        Unit::Week => {
            let back = i64::from(date.weekday().num_days_from_sunday());
            date.checked_sub_signed(ChronoDuration::days(back))?
                .and_hms_opt(0, 0, 0)?
        }
        Unit::Day => date.and_hms_opt(0, 0, 0)?,
        Unit::Hour => date.and_hms_opt(t.hour(), 0, 0)?,
        Unit::Minute => date.and_hms_opt(t.hour(), t.minute(), 0)?,
        Unit::Second => date.and_hms_opt(t.hour(), t.minute(), t.second())?,
    };
    let start = local_instant(tz, start_naive)?;
    if !round_up {
        return Some(start);
    }
    let next = match unit {
        Unit::Year => add_months(start, 12)?,
        Unit::Quarter => add_months(start, 3)?,
        Unit::Month => add_months(start, 1)?,
        other => add_units(start, other, 1)?,
    };
    next.checked_sub_signed(ChronoDuration::milliseconds(1))
}

/// `roundToFiscal`: fiscal years and quarters starting at `start_month` (0 = January).
fn round_to_fiscal(
    t: DateTime<Zone>,
    unit: Unit,
    round_up: bool,
    start_month: u32,
) -> Option<DateTime<Zone>> {
    let span = match unit {
        Unit::Year => 12,
        Unit::Quarter => 3,
        _ => return None,
    };
    let back = (t.month0() + 12 - start_month) % span;
    let start = round_to_unit(add_months(t, -i64::from(back))?, Unit::Month, false)?;
    if !round_up {
        return Some(start);
    }
    round_to_unit(add_months(start, i64::from(span) - 1)?, Unit::Month, true)
}

/// Parse a refresh interval (`5s`, `1m`, `1h`, `1d`, `500ms`, `1w`); `None` for off/invalid.
pub fn parse_refresh(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    if split == 0 {
        return None;
    }
    let n: u64 = text[..split].parse().ok()?;
    let secs = match &text[split..] {
        "ms" => return Some(Duration::from_millis(n)),
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        "w" => n.checked_mul(604_800)?,
        _ => return None,
    };
    if secs == 0 {
        return None;
    }
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        // Wednesday 2026-11-25 13:45:30.250 UTC
        Utc.with_ymd_and_hms(2026, 11, 25, 13, 45, 30)
            .single()
            .map(|t| t + ChronoDuration::milliseconds(250))
            .unwrap_or_else(|| unreachable!())
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("bad fixture {s}: {e}"))
    }

    fn p(expr: &str, round_up: bool) -> DateTime<Utc> {
        parse_time(expr, now(), round_up, Zone::Utc).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn now_is_now() {
        assert_eq!(p("now", false), now());
        assert_eq!(p("now", true), now());
    }

    #[test]
    fn relative_offsets() {
        assert_eq!(p("now-1h", false), now() - ChronoDuration::hours(1));
        assert_eq!(p("now-5m", false), now() - ChronoDuration::minutes(5));
        assert_eq!(p("now+1h", false), now() + ChronoDuration::hours(1));
        assert_eq!(p("now-2d", false), now() - ChronoDuration::days(2));
    }

    // `/d` rounds to the start of the day for `from` and to its last millisecond for `to`.
    #[test]
    fn rounding_start_and_end_of_day() {
        assert_eq!(p("now/d", false), utc("2026-11-25T00:00:00Z"));
        assert_eq!(p("now/d", true), utc("2026-11-25T23:59:59.999Z"));
    }

    // "Last 7 days so far": now-7d/d.
    #[test]
    fn offset_then_round() {
        assert_eq!(p("now-7d/d", false), utc("2026-11-18T00:00:00Z"));
        assert_eq!(p("now-1d/d", true), utc("2026-11-24T23:59:59.999Z"));
    }

    #[test]
    fn rounding_other_units() {
        assert_eq!(p("now/h", false), utc("2026-11-25T13:00:00Z"));
        assert_eq!(p("now/M", false), utc("2026-11-01T00:00:00Z"));
        assert_eq!(p("now/M", true), utc("2026-11-30T23:59:59.999Z"));
        assert_eq!(p("now/y", false), utc("2026-01-01T00:00:00Z"));
        // moment en locale weeks start on Sunday: 2026-11-22.
        assert_eq!(p("now/w", false), utc("2026-11-22T00:00:00Z"));
    }

    // Months clamp to the end of a shorter month, like moment's add.
    #[test]
    fn month_arithmetic_clamps() {
        let mar31 = utc("2026-03-31T12:00:00Z");
        let t = parse_time("now-1M", mar31, false, Zone::Utc);
        assert_eq!(t, Ok(utc("2026-02-28T12:00:00Z")));
    }

    // Rounding happens in the dashboard's time zone.
    #[test]
    fn rounding_uses_the_time_zone() {
        let kolkata = Zone::named("Asia/Kolkata").unwrap();
        let t = parse_time("now/d", now(), false, kolkata);
        assert_eq!(t, Ok(utc("2026-11-24T18:30:00Z")));
        let ny = Zone::named("America/New_York").unwrap();
        assert_eq!(
            parse_time("now/w", now(), false, ny),
            Ok(utc("2026-11-22T05:00:00Z"))
        );
        assert_eq!(
            parse_time("now/d", now(), true, ny),
            Ok(utc("2026-11-26T04:59:59.999Z"))
        );
    }

    // On the days clocks change, the day starts at the offset of its midnight, not of now:
    // Berlin's 29 March 2026 starts at +1 and ends at +2 (23 hours); New York's 1 November
    // 2026 starts at -4 and ends at -5 (25 hours).
    #[test]
    fn days_of_a_clock_change_round_in_the_zone() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        let noon = utc("2026-03-29T10:00:00Z");
        assert_eq!(
            parse_time("now/d", noon, false, berlin),
            Ok(utc("2026-03-28T23:00:00Z"))
        );
        assert_eq!(
            parse_time("now/d", noon, true, berlin),
            Ok(utc("2026-03-29T21:59:59.999Z"))
        );
        let ny = Zone::named("America/New_York").unwrap();
        let noon = utc("2026-11-01T17:00:00Z");
        assert_eq!(
            parse_time("now/d", noon, false, ny),
            Ok(utc("2026-11-01T04:00:00Z"))
        );
        assert_eq!(
            parse_time("now/d", noon, true, ny),
            Ok(utc("2026-11-02T04:59:59.999Z"))
        );
        // `now-1d/d` on the Monday after: the previous calendar day, all 25 hours of it.
        assert_eq!(
            parse_time("now-1d/d", utc("2026-11-02T17:00:00Z"), false, ny),
            Ok(utc("2026-11-01T04:00:00Z"))
        );
        // A wall time the spring change skips moves forward by the hour.
        assert_eq!(
            parse_time("2026-03-29 02:30:00", noon, false, berlin),
            Ok(utc("2026-03-29T01:30:00Z"))
        );
    }

    #[test]
    fn absolute_forms() {
        assert_eq!(
            p("2026-11-01T10:00:00Z", false),
            utc("2026-11-01T10:00:00Z")
        );
        assert_eq!(p("2026-11-01 10:00:00", false), utc("2026-11-01T10:00:00Z"));
        assert_eq!(p("1764000000000", false), utc("2025-11-24T16:00:00Z"));
        assert_eq!(p("20261101", false), utc("2026-11-01T00:00:00Z"));
        assert_eq!(p("2026-11-01", false), utc("2026-11-01T00:00:00Z"));
    }

    // Invalid expressions are errors, never panics: `/2d` rounding, unknown units, junk.
    #[test]
    fn invalid_expressions() {
        for bad in [
            "now/2d",
            "now-5x",
            "now-",
            "nowx",
            "yesterday",
            "",
            "now-99999999999h",
        ] {
            assert!(parse_time(bad, now(), false, Zone::Utc).is_err(), "{bad}");
        }
    }

    #[test]
    fn resolve_a_range() {
        let r = TimeRange::resolve("now-6h", "now", now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.to_ms() - r.from_ms(), 6 * 3600 * 1000);
        assert_eq!(r.raw_from, "now-6h");
        assert!(r.is_relative());
    }

    #[test]
    fn quarters_and_fiscal_years() {
        assert_eq!(p("now/Q", false), utc("2026-10-01T00:00:00Z"));
        assert_eq!(p("now/Q", true), utc("2026-12-31T23:59:59.999Z"));
        assert_eq!(p("now-1Q", false), now() - ChronoDuration::days(92));
        // fiscal year starting in April (month 3): 2026-04-01 .. 2027-03-31
        let fy = |e: &str, up: bool| parse_time_fiscal(e, now(), up, Zone::Utc, 3);
        assert_eq!(fy("now/fy", false), Ok(utc("2026-04-01T00:00:00Z")));
        assert_eq!(fy("now/fy", true), Ok(utc("2027-03-31T23:59:59.999Z")));
        assert_eq!(fy("now/fQ", false), Ok(utc("2026-10-01T00:00:00Z")));
        // with January start, fiscal equals calendar
        assert_eq!(p("now/fy", false), p("now/y", false));
    }

    #[test]
    fn absolute_with_math() {
        assert_eq!(
            p("2026-11-01T10:00:00Z||-1d", false),
            utc("2026-10-31T10:00:00Z")
        );
        assert_eq!(
            p("2026-11-01T10:30:00Z||/h", false),
            utc("2026-11-01T10:00:00Z")
        );
        assert!(parse_time("2026-11-01||x", now(), false, Zone::Utc).is_err());
    }

    #[test]
    fn refresh_intervals() {
        assert_eq!(parse_refresh("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_refresh("1m"), Some(Duration::from_secs(60)));
        assert_eq!(parse_refresh("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_refresh("1d"), Some(Duration::from_secs(86400)));
        assert_eq!(parse_refresh("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_refresh(""), None);
        assert_eq!(parse_refresh("off"), None);
        assert_eq!(parse_refresh("0s"), None);
    }
}
