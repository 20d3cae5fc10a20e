//! The fast path of a sparse decode ([`super::sparse`]): one pass over a
//! record that checks every byte as strictly as serde_json would, skips
//! the fields no rule reads without building them, and hands serde_json
//! only the values of the fields it keeps. It takes the plain records
//! that make up almost every file; anything out of the ordinary (a key
//! with an escape, a key that may be given twice, a `\u` surrogate, a
//! number near the limits of a float, deep nesting, any error at all)
//! sends the record to the full decoder, which gives the exact value or
//! the exact message. So it never accepts what the full decoder refuses,
//! and never changes a value.

use serde::de::DeserializeSeed;
use serde_json::{Map, Value as Json};

use super::slots::Slots;
use super::sparse::{FieldFilter, KeyHashes, Place, Strict};

/// Nesting deeper than this goes to the full decoder, which knows the
/// exact limit ([`super::MAX_RECORD_DEPTH`]).
const DEPTH: usize = 100;

/// Digits before the point (or exponent digits) past which a number may
/// be beyond a 64-bit float: the full decoder then decides.
const INT_DIGITS: usize = 200;
const EXP_DIGITS: usize = 2;

/// Decodes the object `text` keeping the fields `filter` wants (the names
/// of the others go to `unread`), or `None` for the full decoder to
/// decode, `unread` then left as it was.
pub(super) fn decode(
    text: &str,
    filter: &FieldFilter,
    unread: Option<&mut Vec<String>>,
) -> Option<Json> {
    let mut out = Map::with_capacity(filter.size_hint());
    let keep = |_: Place, key: &str, raw: &str| -> Option<()> {
        out.insert(key.to_string(), kept(raw)?);
        Some(())
    };
    undone(object(text, filter, keep, unread))?;
    Some(Json::Object(out))
}

/// [`decode`] into `slots` (cleared before); false for the full decoder
/// to decode, `unread` then left as it was and `slots` to be cleared.
pub(super) fn decode_slots(
    text: &str,
    filter: &FieldFilter,
    slots: &mut Slots,
    unread: Option<&mut Vec<String>>,
) -> bool {
    let keep = |place: Place, key: &str, raw: &str| slots.keep_raw(place, key, raw);
    undone(object(text, filter, keep, unread)).is_some()
}

/// The outcome of [`object`], the unread names it added taken back when
/// it gave up.
fn undone((out, unread, before): (Option<()>, Option<&mut Vec<String>>, usize)) -> Option<()> {
    if out.is_none() {
        if let Some(u) = unread {
            u.truncate(before);
        }
    }
    out
}

/// Reads the object `text`, handing each field `filter` wants to `keep`
/// (its place, key and checked text) and the names of the others to
/// `unread`; gives back `unread` and its length before, to undo.
fn object<'u>(
    text: &str,
    filter: &FieldFilter,
    mut keep: impl FnMut(Place, &str, &str) -> Option<()>,
    mut unread: Option<&'u mut Vec<String>>,
) -> (Option<()>, Option<&'u mut Vec<String>>, usize) {
    let before = unread.as_ref().map_or(0, |u| u.len());
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
    };
    let out = p.fields(filter, &mut keep, unread.as_deref_mut());
    (out, unread, before)
}

impl<'t> Parser<'t> {
    fn fields(
        &mut self,
        filter: &FieldFilter,
        keep: &mut impl FnMut(Place, &str, &str) -> Option<()>,
        mut unread: Option<&mut Vec<String>>,
    ) -> Option<()> {
        let p = self;
        p.ws();
        p.eat(b'{')?;
        let mut keys = KeyHashes::new(true);
        p.ws();
        if p.peek()? == b'}' {
            p.i += 1;
        } else {
            loop {
                let key = p.key()?;
                if !keys.insert(key) {
                    return None;
                }
                p.ws();
                p.eat(b':')?;
                p.ws();
                let start = p.i;
                p.value(1)?;
                match filter.place(key) {
                    Place::Skip => {
                        if let Some(u) = unread.as_deref_mut() {
                            u.push(key.to_string());
                        }
                    }
                    place => keep(place, key, &p.s[start..p.i])?,
                }
                p.ws();
                match p.next()? {
                    b',' => p.ws(),
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        p.ws();
        (p.i == p.b.len()).then_some(())
    }
}

/// Puts the checked JSON text `raw` into `old` reusing its buffers, when
/// both are text without escapes or lists of such text; false (`old`
/// untouched) otherwise.
pub(super) fn reuse(old: &mut Json, raw: &str) -> bool {
    let b = raw.as_bytes();
    match (old, b.first()) {
        (Json::String(s), Some(b'"')) if !b.contains(&b'\\') => {
            s.clear();
            s.push_str(&raw[1..raw.len() - 1]);
            true
        }
        (Json::Array(xs), Some(b'[')) => reuse_strings(xs, raw),
        _ => false,
    }
}

/// [`plain_strings`] into the strings of `xs`, reused; false when `raw`
/// is another list (`xs` then holds anything: the caller replaces it).
fn reuse_strings(xs: &mut Vec<Json>, raw: &str) -> bool {
    if raw.contains('\\') {
        return false;
    }
    let Some(mut rest) = raw.strip_prefix('[').map(|r| r.trim_start_matches(WS)) else {
        return false;
    };
    let mut n = 0;
    while let Some(body) = rest.strip_prefix('"') {
        let Some(end) = body.find('"') else {
            return false;
        };
        match xs.get_mut(n) {
            Some(Json::String(s)) => {
                s.clear();
                s.push_str(&body[..end]);
            }
            Some(other) => *other = Json::String(body[..end].to_string()),
            None => xs.push(Json::String(body[..end].to_string())),
        }
        n += 1;
        rest = body[end + 1..].trim_start_matches(WS);
        match rest.strip_prefix(',') {
            Some(more) => rest = more.trim_start_matches(WS),
            None => break,
        }
    }
    xs.truncate(n);
    rest == "]"
}

const WS: [char; 4] = [' ', '\n', '\t', '\r'];

/// A kept value, already checked, as serde_json reads it: text without
/// escapes, a small whole number (a `u64`, as serde_json makes it), `true`,
/// `false`, `null` and lists of such text made here, anything else by
/// serde_json itself.
pub(super) fn kept(v: &str) -> Option<Json> {
    let b = v.as_bytes();
    let text = v.get(1..v.len().saturating_sub(1));
    match b.first()? {
        b'"' if !b.contains(&b'\\') => Some(Json::String(text?.to_string())),
        b't' => Some(Json::Bool(true)),
        b'f' => Some(Json::Bool(false)),
        b'n' => Some(Json::Null),
        b'0'..=b'9' if b.len() <= 18 && b.iter().all(u8::is_ascii_digit) => {
            Some(Json::from(v.parse::<u64>().ok()?))
        }
        b'[' => plain_strings(v).or_else(|| full(v)),
        _ => full(v),
    }
}

/// A kept value made by serde_json itself.
fn full(v: &str) -> Option<Json> {
    let mut de = serde_json::Deserializer::from_str(v);
    Strict.deserialize(&mut de).ok()
}

/// A list of strings without escapes (`["beauty", "tech"]`, the common
/// list in creator data), made here: serde_json's decoder costs more to
/// set up than such a list costs to read. `v` is already checked, so only
/// its shape is followed; anything else is `None`.
fn plain_strings(v: &str) -> Option<Json> {
    let mut rest = v.strip_prefix('[')?.trim_start_matches(WS);
    let mut out = Vec::new();
    while let Some(body) = rest.strip_prefix('"') {
        let end = body.find(['"', '\\'])?;
        if !body[end..].starts_with('"') {
            return None;
        }
        out.push(Json::String(body[..end].to_string()));
        rest = body[end + 1..].trim_start_matches(WS);
        match rest.strip_prefix(',') {
            Some(more) => rest = more.trim_start_matches(WS),
            None => break,
        }
    }
    (rest == "]").then_some(Json::Array(out))
}

struct Parser<'t> {
    s: &'t str,
    b: &'t [u8],
    i: usize,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The lowest byte of `x` (little-endian) that is `"`, `\` or a control
/// character has its high bit set in the result (bytes above it may be
/// flagged falsely; the lowest one is exact).
#[inline]
fn special(x: u64) -> u64 {
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    zero(x ^ (ONES * u64::from(b'"')))
        | zero(x ^ (ONES * u64::from(b'\\')))
        | (x.wrapping_sub(ONES * 0x20) & !x & HIGH)
}

impl<'t> Parser<'t> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// A key without escapes, as written.
    fn key(&mut self) -> Option<&'t str> {
        let start = self.i + 1;
        if !self.string()? {
            return None;
        }
        // the cut falls on the quotes, so on characters' boundaries
        self.s.get(start..self.i - 1)
    }

    /// Past a string at `"`; `Some(true)` when it held no escape.
    fn string(&mut self) -> Option<bool> {
        self.eat(b'"')?;
        let mut plain = true;
        loop {
            // eight bytes at a time up to the next `"`, `\` or control byte
            while let Some(chunk) = self.b.get(self.i..self.i + 8) {
                let x = u64::from_le_bytes(chunk.try_into().ok()?);
                let m = special(x);
                if m != 0 {
                    self.i += (m.trailing_zeros() / 8) as usize;
                    break;
                }
                self.i += 8;
            }
            match self.next()? {
                b'"' => return Some(plain),
                b'\\' => {
                    plain = false;
                    self.escape()?;
                }
                c if c < 0x20 => return None,
                _ => {}
            }
        }
    }

    /// Past the escape after a `\`.
    fn escape(&mut self) -> Option<()> {
        match self.next()? {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => {
                let hex = self.b.get(self.i..self.i + 4)?;
                let hex = std::str::from_utf8(hex).ok()?;
                let code = u32::from_str_radix(hex, 16).ok()?;
                // a surrogate, paired or not: the full decoder judges it
                if hex.starts_with('+') || (0xD800..=0xDFFF).contains(&code) {
                    return None;
                }
                self.i += 4;
                Some(())
            }
            _ => None,
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => self.nested(depth, b'}'),
            b'[' => self.nested(depth, b']'),
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn word(&mut self, w: &[u8]) -> Option<()> {
        let end = self.i + w.len();
        (self.b.get(self.i..end)? == w).then(|| self.i = end)
    }

    /// An object or a list, its keys checked for one given twice.
    fn nested(&mut self, depth: usize, close: u8) -> Option<()> {
        if depth >= DEPTH {
            return None;
        }
        self.i += 1;
        self.ws();
        if self.peek()? == close {
            self.i += 1;
            return Some(());
        }
        let mut keys = KeyHashes::new(close == b'}');
        loop {
            if close == b'}' {
                let key = self.key()?;
                if !keys.insert(key) {
                    return None;
                }
                self.ws();
                self.eat(b':')?;
                self.ws();
            }
            self.value(depth + 1)?;
            self.ws();
            match self.next()? {
                b',' => self.ws(),
                c if c == close => return Some(()),
                _ => return None,
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                if self.digits() > INT_DIGITS {
                    return None;
                }
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            let n = self.digits();
            if n == 0 || n > EXP_DIGITS {
                return None;
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests;
