//! Which fields name a creator: tried in order for its id, and kept by
//! the reader's field filter.

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
