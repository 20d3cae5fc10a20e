//! `explain RULES DATA --id ID`: one creator's whole evaluation, as text
//! or as JSON. Every record is read (the rank needs them all); an id that
//! no record has exits 2 with the closest ids.

use std::io::Write;
use std::process::ExitCode;

use influence_eval::check::fields::FieldCensus;
use influence_eval::data::{self, Input};
use influence_eval::diagnostic::JsonDiagnostic;
use influence_eval::explain::{paint::Paint, render};
use influence_eval::RunOptions;

use super::progress::Progress;
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
    let options = RunOptions {
        top: a.top,
        id_field: a.id_field.clone(),
        ..Default::default()
    };
    let mut search = rules.explaining(&a.id, &options);
    let mut census = FieldCensus::new(rules.program()).with_id_field(a.id_field.as_deref());
    let input = Input::from_arg(&a.data).with_records(a.records.clone());
    let mut progress = Progress::new("reading", input.size());
    let bytes = progress.bytes();
    let read = data::read_counting(&input, a.format_in.map(Into::into), &bytes, &mut |r| {
        if let Ok(v) = &r.item {
            census.observe(v);
        }
        search.add_record(&r);
        progress.tick();
    });
    progress.finish();
    if let Err(e) = read {
        rep.data(&e);
        return ExitCode::from(EXIT_DATA);
    }
    if let Some((message, help)) = census.id_missing() {
        rep.data(&data::DataError::plain(&input.name(), message, Some(help)));
        return ExitCode::from(EXIT_DATA);
    }
    let explanation = match search.finish(&input.name()) {
        Ok(x) => x,
        Err(unknown) => {
            rep.emit(
                &unknown,
                &JsonDiagnostic::of(&unknown).in_file(&input.name()),
            );
            return ExitCode::from(EXIT_DATA);
        }
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
    for w in census.warnings() {
        rep.warning("influence::unknown-field", &w, Some(&rules_file));
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
