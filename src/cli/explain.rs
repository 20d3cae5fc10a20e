//! `explain RULES DATA --id ID`: one creator's whole evaluation, as text
//! or as JSON. Every record is read (the rank needs them all); an id that
//! no record has exits 2 with the closest ids.

use std::io::Write;
use std::process::ExitCode;

use influence_eval::data::{self, Input};
use influence_eval::diagnostic::JsonDiagnostic;
use influence_eval::report::search::{Explaining, Explanation};
use influence_eval::report::{explain, paint::Paint};
use influence_eval::{Ruleset, Run, RunOptions};

use super::run::{threads, through};
use super::{load, output, terminal, write_failed, Reporter, EXIT_DATA, EXIT_RULES};
use crate::{ExplainArgs, ExplainFormat};

/// Runs `explain`.
pub fn explain(a: ExplainArgs, rep: &Reporter) -> ExitCode {
    let Some(rules) = load(&a.rules, rep) else {
        return ExitCode::from(EXIT_RULES);
    };
    let mut rules = rules.with_max_steps(a.budget.max_steps);
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
            explain::render(&explanation.trace, paint)
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
        .threads(threads(a.threads))
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
