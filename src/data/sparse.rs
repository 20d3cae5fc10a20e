//! Decoding only what the rules read: a record's top-level fields that no
//! rule, id or report needs are parsed but not built (no allocation), so a
//! record costs a scan plus the few values the rules use. Skipped values
//! are parsed as strictly as decoded ones, so a verdict never depends on
//! which fields were decoded.
//! The result is an ordinary `serde_json` object holding just those fields,
//! which the evaluator reads like any record.
//!
//! A key given twice in one object, at any depth and in decoded and skipped
//! fields alike, makes the record an error: JSON leaves open which value is
//! meant, and serde_json would keep the last one silently.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value as Json};

/// The top-level fields to decode; `None` keeps every field.
#[derive(Clone, Debug, Default)]
pub struct FieldFilter {
    keys: Option<Vec<Box<str>>>,
    /// A bit for each kept key's [`sketch`]: a key whose bit is clear is
    /// not among them, found without comparing it with each.
    sketches: u64,
    /// Also keeps keys that may name an id, matched loosely (`Handle`).
    id_keys: bool,
}

impl FieldFilter {
    /// Keeps every field (for rules that read the whole `creator`).
    pub fn all() -> Self {
        FieldFilter {
            keys: None,
            sketches: 0,
            id_keys: false,
        }
    }

    /// Keeps only these top-level fields.
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(keys: I) -> Self {
        let mut keys: Vec<Box<str>> = keys
            .into_iter()
            .map(|k| k.into().into_boxed_str())
            .collect();
        keys.sort();
        keys.dedup();
        let sketches = keys.iter().fold(0, |bits, k| bits | sketch(k));
        FieldFilter {
            keys: Some(keys),
            sketches,
            id_keys: false,
        }
    }

    /// Also keeps the keys that may name an id, with case, spaces and
    /// underscores ignored (`Handle`, `User_Name`).
    pub fn with_id_keys(mut self) -> Self {
        self.id_keys = true;
        // as written, each has a slot (its buffers reused from record to
        // record); only a loose match (`Handle`) is kept without one
        if let Some(keys) = &mut self.keys {
            keys.extend(crate::language::ids::ID_KEYS.map(Box::from));
            keys.sort();
            keys.dedup();
            self.sketches = keys.iter().fold(0, |bits, k| bits | sketch(k));
        }
        self
    }

    /// True when the field is kept.
    pub fn wants(&self, key: &str) -> bool {
        self.place(key) != Place::Skip
    }

    /// Where the field goes: its slot (its place among the keys), kept
    /// without a slot (every field, or an id key matched loosely), or
    /// skipped.
    #[inline]
    pub fn place(&self, key: &str) -> Place {
        match &self.keys {
            None => Place::Extra,
            // a handful of keys: a linear scan beats hashing, and the
            // sketch spares it for most keys a record has and no rule reads
            Some(keys) => {
                if self.sketches & sketch(key) != 0 {
                    if let Some(k) = keys.iter().position(|k| k.as_ref() == key) {
                        return Place::Slot(k);
                    }
                }
                if self.id_keys && crate::language::ids::is_id_key(key) {
                    Place::Extra
                } else {
                    Place::Skip
                }
            }
        }
    }

    /// How many slots: the keys kept by name.
    pub fn slots(&self) -> usize {
        self.keys.as_ref().map_or(0, Vec::len)
    }

    /// The key of slot `k`.
    pub fn slot_name(&self, k: usize) -> &str {
        self.keys.as_ref().map_or("", |keys| &keys[k])
    }

    /// How many fields a record may keep, about: the room to make for them.
    pub(super) fn size_hint(&self) -> usize {
        // a record often names itself twice (`handle` and `name`): room for
        // every id key, so the map never grows (a rehash and a copy) midway
        let ids = crate::language::ids::ID_KEYS.len();
        self.keys.as_ref().map_or(0, Vec::len) + if self.id_keys { ids } else { 0 }
    }

    /// True when every field is kept.
    pub fn keeps_all(&self) -> bool {
        self.keys.is_none()
    }
}

/// Where [`FieldFilter::place`] puts a top-level field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Kept in this slot ([`super::Slots`]).
    Slot(usize),
    /// Kept, without a slot.
    Extra,
    /// Not kept.
    Skip,
}

/// One bit of 64 for a key, from its length and its first and last bytes.
#[inline]
fn sketch(key: &str) -> u64 {
    let b = key.as_bytes();
    let (first, last) = (b.first().copied(), b.last().copied());
    let mix = b
        .len()
        .wrapping_mul(31)
        .wrapping_add(usize::from(first.unwrap_or(0)))
        .wrapping_add(usize::from(last.unwrap_or(0)).wrapping_mul(7));
    1 << (mix % 64)
}

/// Decodes one JSON value; an object keeps only the fields `filter` wants,
/// and `unread` (when given) receives the names of the fields it skipped.
pub fn decode(
    text: &str,
    filter: &FieldFilter,
    unread: Option<&mut Vec<String>>,
) -> Result<Json, serde_json::Error> {
    if filter.keeps_all() {
        let mut de = serde_json::Deserializer::from_str(text);
        let v = Strict.deserialize(&mut de)?;
        de.end()?;
        return Ok(v);
    }
    let mut unread = unread;
    if let Some(v) = super::fast::decode(text, filter, unread.as_deref_mut()) {
        return Ok(v);
    }
    decode_full(text, filter, unread)
}

/// Checks the fast path against the full decoder on `text` (for the fuzz
/// targets): whenever the fast path decodes, the full decoder gives the
/// same value and the same unread names; when the full decoder refuses the
/// text, the fast path did not decode it.
pub fn fast_path_agrees(text: &str, filter: &FieldFilter) {
    let mut fast_unread = Vec::new();
    let fast = super::fast::decode(text, filter, Some(&mut fast_unread));
    let mut full_unread = Vec::new();
    let full = decode_full(text, filter, Some(&mut full_unread));
    match (fast, full) {
        (Some(a), Ok(b)) => {
            assert_eq!(
                a, b,
                "the fast path and the full decoder differ on {text:?}"
            );
            assert_eq!(fast_unread, full_unread, "unread names differ on {text:?}");
        }
        (Some(a), Err(e)) => {
            panic!("the fast path decoded {text:?} as {a} where the full decoder says {e}")
        }
        (None, _) => assert!(
            fast_unread.is_empty(),
            "a refused record leaves unread as it was"
        ),
    }
    // into slots, once fresh and once reusing the buffers, as into a map
    if !filter.keeps_all() {
        let mut slots = super::Slots::new(filter, &[]);
        for _ in 0..2 {
            let mut unread = Vec::new();
            let got = super::slots::decode(text, filter, &mut slots, Some(&mut unread));
            let mut map_unread = Vec::new();
            let want = decode(text, filter, Some(&mut map_unread));
            match (got, want) {
                (Ok(super::Shape::Slots), Ok(v)) => assert_eq!(slots.rec(0).to_json(), v),
                (Ok(super::Shape::Other(a)), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                (a, b) => panic!("slots {a:?} and a map {b:?} differ on {text:?}"),
            }
            assert_eq!(unread, map_unread, "unread names differ on {text:?}");
        }
    }
}

/// [`decode`] of a sparse filter without its fast path: serde_json's
/// parser drives, which gives the exact error.
pub(super) fn decode_full(
    text: &str,
    filter: &FieldFilter,
    unread: Option<&mut Vec<String>>,
) -> Result<Json, serde_json::Error> {
    let mut unread = unread;
    let before = unread.as_ref().map_or(0, |u| u.len());
    match sparse(text, filter, unread.as_deref_mut(), true) {
        Err(e) if e.to_string().starts_with(MAYBE_TWICE) => {
            // two keys of one object hash alike: decode it all, which
            // compares the keys themselves, then again without the hashes
            let mut de = serde_json::Deserializer::from_str(text);
            Strict.deserialize(&mut de)?;
            if let Some(u) = unread.as_deref_mut() {
                u.truncate(before);
            }
            sparse(text, filter, unread, false)
        }
        r => r,
    }
}

/// Decodes the fields `filter` wants; `hashed` finds keys given twice by
/// their hashes (else they go unchecked: the caller checked them).
fn sparse(
    text: &str,
    filter: &FieldFilter,
    unread: Option<&mut Vec<String>>,
    hashed: bool,
) -> Result<Json, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Sparse {
        filter,
        unread,
        hashed,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

struct Sparse<'f, 'u> {
    filter: &'f FieldFilter,
    unread: Option<&'u mut Vec<String>>,
    hashed: bool,
}

impl<'de> DeserializeSeed<'de> for Sparse<'_, '_> {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sparse<'_, '_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a creator record")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::new();
        // the skipped keys, for one given twice (the kept ones are in `out`)
        let mut skipped = KeyHashes::new(self.hashed);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if self.filter.wants(key.as_str()) {
                let v = map.next_value_seed(Strict)?;
                if out.insert(key.into_string(), v).is_some() {
                    // given twice: the exact check names it
                    return Err(A::Error::custom(MAYBE_TWICE));
                }
            } else {
                map.next_value_seed(Skip(self.hashed))?;
                if !skipped.insert(key.as_str()) {
                    return Err(A::Error::custom(MAYBE_TWICE));
                }
                if let Some(unread) = self.unread.as_deref_mut() {
                    unread.push(key.into_string());
                }
            }
        }
        Ok(Json::Object(out))
    }

    // A record that is not an object is an error whatever it holds: keep
    // its kind for the message, not its contents.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        while seq.next_element_seed(Skip(self.hashed))?.is_some() {}
        Ok(Json::Array(Vec::new()))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_str<E>(self, _: &str) -> Result<Json, E> {
        Ok(Json::String(String::new()))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
}

/// Skips a value without building it, but parses it as fully as decoding
/// would (numbers converted, nesting counted, keys given twice found by
/// their hashes when `.0`), so that a record damaged in a field no rule
/// reads is damaged all the same: the verdict never depends on which
/// fields were decoded.
struct Skip(bool);

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip(self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = KeyHashes::new(self.0);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            map.next_value_seed(Skip(self.0))?;
            if !keys.insert(key.as_str()) {
                return Err(A::Error::custom(MAYBE_TWICE));
            }
        }
        Ok(())
    }
}

/// The message of two keys in one object with the same hash, maybe the
/// same key: [`decode`] then compares the keys themselves.
const MAYBE_TWICE: &str = "\u{0}two keys hash alike";

/// The keys of one object as 64-bit hashes, to find a key given twice
/// without keeping the keys (or allocating, for up to 24 of them): the
/// skipped fields of every record pass here. Equal hashes send the record
/// to an exact check, so a collision costs time, never a wrong verdict.
pub(super) struct KeyHashes {
    on: bool,
    /// Open addressing, 0 for empty (every hash has its low bit set);
    /// small, as it is made for every object (the bigger, the more to zero).
    slots: [u64; 32],
    used: usize,
    /// Past 24 keys.
    more: Option<HashSet<u64>>,
}

impl KeyHashes {
    // built where it is used, not copied there
    #[inline(always)]
    pub(super) fn new(on: bool) -> Self {
        KeyHashes {
            on,
            slots: [0; 32],
            used: 0,
            more: None,
        }
    }

    /// False when a key with the same hash came before.
    #[inline]
    pub(super) fn insert(&mut self, key: &str) -> bool {
        if !self.on {
            return true;
        }
        let h = key_hash(key) | 1;
        if self.used >= 24 {
            return self.insert_more(h);
        }
        let mut i = (h >> 59) as usize;
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = h;
                    self.used += 1;
                    return true;
                }
                s if s == h => return false,
                _ => i = (i + 1) & 31,
            }
        }
    }

    /// Past 24 keys, a hash set: an object of a million keys stays linear.
    #[cold]
    fn insert_more(&mut self, h: u64) -> bool {
        let slots = &self.slots;
        let more = self
            .more
            .get_or_insert_with(|| slots.iter().copied().filter(|&s| s != 0).collect());
        more.insert(h)
    }
}

/// FxHash over 8 bytes at a time, with the length: a few instructions
/// for a short key, and every byte counts (keys that differ anywhere hash
/// apart, so a schema never sends every record to the exact check).
#[inline]
fn key_hash(key: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = key.len() as u64;
    let mut chunks = key.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// The start of the message of a key given twice; [`super::Damage`] finds it.
pub(crate) const KEY_TWICE: &str = "the key `";
/// Its end.
pub(crate) const KEY_TWICE_END: &str = "` appears twice in one object";

/// The error for a key given twice (a long key cut short).
fn twice<E: serde::de::Error>(key: &str) -> E {
    let shown: String = key.chars().take(60).collect();
    let cut = if shown.len() < key.len() { "…" } else { "" };
    E::custom(format!("{KEY_TWICE}{shown}{cut}{KEY_TWICE_END}"))
}

/// A value decoded in full, as serde_json's own `Value` would be, except
/// that a key given twice in an object is an error.
pub(super) struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(Strict)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Json;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        // finite always: serde_json refuses a number past f64
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Strict)? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let v = map.next_value_seed(Strict)?;
            match out.entry(key) {
                Entry::Vacant(e) => {
                    e.insert(v);
                }
                Entry::Occupied(e) => return Err(twice(e.key())),
            }
        }
        Ok(Json::Object(out))
    }
}

/// A key borrowed from the input when it has no escapes (no allocation
/// for the keys that are skipped).
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
    fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_string(),
            Key::Owned(s) => s,
        }
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_string()))
    }
}

#[cfg(test)]
mod tests;
