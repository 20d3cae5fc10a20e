//! Records as read but not yet decoded, gathered in batches: the readers
//! find where each record's bytes begin and end (cheap, in order), and the
//! decoding, which costs most, can then run on any thread. NDJSON is
//! handed on in blocks of whole lines not yet split: the reader only counts
//! a block's lines and records ([`count_lines`], `memchr`'s pass over the
//! newlines), so each block knows its first line and position when it is
//! handed on, and the thread that decodes it splits it
//! ([`RawBatch::split`]) without waiting for any other block.

use serde_json::Value as Json;

use std::sync::Arc;

use buffers::Buffers;

use super::cells::{to_object, Header};
use super::slots::{self, Shape, Slots};
use super::sparse::{self, FieldFilter};
use super::{Damage, Fault, Record};

/// Records per batch, at most.
const BATCH_RECORDS: usize = 1024;
/// Bytes of record text per batch, about.
const BATCH_BYTES: usize = 1 << 20;

#[derive(Clone, Debug)]
enum Kind {
    /// An element of a JSON array: invalid JSON in it is fatal. Its column
    /// is worked out only for such an error: 0 until then.
    Element { column: usize },
    /// A line of NDJSON: invalid JSON in it damages only this record.
    Line,
    /// Already decoded (a damaged row, a spreadsheet's row).
    Ready(Result<Json, Damage>),
    /// A CSV row split into cells: their ends are `ends[first..][..count]`.
    Row { first: usize, count: usize },
    /// A CSV row of one line as read, well formed, not yet split into
    /// cells.
    RowLine,
}

#[derive(Clone, Debug)]
struct Item {
    start: usize,
    end: usize,
    /// 1-based; 0 until [`RawBatch::settle_lines`] counts it from `origin`.
    line: usize,
    position: usize,
    kind: Kind,
}

/// A run of consecutive records of one input.
#[derive(Clone, Debug)]
pub struct RawBatch {
    text: Vec<u8>,
    items: Vec<Item>,
    /// Lines of rows skipped as empty (every cell blank), no records.
    skipped: Vec<usize>,
    /// The end of each cell of the rows, in `text`.
    ends: Vec<usize>,
    /// The header of the rows.
    header: Option<Arc<Header>>,
    /// The line and column of `text`'s first byte, when `text` is a block
    /// of the input itself (a JSON array read in blocks), else (1, 1).
    origin: (usize, usize),
    /// Set while `text` is a block of NDJSON lines not yet split.
    unsplit: Option<Unsplit>,
    /// Where `text` goes back to once the batch is done with, if anywhere.
    buffers: Option<Buffers>,
}

/// Where a block of NDJSON starts: the number of its first line, and the
/// position of its first record (blank lines are none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Start {
    line: usize,
    position: usize,
}

/// A block of NDJSON not yet split: where it starts, where its lines end
/// in `text` (a buffer reused whole: the bytes after are left from its
/// earlier use), how many lines and records it holds (counted by the
/// reader), and, for a line too long to hold, its length (`text` empty).
#[derive(Clone, Debug)]
struct Unsplit {
    start: Start,
    end: usize,
    counted: (usize, usize),
    too_long: Option<u64>,
}

impl Default for RawBatch {
    fn default() -> Self {
        RawBatch {
            text: Vec::new(),
            items: Vec::new(),
            skipped: Vec::new(),
            ends: Vec::new(),
            header: None,
            origin: (1, 1),
            unsplit: None,
            buffers: None,
        }
    }
}

/// How many lines `text` (whole lines of NDJSON) holds, and how many of
/// them are records (not blank), as [`RawBatch::split`] will find them: a
/// pass of `memchr` over the newlines, and a look at the first bytes of
/// each line (most often one).
pub(super) fn count_lines(text: &[u8]) -> (usize, usize) {
    let (mut lines, mut records, mut at) = (0, 0, 0);
    // the last line perhaps without its `\n`
    let last = text.last().is_some_and(|&b| b != b'\n');
    let ends = memchr::memchr_iter(b'\n', text).chain(last.then_some(text.len()));
    for end in ends {
        lines += 1;
        records += usize::from(!text[at..end].trim_ascii_start().is_empty());
        at = end + 1;
    }
    (lines, records)
}

/// The line and column just past `bytes`, which begin at `from`.
pub(super) fn advance(from: (usize, usize), bytes: &[u8]) -> (usize, usize) {
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => (
            from.0 + memchr::memchr_iter(b'\n', bytes).count(),
            bytes.len() - last,
        ),
        None => (from.0, from.1 + bytes.len()),
    }
}

impl RawBatch {
    /// Splits a block of NDJSON into its lines, numbered from the block's
    /// start; does nothing to other batches. A blank line is no record but
    /// counts as a line.
    pub fn split(&mut self) {
        let Some(unsplit) = self.unsplit.take() else {
            return;
        };
        let (lines, records) = match unsplit.too_long {
            Some(len) => {
                self.items.push(Item {
                    start: 0,
                    end: 0,
                    line: 0,
                    position: 0,
                    kind: Kind::Ready(Err(Damage::too_long("line", len))),
                });
                (1, 1)
            }
            None => self.split_lines(unsplit.end),
        };
        debug_assert_eq!((lines, records), unsplit.counted, "counted as split");
        let start = unsplit.start;
        for it in &mut self.items {
            it.line += start.line;
            it.position += start.position;
        }
    }

    /// Makes each line of `text[..end]` that is not blank an item, its
    /// line and position counted from 0: returns how many lines and records.
    fn split_lines(&mut self, end: usize) -> (usize, usize) {
        let text = &self.text[..end];
        let (mut at, mut line) = (0, 0);
        while at < text.len() {
            let stop = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |k| at + k);
            let body = text[at..stop].trim_ascii_start();
            let s = stop - body.len();
            let e = s + body.trim_ascii_end().len();
            if s < e {
                self.items.push(Item {
                    start: s,
                    end: e,
                    line,
                    position: self.items.len(),
                    kind: Kind::Line,
                });
            }
            line += 1;
            at = stop + 1;
        }
        (line, self.items.len())
    }

    /// Done with the batch: hands its text back to the reader, when it
    /// was a block of NDJSON lines, else lets it go.
    pub fn recycle(self) {
        if let Some(buffers) = &self.buffers {
            buffers.give(self.text);
        }
    }

    /// How many records it holds (none in a block not yet split).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The lines of rows skipped among these records: every cell empty.
    pub fn skipped(&self) -> &[usize] {
        &self.skipped
    }

    /// Decodes record `i`, keeping only the top-level fields `filter` wants
    /// (`unread`, when given, receives the names of the others). A syntax
    /// error inside a JSON array is a fault: the rest cannot be trusted.
    pub fn decode(
        &self,
        i: usize,
        filter: &FieldFilter,
        unread: Option<&mut Vec<String>>,
    ) -> Result<Record, Fault> {
        let it = &self.items[i];
        let mut spans = Vec::new();
        let item = match self.row(i, &mut spans) {
            Some(Ok((header, text))) => to_object(header, text, &spans),
            Some(Err(damage)) => Err(damage),
            None => {
                let decode = |_: &mut (), text: &str| sparse::decode(text, filter, unread);
                self.decode_by(i, &mut (), |_, r| r.clone(), decode)?
            }
        };
        Ok(Record {
            position: it.position,
            line: it.line,
            item,
        })
    }

    /// [`RawBatch::decode`] into `slots` (a filter keeping some fields):
    /// the record's position, line, and shape or damage.
    pub fn decode_slots(
        &self,
        i: usize,
        filter: &FieldFilter,
        slots: &mut Slots,
        unread: Option<&mut Vec<String>>,
    ) -> Result<(usize, usize, Result<Shape, Damage>), Fault> {
        let it = &self.items[i];
        let mut spans = std::mem::take(&mut slots.row_spans);
        let row = self.row(i, &mut spans);
        if let Some(row) = row {
            slots.clear();
            let shape = row
                .and_then(|(header, text)| slots.fill_row(header, text, &spans, unread))
                .map(|()| Shape::Slots);
            slots.row_spans = spans;
            return Ok((it.position, it.line, shape));
        }
        slots.row_spans = spans;
        type Cx<'s, 'u> = (&'s mut Slots, Option<&'u mut Vec<String>>);
        let ready = |(slots, unread): &mut Cx, r: &Result<Json, Damage>| match r {
            Ok(Json::Object(m)) => {
                slots.clear();
                slots.fill_from(m, unread.as_deref_mut());
                Ok(Shape::Slots)
            }
            Ok(other) => Ok(Shape::Other(other.clone())),
            Err(d) => Err(d.clone()),
        };
        let decode = |(slots, unread): &mut Cx, text: &str| {
            slots::decode(text, filter, slots, unread.as_deref_mut())
        };
        let shape = self.decode_by(i, &mut (slots, unread), ready, decode)?;
        Ok((it.position, it.line, shape))
    }

    /// The 1-based column of `text[at]`.
    fn column_at(&self, at: usize) -> usize {
        advance(self.origin, &self.text[..at]).1
    }

    /// Counts the line of each record read from a block (line 0): the
    /// newlines from the block's start to the record's, a pass over the
    /// block with `memchr`'s counting, not a byte at a time. Returns where
    /// the count stopped (`text[at]` is on `line`), for [`Self::place_from`].
    fn settle_lines(&mut self) -> (usize, usize) {
        let (mut line, mut at) = (self.origin.0, 0);
        for it in self.items.iter_mut().filter(|it| it.line == 0) {
            line += memchr::memchr_iter(b'\n', &self.text[at..it.start]).count();
            at = it.start;
            it.line = line;
        }
        (line, at)
    }

    /// The line and column of `text[to]`, `text[at]` being on `line`: the
    /// newlines before `at` not counted again, the column taken from the
    /// last line end (found backwards, most often a record away).
    fn place_from(&self, (line, at): (usize, usize), to: usize) -> (usize, usize) {
        let line = line + memchr::memchr_iter(b'\n', &self.text[at..to]).count();
        match memchr::memrchr(b'\n', &self.text[..to]) {
            Some(last) => (line, to - last),
            None => (line, self.origin.1 + to),
        }
    }

    /// Decodes record `i`: one made already by `ready`, one read by
    /// `decode`, whose errors are damage or (in a JSON array) a fault.
    fn decode_by<C: ?Sized, T>(
        &self,
        i: usize,
        cx: &mut C,
        ready: impl FnOnce(&mut C, &Result<Json, Damage>) -> Result<T, Damage>,
        decode: impl FnOnce(&mut C, &str) -> Result<T, serde_json::Error>,
    ) -> Result<Result<T, Damage>, Fault> {
        let it = &self.items[i];
        let bytes = &self.text[it.start..it.end];
        let text = match &it.kind {
            Kind::Ready(r) => return Ok(ready(cx, r)),
            _ => match super::utf8::str_of(bytes) {
                Ok(t) => t,
                Err(e) => return Ok(Err(Damage::invalid_utf8(e.valid_up_to()))),
            },
        };
        match (decode(cx, text), &it.kind) {
            (Ok(v), _) => Ok(Ok(v)),
            // too deep, a number too large: this record alone is damaged
            (Err(e), _) if Damage::from_json_error(&e).is_some() => {
                let mut damage = Damage::from_json_error(&e).expect("just checked");
                // in an element over several lines, the line it was found on
                if e.line() > 1 && e.to_string().starts_with(sparse::KEY_TWICE) {
                    damage.set_second_line(it.line + e.line() - 1);
                }
                Ok(Err(damage))
            }
            (Err(e), &Kind::Element { column }) => {
                // the element's own line and column, counted from the file
                let line = it.line + e.line().saturating_sub(1);
                let column = match column {
                    0 => self.column_at(it.start),
                    c => c,
                };
                let col = if e.line() <= 1 {
                    column + e.column().saturating_sub(1)
                } else {
                    e.column()
                };
                Err(Fault::at(
                    format!("invalid JSON: {}", super::without_location(&e)),
                    line,
                    col.max(1),
                ))
            }
            (Err(e), _) => Ok(Err(Damage::not_json(&e))),
        }
    }
}

/// Gathers records into batches and hands each full batch on.
pub(crate) struct Batcher<'a> {
    batch: RawBatch,
    next_position: usize,
    emit: &'a mut dyn FnMut(RawBatch) -> bool,
    /// Set when the receiver wants no more records.
    pub stopped: bool,
    /// The line the next block of NDJSON lines starts on, 1-based.
    next_line: usize,
    /// The buffers of the blocks of NDJSON lines handed back.
    buffers: Buffers,
}

impl<'a> Batcher<'a> {
    /// `emit` receives each batch and returns false to stop reading.
    pub fn new(emit: &'a mut dyn FnMut(RawBatch) -> bool) -> Self {
        Batcher {
            batch: RawBatch::default(),
            next_position: 0,
            emit,
            stopped: false,
            next_line: 1,
            buffers: Buffers::default(),
        }
    }

    /// Hands on `text[..end]`, whole lines of NDJSON (the last perhaps
    /// without its `\n`, at the end of the input), to be split where they
    /// are decoded ([`RawBatch::split`]); or, with `too_long`, one line of
    /// that many bytes, not held. The first block starts at line 1. Returns
    /// how many records the block holds (lines not blank).
    pub fn hand_on_lines(&mut self, text: Vec<u8>, end: usize, too_long: Option<u64>) -> usize {
        let counted = match too_long {
            Some(_) => (1, 1),
            None => count_lines(&text[..end]),
        };
        let start = Start {
            line: self.next_line,
            position: self.next_position,
        };
        self.next_line += counted.0;
        self.next_position += counted.1;
        if self.stopped {
            return counted.1;
        }
        let batch = RawBatch {
            text,
            unsplit: Some(Unsplit {
                start,
                end,
                counted,
                too_long,
            }),
            buffers: Some(self.buffers.clone()),
            ..RawBatch::default()
        };
        if !(self.emit)(batch) {
            self.stopped = true;
        }
        counted.1
    }

    /// A buffer for a block of NDJSON lines, `capacity` bytes long at
    /// least, its bytes left from its earlier use: one handed back
    /// ([`RawBatch::recycle`]) if any.
    pub fn buffer(&self, capacity: usize) -> Vec<u8> {
        self.buffers.take(capacity)
    }

    /// Records so far.
    pub fn count(&self) -> usize {
        self.next_position
    }

    /// The buffer a reader appends a record's bytes to, before `push_*`.
    pub fn text(&mut self) -> &mut Vec<u8> {
        &mut self.batch.text
    }

    /// The bytes appended since `start` are an element of a JSON array
    /// that began at `line`:`column`.
    pub fn push_element(&mut self, start: usize, line: usize, column: usize) {
        self.push(start, line, Kind::Element { column });
    }

    /// A record already decoded.
    pub fn push_ready(&mut self, item: Result<Json, Damage>, line: usize) {
        let start = self.batch.text.len();
        self.push(start, line, Kind::Ready(item));
    }

    /// A row at `line` skipped: every cell empty, no record.
    pub fn skip(&mut self, line: usize) {
        self.batch.skipped.push(line);
    }

    fn push(&mut self, start: usize, line: usize, kind: Kind) {
        let end = self.batch.text.len();
        self.batch.items.push(Item {
            start,
            end,
            line,
            position: self.next_position,
            kind,
        });
        self.next_position += 1;
        if self.batch.items.len() >= BATCH_RECORDS || self.batch.text.len() >= BATCH_BYTES {
            self.flush();
        }
    }

    /// Hands on what is gathered.
    pub fn flush(&mut self) {
        if (self.batch.items.is_empty() && self.batch.skipped.is_empty()) || self.stopped {
            return;
        }
        // the next batch starts at the size this one reached (and a quarter
        // more), so its text and items are not grown (and copied) step by
        // step for each batch; bounded, as one record may be huge
        let text = self.batch.text.len();
        let text = (text + text / 4).min(BATCH_BYTES + BATCH_BYTES / 4);
        let items = self.batch.items.len();
        let next = RawBatch {
            text: Vec::with_capacity(text),
            items: Vec::with_capacity(items),
            ends: Vec::with_capacity(self.batch.ends.len()),
            ..RawBatch::default()
        };
        let full = std::mem::replace(&mut self.batch, next);
        self.hand_on(full);
    }

    fn hand_on(&mut self, mut full: RawBatch) {
        full.settle_lines();
        if !(self.emit)(full) {
            self.stopped = true;
        }
    }

    /// Reading a block: `text()` holds the input from line:column
    /// `origin` on.
    pub fn set_origin(&mut self, origin: (usize, usize)) {
        self.batch.origin = origin;
    }

    /// The line and column of `text()[at]`.
    pub fn place(&self, at: usize) -> (usize, usize) {
        advance(self.batch.origin, &self.batch.text[..at])
    }

    /// Reading a block: `text()[start..end]` is an element of a JSON
    /// array, its line counted later (when the batch is handed on).
    pub fn push_span(&mut self, start: usize, end: usize) {
        self.batch.items.push(Item {
            start,
            end,
            line: 0,
            position: self.next_position,
            kind: Kind::Element { column: 0 },
        });
        self.next_position += 1;
    }

    /// Reading a block: a record already decoded, at `line`, placed at
    /// `text()[at]`.
    pub fn push_ready_at(&mut self, item: Result<Json, Damage>, line: usize, at: usize) {
        self.batch.items.push(Item {
            start: at,
            end: at,
            line,
            position: self.next_position,
            kind: Kind::Ready(item),
        });
        self.next_position += 1;
    }

    /// Records gathered (in the batch not yet handed on).
    pub fn gathered(&self) -> usize {
        self.batch.items.len()
    }

    /// Reading a block: hands on the records gathered (if any) and starts
    /// the next batch with the text from `from` on (the part of the block
    /// not yet split), its buffer holding `capacity` bytes at least.
    pub fn flush_keeping(&mut self, from: usize, capacity: usize) {
        // the records' lines counted on the way to `from`, once
        let counted = self.batch.settle_lines();
        let origin = self.batch.place_from(counted, from);
        let tail = &self.batch.text[from..];
        let mut text = Vec::with_capacity(capacity.max(tail.len() + tail.len() / 2));
        text.extend_from_slice(tail);
        if self.batch.items.is_empty() && self.batch.skipped.is_empty() {
            self.batch.text = text;
            self.batch.origin = origin;
            return;
        }
        let items = self.batch.items.len();
        let next = RawBatch {
            text,
            items: Vec::with_capacity(items),
            origin,
            ..RawBatch::default()
        };
        let mut full = std::mem::replace(&mut self.batch, next);
        full.text.truncate(from);
        if !self.stopped {
            self.hand_on(full);
        }
    }
}

mod buffers;
mod rows;
#[cfg(test)]
mod tests;
