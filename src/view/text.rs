//! Text panels rendered plainly for a terminal: markdown headings, lists, links and emphasis
//! become readable lines; HTML loses its tags.

/// Markdown → lines: `# Title` → `TITLE`, `**b**`/`*i*`/`` `c` `` → their text,
/// `[label](url)` → `label (url)`, lists keep their bullets.
pub fn markdown_to_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_code = false;
    for raw in markdown.lines() {
        let line = raw.trim_end();
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            lines.push(format!("    {line}"));
            continue;
        }
        let trimmed = line.trim_start();
        let text = if let Some(heading) = trimmed.strip_prefix('#') {
            inline(heading.trim_start_matches('#').trim()).to_uppercase()
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            format!(
                "{}• {}",
                " ".repeat(line.len() - trimmed.len()),
                inline(item)
            )
        } else {
            inline(line)
        };
        lines.push(text);
    }
    lines
}

/// Inline markdown: links, emphasis and code marks.
fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|c| open + c) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|e| close + e) else {
            break;
        };
        out.push_str(&rest[..open]);
        let label = &rest[open + 1..close];
        let url = &rest[close + 2..end];
        out.push_str(&format!("{label} ({url})"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out.replace("**", "").replace("__", "").replace('`', "")
}

/// HTML → lines: tags removed, block tags start new lines, common entities decoded.
pub fn html_to_lines(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>').map(|c| open + c) else {
            break;
        };
        let tag = rest[open + 1..close]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        if ["br", "p", "div", "li", "h1", "h2", "h3", "tr"]
            .iter()
            .any(|t| tag.starts_with(t))
        {
            text.push('\n');
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    text.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_reads_plainly() {
        let lines = markdown_to_lines(
            "# Runbook\nCheck **latency** in `p99`.\n- see [the docs](https://x/y)\n```\nkubectl get pods\n```",
        );
        assert_eq!(
            lines,
            vec![
                "RUNBOOK",
                "Check latency in p99.",
                "• see the docs (https://x/y)",
                "    kubectl get pods"
            ]
        );
    }

    #[test]
    fn html_loses_its_tags() {
        assert_eq!(
            html_to_lines("<h1>Hi</h1><p>a &amp; b<br/>c</p>"),
            vec!["Hi", "a & b", "c"]
        );
    }
}
