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

use std::ops::Range;

use serde_json::{Map, Value as Json};

use super::slots::Slots;
use super::sparse::{FieldFilter, KeyHashes, Place};
use keys::FewKeys;
pub(crate) use keys::KeyShape;

mod keys;
mod number;
mod values;
pub(super) use values::{kept, reuse};

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
    let keep = |_: Place, key: &str, raw: &str, plain: bool| -> Option<()> {
        out.insert(key.to_string(), kept(raw, plain)?);
        Some(())
    };
    undone(object(text, filter, keep, unread, None))?;
    Some(Json::Object(out))
}

/// [`decode`] into `slots` (cleared before); false for the full decoder
/// to decode, `unread` then left as it was and `slots` to be cleared.
/// `filter` is the one `slots` were made for: the keys of the record
/// before, kept in `slots` with their places, are tried first.
pub(super) fn decode_slots(
    text: &str,
    filter: &FieldFilter,
    slots: &mut Slots,
    unread: Option<&mut Vec<String>>,
) -> bool {
    let mut shape = slots.take_shape();
    let keep =
        |place: Place, key: &str, raw: &str, plain: bool| slots.keep_raw(place, key, raw, plain);
    let out = undone(object(text, filter, keep, unread, Some(&mut shape))).is_some();
    slots.put_shape(shape);
    out
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

/// What a field is handed to: its place, key, checked text, and whether
/// that text holds no escape.
trait Keep: FnMut(Place, &str, &str, bool) -> Option<()> {}
impl<F: FnMut(Place, &str, &str, bool) -> Option<()>> Keep for F {}

/// Reads the object `text`, handing each field `filter` wants to `keep`
/// and the names of the others to `unread`; gives back `unread` and its
/// length before, to undo. `shape`, when given, is tried for the keys and
/// left holding this record's.
fn object<'u>(
    text: &str,
    filter: &FieldFilter,
    mut keep: impl Keep,
    mut unread: Option<&'u mut Vec<String>>,
    shape: Option<&mut KeyShape>,
) -> (Option<()>, Option<&'u mut Vec<String>>, usize) {
    let before = unread.as_ref().map_or(0, |u| u.len());
    let mut p = Parser::over(text);
    let mut keys = TopKeys {
        filter,
        hashes: KeyHashes::new(shape.is_none()),
        shape,
        matching: true,
        next: 0,
        seen: 0,
    };
    let out = p.fields(&mut keys, &mut keep, unread.as_deref_mut());
    (out, unread, before)
}

/// The top-level keys of the record being read: found in `shape` while
/// they come in its order, then each checked for one given twice.
struct TopKeys<'f, 's> {
    filter: &'f FieldFilter,
    shape: Option<&'s mut KeyShape>,
    /// True while every key so far was found in the shape, in order.
    matching: bool,
    /// The shape's key expected next, and a bit for each key found.
    next: usize,
    seen: u64,
    hashes: KeyHashes,
}

impl<'t> Parser<'t> {
    fn fields(
        &mut self,
        keys: &mut TopKeys,
        keep: &mut impl Keep,
        mut unread: Option<&mut Vec<String>>,
    ) -> Option<()> {
        let p = self;
        p.ws();
        p.eat(b'{')?;
        p.ws();
        if p.peek()? == b'}' {
            p.i += 1;
        } else {
            loop {
                let (key, place) = p.top_key(keys)?;
                // the colon straight after the key, as compact JSON has it
                if p.peek() == Some(b':') {
                    p.i += 1;
                } else {
                    p.ws();
                    p.eat(b':')?;
                }
                p.ws();
                let start = p.i;
                p.escaped = false;
                p.value(1)?;
                match place {
                    Place::Skip => {
                        if let Some(u) = unread.as_deref_mut() {
                            u.push(p.s.get(key)?.to_string());
                        }
                    }
                    place => keep(place, p.s.get(key)?, &p.s[start..p.i], !p.escaped)?,
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

    /// The next top-level key and its place: found in the shape (the
    /// key expected next compared in place), else read and checked against
    /// the keys before. The key is given by where it is in the text.
    #[inline(always)]
    fn top_key(&mut self, keys: &mut TopKeys) -> Option<(Range<usize>, Place)> {
        if keys.matching {
            if let Some(shape) = keys.shape.as_deref_mut() {
                let rest = self.b.get(self.i + 1..).unwrap_or_default();
                if self.b.get(self.i) == Some(&b'"') {
                    if let Some((n, place)) = shape.starts(keys.next, rest) {
                        let start = self.i + 1;
                        self.i = start + n + 1;
                        keys.seen |= 1 << keys.next;
                        keys.next += 1;
                        return Some((start..start + n, place));
                    }
                }
                let key = self.key()?;
                let range = self.i - 1 - key.len()..self.i - 1;
                if let Some((j, place)) = shape.locate(key, keys.next, keys.filter) {
                    keys.seen |= 1 << j;
                    keys.next = j + 1;
                    return Some((range, place));
                }
                keys.hashes = shape.hashes(keys.seen);
                keys.matching = false;
                let place = keys.filter.place(key);
                return keys.hashes.insert(key).then_some((range, place));
            }
            keys.matching = false;
        }
        let key = self.key()?;
        if !keys.hashes.insert(key) {
            return None;
        }
        Some((self.i - 1 - key.len()..self.i - 1, keys.filter.place(key)))
    }
}

struct Parser<'t> {
    s: &'t str,
    b: &'t [u8],
    i: usize,
    /// Set by a string with an escape.
    escaped: bool,
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
    fn over(text: &'t str) -> Self {
        Parser {
            s: text,
            b: text.as_bytes(),
            i: 0,
            escaped: false,
        }
    }

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
    #[inline]
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
                    self.escaped = true;
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
        let mut keys = FewKeys::new();
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

    #[inline]
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
