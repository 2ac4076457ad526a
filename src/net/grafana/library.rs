//! Library panels of a dashboard fetched from Grafana: the dashboard JSON holds only
//! `"libraryPanel": {"uid", "name"}` and Grafana keeps the model, so the models are fetched
//! (`GET /api/library-elements/<uid>`, all at once) and embedded in `__elements` the way an
//! exported dashboard carries them; the loader then draws them as Grafana does. A model that
//! cannot be fetched leaves a placeholder that says why.

use serde_json::{Map, Value};

use super::client::{GrafanaClient, GrafanaError};
use crate::grafana::load::{LIBRARY_PLACEHOLDER, Loaded, embedded_library_model};
use crate::net::sanitize::sanitize;

/// Grafana's library element kind for panels (2 is variables).
pub const KIND_PANEL: i64 = 1;

/// One library panel as `/api/library-elements/<uid>` answers it (`result`).
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryPanel {
    pub uid: String,
    pub name: String,
    pub model: Map<String, Value>,
}

/// Decode `{"result": {"uid", "name", "kind": 1, "model": {...}, ...}}`.
pub fn parse_library_element(value: Value) -> Result<LibraryPanel, String> {
    let Value::Object(mut root) = value else {
        return Err("expected {\"result\": ...}".into());
    };
    let Some(Value::Object(mut result)) = root.remove("result") else {
        return Err("the answer has no `result` object".into());
    };
    let text = |result: &Map<String, Value>, key: &str| {
        result
            .get(key)
            .and_then(Value::as_str)
            .map(sanitize)
            .unwrap_or_default()
    };
    let (uid, name) = (text(&result, "uid"), text(&result, "name"));
    if let Some(kind) = result.get("kind").and_then(Value::as_i64)
        && kind != KIND_PANEL
    {
        return Err(format!(
            "library element {uid:?} is not a panel (kind {kind})"
        ));
    }
    let Some(Value::Object(mut model)) = result.remove("model") else {
        return Err(format!("library element {uid:?} has no `model` object"));
    };
    // Some Grafana versions save the reference inside the model too; the loader would take
    // it for another reference (as exported `__elements` never have it).
    model.remove("libraryPanel");
    Ok(LibraryPanel { uid, name, model })
}

/// The uids of the library panels the dashboard references (top level, in collapsed rows, in
/// legacy `rows`) whose model is not already in `__elements`, each once, in order.
pub fn library_uids_to_fetch(dashboard: &Map<String, Value>) -> Vec<String> {
    fn list(v: Option<&Value>) -> &[Value] {
        v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }
    let elements = dashboard.get("__elements");
    // A `dashboard.grafana.app` object holds the dashboard in `spec` (v1 or v2 schema).
    let body = dashboard
        .get("spec")
        .and_then(Value::as_object)
        .unwrap_or(dashboard);
    let mut uids: Vec<String> = Vec::new();
    let mut visit = |panel: &Value| {
        let Some(uid) = panel
            .get("libraryPanel")
            .and_then(|l| l.get("uid"))
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
        else {
            return;
        };
        if embedded_library_model(elements, uid).is_none() && !uids.iter().any(|u| u == uid) {
            uids.push(uid.to_string());
        }
    };
    for panel in list(body.get("panels")) {
        visit(panel);
        list(panel.get("panels")).iter().for_each(&mut visit);
    }
    // A v2 dashboard names them in its `LibraryPanel` elements, whose `spec` has the same
    // `libraryPanel` reference.
    if let Some(v2_elements) = body.get("elements").and_then(Value::as_object) {
        v2_elements
            .values()
            .filter(|e| e.get("kind").and_then(Value::as_str) == Some("LibraryPanel"))
            .filter_map(|e| e.get("spec"))
            .for_each(&mut visit);
    }
    for row in list(body.get("rows")) {
        list(row.get("panels")).iter().for_each(&mut visit);
    }
    uids
}

/// Put fetched models into `__elements`, keyed by uid, in the form Grafana exports.
pub fn embed_library_panels(dashboard: &mut Map<String, Value>, panels: Vec<LibraryPanel>) {
    if panels.is_empty() {
        return;
    }
    let elements = dashboard
        .entry("__elements")
        .or_insert_with(|| Value::Object(Map::new()));
    if !elements.is_object() {
        *elements = Value::Object(Map::new());
    }
    let Some(elements) = elements.as_object_mut() else {
        return;
    };
    for panel in panels {
        let mut element = Map::new();
        element.insert("uid".into(), Value::String(panel.uid.clone()));
        element.insert("name".into(), Value::String(panel.name));
        element.insert("kind".into(), Value::from(KIND_PANEL));
        element.insert("model".into(), Value::Object(panel.model));
        elements.insert(panel.uid, Value::Object(element));
    }
}

/// A library panel that could not be fetched, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfetched {
    pub uid: String,
    pub reason: String,
}

/// Fetch every library panel the dashboard needs, concurrently (one request per uid), and
/// embed those Grafana gave; the others are returned with the reason.
pub async fn fetch_library_panels(
    client: &GrafanaClient,
    dashboard: &mut Map<String, Value>,
) -> Vec<Unfetched> {
    let uids = library_uids_to_fetch(dashboard);
    let answers = futures::future::join_all(uids.iter().map(|uid| client.library_panel(uid))).await;
    let mut fetched = Vec::new();
    let mut unfetched = Vec::new();
    for (uid, answer) in uids.into_iter().zip(answers) {
        match answer {
            // Keyed by the uid the dashboard asked for, whatever the answer says.
            Ok(panel) => fetched.push(LibraryPanel { uid, ..panel }),
            Err(e) => unfetched.push(Unfetched {
                uid,
                reason: describe(&e),
            }),
        }
    }
    embed_library_panels(dashboard, fetched);
    unfetched
}

fn describe(error: &GrafanaError) -> String {
    match error {
        GrafanaError::Http {
            status, message, ..
        } => format!("Grafana answered {status} ({message})"),
        other => other.to_string(),
    }
}

/// Say on each placeholder (and in its diagnostic) why its model is missing.
pub fn mark_unfetched(loaded: &mut Loaded, unfetched: &[Unfetched]) {
    for panel in &mut loaded.dashboard.panels {
        if panel.panel_type != LIBRARY_PLACEHOLDER {
            continue;
        }
        let Some(uid) = panel.library_panel_uid.as_deref() else {
            continue;
        };
        let Some(missing) = unfetched.iter().find(|u| u.uid == uid) else {
            continue;
        };
        let message = format!(
            "library panel `{}`: {}; shown as a placeholder",
            sanitize(uid),
            missing.reason
        );
        let path = format!("{}.libraryPanel", panel.source_path);
        for d in loaded.diagnostics.iter_mut().filter(|d| d.path == path) {
            d.message = message.clone();
        }
        std::sync::Arc::make_mut(panel).library_panel_problem = Some(missing.reason.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn uids_of_v2_library_elements_are_fetched_and_embedded_beside_the_spec() {
        let mut object = obj(json!({
            "apiVersion": "dashboard.grafana.app/v2beta1",
            "kind": "Dashboard",
            "spec": {"elements": {
                "a": {"kind": "LibraryPanel", "spec": {"libraryPanel": {"uid": "lib-a"}}},
                "b": {"kind": "Panel", "spec": {"libraryPanel": {"uid": "not-a-library-element"}}},
                "c": {"kind": "LibraryPanel", "spec": {"libraryPanel": {"uid": "lib-a"}}}
            }, "layout": {}}
        }));
        assert_eq!(library_uids_to_fetch(&object), ["lib-a"]);
        let model = obj(json!({"type": "stat"}));
        embed_library_panels(
            &mut object,
            vec![LibraryPanel {
                uid: "lib-a".into(),
                name: "A".into(),
                model,
            }],
        );
        assert!(library_uids_to_fetch(&object).is_empty());
    }

    #[test]
    fn uids_to_fetch_are_found_everywhere_once_and_skip_embedded_ones() {
        let dashboard = obj(json!({
            "__elements": {
                "embedded": {"uid": "embedded", "model": {"type": "stat"}},
                // A model that is itself a reference is no model (the loader agrees).
                "self-ref": {"uid": "self-ref", "model": {"libraryPanel": {"uid": "self-ref"}}}
            },
            "panels": [
                {"id": 1, "libraryPanel": {"uid": "top", "name": "Top"}},
                {"id": 2, "libraryPanel": {"uid": "embedded"}},
                {"id": 3, "type": "row", "collapsed": true, "panels": [
                    {"id": 4, "libraryPanel": {"uid": "nested"}},
                    {"id": 5, "libraryPanel": {"uid": "top"}}
                ]},
                {"id": 6, "libraryPanel": {"uid": "self-ref"}},
                {"id": 7, "libraryPanel": {"uid": ""}},
                {"id": 8, "type": "stat"}
            ],
            "rows": [{"panels": [{"libraryPanel": {"uid": "legacy"}}]}]
        }));
        assert_eq!(
            library_uids_to_fetch(&dashboard),
            vec!["top", "nested", "self-ref", "legacy"]
        );
        assert!(library_uids_to_fetch(&obj(json!({"panels": 3}))).is_empty());
    }

    #[test]
    fn embedded_models_are_loaded_with_the_dashboards_place_and_title() {
        let mut dashboard = obj(json!({
            "uid": "d", "title": "D", "schemaVersion": 39,
            "panels": [
                {"id": 7, "title": "Shown title", "gridPos": {"x": 0, "y": 0, "w": 8, "h": 4},
                 "libraryPanel": {"uid": "lib-a", "name": "A"}},
                {"id": 8, "gridPos": {"x": 8, "y": 0, "w": 8, "h": 4},
                 "libraryPanel": {"uid": "lib-gone", "name": "Gone"}}
            ]
        }));
        let model = obj(json!({"id": 1, "type": "stat", "title": "Library title",
            "gridPos": {"x": 0, "y": 20, "w": 24, "h": 9},
            "targets": [{"refId": "A", "expr": "up"}]}));
        embed_library_panels(
            &mut dashboard,
            vec![LibraryPanel {
                uid: "lib-a".into(),
                name: "A".into(),
                model,
            }],
        );
        assert_eq!(library_uids_to_fetch(&dashboard), vec!["lib-gone"]);
        let text = Value::Object(dashboard).to_string();
        let mut loaded = crate::grafana::load::load_str(&text, "grafana:d").unwrap();
        mark_unfetched(
            &mut loaded,
            &[Unfetched {
                uid: "lib-gone".into(),
                reason: "Grafana answered 404 (library element could not be found)".into(),
            }],
        );
        let a = &loaded.dashboard.panels[0];
        assert_eq!(a.panel_type, "stat");
        assert_eq!((a.id, a.title.as_str()), (Some(7), "Shown title"));
        assert_eq!((a.grid.x, a.grid.y, a.grid.w, a.grid.h), (0, 0, 8, 4));
        assert_eq!(a.targets[0].expr, "up");
        assert_eq!(a.library_panel_problem, None);
        let gone = &loaded.dashboard.panels[1];
        assert_eq!(gone.panel_type, "library-panel");
        assert_eq!(
            gone.library_panel_problem.as_deref(),
            Some("Grafana answered 404 (library element could not be found)")
        );
        let diag = loaded
            .diagnostics
            .iter()
            .find(|d| d.path == "panels[1].libraryPanel")
            .unwrap();
        assert!(
            diag.message.contains("`lib-gone`") && diag.message.contains("404"),
            "{}",
            diag.message
        );
    }

    #[test]
    fn library_elements_decode_as_grafana_documents_them() {
        let answer = json!({"result": {"id": 1, "orgId": 1, "folderId": 0, "uid": "lib-a",
            "name": "CPU", "kind": 1, "type": "stat", "description": "", "version": 1,
            "model": {"type": "stat", "title": "CPU", "libraryPanel": {"uid": "lib-a"}},
            "meta": {"connectedDashboards": 1}}});
        let panel = parse_library_element(answer).unwrap();
        assert_eq!((panel.uid.as_str(), panel.name.as_str()), ("lib-a", "CPU"));
        assert_eq!(panel.model["type"], "stat");
        assert!(panel.model.get("libraryPanel").is_none());
        let variable = json!({"result": {"uid": "v", "kind": 2, "model": {}}});
        assert!(
            parse_library_element(variable)
                .unwrap_err()
                .contains("not a panel")
        );
        assert!(parse_library_element(json!({"result": {"uid": "x"}})).is_err());
        assert!(parse_library_element(json!([])).is_err());
    }
}
