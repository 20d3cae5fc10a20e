//! `ndjson` and `csv` read their input once, through the same pipeline as
//! `json`: the same verdicts and ranks as `--all --format json` (creators in
//! error and in review included), the same bytes whatever `--threads`, and
//! inputs that cannot be read twice (a FIFO, `/dev/stdin`, `<(...)`) work.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{json_of, p, run, run_with_stdin, scratch, stderr, stdout, write, BIN};
use serde_json::{json, Value};

/// A review requirement, a signal that nests lambdas (stopped by the step
/// budget over a long list: a creator in error that passes every
/// requirement), and a rank key that ties and is sometimes missing.
const RULES: &str = r#"
require micro: followers between 1k and 10k
require engaged: engagement_rate >= 3% when missing review
signal engagement = engagement_rate / 8%
signal triples = count(xs, a => any(xs, b => any(xs, c => a + b + c < 0))) / 10
rank by tiebreak desc
"#;

fn data() -> String {
    let long: Vec<i64> = (0..150).collect();
    let mut lines = Vec::new();
    for i in 0..40 {
        let followers = [5000, 500, 2000, 9000][i % 4];
        let mut c = json!({
            "handle": format!("c{i}"),
            "followers": followers,
            "engagement_rate": (i % 7) as f64 / 100.0,
            "xs": [1, 2, 3],
        });
        if i % 5 != 0 {
            c["tiebreak"] = json!(i % 3); // ties, kept in input order
        }
        if i % 6 == 1 {
            c.as_object_mut()
                .expect("an object")
                .remove("engagement_rate"); // review
        }
        lines.push(c.to_string());
    }
    // the first creator in input order: accepted in every requirement, but
    // its signal goes past the step budget, so it is in error
    lines.insert(
        0,
        json!({"handle": "long", "followers": 5000, "engagement_rate": 0.05, "xs": long, "tiebreak": 9})
            .to_string(),
    );
    lines.insert(7, r#"{"handle": "broken", "followers": "#.to_string());
    lines.insert(9, "[1, 2]".to_string());
    lines.join("\n") + "\n"
}

/// (id, status, rank) of each creator, in input order.
fn triples(
    vs: impl Iterator<Item = (String, String, Option<u64>)>,
) -> Vec<(String, String, Option<u64>)> {
    vs.collect()
}

fn from_json(vs: &[Value]) -> Vec<(String, String, Option<u64>)> {
    triples(vs.iter().map(|v| {
        (
            v["id"].as_str().expect("an id").to_string(),
            v["status"].as_str().expect("a status").to_string(),
            v["rank"].as_u64(),
        )
    }))
}

fn ndjson_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect()
}

fn csv_rows(text: &str) -> Vec<(String, String, Option<u64>)> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    triples(r.records().map(|row| {
        let row = row.expect("a CSV row");
        (
            row[0].to_string(),
            row[1].to_string(),
            (!row[2].is_empty()).then(|| row[2].parse().expect("a rank")),
        )
    }))
}

#[test]
fn json_ndjson_and_csv_agree_on_every_creators_rank() {
    let dir = scratch("lines-agree");
    let rules = write(&dir, "r.rules", RULES);
    let data = write(&dir, "c.ndjson", data());
    let json = json_of(&run(&[p(&rules), p(&data), "--format", "json", "--all"]));
    let creators = json["creators"].as_array().expect("--all").clone();
    let expected = from_json(&creators);
    assert_eq!(expected.len(), 43);
    // the creator stopped by the budget is in error, and unranked
    assert_eq!(expected[0], ("long".into(), "error".into(), None));
    assert_eq!(creators[0]["failed"][0]["rule"], "signal triples");
    assert!(expected.iter().any(|t| t.1 == "review"));
    // every accepted creator ranked, 1..=A, and no one else
    let mut ranks: Vec<u64> = expected.iter().filter_map(|t| t.2).collect();
    ranks.sort_unstable();
    let accepted = expected.iter().filter(|t| t.1 == "accepted").count();
    assert_eq!(ranks, (1..=accepted as u64).collect::<Vec<_>>());

    let mut outputs = Vec::new();
    for threads in ["1", "2", "8"] {
        let nd = run(&[
            p(&rules),
            p(&data),
            "--format",
            "ndjson",
            "--threads",
            threads,
        ]);
        assert_eq!(nd.status.code(), Some(0), "{}", stderr(&nd));
        // each line is the verdict of `--all`, byte for byte as JSON values
        assert_eq!(ndjson_lines(&nd), creators, "ndjson, --threads {threads}");
        let csv = run(&[
            p(&rules),
            p(&data),
            "--format",
            "csv",
            "--rows",
            "all",
            "--threads",
            threads,
        ]);
        assert_eq!(csv.status.code(), Some(0), "{}", stderr(&csv));
        assert_eq!(
            csv_rows(&stdout(&csv)),
            expected,
            "csv, --threads {threads}"
        );
        outputs.push((nd.stdout, csv.stdout));
    }
    assert!(
        outputs.windows(2).all(|w| w[0] == w[1]),
        "the same bytes whatever --threads"
    );
}

/// Runs `cmd`, failing (and killing it) if it takes more than `limit`:
/// a regression that hangs fails instead.
fn within(mut cmd: Command, limit: Duration, feed: impl FnOnce() + Send + 'static) -> Output {
    let child = cmd
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    std::thread::spawn(feed);
    let id = child.id();
    let waiter = std::thread::spawn(move || child.wait_with_output().expect("wait"));
    let start = Instant::now();
    while !waiter.is_finished() {
        if start.elapsed() > limit {
            let _ = Command::new("kill").arg("-9").arg(id.to_string()).status();
            panic!("still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    waiter.join().expect("the waiter does not panic")
}

#[cfg(unix)]
#[test]
fn a_fifo_dev_stdin_and_process_substitution_are_read_once() {
    let dir = scratch("lines-fifo");
    let rules = write(&dir, "r.rules", RULES);
    let text = data();
    let data = write(&dir, "c.ndjson", &text);
    for format in ["ndjson", "csv"] {
        let want = run(&[p(&rules), p(&data), "--format", format]);
        assert_eq!(want.status.code(), Some(0), "{}", stderr(&want));

        let fifo = dir.join(format!("fifo-{format}"));
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let mut cmd = Command::new(BIN);
        cmd.args([p(&rules), p(&fifo), "--format", format]);
        let (to, bytes) = (fifo.clone(), text.clone());
        let o = within(cmd, Duration::from_secs(60), move || {
            // blocks until the binary opens the FIFO
            let _ = std::fs::write(&to, bytes);
        });
        assert_eq!(o.status.code(), Some(0), "FIFO: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&want), "FIFO, {format}");

        let o = run_with_stdin(
            &[p(&rules), "/dev/stdin", "--format", format],
            Some(text.as_bytes()),
        );
        assert_eq!(o.status.code(), Some(0), "/dev/stdin: {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&want), "/dev/stdin, {format}");

        let mut cmd = Command::new("bash");
        cmd.args([
            "-c",
            r#""$0" "$1" <(cat "$2") --format "$3""#,
            BIN,
            p(&rules),
            p(&data),
            format,
        ]);
        let o = within(cmd, Duration::from_secs(60), || {});
        assert_eq!(o.status.code(), Some(0), "<(...): {}", stderr(&o));
        assert_eq!(stdout(&o), stdout(&want), "<(...), {format}");
    }
}

/// A data error is shown without reading the input again: opening a FIFO a
/// second time, to show the lines around the fault, waited for ever.
#[cfg(unix)]
#[test]
fn a_data_error_in_a_fifo_is_reported_for_every_command() {
    let dir = scratch("lines-fifo-error");
    let rules = write(&dir, "r.rules", RULES);
    let rules = p(&rules);
    let commands: [&[&str]; 6] = [
        &["run", rules, "FIFO", "--format", "json"],
        &["run", rules, "FIFO", "--format", "ndjson"],
        &["run", rules, "FIFO", "--format", "table"],
        &["explain", rules, "FIFO", "--id", "a"],
        &["check", rules, "--data", "FIFO"],
        &["diff", rules, rules, "FIFO"],
    ];
    for (i, args) in commands.into_iter().enumerate() {
        let fifo = dir.join(format!("fifo-{i}"));
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let mut cmd = Command::new(BIN);
        cmd.args(args.iter().map(|a| if *a == "FIFO" { p(&fifo) } else { a }));
        let to = fifo.clone();
        let o = within(cmd, Duration::from_secs(60), move || {
            let _ = std::fs::write(&to, "[\n  {\"handle\": \"a\"},,\n]\n");
        });
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("JSON"), "{args:?}: {}", stderr(&o));
    }
}

/// Every file in `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("a folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_temporary_file_is_gone_after_every_run() {
    let dir = scratch("lines-spool");
    let tmp = dir.join("tmp");
    let out = dir.join("out");
    std::fs::create_dir_all(&tmp).expect("mkdir");
    std::fs::create_dir_all(&out).expect("mkdir");
    let rules = write(&dir, "r.rules", RULES);
    let good = write(&dir, "c.ndjson", data());
    let bad = write(&dir, "bad.json", "[{\"handle\": \"a\"},, ]");
    let missing = dir.join("missing.ndjson");
    for format in ["ndjson", "csv"] {
        for data in [&good, &bad, &missing] {
            let o = Command::new(BIN)
                .args([p(&rules), p(data), "--format", format, "--strict"])
                .env("TMPDIR", &tmp)
                .stdin(Stdio::null())
                .output()
                .expect("run");
            // a data error, a missing file; --strict: the creators in error
            // exit 2 once the output is written
            assert_eq!(o.status.code(), Some(2), "{data:?}: {}", stderr(&o));
            assert_eq!(names(&tmp), Vec::<String>::new(), "{format} {data:?}");
        }
        let file = out.join(format!("r.{format}"));
        let o = run(&[
            p(&rules),
            p(&good),
            "--format",
            format,
            "--output",
            p(&file),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(
            names(&out).iter().all(|n| n.starts_with("r.")),
            "{:?}",
            names(&out)
        );
        // an output that is no regular file: the spool goes to the temporary folder
        let o = run(&[
            p(&rules),
            p(&good),
            "--format",
            format,
            "--output",
            "/dev/null",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}
