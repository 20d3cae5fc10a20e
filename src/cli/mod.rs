//! The command line: [`main`] parses the arguments and dispatches to one
//! file per command, each holding its arguments and its code. It lives in
//! the library, beside the internals it drives (the data readers, the
//! report writers), which are not public; `src/main.rs` only calls
//! [`main`]. Here too is what the commands share: diagnostics on standard
//! error (`--error-format`), terminal manners (colour, width, the progress
//! line) and where reports go. Nothing here panics on a full or closed
//! stream (`println!` would): a report that cannot be written exits 2 with
//! a message, a closed pipe (`| head`) ends the output quietly, and a
//! diagnostic that standard error cannot take is dropped (the exit status
//! still tells).

mod args;
mod check;
mod creators;
mod diff;
mod explain;
mod export;
mod files;
mod fmt;
mod html;
mod lsp;
mod progress;
mod run;
mod spool;
mod sql;
mod terminal;
mod test;

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use miette::Diagnostic;

use crate::data::{self, DataError};
use crate::diagnostic::{render, JsonDiagnostic};
use crate::{LoadError, Ruleset};

use check::CheckArgs;
use diff::DiffArgs;
use explain::ExplainArgs;
use fmt::FmtArgs;
use lsp::LspArgs;
use run::RunArgs;
use sql::{LoadArgs, SqlArgs};
use test::TestArgs;

#[derive(Parser)]
#[command(
    name = "influence-eval",
    version,
    about = "Screen creators against brand rules: a ranked shortlist, a reason for every rejection, and a funnel.",
    long_about = "Screen creators against brand rules: a ranked shortlist, a reason for every rejection, and a funnel.\n\n\
                  `influence-eval RULES DATA` is short for `influence-eval run RULES DATA`.",
    after_help = "Exit status: 0 ran; 1 the rules are invalid or unreadable (for `sql`, also: a construct the dialect cannot express, influence::sql-unsupported); 2 the data could not be read \
                  (or changed while it was read), a usage error, an unknown --id, a --columns name no record has, --output naming the rules or the data, the output \
                  cannot be written (a full disk; a closed pipe is not an error), or, with --strict, \
                  a creator is in error; 3 `test` found a failed example or `fmt --check` a file to reformat.\n\
                  Files written (--output, fmt) are replaced whole or not at all: a temporary \
                  .NAME.influence-eval-PID-N.tmp beside NAME is renamed over it when complete.\n\
                  Colour only on a terminal, never with NO_COLOR set (CLICOLOR_FORCE=1 forces it)."
)]
struct Cli {
    /// How diagnostics are written to standard error: miette's report, or one JSON object per line (code, severity, message, file, line, column, labels, help).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "human",
        value_name = "FORMAT"
    )]
    error_format: ErrorFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate every creator in DATA against RULES and report.
    Run(RunArgs),
    /// Parse and check RULES without reading data; print "ok" and a summary.
    Check(CheckArgs),
    /// Show one creator's whole evaluation: every let, requirement, signal and tier, the values each read, and how far off a failed requirement is.
    Explain(ExplainArgs),
    /// Run every `example` in the RULES files; exit 3 if an expectation fails.
    Test(TestArgs),
    /// Rewrite rules files in the canonical layout (comments kept), each replaced whole or not at all.
    Fmt(FmtArgs),
    /// Show what changing OLD rules to NEW does to the results over DATA.
    Diff(DiffArgs),
    /// Run the language server for editors, on standard input and output (README, "Editor").
    ///
    /// Diagnostics as you type, hover, completion, go to definition, references, quick fixes, formatting, the outline, and code lenses that run the examples and screen the sample data named by a `# data: FILE` comment at the top of a rules file (or the `dataFile` setting; at most its first 10,000 records).
    Lsp(LspArgs),
    /// Print RULES as one SQL query over a table of creators, giving every creator the interpreter's verdict (README, "Running in your warehouse").
    Sql(SqlArgs),
    /// Print a script that creates a table of the creators in DATA and loads them, in input order, for the query `sql` writes.
    ///
    /// The rows: for DuckDB, an `INSERT ... SELECT` over one JSON text literal per 10,000 rows (`from_json`); for PostgreSQL, `COPY ... FROM stdin` with the rows in the script itself (run it with `psql -f FILE` or `... | psql`; a driver that cannot send COPY data cannot run it); for SQLite and Spark, `INSERT ... VALUES` of 500 rows. Every record is held in memory while the script is written (README, "Running in your warehouse").
    Load(LoadArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ErrorFormat {
    /// miette's graphical report, coloured on a terminal.
    Human,
    /// One JSON object per diagnostic, one per line.
    Json,
}

/// True for a subcommand's name or a flag that may stand before one.
fn is_command(a: &OsStr) -> bool {
    // a name that is not UTF-8 is no command: it is a rules file's path
    let Some(a) = a.to_str() else {
        return false;
    };
    matches!(a, "help" | "--help" | "-h" | "--version" | "-V")
        || <Cli as clap::CommandFactory>::command()
            .get_subcommands()
            .any(|c| c.get_name() == a)
}

/// The `influence-eval` binary: reads the arguments, dispatches to the
/// command and returns its exit status (README, "Exit status").
pub fn main() -> ExitCode {
    // paths are any bytes the system allows, UTF-8 or not: never `args()`,
    // which panics on the first one that is not
    let mut args: Vec<OsString> = std::env::args_os().collect();
    // `influence-eval RULES DATA` means `influence-eval run RULES DATA`;
    // a leading `--error-format F` is skipped to find the command
    let mut i = 1;
    while let Some(a) = args.get(i) {
        match a.to_str() {
            Some("--error-format") => i += 2,
            Some(a) if a.starts_with("--error-format=") => i += 1,
            _ => break,
        }
    }
    if args.get(i).is_some_and(|a| !is_command(a)) {
        args.insert(i, OsString::from("run"));
    }
    let json_errors = wants_json_errors(&args);
    let parsed = match Cli::try_parse_from(&args) {
        Ok(parsed) => parsed,
        Err(e) if json_errors && e.use_stderr() => {
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            Reporter::new(true).error(
                "influence::usage",
                first,
                None,
                Some("run `influence-eval --help` for the options"),
            );
            return ExitCode::from(EXIT_DATA);
        }
        Err(e) => return clap_message(&e),
    };
    let rep = Reporter::new(parsed.error_format == ErrorFormat::Json);
    if let Command::Run(RunArgs { read, .. })
    | Command::Check(CheckArgs { read, .. })
    | Command::Explain(ExplainArgs { read, .. })
    | Command::Diff(DiffArgs { read, .. }) = &parsed.command
    {
        data::set_read_options(data::ReadOptions {
            delimiter: read.delimiter,
            decimal_comma: read.decimal_comma,
            sheet: read.sheet.clone(),
        });
    }
    match parsed.command {
        Command::Run(mut a) => {
            // `--output -` is standard output, as `-` is standard input
            if a.output.as_deref() == Some(Path::new("-")) {
                a.output = None;
            }
            run::run(a, &rep)
        }
        Command::Check(a) => check::check(a, &rep),
        Command::Explain(a) => explain::explain(a, &rep),
        Command::Test(a) => test::test(a, &rep),
        Command::Fmt(a) => fmt::fmt(a, &rep),
        Command::Diff(a) => diff::diff(a, &rep),
        Command::Lsp(a) => lsp::lsp(a, &rep),
        Command::Sql(a) => sql::sql(a, &rep),
        Command::Load(a) => sql::load_data(a, &rep),
    }
}

/// `--error-format json` anywhere in the arguments, read before the parser
/// so that its own errors come as JSON too.
fn wants_json_errors(args: &[OsString]) -> bool {
    args.iter().enumerate().any(|(i, a)| {
        a == "--error-format=json"
            || (a == "--error-format" && args.get(i + 1).is_some_and(|v| v == "json"))
    })
}

/// The parser's own output: `--help` and `--version` on standard output
/// (exit 0), a usage error on standard error (exit 2). `Error::exit` would
/// ignore a failed write; `--help > /dev/full` exits 2 as any command does.
fn clap_message(e: &clap::Error) -> ExitCode {
    let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_DATA);
    match e.print() {
        Err(failed) if !e.use_stderr() => {
            let rep = Reporter::new(false);
            write_failed(&failed, "standard output", &rep).unwrap_or(ExitCode::from(code))
        }
        // a usage error that standard error cannot take: the status tells
        _ => ExitCode::from(code),
    }
}

/// Exit statuses (README, "Exit status").
pub(crate) const EXIT_RULES: u8 = 1;
/// The data could not be read, a usage error, an unknown id, `--strict`.
pub(crate) const EXIT_DATA: u8 = 2;
/// `test` found a failed example; `fmt --check` found a file to reformat.
pub(crate) const EXIT_TEST: u8 = 3;

/// Diagnostics printed for one rules file. Each is drawn from the whole
/// source, so thousands of them (a data file given as the rules) would take
/// minutes and bury the first, which matter most; the rest are counted.
const MAX_SHOWN: usize = 50;

/// Writes diagnostics to standard error: miette's graphical report
/// (coloured on a terminal, unless `NO_COLOR`), or one JSON object per line.
pub(crate) struct Reporter {
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
pub(crate) fn load(path: &Path, rep: &Reporter) -> Option<Ruleset> {
    let rules = load_quiet(path, rep)?;
    for w in rules.warnings() {
        rep.emit(w, &w.to_json());
    }
    Some(rules)
}

/// As [`load`], leaving the file's warnings to the caller (`check --data`
/// drops those the data answers).
pub(crate) fn load_quiet(path: &Path, rep: &Reporter) -> Option<Ruleset> {
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
pub(crate) fn write_failed(e: &io::Error, to: &str, rep: &Reporter) -> Option<ExitCode> {
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
pub(crate) enum Output {
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
pub(crate) fn output(path: Option<&Path>) -> io::Result<Output> {
    Ok(match path {
        Some(p) => Output::File(files::AtomicFile::create(p)?),
        None => Output::Stdout(io::BufWriter::new(io::stdout())),
    })
}

/// A command's lines on standard output (`check`, `test`, `fmt`). The
/// first failed write is kept and later lines are skipped, so the command
/// still finishes its work and its status; [`Lines::finish`] then reports
/// the failure.
#[derive(Default)]
pub(crate) struct Lines {
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
pub(crate) fn output_name(path: Option<&Path>) -> String {
    path.map_or("standard output".to_string(), |p| p.display().to_string())
}
