//! LogQL's tokens: identifiers, strings (double-quoted with escapes, or back-quoted raw),
//! numbers with their unit (`5m`, `1.5`, `10KB`), and the operators of selectors, pipelines and
//! binary expressions. Each token keeps the byte offset where it starts, for messages.

use super::LogqlError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    /// A number with any unit letters that follow it (`5m`, `1h30m`, `0.99`, `20MB`).
    Num(String),
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    /// `|` before a pipeline stage.
    Pipe,
    /// `|=`, `!=`, `|~`, `!~`, `=`, `=~`, `==`, `>`, `>=`, `<`, `<=`.
    Op(&'static str),
    /// `+ - * / % ^`.
    Arith(char),
    Eof,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Str(text) => format!("string {text:?}"),
            Tok::Num(text) => format!("`{text}`"),
            Tok::LBrace => "`{`".into(),
            Tok::RBrace => "`}`".into(),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::LBracket => "`[`".into(),
            Tok::RBracket => "`]`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Pipe => "`|`".into(),
            Tok::Op(op) => format!("`{op}`"),
            Tok::Arith(c) => format!("`{c}`"),
            Tok::Eof => "the end of the query".into(),
        }
    }
}

/// A token and the byte offset it starts at.
pub type Spanned = (Tok, usize);

pub fn tokens(text: &str) -> Result<Vec<Spanned>, LogqlError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let two = bytes.get(i..i + 2).unwrap_or_default();
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                // A comment runs to the end of the line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                let (value, end) = quoted(text, i)?;
                i = end;
                Tok::Str(value)
            }
            b'`' => {
                let close = text[i + 1..]
                    .find('`')
                    .ok_or_else(|| LogqlError::at(i, "unclosed back-quoted string"))?;
                i += close + 2;
                Tok::Str(text[start + 1..i - 1].to_string())
            }
            b'0'..=b'9' | b'.' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
                Tok::Num(text[start..i].to_string())
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Tok::Ident(text[start..i].to_string())
            }
            _ => {
                let (tok, len) = operator(c, two).ok_or_else(|| {
                    let shown = text[i..].chars().next().unwrap_or('?');
                    LogqlError::at(i, format!("unexpected character {shown:?}"))
                })?;
                i += len;
                tok
            }
        };
        out.push((tok, start));
    }
    out.push((Tok::Eof, text.len()));
    Ok(out)
}

fn operator(c: u8, two: &[u8]) -> Option<(Tok, usize)> {
    let pair = match two {
        b"|=" => Some("|="),
        b"|~" => Some("|~"),
        b"!=" => Some("!="),
        b"!~" => Some("!~"),
        b"=~" => Some("=~"),
        b"==" => Some("=="),
        b">=" => Some(">="),
        b"<=" => Some("<="),
        _ => None,
    };
    if let Some(op) = pair {
        return Some((Tok::Op(op), 2));
    }
    Some((
        match c {
            b'{' => Tok::LBrace,
            b'}' => Tok::RBrace,
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b',' => Tok::Comma,
            b'|' => Tok::Pipe,
            b'=' => Tok::Op("="),
            b'>' => Tok::Op(">"),
            b'<' => Tok::Op("<"),
            b'+' | b'-' | b'*' | b'/' | b'%' | b'^' => Tok::Arith(c as char),
            _ => return None,
        },
        1,
    ))
}

/// A double-quoted string from `start` (the quote): its value and the offset after it.
fn quoted(text: &str, start: usize) -> Result<(String, usize), LogqlError> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((value, start + 1 + at + 1)),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, other)) => {
                    // Go's strconv.Unquote keeps only the escapes it knows; a regex escape
                    // such as `\d` must be written `\\d` in a double-quoted string.
                    if !matches!(other, '"' | '\\' | '\'' | 'r' | 'a' | 'b' | 'f' | 'v') {
                        return Err(LogqlError::at(
                            start + 1 + at,
                            format!(
                                "unknown escape `\\{other}` in a string (write `\\\\{other}`, or use back quotes)"
                            ),
                        ));
                    }
                    value.push(other);
                }
                None => break,
            },
            c => value.push(c),
        }
    }
    Err(LogqlError::at(start, "unclosed string"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_strings_and_numbers_are_told_apart() {
        let toks: Vec<Tok> = tokens(r#"{a=~"x\"y"} |= `raw\d` != "z" [5m] > 0.5"#)
            .unwrap()
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            toks,
            vec![
                Tok::LBrace,
                Tok::Ident("a".into()),
                Tok::Op("=~"),
                Tok::Str("x\"y".into()),
                Tok::RBrace,
                Tok::Op("|="),
                Tok::Str("raw\\d".into()),
                Tok::Op("!="),
                Tok::Str("z".into()),
                Tok::LBracket,
                Tok::Num("5m".into()),
                Tok::RBracket,
                Tok::Op(">"),
                Tok::Num("0.5".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn bad_strings_say_where() {
        assert_eq!(tokens(r#"{a="x}"#).unwrap_err().offset, 3);
        let escape = tokens(r#"{a=~"\d+"}"#).unwrap_err();
        assert!(escape.message.contains("\\d"), "{}", escape.message);
        assert!(tokens("{a=\"x\"} ; ").is_err());
    }
}
