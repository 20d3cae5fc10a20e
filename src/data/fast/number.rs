//! Kept numbers read straight from their checked text, to the very value
//! serde_json gives (it is built without `float_roundtrip`): a whole
//! number is a `u64`, or an `i64` when negative; any other number is the
//! float serde_json's plain algorithm makes, the significand as an `f64`
//! multiplied or divided once by a power of ten. Only forms where that is
//! one step are read here (at most 18 digits, a power of ten up to 22,
//! each exact in an `f64`); anything else (`-0`, long or huge numbers) is
//! left to serde_json itself.

use serde_json::{Number, Value as Json};

/// Digits past which the significand may not fit where serde_json keeps it.
const MAX_DIGITS: usize = 18;

/// 1e0 to 1e22: serde_json's own table begins so, and each is exact.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The number whose checked JSON text is `v`, as serde_json reads it, or
/// `None` for serde_json to read it.
pub(super) fn number(v: &[u8]) -> Option<Json> {
    let (negative, b) = match v.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, v),
    };
    let mut significand: u64 = 0;
    let mut digits = 0;
    let mut i = 0;
    while let Some(&c @ b'0'..=b'9') = b.get(i) {
        significand = significand * 10 + u64::from(c - b'0');
        digits += 1;
        i += 1;
        if digits > MAX_DIGITS {
            return None;
        }
    }
    let mut exponent: i32 = 0;
    let mut float = false;
    if b.get(i) == Some(&b'.') {
        float = true;
        i += 1;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            significand = significand * 10 + u64::from(c - b'0');
            digits += 1;
            exponent -= 1;
            i += 1;
            if digits > MAX_DIGITS {
                return None;
            }
        }
    }
    if let Some(b'e' | b'E') = b.get(i) {
        float = true;
        let (e, end) = exponent_part(b, i + 1)?;
        exponent += e;
        i = end;
    }
    if i != b.len() || digits == 0 {
        return None;
    }
    if !float {
        return whole(negative, significand);
    }
    let pow = *POW10.get(exponent.unsigned_abs() as usize)?;
    let f = significand as f64;
    let f = if exponent >= 0 { f * pow } else { f / pow };
    Number::from_f64(if negative { -f } else { f }).map(Json::Number)
}

/// The exponent after `e` (its sign and at most two digits, as the
/// checked text may have) and where it ends.
fn exponent_part(b: &[u8], mut i: usize) -> Option<(i32, usize)> {
    let negative = match b.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut e: i32 = 0;
    let start = i;
    while let Some(&c @ b'0'..=b'9') = b.get(i) {
        e = e * 10 + i32::from(c - b'0');
        i += 1;
        if i - start > 2 {
            return None;
        }
    }
    if i == start {
        return None;
    }
    Some((if negative { -e } else { e }, i))
}

/// A whole number: a `u64`, or an `i64` when negative (`-0` is a float to
/// serde_json: left to it).
fn whole(negative: bool, significand: u64) -> Option<Json> {
    if !negative {
        return Some(Json::from(significand));
    }
    if significand == 0 {
        return None;
    }
    // at most 18 digits: within an i64
    Some(Json::from(-(significand as i64)))
}

#[cfg(test)]
mod tests {
    use super::number;
    use proptest::prelude::*;
    use serde_json::Value as Json;

    /// Both the value and its representation (u64, i64 or f64, and a
    /// float's bits) are serde_json's.
    fn same_as_serde(text: &str) {
        let Some(got) = number(text.as_bytes()) else {
            return;
        };
        let want: Json = serde_json::from_str(text).expect("a valid number");
        match (&got, &want) {
            (Json::Number(a), Json::Number(b)) => {
                assert_eq!(a.as_u64(), b.as_u64(), "{text}");
                assert_eq!(a.as_i64(), b.as_i64(), "{text}");
                assert_eq!(a.is_f64(), b.is_f64(), "{text}");
                let bits = |n: &serde_json::Number| n.as_f64().map(f64::to_bits);
                assert_eq!(bits(a), bits(b), "{text}");
            }
            _ => panic!("{text}: {got} against {want}"),
        }
    }

    #[test]
    fn plain_numbers_are_read_here_exactly() {
        for text in [
            "0",
            "7",
            "-7",
            "0.0263",
            "1e2",
            "1E+2",
            "-0.5e-3",
            "123456789012345678",
            "0.1",
            "0.3",
            "-0.0",
            "9.999999999999999",
            "1.7976931348623157",
            "4.9e-21",
            "12.5e22",
        ] {
            assert!(number(text.as_bytes()).is_some(), "{text}");
            same_as_serde(text);
        }
    }

    #[test]
    fn numbers_serde_json_must_read_are_left_to_it() {
        for text in [
            "-0",
            "1234567890123456789",
            "1e23",
            "1e-23",
            "0.0000000000000000001",
            "1e400",
        ] {
            assert_eq!(number(text.as_bytes()), None, "{text}");
        }
    }

    proptest! {
        #[test]
        fn any_number_is_serde_jsons(
            sign in "-?",
            int in "0|[1-9][0-9]{0,19}",
            frac in proptest::option::of("[0-9]{1,20}"),
            exp in proptest::option::of("[eE][+-]?[0-9]{1,2}"),
        ) {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            let text = format!("{sign}{int}{frac}{}", exp.unwrap_or_default());
            same_as_serde(&text);
        }

        #[test]
        fn any_float_bits_agree(f in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO) {
            for text in [format!("{f}"), format!("{f:e}"), format!("{f:.6}"), format!("{f:.3e}")] {
                same_as_serde(&text);
            }
        }
    }
}
