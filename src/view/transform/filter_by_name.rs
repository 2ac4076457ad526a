//! `filterFieldsByName` (grafana-data `transformers/filterByName.ts`): keep or drop fields by
//! name or pattern.

use serde_json::Value as Json;

use super::str_opt;
use crate::grafana::fields::js_regex;
use crate::view::frames::Frame;

/// A field-name rule: exact names, and/or a pattern.
type NameRule = (Vec<String>, Option<regex::Regex>);

fn names_and_pattern(o: Option<&Json>) -> Result<Option<NameRule>, String> {
    let Some(o) = o else { return Ok(None) };
    let names: Vec<String> = o
        .get("names")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let pattern = match str_opt(o, "pattern") {
        Some(p) => Some(js_regex(p).ok_or_else(|| format!("invalid pattern {p:?}"))?),
        None => None,
    };
    if names.is_empty() && pattern.is_none() {
        return Ok(None);
    }
    Ok(Some((names, pattern)))
}

/// filterFieldsByName: keep the fields `include` names or matches, then drop those `exclude`
/// names or matches.
pub fn filter_fields_by_name(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let include = names_and_pattern(o.get("include"))?;
    let exclude = names_and_pattern(o.get("exclude"))?;
    let hit = |rule: &NameRule, name: &str| {
        rule.0.iter().any(|n| n == name) || rule.1.as_ref().is_some_and(|re| re.is_match(name))
    };
    Ok(frames
        .into_iter()
        .map(|mut frame| {
            let mut keep = frame.names().into_iter().map(|name| {
                include.as_ref().is_none_or(|r| hit(r, &name))
                    && !exclude.as_ref().is_some_and(|r| hit(r, &name))
            });
            frame.fields.retain(|_| keep.next().unwrap_or(true));
            frame
        })
        .filter(|f| !f.fields.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn filter_fields_by_name_include_names_and_pattern() {
        let f = frame(
            "A",
            vec![
                t(&[1]),
                s("job", &["a"]),
                n("Value #A", &[1.0]),
                n("Value #B", &[2.0]),
            ],
        );
        let by_names = filter_fields_by_name(
            vec![f.clone()],
            &json!({"include": {"names": ["job", "Value #B"]}}),
        )
        .unwrap();
        assert_eq!(names(&by_names[0]), ["job", "Value #B"]);
        let by_pattern =
            filter_fields_by_name(vec![f.clone()], &json!({"include": {"pattern": "Value.*"}}))
                .unwrap();
        assert_eq!(names(&by_pattern[0]), ["Value #A", "Value #B"]);
        // A bare pattern is anchored (`^Value$`), as Grafana's stringToJsRegex does; slashes
        // keep it unanchored.
        let bare = json!({"include": {"pattern": "Value"}});
        assert!(
            filter_fields_by_name(vec![f.clone()], &bare)
                .unwrap()
                .is_empty()
        );
        let slashed = json!({"include": {"pattern": "/#B/"}});
        let slashed = filter_fields_by_name(vec![f.clone()], &slashed).unwrap();
        assert_eq!(names(&slashed[0]), ["Value #B"]);
        let excluded =
            filter_fields_by_name(vec![f], &json!({"exclude": {"names": ["Time"]}})).unwrap();
        assert_eq!(names(&excluded[0]), ["job", "Value #A", "Value #B"]);
        assert!(filter_fields_by_name(vec![], &json!({"include": {"pattern": "("}})).is_err());
    }
}
