//! Workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`), read with
//! calamine: the first sheet unless `--sheet NAME`, the first row with a
//! value as the header, each row after it a record. Numbers, booleans and
//! text keep their type; a date becomes ISO text (`2026-11-03`, or
//! `2026-11-03T10:00:00` with a time) so that `date()` reads it; a formula
//! is its last computed value, and a merged area holds its value in every
//! cell. A cell holding an error (`#DIV/0!`) damages its row. The sheet is
//! loaded whole: a workbook is a zip archive whose parts can only be read
//! once it is all there.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Sheets};
use serde_json::{Map, Value as Json};

use super::batch::Batcher;
use super::{Damage, Fault, Note};

/// True for a workbook: by extension, or by its first bytes (a zip
/// archive, or the compound file of an `.xls`).
pub(super) fn is_workbook(ext: Option<&str>, head: &[u8]) -> bool {
    matches!(ext, Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods"))
        || head.starts_with(b"PK\x03\x04")
        || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Reads the sheet `wanted` (or the first) of the workbook in `reader` and
/// streams its rows to `out`. Returns how many records there were.
pub(super) fn read_workbook(
    mut reader: impl Read,
    wanted: &Option<String>,
    out: &mut Batcher,
    notes: &mut Vec<Note>,
) -> Result<usize, Fault> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(Fault::io)?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(&bytes[..])).map_err(|e| {
        Fault::plain(format!("cannot read the workbook: {e}")).with_help(
            "influence-eval reads .xlsx, .xlsm, .xlsb, .xls and .ods; save the file again from the spreadsheet, or export it as CSV",
        )
    })?;
    let names = book.sheet_names();
    let sheet = match wanted {
        Some(w) => names.iter().find(|n| *n == w).cloned().ok_or_else(|| {
            Fault::plain(format!("has no sheet named `{w}`")).with_help(format!(
                "its sheets are {}",
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Fault::plain("holds no sheets"))?,
    };
    let mut range = book
        .worksheet_range(&sheet)
        .map_err(|e| Fault::plain(format!("cannot read the sheet `{sheet}`: {e}")))?;
    fill_merged(&mut book, &sheet, &mut range);
    read_range(&sheet, &range, out, notes)
}

/// Writes a merged area's value (kept in its top-left cell) into each of
/// its cells. Only `.xlsx` and `.xls` say which cells are merged.
fn fill_merged<RS: Read + std::io::Seek>(
    book: &mut Sheets<RS>,
    sheet: &str,
    range: &mut Range<Data>,
) {
    let merged = match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        _ => Vec::new(),
    };
    for area in merged {
        let Some(value) = range.get_value(area.start).cloned() else {
            continue;
        };
        // (an area is bounded by the sheet's own cells: no runaway loop)
        for row in area.start.0..=area.end.0 {
            for col in area.start.1..=area.end.1 {
                if range
                    .get_value((row, col))
                    .is_some_and(|v| *v == Data::Empty)
                {
                    range.set_value((row, col), value.clone());
                }
            }
        }
    }
}

fn read_range(
    sheet: &str,
    range: &Range<Data>,
    out: &mut Batcher,
    notes: &mut Vec<Note>,
) -> Result<usize, Fault> {
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| (first_row + i + 1, cells));
    let header = loop {
        match rows.next() {
            None => {
                return Err(
                    Fault::plain(format!("holds no records: the sheet `{sheet}` is empty"))
                        .with_help("pass --sheet NAME to read another sheet"),
                )
            }
            Some((_, cells)) if cells.iter().all(|c| *c == Data::Empty) => continue,
            Some((_, cells)) => break header_names(sheet, cells, notes),
        }
    };
    let mut n = 0;
    for (row, cells) in rows {
        if cells.iter().all(is_blank) {
            out.skip(row);
            continue;
        }
        out.push_ready(to_object(sheet, row, &header, cells), row);
        if out.stopped {
            break;
        }
        n += 1;
    }
    Ok(n)
}

fn is_blank(c: &Data) -> bool {
    match c {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The header's names; an empty one is `column_N`, a name given again
/// `name_2` (with a note).
fn header_names(sheet: &str, cells: &[Data], notes: &mut Vec<Note>) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(cells.len());
    for (i, c) in cells.iter().enumerate() {
        let text = match cell(c) {
            Ok(Json::String(s)) => s.split_whitespace().collect::<Vec<_>>().join(" "),
            Ok(Json::Null) | Err(_) => String::new(),
            Ok(v) => v.to_string(),
        };
        let mut name = if text.is_empty() {
            format!("column_{}", i + 1)
        } else {
            text
        };
        if names.contains(&name) {
            let mut k = 2;
            while names.contains(&format!("{name}_{k}")) {
                k += 1;
            }
            let renamed = format!("{name}_{k}");
            if notes.len() < 20 {
                notes.push(Note {
                    code: "influence::duplicate-column",
                    message: format!(
                        "the header of sheet `{sheet}` names `{name}` twice; column {} is read as `{renamed}`",
                        i + 1
                    ),
                });
            }
            name = renamed;
        }
        names.push(name);
    }
    names
}

fn to_object(sheet: &str, row: usize, header: &[String], cells: &[Data]) -> Result<Json, Damage> {
    let mut m = Map::with_capacity(header.len());
    for (name, c) in header.iter().zip(cells) {
        let value = cell(c).map_err(|e| Damage::cell_error(sheet, row, name, e))?;
        m.insert(name.clone(), value);
    }
    Ok(Json::Object(m))
}

/// A cell's value, or the spreadsheet error it holds.
fn cell(c: &Data) -> Result<Json, String> {
    Ok(match c {
        Data::Empty => Json::Null,
        Data::Bool(b) => Json::Bool(*b),
        Data::Int(i) => Json::from(*i),
        Data::Float(f) => number(*f),
        Data::String(s) if s.trim().is_empty() => Json::Null,
        Data::String(s) => Json::String(s.clone()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Json::String(s.clone()),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            Json::String(if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}")
            })
        }
        // a duration: its days, as the sheet holds it
        Data::DateTime(d) => number(d.as_f64()),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A whole float as an integer (spreadsheets store `1200` as 1200.0).
fn number(f: f64) -> Json {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Json::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
    }
}
