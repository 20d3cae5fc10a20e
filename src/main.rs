//! The `influence-eval` command: arguments and dispatch. Each command lives
//! in `cli/`, a thin layer over the library's public API.

mod cli;

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use influence_eval::data;

#[derive(Parser)]
#[command(
    name = "influence-eval",
    version,
    about = "Screen creators against brand rules: a ranked shortlist, a reason for every rejection, and a funnel.",
    long_about = "Screen creators against brand rules: a ranked shortlist, a reason for every rejection, and a funnel.\n\n\
                  `influence-eval RULES DATA` is short for `influence-eval run RULES DATA`.",
    after_help = "Exit status: 0 ran; 1 the rules are invalid or unreadable; 2 the data could not be read \
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
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ErrorFormat {
    /// miette's graphical report, coloured on a terminal.
    Human,
    /// One JSON object per diagnostic, one per line.
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// A readable terminal table: shortlist, near misses, funnel, counts (default on a terminal).
    Table,
    /// One JSON object with every count, the funnel and the shortlist (default when piped).
    Json,
    /// One verdict per line (every record in input order by default, see --rows), rank included; no summary. The input is read once; the lines wait in a temporary file until every creator is ranked (a shortlist of a known length is held in memory).
    Ndjson,
    /// One row per creator (the shortlist by default, see --rows): id, status, rank, score, tier, the --columns, a column per signal, failed requirements joined by `;`, their reasons. Scores rounded to 4 places, formulas defused.
    Csv,
    /// One self-contained HTML page for people (charts, sortable shortlist, near misses, the rules): needs --output FILE, or standard output that is not a terminal.
    Html,
    /// An Excel workbook (needs --output FILE.xlsx): the rows (see --rows), the funnel, the near misses (--near-misses N) and the run.
    Xlsx,
}

/// `--rows`: which creators csv, ndjson, xlsx and html list.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Rows {
    /// The ranked shortlist, `limit` / --top applied, in rank order.
    Shortlist,
    /// Every accepted creator in rank order, then those sent to review.
    Accepted,
    /// Every record in input order.
    All,
}

impl From<Rows> for influence_eval::report::rows::RowSet {
    fn from(r: Rows) -> Self {
        use influence_eval::report::rows::RowSet;
        match r {
            Rows::Shortlist => RowSet::Shortlist,
            Rows::Accepted => RowSet::Accepted,
            Rows::All => RowSet::All,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ExplainFormat {
    /// The evaluation as a person reads it (default on a terminal).
    Text,
    /// The same trace as data (default when piped).
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

/// How delimited text and workbooks are read (run, check, explain, diff).
#[derive(clap::Args)]
struct ReadArgs {
    /// The cell delimiter of CSV or text data, one character (`,` `;` `|`, `tab` or `\t`) [default: sniffed from the first lines].
    #[arg(long, value_name = "C", value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    /// Numbers are written with a decimal comma (`4,2` is 4.2, `12.400` is 12400), in cells and in number().
    #[arg(long)]
    decimal_comma: bool,
    /// The sheet of a workbook (.xlsx, .xls, .ods) to read [default: the first].
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
}

/// `--delimiter C`: one ASCII character, or `tab`.
fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "`{s}` is not one character: give `,`, `;`, `|` or `tab`"
        )),
    }
}

#[derive(clap::Args)]
struct RunArgs {
    /// The rules file (.rules).
    rules: PathBuf,
    /// The creators: a JSON array (or an object wrapping one: see --records), NDJSON (.ndjson, .jsonl), CSV or TSV with a header (.csv, .tsv, .txt), a workbook (.xlsx, .xlsm, .xls, .ods), any of them gzipped (.gz), or - for standard input.
    data: PathBuf,
    /// The data format [default: from the extension, else sniffed from the first bytes].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format_in: Option<FormatIn>,
    #[command(flatten)]
    read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse)]
    records: Option<data::RecordsPath>,
    /// Output format [default: table on a terminal, json otherwise; an --output named .xlsx, .html, .csv or .ndjson needs it given].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Write the report to FILE instead of standard output: to a temporary file beside it, renamed over FILE only when complete (a symbolic link is followed, FILE's permissions kept). FILE may not be the rules or the data.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Shortlist length, overriding the ruleset's `limit` (1 to 1,000,000,000, as `limit`).
    #[arg(long, value_name = "N", value_parser = shortlist_arg)]
    top: Option<usize>,
    /// Include every creator's verdict, in input order (table and json; for csv, ndjson, xlsx and html it means --rows all).
    #[arg(long)]
    all: bool,
    /// The rows of csv, ndjson, xlsx and html: shortlist (ranked, `limit` / --top applied), accepted (rank order, then review), all (every record, input order) [default: shortlist for csv, xlsx and html, all for ndjson].
    #[arg(long, value_enum, value_name = "ROWS")]
    rows: Option<Rows>,
    /// The creator's own fields to add to csv, ndjson, xlsx and html rows, after id, status, rank, score, tier: names separated by commas, dotted paths for nested ones (`followers,country,profile.email`), brackets for names with a comma, dot or bracket (`["Follower Count"]`). A name no record has exits 2.
    #[arg(long, value_name = "NAMES")]
    columns: Option<String>,
    /// Start a csv report with a UTF-8 byte-order mark, so that Excel reads non-ASCII text correctly (csv only).
    #[arg(long)]
    bom: bool,
    /// List up to N creators rejected by exactly one requirement, nearest to passing first (the gap relative to the bound, then the score), with how far each is from passing (table, json, xlsx and html; html lists 10 when not given).
    #[arg(long, value_name = "N")]
    near_misses: Option<usize>,
    /// The field holding each creator's id, a dotted path for a nested one (`profile.username`); no record having it exits 2 [default: the first of handle, id, username, name, profile.username, case, spaces and underscores ignored; else #N].
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
    /// Exit with status 2, after the report, if any creator is in error (a damaged record or a value of the wrong kind).
    #[arg(long)]
    strict: bool,
    /// Threads that decode and evaluate records, 1 to 256; 0 means every core [default: every core, at most 256]. The output is the same for any number.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
    #[command(flatten)]
    budget: MaxSteps,
    #[command(flatten)]
    date: RunDate,
}

/// The run's date of `run`, `explain`, `diff` and `test`.
#[derive(clap::Args)]
struct RunDate {
    /// The run's date, that `days_since` counts to, as YYYY-MM-DD [default: today in UTC]; an example's own `today "YYYY-MM-DD"` still wins for that example.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<influence_eval::jiff::civil::Date>,
}

/// `--today YYYY-MM-DD`.
fn parse_today(s: &str) -> Result<influence_eval::jiff::civil::Date, String> {
    influence_eval::eval::dates::read_day(s.trim()).ok_or_else(|| {
        format!("`{s}` is not a date: write the year, month and day as YYYY-MM-DD, e.g. 2026-12-02")
    })
}

/// The evaluation budget of `run`, `explain` and `diff`.
#[derive(clap::Args)]
struct MaxSteps {
    /// Steps one creator's evaluation may take before that creator is `error` (README, "Limits"); a step is one expression evaluated, and `in`, `matches` and functions also count the elements and bytes they scan. Raise it for rules that nest lambdas over long lists on purpose.
    #[arg(long, value_name = "N", default_value_t = influence_eval::eval::DEFAULT_MAX_STEPS, value_parser = clap::value_parser!(u64).range(1..))]
    max_steps: u64,
}

/// `--top N`: a shortlist length, by the rule `limit N` follows.
fn shortlist_arg(s: &str) -> Result<usize, String> {
    let n: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    influence_eval::check::shortlist_length(n).map_err(|e| e.to_string())
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
    #[command(flatten)]
    read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse)]
    records: Option<data::RecordsPath>,
    /// Threads that read --data's records, 1 to 256; 0 means every core [default: every core, at most 256]. The output is the same for any number.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// The rules file (.rules).
    rules: PathBuf,
    /// The creators, as for `run` (all are read: the rank needs them).
    data: PathBuf,
    /// The creator to explain, by id (as reports show it, case and a leading @ ignored; `#N` for the N-th record without one).
    #[arg(long, value_name = "ID")]
    id: String,
    /// Output format [default: text on a terminal, json otherwise].
    #[arg(long, value_enum)]
    format: Option<ExplainFormat>,
    /// The data format [default: from the extension, else sniffed from the first bytes].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format_in: Option<FormatIn>,
    #[command(flatten)]
    read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse)]
    records: Option<data::RecordsPath>,
    /// The field holding each creator's id, a dotted path for a nested one (`profile.username`); no record having it exits 2 [default: the first of handle, id, username, name, profile.username, case, spaces and underscores ignored; else #N].
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
    /// Shortlist length for "in the shortlist", overriding the ruleset's `limit` (1 to 1,000,000,000).
    #[arg(long, value_name = "N", value_parser = shortlist_arg)]
    top: Option<usize>,
    /// Threads that decode and evaluate records, 1 to 256; 0 means every core [default: every core, at most 256]. The output is the same for any number.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
    #[command(flatten)]
    budget: MaxSteps,
    #[command(flatten)]
    date: RunDate,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    /// Counts, then each creator who changed with the cause (default on a terminal).
    Table,
    /// The same as data (default when piped).
    Json,
}

#[derive(clap::Args)]
struct TestArgs {
    /// The rules files whose examples to run.
    #[arg(required = true)]
    rules: Vec<PathBuf>,
    #[command(flatten)]
    date: RunDate,
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
    format: Option<DiffFormat>,
    /// The data format [default: from the extension, else sniffed].
    #[arg(long, value_enum, value_name = "FORMAT")]
    format_in: Option<FormatIn>,
    #[command(flatten)]
    read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse)]
    records: Option<data::RecordsPath>,
    /// The field holding each creator's id, a dotted path for a nested one (`profile.username`); no record having it exits 2 [default: the first of handle, id, username, name, profile.username, case, spaces and underscores ignored; else #N].
    #[arg(long, value_name = "NAME")]
    id_field: Option<String>,
    /// Threads that decode and evaluate records, 1 to 256; 0 means every core [default: every core, at most 256]. The output is the same for any number.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,
    #[command(flatten)]
    budget: MaxSteps,
    #[command(flatten)]
    date: RunDate,
}

/// The most threads `--threads` may ask for: more only costs memory and
/// start-up time (each has its own batches in flight), and far more could
/// not be started at all.
pub const MAX_THREADS: usize = 256;

/// `--threads N`: 0 (every core) or 1 to [`MAX_THREADS`].
fn parse_threads(s: &str) -> Result<usize, String> {
    let range = format!("give 1 to {MAX_THREADS}, or 0 for every core");
    match s.parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        Ok(n) => Err(format!("{n} threads is more than {MAX_THREADS}: {range}")),
        Err(_) => Err(format!("not a whole number: {range}")),
    }
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

fn main() -> ExitCode {
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
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if json_errors && e.use_stderr() => {
            let message = e.to_string();
            let first = message.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            cli::Reporter::new(true).error(
                "influence::usage",
                first,
                None,
                Some("run `influence-eval --help` for the options"),
            );
            return ExitCode::from(cli::EXIT_DATA);
        }
        Err(e) => return clap_message(&e),
    };
    let rep = cli::Reporter::new(cli.error_format == ErrorFormat::Json);
    if let Command::Run(RunArgs { read, .. })
    | Command::Check(CheckArgs { read, .. })
    | Command::Explain(ExplainArgs { read, .. })
    | Command::Diff(DiffArgs { read, .. }) = &cli.command
    {
        data::set_read_options(data::ReadOptions {
            delimiter: read.delimiter,
            decimal_comma: read.decimal_comma,
            sheet: read.sheet.clone(),
        });
    }
    match cli.command {
        Command::Run(a) => cli::run::run(a, &rep),
        Command::Check(a) => cli::check::check(a, &rep),
        Command::Explain(a) => cli::explain::explain(a, &rep),
        Command::Test(a) => cli::test::test(a, &rep),
        Command::Fmt(a) => cli::fmt::fmt(a, &rep),
        Command::Diff(a) => cli::diff::diff(a, &rep),
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
    let code = u8::try_from(e.exit_code()).unwrap_or(cli::EXIT_DATA);
    match e.print() {
        Err(failed) if !e.use_stderr() => {
            let rep = cli::Reporter::new(false);
            cli::write_failed(&failed, "standard output", &rep).unwrap_or(ExitCode::from(code))
        }
        // a usage error that standard error cannot take: the status tells
        _ => ExitCode::from(code),
    }
}
