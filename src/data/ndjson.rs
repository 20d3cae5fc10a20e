//! NDJSON: one JSON value per line. A line that is not valid JSON, not
//! UTF-8, nested too deep or longer than [`MAX_RECORD_BYTES`] is a damaged
//! record with its line number; blank lines are skipped. The input is read
//! in blocks straight into the batches ([`Blocks`]), each line a span of
//! them found with `memchr`, not copied.

use std::io::Read;

use super::array::Blocks;
use super::batch::Batcher;
use super::{Damage, Fault, MAX_RECORD_BYTES};

/// Hands every non-blank line to `out`, undecoded. Returns how many there were.
pub(super) fn read_lines<R: Read>(reader: R, out: &mut Batcher) -> Result<usize, Fault> {
    let mut b = Blocks::new(reader, out);
    let mut line = 0;
    let mut n = 0;
    while let Some((start, stop, dropped)) = next_line(&mut b)? {
        line += 1;
        // a line longer than MAX_RECORD_BYTES is skipped, its length kept
        // (with its line end)
        let content = dropped + (stop - start) as u64;
        if content > MAX_RECORD_BYTES as u64 {
            let len = content + u64::from(b.pos > stop);
            let at = b.pos;
            b.out
                .push_ready_at(Err(Damage::too_long("line", len)), line, at);
            n += 1;
            continue;
        }
        let text = b.out.text();
        let body = text[start..stop].trim_ascii_start();
        let s = stop - body.len();
        let e = s + body.trim_ascii_end().len();
        if s == e {
            continue;
        }
        b.out.push_line_span(s, e, line);
        if b.out.stopped {
            break;
        }
        n += 1;
        b.hand_on_when_full();
    }
    if n == 0 {
        // every line blank, or none: as in every format, an empty file is a
        // failed export, not a list of no creators
        return Err(Fault::empty());
    }
    Ok(n)
}

/// The next line: where it starts and stops (before its `\n`) in the
/// text, and how many of its bytes were dropped before `start` (a line
/// longer than [`MAX_RECORD_BYTES`] is not held); `b.pos` is left after
/// its `\n`. `None` at the end of the input.
fn next_line<R: Read>(b: &mut Blocks<R>) -> Result<Option<(usize, usize, u64)>, Fault> {
    let (mut start, mut scanned) = (b.pos, b.pos);
    let mut dropped: Option<u64> = None;
    let end = loop {
        let text = b.out.text();
        if let Some(k) = memchr::memchr(b'\n', &text[scanned..]) {
            break Some(scanned + k);
        }
        scanned = text.len();
        if dropped.is_none() && scanned - start > MAX_RECORD_BYTES {
            dropped = Some(0);
        }
        if let Some(d) = &mut dropped {
            *d += (scanned - start) as u64;
            start = scanned;
        }
        b.pos = scanned;
        let (shift, more) = b.more(start)?;
        start -= shift;
        scanned -= shift;
        if !more {
            break None;
        }
    };
    let stop = end.unwrap_or(b.out.text().len());
    if end.is_none() && stop == start && dropped.is_none() {
        return Ok(None);
    }
    b.pos = end.map_or(stop, |e| e + 1);
    Ok(Some((start, stop, dropped.unwrap_or(0))))
}
