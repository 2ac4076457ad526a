//! Release builds of the program on x86-64 Linux put the functions a TUI session runs next to
//! each other (`link/hot-functions.txt`, made by `scripts/order-hot-code`). The kernel maps a
//! program's code 64 KiB around every page it touches, so code spread over the whole binary
//! made most of it resident; packed together it is a third of that (docs/performance.md).
//! Where glibc allows, relocations are packed too.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=link/hot-functions.txt");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    // rustc links this target with its own lld (since 1.90), which takes the ordering file;
    // other targets and linkers keep their default layout.
    let lld_target = env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu");
    if release && lld_target && rustc_links_with_lld() {
        let dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
        // Names missing from this build (code changed since the list was made) are skipped
        // without a warning each; they only lose their place.
        println!(
            "cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={dir}/link/hot-functions.txt"
        );
        println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        // Relative relocations packed (DT_RELR): about 0.5 MB less read at every start and
        // kept resident. The program then needs glibc 2.36 or later, so only when this
        // machine's glibc has it (the program is built where it runs).
        if glibc_at_least(2, 36) {
            println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
        }
    }
}

/// Whether this machine's glibc (`getconf GNU_LIBC_VERSION`: `glibc 2.36`) is that recent.
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.trim().strip_prefix("glibc ").unwrap_or_default();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (major, minor)
}

/// Whether the compiler building us is 1.90 or later, which links x86-64 Linux with lld.
fn rustc_links_with_lld() -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(out) = Command::new(rustc).arg("-vV").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let release = text
        .lines()
        .find_map(|l| l.strip_prefix("release: "))
        .unwrap_or_default();
    let mut parts = release
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (1, 90)
}
