//! `influence-eval fmt RULES... [--check]`: the canonical layout. Each
//! file is read as every command reads rules (at most 1 MiB) and replaced
//! whole or not at all (see `files`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{read_rules_file, LoadError, RulesError};

use super::files::AtomicFile;
use super::{Lines, Reporter, EXIT_RULES, EXIT_TEST};

#[derive(clap::Args)]
pub(crate) struct FmtArgs {
    /// Rules files, or folders whose .rules files to format.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Change nothing; list the files that would change and exit 3 if any.
    #[arg(long)]
    pub(crate) check: bool,
}

/// The .rules files named, folders expanded (sorted, not recursive). A
/// folder that cannot be listed is reported, not taken as empty.
fn rules_files(paths: &[PathBuf], rep: &Reporter) -> (Vec<PathBuf>, bool) {
    let (mut out, mut failed) = (Vec::new(), false);
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let listed = std::fs::read_dir(p).and_then(|entries| {
            entries
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<Vec<PathBuf>, _>>()
        });
        match listed {
            Ok(mut found) => {
                found.retain(|f| f.extension().is_some_and(|x| x == "rules"));
                found.sort();
                out.extend(found);
            }
            Err(source) => {
                rep.load(&LoadError::Io {
                    path: p.display().to_string(),
                    source,
                });
                failed = true;
            }
        }
    }
    (out, failed)
}

/// Rewrites each file that is not in the canonical layout (`--check`: only
/// lists them and exits 3). A file that does not parse, or cannot be read
/// or written, exits 1; standard output that cannot be written exits 2.
pub fn fmt(a: FmtArgs, rep: &Reporter) -> ExitCode {
    let (files, mut invalid) = rules_files(&a.paths, rep);
    let mut changed = 0;
    let mut out = Lines::new();
    for path in files {
        let name = path.display().to_string();
        let src = match read_rules_file(&path) {
            Ok(src) => src,
            Err(e) => {
                rep.load(&e);
                invalid = true;
                continue;
            }
        };
        let formatted = match crate::formatter::format_source(&src) {
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
            out.line(format_args!("would reformat {name}"));
        } else if let Err(e) = replace(&path, &formatted) {
            rep.error(
                "influence::io",
                &format!("cannot write {name}: {e}; the file is as it was"),
                Some(&name),
                None,
            );
            invalid = true;
        } else {
            out.line(format_args!("formatted {name}"));
        }
    }
    if let Some(code) = out.finish(rep) {
        return code;
    }
    if invalid {
        ExitCode::from(EXIT_RULES)
    } else if a.check && changed > 0 {
        ExitCode::from(EXIT_TEST)
    } else {
        ExitCode::SUCCESS
    }
}

/// Replaces the file at `path` with `text`, whole or not at all.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(text.as_bytes())?;
    file.commit()
}
