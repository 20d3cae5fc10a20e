//! The `influence-eval` command: argument parsing, files, diagnostics and
//! exit statuses over the library's public API.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use influence_eval::data::{self, DataError};
use influence_eval::report::table;
use influence_eval::{LoadError, Ruleset, RunOptions, Status};
use miette::Diagnostic;

/// Exit statuses (README, "Exit status").
const EXIT_RULES: u8 = 1;
const EXIT_DATA: u8 = 2;

#[derive(Parser)]
#[command(
    name = "influence-eval",
    version,
    about = "Screen creators against brand rules: a ranked shortlist, a reason for every rejection, and a funnel.",
    long_about = "Screen creators against brand rules: a ranked shortlist, a reason for every rejection, and a funnel.\n\n\
                  `influence-eval RULES DATA` is short for `influence-eval run RULES DATA`.",
    after_help = "Exit status: 0 ran; 1 the rules are invalid or unreadable; 2 the data could not be read \
                  (or, with --strict, a creator is in error)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate every creator in DATA against RULES and report.
    Run(RunArgs),
    /// Parse and check RULES without reading data; print "ok" and a summary.
    Check(CheckArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    /// A readable terminal table: shortlist, funnel, counts (default on a terminal).
    Table,
    /// One JSON object with every count, the funnel and the shortlist (default when piped).
    Json,
}

#[derive(clap::Args)]
struct RunArgs {
    /// The rules file (.rules).
    rules: PathBuf,
    /// The creators: a JSON array of objects.
    data: PathBuf,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Shortlist length, overriding the ruleset's `limit`.
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// Include every creator's verdict, in input order.
    #[arg(long)]
    all: bool,
    /// The field holding each creator's id [default: the first of handle, id, username, name; else the position as #N].
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
    /// Exit with status 2 if any creator is in error.
    #[arg(long)]
    strict: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The rules file (.rules).
    rules: PathBuf,
    /// Also warn about fields the rules read that no record in FILE has.
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().collect();
    // `influence-eval RULES DATA` means `influence-eval run RULES DATA`
    const KNOWN: [&str; 7] = ["run", "check", "help", "--help", "-h", "--version", "-V"];
    if args.len() > 1 && !KNOWN.contains(&args[1].as_str()) {
        args.insert(1, "run".to_string());
    }
    let cli = Cli::parse_from(args);
    match cli.command {
        Command::Run(a) => run(a),
        Command::Check(a) => check(a),
    }
}

/// Prints a diagnostic to stderr as miette's graphical report; colour only
/// when stderr is a terminal and NO_COLOR is unset.
fn report(d: &dyn Diagnostic) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", influence_eval::diagnostic::render(d, colour, None));
}

/// Loads rules, reporting every diagnostic; `None` means exit 1.
fn load(path: &Path) -> Option<Ruleset> {
    match Ruleset::from_file(path) {
        Ok(r) => Some(r),
        Err(LoadError::Rules(e)) => {
            for d in &e.diagnostics {
                report(d);
            }
            eprintln!("{e}");
            None
        }
        Err(e) => {
            report(&e);
            None
        }
    }
}

fn check(a: CheckArgs) -> ExitCode {
    let Some(rules) = load(&a.rules) else {
        return ExitCode::from(EXIT_RULES);
    };
    if let Some(data_path) = &a.data {
        let mut census = influence_eval::check::fields::FieldCensus::new(rules.program());
        if let Err(e) = read_records(data_path, |r, _| census.observe(&r)) {
            report(&e);
            return ExitCode::from(EXIT_DATA);
        }
        for w in census.warnings() {
            eprintln!("warning: {w}");
        }
    }
    println!("ok: {}: {}", a.rules.display(), rules.summary());
    ExitCode::SUCCESS
}

/// Streams the records of a data file to `each`.
fn read_records(
    path: &Path,
    mut each: impl FnMut(serde_json::Value, usize),
) -> Result<usize, DataError> {
    let name = data::display_name(path);
    let file = data::open(path)?;
    data::for_each_in_array(file, &mut each).map_err(|e| {
        if e.is_io() {
            DataError::plain(&name, format!("cannot read: {e}"), None)
        } else {
            let msg = e.to_string();
            // serde_json appends " at line L column C"; the location is shown separately
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let msg = if e.line() == 0 {
                msg
            } else {
                format!("invalid JSON: {msg}")
            };
            DataError::at(path, &name, msg, e.line().max(1), e.column().max(1))
        }
    })
}

fn run(a: RunArgs) -> ExitCode {
    let Some(rules) = load(&a.rules) else {
        return ExitCode::from(EXIT_RULES);
    };
    let options = RunOptions {
        top: a.top,
        all: a.all,
        id_field: a.id_field.clone(),
    };
    let mut screening = rules.screening(&options);
    if let Err(e) = read_records(&a.data, |r, _| {
        screening.add(&r);
    }) {
        report(&e);
        return ExitCode::from(EXIT_DATA);
    }
    let report_data = screening.finish();

    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let format = a.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let text = match format {
        Format::Table => table::render(&report_data),
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&report_data).expect("a report always serialises");
            s.push('\n');
            s
        }
    };
    let written = match &a.output {
        Some(path) => {
            std::fs::write(path, text.as_bytes()).map_err(|e| (path.display().to_string(), e))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .map_err(|e| ("standard output".to_string(), e))
        }
    };
    if let Err((to, e)) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report to {to}: {e}");
            return ExitCode::from(EXIT_DATA);
        }
    }
    if format == Format::Table && !report_data.warnings.is_empty() && a.output.is_none() {
        // the table already lists them on stdout
    } else {
        for w in &report_data.warnings {
            eprintln!("warning: {w}");
        }
    }
    let in_error = report_data.errors > 0;
    if a.strict && in_error {
        eprintln!(
            "error: {} creator{} in error (--strict)",
            report_data.errors,
            if report_data.errors == 1 { "" } else { "s" }
        );
        return ExitCode::from(EXIT_DATA);
    }
    let _ = Status::Error;
    ExitCode::SUCCESS
}
