//! From text to a JSON value: strict JSON first, then JSON with comments and trailing commas
//! (with a warning each); and the HTTP API's `{"dashboard": ...}` wrapper.

use serde_json::{Map, Value};

use super::LoadError;
use crate::grafana::model::{Diagnostic, Severity};

pub(super) fn parse_json(
    text: &str,
    source: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<Value, LoadError> {
    let strict_err = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let relaxed = relax_json(text);
    if relaxed.notes.is_empty() {
        return Err(json_error(source, &strict_err));
    }
    match serde_json::from_str::<Value>(&relaxed.text) {
        Ok(v) => {
            for note in relaxed.notes {
                diags.push(Diagnostic {
                    severity: Severity::Warning,
                    path: String::new(),
                    message: format!(
                        "line {}: {} (Grafana accepts only strict JSON)",
                        note.line, note.what
                    ),
                });
            }
            Ok(v)
        }
        // Positions are the same in both texts: the relaxed one only blanks bytes.
        Err(e) => Err(json_error(source, &e)),
    }
}

fn json_error(source: &str, e: &serde_json::Error) -> LoadError {
    let full = e.to_string();
    let message = match full.rsplit_once(" at line ") {
        Some((msg, _)) => msg.to_owned(),
        None => full,
    };
    let message = match e.classify() {
        serde_json::error::Category::Eof => format!("invalid JSON: {message} (file is truncated?)"),
        _ => format!("invalid JSON: {message}"),
    };
    LoadError {
        file: source.to_owned(),
        line: (e.line() > 0).then_some(e.line()),
        column: (e.line() > 0).then_some(e.column()),
        message,
    }
}

struct RelaxNote {
    line: usize,
    what: &'static str,
}

struct Relaxed {
    text: String,
    notes: Vec<RelaxNote>,
}

/// Blank out `//` and `/* */` comments and trailing commas, keeping every other byte (and so
/// every line and column) where it was.
fn relax_json(text: &str) -> Relaxed {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut notes = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let mut in_string = false;
    // Position and line of the last comma outside strings not yet followed by a value.
    let mut pending_comma: Option<(usize, usize)> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                b'\n' => line += 1,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'\n' => line += 1,
            b' ' | b'\t' | b'\r' => {}
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                notes.push(RelaxNote {
                    line,
                    what: "`//` comment ignored",
                });
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                notes.push(RelaxNote {
                    line,
                    what: "`/* */` comment ignored",
                });
                let mut j = i;
                while j < bytes.len() && !(bytes[j] == b'*' && bytes.get(j + 1) == Some(&b'/')) {
                    if bytes[j] == b'\n' {
                        line += 1;
                    } else {
                        out[j] = b' ';
                    }
                    j += 1;
                }
                // Blank the closing `*/` too (when the comment is unterminated, JSON fails later).
                let close_end = (j + 2).min(bytes.len());
                out[j..close_end].fill(b' ');
                i = j + 2;
                continue;
            }
            b',' => pending_comma = Some((i, line)),
            b'}' | b']' => {
                if let Some((pos, comma_line)) = pending_comma.take() {
                    out[pos] = b' ';
                    notes.push(RelaxNote {
                        line: comma_line,
                        what: "trailing comma ignored",
                    });
                }
            }
            b'"' => {
                in_string = true;
                pending_comma = None;
            }
            _ => pending_comma = None,
        }
        i += 1;
    }
    // Only ASCII bytes outside strings were replaced by spaces, so this stays UTF-8; fall back
    // to the original text (and its error) if that ever failed.
    let text = String::from_utf8(out).unwrap_or_else(|_| text.to_owned());
    Relaxed { text, notes }
}

/// `{"dashboard": {...}, "overwrite": ...}` (POST body) or `{"dashboard":..,"meta":..}` (GET).
pub(super) fn unwrap_api_form(
    mut root: Map<String, Value>,
    diags: &mut Vec<Diagnostic>,
) -> Map<String, Value> {
    let looks_wrapped = matches!(root.get("dashboard"), Some(Value::Object(_)))
        && !root.contains_key("panels")
        && !root.contains_key("rows");
    if !looks_wrapped {
        return root;
    }
    let Some(Value::Object(inner)) = root.remove("dashboard") else {
        return root;
    };
    diags.push(Diagnostic {
        severity: Severity::Warning,
        path: "dashboard".into(),
        message: "file is an HTTP API wrapper ({\"dashboard\": ...}); loaded its `dashboard`, \
                  but Grafana's file provisioning rejects this form (\"Dashboard title cannot \
                  be empty\"): save the inner object instead"
            .into(),
    });
    inner
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relax_blanks_comments_and_trailing_commas_in_place() {
        let text = "{\n  // note\n  \"a\": [1, 2,],\n  /* x\n y */ \"b\": \"//not a comment\",\n}";
        let r = relax_json(text);
        assert_eq!(r.text.len(), text.len());
        let v: Value = serde_json::from_str(&r.text).expect("relaxed text parses");
        assert_eq!(v, json!({"a": [1, 2], "b": "//not a comment"}));
        let lines: Vec<usize> = r.notes.iter().map(|n| n.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
    }
}
