//! The rows of `run`'s files for people: `--rows`, `--columns` and
//! `--bom` checked against the format, the chosen rows written as csv or
//! ndjson (`--rows shortlist` or `accepted`; `all` streams, see `run`),
//! and `--format xlsx`.

use std::io::Write;
use std::process::ExitCode;

use crate::report::rows::{self, Column, Picker, Row, RowSet};
use crate::report::stream::{write_rows, LineFormat};
use crate::report::xlsx::{self, RunInfo};
use crate::run::summary::Summary;
use crate::{Report, Ruleset, RunOptions};

use super::run::{engine, input, through, warn};
use super::run::{Format, RunArgs};
use super::{output, output_name, write_failed, Reporter, EXIT_DATA};

/// A workbook is binary: `--output` naming a terminal is refused (exit 2)
/// before the data is read.
pub fn refuse_terminal(rep: &Reporter) -> ExitCode {
    rep.error(
        "influence::output",
        "--format xlsx writes a workbook, a binary file, not text for a terminal; nothing was written",
        None,
        Some("run again with --output shortlist.xlsx"),
    );
    ExitCode::from(EXIT_DATA)
}

/// The UTF-8 byte-order mark `--bom` starts a csv report with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a report lists: its rows and the creator's own columns.
pub struct Choice {
    /// The rows.
    pub rows: RowSet,
    /// The `--columns`.
    pub columns: Vec<Column>,
    /// How many near misses to list: `--near-misses`, else 10 on the HTML
    /// page and none elsewhere.
    pub near_misses: usize,
}

/// Checks `--rows`, `--columns`, `--bom`, `--all` and `--output` against
/// `format`; a usage error exits 2 with what to do instead.
pub fn choose(a: &RunArgs, format: Format, rep: &Reporter) -> Result<Choice, ExitCode> {
    let usage = |message: &str, help: &str| {
        rep.error("influence::usage", message, None, Some(help));
        ExitCode::from(EXIT_DATA)
    };
    let lists_rows = matches!(
        format,
        Format::Csv | Format::Ndjson | Format::Xlsx | Format::Html
    );
    if !lists_rows && (a.rows.is_some() || a.columns.is_some()) {
        let flag = if a.rows.is_some() {
            "--rows"
        } else {
            "--columns"
        };
        return Err(usage(
            &format!("{flag} chooses the rows of csv, ndjson, xlsx and html, not of the table or json"),
            "run again with --format csv, ndjson, xlsx or html (json lists every creator with --all)",
        ));
    }
    if a.bom && format != Format::Csv {
        return Err(usage(
            "--bom is for csv: the other formats are read by programs, which a byte-order mark would confuse",
            "run again with --format csv, or without --bom",
        ));
    }
    if format == Format::Xlsx && a.output.is_none() {
        return Err(usage(
            "--format xlsx writes a workbook, a binary file, and needs --output FILE.xlsx; nothing was written",
            "run again with --output shortlist.xlsx",
        ));
    }
    // csv and xlsx are files for people: the shortlist; ndjson, read by
    // programs, keeps listing every record as it always has
    let default = match format {
        Format::Ndjson => RowSet::All,
        _ => RowSet::Shortlist,
    };
    let rows = match (a.rows.map(RowSet::from), a.all) {
        (Some(r), true) if r != RowSet::All => {
            return Err(usage(
                &format!("--all lists every creator, --rows {} does not", r.as_str()),
                "give one of them (--all is --rows all)",
            ))
        }
        (_, true) => RowSet::All,
        (Some(r), false) => r,
        (None, false) => default,
    };
    let columns = match &a.columns {
        Some(text) => Column::parse_list(text).map_err(|e| {
            usage(
                &format!("--columns: {e}"),
                "give field names separated by commas, as --columns followers,country,profile.email",
            )
        })?,
        None => Vec::new(),
    };
    let near_misses = a.near_misses.unwrap_or(if format == Format::Html {
        super::html::NEAR_MISSES
    } else {
        0
    });
    Ok(Choice {
        rows,
        columns,
        near_misses,
    })
}

/// The options of a run that lists `choice`'s rows.
fn options(a: &RunArgs, choice: &Choice) -> RunOptions {
    RunOptions {
        top: a.top,
        id_field: a.id_field.clone(),
        near_misses: choice.near_misses,
        columns: choice.columns.clone(),
        // the review rows of `accepted` show why they wait
        reasons: choice.rows != RowSet::Shortlist,
        ..RunOptions::default()
    }
}

/// Screens the whole input into a report, keeping the chosen rows (for
/// every format that lists rows in memory: csv and ndjson without
/// `--rows all`, xlsx, and any other report drawn from rows).
pub fn screen(
    rules: &Ruleset,
    a: &RunArgs,
    choice: &Choice,
    rep: &Reporter,
) -> Result<(Report, Vec<Row>), ExitCode> {
    let options = options(a, choice);
    let mut picker = Picker::new(rules.program(), choice.rows, a.top);
    let input = input(a);
    let mut sink = Summary::new(rules, &options, false);
    let run = engine(rules, &input, &options, a);
    let finished = through(run, &input, "screening", rep, &mut |e| {
        // the rows are chosen so, seeing each verdict before the report takes it
        picker.add(&e.verdict, &e.columns);
        sink.add(e);
        true
    })?;
    let report = sink.finish(&finished);
    let rows = picker.finish();
    // with `select`, the shortlist is the team the report chose
    let rows = match (&report.team, choice.rows) {
        (Some(_), RowSet::Shortlist) => rows::team_rows(rows, &report.shortlist),
        _ => rows,
    };
    Ok((report, rows))
}

/// csv or ndjson with `--rows shortlist` or `accepted`: the rows are
/// chosen while the input is read (a shortlist of N holds N rows), then
/// written in rank order. Returns the number of creators in error.
pub fn lines(
    rules: &Ruleset,
    a: &RunArgs,
    format: LineFormat,
    choice: &Choice,
    rep: &Reporter,
) -> Result<usize, ExitCode> {
    let to = output_name(a.output.as_deref());
    // opened first: a folder that does not exist fails before the work
    let mut out = output(a.output.as_deref())
        .map_err(|e| write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS))?;
    let (report, rows) = screen(rules, a, choice, rep)?;
    let bom: &[u8] = if a.bom { BOM } else { b"" };
    let written = out
        .write_all(bom)
        .and_then(|()| write_rows(format, rules.program(), &choice.columns, &rows, &mut out))
        .and_then(|()| out.finish());
    if let Err(e) = written {
        // a closed pipe (`| head`) ends the run quietly
        return Err(write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS));
    }
    warn(&report.warnings, a, rep);
    Ok(report.errors)
}

/// `--format xlsx --output FILE`: the workbook, written whole or not at
/// all. Returns the number of creators in error.
pub fn workbook(
    rules: &Ruleset,
    a: &RunArgs,
    choice: &Choice,
    rep: &Reporter,
) -> Result<usize, ExitCode> {
    let to = output_name(a.output.as_deref());
    let mut out = output(a.output.as_deref())
        .map_err(|e| write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS))?;
    let (report, rows) = screen(rules, a, choice, rep)?;
    if rows.len() > xlsx::MAX_ROWS {
        let message = format!(
            "{} rows do not fit in a worksheet, which holds {}; nothing was written",
            rows.len(),
            xlsx::MAX_ROWS
        );
        let help = "list fewer rows (--rows shortlist or accepted), or write csv";
        rep.error("influence::output", &message, Some(&to), Some(help));
        return Err(ExitCode::from(EXIT_DATA));
    }
    let info = RunInfo {
        rules_file: a.rules.display().to_string(),
        data_file: a.data.display().to_string(),
        date: utc_now(),
        rows: choice.rows,
    };
    let bytes = match xlsx::workbook(rules.program(), &report, &choice.columns, &rows, &info) {
        Ok(b) => b,
        Err(e) => {
            let message = format!("cannot make the workbook: {e}; nothing was written");
            rep.error("influence::output", &message, Some(&to), None);
            return Err(ExitCode::from(EXIT_DATA));
        }
    };
    if let Err(e) = out.write_all(&bytes).and_then(|()| out.finish()) {
        return Err(write_failed(&e, &to, rep).unwrap_or(ExitCode::SUCCESS));
    }
    warn(&report.warnings, a, rep);
    Ok(report.errors)
}

/// Now, in UTC, as ISO 8601 to the second (`2026-12-02T03:50:00Z`).
fn utc_now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
