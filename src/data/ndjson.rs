//! NDJSON: one JSON value per line. A line that is not valid JSON, or not
//! UTF-8, is a damaged record with its line number; blank lines are skipped.

use std::io::BufRead;

use super::batch::Batcher;
use super::Fault;

/// Hands every non-blank line to `out`, undecoded. Returns how many there were.
pub(super) fn read_lines<R: BufRead>(mut reader: R, out: &mut Batcher) -> Result<usize, Fault> {
    let mut buf = Vec::new();
    let mut line = 0;
    let mut n = 0;
    loop {
        buf.clear();
        let read = reader.read_until(b'\n', &mut buf).map_err(Fault::io)?;
        if read == 0 {
            break;
        }
        line += 1;
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
    Ok(n)
}
