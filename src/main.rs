//! The `influence-eval` command: argument parsing, files, diagnostics and
//! exit statuses over the library's public API.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use influence_eval::data::{self, Input, Record};
use influence_eval::report::table;
use influence_eval::{LoadError, RulesError, Ruleset, RunOptions, Status};
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
    /// Run every `example` in the RULES files; exit 3 if an expectation fails.
    Test(TestArgs),
    /// Show what changing OLD rules to NEW does to the results over DATA.
    Diff(DiffArgs),
    /// Rewrite rules files in the canonical layout (comments kept).
    Fmt(FmtArgs),
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
struct FmtArgs {
    /// Rules files, or folders whose .rules files to format.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit 3 if any.
    #[arg(long)]
    check: bool,
}

#[derive(clap::Args)]
struct DiffArgs {
    /// The rules before the change.
    old: PathBuf,
    /// The rules after the change.
    new: PathBuf,
    /// The creators (any format `run` reads).
    data: PathBuf,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The data format [default: from the extension, else sniffed].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format_in: Option<FormatIn>,
    /// The field holding each creator's id.
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
}

#[derive(clap::Args)]
struct TestArgs {
    /// The rules files whose examples to run.
    #[arg(required = true)]
    rules: Vec<PathBuf>,
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
    let command = <Cli as clap::CommandFactory>::command();
    let known = |a: &str| {
        matches!(a, "help" | "--help" | "-h" | "--version" | "-V")
            || command.get_subcommands().any(|c| c.get_name() == a)
    };
    if args.len() > 1 && !known(&args[1]) {
        args.insert(1, "run".to_string());
    }
    let cli = Cli::parse_from(args);
    match cli.command {
        Command::Run(a) => run(a),
        Command::Check(a) => check(a),
        Command::Test(a) => test(a),
        Command::Diff(a) => diff(a),
        Command::Fmt(a) => fmt(a),
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

/// The .rules files named, folders expanded (sorted, not recursive).
fn rules_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.extension().is_some_and(|x| x == "rules"))
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn fmt(a: FmtArgs) -> ExitCode {
    let (mut changed, mut invalid) = (0, false);
    for path in rules_files(&a.paths) {
        let name = path.display().to_string();
        let src = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(s)) => s,
            Ok(Err(_)) | Err(_) => {
                // the loader words both cases; reuse it
                if let Err(e) = Ruleset::from_file(&path) {
                    report(&e);
                }
                invalid = true;
                continue;
            }
        };
        let formatted = match influence_eval::fmt::format_source(&src) {
            Ok(f) => f,
            Err(errors) => {
                for d in &RulesError::new(&name, &src, errors).diagnostics {
                    report(d);
                }
                invalid = true;
                continue;
            }
        };
        if formatted == src {
            continue;
        }
        changed += 1;
        if a.check {
            println!("would reformat {name}");
        } else if let Err(e) = std::fs::write(&path, formatted) {
            eprintln!("error: cannot write {name}: {e}");
            invalid = true;
        } else {
            println!("formatted {name}");
        }
    }
    if invalid {
        ExitCode::from(EXIT_RULES)
    } else if a.check && changed > 0 {
        ExitCode::from(EXIT_TEST)
    } else {
        ExitCode::SUCCESS
    }
}

fn diff(a: DiffArgs) -> ExitCode {
    let (Some(old), Some(new)) = (load(&a.old), load(&a.new)) else {
        return ExitCode::from(EXIT_RULES);
    };
    let options = RunOptions {
        all: true,
        id_field: a.id_field.clone(),
        ..Default::default()
    };
    let (mut before, mut after) = (old.screening(&options), new.screening(&options));
    let input = Input::from_arg(&a.data);
    if let Err(e) = data::read(&input, a.format_in.map(Into::into), &mut |r| {
        before.add_record(&r);
        after.add_record(&r);
    }) {
        report(&e);
        return ExitCode::from(EXIT_DATA);
    }
    let d = influence_eval::report::diff::diff(&before.finish(), &after.finish());
    let format = a.format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let text = match format {
        Format::Table => influence_eval::report::diff::render(
            &d,
            &a.old.display().to_string(),
            &a.new.display().to_string(),
        ),
        Format::Json => serde_json::to_string_pretty(&d).expect("a diff always serialises") + "\n",
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

/// Exit status of `test` when an expectation fails.
const EXIT_TEST: u8 = 3;

fn test(a: TestArgs) -> ExitCode {
    let (mut passed, mut failed, mut invalid) = (0, 0, false);
    for path in &a.rules {
        let Some(rules) = load(path) else {
            invalid = true;
            continue;
        };
        let results = rules.run_examples();
        if results.is_empty() {
            println!("{}: no examples", path.display());
            continue;
        }
        println!("{}", path.display());
        let (requirements, tiers) = influence_eval::examples::uncovered(&rules, &results);
        let program = rules.program();
        for r in results {
            if r.passed() {
                passed += 1;
                println!("  ok    {}", r.name);
            } else {
                failed += 1;
                println!("  FAIL  {}", r.name);
                let with_source = RulesError::new(&program.file, &program.source, r.failures);
                for d in &with_source.diagnostics {
                    report(d);
                }
            }
        }
        if !requirements.is_empty() {
            println!("  note: no example fails {}", requirements.join(", "));
        }
        if !tiers.is_empty() {
            println!("  note: no example reaches tier {}", tiers.join(", "));
        }
    }
    println!("{passed} passed, {failed} failed");
    if invalid {
        ExitCode::from(EXIT_RULES)
    } else if failed > 0 {
        ExitCode::from(EXIT_TEST)
    } else {
        ExitCode::SUCCESS
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
