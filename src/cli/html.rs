//! `run --format html`: the page is made from the report once the run is
//! done (see `crate::report::html`).

use std::process::ExitCode;

use std::io::Write;

use crate::report::html::{self, Page, RulesInfo, ROW_CAP};
use crate::report::rows::{self, RowSet};
use crate::{Report, Ruleset};

use super::export::{self, Choice};
use super::run::warn;
use super::run::RunArgs;
use super::{output, output_name, write_failed, Reporter, EXIT_DATA};

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

/// `--format html`: screens the input keeping the chosen rows (`--rows`,
/// `--columns`), then writes the page whole. Returns the number of
/// creators in error.
pub fn write(
    rules: &Ruleset,
    a: &RunArgs,
    choice: &Choice,
    rep: &Reporter,
) -> Result<usize, ExitCode> {
    let to = output_name(a.output.as_deref());
    // opened before the long part: a report that cannot be created fails at once
    let mut out = output(a.output.as_deref())
        .map_err(|e| write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS))?;
    let (report, rows) = export::screen(rules, a, choice, rep)?;
    let text = page(&report, rules, a, choice, &rows);
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.finish()) {
        return Err(write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS));
    }
    warn(&report.warnings, a, rep);
    Ok(report.errors)
}

/// The page for `report`: the chosen rows as its table (the first
/// [`ROW_CAP`]), the rules file's text.
fn page(
    report: &Report,
    rules: &Ruleset,
    a: &RunArgs,
    choice: &Choice,
    rows: &[rows::Row],
) -> String {
    let info = RulesInfo::of(rules.program());
    let shown: Vec<html::Row> = rows
        .iter()
        .take(ROW_CAP)
        .map(|r| html::Row {
            id: r.id.clone(),
            status: r.status,
            rank: r.rank,
            score: r.score,
            tier: r.tier.clone(),
            signals: r
                .signals
                .0
                .iter()
                .map(|s| (s.name.clone(), s.clamped()))
                .collect(),
            failed: r
                .failed
                .iter()
                .map(|f| (f.rule.clone(), f.reason.clone()))
                .collect(),
            extra: choice
                .columns
                .iter()
                .zip(&r.columns)
                .map(|(c, v)| (c.name.clone(), rows::cell_text(v)))
                .collect(),
        })
        .collect();
    let rows_title = match choice.rows {
        RowSet::Shortlist => "Shortlist",
        RowSet::Accepted => "Accepted and review",
        RowSet::All => "Every creator",
    };
    html::render(&Page {
        report,
        rules: &info,
        data_file: &a.data.display().to_string(),
        rows_title,
        rows: &shown,
        total_rows: rows.len(),
    })
}
