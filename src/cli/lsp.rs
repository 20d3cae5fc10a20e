//! `influence-eval lsp`: the language server, for editors (README, "Editor").

use std::process::ExitCode;

use super::{Reporter, EXIT_DATA};

#[derive(clap::Args)]
pub(crate) struct LspArgs {
    /// Accepted for editors that pass it (VS Code's language client does); standard input and output are the only transport.
    #[arg(long)]
    pub(crate) stdio: bool,
}

/// Serves until the editor sends `shutdown` and `exit` (exit 0); a broken
/// connection or a protocol error exits 2 with a message.
pub fn lsp(_: LspArgs, rep: &Reporter) -> ExitCode {
    match crate::lsp::serve_stdio() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            rep.error(
                "influence::lsp",
                &format!("the language server stopped: {e}"),
                None,
                None,
            );
            ExitCode::from(EXIT_DATA)
        }
    }
}
