//! `check RULES [--data FILE]`: the rules checked without data, and with
//! `--data`, every field the rules read that no record has, a CSV header
//! naming a column twice, and CSV rows over several lines.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::data::{self, Input};
use crate::examples::{undated, undated_warning};
use crate::run::census::FieldCensus;
use crate::run::Run;
use crate::{Ruleset, RunOptions};

use super::args::{FormatIn, ReadArgs};
use super::run::{threads, through};
use super::{load_quiet, Lines, Reporter, EXIT_RULES};

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// The rules file (.rules).
    pub(crate) rules: PathBuf,
    /// Also warn about fields the rules read that no record in FILE has.
    #[arg(long, value_name = "FILE")]
    pub(crate) data: Option<PathBuf>,
    /// The format of --data [default: from the extension, else sniffed].
    #[arg(long, value_enum, value_name = "FORMAT", requires = "data")]
    pub(crate) format_in: Option<FormatIn>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse, requires = "data")]
    pub(crate) records: Option<data::RecordsPath>,
    /// Threads that read --data's records, 1 to 256; 0 means every core [default: every core, at most 256]. The output is the same for any number.
    #[arg(long, value_name = "N", value_parser = super::run::parse_threads, requires = "data")]
    pub(crate) threads: Option<usize>,
}

/// Runs `check`.
pub fn check(a: CheckArgs, rep: &Reporter) -> ExitCode {
    let Some(rules) = load_quiet(&a.rules, rep) else {
        return ExitCode::from(EXIT_RULES);
    };
    // a name read as a field that looks like a typo of a let: unless a
    // record (with --data) has that field
    let mut census = None;
    let warn = |census: Option<&FieldCensus>| {
        for w in rules.warnings() {
            let name = rules.program().text(w.span);
            if !census.is_some_and(|c| c.has_field(name)) {
                rep.emit(w, &w.to_json());
            }
        }
    };
    if let Some(data_path) = &a.data {
        match data_census(&rules, &a, data_path, rep) {
            Ok(c) => census = Some(c),
            Err(code) => return code,
        }
    }
    let file = a.rules.display().to_string();
    for name in undated(&rules) {
        rep.warning(
            "influence::example-today",
            &undated_warning(&name),
            Some(&file),
        );
    }
    warn(census.as_ref());
    let mut out = Lines::new();
    out.line(format_args!(
        "ok: {}: {}",
        a.rules.display(),
        rules.summary()
    ));
    out.finish(rep).unwrap_or(ExitCode::SUCCESS)
}

/// `--data`: the records read through the run engine, nothing evaluated,
/// for the census of the fields they have; warns of what the data's shape
/// tells and of each field the rules read that no record has.
fn data_census(
    rules: &Ruleset,
    a: &CheckArgs,
    data_path: &Path,
    rep: &Reporter,
) -> Result<FieldCensus, ExitCode> {
    let input = Input::from_arg(data_path).with_records(a.records.clone());
    let options = RunOptions::default();
    let run = Run::new(rules, &input, &options)
        .format(a.format_in.map(Into::into))
        .threads(threads(a.threads))
        .census_only();
    let finished = through(run, &input, "reading", rep, &mut |_| true)?;
    for note in &finished.notes {
        rep.warning(note.code, &note.message, Some(&input.name()));
    }
    let rules_file = a.rules.display().to_string();
    for w in finished.census.warnings() {
        rep.warning("influence::unknown-field", &w, Some(&rules_file));
    }
    Ok(finished.census)
}
