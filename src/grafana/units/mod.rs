//! Value formatting with Grafana's unit catalogue and decimals rules.
//!
//! Sources: grafana-data `valueFormats/{categories,valueFormats,symbolFormatters,
//! dateTimeFormatters,arithmeticFormatters}.ts` and `field/displayProcessor.ts`. Numbers are
//! rounded and printed the way JavaScript does (`Math.round`, `String(number)`), so the text
//! matches Grafana character for character.
//!
//! The unit catalogue is in `catalogue` (by Grafana's categories); the scaling shapes it uses in
//! `scale` and `time`; JavaScript's number printing in `number`.

use std::fmt;

mod catalogue;
mod dates;
mod number;
mod scale;
mod time;

pub use number::{auto_decimals, js_number_to_string, to_fixed};

use catalogue::catalogue;
pub use dates::DateContext;
use number::js_to_number;
use scale::{count_unit, currency, fixed_unit, si_offset, si_prefix};

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
    format_value_in(value, unit, decimals, &DateContext::default())
}

/// [`format_value`] with date units shown in a zone and relative to a "now" (`timeZone` of
/// Grafana's display processor, and its clock).
pub fn format_value_in(
    value: f64,
    unit: Option<&str>,
    decimals: Option<u32>,
    dates: &DateContext,
) -> FormattedValue {
    let unit = unit
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("none");
    let decimals = decimals.map(|d| d.min(20));
    if let Some(date) = dates::date_unit(unit, value, dates) {
        return date;
    }
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

fn format_with(unit: &str, v: f64, d: Option<u32>) -> FormattedValue {
    if let Some(f) = catalogue(unit, v, d) {
        return f;
    }
    // Custom units: prefix:, suffix:, si:, count:, currency:, bool: (time: is a date unit).
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
            "si" => {
                let first: String = sub.chars().take(1).collect();
                return match si_offset(&first) {
                    Some(off) => si_prefix(v, d, &sub[first.len()..], off),
                    None => si_prefix(v, d, sub, 0),
                };
            }
            "count" => return count_unit(v, d, sub),
            "currency" => return custom_currency(v, d, sub),
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

/// `currency:<symbol>` (K/M/B/T scaled, symbol first) or `currency:financial:<symbol>[:suffix]`
/// (`fullCurrency`: grouped digits, `decimals` exactly or up to one, grafana-data
/// `valueFormats/symbolFormatters.ts`).
fn custom_currency(v: f64, d: Option<u32>, sub: &str) -> FormattedValue {
    let parts: Vec<&str> = sub.split(':').collect();
    if parts[0] != "financial" || parts.len() < 2 {
        return currency(v, d, sub, false);
    }
    let symbol = parts[1];
    if symbol.is_empty() {
        return fixed_unit(v, d, "");
    }
    let (min, max) = d.map_or((0, 1), |d| (d as usize, d as usize));
    let text = number::intl_format(v, min, max);
    if parts.get(2) == Some(&"suffix") {
        FormattedValue::with_suffix(text, symbol)
    } else {
        FormattedValue {
            prefix: symbol.to_string(),
            text,
            suffix: String::new(),
        }
    }
}

/// `format_value` as text, with automatic decimals (shared by the per-file tests).
#[cfg(test)]
fn f(v: f64, unit: &str) -> String {
    format_value(v, Some(unit), None).to_string()
}

/// `format_value` as text, with fixed decimals (shared by the per-file tests).
#[cfg(test)]
fn fd(v: f64, unit: &str, d: u32) -> String {
    format_value(v, Some(unit), Some(d)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
