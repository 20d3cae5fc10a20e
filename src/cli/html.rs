//! `run --format html`: the page is made from the report once the run is
//! done (see `influence_eval::report::html`).

use std::process::ExitCode;

use influence_eval::report::html::{self, Page, RulesInfo, ROW_CAP};
use influence_eval::{Report, Ruleset};

use super::{Reporter, EXIT_DATA};
use crate::RunArgs;

/// How many near misses the page lists when `--near-misses` is not given.
pub const NEAR_MISSES: usize = 10;

/// A page of HTML is no use on a terminal: exit 2 before any work.
pub fn refuse_terminal(rep: &Reporter) -> ExitCode {
    rep.error(
        "influence::output",
        "--format html writes a file to open in a browser, not text for a terminal",
        None,
        Some("add --output report.html (or redirect standard output to a file)"),
    );
    ExitCode::from(EXIT_DATA)
}

/// The page for `report`: the shortlist as its table (the first
/// [`ROW_CAP`] rows), the rules file's text.
pub fn page(report: &Report, rules: &Ruleset, a: &RunArgs) -> String {
    let info = RulesInfo::of(rules.program());
    let rows = html::shortlist_rows(report, ROW_CAP);
    html::render(&Page {
        report,
        rules: &info,
        data_file: &a.data.display().to_string(),
        rows_title: "Shortlist",
        rows: &rows,
        total_rows: report.shortlist.len(),
    })
}
