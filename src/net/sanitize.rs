//! Text that came from the network is made safe to draw before anything else sees it.
//!
//! Label values, error messages and log lines may carry terminal control sequences (an OSC 52
//! clipboard write, a title change, a cursor move). Every C0 and C1 control character is
//! replaced by a visible escape (`\x1b` → `␛`-style `\u{241B}`, others by U+FFFD) so the sequence
//! is shown inertly instead of interpreted.

/// Replace control characters (C0, DEL, C1) with visible, inert characters.
pub fn sanitize(text: &str) -> String {
    if !text.chars().any(is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\u{1b}' => '\u{241B}', // ␛ SYMBOL FOR ESCAPE
            '\t' => ' ',
            c if is_control(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

fn is_control(c: char) -> bool {
    let code = c as u32;
    code < 0x20 || code == 0x7f || (0x80..0xa0).contains(&code)
}

/// Show a URL without its credentials: `https://user:pass@host/` → `https://***@host/`.
pub fn redact_url(url: &str) -> String {
    match url.find("://") {
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{}://***@{}", &url[..scheme_end], &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_cannot_reach_the_terminal() {
        let hostile = "pod\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{9b}31m";
        let clean = sanitize(hostile);
        assert!(!clean.chars().any(is_control), "{clean:?}");
        assert!(clean.starts_with("pod\u{241B}]52"));
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(sanitize("api-server:8080 µs ✓"), "api-server:8080 µs ✓");
    }

    #[test]
    fn credentials_are_redacted_from_urls() {
        assert_eq!(
            redact_url("https://admin:s3cret@prom.example:9090/api?x=1"),
            "https://***@prom.example:9090/api?x=1"
        );
        assert_eq!(redact_url("http://localhost:9090"), "http://localhost:9090");
        assert_eq!(
            redact_url("http://host/path@notuser"),
            "http://host/path@notuser"
        );
    }
}
