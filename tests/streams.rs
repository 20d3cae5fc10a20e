//! Every command on a full or closed standard output or standard error
//! (`> /dev/full`, `| head` that has gone): never a panic. A full disk
//! exits 2 with a message on standard error (silently when standard error
//! is full too); a closed pipe ends the output quietly and the command's
//! own outcome decides the status; a diagnostic standard error cannot take
//! is dropped and the status still tells.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{p, scratch, write, BIN};

const RULES: &str = "require micro: followers between 1k and 10k\nsignal reach = followers / 10k\n\nexample \"small\" {\n  creator { followers: 10 }\n  expect rejected by micro\n}\n";
const FAILING: &str = "require micro: followers between 1k and 10k\n\nexample \"wrong\" {\n  creator { followers: 10 }\n  expect accepted\n}\n";
const MESSY: &str = "require   micro :followers between 1k and 10k\n";

struct Fixture {
    dir: PathBuf,
    rules: PathBuf,
    data: PathBuf,
}

fn fixture(name: &str) -> Fixture {
    let dir = scratch(name);
    let rules = write(&dir, "brand.rules", RULES);
    let data: String = (0..300)
        .map(|i| {
            format!(
                "{{\"handle\": \"c{i}\", \"followers\": {}}}\n",
                500 + i * 40
            )
        })
        .collect();
    let data = write(&dir, "creators.ndjson", data);
    write(&dir, "failing.rules", FAILING);
    Fixture { dir, rules, data }
}

/// Each command that writes to standard output, with its status when the
/// output is read (or its reader has gone).
fn commands(f: &Fixture) -> Vec<(Vec<String>, i32)> {
    let (r, d) = (p(&f.rules).to_string(), p(&f.data).to_string());
    let failing = p(&f.dir.join("failing.rules")).to_string();
    let messy = p(&f.dir.join("messy.rules")).to_string();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        (s(&["run", &r, &d, "--format", "json"]), 0),
        (s(&["run", &r, &d, "--format", "table"]), 0),
        (s(&["run", &r, &d, "--format", "ndjson"]), 0),
        (s(&["run", &r, &d, "--format", "csv"]), 0),
        (s(&["check", &r]), 0),
        (s(&["check", &r, "--data", &d]), 0),
        (s(&["test", &r]), 0),
        (s(&["test", &failing]), 3),
        (s(&["fmt", "--check", &messy]), 3),
        (s(&["fmt", &messy]), 0),
        (s(&["explain", &r, &d, "--id", "c3"]), 0),
        (s(&["diff", &r, &failing, &d]), 0),
        (s(&["--help"]), 0),
        (s(&["--version"]), 0),
    ]
}

fn spawn(args: &[String], stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .expect("run the binary")
}

fn full() -> Stdio {
    Stdio::from(std::fs::File::create("/dev/full").expect("/dev/full"))
}

/// A pipe whose reader has already gone: every write fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Stdio::from(writer)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn reset_messy(dir: &Path) {
    write(dir, "messy.rules", MESSY);
}

#[test]
fn a_full_standard_output_exits_2_with_a_message() {
    let f = fixture("stdout-full");
    for (args, _) in commands(&f) {
        reset_messy(&f.dir);
        let o = spawn(&args, full(), Stdio::piped());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains("panicked"), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains("cannot write the report to standard output: No space left on device"),
            "{args:?}: {}",
            err(&o)
        );
    }
}

#[test]
fn full_standard_output_and_error_exit_2_silently() {
    let f = fixture("both-full");
    for (args, _) in commands(&f) {
        reset_messy(&f.dir);
        let o = spawn(&args, full(), full());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_closed_standard_output_is_quiet_and_keeps_the_status() {
    let f = fixture("stdout-closed");
    for (args, status) in commands(&f) {
        reset_messy(&f.dir);
        let o = spawn(&args, closed_pipe(), Stdio::piped());
        assert_eq!(o.status.code(), Some(status), "{args:?}: {}", err(&o));
        // `test` still shows a failed example's diagnostic
        if status != 3 || args[0] != "test" {
            assert_eq!(err(&o), "", "{args:?}");
        }
    }
}

#[test]
fn diagnostics_that_standard_error_cannot_take_keep_the_status() {
    let f = fixture("stderr-full");
    let bad = write(&f.dir, "bad.rules", "require r: lenn(x) > 1\n");
    let failing = f.dir.join("failing.rules");
    let r = p(&f.rules);
    let d = p(&f.data);
    let odd = write(
        &f.dir,
        "odd.ndjson",
        "{\"handle\": \"a\", \"followers\": \"3.3k\"}\n",
    );
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["check", p(&bad)], 1),
        (vec!["run", p(&bad), d], 1),
        (vec!["test", p(&failing)], 3),
        (vec!["run", r, "missing.ndjson"], 2),
        (vec!["run", r, p(&odd), "--strict"], 2),
        (vec!["check", r, "--data", p(&odd)], 0),
        (vec!["explain", r, d, "--id", "nobody"], 2),
        (vec!["run", r, d, "--no-such-flag"], 2),
        (vec!["--error-format", "json", "check", p(&bad)], 1),
    ];
    for (args, status) in cases {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        for stderr in [full(), closed_pipe()] {
            let o = spawn(&args, Stdio::null(), stderr);
            assert_eq!(o.status.code(), Some(status), "{args:?}");
        }
    }
}
