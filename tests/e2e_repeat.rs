//! A repeated dashboard keeps the session's settings: when repeats change the panel set after the
//! first refresh, the page is rebuilt but the Loki address and the Grafana URL are the session's
//! and stay (they were lost when the whole app state was rebuilt).

mod support;
use support::{BIN, Tmux, start_demo};

#[test]
fn after_repeats_expand_logs_reach_loki_and_links_use_the_grafana_url() {
    let demo = start_demo();
    let dashboard = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dashboards/repeat_session.json"
    );
    let command = format!(
        "env -u TMUX -u BROWSER -u DISPLAY -u WAYLAND_DISPLAY TRIAGE_NO_HYPERLINKS=1 \
         TRIAGE_GRAFANA_URL=https://grafana.example.org {BIN} view {dashboard} --prometheus {} \
         --loki {}; echo TRIAGE-EXITED-$?; sleep 60",
        demo.prometheus,
        demo.url("loki"),
    );
    let tmux = Tmux::start("repeat", &command);
    // Both copies drawn: the repeat expanded the one panel into two after the first refresh.
    let screen = tmux.wait_until(
        "both repeated panels",
        |s| s.contains("Requests in production") && s.contains("Requests in staging"),
        60,
    );
    assert!(!screen.contains("Requests in $environment"), "{screen}");
    // Wait for data so the page has been replaced by its expanded form for good.
    tmux.wait_for("gw-");

    // g: the focused copy's logs come from Loki, not "no Loki configured".
    tmux.keys(&["g"]);
    let logs = tmux.wait_until(
        "the log pane answered",
        |s| s.contains("newest first") || s.contains("no Loki configured"),
        30,
    );
    assert!(!logs.contains("no Loki configured"), "{logs}");
    assert!(logs.contains("level="), "log lines from Loki:\n{logs}");
    assert!(
        logs.contains("Explore https://grafana.example.org/explore?"),
        "the Explore URL is on the session's Grafana:\n{logs}"
    );
    tmux.keys(&["Escape"]);

    // y: the link to the view is on the session's Grafana, not localhost:3000.
    tmux.keys(&["y"]);
    let copied = tmux.wait_for("copied: ");
    assert!(
        copied.contains("copied: https://grafana.example.org/d/repeat-session"),
        "{copied}"
    );
    assert!(!copied.contains("localhost:3000"), "{copied}");

    tmux.keys(&["q"]);
    tmux.wait_for("TRIAGE-EXITED-0");
    drop(demo);
}
