//! The cohort functions (`percentile`, `cohort_median`, `cohort_size`) and
//! `band`, one line each (docs/language.md, section 10, "Cohort
//! functions"): `among(records, "expr")` is what `expr` came to for each
//! creator of a run over `records`, through the library's `screen`, which
//! reads the records twice as a run over a file does. The CLI's two passes
//! (files, standard input, `--threads`) are tested at the end.

mod common;

use influence_eval::{RankKey, Ruleset, RunOptions, Status};
use serde_json::{json, Value as Json};

/// What an expression came to for one creator.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Num(f64),
    Str(String),
    Missing,
    Error,
}
use Out::*;

fn compile(src: &str) -> Ruleset {
    Ruleset::compile("test.rules", src).unwrap_or_else(|e| {
        let msgs: Vec<String> = e.diagnostics.iter().map(|d| d.message.clone()).collect();
        panic!("rules do not compile:\n{src}\n{msgs:#?}")
    })
}

/// What `expr` came to for each of `records`, in order.
fn among(records: Json, expr: &str) -> Vec<Out> {
    let rules = compile(&format!(
        "let v = {expr}\nrequire r: v == v when missing review\nrank by v"
    ));
    let options = RunOptions {
        all: true,
        ..Default::default()
    };
    let records = records.as_array().expect("a list of records").clone();
    let report = rules.screen(records, &options);
    report
        .creators
        .expect("--all keeps every verdict")
        .into_iter()
        .map(|v| match (v.status, v.rank_key) {
            (Status::Review, _) => Missing,
            (Status::Error, _) => Error,
            (Status::Accepted, Some(RankKey::Number(n))) => Num(n),
            (Status::Accepted, Some(RankKey::Text(t))) => Str(t),
            other => panic!("`{expr}` came to {other:?}"),
        })
        .collect()
}

fn nums(xs: &[f64]) -> Vec<Out> {
    xs.iter().map(|x| Num(*x)).collect()
}

/// Records with `er` set to each value (`None`: no `er`).
fn ers(values: &[Option<f64>]) -> Json {
    Json::Array(
        values
            .iter()
            .map(|v| match v {
                Some(x) => json!({ "er": x }),
                None => json!({}),
            })
            .collect(),
    )
}

#[test]
fn percentile_is_percent_rank_ties_share_the_lowest() {
    let r = ers(&[Some(1.0), Some(2.0), Some(2.0), Some(3.0)]);
    assert_eq!(
        among(r, "percentile(er)"),
        nums(&[0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0])
    );
}

#[test]
fn percentile_of_a_cohort_of_one_is_zero() {
    assert_eq!(among(ers(&[Some(7.0)]), "percentile(er)"), nums(&[0.0]));
    let r = json!([{"er": 1, "p": "a"}, {"er": 2, "p": "b"}]);
    assert_eq!(among(r, "percentile(er, p)"), nums(&[0.0, 0.0]));
}

#[test]
fn a_missing_x_is_missing_and_in_no_cohort() {
    let r = ers(&[Some(1.0), None, Some(3.0)]);
    assert_eq!(
        among(r.clone(), "percentile(er)"),
        vec![Num(0.0), Missing, Num(1.0)]
    );
    assert_eq!(
        among(r, "cohort_median(er)"),
        vec![Num(2.0), Missing, Num(2.0)]
    );
}

#[test]
fn a_missing_group_is_a_cohort_of_its_own() {
    let r = json!([
        {"er": 1, "p": "a"}, {"er": 5}, {"er": 3, "p": "a"}, {"er": 9, "p": null}
    ]);
    assert_eq!(
        among(r.clone(), "percentile(er, p)"),
        nums(&[0.0, 0.0, 1.0, 1.0])
    );
    assert_eq!(
        among(r.clone(), "cohort_median(er, p)"),
        nums(&[2.0, 7.0, 2.0, 7.0])
    );
    assert_eq!(among(r, "cohort_size(p)"), nums(&[2.0, 2.0, 2.0, 2.0]));
}

#[test]
fn cohort_median_odd_and_even() {
    let odd = ers(&[Some(3.0), Some(1.0), Some(2.0)]);
    assert_eq!(among(odd, "cohort_median(er)"), nums(&[2.0, 2.0, 2.0]));
    let even = ers(&[Some(4.0), Some(1.0), Some(3.0), Some(2.0)]);
    assert_eq!(among(even, "cohort_median(er)"), nums(&[2.5; 4]));
}

#[test]
fn cohort_size_counts_every_creator_of_the_group_whatever_its_x() {
    let r = json!([{"p": "a"}, {"p": "a", "er": 1}, {"p": "b"}]);
    assert_eq!(among(r.clone(), "cohort_size(p)"), nums(&[2.0, 2.0, 1.0]));
    assert_eq!(among(r, "cohort_size()"), nums(&[3.0; 3]));
}

#[test]
fn a_list_makes_a_compound_key() {
    let r = json!([
        {"er": 1, "p": "a", "f": 500}, {"er": 2, "p": "a", "f": 5000},
        {"er": 3, "p": "a", "f": 700}, {"er": 4, "p": "b", "f": 600}
    ]);
    let expr = "percentile(er, [band(f, [1k]), p])";
    assert_eq!(among(r, expr), nums(&[0.0, 0.0, 1.0, 0.0]));
}

#[test]
fn groups_compare_as_equality_does() {
    let r = json!([{"er": 1, "g": 1}, {"er": 2, "g": 1.0}, {"er": 3, "g": "1"}]);
    assert_eq!(among(r, "cohort_size(g)"), nums(&[2.0, 2.0, 1.0]));
}

#[test]
fn a_group_that_is_an_object_or_holds_a_list_is_the_wrong_kind() {
    let r = json!([
        {"er": 1, "g": ["a", 1]}, {"er": 2, "g": {"n": 1}}, {"er": 3, "g": [["a"]]},
        {"er": 4, "g": ["a", 1.0]}, {"er": 5, "g": [{"n": 1}]}
    ]);
    assert_eq!(
        among(r, "percentile(er, g)"),
        vec![Num(0.0), Error, Error, Num(1.0), Error]
    );
    // a list written in the rules is the group's list: a list in it is nested
    let r = json!([{"h": "a"}, {"h": ["a"]}, {"h": {"n": 1}}, {"h": "a"}]);
    assert_eq!(
        among(r, "cohort_size([1, h])"),
        vec![Num(2.0), Error, Error, Num(2.0)]
    );
}

#[test]
fn a_wrong_kind_x_is_an_error_and_in_no_cohort() {
    let r = json!([{"er": 1}, {"er": "high"}, {"er": 3}]);
    assert_eq!(among(r, "percentile(er)"), vec![Num(0.0), Error, Num(1.0)]);
}

#[test]
fn band_labels_each_band_by_its_bounds() {
    let r = json!([{"f": 999}, {"f": 1000}, {"f": 9999}, {"f": 10000}, {"f": 50000}, {}]);
    let expected = vec![
        Str("<1k".into()),
        Str("1k-10k".into()),
        Str("1k-10k".into()),
        Str("10k-50k".into()),
        Str(">=50k".into()),
        Missing,
    ];
    assert_eq!(among(r, "band(f, [1k, 10k, 50k])"), expected);
    let r = json!([{"f": 0.01}, {"f": 2_000_000}]);
    assert_eq!(
        among(r, "band(f, [3%, 1.5k, 2.5M])"),
        vec![Str("<0.03".into()), Str("1.5k-2.5M".into())]
    );
}

#[test]
fn one_record_evaluated_alone_is_a_cohort_of_one() {
    let rules = compile("signal s = percentile(er)\nrequire r: er >= cohort_median(er)\nrequire n: cohort_size() == 1");
    let v = rules.evaluate(&json!({"er": 0.5}));
    assert_eq!(v.status, Status::Accepted);
    assert_eq!(v.score, Some(0.0));
}

/// The diagnostics' codes of `src`.
fn codes(src: &str) -> Vec<String> {
    match Ruleset::compile("test.rules", src) {
        Ok(_) => vec![],
        Err(e) => e.diagnostics.iter().map(|d| d.code.to_string()).collect(),
    }
}

#[test]
fn what_a_cohort_function_may_not_read_is_refused() {
    assert_eq!(
        codes("require r: percentile(score) > 0"),
        ["influence::cohort"]
    );
    assert_eq!(
        codes("signal s = er\nrequire r: percentile(s) > 0"),
        ["influence::cohort"]
    );
    let through_let = "let p = percentile(er)\nrequire r: cohort_median(er, p) > 0";
    assert_eq!(codes(through_let), ["influence::cohort"]);
    let lambda = "require r: any(xs, x => percentile(x) > 0.5)";
    assert_eq!(codes(lambda), ["influence::cohort"]);
    // a let of fields is fine, and so is a lambda beside the call
    assert!(codes("let e = er * 2\nrequire r: percentile(e, [p, band(f, [1k])]) > 0").is_empty());
    assert!(codes("require r: any(xs, x => x > percentile(er))").is_empty());
}

#[test]
fn band_bounds_must_be_written_increasing() {
    assert_eq!(codes("let b = band(f, [10k, 1k])"), ["influence::band"]);
    assert_eq!(codes("let b = band(f, [1k, 1k])"), ["influence::band"]);
    assert_eq!(codes("let b = band(f, [])"), ["influence::band"]);
    assert_eq!(
        codes("let l = [1, 2]\nlet b = band(f, l)"),
        ["influence::band"]
    );
    assert!(codes("let b = band(f, [-1k, 0, 2.5M])").is_empty());
}

const RULES: &str = "signal rel = percentile(er, p)\nrequire above: er >= cohort_median(er, p)\n";

/// Creators over a few platforms, with missing values and a damaged line.
fn ndjson(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let p = ["tiktok", "instagram", "youtube"][i % 3];
        match i % 11 {
            0 => out.push_str(&format!("{{\"handle\":\"c{i}\",\"p\":\"{p}\"}}\n")),
            5 => out.push_str(&format!("{{\"handle\":\"c{i}\",\"er\":{}}}\n", i % 7)),
            7 => out.push_str("{not json\n"),
            _ => out.push_str(&format!(
                "{{\"handle\":\"c{i}\",\"er\":{},\"p\":\"{p}\"}}\n",
                (i * 37) % 101
            )),
        }
    }
    out
}

#[test]
fn a_run_gives_the_same_verdicts_for_any_threads_and_from_standard_input() {
    let dir = common::scratch("cohort-threads");
    let rules = common::write(&dir, "r.rules", RULES);
    let data = common::write(&dir, "d.ndjson", ndjson(3000));
    let args = |t: &'static str| {
        vec![
            "run",
            common::p(&rules),
            common::p(&data),
            "--format",
            "ndjson",
            "--threads",
            t,
        ]
    };
    let one = common::run(&args("1"));
    assert!(one.status.success(), "{}", common::stderr(&one));
    let four = common::run(&args("4"));
    assert_eq!(common::stdout(&one), common::stdout(&four));
    let piped = common::run_with_stdin(
        &["run", common::p(&rules), "-", "--format", "ndjson"],
        Some(ndjson(3000).as_bytes()),
    );
    assert_eq!(common::stdout(&one), common::stdout(&piped));
    // the damaged lines are errors, and in no cohort: the others' values
    // are those of the records without them
    let text = common::stdout(&one);
    assert!(text.lines().any(|l| l.contains("\"status\":\"error\"")));
}

#[test]
fn a_run_over_a_file_agrees_with_screen() {
    let records: Vec<Json> = ndjson(400)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let dir = common::scratch("cohort-screen");
    let rules = common::write(&dir, "r.rules", RULES);
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    let data = common::write(&dir, "d.ndjson", text);
    let out = common::run(&[
        "run",
        common::p(&rules),
        common::p(&data),
        "--format",
        "json",
    ]);
    let from_file = common::json_of(&out);
    let report = compile(RULES).screen(records, &RunOptions::default());
    assert_eq!(from_file["accepted"], json!(report.accepted));
    let shortlist: Vec<Json> = report.shortlist.iter().map(|e| json!(e.id)).collect();
    let file_ids: Vec<Json> = from_file["shortlist"]
        .as_array()
        .expect("a shortlist")
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    assert_eq!(file_ids, shortlist);
}

#[test]
fn explain_shows_each_cohort_and_the_creators_place() {
    let dir = common::scratch("cohort-explain");
    let rules = common::write(&dir, "r.rules", RULES);
    let data = common::write(
        &dir,
        "d.json",
        r#"[{"handle":"a","er":1,"p":"x"},{"handle":"b","er":3,"p":"x"},
            {"handle":"c","er":2,"p":"x"},{"handle":"d","er":9,"p":"y"}]"#,
    );
    let o = common::run(&[
        "explain",
        common::p(&rules),
        common::p(&data),
        "--id",
        "b",
        "--format",
        "text",
    ]);
    let text = common::stdout(&o);
    assert!(
        text.contains("er among p = \"x\": 3 creators, median 2; this creator 3, above 2 of the others (percentile 1)"),
        "{text}"
    );
    let o = common::run(&[
        "explain",
        common::p(&rules),
        common::p(&data),
        "--id",
        "b",
        "--format",
        "json",
    ]);
    let cohorts = &common::json_of(&o)["cohorts"];
    assert_eq!(cohorts[0]["size"], json!(3));
    assert_eq!(cohorts[0]["group_value"], json!("x"));
    assert_eq!(cohorts[0]["alone"], json!(false));
}

#[test]
fn an_example_population_is_the_run_of_its_creator() {
    let src = format!(
        "{RULES}example \"top\" {{\n  creator {{ er: 5, p: \"x\" }}\n  population {{\n    creator {{ er: 1, p: \"x\" }}\n    creator {{ er: 9, p: \"y\" }}\n  }}\n  expect signal rel == 1\n  expect accepted\n}}\n\nexample \"alone\" {{\n  creator {{ er: 5, p: \"x\" }}\n  expect signal rel == 0\n}}\n"
    );
    let dir = common::scratch("cohort-example");
    let rules = common::write(&dir, "r.rules", &src);
    let o = common::run(&["test", common::p(&rules)]);
    assert!(
        o.status.success(),
        "{}{}",
        common::stdout(&o),
        common::stderr(&o)
    );
    assert!(common::stdout(&o).contains("2 passed, 0 failed"));
    let o = common::run(&["fmt", "--check", common::p(&rules)]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
}

#[test]
fn a_damaged_record_is_in_no_cohort() {
    let dir = common::scratch("cohort-damaged");
    let rules = common::write(
        &dir,
        "r.rules",
        "let n = cohort_size()\nrequire r: n == n\nrank by n\n",
    );
    let data = common::write(
        &dir,
        "d.ndjson",
        "{\"handle\":\"a\",\"er\":1}\n{\"handle\":\"b\",\"er\":\n{\"handle\":\"c\",\"er\":3}\n",
    );
    let o = common::run(&[
        "run",
        common::p(&rules),
        common::p(&data),
        "--format",
        "csv",
        "--all",
    ]);
    let text = common::stdout(&o);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows[2].contains(",error,"), "{text}");
    // the two undamaged creators are the run's whole cohort
    let rules = common::write(
        &dir,
        "r2.rules",
        "let n = cohort_size()\nrequire r: n == 2\n",
    );
    let o = common::run(&[
        "run",
        common::p(&rules),
        common::p(&data),
        "--format",
        "json",
    ]);
    let report = common::json_of(&o);
    assert_eq!(report["accepted"], json!(2), "{report}");
    assert_eq!(report["errors"], json!(1), "{report}");
}
