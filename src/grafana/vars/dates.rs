//! The `date` format and moment.js-style date formatting for `$__from` / `$__to`.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

/// The `date` format: `ms`, `seconds`, `iso` (default) or a moment.js format string.
pub(super) fn format_date_arg(value: &str, args: &[&str], utc_offset_s: i32) -> String {
    let Some(ms) = js_parse_int(value) else {
        return "NaN".to_string();
    };
    let arg = args.first().copied().unwrap_or("iso");
    match arg {
        "ms" => value.to_string(),
        "seconds" => format!("{}", (ms as f64 / 1000.0).round() as i64),
        "iso" => DateTime::from_timestamp_millis(ms)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            .unwrap_or_else(|| "Invalid date".to_string()),
        _ => format_moment(ms, &args.join(":"), utc_offset_s),
    }
}

/// JavaScript `parseInt(s, 10)`: leading integer, ignoring what follows.
fn js_parse_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse::<i64>().ok().map(|n| sign * n)
}

/// A subset of moment.js `format()` tokens: YYYY YY M MM MMM MMMM D DD Do DDD DDDD d ddd dddd
/// H HH h hh m mm s ss S SS SSS A a Z ZZ X x, and `[literal]` text.
pub fn format_moment(ms: i64, fmt: &str, utc_offset_s: i32) -> String {
    let Some(offset) = FixedOffset::east_opt(utc_offset_s) else {
        return "Invalid date".to_string();
    };
    let Some(t) = DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset))
    else {
        return "Invalid date".to_string();
    };
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    const TOKENS: &[&str] = &[
        "YYYY", "MMMM", "dddd", "DDDD", "SSS", "MMM", "ddd", "YY", "MM", "DD", "Do", "HH", "hh",
        "mm", "ss", "SS", "ZZ", "M", "D", "d", "H", "h", "m", "s", "S", "A", "a", "Z", "X", "x",
    ];
    let month0 = t.month0() as usize;
    let weekday = t.weekday().num_days_from_sunday() as usize;
    let hour12 = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let millis = t.timestamp_subsec_millis();
    let off_h = utc_offset_s.abs() / 3600;
    let off_m = (utc_offset_s.abs() % 3600) / 60;
    let off_sign = if utc_offset_s < 0 { '-' } else { '+' };
    let mut out = String::new();
    let mut rest = fmt;
    while !rest.is_empty() {
        if let Some(lit) = rest.strip_prefix('[')
            && let Some(end) = lit.find(']')
        {
            out.push_str(&lit[..end]);
            rest = &lit[end + 1..];
            continue;
        }
        let Some(tok) = TOKENS.iter().find(|tok| rest.starts_with(**tok)) else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let s = match *tok {
            "YYYY" => format!("{:04}", t.year()),
            "YY" => format!("{:02}", t.year().rem_euclid(100)),
            "MMMM" => MONTHS[month0].to_string(),
            "MMM" => MONTHS[month0][..3].to_string(),
            "MM" => format!("{:02}", month0 + 1),
            "M" => format!("{}", month0 + 1),
            "DDDD" => format!("{:03}", t.ordinal()),
            "DD" => format!("{:02}", t.day()),
            "D" => t.day().to_string(),
            "Do" => ordinal(t.day()),
            "dddd" => DAYS[weekday].to_string(),
            "ddd" => DAYS[weekday][..3].to_string(),
            "d" => weekday.to_string(),
            "HH" => format!("{:02}", t.hour()),
            "H" => t.hour().to_string(),
            "hh" => format!("{hour12:02}"),
            "h" => hour12.to_string(),
            "mm" => format!("{:02}", t.minute()),
            "m" => t.minute().to_string(),
            "ss" => format!("{:02}", t.second()),
            "s" => t.second().to_string(),
            "SSS" => format!("{millis:03}"),
            "SS" => format!("{:02}", millis / 10),
            "S" => format!("{}", millis / 100),
            "A" => (if t.hour() < 12 { "AM" } else { "PM" }).to_string(),
            "a" => (if t.hour() < 12 { "am" } else { "pm" }).to_string(),
            "Z" => format!("{off_sign}{off_h:02}:{off_m:02}"),
            "ZZ" => format!("{off_sign}{off_h:02}{off_m:02}"),
            "X" => ms.div_euclid(1000).to_string(),
            "x" => ms.to_string(),
            _ => String::new(),
        };
        out.push_str(&s);
        rest = &rest[tok.len()..];
    }
    out
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::vars::Scope;
    use crate::grafana::vars::test_support::prom;

    // ${__from:date...}: iso (default), seconds (rounded), ms, and moment formats.
    #[test]
    fn date_formats() {
        let mut s = Scope::new();
        s.set_time_range(1_764_000_000_500, 1_764_003_600_000);
        assert_eq!(prom("$__from", &s), "1764000000500");
        assert_eq!(prom("${__from:date}", &s), "2025-11-24T16:00:00.500Z");
        assert_eq!(prom("${__from:date:iso}", &s), "2025-11-24T16:00:00.500Z");
        assert_eq!(prom("${__from:date:seconds}", &s), "1764000001");
        assert_eq!(prom("${__to:date:ms}", &s), "1764003600000");
        assert_eq!(
            prom("${__to:date:YYYY-MM-DD HH:mm:ss}", &s),
            "2025-11-24 17:00:00"
        );
        assert_eq!(prom("${__to:date:YYYY-MM}", &s), "2025-11");
        assert_eq!(prom("${__to:text}", &s), "2025-11-24 17:00:00");
        assert_eq!(
            format_moment(1_764_003_600_000, "ddd, MMM Do h:mm A [UTC]", 0),
            "Mon, Nov 24th 5:00 PM UTC"
        );
    }
}
