//! Opening a link in a local browser, when the machine has one: `$BROWSER`, else `xdg-open`
//! under a graphical session. Over SSH there is neither, and the caller copies the link.

use std::process::{Command, Stdio};

/// The command that would open a URL here, if any.
pub fn browser_command(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(browser) = env("BROWSER").filter(|b| !b.trim().is_empty()) {
        // `$BROWSER` may list several, colon-separated; the first is tried.
        return browser.split(':').next().map(|b| b.trim().to_string());
    }
    let graphical = env("DISPLAY").is_some_and(|d| !d.is_empty())
        || env("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
    (graphical && on_path("xdg-open")).then(|| "xdg-open".to_string())
}

fn on_path(binary: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(binary).is_file()))
}

/// Start the browser on a URL, detached from the terminal (it must never draw into the UI).
/// Blocks until the command has been started, so call it off the UI task.
pub fn open_in_browser(command: &str, url: &str) -> Result<(), String> {
    let mut parts = command.split_whitespace();
    let program = parts.next().ok_or("empty browser command")?;
    Command::new(program)
        .args(parts)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("{program}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_from_the_environment_else_none_over_ssh() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            browser_command(&env(&[("BROWSER", "firefox:chromium")])).as_deref(),
            Some("firefox")
        );
        assert_eq!(
            browser_command(&env(&[("SSH_CONNECTION", "1 2 3 4")])),
            None
        );
    }
}
