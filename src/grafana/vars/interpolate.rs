//! Values, scopes and the interpolation of variable references in templates: which value a
//! `$name` resolves to and which format renders it.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

use super::ALL_TEXT;
use super::dates::format_moment;
use super::formats::{
    apply_format, encode_uri_component_strict, prometheus_format, prometheus_regular_escape,
    prometheus_special_regex_escape,
};

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
    pub(super) fn is_array(&self) -> bool {
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
    pub fn set_intervals(&mut self, q: &crate::grafana::interval::QueryInterval) {
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
    /// The Loki datasource's `interpolateQueryExpr` escaping (see `formats::loki_format`).
    Loki,
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
            Format::Prometheus | Format::Loki => return None,
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
            Format::Prometheus | Format::Loki => raw.clone(),
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
            Format::Loki => super::formats::loki_format(v),
            other => apply_format(name, v, other.id().unwrap_or("glob"), scope),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::vars::test_support::{glob, multi, prom, scope_with};

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
}
