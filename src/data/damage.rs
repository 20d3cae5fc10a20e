//! Why one record could not be read, as data: a [`Damage`] becomes a
//! creator with status `error` whose cause names the record's line. The
//! readers make it through the constructors here; its English is written
//! by [`std::fmt::Display`] below, and `--format json` writes the data
//! beside it (README, "Output").

use std::fmt;

use serde::ser::SerializeMap;

use super::{sparse, without_location, MAX_RECORD_BYTES, MAX_RECORD_DEPTH};
use crate::syntax::human_size;

/// Why a record could not be read (it becomes a creator with status `error`).
#[derive(Clone, Debug, PartialEq)]
pub struct Damage {
    /// What is wrong.
    pub kind: DamageKind,
    /// The 1-based column, on the record's first line, where it was
    /// found, when known.
    pub column: Option<usize>,
}

/// What is wrong with a damaged record, with the values involved.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum DamageKind {
    /// Longer than [`MAX_RECORD_BYTES`]: skipped unread.
    TooLong {
        /// `line` (NDJSON), `record` (a JSON array's element) or `row` (CSV).
        what: String,
        /// Its length in bytes (or more).
        bytes: u64,
    },
    /// Nested deeper than [`MAX_RECORD_DEPTH`].
    TooDeep,
    /// A key given twice in one object.
    KeyTwice {
        /// The key (cut short past 60 characters, with `…`).
        key: String,
        /// The line of the second, when the record spans lines.
        second_line: Option<usize>,
    },
    /// A number beyond a 64-bit float.
    NumberTooLarge,
    /// Not UTF-8 text.
    InvalidUtf8 {
        /// The 1-based byte of the record where it stops being UTF-8.
        byte: usize,
    },
    /// Not valid JSON (an NDJSON line).
    NotJson {
        /// The JSON parser's message.
        error: String,
    },
    /// A spreadsheet cell holding an error (`#DIV/0!`).
    CellError {
        /// The sheet.
        sheet: String,
        /// The 1-based row.
        row: usize,
        /// The column's header name.
        cell: String,
        /// The error the cell holds.
        error: String,
    },
    /// A CSV row with more or fewer cells than the header.
    CellCount {
        /// Cells in the row.
        cells: usize,
        /// Cells in the header.
        header: usize,
    },
    /// A CSV cell that is not UTF-8 text.
    CellNotUtf8 {
        /// The column's header name.
        cell: String,
        /// The 1-based byte of the cell where it stops being UTF-8.
        byte: usize,
    },
    /// A quoted CSV cell whose quote does not close where it should.
    UnclosedQuote {
        /// The column's header name, when the header has one there.
        cell: Option<String>,
        /// The cell's 1-based place in the row.
        index: usize,
        /// The line the quote opens on, when not the row's first.
        opened_line: Option<usize>,
        /// How it ends.
        end: QuoteEnd,
    },
}

/// How an unclosed quote in a CSV row ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteEnd {
    /// Not closed before this line, which reads as a row of its own.
    NewRow(usize),
    /// Never closed.
    EndOfFile,
    /// Runs on past [`MAX_RECORD_BYTES`].
    TooLong,
    /// Closed only on this line, where the row it makes does not read right.
    BadRow(usize),
    /// Not closed on its line (read again after unclosed quotes).
    OneLine,
}

impl From<DamageKind> for Damage {
    fn from(kind: DamageKind) -> Self {
        Damage { kind, column: None }
    }
}

impl Damage {
    /// A record over [`MAX_RECORD_BYTES`], of `len` bytes (or more).
    pub(crate) fn too_long(what: &str, len: u64) -> Self {
        DamageKind::TooLong {
            what: what.to_string(),
            bytes: len,
        }
        .into()
    }

    /// A JSON error that concerns this record alone, not the file's syntax:
    /// too deep to read, a key given twice, or a number beyond a 64-bit float.
    pub(crate) fn from_json_error(e: &serde_json::Error) -> Option<Self> {
        let msg = e.to_string();
        let kind = if msg.starts_with("recursion limit exceeded") {
            DamageKind::TooDeep
        } else if let Some(rest) = msg.strip_prefix(sparse::KEY_TWICE) {
            let end = rest.rfind(sparse::KEY_TWICE_END)?;
            DamageKind::KeyTwice {
                key: rest[..end].to_string(),
                second_line: None,
            }
        } else if msg.starts_with("number out of range") {
            DamageKind::NumberTooLarge
        } else {
            return None;
        };
        Some(kind.into())
    }

    /// Says on which line of the file the second of a key given twice is.
    pub(crate) fn set_second_line(&mut self, line: usize) {
        if let DamageKind::KeyTwice { second_line, .. } = &mut self.kind {
            *second_line = Some(line);
        }
    }

    /// Text that stops being UTF-8 at byte `valid_up_to` (0-based) of the record.
    pub(crate) fn invalid_utf8(valid_up_to: usize) -> Self {
        DamageKind::InvalidUtf8 {
            byte: valid_up_to + 1,
        }
        .into()
    }

    /// An NDJSON line that is not valid JSON; the column is where the
    /// parser stopped, when it stopped on the record's first line.
    pub(crate) fn not_json(e: &serde_json::Error) -> Self {
        Damage {
            kind: DamageKind::NotJson {
                error: without_location(e),
            },
            column: (e.line() == 1 && e.column() > 0).then(|| e.column()),
        }
    }

    /// A sheet's cell holding an error.
    pub(crate) fn cell_error(sheet: &str, row: usize, cell: &str, error: String) -> Self {
        DamageKind::CellError {
            sheet: sheet.to_string(),
            row,
            cell: cell.to_string(),
            error,
        }
        .into()
    }

    /// A row of `cells` cells under a header of `header`.
    pub(crate) fn cell_count(cells: usize, header: usize) -> Self {
        DamageKind::CellCount { cells, header }.into()
    }

    /// A cell that stops being UTF-8 at byte `valid_up_to` (0-based).
    pub(crate) fn cell_not_utf8(cell: &str, valid_up_to: usize) -> Self {
        DamageKind::CellNotUtf8 {
            cell: cell.to_string(),
            byte: valid_up_to + 1,
        }
        .into()
    }

    /// A quote opening cell `index` (0-based; `name` from the header) on
    /// `opened_line`, in the row starting on `row_line`, that ends as `end`.
    pub(crate) fn unclosed_quote(
        name: Option<&str>,
        index: usize,
        opened_line: usize,
        row_line: usize,
        end: QuoteEnd,
    ) -> Self {
        DamageKind::UnclosedQuote {
            cell: name.map(str::to_string),
            index: index + 1,
            opened_line: (opened_line != row_line).then_some(opened_line),
            end,
        }
        .into()
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl fmt::Display for QuoteEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuoteEnd::NewRow(l) => write!(f, "is not closed before line {l}, which reads as a row of its own"),
            QuoteEnd::EndOfFile => f.write_str("is never closed"),
            QuoteEnd::TooLong => write!(
                f,
                "runs on for more than {} without closing",
                human_size(MAX_RECORD_BYTES as u64)
            ),
            QuoteEnd::BadRow(l) => write!(
                f,
                "is closed only on line {l}, where the row it makes does not read right (a quote out of place, or the wrong number of cells)"
            ),
            QuoteEnd::OneLine => f.write_str(
                "is not closed on its line (past 64 MiB of lines read again after unclosed quotes, a row read again ends with its line)",
            ),
        }
    }
}

impl fmt::Display for DamageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DamageKind::TooLong { what, bytes } => write!(
                f,
                "the {what} is {} long, more than the {} a record may hold; it was skipped",
                human_size(*bytes),
                human_size(MAX_RECORD_BYTES as u64)
            ),
            DamageKind::TooDeep => write!(
                f,
                "nested more than {MAX_RECORD_DEPTH} levels deep (lists in lists, or objects in objects)"
            ),
            DamageKind::KeyTwice { key, second_line } => {
                write!(f, "{}{key}{}", sparse::KEY_TWICE, sparse::KEY_TWICE_END)?;
                if let Some(l) = second_line {
                    write!(f, " (the second at line {l})")?;
                }
                f.write_str("; keep one (JSON leaves open which value is meant)")
            }
            DamageKind::NumberTooLarge => {
                f.write_str("a number is too large for a 64-bit float (about 1.8e308)")
            }
            DamageKind::InvalidUtf8 { byte } => {
                write!(f, "not UTF-8 text (invalid byte at {byte} in the record)")
            }
            DamageKind::NotJson { error } => write!(f, "not valid JSON: {error}"),
            DamageKind::CellError {
                sheet,
                row,
                cell,
                error,
            } => write!(
                f,
                "sheet `{sheet}`, row {row}: the cell `{cell}` holds the error {error}"
            ),
            DamageKind::CellCount { cells, header } => write!(
                f,
                "the row has {cells} cell{}, the header has {header}",
                if *cells == 1 { "" } else { "s" }
            ),
            DamageKind::CellNotUtf8 { cell, byte } => write!(
                f,
                "the cell `{cell}` is not UTF-8 text (invalid byte at {byte})"
            ),
            DamageKind::UnclosedQuote {
                cell,
                index,
                opened_line,
                end,
            } => {
                match cell {
                    Some(name) => write!(f, "the quote that opens cell `{name}`")?,
                    None => write!(f, "the quote that opens cell {index}")?,
                }
                if let Some(l) = opened_line {
                    write!(f, " on line {l}")?;
                }
                write!(
                    f,
                    " {end}; the row was skipped and reading went on at the next line"
                )
            }
        }
    }
}

impl DamageKind {
    /// Writes the JSON keys of this damage into a cause object.
    pub(crate) fn entries<M: SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        match self {
            DamageKind::TooLong { what, bytes } => {
                m.serialize_entry("damage", "too_long")?;
                m.serialize_entry("what", what)?;
                m.serialize_entry("bytes", bytes)?;
                m.serialize_entry("limit", &MAX_RECORD_BYTES)?;
            }
            DamageKind::TooDeep => {
                m.serialize_entry("damage", "too_deep")?;
                m.serialize_entry("limit", &MAX_RECORD_DEPTH)?;
            }
            DamageKind::KeyTwice { key, second_line } => {
                m.serialize_entry("damage", "key_twice")?;
                m.serialize_entry("key", key)?;
                if let Some(l) = second_line {
                    m.serialize_entry("second_line", l)?;
                }
            }
            DamageKind::NumberTooLarge => m.serialize_entry("damage", "number_too_large")?,
            DamageKind::InvalidUtf8 { byte } => {
                m.serialize_entry("damage", "invalid_utf8")?;
                m.serialize_entry("byte", byte)?;
            }
            DamageKind::NotJson { error } => {
                m.serialize_entry("damage", "not_json")?;
                m.serialize_entry("error", error)?;
            }
            DamageKind::CellError {
                sheet,
                row,
                cell,
                error,
            } => {
                m.serialize_entry("damage", "cell_error")?;
                m.serialize_entry("sheet", sheet)?;
                m.serialize_entry("row", row)?;
                m.serialize_entry("cell", cell)?;
                m.serialize_entry("error", error)?;
            }
            DamageKind::CellCount { cells, header } => {
                m.serialize_entry("damage", "cell_count")?;
                m.serialize_entry("cells", cells)?;
                m.serialize_entry("header", header)?;
            }
            DamageKind::CellNotUtf8 { cell, byte } => {
                m.serialize_entry("damage", "cell_not_utf8")?;
                m.serialize_entry("cell", cell)?;
                m.serialize_entry("byte", byte)?;
            }
            DamageKind::UnclosedQuote {
                cell,
                index,
                opened_line,
                end,
            } => {
                m.serialize_entry("damage", "unclosed_quote")?;
                m.serialize_entry("cell", cell)?;
                m.serialize_entry("index", index)?;
                if let Some(l) = opened_line {
                    m.serialize_entry("opened_line", l)?;
                }
                let (how, at) = match end {
                    QuoteEnd::NewRow(l) => ("new_row", Some(l)),
                    QuoteEnd::EndOfFile => ("end_of_file", None),
                    QuoteEnd::TooLong => ("too_long", None),
                    QuoteEnd::BadRow(l) => ("bad_row", Some(l)),
                    QuoteEnd::OneLine => ("one_line", None),
                };
                m.serialize_entry("end", how)?;
                if let Some(l) = at {
                    m.serialize_entry("end_line", l)?;
                }
            }
        }
        Ok(())
    }
}
