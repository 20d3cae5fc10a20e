//! A JSON array of records, streamed: a scanner finds each element's bytes
//! (tracking strings, escapes and nesting), so memory holds one element at a
//! time and every element knows its line. Each element is then parsed with
//! serde_json. A syntax error is fatal (the rest cannot be trusted); an
//! element with invalid UTF-8, nested too deep, holding a number beyond a
//! 64-bit float, or longer than [`MAX_RECORD_BYTES`] (skipped, not held) is
//! a damaged record and the run goes on.

use std::io::Read;

use super::array::read_some;
use super::batch::Batcher;
use super::nesting::Nesting;
use super::{Damage, Fault, Note, RecordsPath, MAX_RECORD_BYTES};

/// Bytes read from the input per call.
pub(super) const BLOCK: usize = 1 << 16;

pub(super) struct Scanner<R> {
    pub(super) reader: R,
    pub(super) buf: Vec<u8>,
    pub(super) pos: usize,
    pub(super) len: usize,
    /// 1-based line of the next byte.
    pub(super) line: usize,
    /// 1-based byte column of the next byte.
    pub(super) col: usize,
}

impl<R: Read> Scanner<R> {
    pub(super) fn peek(&mut self) -> Result<Option<u8>, Fault> {
        if self.pos == self.len {
            self.len = read_some(&mut self.reader, &mut self.buf)?;
            self.pos = 0;
            if self.len == 0 {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    pub(super) fn bump(&mut self) -> Option<u8> {
        let b = self.buf[self.pos];
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(b)
    }

    pub(super) fn skip_ws(&mut self) -> Result<Option<u8>, Fault> {
        while let Some(b) = self.peek()? {
            if !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                return Ok(Some(b));
            }
            self.bump();
        }
        Ok(None)
    }

    pub(super) fn fault(&self, message: impl Into<String>) -> Fault {
        Fault::at(message, self.line, self.col)
    }

    /// Moves past the next `n` bytes of the buffer, keeping the line and
    /// column as [`Scanner::bump`] would, byte by byte.
    fn advance(&mut self, n: usize) {
        let passed = &self.buf[self.pos..self.pos + n];
        match memchr::memrchr(b'\n', passed) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', passed).count();
                self.col = n - last;
            }
            None => self.col += n,
        }
        self.pos += n;
    }

    /// Appends one JSON value's bytes to `out`, without parsing it. Past
    /// [`MAX_RECORD_BYTES`] the bytes are scanned but not kept, and the
    /// value's full length is returned as `Err`. (Inlined into the array
    /// reader's loop, as it was before that loop was shared.)
    #[inline(always)]
    fn capture(&mut self, out: &mut Vec<u8>) -> Result<Result<(), u64>, Fault> {
        let start = out.len();
        let mut len = 0u64;
        self.scan(&mut |bytes: &[u8]| {
            len += bytes.len() as u64;
            let room = MAX_RECORD_BYTES.saturating_sub(out.len() - start);
            out.extend_from_slice(&bytes[..bytes.len().min(room)]);
        })?;
        Ok(if len > MAX_RECORD_BYTES as u64 {
            out.truncate(start);
            Err(len)
        } else {
            Ok(())
        })
    }

    /// Passes bytes to `out`, in pieces, until `at` closes its outermost
    /// bracket (true) or the input ends (false). The bytes are classified a
    /// buffer at a time ([`Nesting::close_in`]), and the line and column
    /// counted once per piece ([`Scanner::advance`], with `memchr`), not
    /// byte by byte.
    pub(super) fn scan_nested<F: FnMut(&[u8])>(
        &mut self,
        mut at: Nesting,
        out: &mut F,
    ) -> Result<bool, Fault> {
        while self.peek()?.is_some() {
            let piece = &self.buf[self.pos..self.len];
            let end = at.close_in(piece);
            let n = end.unwrap_or(piece.len());
            out(&piece[..n]);
            self.advance(n);
            if end.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Passes one JSON value's bytes to `out`, in pieces, without parsing
    /// it; an object or a list through [`Scanner::scan_nested`].
    pub(super) fn scan<F: FnMut(&[u8])>(&mut self, out: &mut F) -> Result<(), Fault> {
        let first = self.peek()?.expect("the caller saw a byte");
        if first == b'{' || first == b'[' {
            if self.scan_nested(Nesting::default(), out)? {
                return Ok(());
            }
            Err(self.fault("the file ends inside a record (a `}` or `]` is missing)"))
        } else if first == b'"' {
            self.bump();
            out(&[first]);
            let mut escaped = false;
            while let Some(b) = self.peek()? {
                self.bump();
                out(&[b]);
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => return Ok(()),
                    _ => {}
                }
            }
            Err(self.fault("the file ends inside a string (a `\"` is missing)"))
        } else {
            while let Some(b) = self.peek()? {
                if matches!(b, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                    break;
                }
                self.bump();
                out(&[b]);
            }
            Ok(())
        }
    }
}

/// Hands every element of a top-level array to `out`, undecoded; an
/// object wrapping the records goes to [`super::wrapper`]. (Kept out of
/// its caller: inlined there, its byte loop compiled some 8% slower. The
/// scanner is its own local, not borrowed or handed back, which keeps its
/// fields in registers: otherwise the loop cost 3 to 8% more.)
#[inline(never)]
pub(super) fn read_array<R: Read>(
    reader: R,
    out: &mut Batcher,
    records: Option<&RecordsPath>,
    notes: &mut Vec<Note>,
) -> Result<usize, Fault> {
    let mut s = Scanner {
        reader,
        buf: vec![0; BLOCK],
        pos: 0,
        len: 0,
        line: 1,
        col: 1,
    };
    match s.skip_ws()? {
        Some(b'[') if records.is_none() => {
            s.bump();
            // the rest is read in blocks, straight into the batches
            out.text().extend_from_slice(&s.buf[s.pos..s.len]);
            super::array::read_elements(s.reader, out, (s.line, s.col))
        }
        Some(b'[' | b'{') => super::wrapper::read_wrapped(s, records, out, notes),
        Some(_) => Err(s.fault("expected a JSON array of creator objects `[{...}, ...]`")),
        None => Err(Fault::empty()),
    }
}

/// Hands every element of the array to `out`, undecoded: the scanner is
/// just past the array's `[`, and is left just past its `]` (or where
/// `out` stopped, returning the records handed on). Always inlined, so
/// that in [`read_array`] the scanner stays a local of the loop.
#[inline(always)]
pub(super) fn elements<R: Read>(s: &mut Scanner<R>, out: &mut Batcher) -> Result<usize, Fault> {
    let mut n = 0;
    match s.skip_ws()? {
        Some(b']') => {
            s.bump();
        }
        None => return Err(s.fault("the file ends inside the array (a `]` is missing)")),
        Some(_) => loop {
            let (line, col) = (s.line, s.col);
            let start = out.text().len();
            match s.capture(out.text())? {
                Ok(()) => out.push_element(start, line, col),
                Err(len) => out.push_ready(Err(Damage::too_long("record", len)), line),
            }
            if out.stopped {
                return Ok(out.count());
            }
            n += 1;
            match s.skip_ws()? {
                Some(b',') => {
                    s.bump();
                    match s.skip_ws()? {
                        Some(b']') => {
                            return Err(
                                s.fault("a `,` is followed by `]`: JSON allows no trailing comma")
                            )
                        }
                        None => {
                            return Err(s.fault("the file ends inside the array (a `]` is missing)"))
                        }
                        Some(_) => {}
                    }
                }
                Some(b']') => {
                    s.bump();
                    break;
                }
                Some(_) => return Err(s.fault("expected `,` or `]` after a record")),
                None => return Err(s.fault("the file ends inside the array (a `]` is missing)")),
            }
        },
    }
    Ok(n)
}
