//! What Grafana's API answers, decoded leniently (fields Grafana versions add or drop are
//! optional) and sanitised: every text a person may see has its control characters replaced.

use serde_json::{Map, Value};

use crate::grafana::model::is_prometheus_type;
use crate::grafana::stable_form::is_dashboard_resource;
use crate::net::sanitize::sanitize;

/// Grafana's search kinds (`type` in `/api/search`).
pub const KIND_DASHBOARD: &str = "dash-db";
pub const KIND_FOLDER: &str = "dash-folder";

/// Page size asked of `/api/search` (Grafana's maximum is 5000, its default 1000).
pub const SEARCH_PAGE_SIZE: usize = 1000;

/// One hit of `/api/search`: a dashboard or a folder.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchHit {
    pub uid: String,
    pub title: String,
    /// `dash-db` or `dash-folder`.
    pub kind: String,
    pub tags: Vec<String>,
    /// `None` for the General (root) folder.
    pub folder_uid: Option<String>,
    pub folder_title: Option<String>,
    /// Grafana's own path to it, e.g. `/d/<uid>/<slug>`.
    pub url: String,
}

impl SearchHit {
    /// The folder as a person reads it: `General` for the root.
    pub fn folder_label(&self) -> &str {
        self.folder_title.as_deref().unwrap_or("General")
    }
}

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchQuery {
    /// Free text matched against titles (Grafana's `query`).
    pub text: Option<String>,
    /// Every tag must be present (Grafana's `tag`, repeated).
    pub tags: Vec<String>,
    /// `dash-db` or `dash-folder`; `None` for both.
    pub kind: Option<&'static str>,
}

impl SearchQuery {
    pub fn dashboards() -> Self {
        SearchQuery {
            kind: Some(KIND_DASHBOARD),
            ..SearchQuery::default()
        }
    }

    /// The query string of one page (pages count from 1).
    pub fn params(&self, page: usize) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(text) = self.text.as_deref().filter(|t| !t.is_empty()) {
            params.push(("query", text.to_string()));
        }
        for tag in &self.tags {
            params.push(("tag", tag.clone()));
        }
        if let Some(kind) = self.kind {
            params.push(("type", kind.to_string()));
        }
        // Without a sort Grafana does not keep the order from one page to the next.
        params.push(("sort", "alpha-asc".to_string()));
        params.push(("limit", SEARCH_PAGE_SIZE.to_string()));
        params.push(("page", page.to_string()));
        params
    }
}

/// A datasource of `/api/datasources`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DatasourceInfo {
    pub uid: String,
    pub name: String,
    /// Plugin id: `prometheus`, `loki`, ...
    pub kind: String,
    pub is_default: bool,
    /// `jsonData.timeInterval`: the scrape interval Grafana plans this datasource's queries
    /// with (Grafana answers `jsonData` on `/api/datasources` to readers).
    pub time_interval: Option<String>,
}

impl DatasourceInfo {
    /// Answers the Prometheus HTTP API through Grafana's proxy (Mimir, Cortex and Thanos use
    /// this plugin too; Amazon's and Azure's managed Prometheus have their own).
    pub fn speaks_prometheus(&self) -> bool {
        is_prometheus_type(&self.kind)
    }
}

/// A folder of `/api/folders` or `/api/folders/<uid>`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Folder {
    pub uid: String,
    pub title: String,
    /// Outermost first; empty without nested folders.
    pub parents: Vec<Folder>,
}

impl Folder {
    /// Titles from the outermost folder down to this one.
    pub fn path(&self) -> Vec<String> {
        self.parents
            .iter()
            .map(|p| p.title.clone())
            .chain(std::iter::once(self.title.clone()))
            .collect()
    }
}

/// `/api/dashboards/uid/<uid>` unwrapped: the dashboard JSON and where it lives. For a
/// dashboard Grafana stores in the v2 schema, `dashboard` is the whole object of its
/// `dashboard.grafana.app` API (`{"apiVersion", "kind", "metadata", "spec"}`).
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardDoc {
    pub dashboard: Map<String, Value>,
    pub folder_uid: Option<String>,
    pub folder_title: Option<String>,
}

impl DashboardDoc {
    /// The object of the `dashboard.grafana.app` API rather than a classic dashboard.
    pub fn is_resource(&self) -> bool {
        is_dashboard_resource(&self.dashboard)
    }
    /// The dashboard's uid (an object's `metadata.name`).
    pub fn uid(&self) -> String {
        if !self.is_resource() {
            return text(&self.dashboard, "uid");
        }
        self.part("metadata")
            .map_or_else(String::new, |m| text(m, "name"))
    }
    /// The dashboard's title (an object's `spec.title`).
    pub fn title(&self) -> String {
        self.part("spec")
            .map_or_else(String::new, |s| text(s, "title"))
    }
    /// The classic dashboard itself, or the named part of an object.
    fn part(&self, of_resource: &str) -> Option<&Map<String, Value>> {
        if !self.is_resource() {
            return Some(&self.dashboard);
        }
        self.dashboard.get(of_resource).and_then(Value::as_object)
    }
}

fn text(obj: &Map<String, Value>, key: &str) -> String {
    match obj.get(key) {
        Some(Value::String(s)) => sanitize(s),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn optional_text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    Some(text(obj, key)).filter(|t| !t.is_empty())
}

fn array<'a>(value: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("{what}: expected a JSON array, found {}", kind_of(value)))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decode `/api/search`. Entries without a uid (very old Grafana) cannot be opened: skipped.
pub fn parse_search(value: &Value) -> Result<Vec<SearchHit>, String> {
    let items = array(value, "/api/search")?;
    Ok(items
        .iter()
        .filter_map(Value::as_object)
        .map(|o| SearchHit {
            uid: text(o, "uid"),
            title: text(o, "title"),
            kind: text(o, "type"),
            tags: o
                .get("tags")
                .and_then(Value::as_array)
                .map(|tags| {
                    tags.iter()
                        .filter_map(Value::as_str)
                        .map(sanitize)
                        .collect()
                })
                .unwrap_or_default(),
            folder_uid: optional_text(o, "folderUid"),
            folder_title: optional_text(o, "folderTitle"),
            url: text(o, "url"),
        })
        .filter(|hit| !hit.uid.is_empty())
        .collect())
}

/// Decode `/api/datasources`.
pub fn parse_datasources(value: &Value) -> Result<Vec<DatasourceInfo>, String> {
    let items = array(value, "/api/datasources")?;
    Ok(items
        .iter()
        .filter_map(Value::as_object)
        .map(|o| DatasourceInfo {
            uid: text(o, "uid"),
            name: text(o, "name"),
            kind: text(o, "type"),
            is_default: o.get("isDefault").and_then(Value::as_bool).unwrap_or(false),
            time_interval: o
                .get("jsonData")
                .and_then(|j| j.get("timeInterval"))
                .and_then(Value::as_str)
                .map(sanitize)
                .filter(|t| !t.trim().is_empty()),
        })
        .filter(|ds| !ds.uid.is_empty())
        .collect())
}

fn folder_of(o: &Map<String, Value>) -> Folder {
    Folder {
        uid: text(o, "uid"),
        title: text(o, "title"),
        parents: o
            .get("parents")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(Value::as_object)
                    .map(folder_of)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Decode `/api/folders`.
pub fn parse_folders(value: &Value) -> Result<Vec<Folder>, String> {
    let items = array(value, "/api/folders")?;
    Ok(items
        .iter()
        .filter_map(Value::as_object)
        .map(folder_of)
        .filter(|f| !f.uid.is_empty())
        .collect())
}

/// Decode `/api/folders/<uid>` (with `parents` when Grafana has nested folders).
pub fn parse_folder(value: &Value) -> Result<Folder, String> {
    let o = value.as_object().ok_or_else(|| {
        format!(
            "/api/folders/<uid>: expected an object, found {}",
            kind_of(value)
        )
    })?;
    Ok(folder_of(o))
}

/// Decode `/api/dashboards/uid/<uid>`: `{"dashboard": {...}, "meta": {...}}`.
pub fn parse_dashboard_doc(value: Value) -> Result<DashboardDoc, String> {
    let Value::Object(mut root) = value else {
        return Err("expected {\"dashboard\": ..., \"meta\": ...}".into());
    };
    let meta = match root.remove("meta") {
        Some(Value::Object(meta)) => meta,
        _ => Map::new(),
    };
    let Some(Value::Object(dashboard)) = root.remove("dashboard") else {
        return Err("the answer has no `dashboard` object".into());
    };
    // The root folder is reported as folderUid "" / folderTitle "General" (folderId 0).
    let folder_uid = optional_text(&meta, "folderUid");
    let folder_title = folder_uid
        .as_ref()
        .and_then(|_| optional_text(&meta, "folderTitle"));
    Ok(DashboardDoc {
        dashboard,
        folder_uid,
        folder_title,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn search_hits_keep_folders_and_tags_and_are_sanitised() {
        // Shape from Grafana's search API documentation.
        let answer = json!([
            {"id": 163, "uid": "000000163", "orgId": 1, "title": "Folder", "url": "/dashboards/f/000000163/folder",
             "type": "dash-folder", "tags": [], "isStarred": false, "uri": "db/folder", "slug": ""},
            {"id": 1, "uid": "cIBgcSjkk", "orgId": 1, "title": "Production \u{1b}[2J Overview",
             "url": "/d/cIBgcSjkk/production-overview", "type": "dash-db", "tags": ["prod"],
             "isStarred": true, "folderId": 163, "folderUid": "000000163", "folderTitle": "Folder",
             "folderUrl": "/dashboards/f/000000163/folder", "uri": "db/production-overview", "slug": ""},
            {"id": 2, "uid": "root1", "title": "At the root", "type": "dash-db", "tags": null},
            {"id": 3, "title": "no uid"}
        ]);
        let hits = parse_search(&answer).unwrap();
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[0].kind, KIND_FOLDER);
        assert_eq!(hits[1].kind, KIND_DASHBOARD);
        assert_eq!(hits[1].tags, vec!["prod"]);
        assert_eq!(hits[1].folder_uid.as_deref(), Some("000000163"));
        assert_eq!(hits[1].folder_label(), "Folder");
        assert!(!hits[1].title.contains('\u{1b}'), "{:?}", hits[1].title);
        assert_eq!(hits[2].folder_uid, None);
        assert_eq!(hits[2].folder_label(), "General");
        assert!(parse_search(&json!({"message": "x"})).is_err());
    }

    #[test]
    fn search_params_page_and_filter() {
        let query = SearchQuery {
            text: Some("gateway".into()),
            tags: vec!["slo".into(), "ml".into()],
            kind: Some(KIND_DASHBOARD),
        };
        assert_eq!(
            query.params(2),
            vec![
                ("query", "gateway".to_string()),
                ("tag", "slo".to_string()),
                ("tag", "ml".to_string()),
                ("type", "dash-db".to_string()),
                ("sort", "alpha-asc".to_string()),
                ("limit", "1000".to_string()),
                ("page", "2".to_string()),
            ]
        );
    }

    #[test]
    fn datasources_folders_and_dashboards() {
        let ds = parse_datasources(&json!([
            {"id": 1, "uid": "prom1", "name": "Prometheus", "type": "prometheus", "isDefault": true, "access": "proxy"},
            {"id": 2, "uid": "loki1", "name": "Loki", "type": "loki"}
        ]))
        .unwrap();
        assert!(ds[0].is_default && ds[0].speaks_prometheus());
        assert!(!ds[1].is_default && !ds[1].speaks_prometheus());
        let managed = parse_datasources(&json!([
            {"uid": "amp", "name": "AMP", "type": "grafana-amazonprometheus-datasource"},
            {"uid": "azp", "name": "Azure", "type": "grafana-azureprometheus-datasource"}
        ]))
        .unwrap();
        assert!(managed.iter().all(DatasourceInfo::speaks_prometheus));

        let folder = parse_folder(&json!({"uid": "c", "title": "Child",
            "parents": [{"uid": "a", "title": "Platform"}, {"uid": "b", "title": "ML"}]}))
        .unwrap();
        assert_eq!(folder.path(), vec!["Platform", "ML", "Child"]);
        assert_eq!(
            parse_folders(&json!([{"id": 1, "uid": "nErXDvCkzz", "title": "Department ABC"}]))
                .unwrap()[0]
                .title,
            "Department ABC"
        );

        let doc = parse_dashboard_doc(json!({
            "dashboard": {"id": 1, "uid": "cIBgcSjkk", "title": "Production Overview", "version": 3},
            "meta": {"folderId": 0, "folderUid": "", "folderTitle": "General", "slug": "production-overview"}
        }))
        .unwrap();
        assert_eq!(doc.uid(), "cIBgcSjkk");
        assert_eq!(doc.folder_uid, None);
        assert_eq!(doc.folder_title, None);
        assert!(parse_dashboard_doc(json!({"meta": {}})).is_err());
    }
}
