//! `explain RULES DATA --id ID`: one creator's whole evaluation, as text
//! or as JSON. Every record is read (the rank needs them all); an id that
//! no record has exits 2 with the closest ids.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::data::{self, Input};
use crate::diagnostic::JsonDiagnostic;
use crate::explain::{paint::Paint, render};
use crate::run::search::{Explaining, Explanation};
use crate::run::Run;
use crate::{Ruleset, RunOptions};

use super::args::{shortlist_arg, FormatIn, MaxSteps, ReadArgs, RunDate, Threads};
use super::run::through;
use super::{load, output, terminal, write_failed, Reporter, EXIT_DATA, EXIT_RULES};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum ExplainFormat {
    /// The evaluation as a person reads it (default on a terminal).
    Text,
    /// The same trace as data (default when piped).
    Json,
}

#[derive(clap::Args)]
pub(crate) struct ExplainArgs {
    /// The rules file (.rules).
    pub(crate) rules: PathBuf,
    /// The creators, as for `run` (all are read: the rank needs them).
    pub(crate) data: PathBuf,
    /// The creator to explain, by id (as reports show it, case and a leading @ ignored; `#N` for the N-th record without one).
    #[arg(long, value_name = "ID")]
    pub(crate) id: String,
    /// Output format [default: text on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub(crate) format: Option<ExplainFormat>,
    /// The data format [default: from the extension, else sniffed from the first bytes].
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
    /// Shortlist length for "in the shortlist", overriding the ruleset's `limit` or the team size of its `select` (1 to 1,000,000,000).
    #[arg(long, value_name = "N", value_parser = shortlist_arg)]
    pub(crate) top: Option<usize>,
    /// Seconds the search for a `select` team may take (as for `run`).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = super::run::select_timeout_arg)]
    pub(crate) select_timeout: f64,
    #[command(flatten)]
    pub(crate) budget: MaxSteps,
    #[command(flatten)]
    pub(crate) date: RunDate,
    #[command(flatten)]
    pub(crate) threads: Threads,
}

/// Runs `explain`.
pub fn explain(a: ExplainArgs, rep: &Reporter) -> ExitCode {
    let Some(rules) = load(&a.rules, rep) else {
        return ExitCode::from(EXIT_RULES);
    };
    let mut rules = rules
        .with_max_steps(a.budget.max_steps)
        .with_select_timeout(std::time::Duration::from_secs_f64(a.select_timeout));
    if let Some(d) = a.date.today {
        rules = rules.with_today(d);
    }
    let input = Input::from_arg(&a.data).with_records(a.records.clone());
    let (explanation, warnings) = match search(&rules, &a, &input, rep) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let to_terminal = terminal::stdout_is_terminal();
    let format = a.format.unwrap_or(if to_terminal {
        ExplainFormat::Text
    } else {
        ExplainFormat::Json
    });
    let text = match format {
        ExplainFormat::Text => {
            let paint = Paint {
                colour: terminal::colour(to_terminal),
            };
            render::render(&explanation.trace, paint)
        }
        ExplainFormat::Json => {
            let mut s = serde_json::to_string_pretty(&explanation.trace)
                .expect("a trace always serialises");
            s.push('\n');
            s
        }
    };
    let written =
        output(None).and_then(|mut out| out.write_all(text.as_bytes()).and_then(|()| out.finish()));
    if let Err(e) = written {
        if let Some(code) = write_failed(&e, "standard output", rep) {
            return code;
        }
    }
    let rules_file = a.rules.display().to_string();
    for w in &warnings {
        rep.warning("influence::unknown-field", w, Some(&rules_file));
    }
    if explanation.same_id > 0 {
        let n = explanation.same_id;
        let message = format!(
            "{n} more creator{} in {} ha{} the id `{}`; this is the first",
            if n == 1 { "" } else { "s" },
            input.name(),
            if n == 1 { "s" } else { "ve" },
            a.id
        );
        rep.warning("influence::duplicate-id", &message, Some(&input.name()));
    }
    ExitCode::SUCCESS
}

/// Reads every record through the run engine, the explain search as its
/// sink (the rank needs every creator): the explanation, and the warnings
/// for fields no record has; an unknown id or unreadable data exits 2.
fn search(
    rules: &Ruleset,
    a: &ExplainArgs,
    input: &Input,
    rep: &Reporter,
) -> Result<(Explanation, Vec<String>), ExitCode> {
    let options = RunOptions {
        top: a.top,
        id_field: a.id_field.clone(),
        ..Default::default()
    };
    let mut search = Explaining::new(rules, &a.id, &options);
    let wanted = search.wanted();
    let run = Run::new(rules, input, &options)
        .format(a.format_in.map(Into::into))
        .threads(a.threads.count())
        .keeping(&wanted);
    let finished = through(run, input, "reading", rep, &mut |e| {
        search.add(e);
        true
    })?;
    // also for an input with no records (the engine says so only of those with some)
    if let Some((message, help)) = finished.census.id_missing() {
        rep.data(&data::DataError::plain(&input.name(), message, Some(help)));
        return Err(ExitCode::from(EXIT_DATA));
    }
    search.among(&finished);
    match search.finish(&input.name()) {
        Ok(x) => Ok((x, finished.census.warnings())),
        Err(unknown) => {
            rep.emit(
                &unknown,
                &JsonDiagnostic::of(&unknown).in_file(&input.name()),
            );
            Err(ExitCode::from(EXIT_DATA))
        }
    }
}
