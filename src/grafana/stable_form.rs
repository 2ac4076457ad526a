//! The file form of a dashboard exported from Grafana, made so that exporting an unchanged
//! dashboard again writes the same bytes: `id` and `version` (which differ between Grafana
//! instances and bump on every save) are dropped, object keys are sorted (Grafana never cares
//! about their order; arrays keep theirs), two-space indentation, one final newline.
//! Files go into folders named after Grafana's folders, as `<uid>.json`.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// Top-level keys that change without the dashboard changing.
pub const VOLATILE_KEYS: &[&str] = &["id", "version"];

/// The stable value of a dashboard (volatile keys dropped, keys sorted at every level).
pub fn stable_value(dashboard: &Map<String, Value>) -> Value {
    let mut root = dashboard.clone();
    for key in VOLATILE_KEYS {
        root.remove(*key);
    }
    sorted(Value::Object(root))
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

/// The uid a dashboard file holds (top level, or inside the API wrapper).
pub fn uid_of_file(text: &str) -> Option<String> {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    unwrapped(&root)
        .get("uid")
        .and_then(Value::as_str)
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
}
