//! The layering the code keeps (docs/architecture.md), checked from the source: which of the
//! crate's own modules and which external crates each top-level module may use. A module never
//! imports one above it; only `net` speaks HTTP (reqwest); only `tui` and the command line
//! touch the terminal (ratatui, crossterm); async runtime use stays where tasks are run.
//!
//! Imports are read from code outside `#[cfg(test)]` modules (inline, or files of their own
//! declared `#[cfg(test)] mod name;`) and comments: `crate::x`
//! anywhere (in `use` lines and in paths) and `name::` of the external crates checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each module and the crate modules it may use besides itself. An entry `a::b` allows only
/// that submodule of `a`.
const ALLOWED_MODULES: &[(&str, &[&str])] = &[
    ("data", &[]),
    ("grafana", &["data"]),
    ("net", &["data", "grafana"]),
    ("engine", &["data", "grafana", "net"]),
    ("view", &["data", "grafana"]),
    ("links", &["data", "grafana"]),
    ("tui", &["data", "grafana", "engine", "view", "links"]),
    // Text sanitising is the edge's, but generating provisioning needs to redact URLs too.
    ("provision", &["data", "grafana", "net::sanitize"]),
    (
        "check",
        &["data", "grafana", "engine", "net", "view", "provision"],
    ),
    ("demo", &["data", "grafana", "net", "provision"]),
    (
        "cli",
        &[
            "data",
            "grafana",
            "net",
            "engine",
            "view",
            "links",
            "tui",
            "provision",
            "check",
            "demo",
        ],
    ),
];

/// External crates that are confined, and the modules that may use them.
const ALLOWED_CRATES: &[(&str, &[&str])] = &[
    ("ratatui", &["tui", "cli"]),
    ("crossterm", &["tui", "cli"]),
    ("reqwest", &["net"]),
    ("tokio", &["engine", "tui", "cli", "demo"]),
    ("axum", &["demo"]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its test module and without comments.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(|l| match l.find("//") {
            Some(at) => &l[..at],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Files that are test modules of their own (`#[cfg(test)] mod name;`, with or without a
/// `#[path = "..."]`): test code, like an inline `#[cfg(test)]` module.
fn test_only_files(files: &[(PathBuf, String)]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (file, text) in files {
        let dir = file.parent().unwrap_or(Path::new(""));
        // A `foo.rs` keeps its child modules in `foo/`; `mod.rs` and `lib.rs` beside them.
        let children = match file.file_stem().and_then(|s| s.to_str()) {
            Some("mod" | "lib") | None => dir.to_path_buf(),
            Some(stem) => dir.join(stem),
        };
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for (at, line) in lines.iter().enumerate() {
            if *line != "#[cfg(test)]" {
                continue;
            }
            let mut path_attr = None;
            for next in &lines[at + 1..] {
                if let Some(p) = next
                    .strip_prefix("#[path = \"")
                    .and_then(|r| r.strip_suffix("\"]"))
                {
                    path_attr = Some(dir.join(p));
                } else if let Some(name) =
                    next.strip_prefix("mod ").and_then(|r| r.strip_suffix(';'))
                {
                    out.push(
                        path_attr
                            .take()
                            .unwrap_or_else(|| children.join(format!("{name}.rs"))),
                    );
                    out.push(children.join(name).join("mod.rs"));
                    break;
                } else if !next.starts_with("#[") {
                    break;
                }
            }
        }
    }
    out
}

/// Every `crate::a` / `crate::a::b` path the code names, as `a::b` (or `a`).
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
        found.push(parts.iter().take(2).copied().collect::<Vec<_>>().join("::"));
    }
    found
}

/// Whether the code uses an external crate (`name::` not part of a longer identifier).
fn uses_crate(code: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    code.match_indices(&needle).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
    })
}

fn module_files() -> BTreeMap<&'static str, Vec<(PathBuf, String)>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for (module, _) in ALLOWED_MODULES {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        assert!(!files.is_empty(), "src/{module} has sources");
        let texts: Vec<(PathBuf, String)> = files
            .into_iter()
            .map(|f| {
                let text = std::fs::read_to_string(&f).unwrap();
                (f, text)
            })
            .collect();
        let tests = test_only_files(&texts);
        let texts = texts
            .into_iter()
            .map(|(f, text)| {
                let code = if tests.contains(&f) {
                    String::new()
                } else {
                    code_of(&text)
                };
                (f, code)
            })
            .collect();
        modules.insert(*module, texts);
    }
    modules
}

#[test]
fn every_top_level_module_is_in_the_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|r| r.strip_suffix(';'))
        {
            assert!(
                ALLOWED_MODULES.iter().any(|(m, _)| *m == name),
                "src/{name} is missing from the layering table"
            );
        }
    }
}

#[test]
fn modules_import_only_what_the_table_allows() {
    let mut offenders = Vec::new();
    for (module, files) in module_files() {
        let allowed = ALLOWED_MODULES
            .iter()
            .find(|(m, _)| *m == module)
            .map(|(_, a)| *a)
            .unwrap_or_default();
        for (file, code) in files {
            for path in crate_paths(&code) {
                let top = path.split("::").next().unwrap_or_default();
                let ok =
                    top == module || allowed.contains(&top) || allowed.contains(&path.as_str());
                if !ok {
                    offenders.push(format!("{} uses crate::{path}", file.display()));
                }
            }
        }
    }
    offenders.sort();
    offenders.dedup();
    assert!(
        offenders.is_empty(),
        "imports against the layering:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn confined_crates_stay_in_their_modules() {
    let mut offenders = Vec::new();
    for (module, files) in module_files() {
        for (name, allowed) in ALLOWED_CRATES {
            if allowed.contains(&module) {
                continue;
            }
            for (file, code) in &files {
                if uses_crate(code, name) {
                    offenders.push(format!("{} uses {name}", file.display()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "confined crates used outside their modules:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    // The scanners find real imports and ignore comments and longer names.
    let code = code_of("use crate::net::http::Connection; // crate::tui\nlet a = my_tokio::x;");
    assert_eq!(crate_paths(&code), vec!["net::http".to_string()]);
    assert!(!uses_crate(&code, "tokio"));
    assert!(uses_crate("    tokio::spawn(x)", "tokio"));
    assert!(!uses_crate(
        &code_of("let x = 1; // reqwest::get"),
        "reqwest"
    ));
}

#[test]
fn separate_test_files_count_as_test_code() {
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_string());
    let files = [
        file("src/tui/run.rs", "mod explore;\n#[cfg(test)]\nmod tests;\n"),
        file(
            "src/tui/overlay/explore/to_dashboard.rs",
            "#[cfg(test)]\n#[path = \"to_dashboard_tests.rs\"]\nmod tests;\n",
        ),
        file("src/tui/drill/mod.rs", "#[cfg(test)]\nmod app_tests;\n"),
    ];
    let tests = test_only_files(&files);
    for expected in [
        "src/tui/run/tests.rs",
        "src/tui/overlay/explore/to_dashboard_tests.rs",
        "src/tui/drill/app_tests.rs",
    ] {
        assert!(
            tests.contains(&PathBuf::from(expected)),
            "{expected}: {tests:?}"
        );
    }
    assert!(!tests.contains(&PathBuf::from("src/tui/run/explore.rs")));
}
