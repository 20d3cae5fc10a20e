//! The command line's pieces, one file per command over the library's
//! public API, and what they share: diagnostics on standard error
//! (`--error-format`), terminal manners (colour, width, the progress line)
//! and where reports go. Nothing here panics on a full or closed stream
//! (`println!` would): a report that cannot be written exits 2 with a
//! message, a closed pipe (`| head`) ends the output quietly, and a
//! diagnostic that standard error cannot take is dropped (the exit status
//! still tells).

pub mod check;
mod creators;
pub mod diff;
pub mod explain;
pub mod export;
pub mod files;
pub mod fmt;
pub mod html;
pub mod progress;
pub mod run;
mod spool;
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
            to_stderr(&format!("{line}\n"));
        } else {
            to_stderr(&render(d, self.colour, None));
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
                        to_stderr(&format!(
                            "... and {} more not shown: fix these first\n",
                            r.diagnostics.len() - MAX_SHOWN
                        ));
                    }
                    to_stderr(&format!("{r}\n"));
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
            to_stderr(&format!("{line}\n"));
        } else {
            let mut text = format!("{severity}: {message}\n");
            if let Some(h) = help {
                text.push_str(&format!("  help: {h}\n"));
            }
            to_stderr(&text);
        }
    }
}

/// Writes to standard error, in one piece. When even standard error cannot
/// be written (`2>/dev/full`, a closed pipe) there is nowhere left to say
/// so: the text is dropped and the exit status alone tells.
fn to_stderr(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// Loads rules, reporting every diagnostic; `None` means exit 1.
pub fn load(path: &Path, rep: &Reporter) -> Option<Ruleset> {
    let rules = load_quiet(path, rep)?;
    for w in rules.warnings() {
        rep.emit(w, &w.to_json());
    }
    Some(rules)
}

/// As [`load`], leaving the file's warnings to the caller (`check --data`
/// drops those the data answers).
pub fn load_quiet(path: &Path, rep: &Reporter) -> Option<Ruleset> {
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
/// A file is written beside its target and only renamed into place by
/// [`Output::finish`] (see [`files`]); dropped unfinished, the target is
/// left as it was.
pub enum Output {
    /// Standard output.
    Stdout(io::BufWriter<io::Stdout>),
    /// `--output FILE`.
    File(files::AtomicFile),
}

impl Output {
    /// Flushes the report and, for a file, renames it into place: the
    /// report is complete at its path once this returns `Ok`, not before.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut out) => out.flush(),
            Output::File(file) => file.commit(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::File(file) => file.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.write_all(buf),
            Output::File(file) => file.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::File(file) => file.flush(),
        }
    }
}

/// Opens where a report goes. A file that cannot be created (a folder that
/// does not exist, a directory given as the file) fails here, at once.
pub fn output(path: Option<&Path>) -> io::Result<Output> {
    Ok(match path {
        Some(p) => Output::File(files::AtomicFile::create(p)?),
        None => Output::Stdout(io::BufWriter::new(io::stdout())),
    })
}

/// A command's lines on standard output (`check`, `test`, `fmt`). The
/// first failed write is kept and later lines are skipped, so the command
/// still finishes its work and its status; [`Lines::finish`] then reports
/// the failure.
pub struct Lines {
    failed: Option<io::Error>,
}

impl Lines {
    /// Lines to standard output.
    pub fn new() -> Self {
        Lines { failed: None }
    }

    /// Writes one line (unbuffered past the line, so that it comes before
    /// any diagnostic written to standard error after it).
    pub fn line(&mut self, text: std::fmt::Arguments) {
        if self.failed.is_none() {
            let mut out = io::stdout().lock();
            if let Err(e) = out.write_fmt(text).and_then(|()| out.write_all(b"\n")) {
                self.failed = Some(e);
            }
        }
    }

    /// `None` if every line was written or the reader closed the pipe;
    /// exit 2, with a message, for any other failure.
    pub fn finish(self, rep: &Reporter) -> Option<ExitCode> {
        let e = self.failed?;
        write_failed(&e, "standard output", rep)
    }
}

/// The name of where a report goes, for messages.
pub fn output_name(path: Option<&Path>) -> String {
    path.map_or("standard output".to_string(), |p| p.display().to_string())
}
