//! The language stays total: no construct loops, recurses, reads files or
//! the environment, and evaluating a creator takes time proportional to
//! the size of the rules times that of the record. Lambdas nested over long
//! lists would take longer (every pair, every triple...), so they stop with
//! an error for that creator instead of hanging the run.

mod common;

use std::time::{Duration, Instant};

use common::{json_of, p, run, scratch, stderr, write};
use influence_eval::{Ruleset, Status};
use serde_json::json;

fn compile_err(src: &str) -> Vec<&'static str> {
    Ruleset::compile("t.rules", src)
        .expect_err("refused")
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn no_io_and_no_recursion() {
    // there is no function that reads a file, the environment or the clock
    for f in [
        "read", "file", "env", "getenv", "exec", "include", "import", "now", "http",
    ] {
        assert_eq!(
            compile_err(&format!("let x = {f}(\"/etc/passwd\")")),
            ["influence::unknown-function"],
            "{f}"
        );
    }
    // a let or signal cannot call itself, directly or through others
    // (reading its own name, it is refused as hiding the field of that name)
    assert_eq!(compile_err("let a = a + 1"), ["influence::hides-field"]);
    assert_eq!(
        compile_err("let a = b\nlet b = c\nlet c = a"),
        ["influence::cycle"]
    );
    assert_eq!(compile_err("signal s = score"), ["influence::cycle"]);
    // and lambdas only take list elements: no function values to recurse with
    assert_eq!(compile_err("let f = x => x"), ["influence::lambda"]);
}

fn within(limit: Duration, what: &str, f: impl FnOnce()) {
    let start = Instant::now();
    f();
    let took = start.elapsed();
    assert!(took < limit, "{what} took {took:?}");
}

#[test]
fn long_lists_take_linear_time() {
    let n = 200_000;
    let xs: Vec<usize> = (0..n).collect();
    let ys: Vec<usize> = (n / 2..n + n / 2).collect();
    let record = json!({"handle": "a", "xs": xs, "ys": ys});
    let rules = Ruleset::compile(
        "t.rules",
        "require common: overlap(xs, ys) == 100k\n\
         require counted: count(xs, x => x >= 0 and not (x in [-1, -2])) == 200k\n\
         require summed: sum(xs) > 0 and max(xs) == 199999 and len(xs) == 200k\n\
         require found: 199999 in xs and xs contains 5",
    )
    .expect("valid");
    // comparing every pair in overlap took minutes here; hashing takes a moment
    within(Duration::from_secs(30), "200,000 elements", || {
        let v = rules.evaluate(&record);
        assert_eq!(v.status, Status::Accepted, "{:?}", v.failed);
    });
}

#[test]
fn nested_lambdas_over_long_lists_stop_with_an_error() {
    let dir = scratch("totality-nested");
    // three nested lambdas over 2,000 elements: 8e9 steps, hours; stopped
    // within a budget proportional to the rules times the record
    let rules = write(
        &dir,
        "nested.rules",
        "require pairs: any(xs, a => any(xs, b => any(xs, c => a + b + c < 0)))\n\
         signal fine = count(xs, x => x > 10) / 2k\n",
    );
    let xs: Vec<u32> = (0..2_000).collect();
    let data = write(
        &dir,
        "c.ndjson",
        format!(
            "{}\n{}\n",
            json!({"handle": "long", "xs": xs}),
            json!({"handle": "short", "xs": [1, 2, 3]})
        ),
    );
    let start = Instant::now();
    let o = run(&[p(&rules), p(&data), "--format", "json", "--all"]);
    let took = start.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json_of(&o);
    let long = &r["creators"][0];
    assert_eq!(long["status"], "error");
    assert_eq!(long["failed"][0]["rule"], "pairs");
    let reason = long["failed"][0]["reason"].as_str().expect("a reason");
    assert!(
        reason.starts_with("evaluation stopped after") && reason.contains("avoid nesting them"),
        "{reason}"
    );
    // short lists are nested freely
    assert_eq!(r["creators"][1]["status"], "rejected");
    assert!(took < Duration::from_secs(60), "took {took:?}");
}

#[test]
fn a_reason_names_a_long_list_in_part() {
    let handles: Vec<String> = (0..10_000).map(|i| format!("\"h{i}\"")).collect();
    let rules = Ruleset::compile(
        "t.rules",
        &format!("require listed: handle in [{}]", handles.join(", ")),
    )
    .expect("valid");
    let v = rules.evaluate(&json!({"handle": "zed"}));
    assert_eq!(
        v.failed[0].reason,
        "handle is \"zed\", needs one of \"h0\", \"h1\", \"h2\", \"h3\", \"h4\", \"h5\", \"h6\", \"h7\", \"h8\", \"h9\", … 9990 more"
    );
}

/// The reason of a creator stopped by the step budget.
fn stopped_reason(v: &influence_eval::Verdict) -> &str {
    assert_eq!(v.status, Status::Error, "{:?}", v.failed);
    &v.failed[0].reason
}

#[test]
fn scans_count_in_a_budget_that_does_not_grow_with_the_record() {
    // `in` over a long list inside a lambda over it: 1.6e9 comparisons,
    // 12.5 s and never stopped; the budget once grew with the record
    let xs: Vec<u32> = (0..40_000).collect();
    let rules = Ruleset::compile("t.rules", "require r: count(xs, x => (x + 1) in xs) < 0\n")
        .expect("valid");
    within(Duration::from_secs(10), "in over 40,000 elements", || {
        let v = rules.evaluate(&json!({"handle": "a", "xs": xs}));
        let reason = stopped_reason(&v);
        let fixed = format!("stopped after {} steps", influence_eval::DEFAULT_MAX_STEPS);
        assert!(reason.contains(&fixed), "{reason}");
        assert!(
            reason.contains("raise the limit with --max-steps"),
            "{reason}"
        );
    });
    // a short regex with a bounded repeat over a 15 MB bio: 58 s
    let rules = Ruleset::compile("t.rules", "require r: not (bio matches \"(?s)Z.{600}q\")\n")
        .expect("valid");
    let bio = format!("Z{}", "a".repeat(15 << 20));
    within(Duration::from_secs(10), "a regex over 15 MB", || {
        let v = rules.evaluate(&json!({"handle": "a", "bio": bio}));
        assert!(stopped_reason(&v).starts_with("evaluation stopped"));
    });
    // the same rules over short values pass as before
    let v = rules.evaluate(&json!({"handle": "a", "bio": "Zq"}));
    assert_eq!(v.status, Status::Accepted, "{:?}", v.failed);
}

#[test]
fn the_step_budget_is_set_with_max_steps() {
    let dir = scratch("totality-max-steps");
    let rules = write(
        &dir,
        "t.rules",
        "require some: count(xs, x => x > 0) > 1\n\
         require pairs: not any(xs, a => any(xs, b => a + b < 0))\n",
    );
    let xs: Vec<u32> = (1..=300).collect();
    let data = write(
        &dir,
        "c.ndjson",
        format!("{}\n", json!({"handle": "a", "xs": xs})),
    );
    let status = |extra: &[&str]| {
        let mut args = vec![p(&rules), p(&data), "--format", "json", "--all"];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        json_of(&o)["creators"][0].clone()
    };
    assert_eq!(status(&[])["status"], "accepted");
    let low = status(&["--max-steps", "1000"]);
    assert_eq!(low["status"], "error");
    let reason = low["failed"][0]["reason"].as_str().expect("a reason");
    assert!(
        reason.starts_with("evaluation stopped after 1000 steps"),
        "{reason}"
    );
    // explain and diff take the same option; explain stops too
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "a",
        "--max-steps",
        "1000",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_of(&o)["status"], "error");
    let o = run(&[
        "diff",
        p(&rules),
        p(&rules),
        p(&data),
        "--max-steps",
        "1000",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[p(&rules), p(&data), "--max-steps", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn explain_and_near_misses_stay_within_the_budget() {
    // the trace re-evaluates what it shows, and distances what they name:
    // both ran without any budget
    let dir = scratch("totality-explain-budget");
    let rules = write(
        &dir,
        "t.rules",
        "require pairs: any(xs, a => any(xs, b => any(xs, c => a + b + c < 0)))\n",
    );
    let xs: Vec<u32> = (0..2_000).collect();
    let data = write(
        &dir,
        "c.ndjson",
        format!("{}\n", json!({"handle": "a", "xs": xs})),
    );
    let start = Instant::now();
    let o = run(&[
        "explain",
        p(&rules),
        p(&data),
        "--id",
        "a",
        "--max-steps",
        "200000",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json_of(&o)["status"], "error");
    let o = run(&[
        p(&rules),
        p(&data),
        "--max-steps",
        "200000",
        "--near-misses",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn lambdas_nested_to_the_depth_limit_stop_in_time_on_every_thread() {
    // 100 nested sums over 3 elements: the innermost loop runs at the depth
    // where a worker thread's stack ran low, and extending it for each
    // element took a second per 150,000 steps (minutes for the default budget)
    let dir = scratch("totality-deep-lambdas");
    let mut body = "1".to_string();
    for i in 0..100 {
        body = format!("sum(xs, x{i} => {body})");
    }
    let rules = write(
        &dir,
        "t.rules",
        format!("let v = {body}\nrequire r: v > 0\n"),
    );
    let data = write(
        &dir,
        "c.ndjson",
        format!("{}\n", json!({"handle": "a", "xs": [1, 2, 3]})),
    );
    within(
        Duration::from_secs(10),
        "100 nested sums on 2 threads",
        || {
            let o = run(&[
                p(&rules),
                p(&data),
                "--format",
                "json",
                "--all",
                "--threads",
                "2",
                "--max-steps",
                "3000000",
            ]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            let v = &json_of(&o)["creators"][0];
            assert_eq!(v["status"], "error", "{v}");
        },
    );
}
