//! The scaling shapes units share: a fixed suffix, SI and IEC prefixes, K/M/B/T counts and
//! currencies (grafana-data `symbolFormatters.ts`, `scaledUnits`).

use super::FormattedValue;
use super::number::{non_finite_text, to_fixed};

pub(super) fn fixed_unit(value: f64, decimals: Option<u32>, unit: &str) -> FormattedValue {
    let text = to_fixed(value, decimals);
    if unit.is_empty() {
        FormattedValue::text(text)
    } else {
        FormattedValue::with_suffix(text, format!(" {unit}"))
    }
}

/// grafana-data `scaledUnits(factor, ext, offset)`.
pub(super) fn scaled_units(
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

pub(super) fn si_prefix(
    value: f64,
    decimals: Option<u32>,
    unit: &str,
    offset: i32,
) -> FormattedValue {
    let ext: Vec<String> = SI_PREFIXES.iter().map(|p| format!(" {p}{unit}")).collect();
    let refs: Vec<&str> = ext.iter().map(String::as_str).collect();
    scaled_units(value, decimals, 1000.0, &refs, SI_BASE_INDEX + offset)
}

pub(super) fn binary_prefix(
    value: f64,
    decimals: Option<u32>,
    unit: &str,
    offset: i32,
) -> FormattedValue {
    let ext: Vec<String> = BIN_PREFIXES.iter().map(|p| format!(" {p}{unit}")).collect();
    let refs: Vec<&str> = ext.iter().map(String::as_str).collect();
    scaled_units(value, decimals, 1024.0, &refs, offset)
}

/// `simpleCountUnit`: K/M/B/T scaling, then " symbol".
pub(super) fn count_unit(value: f64, decimals: Option<u32>, symbol: &str) -> FormattedValue {
    let mut v = scaled_units(value, decimals, 1000.0, &["", "K", "M", "B", "T"], 0);
    v.suffix = format!("{} {symbol}", v.suffix);
    v
}

pub(super) fn currency(
    value: f64,
    decimals: Option<u32>,
    symbol: &str,
    as_suffix: bool,
) -> FormattedValue {
    let negative = value < 0.0;
    let mut v = scaled_units(value.abs(), decimals, 1000.0, &["", "K", "M", "B", "T"], 0);
    // `${scaled.suffix}${symbol}`: no space (`1.50Kkr`), and no symbol at all when the scaler
    // gave no suffix (infinite values).
    if as_suffix {
        if value.is_finite() {
            v.suffix = format!("{}{symbol}", v.suffix);
        }
    } else {
        v.prefix = symbol.to_string();
    }
    if negative {
        v.prefix = format!("-{}", v.prefix);
    }
    v
}

/// `getOffsetFromSIPrefix`.
pub(super) fn si_offset(c: &str) -> Option<i32> {
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
