//! One-line evaluation tests for every operator and built-in function of the
//! rules language (docs/language.md), in the style of jaq's
//! `tests/common`: `give(record, "expression")` says what the expression came
//! to for that record.
//!
//! `give` works through the public API only. It compiles
//! `let v = EXPR` with `require r: v == v when missing review` to learn
//! whether the value is present (status `review` with the reason when it is
//! missing, `error` with the reason when a value has the wrong kind), then
//! `rank by v` to read a number or a string, else `require r: v` to read a
//! boolean.

use influence_eval::{RankKey, Ruleset, RunOptions, Status, Verdict};
use serde_json::{json, Value as Json};

/// What an expression came to.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Num(f64),
    Str(String),
    Bool(bool),
    /// A date, in ISO form.
    Day(String),
    /// Missing, with the reason a requirement would give.
    Missing(String),
    /// A value of the wrong kind: the creator's status is `error`.
    Error(String),
}
use Out::*;

fn s(text: &str) -> Out {
    Str(text.to_string())
}

fn day(text: &str) -> Out {
    Day(text.to_string())
}

fn missing(why: &str) -> Out {
    Missing(why.to_string())
}

fn error(why: &str) -> Out {
    Error(why.to_string())
}

/// The run's date of these tests, that `days_since` counts to.
fn run_date() -> influence_eval::jiff::civil::Date {
    "2026-12-02".parse().expect("a date")
}

/// A date rank key as reports write it: the day when it is a midnight
/// (counted in days: midnight of 9999-12-31 is past jiff's instants), else
/// the instant.
fn iso(secs: i64) -> String {
    use influence_eval::jiff::{civil, Timestamp, ToSpan};
    const DAY: i64 = 86_400;
    if secs.rem_euclid(DAY) == 0 {
        let days = secs.div_euclid(DAY);
        let day = civil::date(1970, 1, 1).checked_add(days.days());
        return day.expect("a civil date").to_string();
    }
    let t = Timestamp::from_second(secs).expect("an instant in jiff's range");
    t.to_string()
}

fn compile(src: &str) -> Ruleset {
    Ruleset::compile("test.rules", src)
        .unwrap_or_else(|e| {
            let msgs: Vec<String> = e
                .diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect();
            panic!("rules do not compile:\n{src}\n{msgs:#?}")
        })
        .with_today(run_date())
}

/// Evaluates one record against a ruleset.
fn verdict(src: &str, rec: Json) -> Verdict {
    compile(src).evaluate(&rec)
}

/// What `expr` comes to for `rec`.
fn give(rec: Json, expr: &str) -> Out {
    let present = verdict(
        &format!("let v = {expr}\nrequire r: v == v when missing review"),
        rec.clone(),
    );
    match present.status {
        Status::Error => return Error(present.failed[0].reason.clone()),
        Status::Review => return Missing(present.failed[0].reason.clone()),
        Status::Rejected => panic!("`{expr}` is not equal to itself: {present:?}"),
        Status::Accepted => {}
    }
    if let Ok(rules) = Ruleset::compile("test.rules", &format!("let v = {expr}\nrank by v")) {
        match rules.with_today(run_date()).evaluate(&rec).rank_key {
            Some(RankKey::Number(n)) => return Num(n),
            Some(RankKey::Text(t)) => return Str(t),
            Some(RankKey::Date(secs)) => return Day(iso(secs)),
            _ => {}
        }
    }
    let v = verdict(&format!("let v = {expr}\nrequire r: v"), rec);
    match v.status {
        Status::Accepted => Bool(true),
        Status::Rejected => Bool(false),
        _ => panic!("`{expr}` is neither a number, a string, a date nor a bool: {v:?}"),
    }
}

fn is_missing(o: &Out) -> bool {
    matches!(o, Missing(_))
}

/// What `expr` comes to without a record (literals only).
fn lit(expr: &str) -> Out {
    give(json!({}), expr)
}

/// Asserts that `expr` is a number within 1e-9 of `want`.
fn approx(rec: Json, expr: &str, want: f64) {
    match give(rec, expr) {
        Num(n) => assert!((n - want).abs() < 1e-9, "`{expr}` is {n}, want {want}"),
        other => panic!("`{expr}` is {other:?}, want {want}"),
    }
}

/// The failed requirements of a verdict as (rule, reason).
fn failed(v: &Verdict) -> Vec<(&str, &str)> {
    v.failed
        .iter()
        .map(|f| (f.rule.as_str(), f.reason.as_str()))
        .collect()
}

/// Status and failures of one requirement `require r: EXPR ...`.
fn require(rec: Json, decl: &str) -> (Status, Vec<(String, String)>) {
    let v = verdict(&format!("require r: {decl}"), rec);
    let f = failed(&v)
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    (v.status, f)
}

/// `(status, [("r", reason)])` for a single requirement named `r`.
fn r_fails(status: Status, reason: &str) -> (Status, Vec<(String, String)>) {
    (status, vec![("r".to_string(), reason.to_string())])
}

fn passes() -> (Status, Vec<(String, String)>) {
    (Status::Accepted, vec![])
}

/// The record used for three-valued logic: `t` true, `f` false, `m` missing.
fn tfm() -> Json {
    json!({"t": true, "f": false, "m": null})
}

// ---------------------------------------------------------------- literals

#[test]
fn number_literals() {
    assert_eq!(lit("1200"), Num(1200.0));
    assert_eq!(lit("2.5"), Num(2.5));
    assert_eq!(lit("1_200"), Num(1200.0));
    assert_eq!(lit("1_000_000"), Num(1e6));
    assert_eq!(lit("1k"), Num(1000.0));
    assert_eq!(lit("2.5k"), Num(2500.0));
    assert_eq!(lit("10_0k"), Num(100_000.0));
    assert_eq!(lit("1M"), Num(1e6));
    assert_eq!(lit("1.5M"), Num(1_500_000.0));
    assert_eq!(lit("3%"), Num(0.03));
    assert_eq!(lit("12.5%"), Num(0.125));
    assert_eq!(lit("100%"), Num(1.0));
}

#[test]
fn number_suffixes_are_exact_decimals() {
    // docs/language.md: `3%` is 0.03, so `70%` is 0.7; `engagement_rate >= 70%` must
    // accept a creator whose rate is exactly 0.7.
    assert_eq!(lit("70%"), Num(0.7));
    assert_eq!(lit("57%"), Num(0.57));
    assert_eq!(lit("4.1M"), Num(4_100_000.0));
    assert_eq!(give(json!({"x": 0.7}), "x >= 70%"), Bool(true));
}

#[test]
fn suffixes_need_no_space_and_bind_to_the_number() {
    assert_eq!(give(json!({"x": 4200}), "x between 1k and 10k"), Bool(true));
    assert_eq!(give(json!({"x": 0.06}), "x / 8%"), Num(0.75));
}

#[test]
fn string_literals_and_escapes() {
    assert_eq!(lit(r#""plain""#), s("plain"));
    assert_eq!(lit(r#""say \"hi\"""#), s("say \"hi\""));
    assert_eq!(lit(r#""back\\slash""#), s("back\\slash"));
    assert_eq!(lit(r#""a\nb""#), s("a\nb"));
    assert_eq!(lit(r#""a\tb""#), s("a\tb"));
    assert_eq!(lit(r#""caf\u{e9}""#), s("café"));
    assert_eq!(lit(r#""\u{1F600}""#), s("😀"));
    assert_eq!(lit(r#"len("caf\u{e9}")"#), Num(4.0));
    assert_eq!(lit(r#"len("\"\\\n\t")"#), Num(4.0));
}

#[test]
fn bool_literals() {
    assert_eq!(lit("true"), Bool(true));
    assert_eq!(lit("false"), Bool(false));
}

// -------------------------------------------------------------- arithmetic

#[test]
fn arithmetic() {
    assert_eq!(lit("1 + 2"), Num(3.0));
    assert_eq!(lit("5 - 7"), Num(-2.0));
    assert_eq!(lit("6 * 7"), Num(42.0));
    assert_eq!(lit("7 / 2"), Num(3.5));
    assert_eq!(give(json!({"a": 3, "b": 4}), "a * b - a"), Num(9.0));
}

#[test]
fn unary_minus() {
    assert_eq!(give(json!({"x": 3}), "-x"), Num(-3.0));
    assert_eq!(give(json!({"x": -3}), "-x"), Num(3.0));
    assert_eq!(lit("--3"), Num(3.0));
    assert_eq!(lit("2 - -1"), Num(3.0));
    assert_eq!(lit("-2 * 3"), Num(-6.0));
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(lit("2 + 3 * 4"), Num(14.0));
    assert_eq!(lit("(2 + 3) * 4"), Num(20.0));
    assert_eq!(lit("2 * 3 + 4 * 5"), Num(26.0));
    assert_eq!(lit("10 - 4 - 3"), Num(3.0));
    assert_eq!(lit("12 / 3 / 2"), Num(2.0));
    assert_eq!(lit("1 + 6 / 2"), Num(4.0));
}

#[test]
fn coalesce_binds_tighter_than_comparisons() {
    let rule = "authenticity_score ?? 1 >= 0.7";
    assert_eq!(give(json!({}), rule), Bool(true));
    assert_eq!(give(json!({"authenticity_score": null}), rule), Bool(true));
    assert_eq!(give(json!({"authenticity_score": 0.5}), rule), Bool(false));
    assert_eq!(give(json!({"authenticity_score": 0.7}), rule), Bool(true));
}

#[test]
fn coalesce_binds_looser_than_arithmetic() {
    // `m ?? 1 + 1` is `m ?? (1 + 1)`
    assert_eq!(give(json!({}), "m ?? 1 + 1"), Num(2.0));
    assert_eq!(give(json!({"m": 5}), "m ?? 1 + 1"), Num(5.0));
}

#[test]
fn coalesce() {
    assert_eq!(give(json!({}), "m ?? 5"), Num(5.0));
    assert_eq!(give(json!({"m": null}), "m ?? 5"), Num(5.0));
    assert_eq!(give(json!({"m": 2}), "m ?? 5"), Num(2.0));
    assert_eq!(give(json!({"m": 0}), "m ?? 5"), Num(0.0));
    assert_eq!(give(json!({"m": false}), "m ?? true"), Bool(false));
    assert_eq!(give(json!({}), "m ?? n ?? 3"), Num(3.0));
    assert_eq!(give(json!({"n": 4}), "m ?? n ?? 3"), Num(4.0));
    assert_eq!(give(json!({}), "m ?? n"), missing("n is missing"));
    assert_eq!(give(json!({"x": 1}), "x / 0 ?? 9"), Num(9.0));
}

#[test]
fn overflow_is_missing() {
    assert_eq!(
        give(json!({"x": 1e308}), "x * 10"),
        missing("x * 10 has no result")
    );
    assert_eq!(
        give(json!({"x": 1e308}), "x + x"),
        missing("x + x has no result")
    );
}

#[test]
fn division_by_zero_is_missing() {
    assert_eq!(
        give(json!({"x": 1}), "x / 0"),
        missing("x / 0 divides by zero")
    );
    assert_eq!(
        give(json!({"a": 5, "b": 0}), "a / b"),
        missing("a / b divides by zero")
    );
    assert_eq!(
        give(json!({"a": 0, "b": 0}), "a / b"),
        missing("a / b divides by zero")
    );
    assert_eq!(lit("1 / 0"), missing("1 / 0 divides by zero"));
    assert_eq!(
        give(json!({"a": 5, "b": 0}), "a / b + 1"),
        missing("a / b divides by zero")
    );
}

// ------------------------------------------------------------- comparisons

#[test]
fn comparisons_on_numbers() {
    let r = json!({"x": 2});
    assert_eq!(give(r.clone(), "x == 2"), Bool(true));
    assert_eq!(give(r.clone(), "x == 3"), Bool(false));
    assert_eq!(give(r.clone(), "x != 3"), Bool(true));
    assert_eq!(give(r.clone(), "x != 2"), Bool(false));
    assert_eq!(give(r.clone(), "x < 3"), Bool(true));
    assert_eq!(give(r.clone(), "x < 2"), Bool(false));
    assert_eq!(give(r.clone(), "x <= 2"), Bool(true));
    assert_eq!(give(r.clone(), "x <= 1.999"), Bool(false));
    assert_eq!(give(r.clone(), "x > 1"), Bool(true));
    assert_eq!(give(r.clone(), "x > 2"), Bool(false));
    assert_eq!(give(r.clone(), "x >= 2"), Bool(true));
    assert_eq!(give(r, "x >= 2.001"), Bool(false));
    assert_eq!(give(json!({"x": 2.0}), "x == 2"), Bool(true));
}

#[test]
fn comparisons_on_strings() {
    let r = json!({"c": "US"});
    assert_eq!(give(r.clone(), r#"c == "US""#), Bool(true));
    assert_eq!(give(r.clone(), r#"c == "us""#), Bool(false));
    assert_eq!(give(r.clone(), r#"c != "CA""#), Bool(true));
    assert_eq!(give(r.clone(), r#"c < "VA""#), Bool(true));
    assert_eq!(give(r.clone(), r#"c <= "US""#), Bool(true));
    assert_eq!(give(r.clone(), r#"c > "CA""#), Bool(true));
    assert_eq!(give(r, r#"c >= "UT""#), Bool(false));
    assert_eq!(lit(r#""apple" < "banana""#), Bool(true));
    assert_eq!(lit(r#""Zebra" < "apple""#), Bool(true)); // code-point order
}

#[test]
fn equality_between_different_kinds_is_false() {
    let r = json!({"n": 1, "s": "1", "b": true, "xs": [1]});
    assert_eq!(give(r.clone(), "n == s"), Bool(false));
    assert_eq!(give(r.clone(), "n != s"), Bool(true));
    assert_eq!(give(r.clone(), "b == n"), Bool(false));
    assert_eq!(give(r.clone(), "xs == n"), Bool(false));
    assert_eq!(give(r, "n in [s]"), Bool(false));
}

#[test]
fn equality_of_lists_and_bools() {
    let r = json!({"xs": [1, "a"], "b": true});
    assert_eq!(give(r.clone(), r#"xs == [1, "a"]"#), Bool(true));
    assert_eq!(give(r.clone(), r#"xs == ["a", 1]"#), Bool(false));
    assert_eq!(give(r.clone(), "xs == [1]"), Bool(false));
    assert_eq!(give(r.clone(), "b == true"), Bool(true));
    assert_eq!(give(r, "b != true"), Bool(false));
}

#[test]
fn comparisons_do_not_chain() {
    assert!(Ruleset::compile("t", "require r: 1 < x < 3").is_err());
    assert!(Ruleset::compile("t", "require r: a == b == c").is_err());
}

#[test]
fn ordering_a_string_against_a_number_is_an_error() {
    assert_eq!(
        give(json!({"x": "abc"}), "x < 3"),
        error(r#"x is "abc", a string, where a number is needed"#)
    );
    assert_eq!(
        give(json!({"x": "abc"}), "3 > x"),
        error(r#"x is "abc", a string, where a number is needed"#)
    );
    assert_eq!(
        give(json!({"x": "5k"}), "x between 1k and 10k"),
        error(
            r#"x is "5k", a string, where a number is needed; write number(x) to read it as a number"#
        )
    );
}

#[test]
fn ordering_two_fields_blames_the_string() {
    assert_eq!(
        give(json!({"x": 5, "y": "abc"}), "x < y"),
        error(r#"y is "abc", a string, where a number is needed"#)
    );
}

#[test]
fn between_is_inclusive_at_both_ends() {
    let e = "x between 1 and 3";
    assert_eq!(give(json!({"x": 1}), e), Bool(true));
    assert_eq!(give(json!({"x": 2}), e), Bool(true));
    assert_eq!(give(json!({"x": 3}), e), Bool(true));
    assert_eq!(give(json!({"x": 0.999}), e), Bool(false));
    assert_eq!(give(json!({"x": 3.001}), e), Bool(false));
    assert_eq!(give(json!({"x": -2}), e), Bool(false));
    assert_eq!(give(json!({"x": 2}), "x between 3 and 1"), Bool(false));
    assert_eq!(give(json!({"x": 2}), "x between 2 and 2"), Bool(true));
    assert_eq!(lit(r#""b" between "a" and "c""#), Bool(true));
    assert_eq!(lit(r#""d" between "a" and "c""#), Bool(false));
    assert_eq!(give(json!({}), e), missing("x is missing"));
    assert_eq!(
        give(json!({"x": 2}), "x between lo and 3"),
        missing("lo is missing")
    );
}

#[test]
fn in_and_not_in() {
    let r = json!({"c": "US", "n": 2});
    assert_eq!(give(r.clone(), r#"c in ["US", "CA"]"#), Bool(true));
    assert_eq!(give(r.clone(), r#"c in ["GB", "CA"]"#), Bool(false));
    assert_eq!(give(r.clone(), r#"c not in ["US", "CA"]"#), Bool(false));
    assert_eq!(give(r.clone(), r#"c not in ["GB", "CA"]"#), Bool(true));
    assert_eq!(give(r.clone(), "c in []"), Bool(false));
    assert_eq!(give(r.clone(), "c not in []"), Bool(true));
    assert_eq!(give(r.clone(), "n in [1, 2, 3]"), Bool(true));
    assert_eq!(give(r.clone(), r#"n in ["2"]"#), Bool(false));
    assert_eq!(give(r, r#"c in ["us"]"#), Bool(false));
    assert_eq!(give(json!({"xs": ["a", "b"]}), r#""b" in xs"#), Bool(true));
    assert_eq!(give(json!({}), r#"c in ["US"]"#), missing("c is missing"));
    assert_eq!(
        give(json!({}), r#"c not in ["US"]"#),
        missing("c is missing")
    );
    assert_eq!(give(json!({}), r#""US" in xs"#), missing("xs is missing"));
    assert_eq!(
        give(json!({"s": "abc"}), r#""a" in s"#),
        error(r#"s is "abc", a string, where a list is needed"#)
    );
}

#[test]
fn contains_on_strings() {
    let r = json!({"bio": "Vegan skincare | NYC"});
    assert_eq!(give(r.clone(), r#"bio contains "skin""#), Bool(true));
    assert_eq!(give(r.clone(), r#"bio contains "e | N""#), Bool(true));
    assert_eq!(give(r.clone(), r#"bio contains "vegan""#), Bool(false)); // case matters
    assert_eq!(give(r.clone(), r#"bio contains """#), Bool(true));
    assert_eq!(give(r, r#"lower(bio) contains "vegan""#), Bool(true));
}

#[test]
fn contains_on_lists() {
    let r = json!({"niches": ["skincare", "beauty"], "ns": [1, 2]});
    assert_eq!(give(r.clone(), r#"niches contains "beauty""#), Bool(true));
    assert_eq!(give(r.clone(), r#"niches contains "beau""#), Bool(false));
    assert_eq!(give(r.clone(), "ns contains 2"), Bool(true));
    assert_eq!(give(r.clone(), r#"ns contains "2""#), Bool(false));
    assert_eq!(give(r, r#"[] contains "a""#), Bool(false));
    assert_eq!(
        give(json!({}), r#"niches contains "a""#),
        missing("niches is missing")
    );
}

#[test]
fn contains_on_a_number_is_an_error() {
    assert_eq!(
        give(json!({"n": 5}), r#"n contains "5""#),
        error("n is 5, a number, where a string or a list is needed")
    );
}

#[test]
fn matches_a_regex() {
    let r = json!({"bio": "Vegan skincare | NYC", "handle": "maya_r"});
    assert_eq!(give(r.clone(), r#"bio matches "vegan""#), Bool(false));
    assert_eq!(give(r.clone(), r#"bio matches "(?i)vegan""#), Bool(true));
    assert_eq!(
        give(r.clone(), r#"bio matches "(?i)VEGAN|cruelty.free""#),
        Bool(true)
    );
    assert_eq!(give(r.clone(), r#"bio matches "NYC$""#), Bool(true));
    assert_eq!(give(r.clone(), r#"bio matches "^skincare""#), Bool(false)); // anchored
    assert_eq!(give(r.clone(), r#"handle matches "^[a-z_]+$""#), Bool(true));
    assert_eq!(give(r, r#"handle matches "^[a-z]+$""#), Bool(false));
    assert_eq!(
        give(json!({}), r#"bio matches "x""#),
        missing("bio is missing")
    );
    assert_eq!(
        give(json!({"bio": 3}), r#"bio matches "x""#),
        error("bio is 3, a number, where a string is needed")
    );
}

#[test]
fn if_then_else() {
    let r = tfm();
    assert_eq!(give(r.clone(), "if t then 1 else 2"), Num(1.0));
    assert_eq!(give(r.clone(), "if f then 1 else 2"), Num(2.0));
    assert_eq!(
        give(r.clone(), "if m then 1 else 2"),
        missing("m is missing")
    );
    assert_eq!(
        give(r.clone(), r#"if not f then "yes" else "no""#),
        s("yes")
    );
    assert_eq!(give(r.clone(), "if t then 1 else 1 / 0"), Num(1.0)); // only the branch taken
    assert_eq!(give(r, "1 + (if f then 10 else 20)"), Num(21.0));
    assert_eq!(
        give(json!({"x": 5}), "if x > 3 then x * 2 else x"),
        Num(10.0)
    );
    assert_eq!(
        give(json!({"n": 1}), "if n then 1 else 2"),
        error("n (in if) is 1, a number, where true or false is needed")
    );
}

// ------------------------------------------------------------------- paths

#[test]
fn nested_field_paths() {
    let r = json!({"audience": {"female_share": 0.75, "geo": {"top": "US"}}});
    assert_eq!(give(r.clone(), "audience.female_share"), Num(0.75));
    assert_eq!(give(r.clone(), "audience.geo.top"), s("US"));
    assert_eq!(
        give(r, "audience.male_share"),
        missing("audience.male_share is missing")
    );
    assert_eq!(
        give(json!({}), "audience.female_share"),
        missing("audience.female_share is missing")
    );
    assert_eq!(
        give(json!({"audience": null}), "audience.female_share"),
        missing("audience.female_share is missing")
    );
    assert_eq!(
        give(
            json!({"audience": {"female_share": null}}),
            "audience.female_share"
        ),
        missing("audience.female_share is missing")
    );
}

#[test]
fn equality_of_objects() {
    let r = json!({"a": {"k": 1}, "b": {"k": 1}, "c": {"k": 2}});
    assert_eq!(give(r.clone(), "a == b"), Bool(true));
    assert_eq!(give(r, "a == c"), Bool(false));
}

#[test]
fn a_path_through_a_non_object_is_an_error() {
    // docs/language.md: a value of the wrong type is an error for that creator; a
    // computed path (`posts[0].likes` with posts[0] = 5) is one already.
    assert_eq!(
        give(json!({"posts": [5]}), "posts[0].likes"),
        error("posts[0] is 5, a number, where an object is needed")
    );
    assert!(matches!(
        give(json!({"audience": 5}), "audience.female_share"),
        Error(_)
    ));
    // with `when missing pass`, the damaged record would otherwise pass
    let v = verdict(
        "require r: audience.female_share >= 0.5 when missing pass",
        json!({"audience": "n/a"}),
    );
    assert_eq!(v.status, Status::Error);
}

#[test]
fn creator_is_the_whole_record() {
    let r = json!({"followers": 4200, "odd key": 7, "audience": {"top country": "US"}});
    assert_eq!(give(r.clone(), "creator.followers"), Num(4200.0));
    assert_eq!(give(r.clone(), r#"creator["odd key"]"#), Num(7.0));
    assert_eq!(give(r.clone(), r#"creator["followers"] + 1"#), Num(4201.0));
    assert_eq!(give(r.clone(), r#"audience["top country"]"#), s("US"));
    assert_eq!(give(r.clone(), "len(creator)"), Num(3.0));
    assert_eq!(
        give(r.clone(), r#"creator["nope"]"#),
        missing("nope is missing")
    );
    assert_eq!(give(r, "creator.nope"), missing("nope is missing"));
}

#[test]
fn list_index() {
    let r = json!({"xs": [10, 20, 30], "posts": [{"likes": 150}, {"likes": 20}]});
    assert_eq!(give(r.clone(), "xs[0]"), Num(10.0));
    assert_eq!(give(r.clone(), "xs[2]"), Num(30.0));
    assert_eq!(give(r.clone(), "xs[-1]"), Num(30.0));
    assert_eq!(give(r.clone(), "xs[-3]"), Num(10.0));
    assert_eq!(give(r.clone(), "xs[1 + 1]"), Num(30.0));
    assert_eq!(give(r.clone(), "xs[3]"), missing("xs[3] is missing"));
    assert_eq!(give(r.clone(), "xs[-4]"), missing("xs[-4] is missing"));
    assert_eq!(give(r.clone(), "xs[0.5]"), missing("xs[0.5] is missing"));
    assert_eq!(give(r.clone(), "posts[0].likes"), Num(150.0));
    assert_eq!(give(r.clone(), "posts[-1].likes"), Num(20.0));
    assert_eq!(
        give(r.clone(), "posts[0].shares"),
        missing("posts[0].shares is missing")
    );
    assert_eq!(give(r.clone(), "[5, 6, 7][1]"), Num(6.0));
    assert_eq!(give(r, "ys[0]"), missing("ys is missing"));
    assert_eq!(
        give(json!({"x": "abc"}), "x[0]"),
        error(r#"x is "abc", a string, where a list or an object is needed"#)
    );
    assert_eq!(
        give(json!({"xs": [1], "i": "0"}), "xs[i]"),
        error(
            r#"i is "0", a string, where a number is needed; write number(i) to read it as a number"#
        )
    );
}

// --------------------------------------------------------------- built-ins

#[test]
fn len() {
    let r = json!({"name": "Zoë 日本", "xs": [1, 2, 3], "n": 5});
    assert_eq!(lit(r#"len("abc")"#), Num(3.0));
    assert_eq!(lit(r#"len("")"#), Num(0.0));
    assert_eq!(give(r.clone(), "len(name)"), Num(6.0)); // characters, not bytes
    assert_eq!(lit(r#"len("café")"#), Num(4.0));
    assert_eq!(give(r.clone(), "len(xs)"), Num(3.0));
    assert_eq!(lit("len([])"), Num(0.0));
    assert_eq!(lit(r#"len(["a", ["b", "c"]])"#), Num(2.0));
    assert_eq!(give(r.clone(), "len(m)"), missing("m is missing"));
    assert_eq!(
        give(r, "len(n)"),
        error("n is 5, a number, where a string or a list is needed")
    );
}

#[test]
fn lower_upper_trim() {
    assert_eq!(lit(r#"lower("AbC é É")"#), s("abc é é"));
    assert_eq!(lit(r#"upper("AbC é")"#), s("ABC É"));
    assert_eq!(lit(r#"trim("  a b  ")"#), s("a b"));
    assert_eq!(lit(r#"trim("\t\n a \n")"#), s("a"));
    assert_eq!(lit(r#"trim("")"#), s(""));
    assert_eq!(
        give(json!({"c": " us "}), r#"upper(trim(c)) == "US""#),
        Bool(true)
    );
    assert_eq!(give(json!({}), "lower(c)"), missing("c is missing"));
    assert_eq!(
        give(json!({"c": 1}), "upper(c)"),
        error("c is 1, a number, where a string is needed")
    );
}

#[test]
fn min_and_max_of_several_arguments() {
    assert_eq!(lit("min(3, 1, 2)"), Num(1.0));
    assert_eq!(lit("max(3, 1, 2)"), Num(3.0));
    assert_eq!(lit("min(-1, 1)"), Num(-1.0));
    // one number is returned as is (docs/language.md, section 10); other kinds need a list
    assert_eq!(lit("max(7)"), Num(7.0));
    assert_eq!(give(json!({"a": 7}), "min(a)"), Num(7.0));
    assert_eq!(
        give(json!({"a": "7"}), "max(a)"),
        error(r#"a is "7", a string, where a list is needed"#)
    );
    assert_eq!(give(json!({"a": 4, "b": 9}), "max(a, b, 5)"), Num(9.0));
    assert_eq!(give(json!({"a": 4}), "min(a, b)"), missing("b is missing"));
}

#[test]
fn min_and_max_of_one_list() {
    let r = json!({"xs": [3, 1, 2], "e": []});
    assert_eq!(give(r.clone(), "min(xs)"), Num(1.0));
    assert_eq!(give(r.clone(), "max(xs)"), Num(3.0));
    assert_eq!(give(r.clone(), "max([0.5, 2.5])"), Num(2.5));
    assert_eq!(
        give(r.clone(), "min(e)"),
        missing("min(e) has no elements to work on")
    );
    assert_eq!(
        give(r, "max([])"),
        missing("max([]) has no elements to work on")
    );
    assert!(is_missing(&give(json!({"xs": [1, null]}), "max(xs)")));
}

#[test]
fn min_max_name_the_argument_of_the_wrong_kind() {
    assert_eq!(
        give(json!({"a": 1, "b": "2k"}), "max(a, b)"),
        error(
            r#"b is "2k", a string, where a number is needed; write number(b) to read it as a number"#
        )
    );
}

#[test]
fn clamp() {
    assert_eq!(lit("clamp(5, 0, 1)"), Num(1.0));
    assert_eq!(lit("clamp(-1, 0, 1)"), Num(0.0));
    assert_eq!(lit("clamp(0.5, 0, 1)"), Num(0.5));
    assert_eq!(lit("clamp(10, 10, 20)"), Num(10.0));
    assert_eq!(give(json!({"x": 150}), "clamp(x, 0, 100)"), Num(100.0));
    assert_eq!(give(json!({}), "clamp(x, 0, 1)"), missing("x is missing"));
}

#[test]
fn abs() {
    assert_eq!(lit("abs(-3)"), Num(3.0));
    assert_eq!(lit("abs(2.5)"), Num(2.5));
    assert_eq!(lit("abs(0)"), Num(0.0));
    assert_eq!(give(json!({"x": -0.25}), "abs(x)"), Num(0.25));
}

#[test]
fn round() {
    assert_eq!(lit("round(2.4)"), Num(2.0));
    assert_eq!(lit("round(2.6)"), Num(3.0));
    assert_eq!(lit("round(2.5)"), Num(3.0)); // half away from zero
    assert_eq!(lit("round(-2.5)"), Num(-3.0));
    assert_eq!(lit("round(1.23456, 2)"), Num(1.23));
    assert_eq!(lit("round(1.23456, 0)"), Num(1.0));
    assert_eq!(lit("round(1234, -2)"), Num(1200.0));
    assert_eq!(give(json!({"x": 0.0612}), "round(x * 100, 1)"), Num(6.1));
    assert_eq!(give(json!({}), "round(x, 2)"), missing("x is missing"));
}

#[test]
fn round_of_a_large_number_is_the_number() {
    assert_eq!(give(json!({"x": 1e300}), "round(x, 15)"), Num(1e300));
}

#[test]
fn floor_and_ceil() {
    assert_eq!(lit("floor(2.7)"), Num(2.0));
    assert_eq!(lit("floor(-2.1)"), Num(-3.0));
    assert_eq!(lit("floor(4)"), Num(4.0));
    assert_eq!(lit("ceil(2.1)"), Num(3.0));
    assert_eq!(lit("ceil(-2.7)"), Num(-2.0));
    assert_eq!(lit("ceil(4)"), Num(4.0));
}

#[test]
fn sqrt() {
    assert_eq!(lit("sqrt(16)"), Num(4.0));
    assert_eq!(lit("sqrt(0)"), Num(0.0));
    assert_eq!(lit("sqrt(2.25)"), Num(1.5));
    assert_eq!(
        give(json!({"x": -4}), "sqrt(x)"),
        missing("sqrt(x) has no result")
    );
    assert_eq!(lit("sqrt(-1)"), missing("sqrt(-1) has no result"));
}

#[test]
fn log10_and_ln() {
    assert_eq!(lit("log10(1000)"), Num(3.0));
    assert_eq!(lit("log10(1)"), Num(0.0));
    assert_eq!(lit("log10(0.01)"), Num(-2.0));
    assert_eq!(
        give(json!({"x": 0}), "log10(x)"),
        missing("log10(x) has no result")
    );
    assert_eq!(
        give(json!({"x": -1}), "log10(x)"),
        missing("log10(x) has no result")
    );
    assert_eq!(lit("ln(1)"), Num(0.0));
    approx(json!({"e": std::f64::consts::E}), "ln(e)", 1.0);
    approx(json!({}), "ln(10)", std::f64::consts::LN_10);
    assert_eq!(
        give(json!({"x": 0}), "ln(x)"),
        missing("ln(x) has no result")
    );
    assert_eq!(
        give(json!({"x": -1}), "ln(x)"),
        missing("ln(x) has no result")
    );
}

#[test]
fn has() {
    assert_eq!(give(json!({}), "has(x)"), Bool(false));
    assert_eq!(give(json!({"x": null}), "has(x)"), Bool(false));
    assert_eq!(give(json!({"x": 0}), "has(x)"), Bool(true));
    assert_eq!(give(json!({"x": false}), "has(x)"), Bool(true));
    assert_eq!(give(json!({"x": ""}), "has(x)"), Bool(true));
    assert_eq!(give(json!({"x": []}), "has(x)"), Bool(true));
    let r = json!({"audience": {"female_share": 0.7}, "odd key": 1});
    assert_eq!(give(r.clone(), "has(audience.female_share)"), Bool(true));
    assert_eq!(give(r.clone(), "has(audience.male_share)"), Bool(false));
    assert_eq!(give(r.clone(), r#"has(creator["odd key"])"#), Bool(true));
    assert_eq!(give(r, r#"has(creator["even key"])"#), Bool(false));
    assert_eq!(give(json!({}), "not has(x)"), Bool(true));
}

#[test]
fn number_reads_human_numbers() {
    assert_eq!(lit(r#"number("8,421")"#), Num(8421.0));
    assert_eq!(lit(r#"number("3.3m")"#), Num(3_300_000.0));
    assert_eq!(lit(r#"number("12.5K")"#), Num(12_500.0));
    assert_eq!(lit(r#"number("2.1b")"#), Num(2_100_000_000.0));
    assert_eq!(lit(r#"number("1.39%")"#), Num(0.0139));
    assert_eq!(lit(r#"number("42")"#), Num(42.0));
    assert_eq!(lit(r#"number("-3.5")"#), Num(-3.5));
    assert_eq!(lit("number(7)"), Num(7.0));
    assert_eq!(give(json!({"f": "8,421"}), "number(f) > 8k"), Bool(true));
    assert_eq!(give(json!({"f": 2.5}), "number(f)"), Num(2.5));
}

#[test]
fn number_of_anything_else_is_missing() {
    assert_eq!(
        lit(r#"number("NaN%")"#),
        missing(r#"number("NaN%") is not a number"#)
    );
    assert_eq!(
        lit(r#"number("n/a")"#),
        missing(r#"number("n/a") is not a number"#)
    );
    assert_eq!(
        give(json!({"f": "about 3k"}), "number(f)"),
        missing("number(f) is not a number")
    );
    assert_eq!(
        give(json!({"f": ""}), "number(f)"),
        missing("number(f) is not a number")
    );
    assert_eq!(give(json!({}), "number(f)"), missing("f is missing"));
    assert_eq!(give(json!({"f": "n/a"}), "number(f) ?? 0"), Num(0.0));
}

#[test]
fn overlap_counts_distinct_common_elements() {
    assert_eq!(lit(r#"overlap(["a", "a", "b"], ["a"])"#), Num(1.0));
    assert_eq!(lit(r#"overlap(["a"], ["a", "a"])"#), Num(1.0));
    assert_eq!(
        lit(r#"overlap(["a", "b", "c"], ["c", "b", "z"])"#),
        Num(2.0)
    );
    assert_eq!(lit(r#"overlap([], ["a"])"#), Num(0.0));
    assert_eq!(lit("overlap([1, 2, 3], [3, 2])"), Num(2.0));
    assert_eq!(lit(r#"overlap([1], ["1"])"#), Num(0.0));
    let r = json!({"niches": ["skincare", "beauty", "travel", "beauty"]});
    assert_eq!(
        give(r, r#"overlap(niches, ["skincare", "beauty", "makeup"])"#),
        Num(2.0)
    );
    assert_eq!(
        give(json!({}), r#"overlap(niches, ["a"])"#),
        missing("niches is missing")
    );
}

#[test]
fn sum_and_avg() {
    assert_eq!(lit("sum([1, 2, 3])"), Num(6.0));
    assert_eq!(lit("sum([])"), Num(0.0));
    assert_eq!(lit("sum([-1.5])"), Num(-1.5));
    assert_eq!(lit("avg([1, 2, 3, 4])"), Num(2.5));
    assert_eq!(lit("avg([7])"), Num(7.0));
    assert_eq!(
        lit("avg([])"),
        missing("avg([]) has no elements to work on")
    );
    let r = json!({"xs": [10, 20], "e": []});
    assert_eq!(give(r.clone(), "sum(xs)"), Num(30.0));
    assert_eq!(give(r.clone(), "avg(xs)"), Num(15.0));
    assert_eq!(
        give(r, "avg(e)"),
        missing("avg(e) has no elements to work on")
    );
    assert_eq!(give(json!({}), "sum(xs)"), missing("xs is missing"));
    assert_eq!(
        give(json!({"xs": [1, "2"]}), "sum(xs)"),
        error(
            r#"xs[1] is "2", a string, where a number is needed; write `sum(xs, x => number(x))` to read it as a number"#
        )
    );
}

#[test]
fn any_all_count() {
    let r = json!({"xs": [1, 2, 3], "e": []});
    assert_eq!(give(r.clone(), "any(xs, x => x > 2)"), Bool(true));
    assert_eq!(give(r.clone(), "any(xs, x => x > 3)"), Bool(false));
    assert_eq!(give(r.clone(), "all(xs, x => x > 0)"), Bool(true));
    assert_eq!(give(r.clone(), "all(xs, x => x > 1)"), Bool(false));
    assert_eq!(give(r.clone(), "count(xs, x => x > 1)"), Num(2.0));
    assert_eq!(give(r.clone(), "count(xs, x => x > 9)"), Num(0.0));
    assert_eq!(give(r.clone(), "count(xs, x => true)"), Num(3.0));
    assert_eq!(give(r.clone(), "all(e, x => x > 0)"), Bool(true));
    assert_eq!(give(r.clone(), "any(e, x => x > 0)"), Bool(false));
    assert_eq!(give(r, "count(e, x => x > 0)"), Num(0.0));
    assert_eq!(lit("all([], x => false)"), Bool(true));
    assert_eq!(lit("any([], x => true)"), Bool(false));
    assert_eq!(
        give(json!({}), "any(xs, x => x > 0)"),
        missing("xs is missing")
    );
}

#[test]
fn lambdas_over_objects_and_strings() {
    let r = json!({"posts": [{"likes": 150}, {"likes": 20}, {"likes": 300}],
                   "niches": ["Skincare", "travel"]});
    assert_eq!(
        give(r.clone(), "count(posts, p => p.likes >= 100)"),
        Num(2.0)
    );
    assert_eq!(
        give(
            r.clone(),
            r#"any(niches, n => lower(n) in ["skincare", "beauty"])"#
        ),
        Bool(true)
    );
    assert_eq!(
        give(r, r#"all(niches, n => n matches "^[a-z]")"#),
        Bool(false)
    );
    let r = json!({"posts": [{"likes": 1}, {}]});
    assert_eq!(
        give(r.clone(), "all(posts, p => p.likes > 0)"),
        missing("p.likes is missing")
    );
    assert_eq!(give(r, "any(posts, p => p.likes > 0)"), Bool(true));
}

#[test]
fn nested_lambdas() {
    let r = json!({"groups": [[1, 2], [3]], "xs": [1, 5], "ys": [5, 6]});
    assert_eq!(
        give(r.clone(), "any(groups, g => all(g, x => x > 2))"),
        Bool(true)
    );
    assert_eq!(
        give(r.clone(), "all(groups, g => any(g, x => x > 2))"),
        Bool(false)
    );
    assert_eq!(
        give(r.clone(), "count(groups, g => count(g, x => x > 0) == 2)"),
        Num(1.0)
    );
    // the inner body sees the outer parameter
    assert_eq!(
        give(r.clone(), "count(xs, x => any(ys, y => y == x))"),
        Num(1.0)
    );
    // an inner parameter of the same name shadows the outer one
    assert_eq!(give(r, "all(xs, x => any(ys, x => x >= 5))"), Bool(true));
}

#[test]
fn lambdas_with_missing_elements() {
    // no element decides: unknown
    let r = json!({"xs": [null, 1]});
    assert!(is_missing(&give(r.clone(), "any(xs, x => x > 5)")));
    assert_eq!(give(r.clone(), "any(xs, x => x > 0)"), Bool(true));
    assert_eq!(give(r.clone(), "all(xs, x => x > 5)"), Bool(false));
    assert_eq!(give(r, "count(xs, x => x > 0)"), Num(1.0));
}

#[test]
fn a_missing_list_element_is_named_in_the_reason() {
    // docs/language.md: a requirement that comes out missing names what is
    // missing; an aggregate names the element by its index.
    let r = json!({"xs": [null, 1]});
    assert_eq!(
        give(r.clone(), "any(xs, x => x > 5)"),
        missing("an element of xs is missing")
    );
    assert_eq!(give(r.clone(), "max(xs)"), missing("xs[0] is missing"));
    assert_eq!(give(r, "sum(xs)"), missing("xs[0] is missing"));
}

#[test]
fn lambda_body_of_the_wrong_kind_is_an_error() {
    assert_eq!(
        give(json!({"xs": [1]}), "any(xs, x => x)"),
        error("x (in any) is 1, a number, where true or false is needed")
    );
}

// --------------------------------------------------- three-valued logic

#[test]
fn and_truth_table() {
    let g = |e: &str| give(tfm(), e);
    assert_eq!(g("t and t"), Bool(true));
    assert_eq!(g("t and f"), Bool(false));
    assert_eq!(g("t and m"), missing("m is missing"));
    assert_eq!(g("f and t"), Bool(false));
    assert_eq!(g("f and f"), Bool(false));
    assert_eq!(g("f and m"), Bool(false));
    assert_eq!(g("m and t"), missing("m is missing"));
    assert_eq!(g("m and f"), Bool(false));
    assert_eq!(g("m and m"), missing("m is missing"));
}

#[test]
fn or_truth_table() {
    let g = |e: &str| give(tfm(), e);
    assert_eq!(g("t or t"), Bool(true));
    assert_eq!(g("t or f"), Bool(true));
    assert_eq!(g("t or m"), Bool(true));
    assert_eq!(g("f or t"), Bool(true));
    assert_eq!(g("f or f"), Bool(false));
    assert_eq!(g("f or m"), missing("m is missing"));
    assert_eq!(g("m or t"), Bool(true));
    assert_eq!(g("m or f"), missing("m is missing"));
    assert_eq!(g("m or m"), missing("m is missing"));
}

#[test]
fn not_truth_table() {
    let g = |e: &str| give(tfm(), e);
    assert_eq!(g("not t"), Bool(false));
    assert_eq!(g("not f"), Bool(true));
    assert_eq!(g("not m"), missing("m is missing"));
    assert_eq!(g("not not t"), Bool(true));
}

#[test]
fn truth_tables_on_literals() {
    // the same tables, folded at compile time
    assert_eq!(lit("true and false"), Bool(false));
    assert_eq!(lit("false or true"), Bool(true));
    assert_eq!(lit("not false"), Bool(true));
    assert_eq!(give(json!({}), "false and m"), Bool(false));
    assert_eq!(give(json!({}), "true or m"), Bool(true));
}

#[test]
fn logic_precedence() {
    let g = |e: &str| give(tfm(), e);
    // `or` is lowest, then `and`, then `not`
    assert_eq!(g("t or t and f"), Bool(true));
    assert_eq!(g("(t or t) and f"), Bool(false));
    assert_eq!(g("not t or t"), Bool(true));
    assert_eq!(g("not (t or t)"), Bool(false));
    assert_eq!(g("not f and f"), Bool(false));
    // `not` covers a comparison
    assert_eq!(give(json!({"x": 5}), "not x > 3"), Bool(false));
}

#[test]
fn missing_reason_in_logic_names_the_missing_field() {
    let g = |e: &str| give(json!({"x": 1}), e);
    assert_eq!(g("x > 0 and y > 0"), missing("y is missing"));
    assert_eq!(g("y > 0 or x > 5"), missing("y is missing"));
}

#[test]
fn logic_on_a_non_bool_is_an_error() {
    assert_eq!(
        give(json!({"n": 1, "t": true}), "t and n"),
        error("n (in and) is 1, a number, where true or false is needed")
    );
    assert_eq!(
        give(json!({"s": "yes"}), "not s"),
        error(r#"s (in not) is "yes", a string, where true or false is needed"#)
    );
}

// ---------------------------------------------------- missing spreads

#[test]
fn missing_spreads_through_arithmetic() {
    let g = |e: &str| give(json!({"x": 2}), e);
    assert_eq!(g("m + 1"), missing("m is missing"));
    assert_eq!(g("x - m"), missing("m is missing"));
    assert_eq!(g("m * 0"), missing("m is missing"));
    assert_eq!(g("m / x"), missing("m is missing"));
    assert_eq!(g("0 / m"), missing("m is missing"));
    assert_eq!(g("-m"), missing("m is missing"));
    assert_eq!(g("(m + 1) * x"), missing("m is missing"));
}

#[test]
fn missing_spreads_through_comparisons() {
    let g = |e: &str| give(json!({"x": 2}), e);
    assert_eq!(g("m == 1"), missing("m is missing"));
    assert_eq!(g("m != 1"), missing("m is missing"));
    assert_eq!(g("m == m"), missing("m is missing"));
    assert_eq!(g("x < m"), missing("m is missing"));
    assert_eq!(g("m <= 1"), missing("m is missing"));
    assert_eq!(g("m > 1"), missing("m is missing"));
    assert_eq!(g("m >= 1"), missing("m is missing"));
    assert_eq!(g("m between 1 and 3"), missing("m is missing"));
    assert_eq!(g("m in [1]"), missing("m is missing"));
    assert_eq!(g("m not in [1]"), missing("m is missing"));
    assert_eq!(g(r#"m contains "a""#), missing("m is missing"));
    assert_eq!(g(r#"m matches "a""#), missing("m is missing"));
}

#[test]
fn missing_spreads_through_calls() {
    let g = |e: &str| give(json!({"x": 2}), e);
    for call in [
        "len(m)",
        "lower(m)",
        "upper(m)",
        "trim(m)",
        "min(m, 1)",
        "max(1, m)",
        "clamp(m, 0, 1)",
        "clamp(x, m, 1)",
        "abs(m)",
        "round(m)",
        "round(x, m)",
        "floor(m)",
        "ceil(m)",
        "sqrt(m)",
        "log10(m)",
        "ln(m)",
        "number(m)",
        "overlap(m, [1])",
        "overlap([1], m)",
        "sum(m)",
        "avg(m)",
        "count(m, y => y > 0)",
        "all(m, y => y > 0)",
        "any(m, y => y > 0)",
    ] {
        assert_eq!(g(call), missing("m is missing"), "{call}");
    }
}

#[test]
fn missing_does_not_spread_through_has_and_coalesce() {
    let g = |e: &str| give(json!({"x": 2}), e);
    assert_eq!(g("has(m)"), Bool(false));
    assert_eq!(g("m ?? 1"), Num(1.0));
    assert_eq!(g("(m ?? 1) + x"), Num(3.0));
    assert_eq!(g("has(m) or x > 1"), Bool(true));
}

// ------------------------------------------------------------ wrong types

#[test]
fn a_string_where_a_number_is_needed_is_an_error() {
    let v = verdict(
        "require micro: followers >= 1k",
        json!({"followers": "8,421"}),
    );
    assert_eq!(v.status, Status::Error);
    assert_eq!(
        failed(&v),
        [(
            "micro",
            r#"followers is "8,421", a string, where a number is needed; write number(followers) to read it as a number"#
        )]
    );
    assert_eq!(v.score, None);
    assert_eq!(v.tier, None);
}

#[test]
fn no_number_hint_when_number_could_not_read_it() {
    assert_eq!(
        give(json!({"followers": "n/a"}), "followers + 1"),
        error(r#"followers is "n/a", a string, where a number is needed"#)
    );
    assert_eq!(
        give(json!({"followers": "12.5K"}), "followers + 1"),
        error(
            r#"followers is "12.5K", a string, where a number is needed; write number(followers) to read it as a number"#
        )
    );
    assert_eq!(
        give(json!({"x": true}), "-x"),
        error("x is true, a true/false value, where a number is needed")
    );
    assert_eq!(
        give(json!({"x": [1]}), "x * 2"),
        error("x is [1], a list, where a number is needed")
    );
}

#[test]
fn wrong_types_in_calls_are_errors() {
    assert_eq!(
        give(json!({"x": "2.5"}), "round(x)"),
        error(
            r#"x is "2.5", a string, where a number is needed; write number(x) to read it as a number"#
        )
    );
    assert_eq!(
        give(json!({"x": true}), "number(x)"),
        error("x is true, a true/false value, where a string is needed")
    );
    assert_eq!(
        give(json!({"x": "a"}), r#"overlap(x, ["a"])"#),
        error(r#"x is "a", a string, where a list is needed"#)
    );
    assert_eq!(
        give(json!({"x": 3}), "any(x, y => y > 1)"),
        error("x is 3, a number, where a list is needed")
    );
}

#[test]
fn an_error_is_for_that_creator_only() {
    let rules = compile("require micro: followers between 1k and 10k\nsignal s = 0.5");
    let records = vec![
        json!({"handle": "bad", "followers": "4,200"}),
        json!({"handle": "good", "followers": 4200}),
        json!({"handle": "small", "followers": 10}),
    ];
    let report = rules.screen(
        records,
        &RunOptions {
            all: true,
            ..Default::default()
        },
    );
    assert_eq!(
        (
            report.errors,
            report.accepted,
            report.rejected,
            report.evaluated
        ),
        (1, 1, 1, 3)
    );
    let creators = report.creators.expect("--all keeps every verdict");
    let statuses: Vec<_> = creators.iter().map(|v| (v.id.as_str(), v.status)).collect();
    assert_eq!(
        statuses,
        [
            ("bad", Status::Error),
            ("good", Status::Accepted),
            ("small", Status::Rejected)
        ]
    );
    assert_eq!(report.shortlist.len(), 1);
    assert_eq!(report.shortlist[0].id, "good");
}

#[test]
fn a_record_that_is_not_an_object_is_an_error() {
    let v = verdict("require r: x > 1", json!([1, 2]));
    assert_eq!(v.status, Status::Error);
    assert_eq!(
        failed(&v),
        [("record", "record 1 is a list, not an object of fields")]
    );
}

#[test]
fn a_requirement_that_is_not_true_or_false_is_an_error() {
    let v = verdict("require r: x", json!({"x": 3}));
    assert_eq!(v.status, Status::Error);
    assert_eq!(
        failed(&v),
        [(
            "r",
            "requirement r is 3, a number, where true or false is needed"
        )]
    );
}

// ------------------------------------------------------------- signals

#[test]
fn signals_are_clamped_and_keep_the_raw_value() {
    let rules = compile("signal s = x");
    for (x, raw, clamped) in [(2.5, 2.5, 1.0), (-1.0, -1.0, 0.0), (0.25, 0.25, 0.25)] {
        let v = rules.evaluate(&json!({ "x": x }));
        assert_eq!(v.signals.0[0].raw, Some(raw));
        assert_eq!(v.signals.0[0].clamped(), Some(clamped));
        assert_eq!(
            serde_json::to_value(&v.signals).unwrap(),
            json!({ "s": clamped })
        );
        assert_eq!(v.score, Some(clamped));
    }
}

#[test]
fn a_missing_signal_counts_zero_and_shows_null() {
    let v = verdict("signal a weight 3 = x\nsignal b = m", json!({"x": 0.8}));
    assert_eq!(v.status, Status::Accepted);
    assert_eq!(v.signals.0[1].raw, None);
    assert_eq!(
        serde_json::to_value(&v.signals).unwrap(),
        json!({"a": 0.8, "b": null})
    );
    assert!((v.score.unwrap() - 0.6).abs() < 1e-9, "{:?}", v.score);
    let v = verdict("signal s = x / y", json!({"x": 1, "y": 0}));
    assert_eq!(
        serde_json::to_value(&v.signals).unwrap(),
        json!({"s": null})
    );
    assert_eq!(v.score, Some(0.0));
}

#[test]
fn score_is_the_weighted_mean() {
    let src = "signal a weight 5 = x\nsignal b weight 3 = y\nsignal c weight 2 = z";
    let v = verdict(src, json!({"x": 0.9, "y": 0.5, "z": 2.0}));
    // (5 * 0.9 + 3 * 0.5 + 2 * 1) / 10, with z clamped to 1
    assert!((v.score.unwrap() - 0.8).abs() < 1e-9, "{:?}", v.score);
    let v = verdict("signal a = x\nsignal b = y", json!({"x": 0.2, "y": 0.6}));
    assert!((v.score.unwrap() - 0.4).abs() < 1e-9, "{:?}", v.score);
    let v = verdict(
        "signal a weight 0.5 = x\nsignal b weight 1.5 = y",
        json!({"x": 1, "y": 0}),
    );
    assert!((v.score.unwrap() - 0.25).abs() < 1e-9, "{:?}", v.score);
}

#[test]
fn no_signals_score_one() {
    let v = verdict("require r: x > 0", json!({"x": 1}));
    assert_eq!(v.score, Some(1.0));
    assert!(v.signals.0.is_empty());
    assert_eq!(serde_json::to_value(&v.signals).unwrap(), json!({}));
}

#[test]
fn rejected_creators_are_scored_too() {
    let v = verdict("require r: x > 5\nsignal s = x / 10", json!({"x": 3}));
    assert_eq!(v.status, Status::Rejected);
    assert_eq!(v.score, Some(0.3));
    assert_eq!(v.tier, None);
}

#[test]
fn a_signal_of_the_wrong_kind_is_an_error() {
    let v = verdict("signal s = x", json!({"x": "abc"}));
    assert_eq!(v.status, Status::Error);
    assert_eq!(v.failed[0].rule, "signal s");
    assert!(
        v.failed[0].reason.contains(r#""abc", a string"#),
        "{:?}",
        v.failed
    );
    assert_eq!(v.score, None);
}

#[test]
fn a_signal_of_a_numeric_string_names_the_field() {
    let v = verdict("signal s = x", json!({"x": "12%"}));
    assert_eq!(v.status, Status::Error);
    assert_eq!(
        failed(&v),
        [(
            "signal s",
            r#"x is "12%", a string, where a number is needed; write number(x) to read it as a number"#
        )]
    );
}

// --------------------------------------------------------- requirements

#[test]
fn a_missing_requirement_fails_by_default() {
    let r = json!({});
    assert_eq!(
        require(r.clone(), "authenticity_score >= 0.7"),
        r_fails(Status::Rejected, "authenticity_score is missing")
    );
    assert_eq!(
        require(r, "authenticity_score >= 0.7 when missing fail"),
        r_fails(Status::Rejected, "authenticity_score is missing")
    );
}

#[test]
fn when_missing_pass_and_review() {
    let r = json!({});
    assert_eq!(require(r.clone(), "x >= 0.7 when missing pass"), passes());
    assert_eq!(
        require(r.clone(), "x >= 0.7 when missing review"),
        r_fails(Status::Review, "x is missing")
    );
    // `when missing` only matters when the result is missing
    assert_eq!(
        require(json!({"x": 0.1}), "x >= 0.7 when missing pass"),
        r_fails(Status::Rejected, "x is 0.1, needs >= 0.7")
    );
    assert_eq!(
        require(json!({"x": 0.1}), "x >= 0.7 when missing review"),
        r_fails(Status::Rejected, "x is 0.1, needs >= 0.7")
    );
    assert_eq!(
        require(json!({"x": 0.9}), "x >= 0.7 when missing review"),
        passes()
    );
}

#[test]
fn review_yields_to_a_rejection() {
    let src = "require a: x > 1 when missing review\nrequire b: y > 1";
    let v = verdict(src, json!({"y": 0}));
    assert_eq!(v.status, Status::Rejected);
    assert_eq!(failed(&v), [("b", "y is 0, needs > 1")]);
    let v = verdict(src, json!({"y": 5}));
    assert_eq!(v.status, Status::Review);
    assert_eq!(failed(&v), [("a", "x is missing")]);
    assert_eq!(v.tier, None);
}

#[test]
fn else_message_replaces_the_reason() {
    let decl = r#"country in ["US", "CA", "GB"] else "ships to US, CA and GB only""#;
    assert_eq!(
        require(json!({"country": "FR"}), decl),
        r_fails(Status::Rejected, "ships to US, CA and GB only")
    );
    assert_eq!(require(json!({"country": "GB"}), decl), passes());
}

#[test]
fn else_message_with_a_missing_result_keeps_what_was_missing() {
    // docs/language.md is silent on how `else` and a missing field combine; the
    // implementation keeps both, which honours "its reason names the missing field".
    let decl = r#"country in ["US"] else "US only""#;
    assert_eq!(
        require(json!({}), decl),
        r_fails(Status::Rejected, "US only (country is missing)")
    );
    assert_eq!(
        require(json!({}), &format!("{decl} when missing review")),
        r_fails(Status::Review, "US only (country is missing)")
    );
}

#[test]
fn reasons_name_the_values() {
    let g = |rec: Json, decl: &str| require(rec, decl).1[0].1.clone();
    assert_eq!(
        g(json!({"followers": 512}), "followers between 1k and 10k"),
        "followers is 512, needs between 1000 and 10000"
    );
    assert_eq!(
        g(json!({"engagement_rate": 0.02}), "engagement_rate >= 3%"),
        "engagement_rate is 0.02, needs >= 0.03"
    );
    assert_eq!(
        g(json!({"country": "FR"}), r#"country in ["US", "CA"]"#),
        r#"country is "FR", needs one of "US", "CA""#
    );
    assert_eq!(
        g(json!({"country": "US"}), r#"country not in ["US", "CA"]"#),
        r#"country is "US", which is excluded"#
    );
    assert_eq!(
        g(json!({"bio": "travel"}), r#"bio contains "vegan""#),
        r#"bio is "travel", which does not contain "vegan""#
    );
    assert_eq!(
        g(json!({"h": "Maya"}), r#"h matches "^[a-z]+$""#),
        r#"h is "Maya", which does not match "^[a-z]+$""#
    );
    assert_eq!(g(json!({"x": 5}), "not x > 3"), "x is 5, so x > 3 holds");
    assert_eq!(
        g(json!({"x": 5, "y": 1}), "x > 1 and y > 1"),
        "y is 1, needs > 1"
    );
    assert_eq!(
        g(json!({"x": 0, "y": 1}), "x > 1 or y > 1"),
        "neither holds: x is 0, needs > 1; y is 1, needs > 1"
    );
    assert_eq!(
        g(json!({"x": 2}), "x / 3 >= 1"),
        "x / 3 is 0.666667, needs >= 1"
    );
}

#[test]
fn a_missing_reason_names_the_missing_field() {
    let g = |rec: Json, decl: &str| require(rec, decl).1[0].1.clone();
    assert_eq!(
        g(json!({}), "authenticity_score >= 0.7"),
        "authenticity_score is missing"
    );
    assert_eq!(
        g(json!({"audience": {}}), "audience.female_share >= 0.5"),
        "audience.female_share is missing"
    );
    assert_eq!(
        g(json!({"a": 1, "b": null}), "a / b > 0.01"),
        "b is missing"
    );
    assert_eq!(
        g(json!({"a": 1, "b": 0}), "a / b > 0.01"),
        "a / b divides by zero"
    );
}

#[test]
fn every_failed_requirement_is_listed_in_file_order() {
    let src = "require a: x > 1\nrequire b: y > 1\nrequire c: z > 1";
    let v = verdict(src, json!({"x": 0, "y": 5}));
    assert_eq!(v.status, Status::Rejected);
    assert_eq!(
        failed(&v),
        [("a", "x is 0, needs > 1"), ("c", "z is missing")]
    );
}

// ---------------------------------------------------------------- tiers

const TIERED: &str = "
signal s = x
tier gold   when score >= 0.8
tier silver when score >= 0.6
tier bronze otherwise
";

#[test]
fn the_first_matching_tier() {
    let tier = |x: f64| verdict(TIERED, json!({ "x": x })).tier;
    assert_eq!(tier(0.95), Some("gold".into()));
    assert_eq!(tier(0.8), Some("gold".into()));
    assert_eq!(tier(0.79), Some("silver".into()));
    assert_eq!(tier(0.6), Some("silver".into()));
    assert_eq!(tier(0.1), Some("bronze".into()));
    assert_eq!(tier(7.0), Some("gold".into())); // clamped score
}

#[test]
fn the_first_tier_wins_even_when_later_ones_hold() {
    let src = "tier a when x > 0\ntier b when x > 1\ntier c otherwise";
    assert_eq!(verdict(src, json!({"x": 5})).tier, Some("a".into()));
    assert_eq!(verdict(src, json!({"x": 0})).tier, Some("c".into()));
}

#[test]
fn no_tier_without_otherwise_when_none_holds() {
    let src = "tier a when x > 1";
    assert_eq!(verdict(src, json!({"x": 0})).tier, None);
    assert_eq!(verdict(src, json!({})).tier, None); // missing does not hold
}

#[test]
fn tiers_only_for_accepted_creators() {
    let src = format!("require r: y > 0 when missing review\n{TIERED}");
    assert_eq!(
        verdict(&src, json!({"x": 0.9, "y": 1})).tier,
        Some("gold".into())
    );
    assert_eq!(verdict(&src, json!({"x": 0.9, "y": -1})).tier, None);
    assert_eq!(verdict(&src, json!({"x": 0.9})).tier, None);
    assert_eq!(verdict(&src, json!({"x": 0.9, "y": "1"})).tier, None);
}

// ------------------------------------------------------------- lets

#[test]
fn constant_lets() {
    let src = r#"
let beauty = ["skincare", "beauty", "makeup"]
let min_rate = 3%
require niche: overlap(niches, beauty) >= 1
require engaged: engagement_rate >= min_rate
signal niche = overlap(niches, beauty) / len(beauty)
"#;
    let v = verdict(
        src,
        json!({"niches": ["beauty", "makeup"], "engagement_rate": 0.05}),
    );
    assert_eq!(v.status, Status::Accepted);
    assert_eq!(v.signals.0[0].raw, Some(2.0 / 3.0));
    let v = verdict(src, json!({"niches": ["travel"], "engagement_rate": 0.01}));
    assert_eq!(
        failed(&v),
        [
            ("niche", "overlap(niches, beauty) is 0, needs >= 1"),
            ("engaged", "engagement_rate is 0.01, needs >= 0.03")
        ]
    );
}

#[test]
fn per_creator_lets() {
    let src =
        "let conversion = conversions_30d / link_clicks_30d\nsignal marketing = conversion * 10";
    let rules = compile(src);
    let raw = |rec: Json| rules.evaluate(&rec).signals.0[0].raw;
    assert_eq!(
        raw(json!({"conversions_30d": 5, "link_clicks_30d": 100})),
        Some(0.5)
    );
    assert_eq!(
        raw(json!({"conversions_30d": 30, "link_clicks_30d": 200})),
        Some(1.5)
    );
    assert_eq!(
        raw(json!({"conversions_30d": 30, "link_clicks_30d": 0})),
        None
    );
}

#[test]
fn lets_may_use_later_lets() {
    let src = "let a = b * 2\nlet b = x + 1\nrequire r: a == 8";
    assert_eq!(verdict(src, json!({"x": 3})).status, Status::Accepted);
    assert_eq!(verdict(src, json!({"x": 4})).status, Status::Rejected);
}

#[test]
fn a_boolean_let_explains_itself() {
    let src = "let big = followers > 1k\nrequire r: big";
    let v = verdict(src, json!({"followers": 10}));
    assert_eq!(
        failed(&v),
        [("r", "big is false (followers is 10, needs > 1000)")]
    );
}

// ----------------------------------------------------- name resolution

#[test]
fn a_lambda_parameter_shadows_a_let() {
    let src = "let x = 100\nrequire r: any(xs, x => x == 1)";
    assert_eq!(verdict(src, json!({"xs": [1]})).status, Status::Accepted);
    assert_eq!(verdict(src, json!({"xs": [100]})).status, Status::Rejected);
}

#[test]
fn a_lambda_parameter_shadows_a_field() {
    let src = "require r: all(xs, followers => followers < 5)";
    assert_eq!(
        verdict(src, json!({"xs": [1, 2], "followers": 9})).status,
        Status::Accepted
    );
}

#[test]
fn a_let_shadows_a_field_of_the_same_name() {
    let src = "let followers = 7\nrequire r: followers == 7";
    assert_eq!(
        verdict(src, json!({"followers": 100})).status,
        Status::Accepted
    );
    // the record stays reachable through `creator`
    let src = "let followers = 7\nrequire r: creator.followers == 100";
    assert_eq!(
        verdict(src, json!({"followers": 100})).status,
        Status::Accepted
    );
}

#[test]
fn a_signal_shadows_a_field_of_the_same_name() {
    let src = "signal er = 0.5\nrequire r: er == 0.5";
    assert_eq!(verdict(src, json!({"er": 9})).status, Status::Accepted);
}

#[test]
fn a_signal_name_reads_its_clamped_value() {
    let src = "signal big = x\nrequire r: big == 1";
    let v = verdict(src, json!({"x": 5}));
    assert_eq!(v.status, Status::Accepted, "{:?}", v.failed);
    let v = verdict("signal low = x\nsignal copy = low + 0.5", json!({"x": -3}));
    assert_eq!(v.signals.0[1].raw, Some(0.5));
}

#[test]
fn a_signal_name_within_range_reads_its_value() {
    let src = "signal half = x / 2\nrequire r: half == 0.25";
    assert_eq!(verdict(src, json!({"x": 0.5})).status, Status::Accepted);
}

#[test]
fn score_in_requirements_tiers_and_rank() {
    let src = "signal s = x\nrequire good: score >= 0.5\ntier top when score >= 0.9\ntier rest otherwise\nrank by score";
    let v = verdict(src, json!({"x": 0.3}));
    assert_eq!(failed(&v), [("good", "score is 0.3, needs >= 0.5")]);
    let v = verdict(src, json!({"x": 0.95}));
    assert_eq!(v.status, Status::Accepted);
    assert_eq!(v.tier, Some("top".into()));
    assert_eq!(v.rank_key, Some(RankKey::Number(0.95)));
}

#[test]
fn rank_by_tier_reads_the_tier_name() {
    let src = "tier a when x > 1\ntier b otherwise\nrank by tier asc";
    assert_eq!(
        verdict(src, json!({"x": 5})).rank_key,
        Some(RankKey::Text("a".into()))
    );
    assert_eq!(
        verdict(src, json!({"x": 0})).rank_key,
        Some(RankKey::Text("b".into()))
    );
}

#[test]
fn a_field_named_score_is_reachable_through_creator() {
    let v = verdict("require r: creator.score == 42", json!({"score": 42}));
    assert_eq!(v.status, Status::Accepted);
    // bare `score` is the weighted score, not the field
    let v = verdict("require r: score == 1", json!({"score": 42}));
    assert_eq!(v.status, Status::Accepted);
}

// ------------------------------------------------------ the design example

#[test]
fn the_design_example_ruleset() {
    let src = r#"
ruleset "Glow reps, spring"                      # optional name, shown in reports

let beauty = ["skincare", "beauty", "makeup", "wellness"]
let conversion = conversions_30d / link_clicks_30d      # per creator

require micro:     followers between 1k and 10k
require engaged:   engagement_rate >= 3%
require niche_fit: overlap(niches, beauty) >= 1
require market:    country in ["US", "CA", "GB"] else "ships to US, CA and GB only"
require authentic: authenticity_score ?? 1 >= 0.7

signal engagement weight 5 = engagement_rate / 8%
signal niche      weight 3 = overlap(niches, beauty) / len(beauty)
signal marketing  weight 2 = conversion * 10
signal customer   weight 1 = if is_customer then 1 else 0

tier gold   when score >= 0.8
tier silver when score >= 0.6
tier bronze otherwise

rank by score desc
limit 50

example "a tiny account is turned away" {
  creator { handle: "a", followers: 500, engagement_rate: 6%, niches: ["beauty"], country: "US" }
  expect rejected by micro
}
"#;
    let maya = json!({
        "handle": "maya", "followers": 4200, "engagement_rate": 0.06,
        "niches": ["skincare", "beauty"], "country": "US", "is_customer": true,
        "conversions_30d": 12, "link_clicks_30d": 200
    });
    let v = verdict(src, maya);
    assert_eq!(v.status, Status::Accepted, "{:?}", v.failed);
    // (5 * 0.75 + 3 * 0.5 + 2 * 0.6 + 1 * 1) / 11
    let want = (5.0 * 0.75 + 3.0 * 0.5 + 2.0 * 0.6 + 1.0) / 11.0;
    assert!((v.score.unwrap() - want).abs() < 1e-9, "{:?}", v.score);
    assert_eq!(v.tier, Some("silver".into()));
    let tiny = json!({"handle": "a", "followers": 500, "engagement_rate": 0.06,
                      "niches": ["beauty"], "country": "FR", "authenticity_score": 0.5});
    let v = verdict(src, tiny);
    assert_eq!(
        failed(&v),
        [
            ("micro", "followers is 500, needs between 1000 and 10000"),
            ("market", "ships to US, CA and GB only"),
            ("authentic", "authenticity_score ?? 1 is 0.5, needs >= 0.7"),
        ]
    );
}

// Lambdas over lists of objects, `median`, `missing`: tests/eval/lists.rs.
#[path = "eval/lists.rs"]
mod lists;

// Text, yes/no, decimal marks, dates, several rank keys: tests/eval/text.rs.
#[path = "eval/text.rs"]
mod text;
// docs/language.md section 12: a wrong-kind value makes a creator `error`
// only when it could change the verdict.

#[test]
fn a_total_row_rejected_by_a_requirement_is_rejected_with_the_error_listed() {
    let src = "require real_row: handle != \"TOTAL\"\nsignal engagement = engagement_rate / 8%";
    let v = verdict(src, json!({"handle": "TOTAL", "engagement_rate": "n/a"}));
    assert_eq!(v.status, Status::Rejected);
    assert_eq!(
        failed(&v),
        [
            ("real_row", r#"handle is "TOTAL", needs != "TOTAL""#),
            (
                "signal engagement",
                r#"engagement_rate is "n/a", a string, where a number is needed"#
            )
        ]
    );
    let errors: Vec<bool> = v.failed.iter().map(|f| f.error).collect();
    assert_eq!(errors, [false, true]);
    // the signal in error is unknown, and so is the score
    assert_eq!(v.signals.0[0].raw, None);
    assert_eq!(v.score, None);
}

#[test]
fn an_error_in_one_requirement_does_not_hide_a_failure_in_a_later_one() {
    let src = "require a: followers > 1k\nrequire b: country == \"US\"";
    let v = verdict(src, json!({"followers": "3.3k", "country": "DE"}));
    assert_eq!(v.status, Status::Rejected);
    let rules: Vec<(&str, bool)> = v
        .failed
        .iter()
        .map(|f| (f.rule.as_str(), f.error))
        .collect();
    assert_eq!(rules, [("a", true), ("b", false)]);
    // no failure: the requirement in error could have rejected or not
    let v = verdict(src, json!({"followers": "3.3k", "country": "US"}));
    assert_eq!(v.status, Status::Error);
    assert_eq!(failed(&v).len(), 1);
    assert_eq!(v.failed[0].rule, "a");
}

#[test]
fn a_signal_error_of_a_creator_otherwise_accepted_is_an_error() {
    let v = verdict("require r: x > 1\nsignal s = y", json!({"x": 2, "y": "a"}));
    assert_eq!(v.status, Status::Error);
    assert_eq!(v.failed[0].rule, "signal s");
    assert_eq!(v.score, None);
}

#[test]
fn a_creator_in_review_stays_in_review_with_a_signal_error_listed() {
    let src = "require r: x > 1 when missing review\nsignal s = y";
    let v = verdict(src, json!({"y": "a"}));
    assert_eq!(v.status, Status::Review);
    let rules: Vec<(&str, bool)> = v
        .failed
        .iter()
        .map(|f| (f.rule.as_str(), f.error))
        .collect();
    assert_eq!(rules, [("r", false), ("signal s", true)]);
    assert_eq!(v.score, None);
}

#[test]
fn errors_listed_with_failures_count_in_neither_funnel_nor_failures() {
    let rules = compile("require a: x > 1\nrequire b: y > 1\nrequire c: z > 1");
    let records = vec![
        json!({"x": 0, "y": "text", "z": 5}),
        json!({"x": 5, "y": 5, "z": "text"}),
        json!({"x": 5, "y": 5, "z": 5}),
    ];
    let report = rules.screen(records, &RunOptions::default());
    assert_eq!((report.accepted, report.rejected, report.errors), (1, 1, 1));
    let removed: Vec<usize> = report.funnel.iter().map(|f| f.removed).collect();
    assert_eq!(removed, [1, 0, 0]);
    assert_eq!(report.failures["a"], 1);
    assert_eq!(report.failures["b"], 0);
}

#[test]
fn a_constant_in_the_creators_list_names_the_list() {
    let rec = json!({"niches": ["parenting"]});
    assert_eq!(
        require(rec.clone(), r#""skincare" in niches"#),
        r_fails(
            Status::Rejected,
            r#"niches is ["parenting"], needs to contain "skincare""#
        )
    );
    let rec2 = json!({"niches": ["skincare", "food"]});
    assert_eq!(
        require(rec2.clone(), r#""skincare" not in niches"#),
        r_fails(
            Status::Rejected,
            r#"niches is ["skincare", "food"], which contains "skincare""#
        )
    );
    assert_eq!(
        require(rec2, r#"not ("skincare" in niches)"#),
        r_fails(
            Status::Rejected,
            r#"niches is ["skincare", "food"], so ("skincare" in niches) holds"#
        )
    );
    // and the line saying what passes
    let rules = compile(r#"require r: "skincare" in niches"#);
    assert_eq!(
        distance_texts(&rules, &rec),
        [r#"niches ["parenting"]: needs to contain "skincare""#]
    );
    let rules = compile(r#"require r: "skincare" not in niches"#);
    assert_eq!(
        distance_texts(&rules, &json!({"niches": ["skincare"]})),
        [r#"niches ["skincare"]: needs not to contain "skincare""#]
    );
}

/// What `explain` says would make `record` pass the first requirement.
fn distance_texts(rules: &Ruleset, record: &Json) -> Vec<String> {
    let trace = rules.explain(record);
    trace.requirements[0]
        .distance
        .iter()
        .map(|d| d.text.clone())
        .collect()
}

#[test]
fn the_number_hint_is_given_for_every_form_of_field_path() {
    let hint = |path: &str, rec: Json| {
        let v = verdict(&format!("require r: {path} >= 1k"), rec);
        assert_eq!(v.status, Status::Error);
        v.failed[0].reason.clone()
    };
    assert_eq!(
        hint(
            r#"creator["Follower Count"]"#,
            json!({"Follower Count": "8,420"})
        ),
        r#"creator["Follower Count"] is "8,420", a string, where a number is needed; write number(creator["Follower Count"]) to read it as a number"#
    );
    assert_eq!(
        hint("posts[0].likes", json!({"posts": [{"likes": "1.2k"}]})),
        r#"posts[0].likes is "1.2k", a string, where a number is needed; write number(posts[0].likes) to read it as a number"#
    );
    assert_eq!(
        hint(
            r#"profile["stats.v2"].followers"#,
            json!({"profile": {"stats.v2": {"followers": "3k"}}})
        ),
        r#"profile["stats.v2"].followers is "3k", a string, where a number is needed; write number(profile["stats.v2"].followers) to read it as a number"#
    );
    // not a field path: number(...) of it is not the fix
    assert_eq!(
        hint("(x ?? 0)", json!({"x": "5"})),
        r#"(x ?? 0) is "5", a string, where a number is needed"#
    );
}
