//! A small YAML writer: the generator builds a tree of [`Node`]s in a fixed order and this
//! turns it into block YAML. Strings are always double-quoted (JSON escapes are valid YAML), so
//! no value is ever read back as a number, a boolean or `null` by accident.

/// A YAML value with its keys in the order they were added.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }

    pub fn map() -> Node {
        Node::Map(Vec::new())
    }

    /// Adds `key: value` to a map (no effect on other nodes); returns the map for chaining.
    pub fn with(mut self, key: &str, value: Node) -> Node {
        if let Node::Map(entries) = &mut self {
            entries.push((key.to_string(), value));
        }
        self
    }

    pub fn strs<S: AsRef<str>>(items: &[S]) -> Node {
        Node::List(items.iter().map(|s| Node::str(s.as_ref())).collect())
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Node::List(_) | Node::Map(_))
    }

    fn is_empty_collection(&self) -> bool {
        match self {
            Node::List(items) => items.is_empty(),
            Node::Map(entries) => entries.is_empty(),
            _ => false,
        }
    }
}

/// The document text, ending with a newline; `header` lines become `# ` comments on top.
pub fn to_yaml(root: &Node, header: &[&str]) -> String {
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
    match root {
        Node::Map(entries) => emit_map(entries, 0, &mut out),
        Node::List(items) => emit_list(items, 0, &mut out),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

fn scalar_text(node: &Node) -> String {
    match node {
        Node::Str(s) => serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()),
        Node::Int(i) => i.to_string(),
        Node::Float(f) if f.is_finite() => {
            let text = format!("{f}");
            if text.contains(['.', 'e', 'E']) {
                text
            } else {
                format!("{text}.0")
            }
        }
        Node::Float(f) if f.is_nan() => ".nan".into(),
        Node::Float(f) if *f > 0.0 => ".inf".into(),
        Node::Float(_) => "-.inf".into(),
        Node::Bool(b) => b.to_string(),
        Node::List(items) if items.is_empty() => "[]".into(),
        Node::Map(entries) if entries.is_empty() => "{}".into(),
        Node::List(items) => {
            let inner: Vec<String> = items.iter().map(scalar_text).collect();
            format!("[{}]", inner.join(", "))
        }
        Node::Map(_) => "{}".into(),
    }
}

fn key_text(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
    // YAML 1.1 readers (go-yaml v2) take these for booleans or null even as keys.
    let ambiguous = matches!(
        key.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
    );
    if plain && !ambiguous {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_else(|_| "\"\"".into())
    }
}

/// A short list of scalars is written inline (`["a", "b"]`), which keeps matchers readable.
fn inline_list(node: &Node) -> bool {
    matches!(node, Node::List(items) if items.iter().all(Node::is_scalar))
        && scalar_text(node).len() <= 72
}

fn emit_map(entries: &[(String, Node)], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (key, value) in entries {
        let key = key_text(key);
        if value.is_scalar() || value.is_empty_collection() || inline_list(value) {
            out.push_str(&format!("{pad}{key}: {}\n", scalar_text(value)));
        } else {
            out.push_str(&format!("{pad}{key}:\n"));
            match value {
                Node::Map(inner) => emit_map(inner, indent + 2, out),
                Node::List(items) => emit_list(items, indent + 2, out),
                _ => {}
            }
        }
    }
}

fn emit_list(items: &[Node], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                // The first key goes on the dash line, the others line up under it.
                let mut block = String::new();
                emit_map(entries, indent + 2, &mut block);
                let rest = &block[indent + 2..];
                out.push_str(&format!("{pad}- {rest}"));
            }
            Node::List(inner) if !inline_list(item) => {
                out.push_str(&format!("{pad}-\n"));
                emit_list(inner, indent + 2, out);
            }
            scalar => out.push_str(&format!("{pad}- {}\n", scalar_text(scalar))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_maps_and_lists_are_block_yaml_that_parses_back() {
        let doc = Node::map()
            .with("apiVersion", Node::Int(1))
            .with(
                "items",
                Node::List(vec![
                    Node::map()
                        .with("name", Node::str("a: b"))
                        .with("matchers", Node::strs(&["severity", "=", "critical"]))
                        .with("nested", Node::map().with("on", Node::Bool(true))),
                    Node::map()
                        .with("ratio", Node::Float(0.5))
                        .with("n", Node::Float(3.0)),
                ]),
            )
            .with("empty", Node::List(vec![]));
        let text = to_yaml(&doc, &["generated"]);
        assert_eq!(
            text,
            "# generated\napiVersion: 1\nitems:\n  - name: \"a: b\"\n    matchers: [\"severity\", \"=\", \"critical\"]\n    nested:\n      \"on\": true\n  - ratio: 0.5\n    \"n\": 3.0\nempty: []\n"
        );
        let back: serde_json::Value = yaml_serde::from_str(&text).unwrap();
        assert_eq!(back["items"][0]["name"], "a: b");
        assert_eq!(back["items"][0]["nested"]["on"], true);
        assert_eq!(back["items"][1]["n"], 3.0);
    }

    #[test]
    fn strings_that_look_like_other_types_stay_strings() {
        let doc = Node::map()
            .with("a", Node::str("true"))
            .with("b", Node::str("0.5"))
            .with("c", Node::str("line\nbreak \"quoted\""));
        let back: serde_json::Value = yaml_serde::from_str(&to_yaml(&doc, &[])).unwrap();
        assert_eq!(back["a"], "true");
        assert_eq!(back["b"], "0.5");
        assert_eq!(back["c"], "line\nbreak \"quoted\"");
    }
}
