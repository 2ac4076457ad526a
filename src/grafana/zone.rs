//! A dashboard's time zone (`timezone`: `utc`, `browser` or empty for the viewer's own, or an
//! IANA name such as `Europe/Berlin`), as a chrono time zone so dates, `now/d` rounding and
//! alignment are computed in it, daylight saving changes included.
//!
//! Named zones come from `chrono-tz`, which compiles the IANA database in: the core stays free
//! of file reads and every machine (and every test) sees the same rules, with or without
//! `/usr/share/zoneinfo`.

use std::fmt;

use chrono::{
    DateTime, FixedOffset, Local, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc,
};
use chrono_tz::Tz;

/// Where times are read: UTC, this machine's zone (Grafana's `browser`), or a named zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Utc,
    Local,
    Named(Tz),
}

impl Zone {
    /// The zone a dashboard's `timezone` asks for: `utc` is UTC; `browser`, empty or absent is
    /// the viewer's zone (Grafana's default, the browser's); an IANA name is that zone. A name
    /// the database does not know is `None`: callers keep their own zone then.
    pub fn for_timezone(timezone: Option<&str>) -> Option<Zone> {
        match timezone.map(str::trim).unwrap_or("") {
            "" | "browser" => Some(Zone::Local),
            tz if tz.eq_ignore_ascii_case("utc") => Some(Zone::Utc),
            name => name.parse::<Tz>().ok().map(Zone::Named),
        }
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
            Zone::Named(tz) => tz.offset_from_local_datetime(local).map(|o| wrap(o.fix())),
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> ZoneOffset {
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> ZoneOffset {
        let fixed = match self {
            Zone::Utc => Utc.fix(),
            Zone::Local => Local.offset_from_utc_datetime(utc),
            Zone::Named(tz) => tz.offset_from_utc_datetime(utc).fix(),
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
            Some(Zone::Named(Tz::Europe__Berlin))
        );
        assert_eq!(Zone::for_timezone(Some("Mars/Olympus")), None);
    }

    // Berlin moves from +1 to +2 at 01:00 UTC on the last Sunday of March; Kolkata is +5:30.
    #[test]
    fn offsets_follow_daylight_saving() {
        let berlin = Zone::Named(Tz::Europe__Berlin);
        assert_eq!(berlin.offset_s_at(at("2026-03-29T00:59:59Z")), 3600);
        assert_eq!(berlin.offset_s_at(at("2026-03-29T01:00:00Z")), 7200);
        let kolkata = Zone::Named(Tz::Asia__Kolkata);
        assert_eq!(kolkata.offset_s_at(at("2026-01-01T00:00:00Z")), 19_800);
        let ny = Zone::Named(Tz::America__New_York);
        assert_eq!(
            ny.format(at("2026-11-01T06:30:00Z"), "%Y-%m-%d %H:%M %z"),
            Some("2026-11-01 01:30 -0500".to_string())
        );
    }
}
