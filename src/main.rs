//! The `influence-eval` command. Its commands live in the library's `cli`
//! module (README, "Project layout"), beside the internals they drive.

fn main() -> std::process::ExitCode {
    influence_eval::cli::main()
}
