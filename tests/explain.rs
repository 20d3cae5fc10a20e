//! `explain` as a user runs it: one creator's whole evaluation, as text and
//! as JSON (snapshots for an accepted, a rejected, a review and an error
//! creator), distances, ranks, shared and unknown ids, damaged records.

mod common;

use std::path::PathBuf;

use common::{json_of, p, run, scratch, stderr, stdout, write};
use serde_json::{json, Value};

const RULES: &str = r#"ruleset "explain test"
let beauty = ["skincare", "beauty"]
let conversion = conversions / clicks
require micro: followers between 1k and 10k
require engaged: engagement_rate >= 3%
require market: country in ["US", "CA"] else "ships to US and CA only"
require authentic: authenticity_score >= 0.7 when missing review
require no_spam: not bio contains "giveaway" when missing pass
signal engagement weight 3 = engagement_rate / 8%
signal niche = overlap(niches, beauty) / 2
signal marketing = conversion * 10
tier gold when score >= 0.7 and is_customer
tier silver otherwise
rank by score desc
limit 2
"#;

fn creators() -> Value {
    json!([
        {"handle": "ana", "followers": 5000, "engagement_rate": 0.06, "country": "US", "authenticity_score": 0.9,
         "bio": "skincare daily", "niches": ["skincare", "beauty"], "conversions": 3, "clicks": 100, "is_customer": true},
        {"handle": "ben", "followers": 10412, "engagement_rate": 0.021, "country": "CA", "authenticity_score": 0.8,
         "niches": ["beauty"], "conversions": 0, "clicks": 0, "is_customer": false},
        {"handle": "cat", "followers": 3000, "engagement_rate": 0.05, "country": "US", "bio": null,
         "niches": ["gaming"], "conversions": 1, "clicks": 50, "is_customer": false},
        {"handle": "dan", "followers": "3.3k", "engagement_rate": 0.05, "country": "US", "authenticity_score": 0.9,
         "niches": ["beauty"], "conversions": 1, "clicks": 10, "is_customer": false},
        {"handle": "eve", "followers": 9000, "engagement_rate": 0.09, "country": "CA", "authenticity_score": 0.75,
         "bio": "my tips", "niches": ["skincare"], "conversions": 9, "clicks": 30, "is_customer": false},
        {"handle": "fay", "followers": 2000, "engagement_rate": 0.07, "country": "DE", "authenticity_score": 0.95,
         "bio": "beauty", "niches": ["beauty", "skincare"], "conversions": 5, "clicks": 40, "is_customer": true},
        {"handle": "gus", "followers": 4000, "engagement_rate": 0.04, "country": "US", "authenticity_score": 0.8,
         "bio": "hi", "niches": ["beauty"], "conversions": 1, "clicks": 100, "is_customer": true},
        {"handle": "gus", "followers": 4000}
    ])
}

fn fixture(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(name);
    let rules = write(&dir, "test.rules", RULES);
    // one record per line, as exports usually are
    let lines: Vec<String> = creators()
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    let data = write(
        &dir,
        "creators.json",
        format!("[\n{}\n]\n", lines.join(",\n")),
    );
    (dir, rules, data)
}

fn explain(name: &str, id: &str, format: &str) -> std::process::Output {
    let (_d, rules, data) = fixture(name);
    run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        id,
        "--format",
        format,
    ])
}

/// The output, with the scratch folder's path made stable.
fn stable(o: &std::process::Output) -> String {
    let dir = std::env::temp_dir().display().to_string();
    stdout(o).replace(&dir, "TMP")
}

macro_rules! snapshot {
    ($test:ident, $id:expr) => {
        #[test]
        fn $test() {
            for format in ["text", "json"] {
                let o = explain(&format!("{}-{format}", stringify!($test)), $id, format);
                assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
                insta::assert_snapshot!(format!("{}_{format}", stringify!($test)), stable(&o));
            }
        }
    };
}

snapshot!(accepted_creator, "ana");
snapshot!(rejected_creator, "ben");
snapshot!(review_creator, "cat");
snapshot!(error_creator, "dan");

#[test]
fn a_failed_comparison_says_how_far_off() {
    let o = explain("distance", "ben", "text");
    let t = stdout(&o);
    assert!(t.contains("followers = 10,412"), "{t}");
    assert!(
        t.contains("to pass: followers 10,412: 412 above the maximum 10,000"),
        "{t}"
    );
    // a bound written as a percentage shows percentages
    assert!(
        t.contains("to pass: engagement_rate 2.1%: 0.9% below the minimum 3%"),
        "{t}"
    );
    // missing shown as missing, division by zero named
    assert!(t.contains("conversions / clicks divides by zero"), "{t}");
}

#[test]
fn json_trace_holds_every_declaration_with_its_reads() {
    let o = explain("json", "ana", "json");
    let t = json_of(&o);
    assert_eq!(t["id"], "ana");
    assert_eq!(t["status"], "accepted");
    assert_eq!(t["rank"], 2); // eve is first
    assert_eq!(t["accepted"], 3);
    assert_eq!(t["shortlisted"], true);
    assert_eq!(t["tier"], "gold");
    let names = |k: &str| -> Vec<String> {
        t[k].as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("lets"), ["beauty", "conversion"]);
    assert_eq!(
        names("requirements"),
        ["micro", "engaged", "market", "authentic", "no_spam"]
    );
    assert_eq!(names("signals"), ["engagement", "niche", "marketing"]);
    assert_eq!(names("tiers"), ["gold", "silver"]);
    let micro = &t["requirements"][0];
    assert_eq!(
        micro["source"],
        "require micro: followers between 1k and 10k"
    );
    assert_eq!(micro["line"], 4);
    assert_eq!(
        micro["reads"],
        json!([{"name": "followers", "kind": "field", "result": "value", "value": 5000, "why": null}])
    );
    assert_eq!(micro["outcome"], "pass");
    assert_eq!(t["tiers"][0]["outcome"], "chosen");
    assert_eq!(t["tiers"][1]["outcome"], "not_tried");
    assert_eq!(t["rank_by"]["key"]["result"], "value");
}

#[test]
fn rank_counts_every_accepted_creator_before_and_after() {
    // eve (read after ana) ranks above her; gus (read last) below both
    let ranks: Vec<(String, Value, Value)> = ["ana", "eve", "gus"]
        .iter()
        .map(|id| {
            let t = json_of(&explain(&format!("rank-{id}"), id, "json"));
            (id.to_string(), t["rank"].clone(), t["shortlisted"].clone())
        })
        .collect();
    let (_d, rules, data) = fixture("rank-all");
    let all = json_of(&run(&[p(&rules), p(&data), "--format", "json", "--all"]));
    for (id, rank, shortlisted) in ranks {
        let v = all["creators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id.as_str())
            .unwrap();
        assert_eq!(rank, v["rank"], "{id}");
        assert_eq!(shortlisted, json!(v["rank"].as_u64().unwrap() <= 2), "{id}");
    }
}

#[test]
fn unknown_id_exits_2_with_the_closest_ids() {
    let o = explain("unknown", "bem", "text");
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("influence::unknown-id"), "{e}");
    assert!(e.contains("has the id `bem`"), "{e}");
    assert!(e.contains("the closest ids: `ben`"), "{e}");
    assert!(stdout(&o).is_empty());

    let (_d, rules, data) = fixture("unknown-json");
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "anaa",
        "--error-format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let d: Value = serde_json::from_str(stderr(&o).trim()).expect("one JSON diagnostic");
    assert_eq!(d["code"], "influence::unknown-id");
    assert_eq!(d["severity"], "error");
    assert!(d["file"].as_str().unwrap().ends_with("creators.json"));
    assert!(d["help"]
        .as_str()
        .unwrap()
        .starts_with("the closest ids: `ana`"));
}

#[test]
fn a_shared_id_explains_the_first_and_says_so() {
    let o = explain("dup", "gus", "json");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json_of(&o)["record"], 7);
    assert!(
        stderr(&o).contains("1 more creator in") && stderr(&o).contains("has the id `gus`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_later_creator_with_the_same_id_still_counts_in_the_rank() {
    // two records share the id `ana`: the first is explained, and the
    // second, with the better score, ranks above it as in `run`
    let dir = scratch("dup-rank");
    let rules = write(
        &dir,
        "t.rules",
        "require big: followers >= 1000\nsignal s = followers / 10000\n",
    );
    let data = write(
        &dir,
        "d.json",
        r#"[{"handle":"ana","followers":5000},{"handle":"ANA","followers":7000}]"#,
    );
    let all = json_of(&run(&[p(&rules), p(&data), "--format", "json", "--all"]));
    assert_eq!(all["creators"][0]["rank"], 2);
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "ana",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = json_of(&o);
    assert_eq!(t["record"], 1);
    assert_eq!(t["rank"], 2, "{t}");
}

#[test]
fn a_damaged_record_is_explained_by_its_damage() {
    let dir = scratch("explain-damaged");
    let rules = write(&dir, "test.rules", RULES);
    let data = write(
        &dir,
        "c.ndjson",
        "{\"handle\": \"ana\", \"followers\": 5000}\n{not json\n",
    );
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "#2",
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.starts_with("#2: error"), "{t}");
    assert!(t.contains("error in record: line 2:"), "{t}");
    assert!(t.contains("could not be evaluated at all"), "{t}");
}

/// A chain of lets, each reading the one before twice with `op`.
fn doubling_lets(op: &str) -> String {
    let mut src = String::from("let b0 = followers > 10\n");
    for i in 1..24 {
        src.push_str(&format!("let b{i} = b{} {op} b{}\n", i - 1, i - 1));
    }
    src.push_str("require big: b23\n");
    src
}

#[test]
fn a_let_read_twice_is_explained_once() {
    // each let reads the one before twice: expanding them took 2^23 steps
    // (20 s and 5 GB for one creator); a let already shown is named instead
    let dir = scratch("explain-doubling");
    let data = write(
        &dir,
        "c.json",
        r#"[{"handle": "a", "followers": 5}, {"handle": "b", "followers": 50}]"#,
    );
    for op in ["and", "or"] {
        let rules = write(&dir, &format!("{op}.rules"), doubling_lets(op));
        let start = std::time::Instant::now();
        let o = run(&[
            "explain",
            p(&rules),
            p(&data),
            "--id",
            "a",
            "--format",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let t = json_of(&o);
        let req = &t["requirements"][0];
        assert_eq!(req["outcome"], "fail", "{op}");
        let gaps = req["distance"].as_array().expect("distances");
        assert_eq!(gaps.len(), 1, "{op}: {gaps:?}");
        assert_eq!(gaps[0]["text"], "followers 5: needs more than 10, 5 short");
        let reason = req["reason"].as_str().expect("a reason");
        assert!(reason.len() < 2_000, "{op}: {} bytes", reason.len());
        assert!(reason.contains("b22 is false"), "{reason}");
        // the text form and near misses too
        let o = run(&[
            "explain",
            p(&rules),
            p(&data),
            "--id",
            "a",
            "--format",
            "text",
        ]);
        assert!(
            stdout(&o).len() < 20_000,
            "{op}: {} bytes",
            stdout(&o).len()
        );
        let o = run(&[
            p(&rules),
            p(&data),
            "--near-misses",
            "5",
            "--all",
            "--format",
            "json",
        ]);
        let r = json_of(&o);
        assert_eq!(r["creators"][0]["status"], "rejected", "{op}: {r}");
        assert_eq!(
            r["near_misses"][0]["distance"].as_array().map(Vec::len),
            Some(1)
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "{op}");
    }
}

#[test]
fn distances_past_twenty_are_counted() {
    let dir = scratch("explain-many-gaps");
    let terms: Vec<String> = (0..30).map(|i| format!("followers > {i}k")).collect();
    let rules = write(
        &dir,
        "t.rules",
        format!("require many: {}\n", terms.join(" and ")),
    );
    let data = write(&dir, "c.json", r#"[{"handle": "a", "followers": -1}]"#);
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "a",
        "--format",
        "json",
    ]);
    let gaps = json_of(&o)["requirements"][0]["distance"].clone();
    let gaps = gaps.as_array().expect("distances");
    // every false side of the `and` has a distance: 20 shown, 10 counted
    assert_eq!(gaps.len(), 21, "{gaps:?}");
    assert_eq!(gaps[20]["needs"], "more");
    assert_eq!(gaps[20]["bound"], 10);
    assert_eq!(gaps[20]["text"], "10 more not shown");
}

#[test]
fn control_characters_in_ids_and_values_are_escaped_in_text() {
    // ESC, BEL, CR and a newline in a handle, a value and a message reached
    // the terminal raw in the table, explain and diff text
    let dir = scratch("explain-control");
    let rules = write(
        &dir,
        "t.rules",
        "require small: followers < 10 else \"too big \\u{1b}[2J\"\nrequire bio_ok: not (bio contains \"x\")\n",
    );
    let looser = write(&dir, "u.rules", "require small: followers < 100000\n");
    let data = write(
        &dir,
        "c.json",
        r#"[{"handle": "ev\u001b[31mil\u0007\r\nx", "followers": 50, "bio": "a\u001b]0;t\u0007x"}]"#,
    );
    let id = "ev\u{1b}[31mil\u{7}\r\nx";
    let clean = |what: &str, text: &str| {
        let bad: Vec<char> = text
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(bad.is_empty(), "{what}: {bad:?} in\n{text}");
        assert!(
            text.contains(r"ev\u{1b}[31mil\u{7}\r\nx"),
            "{what}:\n{text}"
        );
    };
    let o = run(&[
        p(&rules),
        p(&data),
        "--format",
        "table",
        "--all",
        "--near-misses",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    clean("table", &stdout(&o));
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        id,
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    clean("explain", &stdout(&o));
    assert!(stdout(&o).contains(r"too big \u{1b}[2J"), "{}", stdout(&o));
    let o = run(&["diff", p(&rules), p(&looser), p(&data), "--format", "table"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    clean("diff", &stdout(&o));
    // JSON keeps the id exactly
    let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
    assert_eq!(json_of(&o)["creators"][0]["id"], id);
}

#[test]
fn integer_fields_past_2_53_are_shown_as_written() {
    // read as a float, 6812345678901234567 showed as 6,812,345,678,901,234,688
    let dir = scratch("explain-big-integers");
    let rules = write(&dir, "t.rules", "require small: reach < 10\n");
    let data = write(
        &dir,
        "c.ndjson",
        "{\"id\": 6812345678901234567, \"reach\": 6812345678901234567}\n",
    );
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "6812345678901234567",
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("reach = 6812345678901234567"), "{text}");
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "6812345678901234567",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let trace = json_of(&o);
    let read = &trace["requirements"][0]["reads"][0];
    assert_eq!(read["value"].to_string(), "6812345678901234567", "{read}");
    // and the reason a report gives
    let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
    let reason = json_of(&o)["creators"][0]["failed"][0]["reason"].clone();
    assert_eq!(reason, "reach is 6812345678901234567, needs < 10");
}

#[test]
fn a_rejected_creator_shows_the_errors_listed_beside_its_failures() {
    let dir = scratch("explain-total-row");
    let rules = write(
        &dir,
        "t.rules",
        "require real_row: handle != \"TOTAL\"\nsignal engagement = engagement_rate / 8%\n",
    );
    let data = write(
        &dir,
        "d.json",
        r#"[{"handle": "ana", "engagement_rate": 0.04}, {"handle": "TOTAL", "engagement_rate": "n/a"}]"#,
    );
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "TOTAL",
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("TOTAL: rejected by real_row"), "{text}");
    assert!(
        text.contains(r#"error in signal engagement: engagement_rate is "n/a", a string, where a number is needed"#),
        "{text}"
    );
    assert!(
        text.contains("score: none (a signal in error leaves it unknown)"),
        "{text}"
    );
    let j = json_of(&run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "TOTAL",
        "--format",
        "json",
    ]));
    assert_eq!(j["status"], "rejected");
    assert_eq!(
        j["failed"],
        json!([
            {"rule": "real_row", "reason": "handle is \"TOTAL\", needs != \"TOTAL\"",
             "cause": {"kind": "compare", "field": "handle", "value": "TOTAL", "op": "!=", "bound": "TOTAL"}},
            {"rule": "signal engagement", "reason": "engagement_rate is \"n/a\", a string, where a number is needed", "error": true,
             "cause": {"kind": "wrong_kind", "field": "engagement_rate", "value": "n/a", "found": "string", "needed": "number"}}
        ])
    );
    // and a run counts it rejected, not in error
    let r = json_of(&run(&[p(&rules), p(&data), "--format", "json"]));
    assert_eq!(
        (r["rejected"].clone(), r["errors"].clone()),
        (json!(1), json!(0))
    );
}
