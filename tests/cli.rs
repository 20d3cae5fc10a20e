//! The built binary, as a user runs it: exit statuses, JSON fields, `--all`,
//! `--top`, `--output`, `--id-field`, the default command, `check`.

mod common;

use std::path::PathBuf;

use common::{json_of, p, run, scratch, stderr, stdout, write};
use serde_json::{json, Value};

const RULES: &str = r#"ruleset "test"
let beauty = ["skincare", "beauty"]
require micro: followers between 1k and 10k
require niche: overlap(niches, beauty) >= 1
require authentic: authenticity_score >= 0.7 when missing review
signal engagement weight 3 = engagement_rate / 8%
signal customer = if is_customer then 1 else 0
tier gold when score >= 0.5
tier silver otherwise
limit 2
"#;

fn creators() -> Value {
    json!([
        {"handle": "ana", "followers": 5000, "niches": ["beauty"], "authenticity_score": 0.9, "engagement_rate": 0.08, "is_customer": true},
        {"handle": "ben", "followers": 512, "niches": ["beauty"], "authenticity_score": 0.9, "engagement_rate": 0.02, "is_customer": false},
        {"handle": "cat", "followers": 3000, "niches": ["skincare"], "engagement_rate": 0.04, "is_customer": false},
        {"handle": "dan", "followers": "3.3k", "niches": ["beauty"], "authenticity_score": 0.9, "engagement_rate": 0.05, "is_customer": false},
        {"handle": "eve", "followers": 9000, "niches": ["skincare"], "authenticity_score": 0.8, "engagement_rate": 0.04, "is_customer": false},
        {"handle": "fay", "followers": 2000, "niches": ["gaming"], "authenticity_score": 0.8, "engagement_rate": 0.06, "is_customer": true},
        {"id": 77, "followers": 4000, "niches": ["beauty"], "authenticity_score": 0.75, "engagement_rate": 0.02, "is_customer": true}
    ])
}

fn fixture(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let dir = scratch(name);
    let rules = write(&dir, "brand.rules", RULES);
    let data = write(&dir, "creators.json", creators().to_string());
    (dir, rules, data)
}

#[test]
fn run_json_has_exactly_the_design_fields() {
    let (_d, rules, data) = fixture("fields");
    let o = run(&[
        "run",
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json_of(&o);
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "ruleset",
            "today",
            "evaluated",
            "accepted",
            "rejected",
            "errors",
            "review",
            "funnel",
            "failures",
            "shortlist",
            "warnings",
            "id_field"
        ]
    );
    assert_eq!(r["ruleset"], "test");
    assert_eq!(r["evaluated"], 7);
    assert_eq!(r["accepted"], 3); // ana, eve, 77
    assert_eq!(r["rejected"], 2); // ben (micro), fay (niche)
    assert_eq!(r["errors"], 1); // dan: "3.3k"
    assert_eq!(r["review"], 1); // cat: authenticity missing
    assert_eq!(
        r["funnel"],
        json!([
            {"rule": "micro", "removed": 1, "remaining": 5},
            {"rule": "niche", "removed": 1, "remaining": 4},
            {"rule": "authentic", "removed": 0, "remaining": 4}
        ])
    );
    assert_eq!(
        r["failures"],
        json!({"micro": 1, "niche": 1, "authentic": 0})
    );
    // limit 2; ana: (3*1 + 1)/4 = 1.0; 77: (3*0.25 + 1)/4 = 0.4375; eve: 3*0.5/4 = 0.375
    let sl = r["shortlist"].as_array().unwrap();
    assert_eq!(sl.len(), 2);
    assert_eq!(
        sl[0],
        json!({"rank": 1, "id": "ana", "score": 1.0, "tier": "gold", "signals": {"engagement": 1.0, "customer": 1.0}})
    );
    assert_eq!(sl[1]["id"], "77");
    assert_eq!(sl[1]["tier"], "silver");
    assert_eq!(sl[1]["score"], 0.4375);
}

#[test]
fn all_lists_every_creator_in_input_order() {
    let (_d, rules, data) = fixture("all");
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "json",
        "--all",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json_of(&o);
    let all = r["creators"].as_array().expect("creators with --all");
    let ids: Vec<&str> = all.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ana", "ben", "cat", "dan", "eve", "fay", "77"]);
    let keys: Vec<&str> = all[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["id", "status", "failed", "score", "tier", "signals", "rank"]
    );
    let statuses: Vec<&str> = all.iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        ["accepted", "rejected", "review", "error", "accepted", "rejected", "accepted"]
    );
    assert_eq!(
        all[1]["failed"],
        json!([{"rule": "micro", "reason": "followers is 512, needs between 1000 and 10000",
                "cause": {"kind": "between", "field": "followers", "value": 512, "low": 1000, "high": 10000}}])
    );
    assert_eq!(
        all[2]["failed"],
        json!([{"rule": "authentic", "reason": "authenticity_score is missing",
                "cause": {"kind": "missing", "missing": "field", "field": "authenticity_score", "when": "review"}}])
    );
    let dan = all[3]["failed"][0]["reason"].as_str().unwrap();
    assert!(
        dan.contains("followers is \"3.3k\", a string") && dan.contains("number(followers)"),
        "{dan}"
    );
    assert_eq!(all[3]["score"], Value::Null);
    // ranks for every accepted creator, beyond the limit too; none for others
    assert_eq!(all[0]["rank"], 1);
    assert_eq!(all[6]["rank"], 2);
    assert_eq!(all[4]["rank"], 3);
    assert_eq!(all[1]["rank"], Value::Null);
    // signals and score for rejected creators as well
    assert_eq!(
        all[1]["signals"],
        json!({"engagement": 0.25, "customer": 0.0})
    );
}

#[test]
fn top_overrides_limit_and_id_field_picks_the_id() {
    let (_d, rules, data) = fixture("top");
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "json",
        "--top",
        "1",
    ]);
    let r = json_of(&o);
    assert_eq!(r["shortlist"].as_array().unwrap().len(), 1);
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "json",
        "--top",
        "10",
        "--id-field",
        "followers",
    ]);
    let r = json_of(&o);
    let ids: Vec<&str> = r["shortlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["5000", "4000", "9000"]);
}

#[test]
fn output_writes_the_report_to_a_file() {
    let (dir, rules, data) = fixture("output");
    let out = dir.join("report.json");
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(r["accepted"], 3);
}

#[test]
fn table_shows_shortlist_funnel_and_counts() {
    let (_d, rules, data) = fixture("table");
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "table",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    assert!(
        t.starts_with("test: 7 creators, 3 accepted, 1 review, 2 rejected, 1 errors"),
        "{t}"
    );
    assert!(t.contains("Shortlist (2 of 3 accepted)"), "{t}");
    assert!(
        t.contains("rank  id   score  tier    engagement  customer"),
        "{t}"
    );
    assert!(
        t.contains("   1  ana  1.000  gold         1.000     1.000"),
        "{t}"
    );
    assert!(!t.contains('\u{1b}'), "no colour when piped");
    insta::assert_snapshot!("table", t);
}

#[test]
fn strict_exits_2_when_a_creator_is_in_error() {
    let (_d, rules, data) = fixture("strict");
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "json",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1 creator in error"), "{}", stderr(&o));
    assert_eq!(json_of(&o)["errors"], 1, "the report is still written");
}

#[test]
fn invalid_rules_exit_1_with_every_diagnostic() {
    let dir = scratch("bad-rules");
    let rules = write(
        &dir,
        "bad.rules",
        "signal s weight 0 = lenn(x)\nrequire r: \"US\" > 3\n",
    );
    let data = write(&dir, "c.json", "[]");
    let o = run(&[rules.to_str().unwrap(), data.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    for needle in [
        "influence::weight",
        "influence::unknown-function",
        "did you mean `len`?",
        "influence::type",
        "bad.rules:1:17",
        "has 3 errors",
    ] {
        assert!(e.contains(needle), "{needle} missing from:\n{e}");
    }
    let o = run(&["check", dir.join("nope.rules").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read rules file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unreadable_data_exits_2_with_place() {
    let (dir, rules, _) = fixture("bad-data");
    let data = write(
        &dir,
        "broken.json",
        "[\n  {\"handle\": \"a\"},\n  {\"handle\": \"b\",,}\n]\n",
    );
    let o = run(&[rules.to_str().unwrap(), data.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("broken.json:3:"), "{e}");
    assert!(e.contains("{\"handle\": \"b\",,}"), "shows the line: {e}");
    let o = run(&[
        rules.to_str().unwrap(),
        dir.join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    let o = run(&[rules.to_str().unwrap(), dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
}

#[test]
fn non_object_elements_are_creators_in_error() {
    let (dir, rules, _) = fixture("non-object");
    let data = write(
        &dir,
        "mixed.json",
        "[{\"handle\": \"ana\", \"followers\": 5000}, 42, [1]]",
    );
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "json",
        "--all",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let r = json_of(&o);
    assert_eq!(r["evaluated"], 3);
    assert_eq!(r["errors"], 2);
    assert_eq!(r["creators"][1]["id"], "#2");
    assert_eq!(
        r["creators"][1]["failed"][0]["reason"],
        "line 1: record 2 is a number, not an object of fields"
    );
}

#[test]
fn unknown_fields_are_warned_about_with_a_suggestion() {
    let (dir, _, data) = fixture("warn");
    let rules = write(
        &dir,
        "typo.rules",
        "require engaged: engagment_rate >= 3%\n",
    );
    let o = run(&[
        rules.to_str().unwrap(),
        data.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let r = json_of(&o);
    assert_eq!(
        r["warnings"],
        json!(["`engagment_rate` appears in no record; did you mean `engagement_rate`?"])
    );
    assert!(stderr(&o).contains("did you mean `engagement_rate`?"));
    let o = run(&[
        "check",
        rules.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("warning: `engagment_rate` appears in no record"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_prints_ok_and_a_summary() {
    let (_d, rules, _) = fixture("check");
    let o = run(&["check", rules.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "ok: {}: \"test\": 1 let, 3 requirements, 2 signals, 2 tiers, 0 examples; rank by score desc, limit 2\n",
            rules.display()
        )
    );
}

#[test]
fn shipped_sample_runs_verbatim() {
    let o = run(&["rules/brand.rules", "creators.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json_of(&o);
    let evaluated = r["evaluated"].as_u64().unwrap();
    let errors = r["errors"].as_u64().unwrap();
    let removed: u64 = r["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["removed"].as_u64().unwrap())
        .sum();
    let last = r["funnel"].as_array().unwrap().last().unwrap()["remaining"]
        .as_u64()
        .unwrap();
    assert_eq!(removed + last, evaluated - errors);
    assert_eq!(
        last,
        r["accepted"].as_u64().unwrap() + r["review"].as_u64().unwrap()
    );
    assert!(evaluated >= 300);
    for rules in [
        "rules/brand.rules",
        "rules/outdoor_gear.rules",
        "rules/minimal.rules",
    ] {
        let o = run(&["check", rules]);
        assert_eq!(o.status.code(), Some(0), "{rules}: {}", stderr(&o));
    }
}

#[test]
fn check_warns_of_a_field_that_looks_like_a_typo_of_a_let_unless_the_data_has_it() {
    let dir = scratch("field-like-let");
    let rules = write(
        &dir,
        "typo.rules",
        "let beauty = [\"skincare\"]\nrequire fit: any(niches, n => n in beuaty)\n",
    );
    let o = run(&["check", p(&rules)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("influence::field-like-name"), "{err}");
    assert!(
        err.contains("`beuaty` is no let or signal, so it is read as a field; did you mean the let `beauty`?"),
        "{err}"
    );
    // run says it too
    let data = write(
        &dir,
        "d.json",
        r#"[{"handle": "a", "niches": ["skincare"]}]"#,
    );
    let o = run(&[p(&rules), p(&data)]);
    assert!(stderr(&o).contains("did you mean the let `beauty`?"));
    // a record that has the field answers it
    let data = write(
        &dir,
        "has.json",
        r#"[{"handle": "a", "niches": ["x"], "beuaty": ["x"]}]"#,
    );
    let o = run(&["check", p(&rules), "--data", p(&data)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("field-like-name"), "{}", stderr(&o));
}
