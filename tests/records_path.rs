//! Exports shaped as teams have them: an API response that wraps the list
//! in an object (`--records`, or the object's one list found with a note),
//! and ids under other spellings (`Handle`, `profile.username`, `--id-field`
//! naming a field no record has).

mod common;

use std::path::{Path, PathBuf};

use common::{json_of, p, run, run_with_stdin, scratch, stderr, stdout, write};
use serde_json::{json, Value};

const RULES: &str = r#"
require micro:   followers between 1k and 10k
require engaged: engagement_rate >= 3%
"#;

const API: &str = "tests/fixtures/api_response.json";
const TWO_LISTS: &str = "tests/fixtures/api_two_lists.json";

fn rules(dir: &Path) -> PathBuf {
    write(dir, "r.rules", RULES)
}

/// `run RULES DATA --format json --all` plus `extra`: exit status and report.
fn screen(dir: &Path, data: &str, extra: &[&str]) -> (Option<i32>, Value, String) {
    let rules = rules(dir);
    let mut args = vec![p(&rules), data, "--format", "json", "--all"];
    args.extend_from_slice(extra);
    let o = run(&args);
    let report = serde_json::from_str(&stdout(&o)).unwrap_or(Value::Null);
    (o.status.code(), report, stderr(&o))
}

fn ids(r: &Value) -> Vec<String> {
    r["creators"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c["id"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_wrapped_list_is_found_with_a_note_naming_it() {
    let dir = scratch("records-found");
    let (code, r, err) = screen(&dir, API, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(r["evaluated"], 3);
    assert_eq!(ids(&r), ["@Ana.Beauty", "@ben", "cat"]);
    let note = r["warnings"][0].as_str().unwrap_or("");
    assert!(note.contains("read from `directs`"), "{note}");
    assert!(note.contains("--records directs"), "{note}");
    assert!(err.contains("warning: the data is an object"), "{err}");
    // the same from standard input, where only the bytes tell
    let rules = rules(&dir);
    let bytes = std::fs::read(API).expect("fixture");
    let o = run_with_stdin(&[p(&rules), "-", "--format", "json"], Some(&bytes));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_of(&o)["evaluated"], 3, "not read as NDJSON");
}

#[test]
fn records_takes_a_dotted_path_or_a_json_pointer() {
    let dir = scratch("records-path");
    let (code, r, err) = screen(&dir, API, &["--records", "directs"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(r["evaluated"], 3);
    assert_eq!(r["warnings"], json!([]), "no note when the path is given");
    let nested = write(
        &dir,
        "nested.json",
        r#"{"meta": {"n": 2}, "data": {"cursor": "x", "items": [
            {"handle": "a", "followers": 5000, "engagement_rate": 0.05},
            {"handle": "b", "followers": 50, "engagement_rate": 0.05}], "more": [1, 2]}, "ok": true}"#,
    );
    for path in ["data.items", "/data/items", ".data.items[]"] {
        let (code, r, err) = screen(&dir, p(&nested), &["--records", path]);
        assert_eq!(code, Some(0), "{path}: {err}");
        assert_eq!(ids(&r), ["a", "b"], "{path}");
    }
    // a key holding a `/` or `.`, through a pointer
    let odd = write(
        &dir,
        "odd.json",
        r#"{"a/b": [{"handle": "x", "followers": 2000, "engagement_rate": 0.05}]}"#,
    );
    let (code, r, err) = screen(&dir, p(&odd), &["--records", "/a~1b"]);
    assert_eq!((code, ids(&r)), (Some(0), vec!["x".to_string()]), "{err}");
}

#[test]
fn several_lists_exit_2_naming_each() {
    let dir = scratch("records-several");
    let (code, _, err) = screen(&dir, TWO_LISTS, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("several lists of objects: `directs`, `brands`"),
        "{err}"
    );
    assert!(
        err.contains("--records directs or --records brands?"),
        "{err}"
    );
    let (code, r, err) = screen(&dir, TWO_LISTS, &["--records", "brands"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(ids(&r), ["Acme"]);
}

#[test]
fn a_wrong_path_says_what_is_there() {
    let dir = scratch("records-wrong");
    let (code, _, err) = screen(&dir, API, &["--records", "direct"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("has no member `direct`"), "{err}");
    assert!(err.contains("did you mean `directs`?"), "{err}");
    let (code, _, err) = screen(&dir, API, &["--records", "total"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`total` is a number, not a list of records"),
        "{err}"
    );
    let (code, _, err) = screen(&dir, API, &["--records", "query.platform.x"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`query.platform` is a string, not an object"),
        "{err}"
    );
    let array = write(&dir, "a.json", r#"[{"handle": "a"}]"#);
    let (code, _, err) = screen(&dir, p(&array), &["--records", "directs"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("the data is an array"), "{err}");
    let (code, _, err) = screen(&dir, API, &["--records", "a..b"]);
    assert_eq!(code, Some(2), "a usage error");
    assert!(err.contains("empty key"), "{err}");
    let (code, _, err) = screen(&dir, API, &["--records", "directs", "--format-in", "csv"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("reads a JSON object"), "{err}");
}

#[test]
fn a_single_pretty_printed_object_is_no_longer_thousands_of_errors() {
    let dir = scratch("records-one-object");
    let one = write(
        &dir,
        "one.json",
        "{\n  \"handle\": \"ana\",\n  \"followers\": 5000\n}\n",
    );
    let (code, _, err) = screen(&dir, p(&one), &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("found one JSON object, not a list of creators"),
        "{err}"
    );
    assert!(!err.contains("trailing characters"), "{err}");
    assert!(
        !err.contains("one object per line is NDJSON:"),
        "the old, wrong help: {err}"
    );
    // one object per line is still NDJSON
    let lines = write(&dir, "lines.json", "{\"handle\": \"a\", \"followers\": 5000, \"engagement_rate\": 0.05}\n{\"handle\": \"b\", \"followers\": 5000, \"engagement_rate\": 0.05}\n");
    let (code, r, err) = screen(&dir, p(&lines), &[]);
    assert_eq!(
        (code, ids(&r)),
        (Some(0), vec!["a".to_string(), "b".to_string()]),
        "{err}"
    );
    // a minified wrapper on one line is a wrapper
    let flat = write(
        &dir,
        "flat.json",
        r#"{"total": 1, "results": [{"handle": "z", "followers": 5000, "engagement_rate": 0.05}]}"#,
    );
    let (code, r, err) = screen(&dir, p(&flat), &[]);
    assert_eq!((code, ids(&r)), (Some(0), vec!["z".to_string()]), "{err}");
}

#[test]
fn records_works_for_explain_check_and_diff() {
    let dir = scratch("records-commands");
    let rules = rules(&dir);
    let o = run(&[
        "explain",
        p(&rules),
        API,
        "--records",
        "directs",
        "--id",
        "cat",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_of(&o)["id"], "cat");
    let o = run(&[
        "check",
        p(&rules),
        "--data",
        TWO_LISTS,
        "--records",
        "brands",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("`followers` appears in no record"),
        "read the brands: {}",
        stderr(&o)
    );
    let o = run(&[
        "diff",
        p(&rules),
        p(&rules),
        TWO_LISTS,
        "--records",
        "directs",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["diff", p(&rules), p(&rules), TWO_LISTS, "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "several lists: {}", stderr(&o));
}

#[test]
fn ids_come_from_loosely_matched_fields_and_the_report_says_which() {
    let dir = scratch("ids-loose");
    let csv = write(
        &dir,
        "c.csv",
        "User Name,followers,engagement_rate\nAna,5000,0.05\n,6000,0.05\n",
    );
    let (code, r, err) = screen(&dir, p(&csv), &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(ids(&r), ["Ana", "#2"]);
    assert_eq!(r["id_field"], "username");
    let nested = write(
        &dir,
        "n.json",
        r#"[{"Profile": {"UserName": "zed"}, "followers": 5000, "engagement_rate": 0.05}]"#,
    );
    let (_, r, _) = screen(&dir, p(&nested), &[]);
    assert_eq!(
        (ids(&r), &r["id_field"]),
        (vec!["zed".to_string()], &json!("profile.username"))
    );
    let none = write(&dir, "none.json", r#"[{"followers": 5000}]"#);
    let (_, r, _) = screen(&dir, p(&none), &[]);
    assert_eq!(r["id_field"], Value::Null, "every id is #N");
    // the table's footer names it
    let rules = rules(&dir);
    let o = run(&[p(&rules), API, "--format", "table"]);
    assert!(stdout(&o).contains("Ids from `handle`."), "{}", stdout(&o));
}

#[test]
fn id_field_takes_a_path_and_a_missing_one_exits_2() {
    let dir = scratch("ids-flag");
    let nested = write(
        &dir,
        "n.json",
        r#"[{"profile": {"username": "zed"}, "followers": 5000, "engagement_rate": 0.05}]"#,
    );
    let (code, r, err) = screen(&dir, p(&nested), &["--id-field", "profile.username"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        (ids(&r), &r["id_field"]),
        (vec!["zed".to_string()], &json!("profile.username"))
    );
    let (code, r, err) = screen(&dir, API, &["--id-field", "handle"]);
    assert_eq!(code, Some(2), "no record has `handle`");
    assert_eq!(r, Value::Null, "no report");
    assert!(err.contains("no record has the id field `handle`"), "{err}");
    assert!(err.contains("did you mean `Handle`?"), "{err}");
    let rules = rules(&dir);
    for cmd in [
        vec![
            "explain",
            p(&rules),
            API,
            "--id",
            "cat",
            "--id-field",
            "nosuch",
        ],
        vec!["diff", p(&rules), p(&rules), API, "--id-field", "nosuch"],
    ] {
        let o = run(&cmd);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}");
        assert!(
            stderr(&o).contains("no record has the id field `nosuch`"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn explain_ignores_case_and_the_at_sign_and_offers_real_ids() {
    let dir = scratch("ids-explain");
    let rules = rules(&dir);
    for id in ["ana.beauty", "@ANA.BEAUTY", "Ana.Beauty", "@Ana.Beauty"] {
        let o = run(&["explain", p(&rules), API, "--id", id, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{id}: {}", stderr(&o));
        assert_eq!(json_of(&o)["id"], "@Ana.Beauty");
    }
    // records without an id are not offered as `#2`
    let data = write(
        &dir,
        "d.json",
        r#"[{"handle": "anabelle"}, {"followers": 1}, {"handle": "bo"}]"#,
    );
    let o = run(&["explain", p(&rules), p(&data), "--id", "annabelle"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("the closest ids: `anabelle`, `bo`;"), "{e}");
    assert!(!e.contains("`#2`"), "{e}");
}
