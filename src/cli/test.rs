//! `influence-eval test RULES...`: runs every `example` block.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::examples::{uncovered, undated, undated_warning};
use crate::RulesError;

use super::args::RunDate;
use super::{load, Lines, Reporter, EXIT_RULES, EXIT_TEST};

#[derive(clap::Args)]
pub(crate) struct TestArgs {
    /// The rules files whose examples to run.
    #[arg(required = true)]
    pub(crate) rules: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) date: RunDate,
}

/// Prints each example as `ok` or `FAIL` (a failed `expect` as a diagnostic
/// on stderr), notes what the examples leave uncovered, and ends with
/// `N passed, M failed`. Exit 3 on a failure, 1 if a file is invalid; 2
/// if standard output cannot be written (a closed pipe is not an error:
/// the examples' outcome decides).
pub fn test(a: TestArgs, rep: &Reporter) -> ExitCode {
    let (mut passed, mut failed, mut invalid) = (0, 0, false);
    let mut out = Lines::new();
    for path in &a.rules {
        let Some(mut rules) = load(path, rep) else {
            invalid = true;
            continue;
        };
        if let Some(d) = a.date.today {
            rules = rules.with_today(d);
        }
        let file = path.display().to_string();
        for name in undated(&rules) {
            rep.warning(
                "influence::example-today",
                &undated_warning(&name),
                Some(&file),
            );
        }
        let results = rules.run_examples();
        if results.is_empty() {
            out.line(format_args!("{}: no examples", path.display()));
            continue;
        }
        out.line(format_args!("{}", path.display()));
        let (requirements, tiers) = uncovered(&rules, &results);
        let program = rules.program();
        for r in results {
            if r.passed() {
                passed += 1;
                out.line(format_args!("  ok    {}", r.name));
            } else {
                failed += 1;
                out.line(format_args!("  FAIL  {}", r.name));
                let with_source = RulesError::new(&program.file, &program.source, r.failures);
                for (d, j) in with_source.diagnostics.iter().zip(with_source.to_json()) {
                    rep.emit(d, &j);
                }
            }
        }
        if !requirements.is_empty() {
            out.line(format_args!(
                "  note: no example fails {}",
                requirements.join(", ")
            ));
        }
        if !tiers.is_empty() {
            out.line(format_args!(
                "  note: no example reaches tier {}",
                tiers.join(", ")
            ));
        }
    }
    out.line(format_args!("{passed} passed, {failed} failed"));
    if let Some(code) = out.finish(rep) {
        return code;
    }
    if invalid {
        ExitCode::from(EXIT_RULES)
    } else if failed > 0 {
        ExitCode::from(EXIT_TEST)
    } else {
        ExitCode::SUCCESS
    }
}
