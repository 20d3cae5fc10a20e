//! The hand-written ndjson line against serde_json's, byte for byte.

use serde_json::{json, Value as Json};

use super::*;
use crate::Ruleset;

fn by_hand(s: &str) -> String {
    let mut out = Vec::new();
    write_str(&mut out, s);
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn text_is_escaped_as_serde_json_escapes_it() {
    // every ASCII byte, alone and at each place in and around a word
    for b in 0u8..0x80 {
        let c = char::from(b);
        for at in 0..40 {
            let s = format!("{}{c}{}", "a".repeat(at), "b".repeat(at % 7));
            assert_eq!(
                by_hand(&s),
                serde_json::to_string(&s).expect("text"),
                "{s:?}"
            );
        }
    }
    let texts = [
        "",
        "plain text longer than eight bytes",
        "country is \"PH\", needs one of \"US\", \"CA\", \"GB\"",
        "지민 伟 — ½ \u{2028} \u{7f} \u{1b}[31m",
        "\\\\\"\"\n\r\t\u{8}\u{c}\u{0}\u{1f}",
        "emoji 📍 at the end of a long line of text 📍",
    ];
    for s in texts {
        assert_eq!(by_hand(s), serde_json::to_string(s).expect("text"), "{s:?}");
    }
}

#[test]
fn mixed_text_is_escaped_as_serde_json_escapes_it() {
    // escapes close together, across and inside words: a fixed sequence
    let alphabet = [
        'a', '"', '\\', '\n', '\u{1}', 'é', '📍', ' ', '~', '\u{1f}', 'z',
    ];
    let mut seed: u64 = 1;
    for _ in 0..2000 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let len = (seed >> 59) as usize * 2;
        let s: String = (0..len)
            .map(|k| alphabet[((seed >> (k % 50)) as usize + k) % alphabet.len()])
            .collect();
        assert_eq!(
            by_hand(&s),
            serde_json::to_string(&s).expect("text"),
            "{s:?}"
        );
    }
}

/// Rules whose requirements fail in every way a reason names.
const RULES: &str = r#"
let big = followers >= 1000
require size: followers between 1000 and 10000
require grown: big and posts > 3
require ok_rate: engagement_rate >= 0.03
require niche: "skincare" in niches or "beauty" in niches
require market: country in ["US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "AT", "CH", "SE"]
require not_banned: country not in ["RU"]
require bio: bio contains "skin"
require handle_shape: handle matches "^[a-z]+$"
require no_skincare: not ("skincare" in niches)
require said: followers > 5 else "too few followers"
require rate_known: audience.female_share > 0.5 when missing review
require truthy: is_customer
require no_beauty: "beauty" not in niches
signal engagement weight 5 = engagement_rate / 10%
signal reach = followers / 100000
tier top when score >= 0.5
rank by score desc
"#;

fn records() -> Vec<Json> {
    vec![
        json!({"handle": "ab", "followers": 5000, "posts": 9, "engagement_rate": 0.05,
               "niches": ["skincare"], "country": "US", "bio": "skin", "is_customer": true,
               "audience": {"female_share": 0.7}}),
        json!({"handle": "Bad \"one\"\n", "followers": 95170, "posts": 1,
               "engagement_rate": 0.0263, "niches": ["fashion", "hair\tcare", "beauty"], "country": "RU",
               "bio": "지민 伟 📍", "is_customer": false}),
        json!({"handle": "x", "followers": "many", "niches": "skincare"}),
        json!({"handle": "y", "followers": 3, "engagement_rate": 1e300, "niches": [],
               "country": "SK", "audience": {"female_share": null}, "is_customer": "yes"}),
        json!({"followers": 6812345678901234567u64, "niches": [1, 2.5, null, {"a": 1}],
               "country": ["US"], "bio": 7}),
        json!(42),
    ]
}

#[test]
fn a_row_is_written_as_serde_writes_it() {
    let rules = Ruleset::compile("t.rules", RULES).expect("valid rules");
    let columns = Column::parse_list("followers,audience,niches,nothing").expect("columns");
    let mut kinds = std::collections::BTreeSet::new();
    for (i, r) in records().iter().enumerate() {
        let v = rules.evaluate_at(r, i, None);
        let values = vec![
            r.get("followers").cloned().unwrap_or(Json::Null),
            r.get("audience").cloned().unwrap_or(Json::Null),
            r.get("niches").cloned().unwrap_or(Json::Null),
        ];
        for cols in [&columns[..], &[]] {
            let mut row = Row::new(&v, if cols.is_empty() { &[] } else { &values });
            for rank in [None, Some(7)] {
                row.rank = rank;
                let serde = serde_json::to_vec(&row.json(cols)).expect("JSON");
                let text = String::from_utf8_lossy(&serde).into_owned();
                for part in text.split("\"kind\":\"").skip(1) {
                    kinds.insert(part.split('"').next().unwrap_or_default().to_string());
                }
                let mut hand = Vec::new();
                write_row(&mut hand, &row, cols).expect("in memory");
                assert_eq!(
                    String::from_utf8(hand).expect("UTF-8"),
                    String::from_utf8(serde).expect("UTF-8"),
                    "record {i}"
                );
            }
        }
    }
    // every kind written by hand, and some by serde
    let expected = [
        "between",
        "compare",
        "does_not_contain",
        "does_not_match",
        "excluded",
        "false",
        "holds",
        "lacks",
        "let_false",
        "message",
        "missing",
        "negation_holds",
        "neither",
        "not_one_of",
    ];
    for kind in expected {
        assert!(kinds.contains(kind), "no `{kind}` in {kinds:?}");
    }
}
