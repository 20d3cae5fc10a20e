//! Lists of constants written in the rules (`["US", "CA", "GB"]`), with
//! their elements' equality keys hashed once, when the program is compiled:
//! `x in [...]` and `overlap(x, [...])` then look an element up instead of
//! scanning the list, or hashing it into a new set, for every record.

use std::collections::HashSet;

use super::value::{EqualityKey, Value};

/// A constant list and the equality keys of its elements.
#[derive(Debug)]
pub struct ConstList {
    items: Box<[Value<'static>]>,
    keys: HashSet<EqualityKey<'static>>,
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
    pub fn keys<'a>(&self) -> &HashSet<EqualityKey<'a>> {
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
pub fn count_common<'a>(
    a: impl Iterator<Item = Value<'a>>,
    in_b: &HashSet<EqualityKey<'a>>,
) -> usize {
    let shared = a
        .filter_map(Value::into_equality_key)
        .filter(|k| in_b.contains(k));
    // the shared keys are among `in_b`'s: a short list to search when it is
    // short, with no set to build
    if in_b.len() <= 16 {
        let mut seen: Vec<EqualityKey<'a>> = Vec::new();
        for k in shared {
            if !seen.contains(&k) {
                seen.push(k);
            }
        }
        seen.len()
    } else {
        shared.collect::<HashSet<_>>().len()
    }
}
