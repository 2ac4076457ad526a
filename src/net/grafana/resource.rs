//! Dashboards Grafana 12+ stores in the v2 schema. `/api/dashboards/uid/<uid>` refuses them
//! with HTTP 406 (`dashboard api version not supported, use /apis/dashboard.grafana.app/
//! v2beta1/namespaces/default/dashboards/<uid> instead`); they are read through the
//! Kubernetes-style `dashboard.grafana.app` API as the object `{"apiVersion", "kind",
//! "metadata", "spec"}`, in the namespace of the token's organisation (`default` for org 1,
//! `org-<id>` for others, `stacks-<id>` on Grafana Cloud).

use serde_json::{Map, Value};

use super::types::DashboardDoc;
use crate::grafana::stable_form::{FOLDER_ANNOTATION, is_dashboard_resource};
use crate::net::sanitize::sanitize;

/// The API group of dashboards.
pub const GROUP: &str = "dashboard.grafana.app";

/// Versions asked for, after the one Grafana's refusal names: the beta Grafana 12 serves,
/// the alpha of Grafana 12.0, and the stable v2.
pub const VERSIONS: &[&str] = &["v2beta1", "v2alpha1", "v2"];

/// The namespace of organisation 1, and the one assumed when Grafana does not say.
pub const DEFAULT_NAMESPACE: &str = "default";

/// `/apis/dashboard.grafana.app/<version>/namespaces/<namespace>/dashboards/` (the uid follows).
pub fn collection_path(version: &str, namespace: &str) -> String {
    format!("/apis/{GROUP}/{version}/namespaces/{namespace}/dashboards/")
}

/// The version and namespace Grafana's 406 names, when its message holds the path (and the
/// two look like a version and a namespace: they become part of a request path).
pub fn named_in_refusal(message: &str) -> Option<(String, String)> {
    let prefix = format!("/apis/{GROUP}/");
    let rest = &message[message.find(&prefix)? + prefix.len()..];
    let mut parts = rest.split('/');
    let version = parts.next()?;
    let namespace = match (parts.next(), parts.next()) {
        (Some("namespaces"), Some(namespace)) => namespace,
        _ => return None,
    };
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    (version.starts_with('v') && plain(version) && plain(namespace))
        .then(|| (version.to_string(), namespace.to_string()))
}

/// Where to look, in order: what the refusal names, then each known version in `namespace`
/// (each place once).
pub fn places(named: Option<(String, String)>, namespace: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = named.into_iter().collect();
    for version in VERSIONS {
        let place = (version.to_string(), namespace.to_string());
        if !out.contains(&place) {
            out.push(place);
        }
    }
    out
}

/// The namespace in `/api/frontend/settings` (Grafana 11+); `default` when absent.
pub fn frontend_namespace(settings: &Value) -> String {
    settings
        .get("namespace")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map_or_else(|| DEFAULT_NAMESPACE.to_string(), str::to_string)
}

/// The organisation a namespace belongs to: `default` is 1, `org-<id>` is `<id>`; Grafana
/// Cloud's `stacks-<id>` names a stack, not an organisation.
pub fn org_of_namespace(namespace: &str) -> Option<i64> {
    if namespace == DEFAULT_NAMESPACE {
        return Some(1);
    }
    namespace.strip_prefix("org-")?.parse().ok()
}

/// Decode the dashboard object. The whole object is kept (the loader reads `spec`, `pull`
/// writes it all); its folder is the `grafana.app/folder` annotation.
pub fn parse_resource(value: Value) -> Result<DashboardDoc, String> {
    let Value::Object(root) = value else {
        return Err("expected a dashboard object {\"apiVersion\", \"metadata\", \"spec\"}".into());
    };
    if !is_dashboard_resource(&root) {
        return Err(format!(
            "expected a {GROUP} dashboard object, found kind {:?} of {:?}",
            text(&root, "kind"),
            text(&root, "apiVersion")
        ));
    }
    let folder_uid = root
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(FOLDER_ANNOTATION))
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty())
        .map(sanitize);
    Ok(DashboardDoc {
        dashboard: root,
        folder_uid,
        folder_title: None,
    })
}

fn text(obj: &Map<String, Value>, key: &str) -> String {
    obj.get(key)
        .and_then(Value::as_str)
        .map(sanitize)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_refusal_names_version_and_namespace() {
        // Grafana's message, as pkg/api/dashboard.go writes it.
        let message = "dashboard api version not supported, use \
                       /apis/dashboard.grafana.app/v2beta1/namespaces/org-2/dashboards/ad8nwk6 instead";
        let named = named_in_refusal(message);
        assert_eq!(named, Some(("v2beta1".into(), "org-2".into())));
        assert_eq!(
            places(named, "org-2"),
            vec![
                ("v2beta1".to_string(), "org-2".to_string()),
                ("v2alpha1".to_string(), "org-2".to_string()),
                ("v2".to_string(), "org-2".to_string()),
            ]
        );
        assert_eq!(named_in_refusal("Not found"), None);
        assert_eq!(
            named_in_refusal("use /apis/dashboard.grafana.app/v2/namespaces/../x"),
            None
        );
        assert_eq!(places(None, "default")[0].0, "v2beta1");
        assert_eq!(
            collection_path("v2beta1", "default"),
            "/apis/dashboard.grafana.app/v2beta1/namespaces/default/dashboards/"
        );
    }

    #[test]
    fn namespaces_and_organisations() {
        assert_eq!(
            frontend_namespace(&json!({"appUrl": "x", "namespace": "stacks-12"})),
            "stacks-12"
        );
        assert_eq!(frontend_namespace(&json!({})), "default");
        assert_eq!(org_of_namespace("default"), Some(1));
        assert_eq!(org_of_namespace("org-7"), Some(7));
        assert_eq!(org_of_namespace("stacks-12"), None);
    }

    #[test]
    fn the_dashboard_object_is_kept_whole() {
        let object = json!({
            "apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard",
            "metadata": {"name": "gw-v2", "namespace": "default", "resourceVersion": "17",
                         "annotations": {"grafana.app/folder": "f-service"}},
            "spec": {"title": "Gateway v2", "elements": {}, "layout": {}}
        });
        let doc = parse_resource(object.clone()).unwrap();
        assert_eq!(doc.uid(), "gw-v2");
        assert_eq!(doc.title(), "Gateway v2");
        assert_eq!(doc.folder_uid.as_deref(), Some("f-service"));
        assert_eq!(Value::Object(doc.dashboard), object);
        assert!(parse_resource(json!({"kind": "Status", "apiVersion": "v1"})).is_err());
    }
}
