//! NDJSON: one JSON value per line. A line that is not valid JSON, or not
//! UTF-8, is a damaged record with its line number; blank lines are skipped.

use std::io::BufRead;

use super::{Damage, Fault, Record};

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
        let read = reader.read_until(b'\n', &mut buf).map_err(Fault::io)?;
        if read == 0 {
            break;
        }
        line += 1;
        let body = buf.trim_ascii();
        if body.is_empty() {
            continue;
        }
        let item = match std::str::from_utf8(body) {
            Err(e) => Err(Damage::invalid_utf8(e.valid_up_to())),
            Ok(text) => serde_json::from_str(text)
                .map_err(|e| Damage(format!("not valid JSON: {}", super::without_location(&e)))),
        };
        each(Record {
            position: n,
            line,
            item,
        });
        n += 1;
    }
    Ok(n)
}
