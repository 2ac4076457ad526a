//! Time units: durations scaled to the best unit, `toDuration` text, `hh:mm:ss`, clocks and
//! dates (grafana-data `dateTimeFormatters.ts`).

use super::FormattedValue;
use super::number::{js_number_to_string, to_fixed};

/// `toFixedScaled`: the scaled value, its unit made plural when the scaled value's magnitude is
/// above one (`appendPluralIf`, grafana-data `valueFormats/valueFormats.ts`: only min, hour, day,
/// week and year take an "s").
fn scaled(value: f64, decimals: Option<u32>, div: f64, suffix: &str) -> FormattedValue {
    let scaled = value / div;
    let plural =
        scaled.abs() > 1.0 && matches!(suffix, " min" | " hour" | " day" | " week" | " year");
    let suffix = if plural {
        format!("{suffix}s")
    } else {
        suffix.to_string()
    };
    FormattedValue::with_suffix(to_fixed(scaled, decimals), suffix)
}

/// The unscaled first step of a time unit (`{ text: toFixed(size), suffix }`): never plural.
fn unscaled(value: f64, decimals: Option<u32>, suffix: &str) -> FormattedValue {
    FormattedValue::with_suffix(to_fixed(value, decimals), suffix)
}

pub(super) fn to_nanoseconds(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 1000.0 {
        unscaled(v, d, " ns")
    } else if a < 1e6 {
        scaled(v, d, 1e3, " µs")
    } else if a < 1e9 {
        scaled(v, d, 1e6, " ms")
    } else if a < 6e10 {
        scaled(v, d, 1e9, " s")
    } else if a < 3.6e12 {
        scaled(v, d, 6e10, " min")
    } else if a < 8.64e13 {
        scaled(v, d, 3.6e12, " hour")
    } else {
        scaled(v, d, 8.64e13, " day")
    }
}

pub(super) fn to_microseconds(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 1000.0 {
        unscaled(v, d, " µs")
    } else if a < 1e6 {
        scaled(v, d, 1e3, " ms")
    } else {
        scaled(v, d, 1e6, " s")
    }
}

pub(super) fn to_milliseconds(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 1000.0 {
        unscaled(v, d, " ms")
    } else if a < 60_000.0 {
        scaled(v, d, 1000.0, " s")
    } else if a < 3_600_000.0 {
        scaled(v, d, 60_000.0, " min")
    } else if a < 86_400_000.0 {
        scaled(v, d, 3_600_000.0, " hour")
    } else if a < 31_536_000_000.0 {
        scaled(v, d, 86_400_000.0, " day")
    } else {
        scaled(v, d, 31_536_000_000.0, " year")
    }
}

pub(super) fn to_seconds(v: f64, d: Option<u32>) -> FormattedValue {
    if v == 0.0 {
        return FormattedValue::with_suffix("0", " s");
    }
    let a = v.abs();
    if a < 1e-6 {
        FormattedValue::with_suffix(to_fixed(v * 1e9, d), " ns")
    } else if a < 1e-3 {
        FormattedValue::with_suffix(to_fixed(v * 1e6, d), " µs")
    } else if a < 1.0 {
        FormattedValue::with_suffix(to_fixed(v * 1e3, d), " ms")
    } else if a < 60.0 {
        unscaled(v, d, " s")
    } else if a < 3600.0 {
        scaled(v, d, 60.0, " min")
    } else if a < 86400.0 {
        scaled(v, d, 3600.0, " hour")
    } else if a < 604_800.0 {
        scaled(v, d, 86400.0, " day")
    } else if a < 31_536_000.0 {
        scaled(v, d, 604_800.0, " week")
    } else {
        scaled(v, d, 3.15569e7, " year")
    }
}

pub(super) fn to_minutes(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 60.0 {
        unscaled(v, d, " min")
    } else if a < 1440.0 {
        scaled(v, d, 60.0, " hour")
    } else if a < 10080.0 {
        scaled(v, d, 1440.0, " day")
    } else if a < 604_800.0 {
        scaled(v, d, 10080.0, " week")
    } else {
        scaled(v, d, 5.25948e5, " year")
    }
}

pub(super) fn to_hours(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 24.0 {
        unscaled(v, d, " hour")
    } else if a < 168.0 {
        scaled(v, d, 24.0, " day")
    } else if a < 8760.0 {
        scaled(v, d, 168.0, " week")
    } else {
        scaled(v, d, 8760.0, " year")
    }
}

pub(super) fn to_days(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 7.0 {
        scaled(v, d, 1.0, " day")
    } else if a < 365.0 {
        scaled(v, d, 7.0, " week")
    } else {
        scaled(v, d, 365.0, " year")
    }
}

/// `toDuration`: "1 hour, 2 minutes"; one unit plus `decimals` more; negative → "... ago".
pub(super) fn to_duration(
    value: f64,
    decimals: Option<u32>,
    scale_s: f64,
    scale_name: &str,
) -> FormattedValue {
    if value == 0.0 {
        return FormattedValue::with_suffix("0", format!(" {scale_name}s"));
    }
    if value < 0.0 {
        let mut v = to_duration(-value, decimals, scale_s, scale_name);
        v.suffix.push_str(" ago");
        return v;
    }
    const UNITS: [(&str, f64); 8] = [
        ("year", 31_536_000.0),
        ("month", 2_592_000.0),
        ("week", 604_800.0),
        ("day", 86_400.0),
        ("hour", 3600.0),
        ("minute", 60.0),
        ("second", 1.0),
        ("millisecond", 0.001),
    ];
    let mut size = value * (scale_s * 1000.0);
    let mut remaining = i64::from(decimals.unwrap_or(0));
    let mut started = false;
    let mut parts = Vec::new();
    for (name, secs) in UNITS {
        if remaining < 0 {
            break;
        }
        let interval = secs * 1000.0;
        let v = size / interval;
        if v >= 1.0 || started {
            started = true;
            let floor = v.floor();
            let plural = if floor == 1.0 { "" } else { "s" };
            parts.push(format!("{} {name}{plural}", js_number_to_string(floor)));
            size %= interval;
            remaining -= 1;
        }
    }
    FormattedValue::text(parts.join(", "))
}

fn hms(size: f64) -> String {
    let h = (size / 3600.0).floor();
    let m = ((size % 3600.0) / 60.0).floor();
    let s = ((size % 3600.0) % 60.0).floor();
    let two = |n: f64| {
        if n > 9.0 {
            js_number_to_string(n)
        } else {
            format!("0{}", js_number_to_string(n))
        }
    };
    format!("{}:{}:{}", two(h), two(m), two(s))
}

pub(super) fn to_dthms(v: f64) -> FormattedValue {
    if v < 0.0 {
        let mut f = to_dthms(-v);
        f.suffix = " ago".to_string();
        return f;
    }
    FormattedValue::text(hms(v))
}

pub(super) fn to_dtdhms(v: f64) -> FormattedValue {
    if v < 0.0 {
        let mut f = to_dtdhms(-v);
        f.suffix = " ago".to_string();
        return f;
    }
    let days = (v / 86400.0).floor();
    let day_str = if days > 0.0 {
        format!("{} d ", js_number_to_string(days))
    } else {
        String::new()
    };
    FormattedValue::text(format!("{day_str}{}", hms(v - days * 86400.0)))
}

/// `toClock` (clockms / clocks): `05m:03s:120ms` style. The minute, second and millisecond parts
/// are those of the value read as a UTC timestamp (moment `format`), so a negative value shows
/// the time before the epoch; hours are the whole hours, unpadded (`${Math.floor(h)}h`).
pub(super) fn to_clock(ms: f64, decimals: Option<u32>) -> FormattedValue {
    // Outside JavaScript's date range (±8.64e15 ms) moment formats "Invalid date"; the hours
    // part of large values is plain arithmetic and still shows.
    if ms.is_nan() || ms.abs() > 8.64e15 {
        if ms < 3_600_000.0 {
            return FormattedValue::text("Invalid date");
        }
        let h = format!("{}h", js_number_to_string((ms / 3_600_000.0).floor()));
        return FormattedValue::text(match decimals {
            Some(0) => h,
            _ => format!("{h}:Invalid date"),
        });
    }
    // `new Date(ms)` drops the fraction towards zero.
    let total = ms.trunc() as i64;
    let millis = total.rem_euclid(1000);
    let secs = total.div_euclid(1000).rem_euclid(60);
    let mins = total.div_euclid(60_000).rem_euclid(60);
    if ms < 1000.0 {
        return FormattedValue::text(format!("{millis:03}ms"));
    }
    if ms < 60_000.0 {
        return FormattedValue::text(match decimals {
            Some(0) => format!("{secs:02}s"),
            _ => format!("{secs:02}s:{millis:03}ms"),
        });
    }
    if ms < 3_600_000.0 {
        return FormattedValue::text(match decimals {
            Some(0) => format!("{mins:02}m"),
            Some(1) => format!("{mins:02}m:{secs:02}s"),
            _ => format!("{mins:02}m:{secs:02}s:{millis:03}ms"),
        });
    }
    let h = format!("{}h", js_number_to_string((ms / 3_600_000.0).floor()));
    FormattedValue::text(match decimals {
        Some(0) => h,
        Some(1) => format!("{h}:{mins:02}m"),
        Some(2) => format!("{h}:{mins:02}m:{secs:02}s"),
        _ => format!("{h}:{mins:02}m:{secs:02}s:{millis:03}ms"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::units::{f, fd};

    // s: ns/µs/ms below a second, min/hour/day/week/year above a minute (plural above one); 0 -> "0 s".
    #[test]
    fn seconds_ladder() {
        assert_eq!(f(0.0, "s"), "0 s");
        assert_eq!(f(0.0000005, "s"), "500 ns");
        assert_eq!(f(0.0005, "s"), "500 µs");
        assert_eq!(f(0.25, "s"), "250 ms");
        assert_eq!(f(42.0, "s"), "42 s");
        assert_eq!(f(90.0, "s"), "1.50 mins");
        assert_eq!(f(7200.0, "s"), "2 hours");
        assert_eq!(f(172_800.0, "s"), "2 days");
        assert_eq!(f(1_209_600.0, "s"), "2 weeks");
        assert_eq!(f(63_113_800.0, "s"), "2 years");
    }

    #[test]
    fn other_time_units() {
        assert_eq!(f(250.0, "ms"), "250 ms");
        assert_eq!(f(1500.0, "ms"), "1.50 s");
        assert_eq!(f(120_000.0, "ms"), "2 mins");
        assert_eq!(f(1500.0, "µs"), "1.50 ms");
        assert_eq!(f(1500.0, "ns"), "1.50 µs");
        assert_eq!(f(90.0, "m"), "1.50 hours");
        assert_eq!(f(36.0, "h"), "1.50 days");
        assert_eq!(f(14.0, "d"), "2 weeks");
    }

    // dtdurations: one unit by default, `decimals` more units after the first.
    #[test]
    fn durations() {
        assert_eq!(f(3725.0, "dtdurations"), "1 hour");
        assert_eq!(fd(3725.0, "dtdurations", 1), "1 hour, 2 minutes");
        assert_eq!(fd(3725.0, "dtdurations", 2), "1 hour, 2 minutes, 5 seconds");
        assert_eq!(fd(3600.0, "dtdurations", 1), "1 hour, 0 minutes");
        assert_eq!(f(-120.0, "dtdurations"), "2 minutes ago");
        assert_eq!(f(0.0, "dtdurations"), "0 seconds");
        assert_eq!(f(1500.0, "dtdurationms"), "1 second");
        assert_eq!(f(3725.0, "dthms"), "01:02:05");
        assert_eq!(f(90_061.0, "dtdhms"), "1 d 01:01:01");
        assert_eq!(f(61_000.0, "clockms"), "01m:01s:000ms");
    }

    // Cases from Grafana's dateTimeFormatters.test.ts.
    #[test]
    fn grafana_duration_and_clock_tests() {
        let dur =
            |v: f64, d: u32, secs: f64, name: &str| to_duration(v, Some(d), secs, name).to_string();
        assert_eq!(dur(0.0, 0, 0.001, "millisecond"), "0 milliseconds");
        assert_eq!(dur(1.0, 0, 0.001, "millisecond"), "1 millisecond");
        assert_eq!(dur(-1.0, 0, 0.001, "millisecond"), "1 millisecond ago");
        assert_eq!(dur(1.0, 0, 2_592_000.0, "month"), "1 month");
        assert_eq!(dur(1.5, 2, 86_400.0, "day"), "1 day, 12 hours, 0 minutes");
        assert_eq!(
            dur(1.5, 3, 2_592_000.0, "month"),
            "1 month, 2 weeks, 1 day, 0 hours"
        );
        assert_eq!(dur(38_898_367_008.0, 0, 0.001, "millisecond"), "1 year");
        assert_eq!(
            dur(38_898_367_008.0, 1, 0.001, "millisecond"),
            "1 year, 2 months"
        );
        assert_eq!(
            dur(38_898_367_008.0, 20, 0.001, "millisecond"),
            "1 year, 2 months, 3 weeks, 4 days, 5 hours, 6 minutes, 7 seconds, 8 milliseconds"
        );
        assert_eq!(
            dur(36_993_906_007.0, 8, 0.001, "millisecond"),
            "1 year, 2 months, 0 weeks, 3 days, 4 hours, 5 minutes, 6 seconds, 7 milliseconds"
        );
        assert_eq!(f(1.0, "dthms"), "00:00:01");
        assert_eq!(f(-1.0, "dthms"), "00:00:01 ago");
        assert_eq!(f(0.0, "dthms"), "00:00:00");
        assert_eq!(fd(999.0, "clockms", 0), "999ms");
        assert_eq!(f(59_999.0, "clockms"), "59s:999ms");
        assert_eq!(fd(59_999.0, "clockms", 0), "59s");
        assert_eq!(f(3_599_999.0, "clockms"), "59m:59s:999ms");
        assert_eq!(fd(3_599_999.0, "clockms", 1), "59m:59s");
        assert_eq!(f(7_199_999.0, "clockms"), "1h:59m:59s:999ms");
        assert_eq!(fd(7_199_999.0, "clockms", 0), "1h");
        assert_eq!(fd(7_199_999.0, "clockms", 2), "1h:59m:59s");
        assert_eq!(f(89_999_999.0, "clockms"), "24h:59m:59s:999ms");
        assert_eq!(fd(89_999_999.0, "clockms", 1), "24h:59m");
    }
}
