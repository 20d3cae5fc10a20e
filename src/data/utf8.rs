//! UTF-8 checks of record text. Nearly all text is valid, so it is checked
//! with SIMD first (`simdutf8`, several times faster than std's check on
//! ASCII-heavy records); only text that fails is checked again with std, for
//! the byte the damage message names.

use std::str::Utf8Error;

/// `bytes` as text, or std's error saying where it stops being UTF-8.
#[inline]
pub(super) fn str_of(bytes: &[u8]) -> Result<&str, Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

#[cfg(test)]
mod tests {
    use super::str_of;

    #[test]
    fn valid_text_is_borrowed_and_bad_text_says_where() {
        assert_eq!(
            str_of("Ayşe · 지민 📍".as_bytes()).unwrap(),
            "Ayşe · 지민 📍"
        );
        let mut bad = b"{\"name\":\"ok".to_vec();
        bad.extend_from_slice(&[0xff, b'"']);
        assert_eq!(str_of(&bad).unwrap_err().valid_up_to(), 11);
        // a cut multi-byte character, longer than a SIMD block
        let mut long = "é".repeat(40).into_bytes();
        long.pop();
        assert_eq!(str_of(&long).unwrap_err().valid_up_to(), 78);
    }
}
