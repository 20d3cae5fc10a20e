//! `check RULES [--data FILE]`: the rules checked without data, and with
//! `--data`, every field the rules read that no record has, a CSV header
//! naming a column twice, and CSV rows over several lines.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::check::fields::FieldCensus;
use crate::data::{self, Input, Record};
use crate::examples::{undated, undated_warning};

use super::args::{FormatIn, ReadArgs};
use super::{load_quiet, Lines, Reporter, EXIT_DATA, EXIT_RULES};

#[derive(clap::Args)]
pub(crate) struct CheckArgs {
    /// The rules file (.rules).
    pub(crate) rules: PathBuf,
    /// Also warn about fields the rules read that no record in FILE has.
    #[arg(long, value_name = "FILE")]
    pub(crate) data: Option<PathBuf>,
    /// The format of --data [default: from the extension, else sniffed].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format_in: Option<FormatIn>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Where the records are when the data is a JSON object wrapping them (an API response): a dotted path (`directs`, `data.items`) or a JSON pointer (`/data/items`) [default: the object's one member that is an array of objects].
    #[arg(long, value_name = "PATH", value_parser = data::RecordsPath::parse)]
    pub(crate) records: Option<data::RecordsPath>,
}

/// Runs `check`.
pub fn check(a: CheckArgs, rep: &Reporter) -> ExitCode {
    let Some(rules) = load_quiet(&a.rules, rep) else {
        return ExitCode::from(EXIT_RULES);
    };
    // a name read as a field that looks like a typo of a let: unless a
    // record (with --data) has that field
    let mut census: Option<FieldCensus> = None;
    let warn = |census: Option<&FieldCensus>| {
        for w in rules.warnings() {
            let name = rules.program().text(w.span);
            if !census.is_some_and(|c| c.has_field(name)) {
                rep.emit(w, &w.to_json());
            }
        }
    };
    if let Some(data_path) = &a.data {
        let census = census.insert(FieldCensus::new(rules.program()));
        let input = Input::from_arg(data_path).with_records(a.records.clone());
        let observe = &mut |r: Record| {
            if let Ok(v) = &r.item {
                census.observe(v);
            }
        };
        let notes = match data::read_noting(&input, a.format_in.map(Into::into), observe) {
            Ok((_, notes)) => notes,
            Err(e) => {
                rep.data(&e);
                return ExitCode::from(EXIT_DATA);
            }
        };
        for note in notes {
            rep.warning(note.code, &note.message, Some(&input.name()));
        }
        let rules_file = a.rules.display().to_string();
        for w in census.warnings() {
            rep.warning("influence::unknown-field", &w, Some(&rules_file));
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
