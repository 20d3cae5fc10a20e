//! Kept values made from their checked text without serde_json where it
//! is simple: text and lists of text into the buffers of the record
//! before, numbers ([`super::number`]), objects and lists of plain values;
//! serde_json itself for the rest (escapes, and what that leaves over).

use serde::de::DeserializeSeed;
use serde_json::{Map, Value as Json};

use super::{number, Parser};
use crate::data::sparse::Strict;

/// Puts the checked JSON text `raw`, `plain` when it holds no escape,
/// into `old` reusing its buffers, when both are text or lists of text
/// (or numbers, read here); false (`old` then holds anything: the caller
/// replaces it) otherwise.
pub(in crate::data) fn reuse(old: &mut Json, raw: &str, plain: bool) -> bool {
    if !plain {
        return false;
    }
    match (old, raw.as_bytes().first()) {
        (Json::String(s), Some(b'"')) => match raw.get(1..raw.len() - 1) {
            Some(text) => {
                s.clear();
                s.push_str(text);
                true
            }
            None => false,
        },
        (Json::Array(xs), Some(b'[')) => reuse_strings(xs, raw),
        // a number for a number (most kept fields): read straight into it
        // (its number replaced, with no old value dropped)
        (Json::Number(old), Some(b'-' | b'0'..=b'9')) => match number::number(raw.as_bytes()) {
            Some(Json::Number(n)) => {
                *old = n;
                true
            }
            _ => false,
        },
        (Json::Object(map), Some(b'{')) => {
            let mut olds = map.iter_mut();
            let same = fields_of(raw, |key, v| {
                let (_, old) = olds.next().filter(|(k, _)| *k == key)?;
                if !reuse(old, v, true) {
                    *old = kept(v, true)?;
                }
                Some(())
            });
            same.is_some() && olds.next().is_none()
        }
        _ => false,
    }
}

/// Puts the list of strings `raw` (checked, without escapes) into the
/// strings of `xs`, reused; false when `raw` is another list.
fn reuse_strings(xs: &mut Vec<Json>, raw: &str) -> bool {
    let b = raw.as_bytes();
    let ws = |mut i: usize| {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = b.get(i) {
            i += 1;
        }
        i
    };
    let mut i = ws(1);
    let mut n = 0;
    while b.get(i) == Some(&b'"') {
        let start = i + 1;
        // checked text: the next quote closes the string
        let Some(len) = b[start..].iter().position(|&c| c == b'"') else {
            return false;
        };
        let Some(text) = raw.get(start..start + len) else {
            return false;
        };
        match xs.get_mut(n) {
            Some(Json::String(s)) => {
                s.clear();
                s.push_str(text);
            }
            Some(other) => *other = Json::String(text.to_string()),
            None => xs.push(Json::String(text.to_string())),
        }
        n += 1;
        i = ws(start + len + 1);
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            _ => break,
        }
    }
    xs.truncate(n);
    b.get(i) == Some(&b']') && i + 1 == b.len()
}

/// A kept value, already checked (`plain` when it holds no escape), as
/// serde_json reads it: text, numbers of the usual forms, `true`, `false`,
/// `null`, and lists and objects of such values made here, anything else
/// by serde_json itself.
pub(in crate::data) fn kept(v: &str, plain: bool) -> Option<Json> {
    let b = v.as_bytes();
    match b.first()? {
        b'"' if plain => Some(Json::String(v.get(1..v.len() - 1)?.to_string())),
        b't' => Some(Json::Bool(true)),
        b'f' => Some(Json::Bool(false)),
        b'n' => Some(Json::Null),
        b'-' | b'0'..=b'9' => number::number(b).or_else(|| full(v)),
        b'[' if plain => plain_strings(v)
            .or_else(|| plain_list(v))
            .or_else(|| full(v)),
        b'{' if plain => plain_object(v).or_else(|| full(v)),
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
pub(super) fn plain_strings(v: &str) -> Option<Json> {
    if v.contains('\\') {
        return None;
    }
    let mut out = Vec::new();
    reuse_strings(&mut out, v).then_some(Json::Array(out))
}

/// An object without escapes, made here: its keys are checked distinct.
fn plain_object(v: &str) -> Option<Json> {
    let mut map = Map::new();
    fields_of(v, |key, x| {
        map.insert(key.to_string(), kept(x, true)?);
        Some(())
    })?;
    Some(Json::Object(map))
}

/// A list without escapes, made here.
fn plain_list(v: &str) -> Option<Json> {
    let mut out = Vec::new();
    let mut p = Parser::over(v);
    p.eat(b'[')?;
    p.ws();
    if p.peek()? != b']' {
        loop {
            let start = p.i;
            p.value(1)?;
            out.push(kept(&v[start..p.i], true)?);
            p.ws();
            match p.next()? {
                b',' => p.ws(),
                b']' => break,
                _ => return None,
            }
        }
    } else {
        p.i += 1;
    }
    (p.i == p.b.len()).then_some(Json::Array(out))
}

/// Hands each field of the checked object `raw` to `each`, its key and
/// its value's text, in order; `None` when `each` says so or on anything
/// unexpected.
fn fields_of(raw: &str, mut each: impl FnMut(&str, &str) -> Option<()>) -> Option<()> {
    let mut p = Parser::over(raw);
    p.eat(b'{')?;
    p.ws();
    if p.peek()? == b'}' {
        p.i += 1;
    } else {
        loop {
            let key = p.key()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            let start = p.i;
            p.value(1)?;
            each(key, &raw[start..p.i])?;
            p.ws();
            match p.next()? {
                b',' => p.ws(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    (p.i == p.b.len()).then_some(())
}
