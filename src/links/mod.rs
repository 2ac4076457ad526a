//! Hand-off links: the Grafana URL of exactly what is on screen, and the terminal escapes that
//! put a link on the clipboard (OSC 52) or make it clickable (OSC 8). Pure string building.

pub mod drilldown;
pub mod open;

use std::collections::BTreeMap;

/// What the screen shows, for its Grafana URL.
#[derive(Debug, Clone)]
pub struct ViewLink<'a> {
    pub base_url: &'a str,
    /// Grafana's organisation of the dashboard (`orgId`; 1 when not known).
    pub org_id: i64,
    pub uid: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    /// Variable name → selected values (`$__all` for All).
    pub variables: &'a BTreeMap<String, Vec<String>>,
    /// The focused panel's id when one panel is shown fullscreen.
    pub view_panel: Option<i64>,
}

/// `/d/<uid>?orgId=<org>&from=…&to=…&var-x=a&var-x=b&viewPanel=<id>` as Grafana writes it: relative
/// times kept (`now-1h`), absolute ones as epoch milliseconds, multi values repeated, All as
/// `All`, every part percent-encoded.
pub fn grafana_url(view: &ViewLink) -> String {
    let mut url = format!(
        "{}/d/{}?orgId={}",
        view.base_url.trim_end_matches('/'),
        encode(view.uid),
        view.org_id
    );
    url.push_str(&format!(
        "&from={}&to={}",
        encode(&time_param(view.from)),
        encode(&time_param(view.to))
    ));
    for (name, values) in view.variables {
        for value in values {
            let value = if value == "$__all" {
                "All"
            } else {
                value.as_str()
            };
            url.push_str(&format!("&var-{}={}", encode(name), encode(value)));
        }
    }
    if let Some(id) = view.view_panel {
        url.push_str(&format!("&viewPanel={id}"));
    }
    url
}

/// Grafana keeps relative times as written; absolute ones become epoch milliseconds.
fn time_param(time: &str) -> String {
    if time.starts_with("now") {
        return time.to_string();
    }
    chrono::DateTime::parse_from_rfc3339(time)
        .map(|t| t.timestamp_millis().to_string())
        .unwrap_or_else(|_| time.to_string())
}

/// Percent-encoding of a query component (everything but unreserved characters).
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// OSC 52: ask the terminal to put `text` on the clipboard (works over SSH). Inside tmux the
/// sequence is wrapped for passthrough.
pub fn osc52_copy(text: &str, inside_tmux: bool) -> String {
    let sequence = format!(
        "\u{1b}]52;c;{}\u{7}",
        base64(strip_controls(text).as_bytes())
    );
    if inside_tmux {
        format!(
            "\u{1b}Ptmux;{}\u{1b}\\",
            sequence.replace('\u{1b}', "\u{1b}\u{1b}")
        )
    } else {
        sequence
    }
}

/// OSC 8: `label` as a clickable link to `url` (control characters removed from both, so a
/// link can never carry an escape of its own).
pub fn osc8_link(url: &str, label: &str) -> String {
    format!(
        "\u{1b}]8;;{}\u{1b}\\{}\u{1b}]8;;\u{1b}\\",
        strip_controls(url),
        strip_controls(label)
    )
}

fn strip_controls(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The dashboard uid a Grafana dashboard URL names (`…/d/<uid>` or `…/d/<uid>/<slug>`).
pub fn dashboard_uid_in(url: &str) -> Option<&str> {
    let path = url.split(['?', '#']).next()?;
    let (_, rest) = path.split_once("/d/")?;
    let uid = rest.split('/').next()?;
    (!uid.is_empty()).then_some(uid)
}

#[cfg(test)]
mod dashboard_uid_tests {
    use super::dashboard_uid_in;

    #[test]
    fn the_uid_of_a_dashboard_url() {
        assert_eq!(dashboard_uid_in("https://g/d/gw?var-x=1"), Some("gw"));
        assert_eq!(
            dashboard_uid_in("/d/node-exporter/node-exporter-full"),
            Some("node-exporter")
        );
        assert_eq!(dashboard_uid_in("https://g/explore?left=/d/x"), None);
        assert_eq!(dashboard_uid_in("https://runbooks.example.com/x"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grafana_url_of_a_live_view_with_multi_values() {
        let vars: BTreeMap<String, Vec<String>> = [
            ("env".to_string(), vec!["production".to_string()]),
            (
                "instance".to_string(),
                vec!["gw-1:8080".to_string(), "gw 2".to_string()],
            ),
            ("cluster".to_string(), vec!["$__all".to_string()]),
        ]
        .into();
        let view = ViewLink {
            base_url: "https://grafana.example/",
            org_id: 1,
            uid: "inference-gateway",
            from: "now-1h",
            to: "now",
            variables: &vars,
            view_panel: Some(7),
        };
        assert_eq!(
            grafana_url(&view),
            "https://grafana.example/d/inference-gateway?orgId=1&from=now-1h&to=now&var-cluster=All&var-env=production&var-instance=gw-1%3A8080&var-instance=gw%202&viewPanel=7"
        );
    }

    #[test]
    fn absolute_ranges_are_epoch_milliseconds() {
        let vars = BTreeMap::new();
        let view = ViewLink {
            base_url: "http://g",
            org_id: 1,
            uid: "u",
            from: "2026-11-24T10:00:00Z",
            to: "2026-11-24T11:00:00Z",
            variables: &vars,
            view_panel: None,
        };
        assert_eq!(
            grafana_url(&view),
            "http://g/d/u?orgId=1&from=1795514400000&to=1795518000000"
        );
    }

    #[test]
    fn a_dashboard_of_another_organisation_says_so() {
        let vars = BTreeMap::new();
        let view = ViewLink {
            base_url: "https://grafana.example",
            org_id: 2,
            uid: "gw",
            from: "now-1h",
            to: "now",
            variables: &vars,
            view_panel: None,
        };
        assert_eq!(
            grafana_url(&view),
            "https://grafana.example/d/gw?orgId=2&from=now-1h&to=now"
        );
    }

    #[test]
    fn clipboard_and_hyperlink_escapes() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi!"), "aGkh");
        assert_eq!(osc52_copy("hi!", false), "\u{1b}]52;c;aGkh\u{7}");
        assert!(osc52_copy("hi!", true).starts_with("\u{1b}Ptmux;\u{1b}\u{1b}]52;c;aGkh"));
        let link = osc8_link("http://x/\u{1b}]52;c;evil\u{7}", "x");
        assert_eq!(
            link.matches('\u{1b}').count(),
            4,
            "only the link's own escapes: {link:?}"
        );
    }
}
