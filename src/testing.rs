//! The internals that the fuzz targets (`fuzz/src/checks.rs`, whose inputs
//! `tests/fuzz_regressions.rs` replays) and the property tests
//! (`tests/properties.rs`) drive with random input, and the `else`
//! messages the every-construct oracle test (`tests/every_construct.rs`)
//! needs to compare reasons. Not part of the API:
//! hidden from the documentation, and free to change with the internals.
//! Everything else a test reaches goes through the public API, the binary,
//! or is a unit test beside the code.

pub use crate::check::MAX_SHORTLIST;
pub use crate::data::sparse::{fast_path_agrees, FieldFilter};
pub use crate::data::{read_from, read_from_records, Format, Record, RecordsPath};
use crate::{Report, Ruleset};

/// The ruleset's `limit`, as written.
pub fn limit(rules: &Ruleset) -> Option<usize> {
    rules.program().limit
}

/// Every field path the rules read.
pub fn fields(rules: &Ruleset) -> Vec<Vec<String>> {
    rules.program().fields.clone()
}

/// Each requirement's `else` message, by name, for those with one.
pub fn else_messages(rules: &Ruleset) -> Vec<(String, String)> {
    let requirements = &rules.program().requirements;
    requirements
        .iter()
        .filter_map(|r| Some((r.name.clone(), r.message.clone()?)))
        .collect()
}

/// The terminal table of `run`, without colour.
pub fn table(report: &Report) -> String {
    crate::report::table::render(report)
}

/// `fmt`'s canonical layout of rules text; `None` when it does not parse.
pub fn format_source(src: &str) -> Option<String> {
    crate::formatter::format_source(src).ok()
}

/// Whether two rules texts parse to the same tree, positions aside;
/// `None` when either does not parse.
pub fn same_tree(a: &str, b: &str) -> Option<bool> {
    let (a, b) = (crate::syntax::parse(a).ok()?, crate::syntax::parse(b).ok()?);
    Some(a.without_spans() == b.without_spans())
}

/// The creators of the ruleset's examples, in file order, as records
/// (for the SQL differential test, `tests/sql.rs`).
pub fn example_creators(rules: &Ruleset) -> Vec<serde_json::Value> {
    rules
        .program()
        .ast
        .decls
        .iter()
        .filter_map(|d| match &d.kind {
            crate::ast::DeclKind::Example(ex) => Some(crate::examples::to_json(&ex.creator)),
            _ => None,
        })
        .collect()
}
