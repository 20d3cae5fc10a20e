//! The fast paths against the general evaluator: the same verdict,
//! reasons and all, for values of every kind, missing or not, and for
//! every step budget (so both count the same steps, and run out at the
//! same place).

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value as Json};

use crate::compile::Program;
use crate::data::slots::{self, Shape, Slots};
use crate::data::sparse::FieldFilter;
use crate::Ruleset;

/// A condition of each shape that has a fast path, and some that have
/// one only in part.
const RULES: &str = r#"
let half  = a ?? 0.5
let ratio = b / max(c, 1)
let t     = lower(trim(s))
let big   = a * 2 + b - c
let rep   = lower(replace(s, "Ab", "ΣΑ"))
let parts = split(s, "b")
require r1:  a between 1 and 10
require r2:  a >= 2.5
require r3:  b < a
require r4:  s == "x"
require r5:  s != "Ab"
require r6:  s in ["x", "Ab", "é", ""]
require r7:  a not in [1, 2, 0]
require r8:  "x" in l
require r9:  "x" not in l
require r10: any(l, v => v in ["x", 1])
require r11: all(l, v => v not in ["y"])
require r25: count(l, v => v in ["x", 2, missing]) >= 1 and count(l, v => v not in ["y"]) < 2
require r12: t contains "ab"
require r13: starts_with(s, "A") or ends_with(s, "b")
require r14: not (s matches "(?i)a.b")
require r15: len(trim(s)) >= 2 and len(l) < 3
require r16: half >= 0.25 when missing pass
require r17: ratio <= 0.5 when missing review
require r18: date(d) < date("2026-01-01")
require r19: a ?? 1 >= 0.55
require r20: big > 3 and not (a == 2)
require r21: n.k >= 1 else "n.k is small"
require r22: t == "ab" or len(t) > 3
require r23: a / b >= 1 or a - b <= -1
require r24: lower(s) contains "k"
require r26: len(lower(replace(trim(s), "b", "B"))) >= 2 and replace(s, "A", "xy") != "x"
require r27: max(a, 1) > min(b, c, 2) when missing pass
require r28: date(d) > date(a) or len(rep) > 2
require r29: "x" in parts or "a" not in parts
require r30: len(split(lower(s), "a")) >= 2 or count(split(s, "é;"), v => v in ["x", "", 1]) >= 1
require r31: any(split(trim(s), ";"), v => v in ["x", "ab"]) and "x" in split(a, ";")
signal s1 = half
signal s2 = ratio
signal s3 = overlap(parts, ["x", "a"])
"#;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The rules with their fast paths, and the same rules without.
fn programs() -> &'static (Program, Program) {
    static PROGRAMS: OnceLock<(Program, Program)> = OnceLock::new();
    PROGRAMS.get_or_init(|| {
        let rules = Ruleset::compile("fast.rules", RULES).expect("valid");
        let fast = rules.program().clone();
        assert!(fast.requirements.iter().all(|r| r.fast.is_some()));
        let mut general = fast.clone();
        general.requirements.iter_mut().for_each(|r| r.fast = None);
        general.lets.iter_mut().for_each(|l| l.fast = None);
        (fast, general)
    })
}

fn leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        select(vec![
            json!(0),
            json!(-0.0),
            json!(1),
            json!(2),
            json!(2.5),
            json!(3),
            json!(-7),
            json!(1e308),
            json!(-1e308),
            json!(u64::MAX),
            json!(0.25),
        ]),
        select(vec![
            "x",
            "Ab",
            "AB",
            "aXb",
            " Ab ",
            "é",
            "",
            "ǅ",
            "K",
            "İx",
            "y",
            "ab",
            "Kab",
            "2020-01-02",
            "2027-05-01T10:00:00Z",
            "1",
            "  ",
            "x;b ; ab;;",
            "xbab b",
            " é;x é;éé; ",
            "AbxAA;a",
        ])
        .prop_map(|s| Json::String(s.into())),
    ]
}

fn field() -> impl Strategy<Value = Option<Json>> {
    let value = leaf().prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((select(vec!["k", "j"]), inner), 0..2).prop_map(|kv| {
                Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    });
    // plain values mostly: those are what the fast paths decide on
    prop::option::weighted(0.9, prop_oneof![3 => leaf(), 1 => value])
}

fn record() -> impl Strategy<Value = Json> {
    let names = ["a", "b", "c", "s", "l", "d", "n"];
    prop::collection::vec(field(), names.len()).prop_map(move |values| {
        let mut m = Map::new();
        for (name, v) in names.iter().zip(values) {
            if let Some(v) = v {
                m.insert(name.to_string(), v);
            }
        }
        Json::Object(m)
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fast_paths_give_the_general_verdict(
        record in record(),
        budget in prop_oneof![Just(None), (0u64..120).prop_map(Some)],
        reasons in any::<bool>(),
    ) {
        let (fast, general) = programs();
        let (mut fast, mut general) = (fast.clone(), general.clone());
        if let Some(steps) = budget {
            fast.set_max_steps(steps);
            general.set_max_steps(steps);
        }
        let f = fast.evaluate_with(&record, 0, None, reasons);
        let g = general.evaluate_with(&record, 0, None, reasons);
        prop_assert_eq!(format!("{f:?}"), format!("{g:?}"));
        // and the fast paths reading the record's fields from slots
        let s = through_slots(&fast, &record, reasons);
        prop_assert_eq!(format!("{s:?}"), format!("{g:?}"));
    }
}

/// The verdict of `prog` on `record` decoded into slots, as a run reads
/// it: its fields read by slot (a number straight from its slot).
fn through_slots(prog: &Program, record: &Json, reasons: bool) -> crate::eval::Verdict {
    let filter = FieldFilter::only(["a", "b", "c", "s", "l", "d", "n"]);
    let mut slots = Slots::new(&filter, &[&prog.fields]);
    let text = record.to_string();
    let shape = slots::decode(&text, &filter, &mut slots, None).expect("valid JSON");
    assert!(matches!(shape, Shape::Slots));
    prog.evaluate_from(slots.rec(0), 0, None, None, reasons)
}

/// Records chosen by hand for the cases a fast path gives up on.
#[test]
fn fast_paths_give_the_general_verdict_at_the_edges() {
    let (fast, general) = programs();
    let records = [
        json!({}),
        json!({"a": 2, "b": 1, "c": 1, "s": "Ab", "l": ["x"], "d": "2020-01-01", "n": {"k": 2}}),
        json!({"a": "2", "b": [1], "c": {"k": 1}, "s": 5, "l": "x", "d": 7, "n": 5}),
        json!({"a": null, "b": 0, "c": 0, "s": null, "l": [null, "x"], "n": {"k": null}}),
        json!({"a": 1e308, "b": -1e308, "c": 1e-308, "s": "ΣΑΣ", "l": [[], {}], "n": []}),
        json!({"s": "x".repeat(5000), "l": vec!["y"; 300]}),
        json!({"s": "xb".repeat(3000), "a": "x;".repeat(500)}),
    ];
    for record in &records {
        for reasons in [false, true] {
            let f = fast.evaluate_with(record, 0, None, reasons);
            let g = general.evaluate_with(record, 0, None, reasons);
            assert_eq!(format!("{f:?}"), format!("{g:?}"), "{record}");
            let s = through_slots(fast, record, reasons);
            assert_eq!(format!("{s:?}"), format!("{g:?}"), "{record}");
        }
    }
}

/// `split` with a constant separator, on its own so that every step
/// budget up to the rules' whole cost is tried: the fast path counts the
/// steps the general evaluator does, and gives the same list.
#[test]
fn split_counts_the_general_steps() {
    const SPLIT_RULES: &str = r#"
let parts = split(s, ";")
require r1: "x" in parts or "a" not in parts
require r2: len(split(lower(s), "é;")) >= 2
signal s1 = overlap(parts, ["x", "a"])
"#;
    let rules = Ruleset::compile("split.rules", SPLIT_RULES).expect("valid");
    let fast = rules.program().clone();
    assert!(fast.lets[0].fast.is_some());
    let mut general = fast.clone();
    general.requirements.iter_mut().for_each(|r| r.fast = None);
    general.lets.iter_mut().for_each(|l| l.fast = None);
    let long = "x;".repeat(200);
    let texts = ["", "x", " a ;x; ;", "Xé;A;é;é;", "a;b", long.as_str()];
    let records = texts.iter().map(|s| json!({ "s": s })).chain([
        json!({}),
        json!({"s": 3}),
        json!({"s": ["x"]}),
    ]);
    for record in records {
        for steps in 0..40 {
            let (mut fast, mut general) = (fast.clone(), general.clone());
            fast.set_max_steps(steps);
            general.set_max_steps(steps);
            let f = fast.evaluate_with(&record, 0, None, true);
            let g = general.evaluate_with(&record, 0, None, true);
            assert_eq!(format!("{f:?}"), format!("{g:?}"), "{record} {steps}");
        }
    }
}
