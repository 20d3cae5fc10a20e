//! The `influence-eval` command: argument parsing, files, diagnostics and
//! exit statuses over the library's public API.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use influence_eval::data::{self, Input, Record};
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

/// Data formats for `--format-in`.
#[derive(Clone, Copy, ValueEnum)]
enum FormatIn {
    /// A JSON array of objects.
    Json,
    /// One JSON object per line (.ndjson, .jsonl).
    Ndjson,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

impl From<FormatIn> for data::Format {
    fn from(f: FormatIn) -> Self {
        match f {
            FormatIn::Json => data::Format::Json,
            FormatIn::Ndjson => data::Format::Ndjson,
            FormatIn::Csv => data::Format::Csv,
            FormatIn::Tsv => data::Format::Tsv,
        }
    }
}

#[derive(clap::Args)]
struct RunArgs {
    /// The rules file (.rules).
    rules: PathBuf,
    /// The creators: a JSON array, NDJSON (.ndjson, .jsonl), CSV or TSV with a header (.csv, .tsv, .txt), or - for standard input.
    data: PathBuf,
    /// The data format [default: from the extension, else sniffed from the first bytes].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format_in: Option<FormatIn>,
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
    /// Exit with status 2, after the report, if any creator is in error (a damaged record or a value of the wrong kind).
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
    /// The format of --data [default: from the extension, else sniffed].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format_in: Option<FormatIn>,
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

/// Diagnostics printed for one rules file. Each is drawn from the whole
/// source, so thousands of them (a data file given as the rules) would take
/// minutes and bury the first, which matter most; the rest are counted.
const MAX_SHOWN: usize = 50;

/// Loads rules, reporting the diagnostics; `None` means exit 1.
fn load(path: &Path) -> Option<Ruleset> {
    match Ruleset::from_file(path) {
        Ok(r) => Some(r),
        Err(LoadError::Rules(e)) => {
            for d in e.diagnostics.iter().take(MAX_SHOWN) {
                report(d);
            }
            if e.diagnostics.len() > MAX_SHOWN {
                eprintln!(
                    "... and {} more not shown: fix these first",
                    e.diagnostics.len() - MAX_SHOWN
                );
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
        let input = Input::from_arg(data_path);
        let observe = &mut |r: Record| {
            if let Ok(v) = &r.item {
                census.observe(v);
            }
        };
        if let Err(e) = data::read(&input, a.format_in.map(Into::into), observe) {
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
    let input = Input::from_arg(&a.data);
    if let Err(e) = data::read(&input, a.format_in.map(Into::into), &mut |r| {
        screening.add_record(&r);
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
