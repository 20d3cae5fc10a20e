//! `--today` and the run's date through the built binary: the json
//! report's `today`, the table's header, `test` with an example's own
//! `today`, the warning for examples without one, and a bad value; and
//! `number(x, mark)` beside `--decimal-comma`.

mod common;

use common::{json_of, p, run, scratch, stderr, stdout, write};

const RULES: &str = r#"ruleset "fresh"
require active: days_since(last_post_at) <= 30
signal recency = 1 - days_since(last_post_at) / 30
rank by date(last_post_at) desc, handle asc
"#;

const DATA: &str = r#"[
  {"handle": "old", "last_post_at": "2026-10-01"},
  {"handle": "new", "last_post_at": "2026-11-30T09:00:00Z"},
  {"handle": "mid", "last_post_at": "2026-11-03T23:30:00-02:00"},
  {"handle": "bad", "last_post_at": "last week"}
]"#;

#[test]
fn today_sets_the_run_date_of_the_report() {
    let dir = scratch("today-run");
    let rules = write(&dir, "fresh.rules", RULES);
    let data = write(&dir, "c.json", DATA);
    let o = run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--all",
        "--today",
        "2026-12-02",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json_of(&o);
    assert_eq!(r["today"], "2026-12-02");
    let ids: Vec<&str> = r["shortlist"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["new", "mid"]);
    assert_eq!(
        r["creators"][0]["failed"][0]["reason"],
        "days_since(last_post_at) is 62, needs <= 30"
    );
    assert_eq!(r["errors"], 1);

    // a month earlier, `old` is recent too
    let o = run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--today",
        "2026-10-20",
    ]);
    let r = json_of(&o);
    assert_eq!(
        (r["today"].as_str(), r["accepted"].as_u64()),
        (Some("2026-10-20"), Some(3))
    );

    let o = run(&[
        "run",
        p(&rules),
        p(&data),
        "--format",
        "table",
        "--today",
        "2026-12-02",
    ]);
    assert!(
        stdout(&o).starts_with("fresh (as of 2026-12-02): 4 creators"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn without_today_the_report_carries_the_clock_date() {
    let dir = scratch("today-clock");
    let rules = write(&dir, "fresh.rules", RULES);
    let data = write(&dir, "c.json", DATA);
    let o = run(&["run", p(&rules), p(&data), "--format", "json"]);
    let today = json_of(&o)["today"].as_str().expect("a date").to_string();
    use influence_eval::jiff::{tz::Offset, Timestamp};
    let clock = Offset::UTC.to_datetime(Timestamp::now()).date().to_string();
    assert_eq!(today, clock);
}

#[test]
fn a_bad_today_is_a_usage_error() {
    let dir = scratch("today-bad");
    let rules = write(&dir, "fresh.rules", RULES);
    let data = write(&dir, "c.json", DATA);
    for bad in ["2026-02-30", "02/12/2026", "today", "2026-1-2"] {
        for cmd in [
            vec!["run", p(&rules), p(&data)],
            vec!["explain", p(&rules), p(&data), "--id", "new"],
            vec!["diff", p(&rules), p(&rules), p(&data)],
            vec!["test", p(&rules)],
        ] {
            let mut args = cmd.clone();
            args.extend(["--today", bad]);
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            assert!(
                stderr(&o).contains(&format!(
                    "`{bad}` is not a date: write the year, month and day as YYYY-MM-DD"
                )),
                "{}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn explain_and_diff_take_today() {
    let dir = scratch("today-explain");
    let rules = write(&dir, "fresh.rules", RULES);
    let data = write(&dir, "c.json", DATA);
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "mid",
        "--today",
        "2026-12-02",
        "--format",
        "text",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // 2026-11-03T23:30:00-02:00 is 2026-11-04 in UTC: 28 days before the run's date
    assert!(text.contains("days_since(last_post_at) = 28"), "{text}");
    assert!(text.contains("key = \"2026-11-04T01:30:00Z\""), "{text}");
    assert!(text.contains("then handle = \"mid\""), "{text}");
    // the date the days were counted to is said, in text and json
    assert!(text.contains("as of 2026-12-02 (the run's date)"), "{text}");
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "mid",
        "--today",
        "2026-12-02",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(json["today"], "2026-12-02");
    let o = run(&[
        "diff",
        p(&rules),
        p(&rules),
        p(&data),
        "--format",
        "json",
        "--today",
        "2026-12-02",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn examples_fix_their_date_and_undated_ones_are_warned() {
    let dir = scratch("today-examples");
    let dated = write(
        &dir,
        "dated.rules",
        format!(
            "{RULES}example \"recent\" {{\n  creator {{ handle: \"a\", last_post_at: \"2026-11-20\" }}\n  today \"2026-12-02\"\n  expect accepted\n}}\n\
             example \"stale\" {{\n  creator {{ handle: \"b\", last_post_at: \"2026-11-20\" }}\n  expect rejected by active\n  today \"2027-01-15\"\n}}\n"
        ),
    );
    // --today does not move an example's own date
    for extra in [&[][..], &["--today", "2026-11-21"][..]] {
        let mut args = vec!["test", p(&dated)];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert!(
            stdout(&o).ends_with("2 passed, 0 failed\n"),
            "{}",
            stdout(&o)
        );
        assert!(!stderr(&o).contains("example-today"), "{}", stderr(&o));
    }

    let undated = write(
        &dir,
        "undated.rules",
        format!("{RULES}example \"someday\" {{\n  creator {{ handle: \"a\", last_post_at: \"2026-11-20\" }}\n  expect accepted\n}}\n"),
    );
    let o = run(&["test", p(&undated), "--today", "2026-12-01"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let warning = "example \"someday\" has no `today`, and the rules use `days_since`";
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    let o = run(&["test", p(&undated), "--today", "2027-06-01"]);
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    let o = run(&["check", p(&undated)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    let o = run(&["check", p(&dated)]);
    assert!(!stderr(&o).contains("example-today"), "{}", stderr(&o));
}

#[test]
fn fmt_keeps_today_and_several_rank_keys() {
    let dir = scratch("today-fmt");
    let src = "rank by   score desc ,followers\nexample \"e\" {\n  creator { a: 1 }\n  today   \"2026-12-02\"\n  expect accepted\n}\n";
    let f = write(&dir, "f.rules", src);
    let o = run(&["fmt", p(&f)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = std::fs::read_to_string(&f).expect("formatted");
    assert_eq!(
        out,
        "rank by score desc, followers\nexample \"e\" {\n  creator { a: 1 }\n  today \"2026-12-02\"\n  expect accepted\n}\n"
    );
}

#[test]
fn an_explicit_decimal_mark_wins_over_decimal_comma() {
    let dir = scratch("decimal-mark");
    let rules = write(
        &dir,
        "m.rules",
        "signal plain = number(p) * 10\nsignal point = number(p, \".\") * 10\nsignal comma = number(p, \",\") * 10\n",
    );
    let data = write(&dir, "c.json", r#"[{"handle": "a", "p": "4,2%"}]"#);
    let signals = |extra: &[&str]| {
        let mut args = vec!["run", p(&rules), p(&data), "--format", "json"];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let s = json_of(&o)["shortlist"][0]["signals"].clone();
        let round = |k: &str| (s[k].as_f64().expect("a number") * 1000.0).round() / 1000.0;
        (round("plain"), round("point"), round("comma"))
    };
    // `4,2%` with a point: 42% (the comma separates thousands)
    assert_eq!(signals(&[]), (1.0, 1.0, 0.42));
    assert_eq!(signals(&["--decimal-comma"]), (0.42, 1.0, 0.42));
}
