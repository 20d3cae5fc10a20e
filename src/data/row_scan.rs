//! The CSV reader's quick look at a line still in its read buffer: most
//! rows are one line whose quotes, if any, each open a cell or close it.
//! Such a row is handed on as it is read, to be split into cells by the
//! worker that decodes it ([`super::cells::split_row`]); the reader looks at
//! it with `memchr` only, finding its end and its quotes. Anything else (a
//! quote out of place, one running over a line end, a lone `\r`, a row
//! that may be blank, a line not whole in the buffer) is read the exact
//! way ([`super::delimited`]), which this look never has to agree with
//! but where it says "a row".

/// What the look found at the start of the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scan {
    /// A row of one line: its `len` bytes without its end, `next` with it.
    Row { len: usize, next: usize },
    /// To be read the exact way.
    Exact,
}

/// Looks at the line that starts `buf`. A row here splits into the same
/// cells, with the same text, as the exact reader's ([`RowParser`]): a
/// quote opens a cell only at its start (the line's start or after a
/// delimiter), closes it only before a delimiter or the line end, and is
/// doubled anywhere between; no quote is anywhere else, no line end
/// inside quotes, and some byte of it is neither a delimiter, a quote nor
/// ASCII space (so no cell count check can meet a blank row).
///
/// [`RowParser`]: super::delimited
pub(super) fn scan(buf: &[u8], delimiter: u8) -> Scan {
    let mut at = 0;
    let (len, next) = loop {
        let Some(k) = memchr::memchr3(b'\n', b'\r', b'"', &buf[at..]) else {
            return Scan::Exact;
        };
        let p = at + k;
        match buf[p] {
            b'\n' => break (p, p + 1),
            b'\r' if buf.get(p + 1) == Some(&b'\n') => break (p, p + 2),
            b'"' if p == 0 || buf[p - 1] == delimiter => match closing(buf, p + 1) {
                Some(q)
                    if buf
                        .get(q + 1)
                        .is_some_and(|&b| b == delimiter || b == b'\n' || b == b'\r') =>
                {
                    at = q + 1;
                }
                _ => return Scan::Exact,
            },
            _ => return Scan::Exact,
        }
    };
    let blank = |&b: &u8| b == delimiter || b == b'"' || b.is_ascii_whitespace();
    if buf[..len].iter().all(blank) {
        return Scan::Exact;
    }
    Scan::Row { len, next }
}

/// The quote closing a quoted cell whose text starts at `buf[from]`: the
/// first not doubled. `None` when a line end or the buffer's end comes first.
fn closing(buf: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let q = at + memchr::memchr3(b'"', b'\n', b'\r', &buf[at..])?;
        if buf[q] != b'"' {
            return None;
        }
        match buf.get(q + 1) {
            Some(b'"') => at = q + 2,
            Some(_) => return Some(q),
            None => return None,
        }
    }
}
