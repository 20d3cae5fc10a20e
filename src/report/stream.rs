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
//! the length of the bytes that come next. Each line is a frame (two, split
//! where a rank goes: the middle of an accepted creator's line), written
//! through the spool's buffer as it comes, so that its bytes are copied
//! once on the way in; gathering lines into larger frames first would copy
//! them twice.
//!
//! The lines themselves are made on the run's worker threads
//! ([`LineMaker`]) and handed over whole ([`LineSpool::add_rendered`]).

use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use super::compare_keys;
use super::lines::Lines;
pub use super::lines::{LineFormat, LineMaker, LineSpec, Rendered};
use super::rows::{Column, Row, RowSet};
use crate::compile::Program;
use crate::eval::{RankKey, Status};

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

/// The size of the spool's reads and writes, and of the output's writes
/// when the spool is copied out.
const BLOCK: usize = 1 << 20;

/// Verdicts written to a spool as they come, then copied out with ranks.
pub struct LineSpool<S: Read + Write + Seek> {
    spool: BufWriter<S>,
    header: Vec<u8>,
    ranking: Ranking,
    /// `creators`: no element written yet (each later one after `,\n`).
    first: Option<bool>,
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
        let (_, header) = Lines::new(format, program, columns)?;
        Ok(LineSpool {
            spool: BufWriter::with_capacity(BLOCK, spool),
            header,
            ranking: Ranking::new(program),
            first: (format == LineFormat::Creators).then_some(true),
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

    /// Spools one line made by a [`LineMaker`] of the same [`LineSpec`]
    /// (in input order).
    pub fn add_rendered(&mut self, line: Rendered) -> io::Result<()> {
        let Rendered {
            bytes,
            rank_at,
            rank_key,
            status,
        } = line;
        if let Some(p) = &mut self.picked {
            let accepted = status == Status::Accepted;
            if !(accepted || (status == Status::Review && p.set == RowSet::Accepted)) {
                return Ok(());
            }
            self.spool.write_all(&bytes)?;
            let placed = Placed {
                offset: p.written,
                len: bytes.len(),
                at: rank_at.unwrap_or(bytes.len()),
            };
            p.written += bytes.len() as u64;
            if accepted {
                self.ranking.add(rank_key);
                p.accepted.push(placed);
            } else {
                p.review.push(placed);
            }
            return Ok(());
        }
        if let Some(first) = &mut self.first {
            if !std::mem::take(first) {
                frame(&mut self.spool, b",\n", false)?;
            }
        }
        let Some(at) = rank_at else {
            return frame(&mut self.spool, &bytes, false);
        };
        self.ranking.add(rank_key);
        frame(&mut self.spool, &bytes[..at], true)?;
        frame(&mut self.spool, &bytes[at..], false)
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
        let mut spool = BufReader::with_capacity(BLOCK, spool);
        out.write_all(&self.header).map_err(CopyError::Output)?;
        let mut ranks = ranks.into_iter();
        let mut head = [0u8; 4];
        // the output gathered into blocks of about BLOCK bytes (a frame is
        // a line, or part of one)
        let mut block = Vec::with_capacity(BLOCK);
        while !spool.fill_buf().map_err(CopyError::Spool)?.is_empty() {
            spool.read_exact(&mut head).map_err(CopyError::Spool)?;
            let head = u32::from_le_bytes(head);
            let len = u64::from(head & !RANK_FOLLOWS);
            if len as usize > BLOCK {
                // a line longer than a block: copied through
                out.write_all(&block).map_err(CopyError::Output)?;
                block.clear();
                copy_frame(&mut spool, len, out)?;
            } else {
                read_frame(&mut spool, len as usize, &mut block).map_err(CopyError::Spool)?;
            }
            if head & RANK_FOLLOWS != 0 {
                if let Some(r) = ranks.next() {
                    write!(block, "{r}").map_err(CopyError::Output)?;
                }
            }
            if block.len() >= BLOCK {
                out.write_all(&block).map_err(CopyError::Output)?;
                block.clear();
            }
        }
        out.write_all(&block).map_err(CopyError::Output)?;
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

/// Copies the next `len` bytes of the spool to `out`: a short copy is the
/// spool's fault, a failed write the output's.
fn copy_frame<R: Read, W: Write>(spool: &mut R, len: u64, out: &mut W) -> Result<(), CopyError> {
    match io::copy(&mut spool.take(len), out) {
        Ok(n) if n == len => Ok(()),
        Ok(_) => Err(CopyError::Spool(io::ErrorKind::UnexpectedEof.into())),
        Err(e) => Err(CopyError::Output(e)),
    }
}

/// Appends the next `len` bytes of the spool to `block`: from the spool's
/// buffer when they are all in it (nearly always: a frame is a line).
fn read_frame<R: BufRead>(spool: &mut R, len: usize, block: &mut Vec<u8>) -> io::Result<()> {
    let buffered = spool.fill_buf()?;
    if let Some(bytes) = buffered.get(..len) {
        block.extend_from_slice(bytes);
        spool.consume(len);
        return Ok(());
    }
    let start = block.len();
    block.resize(start + len, 0);
    spool
        .read_exact(&mut block[start..])
        .map_err(|e| match e.kind() {
            // said as a short read always was
            io::ErrorKind::UnexpectedEof => io::ErrorKind::UnexpectedEof.into(),
            _ => e,
        })
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
        let mut maker = LineSpec::new(format, rules.program(), &[], RowSet::All).maker();
        for (i, r) in records.iter().enumerate() {
            let mut v = rules.evaluate_at(r, i, None);
            let line = maker.make(&mut v, Vec::new()).expect("every row");
            spool
                .add_rendered(line.expect("in memory"))
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
    fn ranks_are_filled_in_across_many_blocks() {
        // some 8 MB of lines: several blocks of the spool's reads and writes
        let n = 5000;
        // one creator in 1,000 accepted: the lines between fill blocks
        let x = |i: usize| if i % 1000 == 999 { i / 1000 + 2 } else { 0 };
        let records: Vec<serde_json::Value> = (0..n)
            .map(|i| json!({"handle": format!("h{i}-{}", "p".repeat(1500)), "x": x(i)}))
            .collect();
        let text = written(LineFormat::Ndjson, &records);
        assert!(text.len() > 2 * BLOCK, "{} bytes", text.len());
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        assert_eq!(lines.len(), n);
        for (i, line) in lines.iter().enumerate() {
            assert!(line["id"]
                .as_str()
                .expect("id")
                .starts_with(&format!("h{i}-")));
            // `rank by x asc`: x is 2, 3, ... in input order
            let rank = (x(i) > 1).then_some(i / 1000 + 1);
            assert_eq!(line["rank"], json!(rank), "line {i}");
        }
    }

    #[test]
    fn a_line_longer_than_a_block_is_copied_whole() {
        let long = "L".repeat(BLOCK + 10);
        let records = [
            json!({"handle": "a", "x": 3}),
            json!({"handle": long, "x": 2}),
            json!({"handle": "c", "x": 0}),
            json!({"handle": "d", "x": 4}),
        ];
        let text = written(LineFormat::Ndjson, &records);
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        let ids: Vec<&str> = lines
            .iter()
            .map(|l| l["id"].as_str().expect("id"))
            .collect();
        assert_eq!(ids, ["a", long.as_str(), "c", "d"]);
        let ranks: Vec<&serde_json::Value> = lines.iter().map(|l| &l["rank"]).collect();
        assert_eq!(ranks, [&json!(2), &json!(1), &json!(null), &json!(3)]);
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
