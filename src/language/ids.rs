//! Which fields name a creator: tried in order for its id, and kept by
//! the reader's field filter.

use serde_json::Value as Json;

use super::human::fmt_number;

/// The fields tried, in order, for a creator's id; a key matches one
/// with case, spaces and underscores ignored (`Handle`, `User Name`).
pub const ID_FIELDS: [&str; 5] = ["handle", "id", "username", "name", "profile.username"];

/// True when `key`, with case, spaces and underscores ignored, is `name`
/// (lower case). Allocates nothing: it runs on keys of every record.
pub fn id_key_is(key: &str, name: &str) -> bool {
    let mut want = name.bytes();
    for b in key.bytes() {
        if b == b' ' || b == b'_' {
            continue;
        }
        if want.next() != Some(b.to_ascii_lowercase()) {
            return false;
        }
    }
    want.next().is_none()
}

/// The top-level keys of [`ID_FIELDS`], the field filter's to keep.
pub const ID_KEYS: [&str; 5] = ["handle", "id", "username", "name", "profile"];

/// True when `key` may name an id: matches one of [`ID_KEYS`] loosely.
/// Runs on every key of every record that the rules do not read.
pub fn is_id_key(key: &str) -> bool {
    // the first letter picks the one name it may be (most keys: none)
    let name = match key.as_bytes().first().map(u8::to_ascii_lowercase) {
        Some(b'h') => "handle",
        Some(b'i') => "id",
        Some(b'u') => "username",
        Some(b'n') => "name",
        Some(b'p') => "profile",
        Some(b' ' | b'_') => return ID_KEYS.iter().any(|f| id_key_is(key, f)),
        _ => return false,
    };
    id_key_may_be(key, name)
}

/// [`id_key_is`] for a key that begins like `name`, with most keys
/// answered from their length and last byte alone: a key of the same
/// length has no spaces or underscores to skip, and a longer one must end
/// in the name's last letter or in a space or underscore.
#[inline]
fn id_key_may_be(key: &str, name: &str) -> bool {
    let (k, n) = (key.as_bytes(), name.as_bytes());
    if k.len() == n.len() {
        return k.eq_ignore_ascii_case(n);
    }
    match k.last().map(u8::to_ascii_lowercase) {
        Some(b' ' | b'_') => {}
        last if k.len() > n.len() && last == n.last().copied() => {}
        _ => return false,
    }
    id_key_is(key, name)
}

/// A creator's id as text, from the value of an id field: a non-empty
/// text; an integer as written, never through a float (ids past 2^53
/// would collapse); another number as the language prints it; a boolean.
/// None for the rest (empty text, null, lists, objects).
pub fn id_text(j: &Json) -> Option<String> {
    match j {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Json::Number(n) => Some(n.as_f64().map_or_else(|| n.to_string(), fmt_number)),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The creator's id, the one rule every reader of ids follows (the
/// verdicts, `load`'s `_id` column): `id_field` (a dotted path), else the
/// first of [`ID_FIELDS`] present with an [`id_text`], else `#N` (1-based
/// position). With it, the index in [`ID_FIELDS`] of the field it came
/// from (`None` for `id_field` or `#N`).
///
/// `top(key, loose)` is the record's member `key`, matched exactly, or,
/// when `loose` and the exact key is absent, with case, spaces and
/// underscores ignored ([`id_key_is`]).
pub fn find_id<'j>(
    top: impl Fn(&str, bool) -> Option<&'j Json>,
    position: usize,
    id_field: Option<&str>,
) -> (String, Option<u8>) {
    let found = match id_field {
        Some(f) => at_path(&top, f, false).and_then(id_text).map(|t| (t, None)),
        None => ID_FIELDS.iter().enumerate().find_map(|(i, f)| {
            // the exact key first: the common case, and no scan of the keys
            let v = top(f, false).or_else(|| at_path(&top, f, true))?;
            id_text(v).map(|t| (t, Some(i as u8)))
        }),
    };
    found.unwrap_or_else(|| (format!("#{}", position + 1), None))
}

/// The value at `path` (dot-separated; a key holding a dot is tried whole
/// first), each key matched exactly, or loosely when `loose`.
fn at_path<'j>(
    top: &impl Fn(&str, bool) -> Option<&'j Json>,
    path: &str,
    loose: bool,
) -> Option<&'j Json> {
    if let Some(v) = top(path, loose) {
        return Some(v);
    }
    if !path.contains('.') {
        return None;
    }
    let mut steps = path.split('.');
    let first = top(steps.next()?, loose)?;
    steps.try_fold(first, |j, k| member(j, k, loose))
}

/// The member `k` of an object, its name matched exactly or, when
/// `loose` and the exact name is absent, with case, spaces and
/// underscores ignored.
pub fn member<'j>(j: &'j Json, k: &str, loose: bool) -> Option<&'j Json> {
    let m = j.as_object()?;
    m.get(k)
        .or_else(|| loose.then(|| m.iter().find(|(key, _)| id_key_is(key, k)).map(|(_, v)| v))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick tests by first letter, length and last byte answer as
    /// matching every id key loosely would.
    #[test]
    fn is_id_key_agrees_with_the_loose_match() {
        let keys = [
            "handle",
            "Handle",
            "HANDLE",
            "handle_",
            "_handle",
            "han dle",
            "han_dl",
            "handl",
            "handles",
            "hand",
            "id",
            "ID",
            "i_d",
            "Id ",
            "idx",
            "i",
            "is_customer",
            "username",
            "User Name",
            "user_name_",
            "usernam",
            "name",
            "Name",
            "n_a_m_e",
            "niches",
            "names",
            "profile",
            "Profile",
            "pro file",
            "platform",
            "posts",
            "posts_last_30d",
            "p",
            "_",
            " ",
            "",
            "__",
            "_id",
            "é",
            "hé",
            "followers",
            "nAmE",
        ];
        for key in keys {
            let loose = ID_KEYS.iter().any(|name| id_key_is(key, name));
            assert_eq!(is_id_key(key), loose, "{key:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn is_id_key_agrees_on_any_key(key in "[hHiIdDuUsSeErRnNaAmMpPoOfFlL _x]{0,10}") {
            let loose = ID_KEYS.iter().any(|name| id_key_is(&key, name));
            proptest::prop_assert_eq!(is_id_key(&key), loose);
        }
    }
}
