//! `failed[].cause`: every kind of failure, error and damage as JSON data
//! beside its English reason (README, "Output"). Each test checks the
//! cause's keys and values and that the reason says the same.

mod common;

use common::*;
use influence_eval::Ruleset;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The first entry of `failed` for `record`, as JSON.
fn failure(rules: &str, record: Value) -> Value {
    let r = Ruleset::compile("t.rules", rules).expect("valid rules");
    let v = r.evaluate(&record);
    let f = v.failed.first().expect("a failure");
    serde_json::to_value(f).expect("serialises")
}

/// Checks the reason and the cause of the first failure.
fn check(rules: &str, record: Value, reason: &str, cause: Value) {
    let f = failure(rules, record);
    assert_eq!(f["reason"], reason, "{f}");
    assert_eq!(f["cause"], cause, "{f}");
}

#[test]
fn compare() {
    check(
        "require big: followers >= 1000",
        json!({"followers": 512}),
        "followers is 512, needs >= 1000",
        json!({"kind": "compare", "field": "followers", "value": 512, "op": ">=", "bound": 1000}),
    );
}

#[test]
fn compare_keeps_a_large_integer_as_written() {
    check(
        "require small: id < 5",
        json!({"id": 6812345678901234567u64}),
        "id is 6812345678901234567, needs < 5",
        json!({"kind": "compare", "field": "id", "value": 6812345678901234567u64, "op": "<", "bound": 5}),
    );
}

#[test]
fn between() {
    check(
        "require micro: followers between 1k and 10k",
        json!({"followers": 10412}),
        "followers is 10412, needs between 1000 and 10000",
        json!({"kind": "between", "field": "followers", "value": 10412, "low": 1000, "high": 10000}),
    );
}

#[test]
fn lacks() {
    check(
        r#"require skin: "skincare" in niches"#,
        json!({"niches": ["food"]}),
        r#"niches is ["food"], needs to contain "skincare""#,
        json!({"kind": "lacks", "field": "niches", "value": ["food"], "item": "skincare"}),
    );
}

#[test]
fn holds() {
    check(
        r#"require clean: "gambling" not in niches"#,
        json!({"niches": ["gambling"]}),
        r#"niches is ["gambling"], which contains "gambling""#,
        json!({"kind": "holds", "field": "niches", "value": ["gambling"], "item": "gambling"}),
    );
}

#[test]
fn not_one_of() {
    check(
        r#"require market: country in ["US", "CA"]"#,
        json!({"country": "FR"}),
        r#"country is "FR", needs one of "US", "CA""#,
        json!({"kind": "not_one_of", "field": "country", "value": "FR", "options": ["US", "CA"], "more": 0}),
    );
}

#[test]
fn not_one_of_names_a_long_list_in_part() {
    let list: Vec<String> = (1..=12).map(|i| i.to_string()).collect();
    let rules = format!("require listed: n in [{}]", list.join(", "));
    check(
        &rules,
        json!({"n": 40}),
        "n is 40, needs one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … 2 more",
        json!({"kind": "not_one_of", "field": "n", "value": 40,
               "options": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "more": 2}),
    );
}

#[test]
fn excluded() {
    check(
        r#"require market: country not in ["RU"]"#,
        json!({"country": "RU"}),
        r#"country is "RU", which is excluded"#,
        json!({"kind": "excluded", "field": "country", "value": "RU"}),
    );
}

#[test]
fn does_not_contain() {
    check(
        r#"require vegan: bio contains "vegan""#,
        json!({"bio": "meat"}),
        r#"bio is "meat", which does not contain "vegan""#,
        json!({"kind": "does_not_contain", "field": "bio", "value": "meat", "item": "vegan"}),
    );
}

#[test]
fn does_not_match() {
    check(
        r#"require lower: handle matches "^[a-z]+$""#,
        json!({"handle": "Ab"}),
        r#"handle is "Ab", which does not match "^[a-z]+$""#,
        json!({"kind": "does_not_match", "field": "handle", "value": "Ab", "pattern": "^[a-z]+$"}),
    );
}

#[test]
fn neither() {
    check(
        "require either: a > 1 or b > 1",
        json!({"a": 0, "b": 1}),
        "neither holds: a is 0, needs > 1; b is 1, needs > 1",
        json!({"kind": "neither", "causes": [
            {"kind": "compare", "field": "a", "value": 0, "op": ">", "bound": 1},
            {"kind": "compare", "field": "b", "value": 1, "op": ">", "bound": 1}
        ]}),
    );
}

#[test]
fn let_false_explained_once() {
    check(
        "let big = followers > 10\nrequire twice: big and big or big",
        json!({"followers": 3}),
        "neither holds: big is false (followers is 3, needs > 10); big is false",
        json!({"kind": "neither", "causes": [
            {"kind": "let_false", "let": "big", "because":
                {"kind": "compare", "field": "followers", "value": 3, "op": ">", "bound": 10}},
            {"kind": "let_false", "let": "big", "because": null}
        ]}),
    );
}

#[test]
fn negation_holds() {
    check(
        "require small: not (followers > 10)",
        json!({"followers": 30}),
        "followers is 30, so (followers > 10) holds",
        json!({"kind": "negation_holds", "condition": "(followers > 10)", "field": "followers", "value": 30}),
    );
    check(
        "require no: not verified",
        json!({"verified": true}),
        "verified holds",
        json!({"kind": "negation_holds", "condition": "verified"}),
    );
}

#[test]
fn false_condition() {
    check(
        "require customer: is_customer",
        json!({"is_customer": false}),
        "is_customer is false",
        json!({"kind": "false", "condition": "is_customer"}),
    );
}

#[test]
fn message() {
    check(
        r#"require market: country == "US" else "ships to the US only""#,
        json!({"country": "FR"}),
        "ships to the US only",
        json!({"kind": "message", "message": "ships to the US only"}),
    );
}

/// The cause of a requirement `EXPR > 0` (or `EXPR` when it is a
/// condition) that came out missing, for `record`.
fn missing(expr: &str, record: Value) -> Value {
    failure(&format!("require r: {expr}"), record)["cause"].clone()
}

#[test]
fn missing_under_fail_and_review() {
    check(
        "require authentic: score_a >= 0.7",
        json!({}),
        "score_a is missing",
        json!({"kind": "missing", "missing": "field", "field": "score_a", "when": "fail"}),
    );
    check(
        r#"require authentic: score_a >= 0.7 else "needs a score" when missing review"#,
        json!({}),
        "needs a score (score_a is missing)",
        json!({"kind": "missing", "missing": "field", "field": "score_a", "when": "review",
               "message": "needs a score"}),
    );
}

#[test]
fn missing_of_every_kind() {
    let cases = [
        (
            "xs[5] > 0",
            json!({"xs": [1]}),
            json!({"missing": "element", "field": "xs[5]"}),
        ),
        (
            "a / b > 0",
            json!({"a": 1, "b": 0}),
            json!({"missing": "division_by_zero", "field": "a / b"}),
        ),
        (
            "number(s) > 0",
            json!({"s": "abc"}),
            json!({"missing": "not_a_number", "field": "number(s)"}),
        ),
        (
            "sqrt(x) > 0",
            json!({"x": -1}),
            json!({"missing": "no_result", "field": "sqrt(x)"}),
        ),
        (
            "xs == [1, 2]",
            json!({"xs": [1, null]}),
            json!({"missing": "element_of_list", "field": "xs"}),
        ),
        (
            "avg(xs) > 0",
            json!({"xs": []}),
            json!({"missing": "empty", "field": "avg(xs)"}),
        ),
        (
            "missing > 0",
            json!({}),
            json!({"missing": "written", "line": 1}),
        ),
        (
            "sum(posts, p => p.likes) > 0",
            json!({"posts": [{"likes": 1}, {}]}),
            json!({"missing": "list_element", "field": "posts[1].likes"}),
        ),
        (
            "first(xs, x => x > 5) > 0",
            json!({"xs": [1]}),
            json!({"missing": "no_match", "field": "xs", "condition": "x => x > 5"}),
        ),
        (
            "bool(flag)",
            json!({"flag": " "}),
            json!({"missing": "blank", "field": "bool(flag)"}),
        ),
    ];
    for (expr, record, want) in cases {
        let mut want = want;
        want["kind"] = json!("missing");
        want["when"] = json!("fail");
        assert_eq!(missing(expr, record), want, "{expr}");
    }
}

#[test]
fn wrong_kind_with_the_fix() {
    check(
        "require big: followers > 1000",
        json!({"followers": "3.3k"}),
        "followers is \"3.3k\", a string, where a number is needed; write number(followers) to read it as a number",
        json!({"kind": "wrong_kind", "field": "followers", "value": "3.3k", "found": "string",
               "needed": "number", "fix": "number(followers)"}),
    );
    check(
        r#"require recent: joined > date("2020-01-01")"#,
        json!({"joined": "2024-05-01"}),
        "joined is \"2024-05-01\", a string, where a date is needed; write date(joined) to read it as a date",
        json!({"kind": "wrong_kind", "field": "joined", "value": "2024-05-01", "found": "string",
               "needed": "date", "fix": "date(joined)"}),
    );
    check(
        "require many: sum(posts, p => p.likes) > 10",
        json!({"posts": [{"likes": "1.2k"}]}),
        "posts[0].likes is \"1.2k\", a string, where a number is needed; write `sum(posts, p => number(p.likes))` to read it as a number",
        json!({"kind": "wrong_kind", "field": "posts[0].likes", "value": "1.2k", "found": "string",
               "needed": "number", "fix": "sum(posts, p => number(p.likes))"}),
    );
}

#[test]
fn wrong_kind_in_a_signal_tier_and_rank_key() {
    let f = failure("signal s = rate", json!({"rate": [1]}));
    assert_eq!(f["rule"], "signal s");
    assert_eq!(f["error"], true);
    assert_eq!(
        f["cause"],
        json!({"kind": "wrong_kind", "field": "rate", "value": [1], "found": "list", "needed": "number"})
    );
    let f = failure(
        "tier gold when name\ntier rest otherwise",
        json!({"name": "x"}),
    );
    assert_eq!(f["rule"], "tier");
    assert_eq!(
        f["cause"],
        json!({"kind": "wrong_kind", "field": "tier gold condition", "value": "x", "found": "string", "needed": "bool"})
    );
    let f = failure("rank by tags", json!({"tags": [true]}));
    assert_eq!(f["rule"], "rank by");
    assert_eq!(
        f["reason"],
        "tags is [true], a list, where a number, a string or a date is needed"
    );
    assert_eq!(
        f["cause"],
        json!({"kind": "wrong_kind", "field": "tags", "value": [true], "found": "list",
               "needed": "number_string_or_date"})
    );
    let f = failure("require r: flag and true", json!({"flag": 3}));
    assert_eq!(f["cause"]["needed"], "bool");
    assert_eq!(
        f["reason"],
        "flag (in and) is 3, a number, where true or false is needed"
    );
}

#[test]
fn list_has_no_fields() {
    check(
        "require r: posts.likes > 3",
        json!({"posts": [{"likes": 1}]}),
        "posts is a list, which has no fields; to read `likes` of each element write `map(posts, p => p.likes)`, or aggregate it: `sum(posts, p => p.likes)`",
        json!({"kind": "list_has_no_fields", "field": "posts", "key": "likes"}),
    );
}

#[test]
fn empty_separator_and_replace() {
    let f = failure(
        r#"require r: len(split(tags, sep)) > 0"#,
        json!({"tags": "a,b", "sep": ""}),
    );
    assert_eq!(
        f["reason"],
        "the separator sep of split(tags, sep) is empty"
    );
    assert_eq!(
        f["cause"],
        json!({"kind": "empty_separator", "call": "split(tags, sep)", "argument": "sep"})
    );
    let f = failure(
        r#"require r: replace(bio, from, "x") == """#,
        json!({"bio": "a", "from": ""}),
    );
    assert_eq!(
        f["reason"],
        "the text to replace, from, of replace(bio, from, \"x\") is empty"
    );
    assert_eq!(
        f["cause"],
        json!({"kind": "empty_replace", "call": "replace(bio, from, \"x\")", "argument": "from"})
    );
}

#[test]
fn not_a_yes_no_word() {
    check(
        "require r: bool(flag)",
        json!({"flag": 7}),
        "bool(flag): 7, a number, is not a yes/no word (true: true yes y 1 x ✓; false: false no n 0 -)",
        json!({"kind": "not_a_yes_no_word", "call": "bool(flag)", "value": 7, "found": "number"}),
    );
}

#[test]
fn not_a_date() {
    let f = failure(
        r#"require r: days_since(joined) < 30"#,
        json!({"joined": "soon"}),
    );
    assert!(
        f["reason"]
            .as_str()
            .unwrap()
            .starts_with("days_since(joined): \"soon\" is not a date (accepted: "),
        "{f}"
    );
    assert_eq!(
        f["cause"],
        json!({"kind": "not_a_date", "call": "days_since(joined)", "value": "soon", "found": "string"})
    );
}

#[test]
fn step_budget() {
    let r = Ruleset::compile("t.rules", "require r: count(xs, x => x in xs) > 0")
        .expect("valid rules")
        .with_max_steps(50);
    let xs: Vec<u32> = (0..100).collect();
    let v = r.evaluate(&json!({"xs": xs}));
    let f = serde_json::to_value(&v.failed[0]).expect("serialises");
    assert!(f["reason"]
        .as_str()
        .unwrap()
        .starts_with("evaluation stopped after 50 steps"));
    assert_eq!(f["cause"], json!({"kind": "step_budget", "steps": 50}));
}

/// Runs `rules` over the file `name` holding `data`, `--format ndjson`:
/// each creator's first failure.
fn run_over(name: &str, data: &[u8], rules: &str) -> Vec<Value> {
    // a folder of its own for each call: the tests run in parallel
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = scratch(&format!("causes-{n}"));
    let rules = write(&dir, "r.rules", rules);
    let data = write(&dir, name, data);
    let o = run(&[p(&rules), p(&data), "--format", "ndjson"]);
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line"))
        .map(|v| v["failed"][0].clone())
        .collect()
}

#[test]
fn not_an_object() {
    let out = run_over(
        "d.ndjson",
        b"{\"handle\": \"a\"}\n[1, 2]\n",
        "require r: true",
    );
    assert_eq!(
        out[1]["reason"],
        "line 2: record 2 is a list, not an object of fields"
    );
    assert_eq!(
        out[1]["cause"],
        json!({"kind": "not_an_object", "line": 2, "record": 2, "found": "list"})
    );
}

/// The damage cause of the one damaged record among `data`.
fn damage(name: &str, data: &[u8]) -> Value {
    let out = run_over(name, data, "require r: true");
    let damaged: Vec<&Value> = out.iter().filter(|f| f["rule"] == "record").collect();
    assert_eq!(damaged.len(), 1, "{out:?}");
    let f = damaged[0];
    let line = f["cause"]["line"].as_u64().expect("a line");
    assert!(
        f["reason"]
            .as_str()
            .unwrap()
            .starts_with(&format!("line {line}: ")),
        "{f}"
    );
    assert_eq!(f["error"], true);
    f["cause"].clone()
}

#[test]
fn damage_not_json() {
    let c = damage("d.ndjson", b"{\"a\": 1}\n{\"a\": tru}\n");
    assert_eq!(c["kind"], "damage");
    assert_eq!(c["damage"], "not_json");
    assert_eq!(c["line"], 2);
    assert_eq!(c["column"], 10);
    assert!(
        c["error"].as_str().unwrap().starts_with("expected ident"),
        "{c}"
    );
}

#[test]
fn damage_too_deep_and_number_too_large() {
    let deep = format!("{}{}\n", "[".repeat(200), "]".repeat(200));
    let c = damage("d.ndjson", format!("{{\"a\": 1}}\n{deep}").as_bytes());
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 2, "damage": "too_deep", "limit": 127})
    );
    let c = damage("e.ndjson", b"{\"a\": 1e400}\n");
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 1, "damage": "number_too_large"})
    );
}

#[test]
fn damage_key_twice() {
    let c = damage("d.ndjson", b"{\"a\": 1, \"a\": 2}\n");
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 1, "damage": "key_twice", "key": "a"})
    );
    // over several lines of an array: where the second is
    let c = damage("d.json", b"[\n{\"b\": 1},\n{\"a\": 1,\n \"a\": 2}\n]\n");
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 3, "damage": "key_twice", "key": "a", "second_line": 4})
    );
}

#[test]
fn damage_invalid_utf8() {
    let c = damage("d.ndjson", b"{\"a\": \"\xff\"}\n");
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 1, "damage": "invalid_utf8", "byte": 8})
    );
}

#[test]
fn damage_too_long() {
    let dir = scratch("causes-too-long");
    let data = dir.join("d.ndjson");
    write_repeated(
        &data,
        b"{\"a\": \"",
        b"xxxxxxxxxxxxxxxx",
        17 << 20,
        b"\"}\n{\"a\": 1}\n",
    );
    let rules = write(&dir, "r.rules", "require r: true");
    let o = run(&[p(&rules), p(&data), "--format", "ndjson"]);
    let first: Value = serde_json::from_str(stdout(&o).lines().next().expect("a line")).unwrap();
    let c = &first["failed"][0]["cause"];
    assert_eq!(c["damage"], "too_long", "{c}");
    assert_eq!(c["what"], "line");
    assert_eq!(c["limit"], 16 << 20);
    assert!(c["bytes"].as_u64().unwrap() > 16 << 20, "{c}");
}

#[test]
fn damage_of_csv_rows() {
    let c = damage("d.csv", b"handle,n\na,1\nb,2,3\n");
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 3, "damage": "cell_count", "cells": 3, "header": 2})
    );
    let c = damage("e.csv", b"handle,n\na,\xff\n");
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 2, "damage": "cell_not_utf8", "cell": "n", "byte": 1})
    );
    let c = damage("f.csv", b"handle,n\na,\"1\n");
    assert_eq!(
        c,
        json!({"kind": "damage", "line": 2, "damage": "unclosed_quote", "cell": "n", "index": 2,
               "end": "end_of_file"})
    );
}

#[test]
fn damage_cell_error() {
    use rust_xlsxwriter::{Formula, Workbook};
    let dir = scratch("causes-sheet");
    let book = dir.join("b.xlsx");
    let mut wb = Workbook::new();
    let s = wb.add_worksheet().set_name("Creators").expect("a name");
    s.write_string(0, 0, "handle").expect("writes");
    s.write_string(0, 1, "n").expect("writes");
    s.write_string(1, 0, "a").expect("writes");
    s.write_formula(1, 1, Formula::new("=1/0").set_result("#DIV/0!"))
        .expect("writes");
    wb.save(&book).expect("saves");
    let rules = write(&dir, "r.rules", "require r: true");
    let o = run(&[p(&rules), p(&book), "--format", "ndjson"]);
    let first: Value = serde_json::from_str(stdout(&o).lines().next().expect("a line")).unwrap();
    assert_eq!(
        first["failed"][0]["cause"],
        json!({"kind": "damage", "line": 2, "damage": "cell_error", "sheet": "Creators", "row": 2,
               "cell": "n", "error": "#DIV/0!"})
    );
}

#[test]
fn json_reports_carry_the_cause_beside_the_reason() {
    let dir = scratch("causes-report");
    let rules = write(&dir, "r.rules", "require big: followers >= 1000");
    let data = write(&dir, "d.json", r#"[{"handle": "a", "followers": 999}]"#);
    for args in [vec!["--all"], vec!["--near-misses", "1"]] {
        let mut a = vec![p(&rules), p(&data), "--format", "json"];
        a.extend(args);
        let r = json_of(&run(&a));
        let f = match &r["creators"] {
            Value::Array(c) => c[0]["failed"][0].clone(),
            _ => r["near_misses"][0].clone(),
        };
        assert_eq!(f["reason"], "followers is 999, needs >= 1000");
        assert_eq!(
            f["cause"],
            json!({"kind": "compare", "field": "followers", "value": 999, "op": ">=", "bound": 1000})
        );
    }
}
