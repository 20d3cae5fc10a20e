//! `--format xlsx`: a workbook for people. Sheets: the chosen rows
//! (`Shortlist`, `Accepted` or `Creators` for `--rows shortlist`,
//! `accepted`, `all`: header frozen, an autofilter, widths fitted, scores
//! and signals as numbers rounded to 4 places with a `0.0000` format,
//! tiers coloured), `Funnel`, `Near misses` (with `--near-misses N`),
//! `Team` (with `select`, see [`super::xlsx_team`]; the shortlist is then
//! the team, in rank order) and `Run` (what was run on what, when, the counts and the warnings).
//!
//! Every cell is typed: text is written as text, never as a formula, so
//! a value starting with `=` cannot run (no `'` needed, unlike csv).

use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};
use serde_json::Value as Json;

use super::rows::{self, Column, Row, RowSet};
use super::{NearMiss, Report};
use crate::compile::Program;
use crate::explain::distance::describe;

/// The most rows below the header a worksheet holds.
pub const MAX_ROWS: usize = 1_048_575;

/// The most characters a cell holds; longer text is cut, ending in `…`.
const MAX_CELL: usize = 32_767;

/// Tier fills, by the tier's place in the rules (cycled past six): pale,
/// so the text stays readable, also printed in black and white.
const TIER_FILLS: [u32; 6] = [0xC6EFCE, 0xDDEBF7, 0xFFEB9C, 0xFCE4D6, 0xE4DFEC, 0xEDEDED];

/// What a workbook says about its run, besides the report.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// The rules file as given.
    pub rules_file: String,
    /// The data file as given.
    pub data_file: String,
    /// When the run was made (ISO 8601, UTC).
    pub date: String,
    /// The rows listed.
    pub rows: RowSet,
}

/// The sheet that holds the rows of `set`.
pub fn rows_sheet(set: RowSet) -> &'static str {
    match set {
        RowSet::Shortlist => "Shortlist",
        RowSet::Accepted => "Accepted",
        RowSet::All => "Creators",
    }
}

/// The workbook's bytes.
pub fn workbook(
    program: &Program,
    report: &Report,
    columns: &[Column],
    rows: &[Row],
    info: &RunInfo,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    rows_table(&mut book, program, columns, rows, info.rows)?;
    funnel(&mut book, report)?;
    if let Some(near) = &report.near_misses {
        near_misses(&mut book, near)?;
    }
    if let Some(team) = &report.team {
        super::xlsx_team::sheet(&mut book, team, text)?;
    }
    run(&mut book, report, info)?;
    book.save_to_buffer()
}

/// A sheet's header row, in bold.
fn header(sheet: &mut Worksheet, names: &[&str]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    for (c, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col(c)?, text(name), &bold)?;
    }
    Ok(())
}

/// Scores and signals: numbers shown to 4 places.
fn score_format() -> Format {
    Format::new().set_num_format("0.0000")
}

/// The sheet of the chosen rows: one per creator, tiers coloured.
fn rows_table(
    book: &mut Workbook,
    program: &Program,
    columns: &[Column],
    rows: &[Row],
    set: RowSet,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name(rows_sheet(set))?;
    let names = rows::header(program, columns);
    header(sheet, &names.iter().map(String::as_str).collect::<Vec<_>>())?;
    let tier_formats: Vec<(String, Format)> = program
        .tiers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let fill = TIER_FILLS[i % TIER_FILLS.len()];
            let f = Format::new().set_background_color(Color::RGB(fill));
            (t.name.clone(), f)
        })
        .collect();
    for (i, r) in rows.iter().enumerate() {
        let at = row(i + 1)?;
        creator_row(sheet, at, r, program.signals.len(), &tier_formats)?;
    }
    finish_table(sheet, rows.len(), names.len())
}

/// One creator's row: id, status, rank, score, tier, the `--columns`, a
/// column per signal, the failed requirements and their reasons.
fn creator_row(
    sheet: &mut Worksheet,
    at: u32,
    r: &Row,
    signals: usize,
    tier_formats: &[(String, Format)],
) -> Result<(), XlsxError> {
    let score = score_format();
    sheet.write_string(at, 0, text(&r.id))?;
    sheet.write_string(at, 1, r.status.as_str())?;
    if let Some(rank) = r.rank {
        sheet.write_number(at, 2, rank as f64)?;
    }
    if let Some(s) = r.score {
        sheet.write_number_with_format(at, 3, rows::round(s), &score)?;
    }
    if let Some(t) = &r.tier {
        match tier_formats.iter().find(|(name, _)| name == t) {
            Some((_, f)) => sheet.write_string_with_format(at, 4, text(t), f)?,
            None => sheet.write_string(at, 4, text(t))?,
        };
    }
    let mut c = 5;
    for v in &r.columns {
        value(sheet, at, col(c)?, v)?;
        c += 1;
    }
    for k in 0..signals {
        if let Some(x) = r.signals.0.get(k).and_then(|s| s.clamped()) {
            sheet.write_number_with_format(at, col(c)?, rows::round(x), &score)?;
        }
        c += 1;
    }
    sheet.write_string(at, col(c)?, text(&rows::failed_names(&r.failed)))?;
    sheet.write_string(at, col(c + 1)?, text(&rows::reasons(&r.failed)))?;
    Ok(())
}

/// The `Funnel` sheet: each requirement, what it removed, what remains.
fn funnel(book: &mut Workbook, report: &Report) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("Funnel")?;
    let names = ["requirement", "removed", "remaining", "fails on its own"];
    header(sheet, &names)?;
    for (i, step) in report.funnel.iter().enumerate() {
        let at = row(i + 1)?;
        sheet.write_string(at, 0, text(&step.rule))?;
        sheet.write_number(at, 1, step.removed as f64)?;
        sheet.write_number(at, 2, step.remaining as f64)?;
        let alone = report.failures.get(&step.rule).and_then(Json::as_f64);
        sheet.write_number(at, 3, alone.unwrap_or(0.0))?;
    }
    finish_table(sheet, report.funnel.len(), names.len())
}

/// The `Near misses` sheet (with `--near-misses N`).
fn near_misses(book: &mut Workbook, near: &[NearMiss]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("Near misses")?;
    let names = ["id", "score", "requirement", "reason", "to pass"];
    header(sheet, &names)?;
    let score = score_format();
    for (i, n) in near.iter().enumerate() {
        let at = row(i + 1)?;
        sheet.write_string(at, 0, text(&n.id))?;
        sheet.write_number_with_format(at, 1, rows::round(n.score), &score)?;
        sheet.write_string(at, 2, text(&n.rule))?;
        sheet.write_string(at, 3, text(&n.reason))?;
        let to_pass = if n.distance.is_empty() {
            n.reason.clone()
        } else {
            describe(&n.distance)
        };
        sheet.write_string(at, 4, text(&to_pass))?;
    }
    finish_table(sheet, near.len(), names.len())
}

/// The `Run` sheet: what was run on what, when, the counts, the warnings.
fn run(book: &mut Workbook, report: &Report, info: &RunInfo) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("Run")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_align(FormatAlign::Top);
    let mut lines: Vec<(&str, Json)> = vec![
        (
            "ruleset",
            report.ruleset.clone().map_or(Json::Null, Json::from),
        ),
        ("rules file", Json::from(info.rules_file.as_str())),
        ("data file", Json::from(info.data_file.as_str())),
        ("date", Json::from(info.date.as_str())),
        ("rows", Json::from(info.rows.as_str())),
        ("evaluated", Json::from(report.evaluated)),
        ("accepted", Json::from(report.accepted)),
        ("review", Json::from(report.review)),
        ("rejected", Json::from(report.rejected)),
        ("errors", Json::from(report.errors)),
        ("shortlisted", Json::from(report.shortlist.len())),
    ];
    if report.skipped > 0 {
        lines.push(("skipped empty rows", Json::from(report.skipped)));
    }
    for (i, (name, v)) in lines.iter().enumerate() {
        sheet.write_string_with_format(row(i)?, 0, *name, &bold)?;
        value(sheet, row(i)?, 1, v)?;
    }
    let mut at = lines.len();
    for (k, w) in report.warnings.iter().enumerate() {
        let name = if k == 0 { "warnings" } else { "" };
        sheet.write_string_with_format(row(at)?, 0, name, &bold)?;
        sheet.write_string_with_format(row(at)?, 1, text(w), &wrap)?;
        at += 1;
    }
    if report.warnings.is_empty() {
        sheet.write_string_with_format(row(at)?, 0, "warnings", &bold)?;
        sheet.write_string(row(at)?, 1, "none")?;
    }
    sheet.autofit();
    Ok(())
}

/// Freezes the header, filters every column, fits the widths.
fn finish_table(sheet: &mut Worksheet, rows: usize, columns: usize) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, 0)?;
    if columns > 0 {
        sheet.autofilter(0, 0, row(rows)?, col(columns - 1)?)?;
    }
    sheet.autofit();
    Ok(())
}

/// An input value in its own kind of cell: a number as a number (a whole
/// number of more than 15 digits as text), true or false as a boolean, text (and a list, its items joined by `; `) as
/// text; nothing for null.
fn value(sheet: &mut Worksheet, r: u32, c: u16, v: &Json) -> Result<(), XlsxError> {
    match v {
        Json::Null => {}
        Json::Bool(b) => {
            sheet.write_boolean(r, c, *b)?;
        }
        // a spreadsheet number keeps 15 digits: a longer whole number (a
        // platform's 19-digit user id) is written as its text, unchanged
        Json::Number(n)
            if (n.is_i64() || n.is_u64()) && n.to_string().trim_start_matches('-').len() > 15 =>
        {
            sheet.write_string(r, c, n.to_string())?;
        }
        Json::Number(n) => match n.as_f64().filter(|x| x.is_finite()) {
            Some(x) => {
                sheet.write_number(r, c, x)?;
            }
            None => {
                sheet.write_string(r, c, n.to_string())?;
            }
        },
        other => {
            sheet.write_string(r, c, text(&rows::cell_text(other)))?;
        }
    }
    Ok(())
}

/// `s`, cut to what a cell holds.
fn text(s: &str) -> String {
    if s.chars().count() <= MAX_CELL {
        return s.to_string();
    }
    let mut cut: String = s.chars().take(MAX_CELL - 1).collect();
    cut.push('…');
    cut
}

fn row(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i)
        .ok()
        .filter(|&r| r as usize <= MAX_ROWS)
        .ok_or(XlsxError::RowColumnLimitError)
}

fn col(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i)
        .ok()
        .filter(|&c| c < 16_384)
        .ok_or(XlsxError::RowColumnLimitError)
}
