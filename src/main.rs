//! The `influence-eval` command. Its commands live in the library's `cli`
//! module (README, "Project layout"), beside the internals they drive.

/// jemalloc, not glibc's allocator: verdicts are built on the workers and
/// freed on the thread that hands them to the sink, and glibc made such
/// frees wait on its arenas' locks (README, "Measured": a two-thread run
/// over 1M creators spent 0.49-0.95 s in the kernel, against 0.13-0.19 s).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    influence_eval::cli::main()
}
