//! Several Prometheus-compatible datasources in one session, by name: the default one and any
//! named in the config file or with `--datasource NAME=URL`. A dashboard's `datasource`
//! variable switches between them, and panels naming a datasource get that one.

use std::collections::BTreeMap;

use crate::grafana::model::DatasourceRef;
use crate::prom::PromClient;

/// Name of the default datasource in `datasource` variable options.
pub const DEFAULT_NAME: &str = "default";

#[derive(Debug, Clone)]
pub struct Datasources {
    pub default: PromClient,
    pub named: BTreeMap<String, PromClient>,
}

impl Datasources {
    pub fn single(client: PromClient) -> Self {
        Datasources {
            default: client,
            named: BTreeMap::new(),
        }
    }

    /// The client for a datasource name (or uid); unknown names fall back to the default, as
    /// a jump host usually reaches one Prometheus under whatever name the dashboard used.
    pub fn pick(&self, name: Option<&str>) -> &PromClient {
        name.and_then(|n| self.named.get(n))
            .unwrap_or(&self.default)
    }

    /// Options of a `datasource` variable: the default first, then the named ones.
    pub fn names(&self) -> Vec<String> {
        std::iter::once(DEFAULT_NAME.to_string())
            .chain(self.named.keys().cloned())
            .collect()
    }

    /// Which datasource a panel or target reference means, given the variables' values
    /// (`lookup(name)` returns a variable's current value).
    pub fn name_for(
        &self,
        reference: &DatasourceRef,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Option<String> {
        let candidate = match reference {
            DatasourceRef::Variable { name } => lookup(name),
            DatasourceRef::Named { uid, name, .. } => uid
                .iter()
                .chain(name.iter())
                .find(|n| self.named.contains_key(n.as_str()))
                .cloned(),
            DatasourceRef::Default | DatasourceRef::Builtin { .. } => None,
        };
        candidate.filter(|n| self.named.contains_key(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prom::PromConfig;

    fn client(url: &str) -> PromClient {
        PromClient::new(PromConfig::new(url)).unwrap()
    }

    #[test]
    fn references_pick_named_clients_else_the_default() {
        let mut ds = Datasources::single(client("http://default:9090"));
        ds.named.insert("eu".into(), client("http://eu:9090"));
        ds.named.insert("us".into(), client("http://us:9090"));
        assert_eq!(ds.names(), vec!["default", "eu", "us"]);
        let lookup = |name: &str| (name == "ds").then(|| "us".to_string());
        let by_var = DatasourceRef::Variable { name: "ds".into() };
        assert_eq!(ds.name_for(&by_var, &lookup).as_deref(), Some("us"));
        assert_eq!(ds.pick(Some("us")).display_url(), "http://us:9090");
        let by_uid = DatasourceRef::Named {
            uid: Some("eu".into()),
            name: None,
            r#type: Some("prometheus".into()),
        };
        assert_eq!(ds.name_for(&by_uid, &lookup).as_deref(), Some("eu"));
        let unknown = DatasourceRef::Named {
            uid: Some("P1809F7CD0C75ACF3".into()),
            name: None,
            r#type: None,
        };
        assert_eq!(ds.name_for(&unknown, &lookup), None);
        assert_eq!(ds.pick(None).display_url(), "http://default:9090");
    }
}
