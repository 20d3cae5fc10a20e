//! `influence-eval test RULES...`: runs every `example` block.

use std::process::ExitCode;

use influence_eval::examples::uncovered;
use influence_eval::RulesError;

use super::{load, Reporter, EXIT_RULES, EXIT_TEST};
use crate::TestArgs;

/// Prints each example as `ok` or `FAIL` (a failed `expect` as a diagnostic
/// on stderr), notes what the examples leave uncovered, and ends with
/// `N passed, M failed`. Exit 3 on a failure, 1 if a file is invalid.
pub fn test(a: TestArgs, rep: &Reporter) -> ExitCode {
    let (mut passed, mut failed, mut invalid) = (0, 0, false);
    for path in &a.rules {
        let Some(rules) = load(path, rep) else {
            invalid = true;
            continue;
        };
        let results = rules.run_examples();
        if results.is_empty() {
            println!("{}: no examples", path.display());
            continue;
        }
        println!("{}", path.display());
        let (requirements, tiers) = uncovered(&rules, &results);
        let program = rules.program();
        for r in results {
            if r.passed() {
                passed += 1;
                println!("  ok    {}", r.name);
            } else {
                failed += 1;
                println!("  FAIL  {}", r.name);
                let with_source = RulesError::new(&program.file, &program.source, r.failures);
                for (d, j) in with_source.diagnostics.iter().zip(with_source.to_json()) {
                    rep.emit(d, &j);
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
