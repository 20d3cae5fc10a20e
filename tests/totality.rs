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
    assert_eq!(compile_err("let a = a + 1"), ["influence::cycle"]);
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
