//! An ndjson line written by hand: the bytes `serde_json::to_writer` writes
//! for [`super::rows::RowJson`], without going through serde for the parts
//! every line has (the row's own keys, its failed requirements, their
//! reasons and the causes of conditions that came out false). Text is
//! escaped as serde_json escapes it (`"`, `\`, and the controls below
//! U+0020: `\n`, `\t`, ..., else `\u00XX`), eight bytes at a time while
//! none needs it; numbers are handed to serde_json, so they are its own
//! digits. A cause of another kind (an error, damage, a missing value) is
//! rare and written by serde. The tests check every part against serde.

use std::io;

use serde_json::Value as Json;

use super::rows::{Column, Row};
use crate::eval::{Cause, Failure, Shown};

/// Appends `row`'s ndjson object (without the line break), as
/// `serde_json::to_writer(out, &row.json(columns))` writes it.
pub(super) fn write_row(out: &mut Vec<u8>, row: &Row, columns: &[Column]) -> io::Result<()> {
    out.extend_from_slice(b"{\"id\":");
    write_str(out, &row.id);
    out.extend_from_slice(b",\"status\":\"");
    out.extend_from_slice(row.status.as_str().as_bytes());
    out.extend_from_slice(b"\",\"failed\":[");
    for (i, f) in row.failed.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_failure(out, f)?;
    }
    out.extend_from_slice(b"],\"score\":");
    write_f64(out, row.score)?;
    out.extend_from_slice(b",\"tier\":");
    match &row.tier {
        Some(t) => write_str(out, t),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"signals\":{");
    for (i, s) in row.signals.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, &s.name);
        out.push(b':');
        write_f64(out, s.clamped())?;
    }
    out.push(b'}');
    if !columns.is_empty() {
        out.extend_from_slice(b",\"columns\":{");
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, &c.name);
            out.push(b':');
            write_json(out, row.columns.get(i).unwrap_or(&Json::Null))?;
        }
        out.push(b'}');
    }
    out.extend_from_slice(b",\"rank\":");
    match row.rank {
        Some(r) => serde_json::to_writer(&mut *out, &r)?,
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
    Ok(())
}

/// One entry of `failed`, as its derived `Serialize` writes it.
fn write_failure(out: &mut Vec<u8>, f: &Failure) -> io::Result<()> {
    out.extend_from_slice(b"{\"rule\":");
    write_str(out, &f.rule);
    out.extend_from_slice(b",\"reason\":");
    write_str(out, &f.reason);
    if f.error {
        out.extend_from_slice(b",\"error\":true");
    }
    if let Some(c) = &f.cause {
        out.extend_from_slice(b",\"cause\":");
        write_cause(out, c)?;
    }
    out.push(b'}');
    Ok(())
}

/// A cause, as its `Serialize` writes it: the conditions that came out
/// false by hand, every other kind by serde.
fn write_cause(out: &mut Vec<u8>, c: &Cause) -> io::Result<()> {
    // each pattern names every field, so that a field added to a cause
    // stops the build here rather than going unwritten
    match c {
        Cause::Compare {
            field,
            value,
            op,
            bound,
        } => {
            head(out, "compare", field, value)?;
            key(out, "op");
            write_str(out, op);
            key(out, "bound");
            write_shown(out, bound)?;
        }
        Cause::Between {
            field,
            value,
            low,
            high,
        } => {
            head(out, "between", field, value)?;
            key(out, "low");
            write_shown(out, low)?;
            key(out, "high");
            write_shown(out, high)?;
        }
        Cause::Lacks { field, value, item }
        | Cause::Holds { field, value, item }
        | Cause::DoesNotContain { field, value, item } => {
            let kind = match c {
                Cause::Lacks { .. } => "lacks",
                Cause::Holds { .. } => "holds",
                _ => "does_not_contain",
            };
            head(out, kind, field, value)?;
            key(out, "item");
            write_shown(out, item)?;
        }
        Cause::NotOneOf {
            field,
            value,
            options,
            more,
        } => {
            head(out, "not_one_of", field, value)?;
            not_one_of(out, options, *more)?;
        }
        Cause::Excluded { field, value } => head(out, "excluded", field, value)?,
        Cause::Neither(a, b) => {
            out.extend_from_slice(b"{\"kind\":\"neither\",\"causes\":[");
            write_cause(out, a)?;
            out.push(b',');
            write_cause(out, b)?;
            out.push(b']');
        }
        Cause::False { condition } => {
            out.extend_from_slice(b"{\"kind\":\"false\",\"condition\":");
            write_str(out, condition);
        }
        Cause::Message { message } => {
            out.extend_from_slice(b"{\"kind\":\"message\",\"message\":");
            write_str(out, message);
        }
        other => {
            serde_json::to_writer(&mut *out, other)?;
            return Ok(());
        }
    }
    out.push(b'}');
    Ok(())
}

/// The rest of a `not_one_of` cause: `,"options":[...],"more":N`.
fn not_one_of(out: &mut Vec<u8>, options: &[Shown], more: usize) -> io::Result<()> {
    key(out, "options");
    out.push(b'[');
    for (i, o) in options.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_shown(out, o)?;
    }
    out.push(b']');
    key(out, "more");
    serde_json::to_writer(&mut *out, &more)?;
    Ok(())
}

/// Opens a cause's object: `{"kind":KIND,"field":FIELD,"value":VALUE`
/// (the kinds need no escaping).
fn head(out: &mut Vec<u8>, kind: &str, field: &str, value: &Shown) -> io::Result<()> {
    out.extend_from_slice(b"{\"kind\":\"");
    out.extend_from_slice(kind.as_bytes());
    out.push(b'"');
    key(out, "field");
    write_str(out, field);
    key(out, "value");
    write_shown(out, value)
}

/// `,"NAME":` (the names here need no escaping).
fn key(out: &mut Vec<u8>, name: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

/// A value a reason names, as JSON.
fn write_shown(out: &mut Vec<u8>, v: &Shown) -> io::Result<()> {
    write_json(out, v.json())
}

/// A JSON value: text and lists by hand, the rest by serde.
fn write_json(out: &mut Vec<u8>, v: &Json) -> io::Result<()> {
    match v {
        Json::String(s) => write_str(out, s),
        Json::Array(xs) => {
            out.push(b'[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(out, x)?;
            }
            out.push(b']');
        }
        other => serde_json::to_writer(&mut *out, other)?,
    }
    Ok(())
}

/// A number or `null`, as serde_json writes an `Option<f64>` (a number
/// that is not finite is `null` too).
fn write_f64(out: &mut Vec<u8>, x: Option<f64>) -> io::Result<()> {
    match x {
        Some(x) => serde_json::to_writer(&mut *out, &x)?,
        None => out.extend_from_slice(b"null"),
    }
    Ok(())
}

/// The bytes of the word `w` that JSON escapes (a control below U+0020,
/// `"` or `\`), each as its top bit, exactly: each 7-bit sum stays
/// within its byte, so no borrow runs into the next.
fn escape_mask(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = ONES * 0x7f;
    const HIGH: u64 = ONES * 0x80;
    // the bytes below `n` (an ASCII byte; none of those above 0x7f)
    let below = |x: u64, n: u64| !(((x & LOW7) + ONES * (0x80 - n)) | x) & HIGH;
    let quote = below(w ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(w ^ (ONES * u64::from(b'\\')), 1);
    below(w, 0x20) | quote | backslash
}

/// True when one of the 16 bytes is one JSON escapes. Written as a fold
/// over a fixed-size array, which the compiler turns into a few vector
/// compares (SSE2 on x86-64) without `unsafe`.
#[inline(always)]
fn dirty16(c: &[u8; 16]) -> bool {
    let mut any = 0u8;
    for &b in c {
        any |= u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
    }
    any != 0
}

/// True when no byte of `bytes` is one JSON escapes: sixteen at a time
/// (the last sixteen overlapping those before), two overlapping words for
/// text of eight to fifteen bytes, two overlapping halves of one word for
/// four to seven, else a byte at a time.
#[inline(always)]
fn clean(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n >= 16 {
        let mut chunks = bytes.chunks_exact(16);
        let whole = chunks
            .by_ref()
            .all(|c| !dirty16(c.try_into().expect("sixteen bytes")));
        let last: &[u8; 16] = bytes[n - 16..].try_into().expect("sixteen bytes");
        whole && (chunks.remainder().is_empty() || !dirty16(last))
    } else if n >= 8 {
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight"));
        escape_mask(word(0)) == 0 && escape_mask(word(n - 8)) == 0
    } else if n >= 4 {
        // the first four bytes and the last four, overlapping, as a word
        let half = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four"));
        escape_mask(u64::from(half(0)) | u64::from(half(n - 4)) << 32) == 0
    } else {
        bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
    }
}

/// `s` as a JSON string, escaped as serde_json escapes it. Nearly every
/// text needs no escape: it is checked first and copied whole.
pub(super) fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if clean(bytes) {
        out.extend_from_slice(bytes);
    } else {
        write_escaped(out, bytes);
    }
    out.push(b'"');
}

/// Appends `bytes`, some of which JSON escapes, escaped: apart, so that
/// [`write_str`] stays small for the text that needs no escape.
#[inline(never)]
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let (mut from, mut i) = (0, 0);
    // eight bytes at a time, each escape in the word in turn
    while let Some(word) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        escapes(out, bytes, &mut from, i, escape_mask(word));
        i += 8;
    }
    if i < bytes.len() && bytes.len() >= 8 {
        // the last bytes, as the word that ends the text, with those of
        // it already looked at (its first `seen`) masked out
        let start = bytes.len() - 8;
        let seen = i - start;
        let word = u64::from_le_bytes(bytes[start..].try_into().expect("eight bytes"));
        let mask = escape_mask(word) & (u64::MAX << (8 * seen));
        escapes(out, bytes, &mut from, start, mask);
    } else {
        // a text shorter than a word (a padded copy of it would cost a
        // call to memcpy), a byte at a time
        for (at, &b) in bytes.iter().enumerate().skip(i) {
            if b < 0x20 || b == b'"' || b == b'\\' {
                out.extend_from_slice(&bytes[from..at]);
                escape(out, b);
                from = at + 1;
            }
        }
    }
    out.extend_from_slice(&bytes[from..]);
}

/// Copies the text up to each byte `mask` marks in the word of `bytes`
/// at `start`, then that byte's escape; `from` is where the text not yet
/// copied starts.
#[inline(always)]
fn escapes(out: &mut Vec<u8>, bytes: &[u8], from: &mut usize, start: usize, mut mask: u64) {
    while mask != 0 {
        let at = start + (mask.trailing_zeros() / 8) as usize;
        copy_run(out, bytes, *from, at);
        escape(out, bytes[at]);
        *from = at + 1;
        mask &= mask - 1;
    }
}

/// Appends `bytes[from..at]`, the text between two escapes: a short run
/// (up to eight bytes, with eight to read) as eight bytes copied and cut
/// back, which spares a call to `memcpy`.
#[inline(always)]
fn copy_run(out: &mut Vec<u8>, bytes: &[u8], from: usize, at: usize) {
    match bytes.get(from..from + 8) {
        Some(word) if at - from <= 8 => {
            let word: &[u8; 8] = word.try_into().expect("eight bytes");
            out.extend_from_slice(word);
            out.truncate(out.len() - (8 - (at - from)));
        }
        _ => out.extend_from_slice(&bytes[from..at]),
    }
}

/// Appends the escape of `b`, a byte JSON escapes (a control, `"` or
/// `\`), as serde_json writes it: `\n`, `\"`, `\u001b`.
fn escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match b {
        b'\n' => b'n',
        b'\t' => b't',
        b'\r' => b'r',
        0x08 => b'b',
        0x0c => b'f',
        0..=0x1f => {
            let (hi, lo) = (HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
            return;
        }
        _ => b,
    };
    out.extend_from_slice(&[b'\\', short]);
}

#[cfg(test)]
mod tests;
