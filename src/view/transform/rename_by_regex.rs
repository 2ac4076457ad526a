//! `renameByRegex` (grafana-data `transformers/renameByRegex.ts`): display names rewritten by a
//! JavaScript regex.

use serde_json::Value as Json;

use super::str_opt;
use crate::grafana::fields::js_regex;
use crate::view::frames::Frame;

/// JavaScript replacement patterns (`$1`, `$<name>`, `$$`) in the regex crate's syntax.
fn js_replacement(pattern: &str) -> String {
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                out.push_str("$$");
            }
            Some(d) if d.is_ascii_digit() => {
                let mut n = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    n.push(*d);
                    chars.next();
                }
                out.push_str(&format!("${{{n}}}"));
            }
            Some('<') => {
                chars.next();
                let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
                out.push_str(&format!("${{{name}}}"));
            }
            _ => out.push_str("$$"),
        }
    }
    out
}

/// renameByRegex: display names matching `regex` are replaced with `renamePattern` (the
/// first match only, unless the regex has JavaScript's `g` flag).
pub fn rename_by_regex(frames: Vec<Frame>, o: &Json) -> Result<Vec<Frame>, String> {
    let (Some(text), Some(pattern)) = (
        str_opt(o, "regex"),
        o.get("renamePattern").and_then(Json::as_str),
    ) else {
        return Ok(frames);
    };
    let re = js_regex(text).ok_or_else(|| format!("invalid regex {text:?}"))?;
    let global = text.starts_with('/') && text.rsplit('/').next().is_some_and(|f| f.contains('g'));
    let replacement = js_replacement(pattern);
    Ok(frames
        .into_iter()
        .map(|mut frame| {
            let names = frame.names();
            for (f, name) in frame.fields.iter_mut().zip(names) {
                if re.is_match(&name) {
                    let renamed = if global {
                        re.replace_all(&name, replacement.as_str())
                    } else {
                        re.replace(&name, replacement.as_str())
                    };
                    f.display_name = Some(renamed.into_owned());
                }
            }
            frame
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::transform::test_support::*;

    #[test]
    fn rename_by_regex_uses_js_replacement_groups() {
        let f = frame(
            "A",
            vec![n("Trend #Messages in", &[1.0]), n("Value", &[1.0])],
        );
        let out = rename_by_regex(
            vec![f],
            &json!({"regex": "Trend #(.*)", "renamePattern": "$1"}),
        )
        .unwrap();
        assert_eq!(names(&out[0]), ["Messages in", "Value"]);
        assert_eq!(js_replacement("$1x$$"), "${1}x$$");
    }
}
