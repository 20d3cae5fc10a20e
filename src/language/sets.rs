//! Lists of constants written in the rules (`["US", "CA", "GB"]`), with
//! their elements' equality keys hashed once, when the program is compiled:
//! `x in [...]` and `overlap(x, [...])` then look an element up instead of
//! scanning the list, or hashing it into a new set, for every record.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use super::value::{EqualityKey, Value};

/// The keys of a constant list, hashed with [`FxHasher`]: the rules fix
/// them, so data cannot choose colliding keys, and SipHash's defence
/// against that cost more per record than the whole lookup otherwise.
pub type ConstKeys = HashSet<EqualityKey<'static>, BuildHasherDefault<FxHasher>>;

/// FxHash (as in rustc), eight bytes at a time: a few instructions for a
/// short key where SipHash takes a hundred or more.
#[derive(Clone, Copy, Default)]
pub struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // hashbrown takes its control bits from the top: mix the low ones up
        self.0 ^ (self.0 >> 29)
    }
}

/// A constant list and the equality keys of its elements.
#[derive(Debug)]
pub struct ConstList {
    items: Box<[Value<'static>]>,
    keys: ConstKeys,
    /// The first element that is missing (`missing` written in the list):
    /// what `x in [...]` gives when `x` is found nowhere else.
    first_missing: Option<usize>,
}

impl ConstList {
    /// Hashes the keys of `items`, which own all they hold.
    pub fn new(items: Vec<Value<'static>>) -> Self {
        let keys = items
            .iter()
            .filter_map(|v| v.clone().into_equality_key())
            .collect();
        let first_missing = items.iter().position(Value::is_missing);
        ConstList {
            items: items.into(),
            keys,
            first_missing,
        }
    }

    /// Its elements.
    pub fn items(&self) -> &[Value<'static>] {
        &self.items
    }

    /// The equality keys of its elements (none for a missing one).
    pub fn keys(&self) -> &ConstKeys {
        &self.keys
    }

    /// `x in` this list when `x` is a number, a string, a boolean or a
    /// date, as scanning it with [`Value::equals`] would give: true when
    /// an element equals it; else the first missing element, if any (it
    /// might have matched); else false. `None` for other values (a list, an
    /// object, missing), which the caller compares element by element.
    pub fn find_scalar(&self, x: &Value<'_>) -> Option<Result<bool, &Value<'static>>> {
        if !matches!(
            x,
            Value::Number(_) | Value::Str(_) | Value::Bool(_) | Value::Date(_)
        ) {
            return None;
        }
        let found = x
            .clone()
            .into_equality_key()
            .is_some_and(|k| self.keys().contains(&k));
        Some(match (found, self.first_missing) {
            (false, Some(i)) => Err(&self.items[i]),
            _ => Ok(found),
        })
    }
}

/// How many distinct elements of `a` equal some element of a list whose
/// keys are `in_b`: the keys `a` shares with it, each counted once.
pub fn count_common<'a, S: BuildHasher>(
    a: impl Iterator<Item = Value<'a>>,
    in_b: &HashSet<EqualityKey<'a>, S>,
) -> usize {
    let shared = a
        .filter_map(Value::into_equality_key)
        .filter(|k| in_b.contains(k));
    // the shared keys are among `in_b`'s: a short list to search when it is
    // short, with no set to build
    if in_b.len() <= 16 {
        // at most 16 distinct: kept on the stack, nothing allocated
        let mut seen: [Option<EqualityKey<'a>>; 16] = Default::default();
        let mut n = 0;
        for k in shared {
            if !seen[..n].iter().any(|s| s.as_ref() == Some(&k)) {
                seen[n] = Some(k);
                n += 1;
            }
        }
        n
    } else {
        shared.collect::<HashSet<_>>().len()
    }
}
