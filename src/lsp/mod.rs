//! `influence-eval lsp`: a language server over standard input and output
//! (JSON-RPC, the synchronous `lsp-server` crate: no async runtime). Each
//! open `.rules` file is analysed by the same check pass as `check`
//! (diagnostics as you type, debounced), and answered from one table of
//! what each name refers to: hover, go to definition, references,
//! completion, quick fixes from the checker's "did you mean", formatting
//! through `fmt`, the outline, and code lenses that run the examples and
//! screen the sample data (`# data: FILE` at the top of a rules file, or
//! the `dataFile` setting; at most 10,000 records).

mod analysis;
mod complete;
mod features;
mod hover;
mod position;
mod sample;
mod server;
mod symbols;
mod uri;

use lsp_server::Connection;

/// Serves the editor on standard input and output until it says `exit`;
/// an error is a broken connection or a protocol violation.
pub fn serve_stdio() -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    let served = server::serve(&connection).map_err(|e| e.to_string());
    drop(connection);
    threads.join().map_err(|e| e.to_string())?;
    served
}

#[cfg(test)]
mod tests {
    use crate::language::Builtin;

    /// The editor's grammar highlights every built-in function, and no
    /// name that is not one: it is kept by hand beside the builtins table.
    #[test]
    fn the_grammar_names_every_builtin() {
        let grammar: serde_json::Value = serde_json::from_str(include_str!(
            "../../editors/vscode/syntaxes/influence.tmLanguage.json"
        ))
        .expect("the grammar is JSON");
        let patterns = grammar["repository"]["expression"]["patterns"]
            .as_array()
            .expect("expression patterns");
        let builtin = patterns
            .iter()
            .find(|p| p["name"] == "support.function.builtin.influence-rules")
            .and_then(|p| p["match"].as_str())
            .expect("the builtin pattern");
        let names = builtin
            .trim_start_matches("\\b(")
            .split(")\\s*")
            .next()
            .expect("a list of names");
        let mut listed: Vec<&str> = names.split('|').collect();
        let mut table: Vec<&str> = Builtin::ALL.iter().map(|(n, _)| *n).collect();
        listed.sort_unstable();
        table.sort_unstable();
        assert_eq!(listed, table);
    }
}
