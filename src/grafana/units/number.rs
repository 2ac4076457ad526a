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

/// `parseFloat(toFixed(value, decimals)).toString(16).toUpperCase()`: non-finite values print
/// as `∞` in toFixed, which parses to NaN, so they all become `NAN`.
pub(super) fn to_hex(value: f64, decimals: Option<u32>) -> String {
    if !value.is_finite() {
        return "NAN".to_string();
    }
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
    radix16_fraction(a, &mut digits);
    if neg { format!("-{digits}") } else { digits }
}

/// `value.toLocaleString(undefined, { maximumFractionDigits })` in en-US (at most 3 by
/// default).
pub(super) fn locale_format(value: f64, decimals: Option<u32>) -> String {
    intl_format(value, 0, decimals.unwrap_or(3).min(20) as usize)
}

/// en-US `Intl.NumberFormat` with `minimumFractionDigits`/`maximumFractionDigits`: the shortest
/// decimal that reads back as `value` (what ICU starts from), rounded half away from zero
/// (`halfExpand`), digits grouped by three; a negative value keeps its sign even when it rounds
/// to zero (`-0`).
pub(super) fn intl_format(value: f64, min_frac: usize, max_frac: usize) -> String {
    if !value.is_finite() {
        return non_finite_text(value);
    }
    let (int, frac) = round_decimal(value.abs(), max_frac);
    let frac = frac.trim_end_matches('0');
    let frac = format!("{frac:0<min_frac$}");
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// The shortest decimal digits of `a` (≥ 0) rounded half up at `places` fraction digits, as
/// (integer digits, fraction digits).
fn round_decimal(a: f64, places: usize) -> (String, String) {
    let sci = format!("{a:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // Place the digits on a fixed grid: `int_len` integer digits, then the fraction.
    let int_len = exp + 1;
    let mut int: Vec<u8> = Vec::new();
    let mut frac: Vec<u8> = Vec::new();
    if int_len > 0 {
        for i in 0..int_len as usize {
            int.push(digits.get(i).copied().unwrap_or(0));
        }
        frac.extend(digits.iter().skip(int_len as usize));
    } else {
        int.push(0);
        frac.extend(std::iter::repeat_n(0, (-int_len) as usize));
        frac.extend(&digits);
    }
    let round_up = frac.get(places).is_some_and(|d| *d >= 5);
    frac.truncate(places);
    frac.resize(places, 0);
    if round_up {
        let mut carry = true;
        for d in frac.iter_mut().rev().chain(int.iter_mut().rev()) {
            if !carry {
                break;
            }
            *d += 1;
            carry = *d == 10;
            if carry {
                *d = 0;
            }
        }
        if carry {
            int.insert(0, 1);
        }
    }
    let text = |v: &[u8]| v.iter().map(|d| char::from(b'0' + d)).collect::<String>();
    (text(&int), text(&frac))
}

/// JavaScript `Number.prototype.toString(16)` of the fraction of `a` (≥ 0): digits until the
/// rest is below half the distance to the next double, the last one rounded (V8's
/// `DoubleToRadixCString`).
fn radix16_fraction(a: f64, out: &mut String) {
    let mut fraction = a.fract();
    let next = f64::from_bits(a.to_bits() + 1);
    let mut delta = (0.5 * (next - a)).max(f64::from_bits(1));
    if fraction < delta {
        return;
    }
    let mut frac_digits: Vec<u32> = Vec::new();
    let mut carry_into_int = false;
    loop {
        fraction *= 16.0;
        delta *= 16.0;
        let digit = fraction.trunc() as u32;
        frac_digits.push(digit);
        fraction -= f64::from(digit);
        if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
            // Round up, carrying through trailing F digits.
            loop {
                match frac_digits.pop() {
                    None => {
                        carry_into_int = true;
                        break;
                    }
                    Some(d) if d + 1 < 16 => {
                        frac_digits.push(d + 1);
                        break;
                    }
                    Some(_) => {}
                }
            }
            break;
        }
        if fraction < delta {
            break;
        }
    }
    if carry_into_int {
        // Only reachable for fractions within a rounding step of 1; the integer digits are
        // already written, so bump them as text.
        let bumped = u128::from_str_radix(out, 16).unwrap_or(0) + 1;
        *out = format!("{bumped:X}");
    }
    if !frac_digits.is_empty() {
        out.push('.');
        for d in frac_digits {
            out.push(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
        }
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
