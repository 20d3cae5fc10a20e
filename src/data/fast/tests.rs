//! The fast path never accepts what the full decoder refuses and never
//! gives another value: checked on hand-picked hostile records and on
//! every one-byte change of a plain record.

use super::decode;
use crate::data::slots::{self, Shape, Slots};
use crate::data::sparse::{self, FieldFilter};

const RECORD: &str = r#"{"handle": "a\"b\\c", "followers": 1200, "bio": "x\ty \u00e9 [{", "tags": ["a", {"k": [1, -0.5e-3, true, null]}], "rate": 0.035, "n": -12, "nested": {"a": {"b": []}}, "e": 1E+2, "plain": "just text", "big": 123456789012345678901, "zero": 0, "t": true, "f": false, "z": null, "niches": [ "skin care" ,"beauty","é" ], "none": []}"#;

fn filters() -> Vec<FieldFilter> {
    vec![
        FieldFilter::only([
            "followers",
            "tags",
            "rate",
            "plain",
            "big",
            "zero",
            "t",
            "f",
            "z",
            "n",
            "niches",
            "none",
        ]),
        FieldFilter::only(["handle", "bio", "nested", "e"]).with_id_keys(),
        FieldFilter::only(["nothing"]),
    ]
}

/// The fast path gives the full decoder's value and unread names, or
/// leaves the record to it (unread untouched); it is never the only one
/// to accept a record.
fn agrees(text: &str) -> bool {
    let mut any = false;
    for filter in filters() {
        slots_agree(text, &filter);
        let mut fast_unread = vec!["before".to_string()];
        let fast = decode(text, &filter, Some(&mut fast_unread));
        let Some(fast) = fast else {
            assert_eq!(fast_unread, ["before"], "unread left as it was: {text}");
            continue;
        };
        any = true;
        // the full decoder alone (the filter's own path minus the fast one)
        let mut slow_unread = vec!["before".to_string()];
        let slow = full(text, &filter, &mut slow_unread);
        match slow {
            Ok(v) => {
                assert_eq!(fast, v, "{text}");
                assert_eq!(fast_unread, slow_unread, "{text}");
            }
            Err(e) => panic!("the fast path accepted what the full decoder refuses ({e}): {text}"),
        }
    }
    any
}

fn full(
    text: &str,
    filter: &FieldFilter,
    unread: &mut Vec<String>,
) -> Result<serde_json::Value, serde_json::Error> {
    sparse::decode_full(text, filter, Some(unread))
}

/// Decoding into slots (after `RECORD`, whose buffers are then reused)
/// gives the same fields, unread names and errors as decoding into a map.
fn slots_agree(text: &str, filter: &FieldFilter) {
    let paths: Vec<Vec<String>> = Vec::new();
    let mut slots = Slots::new(filter, &[&paths]);
    slots::decode(RECORD, filter, &mut slots, None).expect("RECORD is valid");
    let mut unread = vec!["before".to_string()];
    let in_slots = slots::decode(text, filter, &mut slots, Some(&mut unread));
    let mut map_unread = vec!["before".to_string()];
    let in_map = sparse::decode(text, filter, Some(&mut map_unread));
    match (in_slots, in_map) {
        (Ok(Shape::Slots), Ok(v)) => assert_eq!(slots.rec(0).to_json(), v, "{text}"),
        (Ok(Shape::Other(a)), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
        (a, b) => panic!("slots {a:?} and a map {b:?} differ on {text}"),
    }
    assert_eq!(unread, map_unread, "{text}");
}

#[test]
fn a_plain_record_takes_the_fast_path_with_the_same_values() {
    assert!(agrees(RECORD));
    assert!(agrees("{}"));
    assert!(agrees(" \r\n{ \"followers\" : 5 }\n"));
}

#[test]
fn hostile_records_are_left_to_the_full_decoder() {
    let hostile = [
        r#"{"followers": 1, "followers": 2}"#,
        r#"{"x": {"a": 1, "a": 2}}"#,
        r#"{"x": 1e400}"#,
        r#"{"x": -1e400}"#,
        &format!(r#"{{"x": {}}}"#, "9".repeat(400)),
        r#"{"x": 01}"#,
        r#"{"x": 1.}"#,
        r#"{"x": .5}"#,
        r#"{"x": -}"#,
        r#"{"x": 1e}"#,
        r#"{"x": "a	b"}"#,
        r#"{"x": "\ud800"}"#,
        r#"{"x": "\ud83d\ude00"}"#,
        r#"{"x": "\u+041"}"#,
        r#"{"x": "\q"}"#,
        r#"{"x": tru}"#,
        r#"{"x": nulls}"#,
        r#"{"x": [1, ]}"#,
        r#"{"niches": ["a", ]}"#,
        r#"{"niches": ["a" "b"]}"#,
        r#"{"niches": ["a", 1]}"#,
        r#"{"niches": [1, "a"]}"#,
        r#"{"niches": ["a\"b", "c"]}"#,
        r#"{"niches": ["a", ["b"]]}"#,
        r#"{"niches": ["a"]]}"#,
        r#"{"x": 1,}"#,
        r#"{"x": 1} 2"#,
        r#"{"x": 1"#,
        r#"{"x" 1}"#,
        r#"{"a\u0062": 1}"#,
        r#"[1, 2]"#,
        r#"42"#,
        &format!("{{\"x\": {}1{}}}", "[".repeat(130), "]".repeat(130)),
        &format!("{{\"x\": {}1{}}}", "[".repeat(99), "]".repeat(99)),
    ];
    for text in hostile {
        agrees(text);
    }
}

#[test]
fn every_one_byte_change_of_a_record_agrees() {
    let bytes = RECORD.as_bytes();
    let swaps = b" \"\\{}[],:0-.eE+tnu\t\x01x";
    for i in 0..bytes.len() {
        let mut cut = bytes.to_vec();
        cut.remove(i);
        if let Ok(text) = std::str::from_utf8(&cut) {
            agrees(text);
        }
        for &b in swaps {
            let mut changed = bytes.to_vec();
            changed[i] = b;
            if let Ok(text) = std::str::from_utf8(&changed) {
                agrees(text);
            }
        }
    }
}

#[test]
fn numbers_of_any_length_at_any_place_agree() {
    let digits = "1234567890123456789012345";
    for n in 1..=digits.len() {
        for pad in 0..8 {
            let int = &digits[..n];
            let spaces = " ".repeat(pad);
            for number in [
                int.to_string(),
                format!("-{int}"),
                format!("0.{int}"),
                format!("{int}.5e1{spaces}"),
                format!("{int}e-{}", n % 3),
            ] {
                let text = format!(
                    r#"{{"bio":"{spaces}","followers":{number},"rate":{number}, "n": [{number}]}}"#
                );
                assert!(agrees(&text), "{text}");
            }
        }
    }
}

#[test]
fn lists_of_plain_text_are_made_without_serde_json() {
    let list = super::values::plain_strings(r#"[ "skin care" ,"beauty","é" ]"#);
    assert_eq!(list, Some(serde_json::json!(["skin care", "beauty", "é"])));
    assert_eq!(
        super::values::plain_strings("[ ]"),
        Some(serde_json::json!([]))
    );
    for other in [r#"["a\"b"]"#, r#"["a", 1]"#, "[1]", r#"[["a"]]"#] {
        assert_eq!(super::values::plain_strings(other), None, "{other}");
    }
}

/// Record after record into the same slots, the keys of those before
/// tried first (in another order, some left out, some new, some given
/// twice): each gives what the full decoder gives for it alone.
mod key_shapes {
    use super::*;
    use proptest::prelude::*;

    const KEYS: [&str; 10] = [
        "handle",
        "followers",
        "bio",
        "rate",
        "Name",
        "tags",
        "x",
        "followers_",
        "niches",
        "a b",
    ];
    const VALUES: [&str; 18] = [
        r#"{"a": 2}"#,
        r#"{"o": {"p": [1, 2.5, "q"]}, "e": {}, "a": 1}"#,
        r#"[1, "a", null, {"b": -0}]"#,
        r#"{"a": "x", "b": [true, null]}"#,
        "1",
        "-12",
        "0.0263",
        "-0",
        "1e2",
        r#""plain""#,
        r#""esc\"aped""#,
        r#"["skincare", "beauty"]"#,
        "[]",
        r#"{"a": 1, "b": [true, null]}"#,
        r#"{"a": 1, "a": 2}"#,
        r#"{"k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9, "k1": 0}"#,
        r#"{"k1": 1, "k2": 2, "k3": 3, "k4": 4, "k5": 5, "k6": 6, "k7": 7, "k8": 8, "k9": 9}"#,
        "false",
    ];

    fn record() -> impl Strategy<Value = String> {
        prop::collection::vec((0..KEYS.len(), 0..VALUES.len()), 0..12).prop_map(|fields| {
            let body: Vec<String> = fields
                .iter()
                .map(|&(k, v)| format!("\"{}\": {}", KEYS[k], VALUES[v]))
                .collect();
            format!("{{{}}}", body.join(", "))
        })
    }

    /// A file's records: mostly one order, now and then another.
    fn records() -> impl Strategy<Value = Vec<String>> {
        let usual = prop::collection::vec(0..KEYS.len(), 0..KEYS.len());
        (usual, prop::collection::vec((record(), any::<u8>()), 1..12)).prop_map(|(order, rs)| {
            rs.into_iter()
                .map(|(odd, pick)| {
                    if pick % 3 == 0 {
                        return odd;
                    }
                    // the usual keys, some left out
                    let body: Vec<String> = order
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| (usize::from(pick) >> (i % 8)) & 1 == 1)
                        .map(|(i, &k)| format!("\"{}\": {}", KEYS[k], VALUES[i % VALUES.len()]))
                        .collect();
                    format!("{{{}}}", body.join(","))
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn records_in_turn_decode_as_each_alone(texts in records()) {
            for filter in [
                FieldFilter::only(["followers", "bio", "tags", "x"]).with_id_keys(),
                FieldFilter::only(["rate", "niches", "engagement_rate", "authenticity_score"]),
            ] {
                let mut slots = Slots::new(&filter, &[]);
                for text in &texts {
                    let mut unread = Vec::new();
                    let got = slots::decode(text, &filter, &mut slots, Some(&mut unread));
                    let mut want_unread = Vec::new();
                    let want = full(text, &filter, &mut want_unread);
                    match (got, want) {
                        (Ok(Shape::Slots), Ok(v)) => {
                            prop_assert_eq!(slots.rec(0).to_json(), v, "{}", text);
                            prop_assert_eq!(&unread, &want_unread, "{}", text);
                        }
                        (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                        (a, b) => panic!("{a:?} against {b:?} on {text}"),
                    }
                }
            }
        }
    }
}
