//! The `influence-eval` command. Its commands live in the library's `cli`
//! module (README, "Project layout"), beside the internals they drive.

// malloc and free were an eighth of a run's instructions with the system
// allocator (a few allocations per record); mimalloc's thread-local free
// lists make them several times cheaper. The library sets no allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's options `arena_eager_commit` and `purge_delay`, numbered as
/// in the mimalloc 3 header that libmimalloc-sys 0.1.49 builds (its Rust
/// side names neither; Cargo.toml pins that version exactly).
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // By default mimalloc commits its arenas whole and returns freed pages
    // late, which more than doubled the peak memory of a run (batches are
    // freed on other threads than the reader's); committing on demand and
    // purging at once keep it at the system allocator's, at no measured cost.
    // SAFETY: setting options is allowed at any time; both take plain numbers.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
    }
    influence_eval::cli::main()
}
