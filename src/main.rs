// mimalloc: dashboard loading and frame building allocate many small maps and strings; glibc's
// malloc spent a third of load time in bookkeeping (perf), mimalloc about a tenth. Built with
// `no_thp`: with transparent huge pages its arenas grow resident memory in 2 MiB steps (the
// TUI's anonymous memory on the gateway dashboard was 22.6 MB with them, 10 MB without).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(triage::cli::main());
}
