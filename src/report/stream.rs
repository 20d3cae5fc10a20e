//! Rows written one per line: `ndjson` (one verdict object per line, the
//! shape of `--all`'s `creators`, with a `columns` object for `--columns`)
//! and `csv` (the columns of [`rows::header`], numbers rounded for people,
//! formulas defused). [`write_rows`] writes rows already chosen and ranked
//! ([`rows::Picker`]); [`LineSpool`] writes every record (`--rows all`) in
//! input order:
//!
//! A creator's rank is known only once every creator is read, and the input
//! is read once (it may be a pipe). So each line is first written, as its
//! verdict arrives, to a spool (a temporary file the caller provides) in two
//! parts around the rank, while only the rank key of each accepted creator
//! is kept in memory ([`Ranking`]); at the end the ranks are worked out and
//! the spool is copied to the output with each rank filled in
//! ([`LineSpool::finish`]). Memory holds one key per accepted creator,
//! never the verdicts.
//!
//! The spool is a run of frames: a 4-byte little-endian header, whose top
//! bit says that the next rank follows the frame, and whose other bits give
//! the length of the bytes that come next. An accepted creator's line is two
//! frames (before the rank, with the bit; after it), any other line one.

use std::cell::RefCell;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::rc::Rc;

use serde_json::Value as Json;

use super::compare_keys;
use super::rows::{self, Column, Row, RowSet};
use crate::compile::Program;
use crate::eval::{RankKey, Status, Verdict};

/// The rank keys of the accepted creators of a run, in input order.
pub struct Ranking {
    orders: Vec<crate::ast::Order>,
    keys: Vec<(RankKey, usize)>,
}

impl Ranking {
    /// An empty ranking for `program`'s `rank by`.
    pub fn new(program: &Program) -> Self {
        Ranking {
            orders: program.rank_orders(),
            keys: Vec::new(),
        }
    }

    /// Notes the next accepted creator with its rank key (`None`: missing,
    /// which ranks last, as in the report).
    pub fn add(&mut self, key: Option<RankKey>) {
        let n = self.keys.len();
        self.keys.push((key.unwrap_or(RankKey::Missing), n));
    }

    /// The rank of each accepted creator, in input order; ties keep input
    /// order, as the report's ranks do.
    pub fn finish(mut self) -> Vec<usize> {
        let orders = std::mem::take(&mut self.orders);
        // stable: ties keep input order
        self.keys
            .sort_by(|(a, _), (b, _)| compare_keys(Some(a), Some(b), &orders));
        let mut ranks = vec![0; self.keys.len()];
        for (i, (_, n)) in self.keys.into_iter().enumerate() {
            ranks[n] = i + 1;
        }
        ranks
    }
}

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
struct Shared(Rc<RefCell<Vec<u8>>>);

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
enum Lines {
    Ndjson {
        columns: Vec<Column>,
    },
    Creators {
        /// No element written yet: no comma before it.
        first: bool,
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
    fn new(
        format: LineFormat,
        program: &Program,
        columns: &[Column],
    ) -> io::Result<(Lines, Vec<u8>)> {
        let mut header = Vec::new();
        let lines = match format {
            LineFormat::Ndjson => Lines::Ndjson {
                columns: columns.to_vec(),
            },
            LineFormat::Creators => Lines::Creators { first: true },
            LineFormat::Csv => {
                let mut w = Lines::csv_writer(&mut header);
                let names = rows::header(program, columns);
                w.write_record(names.iter().map(|n| rows::defuse(n).into_owned()))
                    .map_err(csv_io)?;
                w.flush()?;
                drop(w);
                let bytes = Shared::default();
                Lines::Csv {
                    writer: Box::new(Lines::csv_writer(bytes.clone())),
                    bytes,
                    signals: program.signals.len(),
                }
            }
        };
        Ok((lines, header))
    }

    /// Appends `row`'s line to `out`. For a row without its rank yet,
    /// returns where the rank goes when the row is accepted.
    fn line(&mut self, row: &Row, out: &mut Vec<u8>) -> io::Result<Option<usize>> {
        let ranked = row.status == Status::Accepted && row.rank.is_none();
        match self {
            Lines::Ndjson { columns } => {
                serde_json::to_writer(&mut *out, &row.json(columns))?;
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
            Lines::Creators { first } => {
                if !std::mem::take(first) {
                    out.extend_from_slice(b",\n");
                }
                // as `serde_json::to_string_pretty` writes the report: an
                // element of `creators` is two levels deep (four spaces);
                // JSON text holds no raw line break, so every line is one
                let text = serde_json::to_string_pretty(&row.json(&[]))?;
                for (i, l) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push(b'\n');
                    }
                    out.extend_from_slice(b"    ");
                    out.extend_from_slice(l.as_bytes());
                }
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

/// Writes rows already chosen and ranked (`--rows shortlist` or
/// `accepted`) to `out` in `format`, after the CSV header.
pub fn write_rows<W: Write>(
    format: LineFormat,
    program: &Program,
    columns: &[Column],
    rows: &[Row],
    out: &mut W,
) -> io::Result<()> {
    let (mut lines, header) = Lines::new(format, program, columns)?;
    out.write_all(&header)?;
    let mut line = Vec::new();
    for row in rows {
        line.clear();
        lines.line(row, &mut line)?;
        out.write_all(&line)?;
    }
    out.flush()
}

/// The largest frame: the top bit of the header is the rank's.
const MAX_FRAME: usize = (1 << 31) - 1;
const RANK_FOLLOWS: u32 = 1 << 31;

/// Verdicts written to a spool as they come, then copied out with ranks.
pub struct LineSpool<S: Read + Write + Seek> {
    spool: BufWriter<S>,
    lines: Lines,
    header: Vec<u8>,
    ranking: Ranking,
    line: Vec<u8>,
    /// Only some rows, in rank order ([`LineSpool::ranked`]).
    picked: Option<Picked>,
}

/// The rows of `--rows accepted` (or of a shortlist of no length), each
/// line spooled whole, without frames, and found again by its place.
struct Picked {
    set: RowSet,
    limit: Option<usize>,
    written: u64,
    /// Accepted rows, in input order (as the ranking's keys).
    accepted: Vec<Placed>,
    /// Review rows, for `accepted`, in input order.
    review: Vec<Placed>,
}

/// Where a line lies in the spool, and where its rank goes in it.
struct Placed {
    offset: u64,
    len: usize,
    at: usize,
}

/// What failed while copying the spool out.
#[derive(Debug)]
pub enum CopyError {
    /// Reading the spool back.
    Spool(io::Error),
    /// Writing the output (a closed pipe, a full disk).
    Output(io::Error),
}

impl<S: Read + Write + Seek> LineSpool<S> {
    /// Lines in `format` for `program`'s verdicts, with the values of
    /// `columns`, spooled to `spool` (an empty file, read and written).
    pub fn new(
        format: LineFormat,
        program: &Program,
        columns: &[Column],
        spool: S,
    ) -> io::Result<Self> {
        let (lines, header) = Lines::new(format, program, columns)?;
        Ok(LineSpool {
            spool: BufWriter::with_capacity(1 << 16, spool),
            lines,
            header,
            ranking: Ranking::new(program),
            line: Vec::new(),
            picked: None,
        })
    }

    /// Keeps only the rows of `set` (accepted creators, and for
    /// `accepted` those in review), written in rank order (review after,
    /// in input order), the first `limit` for a shortlist. Memory holds
    /// the rank key and place of each accepted creator, never a row.
    pub fn ranked(mut self, set: RowSet, limit: Option<usize>) -> Self {
        if set != RowSet::All {
            self.picked = Some(Picked {
                set,
                limit: limit.filter(|_| set == RowSet::Shortlist),
                written: 0,
                accepted: Vec::new(),
                review: Vec::new(),
            });
        }
        self
    }

    /// Spools one verdict (in input order) with its `columns` values.
    pub fn add(&mut self, v: Verdict, columns: Vec<Json>) -> io::Result<()> {
        self.line.clear();
        if let Some(p) = &mut self.picked {
            let accepted = v.status == Status::Accepted;
            if !(accepted || (v.status == Status::Review && p.set == RowSet::Accepted)) {
                return Ok(());
            }
            let mut row = Row::from_verdict(v, columns);
            let at = self.lines.line(&row, &mut self.line)?;
            self.spool.write_all(&self.line)?;
            let placed = Placed {
                offset: p.written,
                len: self.line.len(),
                at: at.unwrap_or(self.line.len()),
            };
            p.written += self.line.len() as u64;
            if accepted {
                self.ranking.add(row.take_rank_key());
                p.accepted.push(placed);
            } else {
                p.review.push(placed);
            }
            return Ok(());
        }
        let mut row = Row::from_verdict(v, columns);
        let rank_at = self.lines.line(&row, &mut self.line)?;
        match rank_at {
            Some(at) => {
                self.ranking.add(row.take_rank_key());
                frame(&mut self.spool, &self.line[..at], true)?;
                frame(&mut self.spool, &self.line[at..], false)
            }
            None => frame(&mut self.spool, &self.line, false),
        }
    }

    /// Ranks the accepted creators and copies every line to `out`, rank
    /// filled in, after the CSV header.
    pub fn finish<W: Write>(mut self, out: &mut W) -> Result<(), CopyError> {
        if let Some(p) = self.picked.take() {
            return self.finish_picked(p, out);
        }
        let ranks = self.ranking.finish();
        let mut spool = self
            .spool
            .into_inner()
            .map_err(|e| CopyError::Spool(e.into_error()))?;
        spool.seek(SeekFrom::Start(0)).map_err(CopyError::Spool)?;
        let mut spool = BufReader::with_capacity(1 << 16, spool);
        out.write_all(&self.header).map_err(CopyError::Output)?;
        let mut ranks = ranks.into_iter();
        let mut head = [0u8; 4];
        let mut rank = String::new();
        while !spool.fill_buf().map_err(CopyError::Spool)?.is_empty() {
            spool.read_exact(&mut head).map_err(CopyError::Spool)?;
            let head = u32::from_le_bytes(head);
            let len = u64::from(head & !RANK_FOLLOWS);
            let copied = io::copy(&mut (&mut spool).take(len), out);
            // a short copy is the spool's fault, a failed write the output's
            match copied {
                Ok(n) if n == len => {}
                Ok(_) => {
                    let short = io::Error::from(io::ErrorKind::UnexpectedEof);
                    return Err(CopyError::Spool(short));
                }
                Err(e) => return Err(CopyError::Output(e)),
            }
            if head & RANK_FOLLOWS != 0 {
                rank.clear();
                if let Some(r) = ranks.next() {
                    rank.push_str(&r.to_string());
                }
                out.write_all(rank.as_bytes()).map_err(CopyError::Output)?;
            }
        }
        out.flush().map_err(CopyError::Output)
    }
}

impl<S: Read + Write + Seek> LineSpool<S> {
    /// [`LineSpool::finish`] for [`LineSpool::ranked`]: each accepted
    /// row read back from its place, in rank order, its rank filled in.
    fn finish_picked<W: Write>(self, p: Picked, out: &mut W) -> Result<(), CopyError> {
        let ranks = self.ranking.finish();
        // the accepted rows (their index in input order) by rank
        let mut order = vec![0; ranks.len()];
        for (i, r) in ranks.iter().enumerate() {
            order[r - 1] = i;
        }
        order.truncate(p.limit.unwrap_or(usize::MAX));
        let mut spool = self
            .spool
            .into_inner()
            .map_err(|e| CopyError::Spool(e.into_error()))?;
        out.write_all(&self.header).map_err(CopyError::Output)?;
        let mut line = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            let placed = &p.accepted[i];
            read_back(&mut spool, placed, &mut line)?;
            let rank = (k + 1).to_string();
            out.write_all(&line[..placed.at])
                .and_then(|()| out.write_all(rank.as_bytes()))
                .and_then(|()| out.write_all(&line[placed.at..]))
                .map_err(CopyError::Output)?;
        }
        for placed in &p.review {
            read_back(&mut spool, placed, &mut line)?;
            out.write_all(&line).map_err(CopyError::Output)?;
        }
        out.flush().map_err(CopyError::Output)
    }
}

/// The line at `placed` in the spool, into `line`.
fn read_back<S: Read + Seek>(
    spool: &mut S,
    placed: &Placed,
    line: &mut Vec<u8>,
) -> Result<(), CopyError> {
    line.resize(placed.len, 0);
    spool
        .seek(SeekFrom::Start(placed.offset))
        .and_then(|_| spool.read_exact(line))
        .map_err(CopyError::Spool)
}

/// Writes `bytes` as frames (more than one past [`MAX_FRAME`]); the last
/// one carries `rank_follows`.
fn frame(spool: &mut impl Write, bytes: &[u8], rank_follows: bool) -> io::Result<()> {
    let mut chunks = bytes.chunks(MAX_FRAME).peekable();
    if chunks.peek().is_none() {
        let head = if rank_follows { RANK_FOLLOWS } else { 0 };
        return spool.write_all(&head.to_le_bytes());
    }
    while let Some(chunk) = chunks.next() {
        let mut head = u32::try_from(chunk.len()).expect("a chunk fits in 31 bits");
        if rank_follows && chunks.peek().is_none() {
            head |= RANK_FOLLOWS;
        }
        spool.write_all(&head.to_le_bytes())?;
        spool.write_all(chunk)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use serde_json::json;

    use super::*;
    use crate::Ruleset;

    fn written(format: LineFormat, records: &[serde_json::Value]) -> String {
        let rules = Ruleset::compile(
            "t.rules",
            "require ok: x > 1\nsignal s = x / 10\nrank by x asc\n",
        )
        .expect("valid rules");
        let mut spool = LineSpool::new(format, rules.program(), &[], Cursor::new(Vec::new()))
            .expect("in memory");
        for (i, r) in records.iter().enumerate() {
            spool
                .add(rules.evaluate_at(r, i, None), Vec::new())
                .expect("in memory");
        }
        let mut out = Vec::new();
        spool.finish(&mut out).expect("in memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn each_rank_goes_in_its_place() {
        let records = [
            json!({"handle": "a, \"b\"\nc", "x": 9}),
            json!({"handle": "low", "x": 0}),
            json!({"handle": "mid", "x": 5}),
            json!({"handle": "tie", "x": 5}),
            json!({"handle": "bad", "x": "text"}),
            json!({"handle": "first", "x": 2}),
        ];
        assert_eq!(
            written(LineFormat::Csv, &records),
            "id,status,rank,score,tier,s,failed,reasons\n\
             \"a, \"\"b\"\"\nc\",accepted,4,0.9,,0.9,,\n\
             low,rejected,,0,,0,ok,\"ok: x is 0, needs > 1\"\n\
             mid,accepted,2,0.5,,0.5,,\n\
             tie,accepted,3,0.5,,0.5,,\n\
             bad,error,,,,,ok,\"ok: x is \"\"text\"\", a string, where a number is needed\"\n\
             first,accepted,1,0.2,,0.2,,\n"
        );
        let ranks: Vec<serde_json::Value> = written(LineFormat::Ndjson, &records)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["rank"].clone())
            .collect();
        assert_eq!(
            ranks,
            [
                json!(4),
                json!(null),
                json!(2),
                json!(3),
                json!(null),
                json!(1)
            ]
        );
    }

    #[test]
    fn no_verdicts_is_the_header_alone() {
        assert_eq!(
            written(LineFormat::Csv, &[]),
            "id,status,rank,score,tier,s,failed,reasons\n"
        );
        assert_eq!(written(LineFormat::Ndjson, &[]), "");
    }
}
