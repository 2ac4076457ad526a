//! The file form of a dashboard exported from Grafana, made so that exporting an unchanged
//! dashboard again writes the same bytes: `id` and `version` (which differ between Grafana
//! instances and bump on every save) are dropped, object keys are sorted (Grafana never cares
//! about their order; arrays keep theirs), two-space indentation, one final newline.
//! Files go into folders named after Grafana's folders, as `<uid>.json`.
//!
//! A dashboard Grafana 12+ stores in the v2 schema comes as the object of its
//! `dashboard.grafana.app` API (`{"apiVersion", "kind", "metadata", "spec"}`) and is written as
//! that object, without the metadata the API server rewrites on every save or that differs
//! between instances (see [`VOLATILE_METADATA`]); `metadata.name` is the dashboard's uid.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// Top-level keys that change without the dashboard changing.
pub const VOLATILE_KEYS: &[&str] = &["id", "version"];

/// `metadata` keys of a v2 dashboard object kept by the API server, not by whoever edits the
/// dashboard: `uid` is the object's own id (not the dashboard's, which is `name`),
/// `resourceVersion` and `generation` bump on every save.
pub const VOLATILE_METADATA: &[&str] = &[
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "uid",
];

/// `metadata.annotations` Grafana rewrites on every save (who and when), and the one naming
/// who created the dashboard on this instance.
pub const VOLATILE_ANNOTATIONS: &[&str] = &[
    "grafana.app/updatedTimestamp",
    "grafana.app/updatedBy",
    "grafana.app/createdBy",
];

/// `metadata.labels` that differ between instances: the numeric id of the classic API.
pub const VOLATILE_LABELS: &[&str] = &["grafana.app/deprecatedInternalID"];

/// The annotation holding a v2 dashboard's folder uid.
pub const FOLDER_ANNOTATION: &str = "grafana.app/folder";

/// A dashboard object of Grafana's `dashboard.grafana.app` API (v2 schema, or v1 served
/// through it): `apiVersion` of that group and a `spec`.
pub fn is_dashboard_resource(root: &Map<String, Value>) -> bool {
    root.get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("dashboard.grafana.app/"))
        && root.get("spec").is_some_and(Value::is_object)
}

/// The stable value of a dashboard (volatile keys dropped, keys sorted at every level).
pub fn stable_value(dashboard: &Map<String, Value>) -> Value {
    let mut root = dashboard.clone();
    if is_dashboard_resource(&root) {
        drop_volatile_metadata(&mut root);
    } else {
        for key in VOLATILE_KEYS {
            root.remove(*key);
        }
    }
    sorted(Value::Object(root))
}

/// The server's bookkeeping out of a dashboard object: volatile metadata, annotations and
/// labels (emptied maps go too), and `status` (the server's report on the stored object,
/// such as a schema conversion, not part of the dashboard).
fn drop_volatile_metadata(root: &mut Map<String, Value>) {
    root.remove("status");
    let Some(Value::Object(metadata)) = root.get_mut("metadata") else {
        return;
    };
    for key in VOLATILE_METADATA {
        metadata.remove(*key);
    }
    for (map, volatile) in [
        ("annotations", VOLATILE_ANNOTATIONS),
        ("labels", VOLATILE_LABELS),
    ] {
        if let Some(Value::Object(entries)) = metadata.get_mut(map) {
            for key in volatile {
                entries.remove(*key);
            }
            if entries.is_empty() {
                metadata.remove(map);
            }
        }
    }
}

/// The stable text of a dashboard, as written to git.
pub fn stable_json(dashboard: &Map<String, Value>) -> String {
    let mut text =
        serde_json::to_string_pretty(&stable_value(dashboard)).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

/// Rebuild every object with its keys in order (whatever map serde_json was built with).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// A folder title or uid made safe as one path component: no separators, no control
/// characters, never `.`/`..`, never empty. Grafana allows any text in folder titles.
pub fn safe_component(text: &str) -> String {
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() || c == '\0' {
                '_'
            } else {
                c
            }
        })
        .collect();
    match cleaned.as_str() {
        "" | "." | ".." => "_".to_string(),
        _ => cleaned,
    }
}

/// Where a dashboard goes under the output folder: its Grafana folder path (the General
/// folder is the output folder itself), then `<uid>.json`.
pub fn relative_path(folder_path: &[String], uid: &str) -> PathBuf {
    let mut path: PathBuf = folder_path.iter().map(|t| safe_component(t)).collect();
    path.push(format!("{}.json", safe_component(uid)));
    path
}

/// How a pulled dashboard compares with the file in the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// Byte for byte what pull would write.
    Unchanged,
    /// No file with this uid yet.
    New,
    /// Same dashboard, written in another form (key order, spacing, `id`/`version`).
    FormatOnly,
    /// The dashboard differs.
    Changed,
    /// Same uid in another folder: the dashboard moved in Grafana (and may differ too).
    Moved { from: PathBuf },
}

impl FileStatus {
    pub fn differs(&self) -> bool {
        *self != FileStatus::Unchanged
    }

    pub fn describe(&self) -> String {
        match self {
            FileStatus::Unchanged => "unchanged".into(),
            FileStatus::New => "new (not in the output folder)".into(),
            FileStatus::FormatOnly => "same dashboard, not in the stable form".into(),
            FileStatus::Changed => "changed in Grafana".into(),
            FileStatus::Moved { from } => format!("moved in Grafana (was {})", from.display()),
        }
    }
}

/// Compare what pull would write at `target` with what is there, or at `existing` (the file
/// already holding this uid, if any).
pub fn compare(new_text: &str, target: &Path, existing: Option<(&Path, &str)>) -> FileStatus {
    let Some((path, old_text)) = existing else {
        return FileStatus::New;
    };
    if path != target {
        return FileStatus::Moved {
            from: path.to_path_buf(),
        };
    }
    if old_text == new_text {
        return FileStatus::Unchanged;
    }
    let same = match (
        serde_json::from_str::<Value>(old_text),
        serde_json::from_str::<Value>(new_text),
    ) {
        (Ok(Value::Object(old)), Ok(Value::Object(new))) => {
            stable_value(unwrapped(&old)) == stable_value(&new)
        }
        _ => false,
    };
    if same {
        FileStatus::FormatOnly
    } else {
        FileStatus::Changed
    }
}

/// A file may hold the API wrapper `{"dashboard": {...}}`; its dashboard is what counts.
pub fn unwrapped(root: &Map<String, Value>) -> &Map<String, Value> {
    match root.get("dashboard") {
        Some(Value::Object(inner)) if !root.contains_key("panels") => inner,
        _ => root,
    }
}

/// The uid a dashboard file holds (top level, inside the API wrapper, or the `metadata.name`
/// of a v2 dashboard object).
pub fn uid_of_file(text: &str) -> Option<String> {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let uid = if is_dashboard_resource(&root) {
        root.get("metadata").and_then(|m| m.get("name"))
    } else {
        unwrapped(&root).get("uid")
    };
    uid.and_then(Value::as_str)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn stable_form_drops_volatile_keys_sorts_keys_and_keeps_array_order() {
        let dashboard = object(json!({
            "version": 7, "title": "T", "id": 42, "uid": "abc",
            "panels": [{"type": "stat", "id": 2, "gridPos": {"y": 0, "x": 0}}, {"id": 1, "type": "row"}]
        }));
        let text = stable_json(&dashboard);
        assert_eq!(
            text,
            "{\n  \"panels\": [\n    {\n      \"gridPos\": {\n        \"x\": 0,\n        \"y\": 0\n      },\n      \
             \"id\": 2,\n      \"type\": \"stat\"\n    },\n    {\n      \"id\": 1,\n      \"type\": \"row\"\n    }\n  ],\n  \
             \"title\": \"T\",\n  \"uid\": \"abc\"\n}\n"
        );
        // A second export of the same dashboard (another version/id) is the same text.
        let mut again = dashboard.clone();
        again.insert("version".into(), json!(8));
        again.insert("id".into(), json!(99));
        assert_eq!(stable_json(&again), text);
    }

    #[test]
    fn paths_follow_folders_and_cannot_escape() {
        assert_eq!(
            relative_path(&["Platform".into(), "ML serving".into()], "gw"),
            PathBuf::from("Platform/ML serving/gw.json")
        );
        assert_eq!(relative_path(&[], "gw"), PathBuf::from("gw.json"));
        assert_eq!(
            relative_path(&["..".into(), "a/b".into()], "../../etc/passwd"),
            PathBuf::from("_/a_b/.._.._etc_passwd.json")
        );
        assert_eq!(safe_component(" \u{1b}x "), "_x");
    }

    #[test]
    fn comparison_tells_format_from_content() {
        let new = stable_json(&object(json!({"uid": "u", "title": "A"})));
        let target = Path::new("out/u.json");
        assert_eq!(compare(&new, target, None), FileStatus::New);
        assert_eq!(
            compare(&new, target, Some((target, &new))),
            FileStatus::Unchanged
        );
        let reordered = "{\"title\": \"A\", \"id\": null, \"version\": 1, \"uid\": \"u\"}";
        assert_eq!(
            compare(&new, target, Some((target, reordered))),
            FileStatus::FormatOnly
        );
        let edited = "{\"title\": \"B\", \"uid\": \"u\"}";
        assert_eq!(
            compare(&new, target, Some((target, edited))),
            FileStatus::Changed
        );
        let elsewhere = Path::new("out/old/u.json");
        assert!(matches!(
            compare(&new, target, Some((elsewhere, &new))),
            FileStatus::Moved { .. }
        ));
        assert_eq!(uid_of_file(reordered).as_deref(), Some("u"));
        assert_eq!(
            uid_of_file("{\"dashboard\": {\"uid\": \"w\"}}").as_deref(),
            Some("w")
        );
        assert_eq!(uid_of_file("not json"), None);
    }

    /// A v2 dashboard as `/apis/dashboard.grafana.app/v2beta1/...` answers it.
    fn v2_object(resource_version: &str, updated: &str) -> Map<String, Value> {
        object(json!({
            "apiVersion": "dashboard.grafana.app/v2beta1",
            "kind": "Dashboard",
            "metadata": {
                "name": "gw-v2",
                "namespace": "default",
                "uid": "1f0c6a9e-8d1b-4c52-9a7e-3b2f1d0e4c6a",
                "resourceVersion": resource_version,
                "generation": 3,
                "creationTimestamp": "2026-11-01T10:00:00Z",
                "managedFields": [{"manager": "grafana", "operation": "Update"}],
                "labels": {"grafana.app/deprecatedInternalID": "42"},
                "annotations": {
                    "grafana.app/folder": "f-service",
                    "grafana.app/createdBy": "user:admin",
                    "grafana.app/updatedBy": "user:admin",
                    "grafana.app/updatedTimestamp": updated
                }
            },
            "spec": {"title": "Gateway v2", "elements": {}, "layout": {"kind": "GridLayout"}},
            "status": {}
        }))
    }

    #[test]
    fn v2_objects_keep_the_dashboard_and_drop_the_servers_bookkeeping() {
        let text = stable_json(&v2_object("1741", "2026-11-30T10:00:00Z"));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            json!({
                "apiVersion": "dashboard.grafana.app/v2beta1",
                "kind": "Dashboard",
                "metadata": {
                    "name": "gw-v2",
                    "namespace": "default",
                    "annotations": {"grafana.app/folder": "f-service"}
                },
                "spec": {"title": "Gateway v2", "elements": {}, "layout": {"kind": "GridLayout"}}
            })
        );
        // Sorted keys, two spaces, one final newline, as for v1.
        assert_eq!(
            text,
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap())
        );
        // Saved again in Grafana (new resourceVersion, time): the same bytes.
        assert_eq!(
            stable_json(&v2_object("1802", "2026-12-01T08:00:00Z")),
            text
        );
        // `id` and `version` inside the spec are the dashboard's own and stay.
        let mut with_spec_id = v2_object("1", "t");
        with_spec_id["spec"]["id"] = json!(5);
        assert!(stable_json(&with_spec_id).contains("\"id\": 5"));
    }

    #[test]
    fn v2_files_are_found_by_name_and_compared_in_the_stable_form() {
        let new = stable_json(&v2_object("2", "later"));
        assert_eq!(uid_of_file(&new).as_deref(), Some("gw-v2"));
        let raw = serde_json::to_string(&Value::Object(v2_object("1", "earlier"))).unwrap();
        let target = Path::new("out/service/gw-v2.json");
        assert_eq!(
            compare(&new, target, Some((target, &raw))),
            FileStatus::FormatOnly
        );
        let mut edited = v2_object("3", "later");
        edited["spec"]["title"] = json!("Gateway v2 (edited)");
        assert_eq!(
            compare(&stable_json(&edited), target, Some((target, &new))),
            FileStatus::Changed
        );
        // A v1 dashboard with an `apiVersion` key of its own is not taken for an object.
        assert!(!is_dashboard_resource(&object(
            json!({"apiVersion": "v1", "uid": "u", "spec": {}})
        )));
    }
}
