//! The command line's pieces, one file per command over the library's
//! public API, and what they share: diagnostics on standard error
//! (`--error-format`), terminal manners (colour, width, the progress line)
//! and where reports go.

pub mod check;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod progress;
pub mod run;
pub mod terminal;
pub mod test;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use influence_eval::data::DataError;
use influence_eval::diagnostic::{render, JsonDiagnostic};
use influence_eval::{LoadError, Ruleset};
use miette::Diagnostic;

/// Exit statuses (README, "Exit status").
pub const EXIT_RULES: u8 = 1;
/// The data could not be read, a usage error, an unknown id, `--strict`.
pub const EXIT_DATA: u8 = 2;
/// `test` found a failed example; `fmt --check` found a file to reformat.
pub const EXIT_TEST: u8 = 3;

/// Diagnostics printed for one rules file. Each is drawn from the whole
/// source, so thousands of them (a data file given as the rules) would take
/// minutes and bury the first, which matter most; the rest are counted.
const MAX_SHOWN: usize = 50;

/// Writes diagnostics to standard error: miette's graphical report
/// (coloured on a terminal, unless `NO_COLOR`), or one JSON object per line.
pub struct Reporter {
    json: bool,
    colour: bool,
}

impl Reporter {
    /// A reporter; `json` for `--error-format json`.
    pub fn new(json: bool) -> Self {
        Reporter {
            json,
            colour: terminal::colour(io::IsTerminal::is_terminal(&io::stderr())),
        }
    }

    /// One diagnostic, in the chosen form.
    pub fn emit(&self, d: &dyn Diagnostic, json: &JsonDiagnostic) {
        if self.json {
            let line = serde_json::to_string(json).expect("a diagnostic always serialises");
            let _ = writeln!(io::stderr().lock(), "{line}");
        } else {
            eprint!("{}", render(d, self.colour, None));
        }
    }

    /// Every problem of a rules file that could not be loaded.
    pub fn load(&self, e: &LoadError) {
        match e {
            LoadError::Rules(r) => {
                // each diagnostic's line and column is found in the whole
                // source: only for those shown
                for d in r.diagnostics.iter().take(MAX_SHOWN) {
                    self.emit(d, &d.to_json());
                }
                if !self.json {
                    if r.diagnostics.len() > MAX_SHOWN {
                        eprintln!(
                            "... and {} more not shown: fix these first",
                            r.diagnostics.len() - MAX_SHOWN
                        );
                    }
                    eprintln!("{r}");
                }
            }
            other => {
                for j in other.to_json() {
                    self.emit(other, &j);
                }
            }
        }
    }

    /// Data that could not be read.
    pub fn data(&self, e: &DataError) {
        self.emit(e, &e.to_json());
    }

    /// A warning that is not tied to a place: `warning: MESSAGE`.
    pub fn warning(&self, code: &str, message: &str, file: Option<&str>) {
        self.plain("warning", code, message, file, None);
    }

    /// An error that is not tied to a place: `error: MESSAGE`.
    pub fn error(&self, code: &str, message: &str, file: Option<&str>, help: Option<&str>) {
        self.plain("error", code, message, file, help);
    }

    fn plain(
        &self,
        severity: &'static str,
        code: &str,
        message: &str,
        file: Option<&str>,
        help: Option<&str>,
    ) {
        if self.json {
            let j = JsonDiagnostic {
                code: code.to_string(),
                severity,
                message: message.to_string(),
                file: file.map(str::to_string),
                line: None,
                column: None,
                labels: Vec::new(),
                help: help.map(str::to_string),
            };
            let line = serde_json::to_string(&j).expect("a diagnostic always serialises");
            let _ = writeln!(io::stderr().lock(), "{line}");
        } else {
            eprintln!("{severity}: {message}");
            if let Some(h) = help {
                eprintln!("  help: {h}");
            }
        }
    }
}

/// Loads rules, reporting every diagnostic; `None` means exit 1.
pub fn load(path: &Path, rep: &Reporter) -> Option<Ruleset> {
    match Ruleset::from_file(path) {
        Ok(r) => Some(r),
        Err(e) => {
            rep.load(&e);
            None
        }
    }
}

/// Reports a failed write of the report: a closed pipe (`| head`) is not
/// an error; anything else exits 2.
pub fn write_failed(e: &io::Error, to: &str, rep: &Reporter) -> Option<ExitCode> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return None;
    }
    let message = format!("cannot write the report to {to}: {e}");
    rep.error("influence::output", &message, Some(to), None);
    Some(ExitCode::from(EXIT_DATA))
}

/// Where a report goes: `--output FILE`, else standard output; buffered.
pub fn output(path: Option<&Path>) -> io::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(io::BufWriter::new(io::stdout())),
    })
}

/// The name of where a report goes, for messages.
pub fn output_name(path: Option<&Path>) -> String {
    path.map_or("standard output".to_string(), |p| p.display().to_string())
}
