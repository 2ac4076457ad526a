//! Series display names: the Prometheus backend's legend naming and the frontend's fallback.
//!
//! Sources: Grafana `pkg/promlib` response naming (`getName`: legendFormat `{{label}}`
//! templates, `__auto`, default `name{k="v", ...}` with Go `%q` quoting) and grafana-data
//! `field/fieldState.ts` (`calculateFieldDisplayName`, `getSingleLabelName`) with
//! `utils/labels.ts` (`formatLabels`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use super::model::Panel;
use super::vars::{Format, Scope, interpolate};

/// Labels of one series (sorted by name, as Grafana sorts them when naming).
pub type Labels = BTreeMap<String, String>;

/// The legendFormat value meaning "let the frontend name it".
pub const LEGEND_AUTO: &str = "__auto";
/// Grafana's name for a time series' value field.
pub const VALUE_FIELD_NAME: &str = "Value";

fn legend_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\{\{\s*(.+?)\s*\}\}").unwrap_or_else(|e| unreachable!("constant regex: {e}"))
    })
}

/// Replace `{{ label }}` placeholders with label values (missing labels become "").
pub fn render_legend(legend_format: &str, labels: &Labels) -> String {
    legend_regex()
        .replace_all(legend_format, |c: &regex::Captures<'_>| {
            let name = c.get(1).map_or("", |m| m.as_str().trim());
            labels.get(name).cloned().unwrap_or_default()
        })
        .into_owned()
}

/// The backend's display name (`displayNameFromDS`) for a series. `None` means "no name from
/// the datasource" (legendFormat `__auto` on a series with labels): use [`display_names`].
pub fn legend_name(legend_format: Option<&str>, labels: &Labels, expr: &str) -> Option<String> {
    let legend = legend_format.unwrap_or("");
    let name = if legend == LEGEND_AUTO && !labels.is_empty() {
        return None;
    } else if legend.is_empty() || legend == LEGEND_AUTO {
        default_series_name(labels)
    } else {
        render_legend(legend, labels)
    };
    // Empty braces mean nothing identifies the series: show the query.
    Some(if name == "{}" { expr.to_string() } else { name })
}

/// `metric{k="v", k2="v2"}`: `__name__` outside, other labels sorted, values Go-quoted.
pub fn default_series_name(labels: &Labels) -> String {
    let name = labels.get("__name__").map_or("", String::as_str);
    // Go sorts the formatted `k="v"` strings, not the keys (`a1=` sorts before `a=`).
    let mut rest: Vec<String> = labels
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| format!("{k}={}", go_quote(v)))
        .collect();
    rest.sort();
    if rest.is_empty() && !name.is_empty() {
        return name.to_string();
    }
    format!("{name}{{{}}}", rest.join(", "))
}

/// Go's `strconv.Quote` for the characters label values contain.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `formatLabels`: `{k="v", k2="v2"}` with keys sorted and values as they are.
pub fn format_labels(labels: &Labels) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// What the frontend knows about one series when naming it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesNaming {
    /// `fieldConfig.displayName` (already interpolated), wins over everything.
    pub config_display_name: Option<String>,
    /// The backend's name ([`legend_name`]).
    pub display_name_from_ds: Option<String>,
    pub frame_name: Option<String>,
    /// Field name; Prometheus value fields are named `Value`.
    pub field_name: String,
    pub labels: Labels,
}

/// `getSingleLabelName`: the one label key every series uses, if there is exactly one.
fn single_label_name(series: &[SeriesNaming]) -> Option<&str> {
    let mut single: Option<&str> = None;
    for s in series {
        for k in s.labels.keys() {
            match single {
                None => single = Some(k),
                Some(name) if name != k => return None,
                Some(_) => {}
            }
        }
    }
    single
}

/// Dashboard variables in the names a panel gives its series, as Grafana interpolates them
/// before naming: `legendFormat` (grafana-prometheus `datasource.ts` `applyTemplateVariables`
/// runs `templateSrv.replace(legendFormat, scopedVars)`, so `{{instance}} ($cluster)` names
/// with the cluster) and `displayName` in the defaults and every override (its option
/// expands template variables: `stringOverrideProcessor` in grafana-data
/// `field/overrides/processors.ts`). The series macros (`${__field.labels.pod}`) are unknown
/// to the scope and stay for [`expand_series_macros`].
pub fn interpolate_panel_names(panel: &mut Panel, scope: &Scope) {
    let names = |text: &mut Option<String>| {
        if let Some(t) = text.as_mut().filter(|t| names_a_variable(t)) {
            *t = interpolate(t, scope, Format::Glob);
        }
    };
    for target in &mut panel.targets {
        names(&mut target.legend_format);
    }
    names(&mut panel.field_config.defaults.display_name);
    for o in &mut panel.field_config.overrides {
        names(&mut o.properties.display_name);
    }
}

/// Whether a name may hold a dashboard variable (`$name`, `${name}`, `[[name]]`).
fn names_a_variable(text: &str) -> bool {
    text.contains('$') || text.contains("[[")
}

/// Whether any name [`interpolate_panel_names`] interpolates may hold a variable: a panel
/// without one is drawn as saved, shared rather than copied.
pub fn names_use_variables(panel: &Panel) -> bool {
    let uses = |text: &Option<String>| text.as_deref().is_some_and(names_a_variable);
    panel.targets.iter().any(|t| uses(&t.legend_format))
        || uses(&panel.field_config.defaults.display_name)
        || panel
            .field_config
            .overrides
            .iter()
            .any(|o| uses(&o.properties.display_name))
}

fn series_macro_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\$\{(__field|__series)\.([^}:]+)(?::[^}]*)?\}")
            .unwrap_or_else(|e| unreachable!("constant regex: {e}"))
    })
}

/// The series macros of a `displayName` for one series (Grafana's data macros over
/// `getTemplateProxyForField`, grafana-data `field/templateProxies.ts`): `${__field.name}`
/// (the field's name, `Value` for Prometheus), `${__field.labels}` (`formatLabels`),
/// `${__field.labels.<key>}` (one label, "" when missing) and `${__series.name}` (the frame's
/// name: the datasource's name for the series). Other paths stay as written.
pub fn expand_series_macros(template: &str, series: &SeriesNaming) -> String {
    if !template.contains("${__") {
        return template.to_string();
    }
    series_macro_regex()
        .replace_all(template, |c: &regex::Captures<'_>| {
            let path = c.get(2).map_or("", |m| m.as_str());
            match (&c[1], path) {
                ("__field", "name") => series.field_name.clone(),
                ("__field", "labels" | "formattedLabels") => format_labels(&series.labels),
                ("__field", p) if p.starts_with("labels.") => series
                    .labels
                    .get(&p["labels.".len()..])
                    .cloned()
                    .unwrap_or_default(),
                ("__series", "name") => series
                    .display_name_from_ds
                    .clone()
                    .or_else(|| series.frame_name.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| default_series_name(&series.labels)),
                _ => c[0].to_string(),
            }
        })
        .into_owned()
}

/// `calculateFieldDisplayName` for every series, then duplicate names numbered " 2", " 3".
pub fn display_names(series: &[SeriesNaming]) -> Vec<String> {
    let frame_names_differ = series
        .windows(2)
        .any(|w| w[0].frame_name != w[1].frame_name);
    let single = single_label_name(series);
    let names: Vec<String> = series
        .iter()
        .map(|s| {
            if let Some(n) = s.config_display_name.as_deref().filter(|n| !n.is_empty()) {
                return expand_series_macros(n, s);
            }
            if let Some(n) = s.display_name_from_ds.as_deref().filter(|n| !n.is_empty()) {
                return n.to_string();
            }
            let mut parts: Vec<String> = Vec::new();
            let mut frame_added = false;
            let frame_name = s.frame_name.as_deref().filter(|n| !n.is_empty());
            if frame_names_differ && let Some(f) = frame_name {
                parts.push(f.to_string());
                frame_added = true;
            }
            if !s.field_name.is_empty() && s.field_name != VALUE_FIELD_NAME {
                parts.push(s.field_name.clone());
            }
            let mut labels_added = false;
            if !s.labels.is_empty() {
                match single {
                    None => {
                        parts.push(format_labels(&s.labels));
                        labels_added = true;
                    }
                    Some(key) => {
                        if let Some(v) = s.labels.get(key).filter(|v| !v.is_empty()) {
                            parts.push(v.clone());
                            labels_added = true;
                        }
                    }
                }
            }
            if !frame_added
                && !labels_added
                && s.field_name == VALUE_FIELD_NAME
                && let Some(f) = frame_name
            {
                parts.push(f.to_string());
            }
            if !parts.is_empty() {
                parts.join(" ")
            } else if !s.field_name.is_empty() {
                s.field_name.clone()
            } else {
                VALUE_FIELD_NAME.to_string()
            }
        })
        .collect();
    number_duplicates(names)
}

/// Later repeats of a name get " 2", " 3", ... (the first keeps its name).
pub fn number_duplicates(names: Vec<String>) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    names
        .into_iter()
        .map(|n| {
            let count = seen.entry(n.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                n
            } else {
                format!("{n} {count}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn naming(ds: Option<&str>, pairs: &[(&str, &str)]) -> SeriesNaming {
        SeriesNaming {
            config_display_name: None,
            display_name_from_ds: ds.map(str::to_string),
            frame_name: None,
            field_name: VALUE_FIELD_NAME.into(),
            labels: labels(pairs),
        }
    }

    // grafana-data field/templateProxies.ts: name, labels, labels.<key>; __series.name is the
    // frame's name (the Prometheus backend names frames with the legend).
    #[test]
    fn display_name_series_macros() {
        let s = naming(Some("api-1"), &[("pod", "api-7f"), ("ns", "prod")]);
        assert_eq!(
            expand_series_macros("${__field.labels.pod} in ${__field.labels.ns}", &s),
            "api-7f in prod"
        );
        assert_eq!(expand_series_macros("${__field.name}", &s), "Value");
        assert_eq!(expand_series_macros("${__series.name}!", &s), "api-1!");
        assert_eq!(
            expand_series_macros("${__field.labels}", &s),
            "{ns=\"prod\", pod=\"api-7f\"}"
        );
        assert_eq!(expand_series_macros("${__field.labels.none}x", &s), "x");
        assert_eq!(
            expand_series_macros("${__field.type}", &s),
            "${__field.type}"
        );
        let mut with_config = s.clone();
        with_config.config_display_name = Some("pod ${__field.labels.pod}".into());
        assert_eq!(display_names(&[with_config]), vec!["pod api-7f"]);
    }

    // legendFormat and displayName take dashboard variables (templateSrv.replace), leaving
    // {{label}} and the series macros for later.
    #[test]
    fn panel_names_take_dashboard_variables() {
        use crate::grafana::model::Target;
        use crate::grafana::vars::VarValue;
        let mut scope = Scope::new();
        scope.set_var("cluster", VarValue::single("eu-1"));
        let mut panel = Panel {
            targets: vec![Target {
                legend_format: Some("{{instance}} ($cluster)".into()),
                ..Target::default()
            }],
            ..Panel::default()
        };
        panel.field_config.defaults.display_name =
            Some("${__field.labels.pod} @ ${cluster}".into());
        interpolate_panel_names(&mut panel, &scope);
        assert_eq!(
            panel.targets[0].legend_format.as_deref(),
            Some("{{instance}} (eu-1)")
        );
        assert_eq!(
            panel.field_config.defaults.display_name.as_deref(),
            Some("${__field.labels.pod} @ eu-1")
        );
    }

    // legendFormat placeholders allow inner whitespace; unknown labels become "".
    #[test]
    fn legend_templates() {
        let l = labels(&[("job", "api"), ("instance", "h1:9100")]);
        assert_eq!(
            render_legend("{{job}} - {{ instance }}", &l),
            "api - h1:9100"
        );
        assert_eq!(render_legend("{{nope}}x", &l), "x");
        assert_eq!(
            legend_name(Some("{{job}}"), &l, "up").as_deref(),
            Some("api")
        );
    }

    // Empty legend: name{k="v", ...} sorted, ", " separated, __name__ outside.
    #[test]
    fn default_names() {
        let l = labels(&[("__name__", "up"), ("job", "api"), ("instance", "h1")]);
        assert_eq!(
            legend_name(None, &l, "up").as_deref(),
            Some("up{instance=\"h1\", job=\"api\"}")
        );
        assert_eq!(
            legend_name(Some(""), &labels(&[("__name__", "up")]), "up").as_deref(),
            Some("up")
        );
        assert_eq!(
            legend_name(None, &labels(&[("job", "a")]), "sum(x)").as_deref(),
            Some("{job=\"a\"}")
        );
        // Nothing at all: the expression.
        assert_eq!(
            legend_name(None, &Labels::new(), "sum(rate(x[5m]))").as_deref(),
            Some("sum(rate(x[5m]))")
        );
    }

    // __auto with any label (even only __name__) leaves naming to the frontend; the label
    // strings are sorted as formatted strings.
    #[test]
    fn auto_and_sort_details() {
        assert_eq!(
            legend_name(Some("__auto"), &labels(&[("__name__", "up")]), "up"),
            None
        );
        assert_eq!(
            default_series_name(&labels(&[("a", "1"), ("a1", "2")])),
            "{a1=\"2\", a=\"1\"}"
        );
    }

    #[test]
    fn go_quoting() {
        assert_eq!(go_quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(go_quote("héllo"), "\"héllo\"");
        assert_eq!(go_quote("\u{1}"), "\"\\x01\"");
    }

    // __auto: no backend name when there are labels; the frontend names the series.
    #[test]
    fn auto_legend() {
        let l = labels(&[("job", "api")]);
        assert_eq!(legend_name(Some("__auto"), &l, "up"), None);
        assert_eq!(
            legend_name(Some("__auto"), &Labels::new(), "vector(1)").as_deref(),
            Some("vector(1)")
        );
    }

    fn series(l: &[(&str, &str)]) -> SeriesNaming {
        SeriesNaming {
            field_name: VALUE_FIELD_NAME.into(),
            labels: labels(l),
            ..SeriesNaming::default()
        }
    }

    // Frontend: a single label key across all series -> just its value.
    #[test]
    fn single_label_key() {
        let s = vec![series(&[("job", "a")]), series(&[("job", "b")])];
        assert_eq!(display_names(&s), vec!["a", "b"]);
    }

    // Several label keys -> all labels formatted {k="v", ...}.
    #[test]
    fn several_label_keys() {
        let s = vec![
            series(&[("job", "a"), ("instance", "1")]),
            series(&[("job", "a"), ("instance", "2")]),
        ];
        assert_eq!(
            display_names(&s),
            vec!["{instance=\"1\", job=\"a\"}", "{instance=\"2\", job=\"a\"}"]
        );
    }

    // Config displayName beats displayNameFromDS, which beats the fallback.
    #[test]
    fn precedence() {
        let mut a = series(&[("job", "a")]);
        a.display_name_from_ds = Some("from ds".into());
        let mut b = a.clone();
        b.config_display_name = Some("configured".into());
        assert_eq!(display_names(&[a, b]), vec!["from ds", "configured"]);
    }

    // No labels, field "Value": the frame name, else "Value".
    #[test]
    fn value_fallbacks() {
        let mut a = series(&[]);
        a.frame_name = Some("A".into());
        assert_eq!(display_names(std::slice::from_ref(&a)), vec!["A"]);
        assert_eq!(display_names(&[series(&[])]), vec!["Value"]);
        let mut named = series(&[("job", "x")]);
        named.field_name = "latency".into();
        assert_eq!(display_names(&[named]), vec!["latency x"]);
    }

    // Frame names are prefixed only when they differ between frames.
    #[test]
    fn differing_frame_names() {
        let mut a = series(&[("job", "x")]);
        a.frame_name = Some("A".into());
        let mut b = series(&[("job", "y")]);
        b.frame_name = Some("B".into());
        assert_eq!(display_names(&[a, b]), vec!["A x", "B y"]);
    }

    #[test]
    fn duplicates_are_numbered() {
        let mut a = series(&[]);
        a.display_name_from_ds = Some("up".into());
        let s = vec![a.clone(), a.clone(), a];
        assert_eq!(display_names(&s), vec!["up", "up 2", "up 3"]);
    }
}
