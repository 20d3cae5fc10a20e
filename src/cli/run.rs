//! `run RULES DATA`: every creator evaluated and reported. `table` and
//! `json` collect a report (the shortlist, near misses, the funnel);
//! `ndjson` and `csv` write one verdict per record as it is evaluated, in
//! two passes so that each accepted creator's rank is known.

use std::io::{self, Write};
use std::process::ExitCode;

use influence_eval::check::fields::FieldCensus;
use influence_eval::data::{self, DataError, Input, Record};
use influence_eval::report::paint::Paint;
use influence_eval::report::stream::{LineFormat, Ranking, VerdictWriter};
use influence_eval::report::table;
use influence_eval::{Ruleset, RunOptions, Status};

use super::progress::Progress;
use super::{load, output, output_name, terminal, write_failed, Reporter, EXIT_DATA, EXIT_RULES};
use crate::{Format, RunArgs};

/// Runs `run`.
pub fn run(a: RunArgs, rep: &Reporter) -> ExitCode {
    let Some(rules) = load(&a.rules, rep) else {
        return ExitCode::from(EXIT_RULES);
    };
    let rules = rules.with_max_steps(a.budget.max_steps);
    let to_terminal = a.output.is_none() && terminal::stdout_is_terminal();
    let format = a.format.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Json
    });
    let lines = match format {
        Format::Ndjson => Some(LineFormat::Ndjson),
        Format::Csv => Some(LineFormat::Csv),
        Format::Table | Format::Json => None,
    };
    if let (Some(_), Some(_)) = (lines, a.near_misses) {
        rep.error(
            "influence::usage",
            "--near-misses is shown in the table and json formats, not in ndjson or csv",
            None,
            Some("run again with --format table or --format json"),
        );
        return ExitCode::from(EXIT_DATA);
    }
    let errors = match lines {
        Some(f) => stream(&rules, &a, f, rep),
        None => summary(&rules, &a, format, to_terminal, rep),
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

/// Every core the machine offers.
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reads every record with a progress line; a fatal data error is reported.
fn read_all(
    input: &Input,
    a: &RunArgs,
    label: &str,
    rep: &Reporter,
    each: &mut dyn FnMut(&Record),
) -> Result<(), ExitCode> {
    let mut progress = Progress::new(label, input.size());
    let bytes = progress.bytes();
    let read = data::read_counting(input, a.format_in.map(Into::into), &bytes, &mut |r| {
        each(&r);
        progress.tick();
    });
    progress.finish();
    read.map(|_| ()).map_err(|e: DataError| {
        rep.data(&e);
        ExitCode::from(EXIT_DATA)
    })
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
    };
    let input = Input::from_arg(&a.data);
    let mut progress = Progress::new("screening", input.size());
    let bytes = progress.bytes();
    let threads = a.threads.unwrap_or_else(default_threads).max(1);
    let screened = rules.screen_input(
        &input,
        a.format_in.map(Into::into),
        &options,
        threads,
        &bytes,
        &mut |n| progress.advance(n),
    );
    progress.finish();
    let report = screened.map_err(|e| {
        rep.data(&e);
        ExitCode::from(EXIT_DATA)
    })?;
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
    let written = output(a.output.as_deref()).and_then(|mut out| {
        out.write_all(text.as_bytes())?;
        out.flush()
    });
    if let Err(e) = written {
        if let Some(code) = write_failed(&e, &output_name(a.output.as_deref()), rep) {
            return Err(code);
        }
    }
    // the table lists the warnings itself, on standard output
    if format != Format::Table || a.output.is_some() {
        let rules_file = a.rules.display().to_string();
        for w in &report.warnings {
            rep.warning("influence::unknown-field", w, Some(&rules_file));
        }
    }
    Ok(report.errors)
}

/// `ndjson` and `csv`: a first pass ranks the accepted creators, the
/// second writes each verdict, with its rank, as it is evaluated. Standard
/// input is saved to a temporary file to be read twice.
fn stream(
    rules: &Ruleset,
    a: &RunArgs,
    format: LineFormat,
    rep: &Reporter,
) -> Result<usize, ExitCode> {
    let spool;
    let input = match Input::from_arg(&a.data) {
        Input::Stdin => {
            spool = Spool::new().map_err(|e| {
                let message = format!("cannot save standard input to a temporary file: {e}");
                rep.error("influence::data", &message, Some("<stdin>"), None);
                ExitCode::from(EXIT_DATA)
            })?;
            Input::Spooled(spool.path.clone())
        }
        other => other,
    };
    let id_field = a.id_field.as_deref();
    let program = rules.program();
    let mut ranking = Ranking::new(program);
    read_all(&input, a, "ranking", rep, &mut |r| {
        let key = r.item.as_ref().ok().and_then(|x| program.accepted_key(x));
        ranking.add(r.position, key);
    })?;
    let mut ranks = ranking.finish();

    let to = output_name(a.output.as_deref());
    let out = output(a.output.as_deref())
        .map_err(|e| write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS))?;
    let mut writer = match VerdictWriter::new(format, out, program) {
        Ok(w) => w,
        Err(e) => return Err(write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS)),
    };
    let mut census = FieldCensus::new(program);
    let mut errors = 0;
    let mut failed: Option<io::Error> = None;
    read_all(&input, a, "writing", rep, &mut |r| {
        // once the output is gone (`| head`), reading on is all that is left
        if failed.is_some() {
            return;
        }
        if let Ok(record) = &r.item {
            census.observe(record);
        }
        let mut v = rules.evaluate_record(r, r.position, id_field);
        v.rank = ranks.rank_of(r.position);
        errors += usize::from(v.status == Status::Error);
        if let Err(e) = writer.write(&v) {
            failed = Some(e);
        }
    })?;
    if let Some(e) = failed.or_else(|| writer.finish().err()) {
        // a closed pipe (`| head`) ends the run quietly
        return Err(write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS));
    }
    let rules_file = a.rules.display().to_string();
    for w in census.warnings() {
        rep.warning("influence::unknown-field", &w, Some(&rules_file));
    }
    Ok(errors)
}

/// Standard input saved to a temporary file, removed when dropped.
struct Spool {
    path: std::path::PathBuf,
}

impl Spool {
    fn new() -> io::Result<Spool> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("influence-eval-stdin-{}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        let spool = Spool { path };
        io::copy(&mut io::stdin().lock(), &mut file)?;
        Ok(spool)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
