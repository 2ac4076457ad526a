//! Template variables: interpolation of `$var` / `${var:fmt}` / `[[var]]` with every Grafana
//! format and the Prometheus datasource's default escaping, ad-hoc filters, and the pure parts
//! of variable resolution (custom lists, regex filtering, sorting, current selection after a
//! refresh, dependency order, command-line overrides).
//!
//! Sources: grafana/scenes `variables/constants.ts` (VARIABLE_REGEX), `sceneInterpolator.ts`,
//! `formatRegistry.ts`, `MultiValueVariable.ts`, `variants/query/utils.ts`,
//! `CustomVariable.tsx`; grafana-prometheus `datasource.ts` (`interpolateQueryExpr`) and
//! `escaping.ts`; grafana-data `text/string.ts` (`stringToJsRegex`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use regex::Regex;

use super::interval;
use super::model::{Variable, VariableKind, VariableSelection};

/// Grafana's value for the All option, and its text.
pub const ALL_VALUE: &str = "$__all";
pub const ALL_TEXT: &str = "All";

/// A variable's current value as interpolation needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VarValue {
    pub text: Vec<String>,
    /// The selected values; for All without a custom all value, every option's value.
    pub value: Vec<String>,
    pub is_all: bool,
    pub all_value: Option<String>,
    pub multi: bool,
    pub include_all: bool,
}

impl VarValue {
    /// A plain single value (constants, textboxes, repeat clones, built-ins).
    pub fn single(value: impl Into<String>) -> VarValue {
        let v = value.into();
        VarValue {
            text: vec![v.clone()],
            value: vec![v],
            ..VarValue::default()
        }
    }

    /// A single value whose display text differs from its value.
    pub fn with_text(text: impl Into<String>, value: impl Into<String>) -> VarValue {
        VarValue {
            text: vec![text.into()],
            value: vec![value.into()],
            ..VarValue::default()
        }
    }

    /// Grafana holds multi-value variables (and All without a custom value) as arrays, which
    /// changes how several formats render even a single element.
    fn is_array(&self) -> bool {
        self.multi || (self.is_all && self.all_value.is_none()) || self.value.len() != 1
    }

    /// Grafana `getValueText`: multi values joined with " + ", All as "All".
    pub fn display_text(&self) -> String {
        if self.is_all {
            return ALL_TEXT.to_string();
        }
        self.text.join(" + ")
    }
}

/// Everything `$name` can resolve to: repeat-scoped variables, dashboard variables, then
/// built-ins and link macros (`__interval`, `__from`, `__value.raw`, `__field.labels.job`, ...).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Repeat clones' variables; they win over dashboard variables.
    pub scoped: HashMap<String, VarValue>,
    pub vars: HashMap<String, VarValue>,
    /// Built-ins and macros by full path (`__interval`, `__dashboard.uid`, `__value.raw`).
    pub builtins: HashMap<String, String>,
    /// Range in epoch ms for `$__from`/`$__to` and their `:date` formats.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Offset used by `:date:<moment format>` (Grafana uses the browser zone).
    pub utc_offset_s: i32,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    pub fn set_var(&mut self, name: impl Into<String>, value: VarValue) {
        self.vars.insert(name.into(), value);
    }

    pub fn set_scoped(&mut self, name: impl Into<String>, value: VarValue) {
        self.scoped.insert(name.into(), value);
    }

    /// A built-in or macro by full path, e.g. `__value.raw` or `__field.labels.instance`.
    pub fn set_builtin(&mut self, path: impl Into<String>, value: impl Into<String>) {
        self.builtins.insert(path.into(), value.into());
    }

    /// `$__from`, `$__to` (epoch ms).
    pub fn set_time_range(&mut self, from_ms: i64, to_ms: i64) {
        self.from_ms = Some(from_ms);
        self.to_ms = Some(to_ms);
    }

    /// The interval built-ins from a planned query.
    pub fn set_intervals(&mut self, q: &super::interval::QueryInterval) {
        self.set_builtin("__interval", q.interval.clone());
        self.set_builtin("__interval_ms", q.step_ms.to_string());
        self.set_builtin("__rate_interval", q.rate_interval.clone());
        self.set_builtin("__rate_interval_ms", q.rate_interval_ms.to_string());
        self.set_builtin("__range", q.range.clone());
        self.set_builtin("__range_s", q.range_s.to_string());
        self.set_builtin("__range_ms", q.range_ms.to_string());
    }

    /// `$__dashboard` (title) and `${__dashboard.uid}`.
    pub fn set_dashboard(&mut self, title: &str, uid: Option<&str>) {
        self.set_builtin("__dashboard", title);
        if let Some(uid) = uid {
            self.set_builtin("__dashboard.uid", uid);
        }
    }

    /// Is `name` known (a variable or a built-in)?
    pub fn contains(&self, name: &str) -> bool {
        self.scoped.contains_key(name)
            || self.vars.contains_key(name)
            || self.builtins.contains_key(name)
            || (name == "__from" && self.from_ms.is_some())
            || (name == "__to" && self.to_ms.is_some())
    }
}

/// The format applied when a reference names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Prometheus datasource's `interpolateQueryExpr` escaping.
    Prometheus,
    /// Grafana's default for panel titles, links and text: glob.
    Glob,
    Regex,
    Pipe,
    Csv,
    Raw,
    Text,
    PercentEncode,
    QueryParam,
}

impl Format {
    fn id(self) -> Option<&'static str> {
        Some(match self {
            Format::Prometheus => return None,
            Format::Glob => "glob",
            Format::Regex => "regex",
            Format::Pipe => "pipe",
            Format::Csv => "csv",
            Format::Raw => "raw",
            Format::Text => "text",
            Format::PercentEncode => "percentencode",
            Format::QueryParam => "queryparam",
        })
    }
}

/// Scenes VARIABLE_REGEX (ASCII `\w` like JavaScript).
fn variable_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+?)(?::([A-Za-z0-9_]+))?\]\]|\$\{([A-Za-z0-9_]+)(?:\.([^:^\}]+))?(?::([^\}]+))?\}",
        )
        .unwrap_or_else(|e| unreachable!("constant regex: {e}"))
    })
}

/// One `$var` reference found in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub field_path: Option<String>,
    pub format: Option<String>,
}

/// Every variable reference in a template, in order.
pub fn find_references(template: &str) -> Vec<VarRef> {
    variable_regex()
        .captures_iter(template)
        .filter_map(|c| {
            let name = c.get(1).or(c.get(2)).or(c.get(4))?.as_str().to_string();
            Some(VarRef {
                name,
                field_path: c.get(5).map(|m| m.as_str().to_string()),
                format: c.get(3).or(c.get(6)).map(|m| m.as_str().to_string()),
            })
        })
        .collect()
}

/// Replace every variable reference in `template`. Unknown names stay verbatim.
pub fn interpolate(template: &str, scope: &Scope, default_format: Format) -> String {
    interpolate_depth(template, scope, default_format, 0)
}

fn interpolate_depth(template: &str, scope: &Scope, default_format: Format, depth: u8) -> String {
    variable_regex()
        .replace_all(template, |c: &regex::Captures<'_>| {
            let whole = c.get(0).map_or("", |m| m.as_str());
            let Some(name) = c.get(1).or(c.get(2)).or(c.get(4)).map(|m| m.as_str()) else {
                return whole.to_string();
            };
            let field_path = c.get(5).map(|m| m.as_str());
            let explicit = c.get(3).or(c.get(6)).map(|m| m.as_str());
            match resolve_reference(name, field_path, explicit, scope, default_format, depth) {
                Some(s) => s,
                None => whole.to_string(),
            }
        })
        .into_owned()
}

fn resolve_reference(
    name: &str,
    field_path: Option<&str>,
    explicit: Option<&str>,
    scope: &Scope,
    default_format: Format,
    depth: u8,
) -> Option<String> {
    // Lookup order: scoped (repeat) vars, dashboard vars, then macros/built-ins.
    if let Some(v) = scope.scoped.get(name).or_else(|| scope.vars.get(name)) {
        // `${var.0}`: one element of a multi-value selection by index.
        if let Some(i) = field_path.and_then(|p| p.parse::<usize>().ok())
            && v.is_array()
            && let Some(one) = v.value.get(i)
        {
            // The element is a plain string of a multi-value variable.
            return Some(match (explicit, default_format) {
                (None, Format::Prometheus) if v.multi || v.include_all => {
                    prometheus_special_regex_escape(one)
                }
                (None, Format::Prometheus) => prometheus_regular_escape(one),
                (Some(f), _) => apply_format(name, &VarValue::single(one.clone()), f, scope),
                (None, other) => apply_format(
                    name,
                    &VarValue::single(one.clone()),
                    other.id().unwrap_or("glob"),
                    scope,
                ),
            });
        }
        return Some(format_variable(
            name,
            v,
            explicit,
            scope,
            default_format,
            depth,
        ));
    }
    if name == "__from" || name == "__to" {
        let ms = if name == "__from" {
            scope.from_ms
        } else {
            scope.to_ms
        };
        let ms = ms?;
        // The text of a time macro is the formatted date (scenes TimeFromAndToMacro).
        let value = VarValue::with_text(
            format_moment(ms, "YYYY-MM-DD HH:mm:ss", scope.utc_offset_s),
            ms.to_string(),
        );
        return Some(match explicit {
            Some(f) => apply_format(name, &value, f, scope),
            // The ms number passes unchanged through any default escaping.
            None => ms.to_string(),
        });
    }
    let key = match field_path {
        Some(p) => format!("{name}.{p}"),
        None => name.to_string(),
    };
    let raw = scope.builtins.get(&key)?;
    // These macros produce ready URL fragments that Grafana never formats again.
    if matches!(name, "__all_variables" | "__url_time_range") {
        return Some(raw.clone());
    }
    Some(match explicit {
        Some(f) => apply_format(name, &VarValue::single(raw.clone()), f, scope),
        None => match default_format {
            // Built-ins are substituted as they are (Grafana's backend does a plain replace).
            Format::Prometheus => raw.clone(),
            other => apply_format(
                name,
                &VarValue::single(raw.clone()),
                other.id().unwrap_or("glob"),
                scope,
            ),
        },
    })
}

fn format_variable(
    name: &str,
    v: &VarValue,
    explicit: Option<&str>,
    scope: &Scope,
    default_format: Format,
    depth: u8,
) -> String {
    // A custom all value is used raw (then interpolated again), never escaped.
    if v.is_all
        && let Some(all) = &v.all_value
    {
        let fmt_id = explicit.or(default_format.id()).unwrap_or("");
        let head = fmt_id.split(':').next().unwrap_or("");
        return match head {
            "text" => ALL_TEXT.to_string(),
            "percentencode" => encode_uri_component_strict(all),
            "queryparam" => format!("var-{name}={ALL_TEXT}"),
            _ if depth < 4 => interpolate_depth(all, scope, Format::Glob, depth + 1),
            _ => all.clone(),
        };
    }
    match explicit {
        Some(f) => apply_format(name, v, f, scope),
        None => match default_format {
            Format::Prometheus => prometheus_format(v),
            other => apply_format(name, v, other.id().unwrap_or("glob"), scope),
        },
    }
}

/// Prometheus `interpolateQueryExpr`: plain escaping for single-value variables, regex
/// escaping and `(a|b)` for multi-value / include-All ones.
fn prometheus_format(v: &VarValue) -> String {
    if !v.multi && !v.include_all {
        if v.is_array() {
            // A JS array through String(): comma-joined.
            return v
                .value
                .iter()
                .map(|s| prometheus_regular_escape(s))
                .collect::<Vec<_>>()
                .join(",");
        }
        return prometheus_regular_escape(v.value.first().map_or("", |s| s.as_str()));
    }
    if !v.is_array() {
        return prometheus_special_regex_escape(v.value.first().map_or("", |s| s.as_str()));
    }
    let escaped: Vec<String> = v
        .value
        .iter()
        .map(|s| prometheus_special_regex_escape(s))
        .collect();
    if escaped.len() == 1 {
        return escaped.into_iter().next().unwrap_or_default();
    }
    format!("({})", escaped.join("|"))
}

/// `prometheusRegularEscape`: `\` → `\\`, `'` → `\\'`.
pub fn prometheus_regular_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\\\'")
}

/// `prometheusSpecialRegexEscape`: `\` → four backslashes, regex specials → `\\` + char.
pub fn prometheus_special_regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\\\\\"),
            '$' | '^' | '*' | '{' | '}' | '[' | ']' | '\'' | '+' | '?' | '.' | '(' | ')' | '|' => {
                out.push_str("\\\\");
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// grafana-data `escapeRegex`.
pub fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\^$*+?.()|[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn lucene_escape(s: &str) -> String {
    // Numbers are left alone (`isNaN(+value) === false`).
    if js_number(s).is_some() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "!*+-=<>&|()[]{}^~?:\\/\"".contains(c) || c.is_whitespace() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// JavaScript `+value` for a string: empty/whitespace is 0, otherwise a number literal.
fn js_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0.0);
    }
    if t.contains(|c: char| c.is_ascii_alphabetic() && !matches!(c, 'e' | 'E' | 'x' | 'X'))
        && t != "Infinity"
        && t != "-Infinity"
        && t != "+Infinity"
    {
        return None;
    }
    match t {
        "Infinity" | "+Infinity" => return Some(f64::INFINITY),
        "-Infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    t.parse::<f64>()
        .ok()
        .filter(|_| !t.ends_with('.') || t.len() > 1)
}

const URI_UNRESERVED_EXTRA: &str = "-_.~";
const URI_RESERVED_KEPT: &str = ";,/?:@&=+$#";

/// `encodeURIComponent` plus `!'()*` (RFC 3986 strict).
pub fn encode_uri_component_strict(s: &str) -> String {
    percent_encode(s, "")
}

/// `encodeURI` plus `!'()*`.
pub fn encode_uri_strict(s: &str) -> String {
    percent_encode(s, URI_RESERVED_KEPT)
}

fn percent_encode(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || URI_UNRESERVED_EXTRA.contains(c) || keep.contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn js_string(v: &VarValue) -> String {
    v.value.join(",")
}

fn json_string_literal(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Apply an explicit format (`regex`, `date:seconds`, `join:;`, ...). Unknown formats are glob.
fn apply_format(name: &str, v: &VarValue, format: &str, scope: &Scope) -> String {
    let mut parts = format.split(':');
    let id = parts.next().unwrap_or("");
    let args: Vec<&str> = parts.collect();
    let array = v.is_array();
    let first = v.value.first().map_or("", |s| s.as_str());
    match id {
        "raw" => js_string(v),
        "regex" => {
            if !array {
                return escape_regex(first);
            }
            let escaped: Vec<String> = v.value.iter().map(|s| escape_regex(s)).collect();
            if escaped.len() == 1 {
                escaped.into_iter().next().unwrap_or_default()
            } else {
                format!("({})", escaped.join("|"))
            }
        }
        "pipe" => {
            if array {
                v.value.join("|")
            } else {
                first.to_string()
            }
        }
        "csv" => js_string(v),
        "distributed" => {
            if !array {
                return first.to_string();
            }
            v.value
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if i == 0 {
                        s.clone()
                    } else {
                        format!("{name}={s}")
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        }
        "html" => html_escape(&if array {
            v.value.join(", ")
        } else {
            first.to_string()
        }),
        "json" => {
            if !array {
                return first.to_string();
            }
            let items: Vec<String> = v.value.iter().map(|s| json_string_literal(s)).collect();
            format!("[{}]", items.join(","))
        }
        "lucene" => {
            if !array {
                return lucene_escape(first);
            }
            if v.value.is_empty() {
                return "__empty__".to_string();
            }
            let quoted: Vec<String> = v
                .value
                .iter()
                .map(|s| format!("\"{}\"", lucene_escape(s)))
                .collect();
            format!("({})", quoted.join(" OR "))
        }
        "percentencode" => {
            if array {
                encode_uri_component_strict(&format!("{{{}}}", v.value.join(",")))
            } else {
                encode_uri_component_strict(first)
            }
        }
        "uriencode" => {
            if array {
                encode_uri_strict(&format!("{{{}}}", v.value.join(",")))
            } else {
                encode_uri_strict(first)
            }
        }
        "singlequote" => quote_each(v, '\'', |s| s.replace('\'', "\\'")),
        "doublequote" => quote_each(v, '"', |s| s.replace('"', "\\\"")),
        "sqlstring" => quote_each(v, '\'', |s| s.replace('\'', "''").replace('"', "\\\"")),
        "join" => {
            if array {
                v.value.join(args.first().copied().unwrap_or(","))
            } else {
                first.to_string()
            }
        }
        "date" => format_date_arg(first, &args, scope.utc_offset_s),
        "text" => v.display_text(),
        "queryparam" => {
            if v.is_all {
                return format!("var-{name}={}", encode_query_value(ALL_VALUE));
            }
            v.value
                .iter()
                .map(|s| format!("var-{name}={}", encode_query_value(s)))
                .collect::<Vec<_>>()
                .join("&")
        }
        "customqueryparam" => {
            let param = encode_uri_component_strict(
                args.first()
                    .copied()
                    .filter(|a| !a.is_empty())
                    .unwrap_or(name),
            );
            let prefix = encode_uri_component_strict(args.get(1).copied().unwrap_or(""));
            v.value
                .iter()
                .map(|s| format!("{param}={prefix}{}", encode_uri_component_strict(s)))
                .collect::<Vec<_>>()
                .join("&")
        }
        // glob, and any unknown format
        _ => {
            if array && v.value.len() > 1 {
                format!("{{{}}}", v.value.join(","))
            } else {
                js_string(v)
            }
        }
    }
}

/// URL state values as Grafana's `toUrlParams` writes them: `encodeURIComponent` (which keeps
/// `!'()*`), then AngularJS-style un-escaping of `@ : $ , ;`.
fn encode_query_value(s: &str) -> String {
    percent_encode(s, "!'()*")
        .replace("%24", "$")
        .replace("%3A", ":")
        .replace("%40", "@")
        .replace("%2C", ",")
        .replace("%3B", ";")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn quote_each(v: &VarValue, q: char, esc: impl Fn(&str) -> String) -> String {
    if !v.is_array() {
        return format!("{q}{}{q}", esc(v.value.first().map_or("", |s| s.as_str())));
    }
    v.value
        .iter()
        .map(|s| format!("{q}{}{q}", esc(s)))
        .collect::<Vec<_>>()
        .join(",")
}

/// The `date` format: `ms`, `seconds`, `iso` (default) or a moment.js format string.
fn format_date_arg(value: &str, args: &[&str], utc_offset_s: i32) -> String {
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

// ---------------------------------------------------------------------------------------------
// Ad-hoc filters
// ---------------------------------------------------------------------------------------------

/// Add `key op "value"` matchers to every vector selector of a PromQL expression, as Grafana's
/// ad-hoc filters do (`addLabelToQuery`; `=~`/`!~` values get `prometheusRegularEscape`).
/// Each filter is `(key, operator, value)`. Strings, comments, label lists of `by (...)` /
/// `without (...)` / `on (...)` / `ignoring (...)` / `group_left (...)`, function names and
/// keywords are left alone. A matcher identical to one already present is not repeated.
pub fn add_label_matchers(expr: &str, filters: &[(String, String, String)]) -> String {
    if filters.is_empty() {
        return expr.to_string();
    }
    let matchers: Vec<(String, String, String)> = filters
        .iter()
        .map(|(k, op, v)| {
            let v = if op == "=~" || op == "!~" {
                prometheus_regular_escape(v)
            } else {
                v.clone()
            };
            (k.clone(), op.clone(), v)
        })
        .collect();
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len() + 32);
    let mut i = 0;
    // Set after `by`/`without`/... so the next `( ... )` is copied verbatim.
    let mut label_list_next = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' | '`' => {
                let end = skip_string(&chars, i);
                out.extend(&chars[i..end]);
                i = end;
            }
            '#' => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |p| i + p);
                out.extend(&chars[i..end]);
                i = end;
            }
            '[' => {
                // Range / subquery durations.
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ']')
                    .map_or(chars.len(), |p| i + p + 1);
                out.extend(&chars[i..end]);
                i = end;
            }
            '(' if label_list_next => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == ')')
                    .map_or(chars.len(), |p| i + p + 1);
                out.extend(&chars[i..end]);
                i = end;
                label_list_next = false;
            }
            '{' => {
                // A selector without a metric name.
                let (end, rebuilt) = rewrite_braces(&chars, i, &matchers);
                out.push_str(&rebuilt);
                i = end;
            }
            c if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | ':'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let mut j = i;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                let next = chars.get(j).copied();
                let lower = word.to_ascii_lowercase();
                let is_keyword = matches!(
                    lower.as_str(),
                    "by" | "without"
                        | "on"
                        | "ignoring"
                        | "group_left"
                        | "group_right"
                        | "bool"
                        | "and"
                        | "or"
                        | "unless"
                        | "offset"
                        | "atan2"
                        | "inf"
                        | "nan"
                ) || (matches!(lower.as_str(), "start" | "end")
                    && next == Some('('));
                // `sum by (x) (...)`: an aggregation followed by its grouping clause.
                let rest_word: String = chars[j..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let is_aggregation_head =
                    matches!(rest_word.to_ascii_lowercase().as_str(), "by" | "without");
                let is_keyword = is_keyword || is_aggregation_head;
                let after_at = out.trim_end().ends_with('@');
                let is_number_suffix = start > 0
                    && (chars[start - 1].is_ascii_digit() || chars[start - 1] == '.')
                    && !word.contains(':');
                if matches!(
                    lower.as_str(),
                    "by" | "without" | "on" | "ignoring" | "group_left" | "group_right"
                ) {
                    label_list_next = true;
                    out.push_str(&word);
                    continue;
                }
                // `group_left sum(...)`: a grouping keyword without a label list.
                label_list_next = false;
                if is_keyword || after_at || is_number_suffix || next == Some('(') {
                    out.push_str(&word);
                } else if next == Some('{') {
                    out.push_str(&word);
                    out.extend(&chars[i..j]);
                    let (end, rebuilt) = rewrite_braces(&chars, j, &matchers);
                    out.push_str(&rebuilt);
                    i = end;
                } else {
                    out.push_str(&word);
                    out.push('{');
                    out.push_str(&render_matchers(&matchers));
                    out.push('}');
                }
            }
            c if c.is_ascii_digit() => {
                // Numbers and durations (`5m`, `1.5e3`, `0x1f`): copy the whole token.
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                out.extend(&chars[start..i]);
            }
            _ => {
                if !c.is_whitespace() {
                    label_list_next = false;
                }
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn skip_string(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == '\\' && quote != '`' {
            i += 2;
            continue;
        }
        if chars[i] == quote {
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

fn render_matchers(m: &[(String, String, String)]) -> String {
    m.iter()
        .map(|(k, op, v)| format!("{k}{op}\"{v}\""))
        .collect::<Vec<_>>()
        .join(",")
}

/// Rewrite `{...}` starting at `open`, appending the new matchers; returns the end index.
fn rewrite_braces(
    chars: &[char],
    open: usize,
    matchers: &[(String, String, String)],
) -> (usize, String) {
    let mut i = open + 1;
    while i < chars.len() && chars[i] != '}' {
        if matches!(chars[i], '"' | '\'' | '`') {
            i = skip_string(chars, i);
        } else {
            i += 1;
        }
    }
    let inner: String = chars[open + 1..i.min(chars.len())].iter().collect();
    let end = (i + 1).min(chars.len());
    let trimmed = inner.trim().trim_end_matches(',').trim_end();
    let normalised_existing: HashSet<String> = split_matchers(trimmed)
        .iter()
        .map(|m| m.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let new: Vec<(String, String, String)> = matchers
        .iter()
        .filter(|(k, op, v)| !normalised_existing.contains(&format!("{k}{op}\"{v}\"")))
        .cloned()
        .collect();
    if new.is_empty() {
        return (end, chars[open..end].iter().collect());
    }
    let added = render_matchers(&new);
    let body = if trimmed.is_empty() {
        added
    } else {
        format!("{trimmed},{added}")
    };
    (end, format!("{{{body}}}"))
}

fn split_matchers(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '"' | '\'' | '`') {
            i = skip_string(&chars, i);
            continue;
        }
        if chars[i] == ',' {
            parts.push(chars[start..i].iter().collect());
            start = i + 1;
        }
        i += 1;
    }
    if start < chars.len() {
        parts.push(chars[start..].iter().collect());
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// Variable options: custom lists, regex filtering, sorting, selection, order, overrides
// ---------------------------------------------------------------------------------------------

/// One option of a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarOption {
    pub text: String,
    pub value: String,
}

impl VarOption {
    pub fn new(text: impl Into<String>, value: impl Into<String>) -> VarOption {
        VarOption {
            text: text.into(),
            value: value.into(),
        }
    }

    pub fn same(v: impl Into<String>) -> VarOption {
        let v = v.into();
        VarOption {
            text: v.clone(),
            value: v,
        }
    }
}

/// Value of the `auto` option of interval variables.
pub const AUTO_VALUE: &str = "$__auto";

/// Options of variables that need no datasource: custom (parsed list), constant (its value),
/// textbox (current value, else the query), interval (the comma list, with `auto` first when
/// enabled). `None` for query, datasource, ad-hoc and unknown kinds.
pub fn static_options(var: &Variable) -> Option<Vec<VarOption>> {
    match var.kind {
        VariableKind::Custom => Some(parse_custom(&var.query)),
        VariableKind::Constant => Some(vec![VarOption::same(var.query.clone())]),
        VariableKind::Textbox => {
            let v = var
                .current
                .value
                .first()
                .cloned()
                .unwrap_or_else(|| var.query.clone());
            Some(vec![VarOption::same(v)])
        }
        VariableKind::Interval => {
            let mut opts: Vec<VarOption> = var
                .query
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "auto")
                .map(VarOption::same)
                .collect();
            if var.auto {
                opts.insert(0, VarOption::new("Auto", AUTO_VALUE));
            }
            Some(opts)
        }
        _ => None,
    }
}

/// The value an interval variable interpolates to: `auto` resolves to
/// `calculateInterval(range, auto_count, auto_min)`, anything else is itself.
pub fn interval_variable_value(var: &Variable, selected: &str, from_ms: i64, to_ms: i64) -> String {
    if interval::is_auto_value(selected) {
        interval::auto_interval_value(from_ms, to_ms, var.auto_count, var.auto_min.as_deref())
    } else {
        selected.to_string()
    }
}

/// A `custom` variable's query: comma separated (`\,` escapes a comma), `text : value` pairs,
/// each part trimmed.
pub fn parse_custom(query: &str) -> Vec<VarOption> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&',') {
            current.push(',');
            chars.next();
        } else if c == ',' {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        // `(?:\\,|[^,])+` never matches an empty part.
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(" : ") {
            Some((text, value)) => VarOption::new(text.trim(), value.trim()),
            None => VarOption::same(p.trim()),
        })
        .collect()
}

/// A compiled `stringToJsRegex` pattern: `/re/flags`, or a bare pattern anchored `^pat$`.
#[derive(Debug, Clone)]
pub struct JsRegex {
    pub regex: Regex,
    pub global: bool,
}

/// grafana-data `stringToJsRegex`, translated to the `regex` crate.
pub fn string_to_js_regex(s: &str) -> Result<JsRegex, String> {
    if !s.starts_with('/') {
        return Regex::new(&format!("^(?:{s})$"))
            .map(|regex| JsRegex {
                regex,
                global: false,
            })
            .map_err(|e| format!("invalid regex {s:?}: {e}"));
    }
    let body = &s[1..];
    let Some(last) = body.rfind('/') else {
        return Err(format!("'{s}' is not a valid regular expression."));
    };
    let (pattern, flags) = (&body[..last], &body[last + 1..]);
    if !flags.chars().all(|c| "gimsuy".contains(c)) {
        return Err(format!("'{s}' is not a valid regular expression."));
    }
    let inline: String = flags
        .chars()
        .filter(|c| matches!(c, 'i' | 'm' | 's'))
        .collect();
    let full = if inline.is_empty() {
        pattern.to_string()
    } else {
        format!("(?{inline}){pattern}")
    };
    Regex::new(&full)
        .map(|regex| JsRegex {
            regex,
            global: flags.contains('g'),
        })
        .map_err(|e| format!("invalid regex {s:?}: {e}"))
}

/// A datasource variable's options: the datasources (text = name, value = uid) whose name the
/// variable's regex (already interpolated) matches, as Grafana filters them; in their order.
pub fn datasource_options(
    datasources: Vec<(String, String)>,
    regex: Option<&str>,
) -> Result<Vec<VarOption>, String> {
    let re = match regex.filter(|r| !r.trim().is_empty()) {
        Some(r) => Some(string_to_js_regex(r)?),
        None => None,
    };
    Ok(datasources
        .into_iter()
        .filter(|(name, _)| re.as_ref().is_none_or(|re| re.regex.is_match(name)))
        .map(|(text, value)| VarOption::new(text, value))
        .collect())
}

/// Scenes `metricNamesToVariableValues`: filter options through the variable's regex (already
/// interpolated with the `regex` format), dedupe by value, then sort.
pub fn filter_and_sort_options(
    options: Vec<VarOption>,
    regex: Option<&str>,
    sort: u8,
) -> Result<Vec<VarOption>, String> {
    let re = match regex.filter(|r| !r.is_empty()) {
        Some(r) => Some(string_to_js_regex(r)?),
        None => None,
    };
    let mut out: Vec<VarOption> = Vec::with_capacity(options.len());
    for opt in options {
        let Some(re) = &re else {
            out.push(opt);
            continue;
        };
        let matches: Vec<regex::Captures<'_>> = if re.global {
            re.regex.captures_iter(&opt.value).collect()
        } else {
            re.regex.captures(&opt.value).into_iter().collect()
        };
        if matches.is_empty() {
            continue;
        }
        let named = |name: &str| {
            matches.iter().find_map(|m| {
                m.name(name)
                    .map(|g| g.as_str().to_string())
                    .filter(|s| !s.is_empty())
            })
        };
        let value_group = named("value");
        let text_group = named("text");
        let has_groups = re.regex.captures_len() > 1;
        if value_group.is_some() || text_group.is_some() {
            let value = value_group
                .clone()
                .or(text_group.clone())
                .unwrap_or_default();
            let text = text_group.or(value_group).unwrap_or_default();
            out.push(VarOption { text, value });
        } else if has_groups && matches.len() > 1 {
            for m in &matches {
                let g = m.get(1).map_or("", |g| g.as_str()).to_string();
                out.push(VarOption::same(g));
            }
        } else if has_groups {
            let g = matches[0].get(1).map_or("", |g| g.as_str()).to_string();
            out.push(VarOption::same(g));
        } else {
            out.push(opt);
        }
    }
    let mut seen = HashSet::new();
    out.retain(|o| seen.insert(o.value.clone()));
    Ok(sort_options(out, sort))
}

/// Grafana's nine sort modes: 0 none, 1/2 alphabetical, 3/4 numerical (first integer in the
/// text, none → -1), 5/6 case-insensitive alphabetical, 7/8 natural. Sorts are stable and
/// descending is the reversed ascending order (lodash `sortBy(..).reverse()`).
pub fn sort_options(mut options: Vec<VarOption>, sort: u8) -> Vec<VarOption> {
    match sort {
        1 | 2 => options.sort_by(|a, b| a.text.cmp(&b.text)),
        3 | 4 => options.sort_by_key(|o| first_integer(&o.text)),
        5 | 6 => options.sort_by_key(|o| o.text.to_lowercase()),
        7 | 8 => options.sort_by(|a, b| natural_cmp(&a.text, &b.text)),
        _ => return options,
    }
    if sort.is_multiple_of(2) {
        options.reverse();
    }
    options
}

fn first_integer(text: &str) -> i64 {
    let Some(start) = text.find(|c: char| c.is_ascii_digit()) else {
        return -1;
    };
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap_or(i64::MAX)
}

/// Approximates `Intl.Collator(undefined, {numeric: true, sensitivity: 'accent'})`: digit runs
/// compare as numbers, letters case-insensitively.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut ai, mut bi) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (ai.peek().copied(), bi.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut s = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        s.push(c);
                        it.next();
                    }
                    s
                };
                let (na, nb) = (take(&mut ai), take(&mut bi));
                let (ta, tb) = (na.trim_start_matches('0'), nb.trim_start_matches('0'));
                let ord = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                let ord = x.to_lowercase().cmp(y.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                ai.next();
                bi.next();
            }
        }
    }
}

/// How a variable chooses its value after its options change (scenes
/// `MultiValueVariable.getStateUpdateGivenNewOptions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SelectionRules {
    pub multi: bool,
    pub include_all: bool,
    pub default_to_all: bool,
}

impl SelectionRules {
    pub fn of(var: &Variable) -> SelectionRules {
        SelectionRules {
            multi: var.multi,
            include_all: var.include_all,
            default_to_all: false,
        }
    }
}

/// Is this selection the All option?
pub fn is_all_selection(sel: &VariableSelection) -> bool {
    sel.value.first().is_some_and(|v| v == ALL_VALUE)
}

fn all_selection() -> VariableSelection {
    VariableSelection {
        text: vec![ALL_TEXT.to_string()],
        value: vec![ALL_VALUE.to_string()],
    }
}

/// The current selection after the options were (re)loaded.
pub fn select_after_refresh(
    current: &VariableSelection,
    options: &[VarOption],
    rules: SelectionRules,
) -> VariableSelection {
    if options.is_empty() {
        if rules.default_to_all || rules.include_all {
            return all_selection();
        }
        return VariableSelection::default();
    }
    let first = || VariableSelection {
        text: vec![options[0].text.clone()],
        value: vec![options[0].value.clone()],
    };
    if is_all_selection(current) {
        return if rules.include_all {
            all_selection()
        } else {
            first()
        };
    }
    if rules.multi {
        let valid: Vec<&VarOption> = current
            .value
            .iter()
            .filter_map(|v| options.iter().find(|o| &o.value == v))
            .collect();
        if valid.is_empty() {
            return if rules.default_to_all {
                all_selection()
            } else {
                first()
            };
        }
        return VariableSelection {
            text: valid.iter().map(|o| o.text.clone()).collect(),
            value: valid.iter().map(|o| o.value.clone()).collect(),
        };
    }
    // Single value: match by value, then by text.
    let by_value = current
        .value
        .first()
        .and_then(|v| options.iter().find(|o| &o.value == v));
    let by_text = || {
        current
            .text
            .first()
            // Grafana keeps looking, so the last option with that text wins.
            .and_then(|t| options.iter().rev().find(|o| &o.text == t))
    };
    match by_value.or_else(by_text) {
        Some(o) => VariableSelection {
            text: vec![o.text.clone()],
            value: vec![o.value.clone()],
        },
        None if rules.default_to_all => all_selection(),
        None => first(),
    }
}

/// Build the interpolation value of a variable from its selection and options (All without a
/// custom all value expands to every option's value).
pub fn var_value(var: &Variable, sel: &VariableSelection, options: &[VarOption]) -> VarValue {
    let is_all = is_all_selection(sel);
    let value = if is_all && var.all_value.is_none() {
        options.iter().map(|o| o.value.clone()).collect()
    } else {
        sel.value.clone()
    };
    VarValue {
        text: if is_all {
            vec![ALL_TEXT.to_string()]
        } else {
            sel.text.clone()
        },
        value,
        is_all,
        all_value: var.all_value.clone().filter(|a| !a.is_empty()),
        multi: var.multi,
        include_all: var.include_all,
    }
}

/// Names of the variables a template references (deduplicated, in order of appearance).
pub fn referenced_names(template: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    find_references(template)
        .into_iter()
        .map(|r| r.name)
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

/// The variables each variable depends on: names referenced by its query, regex and
/// datasource, restricted to the dashboard's own variables (never itself).
pub fn dependencies(vars: &[Variable]) -> BTreeMap<String, Vec<String>> {
    let known: HashSet<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    let mut out = BTreeMap::new();
    for v in vars {
        let mut text = v.query.clone();
        if let Some(r) = &v.regex {
            text.push(' ');
            text.push_str(r);
        }
        if let Some(super::model::DatasourceRef::Variable { name }) = &v.datasource {
            text.push_str(" $");
            text.push_str(name);
        }
        let deps: Vec<String> = referenced_names(&text)
            .into_iter()
            .filter(|n| n != &v.name && known.contains(n.as_str()))
            .collect();
        out.insert(v.name.clone(), deps);
    }
    out
}

/// Variables in an order where each comes after the ones it references (stable: dashboard
/// order among independent ones). `Err` names the variables on a cycle.
pub fn resolution_order(vars: &[Variable]) -> Result<Vec<String>, Vec<String>> {
    let deps = dependencies(vars);
    let mut done: Vec<String> = Vec::with_capacity(vars.len());
    let mut placed: HashSet<String> = HashSet::new();
    let mut remaining: Vec<&Variable> = vars.iter().collect();
    while !remaining.is_empty() {
        let before = remaining.len();
        remaining.retain(|v| {
            let ready = deps
                .get(&v.name)
                .is_none_or(|d| d.iter().all(|n| placed.contains(n)));
            if ready {
                placed.insert(v.name.clone());
                done.push(v.name.clone());
            }
            !ready
        });
        if remaining.len() == before {
            return Err(remaining.iter().map(|v| v.name.clone()).collect());
        }
    }
    Ok(done)
}

/// Parse repeatable `--var name=value` arguments: repeats make a multi selection; `All` or
/// `$__all` selects All.
pub fn parse_overrides(args: &[String]) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in args {
        let Some((name, value)) = a.split_once('=') else {
            return Err(format!("--var {a:?}: expected name=value"));
        };
        let name = name.trim().trim_start_matches('$');
        if name.is_empty() {
            return Err(format!("--var {a:?}: empty variable name"));
        }
        out.entry(name.to_string())
            .or_default()
            .push(value.to_string());
    }
    Ok(out)
}

/// Apply `--var` values to a variable like Grafana applies URL values (`changeValueTo` after
/// `updateFromUrl`): `$__all` as the last value selects All (and a leading `$__all` followed by
/// other values is dropped); `All`, or the custom all value, means All when the variable has
/// an All option. Other values are matched to an option by value, then by text, or kept as
/// given (Grafana accepts free values from URLs; the next refresh validates them).
pub fn override_selection(
    values: &[String],
    options: &[VarOption],
    include_all: bool,
    all_value: Option<&str>,
) -> VariableSelection {
    let is_all_word = |v: &str| {
        v == ALL_VALUE
            || (include_all
                && (v == ALL_TEXT || all_value.is_some_and(|a| !a.is_empty() && a == v)))
    };
    let mut values: Vec<&String> = values.iter().collect();
    if values.last().is_some_and(|v| is_all_word(v)) {
        return all_selection();
    }
    if values.len() > 1 && values.first().is_some_and(|v| is_all_word(v)) {
        values.remove(0);
    }
    let mut sel = VariableSelection::default();
    for v in values {
        let found = options
            .iter()
            .find(|o| &o.value == v)
            .or_else(|| options.iter().find(|o| &o.text == v));
        match found {
            Some(o) => {
                sel.text.push(o.text.clone());
                sel.value.push(o.value.clone());
            }
            None => {
                sel.text.push(v.clone());
                sel.value.push(v.clone());
            }
        }
    }
    sel
}

#[cfg(test)]
mod tests {
    #[test]
    fn datasource_variable_regex_filters_datasource_names() {
        let all = vec![
            ("default".to_string(), "default".to_string()),
            ("Prometheus EU".to_string(), "prom-eu".to_string()),
            ("Prometheus US".to_string(), "prom-us".to_string()),
            ("Thanos".to_string(), "thanos".to_string()),
        ];
        let texts = |r: Option<&str>| -> Vec<String> {
            datasource_options(all.clone(), r)
                .unwrap()
                .into_iter()
                .map(|o| o.text)
                .collect()
        };
        assert_eq!(
            texts(Some("/Prometheus/")),
            ["Prometheus EU", "Prometheus US"]
        );
        assert_eq!(texts(Some("/^thanos$/i")), ["Thanos"]);
        assert_eq!(texts(None).len(), 4);
        assert_eq!(texts(Some("")).len(), 4);
        let values: Vec<String> = datasource_options(all.clone(), Some("/EU/"))
            .unwrap()
            .into_iter()
            .map(|o| o.value)
            .collect();
        assert_eq!(values, ["prom-eu"]);
        assert!(datasource_options(all, Some("/(/")).is_err());
    }

    use super::*;

    fn multi(values: &[&str]) -> VarValue {
        VarValue {
            text: values.iter().map(|s| s.to_string()).collect(),
            value: values.iter().map(|s| s.to_string()).collect(),
            multi: true,
            ..VarValue::default()
        }
    }

    fn scope_with(name: &str, v: VarValue) -> Scope {
        let mut s = Scope::new();
        s.set_var(name, v);
        s
    }

    fn glob(t: &str, s: &Scope) -> String {
        interpolate(t, s, Format::Glob)
    }

    fn prom(t: &str, s: &Scope) -> String {
        interpolate(t, s, Format::Prometheus)
    }

    // All three syntaxes resolve: $var, ${var}, [[var]].
    #[test]
    fn all_syntaxes() {
        let s = scope_with("job", VarValue::single("api"));
        assert_eq!(glob("$job ${job} [[job]]", &s), "api api api");
    }

    // `$var` takes the longest \w+ name: `$jobx` is another (unknown) variable.
    #[test]
    fn unknown_names_stay_verbatim() {
        let s = scope_with("job", VarValue::single("api"));
        assert_eq!(
            glob("$jobx ${nope} [[nope]] $job", &s),
            "$jobx ${nope} [[nope]] api"
        );
    }

    // Explicit format beats the caller's format: ${var:fmt} and [[var:fmt]].
    #[test]
    fn explicit_formats() {
        let s = scope_with("h", multi(&["a.b", "c"]));
        assert_eq!(prom("${h:pipe}", &s), "a.b|c");
        assert_eq!(prom("[[h:csv]]", &s), "a.b,c");
        assert_eq!(prom("${h:regex}", &s), "(a\\.b|c)");
    }

    // Prometheus: single non-multi value gets prometheusRegularEscape only.
    #[test]
    fn prometheus_single_value_escaping() {
        let s = scope_with("x", VarValue::single(r"a\b'c.d"));
        assert_eq!(prom("$x", &s), r"a\\b\\'c.d");
    }

    // Prometheus: multi values are regex-escaped (double backslash) and joined as (a|b).
    #[test]
    fn prometheus_multi_value_escaping() {
        let s = scope_with("x", multi(&["a.b", "c|d"]));
        assert_eq!(prom("$x", &s), r"(a\\.b|c\\|d)");
        let one = scope_with("x", multi(&["a.b"]));
        assert_eq!(prom("$x", &one), r"a\\.b");
        let bs = scope_with("x", multi(&[r"a\b", "z"]));
        assert_eq!(prom("$x", &bs), r"(a\\\\b|z)");
    }

    // includeAll alone also switches to regex escaping.
    #[test]
    fn prometheus_include_all_single_is_regex_escaped() {
        let v = VarValue {
            include_all: true,
            ..VarValue::single("a.b")
        };
        assert_eq!(prom("$x", &scope_with("x", v)), r"a\\.b");
    }

    // All with a custom allValue is raw; All without expands every option.
    #[test]
    fn all_value_handling() {
        let custom = VarValue {
            text: vec!["All".into()],
            value: vec![],
            is_all: true,
            all_value: Some(".*".into()),
            multi: true,
            include_all: true,
        };
        let s = scope_with("x", custom);
        assert_eq!(prom("job=~\"$x\"", &s), "job=~\".*\"");
        assert_eq!(prom("${x:text}", &s), "All");
        assert_eq!(prom("${x:percentencode}", &s), ".%2A");
        assert_eq!(prom("${x:queryparam}", &s), "var-x=All");
        let expand = VarValue {
            text: vec!["All".into()],
            value: vec!["a".into(), "b.c".into()],
            is_all: true,
            all_value: None,
            multi: true,
            include_all: true,
        };
        let s = scope_with("x", expand);
        assert_eq!(prom("$x", &s), r"(a|b\\.c)");
        assert_eq!(glob("${x:text}", &s), "All");
    }

    // `${var.N}` picks one element of a multi-value selection.
    #[test]
    fn index_field_path() {
        let s = scope_with("x", multi(&["a.b", "c"]));
        assert_eq!(prom("${x.1}", &s), "c");
        assert_eq!(prom("${x.0}", &s), r"a\\.b");
        assert_eq!(glob("${x.0:raw}", &s), "a.b");
    }

    // Cases from grafana/scenes formatRegistry.test.ts (variable named "server").
    #[test]
    fn scenes_format_registry_cases() {
        let one = |v: &str, fmt: &str| {
            glob(
                &format!("${{server:{fmt}}}"),
                &scope_with("server", VarValue::single(v)),
            )
        };
        let many = |v: &[&str], fmt: &str| {
            glob(
                &format!("${{server:{fmt}}}"),
                &scope_with("server", multi(v)),
            )
        };
        assert_eq!(one("foo bar", "lucene"), r"foo\ bar");
        assert_eq!(one("-1", "lucene"), "-1");
        assert_eq!(one("-test", "lucene"), r"\-test");
        assert_eq!(
            many(&["foo bar", "baz"], "lucene"),
            r#"("foo\ bar" OR "baz")"#
        );
        assert_eq!(many(&["AA", "BB", "C.*"], "glob"), "{AA,BB,C.*}");
        assert_eq!(one("test.", "regex"), r"test\.");
        assert_eq!(many(&["test."], "regex"), r"test\.");
        assert_eq!(many(&["test.", "test2"], "regex"), r"(test\.|test2)");
        assert_eq!(many(&["test"], "distributed"), "test");
        assert_eq!(many(&["test", "test2"], "distributed"), "test,server=test2");
        assert_eq!(
            one("<script>alert(asd)</script>", "html"),
            "&lt;script&gt;alert(asd)&lt;/script&gt;"
        );
        assert_eq!(
            many(&["foo()bar BAZ", "test2"], "percentencode"),
            "%7Bfoo%28%29bar%20BAZ%2Ctest2%7D"
        );
        assert_eq!(
            many(&["test", "test'2"], "singlequote"),
            r"'test','test\'2'"
        );
        assert_eq!(
            many(&["test", "test\"2"], "doublequote"),
            r#""test","test\"2""#
        );
        assert_eq!(one("test'value", "sqlstring"), "'test''value'");
        assert_eq!(one("test\"value", "sqlstring"), r#"'test\"value'"#);
        assert_eq!(one("1594671549254", "date"), "2020-07-13T20:19:09.254Z");
        assert_eq!(one("1594671549254", "date:seconds"), "1594671549");
        assert_eq!(one("1594671549254", "date:YYYY-MM:ss"), "2020-07:09");
        assert_eq!(one("1594671549254", "date:YYYY:MM:DD"), "2020:07:13");
        assert_eq!(one("hello", "join"), "hello");
        assert_eq!(many(&["hello", "world"], "join: | "), "hello | world");
        assert_eq!(
            many(&["api", "database"], "customqueryparam"),
            "server=api&server=database"
        );
        assert_eq!(
            many(
                &["mysql&postgres", "databases!"],
                "customqueryparam:space & ampersand!:v& "
            ),
            "space%20%26%20ampersand%21=v%26%20mysql%26postgres&space%20%26%20ampersand%21=v%26%20databases%21"
        );
        assert_eq!(
            one("/any-path/any-second-path?query=foo()bar BAZ", "uriencode"),
            "/any-path/any-second-path?query=foo%28%29bar%20BAZ"
        );
        assert_eq!(one("helloAZ%=", "queryparam"), "var-server=helloAZ%25%3D");
    }

    // sceneInterpolator.test.ts: $__all_variables is not encoded again; unset built-ins stay.
    #[test]
    fn url_macros_skip_formatting() {
        let mut s = Scope::new();
        s.set_builtin("__all_variables", "var-cluster=A");
        assert_eq!(
            interpolate("$__all_variables", &s, Format::PercentEncode),
            "var-cluster=A"
        );
        assert_eq!(
            interpolate("$__interval ${__interval}", &s, Format::Glob),
            "$__interval ${__interval}"
        );
        assert_eq!(
            interpolate("$toString = 1", &s, Format::Glob),
            "$toString = 1"
        );
    }

    #[test]
    fn glob_and_raw() {
        let s = scope_with("x", multi(&["a", "b"]));
        assert_eq!(glob("$x", &s), "{a,b}");
        assert_eq!(glob("${x:raw}", &s), "a,b");
        assert_eq!(glob("${x:glob}", &scope_with("x", multi(&["a"]))), "a");
        // Unknown format falls back to glob.
        assert_eq!(glob("${x:nosuch}", &s), "{a,b}");
    }

    #[test]
    fn json_format() {
        assert_eq!(
            glob("${x:json}", &scope_with("x", multi(&["a", "b\""]))),
            r#"["a","b\""]"#
        );
        assert_eq!(
            glob("${x:json}", &scope_with("x", VarValue::single("a"))),
            "a"
        );
        assert_eq!(
            glob("${x:json}", &scope_with("x", multi(&["a"]))),
            r#"["a"]"#
        );
    }

    #[test]
    fn lucene_format() {
        assert_eq!(
            glob("${x:lucene}", &scope_with("x", VarValue::single("a b:c"))),
            r"a\ b\:c"
        );
        assert_eq!(
            glob("${x:lucene}", &scope_with("x", VarValue::single("-12.5"))),
            "-12.5"
        );
        assert_eq!(
            glob("${x:lucene}", &scope_with("x", multi(&["a", "b-c"]))),
            r#"("a" OR "b\-c")"#
        );
        assert_eq!(
            glob("${x:lucene}", &scope_with("x", multi(&[]))),
            "__empty__"
        );
    }

    #[test]
    fn encoding_formats() {
        let s = scope_with("x", VarValue::single("a b/c(d)!"));
        assert_eq!(glob("${x:percentencode}", &s), "a%20b%2Fc%28d%29%21");
        assert_eq!(glob("${x:uriencode}", &s), "a%20b/c%28d%29%21");
        let m = scope_with("x", multi(&["a", "b"]));
        assert_eq!(glob("${x:percentencode}", &m), "%7Ba%2Cb%7D");
        assert_eq!(glob("${x:queryparam}", &m), "var-x=a&var-x=b");
        let odd = scope_with("x", VarValue::single("a b:(c)$"));
        assert_eq!(glob("${x:queryparam}", &odd), "var-x=a%20b:(c)$");
        assert_eq!(glob("${x:customqueryparam:p:v-}", &m), "p=v-a&p=v-b");
        assert_eq!(glob("${x:customqueryparam}", &m), "x=a&x=b");
    }

    #[test]
    fn quoting_formats() {
        let m = scope_with("x", multi(&["it's", "say \"hi\""]));
        assert_eq!(glob("${x:singlequote}", &m), r#"'it\'s','say "hi"'"#);
        assert_eq!(glob("${x:doublequote}", &m), r#""it's","say \"hi\"""#);
        assert_eq!(glob("${x:sqlstring}", &m), r#"'it''s','say \"hi\"'"#);
        assert_eq!(
            glob("${x:singlequote}", &scope_with("x", VarValue::single("a"))),
            "'a'"
        );
    }

    #[test]
    fn join_distributed_pipe_csv_text() {
        let m = scope_with("x", multi(&["a", "b", "c"]));
        assert_eq!(glob("${x:join: OR }", &m), "a OR b OR c");
        assert_eq!(glob("${x:join}", &m), "a,b,c");
        assert_eq!(glob("${x:distributed}", &m), "a,x=b,x=c");
        assert_eq!(glob("${x:pipe}", &m), "a|b|c");
        assert_eq!(glob("${x:text}", &m), "a + b + c");
        let t = scope_with("x", VarValue::with_text("Production", "prod"));
        assert_eq!(glob("${x:text}", &t), "Production");
    }

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

    #[test]
    fn builtins_and_macros() {
        let mut s = Scope::new();
        s.set_builtin("__interval", "1m");
        s.set_builtin("__interval_ms", "60000");
        s.set_builtin("__rate_interval", "4m0s");
        s.set_dashboard("Node <Exporter>", Some("abc"));
        s.set_builtin("__value.raw", "42.5");
        s.set_builtin("__field.labels.job", "api");
        s.set_builtin("__url_time_range", "from=1&to=2");
        assert_eq!(
            prom(
                "rate(x[$__rate_interval]) $__interval $__interval_ms ${__interval}",
                &s
            ),
            "rate(x[4m0s]) 1m 60000 1m"
        );
        assert_eq!(
            glob("$__dashboard ${__dashboard.uid}", &s),
            "Node <Exporter> abc"
        );
        assert_eq!(
            glob(
                "${__value.raw} ${__field.labels.job} ${__url_time_range}",
                &s
            ),
            "42.5 api from=1&to=2"
        );
        assert_eq!(
            glob("${__field.labels.missing}", &s),
            "${__field.labels.missing}"
        );
    }

    // Repeat-scoped variables win over dashboard variables.
    #[test]
    fn scoped_vars_win() {
        let mut s = scope_with("instance", multi(&["a", "b"]));
        s.set_scoped("instance", VarValue::single("b"));
        assert_eq!(prom("up{instance=\"$instance\"}", &s), "up{instance=\"b\"}");
    }

    #[test]
    fn references_are_found() {
        let refs = find_references("$a ${b.c:d} [[e:f]] ${g:date:seconds}");
        assert_eq!(refs.len(), 4);
        assert_eq!(refs[1].field_path.as_deref(), Some("c"));
        assert_eq!(refs[1].format.as_deref(), Some("d"));
        assert_eq!(refs[2].format.as_deref(), Some("f"));
        assert_eq!(refs[3].format.as_deref(), Some("date:seconds"));
    }

    #[test]
    fn ad_hoc_filters_reach_every_selector() {
        let f = vec![("env".to_string(), "=".to_string(), "prod".to_string())];
        assert_eq!(
            add_label_matchers(
                "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m])) / sum(up)",
                &f
            ),
            "sum by (job) (rate(http_requests_total{code=~\"5..\",env=\"prod\"}[5m])) / sum(up{env=\"prod\"})"
        );
        assert_eq!(
            add_label_matchers("{__name__=\"up\"}", &f),
            "{__name__=\"up\",env=\"prod\"}"
        );
        assert_eq!(
            add_label_matchers("up offset 5m", &f),
            "up{env=\"prod\"} offset 5m"
        );
        assert_eq!(add_label_matchers("vector(1) + 2", &f), "vector(1) + 2");
        assert_eq!(
            add_label_matchers("up{env=\"prod\"}", &f),
            "up{env=\"prod\"}"
        );
        assert_eq!(
            add_label_matchers("a / on(instance) group_left(node) b", &f),
            "a{env=\"prod\"} / on(instance) group_left(node) b{env=\"prod\"}"
        );
        assert_eq!(
            add_label_matchers("label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")", &f),
            "label_replace(up{env=\"prod\"}, \"a\", \"$1\", \"b\", \"(.*)\")"
        );
        // group_left without a label list, followed by an aggregation.
        assert_eq!(
            add_label_matchers("a / ignoring(r) group_left sum(b{x=\"(y)\"})", &f),
            "a{env=\"prod\"} / ignoring(r) group_left sum(b{x=\"(y)\",env=\"prod\"})"
        );
    }

    // Malformed input is passed through without panicking.
    #[test]
    fn ad_hoc_malformed_input() {
        let f = vec![("env".to_string(), "=".to_string(), "prod".to_string())];
        for q in [
            "up{a=\"",
            "rate(x[5m",
            "{",
            "}",
            "sum by (",
            "\"open",
            "x{a=\"}\"}",
            "é{",
            "#c\nup",
            "1e",
            "",
        ] {
            let out = add_label_matchers(q, &f);
            assert!(out.len() >= q.len(), "{q:?} -> {out:?}");
        }
        assert_eq!(
            add_label_matchers("#comment up\nup", &f),
            "#comment up\nup{env=\"prod\"}"
        );
    }

    #[test]
    fn interpolation_of_odd_templates() {
        let s = scope_with("x", VarValue::single("v"));
        for t in [
            "$", "${", "${}", "[[", "[[x", "${x", "$$x", "${x:}", "${x.}", "[[x:]]", "€$x€",
        ] {
            let out = glob(t, &s);
            assert!(!out.is_empty(), "{t:?}");
        }
        assert_eq!(glob("$$x", &s), "$v");
        assert_eq!(glob("€$x€", &s), "€v€");
    }

    #[test]
    fn ad_hoc_regex_values_are_escaped() {
        let f = vec![("path".to_string(), "=~".to_string(), "a'b".to_string())];
        assert_eq!(add_label_matchers("up", &f), "up{path=~\"a\\\\'b\"}");
    }

    #[test]
    fn ad_hoc_result_parses() {
        let f = vec![("env".to_string(), "!=".to_string(), "dev".to_string())];
        for q in [
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))",
            "max_over_time(up[1h:5m]) and on() vector(1)",
            "rate(x[5m] @ end())",
        ] {
            let out = add_label_matchers(q, &f);
            assert!(promql_parser::parser::parse(&out).is_ok(), "{out}");
            assert!(out.contains("env!=\"dev\""), "{out}");
        }
    }

    #[test]
    fn static_variable_options() {
        let mut v = Variable {
            kind: VariableKind::Interval,
            query: "1m, 10m,30m,1h".into(),
            auto: true,
            ..Variable::default()
        };
        let opts = static_options(&v).unwrap_or_default();
        assert_eq!(opts.first(), Some(&VarOption::new("Auto", AUTO_VALUE)));
        assert_eq!(opts.len(), 5);
        // auto over 6 h with the default 30 buckets and 10 s minimum -> 10m
        assert_eq!(
            interval_variable_value(&v, AUTO_VALUE, 0, 6 * 3_600_000),
            "10m"
        );
        assert_eq!(
            interval_variable_value(&v, "$__auto_interval_x", 0, 6 * 3_600_000),
            "10m"
        );
        assert_eq!(interval_variable_value(&v, "30m", 0, 6 * 3_600_000), "30m");
        v.kind = VariableKind::Constant;
        v.query = "prod".into();
        assert_eq!(static_options(&v), Some(vec![VarOption::same("prod")]));
        v.kind = VariableKind::Textbox;
        v.current.value = vec!["typed".into()];
        assert_eq!(static_options(&v), Some(vec![VarOption::same("typed")]));
        v.kind = VariableKind::Query;
        assert_eq!(static_options(&v), None);
    }

    #[test]
    fn custom_lists() {
        assert_eq!(
            parse_custom("a, b ,c\\,d"),
            vec![
                VarOption::same("a"),
                VarOption::same("b"),
                VarOption::same("c,d")
            ]
        );
        assert_eq!(
            parse_custom("Production : prod,Staging : stg"),
            vec![
                VarOption::new("Production", "prod"),
                VarOption::new("Staging", "stg")
            ]
        );
        assert_eq!(parse_custom(""), vec![]);
    }

    // A bare regex is anchored: `api` does not match `api-v2`.
    #[test]
    fn regex_is_anchored_unless_slashed() {
        let opts = vec![VarOption::same("api"), VarOption::same("api-v2")];
        let out = filter_and_sort_options(opts.clone(), Some("api"), 0).unwrap_or_default();
        assert_eq!(out, vec![VarOption::same("api")]);
        let out = filter_and_sort_options(opts, Some("/api/"), 0).unwrap_or_default();
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn regex_capture_groups() {
        let opts = vec![
            VarOption::same("host-1:9100"),
            VarOption::same("host-2:9100"),
            VarOption::same("x"),
        ];
        let out = filter_and_sort_options(opts, Some("/(.*):9100/"), 0).unwrap_or_default();
        assert_eq!(
            out,
            vec![VarOption::same("host-1"), VarOption::same("host-2")]
        );
        let named = vec![VarOption::same("name=web id=7")];
        let out = filter_and_sort_options(named, Some("/name=(?<text>\\w+) id=(?<value>\\d+)/"), 0)
            .unwrap_or_default();
        assert_eq!(out, vec![VarOption::new("web", "7")]);
        let global = vec![VarOption::same("a1 b2 a3")];
        let out = filter_and_sort_options(global, Some("/a(\\d)/g"), 0).unwrap_or_default();
        assert_eq!(out, vec![VarOption::same("1"), VarOption::same("3")]);
        let ci = vec![VarOption::same("API")];
        assert_eq!(
            filter_and_sort_options(ci, Some("/api/i"), 0)
                .unwrap_or_default()
                .len(),
            1
        );
        assert!(filter_and_sort_options(vec![], Some("/(/"), 0).is_err());
    }

    #[test]
    fn options_are_deduped_by_value() {
        let opts = vec![
            VarOption::same("a"),
            VarOption::new("A", "a"),
            VarOption::same("b"),
        ];
        assert_eq!(
            filter_and_sort_options(opts, None, 0)
                .unwrap_or_default()
                .len(),
            2
        );
    }

    #[test]
    fn nine_sort_modes() {
        let texts = ["b10", "a2", "B1", "c", "a10"];
        let opts: Vec<VarOption> = texts.iter().map(|t| VarOption::same(*t)).collect();
        let sorted = |m| {
            sort_options(opts.clone(), m)
                .into_iter()
                .map(|o| o.text)
                .collect::<Vec<_>>()
        };
        assert_eq!(sorted(0), ["b10", "a2", "B1", "c", "a10"]);
        assert_eq!(sorted(1), ["B1", "a10", "a2", "b10", "c"]);
        assert_eq!(sorted(2), ["c", "b10", "a2", "a10", "B1"]);
        // numeric: first integer, missing -> -1 (c first)
        assert_eq!(sorted(3), ["c", "B1", "a2", "b10", "a10"]);
        assert_eq!(sorted(4), ["a10", "b10", "a2", "B1", "c"]);
        assert_eq!(sorted(5), ["a10", "a2", "B1", "b10", "c"]);
        assert_eq!(sorted(6), ["c", "b10", "B1", "a2", "a10"]);
        assert_eq!(sorted(7), ["a2", "a10", "B1", "b10", "c"]);
        assert_eq!(sorted(8), ["c", "b10", "B1", "a10", "a2"]);
    }

    fn sel(values: &[&str]) -> VariableSelection {
        VariableSelection {
            text: values.iter().map(|s| s.to_string()).collect(),
            value: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn selection_after_refresh() {
        let opts = vec![
            VarOption::same("a"),
            VarOption::same("b"),
            VarOption::same("c"),
        ];
        let multi = SelectionRules {
            multi: true,
            ..Default::default()
        };
        // multi keeps the valid subset
        assert_eq!(
            select_after_refresh(&sel(&["b", "zz", "c"]), &opts, multi),
            sel(&["b", "c"])
        );
        // nothing valid -> first option
        assert_eq!(
            select_after_refresh(&sel(&["zz"]), &opts, multi),
            sel(&["a"])
        );
        // single: by value, else text, else first
        let single = SelectionRules::default();
        assert_eq!(
            select_after_refresh(&sel(&["c"]), &opts, single),
            sel(&["c"])
        );
        let by_text = VariableSelection {
            text: vec!["B".into()],
            value: vec!["x".into()],
        };
        let opts2 = vec![VarOption::new("A", "1"), VarOption::new("B", "2")];
        assert_eq!(
            select_after_refresh(&by_text, &opts2, single),
            VariableSelection {
                text: vec!["B".into()],
                value: vec!["2".into()]
            }
        );
        assert_eq!(
            select_after_refresh(&sel(&["zz"]), &opts, single),
            sel(&["a"])
        );
        // All stays All only while includeAll
        let all = all_selection();
        let with_all = SelectionRules {
            include_all: true,
            ..Default::default()
        };
        assert_eq!(select_after_refresh(&all, &opts, with_all), all);
        assert_eq!(select_after_refresh(&all, &opts, single), sel(&["a"]));
        // no options: All if includeAll, else empty
        assert_eq!(select_after_refresh(&sel(&["a"]), &[], with_all), all);
        assert_eq!(
            select_after_refresh(&sel(&["a"]), &[], single),
            VariableSelection::default()
        );
    }

    fn var(name: &str, query: &str) -> Variable {
        Variable {
            name: name.into(),
            query: query.into(),
            ..Variable::default()
        }
    }

    #[test]
    fn resolution_order_follows_references() {
        let vars = vec![
            var(
                "instance",
                "label_values(up{job=\"$job\", env=\"$env\"}, instance)",
            ),
            var("job", "label_values(up{env=\"${env}\"}, job)"),
            var("env", "label_values(up, env)"),
            var("other", "label_values(up, x)"),
        ];
        assert_eq!(
            resolution_order(&vars),
            Ok(vec![
                "env".to_string(),
                "other".to_string(),
                "job".to_string(),
                "instance".to_string()
            ])
        );
    }

    #[test]
    fn cycles_are_reported() {
        let vars = vec![var("a", "q($b)"), var("b", "q([[a]])"), var("c", "q($c)")];
        let err = resolution_order(&vars);
        assert_eq!(err, Err(vec!["a".to_string(), "b".to_string()]));
    }

    #[test]
    fn overrides() {
        let args: Vec<String> = ["env=prod", "host=a", "host=b", "job=All"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let parsed = parse_overrides(&args).unwrap_or_default();
        assert_eq!(
            parsed.get("host"),
            Some(&vec!["a".to_string(), "b".to_string()])
        );
        let opts = vec![VarOption::new("Production", "prod")];
        assert_eq!(
            override_selection(&parsed["env"], &opts, false, None),
            VariableSelection {
                text: vec!["Production".into()],
                value: vec!["prod".into()]
            }
        );
        // "All" means All only for variables with an All option; $__all always.
        assert_eq!(
            override_selection(&parsed["job"], &opts, true, None),
            all_selection()
        );
        assert_eq!(
            override_selection(&parsed["job"], &opts, false, None),
            sel(&["All"])
        );
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            override_selection(&s(&["$__all"]), &opts, false, None),
            all_selection()
        );
        assert_eq!(
            override_selection(&s(&[".*"]), &opts, true, Some(".*")),
            all_selection()
        );
        // A leading All followed by values is dropped; a trailing All wins.
        assert_eq!(
            override_selection(&s(&["$__all", "a"]), &opts, true, None),
            sel(&["a"])
        );
        assert_eq!(
            override_selection(&s(&["a", "$__all"]), &opts, true, None),
            all_selection()
        );
        assert!(parse_overrides(&["novalue".to_string()]).is_err());
    }

    #[test]
    fn var_value_expands_all() {
        let v = Variable {
            name: "x".into(),
            multi: true,
            include_all: true,
            ..Variable::default()
        };
        let opts = vec![VarOption::same("a"), VarOption::same("b")];
        let vv = var_value(&v, &all_selection(), &opts);
        assert_eq!(vv.value, vec!["a", "b"]);
        assert!(vv.is_all);
        assert_eq!(prom("$x", &scope_with("x", vv)), "(a|b)");
    }
}
