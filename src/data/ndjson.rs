//! NDJSON: one JSON value per line. A line that is not valid JSON, not
//! UTF-8, nested too deep or longer than [`MAX_RECORD_BYTES`] is a damaged
//! record with its line number; blank lines are skipped.

use std::io::{BufRead, Read};

use super::batch::Batcher;
use super::{Damage, Fault, MAX_RECORD_BYTES};

/// Hands every non-blank line to `out`, undecoded. Returns how many there were.
pub(super) fn read_lines<R: BufRead>(mut reader: R, out: &mut Batcher) -> Result<usize, Fault> {
    let mut buf = Vec::new();
    let mut line = 0;
    let mut n = 0;
    loop {
        buf.clear();
        // hold at most MAX_RECORD_BYTES of a line; skip the rest unread
        let read = (&mut reader)
            .take(MAX_RECORD_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(Fault::io)?;
        if read == 0 {
            break;
        }
        line += 1;
        if buf.len() > MAX_RECORD_BYTES && buf.last() != Some(&b'\n') {
            let rest = reader.skip_until(b'\n').map_err(Fault::io)?;
            out.push_ready(
                Err(Damage::too_long("line", (buf.len() + rest) as u64)),
                line,
            );
            n += 1;
            continue;
        }
        let body = buf.trim_ascii();
        if body.is_empty() {
            continue;
        }
        let start = out.text().len();
        out.text().extend_from_slice(body);
        out.push_line(start, line);
        if out.stopped {
            break;
        }
        n += 1;
    }
    if n == 0 {
        // every line blank, or none: as in every format, an empty file is a
        // failed export, not a list of no creators
        return Err(Fault::empty());
    }
    Ok(n)
}
