//! Offline checks of Grafana provisioning files: datasource uids unique and linked ones
//! present, alert rules' datasource uids, conditions and dashboards resolve, policies name
//! existing contact points, secrets only as `$__env{...}`, and the compose file mounts files
//! that exist.

use crate::provision::classic_provider_note;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::Finding;
use super::gather::{Inputs, YamlFile, YamlKind};

/// Names other files may refer to, collected from everything `check` read.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Provisioned datasource uids (from datasources YAML, else the provisioning config).
    pub datasource_uids: BTreeSet<String>,
    /// Where the uids came from, for messages.
    pub datasource_source: String,
    /// uid → type of each provisioned datasource.
    pub datasource_types: BTreeMap<String, String>,
    pub dashboard_uids: BTreeSet<String>,
    pub contact_points: BTreeSet<String>,
}

/// Grafana's uids for server-side expressions.
const EXPRESSION_UIDS: &[&str] = &["__expr__", "-100"];
/// Contact point every Grafana has.
const BUILTIN_CONTACT_POINTS: &[&str] = &["grafana-default-email"];
/// Settings that hold secrets in Grafana datasources and contact points.
const SECRET_KEYS: &[&str] = &[
    "url",
    "integrationKey",
    "token",
    "apiKey",
    "password",
    "basicAuthPassword",
    "authorization_credentials",
    "bottoken",
    "api_secret",
    "apikey",
];

pub fn known_references(inputs: &Inputs) -> Known {
    let mut known = Known::default();
    let mut sources = Vec::new();
    for file in inputs.yaml_of(YamlKind::GrafanaDatasources) {
        sources.push(file.name.clone());
        for ds in array(&file.value, "datasources") {
            if let Some(uid) = ds.get("uid").and_then(Value::as_str) {
                known.datasource_uids.insert(uid.to_string());
                let kind = ds.get("type").and_then(Value::as_str).unwrap_or_default();
                known
                    .datasource_types
                    .insert(uid.to_string(), kind.to_string());
            }
        }
    }
    if known.datasource_uids.is_empty() {
        for (name, config) in &inputs.configs {
            sources.push(name.clone());
            for ds in config.datasource_list() {
                known.datasource_uids.insert(ds.uid.clone());
            }
        }
    }
    known.datasource_source = sources.join(", ");
    for file in &inputs.dashboards {
        if let Ok(loaded) = &file.loaded
            && let Some(uid) = &loaded.dashboard.uid
        {
            known.dashboard_uids.insert(uid.clone());
        }
    }
    for file in inputs.yaml_of(YamlKind::GrafanaContactPoints) {
        for point in array(&file.value, "contactPoints") {
            if let Some(name) = point.get("name").and_then(Value::as_str) {
                known.contact_points.insert(name.to_string());
            }
        }
    }
    known
}

fn array<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

pub fn check_all(inputs: &Inputs, known: &Known) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(datasources(inputs, known));
    let mut rule_uids: BTreeMap<String, String> = BTreeMap::new();
    for file in inputs.yaml_of(YamlKind::GrafanaAlertRules) {
        findings.extend(alert_rules(file, known, &mut rule_uids));
    }
    let mut point_names: BTreeMap<String, String> = BTreeMap::new();
    for file in inputs.yaml_of(YamlKind::GrafanaContactPoints) {
        findings.extend(contact_points(file, &mut point_names));
    }
    let have_points = inputs
        .yaml_of(YamlKind::GrafanaContactPoints)
        .next()
        .is_some();
    for file in inputs.yaml_of(YamlKind::GrafanaPolicies) {
        findings.extend(policies(file, known, have_points));
    }
    for file in inputs.yaml_of(YamlKind::GrafanaDashboardProviders) {
        findings.extend(providers(file));
    }
    for file in inputs.yaml_of(YamlKind::Compose) {
        findings.extend(compose_mounts(file));
    }
    findings.extend(layout_folders(inputs));
    findings
}

/// Dashboards in a `layouts/` subfolder the provisioning config gives no Grafana folder:
/// `triage provision` would refuse them.
fn layout_folders(inputs: &Inputs) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (config_name, config) in &inputs.configs {
        for file in &inputs.dashboards {
            let parts: Vec<&str> = file.name.split('/').collect();
            let Some(at) = parts.iter().position(|p| *p == "layouts") else {
                continue;
            };
            if parts.len() < at + 3 {
                continue;
            }
            let folder = parts[at + 1];
            if let Ok(loaded) = &file.loaded
                && !loaded.form.is_classic()
            {
                findings.push(Finding::warning(
                    "provider",
                    &file.name,
                    classic_provider_note(&loaded.form),
                ));
            }
            if !config.folders.contains_key(folder) {
                findings.push(Finding::error(
                    "folder",
                    &file.name,
                    format!("the layouts folder {folder:?} has no Grafana folder in [folders] of {config_name}"),
                ));
            }
        }
    }
    findings
}

fn datasources(inputs: &Inputs, known: &Known) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut defaults = Vec::new();
    for file in inputs.yaml_of(YamlKind::GrafanaDatasources) {
        for (i, ds) in array(&file.value, "datasources").enumerate() {
            let at = format!("datasources[{i}]");
            let name = text(ds, "name").unwrap_or("");
            findings.extend(datasource_identity(file, &at, ds, &mut seen));
            if let Some(url) = text(ds, "url")
                && url_has_credentials(url)
            {
                findings.push(Finding::error(
                    "secret",
                    &file.name,
                    format!("{at} ({name}): the url carries credentials; use basicAuthUser and secureJsonData.basicAuthPassword: $__env{{NAME}}"),
                ));
            }
            if ds.get("isDefault").and_then(Value::as_bool) == Some(true) {
                defaults.push(format!("{} ({name})", file.name));
            }
            for (path, uid) in linked_datasources(ds) {
                if !known.datasource_uids.contains(&uid) {
                    findings.push(Finding::error(
                        "datasource",
                        &file.name,
                        format!(
                            "{at}.{path}: links to datasource uid {uid:?}, which is not provisioned"
                        ),
                    ));
                }
            }
            findings.extend(literal_datasource_secrets(file, &at, ds));
        }
    }
    if inputs
        .yaml_of(YamlKind::GrafanaDatasources)
        .next()
        .is_some()
        && defaults.len() != 1
    {
        let file = inputs
            .yaml_of(YamlKind::GrafanaDatasources)
            .next()
            .map(|f| f.name.clone())
            .unwrap_or_default();
        findings.push(Finding::error(
            "datasource",
            file,
            format!(
                "exactly one datasource must be the default (isDefault: true), found {}: {}",
                defaults.len(),
                defaults.join(", ")
            ),
        ));
    }
    findings
}

/// A datasource's name, type and uid: present, and the uid used once (`seen`: uid → file).
fn datasource_identity(
    file: &YamlFile,
    at: &str,
    ds: &Value,
    seen: &mut BTreeMap<String, String>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let name = text(ds, "name").unwrap_or("");
    if name.is_empty() || text(ds, "type").is_none() {
        findings.push(Finding::error(
            "datasource",
            &file.name,
            format!("{at}: a datasource needs a name and a type"),
        ));
    }
    match text(ds, "uid") {
        None | Some("") => findings.push(Finding::error(
            "datasource",
            &file.name,
            format!("{at} ({name}): no uid; dashboards and alert rules need a fixed one"),
        )),
        Some(uid) => {
            if let Some(other) = seen.insert(uid.to_string(), file.name.clone()) {
                findings.push(Finding::error(
                    "datasource",
                    &file.name,
                    format!("{at}: uid {uid:?} is also used in {other}"),
                ));
            }
        }
    }
    findings
}

/// Links between datasources: exemplars → traces, logs → traces, traces → logs, as
/// (path under the datasource, linked uid).
fn linked_datasources(ds: &Value) -> Vec<(String, String)> {
    let json = ds.get("jsonData").cloned().unwrap_or(Value::Null);
    let mut linked: Vec<(String, String)> = Vec::new();
    for (j, d) in array(&json, "exemplarTraceIdDestinations").enumerate() {
        if let Some(uid) = text(d, "datasourceUid") {
            linked.push((
                format!("jsonData.exemplarTraceIdDestinations[{j}]"),
                uid.into(),
            ));
        }
    }
    for (j, d) in array(&json, "derivedFields").enumerate() {
        if let Some(uid) = text(d, "datasourceUid") {
            linked.push((format!("jsonData.derivedFields[{j}]"), uid.into()));
        }
    }
    if let Some(uid) = json
        .get("tracesToLogsV2")
        .and_then(|t| text(t, "datasourceUid"))
    {
        linked.push(("jsonData.tracesToLogsV2".into(), uid.into()));
    }
    linked
}

/// Secrets written out instead of as `$__env{...}`: in `secureJsonData` or as a password.
fn literal_datasource_secrets(file: &YamlFile, at: &str, ds: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (key, value) in ds
        .get("secureJsonData")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(v) = value.as_str()
            && !is_env_placeholder(v)
        {
            findings.push(Finding::error(
                "secret",
                &file.name,
                format!("{at}.secureJsonData.{key}: a literal secret; write it as $__env{{NAME}}"),
            ));
        }
    }
    if let Some(v) = text(ds, "basicAuthPassword").or_else(|| text(ds, "password"))
        && !is_env_placeholder(v)
    {
        findings.push(Finding::error(
            "secret",
            &file.name,
            format!("{at}: a literal password; write it as $__env{{NAME}}"),
        ));
    }
    findings
}

/// `scheme://user:password@host`: a secret in plain sight.
fn url_has_credentials(url: &str) -> bool {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or("");
    authority.contains('@')
}

/// `$__env{NAME}` (or `$__file{...}` / `$__vault{...}`) and nothing else.
pub fn is_env_placeholder(value: &str) -> bool {
    let value = value.trim();
    ["$__env{", "$__file{", "$__vault{"]
        .iter()
        .any(|p| value.starts_with(p) && value.ends_with('}') && !value[p.len()..].contains('{'))
}

fn alert_rules(
    file: &YamlFile,
    known: &Known,
    rule_uids: &mut BTreeMap<String, String>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (g, group) in array(&file.value, "groups").enumerate() {
        for key in ["name", "folder", "interval"] {
            if text(group, key).is_none() {
                findings.push(Finding::error(
                    "alert-rule",
                    &file.name,
                    format!("groups[{g}]: no {key} (required by Grafana)"),
                ));
            }
        }
        for (r, rule) in array(group, "rules").enumerate() {
            let title = text(rule, "title").unwrap_or("").to_string();
            let at = format!("groups[{g}].rules[{r}] ({title})");
            findings.extend(rule_findings(file, &at, rule, known, rule_uids));
        }
    }
    findings
}

/// One rule, named `at` in messages: uid, condition, queries, dashboard, `for`, templates,
/// severity.
fn rule_findings(
    file: &YamlFile,
    at: &str,
    rule: &Value,
    known: &Known,
    rule_uids: &mut BTreeMap<String, String>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let err =
        |message: String| Finding::error("alert-rule", &file.name, format!("{at}: {message}"));
    match text(rule, "uid") {
        None | Some("") => findings.push(err("no uid".into())),
        Some(uid) => {
            if uid.len() > 40 {
                findings.push(err(format!(
                    "uid {uid:?} is longer than Grafana's 40 characters"
                )));
            }
            if let Some(other) = rule_uids.insert(uid.to_string(), file.name.clone()) {
                findings.push(err(format!("uid {uid:?} is also used in {other}")));
            }
        }
    }
    let refs: Vec<&str> = array(rule, "data")
        .filter_map(|d| text(d, "refId"))
        .collect();
    match text(rule, "condition") {
        Some(c) if refs.contains(&c) => {}
        c => findings.push(err(format!(
            "condition {c:?} is not the refId of one of its queries ({})",
            refs.join(", ")
        ))),
    }
    findings.extend(rule_query_findings(file, at, rule, known));
    if let Some(dashboard) = text(rule, "dashboardUid")
        && !known.dashboard_uids.is_empty()
        && !known.dashboard_uids.contains(dashboard)
    {
        findings.push(err(format!(
            "dashboardUid {dashboard:?}: no dashboard checked has that uid"
        )));
    }
    if let Some(duration) = text(rule, "for")
        && promql_parser::util::parse_duration(duration).is_err()
    {
        findings.push(err(format!("for {duration:?} is not a duration")));
    }
    for section in ["annotations", "labels"] {
        for (key, value) in rule
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(v) = value.as_str()
                && has_unescaped_dollar(v)
            {
                findings.push(Finding::warning(
                    "alert-rule",
                    &file.name,
                    format!("{at}: {section}.{key} has a `$` that Grafana's provisioning expands as an environment variable; use {{{{ .Labels.x }}}} / {{{{ .Value }}}} or `$$`"),
                ));
            }
        }
    }
    if rule
        .get("labels")
        .and_then(|l| text(l, "severity"))
        .is_none()
    {
        findings.push(Finding::warning(
            "alert-rule",
            &file.name,
            format!("{at}: no severity label: the notification policies route by it"),
        ));
    }
    findings
}

/// A rule's queries: datasource uids provisioned, Prometheus expressions parse.
fn rule_query_findings(file: &YamlFile, at: &str, rule: &Value, known: &Known) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (q, data) in array(rule, "data").enumerate() {
        let uid = text(data, "datasourceUid").unwrap_or("");
        if EXPRESSION_UIDS.contains(&uid) {
            continue;
        }
        // Checked alone, a rule file has nothing to resolve its uids against.
        if !known.datasource_uids.is_empty() && !known.datasource_uids.contains(uid) {
            findings.push(Finding::error(
                "alert-rule",
                &file.name,
                format!("{at}: data[{q}] uses datasource uid {uid:?}, which is not provisioned"),
            ));
            continue;
        }
        let is_prometheus = known
            .datasource_types
            .get(uid)
            .is_none_or(|t| crate::grafana::model::is_prometheus_type(t));
        if let Some(expr) = data.get("model").and_then(|m| text(m, "expr"))
            && is_prometheus
            && let Err(e) = promql_parser::parser::parse(expr)
        {
            findings.push(
                Finding::error(
                    "promql",
                    &file.name,
                    format!("{at}: data[{q}] does not parse as PromQL: {}", e.trim()),
                )
                .expr(expr),
            );
        }
    }
    findings
}

/// A `$` that is not `$$` and not a `$__env{}`-style placeholder.
fn has_unescaped_dollar(value: &str) -> bool {
    let cleaned = value.replace("$$", "");
    let mut rest = cleaned.as_str();
    while let Some(at) = rest.find('$') {
        let after = &rest[at..];
        if !(after.starts_with("$__env{") || after.starts_with("$__file{")) {
            return true;
        }
        rest = &rest[at + 1..];
    }
    false
}

fn contact_points(file: &YamlFile, names: &mut BTreeMap<String, String>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut receiver_uids = BTreeSet::new();
    for (i, point) in array(&file.value, "contactPoints").enumerate() {
        let name = text(point, "name").unwrap_or("");
        let at = format!("contactPoints[{i}] ({name})");
        if let Some(other) = names.insert(name.to_string(), file.name.clone()) {
            findings.push(Finding::error(
                "contact-point",
                &file.name,
                format!("{at}: the name is also used in {other}"),
            ));
        }
        if array(point, "receivers").next().is_none() {
            findings.push(Finding::error(
                "contact-point",
                &file.name,
                format!("{at}: no receivers"),
            ));
        }
        for (r, receiver) in array(point, "receivers").enumerate() {
            match text(receiver, "uid") {
                Some(uid) if !uid.is_empty() => {
                    if !receiver_uids.insert(uid.to_string()) {
                        findings.push(Finding::error(
                            "contact-point",
                            &file.name,
                            format!("{at}.receivers[{r}]: uid {uid:?} is used twice"),
                        ));
                    }
                }
                _ => findings.push(Finding::error(
                    "contact-point",
                    &file.name,
                    format!("{at}.receivers[{r}]: no uid"),
                )),
            }
            if text(receiver, "type").is_none() {
                findings.push(Finding::error(
                    "contact-point",
                    &file.name,
                    format!("{at}.receivers[{r}]: no type"),
                ));
            }
            for (key, value) in receiver
                .get("settings")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if SECRET_KEYS.contains(&key.as_str())
                    && let Some(v) = value.as_str()
                    && !is_env_placeholder(v)
                {
                    findings.push(Finding::error(
                        "secret",
                        &file.name,
                        format!("{at}.receivers[{r}].settings.{key}: a literal secret; write it as $__env{{NAME}}"),
                    ));
                }
            }
        }
    }
    findings
}

fn policies(file: &YamlFile, known: &Known, have_points: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    fn walk(route: &Value, at: &str, out: &mut Vec<(String, String)>) {
        if let Some(receiver) = route.get("receiver").and_then(Value::as_str) {
            out.push((at.to_string(), receiver.to_string()));
        }
        for (i, child) in route
            .get("routes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            walk(child, &format!("{at}.routes[{i}]"), out);
        }
    }
    let mut receivers = Vec::new();
    for (i, policy) in array(&file.value, "policies").enumerate() {
        if policy.get("receiver").is_none() {
            findings.push(Finding::error(
                "policy",
                &file.name,
                format!("policies[{i}]: the root policy needs a receiver"),
            ));
        }
        walk(policy, &format!("policies[{i}]"), &mut receivers);
    }
    if !have_points {
        return findings;
    }
    for (at, receiver) in receivers {
        if !known.contact_points.contains(&receiver)
            && !BUILTIN_CONTACT_POINTS.contains(&receiver.as_str())
        {
            findings.push(Finding::error(
                "policy",
                &file.name,
                format!("{at}: receiver {receiver:?} is not a provisioned contact point"),
            ));
        }
    }
    findings
}

fn providers(file: &YamlFile) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut names = BTreeSet::new();
    for (i, provider) in array(&file.value, "providers").enumerate() {
        let name = text(provider, "name").unwrap_or("");
        if !names.insert(name.to_string()) {
            findings.push(Finding::error(
                "dashboard-provider",
                &file.name,
                format!("providers[{i}]: name {name:?} is used twice"),
            ));
        }
        if provider
            .get("options")
            .and_then(|o| text(o, "path"))
            .is_none()
        {
            findings.push(Finding::error(
                "dashboard-provider",
                &file.name,
                format!("providers[{i}] ({name}): no options.path"),
            ));
        }
    }
    findings
}

/// Host paths a compose file mounts (`./x:/y:ro`), relative to the file's folder.
pub fn compose_volume_sources(compose: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (service, spec) in compose
        .get("services")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for volume in spec
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(source) = volume.as_str().and_then(|v| v.split(':').next())
                && (source.starts_with('.') || source.starts_with('/'))
            {
                found.push((service.clone(), source.to_string()));
            }
        }
    }
    found
}

fn compose_mounts(file: &YamlFile) -> Vec<Finding> {
    let base = file.path.parent().unwrap_or(Path::new("."));
    compose_volume_sources(&file.value)
        .into_iter()
        .filter(|(_, source)| !base.join(source).exists())
        .map(|(service, source)| {
            Finding::error(
                "compose",
                &file.name,
                format!("service {service} mounts {source}, which does not exist"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_env_placeholders_count_as_secret_free() {
        assert!(is_env_placeholder("$__env{SLACK_WEBHOOK_URL}"));
        assert!(!is_env_placeholder("https://hooks.example.com/T000/B000"));
        assert!(!is_env_placeholder("$__env{A}$__env{B}"));
        assert!(!is_env_placeholder("${SLACK}"));
    }

    #[test]
    fn credentials_in_datasource_urls_are_found() {
        assert!(url_has_credentials("http://admin:hunter2@prometheus:9090"));
        assert!(!url_has_credentials("http://prometheus:9090/path@x"));
    }

    #[test]
    fn dollar_signs_grafana_would_expand_are_found() {
        assert!(has_unescaped_dollar("{{ $labels.instance }}"));
        assert!(!has_unescaped_dollar("{{ .Labels.instance }}"));
        assert!(!has_unescaped_dollar("costs $$5"));
        assert!(!has_unescaped_dollar("$__env{X}"));
    }
}
