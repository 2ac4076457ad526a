//! Step and interval planning: what Grafana's frontend and Prometheus backend compute for
//! `$__interval`, `$__rate_interval`, `$__range` and the `query_range` step and alignment.
//!
//! Sources: grafana-data `rangeutil.ts` (frontend `calculateInterval`, `roundInterval`,
//! `secondsToHms`) and `pkg/promlib/models/query.go` + `pkg/promlib/intervalv2` (backend step,
//! safe resolution, rate interval, `AlignTimeRange`). All arithmetic is integer nanoseconds like
//! Go's `time.Duration`, so results match Grafana to the millisecond.

const NS_PER_MS: i64 = 1_000_000;
const NS_PER_S: i64 = 1_000_000_000;
const MS_PER_S: i64 = 1000;
const MS_PER_MIN: i64 = 60 * MS_PER_S;
const MS_PER_HOUR: i64 = 60 * MS_PER_MIN;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;
const MS_PER_WEEK: i64 = 7 * MS_PER_DAY;
const MS_PER_YEAR: i64 = 365 * MS_PER_DAY;

/// The backend's default resolution when a query has no maxDataPoints.
pub const DEFAULT_MAX_DATA_POINTS: u64 = 1500;
/// Prometheus refuses more than 11,000 points per series; Grafana keeps the step above range/11000.
pub const SAFE_RESOLUTION: i64 = 11_000;
/// Prometheus datasource default scrape interval (`jsonData.timeInterval` unset).
pub const DEFAULT_SCRAPE_INTERVAL: &str = "15s";

/// Everything the step calculation depends on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IntervalInput {
    pub from_ms: i64,
    pub to_ms: i64,
    /// The panel's `maxDataPoints`, or its drawable width (braille dots) when unset.
    /// `0` means unset (the backend then uses 1500).
    pub max_data_points: u64,
    /// Per-target `interval` (already interpolated for dashboard variables, `$__…` kept).
    pub target_interval: Option<String>,
    /// Panel "Min interval" (`panel.interval`, interpolated).
    pub panel_interval: Option<String>,
    /// Datasource `jsonData.timeInterval`; `None`/empty means 15 s.
    pub scrape_interval: Option<String>,
    /// Target `intervalFactor` (legacy "Resolution 1/n"); 0 or `None` means 1.
    pub interval_factor: Option<u32>,
    /// Offset of the dashboard time zone from UTC, seconds (browser tz in Grafana); 0 for UTC.
    pub utc_offset_s: i64,
    /// The request's `intervalMs` when already known (e.g. replaying a Grafana request);
    /// `None` computes it as Grafana's frontend does.
    pub request_interval_ms: Option<i64>,
}

/// The planned query: the values Grafana substitutes and the `query_range` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryInterval {
    /// Frontend `request.intervalMs` (rounded with the frontend table, lower-limited).
    pub frontend_interval_ms: i64,
    /// Frontend `request.interval` (`secondsToHms`).
    pub frontend_interval: String,
    /// The final step, ms (also `$__interval_ms`).
    pub step_ms: i64,
    /// `$__interval` as the backend substitutes it (`gtime.FormatInterval`).
    pub interval: String,
    pub rate_interval_ms: i64,
    /// `$__rate_interval` as a Go duration string (`1m0s`).
    pub rate_interval: String,
    pub range_ms: i64,
    pub range_s: i64,
    /// `$__range`, e.g. `3600s`.
    pub range: String,
    /// Aligned `query_range` start and end, epoch ms.
    pub start_ms: i64,
    pub end_ms: i64,
}

impl QueryInterval {}

/// Compute step, built-in interval values and aligned range exactly as Grafana does for a
/// Prometheus range query.
pub fn plan_query_interval(input: &IntervalInput) -> QueryInterval {
    let range_ms = (input.to_ms - input.from_ms).max(0);
    let scrape = non_empty(input.scrape_interval.as_deref());

    // Frontend (PanelQueryRunner): lower limit = panel min interval || ds.interval ("15s").
    let lower_limit = non_empty(input.panel_interval.as_deref())
        .or(scrape)
        .unwrap_or(DEFAULT_SCRAPE_INTERVAL);
    let frontend = match input.request_interval_ms {
        Some(ms) => IntervalValues {
            interval_ms: ms,
            interval: seconds_to_hms(ms as f64 / 1000.0),
        },
        None => calculate_interval(
            input.from_ms,
            input.to_ms,
            if input.max_data_points == 0 {
                DEFAULT_MAX_DATA_POINTS
            } else {
                input.max_data_points
            },
            Some(lower_limit),
        ),
    };

    let target_interval = non_empty(input.target_interval.as_deref()).unwrap_or("");
    let step_ns = backend_step_ns(
        range_ms,
        input.max_data_points,
        target_interval,
        scrape,
        frontend.interval_ms,
        input.interval_factor.unwrap_or(1),
    );
    let step_ms = step_ns / NS_PER_MS;

    let rate_ns = substituted_rate_interval_ns(
        target_interval,
        step_ns,
        scrape,
        frontend.interval_ms.saturating_mul(NS_PER_MS),
    );
    let range_s = round_half_away(range_ms as f64 / 1000.0);
    let align_step = step_ms.max(1);
    QueryInterval {
        frontend_interval_ms: frontend.interval_ms,
        frontend_interval: frontend.interval,
        step_ms,
        interval: format_interval_go(step_ns),
        rate_interval_ms: rate_ns / NS_PER_MS,
        rate_interval: go_duration_string(rate_ns),
        range_ms,
        range_s,
        range: format!("{range_s}s"),
        start_ms: align_time(input.from_ms, align_step, input.utc_offset_s),
        end_ms: align_time(input.to_ms, align_step, input.utc_offset_s),
    }
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn round_half_away(x: f64) -> i64 {
    x.round() as i64
}

/// Backend `isVariableInterval`: these target intervals mean "use the calculated one".
fn is_variable_interval(s: &str) -> bool {
    matches!(
        s,
        "$__interval"
            | "${__interval}"
            | "$__interval_ms"
            | "${__interval_ms}"
            | "$__rate_interval"
            | "${__rate_interval}"
            | "$__rate_interval_ms"
            | "${__rate_interval_ms}"
    )
}

fn is_rate_interval_var(s: &str) -> bool {
    s == "$__rate_interval" || s == "${__rate_interval}"
}

/// `calculatePrometheusInterval` in pkg/promlib/models/query.go.
fn backend_step_ns(
    range_ms: i64,
    max_data_points: u64,
    target_interval: &str,
    scrape: Option<&str>,
    frontend_interval_ms: i64,
    interval_factor: u32,
) -> i64 {
    let query_interval = if is_variable_interval(target_interval) {
        ""
    } else {
        target_interval
    };
    let min_interval_ns = interval_from(
        scrape.unwrap_or(""),
        query_interval,
        frontend_interval_ms,
        15 * NS_PER_S,
    );
    let range_ns = range_ms.saturating_mul(NS_PER_MS);
    let resolution = if max_data_points == 0 {
        DEFAULT_MAX_DATA_POINTS as i64
    } else {
        i64::try_from(max_data_points).unwrap_or(i64::MAX)
    };
    // intervalv2 Calculate: below the minimum the minimum is used unrounded.
    let raw = range_ns / resolution;
    let calculated = if raw < min_interval_ns {
        min_interval_ns
    } else {
        round_interval_backend_ns(raw)
    };
    let safe = round_interval_backend_ns(range_ns / SAFE_RESOLUTION);
    let adjusted = calculated.max(safe);
    if is_rate_interval_var(target_interval) {
        rate_interval_ns(adjusted, scrape.unwrap_or(""))
    } else {
        let factor = if interval_factor == 0 {
            1
        } else {
            interval_factor
        };
        adjusted.saturating_mul(i64::from(factor))
    }
}

/// `gtime.GetIntervalFrom`: target interval, else the frontend interval, else the datasource
/// interval, else the default.
fn interval_from(
    ds_interval: &str,
    query_interval: &str,
    query_interval_ms: i64,
    default_ns: i64,
) -> i64 {
    let mut interval = query_interval;
    if interval == "0s" {
        interval = "";
    }
    if interval.is_empty() && query_interval_ms != 0 {
        return query_interval_ms.saturating_mul(NS_PER_MS);
    }
    if interval.is_empty() {
        interval = ds_interval;
    }
    if interval.is_empty() {
        return default_ns;
    }
    parse_grafana_duration_ns(interval).unwrap_or(default_ns)
}

/// `calculateRateInterval`: max(interval + scrape, 4 × scrape).
fn rate_interval_ns(interval_ns: i64, scrape: &str) -> i64 {
    let scrape = if scrape.is_empty() {
        DEFAULT_SCRAPE_INTERVAL
    } else {
        scrape
    };
    match parse_grafana_duration_ns(scrape) {
        Some(s) => interval_ns.saturating_add(s).max(s.saturating_mul(4)),
        None => 0,
    }
}

/// The `$__rate_interval` value substituted into the expression (`interpolateVariables`): with
/// `$__rate_interval` as target interval it is the step itself; otherwise it is computed from
/// the frontend interval and the requested minimum step (or the scrape interval).
fn substituted_rate_interval_ns(
    target_interval: &str,
    step_ns: i64,
    scrape: Option<&str>,
    frontend_interval_ns: i64,
) -> i64 {
    if is_rate_interval_var(target_interval) {
        return step_ns;
    }
    let min_step = if target_interval == "$__interval" || target_interval == "${__interval}" {
        go_duration_string(step_ns)
    } else if target_interval.is_empty() {
        scrape.unwrap_or("").to_string()
    } else {
        target_interval.to_string()
    };
    rate_interval_ns(frontend_interval_ns, &min_step)
}

/// Backend `AlignTimeRange`: floor((t + offset) / step) * step - offset.
pub fn align_time(t_ms: i64, step_ms: i64, utc_offset_s: i64) -> i64 {
    if step_ms <= 0 {
        return t_ms;
    }
    let offset_ms = utc_offset_s * MS_PER_S;
    (t_ms + offset_ms).div_euclid(step_ms) * step_ms - offset_ms
}

/// Result of the frontend's `rangeUtil.calculateInterval`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalValues {
    pub interval_ms: i64,
    pub interval: String,
}

/// Frontend `rangeUtil.calculateInterval(range, resolution, lowLimit)`; also what `auto`
/// interval variables use (resolution = auto_count, low limit = auto_min).
pub fn calculate_interval(
    from_ms: i64,
    to_ms: i64,
    resolution: u64,
    low_limit: Option<&str>,
) -> IntervalValues {
    let low_limit_ms = low_limit
        .and_then(interval_to_ms)
        .map(|ms| ms.round() as i64)
        .unwrap_or(1);
    let resolution = resolution.max(1) as f64;
    let mut interval_ms = round_interval_frontend_ms((to_ms - from_ms) as f64 / resolution);
    if low_limit_ms > interval_ms {
        interval_ms = low_limit_ms;
    }
    IntervalValues {
        interval_ms,
        interval: seconds_to_hms(interval_ms as f64 / 1000.0),
    }
}

/// Value of an `auto` interval variable: `calculateInterval(range, auto_count (30), auto_min ("10s"))`.
pub fn auto_interval_value(
    from_ms: i64,
    to_ms: i64,
    auto_count: Option<u32>,
    auto_min: Option<&str>,
) -> String {
    let count = auto_count.filter(|c| *c > 0).unwrap_or(30);
    let min = auto_min.filter(|m| !m.is_empty()).unwrap_or("10s");
    calculate_interval(from_ms, to_ms, u64::from(count), Some(min)).interval
}

/// Is an interval variable's value the `auto` option (`$__auto`, legacy `$__auto_interval_<name>`)?
pub fn is_auto_value(value: &str) -> bool {
    value == "$__auto" || value == "auto" || value.starts_with("$__auto_interval_")
}

/// Frontend `rangeutil.intervalToMs` (`describeInterval`, grafana-data `datetime/rangeutil.ts`):
/// text `Number()` reads as non-zero is seconds, counted with `parseInt` (`"1e3"` is one second);
/// else `<number><unit>` at the very start (units ms s m h d w M y), whose count is read with
/// `parseInt` (so `1.5m` is one minute, as in Grafana). `None` when Grafana would throw.
pub fn interval_to_ms(s: &str) -> Option<f64> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^(-?\d+(?:\.\d+)?)(ms|[Mwdhmsy])")
            .unwrap_or_else(|e| unreachable!("constant regex: {e}"))
    });
    if let Ok(n) = s.trim().parse::<f64>()
        && n != 0.0
        && !n.is_nan()
    {
        return js_parse_int(s).map(|count| count * MS_PER_S as f64);
    }
    let c = re.captures(s)?;
    let count = js_parse_int(c.get(1)?.as_str())?;
    let unit_ms = match c.get(2)?.as_str() {
        "y" => MS_PER_YEAR,
        "M" => 30 * MS_PER_DAY,
        "w" => MS_PER_WEEK,
        "d" => MS_PER_DAY,
        "h" => MS_PER_HOUR,
        "m" => MS_PER_MIN,
        "s" => MS_PER_S,
        _ => 1,
    };
    Some(count * unit_ms as f64)
}

/// JavaScript `parseInt(s, 10)`: leading white space, a sign, then decimal digits; `None` for NaN.
fn js_parse_int(s: &str) -> Option<f64> {
    let t = s.trim_start();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<f64>().ok().map(|n| sign * n)
}

/// Backend duration parsing (`gtime.ParseDuration` after `GetIntervalFrom`'s clean-up): strips
/// `<`/`>`, a bare number means seconds; Go units plus d, w, M (30 d) and y (365 d).
pub fn parse_grafana_duration_ns(s: &str) -> Option<i64> {
    let cleaned: String = s.trim().replacen('<', "", 1).replacen('>', "", 1);
    if cleaned.is_empty() {
        return None;
    }
    if cleaned.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = cleaned.parse().ok()?;
        return secs.checked_mul(NS_PER_S);
    }
    // A single number with a calendar unit (d w M y), as gtime handles them.
    if let Some(split) = cleaned.find(|c: char| !c.is_ascii_digit())
        && split > 0
    {
        let (num, unit) = cleaned.split_at(split);
        let day = 24 * 3600 * NS_PER_S;
        let unit_ns = match unit {
            "d" => Some(day),
            "w" => Some(7 * day),
            "M" => Some(30 * day),
            "y" => Some(365 * day),
            _ => None,
        };
        if let Some(unit_ns) = unit_ns {
            return num.parse::<i64>().ok()?.checked_mul(unit_ns);
        }
    }
    parse_go_duration_ns(&cleaned)
}

/// Go's `time.ParseDuration` (units ns us µs ms s m h, fractions, sequences like `1h30m`).
pub fn parse_go_duration_ns(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit_ns = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * unit_ns;
    }
    if total > i64::MAX as f64 {
        return None;
    }
    let ns = total.round() as i64;
    Some(if neg { -ns } else { ns })
}

/// Frontend `roundInterval` (strict `<` boundaries), input and output in ms.
pub fn round_interval_frontend_ms(interval_ms: f64) -> i64 {
    const TABLE: &[(f64, i64)] = &[
        (10.0, 1),
        (15.0, 10),
        (35.0, 20),
        (75.0, 50),
        (150.0, 100),
        (350.0, 200),
        (750.0, 500),
        (1500.0, 1000),
        (3500.0, 2000),
        (7500.0, 5000),
        (12500.0, 10_000),
        (17500.0, 15_000),
        (25000.0, 20_000),
        (45000.0, 30_000),
        (90000.0, 60_000),
        (210000.0, 120_000),
        (450000.0, 300_000),
        (750000.0, 600_000),
        (1050000.0, 900_000),
        (1500000.0, 1_200_000),
        (2700000.0, 1_800_000),
        (5400000.0, 3_600_000),
        (9000000.0, 7_200_000),
        (16200000.0, 10_800_000),
        (32400000.0, 21_600_000),
        (86400000.0, 43_200_000),
        (604800000.0, 86_400_000),
        (1814400000.0, 604_800_000),
        (3628800000.0, 2_592_000_000),
    ];
    TABLE
        .iter()
        .find(|(limit, _)| interval_ms < *limit)
        .map(|(_, v)| *v)
        .unwrap_or(MS_PER_YEAR)
}

/// Backend `roundInterval` (intervalv2, `<=` boundaries, different top end), nanoseconds.
pub fn round_interval_backend_ns(interval_ns: i64) -> i64 {
    const TABLE: &[(i64, i64)] = &[
        (10, 1),
        (15, 10),
        (35, 20),
        (75, 50),
        (150, 100),
        (350, 200),
        (750, 500),
        (1500, 1000),
        (3500, 2000),
        (7500, 5000),
        (12500, 10_000),
        (17500, 15_000),
        (25000, 20_000),
        (45000, 30_000),
        (90000, 60_000),
        (210000, 120_000),
        (450000, 300_000),
        (750000, 600_000),
        (1050000, 900_000),
        (1500000, 1_200_000),
        (2700000, 1_800_000),
        (5400000, 3_600_000),
        (9000000, 7_200_000),
        (16200000, 10_800_000),
        (32400000, 21_600_000),
        (86400000, 43_200_000),
        (172800000, 86_400_000),
        (604800000, 86_400_000),
        (1814400000, 604_800_000),
    ];
    let found = TABLE
        .iter()
        .find(|(limit_ms, _)| interval_ns <= limit_ms * NS_PER_MS)
        .map(|(_, v)| *v);
    let ms = match found {
        Some(v) => v,
        // `< 6w` (not `<=`) for 30 d in Go's switch.
        None if interval_ns < 3_628_800_000 * NS_PER_MS => 30 * MS_PER_DAY,
        None => MS_PER_YEAR,
    };
    ms * NS_PER_MS
}

/// Frontend `secondsToHms`: the largest whole unit only (`90` → `1m`).
pub fn seconds_to_hms(seconds: f64) -> String {
    let years = (seconds / 31_536_000.0).floor();
    if years >= 1.0 {
        return format!("{years}y");
    }
    let rem = seconds % 31_536_000.0;
    let days = (rem / 86400.0).floor();
    if days >= 1.0 {
        return format!("{days}d");
    }
    let rem = rem % 86400.0;
    let hours = (rem / 3600.0).floor();
    if hours >= 1.0 {
        return format!("{hours}h");
    }
    let rem = rem % 3600.0;
    let minutes = (rem / 60.0).floor();
    if minutes >= 1.0 {
        return format!("{minutes}m");
    }
    let secs = (rem % 60.0).floor();
    if secs >= 1.0 {
        return format!("{secs}s");
    }
    let ms = (seconds * 1000.0).floor();
    if ms >= 1.0 {
        return format!("{ms}ms");
    }
    "less than a millisecond".to_string()
}

/// Backend `gtime.FormatInterval`: largest unit, integer division (`90s` → `1m`).
pub fn format_interval_go(ns: i64) -> String {
    let ms = ns / NS_PER_MS;
    if ms >= MS_PER_YEAR {
        format!("{}y", ms / MS_PER_YEAR)
    } else if ms >= MS_PER_DAY {
        format!("{}d", ms / MS_PER_DAY)
    } else if ms >= MS_PER_HOUR {
        format!("{}h", ms / MS_PER_HOUR)
    } else if ms >= MS_PER_MIN {
        format!("{}m", ms / MS_PER_MIN)
    } else if ms >= MS_PER_S {
        format!("{}s", ms / MS_PER_S)
    } else if ms >= 1 {
        format!("{ms}ms")
    } else {
        "1ms".to_string()
    }
}

/// Go's `time.Duration.String()` (`1m0s`, `1h0m0s`, `1.5s`, `500ms`, `0s`).
pub fn go_duration_string(ns: i64) -> String {
    if ns == 0 {
        return "0s".to_string();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let sign = if neg { "-" } else { "" };
    if u < NS_PER_S as u64 {
        let (unit, div) = if u < 1_000 {
            ("ns", 1u64)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{sign}{}{unit}", fraction(u, div));
    }
    let secs_total = u / NS_PER_S as u64;
    let frac_ns = u % NS_PER_S as u64;
    let hours = secs_total / 3600;
    let minutes = (secs_total % 3600) / 60;
    let secs = secs_total % 60;
    let mut out = String::from(sign);
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&fraction(secs * NS_PER_S as u64 + frac_ns, NS_PER_S as u64));
    out.push('s');
    out
}

/// `value / div` with the fraction's trailing zeros dropped (Go's `fmtFrac`).
fn fraction(value: u64, div: u64) -> String {
    let whole = value / div;
    let frac = value % div;
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = MS_PER_HOUR;

    fn plan(range_ms: i64, points: u64) -> QueryInterval {
        plan_query_interval(&IntervalInput {
            from_ms: 1_700_000_000_000 - range_ms,
            to_ms: 1_700_000_000_000,
            max_data_points: points,
            ..Default::default()
        })
    }

    // Backend: 1 h / 1000 points = 3.6 s, below the 15 s default minimum -> 15 s unrounded.
    #[test]
    fn one_hour_is_clamped_to_the_default_scrape_interval() {
        let q = plan(HOUR, 1000);
        assert_eq!(q.step_ms, 15_000);
        assert_eq!(q.interval, "15s");
    }

    // Backend: 24 h / 1000 = 86.4 s -> roundInterval (<= 90 s) -> 1 m.
    #[test]
    fn one_day_rounds_to_one_minute() {
        let q = plan(24 * HOUR, 1000);
        assert_eq!(q.step_ms, 60_000);
        assert_eq!(q.interval, "1m");
    }

    // Frontend intervalMs for 24 h / 1000 uses strict < 90000 -> 1m as well.
    #[test]
    fn frontend_interval_for_a_day() {
        let q = plan(24 * HOUR, 1000);
        assert_eq!(q.frontend_interval_ms, 60_000);
        assert_eq!(q.frontend_interval, "1m");
    }

    // Safety cap: 30 days at 10,000 points = 259 s -> 5 m, but 30 d/11000 = 235.6 s -> 5 m; with
    // a 1 s target interval the step must still be >= range/11000 rounded.
    #[test]
    fn safe_resolution_caps_points_at_11000() {
        let q = plan_query_interval(&IntervalInput {
            from_ms: 0,
            to_ms: 30 * 24 * HOUR,
            max_data_points: 100_000,
            target_interval: Some("1s".into()),
            ..Default::default()
        });
        // 2592000 s / 11000 = 235.6 s -> backend round (<= 450 s) -> 5 m.
        assert_eq!(q.step_ms, 300_000);
        assert!(q.range_ms / q.step_ms <= 11_000);
    }

    // Target interval below the computed step does not win; above it, it wins unrounded.
    #[test]
    fn target_interval_is_a_minimum_not_rounded() {
        let q = plan_query_interval(&IntervalInput {
            from_ms: 0,
            to_ms: HOUR,
            max_data_points: 1000,
            target_interval: Some("45s".into()),
            ..Default::default()
        });
        assert_eq!(q.step_ms, 45_000);
        assert_eq!(q.interval, "45s");
    }

    // `intervalFactor` multiplies the step (legacy Resolution 1/2).
    #[test]
    fn interval_factor_multiplies() {
        let q = plan_query_interval(&IntervalInput {
            from_ms: 0,
            to_ms: HOUR,
            max_data_points: 1000,
            interval_factor: Some(2),
            ..Default::default()
        });
        assert_eq!(q.step_ms, 30_000);
    }

    // calculateRateInterval: max(interval + scrape, 4 * scrape) with the frontend interval.
    #[test]
    fn rate_interval_is_four_scrapes_for_short_ranges() {
        let q = plan(HOUR, 1000);
        // frontend interval 15 s (lower limit), scrape 15 s -> max(30 s, 60 s) = 60 s.
        assert_eq!(q.rate_interval, "1m0s");
        assert_eq!(q.rate_interval_ms, 60_000);
    }

    #[test]
    fn rate_interval_grows_with_interval() {
        let q = plan(7 * 24 * HOUR, 1000);
        // 604.8 s frontend -> 10 m; rate = 10 m + 15 s.
        assert_eq!(q.frontend_interval_ms, 600_000);
        assert_eq!(q.rate_interval, "10m15s");
    }

    // With `$__rate_interval` as target interval, the step itself becomes the rate interval.
    #[test]
    fn rate_interval_as_target_interval() {
        let q = plan_query_interval(&IntervalInput {
            from_ms: 0,
            to_ms: HOUR,
            max_data_points: 1000,
            target_interval: Some("$__rate_interval".into()),
            ..Default::default()
        });
        // min interval = frontend 15 s; step = max(15+15, 60) = 60 s; $__rate_interval = step.
        assert_eq!(q.step_ms, 60_000);
        assert_eq!(q.rate_interval, "1m0s");
    }

    // Scrape interval from the datasource feeds both the minimum and the rate interval.
    #[test]
    fn datasource_scrape_interval() {
        let q = plan_query_interval(&IntervalInput {
            from_ms: 0,
            to_ms: HOUR,
            max_data_points: 1000,
            scrape_interval: Some("30s".into()),
            ..Default::default()
        });
        assert_eq!(q.step_ms, 30_000);
        assert_eq!(q.rate_interval, "2m0s");
    }

    // $__range is rounded seconds with an s suffix.
    #[test]
    fn range_values() {
        let q = plan(6 * HOUR + 400, 1000);
        assert_eq!(q.range_ms, 6 * HOUR + 400);
        assert_eq!(q.range_s, 21600);
        assert_eq!(q.range, "21600s");
    }

    // AlignTimeRange floors start and end to the step.
    #[test]
    fn start_and_end_are_aligned_to_the_step() {
        let q = plan_query_interval(&IntervalInput {
            from_ms: 1_000_007_000,
            to_ms: 1_000_007_000 + HOUR,
            max_data_points: 1000,
            ..Default::default()
        });
        assert_eq!(q.start_ms % 15_000, 0);
        assert_eq!(q.end_ms % 15_000, 0);
        assert!(q.start_ms <= 1_000_007_000 && 1_000_007_000 - q.start_ms < 15_000);
    }

    #[test]
    fn alignment_honours_utc_offset() {
        // 1 d step, UTC+2: aligned to local midnight = 22:00 UTC.
        let t = 10 * MS_PER_DAY + 5 * HOUR;
        assert_eq!(align_time(t, MS_PER_DAY, 7200), 10 * MS_PER_DAY - 2 * HOUR);
        assert_eq!(align_time(t, MS_PER_DAY, 0), 10 * MS_PER_DAY);
    }

    // Frontend table uses strict <, the backend <=: at exactly 90 s they differ.
    #[test]
    fn round_tables_differ_at_boundaries() {
        assert_eq!(round_interval_frontend_ms(90_000.0), 120_000);
        assert_eq!(
            round_interval_backend_ns(90_000 * NS_PER_MS),
            60_000 * NS_PER_MS
        );
        assert_eq!(round_interval_frontend_ms(9.0), 1);
        assert_eq!(round_interval_frontend_ms(5_000_000_000.0), MS_PER_YEAR);
    }

    // Backend top end: <= 48 h -> 24 h, <= 1 w -> 24 h, <= 3 w -> 1 w, < 6 w -> 30 d, else 1 y.
    #[test]
    fn backend_round_top_end() {
        let h = HOUR * NS_PER_MS;
        assert_eq!(round_interval_backend_ns(30 * h), 24 * h);
        assert_eq!(round_interval_backend_ns(100 * h), 24 * h);
        assert_eq!(round_interval_backend_ns(14 * 24 * h), 7 * 24 * h);
        assert_eq!(round_interval_backend_ns(30 * 24 * h), 30 * 24 * h);
        assert_eq!(round_interval_backend_ns(42 * 24 * h), 365 * 24 * h);
        // Frontend: < 1 w -> 1 d, so 100 h -> 1 d too, but 20 h -> 12 h in both.
        assert_eq!(round_interval_frontend_ms(20.0 * HOUR as f64), 12 * HOUR);
        assert_eq!(round_interval_backend_ns(20 * h), 12 * h);
    }

    #[test]
    fn seconds_to_hms_picks_the_largest_unit() {
        assert_eq!(seconds_to_hms(90.0), "1m");
        assert_eq!(seconds_to_hms(0.5), "500ms");
        assert_eq!(seconds_to_hms(86400.0 * 2.0), "2d");
        assert_eq!(seconds_to_hms(31_536_000.0), "1y");
        assert_eq!(seconds_to_hms(0.0), "less than a millisecond");
    }

    #[test]
    fn go_duration_strings() {
        assert_eq!(go_duration_string(60 * NS_PER_S), "1m0s");
        assert_eq!(go_duration_string(3600 * NS_PER_S), "1h0m0s");
        assert_eq!(go_duration_string(1500 * NS_PER_MS), "1.5s");
        assert_eq!(go_duration_string(500 * NS_PER_MS), "500ms");
        assert_eq!(go_duration_string(0), "0s");
        assert_eq!(go_duration_string(75 * NS_PER_S), "1m15s");
        assert_eq!(go_duration_string(1_500), "1.5µs");
    }

    #[test]
    fn format_interval_uses_integer_division() {
        assert_eq!(format_interval_go(90 * NS_PER_S), "1m");
        assert_eq!(format_interval_go(36 * 3600 * NS_PER_S), "1d");
        assert_eq!(format_interval_go(0), "1ms");
    }

    #[test]
    fn durations_parse_like_grafana() {
        assert_eq!(parse_grafana_duration_ns("30"), Some(30 * NS_PER_S));
        assert_eq!(parse_grafana_duration_ns(">1m"), Some(60 * NS_PER_S));
        assert_eq!(parse_grafana_duration_ns("1d"), Some(86400 * NS_PER_S));
        assert_eq!(parse_grafana_duration_ns("1h30m"), Some(5400 * NS_PER_S));
        assert_eq!(parse_grafana_duration_ns("abc"), None);
        // describeInterval: parseInt count, unit-less seconds, unanchored match.
        assert_eq!(interval_to_ms("1.5m"), Some(60_000.0));
        assert_eq!(interval_to_ms("30"), Some(30_000.0));
        // Anchored at the start in grafana-data 13 (`^(-?\d+...)`): a ">" prefix throws there.
        assert_eq!(interval_to_ms(">10s"), None);
        assert_eq!(interval_to_ms("250ms"), Some(250.0));
        assert_eq!(interval_to_ms("x"), None);
    }

    // Interval variable auto: calculateInterval(range, 30, "10s").
    #[test]
    fn auto_interval_variable() {
        // 6 h / 30 = 720 s -> frontend round (< 750 s) -> 10 m.
        assert_eq!(auto_interval_value(0, 6 * HOUR, None, None), "10m");
        // 5 m / 30 = 10 s -> rounds to 10 s; low limit 10 s.
        assert_eq!(auto_interval_value(0, 5 * 60_000, None, None), "10s");
        // 1 m / 30 = 2 s -> 2 s, but the 10 s minimum wins.
        assert_eq!(auto_interval_value(0, 60_000, Some(30), Some("10s")), "10s");
        assert_eq!(
            auto_interval_value(0, 24 * HOUR, Some(100), Some("1m")),
            "15m"
        );
    }

    // Absurd inputs saturate instead of overflowing.
    #[test]
    fn extreme_inputs_do_not_panic() {
        for (from, to, points, target, scrape) in [
            (0, i64::MAX / 4, 1, "99999999999y", "99999999999d"),
            (i64::MIN / 4, i64::MAX / 4, u64::MAX, "0s", "1ms"),
            (10, 0, 5, "-5s", "abc"),
        ] {
            let q = plan_query_interval(&IntervalInput {
                from_ms: from,
                to_ms: to,
                max_data_points: points,
                target_interval: Some(target.into()),
                panel_interval: Some(target.into()),
                scrape_interval: Some(scrape.into()),
                interval_factor: Some(u32::MAX),
                utc_offset_s: 50_400,
                request_interval_ms: None,
            });
            assert!(q.step_ms >= 0);
        }
    }

    // Cases from Grafana's rangeutil.test.ts (frontend roundInterval, describeInterval).
    #[test]
    fn grafana_round_interval_table() {
        let cases: &[(f64, i64)] = &[
            (9.0, 1),
            (34.0, 20),
            (74.0, 50),
            (149.0, 100),
            (349.0, 200),
            (749.0, 500),
            (1499.0, 1000),
            (3499.0, 2000),
            (7499.0, 5000),
            (12499.0, 10_000),
            (17499.0, 15_000),
            (24999.0, 20_000),
            (44999.0, 30_000),
            (89999.0, 60_000),
            (209_999.0, 120_000),
            (449_999.0, 300_000),
            (749_999.0, 600_000),
            (1_049_999.0, 900_000),
            (1_499_999.0, 1_200_000),
            (2_699_999.0, 1_800_000),
            (5_399_999.0, 3_600_000),
            (8_999_999.0, 7_200_000),
            (16_199_999.0, 10_800_000),
            (32_399_999.0, 21_600_000),
            (86_399_999.0, 43_200_000),
            (604_799_999.0, 86_400_000),
            (1_814_399_999.0, 604_800_000),
            (3_628_799_999.0, 2_592_000_000),
            (3_628_800_000.0, 31_536_000_000),
        ];
        for (input, want) in cases {
            assert_eq!(round_interval_frontend_ms(*input), *want, "{input}");
        }
        assert_eq!(interval_to_ms("123"), Some(123_000.0));
        assert_eq!(interval_to_ms("123h"), Some(123.0 * 3_600_000.0));
        assert_eq!(interval_to_ms("-50ms"), Some(-50.0));
        assert_eq!(interval_to_ms("123xyz"), None);
        assert_eq!(interval_to_ms("xyz"), None);
    }

    /// A backend request as Grafana's promlib tests build it (intervalMs given).
    fn backend(
        range_ms: i64,
        mdp: u64,
        target: &str,
        interval_ms: i64,
        scrape: &str,
        factor: u32,
    ) -> QueryInterval {
        plan_query_interval(&IntervalInput {
            from_ms: 1_700_000_000_000,
            to_ms: 1_700_000_000_000 + range_ms,
            max_data_points: mdp,
            target_interval: Some(target.into()),
            scrape_interval: Some(scrape.into()),
            interval_factor: Some(factor),
            request_interval_ms: Some(interval_ms),
            ..Default::default()
        })
    }

    // Cases from Grafana's pkg/promlib/models/query_test.go (TestRateInterval, TestParse).
    #[test]
    fn grafana_promlib_cases() {
        let day = 24 * HOUR;
        // (range, maxDataPoints, interval, intervalMs, scrape, factor) -> (step ms, rate interval)
        let q = backend(HOUR, 12384, "150s", 100_000, "30s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (150_000, "10m0s"));
        let q = backend(HOUR, 12384, "150s", 120_000, "30s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (150_000, "10m0s"));
        let q = backend(HOUR, 12384, "120s", 120_000, "30s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (120_000, "8m0s"));
        let q = backend(HOUR, 12384, "30s", 30_000, "30s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (30_000, "2m0s"));
        let q = backend(HOUR, 12384, "$__rate_interval", 30_000, "30s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (120_000, "2m0s"));
        let q = backend(2 * day, 12384, "$__rate_interval", 120_000, "30s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (150_000, "2m30s"));
        let q = backend(2 * day, 12384, "$__interval", 120_000, "15s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (120_000, "8m0s"));
        let q = backend(HOUR, 1613, "", 30_000, "30s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (30_000, "2m0s"));
        let q = backend(5 * 60_000, 1055, "", 15_000, "15s", 1);
        assert_eq!((q.step_ms, q.rate_interval.as_str()), (15_000, "1m0s"));
        // TestParse: step and substitutions with the default 1500 points.
        // (intervalMs as a real frontend would send it)
        let q = backend(12 * HOUR, 0, "", 30_000, "15s", 1);
        assert_eq!(q.step_ms, 30_000);
        let q = backend(2 * day, 0, "", 60_000, "15s", 10);
        assert_eq!(q.step_ms, 1_200_000);
        let q = backend(2 * day, 0, "", 240_000, "240s", 1);
        assert_eq!(q.step_ms, 240_000);
        let q = backend(2 * day, 0, "", 60_000, "15s", 1);
        assert_eq!(
            (q.interval.as_str(), q.step_ms, q.range.as_str()),
            ("2m", 120_000, "172800s")
        );
        let q = backend(2 * day, 0, "", 120_000, "15s", 1);
        assert_eq!(
            (q.rate_interval_ms, q.rate_interval.as_str()),
            (135_000, "2m15s")
        );
        let q = backend(5 * 60_000, 0, "5m", 60_000, "15s", 1);
        assert_eq!(q.rate_interval, "20m0s");
        assert_eq!(backend(40, 0, "", 1, "15s", 1).range_s, 0);
        assert_eq!(backend(800, 0, "", 1, "15s", 1).range_s, 1);
        assert_eq!(backend(20, 0, "", 1, "15s", 1).range_ms, 20);
    }

    // TestAlignTimeRange.
    #[test]
    fn grafana_align_cases() {
        assert_eq!(align_time(1_664_816_826_000, 10_000, 0), 1_664_816_820_000);
        assert_eq!(align_time(1_664_816_825_005, 10, 0), 1_664_816_825_000);
        assert_eq!(align_time(1_664_816_825_005, 2_000, -3), 1_664_816_825_000);
        // A 1 w step moves a Monday start to the previous Thursday (epoch alignment).
        assert_eq!(
            align_time(1_704_672_000_000, 604_800_000, 0),
            1_704_326_400_000
        );
    }

    #[test]
    fn auto_values() {
        assert!(is_auto_value("$__auto"));
        assert!(is_auto_value("$__auto_interval_interval"));
        assert!(!is_auto_value("5m"));
    }

    // maxDataPoints 0 means the backend default of 1500.
    #[test]
    fn zero_max_data_points_uses_backend_default() {
        let q = plan_query_interval(&IntervalInput {
            from_ms: 0,
            to_ms: 7 * 24 * HOUR,
            max_data_points: 0,
            ..Default::default()
        });
        // 604800 s / 1500 = 403.2 s -> backend round (<= 450 s) -> 5 m.
        assert_eq!(q.step_ms, 300_000);
    }
}
