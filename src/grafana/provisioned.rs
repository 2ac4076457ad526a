//! Datasources of a Grafana provisioning file (`provisioning/datasources/*.yml`, apiVersion 1)
//! as triage connects to them: address, type, scrape interval (`jsonData.timeInterval`),
//! extra headers (`jsonData.httpHeaderNameN` with `secureJsonData.httpHeaderValueN`, e.g. a
//! Mimir or Loki tenant) and basic auth.
//!
//! Grafana expands environment variables in provisioning files (`$VAR`, `${VAR}`; `$$` is a
//! literal `$`; pkg/services/provisioning/values/values.go), so secrets are usually written as
//! `$MIMIR_TENANT`. They are expanded here the same way; a variable that is not set is named
//! in a warning (never its value) and the datasource is left out rather than sent with an
//! empty secret.

use serde::Deserialize;
use serde_json::{Map, Value};

/// One datasource, expanded.
#[derive(Clone, PartialEq, Default)]
pub struct ProvisionedDatasource {
    pub name: String,
    pub uid: Option<String>,
    /// Plugin id: `prometheus`, `loki`, `tempo`, `jaeger`, `alertmanager`, ...
    pub kind: String,
    pub url: String,
    pub is_default: bool,
    /// `jsonData.timeInterval`: the scrape interval Grafana plans this datasource's queries with.
    pub time_interval: Option<String>,
    /// `httpHeaderNameN: httpHeaderValueN` pairs, in N order.
    pub headers: Vec<(String, String)>,
    /// `basicAuth: true` with `basicAuthUser` and `secureJsonData.basicAuthPassword`.
    pub basic_auth: Option<(String, String)>,
    /// `jsonData.tlsSkipVerify`.
    pub tls_skip_verify: bool,
}

impl std::fmt::Debug for ProvisionedDatasource {
    // Headers and passwords are secrets: their names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvisionedDatasource")
            .field("name", &self.name)
            .field("uid", &self.uid)
            .field("kind", &self.kind)
            .field("is_default", &self.is_default)
            .field("time_interval", &self.time_interval)
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// A file's datasources and what was wrong with the ones left out.
#[derive(Debug, Clone, Default)]
pub struct ProvisionedFile {
    pub datasources: Vec<ProvisionedDatasource>,
    pub warnings: Vec<String>,
}

impl ProvisionedFile {
    /// The datasource of this plugin type to use when none is named: the default one of that
    /// type, else the first.
    pub fn first_of_kind(&self, kinds: &[&str]) -> Option<&ProvisionedDatasource> {
        let of_kind = || {
            self.datasources
                .iter()
                .filter(|d| kinds.contains(&&*d.kind))
        };
        of_kind()
            .find(|d| d.is_default)
            .or_else(|| of_kind().next())
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    datasources: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    uid: Option<String>,
    url: Option<String>,
    #[serde(rename = "isDefault", default)]
    is_default: bool,
    #[serde(rename = "basicAuth", default)]
    basic_auth: bool,
    #[serde(rename = "basicAuthUser")]
    basic_auth_user: Option<String>,
    #[serde(rename = "jsonData", default)]
    json_data: Map<String, Value>,
    #[serde(rename = "secureJsonData", default)]
    secure_json_data: Map<String, Value>,
}

/// Read a datasource provisioning file's text; `source` names it in messages.
pub fn parse_provisioned(
    text: &str,
    source: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<ProvisionedFile, String> {
    let file: File = yaml_serde::from_str(text).map_err(|e| format!("{source}: {e}"))?;
    let mut out = ProvisionedFile::default();
    for (i, entry) in file.datasources.into_iter().enumerate() {
        let at = format!("{source}: datasources[{i}] ({})", entry.name);
        match expand_entry(entry, env) {
            Ok(Some(ds)) => out.datasources.push(ds),
            Ok(None) => {}
            Err(why) => out.warnings.push(format!("{at}: {why}; left out")),
        }
    }
    Ok(out)
}

/// `None` for a datasource without a URL (nothing to connect to).
fn expand_entry(
    entry: Entry,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<ProvisionedDatasource>, String> {
    let expand = |field: &str, text: &str| {
        expand_env(text, env).map_err(|var| format!("{field} needs ${var}, which is not set"))
    };
    let Some(url) = entry.url.filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    let json_text = |key: &str| entry.json_data.get(key).and_then(Value::as_str);
    let secure_text = |key: &str| entry.secure_json_data.get(key).and_then(Value::as_str);
    let mut headers = Vec::new();
    // Grafana numbers them from 1 and stops at the first gap.
    for n in 1.. {
        let Some(name) = json_text(&format!("httpHeaderName{n}")) else {
            break;
        };
        let field = format!("secureJsonData.httpHeaderValue{n}");
        let value = secure_text(&format!("httpHeaderValue{n}")).unwrap_or("");
        headers.push((
            expand(&format!("jsonData.httpHeaderName{n}"), name)?,
            expand(&field, value)?,
        ));
    }
    let basic_auth = if entry.basic_auth {
        let user = expand(
            "basicAuthUser",
            entry.basic_auth_user.as_deref().unwrap_or(""),
        )?;
        let password = expand(
            "secureJsonData.basicAuthPassword",
            secure_text("basicAuthPassword").unwrap_or(""),
        )?;
        Some((user, password))
    } else {
        None
    };
    Ok(Some(ProvisionedDatasource {
        url: expand("url", &url)?,
        uid: entry.uid.map(|u| expand("uid", &u)).transpose()?,
        name: expand("name", &entry.name)?,
        kind: entry.kind,
        is_default: entry.is_default,
        time_interval: json_text("timeInterval")
            .map(|t| expand("jsonData.timeInterval", t))
            .transpose()?
            .filter(|t| !t.trim().is_empty()),
        headers,
        basic_auth,
        tls_skip_verify: entry
            .json_data
            .get("tlsSkipVerify")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }))
}

/// Expand `$VAR` and `${VAR}` as Grafana does in provisioning files; `$$` is a literal `$`.
/// `Err` names the first variable that is not set.
pub fn expand_env(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], &braced[end + 1..]),
                None => ("", after),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        if name.is_empty() {
            // A lone `$` (or `${` without its `}`) is kept as written.
            out.push('$');
            rest = after;
            continue;
        }
        out.push_str(&env(name).ok_or_else(|| name.to_string())?);
        rest = tail;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "TENANT" => Some("team-a".into()),
            "PROM_HOST" => Some("mimir.internal".into()),
            "PASSWORD" => Some("s3cret".into()),
            _ => None,
        }
    }

    #[test]
    fn env_expansion_follows_grafanas_provisioning_rules() {
        assert_eq!(expand_env("$TENANT", &env).unwrap(), "team-a");
        assert_eq!(
            expand_env("http://${PROM_HOST}:9009/prometheus", &env).unwrap(),
            "http://mimir.internal:9009/prometheus"
        );
        assert_eq!(
            expand_env("$${__value.raw}", &env).unwrap(),
            "${__value.raw}"
        );
        assert_eq!(expand_env("cost: 5$", &env).unwrap(), "cost: 5$");
        assert_eq!(expand_env("$UNSET_ONE", &env).unwrap_err(), "UNSET_ONE");
    }

    const FILE: &str = r#"
apiVersion: 1
datasources:
  - name: Mimir
    type: prometheus
    uid: mimir
    url: http://${PROM_HOST}:9009/prometheus
    isDefault: true
    basicAuth: true
    basicAuthUser: reader
    jsonData:
      timeInterval: 1m
      httpHeaderName1: X-Scope-OrgID
      httpHeaderName2: X-Extra
      tlsSkipVerify: true
    secureJsonData:
      httpHeaderValue1: $TENANT
      httpHeaderValue2: fixed
      basicAuthPassword: $PASSWORD
  - name: Loki
    type: loki
    url: http://loki:3100
    jsonData:
      httpHeaderName1: X-Scope-OrgID
    secureJsonData:
      httpHeaderValue1: $LOKI_TENANT
  - name: Tempo
    type: tempo
    uid: tempo
    url: http://tempo:3200
  - name: TestData
    type: grafana-testdata-datasource
"#;

    #[test]
    fn headers_basic_auth_and_time_interval_come_expanded() {
        let file = parse_provisioned(FILE, "ds.yml", &env).unwrap();
        let names: Vec<&str> = file.datasources.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Mimir", "Tempo"], "no URL, nothing to connect to");
        let mimir = &file.datasources[0];
        assert_eq!(mimir.url, "http://mimir.internal:9009/prometheus");
        assert_eq!(mimir.time_interval.as_deref(), Some("1m"));
        assert_eq!(
            mimir.headers,
            [
                ("X-Scope-OrgID".to_string(), "team-a".to_string()),
                ("X-Extra".to_string(), "fixed".to_string())
            ]
        );
        assert_eq!(
            mimir.basic_auth,
            Some(("reader".to_string(), "s3cret".to_string()))
        );
        assert!(mimir.tls_skip_verify && mimir.is_default);
        assert_eq!(
            file.first_of_kind(&["tempo", "jaeger"])
                .map(|d| d.url.as_str()),
            Some("http://tempo:3200")
        );
        assert_eq!(
            file.warnings,
            [
                "ds.yml: datasources[1] (Loki): secureJsonData.httpHeaderValue1 needs $LOKI_TENANT, which is not set; left out"
            ]
        );
    }

    #[test]
    fn debug_output_names_headers_but_never_their_values() {
        let file = parse_provisioned(FILE, "ds.yml", &env).unwrap();
        let shown = format!("{:?}", file.datasources[0]);
        assert!(shown.contains("X-Scope-OrgID"), "{shown}");
        assert!(
            !shown.contains("team-a") && !shown.contains("s3cret"),
            "{shown}"
        );
    }
}
