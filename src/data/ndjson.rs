//! NDJSON: one JSON value per line. A line that is not valid JSON, not
//! UTF-8, nested too deep or longer than [`MAX_RECORD_BYTES`] is a damaged
//! record with its line number; blank lines are skipped. The reader only
//! cuts the input into blocks of whole lines (at the last `\n` of what it
//! read, found with `memrchr`), counts their lines and records
//! ([`count_lines`]: the newlines, found with `memchr`, and the first bytes
//! of each line) and hands them on unsplit: the threads that decode them
//! split them into lines ([`RawBatch::split`]), each block at once, as its
//! first line and position are known.
//!
//! [`RawBatch::split`]: super::RawBatch::split
//! [`count_lines`]: super::batch::count_lines

use std::io::Read;

use super::array::{read_more, read_some, READ};
use super::batch::Batcher;
use super::{Fault, MAX_RECORD_BYTES};

/// Bytes of whole lines per block handed on, about: a block is handed on
/// at the first read that takes it past this.
pub(super) const BLOCK: usize = 1 << 18;

/// Hands every line of `reader` to `out` in blocks of about `block`
/// bytes; a line over [`MAX_RECORD_BYTES`] is not held but handed on as
/// its length. Fails, as every format does, when no line holds anything
/// but whitespace (an empty file is a failed export).
pub(super) fn read_lines<R: Read>(
    mut reader: R,
    out: &mut Batcher,
    block: usize,
) -> Result<(), Fault> {
    let mut text = Held {
        buf: vec![0; block + READ],
        len: 0,
    };
    // where the line not yet ended starts in `text`
    let mut line_start = 0;
    let mut any = false;
    loop {
        let len = text.len;
        if text.read_more(&mut reader)? == 0 {
            break;
        }
        match memchr::memchr(b'\n', &text.held()[len..]) {
            None if text.len - line_start > MAX_RECORD_BYTES => {
                // a line too long to hold: the lines before it go on, and
                // then only its length
                hand_on(out, &mut text, line_start, block, &mut any);
                let (bytes, rest) = skip_line(&mut reader, text.len as u64)?;
                any |= out.hand_on_lines(Vec::new(), 0, Some(bytes)) > 0;
                text.keep(&rest);
                line_start = text.after_last_line();
            }
            None => {}
            Some(first) if len + first - line_start > MAX_RECORD_BYTES => {
                // a line ended in this read, too long to decode
                let bytes = (len + first - line_start) as u64 + 1;
                hand_on(out, &mut text, line_start, block, &mut any);
                any |= out.hand_on_lines(Vec::new(), 0, Some(bytes)) > 0;
                text.drop_first(len + first + 1 - line_start);
                line_start = text.after_last_line();
            }
            Some(_) => {
                let last =
                    memchr::memrchr(b'\n', &text.held()[len..]).expect("a line end is there");
                line_start = len + last + 1;
            }
        }
        // once the text reaches a block: the next read then fits in the
        // new buffer, which holds only the line not yet ended
        if line_start > 0 && text.len >= block {
            hand_on(out, &mut text, line_start, block, &mut any);
            line_start = 0;
        }
        if out.stopped {
            return Ok(());
        }
    }
    // the last line, perhaps without its `\n`
    let end = text.len;
    hand_on(out, &mut text, end, block, &mut any);
    if !any {
        return Err(Fault::empty());
    }
    Ok(())
}

/// The text read and not yet handed on, `buf[..len]`. The bytes after it
/// are left as they are, not zeroed before each read: a buffer is zeroed
/// once, when it is new, and then only overwritten by the reads, here and
/// in the buffers handed back ([`Batcher::buffer`]).
struct Held {
    buf: Vec<u8>,
    len: usize,
}

impl Held {
    fn held(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Appends up to [`READ`] bytes of `reader`: how many (0 at the end).
    fn read_more<R: Read>(&mut self, reader: &mut R) -> Result<usize, Fault> {
        let want = self.len + READ;
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        let n = read_some(reader, &mut self.buf[self.len..want])?;
        self.len += n;
        Ok(n)
    }

    /// Holds `bytes` alone.
    fn keep(&mut self, bytes: &[u8]) {
        if self.buf.len() < bytes.len() {
            self.buf.resize(bytes.len(), 0);
        }
        self.buf[..bytes.len()].copy_from_slice(bytes);
        self.len = bytes.len();
    }

    /// Lets the first `n` bytes held go.
    fn drop_first(&mut self, n: usize) {
        self.buf.copy_within(n..self.len, 0);
        self.len -= n;
    }

    /// Where the line not yet ended starts: after the last `\n` held.
    fn after_last_line(&self) -> usize {
        memchr::memrchr(b'\n', self.held()).map_or(0, |k| k + 1)
    }
}

/// Hands on `text[..end]` (whole lines), keeping the rest in `text`, and
/// notes in `any` whether a line held anything but whitespace so far.
fn hand_on(out: &mut Batcher, text: &mut Held, end: usize, block: usize, any: &mut bool) {
    if end == 0 {
        return;
    }
    let rest = &text.held()[end..];
    let mut next = out.buffer((block + READ).max(rest.len() + READ));
    next[..rest.len()].copy_from_slice(rest);
    let lines = std::mem::replace(&mut text.buf, next);
    text.len -= end;
    *any |= out.hand_on_lines(lines, end, None) > 0;
}

/// Reads on to the end of a line too long to hold, of which `held` bytes
/// were read: its length (with its `\n`, when it has one) and the bytes
/// read after it.
fn skip_line<R: Read>(reader: &mut R, held: u64) -> Result<(u64, Vec<u8>), Fault> {
    let mut bytes = held;
    let mut buf = Vec::with_capacity(READ);
    loop {
        buf.clear();
        let n = read_more(reader, &mut buf)?;
        if n == 0 {
            return Ok((bytes, buf));
        }
        if let Some(k) = memchr::memchr(b'\n', &buf) {
            buf.drain(..=k);
            return Ok((bytes + k as u64 + 1, buf));
        }
        bytes += n as u64;
    }
}
