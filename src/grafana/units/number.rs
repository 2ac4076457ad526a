//! JavaScript number semantics Grafana's formatting relies on: `Math.round`, `String(n)`,
//! `toFixed` with Grafana's automatic decimals, `toExponential`, hex and `toLocaleString`.

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
pub(super) fn js_to_number(s: &str) -> Option<f64> {
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
pub(super) fn non_finite_text(x: f64) -> String {
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

/// JavaScript `toExponential(decimals)` (auto digits when `None`).
pub(super) fn to_exponential(v: f64, d: Option<u32>) -> String {
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

pub(super) fn to_hex(value: f64, decimals: Option<u32>) -> String {
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

pub(super) fn locale_format(value: f64, decimals: Option<u32>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::units::{f, fd};

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
    fn js_number_strings() {
        assert_eq!(js_number_to_string(1e21), "1e+21");
        assert_eq!(js_number_to_string(1.5e-7), "1.5e-7");
        assert_eq!(js_number_to_string(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(js_number_to_string(100.0), "100");
    }
}
