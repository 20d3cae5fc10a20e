//! NDJSON: one JSON value per line. A line that is not valid JSON, not
//! UTF-8, nested too deep or longer than [`MAX_RECORD_BYTES`] is a damaged
//! record with its line number; blank lines are skipped.

use std::io::{BufRead, Read};

use super::{Damage, Fault, Record, MAX_RECORD_BYTES};

/// Streams the records of an NDJSON input to `each`. Returns how many there were.
pub(super) fn read_lines<R: BufRead>(
    mut reader: R,
    each: &mut dyn FnMut(Record),
) -> Result<usize, Fault> {
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
            each(Record {
                position: n,
                line,
                item: Err(Damage::too_long("line", (buf.len() + rest) as u64)),
            });
            n += 1;
            continue;
        }
        let body = buf.trim_ascii();
        if body.is_empty() {
            continue;
        }
        let item = match std::str::from_utf8(body) {
            Err(e) => Err(Damage::invalid_utf8(e.valid_up_to())),
            Ok(text) => serde_json::from_str(text).map_err(|e| {
                Damage::from_json_error(&e).unwrap_or_else(|| {
                    Damage(format!("not valid JSON: {}", super::without_location(&e)))
                })
            }),
        };
        each(Record {
            position: n,
            line,
            item,
        });
        n += 1;
    }
    if n == 0 {
        // every line blank, or none: as in every format, an empty file is a
        // failed export, not a list of no creators
        return Err(Fault::empty());
    }
    Ok(n)
}
