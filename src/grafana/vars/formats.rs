//! Grafana's variable formats (`formatRegistry.ts`) and the escapes and encoders behind them,
//! including the Prometheus datasource's default escaping.

use super::ALL_VALUE;
use super::dates::format_date_arg;
use super::interpolate::{Scope, VarValue};

/// Prometheus `interpolateQueryExpr`: plain escaping for single-value variables, regex
/// escaping and `(a|b)` for multi-value / include-All ones.
pub(super) fn prometheus_format(v: &VarValue) -> String {
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

/// The Loki datasource's `interpolateQueryExpr`
/// (public/app/plugins/datasource/loki/datasource.ts): a variable that is neither multi-value
/// nor include-all goes in as it is; otherwise each value is regex-escaped
/// (`lokiSpecialRegexEscape`: no `'` escaping, unlike Prometheus) and several are joined with
/// `|` without the parentheses Prometheus adds.
pub(super) fn loki_format(v: &VarValue) -> String {
    if !v.multi && !v.include_all {
        return v.value.join(",");
    }
    v.value
        .iter()
        .map(|s| loki_special_regex_escape(s))
        .collect::<Vec<_>>()
        .join("|")
}

/// `lokiSpecialRegexEscape`: `\` → `\\\\`, and `$^*{}[]+?.()|` each behind `\\`.
pub fn loki_special_regex_escape(s: &str) -> String {
    escape_regex_chars(s, "$^*{}[]+?.()|")
}

/// `prometheusRegularEscape`: `\` → `\\`, `'` → `\\'`.
pub fn prometheus_regular_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\\\'")
}

/// `prometheusSpecialRegexEscape`: `\` → four backslashes, regex specials → `\\` + char.
pub fn prometheus_special_regex_escape(s: &str) -> String {
    escape_regex_chars(s, "$^*{}[]'+?.()|")
}

/// `\` → `\\\\`, and each of `specials` behind `\\` (the datasources' regex escapes, written
/// for a string inside a quoted selector).
fn escape_regex_chars(s: &str, specials: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\\\\\"),
            c if specials.contains(c) => {
                out.push_str("\\\\");
                out.push(c);
            }
            c => out.push(c),
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
pub(super) fn apply_format(name: &str, v: &VarValue, format: &str, scope: &Scope) -> String {
    let mut parts = format.split(':');
    let id = parts.next().unwrap_or("");
    let args: Vec<&str> = parts.collect();
    let array = v.is_array();
    let first = v.value.first().map_or("", |s| s.as_str());
    match id {
        "raw" => js_string(v),
        "regex" => regex_format(v),
        "pipe" => {
            if array {
                v.value.join("|")
            } else {
                first.to_string()
            }
        }
        "csv" => js_string(v),
        "distributed" => distributed_format(name, v),
        "html" => html_escape(&if array {
            v.value.join(", ")
        } else {
            first.to_string()
        }),
        "json" => json_format(v),
        "lucene" => lucene_format(v),
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
        "queryparam" => query_param_format(name, v),
        "customqueryparam" => custom_query_param_format(name, v, &args),
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

/// The first selected value, or "" when nothing is selected.
fn first_value(v: &VarValue) -> &str {
    v.value.first().map_or("", |s| s.as_str())
}

/// `regex`: each value regex-escaped, several joined as `(a|b)`.
fn regex_format(v: &VarValue) -> String {
    if !v.is_array() {
        return escape_regex(first_value(v));
    }
    let escaped: Vec<String> = v.value.iter().map(|s| escape_regex(s)).collect();
    if escaped.len() == 1 {
        escaped.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", escaped.join("|"))
    }
}

/// `distributed`: `a,name=b,name=c` (the first value bare).
fn distributed_format(name: &str, v: &VarValue) -> String {
    if !v.is_array() {
        return first_value(v).to_string();
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

/// `json`: an array of JSON strings; a single value stays bare.
fn json_format(v: &VarValue) -> String {
    if !v.is_array() {
        return first_value(v).to_string();
    }
    let items: Vec<String> = v.value.iter().map(|s| json_string_literal(s)).collect();
    format!("[{}]", items.join(","))
}

/// `lucene`: escaped value, several as `("a" OR "b")`, none as `__empty__`.
fn lucene_format(v: &VarValue) -> String {
    if !v.is_array() {
        return lucene_escape(first_value(v));
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

/// `queryparam`: `var-name=value` per value, All as `$__all`.
fn query_param_format(name: &str, v: &VarValue) -> String {
    if v.is_all {
        return format!("var-{name}={}", encode_query_value(ALL_VALUE));
    }
    v.value
        .iter()
        .map(|s| format!("var-{name}={}", encode_query_value(s)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `customqueryparam:<param>:<prefix>`: `param=prefix+value` per value, all URI-encoded.
fn custom_query_param_format(name: &str, v: &VarValue, args: &[&str]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::vars::test_support::{glob, multi, prom, scope_with};

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
}
