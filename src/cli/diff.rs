//! `influence-eval diff OLD NEW DATA`: what a rules change does.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use influence_eval::data::{self, Input};
use influence_eval::report::diff;
use influence_eval::{Run, RunOptions};

use super::run::{threads, through};
use super::{load, Reporter, EXIT_DATA, EXIT_RULES};
use crate::{DiffArgs, DiffFormat};

/// Runs both rulesets over the data in one pass (each record evaluated by
/// both, through the run engine) and prints who changes.
pub fn diff(a: DiffArgs, rep: &Reporter) -> ExitCode {
    let (Some(old), Some(new)) = (load(&a.old, rep), load(&a.new, rep)) else {
        return ExitCode::from(EXIT_RULES);
    };
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
        .threads(threads(a.threads))
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
    let text = match format {
        DiffFormat::Table => diff::render(
            &d,
            &a.old.display().to_string(),
            &a.new.display().to_string(),
        ),
        DiffFormat::Json => {
            serde_json::to_string_pretty(&d).expect("a diff always serialises") + "\n"
        }
    };
    let written = super::output(None)
        .and_then(|mut out| out.write_all(text.as_bytes()).and_then(|()| out.finish()));
    if let Err(e) = written {
        if let Some(code) = super::write_failed(&e, "standard output", rep) {
            return code;
        }
    }
    ExitCode::SUCCESS
}
