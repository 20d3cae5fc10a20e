//! `run RULES DATA`: every creator evaluated and reported, in one pass over
//! the input. `table` and `json` collect a report (the shortlist, near
//! misses, the funnel); `ndjson` and `csv` write one verdict per record,
//! spooled until each accepted creator's rank is known.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::data::{self, Input};
use crate::explain::paint::Paint;
use crate::report::rows::RowSet;
use crate::report::stream::{CopyError, LineFormat, LineSpec, LineSpool};
use crate::report::table;
use crate::run::summary::Summary;
use crate::run::{Evaluated, Finished, Run};
use crate::{Ruleset, RunOptions, Status};

use super::args::{shortlist_arg, FormatIn, MaxSteps, ReadArgs, RunDate, Threads};
use super::export::{self, Choice, BOM};
use super::files::FileId;
use super::progress::Progress;
use super::{
    load, output, output_name, spool, terminal, write_failed, Reporter, EXIT_DATA, EXIT_RULES,
};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Format {
    /// A readable terminal table: shortlist, near misses, funnel, counts (default on a terminal).
    Table,
    /// One JSON object with every count, the funnel and the shortlist (default when piped).
    Json,
    /// One verdict per line (every record in input order by default, see --rows), rank included; no summary. The input is read once; the lines wait in a temporary file until every creator is ranked (a shortlist of a known length is held in memory).
    Ndjson,
    /// One row per creator (the shortlist by default, see --rows): id, status, rank, score, tier, the --columns, a column per signal, failed requirements joined by `;`, their reasons. Scores rounded to 4 places, formulas defused.
    Csv,
    /// One self-contained HTML page for people (charts, sortable shortlist, with `select` the team and its constraints, near misses, the rules): needs --output FILE, or standard output that is not a terminal.
    Html,
    /// An Excel workbook (needs --output FILE.xlsx): the rows (see --rows), the funnel, the near misses (--near-misses N), with `select` the team (the shortlist is the team; a Team sheet: constraints, costs, notes), and the run.
    Xlsx,
}

/// `--rows`: which creators csv, ndjson, xlsx and html list.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum Rows {
    /// The ranked shortlist, `limit` / --top applied, in rank order.
    Shortlist,
    /// Every accepted creator in rank order, then those sent to review.
    Accepted,
    /// Every record in input order.
    All,
}

impl From<Rows> for crate::report::rows::RowSet {
    fn from(r: Rows) -> Self {
        use crate::report::rows::RowSet;
        match r {
            Rows::Shortlist => RowSet::Shortlist,
            Rows::Accepted => RowSet::Accepted,
            Rows::All => RowSet::All,
        }
    }
}

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// The rules file (.rules).
    pub(crate) rules: PathBuf,
    /// The creators: a JSON array (or an object wrapping one: see --records), NDJSON (.ndjson, .jsonl), CSV or TSV with a header (.csv, .tsv, .txt), a workbook (.xlsx, .xlsm, .xls, .ods), any of them gzipped (.gz), or - for standard input. Rules that call a cohort function (percentile, cohort_median, cohort_size) read it twice, standard input from a copy in a temporary file (TMPDIR).
    pub(crate) data: PathBuf,
    /// The data format [default: from the extension, else sniffed from the first bytes].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format_in: Option<FormatIn>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse)]
    pub(crate) records: Option<data::RecordsPath>,
    /// Output format [default: table on a terminal, json otherwise; an --output named .xlsx, .html, .csv or .ndjson needs it given].
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// Write the report to FILE instead of standard output: to a temporary file beside it, renamed over FILE only when complete (a symbolic link is followed, FILE's permissions kept). FILE may not be the rules or the data; - is standard output.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Shortlist length, overriding the ruleset's `limit`, or the team size of its `select` (1 to 1,000,000,000, as `limit`).
    #[arg(long, value_name = "N", value_parser = shortlist_arg)]
    pub(crate) top: Option<usize>,
    /// Include every creator's verdict, in input order (table and json; for csv, ndjson, xlsx and html it means --rows all).
    #[arg(long)]
    pub(crate) all: bool,
    /// The rows of csv, ndjson, xlsx and html: shortlist (ranked, `limit` / --top applied; with `select`, the team in rank order), accepted (rank order, then review), all (every record, input order) [default: shortlist for csv, xlsx and html, all for ndjson].
    #[arg(long, value_enum, value_name = "ROWS")]
    pub(crate) rows: Option<Rows>,
    /// The creator's own fields to add to csv, ndjson, xlsx and html rows, after id, status, rank, score, tier: names separated by commas, dotted paths for nested ones (`followers,country,profile.email`), brackets for names with a comma, dot or bracket (`["Follower Count"]`). A name no record has exits 2.
    #[arg(long, value_name = "NAMES")]
    pub(crate) columns: Option<String>,
    /// Start a csv report with a UTF-8 byte-order mark, so that Excel reads non-ASCII text correctly (csv only).
    #[arg(long)]
    pub(crate) bom: bool,
    /// List up to N creators rejected by exactly one requirement, nearest to passing first (the gap relative to the bound, then the score), with how far each is from passing (table, json, xlsx and html; html lists 10 when not given).
    #[arg(long, value_name = "N")]
    pub(crate) near_misses: Option<usize>,
    /// The field holding each creator's id, a dotted path for a nested one (`profile.username`); no record having it exits 2 [default: the first of handle, id, username, name, profile.username, case, spaces and underscores ignored; else #N].
    #[arg(long, value_name = "NAME")]
    pub(crate) id_field: Option<String>,
    /// Exit with status 2, after the report, if any creator is in error (a damaged record or a value of the wrong kind).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Seconds the search for a `select` team may take, and again each constraint's cost; stopped early, the report gives the best team found and its proven gap to the best possible.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = select_timeout_arg)]
    pub(crate) select_timeout: f64,
    #[command(flatten)]
    pub(crate) threads: Threads,
    #[command(flatten)]
    pub(crate) budget: MaxSteps,
    #[command(flatten)]
    pub(crate) date: RunDate,
}

/// `--select-timeout SECONDS`: more than 0, at most a day.
pub(crate) fn select_timeout_arg(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(t) if t > 0.0 && t <= 86_400.0 => Ok(t),
        _ => Err(format!(
            "`{s}` is not a time limit: give seconds, more than 0 and at most 86400 (a day), e.g. 10 or 0.5"
        )),
    }
}

/// The most threads `--threads` may ask for: more only costs memory and
/// start-up time (each has its own batches in flight), and far more could
/// not be started at all.
pub(crate) const MAX_THREADS: usize = 256;

/// `--threads N`: 0 (every core) or 1 to [`MAX_THREADS`].
pub(crate) fn parse_threads(s: &str) -> Result<usize, String> {
    let range = format!("give 1 to {MAX_THREADS}, or 0 for every core");
    match s.parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        Ok(n) => Err(format!("{n} threads is more than {MAX_THREADS}: {range}")),
        Err(_) => Err(format!("not a whole number: {range}")),
    }
}

/// Runs `run`.
pub fn run(a: RunArgs, rep: &Reporter) -> ExitCode {
    if let Some(code) = refuse_overwriting_an_input(&a, rep) {
        return code;
    }
    let Some(rules) = load(&a.rules, rep) else {
        return ExitCode::from(EXIT_RULES);
    };
    let rules = configured(rules, &a);
    let to_terminal = a.output.is_none() && terminal::stdout_is_terminal();
    // `--output /dev/tty` (or /dev/stdout on a terminal) is a terminal too
    let output_terminal = a.output.as_deref().is_some_and(terminal::path_is_terminal);
    if a.format == Some(Format::Html) && (to_terminal || output_terminal) {
        return super::html::refuse_terminal(rep);
    }
    if a.format == Some(Format::Xlsx) && output_terminal {
        return export::refuse_terminal(rep);
    }
    if let Some(code) = refuse_a_json_file_named_otherwise(&a, rep) {
        return code;
    }
    let format = a.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let lines = match format {
        Format::Ndjson => Some(LineFormat::Ndjson),
        Format::Csv => Some(LineFormat::Csv),
        Format::Table | Format::Json | Format::Html | Format::Xlsx => None,
    };
    if let (Some(_), Some(_)) = (lines, a.near_misses) {
        rep.error(
            "influence::usage",
            "--near-misses is shown in the table, json and xlsx formats, not in ndjson or csv",
            None,
            Some("run again with --format table, --format json or --format xlsx"),
        );
        return ExitCode::from(EXIT_DATA);
    }
    let choice = match export::choose(&a, format, rep) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // a shortlist of a known length is held (N rows), and so is a `select`
    // team's (every accepted row, until the team is chosen); any other
    // rows are spooled to disk as they come, and only their ranks held
    let length = a.top.or(rules.program().limit);
    let held = length.is_some() || rules.program().select.is_some();
    let errors = match (lines, format) {
        (Some(f), _) if choice.rows == RowSet::Shortlist && held => {
            export::lines(&rules, &a, f, &choice, rep)
        }
        (Some(f), _) => stream(&rules, &a, f, &choice, rep),
        (None, Format::Xlsx) => export::workbook(&rules, &a, &choice, rep),
        (None, Format::Html) => super::html::write(&rules, &a, &choice, rep),
        (None, _) => summary(&rules, &a, format, to_terminal, rep),
    };
    let errors = match errors {
        Ok(n) => n,
        Err(code) => return code,
    };
    if a.strict && errors > 0 {
        let message = format!(
            "{errors} creator{} in error (--strict)",
            if errors == 1 { "" } else { "s" }
        );
        let help = "the report lists them with their reasons (--all, or --format ndjson)";
        rep.error(
            "influence::strict",
            &message,
            Some(&a.data.display().to_string()),
            Some(help),
        );
        return ExitCode::from(EXIT_DATA);
    }
    ExitCode::SUCCESS
}

/// The rules with the run's step budget, `select` time limit and date.
fn configured(rules: Ruleset, a: &RunArgs) -> Ruleset {
    let rules = rules
        .with_max_steps(a.budget.max_steps)
        .with_select_timeout(std::time::Duration::from_secs_f64(a.select_timeout));
    match a.date.today {
        Some(d) => rules.with_today(d),
        None => rules,
    }
}

/// Refuses, before anything is opened for writing, a report that would
/// overwrite the rules or the data: `--output` (or standard output, as
/// with `>> creators.ndjson`) naming the same file by any path, symbolic
/// link or hard link. ndjson and csv would read a truncated input on
/// their second pass; every format would destroy it.
/// Without `--format`, a report to a file is json: a file named for
/// another format (`shortlist.xlsx`) would hold json that its program
/// cannot open, so exit 2 and say which `--format` to add.
fn refuse_a_json_file_named_otherwise(a: &RunArgs, rep: &Reporter) -> Option<ExitCode> {
    if a.format.is_some() {
        return None;
    }
    let ext = a
        .output
        .as_deref()?
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    let (article, format) = match ext.as_str() {
        "xlsx" => ("an", "xlsx"),
        "html" | "htm" => ("an", "html"),
        "csv" => ("a", "csv"),
        "ndjson" | "jsonl" => ("an", "ndjson"),
        _ => return None,
    };
    let name = output_name(a.output.as_deref());
    rep.error(
        "influence::usage",
        &format!("--output {name} names {article} {format} file, but the report would be json (no --format given); nothing was written"),
        None,
        Some(&format!("add --format {format} (or --format json to write json there)")),
    );
    Some(ExitCode::from(EXIT_DATA))
}

fn refuse_overwriting_an_input(a: &RunArgs, rep: &Reporter) -> Option<ExitCode> {
    let (target, to) = match &a.output {
        Some(path) => (
            FileId::of_path(path)?,
            format!("--output {}", path.display()),
        ),
        None => (
            FileId::of_stream(std::os::fd::AsFd::as_fd(&io::stdout()))?,
            "standard output".to_string(),
        ),
    };
    let data = match Input::from_arg(&a.data).file() {
        Some(p) => FileId::of_path(p),
        None => FileId::of_stream(std::os::fd::AsFd::as_fd(&io::stdin())),
    };
    let what = if FileId::of_path(&a.rules) == Some(target) {
        format!("the rules file {}", a.rules.display())
    } else if data == Some(target) {
        match Input::from_arg(&a.data).file() {
            Some(p) => format!("the data file {}", p.display()),
            None => "the data file read as standard input".to_string(),
        }
    } else {
        return None;
    };
    let message = format!("{to} is {what}: writing the report there would destroy it");
    let help = if a.output.is_some() {
        "write the report to another file; nothing was written"
    } else {
        "redirect the report to another file; nothing was written (a `>` redirection has already emptied this one)"
    };
    let file = a.output.as_ref().map(|p| p.display().to_string());
    rep.error("influence::output", &message, file.as_deref(), Some(help));
    Some(ExitCode::from(EXIT_DATA))
}

/// The threads `--threads N` asks for: 0 (or none) is every core the
/// machine offers, up to [`MAX_THREADS`]; clap has kept N within
/// 0..=MAX_THREADS.
pub(super) fn threads(asked: Option<usize>) -> usize {
    match asked {
        None | Some(0) => {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
        }
        Some(n) => n,
    }
}

/// Runs `run` through the engine with a progress line labelled `label`,
/// handing every result to `each`; a data error is reported (exit 2).
/// Every command that reads records reads them here.
pub(super) fn through(
    run: Run,
    input: &Input,
    label: &str,
    rep: &Reporter,
    each: &mut dyn FnMut(Evaluated) -> bool,
) -> Result<Finished, ExitCode> {
    let mut progress = Progress::new(label, input.size());
    let run = run.counting(progress.bytes());
    let done = run.each(&mut |n| progress.advance(n), each);
    progress.finish();
    done.map_err(|e| {
        rep.data(&e);
        ExitCode::from(EXIT_DATA)
    })
}

/// The input of `run`: DATA, with `--records`.
pub(super) fn input(a: &RunArgs) -> Input {
    Input::from_arg(&a.data).with_records(a.records.clone())
}

/// A run of `rules` over `input` with `options`, as `--format-in` and
/// `--threads` ask.
pub(super) fn engine<'r>(
    rules: &'r Ruleset,
    input: &'r Input,
    options: &'r RunOptions,
    a: &RunArgs,
) -> Run<'r> {
    Run::new(rules, input, options)
        .format(a.format_in.map(Into::into))
        .threads(a.threads.count())
}

/// `table` and `json`: one report. Returns the number of creators in error.
fn summary(
    rules: &Ruleset,
    a: &RunArgs,
    format: Format,
    to_terminal: bool,
    rep: &Reporter,
) -> Result<usize, ExitCode> {
    let options = RunOptions {
        top: a.top,
        all: a.all,
        id_field: a.id_field.clone(),
        near_misses: a.near_misses.unwrap_or(0),
        today: a.date.today,
        ..RunOptions::default()
    };
    // opened before the long part: a report that cannot be created (a
    // folder that does not exist) fails at once, not after the screening
    let to = output_name(a.output.as_deref());
    let mut out = output(a.output.as_deref())
        .map_err(|e| write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS))?;
    if a.all && format == Format::Json {
        return super::creators::write(rules, a, &options, out, rep);
    }
    let input = input(a);
    let mut sink = Summary::new(rules, &options, a.all);
    let run = engine(rules, &input, &options, a);
    let finished = through(run, &input, "screening", rep, &mut |e| {
        sink.add(e);
        true
    })?;
    let report = sink.finish(&finished);
    let text = match format {
        Format::Table => {
            let paint = Paint {
                colour: terminal::colour(to_terminal),
            };
            let width = if a.output.is_none() {
                terminal::width()
            } else {
                None
            };
            table::render_styled(&report, paint, width)
        }
        _ => {
            let mut s = serde_json::to_string_pretty(&report).expect("a report always serialises");
            s.push('\n');
            s
        }
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.finish()) {
        if let Some(code) = write_failed(&e, &to, rep) {
            return Err(code);
        }
    }
    // the table lists the warnings itself, on standard output
    if format != Format::Table || a.output.is_some() {
        warn(&report.warnings, a, rep);
    }
    Ok(report.errors)
}

/// `ndjson` and `csv` with `--rows all`, `accepted`, or a shortlist of no
/// length: the input is read once, through the engine; each line is
/// spooled to a temporary file as its verdict comes, and copied to the
/// output with its rank once every creator is ranked.
fn stream(
    rules: &Ruleset,
    a: &RunArgs,
    format: LineFormat,
    choice: &Choice,
    rep: &Reporter,
) -> Result<usize, ExitCode> {
    let program = rules.program();
    let to = output_name(a.output.as_deref());
    let spool_failed = |what: &str, e: &io::Error| spool::failed(a.output.as_deref(), what, e, rep);
    // opened first, so that a missing folder fails before the data is read;
    // a file is renamed into place only once every line is written
    let mut out = output(a.output.as_deref())
        .map_err(|e| write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS))?;
    let file = spool::open(a.output.as_deref(), rep)?;
    let mut spool = LineSpool::new(format, program, &choice.columns, file)
        .map_err(|e| spool_failed("cannot write", &e))?
        .ranked(choice.rows, a.top.or(program.limit));
    let options = RunOptions {
        // the verdicts written, with their reasons (a shortlist has none)
        all: choice.rows != RowSet::Shortlist,
        id_field: a.id_field.clone(),
        columns: choice.columns.clone(),
        ..RunOptions::default()
    };
    let input = input(a);
    let mut errors = 0;
    let mut failed: Option<io::Error> = None;
    // the lines are made on the worker threads; this one only spools them
    let spec = LineSpec::new(format, program, &choice.columns, choice.rows);
    let run = engine(rules, &input, &options, a).rendering(&spec);
    let finished = through(run, &input, "screening", rep, &mut |e| {
        errors += usize::from(e.verdict.status == Status::Error);
        let added = match e.rendered {
            Some(made) => made.and_then(|line| spool.add_rendered(line)),
            None => Ok(()),
        };
        match added {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    });
    if let Some(e) = failed {
        return Err(spool_failed("cannot write", &e));
    }
    let warnings = finished?.warnings_with_skipped();
    let bom: &[u8] = if a.bom { BOM } else { b"" };
    if let Err(e) = out.write_all(bom) {
        return Err(write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS));
    }
    copy_out(spool.finish(&mut out).map(|()| out.finish()), a, rep)?;
    warn(&warnings, a, rep);
    Ok(errors)
}

/// What became of copying a spool out: a closed pipe (`| head`) ends the
/// run quietly, any other failure exits 2 with what failed.
pub(super) fn copy_out(
    copied: Result<io::Result<()>, CopyError>,
    a: &RunArgs,
    rep: &Reporter,
) -> Result<(), ExitCode> {
    let to = output_name(a.output.as_deref());
    match copied {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) | Err(CopyError::Output(e)) => {
            Err(write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS))
        }
        Err(CopyError::Spool(e)) => Err(spool::failed(
            a.output.as_deref(),
            "cannot read back",
            &e,
            rep,
        )),
    }
}

/// The run's warnings on standard error: where the records were found in
/// the data, and fields no record has (a matter of the rules).
pub(super) fn warn(warnings: &[String], a: &RunArgs, rep: &Reporter) {
    let rules_file = a.rules.display().to_string();
    let data_file = a.data.display().to_string();
    for w in warnings {
        if w.starts_with(data::RECORDS_NOTE) {
            rep.warning(data::RECORDS_NOTE_CODE, w, Some(&data_file));
        } else if w.contains("Pass --decimal-comma") {
            rep.warning("influence::decimal-comma", w, Some(&data_file));
        } else if w.starts_with("skipped ") {
            rep.warning("influence::skipped-rows", w, Some(&data_file));
        } else {
            rep.warning("influence::unknown-field", w, Some(&rules_file));
        }
    }
}
