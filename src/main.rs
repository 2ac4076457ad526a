// mimalloc: dashboard loading and frame building allocate many small maps and strings; glibc's
// malloc spent a third of load time in bookkeeping (perf), mimalloc about a tenth. Built with
// `no_thp`: with transparent huge pages its arenas grow resident memory in 2 MiB steps (the
// TUI's anonymous memory on the gateway dashboard was 22.6 MB with them, 10 MB without).
// The `system-allocator` feature leaves glibc's malloc in place, for heap profilers that
// intercept it (`valgrind --tool=massif`, heaptrack).
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's own option setter (the `mi_option_e` enum of the bundled v3, pinned by Cargo.lock).
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() {
    // Give freed pages back at once rather than after a second: the TUI's resident memory
    // stays near what it holds (1.6 MB less on the gateway dashboard), at no measurable cost.
    // SAFETY: setting an option is allowed at any time; 15 is `mi_option_purge_delay`.
    #[cfg(not(feature = "system-allocator"))]
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, 0)
    };
    std::process::exit(triage::cli::main());
}
