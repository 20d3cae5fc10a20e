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
    key.len() >= name.len() && id_key_is(key, name)
}
