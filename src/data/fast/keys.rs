//! Finding a record's keys cheaply on the fast path. Records of one file
//! mostly give their keys in the same order, some now and then left out,
//! so the top-level keys met so far are kept in that order ([`KeyShape`])
//! and each key of a record is looked for after the last one found: the
//! key expected next is matched by one comparison, with its place known
//! and no check for a key given twice needed, since keys found in the
//! shape's order are distinct. A nested object's few keys are compared
//! with each other directly ([`FewKeys`]); the 64-bit hashes of
//! [`KeyHashes`] take over past a handful of keys, and for the rest of a
//! record whose keys come in another order.

use crate::data::sparse::{FieldFilter, KeyHashes, Place};

/// How many keys a shape holds at most (a bit of a `u64` for each).
const MAX_SHAPE: usize = 64;

/// The top-level keys of the records decoded before, in their order, with
/// the place of each: distinct, and each a string without an escape (so
/// its text as written is the key).
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyShape {
    keys: Vec<(Box<str>, Place)>,
    /// Each key's first 16 bytes and its closing quote as two words, and
    /// the masks of the bytes they hold.
    words: Vec<Words>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Words {
    text: [u64; 2],
    mask: [u64; 2],
}

impl Words {
    fn of(key: &str) -> Self {
        let mut bytes = [0u8; 16];
        let mut mask = [0u8; 16];
        for (i, &c) in key.as_bytes().iter().chain(b"\"").take(16).enumerate() {
            bytes[i] = c;
            mask[i] = 0xff;
        }
        let word = |b: &[u8; 16], i: usize| {
            u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
        };
        Words {
            text: [word(&bytes, 0), word(&bytes, 1)],
            mask: [word(&mask, 0), word(&mask, 1)],
        }
    }
}

impl KeyShape {
    /// The length of key `j` when `text` begins with it and its closing
    /// quote (the opening one before `text`), and its place.
    #[inline]
    pub(super) fn starts(&self, j: usize, text: &[u8]) -> Option<(usize, Place)> {
        let w = self.words.get(j)?;
        let (key, place) = &self.keys[j];
        let n = key.len();
        let same = match text.get(..16) {
            Some(t) if n < 16 => {
                let word =
                    |i: usize| u64::from_le_bytes(t[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
                (word(0) ^ w.text[0]) & w.mask[0] == 0 && (word(1) ^ w.text[1]) & w.mask[1] == 0
            }
            _ => text.get(..n) == Some(key.as_bytes()) && text.get(n) == Some(&b'"'),
        };
        same.then_some((n, *place))
    }

    /// Where `key` is at or after `from` (put there if it is nowhere, with
    /// its place in `filter`), and its place; `None` when it comes before
    /// `from` or the shape is full.
    pub(super) fn locate(
        &mut self,
        key: &str,
        from: usize,
        filter: &FieldFilter,
    ) -> Option<(usize, Place)> {
        let at = |(k, _): &(Box<str>, Place)| k.as_ref() == key;
        if let Some(j) = self.keys[from..].iter().position(at) {
            return Some((from + j, self.keys[from + j].1));
        }
        if self.keys.len() >= MAX_SHAPE || self.keys[..from].iter().any(at) {
            return None;
        }
        let place = filter.place(key);
        self.keys.insert(from, (key.into(), place));
        self.words.insert(from, Words::of(key));
        Some((from, place))
    }

    /// Hashes of the keys `seen` (a bit for each), to check the rest of a
    /// record against.
    pub(super) fn hashes(&self, seen: u64) -> KeyHashes {
        let mut keys = KeyHashes::new(true);
        for (j, (k, _)) in self.keys.iter().enumerate() {
            if seen & (1 << j) != 0 {
                // distinct keys: only a hash collision says no, and a
                // later key with that hash is refused all the same (the
                // record then goes to the full decoder)
                keys.insert(k);
            }
        }
        keys
    }
}

/// How many keys of a nested object are compared with each other before
/// they are hashed instead.
const FEW: usize = 8;

/// The keys of one nested object, to find one given twice.
pub(super) struct FewKeys<'t> {
    few: [&'t str; FEW],
    n: usize,
    many: Option<KeyHashes>,
}

impl<'t> FewKeys<'t> {
    #[inline]
    pub(super) fn new() -> Self {
        FewKeys {
            few: [""; FEW],
            n: 0,
            many: None,
        }
    }

    /// False when `key` (or, past a handful of keys, one with the same
    /// hash) came before.
    #[inline]
    pub(super) fn insert(&mut self, key: &'t str) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(key);
        }
        if self.few[..self.n].contains(&key) {
            return false;
        }
        if self.n < FEW {
            self.few[self.n] = key;
            self.n += 1;
            return true;
        }
        self.hash_them(key)
    }

    #[cold]
    fn hash_them(&mut self, key: &str) -> bool {
        let mut many = KeyHashes::new(true);
        let fresh = self.few.iter().all(|k| many.insert(k)) && many.insert(key);
        self.many = Some(many);
        fresh
    }
}
