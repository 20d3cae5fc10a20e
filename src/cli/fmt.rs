//! `influence-eval fmt RULES... [--check]`: the canonical layout.

use std::path::PathBuf;
use std::process::ExitCode;

use influence_eval::{LoadError, RulesError};

use super::{Reporter, EXIT_RULES, EXIT_TEST};
use crate::FmtArgs;

/// The .rules files named, folders expanded (sorted, not recursive).
fn rules_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.extension().is_some_and(|x| x == "rules"))
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// Rewrites each file that is not in the canonical layout (`--check`: only
/// lists them and exits 3). A file that does not parse exits 1.
pub fn fmt(a: FmtArgs, rep: &Reporter) -> ExitCode {
    let (mut changed, mut invalid) = (0, false);
    for path in rules_files(&a.paths) {
        let name = path.display().to_string();
        let src = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => {
                    rep.load(&LoadError::Encoding {
                        path: name,
                        offset: e.utf8_error().valid_up_to(),
                    });
                    invalid = true;
                    continue;
                }
            },
            Err(source) => {
                rep.load(&LoadError::Io { path: name, source });
                invalid = true;
                continue;
            }
        };
        let formatted = match influence_eval::fmt::format_source(&src) {
            Ok(f) => f,
            Err(errors) => {
                rep.load(&LoadError::Rules(RulesError::new(&name, &src, errors)));
                invalid = true;
                continue;
            }
        };
        if formatted == src {
            continue;
        }
        changed += 1;
        if a.check {
            println!("would reformat {name}");
        } else if let Err(e) = std::fs::write(&path, formatted) {
            rep.error(
                "influence::io",
                &format!("cannot write {name}: {e}"),
                Some(&name),
                None,
            );
            invalid = true;
        } else {
            println!("formatted {name}");
        }
    }
    if invalid {
        ExitCode::from(EXIT_RULES)
    } else if a.check && changed > 0 {
        ExitCode::from(EXIT_TEST)
    } else {
        ExitCode::SUCCESS
    }
}
