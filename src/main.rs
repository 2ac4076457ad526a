// mimalloc: dashboard loading and frame building allocate many small maps and strings; glibc's
// malloc spent a third of load time in bookkeeping (perf), mimalloc about a tenth.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(triage::cli::main());
}
