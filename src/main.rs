//! The `influence-eval` command. Its commands live in the library's `cli`
//! module (README, "Project layout"), beside the internals they drive.

// malloc and free were an eighth of a run's instructions with the system
// allocator (a few allocations per record); mimalloc's thread-local free
// lists make them several times cheaper. The library stays allocator-free.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    influence_eval::cli::main()
}
