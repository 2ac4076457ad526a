//! `organize` (grafana-data `transformers/organize.ts`): exclude, reorder and rename fields.

use serde_json::Value as Json;

use crate::view::frames::{Field, Frame};

/// organize: exclude, order (`indexByName`, unlisted fields last in their order), rename.
pub fn organize(frames: Vec<Frame>, o: &Json) -> Vec<Frame> {
    let excluded = |name: &str| {
        o.pointer("/excludeByName")
            .and_then(|e| e.get(name))
            .and_then(Json::as_bool)
            .unwrap_or(false)
    };
    let index = |name: &str| {
        o.pointer("/indexByName")
            .and_then(|e| e.get(name))
            .and_then(Json::as_i64)
            .unwrap_or(i64::MAX)
    };
    frames
        .into_iter()
        .map(|mut frame| {
            // Grafana runs these as three steps, each naming the fields afresh.
            // `includeByName` (newer Grafana): when given, only the fields it marks true stay.
            let included = |name: &str| match o.get("includeByName").and_then(Json::as_object) {
                Some(inc) if !inc.is_empty() => {
                    inc.get(name).and_then(Json::as_bool).unwrap_or(false)
                }
                _ => true,
            };
            let keep: Vec<bool> = frame
                .names()
                .iter()
                .map(|n| !excluded(n) && included(n))
                .collect();
            let mut keep = keep.into_iter();
            frame.fields.retain(|_| keep.next().unwrap_or(true));
            let mut named: Vec<(String, Field)> =
                frame.names().into_iter().zip(frame.fields).collect();
            named.sort_by_key(|(n, _)| index(n));
            frame.fields = named.into_iter().map(|(_, f)| f).collect();
            let names = frame.names();
            for (f, name) in frame.fields.iter_mut().zip(names) {
                if let Some(to) = o
                    .pointer("/renameByName")
                    .and_then(|r| r.get(&name))
                    .and_then(Json::as_str)
                    .filter(|t| !t.is_empty())
                {
                    f.display_name = Some(to.to_string());
                }
            }
            frame
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn organize_excludes_orders_and_renames() {
        let f = frame(
            "A",
            vec![
                t(&[1]),
                s("job", &["a"]),
                s("instance", &["i"]),
                n("Value", &[1.0]),
            ],
        );
        let out = organize(
            vec![f],
            &json!({"excludeByName": {"Time": true}, "indexByName": {"instance": 0, "Value": 1},
                    "renameByName": {"Value": "Up", "job": ""}}),
        );
        // Unlisted `job` goes last; an empty rename keeps the name.
        assert_eq!(names(&out[0]), ["instance", "Up", "job"]);
        let only = organize(out, &json!({"includeByName": {"job": true, "Up": false}}));
        assert_eq!(names(&only[0]), ["job"]);
    }
}
