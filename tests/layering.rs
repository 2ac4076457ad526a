//! The pure core and the network edge never touch the terminal: `grafana/`, `engine/`, `prom/`,
//! `grafana_api/` and `view/` must not import ratatui or crossterm.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_modules_do_not_import_the_terminal() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for module in ["grafana", "engine", "prom", "view", "grafana_api"] {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        assert!(!files.is_empty(), "src/{module} has sources");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            if text.contains("ratatui") || text.contains("crossterm") {
                offenders.push(file.display().to_string());
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "terminal imports in pure modules: {offenders:?}"
    );
}
