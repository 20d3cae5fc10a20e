//! The physical lines of a delimited file, for the CSV reader: each with
//! its 1-based number and how it ended, at most [`MAX_RECORD_BYTES`] held
//! (a longer line is skipped, unread, and only its length kept). A lone
//! `\r` ends a row as a line end does (old Mac exports), without starting
//! a new line number. Lines can be handed back, to be read again after a
//! quote that never closed.

use std::collections::VecDeque;
use std::io::{BufRead, Read};

use super::{Fault, MAX_RECORD_BYTES};

/// How a line ended; inside a quoted cell its bytes are part of the cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    Lf,
    CrLf,
    /// A lone carriage return.
    Cr,
    /// The end of the file.
    Eof,
}

impl End {
    pub(super) fn bytes(self) -> &'static [u8] {
        match self {
            End::Lf => b"\n",
            End::CrLf => b"\r\n",
            End::Cr => b"\r",
            End::Eof => b"",
        }
    }
}

/// One line, without its end.
#[derive(Debug)]
pub(super) struct Line {
    pub number: usize,
    pub bytes: Vec<u8>,
    pub end: End,
    /// Over [`MAX_RECORD_BYTES`]: skipped, this many bytes long; `bytes` is empty.
    pub too_long: Option<u64>,
    /// Handed back after an unclosed quote, to be read again.
    pub again: bool,
}

pub(super) struct Lines<R> {
    reader: R,
    number: usize,
    queue: VecDeque<Line>,
    buf: Vec<u8>,
    /// Bytes of lines read again that a quoted cell may still run over;
    /// once spent, a row read again ends with its line, which keeps the
    /// work linear in the file's size whatever its quotes.
    pub again_budget: u64,
}

impl<R: BufRead> Lines<R> {
    pub(super) fn new(reader: R) -> Self {
        Lines {
            reader,
            number: 0,
            queue: VecDeque::new(),
            buf: Vec::new(),
            again_budget: 4 * MAX_RECORD_BYTES as u64,
        }
    }

    /// The next line, or `None` at the end of the input.
    pub(super) fn next(&mut self) -> Result<Option<Line>, Fault> {
        if let Some(l) = self.queue.pop_front() {
            return Ok(Some(l));
        }
        self.buf.clear();
        let read = (&mut self.reader)
            .take(MAX_RECORD_BYTES as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(Fault::io)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buf.len() > MAX_RECORD_BYTES && self.buf.last() != Some(&b'\n') {
            let rest = self.reader.skip_until(b'\n').map_err(Fault::io)?;
            return Ok(Some(Line {
                number: self.number,
                bytes: Vec::new(),
                end: End::Lf,
                too_long: Some((self.buf.len() + rest) as u64),
                again: false,
            }));
        }
        let mut body: &[u8] = &self.buf;
        let mut end = End::Eof;
        if let Some(b) = body.strip_suffix(b"\r\n") {
            (body, end) = (b, End::CrLf);
        } else if let Some(b) = body.strip_suffix(b"\n") {
            (body, end) = (b, End::Lf);
        }
        if memchr::memchr(b'\r', body).is_none() {
            return Ok(Some(Line {
                number: self.number,
                bytes: body.to_vec(),
                end,
                too_long: None,
                again: false,
            }));
        }
        // a lone `\r` ends a row: the pieces share the line's number
        let mut pieces = body.split(|&b| b == b'\r').peekable();
        while let Some(piece) = pieces.next() {
            let last = pieces.peek().is_none();
            self.queue.push_back(Line {
                number: self.number,
                bytes: piece.to_vec(),
                end: if last { end } else { End::Cr },
                too_long: None,
                again: false,
            });
        }
        Ok(self.queue.pop_front())
    }

    /// The number of the next line and the bytes read but not yet taken,
    /// from its start on (none while lines handed back wait to be read
    /// again): to look at, and take the line from with
    /// [`Lines::take_buffered`].
    pub(super) fn buffered(&mut self) -> Result<(usize, &[u8]), Fault> {
        if !self.queue.is_empty() {
            return Ok((self.number + 1, &[]));
        }
        let bytes = self.reader.fill_buf().map_err(Fault::io)?;
        Ok((self.number + 1, bytes))
    }

    /// Takes the next line, `bytes` bytes with its end, from
    /// [`Lines::buffered`].
    pub(super) fn take_buffered(&mut self, bytes: usize) {
        self.reader.consume(bytes);
        self.number += 1;
    }

    /// Puts `lines` back, in order, to be read next, one row per line.
    pub(super) fn give_back(&mut self, lines: Vec<Line>) {
        for mut l in lines.into_iter().rev() {
            l.again = true;
            self.queue.push_front(l);
        }
    }
}
