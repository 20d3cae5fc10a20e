//! One verdict as the bytes of its line in a line format (ndjson, csv, or
//! an element of `--all --format json`'s `creators`), with the place its
//! rank goes once known. [`LineMaker`] makes them on the run's worker
//! threads ([`LineSpec`] says how), so that the thread that writes them in
//! input order only copies bytes ([`super::stream::LineSpool`]).

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;

use serde_json::Value as Json;

use super::rows::{self, Column, Row, RowSet};
use crate::compile::Program;
use crate::eval::{RankKey, Signals, Status, Verdict};

/// A CSV error as the I/O error under it.
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The line formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// One JSON verdict per line.
    Ndjson,
    /// One CSV row per verdict, after a header.
    Csv,
    /// The elements of the `creators` array of `--all --format json`:
    /// each verdict pretty-printed at the array's depth, separated by
    /// commas (the caller writes the report around them).
    Creators,
}

/// Bytes a CSV writer hands on, kept where the caller can take them: the
/// csv crate's writer owns what it writes to.
#[derive(Clone, Default)]
pub(super) struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One row as the bytes of its line, split where its rank goes.
pub(super) enum Lines {
    Ndjson {
        columns: Vec<Column>,
    },
    /// The `,\n` between elements is the spool's to write.
    Creators {
        /// The element before it is indented, reused.
        scratch: Vec<u8>,
    },
    Csv {
        writer: Box<csv::Writer<Shared>>,
        bytes: Shared,
        signals: usize,
    },
}

impl Lines {
    fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out)
    }

    /// Lines in `format`, and the CSV header (empty for ndjson).
    pub(super) fn new(
        format: LineFormat,
        program: &Program,
        columns: &[Column],
    ) -> io::Result<(Lines, Vec<u8>)> {
        let mut header = Vec::new();
        if format == LineFormat::Csv {
            let mut w = Lines::csv_writer(&mut header);
            let names = rows::header(program, columns);
            w.write_record(names.iter().map(|n| rows::defuse(n).into_owned()))
                .map_err(csv_io)?;
            w.flush()?;
        }
        Ok((Lines::of(format, program, columns), header))
    }

    /// Lines in `format`, without the header.
    fn of(format: LineFormat, program: &Program, columns: &[Column]) -> Lines {
        match format {
            LineFormat::Ndjson => Lines::Ndjson {
                columns: columns.to_vec(),
            },
            LineFormat::Creators => Lines::Creators {
                scratch: Vec::new(),
            },
            LineFormat::Csv => {
                let bytes = Shared::default();
                Lines::Csv {
                    writer: Box::new(Lines::csv_writer(bytes.clone())),
                    bytes,
                    signals: program.signals.len(),
                }
            }
        }
    }

    /// Appends `row`'s line to `out`. For a row without its rank yet,
    /// returns where the rank goes when the row is accepted.
    pub(super) fn line(&mut self, row: &Row, out: &mut Vec<u8>) -> io::Result<Option<usize>> {
        let ranked = row.status == Status::Accepted && row.rank.is_none();
        match self {
            Lines::Ndjson { columns } => {
                super::json_line::write_row(out, row, columns)?;
                out.push(b'\n');
                // `rank` is the last field, null until it is known: the
                // null goes, and the rank is written in its place
                const NULL: &[u8] = b"null}\n";
                if !(ranked && out.ends_with(NULL)) {
                    return Ok(None);
                }
                let at = out.len() - NULL.len();
                out.truncate(at);
                out.extend_from_slice(b"}\n");
                Ok(Some(at))
            }
            Lines::Creators { scratch } => {
                // as `serde_json::to_string_pretty` writes the report: an
                // element of `creators` is two levels deep (four spaces)
                // (JSON text holds no raw line break but those between
                // its lines); written whole first, then indented in one go
                scratch.clear();
                serde_json::to_writer_pretty(&mut *scratch, &row.json(&[]))?;
                out.extend_from_slice(INDENT);
                let mut from = 0;
                for at in memchr::memchr_iter(b'\n', scratch) {
                    out.extend_from_slice(&scratch[from..=at]);
                    out.extend_from_slice(INDENT);
                    from = at + 1;
                }
                out.extend_from_slice(&scratch[from..]);
                // `rank` is the last field, null until it is known
                const NULL: &[u8] = b"null\n    }";
                if !(ranked && out.ends_with(NULL)) {
                    return Ok(None);
                }
                let at = out.len() - NULL.len();
                out.truncate(at);
                out.extend_from_slice(b"\n    }");
                Ok(Some(at))
            }
            Lines::Csv {
                writer,
                bytes,
                signals,
            } => {
                bytes.0.borrow_mut().clear();
                for cell in rows::cells(row, *signals) {
                    writer.write_field(&*rows::defuse(&cell)).map_err(csv_io)?;
                }
                writer.write_record(None::<&[u8]>).map_err(csv_io)?;
                writer.flush()?;
                let start = out.len();
                let bytes = bytes.0.borrow();
                out.extend_from_slice(&bytes);
                // the rank is the third cell, empty until it is known
                let at = rank_offset(&bytes);
                Ok(ranked.then_some(start + at))
            }
        }
    }
}

/// Four spaces: the depth of an element of the report's `creators`.
const INDENT: &[u8] = b"    ";

/// Where the rank's (empty) cell starts in a CSV line: after the second
/// field separator outside quotes.
fn rank_offset(line: &[u8]) -> usize {
    let mut quoted = false;
    let mut commas = 0;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                commas += 1;
                if commas == 2 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    line.len()
}

/// How a run's lines are made: what [`LineSpec::maker`] gives each thread.
pub struct LineSpec<'p> {
    format: LineFormat,
    program: &'p Program,
    columns: Vec<Column>,
    set: RowSet,
}

impl<'p> LineSpec<'p> {
    /// Lines in `format` of `program`'s verdicts with the values of
    /// `columns`, for the rows of `set` (of `all`: every verdict).
    pub fn new(format: LineFormat, program: &'p Program, columns: &[Column], set: RowSet) -> Self {
        LineSpec {
            format,
            program,
            columns: columns.to_vec(),
            set,
        }
    }

    /// A maker of these lines, for one thread.
    pub fn maker(&self) -> LineMaker {
        LineMaker {
            lines: Lines::of(self.format, self.program, &self.columns),
            set: self.set,
            // `creators` sits beside the report, which needs the verdict
            keep_verdict: self.format == LineFormat::Creators,
            last: 0,
        }
    }
}

/// Makes the lines of verdicts as a [`LineSpec`] says, on one thread.
pub struct LineMaker {
    lines: Lines,
    set: RowSet,
    keep_verdict: bool,
    /// The last line's length: the next one's likely size.
    last: usize,
}

/// A verdict's line, made, with what the spool needs to rank it.
#[derive(Debug)]
pub struct Rendered {
    /// The line, without its rank.
    pub bytes: Vec<u8>,
    /// Where the rank goes in `bytes` (an accepted creator's).
    pub rank_at: Option<usize>,
    /// The accepted creator's rank key (`None` also for a missing one).
    pub rank_key: Option<RankKey>,
    /// The verdict's status.
    pub status: Status,
}

impl LineMaker {
    /// The line of `v` (with its `columns` values), or `None` when it is
    /// no row of the set (rejected, with `--rows accepted`). Unless the
    /// lines are `creators`, whose report needs the verdict, `v` is left
    /// hollow (its id, text and values taken into the line; its status
    /// and position kept), which spares a copy.
    pub fn make(&mut self, v: &mut Verdict, columns: Vec<Json>) -> Option<io::Result<Rendered>> {
        let wanted = match self.set {
            RowSet::All => true,
            RowSet::Shortlist => v.status == Status::Accepted,
            RowSet::Accepted => matches!(v.status, Status::Accepted | Status::Review),
        };
        if !wanted {
            return None;
        }
        let mut row = if self.keep_verdict {
            Row::new(v, &columns)
        } else {
            Row::from_verdict(hollow(v), columns)
        };
        let mut bytes = Vec::with_capacity(self.last + self.last / 4);
        let rank_at = match self.lines.line(&row, &mut bytes) {
            Ok(at) => at,
            Err(e) => return Some(Err(e)),
        };
        self.last = bytes.len();
        Some(Ok(Rendered {
            bytes,
            rank_at,
            rank_key: row.take_rank_key(),
            status: row.status,
        }))
    }
}

/// Takes `v`'s contents, leaving its status, score and position.
fn hollow(v: &mut Verdict) -> Verdict {
    let left = Verdict {
        id: String::new(),
        status: v.status,
        failed: Vec::new(),
        score: v.score,
        tier: None,
        signals: Signals(Vec::new()),
        rank: v.rank,
        position: v.position,
        rank_key: None,
        team: Vec::new(),
        id_from: v.id_from,
    };
    std::mem::replace(v, left)
}
