//! The `influence-eval` command. Its commands live in the library's `cli`
//! module (README, "Layout"), beside the internals they drive.

fn main() -> std::process::ExitCode {
    influence_eval::cli::main()
}
