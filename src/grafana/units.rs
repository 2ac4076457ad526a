//! Value formatting with Grafana's unit catalogue and decimals rules.
//!
//! Sources: grafana-data `valueFormats/{categories,valueFormats,symbolFormatters,
//! dateTimeFormatters,arithmeticFormatters}.ts` and `field/displayProcessor.ts`. Numbers are
//! rounded and printed the way JavaScript does (`Math.round`, `String(number)`), so the text
//! matches Grafana character for character.

use std::fmt;

use chrono::DateTime;

/// A formatted value: Grafana draws `prefix` + `text` + `suffix`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FormattedValue {
    pub prefix: String,
    pub text: String,
    pub suffix: String,
}

impl FormattedValue {
    fn text(text: impl Into<String>) -> FormattedValue {
        FormattedValue {
            text: text.into(),
            ..FormattedValue::default()
        }
    }

    fn with_suffix(text: impl Into<String>, suffix: impl Into<String>) -> FormattedValue {
        FormattedValue {
            prefix: String::new(),
            text: text.into(),
            suffix: suffix.into(),
        }
    }
}

impl fmt::Display for FormattedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.prefix, self.text, self.suffix)
    }
}

/// Format `value` with a Grafana unit id (`None`/empty = `none`) and optional fixed decimals.
/// `decimals: None` uses Grafana's automatic decimals (about three significant digits).
pub fn format_value(value: f64, unit: Option<&str>, decimals: Option<u32>) -> FormattedValue {
    let unit = unit
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("none");
    let decimals = decimals.map(|d| d.min(20));
    format_with(unit, value, decimals)
}

/// A value that may be missing: Grafana shows the field's `noValue` text, else an empty string.
pub fn format_optional(
    value: Option<f64>,
    unit: Option<&str>,
    decimals: Option<u32>,
    no_value: Option<&str>,
) -> FormattedValue {
    match value {
        Some(v) => format_value(v, unit, decimals),
        None => FormattedValue::text(no_value.unwrap_or("")),
    }
}

/// Axis tick labels: format with the decimals the tick step needs, then (when the field has no
/// explicit decimals) drop trailing zeros the way displayProcessor does for adjacent decimals.
pub fn format_tick(
    value: f64,
    unit: Option<&str>,
    tick_decimals: u32,
    field_decimals: Option<u32>,
) -> FormattedValue {
    if let Some(d) = field_decimals {
        return format_value(value, unit, Some(d));
    }
    let unit_id = unit
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("none");
    // Grafana's axes pass the step's decimals only when there are some (`decimals > 0 ?
    // decimals : undefined`): a whole step leaves scaled units their own decimals (2.5K).
    let mut v = format_value(value, unit, (tick_decimals > 0).then_some(tick_decimals));
    let trimmable = !unit_id.starts_with("currency")
        && !unit_id.starts_with("bool")
        && !unit_id.starts_with("dateTime")
        && !unit_id.starts_with("time:")
        && unit_id != "locale";
    if trimmable && let Some(n) = js_to_number(&v.text) {
        v.text = js_number_to_string(n);
    }
    v
}

/// Decimals needed to tell ticks `step` apart (e.g. step 0.25 → 2, step 5 → 0).
pub fn tick_decimals(step: f64) -> u32 {
    if !step.is_finite() || step <= 0.0 {
        return 0;
    }
    let mut d = 0u32;
    let mut s = step;
    while d < 10 && (s - s.round()).abs() > 1e-9 * s.abs().max(1.0) {
        s *= 10.0;
        d += 1;
    }
    d
}

/// JavaScript `Math.round`: halves round towards +∞ (`-2.5` → `-2`).
fn js_round(x: f64) -> f64 {
    let floor = x.floor();
    if x - floor >= 0.5 { floor + 1.0 } else { floor }
}

/// JavaScript `String(number)`.
pub fn js_number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    if !(1e-6..1e21).contains(&a) {
        let s = format!("{x:e}");
        return match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        };
    }
    format!("{x}")
}

/// JavaScript `+text` for plain decimal text.
fn js_to_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    t.parse().ok()
}

/// `value.toLocaleString()` for the non-finite values Grafana prints that way.
fn non_finite_text(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x > 0.0 {
        "∞".to_string()
    } else {
        "-∞".to_string()
    }
}

/// Grafana's automatic decimals: 0 for integers, else 2 - floor(log10 |v|), at least 0.
pub fn auto_decimals(value: f64) -> u32 {
    if value == 0.0 || value.fract() == 0.0 || !value.is_finite() {
        return 0;
    }
    let log10 = (value.abs().ln() / std::f64::consts::LN_10).floor();
    (2.0 - log10).clamp(0.0, 20.0) as u32
}

/// grafana-data `toFixed`.
pub fn to_fixed(value: f64, decimals: Option<u32>) -> String {
    if !value.is_finite() {
        return non_finite_text(value);
    }
    let decimals = decimals.unwrap_or_else(|| auto_decimals(value)).min(20);
    if value == 0.0 {
        return format!("{:.*}", decimals as usize, 0.0);
    }
    let factor = if decimals == 0 {
        1.0
    } else {
        10f64.powi(decimals as i32)
    };
    let formatted = js_number_to_string(js_round(value * factor) / factor);
    if formatted.contains('e') {
        return formatted;
    }
    let precision = formatted.find('.').map_or(0, |p| formatted.len() - p - 1);
    if (precision as u32) < decimals {
        let pad = "0".repeat((decimals - precision as u32) as usize);
        return if precision == 0 {
            format!("{formatted}.{pad}")
        } else {
            format!("{formatted}{pad}")
        };
    }
    formatted
}

fn fixed_unit(value: f64, decimals: Option<u32>, unit: &str) -> FormattedValue {
    let text = to_fixed(value, decimals);
    if unit.is_empty() {
        FormattedValue::text(text)
    } else {
        FormattedValue::with_suffix(text, format!(" {unit}"))
    }
}

/// grafana-data `scaledUnits(factor, ext, offset)`.
fn scaled_units(
    value: f64,
    decimals: Option<u32>,
    factor: f64,
    ext: &[&str],
    offset: i32,
) -> FormattedValue {
    if !value.is_finite() {
        return FormattedValue::text(non_finite_text(value));
    }
    let n = ext.len() as i32;
    let si_index = if value == 0.0 {
        0
    } else {
        (value.abs().log10() / factor.log10()).floor() as i32
    };
    let suffix = ext[(offset + si_index).clamp(0, n - 1) as usize];
    let power = si_index.clamp(-offset, n - offset - 1);
    FormattedValue::with_suffix(to_fixed(value / factor.powi(power), decimals), suffix)
}

const SI_PREFIXES: [&str; 14] = [
    "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y",
];
const SI_BASE_INDEX: i32 = 5;
const BIN_PREFIXES: [&str; 9] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"];

fn si_prefix(value: f64, decimals: Option<u32>, unit: &str, offset: i32) -> FormattedValue {
    let ext: Vec<String> = SI_PREFIXES.iter().map(|p| format!(" {p}{unit}")).collect();
    let refs: Vec<&str> = ext.iter().map(String::as_str).collect();
    scaled_units(value, decimals, 1000.0, &refs, SI_BASE_INDEX + offset)
}

fn binary_prefix(value: f64, decimals: Option<u32>, unit: &str, offset: i32) -> FormattedValue {
    let ext: Vec<String> = BIN_PREFIXES.iter().map(|p| format!(" {p}{unit}")).collect();
    let refs: Vec<&str> = ext.iter().map(String::as_str).collect();
    scaled_units(value, decimals, 1024.0, &refs, offset)
}

/// `simpleCountUnit`: K/M/B/T scaling, then " symbol".
fn count_unit(value: f64, decimals: Option<u32>, symbol: &str) -> FormattedValue {
    let mut v = scaled_units(value, decimals, 1000.0, &["", "K", "M", "B", "T"], 0);
    v.suffix = format!("{} {symbol}", v.suffix);
    v
}

fn currency(value: f64, decimals: Option<u32>, symbol: &str, as_suffix: bool) -> FormattedValue {
    let negative = value < 0.0;
    let mut v = scaled_units(value.abs(), decimals, 1000.0, &["", "K", "M", "B", "T"], 0);
    if as_suffix {
        v.suffix = format!("{} {symbol}", v.suffix);
    } else {
        v.prefix = symbol.to_string();
    }
    if negative {
        v.prefix = format!("-{}", v.prefix);
    }
    v
}

fn scaled(value: f64, decimals: Option<u32>, div: f64, suffix: &str) -> FormattedValue {
    FormattedValue::with_suffix(to_fixed(value / div, decimals), suffix)
}

fn to_nanoseconds(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 1000.0 {
        scaled(v, d, 1.0, " ns")
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

fn to_microseconds(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 1000.0 {
        scaled(v, d, 1.0, " µs")
    } else if a < 1e6 {
        scaled(v, d, 1e3, " ms")
    } else {
        scaled(v, d, 1e6, " s")
    }
}

fn to_milliseconds(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 1000.0 {
        scaled(v, d, 1.0, " ms")
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

fn to_seconds(v: f64, d: Option<u32>) -> FormattedValue {
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
        scaled(v, d, 1.0, " s")
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

fn to_minutes(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 60.0 {
        scaled(v, d, 1.0, " min")
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

fn to_hours(v: f64, d: Option<u32>) -> FormattedValue {
    let a = v.abs();
    if a < 24.0 {
        scaled(v, d, 1.0, " hour")
    } else if a < 168.0 {
        scaled(v, d, 24.0, " day")
    } else if a < 8760.0 {
        scaled(v, d, 168.0, " week")
    } else {
        scaled(v, d, 8760.0, " year")
    }
}

fn to_days(v: f64, d: Option<u32>) -> FormattedValue {
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
fn to_duration(
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

fn to_dthms(v: f64) -> FormattedValue {
    if v < 0.0 {
        let mut f = to_dthms(-v);
        f.suffix = " ago".to_string();
        return f;
    }
    FormattedValue::text(hms(v))
}

fn to_dtdhms(v: f64) -> FormattedValue {
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

/// `toClock` (clockms / clocks): `05m:03s:120ms` style.
fn to_clock(ms: f64, decimals: Option<u32>) -> FormattedValue {
    let total = ms.max(0.0);
    let millis = (total % 1000.0).floor() as i64;
    let secs = ((total / 1000.0).floor() as i64) % 60;
    let mins = ((total / 60_000.0).floor() as i64) % 60;
    if total < 1000.0 {
        return FormattedValue::text(format!("{millis:03}ms"));
    }
    if total < 60_000.0 {
        return FormattedValue::text(match decimals {
            Some(0) => format!("{secs:02}s"),
            _ => format!("{secs:02}s:{millis:03}ms"),
        });
    }
    if total < 3_600_000.0 {
        return FormattedValue::text(match decimals {
            Some(0) => format!("{mins:02}m"),
            Some(1) => format!("{mins:02}m:{secs:02}s"),
            _ => format!("{mins:02}m:{secs:02}s:{millis:03}ms"),
        });
    }
    let hours = (total / 3_600_000.0).floor() as i64;
    let h = format!("{:02}h", hours % 100);
    FormattedValue::text(match decimals {
        Some(0) => h,
        Some(1) => format!("{h}:{mins:02}m"),
        Some(2) => format!("{h}:{mins:02}m:{secs:02}s"),
        _ => format!("{h}:{mins:02}m:{secs:02}s:{millis:03}ms"),
    })
}

fn to_hex(value: f64, decimals: Option<u32>) -> String {
    let fixed: f64 = to_fixed(value, decimals).parse().unwrap_or(value);
    let neg = fixed < 0.0;
    let a = fixed.abs();
    let mut int = a.trunc() as u128;
    let mut digits = String::new();
    if int == 0 {
        digits.push('0');
    }
    while int > 0 {
        let d = (int % 16) as u32;
        digits.insert(
            0,
            char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase(),
        );
        int /= 16;
    }
    let mut frac = a.fract();
    if frac > 0.0 {
        digits.push('.');
        for _ in 0..13 {
            frac *= 16.0;
            let d = frac.trunc() as u32;
            digits.push(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
            frac -= f64::from(d);
            if frac == 0.0 {
                break;
            }
        }
    }
    if neg { format!("-{digits}") } else { digits }
}

fn locale_format(value: f64, decimals: Option<u32>) -> String {
    let max_frac = decimals.unwrap_or(3).min(20) as usize;
    let s = format!("{:.*}", max_frac, value.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let frac = frac.trim_end_matches('0');
    let sign = if value < 0.0 && (int != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

fn date_time(value: f64, fmt: &str) -> FormattedValue {
    if !value.is_finite() {
        return FormattedValue::text("Invalid date");
    }
    FormattedValue::text(super::vars::format_moment(value as i64, fmt, 0))
}

/// `getOffsetFromSIPrefix`.
fn si_offset(c: &str) -> Option<i32> {
    Some(match c {
        "f" => -5,
        "p" => -4,
        "n" => -3,
        "µ" | "μ" => -2,
        "m" => -1,
        "k" => 1,
        "M" => 2,
        "G" => 3,
        "T" => 4,
        "P" => 5,
        "E" => 6,
        "Z" => 7,
        "Y" => 8,
        _ => return None,
    })
}

fn format_with(unit: &str, v: f64, d: Option<u32>) -> FormattedValue {
    if let Some(f) = catalogue(unit, v, d) {
        return f;
    }
    // Custom units: prefix:, suffix:, si:, count:, currency:, bool:, time:.
    if let Some((key, sub)) = unit.split_once(':')
        && !key.is_empty()
    {
        match key {
            "prefix" => {
                let mut f = fixed_unit(v, d, "");
                f.prefix = sub.to_string();
                return f;
            }
            "suffix" => return fixed_unit(v, d, sub),
            "time" => return date_time(v, sub),
            "si" => {
                let first: String = sub.chars().take(1).collect();
                return match si_offset(&first) {
                    Some(off) => si_prefix(v, d, &sub[first.len()..], off),
                    None => si_prefix(v, d, sub, 0),
                };
            }
            "count" => return count_unit(v, d, sub),
            "currency" => return currency(v, d, sub, false),
            "bool" => {
                let (t, f) = sub.split_once('/').unwrap_or((sub, "-"));
                return FormattedValue::text(if v != 0.0 && !v.is_nan() { t } else { f });
            }
            _ => {}
        }
    }
    // Unknown id: the id itself becomes the suffix.
    fixed_unit(v, d, unit)
}

/// The built-in unit ids.
fn catalogue(unit: &str, v: f64, d: Option<u32>) -> Option<FormattedValue> {
    let simple = |u: &str| Some(fixed_unit(v, d, u));
    let si = |u: &str, off: i32| Some(si_prefix(v, d, u, off));
    let bin = |u: &str, off: i32| Some(binary_prefix(v, d, u, off));
    let count = |u: &str| Some(count_unit(v, d, u));
    let cur = |s: &str, suffix: bool| Some(currency(v, d, s, suffix));
    let boolean = |t: &str, f: &str| {
        Some(FormattedValue::text(if v != 0.0 && !v.is_nan() {
            t
        } else {
            f
        }))
    };
    match unit {
        // Misc
        "none" | "" => simple(""),
        "string" => Some(FormattedValue::text(js_number_to_string(v))),
        "short" => Some(scaled_units(
            v,
            d,
            1000.0,
            &[
                "", " K", " Mil", " Bil", " Tri", " Quadr", " Quint", " Sext", " Sept",
            ],
            0,
        )),
        "percent" => Some(FormattedValue::with_suffix(to_fixed(v, d), "%")),
        "percentunit" => Some(FormattedValue::with_suffix(to_fixed(100.0 * v, d), "%")),
        "humidity" => simple("%H"),
        "dB" => simple("dB"),
        "hex0x" => {
            let h = to_hex(v, d);
            Some(FormattedValue::text(match h.strip_prefix('-') {
                Some(rest) => format!("-0x{rest}"),
                None => format!("0x{h}"),
            }))
        }
        "hex" => Some(FormattedValue::text(to_hex(v, d))),
        "sci" => Some(FormattedValue::text(to_exponential(v, d))),
        "locale" => Some(FormattedValue::text(locale_format(v, d))),
        "pixel" => simple("px"),
        // Acceleration, angle, area
        "accMS2" => simple("m/sec²"),
        "accFS2" => simple("f/sec²"),
        "accG" => simple("g"),
        "degree" => simple("°"),
        "radian" => simple("rad"),
        "grad" => simple("grad"),
        "arcmin" => simple("arcmin"),
        "arcsec" => simple("arcsec"),
        "areaM2" => simple("m²"),
        "areaF2" => simple("ft²"),
        "areaMI2" => simple("mi²"),
        // Computation
        "flops" => si("FLOPS", 0),
        "mflops" => si("FLOPS", 2),
        "gflops" => si("FLOPS", 3),
        "tflops" => si("FLOPS", 4),
        "pflops" => si("FLOPS", 5),
        "eflops" => si("FLOPS", 6),
        "zflops" => si("FLOPS", 7),
        "yflops" => si("FLOPS", 8),
        // Concentration
        "ppm" => simple("ppm"),
        "conppb" => simple("ppb"),
        "conngm3" => simple("ng/m³"),
        "conμgm3" | "conµgm3" => simple("μg/m³"),
        "conmgm3" => simple("mg/m³"),
        "congm3" => simple("g/m³"),
        "conmgdL" => simple("mg/dL"),
        "conmmolL" => simple("mmol/L"),
        // Currency
        "currencyUSD" => cur("$", false),
        "currencyGBP" => cur("£", false),
        "currencyEUR" => cur("€", false),
        "currencyJPY" => cur("¥", false),
        "currencyRUB" => cur("₽", false),
        "currencyUAH" => cur("₴", false),
        "currencyBRL" => cur("R$", false),
        "currencyDKK" | "currencyISK" | "currencyNOK" | "currencySEK" => cur("kr", true),
        "currencyCZK" => cur("czk", false),
        "currencyCHF" => cur("CHF", false),
        "currencyPLN" => cur("PLN", false),
        "currencyBTC" => cur("฿", false),
        "currencymBTC" => cur("mBTC", false),
        "currencyμBTC" | "currencyµBTC" => cur("μBTC", false),
        "currencyZAR" => cur("R", false),
        "currencyINR" => cur("₹", false),
        "currencyKRW" => cur("₩", false),
        "currencyIDR" => cur("Rp", false),
        "currencyPHP" => cur("PHP", false),
        "currencyVND" => cur("đ", true),
        "currencyTRY" => cur("₺", true),
        // Data
        "bytes" => bin("B", 0),
        "decbytes" => si("B", 0),
        "bits" => bin("b", 0),
        "decbits" => si("b", 0),
        "kbytes" => bin("B", 1),
        "deckbytes" => si("B", 1),
        "mbytes" => bin("B", 2),
        "decmbytes" => si("B", 2),
        "gbytes" => bin("B", 3),
        "decgbytes" => si("B", 3),
        "tbytes" => bin("B", 4),
        "dectbytes" => si("B", 4),
        "pbytes" => bin("B", 5),
        "decpbytes" => si("B", 5),
        // Data rate
        "pps" => si("p/s", 0),
        "binBps" => bin("B/s", 0),
        "Bps" => si("B/s", 0),
        "binbps" => bin("b/s", 0),
        "bps" => si("b/s", 0),
        "KiBs" => bin("B/s", 1),
        "Kibits" => bin("b/s", 1),
        "KBs" => si("B/s", 1),
        "Kbits" => si("b/s", 1),
        "MiBs" => bin("B/s", 2),
        "Mibits" => bin("b/s", 2),
        "MBs" => si("B/s", 2),
        "Mbits" => si("b/s", 2),
        "GiBs" => bin("B/s", 3),
        "Gibits" => bin("b/s", 3),
        "GBs" => si("B/s", 3),
        "Gbits" => si("b/s", 3),
        "TiBs" => bin("B/s", 4),
        "Tibits" => bin("b/s", 4),
        "TBs" => si("B/s", 4),
        "Tbits" => si("b/s", 4),
        "PiBs" => bin("B/s", 5),
        "Pibits" => bin("b/s", 5),
        "PBs" => si("B/s", 5),
        "Pbits" => si("b/s", 5),
        // Date & time (UTC; Grafana uses the dashboard zone)
        "dateTimeAsIso"
        | "dateTimeAsIsoNoDateIfToday"
        | "dateTimeAsSystem"
        | "dateTimeAsLocal"
        | "dateTimeAsLocalNoDateIfToday"
        | "dateTimeFromNow" => Some(date_time(v, "YYYY-MM-DD HH:mm:ss")),
        "dateTimeAsUS" | "dateTimeAsUSNoDateIfToday" => Some(date_time(v, "MM/DD/YYYY h:mm:ss a")),
        // Energy
        "watt" => si("W", 0),
        "kwatt" => si("W", 1),
        "megwatt" => si("W", 2),
        "gwatt" => si("W", 3),
        "mwatt" => si("W", -1),
        "Wm2" => simple("W/m²"),
        "voltamp" => si("VA", 0),
        "kvoltamp" => si("VA", 1),
        "voltampreact" => si("VAr", 0),
        "kvoltampreact" => si("VAr", 1),
        "watth" => si("Wh", 0),
        "watthperkg" => si("Wh/kg", 0),
        "kwatth" => si("Wh", 1),
        "kwattm" => si("W-Min", 1),
        "amph" => si("Ah", 0),
        "kamph" => si("Ah", 1),
        "mamph" => si("Ah", -1),
        "joule" => si("J", 0),
        "ev" => si("eV", 0),
        "amp" => si("A", 0),
        "kamp" => si("A", 1),
        "mamp" => si("A", -1),
        "volt" => si("V", 0),
        "kvolt" => si("V", 1),
        "mvolt" => si("V", -1),
        "dBm" => si("dBm", 0),
        "ohm" => si("Ω", 0),
        "kohm" => si("Ω", 1),
        "Mohm" => si("Ω", 2),
        "farad" => si("F", 0),
        "µfarad" => si("F", -2),
        "nfarad" => si("F", -3),
        "pfarad" => si("F", -4),
        "ffarad" => si("F", -5),
        "henry" => si("H", 0),
        "mhenry" => si("H", -1),
        "µhenry" => si("H", -2),
        "lumens" => si("Lm", 0),
        // Flow
        "flowgpm" => simple("gpm"),
        "flowcms" => simple("cms"),
        "flowcfs" => simple("cfs"),
        "flowcfm" => simple("cfm"),
        "litreh" => simple("L/h"),
        "flowlpm" => simple("L/min"),
        "flowmlpm" => simple("mL/min"),
        "lux" => simple("lux"),
        // Force, hash rate, mass, length
        "forceNm" => si("Nm", 0),
        "forcekNm" => si("Nm", 1),
        "forceN" => si("N", 0),
        "forcekN" => si("N", 1),
        "Hs" => si("H/s", 0),
        "KHs" => si("H/s", 1),
        "MHs" => si("H/s", 2),
        "GHs" => si("H/s", 3),
        "THs" => si("H/s", 4),
        "PHs" => si("H/s", 5),
        "EHs" => si("H/s", 6),
        "massmg" => si("g", -1),
        "massg" => si("g", 0),
        "masslb" => simple("lb"),
        "masskg" => si("g", 1),
        "masst" => simple("t"),
        "lengthmm" => si("m", -1),
        "lengthin" => simple("in"),
        "lengthft" => simple("ft"),
        "lengthm" => si("m", 0),
        "lengthkm" => si("m", 1),
        "lengthmi" => simple("mi"),
        // Pressure
        "pressurembar" => si("bar", -1),
        "pressurebar" => si("bar", 0),
        "pressurekbar" => si("bar", 1),
        "pressurepa" => si("Pa", 0),
        "pressurehpa" => simple("hPa"),
        "pressurekpa" => simple("kPa"),
        "pressurehg" => simple("\"Hg"),
        "pressurepsi" => Some(scaled_units(v, d, 1000.0, &["psi", "ksi", "Mpsi"], 0)),
        // Rotation, temperature
        "rotrpm" => simple("rpm"),
        "rothz" => si("Hz", 0),
        "rotrads" => simple("rad/s"),
        "rotdegs" => simple("°/s"),
        "celsius" => simple("°C"),
        "fahrenheit" => simple("°F"),
        "kelvin" => simple("K"),
        // Time
        "hertz" => si("Hz", 0),
        "ns" => Some(to_nanoseconds(v, d)),
        "µs" | "us" => Some(to_microseconds(v, d)),
        "ms" => Some(to_milliseconds(v, d)),
        "s" => Some(to_seconds(v, d)),
        "m" => Some(to_minutes(v, d)),
        "h" => Some(to_hours(v, d)),
        "d" => Some(to_days(v, d)),
        "dtdurationms" => Some(to_duration(v, d, 0.001, "millisecond")),
        "dtdurations" => Some(to_duration(v, d, 1.0, "second")),
        "dthms" => Some(to_dthms(v)),
        "dtdhms" => Some(to_dtdhms(v)),
        "timeticks" => Some(to_seconds(v / 100.0, d)),
        "clockms" => Some(to_clock(v, d)),
        "clocks" => Some(to_clock(v * 1000.0, d)),
        // Throughput
        "cps" => count("c/s"),
        "ops" => count("ops/s"),
        "reqps" => count("req/s"),
        "rps" => count("rd/s"),
        "wps" => count("wr/s"),
        "iops" => count("io/s"),
        "eps" => count("evt/s"),
        "mps" => count("msg/s"),
        "recps" => count("rec/s"),
        "rowsps" => count("rows/s"),
        "cpm" => count("c/m"),
        "opm" => count("ops/m"),
        "reqpm" => count("req/m"),
        "rpm" => count("rd/m"),
        "wpm" => count("wr/m"),
        "epm" => count("evts/m"),
        "mpm" => count("msgs/m"),
        "recpm" => count("rec/m"),
        "rowspm" => count("rows/m"),
        // Velocity, volume
        "velocityms" => simple("m/s"),
        "velocitykmh" => simple("km/h"),
        "velocitymph" => simple("mph"),
        "velocityknot" => simple("kn"),
        "mlitre" => si("L", -1),
        "litre" => si("L", 0),
        "m3" => simple("m³"),
        "Nm3" => simple("Nm³"),
        "dm3" => simple("dm³"),
        "gallons" => simple("gal"),
        // Boolean
        "bool" => boolean("True", "False"),
        "bool_yes_no" => boolean("Yes", "No"),
        "bool_on_off" => boolean("On", "Off"),
        _ => None,
    }
}

/// JavaScript `toExponential(decimals)` (auto digits when `None`).
fn to_exponential(v: f64, d: Option<u32>) -> String {
    if !v.is_finite() {
        return js_number_to_string(v);
    }
    let s = match d {
        Some(d) => format!("{:.*e}", d.min(20) as usize, v),
        None => format!("{v:e}"),
    };
    match s.split_once('e') {
        Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
        _ => s,
    }
}

/// Whether a timestamp in ms is representable (used by callers formatting time fields).
pub fn is_valid_time_ms(ms: f64) -> bool {
    ms.is_finite() && DateTime::from_timestamp_millis(ms as i64).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64, unit: &str) -> String {
        format_value(v, Some(unit), None).to_string()
    }

    fn fd(v: f64, unit: &str, d: u32) -> String {
        format_value(v, Some(unit), Some(d)).to_string()
    }

    // Auto decimals: integers 0, else 2 - floor(log10|v|), and toFixed pads to that.
    #[test]
    fn auto_decimals_rule() {
        assert_eq!(f(42.0, "none"), "42");
        assert_eq!(f(1.234567, "none"), "1.23");
        assert_eq!(f(123.456, "none"), "123");
        assert_eq!(f(0.0123456, "none"), "0.0123");
        assert_eq!(f(1.5, "none"), "1.50");
        assert_eq!(f(-7.25, "none"), "-7.25");
        assert_eq!(f(0.0, "none"), "0");
    }

    #[test]
    fn explicit_decimals() {
        assert_eq!(fd(1.0, "none", 2), "1.00");
        assert_eq!(fd(1.23456, "none", 3), "1.235");
        assert_eq!(fd(2.5, "none", 0), "3");
        // JS Math.round rounds halves up, also for negatives.
        assert_eq!(fd(-2.5, "none", 0), "-2");
        assert_eq!(fd(0.0, "percent", 1), "0.0%");
    }

    #[test]
    fn non_finite_values() {
        assert_eq!(f(f64::NAN, "none"), "NaN");
        assert_eq!(f(f64::INFINITY, "bytes"), "∞");
        assert_eq!(f(f64::NEG_INFINITY, "short"), "-∞");
        assert_eq!(
            format_optional(None, Some("s"), None, Some("No data")).to_string(),
            "No data"
        );
        assert_eq!(format_optional(None, Some("s"), None, None).to_string(), "");
    }

    #[test]
    fn short_scale() {
        assert_eq!(f(999.0, "short"), "999");
        assert_eq!(f(1500.0, "short"), "1.50 K");
        assert_eq!(f(2_340_000.0, "short"), "2.34 Mil");
        assert_eq!(f(5e9, "short"), "5 Bil");
        assert_eq!(f(0.5, "short"), "0.500");
    }

    #[test]
    fn percent_units() {
        assert_eq!(f(42.0, "percent"), "42%");
        assert_eq!(f(0.4567, "percentunit"), "45.7%");
        assert_eq!(f(0.999, "percentunit"), "99.9%");
    }

    // bytes: IEC 1024 scaling; decbytes: SI 1000, SI prefixes also go below 1.
    #[test]
    fn data_units() {
        assert_eq!(f(1536.0, "bytes"), "1.50 KiB");
        assert_eq!(f(512.0, "bytes"), "512 B");
        assert_eq!(f(1_073_741_824.0, "bytes"), "1 GiB");
        assert_eq!(f(1500.0, "decbytes"), "1.50 kB");
        assert_eq!(f(2048.0, "kbytes"), "2 MiB");
        assert_eq!(f(3.0, "gbytes"), "3 GiB");
        assert_eq!(f(1e6, "bits"), "977 Kib");
        assert_eq!(f(0.5, "decbytes"), "500 mB");
    }

    #[test]
    fn data_rate_units() {
        assert_eq!(f(1_250_000.0, "Bps"), "1.25 MB/s");
        assert_eq!(f(1_250_000.0, "bps"), "1.25 Mb/s");
        assert_eq!(f(2048.0, "binBps"), "2 KiB/s");
        assert_eq!(f(12.0, "pps"), "12 p/s");
        assert_eq!(f(1.0, "MBs"), "1 MB/s");
    }

    // Throughput: K/M/B/T then " symbol" with no space before the scale letter.
    #[test]
    fn throughput_units() {
        assert_eq!(f(1500.0, "reqps"), "1.50K req/s");
        assert_eq!(f(12.0, "ops"), "12 ops/s");
        assert_eq!(f(3.5e6, "iops"), "3.50M io/s");
        assert_eq!(f(60.0, "rpm"), "60 rd/m");
        assert_eq!(f(0.25, "cps"), "0.250 c/s");
    }

    #[test]
    fn currencies() {
        assert_eq!(f(1234.0, "currencyUSD"), "$1.23K");
        assert_eq!(f(-5.0, "currencyEUR"), "-€5");
        assert_eq!(f(100.0, "currencySEK"), "100 kr");
        assert_eq!(f(2.5, "currency:CHF"), "CHF2.50");
    }

    // s: ns/µs/ms below a second, min/hour/day/week/year above a minute; 0 -> "0 s".
    #[test]
    fn seconds_ladder() {
        assert_eq!(f(0.0, "s"), "0 s");
        assert_eq!(f(0.0000005, "s"), "500 ns");
        assert_eq!(f(0.0005, "s"), "500 µs");
        assert_eq!(f(0.25, "s"), "250 ms");
        assert_eq!(f(42.0, "s"), "42 s");
        assert_eq!(f(90.0, "s"), "1.50 min");
        assert_eq!(f(7200.0, "s"), "2 hour");
        assert_eq!(f(172_800.0, "s"), "2 day");
        assert_eq!(f(1_209_600.0, "s"), "2 week");
        assert_eq!(f(63_113_800.0, "s"), "2 year");
    }

    #[test]
    fn other_time_units() {
        assert_eq!(f(250.0, "ms"), "250 ms");
        assert_eq!(f(1500.0, "ms"), "1.50 s");
        assert_eq!(f(120_000.0, "ms"), "2 min");
        assert_eq!(f(1500.0, "µs"), "1.50 ms");
        assert_eq!(f(1500.0, "ns"), "1.50 µs");
        assert_eq!(f(90.0, "m"), "1.50 hour");
        assert_eq!(f(36.0, "h"), "1.50 day");
        assert_eq!(f(14.0, "d"), "2 week");
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

    #[test]
    fn misc_units() {
        assert_eq!(f(21.5, "celsius"), "21.5 °C");
        assert_eq!(f(1.0, "bool"), "True");
        assert_eq!(f(0.0, "bool_yes_no"), "No");
        assert_eq!(f(255.0, "hex"), "FF");
        assert_eq!(f(255.0, "hex0x"), "0xFF");
        assert_eq!(fd(12345.0, "sci", 2), "1.23e+4");
        assert_eq!(f(1_234_567.891, "locale"), "1,234,567.891");
        assert_eq!(f(3.0, "string"), "3");
    }

    // Custom units: prefix:, suffix:, si:, count:, bool:, and unknown ids become suffixes.
    #[test]
    fn custom_units() {
        assert_eq!(f(5.0, "prefix:≈"), "≈5");
        assert_eq!(f(5.0, "suffix:/req"), "5 /req");
        assert_eq!(f(1500.0, "si:mW"), "1.50 W");
        assert_eq!(f(2500.0, "si:B"), "2.50 kB");
        assert_eq!(f(2500.0, "count:jobs"), "2.50K jobs");
        assert_eq!(f(1.0, "bool:up/down"), "up");
        assert_eq!(f(0.0, "bool:up/down"), "down");
        assert_eq!(f(7.0, "widgets"), "7 widgets");
        assert_eq!(format_value(7.0, None, None).to_string(), "7");
    }

    #[test]
    fn display_parts_are_separate() {
        let v = format_value(1234.0, Some("currencyUSD"), None);
        assert_eq!(
            (v.prefix.as_str(), v.text.as_str(), v.suffix.as_str()),
            ("$", "1.23", "K")
        );
        let b = format_value(1536.0, Some("bytes"), None);
        assert_eq!(b.suffix, " KiB");
    }

    // Ticks: trailing zeros dropped when the field has no explicit decimals.
    #[test]
    fn tick_labels() {
        assert_eq!(format_tick(0.25, Some("s"), 2, None).to_string(), "250 ms");
        assert_eq!(format_tick(60.0, Some("none"), 2, None).to_string(), "60");
        assert_eq!(
            format_tick(2500.0, Some("reqps"), 0, None).to_string(),
            "2.5K req/s"
        );
        assert_eq!(format_tick(1.5, Some("none"), 2, None).to_string(), "1.5");
        assert_eq!(
            format_tick(1.5, Some("none"), 2, Some(2)).to_string(),
            "1.50"
        );
        assert_eq!(tick_decimals(0.25), 2);
        assert_eq!(tick_decimals(5.0), 0);
        assert_eq!(tick_decimals(0.1), 1);
    }

    // Cases from Grafana's own valueFormats.test.ts.
    #[test]
    fn grafana_test_table() {
        let cases: &[(&str, u32, f64, &str)] = &[
            ("currencyUSD", 2, 1532.82, "$1.53K"),
            ("currencyKRW", 2, 1532.82, "₩1.53K"),
            ("ms", 4, 0.0024, "0.0024 ms"),
            ("ms", 0, 100.0, "100 ms"),
            ("ms", 2, 1250.0, "1.25 s"),
            ("ms", 1, 10_000_086.123, "2.8 hour"),
            ("ms", 0, 1200.0, "1 s"),
            ("kbytes", 3, 10_000_000.0, "9.537 GiB"),
            ("deckbytes", 3, 10_000_000.0, "10.000 GB"),
            ("megwatt", 3, 1000.0, "1.000 GW"),
            ("kohm", 3, 1000.0, "1.000 MΩ"),
            ("Mohm", 3, 1000.0, "1.000 GΩ"),
            ("farad", 3, 1000.0, "1.000 kF"),
            ("µfarad", 3, 1000.0, "1.000 mF"),
            ("nfarad", 3, 1000.0, "1.000 µF"),
            ("pfarad", 3, 1000.0, "1.000 nF"),
            ("ffarad", 3, 1000.0, "1.000 pF"),
            ("henry", 3, 1000.0, "1.000 kH"),
            ("mhenry", 3, 1000.0, "1.000 H"),
            ("µhenry", 3, 1000.0, "1.000 mH"),
        ];
        for (unit, d, v, want) in cases {
            assert_eq!(fd(*v, unit, *d), *want, "{unit} {v}");
        }
        assert_eq!(to_fixed(100.0, None), "100");
        assert_eq!(to_fixed(100.4, None), "100");
        assert_eq!(to_fixed(100.5, None), "101");
        assert_eq!(to_fixed(100.0, Some(1)), "100.0");
        assert_eq!(to_fixed(100.37, Some(1)), "100.4");
        assert_eq!(to_fixed(100.63, Some(1)), "100.6");
        assert_eq!(to_fixed(100.4, Some(2)), "100.40");
        assert_eq!(to_fixed(100.5, Some(2)), "100.50");
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
        assert_eq!(f(7_199_999.0, "clockms"), "01h:59m:59s:999ms");
        assert_eq!(fd(7_199_999.0, "clockms", 0), "01h");
        assert_eq!(fd(7_199_999.0, "clockms", 2), "01h:59m:59s");
        assert_eq!(f(89_999_999.0, "clockms"), "24h:59m:59s:999ms");
        assert_eq!(fd(89_999_999.0, "clockms", 1), "24h:59m");
    }

    #[test]
    fn js_number_strings() {
        assert_eq!(js_number_to_string(1e21), "1e+21");
        assert_eq!(js_number_to_string(1.5e-7), "1.5e-7");
        assert_eq!(js_number_to_string(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(js_number_to_string(100.0), "100");
    }
}
