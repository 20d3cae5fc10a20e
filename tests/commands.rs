//! The `test`, `fmt` and `diff` commands through the built binary.

mod common;

use common::{json_of, p, run, scratch, stderr, stdout, write};
use serde_json::json;

const RULES: &str = r#"ruleset "t"
require micro: followers between 1k and 10k
require engaged: engagement_rate >= 3%
signal engagement = engagement_rate / 8%
tier gold when score >= 0.5
tier silver otherwise
"#;

#[test]
fn test_passes_and_fails_with_exit_codes_and_a_diagnostic() {
    let dir = scratch("test-cmd");
    let good = write(
        &dir,
        "good.rules",
        format!(
            "{RULES}example \"tiny\" {{\n  creator {{ followers: 500, engagement_rate: 6% }}\n  expect rejected by micro\n}}\n\
             example \"star\" {{\n  creator {{ followers: 5k, engagement_rate: 6% }}\n  expect accepted\n  expect tier gold\n  expect score >= 0.7\n  expect signal engagement == 0.75\n}}\n"
        ),
    );
    let o = run(&["test", p(&good)]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).ends_with("2 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );

    let bad = write(
        &dir,
        "bad.rules",
        format!(
            "{RULES}example \"wrong guesses\" {{\n  creator {{ followers: 500, engagement_rate: 1% }}\n  expect rejected by micro\n  expect tier gold\n}}\n"
        ),
    );
    let o = run(&["test", p(&good), p(&bad)]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stdout(&o).contains("  FAIL  wrong guesses"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).ends_with("2 passed, 1 failed\n"),
        "{}",
        stdout(&o)
    );
    let e = stderr(&o).replace(p(&bad), "bad.rules");
    insta::assert_snapshot!("test_failure", e);
}

#[test]
fn test_of_invalid_rules_exits_1() {
    let dir = scratch("test-invalid");
    let bad = write(&dir, "bad.rules", "require r: lenn(x) > 1\n");
    let o = run(&["test", p(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("influence::unknown-function"));
}

#[test]
fn fmt_rewrites_and_check_lists_files_with_exit_3() {
    let dir = scratch("fmt-cmd");
    let messy = "# keep me\nrequire   micro :followers between 1k and 10k   # and me\nrequire engaged:engagement_rate>=3%\n";
    let file = write(&dir, "messy.rules", messy);
    let tidy = write(&dir, "tidy.rules", "require micro: followers > 1\n");

    let o = run(&["fmt", "--check", p(&dir)]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stdout(&o), format!("would reformat {}\n", file.display()));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        messy,
        "--check changes nothing"
    );

    let o = run(&["fmt", p(&file), p(&tidy)]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "# keep me\nrequire micro:   followers between 1k and 10k  # and me\nrequire engaged: engagement_rate >= 3%\n"
    );
    let o = run(&["fmt", "--check", p(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    let broken = write(&dir, "broken.rules", "require r followers\n");
    assert_eq!(run(&["fmt", p(&broken)]).status.code(), Some(1));
}

#[test]
fn shipped_rules_are_formatted_and_their_examples_pass() {
    let o = run(&["fmt", "--check", "rules/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let files: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    let mut args = vec!["test"];
    args.extend(files.iter().map(String::as_str));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        !stdout(&o).contains("note:"),
        "every requirement and tier is covered:\n{}",
        stdout(&o)
    );
}

#[test]
fn diff_lists_who_changes_and_why() {
    let dir = scratch("diff-cmd");
    let old = write(&dir, "old.rules", format!("{RULES}limit 2\n"));
    // looser engagement, stricter gold
    let new = write(
        &dir,
        "new.rules",
        format!(
            "{}limit 2\n",
            RULES
                .replace(">= 3%", ">= 2%")
                .replace("score >= 0.5", "score >= 0.6")
        ),
    );
    let data = write(
        &dir,
        "c.json",
        json!([
            {"handle": "ana", "followers": 5000, "engagement_rate": 0.06},
            {"handle": "ben", "followers": 5000, "engagement_rate": 0.025},
            {"handle": "cat", "followers": 5000, "engagement_rate": 0.045},
            {"handle": "dan", "followers": 500, "engagement_rate": 0.09},
        ])
        .to_string(),
    );
    let o = run(&["diff", p(&old), p(&new), p(&data), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let d = json_of(&o);
    assert_eq!(
        d["counts"],
        json!({"evaluated": 4, "entered": 0, "left": 0, "status_changed": 1, "tier_changed": 2, "rank_changed": 1})
    );
    let changes = d["changes"].as_array().unwrap();
    let ids: Vec<&str> = changes.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ben", "cat"]);
    // ben: now accepted, third, off the 2-place shortlist
    assert_eq!(changes[0]["old"]["status"], "rejected");
    assert_eq!(
        changes[0]["new"],
        json!({"status": "accepted", "tier": "silver", "rank": 3, "shortlisted": false, "score": 0.3125})
    );
    assert_eq!(
        changes[0]["causes"],
        json!(["now passes engaged (was: engagement_rate is 0.025, needs >= 0.03)"])
    );
    // cat: score 0.5625 is gold under the old rules, silver under the new
    assert_eq!(changes[1]["old"]["tier"], "gold");
    assert_eq!(changes[1]["new"]["tier"], "silver");
    assert_eq!(changes[1]["causes"], json!(["the tier conditions changed"]));

    let o = run(&["diff", p(&old), p(&new), p(&data), "--format", "table"]);
    let t = stdout(&o);
    assert!(t.contains("changed status         1"), "{t}");
    assert!(
        t.contains("  ben: rejected -> accepted #3 silver\n      now passes engaged"),
        "{t}"
    );
}
