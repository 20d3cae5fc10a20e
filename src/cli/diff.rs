//! `influence-eval diff OLD NEW DATA`: what a rules change does.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::data::{self, Input};
use crate::report::diff;
use crate::run::Run;
use crate::RunOptions;

use super::args::{FormatIn, MaxSteps, ReadArgs, RunDate, Threads};
use super::run::through;
use super::{load, Reporter, EXIT_DATA, EXIT_RULES};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum DiffFormat {
    /// Counts, then each creator who changed with the cause (default on a terminal).
    Table,
    /// The same as data (default when piped).
    Json,
}

#[derive(clap::Args)]
pub(crate) struct DiffArgs {
    /// The rules before the change.
    pub(crate) old: PathBuf,
    /// The rules after the change.
    pub(crate) new: PathBuf,
    /// The creators (any format `run` reads).
    pub(crate) data: PathBuf,
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub(crate) format: Option<DiffFormat>,
    /// The data format [default: from the extension, else sniffed].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format_in: Option<FormatIn>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse)]
    pub(crate) records: Option<data::RecordsPath>,
    /// The field holding each creator's id, a dotted path for a nested one (`profile.username`); no record having it exits 2 [default: the first of handle, id, username, name, profile.username, case, spaces and underscores ignored; else #N].
    #[arg(long, value_name = "NAME")]
    pub(crate) id_field: Option<String>,
    #[command(flatten)]
    pub(crate) budget: MaxSteps,
    #[command(flatten)]
    pub(crate) date: RunDate,
    #[command(flatten)]
    pub(crate) threads: Threads,
}

/// Runs both rulesets over the data in one pass (each record evaluated by
/// both, through the run engine) and prints who changes.
pub fn diff(a: DiffArgs, rep: &Reporter) -> ExitCode {
    let (Some(old), Some(new)) = (load(&a.old, rep), load(&a.new, rep)) else {
        return ExitCode::from(EXIT_RULES);
    };
    if old.program().select.is_some() || new.program().select.is_some() {
        rep.error(
            "influence::usage",
            "diff compares shortlists cut by `limit`; a `select` team is not compared yet",
            None,
            Some("run each ruleset with `influence-eval run ... --format json` and compare their `shortlist`"),
        );
        return ExitCode::from(super::EXIT_DATA);
    }
    let steps = a.budget.max_steps;
    let (mut old, mut new) = (old.with_max_steps(steps), new.with_max_steps(steps));
    if let Some(d) = a.date.today {
        (old, new) = (old.with_today(d), new.with_today(d));
    }
    let options = RunOptions {
        // the causes name the failed requirements' reasons
        reasons: true,
        id_field: a.id_field.clone(),
        ..Default::default()
    };
    let input = Input::from_arg(&a.data).with_records(a.records.clone());
    let mut differ = diff::Differ::new(old.program(), new.program());
    let run = Run::new(&old, &input, &options)
        .format(a.format_in.map(Into::into))
        .threads(a.threads.count())
        .against(&new);
    let finished = through(run, &input, "reading", rep, &mut |e| {
        if let Some(n) = &e.other {
            differ.add(&e.verdict, n);
        }
        true
    });
    let finished = match finished {
        Ok(f) => f,
        Err(code) => return code,
    };
    // also for an input with no records (the engine says so only of those with some)
    if let Some((message, help)) = finished.census.id_missing() {
        rep.data(&data::DataError::plain(&input.name(), message, Some(help)));
        return ExitCode::from(EXIT_DATA);
    }
    let d = differ.finish();
    let format = a.format.unwrap_or(if std::io::stdout().is_terminal() {
        DiffFormat::Table
    } else {
        DiffFormat::Json
    });
    let written = super::output(None).and_then(|mut out| {
        match format {
            DiffFormat::Table => {
                let (old, new) = (a.old.display().to_string(), a.new.display().to_string());
                out.write_all(diff::render(&d, &old, &new).as_bytes())?;
            }
            // straight to the output: the text of a million creators'
            // changes is not held as well as the changes
            DiffFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &d)?;
                out.write_all(b"\n")?;
            }
        }
        out.finish()
    });
    if let Err(e) = written {
        if let Some(code) = super::write_failed(&e, "standard output", rep) {
            return code;
        }
    }
    ExitCode::SUCCESS
}
