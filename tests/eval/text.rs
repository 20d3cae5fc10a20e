//! One-line evaluation tests for the text, yes/no, decimal-mark and date
//! functions and for `rank by` with several keys (docs/language.md,
//! sections 10 and 11), in the style of tests/eval.rs: `give(record,
//! "expression")` says what the expression came to for that record.
//! The helpers (`give`, `lit`, the run's date 2026-12-02) are tests/eval.rs's.

use super::*;

/// The codes of the diagnostics of a rules file.
fn codes(src: &str) -> Vec<&'static str> {
    match Ruleset::compile("test.rules", src) {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics.iter().map(|d| d.code).collect(),
    }
}

// ---- split, starts_with, ends_with, replace ----

#[test]
fn split_trims_and_drops_empty_parts() {
    assert_eq!(
        lit(r#"split(" a, b,,c ", ",") == ["a", "b", "c"]"#),
        Bool(true)
    );
    assert_eq!(lit(r#"len(split("", ","))"#), Num(0.0));
    assert_eq!(lit(r#"split("a--b", "--") == ["a", "b"]"#), Bool(true));
    let row = json!({"Niche(s)": "skincare, makeup"});
    assert_eq!(
        give(
            row.clone(),
            r#""skincare" in split(creator["Niche(s)"], ",")"#
        ),
        Bool(true)
    );
    let row = json!({"Niche(s)": "not skincare, makeup"});
    assert_eq!(
        give(row, r#""skincare" in split(creator["Niche(s)"], ",")"#),
        Bool(false)
    );
}

#[test]
fn split_missing_and_wrong_kinds() {
    assert_eq!(
        give(json!({}), r#"split(niches, ",")"#),
        missing("niches is missing")
    );
    assert_eq!(
        give(json!({"niches": 3}), r#"split(niches, ",")"#),
        error("niches is 3, a number, where a string is needed")
    );
    assert_eq!(
        give(json!({"n": "a,b", "sep": ""}), "split(n, sep)"),
        error("the separator sep of split(n, sep) is empty")
    );
    assert_eq!(
        codes(r#"let x = split(niches, "")"#),
        ["influence::empty-text"]
    );
    assert_eq!(codes("let x = split(5, \",\")"), ["influence::type"]);
    assert_eq!(codes("let x = split(niches)"), ["influence::arity"]);
}

#[test]
fn starts_and_ends_with_are_case_sensitive() {
    assert_eq!(lit(r#"starts_with("@maya", "@")"#), Bool(true));
    assert_eq!(lit(r#"starts_with("Maya", "m")"#), Bool(false));
    assert_eq!(lit(r#"ends_with("maya.eth", ".eth")"#), Bool(true));
    assert_eq!(lit(r#"ends_with("maya.ETH", ".eth")"#), Bool(false));
    assert_eq!(
        give(json!({}), r#"starts_with(h, "@")"#),
        missing("h is missing")
    );
    assert_eq!(
        give(json!({"h": "@a"}), "ends_with(h, p)"),
        missing("p is missing")
    );
    assert_eq!(
        give(json!({"h": true}), r#"ends_with(h, "x")"#),
        error("h is true, a true/false value, where a string is needed")
    );
    assert_eq!(codes(r#"let x = starts_with("a", 1)"#), ["influence::type"]);
}

#[test]
fn replace_every_occurrence_left_to_right() {
    assert_eq!(lit(r#"replace("a-b-c", "-", "")"#), s("abc"));
    assert_eq!(lit(r#"replace("aaa", "aa", "b")"#), s("ba"));
    assert_eq!(lit(r#"replace("x", "y", "z")"#), s("x"));
    assert_eq!(
        give(json!({}), r#"replace(h, "@", "")"#),
        missing("h is missing")
    );
    assert_eq!(
        give(json!({"h": [1]}), r#"replace(h, "@", "")"#),
        error("h is [1], a list, where a string is needed")
    );
    assert_eq!(
        give(json!({"h": "a", "f": ""}), r#"replace(h, f, "x")"#),
        error(r#"the text to replace, f, of replace(h, f, "x") is empty"#)
    );
    assert_eq!(
        codes(r#"let x = replace(h, "", "x")"#),
        ["influence::empty-text"]
    );
    assert_eq!(codes(r#"let x = replace(h, "a")"#), ["influence::arity"]);
}

// ---- bool ----

#[test]
fn bool_reads_every_yes_and_no_word() {
    for w in ["true", "yes", "y", "1", "x", "✓", " Yes ", "TRUE", "X"] {
        assert_eq!(give(json!({"b": w}), "bool(b)"), Bool(true), "{w}");
    }
    for w in ["false", "no", "n", "0", "-", " NO", "False", "N "] {
        assert_eq!(give(json!({"b": w}), "bool(b)"), Bool(false), "{w}");
    }
    assert_eq!(give(json!({"b": true}), "bool(b)"), Bool(true));
    assert_eq!(give(json!({"b": false}), "bool(b)"), Bool(false));
    assert_eq!(give(json!({"b": 1}), "bool(b)"), Bool(true));
    assert_eq!(give(json!({"b": 0}), "bool(b)"), Bool(false));
}

#[test]
fn bool_missing_blank_and_wrong() {
    assert_eq!(give(json!({}), "bool(b)"), missing("b is missing"));
    assert_eq!(
        give(json!({"b": "  "}), "bool(b)"),
        missing("bool(b) reads empty text")
    );
    assert_eq!(
        give(
            json!({"Has bought?": "maybe"}),
            r#"bool(creator["Has bought?"])"#
        ),
        error(
            r#"bool(creator["Has bought?"]): "maybe" is not a yes/no word (true: true yes y 1 x ✓; false: false no n 0 -)"#
        )
    );
    assert_eq!(
        give(json!({"b": 2}), "bool(b)"),
        error("bool(b): 2, a number, is not a yes/no word (true: true yes y 1 x ✓; false: false no n 0 -)")
    );
    assert!(matches!(give(json!({"b": ["yes"]}), "bool(b)"), Error(_)));
    assert!(matches!(give(json!({"b": {"a": 1}}), "bool(b)"), Error(_)));
    assert_eq!(codes("let x = bool()"), ["influence::arity"]);
    assert_eq!(codes("let x = bool([1])"), ["influence::type"]);
    assert_eq!(codes("let x = bool(date(t))"), ["influence::type"]);
    assert_eq!(codes("let x = bool(b) + 1"), ["influence::type"]);
}

// ---- number with a decimal mark ----

#[test]
fn number_with_either_mark() {
    assert_eq!(lit(r#"number("12.400", ",")"#), Num(12400.0));
    assert_eq!(lit(r#"number("4,2%", ",")"#), Num(0.042));
    assert_eq!(lit(r#"number("1.234,5", ",")"#), Num(1234.5));
    assert_eq!(lit(r#"number("4,2%", ".")"#), Num(0.42));
    assert_eq!(lit(r#"number("12.5", ".")"#), Num(12.5));
    assert_eq!(lit(r#"number(7, ",")"#), Num(7.0));
    assert_eq!(
        give(json!({}), r#"number(x, ",")"#),
        missing("x is missing")
    );
    assert_eq!(
        give(json!({"x": "n/a"}), r#"number(x, ",")"#),
        missing(r#"number(x, ",") is not a number"#)
    );
    assert_eq!(
        give(json!({"x": true}), r#"number(x, ",")"#),
        error("x is true, a true/false value, where a string is needed")
    );
}

#[test]
fn the_decimal_mark_is_a_constant_point_or_comma() {
    assert_eq!(
        codes(r#"let x = number(f, ";")"#),
        ["influence::decimal-mark"]
    );
    assert_eq!(
        codes(r#"let x = number(f, mark)"#),
        ["influence::decimal-mark"]
    );
    assert_eq!(
        codes(
            r#"let m = ","
let x = number(f, m)"#
        ),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(r#"let x = number(f, ",", ".")"#),
        ["influence::arity"]
    );
}

// ---- dates ----

#[test]
fn date_reads_every_accepted_form() {
    assert_eq!(lit(r#"date("2026-11-03")"#), day("2026-11-03"));
    assert_eq!(lit(r#"date(" 2026-11-03 ")"#), day("2026-11-03"));
    assert_eq!(
        lit(r#"date("2026-11-03T10:00:00Z")"#),
        day("2026-11-03T10:00:00Z")
    );
    assert_eq!(
        lit(r#"date("2026-11-03T10:00:00+02:00")"#),
        day("2026-11-03T08:00:00Z")
    );
    assert_eq!(
        lit(r#"date("2026-11-03T10:00:00.250Z")"#),
        day("2026-11-03T10:00:00Z")
    );
    // no offset: UTC
    assert_eq!(
        lit(r#"date("2026-11-03T10:00:00")"#),
        day("2026-11-03T10:00:00Z")
    );
    assert_eq!(lit("date(0)"), day("1970-01-01"));
    assert_eq!(lit("date(1793664000)"), day("2026-11-03"));
    assert_eq!(lit(r#"date(date("2026-11-03"))"#), day("2026-11-03"));
}

#[test]
fn dates_at_the_edges_of_the_calendar() {
    // the last day of year 9999 is a date, not 1970-01-01
    assert_eq!(lit(r#"date("9999-12-31")"#), day("9999-12-31"));
    assert_eq!(lit(r#"days_since("9999-12-31")"#), Num(-2_912_107.0));
    assert_eq!(
        lit(r#"date("9999-12-31") > date("2026-01-01")"#),
        Bool(true)
    );
    assert_eq!(lit(r#"date("0000-01-01")"#), day("0000-01-01"));
    assert_eq!(lit(r#"days_since("0000-01-01")"#), Num(740_317.0));
    assert_eq!(lit(r#"days_since("2024-02-29")"#), Num(1007.0));
    assert_eq!(
        lit(r#"date("2026-11-03T10:00:00+14:00")"#),
        day("2026-11-02T20:00:00Z")
    );
    assert_eq!(
        lit(r#"date("2026-11-03T10:00:00-12:00")"#),
        day("2026-11-03T22:00:00Z")
    );
    assert_eq!(lit("date(-1)"), day("1969-12-31T23:59:59Z"));
}

#[test]
fn a_constant_date_text_must_be_a_date() {
    // every creator would be an `error`: the checker says it once
    assert_eq!(
        codes(r#"require r: date(t) < date("2026-02-30")"#),
        ["influence::date"]
    );
    assert_eq!(
        codes("let launch = \"01/06/2026\"\nrequire r: days_since(launch) > 3"),
        ["influence::date"]
    );
    assert_eq!(codes(r#"require r: date(t) < date("2026-06-01")"#), [""; 0]);
    assert_eq!(
        codes(r#"require r: date(t) < date("2026-06-01T10:00:00+02:00")"#),
        [""; 0]
    );
}

#[test]
fn date_refuses_every_other_form() {
    let accepted = "(accepted: a date 2026-11-03, a date-time 2026-11-03T10:00:00Z or with an offset such as +02:00, or Unix seconds)";
    for bad in [
        "03/11/2026",
        "2026-13-01",
        "2026-02-30",
        "yesterday",
        "",
        "2026-11-03T25:00:00Z",
        "20261103",
        // a named time zone is not read (no zone database): never taken for UTC
        "2026-11-03T10:00:00[Europe/Paris]",
        "2026-11-03T10:00:00Z[Europe/Paris]",
    ] {
        assert_eq!(
            give(json!({"d": bad}), "date(d)"),
            error(&format!("date(d): {bad:?} is not a date {accepted}")),
            "{bad}"
        );
    }
    assert_eq!(
        give(json!({"d": true}), "date(d)"),
        error(&format!(
            "date(d): true, a true/false value, is not a date {accepted}"
        ))
    );
    assert!(matches!(give(json!({"d": [1]}), "date(d)"), Error(_)));
    assert!(matches!(give(json!({"d": {"a": 1}}), "date(d)"), Error(_)));
    assert!(matches!(give(json!({"d": 1e300}), "date(d)"), Error(_)));
    assert_eq!(give(json!({}), "date(d)"), missing("d is missing"));
    assert_eq!(codes("let x = date(true)"), ["influence::type"]);
    assert_eq!(codes("let x = days_since([1])"), ["influence::type"]);
}

#[test]
fn dates_compare_with_dates_only() {
    let rec = json!({"a": "2026-11-03", "b": "2026-11-03T00:00:01Z"});
    assert_eq!(give(rec.clone(), "date(a) < date(b)"), Bool(true));
    assert_eq!(give(rec.clone(), "date(a) == date(a)"), Bool(true));
    assert_eq!(give(rec.clone(), "date(a) != date(b)"), Bool(true));
    assert_eq!(
        give(rec.clone(), r#"date(a) >= date("2026-01-01")"#),
        Bool(true)
    );
    assert_eq!(
        give(rec.clone(), "date(a) between date(a) and date(b)"),
        Bool(true)
    );
    assert_eq!(
        give(json!({"a": "2026-11-03", "n": 3}), "date(a) > n"),
        error("date(a) is 2026-11-03, a date, where a number is needed")
    );
    // a field of date text compared with a date: the fix is named
    assert_eq!(
        give(
            json!({"posted": "2026-03-01"}),
            r#"posted > date("2026-01-01")"#
        ),
        error(
            r#"posted is "2026-03-01", a string, where a date is needed; write date(posted) to read it as a date"#
        )
    );
    assert_eq!(
        give(json!({"posted": "soon"}), r#"posted > date("2026-01-01")"#),
        error(r#"posted is "soon", a string, where a date is needed"#)
    );
    assert_eq!(
        codes(r#"let x = date(a) > "2026-01-01""#),
        ["influence::type"]
    );
    assert_eq!(codes("let x = date(a) < 3"), ["influence::type"]);
    assert_eq!(codes("let x = date(a) + 1"), ["influence::type"]);
}

#[test]
fn days_since_counts_calendar_days_to_the_run_date() {
    // run date 2026-12-02
    assert_eq!(lit(r#"days_since("2026-11-03")"#), Num(29.0));
    assert_eq!(lit(r#"days_since("2026-12-02T23:59:59Z")"#), Num(0.0));
    assert_eq!(lit(r#"days_since("2026-12-01T23:59:59Z")"#), Num(1.0));
    assert_eq!(lit(r#"days_since("2026-12-25")"#), Num(-23.0));
    // across a year and February of a leap year
    assert_eq!(lit(r#"days_since("2025-12-02")"#), Num(365.0));
    assert_eq!(lit(r#"days_since("2024-02-28")"#), Num(1008.0));
    // 2026-11-03T23:30-02:00 is 2026-11-04 in UTC
    assert_eq!(lit(r#"days_since("2026-11-03T23:30:00-02:00")"#), Num(28.0));
    assert_eq!(lit(r#"days_since("2026-11-04T00:30:00+02:00")"#), Num(29.0));
    assert_eq!(lit(r#"days_since(date("2026-11-30"))"#), Num(2.0));
    assert_eq!(lit("days_since(1793664000)"), Num(29.0));
    assert_eq!(
        give(json!({"t": "2026-11-25"}), "days_since(t) <= 30"),
        Bool(true)
    );
    assert_eq!(give(json!({}), "days_since(t)"), missing("t is missing"));
    assert!(matches!(
        give(json!({"t": "last week"}), "days_since(t)"),
        Error(_)
    ));
}

#[test]
fn the_run_date_comes_from_the_options() {
    let rules = Ruleset::compile("t.rules", "signal recent = days_since(t) / 100").expect("valid");
    let rec = json!({"id": "a", "t": "2026-11-03"});
    let on = |d: &str| {
        let report = rules.screen(
            vec![rec.clone()],
            &RunOptions {
                today: Some(d.parse().expect("date")),
                ..RunOptions::default()
            },
        );
        (report.today.clone(), report.shortlist[0].score)
    };
    assert_eq!(on("2026-12-02"), ("2026-12-02".to_string(), 0.29));
    assert_eq!(on("2026-11-13"), ("2026-11-13".to_string(), 0.1));
    // the last day of the calendar is reported as itself
    assert_eq!(on("9999-12-31").0, "9999-12-31");
    assert_eq!(on("0000-01-01").0, "0000-01-01");
}

// ---- rank by several keys ----

/// The ids of the shortlist of `rules` over `records`, best first.
fn ranked(rules: &str, records: Json) -> Vec<String> {
    let Json::Array(records) = records else {
        panic!("an array")
    };
    compile(rules)
        .screen(records, &RunOptions::default())
        .shortlist
        .into_iter()
        .map(|e| e.id)
        .collect()
}

#[test]
fn rank_by_several_keys_breaks_ties_in_turn() {
    let people = json!([
        {"id": "a", "s": 1, "f": 10},
        {"id": "b", "s": 2, "f": 30},
        {"id": "c", "s": 1, "f": 5},
        {"id": "d", "s": 2, "f": 20},
        {"id": "e", "s": 1, "f": 5},
    ]);
    assert_eq!(
        ranked("rank by s desc, f asc", people.clone()),
        ["d", "b", "c", "e", "a"]
    );
    assert_eq!(
        ranked("rank by s, f", people.clone()),
        ["b", "d", "a", "c", "e"]
    );
    assert_eq!(
        ranked("rank by s asc, f desc", people.clone()),
        ["a", "c", "e", "b", "d"]
    );
    // ties after the last key keep input order
    assert_eq!(
        ranked("rank by s asc, f asc", people),
        ["c", "e", "a", "d", "b"]
    );
}

#[test]
fn a_missing_second_key_ranks_last_among_its_ties() {
    let people = json!([
        {"id": "a", "s": 1},
        {"id": "b", "s": 1, "f": 3},
        {"id": "c", "s": 2},
        {"id": "d", "s": 1, "f": 9},
    ]);
    assert_eq!(
        ranked("rank by s desc, f asc", people.clone()),
        ["c", "b", "d", "a"]
    );
    assert_eq!(
        ranked("rank by s desc, f desc", people.clone()),
        ["c", "d", "b", "a"]
    );
    assert_eq!(
        ranked("rank by f asc, s desc", people),
        ["b", "d", "c", "a"]
    );
}

#[test]
fn rank_by_a_date_orders_chronologically() {
    let people = json!([
        {"id": "a", "t": "2026-11-03"},
        {"id": "b", "t": "2026-11-30T08:00:00Z"},
        {"id": "c", "t": "2025-01-01"},
    ]);
    assert_eq!(ranked("rank by date(t)", people.clone()), ["b", "a", "c"]);
    assert_eq!(ranked("rank by date(t) asc, id", people), ["c", "a", "b"]);
    assert_eq!(codes("rank by score desc, [1]"), ["influence::type"]);
}

#[test]
fn replace_pays_for_the_text_it_writes() {
    let rules =
        compile("let v = len(replace(s, \"a\", t))\nrequire r: v > 0").with_max_steps(1_000);
    let rec = json!({"s": "a".repeat(10_000), "t": "b".repeat(100)});
    let v = rules.evaluate(&rec);
    assert_eq!(v.status, Status::Error, "{v:?}");
    assert!(
        v.failed[0]
            .reason
            .starts_with("evaluation stopped after 1000 steps"),
        "{v:?}"
    );
    // the same with a short replacement fits
    let v = rules.evaluate(&json!({"s": "a".repeat(10_000), "t": ""}));
    assert_eq!(v.status, Status::Rejected, "{v:?}");
}
