//! Variable options: static and custom lists, datasource options, regex filtering (with
//! `stringToJsRegex`), the nine sort modes, and the selection kept after options change.

use std::collections::HashSet;

use regex::Regex;

use super::interpolate::VarValue;
use super::{ALL_TEXT, ALL_VALUE};
use crate::grafana::interval;
use crate::grafana::model::{Variable, VariableKind, VariableSelection};

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

pub(super) fn all_selection() -> VariableSelection {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grafana::vars::test_support::{prom, scope_with, sel};

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
