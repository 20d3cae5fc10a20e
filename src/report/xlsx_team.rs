//! The `Team` sheet of `--format xlsx` with `select`: how the team was
//! chosen (size, chosen, total score, status and gap), each constraint's
//! value for the team and what it costs, the notes, and the accepted
//! creators who could not join — the facts of the json's `team` object.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::rows;
use super::team::{ConstraintReport, TeamReport};

/// The constraint table's header.
const CONSTRAINT_COLUMNS: [&str; 7] = [
    "constraint",
    "used",
    "cap",
    "groups",
    "binding",
    "total without it",
    "cost",
];

/// Writes the `Team` sheet. `cell_text` cuts text to what a cell holds.
pub fn sheet(
    book: &mut Workbook,
    team: &TeamReport,
    cell_text: fn(&str) -> String,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("Team")?;
    let bold = Format::new().set_bold();
    let score = Format::new().set_num_format("0.0000");
    let mut at: u32 = 0;
    let counts = [
        ("asked", team.size),
        ("chosen", team.chosen),
        ("eligible", team.eligible),
        ("ineligible", team.ineligible),
        ("considered", team.considered),
    ];
    for (name, n) in counts {
        sheet.write_string_with_format(at, 0, name, &bold)?;
        sheet.write_number(at, 1, n as f64)?;
        at += 1;
    }
    sheet.write_string_with_format(at, 0, "total score", &bold)?;
    sheet.write_number_with_format(at, 1, rows::round(team.total_score), &score)?;
    at += 1;
    sheet.write_string_with_format(at, 0, "status", &bold)?;
    sheet.write_string(at, 1, team.status)?;
    at += 1;
    for (name, v) in [("bound", team.bound), ("gap", team.gap)] {
        if let Some(v) = v {
            sheet.write_string_with_format(at, 0, name, &bold)?;
            sheet.write_number_with_format(at, 1, rows::round(v), &score)?;
            at += 1;
        }
    }
    at += 1;
    for (c, name) in CONSTRAINT_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(at, c as u16, *name, &bold)?;
    }
    at += 1;
    for c in &team.constraints {
        constraint(sheet, at, c, &score, cell_text)?;
        at += 1;
    }
    at += 1;
    let notes = team.notes.iter().map(|n| ("notes", cell_text(n)));
    let shown = team
        .ineligible_creators
        .iter()
        .map(|i| ("ineligible", cell_text(&format!("{}: {}", i.id, i.reason))));
    let mut last = "";
    for (name, line) in notes.chain(shown) {
        if name != last {
            sheet.write_string_with_format(at, 0, name, &bold)?;
            last = name;
        }
        sheet.write_string(at, 1, line)?;
        at += 1;
    }
    sheet.autofit();
    Ok(())
}

/// One constraint's row: its text, the budget used and cap or the group
/// counts (`US 3, GB 2`), whether it binds, and its cost.
fn constraint(
    sheet: &mut Worksheet,
    at: u32,
    c: &ConstraintReport,
    score: &Format,
    cell_text: fn(&str) -> String,
) -> Result<(), XlsxError> {
    sheet.write_string(at, 0, cell_text(&c.constraint))?;
    if let Some(used) = c.used {
        sheet.write_number(at, 1, rows::round(used))?;
    }
    if let Some(cap) = c.cap {
        sheet.write_number(at, 2, rows::round(cap))?;
    }
    if !c.groups.is_empty() {
        let groups: Vec<String> = c
            .groups
            .iter()
            .map(|g| format!("{} {}", g.value, g.count))
            .collect();
        sheet.write_string(at, 3, cell_text(&groups.join(", ")))?;
    }
    sheet.write_boolean(at, 4, c.binding)?;
    if let Some(w) = c.total_without {
        sheet.write_number_with_format(at, 5, rows::round(w), score)?;
    }
    if let Some(cost) = c.cost {
        sheet.write_number_with_format(at, 6, rows::round(cost), score)?;
    }
    Ok(())
}
