//! Several Prometheus-compatible datasources in one session, by name: the default one and any
//! named in the config file or with `--datasource NAME=URL`. A dashboard's `datasource`
//! variable switches between them, and panels naming a datasource get that one.

use std::collections::BTreeMap;

use crate::data::ScrapeTarget;
use crate::grafana::model::DatasourceRef;
use crate::net::PromClient;
use crate::net::prometheus::ConfigGlobals;

/// Name of the default datasource in `datasource` variable options.
pub const DEFAULT_NAME: &str = "default";

#[derive(Debug, Clone)]
pub struct Datasources {
    pub default: PromClient,
    pub named: BTreeMap<String, PromClient>,
    /// Other names a named datasource answers to: Grafana's datasources are keyed by uid in
    /// `named` and also found by their name here (name → uid).
    pub aliases: BTreeMap<String, String>,
    /// What a `datasource` variable shows for a key (Grafana: the datasource's name).
    pub labels: BTreeMap<String, String>,
    /// Scrape interval set on a datasource (`jsonData.timeInterval`), by key in `named`.
    pub time_intervals: BTreeMap<String, String>,
    /// The default datasource's `jsonData.timeInterval`, when it has one.
    pub default_time_interval: Option<String>,
    /// The default datasource's configuration globals, asked of Prometheus once per session.
    globals: std::sync::Arc<tokio::sync::OnceCell<Option<ConfigGlobals>>>,
    /// The default datasource's scrape targets, asked once per session.
    targets: std::sync::Arc<tokio::sync::OnceCell<Vec<ScrapeTarget>>>,
}

impl Datasources {
    pub fn single(client: PromClient) -> Self {
        Datasources {
            default: client,
            named: BTreeMap::new(),
            aliases: BTreeMap::new(),
            labels: BTreeMap::new(),
            time_intervals: BTreeMap::new(),
            default_time_interval: None,
            globals: Default::default(),
            targets: Default::default(),
        }
    }

    /// A named datasource, asked by `key` (Grafana's uid, else its name) and known by its
    /// `name` too; its `timeInterval` when it sets one.
    pub fn add_named(
        &mut self,
        key: &str,
        name: &str,
        client: PromClient,
        time_interval: Option<&String>,
    ) {
        if let Some(interval) = time_interval {
            self.time_intervals.insert(key.into(), interval.clone());
        }
        self.labels.insert(key.into(), name.into());
        if name != key {
            self.aliases.insert(name.into(), key.into());
        }
        self.named.insert(key.into(), client);
    }

    /// The scrape interval Prometheus itself runs with (`global.scrape_interval` of its
    /// configuration), asked once and kept: where Grafana relies on a datasource setting
    /// (`timeInterval`, 15 s when unset), a stock Prometheus scraping every minute needs it for
    /// `rate()` windows to hold two samples. `None` when the server does not say (not
    /// Prometheus, or a proxy that hides the status API): Grafana's default then.
    pub async fn detected_scrape_interval(&self) -> Option<String> {
        let globals = self.globals().await?;
        Some(globals.scrape_interval.unwrap_or_else(|| "1m".into()))
    }

    /// The default Prometheus's active targets with their scrape intervals, asked once and
    /// kept; none when it does not say (a proxy without the targets API, VictoriaMetrics).
    pub async fn scrape_targets(&self) -> Vec<ScrapeTarget> {
        self.targets
            .get_or_init(|| async { self.default.scrape_targets().await.unwrap_or_default() })
            .await
            .clone()
    }

    /// Ask the default Prometheus, both at once, for what planning reads of it (its global
    /// scrape interval and its targets), so a first refresh learns them while its variables
    /// resolve instead of after; later refreshes find them kept.
    pub async fn learn_scrape_settings(&self) {
        tokio::join!(self.globals(), self.scrape_targets());
    }

    /// The labels the default Prometheus adds to alerts it sends Alertmanager; none when it
    /// does not say.
    pub async fn external_labels(&self) -> BTreeMap<String, String> {
        self.globals()
            .await
            .map(|g| g.external_labels)
            .unwrap_or_default()
    }

    async fn globals(&self) -> Option<ConfigGlobals> {
        self.globals
            .get_or_init(|| async { self.default.config_globals().await.ok() })
            .await
            .clone()
    }

    /// The key in `named` a name or uid means, if any.
    fn key<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        if self.named.contains_key(name) {
            Some(name)
        } else {
            self.aliases
                .get(name)
                .map(String::as_str)
                .filter(|k| self.named.contains_key(*k))
        }
    }

    /// The client for a datasource name (or uid); unknown names fall back to the default, as
    /// a jump host usually reaches one Prometheus under whatever name the dashboard used.
    pub fn pick(&self, name: Option<&str>) -> &PromClient {
        name.and_then(|n| self.key(n))
            .and_then(|k| self.named.get(k))
            .unwrap_or(&self.default)
    }

    /// Options of a `datasource` variable: the default first, then the named ones.
    pub fn names(&self) -> Vec<String> {
        std::iter::once(DEFAULT_NAME.to_string())
            .chain(self.named.keys().cloned())
            .collect()
    }

    /// Options of a `datasource` variable as (text, value): the default first, then the
    /// named ones, shown by their label (Grafana: name) with their key (uid) as the value.
    pub fn options(&self) -> Vec<(String, String)> {
        self.names()
            .into_iter()
            .map(|key| {
                let text = self
                    .labels
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| key.clone());
                (text, key)
            })
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
                .find(|n| self.key(n).is_some())
                .cloned(),
            DatasourceRef::Default | DatasourceRef::Builtin { .. } => None,
        };
        candidate.and_then(|n| self.key(&n).map(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::PromConfig;

    fn client(url: &str) -> PromClient {
        PromClient::new(PromConfig::new(url)).unwrap()
    }

    #[test]
    fn a_named_datasource_is_found_by_its_key_and_its_name() {
        let mut ds = Datasources::single(client("http://default:9090"));
        let interval = "1m".to_string();
        ds.add_named(
            "P1809F7CD0C75ACF3",
            "Prometheus EU",
            client("http://eu:9090"),
            Some(&interval),
        );
        ds.add_named("us", "us", client("http://us:9090"), None);
        let by_name = DatasourceRef::Named {
            uid: None,
            name: Some("Prometheus EU".into()),
            r#type: None,
        };
        assert_eq!(
            ds.name_for(&by_name, &|_| None).as_deref(),
            Some("P1809F7CD0C75ACF3")
        );
        assert_eq!(
            ds.pick(Some("Prometheus EU")).display_url(),
            "http://eu:9090"
        );
        assert_eq!(ds.time_intervals.get("P1809F7CD0C75ACF3"), Some(&interval));
        assert_eq!(
            ds.labels.get("P1809F7CD0C75ACF3").map(String::as_str),
            Some("Prometheus EU")
        );
        assert!(
            !ds.aliases.contains_key("us"),
            "a name that is its key needs no alias"
        );
        assert!(!ds.time_intervals.contains_key("us"));
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

    #[test]
    fn grafana_datasources_answer_to_uid_and_name() {
        let mut ds = Datasources::single(client("http://default:9090"));
        ds.named
            .insert("P1809F7CD".into(), client("http://eu:9090"));
        ds.aliases
            .insert("Prometheus EU".into(), "P1809F7CD".into());
        ds.labels.insert("P1809F7CD".into(), "Prometheus EU".into());
        let none = |_: &str| None;
        let by_name = DatasourceRef::Named {
            uid: Some("Prometheus EU".into()),
            name: None,
            r#type: None,
        };
        assert_eq!(ds.name_for(&by_name, &none).as_deref(), Some("P1809F7CD"));
        let by_var = DatasourceRef::Variable { name: "ds".into() };
        let chose_name = |_: &str| Some("Prometheus EU".to_string());
        assert_eq!(
            ds.name_for(&by_var, &chose_name).as_deref(),
            Some("P1809F7CD")
        );
        assert_eq!(
            ds.pick(Some("Prometheus EU")).display_url(),
            "http://eu:9090"
        );
        assert_eq!(
            ds.options(),
            vec![
                ("default".to_string(), "default".to_string()),
                ("Prometheus EU".to_string(), "P1809F7CD".to_string())
            ]
        );
    }
}
