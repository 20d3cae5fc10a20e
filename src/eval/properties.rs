//! Property tests of the evaluator against the definitions it must keep:
//! `overlap` counts what comparing every pair with the value module's
//! equality counts (docs/language.md, "Functions"). Run more cases with
//! `PROPTEST_CASES=5000 cargo test --release --lib properties`.

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value as Json;

use super::value::{Missing, Value};
use crate::Ruleset;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// A JSON number, as a record holds it.
fn number(f: f64) -> Json {
    serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
}

/// Small values with many equal pairs: numbers that are equal as numbers
/// (`1`, `1.0`, `-0`, `0`), repeated strings, lists and objects holding them.
fn overlap_element() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        select(vec![0.0, -0.0, 1.0, 2.5]).prop_map(number),
        (0u64..3).prop_map(Json::from),
        select(vec!["a", "b", "é", ""]).prop_map(|s| Json::String(s.into())),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Json::Array),
            prop::collection::vec((select(vec!["k", "l"]), inner), 0..3).prop_map(|kv| {
                Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

/// `overlap` as defined: the distinct elements of `a` (by `==`) equal to
/// some element of `b`, by comparing every pair.
fn overlap_by_pairs(a: &[Json], b: &[Json]) -> usize {
    let value = |j| Value::from_json(j, Missing::InList(Default::default()));
    let mut seen: Vec<Value> = Vec::new();
    for x in a.iter().map(value) {
        if x.is_missing() || seen.iter().any(|s| s.equals(&x) == Some(true)) {
            continue;
        }
        if b.iter().map(value).any(|y| x.equals(&y) == Some(true)) {
            seen.push(x);
        }
    }
    seen.len()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn overlap_counts_as_comparing_every_pair(
        a in prop::collection::vec(overlap_element(), 0..12),
        b in prop::collection::vec(overlap_element(), 0..12),
    ) {
        static RULES: OnceLock<Ruleset> = OnceLock::new();
        let rules = RULES.get_or_init(|| {
            Ruleset::compile("o.rules", "signal n = overlap(a, b)").expect("valid")
        });
        let v = rules.evaluate(&serde_json::json!({"a": a, "b": b}));
        let n = v.signals.0[0].raw.expect("a count");
        prop_assert_eq!(n, overlap_by_pairs(&a, &b) as f64);
    }
}
