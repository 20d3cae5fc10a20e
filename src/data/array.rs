//! A top-level JSON array read in blocks: the input is read straight into
//! the text of a batch, and each element is a span of it (no copy), its
//! line counted only when the batch is handed on ([`Batcher::push_span`]).
//! The scan follows strings, escapes and nesting ([`Nesting::close_in`]);
//! a syntax error between elements, or an element cut short by the end of
//! the file, is a fault with its line and column, as with
//! [`super::json::elements`], which reads the array inside a wrapping
//! object.

use std::io::Read;

use super::batch::Batcher;
use super::nesting::Nesting;
use super::{Damage, Fault, MAX_RECORD_BYTES};

/// Bytes read from the input per call.
pub(super) const READ: usize = 1 << 16;
/// Bytes of text per batch, about: the batch is handed on at the first
/// read past it.
const BATCH_TEXT: usize = 1 << 19;
/// Records per batch before it is handed on without waiting for a read.
const BATCH_RECORDS: usize = 2048;

/// How an element ends.
#[derive(Clone, Copy)]
enum Elem {
    /// At the bracket closing its first.
    Nested(Nesting),
    /// At the quote closing it; true just after a `\\`.
    Str(bool),
    /// Before the first `,`, `]` or whitespace.
    Scalar,
}

impl Elem {
    /// Where the element ends in `piece` (just past its last byte), or
    /// `None` when it runs on past it (the state carries on).
    fn end_in(&mut self, piece: &[u8]) -> Option<usize> {
        match self {
            Elem::Nested(at) => at.close_in(piece),
            Elem::Str(escaped) => {
                let mut i = 0;
                loop {
                    if i >= piece.len() {
                        return None;
                    }
                    if *escaped {
                        *escaped = false;
                        i += 1;
                        continue;
                    }
                    i += memchr::memchr2(b'"', b'\\', &piece[i..])?;
                    if piece[i] == b'"' {
                        return Some(i + 1);
                    }
                    *escaped = true;
                    i += 1;
                }
            }
            Elem::Scalar => piece
                .iter()
                .position(|b| matches!(b, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n')),
        }
    }
}

/// The input and where the scan is in the batch's text.
struct Blocks<'b, 'e, R> {
    reader: R,
    out: &'b mut Batcher<'e>,
    /// The next byte to look at, in `out.text()`.
    pos: usize,
    eof: bool,
}

impl<'b, 'e, R: Read> Blocks<'b, 'e, R> {
    /// Reads `reader` into the batches of `out`, after what `out.text()`
    /// holds already.
    fn new(reader: R, out: &'b mut Batcher<'e>) -> Self {
        Blocks {
            reader,
            out,
            pos: 0,
            eof: false,
        }
    }

    /// Hands the batch on once it holds enough records, keeping the text
    /// not yet split.
    fn hand_on_when_full(&mut self) {
        if self.out.gathered() >= BATCH_RECORDS {
            self.out.flush_keeping(self.pos, BATCH_TEXT + READ);
            self.pos = 0;
        }
    }

    /// Reads more of the input after the text, keeping the text from `keep`
    /// on (moved to a new batch when this one is full, which changes the
    /// offsets): returns by how much they moved, and false at the end of
    /// the input.
    fn more(&mut self, keep: usize) -> Result<(usize, bool), Fault> {
        if self.eof {
            return Ok((0, false));
        }
        let mut shift = 0;
        // (nothing before `keep`: the text grows, a record longer than a batch)
        let full = self.out.text().len() >= BATCH_TEXT || self.out.gathered() >= BATCH_RECORDS;
        if keep > 0 && full {
            self.out.flush_keeping(keep, BATCH_TEXT + READ);
            shift = keep;
            self.pos -= keep;
        }
        let n = read_more(&mut self.reader, self.out.text())?;
        self.eof = n == 0;
        Ok((shift, n > 0))
    }

    /// The next byte that is not whitespace, not taken.
    fn skip_ws(&mut self) -> Result<Option<u8>, Fault> {
        loop {
            let text = self.out.text();
            let rest = &text[self.pos..];
            match rest
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            {
                Some(i) => {
                    self.pos += i;
                    return Ok(Some(rest[i]));
                }
                None => {
                    self.pos = text.len();
                    if !self.more(self.pos)?.1 {
                        return Ok(None);
                    }
                }
            }
        }
    }

    fn fault(&mut self, message: &str) -> Fault {
        let (line, col) = self.out.place(self.pos);
        Fault::at(message, line, col)
    }

    /// Takes the element starting at `pos` (its first byte `first`):
    /// hands it on as a span, or as damage when it is too long.
    fn element(&mut self, first: u8) -> Result<(), Fault> {
        let mut start = self.pos;
        let (mut elem, mut i) = match first {
            b'{' | b'[' => (Elem::Nested(Nesting::default()), start),
            b'"' => (Elem::Str(false), start + 1),
            _ => (Elem::Scalar, start),
        };
        // bytes of a too long element dropped, and the line it began on
        let mut dropped: Option<(u64, usize)> = None;
        let end = loop {
            let text = self.out.text();
            if let Some(n) = elem.end_in(&text[i..]) {
                break i + n;
            }
            i = text.len();
            self.pos = i;
            if dropped.is_none() && i - start > MAX_RECORD_BYTES {
                dropped = Some((0, self.out.place(start).0));
            }
            if let Some((bytes, _)) = &mut dropped {
                // scanned but not kept
                *bytes += (i - start) as u64;
                start = i;
            }
            let (shift, more) = self.more(start)?;
            start -= shift;
            i -= shift;
            if !more {
                match elem {
                    Elem::Scalar => break i,
                    Elem::Nested(_) => {
                        return Err(
                            self.fault("the file ends inside a record (a `}` or `]` is missing)")
                        )
                    }
                    Elem::Str(_) => {
                        return Err(self.fault("the file ends inside a string (a `\"` is missing)"))
                    }
                }
            }
        };
        self.pos = end;
        match dropped {
            None if end - start > MAX_RECORD_BYTES => {
                let line = self.out.place(start).0;
                let len = (end - start) as u64;
                self.out
                    .push_ready_at(Err(Damage::too_long("record", len)), line, end);
            }
            None => self.out.push_span(start, end),
            Some((bytes, line)) => {
                let len = bytes + (end - start) as u64;
                self.out
                    .push_ready_at(Err(Damage::too_long("record", len)), line, end);
            }
        }
        Ok(())
    }
}

/// Hands every element of the array to `out`, undecoded: `out.text()`
/// holds what was read after the array's `[` (from line:column `origin`),
/// and `reader` the rest. Returns how many there were, and checks that
/// only whitespace follows the `]` (unless `out` stopped).
pub(super) fn read_elements<R: Read>(
    reader: R,
    out: &mut Batcher,
    origin: (usize, usize),
) -> Result<usize, Fault> {
    out.set_origin(origin);
    let mut b = Blocks::new(reader, out);
    let ends_inside = "the file ends inside the array (a `]` is missing)";
    let mut n = 0;
    match b.skip_ws()? {
        Some(b']') => b.pos += 1,
        None => return Err(b.fault(ends_inside)),
        Some(first) => {
            let mut first = first;
            loop {
                b.element(first)?;
                n += 1;
                b.hand_on_when_full();
                if b.out.stopped {
                    return Ok(b.out.count());
                }
                match b.skip_ws()? {
                    Some(b',') => {
                        b.pos += 1;
                        match b.skip_ws()? {
                            Some(b']') => {
                                return Err(b.fault(
                                    "a `,` is followed by `]`: JSON allows no trailing comma",
                                ))
                            }
                            None => return Err(b.fault(ends_inside)),
                            Some(next) => first = next,
                        }
                    }
                    Some(b']') => {
                        b.pos += 1;
                        break;
                    }
                    Some(_) => return Err(b.fault("expected `,` or `]` after a record")),
                    None => return Err(b.fault(ends_inside)),
                }
            }
        }
    }
    if b.skip_ws()?.is_some() {
        return Err(b.fault("unexpected data after the end of the array"));
    }
    Ok(n)
}

/// Appends up to [`READ`] bytes of `reader` to `text`: how many (0 at
/// the end of the input).
pub(super) fn read_more<R: Read>(reader: &mut R, text: &mut Vec<u8>) -> Result<usize, Fault> {
    let len = text.len();
    text.resize(len + READ, 0);
    // what was not read is not kept, also after an error
    let n = read_some(reader, &mut text[len..]);
    text.truncate(len + n.as_ref().map_or(0, |&n| n));
    n
}

/// One read of `reader` into `buf`, tried again when a signal interrupts
/// it: how many bytes (0 at the end of the input).
pub(super) fn read_some<R: Read>(reader: &mut R, buf: &mut [u8]) -> Result<usize, Fault> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Fault::io(e)),
        }
    }
}
